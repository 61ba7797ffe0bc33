/*
 * tests/common/fixture.h - a small runtime fixture, stream gates and the
 * recording kernels shared by the scheduler unit tests.
 *
 * A "gate" blocks a stream without blocking any worker and without timing:
 * the stream waits on a never-set FLAG event; opening the gate records the
 * event on a driver stream that lives in its own group (so STOP-mode tests on
 * the test group never stop the driver).
 */
#ifndef WEIR_TESTS_COMMON_FIXTURE_H
#define WEIR_TESTS_COMMON_FIXTURE_H

#include "common/oracle.h"

#define WT_FIX_DEVICES 2

typedef struct wt_fix {
	weir_runtime_t *rt;
	weir_group_t *g[WT_FIX_DEVICES];    /* test groups, one per device */
	weir_group_t *dg[WT_FIX_DEVICES];   /* driver groups */
	weir_stream_t *drv[WT_FIX_DEVICES]; /* driver streams */
	int base_threads;
} wt_fix_t;

static inline int wt_fix_setup_cfg(void **state, uint32_t workers, uint32_t ring)
{
	wt_fix_t *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	f->base_threads = wt_thread_baseline();
	weir_config_t c = wt_config(WT_FIX_DEVICES, workers, ring);
	c.flags |= WEIR_CONFIG_NO_PIN;
	if (weir_runtime_create(&c, &f->rt) != WEIR_OK)
		return -1;
	for (uint32_t d = 0; d < WT_FIX_DEVICES; d++) {
		if (weir_group_create(f->rt, d, &f->g[d]) != WEIR_OK ||
		    weir_group_create(f->rt, d, &f->dg[d]) != WEIR_OK ||
		    weir_stream_create(f->dg[d], 0, 0, &f->drv[d]) != WEIR_OK)
			return -1;
	}
	*state = f;
	return 0;
}

static inline int wt_fix_setup(void **state)
{
	return wt_fix_setup_cfg(state, 2, 16);
}

static inline int wt_fix_teardown(void **state)
{
	wt_fix_t *f = *state;
	if (!f)
		return 0;
	weir_runtime_destroy(f->rt);
	int n = wt_thread_count_settle(f->base_threads, 5 * WT_S);
	int base = f->base_threads;
	free(f);
	*state = NULL;
	if (n != base) {
		fprintf(stderr, "teardown: %d threads after runtime destroy, baseline %d\n", n,
		        base);
		return -1;
	}
	return 0;
}

static inline weir_stream_t *wt_stream(wt_fix_t *f, uint32_t dev)
{
	weir_stream_t *s = NULL;
	WT_OK(weir_stream_create(f->g[dev], 0, 0, &s));
	return s;
}

typedef struct wt_gate {
	weir_event_t *ev;
	uint32_t dev;
} wt_gate_t;

/* Block `s` (on device dev) until wt_gate_open(). */
static inline void wt_gate_block(wt_fix_t *f, wt_gate_t *gt, uint32_t dev, weir_stream_t *s)
{
	gt->dev = dev;
	WT_OK(weir_event_create(f->rt, dev, WEIR_EVENT_FLAG, &gt->ev));
	WT_OK(weir_stream_wait_event(s, gt->ev));
}

static inline void wt_gate_open(wt_fix_t *f, wt_gate_t *gt)
{
	WT_OK(weir_event_record(gt->ev, f->drv[gt->dev]));
	WT_OK(weir_stream_sync(f->drv[gt->dev], WEIR_TIMEOUT_INFINITE));
}

static inline void wt_gate_free(wt_gate_t *gt)
{
	if (gt->ev)
		WT_OK(weir_event_destroy(gt->ev));
	gt->ev = NULL;
}

/* ---- recording kernels ---- */

/* args: one counter pointer; counts a run (release: pairs with the main
 * thread's acquire load after a sync or a bounded wait). */
typedef struct wt_count_args {
	_Atomic uint64_t *ctr;
} wt_count_args_t;

static inline int wt_k_count(void *args, uint32_t block, uint32_t nblocks)
{
	wt_count_args_t *a = args;
	weir_faa_release(a->ctr, 1);
	return 0;
}

static inline int wt_launch_count(weir_stream_t *s, _Atomic uint64_t *ctr)
{
	wt_count_args_t a = { ctr };
	return weir_launch(s, wt_k_count, &a, sizeof a, 1, 0);
}

/* args: counter and a failure code; counts the run, returns the code. */
typedef struct wt_fail_args {
	_Atomic uint64_t *ctr;
	int code;
} wt_fail_args_t;

static inline int wt_k_fail(void *args, uint32_t block, uint32_t nblocks)
{
	wt_fail_args_t *a = args;
	weir_faa_release(a->ctr, 1);
	return a->code;
}

static inline int wt_launch_fail(weir_stream_t *s, _Atomic uint64_t *ctr, int code)
{
	wt_fail_args_t a = { ctr, code };
	return weir_launch(s, wt_k_fail, &a, sizeof a, 1, 0);
}

/* args: per-stream order check. `last` holds the sequence of the last task
 * that ran; a task with seq n expects n-1 there. Violations are recorded. */
typedef struct wt_seq_args {
	_Atomic uint64_t *last;
	_Atomic uint64_t *bad;
	uint64_t seq;
} wt_seq_args_t;

static inline int wt_k_seq(void *args, uint32_t block, uint32_t nblocks)
{
	wt_seq_args_t *a = args;
	/* relaxed: the stream's own order (the library's contract) orders
	 * successive tasks; the value check catches reordering. */
	uint64_t prev = weir_load_relaxed(a->last);
	if (prev + 1 != a->seq)
		weir_faa_relaxed(a->bad, 1);
	weir_store_release(a->last, a->seq);
	return 0;
}

static inline void wt_assert_conserved(const weir_stream_stats_t *st)
{
	if (st->submitted != st->completed + st->failed + st->discarded + st->in_flight)
		fail_msg("I5 broken: submitted %" PRIu64 " != completed %" PRIu64
		         " + failed %" PRIu64 " + discarded %" PRIu64 " + in_flight %" PRIu64,
		         st->submitted, st->completed, st->failed, st->discarded, st->in_flight);
}

static inline weir_stream_stats_t wt_stats(weir_stream_t *s)
{
	weir_stream_stats_t st;
	memset(&st, 0xEE, sizeof st);
	WT_OK(weir_stream_stats(s, &st));
	wt_assert_conserved(&st);
	return st;
}

#endif /* WEIR_TESTS_COMMON_FIXTURE_H */
