/*
 * test_acl_runtime.c - the ACL facade's devices, contexts and streams:
 * every non-memory row of the bad-input table of shared/spec/acl-runtime.md
 * §12 that concerns them, per-thread contexts, failure modes (a failing task
 * is launched white-box with weir_launch on the stream behind the aclrtStream)
 * and synchronize time-outs. Worker threads only record; the test thread
 * asserts (tsan.md).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acl/acl.h"
#include "acl_compat/acl_internal.h"
#include "base/atomic.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------ */

/* A host function that holds its stream until the gate opens. */
static _Atomic int g_gate;
static void gate_fn(void *arg)
{
	(void)arg;
	while (!weir_load_acquire(&g_gate)) /* pairs with the release in gate_open() */
		usleep(200);
}
static void gate_close(void)
{
	weir_store_release(&g_gate, 0);
}
static void gate_open(void)
{
	weir_store_release(&g_gate, 1);
}

static int code_kernel(void *args, uint32_t block, uint32_t nblocks)
{
	int code;
	(void)block;
	(void)nblocks;
	memcpy(&code, args, sizeof code);
	return code;
}

static _Atomic int g_count;
static int count_kernel(void *args, uint32_t block, uint32_t nblocks)
{
	(void)args;
	(void)block;
	(void)nblocks;
	weir_faa_relaxed(&g_count, 1); /* read after a synchronize */
	return 0;
}

static void launch_code(aclrtStream s, int code)
{
	assert_int_equal(weir_launch((weir_stream_t *)s, code_kernel, &code, sizeof code, 1, 0),
	                 WEIR_OK);
}

static int setup(void **state)
{
	(void)state;
	setenv("WEIR_NO_PIN", "1", 0);
	setenv("WEIR_DEVICES", "4", 0);
	setenv("WEIR_WORKERS", "1", 0);
	return aclInit(NULL) == ACL_SUCCESS ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return aclFinalize() == ACL_SUCCESS ? 0 : -1;
}

/* ------------------------------------------------------------------------ */
/* Devices                                                                   */
/* ------------------------------------------------------------------------ */

