/*
 * mem/cache.c - the small-object path: size classes, per-thread caches,
 * lock-free central batch stacks, and the batch-node pool.
 *
 * Fast paths (mem_internal.h, inlined into weir_mem_alloc/free: no lock,
 * no atomic RMW, no system call, no heap allocation, no call):
 *   alloc: pop (pointer, meta word) from the thread's bin, store
 *          LIVE|owner|size into the meta word (plain store: invariant 6);
 *   free:  by the owner only - the cache that allocated the object: one
 *          page-map load finds the slab, the meta word must say LIVE with
 *          our owner id, a plain store clears it, push it on our bin.
 * Anything else (errors, empty or full bin, no cache yet, debug mode, an
 * object of another owner) is handed to weir__mem_small_alloc()/
 * weir__mem_small_free() below before the fast path changed anything.
 * A free by another thread ("remote free") CASes the meta word LIVE ->
 * PEND, counts the free in its own counters, and appends the object to its
 * outbox node; a full outbox, or one for a different owner, is pushed on
 * the owner's inbox; the owner drains its inbox into its bins before it
 * refills a bin. Objects without an owner id (more than MEM_OWNER_MAX
 * caches) are taken LIVE -> 0 with a CAS by whichever thread frees them.
 * A bin that fills up hands `batch` objects to the class's central stack
 * (one node push); an empty bin drains the inbox, else takes a whole batch
 * back (one node pop) or carves fresh objects from a slab (under the
 * class's carve lock).
 *
 * Central stacks, inboxes and the free-node stack are Treiber stacks of
 * node indices with a 32-bit tag in the head word. Invariants:
 *  1. A node is in exactly one place: the free-node stack, one central
 *     stack, one inbox, one outbox, a tarena's spare, or held by the one
 *     thread that popped it (an inbox is emptied whole by its owner).
 *  2. Nodes are type-stable: they live in chunks that are freed only by
 *     weir_mem_destroy(), so a racing popper may read node->next of a node
 *     that was popped meanwhile; the tag, bumped by every push and pop,
 *     makes its CAS fail (no ABA).
 *  3. A node's payload (n, o[], req[]) is written only by its holder before
 *     the release CAS that pushes it (CACHE-R2) and read only after the acquire
 *     CAS that pops it, or takes the whole inbox (CACHE-A2).
 *  4. Every central node holds exactly batch(cls) objects, so the nodes
 *     reserved per slab (ceil(nobj / batch) + 1) cover the central stacks.
 *     The one exception: a thread with no cache (host heap exhausted)
 *     hands a freed object over in a node of one; such nodes come from the
 *     same growable pool and, when it cannot grow, the object is counted
 *     in lost_objects like below. So a node holds 1..batch(cls).
 *     Outbox and inbox nodes come on top, from the same pool, which grows
 *     on demand up to chunk_cap; when it cannot, a remote free leaves the
 *     object PEND and counts it in lost_objects (never corrupt).
 *  5. An object's meta word is LIVE exactly while the user owns it; objects
 *     in bins, central nodes and uncarved slab space have meta 0; objects
 *     in outboxes and inboxes have PEND (unless invariant 6's race left
 *     a stale entry there).
 *  6. Who may write a meta word:
 *     - 0 -> LIVE|o|size: only the holder of the object in its bin (plain
 *       store; nobody else writes a 0 word);
 *     - LIVE|o|size -> 0 for o != 0: only the owner o, with a plain store
 *       (fast path) or a CAS (general path);
 *     - LIVE|o|size -> PEND|o|size: any other thread, with a CAS;
 *     - PEND|o|size -> 0: only the owner o, draining its inbox (plain: no
 *       free's CAS expects PEND);
 *     - LIVE|0|size -> 0: any thread, with a CAS.
 *     So every object enters a bin through its owner's thread alone
 *     (program order) or through one successful CAS, and sits in at most
 *     one bin or central node (invariant 1 for objects). The one race the
 *     plain store allows: the owner reads LIVE, another thread's CAS makes
 *     it PEND, the owner stores 0 - both frees return WEIR_OK (two threads
 *     freeing one pointer at once: a double free racing to within a few
 *     instructions). The object is still in one bin only; the remote
 *     free's inbox entry is stale. Draining, the owner consumes an entry
 *     only if the meta word says exactly PEND|owner|req of that entry, and
 *     drops any other entry as stale: it puts back the one free counted
 *     twice (net += 1, slack += size - req) and counts a bad free. Every
 *     PEND state is consumed at most once, by its owner.
 *     An erroneous free racing with an alloc's store reads either 0
 *     (fails) or the new LIVE value (frees the new owner's block -
 *     indistinguishable from a late legitimate free, see weir/mem.h).
 *  7. A bin's counters satisfy n = net - allocs + owner frees
 *     (mem_internal.h): every fast alloc pops exactly one object and bumps
 *     allocs, every owner free pushes exactly one; refill, drain and flush
 *     move net with n; a remote free bumps xfree in the freeing cache.
 *
 * Thread caches: one per (thread, weir_mem), found through a thread-local
 * pointer. When a thread exits it hands its outboxes on and drains its
 * inboxes (a bin that overflows passes a batch to the central stack, which
 * may grow the node pool); its caches then become orphans (with their
 * objects and counters) and the next thread that needs a cache for that
 * mem adopts one. weir_mem_destroy()
 * detaches every cache (mem = NULL); owners free detached caches lazily.
 */
