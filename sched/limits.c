/*
 * sched/limits.c - per-device and per-stream block limits, float modes, the
 * per-device overflow status, and the kernel context a running kernel reads
 * them through (weir/sched.h, "Block limits, float modes and overflow").
 *
 * Where they act: a split kernel's block cap (weir__block_cap) is read by
 * weir__device_run_kernel (device.c, invariant 6) when the kernel starts; a
 * stream's float flags are copied into each kernel task at its push
 * (stream.c) and installed as the worker's kernel context around every
 * block it runs (device.c), so a float op learns its task's check and mode
 * without knowing its stream.
 *
 * Ordering: the limits and modes are relaxed words (nothing else is
 * published through them). The overflow status pairs DEV-R6 (a kernel's
 * report) with DEV-A6 (a status read): a task that reads the status after
 * a kernel retired (same stream, or a host sync in between) sees its
 * report, because the retire / sync chain is itself release/acquire.
 */
#include "sched/internal.h"

/* ------------------------------------------------------------------------ */
/* Kernel context                                                            */
/* ------------------------------------------------------------------------ */

/* The device and WEIR__FP_* of the kernel this thread runs now (worker
 * threads only; NULL / 0 elsewhere), set by weir__kernel_enter/leave
 * (internal.h). Thread-local: no ordering. */
_Thread_local struct weir_device *weir__tls_kdev;
_Thread_local uint32_t weir__tls_kfp;

_Static_assert(WEIR__FP_CHECK == WEIR_KERNEL_FP_CHECK &&
                       WEIR__FP_SATURATE == WEIR_KERNEL_FP_SATURATE,
               "the task's float bits are the public kernel flags");

WEIR_API uint32_t weir_kernel_float_flags(void)
{
	return weir__tls_kdev ? weir__tls_kfp : 0;
}

WEIR_API void weir_kernel_report_overflow(void)
{
	if (!weir__tls_kdev || !(weir__tls_kfp & WEIR__FP_CHECK))
		return;
	/* DEV-R6: release - the report is ordered before the kernel's task
	 * retires; pairs with DEV-A6 in weir_device_overflow_status(). The
	 * plain load first keeps a hot loop of reports off the cache line's
	 * exclusive state once the status is set. */
	if (!weir_load_relaxed(&weir__tls_kdev->overflow))
		weir_store_release(&weir__tls_kdev->overflow, 1);
}

/* ------------------------------------------------------------------------ */
/* Block limits                                                              */
/* ------------------------------------------------------------------------ */

uint32_t weir__block_cap(const struct weir_device *dev, struct weir_stream *st)
{
	uint32_t cap = dev->nworkers;
	for (int c = 0; c < WEIR_CORE_CLASSES; c++) {
		/* Relaxed: see the fields (internal.h). */
		uint32_t v = weir_load_relaxed(&st->blk_limit[c]);
		if (!v)
			v = weir_load_relaxed(&((struct weir_device *)dev)->blk_limit[c]);
		if (v && v < cap)
#ifdef WEIR_BUSTED_BLOCK_CAP_OFF_BY_ONE
			cap = v + 1; /* planted: one worker more than the limit */
#else
			cap = v;
#endif
	}
	WEIR_ASSERT(cap >= 1, "limits.c: a limit is >= 1, so a kernel always has a worker");
	return cap;
}

static int device_of(weir_runtime_t *rt, uint32_t dev, struct weir_device **d)
{
	if (!rt)
		return WEIR_EINVAL;
	if (dev >= rt->ndevices)
		return WEIR_EDEVICE;
	*d = &rt->devices[dev];
	return WEIR_OK;
}

static bool class_ok(int cls)
{
	return cls >= 0 && cls < WEIR_CORE_CLASSES;
}

WEIR_API int weir_device_set_block_limit(weir_runtime_t *rt, uint32_t dev, int cls, uint32_t limit)
{
	struct weir_device *d;
	int rc = device_of(rt, dev, &d);
	if (rc)
		return rc;
	if (!class_ok(cls))
		return WEIR_EINVAL;
	weir_store_relaxed(&d->blk_limit[cls], limit);
	return WEIR_OK;
}

WEIR_API int weir_device_block_limit(weir_runtime_t *rt, uint32_t dev, int cls, uint32_t *limit)
{
	struct weir_device *d;
	int rc = device_of(rt, dev, &d);
	if (rc)
		return rc;
	if (!class_ok(cls) || !limit)
		return WEIR_EINVAL;
	*limit = weir_load_relaxed(&d->blk_limit[cls]);
	return WEIR_OK;
}

