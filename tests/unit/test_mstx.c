/*
 * tests/unit/test_mstx.c - the mstx marker API (mstx/ms_tools_ext.h) and its
 * trace (acl/weir_acl.h, weir_mstx_trace_*): events with and without a
 * stream, their order against the stream's tasks, domains, bad handles,
 * range ids across threads, the trace file as JSON, and the ring's bound.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "acl/acl.h"
#include "acl/weir_acl.h"
#include "mstx/ms_tools_ext.h"

#define CAP WEIR_MSTX_TRACE_CAPACITY

static char trace_path[256]; /* WEIR_MSTX_TRACE, set in main() */

static int acl_setup(void **state)
{
	(void)state;
	setenv("WEIR_NO_PIN", "1", 0);
	setenv("WEIR_DEVICES", "1", 0);
	setenv("WEIR_WORKERS", "2", 0);
	if (aclInit(NULL) != ACL_SUCCESS || aclrtSetDevice(0) != ACL_SUCCESS)
		return -1;
	weir_mstx_trace_clear();
	return 0;
}

static int acl_teardown(void **state)
{
	(void)state;
	return aclFinalize() == ACL_SUCCESS ? 0 : -1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Every event the trace holds (caller frees). */
static weir_mstx_event_t *read_all(size_t *n, uint64_t *dropped)
{
	weir_mstx_event_t *v = calloc(CAP, sizeof *v);
	assert_non_null(v);
	assert_int_equal(weir_mstx_trace_read(v, CAP, n, dropped), WEIR_OK);
	return v;
}

/* The one event of `kind` named `msg`; fails unless there is exactly one. */
static const weir_mstx_event_t *find1(const weir_mstx_event_t *v, size_t n, uint32_t kind,
                                      const char *msg)
{
	const weir_mstx_event_t *hit = NULL;
	for (size_t i = 0; i < n; i++) {
		if (v[i].kind == kind && strcmp(v[i].message, msg) == 0) {
			if (hit)
				fail_msg("two events of kind %u named \"%s\"", kind, msg);
			hit = &v[i];
		}
	}
	if (!hit)
		fail_msg("no event of kind %u named \"%s\"", kind, msg);
	return hit;
}

static size_t count_named(const weir_mstx_event_t *v, size_t n, const char *msg)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += strcmp(v[i].message, msg) == 0;
	return k;
}

/* ---- a slow kernel, and a gate that parks a stream ---- */

typedef struct span {
	_Atomic uint64_t t0, t1;
} span_t;

static int k_slow(void *args, uint32_t block, uint32_t nblocks)
{
	(void)block;
	(void)nblocks;
	span_t *sp;
	memcpy(&sp, args, sizeof sp);
	atomic_store(&sp->t0, now_ns());
	struct timespec d = { 0, 20 * 1000 * 1000 };
	nanosleep(&d, NULL);
	atomic_store(&sp->t1, now_ns());
	return 0;
}

static void launch_slow(aclrtStream s, span_t *sp)
{
	weir_stream_t *ws;
	assert_int_equal(weir_session_acl_stream(s, &ws), WEIR_OK);
	assert_int_equal(weir_launch(ws, k_slow, &sp, sizeof sp, 1, 0), WEIR_OK);
}

/* ------------------------------------------------------------------------ */

static void test_mark_without_stream(void **state)
{
	(void)state;
	uint64_t before = now_ns();
	mstxMarkA("hello", NULL);
	uint64_t after = now_ns();
	size_t n;
	uint64_t dropped = 99;
	weir_mstx_event_t *v = read_all(&n, &dropped);
	assert_int_equal(n, 1);
	assert_int_equal(dropped, 0);
	const weir_mstx_event_t *e = &v[0];
	assert_int_equal(e->kind, WEIR_MSTX_MARK);
	assert_string_equal(e->domain, "default");
	assert_string_equal(e->message, "hello");
	assert_int_equal(e->range_id, 0);
	assert_int_equal(e->stream_ns, 0);
	assert_null(e->stream);
	assert_true(e->host_ns >= before && e->host_ns <= after);
	assert_int_equal(e->tid, (uint64_t)syscall(SYS_gettid));
	assert_true(e->seq > 0);
	free(v);
}

