/*
 * test_graph_limits.c - sizes and bad builder input the compiler must refuse
 * cleanly, with a code and a message naming the node (issue 8):
 *
 *  - a custom op's workspace request too large for a tensor fails the
 *    compile (never shrunk); a large but valid one fails the load cleanly; a
 *    normal one reaches the kernel at its exact size.
 *  - arena offsets cannot wrap (many huge live tensors, no reuse).
 *  - an inferred output whose element count x dtype size overflows is
 *    WEIR_ESHAPE (the inputs asked for it), not an internal error.
 *  - descs whose non-zero dims overflow are invalid even with a zero dim.
 *  - op attrs that overflow shape arithmetic: Conv2D pads and dilations,
 *    pooling windows far larger than the input (bounded work), Slice with
 *    extreme strides (INT64_MIN, INT64_MAX).
 *  - builder input a fuzzer can produce: unknown ops, wrong attr types,
 *    mismatched shapes, dangling node ids, huge output counts, cycles, bad
 *    Data indices, bad run arguments.
 * Runs under ASan+UBSan (an overflow or a hang is a failure, the watchdog
 * bounds the run).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "common/oracle.h"
#include "weir/sched.h"
#include "weir/mem.h"
#include "weir/graph.h"
#include "weir/session.h"
#include "graph/compile.h"
#include "graph/op.h"

static weir_runtime_t *rt;
static weir_mem_t *mem;
static wt_watchdog_t wd;

/* ---- a custom op with a workspace of attr "ws" bytes ---- */

static int ws_infer(weir_op_infer_ctx_t *c)
{
	if (c->in[0].dtype != WEIR_DT_FLOAT)
		return weir_op_fail(c, WEIR_ESHAPE, "float32 only");
	c->out[0] = c->in[0];
	return WEIR_OK;
}

static size_t ws_size(const weir_op_call_t *c)
{
	int64_t v = weir_attrs_int_or(c->attrs, "ws", 0);
	return v == -1 ? SIZE_MAX : (size_t)(uint64_t)v;
}

/* Fails unless the workspace has exactly the requested size; touches all of
 * it (ASan sees a short one), then copies the input. */
static int ws_kernel(const weir_op_call_t *c, uint32_t b, uint32_t nb)
{
	size_t want = ws_size(c);
	if (c->workspace_size != want || (want && !c->workspace))
		return WEIR_EINTERNAL;
	memset(c->workspace, 0x5a, c->workspace_size);
	memcpy(c->out[0], c->in[0], (size_t)weir_tensor_desc_bytes(&c->in_desc[0]));
	return 0;
}

static const weir_op_def_t ws_op = {
	.name = "LimWorkspace",
	.min_inputs = 1,
	.max_inputs = 1,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = ws_infer,
	.kernel = ws_kernel,
	.workspace = ws_size,
};

