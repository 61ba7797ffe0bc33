/*
 * base/sync.c - futex helpers and the host-side wait queue (base/sync.h).
 */
#include "base/sync.h"
#include "base/die.h"

#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

bool weir__futex_wait(_Atomic uint32_t *addr, uint32_t val, uint64_t deadline_ns)
{
	struct timespec ts, *tsp = NULL;
	if (deadline_ns != UINT64_MAX) {
		ts.tv_sec = (time_t)(deadline_ns / 1000000000ull);
		ts.tv_nsec = (long)(deadline_ns % 1000000000ull);
		tsp = &ts;
	}
	/* FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline. */
	long r = syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, val,
	                 tsp, NULL, FUTEX_BITSET_MATCH_ANY);
	if (r != 0 && errno != EAGAIN && errno != EINTR && errno != ETIMEDOUT)
		weir__die("futex wait");
	/* 0: a FUTEX_WAKE on this private word woke us and counted us. */
	return r == 0;
}

int weir__futex_wake(_Atomic uint32_t *addr, int n)
{
	long r = syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, n, NULL,
	                 NULL, 0);
	if (r < 0)
		weir__die("futex wake");
	return (int)r;
}

void weir__waitq_init(struct weir_waitq *wq)
{
	atomic_init(&wq->wake_at, UINT64_MAX);
	atomic_init(&wq->seq, 0);
}

void weir__waitq_wake(struct weir_waitq *wq)
{
	/* Invariant 2: reset, bump, wake everybody. */
	weir_xchg_seqcst(&wq->wake_at, UINT64_MAX);
	weir_faa_seqcst(&wq->seq, 1);
	weir__futex_wake(&wq->seq, INT32_MAX);
}

int weir__waitq_wait(struct weir_waitq *wq, const _Atomic uint64_t *counter, uint64_t target,
                     uint64_t deadline_ns, uint32_t spin_ns)
{
	return weir__waitq_wait_flag(wq, counter, target, NULL, 0, deadline_ns, spin_ns);
}

/* WQ-A3: seq_cst - the flag of weir__waitq_wait_flag (invariant 5); pairs
 * with the setter's seq_cst store followed by the seq bump in
 * weir__waitq_wake(). */
static inline bool waitq_flagged(const _Atomic uint32_t *flag, uint32_t val)
{
	return flag && weir_load_seqcst(flag) == val;
}

/* The bounded spin before a sleep, shared by the wait queue and the gate:
 * WEIR_OK once the counter reaches the target, WEIR_ESTATE once the flag
 * (when given) holds val, WEIR_ETIMEDOUT when spin_ns (cut at the
 * deadline) has passed. The clock and the flag are read every 64 polls. */
static int spin_for(const _Atomic uint64_t *counter, uint64_t target, const _Atomic uint32_t *flag,
                    uint32_t val, uint64_t deadline_ns, uint32_t spin_ns)
{
	uint64_t until = weir__now_ns() + spin_ns;
	if (until > deadline_ns)
		until = deadline_ns;
	for (uint32_t i = 1;; i++) {
		weir_cpu_relax();
		/* WQ-A1 / GT-A2: acquire - the counted work's effects. */
		if (weir_seq_geq(weir_load_acquire(counter), target))
			return WEIR_OK;
		if ((i & 63) == 0) {
			if (waitq_flagged(flag, val))
				return WEIR_ESTATE;
			if (weir__now_ns() >= until)
				return WEIR_ETIMEDOUT;
		}
	}
}

/* Publish a sleeper's target: an atomic minimum (in counter order) of
 * *at and target, where UINT64_MAX means "none published". seq_cst, as
 * every access of wake_at / open_at: invariant 1 of the wait queue, G1 of
 * the gate. */
static void publish_min(_Atomic uint64_t *at, uint64_t target)
{
	uint64_t cur = weir_load_seqcst(at);
	while ((cur == UINT64_MAX || weir_seq_geq(cur, target)) && cur != target &&
	       !weir_cas_seqcst(at, &cur, target))
		;
}

void weir__gate_init(struct weir_gate *g, uint32_t step, uint32_t low)
{
	atomic_init(&g->open_at, UINT64_MAX);
	atomic_init(&g->seq, 0);
	atomic_init(&g->sleepers, 0);
	g->step = step ? step : 1;
	g->low = low ? low : 1;
}