/* A marker with a stream is recorded when the stream reaches it: not while
 * the stream is parked on a notify before it, and with a stream time after
 * the notify was recorded. */
static void test_mark_waits_for_stream(void **state)
{
	(void)state;
	aclrtStream s, s2;
	aclrtNotify nt;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&s2), ACL_SUCCESS);
	assert_int_equal(aclrtCreateNotify(&nt, 0), ACL_SUCCESS);
	assert_int_equal(aclrtWaitAndResetNotify(nt, s, 0), ACL_SUCCESS);
	uint64_t host = now_ns();
	mstxMarkA("behind the gate", s);
	size_t n;
	weir_mstx_event_t *v = read_all(&n, NULL);
	assert_int_equal(count_named(v, n, "behind the gate"), 0);
	free(v);
	uint64_t opened = now_ns();
	assert_int_equal(aclrtRecordNotify(nt, s2), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	v = read_all(&n, NULL);
	const weir_mstx_event_t *e = find1(v, n, WEIR_MSTX_MARK, "behind the gate");
	assert_ptr_equal(e->stream, s);
	assert_true(e->host_ns >= host && e->host_ns <= opened);
	assert_true(e->stream_ns >= opened);
	free(v);
	assert_int_equal(aclrtDestroyNotify(nt), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s2), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
}

/* A marker task discarded before the stream reached it (stream abort) is
 * still recorded, with stream time 0. */
static void test_mark_discarded(void **state)
{
	(void)state;
	aclrtStream s;
	aclrtNotify nt;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtCreateNotify(&nt, 0), ACL_SUCCESS);
	assert_int_equal(aclrtWaitAndResetNotify(nt, s, 0), ACL_SUCCESS);
	mstxMarkA("discarded", s);
	assert_int_equal(aclrtStreamAbort(s), ACL_SUCCESS);
	/* The abort is reported once; the discarded tasks have retired. */
	aclError rc = aclrtSynchronizeStream(s);
	assert_true(rc == ACL_SUCCESS || rc == ACL_ERROR_RT_STREAM_ABORT);
	size_t n;
	weir_mstx_event_t *v = read_all(&n, NULL);
	const weir_mstx_event_t *e = find1(v, n, WEIR_MSTX_MARK, "discarded");
	assert_ptr_equal(e->stream, s);
	assert_int_equal(e->stream_ns, 0);
	free(v);
	assert_int_equal(aclrtDestroyNotify(nt), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
}

/* A range around a slow kernel: the start's stream time is before the
 * kernel began, the end's after it returned. */
static void test_range_brackets_kernel(void **state)
{
	(void)state;
	aclrtStream s;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	span_t sp = { 0, 0 };
	mstxRangeId id = mstxRangeStartA("around", s);
	assert_int_not_equal(id, MSTX_INVALID_ID);
	launch_slow(s, &sp);
	mstxRangeEnd(id);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	size_t n;
	weir_mstx_event_t *v = read_all(&n, NULL);
	assert_int_equal(n, 2);
	const weir_mstx_event_t *b = find1(v, n, WEIR_MSTX_RANGE_START, "around");
	const weir_mstx_event_t *e = find1(v, n, WEIR_MSTX_RANGE_END, "around");
	assert_int_equal(b->range_id, id);
	assert_int_equal(e->range_id, id);
	assert_ptr_equal(b->stream, s);
	assert_ptr_equal(e->stream, s); /* the end runs on the start's stream */
	uint64_t t0 = atomic_load(&sp.t0), t1 = atomic_load(&sp.t1);
	assert_true(t0 != 0 && t1 >= t0);
	assert_true(b->stream_ns != 0 && b->stream_ns <= t0);
	assert_true(e->stream_ns >= t1);
	assert_true(b->host_ns <= b->stream_ns && e->host_ns <= e->stream_ns);
	assert_true(b->seq < e->seq);
	free(v);
	/* Ended: a second end records nothing. */
	mstxRangeEnd(id);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	v = read_all(&n, NULL);
	assert_int_equal(n, 2);
	free(v);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
}