static void test_device_bad_input(void **state)
{
	(void)state;
	uint32_t n = 0;
	int32_t dev;
	assert_int_equal(aclrtGetDeviceCount(&n), ACL_SUCCESS);
	assert_int_equal(n, 4);
	assert_int_equal(aclrtGetDeviceCount(NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtGetDevice(NULL), ACL_ERROR_INVALID_PARAM);
	/* device id out of range: SetDevice, ResetDevice, CreateContext */
	assert_int_equal(aclrtSetDevice(-1), ACL_ERROR_RT_INVALID_DEVICEID);
	assert_int_equal(aclrtSetDevice((int32_t)n), ACL_ERROR_RT_INVALID_DEVICEID);
	assert_int_equal(aclrtResetDevice(99), ACL_ERROR_RT_INVALID_DEVICEID);
	assert_int_equal(aclrtResetDeviceForce(-5), ACL_ERROR_RT_INVALID_DEVICEID);
	aclrtContext c;
	assert_int_equal(aclrtCreateContext(&c, 4), ACL_ERROR_RT_INVALID_DEVICEID);
	assert_int_equal(aclrtCreateContext(NULL, 0), ACL_ERROR_INVALID_PARAM);
	/* ResetDevice on an unset device, and after the last reset */
	assert_int_equal(aclrtResetDevice(3), ACL_ERROR_RT_CONTEXT_RELEASE_ERROR);
	assert_int_equal(aclrtSetDevice(3), ACL_SUCCESS);
	assert_int_equal(aclrtSetDevice(3), ACL_SUCCESS);
	assert_int_equal(aclrtGetDevice(&dev), ACL_SUCCESS);
	assert_int_equal(dev, 3);
	assert_int_equal(aclrtResetDevice(3), ACL_SUCCESS);
	assert_int_equal(aclrtGetDevice(&dev), ACL_SUCCESS); /* one reference left */
	assert_int_equal(aclrtResetDevice(3), ACL_SUCCESS);
	assert_int_equal(aclrtResetDevice(3), ACL_ERROR_RT_CONTEXT_RELEASE_ERROR);
	assert_int_equal(aclrtGetDevice(&dev), ACL_ERROR_RT_CONTEXT_NULL);
	/* Force: one call regardless of the count, then 507007 */
	for (int i = 0; i < 3; i++)
		assert_int_equal(aclrtSetDevice(2), ACL_SUCCESS);
	assert_int_equal(aclrtResetDeviceForce(2), ACL_SUCCESS);
	assert_int_equal(aclrtResetDeviceForce(2), ACL_ERROR_RT_CONTEXT_RELEASE_ERROR);
	assert_int_equal(aclrtResetDevice(2), ACL_ERROR_RT_CONTEXT_RELEASE_ERROR);
	/* timeouts: 0 and < -1 are 107000 */
	assert_int_equal(aclrtSetDevice(0), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeDeviceWithTimeout(0), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtSynchronizeDeviceWithTimeout(-2), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtSynchronizeDeviceWithTimeout(-1), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeDeviceWithTimeout(1000), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeDevice(), ACL_SUCCESS);
	assert_int_equal(aclrtResetDevice(0), ACL_SUCCESS);
}

/* A new thread has no context: 107002 everywhere one is needed. */
struct noctx_result {
	aclError rc[8];
};
static void *noctx_thread(void *arg)
{
	struct noctx_result *r = arg;
	aclrtContext c;
	aclrtStream s;
	aclrtEvent e;
	int32_t dev;
	r->rc[0] = aclrtGetCurrentContext(&c);
	r->rc[1] = aclrtGetDevice(&dev);
	r->rc[2] = aclrtCreateStream(&s);
	r->rc[3] = aclrtCreateEvent(&e);
	r->rc[4] = aclrtSynchronizeDevice();
	r->rc[5] = aclrtSynchronizeStream(NULL);
	r->rc[6] = aclrtLaunchHostFunc(NULL, gate_fn, NULL);
	r->rc[7] = aclrtCtxGetCurrentDefaultStream(&s);
	return NULL;
}

static void test_no_context_in_new_thread(void **state)
{
	(void)state;
	struct noctx_result r;
	pthread_t t;
	assert_int_equal(aclrtSetDevice(0), ACL_SUCCESS); /* the main thread's does not leak */
	assert_int_equal(pthread_create(&t, NULL, noctx_thread, &r), 0);
	pthread_join(t, NULL);
	for (int i = 0; i < 8; i++)
		assert_int_equal(r.rc[i], ACL_ERROR_RT_CONTEXT_NULL);
	assert_int_equal(aclrtResetDevice(0), ACL_SUCCESS);
}

/* ------------------------------------------------------------------------ */
/* Contexts                                                                  */
/* ------------------------------------------------------------------------ */

struct ctx_thread_arg {
	aclrtContext ctx;
	int32_t dev;
	aclError rc_set, rc_dev, rc_stream, rc_sync;
};
static void *ctx_thread(void *arg)
{
	struct ctx_thread_arg *a = arg;
	aclrtStream s;
	a->rc_set = aclrtSetCurrentContext(a->ctx);
	a->rc_dev = aclrtGetDevice(&a->dev);
	a->rc_stream = aclrtCreateStream(&s);
	if (a->rc_stream == ACL_SUCCESS) {
		(void)aclrtLaunchHostFunc(s, gate_fn, NULL);
		a->rc_sync = aclrtSynchronizeStream(s);
		(void)aclrtDestroyStream(s);
	}
	return NULL;
}

static void test_contexts(void **state)
{
	(void)state;
	aclrtContext dflt, c1, cur;
	aclrtStream ds, s;
	gate_open();
	assert_int_equal(aclrtSetCurrentContext(NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtGetCurrentContext(NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtDestroyContext(NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtCtxGetCurrentDefaultStream(NULL), ACL_ERROR_INVALID_PARAM);

	assert_int_equal(aclrtSetDevice(1), ACL_SUCCESS);
	assert_int_equal(aclrtGetCurrentContext(&dflt), ACL_SUCCESS);
	/* destroying the default context: 107002 */
	assert_int_equal(aclrtDestroyContext(dflt), ACL_ERROR_RT_CONTEXT_NULL);
	assert_int_equal(aclrtCtxGetCurrentDefaultStream(&ds), ACL_SUCCESS);
	assert_non_null(ds);

	/* create makes it current, on its device */
	assert_int_equal(aclrtCreateContext(&c1, 2), ACL_SUCCESS);
	assert_int_equal(aclrtGetCurrentContext(&cur), ACL_SUCCESS);
	assert_ptr_equal(cur, c1);
	int32_t dev;
	assert_int_equal(aclrtGetDevice(&dev), ACL_SUCCESS);
	assert_int_equal(dev, 2);
	aclrtStream cds;
	assert_int_equal(aclrtCtxGetCurrentDefaultStream(&cds), ACL_SUCCESS);
	assert_ptr_not_equal(cds, ds);

	/* another thread adopts it */
	struct ctx_thread_arg a = { .ctx = c1 };
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, ctx_thread, &a), 0);
	pthread_join(t, NULL);
	assert_int_equal(a.rc_set, ACL_SUCCESS);
	assert_int_equal(a.rc_dev, ACL_SUCCESS);
	assert_int_equal(a.dev, 2);
	assert_int_equal(a.rc_stream, ACL_SUCCESS);
	assert_int_equal(a.rc_sync, ACL_SUCCESS);

	/* a stream of c1 used from the default context: 107003 */
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtSetCurrentContext(dflt), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s), ACL_ERROR_RT_STREAM_CONTEXT);
	assert_int_equal(aclrtLaunchHostFunc(s, gate_fn, NULL), ACL_ERROR_RT_STREAM_CONTEXT);
	assert_int_equal(aclrtSetStreamFailureMode(s, ACL_STOP_ON_FAILURE),
	                 ACL_ERROR_RT_STREAM_CONTEXT);
	assert_int_equal(aclrtStreamAbort(s), ACL_ERROR_RT_STREAM_CONTEXT);
	/* ...but synchronize and query are tolerant */
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	aclrtStreamStatus st;
	assert_int_equal(aclrtStreamQuery(s, &st), ACL_SUCCESS);
	assert_int_equal(st, ACL_STREAM_STATUS_COMPLETE);

	/* destroying the current explicit context falls back to the default
	 * context of the device last set */
	assert_int_equal(aclrtSetCurrentContext(c1), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyContext(c1), ACL_SUCCESS); /* its streams go too */
	assert_int_equal(aclrtGetCurrentContext(&cur), ACL_SUCCESS);
	assert_ptr_equal(cur, dflt);
	/* destroyed or garbage contexts: 107000, never a crash */
	int garbage;
	assert_int_equal(aclrtSetCurrentContext(c1), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtSetCurrentContext(&garbage), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtDestroyContext(c1), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtDestroyStream(s), ACL_ERROR_RT_INVALID_HANDLE);

	/* a thread whose context is destroyed elsewhere sees 107002 */
	assert_int_equal(aclrtCreateContext(&c1, 0), ACL_SUCCESS);
	assert_int_equal(aclrtSetCurrentContext(dflt), ACL_SUCCESS);
	assert_int_equal(aclrtResetDevice(1), ACL_SUCCESS); /* the default context goes */
	assert_int_equal(aclrtGetCurrentContext(&cur), ACL_ERROR_RT_CONTEXT_NULL);
	assert_int_equal(aclrtSetCurrentContext(dflt), ACL_ERROR_RT_PARAM_INVALID);
	/* never having called SetDevice on the thread, destroying the current
	 * explicit context leaves no context */
	assert_int_equal(aclrtSetCurrentContext(c1), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyContext(c1), ACL_SUCCESS);
	assert_int_equal(aclrtGetCurrentContext(&cur), ACL_ERROR_RT_CONTEXT_NULL);
}

