/*
 * test_op_plan.c - single op calls outside a graph (weir_op_plan_*) and
 * strided copies (weir_strided_copy_*), weir/graph.h: planning errors with
 * their codes and messages, constant inputs, results equal to the op's
 * own for any block count, and strided copies (merging, broadcast reads,
 * empty views, bad strides) against a straightforward reference.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "weir/graph.h"

static void desc(weir_tensor_desc_t *d, int dt, uint32_t rank, const int64_t *dims)
{
	assert_int_equal(weir_tensor_desc_init(d, dt, rank, dims), WEIR_OK);
}

static void test_plan_errors(void **state)
{
	(void)state;
	weir_op_plan_t *p = (weir_op_plan_t *)0x1;
	weir_tensor_desc_t d[2];
	int64_t a[2] = { 2, 3 }, b[1] = { 4 };
	desc(&d[0], WEIR_DT_FLOAT, 2, a);
	desc(&d[1], WEIR_DT_FLOAT, 1, b);
	assert_int_equal(weir_op_plan_create("NoSuchOp", d, NULL, 2, NULL, 0, &p), WEIR_ENOTFOUND);
	assert_null(p);
	assert_non_null(strstr(weir_graph_last_error(), "NoSuchOp"));
	assert_int_equal(weir_op_plan_create("Add", d, NULL, 1, NULL, 0, &p), WEIR_EINVAL);
	assert_int_equal(weir_op_plan_create("Add", d, NULL, 2, NULL, 5, &p), WEIR_EINVAL);
	assert_int_equal(weir_op_plan_create("Add", NULL, NULL, 2, NULL, 0, &p), WEIR_EINVAL);
	assert_int_equal(weir_op_plan_create(NULL, d, NULL, 2, NULL, 0, &p), WEIR_EINVAL);
	assert_int_equal(weir_op_plan_create("Add", d, NULL, 2, NULL, 0, NULL), WEIR_EINVAL);
	/* the op's own shape check */
	assert_int_equal(weir_op_plan_create("Add", d, NULL, 2, NULL, 0, &p), WEIR_ESHAPE);
	assert_non_null(strstr(weir_graph_last_error(), "broadcast"));
	/* an invalid desc */
	weir_tensor_desc_t bad = d[0];
	bad.dims[0] = -1;
	weir_tensor_desc_t two[2] = { bad, d[0] };
	assert_int_equal(weir_op_plan_create("Add", two, NULL, 2, NULL, 0, &p), WEIR_EINVAL);
	/* the op's attr check */
	weir_attrs_t *at;
	assert_int_equal(weir_attrs_create(&at), WEIR_OK);
	assert_int_equal(weir_attrs_set_ints(at, "perm", (int64_t[]){ 0, 0 }, 2), WEIR_OK);
	assert_int_equal(weir_op_plan_create("Transpose", d, NULL, 1, at, 0, &p), WEIR_EINVAL);
	weir_attrs_destroy(at);
	weir_op_plan_destroy(NULL);
	assert_int_equal(weir_op_plan_outputs(NULL), 0);
	assert_null(weir_op_plan_out_desc(NULL, 0));
	assert_int_equal(weir_op_plan_blocks(NULL, 4), 1);
	assert_int_equal(weir_op_plan_run(NULL, NULL, NULL, NULL, 0, 1), WEIR_EINVAL);
}

/* Add of [R, C] and [C] through a plan, for several block counts (blocks
 * of one run executed in reverse order), equals a plain loop. Attrs given
 * to the plan are copied: destroying them afterwards changes nothing. */