/* A range whose stream is destroyed before its end is closed at the call. */
static void test_range_end_after_stream_destroyed(void **state)
{
	(void)state;
	aclrtStream s;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	mstxRangeId id = mstxRangeStartA("orphan", s);
	assert_int_not_equal(id, MSTX_INVALID_ID);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
	mstxRangeEnd(id);
	size_t n;
	weir_mstx_event_t *v = read_all(&n, NULL);
	assert_int_equal(n, 2);
	const weir_mstx_event_t *e = find1(v, n, WEIR_MSTX_RANGE_END, "orphan");
	assert_null(e->stream);
	assert_int_equal(e->stream_ns, 0);
	free(v);
}

static void test_domains(void **state)
{
	(void)state;
	mstxDomainHandle_t a = mstxDomainCreateA("dom_a");
	mstxDomainHandle_t b = mstxDomainCreateA("Dom_B_2");
	assert_non_null(a);
	assert_non_null(b);
	assert_ptr_not_equal(a, b);
	assert_ptr_equal(mstxDomainCreateA("dom_a"), a); /* same name, same domain */

	aclrtStream s;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	mstxDomainMarkA(a, "ma", NULL);
	mstxDomainMarkA(b, "mb", s);
	mstxRangeId ra = mstxDomainRangeStartA(a, "ra", s);
	mstxRangeId rd = mstxRangeStartA("rd", NULL);
	assert_true(ra != 0 && rd != 0 && ra != rd);
	/* Ends that name another domain are ignored. */
	mstxRangeEnd(ra);
	mstxDomainRangeEnd(b, ra);
	mstxDomainRangeEnd(a, rd);
	mstxDomainRangeEnd(a, ra);
	mstxRangeEnd(rd);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	size_t n;
	weir_mstx_event_t *v = read_all(&n, NULL);
	assert_int_equal(n, 6);
	assert_string_equal(find1(v, n, WEIR_MSTX_MARK, "ma")->domain, "dom_a");
	assert_string_equal(find1(v, n, WEIR_MSTX_MARK, "mb")->domain, "Dom_B_2");
	assert_true(find1(v, n, WEIR_MSTX_MARK, "mb")->stream_ns != 0);
	assert_string_equal(find1(v, n, WEIR_MSTX_RANGE_START, "ra")->domain, "dom_a");
	assert_string_equal(find1(v, n, WEIR_MSTX_RANGE_END, "ra")->domain, "dom_a");
	assert_string_equal(find1(v, n, WEIR_MSTX_RANGE_END, "rd")->domain, "default");
	free(v);

	/* Created twice: the first destroy keeps it. */
	mstxDomainDestroy(a);
	weir_mstx_trace_clear();
	mstxDomainMarkA(a, "still", NULL);
	mstxRangeId open = mstxDomainRangeStartA(a, "left open", NULL);
	assert_int_not_equal(open, 0);
	mstxDomainDestroy(a);
	/* Destroyed: every call on it is ignored. */
	mstxDomainMarkA(a, "dead", NULL);
	assert_int_equal(mstxDomainRangeStartA(a, "dead", NULL), MSTX_INVALID_ID);
	mstxDomainRangeEnd(a, open);
	mstxDomainDestroy(a);
	/* A new domain of that name is another domain: the old range is gone. */
	mstxDomainHandle_t a2 = mstxDomainCreateA("dom_a");
	assert_non_null(a2);
	assert_ptr_not_equal(a2, a);
	mstxDomainRangeEnd(a2, open);
	v = read_all(&n, NULL);
	assert_int_equal(n, 2);
	find1(v, n, WEIR_MSTX_MARK, "still");
	find1(v, n, WEIR_MSTX_RANGE_START, "left open");
	free(v);

	/* Names: letters, digits and '_', 1..1023 bytes, never "default". */
	char name[1100];
	memset(name, 'n', sizeof name);
	name[1024] = '\0';
	assert_null(mstxDomainCreateA(name)); /* 1024 bytes */
	name[1023] = '\0';
	mstxDomainHandle_t longest = mstxDomainCreateA(name);
	assert_non_null(longest);
	mstxDomainMarkA(longest, "long", NULL);
	v = read_all(&n, NULL);
	assert_string_equal(find1(v, n, WEIR_MSTX_MARK, "long")->domain, name);
	free(v);
	assert_null(mstxDomainCreateA(NULL));
	assert_null(mstxDomainCreateA(""));
	assert_null(mstxDomainCreateA("default"));
	assert_null(mstxDomainCreateA("has space"));
	assert_null(mstxDomainCreateA("dash-name"));
	mstxDomainDestroy(longest);
	mstxDomainDestroy(a2);
	mstxDomainDestroy(b);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
}

