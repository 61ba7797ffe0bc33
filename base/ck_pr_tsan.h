/*
 * base/ck_pr_tsan.h - Concurrency Kit's ck_pr over the __atomic builtins,
 * for ThreadSanitizer builds (shared/design/tsan.md, "option 1").
 *
 * Why: ck_pr is inline x86 assembly, which TSan cannot see, so every message
 * passed through a ck_ring looks like a data race on the *payload*. ck's own
 * CK_USE_CC_BUILTINS port uses volatile, which TSan treats as plain accesses.
 * This port spells every ck_pr primitive as an __atomic builtin that TSan
 * models exactly, so ck-based code is checked as precisely as C11 code:
 * correct hand-offs are clean and planted races are still reported
 * (tests/unit/test_ck_port.c, tests/canary/canary_race.c).
 *
 * This header is the one allowed exception to "no bare __atomic outside
 * base/atomic.h": it *is* an atomics layer, ck's. Include it only through
 * base/ck.h, which selects it when the build is instrumented. It must come
 * before any ck header.
 *
 * Orders (the same instructions as ck's x86-64 assembly on x86-64):
 *  - ck_pr_md_load_*   acquire. Pairs with the release store (or any RMW)
 *                      that wrote the value read.
 *  - ck_pr_md_store_*  release. Pairs with the acquire load that reads it.
 *  - every RMW (cas, faa, fas, add/sub/and/or/xor, inc/dec)  seq_cst, i.e.
 *                      acquire + release + one total order, like a lock'd
 *                      x86 instruction.
 *  - ck_pr_fence_strict_*  seq_cst fence.
 * ck_pr.h then builds ck_pr_fence_* for CK_MD_TSO: all but store_load and
 * memory are compiler barriers, which is sound because the loads and stores
 * above already carry acquire/release.
 *
 * Limits: no double-width CAS (CK_F_PR_CAS_PTR_2 & co. stay undefined), so
 * ck_fifo's MPMC variant and ck_stack's *_mpmc pops drop out; the neg, not
 * and bit-test operations come from ck_pr.h's CAS loops over this port.
 */
#ifndef WEIR_BASE_CK_PR_TSAN_H
#define WEIR_BASE_CK_PR_TSAN_H

#ifdef CK_PR_H
#error "base/ck_pr_tsan.h must precede every ck header; include base/ck.h"
#endif

#if defined(CK_USE_CC_BUILTINS) && !CK_USE_CC_BUILTINS
#error "base/ck_pr_tsan.h needs CK_USE_CC_BUILTINS=1 (ck's asm port is invisible to TSan)"
#endif
#ifndef CK_USE_CC_BUILTINS
#define CK_USE_CC_BUILTINS 1
#endif
/* Tells <gcc/ck_pr.h> that the primitives exist: it then only defines
 * ck_pr_barrier(), and <ck_pr.h> derives everything else from ours. */
#define CK_F_PR

#include <ck_cc.h>
#include <ck_stdbool.h>
#include <ck_stdint.h>
#include <gcc/ck_f_pr.h>

/* Features this port provides natively beyond <gcc/ck_f_pr.h>. Defining
 * them stops <ck_pr.h> from emulating them with CAS loops. */
