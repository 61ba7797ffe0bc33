/*
 * stress_graph.c - concurrent graph runs: 8 threads x 8 devices, one session
 * and stream each, a multi-stream graph (fork/join through events, feature
 * memory reused across streams) run many times with changing inputs; plus
 * two threads sharing one graph on two different streams (runs serialized
 * by the executor). Each session holds the graph three times: id 5 runs on
 * the internal streams (weir.exec.mode=streams), id 6 as one inline task
 * (weir.exec.mode=inline), id 7 as one parallel kernel
 * (weir.exec.mode=parallel); per-device threads take them in turn, and a
 * pair of sharing threads uses each. Oracle: every output is compared with a host reference
 * computed in the same order (exact). Meant for the TSan lane as well.
 * Threads record what they saw; only the main thread asserts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <cmocka.h>

#include "weir/sched.h"
#include "weir/mem.h"
#include "weir/session.h"

#define NDEV 8
#define N    256 /* elements per tensor */
#define RUNS 40

/* y = k*x + c per element, op "SAxpb" (attrs k, c); z = a + b ("SAdd"). */
static int same_infer(weir_op_infer_ctx_t *c)
{
	for (uint32_t i = 1; i < c->nin; i++)
		if (!weir_tensor_desc_equal(&c->in[i], &c->in[0]))
			return weir_op_fail(c, WEIR_ESHAPE, "input %u differs", i);
	c->out[0] = c->in[0];
	return WEIR_OK;
}

static int axpb_kernel(const weir_op_call_t *c, uint32_t b, uint32_t nb)
{
	float k = weir_attrs_float_or(c->attrs, "k", 1), cc = weir_attrs_float_or(c->attrs, "c", 0);
	const float *x = c->in[0];
	float *y = c->out[0];
	for (int64_t i = b; i < N; i += nb)
		y[i] = k * x[i] + cc;
	return 0;
}

static int add_kernel(const weir_op_call_t *c, uint32_t b, uint32_t nb)
{
	const float *x = c->in[0], *z = c->in[1];
	float *y = c->out[0];
	for (int64_t i = b; i < N; i += nb)
		y[i] = x[i] + z[i];
	return 0;
}

static uint32_t two_blocks(const weir_op_call_t *c, uint32_t w)
{
	return 2;
}

static const weir_op_def_t op_axpb = { .name = "SAxpb",
	                               .min_inputs = 1,
	                               .max_inputs = 1,
	                               .min_outputs = 1,
	                               .max_outputs = 1,
	                               .infer = same_infer,
	                               .kernel = axpb_kernel,
	                               .blocks = two_blocks };
static const weir_op_def_t op_add = { .name = "SAdd",
	                              .min_inputs = 2,
	                              .max_inputs = 2,
	                              .min_outputs = 1,
	                              .max_outputs = 1,
	                              .infer = same_infer,
	                              .kernel = add_kernel };

static weir_runtime_t *rt;
static weir_mem_t *mem;

/* Graph: 4 branches b_i = axpb(x, k_i, c_i), chained twice, summed pairwise. */
static weir_graph_t *build(const char *mode)
{
	weir_graph_t *g;
	weir_graph_create("stress", &g);
	weir_tensor_desc_t d;
	int64_t dims[1] = { N };
	weir_tensor_desc_init(&d, WEIR_DT_FLOAT, 1, dims);
	weir_port_t x, br[4];
	weir_graph_add_data(g, "x", 0, &d, &x);
	char nm[16];
	for (int i = 0; i < 4; i++) {
		weir_port_t cur = x;
		for (int k = 0; k < 2; k++) {
			uint32_t id;
			weir_attrs_t *a;
			snprintf(nm, sizeof(nm), "b%d_%d", i, k);
			weir_graph_add_node(g, nm, "SAxpb", &cur, 1, 0, &id);
			weir_graph_node_attrs(g, id, &a);
			weir_attrs_set_float(a, "k", (float)(i + 2));
			weir_attrs_set_float(a, "c", (float)(k - i));
			cur = weir_port(id, 0);
		}
		br[i] = cur;
	}
	uint32_t s1, s2, s3;
	weir_port_t in[2] = { br[0], br[1] };
	weir_graph_add_node(g, "s1", "SAdd", in, 2, 0, &s1);
	in[0] = br[2];
	in[1] = br[3];
	weir_graph_add_node(g, "s2", "SAdd", in, 2, 0, &s2);
	in[0] = weir_port(s1, 0);
	in[1] = weir_port(s2, 0);
	weir_graph_add_node(g, "s3", "SAdd", in, 2, 0, &s3);
	weir_port_t outs[2] = { weir_port(s3, 0), br[3] };
	weir_graph_set_outputs(g, outs, 2);
	weir_graph_set_option(g, "ge.streamMaxParallelNum", "4");
	weir_graph_set_option(g, "weir.exec.mode", mode);
	return g;
}

static void reference(const float *x, float *y0, float *y1)
{
	for (int e = 0; e < N; e++) {
		float b[4];
		for (int i = 0; i < 4; i++) {
			float v = x[e];
			for (int k = 0; k < 2; k++)
				v = (float)(i + 2) * v + (float)(k - i);
			b[i] = v;
		}
		y0[e] = (b[0] + b[1]) + (b[2] + b[3]);
		y1[e] = b[3];
	}
}

struct worker {
	weir_session_t *s;
	uint32_t dev, graph;
	int first_err;
	int bad;
	int runs;
	char msg[256];
};

