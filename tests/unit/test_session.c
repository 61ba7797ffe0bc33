/*
 * test_session.c - sessions end to end on a real runtime: the GE state
 * machine (auto compile/load, run modes exclusive), sync / stream-async /
 * callback runs, outputs allocated when left empty, multi-stream runs
 * bit-identical to single-stream runs, runs alternating between streams,
 * and every bad-input code (unknown op, shape mismatch, wrong input count,
 * dtype or size, never-added and reused graph ids, calls after finalize).
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

#include "weir/sched.h"
#include "weir/mem.h"
#include "weir/graph.h"
#include "weir/session.h"

static weir_runtime_t *rt;
static weir_mem_t *mem;

static int setup(void **st)
{
	(void)st;
	weir_config_t cfg;
	weir_config_init(&cfg);
	cfg.devices = 2;
	cfg.workers_per_device = 2;
	cfg.flags |= WEIR_CONFIG_NO_PIN;
	cfg.mem_capacity = 64u << 20;
	if (weir_runtime_create(&cfg, &rt) || weir_mem_create(rt, &mem))
		return -1;
	return 0;
}

static int teardown(void **st)
{
	(void)st;
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

#define B 4
#define D 8
#define H 16

static float W1[D * H], B1[H], W2[H * D], B2[D], Wb[D * H], Wc[D * H];

static void init_weights(void)
{
	uint32_t s = 12345;
	for (int i = 0; i < D * H; i++) {
		s = s * 1103515245u + 12345u;
		W1[i] = ((float)(s >> 16 & 0xffff) / 65536.0f - 0.5f);
		s = s * 1103515245u + 12345u;
		W2[i] = ((float)(s >> 16 & 0xffff) / 65536.0f - 0.5f);
		s = s * 1103515245u + 12345u;
		Wb[i] = ((float)(s >> 16 & 0xffff) / 65536.0f - 0.5f);
		Wc[i] = Wb[i] * 0.5f - W1[i];
	}
	for (int i = 0; i < H; i++)
		B1[i] = 0.01f * (float)i - 0.05f;
	for (int i = 0; i < D; i++)
		B2[i] = 0.02f * (float)i;
}

/* y = relu(x W1 + b1) W2 + b2 */
static weir_graph_t *mlp_graph(const char *name)
{
	weir_graph_t *g;
	assert_int_equal(weir_graph_create(name, &g), WEIR_OK);
	weir_tensor_desc_t dx = desc(WEIR_DT_FLOAT, 2, B, D), dw1 = desc(WEIR_DT_FLOAT, 2, D, H),
	                   db1 = desc(WEIR_DT_FLOAT, 1, H, 0), dw2 = desc(WEIR_DT_FLOAT, 2, H, D),
	                   db2 = desc(WEIR_DT_FLOAT, 1, D, 0);
	weir_port_t x, w1, b1, w2, b2;
	assert_int_equal(weir_graph_add_data(g, "x", 0, &dx, &x), WEIR_OK);
	assert_int_equal(weir_graph_add_const(g, "w1", &dw1, W1, &w1), WEIR_OK);
	assert_int_equal(weir_graph_add_const(g, "b1", &db1, B1, &b1), WEIR_OK);
	assert_int_equal(weir_graph_add_const(g, "w2", &dw2, W2, &w2), WEIR_OK);
	assert_int_equal(weir_graph_add_const(g, "b2", &db2, B2, &b2), WEIR_OK);
	weir_port_t in[2] = { x, w1 };
	uint32_t mm1 = node(g, "mm1", "MatMul", in, 2);
	in[0] = weir_port(mm1, 0);
	in[1] = b1;
	uint32_t a1 = node(g, "add1", "Add", in, 2);
	in[0] = weir_port(a1, 0);
	uint32_t r = node(g, "relu", "Relu", in, 1);
	in[0] = weir_port(r, 0);
	in[1] = w2;
	uint32_t mm2 = node(g, "mm2", "MatMul", in, 2);
	in[0] = weir_port(mm2, 0);
	in[1] = b2;
	uint32_t a2 = node(g, "add2", "Add", in, 2);
	weir_port_t o = weir_port(a2, 0);
	assert_int_equal(weir_graph_set_outputs(g, &o, 1), WEIR_OK);
	return g;
}

