/*
 * Stress: an event's completion and its stream's retirement agree (weir
 * issue 8, defect 12; sched/stream.c invariant 7). 8 threads, each with its
 * own stream and event (ACL: each on a device of its own), run rounds of
 *   [kernel or host function,] record E on S, then one of
 *   a) synchronize E, then query S: it must be COMPLETE (E was S's last task);
 *   b) poll E's query until complete, then query S: COMPLETE;
 *   c) synchronize S, then query E: it must be complete (the converse).
 * ACL (aclrtRecordEvent / aclrtSynchronizeEvent / aclrtQueryEventStatus /
 * aclrtStreamQuery / aclrtSynchronizeStream; a) on a legacy event from
 * aclrtCreateEvent, as the plain ACL program of the report did, b) and c) on
 * an Ex event, whose query follows its latest record: a legacy event's query
 * reads its flag, set since the first record) and native (weir_event_record /
 * weir_event_sync / weir_event_query / weir_stream_query / weir_stream_sync).
 * Rounds per API = WEIR_STRESS_TASKS / 2 in [2000, 1000000] (10^5 by
 * default, 5 * 10^5 in the ASan and TSan lanes, 10^6 in release), over the
 * 8 threads; WEIR_STRESS_TASKS=20000 makes it 10^4. Threads only record; the main thread
 * asserts (tsan.md). A watchdog turns a hang into a failure.
 */
#include "common/fixture.h"

#include "acl/acl.h"

#define NTHR 8

enum { V_QUERY_AFTER_EVENT, V_EVENT_AFTER_STREAM, V_RC, V_NV };
static const char *const vname[V_NV] = {
	"stream query NOT_READY after its last event completed",
	"event not complete after its stream synchronized",
	"unexpected return code",
};

struct thr {
	pthread_t t;
	uint32_t id;
	uint64_t rounds;
	bool acl;
	weir_runtime_t *rt; /* native */
	weir_group_t *g;
	_Atomic uint64_t viol[V_NV];
	_Atomic uint64_t first_round[V_NV]; /* 1 + round of the first violation */
	_Atomic uint64_t done;
	_Atomic uint64_t kernels;
};

static void note(struct thr *t, int v, uint64_t round)
{
	/* relaxed: read by the main thread after join */
	if (weir_faa_relaxed(&t->viol[v], 1) == 0)
		weir_store_relaxed(&t->first_round[v], round + 1);
}

static int k_nop(void *args, uint32_t b, uint32_t nb)
{
	(void)b;
	(void)nb;
	weir_faa_relaxed(*(_Atomic uint64_t **)args, 1); /* relaxed: a count only */
	return 0;
}

static void h_nop(void *arg)
{
	weir_faa_relaxed((_Atomic uint64_t *)arg, 1); /* relaxed: a count only */
}

static void *native_main(void *arg)
{
	struct thr *t = arg;
	weir_stream_t *s;
	weir_event_t *e;
	_Atomic uint64_t *kc = &t->kernels;
	if (weir_stream_create(t->g, 0, 0, &s) != WEIR_OK) {
		note(t, V_RC, 0);
		return NULL;
	}
	if (weir_event_create(t->rt, t->id, 0, &e) != WEIR_OK) {
		note(t, V_RC, 0);
		weir_stream_destroy(s);
		return NULL;
	}
	for (uint64_t r = 0; r < t->rounds; r++) {
		int rc = WEIR_OK;
		if (r % 3 == 0)
			rc = weir_launch(s, k_nop, &kc, sizeof kc, 1, 0);
		else if (r % 257 == 1)
			rc = weir_launch_host(s, h_nop, kc);
		if (rc == WEIR_OK)
			rc = weir_event_record(e, s);
		if (rc != WEIR_OK) {
			note(t, V_RC, r);
			break;
		}
		switch (r % 4) {
		case 0:
		case 1:
			if (weir_event_sync(e, 60 * WT_S) != WEIR_OK) {
				note(t, V_RC, r);
				break;
			}
			if (weir_stream_query(s) != WEIR_OK)
				note(t, V_QUERY_AFTER_EVENT, r);
			break;
		case 2: {
			/* poll: bounded by the watchdog */
			while ((rc = weir_event_query(e)) == WEIR_ENOTREADY)
				sched_yield();
			if (rc != WEIR_OK) {
				note(t, V_RC, r);
				break;
			}
			if (weir_stream_query(s) != WEIR_OK)
				note(t, V_QUERY_AFTER_EVENT, r);
			break;
		}
		default:
			if (weir_stream_sync(s, 60 * WT_S) != WEIR_OK) {
				note(t, V_RC, r);
				break;
			}
			if (weir_event_query(e) != WEIR_OK)
				note(t, V_EVENT_AFTER_STREAM, r);
			break;
		}
		weir_store_relaxed(&t->done, r + 1); /* relaxed: progress report */
	}
	weir_event_destroy(e);
	weir_stream_destroy(s);
	return NULL;
}

