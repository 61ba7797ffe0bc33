/*
 * Stress: the scheduler oracle (shared/design/reliability.md).
 *
 * 8 devices x 16 streams, several submitter threads choosing streams at
 * random (so most streams have several producers), random cross-stream
 * events, split kernels, a small ring (8 slots and less: it wraps all the
 * time), a mix of blocking and NONBLOCK launches. Checked:
 *   I1 exactly once   every task counts its runs; after drain each count
 *                     equals its expectation (1, or nblocks for split kernels);
 *   I2 stream FIFO    each task carries (stream, producer, seq); the kernel
 *                     checks seq == last_done[stream][producer] + 1, and an
 *                     owner word detects two tasks of a stream running at once;
 *                     a plain (non-atomic) per-stream counter lets TSan check
 *                     the hand-off of a stream between workers;
 *   I3 events         a writer task on stream A stores a token in a plain,
 *                     write-once slot, records an event; stream B waits on it
 *                     and a checker reads the slot (value check + TSan) and
 *                     checks A's progress for the writer's producer;
 *   I4 failure modes  a task failing at k, in CONTINUE and STOP mode;
 *   I5 conservation   weir_stream_stats on every stream after drain;
 *   I7 wrap-around    ring_capacity 8/4/64 under ~10^6 tasks per stream set.
 * Tasks = WEIR_STRESS_TASKS (default 200000), split over WEIR_STRESS_SEEDS
 * (default 3) seeds; WEIR_STRESS_SEED pins them. WEIR_STRESS_NO_REREC=1 (a
 * diagnosis knob) records each event on one stream only.
 * Workers only record; the main thread asserts (shared/design/tsan.md).
 */
#include "common/fixture.h"

#define NDEV    8
#define NSPD    16 /* streams per device */
#define NSTREAM (NDEV * NSPD)
#define NPROD   4
#define NEVPP   4 /* events per producer per device */
#define MAXNB   8

enum { K_NORMAL, K_WRITER, K_CHECKER, K_SPLIT };

enum {
	V_OVERLAP,
	V_FIFO,
	V_I3_PAYLOAD,
	V_I3_ORDER,
	V_LAUNCH_RC,
	V_EVENT_RC,
	V_QUERY_RC,
	V_SYNC_RC,
	V_SPLIT_NB,
};
static const char *const vnames[] = {
	"I2: two tasks of one stream ran at once (a=stream b=owner c=task)",
	"I2: per-stream FIFO broken (a=stream*NPROD+producer b=last_done c=seq)",
	"I3: checker read a wrong payload (a=slot b=read c=want)",
	"I3: checker ran before the writer's stream progress (a=stream b=seen c=bound)",
	"unexpected launch status (a=status b=stream)",
	"unexpected event record/wait status (a=status b=stream)",
	"unexpected query status (a=status)",
	"unexpected sync status (a=status)",
	"split kernel saw a wrong nblocks (a=nblocks b=want)",
};

struct task {
	uint64_t id;
	uint64_t pseq;
	uint64_t slot;
	uint64_t bound;
	uint32_t stream;
	uint32_t bstream;
	uint16_t producer;
	uint16_t kind;
	uint32_t nb;
};
_Static_assert(sizeof(struct task) <= WEIR_ARGS_MAX, "task args too big");

struct run {
	weir_runtime_t *rt;
	weir_group_t *grp[NDEV];
	weir_stream_t *st[NSTREAM];
	weir_event_t *ev[NPROD][NDEV][NEVPP]; /* re-recorded on any stream of the device */
	weir_event_t *sev[NPROD][NSTREAM];    /* recorded on one stream only */
	bool no_rerecord;                     /* WEIR_STRESS_NO_REREC=1: sev only */
	uint64_t ntasks;
	_Atomic uint32_t *hits; /* I1: runs (blocks) per task */
	uint8_t *want;          /* expected hits; producer writes, main reads */
	uint64_t *slots;        /* I3 payload: plain, write-once */
	uint64_t nslots;
	_Atomic uint64_t next_slot;
	_Atomic uint64_t last_done[NSTREAM * NPROD];
	_Atomic uint64_t owner[NSTREAM]; /* task id + 1 while running */
	uint64_t shadow[NSTREAM];        /* plain: kernels completed per stream */
	_Atomic uint64_t launched[NSTREAM];
	_Atomic uint64_t ops[NSTREAM]; /* records and waits queued */
	_Atomic uint64_t nonblock_eagain;
	_Atomic uint64_t events_used;
	wt_violations_t v;
};