static int setup(void **st)
{
	(void)st;
	int rc = weir_op_register(&ws_op);
	if (rc != WEIR_OK && rc != WEIR_EEXIST)
		return -1;
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

static weir_tensor_desc_t dsc(int dt, uint32_t rank, int64_t a, int64_t b, int64_t c, int64_t d)
{
	weir_tensor_desc_t t;
	int64_t dims[4] = { a, b, c, d };
	WT_OK(weir_tensor_desc_init(&t, dt, rank, dims));
	return t;
}

static uint32_t add(weir_graph_t *g, const char *name, const char *op, const weir_port_t *in,
                    uint32_t n)
{
	uint32_t id;
	int rc = weir_graph_add_node(g, name, op, in, n, 0, &id);
	if (rc)
		fail_msg("add %s: %s", name, weir_graph_last_error());
	return id;
}

static weir_attrs_t *attrs(weir_graph_t *g, uint32_t node)
{
	weir_attrs_t *a;
	WT_OK(weir_graph_node_attrs(g, node, &a));
	return a;
}

/* Compile directly; on failure check the code and that the message names
 * `who`. Returns the plan on success (caller destroys). */
static weir_plan_t *compile_expect(const weir_graph_t *g, int want, const char *who)
{
	weir_plan_options_t o;
	WT_OK(weir__plan_options_from_graph(g, &o));
	weir_plan_t *p = NULL;
	int rc = weir__plan_compile(g, &o, &p);
	if (rc != want)
		fail_msg("compile: got %s, want %s (%s)", weir_status_name(rc),
		         weir_status_name(want), weir_graph_last_error());
	if (rc) {
		if (who && !strstr(weir_graph_last_error(), who))
			fail_msg("message does not name '%s': %s", who, weir_graph_last_error());
		return NULL;
	}
	return p;
}

/* Same through a session's compile. */
static void session_compile_expect(const weir_graph_t *g, int want, const char *who)
{
	weir_session_t *s;
	WT_OK(weir_session_create(rt, mem, NULL, 0, &s));
	WT_OK(weir_session_add_graph(s, 1, g, NULL, 0));
	int rc = weir_session_compile_graph(s, 1);
	if (rc != want)
		fail_msg("session compile: got %s, want %s (%s)", weir_status_name(rc),
		         weir_status_name(want), weir_graph_last_error());
	if (rc && who && !strstr(weir_graph_last_error(), who))
		fail_msg("message does not name '%s': %s", who, weir_graph_last_error());
	weir_session_destroy(s);
}

/* x -> LimWorkspace("hog", ws) -> output */
static weir_graph_t *ws_graph(int64_t ws)
{
	weir_graph_t *g;
	WT_OK(weir_graph_create("wsg", &g));
	weir_tensor_desc_t d = dsc(WEIR_DT_FLOAT, 1, 16, 0, 0, 0);
	weir_port_t x;
	WT_OK(weir_graph_add_data(g, "x", 0, &d, &x));
	uint32_t h = add(g, "hog", "LimWorkspace", &x, 1);
	WT_OK(weir_attrs_set_int(attrs(g, h), "ws", ws));
	weir_port_t o = weir_port(h, 0);
	WT_OK(weir_graph_set_outputs(g, &o, 1));
	return g;
}

static void test_workspace_too_large(void **st)
{
	(void)st;
	/* -1 stands for SIZE_MAX. None of these fits a tensor. */
	const int64_t huge[] = { -1, INT64_MAX, INT64_MAX / 16 + 1, (int64_t)1 << 62 };
	for (size_t i = 0; i < sizeof(huge) / sizeof(huge[0]); i++) {
		weir_graph_t *g = ws_graph(huge[i]);
		compile_expect(g, WEIR_ENOMEM, "hog");
		assert_non_null(strstr(weir_graph_last_error(), "workspace"));
		session_compile_expect(g, WEIR_ENOMEM, "hog");
		weir_graph_destroy(g);
	}
}

static void test_workspace_large_load_fails_cleanly(void **st)
{
	(void)st;
	weir_graph_t *g = ws_graph((int64_t)1 << 50); /* a valid size, far beyond memory */
	weir_plan_t *p = compile_expect(g, WEIR_OK, NULL);
	assert_true(p->feature_size >= (uint64_t)1 << 50);
	weir__plan_destroy(p);
	weir_session_t *s;
	WT_OK(weir_session_create(rt, mem, NULL, 0, &s));
	WT_OK(weir_session_add_graph(s, 1, g, NULL, 0));
	int rc = weir_session_load_graph(s, 1, NULL, 0, NULL);
	assert_int_not_equal(rc, WEIR_OK);
	assert_non_null(strstr(weir_graph_last_error(), "wsg"));
	weir_session_destroy(s);
	weir_graph_destroy(g);
}

static void test_workspace_exact_size(void **st)
{
	(void)st;
	const int64_t sizes[] = { 1, 4095, 4096, 100000 };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		weir_graph_t *g = ws_graph(sizes[i]);
		weir_session_t *s;
		WT_OK(weir_session_create(rt, mem, NULL, 0, &s));
		WT_OK(weir_session_add_graph(s, 1, g, NULL, 0));
		weir_graph_destroy(g);
		float x[16], y[16];
		for (int k = 0; k < 16; k++)
			x[k] = (float)k;
		weir_tensor_t in = { .data = x,
			             .size = sizeof(x),
			             .desc = dsc(WEIR_DT_FLOAT, 1, 16, 0, 0, 0) };
		weir_tensor_t out = { .data = y, .size = sizeof(y) };
		int rc = weir_session_run_graph(s, 1, &in, 1, &out, 1);
		if (rc)
			fail_msg("run: %s", weir_graph_last_error());
		assert_memory_equal(x, y, sizeof(x));
		weir_session_destroy(s);
	}
}

