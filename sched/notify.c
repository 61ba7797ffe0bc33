/*
 * sched/notify.c - notifies: a counting signal between streams.
 *
 * A record task adds one to `count` when it runs; a wait task takes one
 * away, and while `count` is 0 its stream parks on the notify's park list
 * (timer.c P1-P3), so no worker ever waits for a record. Unlike an event, a
 * notify has no generations: N records release exactly N waits, in any
 * order of streams, and a record that no wait has consumed yet stays
 * pending (weir_notify_pending).
 *
 * Invariants:
 *  N1. count only changes by a record task's increment (seq_cst, then the
 *      park list's n is read: P1) or a wait's CAS decrement from a value > 0,
 *      so it never goes below 0 and every record is consumed at most once.
 *  N2. queued counts record tasks accepted and not yet run; it is
 *      incremented before the push, and decremented after the record's
 *      increment of count (or when the push is refused).
 *  N3. Destroy never strands a waiter: after it no record can be queued, so
 *      once queued == 0 and count == 0 a wait can never be satisfied. Such a
 *      wait fails with WEIR_EHANDLE instead of parking; destroy and the last
 *      record wake every parked stream to re-evaluate (ready() holds for a
 *      stranded notify). Every queued task holds a reference, so the notify
 *      outlives the tasks that name it.
 */
#include "sched/internal.h"

#include <string.h>

/* A: relaxed - the registry type id of notifies, taken once; 0 before the
 * first create (no handle has type 0, so every lookup then fails). */
static _Atomic uint32_t weir_notify_type_id;

uint32_t weir__notify_type(void)
{
	return weir_load_relaxed(&weir_notify_type_id);
}

void weir__notify_free(struct weir_obj *o)
{
	struct weir_notify *n = caa_container_of(o, struct weir_notify, obj);
	weir__parklist_fini(&n->pl);
	weir__free(n);
}

WEIR_API int weir_notify_create(weir_runtime_t *rt, uint32_t dev, weir_notify_t **out)
{
	if (!rt || !out)
		return WEIR_EINVAL;
	if (dev >= rt->ndevices)
		return WEIR_EDEVICE;
	if (!weir__notify_type()) {
		uint32_t t = weir__reg_type("sched.notify");
		if (!t)
			return WEIR_ENOMEM;
		weir_store_relaxed(&weir_notify_type_id, t); /* same value from every caller */
	}
	struct weir_notify *n = weir__calloc(1, sizeof(*n));
	if (!n)
		return WEIR_ENOMEM;
	n->rt = rt;
	n->dev = dev;
	weir__ref_init(&n->refs);
	weir__parklist_init(&n->pl);
	int rc = weir__reg_insert(&n->obj, weir__notify_type());
	if (rc) {
		weir__parklist_fini(&n->pl);
		weir__free(n);
		return rc;
	}
	pthread_mutex_lock(&rt->lock);
	n->rt_next = rt->notifies;
	if (rt->notifies)
		rt->notifies->rt_prev = n;
	rt->notifies = n;
	pthread_mutex_unlock(&rt->lock);
	*out = weir__notify_handle(n);
	return WEIR_OK;
}

/* N3: destroyed, nothing queued and nothing pending. */
static bool stranded(struct weir_notify *n)
{
	/* NT-A1: seq_cst - pairs with NT-R1/NT-R2 (the record's publication,
	 * then its queued decrement) and with destroy's NT-R3. */
	return weir_load_seqcst(&n->destroyed) && weir_load_seqcst(&n->queued) == 0 &&
	       weir_load_seqcst(&n->count) == 0;
}

/* Park-list predicate: a parked waiter may now proceed (it re-evaluates). */
static bool notify_ready(struct weir_stream *st, struct weir_task *t)
{
	(void)st;
	struct weir_notify *n = t->u.nt;
	/* NT-A1: seq_cst - P1. */
	return weir_load_seqcst(&n->count) != 0 || stranded(n);
}

static void notify_unlist(struct weir_notify *n)
{
	struct weir_runtime *rt = n->rt;
	pthread_mutex_lock(&rt->lock);
	if (n->rt_prev)
		n->rt_prev->rt_next = n->rt_next;
	else
		rt->notifies = n->rt_next;
	if (n->rt_next)
		n->rt_next->rt_prev = n->rt_prev;
	pthread_mutex_unlock(&rt->lock);
}

