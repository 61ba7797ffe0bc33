/*
 * Unit tests: handle validation. Destroyed, garbage, wrong-type and stale
 * handles return WEIR_EHANDLE and are never dereferenced (under ASan a
 * dereference of the garbage values below is a crash or a report).
 */
#include "common/fixture.h"

static int k_nop(void *a, uint32_t b, uint32_t n)
{
	return 0;
}
static void h_nop(void *a) {}

/* Every stream-taking call must answer `want` for stream handle s. */
static void check_stream_calls(wt_fix_t *f, weir_stream_t *s, int want, const char *what)
{
	weir_event_t *e;
	WT_OK(weir_event_create(f->rt, 0, 0, &e));
	weir_reporter_t *rep;
	WT_OK(weir_reporter_create(f->rt, &rep));
	weir_stream_stats_t st;
	weir_group_t *g;
	uint32_t dev;
	int rc[24], n = 0;
	int prio;
	uint64_t word;
	rc[n++] = weir_stream_query(s);
	rc[n++] = weir_stream_sync(s, 0);
	rc[n++] = weir_stream_sync(s, WEIR_TIMEOUT_INFINITE);
	rc[n++] = weir_stream_abort(s);
	rc[n++] = weir_stream_set_failure_mode(s, WEIR_FAILURE_CONTINUE);
	rc[n++] = weir_stream_group(s, &g);
	rc[n++] = weir_stream_device(s, &dev);
	rc[n++] = weir_stream_set_priority(s, 1);
	rc[n++] = weir_stream_priority(s, &prio);
	rc[n++] = weir_stream_user_update(s, 1, 1, &word);
	rc[n++] = weir_stream_stats(s, &st);
	rc[n++] = weir_launch(s, k_nop, NULL, 0, 1, 0);
	rc[n++] = weir_launch(s, k_nop, NULL, 0, 4, WEIR_LAUNCH_NONBLOCK);
	rc[n++] = weir_launch_host(s, h_nop, NULL);
	rc[n++] = weir_launch_callback(s, h_nop, NULL, true);
	rc[n++] = weir_stream_subscribe(s, rep);
	rc[n++] = weir_stream_unsubscribe(s, rep);
	rc[n++] = weir_stream_wait_event(s, e);
	rc[n++] = weir_event_record(e, s);
	for (int i = 0; i < n; i++)
		if (rc[i] != want)
			fail_msg("%s: stream call #%d returned %s, want %s", what, i,
			         weir_status_name(rc[i]), weir_status_name(want));
	/* the destroy calls last: they must not free anything real either */
	WT_ASSERT_STATUS(weir_stream_destroy(s), want);
	WT_ASSERT_STATUS(weir_stream_destroy_force(s), want);
	bool rec = true;
	WT_OK(weir_event_recorded(e, &rec));
	assert_false(rec);
	WT_OK(weir_event_destroy(e));
	WT_OK(weir_reporter_destroy(rep));
}

static void check_event_calls(wt_fix_t *f, weir_event_t *e, int want, const char *what)
{
	weir_stream_t *s = wt_stream(f, 0);
	bool rec;
	uint64_t ns;
	float ms;
	weir_event_t *good;
	WT_OK(weir_event_create(f->rt, 0, WEIR_EVENT_TIMING, &good));
	int rc[16], n = 0;
	rc[n++] = weir_event_query(e);
	rc[n++] = weir_event_sync(e, 0);
	rc[n++] = weir_event_sync(e, WEIR_TIMEOUT_INFINITE);
	rc[n++] = weir_event_record(e, s);
	rc[n++] = weir_event_reset(e, s);
	rc[n++] = weir_stream_wait_event(s, e);
	rc[n++] = weir_event_recorded(e, &rec);
	rc[n++] = weir_event_timestamp(e, &ns);
	rc[n++] = weir_event_elapsed(e, good, &ms);
	rc[n++] = weir_event_elapsed(good, e, &ms);
	for (int i = 0; i < n; i++)
		if (rc[i] != want)
			fail_msg("%s: event call #%d returned %s, want %s", what, i,
			         weir_status_name(rc[i]), weir_status_name(want));
	WT_ASSERT_STATUS(weir_event_destroy(e), want);
	/* the stream got nothing */
	weir_stream_stats_t st = wt_stats(s);
	assert_int_equal(st.submitted, 0);
	WT_OK(weir_event_destroy(good));
	WT_OK(weir_stream_destroy(s));
}

