/*
 * tests/unit/test_ops_nn2.c - InstanceNormalization, LRN,
 * MeanVarianceNormalization and LpNormalization against double
 * references: float and double dtypes, empty tensors, multi-block sizes,
 * bad inputs.
 */
#include "test_ops_harness.h"

static const int dts[] = { WEIR_DT_FLOAT, WEIR_DT_FLOAT16, WEIR_DT_BF16, WEIR_DT_DOUBLE };

static void run_in(int dt, int rank, const int64_t *dims)
{
	opcase_t c;
	oc_init(&c, "InstanceNormalization");
	int64_t C = dims[1];
	oc_in_gen(&c, dt, rank, dims, -3, 4);
	oc_in_gen(&c, dt, 1, &C, 0.5, 1.5);
	oc_in_gen(&c, dt, 1, &C, -1, 1);
	oc_attr_float(&c, "epsilon", 1e-3f);
	OC_EXPECT_OK(&c, 1);
	oc_expect_shape(&c, 0, dt, rank, dims);
	int64_t n = oc_numel(rank, dims), S = oc_numel(rank - 2, dims + 2);
	double *ref = calloc((size_t)n + 1, sizeof(double));
	for (int64_t p = 0; S && p < n / S; p++) {
		double m = 0, v = 0;
		for (int64_t i = 0; i < S; i++)
			m += oc_ld(&c, 0, p * S + i);
		m /= (double)S;
		for (int64_t i = 0; i < S; i++)
			v += pow(oc_ld(&c, 0, p * S + i) - m, 2);
		v /= (double)S;
		for (int64_t i = 0; i < S; i++)
			ref[p * S + i] = (oc_ld(&c, 0, p * S + i) - m) / sqrt(v + (double)1e-3f) *
			                         oc_ld(&c, 1, p % C) +
			                 oc_ld(&c, 2, p % C);
	}
	oc_expect_close(&c, 0, ref, 8.0);
	free(ref);
	oc_fini(&c);
}

static void run_lrn(int dt, int rank, const int64_t *dims, int64_t size)
{
	opcase_t c;
	oc_init(&c, "LRN");
	oc_in_gen(&c, dt, rank, dims, -3, 4);
	oc_attr_int(&c, "size", size);
	oc_attr_float(&c, "alpha", 0.002f);
	OC_EXPECT_OK(&c, 1);
	int64_t n = oc_numel(rank, dims), C = dims[1], S = oc_numel(rank - 2, dims + 2);
	double *ref = calloc((size_t)n + 1, sizeof(double));
	for (int64_t i = 0; i < n; i++) {
		int64_t ch = (i / S) % C;
		double s = 0;
		for (int64_t q = ch - (size - 1) / 2; q <= ch + size / 2; q++)
			if (q >= 0 && q < C)
				s += pow(oc_ld(&c, 0, i + (q - ch) * S), 2);
		ref[i] = oc_ld(&c, 0, i) / pow(1.0 + (double)0.002f / (double)size * s, 0.75);
	}
	oc_expect_close(&c, 0, ref, 4.0);
	free(ref);
	oc_fini(&c);
}

static void run_lp(int dt, int64_t R, int64_t D, int p, int64_t axis)
{
	opcase_t c;
	oc_init(&c, "LpNormalization");
	oc_in_gen(&c, dt, 2, (int64_t[]){ R, D }, -3, 4);
	oc_attr_int(&c, "p", p);
	oc_attr_int(&c, "axis", axis);
	OC_EXPECT_OK(&c, 1);
	double *ref = calloc((size_t)(R * D) + 1, sizeof(double));
	bool rows = axis == 1 || axis == -1;
	int64_t lanes = rows ? R : D, len = rows ? D : R;
	for (int64_t l = 0; l < lanes; l++) {
		double s = 0;
		for (int64_t k = 0; k < len; k++) {
			double v = oc_ld(&c, 0, rows ? l * D + k : k * D + l);
			s += p == 1 ? fabs(v) : v * v;
		}
		s = p == 1 ? s : sqrt(s);
		for (int64_t k = 0; k < len; k++) {
			int64_t i = rows ? l * D + k : k * D + l;
			ref[i] = oc_ld(&c, 0, i) / s;
		}
	}
	oc_expect_close(&c, 0, ref, 4.0);
	free(ref);
	oc_fini(&c);
}

