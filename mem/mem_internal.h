/*
 * mem/mem_internal.h - the device allocator's private structures.
 *
 * Guard legend for shared fields (Linux workqueue.c style):
 *   I: immutable after creation          O: owning thread only
 *   A: atomic (each access says its order) L(x): protected by lock x
 *   R: read lock-free with acquire, written under a lock with release
 *
 * Layout. One mmap reservation holds every arena of a weir_mem_t: arena i
 * (device i, and arena `ndev` for pinned host memory) starts at
 * base + i * stride, stride = 2^stride_shift >= capacity. So the arena of a
 * pointer is one shift, its 64 KiB page one more, and the page map entry
 * says what the page holds:
 *     0                       free space (inside a free run), never used, or
 *                             past the arena's capacity (inside its stride)
 *     slab | MEM_PM_SLAB      a size-class slab (permanent once set); in the
 *                             pinned host arena slab | MEM_PM_SLAB | MEM_PM_HOST
 *     run  | MEM_PM_LIVE      a page of a live large run, or of a freed one
 *                             kept whole for reuse (run->live false; arena.c
 *                             invariant 7) - every page of it
 *     run  | MEM_PM_FREE      first or last page of a free run
 *
 * The page maps of all arenas are one array (m->pmap, span >> 16 entries;
 * a->pmap points at arena a's part), so a free finds a slab from the
 * address with one subtraction, one shift and one load.
 *
 * Small objects (<= MEM_SMALL_MAX) live in slabs. Per object there is one
 * out-of-band word meta[i] (meta[nobj] is a permanent 0: the tail past the
 * last object is freed space):
 *     0                               free: in a bin, a batch node, or uncarved
 *     LIVE | owner << 19 | size       allocated (size = requested bytes)
 *     PEND | owner << 19 | size       freed by a thread other than its owner,
 *                                     on its way back to the owner (not live)
 * The owner is the id of the thread cache (mem_tarena) whose bin the object
 * was allocated from; 0 means "no id" (more than MEM_OWNER_MAX caches).
 * Objects travel: slab carve -> thread cache -> user (LIVE) -> back into the
 * owner's bin (freed by the owner, or PEND through the freeing thread's
 * outbox and the owner's inbox) -> central batch stack -> some thread cache.
 * Owner-less objects go into the freeing thread's bin (one CAS).
 *
 * Lock order: central carve_lock -> arena lock -> pool grow lock;
 * the global tcache lock (mem_tc_glock) -> pool grow lock (a thread's exit
 * drains its inbox under mem_tc_glock, and a central push may grow the
 * node pool); mem_tc_glock is never taken while any other is held.
 */
#ifndef WEIR_MEM_INTERNAL_H
#define WEIR_MEM_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "weir/mem.h"
#include "base/atomic.h"

#define MEM_PAGE_SHIFT     16u /* 64 KiB pages */
#define MEM_PAGE           ((size_t)1 << MEM_PAGE_SHIFT)
#define MEM_HUGE_SHIFT     21u /* 2 MiB */
#define MEM_HUGE           ((size_t)1 << MEM_HUGE_SHIFT)
#define MEM_HUGE_PAGES     (MEM_HUGE >> MEM_PAGE_SHIFT)
#define MEM_SMALL_MAX      ((size_t)256 << 10)
#define MEM_NCLASSES       48u
#define MEM_BATCH_MAX      32u
#define MEM_CACHE_MAX      (2u * MEM_BATCH_MAX)
#define MEM_NBINS          96u
#define MEM_QUICK_PAGES    64u /* runs of up to 4 MiB are kept for reuse ... */
#define MEM_QUICK_DEPTH    4u  /* ... at most this many of each page count */
#define MEM_SLAB_MAX_SHIFT 21u /* a slab spans < 2^21 bytes... */
_Static_assert(((MEM_SMALL_MAX * 8 + (1u << MEM_PAGE_SHIFT) - 1) >>
                MEM_PAGE_SHIFT << MEM_PAGE_SHIFT) <= ((size_t)1 << MEM_SLAB_MAX_SHIFT),
               "... and object sizes are <= 2^18 (weir__mem_class_pages)");
#define MEM_MIN_CAPACITY ((uint64_t)MEM_HUGE)
/* One weir_mem_t reserves at most 2^MEM_SPAN_MAX_SHIFT bytes of address
 * space: (devices + 1) strides, a stride the capacity rounded up to a power
 * of two. So one arena (device or pinned host) holds at most half of it,
 * whatever the device count; weir_mem_create_ex() refuses more before any
 * size arithmetic, and every shift below stays < 64. */
