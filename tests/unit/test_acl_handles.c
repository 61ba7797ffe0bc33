/*
 * test_acl_handles.c - stale and garbage ACL handles (weir issue 8, defect 5).
 *
 * An event, context or stream is destroyed, then new ones are created until
 * one reuses the storage behind the destroyed handle: the same address (what
 * an address-keyed registry hands out again) or the same registry slot (with
 * generation handles). Every call with the stale handle must then return the
 * spec's code for an invalid handle (107017 for streams and events, 107000
 * for contexts, shared/spec/acl-runtime.md §5, §12) and leave the new object
 * untouched. Garbage values (small integers, stack and heap addresses, forged
 * generations, other kinds' handles) too. White-box only in how reuse is
 * detected (base/registry.h) and in forcing the grace period that recycles a
 * slot (weir__rcu_barrier).
 */
#include "common/oracle.h"

#include "acl/acl.h"
#include "acl_compat/acl_internal.h"
#include "base/rcu.h"
#include "base/registry.h"

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
	return aclFinalize() == ACL_SUCCESS ? 0 : -1;
}

/* Does `nw` reuse what stood behind the destroyed `old`? */
static bool aliases(const void *old, const void *nw)
{
	return nw == old || (weir__reg_handle_slot(nw) == weir__reg_handle_slot(old) &&
	                     weir__reg_handle_type(nw) == weir__reg_handle_type(old));
}

#define REUSE_TRIES 256

static void assert_msg_has(const char *needle)
{
	const char *m = aclGetRecentErrMsg();
	if (!m || !strstr(m, needle))
		fail_msg("recent error message '%s' does not mention '%s'", m ? m : "(null)",
		         needle);
}

static _Atomic int g_ran;
static void count_fn(void *arg)
{
	(void)arg;
	weir_faa_relaxed(&g_ran, 1); /* read after a synchronize */
}

/* ------------------------------------------------------------------------ */
/* Events                                                                    */
/* ------------------------------------------------------------------------ */

/* Every event call with `bad` returns 107017; s is a live stream. */
static void check_bad_event(aclrtEvent bad, aclrtEvent good, aclrtStream s, const char *what)
{
	aclrtEventRecordedStatus rs;
	aclrtEventStatus es;
	aclrtEventWaitStatus ws;
	float ms;
	uint64_t ts;
	aclError rc[16];
	int n = 0;
	rc[n++] = aclrtRecordEvent(bad, s);
	rc[n++] = aclrtResetEvent(bad, s);
	rc[n++] = aclrtStreamWaitEvent(s, bad);
	rc[n++] = aclrtStreamWaitEventWithTimeout(s, bad, 0);
	rc[n++] = aclrtQueryEventStatus(bad, &rs);
	rc[n++] = aclrtQueryEvent(bad, &es);
	rc[n++] = aclrtQueryEventWaitStatus(bad, &ws);
	rc[n++] = aclrtSynchronizeEvent(bad);
	rc[n++] = aclrtSynchronizeEventWithTimeout(bad, 1000);
	rc[n++] = aclrtEventElapsedTime(&ms, bad, good);
	rc[n++] = aclrtEventElapsedTime(&ms, good, bad);
	rc[n++] = aclrtEventGetTimestamp(bad, &ts);
	for (int i = 0; i < n; i++)
		if (rc[i] != ACL_ERROR_RT_INVALID_HANDLE)
			fail_msg("%s: event call #%d returned %d, want 107017", what, i, rc[i]);
}

