/*
 * Unit tests: counter notifies (WEIR_NOTIFY_COUNTER): every record op, every
 * wait condition, clearing and consuming waits, one record releasing many
 * waits, host-side reset, destroy with conditional waits parked, and the
 * per-device stream count (weir_device_stream_count).
 */
#include "common/fixture.h"

static uint64_t value_of(weir_notify_t *n)
{
	uint64_t v = 0;
	WT_OK(weir_notify_pending(n, &v));
	return v;
}

static void test_counter_args(void **state)
{
	wt_fix_t *f = *state;
	weir_notify_t *n = NULL, *plain = NULL;
	uint32_t flags = 9;
	WT_ASSERT_STATUS(weir_notify_create_flags(f->rt, 0, 0x2, &n), WEIR_EINVAL);
	WT_ASSERT_STATUS(weir_notify_create_flags(f->rt, WT_FIX_DEVICES, WEIR_NOTIFY_COUNTER, &n),
	                 WEIR_EDEVICE);
	WT_OK(weir_notify_create_flags(f->rt, 0, WEIR_NOTIFY_COUNTER, &n));
	WT_OK(weir_notify_create(f->rt, 0, &plain));
	WT_OK(weir_notify_flags(n, &flags));
	assert_int_equal(flags, WEIR_NOTIFY_COUNTER);
	WT_OK(weir_notify_flags(plain, &flags));
	assert_int_equal(flags, 0);
	WT_ASSERT_STATUS(weir_notify_flags(n, NULL), WEIR_EINVAL);
	weir_stream_t *s = wt_stream(f, 0), *s1 = wt_stream(f, 1);
	/* ops and conditions are for counter notifies, in range */
	WT_ASSERT_STATUS(weir_notify_record_op(plain, s, WEIR_NOTIFY_OP_SET, 1), WEIR_EINVAL);
	WT_ASSERT_STATUS(weir_notify_wait_cond(plain, s, WEIR_NOTIFY_EQ, 1, 0, 0), WEIR_EINVAL);
	WT_ASSERT_STATUS(weir_notify_record_op(n, s, -1, 1), WEIR_EINVAL);
	WT_ASSERT_STATUS(weir_notify_record_op(n, s, 4, 1), WEIR_EINVAL);
	WT_ASSERT_STATUS(weir_notify_wait_cond(n, s, -1, 1, 0, 0), WEIR_EINVAL);
	WT_ASSERT_STATUS(weir_notify_wait_cond(n, s, 5, 1, 0, 0), WEIR_EINVAL);
	WT_ASSERT_STATUS(weir_notify_wait_cond(n, s, WEIR_NOTIFY_EQ, 1, 0x2, 0), WEIR_EINVAL);
	WT_ASSERT_STATUS(weir_notify_wait_cond(n, s, WEIR_NOTIFY_EQ, 1, 0, -7), WEIR_EINVAL);
	/* records on the notify's device only */
	WT_ASSERT_STATUS(weir_notify_record_op(n, s1, WEIR_NOTIFY_OP_ADD, 1), WEIR_EFOREIGN);
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(value_of(n), 0); /* nothing refused ran */
	WT_OK(weir_notify_destroy(n));
	WT_ASSERT_STATUS(weir_notify_record_op(n, s, WEIR_NOTIFY_OP_SET, 1), WEIR_EHANDLE);
	WT_ASSERT_STATUS(weir_notify_wait_cond(n, s, WEIR_NOTIFY_EQ, 0, 0, 0), WEIR_EHANDLE);
	WT_ASSERT_STATUS(weir_notify_reset(n), WEIR_EHANDLE);
	WT_ASSERT_STATUS(weir_notify_flags(n, &flags), WEIR_EHANDLE);
	WT_ASSERT_STATUS(weir_notify_reset((weir_notify_t *)(uintptr_t)0x4321), WEIR_EHANDLE);
	WT_OK(weir_notify_destroy(plain));
	WT_OK(weir_stream_destroy(s));
	WT_OK(weir_stream_destroy(s1));
}