static struct run *R; /* set before the runtime (and its workers) exist */

static inline void take_stream(const struct task *t)
{
	uint64_t exp = 0;
	/* A: acq_rel - also orders this task after whoever released the owner
	 * word; pairs with the release in drop_stream(). */
	if (!weir_cas_strong_acqrel(&R->owner[t->stream], &exp, t->id + 1) && exp != t->id + 1)
		wt_violation(&R->v, V_OVERLAP, t->stream, exp, t->id + 1);
}

static inline void drop_stream(const struct task *t)
{
	/* R: release - pairs with the acq_rel CAS in take_stream() */
	weir_store_release(&R->owner[t->stream], 0);
}

static inline void check_fifo(const struct task *t)
{
	size_t k = (size_t)t->stream * NPROD + t->producer;
	/* relaxed: the library orders successive tasks of a stream */
	uint64_t prev = weir_load_relaxed(&R->last_done[k]);
	if (prev + 1 != t->pseq)
		wt_violation(&R->v, V_FIFO, k, prev, t->pseq);
}

static int k_task(void *args, uint32_t block, uint32_t nblocks)
{
	const struct task *t = args;
	if (t->kind == K_SPLIT) {
		if (nblocks != t->nb)
			wt_violation(&R->v, V_SPLIT_NB, nblocks, t->nb, 0);
		uint64_t cur = weir_load_acquire(&R->owner[t->stream]);
		if (cur != t->id + 1)
			take_stream(t);
		check_fifo(t);
		/* acq_rel: the last block sees every other block's work */
		uint32_t old = atomic_fetch_add_explicit(&R->hits[t->id], 1, memory_order_acq_rel);
		if (old + 1 == t->nb) {
			R->shadow[t->stream]++;
			weir_store_relaxed(&R->last_done[(size_t)t->stream * NPROD + t->producer],
			                   t->pseq);
			drop_stream(t);
		}
		return 0;
	}
	take_stream(t);
	check_fifo(t);
	if (t->kind == K_WRITER) {
		R->slots[t->slot] = t->slot + 1;
	} else if (t->kind == K_CHECKER) {
		uint64_t got = R->slots[t->slot];
		if (got != t->slot + 1)
			wt_violation(&R->v, V_I3_PAYLOAD, t->slot, got, t->slot + 1);
		uint64_t seen =
		        weir_load_relaxed(&R->last_done[(size_t)t->bstream * NPROD + t->producer]);
		if (seen < t->bound)
			wt_violation(&R->v, V_I3_ORDER, t->bstream, seen, t->bound);
	}
	R->shadow[t->stream]++;
	weir_store_relaxed(&R->last_done[(size_t)t->stream * NPROD + t->producer], t->pseq);
	atomic_fetch_add_explicit(&R->hits[t->id], 1, memory_order_relaxed);
	drop_stream(t);
	return 0;
}

struct producer {
	struct run *r;
	uint32_t p;
	uint64_t id0, n;
	uint64_t seed;
	uint64_t pseq[NSTREAM];
	uint32_t evnext[NDEV];
	pthread_t thr;
};

