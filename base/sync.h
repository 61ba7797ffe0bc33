/*
 * base/sync.h - time, bounded backoff, futex, the host wait queue and the
 * eventcount: the ways a weir thread waits for another. Implemented in
 * base/sync.c; nothing here knows about streams or devices.
 */
#ifndef WEIR_BASE_SYNC_H
#define WEIR_BASE_SYNC_H

#include <sched.h>
#include <stdint.h>
#include <time.h>

#include "weir/status.h"
#include "base/atomic.h"
#include "base/ck.h"
#include "base/die.h"

/* ------------------------------------------------------------------------ */
/* Time and futex                                                            */
/* ------------------------------------------------------------------------ */

static inline uint64_t weir__now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Deadline in CLOCK_MONOTONIC ns from a relative time-out; UINT64_MAX for
 * WEIR_TIMEOUT_INFINITE. */
static inline uint64_t weir__deadline(int64_t timeout_ns)
{
	if (timeout_ns < 0)
		return UINT64_MAX;
	return weir__now_ns() + (uint64_t)timeout_ns;
}

/* Slow-path wait for another thread's imminent progress (an owner finishing
 * its last CAS, helpers leaving a block job): ck's exponential backoff first
 * (6 rounds, about 32k barrier iterations in all, ~10 us), then yield, then
 * 100 us sleeps. The spin is short because the awaited thread may be
 * preempted: on an oversubscribed machine only yielding lets it finish.
 * Bounded per call, never an unbounded spin; the caller re-checks its
 * condition between calls. */
static inline void weir__backoff(ck_backoff_t *b, uint32_t *round)
{
	uint32_t r = (*round)++;
	if (r < 6) {
		ck_backoff_eb(b);
	} else if (r < 1024) {
		sched_yield();
	} else {
		struct timespec ts = { 0, 100000 };
		nanosleep(&ts, NULL);
	}
}

/* Sleep while *addr == val, until woken or the absolute deadline passes.
 * True when a weir__futex_wake() woke this thread (and counted it in its
 * return); false when the word had moved, the deadline passed or a signal
 * interrupted the wait. The caller re-checks its condition either way. */
bool weir__futex_wait(_Atomic uint32_t *addr, uint32_t val, uint64_t deadline_ns);
/* Wake up to n sleepers; returns how many it woke. */
int weir__futex_wake(_Atomic uint32_t *addr, int n);

/*
 * A wait queue for host threads waiting until a monotonic 64-bit counter
 * reaches a target (stream retired count, event completed generation).
 *
 * Invariants:
 *  1. A waiter publishes its target with an atomic min on wake_at *before*
 *     it re-reads the counter (both seq_cst); the notifier stores the counter
 *     *before* it reads wake_at (both seq_cst). So either the waiter sees the
 *     new counter, or the notifier sees the target and wakes it.
 *  2. A notifier that wakes resets wake_at to UINT64_MAX and wakes every
 *     sleeper; each sleeper that still waits re-publishes its target.
 *  3. seq changes on every wake, so a futex_wait on a stale seq returns.
 *  4. With no sleeper, notify costs one load (wake_at == UINT64_MAX).
 *  5. A flag waiter (weir__waitq_wait_flag) reads seq, then the flag; whoever
 *     sets the flag stores it and then calls weir__waitq_wake() (all
 *     seq_cst), so the waiter sees the flag or sleeps on a stale seq.
 */
struct weir_waitq {
	_Atomic uint64_t wake_at; /* A: smallest target of a sleeper, or UINT64_MAX */
	_Atomic uint32_t seq;     /* A: futex word, bumped on every wake */
};

void weir__waitq_init(struct weir_waitq *wq);
/* Wait until *counter >= target (free-running comparison). Spins for at most
 * spin_ns first. Returns WEIR_OK or WEIR_ETIMEDOUT. */
int weir__waitq_wait(struct weir_waitq *wq, const _Atomic uint64_t *counter, uint64_t target,
                     uint64_t deadline_ns, uint32_t spin_ns);
/* weir__waitq_wait() that also ends, with WEIR_ESTATE, once *flag == val
 * (invariant 5). Whoever sets the flag calls weir__waitq_wake() after. */
int weir__waitq_wait_flag(struct weir_waitq *wq, const _Atomic uint64_t *counter, uint64_t target,
                          const _Atomic uint32_t *flag, uint32_t val, uint64_t deadline_ns,
                          uint32_t spin_ns);
void weir__waitq_wake(struct weir_waitq *wq);
/* Call after storing `value` into the counter with seq_cst. */
static inline void weir__waitq_notify(struct weir_waitq *wq, uint64_t value)
{
	void weir__waitq_wake(struct weir_waitq * wq);
	/* WQ-A2: seq_cst - read after the caller's seq_cst counter store; pairs
	 * with the waiter's seq_cst min on wake_at (invariant 1). */
	uint64_t at = weir_load_seqcst(&wq->wake_at);
	if (__builtin_expect(at != UINT64_MAX, 0) && weir_seq_geq(value, at))
		weir__waitq_wake(wq);
}

