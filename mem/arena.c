/*
 * mem/arena.c - one device's address range: page runs with coalescing,
 * commit on use, huge-page policies, slab pages, and pointer classification.
 *
 * Everything here runs under the arena lock except the page-map reads of
 * slab pages (which never change once published).
 *
 * Invariants (hold whenever the arena lock is free):
 *  1. Every page is in exactly one of: a slab, a live run, a cached run
 *     (invariant 7), a free run.
 *  2. Free runs are maximal: no two free runs are adjacent (coalescing).
 *  3. The page map entry of every page of a slab is slab|SLAB, of every page
 *     of a live or cached run is run|LIVE (run->live tells them apart); the
 *     first and last page of a free run hold run|FREE and its other pages
 *     hold 0.
 *  4. A free run is on exactly the bin list bin_of(npages); binmask has the
 *     bit of every non-empty bin.
 *  5. Every page handed out lies in a committed 2 MiB chunk; chunks are
 *     never decommitted, so reusing memory makes no system call.
 *  6. Sum of live runs' req == large_in_use (updated under the lock).
 *  7. A cached run is a freed run of n <= MEM_QUICK_PAGES normal pages kept
 *     whole on quick[n] (at most MEM_QUICK_DEPTH of them, quick_bytes <=
 *     quick_cap in all) so that the next allocation of n pages takes it
 *     without a search, a split or page-map writes: its pages keep
 *     run|LIVE, and live == false, req == 0 say it is free (so a free of it
 *     is a double free and classify calls it freed space). It counts as
 *     free in every statistic. Before an allocation fails for want of
 *     space, every cached run is freed for real (coalesced), so caching
 *     never causes an out-of-memory error.
 */
#include "mem/mem_internal.h"
#include "base/alloc.h"
#include "base/die.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

/* Counters written only under the arena lock (the lock orders the writers):
 * a relaxed load and store, no locked read-modify-write; weir_mem_info reads
 * them without the lock (a recent value, exact when quiescent). */
#define LOCKED_ADD(field, v) weir_store_relaxed(&(field), weir_load_relaxed(&(field)) + (v))

int weir__mem_sys_failpoint(void)
{
	/* Consumes one counted allocation so that weir__failpoint_arm(n) can
	 * make the following system call path fail like an mmap would. */
	void *t = weir__malloc(1);
	if (!t)
		return WEIR_ENOMEM;
	weir__free(t);
	return WEIR_OK;
}

static uint32_t bin_of(uint32_t npages)
{
	if (npages <= 64)
		return npages - 1;
	uint32_t lg = 31u - (uint32_t)__builtin_clz(npages); /* >= 6 */
	uint32_t b = 64u + (lg - 6u);
	return b < MEM_NBINS ? b : MEM_NBINS - 1;
}

static void bin_insert_locked(struct mem_arena *a, struct mem_run *r)
{
	WEIR_ASSERT(r->npages >= 1 && (uint64_t)r->first + r->npages <= a->npages,
	            "arena.c inv 1: a run lies inside its arena");
	WEIR_ASSERT(!r->live && !r->cached, "arena.c inv 1/4: only a free run is on a bin list");
	uint32_t b = bin_of(r->npages);
	r->bin = b;
	r->prev = NULL;
	r->next = a->bins[b];
	if (r->next)
		r->next->prev = r;
	a->bins[b] = r;
	a->binmask[b >> 6] |= (uint64_t)1 << (b & 63);
}

static void bin_remove_locked(struct mem_arena *a, struct mem_run *r)
{
	uint32_t b = r->bin;
	WEIR_ASSERT(b == bin_of(r->npages),
	            "arena.c inv 4: a free run is on the list bin_of(npages)");
	WEIR_ASSERT(r->prev ? r->prev->next == r : a->bins[b] == r,
	            "arena.c inv 4: a free run is linked on its bin list");
	if (r->prev)
		r->prev->next = r->next;
	else
		a->bins[b] = r->next;
	if (r->next)
		r->next->prev = r->prev;
	if (!a->bins[b])
		a->binmask[b >> 6] &= ~((uint64_t)1 << (b & 63));
	r->prev = r->next = NULL;
}

