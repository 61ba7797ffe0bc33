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
 *      park list's n is read: P1), a wait's CAS decrement from a value > 0,
 *      or weir_notify_reset's exchange to 0 (the records it drops are never
 *      consumed), so it never goes below 0 and every record is consumed at
 *      most once.
 *  N2. queued counts record tasks accepted and not yet run; it is
 *      incremented before the push, and decremented after the record's
 *      increment of count (or when the push is refused).
 *  N3. Destroy never strands a waiter: after it no record can be queued, so
 *      once queued == 0 and count == 0 a wait can never be satisfied. Such a
 *      wait fails with WEIR_EHANDLE instead of parking; destroy and the last
 *      record wake every parked stream to re-evaluate (ready() holds for a
 *      stranded notify). Every queued task holds a reference, so the notify
 *      outlives the tasks that name it.
 *
 * Counter notifies (WEIR_NOTIFY_COUNTER, weir/sched.h): `count` holds a
 * 32-bit value. A record applies its op to it by CAS (N1 then reads: count
 * only changes by a record's op, by a consuming wait's CAS decrement from a
 * value > 0, by a clearing wait's CAS to 0, or by weir_notify_reset), and a
 * conditional wait takes nothing unless it clears. Because one change may
 * satisfy any number of waits, or unsatisfy none, every change of a counter
 * notify's value wakes every parked stream to re-evaluate (P1), and a wait
 * whose CAS changed the value does the same.
 *  N4. A wait's condition is evaluated on one loaded value, and a clearing
 *      or consuming wait changes the value only by a CAS from that value, so
 *      no wait takes or clears a value its condition did not hold for.
 */
#include "sched/internal.h"

#include <string.h>

/* WAIT_STATE(t)->flags of notify tasks: a record with an op, a wait with a
 * condition (the low bits hold the op or cond), a clearing wait. */
#define WEIR__NT_ARG   0x7u
#define WEIR__NT_OP    0x100u
#define WEIR__NT_COND  0x200u
#define WEIR__NT_CLEAR 0x400u

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
	return weir_notify_create_flags(rt, dev, 0, out);
}