/* Bad input is ignored and never crashes: NULL messages, garbage and stale
 * domain handles, handles of other types, unknown range ids, bad streams. */
static void test_bad_input(void **state)
{
	(void)state;
	aclrtStream s, dead;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&dead), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(dead), ACL_SUCCESS);
	aclrtContext ctx;
	assert_int_equal(aclrtGetCurrentContext(&ctx), ACL_SUCCESS);
	uint64_t junk[8] = { 0x1234, 0xdeadbeef, 0, 0, 0, 0, 0, 0 };
	mstxDomainHandle_t bad[] = {
		(mstxDomainHandle_t)(uintptr_t)0x1,
		(mstxDomainHandle_t)(uintptr_t)0xA000001ull,
		(mstxDomainHandle_t)(void *)junk,
		(mstxDomainHandle_t)s,   /* a stream */
		(mstxDomainHandle_t)ctx, /* a context */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		mstxDomainMarkA(bad[i], "x", NULL);
		assert_int_equal(mstxDomainRangeStartA(bad[i], "x", NULL), MSTX_INVALID_ID);
		mstxDomainRangeEnd(bad[i], 1);
		mstxDomainDestroy(bad[i]);
	}
	mstxDomainMarkA(NULL, "x", NULL);
	assert_int_equal(mstxDomainRangeStartA(NULL, "x", NULL), MSTX_INVALID_ID);
	mstxDomainRangeEnd(NULL, 1);
	mstxDomainDestroy(NULL);
	mstxDomainHandle_t d = mstxDomainCreateA("bad_input");
	assert_non_null(d);
	mstxMarkA(NULL, NULL);
	mstxMarkA(NULL, s);
	mstxDomainMarkA(d, NULL, NULL);
	assert_int_equal(mstxRangeStartA(NULL, NULL), MSTX_INVALID_ID);
	assert_int_equal(mstxDomainRangeStartA(d, NULL, s), MSTX_INVALID_ID);
	mstxRangeEnd(0);
	mstxRangeEnd(UINT64_MAX);
	mstxRangeEnd(123456789);
	mstxDomainRangeEnd(d, 0);
	mstxDomainRangeEnd(d, 987654321);
	/* Streams that cannot take the task: nothing recorded, no id. */
	aclrtStream bad_streams[] = { dead, (aclrtStream)(void *)junk,
		                      (aclrtStream)(uintptr_t)0x1 };
	for (size_t i = 0; i < 3; i++) {
		mstxMarkA("x", bad_streams[i]);
		mstxDomainMarkA(d, "x", bad_streams[i]);
		assert_int_equal(mstxRangeStartA("x", bad_streams[i]), MSTX_INVALID_ID);
		assert_int_equal(mstxDomainRangeStartA(d, "x", bad_streams[i]), MSTX_INVALID_ID);
	}
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	size_t n;
	weir_mstx_event_t *v = read_all(&n, NULL);
	assert_int_equal(n, 0);
	free(v);
	assert_int_equal(weir_mstx_trace_read(NULL, 1, &n, NULL), WEIR_EINVAL);
	assert_int_equal(weir_mstx_trace_read(NULL, 0, NULL, NULL), WEIR_EINVAL);
	assert_int_equal(weir_mstx_trace_write(NULL), WEIR_EINVAL);
	assert_int_equal(weir_mstx_trace_write(""), WEIR_EINVAL);
	assert_int_equal(weir_mstx_trace_write("/nonexistent_dir_weir/x.json"), WEIR_ENOTFOUND);
	mstxDomainDestroy(d);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
}

