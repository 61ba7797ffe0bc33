/*
 * Unit tests: the small-object ownership protocol of weir/mem.h (mem/cache.c
 * invariant 6) - frees by another thread travel back to the allocating
 * thread's cache and accounting stays exact; a free by the owner racing with
 * another thread's free never hands one block out twice and the stats are
 * exact again after weir_mem_flush(); objects of caches beyond the owner-id
 * space (owner-less) are freed by a CAS from any thread; the fast paths
 * never mix up the pinned host arena and device arenas.
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

/* ------------------------------------------------------------------------ */
/* Remote frees go back to the allocating thread                             */
/* ------------------------------------------------------------------------ */

enum { ROUTE_N = 3000 };

struct route {
	weir_mem_t *m;
	void **v;
	int rc;
};

static void *route_freer(void *arg)
{
	struct route *r = arg;
	for (int i = 0; i < ROUTE_N; i++) {
		int rc = weir_mem_free(r->m, r->v[i]);
		if (rc != WEIR_OK && r->rc == WEIR_OK)
			r->rc = rc;
	}
	/* a second free of each is refused at once, even while queued */
	for (int i = 0; i < ROUTE_N; i += 97) {
		if (weir_mem_free(r->m, r->v[i]) != WEIR_EFREED && r->rc == WEIR_OK)
			r->rc = -1;
	}
	return NULL; /* thread exit hands its outbox on */
}

static void test_remote_routing(void **state)
{
	(void)state;
	weir_mem_t *m = wt_mem_new(1, 64 * MiB, WEIR_MEM_OPT_NO_DEBUG);
	void **v = calloc(ROUTE_N, sizeof(void *));
	void **w = calloc(ROUTE_N, sizeof(void *));
	assert_non_null(v);
	assert_non_null(w);
	uint64_t want = 0;
	for (int i = 0; i < ROUTE_N; i++) {
		size_t n = i % 2 ? 64 : 100; /* a whole class size, and one with slack */
		assert_int_equal(weir_mem_alloc(m, 0, n, WEIR_MEM_NORMAL_ONLY, &v[i]), WEIR_OK);
		want += n;
	}
	assert_int_equal(wt_mem_stats(m, 0).in_use, want);
	uint64_t committed = wt_mem_stats(m, 0).committed;
	struct route r = { m, v, WEIR_OK };
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, route_freer, &r), 0);
	pthread_join(t, NULL);
	assert_int_equal(r.rc, WEIR_OK);
	/* counted at once, wherever the blocks wait */
	wt_mem_assert_empty(m, 0);
	assert_int_equal(wt_mem_stats(m, 0).bad_frees, (ROUTE_N + 96) / 97);
	for (int i = 0; i < ROUTE_N; i++) {
		weir_mem_ptrinfo_t pi;
		assert_int_equal(weir_mem_classify(m, v[i], &pi), WEIR_OK);
		assert_false(pi.live);
	}
	/* The allocating thread gets its blocks back: all but the few its bins
	 * held before (at most 64 per class) are ones the other thread freed. */
	for (int i = 0; i < ROUTE_N; i++)
		assert_int_equal(
		        weir_mem_alloc(m, 0, i % 2 ? 64 : 100, WEIR_MEM_NORMAL_ONLY, &w[i]),
		        WEIR_OK);
	assert_int_equal(wt_mem_stats(m, 0).committed, committed);
	int again = wt_count_in(v, w, ROUTE_N);
	assert_true(again >= ROUTE_N - 2 * 64);
	assert_int_equal(wt_mem_stats(m, 0).in_use, want);
	for (int i = 0; i < ROUTE_N; i++)
		assert_int_equal(weir_mem_free(m, w[i]), WEIR_OK);
	wt_mem_assert_empty(m, 0);
	free(v);
	free(w);
	weir_mem_destroy(m);
}

/* An owner that exits without allocating again still hands the blocks other
 * threads freed for it to everybody: its exit drains its inbox. */
struct exit_owner {
	weir_mem_t *m;
	void **v;
};

static void *exit_owner_thread(void *arg)
{
	struct exit_owner *e = arg;
	for (int i = 0; i < ROUTE_N; i++)
		if (weir_mem_alloc(e->m, 0, 64, WEIR_MEM_NORMAL_ONLY, &e->v[i]) != WEIR_OK)
			e->v[i] = NULL;
	struct route r = { e->m, e->v, WEIR_OK };
	pthread_t t;
	if (pthread_create(&t, NULL, route_freer, &r) != 0)
		return NULL;
	pthread_join(t, NULL);
	return NULL; /* exit: drain the inbox the freer filled */
}