static void test_stale_event(void **state)
{
	(void)state;
	aclrtStream s;
	aclrtEvent old, nw = NULL;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtCreateEvent(&old), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyEvent(old), ACL_SUCCESS);
	for (int i = 0; i < REUSE_TRIES; i++) {
		weir__rcu_barrier(); /* the destroyed wrapper is freed, its slot recycled */
		aclrtEvent e;
		assert_int_equal(aclrtCreateEvent(&e), ACL_SUCCESS);
		if (aliases(old, e)) {
			nw = e;
			break;
		}
		assert_int_equal(aclrtDestroyEvent(e), ACL_SUCCESS);
	}
	if (!nw)
		fail_msg("no new event reused the destroyed event's storage in %d tries",
		         REUSE_TRIES);
	if (nw == old)
		fail_msg("the new event got the destroyed event's handle value %p: every call "
		         "with the stale handle acts on the new event",
		         old);

	check_bad_event(old, nw, s, "stale event");
	/* the stale calls did nothing to the new event: never recorded */
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	aclrtEventRecordedStatus rs = ACL_EVENT_RECORDED_STATUS_COMPLETE;
	assert_int_equal(aclrtQueryEventStatus(nw, &rs), ACL_SUCCESS);
	assert_int_equal(rs, ACL_EVENT_RECORDED_STATUS_NOT_READY);
	/* destroying the stale handle, twice, leaves the new event alive */
	assert_int_equal(aclrtDestroyEvent(old), ACL_ERROR_RT_INVALID_HANDLE);
	assert_msg_has("not a live event");
	assert_int_equal(aclrtDestroyEvent(old), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtRecordEvent(nw, s), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeEvent(nw), ACL_SUCCESS);
	assert_int_equal(aclrtQueryEventStatus(nw, &rs), ACL_SUCCESS);
	assert_int_equal(rs, ACL_EVENT_RECORDED_STATUS_COMPLETE);
	assert_int_equal(aclrtDestroyEvent(nw), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyEvent(nw), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
}

static void test_garbage_event(void **state)
{
	(void)state;
	aclrtStream s;
	aclrtEvent good;
	aclrtContext ctx;
	static unsigned char junk[256];
	int on_stack[16] = { 0 };
	memset(junk, 0xA5, sizeof junk);
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtCreateEvent(&good), ACL_SUCCESS);
	assert_int_equal(aclrtGetCurrentContext(&ctx), ACL_SUCCESS);
	uintptr_t g = (uintptr_t)good;
	void *bad[] = {
		(void *)(uintptr_t)0x1,
		(void *)(uintptr_t)0x10,
		(void *)(uintptr_t)0x0A000000u,
		(void *)(uintptr_t)0x12345678abcdull,
		(void *)(uintptr_t)0xfffffffffffff000ull,
		on_stack,
		junk,
		junk + 8,
		(void *)(g ^ ((uintptr_t)1 << 40)), /* forged generation */
		(void *)(g + 1),                    /* the next slot */
		s,                                  /* a stream */
		ctx,                                /* a context */
	};
	char what[64];
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(what, sizeof what, "garbage event #%zu", i);
		check_bad_event(bad[i], good, s, what);
		assert_int_equal(aclrtDestroyEvent(bad[i]), ACL_ERROR_RT_INVALID_HANDLE);
	}
	assert_int_equal(aclrtDestroyEvent(good), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
}

/* ------------------------------------------------------------------------ */
/* Contexts                                                                  */
/* ------------------------------------------------------------------------ */

static aclrtContext create_context_aliasing(aclrtContext old)
{
	for (int i = 0; i < REUSE_TRIES; i++) {
		weir__rcu_barrier();
		aclrtContext c;
		assert_int_equal(aclrtCreateContext(&c, 0), ACL_SUCCESS);
		if (aliases(old, c))
			return c;
		assert_int_equal(aclrtDestroyContext(c), ACL_SUCCESS);
	}
	fail_msg("no new context reused the destroyed context's storage in %d tries", REUSE_TRIES);
	return NULL;
}

static void test_stale_context(void **state)
{
	(void)state;
	aclrtContext dflt, old, nw, cur;
	assert_int_equal(aclrtGetCurrentContext(&dflt), ACL_SUCCESS);
	assert_int_equal(aclrtCreateContext(&old, 0), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyContext(old), ACL_SUCCESS);
	nw = create_context_aliasing(old);
	if (nw == old)
		fail_msg("the new context got the destroyed context's handle value %p: every "
		         "call with the stale handle acts on the new context",
		         old);
	assert_int_equal(aclrtSetCurrentContext(dflt), ACL_SUCCESS);

	/* a stale context is "invalid or destroyed": 107000 (spec §5) */
	assert_int_equal(aclrtSetCurrentContext(old), ACL_ERROR_RT_PARAM_INVALID);
	assert_msg_has("not a live context");
	assert_int_equal(aclrtGetCurrentContext(&cur), ACL_SUCCESS);
	assert_ptr_equal(cur, dflt); /* not switched to the new context */
	assert_int_equal(aclrtDestroyContext(old), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtDestroyContext(old), ACL_ERROR_RT_PARAM_INVALID);

	/* the new context is untouched and usable */
	assert_int_equal(aclrtSetCurrentContext(nw), ACL_SUCCESS);
	assert_int_equal(aclrtGetCurrentContext(&cur), ACL_SUCCESS);
	assert_ptr_equal(cur, nw);
	aclrtStream s;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	weir_store_relaxed(&g_ran, 0);
	assert_int_equal(aclrtLaunchHostFunc(s, count_fn, NULL), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	assert_int_equal(weir_load_relaxed(&g_ran), 1);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtSetCurrentContext(dflt), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyContext(nw), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyContext(nw), ACL_ERROR_RT_PARAM_INVALID);
}

