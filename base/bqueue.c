/*
 * base/bqueue.c - the bounded MPMC queue of base/bqueue.h (invariants B1-B5
 * there).
 */
#include "base/bqueue.h"

#include <limits.h>

#include "base/alloc.h"
#include "base/die.h"
#include "base/rcu.h"
#include "weir/status.h"

int weir__bq_init(struct weir_bq *q, uint32_t cap)
{
	WEIR_ASSERT(cap >= 1, "bqueue: a queue holds at least one item");
	q->slots = weir__calloc(cap, sizeof(*q->slots));
	if (!q->slots)
		return WEIR_ENOMEM;
	for (uint32_t i = 0; i < cap; i++)
		atomic_init(&q->slots[i].seq, i);
	q->cap = cap;
	atomic_init(&q->head, 0);
	atomic_init(&q->tail, 0);
	atomic_init(&q->items, 0);
	atomic_init(&q->spaces, (int64_t)cap);
	atomic_init(&q->stopped, 0);
	atomic_init(&q->item_ec.seq, 0);
	atomic_init(&q->item_ec.waiters, 0);
	atomic_init(&q->space_ec.seq, 0);
	atomic_init(&q->space_ec.waiters, 0);
	atomic_init(&q->also, NULL);
	return WEIR_OK;
}

void weir__bq_fini(struct weir_bq *q)
{
	weir__free(q->slots);
	q->slots = NULL;
}

/* Take one token if there is one (B3). */
static bool weir_bq_take(_Atomic int64_t *tokens)
{
	/* BQ-S1: seq_cst - the re-check of a parked waiter (B5); a successful
	 * CAS also acquires the token giver's BQ-S2. */
	int64_t n = weir_load_seqcst(tokens);
	while (n > 0) {
		if (weir_cas_seqcst(tokens, &n, n - 1))
			return true;
	}
	WEIR_ASSERT(n >= 0, "bqueue B3: token count below zero");
	return false;
}

static void weir_bq_give(_Atomic int64_t *tokens, struct weir_ec *ec, uint32_t cap)
{
	/* BQ-S2: seq_cst - publishes the token before the eventcount check
	 * (B5, ec invariant 1); pairs with BQ-S1. */
	int64_t old = weir_faa_seqcst(tokens, 1);
	WEIR_ASSERT(old >= 0 && old < (int64_t)cap, "bqueue B3: more tokens than slots");
	(void)old;
	(void)cap;
	weir__ec_notify(ec, 1);
}

/* Wait for a slot's turn (B1): only another caller's imminent store. */
static struct weir_bq_slot *weir_bq_turn(struct weir_bq *q, uint64_t ticket, uint64_t want)
{
	struct weir_bq_slot *s = &q->slots[ticket % q->cap];
	ck_backoff_t b = CK_BACKOFF_INITIALIZER;
	uint32_t round = 0;
	for (;;) {
		/* BQ-A1: acquire - the previous turn's item read (push) or item
		 * write (pop) happens before ours; pairs with BQ-R1. */
		uint64_t seq = weir_load_acquire(&s->seq);
		if (seq == want)
			return s;
		WEIR_ASSERT(seq < want, "bqueue B2: a slot ran past a waiter's turn");
		weir__backoff(&b, &round);
	}
}

static void weir_bq_put(struct weir_bq *q, void *v)
{
	/* relaxed: tickets only need to be unique (B3); the slot's seq
	 * carries the ordering. */
	uint64_t t = weir_faa_relaxed(&q->tail, 1);
	struct weir_bq_slot *s = weir_bq_turn(q, t, t);
	s->val = v;
	/* BQ-R1: release - publishes the item to the pop of turn t; pairs
	 * with BQ-A1. */
	weir_store_release(&s->seq, t + 1);
	weir_bq_give(&q->items, &q->item_ec, q->cap);
	weir__rcu_read_lock();
	/* BQ-A2: acquire - the eventcount set by weir__bq_set_also; pairs
	 * with BQ-R2. */
	struct weir_ec *also = weir_load_acquire(&q->also);
	if (also)
		weir__ec_notify(also, INT_MAX);
	weir__rcu_read_unlock();
}

static void *weir_bq_get(struct weir_bq *q)
{
	uint64_t h = weir_faa_relaxed(&q->head, 1); /* relaxed: as tail */
	struct weir_bq_slot *s = weir_bq_turn(q, h, h + 1);
	void *v = s->val;
	/* BQ-R1 (pop side): release - our read of the item happens before
	 * the push of turn h + cap overwrites it; pairs with BQ-A1. */
	weir_store_release(&s->seq, h + q->cap);
	return v;
}

static bool weir_bq_is_stopped(const struct weir_bq *q)
{
	/* BQ-S3: seq_cst - read after a waiter's prepare; pairs with the
	 * seq_cst store in weir__bq_stop (B4, B5). */
	return weir_load_seqcst(&((struct weir_bq *)q)->stopped) != 0;
}