static void *acl_main(void *arg)
{
	struct thr *t = arg;
	aclrtStream s;
	aclrtEvent e, x;
	_Atomic uint64_t *kc = &t->kernels;
	if (aclrtSetDevice((int32_t)t->id) != ACL_SUCCESS || aclrtCreateStream(&s) != ACL_SUCCESS) {
		note(t, V_RC, 0);
		return NULL;
	}
	if (aclrtCreateEvent(&e) != ACL_SUCCESS) {
		note(t, V_RC, 0);
		aclrtDestroyStream(s);
		return NULL;
	}
	if (aclrtCreateEventExWithFlag(&x, ACL_EVENT_SYNC) != ACL_SUCCESS) {
		note(t, V_RC, 0);
		aclrtDestroyEvent(e);
		aclrtDestroyStream(s);
		return NULL;
	}
	for (uint64_t r = 0; r < t->rounds; r++) {
		aclError rc = ACL_SUCCESS;
		if (r % 3 == 0)
			rc = weir_launch((weir_stream_t *)s, k_nop, &kc, sizeof kc, 1, 0) == WEIR_OK
			             ? ACL_SUCCESS
			             : ACL_ERROR_RT_INTERNAL_ERROR;
		else if (r % 257 == 1)
			rc = aclrtLaunchHostFunc(s, h_nop, kc);
		if (rc == ACL_SUCCESS)
			rc = aclrtRecordEvent(r % 4 < 2 ? e : x, s);
		if (rc != ACL_SUCCESS) {
			note(t, V_RC, r);
			break;
		}
		aclrtStreamStatus ss = ACL_STREAM_STATUS_RESERVED;
		aclrtEventRecordedStatus es = ACL_EVENT_RECORDED_STATUS_NOT_READY;
		switch (r % 4) {
		case 0:
		case 1:
			if (aclrtSynchronizeEvent(e) != ACL_SUCCESS) {
				note(t, V_RC, r);
				break;
			}
			if (aclrtStreamQuery(s, &ss) != ACL_SUCCESS)
				note(t, V_RC, r);
			else if (ss != ACL_STREAM_STATUS_COMPLETE)
				note(t, V_QUERY_AFTER_EVENT, r);
			break;
		case 2:
			/* poll: bounded by the watchdog */
			while ((rc = aclrtQueryEventStatus(x, &es)) == ACL_SUCCESS &&
			       es != ACL_EVENT_RECORDED_STATUS_COMPLETE)
				sched_yield();
			if (rc != ACL_SUCCESS) {
				note(t, V_RC, r);
				break;
			}
			if (aclrtStreamQuery(s, &ss) != ACL_SUCCESS)
				note(t, V_RC, r);
			else if (ss != ACL_STREAM_STATUS_COMPLETE)
				note(t, V_QUERY_AFTER_EVENT, r);
			break;
		default:
			if (aclrtSynchronizeStream(s) != ACL_SUCCESS) {
				note(t, V_RC, r);
				break;
			}
			if (aclrtQueryEventStatus(x, &es) != ACL_SUCCESS)
				note(t, V_RC, r);
			else if (es != ACL_EVENT_RECORDED_STATUS_COMPLETE)
				note(t, V_EVENT_AFTER_STREAM, r);
			break;
		}
		weir_store_relaxed(&t->done, r + 1); /* relaxed: progress report */
	}
	aclrtDestroyEvent(x);
	aclrtDestroyEvent(e);
	aclrtDestroyStream(s);
	aclrtResetDevice((int32_t)t->id);
	return NULL;
}