/* Every op, in stream order; the plain record is an ADD of 1 (mod 2^32). */
static void test_counter_ops(void **state)
{
	wt_fix_t *f = *state;
	weir_notify_t *n;
	WT_OK(weir_notify_create_flags(f->rt, 0, WEIR_NOTIFY_COUNTER, &n));
	weir_stream_t *s = wt_stream(f, 0);
	static const struct {
		int op;
		uint32_t operand;
		uint64_t want;
	} rows[] = {
		{ WEIR_NOTIFY_OP_SET, 5, 5 },
		{ WEIR_NOTIFY_OP_ADD, 3, 8 },
		{ WEIR_NOTIFY_OP_OR, 0x30, 0x38 },
		{ WEIR_NOTIFY_OP_OR, 0x0A, 0x3A },
		{ WEIR_NOTIFY_OP_AND, 0x0F, 0x0A },
		{ WEIR_NOTIFY_OP_SET, 0xFFFFFFFFu, 0xFFFFFFFFu },
		{ WEIR_NOTIFY_OP_ADD, 2, 1 },
		{ WEIR_NOTIFY_OP_AND, 0, 0 },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		WT_OK(weir_notify_record_op(n, s, rows[i].op, rows[i].operand));
		WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
		if (value_of(n) != rows[i].want)
			fail_msg("row %zu: value %llu, want %llu", i,
			         (unsigned long long)value_of(n), (unsigned long long)rows[i].want);
	}
	WT_OK(weir_notify_record(n, s));
	WT_OK(weir_notify_record(n, s));
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(value_of(n), 2);
	/* a plain wait consumes one */
	WT_OK(weir_notify_wait(n, s, 0));
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(value_of(n), 1);
	WT_OK(weir_notify_destroy(n));
	WT_OK(weir_stream_destroy(s));
}

/* Each condition, met and not met (a short time-out shows "not met"). */
static void test_counter_conditions(void **state)
{
	wt_fix_t *f = *state;
	weir_notify_t *n;
	WT_OK(weir_notify_create_flags(f->rt, 0, WEIR_NOTIFY_COUNTER, &n));
	weir_stream_t *s = wt_stream(f, 0);
	WT_OK(weir_notify_record_op(n, s, WEIR_NOTIFY_OP_SET, 0xB)); /* 0b1011 */
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	static const struct {
		int cond;
		uint32_t operand;
		bool met;
	} rows[] = {
		{ WEIR_NOTIFY_LT, 12, true },      { WEIR_NOTIFY_LT, 11, false },
		{ WEIR_NOTIFY_EQ, 11, true },      { WEIR_NOTIFY_EQ, 10, false },
		{ WEIR_NOTIFY_GT, 10, true },      { WEIR_NOTIFY_GT, 11, false },
		{ WEIR_NOTIFY_GEQ, 11, true },     { WEIR_NOTIFY_GEQ, 12, false },
		{ WEIR_NOTIFY_ALL_BITS, 3, true }, { WEIR_NOTIFY_ALL_BITS, 4, false },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		WT_OK(weir_notify_wait_cond(n, s, rows[i].cond, rows[i].operand, 0, 2 * WT_MS));
		int rc = weir_stream_sync(s, WEIR_TIMEOUT_INFINITE);
		if (rc != (rows[i].met ? WEIR_OK : WEIR_EWAITTIMEOUT))
			fail_msg("row %zu: sync %d", i, rc);
	}
	assert_int_equal(value_of(n), 0xB); /* conditional waits take nothing */
	/* a clearing wait sets 0 once met */
	WT_OK(weir_notify_wait_cond(n, s, WEIR_NOTIFY_GEQ, 11, WEIR_NOTIFY_WAIT_CLEAR, 0));
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(value_of(n), 0);
	WT_OK(weir_notify_destroy(n));
	WT_OK(weir_stream_destroy(s));
}

