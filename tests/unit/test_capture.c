/*
 * Unit tests: task capture and replay (sched/capture.c, docs/capture.md).
 * Every native task kind is recorded instead of run; a replay runs them
 * again with results equal bit for bit to eager execution; cross-stream
 * capture joined by events keeps its order on replay; replays twice, 100
 * times, from several threads onto several streams; destroy and abort with
 * replays in flight; the errors with their codes. A watchdog turns a hang
 * into a failure.
 */
#include "common/fixture.h"

#include <string.h>

static wt_watchdog_t g_wd;

static int setup(void **state)
{
	wt_watchdog_start(&g_wd, 120);
	return wt_fix_setup_cfg(state, 4, 4096);
}

static int teardown(void **state)
{
	int rc = wt_fix_teardown(state);
	wt_watchdog_stop(&g_wd);
	return rc;
}

/* ---- kernels ---- */

#define N 4096

/* y = a * y + x, over nblocks slices: a deterministic float chain. */
typedef struct axpy_args {
	float *y;
	const float *x;
	float a;
} axpy_args_t;

static int k_axpy(void *args, uint32_t block, uint32_t nblocks)
{
	axpy_args_t *p = args;
	uint32_t lo = (uint32_t)((uint64_t)N * block / nblocks);
	uint32_t hi = (uint32_t)((uint64_t)N * (block + 1) / nblocks);
	for (uint32_t i = lo; i < hi; i++)
		p->y[i] = p->a * p->y[i] + p->x[i] * 0.5f + (float)i * 1e-3f;
	return 0;
}

static void launch_axpy(weir_stream_t *s, float *y, const float *x, float a, uint32_t nblocks)
{
	axpy_args_t p = { y, x, a };
	WT_OK(weir_launch(s, k_axpy, &p, sizeof p, nblocks, 0));
}

/* Append `tag` to an order log (one producer stream at a time per log
 * slot; the counter is atomic for the cross-stream tests). */
typedef struct olog {
	_Atomic uint32_t n;
	uint32_t tag[4096];
} olog_t;

typedef struct log_args {
	olog_t *log;
	uint32_t tag;
} log_args_t;

static int k_log(void *args, uint32_t block, uint32_t nblocks)
{
	(void)block;
	(void)nblocks;
	log_args_t *p = args;
	uint32_t i = weir_faa_relaxed(&p->log->n, 1);
	if (i < 4096)
		__atomic_store_n(&p->log->tag[i], p->tag, __ATOMIC_RELAXED);
	return 0;
}

static void launch_log(weir_stream_t *s, olog_t *log, uint32_t tag)
{
	log_args_t p = { log, tag };
	WT_OK(weir_launch(s, k_log, &p, sizeof p, 1, 0));
}

static void host_log(void *arg)
{
	log_args_t *p = arg;
	k_log(p, 0, 1);
}

static void count_release(void *ctx)
{
	weir_faa_release((_Atomic uint64_t *)ctx, 1);
}

static int k_count(void *args, uint32_t block, uint32_t nblocks)
{
	(void)block;
	(void)nblocks;
	weir_faa_relaxed(*(_Atomic uint64_t **)args, 1);
	return 0;
}

/* ---- every task kind ---- */

/* The sequence, eager or captured: kernels (multi-block), a kernel with a
 * release, a host function, value write + wait, notify record + wait, a
 * FLAG event record + reset, a wait on an outside event. */
typedef struct seq {
	float y[N], x[N];
	olog_t log;
	log_args_t hl;
	uint64_t word;
	_Atomic uint64_t ran, released;
} seq_t;

static void run_seq(wt_fix_t *f, weir_stream_t *s, seq_t *q, weir_notify_t *nt, weir_event_t *flag,
                    weir_event_t *outside)
{
	launch_axpy(s, q->y, q->x, 1.25f, 8);
	launch_log(s, &q->log, 1);
	_Atomic uint64_t *rp = &q->ran;
	WT_OK(weir_launch_release(s, k_count, &rp, sizeof rp, 1, 0, count_release, &q->released));
	WT_OK(weir_launch_host(s, host_log, &q->hl));
	WT_OK(weir_value_write(s, &q->word, 7, 0));
	WT_OK(weir_value_wait(s, &q->word, 7, WEIR_VALUE_EQ, 0));
	WT_OK(weir_notify_record(nt, s));
	WT_OK(weir_notify_wait(nt, s, 0));
	WT_OK(weir_event_record(flag, s));
	WT_OK(weir_event_reset(flag, s));
	WT_OK(weir_stream_wait_event(s, outside));
	launch_axpy(s, q->y, q->x, -0.75f, 3);
	launch_log(s, &q->log, 3);
	(void)f;
}