/* Publish page-map entries. PM-R1: release - publishes the slab or run
 * descriptor's fields before its pointer; pairs with PM-A1 (classify / free). */
static void pmap_set_locked(struct mem_arena *a, uint32_t first, uint32_t n, uintptr_t v)
{
	for (uint32_t i = 0; i < n; i++)
		weir_store_release(&a->pmap[first + i], v);
}

static void mark_free_locked(struct mem_arena *a, struct mem_run *r)
{
	r->live = false;
	r->huge = false;
	r->req = 0;
	/* Invariant 2, checked at each run's two edges (O(1)): the pages
	 * beside a new free run belong to no other free run. */
	WEIR_ASSERT(r->first == 0 ||
	                    (weir_load_relaxed(&a->pmap[r->first - 1]) & MEM_PM_TAG) != MEM_PM_FREE,
	            "arena.c inv 2: free runs are maximal (left neighbour not free)");
	WEIR_ASSERT(r->first + r->npages >= a->npages ||
	                    (weir_load_relaxed(&a->pmap[r->first + r->npages]) & MEM_PM_TAG) !=
	                            MEM_PM_FREE,
	            "arena.c inv 2: free runs are maximal (right neighbour not free)");
	uintptr_t v = (uintptr_t)r | MEM_PM_FREE;
	weir_store_release(&a->pmap[r->first], v);                 /* PM-R1 */
	weir_store_release(&a->pmap[r->first + r->npages - 1], v); /* PM-R1 */
	bin_insert_locked(a, r);
}

static struct mem_run *run_get_locked(struct mem_arena *a)
{
	struct mem_run *r = a->spare;
	if (r) {
		a->spare = r->next;
		r->next = NULL;
		return r;
	}
	r = weir__calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->all_next = a->all_runs;
	a->all_runs = r;
	return r;
}

static void run_put_locked(struct mem_arena *a, struct mem_run *r)
{
	r->live = false;
	r->prev = NULL;
	r->next = a->spare;
	a->spare = r;
}

int weir__mem_arena_init(struct weir_mem *m, struct mem_arena *a, uint32_t id, char *base,
                         uint64_t capacity)
{
	memset(a, 0, sizeof(*a));
	a->base = base;
	a->capacity = capacity;
	a->npages = (uint32_t)(capacity >> MEM_PAGE_SHIFT);
	/* invariant 7: a sixteenth of the arena, at most 64 MiB */
	a->quick_cap = capacity / 16 < ((uint64_t)64 << 20) ? capacity / 16 : (uint64_t)64 << 20;
	a->id = id;
	size_t nchunks = (size_t)(capacity >> MEM_HUGE_SHIFT);
	size_t words = (nchunks + 63) / 64;
	/* This arena's part of the one page map (zeroed by its creator). */
	a->pmap = m->pmap + ((size_t)(base - m->base) >> MEM_PAGE_SHIFT);
	a->committed = weir__calloc(words, sizeof(uint64_t));
	a->advised = weir__calloc(words, sizeof(uint64_t));
	if (!a->committed || !a->advised)
		goto fail;
	if (pthread_mutex_init(&a->lock, NULL) != 0)
		goto fail;
	for (uint32_t c = 0; c < MEM_NCLASSES; c++) {
		if (pthread_mutex_init(&a->central[c].carve_lock, NULL) != 0) {
			while (c-- > 0)
				pthread_mutex_destroy(&a->central[c].carve_lock);
			pthread_mutex_destroy(&a->lock);
			goto fail;
		}
	}
	struct mem_run *r = run_get_locked(a);
	if (!r) {
		weir__mem_arena_fini(a);
		return WEIR_ENOMEM;
	}
	r->first = 0;
	r->npages = a->npages;
	mark_free_locked(a, r);
	return WEIR_OK;
fail:
	weir__free(a->committed);
	weir__free(a->advised);
	a->pmap = NULL;
	a->committed = a->advised = NULL;
	return WEIR_ENOMEM;
}

