/*
 * tests/unit/test_ops_reduce2.c - ReduceL1, ReduceL2, ReduceLogSum,
 * ReduceLogSumExp, ReduceSumSquare against double references: float and
 * double dtypes (and ints for L1/SumSquare), axes lists, keepdims,
 * noop_with_empty_axes, empty tensors, multi-block sizes, bad inputs.
 */
#include "test_ops_harness.h"

enum { L1, L2, LOGSUM, LSE, SUMSQ };
static const char *const names[] = { "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp",
	                             "ReduceSumSquare" };

static double fold(int op, const double *v, int64_t n)
{
	double s = 0, m = -INFINITY;
	if (op == LSE) {
		for (int64_t i = 0; i < n; i++)
			m = fmax(m, v[i]);
		if (isinf(m))
			return m;
		for (int64_t i = 0; i < n; i++)
			s += exp(v[i] - m);
		return m + log(s);
	}
	for (int64_t i = 0; i < n; i++)
		s += op == L1 ? fabs(v[i]) : op == LOGSUM ? v[i] : v[i] * v[i];
	return op == L2 ? sqrt(s) : op == LOGSUM ? log(s) : s;
}

/* axes bitmask over rank dims (0 = attr absent). */
static void run(int op, int dt, int rank, const int64_t *dims, unsigned mask, int keep, int neg)
{
	opcase_t c;
	oc_init(&c, names[op]);
	double lo = op == LOGSUM ? 0.1 : -4, hi = 4;
	oc_in_gen(&c, dt, rank, dims, lo, hi);
	int64_t axes[8];
	size_t na = 0;
	for (int d = 0; d < rank; d++)
		if (mask & (1u << d))
			axes[na++] = neg ? d - rank : d;
	if (mask)
		oc_attr_ints(&c, "axes", axes, na);
	if (keep >= 0)
		oc_attr_int(&c, keep == 2 ? "keepdims" : "keep_dims", keep != 0);
	OC_EXPECT_OK(&c, 1);
	unsigned red = mask ? mask : (1u << rank) - 1;
	int64_t od[8];
	int orank = 0, kr = 0;
	int64_t kd[8], n = oc_numel(rank, dims);
	for (int d = 0; d < rank; d++) {
		if (red & (1u << d)) {
			if (keep > 0)
				od[orank++] = 1;
		} else {
			od[orank++] = dims[d];
			kd[kr++] = dims[d];
		}
	}
	oc_expect_shape(&c, 0, dt, orank, od);
	int64_t on = oc_numel(kr, kd);
	double *ref = calloc((size_t)on + 1, sizeof(double));
	double *buf = calloc((size_t)n + 1, sizeof(double));
	int64_t idx[8], ki[8];
	for (int64_t o = 0; o < on; o++) {
		int64_t m = 0;
		oc_unravel(o, kr, kd, ki);
		for (int64_t k = 0; k < n; k++) {
			oc_unravel(k, rank, dims, idx);
			bool match = true;
			for (int d = 0, j = 0; d < rank; d++)
				if (!(red & (1u << d)) && idx[d] != ki[j++])
					match = false;
			if (match)
				buf[m++] = oc_ld(&c, 0, k);
		}
		ref[o] = fold(op, buf, m);
	}
	oc_expect_close(&c, 0, ref, 8.0);
	free(ref);
	free(buf);
	oc_fini(&c);
}

static void test_reduce2_values(void **state)
{
	(void)state;
	const int dts[] = { WEIR_DT_FLOAT, WEIR_DT_FLOAT16, WEIR_DT_BF16, WEIR_DT_DOUBLE };
	for (int op = 0; op < 5; op++) {
		for (size_t t = 0; t < OC_N(dts); t++) {
			int dt = dts[t];
			run(op, dt, 3, (int64_t[]){ 3, 2, 2 }, 0, -1, 0);
			run(op, dt, 3, (int64_t[]){ 3, 2, 2 }, 0, 2, 0);
			run(op, dt, 3, (int64_t[]){ 3, 2, 2 }, 2, 1, 0);
			run(op, dt, 3, (int64_t[]){ 3, 2, 2 }, 5, 0, 1);
			run(op, dt, 3, (int64_t[]){ 3, 4, 5 }, 4, 2, 1);
			run(op, dt, 2, (int64_t[]){ 0, 4 }, 1, 0, 0); /* empty reduction */
			run(op, dt, 2, (int64_t[]){ 4, 0 }, 1, 0, 0); /* empty output */
			run(op, dt, 1, (int64_t[]){ 1 }, 0, 0, 0);
		}
		run(op, WEIR_DT_FLOAT, 2, (int64_t[]){ 2000, 70 }, 2, 0, 0); /* blocks */
	}
	for (size_t t = 0; t < OC_N(oc_int_dts); t++) {
		run(L1, oc_int_dts[t], 3, (int64_t[]){ 3, 4, 5 }, 2, 1, 0);
		run(SUMSQ, oc_int_dts[t], 3, (int64_t[]){ 3, 4, 5 }, 5, 0, 0);
	}
}

