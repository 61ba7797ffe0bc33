/*
 * test_sched_limits.c - sched/limits.c: block limits cap how many workers
 * run one kernel's blocks at once (observed by the kernel itself, no
 * timing assertions), the stream / device / worker-count priority, float
 * modes taken at stream create, the overflow check taken at launch, the
 * sticky per-device overflow status, worker busy time, and bad input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/fixture.h"
#include "base/atomic.h"

#define WORKERS 4

static int setup(void **state)
{
	return wt_fix_setup_cfg(state, WORKERS, 64);
}

/* ------------------------------------------------------------------------ */
/* Block limits                                                              */
/* ------------------------------------------------------------------------ */

/* Each block counts itself in, records the most blocks seen inside at
 * once, stays a moment (so other workers can join), and counts out. */
struct conc {
	_Atomic uint32_t inside, most, done;
};

static int k_conc(void *args, uint32_t block, uint32_t nblocks)
{
	struct conc *c = *(struct conc **)args;
	(void)block;
	(void)nblocks;
	uint32_t now = weir_faa_relaxed(&c->inside, 1) + 1;
	uint32_t m = weir_load_relaxed(&c->most);
	while (now > m && !weir_cas_relaxed(&c->most, &m, now))
		;
	struct timespec ts = { 0, 2000000 }; /* 2 ms: a window, not a measurement */
	nanosleep(&ts, NULL);
	weir_fas_relaxed(&c->inside, 1);
	weir_faa_relaxed(&c->done, 1);
	return 0;
}

/* Run one 24-block kernel on s; return the most blocks inside at once. */
static uint32_t run_conc(weir_stream_t *s)
{
	struct conc *c = calloc(1, sizeof(*c));
	assert_non_null(c);
	WT_OK(weir_launch(s, k_conc, &c, sizeof(c), 24, 0));
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(weir_load_relaxed(&c->done), 24); /* every block ran once */
	uint32_t most = weir_load_relaxed(&c->most);
	free(c);
	return most;
}

static void test_device_limit_caps_blocks(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s = wt_stream(f, 0);
	uint32_t v = 99;
	WT_OK(weir_device_block_limit(f->rt, 0, WEIR_CORE_VECTOR, &v));
	assert_int_equal(v, 0); /* none set */
	for (uint32_t lim = 1; lim <= 3; lim++) {
		WT_OK(weir_device_set_block_limit(f->rt, 0, WEIR_CORE_VECTOR, lim));
		WT_OK(weir_device_block_limit(f->rt, 0, WEIR_CORE_VECTOR, &v));
		assert_int_equal(v, lim);
		for (int rep = 0; rep < 3; rep++) {
			uint32_t most = run_conc(s);
			assert_in_range(most, 1, lim);
		}
	}
	/* Both classes cap a kernel: the smaller wins. */
	WT_OK(weir_device_set_block_limit(f->rt, 0, WEIR_CORE_VECTOR, 3));
	WT_OK(weir_device_set_block_limit(f->rt, 0, WEIR_CORE_CUBE, 1));
	assert_int_equal(run_conc(s), 1);
	/* Cleared: at most the worker count. */
	WT_OK(weir_device_set_block_limit(f->rt, 0, WEIR_CORE_VECTOR, 0));
	WT_OK(weir_device_set_block_limit(f->rt, 0, WEIR_CORE_CUBE, 0));
	assert_in_range(run_conc(s), 1, WORKERS);
	/* A limit above the worker count caps at the worker count. */
	WT_OK(weir_device_set_block_limit(f->rt, 0, WEIR_CORE_CUBE, 1000));
	assert_in_range(run_conc(s), 1, WORKERS);
	WT_OK(weir_device_set_block_limit(f->rt, 0, WEIR_CORE_CUBE, 0));
	WT_OK(weir_stream_destroy(s));
}

static void test_stream_limit_overrides_device(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s = wt_stream(f, 0), *other = wt_stream(f, 0);
	WT_OK(weir_device_set_block_limit(f->rt, 0, WEIR_CORE_CUBE, 3));
	WT_OK(weir_stream_set_block_limit(s, WEIR_CORE_CUBE, 1));
	uint32_t v = 0;
	WT_OK(weir_stream_block_limit(s, WEIR_CORE_CUBE, &v));
	assert_int_equal(v, 1);
	for (int rep = 0; rep < 3; rep++)
		assert_int_equal(run_conc(s), 1);
	/* The stream's own limit may exceed the device's (ACL's rule). */
	WT_OK(weir_device_set_block_limit(f->rt, 0, WEIR_CORE_CUBE, 1));
	WT_OK(weir_stream_set_block_limit(s, WEIR_CORE_CUBE, 2));
	for (int rep = 0; rep < 3; rep++) {
		assert_in_range(run_conc(s), 1, 2);
		assert_int_equal(run_conc(other), 1); /* no stream limit: the device's */
	}
	WT_OK(weir_stream_set_block_limit(s, WEIR_CORE_CUBE, 0));
	assert_int_equal(run_conc(s), 1);
	WT_OK(weir_device_set_block_limit(f->rt, 0, WEIR_CORE_CUBE, 0));
	WT_OK(weir_stream_destroy(s));
	WT_OK(weir_stream_destroy(other));
}

