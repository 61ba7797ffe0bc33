/*
 * Unit tests: weir_stream_stop (stream.c invariant 10, device.c invariant 7).
 * A kernel running when its stream is stopped skips its blocks not started
 * (1 and several workers); queued tasks stay queued and never run; sync
 * returns WEIR_EHALTED without waiting for them; abort discards them and
 * makes the stream usable; destroy, destroy_force, group destroy and runtime
 * destroy of a stopped stream return and discard (and release) every queued
 * task; launches racing a stop are all accounted for. A watchdog turns a
 * hang into a failure.
 */
#include "common/fixture.h"

static wt_watchdog_t g_wd;

/* ---- a gated multi-block kernel ---- */

/* Every block counts its start, waits (bounded) for the gate, counts its
 * end. The test stops the stream while blocks wait, then opens the gate.
 * Release/acquire: the counters are read by the test after a sync. */
typedef struct gate_k {
	_Atomic uint64_t started;
	_Atomic uint64_t finished;
	_Atomic int open;
} gate_k_t;

static int k_gated(void *args, uint32_t block, uint32_t nblocks)
{
	(void)block;
	(void)nblocks;
	gate_k_t *g = *(gate_k_t **)args;
	weir_faa_release(&g->started, 1);
	uint64_t until = wt_now_ns() + 30 * WT_S;
	while (!weir_load_acquire(&g->open)) {
		if (wt_now_ns() > until)
			return 99; /* the gate never opened: the test fails on the count */
		wt_sleep_ns(100000);
	}
	weir_faa_release(&g->finished, 1);
	return 0;
}

static void launch_gated(weir_stream_t *s, gate_k_t *g, uint32_t nblocks)
{
	WT_OK(weir_launch(s, k_gated, &g, sizeof g, nblocks, 0));
}

/* Bounded (watchdog) wait until `n` blocks have started. */
static void wait_started(gate_k_t *g, uint64_t n)
{
	while (weir_load_acquire(&g->started) < n)
		wt_sleep_ns(100000);
}

/* A release that counts (weir_launch_release: runs once, run or discarded). */
static void count_release(void *ctx)
{
	weir_faa_release((_Atomic uint64_t *)ctx, 1);
}

static void launch_counted(weir_stream_t *s, _Atomic uint64_t *ran, _Atomic uint64_t *released)
{
	wt_count_args_t a = { ran };
	WT_OK(weir_launch_release(s, wt_k_count, &a, sizeof a, 1, 0, count_release, released));
}

static int setup_wd(void **state)
{
	wt_watchdog_start(&g_wd, 120);
	return wt_fix_setup_cfg(state, 1, 64);
}

static int setup_wd4(void **state)
{
	wt_watchdog_start(&g_wd, 120);
	return wt_fix_setup_cfg(state, 4, 64);
}

static int setup_wd_only(void **state)
{
	(void)state;
	wt_watchdog_start(&g_wd, 120);
	return 0;
}

static int teardown_wd_only(void **state)
{
	(void)state;
	wt_watchdog_stop(&g_wd);
	return 0;
}

static int teardown_wd(void **state)
{
	wt_watchdog_phase(&g_wd, "runtime destroy");
	int rc = wt_fix_teardown(state);
	wt_watchdog_stop(&g_wd);
	return rc;
}

/* ---- tests ---- */

/* The kernel's blocks not started are skipped, the queued tasks stay queued,
 * sync reports WEIR_EHALTED; abort discards them and the stream runs again. */
