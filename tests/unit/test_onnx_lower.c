/*
 * test_onnx_lower.c - the ONNX lowering rules (acl_compat/ge/lower_onnx*.c)
 * through hand-built front-end graphs and the GE graph manager: results
 * against hand-computed values, opset-dependent semantics (Softmax's 2-D
 * coercion, Clip's attrs vs inputs, Unsqueeze's axes), a shape input fed
 * as a graph input (one native graph per distinct value), and clear
 * ENOTSUP errors for what the rules refuse.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "ge/weir_ge.h"
#include "ge_lower_harness.h"

/* ---- graph building -------------------------------------------------------- */

static int32_t node(weir_fg_t *g, const char *type, const int32_t *in, uint32_t nin, uint32_t nout,
                    weir_attrs_t *a)
{
	int32_t first;
	assert_int_equal(weir_fg_add_node(g, type, type, in, nin, nout, a, &first), WEIR_OK);
	weir_attrs_destroy(a);
	return first;
}

/* Adds g (destroyed) to a fresh manager, runs it once, removes it. */
static int run(weir_fg_t *g, weir_tensor_t *in, uint32_t nin, weir_tensor_t *out, uint32_t nout)
{
	weir_ge_gm_t *m;
	assert_int_equal(weir_ge_gm_create(g_s, &m), WEIR_OK);
	assert_int_equal(weir_ge_gm_add(m, 1, g, NULL, NULL, 0), WEIR_OK);
	weir_fg_destroy(g);
	int rc = weir_ge_gm_run(m, 1, in, nin, out, nout);
	weir_ge_gm_destroy(m);
	return rc;
}

static void near(const float *got, const float *want, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fabsf(got[i] - want[i]) > 1e-5f + 1e-5f * fabsf(want[i]))
			fail_msg("element %zu: got %g, want %g", i, got[i], want[i]);
}

/* ---- tests -------------------------------------------------------------------- */

/* Softmax before opset 13 coerces x to 2-D at axis: x [2, 2] with axis 0
 * normalizes all four; opset 13 normalizes each column. */
static void test_softmax_opsets(void **state)
{
	(void)state;
	int64_t dims[2] = { 2, 2 };
	float xv[4] = { 1, 2, 3, 4 };
	for (int opset = 11; opset <= 13; opset += 2) {
		weir_fg_t *g;
		assert_int_equal(weir_fg_create("sm", WEIR_FG_ONNX, opset, &g), WEIR_OK);
		int32_t x = input(g, 0, WEIR_DT_FLOAT, 2, dims);
		weir_attrs_t *a = attrs();
		assert_int_equal(weir_attrs_set_int(a, "axis", 0), WEIR_OK);
		int32_t y = node(g, "Softmax", &x, 1, 1, a);
		assert_int_equal(weir_fg_set_outputs(g, &y, 1), WEIR_OK);
		float yv[4], want[4];
		double all = 0;
		for (int i = 0; i < 4; i++)
			all += exp(xv[i]);
		for (int i = 0; i < 4; i++)
			want[i] = opset < 13 ? (float)(exp(xv[i]) / all)
			                     : (float)(exp(xv[i]) /
			                               (exp(xv[i % 2]) + exp(xv[i % 2 + 2])));
		weir_tensor_t ti = tensor(WEIR_DT_FLOAT, 2, dims, xv);
		weir_tensor_t to = tensor(WEIR_DT_FLOAT, 2, dims, yv);
		assert_int_equal(run(g, &ti, 1, &to, 1), WEIR_OK);
		near(yv, want, 4);
	}
}