#define MEM_SPAN_MAX_SHIFT 46u
#define MEM_MAX_CAPACITY   ((uint64_t)1 << (MEM_SPAN_MAX_SHIFT - 1))
_Static_assert(MEM_SPAN_MAX_SHIFT < 64 && (MEM_MAX_CAPACITY >> 16) <= UINT32_MAX / 2,
               "page indices of one arena fit 31 bits");

#define MEM_PM_SLAB   ((uintptr_t)1)
#define MEM_PM_LIVE   ((uintptr_t)2)
#define MEM_PM_FREE   ((uintptr_t)3)
#define MEM_PM_TAG    ((uintptr_t)3)
#define MEM_PM_HOST   ((uintptr_t)4) /* with MEM_PM_SLAB: pinned host arena */
#define MEM_PM_KIND   ((uintptr_t)7) /* tag and host bit */
#define MEM_PM_PTR(e) ((e) & ~MEM_PM_KIND)

#define MEM_OBJ_LIVE    UINT32_C(0x80000000)
#define MEM_OBJ_PEND    UINT32_C(0x40000000)
#define MEM_OWNER_SHIFT 19u
#define MEM_OWNER_MAX   2047u
#define MEM_OBJ_OWNER   ((uint32_t)MEM_OWNER_MAX << MEM_OWNER_SHIFT)
#define MEM_OBJ_SIZE    UINT32_C(0x7FFFF)
#define MEM_OBJ_STATE   (MEM_OBJ_LIVE | MEM_OBJ_PEND | MEM_OBJ_OWNER)
_Static_assert(MEM_SMALL_MAX <= MEM_OBJ_SIZE, "a requested small size fits the meta word");
_Static_assert((MEM_OBJ_OWNER & (MEM_OBJ_LIVE | MEM_OBJ_PEND | MEM_OBJ_SIZE)) == 0,
               "meta word fields are disjoint");
static inline uint32_t weir__mem_meta_owner(uint32_t v)
{
	return (v & MEM_OBJ_OWNER) >> MEM_OWNER_SHIFT;
}

#define MEM_POISON_FREE 0xDB
#define MEM_POISON_NEW  0xA5

/* A size-class slab: a run of pages cut into equal objects. Permanent: once
 * published in the page map it is never freed or changed before destroy. */
struct mem_slab {
	char *base;                /* I */
	uint64_t recip;            /* I: floor(2^40 / size) + 1, for offset / size */
	uint64_t key;              /* I: weir__mem_key(m, ai), compared with weir__mem_tl.key */
	uint32_t cls;              /* I */
	uint32_t size;             /* I: object size */
	uint32_t bmax16;           /* I: 2 * batch(cls) * 16: w & MEM_W_N of a full bin */
	uint32_t boff;             /* I: offsetof(struct mem_tarena, bin[cls]) */
	uint32_t nobj;             /* I */
	uint32_t npages;           /* I */
	uint32_t ai;               /* I: index of the arena in m->arenas */
	struct mem_slab *all_next; /* L(arena lock): every slab, for destroy */
	_Atomic uint32_t meta[];   /* A: see the top of this file; nobj + 1
	                              words, meta[nobj] stays 0 */
};

/* A large run of pages, live or free. */
struct mem_run {
	uint32_t first;              /* L(arena lock): first page index */
	uint32_t npages;             /* L */
	bool live;                   /* L */
	bool huge;                   /* L: 2 MiB aligned, MADV_HUGEPAGE */
	bool cached;                 /* L: freed, kept whole on a quick list (arena.c inv. 7) */
	uint32_t bin;                /* L: bin index while free */
	size_t req;                  /* L: requested size while live */
	struct mem_run *prev, *next; /* L: bin list while free; quick list while
	                                 cached; spare list */
	struct mem_run *all_next;    /* L: every descriptor, for destroy */
};

/* A cached free object and its meta word (so an alloc needs no page-map
 * lookup). */
struct mem_tslot {
	char *p;
	_Atomic uint32_t *meta;
};

/* A batch of small objects with their meta words: free ones on a central
 * stack (a refill copies the pairs as they are), or PEND ones in an outbox
 * or inbox (then req[i] is the size the remote free saw). */