static void stop_long_kernel(wt_fix_t *f, uint32_t workers)
{
	weir_stream_t *s = wt_stream(f, 0);
	gate_k_t g = { 0 };
	static _Atomic uint64_t ran, released;
	weir_store_relaxed(&ran, 0);
	weir_store_relaxed(&released, 0);
	const uint32_t nblocks = 64;
	launch_gated(s, &g, nblocks);
	for (int i = 0; i < 5; i++)
		launch_counted(s, &ran, &released);
	wt_watchdog_phase(&g_wd, "waiting for the kernel to start");
	/* One runner per worker at most; wait for the first (the others may
	 * or may not have joined: both are fine). */
	wait_started(&g, 1);
	WT_OK(weir_stream_stop(s));
	WT_OK(weir_stream_stop(s)); /* idempotent */
	weir_store_release(&g.open, 1);
	wt_watchdog_phase(&g_wd, "sync after stop");
	WT_ASSERT_STATUS(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE), WEIR_EHALTED);
	int code = 7;
	WT_ASSERT_STATUS(weir_stream_sync_code(s, 0, &code), WEIR_EHALTED);
	assert_int_equal(code, 0);
	/* Every block that started has finished by the time sync returns, and
	 * no runner started a block after the stop. */
	uint64_t started = weir_load_acquire(&g.started);
	assert_int_equal(weir_load_acquire(&g.finished), started);
	assert_true(started >= 1 && started <= workers);
	assert_int_equal(weir_load_acquire(&ran), 0);
	WT_ASSERT_STATUS(weir_stream_query(s), WEIR_ENOTREADY);
	weir_stream_stats_t st = wt_stats(s);
	assert_int_equal(st.failed, 1);
	assert_int_equal(st.in_flight, 5);
	assert_int_equal(st.completed, 0);
	/* Still stopped: a later launch stays queued too. */
	launch_counted(s, &ran, &released);
	WT_ASSERT_STATUS(weir_stream_sync(s, 10 * WT_MS), WEIR_EHALTED);
	wt_sleep_ns(20 * WT_MS);
	assert_int_equal(weir_load_acquire(&ran), 0);
	assert_int_equal(weir_load_acquire(&released), 0);

	wt_watchdog_phase(&g_wd, "abort after stop");
	WT_OK(weir_stream_abort(s));
	WT_ASSERT_STATUS(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE), WEIR_EABORTED);
	st = wt_stats(s);
	assert_int_equal(st.discarded, 6);
	assert_int_equal(st.in_flight, 0);
	assert_int_equal(weir_load_acquire(&released), 6);
	assert_int_equal(weir_load_acquire(&ran), 0);
	/* Usable again. */
	launch_counted(s, &ran, &released);
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(weir_load_acquire(&ran), 1);
	assert_int_equal(weir_load_acquire(&released), 7);
	WT_OK(weir_stream_destroy(s));
}

static void test_stop_long_kernel_1(void **state)
{
	stop_long_kernel(*state, 1);
}

static void test_stop_long_kernel_4(void **state)
{
	stop_long_kernel(*state, 4);
}

/* An idle stream: sync reports the stop at once; what is launched later is
 * kept, not run; bad handles. */
static void test_stop_idle(void **state)
{
	wt_fix_t *f = *state;
	WT_ASSERT_STATUS(weir_stream_stop(NULL), WEIR_EHANDLE);
	weir_stream_t *s = wt_stream(f, 1);
	WT_OK(weir_stream_stop(s));
	WT_OK(weir_stream_query(s)); /* nothing queued */
	WT_ASSERT_STATUS(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE), WEIR_EHALTED);
	static _Atomic uint64_t ran, released;
	for (int i = 0; i < 10; i++)
		launch_counted(s, &ran, &released);
	wt_watchdog_phase(&g_wd, "sync on a stopped idle stream");
	WT_ASSERT_STATUS(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE), WEIR_EHALTED);
	WT_ASSERT_STATUS(weir_stream_query(s), WEIR_ENOTREADY);
	wt_sleep_ns(20 * WT_MS);
	assert_int_equal(weir_load_acquire(&ran), 0);
	weir_stream_stats_t st = wt_stats(s);
	assert_int_equal(st.in_flight, 10);
	assert_int_equal(st.failed, 0); /* nothing was running */
	/* The group's sync reports it too, without waiting. */
	WT_ASSERT_STATUS(weir_group_sync(f->g[1], WEIR_TIMEOUT_INFINITE), WEIR_EHALTED);
	WT_OK(weir_stream_abort(s));
	WT_ASSERT_STATUS(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE), WEIR_EABORTED);
	assert_int_equal(weir_load_acquire(&released), 10);
	WT_OK(weir_stream_sync(s, 0));
	WT_OK(weir_stream_destroy(s));
	WT_ASSERT_STATUS(weir_stream_stop(s), WEIR_EHANDLE);
}

/* A stream waiting on an event stops waiting: the sync does not wait for
 * the event; abort discards the wait; the event later set changes nothing. */
