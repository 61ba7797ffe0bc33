/*
 * test_acl_task_codes.c - a kernel's failure code through the ACL facade is
 * never a condition of the runtime (docs/acl.md, "Failures"): a code >= 100000
 * comes back verbatim, every other one (negative codes included: -5 is
 * WEIR_ETIMEDOUT natively, -3 WEIR_EHANDLE, -26 WEIR_EFINALIZED) as 507015.
 * Checked for every negative WEIR_E* value and some other values through
 * aclrtSynchronizeStream[WithTimeout], aclrtSynchronizeDevice[WithTimeout],
 * aclrtFreeWithDevSync and, for the event recorded after
 * the failing kernel, aclrtSynchronizeEvent[WithTimeout] (which succeed), in
 * CONTINUE and STOP mode; and a memory task failing at run time (debug mode,
 * WEIR_EFREED) takes the same path. Kernels are launched white-box with
 * weir_launch on the stream behind the aclrtStream.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acl/acl.h"
#include "acl_compat/acl_internal.h"
#include "base/atomic.h"
#include "weir/mem.h"

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
	ACL_ERROR_RT_STREAM_SYNC_TIMEOUT,
	ACL_ERROR_RT_VECTOR_CORE_EXCEPTION,
};
#define NCODES (sizeof codes / sizeof codes[0])

static aclError want_acl(int code)
{
	return code >= 100000 ? (aclError)code : ACL_ERROR_RT_AICORE_EXCEPTION;
}

static int code_kernel(void *args, uint32_t block, uint32_t nblocks)
{
	int code;
	(void)block;
	(void)nblocks;
	memcpy(&code, args, sizeof code);
	return code;
}

static void launch_code(aclrtStream s, int code)
{
	assert_int_equal(weir_launch((weir_stream_t *)s, code_kernel, &code, sizeof code, 1, 0),
	                 WEIR_OK);
}

#define EXPECT_ACL(call_, code_)                                                              \
	do {                                                                                  \
		aclError g_ = (call_), w_ = want_acl(code_);                                  \
		if (g_ != w_)                                                                 \
			fail_msg("%s: kernel code %d: got %d, want %d", #call_, (int)(code_), \
			         (int)g_, (int)w_);                                           \
	} while (0)

static int setup(void **state)
{
	(void)state;
	setenv("WEIR_NO_PIN", "1", 0);
	setenv("WEIR_DEVICES", "2", 0);
	setenv("WEIR_WORKERS", "1", 0);
	setenv("WEIR_MEM_DEBUG", "1", 1); /* copy tasks re-check their memory */
	return aclInit(NULL) == ACL_SUCCESS ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return aclFinalize() == ACL_SUCCESS ? 0 : -1;
}

