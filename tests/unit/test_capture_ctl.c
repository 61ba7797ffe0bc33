/*
 * Unit tests: control flow and updates inside an RI (sched/capture.c C9-C12,
 * docs/capture.md): a replay runs a captured run of kernels as ONE program
 * task; labels with a data-dependent backward jump; built RIs whose streams
 * start when activated (ACL's aclmdlRIBuild* model); conditional tasks IF,
 * WHILE (a loop run a data-dependent number of times) and SWITCH; task
 * groups replaced between replays; task parameters; abort; the errors. A
 * watchdog turns a hang into a failure.
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

/* *acc = *acc * 3 + v (order-sensitive, so a reordering shows). */
typedef struct mix_args {
	uint64_t *acc;
	uint64_t v;
} mix_args_t;

static int k_mix(void *args, uint32_t block, uint32_t nblocks)
{
	(void)block;
	(void)nblocks;
	mix_args_t *a = args;
	*a->acc = *a->acc * 3 + a->v;
	return 0;
}

static void launch_mix(weir_stream_t *s, uint64_t *acc, uint64_t v)
{
	mix_args_t a = { acc, v };
	WT_OK(weir_launch(s, k_mix, &a, sizeof a, 1, 0));
}

/* A multi-block kernel: y[i] += x * i over the blocks' slices. */
#define NB 1024
typedef struct vec_args {
	float *y;
	float x;
} vec_args_t;

static int k_vec(void *args, uint32_t block, uint32_t nblocks)
{
	vec_args_t *a = args;
	uint32_t lo = NB * block / nblocks, hi = NB * (block + 1) / nblocks;
	for (uint32_t i = lo; i < hi; i++)
		a->y[i] = a->y[i] * 0.5f + a->x * (float)i;
	return 0;
}

/* One step of a counted loop: --*n, ++*acc, *idx = *n ? 0 : 1 and
 * *word = *n != 0 (for labels and WHILE). */
typedef struct step_args {
	uint32_t *n;
	uint32_t *acc;
	uint32_t *idx;
	uint64_t *word;
} step_args_t;

static int k_step(void *args, uint32_t block, uint32_t nblocks)
{
	(void)block;
	(void)nblocks;
	step_args_t *a = args;
	if (*a->n)
		--*a->n;
	++*a->acc;
	*a->idx = *a->n ? 0 : 1;
	*a->word = *a->n != 0;
	return 0;
}

/* *word = (*n != 0): the loop's entry test. */
static int k_test(void *args, uint32_t block, uint32_t nblocks)
{
	(void)block;
	(void)nblocks;
	step_args_t *a = args;
	*a->word = *a->n != 0;
	*a->idx = *a->n ? 0 : 1;
	return 0;
}

/* ---- tests ---- */

/* 64 single-block kernels and a 4-block one: a replay is ONE program task
 * plus its final no-op, and its results equal eager execution bit for bit. */