#include "mem/mem_internal.h"
#include "base/alloc.h"
#include "base/die.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NODE_NONE   UINT32_MAX
#define CHUNK_SHIFT 8u
#define CHUNK_NODES (1u << CHUNK_SHIFT)

const uint32_t weir__mem_class_size[MEM_NCLASSES] = {
	64,    128,   192,   256,   320,   384,   448,    512,    576,    640,    704,    768,
	832,   896,   960,   1024,  1280,  1536,  1792,   2048,   2560,   3072,   3584,   4096,
	5120,  6144,  7168,  8192,  10240, 12288, 14336,  16384,  20480,  24576,  28672,  32768,
	40960, 49152, 57344, 65536, 81920, 98304, 114688, 131072, 163840, 196608, 229376, 262144,
};

uint8_t weir__mem_class_tab[(MEM_SMALL_MAX >> 6) + 1];
uint32_t weir__mem_bin_tab[(MEM_SMALL_MAX >> 6) + 1];
static pthread_once_t mem_once = PTHREAD_ONCE_INIT;
static pthread_key_t mem_tc_key;
static pthread_mutex_t mem_tc_glock = PTHREAD_MUTEX_INITIALIZER;

/* O: this thread's caches (all weir_mem instances) and the last one used. */
static _Thread_local struct mem_tcache *tl_list;
/* Stands in for "no cache": its mem is NULL, so no fast path matches it. */
static struct mem_tcache mem_tc_none;
_Thread_local struct mem_tcache *weir__mem_tl_last __attribute__((tls_model("initial-exec"))) =
        &mem_tc_none;
#define tl_last weir__mem_tl_last
_Thread_local struct mem_tls weir__mem_tl __attribute__((tls_model("initial-exec")));

static void tcache_thread_exit(void *unused);

static void mem_once_init(void)
{
	uint32_t c = 0;
	for (size_t i = 0; i <= (MEM_SMALL_MAX >> 6); i++) {
		while (weir__mem_class_size[c] < i * 64)
			c++;
		weir__mem_class_tab[i] = (uint8_t)c;
		/* size in (64 (i - 1), 64 i] has class c: (size - 1) >> 6 = i - 1 */
		if (i > 0)
			weir__mem_bin_tab[i - 1] = (uint32_t)(offsetof(struct mem_tarena, bin) +
			                                      c * sizeof(struct mem_tbin));
	}
	if (pthread_key_create(&mem_tc_key, tcache_thread_exit) != 0) {
		weir__die("pthread_key_create");
	}
}

void weir__mem_global_init(void)
{
	pthread_once(&mem_once, mem_once_init);
}

uint32_t weir__mem_class_batch(uint32_t cls)
{
	uint32_t b = (uint32_t)(MEM_SMALL_MAX / weir__mem_class_size[cls]);
	return b < 2 ? 2 : b > MEM_BATCH_MAX ? MEM_BATCH_MAX : b;
}

uint32_t weir__mem_class_pages(uint32_t cls)
{
	size_t want = (size_t)weir__mem_class_size[cls] * 8;
	size_t pages = (want + MEM_PAGE - 1) >> MEM_PAGE_SHIFT;
	return pages ? (uint32_t)pages : 1;
}

/* ------------------------------------------------------------------------ */
/* Batch nodes and Treiber stacks                                             */
/* ------------------------------------------------------------------------ */

static inline struct mem_batch *node_at(struct weir_mem *m, uint32_t idx)
{
	/* CACHE-A3: acquire - pairs with CACHE-R3 in pool_grow_locked(); the node index
	 * reached us after the chunk was published anyway. */
	struct mem_batch *c = weir_load_acquire(&m->chunks[idx >> CHUNK_SHIFT]);
	return &c[idx & (CHUNK_NODES - 1)];
}

static void stack_push(struct weir_mem *m, _Atomic uint64_t *head, uint32_t idx)
{
	struct mem_batch *n = node_at(m, idx);
	uint64_t old = weir_load_relaxed(head); /* relaxed: validated by the CAS */
	uint64_t nw;
	do {
		/* relaxed: published by the release CAS below */
		weir_store_relaxed(&n->next, (uint32_t)old);
		nw = (((old >> 32) + 1) << 32) | (uint64_t)(idx + 1);
		/* CACHE-R2: release - publishes the node's payload and next; pairs with CACHE-A2 */
	} while (!weir_cas_release(head, &old, nw));
}

