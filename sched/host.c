/*
 * sched/host.c - host functions (weir_launch_host) and the device's
 * host-callback thread that runs them.
 *
 * The stream reaches a WEIR_TK_HOST task, parks on it and hands it to its
 * device's callback inbox (weir__host_push, base/mpsc.h's stack); the
 * callback thread, started on the device's first host function, takes the
 * inbox, runs fn, retires the task and resumes the stream. Host functions
 * run one at a time per device, in the order their streams reached them.
 *
 * Invariants:
 *  1. While its task is on the callback inbox or running, the stream is
 *     PARKED on it and the callback thread owns it (O); the push (HOST-R5) hands
 *     the stream over, the take (HOST-A5) receives it.
 *  2. The callback thread is started at most once per device (cb_lock), and
 *     before the first host task of that device is submitted, so a pushed
 *     task always has a thread to run it; it exits only once the runtime is
 *     stopping and its inbox is empty.
 *
 * Calls: the stream owner API (weir__stream_retire / _unpark, stream.c),
 * weir__stream_get / _submit_task, and weir__reporter_subscribed
 * (reporter.c) (internal.h, "Dependencies").
 */
#include "sched/internal.h"

#include <limits.h>

static int host_start(struct weir_device *dev);

WEIR_API int weir_launch_host(weir_stream_t *s, weir_host_fn fn, void *arg)
{
	if (!fn)
		return WEIR_EINVAL;
	struct weir_stream *st = weir__stream_get(s);
	if (!st)
		return WEIR_EHANDLE;
	int rc = WEIR_OK;
	if (weir__reporter_subscribed(st))
		rc = WEIR_ESUBSCRIBED;
	if (!rc)
		rc = host_start(st->dev);
	weir__stream_put(st);
	if (rc)
		return rc;
	struct weir_task *t = weir__task_alloc();
	if (!t)
		return WEIR_ENOMEM;
	t->kind = WEIR_TK_HOST;
	t->nblocks = 1;
	t->u.host.fn = fn;
	t->u.host.arg = arg;
	rc = weir__stream_submit_task(s, t);
	if (rc)
		weir__task_free(t);
	return rc;
}

/* weir/sched.h (library-internal): weir_launch_host onto a stream the caller
 * found (weir__stream_find) in the read-side section it still holds: no
 * lookup, no reference count, no lock once the device's host thread runs.
 * Same checks in the same order; WEIR_EAGAIN (stream full) queues nothing. */
int weir__launch_host_found(struct weir_stream *st, weir_host_fn fn, void *arg)
{
	if (!fn)
		return WEIR_EINVAL;
	if (weir__reporter_subscribed(st))
		return WEIR_ESUBSCRIBED;
	int rc = host_start(st->dev);
	if (rc)
		return rc;
	struct weir_task *t = weir__task_alloc();
	if (!t)
		return WEIR_ENOMEM;
	t->kind = WEIR_TK_HOST;
	t->nblocks = 1;
	t->u.host.fn = fn;
	t->u.host.arg = arg;
	rc = weir__stream_push(st, t);
	if (rc)
		weir__task_free(t);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* The device's host-callback thread                                         */
/* ------------------------------------------------------------------------ */

static void *cb_main(void *arg)
{
	struct weir_device *dev = arg;
	char name[16];
	snprintf(name, sizeof(name), "weir-d%ucb", dev->id);
	pthread_setname_np(pthread_self(), name);
	struct weir_task_batch batch;
	weir__task_batch_init(&batch);
	for (;;) {
		/* HOST-A5: acquire (mpsc.h MA1) - takes the parked streams' tasks;
		 * pairs with HOST-R5. */
		struct weir_task *list = weir__tasks_take_all(&dev->cb_inbox);
		if (!list) {
			weir__task_batch_flush(&batch);
			if (weir_load_acquire(
			            &dev->rt->stopping)) /* HOST-A4: acquire - pairs with RT-R4 (runtime.c) */
				break;
			uint32_t key = weir__ec_prepare(&dev->cb_ec);
			/* HOST-S2: seq_cst - re-check after weir__ec_prepare (ec invariant 1). */
			if (weir_load_seqcst(&dev->cb_inbox) ||
			    weir_load_seqcst(&dev->rt->stopping)) {
				weir__ec_cancel(&dev->cb_ec);
				continue;
			}
			weir__ec_wait(&dev->cb_ec, key, UINT64_MAX);
			continue;
		}
		list = weir__tasks_reverse(list, NULL, NULL);
		while (list) {
			struct weir_task *t = list;
			list = t->next;
			struct weir_stream *st = HOST_STREAM(t);
			t->u.host.fn(t->u.host.arg);
			/* The stream is parked on this task: we own it (O). */
			weir__stream_retire(st, t, 0, false, &batch);
			weir__stream_unpark(st);
		}
	}
	return NULL;
}

void weir__host_push(struct weir_device *dev, struct weir_task *t)
{
	/* HOST-R5: seq_cst (mpsc.h MP2) - hands the task and its parked stream to
	 * the callback thread (pairs with HOST-A5), and is ordered before the
	 * eventcount check. */
	weir__tasks_push_seqcst(&dev->cb_inbox, t, t);
	weir__ec_notify(&dev->cb_ec, 1);
}

static int host_start(struct weir_device *dev)
{
	/* HOST-A1: acquire - pairs with HOST-R1: once started, no launch takes the
	 * lock again (no mutex on the per-task path). */
	if (weir_load_acquire(&dev->cb_started))
		return WEIR_OK;
	int rc = WEIR_OK;
	pthread_mutex_lock(&dev->cb_lock);
	if (!weir_load_relaxed(&dev->cb_started)) { /* L(cb_lock) held */
		if (pthread_create(&dev->cb_thread, NULL, cb_main, dev) == 0)
			/* HOST-R1: release - cb_thread is set; pairs with HOST-A1. */
			weir_store_release(&dev->cb_started, true);
		else
			rc = WEIR_ENOMEM;
	}
	pthread_mutex_unlock(&dev->cb_lock);
	return rc;
}

void weir__host_init(struct weir_device *dev)
{
	pthread_mutex_init(&dev->cb_lock, NULL);
	atomic_init(&dev->cb_started, false);
}

void weir__host_wake(struct weir_device *dev)
{
	/* seq_cst: bump the futex word so that the thread's wait returns
	 * (ec invariant 1); the caller stored rt->stopping (RT-R4) before. */
	weir_faa_seqcst(&dev->cb_ec.seq, 1);
	weir__futex_wake(&dev->cb_ec.seq, INT32_MAX);
}

void weir__host_join(struct weir_device *dev)
{
	pthread_mutex_lock(&dev->cb_lock);
	bool started = weir_load_relaxed(&dev->cb_started); /* L(cb_lock) held */
	pthread_mutex_unlock(&dev->cb_lock);
	if (started)
		pthread_join(dev->cb_thread, NULL);
}

void weir__host_fini(struct weir_device *dev)
{
	pthread_mutex_destroy(&dev->cb_lock);
}