/* A thread whose current context was destroyed elsewhere sees "no context"
 * (107002), even once a new context occupies the old one's storage. */
struct cur_thread {
	aclrtContext set;
	pthread_barrier_t b;
	aclError rc_set, rc_get;
	aclrtContext got;
};

static void *cur_thread_main(void *arg)
{
	struct cur_thread *t = arg;
	t->rc_set = aclrtSetCurrentContext(t->set);
	pthread_barrier_wait(&t->b); /* main destroys it and creates the alias */
	pthread_barrier_wait(&t->b);
	t->rc_get = aclrtGetCurrentContext(&t->got);
	return NULL;
}

static void test_stale_current_context_in_other_thread(void **state)
{
	(void)state;
	struct cur_thread t = { 0 };
	aclrtContext dflt;
	assert_int_equal(aclrtGetCurrentContext(&dflt), ACL_SUCCESS);
	assert_int_equal(aclrtCreateContext(&t.set, 0), ACL_SUCCESS);
	pthread_barrier_init(&t.b, NULL, 2);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, cur_thread_main, &t), 0);
	pthread_barrier_wait(&t.b);
	assert_int_equal(aclrtDestroyContext(t.set), ACL_SUCCESS);
	aclrtContext nw = create_context_aliasing(t.set);
	pthread_barrier_wait(&t.b);
	pthread_join(th, NULL);
	pthread_barrier_destroy(&t.b);
	assert_int_equal(t.rc_set, ACL_SUCCESS);
	assert_int_equal(t.rc_get, ACL_ERROR_RT_CONTEXT_NULL);
	assert_int_equal(aclrtSetCurrentContext(dflt), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyContext(nw), ACL_SUCCESS);
}

static void test_garbage_context(void **state)
{
	(void)state;
	aclrtContext c, cur;
	aclrtStream s;
	aclrtEvent e;
	int on_stack = 0;
	assert_int_equal(aclrtGetCurrentContext(&c), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtCreateEvent(&e), ACL_SUCCESS);
	uintptr_t g = (uintptr_t)c;
	void *bad[] = {
		(void *)(uintptr_t)0x1,
		(void *)(uintptr_t)0x12345678abcdull,
		&on_stack,
		(void *)(g ^ ((uintptr_t)1 << 40)),
		(void *)(g + 1),
		s,
		e,
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (aclrtSetCurrentContext(bad[i]) != ACL_ERROR_RT_PARAM_INVALID)
			fail_msg("SetCurrentContext(garbage #%zu) was accepted", i);
		if (aclrtDestroyContext(bad[i]) != ACL_ERROR_RT_PARAM_INVALID)
			fail_msg("DestroyContext(garbage #%zu) was accepted", i);
	}
	assert_int_equal(aclrtGetCurrentContext(&cur), ACL_SUCCESS);
	assert_ptr_equal(cur, c);
	assert_int_equal(aclrtDestroyEvent(e), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
}

/* ------------------------------------------------------------------------ */
/* Streams (already generation-checked; for completeness)                    */
/* ------------------------------------------------------------------------ */

static void test_stale_stream(void **state)
{
	(void)state;
	aclrtStream old, nw = NULL;
	aclrtEvent e;
	aclrtStreamStatus st;
	assert_int_equal(aclrtCreateEvent(&e), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&old), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(old), ACL_SUCCESS);
	for (int i = 0; i < REUSE_TRIES && !nw; i++) {
		weir__rcu_barrier();
		aclrtStream s;
		assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
		if (aliases(old, s))
			nw = s;
		else
			assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
	}
	if (!nw)
		fail_msg("no new stream reused the destroyed stream's slot");
	if (nw == old)
		fail_msg("the new stream got the destroyed stream's handle value %p", old);
	weir_store_relaxed(&g_ran, 0);
	aclError rc[8];
	int n = 0;
	rc[n++] = aclrtSynchronizeStream(old);
	rc[n++] = aclrtSynchronizeStreamWithTimeout(old, 1000);
	rc[n++] = aclrtStreamQuery(old, &st);
	rc[n++] = aclrtLaunchHostFunc(old, count_fn, NULL);
	rc[n++] = aclrtRecordEvent(e, old);
	rc[n++] = aclrtStreamWaitEvent(old, e);
	rc[n++] = aclrtDestroyStream(old);
	rc[n++] = aclrtDestroyStreamForce(old);
	for (int i = 0; i < n; i++)
		if (rc[i] != ACL_ERROR_RT_INVALID_HANDLE)
			fail_msg("stale stream call #%d returned %d, want 107017", i, rc[i]);
	/* the new stream is untouched: nothing ran on it, and it works */
	assert_int_equal(aclrtSynchronizeStream(nw), ACL_SUCCESS);
	assert_int_equal(weir_load_relaxed(&g_ran), 0);
	assert_int_equal(aclrtLaunchHostFunc(nw, count_fn, NULL), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(nw), ACL_SUCCESS);
	assert_int_equal(weir_load_relaxed(&g_ran), 1);
	assert_int_equal(aclrtDestroyStream(nw), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyEvent(e), ACL_SUCCESS);
}