/* Markers need no aclInit unless they name a stream. */
static void test_without_runtime(void **state)
{
	(void)state;
	assert_int_equal(aclFinalize(), ACL_SUCCESS);
	weir_mstx_trace_clear();
	mstxDomainHandle_t d = mstxDomainCreateA("no_runtime");
	assert_non_null(d);
	mstxMarkA("host only", NULL);
	mstxRangeId id = mstxDomainRangeStartA(d, "r", NULL);
	assert_int_not_equal(id, 0);
	mstxDomainRangeEnd(d, id);
	assert_int_equal(mstxRangeStartA("x", (aclrtStream)(uintptr_t)0x1), MSTX_INVALID_ID);
	size_t n;
	weir_mstx_event_t *v = read_all(&n, NULL);
	assert_int_equal(n, 3);
	free(v);
	mstxDomainDestroy(d);
	assert_int_equal(acl_setup(NULL), 0);
}

/* Messages are copied and cut at 255 bytes, never inside a UTF-8
 * sequence. */
static void test_message_copy_and_cut(void **state)
{
	(void)state;
	char msg[400];
	memset(msg, 'a', sizeof msg);
	msg[399] = '\0';
	mstxMarkA(msg, NULL);
	memset(msg, 'b', 254);
	msg[254] = (char)0xC3; /* U+00E9 at bytes 254..255: does not fit */
	msg[255] = (char)0xA9;
	msg[256] = '\0';
	mstxMarkA(msg, NULL);
	memset(msg, 'z', sizeof msg); /* the trace holds its own copies */
	size_t n;
	weir_mstx_event_t *v = read_all(&n, NULL);
	assert_int_equal(n, 2);
	assert_int_equal(strlen(v[0].message), 255);
	assert_true(v[0].message[0] == 'a' && v[0].message[254] == 'a');
	assert_int_equal(strlen(v[1].message), 254);
	assert_true(v[1].message[253] == 'b');
	free(v);
}

/* ---- threads ---- */

#define THREADS    4
#define PER_THREAD 300

typedef struct worker {
	aclrtStream s;
	mstxDomainHandle_t d;
	mstxRangeId ids[PER_THREAD];
} worker_t;

