/*
 * Stress: shutdown with tasks in flight (I9). Each iteration creates a
 * runtime, streams, events and a reporter, launches kernels, host functions,
 * event records and waits (some streams gated behind a never-set FLAG event,
 * so their work is still pending), then tears down in one of these ways:
 *   0  stream destroy (waits: every task of an ungated stream has run)
 *   1  stream destroy_force (returns at once; every launched task still
 *      runs once the gates open and the reporter is gone: group sync)
 *   2  group destroy (waits, no gated streams)
 *   3  group destroy_force (device reset, gated streams included)
 *   4  runtime destroy with everything still in flight
 *   5  launches from another thread racing stream destroy / destroy_force:
 *      every launch returns OK or EHANDLE; every OK launch runs (after a
 *      plain destroy returns; after a forced one, by the group sync)
 *   6  launches from another thread racing group destroy_force
 * Every iteration's counters live in a heap block freed right after runtime
 * destroy returns, so a task or callback running late is a use-after-free
 * under ASan. After each runtime destroy the process's thread count must be
 * back at its baseline. Iterations = WEIR_STRESS_TASKS / 500, in [100, 4000].
 */
#include "common/fixture.h"

#define NDEV  2
#define NSPD  3
#define NS    (NDEV * NSPD)
#define NSCEN 7

struct ictx {
	_Atomic uint64_t ran[NS];
	_Atomic uint64_t host_ran[NS];
	_Atomic uint64_t cb_ran;
	uint64_t launched[NS]; /* kernels + host fns accepted, main thread only */
	bool gated[NS];
};

struct karg {
	_Atomic uint64_t *ctr;
};

/* counts one run per launch: block 0 of a split kernel counts it */
static int k_run(void *args, uint32_t b, uint32_t nb)
{
	struct karg *a = args;
	if (b == 0)
		weir_faa_release(a->ctr, 1);
	return 0;
}

static void h_run(void *arg)
{
	weir_faa_release((_Atomic uint64_t *)arg, 1);
}

/* Racing launcher: submits to one stream until the handle dies. */
struct racer {
	weir_stream_t *s;
	_Atomic uint64_t *ctr;
	_Atomic uint64_t ok, other_rc, started;
	int bad_rc;
	pthread_t thr;
};

static void *racer_main(void *arg)
{
	struct racer *r = arg;
	struct karg a = { r->ctr };
	for (uint64_t i = 0;; i++) {
		int rc = (i % 8 == 7)
		                 ? weir_launch_host(r->s, h_run, r->ctr)
		                 : weir_launch(r->s, k_run, &a, sizeof a, 1 + (uint32_t)(i % 3), 0);
		if (rc == WEIR_OK) {
			weir_faa_relaxed(&r->ok, 1);
			weir_store_release(&r->started, 1);
			continue;
		}
		if (rc != WEIR_EHANDLE) {
			weir_faa_relaxed(&r->other_rc, 1);
			r->bad_rc = rc; /* read after join */
		}
		break;
	}
	weir_store_release(&r->started, 1);
	return NULL;
}

struct iter {
	weir_runtime_t *rt;
	weir_group_t *g[NDEV];
	weir_stream_t *s[NS];
	weir_event_t *ev[NDEV];
	weir_event_t *gate[NDEV];
	weir_reporter_t *rep;
	struct ictx *cx;
	uint32_t cap;
};

/* Room for one more blocking submission (pending tasks may sit in a ring
 * slot or be parked; either way fewer than cap - 2 leaves room). */
static bool room(weir_stream_t *s, uint32_t cap)
{
	weir_stream_stats_t st;
	if (weir_stream_stats(s, &st) != WEIR_OK)
		return false;
	return st.in_flight + 2 < cap;
}

