/*
 * Unit tests: a task's failure code is never a condition of the runtime
 * (weir/status.h). Every negative WEIR_E* value, some values outside the
 * list and some positive ones are returned by kernels (single and split)
 * and reported through weir_stream_sync, weir_group_sync and
 * weir_device_sync (and their _code forms), in CONTINUE and STOP mode:
 * a positive code comes back verbatim, any other as WEIR_EKERNEL, the
 * task's own value through the _code forms, and weir_status_is_task_failure()
 * tells the two kinds of result apart. An event recorded after the failing
 * task still completes normally. Conditions of the runtime met by a sync
 * (a time-out) are not task failures.
 */
#include "common/fixture.h"

#include <limits.h>

static const int codes[] = {
#define WT_NEG(name, val, msg) val, /* WEIR_OK too: skipped */
	WEIR_STATUS_MAP(WT_NEG)
#undef WT_NEG
	                WEIR__STATUS_MIN -
	        1,
	-100000,
	INT_MIN,
	1,
	2,
	7,
	99999,
	100000,
	507046,
	INT_MAX,
};
#define NCODES (sizeof codes / sizeof codes[0])

/* What a synchronize must return for a task that returned `code`. */
static int want_status(int code)
{
	return code > 0 ? code : WEIR_EKERNEL;
}

/* args: code and nblocks; a split kernel fails in one block only */
struct code_args {
	int code;
	uint32_t failing_block;
};

static int k_code(void *args, uint32_t block, uint32_t nblocks)
{
	const struct code_args *a = args;
	(void)nblocks;
	return block == a->failing_block ? a->code : 0;
}

static void launch_code(weir_stream_t *s, int code, uint32_t nblocks)
{
	struct code_args a = { code, nblocks - 1 };
	WT_OK(weir_launch(s, k_code, &a, sizeof a, nblocks, 0));
}

/* expect a sync result for a task that returned `code` */
#define WT_EXPECT_TASK(rc_, tc_, code_)                                                        \
	do {                                                                                   \
		int r_ = (rc_), t_ = (tc_), c_ = (code_);                                      \
		if (r_ != want_status(c_) || t_ != c_ || !weir_status_is_task_failure(r_))     \
			fail_msg("%s: kernel code %d (%s): got %d (%s) task code %d, "         \
			         "want %d (%s) task code %d",                                  \
			         #rc_, c_, weir_status_name(c_), r_, weir_status_name(r_), t_, \
			         want_status(c_), weir_status_name(want_status(c_)), c_);      \
	} while (0)

static void test_status_is_task_failure(void **state)
{
	(void)state;
	assert_false(weir_status_is_task_failure(WEIR_OK));
	assert_true(weir_status_is_task_failure(WEIR_EKERNEL));
	assert_true(weir_status_is_task_failure(1));
	assert_true(weir_status_is_task_failure(INT_MAX));
#define WT_NOT_TASK(name, val, msg) \
	if ((val) != WEIR_EKERNEL)  \
		assert_false(weir_status_is_task_failure(val));
	WEIR_STATUS_MAP(WT_NOT_TASK)
#undef WT_NOT_TASK
}

