/*
 * test_ge_lower_ir.c - GE IR lowering rules (acl_compat/ge/lower_ge*.c):
 * hand-built WEIR_FG_GE graphs in GE's port order with GE's attrs, run
 * through the GE graph manager and checked against hand-computed values.
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

static uint32_t g_id = 100;

static int32_t node(weir_fg_t *g, const char *type, const int32_t *in, uint32_t nin, uint32_t nout,
                    const weir_attrs_t *a)
{
	int32_t first;
	assert_int_equal(weir_fg_add_node(g, type, type, in, nin, nout, a, &first), WEIR_OK);
	return first;
}

/* Adds g (destroyed) to the manager; returns its id. */
static uint32_t add(weir_fg_t *g)
{
	uint32_t id = g_id++;
	assert_int_equal(weir_ge_gm_add(g_m, id, g, NULL, NULL, 0), WEIR_OK);
	weir_fg_destroy(g);
	return id;
}

static void near(const float *got, const float *want, size_t n, float tol)
{
	for (size_t i = 0; i < n; i++)
		if (!(fabsf(got[i] - want[i]) <= tol))
			fail_msg("element %zu: got %g, want %g", i, (double)got[i],
			         (double)want[i]);
}

/* Lowers g with descs of `in` and returns the rule's error code. */
static int lower_rc(weir_fg_t *g, const weir_tensor_desc_t *in, uint32_t nin)
{
	weir_graph_t *ng = NULL;
	int rc = weir_fg_lower(g, in, nin, NULL, NULL, &ng, NULL);
	weir_graph_destroy(ng);
	return rc;
}

/* y = Relu(MatMul(x, w, bias; transpose_x2)) */
static void test_matmul_bias_relu(void **state)
{
	(void)state;
	weir_fg_t *g;
	assert_int_equal(weir_fg_create("mm", WEIR_FG_GE, 0, &g), WEIR_OK);
	int64_t xd[2] = { 2, 3 }, wd[2] = { 2, 3 }, bd[1] = { 2 };
	/* w is [N, K] with transpose_x2 = true */
	float w[6] = { 1, 0, -1, 2, 1, 0 }, b[2] = { 0.5f, -10 };
	int32_t in[3] = { input(g, 0, WEIR_DT_FLOAT, 2, xd), cnst(g, WEIR_DT_FLOAT, 2, wd, w),
		          cnst(g, WEIR_DT_FLOAT, 1, bd, b) };
	weir_attrs_t *a = attrs();
	assert_int_equal(weir_attrs_set_bool(a, "transpose_x2", true), WEIR_OK);
	int32_t mm = node(g, "MatMul", in, 3, 1, a);
	weir_attrs_destroy(a);
	int32_t y = node(g, "Relu", &mm, 1, 1, NULL);
	int32_t outs[2] = { y, mm };
	assert_int_equal(weir_fg_set_outputs(g, outs, 2), WEIR_OK);
	uint32_t id = add(g);
	float x[6] = { 1, 2, 3, 4, 5, 6 }, yv[4], mv[4];
	int64_t od[2] = { 2, 2 };
	weir_tensor_t ti = tensor(WEIR_DT_FLOAT, 2, xd, x);
	weir_tensor_t to[2] = { tensor(WEIR_DT_FLOAT, 2, od, yv),
		                tensor(WEIR_DT_FLOAT, 2, od, mv) };
	assert_int_equal(weir_ge_gm_run(g_m, id, &ti, 1, to, 2), WEIR_OK);
	/* x @ w^T: row0 (1-3, 2+2) = (-2, 4); row1 (4-6, 8+5) = (-2, 13); + bias */
	float wm[4] = { -1.5f, -6, -1.5f, 3 }, wy[4] = { 0, 0, 0, 3 };
	near(mv, wm, 4, 0);
	near(yv, wy, 4, 0);
	assert_int_equal(weir_ge_gm_remove(g_m, id), WEIR_OK);
}

/* Conv2D in GE's default NHWC (filter NHWC [O, kH, kW, C]) then MaxPool
 * NHWC VALID, and MaxPool SAME (TensorFlow padding). */