static uint32_t stack_pop(struct weir_mem *m, _Atomic uint64_t *head)
{
	/* CACHE-A2: acquire - pairs with CACHE-R2 of the push that made this head */
	uint64_t old = weir_load_acquire(head);
	while ((uint32_t)old != 0) {
		uint32_t idx = (uint32_t)old - 1;
		/* relaxed: ordered by CACHE-A2; a stale value makes the CAS fail (inv. 2) */
		uint32_t next = weir_load_relaxed(&node_at(m, idx)->next);
		uint64_t nw = (((old >> 32) + 1) << 32) | next;
		/* CACHE-A2: acquire on success and failure - pairs with CACHE-R2 */
		if (weir_cas_acquire(head, &old, nw))
			return idx;
	}
	return NODE_NONE;
}

/* Take every node of the stack at once; returns the first (next links
 * lead to the others) or NODE_NONE. */
static uint32_t stack_take_all(_Atomic uint64_t *head)
{
	/* CACHE-A2: acquire - pairs with CACHE-R2 of every push before it (they are RMWs
	 * on head: one release sequence) */
	uint64_t old = weir_load_acquire(head);
	while ((uint32_t)old != 0) {
		uint64_t nw = ((old >> 32) + 1) << 32;
		/* CACHE-A2: acquire on success and failure - pairs with CACHE-R2 */
		if (weir_cas_acquire(head, &old, nw))
			return (uint32_t)old - 1;
	}
	return NODE_NONE;
}

static int pool_grow_locked(struct weir_mem *m)
{
	if (m->nchunks == m->chunk_cap)
		return WEIR_ENOMEM;
	struct mem_batch *c = weir__calloc(CHUNK_NODES, sizeof(*c));
	if (!c)
		return WEIR_ENOMEM;
	uint32_t k = m->nchunks++;
	/* CACHE-R3: release - publishes the zeroed chunk; pairs with CACHE-A3 */
	weir_store_release(&m->chunks[k], c);
	for (uint32_t i = 0; i < CHUNK_NODES; i++)
		stack_push(m, &m->free_nodes.head, (k << CHUNK_SHIFT) + i);
	return WEIR_OK;
}

/* Nodes reserved for slabs so far, and nodes that exist (pool_lock). */
static uint64_t pool_nodes_locked(struct weir_mem *m)
{
	return (uint64_t)m->nchunks * CHUNK_NODES;
}

int weir__mem_pool_reserve(struct weir_mem *m, uint32_t nodes)
{
	int rc = WEIR_OK;
	pthread_mutex_lock(&m->pool_lock);
	while (rc == WEIR_OK && m->reserved + nodes > pool_nodes_locked(m))
		rc = pool_grow_locked(m);
	if (rc == WEIR_OK)
		m->reserved += nodes;
	pthread_mutex_unlock(&m->pool_lock);
	return rc;
}

/* A free node; a patient caller (a central flush, invariant 4) waits for a
 * spare in transit when the pool cannot grow, an impatient one gives up. */
static uint32_t node_get(struct weir_mem *m, bool patient)
{
	for (int tries = 0; tries < (patient ? 1000 : 2); tries++) {
		uint32_t idx = stack_pop(m, &m->free_nodes.head);
		if (idx != NODE_NONE)
			return idx;
		pthread_mutex_lock(&m->pool_lock);
		int rc = pool_grow_locked(m);
		pthread_mutex_unlock(&m->pool_lock);
		if (rc != WEIR_OK && patient)
			sched_yield(); /* invariant 4: a spare comes back shortly */
	}
	return NODE_NONE;
}

void weir__mem_pool_fini(struct weir_mem *m)
{
	for (uint32_t k = 0; k < m->nchunks; k++)
		weir__free(weir_load_relaxed(&m->chunks[k])); /* no concurrent use */
	weir__free(m->chunks);
	m->chunks = NULL;
	pthread_mutex_destroy(&m->pool_lock);
}

/* Hand n objects (from bin slots) to the central stack of (a, cls), in the
 * tarena's spare node if it has one. */