static void *range_thread(void *arg)
{
	worker_t *w = arg;
	char msg[32];
	for (int i = 0; i < PER_THREAD; i++) {
		snprintf(msg, sizeof msg, "t%d", i);
		aclrtStream s = (i % 3 == 0) ? w->s : NULL;
		w->ids[i] = (i & 1) ? mstxDomainRangeStartA(w->d, msg, s) : mstxRangeStartA(msg, s);
		mstxMarkA(msg, s);
	}
	for (int i = 0; i < PER_THREAD; i++) {
		if (i & 1)
			mstxDomainRangeEnd(w->d, w->ids[i]);
		else
			mstxRangeEnd(w->ids[i]);
	}
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Range ids are unique and non-zero across threads; every event of every
 * thread is recorded once (also those on a shared stream). */
static void test_threads(void **state)
{
	(void)state;
	aclrtStream s;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	mstxDomainHandle_t d = mstxDomainCreateA("threads");
	assert_non_null(d);
	static worker_t w[THREADS];
	pthread_t th[THREADS];
	for (int i = 0; i < THREADS; i++) {
		w[i].s = s;
		w[i].d = d;
		assert_int_equal(pthread_create(&th[i], NULL, range_thread, &w[i]), 0);
	}
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	static uint64_t all[THREADS * PER_THREAD];
	for (int i = 0; i < THREADS; i++)
		for (int j = 0; j < PER_THREAD; j++) {
			assert_int_not_equal(w[i].ids[j], 0);
			all[i * PER_THREAD + j] = w[i].ids[j];
		}
	qsort(all, THREADS * PER_THREAD, sizeof all[0], cmp_u64);
	for (int i = 1; i < THREADS * PER_THREAD; i++)
		if (all[i] == all[i - 1])
			fail_msg("range id %llu handed out twice", (unsigned long long)all[i]);
	size_t n;
	uint64_t dropped;
	weir_mstx_event_t *v = read_all(&n, &dropped);
	assert_int_equal(dropped, 0);
	assert_int_equal(n, 3 * THREADS * PER_THREAD);
	size_t starts = 0, ends = 0, marks = 0;
	for (size_t i = 0; i < n; i++) {
		starts += v[i].kind == WEIR_MSTX_RANGE_START;
		ends += v[i].kind == WEIR_MSTX_RANGE_END;
		marks += v[i].kind == WEIR_MSTX_MARK;
		if (i > 0)
			assert_true(v[i].seq > v[i - 1].seq);
	}
	assert_int_equal(starts, THREADS * PER_THREAD);
	assert_int_equal(ends, THREADS * PER_THREAD);
	assert_int_equal(marks, THREADS * PER_THREAD);
	free(v);
	mstxDomainDestroy(d);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
}

/* The ring keeps the newest CAP events; the older ones are dropped and
 * counted. */
static void test_ring_overflow(void **state)
{
	(void)state;
	const int extra = 100;
	char msg[32];
	for (int i = 0; i < (int)CAP + extra; i++) {
		snprintf(msg, sizeof msg, "m%d", i);
		mstxMarkA(msg, NULL);
	}
	size_t n;
	uint64_t dropped;
	weir_mstx_event_t *v = read_all(&n, &dropped);
	assert_int_equal(n, CAP);
	assert_int_equal(dropped, extra);
	snprintf(msg, sizeof msg, "m%d", extra);
	assert_string_equal(v[0].message, msg);
	snprintf(msg, sizeof msg, "m%d", (int)CAP + extra - 1);
	assert_string_equal(v[CAP - 1].message, msg);
	/* A smaller buffer gets the newest events. */
	weir_mstx_event_t last[2];
	assert_int_equal(weir_mstx_trace_read(last, 2, &n, NULL), WEIR_OK);
	assert_int_equal(n, 2);
	assert_string_equal(last[1].message, msg);
	free(v);
	weir_mstx_trace_clear();
	assert_int_equal(weir_mstx_trace_read(NULL, 0, &n, &dropped), WEIR_OK);
	assert_int_equal(n, 0);
	assert_int_equal(dropped, 0);
}

/* ---- JSON ---- */

/* A strict JSON checker (RFC 8259 grammar; strings must be valid UTF-8). */
typedef struct jp {
	const char *p;
} jp_t;

static void j_ws(jp_t *j)
{
	while (*j->p == ' ' || *j->p == '\n' || *j->p == '\r' || *j->p == '\t')
		j->p++;
}

static int j_value(jp_t *j, int depth);

static int j_string(jp_t *j)
{
	if (*j->p != '"')
		return 0;
	j->p++;
	for (;;) {
		unsigned char c = (unsigned char)*j->p;
		if (c == '"') {
			j->p++;
			return 1;
		}
		if (c < 0x20)
			return 0;
		if (c == '\\') {
			j->p++;
			if (*j->p == 'u') {
				for (int i = 1; i <= 4; i++) {
					char h = j->p[i];
					if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') ||
					      (h >= 'A' && h <= 'F')))
						return 0;
				}
				j->p += 5;
			} else if (*j->p && strchr("\"\\/bfnrt", *j->p)) {
				j->p++;
			} else {
				return 0;
			}
		} else if (c < 0x80) {
			j->p++;
		} else {
			int n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
			if (!n || c > 0xF4)
				return 0;
			for (int i = 1; i < n; i++)
				if (((unsigned char)j->p[i] & 0xC0) != 0x80)
					return 0;
			j->p += n;
		}
	}
}