#define CK_F_PR_FAS_PTR
#define CK_F_PR_FAS_CHAR
#define CK_F_PR_FAS_INT
#define CK_F_PR_FAS_UINT
#define CK_F_PR_FAS_64
#define CK_F_PR_FAS_32
#define CK_F_PR_FAS_16
#define CK_F_PR_FAS_8
#ifndef CK_PR_DISABLE_DOUBLE
#define CK_F_PR_LOAD_DOUBLE
#define CK_F_PR_STORE_DOUBLE
#define CK_F_PR_CAS_DOUBLE
#define CK_F_PR_CAS_DOUBLE_VALUE
#endif
#define CK_F_PR_NEG_PTR_ZERO
#define CK_F_PR_NEG_CHAR_ZERO
#define CK_F_PR_NEG_INT_ZERO
#define CK_F_PR_NEG_UINT_ZERO
#define CK_F_PR_NEG_64_ZERO
#define CK_F_PR_NEG_32_ZERO
#define CK_F_PR_NEG_16_ZERO
#define CK_F_PR_NEG_8_ZERO
#define CK_F_PR_INC_PTR_ZERO
#define CK_F_PR_INC_CHAR_ZERO
#define CK_F_PR_INC_INT_ZERO
#define CK_F_PR_INC_UINT_ZERO
#define CK_F_PR_INC_64_ZERO
#define CK_F_PR_INC_32_ZERO
#define CK_F_PR_INC_16_ZERO
#define CK_F_PR_INC_8_ZERO
#define CK_F_PR_DEC_PTR_ZERO
#define CK_F_PR_DEC_CHAR_ZERO
#define CK_F_PR_DEC_INT_ZERO
#define CK_F_PR_DEC_UINT_ZERO
#define CK_F_PR_DEC_64_ZERO
#define CK_F_PR_DEC_32_ZERO
#define CK_F_PR_DEC_16_ZERO
#define CK_F_PR_DEC_8_ZERO

#define WEIR__CKT_LD  __ATOMIC_ACQUIRE /* loads: pair with WEIR__CKT_ST / RMWs */
#define WEIR__CKT_ST  __ATOMIC_RELEASE /* stores: pair with WEIR__CKT_LD */
#define WEIR__CKT_RMW __ATOMIC_SEQ_CST /* RMWs: pair with loads, stores, RMWs */

/* gcc warns that TSan does not model standalone fences (-Wtsan). They are
 * kept for the code generated outside TSan's view; the acquire/release on
 * every access above is what TSan checks. */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wtsan"
#endif

/* ---- loads and stores ------------------------------------------------- */

CK_CC_INLINE static void *ck_pr_md_load_ptr(const void *target)
{
	return __atomic_load_n((void *const *)target, WEIR__CKT_LD);
}

CK_CC_INLINE static void ck_pr_md_store_ptr(void *target, const void *v)
{
	__atomic_store_n((void **)target, CK_CC_DECONST_PTR(v), WEIR__CKT_ST);
}

#define WEIR__CKT_LOAD_STORE(S, T)                                  \
	CK_CC_INLINE static T ck_pr_md_load_##S(const T *target)    \
	{                                                           \
		return __atomic_load_n(target, WEIR__CKT_LD);       \
	}                                                           \
	CK_CC_INLINE static void ck_pr_md_store_##S(T *target, T v) \
	{                                                           \
		__atomic_store_n(target, v, WEIR__CKT_ST);          \
	}

WEIR__CKT_LOAD_STORE(char, char)
WEIR__CKT_LOAD_STORE(int, int)
WEIR__CKT_LOAD_STORE(uint, unsigned int)
WEIR__CKT_LOAD_STORE(64, uint64_t)
WEIR__CKT_LOAD_STORE(32, uint32_t)
WEIR__CKT_LOAD_STORE(16, uint16_t)
WEIR__CKT_LOAD_STORE(8, uint8_t)
#undef WEIR__CKT_LOAD_STORE

#ifndef CK_PR_DISABLE_DOUBLE
/* __atomic_load_n takes integers and pointers only; the generic form
 * handles double (an 8-byte atomic access to TSan). */
CK_CC_INLINE static double ck_pr_md_load_double(const double *target)
{
	double r;

	__atomic_load(target, &r, WEIR__CKT_LD);
	return r;
}

CK_CC_INLINE static void ck_pr_md_store_double(double *target, double v)
{
	__atomic_store(target, &v, WEIR__CKT_ST);
}
#endif

/* ---- compare-and-swap ------------------------------------------------- */

/* _value variants return the value seen in *v: on success it equals
 * `compare`, on failure __atomic_compare_exchange_n has written the
 * current value into `compare`. Strong CAS, as ck's cmpxchg. */
CK_CC_INLINE static bool ck_pr_cas_ptr(void *target, void *compare, void *set)
{
	return __atomic_compare_exchange_n((void **)target, &compare, set, false, WEIR__CKT_RMW,
	                                   WEIR__CKT_RMW);
}