void weir__mem_arena_fini(struct mem_arena *a)
{
	if (!a->pmap)
		return;
	for (struct mem_run *r = a->all_runs, *n; r; r = n) {
		n = r->all_next;
		weir__free(r);
	}
	for (struct mem_slab *s = a->all_slabs, *n; s; s = n) {
		n = s->all_next;
		weir__free(s);
	}
	for (uint32_t c = 0; c < MEM_NCLASSES; c++)
		pthread_mutex_destroy(&a->central[c].carve_lock);
	pthread_mutex_destroy(&a->lock);
	weir__free(a->committed);
	weir__free(a->advised);
	a->pmap = NULL; /* the page map itself belongs to the weir_mem */
}

/* Make pages [first, first+n) accessible; advise huge pages if asked.
 * Chunks already committed cost nothing (invariant 5). */
static int commit_locked(struct mem_arena *a, uint32_t first, uint32_t n, bool huge)
{
	uint32_t c0 = first / MEM_HUGE_PAGES;
	uint32_t c1 = (first + n - 1) / MEM_HUGE_PAGES;
	for (uint32_t c = c0; c <= c1;) {
		if (a->committed[c >> 6] & ((uint64_t)1 << (c & 63))) {
			c++;
			continue;
		}
		uint32_t e = c;
		while (e + 1 <= c1 &&
		       !(a->committed[(e + 1) >> 6] & ((uint64_t)1 << ((e + 1) & 63))))
			e++;
		int rc = weir__mem_sys_failpoint();
		if (rc != WEIR_OK)
			return rc;
		char *p = a->base + ((size_t)c << MEM_HUGE_SHIFT);
		size_t len = (size_t)(e - c + 1) << MEM_HUGE_SHIFT;
		/* relaxed: statistics only */
		LOCKED_ADD(a->syscalls, 1);
		if (mprotect(p, len, PROT_READ | PROT_WRITE) != 0)
			return WEIR_ENOMEM;
		for (uint32_t k = c; k <= e; k++)
			a->committed[k >> 6] |= (uint64_t)1 << (k & 63);
		LOCKED_ADD(a->committed_bytes, len);
		c = e + 1;
	}
	if (!huge)
		return WEIR_OK;
	for (uint32_t c = c0; c <= c1; c++) {
		if (a->advised[c >> 6] & ((uint64_t)1 << (c & 63)))
			continue;
		int rc = weir__mem_sys_failpoint();
		if (rc != WEIR_OK)
			return rc;
		LOCKED_ADD(a->syscalls, 1);
		/* MADV_HUGEPAGE fails only where the kernel lacks THP; the memory
		 * is still usable, so the advice is best effort. */
		(void)madvise(a->base + ((size_t)c << MEM_HUGE_SHIFT), MEM_HUGE, MADV_HUGEPAGE);
		a->advised[c >> 6] |= (uint64_t)1 << (c & 63);
	}
	return WEIR_OK;
}

/* Find a free run that can hold n pages starting at a multiple of `align`
 * pages (align 1 = any). Returns the run and the start page in *at. */
static struct mem_run *find_fit_locked(struct mem_arena *a, uint32_t n, uint32_t align,
                                       uint32_t *at)
{
	for (uint32_t b = bin_of(n); b < MEM_NBINS; b++) {
		if (!(a->binmask[b >> 6] & ((uint64_t)1 << (b & 63)))) {
			/* skip to the next non-empty bin */
			uint64_t w = a->binmask[b >> 6] & ~(((uint64_t)1 << (b & 63)) - 1);
			if (w) {
				b = (b & ~63u) + (uint32_t)__builtin_ctzll(w);
			} else {
				b = (b | 63u);
				continue;
			}
		}
		for (struct mem_run *r = a->bins[b]; r; r = r->next) {
			uint32_t s = (r->first + align - 1) / align * align;
			if (s + (uint64_t)n <= (uint64_t)r->first + r->npages) {
				*at = s;
				return r;
			}
		}
	}
	return NULL;
}

/* Carve [at, at+n) out of free run r and return r, now describing the
 * carved pages. Leftovers on either side become free runs using the spare
 * descriptors sp[0], sp[1] (taken before anything changed); each one used is
 * set to NULL. */
