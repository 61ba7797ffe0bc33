/*
 * mem/mem.c - weir_mem_t: creation, the public allocation entry points,
 * classification and statistics.
 */
#include "mem/mem_internal.h"
#include "base/alloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Parse "123", "64K", "512M", "2G", "1T" (binary units; "Ki", "KiB" and
 * "KB" spellings too). 0 on error: not a plain unsigned decimal (no sign,
 * no blank), an unknown suffix, or a product that does not fit 64 bits
 * (checked, never wrapped). */
static uint64_t parse_bytes(const char *s)
{
	if (*s < '0' || *s > '9')
		return 0; /* strtoull would take " 1", "+1" and wrap "-1" */
	char *end = NULL;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s)
		return 0;
	uint64_t mul = 1;
	switch (*end) {
	case 'k':
	case 'K':
		mul = (uint64_t)1 << 10;
		end++;
		break;
	case 'm':
	case 'M':
		mul = (uint64_t)1 << 20;
		end++;
		break;
	case 'g':
	case 'G':
		mul = (uint64_t)1 << 30;
		end++;
		break;
	case 't':
	case 'T':
		mul = (uint64_t)1 << 40;
		end++;
		break;
	default: break;
	}
	if (mul > 1 && *end == 'i')
		end++;
	if (mul > 1 && *end == 'B')
		end++;
	uint64_t bytes;
	if (*end != '\0' || __builtin_mul_overflow((uint64_t)v, mul, &bytes))
		return 0;
	return bytes;
}

static bool env_flag(const char *name)
{
	const char *v = getenv(name);
	return v && *v && strcmp(v, "0") != 0;
}

/* A: relaxed; the source of weir_mem.key */
static _Atomic uint32_t mem_keys;

int weir_mem_create(weir_runtime_t *rt, weir_mem_t **out)
{
	if (!rt)
		return WEIR_EINVAL;
	return weir_mem_create_ex(rt, NULL, out);
}