static void central_put(struct weir_mem *m, struct mem_arena *a, struct mem_tarena *ta,
                        uint32_t cls, const struct mem_tslot *objs, uint32_t n)
{
	uint32_t idx = ta ? ta->spare : NODE_NONE;
	if (idx != NODE_NONE)
		ta->spare = NODE_NONE;
	else
		idx = node_get(m, true);
	if (idx == NODE_NONE) {
		/* Only when the host heap is exhausted and every spare node is in
		 * transit: the objects stay unusable (counted), never corrupt. */
		weir_faa_relaxed(&a->lost_objects, n); /* relaxed: statistics */
		return;
	}
	struct mem_batch *b = node_at(m, idx);
	/* Invariant 4 says batch(cls) per node; the no-cache path (host heap
	 * exhausted) sends a node of one, which bin_refill() takes whole. */
	WEIR_ASSERT(n >= 1 && n <= weir__mem_class_batch(cls) && n <= MEM_BATCH_MAX,
	            "cache.c inv 4: a central node holds at most batch(cls) objects");
	b->n = n;
	memcpy(b->o, objs, n * sizeof(*objs));
	stack_push(m, &a->central[cls].full.head, idx);
}

/* ------------------------------------------------------------------------ */
/* Thread caches                                                              */
/* ------------------------------------------------------------------------ */

static void tcache_free(struct mem_tcache *tc, uint32_t narenas)
{
	for (uint32_t i = 0; i < narenas; i++)
		weir__free(weir_load_relaxed(&tc->arena[i])); /* detached: no reader */
	weir__free(tc);
}

/* Drop this thread's caches whose mem is gone. */
static void tcache_prune_dead(void)
{
	struct mem_tcache **pp = &tl_list;
	while (*pp) {
		struct mem_tcache *tc = *pp;
		/* relaxed: set under mem_tc_glock by destroy, which the caller's
		 * own synchronization orders before any later use of a new mem */
		if (weir_load_relaxed(&tc->mem) == NULL) {
			*pp = tc->thread_next;
			if (tl_last == tc)
				tl_last = &mem_tc_none;
			weir__mem_tl = (struct mem_tls){ 0 }; /* may name one of tc's */
			tcache_free(tc, tc->narenas);
		} else {
			pp = &tc->thread_next;
		}
	}
}

static struct mem_tcache *tcache_slow(struct weir_mem *m)
{
	for (struct mem_tcache *tc = tl_list; tc; tc = tc->thread_next) {
		if (weir_load_relaxed(&tc->mem) == m) { /* relaxed: see prune */
			if (!m->debug)
				tl_last = tc;
			return tc;
		}
	}
	tcache_prune_dead();
	struct mem_tcache *tc = NULL;
	pthread_mutex_lock(&mem_tc_glock);
	for (struct mem_tcache *o = m->tcaches; o; o = o->reg_next) {
		if (o->orphan) {
			o->orphan = false;
			tc = o;
			break;
		}
	}
	pthread_mutex_unlock(&mem_tc_glock);
	if (!tc) {
		tc = weir__calloc(1, sizeof(*tc) + m->narenas * sizeof(tc->arena[0]));
		if (!tc)
			return NULL;
		tc->narenas = m->narenas;
		weir_store_relaxed(&tc->mem, m); /* relaxed: published by the lock */
		pthread_mutex_lock(&mem_tc_glock);
		tc->reg_next = m->tcaches;
		if (m->tcaches)
			m->tcaches->reg_prev = tc;
		m->tcaches = tc;
		pthread_mutex_unlock(&mem_tc_glock);
	}
	tc->thread_next = tl_list;
	tl_list = tc;
	if (!m->debug) /* debug mems always take the general paths */
		tl_last = tc;
	/* Any non-NULL value makes the key's destructor run at thread exit. */
	(void)pthread_setspecific(mem_tc_key, &tl_list);
	return tc;
}

static inline struct mem_tcache *tcache_get(struct weir_mem *m)
{
	struct mem_tcache *tc = tl_last;
	if (weir_load_relaxed(&tc->mem) == m) /* relaxed: see prune */
		return tc;
	return tcache_slow(m);
}

static struct mem_tarena *tarena_get(struct weir_mem *m, struct mem_tcache *tc, uint32_t ai)
{
	/* relaxed: only the owner writes the slot */
	struct mem_tarena *ta = weir_load_relaxed(&tc->arena[ai]);
	if (!ta) {
		ta = weir__calloc(1, sizeof(*ta));
		if (!ta)
			return NULL;
		ta->out_idx = NODE_NONE;
		ta->spare = NODE_NONE;
		for (uint32_t c = 0; c < MEM_NCLASSES; c++)
			ta->bin[c].csize = weir__mem_class_size[c];
		/* relaxed: a unique number is all it needs */
		uint32_t id = weir_faa_relaxed(&m->next_owner, 1) + 1;
		if (id <= MEM_OWNER_MAX) {
			ta->id = id;
			/* CACHE-R5: release - publishes the tarena (its inbox) before the
			 * id stamps any object; pairs with CACHE-A5 */
			weir_store_release(&m->owners[id], ta);
		}
		/* CACHE-R4: release - publishes the zeroed counters to weir_mem_info; pairs with CACHE-A4 */
		weir_store_release(&tc->arena[ai], ta);
	}
	/* The fast paths serve the last (mem, arena) the general paths used. */
	if (ta->id != 0 && !m->debug)
		weir__mem_tl = (struct mem_tls){ weir__mem_key(m, ai), ta,
			                         MEM_OBJ_LIVE | ta->id << MEM_OWNER_SHIFT };
	return ta;
}

