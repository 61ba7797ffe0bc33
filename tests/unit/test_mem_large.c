/*
 * Unit tests: the large-run quick lists of mem/arena.c (invariant 7). A
 * freed run of up to 4 MiB is kept whole for the next allocation of its
 * size; while kept it is freed space to every check (double free, interior
 * free, classify, copies), counts as free in the statistics, and never
 * makes an allocation fail: before giving up the arena frees every kept run
 * for real and coalesces.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "common/memfix.h"

static void test_kept_run_is_freed_space(void **state)
{
	(void)state;
	weir_mem_t *m = wt_mem_new(1, 64 * MiB, WEIR_MEM_OPT_NO_DEBUG);
	void *p, *q, *h;
	assert_int_equal(weir_mem_alloc(m, 0, MiB, WEIR_MEM_NORMAL_ONLY, &p), WEIR_OK);
	assert_int_equal(weir_mem_host_alloc(m, 4096, &h), WEIR_OK);
	memset(p, 7, MiB);
	assert_int_equal(weir_mem_free(m, p), WEIR_OK);
	weir_mem_stats_t s0 = wt_mem_stats(m, 0);
	assert_int_equal(s0.in_use, 0);
	assert_int_equal(s0.footprint, 0);
	assert_int_equal(s0.live, 0);
	/* every check sees freed space, and nothing changes */
	assert_int_equal(weir_mem_free(m, p), WEIR_EFREED);
	assert_int_equal(weir_mem_free(m, (char *)p + 100 * KiB), WEIR_EFREED);
	weir_mem_ptrinfo_t pi;
	assert_int_equal(weir_mem_classify(m, p, &pi), WEIR_OK);
	assert_int_equal(pi.kind, WEIR_MEM_KIND_DEVICE);
	assert_false(pi.live);
	assert_int_equal(weir_mem_classify(m, (char *)p + MiB - 1, &pi), WEIR_OK);
	assert_false(pi.live);
	assert_int_equal(weir_mem_copy(m, p, 4096, h, 4096, WEIR_COPY_H2D), WEIR_EFREED);
	assert_int_equal(weir_mem_copy(m, h, 4096, p, 4096, WEIR_COPY_D2H), WEIR_EFREED);
	assert_int_equal(weir_mem_fill(m, p, 4096, 0, 4096), WEIR_EFREED);
	weir_mem_stats_t s1 = wt_mem_stats(m, 0);
	assert_int_equal(s1.in_use, s0.in_use);
	assert_int_equal(s1.frees, s0.frees);
	assert_int_equal(s1.bad_frees, s0.bad_frees + 2);
	/* the next allocation of that size takes the kept run, live again */
	assert_int_equal(weir_mem_alloc(m, 0, MiB - 4096, WEIR_MEM_NORMAL_ONLY, &q), WEIR_OK);
	assert_ptr_equal(q, p);
	assert_int_equal(weir_mem_classify(m, (char *)q + 10, &pi), WEIR_OK);
	assert_true(pi.live);
	assert_int_equal(pi.size, MiB - 4096);
	assert_int_equal(weir_mem_free(m, (char *)q + 10), WEIR_EINTERIOR);
	assert_int_equal(wt_mem_stats(m, 0).in_use, MiB - 4096);
	assert_int_equal(wt_mem_stats(m, 0).footprint, MiB);
	assert_int_equal(weir_mem_free(m, q), WEIR_OK);
	assert_int_equal(weir_mem_host_free(m, h), WEIR_OK);
	weir_mem_destroy(m);
}

static void test_kept_runs_never_cause_oom(void **state)
{
	(void)state;
	/* 64 MiB: up to 4 MiB kept, at most 4 runs of one size */
	weir_mem_t *m = wt_mem_new(1, 64 * MiB, WEIR_MEM_OPT_NO_DEBUG);
	enum { N = 60 };
	void *v[N];
	/* fill with 1 MiB runs, free every other one: the kept runs sit
	 * between live ones */
	for (int i = 0; i < N; i++)
		assert_int_equal(weir_mem_alloc(m, 0, MiB, WEIR_MEM_NORMAL_ONLY, &v[i]), WEIR_OK);
	for (int i = 0; i < N; i += 2)
		assert_int_equal(weir_mem_free(m, v[i]), WEIR_OK);
	for (int i = 1; i < N; i += 2)
		assert_int_equal(weir_mem_free(m, v[i]), WEIR_OK);
	weir_mem_stats_t s = wt_mem_stats(m, 0);
	assert_int_equal(s.in_use, 0);
	assert_int_equal(s.live, 0);
	assert_int_equal(s.footprint, 0);
	/* one run of (almost) the whole arena needs every page coalesced */
	void *big;
	assert_int_equal(weir_mem_alloc(m, 0, 64 * MiB - 64 * KiB, WEIR_MEM_NORMAL_ONLY, &big),
	                 WEIR_OK);
	assert_int_equal(weir_mem_free(m, big), WEIR_OK);
	/* the same with the huge-page policy: 2 MiB-aligned whole chunks */
	for (int i = 0; i < 8; i++)
		assert_int_equal(weir_mem_alloc(m, 0, 3 * MiB, WEIR_MEM_NORMAL_ONLY, &v[i]),
		                 WEIR_OK);
	for (int i = 0; i < 8; i++)
		assert_int_equal(weir_mem_free(m, v[i]), WEIR_OK);
	assert_int_equal(weir_mem_alloc(m, 0, 64 * MiB, WEIR_MEM_HUGE_ONLY, &big), WEIR_OK);
	assert_int_equal(wt_mem_stats(m, 0).huge_allocs, 1);
	assert_int_equal(weir_mem_free(m, big), WEIR_OK);
	/* and small objects: slabs take pages wherever they are */
	for (int i = 0; i < 4; i++)
		assert_int_equal(weir_mem_alloc(m, 0, 2 * MiB, WEIR_MEM_NORMAL_ONLY, &v[i]),
		                 WEIR_OK);
	for (int i = 0; i < 4; i++)
		assert_int_equal(weir_mem_free(m, v[i]), WEIR_OK);
	assert_int_equal(weir_mem_alloc(m, 0, 64 * MiB - 64 * KiB, WEIR_MEM_NORMAL_ONLY, &big),
	                 WEIR_OK);
	void *sm;
	assert_int_equal(weir_mem_alloc(m, 0, 100, WEIR_MEM_NORMAL_ONLY, &sm), WEIR_OK);
	assert_int_equal(weir_mem_free(m, sm), WEIR_OK);
	assert_int_equal(weir_mem_free(m, big), WEIR_OK);
	s = wt_mem_stats(m, 0);
	assert_int_equal(s.in_use, 0);
	assert_int_equal(s.allocs, s.frees);
	weir_mem_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kept_run_is_freed_space),
		cmocka_unit_test(test_kept_runs_never_cause_oom),
	};
	return cmocka_run_group_tests_name("mem_large", tests, NULL, NULL);
}
