/*
 * test_graph_reliability.c - the executor's lifetime rules (issue 8):
 *
 *  - bind: graphs with many inputs and outputs (more than fit in one task's
 *    argument block) whose buffers change on every run, several runs queued
 *    before one sync, in every executor mode (inline, streams, parallel), through stream-async, sync and
 *    callback runs; every output checked (the buffers of one run must never
 *    be written by another), clean under ASan and TSan.
 *  - a bind that a stream abort discarded must not leave the next run with
 *    the previous run's buffers.
 *  - empty tensors: a zero-element Const as a graph output, a zero-element
 *    Data input through elementwise ops, zero-size intermediates (with and
 *    without any other feature memory), MatMul with K = 0, Concat and
 *    ReduceSum over empty parts; through the compiler/executor directly and
 *    through a session (sync, stream-async, callback), every executor mode,
 *    input buffers NULL or not. Clean under ASan+UBSan.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <pthread.h>
#include <cmocka.h>

#include "common/oracle.h"
#include "weir/sched.h"
#include "weir/mem.h"
#include "weir/graph.h"
#include "weir/session.h"
#include "graph/compile.h"
#include "graph/exec.h"

static weir_runtime_t *rt;
static weir_mem_t *mem;
static wt_watchdog_t wd;

static int setup(void **st)
{
	(void)st;
	weir_config_t cfg;
	weir_config_init(&cfg);
	cfg.devices = 1;
	cfg.workers_per_device = 2;
	cfg.flags |= WEIR_CONFIG_NO_PIN;
	cfg.mem_capacity = 64u << 20;
	if (weir_runtime_create(&cfg, &rt) || weir_mem_create(rt, &mem))
		return -1;
	wt_watchdog_start(&wd, 120);
	return 0;
}

static int teardown(void **st)
{
	(void)st;
	wt_watchdog_stop(&wd);
	weir_mem_destroy(mem);
	weir_runtime_destroy(rt);
	return 0;
}

static weir_tensor_desc_t desc(int dt, uint32_t rank, int64_t a, int64_t b)
{
	weir_tensor_desc_t d;
	int64_t dims[2] = { a, b };
	assert_int_equal(weir_tensor_desc_init(&d, dt, rank, dims), WEIR_OK);
	return d;
}

static uint32_t node(weir_graph_t *g, const char *name, const char *op, weir_port_t *in, uint32_t n)
{
	uint32_t id;
	int rc = weir_graph_add_node(g, name, op, in, n, 0, &id);
	if (rc)
		fail_msg("add %s: %s", name, weir_graph_last_error());
	return id;
}

static weir_session_t *session(void)
{
	weir_session_t *s;
	assert_int_equal(weir_session_create(rt, mem, NULL, 0, &s), WEIR_OK);
	return s;
}

static void user_stream(weir_group_t **g, weir_stream_t **s)
{
	WT_OK(weir_group_create(rt, 0, g));
	WT_OK(weir_stream_create(*g, 0, 0, s));
}

static void *dalloc(size_t n)
{
	void *p;
	WT_OK(weir_mem_alloc(mem, 0, n ? n : 1, WEIR_MEM_HUGE_FIRST, &p));
	return p;
}

/* ------------------------------------------------------------------------ */
/* Many inputs and outputs, buffers changing every run                        */
/* ------------------------------------------------------------------------ */

#define NX  16       /* inputs */
#define NY  (NX + 1) /* outputs: NX adds + one Data passed through */
#define LEN 64       /* floats per tensor */

