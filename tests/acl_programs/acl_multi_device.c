/*
 * acl_multi_device.c - a plain ACL program, written as an Ascend user would
 * write it (only "acl/acl.h", no weir header), run against weir.
 *
 * Eight threads each bind a device, create several streams and:
 *  - run host functions that compute a checkable result (sum of squares),
 *  - order two streams with an event (record on A, wait on B) and verify that
 *    B's work saw all of A's,
 *  - serve report callbacks on a processing thread of their own
 *    (aclrtSubscribeReport / aclrtProcessReport / aclrtUnSubscribeReport),
 *  - synchronize with time-outs (stream and event).
 * The main thread then checks a table of bad-input calls for their exact
 * error codes. Prints a summary; exits 0 only if every check passed.
 */
#include "acl/acl.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS   8
#define N         4096
#define CALLBACKS 16

static atomic_int g_checks;
static atomic_int g_failures;

#define CHECK(cond, ...)                                                     \
	do {                                                                 \
		atomic_fetch_add(&g_checks, 1);                              \
		if (!(cond)) {                                               \
			atomic_fetch_add(&g_failures, 1);                    \
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                        \
			fprintf(stderr, "\n");                               \
		}                                                            \
	} while (0)

#define CHECK_RC(call, want)                                                                       \
	do {                                                                                       \
		aclError rc_ = (call);                                                             \
		CHECK(rc_ == (want), "%s returned %d, expected %d", #call, (int)rc_, (int)(want)); \
	} while (0)

/* ------------------------------------------------------------------------ */
/* Per-thread work                                                           */
/* ------------------------------------------------------------------------ */

struct work {
	int id;
	int32_t device;
	uint64_t data[N];
	atomic_int produced;  /* set by stream A's last host function */
	atomic_int seen_by_b; /* what stream B's host function saw */
	uint64_t sum;         /* computed on stream B */
	atomic_int callbacks; /* report callbacks run */
	atomic_int cb_order_ok;
	atomic_ullong proc_tid;
	atomic_int proc_ready;
	atomic_int proc_stop;
	atomic_int proc_subscribed;
	aclrtContext ctx;
};

struct chunk {
	struct work *w;
	int lo, hi;
};

static void fill_chunk(void *arg)
{
	struct chunk *c = arg;
	for (int k = c->lo; k < c->hi; k++)
		c->w->data[k] = (uint64_t)k * (uint64_t)k + (uint64_t)c->w->id;
}

static void mark_produced(void *arg)
{
	struct work *w = arg;
	atomic_store(&w->produced, 1);
}

static void sum_on_b(void *arg)
{
	struct work *w = arg;
	atomic_store(&w->seen_by_b, atomic_load(&w->produced));
	uint64_t s = 0;
	for (int k = 0; k < N; k++)
		s += w->data[k];
	w->sum = s;
}

static void report_cb(void *arg)
{
	struct work *w = arg;
	/* callbacks of one stream run in order on the one processing thread */
	int n = atomic_fetch_add(&w->callbacks, 1);
	(void)n;
}

static void *processing_thread(void *arg)
{
	struct work *w = arg;
	if (aclrtSetCurrentContext(w->ctx) != ACL_SUCCESS)
		atomic_fetch_add(&g_failures, 1);
	atomic_store(&w->proc_tid, (unsigned long long)pthread_self());
	atomic_store(&w->proc_ready, 1);
	/* ProcessReport is valid only once this thread is subscribed (ACL
	 * returns 107012 before that), so wait for the device thread. */
	while (!atomic_load(&w->proc_subscribed) && !atomic_load(&w->proc_stop))
		sched_yield();
	while (!atomic_load(&w->proc_stop)) {
		aclError rc = aclrtProcessReport(20);
		if (rc != ACL_SUCCESS && rc != ACL_ERROR_RT_REPORT_TIMEOUT) {
			fprintf(stderr, "FAIL: aclrtProcessReport returned %d\n", (int)rc);
			atomic_fetch_add(&g_failures, 1);
			break;
		}
	}
	return NULL;
}

static void *device_thread(void *arg)
{
	struct work *w = arg;
	uint32_t count = 0;
	aclrtStream a = NULL, b = NULL, c = NULL;
	aclrtEvent ev_a = NULL, ev_b = NULL, t0 = NULL, t1 = NULL;
	struct chunk chunks[4];

	CHECK_RC(aclrtGetDeviceCount(&count), ACL_SUCCESS);
	if (count == 0)
		return NULL;
	w->device = w->id % (int32_t)count;
	CHECK_RC(aclrtSetDevice(w->device), ACL_SUCCESS);
	int32_t got = -1;
	CHECK_RC(aclrtGetDevice(&got), ACL_SUCCESS);
	CHECK(got == w->device, "thread %d: device %d, expected %d", w->id, got, w->device);
	CHECK_RC(aclrtGetCurrentContext(&w->ctx), ACL_SUCCESS);

	CHECK_RC(aclrtCreateStream(&a), ACL_SUCCESS);
	CHECK_RC(aclrtCreateStreamWithConfig(&b, 1, ACL_STREAM_FAST_LAUNCH), ACL_SUCCESS);
	CHECK_RC(aclrtCreateStream(&c), ACL_SUCCESS);
	CHECK_RC(aclrtCreateEventExWithFlag(&ev_a, ACL_EVENT_SYNC), ACL_SUCCESS);
	CHECK_RC(aclrtCreateEventWithFlag(&ev_b, ACL_EVENT_SYNC | ACL_EVENT_TIME_LINE),
	         ACL_SUCCESS);
	CHECK_RC(aclrtCreateEvent(&t0), ACL_SUCCESS);
	CHECK_RC(aclrtCreateEvent(&t1), ACL_SUCCESS);
	if (!a || !b || !c || !ev_a || !ev_b || !t0 || !t1)
		return NULL;

	/* Stream B waits for A's record before it sums: B is queued first, so
	 * only the event can order it after A's work. */
	CHECK_RC(aclrtStreamWaitEvent(b, ev_a), ACL_SUCCESS); /* Ex before record: no-op */
	CHECK_RC(aclrtRecordEvent(t0, a), ACL_SUCCESS);
	for (int i = 0; i < 4; i++) {
		chunks[i] = (struct chunk){ w, i * (N / 4), (i + 1) * (N / 4) };
		CHECK_RC(aclrtLaunchHostFunc(a, fill_chunk, &chunks[i]), ACL_SUCCESS);
	}
	CHECK_RC(aclrtLaunchHostFunc(a, mark_produced, w), ACL_SUCCESS);
	CHECK_RC(aclrtRecordEvent(ev_a, a), ACL_SUCCESS);
	CHECK_RC(aclrtRecordEvent(t1, a), ACL_SUCCESS);
	CHECK_RC(aclrtStreamWaitEvent(b, ev_a), ACL_SUCCESS);
	CHECK_RC(aclrtLaunchHostFunc(b, sum_on_b, w), ACL_SUCCESS);
	CHECK_RC(aclrtRecordEvent(ev_b, b), ACL_SUCCESS);

	CHECK_RC(aclrtSynchronizeEventWithTimeout(ev_b, 60000), ACL_SUCCESS);
	CHECK(atomic_load(&w->seen_by_b) == 1, "thread %d: stream B ran before A's record", w->id);
	uint64_t want = 0;
	for (uint64_t k = 0; k < N; k++)
		want += k * k + (uint64_t)w->id;
	CHECK(w->sum == want, "thread %d: sum %llu, expected %llu", w->id,
	      (unsigned long long)w->sum, (unsigned long long)want);
	aclrtEventRecordedStatus rs = ACL_EVENT_RECORDED_STATUS_NOT_READY;
	CHECK_RC(aclrtQueryEventStatus(ev_b, &rs), ACL_SUCCESS);
	CHECK(rs == ACL_EVENT_RECORDED_STATUS_COMPLETE, "thread %d: event B not complete", w->id);
	CHECK_RC(aclrtSynchronizeStreamWithTimeout(a, 60000), ACL_SUCCESS);
	float ms = -1.0f;
	CHECK_RC(aclrtEventElapsedTime(&ms, t0, t1), ACL_SUCCESS);
	CHECK(ms >= 0.0f, "thread %d: elapsed %f ms", w->id, (double)ms);

	/* Report callbacks, served by a thread of our own. */
	pthread_t proc;
	atomic_store(&w->proc_stop, 0);
	atomic_store(&w->proc_subscribed, 0);
	CHECK(pthread_create(&proc, NULL, processing_thread, w) == 0, "pthread_create");
	while (!atomic_load(&w->proc_ready))
		sched_yield();
	uint64_t tid = (uint64_t)atomic_load(&w->proc_tid);
	CHECK_RC(aclrtLaunchCallback(report_cb, w, ACL_CALLBACK_BLOCK, c),
	         ACL_ERROR_RT_STREAM_NO_CB_REG);
	CHECK_RC(aclrtSubscribeReport(tid, c), ACL_SUCCESS);
	atomic_store(&w->proc_subscribed, 1);
	CHECK_RC(aclrtSubscribeReport(tid, c), ACL_ERROR_RT_STREAM_SUBSCRIBE);
	CHECK_RC(aclrtLaunchHostFunc(c, report_cb, w), ACL_ERROR_RT_STREAM_SUBSCRIBE);
	for (int i = 0; i < CALLBACKS - 1; i++)
		CHECK_RC(aclrtLaunchCallback(report_cb, w,
		                             i % 2 ? ACL_CALLBACK_BLOCK : ACL_CALLBACK_NO_BLOCK, c),
		         ACL_SUCCESS);
	/* the last one blocks the stream; the processing thread runs the
	 * callbacks in order, so all have run once the stream drains */
	CHECK_RC(aclrtLaunchCallback(report_cb, w, ACL_CALLBACK_BLOCK, c), ACL_SUCCESS);
	CHECK_RC(aclrtSynchronizeStreamWithTimeout(c, 60000), ACL_SUCCESS);
	CHECK(atomic_load(&w->callbacks) == CALLBACKS, "thread %d: %d callbacks ran, expected %d",
	      w->id, atomic_load(&w->callbacks), CALLBACKS);
	atomic_store(&w->proc_stop, 1);
	pthread_join(proc, NULL);
	CHECK_RC(aclrtUnSubscribeReport(tid, c), ACL_SUCCESS);

	CHECK_RC(aclrtDestroyEvent(ev_a), ACL_SUCCESS);
	CHECK_RC(aclrtDestroyEvent(ev_b), ACL_SUCCESS);
	CHECK_RC(aclrtDestroyEvent(t0), ACL_SUCCESS);
	CHECK_RC(aclrtDestroyEvent(t1), ACL_SUCCESS);
	CHECK_RC(aclrtDestroyStream(a), ACL_SUCCESS);
	CHECK_RC(aclrtDestroyStream(b), ACL_SUCCESS);
	CHECK_RC(aclrtDestroyStream(c), ACL_SUCCESS);
	CHECK_RC(aclrtResetDevice(w->device), ACL_SUCCESS);
	return NULL;
}

/* ------------------------------------------------------------------------ */
/* Bad input                                                                 */
/* ------------------------------------------------------------------------ */

static void noop(void *arg)
{
	(void)arg;
}

static void *thread_without_device(void *arg)
{
	aclError *rc = arg;
	aclrtStream s;
	rc[0] = aclrtCreateStream(&s);
	aclrtContext c;
	rc[1] = aclrtGetCurrentContext(&c);
	return NULL;
}

static void bad_input_table(void)
{
	aclrtStream s, dead;
	aclrtEvent e, dead_ev, ex;
	aclrtContext ctx, dflt;
	int garbage[8] = { 0 };
	uint32_t count = 0;

	CHECK_RC(aclInit(NULL), ACL_ERROR_REPEAT_INITIALIZE);
	CHECK_RC(aclrtGetDeviceCount(&count), ACL_SUCCESS);
	CHECK_RC(aclrtSetDevice((int32_t)count), ACL_ERROR_RT_INVALID_DEVICEID);
	CHECK_RC(aclrtResetDevice(-1), ACL_ERROR_RT_INVALID_DEVICEID);
	CHECK_RC(aclrtCreateContext(&ctx, 1000), ACL_ERROR_RT_INVALID_DEVICEID);

	aclError rcs[2];
	pthread_t t;
	CHECK(pthread_create(&t, NULL, thread_without_device, rcs) == 0, "pthread_create");
	pthread_join(t, NULL);
	CHECK(rcs[0] == ACL_ERROR_RT_CONTEXT_NULL, "CreateStream without context: %d", rcs[0]);
	CHECK(rcs[1] == ACL_ERROR_RT_CONTEXT_NULL, "GetCurrentContext without context: %d", rcs[1]);

	CHECK_RC(aclrtResetDevice(0), ACL_ERROR_RT_CONTEXT_RELEASE_ERROR);
	CHECK_RC(aclrtSetDevice(0), ACL_SUCCESS);
	CHECK_RC(aclrtGetCurrentContext(&dflt), ACL_SUCCESS);
	CHECK_RC(aclrtDestroyContext(dflt), ACL_ERROR_RT_CONTEXT_NULL);
	CHECK_RC(aclrtCreateStream(NULL), ACL_ERROR_INVALID_PARAM);
	CHECK_RC(aclrtCreateEvent(NULL), ACL_ERROR_INVALID_PARAM);
	CHECK_RC(aclrtDestroyStream(NULL), ACL_ERROR_INVALID_PARAM);
	CHECK_RC(aclrtDestroyEvent(NULL), ACL_ERROR_INVALID_PARAM);
	CHECK_RC(aclrtGetDevice(NULL), ACL_ERROR_INVALID_PARAM);
	CHECK_RC(aclrtRecordEvent(NULL, NULL), ACL_ERROR_INVALID_PARAM);
	CHECK_RC(aclrtStreamWaitEvent(NULL, NULL), ACL_ERROR_INVALID_PARAM);
	CHECK_RC(aclrtGetLastError((aclrtLastErrLevel)3), ACL_ERROR_INVALID_PARAM);
	CHECK_RC(aclrtLaunchCallback(noop, NULL, (aclrtCallbackBlockType)9, NULL),
	         ACL_ERROR_INVALID_PARAM);
	CHECK_RC(aclrtLaunchHostFunc(NULL, NULL, NULL), ACL_ERROR_RT_PARAM_INVALID);
	CHECK_RC(aclrtSynchronizeStreamWithTimeout(NULL, 0), ACL_ERROR_RT_PARAM_INVALID);
	CHECK_RC(aclrtSynchronizeStreamWithTimeout(NULL, -2), ACL_ERROR_RT_PARAM_INVALID);
	CHECK_RC(aclrtSynchronizeDeviceWithTimeout(0), ACL_ERROR_RT_PARAM_INVALID);
	CHECK_RC(aclrtProcessReport(0), ACL_ERROR_INVALID_PARAM);
	CHECK_RC(aclrtProcessReport(-5), ACL_ERROR_INVALID_PARAM);
	CHECK_RC(aclrtProcessReport(10), ACL_ERROR_RT_THREAD_SUBSCRIBE);

	CHECK_RC(aclrtCreateStream(&s), ACL_SUCCESS);
	CHECK_RC(aclrtCreateStream(&dead), ACL_SUCCESS);
	CHECK_RC(aclrtDestroyStream(dead), ACL_SUCCESS);
	CHECK_RC(aclrtDestroyStream(dead), ACL_ERROR_RT_INVALID_HANDLE);
	CHECK_RC(aclrtSynchronizeStream(garbage), ACL_ERROR_RT_INVALID_HANDLE);
	CHECK_RC(aclrtCreateEvent(&e), ACL_SUCCESS);
	CHECK_RC(aclrtSynchronizeEventWithTimeout(e, 0), ACL_ERROR_RT_PARAM_INVALID);
	CHECK_RC(aclrtStreamWaitEvent(s, e), ACL_ERROR_RT_PARAM_INVALID); /* never recorded */
	float ms;
	CHECK_RC(aclrtEventElapsedTime(&ms, e, e), ACL_ERROR_RT_INTERNAL_ERROR);
	CHECK_RC(aclrtCreateEvent(&dead_ev), ACL_SUCCESS);
	CHECK_RC(aclrtDestroyEvent(dead_ev), ACL_SUCCESS);
	CHECK_RC(aclrtDestroyEvent(dead_ev), ACL_ERROR_RT_INVALID_HANDLE);
	CHECK_RC(aclrtRecordEvent(garbage, s), ACL_ERROR_RT_INVALID_HANDLE);
	CHECK_RC(aclrtCreateEventExWithFlag(&ex, ACL_EVENT_SYNC), ACL_SUCCESS);
	CHECK_RC(aclrtResetEvent(ex, s), ACL_ERROR_RT_FEATURE_NOT_SUPPORT);
	aclrtEventStatus es;
	CHECK_RC(aclrtQueryEvent(ex, &es), ACL_ERROR_RT_FEATURE_NOT_SUPPORT);
	CHECK_RC(aclrtSetStreamFailureMode(s, ACL_STOP_ON_FAILURE), ACL_SUCCESS);
	CHECK_RC(aclrtSetStreamFailureMode(s, ACL_CONTINUE_ON_FAILURE),
	         ACL_ERROR_RT_FEATURE_NOT_SUPPORT);
	CHECK_RC(aclrtLaunchCallback(noop, NULL, ACL_CALLBACK_BLOCK, s),
	         ACL_ERROR_RT_STREAM_NO_CB_REG);

	/* a stream of another context */
	CHECK_RC(aclrtCreateContext(&ctx, 0), ACL_SUCCESS);
	CHECK_RC(aclrtRecordEvent(e, s), ACL_ERROR_RT_STREAM_CONTEXT);
	CHECK_RC(aclrtDestroyStream(s), ACL_ERROR_RT_STREAM_CONTEXT);
	CHECK_RC(aclrtDestroyContext(ctx), ACL_SUCCESS);
	CHECK_RC(aclrtSetCurrentContext(ctx), ACL_ERROR_RT_PARAM_INVALID);
	CHECK_RC(aclrtSetCurrentContext(dflt), ACL_SUCCESS);

	const char *msg = aclGetRecentErrMsg();
	CHECK(msg != NULL && strstr(msg, "aclrtSetCurrentContext") != NULL,
	      "recent error message names the call");

	CHECK_RC(aclrtDestroyEvent(e), ACL_SUCCESS);
	CHECK_RC(aclrtDestroyEvent(ex), ACL_SUCCESS);
	CHECK_RC(aclrtDestroyStream(s), ACL_SUCCESS);
	CHECK_RC(aclrtResetDevice(0), ACL_SUCCESS);
}

int main(void)
{
	static struct work works[THREADS];
	pthread_t t[THREADS];

	if (aclInit(NULL) != ACL_SUCCESS) {
		fprintf(stderr, "aclInit failed: %s\n", aclGetRecentErrMsg());
		return 1;
	}
	for (int i = 0; i < THREADS; i++) {
		works[i].id = i;
		if (pthread_create(&t[i], NULL, device_thread, &works[i]) != 0) {
			fprintf(stderr, "pthread_create failed\n");
			return 1;
		}
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);

	bad_input_table();

	CHECK_RC(aclFinalize(), ACL_SUCCESS);
	CHECK_RC(aclFinalize(), ACL_ERROR_REPEAT_FINALIZE);

	int checks = atomic_load(&g_checks), failures = atomic_load(&g_failures);
	printf("acl_multi_device: %d threads, %d checks, %d failed\n", THREADS, checks, failures);
	return failures == 0 ? 0 : 1;
}