/* ------------------------------------------------------------------------ */
/* Streams                                                                   */
/* ------------------------------------------------------------------------ */

static void test_stream_bad_input(void **state)
{
	(void)state;
	aclrtStream s, s2;
	int garbage[16] = { 0 };
	assert_int_equal(aclrtSetDevice(0), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtCreateStreamWithConfig(NULL, 0, 0), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtDestroyStream(NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtDestroyStreamForce(NULL), ACL_ERROR_INVALID_PARAM);
	aclrtStream ds;
	assert_int_equal(aclrtCtxGetCurrentDefaultStream(&ds), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(ds), ACL_ERROR_INVALID_PARAM);

	/* priority clamped, unknown flag bits dropped, FAST_* accepted */
	assert_int_equal(aclrtCreateStreamWithConfig(&s, 99,
	                                             0x80000000u | ACL_STREAM_FAST_LAUNCH |
	                                                     ACL_STREAM_FAST_SYNC),
	                 ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&s2), ACL_SUCCESS);
	aclrtStreamStatus st = ACL_STREAM_STATUS_RESERVED;
	assert_int_equal(aclrtStreamQuery(s, NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtStreamQuery(s, &st), ACL_SUCCESS);
	assert_int_equal(st, ACL_STREAM_STATUS_COMPLETE);
	assert_int_equal(aclrtSynchronizeStreamWithTimeout(s, 0), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtSynchronizeStreamWithTimeout(s, -7), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtSynchronizeStreamWithTimeout(s, -1), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStreamWithTimeout(NULL, 50), ACL_SUCCESS);

	/* destroyed and garbage handles: 107017 */
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtDestroyStreamForce(s), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtStreamQuery(s, &st), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtLaunchHostFunc(s, gate_fn, NULL), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtSynchronizeStream(garbage), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtDestroyStream(garbage), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtDestroyStream((aclrtStream)(uintptr_t)0x10),
	                 ACL_ERROR_RT_INVALID_HANDLE);
	aclrtEvent e;
	assert_int_equal(aclrtCreateEvent(&e), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(e), ACL_ERROR_RT_INVALID_HANDLE); /* wrong type */
	assert_int_equal(aclrtDestroyEvent(e), ACL_SUCCESS);

	/* failure-mode attribute and priority range */
	aclrtStreamAttrValue v;
	assert_int_equal(aclrtGetStreamAttribute(s2, ACL_STREAM_ATTR_FAILURE_MODE, &v),
	                 ACL_SUCCESS);
	assert_int_equal(v.failureMode, ACL_CONTINUE_ON_FAILURE);
	assert_int_equal(aclrtGetStreamAttribute(s2, ACL_STREAM_ATTR_FAILURE_MODE, NULL),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtSetStreamAttribute(s2, (aclrtStreamAttr)0, &v),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtSetStreamAttribute(s2, (aclrtStreamAttr)6, &v),
	                 ACL_ERROR_INVALID_PARAM);
	/* the other attributes: set, read back, independent of each other */
	aclrtStreamAttrValue w = { 0 };
	w.priority = 5;
	assert_int_equal(aclrtSetStreamAttribute(s2, ACL_STREAM_ATTR_PRIORITY, &w), ACL_SUCCESS);
	w.userCustomTag = 0xC0FFEEu;
	assert_int_equal(aclrtSetStreamAttribute(s2, ACL_STREAM_ATTR_USER_CUSTOM_TAG, &w),
	                 ACL_SUCCESS);
	w.overflowSwitch = 1;
	assert_int_equal(aclrtSetStreamAttribute(s2, ACL_STREAM_ATTR_FLOAT_OVERFLOW_CHECK, &w),
	                 ACL_SUCCESS);
	w.cacheOpInfoSwitch = 2; /* only 0 and 1 */
	assert_int_equal(aclrtSetStreamAttribute(s2, ACL_STREAM_ATTR_CACHE_OP_INFO, &w),
	                 ACL_ERROR_INVALID_PARAM);
	memset(&w, 0xFF, sizeof w);
	assert_int_equal(aclrtGetStreamAttribute(s2, ACL_STREAM_ATTR_PRIORITY, &w), ACL_SUCCESS);
	assert_int_equal(w.priority, 5);
	assert_int_equal(aclrtGetStreamAttribute(s2, ACL_STREAM_ATTR_USER_CUSTOM_TAG, &w),
	                 ACL_SUCCESS);
	assert_int_equal(w.userCustomTag, 0xC0FFEEu);
	assert_int_equal(aclrtGetStreamAttribute(s2, ACL_STREAM_ATTR_FLOAT_OVERFLOW_CHECK, &w),
	                 ACL_SUCCESS);
	assert_int_equal(w.overflowSwitch, 1);
	assert_int_equal(aclrtGetStreamAttribute(s2, ACL_STREAM_ATTR_CACHE_OP_INFO, &w),
	                 ACL_SUCCESS);
	assert_int_equal(w.cacheOpInfoSwitch, 0);
	w.priority = 1000; /* clamped to the lowest, as at create */
	assert_int_equal(aclrtSetStreamAttribute(s2, ACL_STREAM_ATTR_PRIORITY, &w), ACL_SUCCESS);
	assert_int_equal(aclrtGetStreamAttribute(s2, ACL_STREAM_ATTR_PRIORITY, &w), ACL_SUCCESS);
	assert_int_equal(w.priority, 7);
	assert_int_equal(aclrtSetStreamAttribute(garbage, ACL_STREAM_ATTR_PRIORITY, &w),
	                 ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtGetStreamAttribute(garbage, ACL_STREAM_ATTR_USER_CUSTOM_TAG, &w),
	                 ACL_ERROR_RT_INVALID_HANDLE);
	int32_t lo, hi;
	assert_int_equal(aclrtDeviceGetStreamPriorityRange(&lo, &hi), ACL_SUCCESS);
	assert_int_equal(lo, 7);
	assert_int_equal(hi, 0);
	assert_int_equal(aclrtDeviceGetStreamPriorityRange(NULL, &hi), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtDestroyStreamForce(s2), ACL_SUCCESS);
	assert_int_equal(aclrtResetDevice(0), ACL_SUCCESS);
}

