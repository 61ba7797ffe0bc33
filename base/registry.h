/*
 * base/registry.h - the one handle registry of the library: every handle a
 * user holds (scheduler groups, streams, events, reporters, and the objects
 * of the layers above, such as the ACL facade's contexts and events) is an
 * encoded (generation, type, slot) value checked here before it is used.
 *
 * Self-contained: it depends only on base/atomic.h, base/alloc.h and
 * base/rcu.h, and knows nothing of what the objects are. The scheduler's own
 * types are fixed (WEIR_T_*); a layer above asks for type ids of its own with
 * weir__reg_type(), so the registry never learns what a "context" is.
 *
 * Handle layout (registry.c):
 *     bits 63..32  generation of the slot (never 0)
 *     bits 31..28  object type (1..15; 0 is never a type)
 *     bits 27..24  0xA (a tag, so that small integers are never handles)
 *     bits 23..0   slot index
 * A slot's generation is bumped every time the slot is recycled, so the
 * handle of a destroyed object never names the object that reuses its slot
 * (until the 32-bit generation of that one slot wraps, 2^32 reuses later).
 *
 * Lifetime of an object o (the caller embeds struct weir_obj):
 *   weir__reg_insert(o, type)   publish; o->handle is what the user holds
 *   weir__reg_lookup(h, type)   inside weir__rcu_read_lock(): o or NULL
 *   weir__reg_remove(o)         unpublish; true for exactly one caller
 *   weir__obj_retire(o, fn)     after a grace period: recycle the slot
 *                               (generation bumped), then fn(o) frees it
 *
 * Concurrency: insert, lookup, remove, retire and drain may run concurrently
 * from any threads. Lookup is lock-free; the others take the registry lock
 * briefly (never while the caller waits on anything).
 */
#ifndef WEIR_BASE_REGISTRY_H
#define WEIR_BASE_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/rcu.h"

/* The scheduler's own object types. Ids above WEIR_T_FIXED_LAST are handed
 * out by weir__reg_type() to the layers above. */
enum weir_obj_type {
	WEIR_T_GROUP = 1,
	WEIR_T_STREAM = 2,
	WEIR_T_EVENT = 3,
	WEIR_T_REPORTER = 4,
	WEIR_T_FIXED_LAST = 4,
	WEIR_T_MAX = 15, /* the type field has 4 bits */
};

/* Header of every object that users hold a handle to. */
struct weir_obj {
	uint64_t handle;                    /* I: the value users hold */
	uint32_t type;                      /* I */
	struct weir_rcu_head rcu;           /* for deferred free */
	void (*free_fn)(struct weir_obj *); /* set by weir__obj_retire */
};

/* A type id for objects of a layer above the scheduler, named `name` (a
 * string with static storage, for diagnostics). The same name always gets the
 * same id, so a layer may ask again after a re-initialization. Returns 0 when
 * all WEIR_T_MAX - WEIR_T_FIXED_LAST ids are taken. Thread-safe. */
uint32_t weir__reg_type(const char *name);

/* Publish `o` as an object of `type` and set o->handle. o must be fully
 * built: lookups may return it as soon as this returns. WEIR_OK, WEIR_ENOMEM
 * (no slot could be added) or WEIR_EINVAL (type out of range). */
int weir__reg_insert(struct weir_obj *o, uint32_t type);

/* Inside an RCU read-side section: the live object of that type named by
 * handle h, or NULL. Never dereferences h itself; a garbage, destroyed,
 * recycled-slot or wrong-type value gives NULL. The object stays readable
 * until weir__rcu_read_unlock(). */
struct weir_obj *weir__reg_lookup(const void *h, uint32_t type);

/* Unpublish: lookups that start afterwards fail. Returns true for the one
 * caller that removed it (a racing second destroy gets false). */
bool weir__reg_remove(struct weir_obj *o);

/* Recycle o's slot: call only after a grace period (from an RCU callback). */
void weir__reg_release(struct weir_obj *o);

/* Deferred free of a removed object: after a grace period, release the slot
 * and call fn(o). */
void weir__obj_retire(struct weir_obj *o, void (*fn)(struct weir_obj *));

/* Remove every live object of `type` and call fn(o, arg) on each removed one,
 * outside the registry lock (fn usually tears it down and retires it). For a
 * layer's teardown. Returns how many were removed. */
size_t weir__reg_drain(uint32_t type, void (*fn)(struct weir_obj *o, void *arg), void *arg);

/* The slot index a handle value names (its low 24 bits), for diagnostics and
 * white-box tests; says nothing about whether the handle is live. */
static inline uint32_t weir__reg_handle_slot(const void *h)
{
	return (uint32_t)((uint64_t)(uintptr_t)h & 0xFFFFFFu);
}

/* The type a handle value claims (bits 31..28); 0 for none. */
static inline uint32_t weir__reg_handle_type(const void *h)
{
	return (uint32_t)(((uint64_t)(uintptr_t)h >> 28) & 0xFu);
}

/* The opaque handle of an object, as the pointer type the API declares. */
#define WEIR__OBJ_HANDLE(objp) ((void *)(uintptr_t)((objp)->handle))
#define WEIR__HANDLE(o)        WEIR__OBJ_HANDLE(&(o)->obj)

#endif /* WEIR_BASE_REGISTRY_H */