static void notify_release(struct weir_notify *n)
{
	/* NT-R3: seq_cst - N3, then wake every parked stream (P1). */
	weir_store_seqcst(&n->destroyed, true);
	weir__parklist_wake(&n->pl, UINT32_MAX, notify_ready);
}

WEIR_API int weir_notify_destroy(weir_notify_t *h)
{
	weir__rcu_read_lock();
	struct weir_notify *n = weir__notify_lookup(h);
	bool mine = n && weir__reg_remove(&n->obj);
	weir__rcu_read_unlock();
	if (!mine)
		return WEIR_EHANDLE;
	notify_release(n);
	notify_unlist(n);
	weir__notify_put(n);
	return WEIR_OK;
}

void weir__notify_teardown(struct weir_notify *n)
{
	bool mine = weir__reg_remove(&n->obj);
	if (mine)
		notify_release(n);
	notify_unlist(n);
	if (mine)
		weir__notify_put(n);
}

/* Queue a record (wait false) or a wait of notify h on stream s. */
static int notify_task(weir_notify_t *h, weir_stream_t *s, bool wait, int64_t timeout_ns)
{
	if (timeout_ns < 0)
		return WEIR_EINVAL;
	struct weir_task *t = weir__task_alloc();
	if (!t)
		return WEIR_ENOMEM;
	weir__rcu_read_lock();
	struct weir_notify *n = weir__notify_lookup(h);
	struct weir_stream *st = weir__stream_lookup(s);
	int rc = WEIR_OK;
	if (!n || !st)
		rc = WEIR_EHANDLE;
	else if (st->rt != n->rt || (!wait && st->dev->id != n->dev))
		rc = WEIR_EFOREIGN;
	else if (weir_load_relaxed(&st->g->stop_error)) /* relaxed: advisory */
		rc = WEIR_ESTOPPED;
	if (!rc && !weir__notify_tryref(n)) /* the task's reference (N3) */
		rc = WEIR_EHANDLE;
	weir__rcu_read_unlock();
	if (rc) {
		weir__task_free(t);
		return rc;
	}
	memset(t->args, 0, sizeof(struct weir_wait_state));
	t->kind = wait ? WEIR_TK_NOTIFY_WAIT : WEIR_TK_NOTIFY_RECORD;
	t->nblocks = 1;
	t->u.nt = n;
	WAIT_STATE(t)->timeout_ns = timeout_ns;
	if (!wait)
		weir_faa_seqcst(&n->queued, 1); /* N2: before the push */
	rc = weir__stream_submit_task(s, t);
	if (rc) {
		if (!wait) {
			/* NT-R2: seq_cst - N2; a destroy may now find it stranded. */
			weir_fas_seqcst(&n->queued, 1);
			weir__parklist_wake(&n->pl, UINT32_MAX, notify_ready);
		}
		weir__notify_put(n);
		weir__task_free(t);
	}
	return rc;
}

WEIR_API int weir_notify_record(weir_notify_t *n, weir_stream_t *s)
{
	return notify_task(n, s, false, 0);
}

WEIR_API int weir_notify_wait(weir_notify_t *n, weir_stream_t *s, int64_t timeout_ns)
{
	if (timeout_ns == WEIR_TIMEOUT_INFINITE)
		timeout_ns = 0;
	return notify_task(n, s, true, timeout_ns);
}

WEIR_API int weir_notify_pending(weir_notify_t *h, uint64_t *count)
{
	if (!count)
		return WEIR_EINVAL;
	weir__rcu_read_lock();
	struct weir_notify *n = weir__notify_lookup(h);
	if (n)
		*count = weir_load_acquire(&n->count); /* NT-A2: acquire - pairs with NT-R1 */
	weir__rcu_read_unlock();
	return n ? WEIR_OK : WEIR_EHANDLE;
}