/* Gemm: y = 2 * A B^T + 0.5 * C with C [N] broadcast over rows. */
static void test_gemm(void **state)
{
	(void)state;
	weir_fg_t *g;
	int64_t ad[2] = { 2, 3 }, bd[2] = { 4, 3 }, cd[1] = { 4 }, yd[2] = { 2, 4 };
	float av[6] = { 1, 2, 3, 4, 5, 6 }, bv[12] = { 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1 };
	float cv[4] = { 2, 4, 6, 8 };
	assert_int_equal(weir_fg_create("gemm", WEIR_FG_ONNX, 13, &g), WEIR_OK);
	int32_t in[3] = { input(g, 0, WEIR_DT_FLOAT, 2, ad), cnst(g, WEIR_DT_FLOAT, 2, bd, bv),
		          cnst(g, WEIR_DT_FLOAT, 1, cd, cv) };
	weir_attrs_t *a = attrs();
	assert_int_equal(weir_attrs_set_int(a, "transB", 1), WEIR_OK);
	assert_int_equal(weir_attrs_set_float(a, "alpha", 2), WEIR_OK);
	assert_int_equal(weir_attrs_set_float(a, "beta", 0.5f), WEIR_OK);
	int32_t y = node(g, "Gemm", in, 3, 1, a);
	assert_int_equal(weir_fg_set_outputs(g, &y, 1), WEIR_OK);
	float yv[8];
	/* rows of A B^T: (1,2,3,6), (4,5,6,15) */
	float want[8] = { 2 + 1, 4 + 2, 6 + 3, 12 + 4, 8 + 1, 10 + 2, 12 + 3, 30 + 4 };
	weir_tensor_t ti = tensor(WEIR_DT_FLOAT, 2, ad, av), to = tensor(WEIR_DT_FLOAT, 2, yd, yv);
	assert_int_equal(run(g, &ti, 1, &to, 1), WEIR_OK);
	near(yv, want, 8);
}

static int value_cb(uint32_t input, const void **data, void *user)
{
	(void)input;
	*data = user;
	return WEIR_OK;
}

/* Reshape's shape fed as graph input 1: its value joins the cache key, so
 * the manager lowers once per distinct value and reuses the entry. */
static void test_shape_input_cache(void **state)
{
	(void)state;
	weir_fg_t *g;
	int64_t xd[2] = { 2, 3 }, sd[1] = { 2 };
	assert_int_equal(weir_fg_create("reshape", WEIR_FG_ONNX, 14, &g), WEIR_OK);
	int32_t in[2] = { input(g, 0, WEIR_DT_FLOAT, 2, xd), input(g, 1, WEIR_DT_INT64, 1, sd) };
	int32_t y = node(g, "Reshape", in, 2, 1, NULL);
	assert_int_equal(weir_fg_set_outputs(g, &y, 1), WEIR_OK);

	/* Lowering directly: the value is demanded and input 1 marked used. */
	weir_tensor_desc_t descs[2];
	assert_int_equal(weir_tensor_desc_init(&descs[0], WEIR_DT_FLOAT, 2, xd), WEIR_OK);
	assert_int_equal(weir_tensor_desc_init(&descs[1], WEIR_DT_INT64, 1, sd), WEIR_OK);
	weir_graph_t *ng = NULL;
	uint64_t used = 0;
	int64_t s32[2] = { 3, 2 };
	int rc = weir_fg_lower(g, descs, 2, value_cb, s32, &ng, &used);
	if (rc)
		fail_msg("lower: %d %s", rc, weir_graph_last_error());
	assert_int_equal(used, 2);
	weir_graph_destroy(ng);
	assert_int_equal(weir_fg_lower(g, descs, 2, NULL, NULL, &ng, NULL), WEIR_ENOTREADY);

	weir_ge_gm_t *m;
	assert_int_equal(weir_ge_gm_create(g_s, &m), WEIR_OK);
	assert_int_equal(weir_ge_gm_add(m, 1, g, NULL, NULL, 0), WEIR_OK);
	weir_fg_destroy(g);
	int64_t shapes[3][2] = { { 3, 2 }, { 6, -1 }, { 3, 2 } };
	int64_t outd[3][2] = { { 3, 2 }, { 6, 1 }, { 3, 2 } };
	for (int k = 0; k < 3; k++) {
		float xv[6] = { 1, 2, 3, 4, 5, 6 }, yv[6] = { 0 };
		weir_tensor_t ti[2] = { tensor(WEIR_DT_FLOAT, 2, xd, xv),
			                tensor(WEIR_DT_INT64, 1, sd, shapes[k]) };
		weir_tensor_desc_t od;
		uint32_t nout = 0;
		assert_int_equal(weir_ge_gm_output_descs(m, 1, ti, 2, &od, 1, &nout), WEIR_OK);
		assert_int_equal(nout, 1);
		assert_int_equal(od.rank, 2);
		assert_int_equal(od.dims[0], outd[k][0]);
		assert_int_equal(od.dims[1], outd[k][1]);
		weir_tensor_t to = tensor(WEIR_DT_FLOAT, 2, outd[k], yv);
		assert_int_equal(weir_ge_gm_run(m, 1, ti, 2, &to, 1), WEIR_OK);
		assert_memory_equal(yv, xv, sizeof(xv));
	}
	/* native graphs 0 and 1: the third run reused the first entry */
	assert_true(weir_session_has_graph(g_s, 0));
	assert_true(weir_session_has_graph(g_s, 1));
	assert_false(weir_session_has_graph(g_s, 2));
	weir_ge_gm_destroy(m);
}