struct mem_batch {
	_Atomic uint32_t next; /* A: index+1 of the next node; read by racing poppers */
	uint32_t n;            /* owned by whoever holds the node */
	struct mem_tslot o[MEM_BATCH_MAX];
	uint32_t req[MEM_BATCH_MAX];
};

/* Treiber stack of batch-node indices. head = tag << 32 | (index + 1). */
struct mem_stack {
	weir_cacheline_aligned _Atomic uint64_t head; /* A */
};

struct mem_central {
	struct mem_stack full; /* A: full batches of this class */
	pthread_mutex_t carve_lock;
	struct mem_slab *carving; /* L(carve_lock) */
	uint32_t carve_next;      /* L(carve_lock) */
};

struct mem_arena {
	char *base;              /* I */
	uint64_t capacity;       /* I: bytes */
	uint32_t npages;         /* I */
	uint32_t id;             /* I: device id or WEIR_MEM_HOST */
	_Atomic uintptr_t *pmap; /* I (pointer) / R (entries): this arena's part
	                                  of m->pmap, npages entries used */
	weir_cacheline_aligned pthread_mutex_t lock;
	struct mem_run *bins[MEM_NBINS]; /* L(lock) */
	uint64_t binmask[2];             /* L(lock): non-empty bins */
	struct mem_run *spare;           /* L(lock): recycled descriptors */
	/* L(lock): freed runs kept whole for reuse, by page count (inv. 7) */
	struct mem_run *quick[MEM_QUICK_PAGES + 1];
	uint8_t quick_n[MEM_QUICK_PAGES + 1];
	uint64_t quick_bytes, quick_cap;
	struct mem_run *all_runs;   /* L(lock) */
	struct mem_slab *all_slabs; /* L(lock) */
	uint64_t *committed;        /* L(lock): bit per 2 MiB chunk */
	uint64_t *advised;          /* L(lock): MADV_HUGEPAGE done, per chunk */
	/* Counters of the large path and of the slow paths. */
	/* A, written under `lock` with a relaxed load+store (LOCKED_ADD in
	 * arena.c; syscalls also once by weir_mem_create_ex), read relaxed by
	 * weir_mem_info */
	_Atomic int64_t large_in_use, large_footprint, large_live;
	_Atomic uint64_t large_allocs, large_frees, huge_allocs;
	_Atomic uint64_t committed_bytes, syscalls;
	_Atomic uint64_t failed_allocs, bad_frees; /* A: relaxed RMW from any thread */
	_Atomic uint64_t lost_objects;             /* A: see central_put() in cache.c */
	/* Small frees accounted here when the thread has no cache (host heap
	 * exhausted); caches are otherwise adopted, never dissolved. */
	_Atomic int64_t small_adjust_in_use, small_adjust_footprint, small_adjust_live;
	struct mem_central central[MEM_NCLASSES];
};

/* Per-thread, per-arena cache (a "tarena"). The owning thread writes
 * everything but the inbox; the counters are read by weir_mem_info() from
 * other threads (relaxed), so the owner updates them with a relaxed load
 * and store (no RMW).
 *
 * Counting with one fast-path word per bin: w = allocs << 12 | n * 16 (n <=
 * 64 objects in the bin, kept as the byte offset of slot[n]), so an alloc
 * is w += 4096 - 16 and a free w += 16. Every
 * alloc pops one object from the bin of its class and every owner free
 * pushes one, so per bin
 *     live objects counted here = net - n - xfree
 * where net (objects that entered the bin by refill, drain or a corrected
 * race, minus those that left by flush) and xfree (objects this cache freed
 * for another owner) change only on the slow paths. Requested bytes follow
 * from slack = sum over those objects of (class size - requested size),
 * which changes only when a request is not a whole class size:
 *     in_use = sum over bins of (live * class size - slack).
 * info derives live, frees (= allocs - live), footprint and in_use. */