/* ONNX's examples and special values. */
static void test_reduce2_special(void **state)
{
	(void)state;
	/* test_reduce_log_sum_exp_*_example data: [[[5,1],[20,2]],[[30,1],[40,2]],[[55,1],[60,2]]] */
	float x[] = { 5, 1, 20, 2, 30, 1, 40, 2, 55, 1, 60, 2 };
	opcase_t c;
	oc_init(&c, "ReduceLogSumExp");
	oc_in(&c, WEIR_DT_FLOAT, 3, (int64_t[]){ 3, 2, 2 }, x);
	OC_INTS(&c, "axes", 1);
	oc_attr_int(&c, "keepdims", 1);
	OC_EXPECT_OK(&c, 1);
	OC_SHAPE(&c, 0, WEIR_DT_FLOAT, 3, 1, 2);
	const float *y = c.out[0];
	assert_float_equal(y[0], 20.0, 1e-5);
	assert_float_equal(y[1], 2.31326169, 1e-5);
	assert_float_equal(y[4], 60.00671387, 1e-4);
	oc_fini(&c);
	/* Infinities and NaN in LogSumExp; -inf from an empty LogSum. */
	float z[] = { -INFINITY, -INFINITY, INFINITY, 1, NAN, 1, 1000, 1000 };
	oc_init(&c, "ReduceLogSumExp");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 2 }, z);
	OC_INTS(&c, "axes", -1);
	OC_EXPECT_OK(&c, 1);
	y = c.out[0];
	assert_true(y[0] == -INFINITY && y[1] == INFINITY && isnan(y[2]));
	assert_float_equal(y[3], 1000.0 + log(2.0), 1e-3);
	oc_fini(&c);
	/* noop_with_empty_axes: identity; with axes it still reduces. */
	for (int withaxes = 0; withaxes < 2; withaxes++) {
		oc_init(&c, "ReduceSumSquare");
		oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 2 }, x);
		oc_attr_int(&c, "noop_with_empty_axes", 1);
		if (withaxes)
			OC_INTS(&c, "axes", 0);
		else
			oc_attr_ints(&c, "axes", NULL, 0);
		OC_EXPECT_OK(&c, 1);
		if (withaxes) {
			OC_SHAPE(&c, 0, WEIR_DT_FLOAT, 2);
			assert_float_equal(((float *)c.out[0])[0], 25 + 400 + 900 + 1600, 1e-3);
		} else {
			OC_SHAPE(&c, 0, WEIR_DT_FLOAT, 4, 2);
			assert_memory_equal(c.out[0], x, sizeof(float) * 8);
		}
		oc_fini(&c);
	}
	/* Integer L1 of INT64_MIN-ish values wraps instead of trapping. */
	int64_t iv[] = { INT64_MIN, -3, 5 };
	oc_init(&c, "ReduceL1");
	oc_in(&c, WEIR_DT_INT64, 1, (int64_t[]){ 3 }, iv);
	OC_EXPECT_OK(&c, 1);
	assert_true(((int64_t *)c.out[0])[0] == (int64_t)((uint64_t)INT64_MIN + 8));
	oc_fini(&c);
}

static void test_reduce2_errors(void **state)
{
	(void)state;
	opcase_t c;
	float x[6] = { 0 };
	int32_t xi[6] = { 0 };
	oc_init(&c, "ReduceL2");
	oc_in(&c, WEIR_DT_INT32, 2, (int64_t[]){ 2, 3 }, xi);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "dtype int32 not supported");
	oc_fini(&c);
	oc_init(&c, "ReduceL1");
	oc_in(&c, WEIR_DT_BOOL, 2, (int64_t[]){ 2, 3 }, xi);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "not supported");
	oc_fini(&c);
	oc_init(&c, "ReduceLogSum");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, x);
	OC_INTS(&c, "axes", 2);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "out of range");
	oc_fini(&c);
	oc_init(&c, "ReduceSumSquare");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, x);
	OC_INTS(&c, "axes", 1, -1);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "listed twice");
	oc_fini(&c);
	oc_init(&c, "ReduceLogSumExp");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, x);
	oc_attr_str(&c, "noop_with_empty_axes", "yes");
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "noop_with_empty_axes");
	oc_fini(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reduce2_values),
		cmocka_unit_test(test_reduce2_special),
		cmocka_unit_test(test_reduce2_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