/* ------------------------------------------------------------------------ */
/* Float modes and overflow                                                  */
/* ------------------------------------------------------------------------ */

static _Atomic uint32_t g_flags_seen;

static int k_report(void *args, uint32_t block, uint32_t nblocks)
{
	(void)args;
	(void)nblocks;
	if (block == 0)
		weir_store_relaxed(&g_flags_seen, weir_kernel_float_flags());
	weir_kernel_report_overflow();
	return 0;
}

static uint32_t status(wt_fix_t *f, uint32_t dev)
{
	uint32_t st = 7;
	WT_OK(weir_device_overflow_status(f->rt, dev, &st));
	return st;
}

static void test_overflow_status(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s = wt_stream(f, 0);
	bool on = true;
	WT_OK(weir_stream_overflow_check(s, &on));
	assert_false(on);
	assert_int_equal(status(f, 0), 0);
	/* Check off: a report is ignored. */
	WT_OK(weir_launch(s, k_report, NULL, 0, 3, 0));
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(status(f, 0), 0);
	assert_int_equal(weir_load_relaxed(&g_flags_seen), 0);
	/* Check on: sticky on the stream's device only. */
	WT_OK(weir_stream_set_overflow_check(s, true));
	WT_OK(weir_stream_overflow_check(s, &on));
	assert_true(on);
	WT_OK(weir_launch(s, k_report, NULL, 0, 3, 0));
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(weir_load_relaxed(&g_flags_seen), WEIR_KERNEL_FP_CHECK);
	assert_int_equal(status(f, 0), 1);
	assert_int_equal(status(f, 1), 0);
	WT_OK(weir_stream_set_overflow_check(s, false));
	WT_OK(weir_launch(s, k_report, NULL, 0, 1, 0));
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(status(f, 0), 1); /* sticky */
	WT_OK(weir_device_overflow_reset(f->rt, 0));
	assert_int_equal(status(f, 0), 0);
	/* Outside a kernel: nothing. */
	weir_kernel_report_overflow();
	assert_int_equal(weir_kernel_float_flags(), 0);
	assert_int_equal(status(f, 0), 0);
	WT_OK(weir_stream_destroy(s));
}

/* The switch is the one in force at the launch, not when the kernel runs. */
static void test_overflow_check_taken_at_launch(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s = wt_stream(f, 0);
	wt_gate_t gt;
	WT_OK(weir_device_overflow_reset(f->rt, 0));
	wt_gate_block(f, &gt, 0, s);
	WT_OK(weir_launch(s, k_report, NULL, 0, 1, 0)); /* check off */
	WT_OK(weir_stream_set_overflow_check(s, true));
	wt_gate_open(f, &gt);
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(status(f, 0), 0);
	wt_gate_free(&gt);

	wt_gate_block(f, &gt, 0, s);
	WT_OK(weir_launch(s, k_report, NULL, 0, 1, 0)); /* check on */
	WT_OK(weir_stream_set_overflow_check(s, false));
	wt_gate_open(f, &gt);
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(status(f, 0), 1);
	wt_gate_free(&gt);
	WT_OK(weir_device_overflow_reset(f->rt, 0));
	WT_OK(weir_stream_destroy(s));
}

