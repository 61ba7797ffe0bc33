/*
 * Unit tests: force-destroying a stream returns without waiting and keeps
 * every task launched before it (weir issue 8, defect 13; sched/stream.c
 * invariant 8). On Ascend, aclrtDestroyStreamForce's teardown flushes and
 * waits for pending tasks, and Huawei's memory-copy samples launch work and
 * force-destroy the stream without synchronizing. Only aclrtStreamAbort /
 * weir_stream_abort and a device reset (weir_group_destroy_force) discard.
 *
 *  - ACL, 200 iterations: kernels counting, a host function and an async
 *    copy, then aclrtDestroyStreamForce at once; after a bounded
 *    aclrtSynchronizeDeviceWithTimeout every one of them has run.
 *  - native, 200 iterations: the same with weir_stream_destroy_force and a
 *    bounded weir_group_sync; then weir_group_destroy returns (every stream
 *    reclaimed).
 *  - a stream parked on an event when force-destroyed: destroy returns while
 *    it is still parked; released, it runs its tasks and is reclaimed; a
 *    device reset (weir_group_destroy_force) instead discards them and
 *    reclaims it; runtime destroy reclaims one still parked. No hang
 *    (watchdog), no leak (LSan in the ASan lane).
 *  - a stopped group (STOP mode) still reclaims a force-destroyed stream.
 */
#include "common/fixture.h"

#include "acl/acl.h"

#define ITERS    200
#define NK       16
#define NK_GATED 8 /* behind a gate: below the fixture's ring capacity (16) */

static wt_watchdog_t wd; /* static: outlives a failing test's longjmp */

/* ---- ACL ---- */

static _Atomic uint64_t g_kernels, g_hosts;

/* counts a task once (block 0 of a split kernel) */
static int k_count(void *args, uint32_t b, uint32_t nb)
{
	(void)args;
	(void)nb;
	if (b == 0)
		weir_faa_release(&g_kernels, 1); /* pairs with the acquire after the sync */
	return 0;
}

static void h_count(void *arg)
{
	weir_faa_release((_Atomic uint64_t *)arg, 1); /* as above */
}

