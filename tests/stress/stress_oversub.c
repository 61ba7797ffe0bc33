/*
 * Stress: oversubscription. 8 devices x 4 pinned workers (32 workers) on the
 * machine's few cores, plus one CPU-hog thread per core that never yields,
 * plus submitter threads, event waits and host functions. Liveness only: the
 * whole load must finish within a generous bound (120 s; WEIR_OVERSUB_BOUND_S)
 * - no other timing is asserted. Also checked: every task ran exactly once,
 * and every worker takes part under a load of several streams per device
 * (I8), via weir_device_stats.
 * Tasks = WEIR_STRESS_TASKS / 4.
 */
#include "common/fixture.h"

#define NDEV    8
#define NWORK   4
#define NSPD    8
#define NSTREAM (NDEV * NSPD)
#define NSUB    4

struct otask {
	uint64_t id;
	uint32_t spin;
};

static _Atomic uint32_t *hits;
static _Atomic uint64_t hog_stop, host_runs, sink;
static wt_violations_t viol;
static const char *const vnames[] = { "unexpected status (a=status b=call)" };

static int k_work(void *args, uint32_t b, uint32_t nb)
{
	const struct otask *t = args;
	uint64_t x = t->id | 1;
	for (uint32_t i = 0; i < t->spin; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	weir_faa_relaxed(&sink, x & 1);
	atomic_fetch_add_explicit(&hits[t->id], 1, memory_order_relaxed);
	return 0;
}

static void h_count(void *arg)
{
	weir_faa_relaxed(&host_runs, 1);
}

static void *hog_main(void *arg)
{
	uint64_t x = 1;
	/* bounded by the test: runs until the load is done */
	while (!weir_load_relaxed(&hog_stop))
		for (int i = 0; i < 1000; i++)
			x = x * 6364136223846793005ull + 1;
	weir_faa_relaxed(&sink, x & 1);
	return NULL;
}

struct sub {
	weir_stream_t **st;
	weir_event_t **ev;
	uint64_t id0, n, seed;
	uint64_t hostfns;
	pthread_t thr;
};

static void *sub_main(void *arg)
{
	struct sub *s = arg;
	wt_rng_t rng;
	wt_rng_seed(&rng, s->seed);
	for (uint64_t i = 0; i < s->n; i++) {
		uint32_t d = wt_rng_below(&rng, NDEV);
		uint32_t a = d * NSPD + wt_rng_below(&rng, NSPD);
		struct otask t = { s->id0 + i, 16 + wt_rng_below(&rng, 64) };
		int rc = weir_launch(s->st[a], k_work, &t, sizeof t, 1, 0);
		if (rc != WEIR_OK)
			wt_violation(&viol, 0, (uint64_t)(int64_t)rc, 0, 0);
		uint32_t dice = wt_rng_below(&rng, 128);
		if (dice < 2) {
			/* record on a, wait on b: a cross-stream edge under load;
			 * each submitter owns its events */
			uint32_t b = d * NSPD + wt_rng_below(&rng, NSPD);
			weir_event_t *e = s->ev[d];
			rc = weir_event_record(e, s->st[a]);
			if (rc != WEIR_OK)
				wt_violation(&viol, 0, (uint64_t)(int64_t)rc, 1, 0);
			rc = weir_stream_wait_event(s->st[b], e);
			if (rc != WEIR_OK)
				wt_violation(&viol, 0, (uint64_t)(int64_t)rc, 2, 0);
		} else if (dice == 2) {
			rc = weir_launch_host(s->st[a], h_count, NULL);
			if (rc != WEIR_OK)
				wt_violation(&viol, 0, (uint64_t)(int64_t)rc, 3, 0);
			else
				s->hostfns++;
		}
	}
	return NULL;
}

static bool all_workers_took_part(weir_runtime_t *rt, uint32_t *idle_dev, uint32_t *idle_w)
{
	for (uint32_t d = 0; d < NDEV; d++) {
		weir_worker_stats_t ws[NWORK];
		uint32_t n = NWORK;
		WT_OK(weir_device_stats(rt, d, ws, &n));
		assert_int_equal(n, NWORK);
		for (uint32_t w = 0; w < n; w++)
			if (ws[w].tasks == 0) {
				*idle_dev = d;
				*idle_w = w;
				return false;
			}
	}
	return true;
}

static void test_oversubscribed(void **state)
{
	wt_watchdog_t wd;
	wt_watchdog_start(&wd, 600);
	int base = wt_thread_baseline();
	int64_t bound = (int64_t)wt_env_u64("WEIR_OVERSUB_BOUND_S", 120) * WT_S;
	uint64_t t0 = wt_now_ns();
	uint64_t ntasks = wt_clamp_u64(wt_stress_tasks() / 4, 1000, UINT64_MAX);
	hits = calloc(ntasks, sizeof *hits);
	assert_non_null(hits);

	weir_config_t c = wt_config(NDEV, NWORK, 64);
	weir_runtime_t *rt;
	WT_OK(weir_runtime_create(&c, &rt));
	weir_group_t *g[NDEV];
	static weir_stream_t *st[NSTREAM];
	static weir_event_t *ev[NSUB][NDEV];
	for (uint32_t d = 0; d < NDEV; d++) {
		WT_OK(weir_group_create(rt, d, &g[d]));
		for (uint32_t s = 0; s < NSPD; s++)
			WT_OK(weir_stream_create(g[d], 0, 0, &st[d * NSPD + s]));
		for (uint32_t p = 0; p < NSUB; p++)
			WT_OK(weir_event_create(rt, d, 0, &ev[p][d]));
	}

	int ncpu = wt_cpu_count();
	pthread_t hog[64];
	int nhog = ncpu < 64 ? ncpu : 64;
	for (int i = 0; i < nhog; i++)
		assert_int_equal(pthread_create(&hog[i], NULL, hog_main, NULL), 0);

	wt_watchdog_phase(&wd, "oversubscribed load");
	static struct sub sb[NSUB];
	uint64_t per = ntasks / NSUB;
	uint64_t seed = wt_seed(0);
	for (uint32_t p = 0; p < NSUB; p++) {
		memset(&sb[p], 0, sizeof sb[p]);
		sb[p].st = st;
		sb[p].ev = ev[p];
		sb[p].id0 = p * per;
		sb[p].n = p == NSUB - 1 ? ntasks - p * per : per;
		sb[p].seed = seed + p;
		assert_int_equal(pthread_create(&sb[p].thr, NULL, sub_main, &sb[p]), 0);
	}
	/* liveness bound: the submitters finish and every device drains in time */
	struct timespec dl;
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += (time_t)(bound / WT_S);
	for (uint32_t p = 0; p < NSUB; p++) {
		int rc = pthread_timedjoin_np(sb[p].thr, NULL, &dl);
		if (rc != 0) {
			fprintf(stderr,
			        "oversub: submitter %u still blocked after %" PRId64
			        " s: the scheduler made no progress\n",
			        p, bound / WT_S);
			fflush(stderr);
			_exit(4);
		}
	}
	for (uint32_t d = 0; d < NDEV; d++) {
		int64_t left = bound - (int64_t)(wt_now_ns() - t0);
		int rc = weir_device_sync(rt, d, left > 0 ? left : 0);
		if (rc == WEIR_ETIMEDOUT)
			fail_msg("oversub: device %u did not drain within the %" PRId64
			         " s liveness bound",
			         d, bound / WT_S);
		WT_OK(rc);
	}
	double load_s = (double)(wt_now_ns() - t0) / 1e9;

	/* I8: every worker took part. Give the load more rounds (bounded) if
	 * the first did not reach some worker: liveness, not speed. */
	uint32_t idle_d = 0, idle_w = 0, rounds = 0;
	wt_watchdog_phase(&wd, "every worker takes part");
	while (!all_workers_took_part(rt, &idle_d, &idle_w) && rounds < 50) {
		rounds++;
		static _Atomic uint32_t extra_hits[NSTREAM * 64];
		_Atomic uint32_t *save = hits;
		hits = extra_hits;
		for (uint32_t k = 0; k < 64; k++)
			for (uint32_t s = 0; s < NSTREAM; s++) {
				struct otask t = { k * NSTREAM + s, 2000 };
				WT_OK(weir_launch(st[s], k_work, &t, sizeof t, 1, 0));
			}
		for (uint32_t d = 0; d < NDEV; d++)
			WT_OK(weir_device_sync(rt, d, WEIR_TIMEOUT_INFINITE));
		hits = save;
	}
	weir_store_relaxed(&hog_stop, 1);
	for (int i = 0; i < nhog; i++)
		pthread_join(hog[i], NULL);
	if (!all_workers_took_part(rt, &idle_d, &idle_w))
		fail_msg("I8: worker weir-d%uw%u ran no task in %u rounds of load", idle_d, idle_w,
		         rounds + 1);

	WT_ASSERT_NO_VIOLATIONS(&viol, vnames);
	uint64_t bad = 0;
	for (uint64_t i = 0; i < ntasks; i++)
		if (atomic_load_explicit(&hits[i], memory_order_relaxed) != 1)
			bad++;
	if (bad)
		fail_msg("%" PRIu64 " tasks ran a wrong number of times", bad);
	uint64_t hostfns = 0;
	for (uint32_t p = 0; p < NSUB; p++)
		hostfns += sb[p].hostfns;
	assert_int_equal(weir_load_relaxed(&host_runs), hostfns);
	for (uint32_t s = 0; s < NSTREAM; s++) {
		weir_stream_stats_t ss = wt_stats(st[s]);
		assert_int_equal(ss.in_flight, 0);
		assert_int_equal(ss.failed + ss.discarded, 0);
	}
	fprintf(stderr,
	        "  %" PRIu64 " tasks, %" PRIu64 " host fns, %d hogs, %d cpus: load %.2f s,"
	        " %u extra rounds for every worker to take part\n",
	        ntasks, hostfns, nhog, ncpu, load_s, rounds);

	for (uint32_t d = 0; d < NDEV; d++)
		for (uint32_t p = 0; p < NSUB; p++)
			WT_OK(weir_event_destroy(ev[p][d]));
	weir_runtime_destroy(rt);
	assert_int_equal(wt_thread_count_settle(base, 10 * WT_S), base);
	free(hits);
	wt_watchdog_stop(&wd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oversubscribed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