/* y_i = x_i + x_{(i+1) % NX} (i < NX); y_NX = x_3 (an output copy step). */
static weir_graph_t *wide_graph(const char *mode)
{
	weir_graph_t *g;
	WT_OK(weir_graph_create("wide", &g));
	weir_tensor_desc_t d = desc(WEIR_DT_FLOAT, 1, LEN, 0);
	weir_port_t x[NX], outs[NY];
	char nm[32];
	for (uint32_t i = 0; i < NX; i++) {
		snprintf(nm, sizeof(nm), "x%u", i);
		WT_OK(weir_graph_add_data(g, nm, i, &d, &x[i]));
	}
	for (uint32_t i = 0; i < NX; i++) {
		weir_port_t in[2] = { x[i], x[(i + 1) % NX] };
		snprintf(nm, sizeof(nm), "add%u", i);
		outs[i] = weir_port(node(g, nm, "Add", in, 2), 0);
	}
	outs[NX] = x[3];
	WT_OK(weir_graph_set_outputs(g, outs, NY));
	WT_OK(weir_graph_set_option(g, "weir.exec.mode", mode));
	WT_OK(weir_graph_set_option(g, "ge.streamMaxParallelNum", "4"));
	return g;
}

/* One run's buffers (device memory, fresh per run so pointers change). */
struct wide_run {
	weir_tensor_t in[NX];
	weir_tensor_t out[NY];
	float seed;
};

static void wide_alloc(struct wide_run *r, float seed, bool alloc_out)
{
	weir_tensor_desc_t d = desc(WEIR_DT_FLOAT, 1, LEN, 0);
	r->seed = seed;
	for (uint32_t i = 0; i < NX; i++) {
		float *p = dalloc(LEN * sizeof(float));
		for (uint32_t k = 0; k < LEN; k++)
			p[k] = seed * 1000.0f + (float)(i * LEN + k);
		r->in[i] = (weir_tensor_t){ .data = p, .size = LEN * sizeof(float), .desc = d };
	}
	for (uint32_t j = 0; j < NY; j++) {
		r->out[j] = (weir_tensor_t){ 0 };
		if (alloc_out) {
			float *p = dalloc(LEN * sizeof(float));
			for (uint32_t k = 0; k < LEN; k++)
				p[k] = -1.0f;
			r->out[j].data = p;
			r->out[j].size = LEN * sizeof(float);
		}
	}
}

static float wide_expect(float seed, uint32_t j, uint32_t k)
{
	float a = seed * 1000.0f + (float)(j * LEN + k);
	if (j == NX)
		return seed * 1000.0f + (float)(3 * LEN + k);
	float b = seed * 1000.0f + (float)(((j + 1) % NX) * LEN + k);
	return a + b;
}

/* 0 if every output of the run holds its expected values. */
static int wide_check_outs(float seed, weir_tensor_t *out, uint32_t nout)
{
	if (nout != NY)
		return -1;
	for (uint32_t j = 0; j < NY; j++) {
		const float *p = out[j].data;
		if (!p || out[j].desc.rank != 1 || out[j].desc.dims[0] != LEN)
			return -1;
		for (uint32_t k = 0; k < LEN; k++)
			if (p[k] != wide_expect(seed, j, k))
				return (int)(j * LEN + k) + 1;
	}
	return 0;
}

static void wide_free(struct wide_run *r)
{
	for (uint32_t i = 0; i < NX; i++)
		WT_OK(weir_mem_free(mem, r->in[i].data));
	for (uint32_t j = 0; j < NY; j++)
		if (r->out[j].data)
			WT_OK(weir_mem_free(mem, r->out[j].data));
}

#define BATCH   4
#define BATCHES 24

/* Stream-async: BATCH runs queued back to back, each with new buffers, then
 * one sync; every run's outputs checked. */