int weir_mem_create_ex(weir_runtime_t *rt, const weir_mem_options_t *opt, weir_mem_t **out)
{
	if (!out)
		return WEIR_EINVAL;
	weir_mem_options_t o = { 0 };
	if (opt)
		o = *opt;
	uint32_t ndev;
	uint64_t cap = o.capacity;
	if (rt) {
		ndev = weir_runtime_device_count(rt);
		if (!cap)
			cap = weir_runtime_config(rt)->mem_capacity;
	} else {
		ndev = o.devices;
	}
	if (ndev == 0 || ndev > WEIR_MAX_DEVICES)
		return WEIR_EINVAL;
	if (!cap) {
		const char *e = getenv("WEIR_MEM_CAPACITY");
		if (e && *e) {
			cap = parse_bytes(e);
			if (!cap)
				return WEIR_EINVAL;
		}
	}
	if (!cap)
		cap = WEIR_MEM_DEFAULT_CAPACITY;
	uint64_t hcap = o.host_capacity ? o.host_capacity : cap;
	/* Capacities are whole 2 MiB chunks; below one chunk is refused, and
	 * so is more than one arena can ever reserve (MEM_MAX_CAPACITY) - before
	 * any arithmetic on them, so that nothing below shifts by >= 64 or
	 * overflows. */
	if (cap < MEM_MIN_CAPACITY || hcap < MEM_MIN_CAPACITY || cap > MEM_MAX_CAPACITY ||
	    hcap > MEM_MAX_CAPACITY)
		return WEIR_EINVAL;
	cap &= ~((uint64_t)MEM_HUGE - 1);
	hcap &= ~((uint64_t)MEM_HUGE - 1);
	uint64_t biggest = cap > hcap ? cap : hcap;
	/* The stride: the smallest power of two >= biggest (2^21..2^45). */
	uint32_t shift = 64u - (uint32_t)__builtin_clzll(biggest - 1);
	if (shift < MEM_HUGE_SHIFT)
		shift = MEM_HUGE_SHIFT;
	uint32_t narenas = ndev + 1;
	/* At most 2^MEM_SPAN_MAX_SHIFT bytes of address space for one weir_mem_t
	 * (shift <= MEM_SPAN_MAX_SHIFT - 1 and narenas <= 65: no overflow). */
	if (shift >= MEM_SPAN_MAX_SHIFT ||
	    ((uint64_t)narenas << shift) > ((uint64_t)1 << MEM_SPAN_MAX_SHIFT))
		return WEIR_EINVAL;

	weir__mem_global_init();
	struct weir_mem *m = weir__calloc(1, sizeof(*m));
	if (!m)
		return WEIR_ENOMEM;
	m->rt = rt;
	m->ndev = ndev;
	m->narenas = narenas;
	m->stride_shift = shift;
	m->debug = (o.flags & WEIR_MEM_OPT_DEBUG) ||
	           (!(o.flags & WEIR_MEM_OPT_NO_DEBUG) && env_flag("WEIR_MEM_DEBUG"));
	m->span = (size_t)narenas << shift;
	uint64_t pages_total = ((uint64_t)ndev * cap + hcap) >> MEM_PAGE_SHIFT;
	/* Nodes needed are at most 33 per page (64 B class, invariant 4 of
	 * cache.c); chunks hold 256. */
	m->chunk_cap = (uint32_t)((pages_total * 33 + 255) / 256 + 1);
	/* Outbox and inbox nodes on top of that (invariant 4): as many again. */
	m->chunk_cap *= 2;
	m->chunks = weir__calloc(m->chunk_cap, sizeof(*m->chunks));
	m->owners = weir__calloc(MEM_OWNER_MAX + 1, sizeof(*m->owners));
	/* relaxed: any unique number; 2^31 creations before a key repeats */
	m->key = (uint64_t)(weir_faa_relaxed(&mem_keys, 1) + 1) << 33;
	m->arenas = weir__calloc(narenas, sizeof(*m->arenas));
	/* One page map over the whole span (entries past an arena's capacity
	 * stay 0); calloc's pages are touched only where arenas are used. */
	m->pmap = weir__calloc(m->span >> MEM_PAGE_SHIFT, sizeof(*m->pmap));
	if (!m->chunks || !m->arenas || !m->pmap || !m->owners)
		goto fail_meta;
	if (pthread_mutex_init(&m->pool_lock, NULL) != 0)
		goto fail_meta;
	if (weir__mem_sys_failpoint() != WEIR_OK)
		goto fail_pool;
	/* Reserve span + 2 MiB, keep a 2 MiB-aligned span. */
	m->map_len = m->span + MEM_HUGE;
	m->map = mmap(NULL, m->map_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
	              0);
	if (m->map == MAP_FAILED) {
		m->map = NULL;
		goto fail_pool;
	}
	m->base = (char *)(((uintptr_t)m->map + MEM_HUGE - 1) & ~((uintptr_t)MEM_HUGE - 1));
	uint32_t done = 0;
	for (; done < narenas; done++) {
		bool host = done == ndev;
		int rc = weir__mem_arena_init(m, &m->arenas[done], host ? WEIR_MEM_HOST : done,
		                              m->base + ((size_t)done << shift), host ? hcap : cap);
		if (rc != WEIR_OK)
			goto fail_arenas;
	}
	/* One reservation mmap for the whole mem. */
	weir_faa_relaxed(&m->arenas[0].syscalls, 1); /* relaxed: statistics */
	*out = m;
	return WEIR_OK;

fail_arenas:
	while (done-- > 0)
		weir__mem_arena_fini(&m->arenas[done]);
	munmap(m->map, m->map_len);
fail_pool:
	weir__mem_pool_fini(m);
	weir__free(m->arenas);
	weir__free(m->pmap);
	weir__free(m->owners);
	weir__free(m);
	return WEIR_ENOMEM;
fail_meta:
	weir__free(m->chunks);
	weir__free(m->arenas);
	weir__free(m->pmap);
	weir__free(m->owners);
	weir__free(m);
	return WEIR_ENOMEM;
}

void weir_mem_destroy(weir_mem_t *m)
{
	if (!m)
		return;
	weir__mem_caches_detach(m);
	for (uint32_t i = 0; i < m->narenas; i++)
		weir__mem_arena_fini(&m->arenas[i]);
	weir__mem_pool_fini(m);
	munmap(m->map, m->map_len);
	weir__free(m->arenas);
	weir__free(m->pmap);
	weir__free(m->owners);
	weir__free(m);
}

void weir_mem_flush(weir_mem_t *m)
{
	if (m)
		weir__mem_caches_flush(m);
}