static void test_sync_timeouts(void **state)
{
	(void)state;
	aclrtStream s;
	aclrtEvent e;
	aclrtStreamStatus st;
	assert_int_equal(aclrtSetDevice(1), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtCreateEvent(&e), ACL_SUCCESS);
	gate_close();
	assert_int_equal(aclrtLaunchHostFunc(s, gate_fn, NULL), ACL_SUCCESS);
	assert_int_equal(aclrtRecordEvent(e, s), ACL_SUCCESS);
	/* the gate is closed until we open it: every bounded wait expires */
	assert_int_equal(aclrtSynchronizeStreamWithTimeout(s, 5), ACL_ERROR_RT_STREAM_SYNC_TIMEOUT);
	assert_int_equal(aclrtPeekAtLastError(ACL_RT_THREAD_LEVEL),
	                 ACL_ERROR_RT_STREAM_SYNC_TIMEOUT);
	assert_int_equal(aclrtSynchronizeDeviceWithTimeout(5), ACL_ERROR_RT_STREAM_SYNC_TIMEOUT);
	assert_int_equal(aclrtSynchronizeEventWithTimeout(e, 5), ACL_ERROR_RT_EVENT_SYNC_TIMEOUT);
	assert_int_equal(aclrtStreamQuery(s, &st), ACL_SUCCESS);
	assert_int_equal(st, ACL_STREAM_STATUS_NOT_READY);
	aclrtEventRecordedStatus es;
	assert_int_equal(aclrtQueryEventStatus(e, &es), ACL_SUCCESS);
	assert_int_equal(es, ACL_EVENT_RECORDED_STATUS_NOT_READY);
	const char *m = aclGetRecentErrMsg();
	assert_non_null(m);
	assert_non_null(strstr(m, "aclrtSynchronizeEventWithTimeout"));
	gate_open();
	/* the work was not cancelled */
	assert_int_equal(aclrtSynchronizeEventWithTimeout(e, -1), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStreamWithTimeout(s, -1), ACL_SUCCESS);
	assert_int_equal(aclrtQueryEventStatus(e, &es), ACL_SUCCESS);
	assert_int_equal(es, ACL_EVENT_RECORDED_STATUS_COMPLETE);
	assert_int_equal(aclrtDestroyEvent(e), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtResetDevice(1), ACL_SUCCESS);
	(void)aclrtGetLastError(ACL_RT_THREAD_LEVEL);
}

