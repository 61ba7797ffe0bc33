/*
 * test_graph_parallel.c - the parallel executor (graph/exec.c, "The
 * parallel executor"; docs/graph.md, "Executor"):
 *
 *  - bit-identical results: the five S6 shapes (chain, binary tree,
 *    wavefront, random DAG, independent nodes) built from real ops
 *    (elementwise unary and binary float ops), run in parallel, streams and
 *    auto mode against an inline reference, inputs changing every run, with
 *    memory reuse on one stream and on several (one stream makes the planner
 *    reuse memory along the submission order: a parallel run must carry
 *    those reuse orders as edges), on a device with 3 workers (more blocks
 *    than CPUs on a 2-core box: blocks wait for running ones, never for
 *    ones that are not running).
 *  - a failing step: the run fails with the op's code, skips the rest, and
 *    the next run of the graph is whole again (per-run state reset).
 *  - AUTO: a chain stays inline (no two steps can run at once); a wide plan
 *    of heavy single-block steps (tens of microseconds each: never "tiny",
 *    whatever the load) moves to parallel after its timed runs, and its
 *    results stay right.
 * No timing is asserted.
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
	cfg.workers_per_device = 3;
	cfg.flags |= WEIR_CONFIG_NO_PIN;
	cfg.mem_capacity = 256u << 20;
	if (weir_runtime_create(&cfg, &rt) || weir_mem_create(rt, &mem))
		return -1;
	wt_watchdog_start(&wd, 300);
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

/* ------------------------------------------------------------------------ */
/* Shapes (as bench_graph.c's make_dag, smaller)                             */
/* ------------------------------------------------------------------------ */

struct dag {
	int n;
	int pred[512][2]; /* -1: the graph input x; -2: none */
};

static void dag_add(struct dag *d, int a, int b)
{
	d->pred[d->n][0] = a;
	d->pred[d->n][1] = b;
	d->n++;
}

static void make_dag(struct dag *d, const char *shape, int size)
{
	d->n = 0;
	if (strcmp(shape, "chain") == 0) {
		for (int i = 0; i < size; i++)
			dag_add(d, i ? i - 1 : -1, -2);
	} else if (strcmp(shape, "tree") == 0) {
		int level = 0, width = size;
		for (int i = 0; i < size; i++)
			dag_add(d, -1, -2);
		while (width > 1) {
			for (int i = 0; i < width / 2; i++)
				dag_add(d, level + 2 * i, level + 2 * i + 1);
			level += width;
			width /= 2;
		}
	} else if (strcmp(shape, "random") == 0) {
		uint32_t x = 12345u;
		for (int i = 0; i < size; i++) {
			int a = -2, b = -2;
			x = x * 1103515245u + 12345u;
			int np = i ? (int)((x >> 16) % 3) : 0;
			int lo = i > 16 ? i - 16 : 0;
			if (np >= 1) {
				x = x * 1103515245u + 12345u;
				a = lo + (int)((x >> 16) % (uint32_t)(i - lo));
			}
			if (np == 2) {
				x = x * 1103515245u + 12345u;
				b = lo + (int)((x >> 16) % (uint32_t)(i - lo));
				if (b == a)
					b = -2;
			}
			dag_add(d, a == -2 ? -1 : a, b);
		}
	} else if (strcmp(shape, "independent") == 0) {
		for (int i = 0; i < size; i++)
			dag_add(d, -1, -2);
	} else { /* wavefront: size x size */
		for (int i = 0; i < size; i++)
			for (int j = 0; j < size; j++) {
				int up = i ? (i - 1) * size + j : -2,
				    left = j ? i * size + j - 1 : -2;
				dag_add(d, up == -2 && left == -2 ? -1 : up, left);
			}
	}
}

#define MAXOUT 8

/* Node i: a unary op on its one input, a binary op on two; outputs: the
 * last node and up to MAXOUT - 1 others (every 9th node: live to the end,
 * so not every tensor is an arena tenant). rows x cols floats each. */