static void seq_init(seq_t *q)
{
	memset(q, 0, sizeof *q);
	for (int i = 0; i < N; i++) {
		q->x[i] = (float)(i % 97) * 0.031f;
		q->y[i] = (float)(i % 13) - 6.0f;
	}
	q->hl = (log_args_t){ &q->log, 2 };
}

static void test_every_kind(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s = wt_stream(f, 0), *e_s = wt_stream(f, 0), *other = wt_stream(f, 0);
	weir_notify_t *nt;
	weir_event_t *flag, *outside;
	WT_OK(weir_notify_create(f->rt, 0, &nt));
	WT_OK(weir_event_create(f->rt, 0, WEIR_EVENT_FLAG, &flag));
	WT_OK(weir_event_create(f->rt, 0, 0, &outside));
	WT_OK(weir_event_record(outside, other));

	static seq_t eager, cap;
	seq_init(&eager);
	seq_init(&cap);
	run_seq(f, e_s, &eager, nt, flag, outside);
	WT_OK(weir_stream_sync(e_s, WEIR_TIMEOUT_INFINITE));

	int st = -1, mode = -1;
	WT_OK(weir_capture_begin(s, WEIR_CAPTURE_RELAXED));
	WT_OK(weir_capture_status(s, &st, &mode));
	assert_int_equal(st, WEIR_CAPTURE_ACTIVE);
	assert_int_equal(mode, WEIR_CAPTURE_RELAXED);
	run_seq(f, s, &cap, nt, flag, outside);
	weir_ri_t *ri = NULL;
	WT_OK(weir_capture_end(s, &ri));
	WT_OK(weir_capture_status(s, &st, NULL));
	assert_int_equal(st, WEIR_CAPTURE_NONE);
	/* Nothing ran: recorded, not run. */
	weir_stream_stats_t ss = wt_stats(s);
	assert_int_equal(ss.submitted, 0);
	assert_int_equal(weir_load_acquire(&cap.log.n), 0);
	assert_int_equal(weir_load_acquire(&cap.ran), 0);
	assert_int_equal(cap.word, 0);
	uint64_t pend = 9;
	WT_OK(weir_notify_pending(nt, &pend));
	assert_int_equal(pend, 0);
	weir_ri_info_t info;
	WT_OK(weir_ri_info(ri, &info));
	assert_int_equal(info.streams, 1);
	assert_int_equal(info.tasks, 13);
	assert_int_equal(info.edges, 0);
	uint32_t nt0 = 0;
	WT_OK(weir_ri_stream_tasks(ri, 0, &nt0));
	assert_int_equal(nt0, 13);
	WT_ASSERT_STATUS(weir_ri_stream_tasks(ri, 1, &nt0), WEIR_EINVAL);

	/* One replay equals the eager run, bit for bit. */
	WT_OK(weir_ri_replay(ri, s));
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	assert_memory_equal(eager.y, cap.y, sizeof eager.y);
	assert_int_equal(weir_load_acquire(&cap.log.n), 3);
	assert_memory_equal(eager.log.tag, cap.log.tag, 3 * sizeof(uint32_t));
	assert_int_equal(cap.word, 7);
	assert_int_equal(weir_load_acquire(&cap.ran), 1);
	assert_int_equal(weir_load_acquire(&cap.released), 0);    /* the RI keeps the release */
	assert_int_equal(weir_event_query(flag), WEIR_ENOTREADY); /* recorded, then reset */
	bool rec = false;
	WT_OK(weir_event_recorded(flag, &rec));
	assert_true(rec);

	/* A second replay, and 100 more: the same as running it 102 times. */
	seq_t *again = calloc(1, sizeof *again);
	assert_non_null(again);
	memcpy(again, &eager, sizeof *again);
	again->hl = (log_args_t){ &again->log, 2 };
	for (int r = 0; r < 101; r++) {
		WT_OK(weir_ri_replay(ri, s));
		run_seq(f, e_s, again, nt, flag, outside);
	}
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	WT_OK(weir_stream_sync(e_s, WEIR_TIMEOUT_INFINITE));
	assert_memory_equal(again->y, cap.y, sizeof cap.y);
	assert_int_equal(weir_load_acquire(&cap.ran), 102);
	assert_int_equal(weir_load_acquire(&cap.log.n), 3 * 102);
	ss = wt_stats(s);
	wt_assert_conserved(&ss);
	assert_int_equal(ss.failed, 0);
	free(again);

	WT_OK(weir_ri_destroy(ri));
	WT_ASSERT_STATUS(weir_ri_destroy(ri), WEIR_EHANDLE);
	WT_ASSERT_STATUS(weir_ri_replay(ri, s), WEIR_EHANDLE);
	assert_true(wt_wait_geq(&cap.released, 1, 10 * WT_S)); /* once, at the RI's free */
	assert_int_equal(weir_load_acquire(&cap.released), 1);
	WT_OK(weir_notify_destroy(nt));
	WT_OK(weir_event_destroy(flag));
	WT_OK(weir_event_destroy(outside));
}