/* Conv 1-D (through 2-D) with SAME_UPPER: a box filter of 3. */
static void test_conv1d_same(void **state)
{
	(void)state;
	weir_fg_t *g;
	int64_t xd[3] = { 1, 1, 5 }, wd[3] = { 1, 1, 3 };
	float xv[5] = { 1, 2, 3, 4, 5 }, wv[3] = { 1, 1, 1 }, yv[5];
	assert_int_equal(weir_fg_create("conv", WEIR_FG_ONNX, 13, &g), WEIR_OK);
	int32_t in[2] = { input(g, 0, WEIR_DT_FLOAT, 3, xd), cnst(g, WEIR_DT_FLOAT, 3, wd, wv) };
	weir_attrs_t *a = attrs();
	assert_int_equal(weir_attrs_set_string(a, "auto_pad", "SAME_UPPER"), WEIR_OK);
	int32_t y = node(g, "Conv", in, 2, 1, a);
	assert_int_equal(weir_fg_set_outputs(g, &y, 1), WEIR_OK);
	float want[5] = { 3, 6, 9, 12, 9 };
	weir_tensor_t ti = tensor(WEIR_DT_FLOAT, 3, xd, xv), to = tensor(WEIR_DT_FLOAT, 3, xd, yv);
	assert_int_equal(run(g, &ti, 1, &to, 1), WEIR_OK);
	near(yv, want, 5);
}

/* MaxPool's indices are flat over N, C, H, W (ONNX), not per plane. */
static void test_maxpool_indices(void **state)
{
	(void)state;
	weir_fg_t *g;
	int64_t xd[4] = { 1, 2, 2, 2 }, yd[4] = { 1, 2, 1, 1 }, k[2] = { 2, 2 };
	float xv[8] = { 1, 5, 2, 3, 9, 0, 0, 1 }, yv[2];
	int64_t iv[2];
	assert_int_equal(weir_fg_create("pool", WEIR_FG_ONNX, 12, &g), WEIR_OK);
	int32_t x = input(g, 0, WEIR_DT_FLOAT, 4, xd);
	weir_attrs_t *a = attrs();
	assert_int_equal(weir_attrs_set_ints(a, "kernel_shape", k, 2), WEIR_OK);
	int32_t y = node(g, "MaxPool", &x, 1, 2, a);
	int32_t outs[2] = { y, y + 1 };
	assert_int_equal(weir_fg_set_outputs(g, outs, 2), WEIR_OK);
	weir_tensor_t ti = tensor(WEIR_DT_FLOAT, 4, xd, xv);
	weir_tensor_t to[2] = { tensor(WEIR_DT_FLOAT, 4, yd, yv),
		                tensor(WEIR_DT_INT64, 4, yd, iv) };
	assert_int_equal(run(g, &ti, 1, to, 2), WEIR_OK);
	assert_true(yv[0] == 5 && yv[1] == 9);
	assert_int_equal(iv[0], 1);
	assert_int_equal(iv[1], 4);
}

