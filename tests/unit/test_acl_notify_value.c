/*
 * test_acl_notify_value.c - the ACL calls of sections (S) of docs/acl.md:
 * notifies, memory-value tasks and the event extras, with their bad-input
 * rows (NULL, destroyed handle, wrong device, out-of-range flag), and the
 * enforced wait time-outs (107020 at the next synchronize).
 */
#include "common/oracle.h"

#include "acl/acl.h"
#include <unistd.h>

static int setup(void **state)
{
	(void)state;
	setenv("WEIR_NO_PIN", "1", 0);
	setenv("WEIR_DEVICES", "2", 0);
	setenv("WEIR_WORKERS", "1", 0);
	if (aclInit(NULL) != ACL_SUCCESS)
		return -1;
	return aclrtSetDevice(0) == ACL_SUCCESS ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	aclrtSetOpWaitTimeout(0);
	return aclFinalize() == ACL_SUCCESS ? 0 : -1;
}

static void test_notify_rows(void **state)
{
	(void)state;
	aclrtNotify n = NULL, dead = NULL;
	aclrtStream s = NULL, s1 = NULL;
	uint32_t id = 0;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtCreateNotify(NULL, 0), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtCreateNotify(&n, 2), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtCreateNotify(&dead, ACL_NOTIFY_DEVICE_USE_ONLY), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyNotify(dead), ACL_SUCCESS);
	assert_int_equal(aclrtCreateNotify(&n, ACL_NOTIFY_DEFAULT), ACL_SUCCESS);
	struct {
		aclError got, want;
	} rows[] = {
		{ aclrtDestroyNotify(NULL), ACL_ERROR_INVALID_PARAM },
		{ aclrtDestroyNotify(dead), ACL_ERROR_RT_INVALID_HANDLE },
		{ aclrtRecordNotify(NULL, s), ACL_ERROR_INVALID_PARAM },
		{ aclrtRecordNotify(dead, s), ACL_ERROR_RT_INVALID_HANDLE },
		{ aclrtRecordNotify((aclrtNotify)(uintptr_t)0x77, s), ACL_ERROR_RT_INVALID_HANDLE },
		{ aclrtWaitAndResetNotify(NULL, s, 0), ACL_ERROR_INVALID_PARAM },
		{ aclrtWaitAndResetNotify(dead, s, 0), ACL_ERROR_RT_INVALID_HANDLE },
		{ aclrtGetNotifyId(n, NULL), ACL_ERROR_INVALID_PARAM },
		{ aclrtGetNotifyId(NULL, &id), ACL_ERROR_INVALID_PARAM },
		{ aclrtGetNotifyId(dead, &id), ACL_ERROR_RT_INVALID_HANDLE },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		if (rows[i].got != rows[i].want)
			fail_msg("row %zu: got %d, want %d", i, rows[i].got, rows[i].want);
	}
	assert_int_equal(aclrtGetNotifyId(n, &id), ACL_SUCCESS);
	/* wrong device: a record on device 1's stream of a device-0 notify */
	aclrtContext c1;
	assert_int_equal(aclrtCreateContext(&c1, 1), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&s1), ACL_SUCCESS);
	assert_int_equal(aclrtRecordNotify(n, s1), ACL_ERROR_RT_STREAM_CONTEXT);
	/* a wait on another device is fine; record on device 0 releases it */
	assert_int_equal(aclrtWaitAndResetNotify(n, s1, 0), ACL_SUCCESS);
	assert_int_equal(aclrtSetDevice(0), ACL_SUCCESS);
	assert_int_equal(aclrtRecordNotify(n, s), ACL_SUCCESS);
	assert_int_equal(aclrtSetCurrentContext(c1), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s1), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s1), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyContext(c1), ACL_SUCCESS);
	assert_int_equal(aclrtSetDevice(0), ACL_SUCCESS);
	/* timeout (seconds) fails the wait with 107020 at the next sync */
	assert_int_equal(aclrtWaitAndResetNotify(n, s, 1), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_ERROR_RT_TASK_TIMEOUT);
	/* destroy while a stream waits: the wait fails with 107017, no hang */
	assert_int_equal(aclrtWaitAndResetNotify(n, s, 0), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyNotify(n), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
}

