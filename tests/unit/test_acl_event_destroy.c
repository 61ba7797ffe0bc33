/*
 * test_acl_event_destroy.c - a stream waits on a legacy ACL_EVENT_SYNC event
 * that is destroyed before it is ever recorded (weir issue 8, defect 6).
 * The wait fails with 107017, reported by the stream's next synchronize, and
 * aclrtDestroyStream / aclrtResetDevice return instead of blocking forever.
 * A watchdog turns a regression (a hang) into a failure.
 */
#include "common/oracle.h"

#include "acl/acl.h"
#include "acl_compat/acl_internal.h"
#include "acl_compat/acl_state.h"
#include "sched/internal.h"

static wt_watchdog_t g_wd;

static int setup(void **state)
{
	(void)state;
	setenv("WEIR_NO_PIN", "1", 0);
	setenv("WEIR_DEVICES", "2", 0);
	setenv("WEIR_WORKERS", "1", 0);
	wt_watchdog_start(&g_wd, 60);
	if (aclInit(NULL) != ACL_SUCCESS)
		return -1;
	return aclrtSetDevice(0) == ACL_SUCCESS ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	wt_watchdog_phase(&g_wd, "aclFinalize");
	int rc = aclFinalize() == ACL_SUCCESS ? 0 : -1;
	wt_watchdog_stop(&g_wd);
	return rc;
}

/* White-box: wait until a stream is parked on the weir event behind the ACL
 * event (bounded by the watchdog), so the destroy meets a parked waiter. */
static void wait_parked(aclrtEvent ae)
{
	struct weir_acl_event copy;
	assert_int_equal(weir__acl_event_get(ae, &copy), ACL_SUCCESS);
	wt_watchdog_phase(&g_wd, "waiting for the stream to park on the event");
	for (;;) {
		uint32_t np = 0;
		weir__rcu_read_lock();
		struct weir_obj *o = weir__reg_lookup(copy.ev, WEIR_T_EVENT);
		if (o)
			np = weir_load_seqcst(
			        &caa_container_of(o, struct weir_event, obj)->nparked);
		weir__rcu_read_unlock();
		if (!o)
			fail_msg("the weir event is not live");
		if (np >= 1)
			return;
		usleep(200);
	}
}

static void assert_msg_has(const char *needle)
{
	const char *m = aclGetRecentErrMsg();
	if (!m || !strstr(m, needle))
		fail_msg("recent error message '%s' does not mention '%s'", m ? m : "(null)",
		         needle);
}

/* Queue a wait on a never-recorded SYNC event and destroy the event while
 * the stream is parked on it. */
static void wait_then_destroy(aclrtStream s)
{
	aclrtEvent e;
	assert_int_equal(aclrtCreateEventWithFlag(&e, ACL_EVENT_SYNC), ACL_SUCCESS);
	assert_int_equal(aclrtStreamWaitEvent(s, e), ACL_SUCCESS);
	wait_parked(e);
	assert_int_equal(aclrtDestroyEvent(e), ACL_SUCCESS);
}

static _Atomic int g_ran;
static void count_fn(void *arg)
{
	(void)arg;
	weir_faa_relaxed(&g_ran, 1); /* read after a synchronize */
}

static void test_sync_reports_destroyed_event(void **state)
{
	(void)state;
	aclrtStream s;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	weir_store_relaxed(&g_ran, 0);
	wait_then_destroy(s);
	assert_int_equal(aclrtLaunchHostFunc(s, count_fn, NULL), ACL_SUCCESS);
	wt_watchdog_phase(&g_wd, "aclrtSynchronizeStreamWithTimeout");
	/* the time-out is a liveness bound only: the failure is immediate */
	assert_int_equal(aclrtSynchronizeStreamWithTimeout(s, 10000), ACL_ERROR_RT_INVALID_HANDLE);
	assert_msg_has("aclrtSynchronizeStreamWithTimeout");
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS); /* reported once */
	assert_int_equal(weir_load_relaxed(&g_ran), 1);           /* later work ran */
	wt_watchdog_phase(&g_wd, "aclrtDestroyStream");
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
}

static void test_sync_forever_returns(void **state)
{
	(void)state;
	aclrtStream s;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	wait_then_destroy(s);
	wt_watchdog_phase(&g_wd, "aclrtSynchronizeStream");
	assert_int_equal(aclrtSynchronizeStream(s), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
}

/* The exact hang of the issue: no synchronize before the destroy. */
static void test_destroy_stream_returns(void **state)
{
	(void)state;
	aclrtStream s;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	wait_then_destroy(s);
	wt_watchdog_phase(&g_wd, "aclrtDestroyStream after aclrtDestroyEvent");
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
}

/* The default stream of device 1 waits; resetting the device drains it. */
static void test_reset_device_returns(void **state)
{
	(void)state;
	assert_int_equal(aclrtSetDevice(1), ACL_SUCCESS);
	aclrtStream extra;
	assert_int_equal(aclrtCreateStream(&extra), ACL_SUCCESS);
	wait_then_destroy(NULL);
	wait_then_destroy(extra);
	wt_watchdog_phase(&g_wd, "aclrtResetDevice after aclrtDestroyEvent");
	assert_int_equal(aclrtResetDevice(1), ACL_SUCCESS);
	assert_int_equal(aclrtSetDevice(0), ACL_SUCCESS);
}

/* A wait still queued behind a host function when the event goes. */
static _Atomic int g_gate;
static void gate_fn(void *arg)
{
	(void)arg;
	while (!weir_load_acquire(&g_gate)) /* pairs with the release below */
		usleep(200);
}

static void test_queued_wait_fails(void **state)
{
	(void)state;
	aclrtStream s;
	aclrtEvent e;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtCreateEventWithFlag(&e, ACL_EVENT_SYNC), ACL_SUCCESS);
	weir_store_release(&g_gate, 0);
	assert_int_equal(aclrtLaunchHostFunc(s, gate_fn, NULL), ACL_SUCCESS);
	assert_int_equal(aclrtStreamWaitEvent(s, e), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyEvent(e), ACL_SUCCESS);
	weir_store_release(&g_gate, 1); /* pairs with the acquire in gate_fn */
	wt_watchdog_phase(&g_wd, "sync: queued wait on a destroyed event");
	assert_int_equal(aclrtSynchronizeStreamWithTimeout(s, 10000), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
}

/* Recorded (flag set) before the destroy: the wait passes. */
static void test_recorded_event_wait_passes(void **state)
{
	(void)state;
	aclrtStream s, r;
	aclrtEvent e;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&r), ACL_SUCCESS);
	assert_int_equal(aclrtCreateEventWithFlag(&e, ACL_EVENT_SYNC), ACL_SUCCESS);
	assert_int_equal(aclrtRecordEvent(e, r), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(r), ACL_SUCCESS);
	assert_int_equal(aclrtStreamWaitEvent(s, e), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyEvent(e), ACL_SUCCESS);
	wt_watchdog_phase(&g_wd, "sync: wait on a recorded, destroyed event");
	assert_int_equal(aclrtSynchronizeStreamWithTimeout(s, 10000), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(r), ACL_SUCCESS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sync_reports_destroyed_event, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_forever_returns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_destroy_stream_returns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_device_returns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queued_wait_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recorded_event_wait_passes, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