/* Handles from before aclFinalize read as destroyed after a new aclInit,
 * even when the new objects reuse their slots. */
static void test_handles_across_finalize(void **state)
{
	(void)state;
	aclrtEvent e;
	aclrtContext c, cur;
	assert_int_equal(aclrtCreateEvent(&e), ACL_SUCCESS);
	assert_int_equal(aclrtCreateContext(&c, 1), ACL_SUCCESS);
	assert_int_equal(aclFinalize(), ACL_SUCCESS);
	assert_int_equal(aclInit(NULL), ACL_SUCCESS);
	assert_int_equal(aclrtSetDevice(0), ACL_SUCCESS);
	aclrtEvent e2;
	aclrtContext c2;
	assert_int_equal(aclrtCreateContext(&c2, 1), ACL_SUCCESS);
	assert_int_equal(aclrtCreateEvent(&e2), ACL_SUCCESS);
	aclrtEventRecordedStatus rs;
	assert_int_equal(aclrtQueryEventStatus(e, &rs), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtDestroyEvent(e), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtDestroyContext(c), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtSetCurrentContext(c), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtGetCurrentContext(&cur), ACL_SUCCESS);
	assert_ptr_equal(cur, c2);
	assert_int_equal(aclrtDestroyEvent(e2), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyContext(c2), ACL_SUCCESS);
}

int main(int argc, char **argv)
{
	(void)argc;
	/* The facade frees a destroyed object's memory on liburcu's call_rcu
	 * thread; glibc keeps such a chunk in that thread's tcache, where the
	 * main thread's next create never finds it. Without the tcache the
	 * allocator hands the address straight to the next create, the
	 * condition under which address handles alias new objects. Re-run once
	 * with the tcache off, so that these tests meet that condition and
	 * catch an address-keyed registry (sanitizer allocators ignore it). */
	if (!getenv("WEIR_TEST_HANDLES_REEXEC")) {
		char tun[512];
		const char *cur = getenv("GLIBC_TUNABLES");
		snprintf(tun, sizeof tun, "%s%sglibc.malloc.tcache_count=0", cur ? cur : "",
		         cur ? ":" : "");
		setenv("GLIBC_TUNABLES", tun, 1);
		setenv("WEIR_TEST_HANDLES_REEXEC", "1", 1);
		execv("/proc/self/exe", argv);
		/* exec failed: run as we are */
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_stale_event, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_event, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_context, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_current_context_in_other_thread, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_garbage_context, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_stream, setup, teardown),
		cmocka_unit_test_setup_teardown(test_handles_across_finalize, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
