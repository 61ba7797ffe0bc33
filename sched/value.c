/*
 * sched/value.c - memory-value tasks: write a word, and wait until a word
 * satisfies a condition.
 *
 * A value wait that is not satisfied when its stream reaches it spins for a
 * bounded time (VALUE_SPIN checks), then parks its stream on the runtime's
 * value park list (timer.c P1-P3); the worker moves on. Parked waits are
 * re-checked (the wake rules, docs/design.md "Value waits"):
 *  W1. when a value-write task of any stream of the runtime has stored its
 *      word (seq_cst store, then P1's load of the list's count);
 *  W2. when any kernel task (weir_launch, and so every async copy and fill
 *      of weir/mem.h, which are kernels) of any stream of the runtime
 *      retires: its stores precede the seq_cst retirement, and the hook
 *      (weir__value_written) loads the count after it;
 *  W3. every VALUE_POLL_NS by the runtime's timer while any wait is parked,
 *      so a store made any other way (a host thread, a kernel still running)
 *      is seen within that period. The poll entry is queued only while waits
 *      are parked (VW2), so an idle runtime has no periodic wake-up.
 *  W4. when its own time-out fires (weir_value_wait's timeout_ns), or an
 *      abort takes it back.
 * The word is read and written with atomic operations of its width
 * (WEIR_VALUE_32 or 64 bits), so it must be aligned to that width.
 *
 * Invariants:
 *  VW1. A parked stream's head task is its value wait; its address, value
 *       and flags are immutable, so a waker evaluates it under the list lock.
 *  VW2. value_poll_on is true exactly while the poll entry is queued or its
 *       callback runs; it is set by a CAS (false -> true) by whoever queues
 *       it. The callback clears it (seq_cst) and then reads the list count
 *       (seq_cst); a parker reads the flag after its park's count increment
 *       (seq_cst). So either the parker queues the poll or the callback
 *       re-queues itself: a parked wait is never left without its poll.
 */
#include "sched/internal.h"

#include <string.h>

#define VALUE_SPIN    256
#define VALUE_POLL_NS 2000000u /* W3: 2 ms */

static bool value_check(void *addr, uint64_t value, uint32_t flags)
{
	uint64_t w;
	bool narrow = (flags & WEIR_VALUE_32) != 0;
	if (narrow) {
		/* VL-A1: seq_cst - the word (W1-W3); pairs with VL-R1. */
		uint32_t x = __atomic_load_n((uint32_t *)addr, __ATOMIC_SEQ_CST);
		uint32_t v = (uint32_t)value;
		switch (flags & WEIR_VALUE_CMP_MASK) {
		case WEIR_VALUE_GEQ: return (int32_t)(x - v) >= 0;
		case WEIR_VALUE_EQ: return x == v;
		case WEIR_VALUE_AND: return (x & v) != 0;
		default: return ~(x | v) != 0;
		}
	}
	/* VL-A1: seq_cst - as above. */
	w = __atomic_load_n((uint64_t *)addr, __ATOMIC_SEQ_CST);
	switch (flags & WEIR_VALUE_CMP_MASK) {
	case WEIR_VALUE_GEQ: return (int64_t)(w - value) >= 0;
	case WEIR_VALUE_EQ: return w == value;
	case WEIR_VALUE_AND: return (w & value) != 0;
	default: return ~(w | value) != 0;
	}
}

static bool value_ready(struct weir_stream *st, struct weir_task *t)
{
	(void)st;
	return value_check(t->u.val.addr, t->u.val.value, WAIT_STATE(t)->flags); /* VW1 */
}

static int value_args(void *addr, uint32_t flags)
{
	if (!addr)
		return WEIR_EINVAL;
	if (flags & ~(WEIR_VALUE_CMP_MASK | WEIR_VALUE_32))
		return WEIR_EINVAL;
	uintptr_t align = (flags & WEIR_VALUE_32) ? 4 : 8;
	if ((uintptr_t)addr & (align - 1))
		return WEIR_EINVAL;
	return WEIR_OK;
}

static int value_task(weir_stream_t *s, void *addr, uint64_t value, uint32_t flags, bool wait,
                      int64_t timeout_ns)
{
	int rc = value_args(addr, flags);
	if (rc)
		return rc;
	if (!wait && (flags & WEIR_VALUE_CMP_MASK))
		return WEIR_EINVAL; /* a write takes only the width flag */
	if (timeout_ns == WEIR_TIMEOUT_INFINITE)
		timeout_ns = 0;
	if (timeout_ns < 0)
		return WEIR_EINVAL;
	struct weir_task *t = weir__task_alloc();
	if (!t)
		return WEIR_ENOMEM;
	memset(t->args, 0, sizeof(struct weir_wait_state));
	t->kind = wait ? WEIR_TK_VALUE_WAIT : WEIR_TK_VALUE_WRITE;
	t->nblocks = 1;
	t->u.val.addr = addr;
	t->u.val.value = value;
	WAIT_STATE(t)->flags = flags;
	WAIT_STATE(t)->timeout_ns = timeout_ns;
	rc = weir__stream_submit_task(s, t);
	if (rc)
		weir__task_free(t);
	return rc;
}