static void build(struct iter *it, wt_rng_t *rng, bool allow_gates)
{
	weir_config_t c = wt_config(NDEV, 1 + wt_rng_below(rng, 2), wt_rng_below(rng, 2) ? 8 : 64);
	c.flags |= WEIR_CONFIG_NO_PIN;
	c.spin_ns = wt_rng_below(rng, 2) ? 0 : 20000;
	WT_OK(weir_runtime_create(&c, &it->rt));
	it->cap = c.ring_capacity;
	it->cx = calloc(1, sizeof *it->cx);
	assert_non_null(it->cx);
	WT_OK(weir_reporter_create(it->rt, &it->rep));
	for (uint32_t d = 0; d < NDEV; d++) {
		WT_OK(weir_group_create(it->rt, d, &it->g[d]));
		WT_OK(weir_event_create(it->rt, d, 0, &it->ev[d]));
		WT_OK(weir_event_create(it->rt, d, WEIR_EVENT_FLAG, &it->gate[d]));
		for (uint32_t k = 0; k < NSPD; k++)
			WT_OK(weir_stream_create(it->g[d], (int)k, 0, &it->s[d * NSPD + k]));
	}
	/* stream 0 may be subscribed to a reporter nobody processes: only
	 * where the teardown discards (a blocking callback holds the stream) */
	bool subscribed = allow_gates && wt_rng_below(rng, 2) == 0 &&
	                  !wt_env_u64("WEIR_SHUTDOWN_NO_REPORTER", 0); /* diagnosis knob */
	if (subscribed)
		WT_OK(weir_stream_subscribe(it->s[0], it->rep));
	for (uint32_t i = 0; i < NS; i++) {
		uint32_t d = i / NSPD;
		if (allow_gates && i % NSPD == 2 && wt_rng_below(rng, 2)) {
			WT_OK(weir_stream_wait_event(it->s[i], it->gate[d]));
			it->cx->gated[i] = true;
		}
		uint32_t n = wt_rng_below(rng, 40);
		for (uint32_t j = 0; j < n; j++) {
			/* Streams may be held (gate, unprocessed blocking callback,
			 * a wait on a held stream) and the ring may be small: a
			 * blocking submission must never wait on that. Kernels go
			 * NONBLOCK; other submissions only with room to spare
			 * (this thread is the only submitter, so room only grows). */
			uint32_t dice = wt_rng_below(rng, 16);
			if (dice == 0 && !(subscribed && i == 0) && room(it->s[i], it->cap)) {
				WT_OK(weir_launch_host(it->s[i], h_run, &it->cx->host_ran[i]));
				it->cx->launched[i]++;
			} else if (dice == 1) {
				/* a satisfiable cross-stream edge: record here, wait on a
				 * sibling (never-gated streams only record) */
				uint32_t sib = d * NSPD + wt_rng_below(rng, NSPD);
				if (!it->cx->gated[i] && sib != i && room(it->s[i], it->cap) &&
				    room(it->s[sib], it->cap)) {
					WT_OK(weir_event_record(it->ev[d], it->s[i]));
					WT_OK(weir_stream_wait_event(it->s[sib], it->ev[d]));
				}
			} else if (dice == 2 && subscribed && i == 0 && room(it->s[0], it->cap)) {
				WT_OK(weir_launch_callback(it->s[0], h_run, &it->cx->cb_ran,
				                           wt_rng_below(rng, 2) == 0));
			} else {
				struct karg a = { &it->cx->ran[i] };
				int rc =
				        weir_launch(it->s[i], k_run, &a, sizeof a,
				                    1 + wt_rng_below(rng, 3), WEIR_LAUNCH_NONBLOCK);
				WT_ASSERT_STATUS2(rc, WEIR_OK, WEIR_EAGAIN);
				if (rc == WEIR_OK)
					it->cx->launched[i]++;
			}
		}
	}
}

/* total runs (kernels + host fns) of stream i */
static uint64_t runs(struct ictx *cx, uint32_t i)
{
	return weir_load_acquire(&cx->ran[i]) + weir_load_acquire(&cx->host_ran[i]);
}

static void finish(struct iter *it)
{
	/* reporter: destroyed before or with the runtime */
	weir_runtime_destroy(it->rt);
	/* late tasks or callbacks would now touch freed memory (ASan) */
	free(it->cx);
	memset(it, 0, sizeof *it);
}