void weir__gate_open(struct weir_gate *g, uint64_t at, uint64_t value,
                     const _Atomic uint64_t *limit)
{
	/* Invariant G2: re-arm while anyone is counted, the one this opening
	 * wakes included: a sleeper counting itself just after this load
	 * may have seen the value being opened and sleep on it, and the
	 * re-arm is its opening. (seq_cst, as every access of open_at and
	 * sleepers here: pairs with the sleepers' G1 sequence.) */
	uint32_t n = weir_load_seqcst(&g->sleepers);
#ifdef WEIR_BUSTED_GATE_NO_REARM
	n = 0; /* planted: one opening, the other sleepers left to their deadlines */
#endif
	/* Relaxed: the submitted count only bounds the re-arm and says how
	 * much is queued; every task it counts retires, so the counter
	 * reaches it. */
	uint64_t lim = weir_load_relaxed(limit);
	bool short_of_work = !weir_seq_geq(lim, value + g->low);
	uint64_t next = UINT64_MAX;
	int wake = 1;
	if (n > 0 || !short_of_work) {
		next = value + g->step;
		if (!weir_seq_geq(lim, next))
			next = lim;
		if (!weir_seq_geq(next, value + 1)) {
			next = UINT64_MAX; /* nothing queued: wake them all */
			wake = INT32_MAX;
			short_of_work = true;
		}
	}
	if (!weir_cas_seqcst(&g->open_at, &at, next))
		return; /* another opening, or a sleeper's smaller target: re-read later */
	if (!short_of_work)
		return; /* the producers awake keep the queue fed: re-armed only */
	weir_faa_seqcst(&g->seq, 1);
	weir__futex_wake(&g->seq, wake);
}

int weir__gate_wait(struct weir_gate *g, const _Atomic uint64_t *counter, uint64_t target,
                    uint64_t deadline_ns, uint32_t spin_ns)
{
	WEIR_ASSERT(target != UINT64_MAX, "sync.h gate: UINT64_MAX means no target");
	/* GT-A2: acquire - as WQ-A1: the counted work's effects. */
	if (weir_seq_geq(weir_load_acquire(counter), target))
		return WEIR_OK;
	if (spin_ns && spin_for(counter, target, NULL, 0, deadline_ns, spin_ns) == WEIR_OK)
		return WEIR_OK;
	/* Invariant G1: count, read the key, publish the target, re-check. */
	weir_faa_seqcst(&g->sleepers, 1);
	uint32_t key = weir_load_seqcst(&g->seq);
	publish_min(&g->open_at, target);
	int rc = WEIR_OK;
	if (!weir_seq_geq(weir_load_seqcst(counter), target)) {
		if (weir__now_ns() < deadline_ns)
			weir__futex_wait(&g->seq, key, deadline_ns);
		/* Woken (or not asleep: seq moved): WEIR_OK. Only a wait that
		 * ran out with the target not reached is a time-out. */
		if (weir__now_ns() >= deadline_ns &&
		    !weir_seq_geq(weir_load_acquire(counter), target)) /* GT-A2 */
			rc = WEIR_ETIMEDOUT;
	}
	/* Relaxed: the count only decides whether an opening re-arms; a
	 * stale non-zero count costs one more opening. */
	weir_fas_relaxed(&g->sleepers, 1);
	return rc;
}

int weir__waitq_wait_flag(struct weir_waitq *wq, const _Atomic uint64_t *counter, uint64_t target,
                          const _Atomic uint32_t *flag, uint32_t val, uint64_t deadline_ns,
                          uint32_t spin_ns)
{
	/* WQ-A1: acquire - the waited-for work's effects become visible; pairs
	 * with the notifier's seq_cst store of the counter. */
	if (weir_seq_geq(weir_load_acquire(counter), target))
		return WEIR_OK;
	if (waitq_flagged(flag, val))
		return WEIR_ESTATE;
	if (spin_ns) {
		int rc = spin_for(counter, target, flag, val, deadline_ns, spin_ns);
		if (rc != WEIR_ETIMEDOUT)
			return rc;
	}
	WEIR_ASSERT(target != UINT64_MAX,
	            "sync.h waitq: UINT64_MAX means no sleeper, never a target");
	for (;;) {
		/* seq_cst: read the futex word before publishing the target (invariant 3). */
		uint32_t key = weir_load_seqcst(&wq->seq);
		/* Invariant 1: publish the target (atomic min, seq_cst)... */
		publish_min(&wq->wake_at, target);
		/* ...then re-check the counter (seq_cst; pairs with the
		 * notifier's store-then-load). */
		if (weir_seq_geq(weir_load_seqcst(counter), target))
			return WEIR_OK;
		/* Invariant 5: the flag after the key. */
		if (waitq_flagged(flag, val))
			return WEIR_ESTATE;
		uint64_t now = weir__now_ns();
		if (now >= deadline_ns)
			return WEIR_ETIMEDOUT;
		weir__futex_wait(&wq->seq, key, deadline_ns);
		if (weir_seq_geq(weir_load_acquire(counter), target)) /* WQ-A1 */
			return WEIR_OK;
	}
}