/* ---- cross-stream capture joined by events ---- */

/* s0: A, record e1 | s1 (joins): wait e1, B1, B2, record e2 | s0: C, wait e2,
 * D. Order: A < B1 < B2 < D, A < C < D. */
static void capture_fork_join(wt_fix_t *f, weir_stream_t *s0, weir_stream_t *s1, olog_t *log,
                              weir_ri_t **ri)
{
	weir_event_t *e1, *e2;
	WT_OK(weir_event_create(f->rt, 0, 0, &e1));
	WT_OK(weir_event_create(f->rt, 0, 0, &e2));
	WT_OK(weir_capture_begin(s0, WEIR_CAPTURE_THREAD_LOCAL));
	launch_log(s0, log, 'A');
	WT_OK(weir_event_record(e1, s0));
	WT_OK(weir_stream_wait_event(s1, e1)); /* s1 joins */
	int st = -1;
	WT_OK(weir_capture_status(s1, &st, NULL));
	assert_int_equal(st, WEIR_CAPTURE_ACTIVE);
	/* Only the origin ends it. */
	WT_ASSERT_STATUS(weir_capture_end(s1, ri), WEIR_ECAPTURE);
	launch_log(s1, log, 'B');
	launch_log(s1, log, 'b');
	WT_OK(weir_event_record(e2, s1));
	launch_log(s0, log, 'C');
	WT_OK(weir_stream_wait_event(s0, e2));
	launch_log(s0, log, 'D');
	WT_OK(weir_capture_end(s0, ri));
	WT_OK(weir_capture_status(s1, &st, NULL));
	assert_int_equal(st, WEIR_CAPTURE_NONE);
	/* The events were recorded only in the capture: eagerly untouched. */
	bool rec = true;
	WT_OK(weir_event_recorded(e1, &rec));
	assert_false(rec);
	WT_OK(weir_event_destroy(e1)); /* the RI keeps what it needs */
	WT_OK(weir_event_destroy(e2));
	assert_int_equal(weir_load_acquire(&log->n), 0);
}

static int pos_of(const uint32_t *tags, uint32_t n, uint32_t tag)
{
	for (uint32_t i = 0; i < n; i++)
		if (tags[i] == tag)
			return (int)i;
	return -1;
}

static void check_fork_join_order(const uint32_t *tags)
{
	int a = pos_of(tags, 5, 'A'), b = pos_of(tags, 5, 'B'), b2 = pos_of(tags, 5, 'b'),
	    c = pos_of(tags, 5, 'C'), d = pos_of(tags, 5, 'D');
	assert_true(a >= 0 && b >= 0 && b2 >= 0 && c >= 0 && d >= 0);
	assert_true(a < b && b < b2 && b2 < d && a < c && c < d);
}

static void test_cross_stream(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s0 = wt_stream(f, 0), *s1 = wt_stream(f, 0), *r = wt_stream(f, 1);
	static olog_t log;
	memset(&log, 0, sizeof log);
	weir_ri_t *ri;
	capture_fork_join(f, s0, s1, &log, &ri);
	weir_ri_info_t info;
	WT_OK(weir_ri_info(ri, &info));
	assert_int_equal(info.streams, 2);
	assert_int_equal(info.tasks, 7); /* 5 kernels + 2 records */
	assert_int_equal(info.edges, 2);
	/* Replays one at a time, each checked; on s0 and on a stream of
	 * another device. */
	for (int i = 0; i < 20; i++) {
		weir_stream_t *on = (i & 1) ? r : s0;
		weir_store_relaxed(&log.n, 0);
		WT_OK(weir_ri_replay(ri, on));
		/* A sync of the replay stream covers the whole replay (C5). */
		WT_OK(weir_stream_sync(on, WEIR_TIMEOUT_INFINITE));
		assert_int_equal(weir_load_acquire(&log.n), 5);
		check_fork_join_order(log.tag);
	}
	WT_OK(weir_ri_destroy(ri));
}

