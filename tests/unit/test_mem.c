/*
 * Unit tests: device memory (weir/mem.h) - allocation and accounting,
 * misuse detection that changes nothing (I6), classification, policies and
 * coalescing, OOM, checked copies/fills (sync and async), debug poisoning,
 * thread caches across threads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "common/memfix.h"

/* Allocator state that misuse must leave alone. */
static void assert_same_state(const weir_mem_stats_t *a, const weir_mem_stats_t *b)
{
	assert_int_equal(a->in_use, b->in_use);
	assert_int_equal(a->free, b->free);
	assert_int_equal(a->footprint, b->footprint);
	assert_int_equal(a->live, b->live);
	assert_int_equal(a->allocs, b->allocs);
	assert_int_equal(a->frees, b->frees);
}

static void fill_pat(void *p, size_t n, uint8_t seed)
{
	uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(seed + i * 7);
}

static bool check_pat(const void *p, size_t n, uint8_t seed)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i] != (uint8_t)(seed + i * 7))
			return false;
	return true;
}

static void test_create_args(void **state)
{
	(void)state;
	weir_mem_t *m = NULL;
	weir_mem_options_t o = { .devices = 0, .capacity = 8 * MiB };
	assert_int_equal(weir_mem_create(NULL, &m), WEIR_EINVAL);
	assert_int_equal(weir_mem_create_ex(NULL, &o, &m), WEIR_EINVAL);
	o.devices = WEIR_MAX_DEVICES + 1;
	assert_int_equal(weir_mem_create_ex(NULL, &o, &m), WEIR_EINVAL);
	o.devices = 1;
	o.capacity = 1 * MiB; /* below one 2 MiB chunk */
	assert_int_equal(weir_mem_create_ex(NULL, &o, &m), WEIR_EINVAL);
	assert_int_equal(weir_mem_create_ex(NULL, &o, NULL), WEIR_EINVAL);
	assert_null(m);
	weir_mem_destroy(NULL);
	o.capacity = 5 * MiB; /* rounded down to whole 2 MiB chunks */
	assert_int_equal(weir_mem_create_ex(NULL, &o, &m), WEIR_OK);
	assert_int_equal(wt_mem_stats(m, 0).capacity, 4 * MiB);
	assert_int_equal(weir_mem_device_count(m), 1);
	weir_mem_stats_t s;
	assert_int_equal(weir_mem_info(m, 1, &s), WEIR_EDEVICE);
	assert_int_equal(weir_mem_info(m, 0, NULL), WEIR_EINVAL);
	assert_int_equal(weir_mem_info(m, WEIR_MEM_HOST, &s), WEIR_OK);
	weir_mem_destroy(m);
}

static void test_env_capacity(void **state)
{
	(void)state;
	setenv("WEIR_MEM_CAPACITY", "64M", 1);
	weir_mem_t *m = wt_mem_new(2, 0, 0);
	assert_int_equal(wt_mem_stats(m, 1).capacity, 64 * MiB);
	weir_mem_destroy(m);
	setenv("WEIR_MEM_CAPACITY", "12x", 1);
	weir_mem_options_t o = { .devices = 1 };
	assert_int_equal(weir_mem_create_ex(NULL, &o, &m), WEIR_EINVAL);
	unsetenv("WEIR_MEM_CAPACITY");
	m = wt_mem_new(1, 0, 0);
	assert_int_equal(wt_mem_stats(m, 0).capacity, WEIR_MEM_DEFAULT_CAPACITY);
	weir_mem_destroy(m);
}

static void test_alloc_accounting(void **state)
{
	(void)state;
	weir_mem_t *m = wt_mem_new(2, 64 * MiB, 0);
	static const size_t sizes[] = { 1,    63,    64,     65,     100,    1000,    4096,
		                        4128, 65536, 200000, 262144, 262145, 1 * MiB, 3 * MiB + 5 };
	enum { N = sizeof(sizes) / sizeof(sizes[0]) };
	void *p[N][2];
	uint64_t want = 0;
	for (size_t i = 0; i < N; i++) {
		for (uint32_t d = 0; d < 2; d++) {
			assert_int_equal(
			        weir_mem_alloc(m, d, sizes[i], WEIR_MEM_NORMAL_ONLY, &p[i][d]),
			        WEIR_OK);
			assert_int_equal((uintptr_t)p[i][d] % WEIR_MEM_ALIGN, 0);
			fill_pat(p[i][d], sizes[i], (uint8_t)(i + d));
			weir_mem_ptrinfo_t inf;
			assert_int_equal(weir_mem_classify(m, p[i][d], &inf), WEIR_OK);
			assert_int_equal(inf.kind, WEIR_MEM_KIND_DEVICE);
			assert_int_equal(inf.device, d);
			assert_true(inf.live && inf.start);
			assert_int_equal(inf.size, sizes[i]);
			assert_int_equal(weir_mem_classify(m, (char *)p[i][d] + sizes[i] - 1, &inf),
			                 WEIR_OK);
			assert_true(inf.live && inf.start == (sizes[i] == 1));
			assert_ptr_equal(inf.base, p[i][d]);
			assert_int_equal(inf.offset, sizes[i] - 1);
		}
		want += sizes[i];
		weir_mem_stats_t s = wt_mem_stats(m, 0);
		assert_int_equal(s.in_use, want);
		assert_int_equal(s.free, s.capacity - want);
		assert_int_equal(s.live, i + 1);
	}
	for (size_t i = 0; i < N; i++)
		for (uint32_t d = 0; d < 2; d++)
			assert_true(check_pat(p[i][d], sizes[i], (uint8_t)(i + d)));
	for (size_t i = 0; i < N; i++) {
		assert_int_equal(weir_mem_free(m, p[i][0]), WEIR_OK);
		want -= sizes[i];
		assert_int_equal(wt_mem_stats(m, 0).in_use, want);
	}
	/* device 1 untouched by device 0's frees */
	assert_int_equal(wt_mem_stats(m, 1).live, N);
	for (size_t i = 0; i < N; i++)
		assert_int_equal(weir_mem_free(m, p[i][1]), WEIR_OK);
	for (uint32_t d = 0; d < 2; d++) {
		weir_mem_stats_t s = wt_mem_stats(m, d);
		assert_int_equal(s.in_use, 0);
		assert_int_equal(s.live, 0);
		assert_int_equal(s.footprint, 0);
		assert_int_equal(s.free, s.capacity);
		assert_int_equal(s.allocs, N);
		assert_int_equal(s.frees, N);
	}
	void *q;
	assert_int_equal(weir_mem_alloc(m, 0, 0, 0, &q), WEIR_EINVAL);
	assert_int_equal(weir_mem_alloc(m, 0, 8, 3, &q), WEIR_EINVAL);
	assert_int_equal(weir_mem_alloc(m, 0, 8, -1, &q), WEIR_EINVAL);
	assert_int_equal(weir_mem_alloc(m, 0, 8, 0, NULL), WEIR_EINVAL);
	assert_int_equal(weir_mem_alloc(m, 2, 8, 0, &q), WEIR_EDEVICE);
	assert_int_equal(weir_mem_alloc(m, 0, SIZE_MAX, 0, &q), WEIR_EINVAL);
	weir_mem_destroy(m);
}

