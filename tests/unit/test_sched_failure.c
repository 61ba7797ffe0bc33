/*
 * Unit tests: failure modes (I4). CONTINUE: later tasks run, sync returns
 * the first failure code once. STOP: no later task runs on any stream of the
 * group, submissions are refused with WEIR_ESTOPPED, the failure is sticky.
 */
#include "common/fixture.h"

static void test_continue_mode(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s = wt_stream(f, 0), *t = wt_stream(f, 0);
	static _Atomic uint64_t ok, bad;
	WT_OK(wt_launch_count(s, &ok));
	WT_OK(wt_launch_fail(s, &bad, 55));
	WT_OK(wt_launch_count(s, &ok));
	WT_OK(wt_launch_fail(s, &bad, 66));
	WT_OK(wt_launch_count(s, &ok));
	WT_OK(wt_launch_count(t, &ok)); /* another stream is unaffected */
	WT_ASSERT_STATUS(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE), 55);
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE)); /* cleared */
	WT_OK(weir_stream_sync(t, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(weir_load_acquire(&ok), 4);
	assert_int_equal(weir_load_acquire(&bad), 2);
	weir_stream_stats_t st = wt_stats(s);
	assert_int_equal(st.failed, 2);
	assert_int_equal(st.completed, 3);
	assert_int_equal(st.discarded, 0);
	assert_int_equal(st.in_flight, 0);
	/* submissions still accepted */
	WT_OK(wt_launch_count(s, &ok));
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(weir_load_acquire(&ok), 5);
	/* a negative code is reported as WEIR_EKERNEL (it could read as a
	 * native status), the code itself through the _code form */
	WT_OK(wt_launch_fail(s, &bad, -1000));
	int code = 0;
	WT_ASSERT_STATUS(weir_stream_sync_code(s, WEIR_TIMEOUT_INFINITE, &code), WEIR_EKERNEL);
	assert_int_equal(code, -1000);
	WT_OK(weir_stream_sync(s, 0));
	/* group sync reports a failure of any of its streams */
	WT_OK(wt_launch_fail(t, &bad, 9));
	int rc = weir_group_sync(f->g[0], WEIR_TIMEOUT_INFINITE);
	WT_ASSERT_STATUS(rc, 9);
	WT_OK(weir_stream_destroy(s));
	WT_OK(weir_stream_destroy(t));
}

static int k_fail_block(void *args, uint32_t block, uint32_t nblocks)
{
	uint32_t failing;
	memcpy(&failing, args, sizeof failing);
	return block == failing ? 31 : 0;
}

static void test_split_kernel_failure(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s = wt_stream(f, 1);
	uint32_t failing = 5;
	WT_OK(weir_launch(s, k_fail_block, &failing, sizeof failing, 8, 0));
	WT_ASSERT_STATUS(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE), 31);
	weir_stream_stats_t st = wt_stats(s);
	assert_int_equal(st.failed, 1);
	assert_int_equal(st.submitted, 1);
	WT_OK(weir_stream_destroy(s));
}

static void h_count(void *arg)
{
	weir_faa_release((_Atomic uint64_t *)arg, 1);
}