static void submit(struct producer *pp, wt_rng_t *rng, struct task *t, uint32_t nb)
{
	struct run *r = pp->r;
	t->producer = (uint16_t)pp->p;
	t->pseq = ++pp->pseq[t->stream];
	t->nb = nb;
	r->want[t->id] = (uint8_t)(t->kind == K_SPLIT ? nb : 1);
	weir_faa_relaxed(&r->launched[t->stream], 1);
	bool nonblock = wt_rng_below(rng, 4) == 0;
	for (;;) {
		int rc = weir_launch(r->st[t->stream], k_task, t, sizeof *t, nb,
		                     nonblock ? WEIR_LAUNCH_NONBLOCK : 0);
		if (rc == WEIR_OK)
			return;
		if (rc == WEIR_EAGAIN && nonblock) {
			weir_faa_relaxed(&r->nonblock_eagain, 1);
			sched_yield();
			continue;
		}
		wt_violation(&r->v, V_LAUNCH_RC, (uint64_t)(int64_t)rc, t->stream, 0);
		return;
	}
}

static void *producer_main(void *arg)
{
	struct producer *pp = arg;
	struct run *r = pp->r;
	wt_rng_t rng;
	wt_rng_seed(&rng, pp->seed);
	uint64_t id = pp->id0, end = pp->id0 + pp->n;
	while (id < end) {
		uint32_t d = wt_rng_below(&rng, NDEV);
		uint32_t a = d * NSPD + wt_rng_below(&rng, NSPD);
		uint32_t dice = wt_rng_below(&rng, 64);
		struct task t;
		memset(&t, 0, sizeof t);
		t.stream = a;
		if (dice < 8 && end - id >= 2) {
			/* writer on a, record, wait on b, checker on b */
			uint32_t b =
			        d * NSPD + (a % NSPD + 1 + wt_rng_below(&rng, NSPD - 1)) % NSPD;
			uint64_t slot = weir_faa_relaxed(&r->next_slot, 1);
			if (slot >= r->nslots)
				slot = r->nslots - 1; /* cannot happen: nslots >= ntasks/2 */
			t.id = id++;
			t.kind = K_WRITER;
			t.slot = slot;
			submit(pp, &rng, &t, 1);
			uint64_t wpseq = t.pseq;
			/* Half the pairs use an event this producer records on
			 * any stream of the device (so an earlier record may still
			 * be pending when a later one, elsewhere, completes: the
			 * wait must hold on to the record it captured); half use
			 * an event recorded on stream a only. */
			weir_event_t *e = (r->no_rerecord || wt_rng_below(&rng, 2))
			                          ? r->sev[pp->p][a]
			                          : r->ev[pp->p][d][pp->evnext[d]++ % NEVPP];
			int rc = weir_event_record(e, r->st[a]);
			if (rc != WEIR_OK)
				wt_violation(&r->v, V_EVENT_RC, (uint64_t)(int64_t)rc, a, 0);
			weir_faa_relaxed(&r->ops[a], 1);
			rc = weir_stream_wait_event(r->st[b], e);
			if (rc != WEIR_OK)
				wt_violation(&r->v, V_EVENT_RC, (uint64_t)(int64_t)rc, b, 1);
			weir_faa_relaxed(&r->ops[b], 1);
			memset(&t, 0, sizeof t);
			t.id = id++;
			t.kind = K_CHECKER;
			t.stream = b;
			t.slot = slot;
			t.bstream = a;
			t.bound = wpseq;
			submit(pp, &rng, &t, 1);
			weir_faa_relaxed(&r->events_used, 1);
		} else if (dice < 10) {
			t.id = id++;
			t.kind = K_SPLIT;
			submit(pp, &rng, &t, 2 + wt_rng_below(&rng, MAXNB - 1));
		} else {
			t.id = id++;
			t.kind = K_NORMAL;
			submit(pp, &rng, &t, 1);
		}
		if (dice == 63) {
			int rc = weir_stream_query(r->st[wt_rng_below(&rng, NSTREAM)]);
			if (rc != WEIR_OK && rc != WEIR_ENOTREADY)
				wt_violation(&r->v, V_QUERY_RC, (uint64_t)(int64_t)rc, 0, 0);
			if (wt_rng_below(&rng, 64) == 0) {
				rc = weir_stream_sync(r->st[wt_rng_below(&rng, NSTREAM)], WT_MS);
				if (rc != WEIR_OK && rc != WEIR_ETIMEDOUT)
					wt_violation(&r->v, V_SYNC_RC, (uint64_t)(int64_t)rc, 0, 0);
			}
		}
	}
	return NULL;
}

