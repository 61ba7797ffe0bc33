/*
 * test_sched_launch_release.c - weir_launch_release (weir/sched.h): the
 * release of a kernel's resource runs exactly once, before a sync covering
 * the task returns, whether the task runs, fails, or is discarded (abort,
 * STOP, force-destroy of its group, runtime destroy); a launch that fails
 * calls no release.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdatomic.h>
#include <stdlib.h>

#include "common/fixture.h"

static _Atomic int released[64];
static _Atomic int ran;

static void rel(void *ctx)
{
	atomic_fetch_add(&released[(uintptr_t)ctx], 1);
}

static int k_ok(void *args, uint32_t b, uint32_t n)
{
	(void)args;
	(void)b;
	(void)n;
	atomic_fetch_add(&ran, 1);
	return 0;
}

static int k_fail(void *args, uint32_t b, uint32_t n)
{
	(void)args;
	(void)n;
	return b == 1 ? 9 : 0;
}

static void reset(void)
{
	for (int i = 0; i < 64; i++)
		atomic_store(&released[i], 0);
	atomic_store(&ran, 0);
}

static void test_run_and_fail(void **state)
{
	wt_fix_t *f = *state;
	reset();
	weir_stream_t *s;
	assert_int_equal(weir_stream_create(f->g[0], 0, 0, &s), WEIR_OK);
	for (uintptr_t i = 0; i < 20; i++)
		assert_int_equal(weir_launch_release(s, k_ok, NULL, 0, (uint32_t)(i % 5) + 1, 0,
		                                     rel, (void *)i),
		                 WEIR_OK);
	assert_int_equal(weir_launch_release(s, k_fail, NULL, 0, 3, 0, rel, (void *)20), WEIR_OK);
	assert_int_equal(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE), 9);
	/* Every release ran once, before the sync returned. */
	for (int i = 0; i <= 20; i++)
		assert_int_equal(atomic_load(&released[i]), 1);
	/* A refused launch calls no release. */
	assert_int_equal(weir_launch_release(s, NULL, NULL, 0, 1, 0, rel, (void *)30), WEIR_EINVAL);
	assert_int_equal(weir_stream_destroy(s), WEIR_OK);
	assert_int_equal(weir_launch_release(s, k_ok, NULL, 0, 1, 0, rel, (void *)31),
	                 WEIR_EHANDLE);
	assert_int_equal(atomic_load(&released[30]) + atomic_load(&released[31]), 0);
	/* NULL release is weir_launch. */
	assert_int_equal(weir_stream_create(f->g[0], 0, 0, &s), WEIR_OK);
	assert_int_equal(weir_launch_release(s, k_ok, NULL, 0, 1, 0, NULL, NULL), WEIR_OK);
	assert_int_equal(weir_stream_destroy(s), WEIR_OK);
}

static void test_discarded(void **state)
{
	wt_fix_t *f = *state;
	reset();
	weir_stream_t *s;
	assert_int_equal(weir_stream_create(f->g[0], 0, 0, &s), WEIR_OK);
	wt_gate_t gate;
	wt_gate_block(f, &gate, 0, s);
	for (uintptr_t i = 0; i < 10; i++)
		assert_int_equal(weir_launch_release(s, k_ok, NULL, 0, 2, 0, rel, (void *)i),
		                 WEIR_OK);
	assert_int_equal(weir_stream_abort(s), WEIR_OK);
	wt_gate_open(f, &gate);
	wt_gate_free(&gate);
	assert_int_equal(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE), WEIR_EABORTED);
	for (int i = 0; i < 10; i++)
		assert_int_equal(atomic_load(&released[i]), 1);
	assert_int_equal(atomic_load(&ran), 0);

	/* Left queued on a gated stream when the runtime goes: released by
	 * the teardown's runtime destroy (checked in teardown_check). */
	wt_gate_block(f, &gate, 0, s);
	for (uintptr_t i = 40; i < 50; i++)
		assert_int_equal(weir_launch_release(s, k_ok, NULL, 0, 1, 0, rel, (void *)i),
		                 WEIR_OK);
	wt_gate_free(&gate); /* the wait fails; the kernels run or the teardown discards them */
}

static int teardown_check(void **state)
{
	int rc = wt_fix_teardown(state);
	for (int i = 40; i < 50; i++)
		if (atomic_load(&released[i]) != 1)
			return -1;
	return rc;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_run_and_fail, wt_fix_setup, wt_fix_teardown),
		cmocka_unit_test_setup_teardown(test_discarded, wt_fix_setup, teardown_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