static void test_stop_mode(void **state)
{
	wt_fix_t *f = *state;
	weir_group_t *g = f->g[0];
	WT_OK(weir_group_set_failure_mode(g, WEIR_FAILURE_STOP));
	weir_stream_t *a = wt_stream(f, 0), *b = wt_stream(f, 0);
	static _Atomic uint64_t before, failing, after_a, after_b;
	/* b holds work behind a gate: it is "later" than the failure whatever
	 * the scheduling, because it cannot start before the gate opens */
	wt_gate_t gt;
	wt_gate_block(f, &gt, 0, b);
	for (int i = 0; i < 4; i++)
		WT_OK(wt_launch_count(b, &after_b));
	WT_OK(wt_launch_count(a, &before));
	WT_OK(wt_launch_fail(a, &failing, 77));
	for (int i = 0; i < 4; i++) {
		/* racing the failure: accepted (then discarded) or refused */
		int rc = wt_launch_count(a, &after_a);
		WT_ASSERT_STATUS2(rc, WEIR_OK, WEIR_ESTOPPED);
	}
	WT_ASSERT_STATUS(weir_stream_sync(a, WEIR_TIMEOUT_INFINITE), 77);
	WT_ASSERT_STATUS(weir_stream_sync(a, WEIR_TIMEOUT_INFINITE), 77); /* sticky */
	assert_int_equal(weir_load_acquire(&before), 1);
	assert_int_equal(weir_load_acquire(&failing), 1);
	/* refused on every stream of the group, whatever the task kind */
	WT_ASSERT_STATUS(wt_launch_count(a, &after_a), WEIR_ESTOPPED);
	WT_ASSERT_STATUS(wt_launch_count(b, &after_b), WEIR_ESTOPPED);
	WT_ASSERT_STATUS(weir_launch_host(b, h_count, &after_b), WEIR_ESTOPPED);
	weir_stream_t *c = NULL;
	int rc = weir_stream_create(g, 0, 0, &c);
	if (rc == WEIR_OK) /* a new stream of a stopped group is stopped too */
		WT_ASSERT_STATUS(wt_launch_count(c, &after_a), WEIR_ESTOPPED);
	else
		WT_ASSERT_STATUS(rc, WEIR_ESTOPPED);
	/* release b: its queued work must not run */
	wt_gate_open(f, &gt);
	WT_ASSERT_STATUS(weir_stream_sync(b, WEIR_TIMEOUT_INFINITE), 77);
	WT_ASSERT_STATUS(weir_group_sync(g, WEIR_TIMEOUT_INFINITE), 77);
	WT_ASSERT_STATUS(weir_device_sync(f->rt, 0, WEIR_TIMEOUT_INFINITE), 77);
	/* the driver group on the same device is not stopped */
	WT_OK(weir_group_sync(f->dg[0], WEIR_TIMEOUT_INFINITE));
	/* STOP -> CONTINUE is refused */
	WT_ASSERT_STATUS(weir_stream_set_failure_mode(a, WEIR_FAILURE_CONTINUE), WEIR_ENOTSUP);
	WT_ASSERT_STATUS(weir_group_set_failure_mode(g, WEIR_FAILURE_CONTINUE), WEIR_ENOTSUP);
	weir_stream_stats_t sa = wt_stats(a), sb = wt_stats(b);
	assert_int_equal(sa.in_flight, 0);
	assert_int_equal(sb.in_flight, 0);
	assert_int_equal(sa.failed, 1);
	assert_true(sb.discarded >= 4);
	/* destroy (waits) then check nothing later ever ran */
	if (c)
		WT_OK(weir_stream_destroy(c));
	WT_OK(weir_stream_destroy(a));
	WT_OK(weir_stream_destroy(b));
	wt_gate_free(&gt);
	assert_int_equal(weir_load_acquire(&after_a), 0);
	assert_int_equal(weir_load_acquire(&after_b), 0);
	/* the other device is untouched */
	weir_stream_t *o = wt_stream(f, 1);
	WT_OK(wt_launch_count(o, &before));
	WT_OK(weir_stream_sync(o, WEIR_TIMEOUT_INFINITE));
	WT_OK(weir_stream_destroy(o));
}

/* The failure mode set through a stream applies to its group. */
static void test_stream_sets_group_mode(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *a = wt_stream(f, 1), *b = wt_stream(f, 1);
	int mode = -1;
	WT_OK(weir_stream_set_failure_mode(a, WEIR_FAILURE_CONTINUE));
	WT_OK(weir_stream_set_failure_mode(a, WEIR_FAILURE_STOP));
	WT_OK(weir_group_get_failure_mode(f->g[1], &mode));
	assert_int_equal(mode, WEIR_FAILURE_STOP);
	WT_ASSERT_STATUS(weir_stream_set_failure_mode(b, 42), WEIR_EINVAL);
	static _Atomic uint64_t ctr;
	WT_OK(wt_launch_fail(b, &ctr, 3));
	WT_ASSERT_STATUS(weir_stream_sync(b, WEIR_TIMEOUT_INFINITE), 3);
	WT_ASSERT_STATUS(wt_launch_count(a, &ctr), WEIR_ESTOPPED);
	WT_ASSERT_STATUS(weir_stream_sync(a, WEIR_TIMEOUT_INFINITE), 3);
	WT_OK(weir_stream_destroy(a));
	WT_OK(weir_stream_destroy(b));
}