/* MVN over axes {0, 2, 3} (default) or {1} of an N,C,H,W tensor. */
static void run_mvn(int dt, const int64_t *d, bool dflt)
{
	opcase_t c;
	oc_init(&c, "MeanVarianceNormalization");
	oc_in_gen(&c, dt, 4, d, -3, 4);
	if (!dflt)
		OC_INTS(&c, "axes", 1);
	OC_EXPECT_OK(&c, 1);
	int64_t n = oc_numel(4, d), idx[4], j[4];
	double *ref = calloc((size_t)n + 1, sizeof(double));
	for (int64_t k = 0; k < n; k++) {
		oc_unravel(k, 4, d, idx);
		double m = 0, v = 0;
		int64_t cnt = 0;
		for (int64_t q = 0; q < n; q++) {
			oc_unravel(q, 4, d, j);
			if (dflt ? j[1] != idx[1]
			         : (j[0] != idx[0] || j[2] != idx[2] || j[3] != idx[3]))
				continue;
			m += oc_ld(&c, 0, q);
			cnt++;
		}
		m /= (double)cnt;
		for (int64_t q = 0; q < n; q++) {
			oc_unravel(q, 4, d, j);
			if (dflt ? j[1] != idx[1]
			         : (j[0] != idx[0] || j[2] != idx[2] || j[3] != idx[3]))
				continue;
			v += pow(oc_ld(&c, 0, q) - m, 2);
		}
		ref[k] = (oc_ld(&c, 0, k) - m) / sqrt(v / (double)cnt + 1e-9);
	}
	oc_expect_close(&c, 0, ref, 8.0);
	free(ref);
	oc_fini(&c);
}

static void test_nn2_values(void **state)
{
	(void)state;
	for (size_t t = 0; t < OC_N(dts); t++) {
		int dt = dts[t];
		run_in(dt, 4, (int64_t[]){ 2, 3, 4, 5 });
		run_in(dt, 3, (int64_t[]){ 2, 3, 7 });
		run_in(dt, 2, (int64_t[]){ 2, 3 });
		run_in(dt, 3, (int64_t[]){ 2, 3, 0 });
		run_lrn(dt, 4, (int64_t[]){ 2, 5, 3, 2 }, 3);
		run_lrn(dt, 4, (int64_t[]){ 2, 5, 3, 2 }, 2);
		run_lrn(dt, 3, (int64_t[]){ 1, 6, 4 }, 7);
		run_lrn(dt, 3, (int64_t[]){ 0, 6, 4 }, 1);
		run_lp(dt, 4, 5, 2, -1);
		run_lp(dt, 4, 5, 1, 0);
		run_lp(dt, 0, 5, 2, -1);
		run_mvn(dt, (int64_t[]){ 2, 3, 2, 2 }, true);
		run_mvn(dt, (int64_t[]){ 2, 3, 2, 2 }, false);
		run_mvn(dt, (int64_t[]){ 2, 3, 0, 2 }, true);
	}
	run_in(WEIR_DT_FLOAT, 4, (int64_t[]){ 4, 16, 32, 32 }); /* blocks */
	run_lrn(WEIR_DT_FLOAT, 4, (int64_t[]){ 2, 16, 32, 32 }, 5);
	run_lp(WEIR_DT_FLOAT, 3000, 40, 2, 1);
	/* A zero lane gives NaN (as ONNX's reference). */
	float z[4] = { 0, 0, 3, 4 };
	opcase_t c;
	oc_init(&c, "LpNormalization");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 2 }, z);
	OC_EXPECT_OK(&c, 1);
	const float *y = c.out[0];
	assert_true(isnan(y[0]) && isnan(y[1]) && y[2] == 0.6f && y[3] == 0.8f);
	oc_fini(&c);
}

static void test_nn2_errors(void **state)
{
	(void)state;
	float x[24] = { 0 };
	int32_t xi[24] = { 0 };
	opcase_t c;
	oc_init(&c, "InstanceNormalization");
	oc_in(&c, WEIR_DT_FLOAT, 3, (int64_t[]){ 1, 3, 2 }, x);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 2 }, x);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 3 }, x);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "scale is float32[2]");
	oc_fini(&c);
	oc_init(&c, "InstanceNormalization");
	oc_in(&c, WEIR_DT_FLOAT, 3, (int64_t[]){ 1, 3, 2 }, x);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 3 }, x);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 3 }, x);
	oc_attr_float(&c, "epsilon", -1.0f);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "epsilon");
	oc_fini(&c);
	oc_init(&c, "LRN");
	oc_in(&c, WEIR_DT_FLOAT, 3, (int64_t[]){ 1, 3, 2 }, x);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "'size' is required");
	oc_fini(&c);
	oc_init(&c, "LRN");
	oc_in(&c, WEIR_DT_INT32, 3, (int64_t[]){ 1, 3, 2 }, xi);
	oc_attr_int(&c, "size", 3);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "dtype int32 not supported");
	oc_fini(&c);
	oc_init(&c, "LRN");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 3 }, x);
	oc_attr_int(&c, "size", 3);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "rank < 2");
	oc_fini(&c);
	oc_init(&c, "MeanVarianceNormalization");
	oc_in(&c, WEIR_DT_FLOAT, 3, (int64_t[]){ 1, 3, 2 }, x);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "axis 3 out of range");
	oc_fini(&c);
	oc_init(&c, "LpNormalization");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 3, 2 }, x);
	oc_attr_int(&c, "p", 3);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "expected 1 or 2");
	oc_fini(&c);
	oc_init(&c, "LpNormalization");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 3, 2 }, x);
	oc_attr_int(&c, "axis", 2);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "out of range");
	oc_fini(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nn2_values),
		cmocka_unit_test(test_nn2_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
