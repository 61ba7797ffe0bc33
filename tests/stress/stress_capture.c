/*
 * Stress: 8 threads replay ONE captured RI, each onto its own stream (and
 * so its own lane streams), while the RI is two streams joined by events
 * with a multi-block kernel on the joined stream (sched/capture.c C5, C7,
 * C8). Replays in total = WEIR_STRESS_TASKS / 10 in [2000, 10^6]: 2 * 10^4
 * by default, 10^5 in the ASan and TSan lanes, 10^6 in release. At the end
 * the RI is destroyed while the last replays are still queued. Oracle
 * (checked by the main thread after the syncs, tsan.md): every kernel and
 * block ran exactly once per replay, every replay call and sync returned
 * WEIR_OK, the joined stream's kernel always saw the fork's kernel done
 * before it and the join's kernel saw it done (an order oracle on the
 * kernels' counters, below), and the captured
 * release ran exactly once. A second test replays an RI with a task group
 * and a built RI from 4 threads while the group is updated 500 times
 * (C9, C11). A watchdog turns a hang into a failure.
 */
#include "common/fixture.h"

#define NTHR   8
#define BLOCKS 4

static wt_watchdog_t g_wd;

static _Atomic uint64_t g_blocks, g_released;

/* One RI shared by all replays, so the kernels' counters are global and
 * the order oracle works on totals: a B block only starts after its
 * replay's A (B blocks started <= BLOCKS * A's done), and a D only after
 * all of its replay's B blocks (D's started * BLOCKS <= B blocks started). */
static _Atomic uint64_t g_a, g_b, g_d, g_bad;

static int k_a(void *args, uint32_t block, uint32_t nblocks)
{
	(void)args;
	(void)block;
	(void)nblocks;
	weir_faa_seqcst(&g_a, 1);
	return 0;
}

static int k_b(void *args, uint32_t block, uint32_t nblocks)
{
	(void)args;
	(void)block;
	(void)nblocks;
	/* This replay's A has run: more A's than B-kernels done so far
	 * (each B-kernel counts BLOCKS blocks). */
	uint64_t b = weir_faa_seqcst(&g_b, 1);
	if (b / BLOCKS >= weir_load_seqcst(&g_a))
		weir_faa_relaxed(&g_bad, 1);
	weir_faa_relaxed(&g_blocks, 1);
	return 0;
}

static int k_d(void *args, uint32_t block, uint32_t nblocks)
{
	(void)args;
	(void)block;
	(void)nblocks;
	/* This replay's B blocks have all run: B-blocks done cover one more
	 * full kernel than D's done so far. */
	uint64_t d = weir_faa_seqcst(&g_d, 1);
	if ((d + 1) * BLOCKS > weir_load_seqcst(&g_b))
		weir_faa_relaxed(&g_bad, 1);
	return 0;
}

static void count_release(void *ctx)
{
	weir_faa_release((_Atomic uint64_t *)ctx, 1);
}

typedef struct thr {
	weir_ri_t *ri;
	weir_stream_t *s;
	uint64_t n;
	int rc;
} thr_t;

static void *thr_main(void *arg)
{
	thr_t *t = arg;
	for (uint64_t i = 0; i < t->n && !t->rc; i++) {
		t->rc = weir_ri_replay(t->ri, t->s);
		if (!t->rc && (i & 63) == 63)
			t->rc = weir_stream_sync(t->s, WEIR_TIMEOUT_INFINITE);
	}
	return NULL;
}