static struct mem_run *carve_locked(struct mem_arena *a, struct mem_run *r, uint32_t at, uint32_t n,
                                    struct mem_run *sp[2])
{
	uint32_t end = r->first + r->npages;
	int next = 0;
	WEIR_ASSERT(at >= r->first && (uint64_t)at + n <= end,
	            "arena.c: a carve lies inside its free run");
	WEIR_ASSERT(weir_load_relaxed(&a->pmap[r->first]) == ((uintptr_t)r | MEM_PM_FREE) &&
	                    weir_load_relaxed(&a->pmap[end - 1]) == ((uintptr_t)r | MEM_PM_FREE),
	            "arena.c inv 3: a free run's first and last pages map run|FREE");
	bin_remove_locked(a, r);
	weir_store_release(&a->pmap[r->first], (uintptr_t)0); /* PM-R1 */
	weir_store_release(&a->pmap[end - 1], (uintptr_t)0);  /* PM-R1 */
	if (at > r->first) {
		struct mem_run *left = sp[next];
		sp[next++] = NULL;
		left->first = r->first;
		left->npages = at - r->first;
		mark_free_locked(a, left);
	}
	if (at + n < end) {
		struct mem_run *right = sp[next];
		sp[next++] = NULL;
		right->first = at + n;
		right->npages = end - (at + n);
		mark_free_locked(a, right);
	}
	r->first = at;
	r->npages = n;
	return r;
}

/* Allocate n pages (aligned to `align` pages) under the lock; returns the
 * live run or NULL with the code in *rc. Nothing changes on failure. */
static struct mem_run *pages_alloc_locked(struct mem_arena *a, uint32_t n, uint32_t align,
                                          bool huge, int *rc)
{
	struct mem_run *sp[2] = { run_get_locked(a), run_get_locked(a) };
	struct mem_run *r = NULL;
	uint32_t at = 0;
	*rc = WEIR_ENOMEM;
	if (!sp[0] || !sp[1])
		goto out;
	r = find_fit_locked(a, n, align, &at);
	if (!r)
		goto out;
	/* Commit first: if it fails nothing has changed yet. */
	*rc = commit_locked(a, at, n, huge);
	if (*rc != WEIR_OK) {
		r = NULL;
		goto out;
	}
	r = carve_locked(a, r, at, n, sp);
	r->live = true;
	r->huge = huge;
	*rc = WEIR_OK;
out:
	if (sp[0])
		run_put_locked(a, sp[0]);
	if (sp[1])
		run_put_locked(a, sp[1]);
	return r;
}

/* Return a run's pages to the free runs, merging with free neighbours
 * (invariant 2). */
static void pages_free_locked(struct mem_arena *a, struct mem_run *r)
{
	WEIR_ASSERT(!r->cached,
	            "arena.c inv 7: a cached run leaves its quick list before it is freed");
	WEIR_ASSERT(weir_load_relaxed(&a->pmap[r->first]) == ((uintptr_t)r | MEM_PM_LIVE) &&
	                    weir_load_relaxed(&a->pmap[r->first + r->npages - 1]) ==
	                            ((uintptr_t)r | MEM_PM_LIVE),
	            "arena.c inv 3: the pages of a live or cached run map run|LIVE");
	pmap_set_locked(a, r->first, r->npages, 0);
	if (r->first > 0) {
		uintptr_t e = weir_load_relaxed(&a->pmap[r->first - 1]); /* lock held */
		if ((e & MEM_PM_TAG) == MEM_PM_FREE) {
			struct mem_run *l = (struct mem_run *)MEM_PM_PTR(e);
			WEIR_ASSERT(l->first + l->npages == r->first,
			            "arena.c inv 3: a free run's last page maps it");
			bin_remove_locked(a, l);
			weir_store_release(&a->pmap[l->first], (uintptr_t)0);     /* PM-R1 */
			weir_store_release(&a->pmap[r->first - 1], (uintptr_t)0); /* PM-R1 */
			r->npages += l->npages;
			r->first = l->first;
			run_put_locked(a, l);
		}
	}
	uint32_t end = r->first + r->npages;
	if (end < a->npages) {
		uintptr_t e = weir_load_relaxed(&a->pmap[end]); /* lock held */
		if ((e & MEM_PM_TAG) == MEM_PM_FREE) {
			struct mem_run *rr = (struct mem_run *)MEM_PM_PTR(e);
			WEIR_ASSERT(rr->first == end,
			            "arena.c inv 3: a free run's first page maps it");
			bin_remove_locked(a, rr);
			weir_store_release(&a->pmap[end], (uintptr_t)0); /* PM-R1 */
			weir_store_release(&a->pmap[rr->first + rr->npages - 1],
			                   (uintptr_t)0); /* PM-R1 */
			r->npages += rr->npages;
			run_put_locked(a, rr);
		}
	}
	mark_free_locked(a, r);
}