static weir_graph_t *shape_graph(const struct dag *d, int64_t rows, int64_t cols, const char *mode,
                                 const char *streams, uint32_t *nout)
{
	static const char *const un[] = { "Tanh", "Sigmoid", "Sin", "Neg", "Abs" };
	static const char *const bin[] = { "Add", "Mul", "Sub" };
	weir_graph_t *g;
	WT_OK(weir_graph_create("shape", &g));
	weir_tensor_desc_t desc;
	int64_t dims[2] = { rows, cols };
	WT_OK(weir_tensor_desc_init(&desc, WEIR_DT_FLOAT, 2, dims));
	weir_port_t x;
	WT_OK(weir_graph_add_data(g, "x", 0, &desc, &x));
	uint32_t ids[512];
	char nm[32];
	for (int i = 0; i < d->n; i++) {
		weir_port_t in[2];
		uint32_t k = 0;
		for (int j = 0; j < 2; j++)
			if (d->pred[i][j] != -2)
				in[k++] = d->pred[i][j] < 0 ? x : weir_port(ids[d->pred[i][j]], 0);
		snprintf(nm, sizeof(nm), "n%d", i);
		const char *op = k == 1 ? un[i % 5] : bin[i % 3];
		if (weir_graph_add_node(g, nm, op, in, k, 0, &ids[i]))
			fail_msg("add %s: %s", nm, weir_graph_last_error());
	}
	weir_port_t outs[MAXOUT];
	uint32_t n = 0;
	outs[n++] = weir_port(ids[d->n - 1], 0);
	for (int i = 4; i < d->n - 1 && n < MAXOUT; i += 9)
		outs[n++] = weir_port(ids[i], 0);
	WT_OK(weir_graph_set_outputs(g, outs, n));
	WT_OK(weir_graph_set_option(g, "weir.exec.mode", mode));
	WT_OK(weir_graph_set_option(g, "ge.streamMaxParallelNum", streams));
	*nout = n;
	return g;
}

/* One loaded plan with its run buffers. */
struct runner {
	weir_graph_t *g;
	weir_plan_t *p;
	weir_loaded_t *L;
	weir_tensor_t in, out[MAXOUT];
	uint32_t nout;
	size_t bytes;
};

static void runner_init(struct runner *r, const struct dag *d, int64_t rows, int64_t cols,
                        const char *mode, const char *streams)
{
	memset(r, 0, sizeof(*r));
	r->g = shape_graph(d, rows, cols, mode, streams, &r->nout);
	weir_plan_options_t o;
	WT_OK(weir__plan_options_from_graph(r->g, &o));
	if (weir__plan_compile(r->g, &o, &r->p))
		fail_msg("compile: %s", weir_graph_last_error());
	WT_OK(weir__plan_validate(r->p, NULL, 0));
	if (weir__exec_load(r->p, rt, mem, 0, &r->L))
		fail_msg("load: %s", weir_graph_last_error());
	r->bytes = (size_t)(rows * cols) * sizeof(float);
	weir_tensor_desc_t desc;
	int64_t dims[2] = { rows, cols };
	WT_OK(weir_tensor_desc_init(&desc, WEIR_DT_FLOAT, 2, dims));
	void *q;
	WT_OK(weir_mem_alloc(mem, 0, r->bytes, 0, &q));
	r->in = (weir_tensor_t){ q, r->bytes, desc };
	for (uint32_t j = 0; j < r->nout; j++) {
		WT_OK(weir_mem_alloc(mem, 0, r->bytes, 0, &q));
		r->out[j] = (weir_tensor_t){ q, r->bytes, desc };
	}
}

static void runner_fini(struct runner *r)
{
	weir__exec_unload(r->L);
	weir__plan_destroy(r->p);
	weir_graph_destroy(r->g);
	weir_mem_free(mem, r->in.data);
	for (uint32_t j = 0; j < r->nout; j++)
		weir_mem_free(mem, r->out[j].data);
}

static void fill_input(struct runner *r, uint32_t seed)
{
	float *v = r->in.data;
	for (size_t i = 0; i < r->bytes / sizeof(float); i++) {
		seed = seed * 1103515245u + 12345u;
		v[i] = (float)((seed >> 8) & 0xffff) / 16384.0f - 2.0f;
	}
}