#define MEM_W_SLOT  ((uint64_t)sizeof(struct mem_tslot))
#define MEM_W_N     UINT64_C(0xFFF) /* n * MEM_W_SLOT */
#define MEM_W_ALLOC UINT64_C(0x1000)
struct mem_tbin {
	_Atomic uint64_t w;    /* A: allocs << 12 | n * 16; owner load+store */
	_Atomic int64_t net;   /* A: owner load+store */
	_Atomic int64_t slack; /* A: owner load+store */
	_Atomic int64_t xfree; /* A: owner load+store */
	uint32_t csize;        /* I: the class size (a copy beside w for the fast alloc) */
	uint32_t pad[3];
	struct mem_tslot slot[MEM_CACHE_MAX]; /* O: n of them hold objects */
};
_Static_assert(MEM_CACHE_MAX *MEM_W_SLOT <= MEM_W_N, "n * 16 fits the low bits of w");
static inline uint32_t weir__mem_w_n(uint64_t w)
{
	return (uint32_t)((w & MEM_W_N) / MEM_W_SLOT);
}
/* &b->slot[k] for a byte offset off = k * 16 taken from w */
static inline struct mem_tslot *weir__mem_slot_at(struct mem_tbin *b, uint64_t off)
{
	return (struct mem_tslot *)((char *)b->slot + off);
}

struct mem_tarena {
	uint32_t id;        /* I: owner id, 1..MEM_OWNER_MAX, or 0 */
	uint32_t out_idx;   /* O: outbox node index, or UINT32_MAX */
	uint32_t out_owner; /* O: the owner id the outbox is for */
	uint32_t spare;     /* O: an empty node kept from the last
	                                  refill for the next flush, or UINT32_MAX */
	struct mem_tbin bin[MEM_NCLASSES];
	char pad1[64];
	/* A: Treiber stack (mem_stack format) of batch nodes that other threads
	 * filled with our PEND objects; they push (CACHE-R2), we take all (CACHE-A2). */
	_Atomic uint64_t inbox;
	char pad2[56];
};

struct mem_tcache {
	_Atomic(struct weir_mem *) mem;         /* A: NULL once the mem is destroyed */
	struct mem_tcache *thread_next;         /* O: the owning thread's list */
	struct mem_tcache *reg_prev, *reg_next; /* L(mem_tc_glock) */
	bool orphan;                            /* L(mem_tc_glock): owner thread exited */
	uint32_t narenas;                       /* I */
	/* O: written by the owner (release), read by weir_mem_info (acquire) */
	_Atomic(struct mem_tarena *) arena[];
};

struct weir_mem {
	weir_runtime_t *rt;      /* I: may be NULL */
	uint32_t ndev;           /* I */
	uint32_t narenas;        /* I: ndev + 1 (pinned host) */
	uint32_t stride_shift;   /* I */
	bool debug;              /* I */
	char *base;              /* I: start of the reservation */
	size_t span;             /* I: narenas << stride_shift */
	_Atomic uintptr_t *pmap; /* I (pointer) / R (entries): span >> 16 entries */
	void *map;               /* I: what mmap returned */
	size_t map_len;          /* I */
	/* Batch-node pool. */
	struct mem_stack free_nodes; /* A */
	pthread_mutex_t pool_lock;
	_Atomic(struct mem_batch *) *chunks; /* R: chunk table */
	uint32_t nchunks;                    /* L(pool_lock) */
	uint64_t reserved;                   /* L(pool_lock): nodes promised to slabs */
	uint32_t chunk_cap;                  /* I */
	/* Thread caches registered on this mem (list head), and adopted. */
	struct mem_tcache *tcaches;  /* L(mem_tc_glock) */
	uint64_t key;                /* I: unique id << 33 (repeats after 2^31 creations) */
	_Atomic uint32_t next_owner; /* A: relaxed; owner ids handed out */
	/* R: owner id -> its tarena, MEM_OWNER_MAX + 1 entries; written once
	 * with release (CACHE-R5) before the id stamps any object, read with
	 * acquire (CACHE-A5) by remote frees. */
	_Atomic(struct mem_tarena *) *owners;
	struct mem_arena *arenas; /* I: narenas entries */
};

/* The key of arena ai of m: unique id << 33 | host bit << 32 | ai. A device
 * key is m->key | dev for any 32-bit dev, so no dev value - ndev included -
 * can match the pinned host arena's key. */
#define MEM_KEY_HOST ((uint64_t)1 << 32)
static inline uint64_t weir__mem_key(const struct weir_mem *m, uint32_t ai)
{
	return m->key | (ai == m->ndev ? MEM_KEY_HOST : 0) | ai;
}

/* Size classes (cache.c). */
extern const uint32_t weir__mem_class_size[MEM_NCLASSES];
/* (size + 63) / 64 -> class; written once under pthread_once by
 * weir__mem_global_init(), before any weir_mem_t exists. */