static int j_number(jp_t *j)
{
	const char *s = j->p;
	if (*j->p == '-')
		j->p++;
	if (*j->p == '0')
		j->p++;
	else if (*j->p >= '1' && *j->p <= '9')
		while (*j->p >= '0' && *j->p <= '9')
			j->p++;
	else
		return 0;
	if (*j->p == '.') {
		j->p++;
		if (!(*j->p >= '0' && *j->p <= '9'))
			return 0;
		while (*j->p >= '0' && *j->p <= '9')
			j->p++;
	}
	return j->p > s;
}

static int j_value(jp_t *j, int depth)
{
	if (depth > 64)
		return 0;
	j_ws(j);
	if (*j->p == '{' || *j->p == '[') {
		char close = *j->p == '{' ? '}' : ']';
		bool obj = close == '}';
		j->p++;
		j_ws(j);
		if (*j->p == close) {
			j->p++;
			return 1;
		}
		for (;;) {
			j_ws(j);
			if (obj) {
				if (!j_string(j))
					return 0;
				j_ws(j);
				if (*j->p++ != ':')
					return 0;
			}
			if (!j_value(j, depth + 1))
				return 0;
			j_ws(j);
			if (*j->p == ',') {
				j->p++;
				continue;
			}
			if (*j->p++ != close)
				return 0;
			return 1;
		}
	}
	if (*j->p == '"')
		return j_string(j);
	if (strncmp(j->p, "true", 4) == 0 || strncmp(j->p, "null", 4) == 0) {
		j->p += 4;
		return 1;
	}
	if (strncmp(j->p, "false", 5) == 0) {
		j->p += 5;
		return 1;
	}
	return j_number(j);
}

