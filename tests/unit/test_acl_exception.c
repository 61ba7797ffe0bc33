/*
 * test_acl_exception.c - the ACL facade's errors and exceptions (exception
 * callbacks and their accessors, last task id, error verbose), stream extras
 * (ids, flags, priorities, config handles, V2, stop, state callbacks) and
 * host-function subscription, bad-input rows included. Failing tasks are
 * launched white-box with weir_launch on the stream behind the aclrtStream.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "acl/acl.h"
#include "acl_compat/acl_internal.h"
#include "base/atomic.h"

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

static int setup(void **state)
{
	(void)state;
	setenv("WEIR_NO_PIN", "1", 0);
	setenv("WEIR_DEVICES", "2", 0);
	setenv("WEIR_WORKERS", "1", 0);
	if (aclInit(NULL) != ACL_SUCCESS || aclrtSetDevice(0) != ACL_SUCCESS)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return aclFinalize() == ACL_SUCCESS ? 0 : -1;
}

/* ---- exceptions ---- */

/* Written by the callback (callback thread), read after the synchronize
 * that reports the failure, which returns after the callback (weir/sched.h
 * weir_runtime_set_fault_hook). */
static _Atomic int g_calls;
static uint32_t g_task, g_stream, g_thread, g_device, g_code;
static aclError g_args_rc, g_func_rc;
static void *g_func;

static void exc_cb(aclrtExceptionInfo *info)
{
	g_task = aclrtGetTaskIdFromExceptionInfo(info);
	g_stream = aclrtGetStreamIdFromExceptionInfo(info);
	g_thread = aclrtGetThreadIdFromExceptionInfo(info);
	g_device = aclrtGetDeviceIdFromExceptionInfo(info);
	g_code = aclrtGetErrorCodeFromExceptionInfo(info);
	void *a = (void *)1;
	uint32_t n = 7;
	g_args_rc = aclrtGetArgsFromExceptionInfo(info, &a, &n);
	g_func = (void *)1;
	g_func_rc = aclrtGetFuncHandleFromExceptionInfo(info, &g_func);
	weir_faa_release(&g_calls, 1);
}

static _Atomic int g_calls2;
static void exc_cb2(aclrtExceptionInfo *info)
{
	(void)info;
	weir_faa_release(&g_calls2, 1);
}

static void test_exception_callback(void **state)
{
	(void)state;
	aclrtStream s;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtSetExceptionInfoCallback(exc_cb), ACL_SUCCESS);
	launch_code(s, 0);
	launch_code(s, ACL_ERROR_RT_VECTOR_CORE_EXCEPTION);
	uint32_t last = 0;
	assert_int_equal(aclrtGetThreadLastTaskId(&last), ACL_SUCCESS);
	assert_int_equal(last, 2);
	assert_int_equal(aclrtGetThreadLastTaskId(NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_ERROR_RT_VECTOR_CORE_EXCEPTION);
	assert_int_equal(weir_load_acquire(&g_calls), 1);
	int32_t sid = -1;
	assert_int_equal(aclrtStreamGetId(s, &sid), ACL_SUCCESS);
	assert_int_equal(g_task, last);
	assert_int_equal(g_stream, (uint32_t)sid);
	assert_int_equal(g_thread, (uint32_t)syscall(SYS_gettid));
	assert_int_equal(g_device, 0);
	assert_int_equal(g_code, ACL_ERROR_RT_VECTOR_CORE_EXCEPTION);
	/* not launched with aclrtLaunchKernel*: no args, no function handle */
	assert_int_equal(g_args_rc, (aclError)0xFFFFFFFF);
	assert_int_equal(g_func_rc, ACL_ERROR_RT_PARAM_INVALID);
	assert_null(g_func);

	/* a negative code reads as 507015, as the synchronize reports it */
	launch_code(s, -5);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_ERROR_RT_AICORE_EXCEPTION);
	assert_int_equal(weir_load_acquire(&g_calls), 2);
	assert_int_equal(g_code, ACL_ERROR_RT_AICORE_EXCEPTION);

	/* registered callbacks are called too, once each */
	assert_int_equal(aclrtExceptionInfoCallbackRegister(exc_cb2), ACL_SUCCESS);
	assert_int_equal(aclrtExceptionInfoCallbackRegister(exc_cb2), ACL_SUCCESS);
	launch_code(s, 3);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_ERROR_RT_AICORE_EXCEPTION);
	assert_int_equal(weir_load_acquire(&g_calls), 3);
	assert_int_equal(weir_load_acquire(&g_calls2), 1);
	assert_int_equal(aclrtExceptionInfoCallbackUnregister(exc_cb2), ACL_SUCCESS);
	assert_int_equal(aclrtExceptionInfoCallbackUnregister(exc_cb2), ACL_SUCCESS);
	assert_int_equal(aclrtExceptionInfoCallbackRegister(NULL), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtExceptionInfoCallbackUnregister(NULL), ACL_ERROR_RT_PARAM_INVALID);

	/* cleared: no more calls */
	assert_int_equal(aclrtSetExceptionInfoCallback(NULL), ACL_SUCCESS);
	launch_code(s, 3);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_ERROR_RT_AICORE_EXCEPTION);
	assert_int_equal(weir_load_acquire(&g_calls), 3);
	assert_int_equal(weir_load_acquire(&g_calls2), 1);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
}