static void mlp_ref(const float *x, float *y)
{
	float h[B * H];
	for (int i = 0; i < B; i++)
		for (int j = 0; j < H; j++) {
			float s = 0;
			for (int k = 0; k < D; k++)
				s += x[i * D + k] * W1[k * H + j];
			s += B1[j];
			h[i * H + j] = s > 0 ? s : 0;
		}
	for (int i = 0; i < B; i++)
		for (int j = 0; j < D; j++) {
			float s = 0;
			for (int k = 0; k < H; k++)
				s += h[i * H + k] * W2[k * D + j];
			y[i * D + j] = s + B2[j];
		}
}

/* Three independent branches joined: runs on several streams. */
static weir_graph_t *branchy_graph(const char *name, const char *streams, const char *mode)
{
	weir_graph_t *g;
	assert_int_equal(weir_graph_create(name, &g), WEIR_OK);
	weir_tensor_desc_t dx = desc(WEIR_DT_FLOAT, 2, B, D), dw = desc(WEIR_DT_FLOAT, 2, D, H);
	weir_port_t x, w1, wb, wc;
	assert_int_equal(weir_graph_add_data(g, "x", 0, &dx, &x), WEIR_OK);
	assert_int_equal(weir_graph_add_const(g, "w1", &dw, W1, &w1), WEIR_OK);
	assert_int_equal(weir_graph_add_const(g, "wb", &dw, Wb, &wb), WEIR_OK);
	assert_int_equal(weir_graph_add_const(g, "wc", &dw, Wc, &wc), WEIR_OK);
	weir_port_t in[2] = { x, w1 };
	uint32_t m1 = node(g, "m1", "MatMul", in, 2);
	in[1] = wb;
	uint32_t m2 = node(g, "m2", "MatMul", in, 2);
	in[1] = wc;
	uint32_t m3 = node(g, "m3", "MatMul", in, 2);
	in[0] = weir_port(m1, 0);
	uint32_t r1 = node(g, "r1", "Relu", in, 1);
	in[0] = weir_port(m2, 0);
	uint32_t r2 = node(g, "r2", "Sigmoid", in, 1);
	in[0] = weir_port(m3, 0);
	uint32_t r3 = node(g, "r3", "Tanh", in, 1);
	in[0] = weir_port(r1, 0);
	in[1] = weir_port(r2, 0);
	uint32_t s1 = node(g, "s1", "Add", in, 2);
	in[0] = weir_port(s1, 0);
	in[1] = weir_port(r3, 0);
	uint32_t s2 = node(g, "s2", "Mul", in, 2);
	weir_port_t outs[2] = { weir_port(s2, 0), weir_port(r2, 0) };
	assert_int_equal(weir_graph_set_outputs(g, outs, 2), WEIR_OK);
	assert_int_equal(weir_graph_set_option(g, "ge.streamMaxParallelNum", streams), WEIR_OK);
	if (mode)
		assert_int_equal(weir_graph_set_option(g, "weir.exec.mode", mode), WEIR_OK);
	return g;
}

static void fill_x(float *x, int seed)
{
	for (int i = 0; i < B * D; i++)
		x[i] = sinf((float)(i * 7 + seed)) * 2.0f;
}

static weir_tensor_t tin(void *p, weir_tensor_desc_t d)
{
	weir_tensor_t t = { .data = p, .size = (size_t)weir_tensor_desc_bytes(&d), .desc = d };
	return t;
}

/* ---- tests ---- */

