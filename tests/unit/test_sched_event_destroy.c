/*
 * Unit tests: destroying an event that streams wait on (weir issue 8,
 * defect 6). A FLAG event destroyed before its flag is set must fail the
 * waits on it (WEIR_EHANDLE through the stream's next sync) instead of
 * leaving the streams parked forever, so that stream destroy and group
 * destroy return. Snapshot waits keep waiting for their record, which always
 * completes. A watchdog turns a regression (a hang) into a failure.
 */
#include "common/fixture.h"

#include <unistd.h>

#include "sched/internal.h"

static wt_watchdog_t g_wd;

static int setup(void **state)
{
	wt_watchdog_start(&g_wd, 60);
	return wt_fix_setup(state);
}

static int teardown(void **state)
{
	wt_watchdog_phase(&g_wd, "teardown");
	int rc = wt_fix_teardown(state);
	wt_watchdog_stop(&g_wd);
	return rc;
}

/* White-box: wait until n streams are parked on event h (bounded by the
 * watchdog), so the test exercises the parked path, not the queued one. */
static void wait_parked(weir_event_t *h, uint32_t n)
{
	wt_watchdog_phase(&g_wd, "waiting for the stream to park on the event");
	for (;;) {
		uint32_t np = 0;
		weir__rcu_read_lock();
		struct weir_obj *o = weir__reg_lookup(h, WEIR_T_EVENT);
		if (o)
			np = weir_load_seqcst(
			        &caa_container_of(o, struct weir_event, obj)->nparked);
		weir__rcu_read_unlock();
		if (!o)
			fail_msg("event handle is not live");
		if (np >= n)
			return;
		usleep(200);
	}
}

#define SYNC_BOUND (10 * WT_S) /* a liveness bound: the wait fails at once */

/* A stream parked on a never-set FLAG event: destroying the event fails the
 * wait; later tasks run (CONTINUE); the error is reported once. */
static void test_flag_destroy_fails_parked_wait(void **state)
{
	wt_fix_t *f = *state;
	_Atomic uint64_t ran = 0;
	weir_event_t *e;
	weir_stream_t *s = wt_stream(f, 0);
	WT_OK(weir_event_create(f->rt, 0, WEIR_EVENT_FLAG, &e));
	WT_OK(weir_stream_wait_event(s, e));
	WT_OK(wt_launch_count(s, &ran));
	wait_parked(e, 1);
	WT_OK(weir_event_destroy(e));
	wt_watchdog_phase(&g_wd, "sync after destroying the event");
	WT_ASSERT_STATUS(weir_stream_sync(s, SYNC_BOUND), WEIR_EHANDLE);
	WT_OK(weir_stream_sync(s, SYNC_BOUND));
	assert_int_equal(weir_load_acquire(&ran), 1);
	weir_stream_stats_t st = wt_stats(s);
	assert_int_equal(st.failed, 1);
	assert_int_equal(st.completed, 1);
	WT_ASSERT_STATUS(weir_event_destroy(e), WEIR_EHANDLE);
	wt_watchdog_phase(&g_wd, "stream destroy");
	WT_OK(weir_stream_destroy(s));
}

/* The exact hang of the issue: destroy the stream right after the event,
 * without a sync in between. */
static void test_stream_destroy_after_event_destroy(void **state)
{
	wt_fix_t *f = *state;
	weir_event_t *e;
	weir_stream_t *s = wt_stream(f, 0);
	WT_OK(weir_event_create(f->rt, 0, WEIR_EVENT_FLAG, &e));
	WT_OK(weir_stream_wait_event(s, e));
	wait_parked(e, 1);
	WT_OK(weir_event_destroy(e));
	wt_watchdog_phase(&g_wd, "stream destroy after the event's destroy");
	WT_OK(weir_stream_destroy(s));
}

/* Several streams, on two devices, parked on one event; then their group
 * destroy (what aclrtResetDevice does) must return. */
static void test_group_destroy_after_event_destroy(void **state)
{
	wt_fix_t *f = *state;
	weir_group_t *g;
	weir_stream_t *s[3];
	weir_event_t *e;
	WT_OK(weir_group_create(f->rt, 1, &g));
	WT_OK(weir_event_create(f->rt, 1, WEIR_EVENT_FLAG, &e));
	for (int i = 0; i < 3; i++) {
		WT_OK(weir_stream_create(g, 0, 0, &s[i]));
		WT_OK(weir_stream_wait_event(s[i], e));
	}
	weir_stream_t *other = wt_stream(f, 0); /* a waiter on another device */
	WT_OK(weir_stream_wait_event(other, e));
	wait_parked(e, 4);
	WT_OK(weir_event_destroy(e));
	wt_watchdog_phase(&g_wd, "group destroy after the event's destroy");
	WT_OK(weir_group_destroy(g));
	WT_ASSERT_STATUS(weir_stream_sync(other, SYNC_BOUND), WEIR_EHANDLE);
	WT_OK(weir_stream_destroy(other));
}

/* A wait still queued behind other work when the event is destroyed fails
 * when the stream reaches it. */
static void test_flag_destroy_fails_queued_wait(void **state)
{
	wt_fix_t *f = *state;
	wt_gate_t gate;
	weir_event_t *e;
	weir_stream_t *s = wt_stream(f, 0);
	WT_OK(weir_event_create(f->rt, 0, WEIR_EVENT_FLAG, &e));
	wt_gate_block(f, &gate, 0, s);
	WT_OK(weir_stream_wait_event(s, e));
	WT_OK(weir_event_destroy(e));
	wt_gate_open(f, &gate);
	wt_watchdog_phase(&g_wd, "sync: queued wait on a destroyed event");
	WT_ASSERT_STATUS(weir_stream_sync(s, SYNC_BOUND), WEIR_EHANDLE);
	wt_gate_free(&gate);
	WT_OK(weir_stream_destroy(s));
}