/* One record releases every wait it satisfies; a clear releases a wait for
 * a smaller value; a host reset releases a wait for 0. */
static void test_counter_wakes(void **state)
{
	wt_fix_t *f = *state;
	weir_notify_t *n;
	WT_OK(weir_notify_create_flags(f->rt, 0, WEIR_NOTIFY_COUNTER, &n));
	weir_stream_t *r = wt_stream(f, 0), *a = wt_stream(f, 0), *b = wt_stream(f, 1),
	              *c = wt_stream(f, 1);
	static _Atomic uint64_t ca, cb, cc;
	weir_store_relaxed(&ca, 0);
	weir_store_relaxed(&cb, 0);
	weir_store_relaxed(&cc, 0);
	WT_OK(weir_notify_wait_cond(n, a, WEIR_NOTIFY_GEQ, 3, 0, 0));
	WT_OK(wt_launch_count(a, &ca));
	WT_OK(weir_notify_wait_cond(n, b, WEIR_NOTIFY_GT, 2, 0, 0));
	WT_OK(wt_launch_count(b, &cb));
	WT_ASSERT_STATUS(weir_stream_sync(a, 20 * WT_MS), WEIR_ETIMEDOUT);
	WT_OK(weir_notify_record_op(n, r, WEIR_NOTIFY_OP_ADD, 2));
	WT_OK(weir_stream_sync(r, WEIR_TIMEOUT_INFINITE));
	WT_ASSERT_STATUS(weir_stream_sync(b, 20 * WT_MS), WEIR_ETIMEDOUT);
	WT_OK(weir_notify_record_op(n, r, WEIR_NOTIFY_OP_ADD, 1)); /* 3: both met */
	WT_OK(weir_stream_sync(a, WEIR_TIMEOUT_INFINITE));
	WT_OK(weir_stream_sync(b, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(weir_load_acquire(&ca) + weir_load_acquire(&cb), 2);
	assert_int_equal(value_of(n), 3);
	/* c waits for < 1; a's clearing wait (met at once) releases it */
	WT_OK(weir_notify_wait_cond(n, c, WEIR_NOTIFY_LT, 1, 0, 0));
	WT_OK(wt_launch_count(c, &cc));
	WT_ASSERT_STATUS(weir_stream_sync(c, 20 * WT_MS), WEIR_ETIMEDOUT);
	WT_OK(weir_notify_wait_cond(n, a, WEIR_NOTIFY_EQ, 3, WEIR_NOTIFY_WAIT_CLEAR, 0));
	WT_OK(weir_stream_sync(a, WEIR_TIMEOUT_INFINITE));
	WT_OK(weir_stream_sync(c, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(weir_load_acquire(&cc), 1);
	/* host reset */
	WT_OK(weir_notify_record_op(n, r, WEIR_NOTIFY_OP_SET, 7));
	WT_OK(weir_stream_sync(r, WEIR_TIMEOUT_INFINITE));
	WT_OK(weir_notify_wait_cond(n, c, WEIR_NOTIFY_EQ, 0, 0, 0));
	WT_OK(wt_launch_count(c, &cc));
	WT_ASSERT_STATUS(weir_stream_sync(c, 20 * WT_MS), WEIR_ETIMEDOUT);
	WT_OK(weir_notify_reset(n));
	WT_OK(weir_stream_sync(c, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(weir_load_acquire(&cc), 2);
	WT_OK(weir_notify_destroy(n));
	WT_OK(weir_stream_destroy(r));
	WT_OK(weir_stream_destroy(a));
	WT_OK(weir_stream_destroy(b));
	WT_OK(weir_stream_destroy(c));
}

/* Plain notifies: reset drops pending records. Destroy fails a parked
 * conditional wait nothing can meet, but one already met goes on. */
static void test_reset_and_destroy(void **state)
{
	wt_fix_t *f = *state;
	weir_notify_t *p, *n;
	WT_OK(weir_notify_create(f->rt, 0, &p));
	WT_OK(weir_notify_create_flags(f->rt, 0, WEIR_NOTIFY_COUNTER, &n));
	weir_stream_t *s = wt_stream(f, 0), *w = wt_stream(f, 1);
	WT_OK(weir_notify_record(p, s));
	WT_OK(weir_notify_record(p, s));
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(value_of(p), 2);
	WT_OK(weir_notify_reset(p));
	assert_int_equal(value_of(p), 0);
	WT_OK(weir_notify_wait(p, w, 2 * WT_MS));
	WT_ASSERT_STATUS(weir_stream_sync(w, WEIR_TIMEOUT_INFINITE), WEIR_EWAITTIMEOUT);
	static _Atomic uint64_t ctr;
	weir_store_relaxed(&ctr, 0);
	WT_OK(weir_notify_wait_cond(n, w, WEIR_NOTIFY_GEQ, 5, 0, 0));
	WT_OK(wt_launch_count(w, &ctr));
	WT_ASSERT_STATUS(weir_stream_sync(w, 10 * WT_MS), WEIR_ETIMEDOUT);
	WT_OK(weir_notify_destroy(n));
	WT_ASSERT_STATUS(weir_stream_sync(w, WEIR_TIMEOUT_INFINITE), WEIR_EHANDLE);
	assert_int_equal(weir_load_acquire(&ctr), 1); /* the stream went on */
	/* a record queued before the destroy still runs and meets the wait */
	WT_OK(weir_notify_create_flags(f->rt, 0, WEIR_NOTIFY_COUNTER, &n));
	WT_OK(weir_notify_wait_cond(n, w, WEIR_NOTIFY_EQ, 4, 0, 0));
	wt_gate_t gt;
	wt_gate_block(f, &gt, 0, s);
	WT_OK(weir_notify_record_op(n, s, WEIR_NOTIFY_OP_SET, 4));
	WT_OK(weir_notify_destroy(n));
	wt_gate_open(f, &gt);
	WT_OK(weir_stream_sync(w, WEIR_TIMEOUT_INFINITE));
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	wt_gate_free(&gt);
	WT_OK(weir_notify_destroy(p));
	WT_OK(weir_stream_destroy(s));
	WT_OK(weir_stream_destroy(w));
}

static void test_device_stream_count(void **state)
{
	wt_fix_t *f = *state;
	uint32_t n0 = 0, n1 = 0, n;
	WT_ASSERT_STATUS(weir_device_stream_count(NULL, 0, &n0), WEIR_EINVAL);
	WT_ASSERT_STATUS(weir_device_stream_count(f->rt, 0, NULL), WEIR_EINVAL);
	WT_ASSERT_STATUS(weir_device_stream_count(f->rt, WT_FIX_DEVICES, &n0), WEIR_EDEVICE);
	WT_OK(weir_device_stream_count(f->rt, 0, &n0));
	WT_OK(weir_device_stream_count(f->rt, 1, &n1));
	weir_stream_t *a = wt_stream(f, 0), *b = wt_stream(f, 0), *c = wt_stream(f, 1);
	WT_OK(weir_device_stream_count(f->rt, 0, &n));
	assert_int_equal(n, n0 + 2);
	WT_OK(weir_device_stream_count(f->rt, 1, &n));
	assert_int_equal(n, n1 + 1);
	WT_OK(weir_stream_destroy(a));
	WT_OK(weir_device_stream_count(f->rt, 0, &n));
	assert_int_equal(n, n0 + 1);
	WT_OK(weir_stream_destroy(b));
	WT_OK(weir_stream_destroy(c));
	WT_OK(weir_device_stream_count(f->rt, 0, &n));
	assert_int_equal(n, n0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, wt_fix_setup, wt_fix_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_counter_args),  T(test_counter_ops),       T(test_counter_conditions),
		T(test_counter_wakes), T(test_reset_and_destroy), T(test_device_stream_count),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