static void test_sync_run_and_state_machine(void **st)
{
	(void)st;
	weir_session_t *s;
	weir_option_t opt[] = { { "ge.session_device_id", "1" }, { "ge.graphRunMode", "0" } };
	assert_int_equal(weir_session_create(rt, mem, opt, 2, &s), WEIR_OK);
	uint32_t dev;
	assert_int_equal(weir_session_device(s, &dev), WEIR_OK);
	assert_int_equal(dev, 1);
	weir_graph_t *g = mlp_graph("mlp");
	assert_int_equal(weir_session_add_graph(s, 7, g, NULL, 0), WEIR_OK);
	weir_graph_destroy(g); /* the session keeps its own copy */
	weir_graph_summary_t sum;
	assert_int_equal(weir_session_graph_summary(s, 7, &sum), WEIR_ESTATE);
	/* RunGraph auto-loads (auto-compiles). */
	float x[B * D], y[B * D], ref[B * D];
	fill_x(x, 1);
	mlp_ref(x, ref);
	weir_tensor_t in = tin(x, desc(WEIR_DT_FLOAT, 2, B, D));
	weir_tensor_t out = { 0 }; /* weir allocates */
	int rc = weir_session_run_graph(s, 7, &in, 1, &out, 1);
	if (rc)
		fail_msg("run: %s", weir_graph_last_error());
	assert_non_null(out.data);
	assert_int_equal(out.desc.rank, 2);
	assert_int_equal(out.desc.dims[1], D);
	memcpy(y, out.data, sizeof(y));
	for (int i = 0; i < B * D; i++)
		assert_true(fabsf(y[i] - ref[i]) < 1e-4f);
	assert_int_equal(weir_session_free(s, out.data), WEIR_OK);
	assert_int_equal(weir_session_graph_summary(s, 7, &sum), WEIR_OK);
	assert_true(sum.is_static);
	assert_int_equal(sum.ninputs, 1);
	assert_int_equal(sum.noutputs, 1);
	assert_int_equal(sum.output_descs[0].dims[0], B);
	assert_int_equal(sum.const_size, (uint64_t)(D * H * 4 + 64 + H * D * 4 + 64));
	assert_true(sum.feature_size > 0);
	/* Compile again: no-op success; load again: REPEAT_OPERATION. */
	assert_int_equal(weir_session_compile_graph(s, 7), WEIR_OK);
	assert_int_equal(weir_session_load_graph(s, 7, NULL, 0, NULL), WEIR_ESTATE);
	/* Run modes are exclusive. */
	weir_stream_t *stream;
	weir_group_t *grp;
	assert_int_equal(weir_group_create(rt, 1, &grp), WEIR_OK);
	assert_int_equal(weir_stream_create(grp, 0, 0, &stream), WEIR_OK);
	out.data = y;
	out.size = sizeof(y);
	assert_int_equal(weir_session_run_graph_async_stream(s, 7, stream, &in, 1, &out, 1),
	                 WEIR_ENOTSUP);
	assert_non_null(strstr(weir_graph_last_error(), "mutually exclusive"));
	char *json;
	assert_int_equal(weir_session_plan_json(s, 7, &json), WEIR_OK);
	assert_non_null(strstr(json, "\"mm1\""));
	weir_graph_dump_free(json);
	assert_int_equal(weir_session_remove_graph(s, 7), WEIR_OK);
	assert_int_equal(weir_session_remove_graph(s, 7), WEIR_ENOTFOUND);
	assert_int_equal(weir_stream_destroy(stream), WEIR_OK);
	assert_int_equal(weir_group_destroy(grp), WEIR_OK);
	weir_session_destroy(s);
}

static void run_branchy(const char *streams, const char *mode, float *x, float *o1, float *o2,
                        uint32_t *nstreams)
{
	weir_session_t *s;
	weir_option_t opt[] = { { "ge.session_device_id", "0" } };
	assert_int_equal(weir_session_create(rt, mem, opt, 1, &s), WEIR_OK);
	weir_graph_t *g = branchy_graph("branchy", streams, mode);
	assert_int_equal(weir_session_add_graph(s, 1, g, NULL, 0), WEIR_OK);
	weir_graph_destroy(g);
	weir_group_t *grp;
	weir_stream_t *st;
	assert_int_equal(weir_group_create(rt, 0, &grp), WEIR_OK);
	assert_int_equal(weir_stream_create(grp, 0, 0, &st), WEIR_OK);
	assert_int_equal(weir_session_load_graph(s, 1, NULL, 0, st), WEIR_OK);
	weir_graph_summary_t sum;
	assert_int_equal(weir_session_graph_summary(s, 1, &sum), WEIR_OK);
	*nstreams = sum.streams;
	void *dx, *d1, *d2;
	assert_int_equal(weir_mem_alloc(mem, 0, B * D * 4, 0, &dx), WEIR_OK);
	assert_int_equal(weir_mem_alloc(mem, 0, B * H * 4, 0, &d1), WEIR_OK);
	assert_int_equal(weir_mem_alloc(mem, 0, B * H * 4, 0, &d2), WEIR_OK);
	weir_tensor_desc_t dxd = desc(WEIR_DT_FLOAT, 2, B, D), dod = desc(WEIR_DT_FLOAT, 2, B, H);
	/* Several runs with changing inputs, outputs in place; keep the last. */
	for (int r = 0; r < 5; r++) {
		fill_x(x, r);
		assert_int_equal(weir_mem_copy(mem, dx, B * D * 4, x, B * D * 4, WEIR_COPY_H2D),
		                 WEIR_OK);
		weir_tensor_t in = tin(dx, dxd);
		weir_tensor_t out[2] = { tin(d1, dod), tin(d2, dod) };
		int rc = weir_session_run_graph_async_stream(s, 1, st, &in, 1, out, 2);
		if (rc)
			fail_msg("run: %s", weir_graph_last_error());
		assert_int_equal(weir_stream_sync(st, WEIR_TIMEOUT_INFINITE), WEIR_OK);
	}
	assert_int_equal(weir_mem_copy(mem, o1, B * H * 4, d1, B * H * 4, WEIR_COPY_D2H), WEIR_OK);
	assert_int_equal(weir_mem_copy(mem, o2, B * H * 4, d2, B * H * 4, WEIR_COPY_D2H), WEIR_OK);
	weir_mem_free(mem, dx);
	weir_mem_free(mem, d1);
	weir_mem_free(mem, d2);
	weir_session_destroy(s);
	assert_int_equal(weir_stream_destroy(st), WEIR_OK);
	assert_int_equal(weir_group_destroy(grp), WEIR_OK);
}

