/*
 * sched/reporter.c - reporters and their callbacks.
 *
 * Reporters (ACL's subscribe/report model): the stream reaches a callback
 * task and hands it to its reporter's inbox; a user thread inside
 * weir_reporter_process() runs it. A blocking callback keeps the stream
 * parked until it returns; a non-blocking one travels as a copy while the
 * stream goes on.
 *
 * Invariants:
 *  1. The reporter inbox is base/mpsc.h's stack: workers push (CAS), the
 *     consumer holding `lock` takes all of it (exchange): no ABA (M1).
 *  2. Workers push only inside a read-side section in which they found the
 *     reporter published; destroy unpublishes, waits a grace period, and only
 *     then drains, so nothing is pushed after the drain.
 *  3. A drained blocking callback releases its parked stream (the task is
 *     retired as discarded and the stream resumed), so no stream strands.
 *  4. A worker queues a blocking callback (seq_cst) and then reads
 *     abort_until (seq_cst); an abort stores abort_until (seq_cst) and then
 *     searches the reporter's queue under its lock. Either the abort finds
 *     the callback, or the worker sees the abort and cancels it itself; the
 *     lock lets only one of them take it.
 *  5. Destroy stores `dead` (seq_cst) and then wakes every waiter of the
 *     reporter's eventcount; weir_reporter_process() reads `dead` after
 *     weir__ec_prepare() (ec invariant 1), so no waiter sleeps through a
 *     destroy: each returns WEIR_EHANDLE (it holds a reference, so the
 *     reporter's memory outlives its wait).
 *
 * Calls: the stream owner API (park / retire / unpark, stream.c) for the
 * streams it holds, weir__stream_submit_task for weir_launch_callback
 * (internal.h, "Dependencies").
 */
#include "sched/internal.h"

#include <limits.h>

/* Lookup, get, ref and put: base/obj.h, instantiated in internal.h. */
void weir__reporter_free(struct weir_obj *o)
{
	struct weir_reporter *rep = caa_container_of(o, struct weir_reporter, obj);
	pthread_mutex_destroy(&rep->lock);
	weir__free(rep);
}

/* True if the reporter handle in *field is a live reporter. */
static bool reporter_live(_Atomic uint64_t *field)
{
	uint64_t rh = weir_load_relaxed(field); /* relaxed: a handle, validated below */
	if (!rh)
		return false;
	weir__rcu_read_lock();
	bool live = weir__reporter_lookup((void *)(uintptr_t)rh) != NULL;
	weir__rcu_read_unlock();
	return live;
}

bool weir__reporter_subscribed(struct weir_stream *st)
{
	return reporter_live(&st->reporter);
}

bool weir__reporter_host_subscribed(struct weir_stream *st)
{
	return reporter_live(&st->host_reporter);
}

WEIR_API int weir_launch_callback(weir_stream_t *s, weir_host_fn fn, void *arg, bool block)
{
	if (!fn)
		return WEIR_EINVAL;
	struct weir_stream *st = weir__stream_get(s);
	if (!st)
		return WEIR_EHANDLE;
	bool subscribed = weir__reporter_subscribed(st);
	weir__stream_put(st);
	if (!subscribed)
		return WEIR_ENOSUB;
	struct weir_task *t = weir__task_alloc();
	if (!t)
		return WEIR_ENOMEM;
	t->kind = block ? WEIR_TK_CALLBACK : WEIR_TK_CALLBACK_NB;
	t->nblocks = 1;
	t->u.host.fn = fn;
	t->u.host.arg = arg;
	int rc = weir__stream_submit_task(s, t);
	if (rc)
		weir__task_free(t);
	return rc;
}

/* weir/sched.h (library-internal): weir_launch_callback onto a stream the
 * caller found (weir__stream_find) in the read-side section it still holds.
 * Same checks in the same order; WEIR_EAGAIN (stream full) queues nothing. */
int weir__launch_callback_found(struct weir_stream *st, weir_host_fn fn, void *arg, bool block)
{
	if (!fn)
		return WEIR_EINVAL;
	if (!weir__reporter_subscribed(st))
		return WEIR_ENOSUB;
	struct weir_task *t = weir__task_alloc();
	if (!t)
		return WEIR_ENOMEM;
	t->kind = block ? WEIR_TK_CALLBACK : WEIR_TK_CALLBACK_NB;
	t->nblocks = 1;
	t->u.host.fn = fn;
	t->u.host.arg = arg;
	int rc = weir__stream_push(st, t);
	if (rc)
		weir__task_free(t);
	return rc;
}