/* ---- arena offsets ---- */

static void test_arena_offsets_do_not_wrap(void **st)
{
	(void)st;
	/* x: 2^58 floats (2^60 bytes); 17 Relus in a chain, no reuse: 16 live
	 * 2^60-byte intermediates would need 2^64 bytes. */
	weir_graph_t *g;
	WT_OK(weir_graph_create("tall", &g));
	weir_tensor_desc_t d = dsc(WEIR_DT_FLOAT, 1, (int64_t)1 << 58, 0, 0, 0);
	weir_port_t x;
	WT_OK(weir_graph_add_data(g, "x", 0, &d, &x));
	char nm[16];
	for (int i = 0; i < 17; i++) {
		snprintf(nm, sizeof(nm), "r%d", i);
		x = weir_port(add(g, nm, "Relu", &x, 1), 0);
	}
	WT_OK(weir_graph_set_outputs(g, &x, 1));
	WT_OK(weir_graph_set_option(g, "ge.exec.disableReuseMemory", "1"));
	compile_expect(g, WEIR_ENOMEM, "node 'r");
	assert_non_null(strstr(weir_graph_last_error(), "feature arena"));
	/* With reuse two blocks suffice: compiles; the load fails cleanly. */
	WT_OK(weir_graph_set_option(g, "ge.exec.disableReuseMemory", "0"));
	weir_plan_t *p = compile_expect(g, WEIR_OK, NULL);
	assert_true(p->feature_size >= (uint64_t)1 << 61);
	weir__plan_destroy(p);
	weir_session_t *s;
	WT_OK(weir_session_create(rt, mem, NULL, 0, &s));
	WT_OK(weir_session_add_graph(s, 1, g, NULL, 0));
	assert_int_not_equal(weir_session_load_graph(s, 1, NULL, 0, NULL), WEIR_OK);
	assert_non_null(strstr(weir_graph_last_error(), "tall"));
	weir_session_destroy(s);
	weir_graph_destroy(g);
}

/* ---- output sizes and descs ---- */

static void test_output_size_overflow_is_eshape(void **st)
{
	(void)st;
	weir_graph_t *g;
	WT_OK(weir_graph_create("bigmm", &g));
	weir_tensor_desc_t da = dsc(WEIR_DT_FLOAT, 2, (int64_t)1 << 30, 1, 0, 0),
	                   db = dsc(WEIR_DT_FLOAT, 2, 1, (int64_t)1 << 30, 0, 0);
	weir_port_t in[2];
	WT_OK(weir_graph_add_data(g, "a", 0, &da, &in[0]));
	WT_OK(weir_graph_add_data(g, "b", 1, &db, &in[1]));
	weir_port_t o = weir_port(add(g, "mm", "MatMul", in, 2), 0);
	WT_OK(weir_graph_set_outputs(g, &o, 1));
	compile_expect(g, WEIR_ESHAPE, "mm");
	session_compile_expect(g, WEIR_ESHAPE, "mm");
	weir_graph_destroy(g);

	/* Gather: params [4, 2^40] by 2^20 indices -> [2^20, 2^40]. */
	WT_OK(weir_graph_create("biggather", &g));
	weir_tensor_desc_t dp = dsc(WEIR_DT_FLOAT, 2, 4, (int64_t)1 << 40, 0, 0),
	                   di = dsc(WEIR_DT_INT32, 1, (int64_t)1 << 20, 0, 0, 0);
	WT_OK(weir_graph_add_data(g, "p", 0, &dp, &in[0]));
	WT_OK(weir_graph_add_data(g, "i", 1, &di, &in[1]));
	o = weir_port(add(g, "gather", "Gather", in, 2), 0);
	WT_OK(weir_graph_set_outputs(g, &o, 1));
	compile_expect(g, WEIR_ESHAPE, "gather");
	weir_graph_destroy(g);
}