/* ------------------------------------------------------------------------ */
/* Failure modes                                                             */
/* ------------------------------------------------------------------------ */

static void test_failure_continue(void **state)
{
	(void)state;
	aclrtContext c;
	aclrtStream s;
	assert_int_equal(aclrtCreateContext(&c, 0), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	weir_store_relaxed(&g_count, 0);
	launch_code(s, ACL_ERROR_RT_VECTOR_CORE_EXCEPTION); /* an ACL code travels verbatim */
	assert_int_equal(weir_launch((weir_stream_t *)s, count_kernel, NULL, 0, 1, 0), WEIR_OK);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_ERROR_RT_VECTOR_CORE_EXCEPTION);
	assert_int_equal(aclrtGetLastError(ACL_RT_THREAD_LEVEL),
	                 ACL_ERROR_RT_VECTOR_CORE_EXCEPTION);
	assert_int_equal(weir_load_relaxed(&g_count), 1);         /* later work still ran */
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS); /* reported once */
	launch_code(s, 7);                                        /* a non-ACL code */
	assert_int_equal(aclrtSynchronizeStream(s), ACL_ERROR_RT_AICORE_EXCEPTION);
	/* submissions are still accepted */
	gate_open();
	assert_int_equal(aclrtLaunchHostFunc(s, gate_fn, NULL), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	/* setting CONTINUE again is a no-op */
	assert_int_equal(aclrtSetStreamFailureMode(s, ACL_CONTINUE_ON_FAILURE), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyContext(c), ACL_SUCCESS);
}