static void one_iteration(uint64_t n, wt_rng_t *rng, uint32_t scen)
{
	struct iter it;
	memset(&it, 0, sizeof it);
	bool gates = scen == 1 || scen == 3 || scen == 4 || scen == 6;
	build(&it, rng, gates);
	struct ictx *cx = it.cx;

	switch (scen) {
	case 0: /* stream destroy waits */
		for (uint32_t i = 0; i < NS; i++) {
			WT_OK(weir_stream_destroy(it.s[i]));
			if (runs(cx, i) != cx->launched[i])
				fail_msg("iteration %" PRIu64
				         ": stream destroy returned with %" PRIu64 " of %" PRIu64
				         " tasks run",
				         n, runs(cx, i), cx->launched[i]);
		}
		break;
	case 1: /* destroy_force keeps every launched task */
		for (uint32_t i = 0; i < NS; i++) {
			WT_OK(weir_stream_destroy_force(it.s[i]));
			if (runs(cx, i) > cx->launched[i])
				fail_msg("more runs than launches on stream %u", i);
		}
		for (uint32_t i = 0; i < NS; i++)
			if (cx->gated[i] && runs(cx, i) != 0)
				fail_msg("a gated stream ran %" PRIu64 " tasks before its gate",
				         runs(cx, i));
		/* open the gates and release blocking callbacks (reporter
		 * destroy drops them): the destroyed streams drain and their
		 * group sync sees them */
		for (uint32_t d = 0; d < NDEV; d++) {
			weir_stream_t *x;
			WT_OK(weir_stream_create(it.g[d], 0, 0, &x));
			WT_OK(weir_event_record(it.gate[d], x));
			WT_OK(weir_stream_destroy(x));
		}
		WT_OK(weir_reporter_destroy(it.rep));
		it.rep = NULL;
		for (uint32_t d = 0; d < NDEV; d++) {
			/* ENOSUB: a report callback met the destroyed reporter */
			int rc = weir_group_sync(it.g[d], 60 * WT_S);
			if (rc != WEIR_OK && rc != WEIR_ENOSUB)
				fail_msg("iteration %" PRIu64
				         ": group sync after destroy_force: %s",
				         n, weir_status_name(rc));
		}
		for (uint32_t i = 0; i < NS; i++)
			if (runs(cx, i) != cx->launched[i])
				fail_msg("iteration %" PRIu64
				         ": force-destroyed stream %u ran %" PRIu64 " of %" PRIu64
				         " launched tasks",
				         n, i, runs(cx, i), cx->launched[i]);
		break;
	case 2: /* group destroy waits */
		for (uint32_t d = 0; d < NDEV; d++) {
			WT_OK(weir_group_destroy(it.g[d]));
			for (uint32_t k = 0; k < NSPD; k++) {
				uint32_t i = d * NSPD + k;
				if (runs(cx, i) != cx->launched[i])
					fail_msg("group destroy returned with %" PRIu64
					         " of %" PRIu64 " tasks run on stream %u",
					         runs(cx, i), cx->launched[i], i);
				WT_ASSERT_STATUS(weir_stream_query(it.s[i]), WEIR_EHANDLE);
			}
		}
		break;
	case 3: /* group destroy_force (device reset) */
		for (uint32_t d = 0; d < NDEV; d++)
			WT_OK(weir_group_destroy_force(it.g[d]));
		for (uint32_t i = 0; i < NS; i++) {
			WT_ASSERT_STATUS(weir_stream_query(it.s[i]), WEIR_EHANDLE);
			if (cx->gated[i] && runs(cx, i) != 0)
				fail_msg("a gated stream ran %" PRIu64 " tasks", runs(cx, i));
		}
		break;
	case 4: /* runtime destroy with everything in flight */ break;
	case 5: { /* launches racing stream destroy */
		static struct racer r;
		bool force = wt_rng_below(rng, 2);
		uint32_t i = 1; /* never gated, never subscribed */
		memset(&r, 0, sizeof r);
		r.s = it.s[i];
		r.ctr = &cx->ran[i];
		uint64_t before = cx->launched[i];
		assert_int_equal(pthread_create(&r.thr, NULL, racer_main, &r), 0);
		if (wt_rng_below(rng, 2)) /* sometimes let it get going first */
			(void)wt_wait_geq(&r.started, 1, 5 * WT_S);
		WT_OK(force ? weir_stream_destroy_force(it.s[i]) : weir_stream_destroy(it.s[i]));
		pthread_join(r.thr, NULL);
		if (weir_load_relaxed(&r.other_rc))
			fail_msg("a launch racing destroy returned %s", weir_status_name(r.bad_rc));
		uint64_t want = before + weir_load_relaxed(&r.ok);
		uint64_t got = weir_load_acquire(&cx->ran[i]) + weir_load_acquire(&cx->host_ran[i]);
		if (!force && got != want)
			fail_msg("plain destroy raced by launches: %" PRIu64 " runs, %" PRIu64
			         " accepted launches",
			         got, want);
		if (force) {
			WT_OK(weir_group_sync(it.g[0], 60 * WT_S));
			got = weir_load_acquire(&cx->ran[i]) + weir_load_acquire(&cx->host_ran[i]);
			if (got != want)
				fail_msg("forced destroy raced by launches: %" PRIu64
				         " runs, %" PRIu64 " accepted launches",
				         got, want);
		}
		break;
	}
	case 6: { /* launches racing group destroy_force */
		static struct racer r[NSPD];
		for (uint32_t k = 0; k < NSPD; k++) {
			memset(&r[k], 0, sizeof r[k]);
			r[k].s = it.s[NSPD + k]; /* device 1: never subscribed */
			r[k].ctr = &cx->ran[NSPD + k];
			assert_int_equal(pthread_create(&r[k].thr, NULL, racer_main, &r[k]), 0);
		}
		WT_OK(weir_group_destroy_force(it.g[1]));
		for (uint32_t k = 0; k < NSPD; k++) {
			pthread_join(r[k].thr, NULL);
			if (weir_load_relaxed(&r[k].other_rc))
				fail_msg("a launch racing group destroy returned %s",
				         weir_status_name(r[k].bad_rc));
			uint32_t i = NSPD + k;
			if (runs(cx, i) > cx->launched[i] + weir_load_relaxed(&r[k].ok))
				fail_msg("more runs than launches on stream %u", i);
		}
		break;
	}
	}
	if (it.rep && wt_rng_below(rng, 2))
		WT_OK(weir_reporter_destroy(it.rep));
	if (wt_rng_below(rng, 2))
		for (uint32_t d = 0; d < NDEV; d++) {
			WT_OK(weir_event_destroy(it.ev[d]));
			WT_OK(weir_event_destroy(it.gate[d]));
		}
	finish(&it);
}