extern uint8_t weir__mem_class_tab[(MEM_SMALL_MAX >> 6) + 1];
static inline uint32_t weir__mem_class_of(size_t size) /* size <= MEM_SMALL_MAX */
{
	return weir__mem_class_tab[(size + 63) >> 6];
}
/* (size - 1) >> 6 -> offsetof(struct mem_tarena, bin[class of size]), for
 * the fast alloc (no multiply). Written with weir__mem_class_tab. */
extern uint32_t weir__mem_bin_tab[(MEM_SMALL_MAX >> 6) + 1];
uint32_t weir__mem_class_batch(uint32_t cls);
uint32_t weir__mem_class_pages(uint32_t cls);

static inline struct mem_arena *weir__mem_arena_of(struct weir_mem *m, const void *p)
{
	uintptr_t off = (uintptr_t)p - (uintptr_t)m->base;
	if (off >= m->span)
		return NULL;
	struct mem_arena *a = &m->arenas[off >> m->stride_shift];
	if ((uintptr_t)p - (uintptr_t)a->base >= a->capacity)
		return NULL;
	return a;
}

static inline uint32_t weir__mem_arena_index(struct weir_mem *m, struct mem_arena *a)
{
	return (uint32_t)(a - m->arenas);
}

/* arena.c: large runs and slab pages. All return WEIR_* codes. */
int weir__mem_arena_init(struct weir_mem *m, struct mem_arena *a, uint32_t id, char *base,
                         uint64_t capacity);
void weir__mem_arena_fini(struct mem_arena *a);
int weir__mem_large_alloc(struct weir_mem *m, struct mem_arena *a, size_t size, int policy,
                          void **out);
int weir__mem_large_free(struct weir_mem *m, struct mem_arena *a, void *p);
/* A new slab of class cls, published in the page map. */
int weir__mem_slab_new(struct weir_mem *m, struct mem_arena *a, uint32_t cls,
                       struct mem_slab **out);
/* Classify p inside arena a (p known to lie in a). */
void weir__mem_arena_classify(struct weir_mem *m, struct mem_arena *a, const void *p,
                              weir_mem_ptrinfo_t *info);
/* Failure-injection hook for the system-call paths (mmap/mprotect/madvise):
 * consumes one weir__malloc so weir__failpoint_arm() reaches them. */
int weir__mem_sys_failpoint(void);

/* cache.c: the small-object path (general paths: see the fast paths below). */
/* Reserve batch nodes so that flushing the objects of a new slab never
 * needs an allocation. */
int weir__mem_pool_reserve(struct weir_mem *m, uint32_t nodes);
void weir__mem_caches_detach(struct weir_mem *m);
struct mem_sums {
	int64_t in_use, footprint, live;
	uint64_t allocs, frees;
};
void weir__mem_caches_sum(struct weir_mem *m, uint32_t arena, struct mem_sums *s);
void weir__mem_global_init(void);
void weir__mem_pool_fini(struct weir_mem *m);

/* ------------------------------------------------------------------------ */
/* Small-object fast paths (inlined into mem.c's entry points)               */
/* ------------------------------------------------------------------------ */

#define MEM_LIKELY(x)   __builtin_expect(!!(x), 1)
#define MEM_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* O: the calling thread's most recently used cache (cache.c). initial-exec:
 * one %fs-relative load, no __tls_get_addr call, also in libweir.so. */
extern _Thread_local struct mem_tcache *weir__mem_tl_last
        __attribute__((tls_model("initial-exec")));

/* O: the calling thread's fast-path tarena: key = weir__mem_key() of the
 * (mem, arena) pair it serves, 0 for none. Installed by the general
 * paths only for tarenas with an owner id, never for a debug mem (which
 * always takes the general paths: poisoning). A key is not reused before
 * 2^31 further weir_mem_create_ex() calls, so a key left behind by a
 * destroyed mem does not match a later one. */
struct mem_tls {
	uint64_t key;
	struct mem_tarena *ta;
	uint32_t tag; /* MEM_OBJ_LIVE | ta->id << MEM_OWNER_SHIFT */
};
extern _Thread_local struct mem_tls weir__mem_tl __attribute__((tls_model("initial-exec")));

/* Owner-only counter update: a relaxed load and store, no RMW (only the
 * owning thread writes; readers tolerate a recent value). */
#define TA_ADD(field, v) weir_store_relaxed(&(field), weir_load_relaxed(&(field)) + (v))

