/*
 * test_acl_launch_found.c - the ACL enqueue calls that look their stream up
 * once (weir/sched.h, "one-lookup enqueues"): aclrtLaunchHostFunc,
 * aclrtLaunchCallback, aclrtRecordEvent, aclrtResetEvent,
 * aclrtStreamWaitEvent, aclrtMemsetAsync and aclrtMemcpyAsync take the
 * found-stream path, and fall back to the
 * public call when the stream is full. With a 4-task ring and a blocked
 * stream, a launcher thread must see every task run, in order, with none
 * lost or duplicated; bad streams keep their codes and messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acl/acl.h"

#define N 200

static int setup(void **state)
{
	(void)state;
	alarm(120); /* a lost task or a stranded wait fails instead of hanging */
	setenv("WEIR_NO_PIN", "1", 1);
	setenv("WEIR_DEVICES", "2", 1);
	setenv("WEIR_WORKERS", "1", 1);
	setenv("WEIR_RING_CAPACITY", "4", 1);
	if (aclInit(NULL) != ACL_SUCCESS)
		return -1;
	return aclrtSetDevice(0) == ACL_SUCCESS ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return aclFinalize() == ACL_SUCCESS ? 0 : -1;
}

static void assert_msg_has(const char *needle)
{
	const char *m = aclGetRecentErrMsg();
	if (!m || !strstr(m, needle))
		fail_msg("recent error message '%s' does not mention '%s'", m ? m : "(null)",
		         needle);
}

static _Atomic int gate;
static void gate_fn(void *arg)
{
	(void)arg;
	while (!atomic_load(&gate))
		sched_yield();
}

static int order[N];
static _Atomic int nran;
static void seq_fn(void *arg)
{
	int i = atomic_fetch_add(&nran, 1);
	if (i < N)
		order[i] = (int)(intptr_t)arg;
}

struct launcher {
	aclrtContext ctx;
	aclrtStream s;
	aclrtEvent ev;
	void *dev, *host; /* 64 bytes each: aclrtMalloc, aclrtMallocHost */
	int last_fill;
	_Atomic int progress;
	aclError first_bad;
};

static void *launch_main(void *p)
{
	struct launcher *l = p;
	aclError e = aclrtSetCurrentContext(l->ctx);
	for (int i = 0; i < N && e == ACL_SUCCESS; i++) {
		e = aclrtLaunchHostFunc(l->s, seq_fn, (void *)(intptr_t)i);
		if (e == ACL_SUCCESS && i % 8 == 0)
			e = aclrtRecordEvent(l->ev, l->s);
		if (e == ACL_SUCCESS && i % 16 == 0)
			e = aclrtStreamWaitEvent(l->s, l->ev);
		if (e == ACL_SUCCESS && i % 4 == 1) {
			l->last_fill = i & 0x7f;
			e = aclrtMemsetAsync(l->dev, 64, l->last_fill, 64, l->s);
		}
		if (e == ACL_SUCCESS && i % 32 == 3)
			e = aclrtMemcpyAsync(l->host, 64, l->dev, 64, ACL_MEMCPY_DEVICE_TO_HOST,
			                     l->s);
		atomic_fetch_add(&l->progress, 1);
	}
	l->first_bad = e;
	return NULL;
}

/* The ring holds 4 tasks; the gate blocks the stream, so the launcher's
 * enqueues find it full and take the public call's wait. */