static void test_failure_stop(void **state)
{
	(void)state;
	aclrtContext c;
	aclrtStream a, b;
	assert_int_equal(aclrtCreateContext(&c, 3), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&a), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&b), ACL_SUCCESS);
	assert_int_equal(aclrtSetStreamFailureMode(a, ACL_STOP_ON_FAILURE), ACL_SUCCESS);
	aclrtStreamAttrValue v;
	assert_int_equal(aclrtGetStreamAttribute(b, ACL_STREAM_ATTR_FAILURE_MODE, &v), ACL_SUCCESS);
	assert_int_equal(v.failureMode, ACL_STOP_ON_FAILURE); /* the whole context */
	/* STOP -> CONTINUE: 207000, through both calls */
	assert_int_equal(aclrtSetStreamFailureMode(b, ACL_CONTINUE_ON_FAILURE),
	                 ACL_ERROR_RT_FEATURE_NOT_SUPPORT);
	v.failureMode = ACL_CONTINUE_ON_FAILURE;
	assert_int_equal(aclrtSetStreamAttribute(a, ACL_STREAM_ATTR_FAILURE_MODE, &v),
	                 ACL_ERROR_RT_FEATURE_NOT_SUPPORT);
	assert_int_equal(aclrtSetStreamFailureMode(a, ACL_STOP_ON_FAILURE), ACL_SUCCESS);

	weir_store_relaxed(&g_count, 0);
	launch_code(a, 5);
	assert_int_equal(aclrtSynchronizeStream(a), ACL_ERROR_RT_AICORE_EXCEPTION);
	/* sticky: syncs keep returning it, the other stream of the context too */
	assert_int_equal(aclrtSynchronizeStream(a), ACL_ERROR_RT_AICORE_EXCEPTION);
	assert_int_equal(aclrtSynchronizeStream(b), ACL_ERROR_RT_AICORE_EXCEPTION);
	assert_int_equal(aclrtSynchronizeDevice(), ACL_ERROR_RT_AICORE_EXCEPTION);
	/* new submissions are refused with the sticky error */
	assert_int_equal(aclrtLaunchHostFunc(b, gate_fn, NULL), ACL_ERROR_RT_AICORE_EXCEPTION);
	assert_int_equal(weir_launch((weir_stream_t *)b, count_kernel, NULL, 0, 1, 0),
	                 WEIR_ESTOPPED);
	assert_int_equal(weir_load_relaxed(&g_count), 0);
	assert_int_equal(aclrtDestroyContext(c), ACL_SUCCESS);
}