CK_CC_INLINE static bool ck_pr_cas_ptr_value(void *target, void *compare, void *set, void *v)
{
	bool ok = __atomic_compare_exchange_n((void **)target, &compare, set, false, WEIR__CKT_RMW,
	                                      WEIR__CKT_RMW);

	*(void **)v = compare;
	return ok;
}

#define WEIR__CKT_CAS(S, T)                                                                        \
	CK_CC_INLINE static bool ck_pr_cas_##S(T *target, T compare, T set)                        \
	{                                                                                          \
		return __atomic_compare_exchange_n(target, &compare, set, false, WEIR__CKT_RMW,    \
		                                   WEIR__CKT_RMW);                                 \
	}                                                                                          \
	CK_CC_INLINE static bool ck_pr_cas_##S##_value(T *target, T compare, T set, T *v)          \
	{                                                                                          \
		bool ok = __atomic_compare_exchange_n(target, &compare, set, false, WEIR__CKT_RMW, \
		                                      WEIR__CKT_RMW);                              \
		*v = compare;                                                                      \
		return ok;                                                                         \
	}

WEIR__CKT_CAS(char, char)
WEIR__CKT_CAS(int, int)
WEIR__CKT_CAS(uint, unsigned int)
WEIR__CKT_CAS(64, uint64_t)
WEIR__CKT_CAS(32, uint32_t)
WEIR__CKT_CAS(16, uint16_t)
WEIR__CKT_CAS(8, uint8_t)
#undef WEIR__CKT_CAS

#ifndef CK_PR_DISABLE_DOUBLE
/* Compares bit patterns, as ck's cmpxchg on the double's bits does. */
CK_CC_INLINE static bool ck_pr_cas_double(double *target, double compare, double set)
{
	return __atomic_compare_exchange(target, &compare, &set, false, WEIR__CKT_RMW,
	                                 WEIR__CKT_RMW);
}

CK_CC_INLINE static bool ck_pr_cas_double_value(double *target, double compare, double set,
                                                double *v)
{
	bool ok = __atomic_compare_exchange(target, &compare, &set, false, WEIR__CKT_RMW,
	                                    WEIR__CKT_RMW);

	*v = compare;
	return ok;
}
#endif

/* ---- fetch-and-add, fetch-and-store, store-only RMWs ------------------ */

/* Pointers are RMW'd as uintptr_t, with the signatures of ck's x86-64
 * port (ck_pr_faa_ptr returns uintptr_t, ck_pr_fas_ptr void *). */
CK_CC_INLINE static uintptr_t ck_pr_faa_ptr(void *target, uintptr_t d)
{
	return __atomic_fetch_add((uintptr_t *)target, d, WEIR__CKT_RMW);
}

CK_CC_INLINE static void *ck_pr_fas_ptr(void *target, void *v)
{
	return __atomic_exchange_n((void **)target, v, WEIR__CKT_RMW);
}

#define WEIR__CKT_BIN(K, S, M, T, C)                                        \
	CK_CC_INLINE static void ck_pr_##K##_##S(M *target, T d)            \
	{                                                                   \
		(void)__atomic_fetch_##K((C *)target, (C)d, WEIR__CKT_RMW); \
	}

/* inc/dec/neg and their *_is_zero forms: is_zero reports whether the new
 * value is 0, as ck's "lock inc; setz". There is no fetch-and-negate
 * builtin, so neg is a CAS loop; its first load is relaxed because it is
 * only a guess that the seq_cst CAS validates. Plain neg and not come from
 * ck_pr.h. */