static void test_multistream_bit_identical(void **st)
{
	(void)st;
	float x[B * D], a1[B * H], a2[B * H], b1[B * H], b2[B * H];
	uint32_t ns1, ns4;
	/* Single stream vs three internal streams joined by events. */
	run_branchy("1", "streams", x, a1, a2, &ns1);
	run_branchy("4", "streams", x, b1, b2, &ns4);
	assert_int_equal(ns1, 1);
	assert_int_equal(ns4, 3);
	assert_memory_equal(a1, b1, sizeof(a1));
	assert_memory_equal(a2, b2, sizeof(a2));
	/* The inline executor (one task per run) and the automatic choice run
	 * the same plan: bit-identical too. */
	static const char *const modes[] = { "inline", "auto", NULL };
	for (int m = 0; m < 3; m++) {
		float c1[B * H], c2[B * H];
		uint32_t ns;
		run_branchy("4", modes[m], x, c1, c2, &ns);
		assert_int_equal(ns, 3);
		assert_memory_equal(a1, c1, sizeof(a1));
		assert_memory_equal(a2, c2, sizeof(a2));
	}
	/* and it is the right answer */
	for (int i = 0; i < B; i++)
		for (int j = 0; j < H; j++) {
			float m1 = 0, m2 = 0, m3 = 0;
			for (int k = 0; k < D; k++) {
				m1 += x[i * D + k] * W1[k * H + j];
				m2 += x[i * D + k] * Wb[k * H + j];
				m3 += x[i * D + k] * Wc[k * H + j];
			}
			float r = ((m1 > 0 ? m1 : 0) + 1.0f / (1.0f + expf(-m2))) * tanhf(m3);
			assert_true(fabsf(r - b1[i * H + j]) < 1e-4f);
		}
}

struct cb_seen {
	pthread_mutex_t mu;
	int calls;
	int status;
	float y[B * D];
	weir_session_t *s;
};

static void on_done(int status, weir_tensor_t *outs, uint32_t nout, void *user)
{
	struct cb_seen *c = user;
	pthread_mutex_lock(&c->mu);
	c->calls++;
	c->status = status;
	if (nout == 1 && outs[0].data && outs[0].size == sizeof(c->y))
		memcpy(c->y, outs[0].data, sizeof(c->y));
	pthread_mutex_unlock(&c->mu);
	weir_session_free(c->s, outs[0].data);
}