static bool reporter_handoff(struct weir_stream *st, _Atomic uint64_t *field, struct weir_task *t,
                             bool park)
{
	uint64_t rh = weir_load_relaxed(field); /* relaxed: validated below */
	weir__rcu_read_lock();
	struct weir_reporter *rep = rh ? weir__reporter_lookup((void *)(uintptr_t)rh) : NULL;
	if (!rep) {
		weir__rcu_read_unlock();
		return false;
	}
	if (park)
		weir__stream_park(st);
	/* REP-R1: seq_cst (mpsc.h MP2) - publishes the callback (and, blocking,
	 * the parked stream) to the consumer (REP-A1), and orders the push before
	 * the eventcount check. */
	weir__tasks_push_seqcst(&rep->inbox, t, t);
	weir__ec_notify(&rep->ec, 1);
	weir__rcu_read_unlock();
	/* Invariant 4: an abort that raced the hand-off may have looked for
	 * the callback before it was queued; take it back ourselves. */
	if (park &&
	    !weir_seq_geq(weir_load_relaxed(&st->retired), weir_load_seqcst(&st->abort_until)))
		weir__reporter_cancel(st);
	return true;
}

bool weir__reporter_handoff(struct weir_stream *st, struct weir_task *t, bool park)
{
	return reporter_handoff(st, &st->reporter, t, park);
}

bool weir__reporter_handoff_host(struct weir_stream *st, struct weir_task *t)
{
	/* Blocking, like WEIR_TK_CALLBACK; the kind remembers it is a host
	 * function, which must run even if its reporter goes (callback_done). */
	t->kind = WEIR_TK_HOST_REP;
	if (reporter_handoff(st, &st->host_reporter, t, true))
		return true;
	t->kind = WEIR_TK_HOST;
	return false;
}

WEIR_API int weir_reporter_create(weir_runtime_t *rt, weir_reporter_t **out)
{
	if (!rt || !out)
		return WEIR_EINVAL;
	struct weir_reporter *rep = weir__calloc(1, sizeof(*rep));
	if (!rep)
		return WEIR_ENOMEM;
	rep->rt = rt;
	rep->dev = -1;
	weir__ref_init(&rep->refs);
	pthread_mutex_init(&rep->lock, NULL);
	int rc = weir__reg_insert(&rep->obj, WEIR_T_REPORTER);
	if (rc) {
		pthread_mutex_destroy(&rep->lock);
		weir__free(rep);
		return rc;
	}
	pthread_mutex_lock(&rt->lock);
	rep->rt_next = rt->reporters;
	if (rt->reporters)
		rt->reporters->rt_prev = rep;
	rt->reporters = rep;
	pthread_mutex_unlock(&rt->lock);
	*out = weir__reporter_handle(rep);
	return WEIR_OK;
}

/* Finish a callback task after it ran (or was dropped). */
static void callback_done(struct weir_task *t, bool discarded, bool dropped,
                          struct weir_task_batch *b)
{
	if (t->kind == WEIR_TK_HOST_REP && dropped) {
		/* Its reporter is going away: the host function still runs, on
		 * the device's callback thread (started by weir_launch_host),
		 * which takes the parked stream over. */
		t->kind = WEIR_TK_HOST;
		weir__host_push(HOST_STREAM(t)->dev, t);
		return;
	}
	if (t->kind == WEIR_TK_CALLBACK || t->kind == WEIR_TK_HOST_REP) {
		struct weir_stream *st = HOST_STREAM(t);
		/* The stream is parked on t: we own it. */
		weir__stream_retire(st, t, 0, discarded, b);
		weir__stream_unpark(st);
	} else {
		weir__task_batch_add(b, t);
	}
}

/* Move the inbox into the FIFO. Caller holds rep->lock. */
static void reporter_take_locked(struct weir_reporter *rep)
{
	/* REP-A1: acquire (mpsc.h MA1) - pairs with REP-R1. */
	struct weir_task *in = weir__tasks_take_all(&rep->inbox);
	if (!in)
		return;
	struct weir_task *tail;
	in = weir__tasks_reverse(in, &tail, NULL);
	if (rep->tail)
		rep->tail->next = in;
	else
		rep->head = in;
	rep->tail = tail;
}