static void test_continue_every_code(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s = wt_stream(f, 0), *t = wt_stream(f, 0);
	weir_event_t *e;
	WT_OK(weir_event_create(f->rt, 0, 0, &e));
	static _Atomic uint64_t ok;
	for (size_t i = 0; i < NCODES; i++) {
		int code = codes[i], tc = 12345;
		if (code == 0) /* WEIR_OK, from the list */
			continue;
		for (uint32_t nb = 1; nb <= 4; nb += 3) {
			/* stream sync, then cleared */
			launch_code(s, code, nb);
			WT_OK(wt_launch_count(s, &ok)); /* later work still runs */
			WT_OK(weir_event_record(e, s));
			WT_OK(weir_event_sync(e, WEIR_TIMEOUT_INFINITE)); /* not a condition */
			WT_OK(weir_event_query(e));
			WT_EXPECT_TASK(weir_stream_sync_code(s, WEIR_TIMEOUT_INFINITE, &tc), tc,
			               code);
			WT_OK(weir_stream_sync_code(s, 0, &tc));
			assert_int_equal(tc, 0);
			/* the plain form: the same status */
			launch_code(s, code, nb);
			WT_ASSERT_STATUS(weir_stream_sync(s, 10 * WT_S), want_status(code));
			/* group and device sync */
			launch_code(t, code, nb);
			tc = 12345;
			WT_EXPECT_TASK(weir_group_sync_code(f->g[0], WEIR_TIMEOUT_INFINITE, &tc),
			               tc, code);
			launch_code(t, code, nb);
			tc = 12345;
			WT_EXPECT_TASK(weir_device_sync_code(f->rt, 0, 10 * WT_S, &tc), tc, code);
			launch_code(s, code, nb);
			WT_ASSERT_STATUS(weir_group_sync(f->g[0], WEIR_TIMEOUT_INFINITE),
			                 want_status(code));
			launch_code(s, code, nb);
			WT_ASSERT_STATUS(weir_device_sync(f->rt, 0, WEIR_TIMEOUT_INFINITE),
			                 want_status(code));
			WT_OK(weir_device_sync(f->rt, 0, WEIR_TIMEOUT_INFINITE));
		}
	}
	assert_int_equal(weir_load_acquire(&ok), 2 * (NCODES - 1)); /* WEIR_OK skipped */
	/* a condition of the runtime stays one: a time-out is not a task failure */
	wt_gate_t gt;
	wt_gate_block(f, &gt, 0, s);
	int tc = 12345;
	int rc = weir_stream_sync_code(s, 2 * WT_MS, &tc);
	WT_ASSERT_STATUS(rc, WEIR_ETIMEDOUT);
	assert_false(weir_status_is_task_failure(rc));
	assert_int_equal(tc, 0);
	wt_gate_open(f, &gt);
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	wt_gate_free(&gt);
	WT_OK(weir_event_destroy(e));
	WT_OK(weir_stream_destroy(s));
	WT_OK(weir_stream_destroy(t));
}

static void test_stop_every_code(void **state)
{
	wt_fix_t *f = *state;
	static _Atomic uint64_t after;
	for (size_t i = 0; i < NCODES; i++) {
		int code = codes[i], tc = 12345;
		if (code == 0) /* WEIR_OK, from the list */
			continue;
		weir_group_t *g;
		weir_stream_t *s, *t;
		weir_event_t *e;
		WT_OK(weir_group_create(f->rt, 1, &g));
		WT_OK(weir_group_set_failure_mode(g, WEIR_FAILURE_STOP));
		WT_OK(weir_stream_create(g, 0, 0, &s));
		WT_OK(weir_stream_create(g, 0, 0, &t));
		WT_OK(weir_event_create(f->rt, 1, 0, &e));
		launch_code(s, code, i % 2 ? 3 : 1);
		/* raced with the failure: accepted (then discarded) or refused */
		int lrc = wt_launch_count(s, &after);
		WT_ASSERT_STATUS2(lrc, WEIR_OK, WEIR_ESTOPPED);
		lrc = weir_event_record(e, s);
		WT_ASSERT_STATUS2(lrc, WEIR_OK, WEIR_ESTOPPED);
		/* a discarded record still completes its event */
		WT_OK(weir_event_sync(e, WEIR_TIMEOUT_INFINITE));
		WT_EXPECT_TASK(weir_stream_sync_code(s, WEIR_TIMEOUT_INFINITE, &tc), tc, code);
		tc = 12345; /* sticky */
		WT_EXPECT_TASK(weir_stream_sync_code(s, 10 * WT_S, &tc), tc, code);
		tc = 12345; /* the other stream of the group */
		WT_EXPECT_TASK(weir_stream_sync_code(t, 0, &tc), tc, code);
		tc = 12345;
		WT_EXPECT_TASK(weir_group_sync_code(g, WEIR_TIMEOUT_INFINITE, &tc), tc, code);
		tc = 12345;
		WT_EXPECT_TASK(weir_device_sync_code(f->rt, 1, WEIR_TIMEOUT_INFINITE, &tc), tc,
		               code);
		WT_ASSERT_STATUS(weir_stream_sync(t, WEIR_TIMEOUT_INFINITE), want_status(code));
		/* refusals name the condition, not the task's code */
		WT_ASSERT_STATUS(wt_launch_count(t, &after), WEIR_ESTOPPED);
		WT_OK(weir_event_destroy(e));
		WT_OK(weir_group_destroy(g));
	}
	assert_int_equal(weir_load_acquire(&after), 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, wt_fix_setup, wt_fix_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_is_task_failure),
		T(test_continue_every_code),
		T(test_stop_every_code),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