/* Hand the outbox to its owner's inbox. */
static void outbox_flush(struct weir_mem *m, struct mem_tarena *ta)
{
	if (ta->out_idx == NODE_NONE)
		return;
	/* CACHE-A5: acquire - pairs with CACHE-R5 (the id came with the object anyway) */
	struct mem_tarena *dst = weir_load_acquire(&m->owners[ta->out_owner]);
	WEIR_ASSERT(dst != NULL && dst->id == ta->out_owner,
	            "cache.c: an owner id is published (CACHE-R5) before it stamps an object");
	stack_push(m, &dst->inbox, ta->out_idx);
	ta->out_idx = NODE_NONE;
}

static void inbox_drain(struct weir_mem *m, struct mem_arena *a, struct mem_tarena *ta);

/* At thread exit (mem_tc_glock held, so the mem is alive): objects this
 * thread freed for other owners go on to them, and objects others freed
 * for it come back into its bins (whose overflow goes to the central
 * stacks), so an orphan strands no more than its bins hold. This thread
 * is still the owner, so it may drain (invariant 6). */
static void tcache_exit_handoff(struct mem_tcache *tc)
{
	struct weir_mem *m = weir_load_relaxed(&tc->mem); /* relaxed: under the lock */
	for (uint32_t i = 0; i < tc->narenas; i++) {
		struct mem_tarena *ta = weir_load_relaxed(&tc->arena[i]); /* relaxed: ours */
		if (ta) {
			outbox_flush(m, ta);
			inbox_drain(m, &m->arenas[i], ta);
		}
	}
}

/* At thread exit: orphan every cache still attached, free detached ones. */
static void tcache_thread_exit(void *unused)
{
	(void)unused;
	pthread_mutex_lock(&mem_tc_glock);
	struct mem_tcache *tc = tl_list, *dead = NULL;
	while (tc) {
		struct mem_tcache *next = tc->thread_next;
		if (weir_load_relaxed(&tc->mem) != NULL) { /* relaxed: under the lock */
			tcache_exit_handoff(tc);
			tc->orphan = true;
		} else {
			tc->thread_next = dead;
			dead = tc;
		}
		tc = next;
	}
	pthread_mutex_unlock(&mem_tc_glock);
	tl_list = NULL;
	tl_last = &mem_tc_none;
	weir__mem_tl = (struct mem_tls){ 0 };
	while (dead) {
		struct mem_tcache *next = dead->thread_next;
		tcache_free(dead, dead->narenas);
		dead = next;
	}
}

void weir__mem_caches_detach(struct weir_mem *m)
{
	pthread_mutex_lock(&mem_tc_glock);
	struct mem_tcache *tc = m->tcaches, *orphans = NULL;
	m->tcaches = NULL;
	while (tc) {
		struct mem_tcache *next = tc->reg_next;
		weir_store_relaxed(&tc->mem, NULL); /* relaxed: see prune */
		tc->reg_next = tc->reg_prev = NULL;
		if (tc->orphan) {
			tc->thread_next = orphans;
			orphans = tc;
		}
		tc = next;
	}
	pthread_mutex_unlock(&mem_tc_glock);
	while (orphans) {
		struct mem_tcache *next = orphans->thread_next;
		tcache_free(orphans, orphans->narenas);
		orphans = next;
	}
	tcache_prune_dead(); /* the calling thread's own */
}

void weir__mem_caches_sum(struct weir_mem *m, uint32_t ai, struct mem_sums *s)
{
	pthread_mutex_lock(&mem_tc_glock);
	for (struct mem_tcache *tc = m->tcaches; tc; tc = tc->reg_next) {
		/* CACHE-A4: acquire - pairs with CACHE-R4 */
		struct mem_tarena *ta = weir_load_acquire(&tc->arena[ai]);
		if (!ta)
			continue;
		/* relaxed: counters; exact when no thread allocates meanwhile */
		for (uint32_t c = 0; c < MEM_NCLASSES; c++) {
			struct mem_tbin *b = &ta->bin[c];
			uint64_t w = weir_load_relaxed(&b->w);
			/* live objects of this bin's flows = net - n - xfree (mem_tbin) */
			int64_t live = weir_load_relaxed(&b->net) - (int64_t)weir__mem_w_n(w) -
			               weir_load_relaxed(&b->xfree);
			int64_t fp = live * (int64_t)weir__mem_class_size[c];
			s->live += live;
			s->footprint += fp;
			s->in_use += fp - weir_load_relaxed(&b->slack);
			s->allocs += w >> 12;
		}
	}
	pthread_mutex_unlock(&mem_tc_glock);
}