static void test_zero_dim_does_not_hide_overflow(void **st)
{
	(void)st;
	weir_tensor_desc_t d;
	int64_t a[3] = { 0, (int64_t)1 << 40, (int64_t)1 << 40 };
	int64_t b[3] = { (int64_t)1 << 40, (int64_t)1 << 40, 0 };
	int64_t c[3] = { 0, (int64_t)1 << 20, (int64_t)1 << 20 };
	assert_int_equal(weir_tensor_desc_init(&d, WEIR_DT_FLOAT, 3, a), WEIR_EINVAL);
	assert_int_equal(weir_tensor_desc_init(&d, WEIR_DT_FLOAT, 3, b), WEIR_EINVAL);
	WT_OK(weir_tensor_desc_init(&d, WEIR_DT_FLOAT, 3, c));
	assert_int_equal(weir_tensor_desc_numel(&d), 0);
	assert_int_equal(weir_tensor_desc_bytes(&d), 0);
	/* A hand-filled desc reaches the builder as well. */
	weir_tensor_desc_t h = { .dtype = WEIR_DT_FLOAT,
		                 .rank = 3,
		                 .dims = { 0, (int64_t)1 << 40, (int64_t)1 << 40 } };
	assert_int_equal(weir_tensor_desc_numel(&h), -1);
	weir_graph_t *g;
	WT_OK(weir_graph_create("zd", &g));
	weir_port_t x;
	assert_int_equal(weir_graph_add_data(g, "x", 0, &h, &x), WEIR_EINVAL);
	assert_non_null(strstr(weir_graph_last_error(), "'x'"));
	assert_int_equal(weir_graph_add_const(g, "k", &h, NULL, &x), WEIR_EINVAL);
	/* An empty input with a large inner extent: Softmax infers and runs. */
	WT_OK(weir_graph_add_data(g, "x", 0, &d, &x));
	uint32_t sm;
	WT_OK(weir_graph_add_node(g, "sm", "Softmax", &x, 1, 0, &sm));
	WT_OK(weir_attrs_set_int(attrs(g, sm), "axis", 0));
	weir_port_t o = weir_port(sm, 0);
	WT_OK(weir_graph_set_outputs(g, &o, 1));
	weir_session_t *s;
	WT_OK(weir_session_create(rt, mem, NULL, 0, &s));
	WT_OK(weir_session_add_graph(s, 1, g, NULL, 0));
	weir_tensor_t in = { .data = NULL, .size = 0, .desc = d }, out = { 0 };
	int rc = weir_session_run_graph(s, 1, &in, 1, &out, 1);
	if (rc)
		fail_msg("run: %s", weir_graph_last_error());
	assert_true(weir_tensor_desc_equal(&out.desc, &d));
	WT_OK(weir_session_free(s, out.data));
	weir_session_destroy(s);
	weir_graph_destroy(g);
}

/* ---- attrs that overflow shape arithmetic ---- */

static const float K22[4] = { 1, 1, 1, 1 };