static void test_full_stream_falls_back(void **state)
{
	(void)state;
	struct launcher l = { 0 };
	assert_int_equal(aclrtGetCurrentContext(&l.ctx), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&l.s), ACL_SUCCESS);
	assert_int_equal(aclrtCreateEvent(&l.ev), ACL_SUCCESS);
	assert_int_equal(aclrtMalloc(&l.dev, 64, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
	assert_int_equal(aclrtMallocHost(&l.host, 64), ACL_SUCCESS);
	atomic_store(&gate, 0);
	atomic_store(&nran, 0);
	assert_int_equal(aclrtLaunchHostFunc(l.s, gate_fn, NULL), ACL_SUCCESS);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, launch_main, &l), 0);
	while (atomic_load(&l.progress) < 1) /* 4 queued: the ring is full now */
		sched_yield();
	for (int i = 0; i < 1000; i++)
		sched_yield();
	atomic_store(&gate, 1);
	pthread_join(t, NULL);
	assert_int_equal(l.first_bad, ACL_SUCCESS);
	assert_int_equal(aclrtMemcpyAsync(l.host, 64, l.dev, 64, ACL_MEMCPY_DEVICE_TO_HOST, l.s),
	                 ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(l.s), ACL_SUCCESS);
	for (int i = 0; i < 64; i++)
		assert_int_equal(((unsigned char *)l.host)[i], l.last_fill);
	assert_int_equal(aclrtFree(l.dev), ACL_SUCCESS);
	assert_int_equal(aclrtFreeHost(l.host), ACL_SUCCESS);
	assert_int_equal(atomic_load(&nran), N);
	for (int i = 0; i < N; i++)
		assert_int_equal(order[i], i);
	aclrtEventRecordedStatus st;
	assert_int_equal(aclrtQueryEventStatus(l.ev, &st), ACL_SUCCESS);
	assert_int_equal(st, ACL_EVENT_RECORDED_STATUS_COMPLETE);
	assert_int_equal(aclrtDestroyEvent(l.ev), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(l.s), ACL_SUCCESS);
}

/* The default stream (NULL) takes the same path. */
static void test_default_stream(void **state)
{
	(void)state;
	atomic_store(&nran, 0);
	for (int i = 0; i < 16; i++)
		assert_int_equal(aclrtLaunchHostFunc(NULL, seq_fn, (void *)(intptr_t)i),
		                 ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(NULL), ACL_SUCCESS);
	assert_int_equal(atomic_load(&nran), 16);
	for (int i = 0; i < 16; i++)
		assert_int_equal(order[i], i);
}

/* Bad streams: the same codes and messages as before the single lookup. */
static void test_bad_streams(void **state)
{
	(void)state;
	aclrtStream s;
	aclrtEvent ev;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtCreateEvent(&ev), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtLaunchHostFunc(s, seq_fn, NULL), ACL_ERROR_RT_INVALID_HANDLE);
	assert_msg_has("is not a live stream");
	assert_int_equal(aclrtLaunchCallback(seq_fn, NULL, ACL_CALLBACK_BLOCK, s),
	                 ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtRecordEvent(ev, s), ACL_ERROR_RT_INVALID_HANDLE);
	assert_msg_has("is not a live stream");
	assert_int_equal(aclrtStreamWaitEvent(s, ev), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtResetEvent(ev, s), ACL_ERROR_RT_INVALID_HANDLE);

	/* A stream of another context: 107003, nothing queued. */
	aclrtContext mine, other;
	aclrtStream os;
	assert_int_equal(aclrtGetCurrentContext(&mine), ACL_SUCCESS);
	assert_int_equal(aclrtCreateContext(&other, 1), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&os), ACL_SUCCESS);
	assert_int_equal(aclrtSetCurrentContext(mine), ACL_SUCCESS);
	atomic_store(&nran, 0);
	assert_int_equal(aclrtLaunchHostFunc(os, seq_fn, NULL), ACL_ERROR_RT_STREAM_CONTEXT);
	assert_msg_has("belongs to another context");
	assert_int_equal(aclrtRecordEvent(ev, os), ACL_ERROR_RT_STREAM_CONTEXT);
	assert_msg_has("belongs to another context");
	assert_int_equal(aclrtSetCurrentContext(other), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(os), ACL_SUCCESS);
	assert_int_equal(atomic_load(&nran), 0);
	/* No report thread subscribed: 107010-class code, as before. */
	assert_int_equal(aclrtLaunchCallback(seq_fn, NULL, ACL_CALLBACK_BLOCK, os),
	                 ACL_ERROR_RT_STREAM_NO_CB_REG);
	assert_msg_has("has no subscribed report thread");
	assert_int_equal(aclrtDestroyStream(os), ACL_SUCCESS);
	assert_int_equal(aclrtSetCurrentContext(mine), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyContext(other), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyEvent(ev), ACL_SUCCESS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_stream_falls_back),
		cmocka_unit_test(test_default_stream),
		cmocka_unit_test(test_bad_streams),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
