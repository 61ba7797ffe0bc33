/*
 * base/bqueue.h - a bounded multi-producer / multi-consumer queue of
 * pointers for host threads, blocking with time-outs (base/bqueue.c).
 *
 * Users: the ACL facade's TDT channels and queues (acl_compat/tdt/). Nothing
 * here knows what an item is; the queue never frees one.
 *
 * Algorithm: two counting tokens guard a ticket ring.
 *   spaces  how many more items may be pushed (starts at cap)
 *   items   how many pushed items no pop has claimed yet (starts at 0)
 * A push first takes a space token (CAS decrement while > 0), then a ticket
 * t = tail++ and waits until slot t % cap is free for turn t (its seq == t),
 * stores the item, publishes seq = t + 1 and gives an item token. A pop
 * takes an item token, a ticket h = head++, waits for seq == h + 1, reads the
 * item, publishes seq = h + cap and gives a space token back.
 * Capacity is exact (any cap >= 1, not rounded to a power of two).
 *
 * Invariants (checked with WEIR_ASSERT under WEIR_DEBUG_INVARIANTS):
 *  B1. A caller that holds a token always finds its slot's turn soon: a
 *      push token means tail - (completed pops) < cap, so the pop that frees
 *      slot t % cap for turn t has already claimed its ticket and is between
 *      its claim and its seq store (and symmetrically for pops). The wait in
 *      the slot is for that thread's imminent progress only (bounded
 *      backoff, base/sync.h weir__backoff), never for a future caller.
 *  B2. A slot's seq only grows, and a waiter never sees it past its turn
 *      (seq <= t for a push at ticket t, seq <= h + 1 for a pop at h).
 *  B3. 0 <= items, 0 <= spaces, items + spaces <= cap at every instant a
 *      token is taken. Every item pushed is popped by exactly one caller:
 *      tickets are unique (fetch-add) and each ticket's slot turn is used
 *      once.
 *  B4. Stop never drops an item: a push that holds a space token completes;
 *      after stop, pushes fail (WEIR_ESTATE) and pops still return what is
 *      queued, then fail instead of waiting.
 *  B5. Waiting is bounded spinning (WEIR_BQ_SPIN tries) then a park on the
 *      token's eventcount (base/sync.h): a token giver notifies after its
 *      seq_cst token increment, a waiter re-checks after its seq_cst
 *      prepare (ec invariant 1), so no wake-up is lost.
 *
 * Thread-safety: every call may run concurrently with every other, except
 * init and fini (fini: nobody else is inside any call any more).
 */
#ifndef WEIR_BASE_BQUEUE_H
#define WEIR_BASE_BQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/atomic.h"
#include "base/sync.h"

struct weir_bq_slot {
	_Atomic uint64_t seq; /* A: turn of the slot (B2) */
	void *val;            /* written by the push of the turn, read by its pop */
};

struct weir_bq {
	struct weir_bq_slot *slots;                   /* I */
	uint32_t cap;                                 /* I */
	weir_cacheline_aligned _Atomic uint64_t head; /* A: next pop ticket */
	weir_cacheline_aligned _Atomic uint64_t tail; /* A: next push ticket */
	weir_cacheline_aligned _Atomic int64_t items; /* A: item tokens */
	_Atomic int64_t spaces;                       /* A: space tokens */
	_Atomic uint32_t stopped;                     /* A: set once by weir__bq_stop */
	struct weir_ec item_ec;                       /* A: pops park here */
	struct weir_ec space_ec;                      /* A: pushes park here */
	_Atomic(struct weir_ec *) also;               /* A: extra eventcount told of each push */
};

/* How many times a blocking call retries before it parks. */
#define WEIR_BQ_SPIN 64

/* WEIR_OK or WEIR_ENOMEM; cap must be >= 1. */
int weir__bq_init(struct weir_bq *q, uint32_t cap);
/* Free the ring. Items still queued are the caller's (drain first). */
void weir__bq_fini(struct weir_bq *q);

/* Push v. timeout_ns: < 0 waits without limit, 0 does not wait, > 0 waits
 * at most that long. WEIR_OK, WEIR_EAGAIN (full, no wait), WEIR_ETIMEDOUT
 * (still full at the deadline) or WEIR_ESTATE (stopped). */
int weir__bq_push(struct weir_bq *q, void *v, int64_t timeout_ns);
/* Pop the oldest item into *v; same time-out rules. WEIR_OK, WEIR_EAGAIN
 * (empty, no wait), WEIR_ETIMEDOUT or WEIR_ESTATE (stopped and empty). */
int weir__bq_pop(struct weir_bq *q, void **v, int64_t timeout_ns);
/* Non-blocking pop that keeps the item's space token: the caller then
 * either gives it back with weir__bq_release_space() (item consumed) or
 * re-queues the item with weir__bq_push_held() (which cannot fail). */
bool weir__bq_pop_hold(struct weir_bq *q, void **v);
void weir__bq_release_space(struct weir_bq *q);
void weir__bq_push_held(struct weir_bq *q, void *v);

/* Items queued now (a snapshot). */
size_t weir__bq_size(const struct weir_bq *q);
/* Pop every queued item and hand it to fn; returns how many. Concurrent
 * pushes may add more afterwards. */
size_t weir__bq_drain(struct weir_bq *q, void (*fn)(void *item, void *arg), void *arg);
/* Stop (B4) and wake every waiter. Idempotent. */
void weir__bq_stop(struct weir_bq *q);
bool weir__bq_stopped(const struct weir_bq *q);
/* Also notify `ec` (NULL: none) after each push, for a consumer that waits
 * on several queues at once. The caller keeps ec alive while it is set and
 * for a grace period after it is cleared (pushes read it under RCU). */
void weir__bq_set_also(struct weir_bq *q, struct weir_ec *ec);
/* The eventcount pops park on, for such a consumer. */
static inline struct weir_ec *weir__bq_item_ec(struct weir_bq *q)
{
	return &q->item_ec;
}

#endif /* WEIR_BASE_BQUEUE_H */
