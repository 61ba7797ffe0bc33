/*
 * base/atomic.h - the one place where weir spells memory orders.
 *
 * Every shared atomic in weir goes through these wrappers over C11
 * <stdatomic.h>; code outside this header writes no asm and no bare
 * __atomic_* builtin (liburing's barrier.h is the model). C11 atomics are
 * what ThreadSanitizer understands exactly (shared/design/tsan.md).
 *
 * What the orders mean here:
 *  - acquire (a load, or the read half of an RMW): no later load or store of
 *    this thread moves before it. Pairs with a release that wrote the value
 *    read, after which everything the releasing thread wrote before its
 *    release is visible.
 *  - release (a store, or the write half of an RMW): no earlier load or store
 *    moves after it. It publishes the writes made before it.
 *  - acq_rel: both, for RMWs that consume one publication and make another.
 *  - seq_cst: one total order over all seq_cst operations; used only where a
 *    store must be ordered before a later load of a *different* location
 *    (Dekker / eventcount patterns), and labelled as such at the call site.
 *  - relaxed: atomicity only. Each use says why no ordering is needed.
 *
 * Convention at call sites: every non-relaxed operation carries a label and
 * names its pair, e.g.  R1: release - publishes the task; pairs with A1.
 */
#ifndef WEIR_BASE_ATOMIC_H
#define WEIR_BASE_ATOMIC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define WEIR_CACHELINE         64
#define weir_cacheline_aligned _Alignas(WEIR_CACHELINE)

#define weir_load_relaxed(p)     atomic_load_explicit((p), memory_order_relaxed)
#define weir_load_acquire(p)     atomic_load_explicit((p), memory_order_acquire)
#define weir_load_seqcst(p)      atomic_load_explicit((p), memory_order_seq_cst)
#define weir_store_relaxed(p, v) atomic_store_explicit((p), (v), memory_order_relaxed)
#define weir_store_release(p, v) atomic_store_explicit((p), (v), memory_order_release)
#define weir_store_seqcst(p, v)  atomic_store_explicit((p), (v), memory_order_seq_cst)

#define weir_faa_relaxed(p, v) atomic_fetch_add_explicit((p), (v), memory_order_relaxed)
#define weir_faa_release(p, v) atomic_fetch_add_explicit((p), (v), memory_order_release)
#define weir_faa_acqrel(p, v)  atomic_fetch_add_explicit((p), (v), memory_order_acq_rel)
#define weir_faa_seqcst(p, v)  atomic_fetch_add_explicit((p), (v), memory_order_seq_cst)
#define weir_fas_relaxed(p, v) atomic_fetch_sub_explicit((p), (v), memory_order_relaxed)
#define weir_fas_acqrel(p, v)  atomic_fetch_sub_explicit((p), (v), memory_order_acq_rel)
#define weir_fas_seqcst(p, v)  atomic_fetch_sub_explicit((p), (v), memory_order_seq_cst)
#define weir_for_acqrel(p, v)  atomic_fetch_or_explicit((p), (v), memory_order_acq_rel)
#define weir_fand_acqrel(p, v) atomic_fetch_and_explicit((p), (v), memory_order_acq_rel)

#define weir_xchg_acqrel(p, v)  atomic_exchange_explicit((p), (v), memory_order_acq_rel)
#define weir_xchg_acquire(p, v) atomic_exchange_explicit((p), (v), memory_order_acquire)
#define weir_xchg_seqcst(p, v)  atomic_exchange_explicit((p), (v), memory_order_seq_cst)

/* Compare-and-swap. `e` points at the expected value and is updated on
 * failure. The failure order is the load half of the success order. */
#define weir_cas_relaxed(p, e, d)                                                  \
	atomic_compare_exchange_weak_explicit((p), (e), (d), memory_order_relaxed, \
	                                      memory_order_relaxed)
#define weir_cas_acquire(p, e, d)                                                  \
	atomic_compare_exchange_weak_explicit((p), (e), (d), memory_order_acquire, \
	                                      memory_order_acquire)
#define weir_cas_release(p, e, d)                                                  \
	atomic_compare_exchange_weak_explicit((p), (e), (d), memory_order_release, \
	                                      memory_order_relaxed)
#define weir_cas_acqrel(p, e, d)                                                   \
	atomic_compare_exchange_weak_explicit((p), (e), (d), memory_order_acq_rel, \
	                                      memory_order_acquire)
#define weir_cas_seqcst(p, e, d)                                                   \
	atomic_compare_exchange_weak_explicit((p), (e), (d), memory_order_seq_cst, \
	                                      memory_order_seq_cst)
#define weir_cas_strong_acqrel(p, e, d)                                              \
	atomic_compare_exchange_strong_explicit((p), (e), (d), memory_order_acq_rel, \
	                                        memory_order_acquire)

#define weir_fence_seqcst()  atomic_thread_fence(memory_order_seq_cst)
#define weir_fence_acquire() atomic_thread_fence(memory_order_acquire)
#define weir_fence_release() atomic_thread_fence(memory_order_release)

/* Busy-wait hint for spin loops (every spin loop in weir is bounded). */
static inline void weir_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	atomic_signal_fence(memory_order_seq_cst);
#endif
}

/* Free-running counters are compared only through their unsigned
 * difference, so wrap-around is harmless (invariant I7). */
static inline bool weir_seq_geq(uint64_t a, uint64_t b)
{
	return (int64_t)(a - b) >= 0;
}
static inline bool weir_seq32_geq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) >= 0;
}

#endif /* WEIR_BASE_ATOMIC_H */