static void test_program_one_task(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s = wt_stream(f, 0), *e = wt_stream(f, 0);
	static float ye[NB], yc[NB];
	uint64_t acc_e = 7, acc_c = 7;
	for (int pass = 0; pass < 2; pass++) {
		weir_stream_t *t = pass ? s : e;
		uint64_t *acc = pass ? &acc_c : &acc_e;
		float *y = pass ? yc : ye;
		if (pass)
			WT_OK(weir_capture_begin(s, WEIR_CAPTURE_RELAXED));
		for (uint64_t i = 0; i < 64; i++)
			launch_mix(t, acc, i);
		vec_args_t va = { y, 0.25f };
		WT_OK(weir_launch(t, k_vec, &va, sizeof va, 4, 0));
		if (!pass)
			WT_OK(weir_stream_sync(e, WEIR_TIMEOUT_INFINITE));
	}
	weir_ri_t *ri = NULL, *ri_seen = NULL;
	WT_OK(weir_capture_ri(s, &ri_seen));
	WT_ASSERT_STATUS(weir_ri_replay(ri_seen, e), WEIR_ESTATE); /* not ended */
	WT_OK(weir_capture_end(s, &ri));
	assert_ptr_equal(ri, ri_seen); /* one handle from the begin on */
	assert_int_equal(acc_c, 7);    /* recorded, not run */
	weir_ri_info_t info;
	WT_OK(weir_ri_info(ri, &info));
	assert_int_equal(info.tasks, 65);
	uint64_t sub0 = wt_stats(s).submitted;
	WT_OK(weir_ri_replay(ri, s));
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	/* The whole run of inline kernels is one task (C12). */
	assert_int_equal(wt_stats(s).submitted - sub0, 2);
	assert_int_equal(acc_c, acc_e);
	assert_memory_equal(yc, ye, sizeof ye);
	/* 100 more replays against 100 more eager runs. */
	for (int r = 0; r < 100; r++) {
		for (uint64_t i = 0; i < 64; i++)
			launch_mix(e, &acc_e, i);
		vec_args_t va = { ye, 0.25f };
		WT_OK(weir_launch(e, k_vec, &va, sizeof va, 4, 0));
		WT_OK(weir_ri_replay(ri, s));
	}
	WT_OK(weir_stream_sync(e, WEIR_TIMEOUT_INFINITE));
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(acc_c, acc_e);
	assert_memory_equal(yc, ye, sizeof ye);
	WT_OK(weir_ri_destroy(ri));
}

/* A built RI with one head stream: a loop by labels whose count is read
 * from memory at replay time (a backward jump), then a forward switch. */
static void test_labels_loop(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s = wt_stream(f, 0), *x = wt_stream(f, 0);
	static uint32_t n, acc, idx;
	static uint64_t word;
	weir_label_t *top, *out;
	weir_label_list_t *ll;
	WT_OK(weir_label_create(&top));
	WT_OK(weir_label_create(&out));
	weir_label_t *ls[2] = { top, out };
	WT_OK(weir_label_list_create(ls, 2, &ll));
	weir_ri_t *ri;
	WT_OK(weir_ri_build_begin(&ri));
	WT_OK(weir_ri_bind(ri, s, WEIR_RI_STREAM_HEAD));
	step_args_t a = { &n, &acc, &idx, &word };
	WT_OK(weir_ri_set_label(top, s));
	WT_OK(weir_launch(s, k_step, &a, sizeof a, 1, 0));
	WT_OK(weir_ri_switch_label(&idx, 2, ll, s)); /* idx 0: back to top */
	WT_OK(weir_ri_set_label(out, s));
	WT_OK(weir_ri_end_task(ri, s));
	WT_ASSERT_STATUS(weir_ri_end_task(ri, s), WEIR_EEXIST);
	WT_OK(weir_ri_build_end(ri));
	WT_OK(weir_label_list_destroy(ll)); /* resolved at the end */
	WT_OK(weir_label_destroy(top));
	WT_OK(weir_label_destroy(out));
	const uint32_t counts[] = { 1, 5, 37 };
	for (int k = 0; k < 3; k++) {
		n = counts[k];
		acc = 0;
		WT_OK(weir_ri_replay(ri, x));
		WT_OK(weir_stream_sync(x, WEIR_TIMEOUT_INFINITE));
		assert_int_equal(acc, counts[k]); /* the loop ran n times */
		assert_int_equal(n, 0);
	}
	WT_OK(weir_ri_unbind(ri, s));
	WT_ASSERT_STATUS(weir_ri_unbind(ri, s), WEIR_ESTATE);
	WT_OK(weir_ri_destroy(ri));
}

/* ACL's model_switch flow: streams start only when activated; a stream
 * switch compares device memory at replay time. */
