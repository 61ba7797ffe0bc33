/*
 * Unit tests: notifies (counting: a wait consumes one record), memory-value
 * writes and waits (every comparison, 32- and 64-bit words, every wake
 * path), and wait time-outs (event, notify and value waits fail with
 * WEIR_EWAITTIMEOUT at the next sync, and the stream goes on).
 *
 * A wait that should end (a time-out, a wake) is synced with a bound, and a
 * watchdog ends the run: a lost wake-up or an unarmed timer fails the test
 * instead of hanging it (tests/busted.list).
 */
#include "common/fixture.h"

#include <signal.h>
#include <unistd.h>

/* Far beyond any wait here: reaching it means the wake-up was lost. */
#define WAIT_BOUND (10 * WT_S)

static void test_notify_args(void **state)
{
	wt_fix_t *f = *state;
	weir_notify_t *n = NULL;
	WT_ASSERT_STATUS(weir_notify_create(f->rt, WT_FIX_DEVICES, &n), WEIR_EDEVICE);
	WT_ASSERT_STATUS(weir_notify_create(f->rt, 0, NULL), WEIR_EINVAL);
	WT_ASSERT_STATUS(weir_notify_create(NULL, 0, &n), WEIR_EINVAL);
	WT_OK(weir_notify_create(f->rt, 1, &n));
	uint32_t dev = 9, id = 0;
	uint64_t pend = 7;
	WT_OK(weir_notify_device(n, &dev));
	assert_int_equal(dev, 1);
	WT_OK(weir_notify_id(n, &id));
	WT_OK(weir_notify_pending(n, &pend));
	assert_int_equal(pend, 0);
	WT_ASSERT_STATUS(weir_notify_pending(n, NULL), WEIR_EINVAL);
	weir_stream_t *s0 = wt_stream(f, 0);
	/* records only on the notify's device; waits anywhere */
	WT_ASSERT_STATUS(weir_notify_record(n, s0), WEIR_EFOREIGN);
	WT_ASSERT_STATUS(weir_notify_wait(n, s0, -5), WEIR_EINVAL);
	WT_OK(weir_notify_destroy(n));
	WT_ASSERT_STATUS(weir_notify_destroy(n), WEIR_EHANDLE);
	WT_ASSERT_STATUS(weir_notify_record(n, s0), WEIR_EHANDLE);
	WT_ASSERT_STATUS(weir_notify_wait(n, s0, 0), WEIR_EHANDLE);
	WT_ASSERT_STATUS(weir_notify_id(n, &id), WEIR_EHANDLE);
	WT_ASSERT_STATUS(weir_notify_device((weir_notify_t *)(uintptr_t)0x1234, &dev),
	                 WEIR_EHANDLE);
	WT_OK(weir_stream_destroy(s0));
}

