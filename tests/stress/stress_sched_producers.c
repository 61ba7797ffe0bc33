/*
 * Stress: many producers. 64 host threads submit to one stream, then to 8
 * streams (on 2 devices), with a small ring so back-pressure (blocking and
 * NONBLOCK + retry) is the common case. With 64 producers on 2 cores a
 * producer preempted inside an enqueue is normal; the watchdog fails the test
 * if the stream stalls for good. Checked: every task runs exactly once (no
 * loss, no duplicate), each producer's order is kept on each stream, a stream
 * never runs two tasks at once, and the stream counters balance (I5).
 * Tasks = WEIR_STRESS_TASKS / 10 per scenario (64 producers on 2 cores make
 * each task dear: 10^7 would take minutes).
 */
#include "common/fixture.h"

#define NPROD 64
#define MAXS  8

enum { V_OVERLAP, V_ORDER, V_RC };
static const char *const vnames[] = {
	"two tasks of one stream ran at once (a=stream b=owner c=task)",
	"producer order broken (a=stream*64+producer b=last c=seq)",
	"unexpected launch status (a=status b=producer)",
};

struct ptask {
	uint64_t id, seq;
	uint32_t stream, producer;
};

struct prun {
	weir_stream_t *st[MAXS];
	uint32_t nstreams;
	_Atomic uint32_t *hits;
	_Atomic uint64_t owner[MAXS];
	_Atomic uint64_t last[MAXS * NPROD];
	uint64_t shadow[MAXS]; /* plain: TSan checks the stream's hand-offs */
	_Atomic uint64_t launched[MAXS];
	_Atomic uint64_t eagain;
	_Atomic uint64_t start;
	wt_violations_t v;
};
static struct prun *P;

static int k_ptask(void *args, uint32_t b, uint32_t nb)
{
	const struct ptask *t = args;
	uint64_t exp = 0;
	/* acq_rel: pairs with the release below on the previous task */
	if (!weir_cas_strong_acqrel(&P->owner[t->stream], &exp, t->id + 1))
		wt_violation(&P->v, V_OVERLAP, t->stream, exp, t->id + 1);
	size_t k = (size_t)t->stream * NPROD + t->producer;
	uint64_t prev = weir_load_relaxed(&P->last[k]);
	if (prev + 1 != t->seq)
		wt_violation(&P->v, V_ORDER, k, prev, t->seq);
	weir_store_relaxed(&P->last[k], t->seq);
	P->shadow[t->stream]++;
	atomic_fetch_add_explicit(&P->hits[t->id], 1, memory_order_relaxed);
	weir_store_release(&P->owner[t->stream], 0);
	return 0;
}

struct prod {
	uint32_t p;
	uint64_t id0, n, seed;
	uint64_t seq[MAXS];
	pthread_t thr;
};

static void *prod_main(void *arg)
{
	struct prod *pp = arg;
	wt_rng_t rng;
	wt_rng_seed(&rng, pp->seed);
	/* start together, so the producers really contend */
	while (!weir_load_acquire(&P->start))
		sched_yield();
	for (uint64_t i = 0; i < pp->n; i++) {
		struct ptask t;
		t.id = pp->id0 + i;
		t.stream = wt_rng_below(&rng, P->nstreams);
		t.producer = pp->p;
		t.seq = ++pp->seq[t.stream];
		weir_faa_relaxed(&P->launched[t.stream], 1);
		bool nonblock = (pp->p & 1) != 0;
		for (;;) {
			int rc = weir_launch(P->st[t.stream], k_ptask, &t, sizeof t, 1,
			                     nonblock ? WEIR_LAUNCH_NONBLOCK : 0);
			if (rc == WEIR_OK)
				break;
			if (rc == WEIR_EAGAIN && nonblock) {
				weir_faa_relaxed(&P->eagain, 1);
				sched_yield();
				continue;
			}
			wt_violation(&P->v, V_RC, (uint64_t)(int64_t)rc, pp->p, 0);
			break;
		}
	}
	return NULL;
}