static void run_oracle(uint64_t ntasks, uint64_t seed, uint32_t ring, wt_watchdog_t *wd)
{
	int base_threads = wt_thread_baseline();
	struct run *r = calloc(1, sizeof *r);
	assert_non_null(r);
	r->ntasks = ntasks;
	r->hits = calloc(ntasks, sizeof *r->hits);
	r->want = calloc(ntasks, 1);
	r->nslots = ntasks / 2 + 1;
	r->slots = calloc(r->nslots, sizeof *r->slots);
	assert_non_null(r->hits);
	assert_non_null(r->want);
	assert_non_null(r->slots);
	R = r;

	weir_config_t c = wt_config(NDEV, 2, ring);
	c.quantum = 16;
	WT_OK(weir_runtime_create(&c, &r->rt));
	for (uint32_t d = 0; d < NDEV; d++) {
		WT_OK(weir_group_create(r->rt, d, &r->grp[d]));
		for (uint32_t s = 0; s < NSPD; s++)
			WT_OK(weir_stream_create(r->grp[d], (int)(s % 8), 0, &r->st[d * NSPD + s]));
		for (uint32_t p = 0; p < NPROD; p++)
			for (uint32_t k = 0; k < NEVPP; k++)
				WT_OK(weir_event_create(r->rt, d, k == 0 ? WEIR_EVENT_TIMING : 0,
				                        &r->ev[p][d][k]));
	}

	for (uint32_t p = 0; p < NPROD; p++)
		for (uint32_t i = 0; i < NSTREAM; i++)
			WT_OK(weir_event_create(r->rt, i / NSPD, 0, &r->sev[p][i]));
	r->no_rerecord = wt_env_u64("WEIR_STRESS_NO_REREC", 0) != 0;

	wt_watchdog_phase(wd, "oracle: submitting");
	static struct producer pp[NPROD];
	uint64_t per = ntasks / NPROD;
	for (uint32_t p = 0; p < NPROD; p++) {
		memset(&pp[p], 0, sizeof pp[p]);
		pp[p].r = r;
		pp[p].p = p;
		pp[p].id0 = p * per;
		pp[p].n = p == NPROD - 1 ? ntasks - p * per : per;
		pp[p].seed = seed * 131 + p;
		assert_int_equal(pthread_create(&pp[p].thr, NULL, producer_main, &pp[p]), 0);
	}
	for (uint32_t p = 0; p < NPROD; p++)
		pthread_join(pp[p].thr, NULL);

	wt_watchdog_phase(wd, "oracle: draining");
	for (uint32_t d = 0; d < NDEV; d++)
		WT_OK(weir_device_sync(r->rt, d, WEIR_TIMEOUT_INFINITE));
	wt_watchdog_phase(wd, "oracle: checking");

	WT_ASSERT_NO_VIOLATIONS(&r->v, vnames);
	/* I1 */
	uint64_t bad = 0, first = UINT64_MAX;
	for (uint64_t i = 0; i < ntasks; i++)
		if (atomic_load_explicit(&r->hits[i], memory_order_relaxed) != r->want[i]) {
			if (!bad)
				first = i;
			bad++;
		}
	if (bad)
		fail_msg("I1: %" PRIu64 " tasks ran a wrong number of times; first: task %" PRIu64
		         " ran %u times, want %u",
		         bad, first, atomic_load_explicit(&r->hits[first], memory_order_relaxed),
		         r->want[first]);
	/* I2 totals and I5 */
	for (uint32_t s = 0; s < NSTREAM; s++) {
		uint64_t launched = weir_load_relaxed(&r->launched[s]);
		uint64_t ops = weir_load_relaxed(&r->ops[s]);
		if (r->shadow[s] != launched)
			fail_msg("stream %u: %" PRIu64 " kernels completed, %" PRIu64 " launched",
			         s, r->shadow[s], launched);
		for (uint32_t p = 0; p < NPROD; p++)
			assert_int_equal(weir_load_relaxed(&r->last_done[s * NPROD + p]),
			                 pp[p].pseq[s]);
		weir_stream_stats_t st = wt_stats(r->st[s]);
		if (st.in_flight || st.failed || st.discarded || st.completed != st.submitted ||
		    st.submitted < launched || st.submitted > launched + ops)
			fail_msg("I5 stream %u: submitted %" PRIu64 " completed %" PRIu64
			         " failed %" PRIu64 " discarded %" PRIu64 " in_flight %" PRIu64
			         "; launched %" PRIu64 " kernels + %" PRIu64 " event ops",
			         s, st.submitted, st.completed, st.failed, st.discarded,
			         st.in_flight, launched, ops);
	}
	/* every device ran its share (I8: every device takes part) */
	uint64_t total = 0;
	for (uint32_t d = 0; d < NDEV; d++) {
		weir_worker_stats_t ws[8];
		uint32_t n = 8;
		WT_OK(weir_device_stats(r->rt, d, ws, &n));
		uint64_t dt = 0;
		for (uint32_t w = 0; w < n; w++)
			dt += ws[w].tasks;
		assert_true(dt > 0);
		total += dt;
	}
	assert_true(total >= ntasks);
	fprintf(stderr,
	        "  seed %" PRIu64 " ring %u: %" PRIu64 " tasks, %" PRIu64 " event pairs, %" PRIu64
	        " NONBLOCK EAGAIN retries, %" PRIu64 " worker tasks\n",
	        seed, ring, ntasks, weir_load_relaxed(&r->events_used),
	        weir_load_relaxed(&r->nonblock_eagain), total);

	wt_watchdog_phase(wd, "oracle: teardown");
	for (uint32_t d = 0; d < NDEV; d++)
		for (uint32_t p = 0; p < NPROD; p++)
			for (uint32_t k = 0; k < NEVPP; k++)
				WT_OK(weir_event_destroy(r->ev[p][d][k]));
	for (uint32_t p = 0; p < NPROD; p++)
		for (uint32_t i = 0; i < NSTREAM; i++)
			WT_OK(weir_event_destroy(r->sev[p][i]));
	for (uint32_t s = 0; s < NSTREAM; s++)
		WT_OK(s % 2 ? weir_stream_destroy(r->st[s]) : weir_stream_destroy_force(r->st[s]));
	for (uint32_t d = 0; d < NDEV; d++)
		WT_OK(weir_group_destroy(r->grp[d]));
	weir_runtime_destroy(r->rt);
	assert_int_equal(wt_thread_count_settle(base_threads, 10 * WT_S), base_threads);
	R = NULL;
	free(r->hits);
	free(r->want);
	free(r->slots);
	free(r);
}