/* A FLAG event set before its destroy: the wait passes as usual. */
static void test_flag_destroy_after_set_passes(void **state)
{
	wt_fix_t *f = *state;
	weir_event_t *e;
	weir_stream_t *s = wt_stream(f, 0);
	WT_OK(weir_event_create(f->rt, 0, WEIR_EVENT_FLAG, &e));
	WT_OK(weir_event_record(e, f->drv[0]));
	WT_OK(weir_stream_sync(f->drv[0], WEIR_TIMEOUT_INFINITE));
	WT_OK(weir_stream_wait_event(s, e));
	WT_OK(weir_event_destroy(e));
	wt_watchdog_phase(&g_wd, "sync: wait on a set, destroyed event");
	WT_OK(weir_stream_sync(s, SYNC_BOUND));
	WT_OK(weir_stream_destroy(s));
}

/* A FLAG event destroyed while a record is still queued: the parked wait
 * waits for that record instead of failing. */
static void test_flag_destroy_waits_for_pending_record(void **state)
{
	wt_fix_t *f = *state;
	wt_gate_t gate;
	weir_event_t *e;
	weir_stream_t *a = wt_stream(f, 0), *b = wt_stream(f, 1);
	WT_OK(weir_event_create(f->rt, 0, WEIR_EVENT_FLAG, &e));
	wt_gate_block(f, &gate, 0, a);
	WT_OK(weir_event_record(e, a));
	WT_OK(weir_stream_wait_event(b, e));
	wait_parked(e, 1);
	WT_OK(weir_event_destroy(e));
	WT_ASSERT_STATUS(weir_stream_query(b), WEIR_ENOTREADY); /* still waiting */
	wt_gate_open(f, &gate);
	wt_watchdog_phase(&g_wd, "sync: wait on a destroyed event with a pending record");
	WT_OK(weir_stream_sync(b, SYNC_BOUND));
	WT_OK(weir_stream_sync(a, SYNC_BOUND));
	wt_gate_free(&gate);
	WT_OK(weir_stream_destroy(a));
	WT_OK(weir_stream_destroy(b));
}

/* The pending record sets the flag, and a reset queued after it clears it
 * again, racing the waiter's resume: the wait passes or fails, but the
 * stream never stays parked on the destroyed event. */
static void test_flag_destroy_record_then_reset_never_hangs(void **state)
{
	wt_fix_t *f = *state;
	for (int round = 0; round < 20; round++) {
		wt_gate_t gate;
		weir_event_t *e;
		weir_stream_t *a = wt_stream(f, 0), *b = wt_stream(f, 1);
		WT_OK(weir_event_create(f->rt, 0, WEIR_EVENT_FLAG, &e));
		wt_gate_block(f, &gate, 0, a);
		WT_OK(weir_event_record(e, a));
		WT_OK(weir_event_reset(e, a));
		WT_OK(weir_stream_wait_event(b, e));
		wait_parked(e, 1);
		WT_OK(weir_event_destroy(e));
		wt_gate_open(f, &gate);
		wt_watchdog_phase(&g_wd, "sync: record then reset of a destroyed event");
		WT_ASSERT_STATUS2(weir_stream_sync(b, SYNC_BOUND), WEIR_OK, WEIR_EHANDLE);
		WT_OK(weir_stream_sync(a, SYNC_BOUND));
		wt_gate_free(&gate);
		WT_OK(weir_stream_destroy(a));
		WT_OK(weir_stream_destroy(b));
	}
}

/* Snapshot events: a wait parked on a queued record survives the event's
 * destroy and passes once that record completes. */
static void test_snapshot_destroy_keeps_wait(void **state)
{
	wt_fix_t *f = *state;
	wt_gate_t gate;
	weir_event_t *e;
	_Atomic uint64_t ran = 0;
	weir_stream_t *s1 = wt_stream(f, 0), *s2 = wt_stream(f, 1);
	WT_OK(weir_event_create(f->rt, 0, 0, &e));
	wt_gate_block(f, &gate, 0, s1);
	WT_OK(weir_event_record(e, s1));
	WT_OK(weir_stream_wait_event(s2, e));
	WT_OK(wt_launch_count(s2, &ran));
	wait_parked(e, 1);
	WT_OK(weir_event_destroy(e));
	WT_ASSERT_STATUS(weir_stream_query(s2), WEIR_ENOTREADY); /* still held */
	assert_int_equal(weir_load_acquire(&ran), 0);
	wt_gate_open(f, &gate);
	wt_watchdog_phase(&g_wd, "sync: snapshot wait after the event's destroy");
	WT_OK(weir_stream_sync(s2, SYNC_BOUND));
	assert_int_equal(weir_load_acquire(&ran), 1);
	WT_OK(weir_stream_sync(s1, SYNC_BOUND));
	wt_gate_free(&gate);
	WT_OK(weir_stream_destroy(s1));
	WT_OK(weir_stream_destroy(s2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_flag_destroy_fails_parked_wait, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_stream_destroy_after_event_destroy, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_group_destroy_after_event_destroy, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_flag_destroy_fails_queued_wait, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_flag_destroy_after_set_passes, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_flag_destroy_waits_for_pending_record, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_flag_destroy_record_then_reset_never_hangs,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_destroy_keeps_wait, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