static void test_replay_threads(void **state)
{
	(void)state;
	uint64_t total = wt_clamp_u64(wt_stress_tasks() / 10, 2000, 1000000);
	wt_watchdog_start(&g_wd, 600);
	weir_config_t c = wt_config(1, 2, 4096);
	c.flags |= WEIR_CONFIG_NO_PIN;
	weir_runtime_t *rt;
	WT_OK(weir_runtime_create(&c, &rt));
	weir_group_t *g;
	WT_OK(weir_group_create(rt, 0, &g));
	weir_stream_t *s0, *s1;
	WT_OK(weir_stream_create(g, 0, 0, &s0));
	WT_OK(weir_stream_create(g, 0, 0, &s1));
	weir_event_t *e1, *e2;
	WT_OK(weir_event_create(rt, 0, 0, &e1));
	WT_OK(weir_event_create(rt, 0, 0, &e2));

	WT_OK(weir_capture_begin(s0, WEIR_CAPTURE_GLOBAL));
	WT_OK(weir_launch_release(s0, k_a, NULL, 0, 1, 0, count_release, &g_released));
	WT_OK(weir_event_record(e1, s0));
	WT_OK(weir_stream_wait_event(s1, e1));
	WT_OK(weir_launch(s1, k_b, NULL, 0, BLOCKS, 0));
	WT_OK(weir_event_record(e2, s1));
	WT_OK(weir_stream_wait_event(s0, e2));
	WT_OK(weir_launch(s0, k_d, NULL, 0, 1, 0));
	weir_ri_t *ri;
	WT_OK(weir_capture_end(s0, &ri));
	WT_OK(weir_event_destroy(e1));
	WT_OK(weir_event_destroy(e2));

	thr_t t[NTHR];
	pthread_t th[NTHR];
	for (int i = 0; i < NTHR; i++) {
		t[i] = (thr_t){ ri, NULL, total / NTHR + (i < (int)(total % NTHR)), 0 };
		WT_OK(weir_stream_create(g, i & 7, 0, &t[i].s));
		assert_int_equal(pthread_create(&th[i], NULL, thr_main, &t[i]), 0);
	}
	for (int i = 0; i < NTHR; i++)
		pthread_join(th[i], NULL);
	/* Destroy with the last replays in flight (C7). */
	WT_OK(weir_ri_destroy(ri));
	for (int i = 0; i < NTHR; i++) {
		WT_OK(t[i].rc);
		WT_OK(weir_stream_sync(t[i].s, WEIR_TIMEOUT_INFINITE));
	}
	assert_true(wt_wait_geq(&g_released, 1, 60 * WT_S));
	weir_runtime_destroy(rt);
	wt_watchdog_stop(&g_wd);
	assert_int_equal(weir_load_relaxed(&g_bad), 0);
	assert_int_equal(weir_load_relaxed(&g_a), total);
	assert_int_equal(weir_load_relaxed(&g_b), total * BLOCKS);
	assert_int_equal(weir_load_relaxed(&g_blocks), total * BLOCKS);
	assert_int_equal(weir_load_relaxed(&g_d), total);
	assert_int_equal(weir_load_relaxed(&g_released), 1);
}

/* ---- Updates and built RIs under concurrent replays (C9, C11, C12) ---- */

static _Atomic uint64_t g_pre, g_gsum, g_gcount, g_head, g_lane;

typedef struct gv_args {
	uint64_t v;
} gv_args_t;

static int k_pre(void *args, uint32_t block, uint32_t nblocks)
{
	(void)args;
	(void)block;
	(void)nblocks;
	weir_faa_relaxed(&g_pre, 1);
	return 0;
}

static int k_grp(void *args, uint32_t block, uint32_t nblocks)
{
	(void)block;
	(void)nblocks;
	weir_faa_relaxed(&g_gsum, ((gv_args_t *)args)->v);
	weir_faa_relaxed(&g_gcount, 1);
	return 0;
}

static int k_head(void *args, uint32_t block, uint32_t nblocks)
{
	(void)args;
	(void)block;
	(void)nblocks;
	weir_faa_seqcst(&g_head, 1);
	return 0;
}

static int k_lane(void *args, uint32_t block, uint32_t nblocks)
{
	(void)args;
	(void)block;
	(void)nblocks;
	/* This replay's head ran before it activated this lane. */
	if (weir_faa_seqcst(&g_lane, 1) >= weir_load_seqcst(&g_head))
		weir_faa_relaxed(&g_bad, 1);
	return 0;
}

typedef struct thr2 {
	weir_ri_t *a, *b;
	weir_stream_t *s;
	uint64_t n;
	int rc;
} thr2_t;

static void *thr2_main(void *arg)
{
	thr2_t *t = arg;
	for (uint64_t i = 0; i < t->n && !t->rc; i++) {
		t->rc = weir_ri_replay((i & 1) ? t->b : t->a, t->s);
		if (!t->rc && (i & 63) == 63)
			t->rc = weir_stream_sync(t->s, WEIR_TIMEOUT_INFINITE);
	}
	return NULL;
}