static weir_graph_t *conv_graph(const int64_t *pads, const int64_t *dil)
{
	weir_graph_t *g;
	WT_OK(weir_graph_create("conv", &g));
	weir_tensor_desc_t dx = dsc(WEIR_DT_FLOAT, 4, 1, 1, 4, 4),
	                   dw = dsc(WEIR_DT_FLOAT, 4, 1, 1, 2, 2);
	weir_port_t in[2];
	WT_OK(weir_graph_add_data(g, "x", 0, &dx, &in[0]));
	WT_OK(weir_graph_add_const(g, "w", &dw, K22, &in[1]));
	uint32_t c = add(g, "cv", "Conv2D", in, 2);
	if (pads)
		WT_OK(weir_attrs_set_ints(attrs(g, c), "pads", pads, 4));
	if (dil)
		WT_OK(weir_attrs_set_ints(attrs(g, c), "dilations", dil, 2));
	weir_port_t o = weir_port(c, 0);
	WT_OK(weir_graph_set_outputs(g, &o, 1));
	return g;
}

static void test_conv_attr_overflow(void **st)
{
	(void)st;
	const int64_t pads1[4] = { INT64_MAX, INT64_MAX, 0, 0 };
	const int64_t pads2[4] = { 0, 0, INT64_MAX - 2, 3 };
	const int64_t dil[2] = { INT64_MAX, 1 };
	weir_graph_t *g = conv_graph(pads1, NULL);
	compile_expect(g, WEIR_EINVAL, "cv");
	weir_graph_destroy(g);
	g = conv_graph(pads2, NULL);
	compile_expect(g, WEIR_EINVAL, "cv");
	weir_graph_destroy(g);
	g = conv_graph(NULL, dil);
	compile_expect(g, WEIR_EINVAL, "cv");
	weir_graph_destroy(g);
}

/* A window of 2^32 x 2^32 over a 2x2 input, padded so it fits: only the
 * in-bounds taps are visited (bounded work), the divisor does not wrap. */
static void test_pool_huge_window(void **st)
{
	(void)st;
	const char *ops[3] = { "MaxPool", "AvgPool", "AvgPool" };
	const int64_t k = (int64_t)1 << 32;
	const int64_t ks[2] = { k, k }, pads[4] = { k - 1, 0, k - 1, 0 };
	const float x[4] = { 1, 5, 3, 2 };
	for (int i = 0; i < 3; i++) {
		weir_graph_t *g;
		WT_OK(weir_graph_create("pool", &g));
		weir_tensor_desc_t dx = dsc(WEIR_DT_FLOAT, 4, 1, 1, 2, 2);
		weir_port_t in;
		WT_OK(weir_graph_add_data(g, "x", 0, &dx, &in));
		uint32_t pn = add(g, "pool", ops[i], &in, 1);
		WT_OK(weir_attrs_set_ints(attrs(g, pn), "ksize", ks, 2));
		WT_OK(weir_attrs_set_ints(attrs(g, pn), "pads", pads, 4));
		if (i == 2)
			WT_OK(weir_attrs_set_int(attrs(g, pn), "exclusive", 0));
		weir_port_t o = weir_port(pn, 0);
		WT_OK(weir_graph_set_outputs(g, &o, 1));
		weir_session_t *s;
		WT_OK(weir_session_create(rt, mem, NULL, 0, &s));
		WT_OK(weir_session_add_graph(s, 1, g, NULL, 0));
		weir_graph_destroy(g);
		float y[4];
		weir_tensor_t ti = { .data = (void *)x, .size = sizeof(x), .desc = dx };
		weir_tensor_t to = { .data = y, .size = sizeof(y) };
		wt_watchdog_phase(&wd, ops[i]);
		int rc = weir_session_run_graph(s, 1, &ti, 1, &to, 1);
		if (rc)
			fail_msg("%s: %s", ops[i], weir_graph_last_error());
		/* Output (oh, ow) covers x[0..oh][0..ow]. */
		if (i == 0) {
			assert_true(y[0] == 1 && y[1] == 5 && y[2] == 3 && y[3] == 5);
		} else if (i == 1) {
			assert_true(y[0] == 1 && y[1] == 3 && y[2] == 2 && y[3] == 11.0f / 4);
		} else {
			double kk = (double)k * (double)k;
			assert_true(y[0] == (float)(1 / kk) && y[3] == (float)(11 / kk));
		}
		weir_session_destroy(s);
	}
	wt_watchdog_phase(&wd, "after pools");
}