static void test_oracle(void **state)
{
	wt_watchdog_t wd;
	wt_watchdog_start(&wd, 800);
	uint64_t total = wt_stress_tasks();
	unsigned seeds = (unsigned)wt_clamp_u64(wt_env_u64("WEIR_STRESS_SEEDS", 3), 1, 64);
	static const uint32_t rings[] = { 8, 4, 64 };
	for (unsigned i = 0; i < seeds; i++) {
		uint64_t n = total / seeds;
		if (n < 64)
			n = 64;
		uint64_t t0 = wt_now_ns();
		run_oracle(n, wt_seed(i), rings[i % 3], &wd);
		fprintf(stderr, "  round %u: %.2f s\n", i, (double)(wt_now_ns() - t0) / 1e9);
	}
	wt_watchdog_stop(&wd);
}

/* ---------------------------------------------------------------------- */
/* I4: a task failing at k, CONTINUE and STOP                              */
/* ---------------------------------------------------------------------- */

#define FS 4 /* streams in the group */

struct fseq {
	_Atomic uint64_t last, bad, runs;
};
static struct fseq fq[FS];
static _Atomic uint64_t failing_runs;

struct fargs {
	uint32_t s;
	uint32_t fail;
	uint64_t seq;
	int code;
};

static int k_fseq(void *args, uint32_t b, uint32_t nb)
{
	const struct fargs *a = args;
	struct fseq *q = &fq[a->s];
	if (weir_load_relaxed(&q->last) + 1 != a->seq)
		weir_faa_relaxed(&q->bad, 1);
	weir_store_relaxed(&q->last, a->seq);
	weir_faa_release(&q->runs, 1);
	if (a->fail) {
		weir_faa_relaxed(&failing_runs, 1);
		return a->code;
	}
	return 0;
}