WEIR_API int weir_stream_set_block_limit(weir_stream_t *s, int cls, uint32_t limit)
{
	if (!class_ok(cls))
		return WEIR_EINVAL;
	weir__rcu_read_lock();
	struct weir_stream *st = weir__stream_lookup(s);
	if (st)
		weir_store_relaxed(&st->blk_limit[cls], limit);
	weir__rcu_read_unlock();
	return st ? WEIR_OK : WEIR_EHANDLE;
}

WEIR_API int weir_stream_block_limit(weir_stream_t *s, int cls, uint32_t *limit)
{
	if (!class_ok(cls) || !limit)
		return WEIR_EINVAL;
	weir__rcu_read_lock();
	struct weir_stream *st = weir__stream_lookup(s);
	if (st)
		*limit = weir_load_relaxed(&st->blk_limit[cls]);
	weir__rcu_read_unlock();
	return st ? WEIR_OK : WEIR_EHANDLE;
}

/* ------------------------------------------------------------------------ */
/* Float modes and the overflow status                                       */
/* ------------------------------------------------------------------------ */

WEIR_API int weir_device_set_float_mode(weir_runtime_t *rt, uint32_t dev, int mode)
{
	struct weir_device *d;
	int rc = device_of(rt, dev, &d);
	if (rc)
		return rc;
	if (mode != WEIR_FLOAT_SATURATION && mode != WEIR_FLOAT_INFNAN)
		return WEIR_EINVAL;
	weir_store_relaxed(&d->float_mode, (uint32_t)mode);
	return WEIR_OK;
}

WEIR_API int weir_device_float_mode(weir_runtime_t *rt, uint32_t dev, int *mode)
{
	struct weir_device *d;
	int rc = device_of(rt, dev, &d);
	if (rc)
		return rc;
	if (!mode)
		return WEIR_EINVAL;
	*mode = (int)weir_load_relaxed(&d->float_mode);
	return WEIR_OK;
}

/* Read (mask 0) or replace the `mask` bits of a stream's float flags. */
static int stream_fp(weir_stream_t *s, uint32_t mask, uint32_t bits, uint32_t *out)
{
	weir__rcu_read_lock();
	struct weir_stream *st = weir__stream_lookup(s);
	if (st) {
		uint32_t w = weir_load_relaxed(&st->fp);
		while (mask && !weir_cas_relaxed(&st->fp, &w, (w & ~mask) | (bits & mask)))
			;
		if (out)
			*out = w;
	}
	weir__rcu_read_unlock();
	return st ? WEIR_OK : WEIR_EHANDLE;
}

WEIR_API int weir_stream_float_mode(weir_stream_t *s, int *mode)
{
	if (!mode)
		return WEIR_EINVAL;
	uint32_t w = 0;
	int rc = stream_fp(s, 0, 0, &w);
	if (rc == WEIR_OK)
		*mode = (w & WEIR__FP_SATURATE) ? WEIR_FLOAT_SATURATION : WEIR_FLOAT_INFNAN;
	return rc;
}

WEIR_API int weir_stream_set_overflow_check(weir_stream_t *s, bool on)
{
	return stream_fp(s, WEIR__FP_CHECK, on ? WEIR__FP_CHECK : 0, NULL);
}

WEIR_API int weir_stream_overflow_check(weir_stream_t *s, bool *on)
{
	if (!on)
		return WEIR_EINVAL;
	uint32_t w = 0;
	int rc = stream_fp(s, 0, 0, &w);
	if (rc == WEIR_OK)
		*on = (w & WEIR__FP_CHECK) != 0;
	return rc;
}

WEIR_API int weir_device_overflow_status(weir_runtime_t *rt, uint32_t dev, uint32_t *status)
{
	struct weir_device *d;
	int rc = device_of(rt, dev, &d);
	if (rc)
		return rc;
	if (!status)
		return WEIR_EINVAL;
	/* DEV-A6: acquire - pairs with DEV-R6 in weir_kernel_report_overflow(). */
	*status = weir_load_acquire(&d->overflow);
	return WEIR_OK;
}

WEIR_API int weir_device_overflow_reset(weir_runtime_t *rt, uint32_t dev)
{
	struct weir_device *d;
	int rc = device_of(rt, dev, &d);
	if (rc)
		return rc;
	/* Relaxed: clearing publishes nothing; a report racing the reset may
	 * land on either side of it (as on a device). */
	weir_store_relaxed(&d->overflow, 0);
	return WEIR_OK;
}