static void test_slice_extreme_strides(void **st)
{
	(void)st;
	float x[16];
	for (int i = 0; i < 16; i++)
		x[i] = (float)i;
	struct {
		int64_t b[2], e[2], s[2];
		int rows, cols;
		float want[4];
	} c[2] = {
		{ { 3, 0 }, { 0, 4 }, { INT64_MIN, INT64_MAX }, 1, 1, { 12 } },
		{ { 3, 0 }, { INT64_MIN, INT64_MAX }, { -2, 3 }, 2, 2, { 12, 15, 4, 7 } },
	};
	for (int i = 0; i < 2; i++) {
		weir_graph_t *g;
		WT_OK(weir_graph_create("slice", &g));
		weir_tensor_desc_t dx = dsc(WEIR_DT_FLOAT, 2, 4, 4, 0, 0);
		weir_port_t in;
		WT_OK(weir_graph_add_data(g, "x", 0, &dx, &in));
		uint32_t sl = add(g, "sl", "Slice", &in, 1);
		WT_OK(weir_attrs_set_ints(attrs(g, sl), "begin", c[i].b, 2));
		WT_OK(weir_attrs_set_ints(attrs(g, sl), "end", c[i].e, 2));
		WT_OK(weir_attrs_set_ints(attrs(g, sl), "strides", c[i].s, 2));
		weir_port_t o = weir_port(sl, 0);
		WT_OK(weir_graph_set_outputs(g, &o, 1));
		weir_session_t *s;
		WT_OK(weir_session_create(rt, mem, NULL, 0, &s));
		WT_OK(weir_session_add_graph(s, 1, g, NULL, 0));
		weir_graph_destroy(g);
		float y[4] = { -1, -1, -1, -1 };
		weir_tensor_t ti = { .data = x, .size = sizeof(x), .desc = dx };
		weir_tensor_t to = { .data = y, .size = sizeof(y) };
		int rc = weir_session_run_graph(s, 1, &ti, 1, &to, 1);
		if (rc)
			fail_msg("slice %d: %s", i, weir_graph_last_error());
		assert_int_equal(to.desc.dims[0], c[i].rows);
		assert_int_equal(to.desc.dims[1], c[i].cols);
		assert_memory_equal(y, c[i].want, sizeof(float) * (size_t)(c[i].rows * c[i].cols));
		weir_session_destroy(s);
	}
}

/* ---- builder input a fuzzer can produce ---- */