/* Abort side (stream.c): take back a blocking callback of `st` that no
 * weir_reporter_process() has started yet, retire it as discarded and resume
 * the stream. True if one was found. A callback already running finishes. */
/* One of st's reporters (*field): take back its blocking task of st. */
static struct weir_task *reporter_cancel_in(struct weir_stream *st, _Atomic uint64_t *field)
{
	uint64_t rh = weir_load_relaxed(field); /* relaxed: validated below */
	struct weir_task *found = NULL;
	weir__rcu_read_lock();
	struct weir_reporter *rep = rh ? weir__reporter_lookup((void *)(uintptr_t)rh) : NULL;
	if (rep) {
		pthread_mutex_lock(&rep->lock);
		reporter_take_locked(rep);
		struct weir_task *prev = NULL;
		for (struct weir_task *t = rep->head; t; prev = t, t = t->next) {
			if ((t->kind == WEIR_TK_CALLBACK || t->kind == WEIR_TK_HOST_REP) &&
			    HOST_STREAM(t) == st) {
				if (prev)
					prev->next = t->next;
				else
					rep->head = t->next;
				if (rep->tail == t)
					rep->tail = prev;
				t->next = NULL;
				found = t;
				break;
			}
		}
		pthread_mutex_unlock(&rep->lock);
	}
	weir__rcu_read_unlock();
	return found;
}

bool weir__reporter_cancel(struct weir_stream *st)
{
	struct weir_task *found = reporter_cancel_in(st, &st->reporter);
	if (!found)
		found = reporter_cancel_in(st, &st->host_reporter);
	if (!found)
		return false;
	struct weir_task_batch b;
	weir__task_batch_init(&b);
	callback_done(found, true, false, &b);
	weir__task_batch_flush(&b);
	return true;
}

void weir__reporter_teardown(struct weir_reporter *rep)
{
	bool mine = weir__reg_remove(&rep->obj);
	/* REP-R5: seq_cst - published before the waiter count is read in
	 * weir__ec_notify(); pairs with REP-A5 in weir_reporter_process(). */
	weir_store_seqcst(&rep->dead, true);
	weir__ec_notify(&rep->ec, INT_MAX); /* invariant 5 */
	struct weir_runtime *rt = rep->rt;
	pthread_mutex_lock(&rt->lock);
	if (rep->rt_prev)
		rep->rt_prev->rt_next = rep->rt_next;
	else
		rt->reporters = rep->rt_next;
	if (rep->rt_next)
		rep->rt_next->rt_prev = rep->rt_prev;
	rep->rt_next = rep->rt_prev = NULL;
	pthread_mutex_unlock(&rt->lock);
	if (!mine)
		return;
	/* Invariant 2: no worker pushes after this grace period. */
	weir__rcu_synchronize();
	struct weir_task_batch b;
	weir__task_batch_init(&b);
	pthread_mutex_lock(&rep->lock);
	reporter_take_locked(rep);
	struct weir_task *t = rep->head;
	rep->head = rep->tail = NULL;
	pthread_mutex_unlock(&rep->lock);
	while (t) {
		struct weir_task *n = t->next;
		callback_done(t, true, true, &b); /* invariant 3 */
		t = n;
	}
	weir__task_batch_flush(&b);
	weir__reporter_put(rep);
}

WEIR_API int weir_reporter_destroy(weir_reporter_t *h)
{
	if (!h)
		return WEIR_OK;
	struct weir_reporter *rep = weir__reporter_get(h);
	if (!rep)
		return WEIR_EHANDLE;
	weir__reporter_teardown(rep);
	weir__reporter_put(rep);
	return WEIR_OK;
}