static void check_group_calls(wt_fix_t *f, weir_group_t *g, int want, const char *what)
{
	int mode;
	uint32_t dev;
	weir_stream_t *s = NULL;
	int rc[8], n = 0;
	rc[n++] = weir_group_set_failure_mode(g, WEIR_FAILURE_CONTINUE);
	rc[n++] = weir_group_get_failure_mode(g, &mode);
	rc[n++] = weir_group_sync(g, 0);
	rc[n++] = weir_group_sync(g, WEIR_TIMEOUT_INFINITE);
	rc[n++] = weir_group_device(g, &dev);
	rc[n++] = weir_stream_create(g, 0, 0, &s);
	for (int i = 0; i < n; i++)
		if (rc[i] != want)
			fail_msg("%s: group call #%d returned %s, want %s", what, i,
			         weir_status_name(rc[i]), weir_status_name(want));
	WT_ASSERT_STATUS(weir_group_destroy(g), want);
	WT_ASSERT_STATUS(weir_group_destroy_force(g), want);
}

static void check_reporter_calls(wt_fix_t *f, weir_reporter_t *r, int want, const char *what)
{
	weir_stream_t *s = wt_stream(f, 0);
	int rc[4], n = 0;
	rc[n++] = weir_reporter_process(r, 0);
	rc[n++] = weir_stream_subscribe(s, r);
	rc[n++] = weir_stream_unsubscribe(s, r);
	for (int i = 0; i < n; i++)
		if (rc[i] != want)
			fail_msg("%s: reporter call #%d returned %s, want %s", what, i,
			         weir_status_name(rc[i]), weir_status_name(want));
	WT_ASSERT_STATUS(weir_reporter_destroy(r), want);
	WT_ASSERT_STATUS(weir_launch_callback(s, h_nop, NULL, true), WEIR_ENOSUB);
	WT_OK(weir_stream_destroy(s));
}

/* Values that are not handles: unmapped, misaligned, kernel-half, and real
 * memory with plausible or hostile contents. */
static unsigned char zeros[512] __attribute__((aligned(64)));
static unsigned char junk[512] __attribute__((aligned(64)));

static void *garbage(int i)
{
	switch (i) {
	case 0: return (void *)(uintptr_t)0xdead0000u;
	case 1: return (void *)(uintptr_t)0x1;
	case 2: return (void *)(uintptr_t)0xfffffffffffff000ull;
	case 3: return (void *)(uintptr_t)0x00007ffffffff000ull;
	case 4: return zeros;
	case 5: return junk;
	case 6: return junk + 8;
	default: return (void *)(uintptr_t)0x12345678abcdull;
	}
}
#define NGARBAGE 8

static void test_garbage_handles(void **state)
{
	wt_fix_t *f = *state;
	memset(junk, 0xA5, sizeof junk);
	char what[64];
	for (int i = 0; i < NGARBAGE; i++) {
		snprintf(what, sizeof what, "garbage #%d", i);
		check_stream_calls(f, garbage(i), WEIR_EHANDLE, what);
		check_event_calls(f, garbage(i), WEIR_EHANDLE, what);
		check_group_calls(f, garbage(i), WEIR_EHANDLE, what);
		check_reporter_calls(f, garbage(i), WEIR_EHANDLE, what);
	}
}

