/*
 * base/mpsc.h - THE intrusive multi-producer / single-consumer stack of weir
 * (a Treiber stack with take-all, Linux llist style).
 *
 * Users: a device's ready inbox of streams and its host-callback inbox
 * (sched/device.c, sched/host.c), a reporter's callback inbox
 * (sched/reporter.c), a task pool's remote-free stack (sched/pool.c). The one
 * exception is the stream's own inbox word (sched/stream.c), see there.
 *
 * WEIR_MPSC_DEFINE(name, type, link) generates, for `type` linked through its
 * `type *link` field, with a stack head `_Atomic(type *) top` (NULL = empty):
 *
 *   name_push(top, first, last)     push the chain first..last (already
 *                                   linked through `link`; first == last for
 *                                   one element) with ONE release CAS loop.
 *   name_push_seqcst(top, first, last)
 *                                   the same CAS in seq_cst, for a producer
 *                                   that then checks an eventcount's waiters
 *                                   (base/sync.h, ec invariant 1).
 *   name_take_all(top)              take the whole stack with ONE acquire
 *                                   exchange; returns it newest first.
 *   name_reverse(list, &tail, &n)   reverse a taken list into FIFO (push)
 *                                   order; tail/n may be NULL.
 *
 * Invariants:
 *  M1. Producers only add at the top; the consumer only removes the whole
 *      stack at once (exchange). With no single-element pop there is no ABA,
 *      so no tags, no hazard pointers and no reclamation rule: a producer's
 *      failed CAS only re-reads the head it links to.
 *  M2. Every element a producer publishes (and everything it wrote before
 *      the push) is visible to the consumer that takes it: the push CAS is
 *      release (MP1) or seq_cst (MP2), the take exchange acquire (MA1).
 *  M3. "Single consumer" is the caller's rule: take_all may be called by
 *      several threads (each gets a disjoint part), but an element is owned
 *      by exactly one taker, and only the taker touches its link afterwards.
 *  M4. A chain pushed with one CAS stays contiguous and keeps its order.
 *
 * Why not ck_stack (base/ck.h)? Its _upmc push / batch pop are the same
 * algorithm, but (a) its entries are a ck_stack_entry_t embedded in the
 * element, while weir's records (struct weir_task) link through a typed
 * `next` that is also their FIFO link, and streams have a separate ready
 * link; (b) it has no chain push (pool batch returns); (c) its orders are
 * ck_pr's (a full-barrier CAS on x86, a seq_cst RMW in the TSan port), not
 * the release / seq_cst pair each call site labels. So the stack is written
 * once here, over base/atomic.h.
 */
#ifndef WEIR_BASE_MPSC_H
#define WEIR_BASE_MPSC_H

#include "base/atomic.h"

#include <stddef.h>

#define WEIR_MPSC_DEFINE(name, type, link)                                                   \
	static inline void name##_push(_Atomic(type *) *top, type *first, type *last)        \
	{                                                                                    \
		type *old = weir_load_relaxed(top);                                          \
		do {                                                                         \
			last->link = old;                                                    \
			/* MP1: release - publishes the chain and its contents;     \
			 * pairs with MA1 in name##_take_all (M2). */        \
		} while (!weir_cas_release(top, &old, first));                               \
	}                                                                                    \
	static inline void name##_push_seqcst(_Atomic(type *) *top, type *first, type *last) \
	{                                                                                    \
		type *old = weir_load_relaxed(top);                                          \
		do {                                                                         \
			last->link = old;                                                    \
			/* MP2: seq_cst - MP1, and ordered before the caller's      \
			 * eventcount check (ec invariant 1); pairs with MA1. */        \
		} while (!weir_cas_seqcst(top, &old, first));                                \
	}                                                                                    \
	static inline type *name##_take_all(_Atomic(type *) *top)                            \
	{                                                                                    \
		/* MA1: acquire - takes the pushed elements; pairs with MP1/MP2. */          \
		return weir_xchg_acquire(top, NULL);                                         \
	}                                                                                    \
	static inline type *name##_reverse(type *list, type **tail, uint32_t *count)         \
	{                                                                                    \
		type *prev = NULL;                                                           \
		uint32_t n = 0;                                                              \
		if (tail)                                                                    \
			*tail = list;                                                        \
		while (list) {                                                               \
			type *nx = list->link;                                               \
			list->link = prev;                                                   \
			prev = list;                                                         \
			list = nx;                                                           \
			n++;                                                                 \
		}                                                                            \
		if (count)                                                                   \
			*count = n;                                                          \
		return prev;                                                                 \
	}

#endif /* WEIR_BASE_MPSC_H */