/* Free every cached run for real (invariant 7). */
static void quick_flush_locked(struct mem_arena *a)
{
	for (uint32_t n = 1; n <= MEM_QUICK_PAGES; n++) {
		while (a->quick[n]) {
			struct mem_run *r = a->quick[n];
			a->quick[n] = r->next;
			r->next = NULL;
			r->cached = false;
			pages_free_locked(a, r);
		}
		a->quick_n[n] = 0;
	}
	a->quick_bytes = 0;
}

/* pages_alloc_locked(), but first from the quick lists for normal runs,
 * and with the quick lists flushed before giving up. */
static struct mem_run *large_get_locked(struct mem_arena *a, uint32_t n, uint32_t align, bool huge,
                                        int *rc)
{
	if (!huge && n <= MEM_QUICK_PAGES && a->quick[n]) {
		struct mem_run *r = a->quick[n];
		WEIR_ASSERT(r->cached && !r->live && r->req == 0 && r->npages == n,
		            "arena.c inv 7: a cached run is free (live false, req 0) and on "
		            "quick[npages]");
		WEIR_ASSERT(a->quick_n[n] >= 1 && a->quick_bytes >= ((uint64_t)n << MEM_PAGE_SHIFT),
		            "arena.c inv 7: the quick-list counters cover the cached runs");
		a->quick[n] = r->next;
		a->quick_n[n]--;
		a->quick_bytes -= (uint64_t)n << MEM_PAGE_SHIFT;
		r->next = NULL;
		r->cached = false;
		r->live = true;
		*rc = WEIR_OK;
		return r;
	}
	struct mem_run *r = pages_alloc_locked(a, n, align, huge, rc);
	if (!r && *rc == WEIR_ENOMEM && a->quick_bytes) {
		quick_flush_locked(a);
		r = pages_alloc_locked(a, n, align, huge, rc);
	}
	return r;
}

int weir__mem_large_alloc(struct weir_mem *m, struct mem_arena *a, size_t size, int policy,
                          void **out)
{
	bool want_huge = policy == WEIR_MEM_HUGE_ONLY ||
	                 (policy == WEIR_MEM_HUGE_FIRST && size > ((size_t)1 << 20));
	size_t psize = (size + MEM_PAGE - 1) & ~(MEM_PAGE - 1);
	size_t hsize = (size + MEM_HUGE - 1) & ~(MEM_HUGE - 1);
	if (psize < size || hsize < size || hsize > a->capacity) {
		if (policy == WEIR_MEM_HUGE_ONLY || psize < size || psize > a->capacity)
			goto oom_nolock;
		want_huge = false;
	}
	int rc = WEIR_ENOMEM;
	struct mem_run *r = NULL;
	pthread_mutex_lock(&a->lock);
	if (want_huge)
		r = large_get_locked(a, (uint32_t)(hsize >> MEM_PAGE_SHIFT),
		                     (uint32_t)MEM_HUGE_PAGES, true, &rc);
	if (!r && policy != WEIR_MEM_HUGE_ONLY)
		r = large_get_locked(a, (uint32_t)(psize >> MEM_PAGE_SHIFT), 1, false, &rc);
	if (!r) {
		pthread_mutex_unlock(&a->lock);
		weir_faa_relaxed(&a->failed_allocs, 1); /* relaxed: statistics */
		return rc;
	}
	WEIR_ASSERT(r->live && ((uint64_t)r->npages << MEM_PAGE_SHIFT) >= size,
	            "arena.c: a large allocation gets a live run that holds it");
	r->req = size;
	/* a run from the quick list kept its entries (invariant 7) */
	if (weir_load_relaxed(&a->pmap[r->first]) != ((uintptr_t)r | MEM_PM_LIVE)) /* lock held */
		pmap_set_locked(a, r->first, r->npages, (uintptr_t)r | MEM_PM_LIVE);
	/* relaxed: counters summed by weir_mem_info (exact when quiescent) */
	LOCKED_ADD(a->large_in_use, (int64_t)size);
	LOCKED_ADD(a->large_footprint, (int64_t)r->npages << MEM_PAGE_SHIFT);
	LOCKED_ADD(a->large_live, 1);
	LOCKED_ADD(a->large_allocs, 1);
	if (r->huge)
		LOCKED_ADD(a->huge_allocs, 1);
	char *p = a->base + ((size_t)r->first << MEM_PAGE_SHIFT);
	pthread_mutex_unlock(&a->lock);
	if (m->debug)
		memset(p, MEM_POISON_NEW, size);
	*out = p;
	return WEIR_OK;
oom_nolock:
	weir_faa_relaxed(&a->failed_allocs, 1); /* relaxed: statistics */
	return WEIR_ENOMEM;
}