static void test_bad_builder_input(void **st)
{
	(void)st;
	weir_graph_t *g;
	weir_tensor_desc_t d = dsc(WEIR_DT_FLOAT, 2, 2, 3, 0, 0),
	                   d4 = dsc(WEIR_DT_FLOAT, 1, 4, 0, 0, 0);
	weir_port_t x, y, o;
	uint32_t n;

	/* Dangling ids and ports are refused by the builder itself. */
	WT_OK(weir_graph_create("bad", &g));
	WT_OK(weir_graph_add_data(g, "x", 0, &d, &x));
	weir_port_t dangling = weir_port(99, 0), badidx = weir_port(x.node, 1);
	assert_int_equal(weir_graph_add_node(g, "a", "Relu", &dangling, 1, 0, &n), WEIR_EINVAL);
	assert_int_equal(weir_graph_add_node(g, "a", "Relu", &badidx, 1, 0, &n), WEIR_EINVAL);
	assert_int_equal(weir_graph_add_node(g, "a", "Relu", NULL, 1, 0, &n), WEIR_EINVAL);
	assert_int_equal(weir_graph_set_input(g, 99, 0, x), WEIR_EINVAL);
	assert_int_equal(weir_graph_set_input(g, x.node, 0, x),
	                 WEIR_EINVAL); /* Data has no inputs */
	assert_int_equal(weir_graph_add_control_edge(g, x.node, 99), WEIR_EINVAL);
	assert_int_equal(weir_graph_add_control_edge(g, x.node, x.node), WEIR_EINVAL);
	assert_int_equal(weir_graph_set_outputs(g, &dangling, 1), WEIR_EINVAL);
	weir_attrs_t *a;
	assert_int_equal(weir_graph_node_attrs(g, 99, &a), WEIR_EINVAL);
	assert_null(weir_graph_node_name(g, 99));
	/* No outputs yet. */
	compile_expect(g, WEIR_EINVAL, "no outputs");
	/* Unknown op. */
	n = add(g, "mystery", "NoSuchOp", &x, 1);
	o = weir_port(n, 0);
	WT_OK(weir_graph_set_outputs(g, &o, 1));
	compile_expect(g, WEIR_ENOTFOUND, "mystery");
	session_compile_expect(g, WEIR_ENOTFOUND, "mystery");
	weir_graph_destroy(g);

	/* Attr of the wrong type. */
	WT_OK(weir_graph_create("bad", &g));
	WT_OK(weir_graph_add_data(g, "x", 0, &d, &x));
	weir_port_t two[2] = { x, x };
	n = add(g, "cat", "Concat", two, 2);
	WT_OK(weir_attrs_set_string(attrs(g, n), "axis", "zero"));
	o = weir_port(n, 0);
	WT_OK(weir_graph_set_outputs(g, &o, 1));
	compile_expect(g, WEIR_EINVAL, "cat");
	WT_OK(weir_attrs_set_float(attrs(g, n), "axis", 0.5f));
	compile_expect(g, WEIR_EINVAL, "cat");
	weir_graph_destroy(g);

	/* Mismatched shapes. */
	WT_OK(weir_graph_create("bad", &g));
	WT_OK(weir_graph_add_data(g, "x", 0, &d, &x));
	WT_OK(weir_graph_add_data(g, "y", 1, &d4, &y));
	weir_port_t xy[2] = { x, y };
	o = weir_port(add(g, "sum", "Add", xy, 2), 0);
	WT_OK(weir_graph_set_outputs(g, &o, 1));
	compile_expect(g, WEIR_ESHAPE, "sum");
	weir_graph_destroy(g);

	/* A huge explicit output count is refused before anything is sized by
	 * it; the limit itself is fine for the verifier. */
	const uint32_t counts[2] = { UINT32_MAX, WEIR_PLAN_MAX_NODE_OUTPUTS + 1 };
	for (int i = 0; i < 2; i++) {
		WT_OK(weir_graph_create("bad", &g));
		WT_OK(weir_graph_add_data(g, "x", 0, &d, &x));
		WT_OK(weir_graph_add_node(g, "split", "Split", &x, 1, counts[i], &n));
		o = weir_port(n, 0);
		WT_OK(weir_graph_set_outputs(g, &o, 1));
		compile_expect(g, WEIR_EINVAL, "split");
		weir_graph_destroy(g);
	}

	/* A cycle through a rewired input; a control edge into a Data node. */
	WT_OK(weir_graph_create("bad", &g));
	WT_OK(weir_graph_add_data(g, "x", 0, &d, &x));
	uint32_t r1 = add(g, "r1", "Relu", &x, 1);
	weir_port_t p1 = weir_port(r1, 0);
	uint32_t r2 = add(g, "r2", "Relu", &p1, 1);
	WT_OK(weir_graph_set_input(g, r1, 0, weir_port(r2, 0)));
	o = weir_port(r2, 0);
	WT_OK(weir_graph_set_outputs(g, &o, 1));
	compile_expect(g, WEIR_ECYCLE, "r");
	weir_graph_destroy(g);
	WT_OK(weir_graph_create("bad", &g));
	WT_OK(weir_graph_add_data(g, "x", 0, &d, &x));
	r1 = add(g, "r1", "Relu", &x, 1);
	WT_OK(weir_graph_add_control_edge(g, r1, x.node));
	o = weir_port(r1, 0);
	WT_OK(weir_graph_set_outputs(g, &o, 1));
	compile_expect(g, WEIR_EINVAL, "'x'");
	weir_graph_destroy(g);

	/* Data indices with a gap. */
	WT_OK(weir_graph_create("bad", &g));
	WT_OK(weir_graph_add_data(g, "x", 0, &d, &x));
	WT_OK(weir_graph_add_data(g, "y", 5, &d, &y));
	xy[1] = y;
	o = weir_port(add(g, "sum", "Add", xy, 2), 0);
	WT_OK(weir_graph_set_outputs(g, &o, 1));
	compile_expect(g, WEIR_EINVAL, "'y'");
	weir_graph_destroy(g);

	/* Bad run arguments. */
	WT_OK(weir_graph_create("runs", &g));
	WT_OK(weir_graph_add_data(g, "x", 0, &d, &x));
	o = weir_port(add(g, "r", "Relu", &x, 1), 0);
	WT_OK(weir_graph_set_outputs(g, &o, 1));
	weir_session_t *s;
	WT_OK(weir_session_create(rt, mem, NULL, 0, &s));
	WT_OK(weir_session_add_graph(s, 1, g, NULL, 0));
	weir_graph_destroy(g);
	float buf[6] = { 0 }, ob[6];
	weir_tensor_t ti = { .data = buf, .size = sizeof(buf), .desc = d };
	weir_tensor_t to = { .data = ob, .size = sizeof(ob) };
	assert_int_equal(weir_session_run_graph(s, 1, &ti, 0, &to, 1), WEIR_EINVAL);
	assert_int_equal(weir_session_run_graph(s, 1, NULL, 1, &to, 1), WEIR_EINVAL);
	assert_int_equal(weir_session_run_graph(s, 1, &ti, 1, NULL, 1), WEIR_EINVAL);
	assert_int_equal(weir_session_run_graph(s, 1, &ti, 1, &to, 2), WEIR_EINVAL);
	weir_tensor_t tbad = ti;
	tbad.desc = d4;
	assert_int_equal(weir_session_run_graph(s, 1, &tbad, 1, &to, 1), WEIR_ESHAPE);
	tbad = ti;
	tbad.desc.rank = 1000; /* garbage desc */
	assert_int_equal(weir_session_run_graph(s, 1, &tbad, 1, &to, 1), WEIR_ESHAPE);
	tbad = ti;
	tbad.size = 4;
	assert_int_equal(weir_session_run_graph(s, 1, &tbad, 1, &to, 1), WEIR_ESHAPE);
	tbad = ti;
	tbad.data = NULL;
	assert_int_equal(weir_session_run_graph(s, 1, &tbad, 1, &to, 1), WEIR_ESHAPE);
	weir_tensor_t tsmall = to;
	tsmall.size = 4;
	assert_int_equal(weir_session_run_graph(s, 1, &ti, 1, &tsmall, 1), WEIR_ESHAPE);
	WT_OK(weir_session_run_graph(s, 1, &ti, 1, &to, 1));
	weir_session_destroy(s);
}

/* argv[1]: an optional cmocka test-name filter. */
int main(int argc, char **argv)
{
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_workspace_too_large),
		cmocka_unit_test(test_workspace_large_load_fails_cleanly),
		cmocka_unit_test(test_workspace_exact_size),
		cmocka_unit_test(test_arena_offsets_do_not_wrap),
		cmocka_unit_test(test_output_size_overflow_is_eshape),
		cmocka_unit_test(test_zero_dim_does_not_hide_overflow),
		cmocka_unit_test(test_conv_attr_overflow),
		cmocka_unit_test(test_pool_huge_window),
		cmocka_unit_test(test_slice_extreme_strides),
		cmocka_unit_test(test_bad_builder_input),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
