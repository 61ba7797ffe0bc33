/*
 * tests/unit/test_ops_graph.c - the op library through the real executor: a
 * transformer-style graph that uses most built-in ops runs through a
 * session on a device with several workers (so large kernels really run as
 * parallel blocks, on several streams). Its outputs are compared bit for bit
 * with the same chain evaluated op by op on the host with one block each
 * (weir__op_eval). The graph covers:
 *  - a Reshape whose shape is a Const input;
 *  - a multi-output Split;
 *  - a Gather with run-time indices;
 *  - Conv2D and pooling.
 * An out-of-range run-time Gather index fails the run with WEIR_EBOUNDS.
 */
#include "test_ops_harness.h"

#include "weir/sched.h"
#include "weir/mem.h"
#include "weir/session.h"

#define MAXN 96

typedef struct bld {
	weir_graph_t *g;
	weir_tensor_desc_t d[MAXN][4];
	void *v[MAXN][4];
	bool owned[MAXN][4];
} bld_t;

static weir_runtime_t *rt;
static weir_mem_t *mem;

static int setup(void **st)
{
	(void)st;
	weir_config_t cfg;
	weir_config_init(&cfg);
	cfg.devices = 1;
	cfg.workers_per_device = 3;
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

static weir_tensor_desc_t mkdesc(int dt, uint32_t rank, const int64_t *dims)
{
	weir_tensor_desc_t d;
	assert_int_equal(weir_tensor_desc_init(&d, dt, rank, dims), WEIR_OK);
	return d;
}

static weir_port_t data_in(bld_t *b, const char *name, uint32_t idx, weir_tensor_desc_t d,
                           void *host)
{
	weir_port_t p;
	assert_int_equal(weir_graph_add_data(b->g, name, idx, &d, &p), WEIR_OK);
	b->d[p.node][0] = d;
	b->v[p.node][0] = host;
	return p;
}

static weir_port_t konst(bld_t *b, const char *name, weir_tensor_desc_t d, double lo, double hi)
{
	int64_t n = weir_tensor_desc_numel(&d);
	void *p = malloc((size_t)weir_tensor_desc_bytes(&d) + 1);
	assert_non_null(p);
	for (int64_t k = 0; k < n; k++)
		weir_dt_store(d.dtype, p, k, oc_uniform(lo, hi));
	weir_port_t port;
	assert_int_equal(weir_graph_add_const(b->g, name, &d, p, &port), WEIR_OK);
	b->d[port.node][0] = d;
	b->v[port.node][0] = p;
	b->owned[port.node][0] = false;
	return port;
}

/* Add node `name` and evaluate it on the host (one block). attrs may be
 * NULL; it is copied into the node and destroyed. */
static uint32_t add(bld_t *b, const char *name, const char *op, const weir_port_t *in, uint32_t nin,
                    uint32_t nout, weir_attrs_t *attrs)
{
	uint32_t id;
	assert_int_equal(weir_graph_add_node(b->g, name, op, in, nin, nout, &id), WEIR_OK);
	assert_true(id < MAXN);
	if (attrs) {
		weir_attrs_t *na;
		assert_int_equal(weir_graph_node_attrs(b->g, id, &na), WEIR_OK);
		assert_int_equal(weir_attrs_copy(na, attrs), WEIR_OK);
	}
	weir_tensor_desc_t ind[8];
	const void *inp[8];
	for (uint32_t i = 0; i < nin; i++) {
		ind[i] = b->d[in[i].node][in[i].index];
		inp[i] = b->v[in[i].node][in[i].index];
	}
	char msg[256];
	int rc = weir__op_eval(op, ind, inp, nin, attrs, nout, b->d[id], b->v[id], 1, msg,
	                       sizeof(msg));
	if (rc != WEIR_OK)
		fail_msg("eval %s (%s): %s", name, op, msg);
	for (uint32_t j = 0; j < nout; j++)
		b->owned[id][j] = true;
	weir_attrs_destroy(attrs);
	return id;
}

static weir_attrs_t *A(void)
{
	weir_attrs_t *a;
	assert_int_equal(weir_attrs_create(&a), WEIR_OK);
	return a;
}

static weir_attrs_t *A_ints(weir_attrs_t *a, const char *k, const int64_t *v, size_t n)
{
	assert_int_equal(weir_attrs_set_ints(a, k, v, n), WEIR_OK);
	return a;
}
static weir_attrs_t *A_int(weir_attrs_t *a, const char *k, int64_t v)
{
	assert_int_equal(weir_attrs_set_int(a, k, v), WEIR_OK);
	return a;
}
#define AI(a, k, ...)                                      \
	A_ints((a), (k), (const int64_t[]){ __VA_ARGS__ }, \
	       sizeof((const int64_t[]){ __VA_ARGS__ }) / sizeof(int64_t))
#define P(n, i) weir_port((n), (i))

enum { T = 64, V = 500, E = 64, HEADS = 4, HD = 16, F = 128 };

/* Builds the graph; returns the output ports (count in *nout). */
static void build(bld_t *b, int32_t *tok, weir_port_t *outs, uint32_t *nout)
{
	assert_int_equal(weir_graph_create("ops_block", &b->g), WEIR_OK);
	weir_port_t tk = data_in(b, "tok", 0, mkdesc(WEIR_DT_INT32, 1, (int64_t[]){ T }), tok);
	weir_port_t emb = konst(b, "emb", mkdesc(WEIR_DT_FLOAT, 2, (int64_t[]){ V, E }), -1, 1);
	weir_port_t g1 = konst(b, "g1", mkdesc(WEIR_DT_FLOAT, 1, (int64_t[]){ E }), 0.5, 1.5);
	weir_port_t b1 = konst(b, "b1", mkdesc(WEIR_DT_FLOAT, 1, (int64_t[]){ E }), -0.1, 0.1);
	weir_port_t wqkv =
	        konst(b, "wqkv", mkdesc(WEIR_DT_FLOAT, 2, (int64_t[]){ E, 3 * E }), -0.2, 0.2);
	weir_port_t g2 = konst(b, "g2", mkdesc(WEIR_DT_FLOAT, 1, (int64_t[]){ E }), 0.5, 1.5);
	weir_port_t w1 = konst(b, "w1", mkdesc(WEIR_DT_FLOAT, 2, (int64_t[]){ E, F }), -0.2, 0.2);
	weir_port_t bf = konst(b, "bf", mkdesc(WEIR_DT_FLOAT, 1, (int64_t[]){ F }), -0.1, 0.1);
	weir_port_t scale = konst(b, "scale", mkdesc(WEIR_DT_FLOAT, 0, NULL), 0.25, 0.25);
	weir_port_t wc =
	        konst(b, "wc", mkdesc(WEIR_DT_FLOAT, 4, (int64_t[]){ 8, 4, 3, 3 }), -0.3, 0.3);
	/* Reshape target as a Const int64 input: [T, HEADS, HD]. */
	weir_tensor_desc_t sd = mkdesc(WEIR_DT_INT64, 1, (int64_t[]){ 3 });
	int64_t shp[3] = { T, HEADS, -1 };
	weir_port_t rs;
	assert_int_equal(weir_graph_add_const(b->g, "heads_shape", &sd, shp, &rs), WEIR_OK);
	b->d[rs.node][0] = sd;
	b->v[rs.node][0] = shp;

	weir_port_t in[3];
	uint32_t ga = add(b, "embed", "Gather", (in[0] = emb, in[1] = tk, in), 2, 1, NULL);
	uint32_t ln = add(b, "ln", "LayerNorm", (in[0] = P(ga, 0), in[1] = g1, in[2] = b1, in), 3,
	                  1, A_int(A(), "axis", -1));
	uint32_t qkv = add(b, "qkv", "MatMul", (in[0] = P(ln, 0), in[1] = wqkv, in), 2, 1, NULL);
	uint32_t sp = add(b, "split", "Split", (in[0] = P(qkv, 0), in), 1, 3,
	                  A_int(A_int(A(), "axis", 1), "num_split", 3));
	uint32_t hq[3];
	static const char *const rn[] = { "rq", "rk", "rv" }, *const tn[] = { "tq", "tk", "tv" };
	for (uint32_t j = 0; j < 3; j++) {
		uint32_t r =
		        add(b, rn[j], "Reshape", (in[0] = P(sp, j), in[1] = rs, in), 2, 1, NULL);
		hq[j] = add(b, tn[j], "Transpose", (in[0] = P(r, 0), in), 1, 1,
		            AI(A(), "perm", 1, 0, 2));
	}
	uint32_t sc =
	        add(b, "scores", "BatchMatMul", (in[0] = P(hq[0], 0), in[1] = P(hq[1], 0), in), 2,
	            1, A_int(A(), "transpose_b", 1));
	uint32_t scl = add(b, "scaled", "Mul", (in[0] = P(sc, 0), in[1] = scale, in), 2, 1, NULL);
	uint32_t sm =
	        add(b, "softmax", "Softmax", (in[0] = P(scl, 0), in), 1, 1, A_int(A(), "axis", -1));
	uint32_t cx = add(b, "ctx", "BatchMatMul", (in[0] = P(sm, 0), in[1] = P(hq[2], 0), in), 2,
	                  1, NULL);
	uint32_t ct = add(b, "ctx_t", "Transpose", (in[0] = P(cx, 0), in), 1, 1,
	                  AI(A(), "perm", 1, 0, 2));
	uint32_t cr =
	        add(b, "ctx_r", "Reshape", (in[0] = P(ct, 0), in), 1, 1, AI(A(), "shape", 0, -1));
	uint32_t res = add(b, "resid", "Add", (in[0] = P(cr, 0), in[1] = P(ga, 0), in), 2, 1, NULL);
	uint32_t rms = add(b, "rms", "RMSNorm", (in[0] = P(res, 0), in[1] = g2, in), 2, 1, NULL);
	uint32_t ff =
	        add(b, "ff", "MatMul", (in[0] = P(rms, 0), in[1] = w1, in[2] = bf, in), 3, 1, NULL);
	uint32_t ge = add(b, "gelu", "Gelu", (in[0] = P(ff, 0), in), 1, 1, NULL);
	uint32_t mean = add(b, "mean", "ReduceMean", (in[0] = P(ge, 0), in), 1, 1,
	                    A_int(AI(A(), "axes", 1), "keep_dims", 1));
	uint32_t cat = add(b, "cat", "Concat", (in[0] = P(ge, 0), in[1] = P(rms, 0), in), 2, 1,
	                   A_int(A(), "axis", 1));
	uint32_t sl = add(b, "slice", "Slice", (in[0] = P(cat, 0), in), 1, 1,
	                  AI(AI(AI(A(), "begin", -1, 0), "end", -100, 192), "strides", -2, 3));
	uint32_t im = add(b, "img", "Reshape", (in[0] = P(rms, 0), in), 1, 1,
	                  AI(A(), "shape", 1, 4, 64, 16));
	uint32_t cv = add(b, "conv", "Conv2D", (in[0] = P(im, 0), in[1] = wc, in), 2, 1,
	                  AI(A(), "pads", 1, 1, 1, 1));
	uint32_t mp = add(b, "maxpool", "MaxPool", (in[0] = P(cv, 0), in), 1, 1,
	                  AI(AI(A(), "ksize", 2, 2), "strides", 2, 2));
	uint32_t ap = add(b, "avgpool", "AvgPool", (in[0] = P(cv, 0), in), 1, 1,
	                  AI(AI(AI(A(), "ksize", 3, 3), "strides", 1, 2), "pads", 1, 1, 1, 1));
	uint32_t h16 = add(b, "half", "Cast", (in[0] = P(ap, 0), in), 1, 1,
	                   A_int(A(), "dst_type", WEIR_DT_FLOAT16));
	uint32_t mx =
	        add(b, "max", "ReduceMax", (in[0] = P(mp, 0), in), 1, 1, AI(A(), "axes", 0, 2));
	uint32_t sg = add(b, "sig", "Sigmoid", (in[0] = P(mx, 0), in), 1, 1, NULL);
	outs[0] = P(mean, 0);
	outs[1] = P(sl, 0);
	outs[2] = P(h16, 0);
	outs[3] = P(sg, 0);
	outs[4] = P(sm, 0);
	*nout = 5;
	assert_int_equal(weir_graph_set_outputs(b->g, outs, *nout), WEIR_OK);
}

static void bld_free(bld_t *b)
{
	for (int i = 0; i < MAXN; i++)
		for (int j = 0; j < 4; j++) {
			if (b->owned[i][j])
				weir__free(b->v[i][j]);
		}
	weir_graph_destroy(b->g);
}

static void free_consts(bld_t *b)
{
	/* Const host copies made by konst() (weir copied them into the graph). */
	for (uint32_t i = 0; i < weir_graph_node_count(b->g); i++) {
		const char *op = weir_graph_node_op(b->g, i);
		if (op && !strcmp(op, WEIR_OP_CONST) &&
		    strcmp(weir_graph_node_name(b->g, i), "heads_shape"))
			free(b->v[i][0]);
	}
}

static void test_graph_matches_host_eval(void **state)
{
	(void)state;
	int32_t tok[T];
	for (int i = 0; i < T; i++)
		tok[i] = (int32_t)(oc_rand() % V) - (i % 5 == 0 ? V : 0); /* some negative */
	bld_t b;
	memset(&b, 0, sizeof(b));
	weir_port_t outs[8];
	uint32_t nout;
	build(&b, tok, outs, &nout);

	static const char *const par[] = { "1", "4" };
	for (int variant = 0; variant < 2; variant++) {
		weir_session_t *s;
		weir_option_t opt[] = { { "ge.session_device_id", "0" },
			                { "ge.streamMaxParallelNum", par[variant] } };
		assert_int_equal(weir_session_create(rt, mem, opt, 2, &s), WEIR_OK);
		int rc = weir_session_add_graph(s, 1, b.g, NULL, 0);
		assert_int_equal(rc, WEIR_OK);
		weir_tensor_t in = { .data = tok, .size = sizeof(tok), .desc = b.d[0][0] };
		for (int rep = 0; rep < 2; rep++) {
			weir_tensor_t out[8];
			memset(out, 0, sizeof(out));
			rc = weir_session_run_graph(s, 1, &in, 1, out, nout);
			if (rc != WEIR_OK)
				fail_msg("run: %s: %s", weir_status_name(rc),
				         weir_graph_last_error());
			for (uint32_t j = 0; j < nout; j++) {
				const weir_tensor_desc_t *want = &b.d[outs[j].node][outs[j].index];
				assert_true(weir_tensor_desc_equal(&out[j].desc, want));
				if (memcmp(out[j].data, b.v[outs[j].node][outs[j].index],
				           (size_t)weir_tensor_desc_bytes(want)) != 0)
					fail_msg("output %u differs from the host evaluation "
					         "(streams %s)",
					         j, par[variant]);
				assert_int_equal(weir_session_free(s, out[j].data), WEIR_OK);
			}
		}

		/* An out-of-range token fails the run: the gather op's kernel
		 * returns WEIR_EBOUNDS, a task failure, which the sync run reports
		 * as WEIR_EKERNEL (weir/status.h) and names in the message; the
		 * next good run still works. */
		int32_t bad[T];
		memcpy(bad, tok, sizeof(bad));
		bad[T / 2] = V;
		weir_tensor_t bin = { .data = bad, .size = sizeof(bad), .desc = b.d[0][0] };
		weir_tensor_t out[8];
		memset(out, 0, sizeof(out));
		rc = weir_session_run_graph(s, 1, &bin, 1, out, nout);
		assert_int_equal(rc, WEIR_EKERNEL);
		assert_non_null(strstr(weir_graph_last_error(), "EBOUNDS"));
		for (uint32_t j = 0; j < nout; j++)
			if (out[j].data)
				weir_session_free(s, out[j].data);
		memset(out, 0, sizeof(out));
		rc = weir_session_run_graph(s, 1, &in, 1, out, nout);
		if (rc != WEIR_OK)
			fail_msg("run after a failed run: %s: %s", weir_status_name(rc),
			         weir_graph_last_error());
		for (uint32_t j = 0; j < nout; j++)
			assert_int_equal(weir_session_free(s, out[j].data), WEIR_OK);
		weir_session_destroy(s);
	}
	free_consts(&b);
	bld_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_graph_matches_host_eval),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