int weir__mem_large_free(struct weir_mem *m, struct mem_arena *a, void *p)
{
	size_t off = (size_t)((char *)p - a->base);
	uint32_t pg = (uint32_t)(off >> MEM_PAGE_SHIFT);
	pthread_mutex_lock(&a->lock);
	uintptr_t e = weir_load_relaxed(
	        &a->pmap[pg]); /* lock held: entries of runs change only under it */
	if ((e & MEM_PM_TAG) != MEM_PM_LIVE) {
		pthread_mutex_unlock(&a->lock);
		weir_faa_relaxed(&a->bad_frees, 1);
		return WEIR_EFREED;
	}
	struct mem_run *r = (struct mem_run *)MEM_PM_PTR(e);
	char *base = a->base + ((size_t)r->first << MEM_PAGE_SHIFT);
	if ((char *)p != base || !r->live) {
		pthread_mutex_unlock(&a->lock);
		weir_faa_relaxed(&a->bad_frees, 1);
		/* a cached run has req 0: EFREED (invariant 7) */
		return off - ((size_t)r->first << MEM_PAGE_SHIFT) < r->req ? WEIR_EINTERIOR
		                                                           : WEIR_EFREED;
	}
	size_t req = r->req;
	WEIR_ASSERT(weir_load_relaxed(&a->large_in_use) >= (int64_t)req &&
	                    weir_load_relaxed(&a->large_live) >= 1,
	            "arena.c inv 6: large_in_use is the sum of live runs' req (never negative)");
	LOCKED_ADD(a->large_in_use, -(int64_t)req);
	LOCKED_ADD(a->large_footprint, -((int64_t)r->npages << MEM_PAGE_SHIFT));
	LOCKED_ADD(a->large_live, -1);
	LOCKED_ADD(a->large_frees, 1);
	if (m->debug)
		memset(base, MEM_POISON_FREE, req);
	uint64_t bytes = (uint64_t)r->npages << MEM_PAGE_SHIFT;
	if (!r->huge && r->npages <= MEM_QUICK_PAGES && a->quick_n[r->npages] < MEM_QUICK_DEPTH &&
	    a->quick_bytes + bytes <= a->quick_cap) {
		/* invariant 7: keep it whole, entries untouched */
		r->live = false;
		r->req = 0;
		r->cached = true;
		r->prev = NULL;
		r->next = a->quick[r->npages];
		a->quick[r->npages] = r;
		a->quick_n[r->npages]++;
		a->quick_bytes += bytes;
	} else {
		pages_free_locked(a, r);
	}
	pthread_mutex_unlock(&a->lock);
	return WEIR_OK;
}