/* ------------------------------------------------------------------------ */
/* Alloc / free                                                               */
/* ------------------------------------------------------------------------ */

static inline _Atomic uint32_t *meta_of(struct mem_slab *s, const void *p)
{
	return &s->meta[((size_t)((const char *)p - s->base) * s->recip) >> 40];
}

static inline struct mem_slab *slab_of(struct mem_arena *a, const void *p)
{
	/* PM-A1: acquire - pairs with PM-R1 (slab published in the page map) */
	uintptr_t e =
	        weir_load_acquire(&a->pmap[(size_t)((const char *)p - a->base) >> MEM_PAGE_SHIFT]);
	return (struct mem_slab *)MEM_PM_PTR(e);
}

/* Push one free object (meta 0) on bin cls of ta; a full bin first hands
 * a batch to the central stack. */
static void bin_push(struct weir_mem *m, struct mem_arena *a, struct mem_tarena *ta, uint32_t cls,
                     struct mem_tslot one)
{
	struct mem_tbin *b = &ta->bin[cls];
	uint64_t w = weir_load_relaxed(&b->w); /* relaxed: only we write it */
	uint32_t n = weir__mem_w_n(w);
	WEIR_ASSERT(n <= 2 * weir__mem_class_batch(cls), "cache.c: a bin holds at most 2 batches");
	WEIR_ASSERT(weir_load_relaxed(one.meta) == 0,
	            "cache.c inv 5: an object enters a bin with meta word 0");
	if (n == 2 * weir__mem_class_batch(cls)) {
		uint32_t batch = weir__mem_class_batch(cls);
		n -= batch;
		w -= batch * MEM_W_SLOT;
		central_put(m, a, ta, cls, &b->slot[n], batch);
		TA_ADD(b->net, -(int64_t)batch);
	}
	b->slot[n] = one;
	weir_store_relaxed(&b->w, w + MEM_W_SLOT); /* relaxed: owner; info reads a recent value */
}

/* Take back the objects other threads freed for this tarena (invariant 6):
 * consume an entry whose meta word is exactly PEND|us|req, drop any other
 * as stale (correcting the free counted twice). */
static void inbox_drain(struct weir_mem *m, struct mem_arena *a, struct mem_tarena *ta)
{
	uint32_t idx = stack_take_all(&ta->inbox);
	while (idx != NODE_NONE) {
		struct mem_batch *nd = node_at(m, idx);
		/* relaxed: ordered by CACHE-A2 in stack_take_all */
		uint32_t next = weir_load_relaxed(&nd->next) - 1;
		WEIR_ASSERT(nd->n >= 1 && nd->n <= MEM_BATCH_MAX,
		            "cache.c inv 3: an inbox node holds 1..MEM_BATCH_MAX objects");
		for (uint32_t i = 0; i < nd->n; i++) {
			char *p = nd->o[i].p;
			_Atomic uint32_t *mw = nd->o[i].meta;
			struct mem_slab *s = slab_of(a, p);
			WEIR_ASSERT(s && s->cls < MEM_NCLASSES && mw == meta_of(s, p) &&
			                    nd->req[i] <= s->size,
			            "cache.c inv 3: an inbox entry names a slab object, its meta "
			            "word and a size that fits");
			uint32_t want = MEM_OBJ_PEND | ta->id << MEM_OWNER_SHIFT | nd->req[i];
			struct mem_tbin *b = &ta->bin[s->cls];
			TA_ADD(b->net, 1);
			/* relaxed: PEND words change only here, in the owner's thread */
			if (weir_load_relaxed(mw) == want) {
				weir_store_relaxed(mw, 0);
				bin_push(m, a, ta, s->cls, (struct mem_tslot){ p, mw });
			} else {
				TA_ADD(b->slack, (int64_t)s->size - (int64_t)nd->req[i]);
				weir_faa_relaxed(&a->bad_frees, 1); /* relaxed: statistics */
			}
		}
		stack_push(m, &m->free_nodes.head, idx);
		idx = next;
	}
}

/* Fill an empty bin: one batch from the central stack, else fresh objects
 * carved from the class's current slab. */
