/*
 * base/registry.c - the handle registry (base/registry.h): every handle a
 * user holds, the scheduler's (group, stream, event, reporter) and those of
 * the layers above (ACL contexts and events, under type ids they obtained
 * from weir__reg_type()), is checked here before it is used.
 *
 * A handle is not a pointer. It encodes (generation, type, slot index):
 *
 *     bits 63..32  generation of the slot (never 0)
 *     bits 31..28  object type
 *     bits 27..24  0xA (a tag, so that small integers are never handles)
 *     bits 23..0   slot index
 *
 * Lookup decodes the index, finds the slot in a two-level table whose chunks
 * are published with release stores and never freed, loads the slot's object
 * pointer and accepts it only if the object's own (immutable) handle equals
 * the one given: slot, type and the slot's current generation. Garbage,
 * destroyed, recycled-slot, foreign or wrong-type handles therefore fail
 * without ever being dereferenced, and a stale handle never acts on the
 * object that now occupies its slot.
 *
 * Invariants:
 *  1. A slot's object pointer is set (release) only after the object is fully
 *     built, and cleared before the object is retired.
 *  2. Objects are freed only after an RCU grace period that began after their
 *     slot was cleared, so a reader inside weir__rcu_read_lock() that loaded
 *     the pointer can still read the object's header.
 *  3. A slot returns to the free list only after that same grace period, with
 *     its generation bumped, so a stale handle can never name a new object
 *     while a reader might still hold the old one.
 *  4. Chunks are never freed while the process runs; the table only grows.
 *  5. Type ids 1..WEIR_T_FIXED_LAST are the scheduler's; the others are
 *     handed out once per name by weir__reg_type() and never taken back, so
 *     a handle of one layer's type never validates as another's.
 */
#include "base/registry.h"

#include "base/alloc.h"
#include "base/atomic.h"
#include "base/die.h"
#include "weir/status.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REG_CHUNK_BITS 12u
#define REG_CHUNK      (1u << REG_CHUNK_BITS)
#define REG_DIR        4096u /* 16M slots */
#define REG_TAG        0xAu

struct reg_slot {
	_Atomic(struct weir_obj *) obj; /* A: published object or NULL */
	uint32_t gen;                   /* L(reg.lock) */
	uint32_t next_free;             /* L(reg.lock): free-list link (index + 1) */
};

static struct {
	pthread_mutex_t lock;
	_Atomic(struct reg_slot *) dir[REG_DIR]; /* A: chunks, published once */
	uint32_t nslots;                         /* L(lock): slots ever handed out */
	uint32_t free_head;                      /* L(lock): index + 1 of a free slot, 0 = none */
	const char *type_name[WEIR_T_MAX + 1];   /* L(lock): ids given by weir__reg_type() */
} reg = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void reg_lock(void)
{
	if (pthread_mutex_lock(&reg.lock))
		weir__die("pthread_mutex_lock");
}

static void reg_unlock(void)
{
	pthread_mutex_unlock(&reg.lock);
}

uint32_t weir__reg_type(const char *name)
{
	uint32_t id = 0;
	reg_lock();
	for (uint32_t t = WEIR_T_FIXED_LAST + 1; t <= WEIR_T_MAX; t++) {
		if (reg.type_name[t] && strcmp(reg.type_name[t], name) == 0) {
			id = t;
			break;
		}
		if (!reg.type_name[t]) {
			reg.type_name[t] = name;
			id = t;
			break;
		}
	}
	WEIR_ASSERT(id == 0 || (id > WEIR_T_FIXED_LAST && id <= WEIR_T_MAX),
	            "registry.c inv 5: named type ids lie above the scheduler's");
	reg_unlock();
	return id;
}

static struct reg_slot *reg_slot_of(uint32_t idx)
{
	/* REG-A1: acquire - sees the zeroed chunk; pairs with REG-R1 in reg_take_locked(). */
	struct reg_slot *chunk = weir_load_acquire(&reg.dir[idx >> REG_CHUNK_BITS]);
	return chunk ? &chunk[idx & (REG_CHUNK - 1)] : NULL;
}

/* Called with reg.lock held. Returns a free slot index or -1. */
static int64_t reg_take_locked(void)
{
	if (reg.free_head) {
		uint32_t idx = reg.free_head - 1;
		struct reg_slot *s = reg_slot_of(idx);
		WEIR_ASSERT(s && weir_load_relaxed(&s->obj) == NULL,
		            "registry.c inv 1/3: a slot on the free list publishes no object");
		WEIR_ASSERT(s->gen != 0,
		            "registry.c inv 3: a released slot's generation is never 0");
		reg.free_head = s->next_free;
		return idx;
	}
	if (reg.nslots >= REG_DIR * REG_CHUNK)
		return -1;
	uint32_t idx = reg.nslots;
	if ((idx & (REG_CHUNK - 1)) == 0) {
		struct reg_slot *chunk = weir__calloc(REG_CHUNK, sizeof(*chunk));
		if (!chunk)
			return -1;
		/* REG-R1: release - publishes the zeroed chunk; pairs with REG-A1. */
		weir_store_release(&reg.dir[idx >> REG_CHUNK_BITS], chunk);
	}
	reg.nslots++;
	return idx;
}