static void test_exit_drains(void **state)
{
	(void)state;
	weir_mem_t *m = wt_mem_new(1, 64 * MiB, WEIR_MEM_OPT_NO_DEBUG);
	void *mine;
	/* this thread's own cache first, so it adopts no orphan below */
	assert_int_equal(weir_mem_alloc(m, 0, 64, WEIR_MEM_NORMAL_ONLY, &mine), WEIR_OK);
	assert_int_equal(weir_mem_free(m, mine), WEIR_OK);
	void **v = calloc(ROUTE_N, sizeof(void *)), **w = calloc(ROUTE_N, sizeof(void *));
	assert_non_null(v);
	assert_non_null(w);
	struct exit_owner e = { m, v };
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, exit_owner_thread, &e), 0);
	pthread_join(t, NULL);
	for (int i = 0; i < ROUTE_N; i++)
		assert_non_null(v[i]);
	wt_mem_assert_empty(m, 0);
	uint64_t committed = wt_mem_stats(m, 0).committed;
	for (int i = 0; i < ROUTE_N; i++)
		assert_int_equal(weir_mem_alloc(m, 0, 64, WEIR_MEM_NORMAL_ONLY, &w[i]), WEIR_OK);
	assert_int_equal(wt_mem_stats(m, 0).committed, committed);
	int again = wt_count_in(v, w, ROUTE_N);
	/* all but what the orphan's bin and our own bin held */
	assert_true(again >= ROUTE_N - 2 * 64);
	for (int i = 0; i < ROUTE_N; i++)
		assert_int_equal(weir_mem_free(m, w[i]), WEIR_OK);
	wt_mem_assert_empty(m, 0);
	free(v);
	free(w);
	weir_mem_destroy(m);
}

/* ------------------------------------------------------------------------ */
/* The owner's free racing with another thread's                             */
/* ------------------------------------------------------------------------ */

enum { RACE_ROUNDS = 20000 };

struct orace {
	weir_mem_t *m;
	_Atomic(void *) p;
	atomic_int go, done, ok;
};

static void *orace_thread(void *arg)
{
	struct orace *r = arg;
	for (int round = 1; round <= RACE_ROUNDS; round++) {
		while (atomic_load(&r->go) < round)
			;
		if (weir_mem_free(r->m, atomic_load(&r->p)) == WEIR_OK)
			atomic_fetch_add(&r->ok, 1);
		atomic_store(&r->done, round);
	}
	return NULL;
}

static void test_owner_race(void **state)
{
	(void)state;
	struct orace r = { .m = wt_mem_new(1, 64 * MiB, WEIR_MEM_OPT_NO_DEBUG) };
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, orace_thread, &r), 0);
	int mine = 0;
	for (int round = 1; round <= RACE_ROUNDS; round++) {
		void *p;
		size_t n = round % 3 ? 64 : 200;
		assert_int_equal(weir_mem_alloc(r.m, 0, n, WEIR_MEM_NORMAL_ONLY, &p), WEIR_OK);
		atomic_store(&r.p, p);
		atomic_store(&r.go, round);
		if (weir_mem_free(r.m, p) == WEIR_OK)
			mine++;
		while (atomic_load(&r.done) < round)
			;
	}
	pthread_join(t, NULL); /* its exit hands its outbox to us */
	int ok = mine + atomic_load(&r.ok);
	/* at least one free per round won; both only in a true overlap */
	assert_true(ok >= RACE_ROUNDS);
	weir_mem_flush(r.m); /* drain: corrects the frees counted twice */
	wt_mem_assert_empty(r.m, 0);
	/* each round had one bad free, found at once or by the drain */
	assert_int_equal(wt_mem_stats(r.m, 0).bad_frees, RACE_ROUNDS);
	assert_int_equal(wt_mem_stats(r.m, 0).allocs, RACE_ROUNDS);
	/* no block sits in two places: 200 live blocks of each size differ */
	void *v[400];
	for (int i = 0; i < 400; i++) {
		assert_int_equal(
		        weir_mem_alloc(r.m, 0, i % 2 ? 64 : 200, WEIR_MEM_NORMAL_ONLY, &v[i]),
		        WEIR_OK);
		memset(v[i], i & 0xFF, 64);
	}
	qsort(v, 400, sizeof(void *), wt_cmp_ptr);
	for (int i = 1; i < 400; i++)
		assert_ptr_not_equal(v[i - 1], v[i]);
	for (int i = 0; i < 400; i++)
		assert_int_equal(weir_mem_free(r.m, v[i]), WEIR_OK);
	wt_mem_assert_empty(r.m, 0);
	weir_mem_destroy(r.m);
}

/* ------------------------------------------------------------------------ */
/* More caches than owner ids                                                */
/* ------------------------------------------------------------------------ */

#define MANY_DEV 64
#define MANY_THR 33 /* 33 * 65 caches > 2047 owner ids */

struct many {
	weir_mem_t *m;
	void *p[MANY_THR][MANY_DEV + 1];
	pthread_barrier_t bar;
	atomic_int bad;
};

struct many_arg {
	struct many *sh;
	int id;
};