static void test_plan_run_blocks(void **state)
{
	(void)state;
	enum { R = 300, C = 301 };
	weir_tensor_desc_t d[2];
	int64_t a[2] = { R, C }, b[1] = { C };
	desc(&d[0], WEIR_DT_FLOAT, 2, a);
	desc(&d[1], WEIR_DT_FLOAT, 1, b);
	weir_op_plan_t *p = NULL;
	assert_int_equal(weir_op_plan_create("Add", d, NULL, 2, NULL, 0, &p), WEIR_OK);
	assert_int_equal(weir_op_plan_inputs(p), 2);
	assert_int_equal(weir_op_plan_outputs(p), 1);
	const weir_tensor_desc_t *od = weir_op_plan_out_desc(p, 0);
	assert_non_null(od);
	assert_true(od->rank == 2 && od->dims[0] == R && od->dims[1] == C);
	assert_null(weir_op_plan_out_desc(p, 1));
	assert_true(weir_op_plan_blocks(p, 8) > 1);
	float *x = malloc(sizeof(float) * R * C), *y = malloc(sizeof(float) * C);
	float *o = malloc(sizeof(float) * R * C);
	for (int i = 0; i < R * C; i++)
		x[i] = (float)(i % 1000) * 0.25f;
	for (int i = 0; i < C; i++)
		y[i] = (float)i * -0.5f;
	const void *in[2] = { x, y };
	void *out[1] = { o };
	uint32_t counts[] = { 1, 2, 3, 7, weir_op_plan_blocks(p, 8) };
	for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		memset(o, 0xff, sizeof(float) * R * C);
		for (uint32_t blk = counts[c]; blk-- > 0;)
			assert_int_equal(weir_op_plan_run(p, in, out, NULL, blk, counts[c]),
			                 WEIR_OK);
		for (int i = 0; i < R * C; i++)
			assert_true(o[i] == x[i] + y[i % C]);
	}
	assert_int_equal(weir_op_plan_run(p, in, out, NULL, 3, 3), WEIR_EINVAL);
	weir_op_plan_destroy(p);

	/* constant inputs: Range's bounds are read at planning time */
	weir_tensor_desc_t r[3];
	for (int i = 0; i < 3; i++)
		desc(&r[i], WEIR_DT_INT64, 0, NULL);
	int64_t start = 3, limit = 19, delta = 4;
	const void *cst[3] = { &start, &limit, &delta };
	assert_int_equal(weir_op_plan_create("Range", r, cst, 3, NULL, 0, &p), WEIR_OK);
	od = weir_op_plan_out_desc(p, 0);
	assert_true(od->rank == 1 && od->dims[0] == 4);
	int64_t res[4];
	void *rout[1] = { res };
	assert_int_equal(weir_op_plan_run(p, cst, rout, NULL, 0, 1), WEIR_OK);
	assert_true(res[0] == 3 && res[1] == 7 && res[2] == 11 && res[3] == 15);
	weir_op_plan_destroy(p);
	/* without the constants, Range cannot be planned */
	assert_int_equal(weir_op_plan_create("Range", r, NULL, 3, NULL, 0, &p), WEIR_ESHAPE);
	free(x);
	free(y);
	free(o);
}

/* Reference strided copy of int32 elements. */
static void ref_copy(uint32_t rank, const int64_t *dims, const int64_t *ss, const int64_t *ds,
                     const int32_t *src, int32_t *dst)
{
	int64_t n = 1;
	for (uint32_t k = 0; k < rank; k++)
		n *= dims[k];
	for (int64_t i = 0; i < n; i++) {
		int64_t rem = i, so = 0, dof = 0;
		for (int k = (int)rank - 1; k >= 0; k--) {
			so += (rem % dims[k]) * ss[k];
			dof += (rem % dims[k]) * ds[k];
			rem /= dims[k];
		}
		dst[dof] = src[so];
	}
}

static void check_copy(uint32_t rank, const int64_t *dims, const int64_t *ss, const int64_t *ds,
                       size_t src_n, size_t dst_n)
{
	int32_t *src = malloc(src_n * 4), *want = malloc(dst_n * 4), *got = malloc(dst_n * 4);
	for (size_t i = 0; i < src_n; i++)
		src[i] = (int32_t)(i * 7 + 1);
	memset(want, 0xab, dst_n * 4);
	ref_copy(rank, dims, ss, ds, src, want);
	weir_strided_copy_t c;
	assert_int_equal(weir_strided_copy_init(&c, WEIR_DT_INT32, rank, dims, ss, ds), WEIR_OK);
	uint32_t counts[] = { 1, 2, 5, 13, weir_strided_copy_blocks(&c, 4) };
	for (size_t k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
		memset(got, 0xab, dst_n * 4);
		for (uint32_t b = 0; b < counts[k]; b++)
			assert_int_equal(weir_strided_copy_run(&c, got, src, b, counts[k]),
			                 WEIR_OK);
		assert_memory_equal(got, want, dst_n * 4);
	}
	free(src);
	free(want);
	free(got);
}