uint32_t weir_mem_device_count(const weir_mem_t *m)
{
	return m ? m->ndev : 0;
}

/* Every allocation that the fast path does not take: checks, large
 * sizes, huge-page policies, empty bins, debug mode, first use. */
static __attribute__((noinline)) int alloc_slow(struct weir_mem *m, uint32_t dev, size_t size,
                                                int policy, void **out, bool host)
{
	if (!m || !out || size == 0 || size > SIZE_MAX / 2)
		return WEIR_EINVAL;
	if (!host && (policy < WEIR_MEM_HUGE_FIRST || policy > WEIR_MEM_NORMAL_ONLY))
		return WEIR_EINVAL;
	if (!host && dev >= m->ndev)
		return WEIR_EDEVICE;
	struct mem_arena *a = &m->arenas[host ? m->ndev : dev];
	if (policy == WEIR_MEM_HUGE_ONLY || size > MEM_SMALL_MAX)
		return weir__mem_large_alloc(m, a, size, policy, out);
	return weir__mem_small_alloc(m, a, size, out);
}

/* A small allocation the fast path could not serve (m, out, size and the
 * policy already checked): fewer arguments than alloc_slow(), so the fast
 * path keeps fewer registers alive. */
static __attribute__((noinline)) int alloc_small_slow(struct weir_mem *m, uint32_t ai, size_t size,
                                                      void **out)
{
	if (ai >= m->narenas)
		return WEIR_EDEVICE;
	return weir__mem_small_alloc(m, &m->arenas[ai], size, out);
}

int weir_mem_alloc(weir_mem_t *m, uint32_t dev, size_t size, int policy, void **out)
{
	/* One test for size 0 and size > MEM_SMALL_MAX, one for the policies
	 * served by slabs (HUGE_FIRST and NORMAL_ONLY; others are invalid or
	 * HUGE_ONLY): the two act alike below MEM_SMALL_MAX. */
	if (MEM_UNLIKELY(!m || !out || size - 1 >= MEM_SMALL_MAX ||
	                 (policy & ~WEIR_MEM_NORMAL_ONLY) != 0))
		return alloc_slow(m, dev, size, policy, out, false);
	/* dev is checked by the cache key (set for valid pairs only) */
	if (MEM_UNLIKELY(weir__mem_tl.key != (m->key | dev)))
		return alloc_small_slow(m, dev < m->ndev ? dev : UINT32_MAX, size, out);
	if (MEM_LIKELY(weir__mem_small_alloc_fast(size, out)))
		return WEIR_OK;
	/* the key's low half is the arena: dev need not stay in a register */
	return alloc_small_slow(m, (uint32_t)weir__mem_tl.key, size, out);
}

int weir_mem_host_alloc(weir_mem_t *m, size_t size, void **out)
{
	if (MEM_UNLIKELY(!m || !out || size - 1 >= MEM_SMALL_MAX))
		return alloc_slow(m, 0, size, WEIR_MEM_NORMAL_ONLY, out, true);
	if (MEM_LIKELY(weir__mem_tl.key == (m->key | MEM_KEY_HOST | m->ndev)) &&
	    MEM_LIKELY(weir__mem_small_alloc_fast(size, out)))
		return WEIR_OK;
	return alloc_small_slow(m, m->ndev, size, out);
}

/* Every free that the fast path does not take: checks, large runs,
 * errors, full bins, debug mode. Changes nothing on an error. */
static __attribute__((noinline)) int free_slow(struct weir_mem *m, void *p, bool host)
{
	if (!m || !p)
		return WEIR_EINVAL;
	struct mem_arena *a = weir__mem_arena_of(m, p);
	if (!a || (a->id == WEIR_MEM_HOST) != host) {
		if (a)
			weir_faa_relaxed(&a->bad_frees, 1); /* relaxed: statistics */
		return WEIR_EFOREIGN;
	}
	size_t pg = (size_t)((char *)p - a->base) >> MEM_PAGE_SHIFT;
	/* PM-A1: acquire - pairs with PM-R1; slab entries never change once set */
	uintptr_t e = weir_load_acquire(&a->pmap[pg]);
	if ((e & MEM_PM_TAG) == MEM_PM_SLAB)
		return weir__mem_small_free(m, a, (struct mem_slab *)MEM_PM_PTR(e), p);
	return weir__mem_large_free(m, a, p);
}