static int bin_refill(struct weir_mem *m, struct mem_arena *a, uint32_t cls, struct mem_tarena *ta)
{
	struct mem_tbin *b = &ta->bin[cls];
	struct mem_tslot *slot = b->slot;
	uint64_t w = weir_load_relaxed(&b->w); /* relaxed: only we write it */
	uint32_t n = weir__mem_w_n(w);
	uint32_t got = 0;
	WEIR_ASSERT(n == 0, "cache.c: only an empty bin is refilled");
	uint32_t idx = stack_pop(m, &a->central[cls].full.head);
	if (idx != NODE_NONE) {
		struct mem_batch *nd = node_at(m, idx);
		got = nd->n;
		WEIR_ASSERT(got >= 1 && got <= weir__mem_class_batch(cls),
		            "cache.c inv 4: a central node holds at most batch(cls) objects");
		memcpy(&slot[n], nd->o, got * sizeof(*slot));
		if (ta->spare == NODE_NONE)
			ta->spare = idx; /* the next flush needs no free-node pop */
		else
			stack_push(m, &m->free_nodes.head, idx);
	} else {
		struct mem_central *c = &a->central[cls];
		uint32_t batch = weir__mem_class_batch(cls);
		pthread_mutex_lock(&c->carve_lock);
		if (!c->carving || c->carve_next == c->carving->nobj) {
			struct mem_slab *s;
			int rc = weir__mem_slab_new(m, a, cls, &s);
			if (rc != WEIR_OK) {
				pthread_mutex_unlock(&c->carve_lock);
				return rc;
			}
			c->carving = s;
			c->carve_next = 0;
		}
		struct mem_slab *s = c->carving;
		got = s->nobj - c->carve_next;
		if (got > batch)
			got = batch;
		/* Highest address first into the bin, so allocation order ascends. */
		for (uint32_t i = 0; i < got; i++) {
			uint32_t o = c->carve_next + got - 1 - i;
			slot[n + i] =
			        (struct mem_tslot){ s->base + (size_t)o * s->size, &s->meta[o] };
		}
		c->carve_next += got;
		WEIR_ASSERT(c->carve_next <= s->nobj,
		            "cache.c inv 5: carving never passes the slab's last object");
		pthread_mutex_unlock(&c->carve_lock);
	}
	TA_ADD(b->net, (int64_t)got);
	weir_store_relaxed(&b->w,
	                   w + got * MEM_W_SLOT); /* relaxed: owner; info reads a recent value */
	return WEIR_OK;
}

int weir__mem_small_alloc(struct weir_mem *m, struct mem_arena *a, size_t size, void **out)
{
	struct mem_tcache *tc = tcache_get(m);
	struct mem_tarena *ta = tc ? tarena_get(m, tc, weir__mem_arena_index(m, a)) : NULL;
	if (!ta) {
		weir_faa_relaxed(&a->failed_allocs, 1); /* relaxed: statistics */
		return WEIR_ENOMEM;
	}
	uint32_t cls = weir__mem_class_of(size);
	struct mem_tbin *b = &ta->bin[cls];
	if ((weir_load_relaxed(&b->w) & MEM_W_N) == 0) { /* relaxed: only we write it */
		outbox_flush(m, ta);
		inbox_drain(m, a, ta);
	}
	if ((weir_load_relaxed(&b->w) & MEM_W_N) == 0) {
		int rc = bin_refill(m, a, cls, ta);
		if (rc != WEIR_OK) {
			weir_faa_relaxed(&a->failed_allocs, 1); /* relaxed: statistics */
			return rc;
		}
	}
	uint64_t w = weir_load_relaxed(&b->w);
	struct mem_tslot sl = b->slot[weir__mem_w_n(w) - 1];
	WEIR_ASSERT(
	        weir_load_relaxed(sl.meta) == 0,
	        "cache.c inv 5/6: an object in a bin has meta 0; only its holder makes it LIVE");
	WEIR_ASSERT(size <= weir__mem_class_size[cls] && size <= MEM_OBJ_SIZE,
	            "cache.c: a small request fits its class and the meta word");
	weir_store_relaxed(&b->w, w + MEM_W_ALLOC - MEM_W_SLOT);
	/* relaxed: invariant 6; the pointer reaches other threads only through
	 * the caller's own synchronization, which orders this store first */
	weir_store_relaxed(sl.meta, MEM_OBJ_LIVE | ta->id << MEM_OWNER_SHIFT | (uint32_t)size);
	TA_ADD(b->slack, (int64_t)weir__mem_class_size[cls] - (int64_t)size);
	if (m->debug)
		memset(sl.p, MEM_POISON_NEW, size);
	*out = sl.p;
	return WEIR_OK;
}

/* A remote free (meta word now PEND): count it here, queue it for its
 * owner. */