static void test_strided_copy(void **state)
{
	(void)state;
	/* dense both ways: merged into one run */
	int64_t d3[3] = { 4, 5, 6 }, dense[3] = { 30, 6, 1 };
	weir_strided_copy_t c;
	assert_int_equal(weir_strided_copy_init(&c, WEIR_DT_INT32, 3, d3, dense, dense), WEIR_OK);
	assert_int_equal(c.rank, 1);
	assert_int_equal(c.dims[0], 120);
	check_copy(3, d3, dense, dense, 120, 120);
	/* a transposed source */
	int64_t tr[3] = { 1, 4, 20 };
	check_copy(3, d3, tr, dense, 120, 120);
	/* padded source with holes, padded destination */
	int64_t sp[3] = { 80, 13, 2 }, dp[3] = { 37, 7, 1 };
	check_copy(3, d3, sp, dp, 4 * 80, 4 * 37);
	/* broadcast reads: stride 0 */
	int64_t bc[3] = { 0, 1, 0 };
	check_copy(3, d3, bc, dense, 5, 120);
	/* rank 0: one element */
	check_copy(0, NULL, NULL, NULL, 1, 1);
	/* size-1 dims are dropped whatever their strides */
	int64_t d1[3] = { 1, 7, 1 }, s1[3] = { 999, 2, 999 }, t1[3] = { 0, 1, 0 };
	assert_int_equal(weir_strided_copy_init(&c, WEIR_DT_INT32, 3, d1, s1, t1), WEIR_OK);
	assert_int_equal(c.rank, 1);
	check_copy(3, d1, s1, t1, 14, 7);
	/* an empty view copies nothing */
	int64_t de[2] = { 3, 0 }, se[2] = { 1, 1 };
	assert_int_equal(weir_strided_copy_init(&c, WEIR_DT_INT32, 2, de, se, se), WEIR_OK);
	assert_int_equal(weir_strided_copy_run(&c, NULL, NULL, 0, 1), WEIR_OK);
	/* refused: negative dims and strides, a 0 destination stride, bad dtype */
	int64_t neg[2] = { -1, 1 }, two[2] = { 2, 2 }, zero[2] = { 0, 1 }, ok[2] = { 2, 1 };
	assert_int_equal(weir_strided_copy_init(&c, WEIR_DT_INT32, 2, neg, ok, ok), WEIR_EINVAL);
	assert_int_equal(weir_strided_copy_init(&c, WEIR_DT_INT32, 2, two, neg, ok), WEIR_EINVAL);
	assert_int_equal(weir_strided_copy_init(&c, WEIR_DT_INT32, 2, two, ok, zero), WEIR_EINVAL);
	assert_int_equal(weir_strided_copy_init(&c, 99, 2, two, ok, ok), WEIR_EINVAL);
	assert_int_equal(weir_strided_copy_init(&c, WEIR_DT_INT32, 9, two, ok, ok), WEIR_EINVAL);
	assert_int_equal(weir_strided_copy_init(NULL, WEIR_DT_INT32, 2, two, ok, ok), WEIR_EINVAL);
	int64_t huge[2] = { INT64_MAX / 2, 4 }, hs[2] = { 8, 1 };
	assert_int_equal(weir_strided_copy_init(&c, WEIR_DT_INT32, 2, huge, hs, hs), WEIR_EINVAL);
}

static int nop_infer(weir_op_infer_ctx_t *ctx)
{
	for (uint32_t i = 0; i < ctx->nout; i++)
		ctx->out[i] = ctx->in[0];
	return WEIR_OK;
}

static int nop_kernel(const weir_op_call_t *call, uint32_t block, uint32_t nblocks)
{
	(void)call, (void)block, (void)nblocks;
	return WEIR_OK;
}

/* Op flags: only WEIR_OP_OPTIONAL_OUTPUTS is known; with it a node (or a
 * plan) given no output count gets min_outputs. */
static void test_op_flags(void **state)
{
	(void)state;
	weir_op_def_t d = { .name = "test_op_plan.opt",
		            .min_inputs = 1,
		            .max_inputs = 1,
		            .min_outputs = 1,
		            .max_outputs = 3,
		            .infer = nop_infer,
		            .kernel = nop_kernel,
		            .flags = 0x2 };
	assert_int_equal(weir_op_register(&d), WEIR_EINVAL);
	d.flags = WEIR_OP_OPTIONAL_OUTPUTS;
	assert_int_equal(weir_op_register(&d), WEIR_OK);
	weir_graph_t *g;
	weir_tensor_desc_t td;
	int64_t n = 4;
	desc(&td, WEIR_DT_FLOAT, 1, &n);
	weir_port_t x;
	uint32_t node;
	assert_int_equal(weir_graph_create("flags", &g), WEIR_OK);
	assert_int_equal(weir_graph_add_data(g, "x", 0, &td, &x), WEIR_OK);
	assert_int_equal(weir_graph_add_node(g, "o", d.name, &x, 1, 0, &node), WEIR_OK);
	weir_port_t o = weir_port(node, 0);
	assert_int_equal(weir_graph_set_outputs(g, &o, 1), WEIR_OK);
	weir_graph_destroy(g);
	weir_op_plan_t *p;
	assert_int_equal(weir_op_plan_create(d.name, &td, NULL, 1, NULL, 0, &p), WEIR_OK);
	assert_int_equal(weir_op_plan_outputs(p), 1);
	weir_op_plan_destroy(p);
	assert_int_equal(weir_op_plan_create(d.name, &td, NULL, 1, NULL, 3, &p), WEIR_OK);
	assert_int_equal(weir_op_plan_outputs(p), 3);
	weir_op_plan_destroy(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_errors),
		cmocka_unit_test(test_plan_run_blocks),
		cmocka_unit_test(test_strided_copy),
		cmocka_unit_test(test_op_flags),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