static void test_value_rows(void **state)
{
	(void)state;
	aclrtStream s = NULL;
	uint64_t *d = NULL;
	uint64_t host = 0;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtMalloc((void **)&d, 64, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
	struct {
		aclError got, want;
	} rows[] = {
		{ aclrtValueWrite(NULL, 1, 0, s), ACL_ERROR_INVALID_PARAM },
		{ aclrtValueWrite(&host, 1, 0, s), ACL_ERROR_RT_PARAM_INVALID },
		{ aclrtValueWrite(d, 1, 1, s), ACL_ERROR_RT_PARAM_INVALID },
		{ aclrtValueWrite((char *)d + 4, 1, 0, s), ACL_ERROR_RT_ADDR_UNALIGNED },
		{ aclrtValueWrite(d, 1, 0, (aclrtStream)(uintptr_t)0x55),
		  ACL_ERROR_RT_INVALID_HANDLE },
		{ aclrtValueWait(NULL, 1, 0, s), ACL_ERROR_INVALID_PARAM },
		{ aclrtValueWait(&host, 1, 0, s), ACL_ERROR_RT_PARAM_INVALID },
		{ aclrtValueWait(d, 1, 4, s), ACL_ERROR_RT_PARAM_INVALID },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		if (rows[i].got != rows[i].want)
			fail_msg("row %zu: got %d, want %d", i, rows[i].got, rows[i].want);
	}
	/* every flag, on the default stream (NULL) and an explicit one */
	assert_int_equal(aclrtValueWrite(d, 7, 0, NULL), ACL_SUCCESS);
	assert_int_equal(aclrtValueWait(d, 7, ACL_STREAM_WAIT_VALUE_EQ, s), ACL_SUCCESS);
	assert_int_equal(aclrtValueWait(d, 5, ACL_STREAM_WAIT_VALUE_GEQ, s), ACL_SUCCESS);
	assert_int_equal(aclrtValueWait(d, 4, ACL_STREAM_WAIT_VALUE_AND, s), ACL_SUCCESS);
	assert_int_equal(aclrtValueWait(d, 8, ACL_STREAM_WAIT_VALUE_NOR, NULL), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(NULL), ACL_SUCCESS);
	assert_int_equal(aclrtFree(d), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
}

static void test_event_extras(void **state)
{
	(void)state;
	aclrtStream s = NULL;
	aclrtEvent legacy = NULL, ex = NULL, ex2 = NULL;
	uint32_t id = 0, avail = 0, avail2 = 0;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtGetEventAvailNum(&avail), ACL_SUCCESS);
	assert_int_equal(aclrtCreateEvent(&legacy), ACL_SUCCESS);
	assert_int_equal(aclrtCreateEventExWithFlag(&ex, ACL_EVENT_SYNC), ACL_SUCCESS);
	assert_int_equal(aclrtCreateEventExWithFlag(&ex2, ACL_EVENT_SYNC), ACL_SUCCESS);
	assert_int_equal(aclrtGetEventAvailNum(&avail2), ACL_SUCCESS);
	assert_int_equal(avail2 + 3, avail);
	assert_int_equal(aclrtGetEventAvailNum(NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtGetEventId(legacy, &id), ACL_SUCCESS);
	uint32_t id2 = id;
	assert_int_equal(aclrtGetEventId(ex, &id2), ACL_SUCCESS);
	assert_int_not_equal(id, id2);
	assert_int_equal(aclrtGetEventId(NULL, &id), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtGetEventId(ex, NULL), ACL_ERROR_INVALID_PARAM);
	/* flags */
	assert_int_equal(aclrtRecordEventWithFlag(ex, s, 2), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtRecordEventWithFlag(NULL, s, 0), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtStreamWaitEventWithFlag(s, ex, 0, 2), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtStreamWaitEventWithFlag(s, ex, 5, ACL_EVENT_WAIT_EXTERNAL),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtRecordEventWithFlag(legacy, s, ACL_EVENT_RECORD_EXTERNAL),
	                 ACL_ERROR_RT_FEATURE_NOT_SUPPORT);
	assert_int_equal(aclrtRecordEventWithFlag(ex, s, ACL_EVENT_RECORD_DEFAULT), ACL_SUCCESS);
	assert_int_equal(aclrtStreamWaitEventWithFlag(s, ex, 0, ACL_EVENT_WAIT_DEFAULT),
	                 ACL_SUCCESS);
	/* an event keeps the flag of its first use */
	assert_int_equal(aclrtRecordEventWithFlag(ex, s, ACL_EVENT_RECORD_EXTERNAL),
	                 ACL_ERROR_RT_PARAM_INVALID);
	/* EXTERNAL outside a capture */
	assert_int_equal(aclrtRecordEventWithFlag(ex2, s, ACL_EVENT_RECORD_EXTERNAL),
	                 ACL_ERROR_RT_STREAM_NOT_CAPTURED);
	assert_int_equal(aclrtRecordEvent(ex2, s), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtStreamWaitEventWithFlag(s, ex2, 0, ACL_EVENT_WAIT_EXTERNAL),
	                 ACL_ERROR_RT_STREAM_NOT_CAPTURED);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	/* enforced time-outs: a legacy event that is never recorded */
	aclrtEvent never = NULL;
	assert_int_equal(aclrtCreateEventWithFlag(&never, ACL_EVENT_SYNC), ACL_SUCCESS);
	assert_int_equal(aclrtStreamWaitEventWithTimeout(s, never, 5), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_ERROR_RT_TASK_TIMEOUT);
	assert_int_equal(aclrtStreamWaitEventWithFlag(s, never, 5, ACL_EVENT_WAIT_DEFAULT),
	                 ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_ERROR_RT_TASK_TIMEOUT);
	assert_int_equal(aclrtSetOpWaitTimeout(1), ACL_SUCCESS);
	assert_int_equal(aclrtStreamWaitEvent(s, never), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_ERROR_RT_TASK_TIMEOUT);
	assert_int_equal(aclrtSetOpWaitTimeout(0), ACL_SUCCESS);
	/* a satisfied wait with a time-out succeeds */
	assert_int_equal(aclrtRecordEvent(never, s), ACL_SUCCESS);
	assert_int_equal(aclrtStreamWaitEventWithTimeout(s, never, 5), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyEvent(never), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyEvent(legacy), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyEvent(ex), ACL_SUCCESS);
	assert_int_equal(aclrtGetEventId(ex, &id), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtDestroyEvent(ex2), ACL_SUCCESS);
	assert_int_equal(aclrtGetEventAvailNum(&avail2), ACL_SUCCESS);
	assert_int_equal(avail2, avail);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
}

/* Under ACL_STOP_ON_FAILURE a timed-out wait stops the context's streams. */
static void test_timeout_stop_mode(void **state)
{
	(void)state;
	aclrtStream s = NULL;
	aclrtEvent never = NULL;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtSetStreamFailureMode(s, ACL_STOP_ON_FAILURE), ACL_SUCCESS);
	assert_int_equal(aclrtCreateEventWithFlag(&never, ACL_EVENT_SYNC), ACL_SUCCESS);
	assert_int_equal(aclrtStreamWaitEventWithTimeout(s, never, 5), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_ERROR_RT_TASK_TIMEOUT);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_ERROR_RT_TASK_TIMEOUT); /* sticky */
	assert_int_equal(aclrtDestroyEvent(never), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStreamForce(s), ACL_SUCCESS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_notify_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_value_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_extras, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout_stop_mode, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