/* I6: each misuse returns its code and changes neither state nor bytes. */
static void test_bad_frees(void **state)
{
	(void)state;
	weir_mem_t *m = wt_mem_new(2, 32 * MiB, 0);
	void *small, *large, *host, *other;
	assert_int_equal(weir_mem_alloc(m, 0, 256, 0, &small), WEIR_OK);
	assert_int_equal(weir_mem_alloc(m, 0, 2 * MiB, 0, &large), WEIR_OK);
	assert_int_equal(weir_mem_alloc(m, 1, 100, 0, &other), WEIR_OK);
	assert_int_equal(weir_mem_host_alloc(m, 4096, &host), WEIR_OK);
	fill_pat(small, 256, 1);
	fill_pat(large, 2 * MiB, 2);
	fill_pat(host, 4096, 3);
	fill_pat(other, 100, 4);
	void *freed;
	assert_int_equal(weir_mem_alloc(m, 0, 512, 0, &freed), WEIR_OK);
	assert_int_equal(weir_mem_free(m, freed), WEIR_OK);
	void *lfreed;
	assert_int_equal(weir_mem_alloc(m, 0, 1 * MiB, 0, &lfreed), WEIR_OK);
	assert_int_equal(weir_mem_free(m, lfreed), WEIR_OK);

	weir_mem_stats_t b0 = wt_mem_stats(m, 0), b1 = wt_mem_stats(m, 1),
	                 bh = wt_mem_stats(m, WEIR_MEM_HOST);
	int on_stack = 0;
	char *heap = malloc(64);
	struct {
		void *p;
		int rc;
	} cases[] = {
		{ freed, WEIR_EFREED },                 /* double free, small */
		{ lfreed, WEIR_EFREED },                /* double free, large */
		{ (char *)small + 64, WEIR_EINTERIOR }, /* interior, small */
		{ (char *)small + 1, WEIR_EINTERIOR },
		{ (char *)large + 4096, WEIR_EINTERIOR }, /* interior, large */
		{ (char *)large + 64 * 1024, WEIR_EINTERIOR },
		{ heap, WEIR_EFOREIGN },      /* foreign: malloc */
		{ &on_stack, WEIR_EFOREIGN }, /* foreign: stack */
		{ host, WEIR_EFOREIGN },      /* pinned host to device free */
		{ NULL, WEIR_EINVAL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(weir_mem_free(m, cases[i].p), cases[i].rc);
	assert_int_equal(weir_mem_host_free(m, small), WEIR_EFOREIGN);
	assert_int_equal(weir_mem_host_free(m, (char *)host + 64), WEIR_EINTERIOR);
	assert_int_equal(weir_mem_host_free(m, heap), WEIR_EFOREIGN);
	weir_mem_stats_t a0 = wt_mem_stats(m, 0), a1 = wt_mem_stats(m, 1),
	                 ah = wt_mem_stats(m, WEIR_MEM_HOST);
	assert_same_state(&b0, &a0);
	assert_same_state(&b1, &a1);
	assert_same_state(&bh, &ah);
	assert_true(a0.bad_frees > b0.bad_frees);
	assert_true(check_pat(small, 256, 1));
	assert_true(check_pat(large, 2 * MiB, 2));
	assert_true(check_pat(host, 4096, 3));
	assert_true(check_pat(other, 100, 4));
	/* the allocator still works and hands out non-overlapping blocks */
	void *x, *y;
	assert_int_equal(weir_mem_alloc(m, 0, 512, 0, &x), WEIR_OK);
	assert_int_equal(weir_mem_alloc(m, 0, 512, 0, &y), WEIR_OK);
	assert_ptr_not_equal(x, y);
	assert_true(check_pat(small, 256, 1));
	assert_int_equal(weir_mem_free(m, x), WEIR_OK);
	assert_int_equal(weir_mem_free(m, y), WEIR_OK);
	assert_int_equal(weir_mem_free(m, small), WEIR_OK);
	assert_int_equal(weir_mem_free(m, large), WEIR_OK);
	assert_int_equal(weir_mem_free(m, other), WEIR_OK);
	assert_int_equal(weir_mem_host_free(m, host), WEIR_OK);
	assert_int_equal(wt_mem_stats(m, 0).in_use, 0);
	assert_int_equal(wt_mem_stats(m, WEIR_MEM_HOST).in_use, 0);
	free(heap);
	weir_mem_destroy(m);
}

/* Every size class: every 64-byte step inside an object is an interior free
 * (the fast path's start-of-object test), and the tail past a slab's last
 * object is freed space; nothing changes. */
static void test_interior_every_class(void **state)
{
	(void)state;
	weir_mem_t *m = wt_mem_new(1, 64 * MiB, 0);
	for (size_t size = 64; size <= 256 * 1024; size += size < 1024 ? 64 : size / 4) {
		void *p;
		assert_int_equal(weir_mem_alloc(m, 0, size, 0, &p), WEIR_OK);
		weir_mem_stats_t b = wt_mem_stats(m, 0);
		size_t step = size <= 4096 ? 64 : size / 16;
		for (size_t d = 1; d < size; d += d == 1 ? 63 : step)
			assert_int_equal(weir_mem_free(m, (char *)p + d), WEIR_EINTERIOR);
		weir_mem_stats_t a = wt_mem_stats(m, 0);
		assert_same_state(&b, &a);
		assert_int_equal(weir_mem_free(m, p), WEIR_OK);
		assert_int_equal(weir_mem_free(m, p), WEIR_EFREED);
	}
	/* A fresh 192-byte slab is one 64 KiB page holding 341 objects from its
	 * base; its last 64 bytes hold no object. */
	weir_mem_t *m2 = wt_mem_new(1, 8 * MiB, 0);
	void *p0;
	assert_int_equal(weir_mem_alloc(m2, 0, 192, 0, &p0), WEIR_OK);
	weir_mem_stats_t b = wt_mem_stats(m2, 0);
	assert_int_equal(weir_mem_free(m2, (char *)p0 + 341 * 192), WEIR_EFREED);
	weir_mem_stats_t a = wt_mem_stats(m2, 0);
	assert_same_state(&b, &a);
	assert_int_equal(weir_mem_free(m2, p0), WEIR_OK);
	assert_int_equal(wt_mem_stats(m2, 0).in_use, 0);
	weir_mem_destroy(m2);
	assert_int_equal(wt_mem_stats(m, 0).in_use, 0);
	assert_int_equal(wt_mem_stats(m, 0).live, 0);
	weir_mem_destroy(m);
}

/* Threads racing to free one pointer: exactly one free succeeds, and the
 * accounting and the allocator stay exact. */
#define RACERS 4
struct race {
	weir_mem_t *m;
	void *_Atomic p;
	_Atomic int go, ok, done;
};

static void *racer(void *arg)
{
	struct race *r = arg;
	for (int round = 1; round <= 2000; round++) {
		while (atomic_load(&r->go) < round)
			;
		if (weir_mem_free(r->m, atomic_load(&r->p)) == WEIR_OK)
			atomic_fetch_add(&r->ok, 1);
		atomic_fetch_add(&r->done, 1);
	}
	return NULL;
}

static void test_racing_double_free(void **state)
{
	(void)state;
	struct race r = { .m = wt_mem_new(1, 32 * MiB, 0) };
	pthread_t t[RACERS];
	for (int i = 0; i < RACERS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, racer, &r), 0);
	for (int round = 1; round <= 2000; round++) {
		void *p;
		assert_int_equal(weir_mem_alloc(r.m, 0, (size_t)64 << (round % 8), 0, &p), WEIR_OK);
		atomic_store(&r.p, p);
		atomic_store(&r.ok, 0);
		atomic_store(&r.done, 0);
		atomic_store(&r.go, round);
		while (atomic_load(&r.done) < RACERS)
			;
		assert_int_equal(atomic_load(&r.ok), 1);
	}
	for (int i = 0; i < RACERS; i++)
		pthread_join(t[i], NULL);
	weir_mem_stats_t s = wt_mem_stats(r.m, 0);
	assert_int_equal(s.in_use, 0);
	assert_int_equal(s.live, 0);
	assert_int_equal(s.footprint, 0);
	assert_int_equal(s.allocs, 2000);
	assert_int_equal(s.frees, 2000);
	assert_int_equal(s.bad_frees, 2000 * (RACERS - 1));
	/* no object sits in two caches: 64 live allocations are distinct */
	void *v[64];
	for (int i = 0; i < 64; i++) {
		assert_int_equal(weir_mem_alloc(r.m, 0, 64, 0, &v[i]), WEIR_OK);
		for (int j = 0; j < i; j++)
			assert_ptr_not_equal(v[i], v[j]);
	}
	for (int i = 0; i < 64; i++)
		assert_int_equal(weir_mem_free(r.m, v[i]), WEIR_OK);
	weir_mem_destroy(r.m);
}

static void test_classify(void **state)
{
	(void)state;
	weir_mem_t *m = wt_mem_new(3, 8 * MiB, 0);
	weir_mem_ptrinfo_t i;
	int x;
	assert_int_equal(weir_mem_classify(m, &x, &i), WEIR_OK);
	assert_int_equal(i.kind, WEIR_MEM_KIND_FOREIGN);
	assert_int_equal(weir_mem_classify(m, NULL, &i), WEIR_OK);
	assert_int_equal(i.kind, WEIR_MEM_KIND_FOREIGN);
	assert_int_equal(weir_mem_classify(m, &x, NULL), WEIR_EINVAL);
	void *h, *d;
	assert_int_equal(weir_mem_host_alloc(m, 10, &h), WEIR_OK);
	assert_int_equal(weir_mem_alloc(m, 2, 300000, 0, &d), WEIR_OK);
	assert_int_equal(weir_mem_classify(m, h, &i), WEIR_OK);
	assert_int_equal(i.kind, WEIR_MEM_KIND_PINNED);
	assert_int_equal(i.device, WEIR_MEM_HOST);
	assert_true(i.live && i.start && i.size == 10);
	assert_int_equal(weir_mem_classify(m, (char *)d + 299999, &i), WEIR_OK);
	assert_true(i.kind == WEIR_MEM_KIND_DEVICE && i.device == 2 && i.live && !i.start);
	/* past the requested end (inside the page rounding): freed space */
	assert_int_equal(weir_mem_classify(m, (char *)d + 300000, &i), WEIR_OK);
	assert_true(i.kind == WEIR_MEM_KIND_DEVICE && !i.live);
	assert_int_equal(weir_mem_free(m, d), WEIR_OK);
	assert_int_equal(weir_mem_classify(m, d, &i), WEIR_OK);
	assert_true(i.kind == WEIR_MEM_KIND_DEVICE && !i.live && i.device == 2);
	assert_int_equal(weir_mem_host_free(m, h), WEIR_OK);
	assert_int_equal(weir_mem_classify(m, h, &i), WEIR_OK);
	assert_true(i.kind == WEIR_MEM_KIND_PINNED && !i.live);
	weir_mem_destroy(m);
}

static void test_policies_coalesce_oom(void **state)
{
	(void)state;
	weir_mem_t *m = wt_mem_new(1, 16 * MiB, 0);
	void *h, *f, *n;
	assert_int_equal(weir_mem_alloc(m, 0, 100, WEIR_MEM_HUGE_ONLY, &h), WEIR_OK);
	assert_int_equal((uintptr_t)h % WEIR_MEM_HUGE_PAGE, 0);
	assert_int_equal(weir_mem_alloc(m, 0, 3 * MiB, WEIR_MEM_HUGE_FIRST, &f), WEIR_OK);
	assert_int_equal((uintptr_t)f % WEIR_MEM_HUGE_PAGE, 0);
	assert_int_equal(weir_mem_alloc(m, 0, 3 * MiB, WEIR_MEM_NORMAL_ONLY, &n), WEIR_OK);
	weir_mem_stats_t s = wt_mem_stats(m, 0);
	assert_int_equal(s.huge_allocs, 2);
	assert_int_equal(s.in_use, 100 + 6 * MiB);
	assert_int_equal(s.footprint, 2 * MiB + 4 * MiB + 3 * MiB);
	assert_int_equal(weir_mem_free(m, h), WEIR_OK);
	assert_int_equal(weir_mem_free(m, f), WEIR_OK);
	assert_int_equal(weir_mem_free(m, n), WEIR_OK);

	/* Fill the arena with 1 MiB runs, free every other, then all: the free
	 * runs must coalesce back into one that holds the whole capacity. */
	void *r[16];
	for (int i = 0; i < 16; i++)
		assert_int_equal(weir_mem_alloc(m, 0, 1 * MiB, WEIR_MEM_NORMAL_ONLY, &r[i]),
		                 WEIR_OK);
	s = wt_mem_stats(m, 0);
	void *q = (void *)1;
	assert_int_equal(weir_mem_alloc(m, 0, 1 * MiB, WEIR_MEM_NORMAL_ONLY, &q), WEIR_ENOMEM);
	assert_ptr_equal(q, (void *)1);
	weir_mem_stats_t s2 = wt_mem_stats(m, 0);
	assert_int_equal(s2.failed_allocs, s.failed_allocs + 1);
	assert_same_state(&s, &s2);
	for (int i = 0; i < 16; i += 2)
		assert_int_equal(weir_mem_free(m, r[i]), WEIR_OK);
	assert_int_equal(weir_mem_alloc(m, 0, 2 * MiB, WEIR_MEM_NORMAL_ONLY, &q), WEIR_ENOMEM);
	for (int i = 1; i < 16; i += 2)
		assert_int_equal(weir_mem_free(m, r[i]), WEIR_OK);
	assert_int_equal(weir_mem_alloc(m, 0, 16 * MiB, WEIR_MEM_HUGE_ONLY, &q), WEIR_OK);
	assert_int_equal(weir_mem_alloc(m, 0, 64, 0, &h), WEIR_ENOMEM); /* small path OOM */
	assert_int_equal(weir_mem_free(m, q), WEIR_OK);
	assert_int_equal(weir_mem_alloc(m, 0, 17 * MiB, WEIR_MEM_NORMAL_ONLY, &q), WEIR_ENOMEM);
	assert_int_equal(wt_mem_stats(m, 0).in_use, 0);
	/* steady state: committed memory is reused without system calls */
	uint64_t sc = wt_mem_stats(m, 0).syscalls;
	for (int k = 0; k < 100; k++) {
		assert_int_equal(weir_mem_alloc(m, 0, 1 * MiB, WEIR_MEM_NORMAL_ONLY, &q), WEIR_OK);
		assert_int_equal(weir_mem_free(m, q), WEIR_OK);
		assert_int_equal(weir_mem_alloc(m, 0, 64, 0, &q), WEIR_OK);
		assert_int_equal(weir_mem_free(m, q), WEIR_OK);
	}
	assert_int_equal(wt_mem_stats(m, 0).syscalls, sc);
	weir_mem_destroy(m);
}

static void test_copy_checks(void **state)
{
	(void)state;
	weir_mem_t *m = wt_mem_new(2, 16 * MiB, 0);
	char host[512];
	void *d0, *d1, *pin, *dl;
	assert_int_equal(weir_mem_alloc(m, 0, 256, 0, &d0), WEIR_OK);
	assert_int_equal(weir_mem_alloc(m, 1, 256, 0, &d1), WEIR_OK);
	assert_int_equal(weir_mem_alloc(m, 0, 1 * MiB, 0, &dl), WEIR_OK);
	assert_int_equal(weir_mem_host_alloc(m, 256, &pin), WEIR_OK);
	fill_pat(host, sizeof host, 9);
	assert_int_equal(weir_mem_copy(m, d0, 256, host, 256, WEIR_COPY_H2D), WEIR_OK);
	assert_int_equal(weir_mem_copy(m, d1, 256, d0, 256, WEIR_COPY_D2D), WEIR_OK); /* peer */
	assert_int_equal(weir_mem_copy(m, pin, 256, d1, 256, WEIR_COPY_D2H), WEIR_OK);
	assert_true(check_pat(pin, 256, 9));
	assert_int_equal(weir_mem_copy(m, dl, 1 * MiB, pin, 256, WEIR_COPY_DEFAULT), WEIR_OK);
	assert_true(check_pat(dl, 256, 9));
	int k = -1;
	assert_int_equal(weir_mem_copy_direction(m, pin, d0, &k), WEIR_OK);
	assert_int_equal(k, WEIR_COPY_D2H);
	assert_int_equal(weir_mem_copy_direction(m, host, pin, &k), WEIR_OK);
	assert_int_equal(k, WEIR_COPY_H2H);

	/* rejected copies change nothing */
	fill_pat(d0, 256, 20);
	fill_pat(d1, 256, 21);
	fill_pat(pin, 256, 22);
	fill_pat(host, sizeof host, 23);
	void *fr;
	assert_int_equal(weir_mem_alloc(m, 0, 256, 0, &fr), WEIR_OK);
	assert_int_equal(weir_mem_free(m, fr), WEIR_OK);
	weir_mem_stats_t b0 = wt_mem_stats(m, 0);
	assert_int_equal(weir_mem_copy(m, d0, 256, host, 257, WEIR_COPY_H2D),
	                 WEIR_EBOUNDS); /* > destMax */
	assert_int_equal(weir_mem_copy(m, d0, 512, host, 257, WEIR_COPY_H2D),
	                 WEIR_EBOUNDS); /* past end */
	assert_int_equal(weir_mem_copy(m, (char *)d0 + 128, 512, host, 129, 1), WEIR_EBOUNDS);
	assert_int_equal(weir_mem_copy(m, host, 512, (char *)d0 + 1, 256, WEIR_COPY_D2H),
	                 WEIR_EBOUNDS);
	assert_int_equal(weir_mem_copy(m, d0, 256, host, 16, WEIR_COPY_D2H), WEIR_EDIRECTION);
	assert_int_equal(weir_mem_copy(m, d0, 256, host, 16, WEIR_COPY_H2H), WEIR_EDIRECTION);
	assert_int_equal(weir_mem_copy(m, d0, 256, d1, 16, WEIR_COPY_H2D), WEIR_EDIRECTION);
	assert_int_equal(weir_mem_copy(m, host, 256, pin, 16, WEIR_COPY_D2H), WEIR_EDIRECTION);
	assert_int_equal(weir_mem_copy(m, fr, 256, host, 16, WEIR_COPY_H2D), WEIR_EFREED);
	assert_int_equal(weir_mem_copy(m, host, 256, fr, 16, WEIR_COPY_DEFAULT), WEIR_EFREED);
	assert_int_equal(weir_mem_copy(m, d0, 256, host, 16, 5), WEIR_EINVAL);
	assert_int_equal(weir_mem_copy(m, d0, 256, host, 16, -1), WEIR_EINVAL);
	assert_int_equal(weir_mem_copy(m, NULL, 256, host, 16, 1), WEIR_EINVAL);
	assert_int_equal(weir_mem_copy(m, d0, 256, NULL, 16, 1), WEIR_EINVAL);
	assert_int_equal(weir_mem_copy(m, NULL, 0, NULL, 0, 1), WEIR_OK); /* count 0 */
	assert_int_equal(weir_mem_copy(m, d0, 256, d0, 256, WEIR_COPY_D2D),
	                 WEIR_OK); /* dst == src */
	assert_int_equal(weir_mem_fill(m, d0, 256, 0, 257), WEIR_EBOUNDS);
	assert_int_equal(weir_mem_fill(m, (char *)d0 + 8, 512, 0, 256), WEIR_EBOUNDS);
	assert_int_equal(weir_mem_fill(m, fr, 256, 0, 8), WEIR_EFREED);
	assert_int_equal(weir_mem_fill(m, NULL, 256, 0, 8), WEIR_EINVAL);
	assert_int_equal(weir_mem_fill(m, NULL, 0, 0, 0), WEIR_OK);
	/* 2D */
	assert_int_equal(weir_mem_copy2d(m, d0, 16, host, 8, 16, 4, 1),
	                 WEIR_EINVAL); /* width > spitch */
	assert_int_equal(weir_mem_copy2d(m, d0, 8, host, 16, 16, 4, 1),
	                 WEIR_EINVAL); /* width > dpitch */
	assert_int_equal(weir_mem_copy2d(m, d0, 64, host, 64, 64, 5, 1),
	                 WEIR_EBOUNDS); /* 5 rows > 256 */
	assert_int_equal(weir_mem_copy2d(m, d0, 64, host, 64, 64, 4, 2), WEIR_EDIRECTION);
	assert_int_equal(weir_mem_copy2d(m, d0, 64, host, 64, 0, 4, 1), WEIR_OK);
	assert_true(check_pat(d0, 256, 20));
	assert_true(check_pat(d1, 256, 21));
	assert_true(check_pat(pin, 256, 22));
	assert_true(check_pat(host, sizeof host, 23));
	weir_mem_stats_t a0 = wt_mem_stats(m, 0);
	assert_same_state(&b0, &a0);

	/* a 2D copy that works: 4 rows of 48 bytes, pitches 128 (host) / 64 */
	fill_pat(host, sizeof host, 30);
	memset(d0, 0, 256);
	assert_int_equal(weir_mem_copy2d(m, d0, 64, host, 128, 48, 4, WEIR_COPY_H2D), WEIR_OK);
	for (int r = 0; r < 4; r++) {
		assert_memory_equal((char *)d0 + r * 64, host + r * 128, 48);
		for (int c = 48; c < 64; c++)
			assert_int_equal(((char *)d0)[r * 64 + c], 0);
	}
	assert_int_equal(weir_mem_fill(m, d1, 256, 0x5A, 200), WEIR_OK);
	assert_int_equal(((unsigned char *)d1)[199], 0x5A);
	assert_true(check_pat((char *)d1 + 200, 56, (uint8_t)(21 + 200 * 7)));
	assert_int_equal(weir_mem_free(m, d0), WEIR_OK);
	assert_int_equal(weir_mem_free(m, d1), WEIR_OK);
	assert_int_equal(weir_mem_free(m, dl), WEIR_OK);
	assert_int_equal(weir_mem_host_free(m, pin), WEIR_OK);
	weir_mem_destroy(m);
}

static void test_debug_poison(void **state)
{
	(void)state;
	weir_mem_t *m = wt_mem_new(1, 8 * MiB, WEIR_MEM_OPT_DEBUG);
	unsigned char *p, *l;
	assert_int_equal(weir_mem_alloc(m, 0, 100, 0, (void **)&p), WEIR_OK);
	assert_int_equal(weir_mem_alloc(m, 0, 1 * MiB, 0, (void **)&l), WEIR_OK);
	assert_int_equal(p[0], 0xA5);
	assert_int_equal(l[MiB - 1], 0xA5);
	memset(p, 1, 100);
	memset(l, 1, MiB);
	assert_int_equal(weir_mem_free(m, p), WEIR_OK);
	assert_int_equal(weir_mem_free(m, l), WEIR_OK);
	/* the arena stays mapped: freed bytes read back poisoned */
	for (int i = 0; i < 100; i++)
		assert_int_equal(p[i], 0xDB);
	assert_int_equal(l[0], 0xDB);
	assert_int_equal(l[MiB - 1], 0xDB);
	char buf[16] = { 0 };
	assert_int_equal(weir_mem_copy(m, buf, 16, p, 16, WEIR_COPY_D2H), WEIR_EFREED);
	assert_int_equal(weir_mem_copy(m, l, 16, buf, 16, WEIR_COPY_H2D), WEIR_EFREED);
	weir_mem_destroy(m);
	/* NO_DEBUG wins over the environment */
	setenv("WEIR_MEM_DEBUG", "1", 1);
	m = wt_mem_new(1, 8 * MiB, WEIR_MEM_OPT_NO_DEBUG);
	assert_int_equal(weir_mem_alloc(m, 0, 100, 0, (void **)&p), WEIR_OK);
	memset(p, 1, 100);
	assert_int_equal(weir_mem_free(m, p), WEIR_OK);
	assert_int_equal(p[0], 1);
	weir_mem_destroy(m);
	m = wt_mem_new(1, 8 * MiB, 0);
	assert_int_equal(weir_mem_alloc(m, 0, 100, 0, (void **)&p), WEIR_OK);
	assert_int_equal(p[5], 0xA5);
	assert_int_equal(weir_mem_free(m, p), WEIR_OK);
	weir_mem_destroy(m);
	unsetenv("WEIR_MEM_DEBUG");
}

/* Thread caches: frees on other threads, exited threads' caches adopted,
 * accounting exact once the threads are joined. */
struct thr_arg {
	weir_mem_t *m;
	void **ptrs;
	int n;
	int mode; /* 0 alloc, 1 free */
	int rc;
};

static void *thr_main(void *vp)
{
	struct thr_arg *a = vp;
	a->rc = WEIR_OK;
	for (int i = 0; i < a->n && a->rc == WEIR_OK; i++) {
		if (a->mode == 0) {
			a->rc = weir_mem_alloc(a->m, (uint32_t)(i & 1), 32 + (size_t)(i % 700) * 8,
			                       0, &a->ptrs[i]);
			if (a->rc == WEIR_OK)
				memset(a->ptrs[i], i & 0xFF, 32);
		} else {
			a->rc = weir_mem_free(a->m, a->ptrs[i]);
		}
	}
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	weir_mem_t *m = wt_mem_new(2, 64 * MiB, 0);
	enum { N = 5000 };
	void **ptrs = calloc(N, sizeof(void *));
	assert_non_null(ptrs);
	for (int round = 0; round < 4; round++) {
		struct thr_arg a = { m, ptrs, N, 0, -1 }, f = { m, ptrs, N, 1, -1 };
		pthread_t t;
		assert_int_equal(pthread_create(&t, NULL, thr_main, &a), 0);
		pthread_join(t, NULL);
		assert_int_equal(a.rc, WEIR_OK);
		uint64_t want = 0;
		for (int i = 0; i < N; i += 2)
			want += 32 + (size_t)(i % 700) * 8;
		assert_int_equal(wt_mem_stats(m, 0).in_use, want);
		for (int i = 0; i < N; i++)
			assert_int_equal(((unsigned char *)ptrs[i])[31], i & 0xFF);
		assert_int_equal(pthread_create(&t, NULL, thr_main, &f), 0);
		pthread_join(t, NULL);
		assert_int_equal(f.rc, WEIR_OK);
		for (uint32_t d = 0; d < 2; d++) {
			weir_mem_stats_t s = wt_mem_stats(m, d);
			assert_int_equal(s.in_use, 0);
			assert_int_equal(s.live, 0);
			assert_int_equal(s.allocs, s.frees);
		}
	}
	free(ptrs);
	weir_mem_destroy(m);
}

/* ------------------------------------------------------------------------ */
/* Async copies on streams                                                    */
/* ------------------------------------------------------------------------ */

struct afix {
	weir_runtime_t *rt;
	weir_group_t *g[2];
	weir_stream_t *s[2], *drv;
	weir_mem_t *m;
};

static int async_setup(void **state, uint32_t flags)
{
	struct afix *f = calloc(1, sizeof(*f));
	weir_config_t c;
	weir_config_init(&c);
	c.devices = 2;
	c.workers_per_device = 1;
	c.flags |= WEIR_CONFIG_NO_PIN;
	c.mem_capacity = 32 * MiB;
	if (!f || weir_runtime_create(&c, &f->rt) != WEIR_OK)
		return -1;
	for (uint32_t d = 0; d < 2; d++)
		if (weir_group_create(f->rt, d, &f->g[d]) != WEIR_OK ||
		    weir_stream_create(f->g[d], 0, 0, &f->s[d]) != WEIR_OK)
			return -1;
	if (weir_stream_create(f->g[0], 0, 0, &f->drv) != WEIR_OK)
		return -1;
	weir_mem_options_t o = { .flags = flags };
	if (weir_mem_create_ex(f->rt, &o, &f->m) != WEIR_OK)
		return -1;
	*state = f;
	return 0;
}

static int async_setup_plain(void **state)
{
	return async_setup(state, WEIR_MEM_OPT_NO_DEBUG);
}
static int async_setup_debug(void **state)
{
	return async_setup(state, WEIR_MEM_OPT_DEBUG);
}

static int async_teardown(void **state)
{
	struct afix *f = *state;
	weir_mem_destroy(f->m);
	weir_runtime_destroy(f->rt);
	free(f);
	return 0;
}

static void test_async(void **state)
{
	struct afix *f = *state;
	weir_mem_t *m = f->m;
	assert_int_equal(wt_mem_stats(m, 0).capacity, 32 * MiB); /* from the runtime config */
	enum { N = 3 * 1024 * 1024 };
	char *host = malloc(N), *back = malloc(N);
	void *d0, *d1, *pin;
	assert_int_equal(weir_mem_alloc(m, 0, N, 0, &d0), WEIR_OK);
	assert_int_equal(weir_mem_alloc(m, 1, N, 0, &d1), WEIR_OK);
	assert_int_equal(weir_mem_host_alloc(m, 4096, &pin), WEIR_OK);
	fill_pat(host, N, 77);
	assert_int_equal(weir_mem_copy_async(m, d0, N, host, N, WEIR_COPY_H2D, f->s[0]), WEIR_OK);
	assert_int_equal(weir_mem_copy_async(m, d1, N, d0, N, WEIR_COPY_D2D, f->s[0]), WEIR_OK);
	assert_int_equal(weir_stream_sync(f->s[0], WEIR_TIMEOUT_INFINITE), WEIR_OK);
	assert_int_equal(weir_mem_copy_async(m, back, N, d1, N, WEIR_COPY_D2H, f->s[1]), WEIR_OK);
	assert_int_equal(weir_mem_fill_async(m, d1, N, 0x11, 4096, f->s[1]), WEIR_OK);
	assert_int_equal(weir_mem_copy2d_async(m, pin, 64, d1, 128, 64, 4, WEIR_COPY_D2H, f->s[1]),
	                 WEIR_OK);
	assert_int_equal(weir_stream_sync(f->s[1], WEIR_TIMEOUT_INFINITE), WEIR_OK);
	assert_true(check_pat(back, N, 77));
	for (int i = 0; i < 256; i++)
		assert_int_equal(((unsigned char *)pin)[i], 0x11);

	/* rejected at submission: nothing queued, nothing changed */
	weir_stream_stats_t ss0, ss1;
	assert_int_equal(weir_stream_stats(f->s[0], &ss0), WEIR_OK);
	weir_mem_stats_t b = wt_mem_stats(m, 0);
	/* device 1 memory on device 0's stream */
	assert_int_equal(weir_mem_copy_async(m, d1, N, host, 16, WEIR_COPY_H2D, f->s[0]),
	                 WEIR_EFOREIGN);
	assert_int_equal(weir_mem_copy_async(m, host, N, d1, 16, WEIR_COPY_D2H, f->s[0]),
	                 WEIR_EFOREIGN);
	assert_int_equal(weir_mem_fill_async(m, d1, N, 0, 16, f->s[0]), WEIR_EFOREIGN);
	assert_int_equal(weir_mem_copy_async(m, d0, N, host, 16, WEIR_COPY_D2H, f->s[0]),
	                 WEIR_EDIRECTION);
	assert_int_equal(weir_mem_copy_async(m, d0, 16, host, 17, WEIR_COPY_H2D, f->s[0]),
	                 WEIR_EBOUNDS);
	assert_int_equal(weir_mem_copy_async(m, (char *)d0 + N - 8, 16, host, 16, 1, f->s[0]),
	                 WEIR_EBOUNDS);
	assert_int_equal(weir_mem_copy_async(m, d0, N, host, 16, WEIR_COPY_H2D, NULL),
	                 WEIR_EHANDLE);
	assert_int_equal(weir_mem_copy_async(m, d0, N, host, 16, 9, f->s[0]), WEIR_EINVAL);
	assert_int_equal(weir_stream_stats(f->s[0], &ss1), WEIR_OK);
	assert_int_equal(ss0.submitted, ss1.submitted);
	weir_mem_stats_t a = wt_mem_stats(m, 0);
	assert_same_state(&b, &a);
	/* peer D2D on either device's stream is fine */
	assert_int_equal(weir_mem_copy_async(m, d0, N, d1, 64, WEIR_COPY_D2D, f->s[1]), WEIR_OK);
	assert_int_equal(weir_stream_sync(f->s[1], WEIR_TIMEOUT_INFINITE), WEIR_OK);

	/* without a runtime: not supported */
	weir_mem_t *lone = wt_mem_new(1, 4 * MiB, 0);
	assert_int_equal(weir_mem_fill_async(lone, host, N, 0, 16, f->s[0]), WEIR_ENOTSUP);
	weir_mem_destroy(lone);

	assert_int_equal(weir_mem_free(m, d0), WEIR_OK);
	assert_int_equal(weir_mem_free(m, d1), WEIR_OK);
	assert_int_equal(weir_mem_host_free(m, pin), WEIR_OK);
	free(host);
	free(back);
}

/* Debug mode: a queued copy whose memory is freed before it runs fails its
 * task with WEIR_EFREED, which the next synchronize reports as a task
 * failure (WEIR_EKERNEL, code WEIR_EFREED: weir/status.h), and writes nothing. The stream
 * is held by a wait on a FLAG event that the test sets after the free. */
static void test_async_debug_freed(void **state)
{
	struct afix *f = *state;
	weir_mem_t *m = f->m;
	void *d;
	char host[64];
	fill_pat(host, sizeof host, 5);
	assert_int_equal(weir_mem_alloc(m, 0, 4096, 0, &d), WEIR_OK);
	weir_event_t *gate;
	assert_int_equal(weir_event_create(f->rt, 0, WEIR_EVENT_FLAG, &gate), WEIR_OK);
	assert_int_equal(weir_stream_wait_event(f->s[0], gate), WEIR_OK);
	assert_int_equal(weir_mem_copy_async(m, d, 4096, host, 64, WEIR_COPY_H2D, f->s[0]),
	                 WEIR_OK);
	assert_int_equal(weir_mem_free(m, d), WEIR_OK);
	assert_int_equal(weir_event_record(gate, f->drv), WEIR_OK);
	int code = 0;
	assert_int_equal(weir_stream_sync_code(f->s[0], WEIR_TIMEOUT_INFINITE, &code),
	                 WEIR_EKERNEL);
	assert_int_equal(code, WEIR_EFREED);
	assert_int_equal(((unsigned char *)d)[0], 0xDB); /* poisoned, not overwritten */
	assert_int_equal(weir_stream_sync(f->s[0], WEIR_TIMEOUT_INFINITE), WEIR_OK);
	assert_int_equal(weir_stream_sync(f->drv, WEIR_TIMEOUT_INFINITE), WEIR_OK);
	assert_int_equal(weir_event_destroy(gate), WEIR_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_args),
		cmocka_unit_test(test_env_capacity),
		cmocka_unit_test(test_alloc_accounting),
		cmocka_unit_test(test_bad_frees),
		cmocka_unit_test(test_interior_every_class),
		cmocka_unit_test(test_racing_double_free),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_policies_coalesce_oom),
		cmocka_unit_test(test_copy_checks),
		cmocka_unit_test(test_debug_poison),
		cmocka_unit_test(test_threads),
		cmocka_unit_test_setup_teardown(test_async, async_setup_plain, async_teardown),
		cmocka_unit_test_setup_teardown(test_async_debug_freed, async_setup_debug,
		                                async_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
