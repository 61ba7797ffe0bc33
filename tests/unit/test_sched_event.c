/*
 * Unit tests: events of both kinds - snapshot (default / TIMING) and legacy
 * FLAG events: record, wait, query, sync with and without time-out, reset,
 * timestamps and elapsed time, cross-device records, destroy while in use.
 */
#include "common/fixture.h"

static void test_create_args(void **state)
{
	wt_fix_t *f = *state;
	weir_event_t *e = NULL;
	WT_ASSERT_STATUS(weir_event_create(f->rt, WT_FIX_DEVICES, 0, &e), WEIR_EDEVICE);
	WT_ASSERT_STATUS(weir_event_create(f->rt, 0, 0, NULL), WEIR_EINVAL);
	WT_OK(weir_event_create(f->rt, 1, WEIR_EVENT_TIMING, &e));
	WT_OK(weir_event_destroy(e));
	WT_OK(weir_event_create(f->rt, 0, WEIR_EVENT_FLAG | WEIR_EVENT_TIMING, &e));
	WT_OK(weir_event_destroy(e));
	WT_ASSERT_STATUS(weir_event_destroy(e), WEIR_EHANDLE);
}

static void test_snapshot_never_recorded(void **state)
{
	wt_fix_t *f = *state;
	weir_event_t *e;
	WT_OK(weir_event_create(f->rt, 0, WEIR_EVENT_DEFAULT, &e));
	bool rec = true;
	WT_OK(weir_event_recorded(e, &rec));
	assert_false(rec);
	WT_OK(weir_event_query(e));
	WT_OK(weir_event_sync(e, 0));
	WT_OK(weir_event_sync(e, WEIR_TIMEOUT_INFINITE));
	WT_ASSERT_STATUS(weir_event_sync(e, -3), WEIR_EINVAL);
	/* a wait on a never-recorded snapshot event is already satisfied */
	weir_stream_t *s = wt_stream(f, 0);
	static _Atomic uint64_t ctr;
	WT_OK(weir_stream_wait_event(s, e));
	WT_OK(wt_launch_count(s, &ctr));
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(weir_load_acquire(&ctr), 1);
	/* reset is for FLAG events only */
	WT_ASSERT_STATUS(weir_event_reset(e, s), WEIR_ENOTSUP);
	WT_OK(weir_event_destroy(e));
	WT_OK(weir_stream_destroy(s));
}

static void test_snapshot_record_sync_query(void **state)
{
	wt_fix_t *f = *state;
	weir_event_t *e;
	WT_OK(weir_event_create(f->rt, 0, 0, &e));
	weir_stream_t *s = wt_stream(f, 0);
	wt_gate_t gt;
	wt_gate_block(f, &gt, 0, s);
	WT_OK(weir_event_record(e, s));
	bool rec = false;
	WT_OK(weir_event_recorded(e, &rec));
	assert_true(rec);
	WT_ASSERT_STATUS(weir_event_query(e), WEIR_ENOTREADY);
	WT_ASSERT_STATUS(weir_event_sync(e, 0), WEIR_ETIMEDOUT);
	WT_ASSERT_STATUS(weir_event_sync(e, 2 * WT_MS), WEIR_ETIMEDOUT);
	wt_gate_open(f, &gt);
	WT_OK(weir_event_sync(e, WEIR_TIMEOUT_INFINITE));
	WT_OK(weir_event_query(e));
	/* a later record on an idle stream completes as well */
	WT_OK(weir_event_record(e, s));
	WT_OK(weir_event_sync(e, WEIR_TIMEOUT_INFINITE));
	WT_OK(weir_event_query(e));
	wt_gate_free(&gt);
	WT_OK(weir_event_destroy(e));
	WT_OK(weir_stream_destroy(s));
}

/* I3: a task after a wait sees the writes made before the matching record.
 * The payload is a plain variable: if the library's record -> wait edge were
 * missing, ThreadSanitizer reports it, and a too-early start reads 0. */
static uint64_t payload;              /* plain on purpose */
static _Atomic uint64_t consumer_saw; /* value the consumer read */