static void wide_async(const char *mode)
{
	weir_session_t *s = session();
	weir_graph_t *g = wide_graph(mode);
	WT_OK(weir_session_add_graph(s, 1, g, NULL, 0));
	weir_graph_destroy(g);
	weir_group_t *grp;
	weir_stream_t *st;
	user_stream(&grp, &st);
	float seed = 1.0f;
	for (int b = 0; b < BATCHES; b++) {
		struct wide_run r[BATCH];
		for (int i = 0; i < BATCH; i++) {
			wide_alloc(&r[i], seed++, i & 1);
			int rc = weir_session_run_graph_async_stream(s, 1, st, r[i].in, NX,
			                                             r[i].out, NY);
			if (rc)
				fail_msg("run: %s", weir_graph_last_error());
		}
		WT_OK(weir_stream_sync(st, WEIR_TIMEOUT_INFINITE));
		for (int i = 0; i < BATCH; i++) {
			int bad = wide_check_outs(r[i].seed, r[i].out, NY);
			if (bad)
				fail_msg("%s: batch %d run %d: output element %d wrong", mode, b, i,
				         bad - 1);
			wide_free(&r[i]);
		}
	}
	WT_OK(weir_session_remove_graph(s, 1));
	WT_OK(weir_stream_destroy(st));
	WT_OK(weir_group_destroy(grp));
	weir_session_destroy(s);
}

static void test_wide_async_inline(void **st)
{
	(void)st;
	wide_async("inline");
}

static void test_wide_async_streams(void **st)
{
	(void)st;
	wide_async("streams");
}

static void test_wide_async_parallel(void **st)
{
	(void)st;
	wide_async("parallel");
}

/* Sync runs: each run's buffers are freed (and so may be reused by the
 * allocator for the next run's) right after it returns. */
static void test_wide_sync(void **st)
{
	(void)st;
	const char *modes[3] = { "inline", "streams", "parallel" };
	for (int m = 0; m < 3; m++) {
		weir_session_t *s = session();
		weir_graph_t *g = wide_graph(modes[m]);
		WT_OK(weir_session_add_graph(s, 2, g, NULL, 0));
		weir_graph_destroy(g);
		for (int i = 0; i < 32; i++) {
			struct wide_run r;
			wide_alloc(&r, (float)(i + 7), i & 1);
			int rc = weir_session_run_graph(s, 2, r.in, NX, r.out, NY);
			if (rc)
				fail_msg("run: %s", weir_graph_last_error());
			int bad = wide_check_outs(r.seed, r.out, NY);
			if (bad)
				fail_msg("%s: run %d: output element %d wrong", modes[m], i,
				         bad - 1);
			wide_free(&r);
		}
		weir_session_destroy(s);
	}
}

/* Callback runs (outputs always allocated by weir, so always rebound). */
struct cb_state {
	_Atomic uint64_t done;
	_Atomic uint64_t bad;
	weir_session_t *s;
	float seed[64];
};

struct cb_ticket {
	struct cb_state *cs;
	uint32_t i;
};

static void wide_cb(int status, weir_tensor_t *outs, uint32_t nout, void *user)
{
	struct cb_ticket *t = user;
	if (status != WEIR_OK || wide_check_outs(t->cs->seed[t->i], outs, nout) != 0)
		weir_faa_relaxed(&t->cs->bad, 1); /* relaxed: read after done (release) */
	for (uint32_t j = 0; j < nout; j++)
		if (weir_session_free(t->cs->s, outs[j].data) != WEIR_OK)
			weir_faa_relaxed(&t->cs->bad, 1);
	weir_faa_release(&t->cs->done, 1); /* pairs with wt_wait_geq's acquire */
}

static void test_wide_callback(void **st)
{
	(void)st;
	const char *modes[3] = { "inline", "streams", "parallel" };
	for (int m = 0; m < 3; m++) {
		struct cb_state cs = { 0 };
		struct cb_ticket tk[16];
		struct wide_run r[16];
		cs.s = session();
		weir_graph_t *g = wide_graph(modes[m]);
		WT_OK(weir_session_add_graph(cs.s, 3, g, NULL, 0));
		weir_graph_destroy(g);
		for (uint32_t i = 0; i < 16; i++) {
			wide_alloc(&r[i], (float)(i + 100), false);
			cs.seed[i] = r[i].seed;
			tk[i] = (struct cb_ticket){ &cs, i };
			int rc =
			        weir_session_run_graph_async(cs.s, 3, r[i].in, NX, wide_cb, &tk[i]);
			if (rc)
				fail_msg("run: %s", weir_graph_last_error());
		}
		assert_true(wt_wait_geq(&cs.done, 16, 60 * WT_S));
		assert_int_equal(weir_load_relaxed(&cs.bad), 0);
		for (uint32_t i = 0; i < 16; i++)
			wide_free(&r[i]);
		weir_session_destroy(cs.s);
	}
}