/* ------------------------------------------------------------------------ */
/* Abort and force-destroy                                                   */
/* ------------------------------------------------------------------------ */

static void test_abort_and_destroy_force(void **state)
{
	(void)state;
	aclrtStream s;
	assert_int_equal(aclrtSetDevice(2), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	weir_store_relaxed(&g_count, 0);
	gate_close();
	assert_int_equal(aclrtLaunchHostFunc(s, gate_fn, NULL), ACL_SUCCESS);
	for (int i = 0; i < 10; i++)
		assert_int_equal(weir_launch((weir_stream_t *)s, count_kernel, NULL, 0, 1, 0),
		                 WEIR_OK);
	assert_int_equal(aclrtStreamAbort(s), ACL_SUCCESS);
	gate_open();
	assert_int_equal(aclrtSynchronizeStream(s), ACL_ERROR_RT_STREAM_ABORT);
	assert_int_equal(weir_load_relaxed(&g_count), 0); /* queued kernels were dropped */
	/* the stream stays usable */
	assert_int_equal(weir_launch((weir_stream_t *)s, count_kernel, NULL, 0, 1, 0), WEIR_OK);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	assert_int_equal(weir_load_relaxed(&g_count), 1);

	gate_close();
	assert_int_equal(aclrtLaunchHostFunc(s, gate_fn, NULL), ACL_SUCCESS);
	for (int i = 0; i < 10; i++)
		assert_int_equal(weir_launch((weir_stream_t *)s, count_kernel, NULL, 0, 1, 0),
		                 WEIR_OK);
	gate_open();
	assert_int_equal(aclrtDestroyStreamForce(s), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtResetDevice(2), ACL_SUCCESS);
}

/* Many threads set devices and create streams concurrently. */
static void *device_churn(void *arg)
{
	intptr_t id = (intptr_t)arg;
	intptr_t bad = 0;
	for (int i = 0; i < 20; i++) {
		aclrtStream s;
		int32_t dev = (int32_t)((id + i) % 4), got = -1;
		if (aclrtSetDevice(dev) != ACL_SUCCESS || aclrtGetDevice(&got) != ACL_SUCCESS ||
		    got != dev)
			bad++;
		else if (aclrtCreateStream(&s) != ACL_SUCCESS)
			bad++;
		else {
			if (aclrtLaunchHostFunc(s, gate_fn, NULL) != ACL_SUCCESS ||
			    aclrtSynchronizeStream(s) != ACL_SUCCESS ||
			    aclrtDestroyStream(s) != ACL_SUCCESS)
				bad++;
		}
		if (aclrtResetDevice(dev) != ACL_SUCCESS)
			bad++;
	}
	return (void *)bad;
}

static void test_threads_set_devices(void **state)
{
	(void)state;
	pthread_t t[8];
	gate_open();
	for (intptr_t i = 0; i < 8; i++)
		assert_int_equal(pthread_create(&t[i], NULL, device_churn, (void *)i), 0);
	for (int i = 0; i < 8; i++) {
		void *r;
		pthread_join(t[i], &r);
		assert_int_equal((intptr_t)r, 0);
	}
	for (int d = 0; d < 4; d++)
		assert_int_equal(aclrtResetDevice(d), ACL_ERROR_RT_CONTEXT_RELEASE_ERROR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_device_bad_input),
		cmocka_unit_test(test_no_context_in_new_thread),
		cmocka_unit_test(test_contexts),
		cmocka_unit_test(test_stream_bad_input),
		cmocka_unit_test(test_sync_timeouts),
		cmocka_unit_test(test_failure_continue),
		cmocka_unit_test(test_failure_stop),
		cmocka_unit_test(test_abort_and_destroy_force),
		cmocka_unit_test(test_threads_set_devices),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