static void test_float_mode_taken_at_create(void **state)
{
	wt_fix_t *f = *state;
	int m = -1;
	WT_OK(weir_device_float_mode(f->rt, 0, &m));
	assert_int_equal(m, WEIR_FLOAT_INFNAN);
	weir_stream_t *before = wt_stream(f, 0);
	WT_OK(weir_device_set_float_mode(f->rt, 0, WEIR_FLOAT_SATURATION));
	WT_OK(weir_device_float_mode(f->rt, 0, &m));
	assert_int_equal(m, WEIR_FLOAT_SATURATION);
	weir_stream_t *after = wt_stream(f, 0);
	WT_OK(weir_stream_float_mode(before, &m));
	assert_int_equal(m, WEIR_FLOAT_INFNAN);
	WT_OK(weir_stream_float_mode(after, &m));
	assert_int_equal(m, WEIR_FLOAT_SATURATION);
	WT_OK(weir_launch(after, k_report, NULL, 0, 1, 0));
	WT_OK(weir_stream_sync(after, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(weir_load_relaxed(&g_flags_seen), WEIR_KERNEL_FP_SATURATE);
	WT_OK(weir_device_set_float_mode(f->rt, 0, WEIR_FLOAT_INFNAN));
	WT_OK(weir_stream_float_mode(after, &m));
	assert_int_equal(m, WEIR_FLOAT_SATURATION); /* stays with the stream */
	WT_OK(weir_stream_destroy(before));
	WT_OK(weir_stream_destroy(after));
}

/* ------------------------------------------------------------------------ */
/* Busy time                                                                 */
/* ------------------------------------------------------------------------ */

static int k_spin(void *args, uint32_t block, uint32_t nblocks)
{
	(void)args;
	(void)block;
	(void)nblocks;
	uint64_t until = wt_now_ns() + 20000000; /* 20 ms of work per block */
	while (wt_now_ns() < until)
		;
	return 0;
}

static uint64_t busy_sum(wt_fix_t *f, uint32_t dev)
{
	weir_worker_stats_t ws[WORKERS];
	uint32_t n = WORKERS;
	WT_OK(weir_device_stats(f->rt, dev, ws, &n));
	assert_int_equal(n, WORKERS);
	uint64_t b = 0;
	for (uint32_t i = 0; i < n; i++) {
		assert_true(ws[i].busy_ns <= ws[i].up_ns);
		b += ws[i].busy_ns;
	}
	return b;
}

static void test_busy_time(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s = wt_stream(f, 1);
	uint64_t b0 = busy_sum(f, 1);
	WT_OK(weir_launch(s, k_spin, NULL, 0, 4, 0));
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	uint64_t b1 = busy_sum(f, 1);
	/* 80 ms of kernel work happened on the device's workers: their busy
	 * time grew by at least that much minus the clock's slack. */
	assert_true(b1 - b0 >= 60000000);
	WT_OK(weir_stream_destroy(s));
}

/* ------------------------------------------------------------------------ */
/* Bad input                                                                 */
/* ------------------------------------------------------------------------ */

static void test_bad_input(void **state)
{
	wt_fix_t *f = *state;
	uint32_t v;
	int m;
	bool on;
	assert_int_equal(weir_device_set_block_limit(NULL, 0, 0, 1), WEIR_EINVAL);
	assert_int_equal(weir_device_set_block_limit(f->rt, WT_FIX_DEVICES, 0, 1), WEIR_EDEVICE);
	assert_int_equal(weir_device_set_block_limit(f->rt, 0, 2, 1), WEIR_EINVAL);
	assert_int_equal(weir_device_set_block_limit(f->rt, 0, -1, 1), WEIR_EINVAL);
	assert_int_equal(weir_device_block_limit(f->rt, 0, 0, NULL), WEIR_EINVAL);
	assert_int_equal(weir_device_block_limit(f->rt, 9, 0, &v), WEIR_EDEVICE);
	weir_stream_t *s = wt_stream(f, 0);
	assert_int_equal(weir_stream_set_block_limit(s, 5, 1), WEIR_EINVAL);
	assert_int_equal(weir_stream_block_limit(s, 0, NULL), WEIR_EINVAL);
	assert_int_equal(weir_stream_float_mode(s, NULL), WEIR_EINVAL);
	assert_int_equal(weir_stream_overflow_check(s, NULL), WEIR_EINVAL);
	WT_OK(weir_stream_destroy(s));
	assert_int_equal(weir_stream_set_block_limit(s, 0, 1), WEIR_EHANDLE);
	assert_int_equal(weir_stream_block_limit(s, 0, &v), WEIR_EHANDLE);
	assert_int_equal(weir_stream_float_mode(s, &m), WEIR_EHANDLE);
	assert_int_equal(weir_stream_set_overflow_check(s, true), WEIR_EHANDLE);
	assert_int_equal(weir_stream_overflow_check(s, &on), WEIR_EHANDLE);
	assert_int_equal(weir_stream_set_block_limit(NULL, 0, 1), WEIR_EHANDLE);
	assert_int_equal(weir_device_set_float_mode(f->rt, 0, 2), WEIR_EINVAL);
	assert_int_equal(weir_device_set_float_mode(f->rt, 0, -1), WEIR_EINVAL);
	assert_int_equal(weir_device_set_float_mode(NULL, 0, 0), WEIR_EINVAL);
	assert_int_equal(weir_device_set_float_mode(f->rt, 5, 0), WEIR_EDEVICE);
	assert_int_equal(weir_device_float_mode(f->rt, 0, NULL), WEIR_EINVAL);
	assert_int_equal(weir_device_overflow_status(f->rt, 0, NULL), WEIR_EINVAL);
	assert_int_equal(weir_device_overflow_status(f->rt, 5, &v), WEIR_EDEVICE);
	assert_int_equal(weir_device_overflow_reset(NULL, 0), WEIR_EINVAL);
	assert_int_equal(weir_device_overflow_reset(f->rt, 5), WEIR_EDEVICE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_device_limit_caps_blocks, setup,
		                                wt_fix_teardown),
		cmocka_unit_test_setup_teardown(test_stream_limit_overrides_device, setup,
		                                wt_fix_teardown),
		cmocka_unit_test_setup_teardown(test_overflow_status, setup, wt_fix_teardown),
		cmocka_unit_test_setup_teardown(test_overflow_check_taken_at_launch, setup,
		                                wt_fix_teardown),
		cmocka_unit_test_setup_teardown(test_float_mode_taken_at_create, setup,
		                                wt_fix_teardown),
		cmocka_unit_test_setup_teardown(test_busy_time, setup, wt_fix_teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup, wt_fix_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
