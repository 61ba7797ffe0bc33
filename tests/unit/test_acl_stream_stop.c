/*
 * test_acl_stream_stop.c - aclrtStreamStop on weir_stream_stop, and the
 * stream state callbacks of default streams.
 *
 * Stop: bad input (NULL, garbage, destroyed, a default stream, a stream of
 * another context); a running multi-block kernel stops, queued tasks stay
 * queued, aclrtSynchronizeStream returns 507000 at once (Ascend's code),
 * aclrtStreamAbort discards them (the next sync 107023) and the stream runs
 * again; destroy, destroy-force and a device reset of a stopped stream
 * return, and so does aclFinalize. State callbacks: creating and destroying a context, and setting
 * and resetting a device, announce its default stream, outside the facade
 * lock (the callback takes it). A watchdog turns a hang into a failure.
 */
#include "common/oracle.h"

#include "acl/acl.h"
#include "acl_compat/acl_internal.h"
#include "acl_compat/acl_state.h"

static wt_watchdog_t g_wd;

static int setup(void **state)
{
	(void)state;
	setenv("WEIR_NO_PIN", "1", 0);
	setenv("WEIR_DEVICES", "2", 0);
	setenv("WEIR_WORKERS", "2", 0);
	wt_watchdog_start(&g_wd, 120);
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

/* A block counts its start and waits (bounded) for the gate. */
typedef struct gate {
	_Atomic uint64_t started;
	_Atomic int open;
} gate_t;

static int k_gated(void *args, uint32_t block, uint32_t nblocks)
{
	(void)block;
	(void)nblocks;
	gate_t *g = *(gate_t **)args;
	weir_faa_release(&g->started, 1);
	uint64_t until = wt_now_ns() + 30 * WT_S;
	while (!weir_load_acquire(&g->open) && wt_now_ns() < until)
		wt_sleep_ns(100000);
	return 0;
}

static int k_count(void *args, uint32_t block, uint32_t nblocks)
{
	(void)block;
	(void)nblocks;
	weir_faa_release(*(_Atomic uint64_t **)args, 1);
	return 0;
}

static void launch_count(aclrtStream s, _Atomic uint64_t *ctr)
{
	assert_int_equal(weir_launch((weir_stream_t *)s, k_count, &ctr, sizeof ctr, 1, 0), WEIR_OK);
}

static void test_stop_bad_input(void **state)
{
	(void)state;
	int garbage[8] = { 0 };
	aclrtStream s, dflt = NULL;
	assert_int_equal(aclrtStreamStop(NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtStreamStop((aclrtStream)garbage), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtCtxGetCurrentDefaultStream(&dflt), ACL_SUCCESS);
	assert_non_null(dflt);
	assert_int_equal(aclrtStreamStop(dflt), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtSynchronizeStream(NULL), ACL_SUCCESS); /* untouched */
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtStreamStop(s), ACL_ERROR_RT_INVALID_HANDLE);
	/* a stream of another context */
	aclrtContext ctx0, ctx1;
	aclrtStream other;
	assert_int_equal(aclrtGetCurrentContext(&ctx0), ACL_SUCCESS);
	assert_int_equal(aclrtCreateContext(&ctx1, 0), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&other), ACL_SUCCESS);
	assert_int_equal(aclrtSetCurrentContext(ctx0), ACL_SUCCESS);
	assert_int_equal(aclrtStreamStop(other), ACL_ERROR_RT_STREAM_CONTEXT);
	assert_int_equal(aclrtSetCurrentContext(ctx1), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(other), ACL_SUCCESS);
	assert_int_equal(aclrtSetCurrentContext(ctx0), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyContext(ctx1), ACL_SUCCESS);
	/* the stop's status */
	assert_int_equal(weir__acl_from_weir(WEIR_EHALTED), ACL_ERROR_RT_INTERNAL_ERROR);
}