static void *many_thread(void *arg)
{
	struct many_arg *a = arg;
	struct many *sh = a->sh;
	for (uint32_t d = 0; d < MANY_DEV; d++)
		if (weir_mem_alloc(sh->m, d, 96, WEIR_MEM_NORMAL_ONLY, &sh->p[a->id][d]) != WEIR_OK)
			atomic_fetch_add(&sh->bad, 1);
	if (weir_mem_host_alloc(sh->m, 96, &sh->p[a->id][MANY_DEV]) != WEIR_OK)
		atomic_fetch_add(&sh->bad, 1);
	pthread_barrier_wait(&sh->bar);
	/* free the next thread's blocks, each once, then once more */
	int o = (a->id + 1) % MANY_THR;
	for (uint32_t d = 0; d <= MANY_DEV; d++) {
		void *p = sh->p[o][d];
		int rc = d < MANY_DEV ? weir_mem_free(sh->m, p) : weir_mem_host_free(sh->m, p);
		int rc2 = d < MANY_DEV ? weir_mem_free(sh->m, p) : weir_mem_host_free(sh->m, p);
		if (rc != WEIR_OK || rc2 != WEIR_EFREED)
			atomic_fetch_add(&sh->bad, 1);
	}
	pthread_barrier_wait(&sh->bar);
	return NULL;
}

static void test_ownerless(void **state)
{
	(void)state;
	struct many *sh = calloc(1, sizeof(*sh));
	assert_non_null(sh);
	sh->m = wt_mem_new(MANY_DEV, 2 * MiB, WEIR_MEM_OPT_NO_DEBUG);
	assert_int_equal(pthread_barrier_init(&sh->bar, NULL, MANY_THR), 0);
	pthread_t t[MANY_THR];
	struct many_arg a[MANY_THR];
	for (int i = 0; i < MANY_THR; i++) {
		a[i] = (struct many_arg){ sh, i };
		assert_int_equal(pthread_create(&t[i], NULL, many_thread, &a[i]), 0);
	}
	for (int i = 0; i < MANY_THR; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(atomic_load(&sh->bad), 0);
	for (uint32_t d = 0; d < MANY_DEV; d++) {
		wt_mem_assert_empty(sh->m, d);
		assert_int_equal(wt_mem_stats(sh->m, d).bad_frees, MANY_THR);
	}
	wt_mem_assert_empty(sh->m, WEIR_MEM_HOST);
	weir_mem_destroy(sh->m);
	pthread_barrier_destroy(&sh->bar);
	free(sh);
}

/* ------------------------------------------------------------------------ */
/* Host and device fast paths stay apart                                     */
/* ------------------------------------------------------------------------ */

static void test_host_device_keys(void **state)
{
	(void)state;
	weir_mem_t *m = wt_mem_new(2, 16 * MiB, WEIR_MEM_OPT_NO_DEBUG);
	void *h, *d, *x = (void *)0x1;
	/* the thread's fast path now serves the pinned host arena ... */
	assert_int_equal(weir_mem_host_alloc(m, 64, &h), WEIR_OK);
	assert_int_equal(weir_mem_host_free(m, h), WEIR_OK);
	assert_int_equal(weir_mem_host_alloc(m, 64, &h), WEIR_OK);
	/* ... which no device number reaches */
	assert_int_equal(weir_mem_alloc(m, 2, 64, WEIR_MEM_NORMAL_ONLY, &x), WEIR_EDEVICE);
	assert_int_equal(weir_mem_alloc(m, UINT32_MAX, 64, WEIR_MEM_NORMAL_ONLY, &x), WEIR_EDEVICE);
	assert_ptr_equal(x, (void *)0x1);
	assert_int_equal(weir_mem_free(m, h), WEIR_EFOREIGN);
	/* and the other way round */
	assert_int_equal(weir_mem_alloc(m, 1, 64, WEIR_MEM_NORMAL_ONLY, &d), WEIR_OK);
	assert_int_equal(weir_mem_free(m, d), WEIR_OK);
	assert_int_equal(weir_mem_alloc(m, 1, 64, WEIR_MEM_NORMAL_ONLY, &d), WEIR_OK);
	assert_int_equal(weir_mem_host_free(m, d), WEIR_EFOREIGN);
	assert_int_equal(weir_mem_free(m, d), WEIR_OK);
	assert_int_equal(weir_mem_host_free(m, h), WEIR_OK);
	wt_mem_assert_empty(m, 1);
	wt_mem_assert_empty(m, WEIR_MEM_HOST);
	weir_mem_flush(NULL);
	weir_mem_flush(m); /* nothing queued: a no-op */
	wt_mem_assert_empty(m, 1);
	weir_mem_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_remote_routing),   cmocka_unit_test(test_exit_drains),
		cmocka_unit_test(test_owner_race),       cmocka_unit_test(test_ownerless),
		cmocka_unit_test(test_host_device_keys),
	};
	return cmocka_run_group_tests_name("mem_owner", tests, NULL, NULL);
}