/* 4 threads replay a captured RI with a task group and a built RI (a head
 * stream activating a second one) onto their own streams, while the main
 * thread replaces the group's kernel again and again. Oracle: every
 * replay ran its group exactly once with the old or the new kernel (sum
 * between the two), every built replay ran its head and then its lane. */
static void test_update_built_threads(void **state)
{
	(void)state;
	uint64_t total = wt_clamp_u64(wt_stress_tasks() / 40, 1000, 200000);
	wt_watchdog_start(&g_wd, 600);
	weir_config_t c = wt_config(1, 2, 4096);
	c.flags |= WEIR_CONFIG_NO_PIN;
	weir_runtime_t *rt;
	WT_OK(weir_runtime_create(&c, &rt));
	weir_group_t *g;
	WT_OK(weir_group_create(rt, 0, &g));
	weir_stream_t *s0, *h, *l, *u;
	WT_OK(weir_stream_create(g, 0, 0, &s0));
	WT_OK(weir_stream_create(g, 0, 0, &h));
	WT_OK(weir_stream_create(g, 0, 0, &l));
	WT_OK(weir_stream_create(g, 0, 0, &u));
	weir_ri_t *a, *b;
	weir_ri_group_t *grp;
	gv_args_t one = { 1 }, two = { 2 };
	WT_OK(weir_capture_begin(s0, WEIR_CAPTURE_RELAXED));
	WT_OK(weir_launch(s0, k_pre, NULL, 0, 1, 0));
	WT_OK(weir_capture_group_begin(s0));
	WT_OK(weir_launch(s0, k_grp, &one, sizeof one, 1, 0));
	WT_OK(weir_capture_group_end(s0, &grp));
	WT_OK(weir_capture_end(s0, &a));
	WT_OK(weir_ri_build_begin(&b));
	WT_OK(weir_ri_bind(b, h, WEIR_RI_STREAM_HEAD));
	WT_OK(weir_ri_bind(b, l, WEIR_RI_STREAM_DEFAULT));
	WT_OK(weir_launch(h, k_head, NULL, 0, 1, 0));
	WT_OK(weir_ri_activate(l, h));
	WT_OK(weir_launch(l, k_lane, NULL, 0, 1, 0));
	WT_OK(weir_ri_end_task(b, l));
	WT_OK(weir_ri_build_end(b));

	enum { NT = 4 };
	thr2_t t[NT];
	pthread_t th[NT];
	uint64_t per = total / NT;
	for (int i = 0; i < NT; i++) {
		t[i] = (thr2_t){ a, b, NULL, per, 0 };
		WT_OK(weir_stream_create(g, 0, 0, &t[i].s));
		assert_int_equal(pthread_create(&th[i], NULL, thr2_main, &t[i]), 0);
	}
	for (int k = 0; k < 500; k++) {
		WT_OK(weir_ri_update_begin(u, grp));
		WT_OK(weir_launch(u, k_grp, (k & 1) ? &one : &two, sizeof one, 1, 0));
		WT_OK(weir_ri_update_end(u));
	}
	for (int i = 0; i < NT; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < NT; i++) {
		WT_OK(t[i].rc);
		WT_OK(weir_stream_sync(t[i].s, WEIR_TIMEOUT_INFINITE));
	}
	WT_OK(weir_ri_destroy(a));
	WT_OK(weir_ri_destroy(b));
	weir_runtime_destroy(rt);
	wt_watchdog_stop(&g_wd);
	uint64_t ra = NT * ((per + 1) / 2), rb = NT * (per / 2);
	assert_int_equal(weir_load_relaxed(&g_bad), 0);
	assert_int_equal(weir_load_relaxed(&g_pre), ra);
	assert_int_equal(weir_load_relaxed(&g_gcount), ra);
	assert_true(weir_load_relaxed(&g_gsum) >= ra && weir_load_relaxed(&g_gsum) <= 2 * ra);
	assert_int_equal(weir_load_relaxed(&g_head), rb);
	assert_int_equal(weir_load_relaxed(&g_lane), rb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_threads),
		cmocka_unit_test(test_update_built_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