static void run_producers(uint32_t nstreams, uint64_t ntasks, uint64_t seed, wt_watchdog_t *wd)
{
	int base = wt_thread_baseline();
	struct prun *r = calloc(1, sizeof *r);
	assert_non_null(r);
	r->hits = calloc(ntasks, sizeof *r->hits);
	assert_non_null(r->hits);
	r->nstreams = nstreams;
	P = r;
	weir_config_t c = wt_config(2, 2, 64);
	weir_runtime_t *rt;
	WT_OK(weir_runtime_create(&c, &rt));
	weir_group_t *g[2];
	for (uint32_t d = 0; d < 2; d++)
		WT_OK(weir_group_create(rt, d, &g[d]));
	for (uint32_t s = 0; s < nstreams; s++)
		WT_OK(weir_stream_create(g[s % 2], 0, 0, &r->st[s]));

	static struct prod pp[NPROD];
	uint64_t per = ntasks / NPROD;
	for (uint32_t p = 0; p < NPROD; p++) {
		memset(&pp[p], 0, sizeof pp[p]);
		pp[p].p = p;
		pp[p].id0 = p * per;
		pp[p].n = p == NPROD - 1 ? ntasks - p * per : per;
		pp[p].seed = seed + p;
		assert_int_equal(pthread_create(&pp[p].thr, NULL, prod_main, &pp[p]), 0);
	}
	wt_watchdog_phase(wd,
	                  nstreams == 1 ? "64 producers -> 1 stream" : "64 producers -> 8 streams");
	weir_store_release(&r->start, 1);
	for (uint32_t p = 0; p < NPROD; p++)
		pthread_join(pp[p].thr, NULL);
	for (uint32_t d = 0; d < 2; d++)
		WT_OK(weir_group_sync(g[d], WEIR_TIMEOUT_INFINITE));

	WT_ASSERT_NO_VIOLATIONS(&r->v, vnames);
	uint64_t bad = 0, first = 0;
	for (uint64_t i = 0; i < ntasks; i++)
		if (atomic_load_explicit(&r->hits[i], memory_order_relaxed) != 1) {
			if (!bad)
				first = i;
			bad++;
		}
	if (bad)
		fail_msg("%" PRIu64 " tasks lost or duplicated; first: task %" PRIu64
		         " ran %u times",
		         bad, first, atomic_load_explicit(&r->hits[first], memory_order_relaxed));
	for (uint32_t s = 0; s < nstreams; s++) {
		uint64_t launched = weir_load_relaxed(&r->launched[s]);
		assert_int_equal(r->shadow[s], launched);
		for (uint32_t p = 0; p < NPROD; p++)
			assert_int_equal(weir_load_relaxed(&r->last[s * NPROD + p]), pp[p].seq[s]);
		weir_stream_stats_t st = wt_stats(r->st[s]);
		assert_int_equal(st.submitted, launched);
		assert_int_equal(st.completed, launched);
		assert_int_equal(st.in_flight, 0);
	}
	fprintf(stderr,
	        "  %u stream(s): %" PRIu64 " tasks from %d producers, %" PRIu64
	        " NONBLOCK EAGAIN retries\n",
	        nstreams, ntasks, NPROD, weir_load_relaxed(&r->eagain));
	weir_runtime_destroy(rt);
	assert_int_equal(wt_thread_count_settle(base, 10 * WT_S), base);
	P = NULL;
	free(r->hits);
	free(r);
}

static void test_64_producers_one_stream(void **state)
{
	wt_watchdog_t wd;
	wt_watchdog_start(&wd, 600);
	uint64_t n = wt_clamp_u64(wt_stress_tasks() / 10, NPROD * 100, UINT64_MAX);
	run_producers(1, n, wt_seed(0), &wd);
	wt_watchdog_stop(&wd);
}

static void test_64_producers_eight_streams(void **state)
{
	wt_watchdog_t wd;
	wt_watchdog_start(&wd, 600);
	uint64_t n = wt_clamp_u64(wt_stress_tasks() / 10, NPROD * 100, UINT64_MAX);
	run_producers(8, n, wt_seed(1), &wd);
	wt_watchdog_stop(&wd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_64_producers_one_stream),
		cmocka_unit_test(test_64_producers_eight_streams),
	};
	if (getenv("WEIR_TEST_FILTER")) /* e.g. WEIR_TEST_FILTER=test_failure_modes */
		cmocka_set_test_filter(getenv("WEIR_TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