static void test_callback_and_alternating_streams(void **st)
{
	(void)st;
	weir_session_t *s;
	assert_int_equal(weir_session_create(rt, mem, NULL, 0, &s), WEIR_OK);
	weir_graph_t *g = mlp_graph("mlp_cb");
	assert_int_equal(weir_session_add_graph(s, 1, g, NULL, 0), WEIR_OK);
	assert_int_equal(weir_session_add_graph(s, 2, g, NULL, 0), WEIR_OK);
	weir_graph_destroy(g);
	float x[B * D], ref[B * D];
	fill_x(x, 3);
	mlp_ref(x, ref);
	weir_tensor_t in = tin(x, desc(WEIR_DT_FLOAT, 2, B, D));
	struct cb_seen c = { .mu = PTHREAD_MUTEX_INITIALIZER, .s = s };
	assert_int_equal(weir_session_run_graph_async(s, 1, &in, 1, on_done, &c), WEIR_OK);
	/* Wait for the callback by removing the graph (waits for its run). */
	assert_int_equal(weir_session_remove_graph(s, 1), WEIR_OK);
	pthread_mutex_lock(&c.mu);
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.status, WEIR_OK);
	for (int i = 0; i < B * D; i++)
		assert_true(fabsf(c.y[i] - ref[i]) < 1e-4f);
	pthread_mutex_unlock(&c.mu);

	/* Graph 2: runs alternate between two streams; each run's output goes
	 * to its own buffer; all must be right (runs are serialized). */
	weir_group_t *grp;
	weir_stream_t *s1, *s2;
	assert_int_equal(weir_group_create(rt, 0, &grp), WEIR_OK);
	assert_int_equal(weir_stream_create(grp, 0, 0, &s1), WEIR_OK);
	assert_int_equal(weir_stream_create(grp, 0, 0, &s2), WEIR_OK);
	enum { R = 12 };
	static float xs[R][B * D], ys[R][B * D];
	for (int r = 0; r < R; r++) {
		fill_x(xs[r], 10 + r);
		weir_tensor_t i1 = tin(xs[r], desc(WEIR_DT_FLOAT, 2, B, D));
		weir_tensor_t o1 = tin(ys[r], desc(WEIR_DT_FLOAT, 2, B, D));
		assert_int_equal(weir_session_run_graph_async_stream(s, 2, (r & 1) ? s2 : s1, &i1,
		                                                     1, &o1, 1),
		                 WEIR_OK);
	}
	assert_int_equal(weir_stream_sync(s1, WEIR_TIMEOUT_INFINITE), WEIR_OK);
	assert_int_equal(weir_stream_sync(s2, WEIR_TIMEOUT_INFINITE), WEIR_OK);
	for (int r = 0; r < R; r++) {
		mlp_ref(xs[r], ref);
		for (int i = 0; i < B * D; i++)
			assert_true(fabsf(ys[r][i] - ref[i]) < 1e-4f);
	}
	weir_session_destroy(s);
	assert_int_equal(weir_stream_destroy(s1), WEIR_OK);
	assert_int_equal(weir_stream_destroy(s2), WEIR_OK);
	assert_int_equal(weir_group_destroy(grp), WEIR_OK);
}