/* Take a token from `tokens`, spinning then parking on ec (B5).
 * WEIR_OK, WEIR_EAGAIN, WEIR_ETIMEDOUT, or WEIR_ESTATE when the queue is
 * stopped: with `stop_first` (pushes) as soon as the stop is seen, else
 * (pops) only once no token is left. */
static int weir_bq_wait_token(struct weir_bq *q, _Atomic int64_t *tokens, struct weir_ec *ec,
                              int64_t timeout_ns, bool stop_first)
{
	if (stop_first && weir_bq_is_stopped(q))
		return WEIR_ESTATE;
	if (weir_bq_take(tokens))
		return WEIR_OK;
	if (weir_bq_is_stopped(q))
		return WEIR_ESTATE;
	if (timeout_ns == 0)
		return WEIR_EAGAIN;
	uint64_t deadline = weir__deadline(timeout_ns);
	for (int i = 0; i < WEIR_BQ_SPIN && !(stop_first && weir_bq_is_stopped(q)); i++) {
		weir_cpu_relax();
		if (weir_bq_take(tokens))
			return WEIR_OK;
	}
	for (;;) {
		uint32_t key = weir__ec_prepare(ec);
		if (stop_first && weir_bq_is_stopped(q)) {
			weir__ec_cancel(ec);
			return WEIR_ESTATE;
		}
		if (weir_bq_take(tokens)) {
			weir__ec_cancel(ec);
			return WEIR_OK;
		}
		if (weir_bq_is_stopped(q)) {
			weir__ec_cancel(ec);
			return WEIR_ESTATE;
		}
		if (weir__now_ns() >= deadline) {
			weir__ec_cancel(ec);
			return WEIR_ETIMEDOUT;
		}
		weir__ec_wait(ec, key, deadline);
	}
}

int weir__bq_push(struct weir_bq *q, void *v, int64_t timeout_ns)
{
	int st = weir_bq_wait_token(q, &q->spaces, &q->space_ec, timeout_ns, true);
	if (st != WEIR_OK)
		return st;
	/* B4: a push that holds a token completes even if stop came since. */
	weir_bq_put(q, v);
	return WEIR_OK;
}

int weir__bq_pop(struct weir_bq *q, void **v, int64_t timeout_ns)
{
	int st = weir_bq_wait_token(q, &q->items, &q->item_ec, timeout_ns, false);
	if (st != WEIR_OK)
		return st;
	*v = weir_bq_get(q);
	weir_bq_give(&q->spaces, &q->space_ec, q->cap);
	return WEIR_OK;
}

bool weir__bq_pop_hold(struct weir_bq *q, void **v)
{
	if (!weir_bq_take(&q->items))
		return false;
	*v = weir_bq_get(q);
	return true;
}

void weir__bq_release_space(struct weir_bq *q)
{
	weir_bq_give(&q->spaces, &q->space_ec, q->cap);
}

void weir__bq_push_held(struct weir_bq *q, void *v)
{
#ifdef WEIR_BUSTED_BQ_HELD_LOST
	/* planted: the item is stored again but no item token is given, so
	 * no pop ever finds it */
	uint64_t t = weir_faa_relaxed(&q->tail, 1);
	struct weir_bq_slot *s = weir_bq_turn(q, t, t);
	s->val = v;
	weir_store_release(&s->seq, t + 1);
	return;
#endif
	weir_bq_put(q, v);
}

size_t weir__bq_size(const struct weir_bq *q)
{
	/* relaxed: a snapshot for a query; orders nothing. */
	int64_t n = weir_load_relaxed(&((struct weir_bq *)q)->items);
	return n > 0 ? (size_t)n : 0;
}

size_t weir__bq_drain(struct weir_bq *q, void (*fn)(void *item, void *arg), void *arg)
{
	size_t n = 0;
	void *v;
	while (weir__bq_pop_hold(q, &v)) {
		weir__bq_release_space(q);
		fn(v, arg);
		n++;
	}
	return n;
}

void weir__bq_stop(struct weir_bq *q)
{
	/* BQ-S3 (store): seq_cst - before the notifies; pairs with the
	 * waiters' seq_cst read after their prepare. */
	weir_store_seqcst(&q->stopped, 1);
	weir_faa_seqcst(&q->item_ec.seq, 1);
	weir__futex_wake(&q->item_ec.seq, INT_MAX);
	weir_faa_seqcst(&q->space_ec.seq, 1);
	weir__futex_wake(&q->space_ec.seq, INT_MAX);
	weir__rcu_read_lock();
	struct weir_ec *also = weir_load_acquire(&q->also); /* BQ-A2 */
	if (also)
		weir__ec_notify(also, INT_MAX);
	weir__rcu_read_unlock();
}

bool weir__bq_stopped(const struct weir_bq *q)
{
	return weir_bq_is_stopped(q);
}

void weir__bq_set_also(struct weir_bq *q, struct weir_ec *ec)
{
	/* BQ-R2: release - publishes the eventcount to pushes; pairs with
	 * BQ-A2. */
	weir_store_release(&q->also, ec);
}