static void failure_round(weir_runtime_t *rt, weir_stream_t *drv, uint32_t dev, int mode,
                          uint32_t m, uint32_t k, int code)
{
	weir_group_t *g;
	WT_OK(weir_group_create(rt, dev, &g));
	WT_OK(weir_group_set_failure_mode(g, mode));
	weir_stream_t *s[FS];
	weir_event_t *gate;
	WT_OK(weir_event_create(rt, dev, WEIR_EVENT_FLAG, &gate));
	for (uint32_t i = 0; i < FS; i++) {
		WT_OK(weir_stream_create(g, 0, 0, &s[i]));
		weir_store_relaxed(&fq[i].last, 0);
		weir_store_relaxed(&fq[i].bad, 0);
		weir_store_relaxed(&fq[i].runs, 0);
	}
	weir_store_relaxed(&failing_runs, 0);
	/* streams 1.. run a free prefix, then wait on the gate, then more */
	uint64_t seq[FS] = { 0 };
	uint64_t prefix = m / 4;
	for (uint32_t i = 1; i < FS; i++) {
		for (uint64_t j = 0; j < prefix; j++) {
			struct fargs a = { i, 0, ++seq[i], 0 };
			WT_OK(weir_launch(s[i], k_fseq, &a, sizeof a, 1, 0));
		}
		WT_OK(weir_stream_wait_event(s[i], gate));
		for (uint64_t j = 0; j < m; j++) {
			struct fargs a = { i, 0, ++seq[i], 0 };
			WT_OK(weir_launch(s[i], k_fseq, &a, sizeof a, 1, 0));
		}
	}
	/* stream 0: tasks 1..k succeed, task k+1 fails, then m-k-1 more */
	uint64_t refused = 0, accepted_after = 0;
	for (uint32_t j = 0; j < m; j++) {
		struct fargs a = { 0, j == k, ++seq[0], code };
		int rc = weir_launch(s[0], k_fseq, &a, sizeof a, 1, 0);
		if (mode == WEIR_FAILURE_STOP && j > k) {
			WT_ASSERT_STATUS2(rc, WEIR_OK, WEIR_ESTOPPED);
			if (rc == WEIR_ESTOPPED)
				refused++;
			else
				accepted_after++;
		} else {
			WT_OK(rc);
		}
	}
	WT_ASSERT_STATUS(weir_stream_sync(s[0], WEIR_TIMEOUT_INFINITE), code);
	/* now open the gate: in STOP mode nothing behind it may run */
	WT_OK(weir_event_record(gate, drv));
	WT_OK(weir_stream_sync(drv, WEIR_TIMEOUT_INFINITE));
	int grc = weir_group_sync(g, WEIR_TIMEOUT_INFINITE);
	assert_int_equal(weir_load_relaxed(&failing_runs), 1);
	if (mode == WEIR_FAILURE_CONTINUE) {
		/* the stream sync took the failure; whether the group keeps its own
		 * copy is not specified */
		WT_ASSERT_STATUS2(grc, WEIR_OK, code);
		WT_OK(weir_stream_sync(s[0], 0));
		for (uint32_t i = 0; i < FS; i++) {
			assert_int_equal(weir_load_acquire(&fq[i].runs), seq[i]);
			assert_int_equal(weir_load_acquire(&fq[i].last), seq[i]);
			assert_int_equal(weir_load_relaxed(&fq[i].bad), 0);
			weir_stream_stats_t st = wt_stats(s[i]);
			assert_int_equal(st.in_flight, 0);
			assert_int_equal(st.failed, i == 0 ? 1 : 0);
			assert_int_equal(st.discarded, 0);
		}
	} else {
		WT_ASSERT_STATUS(grc, code);
		WT_ASSERT_STATUS(weir_stream_sync(s[0], 0), code); /* sticky */
		/* stream 0: exactly 1..k+1 ran */
		assert_int_equal(weir_load_acquire(&fq[0].runs), (uint64_t)k + 1);
		assert_int_equal(weir_load_acquire(&fq[0].last), (uint64_t)k + 1);
		for (uint32_t i = 0; i < FS; i++) {
			assert_int_equal(weir_load_relaxed(&fq[i].bad), 0);
			uint64_t runs = weir_load_acquire(&fq[i].runs);
			/* others: a prefix of their pre-gate work, nothing after */
			if (i > 0 && runs > prefix)
				fail_msg("STOP: stream %u ran %" PRIu64 " tasks, only %" PRIu64
				         " were before the gate",
				         i, runs, prefix);
			assert_int_equal(weir_load_acquire(&fq[i].last), runs);
			weir_stream_stats_t st = wt_stats(s[i]);
			assert_int_equal(st.in_flight, 0);
			assert_int_equal(st.failed, i == 0 ? 1 : 0);
			WT_ASSERT_STATUS(wt_launch_count(s[i], &fq[i].runs), WEIR_ESTOPPED);
		}
		weir_stream_stats_t st0 = wt_stats(s[0]);
		assert_int_equal(st0.discarded, accepted_after);
		(void)refused;
	}
	WT_OK(weir_event_destroy(gate));
	if (mode == WEIR_FAILURE_STOP && (k & 1))
		WT_OK(weir_group_destroy_force(g));
	else
		WT_OK(weir_group_destroy(g));
	/* nothing ran after the group went away either */
	if (mode == WEIR_FAILURE_STOP)
		assert_int_equal(weir_load_acquire(&fq[0].runs), (uint64_t)k + 1);
}