/* ------------------------------------------------------------------------ */
/* A bind discarded by a stream abort                                         */
/* ------------------------------------------------------------------------ */

static void fill_sentinel(struct wide_run *r)
{
	for (uint32_t j = 0; j < NY; j++)
		for (uint32_t k = 0; k < LEN; k++)
			((float *)r->out[j].data)[k] = -7.0f;
}

static bool untouched(const struct wide_run *r)
{
	for (uint32_t j = 0; j < NY; j++)
		for (uint32_t k = 0; k < LEN; k++)
			if (((const float *)r->out[j].data)[k] != -7.0f)
				return false;
	return true;
}

static void abort_rerun(const char *mode, bool sync_after_abort)
{
	weir_session_t *s = session();
	weir_graph_t *g = wide_graph(mode);
	WT_OK(weir_session_add_graph(s, 4, g, NULL, 0));
	weir_graph_destroy(g);
	weir_group_t *grp, *dgrp;
	weir_stream_t *st, *drv;
	user_stream(&grp, &st);
	user_stream(&dgrp, &drv);
	struct wide_run a, b;
	wide_alloc(&a, 1.0f, true);
	wide_alloc(&b, 2.0f, true);
	/* Run 1 binds A. */
	WT_OK(weir_session_run_graph_async_stream(s, 4, st, a.in, NX, a.out, NY));
	WT_OK(weir_stream_sync(st, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(wide_check_outs(a.seed, a.out, NY), 0);
	fill_sentinel(&a);
	/* Run 2 (binds B) is queued behind a gate and discarded by an abort. */
	weir_event_t *gate;
	WT_OK(weir_event_create(rt, 0, WEIR_EVENT_FLAG, &gate));
	WT_OK(weir_stream_wait_event(st, gate));
	WT_OK(weir_session_run_graph_async_stream(s, 4, st, b.in, NX, b.out, NY));
	WT_OK(weir_stream_abort(st));
	WT_OK(weir_event_record(gate, drv));
	WT_OK(weir_stream_sync(drv, WEIR_TIMEOUT_INFINITE));
	if (sync_after_abort)
		WT_ASSERT_STATUS(weir_stream_sync(st, WEIR_TIMEOUT_INFINITE), WEIR_EABORTED);
	/* Run 3 with B again: it must write B, never A (whose buffers the
	 * user could have freed by now). */
	WT_OK(weir_session_run_graph_async_stream(s, 4, st, b.in, NX, b.out, NY));
	int rc = weir_stream_sync(st, WEIR_TIMEOUT_INFINITE);
	if (sync_after_abort)
		WT_OK(rc);
	else if (rc != WEIR_OK && rc != WEIR_EABORTED)
		fail_msg("run 3: %s", weir_status_name(rc));
	assert_true(untouched(&a));
	if (rc != WEIR_OK) {
		/* Refused (its bind was lost): the next run binds again. */
		WT_OK(weir_session_run_graph_async_stream(s, 4, st, b.in, NX, b.out, NY));
		WT_OK(weir_stream_sync(st, WEIR_TIMEOUT_INFINITE));
		assert_true(untouched(&a));
	}
	assert_int_equal(wide_check_outs(b.seed, b.out, NY), 0);
	wide_free(&a);
	wide_free(&b);
	WT_OK(weir_event_destroy(gate));
	WT_OK(weir_session_remove_graph(s, 4));
	WT_OK(weir_stream_destroy(st));
	WT_OK(weir_stream_destroy(drv));
	WT_OK(weir_group_destroy(grp));
	WT_OK(weir_group_destroy(dgrp));
	weir_session_destroy(s);
}

/* A run captured with buffers B replays B's binding behind the host's
 * shadow; live runs with A before and after, and more replays, must each
 * write their own buffers and never fail (graph/exec.c invariant 6). */
static void capture_rebind(const char *mode)
{
	weir_session_t *s = session();
	weir_graph_t *g = wide_graph(mode);
	WT_OK(weir_session_add_graph(s, 5, g, NULL, 0));
	weir_graph_destroy(g);
	weir_group_t *grp;
	weir_stream_t *st;
	user_stream(&grp, &st);
	struct wide_run a, b;
	wide_alloc(&a, 1.0f, true);
	wide_alloc(&b, 2.0f, true);
	WT_OK(weir_session_run_graph_async_stream(s, 5, st, a.in, NX, a.out, NY));
	WT_OK(weir_stream_sync(st, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(wide_check_outs(a.seed, a.out, NY), 0);
	weir_ri_t *ri;
	WT_OK(weir_capture_begin(st, WEIR_CAPTURE_RELAXED));
	WT_OK(weir_session_run_graph_async_stream(s, 5, st, b.in, NX, b.out, NY));
	WT_OK(weir_capture_end(st, &ri));
	for (int round = 0; round < 3; round++) {
		fill_sentinel(&b);
		WT_OK(weir_ri_replay(ri, st));
		WT_OK(weir_stream_sync(st, WEIR_TIMEOUT_INFINITE));
		assert_int_equal(wide_check_outs(b.seed, b.out, NY), 0);
		fill_sentinel(&a);
		fill_sentinel(&b);
		WT_OK(weir_session_run_graph_async_stream(s, 5, st, a.in, NX, a.out, NY));
		WT_OK(weir_stream_sync(st, WEIR_TIMEOUT_INFINITE)); /* never EABORTED */
		assert_int_equal(wide_check_outs(a.seed, a.out, NY), 0);
		assert_true(untouched(&b));
	}
	WT_OK(weir_ri_destroy(ri));
	wide_free(&a);
	wide_free(&b);
	WT_OK(weir_session_remove_graph(s, 5));
	WT_OK(weir_stream_destroy(st));
	WT_OK(weir_group_destroy(grp));
	weir_session_destroy(s);
}

static void test_capture_rebind_inline(void **st)
{
	(void)st;
	capture_rebind("inline");
}

static void test_capture_rebind_streams(void **st)
{
	(void)st;
	capture_rebind("streams");
}

static void test_capture_rebind_parallel(void **st)
{
	(void)st;
	capture_rebind("parallel");
}

static void test_abort_discards_bind(void **st)
{
	(void)st;
	abort_rerun("inline", true);
	abort_rerun("streams", true);
	abort_rerun("inline", false);
	abort_rerun("streams", false);
	abort_rerun("parallel", true);
	abort_rerun("parallel", false);
}

/* ------------------------------------------------------------------------ */
/* Empty tensors                                                              */
/* ------------------------------------------------------------------------ */

/*
 * Graph "empties" (inputs: e = Data float[0,3], x = Data float[2,3]):
 *   out0 = Const float[0]                       (zero-byte Const output)
 *   out1 = Relu(Add(e, e))                      (empty through elementwise)
 *   out2 = MatMul(a0 = Relu(Slice(x, 0 cols)) [2,0], Const b [0,4]) = zeros[2,4]
 *   out3 = Concat(axis 0)(Neg(e) [0,3], x)      = x (an empty part)
 *   out4 = ReduceSum(e, axes [0])               = zeros[3]
 * Every intermediate on the e path is empty. With `only_empty` the graph
 * keeps just out0 and out1, so the plan has no const or feature memory.
 */
static weir_graph_t *empty_graph(const char *mode, bool only_empty)
{
	weir_graph_t *g;
	WT_OK(weir_graph_create(only_empty ? "empties0" : "empties", &g));
	weir_tensor_desc_t de = desc(WEIR_DT_FLOAT, 2, 0, 3), dx = desc(WEIR_DT_FLOAT, 2, 2, 3),
	                   dc = desc(WEIR_DT_FLOAT, 1, 0, 0), db = desc(WEIR_DT_FLOAT, 2, 0, 4);
	weir_port_t e, x, c, bz;
	WT_OK(weir_graph_add_data(g, "e", 0, &de, &e));
	WT_OK(weir_graph_add_const(g, "c_empty", &dc, NULL, &c));
	weir_port_t in[2] = { e, e };
	uint32_t add = node(g, "add_e", "Add", in, 2);
	in[0] = weir_port(add, 0);
	uint32_t relu = node(g, "relu_e", "Relu", in, 1);
	if (only_empty) {
		weir_port_t outs[2] = { c, weir_port(relu, 0) };
		WT_OK(weir_graph_set_outputs(g, outs, 2));
	} else {
		WT_OK(weir_graph_add_data(g, "x", 1, &dx, &x));
		WT_OK(weir_graph_add_const(g, "b_empty", &db, NULL, &bz));
		uint32_t sl;
		in[0] = x;
		WT_OK(weir_graph_add_node(g, "slice0", "Slice", in, 1, 0, &sl));
		weir_attrs_t *at;
		WT_OK(weir_graph_node_attrs(g, sl, &at));
		int64_t begin[2] = { 0, 0 }, size[2] = { 2, 0 };
		WT_OK(weir_attrs_set_ints(at, "begin", begin, 2));
		WT_OK(weir_attrs_set_ints(at, "size", size, 2));
		in[0] = weir_port(sl, 0);
		uint32_t r0 = node(g, "relu0", "Relu", in, 1);
		in[0] = weir_port(r0, 0);
		in[1] = bz;
		uint32_t mm = node(g, "mm_k0", "MatMul", in, 2);
		in[0] = e;
		uint32_t neg = node(g, "neg_e", "Neg", in, 1);
		in[0] = weir_port(neg, 0);
		in[1] = x;
		uint32_t cat;
		WT_OK(weir_graph_add_node(g, "cat", "Concat", in, 2, 0, &cat));
		WT_OK(weir_graph_node_attrs(g, cat, &at));
		WT_OK(weir_attrs_set_int(at, "axis", 0));
		in[0] = e;
		uint32_t rs;
		WT_OK(weir_graph_add_node(g, "rsum", "ReduceSum", in, 1, 0, &rs));
		WT_OK(weir_graph_node_attrs(g, rs, &at));
		int64_t ax0 = 0;
		WT_OK(weir_attrs_set_ints(at, "axes", &ax0, 1));
		weir_port_t outs[5] = { c, weir_port(relu, 0), weir_port(mm, 0), weir_port(cat, 0),
			                weir_port(rs, 0) };
		WT_OK(weir_graph_set_outputs(g, outs, 5));
	}
	WT_OK(weir_graph_set_option(g, "weir.exec.mode", mode));
	return g;
}

static const float X23[6] = { 1, -2, 3, -4, 5, -6 };

/* Inputs: e (data NULL or a real pointer, size 0) and x. */
static uint32_t empty_inputs(weir_tensor_t *in, bool only_empty, bool e_null, float *xbuf)
{
	static float dummy[1];
	in[0] = (weir_tensor_t){ .data = e_null ? NULL : dummy,
		                 .size = 0,
		                 .desc = desc(WEIR_DT_FLOAT, 2, 0, 3) };
	if (only_empty)
		return 1;
	memcpy(xbuf, X23, sizeof(X23));
	in[1] = (weir_tensor_t){ .data = xbuf,
		                 .size = sizeof(X23),
		                 .desc = desc(WEIR_DT_FLOAT, 2, 2, 3) };
	return 2;
}

/* 0 if the outputs are right. */
static int empty_check(const weir_tensor_t *out, uint32_t nout, bool only_empty)
{
	if (nout != (only_empty ? 2u : 5u))
		return 1;
	if (out[0].desc.rank != 1 || out[0].desc.dims[0] != 0 || out[0].desc.dtype != WEIR_DT_FLOAT)
		return 2;
	if (out[1].desc.rank != 2 || out[1].desc.dims[0] != 0 || out[1].desc.dims[1] != 3)
		return 3;
	if (only_empty)
		return 0;
	if (out[2].desc.rank != 2 || out[2].desc.dims[0] != 2 || out[2].desc.dims[1] != 4)
		return 4;
	for (int i = 0; i < 8; i++)
		if (((const float *)out[2].data)[i] != 0.0f)
			return 5;
	if (out[3].desc.dims[0] != 2 || out[3].desc.dims[1] != 3 ||
	    memcmp(out[3].data, X23, sizeof(X23)) != 0)
		return 6;
	if (out[4].desc.rank != 1 || out[4].desc.dims[0] != 3)
		return 7;
	for (int i = 0; i < 3; i++)
		if (((const float *)out[4].data)[i] != 0.0f)
			return 8;
	return 0;
}

static void free_outs(weir_tensor_t *out, uint32_t nout)
{
	for (uint32_t j = 0; j < nout; j++) {
		WT_OK(weir_mem_free(mem, out[j].data));
		out[j].data = NULL;
		out[j].size = 0;
	}
}

/* The compiler and executor directly (no session). */
static void test_empty_tensors_executor(void **st)
{
	(void)st;
	const char *modes[3] = { "inline", "streams", "parallel" };
	for (int m = 0; m < 3; m++)
		for (int oe = 0; oe < 2; oe++) {
			weir_graph_t *g = empty_graph(modes[m], oe);
			weir_plan_options_t o;
			WT_OK(weir__plan_options_from_graph(g, &o));
			weir_plan_t *p;
			int rc = weir__plan_compile(g, &o, &p);
			if (rc)
				fail_msg("compile: %s", weir_graph_last_error());
			if (oe) {
				assert_int_equal(p->const_size, 0);
				assert_int_equal(p->feature_size, 0);
			}
			assert_int_equal(weir__plan_validate(p, NULL, 0), WEIR_OK);
			weir_loaded_t *L;
			rc = weir__exec_load(p, rt, mem, 0, &L);
			if (rc)
				fail_msg("load: %s", weir_graph_last_error());
			for (int r = 0; r < 3; r++) {
				weir_tensor_t in[2], out[5];
				float xb[6];
				uint32_t nin = empty_inputs(in, oe, r != 1, xb);
				uint32_t nout = oe ? 2 : 5;
				memset(out, 0, sizeof(out));
				rc = weir__exec_run(L, NULL, in, nin, out, nout, NULL, NULL);
				if (rc)
					fail_msg("run: %s", weir_graph_last_error());
				WT_OK(weir_stream_sync(weir__exec_own_stream(L),
				                       WEIR_TIMEOUT_INFINITE));
				int bad = empty_check(out, nout, oe);
				if (bad)
					fail_msg("%s/%d run %d: check %d failed", modes[m], oe, r,
					         bad);
				free_outs(out, nout);
			}
			weir__exec_unload(L);
			weir__plan_destroy(p);
			weir_graph_destroy(g);
		}
}

struct empty_cb {
	_Atomic uint64_t done;
	_Atomic uint64_t bad;
	bool only_empty;
	weir_session_t *s;
};

static void empty_cb_fn(int status, weir_tensor_t *outs, uint32_t nout, void *user)
{
	struct empty_cb *c = user;
	if (status != WEIR_OK || empty_check(outs, nout, c->only_empty) != 0)
		weir_faa_relaxed(&c->bad, 1); /* relaxed: read after done (release) */
	for (uint32_t j = 0; j < nout; j++)
		weir_session_free(c->s, outs[j].data);
	weir_faa_release(&c->done, 1); /* pairs with wt_wait_geq's acquire */
}

/* Through a session: sync, stream-async and callback runs. */
static void test_empty_tensors_session(void **st)
{
	(void)st;
	const char *modes[3] = { "inline", "streams", "parallel" };
	weir_group_t *grp;
	weir_stream_t *ust;
	user_stream(&grp, &ust);
	for (int m = 0; m < 3; m++)
		for (int oe = 0; oe < 2; oe++) {
			weir_session_t *s = session();
			weir_graph_t *g = empty_graph(modes[m], oe);
			for (uint32_t id = 1; id <= 3; id++)
				WT_OK(weir_session_add_graph(s, id, g, NULL, 0));
			weir_graph_destroy(g);
			weir_graph_summary_t sum;
			WT_OK(weir_session_compile_graph(s, 1));
			WT_OK(weir_session_graph_summary(s, 1, &sum));
			if (oe) {
				assert_int_equal(sum.const_size, 0);
				assert_int_equal(sum.feature_size, 0);
			}
			uint32_t nout = oe ? 2 : 5;
			for (int r = 0; r < 2; r++) {
				weir_tensor_t in[2], out[5];
				float xb[6];
				uint32_t nin = empty_inputs(in, oe, r == 0, xb);
				/* sync */
				memset(out, 0, sizeof(out));
				int rc = weir_session_run_graph(s, 1, in, nin, out, nout);
				if (rc)
					fail_msg("sync run: %s", weir_graph_last_error());
				assert_int_equal(empty_check(out, nout, oe), 0);
				free_outs(out, nout);
				/* stream-async, caller's buffers for the outputs */
				float o2[8], o3[6], o4[3];
				static float z0[1], z1[1];
				weir_tensor_t uo[5] = {
					{ .data = z0, .size = 0 },
					{ .data = z1, .size = 0 },
					{ .data = o2, .size = sizeof(o2) },
					{ .data = o3, .size = sizeof(o3) },
					{ .data = o4, .size = sizeof(o4) },
				};
				rc = weir_session_run_graph_async_stream(s, 2, ust, in, nin, uo,
				                                         nout);
				if (rc)
					fail_msg("async run: %s", weir_graph_last_error());
				WT_OK(weir_stream_sync(ust, WEIR_TIMEOUT_INFINITE));
				assert_int_equal(empty_check(uo, nout, oe), 0);
				/* zero-size outputs were allocated by weir (size 0 asks for it) */
				WT_OK(weir_session_free(s, uo[0].data));
				WT_OK(weir_session_free(s, uo[1].data));
				/* callback */
				struct empty_cb c = { .only_empty = oe, .s = s };
				rc = weir_session_run_graph_async(s, 3, in, nin, empty_cb_fn, &c);
				if (rc)
					fail_msg("callback run: %s", weir_graph_last_error());
				assert_true(wt_wait_geq(&c.done, 1, 60 * WT_S));
				assert_int_equal(weir_load_relaxed(&c.bad), 0);
			}
			weir_session_destroy(s);
		}
	WT_OK(weir_stream_destroy(ust));
	WT_OK(weir_group_destroy(grp));
}

/* argv[1]: an optional cmocka test-name filter (e.g. "test_empty*"). */
int main(int argc, char **argv)
{
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wide_async_inline),
		cmocka_unit_test(test_wide_async_streams),
		cmocka_unit_test(test_wide_async_parallel),
		cmocka_unit_test(test_wide_sync),
		cmocka_unit_test(test_wide_callback),
		cmocka_unit_test(test_abort_discards_bind),
		cmocka_unit_test(test_capture_rebind_inline),
		cmocka_unit_test(test_capture_rebind_streams),
		cmocka_unit_test(test_capture_rebind_parallel),
		cmocka_unit_test(test_empty_tensors_executor),
		cmocka_unit_test(test_empty_tensors_session),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