static void test_wrong_type_handles(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s = wt_stream(f, 0);
	weir_event_t *e;
	WT_OK(weir_event_create(f->rt, 0, 0, &e));
	weir_reporter_t *r;
	WT_OK(weir_reporter_create(f->rt, &r));
	check_stream_calls(f, (weir_stream_t *)e, WEIR_EHANDLE, "event as stream");
	check_stream_calls(f, (weir_stream_t *)f->g[0], WEIR_EHANDLE, "group as stream");
	check_stream_calls(f, (weir_stream_t *)r, WEIR_EHANDLE, "reporter as stream");
	check_stream_calls(f, (weir_stream_t *)f->rt, WEIR_EHANDLE, "runtime as stream");
	check_event_calls(f, (weir_event_t *)s, WEIR_EHANDLE, "stream as event");
	check_event_calls(f, (weir_event_t *)f->g[0], WEIR_EHANDLE, "group as event");
	check_group_calls(f, (weir_group_t *)s, WEIR_EHANDLE, "stream as group");
	check_group_calls(f, (weir_group_t *)e, WEIR_EHANDLE, "event as group");
	check_reporter_calls(f, (weir_reporter_t *)s, WEIR_EHANDLE, "stream as reporter");
	/* the real objects survived all of that */
	static _Atomic uint64_t ctr;
	WT_OK(weir_stream_wait_event(s, e));
	WT_OK(wt_launch_count(s, &ctr));
	WT_OK(weir_event_record(e, s));
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	WT_OK(weir_event_sync(e, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(weir_load_acquire(&ctr), 1);
	WT_ASSERT_STATUS(weir_reporter_process(r, 0), WEIR_ETIMEDOUT);
	WT_OK(weir_reporter_destroy(r));
	WT_OK(weir_event_destroy(e));
	WT_OK(weir_stream_destroy(s));
}

static void test_destroyed_handles(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s = wt_stream(f, 0);
	WT_OK(weir_stream_destroy(s));
	check_stream_calls(f, s, WEIR_EHANDLE, "destroyed stream");
	s = wt_stream(f, 0);
	WT_OK(weir_stream_destroy_force(s));
	check_stream_calls(f, s, WEIR_EHANDLE, "force-destroyed stream");

	weir_event_t *e;
	WT_OK(weir_event_create(f->rt, 0, 0, &e));
	WT_OK(weir_event_destroy(e));
	check_event_calls(f, e, WEIR_EHANDLE, "destroyed event");

	weir_group_t *g;
	WT_OK(weir_group_create(f->rt, 0, &g));
	weir_stream_t *in_g;
	WT_OK(weir_stream_create(g, 0, 0, &in_g));
	WT_OK(weir_group_destroy(g));
	check_group_calls(f, g, WEIR_EHANDLE, "destroyed group");
	check_stream_calls(f, in_g, WEIR_EHANDLE, "stream of a destroyed group");
	WT_OK(weir_group_create(f->rt, 1, &g));
	WT_OK(weir_stream_create(g, 0, 0, &in_g));
	WT_OK(weir_group_destroy_force(g));
	check_group_calls(f, g, WEIR_EHANDLE, "force-destroyed group");
	check_stream_calls(f, in_g, WEIR_EHANDLE, "stream of a force-destroyed group");

	weir_reporter_t *r;
	WT_OK(weir_reporter_create(f->rt, &r));
	WT_OK(weir_reporter_destroy(r));
	check_reporter_calls(f, r, WEIR_EHANDLE, "destroyed reporter");
}

/* A destroyed handle stays invalid even after new objects are created (the
 * handle value is not reused while the stale value could still be
 * presented): otherwise a stale handle would silently address a new stream. */
static void test_stale_handles_not_reused(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *old = wt_stream(f, 0);
	WT_OK(weir_stream_destroy(old));
	weir_event_t *olde;
	WT_OK(weir_event_create(f->rt, 0, 0, &olde));
	WT_OK(weir_event_destroy(olde));
	enum { N = 200 };
	weir_stream_t *s[N];
	weir_event_t *e[N];
	for (int i = 0; i < N; i++) {
		s[i] = wt_stream(f, 0);
		WT_OK(weir_event_create(f->rt, 0, 0, &e[i]));
		WT_ASSERT_STATUS(weir_stream_query(old), WEIR_EHANDLE);
		WT_ASSERT_STATUS(weir_event_query(olde), WEIR_EHANDLE);
		if (i % 2) {
			WT_OK(weir_stream_destroy(s[i]));
			WT_OK(weir_event_destroy(e[i]));
		}
	}
	for (int i = 0; i < N; i += 2) {
		WT_OK(weir_stream_destroy(s[i]));
		WT_OK(weir_event_destroy(e[i]));
	}
}

/* Handles of another runtime are foreign: refused, never used. */
static void test_foreign_runtime_handles(void **state)
{
	wt_fix_t *f = *state;
	weir_config_t c = wt_config(2, 1, 16);
	c.flags |= WEIR_CONFIG_NO_PIN;
	weir_runtime_t *rt2;
	WT_OK(weir_runtime_create(&c, &rt2));
	weir_group_t *g2;
	WT_OK(weir_group_create(rt2, 0, &g2));
	weir_stream_t *s2;
	WT_OK(weir_stream_create(g2, 0, 0, &s2));
	weir_event_t *e2;
	WT_OK(weir_event_create(rt2, 0, 0, &e2));
	weir_event_t *e1;
	WT_OK(weir_event_create(f->rt, 0, 0, &e1));
	weir_stream_t *s1 = wt_stream(f, 0);
	weir_reporter_t *r1;
	WT_OK(weir_reporter_create(f->rt, &r1));
	/* collect first, tear rt2 down, then assert (a failure must not leak
	 * rt2 into the next test) */
	int rc[4];
	rc[0] = weir_event_record(e1, s2);
	rc[1] = weir_event_record(e2, s1);
	rc[2] = weir_stream_wait_event(s1, e2);
	rc[3] = weir_stream_subscribe(s2, r1);
	weir_stream_stats_t st1 = wt_stats(s1), st2 = wt_stats(s2);
	WT_OK(weir_reporter_destroy(r1));
	WT_OK(weir_event_destroy(e1));
	WT_OK(weir_stream_destroy(s1));
	weir_runtime_destroy(rt2); /* frees g2, s2, e2 */
	static const char *const what[] = {
		"record(event of rt1, stream of rt2)",
		"record(event of rt2, stream of rt1)",
		"wait_event(stream of rt1, event of rt2)",
		"subscribe(stream of rt2, reporter of rt1)",
	};
	for (int i = 0; i < 4; i++)
		if (rc[i] != WEIR_EFOREIGN && rc[i] != WEIR_EHANDLE)
			fail_msg("%s returned %s, want EFOREIGN or EHANDLE", what[i],
			         weir_status_name(rc[i]));
	assert_int_equal(st1.submitted, 0);
	assert_int_equal(st2.submitted, 0);
}

/* NULL handles: refused (destroy calls: a no-op) and NULL out-pointers. */
static void test_null_arguments(void **state)
{
	wt_fix_t *f = *state;
	WT_ASSERT_STATUS2(weir_stream_query(NULL), WEIR_EHANDLE, WEIR_EINVAL);
	WT_ASSERT_STATUS2(weir_stream_sync(NULL, 0), WEIR_EHANDLE, WEIR_EINVAL);
	WT_ASSERT_STATUS2(weir_launch(NULL, k_nop, NULL, 0, 1, 0), WEIR_EHANDLE, WEIR_EINVAL);
	WT_ASSERT_STATUS2(weir_event_query(NULL), WEIR_EHANDLE, WEIR_EINVAL);
	WT_ASSERT_STATUS2(weir_group_sync(NULL, 0), WEIR_EHANDLE, WEIR_EINVAL);
	WT_ASSERT_STATUS2(weir_stream_create(NULL, 0, 0, &(weir_stream_t *){ NULL }), WEIR_EHANDLE,
	                  WEIR_EINVAL);
	WT_ASSERT_STATUS2(weir_stream_destroy(NULL), WEIR_OK, WEIR_EHANDLE);
	WT_ASSERT_STATUS2(weir_stream_destroy_force(NULL), WEIR_OK, WEIR_EHANDLE);
	WT_ASSERT_STATUS2(weir_event_destroy(NULL), WEIR_OK, WEIR_EHANDLE);
	WT_ASSERT_STATUS2(weir_group_destroy(NULL), WEIR_OK, WEIR_EHANDLE);
	WT_OK(weir_reporter_destroy(NULL));

	weir_stream_t *s = wt_stream(f, 0);
	weir_event_t *e;
	WT_OK(weir_event_create(f->rt, 0, WEIR_EVENT_TIMING, &e));
	WT_ASSERT_STATUS(weir_stream_group(s, NULL), WEIR_EINVAL);
	WT_ASSERT_STATUS(weir_stream_device(s, NULL), WEIR_EINVAL);
	WT_ASSERT_STATUS(weir_event_recorded(e, NULL), WEIR_EINVAL);
	WT_ASSERT_STATUS(weir_event_timestamp(e, NULL), WEIR_EINVAL);
	WT_ASSERT_STATUS(weir_event_elapsed(e, e, NULL), WEIR_EINVAL);
	WT_ASSERT_STATUS(weir_group_get_failure_mode(f->g[0], NULL), WEIR_EINVAL);
	WT_ASSERT_STATUS(weir_group_device(f->g[0], NULL), WEIR_EINVAL);
	uint32_t n = 4;
	WT_ASSERT_STATUS(weir_device_stats(f->rt, 0, NULL, &n), WEIR_EINVAL);
	weir_worker_stats_t ws[4];
	WT_ASSERT_STATUS(weir_device_stats(f->rt, 0, ws, NULL), WEIR_EINVAL);
	WT_OK(weir_event_destroy(e));
	WT_OK(weir_stream_destroy(s));
}

/* Handle checks racing destroy from another thread: WEIR_OK or EHANDLE,
 * never a crash or a sanitizer report. */
struct racer {
	weir_stream_t *_Atomic s;
	_Atomic uint64_t stop, calls, unexpected;
};

static void *race_calls(void *arg)
{
	struct racer *r = arg;
	while (!weir_load_acquire(&r->stop)) {
		weir_stream_t *s = weir_load_acquire(&r->s);
		int rc = weir_stream_query(s);
		if (rc != WEIR_OK && rc != WEIR_ENOTREADY && rc != WEIR_EHANDLE)
			weir_faa_relaxed(&r->unexpected, 1);
		weir_stream_stats_t st;
		rc = weir_stream_stats(s, &st);
		if (rc != WEIR_OK && rc != WEIR_EHANDLE)
			weir_faa_relaxed(&r->unexpected, 1);
		rc = weir_launch(s, k_nop, NULL, 0, 1, WEIR_LAUNCH_NONBLOCK);
		if (rc != WEIR_OK && rc != WEIR_EHANDLE && rc != WEIR_EAGAIN)
			weir_faa_relaxed(&r->unexpected, 1);
		weir_faa_relaxed(&r->calls, 1);
	}
	return NULL;
}

static void test_calls_racing_destroy(void **state)
{
	wt_fix_t *f = *state;
	static struct racer r;
	weir_store_relaxed(&r.s, wt_stream(f, 0));
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, race_calls, &r), 0);
	for (int i = 0; i < 300; i++) {
		weir_stream_t *old = weir_load_relaxed(&r.s);
		weir_store_release(&r.s, wt_stream(f, (uint32_t)i % 2));
		if (i % 2)
			WT_OK(weir_stream_destroy(old));
		else
			WT_OK(weir_stream_destroy_force(old));
	}
	weir_store_release(&r.stop, 1);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(weir_load_relaxed(&r.unexpected), 0);
	WT_OK(weir_stream_destroy(weir_load_relaxed(&r.s)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, wt_fix_setup, wt_fix_teardown)
		T(test_garbage_handles),         T(test_wrong_type_handles),
		T(test_destroyed_handles),       T(test_stale_handles_not_reused),
		T(test_foreign_runtime_handles), T(test_null_arguments),
		T(test_calls_racing_destroy),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