static void remote_free(struct weir_mem *m, struct mem_arena *a, struct mem_tarena *ta,
                        struct mem_slab *s, void *p, uint32_t owner, uint32_t req)
{
	if (ta) {
		struct mem_tbin *b = &ta->bin[s->cls];
		TA_ADD(b->xfree, 1);
		TA_ADD(b->slack, -((int64_t)s->size - (int64_t)req));
		if (ta->out_idx != NODE_NONE && ta->out_owner != owner)
			outbox_flush(m, ta);
	} else {
		/* No cache for this thread (host heap exhausted): account through
		 * the arena, send a node of one. */
		weir_faa_relaxed(&a->small_adjust_in_use, -(int64_t)req);
		weir_faa_relaxed(&a->small_adjust_footprint, -(int64_t)s->size);
		weir_faa_relaxed(&a->small_adjust_live, -1);
	}
	uint32_t idx = ta ? ta->out_idx : NODE_NONE;
	if (idx == NODE_NONE) {
		idx = node_get(m, false);
		if (idx == NODE_NONE) {
			/* invariant 4: the object stays PEND, unusable but counted */
			weir_faa_relaxed(&a->lost_objects, 1); /* relaxed: statistics */
			return;
		}
		node_at(m, idx)->n = 0;
	}
	struct mem_batch *nd = node_at(m, idx);
	WEIR_ASSERT(nd->n < MEM_BATCH_MAX, "cache.c: an outbox is flushed when full");
	WEIR_ASSERT(owner != 0 && owner <= MEM_OWNER_MAX,
	            "cache.c inv 6: a PEND word names its owner");
	nd->o[nd->n] = (struct mem_tslot){ p, meta_of(s, p) };
	nd->req[nd->n] = req;
	nd->n++;
	if (ta) {
		ta->out_idx = idx;
		ta->out_owner = owner;
		if (nd->n == MEM_BATCH_MAX)
			outbox_flush(m, ta);
	} else {
		/* CACHE-A5: acquire - pairs with CACHE-R5 */
		stack_push(m, &weir_load_acquire(&m->owners[owner])->inbox, idx);
	}
}

int weir__mem_small_free(struct weir_mem *m, struct mem_arena *a, struct mem_slab *s, void *p)
{
	size_t so = (size_t)((char *)p - s->base);
	uint32_t idx = (uint32_t)((so * s->recip) >> 40);
	if (idx >= s->nobj)
		goto freed;
	size_t o = so - (size_t)idx * s->size;
	_Atomic uint32_t *mw = &s->meta[idx];
	uint32_t v = weir_load_relaxed(mw); /* relaxed: checked by the CAS */
	struct mem_tarena *ta = NULL;
	bool have_ta = false;
	uint32_t owner;
	bool mine;
	for (;;) {
		if (!(v & MEM_OBJ_LIVE))
			goto freed;
		if (o != 0) {
			weir_faa_relaxed(&a->bad_frees, 1); /* relaxed: statistics */
			return o < (v & MEM_OBJ_SIZE) ? WEIR_EINTERIOR : WEIR_EFREED;
		}
		if (!have_ta) { /* only for a free that may succeed: a bad one
		                   creates no cache */
			struct mem_tcache *tc = tcache_get(m);
			ta = tc ? tarena_get(m, tc, weir__mem_arena_index(m, a)) : NULL;
			have_ta = true;
		}
		owner = weir__mem_meta_owner(v);
		mine = owner == 0 || (ta && owner == ta->id);
		/* relaxed: the CAS only decides which free wins (invariant 6); the
		 * object's bytes are handed on through bins (same thread) or CACHE-R2/CACHE-A2 */
		if (weir_cas_relaxed(mw, &v, mine ? 0 : (v & ~MEM_OBJ_LIVE) | MEM_OBJ_PEND))
			break;
	}
	uint32_t req = v & MEM_OBJ_SIZE;
	WEIR_ASSERT(req <= s->size, "cache.c inv 5: a LIVE word's size fits its object");
	if (m->debug)
		memset(p, MEM_POISON_FREE, req);
	if (!mine) {
		remote_free(m, a, ta, s, p, owner, req);
		return WEIR_OK;
	}
	uint32_t cls = s->cls;
	struct mem_tslot one = { (char *)p, mw };
	if (!ta) {
		/* No cache for this thread (host heap exhausted): account through
		 * the arena and hand the object straight to the central stack. */
		weir_faa_relaxed(&a->small_adjust_in_use, -(int64_t)req);
		weir_faa_relaxed(&a->small_adjust_footprint, -(int64_t)s->size);
		weir_faa_relaxed(&a->small_adjust_live, -1);
		central_put(m, a, NULL, cls, &one, 1);
		return WEIR_OK;
	}
	TA_ADD(ta->bin[cls].slack, -((int64_t)s->size - (int64_t)req));
	bin_push(m, a, ta, cls, one);
	return WEIR_OK;
freed:
	weir_faa_relaxed(&a->bad_frees, 1); /* relaxed: statistics */
	return WEIR_EFREED;
}

void weir__mem_caches_flush(struct weir_mem *m)
{
	struct mem_tcache *tc = tcache_get(m);
	if (!tc)
		return;
	for (uint32_t i = 0; i < m->narenas; i++) {
		/* relaxed: only we write the slot */
		struct mem_tarena *ta = weir_load_relaxed(&tc->arena[i]);
		if (ta) {
			outbox_flush(m, ta);
			inbox_drain(m, &m->arenas[i], ta);
		}
	}
}