int weir__reg_insert(struct weir_obj *o, uint32_t type)
{
	if (type == 0 || type > WEIR_T_MAX)
		return WEIR_EINVAL;
	reg_lock();
	int64_t idx = reg_take_locked();
	if (idx < 0) {
		reg_unlock();
		return WEIR_ENOMEM;
	}
	struct reg_slot *s = reg_slot_of((uint32_t)idx);
	if (s->gen == 0)
		s->gen = 1;
	WEIR_ASSERT(weir_load_relaxed(&s->obj) == NULL, "registry.c inv 1: a taken slot is empty");
	o->type = type;
	o->handle = ((uint64_t)s->gen << 32) | ((uint64_t)type << 28) | ((uint64_t)REG_TAG << 24) |
	            (uint64_t)idx;
	/* REG-R2: release - publishes the built object (invariant 1); pairs with
	 * REG-A2 in weir__reg_lookup(). */
	weir_store_release(&s->obj, o);
	WEIR_ASSERT((o->handle >> 32) != 0 &&
	                    weir__reg_handle_slot((const void *)(uintptr_t)o->handle) ==
	                            (uint32_t)idx,
	            "registry.c: a handle names its slot with a generation >= 1");
	reg_unlock();
	return WEIR_OK;
}

struct weir_obj *weir__reg_lookup(const void *hp, uint32_t type)
{
	uint64_t h = (uint64_t)(uintptr_t)hp;
	if (type == 0 || ((h >> 24) & 0xF) != REG_TAG || ((h >> 28) & 0xF) != type ||
	    (h >> 32) == 0)
		return NULL;
	uint32_t idx = weir__reg_handle_slot(hp);
	if ((idx >> REG_CHUNK_BITS) >= REG_DIR)
		return NULL;
	struct reg_slot *s = reg_slot_of(idx);
	if (!s)
		return NULL;
	/* REG-A2: acquire - sees the built object; pairs with REG-R2. */
	struct weir_obj *o = weir_load_acquire(&s->obj);
#ifdef WEIR_BUSTED_NO_GENERATION_CHECK
	/* Planted bug (testing the tests): the generation is not compared, so
	 * a stale handle names whatever object now occupies its slot. */
	if (!o || (uint32_t)o->handle != (uint32_t)h)
		return NULL;
#else
	/* The whole value: slot, type and the slot's current generation. */
	if (!o || o->handle != h)
		return NULL;
#endif
	WEIR_ASSERT(o->type == type,
	            "registry.c inv 5: a handle validates only as its object's type");
	return o;
}

bool weir__reg_remove(struct weir_obj *o)
{
	uint32_t idx = weir__reg_handle_slot(WEIR__OBJ_HANDLE(o));
	bool removed = false;
	reg_lock();
	struct reg_slot *s = reg_slot_of(idx);
	if (s && weir_load_relaxed(&s->obj) == o) {
		/* Relaxed: readers that still see o are covered by the grace
		 * period the caller waits for before freeing (invariant 2). */
		weir_store_relaxed(&s->obj, NULL);
		removed = true;
	}
	reg_unlock();
	return removed;
}

void weir__reg_release(struct weir_obj *o)
{
	uint32_t idx = weir__reg_handle_slot(WEIR__OBJ_HANDLE(o));
	reg_lock();
	struct reg_slot *s = reg_slot_of(idx);
	WEIR_ASSERT(s != NULL, "registry.c inv 4: chunks are never freed");
	WEIR_ASSERT(weir_load_relaxed(&s->obj) != o,
	            "registry.c inv 1/3: a slot is cleared before it returns to the free list");
	WEIR_ASSERT((uint32_t)(o->handle >> 32) == s->gen,
	            "registry.c inv 3: a slot is released once per object (generation unchanged "
	            "since insert)");
	uint32_t old_gen = s->gen;
	s->gen = s->gen + 1 ? s->gen + 1 : 1; /* invariant 3; 0 is never a generation */
	WEIR_ASSERT(s->gen != 0 && s->gen != old_gen,
	            "registry.c inv 3: the generation moves on and is never 0");
	(void)old_gen;
	s->next_free = reg.free_head;
	reg.free_head = idx + 1;
	reg_unlock();
}

static void weir_obj_retire_cb(struct weir_rcu_head *h)
{
	struct weir_obj *o = caa_container_of(h, struct weir_obj, rcu);
	weir__reg_release(o);
	o->free_fn(o);
}

void weir__obj_retire(struct weir_obj *o, void (*fn)(struct weir_obj *))
{
#ifdef WEIR_DEBUG_INVARIANTS
	{
		struct reg_slot *s = reg_slot_of(weir__reg_handle_slot(WEIR__OBJ_HANDLE(o)));
		/* Relaxed: the slot was cleared by this thread or before the
		 * reference that brought us here was dropped (acq_rel). */
		WEIR_ASSERT(s && weir_load_relaxed(&s->obj) != o,
		            "registry.c inv 1: an object is unpublished before it is retired");
	}
#endif
	o->free_fn = fn;
	weir__rcu_call(&o->rcu, weir_obj_retire_cb);
}

size_t weir__reg_drain(uint32_t type, void (*fn)(struct weir_obj *o, void *arg), void *arg)
{
	size_t total = 0;
	uint32_t idx = 0;
	if (type == 0 || type > WEIR_T_MAX)
		return 0;
	for (;;) {
		struct weir_obj *batch[64];
		size_t n = 0;
		reg_lock();
		for (; idx < reg.nslots && n < 64; idx++) {
			struct reg_slot *s = reg_slot_of(idx);
			/* Relaxed: published objects are inserted and removed
			 * under the lock we hold, so o is live and its I: fields
			 * are visible (invariant 1). */
			struct weir_obj *o = weir_load_relaxed(&s->obj);
			if (o && o->type == type) {
				weir_store_relaxed(&s->obj, NULL); /* as weir__reg_remove() */
				batch[n++] = o;
			}
		}
		reg_unlock();
		if (n == 0)
			break;
		total += n;
		for (size_t i = 0; i < n; i++)
			fn(batch[i], arg);
	}
	return total;
}