WEIR_API int weir_value_write(weir_stream_t *s, void *addr, uint64_t value, uint32_t flags)
{
	return value_task(s, addr, value, flags, false, 0);
}

WEIR_API int weir_value_wait(weir_stream_t *s, void *addr, uint64_t value, uint32_t flags,
                             int64_t timeout_ns)
{
	return value_task(s, addr, value, flags, true, timeout_ns);
}

/* W3: the poll. Runs on the timer thread (lock held). */
static uint64_t value_poll(struct weir_timer_entry *te)
{
	struct weir_runtime *rt = caa_container_of(te, struct weir_runtime, value_poll);
#ifndef WEIR_BUSTED_VALUE_NO_RECHECK
	weir__parklist_wake(&rt->value_pl, UINT32_MAX, value_ready);
#endif
	/* VL-R2: seq_cst - VW2: clear, then read the count. */
	weir_store_seqcst(&rt->value_poll_on, false);
	bool expect = false;
	if (weir_load_seqcst(&rt->value_pl.n) != 0 &&
	    weir_cas_seqcst(&rt->value_poll_on, &expect, true))
		return weir__now_ns() + VALUE_POLL_NS; /* VW2: re-queued by us */
	return 0;
}

void weir__value_init(struct weir_runtime *rt)
{
	weir__parklist_init(&rt->value_pl);
	weir__timer_entry_init(&rt->value_poll, value_poll);
	atomic_init(&rt->value_poll_on, false);
}

void weir__value_fini(struct weir_runtime *rt)
{
	weir__parklist_fini(&rt->value_pl);
}

void weir__value_recheck(struct weir_runtime *rt)
{
	weir__parklist_wake(&rt->value_pl, UINT32_MAX, value_ready);
}

int weir__value_run(struct weir_stream *st, struct weir_task *t, struct weir_task_batch *b)
{
	struct weir_runtime *rt = st->rt;
	if (t->kind == WEIR_TK_VALUE_WRITE) {
		/* VL-R1: seq_cst - W1: the store, then P1's load of the count. */
		if (WAIT_STATE(t)->flags & WEIR_VALUE_32)
			__atomic_store_n((uint32_t *)t->u.val.addr, (uint32_t)t->u.val.value,
			                 __ATOMIC_SEQ_CST);
		else
			__atomic_store_n((uint64_t *)t->u.val.addr, t->u.val.value,
			                 __ATOMIC_SEQ_CST);
		weir__stream_retire_head(st, 0, false, b);
		weir__value_written(rt);
		return WEIR__RUN_DONE;
	}
	int rc = WEIR_OK;
	bool ok = false;
	for (int i = 0; i < VALUE_SPIN && !(ok = value_ready(st, t)); i++)
		weir_cpu_relax(); /* bounded: then park */
	if (!ok)
		rc = weir__wait_arm(st, t);
	while (!ok && rc == WEIR_OK) {
		if (weir__wait_fired(t)) {
			rc = WEIR_EWAITTIMEOUT;
			break;
		}
		int prc = weir__parklist_park(&rt->value_pl, st, t, value_ready);
		if (prc == WEIR_ENOTREADY) {
			bool expect = false;
			/* VW2: the park's count increment came first (seq_cst). */
			if (!weir_load_seqcst(&rt->value_poll_on) &&
			    weir_cas_seqcst(&rt->value_poll_on, &expect, true) &&
			    weir__timer_add(rt, &rt->value_poll, weir__now_ns() + VALUE_POLL_NS))
				weir_store_seqcst(&rt->value_poll_on, false); /* not queued */
			return WEIR__RUN_PARKED;
		}
		if (prc == WEIR_EWAITTIMEOUT) {
			rc = prc;
			break;
		}
		if (!weir_seq_geq(weir_load_relaxed(&st->retired),
		                  weir_load_seqcst(&st->abort_until)))
			return WEIR__RUN_RETRY;
		ok = value_ready(st, t);
	}
	weir__wait_disarm(st, t);
	weir__stream_retire_head(st, weir__fail_runtime(rc), false, b);
	return WEIR__RUN_DONE;
}