static void test_unjoined(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s0 = wt_stream(f, 0), *s1 = wt_stream(f, 0);
	static olog_t log;
	weir_event_t *e1;
	WT_OK(weir_event_create(f->rt, 0, 0, &e1));
	WT_OK(weir_capture_begin(s0, WEIR_CAPTURE_GLOBAL));
	WT_OK(weir_event_record(e1, s0));
	WT_OK(weir_stream_wait_event(s1, e1));
	launch_log(s1, &log, 1); /* never joined back */
	weir_ri_t *ri = (weir_ri_t *)1;
	WT_ASSERT_STATUS(weir_capture_end(s0, &ri), WEIR_EUNJOINED);
	assert_null(ri);
	/* Both streams are free again and run eagerly. */
	launch_log(s1, &log, 2);
	WT_OK(weir_stream_sync(s1, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(weir_load_acquire(&log.n), 1);
	WT_OK(weir_event_destroy(e1));
}

/* ---- several streams and threads replaying one RI ---- */

typedef struct rep_thr {
	weir_ri_t *ri;
	weir_stream_t *s;
	int n;
	int rc;
} rep_thr_t;

static void *rep_main(void *arg)
{
	rep_thr_t *t = arg;
	for (int i = 0; i < t->n && !t->rc; i++)
		t->rc = weir_ri_replay(t->ri, t->s);
	if (!t->rc)
		t->rc = weir_stream_sync(t->s, WEIR_TIMEOUT_INFINITE);
	return NULL;
}

static void test_threads_streams(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s0 = wt_stream(f, 0), *s1 = wt_stream(f, 0);
	static olog_t log;
	memset(&log, 0, sizeof log);
	weir_ri_t *ri;
	capture_fork_join(f, s0, s1, &log, &ri);
	enum { T = 4, R = 50 };
	rep_thr_t t[T];
	pthread_t th[T];
	for (int i = 0; i < T; i++) {
		t[i] = (rep_thr_t){ ri, wt_stream(f, (uint32_t)i & 1), R, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, rep_main, &t[i]), 0);
	}
	/* Two threads on one stream too. */
	rep_thr_t same[2] = { { ri, s0, R, 0 }, { ri, s0, R, 0 } };
	pthread_t sth[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&sth[i], NULL, rep_main, &same[i]), 0);
	for (int i = 0; i < T; i++) {
		pthread_join(th[i], NULL);
		WT_OK(t[i].rc);
	}
	for (int i = 0; i < 2; i++) {
		pthread_join(sth[i], NULL);
		WT_OK(same[i].rc);
	}
	assert_int_equal(weir_load_acquire(&log.n), (T + 2) * R * 5);
	WT_OK(weir_ri_destroy(ri));
}

/* ---- destroy and abort with replays in flight ---- */

static weir_ri_t *capture_counted(weir_stream_t *s, _Atomic uint64_t *ran,
                                  _Atomic uint64_t *released)
{
	WT_OK(weir_capture_begin(s, WEIR_CAPTURE_GLOBAL));
	WT_OK(weir_launch_release(s, k_count, &ran, sizeof ran, 2, 0, count_release, released));
	WT_OK(weir_launch(s, k_count, &ran, sizeof ran, 1, 0));
	weir_ri_t *ri;
	WT_OK(weir_capture_end(s, &ri));
	return ri;
}

static void test_destroy_in_flight(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s = wt_stream(f, 0);
	static _Atomic uint64_t ran, released;
	weir_store_relaxed(&ran, 0);
	weir_store_relaxed(&released, 0);
	weir_ri_t *ri = capture_counted(s, &ran, &released);
	wt_gate_t gt;
	wt_gate_block(f, &gt, 0, s);
	for (int i = 0; i < 10; i++)
		WT_OK(weir_ri_replay(ri, s));
	WT_OK(weir_ri_destroy(ri)); /* never waits */
	assert_int_equal(weir_load_acquire(&ran), 0);
	assert_int_equal(weir_load_acquire(&released), 0); /* replays hold the RI */
	wt_gate_open(f, &gt);
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(weir_load_acquire(&ran), 10 * 3);
	assert_true(wt_wait_geq(&released, 1, 10 * WT_S));
	wt_gate_free(&gt);
}