/*
 * A gate for producers waiting for room in a bounded queue (a full stream).
 * Unlike the wait queue, an opening wakes ONE sleeper, and only when fewer
 * than `low` items are queued (the producers already awake keep the queue
 * fed otherwise); while others still sleep, or when it did not wake, it
 * re-arms itself `step` counts further on (or at the queue's end, `limit`,
 * when less is queued). A consumer draining its queue thus admits producers
 * one per `step` finished items, and only as far as it runs short, instead
 * of waking the whole herd onto the CPUs it needs.
 *   sleeper: weir__gate_wait(g, counter, target, ...), then retry.
 *   opener:  store the counter (seq_cst), then weir__gate_notify(g, value, ...).
 * Invariants:
 *  G1. A sleeper counts itself (sleepers, seq_cst), reads seq, publishes its
 *      target with an atomic min on open_at (seq_cst) and only then re-reads
 *      the counter (seq_cst); the opener stores the counter before it reads
 *      open_at (both seq_cst). So a sleeper either sees the counter reach its
 *      target, or the opener sees the target and opens.
 *  G2. An opening takes open_at by CAS (one opening per armed value). With
 *      fewer than `low` items queued it bumps seq (ending the futex wait of
 *      a sleeper that read the old seq) and wakes one sleeper. While any
 *      sleeper is counted (the one it wakes included: one counting itself
 *      just after the opening read the count may sleep on the value being
 *      opened), or when it woke nobody, it re-arms at min(value + step, limit),
 *      where limit (the queue's submitted count, read then) is a value the
 *      counter reaches once what is queued now is done; with nothing queued
 *      it wakes them all. So every sleeper keeps a pending opening that the
 *      queue's own progress reaches; a sleeper woken that finds no room
 *      publishes its target again (G1). Every wait also ends by its
 *      deadline.
 */
struct weir_gate {
	_Atomic uint64_t open_at;  /* A: the next opening's counter value, or UINT64_MAX */
	_Atomic uint32_t seq;      /* A: futex word, bumped by every opening */
	_Atomic uint32_t sleepers; /* A: producers between counting and leaving */
	uint32_t step;             /* I: counts between two one-sleeper openings */
	uint32_t low;              /* I: wake only with fewer than this queued */
};

void weir__gate_init(struct weir_gate *g, uint32_t step, uint32_t low);
/* Wait until *counter >= target, the deadline passes (WEIR_ETIMEDOUT), or an
 * opening wakes this sleeper (WEIR_OK: the caller re-checks its condition).
 * Spins for at most spin_ns first. */
int weir__gate_wait(struct weir_gate *g, const _Atomic uint64_t *counter, uint64_t target,
                    uint64_t deadline_ns, uint32_t spin_ns);
void weir__gate_open(struct weir_gate *g, uint64_t at, uint64_t value,
                     const _Atomic uint64_t *limit);
/* Call after storing `value` into the counter with seq_cst; `limit` is the
 * queue's submitted count (read only when opening). One load when nothing
 * is armed. */
static inline void weir__gate_notify(struct weir_gate *g, uint64_t value,
                                     const _Atomic uint64_t *limit)
{
	/* GT-A1: seq_cst - read after the caller's seq_cst counter store;
	 * pairs with the sleeper's seq_cst min on open_at (invariant G1). */
	uint64_t at = weir_load_seqcst(&g->open_at);
	if (__builtin_expect(at != UINT64_MAX, 0) && weir_seq_geq(value, at))
		weir__gate_open(g, at, value, limit);
}

/*
 * Eventcount for parking idle workers (and the callback thread):
 *   waiter:   k = weir__ec_prepare(ec); if (work available) weir__ec_cancel(ec);
 *             else weir__ec_wait(ec, k, deadline);
 *   notifier: publish work (seq_cst RMW), then weir__ec_notify(ec).
 * Invariants:
 *  1. prepare registers the waiter (seq_cst) before the waiter re-checks for
 *     work; notify reads the waiter count (seq_cst) after the work is
 *     published. So either the waiter sees the work or the notifier sees the
 *     waiter and bumps seq, which makes the futex wait return.
 *  2. With no registered waiter, notify makes no system call.
 */
struct weir_ec {
	_Atomic uint32_t seq;     /* A: futex word */
	_Atomic uint32_t waiters; /* A: threads between prepare and the end of wait */
};

static inline uint32_t weir__ec_prepare(struct weir_ec *ec)
{
	/* EC-S1: seq_cst - registers before the caller's re-check of its
	 * condition; pairs with the seq_cst load in weir__ec_notify. */
	weir_faa_seqcst(&ec->waiters, 1);
	return weir_load_seqcst(&ec->seq);
}
static inline void weir__ec_cancel(struct weir_ec *ec)
{
	uint32_t old =
	        weir_fas_relaxed(&ec->waiters, 1); /* relaxed: a stale count only costs a wake */
	WEIR_ASSERT(old != 0, "sync.h ec inv 1: only a prepared waiter leaves the count");
	(void)old;
}
/* True when a notify woke this waiter and counted it in its return. */
static inline bool weir__ec_wait(struct weir_ec *ec, uint32_t key, uint64_t deadline_ns)
{
	bool woken = weir__futex_wait(&ec->seq, key, deadline_ns);
	uint32_t old = weir_fas_relaxed(&ec->waiters, 1); /* relaxed: see weir__ec_cancel */
	WEIR_ASSERT(old != 0, "sync.h ec inv 1: only a prepared waiter leaves the count");
	(void)old;
	return woken;
}
/* Returns how many sleeping waiters it woke (0 without a system call). */
static inline int weir__ec_notify(struct weir_ec *ec, int n)
{
	/* EC-A1: seq_cst - after the caller's seq_cst publication of work;
	 * pairs with EC-S1 in weir__ec_prepare. */
	if (weir_load_seqcst(&ec->waiters) == 0)
		return 0;
	weir_faa_seqcst(&ec->seq, 1);
	return weir__futex_wake(&ec->seq, n);
}

#endif /* WEIR_BASE_SYNC_H */