/* STOP with a failure at task k of a long stream, in a loop. */
static void test_stop_at_k(void **state)
{
	wt_fix_t *f = *state;
	for (uint32_t k = 0; k < 40; k += 3) {
		weir_group_t *g;
		WT_OK(weir_group_create(f->rt, 0, &g));
		WT_OK(weir_group_set_failure_mode(g, WEIR_FAILURE_STOP));
		weir_stream_t *s;
		WT_OK(weir_stream_create(g, 0, 0, &s));
		static _Atomic uint64_t last, bad;
		weir_store_relaxed(&last, 0);
		uint64_t accepted_after = 0;
		for (uint64_t i = 1; i <= 40; i++) {
			if (i == k + 1) {
				static _Atomic uint64_t fc;
				WT_OK(wt_launch_fail(s, &fc, 100 + (int)k));
				continue;
			}
			wt_seq_args_t a = { &last, &bad, i <= k ? i : 1000000 };
			int rc = weir_launch(s, wt_k_seq, &a, sizeof a, 1, 0);
			WT_ASSERT_STATUS2(rc, WEIR_OK, WEIR_ESTOPPED);
			if (rc == WEIR_OK && i > k)
				accepted_after++;
		}
		WT_ASSERT_STATUS(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE), 100 + (int)k);
		/* exactly the first k ran, in order; none after the failure */
		assert_int_equal(weir_load_acquire(&last), k);
		assert_int_equal(weir_load_relaxed(&bad), 0);
		weir_stream_stats_t st = wt_stats(s);
		assert_int_equal(st.completed, k);
		assert_int_equal(st.failed, 1);
		assert_int_equal(st.discarded, accepted_after);
		assert_int_equal(st.in_flight, 0);
		WT_OK(weir_group_destroy(g));
		WT_ASSERT_STATUS(weir_stream_query(s), WEIR_EHANDLE);
	}
}

/* CONTINUE with a failure at task k: every other task runs exactly once. */
static void test_continue_at_k(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s = wt_stream(f, 1);
	for (uint32_t k = 0; k < 40; k += 7) {
		static _Atomic uint64_t last, bad;
		weir_store_relaxed(&last, 0);
		uint64_t seq = 0;
		for (uint64_t i = 0; i < 40; i++) {
			if (i == k) {
				static _Atomic uint64_t fc;
				WT_OK(wt_launch_fail(s, &fc, 200));
				continue;
			}
			wt_seq_args_t a = { &last, &bad, ++seq };
			WT_OK(weir_launch(s, wt_k_seq, &a, sizeof a, 1, 0));
		}
		WT_ASSERT_STATUS(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE), 200);
		WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
		assert_int_equal(weir_load_acquire(&last), seq);
		assert_int_equal(weir_load_relaxed(&bad), 0);
	}
	WT_OK(weir_stream_destroy(s));
}

/* STOP: destroying and re-creating a group gives a fresh, running group. */
static void test_stop_then_group_destroy_force(void **state)
{
	wt_fix_t *f = *state;
	weir_group_t *g;
	WT_OK(weir_group_create(f->rt, 1, &g));
	WT_OK(weir_group_set_failure_mode(g, WEIR_FAILURE_STOP));
	weir_stream_t *s;
	WT_OK(weir_stream_create(g, 0, 0, &s));
	static _Atomic uint64_t ctr;
	WT_OK(wt_launch_fail(s, &ctr, 8));
	WT_ASSERT_STATUS(weir_group_sync(g, WEIR_TIMEOUT_INFINITE), 8);
	WT_OK(weir_group_destroy_force(g));
	WT_ASSERT_STATUS(weir_group_sync(g, 0), WEIR_EHANDLE);
	WT_ASSERT_STATUS(weir_stream_sync(s, 0), WEIR_EHANDLE);
	WT_OK(weir_group_create(f->rt, 1, &g));
	WT_OK(weir_stream_create(g, 0, 0, &s));
	WT_OK(wt_launch_count(s, &ctr));
	WT_OK(weir_group_sync(g, WEIR_TIMEOUT_INFINITE));
	WT_OK(weir_group_destroy(g));
	assert_int_equal(weir_load_acquire(&ctr), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, wt_fix_setup, wt_fix_teardown)
		T(test_continue_mode),
		T(test_split_kernel_failure),
		T(test_stop_mode),
		T(test_stream_sets_group_mode),
		T(test_stop_at_k),
		T(test_continue_at_k),
		T(test_stop_then_group_destroy_force),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