/* Slice (opset 13, inputs) with a negative step past the start. */
static void test_slice_negative_step(void **state)
{
	(void)state;
	weir_fg_t *g;
	int64_t xd[1] = { 5 }, one[1] = { 1 }, yd[1] = { 3 };
	int64_t st[1] = { -1 }, en[1] = { INT64_MIN }, ax[1] = { 0 }, sp[1] = { -2 };
	float xv[5] = { 0, 1, 2, 3, 4 }, yv[3];
	assert_int_equal(weir_fg_create("slice", WEIR_FG_ONNX, 13, &g), WEIR_OK);
	int32_t in[5] = { input(g, 0, WEIR_DT_FLOAT, 1, xd), cnst(g, WEIR_DT_INT64, 1, one, st),
		          cnst(g, WEIR_DT_INT64, 1, one, en), cnst(g, WEIR_DT_INT64, 1, one, ax),
		          cnst(g, WEIR_DT_INT64, 1, one, sp) };
	int32_t y = node(g, "Slice", in, 5, 1, NULL);
	assert_int_equal(weir_fg_set_outputs(g, &y, 1), WEIR_OK);
	float want[3] = { 4, 2, 0 };
	weir_tensor_t ti = tensor(WEIR_DT_FLOAT, 1, xd, xv), to = tensor(WEIR_DT_FLOAT, 1, yd, yv);
	assert_int_equal(run(g, &ti, 1, &to, 1), WEIR_OK);
	near(yv, want, 3);
}

/* ArgMax keepdims 0 with and without select_last_index. */
static void test_argmax_last(void **state)
{
	(void)state;
	int64_t xd[2] = { 1, 4 }, yd[1] = { 1 };
	float xv[4] = { 1, 3, 3, 2 };
	for (int last = 0; last <= 1; last++) {
		weir_fg_t *g;
		assert_int_equal(weir_fg_create("argmax", WEIR_FG_ONNX, 13, &g), WEIR_OK);
		int32_t x = input(g, 0, WEIR_DT_FLOAT, 2, xd);
		weir_attrs_t *a = attrs();
		assert_int_equal(weir_attrs_set_int(a, "axis", 1), WEIR_OK);
		assert_int_equal(weir_attrs_set_int(a, "keepdims", 0), WEIR_OK);
		assert_int_equal(weir_attrs_set_int(a, "select_last_index", last), WEIR_OK);
		int32_t y = node(g, "ArgMax", &x, 1, 1, a);
		assert_int_equal(weir_fg_set_outputs(g, &y, 1), WEIR_OK);
		int64_t yv[1] = { -1 };
		weir_tensor_t ti = tensor(WEIR_DT_FLOAT, 2, xd, xv);
		weir_tensor_t to = tensor(WEIR_DT_INT64, 1, yd, yv);
		assert_int_equal(run(g, &ti, 1, &to, 1), WEIR_OK);
		assert_int_equal(yv[0], last ? 2 : 1);
	}
}

/* Clip: attrs min/max before opset 11, optional inputs after. */
static void test_clip_forms(void **state)
{
	(void)state;
	int64_t xd[1] = { 4 };
	float xv[4] = { -2, 0.5f, 1, 3 };
	for (int opset = 6; opset <= 13; opset += 7) {
		weir_fg_t *g;
		assert_int_equal(weir_fg_create("clip", WEIR_FG_ONNX, opset, &g), WEIR_OK);
		int32_t x = input(g, 0, WEIR_DT_FLOAT, 1, xd), y;
		if (opset < 11) {
			weir_attrs_t *a = attrs();
			assert_int_equal(weir_attrs_set_float(a, "min", 0), WEIR_OK);
			assert_int_equal(weir_attrs_set_float(a, "max", 1), WEIR_OK);
			y = node(g, "Clip", &x, 1, 1, a);
		} else { /* min absent, max 1 */
			float hi = 1;
			int32_t in[3] = { x, WEIR_FG_NONE, cnst(g, WEIR_DT_FLOAT, 0, NULL, &hi) };
			y = node(g, "Clip", in, 3, 1, NULL);
		}
		assert_int_equal(weir_fg_set_outputs(g, &y, 1), WEIR_OK);
		float yv[4];
		float want6[4] = { 0, 0.5f, 1, 1 }, want13[4] = { -2, 0.5f, 1, 1 };
		weir_tensor_t ti = tensor(WEIR_DT_FLOAT, 1, xd, xv);
		weir_tensor_t to = tensor(WEIR_DT_FLOAT, 1, xd, yv);
		assert_int_equal(run(g, &ti, 1, &to, 1), WEIR_OK);
		near(yv, opset < 11 ? want6 : want13, 4);
	}
}

