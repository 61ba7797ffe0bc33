/*
 * test_stale_handles_all.c - a stale handle of EVERY registry type (issue 9,
 * "must show"): native groups, streams, events and reporters, and the ACL
 * facade's contexts, streams and events.
 *
 * For each type: create an object, destroy it, then create and destroy new
 * objects of that type until one lands in the destroyed object's registry
 * slot (white-box: weir__reg_handle_slot / weir__reg_handle_type, and
 * weir__rcu_barrier to let the grace period that recycles a slot pass). Then
 * every call that takes a handle of that type must answer the documented code
 * for the stale handle (WEIR_EHANDLE natively, include/weir/sched.h; ACL
 * 107017 for streams and events, 107000 for contexts, shared/spec/
 * acl-runtime.md §5, §12), and the new object in the same slot must be
 * untouched by those calls and still work.
 *
 * test_registry_types_covered fails when a layer registers a registry type
 * that this file does not know of (add it here).
 */
#include "common/fixture.h"

#include <signal.h>
#include <unistd.h>

#include "acl/acl.h"
#include "base/rcu.h"
#include "base/registry.h"

#define REUSE_TRIES 256

/* Does handle nw name the registry slot (and type) of the destroyed old? */
static bool same_slot(const void *old, const void *nw)
{
	return weir__reg_handle_slot(nw) == weir__reg_handle_slot(old) &&
	       weir__reg_handle_type(nw) == weir__reg_handle_type(old);
}

/* Create/destroy of one handle type, over void * so that one loop serves
 * every type. */
typedef struct kind {
	const char *name;
	int ok; /* the create's success code */
	int (*create)(void *ctx, void **out);
	int (*destroy)(void *h);
} kind_t;

/* Create objects of kind k until one reuses the slot of the destroyed `old`;
 * every other one is destroyed again. Returns the one in the slot. */
static void *create_in_slot(const kind_t *k, void *ctx, void *old)
{
	for (int i = 0; i < REUSE_TRIES; i++) {
		weir__rcu_barrier(); /* the destroyed object is freed, its slot recycled */
		void *h = NULL;
		int rc = k->create(ctx, &h);
		if (rc != k->ok)
			fail_msg("%s create returned %d", k->name, rc);
		if (same_slot(old, h)) {
			if (h == old)
				fail_msg(
				        "the new %s got the destroyed one's handle value %p: every "
				        "call with the stale handle acts on the new object",
				        k->name, old);
			return h;
		}
		assert_int_equal(k->destroy(h), k->ok);
	}
	fail_msg("no new %s reused the destroyed one's registry slot in %d tries", k->name,
	         REUSE_TRIES);
	return NULL;
}

/* ------------------------------------------------------------------------ */
/* Native handles                                                            */
/* ------------------------------------------------------------------------ */

static int k_nop(void *a, uint32_t b, uint32_t n)
{
	return 0;
}
static _Atomic int g_ran;
static void h_count(void *arg)
{
	(void)arg;
	weir_faa_relaxed(&g_ran, 1); /* read after a sync or a process that ran it */
}

static int mk_group(void *ctx, void **out)
{
	wt_fix_t *f = ctx;
	weir_group_t *g = NULL;
	int rc = weir_group_create(f->rt, 0, &g);
	*out = g;
	return rc;
}
static int rm_group(void *h)
{
	return weir_group_destroy(h);
}
static const kind_t k_group = { "group", WEIR_OK, mk_group, rm_group };

static int mk_stream(void *ctx, void **out)
{
	wt_fix_t *f = ctx;
	weir_stream_t *s = NULL;
	int rc = weir_stream_create(f->g[0], 2, 0, &s);
	*out = s;
	return rc;
}
static int rm_stream(void *h)
{
	return weir_stream_destroy(h);
}
static const kind_t k_stream = { "stream", WEIR_OK, mk_stream, rm_stream };

static int mk_event(void *ctx, void **out)
{
	wt_fix_t *f = ctx;
	weir_event_t *e = NULL;
	int rc = weir_event_create(f->rt, 0, WEIR_EVENT_TIMING, &e);
	*out = e;
	return rc;
}
static int rm_event(void *h)
{
	return weir_event_destroy(h);
}
static const kind_t k_event = { "event", WEIR_OK, mk_event, rm_event };