static void test_built_activation(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *h = wt_stream(f, 0), *a = wt_stream(f, 0), *b = wt_stream(f, 0),
	              *end = wt_stream(f, 0), *x = wt_stream(f, 0);
	static uint64_t acc;
	static int32_t v, one = 1, two = 2;
	weir_ri_t *ri;
	WT_OK(weir_ri_build_begin(&ri));
	WT_OK(weir_ri_bind(ri, h, WEIR_RI_STREAM_HEAD));
	WT_OK(weir_ri_bind(ri, a, WEIR_RI_STREAM_DEFAULT));
	WT_OK(weir_ri_bind(ri, b, WEIR_RI_STREAM_DEFAULT));
	WT_OK(weir_ri_bind(ri, end, WEIR_RI_STREAM_DEFAULT));
	WT_ASSERT_STATUS(weir_ri_bind(ri, a, WEIR_RI_STREAM_DEFAULT), WEIR_ESTATE);
	WT_ASSERT_STATUS(weir_ri_bind(ri, x, 5), WEIR_EINVAL);
	launch_mix(h, &acc, 1);
	WT_OK(weir_ri_switch_stream(&v, WEIR_CMP_EQ, &one, false, a, h));
	WT_OK(weir_ri_switch_stream(&v, WEIR_CMP_EQ, &two, false, b, h));
	launch_mix(a, &acc, 2);
	WT_OK(weir_ri_activate(end, a));
	launch_mix(b, &acc, 3);
	WT_OK(weir_ri_activate(end, b));
	launch_mix(end, &acc, 4);
	WT_OK(weir_ri_end_task(ri, end));
	WT_OK(weir_ri_build_end(ri));
	WT_ASSERT_STATUS(weir_ri_build_end(ri), WEIR_ESTATE);
	/* The bound streams run normally again. */
	launch_mix(h, &acc, 0);
	WT_OK(weir_stream_sync(h, WEIR_TIMEOUT_INFINITE));
	acc = 0;
	v = 1;
	WT_OK(weir_ri_replay(ri, x));
	WT_OK(weir_stream_sync(x, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(acc, ((1 * 3) + 2) * 3 + 4); /* h, a, end */
	acc = 0;
	v = 2;
	WT_OK(weir_ri_replay(ri, x));
	WT_OK(weir_stream_sync(x, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(acc, ((1 * 3) + 3) * 3 + 4); /* h, b, end */
	acc = 0;
	v = 9; /* nothing activated: only the head runs */
	for (int i = 0; i < 50; i++)
		WT_OK(weir_ri_replay(ri, x));
	WT_OK(weir_stream_sync(x, WEIR_TIMEOUT_INFINITE));
	uint64_t want = 0;
	for (int i = 0; i < 50; i++)
		want = want * 3 + 1;
	assert_int_equal(acc, want);
	weir_ri_info_t info;
	WT_OK(weir_ri_info(ri, &info));
	assert_int_equal(info.streams, 4);
	weir_stream_t *got;
	WT_OK(weir_ri_stream(ri, 1, &got));
	assert_ptr_equal(got, a);
	WT_OK(weir_ri_destroy(ri));
}

/* IF, WHILE (data-dependent count) and SWITCH, with a default value stored
 * at every replay's start. */
static void test_cond(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s = wt_stream(f, 0), *sub = wt_stream(f, 0), *x = wt_stream(f, 0);
	static uint64_t acc, wif, wwhile, wsw;
	static uint32_t n, cnt, idx;
	weir_ri_t *ri = NULL, *got = NULL;
	WT_OK(weir_capture_begin(s, WEIR_CAPTURE_THREAD_LOCAL));
	WT_OK(weir_capture_ri(s, &ri));
	WT_OK(weir_ri_cond_default(ri, &wsw, 2)); /* SWITCH takes case 2 unless set */
	weir_ri_t *ifb[2], *wb[1], *swb[3];
	WT_OK(weir_ri_add_cond(s, WEIR_COND_IF, &wif, 2, ifb));
	WT_ASSERT_STATUS(weir_ri_destroy(ifb[0]), WEIR_ESTATE); /* owned by ri */
	for (int i = 0; i < 2; i++) {
		WT_OK(weir_capture_begin_into(sub, ifb[i], WEIR_CAPTURE_THREAD_LOCAL));
		launch_mix(sub, &acc, 10 + (uint64_t)i);
		WT_OK(weir_capture_end(sub, &got));
		assert_ptr_equal(got, ifb[i]);
	}
	WT_ASSERT_STATUS(weir_capture_begin_into(sub, ifb[0], WEIR_CAPTURE_RELAXED), WEIR_ESTATE);
	step_args_t sa = { &n, &cnt, &idx, &wwhile };
	WT_OK(weir_launch(s, k_test, &sa, sizeof sa, 1, 0));
	WT_OK(weir_ri_add_cond(s, WEIR_COND_WHILE, &wwhile, 1, wb));
	WT_OK(weir_capture_begin_into(sub, wb[0], WEIR_CAPTURE_THREAD_LOCAL));
	WT_OK(weir_launch(sub, k_step, &sa, sizeof sa, 1, 0));
	WT_OK(weir_capture_end(sub, &got));
	WT_OK(weir_ri_add_cond(s, WEIR_COND_SWITCH, &wsw, 3, swb));
	for (int i = 0; i < 3; i++) {
		WT_OK(weir_capture_begin_into(sub, swb[i], WEIR_CAPTURE_THREAD_LOCAL));
		launch_mix(sub, &acc, 20 + (uint64_t)i);
		WT_OK(weir_capture_end(sub, &got));
	}
	/* A body holds inline tasks only. */
	weir_ri_t *bad[1];
	WT_OK(weir_ri_add_cond(s, WEIR_COND_IF, &wif, 1, bad));
	weir_event_t *ev;
	WT_OK(weir_event_create(f->rt, 0, 0, &ev));
	WT_OK(weir_capture_begin_into(sub, bad[0], WEIR_CAPTURE_THREAD_LOCAL));
	WT_OK(weir_event_record(ev, sub));
	WT_ASSERT_STATUS(weir_capture_end(sub, &got), WEIR_EINVAL);
	WT_OK(weir_capture_end(s, &got));
	assert_ptr_equal(got, ri);
	WT_OK(weir_event_destroy(ev));
	const uint32_t counts[] = { 0, 3, 17 };
	for (int k = 0; k < 3; k++) {
		acc = 0;
		cnt = 0;
		n = counts[k];
		wif = k & 1;
		wsw = 0; /* reset to 2 at the start */
		WT_OK(weir_ri_replay(ri, x));
		WT_OK(weir_stream_sync(x, WEIR_TIMEOUT_INFINITE));
		assert_int_equal(cnt, counts[k]); /* WHILE ran n rounds */
		uint64_t want = (k & 1) ? 10 : 11;
		want = want * 3 + 22;
		assert_int_equal(acc, want);
	}
	WT_OK(weir_ri_destroy(ri));
}

/* A task group replaced between replays; a mismatched update fails and
 * keeps the group. */
static void test_group_update(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s = wt_stream(f, 0), *u = wt_stream(f, 0);
	static uint64_t acc;
	weir_ri_t *ri;
	weir_ri_group_t *g;
	WT_OK(weir_capture_begin(s, WEIR_CAPTURE_RELAXED));
	launch_mix(s, &acc, 1);
	WT_OK(weir_capture_group_begin(s));
	WT_ASSERT_STATUS(weir_capture_group_begin(s), WEIR_ESTATE);
	launch_mix(s, &acc, 2);
	WT_OK(weir_capture_group_end(s, &g));
	launch_mix(s, &acc, 3);
	WT_OK(weir_capture_end(s, &ri));
	acc = 0;
	WT_OK(weir_ri_replay(ri, s));
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(acc, (1 * 3 + 2) * 3 + 3);
	WT_OK(weir_ri_update_begin(u, g));
	WT_ASSERT_STATUS(weir_ri_update_begin(s, g), WEIR_EBUSY);
	launch_mix(u, &acc, 7); /* recorded as the group's new kernel */
	WT_OK(weir_ri_update_end(u));
	acc = 0;
	WT_OK(weir_ri_replay(ri, s));
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(acc, (1 * 3 + 7) * 3 + 3);
	/* Two kernels for a group of one: refused, the group unchanged. */
	WT_OK(weir_ri_update_begin(u, g));
	launch_mix(u, &acc, 8);
	launch_mix(u, &acc, 9);
	WT_ASSERT_STATUS(weir_ri_update_end(u), WEIR_EINVAL);
	acc = 0;
	WT_OK(weir_ri_replay(ri, s));
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(acc, (1 * 3 + 7) * 3 + 3);
	/* u runs normally again. */
	launch_mix(u, &acc, 0);
	WT_OK(weir_stream_sync(u, WEIR_TIMEOUT_INFINITE));
	/* A group with anything but kernels. */
	weir_event_t *ev;
	WT_OK(weir_event_create(f->rt, 0, 0, &ev));
	weir_ri_t *ri2;
	weir_ri_group_t *g2;
	WT_OK(weir_capture_begin(u, WEIR_CAPTURE_RELAXED));
	WT_OK(weir_capture_group_begin(u));
	WT_OK(weir_event_record(ev, u));
	WT_ASSERT_STATUS(weir_capture_group_end(u, &g2), WEIR_ENOTSUP);
	WT_OK(weir_capture_end(u, &ri2));
	WT_OK(weir_ri_destroy(ri2));
	WT_OK(weir_event_destroy(ev));
	WT_OK(weir_ri_destroy(ri));
	WT_ASSERT_STATUS(weir_ri_update_begin(u, g), WEIR_EHANDLE); /* died with ri */
}

/* Task parameters: get, set + update, disable; update refused while a
 * replay is in flight; abort skips a queued replay's kernels. */
static void test_task_params_abort(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s = wt_stream(f, 0);
	static uint64_t acc;
	weir_ri_t *ri;
	WT_OK(weir_capture_begin(s, WEIR_CAPTURE_RELAXED));
	launch_mix(s, &acc, 1);
	launch_mix(s, &acc, 2);
	WT_OK(weir_capture_end(s, &ri));
	weir_ri_task_desc_t d;
	WT_OK(weir_ri_task_get(ri, 0, 1, &d));
	assert_int_equal(d.kind, WEIR_RI_TASK_KERNEL);
	assert_ptr_equal(d.fn, k_mix);
	assert_int_equal(((const mix_args_t *)d.args)->v, 2);
	WT_ASSERT_STATUS(weir_ri_task_get(ri, 0, 2, &d), WEIR_EINVAL);
	WT_ASSERT_STATUS(weir_ri_task_get(ri, 1, 0, &d), WEIR_EINVAL);
	mix_args_t na = { &acc, 5 };
	d.args = &na;
	d.args_size = sizeof na;
	WT_OK(weir_ri_task_set(ri, 0, 1, &d));
	acc = 0;
	WT_OK(weir_ri_replay(ri, s)); /* staged, not applied yet */
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(acc, 1 * 3 + 2);
	WT_OK(weir_ri_update(ri));
	acc = 0;
	WT_OK(weir_ri_replay(ri, s));
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(acc, 1 * 3 + 5);
	WT_OK(weir_ri_task_disable(ri, 0, 0));
	/* A replay held behind a gate is in flight: no update, and abort
	 * skips its kernels. */
	wt_gate_t gt = { 0 };
	wt_gate_block(f, &gt, 0, s);
	acc = 0;
	WT_OK(weir_ri_replay(ri, s));
	WT_ASSERT_STATUS(weir_ri_update(ri), WEIR_EBUSY);
	WT_OK(weir_ri_abort(ri));
	wt_gate_open(f, &gt);
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(acc, 0);
	wt_gate_free(&gt);
	WT_OK(weir_ri_update(ri)); /* applies the disable */
	WT_OK(weir_ri_replay(ri, s));
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(acc, 5);
	WT_OK(weir_ri_task_get(ri, 0, 0, &d));
	assert_true(d.disabled);
	WT_OK(weir_ri_destroy(ri));
}

static void test_errors(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s = wt_stream(f, 0), *t = wt_stream(f, 0);
	static uint32_t idx;
	weir_ri_t *ri, *got;
	weir_label_t *l;
	weir_label_list_t *ll;
	WT_OK(weir_label_create(&l));
	WT_OK(weir_label_list_create(&l, 1, &ll));
	/* Control tasks need a recording stream; activation a bound one. */
	WT_ASSERT_STATUS(weir_ri_set_label(l, s), WEIR_ESTATE);
	WT_ASSERT_STATUS(weir_ri_activate(t, s), WEIR_ESTATE);
	WT_ASSERT_STATUS(weir_capture_group_begin(s), WEIR_ESTATE);
	WT_ASSERT_STATUS(weir_capture_ri(s, &got), WEIR_ESTATE);
	WT_OK(weir_capture_begin(s, WEIR_CAPTURE_RELAXED));
	WT_ASSERT_STATUS(weir_ri_activate(t, s), WEIR_ESTATE);
	WT_OK(weir_capture_ri(s, &ri));
	WT_ASSERT_STATUS(weir_ri_destroy(ri), WEIR_EBUSY); /* still recording */
	WT_ASSERT_STATUS(weir_capture_begin_into(t, ri, WEIR_CAPTURE_RELAXED), WEIR_ESTATE);
	/* A switch to a label that is never set on the stream. */
	WT_OK(weir_ri_switch_label(&idx, 1, ll, s));
	WT_ASSERT_STATUS(weir_capture_end(s, &got), WEIR_EINVAL);
	WT_ASSERT_STATUS(weir_ri_info(ri, &(weir_ri_info_t){ 0 }), WEIR_EHANDLE);
	/* A build needs a head stream; bad arguments. */
	WT_OK(weir_ri_build_begin(&ri));
	WT_OK(weir_ri_bind(ri, s, WEIR_RI_STREAM_DEFAULT));
	WT_ASSERT_STATUS(weir_ri_build_end(ri), WEIR_ESTATE);
	WT_ASSERT_STATUS(weir_ri_bind(ri, NULL, WEIR_RI_STREAM_HEAD), WEIR_EHANDLE);
	WT_ASSERT_STATUS(weir_ri_switch_stream(NULL, 0, &idx, false, t, s), WEIR_EINVAL);
	WT_ASSERT_STATUS(weir_ri_switch_stream(&idx, 9, &idx, false, t, s), WEIR_EINVAL);
	WT_ASSERT_STATUS(weir_ri_replay(ri, t), WEIR_ESTATE);
	/* An activation of a stream that is not bound fails the build. */
	WT_OK(weir_ri_bind(ri, t, WEIR_RI_STREAM_HEAD));
	weir_stream_t *z = wt_stream(f, 0);
	WT_OK(weir_ri_activate(z, s));
	WT_ASSERT_STATUS(weir_ri_build_end(ri), WEIR_EINVAL);
	/* Destroying a build that never ended frees its streams. */
	WT_OK(weir_ri_build_begin(&ri));
	WT_OK(weir_ri_bind(ri, s, WEIR_RI_STREAM_HEAD));
	launch_mix(s, &(uint64_t){ 0 }, 1);
	WT_OK(weir_ri_destroy(ri));
	launch_mix(s, &(uint64_t){ 0 }, 1); /* runs: s is not bound any more */
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	WT_ASSERT_STATUS(weir_ri_add_cond(s, WEIR_COND_WHILE, NULL, 1, &got), WEIR_EINVAL);
	WT_ASSERT_STATUS(weir_ri_add_cond(s, WEIR_COND_WHILE, &(uint64_t){ 0 }, 2, &got),
	                 WEIR_EINVAL);
	WT_ASSERT_STATUS(weir_ri_add_cond(s, WEIR_COND_IF, &(uint64_t){ 0 }, 1, &got), WEIR_ESTATE);
	WT_ASSERT_STATUS(weir_label_list_create(&l, 0, &ll), WEIR_EINVAL);
	WT_OK(weir_label_list_destroy(ll));
	WT_OK(weir_label_destroy(l));
	WT_ASSERT_STATUS(weir_label_destroy(l), WEIR_EHANDLE);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_program_one_task), T(test_labels_loop),
		T(test_built_activation), T(test_cond),
		T(test_group_update),     T(test_task_params_abort),
		T(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
