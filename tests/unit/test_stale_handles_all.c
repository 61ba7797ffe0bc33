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
 * Issue 10's types get the same rows, plus garbage handles (small integers,
 * junk memory, a never-used slot of the right type, a live handle of another
 * type or kind): native and ACL notifies (ACL 107017), kernel binaries,
 * functions and argument lists (107017), stream configurations (100000),
 * the nine TDT kinds (100000, ACL's TDT code) and TDT queue ids (107000).
 * Issue 11 adds mstx domains (registry type "acl.prof"): the mstx calls
 * return nothing, so a stale domain must be ignored (no event, range id 0)
 * and must not reach the domain that reuses its slot.
 *
 * test_registry_types_covered fails when a layer registers a registry type
 * that this file does not know of (add it here).
 */
#include "common/fixture.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "acl/acl.h"
#include "acl/acl_tdt.h"
#include "acl/acl_tdt_queue.h"
#include "acl/weir_acl.h"
#include "aclnnop/aclnn_add.h"
#include "mstx/ms_tools_ext.h"
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

/* Values that name no live object: small integers, a pointer to junk
 * memory, and a value with the registry's tag and `type` whose slot was
 * never handed out. Returns how many it wrote to out. */
#define N_GARBAGE 4
static void garbage_handles(uint32_t type, void *out[N_GARBAGE])
{
	static unsigned char junk[256];
	memset(junk, 0xA5, sizeof junk);
	out[0] = (void *)(uintptr_t)1;
	out[1] = (void *)(uintptr_t)0xdeadbeefu;
	out[2] = junk;
	out[3] = (void *)(uintptr_t)((7ull << 32) | ((uint64_t)type << 28) | (0xAull << 24) |
	                             0xFFFFF0u);
}

static int mk_notify(void *ctx, void **out)
{
	wt_fix_t *f = ctx;
	weir_notify_t *n = NULL;
	int rc = weir_notify_create(f->rt, 0, &n);
	*out = n;
	return rc;
}
static int rm_notify(void *h)
{
	return weir_notify_destroy(h);
}
static const kind_t k_notify = { "notify", WEIR_OK, mk_notify, rm_notify };

/* Every native call that takes a notify, on h; the codes into rc. */
static int notify_calls(weir_notify_t *h, weir_stream_t *s, int *rc)
{
	int n = 0;
	uint64_t cnt;
	uint32_t u;
	rc[n++] = weir_notify_record(h, s);
	rc[n++] = weir_notify_wait(h, s, 0);
	rc[n++] = weir_notify_wait(h, s, WEIR_TIMEOUT_INFINITE);
	rc[n++] = weir_notify_wait(h, s, 1000000);
	rc[n++] = weir_notify_pending(h, &cnt);
	rc[n++] = weir_notify_id(h, &u);
	rc[n++] = weir_notify_device(h, &u);
	rc[n++] = weir_notify_destroy(h);
	rc[n++] = weir_notify_destroy(h);
	return n;
}

static void test_stale_notify(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s = wt_stream(f, 0);
	void *h;
	assert_int_equal(mk_notify(f, &h), WEIR_OK);
	weir_notify_t *old = h;
	WT_OK(weir_notify_record(old, s)); /* a record left pending on the old one */
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	WT_OK(weir_notify_destroy(old));
	weir_notify_t *nw = create_in_slot(&k_notify, f, old);
	weir_stream_stats_t st0 = wt_stats(s);

	int rc[16], n = notify_calls(old, s, rc);
	want_all(rc, n, WEIR_EHANDLE, "stale notify");
	void *bad[N_GARBAGE + 1];
	garbage_handles(weir__reg_handle_type(nw), bad);
	bad[N_GARBAGE] = s; /* a live handle of another type */
	for (int g = 0; g <= N_GARBAGE; g++) {
		n = notify_calls(bad[g], s, rc);
		want_all(rc, n, WEIR_EHANDLE, "garbage notify");
	}

	/* the new notify is untouched (nothing pending, nothing queued) */
	uint64_t pend = 9;
	WT_OK(weir_notify_pending(nw, &pend));
	assert_int_equal(pend, 0);
	weir_stream_stats_t st = wt_stats(s);
	assert_int_equal(st.submitted, st0.submitted);
	/* and works: a record releases a wait */
	weir_stream_t *w = wt_stream(f, 1);
	WT_OK(weir_notify_wait(nw, w, 0));
	WT_OK(weir_notify_record(nw, s));
	WT_OK(weir_stream_sync(w, 30 * WT_S));
	WT_OK(weir_notify_pending(nw, &pend));
	assert_int_equal(pend, 0);
	WT_OK(weir_notify_destroy(nw));
	WT_ASSERT_STATUS(weir_notify_destroy(nw), WEIR_EHANDLE);
	WT_OK(weir_stream_destroy(w));
	WT_OK(weir_stream_destroy(s));
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

/* ACL garbage: the native garbage values plus a live handle of another
 * type (type) or of another kind of the same type (other). */
static void acl_garbage(const void *like, void *other, void *out[N_GARBAGE + 1])
{
	garbage_handles(weir__reg_handle_type(like), out);
	out[N_GARBAGE] = other;
}

/* Notifies: a dead or garbage aclrtNotify is 107017 for every call. */
static int mk_acl_notify(void *ctx, void **out)
{
	(void)ctx;
	return aclrtCreateNotify(out, ACL_NOTIFY_DEFAULT);
}
static int rm_acl_notify(void *h)
{
	return aclrtDestroyNotify(h);
}
static const kind_t k_acl_notify = { "ACL notify", ACL_SUCCESS, mk_acl_notify, rm_acl_notify };

static int acl_notify_calls(aclrtNotify h, aclrtStream s, aclError *rc)
{
	int n = 0;
	uint32_t id;
	rc[n++] = aclrtRecordNotify(h, s);
	rc[n++] = aclrtRecordNotify(h, NULL);
	rc[n++] = aclrtWaitAndResetNotify(h, s, 0);
	rc[n++] = aclrtWaitAndResetNotify(h, NULL, 1);
	rc[n++] = aclrtGetNotifyId(h, &id);
	rc[n++] = aclrtDestroyNotify(h);
	rc[n++] = aclrtDestroyNotify(h);
	return n;
}

static void test_stale_acl_notify(void **state)
{
	(void)state;
	aclrtNotify old, nw;
	aclrtStream s;
	aclrtEvent e;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtCreateEvent(&e), ACL_SUCCESS);
	assert_int_equal(mk_acl_notify(NULL, &old), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyNotify(old), ACL_SUCCESS);
	nw = create_in_slot(&k_acl_notify, NULL, old);
	aclError rc[16];
	int n = acl_notify_calls(old, s, rc);
	acl_want_all(rc, n, ACL_ERROR_RT_INVALID_HANDLE, "stale ACL notify");
	void *bad[N_GARBAGE + 1];
	acl_garbage(nw, e, bad);
	for (int g = 0; g <= N_GARBAGE; g++) {
		n = acl_notify_calls(bad[g], s, rc);
		acl_want_all(rc, n, ACL_ERROR_RT_INVALID_HANDLE, "garbage ACL notify");
	}
	/* the new notify is untouched (no record pending: a zero time-out
	 * wait would fail) and works */
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	uint64_t pend = 9;
	assert_int_equal(weir_notify_pending((weir_notify_t *)nw, &pend), WEIR_OK);
	assert_int_equal(pend, 0);
	assert_int_equal(aclrtRecordNotify(nw, s), ACL_SUCCESS);
	assert_int_equal(aclrtWaitAndResetNotify(nw, s, 30), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyNotify(nw), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyNotify(nw), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtDestroyEvent(e), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
}

/* Kernel binaries, functions and argument lists ("acl.kernel"): 107017. */
static int mk_acl_bin(void *ctx, void **out)
{
	(void)ctx;
	return aclrtBinaryLoadFromFile(WEIR_TEST_KERNELS, NULL, out);
}
static int rm_acl_bin(void *h)
{
	return aclrtBinaryUnLoad(h);
}
static const kind_t k_acl_bin = { "ACL binary", ACL_SUCCESS, mk_acl_bin, rm_acl_bin };

static int mk_acl_func(void *ctx, void **out)
{
	(void)ctx;
	aclrtBinHandle b;
	aclError rc = mk_acl_bin(NULL, &b);
	return rc != ACL_SUCCESS ? rc : aclrtBinaryGetFunction(b, "saxpy", out);
}
static int rm_acl_func(void *h)
{
	aclrtBinHandle b;
	aclError rc = aclrtFunctionGetBinary(h, &b);
	return rc != ACL_SUCCESS ? rc : aclrtBinaryUnLoad(b);
}
static const kind_t k_acl_func = { "ACL function", ACL_SUCCESS, mk_acl_func, rm_acl_func };

static int acl_bin_calls(aclrtBinHandle h, aclError *rc)
{
	int n = 0;
	aclrtFuncHandle fh;
	rc[n++] = aclrtBinaryGetFunction(h, "saxpy", &fh);
	rc[n++] = aclrtBinaryGetFunctionByEntry(h, 0x5151, &fh);
	rc[n++] = aclrtBinaryUnLoad(h);
	rc[n++] = aclrtBinaryUnLoad(h);
	return n;
}

/* Every call that takes a function handle; args is a live argument list
 * made for h (a list outliving its function, kernel.c K3). */
static int acl_func_calls(aclrtFuncHandle h, aclrtArgsHandle args, aclrtStream s, aclError *rc)
{
	int n = 0;
	aclrtBinHandle b;
	char name[64];
	size_t sz;
	aclrtArgsHandle a;
	_Alignas(16) unsigned char umem[256] = { 0 };
	_Alignas(16) unsigned char hargs[64] = { 0 };
	rc[n++] = aclrtFunctionGetBinary(h, &b);
	rc[n++] = aclrtGetFunctionName(h, sizeof name, name);
	rc[n++] = aclrtKernelArgsGetHandleMemSize(h, &sz);
	rc[n++] = aclrtKernelArgsGetMemSize(h, 64, &sz);
	rc[n++] = aclrtKernelArgsInit(h, &a);
	rc[n++] = aclrtKernelArgsInitByUserMem(h, (aclrtArgsHandle)umem, hargs, sizeof hargs);
	rc[n++] = aclrtLaunchKernel(h, 1, hargs, sizeof hargs, s);
	rc[n++] = aclrtLaunchKernelV2(h, 1, hargs, sizeof hargs, NULL, s);
	rc[n++] = aclrtLaunchKernelWithConfig(h, 1, s, NULL, args, NULL);
	rc[n++] = aclrtLaunchKernelWithHostArgs(h, 1, s, NULL, hargs, sizeof hargs, NULL, 0);
	return n;
}

static int acl_args_calls(aclrtArgsHandle h, aclrtFuncHandle fn, aclrtStream s, aclError *rc)
{
	int n = 0;
	uint64_t x = 7;
	aclrtParamHandle ph;
	void *buf;
	rc[n++] = aclrtKernelArgsAppend(h, &x, sizeof x, &ph);
	rc[n++] = aclrtKernelArgsAppendPlaceHolder(h, &ph);
	rc[n++] = aclrtKernelArgsGetPlaceHolderBuffer(h, (aclrtParamHandle)(uintptr_t)1, 8, &buf);
	rc[n++] = aclrtKernelArgsParaUpdate(h, (aclrtParamHandle)(uintptr_t)1, &x, sizeof x);
	rc[n++] = aclrtKernelArgsFinalize(h);
	rc[n++] = aclrtLaunchKernelWithConfig(fn, 1, s, NULL, h, NULL);
	return n;
}

static void test_stale_acl_binary(void **state)
{
	(void)state;
	aclrtBinHandle old, nw;
	aclrtStream s;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(mk_acl_bin(NULL, &old), ACL_SUCCESS);
	assert_int_equal(aclrtBinaryUnLoad(old), ACL_SUCCESS);
	nw = create_in_slot(&k_acl_bin, NULL, old);
	aclrtFuncHandle fn;
	assert_int_equal(aclrtBinaryGetFunction(nw, "saxpy", &fn), ACL_SUCCESS);
	aclError rc[16];
	int n = acl_bin_calls(old, rc);
	acl_want_all(rc, n, ACL_ERROR_RT_INVALID_HANDLE, "stale ACL binary");
	void *bad[N_GARBAGE + 1];
	acl_garbage(nw, fn, bad); /* a function is not a binary */
	for (int g = 0; g <= N_GARBAGE; g++) {
		n = acl_bin_calls(bad[g], rc);
		acl_want_all(rc, n, ACL_ERROR_RT_INVALID_HANDLE, "garbage ACL binary");
	}
	/* the new binary is untouched: still loaded, same function */
	aclrtFuncHandle fn2;
	assert_int_equal(aclrtBinaryGetFunction(nw, "saxpy", &fn2), ACL_SUCCESS);
	assert_ptr_equal(fn2, fn);
	assert_int_equal(aclrtBinaryUnLoad(nw), ACL_SUCCESS);
	assert_int_equal(aclrtBinaryUnLoad(nw), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
}

static void test_stale_acl_function(void **state)
{
	(void)state;
	aclrtFuncHandle old, nw;
	aclrtStream s;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(mk_acl_func(NULL, &old), ACL_SUCCESS);
	aclrtArgsHandle args; /* this thread's list, made for the old function */
	assert_int_equal(aclrtKernelArgsInit(old, &args), ACL_SUCCESS);
	assert_int_equal(rm_acl_func(old), ACL_SUCCESS);
	nw = create_in_slot(&k_acl_func, NULL, old);
	weir_store_relaxed(&g_ran, 0);
	aclError rc[16];
	int n = acl_func_calls(old, args, s, rc);
	acl_want_all(rc, n, ACL_ERROR_RT_INVALID_HANDLE, "stale ACL function");
	aclrtBinHandle bin;
	assert_int_equal(aclrtFunctionGetBinary(nw, &bin), ACL_SUCCESS);
	void *bad[N_GARBAGE + 1];
	acl_garbage(nw, bin, bad); /* a binary is not a function */
	for (int g = 0; g <= N_GARBAGE; g++) {
		n = acl_func_calls(bad[g], args, s, rc);
		acl_want_all(rc, n, ACL_ERROR_RT_INVALID_HANDLE, "garbage ACL function");
	}
	/* nothing was queued; the new function is untouched and usable */
	aclrtStreamStatus ss;
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtStreamQuery(s, &ss), ACL_SUCCESS);
	char name[16];
	assert_int_equal(aclrtGetFunctionName(nw, sizeof name, name), ACL_SUCCESS);
	assert_string_equal(name, "saxpy");
	assert_int_equal(rm_acl_func(nw), ACL_SUCCESS);
	assert_int_equal(aclrtFunctionGetBinary(nw, &bin), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
}

/* Argument lists belong to a thread (aclrtKernelArgsInit); one dies when
 * its thread has exited and the next Init reaps it (kernel.c). */
static aclrtFuncHandle g_args_fn;
static void *args_thread(void *p)
{
	*(aclError *)((void **)p)[1] =
	        aclrtKernelArgsInit(g_args_fn, (aclrtArgsHandle *)((void **)p)[0]);
	return NULL;
}
static int mk_acl_args(void *ctx, void **out)
{
	(void)ctx;
	aclError rc = ACL_ERROR_FAILURE;
	void *p[2] = { out, &rc };
	pthread_t t;
	if (pthread_create(&t, NULL, args_thread, p) != 0)
		return ACL_ERROR_FAILURE;
	pthread_join(t, NULL);
	return rc;
}
static int rm_acl_args(void *h)
{
	(void)h; /* an exited thread's list: this thread's next Init reaps it */
	aclrtArgsHandle mine;
	return aclrtKernelArgsInit(g_args_fn, &mine);
}
static const kind_t k_acl_args = { "ACL argument list", ACL_SUCCESS, mk_acl_args, rm_acl_args };

static void test_stale_acl_args(void **state)
{
	(void)state;
	aclrtStream s;
	aclrtBinHandle b;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(mk_acl_bin(NULL, &b), ACL_SUCCESS);
	assert_int_equal(aclrtBinaryGetFunction(b, "saxpy", &g_args_fn), ACL_SUCCESS);
	aclrtArgsHandle old, nw, mine;
	/* this thread's own list first: made later, it would take the slot
	 * that create_in_slot waits for */
	assert_int_equal(aclrtKernelArgsInit(g_args_fn, &mine), ACL_SUCCESS);
	weir__rcu_barrier();
	assert_int_equal(mk_acl_args(NULL, &old), ACL_SUCCESS);
	assert_int_equal(rm_acl_args(old), ACL_SUCCESS);
	nw = create_in_slot(&k_acl_args, NULL, old);
	aclError rc[16];
	int n = acl_args_calls(old, g_args_fn, s, rc);
	acl_want_all(rc, n, ACL_ERROR_RT_INVALID_HANDLE, "stale ACL argument list");
	void *bad[N_GARBAGE + 1];
	acl_garbage(nw, b, bad); /* a binary is not an argument list */
	for (int g = 0; g <= N_GARBAGE; g++) {
		n = acl_args_calls(bad[g], g_args_fn, s, rc);
		acl_want_all(rc, n, ACL_ERROR_RT_INVALID_HANDLE, "garbage ACL argument list");
	}
	/* the new list is untouched (no parameter was appended to it) */
	uint64_t x = 1;
	aclrtParamHandle ph = NULL;
	assert_int_equal(aclrtKernelArgsAppend(nw, &x, sizeof x, &ph), ACL_SUCCESS);
	assert_int_equal((uintptr_t)ph, 1);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	assert_int_equal(rm_acl_args(nw), ACL_SUCCESS);
	assert_int_equal(aclrtKernelArgsFinalize(nw), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtBinaryUnLoad(b), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
}

/* Stream configurations: garbage is refused like a destroyed one (100000). */
static void test_garbage_acl_stream_config(void **state)
{
	(void)state;
	void *live;
	aclrtEvent e;
	assert_int_equal(mk_acl_scfg(NULL, &live), ACL_SUCCESS);
	assert_int_equal(aclrtCreateEvent(&e), ACL_SUCCESS);
	void *bad[N_GARBAGE + 1];
	acl_garbage(live, e, bad);
	for (int g = 0; g <= N_GARBAGE; g++) {
		aclrtStream s = NULL;
		uint32_t two = 2;
		aclError rc[4];
		int n = 0;
		rc[n++] = aclrtSetStreamConfigOpt(bad[g], ACL_RT_STREAM_PRIORITY, &two, sizeof two);
		rc[n++] = aclrtCreateStreamV2(&s, bad[g]);
		rc[n++] = aclrtDestroyStreamConfigHandle(bad[g]);
		acl_want_all(rc, n, ACL_ERROR_INVALID_PARAM, "garbage ACL stream config");
		assert_null(s);
	}
	assert_int_equal(aclrtDestroyStreamConfigHandle(live), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyEvent(e), ACL_SUCCESS);
}

/* TDT objects ("acl.tdt", nine kinds): every call answers 100000
 * (ACL_ERROR_INVALID_PARAM, ACL's TDT code for a bad handle) or its
 * failure value for a dead, garbage or other-kind handle. */
#define TDT_KIND(nm, create, destroy)                            \
	static int mk_##nm(void *ctx, void **out)                \
	{                                                        \
		(void)ctx;                                       \
		*out = (void *)(create);                         \
		return *out ? ACL_SUCCESS : ACL_ERROR_BAD_ALLOC; \
	}                                                        \
	static int rm_##nm(void *h)                              \
	{                                                        \
		return destroy(h);                               \
	}                                                        \
	static const kind_t k_##nm = { "TDT " #nm, ACL_SUCCESS, mk_##nm, rm_##nm };
static int64_t g_dims[2] = { 2, 3 };
TDT_KIND(item, acltdtCreateDataItem(ACL_TENSOR_DATA_TENSOR, g_dims, 2, ACL_FLOAT, NULL, 0),
         acltdtDestroyDataItem)
TDT_KIND(dataset, acltdtCreateDataset(), acltdtDestroyDataset)
TDT_KIND(channel, acltdtCreateChannelWithCapacity(0, "stale", 4), acltdtDestroyChannel)
TDT_KIND(qattr, acltdtCreateQueueAttr(), acltdtDestroyQueueAttr)
TDT_KIND(route, acltdtCreateQueueRoute(1, 2), acltdtDestroyQueueRoute)
TDT_KIND(rlist, acltdtCreateQueueRouteList(), acltdtDestroyQueueRouteList)
TDT_KIND(query, acltdtCreateQueueRouteQueryInfo(), acltdtDestroyQueueRouteQueryInfo)
static int mk_buf(void *ctx, void **out)
{
	(void)ctx;
	return acltdtAllocBuf(64, ACL_TDT_NORMAL_MEM, out);
}
static int rm_buf(void *h)
{
	return acltdtFreeBuf(h);
}
static const kind_t k_buf = { "TDT buf", ACL_SUCCESS, mk_buf, rm_buf };

/* Live objects of every kind, for the calls that take two handles. */
typedef struct tdt_live {
	void *item, *dataset, *channel, *qattr, *route, *rlist, *query, *buf;
} tdt_live_t;

/* The calls on handle h of kind `kind` (the others from L); codes into rc;
 * a call returning no code adds ACL_ERROR_INVALID_PARAM when it returned
 * its failure value, ACL_SUCCESS otherwise. */
static int tdt_calls(const kind_t *kind, void *h, const tdt_live_t *L, aclError *rc)
{
	int n = 0;
	size_t sz, a, b;
	int64_t dims[4];
	uint32_t u;
	void *p;
#define NOCODE(cond) (rc[n++] = (cond) ? ACL_ERROR_INVALID_PARAM : ACL_SUCCESS)
	if (kind == &k_item) {
		NOCODE(acltdtGetTensorTypeFromItem(h) == ACL_TENSOR_DATA_UNDEFINED);
		NOCODE(acltdtGetDataTypeFromItem(h) == ACL_DT_UNDEFINED);
		NOCODE(acltdtGetDataAddrFromItem(h) == NULL);
		NOCODE(acltdtGetDataSizeFromItem(h) == 0);
		NOCODE(acltdtGetDimNumFromItem(h) == 0);
		rc[n++] = acltdtGetSliceInfoFromItem(h, &a, &b);
		rc[n++] = acltdtGetDimsFromItem(h, dims, 4);
		rc[n++] = acltdtAddDataItem(L->dataset, h);
		rc[n++] = acltdtDestroyDataItem(h);
	} else if (kind == &k_dataset) {
		NOCODE(acltdtGetDataItem(h, 0) == NULL);
		rc[n++] = acltdtAddDataItem(h, L->item);
		NOCODE(acltdtGetDatasetSize(h) == 0);
		NOCODE(acltdtGetDatasetName(h) == NULL);
		rc[n++] = acltdtSendTensor(L->channel, h, 0);
		rc[n++] = acltdtReceiveTensor(L->channel, h, 0);
		rc[n++] = acltdtDestroyDataset(h);
	} else if (kind == &k_channel) {
		rc[n++] = acltdtSendTensor(h, L->dataset, 0);
		rc[n++] = acltdtReceiveTensor(h, L->dataset, 0);
		rc[n++] = acltdtQueryChannelSize(h, &sz);
		rc[n++] = acltdtCleanChannel(h);
		rc[n++] = acltdtStopChannel(h);
		rc[n++] = acltdtDestroyChannel(h);
	} else if (kind == &k_qattr) {
		uint32_t depth = 4;
		rc[n++] = acltdtSetQueueAttr(h, ACL_TDT_QUEUE_DEPTH_UINT32, sizeof depth, &depth);
		rc[n++] = acltdtGetQueueAttr(h, ACL_TDT_QUEUE_DEPTH_UINT32, sizeof depth, &sz,
		                             &depth);
		u = 0;
		rc[n++] = acltdtCreateQueue(h, &u);
		rc[n++] = acltdtDestroyQueueAttr(h);
	} else if (kind == &k_route) {
		rc[n++] = acltdtGetQueueRouteParam(h, ACL_TDT_QUEUE_ROUTE_SRC_UINT32, sizeof u, &sz,
		                                   &u);
		rc[n++] = acltdtAddQueueRoute(L->rlist, h);
		rc[n++] = acltdtGetQueueRoute(L->rlist, 0, h);
		rc[n++] = acltdtDestroyQueueRoute(h);
	} else if (kind == &k_rlist) {
		rc[n++] = acltdtAddQueueRoute(h, L->route);
		rc[n++] = acltdtGetQueueRoute(h, 0, L->route);
		NOCODE(acltdtGetQueueRouteNum(h) == 0);
		rc[n++] = acltdtBindQueueRoutes(h);
		rc[n++] = acltdtUnbindQueueRoutes(h);
		rc[n++] = acltdtQueryQueueRoutes(L->query, h);
		rc[n++] = acltdtDestroyQueueRouteList(h);
	} else if (kind == &k_query) {
		u = ACL_TDT_QUEUE_ROUTE_QUERY_SRC;
		rc[n++] = acltdtSetQueueRouteQueryInfo(h, ACL_TDT_QUEUE_ROUTE_QUERY_MODE_ENUM,
		                                       sizeof u, &u);
		rc[n++] = acltdtQueryQueueRoutes(h, L->rlist);
		rc[n++] = acltdtDestroyQueueRouteQueryInfo(h);
	} else if (kind == &k_buf) {
		unsigned char ud[8] = { 0 };
		rc[n++] = acltdtGetBufData(h, &p, &sz);
		rc[n++] = acltdtSetBufDataLen(h, 1);
		rc[n++] = acltdtGetBufDataLen(h, &sz);
		rc[n++] = acltdtAppendBufChain(h, L->buf);
		rc[n++] = acltdtAppendBufChain(L->buf, h);
		rc[n++] = acltdtGetBufChainNum(h, &u);
		rc[n++] = acltdtGetBufFromChain(h, 0, &p);
		rc[n++] = acltdtGetBufUserData(h, ud, sizeof ud, 0);
		rc[n++] = acltdtSetBufUserData(h, ud, sizeof ud, 0);
		rc[n++] = acltdtCopyBufRef(h, &p);
		rc[n++] = acltdtFreeBuf(h);
		rc[n++] = acltdtFreeBuf(h);
	}
#undef NOCODE
	return n;
}

static void test_stale_tdt(void **state)
{
	(void)state;
	tdt_live_t L;
	assert_int_equal(mk_item(NULL, &L.item), ACL_SUCCESS);
	assert_int_equal(mk_dataset(NULL, &L.dataset), ACL_SUCCESS);
	assert_int_equal(mk_channel(NULL, &L.channel), ACL_SUCCESS);
	assert_int_equal(mk_qattr(NULL, &L.qattr), ACL_SUCCESS);
	assert_int_equal(mk_route(NULL, &L.route), ACL_SUCCESS);
	assert_int_equal(mk_rlist(NULL, &L.rlist), ACL_SUCCESS);
	assert_int_equal(mk_query(NULL, &L.query), ACL_SUCCESS);
	assert_int_equal(mk_buf(NULL, &L.buf), ACL_SUCCESS);
	uint32_t mode = ACL_TDT_QUEUE_ROUTE_QUERY_SRC_AND_DST, src = 1, dst = 2;
	assert_int_equal(acltdtSetQueueRouteQueryInfo(L.query, ACL_TDT_QUEUE_ROUTE_QUERY_MODE_ENUM,
	                                              sizeof mode, &mode),
	                 ACL_SUCCESS);
	assert_int_equal(acltdtSetQueueRouteQueryInfo(L.query,
	                                              ACL_TDT_QUEUE_ROUTE_QUERY_SRC_ID_UINT32,
	                                              sizeof src, &src),
	                 ACL_SUCCESS);
	assert_int_equal(acltdtSetQueueRouteQueryInfo(L.query,
	                                              ACL_TDT_QUEUE_ROUTE_QUERY_DST_ID_UINT32,
	                                              sizeof dst, &dst),
	                 ACL_SUCCESS);
	const kind_t *kinds[] = { &k_item,  &k_dataset, &k_channel, &k_qattr,
		                  &k_route, &k_rlist,   &k_query,   &k_buf };
	/* another kind's live handle for each: the next kind's */
	void *others[] = {
		L.dataset, L.channel, L.qattr, L.route, L.rlist, L.query, L.buf, L.item
	};
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		const kind_t *kd = kinds[k];
		void *old, *nw;
		assert_int_equal(kd->create(NULL, &old), ACL_SUCCESS);
		assert_int_equal(kd->destroy(old), ACL_SUCCESS);
		nw = create_in_slot(kd, NULL, old);
		aclError rc[16];
		char what[64];
		int n = tdt_calls(kd, old, &L, rc);
		snprintf(what, sizeof what, "stale %s", kd->name);
		acl_want_all(rc, n, ACL_ERROR_INVALID_PARAM, what);
		void *bad[N_GARBAGE + 1];
		acl_garbage(nw, others[k], bad);
		snprintf(what, sizeof what, "garbage %s", kd->name);
		for (int g = 0; g <= N_GARBAGE; g++) {
			n = tdt_calls(kd, bad[g], &L, rc);
			acl_want_all(rc, n, ACL_ERROR_INVALID_PARAM, what);
		}
		/* the new object is alive and untouched by those calls */
		assert_int_equal(kd->destroy(nw), ACL_SUCCESS);
		assert_int_equal(kd->destroy(nw), ACL_ERROR_INVALID_PARAM);
	}
	/* the live objects the calls named as partners are untouched */
	size_t sz = 9;
	assert_int_equal(acltdtGetDatasetSize(L.dataset), 0);
	assert_int_equal(acltdtGetQueueRouteNum(L.rlist), 0);
	assert_int_equal(acltdtQueryChannelSize(L.channel, &sz), ACL_SUCCESS);
	assert_int_equal(sz, 0);
	uint32_t num = 0;
	assert_int_equal(acltdtGetBufChainNum(L.buf, &num), ACL_SUCCESS);
	assert_int_equal(num, 1);
	assert_int_equal(rm_item(L.item), ACL_SUCCESS);
	assert_int_equal(rm_dataset(L.dataset), ACL_SUCCESS);
	assert_int_equal(rm_channel(L.channel), ACL_SUCCESS);
	assert_int_equal(rm_qattr(L.qattr), ACL_SUCCESS);
	assert_int_equal(rm_route(L.route), ACL_SUCCESS);
	assert_int_equal(rm_rlist(L.rlist), ACL_SUCCESS);
	assert_int_equal(rm_query(L.query), ACL_SUCCESS);
	assert_int_equal(rm_buf(L.buf), ACL_SUCCESS);
}

/* Queues are named by id (generation << 12 | index): a destroyed or never
 * created id is 107000 (ACL_ERROR_RT_PARAM_INVALID) for every call. */
static int tdt_queue_calls(uint32_t qid, void *buf, aclError *rc)
{
	int n = 0;
	void *got;
	unsigned char data[8] = { 1 };
	size_t ret;
	uint32_t perm;
	rc[n++] = acltdtEnqueue(qid, buf, 0);
	rc[n++] = acltdtDequeue(qid, &got, 0);
	rc[n++] = acltdtEnqueueData(qid, data, sizeof data, NULL, 0, 0, 0);
	rc[n++] = acltdtDequeueData(qid, data, sizeof data, &ret, NULL, 0, 0);
	rc[n++] = acltdtGrantQueue(qid, (int32_t)getpid(), ACL_TDT_QUEUE_PERMISSION_ENQUEUE, 0);
	rc[n++] = acltdtAttachQueue(qid, 0, &perm);
	rc[n++] = acltdtDestroyQueue(qid);
	return n;
}

static void test_stale_tdt_queue(void **state)
{
	(void)state;
	uint32_t old, nw;
	void *buf;
	assert_int_equal(acltdtCreateQueue(NULL, &old), ACL_SUCCESS);
	assert_int_equal(acltdtDestroyQueue(old), ACL_SUCCESS);
	assert_int_equal(acltdtCreateQueue(NULL, &nw), ACL_SUCCESS);
	assert_int_equal(mk_buf(NULL, &buf), ACL_SUCCESS);
	uint32_t ids[] = { old, 0, 12345u, 0xFFFFFFFFu, nw ^ (1u << 20) };
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		aclError rc[8];
		int n = tdt_queue_calls(ids[i], buf, rc);
		acl_want_all(rc, n, ACL_ERROR_RT_PARAM_INVALID, "stale/garbage TDT queue id");
	}
	/* a route naming a dead queue does not bind */
	void *l = acltdtCreateQueueRouteList(), *r = acltdtCreateQueueRoute(old, nw);
	assert_non_null(l);
	assert_non_null(r);
	assert_int_equal(acltdtAddQueueRoute(l, r), ACL_SUCCESS);
	assert_int_equal(acltdtBindQueueRoutes(l), ACL_ERROR_FAILURE);
	/* the live queue is untouched (empty) and works */
	void *got = NULL;
	assert_int_equal(acltdtDequeue(nw, &got, 0), ACL_ERROR_RT_QUEUE_EMPTY);
	assert_int_equal(acltdtEnqueue(nw, buf, 0), ACL_SUCCESS);
	assert_int_equal(acltdtDequeue(nw, &got, 0), ACL_SUCCESS);
	assert_ptr_equal(got, buf);
	assert_int_equal(acltdtDestroyQueueRoute(r), ACL_SUCCESS);
	assert_int_equal(acltdtDestroyQueueRouteList(l), ACL_SUCCESS);
	assert_int_equal(acltdtFreeBuf(buf), ACL_SUCCESS);
	assert_int_equal(acltdtDestroyQueue(nw), ACL_SUCCESS);
	assert_int_equal(acltdtDestroyQueue(nw), ACL_ERROR_RT_PARAM_INVALID);
}

/* aclnn objects ("aclnn", eight kinds): a destroyed object of each kind,
 * and each kind passed where another is expected, is refused with 161002
 * by every call that takes it. */
static void test_stale_aclnn(void **state)
{
	(void)state;
	int64_t d[1] = { 4 };
	float host[4] = { 1, 2, 3, 4 }, one = 1;
	void *dev = NULL;
	assert_int_equal(aclrtMalloc(&dev, 16, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
	assert_int_equal(aclrtMemcpy(dev, 16, host, 16, ACL_MEMCPY_HOST_TO_DEVICE), ACL_SUCCESS);
	aclTensor *t = aclCreateTensor(d, 1, ACL_FLOAT, NULL, 0, ACL_FORMAT_ND, d, 1, dev);
	aclTensor *live = aclCreateTensor(d, 1, ACL_FLOAT, NULL, 0, ACL_FORMAT_ND, d, 1, dev);
	aclScalar *sc = aclCreateScalar(&one, ACL_FLOAT);
	aclScalar *alpha = aclCreateScalar(&one, ACL_FLOAT);
	aclIntArray *ia = aclCreateIntArray(d, 1);
	aclFloatArray *fa = aclCreateFloatArray(&one, 1);
	bool bv = true;
	aclBoolArray *ba = aclCreateBoolArray(&bv, 1);
	const aclTensor *tl_items[1] = { aclCreateTensor(d, 1, ACL_FLOAT, NULL, 0, ACL_FORMAT_ND, d,
		                                         1, dev) };
	aclTensorList *tl = aclCreateTensorList(tl_items, 1);
	const aclScalar *sl_items[1] = { aclCreateScalar(&one, ACL_FLOAT) };
	aclScalarList *sl = aclCreateScalarList(sl_items, 1);
	uint64_t ws = 0;
	aclOpExecutor *ex = NULL;
	assert_int_equal(aclnnAddGetWorkspaceSize(live, live, alpha, live, &ws, &ex),
	                 ACLNN_SUCCESS);
	aclOpExecutor *dead_ex = ex;
	assert_non_null(t);
	assert_non_null(sc);
	assert_non_null(ia);
	assert_non_null(fa);
	assert_non_null(ba);
	assert_non_null(tl);
	assert_non_null(sl);
	/* wrong kinds first (all live) */
	uint64_t n;
	assert_int_equal(aclGetIntArraySize((aclIntArray *)fa, &n), ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclGetTensorListSize((aclTensorList *)sl, &n), ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnAddGetWorkspaceSize((aclTensor *)sc, live, alpha, live, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnAdd(NULL, 0, (aclOpExecutor *)t, NULL), ACLNN_ERR_PARAM_INVALID);
	/* destroyed */
	assert_int_equal(aclDestroyTensor(t), ACLNN_SUCCESS);
	assert_int_equal(aclDestroyScalar(sc), ACLNN_SUCCESS);
	assert_int_equal(aclDestroyIntArray(ia), ACLNN_SUCCESS);
	assert_int_equal(aclDestroyFloatArray(fa), ACLNN_SUCCESS);
	assert_int_equal(aclDestroyBoolArray(ba), ACLNN_SUCCESS);
	assert_int_equal(aclDestroyTensorList(tl), ACLNN_SUCCESS);
	assert_int_equal(aclDestroyScalarList(sl), ACLNN_SUCCESS);
	assert_int_equal(aclDestroyAclOpExecutor(dead_ex), ACLNN_SUCCESS);
	int64_t *v;
	aclDataType dt;
	assert_int_equal(aclGetViewShape(t, &v, &n), ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclGetDataType(t, &dt), ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclDestroyTensor(t), ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclDestroyTensor(tl_items[0]), ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclDestroyScalar(sc), ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclDestroyScalar(sl_items[0]), ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclGetIntArraySize(ia, &n), ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclGetFloatArraySize(fa, &n), ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclGetBoolArraySize(ba, &n), ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclGetTensorListSize(tl, &n), ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclGetScalarListSize(sl, &n), ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnAddGetWorkspaceSize(t, live, alpha, live, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnAddGetWorkspaceSize(live, live, sc, live, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnAdd(NULL, 0, dead_ex, NULL), ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclSetAclOpExecutorRepeatable(dead_ex), ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclSetInputTensorAddr(dead_ex, 0, live, dev), ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclDestroyTensor(live), ACLNN_SUCCESS);
	assert_int_equal(aclDestroyScalar(alpha), ACLNN_SUCCESS);
	assert_int_equal(aclrtFree(dev), ACL_SUCCESS);
}

/* ------------------------------------------------------------------------ */
/* mstx domains ("acl.prof")                                                 */
/* ------------------------------------------------------------------------ */

static int mk_mstx_domain(void *ctx, void **out)
{
	(void)ctx;
	*out = mstxDomainCreateA("stale_probe");
	return *out ? 0 : -1;
}

static int rm_mstx_domain(void *h)
{
	mstxDomainDestroy((mstxDomainHandle_t)h);
	return 0;
}

/* Events in the mstx trace now, and the newest one's domain. */
static size_t mstx_events(char *last_domain, size_t len)
{
	static weir_mstx_event_t ev[8];
	size_t n = 0;
	assert_int_equal(weir_mstx_trace_read(ev, 8, &n, NULL), WEIR_OK);
	if (n && last_domain)
		snprintf(last_domain, len, "%s", ev[n - 1].domain);
	return n;
}

static void test_stale_mstx_domain(void **state)
{
	(void)state;
	static const kind_t k = { "mstx domain", 0, mk_mstx_domain, rm_mstx_domain };
	void *old;
	assert_int_equal(mk_mstx_domain(NULL, &old), 0);
	mstxDomainDestroy((mstxDomainHandle_t)old);
	void *nw = create_in_slot(&k, NULL, old);
	mstxDomainHandle_t stale = (mstxDomainHandle_t)old;
	mstxDomainHandle_t live = (mstxDomainHandle_t)nw;
	mstxRangeId open = mstxDomainRangeStartA(live, "live range", NULL);
	assert_int_not_equal(open, 0);
	weir_mstx_trace_clear();
	mstxDomainMarkA(stale, "stale", NULL);
	assert_int_equal(mstxDomainRangeStartA(stale, "stale", NULL), 0);
	mstxDomainRangeEnd(stale, open); /* the live domain's range: not ended */
	mstxDomainDestroy(stale);        /* must not destroy the live one */
	assert_int_equal(mstx_events(NULL, 0), 0);
	char dom[64];
	mstxDomainMarkA(live, "live", NULL);
	assert_int_equal(mstx_events(dom, sizeof dom), 1);
	assert_string_equal(dom, "stale_probe");
	mstxDomainRangeEnd(live, open);
	assert_int_equal(mstx_events(NULL, 0), 2);
	/* Garbage: a live handle of another type, a small integer. */
	aclrtContext c;
	assert_int_equal(aclrtGetCurrentContext(&c), ACL_SUCCESS);
	mstxDomainMarkA((mstxDomainHandle_t)c, "ctx", NULL);
	mstxDomainMarkA((mstxDomainHandle_t)(uintptr_t)7, "seven", NULL);
	mstxDomainDestroy((mstxDomainHandle_t)c);
	assert_int_equal(mstx_events(NULL, 0), 2);
	assert_int_equal(aclrtGetCurrentContext(&c), ACL_SUCCESS); /* still live */
	mstxDomainDestroy(live);
	mstxDomainMarkA(live, "after destroy", NULL);
	assert_int_equal(mstx_events(NULL, 0), 2);
	weir_mstx_trace_clear();
}

/* ------------------------------------------------------------------------ */
/* Coverage of the registry's types                                          */
/* ------------------------------------------------------------------------ */

/* Every registry type the library hands out is tested above: the native
 * types WEIR_T_GROUP..WEIR_T_REPORTER, the ACL facade's three registered by
 * aclInit (context, event and stream configuration; an ACL stream is a
 * native stream handle), and the five registered on first use: notifies
 * ("sched.notify"), kernel binaries, functions and argument lists
 * ("acl.kernel"), the nine TDT kinds ("acl.tdt"), the eight aclnn kinds
 * ("aclnn") and mstx domains ("acl.prof"). One object of each lazy
 * type is made first, so that each has its id; a new type id asked for then
 * must be the next after those. If it is not, some layer registers a type
 * this file does not test.
 *
 * The type field has 4 bits (WEIR_T_MAX 15): 12 ids are in use, 3 are left
 * for every layer together. */
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
	aclrtNotify nt;
	aclrtBinHandle bin;
	assert_int_equal(aclrtCreateNotify(&nt, ACL_NOTIFY_DEFAULT), ACL_SUCCESS);
	assert_int_equal(mk_acl_bin(NULL, &bin), ACL_SUCCESS);
	acltdtDataset *ds = acltdtCreateDataset();
	assert_non_null(ds);
	aclIntArray *nn = aclCreateIntArray(NULL, 0);
	assert_non_null(nn);
	mstxDomainHandle_t md = mstxDomainCreateA("types_covered");
	assert_non_null(md);
	uint32_t lazy[] = { weir__reg_handle_type(nt), weir__reg_handle_type(bin),
		            weir__reg_handle_type(ds), weir__reg_handle_type(nn),
		            weir__reg_handle_type(md) };
	for (int i = 0; i < 5; i++) {
		assert_true(lazy[i] > WEIR_T_FIXED_LAST && lazy[i] <= WEIR_T_MAX);
		assert_true(lazy[i] != tc && lazy[i] != te);
		for (int j = 0; j < i; j++)
			assert_true(lazy[i] != lazy[j]);
	}
	uint32_t probe = weir__reg_type("test_stale_handles_all.probe");
	if (probe != WEIR_T_FIXED_LAST + 9)
		fail_msg("registry type id %u is the next free one, expected %u: a layer "
		         "registers a handle type that test_stale_handles_all.c does not test",
		         probe, WEIR_T_FIXED_LAST + 9);
	mstxDomainDestroy(md);
	assert_int_equal(aclDestroyIntArray(nn), ACLNN_SUCCESS);
	assert_int_equal(acltdtDestroyDataset(ds), ACL_SUCCESS);
	assert_int_equal(aclrtBinaryUnLoad(bin), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyNotify(nt), ACL_SUCCESS);
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
	alarm(240); /* a hang is a failure, not a stuck CI job */
	const struct CMUnitTest native[] = {
		cmocka_unit_test_setup_teardown(test_stale_group, wt_fix_setup, wt_fix_teardown),
		cmocka_unit_test_setup_teardown(test_stale_stream, wt_fix_setup, wt_fix_teardown),
		cmocka_unit_test_setup_teardown(test_stale_event, wt_fix_setup, wt_fix_teardown),
		cmocka_unit_test_setup_teardown(test_stale_reporter, wt_fix_setup, wt_fix_teardown),
		cmocka_unit_test_setup_teardown(test_stale_notify, wt_fix_setup, wt_fix_teardown),
	};
	const struct CMUnitTest acl[] = {
		cmocka_unit_test_setup_teardown(test_stale_acl_context, acl_setup, acl_teardown),
		cmocka_unit_test_setup_teardown(test_stale_acl_stream, acl_setup, acl_teardown),
		cmocka_unit_test_setup_teardown(test_stale_acl_event, acl_setup, acl_teardown),
		cmocka_unit_test_setup_teardown(test_stale_acl_stream_config, acl_setup,
		                                acl_teardown),
		cmocka_unit_test_setup_teardown(test_garbage_acl_stream_config, acl_setup,
		                                acl_teardown),
		cmocka_unit_test_setup_teardown(test_stale_acl_notify, acl_setup, acl_teardown),
		cmocka_unit_test_setup_teardown(test_stale_acl_binary, acl_setup, acl_teardown),
		cmocka_unit_test_setup_teardown(test_stale_acl_function, acl_setup, acl_teardown),
		cmocka_unit_test_setup_teardown(test_stale_acl_args, acl_setup, acl_teardown),
		cmocka_unit_test_setup_teardown(test_stale_tdt, acl_setup, acl_teardown),
		cmocka_unit_test_setup_teardown(test_stale_tdt_queue, acl_setup, acl_teardown),
		cmocka_unit_test_setup_teardown(test_stale_aclnn, acl_setup, acl_teardown),
		cmocka_unit_test_setup_teardown(test_stale_mstx_domain, acl_setup, acl_teardown),
		cmocka_unit_test_setup_teardown(test_registry_types_covered, acl_setup,
		                                acl_teardown),
	};
	int rc = cmocka_run_group_tests_name("native handles", native, NULL, NULL);
	rc |= cmocka_run_group_tests_name("ACL handles", acl, NULL, NULL);
	return rc;
}