/* Huawei's sample, with a kernel that really runs: a device-use-only stream. */
static void test_stop_running_kernel(void **state)
{
	(void)state;
	aclrtStream s;
	static gate_t g;
	static _Atomic uint64_t ran;
	gate_t *gp = &g;
	assert_int_equal(aclrtCreateStreamWithConfig(&s, 0, ACL_STREAM_DEVICE_USE_ONLY),
	                 ACL_SUCCESS);
	assert_int_equal(weir_launch((weir_stream_t *)s, k_gated, &gp, sizeof gp, 32, 0), WEIR_OK);
	for (int i = 0; i < 4; i++)
		launch_count(s, &ran);
	wt_watchdog_phase(&g_wd, "waiting for the kernel to start");
	while (weir_load_acquire(&g.started) == 0)
		wt_sleep_ns(100000);
	assert_int_equal(aclrtStreamStop(s), ACL_SUCCESS);
	assert_int_equal(aclrtStreamStop(s), ACL_SUCCESS);
	weir_store_release(&g.open, 1);
	wt_watchdog_phase(&g_wd, "aclrtSynchronizeStream after stop");
	assert_int_equal(aclrtSynchronizeStream(s), ACL_ERROR_RT_INTERNAL_ERROR);
	assert_int_equal(aclrtSynchronizeStreamWithTimeout(s, 10), ACL_ERROR_RT_INTERNAL_ERROR);
	assert_true(weir_load_acquire(&g.started) <= 2); /* at most one block per worker */
	aclrtStreamStatus st = ACL_STREAM_STATUS_COMPLETE;
	assert_int_equal(aclrtStreamQuery(s, &st), ACL_SUCCESS);
	assert_int_equal(st, ACL_STREAM_STATUS_NOT_READY); /* kept, not cleared */
	/* the context's sync reports it too, without waiting */
	assert_int_equal(aclrtSynchronizeDevice(), ACL_ERROR_RT_INTERNAL_ERROR);
	wt_sleep_ns(20 * WT_MS);
	assert_int_equal(weir_load_acquire(&ran), 0);
	assert_int_equal(aclrtStreamAbort(s), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_ERROR_RT_STREAM_ABORT);
	assert_int_equal(aclrtStreamQuery(s, &st), ACL_SUCCESS);
	assert_int_equal(st, ACL_STREAM_STATUS_COMPLETE);
	assert_int_equal(weir_load_acquire(&ran), 0);
	launch_count(s, &ran);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	assert_int_equal(weir_load_acquire(&ran), 1);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
}

/* Any stream may be stopped in weir (Ascend A2/A3 want device-use-only). */
static void test_stop_then_destroy(void **state)
{
	(void)state;
	static _Atomic uint64_t ran;
	for (int force = 0; force < 2; force++) {
		aclrtStream s;
		assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
		assert_int_equal(aclrtStreamStop(s), ACL_SUCCESS);
		for (int i = 0; i < 8; i++)
			launch_count(s, &ran);
		assert_int_equal(aclrtSynchronizeStream(s), ACL_ERROR_RT_INTERNAL_ERROR);
		wt_watchdog_phase(&g_wd, force ? "aclrtDestroyStreamForce after stop"
		                               : "aclrtDestroyStream after stop");
		assert_int_equal(force ? aclrtDestroyStreamForce(s) : aclrtDestroyStream(s),
		                 ACL_SUCCESS);
		assert_int_equal(aclrtStreamStop(s), ACL_ERROR_RT_INVALID_HANDLE);
	}
	assert_int_equal(aclrtSynchronizeDevice(), ACL_SUCCESS);
	assert_int_equal(weir_load_acquire(&ran), 0);
	/* a device reset with a stopped stream in its default context */
	assert_int_equal(aclrtSetDevice(1), ACL_SUCCESS);
	aclrtStream s;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	launch_count(s, &ran);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtStreamStop(s), ACL_SUCCESS);
	launch_count(s, &ran);
	wt_watchdog_phase(&g_wd, "aclrtResetDevice with a stopped stream");
	assert_int_equal(aclrtResetDevice(1), ACL_SUCCESS);
	assert_int_equal(weir_load_acquire(&ran), 1);
	assert_int_equal(aclrtSetDevice(0), ACL_SUCCESS);
	assert_int_equal(aclrtResetDevice(0), ACL_SUCCESS); /* back to one reference */
	/* left stopped with a queued task for aclFinalize (teardown) */
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtStreamStop(s), ACL_SUCCESS);
	launch_count(s, &ran);
}

/* ---- state callbacks of default streams ---- */