static void test_acl_destroy_force_runs_launched(void **state)
{
	(void)state;
	wt_watchdog_start(&wd, 300);
	setenv("WEIR_NO_PIN", "1", 0);
	setenv("WEIR_DEVICES", "2", 0);
	setenv("WEIR_WORKERS", "1", 0);
	assert_int_equal(aclInit(NULL), ACL_SUCCESS);
	assert_int_equal(aclrtSetDevice(0), ACL_SUCCESS);
	void *dev = NULL, *host = NULL, *back = NULL;
	assert_int_equal(aclrtMalloc(&dev, 4096, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
	assert_int_equal(aclrtMallocHost(&host, 4096), ACL_SUCCESS);
	assert_int_equal(aclrtMallocHost(&back, 4096), ACL_SUCCESS);
	weir_store_relaxed(&g_kernels, 0);
	weir_store_relaxed(&g_hosts, 0);
	for (int it = 0; it < ITERS; it++) {
		aclrtStream s;
		assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
		memset(host, it & 0xFF, 4096);
		memset(back, ~it & 0xFF, 4096);
		/* the memory-copy sample: H2D then D2H, then force-destroy */
		assert_int_equal(
		        aclrtMemcpyAsync(dev, 4096, host, 4096, ACL_MEMCPY_HOST_TO_DEVICE, s),
		        ACL_SUCCESS);
		for (int k = 0; k < NK; k++)
			assert_int_equal(weir_launch((weir_stream_t *)s, k_count, NULL, 0,
			                             1 + (uint32_t)(k % 3), 0),
			                 WEIR_OK);
		assert_int_equal(aclrtLaunchHostFunc(s, h_count, &g_hosts), ACL_SUCCESS);
		assert_int_equal(
		        aclrtMemcpyAsync(back, 4096, dev, 4096, ACL_MEMCPY_DEVICE_TO_HOST, s),
		        ACL_SUCCESS);
		assert_int_equal(aclrtDestroyStreamForce(s), ACL_SUCCESS);
		aclrtStreamStatus st;
		assert_int_equal(aclrtStreamQuery(s, &st), ACL_ERROR_RT_INVALID_HANDLE);
		assert_int_equal(aclrtSynchronizeDeviceWithTimeout(30000), ACL_SUCCESS);
		uint64_t want = (uint64_t)(it + 1);
		uint64_t kr = weir_load_acquire(&g_kernels), hr = weir_load_acquire(&g_hosts);
		if (kr != want * NK || hr != want)
			fail_msg("iteration %d: %" PRIu64 " of %" PRIu64 " kernels and %" PRIu64
			         " of %" PRIu64 " host functions ran after aclrtDestroyStreamForce",
			         it, kr, want * NK, hr, want);
		if (((unsigned char *)back)[4095] != (unsigned char)(it & 0xFF))
			fail_msg("iteration %d: the D2H copy launched before "
			         "aclrtDestroyStreamForce "
			         "did not run",
			         it);
	}
	assert_int_equal(aclrtFree(dev), ACL_SUCCESS);
	assert_int_equal(aclrtFreeHost(host), ACL_SUCCESS);
	assert_int_equal(aclrtFreeHost(back), ACL_SUCCESS);
	assert_int_equal(aclrtResetDevice(0), ACL_SUCCESS);
	assert_int_equal(aclFinalize(), ACL_SUCCESS);
	wt_watchdog_stop(&wd);
}

/* ---- native ---- */

static void test_native_destroy_force_runs_launched(void **state)
{
	wt_fix_t *f = *state;
	wt_watchdog_start(&wd, 300);
	static _Atomic uint64_t ctr, hosts;
	weir_store_relaxed(&ctr, 0);
	weir_store_relaxed(&hosts, 0);
	for (int it = 0; it < ITERS; it++) {
		weir_stream_t *s = wt_stream(f, (uint32_t)it % WT_FIX_DEVICES);
		for (int k = 0; k < NK; k++)
			WT_OK(wt_launch_count(s, &ctr));
		WT_OK(weir_launch_host(s, h_count, &hosts));
		WT_OK(wt_launch_count(s, &ctr));
		WT_OK(weir_stream_destroy_force(s));
		WT_ASSERT_STATUS(weir_stream_query(s), WEIR_EHANDLE);
		WT_OK(weir_group_sync(f->g[(uint32_t)it % WT_FIX_DEVICES], 30 * WT_S));
		uint64_t want = (uint64_t)(it + 1);
		uint64_t kr = weir_load_acquire(&ctr), hr = weir_load_acquire(&hosts);
		if (kr != want * (NK + 1) || hr != want)
			fail_msg("iteration %d: %" PRIu64 " of %" PRIu64 " kernels and %" PRIu64
			         " of %" PRIu64
			         " host functions ran after weir_stream_destroy_force",
			         it, kr, want * (NK + 1), hr, want);
	}
	/* every force-destroyed stream is reclaimed: the groups' plain destroy
	 * (which waits for their streams to leave) returns */
	for (uint32_t d = 0; d < WT_FIX_DEVICES; d++) {
		WT_OK(weir_group_destroy(f->g[d]));
		f->g[d] = NULL;
	}
	wt_watchdog_stop(&wd);
}

/* A stream parked on an event (a gate) when force-destroyed. */
static void test_parked_released(void **state)
{
	wt_fix_t *f = *state;
	wt_watchdog_start(&wd, 60);
	static _Atomic uint64_t ctr;
	weir_store_relaxed(&ctr, 0);
	weir_stream_t *s = wt_stream(f, 0);
	wt_gate_t gt;
	wt_gate_block(f, &gt, 0, s);
	for (int k = 0; k < NK_GATED; k++)
		WT_OK(wt_launch_count(s, &ctr));
	WT_OK(weir_stream_destroy_force(s)); /* returns with the gate closed */
	assert_int_equal(weir_load_acquire(&ctr), 0);
	WT_ASSERT_STATUS(weir_group_sync(f->g[0], 0), WEIR_ETIMEDOUT); /* still pending */
	wt_gate_open(f, &gt);
	WT_OK(weir_group_sync(f->g[0], 30 * WT_S));
	assert_int_equal(weir_load_acquire(&ctr), NK_GATED);
	wt_gate_free(&gt);
	WT_OK(weir_group_destroy(f->g[0])); /* reclaimed: returns */
	f->g[0] = NULL;
	wt_watchdog_stop(&wd);
}

static void test_parked_device_reset(void **state)
{
	wt_fix_t *f = *state;
	wt_watchdog_start(&wd, 60);
	static _Atomic uint64_t ctr;
	weir_store_relaxed(&ctr, 0);
	for (uint32_t d = 0; d < WT_FIX_DEVICES; d++) {
		weir_stream_t *s = wt_stream(f, d);
		wt_gate_t gt;
		wt_gate_block(f, &gt, d, s);
		for (int k = 0; k < NK_GATED; k++)
			WT_OK(wt_launch_count(s, &ctr));
		WT_OK(weir_stream_destroy_force(s));
		if (d == 0) {
			/* device reset: discards what is left, reclaims the stream */
			WT_OK(weir_group_destroy_force(f->g[0]));
			f->g[0] = NULL;
			/* the gate opening later touches nothing */
			wt_gate_open(f, &gt);
			assert_int_equal(weir_load_acquire(&ctr), 0);
		}
		/* d == 1: left parked; runtime destroy (teardown) reclaims it */
		wt_gate_free(&gt);
	}
	wt_watchdog_stop(&wd);
}

static _Atomic uint64_t stop_ctr;

static void test_stopped_group(void **state)
{
	wt_fix_t *f = *state;
	wt_watchdog_start(&wd, 60);
	WT_OK(weir_group_set_failure_mode(f->g[1], WEIR_FAILURE_STOP));
	weir_stream_t *s = wt_stream(f, 1);
	WT_OK(wt_launch_fail(s, &stop_ctr, 42));
	WT_ASSERT_STATUS(weir_stream_sync(s, 30 * WT_S), 42);
	WT_ASSERT_STATUS(wt_launch_count(s, &stop_ctr), WEIR_ESTOPPED);
	WT_OK(weir_stream_destroy_force(s)); /* the reclaim task is never refused */
	WT_ASSERT_STATUS(weir_group_sync(f->g[1], 30 * WT_S), 42);
	WT_OK(weir_group_destroy(f->g[1]));
	f->g[1] = NULL;
	assert_int_equal(weir_load_acquire(&stop_ctr), 1);
	wt_watchdog_stop(&wd);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, wt_fix_setup, wt_fix_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_acl_destroy_force_runs_launched),
		T(test_native_destroy_force_runs_launched),
		T(test_parked_released),
		T(test_parked_device_reset),
		T(test_stopped_group),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