static int k_produce(void *args, uint32_t b, uint32_t nb)
{
	uint64_t v;
	memcpy(&v, args, sizeof v);
	payload = v;
	return 0;
}

static int k_consume(void *args, uint32_t b, uint32_t nb)
{
	weir_store_release(&consumer_saw, payload);
	return 0;
}

static void test_snapshot_wait_orders_streams(void **state)
{
	wt_fix_t *f = *state;
	weir_event_t *e;
	WT_OK(weir_event_create(f->rt, 0, 0, &e));
	weir_stream_t *a = wt_stream(f, 0), *b = wt_stream(f, 0), *c = wt_stream(f, 0);
	wt_gate_t gt;
	payload = 0;
	wt_gate_block(f, &gt, 0, a);
	uint64_t v = 0xC0FFEE;
	WT_OK(weir_launch(a, k_produce, &v, sizeof v, 1, 0));
	WT_OK(weir_event_record(e, a));
	WT_OK(weir_stream_wait_event(b, e));
	WT_OK(weir_launch(b, k_consume, NULL, 0, 1, 0));
	/* b cannot finish while a is gated */
	WT_ASSERT_STATUS(weir_stream_sync(b, 2 * WT_MS), WEIR_ETIMEDOUT);
	/* a later record elsewhere does not release b's captured wait */
	WT_OK(weir_event_record(e, c));
	WT_OK(weir_stream_sync(c, WEIR_TIMEOUT_INFINITE));
	WT_ASSERT_STATUS(weir_stream_sync(b, 2 * WT_MS), WEIR_ETIMEDOUT);
	assert_int_equal(weir_load_acquire(&consumer_saw), 0);
	wt_gate_open(f, &gt);
	WT_OK(weir_stream_sync(b, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(weir_load_acquire(&consumer_saw), 0xC0FFEE);
	WT_OK(weir_stream_sync(a, WEIR_TIMEOUT_INFINITE));
	wt_gate_free(&gt);
	WT_OK(weir_event_destroy(e));
	WT_OK(weir_stream_destroy(a));
	WT_OK(weir_stream_destroy(b));
	WT_OK(weir_stream_destroy(c));
}

static void test_flag_event(void **state)
{
	wt_fix_t *f = *state;
	weir_event_t *e;
	WT_OK(weir_event_create(f->rt, 1, WEIR_EVENT_FLAG, &e));
	weir_stream_t *a = wt_stream(f, 1), *b = wt_stream(f, 1);
	static _Atomic uint64_t ctr;
	bool rec = true;
	WT_OK(weir_event_recorded(e, &rec));
	assert_false(rec);
	WT_ASSERT_STATUS(weir_event_query(e), WEIR_ENOTREADY);
	/* a wait blocks its stream until the flag is next set */
	WT_OK(weir_stream_wait_event(b, e));
	WT_OK(wt_launch_count(b, &ctr));
	WT_ASSERT_STATUS(weir_stream_sync(b, 2 * WT_MS), WEIR_ETIMEDOUT);
	assert_int_equal(weir_load_acquire(&ctr), 0);
	WT_OK(weir_event_record(e, a));
	WT_OK(weir_stream_sync(b, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(weir_load_acquire(&ctr), 1);
	WT_OK(weir_event_query(e));
	WT_OK(weir_event_recorded(e, &rec));
	assert_true(rec);
	/* set: a further wait passes at once */
	WT_OK(weir_stream_wait_event(b, e));
	WT_OK(wt_launch_count(b, &ctr));
	WT_OK(weir_stream_sync(b, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(weir_load_acquire(&ctr), 2);
	/* reset (a task) clears the flag */
	WT_OK(weir_event_reset(e, a));
	WT_OK(weir_stream_sync(a, WEIR_TIMEOUT_INFINITE));
	WT_ASSERT_STATUS(weir_event_query(e), WEIR_ENOTREADY);
	WT_OK(weir_stream_wait_event(b, e));
	WT_OK(wt_launch_count(b, &ctr));
	WT_ASSERT_STATUS(weir_stream_sync(b, 2 * WT_MS), WEIR_ETIMEDOUT);
	WT_OK(weir_event_record(e, a));
	WT_OK(weir_stream_sync(b, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(weir_load_acquire(&ctr), 3);
	/* event sync waits for the latest queued record */
	WT_OK(weir_event_sync(e, WEIR_TIMEOUT_INFINITE));
	/* reset on another device's stream */
	weir_stream_t *x = wt_stream(f, 0);
	WT_ASSERT_STATUS(weir_event_reset(e, x), WEIR_EFOREIGN);
	WT_OK(weir_stream_destroy(x));
	WT_OK(weir_event_destroy(e));
	WT_OK(weir_stream_destroy(a));
	WT_OK(weir_stream_destroy(b));
}

/* One FLAG set releases every stream waiting on it. */
static void test_flag_event_many_waiters(void **state)
{
	wt_fix_t *f = *state;
	enum { NW = 16 };
	weir_event_t *e;
	WT_OK(weir_event_create(f->rt, 0, WEIR_EVENT_FLAG, &e));
	weir_stream_t *w[NW];
	static _Atomic uint64_t ctr;
	for (int i = 0; i < NW; i++) {
		w[i] = wt_stream(f, 0);
		WT_OK(weir_stream_wait_event(w[i], e));
		WT_OK(wt_launch_count(w[i], &ctr));
	}
	WT_ASSERT_STATUS(weir_group_sync(f->g[0], 2 * WT_MS), WEIR_ETIMEDOUT);
	assert_int_equal(weir_load_acquire(&ctr), 0);
	WT_OK(weir_event_record(e, f->drv[0]));
	WT_OK(weir_group_sync(f->g[0], WEIR_TIMEOUT_INFINITE));
	assert_int_equal(weir_load_acquire(&ctr), NW);
	for (int i = 0; i < NW; i++)
		WT_OK(weir_stream_destroy(w[i]));
	WT_OK(weir_event_destroy(e));
}

static void test_timing(void **state)
{
	wt_fix_t *f = *state;
	weir_event_t *t0, *t1, *plain;
	WT_OK(weir_event_create(f->rt, 0, WEIR_EVENT_TIMING, &t0));
	WT_OK(weir_event_create(f->rt, 0, WEIR_EVENT_TIMING, &t1));
	WT_OK(weir_event_create(f->rt, 0, 0, &plain));
	uint64_t ns = 0;
	float ms = -1;
	WT_ASSERT_STATUS(weir_event_timestamp(t0, &ns), WEIR_ENOTREADY);
	WT_ASSERT_STATUS(weir_event_timestamp(plain, &ns), WEIR_ENOTSUP);
	WT_ASSERT_STATUS(weir_event_elapsed(t0, t1, &ms), WEIR_ENOTREADY);
	weir_stream_t *s = wt_stream(f, 0);
	static _Atomic uint64_t ctr;
	uint64_t before = wt_now_ns();
	WT_OK(weir_event_record(t0, s));
	for (int i = 0; i < 100; i++)
		WT_OK(wt_launch_count(s, &ctr));
	WT_OK(weir_event_record(t1, s));
	WT_OK(weir_event_record(plain, s));
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	uint64_t after = wt_now_ns();
	uint64_t a = 0, b = 0;
	WT_OK(weir_event_timestamp(t0, &a));
	WT_OK(weir_event_timestamp(t1, &b));
	/* CLOCK_MONOTONIC stamps: ordered, inside the window (not a timing
	 * assertion, an ordering one) */
	assert_true(before <= a && a <= b && b <= after);
	WT_OK(weir_event_elapsed(t0, t1, &ms));
	assert_true(ms >= 0.0f);
	WT_ASSERT_STATUS(weir_event_elapsed(t0, plain, &ms), WEIR_ENOTSUP);
	WT_ASSERT_STATUS(weir_event_timestamp(plain, &ns), WEIR_ENOTSUP);
	WT_OK(weir_event_destroy(t0));
	WT_OK(weir_event_destroy(t1));
	WT_OK(weir_event_destroy(plain));
	WT_OK(weir_stream_destroy(s));
}

static void test_foreign_record(void **state)
{
	wt_fix_t *f = *state;
	weir_event_t *e;
	WT_OK(weir_event_create(f->rt, 0, 0, &e));
	weir_stream_t *s1 = wt_stream(f, 1);
	WT_ASSERT_STATUS(weir_event_record(e, s1), WEIR_EFOREIGN);
	bool rec = true;
	WT_OK(weir_event_recorded(e, &rec));
	assert_false(rec); /* a failing call leaves nothing behind */
	WT_OK(weir_event_destroy(e));
	WT_OK(weir_stream_destroy(s1));
}

/* Destroy never blocks; queued records and waits keep the event alive. */
static void test_destroy_while_queued(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *a = wt_stream(f, 0), *b = wt_stream(f, 0);
	static _Atomic uint64_t ctr;
	for (int round = 0; round < 2; round++) {
		weir_event_t *e;
		WT_OK(weir_event_create(f->rt, 0, round ? WEIR_EVENT_FLAG : 0, &e));
		wt_gate_t gt;
		wt_gate_block(f, &gt, 0, a);
		WT_OK(weir_event_record(e, a));
		WT_OK(weir_stream_wait_event(b, e));
		WT_OK(wt_launch_count(b, &ctr));
		WT_OK(weir_event_destroy(e));
		WT_ASSERT_STATUS(weir_event_query(e), WEIR_EHANDLE);
		WT_ASSERT_STATUS(weir_event_record(e, a), WEIR_EHANDLE);
		WT_ASSERT_STATUS(weir_stream_wait_event(b, e), WEIR_EHANDLE);
		wt_gate_open(f, &gt);
		WT_OK(weir_stream_sync(a, WEIR_TIMEOUT_INFINITE));
		WT_OK(weir_stream_sync(b, WEIR_TIMEOUT_INFINITE));
		assert_int_equal(weir_load_acquire(&ctr), (uint64_t)round + 1);
		wt_gate_free(&gt);
	}
	WT_OK(weir_stream_destroy(a));
	WT_OK(weir_stream_destroy(b));
}

/* Ping-pong: two streams alternate through two events, many rounds. */
static _Atomic uint64_t pp_turn, pp_bad;

static int k_pp(void *args, uint32_t b, uint32_t nb)
{
	uint64_t want;
	memcpy(&want, args, sizeof want);
	if (weir_load_acquire(&pp_turn) != want)
		weir_faa_relaxed(&pp_bad, 1);
	weir_store_release(&pp_turn, want + 1);
	return 0;
}

static void test_ping_pong(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *a = wt_stream(f, 1), *b = wt_stream(f, 1);
	weir_event_t *ea, *eb;
	WT_OK(weir_event_create(f->rt, 1, 0, &ea));
	WT_OK(weir_event_create(f->rt, 1, 0, &eb));
	const uint64_t rounds = 2000;
	for (uint64_t i = 0; i < rounds; i++) {
		uint64_t t = 2 * i;
		WT_OK(weir_launch(a, k_pp, &t, sizeof t, 1, 0));
		WT_OK(weir_event_record(ea, a));
		WT_OK(weir_stream_wait_event(b, ea));
		t++;
		WT_OK(weir_launch(b, k_pp, &t, sizeof t, 1, 0));
		WT_OK(weir_event_record(eb, b));
		WT_OK(weir_stream_wait_event(a, eb));
	}
	WT_OK(weir_stream_sync(a, WEIR_TIMEOUT_INFINITE));
	WT_OK(weir_stream_sync(b, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(weir_load_acquire(&pp_turn), 2 * rounds);
	assert_int_equal(weir_load_relaxed(&pp_bad), 0);
	WT_OK(weir_event_destroy(ea));
	WT_OK(weir_event_destroy(eb));
	WT_OK(weir_stream_destroy(a));
	WT_OK(weir_stream_destroy(b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, wt_fix_setup, wt_fix_teardown)
		T(test_create_args),
		T(test_snapshot_never_recorded),
		T(test_snapshot_record_sync_query),
		T(test_snapshot_wait_orders_streams),
		T(test_flag_event),
		T(test_flag_event_many_waiters),
		T(test_timing),
		T(test_foreign_record),
		T(test_destroy_while_queued),
		T(test_ping_pong),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
