/*
 * test_ge_lower.c - front-end graphs (weir_fg_*), their lowering onto the
 * op library (acl_compat/ge/lower.c) and the GE graph manager (gm.c):
 * constant folding, inputs whose values decide shapes (one native graph per
 * distinct value, cached), deferred compile, and clear errors for what a
 * rule cannot lower.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "ge/weir_ge.h"
#include "ge_lower_harness.h"

/* y = relu(x + (c1 * c2)): c1 * c2 folds to one constant. */
static void test_fold_and_run(void **state)
{
	(void)state;
	weir_fg_t *g;
	int64_t dims[1] = { 4 };
	weir_fg_desc_t xd = fdesc(WEIR_DT_FLOAT, 1, dims);
	weir_tensor_desc_t cd;
	float c1[4] = { 1, 2, 3, 4 }, c2[4] = { -2, -2, 1, 1 };
	int32_t x, a, b, m, s, y;
	assert_int_equal(weir_fg_create("fold", WEIR_FG_GE, 0, &g), WEIR_OK);
	assert_int_equal(weir_tensor_desc_init(&cd, WEIR_DT_FLOAT, 1, dims), WEIR_OK);
	assert_int_equal(weir_fg_add_input(g, "x", 0, &xd, &x), WEIR_OK);
	assert_int_equal(weir_fg_add_const(g, "c1", &cd, c1, &a), WEIR_OK);
	assert_int_equal(weir_fg_add_const(g, "c2", &cd, c2, &b), WEIR_OK);
	int32_t in[2] = { a, b };
	assert_int_equal(weir_fg_add_node(g, "mul", "Mul", in, 2, 1, NULL, &m), WEIR_OK);
	in[0] = x;
	in[1] = m;
	assert_int_equal(weir_fg_add_node(g, "add", "Add", in, 2, 1, NULL, &s), WEIR_OK);
	assert_int_equal(weir_fg_add_node(g, "relu", "Relu", &s, 1, 1, NULL, &y), WEIR_OK);
	assert_int_equal(weir_fg_set_outputs(g, &y, 1), WEIR_OK);

	weir_graph_t *ng;
	weir_tensor_desc_t xdesc;
	assert_int_equal(weir_tensor_desc_init(&xdesc, WEIR_DT_FLOAT, 1, dims), WEIR_OK);
	assert_int_equal(weir_fg_lower(g, &xdesc, 1, NULL, NULL, &ng, NULL), WEIR_OK);
	/* Data, the folded constant, Add, Relu: the Mul is gone. */
	assert_int_equal(weir_graph_node_count(ng), 4);
	weir_graph_destroy(ng);

	assert_int_equal(weir_ge_gm_add(g_m, 1, g, NULL, NULL, 0), WEIR_OK);
	assert_int_equal(weir_ge_gm_add(g_m, 1, g, NULL, NULL, 0), WEIR_EEXIST);
	weir_fg_destroy(g);
	float xv[4] = { 1, 1, 1, 1 }, yv[4] = { 0 };
	weir_tensor_t ti = tensor(WEIR_DT_FLOAT, 1, dims, xv);
	weir_tensor_t to = tensor(WEIR_DT_FLOAT, 1, dims, yv);
	assert_int_equal(weir_ge_gm_run(g_m, 1, &ti, 1, &to, 1), WEIR_OK);
	float want[4] = { 0, 0, 4, 5 };
	assert_memory_equal(yv, want, sizeof(want));
	assert_int_equal(weir_ge_gm_remove(g_m, 1), WEIR_OK);
	assert_int_equal(weir_ge_gm_remove(g_m, 1), WEIR_ENOTFOUND);
}