static uint64_t rounds_total(void)
{
	return wt_clamp_u64(wt_stress_tasks() / 2, 2000, 1000000);
}

static void run_threads(struct thr *th, const char *what)
{
	uint64_t total = rounds_total();
	uint64_t t0 = wt_now_ns();
	for (uint32_t i = 0; i < NTHR; i++) {
		th[i].id = i;
		th[i].rounds = (total + NTHR - 1) / NTHR;
		assert_int_equal(
		        pthread_create(&th[i].t, NULL, th[i].acl ? acl_main : native_main, &th[i]),
		        0);
	}
	for (uint32_t i = 0; i < NTHR; i++)
		pthread_join(th[i].t, NULL);
	uint64_t bad = 0, done = 0, kernels = 0;
	for (uint32_t i = 0; i < NTHR; i++) {
		done += weir_load_relaxed(&th[i].done);
		kernels += weir_load_relaxed(&th[i].kernels);
		for (int v = 0; v < V_NV; v++) {
			uint64_t n = weir_load_relaxed(&th[i].viol[v]);
			if (n) {
				fprintf(stderr,
				        "  %s thread %u: %" PRIu64 " x %s (first in round %" PRIu64
				        ")\n",
				        what, i, n, vname[v],
				        weir_load_relaxed(&th[i].first_round[v]) - 1);
				bad += n;
			}
		}
	}
	fprintf(stderr,
	        "  %s: %" PRIu64 " rounds (%" PRIu64 " kernels and host functions) on %d "
	        "threads, %.2f s\n",
	        what, done, kernels, NTHR, (double)(wt_now_ns() - t0) / 1e9);
	if (bad)
		fail_msg("%s: %" PRIu64 " ordering violations", what, bad);
	assert_int_equal(done, th[0].rounds * NTHR);
}

static void test_native(void **state)
{
	(void)state;
	static wt_watchdog_t wd; /* outlives a failing test's longjmp */
	wt_watchdog_start(&wd, 600);
	wt_watchdog_phase(&wd, "native rounds");
	weir_config_t c = wt_config(NTHR, 1, 64);
	c.flags |= WEIR_CONFIG_NO_PIN;
	weir_runtime_t *rt;
	WT_OK(weir_runtime_create(&c, &rt));
	static struct thr th[NTHR];
	memset(th, 0, sizeof th);
	for (uint32_t i = 0; i < NTHR; i++) {
		th[i].rt = rt;
		WT_OK(weir_group_create(rt, i, &th[i].g));
	}
	run_threads(th, "native");
	for (uint32_t i = 0; i < NTHR; i++)
		WT_OK(weir_group_destroy(th[i].g));
	weir_runtime_destroy(rt);
	wt_watchdog_stop(&wd);
}

static void test_acl(void **state)
{
	(void)state;
	static wt_watchdog_t wd; /* outlives a failing test's longjmp */
	wt_watchdog_start(&wd, 600);
	wt_watchdog_phase(&wd, "ACL rounds");
	setenv("WEIR_NO_PIN", "1", 0);
	setenv("WEIR_DEVICES", "8", 0);
	setenv("WEIR_WORKERS", "1", 0);
	assert_int_equal(aclInit(NULL), ACL_SUCCESS);
	static struct thr th[NTHR];
	memset(th, 0, sizeof th);
	for (uint32_t i = 0; i < NTHR; i++)
		th[i].acl = true;
	run_threads(th, "ACL");
	assert_int_equal(aclFinalize(), ACL_SUCCESS);
	wt_watchdog_stop(&wd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_native),
		cmocka_unit_test(test_acl),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