static bool json_valid(const char *text)
{
	jp_t j = { text };
	if (!j_value(&j, 0))
		return false;
	j_ws(&j);
	return *j.p == '\0';
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

static void test_json_checker(void **state)
{
	(void)state;
	assert_true(json_valid("{\"a\":[1,2.5,\"x\\u00e9\",{\"b\":null}],\"c\":true}"));
	assert_false(json_valid("{\"a\":1,}"));
	assert_false(json_valid("{\"a\":\"\x01\"}"));
	assert_false(json_valid("{\"a\":\"\xff\"}"));
	assert_false(json_valid("[1] x"));
}

static void test_trace_write(void **state)
{
	(void)state;
	aclrtStream s;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	mstxDomainHandle_t d = mstxDomainCreateA("json_dom");
	mstxMarkA("quote \" backslash \\ tab \t", NULL);
	mstxMarkA("bad utf8 \xff\xfe and good \xc3\xa9", s);
	mstxRangeId id = mstxDomainRangeStartA(d, "json range", s);
	mstxDomainRangeEnd(d, id);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	char path[300];
	snprintf(path, sizeof path, "%s.write", trace_path);
	assert_int_equal(weir_mstx_trace_write(path), WEIR_OK);
	char *text = slurp(path);
	assert_non_null(text);
	if (!json_valid(text))
		fail_msg("%s is not valid JSON:\n%s", path, text);
	assert_non_null(strstr(text, "\"traceEvents\":["));
	assert_non_null(strstr(text, "\"name\":\"quote \\\" backslash \\\\ tab \\u0009\""));
	assert_non_null(strstr(text, "bad utf8 \\ufffd\\ufffd and good \xc3\xa9"));
	assert_non_null(strstr(text, "\"name\":\"json range\",\"cat\":\"json_dom\",\"ph\":\"b\""));
	assert_non_null(strstr(text, "\"name\":\"json range\",\"cat\":\"json_dom\",\"ph\":\"e\""));
	assert_non_null(strstr(text, "\"cat\":\"json_dom.stream\",\"ph\":\"b\""));
	assert_non_null(strstr(text, "\"ph\":\"i\",\"s\":\"t\""));
	free(text);
	unlink(path);
	mstxDomainDestroy(d);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
}

/* WEIR_MSTX_TRACE (set in main, before the first mstx call): aclFinalize
 * writes the trace there, with the markers whose tasks were still queued. */
static void test_trace_env_at_finalize(void **state)
{
	(void)state;
	unlink(trace_path);
	aclrtStream s;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	span_t sp = { 0, 0 };
	launch_slow(s, &sp);
	mstxMarkA("queued at finalize", s);
	mstxMarkA("env trace mark", NULL);
	assert_int_equal(aclFinalize(), ACL_SUCCESS);
	char *text = slurp(trace_path);
	assert_non_null(text);
	if (!json_valid(text))
		fail_msg("%s is not valid JSON", trace_path);
	assert_non_null(strstr(text, "\"name\":\"env trace mark\""));
	assert_non_null(strstr(text, "\"name\":\"queued at finalize\""));
	free(text);
	unlink(trace_path);
	assert_int_equal(acl_setup(NULL), 0);
}

/* A child run of this program (re-executed, so nothing of the parent's
 * threads is inherited) records markers and exits without aclFinalize:
 * the exit handler writes its trace. */
static int exit_child(void)
{
	if (aclInit(NULL) != ACL_SUCCESS || aclrtSetDevice(0) != ACL_SUCCESS)
		return 2;
	aclrtStream s;
	if (aclrtCreateStream(&s) != ACL_SUCCESS)
		return 3;
	mstxMarkA("child at exit", NULL);
	mstxMarkA("child on stream", s);
	return aclrtSynchronizeStream(s) == ACL_SUCCESS ? 0 : 4;
}

static void test_trace_env_at_exit(void **state)
{
	(void)state;
	char path[300];
	snprintf(path, sizeof path, "%s.child", trace_path);
	unlink(path);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		setenv("WEIR_MSTX_TRACE", path, 1);
		execl("/proc/self/exe", "test_mstx", "--exit-child", (char *)NULL);
		_exit(127);
	}
	int ws = 0;
	assert_int_equal(waitpid(pid, &ws, 0), pid);
	assert_true(WIFEXITED(ws));
	assert_int_equal(WEXITSTATUS(ws), 0);
	char *text = slurp(path);
	if (!text)
		fail_msg("the child wrote no trace to %s", path);
	if (!json_valid(text))
		fail_msg("%s is not valid JSON", path);
	assert_non_null(strstr(text, "\"name\":\"child at exit\""));
	assert_non_null(strstr(text, "\"name\":\"child on stream\""));
	free(text);
	unlink(path);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--exit-child") == 0)
		return exit_child();
	snprintf(trace_path, sizeof trace_path, "/tmp/weir_test_mstx_%d.json", (int)getpid());
	setenv("WEIR_MSTX_TRACE", trace_path, 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mark_without_stream, acl_setup, acl_teardown),
		cmocka_unit_test_setup_teardown(test_mark_waits_for_stream, acl_setup,
		                                acl_teardown),
		cmocka_unit_test_setup_teardown(test_mark_discarded, acl_setup, acl_teardown),
		cmocka_unit_test_setup_teardown(test_range_brackets_kernel, acl_setup,
		                                acl_teardown),
		cmocka_unit_test_setup_teardown(test_range_end_after_stream_destroyed, acl_setup,
		                                acl_teardown),
		cmocka_unit_test_setup_teardown(test_domains, acl_setup, acl_teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, acl_setup, acl_teardown),
		cmocka_unit_test_setup_teardown(test_without_runtime, acl_setup, acl_teardown),
		cmocka_unit_test_setup_teardown(test_message_copy_and_cut, acl_setup, acl_teardown),
		cmocka_unit_test_setup_teardown(test_threads, acl_setup, acl_teardown),
		cmocka_unit_test_setup_teardown(test_ring_overflow, acl_setup, acl_teardown),
		cmocka_unit_test(test_json_checker),
		cmocka_unit_test_setup_teardown(test_trace_write, acl_setup, acl_teardown),
		cmocka_unit_test_setup_teardown(test_trace_env_at_finalize, acl_setup,
		                                acl_teardown),
		cmocka_unit_test(test_trace_env_at_exit),
	};
	int rc = cmocka_run_group_tests_name("mstx", tests, NULL, NULL);
	unsetenv("WEIR_MSTX_TRACE"); /* no trace file of this run at exit */
	unlink(trace_path);          /* the teardowns' aclFinalize wrote one */
	weir_mstx_trace_clear();
	return rc;
}