static void test_abort_in_flight(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s0 = wt_stream(f, 0), *s1 = wt_stream(f, 0);
	static _Atomic uint64_t ran, released;
	weir_store_relaxed(&ran, 0);
	weir_store_relaxed(&released, 0);
	weir_ri_t *ri = capture_counted(s0, &ran, &released);
	/* And a two-stream RI: an abort of the replay stream strands no lane. */
	static olog_t log;
	memset(&log, 0, sizeof log);
	weir_ri_t *ri2;
	capture_fork_join(f, s0, s1, &log, &ri2);
	wt_gate_t gt;
	wt_gate_block(f, &gt, 0, s0);
	for (int i = 0; i < 10; i++) {
		WT_OK(weir_ri_replay(ri, s0));
		WT_OK(weir_ri_replay(ri2, s0));
	}
	WT_OK(weir_stream_abort(s0));
	WT_ASSERT_STATUS(weir_stream_sync(s0, WEIR_TIMEOUT_INFINITE), WEIR_EABORTED);
	assert_int_equal(weir_load_acquire(&ran), 0);
	/* The replays let go of the RI when discarded. */
	WT_OK(weir_ri_destroy(ri));
	assert_true(wt_wait_geq(&released, 1, 10 * WT_S));
	/* The stream and the RI still work. The aborted replays' second lane
	 * still runs its kernels (an abort discards the replay stream's tasks
	 * only; C5's join was among them), maybe after the sync above: one
	 * replay and sync first, which queues behind them on the same lane
	 * stream (C8) and joins, so none of them logs after the reset. */
	WT_OK(weir_ri_replay(ri2, s0));
	WT_OK(weir_stream_sync(s0, WEIR_TIMEOUT_INFINITE));
	weir_store_relaxed(&log.n, 0);
	WT_OK(weir_ri_replay(ri2, s0));
	WT_OK(weir_stream_sync(s0, WEIR_TIMEOUT_INFINITE));
	check_fork_join_order(log.tag + weir_load_acquire(&log.n) - 5);
	WT_OK(weir_ri_destroy(ri2));
	wt_gate_open(f, &gt);
	wt_gate_free(&gt);
}

/* ---- errors ---- */

typedef struct end_thr {
	weir_stream_t *s;
	int rc;
	int unsafe;
} end_thr_t;

static void *end_main(void *arg)
{
	end_thr_t *t = arg;
	weir_ri_t *ri;
	t->unsafe = weir_capture_unsafe_call(); /* another thread's GLOBAL capture */
	t->rc = weir_capture_end(t->s, &ri);
	return NULL;
}