/* The fast free: p lies in a slab page of the wanted kind of arena
 * (device or pinned host) - one subtraction, one compare, one load of the
 * page map that covers every arena - and the fast path takes it. */
static inline bool free_fast(struct weir_mem *m, void *p, uintptr_t want)
{
	uintptr_t off = (uintptr_t)p - (uintptr_t)m->base;
	if (MEM_UNLIKELY(off >= m->span))
		return false;
	/* PM-A1: acquire - pairs with PM-R1; slab entries never change once set */
	uintptr_t e = weir_load_acquire(&m->pmap[off >> MEM_PAGE_SHIFT]) - want;
	/* e = slab | kind, the slab 8-byte aligned: e - want is the slab iff
	 * its low bits are now 0 (one subtraction both tests and strips) */
	if (MEM_UNLIKELY(e & MEM_PM_KIND))
		return false;
	return weir__mem_small_free_fast((struct mem_slab *)e, p);
}

int weir_mem_free(weir_mem_t *m, void *p)
{
	if (MEM_LIKELY(m != NULL) && MEM_LIKELY(free_fast(m, p, MEM_PM_SLAB)))
		return WEIR_OK;
	return free_slow(m, p, false);
}

int weir_mem_host_free(weir_mem_t *m, void *p)
{
	if (MEM_LIKELY(m != NULL) && MEM_LIKELY(free_fast(m, p, MEM_PM_SLAB | MEM_PM_HOST)))
		return WEIR_OK;
	return free_slow(m, p, true);
}

int weir_mem_classify(weir_mem_t *m, const void *p, weir_mem_ptrinfo_t *info)
{
	if (!m || !info)
		return WEIR_EINVAL;
	memset(info, 0, sizeof(*info));
	info->kind = WEIR_MEM_KIND_FOREIGN;
	struct mem_arena *a = p ? weir__mem_arena_of(m, p) : NULL;
	if (a)
		weir__mem_arena_classify(m, a, p, info);
	return WEIR_OK;
}

int weir_mem_info(weir_mem_t *m, uint32_t dev, weir_mem_stats_t *out)
{
	if (!m || !out)
		return WEIR_EINVAL;
	uint32_t ai = dev == WEIR_MEM_HOST ? m->ndev : dev;
	if (ai >= m->narenas || (dev != WEIR_MEM_HOST && dev >= m->ndev))
		return WEIR_EDEVICE;
	struct mem_arena *a = &m->arenas[ai];
	struct mem_sums s = { 0 };
	weir__mem_caches_sum(m, ai, &s);
	/* relaxed: counters (exact when quiescent, see the header) */
	s.in_use +=
	        weir_load_relaxed(&a->large_in_use) + weir_load_relaxed(&a->small_adjust_in_use);
	s.footprint += weir_load_relaxed(&a->large_footprint) +
	               weir_load_relaxed(&a->small_adjust_footprint);
	s.live += weir_load_relaxed(&a->small_adjust_live);
	/* Small frees = small allocs - small live objects (see mem_tbin). */
	s.frees = s.allocs - (uint64_t)s.live;
	s.live += weir_load_relaxed(&a->large_live);
	s.allocs += weir_load_relaxed(&a->large_allocs);
	s.frees += weir_load_relaxed(&a->large_frees);
	memset(out, 0, sizeof(*out));
	out->capacity = a->capacity;
	out->in_use = s.in_use < 0 ? 0 : (uint64_t)s.in_use;
	out->free = out->in_use > a->capacity ? 0 : a->capacity - out->in_use;
	out->footprint = s.footprint < 0 ? 0 : (uint64_t)s.footprint;
	out->committed = weir_load_relaxed(&a->committed_bytes);
	out->live = s.live < 0 ? 0 : (uint64_t)s.live;
	out->allocs = s.allocs;
	out->frees = s.frees;
	out->failed_allocs = weir_load_relaxed(&a->failed_allocs);
	out->bad_frees = weir_load_relaxed(&a->bad_frees);
	out->huge_allocs = weir_load_relaxed(&a->huge_allocs);
	out->syscalls = weir_load_relaxed(&a->syscalls);
	return WEIR_OK;
}