#define MAX_EV 16
static struct {
	aclrtStream s;
	aclrtStreamState state;
} g_ev[MAX_EV];
static int g_nev;

static void ssc_cb(aclrtStream s, aclrtStreamState state, void *args)
{
	assert_ptr_equal(args, &g_nev);
	/* Outside the facade lock: taking it here would deadlock otherwise
	 * (the watchdog reports it). */
	weir__acl_lock();
	weir__acl_unlock();
	if (g_nev < MAX_EV) {
		g_ev[g_nev].s = s;
		g_ev[g_nev].state = state;
	}
	g_nev++;
}

static void test_default_stream_callbacks(void **state)
{
	(void)state;
	aclrtStream d;
	g_nev = 0;
	wt_watchdog_phase(&g_wd, "state callbacks of default streams");
	assert_int_equal(aclrtRegStreamStateCallback("dflt", ssc_cb, &g_nev), ACL_SUCCESS);
	/* an explicit context: its default stream */
	aclrtContext ctx0, ctx;
	assert_int_equal(aclrtGetCurrentContext(&ctx0), ACL_SUCCESS);
	assert_int_equal(aclrtCreateContext(&ctx, 0), ACL_SUCCESS);
	assert_int_equal(aclrtCtxGetCurrentDefaultStream(&d), ACL_SUCCESS);
	assert_int_equal(g_nev, 1);
	assert_ptr_equal(g_ev[0].s, d);
	assert_int_equal(g_ev[0].state, ACL_RT_STREAM_STATE_CREATE_POST);
	int32_t id = 0;
	assert_int_equal(aclrtStreamGetId(g_ev[0].s, &id), ACL_SUCCESS); /* a usable handle */
	assert_int_equal(aclrtDestroyContext(ctx), ACL_SUCCESS);
	assert_int_equal(g_nev, 2);
	assert_ptr_equal(g_ev[1].s, d);
	assert_int_equal(g_ev[1].state, ACL_RT_STREAM_STATE_DESTROY_PRE);
	assert_int_equal(aclrtSetCurrentContext(ctx0), ACL_SUCCESS);
	/* a device's default context: announced by its first aclrtSetDevice
	 * and by the reset that releases it, not by the ones between */
	assert_int_equal(aclrtSetDevice(1), ACL_SUCCESS);
	assert_int_equal(aclrtCtxGetCurrentDefaultStream(&d), ACL_SUCCESS);
	assert_int_equal(g_nev, 3);
	assert_ptr_equal(g_ev[2].s, d);
	assert_int_equal(g_ev[2].state, ACL_RT_STREAM_STATE_CREATE_POST);
	assert_int_equal(aclrtSetDevice(1), ACL_SUCCESS);
	assert_int_equal(aclrtResetDevice(1), ACL_SUCCESS);
	assert_int_equal(g_nev, 3);
	assert_int_equal(aclrtResetDevice(1), ACL_SUCCESS);
	assert_int_equal(g_nev, 4);
	assert_ptr_equal(g_ev[3].s, d);
	assert_int_equal(g_ev[3].state, ACL_RT_STREAM_STATE_DESTROY_PRE);
	/* user streams still announced, once each */
	aclrtStream s;
	assert_int_equal(aclrtSetDevice(0), ACL_SUCCESS);
	assert_int_equal(g_nev, 4); /* device 0 was set: no new default stream */
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
	assert_int_equal(g_nev, 6);
	assert_int_equal(aclrtResetDevice(0), ACL_SUCCESS);
	assert_int_equal(g_nev, 6); /* one reference left (setup's) */
	assert_int_equal(aclrtRegStreamStateCallback("dflt", NULL, NULL), ACL_SUCCESS);
	assert_int_equal(aclrtSetDevice(1), ACL_SUCCESS);
	assert_int_equal(aclrtResetDevice(1), ACL_SUCCESS);
	assert_int_equal(g_nev, 6);
	assert_int_equal(aclrtSetCurrentContext(ctx0), ACL_SUCCESS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stop_bad_input),
		cmocka_unit_test(test_stop_running_kernel),
		cmocka_unit_test(test_stop_then_destroy),
		cmocka_unit_test(test_default_stream_callbacks),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