WEIR_API int weir_notify_create_flags(weir_runtime_t *rt, uint32_t dev, uint32_t flags,
                                      weir_notify_t **out)
{
	if (!rt || !out || (flags & ~WEIR_NOTIFY_COUNTER))
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
	n->flags = flags;
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

static bool is_counter(const struct weir_notify *n)
{
	return (n->flags & WEIR_NOTIFY_COUNTER) != 0;
}

/* N3: destroyed and nothing queued: only waits can change the value now. */
static bool closed(struct weir_notify *n)
{
	/* NT-A1: seq_cst - pairs with NT-R1/NT-R2/NT-R5 (the record's
	 * publication, then its queued decrement) and with destroy's NT-R3. */
	return weir_load_seqcst(&n->destroyed) && weir_load_seqcst(&n->queued) == 0;
}

/* N3: closed and nothing pending. */
static bool stranded(struct weir_notify *n)
{
	return closed(n) && weir_load_seqcst(&n->count) == 0; /* NT-A1 */
}

static bool cond_holds(uint32_t v, uint32_t cond, uint32_t operand)
{
	switch (cond) {
	case WEIR_NOTIFY_LT: return v < operand;
	case WEIR_NOTIFY_EQ: return v == operand;
	case WEIR_NOTIFY_GT: return v > operand;
	case WEIR_NOTIFY_GEQ: return v >= operand;
	default: return (v & operand) == operand; /* WEIR_NOTIFY_ALL_BITS */
	}
}

/* Would wait task t go on with value c? */
static bool wait_satisfied(const struct weir_task *t, uint64_t c)
{
	const struct weir_wait_state *ws = WAIT_STATE(t);
	if (ws->flags & WEIR__NT_COND)
		return cond_holds((uint32_t)c, ws->flags & WEIR__NT_ARG, ws->operand);
	return c != 0;
}

/* Park-list predicate: a parked waiter may now proceed (it re-evaluates). */
static bool notify_ready(struct weir_stream *st, struct weir_task *t)
{
	(void)st;
	struct weir_notify *n = t->u.nt;
	/* NT-A1: seq_cst - P1. */
	return wait_satisfied(t, weir_load_seqcst(&n->count)) || closed(n);
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

/* Queue a record (wait false) or a wait of notify h on stream s; ntflags
 * and operand: WAIT_STATE's (WEIR__NT_*; counter notifies only when set). */
static int notify_task(weir_notify_t *h, weir_stream_t *s, bool wait, int64_t timeout_ns,
                       uint32_t ntflags, uint32_t operand)
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
	else if (ntflags && !is_counter(n))
		rc = WEIR_EINVAL;
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
	WAIT_STATE(t)->flags = ntflags;
	WAIT_STATE(t)->operand = operand;
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
	return notify_task(n, s, false, 0, 0, 0);
}

WEIR_API int weir_notify_wait(weir_notify_t *n, weir_stream_t *s, int64_t timeout_ns)
{
	if (timeout_ns == WEIR_TIMEOUT_INFINITE)
		timeout_ns = 0;
	return notify_task(n, s, true, timeout_ns, 0, 0);
}

WEIR_API int weir_notify_record_op(weir_notify_t *n, weir_stream_t *s, int op, uint32_t operand)
{
	if (op < WEIR_NOTIFY_OP_SET || op > WEIR_NOTIFY_OP_AND)
		return WEIR_EINVAL;
	return notify_task(n, s, false, 0, WEIR__NT_OP | (uint32_t)op, operand);
}

WEIR_API int weir_notify_wait_cond(weir_notify_t *n, weir_stream_t *s, int cond, uint32_t operand,
                                   uint32_t flags, int64_t timeout_ns)
{
	if (cond < WEIR_NOTIFY_LT || cond > WEIR_NOTIFY_ALL_BITS ||
	    (flags & ~WEIR_NOTIFY_WAIT_CLEAR))
		return WEIR_EINVAL;
	if (timeout_ns == WEIR_TIMEOUT_INFINITE)
		timeout_ns = 0;
	uint32_t nt = WEIR__NT_COND | (uint32_t)cond;
	if (flags & WEIR_NOTIFY_WAIT_CLEAR)
		nt |= WEIR__NT_CLEAR;
	return notify_task(n, s, true, timeout_ns, nt, operand);
}

WEIR_API int weir_notify_flags(weir_notify_t *h, uint32_t *flags)
{
	if (!flags)
		return WEIR_EINVAL;
	weir__rcu_read_lock();
	struct weir_notify *n = weir__notify_lookup(h);
	if (n)
		*flags = n->flags;
	weir__rcu_read_unlock();
	return n ? WEIR_OK : WEIR_EHANDLE;
}

WEIR_API int weir_notify_reset(weir_notify_t *h)
{
	weir__rcu_read_lock();
	struct weir_notify *n = weir__notify_lookup(h);
	bool ok = n && weir__notify_tryref(n);
	weir__rcu_read_unlock();
	if (!ok)
		return WEIR_EHANDLE;
	/* NT-R6: seq_cst - N1: the new value, then (P1) the park list; pairs
	 * with NT-A1. A plain notify's waits never wait for 0, so only a
	 * counter notify's waits are looked at. */
	uint64_t old = weir_xchg_seqcst(&n->count, 0);
	if (old != 0 && is_counter(n))
		weir__parklist_wake(&n->pl, UINT32_MAX, notify_ready);
	weir__notify_put(n);
	return WEIR_OK;
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

/* N1, N4: go on if t's condition holds: a consuming wait takes one
 * record, a clearing one sets the value to 0. *changed: the CAS changed it. */
static bool try_take(struct weir_notify *n, struct weir_task *t, bool *changed)
{
	uint32_t f = WAIT_STATE(t)->flags;
	uint64_t c = weir_load_seqcst(&n->count); /* NT-A1 */
	for (;;) {
		if (!wait_satisfied(t, c))
			return false;
#ifdef WEIR_BUSTED_NOTIFY_NO_CONSUME
		if (!(f & WEIR__NT_COND))
			return true; /* planted: the record is seen but never taken */
#endif
		uint64_t next = c - 1;
		if (f & WEIR__NT_COND) {
			if (!(f & WEIR__NT_CLEAR) || c == 0)
				return true;
			next = 0;
		}
		/* NT-R4: seq_cst - N1/N4: the decrement from a value > 0, or
		 * the clear, from the value the condition held for. */
		if (weir_cas_seqcst(&n->count, &c, next)) {
			*changed = true;
			return true;
		}
	}
}

static uint32_t apply_op(uint32_t v, uint32_t op, uint32_t operand)
{
	switch (op) {
	case WEIR_NOTIFY_OP_SET: return operand;
	case WEIR_NOTIFY_OP_OR: return v | operand;
	case WEIR_NOTIFY_OP_AND: return v & operand;
	default: return v + operand; /* WEIR_NOTIFY_OP_ADD, mod 2^32 */
	}
}

static void record_run(struct weir_notify *n, struct weir_task *t)
{
	if (!is_counter(n)) {
		/* NT-R1: seq_cst - N1: publish the record, then (P1) look for
		 * parked waiters. */
		weir_faa_seqcst(&n->count, 1);
		weir_fas_seqcst(&n->queued, 1); /* NT-R2: seq_cst - N2 */
		weir__parklist_wake(&n->pl, stranded(n) ? UINT32_MAX : 1, notify_ready);
		return;
	}
	const struct weir_wait_state *ws = WAIT_STATE(t);
	uint32_t op = (ws->flags & WEIR__NT_OP) ? ws->flags & WEIR__NT_ARG : WEIR_NOTIFY_OP_ADD;
	uint32_t operand = (ws->flags & WEIR__NT_OP) ? ws->operand : 1;
	uint64_t c = weir_load_seqcst(&n->count); /* NT-A1 */
	/* NT-R5: seq_cst - N1: publish the new value, then (P1) look for
	 * parked waiters; pairs with NT-A1. */
	while (!weir_cas_seqcst(&n->count, &c, apply_op((uint32_t)c, op, operand)))
		;
	weir_fas_seqcst(&n->queued, 1); /* NT-R2: seq_cst - N2 */
	weir__parklist_wake(&n->pl, UINT32_MAX, notify_ready);
}

int weir__notify_run(struct weir_stream *st, struct weir_task *t, struct weir_task_batch *b)
{
	struct weir_notify *n = t->u.nt;
	if (t->kind == WEIR_TK_NOTIFY_RECORD) {
		record_run(n, t);
		weir__notify_put(n);
		weir__stream_retire_head(st, 0, false, b);
		return WEIR__RUN_DONE;
	}
	bool changed = false;
	int rc = weir__wait_arm(st, t);
	while (rc == WEIR_OK) {
		if (try_take(n, t, &changed))
			break;
		if (closed(n) && !wait_satisfied(t, weir_load_seqcst(&n->count))) {
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
	if (rc == WEIR_OK && is_counter(n)) {
		if (changed) /* N4: the new value may release (or not) any wait */
			weir__parklist_wake(&n->pl, UINT32_MAX, notify_ready);
	} else if (rc == WEIR_OK && weir_load_seqcst(&n->count) != 0) {
		weir__parklist_wake(&n->pl, 1, notify_ready);
	}
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

/* capture.c: a captured record leaves N2's count without running (as a
 * record that could not be queued), and a replayed copy enters it before
 * its push. */
void weir__notify_unqueue(struct weir_notify *n)
{
	weir_fas_seqcst(&n->queued, 1); /* NT-R2: seq_cst - N2 */
	weir__parklist_wake(&n->pl, UINT32_MAX, notify_ready);
}

void weir__notify_requeue(struct weir_notify *n)
{
	weir_faa_seqcst(&n->queued, 1); /* N2: before the push */
}