/* Unsqueeze: axes attr (opset 11) and input (13), negative axes against
 * the output rank; then Squeeze with no axes drops every 1. */
static void test_unsqueeze_squeeze(void **state)
{
	(void)state;
	int64_t xd[1] = { 3 }, two[1] = { 2 }, axes[2] = { 0, -1 };
	for (int opset = 11; opset <= 13; opset += 2) {
		weir_fg_t *g;
		assert_int_equal(weir_fg_create("unsq", WEIR_FG_ONNX, opset, &g), WEIR_OK);
		int32_t x = input(g, 0, WEIR_DT_FLOAT, 1, xd), u;
		if (opset < 13) {
			weir_attrs_t *a = attrs();
			assert_int_equal(weir_attrs_set_ints(a, "axes", axes, 2), WEIR_OK);
			u = node(g, "Unsqueeze", &x, 1, 1, a);
		} else {
			int32_t in[2] = { x, cnst(g, WEIR_DT_INT64, 1, two, axes) };
			u = node(g, "Unsqueeze", in, 2, 1, NULL);
		}
		int32_t s = node(g, "Shape", &u, 1, 1, NULL);
		int32_t q = node(g, "Squeeze", &u, 1, 1, NULL);
		int32_t outs[2] = { s, q };
		assert_int_equal(weir_fg_set_outputs(g, outs, 2), WEIR_OK);
		float xv[3] = { 1, 2, 3 }, qv[3];
		int64_t sv[3], sd[1] = { 3 };
		weir_tensor_t ti = tensor(WEIR_DT_FLOAT, 1, xd, xv);
		weir_tensor_t to[2] = { tensor(WEIR_DT_INT64, 1, sd, sv),
			                tensor(WEIR_DT_FLOAT, 1, xd, qv) };
		assert_int_equal(run(g, &ti, 1, to, 2), WEIR_OK);
		assert_true(sv[0] == 1 && sv[1] == 3 && sv[2] == 1);
		assert_memory_equal(qv, xv, sizeof(xv));
	}
}

/* NegativeLogLikelihoodLoss, mean with ignore_index: the ignored row
 * neither adds to the sum nor to the count. */
static void test_nll_ignore_index(void **state)
{
	(void)state;
	weir_fg_t *g;
	int64_t xd[2] = { 3, 3 }, td[1] = { 3 };
	float xv[9] = { -1, -2, -3, -4, -5, -6, -7, -8, -9 }, yv[1];
	int64_t tv[3] = { 1, 2, 0 };
	assert_int_equal(weir_fg_create("nll", WEIR_FG_ONNX, 13, &g), WEIR_OK);
	int32_t in[2] = { input(g, 0, WEIR_DT_FLOAT, 2, xd), cnst(g, WEIR_DT_INT64, 1, td, tv) };
	weir_attrs_t *a = attrs();
	assert_int_equal(weir_attrs_set_int(a, "ignore_index", 2), WEIR_OK);
	int32_t y = node(g, "NegativeLogLikelihoodLoss", in, 2, 1, a);
	assert_int_equal(weir_fg_set_outputs(g, &y, 1), WEIR_OK);
	weir_tensor_t ti = tensor(WEIR_DT_FLOAT, 2, xd, xv),
	              to = tensor(WEIR_DT_FLOAT, 0, NULL, yv);
	assert_int_equal(run(g, &ti, 1, &to, 1), WEIR_OK);
	float want[1] = { (2.0f + 7.0f) / 2 };
	near(yv, want, 1);
}