static void test_stop_parked(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s = wt_stream(f, 0);
	wt_gate_t gt;
	static _Atomic uint64_t ran, released;
	wt_gate_block(f, &gt, 0, s);
	launch_counted(s, &ran, &released);
	WT_ASSERT_STATUS(weir_stream_sync(s, 10 * WT_MS), WEIR_ETIMEDOUT);
	WT_OK(weir_stream_stop(s));
	wt_watchdog_phase(&g_wd, "sync on a stream stopped while parked");
	WT_ASSERT_STATUS(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE), WEIR_EHALTED);
	wt_gate_open(f, &gt);
	wt_sleep_ns(20 * WT_MS);
	assert_int_equal(weir_load_acquire(&ran), 0);
	WT_OK(weir_stream_abort(s));
	WT_ASSERT_STATUS(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE), WEIR_EABORTED);
	assert_int_equal(weir_load_acquire(&released), 1);
	assert_int_equal(wt_stats(s).discarded, 2); /* the wait and the kernel */
	wt_gate_free(&gt);
	WT_OK(weir_stream_destroy(s));
}

/* Stopped with queued tasks, then destroyed (plain and force): the calls
 * return, every queued task is discarded and released, none runs. */
static void test_stop_then_destroy(void **state)
{
	wt_fix_t *f = *state;
	static _Atomic uint64_t ran, released;
	for (int force = 0; force < 2; force++) {
		weir_store_relaxed(&ran, 0);
		weir_store_relaxed(&released, 0);
		weir_stream_t *s = wt_stream(f, 0);
		gate_k_t g = { 0 };
		launch_gated(s, &g, 8);
		for (int i = 0; i < 20; i++)
			launch_counted(s, &ran, &released);
		wait_started(&g, 1);
		WT_OK(weir_stream_stop(s));
		weir_store_release(&g.open, 1);
		WT_ASSERT_STATUS(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE), WEIR_EHALTED);
		wt_watchdog_phase(&g_wd, force ? "destroy_force after stop" : "destroy after stop");
		WT_OK(force ? weir_stream_destroy_force(s) : weir_stream_destroy(s));
		/* A force-destroyed stream is reclaimed by its worker; the
		 * group's sync waits for it. */
		WT_OK(weir_group_sync(f->g[0], WEIR_TIMEOUT_INFINITE));
		assert_int_equal(weir_load_acquire(&released), 20);
		assert_int_equal(weir_load_acquire(&ran), 0);
		assert_true(weir_load_acquire(&g.started) < 8);
	}
}

/* The group and the runtime are destroyed with a stopped stream in them. */
static void test_stop_then_runtime_destroy(void **state)
{
	(void)state;
	static _Atomic uint64_t ran, released;
	weir_config_t c = wt_config(1, 2, 64);
	c.flags |= WEIR_CONFIG_NO_PIN;
	for (int round = 0; round < 2; round++) {
		weir_runtime_t *rt;
		weir_group_t *g;
		weir_stream_t *s, *s2;
		weir_store_relaxed(&ran, 0);
		weir_store_relaxed(&released, 0);
		WT_OK(weir_runtime_create(&c, &rt));
		WT_OK(weir_group_create(rt, 0, &g));
		WT_OK(weir_stream_create(g, 0, 0, &s));
		WT_OK(weir_stream_create(g, 0, 0, &s2));
		WT_OK(weir_stream_stop(s));
		WT_OK(weir_stream_stop(s2));
		for (int i = 0; i < 10; i++) {
			launch_counted(s, &ran, &released);
			launch_counted(s2, &ran, &released);
		}
		/* s2 is force-destroyed while stopped and left to the teardown */
		WT_OK(weir_stream_destroy_force(s2));
		wt_watchdog_phase(&g_wd, round ? "runtime destroy with a stopped stream"
		                               : "group destroy with a stopped stream");
		if (round == 0)
			WT_OK(weir_group_destroy(g));
		weir_runtime_destroy(rt);
		assert_int_equal(weir_load_acquire(&released), 20);
		assert_int_equal(weir_load_acquire(&ran), 0);
	}
}

/* Producers launch while the stream is stopped: every task is accounted
 * for (run before the stop, or discarded by the abort), none runs after the
 * stop's sync returned, and the stream works afterwards. */
typedef struct producer {
	weir_stream_t *s;
	_Atomic uint64_t *ran;
	_Atomic uint64_t *released;
	_Atomic int *go;
	uint64_t launched;
} producer_t;