WEIR_API int weir_notify_id(weir_notify_t *h, uint32_t *id)
{
	if (!id)
		return WEIR_EINVAL;
	weir__rcu_read_lock();
	struct weir_notify *n = weir__notify_lookup(h);
	if (n)
		*id = weir__reg_handle_slot(h);
	weir__rcu_read_unlock();
	return n ? WEIR_OK : WEIR_EHANDLE;
}

WEIR_API int weir_notify_device(weir_notify_t *h, uint32_t *dev)
{
	if (!dev)
		return WEIR_EINVAL;
	weir__rcu_read_lock();
	struct weir_notify *n = weir__notify_lookup(h);
	if (n)
		*dev = n->dev;
	weir__rcu_read_unlock();
	return n ? WEIR_OK : WEIR_EHANDLE;
}

/* N1: take one record if there is one. */
static bool try_consume(struct weir_notify *n)
{
	uint64_t c = weir_load_seqcst(&n->count); /* NT-A1 */
#ifdef WEIR_BUSTED_NOTIFY_NO_CONSUME
	return c != 0; /* planted: the record is seen but never taken */
#endif
	/* NT-R4: seq_cst - N1, the decrement from a value > 0. */
	while (c != 0 && !weir_cas_seqcst(&n->count, &c, c - 1))
		;
	return c != 0;
}

int weir__notify_run(struct weir_stream *st, struct weir_task *t, struct weir_task_batch *b)
{
	struct weir_notify *n = t->u.nt;
	if (t->kind == WEIR_TK_NOTIFY_RECORD) {
		/* NT-R1: seq_cst - N1: publish the record, then (P1) look for
		 * parked waiters. */
		weir_faa_seqcst(&n->count, 1);
		weir_fas_seqcst(&n->queued, 1); /* NT-R2: seq_cst - N2 */
		weir__parklist_wake(&n->pl, stranded(n) ? UINT32_MAX : 1, notify_ready);
		weir__notify_put(n);
		weir__stream_retire_head(st, 0, false, b);
		return WEIR__RUN_DONE;
	}
	int rc = weir__wait_arm(st, t);
	while (rc == WEIR_OK) {
		if (try_consume(n))
			break;
		if (stranded(n)) {
			rc = WEIR_EHANDLE; /* N3 */
			break;
		}
		if (weir__wait_fired(t)) {
			rc = WEIR_EWAITTIMEOUT;
			break;
		}
		int prc = weir__parklist_park(&n->pl, st, t, notify_ready);
		if (prc == WEIR_ENOTREADY)
			return WEIR__RUN_PARKED;
		if (prc == WEIR_EWAITTIMEOUT) {
			rc = prc;
			break;
		}
		if (!weir_seq_geq(weir_load_relaxed(&st->retired),
		                  weir_load_seqcst(&st->abort_until)))
			return WEIR__RUN_RETRY; /* the run loop discards it */
		                                /* ready: re-evaluate */
	}
	weir__wait_disarm(st, t);
	/* Every failing path above took nothing. If records are still
	 * pending, pass the wake on: a wake budget of 1 may have been spent on
	 * a stream that then lost the record to this one. */
	if (rc == WEIR_OK && weir_load_seqcst(&n->count) != 0)
		weir__parklist_wake(&n->pl, 1, notify_ready);
	weir__notify_put(n);
	weir__stream_retire_head(st, weir__fail_runtime(rc), false, b);
	return WEIR__RUN_DONE;
}

void weir__sync_task_discard(struct weir_stream *st, struct weir_task *t)
{
	switch (t->kind) {
	case WEIR_TK_NOTIFY_RECORD: {
		/* A discarded record is never run: it adds nothing, but it
		 * leaves the queued count (N2), which may strand waiters. */
		struct weir_notify *n = t->u.nt;
		weir_fas_seqcst(&n->queued, 1); /* NT-R2 */
		weir__parklist_wake(&n->pl, UINT32_MAX, notify_ready);
		weir__notify_put(n);
		break;
	}
	case WEIR_TK_NOTIFY_WAIT:
		weir__wait_disarm(st, t);
		weir__notify_put(t->u.nt);
		break;
	case WEIR_TK_VALUE_WAIT:
	case WEIR_TK_WAIT: weir__wait_disarm(st, t); break;
	default: break;
	}
}