/* What the rules refuse is ENOTSUP naming the node and the attr. */
static void test_unsupported_attrs(void **state)
{
	(void)state;
	int64_t xd[2] = { 2, 2 };
	struct {
		const char *type, *attr, *sval;
		int64_t ival;
		const char *msg;
	} cases[] = {
		{ "Cast", "to", NULL, 8, "to=8" }, /* STRING */
		{ "Resize", "coordinate_transformation_mode", "tf_crop_and_resize", 0,
		  "tf_crop_and_resize" },
		{ "Dropout", "ratio", NULL, 0, "training_mode" },
		{ "Gelu", "approximate", "fast", 0, "approximate" },
		{ "Pad", "mode", "wrap", 0, "mode" },
	};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		weir_fg_t *g;
		assert_int_equal(weir_fg_create("bad", WEIR_FG_ONNX, 13, &g), WEIR_OK);
		int32_t x = input(g, 0, WEIR_DT_FLOAT, 2, xd);
		weir_attrs_t *a = attrs();
		int32_t in[3] = { x, WEIR_FG_NONE, WEIR_FG_NONE };
		uint32_t nin = 1;
		if (cases[c].sval)
			assert_int_equal(weir_attrs_set_string(a, cases[c].attr, cases[c].sval),
			                 WEIR_OK);
		else
			assert_int_equal(weir_attrs_set_int(a, cases[c].attr, cases[c].ival),
			                 WEIR_OK);
		if (!strcmp(cases[c].type, "Resize")) {
			float sc[2] = { 1, 1 };
			int64_t two[1] = { 2 };
			in[2] = cnst(g, WEIR_DT_FLOAT, 1, two, sc);
			nin = 3;
		} else if (!strcmp(cases[c].type, "Dropout")) {
			float r = 0.5f;
			uint8_t t = 1;
			in[1] = cnst(g, WEIR_DT_FLOAT, 0, NULL, &r);
			in[2] = cnst(g, WEIR_DT_BOOL, 0, NULL, &t);
			nin = 3;
		} else if (!strcmp(cases[c].type, "Pad")) {
			int64_t p[4] = { 0, 0, 1, 1 }, four[1] = { 4 };
			in[1] = cnst(g, WEIR_DT_INT64, 1, four, p);
			nin = 2;
		}
		int32_t y = node(g, cases[c].type, in, nin, 1, a);
		assert_int_equal(weir_fg_set_outputs(g, &y, 1), WEIR_OK);
		weir_tensor_desc_t d;
		weir_graph_t *ng = NULL;
		assert_int_equal(weir_tensor_desc_init(&d, WEIR_DT_FLOAT, 2, xd), WEIR_OK);
		int rc = weir_fg_lower(g, &d, 1, NULL, NULL, &ng, NULL);
		if (rc != WEIR_ENOTSUP)
			fail_msg("%s: rc %d (%s)", cases[c].type, rc, weir_graph_last_error());
		assert_null(ng);
		const char *e = weir_graph_last_error();
		if (!strstr(e, cases[c].msg) || !strstr(e, cases[c].type))
			fail_msg("%s: message '%s'", cases[c].type, e);
		weir_fg_destroy(g);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_softmax_opsets),
		cmocka_unit_test(test_gemm),
		cmocka_unit_test(test_shape_input_cache),
		cmocka_unit_test(test_conv1d_same),
		cmocka_unit_test(test_maxpool_indices),
		cmocka_unit_test(test_slice_negative_step),
		cmocka_unit_test(test_argmax_last),
		cmocka_unit_test(test_clip_forms),
		cmocka_unit_test(test_unsqueeze_squeeze),
		cmocka_unit_test(test_nll_ignore_index),
		cmocka_unit_test(test_unsupported_attrs),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