static void test_conv_nhwc_maxpool(void **state)
{
	(void)state;
	weir_fg_t *g;
	assert_int_equal(weir_fg_create("conv", WEIR_FG_GE, 0, &g), WEIR_OK);
	int64_t xd[4] = { 1, 3, 3, 1 }, fd[4] = { 2, 2, 2, 1 }, bd[1] = { 2 };
	/* filter 0: all ones; filter 1: top-left 1, bottom-right -1 */
	float f[8] = { 1, 1, 1, 1, 1, 0, 0, -1 }, b[2] = { 0, 100 };
	int32_t in[3] = { input(g, 0, WEIR_DT_FLOAT, 4, xd), cnst(g, WEIR_DT_FLOAT, 4, fd, f),
		          cnst(g, WEIR_DT_FLOAT, 1, bd, b) };
	weir_attrs_t *a = attrs();
	int64_t ones[4] = { 1, 1, 1, 1 }, zeros[4] = { 0, 0, 0, 0 }, k[4] = { 1, 2, 2, 1 };
	assert_int_equal(weir_attrs_set_ints(a, "strides", ones, 4), WEIR_OK);
	assert_int_equal(weir_attrs_set_ints(a, "pads", zeros, 4), WEIR_OK);
	int32_t conv = node(g, "Conv2D", in, 3, 1, a);
	weir_attrs_destroy(a);
	a = attrs();
	assert_int_equal(weir_attrs_set_ints(a, "ksize", k, 4), WEIR_OK);
	assert_int_equal(weir_attrs_set_ints(a, "strides", ones, 4), WEIR_OK);
	assert_int_equal(weir_attrs_set_string(a, "padding", "VALID"), WEIR_OK);
	int32_t pool = node(g, "MaxPool", &conv, 1, 1, a);
	int64_t s2[4] = { 1, 2, 2, 1 };
	assert_int_equal(weir_attrs_set_ints(a, "strides", s2, 4), WEIR_OK);
	assert_int_equal(weir_attrs_set_string(a, "padding", "SAME"), WEIR_OK);
	int32_t same = node(g, "MaxPool", &in[0], 1, 1, a);
	weir_attrs_destroy(a);
	int32_t outs[3] = { conv, pool, same };
	assert_int_equal(weir_fg_set_outputs(g, outs, 3), WEIR_OK);
	uint32_t id = add(g);
	float x[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, cv[8], pv[2], sv[4];
	int64_t cd[4] = { 1, 2, 2, 2 }, pd[4] = { 1, 1, 1, 2 }, sd[4] = { 1, 2, 2, 1 };
	weir_tensor_t ti = tensor(WEIR_DT_FLOAT, 4, xd, x);
	weir_tensor_t to[3] = { tensor(WEIR_DT_FLOAT, 4, cd, cv), tensor(WEIR_DT_FLOAT, 4, pd, pv),
		                tensor(WEIR_DT_FLOAT, 4, sd, sv) };
	assert_int_equal(weir_ge_gm_run(g_m, id, &ti, 1, to, 3), WEIR_OK);
	/* NHWC output [1, 2, 2, 2]: (sum of window, 100 + tl - br) per position */
	float wc[8] = { 12, 96, 16, 96, 24, 96, 28, 96 };
	near(cv, wc, 8, 0);
	float wp[2] = { 28, 96 };
	near(pv, wp, 2, 0);
	/* SAME 2x2 stride 2 on 3x3: windows {1,2,4,5} {3,6} {7,8} {9} */
	float ws[4] = { 5, 6, 8, 9 };
	near(sv, ws, 4, 0);
	assert_int_equal(weir_ge_gm_remove(g_m, id), WEIR_OK);
}

/* ReduceSum(x, axes): axes as a Const, and as a graph input (one native
 * graph per value). */
static void test_reduce_sum_axes(void **state)
{
	(void)state;
	weir_fg_t *g;
	int64_t xd[2] = { 2, 3 }, ad[1] = { 1 };
	int32_t one = 1;
	/* Const axes */
	assert_int_equal(weir_fg_create("rs", WEIR_FG_GE, 0, &g), WEIR_OK);
	int32_t in[2] = { input(g, 0, WEIR_DT_FLOAT, 2, xd), cnst(g, WEIR_DT_INT32, 1, ad, &one) };
	weir_attrs_t *a = attrs();
	assert_int_equal(weir_attrs_set_bool(a, "keep_dims", true), WEIR_OK);
	int32_t y = node(g, "ReduceSum", in, 2, 1, a);
	weir_attrs_destroy(a);
	assert_int_equal(weir_fg_set_outputs(g, &y, 1), WEIR_OK);
	uint32_t id = add(g);
	float x[6] = { 1, 2, 3, 4, 5, 6 }, yv[3];
	int64_t od[2] = { 2, 1 };
	weir_tensor_t ti = tensor(WEIR_DT_FLOAT, 2, xd, x);
	weir_tensor_t to = tensor(WEIR_DT_FLOAT, 2, od, yv);
	assert_int_equal(weir_ge_gm_run(g_m, id, &ti, 1, &to, 1), WEIR_OK);
	float w1[2] = { 6, 15 };
	near(yv, w1, 2, 0);
	assert_int_equal(weir_ge_gm_remove(g_m, id), WEIR_OK);

	/* axes as graph input 1 */
	assert_int_equal(weir_fg_create("rs2", WEIR_FG_GE, 0, &g), WEIR_OK);
	in[0] = input(g, 0, WEIR_DT_FLOAT, 2, xd);
	in[1] = input(g, 1, WEIR_DT_INT32, 1, ad);
	y = node(g, "ReduceSum", in, 2, 1, NULL); /* keep_dims false */
	assert_int_equal(weir_fg_set_outputs(g, &y, 1), WEIR_OK);
	weir_fg_t *copy;
	assert_int_equal(weir_fg_clone(g, &copy), WEIR_OK);
	id = add(g);
	int32_t axv = 0;
	weir_tensor_t tis[2] = { tensor(WEIR_DT_FLOAT, 2, xd, x),
		                 tensor(WEIR_DT_INT32, 1, ad, &axv) };
	int64_t o3[1] = { 3 }, o2[1] = { 2 };
	to = tensor(WEIR_DT_FLOAT, 1, o3, yv);
	assert_int_equal(weir_ge_gm_run(g_m, id, tis, 2, &to, 1), WEIR_OK);
	float w0[3] = { 5, 7, 9 };
	near(yv, w0, 3, 0);
	axv = -1;
	to = tensor(WEIR_DT_FLOAT, 1, o2, yv);
	assert_int_equal(weir_ge_gm_run(g_m, id, tis, 2, &to, 1), WEIR_OK);
	near(yv, w1, 2, 0);
	assert_int_equal(weir_ge_gm_remove(g_m, id), WEIR_OK);
	/* Lowering without the value callback: the axes are needed now. */
	weir_tensor_desc_t ds[2] = { tis[0].desc, tis[1].desc };
	assert_int_equal(lower_rc(copy, ds, 2), WEIR_ENOTREADY);
	assert_non_null(strstr(weir_graph_last_error(), "ReduceSum"));
	weir_fg_destroy(copy);
}

/* ConcatV2(x0, x1, concat_dim), Concat(concat_dim, x0, x1), TransposeD. */
static void test_concat_transpose(void **state)
{
	(void)state;
	weir_fg_t *g;
	assert_int_equal(weir_fg_create("cat", WEIR_FG_GE, 0, &g), WEIR_OK);
	int64_t d0[2] = { 1, 2 }, d1[2] = { 2, 2 }, sd[1] = { 1 };
	int32_t zero = 0, one = 1;
	int32_t x0 = input(g, 0, WEIR_DT_FLOAT, 2, d0), x1 = input(g, 1, WEIR_DT_FLOAT, 2, d1);
	int32_t in[3] = { x0, x1, cnst(g, WEIR_DT_INT32, 0, sd, &zero) };
	weir_attrs_t *a = attrs();
	assert_int_equal(weir_attrs_set_int(a, "N", 2), WEIR_OK);
	int32_t cat = node(g, "ConcatV2", in, 3, 1, a);
	int32_t in2[3] = { cnst(g, WEIR_DT_INT32, 1, sd, &one), x1, x1 };
	int32_t cat1 = node(g, "Concat", in2, 3, 1, a);
	weir_attrs_destroy(a);
	a = attrs();
	int64_t perm[2] = { 1, 0 };
	assert_int_equal(weir_attrs_set_ints(a, "perm", perm, 2), WEIR_OK);
	int32_t tr = node(g, "TransposeD", &cat, 1, 1, a);
	weir_attrs_destroy(a);
	int32_t outs[3] = { cat, cat1, tr };
	assert_int_equal(weir_fg_set_outputs(g, outs, 3), WEIR_OK);
	uint32_t id = add(g);
	float a0[2] = { 1, 2 }, a1[4] = { 3, 4, 5, 6 }, cv[6], c1[8], tv[6];
	int64_t cd[2] = { 3, 2 }, c1d[2] = { 2, 4 }, td[2] = { 2, 3 };
	weir_tensor_t ti[2] = { tensor(WEIR_DT_FLOAT, 2, d0, a0),
		                tensor(WEIR_DT_FLOAT, 2, d1, a1) };
	weir_tensor_t to[3] = { tensor(WEIR_DT_FLOAT, 2, cd, cv), tensor(WEIR_DT_FLOAT, 2, c1d, c1),
		                tensor(WEIR_DT_FLOAT, 2, td, tv) };
	assert_int_equal(weir_ge_gm_run(g_m, id, ti, 2, to, 3), WEIR_OK);
	float wc[6] = { 1, 2, 3, 4, 5, 6 }, w1[8] = { 3, 4, 3, 4, 5, 6, 5, 6 },
	      wt[6] = { 1, 3, 5, 2, 4, 6 };
	near(cv, wc, 6, 0);
	near(c1, w1, 8, 0);
	near(tv, wt, 6, 0);
	assert_int_equal(weir_ge_gm_remove(g_m, id), WEIR_OK);
}

/* LayerNorm(x, gamma, beta -> y, mean, variance; begin_norm_axis 1,
 * begin_params_axis -1). */
static void test_layernorm_three_outputs(void **state)
{
	(void)state;
	weir_fg_t *g;
	assert_int_equal(weir_fg_create("ln", WEIR_FG_GE, 0, &g), WEIR_OK);
	int64_t xd[2] = { 2, 2 }, pd[1] = { 2 };
	float gam[2] = { 1, 2 }, bet[2] = { 0, 1 };
	int32_t in[3] = { input(g, 0, WEIR_DT_FLOAT, 2, xd), cnst(g, WEIR_DT_FLOAT, 1, pd, gam),
		          cnst(g, WEIR_DT_FLOAT, 1, pd, bet) };
	weir_attrs_t *a = attrs();
	assert_int_equal(weir_attrs_set_int(a, "begin_norm_axis", 1), WEIR_OK);
	assert_int_equal(weir_attrs_set_int(a, "begin_params_axis", -1), WEIR_OK);
	assert_int_equal(weir_attrs_set_float(a, "epsilon", 0), WEIR_OK);
	int32_t y = node(g, "LayerNorm", in, 3, 3, a);
	weir_attrs_destroy(a);
	int32_t outs[3] = { y, y + 1, y + 2 };
	assert_int_equal(weir_fg_set_outputs(g, outs, 3), WEIR_OK);
	uint32_t id = add(g);
	float x[4] = { 1, 3, 2, 6 }, yv[4], mv[2], vv[2];
	int64_t sd[2] = { 2, 1 };
	weir_tensor_t ti = tensor(WEIR_DT_FLOAT, 2, xd, x);
	weir_tensor_t to[3] = { tensor(WEIR_DT_FLOAT, 2, xd, yv), tensor(WEIR_DT_FLOAT, 2, sd, mv),
		                tensor(WEIR_DT_FLOAT, 2, sd, vv) };
	assert_int_equal(weir_ge_gm_run(g_m, id, &ti, 1, to, 3), WEIR_OK);
	/* rows (1,3): mean 2, var 1; (2,6): mean 4, var 4; normalized (-1, 1) */
	float wy[4] = { -1, 3, -1, 3 }, wm[2] = { 2, 4 }, wv[2] = { 1, 4 };
	near(yv, wy, 4, 1e-5f);
	near(mv, wm, 2, 1e-6f);
	near(vv, wv, 2, 1e-6f);
	assert_int_equal(weir_ge_gm_remove(g_m, id), WEIR_OK);
}

/* StridedSlice with begin/end masks and a shrunk axis; SplitV; Pack. */
static void test_strided_slice_split_pack(void **state)
{
	(void)state;
	weir_fg_t *g;
	assert_int_equal(weir_fg_create("ss", WEIR_FG_GE, 0, &g), WEIR_OK);
	int64_t xd[2] = { 3, 4 }, ld[1] = { 2 }, sd0[1] = { 1 };
	int32_t b[2] = { 1, 1 }, e[2] = { 2, 0 }, s[2] = { 1, 2 }, sizes[2] = { 3, 1 }, one = 1;
	int32_t x = input(g, 0, WEIR_DT_FLOAT, 2, xd);
	int32_t in[4] = { x, cnst(g, WEIR_DT_INT32, 1, ld, b), cnst(g, WEIR_DT_INT32, 1, ld, e),
		          cnst(g, WEIR_DT_INT32, 1, ld, s) };
	weir_attrs_t *a = attrs();
	/* row 1 (shrunk), columns 1: (end masked) step 2 -> x[1, 1::2] */
	assert_int_equal(weir_attrs_set_int(a, "shrink_axis_mask", 1), WEIR_OK);
	assert_int_equal(weir_attrs_set_int(a, "end_mask", 2), WEIR_OK);
	int32_t ss = node(g, "StridedSlice", in, 4, 1, a);
	weir_attrs_destroy(a);
	a = attrs();
	assert_int_equal(weir_attrs_set_int(a, "num_split", 2), WEIR_OK);
	int32_t sin[3] = { x, cnst(g, WEIR_DT_INT32, 1, ld, sizes),
		           cnst(g, WEIR_DT_INT32, 0, sd0, &one) };
	int32_t sp = node(g, "SplitV", sin, 3, 2, a);
	weir_attrs_destroy(a);
	a = attrs();
	assert_int_equal(weir_attrs_set_int(a, "N", 2), WEIR_OK);
	assert_int_equal(weir_attrs_set_int(a, "axis", 1), WEIR_OK);
	int32_t pin[2] = { ss, ss };
	int32_t pk = node(g, "Pack", pin, 2, 1, a);
	weir_attrs_destroy(a);
	int32_t outs[3] = { ss, sp + 1, pk };
	assert_int_equal(weir_fg_set_outputs(g, outs, 3), WEIR_OK);
	uint32_t id = add(g);
	float xv[12], sv[2], spv[3], pv[4];
	for (int i = 0; i < 12; i++)
		xv[i] = (float)i;
	int64_t od[1] = { 2 }, spd[2] = { 3, 1 }, pd[2] = { 2, 2 };
	weir_tensor_t ti = tensor(WEIR_DT_FLOAT, 2, xd, xv);
	weir_tensor_t to[3] = { tensor(WEIR_DT_FLOAT, 1, od, sv),
		                tensor(WEIR_DT_FLOAT, 2, spd, spv),
		                tensor(WEIR_DT_FLOAT, 2, pd, pv) };
	assert_int_equal(weir_ge_gm_run(g_m, id, &ti, 1, to, 3), WEIR_OK);
	float ws[2] = { 5, 7 }, wsp[3] = { 3, 7, 11 }, wp[4] = { 5, 5, 7, 7 };
	near(sv, ws, 2, 0);
	near(spv, wsp, 3, 0);
	near(pv, wp, 4, 0);
	assert_int_equal(weir_ge_gm_remove(g_m, id), WEIR_OK);
}

/* Attr values a rule cannot honour are WEIR_ENOTSUP naming the attr;
 * a missing REQUIRED_ATTR is WEIR_EINVAL. */
static void test_unsupported_attrs(void **state)
{
	(void)state;
	int64_t xd[4] = { 1, 2, 2, 1 }, fd[4] = { 1, 1, 1, 1 };
	weir_tensor_desc_t d;
	assert_int_equal(weir_tensor_desc_init(&d, WEIR_DT_FLOAT, 4, xd), WEIR_OK);
	float f = 1;
	struct {
		const char *type, *attr, *msg;
		int code;
	} cases[] = {
		{ "Conv2D", "offset_x", "offset_x", WEIR_ENOTSUP },
		{ "SoftmaxV2", "axes", "axes", WEIR_ENOTSUP },
		{ "Cast", NULL, "dst_type", WEIR_EINVAL },
		{ "GatherV2D", "batch_dims", "batch_dims", WEIR_ENOTSUP },
		{ "Conv2D", "data_format", "data_format", WEIR_ENOTSUP },
		{ "BatchNorm", NULL, "is_training", WEIR_ENOTSUP },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		weir_fg_t *g;
		assert_int_equal(weir_fg_create("bad", WEIR_FG_GE, 0, &g), WEIR_OK);
		int32_t in[5] = { input(g, 0, WEIR_DT_FLOAT, 4, xd),
			          cnst(g, WEIR_DT_FLOAT, 4, fd, &f), WEIR_FG_NONE, WEIR_FG_NONE,
			          WEIR_FG_NONE };
		uint32_t nin = 1;
		weir_attrs_t *a = attrs();
		int64_t ones[4] = { 1, 1, 1, 1 }, zeros[4] = { 0 }, two[2] = { 0, 1 };
		if (!strcmp(cases[i].type, "Conv2D")) {
			nin = 2;
			assert_int_equal(weir_attrs_set_ints(a, "strides", ones, 4), WEIR_OK);
			assert_int_equal(weir_attrs_set_ints(a, "pads", zeros, 4), WEIR_OK);
			if (!strcmp(cases[i].attr, "offset_x"))
				assert_int_equal(weir_attrs_set_int(a, "offset_x", 3), WEIR_OK);
			else
				assert_int_equal(weir_attrs_set_string(a, "data_format", "NC1HWC0"),
				                 WEIR_OK);
		} else if (!strcmp(cases[i].type, "SoftmaxV2")) {
			assert_int_equal(weir_attrs_set_ints(a, "axes", two, 2), WEIR_OK);
		} else if (!strcmp(cases[i].type, "GatherV2D")) {
			nin = 2;
			in[1] = cnst(g, WEIR_DT_INT32, 0, NULL, &(int32_t){ 0 });
			assert_int_equal(weir_attrs_set_int(a, "axis", 0), WEIR_OK);
			assert_int_equal(weir_attrs_set_int(a, "batch_dims", 1), WEIR_OK);
		} else if (!strcmp(cases[i].type, "BatchNorm")) {
			nin = 5; /* x, scale, offset; mean and variance absent */
			in[2] = in[1];
		}
		int32_t y = node(g, cases[i].type, in, nin, 1, a);
		weir_attrs_destroy(a);
		assert_int_equal(weir_fg_set_outputs(g, &y, 1), WEIR_OK);
		int rc = lower_rc(g, &d, 1);
		if (rc != cases[i].code || !strstr(weir_graph_last_error(), cases[i].msg) ||
		    !strstr(weir_graph_last_error(), cases[i].type))
			fail_msg("%s: rc %d, '%s'", cases[i].type, rc, weir_graph_last_error());
		weir_fg_destroy(g);
	}
}

/* Elementwise odds: Muls/Adds attr value, Relu6, Select with a row
 * condition, Cast (dst_type), Shape, Swish scale. */
static void test_elementwise(void **state)
{
	(void)state;
	weir_fg_t *g;
	assert_int_equal(weir_fg_create("ew", WEIR_FG_GE, 0, &g), WEIR_OK);
	int64_t xd[2] = { 2, 2 }, cd[1] = { 2 };
	uint8_t cond[2] = { 1, 0 };
	int32_t x = input(g, 0, WEIR_DT_FLOAT, 2, xd);
	weir_attrs_t *a = attrs();
	assert_int_equal(weir_attrs_set_float(a, "value", 3), WEIR_OK);
	int32_t m = node(g, "Muls", &x, 1, 1, a);
	int32_t r6 = node(g, "Relu6", &m, 1, 1, NULL);
	int32_t sin[3] = { cnst(g, WEIR_DT_BOOL, 1, cd, cond), x, r6 };
	int32_t sel = node(g, "Select", sin, 3, 1, NULL);
	weir_attrs_destroy(a);
	a = attrs();
	assert_int_equal(weir_attrs_set_int(a, "dst_type", WEIR_DT_INT32), WEIR_OK);
	int32_t ci = node(g, "Cast", &sel, 1, 1, a);
	weir_attrs_destroy(a);
	a = attrs();
	assert_int_equal(weir_attrs_set_int(a, "dtype", WEIR_DT_INT64), WEIR_OK);
	int32_t sh = node(g, "Shape", &x, 1, 1, a);
	weir_attrs_destroy(a);
	int32_t outs[3] = { sel, ci, sh };
	assert_int_equal(weir_fg_set_outputs(g, outs, 3), WEIR_OK);
	uint32_t id = add(g);
	float xv[4] = { -1.5f, 2.5f, 1, -4 }, sv[4];
	int32_t iv[4];
	int64_t shv[2];
	weir_tensor_t ti = tensor(WEIR_DT_FLOAT, 2, xd, xv);
	weir_tensor_t to[3] = { tensor(WEIR_DT_FLOAT, 2, xd, sv), tensor(WEIR_DT_INT32, 2, xd, iv),
		                tensor(WEIR_DT_INT64, 1, cd, shv) };
	assert_int_equal(weir_ge_gm_run(g_m, id, &ti, 1, to, 3), WEIR_OK);
	/* row 0 from x, row 1 from relu6(3x) = (3, 0) */
	float ws[4] = { -1.5f, 2.5f, 3, 0 };
	near(sv, ws, 4, 0);
	assert_int_equal(iv[0], -1);
	assert_int_equal(iv[1], 2);
	assert_int_equal(iv[2], 3);
	assert_int_equal(shv[0], 2);
	assert_int_equal(shv[1], 2);
	assert_int_equal(weir_ge_gm_remove(g_m, id), WEIR_OK);
}

/* One node, checked output 0: a table of rules with hand-computed results. */
struct arg {
	int dtype;
	uint32_t rank;
	int64_t dims[4];
	double v[16];
	bool is_input; /* a graph input (else a Const) */
};

struct one_case {
	const char *type;
	uint32_t nin, nout;
	struct arg in[5];
	void (*attrs)(weir_attrs_t *a);
	int odtype;
	uint32_t orank;
	int64_t odims[4];
	double want[24];
	uint32_t out; /* which output to check */
};

static void pack(int dt, const double *v, size_t n, void *buf)
{
	for (size_t i = 0; i < n; i++) {
		switch (dt) {
		case WEIR_DT_FLOAT: ((float *)buf)[i] = (float)v[i]; break;
		case WEIR_DT_INT32: ((int32_t *)buf)[i] = (int32_t)v[i]; break;
		case WEIR_DT_INT64: ((int64_t *)buf)[i] = (int64_t)v[i]; break;
		case WEIR_DT_BOOL: ((uint8_t *)buf)[i] = v[i] != 0; break;
		default: fail_msg("dtype %d", dt);
		}
	}
}

static double unpack(int dt, const void *buf, size_t i)
{
	switch (dt) {
	case WEIR_DT_FLOAT: return ((const float *)buf)[i];
	case WEIR_DT_INT32: return ((const int32_t *)buf)[i];
	case WEIR_DT_INT64: return (double)((const int64_t *)buf)[i];
	case WEIR_DT_BOOL: return ((const uint8_t *)buf)[i];
	default: return NAN;
	}
}

static void a_softmax0(weir_attrs_t *a)
{
	int64_t ax[1] = { 0 };
	assert_int_equal(weir_attrs_set_ints(a, "axes", ax, 1), WEIR_OK);
}
static void a_nchw(weir_attrs_t *a)
{
	assert_int_equal(weir_attrs_set_string(a, "data_format", "NCHW"), WEIR_OK);
}
static void a_exp2(weir_attrs_t *a)
{
	assert_int_equal(weir_attrs_set_float(a, "base", 2), WEIR_OK);
	assert_int_equal(weir_attrs_set_float(a, "shift", 1), WEIR_OK);
}
static void a_swish2(weir_attrs_t *a)
{
	assert_int_equal(weir_attrs_set_float(a, "scale", 2), WEIR_OK);
}
static void a_sq0(weir_attrs_t *a)
{
	int64_t ax[1] = { 0 };
	assert_int_equal(weir_attrs_set_ints(a, "axis", ax, 1), WEIR_OK);
}
static void a_unsq(weir_attrs_t *a)
{
	int64_t ax[2] = { 0, -1 };
	assert_int_equal(weir_attrs_set_ints(a, "axes", ax, 2), WEIR_OK);
}
static void a_topk(weir_attrs_t *a)
{
	assert_int_equal(weir_attrs_set_bool(a, "largest", false), WEIR_OK);
}
static void a_dtype32(weir_attrs_t *a)
{
	assert_int_equal(weir_attrs_set_int(a, "dtype", WEIR_DT_INT32), WEIR_OK);
}
static void a_excl(weir_attrs_t *a)
{
	assert_int_equal(weir_attrs_set_bool(a, "exclusive", true), WEIR_OK);
}
static void a_scatter(weir_attrs_t *a)
{
	assert_int_equal(weir_attrs_set_int(a, "axis", 1), WEIR_OK);
	assert_int_equal(weir_attrs_set_string(a, "reduction", "add"), WEIR_OK);
}
static void a_unpack(weir_attrs_t *a)
{
	assert_int_equal(weir_attrs_set_int(a, "num", 2), WEIR_OK);
	assert_int_equal(weir_attrs_set_int(a, "axis", 1), WEIR_OK);
}
static void a_eps(weir_attrs_t *a)
{
	assert_int_equal(weir_attrs_set_float(a, "epsilon", 0), WEIR_OK);
}
static void a_reflect(weir_attrs_t *a)
{
	assert_int_equal(weir_attrs_set_string(a, "mode", "reflect"), WEIR_OK);
}
static void a_avgv2(weir_attrs_t *a)
{
	int64_t k[4] = { 1, 1, 2, 2 }, s[4] = { 1, 1, 1, 1 }, p[4] = { 0, 1, 0, 1 };
	assert_int_equal(weir_attrs_set_ints(a, "ksize", k, 4), WEIR_OK);
	assert_int_equal(weir_attrs_set_ints(a, "strides", s, 4), WEIR_OK);
	assert_int_equal(weir_attrs_set_ints(a, "pads", p, 4), WEIR_OK);
	assert_int_equal(weir_attrs_set_bool(a, "exclusive", false), WEIR_OK);
}
static void a_dw(weir_attrs_t *a)
{
	int64_t s[4] = { 1, 1, 1, 1 }, p[4] = { 0, 0, 0, 0 };
	assert_int_equal(weir_attrs_set_ints(a, "strides", s, 4), WEIR_OK);
	assert_int_equal(weir_attrs_set_ints(a, "pads", p, 4), WEIR_OK);
}
static void a_conv_same(weir_attrs_t *a)
{
	int64_t s[4] = { 1, 1, 2, 2 }, p[4] = { 0, 0, 0, 0 };
	assert_int_equal(weir_attrs_set_ints(a, "strides", s, 4), WEIR_OK);
	assert_int_equal(weir_attrs_set_ints(a, "pads", p, 4), WEIR_OK);
	assert_int_equal(weir_attrs_set_string(a, "padding", "SAME"), WEIR_OK);
	assert_int_equal(weir_attrs_set_string(a, "data_format", "NCHW"), WEIR_OK);
}

#define F   WEIR_DT_FLOAT
#define I32 WEIR_DT_INT32
#define I64 WEIR_DT_INT64
static const struct one_case cases[] = {
	{ "SoftmaxV2",
	  1,
	  1,
	  { { F, 2, { 2, 1 }, { 0, 0 }, true } },
	  a_softmax0,
	  F,
	  2,
	  { 2, 1 },
	  { 0.5, 0.5 } },
	{ "BiasAdd",
	  2,
	  1,
	  { { F, 3, { 1, 2, 2 }, { 1, 2, 3, 4 }, true }, { F, 1, { 2 }, { 10, 20 } } },
	  a_nchw,
	  F,
	  3,
	  { 1, 2, 2 },
	  { 11, 12, 23, 24 } },
	{ "BiasAdd",
	  2,
	  1,
	  { { F, 2, { 2, 2 }, { 1, 2, 3, 4 }, true }, { F, 1, { 2 }, { 10, 20 } } },
	  NULL,
	  F,
	  2,
	  { 2, 2 },
	  { 11, 22, 13, 24 } },
	{ "Exp", 1, 1, { { F, 1, { 2 }, { 0, 2 }, true } }, a_exp2, F, 1, { 2 }, { 2, 8 } },
	{ "Swish", 1, 1, { { F, 1, { 1 }, { 0 }, true } }, a_swish2, F, 1, { 1 }, { 0 } },
	{ "Squeeze",
	  1,
	  1,
	  { { F, 3, { 1, 2, 1 }, { 1, 2 }, true } },
	  a_sq0,
	  F,
	  2,
	  { 2, 1 },
	  { 1, 2 } },
	{ "Squeeze", 1, 1, { { F, 3, { 1, 2, 1 }, { 1, 2 }, true } }, NULL, F, 1, { 2 }, { 1, 2 } },
	{ "Unsqueeze",
	  1,
	  1,
	  { { F, 1, { 2 }, { 1, 2 }, true } },
	  a_unsq,
	  F,
	  3,
	  { 1, 2, 1 },
	  { 1, 2 } },
	{ "FlattenV2",
	  1,
	  1,
	  { { F, 3, { 2, 1, 2 }, { 1, 2, 3, 4 }, true } },
	  NULL,
	  F,
	  2,
	  { 2, 2 },
	  { 1, 2, 3, 4 } },
	{ "GatherV2",
	  3,
	  1,
	  { { F, 2, { 2, 3 }, { 1, 2, 3, 4, 5, 6 }, true },
	    { I32, 1, { 2 }, { 2, -3 } },
	    { I32, 0, { 0 }, { 1 } } },
	  NULL,
	  F,
	  2,
	  { 2, 2 },
	  { 3, 1, 6, 4 } },
	{ "Fill",
	  2,
	  1,
	  { { I32, 1, { 2 }, { 2, 2 } }, { F, 0, { 0 }, { 7 }, true } },
	  NULL,
	  F,
	  2,
	  { 2, 2 },
	  { 7, 7, 7, 7 } },
	{ "ZerosLike",
	  1,
	  1,
	  { { F, 1, { 3 }, { NAN, 1, 2 }, true } },
	  NULL,
	  F,
	  1,
	  { 3 },
	  { 0, 0, 0 } },
	{ "OnesLike", 1, 1, { { I32, 1, { 2 }, { 5, 6 }, true } }, NULL, I32, 1, { 2 }, { 1, 1 } },
	{ "BroadcastTo",
	  2,
	  1,
	  { { F, 1, { 2 }, { 1, 2 }, true }, { I64, 1, { 2 }, { 2, 2 } } },
	  NULL,
	  F,
	  2,
	  { 2, 2 },
	  { 1, 2, 1, 2 } },
	{ "Tile",
	  2,
	  1,
	  { { F, 1, { 2 }, { 1, 2 }, true }, { I32, 1, { 1 }, { 2 } } },
	  NULL,
	  F,
	  1,
	  { 4 },
	  { 1, 2, 1, 2 } },
	{ "Pad",
	  2,
	  1,
	  { { F, 1, { 2 }, { 1, 2 }, true }, { I32, 2, { 1, 2 }, { 1, 2 } } },
	  NULL,
	  F,
	  1,
	  { 5 },
	  { 0, 1, 2, 0, 0 } },
	{ "PadV3",
	  3,
	  1,
	  { { F, 1, { 3 }, { 1, 2, 3 }, true },
	    { I32, 1, { 2 }, { 2, 1 } },
	    { F, 0, { 0 }, { 0 } } },
	  a_reflect,
	  F,
	  1,
	  { 6 },
	  { 3, 2, 1, 2, 3, 2 } },
	{ "Range",
	  3,
	  1,
	  { { I32, 0, { 0 }, { 1 } }, { I32, 0, { 0 }, { 7 } }, { I32, 0, { 0 }, { 2 } } },
	  NULL,
	  I32,
	  1,
	  { 3 },
	  { 1, 3, 5 } },
	{ "TopKV2",
	  2,
	  2,
	  { { F, 1, { 4 }, { 3, 1, 4, 1 }, true }, { I32, 0, { 0 }, { 2 } } },
	  a_topk,
	  I32,
	  1,
	  { 2 },
	  { 1, 3 },
	  1 },
	{ "ArgMaxV2",
	  2,
	  1,
	  { { F, 2, { 2, 2 }, { 1, 5, 7, 2 }, true }, { I32, 0, { 0 }, { 1 } } },
	  a_dtype32,
	  I32,
	  1,
	  { 2 },
	  { 1, 0 } },
	{ "Cumsum",
	  2,
	  1,
	  { { F, 1, { 3 }, { 1, 2, 3 }, true }, { I32, 0, { 0 }, { 0 } } },
	  a_excl,
	  F,
	  1,
	  { 3 },
	  { 0, 1, 3 } },
	{ "ScatterElements",
	  3,
	  1,
	  { { F, 2, { 1, 3 }, { 1, 1, 1 }, true },
	    { I32, 2, { 1, 2 }, { 2, 2 } },
	    { F, 2, { 1, 2 }, { 5, 6 } } },
	  a_scatter,
	  F,
	  2,
	  { 1, 3 },
	  { 1, 1, 12 } },
	{ "OneHot",
	  4,
	  1,
	  { { I32, 1, { 2 }, { 2, 0 }, true },
	    { I32, 0, { 0 }, { 3 } },
	    { F, 0, { 0 }, { 5 } },
	    { F, 0, { 0 }, { -1 } } },
	  NULL,
	  F,
	  2,
	  { 2, 3 },
	  { -1, -1, 5, 5, -1, -1 } },
	{ "Unpack",
	  1,
	  2,
	  { { F, 2, { 2, 2 }, { 1, 2, 3, 4 }, true } },
	  a_unpack,
	  F,
	  1,
	  { 2 },
	  { 2, 4 },
	  1 },
	{ "RmsNorm",
	  2,
	  2,
	  { { F, 2, { 1, 2 }, { 3, 4 }, true }, { F, 1, { 2 }, { 1, 2 } } },
	  a_eps,
	  F,
	  2,
	  { 1, 2 },
	  { 3 / 3.5355339059327378, 8 / 3.5355339059327378 } },
	{ "BNInfer",
	  5,
	  1,
	  { { F, 4, { 1, 2, 1, 1 }, { 1, 2 }, true },
	    { F, 1, { 2 }, { 2, 1 } },
	    { F, 1, { 2 }, { 0, 1 } },
	    { F, 1, { 2 }, { 1, 0 } },
	    { F, 1, { 2 }, { 4, 1 } } },
	  a_eps,
	  F,
	  4,
	  { 1, 2, 1, 1 },
	  { 0, 3 } },
	{ "BatchMatMulV2",
	  3,
	  1,
	  { { F, 3, { 2, 1, 2 }, { 1, 2, 3, 4 }, true },
	    { F, 2, { 2, 1 }, { 1, 1 } },
	    { F, 1, { 1 }, { 10 } } },
	  NULL,
	  F,
	  3,
	  { 2, 1, 1 },
	  { 13, 17 } },
	{ "AvgPoolV2",
	  1,
	  1,
	  { { F, 4, { 1, 1, 2, 2 }, { 1, 2, 3, 4 }, true } },
	  a_avgv2,
	  F,
	  4,
	  { 1, 1, 2, 2 },
	  { 2.5, 1.5, 1.75, 1 } },
	/* x NHWC [1, 2, 2, 2], filter HWCN [1, 1, 2, 1] (multiplier 1): per-channel scale */
	{ "DepthwiseConv2D",
	  2,
	  1,
	  { { F, 4, { 1, 2, 2, 2 }, { 1, 2, 3, 4, 5, 6, 7, 8 }, true },
	    { F, 4, { 1, 1, 2, 1 }, { 2, -1 } } },
	  a_dw,
	  F,
	  4,
	  { 1, 2, 2, 2 },
	  { 2, -2, 6, -4, 10, -6, 14, -8 } },
	/* NCHW [1, 1, 3, 3] ones, 2x2 ones filter, stride 2, SAME: pads (0, 1) */
	{ "Conv2D",
	  2,
	  1,
	  { { F, 4, { 1, 1, 3, 3 }, { 1, 1, 1, 1, 1, 1, 1, 1, 1 }, true },
	    { F, 4, { 1, 1, 2, 2 }, { 1, 1, 1, 1 } } },
	  a_conv_same,
	  F,
	  4,
	  { 1, 1, 2, 2 },
	  { 4, 2, 2, 1 } },
};

static void test_rule_table(void **state)
{
	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const struct one_case *k = &cases[c];
		weir_fg_t *g;
		assert_int_equal(weir_fg_create(k->type, WEIR_FG_GE, 0, &g), WEIR_OK);
		int32_t in[5];
		weir_tensor_t ti[5];
		uint8_t bufs[5][128];
		uint32_t ni = 0;
		for (uint32_t i = 0; i < k->nin; i++) {
			const struct arg *x = &k->in[i];
			int64_t n = 1;
			for (uint32_t d = 0; d < x->rank; d++)
				n *= x->dims[d];
			pack(x->dtype, x->v, (size_t)n, bufs[i]);
			if (x->is_input) {
				in[i] = input(g, ni, x->dtype, (int32_t)x->rank, x->dims);
				ti[ni++] = tensor(x->dtype, x->rank, x->dims, bufs[i]);
			} else {
				in[i] = cnst(g, x->dtype, x->rank, x->dims, bufs[i]);
			}
		}
		weir_attrs_t *a = attrs();
		if (k->attrs)
			k->attrs(a);
		int32_t y = node(g, k->type, in, k->nin, k->nout, a);
		weir_attrs_destroy(a);
		int32_t o = y + (int32_t)k->out;
		assert_int_equal(weir_fg_set_outputs(g, &o, 1), WEIR_OK);
		uint32_t id = add(g);
		uint8_t out[256];
		weir_tensor_t to = tensor(k->odtype, k->orank, k->odims, out);
		int rc = weir_ge_gm_run(g_m, id, ti, ni, &to, 1);
		if (rc)
			fail_msg("%s (case %zu): rc %d: %s", k->type, c, rc,
			         weir_graph_last_error());
		int64_t n = 1;
		for (uint32_t d = 0; d < k->orank; d++)
			n *= k->odims[d];
		for (int64_t i = 0; i < n; i++) {
			double got = unpack(k->odtype, out, (size_t)i);
			if (!(fabs(got - k->want[i]) <= 1e-5))
				fail_msg("%s (case %zu) element %lld: got %g, want %g", k->type, c,
				         (long long)i, got, k->want[i]);
		}
		assert_int_equal(weir_ge_gm_remove(g_m, id), WEIR_OK);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matmul_bias_relu),
		cmocka_unit_test(test_conv_nhwc_maxpool),
		cmocka_unit_test(test_reduce_sum_axes),
		cmocka_unit_test(test_concat_transpose),
		cmocka_unit_test(test_layernorm_three_outputs),
		cmocka_unit_test(test_strided_slice_split_pack),
		cmocka_unit_test(test_unsupported_attrs),
		cmocka_unit_test(test_elementwise),
		cmocka_unit_test(test_rule_table),
	};
	return cmocka_run_group_tests(tests, setup_gm, teardown);
}
