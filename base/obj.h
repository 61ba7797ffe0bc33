/*
 * base/obj.h - THE lifecycle of an object users hold a handle to:
 * create / get / put / destroy with deferred reclamation, over the one
 * registry (base/registry.h) and RCU (base/rcu.h).
 *
 * An object type T embeds `struct weir_obj obj` and `_Atomic uint32_t refs`
 * (where it sits in T is T's choice: a hot refcount may want its own cache
 * line). WEIR_OBJ_DEFINE(p, T, H, type_id, free_fn) generates, static inline
 * (H is the public handle type, an opaque struct that is never defined, e.g.
 * struct weir_stream_handle for weir_stream_t; `void` where the public type is
 * void *, as in the ACL facade):
 *
 *   p_lookup(h)       inside weir__rcu_read_lock(): the live T named by h, or
 *                     NULL (stale, recycled, garbage or wrong-type handle)
 *   p_get(h)          lookup + a reference, RCU entered and left here
 *   p_handle(x)       the handle users hold for x, as H * (the one way an
 *                     object becomes a handle; no cast at the call sites)
 *   p_ref(x)          one more reference (the caller holds one, or found x
 *                     published under RCU: invariant O2)
 *   p_tryref(x)       a reference unless the count already reached zero
 *                     (for a type whose destroy puts without a grace period)
 *   p_put(x)          drop one; the last put retires x: after a grace period
 *                     its slot is recycled (generation bumped) and
 *                     free_fn(&x->obj) frees it
 *
 * Lifecycle:
 *   create    build x, weir__ref_init(&x->refs) (the handle's reference),
 *             weir__reg_insert(&x->obj, type_id)
 *   destroy   weir__reg_remove(&x->obj) (true for exactly one caller), tear
 *             down, then p_put(x) for the handle's reference
 *
 * Invariants:
 *  O1. refs counts the handle's reference (from create until the destroyer's
 *      put) plus one per holder; it never goes below zero (checked under
 *      WEIR_DEBUG_INVARIANTS), and the put that takes it to zero is the only
 *      one that retires x, so x is retired exactly once.
 *  O2. p_get / p_ref on an object found published under RCU is a relaxed
 *      increment, correct only while refs >= 1 is guaranteed: the type's
 *      destroy drops the handle's reference after a grace period that
 *      follows weir__reg_remove (groups, streams, reporters). A type whose
 *      destroy puts at once (events) takes references with p_tryref, whose
 *      CAS never revives a count that reached zero.
 *  O3. The last put is acq_rel (OR1): every holder's writes happen before
 *      free_fn; retirement waits a grace period, so a reader that looked x
 *      up before the remove still reads valid memory until it leaves RCU.
 */
#ifndef WEIR_BASE_OBJ_H
#define WEIR_BASE_OBJ_H

#include "base/atomic.h"
#include "base/die.h"
#include "base/rcu.h"
#include "base/registry.h"

static inline void weir__ref_init(_Atomic uint32_t *refs)
{
	atomic_init(refs, 1);
}

static inline void weir__ref_get(_Atomic uint32_t *refs)
{
	/* relaxed: the caller holds a reference or RCU (O2); taking one
	 * publishes nothing. */
	uint32_t old = weir_faa_relaxed(refs, 1);
	WEIR_ASSERT(old != 0, "obj.h O2: a reference taken on a dead object");
	(void)old;
}

static inline bool weir__ref_get_unless_zero(_Atomic uint32_t *refs)
{
	uint32_t old = weir_load_relaxed(refs);
	do {
		if (old == 0)
			return false;
		/* relaxed: as weir__ref_get; RCU keeps the memory (O2). */
	} while (!weir_cas_relaxed(refs, &old, old + 1));
	return true;
}

/* Drop one reference; true for the put that dropped the last one. */
static inline bool weir__ref_put(_Atomic uint32_t *refs)
{
	/* OR1: acq_rel - the last holder sees every other holder's writes
	 * before it retires the object (O3); pairs with the other puts. */
	uint32_t old = weir_fas_acqrel(refs, 1);
	WEIR_ASSERT(old != 0, "obj.h O1: refcount below zero");
	return old == 1;
}

/* The handle argument is `const H *`, not `const void *`, so that passing an
 * internal object (T *) where a handle is expected does not compile. */
#define WEIR_OBJ_DEFINE(p, T, H, type_id, free_fn)                    \
	static inline T *p##_lookup(const H *h)                       \
	{                                                             \
		struct weir_obj *o_ = weir__reg_lookup(h, (type_id)); \
		return o_ ? caa_container_of(o_, T, obj) : NULL;      \
	}                                                             \
	static inline H *p##_handle(const T *x)                       \
	{                                                             \
		return (H *)WEIR__HANDLE(x);                          \
	}                                                             \
	static inline void p##_ref(T *x)                              \
	{                                                             \
		weir__ref_get(&x->refs);                              \
	}                                                             \
	static inline bool p##_tryref(T *x)                           \
	{                                                             \
		return weir__ref_get_unless_zero(&x->refs);           \
	}                                                             \
	static inline T *p##_get(const H *h)                          \
	{                                                             \
		weir__rcu_read_lock();                                \
		T *x_ = p##_lookup(h);                                \
		if (x_)                                               \
			p##_ref(x_);                                  \
		weir__rcu_read_unlock();                              \
		return x_;                                            \
	}                                                             \
	static inline void p##_put(T *x)                              \
	{                                                             \
		if (weir__ref_put(&x->refs))                          \
			weir__obj_retire(&x->obj, (free_fn));         \
	}

#endif /* WEIR_BASE_OBJ_H */