static void test_exception_bad_input(void **state)
{
	(void)state;
	void *p;
	uint32_t n;
	aclrtFuncHandle fh;
	assert_int_equal(aclrtGetTaskIdFromExceptionInfo(NULL), 0xFFFFFFFFu);
	assert_int_equal(aclrtGetStreamIdFromExceptionInfo(NULL), 0xFFFFFFFFu);
	assert_int_equal(aclrtGetThreadIdFromExceptionInfo(NULL), 0xFFFFFFFFu);
	assert_int_equal(aclrtGetDeviceIdFromExceptionInfo(NULL), 0xFFFFFFFFu);
	assert_int_equal(aclrtGetErrorCodeFromExceptionInfo(NULL), 0xFFFFFFFFu);
	assert_int_equal(aclrtGetArgsFromExceptionInfo(NULL, &p, &n), (aclError)0xFFFFFFFF);
	assert_int_equal(aclrtGetFuncHandleFromExceptionInfo(NULL, &fh), (aclError)0xFFFFFFFF);
	aclrtErrorInfo ei;
	memset(&ei, 0xAB, sizeof ei);
	assert_int_equal(aclrtGetErrorVerbose(0, &ei), ACL_SUCCESS);
	assert_int_equal(ei.errorType, ACL_RT_NO_ERROR);
	assert_int_equal(ei.tryRepair, 0);
	assert_int_equal(ei.hasDetail, 0);
	assert_int_equal(aclrtGetErrorVerbose(0, NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtGetErrorVerbose(99, &ei), ACL_ERROR_RT_INVALID_DEVICEID);
	assert_int_equal(aclrtGetErrorVerbose(-1, &ei), ACL_ERROR_RT_INVALID_DEVICEID);
	assert_int_equal(aclrtGetLastError(ACL_RT_THREAD_LEVEL), ACL_ERROR_RT_INVALID_DEVICEID);
}

/* ---- stream extras ---- */

static _Atomic int g_ssc_create, g_ssc_destroy;
static aclrtStream g_ssc_last;
static void ssc_cb(aclrtStream s, aclrtStreamState state, void *args)
{
	assert_ptr_equal(args, &g_ssc_create);
	g_ssc_last = s;
	if (state == ACL_RT_STREAM_STATE_CREATE_POST)
		weir_faa_relaxed(&g_ssc_create, 1);
	else if (state == ACL_RT_STREAM_STATE_DESTROY_PRE)
		weir_faa_relaxed(&g_ssc_destroy, 1);
}

static void test_stream_extras(void **state)
{
	(void)state;
	aclrtStream s, s2;
	int garbage[4] = { 0 };
	assert_int_equal(aclrtCreateStreamWithConfig(&s, 3, ACL_STREAM_FAST_SYNC), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&s2), ACL_SUCCESS);
	int32_t id = -1, id2 = -1;
	uint32_t flags = 99, prio = 99;
	assert_int_equal(aclrtStreamGetId(s, &id), ACL_SUCCESS);
	assert_int_equal(aclrtStreamGetId(s2, &id2), ACL_SUCCESS);
	assert_true(id > 0 && id2 > 0 && id != id2);
	assert_int_equal(aclrtStreamGetFlags(s, &flags), ACL_SUCCESS);
	assert_int_equal(flags, ACL_STREAM_FAST_SYNC);
	assert_int_equal(aclrtStreamGetPriority(s, &prio), ACL_SUCCESS);
	assert_int_equal(prio, 3);
	assert_int_equal(aclrtStreamGetFlags(s2, &flags), ACL_SUCCESS);
	assert_int_equal(flags, 0);
	/* NULL: the default stream */
	assert_int_equal(aclrtStreamGetId(NULL, &id), ACL_SUCCESS);
	assert_int_equal(aclrtStreamGetPriority(NULL, &prio), ACL_SUCCESS);
	/* bad input */
	assert_int_equal(aclrtStreamGetId(s, NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtStreamGetFlags(s, NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtStreamGetPriority(s, NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtStreamGetId(garbage, &id), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtStreamStop(NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtStreamStop(garbage), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtStreamStop(s), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtStreamGetId(s, &id), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtStreamGetFlags(s, &flags), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtStreamGetPriority(s, &prio), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtDestroyStream(s2), ACL_SUCCESS);
}

static void test_stream_config_handle(void **state)
{
	(void)state;
	aclrtStreamConfigHandle *h = aclrtCreateStreamConfigHandle();
	assert_non_null(h);
	uint32_t prio = 5, flag32 = ACL_STREAM_FAST_LAUNCH, big = 8;
	size_t flag = ACL_STREAM_FAST_SYNC, wsize = 64;
	void *wptr = &wsize;
	assert_int_equal(aclrtSetStreamConfigOpt(h, ACL_RT_STREAM_PRIORITY, &prio, sizeof prio),
	                 ACL_SUCCESS);
	assert_int_equal(aclrtSetStreamConfigOpt(h, ACL_RT_STREAM_FLAG, &flag32, sizeof flag32),
	                 ACL_SUCCESS);
	assert_int_equal(aclrtSetStreamConfigOpt(h, ACL_RT_STREAM_FLAG, &flag, sizeof flag),
	                 ACL_SUCCESS);
	assert_int_equal(
	        aclrtSetStreamConfigOpt(h, ACL_RT_STREAM_WORK_ADDR_PTR, &wptr, sizeof wptr),
	        ACL_SUCCESS);
	assert_int_equal(aclrtSetStreamConfigOpt(h, ACL_RT_STREAM_WORK_SIZE, &wsize, sizeof wsize),
	                 ACL_SUCCESS);
	/* bad input */
	assert_int_equal(aclrtSetStreamConfigOpt(NULL, ACL_RT_STREAM_PRIORITY, &prio, 4),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtSetStreamConfigOpt(h, ACL_RT_STREAM_PRIORITY, NULL, 4),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtSetStreamConfigOpt(h, ACL_RT_STREAM_PRIORITY, &big, sizeof big),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtSetStreamConfigOpt(h, ACL_RT_STREAM_PRIORITY, &prio, 2),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtSetStreamConfigOpt(h, (aclrtStreamConfigAttr)4, &prio, 4),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtSetStreamConfigOpt(h, (aclrtStreamConfigAttr)-1, &prio, 4),
	                 ACL_ERROR_INVALID_PARAM);
	int garbage[4] = { 0 };
	assert_int_equal(aclrtSetStreamConfigOpt((aclrtStreamConfigHandle *)garbage,
	                                         ACL_RT_STREAM_PRIORITY, &prio, 4),
	                 ACL_ERROR_INVALID_PARAM);

	aclrtStream s;
	assert_int_equal(aclrtCreateStreamV2(NULL, h), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtCreateStreamV2(&s, h), ACL_SUCCESS);
	uint32_t got = 0;
	assert_int_equal(aclrtStreamGetPriority(s, &got), ACL_SUCCESS);
	assert_int_equal(got, 5);
	assert_int_equal(aclrtStreamGetFlags(s, &got), ACL_SUCCESS);
	assert_int_equal(got, ACL_STREAM_FAST_SYNC);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStreamV2(&s, NULL), ACL_SUCCESS); /* defaults */
	assert_int_equal(aclrtStreamGetPriority(s, &got), ACL_SUCCESS);
	assert_int_equal(got, 0);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);

	assert_int_equal(aclrtDestroyStreamConfigHandle(h), ACL_SUCCESS);
	/* destroyed: refused everywhere, never dereferenced */
	assert_int_equal(aclrtDestroyStreamConfigHandle(h), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtSetStreamConfigOpt(h, ACL_RT_STREAM_PRIORITY, &prio, 4),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtCreateStreamV2(&s, h), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtDestroyStreamConfigHandle(NULL), ACL_ERROR_INVALID_PARAM);
	/* a handle left alive is released by aclFinalize (LSan checks) */
	assert_non_null(aclrtCreateStreamConfigHandle());
}

static void test_stream_state_callback(void **state)
{
	(void)state;
	assert_int_equal(aclrtRegStreamStateCallback("t", ssc_cb, &g_ssc_create), ACL_SUCCESS);
	assert_int_equal(aclrtRegStreamStateCallback("t", ssc_cb, &g_ssc_create),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtRegStreamStateCallback(NULL, ssc_cb, NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtRegStreamStateCallback("", ssc_cb, NULL), ACL_ERROR_RT_PARAM_INVALID);
	aclrtStream s;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(weir_load_relaxed(&g_ssc_create), 1);
	assert_ptr_equal(g_ssc_last, s);
	assert_int_equal(aclrtDestroyStreamForce(s), ACL_SUCCESS);
	assert_int_equal(weir_load_relaxed(&g_ssc_destroy), 1);
	/* a refused destroy is not announced */
	assert_int_equal(aclrtDestroyStream(s), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(weir_load_relaxed(&g_ssc_destroy), 1);
	assert_int_equal(aclrtRegStreamStateCallback("t", NULL, NULL), ACL_SUCCESS);
	assert_int_equal(aclrtRegStreamStateCallback("t", NULL, NULL), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(weir_load_relaxed(&g_ssc_create), 1);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
	assert_int_equal(weir_load_relaxed(&g_ssc_destroy), 1);
}

/* ---- host-function subscription ---- */

typedef struct hf_thread {
	aclrtContext ctx;
	_Atomic int stop;
	_Atomic int ran;
	_Atomic uint64_t tid;
} hf_thread_t;

static _Atomic uint64_t g_hf_tid;
static _Atomic int g_hf_runs;
static void hf_fn(void *arg)
{
	(void)arg;
	weir_store_relaxed(&g_hf_tid, (uint64_t)pthread_self());
	weir_faa_release(&g_hf_runs, 1);
}

static void *hf_main(void *arg)
{
	hf_thread_t *t = arg;
	aclrtSetCurrentContext(t->ctx);
	weir_store_release(&t->tid, (uint64_t)pthread_self());
	while (!weir_load_acquire(&t->stop))
		if (aclrtProcessHostFunc(20) == ACL_SUCCESS)
			weir_faa_relaxed(&t->ran, 1);
	return NULL;
}

static void test_host_func_subscription(void **state)
{
	(void)state;
	aclrtStream s;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	hf_thread_t t;
	memset(&t, 0, sizeof t);
	assert_int_equal(aclrtGetCurrentContext(&t.ctx), ACL_SUCCESS);
	/* this thread is not subscribed, and a bad timeout is refused first */
	assert_int_equal(aclrtProcessHostFunc(10), ACL_ERROR_RT_THREAD_SUBSCRIBE);
	assert_int_equal(aclrtProcessHostFunc(0), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtProcessHostFunc(-2), ACL_ERROR_RT_PARAM_INVALID);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, hf_main, &t), 0);
	uint64_t tid;
	while (!(tid = weir_load_acquire(&t.tid)))
		usleep(100);
	assert_int_equal(aclrtSubscribeHostFunc(tid, NULL), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtSubscribeHostFunc(tid, s), ACL_SUCCESS);
	assert_int_equal(aclrtSubscribeHostFunc(tid, s), ACL_ERROR_RT_STREAM_SUBSCRIBE);
	assert_int_equal(aclrtSubscribeHostFunc(tid + 1, s), ACL_ERROR_RT_STREAM_SUBSCRIBE);
	/* the report model is separate: the same stream takes a report thread */
	assert_int_equal(aclrtSubscribeReport(tid, s), ACL_SUCCESS);
	for (int i = 0; i < 10; i++)
		assert_int_equal(aclrtLaunchHostFunc(s, hf_fn, NULL), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	assert_int_equal(weir_load_acquire(&g_hf_runs), 10);
	assert_true(weir_load_relaxed(&g_hf_tid) == tid);
	assert_int_equal(aclrtUnSubscribeReport(tid, s), ACL_SUCCESS);
	assert_int_equal(aclrtUnSubscribeHostFunc(tid + 1, s), ACL_ERROR_RT_STREAM_SUBSCRIBE);
	assert_int_equal(aclrtUnSubscribeHostFunc(tid, NULL), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtUnSubscribeHostFunc(tid, s), ACL_SUCCESS);
	assert_int_equal(aclrtUnSubscribeHostFunc(tid, s), ACL_ERROR_RT_STREAM_SUBSCRIBE);
	/* unsubscribed: back on the device's callback thread */
	assert_int_equal(aclrtLaunchHostFunc(s, hf_fn, NULL), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	assert_int_equal(weir_load_acquire(&g_hf_runs), 11);
	assert_true(weir_load_relaxed(&g_hf_tid) != tid);
	weir_store_release(&t.stop, 1);
	pthread_join(th, NULL);
	assert_int_equal(weir_load_relaxed(&t.ran), 10);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
	int garbage[4] = { 0 };
	assert_int_equal(aclrtSubscribeHostFunc(1, garbage), ACL_ERROR_RT_INVALID_HANDLE);
}

/* A subscribed thread that waits in vain times out with 507012. */
static void test_host_func_timeout(void **state)
{
	(void)state;
	aclrtStream s;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	uint64_t me = (uint64_t)pthread_self();
	assert_int_equal(aclrtSubscribeHostFunc(me, s), ACL_SUCCESS);
	assert_int_equal(aclrtProcessHostFunc(5), ACL_ERROR_RT_REPORT_TIMEOUT);
	/* one queued: this thread runs it */
	weir_store_relaxed(&g_hf_runs, 0);
	assert_int_equal(aclrtLaunchHostFunc(s, hf_fn, NULL), ACL_SUCCESS);
	assert_int_equal(aclrtProcessHostFunc(-1), ACL_SUCCESS);
	assert_int_equal(weir_load_acquire(&g_hf_runs), 1);
	assert_true(weir_load_relaxed(&g_hf_tid) == me);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtUnSubscribeHostFunc(me, s), ACL_SUCCESS);
	assert_int_equal(aclrtProcessHostFunc(5), ACL_ERROR_RT_THREAD_SUBSCRIBE);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_exception_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exception_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stream_extras, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stream_config_handle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stream_state_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_func_subscription, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_func_timeout, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
