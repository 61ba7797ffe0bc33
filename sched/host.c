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
 * The same thread reports failed kernels to the runtime's fault hook
 * (weir_runtime_set_fault_hook): the worker parks the failing stream and
 * pushes a WEIR_TK_FAULT record carrying the unretired kernel task; this
 * thread calls the hook, retires the kernel task with its code and resumes
 * the stream, exactly as for a host function (invariant 1). Host functions
 * of a stream with a host reporter (reporter.c) run on that reporter
 * instead, and come here only if it goes away first.
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

WEIR_API int weir_launch_host(weir_stream_t *s, weir_host_fn fn, void *arg)
{
	if (!fn)
		return WEIR_EINVAL;
	struct weir_stream *st = weir__stream_get(s);
	if (!st)
		return WEIR_EHANDLE;
	int rc = WEIR_OK;
	if (weir__reporter_subscribed(st) && !weir__reporter_host_subscribed(st))
		rc = WEIR_ESUBSCRIBED;
	if (!rc)
		rc = weir__host_start(st->dev);
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
	if (weir__reporter_subscribed(st) && !weir__reporter_host_subscribed(st))
		return WEIR_ESUBSCRIBED;
	int rc = weir__host_start(st->dev);
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

/* Call the runtime's fault hook, if it still has one, for kernel task k of
 * st that returned `code`. The hook is read under rt->lock and called
 * outside it (it is user code). */
static void host_fault(struct weir_stream *st, struct weir_task *k, int code)
{
	struct weir_runtime *rt = st->rt;
	pthread_mutex_lock(&rt->lock);
	weir_fault_fn fn = rt->fault_fn;
	void *user = rt->fault_user;
	pthread_mutex_unlock(&rt->lock);
#ifdef WEIR_BUSTED_FAULT_HOOK_SKIPPED
	fn = NULL; /* planted: a failing kernel is never reported */
#endif
	if (!fn)
		return;
	weir_fault_t f = {
		.device = st->dev->id,
		.stream_id = st->id,
		.stream = weir__stream_handle(st),
		.task_id = k->seq,
		.thread_id = k->u.ktid,
		.code = code,
		.fn = k->u.kernel,
		.args = k->args,
		.nblocks = k->nblocks,
	};
	fn(&f, user);
}

WEIR_API int weir_runtime_set_fault_hook(weir_runtime_t *rt, weir_fault_fn fn, void *user)
{
	if (!rt)
		return WEIR_EINVAL;
	/* A failed kernel is reported on its device's callback thread, so
	 * every device needs one before a worker may hand it a fault. */
	if (fn)
		for (uint32_t d = 0; d < rt->ndevices; d++)
			if (weir__host_start(&rt->devices[d]) != WEIR_OK)
				return WEIR_ENOMEM;
	pthread_mutex_lock(&rt->lock);
	rt->fault_fn = fn;
	rt->fault_user = user;
	/* Relaxed: a hint for workers; the callback thread re-reads the hook
	 * under the lock, and the threads it needs were started above. */
	weir_store_relaxed(&rt->fault_on, fn != NULL);
	pthread_mutex_unlock(&rt->lock);
	return WEIR_OK;
}

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
			if (t->kind == WEIR_TK_FAULT) {
				/* A failed kernel (stream.c): report it, then
				 * retire it; the stream is parked on it (O). */
				struct weir_task *k = t->u.host.arg;
				int code = FAULT_CODE(t);
				host_fault(st, k, code);
				weir__stream_retire(st, k, weir__fail_task(code), false, &batch);
				weir__task_batch_add(&batch, t);
				weir__stream_unpark(st);
				continue;
			}
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

int weir__host_start(struct weir_device *dev)
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