static void *worker(void *arg)
{
	struct worker *w = arg;
	weir_group_t *grp = NULL;
	weir_stream_t *st = NULL;
	float *x = NULL, *y0 = NULL, *y1 = NULL;
	float r0[N], r1[N], hx[N];
	weir_tensor_desc_t d;
	int64_t dims[1] = { N };
	weir_tensor_desc_init(&d, WEIR_DT_FLOAT, 1, dims);
	int rc;
	if ((rc = weir_group_create(rt, w->dev, &grp)) ||
	    (rc = weir_stream_create(grp, 0, 0, &st)) ||
	    (rc = weir_mem_alloc(mem, w->dev, sizeof(hx), 0, (void **)&x)) ||
	    (rc = weir_mem_alloc(mem, w->dev, sizeof(hx), 0, (void **)&y0)) ||
	    (rc = weir_mem_alloc(mem, w->dev, sizeof(hx), 0, (void **)&y1))) {
		w->first_err = rc;
		goto out;
	}
	for (int r = 0; r < w->runs; r++) {
		for (int e = 0; e < N; e++)
			hx[e] = (float)((e * 31 + r * 7 + (int)w->dev) % 97) * 0.25f;
		memcpy(x, hx, sizeof(hx));
		weir_tensor_t in = { x, sizeof(hx), d };
		weir_tensor_t out[2] = { { y0, sizeof(hx), d }, { y1, sizeof(hx), d } };
		uint32_t gid = w->graph ? w->graph : 5 + (uint32_t)(r % 3);
		rc = weir_session_run_graph_async_stream(w->s, gid, st, &in, 1, out, 2);
		if (!rc)
			rc = weir_stream_sync(st, WEIR_TIMEOUT_INFINITE);
		if (rc) {
			w->first_err = rc;
			snprintf(w->msg, sizeof(w->msg), "%s", weir_graph_last_error());
			break;
		}
		reference(hx, r0, r1);
		if (memcmp(y0, r0, sizeof(r0)) || memcmp(y1, r1, sizeof(r1)))
			w->bad++;
	}
out:
	if (x)
		weir_mem_free(mem, x);
	if (y0)
		weir_mem_free(mem, y0);
	if (y1)
		weir_mem_free(mem, y1);
	if (st)
		weir_stream_destroy(st);
	if (grp)
		weir_group_destroy(grp);
	return NULL;
}

static void stress_8x8(void **state)
{
	(void)state;
	weir_session_t *s[NDEV];
	weir_graph_t *g = build("streams"), *gi = build("inline"), *gp = build("parallel");
	char dv[8];
	for (int i = 0; i < NDEV; i++) {
		snprintf(dv, sizeof(dv), "%d", i);
		weir_option_t o[] = { { "ge.session_device_id", dv } };
		assert_int_equal(weir_session_create(rt, mem, o, 1, &s[i]), WEIR_OK);
		assert_int_equal(weir_session_add_graph(s[i], 5, g, NULL, 0), WEIR_OK);
		assert_int_equal(weir_session_load_graph(s[i], 5, NULL, 0, NULL), WEIR_OK);
		weir_graph_summary_t sum;
		assert_int_equal(weir_session_graph_summary(s[i], 5, &sum), WEIR_OK);
		assert_true(sum.streams >= 2);
		assert_int_equal(weir_session_add_graph(s[i], 6, gi, NULL, 0), WEIR_OK);
		assert_int_equal(weir_session_add_graph(s[i], 7, gp, NULL, 0), WEIR_OK);
	}
	weir_graph_destroy(g);
	weir_graph_destroy(gi);
	weir_graph_destroy(gp);
	/* 8 per-device threads (graphs 5, 6 and 7 in turn) + 2 threads sharing
	 * device 0's graph 5, 2 its graph 6 and 2 its graph 7. */
	struct worker w[NDEV + 6];
	pthread_t th[NDEV + 6];
	for (int i = 0; i < NDEV + 6; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].s = s[i < NDEV ? i : 0];
		w[i].dev = i < NDEV ? (uint32_t)i : 0;
		w[i].graph = i < NDEV ? 0 : 5 + (uint32_t)(i - NDEV) / 2;
		w[i].runs = RUNS;
		assert_int_equal(pthread_create(&th[i], NULL, worker, &w[i]), 0);
	}
	for (int i = 0; i < NDEV + 6; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < NDEV + 6; i++) {
		if (w[i].first_err)
			fail_msg("worker %d: %s: %s", i, weir_status_name(w[i].first_err),
			         w[i].msg);
		assert_int_equal(w[i].bad, 0);
	}
	for (int i = 0; i < NDEV; i++)
		weir_session_destroy(s[i]);
}

int main(void)
{
	weir_config_t cfg;
	weir_config_init(&cfg);
	cfg.devices = NDEV;
	cfg.workers_per_device = 2; /* a parallel run's blocks on two workers */
	cfg.flags |= WEIR_CONFIG_NO_PIN;
	cfg.mem_capacity = 16u << 20;
	if (weir_runtime_create(&cfg, &rt) || weir_mem_create(rt, &mem))
		return 1;
	int rc = weir_op_register(&op_axpb);
	if (!rc)
		rc = weir_op_register(&op_add);
	if (rc)
		return 1;
	const struct CMUnitTest tests[] = { cmocka_unit_test(stress_8x8) };
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	weir_mem_destroy(mem);
	weir_runtime_destroy(rt);
	return r;
}