int weir__mem_slab_new(struct weir_mem *m, struct mem_arena *a, uint32_t cls, struct mem_slab **out)
{
	uint32_t size = weir__mem_class_size[cls];
	uint32_t npages = weir__mem_class_pages(cls);
	uint32_t nobj = (uint32_t)(((size_t)npages << MEM_PAGE_SHIFT) / size);
	uint32_t batch = weir__mem_class_batch(cls);
	/* nobj + 1 meta words: meta[nobj] stays 0 (the tail is freed space). */
	struct mem_slab *s = weir__calloc(1, sizeof(*s) + ((size_t)nobj + 1) * sizeof(s->meta[0]));
	if (!s)
		return WEIR_ENOMEM;
	int rc = weir__mem_pool_reserve(m, (nobj + batch - 1) / batch + 1);
	if (rc != WEIR_OK) {
		weir__free(s);
		return rc;
	}
	pthread_mutex_lock(&a->lock);
	struct mem_run *r = large_get_locked(a, npages, 1, false, &rc);
	if (!r) {
		pthread_mutex_unlock(&a->lock);
		weir__free(s);
		return rc;
	}
	WEIR_ASSERT(r->npages == npages && !r->huge,
	            "arena.c: a slab takes a normal run of its class's pages");
	s->base = a->base + ((size_t)r->first << MEM_PAGE_SHIFT);
	s->cls = cls;
	s->size = size;
	s->nobj = nobj;
	s->npages = npages;
	s->recip = (((uint64_t)1 << 40) / size) + 1;
	s->ai = (uint32_t)(a - m->arenas);
	s->key = weir__mem_key(m, s->ai);
	s->bmax16 = 2 * batch * (uint32_t)MEM_W_SLOT;
	s->boff = (uint32_t)(offsetof(struct mem_tarena, bin) + cls * sizeof(struct mem_tbin));
	s->all_next = a->all_slabs;
	a->all_slabs = s;
	pmap_set_locked(a, r->first, npages,
	                (uintptr_t)s | MEM_PM_SLAB |
	                        (a->id == WEIR_MEM_HOST ? MEM_PM_HOST : 0)); /* PM-R1 */
	run_put_locked(a, r); /* the slab owns the pages now; recycle the descriptor */
	pthread_mutex_unlock(&a->lock);
	*out = s;
	return WEIR_OK;
}

void weir__mem_arena_classify(struct weir_mem *m, struct mem_arena *a, const void *p,
                              weir_mem_ptrinfo_t *info)
{
	size_t off = (size_t)((const char *)p - a->base);
	uint32_t pg = (uint32_t)(off >> MEM_PAGE_SHIFT);
	info->kind = a->id == WEIR_MEM_HOST ? WEIR_MEM_KIND_PINNED : WEIR_MEM_KIND_DEVICE;
	info->device = a->id;
	/* PM-A1: acquire - pairs with PM-R1; a slab entry never changes once set. */
	uintptr_t e = weir_load_acquire(&a->pmap[pg]);
	if ((e & MEM_PM_TAG) == MEM_PM_SLAB) {
		struct mem_slab *s = (struct mem_slab *)MEM_PM_PTR(e);
		size_t so = (size_t)((const char *)p - s->base);
		uint32_t idx = (uint32_t)((so * s->recip) >> 40);
		if (idx >= s->nobj)
			return;
		/* relaxed: the caller's own synchronization orders it after the
		 * alloc that wrote it (as for any use of the pointer) */
		uint32_t v = weir_load_relaxed(&s->meta[idx]);
		size_t o = so - (size_t)idx * s->size;
		if (!(v & MEM_OBJ_LIVE) || o >= (v & MEM_OBJ_SIZE))
			return;
		info->live = true;
		info->start = o == 0;
		info->base = s->base + (size_t)idx * s->size;
		info->size = v & MEM_OBJ_SIZE;
		info->offset = o;
		return;
	}
	pthread_mutex_lock(&a->lock);
	e = weir_load_relaxed(&a->pmap[pg]); /* lock held */
	if ((e & MEM_PM_TAG) == MEM_PM_LIVE) {
		struct mem_run *r = (struct mem_run *)MEM_PM_PTR(e);
		size_t o = off - ((size_t)r->first << MEM_PAGE_SHIFT);
		if (o < r->req) {
			info->live = true;
			info->start = o == 0;
			info->base = a->base + ((size_t)r->first << MEM_PAGE_SHIFT);
			info->size = r->req;
			info->offset = o;
		}
	}
	pthread_mutex_unlock(&a->lock);
	(void)m;
}