static void test_bad_inputs(void **st)
{
	(void)st;
	weir_session_t *s;
	weir_option_t bad[] = { { "", "x" } };
	assert_int_equal(weir_session_create(rt, mem, bad, 1, &s), WEIR_EINVAL);
	weir_option_t baddev[] = { { "ge.session_device_id", "9" } };
	assert_int_equal(weir_session_create(rt, mem, baddev, 1, &s), WEIR_EDEVICE);
	assert_int_equal(weir_session_create(rt, mem, NULL, 0, &s), WEIR_OK);

	float x[B * D] = { 0 }, y[B * D];
	weir_tensor_desc_t dx = desc(WEIR_DT_FLOAT, 2, B, D);
	weir_tensor_t in = tin(x, dx), out = tin(y, dx);

	/* never-added graph id */
	assert_int_equal(weir_session_run_graph(s, 42, &in, 1, &out, 1), WEIR_ENOTFOUND);
	assert_non_null(strstr(weir_graph_last_error(), "42"));
	assert_int_equal(weir_session_compile_graph(s, 42), WEIR_ENOTFOUND);

	/* reused graph id */
	weir_graph_t *g = mlp_graph("mlp_bad");
	assert_int_equal(weir_session_add_graph(s, 1, g, NULL, 0), WEIR_OK);
	assert_int_equal(weir_session_add_graph(s, 1, g, NULL, 0), WEIR_EEXIST);
	assert_non_null(strstr(weir_graph_last_error(), "already"));

	/* wrong input count, dtype, shape, size; output too small */
	assert_int_equal(weir_session_run_graph(s, 1, &in, 0, &out, 1), WEIR_EINVAL);
	assert_non_null(strstr(weir_graph_last_error(), "takes 1 inputs"));
	weir_tensor_t wrong = in;
	wrong.desc.dtype = WEIR_DT_INT32;
	assert_int_equal(weir_session_run_graph(s, 1, &wrong, 1, &out, 1), WEIR_ESHAPE);
	assert_non_null(strstr(weir_graph_last_error(), "'x'"));
	wrong = in;
	wrong.desc.dims[0] = B + 1;
	assert_int_equal(weir_session_run_graph(s, 1, &wrong, 1, &out, 1), WEIR_ESHAPE);
	wrong = in;
	wrong.size = 8;
	assert_int_equal(weir_session_run_graph(s, 1, &wrong, 1, &out, 1), WEIR_ESHAPE);
	weir_tensor_t small = out;
	small.size = 4;
	assert_int_equal(weir_session_run_graph(s, 1, &in, 1, &small, 1), WEIR_ESHAPE);
	assert_int_equal(weir_session_run_graph(s, 1, &in, 1, &out, 2), WEIR_EINVAL);
	assert_int_equal(weir_session_run_graph(s, 1, &in, 1, &out, 1), WEIR_OK);

	/* unknown op and shape mismatch surface at compile (and at run) */
	weir_graph_t *u;
	assert_int_equal(weir_graph_create("bad_ops", &u), WEIR_OK);
	weir_port_t px, pw;
	weir_tensor_desc_t dw = desc(WEIR_DT_FLOAT, 2, D + 1, H);
	float w[(D + 1) * H];
	memset(w, 0, sizeof(w));
	assert_int_equal(weir_graph_add_data(u, "x", 0, &dx, &px), WEIR_OK);
	assert_int_equal(weir_graph_add_const(u, "w", &dw, w, &pw), WEIR_OK);
	weir_port_t in2[2] = { px, pw };
	uint32_t mm = node(u, "bad_matmul", "MatMul", in2, 2);
	weir_port_t o = weir_port(mm, 0);
	assert_int_equal(weir_graph_set_outputs(u, &o, 1), WEIR_OK);
	assert_int_equal(weir_session_add_graph(s, 2, u, NULL, 0), WEIR_OK);
	assert_int_equal(weir_session_compile_graph(s, 2), WEIR_ESHAPE);
	assert_non_null(strstr(weir_graph_last_error(), "bad_matmul"));
	uint32_t q;
	assert_int_equal(weir_graph_add_node(u, "what", "Frobnicate", &px, 1, 1, &q), WEIR_OK);
	o = weir_port(q, 0);
	assert_int_equal(weir_graph_set_outputs(u, &o, 1), WEIR_OK);
	assert_int_equal(weir_session_add_graph(s, 3, u, NULL, 0), WEIR_OK);
	assert_int_equal(weir_session_run_graph(s, 3, &in, 1, &out, 1), WEIR_ENOTFOUND);
	assert_non_null(strstr(weir_graph_last_error(), "'what'"));
	assert_non_null(strstr(weir_graph_last_error(), "Frobnicate"));
	weir_graph_destroy(u);

	/* wrong-device stream */
	weir_group_t *grp;
	weir_stream_t *st1;
	assert_int_equal(weir_group_create(rt, 1, &grp), WEIR_OK);
	assert_int_equal(weir_stream_create(grp, 0, 0, &st1), WEIR_OK);
	weir_graph_t *g2 = mlp_graph("mlp_dev");
	assert_int_equal(weir_session_add_graph(s, 4, g2, NULL, 0), WEIR_OK);
	weir_graph_destroy(g2);
	assert_int_equal(weir_session_run_graph_async_stream(s, 4, st1, &in, 1, &out, 1),
	                 WEIR_EFOREIGN);

	/* any call after finalize */
	assert_int_equal(weir_session_finalize(s), WEIR_OK);
	assert_int_equal(weir_session_finalize(s), WEIR_OK);
	assert_int_equal(weir_session_add_graph(s, 9, g, NULL, 0), WEIR_EFINALIZED);
	assert_int_equal(weir_session_compile_graph(s, 1), WEIR_EFINALIZED);
	assert_int_equal(weir_session_load_graph(s, 1, NULL, 0, NULL), WEIR_EFINALIZED);
	assert_int_equal(weir_session_run_graph(s, 1, &in, 1, &out, 1), WEIR_EFINALIZED);
	assert_int_equal(weir_session_run_graph_async_stream(s, 4, st1, &in, 1, &out, 1),
	                 WEIR_EFINALIZED);
	assert_int_equal(weir_session_remove_graph(s, 1), WEIR_EFINALIZED);
	weir_graph_summary_t sum;
	assert_int_equal(weir_session_graph_summary(s, 1, &sum), WEIR_EFINALIZED);
	assert_non_null(strstr(weir_graph_last_error(), "finalized"));
	assert_false(weir_session_has_graph(s, 1));
	weir_graph_destroy(g);
	weir_session_destroy(s);
	assert_int_equal(weir_stream_destroy(st1), WEIR_OK);
	assert_int_equal(weir_group_destroy(grp), WEIR_OK);
}

int main(void)
{
	init_weights();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sync_run_and_state_machine),
		cmocka_unit_test(test_multistream_bit_identical),
		cmocka_unit_test(test_callback_and_alternating_streams),
		cmocka_unit_test(test_bad_inputs),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