static void *producer_main(void *arg)
{
	producer_t *p = arg;
	while (!weir_load_acquire(p->go))
		sched_yield();
	for (int i = 0; i < 2000; i++) {
		wt_count_args_t a = { p->ran };
		int rc = weir_launch_release(p->s, wt_k_count, &a, sizeof a, 1,
		                             WEIR_LAUNCH_NONBLOCK, count_release, p->released);
		if (rc == WEIR_OK)
			p->launched++;
		else if (rc != WEIR_EAGAIN)
			return (void *)1;
		else
			sched_yield();
	}
	return NULL;
}

static void test_stop_concurrent_launches(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s = wt_stream(f, 0);
	static _Atomic uint64_t ran, released;
	static _Atomic int go;
	weir_store_relaxed(&ran, 0);
	weir_store_relaxed(&released, 0);
	weir_store_relaxed(&go, 0);
	producer_t p[3];
	pthread_t th[3];
	for (int i = 0; i < 3; i++) {
		p[i] = (producer_t){ s, &ran, &released, &go, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, producer_main, &p[i]), 0);
	}
	weir_store_release(&go, 1);
	while (weir_load_acquire(&ran) < 50)
		sched_yield();
	WT_OK(weir_stream_stop(s));
	wt_watchdog_phase(&g_wd, "sync while producers launch");
	WT_ASSERT_STATUS(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE), WEIR_EHALTED);
	uint64_t ran_at_stop = weir_load_acquire(&ran);
	for (int i = 0; i < 3; i++) {
		void *r;
		assert_int_equal(pthread_join(th[i], &r), 0);
		assert_null(r);
	}
	wt_sleep_ns(20 * WT_MS);
	assert_int_equal(weir_load_acquire(&ran), ran_at_stop);
	WT_OK(weir_stream_abort(s));
	WT_ASSERT_STATUS(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE), WEIR_EABORTED);
	uint64_t launched = p[0].launched + p[1].launched + p[2].launched;
	weir_stream_stats_t st = wt_stats(s);
	assert_int_equal(st.submitted, launched);
	assert_int_equal(st.in_flight, 0);
	assert_int_equal(st.completed, ran_at_stop);
	/* the kernel dispatched when the stop came (if any) failed halted */
	assert_true(st.failed <= 1);
	assert_int_equal(st.completed + st.failed + st.discarded, launched);
	assert_int_equal(weir_load_acquire(&released), launched);
	WT_OK(wt_launch_count(s, &ran));
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(weir_load_acquire(&ran), ran_at_stop + 1);
	WT_OK(weir_stream_destroy(s));
}

/* Stop and abort racing each other many times never lose a task or leave
 * the stream stuck: after the final abort, every task is run or discarded. */
static void test_stop_abort_race(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s = wt_stream(f, 0);
	static _Atomic uint64_t ran, released;
	wt_watchdog_phase(&g_wd, "stop / abort race");
	for (int i = 0; i < 300; i++) {
		launch_counted(s, &ran, &released);
		if (i % 3 == 0)
			WT_OK(weir_stream_stop(s));
		launch_counted(s, &ran, &released);
		if (i % 5 == 0)
			WT_OK(weir_stream_abort(s));
	}
	WT_OK(weir_stream_abort(s));
	int rc = weir_stream_sync(s, WEIR_TIMEOUT_INFINITE);
	assert_true(rc == WEIR_EABORTED || rc == WEIR_OK);
	weir_stream_stats_t st = wt_stats(s);
	assert_int_equal(st.in_flight, 0);
	assert_int_equal(st.submitted, 600);
	assert_int_equal(weir_load_acquire(&released), 600);
	assert_int_equal(weir_load_acquire(&ran), st.completed);
	WT_OK(wt_launch_count(s, &ran));
	(void)weir_stream_sync(s, WEIR_TIMEOUT_INFINITE); /* takes a stale report */
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	WT_OK(weir_stream_destroy(s));
}

int main(void)
{
#define T(fn)  cmocka_unit_test_setup_teardown(fn, setup_wd, teardown_wd)
#define T4(fn) cmocka_unit_test_setup_teardown(fn, setup_wd4, teardown_wd)
	const struct CMUnitTest tests[] = {
		T(test_stop_long_kernel_1),
		T4(test_stop_long_kernel_4),
		T(test_stop_idle),
		T(test_stop_parked),
		T(test_stop_then_destroy),
		T4(test_stop_then_destroy),
		cmocka_unit_test_setup_teardown(test_stop_then_runtime_destroy, setup_wd_only,
		                                teardown_wd_only),
		T(test_stop_concurrent_launches),
		T4(test_stop_concurrent_launches),
		T(test_stop_abort_race),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