static int run_sync(struct runner *r)
{
	for (uint32_t j = 0; j < r->nout; j++)
		memset(r->out[j].data, 0xff, r->bytes); /* NaNs: an unwritten output shows */
	int rc = weir__exec_run(r->L, NULL, &r->in, 1, r->out, r->nout, NULL, NULL);
	if (rc)
		fail_msg("run: %s", weir_graph_last_error());
	return weir_stream_sync(weir__exec_own_stream(r->L), WEIR_TIMEOUT_INFINITE);
}

static void same_outputs(const struct runner *a, const struct runner *b, const char *what, int run)
{
	for (uint32_t j = 0; j < a->nout; j++)
		if (memcmp(a->out[j].data, b->out[j].data, a->bytes) != 0)
			fail_msg("%s run %d: output %u differs from the inline run's", what, run,
			         j);
}

static const char *const shapes[] = { "chain", "tree", "wavefront", "random", "independent" };
static const int sizes[] = { 48, 96, 7, 64, 48 };

/* ------------------------------------------------------------------------ */
/* Tests                                                                      */
/* ------------------------------------------------------------------------ */

static void test_shapes_bit_identical(void **st)
{
	(void)st;
	static const char *const modes[] = { "parallel", "streams", "auto" };
	static const char *const streams[] = { "1", "4" };
	struct dag *d = calloc(1, sizeof(*d));
	assert_non_null(d);
	for (int si = 0; si < 5; si++)
		for (int sm = 0; sm < 2; sm++) {
			make_dag(d, shapes[si], sizes[si]);
			struct runner ref;
			runner_init(&ref, d, 4, 33, "inline", streams[sm]);
			assert_string_equal(weir__exec_mode_name(ref.L), "inline");
			for (int m = 0; m < 3; m++) {
				struct runner r;
				runner_init(&r, d, 4, 33, modes[m], streams[sm]);
				if (m == 0)
					assert_string_equal(weir__exec_mode_name(r.L), "parallel");
				char what[96];
				snprintf(what, sizeof(what), "%s/%s streams=%s", shapes[si],
				         modes[m], streams[sm]);
				for (int run = 0; run < 12; run++) {
					fill_input(&ref, (uint32_t)(run * 77 + si));
					fill_input(&r, (uint32_t)(run * 77 + si));
					WT_OK(run_sync(&ref));
					WT_OK(run_sync(&r));
					same_outputs(&ref, &r, what, run);
				}
				runner_fini(&r);
			}
			runner_fini(&ref);
		}
	free(d);
}

/* Several parallel runs queued before one sync (runs never overlap; each
 * one's start task resets the per-run state behind the previous run). */
static void test_queued_runs(void **st)
{
	(void)st;
	struct dag *d = calloc(1, sizeof(*d));
	assert_non_null(d);
	make_dag(d, "random", 64);
	struct runner ref, r;
	runner_init(&ref, d, 4, 33, "inline", "1");
	runner_init(&r, d, 4, 33, "parallel", "1");
	fill_input(&ref, 99);
	fill_input(&r, 99);
	WT_OK(run_sync(&ref));
	for (int k = 0; k < 16; k++)
		WT_OK(weir__exec_run(r.L, NULL, &r.in, 1, r.out, r.nout, NULL, NULL));
	WT_OK(weir_stream_sync(weir__exec_own_stream(r.L), WEIR_TIMEOUT_INFINITE));
	same_outputs(&ref, &r, "queued", 16);
	runner_fini(&r);
	runner_fini(&ref);
	free(d);
}

/* An op that fails with code 77 when its input's first element is 1234. */
static int failing_infer(weir_op_infer_ctx_t *c)
{
	c->out[0] = c->in[0];
	return WEIR_OK;
}

static int failing_kernel(const weir_op_call_t *c, uint32_t b, uint32_t nb)
{
	const float *x = c->in[0];
	float *y = c->out[0];
	size_t n = (size_t)weir_tensor_desc_numel(&c->in_desc[0]);
	if (x[0] == 1234.0f)
		return 77;
	for (size_t i = 0; i < n; i++)
		y[i] = x[i] * 2.0f;
	return 0;
}

