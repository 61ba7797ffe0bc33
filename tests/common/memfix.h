/*
 * tests/common/memfix.h - helpers shared by the device-memory unit tests
 * (include as "common/memfix.h", after <cmocka.h>'s prerequisites and
 * <cmocka.h>). Assertions run in the test's main thread only.
 */
#ifndef WEIR_TESTS_COMMON_MEMFIX_H
#define WEIR_TESTS_COMMON_MEMFIX_H

#include <stdint.h>
#include <stdlib.h>

#include "weir/mem.h"

#define MiB ((size_t)1 << 20)
#define KiB ((size_t)1 << 10)

/* A runtime-less weir_mem_t of `devices` arenas of `cap` bytes. */
static inline weir_mem_t *wt_mem_new(uint32_t devices, uint64_t cap, uint32_t flags)
{
	weir_mem_options_t o = { .devices = devices, .capacity = cap, .flags = flags };
	weir_mem_t *m = NULL;
	assert_int_equal(weir_mem_create_ex(NULL, &o, &m), WEIR_OK);
	return m;
}

static inline weir_mem_stats_t wt_mem_stats(weir_mem_t *m, uint32_t dev)
{
	weir_mem_stats_t s;
	assert_int_equal(weir_mem_info(m, dev, &s), WEIR_OK);
	return s;
}

/* Nothing live on dev, and the counters agree. */
static inline void wt_mem_assert_empty(weir_mem_t *m, uint32_t dev)
{
	weir_mem_stats_t s = wt_mem_stats(m, dev);
	assert_int_equal(s.in_use, 0);
	assert_int_equal(s.live, 0);
	assert_int_equal(s.footprint, 0);
	assert_int_equal(s.allocs, s.frees);
}

static inline int wt_cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t) * (void *const *)a, y = (uintptr_t) * (void *const *)b;
	return x < y ? -1 : x > y;
}

/* How many of w[0..n) are in v[0..n); sorts v. */
static inline int wt_count_in(void **v, void **w, int n)
{
	qsort(v, (size_t)n, sizeof(void *), wt_cmp_ptr);
	int k = 0;
	for (int i = 0; i < n; i++)
		k += bsearch(&w[i], v, (size_t)n, sizeof(void *), wt_cmp_ptr) != NULL;
	return k;
}

#endif