static void test_shutdown_in_flight(void **state)
{
	wt_watchdog_t wd;
	wt_watchdog_start(&wd, 600);
	int base = wt_thread_baseline();
	uint64_t iters = wt_clamp_u64(wt_stress_tasks() / 500, 100, 4000);

	uint64_t seed = wt_seed(0);
	wt_rng_t rng;
	wt_rng_seed(&rng, seed);
	fprintf(stderr, "  %" PRIu64 " iterations, seed %" PRIu64 "\n", iters, seed);
	static char phase[64];
	uint64_t per[NSCEN] = { 0 };
	uint64_t t0 = wt_now_ns();
	for (uint64_t n = 1; n <= iters; n++) {
		uint32_t scen = (uint32_t)(n % NSCEN);
		snprintf(phase, sizeof phase, "iteration %" PRIu64 " scenario %u", n, scen);
		wt_watchdog_phase(&wd, phase);
		one_iteration(n, &rng, scen);
		per[scen]++;
		int tc = wt_thread_count_settle(base, 5 * WT_S);
		if (tc != base)
			fail_msg("iteration %" PRIu64 " (scenario %u): %d threads after runtime "
			         "destroy, baseline %d",
			         n, scen, tc, base);
	}
	fprintf(stderr, "  %.2f s; per scenario:", (double)(wt_now_ns() - t0) / 1e9);
	for (int i = 0; i < NSCEN; i++)
		fprintf(stderr, " %" PRIu64, per[i]);
	fprintf(stderr, "\n");
	wt_watchdog_stop(&wd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shutdown_in_flight),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