static void test_errors(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s = wt_stream(f, 0), *s2 = wt_stream(f, 0);
	weir_ri_t *ri = NULL;
	static olog_t log;
	WT_ASSERT_STATUS(weir_capture_end(s, &ri), WEIR_ESTATE); /* end without begin */
	WT_ASSERT_STATUS(weir_capture_end(s, NULL), WEIR_EINVAL);
	WT_ASSERT_STATUS(weir_capture_begin(s, 3), WEIR_EINVAL);
	WT_ASSERT_STATUS(weir_capture_begin(NULL, 0), WEIR_EHANDLE);
	WT_OK(weir_capture_unsafe_call());

	/* GLOBAL: unsafe calls refused here and in other threads; the end
	 * must come from this thread. */
	WT_OK(weir_capture_begin(s, WEIR_CAPTURE_GLOBAL));
	WT_ASSERT_STATUS(weir_capture_begin(s, WEIR_CAPTURE_GLOBAL), WEIR_ESTATE);
	WT_ASSERT_STATUS(weir_capture_unsafe_call(), WEIR_ECAPTURE);
	int m = WEIR_CAPTURE_RELAXED;
	WT_OK(weir_capture_thread_exchange_mode(&m));
	assert_int_equal(m, WEIR_CAPTURE_GLOBAL);
	WT_OK(weir_capture_unsafe_call()); /* this thread is RELAXED now */
	WT_OK(weir_capture_thread_exchange_mode(&m));
	end_thr_t et = { s, 0, 0 };
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, end_main, &et), 0);
	pthread_join(th, NULL);
	WT_ASSERT_STATUS(et.unsafe, WEIR_ECAPTURE);
	WT_ASSERT_STATUS(et.rc, WEIR_ECAPTURE); /* wrong thread; the capture goes on */
	launch_log(s, &log, 1);
	/* A replay cannot go onto a capturing stream. */
	WT_OK(weir_capture_begin(s2, WEIR_CAPTURE_RELAXED));
	launch_log(s2, &log, 1);
	weir_ri_t *ri2;
	WT_OK(weir_capture_end(s2, &ri2));
	WT_ASSERT_STATUS(weir_ri_replay(ri2, s), WEIR_ECAPTURE);
	/* Capturing a sync call: refused, and the capture is invalidated. */
	WT_ASSERT_STATUS(weir_stream_sync(s, 0), WEIR_ECAPTURE);
	WT_ASSERT_STATUS(weir_stream_query(s), WEIR_ECAPTURE);
	int st = -1;
	WT_OK(weir_capture_status(s, &st, NULL));
	assert_int_equal(st, WEIR_CAPTURE_INVALIDATED);
	launch_log(s, &log, 1); /* accepted, dropped */
	WT_ASSERT_STATUS(weir_capture_end(s, &ri), WEIR_EINVALIDATED);
	WT_OK(weir_capture_unsafe_call());
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(weir_load_acquire(&log.n), 0);

	/* An event recorded in a capture: its sync is refused. */
	weir_event_t *e;
	WT_OK(weir_event_create(f->rt, 0, 0, &e));
	WT_OK(weir_capture_begin(s, WEIR_CAPTURE_THREAD_LOCAL));
	WT_OK(weir_event_record(e, s));
	WT_ASSERT_STATUS(weir_event_sync(e, 0), WEIR_ECAPTURE);
	WT_ASSERT_STATUS(weir_event_query(e), WEIR_ECAPTURE);
	WT_ASSERT_STATUS(weir_capture_end(s, &ri), WEIR_EINVALIDATED);
	WT_OK(weir_event_sync(e, 0)); /* unbound again */

	/* A wait across two captures (isolation). */
	WT_OK(weir_capture_begin(s, WEIR_CAPTURE_RELAXED));
	WT_OK(weir_capture_begin(s2, WEIR_CAPTURE_RELAXED));
	WT_OK(weir_event_record(e, s));
	WT_ASSERT_STATUS(weir_stream_wait_event(s2, e), WEIR_ECAPTURE);
	WT_ASSERT_STATUS(weir_capture_end(s2, &ri), WEIR_ECAPTURE);
	WT_OK(weir_capture_end(s, &ri));
	/* A replay whose outside event was destroyed: refused, nothing
	 * queued (a record of a destroyed event is skipped instead). */
	weir_event_t *ext;
	WT_OK(weir_event_create(f->rt, 0, 0, &ext));
	WT_OK(weir_event_record(ext, s2));
	WT_OK(weir_capture_begin(s, WEIR_CAPTURE_RELAXED));
	WT_OK(weir_stream_wait_event(s, ext));
	weir_ri_t *ri3;
	WT_OK(weir_capture_end(s, &ri3));
	WT_OK(weir_event_destroy(ext));
	WT_ASSERT_STATUS(weir_ri_replay(ri3, s), WEIR_EHANDLE);
	WT_OK(weir_ri_destroy(ri3));
	/* A record of a device-0 event cannot replay onto device 1. */
	weir_stream_t *d1 = wt_stream(f, 1);
	WT_ASSERT_STATUS(weir_ri_replay(ri, d1), WEIR_EFOREIGN);
	assert_int_equal(wt_stats(d1).submitted, 0);
	WT_OK(weir_event_destroy(e));
	WT_OK(weir_ri_replay(ri, s));
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	weir_stream_stats_t ss = wt_stats(s);
	assert_int_equal(ss.in_flight, 0);
	WT_OK(weir_ri_destroy(ri));
	WT_OK(weir_ri_destroy(ri2));
	WT_ASSERT_STATUS(weir_ri_info(ri2, &(weir_ri_info_t){ 0 }), WEIR_EHANDLE);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_every_kind),      T(test_cross_stream),      T(test_unjoined),
		T(test_threads_streams), T(test_destroy_in_flight), T(test_abort_in_flight),
		T(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