/* An unsupported op type is a clear error naming node and type. */
static void test_unsupported(void **state)
{
	(void)state;
	weir_fg_t *g;
	int64_t dims[1] = { 2 };
	weir_fg_desc_t xd = fdesc(WEIR_DT_FLOAT, 1, dims);
	int32_t x, y;
	assert_int_equal(weir_fg_create("unsup", WEIR_FG_ONNX, 13, &g), WEIR_OK);
	assert_int_equal(weir_fg_add_input(g, "x", 0, &xd, &x), WEIR_OK);
	assert_int_equal(weir_fg_add_node(g, "frob1", "Frobnicate", &x, 1, 1, NULL, &y), WEIR_OK);
	assert_int_equal(weir_fg_set_outputs(g, &y, 1), WEIR_OK);
	weir_graph_t *ng = NULL;
	weir_tensor_desc_t d;
	assert_int_equal(weir_tensor_desc_init(&d, WEIR_DT_FLOAT, 1, dims), WEIR_OK);
	assert_int_equal(weir_fg_lower(g, &d, 1, NULL, NULL, &ng, NULL), WEIR_ENOTSUP);
	assert_null(ng);
	assert_non_null(strstr(weir_graph_last_error(), "frob1"));
	assert_non_null(strstr(weir_graph_last_error(), "Frobnicate"));
	/* A desc the declared input type does not allow. */
	assert_int_equal(weir_tensor_desc_init(&d, WEIR_DT_INT32, 1, dims), WEIR_OK);
	assert_int_equal(weir_fg_lower(g, &d, 1, NULL, NULL, &ng, NULL), WEIR_ESHAPE);
	weir_fg_destroy(g);
}

/* Dynamic input dims: one native graph per input shape. */
static void test_dynamic_shapes(void **state)
{
	(void)state;
	weir_fg_t *g;
	int64_t ddims[1] = { -1 };
	weir_fg_desc_t xd = fdesc(WEIR_DT_FLOAT, 1, ddims);
	int32_t x, y;
	assert_int_equal(weir_fg_create("dyn", WEIR_FG_GE, 0, &g), WEIR_OK);
	assert_int_equal(weir_fg_add_input(g, "x", 0, &xd, &x), WEIR_OK);
	assert_int_equal(weir_fg_add_node(g, "relu", "Relu", &x, 1, 1, NULL, &y), WEIR_OK);
	assert_int_equal(weir_fg_set_outputs(g, &y, 1), WEIR_OK);
	assert_int_equal(weir_ge_gm_add(g_m, 7, g, NULL, NULL, 0), WEIR_OK);
	weir_fg_destroy(g);
	bool deferred = false;
	assert_int_equal(weir_ge_gm_compile(g_m, 7, NULL, 0, &deferred), WEIR_OK);
	assert_true(deferred);
	for (int64_t n = 1; n <= 5; n++) {
		float xv[5] = { -1, 2, -3, 4, -5 }, yv[5] = { 9, 9, 9, 9, 9 };
		weir_tensor_t ti = tensor(WEIR_DT_FLOAT, 1, &n, xv);
		weir_tensor_t to = tensor(WEIR_DT_FLOAT, 1, &n, yv);
		weir_tensor_desc_t od;
		uint32_t no = 0;
		assert_int_equal(weir_ge_gm_output_descs(g_m, 7, &ti, 1, &od, 1, &no), WEIR_OK);
		assert_int_equal(no, 1);
		assert_int_equal(od.dims[0], n);
		assert_int_equal(weir_ge_gm_run(g_m, 7, &ti, 1, &to, 1), WEIR_OK);
		for (int64_t i = 0; i < n; i++)
			assert_true(yv[i] == (xv[i] > 0 ? xv[i] : 0));
		assert_true(yv[n - 1 + 1 < 5 ? n : 4] == 9 || n == 5);
	}
	assert_int_equal(weir_ge_gm_remove(g_m, 7), WEIR_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold_and_run),
		cmocka_unit_test(test_unsupported),
		cmocka_unit_test(test_dynamic_shapes),
	};
	return cmocka_run_group_tests(tests, setup_gm, teardown);
}