static const weir_op_def_t failing_op = { .name = "TestParFail",
	                                  .min_inputs = 1,
	                                  .max_inputs = 1,
	                                  .min_outputs = 1,
	                                  .max_outputs = 1,
	                                  .infer = failing_infer,
	                                  .kernel = failing_kernel };

static void test_failing_step(void **st)
{
	(void)st;
	int rc = weir_op_register(&failing_op);
	if (rc != WEIR_OK && rc != WEIR_EEXIST)
		fail_msg("register: %s", weir_status_name(rc));
	/* x -> 8 independent TestParFail -> pairwise Adds -> one output. */
	weir_graph_t *g;
	WT_OK(weir_graph_create("fail", &g));
	weir_tensor_desc_t desc;
	int64_t dims[1] = { 64 };
	WT_OK(weir_tensor_desc_init(&desc, WEIR_DT_FLOAT, 1, dims));
	weir_port_t x, v[8];
	WT_OK(weir_graph_add_data(g, "x", 0, &desc, &x));
	char nm[16];
	for (int i = 0; i < 8; i++) {
		uint32_t id;
		snprintf(nm, sizeof(nm), "f%d", i);
		WT_OK(weir_graph_add_node(g, nm, "TestParFail", &x, 1, 0, &id));
		v[i] = weir_port(id, 0);
	}
	for (int w = 8; w > 1; w /= 2)
		for (int i = 0; i < w / 2; i++) {
			uint32_t id;
			weir_port_t in[2] = { v[2 * i], v[2 * i + 1] };
			snprintf(nm, sizeof(nm), "a%d_%d", w, i);
			WT_OK(weir_graph_add_node(g, nm, "Add", in, 2, 0, &id));
			v[i] = weir_port(id, 0);
		}
	WT_OK(weir_graph_set_outputs(g, &v[0], 1));
	WT_OK(weir_graph_set_option(g, "weir.exec.mode", "parallel"));
	weir_plan_options_t o;
	WT_OK(weir__plan_options_from_graph(g, &o));
	weir_plan_t *p;
	WT_OK(weir__plan_compile(g, &o, &p));
	weir_loaded_t *L;
	WT_OK(weir__exec_load(p, rt, mem, 0, &L));
	float *xin, *y;
	WT_OK(weir_mem_alloc(mem, 0, 256, 0, (void **)&xin));
	WT_OK(weir_mem_alloc(mem, 0, 256, 0, (void **)&y));
	weir_tensor_t tin = { xin, 256, desc }, tout = { y, 256, desc };
	weir_stream_t *own = weir__exec_own_stream(L);
	for (int round = 0; round < 6; round++) {
		bool bad = round % 2 == 1;
		for (int i = 0; i < 64; i++)
			xin[i] = bad && i == 0 ? 1234.0f : (float)(i + round);
		WT_OK(weir__exec_run(L, NULL, &tin, 1, &tout, 1, NULL, NULL));
		int code = 0;
		rc = weir_stream_sync_code(own, WEIR_TIMEOUT_INFINITE, &code);
		if (bad) {
			if (rc == WEIR_OK)
				fail_msg("round %d: a failing step's run succeeded", round);
			assert_int_equal(code, 77);
		} else {
			WT_OK(rc);
			for (int i = 0; i < 64; i++)
				assert_true(y[i] == (float)(i + round) * 16.0f);
		}
	}
	weir_mem_free(mem, xin);
	weir_mem_free(mem, y);
	weir__exec_unload(L);
	weir__plan_destroy(p);
	weir_graph_destroy(g);
}

/* A single-block op with heavy work on a small tensor (~ 64 x 4000
 * multiply-adds: tens of microseconds, never "tiny"): y = f(x). */
static int heavy_kernel(const weir_op_call_t *c, uint32_t b, uint32_t nb)
{
	const float *x = c->in[0];
	float *y = c->out[0];
	size_t n = (size_t)weir_tensor_desc_numel(&c->in_desc[0]);
	for (size_t i = 0; i < n; i++) {
		float a = x[i];
		for (int k = 0; k < 4000; k++)
			a = a * 0.999f + 0.001f;
		y[i] = a;
	}
	return 0;
}