static void test_continue(void **state)
{
	(void)state;
	aclrtContext c;
	aclrtStream s;
	aclrtEvent e;
	assert_int_equal(aclrtCreateContext(&c, 0), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtCreateEvent(&e), ACL_SUCCESS);
	for (size_t i = 0; i < NCODES; i++) {
		int code = codes[i];
		if (code == 0) /* WEIR_OK, from the list */
			continue;
		char want_msg[64];
		snprintf(want_msg, sizeof want_msg, "returned %d", code);
		launch_code(s, code);
		assert_int_equal(aclrtRecordEvent(e, s), ACL_SUCCESS);
		/* the event after the failing kernel completes: not a time-out */
		assert_int_equal(aclrtSynchronizeEvent(e), ACL_SUCCESS);
		assert_int_equal(aclrtSynchronizeEventWithTimeout(e, 10000), ACL_SUCCESS);
		(void)aclGetRecentErrMsg(); /* drain */
		EXPECT_ACL(aclrtSynchronizeStream(s), code);
		EXPECT_ACL(aclrtGetLastError(ACL_RT_THREAD_LEVEL), code);
		const char *msg = aclGetRecentErrMsg();
		assert_non_null(msg);
		if (!strstr(msg, want_msg))
			fail_msg("message '%s' does not name the kernel's code %d", msg, code);
		assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS); /* reported once */

		launch_code(s, code);
		EXPECT_ACL(aclrtSynchronizeStreamWithTimeout(s, 10000), code);
		launch_code(s, code);
		EXPECT_ACL(aclrtSynchronizeStreamWithTimeout(s, -1), code);
		launch_code(s, code);
		EXPECT_ACL(aclrtSynchronizeDevice(), code);
		launch_code(s, code);
		EXPECT_ACL(aclrtSynchronizeDeviceWithTimeout(10000), code);
		/* aclrtFreeWithDevSync synchronizes the device first and reports
		 * its failure */
		void *d = NULL;
		assert_int_equal(aclrtMalloc(&d, 256, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
		launch_code(s, code);
		EXPECT_ACL(aclrtFreeWithDevSync(d), code);
		assert_int_equal(aclrtSynchronizeDevice(), ACL_SUCCESS);
	}
	assert_int_equal(aclrtDestroyEvent(e), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyContext(c), ACL_SUCCESS);
}

static void host_nop(void *arg)
{
	(void)arg;
}

static void test_stop(void **state)
{
	(void)state;
	for (size_t i = 0; i < NCODES; i++) {
		int code = codes[i];
		if (code == 0) /* WEIR_OK, from the list */
			continue;
		aclrtContext c;
		aclrtStream a, b;
		aclrtEvent e;
		assert_int_equal(aclrtCreateContext(&c, 1), ACL_SUCCESS);
		assert_int_equal(aclrtCreateStream(&a), ACL_SUCCESS);
		assert_int_equal(aclrtCreateStream(&b), ACL_SUCCESS);
		assert_int_equal(aclrtCreateEvent(&e), ACL_SUCCESS);
		assert_int_equal(aclrtSetStreamFailureMode(a, ACL_STOP_ON_FAILURE), ACL_SUCCESS);
		launch_code(a, code);
		aclError rc = aclrtRecordEvent(e, a);
		if (rc != ACL_SUCCESS) /* refused after the stop: the sticky code */
			EXPECT_ACL(rc, code);
		assert_int_equal(aclrtSynchronizeEvent(e), ACL_SUCCESS);
		EXPECT_ACL(aclrtSynchronizeStream(a), code);
		EXPECT_ACL(aclrtSynchronizeStream(a), code); /* sticky */
		EXPECT_ACL(aclrtSynchronizeStreamWithTimeout(b, 10000), code);
		EXPECT_ACL(aclrtSynchronizeDevice(), code);
		EXPECT_ACL(aclrtSynchronizeDeviceWithTimeout(10000), code);
		/* a refused submission reports the sticky code too */
		EXPECT_ACL(aclrtLaunchHostFunc(b, host_nop, NULL), code);
		assert_int_equal(aclrtDestroyEvent(e), ACL_SUCCESS);
		assert_int_equal(aclrtDestroyContext(c), ACL_SUCCESS);
	}
}

/* A memory task that fails when it runs (debug mode: its destination was
 * freed while it waited) is a task failure like a kernel's: 507015, not the
 * free-path code of WEIR_EFREED. */
static _Atomic int g_gate;
static void gate_fn(void *arg)
{
	(void)arg;
	while (!weir_load_acquire(&g_gate)) /* pairs with the release below */
		usleep(200);
}

static void test_mem_task_failure(void **state)
{
	(void)state;
	aclrtContext c;
	aclrtStream s;
	void *d = NULL, *h = NULL;
	assert_int_equal(aclrtCreateContext(&c, 0), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtMalloc(&d, 4096, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
	assert_int_equal(aclrtMallocHost(&h, 4096), ACL_SUCCESS);
	memset(h, 7, 4096);
	weir_store_release(&g_gate, 0);
	assert_int_equal(aclrtLaunchHostFunc(s, gate_fn, NULL), ACL_SUCCESS);
	assert_int_equal(aclrtMemcpyAsync(d, 4096, h, 4096, ACL_MEMCPY_HOST_TO_DEVICE, s),
	                 ACL_SUCCESS);
	/* free under the queued copy (white-box: aclrtFree would wait for it) */
	assert_int_equal(weir_mem_free(weir__acl_mem(), d), WEIR_OK);
	weir_store_release(&g_gate, 1);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_ERROR_RT_AICORE_EXCEPTION);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtFreeHost(h), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyContext(c), ACL_SUCCESS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_continue),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_mem_task_failure),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