static void test_failure_modes(void **state)
{
	wt_watchdog_t wd;
	wt_watchdog_start(&wd, 600);
	wt_watchdog_phase(&wd, "failure modes");
	/* ring room for everything a round queues behind its gate (at most
	 * 32 + 1 + 127 per stream): a blocking launch must not wait on it */
	weir_config_t c = wt_config(2, 2, 256);
	weir_runtime_t *rt;
	WT_OK(weir_runtime_create(&c, &rt));
	weir_group_t *dg[2];
	weir_stream_t *drv[2];
	for (uint32_t d = 0; d < 2; d++) {
		WT_OK(weir_group_create(rt, d, &dg[d]));
		WT_OK(weir_stream_create(dg[d], 0, 0, &drv[d]));
	}
	uint64_t rounds = wt_clamp_u64(wt_stress_tasks() / 2000, 20, 2000);
	wt_rng_t rng;
	uint64_t seed = wt_seed(100);
	wt_rng_seed(&rng, seed);
	fprintf(stderr, "  failure modes: %" PRIu64 " rounds, seed %" PRIu64 "\n", rounds, seed);
	for (uint64_t i = 0; i < rounds; i++) {
		uint32_t m = 8 + wt_rng_below(&rng, 120);
		uint32_t k = wt_rng_below(&rng, m);
		int mode = (i & 1) ? WEIR_FAILURE_STOP : WEIR_FAILURE_CONTINUE;
		uint32_t dev = (uint32_t)(i / 2) % 2;
		failure_round(rt, drv[dev], dev, mode, m, k, 1000 + (int)(i % 50));
	}
	weir_runtime_destroy(rt);
	wt_watchdog_stop(&wd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oracle),
		cmocka_unit_test(test_failure_modes),
	};
	if (getenv("WEIR_TEST_FILTER")) /* e.g. WEIR_TEST_FILTER=test_failure_modes */
		cmocka_set_test_filter(getenv("WEIR_TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