static const weir_op_def_t heavy_op = { .name = "TestParHeavy",
	                                .min_inputs = 1,
	                                .max_inputs = 1,
	                                .min_outputs = 1,
	                                .max_outputs = 1,
	                                .infer = failing_infer,
	                                .kernel = heavy_kernel };

/* x -> n TestParHeavy steps, as a chain or independent (all read x), every
 * step's output a graph output (n <= 8). */
static weir_graph_t *heavy_graph(bool chain, int n)
{
	int rc = weir_op_register(&heavy_op);
	if (rc != WEIR_OK && rc != WEIR_EEXIST)
		fail_msg("register: %s", weir_status_name(rc));
	weir_graph_t *g;
	WT_OK(weir_graph_create("heavy", &g));
	weir_tensor_desc_t desc;
	int64_t dims[1] = { 64 };
	WT_OK(weir_tensor_desc_init(&desc, WEIR_DT_FLOAT, 1, dims));
	weir_port_t x, outs[8];
	WT_OK(weir_graph_add_data(g, "x", 0, &desc, &x));
	char nm[16];
	for (int i = 0; i < n; i++) {
		uint32_t id;
		snprintf(nm, sizeof(nm), "h%d", i);
		WT_OK(weir_graph_add_node(g, nm, "TestParHeavy", chain && i ? &outs[i - 1] : &x, 1,
		                          0, &id));
		outs[i] = weir_port(id, 0);
	}
	WT_OK(weir_graph_set_outputs(g, outs, (uint32_t)n));
	return g;
}

static void test_auto_choice(void **st)
{
	(void)st;
	for (int chain = 0; chain < 2; chain++) {
		weir_graph_t *g = heavy_graph(chain, 8);
		weir_plan_options_t o;
		WT_OK(weir__plan_options_from_graph(g, &o));
		weir_plan_t *p;
		WT_OK(weir__plan_compile(g, &o, &p));
		weir_loaded_t *L;
		WT_OK(weir__exec_load(p, rt, mem, 0, &L));
		assert_string_equal(weir__exec_mode_name(L), "inline");
		float *x, *y[8], ref[8][64];
		weir_tensor_t tin, tout[8];
		WT_OK(weir_mem_alloc(mem, 0, 256, 0, (void **)&x));
		tin = (weir_tensor_t){ x, 256, p->tensors[p->input_tensor[0]].desc };
		for (int j = 0; j < 8; j++) {
			WT_OK(weir_mem_alloc(mem, 0, 256, 0, (void **)&y[j]));
			tout[j] = (weir_tensor_t){ y[j], 256, tin.desc };
		}
		for (int run = 0; run < 6; run++) {
			for (int i = 0; i < 64; i++)
				x[i] = (float)(i * (run + 1)) * 0.01f;
			WT_OK(weir__exec_run(L, NULL, &tin, 1, tout, 8, NULL, NULL));
			WT_OK(weir_stream_sync(weir__exec_own_stream(L), WEIR_TIMEOUT_INFINITE));
			for (int j = 0; j < 8; j++)
				for (int i = 0; i < 64; i++) {
					float a = chain && j ? ref[j - 1][i] : x[i];
					for (int k = 0; k < 4000; k++)
						a = a * 0.999f + 0.001f;
					ref[j][i] = a;
				}
			for (int j = 0; j < 8; j++)
				if (memcmp(ref[j], y[j], 256) != 0)
					fail_msg("%s run %d: output %d wrong",
					         chain ? "chain" : "wide", run, j);
		}
		/* A chain never moves (no two steps can run at once); 8
		 * independent heavy steps do. */
		assert_string_equal(weir__exec_mode_name(L), chain ? "inline" : "parallel");
		weir_mem_free(mem, x);
		for (int j = 0; j < 8; j++)
			weir_mem_free(mem, y[j]);
		weir__exec_unload(L);
		weir__plan_destroy(p);
		weir_graph_destroy(g);
	}
}

/* argv[1]: an optional cmocka test-name filter. */
int main(int argc, char **argv)
{
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shapes_bit_identical),
		cmocka_unit_test(test_queued_runs),
		cmocka_unit_test(test_failing_step),
		cmocka_unit_test(test_auto_choice),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