/* A wait parks its stream until a record; one record releases one wait. */
static void test_notify_counting(void **state)
{
	wt_fix_t *f = *state;
	weir_notify_t *n;
	WT_OK(weir_notify_create(f->rt, 0, &n));
	weir_stream_t *a = wt_stream(f, 0), *b = wt_stream(f, 1), *c = wt_stream(f, 0);
	static _Atomic uint64_t cb, cc;
	weir_store_relaxed(&cb, 0);
	weir_store_relaxed(&cc, 0);
	WT_OK(weir_notify_wait(n, b, 0));
	WT_OK(wt_launch_count(b, &cb));
	WT_OK(weir_notify_wait(n, c, WEIR_TIMEOUT_INFINITE));
	WT_OK(wt_launch_count(c, &cc));
	WT_ASSERT_STATUS(weir_stream_sync(b, 20 * WT_MS), WEIR_ETIMEDOUT);
	assert_int_equal(weir_load_acquire(&cb) + weir_load_acquire(&cc), 0);
	WT_OK(weir_notify_record(n, a));
	WT_OK(weir_stream_sync(a, WEIR_TIMEOUT_INFINITE));
	/* exactly one of the two waits went on */
	for (int i = 0; i < 2000 && weir_load_acquire(&cb) + weir_load_acquire(&cc) == 0; i++)
		usleep(1000);
	usleep(20000);
	assert_int_equal(weir_load_acquire(&cb) + weir_load_acquire(&cc), 1);
	WT_OK(weir_notify_record(n, a));
	WT_OK(weir_stream_sync(b, WEIR_TIMEOUT_INFINITE));
	WT_OK(weir_stream_sync(c, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(weir_load_acquire(&cb) + weir_load_acquire(&cc), 2);
	/* records ahead of waits stay pending and are consumed one each */
	WT_OK(weir_notify_record(n, a));
	WT_OK(weir_notify_record(n, a));
	WT_OK(weir_stream_sync(a, WEIR_TIMEOUT_INFINITE));
	uint64_t pend = 0;
	WT_OK(weir_notify_pending(n, &pend));
	assert_int_equal(pend, 2);
	WT_OK(weir_notify_wait(n, b, 0));
	WT_OK(weir_stream_sync(b, WEIR_TIMEOUT_INFINITE));
	WT_OK(weir_notify_pending(n, &pend));
	assert_int_equal(pend, 1);
	WT_OK(weir_notify_destroy(n));
	WT_OK(weir_stream_destroy(a));
	WT_OK(weir_stream_destroy(b));
	WT_OK(weir_stream_destroy(c));
}

/* Destroy while a stream waits: the wait fails (WEIR_EHANDLE), no hang. */
static void test_notify_destroy_while_waiting(void **state)
{
	wt_fix_t *f = *state;
	weir_notify_t *n;
	WT_OK(weir_notify_create(f->rt, 0, &n));
	weir_stream_t *s = wt_stream(f, 1);
	static _Atomic uint64_t ctr;
	weir_store_relaxed(&ctr, 0);
	WT_OK(weir_notify_wait(n, s, 0));
	WT_OK(wt_launch_count(s, &ctr));
	WT_ASSERT_STATUS(weir_stream_sync(s, 10 * WT_MS), WEIR_ETIMEDOUT);
	WT_OK(weir_notify_destroy(n));
	WT_ASSERT_STATUS(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE), WEIR_EHANDLE);
	assert_int_equal(weir_load_acquire(&ctr), 1); /* the stream went on */
	WT_OK(weir_stream_destroy(s));
}

/* Time-outs: notify, event and value waits. */
static void test_wait_timeouts(void **state)
{
	wt_fix_t *f = *state;
	weir_notify_t *n;
	weir_event_t *e;
	WT_OK(weir_notify_create(f->rt, 0, &n));
	WT_OK(weir_event_create(f->rt, 0, WEIR_EVENT_FLAG, &e));
	weir_stream_t *s = wt_stream(f, 0);
	static _Atomic uint64_t ctr;
	static _Alignas(8) uint64_t word;
	weir_store_relaxed(&ctr, 0);
	WT_OK(weir_notify_wait(n, s, 5 * WT_MS));
	WT_OK(wt_launch_count(s, &ctr));
	WT_ASSERT_STATUS(weir_stream_sync(s, WAIT_BOUND), WEIR_EWAITTIMEOUT);
	WT_ASSERT_STATUS(weir_stream_wait_event_timeout(s, e, -2), WEIR_EINVAL);
	WT_OK(weir_stream_wait_event_timeout(s, e, 5 * WT_MS));
	WT_OK(wt_launch_count(s, &ctr));
	WT_ASSERT_STATUS(weir_stream_sync(s, WAIT_BOUND), WEIR_EWAITTIMEOUT);
	__atomic_store_n(&word, 1, __ATOMIC_SEQ_CST);
	WT_OK(weir_value_wait(s, &word, 2, WEIR_VALUE_EQ, 5 * WT_MS));
	WT_OK(wt_launch_count(s, &ctr));
	WT_ASSERT_STATUS(weir_stream_sync(s, WAIT_BOUND), WEIR_EWAITTIMEOUT);
	assert_int_equal(weir_load_acquire(&ctr), 3);
	/* a satisfied timed wait does not fail later */
	WT_OK(weir_notify_record(n, s));
	WT_OK(weir_notify_wait(n, s, 5 * WT_MS));
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	usleep(10000);
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	WT_OK(weir_notify_destroy(n));
	WT_OK(weir_event_destroy(e));
	WT_OK(weir_stream_destroy(s));
}

static void test_value_args(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s = wt_stream(f, 0);
	static _Alignas(8) uint64_t w[2];
	WT_ASSERT_STATUS(weir_value_write(s, NULL, 1, 0), WEIR_EINVAL);
	WT_ASSERT_STATUS(weir_value_write(s, (char *)w + 4, 1, 0), WEIR_EINVAL);
	WT_OK(weir_value_write(s, (char *)w + 4, 1, WEIR_VALUE_32));
	WT_ASSERT_STATUS(weir_value_write(s, w, 1, WEIR_VALUE_EQ), WEIR_EINVAL);
	WT_ASSERT_STATUS(weir_value_wait(s, w, 1, 0x4, 0), WEIR_EINVAL);
	WT_ASSERT_STATUS(weir_value_wait(s, w, 1, 0, -7), WEIR_EINVAL);
	WT_ASSERT_STATUS(weir_value_wait((weir_stream_t *)(uintptr_t)0x99, w, 1, 0, 0),
	                 WEIR_EHANDLE);
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	WT_OK(weir_stream_destroy(s));
}

/* Every comparison, both widths: satisfied waits pass, and a wait that is
 * not satisfied is released by a value write on another device's stream. */
static void test_value_conditions(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s = wt_stream(f, 0), *wr = wt_stream(f, 1);
	static _Alignas(8) uint64_t w;
	static _Alignas(8) uint32_t w32;
	static _Atomic uint64_t ctr;
	struct {
		uint32_t flags;
		uint64_t before, value, after; /* before fails the condition, after meets it */
	} rows[] = {
		{ WEIR_VALUE_GEQ, 4, 5, 5 },
		{ WEIR_VALUE_GEQ, (uint64_t)-1, 0, 7 }, /* signed difference */
		{ WEIR_VALUE_EQ, 0, 9, 9 },
		{ WEIR_VALUE_AND, 0x10, 0x3, 0x2 },
		{ WEIR_VALUE_NOR, ~(uint64_t)0, 0, 1 },
		{ WEIR_VALUE_GEQ | WEIR_VALUE_32, 4, 5, 6 },
		{ WEIR_VALUE_EQ | WEIR_VALUE_32, 1, 0x100000002ull, 2 }, /* truncated operand */
		{ WEIR_VALUE_AND | WEIR_VALUE_32, 0x1, 0x2, 0x6 },
		{ WEIR_VALUE_NOR | WEIR_VALUE_32, 0xFFFFFFFFu, 0, 0xFFFFFFFEu },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		bool narrow = rows[i].flags & WEIR_VALUE_32;
		void *addr = narrow ? (void *)&w32 : (void *)&w;
		weir_store_relaxed(&ctr, 0);
		WT_OK(weir_value_write(wr, addr, rows[i].before, rows[i].flags & WEIR_VALUE_32));
		WT_OK(weir_stream_sync(wr, WEIR_TIMEOUT_INFINITE));
		WT_OK(weir_value_wait(s, addr, rows[i].value, rows[i].flags, 0));
		WT_OK(wt_launch_count(s, &ctr));
		WT_ASSERT_STATUS(weir_stream_sync(s, 5 * WT_MS), WEIR_ETIMEDOUT);
		assert_int_equal(weir_load_acquire(&ctr), 0);
		WT_OK(weir_value_write(wr, addr, rows[i].after, rows[i].flags & WEIR_VALUE_32));
		WT_OK(weir_stream_sync(s, WAIT_BOUND));
		assert_int_equal(weir_load_acquire(&ctr), 1);
	}
	WT_OK(weir_stream_destroy(s));
	WT_OK(weir_stream_destroy(wr));
}

static int k_store(void *args, uint32_t block, uint32_t nblocks)
{
	(void)block;
	(void)nblocks;
	uint64_t *p = *(uint64_t **)args;
	__atomic_store_n(p, 42, __ATOMIC_SEQ_CST);
	return 0;
}

/* Wakes without a value-write task: a kernel's retirement, and the poll for
 * a store by a host thread. */
static void test_value_wake_paths(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s = wt_stream(f, 0), *k = wt_stream(f, 1);
	static _Alignas(8) uint64_t w;
	__atomic_store_n(&w, 0, __ATOMIC_SEQ_CST);
	WT_OK(weir_value_wait(s, &w, 42, WEIR_VALUE_EQ, 0));
	WT_ASSERT_STATUS(weir_stream_sync(s, 5 * WT_MS), WEIR_ETIMEDOUT);
	uint64_t *p = &w;
	WT_OK(weir_launch(k, k_store, &p, sizeof p, 1, 0));
	WT_OK(weir_stream_sync(s, WAIT_BOUND));
	WT_OK(weir_value_wait(s, &w, 43, WEIR_VALUE_GEQ, 0));
	WT_ASSERT_STATUS(weir_stream_sync(s, 5 * WT_MS), WEIR_ETIMEDOUT);
	__atomic_store_n(&w, 50, __ATOMIC_SEQ_CST); /* the host: only the poll sees it */
	WT_OK(weir_stream_sync(s, WAIT_BOUND));
	WT_OK(weir_stream_destroy(s));
	WT_OK(weir_stream_destroy(k));
}

/* Abort takes back notify and value parks; runtime destroy with parked
 * streams neither hangs nor leaks. */
static void test_abort_and_teardown(void **state)
{
	wt_fix_t *f = *state;
	weir_notify_t *n;
	WT_OK(weir_notify_create(f->rt, 0, &n));
	weir_stream_t *s = wt_stream(f, 0), *v = wt_stream(f, 1);
	static _Alignas(8) uint64_t w;
	WT_OK(weir_notify_wait(n, s, 0));
	WT_OK(weir_value_wait(v, &w, 1, WEIR_VALUE_EQ, 10 * 1000 * WT_MS));
	WT_ASSERT_STATUS(weir_stream_sync(s, 5 * WT_MS), WEIR_ETIMEDOUT);
	WT_ASSERT_STATUS(weir_stream_sync(v, 5 * WT_MS), WEIR_ETIMEDOUT);
	WT_OK(weir_stream_abort(s));
	WT_OK(weir_stream_abort(v));
	WT_ASSERT_STATUS(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE), WEIR_EABORTED);
	WT_ASSERT_STATUS(weir_stream_sync(v, WEIR_TIMEOUT_INFINITE), WEIR_EABORTED);
	/* left parked for the fixture's runtime destroy */
	WT_OK(weir_notify_wait(n, s, 0));
	WT_OK(weir_value_wait(v, &w, 1, WEIR_VALUE_EQ, 0));
	WT_ASSERT_STATUS(weir_stream_sync(v, 5 * WT_MS), WEIR_ETIMEDOUT);
}

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "test_sched_notify: watchdog expired (a wait hung)\n";
	ssize_t w = write(2, msg, sizeof msg - 1);
	(void)w;
	_exit(1);
}

int main(void)
{
	signal(SIGALRM, on_alarm);
	alarm(120);
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, wt_fix_setup, wt_fix_teardown)
		T(test_notify_args),
		T(test_notify_counting),
		T(test_notify_destroy_while_waiting),
		T(test_wait_timeouts),
		T(test_value_args),
		T(test_value_conditions),
		T(test_value_wake_paths),
		T(test_abort_and_teardown),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