static int reporter_subscribe(weir_stream_t *s, weir_reporter_t *h, bool host)
{
	struct weir_stream *st = weir__stream_get(s);
	if (!st)
		return WEIR_EHANDLE;
	_Atomic uint64_t *field = host ? &st->host_reporter : &st->reporter;
	int rc = WEIR_OK;
	weir__rcu_read_lock();
	struct weir_reporter *rep = weir__reporter_lookup(h);
	if (!rep) {
		rc = WEIR_EHANDLE;
		goto out;
	}
	pthread_mutex_lock(&rep->lock);
	uint64_t cur = weir_load_relaxed(field);
	if (cur && weir__reporter_lookup((void *)(uintptr_t)cur)) {
		rc = WEIR_ESUBSCRIBED;
	} else if (rep->rt != st->rt || (rep->dev >= 0 && (uint32_t)rep->dev != st->dev->id)) {
		rc = WEIR_EFOREIGN;
	} else if (/* REP-AR5: acq_rel - the subscription handle; readers load it
	            * relaxed and validate it in the registry. */
	           !weir_cas_strong_acqrel(field, &cur, rep->obj.handle)) {
		/* A concurrent subscribe won. */
		rc = WEIR_ESUBSCRIBED;
	} else {
		rep->dev = (int32_t)st->dev->id;
		rep->nsubs++;
	}
	pthread_mutex_unlock(&rep->lock);
out:
	weir__rcu_read_unlock();
	weir__stream_put(st);
	return rc;
}

static int reporter_unsubscribe(weir_stream_t *s, weir_reporter_t *h, bool host)
{
	struct weir_stream *st = weir__stream_get(s);
	if (!st)
		return WEIR_EHANDLE;
	_Atomic uint64_t *field = host ? &st->host_reporter : &st->reporter;
	int rc = WEIR_OK;
	weir__rcu_read_lock();
	struct weir_reporter *rep = weir__reporter_lookup(h);
	if (!rep) {
		rc = WEIR_EHANDLE;
	} else {
		pthread_mutex_lock(&rep->lock);
		uint64_t cur = rep->obj.handle;
		/* REP-AR5: acq_rel - unsubscribe only if still ours. */
		if (weir_cas_strong_acqrel(field, &cur, 0)) {
			if (--rep->nsubs == 0)
				rep->dev = -1;
		} else {
			rc = WEIR_ENOSUB;
		}
		pthread_mutex_unlock(&rep->lock);
	}
	weir__rcu_read_unlock();
	weir__stream_put(st);
	return rc;
}

WEIR_API int weir_stream_subscribe(weir_stream_t *s, weir_reporter_t *h)
{
	return reporter_subscribe(s, h, false);
}

WEIR_API int weir_stream_unsubscribe(weir_stream_t *s, weir_reporter_t *h)
{
	return reporter_unsubscribe(s, h, false);
}

WEIR_API int weir_stream_subscribe_host(weir_stream_t *s, weir_reporter_t *h)
{
	return reporter_subscribe(s, h, true);
}

WEIR_API int weir_stream_unsubscribe_host(weir_stream_t *s, weir_reporter_t *h)
{
	return reporter_unsubscribe(s, h, true);
}

WEIR_API int weir_reporter_process(weir_reporter_t *h, int64_t timeout_ns)
{
	if (timeout_ns < WEIR_TIMEOUT_INFINITE)
		return WEIR_EINVAL;
	struct weir_reporter *rep = weir__reporter_get(h);
	if (!rep)
		return WEIR_EHANDLE;
	uint64_t deadline = weir__deadline(timeout_ns);
	int rc;
	for (;;) {
		pthread_mutex_lock(&rep->lock);
		if (!rep->head)
			reporter_take_locked(rep);
		struct weir_task *t = rep->head;
		if (t) {
			rep->head = t->next;
			if (!rep->head)
				rep->tail = NULL;
		}
		pthread_mutex_unlock(&rep->lock);
		if (t) {
			t->u.host.fn(t->u.host.arg);
			struct weir_task_batch b;
			weir__task_batch_init(&b);
			callback_done(t, false, false, &b);
			weir__task_batch_flush(&b);
			rc = WEIR_OK;
			break;
		}
		uint32_t key = weir__ec_prepare(&rep->ec);
		/* REP-A5: seq_cst - after weir__ec_prepare; pairs with REP-R5 in
		 * weir__reporter_teardown() (invariant 5). */
		if (weir_load_seqcst(&rep->dead)) {
			weir__ec_cancel(&rep->ec);
			rc = WEIR_EHANDLE;
			break;
		}
		/* REP-S2: seq_cst - re-check after weir__ec_prepare (ec invariant 1). */
		if (weir_load_seqcst(&rep->inbox)) {
			weir__ec_cancel(&rep->ec);
			continue;
		}
		if (weir__now_ns() >= deadline) {
			weir__ec_cancel(&rep->ec);
			rc = WEIR_ETIMEDOUT;
			break;
		}
		weir__ec_wait(&rep->ec, key, deadline);
	}
	weir__reporter_put(rep);
	return rc;
}