#define WEIR__CKT_UNARY(S, M, C)                                                       \
	CK_CC_INLINE static void ck_pr_inc_##S(M *target)                              \
	{                                                                              \
		(void)__atomic_fetch_add((C *)target, (C)1, WEIR__CKT_RMW);            \
	}                                                                              \
	CK_CC_INLINE static void ck_pr_dec_##S(M *target)                              \
	{                                                                              \
		(void)__atomic_fetch_sub((C *)target, (C)1, WEIR__CKT_RMW);            \
	}                                                                              \
	CK_CC_INLINE static bool ck_pr_inc_##S##_is_zero(M *target)                    \
	{                                                                              \
		return __atomic_add_fetch((C *)target, (C)1, WEIR__CKT_RMW) == 0;      \
	}                                                                              \
	CK_CC_INLINE static bool ck_pr_dec_##S##_is_zero(M *target)                    \
	{                                                                              \
		return __atomic_sub_fetch((C *)target, (C)1, WEIR__CKT_RMW) == 0;      \
	}                                                                              \
	CK_CC_INLINE static bool ck_pr_neg_##S##_is_zero(M *target)                    \
	{                                                                              \
		C old = __atomic_load_n((C *)target, __ATOMIC_RELAXED);                \
                                                                                       \
		while (!__atomic_compare_exchange_n((C *)target, &old, (C)-old, false, \
		                                    WEIR__CKT_RMW, __ATOMIC_RELAXED))  \
			;                                                              \
		return old == 0;                                                       \
	}

#define WEIR__CKT_ALL_RMW(S, M, T, C)  \
	WEIR__CKT_BIN(add, S, M, T, C) \
	WEIR__CKT_BIN(sub, S, M, T, C) \
	WEIR__CKT_BIN(and, S, M, T, C) \
	WEIR__CKT_BIN(or, S, M, T, C)  \
	WEIR__CKT_BIN(xor, S, M, T, C) \
	WEIR__CKT_UNARY(S, M, C)

WEIR__CKT_ALL_RMW(ptr, void, uintptr_t, uintptr_t)

#define WEIR__CKT_SCALAR(S, T)                                        \
	CK_CC_INLINE static T ck_pr_faa_##S(T *target, T d)           \
	{                                                             \
		return __atomic_fetch_add(target, d, WEIR__CKT_RMW);  \
	}                                                             \
	CK_CC_INLINE static T ck_pr_fas_##S(T *target, T v)           \
	{                                                             \
		return __atomic_exchange_n(target, v, WEIR__CKT_RMW); \
	}                                                             \
	WEIR__CKT_ALL_RMW(S, T, T, T)

WEIR__CKT_SCALAR(char, char)
WEIR__CKT_SCALAR(int, int)
WEIR__CKT_SCALAR(uint, unsigned int)
WEIR__CKT_SCALAR(64, uint64_t)
WEIR__CKT_SCALAR(32, uint32_t)
WEIR__CKT_SCALAR(16, uint16_t)
WEIR__CKT_SCALAR(8, uint8_t)
#undef WEIR__CKT_SCALAR
#undef WEIR__CKT_ALL_RMW
#undef WEIR__CKT_UNARY
#undef WEIR__CKT_BIN

/* ---- stall and fences ------------------------------------------------- */

CK_CC_INLINE static void ck_pr_stall(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
#endif
}

#define WEIR__CKT_FENCE(T)                                    \
	CK_CC_INLINE static void ck_pr_fence_strict_##T(void) \
	{                                                     \
		__atomic_thread_fence(__ATOMIC_SEQ_CST);      \
	}

WEIR__CKT_FENCE(atomic)
WEIR__CKT_FENCE(atomic_load)
WEIR__CKT_FENCE(atomic_store)
WEIR__CKT_FENCE(store_atomic)
WEIR__CKT_FENCE(load_atomic)
WEIR__CKT_FENCE(load)
WEIR__CKT_FENCE(load_store)
WEIR__CKT_FENCE(store)
WEIR__CKT_FENCE(store_load)
WEIR__CKT_FENCE(memory)
WEIR__CKT_FENCE(acquire)
WEIR__CKT_FENCE(release)
WEIR__CKT_FENCE(acqrel)
WEIR__CKT_FENCE(lock)
WEIR__CKT_FENCE(unlock)
#undef WEIR__CKT_FENCE

#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic pop
#endif

#endif /* WEIR_BASE_CK_PR_TSAN_H */