/* The general paths (cache.c): every case, including the ones the fast
 * paths below hand over before they changed anything. */
int weir__mem_small_alloc(struct weir_mem *m, struct mem_arena *a, size_t size, void **out);
int weir__mem_small_free(struct weir_mem *m, struct mem_arena *a, struct mem_slab *s, void *p);
/* weir_mem_flush(): hand on this thread's outboxes, drain its inboxes. */
void weir__mem_caches_flush(struct weir_mem *m);

/* Allocation from the thread's bin, once the caller found that
 * weir__mem_tl.key names the (mem, arena) pair it wants: no lock, no
 * atomic RMW, no page-map lookup. An object in a bin is owned by that bin
 * alone (cache.c invariants 5 and 6), so its meta word goes 0 ->
 * LIVE|owner|size with a plain store. Returns false (nothing changed) when
 * the bin is empty. */
static inline bool weir__mem_small_alloc_fast(size_t size, void **out)
{
	struct mem_tls *t = &weir__mem_tl;
	/* (size - 1) >> 6: the caller's range test computed size - 1 already */
	struct mem_tbin *b =
	        (struct mem_tbin *)((char *)t->ta + weir__mem_bin_tab[(size - 1) >> 6]);
	uint64_t w = weir_load_relaxed(&b->w); /* relaxed: only we write it */
	uint64_t off = w & MEM_W_N;
	if (MEM_UNLIKELY(off == 0))
		return false;
	struct mem_tslot sl = *weir__mem_slot_at(b, off - MEM_W_SLOT);
	/* relaxed: owner; info reads a recent value */
	weir_store_relaxed(&b->w, w + MEM_W_ALLOC - MEM_W_SLOT);
	/* relaxed: the pointer reaches other threads only through the
	 * caller's own synchronization, which orders this store first */
	weir_store_relaxed(sl.meta, t->tag | (uint32_t)size);
	int64_t slack = (int64_t)b->csize - (int64_t)size;
	if (slack)
		TA_ADD(b->slack, slack);
	*out = sl.p;
	return true;
}

/* Free by the owner (the cache that allocated the object): plain stores
 * only (cache.c invariant 6 says why this is safe). Returns false (nothing
 * changed) for everything else - an interior or double free, another
 * owner's object, a full bin, no cache yet - which the general path then
 * handles. */
static inline bool weir__mem_small_free_fast(struct mem_slab *s, void *p)
{
	struct mem_tls *t = &weir__mem_tl;
	size_t so = (size_t)((char *)p - s->base);
	uint64_t q = (uint64_t)so * s->recip;
	uint32_t idx = (uint32_t)(q >> 40); /* <= nobj: meta[nobj] is 0 */
	/* p is an object's start iff so % size == 0 iff q's low 40 bits are
	 * < 2^21 (MEM_SLAB_MAX_SHIFT): with recip = 2^40/size + e, 0 < e <= 1,
	 * they are (so % size) * 2^40 / size + so * e, which is < so < 2^21
	 * for a start and >= 2^40 / size >= 2^22 otherwise. */
	if (MEM_UNLIKELY((q << 24) >= ((uint64_t)1 << (24 + MEM_SLAB_MAX_SHIFT)) ||
	                 t->key != s->key))
		return false;
	struct mem_tbin *b = (struct mem_tbin *)((char *)t->ta + s->boff);
	uint64_t w = weir_load_relaxed(&b->w); /* relaxed: only we write it */
	uint64_t off = w & MEM_W_N;
	_Atomic uint32_t *mw = &s->meta[idx];
	/* relaxed: see invariant 6; x = the requested size iff the word says
	 * LIVE with our owner id */
	uint32_t x = weir_load_relaxed(mw) ^ t->tag;
	if (MEM_UNLIKELY(off == s->bmax16 || x > MEM_OBJ_SIZE))
		return false;
	/* relaxed: invariant 6 - only the owner takes LIVE|owner -> 0 with a
	 * plain store; a racing remote free (CAS to PEND) is undone at drain */
	weir_store_relaxed(mw, 0);
	*weir__mem_slot_at(b, off) = (struct mem_tslot){ (char *)p, mw };
	weir_store_relaxed(&b->w, w + MEM_W_SLOT); /* relaxed: owner; info reads a recent value */
	int64_t slack = (int64_t)s->size - (int64_t)x;
	if (slack)
		TA_ADD(b->slack, -slack);
	return true;
}

#endif