static int mk_reporter(void *ctx, void **out)
{
	wt_fix_t *f = ctx;
	weir_reporter_t *r = NULL;
	int rc = weir_reporter_create(f->rt, &r);
	*out = r;
	return rc;
}
static int rm_reporter(void *h)
{
	return weir_reporter_destroy(h);
}
static const kind_t k_reporter = { "reporter", WEIR_OK, mk_reporter, rm_reporter };

static void want_all(const int *rc, int n, int want, const char *what)
{
	for (int i = 0; i < n; i++)
		if (rc[i] != want)
			fail_msg("%s: call #%d returned %s (%d), want %s", what, i,
			         weir_status_name(rc[i]), rc[i], weir_status_name(want));
}

static void test_stale_group(void **state)
{
	wt_fix_t *f = *state;
	void *h;
	assert_int_equal(mk_group(f, &h), WEIR_OK);
	weir_group_t *old = h;
	WT_OK(weir_group_destroy(old));
	weir_group_t *nw = create_in_slot(&k_group, f, old);

	int mode0, mode;
	uint32_t dev = 99;
	int code;
	weir_stream_t *s = NULL;
	WT_OK(weir_group_get_failure_mode(nw, &mode0));
	int rc[16], n = 0;
	rc[n++] = weir_group_set_failure_mode(old, !mode0);
	rc[n++] = weir_group_get_failure_mode(old, &mode);
	rc[n++] = weir_group_sync(old, 0);
	rc[n++] = weir_group_sync(old, WEIR_TIMEOUT_INFINITE);
	rc[n++] = weir_group_sync_code(old, 0, &code);
	rc[n++] = weir_group_device(old, &dev);
	rc[n++] = weir_stream_create(old, 0, 0, &s);
	rc[n++] = weir_group_destroy(old);
	rc[n++] = weir_group_destroy_force(old);
	rc[n++] = weir_group_destroy(old);
	want_all(rc, n, WEIR_EHANDLE, "stale group");
	assert_null(s);

	/* the new group is untouched: same mode, alive, usable */
	WT_OK(weir_group_get_failure_mode(nw, &mode));
	assert_int_equal(mode, mode0);
	WT_OK(weir_group_device(nw, &dev));
	assert_int_equal(dev, 0);
	_Atomic uint64_t ctr = 0;
	WT_OK(weir_stream_create(nw, 0, 0, &s));
	WT_OK(wt_launch_count(s, &ctr));
	WT_OK(weir_group_sync(nw, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(weir_load_acquire(&ctr), 1);
	WT_OK(weir_stream_destroy(s));
	WT_OK(weir_group_destroy(nw));
	WT_ASSERT_STATUS(weir_group_destroy(nw), WEIR_EHANDLE);
}

static void test_stale_stream(void **state)
{
	wt_fix_t *f = *state;
	void *h;
	assert_int_equal(mk_stream(f, &h), WEIR_OK);
	weir_stream_t *old = h;
	WT_OK(weir_stream_destroy(old));
	weir_stream_t *nw = create_in_slot(&k_stream, f, old);

	weir_event_t *e;
	weir_reporter_t *rep;
	WT_OK(weir_event_create(f->rt, 0, 0, &e));
	WT_OK(weir_reporter_create(f->rt, &rep));
	int gmode0, gmode, prio;
	WT_OK(weir_group_get_failure_mode(f->g[0], &gmode0));
	weir_stream_stats_t st;
	weir_group_t *g = NULL;
	uint32_t dev;
	uint64_t word;
	int code;
	int rc[32], n = 0;
	rc[n++] = weir_stream_query(old);
	rc[n++] = weir_stream_sync(old, 0);
	rc[n++] = weir_stream_sync(old, WEIR_TIMEOUT_INFINITE);
	rc[n++] = weir_stream_sync_code(old, 0, &code);
	rc[n++] = weir_stream_abort(old);
	rc[n++] = weir_stream_set_failure_mode(old, !gmode0);
	rc[n++] = weir_stream_group(old, &g);
	rc[n++] = weir_stream_device(old, &dev);
	rc[n++] = weir_stream_set_priority(old, 5);
	rc[n++] = weir_stream_priority(old, &prio);
	rc[n++] = weir_stream_user_update(old, ~0ull, 0xff, &word);
	rc[n++] = weir_stream_stats(old, &st);
	rc[n++] = weir_launch(old, k_nop, NULL, 0, 1, 0);
	rc[n++] = weir_launch(old, k_nop, NULL, 0, 4, WEIR_LAUNCH_NONBLOCK);
	rc[n++] = weir_launch_host(old, h_count, NULL);
	rc[n++] = weir_launch_callback(old, h_count, NULL, true);
	rc[n++] = weir_stream_subscribe(old, rep);
	rc[n++] = weir_stream_unsubscribe(old, rep);
	rc[n++] = weir_stream_wait_event(old, e);
	rc[n++] = weir_event_record(e, old);
	rc[n++] = weir_event_reset(e, old);
	rc[n++] = weir_stream_destroy(old);
	rc[n++] = weir_stream_destroy_force(old);
	want_all(rc, n, WEIR_EHANDLE, "stale stream");

	/* the new stream is untouched: nothing submitted, its priority, word,
	 * group mode and reporter as they were; the event never recorded */
	st = wt_stats(nw);
	assert_int_equal(st.submitted, 0);
	WT_OK(weir_stream_priority(nw, &prio));
	assert_int_equal(prio, 2);
	WT_OK(weir_stream_user_update(nw, 0, 0, &word));
	assert_int_equal(word, 0);
	WT_OK(weir_group_get_failure_mode(f->g[0], &gmode));
	assert_int_equal(gmode, gmode0);
	WT_ASSERT_STATUS(weir_launch_callback(nw, h_count, NULL, true), WEIR_ENOSUB);
	bool rec = true;
	WT_OK(weir_event_recorded(e, &rec));
	assert_false(rec);
	/* and it works */
	weir_store_relaxed(&g_ran, 0);
	WT_OK(weir_launch_host(nw, h_count, NULL));
	WT_OK(weir_event_record(e, nw));
	WT_OK(weir_stream_sync(nw, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(weir_load_relaxed(&g_ran), 1);
	WT_OK(weir_event_recorded(e, &rec));
	assert_true(rec);
	WT_OK(weir_stream_destroy(nw));
	WT_ASSERT_STATUS(weir_stream_destroy(nw), WEIR_EHANDLE);
	WT_OK(weir_event_destroy(e));
	WT_OK(weir_reporter_destroy(rep));
}

static void test_stale_event(void **state)
{
	wt_fix_t *f = *state;
	void *h;
	assert_int_equal(mk_event(f, &h), WEIR_OK);
	weir_event_t *old = h;
	WT_OK(weir_event_destroy(old));
	weir_event_t *nw = create_in_slot(&k_event, f, old);

	weir_stream_t *s = wt_stream(f, 0);
	weir_event_t *good;
	WT_OK(weir_event_create(f->rt, 0, WEIR_EVENT_TIMING, &good));
	bool rec;
	uint64_t ns;
	float ms;
	int rc[16], n = 0;
	rc[n++] = weir_event_query(old);
	rc[n++] = weir_event_sync(old, 0);
	rc[n++] = weir_event_sync(old, WEIR_TIMEOUT_INFINITE);
	rc[n++] = weir_event_record(old, s);
	rc[n++] = weir_event_reset(old, s);
	rc[n++] = weir_stream_wait_event(s, old);
	rc[n++] = weir_event_recorded(old, &rec);
	rc[n++] = weir_event_timestamp(old, &ns);
	rc[n++] = weir_event_elapsed(old, good, &ms);
	rc[n++] = weir_event_elapsed(good, old, &ms);
	rc[n++] = weir_event_elapsed(old, nw, &ms);
	rc[n++] = weir_event_destroy(old);
	rc[n++] = weir_event_destroy(old);
	want_all(rc, n, WEIR_EHANDLE, "stale event");

	/* the new event is untouched (never recorded), the stream got nothing */
	weir_stream_stats_t st = wt_stats(s);
	assert_int_equal(st.submitted, 0);
	rec = true;
	WT_OK(weir_event_recorded(nw, &rec));
	assert_false(rec);
	/* and it works */
	WT_OK(weir_event_record(good, s));
	WT_OK(weir_event_record(nw, s));
	WT_OK(weir_event_sync(nw, WEIR_TIMEOUT_INFINITE));
	WT_OK(weir_event_recorded(nw, &rec));
	assert_true(rec);
	WT_OK(weir_event_elapsed(good, nw, &ms));
	WT_OK(weir_event_destroy(nw));
	WT_ASSERT_STATUS(weir_event_destroy(nw), WEIR_EHANDLE);
	WT_OK(weir_event_destroy(good));
	WT_OK(weir_stream_destroy(s));
}

static void test_stale_reporter(void **state)
{
	wt_fix_t *f = *state;
	void *h;
	assert_int_equal(mk_reporter(f, &h), WEIR_OK);
	weir_reporter_t *old = h;
	WT_OK(weir_reporter_destroy(old));
	weir_reporter_t *nw = create_in_slot(&k_reporter, f, old);

	weir_stream_t *sub = wt_stream(f, 0);    /* subscribed to the new reporter */
	weir_stream_t *free_s = wt_stream(f, 0); /* subscribed to none */
	WT_OK(weir_stream_subscribe(sub, nw));
	int rc[8], n = 0;
	rc[n++] = weir_reporter_process(old, 0);
	rc[n++] = weir_stream_subscribe(free_s, old);
	rc[n++] = weir_stream_unsubscribe(sub, old);
	rc[n++] = weir_stream_unsubscribe(free_s, old);
	rc[n++] = weir_reporter_destroy(old);
	rc[n++] = weir_reporter_destroy(old);
	want_all(rc, n, WEIR_EHANDLE, "stale reporter");

	/* the new reporter is untouched: still subscribed by `sub` only */
	WT_ASSERT_STATUS(weir_launch_callback(free_s, h_count, NULL, true), WEIR_ENOSUB);
	weir_store_relaxed(&g_ran, 0);
	WT_OK(weir_launch_callback(sub, h_count, NULL, true));
	/* bounded: a lost callback fails here instead of hanging */
	WT_OK(weir_reporter_process(nw, 30 * WT_S));
	WT_OK(weir_stream_sync(sub, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(weir_load_relaxed(&g_ran), 1);
	WT_OK(weir_stream_unsubscribe(sub, nw));
	WT_OK(weir_reporter_destroy(nw));
	WT_ASSERT_STATUS(weir_reporter_destroy(nw), WEIR_EHANDLE);
	WT_OK(weir_stream_destroy(sub));
	WT_OK(weir_stream_destroy(free_s));
}

/* ------------------------------------------------------------------------ */
/* ACL handles                                                               */
/* ------------------------------------------------------------------------ */

static int acl_setup(void **state)
{
	(void)state;
	setenv("WEIR_NO_PIN", "1", 0);
	setenv("WEIR_DEVICES", "2", 0);
	setenv("WEIR_WORKERS", "1", 0);
	if (aclInit(NULL) != ACL_SUCCESS)
		return -1;
	return aclrtSetDevice(0) == ACL_SUCCESS ? 0 : -1;
}

static int acl_teardown(void **state)
{
	(void)state;
	return aclFinalize() == ACL_SUCCESS ? 0 : -1;
}

static void acl_want_all(const aclError *rc, int n, aclError want, const char *what)
{
	for (int i = 0; i < n; i++)
		if (rc[i] != want)
			fail_msg("%s: call #%d returned %d, want %d", what, i, rc[i], want);
}

static int mk_acl_ctx(void *ctx, void **out)
{
	(void)ctx;
	return aclrtCreateContext(out, 0);
}
static int rm_acl_ctx(void *h)
{
	return aclrtDestroyContext(h);
}
static const kind_t k_acl_ctx = { "ACL context", ACL_SUCCESS, mk_acl_ctx, rm_acl_ctx };

static int mk_acl_stream(void *ctx, void **out)
{
	(void)ctx;
	return aclrtCreateStream(out);
}
static int rm_acl_stream(void *h)
{
	return aclrtDestroyStream(h);
}
static const kind_t k_acl_stream = { "ACL stream", ACL_SUCCESS, mk_acl_stream, rm_acl_stream };

static int mk_acl_event(void *ctx, void **out)
{
	(void)ctx;
	return aclrtCreateEvent(out);
}
static int rm_acl_event(void *h)
{
	return aclrtDestroyEvent(h);
}
static const kind_t k_acl_event = { "ACL event", ACL_SUCCESS, mk_acl_event, rm_acl_event };

static int mk_acl_scfg(void *ctx, void **out)
{
	(void)ctx;
	*out = aclrtCreateStreamConfigHandle();
	return *out ? ACL_SUCCESS : ACL_ERROR_BAD_ALLOC;
}
static int rm_acl_scfg(void *h)
{
	return aclrtDestroyStreamConfigHandle(h);
}
static const kind_t k_acl_scfg = { "ACL stream config", ACL_SUCCESS, mk_acl_scfg, rm_acl_scfg };

static void acl_cb(void *arg)
{
	h_count(arg);
}

static void test_stale_acl_context(void **state)
{
	(void)state;
	aclrtContext dflt, old, nw, cur;
	assert_int_equal(aclrtGetCurrentContext(&dflt), ACL_SUCCESS);
	assert_int_equal(mk_acl_ctx(NULL, &old), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyContext(old), ACL_SUCCESS);
	nw = create_in_slot(&k_acl_ctx, NULL, old);
	assert_int_equal(aclrtSetCurrentContext(dflt), ACL_SUCCESS);

	aclError rc[4];
	int n = 0;
	rc[n++] = aclrtSetCurrentContext(old);
	rc[n++] = aclrtDestroyContext(old);
	rc[n++] = aclrtDestroyContext(old);
	acl_want_all(rc, n, ACL_ERROR_RT_PARAM_INVALID, "stale ACL context");

	/* not switched to, not destroyed: the new context is current only when
	 * set, and works */
	assert_int_equal(aclrtGetCurrentContext(&cur), ACL_SUCCESS);
	assert_ptr_equal(cur, dflt);
	assert_int_equal(aclrtSetCurrentContext(nw), ACL_SUCCESS);
	aclrtStream s;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	weir_store_relaxed(&g_ran, 0);
	assert_int_equal(aclrtLaunchHostFunc(s, acl_cb, NULL), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	assert_int_equal(weir_load_relaxed(&g_ran), 1);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtSetCurrentContext(dflt), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyContext(nw), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyContext(nw), ACL_ERROR_RT_PARAM_INVALID);
}

static void test_stale_acl_stream(void **state)
{
	(void)state;
	aclrtStream old, nw;
	assert_int_equal(mk_acl_stream(NULL, &old), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(old), ACL_SUCCESS);
	nw = create_in_slot(&k_acl_stream, NULL, old);

	aclrtEvent e;
	assert_int_equal(aclrtCreateEvent(&e), ACL_SUCCESS);
	void *dev = NULL;
	assert_int_equal(aclrtMalloc(&dev, 64, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
	unsigned char host[64] = { 0 };
	aclrtStreamStatus ss;
	aclrtStreamAttrValue av = { .failureMode = 1 };
	weir_store_relaxed(&g_ran, 0);
	aclError rc[32];
	int n = 0;
	rc[n++] = aclrtSynchronizeStream(old);
	rc[n++] = aclrtSynchronizeStreamWithTimeout(old, 1000);
	rc[n++] = aclrtStreamQuery(old, &ss);
	rc[n++] = aclrtSetStreamFailureMode(old, 1);
	rc[n++] = aclrtSetStreamAttribute(old, ACL_STREAM_ATTR_FAILURE_MODE, &av);
	rc[n++] = aclrtGetStreamAttribute(old, ACL_STREAM_ATTR_FAILURE_MODE, &av);
	rc[n++] = aclrtLaunchHostFunc(old, acl_cb, NULL);
	rc[n++] = aclrtLaunchCallback(acl_cb, NULL, ACL_CALLBACK_BLOCK, old);
	rc[n++] = aclrtRecordEvent(e, old);
	rc[n++] = aclrtResetEvent(e, old);
	rc[n++] = aclrtStreamWaitEvent(old, e);
	rc[n++] = aclrtStreamWaitEventWithTimeout(old, e, 0);
	rc[n++] = aclrtMemsetAsync(dev, 64, 1, 64, old);
	rc[n++] = aclrtMemcpyAsync(dev, 64, host, 64, ACL_MEMCPY_HOST_TO_DEVICE, old);
	rc[n++] = aclrtSubscribeReport((uint64_t)pthread_self(), old);
	rc[n++] = aclrtStreamAbort(old);
	rc[n++] = aclrtDestroyStream(old);
	rc[n++] = aclrtDestroyStreamForce(old);
	acl_want_all(rc, n, ACL_ERROR_RT_INVALID_HANDLE, "stale ACL stream");
	/* UnSubscribeReport names a (thread, stream) pair: a pair never
	 * subscribed is 107011 whatever the stream (a destroyed stream that was
	 * subscribed is forgotten with 107017; callback.c) */
	assert_int_equal(aclrtUnSubscribeReport((uint64_t)pthread_self(), old),
	                 ACL_ERROR_RT_STREAM_SUBSCRIBE);

	/* the new stream is untouched (nothing ran on it, failure mode as
	 * created) and works */
	assert_int_equal(aclrtSynchronizeStream(nw), ACL_SUCCESS);
	assert_int_equal(weir_load_relaxed(&g_ran), 0);
	av.failureMode = 7;
	assert_int_equal(aclrtGetStreamAttribute(nw, ACL_STREAM_ATTR_FAILURE_MODE, &av),
	                 ACL_SUCCESS);
	assert_int_equal(av.failureMode, 0);
	aclrtEventRecordedStatus rs = ACL_EVENT_RECORDED_STATUS_COMPLETE;
	assert_int_equal(aclrtQueryEventStatus(e, &rs), ACL_SUCCESS);
	assert_int_equal(rs, ACL_EVENT_RECORDED_STATUS_NOT_READY);
	assert_int_equal(aclrtLaunchHostFunc(nw, acl_cb, NULL), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(nw), ACL_SUCCESS);
	assert_int_equal(weir_load_relaxed(&g_ran), 1);
	assert_int_equal(aclrtDestroyStream(nw), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(nw), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtFree(dev), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyEvent(e), ACL_SUCCESS);
}

static void test_stale_acl_event(void **state)
{
	(void)state;
	aclrtEvent old, nw, good;
	aclrtStream s;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtCreateEvent(&good), ACL_SUCCESS);
	assert_int_equal(mk_acl_event(NULL, &old), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyEvent(old), ACL_SUCCESS);
	nw = create_in_slot(&k_acl_event, NULL, old);

	aclrtEventRecordedStatus rs;
	aclrtEventStatus es;
	aclrtEventWaitStatus ws;
	float ms;
	uint64_t ts;
	aclError rc[16];
	int n = 0;
	rc[n++] = aclrtRecordEvent(old, s);
	rc[n++] = aclrtResetEvent(old, s);
	rc[n++] = aclrtStreamWaitEvent(s, old);
	rc[n++] = aclrtStreamWaitEventWithTimeout(s, old, 0);
	rc[n++] = aclrtQueryEventStatus(old, &rs);
	rc[n++] = aclrtQueryEvent(old, &es);
	rc[n++] = aclrtQueryEventWaitStatus(old, &ws);
	rc[n++] = aclrtSynchronizeEvent(old);
	rc[n++] = aclrtSynchronizeEventWithTimeout(old, 1000);
	rc[n++] = aclrtEventElapsedTime(&ms, old, good);
	rc[n++] = aclrtEventElapsedTime(&ms, good, old);
	rc[n++] = aclrtEventGetTimestamp(old, &ts);
	rc[n++] = aclrtDestroyEvent(old);
	rc[n++] = aclrtDestroyEvent(old);
	acl_want_all(rc, n, ACL_ERROR_RT_INVALID_HANDLE, "stale ACL event");

	/* the new event is untouched (never recorded) and works */
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	rs = ACL_EVENT_RECORDED_STATUS_COMPLETE;
	assert_int_equal(aclrtQueryEventStatus(nw, &rs), ACL_SUCCESS);
	assert_int_equal(rs, ACL_EVENT_RECORDED_STATUS_NOT_READY);
	assert_int_equal(aclrtRecordEvent(nw, s), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeEvent(nw), ACL_SUCCESS);
	assert_int_equal(aclrtQueryEventStatus(nw, &rs), ACL_SUCCESS);
	assert_int_equal(rs, ACL_EVENT_RECORDED_STATUS_COMPLETE);
	assert_int_equal(aclrtDestroyEvent(nw), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyEvent(nw), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtDestroyEvent(good), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
}

/* A stream configuration (aclrtStreamConfigHandle): ACL's code for a bad
 * handle of this kind is 100000. */
static void test_stale_acl_stream_config(void **state)
{
	(void)state;
	void *old, *nw;
	assert_int_equal(mk_acl_scfg(NULL, &old), ACL_SUCCESS);
	uint32_t prio = 6;
	assert_int_equal(aclrtSetStreamConfigOpt(old, ACL_RT_STREAM_PRIORITY, &prio, sizeof prio),
	                 ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStreamConfigHandle(old), ACL_SUCCESS);
	nw = create_in_slot(&k_acl_scfg, NULL, old);
	aclrtStream s = NULL;
	uint32_t two = 2;
	aclError rc[8];
	int n = 0;
	rc[n++] = aclrtSetStreamConfigOpt(old, ACL_RT_STREAM_PRIORITY, &two, sizeof two);
	rc[n++] = aclrtCreateStreamV2(&s, old);
	rc[n++] = aclrtDestroyStreamConfigHandle(old);
	rc[n++] = aclrtDestroyStreamConfigHandle(old);
	acl_want_all(rc, n, ACL_ERROR_INVALID_PARAM, "stale ACL stream config");
	assert_null(s);
	/* the new configuration is untouched (priority 0) and works */
	assert_int_equal(aclrtCreateStreamV2(&s, nw), ACL_SUCCESS);
	uint32_t got = 99;
	assert_int_equal(aclrtStreamGetPriority(s, &got), ACL_SUCCESS);
	assert_int_equal(got, 0);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStreamConfigHandle(nw), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStreamConfigHandle(nw), ACL_ERROR_INVALID_PARAM);
}

/* ------------------------------------------------------------------------ */
/* Coverage of the registry's types                                          */
/* ------------------------------------------------------------------------ */

/* Every registry type the library hands out is tested above: the native
 * types WEIR_T_GROUP..WEIR_T_REPORTER, and the ACL facade's three (context,
 * event and stream configuration, registered by aclInit; an ACL stream is a
 * native stream handle). A
 * new type id asked for now must be the next after those; if it is not, some
 * layer registers a type this file does not test. */
static void test_registry_types_covered(void **state)
{
	(void)state;
	assert_int_equal(WEIR_T_FIXED_LAST, WEIR_T_REPORTER);
	aclrtContext c;
	aclrtEvent e;
	aclrtStream s;
	assert_int_equal(aclrtGetCurrentContext(&c), ACL_SUCCESS);
	assert_int_equal(aclrtCreateEvent(&e), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	uint32_t tc = weir__reg_handle_type(c), te = weir__reg_handle_type(e);
	assert_true(tc > WEIR_T_FIXED_LAST && te > WEIR_T_FIXED_LAST && tc != te);
	assert_int_equal(weir__reg_handle_type(s), WEIR_T_STREAM);
	uint32_t probe = weir__reg_type("test_stale_handles_all.probe");
	if (probe != WEIR_T_FIXED_LAST + 4)
		fail_msg("registry type id %u is the next free one, expected %u: a layer "
		         "registers a handle type that test_stale_handles_all.c does not test",
		         probe, WEIR_T_FIXED_LAST + 4);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyEvent(e), ACL_SUCCESS);
}

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "test_stale_handles_all: watchdog expired (a call hung)\n";
	ssize_t w = write(2, msg, sizeof msg - 1);
	(void)w;
	_exit(1);
}

int main(void)
{
	signal(SIGALRM, on_alarm);
	alarm(120); /* a hang is a failure, not a stuck CI job */
	const struct CMUnitTest native[] = {
		cmocka_unit_test_setup_teardown(test_stale_group, wt_fix_setup, wt_fix_teardown),
		cmocka_unit_test_setup_teardown(test_stale_stream, wt_fix_setup, wt_fix_teardown),
		cmocka_unit_test_setup_teardown(test_stale_event, wt_fix_setup, wt_fix_teardown),
		cmocka_unit_test_setup_teardown(test_stale_reporter, wt_fix_setup, wt_fix_teardown),
	};
	const struct CMUnitTest acl[] = {
		cmocka_unit_test_setup_teardown(test_stale_acl_context, acl_setup, acl_teardown),
		cmocka_unit_test_setup_teardown(test_stale_acl_stream, acl_setup, acl_teardown),
		cmocka_unit_test_setup_teardown(test_stale_acl_event, acl_setup, acl_teardown),
		cmocka_unit_test_setup_teardown(test_stale_acl_stream_config, acl_setup,
		                                acl_teardown),
		cmocka_unit_test_setup_teardown(test_registry_types_covered, acl_setup,
		                                acl_teardown),
	};
	int rc = cmocka_run_group_tests_name("native handles", native, NULL, NULL);
	rc |= cmocka_run_group_tests_name("ACL handles", acl, NULL, NULL);
	return rc;
}
