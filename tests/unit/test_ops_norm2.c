/*
 * tests/unit/test_ops_norm2.c - LogSoftmax, BatchNorm (inference),
 * GroupNorm (with its mean/rstd outputs) and the statistics outputs of
 * LayerNorm/RMSNorm against double references: float dtypes, every axis,
 * empty tensors, NaN/-inf lanes, multi-block sizes and bad inputs.
 */
#include "test_ops_harness.h"

/* ---- LogSoftmax ------------------------------------------------------------- */

static void run_logsoftmax(int dt, int rank, const int64_t *dims, int64_t axis, int mode)
{
	opcase_t c;
	oc_init(&c, "LogSoftmax");
	oc_in_gen(&c, dt, rank, dims, -5, 5);
	if (mode == 1)
		oc_attr_int(&c, "axis", axis);
	else if (mode == 2)
		OC_INTS(&c, "axes", axis);
	OC_EXPECT_OK(&c, 1);
	oc_expect_shape(&c, 0, dt, rank, dims);
	int ax = (int)(axis < 0 ? axis + rank : axis);
	int64_t n = oc_numel(rank, dims), D = dims[ax];
	int64_t inner = oc_numel(rank - ax - 1, dims + ax + 1);
	double *ref = malloc(sizeof(double) * (size_t)(n ? n : 1));
	assert_non_null(ref);
	for (int64_t k = 0; k < n; k++) {
		int64_t base = (k / (D * inner)) * D * inner + k % inner;
		double mx = -INFINITY, s = 0;
		for (int64_t d = 0; d < D; d++)
			mx = fmax(mx, oc_ld(&c, 0, base + d * inner));
		for (int64_t d = 0; d < D; d++)
			s += exp(oc_ld(&c, 0, base + d * inner) - mx);
		ref[k] = oc_ld(&c, 0, k) - mx - log(s);
	}
	oc_expect_close(&c, 0, ref, 4.0);
	free(ref);
	oc_fini(&c);
}

static void test_logsoftmax(void **state)
{
	(void)state;
	for (size_t t = 0; t < OC_N(oc_float_dts); t++) {
		int dt = oc_float_dts[t];
		run_logsoftmax(dt, 1, (int64_t[]){ 7 }, -1, 0);
		run_logsoftmax(dt, 1, (int64_t[]){ 1 }, 0, 1);
		run_logsoftmax(dt, 3, (int64_t[]){ 2, 5, 3 }, 1, 1);
		run_logsoftmax(dt, 3, (int64_t[]){ 2, 5, 3 }, 0, 2);
		run_logsoftmax(dt, 3, (int64_t[]){ 2, 5, 3 }, -3, 1);
		run_logsoftmax(dt, 2, (int64_t[]){ 0, 4 }, -1, 1);
		run_logsoftmax(dt, 2, (int64_t[]){ 4, 0 }, -1, 1);
		run_logsoftmax(dt, 2, (int64_t[]){ 300, 257 }, 1, 1); /* several blocks */
	}
	/* Stability: large logits; an all -inf lane and a NaN lane give NaN. */
	float x[] = { 1000.0f, 0.0f, -INFINITY, -INFINITY, NAN, 1.0f, -INFINITY, 3.0f };
	opcase_t c;
	oc_init(&c, "LogSoftmax");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 2 }, x);
	OC_EXPECT_OK(&c, 1);
	float *y = c.out[0];
	assert_true(y[0] == 0.0f && y[1] == -1000.0f);
	assert_true(isnan(y[2]) && isnan(y[3]) && isnan(y[4]) && isnan(y[5]));
	assert_true(y[6] == -INFINITY && y[7] == 0.0f);
	oc_fini(&c);
}

/* ---- BatchNorm -------------------------------------------------------------- */

static void run_batchnorm(int dt, int rank, const int64_t *dims, float eps)
{
	opcase_t c;
	oc_init(&c, "BatchNorm");
	int64_t C = dims[1];
	oc_in_gen(&c, dt, rank, dims, -3, 4);
	oc_in_gen(&c, dt, 1, &C, 0.5, 1.5);  /* scale */
	oc_in_gen(&c, dt, 1, &C, -1, 1);     /* offset */
	oc_in_gen(&c, dt, 1, &C, -0.5, 0.5); /* mean */
	oc_in_gen(&c, dt, 1, &C, 0.2, 2);    /* variance */
	if (eps >= 0)
		oc_attr_float(&c, "epsilon", eps);
	else
		eps = 1e-5f;
	OC_EXPECT_OK(&c, 1);
	oc_expect_shape(&c, 0, dt, rank, dims);
	int64_t n = oc_numel(rank, dims), inner = oc_numel(rank - 2, dims + 2);
	double *ref = malloc(sizeof(double) * (size_t)(n ? n : 1));
	assert_non_null(ref);
	for (int64_t k = 0; k < n; k++) {
		int64_t ch = (k / inner) % C;
		ref[k] = (oc_ld(&c, 0, k) - oc_ld(&c, 3, ch)) /
		                 sqrt(oc_ld(&c, 4, ch) + (double)eps) * oc_ld(&c, 1, ch) +
		         oc_ld(&c, 2, ch);
	}
	oc_expect_close(&c, 0, ref, 8.0);
	free(ref);
	oc_fini(&c);
}

static void test_batchnorm(void **state)
{
	(void)state;
	for (size_t t = 0; t < OC_N(oc_float_dts); t++) {
		int dt = oc_float_dts[t];
		run_batchnorm(dt, 2, (int64_t[]){ 4, 3 }, -1);
		run_batchnorm(dt, 4, (int64_t[]){ 2, 3, 4, 5 }, 1e-3f);
		run_batchnorm(dt, 3, (int64_t[]){ 2, 6, 7 }, 0.0f);
		run_batchnorm(dt, 5, (int64_t[]){ 1, 2, 3, 2, 2 }, -1);
		run_batchnorm(dt, 4, (int64_t[]){ 0, 3, 4, 4 }, -1);
		run_batchnorm(dt, 4, (int64_t[]){ 2, 0, 4, 4 }, -1);
		run_batchnorm(dt, 4, (int64_t[]){ 8, 16, 32, 32 }, -1); /* blocks */
	}
}

/* ---- GroupNorm -------------------------------------------------------------- */

static void run_groupnorm(int dt, int rank, const int64_t *dims, int64_t G, bool stats, float eps,
                          bool alias)
{
	opcase_t c;
	oc_init(&c, "GroupNorm");
	int64_t C = dims[1], N = dims[0];
	oc_in_gen(&c, dt, rank, dims, -3, 4);
	oc_in_gen(&c, dt, 1, &C, 0.5, 1.5);
	oc_in_gen(&c, dt, 1, &C, -1, 1);
	oc_attr_int(&c, alias ? "group" : "num_groups", G);
	if (eps >= 0)
		oc_attr_float(&c, "epsilon", eps);
	else
		eps = 1e-5f;
	OC_EXPECT_OK(&c, stats ? 3 : 1);
	oc_expect_shape(&c, 0, dt, rank, dims);
	if (stats) {
		OC_SHAPE(&c, 1, dt, N, G);
		OC_SHAPE(&c, 2, dt, N, G);
	}
	int64_t n = oc_numel(rank, dims), inner = oc_numel(rank - 2, dims + 2);
	int64_t D = C / G * inner;
	double *ref = malloc(sizeof(double) * (size_t)(n ? n : 1));
	double *rm = malloc(sizeof(double) * (size_t)(N * G + 1));
	double *rr = malloc(sizeof(double) * (size_t)(N * G + 1));
	assert_true(ref && rm && rr);
	for (int64_t r = 0; r < N * G; r++) {
		double mean = 0, var = 0;
		for (int64_t d = 0; d < D; d++)
			mean += oc_ld(&c, 0, r * D + d);
		mean /= (double)D;
		for (int64_t d = 0; d < D; d++)
			var += (oc_ld(&c, 0, r * D + d) - mean) * (oc_ld(&c, 0, r * D + d) - mean);
		var /= (double)D;
		rm[r] = mean;
		rr[r] = 1.0 / sqrt(var + (double)eps);
		for (int64_t d = 0; d < D; d++) {
			int64_t ch = (r % G) * (C / G) + d / inner;
			ref[r * D + d] =
			        (oc_ld(&c, 0, r * D + d) - mean) * rr[r] * oc_ld(&c, 1, ch) +
			        oc_ld(&c, 2, ch);
		}
	}
	oc_expect_close(&c, 0, ref, 8.0);
	if (stats) {
		oc_expect_close(&c, 1, rm, 4.0);
		oc_expect_close(&c, 2, rr, 4.0);
	}
	free(ref);
	free(rm);
	free(rr);
	oc_fini(&c);
}

static void test_groupnorm(void **state)
{
	(void)state;
	for (size_t t = 0; t < OC_N(oc_float_dts); t++) {
		int dt = oc_float_dts[t];
		for (int st = 0; st < 2; st++) {
			run_groupnorm(dt, 4, (int64_t[]){ 2, 6, 3, 4 }, 3, st, -1, false);
			run_groupnorm(dt, 4, (int64_t[]){ 2, 6, 3, 4 }, 1, st, 1e-3f, true);
			run_groupnorm(dt, 4, (int64_t[]){ 2, 6, 3, 4 }, 6, st, 0.1f, false);
			run_groupnorm(dt, 2, (int64_t[]){ 3, 8 }, 2, st, -1, false);
			run_groupnorm(dt, 3, (int64_t[]){ 0, 4, 5 }, 2, st, -1, false);
			run_groupnorm(dt, 3, (int64_t[]){ 2, 4, 0 }, 2, st, -1,
			              false); /* NaN stats */
			run_groupnorm(dt, 4, (int64_t[]){ 4, 32, 16, 16 }, 8, st, -1, false);
		}
	}
}

/* ---- LayerNorm / RMSNorm statistics outputs --------------------------------- */

static void run_norm_stats(bool rms, int dt, int rank, const int64_t *dims, int64_t axis)
{
	int ax = (int)(axis < 0 ? axis + rank : axis);
	int64_t D = oc_numel(rank - ax, dims + ax), rows = oc_numel(ax, dims);
	opcase_t c;
	oc_init(&c, rms ? "RMSNorm" : "LayerNorm");
	oc_in_gen(&c, dt, rank, dims, -3, 4);
	oc_in_gen(&c, dt, 1, &D, 0.5, 1.5);
	oc_attr_int(&c, "axis", axis);
	uint32_t nout = rms ? 2 : 3;
	OC_EXPECT_OK(&c, nout);
	int64_t sd[8];
	for (int d = 0; d < rank; d++)
		sd[d] = d < ax ? dims[d] : 1;
	oc_expect_shape(&c, 0, dt, rank, dims);
	for (uint32_t i = 1; i < nout; i++)
		oc_expect_shape(&c, i, dt, rank, sd);
	double *rm = malloc(sizeof(double) * (size_t)(rows ? rows : 1));
	double *rr = malloc(sizeof(double) * (size_t)(rows ? rows : 1));
	assert_true(rm && rr);
	double eps = rms ? 1e-6f : 1e-5f;
	for (int64_t r = 0; r < rows; r++) {
		double mean = 0, var = 0;
		for (int64_t d = 0; !rms && d < D; d++)
			mean += oc_ld(&c, 0, r * D + d);
		if (!rms)
			mean /= (double)D;
		for (int64_t d = 0; d < D; d++)
			var += (oc_ld(&c, 0, r * D + d) - mean) * (oc_ld(&c, 0, r * D + d) - mean);
		rm[r] = mean;
		rr[r] = 1.0 / sqrt(var / (double)D + eps);
	}
	if (!rms)
		oc_expect_close(&c, 1, rm, 4.0);
	oc_expect_close(&c, nout - 1, rr, 4.0);
	/* y is what the one-output form gives. */
	opcase_t c1;
	oc_init(&c1, c.op);
	oc_in(&c1, dt, rank, dims, c.in[0]);
	oc_in(&c1, dt, 1, &D, c.in[1]);
	oc_attr_int(&c1, "axis", axis);
	OC_EXPECT_OK(&c1, 1);
	assert_memory_equal(c1.out[0], c.out[0], (size_t)weir_tensor_desc_bytes(&c.out_desc[0]));
	oc_fini(&c1);
	free(rm);
	free(rr);
	oc_fini(&c);
}

static void test_norm_stats(void **state)
{
	(void)state;
	for (int rms = 0; rms < 2; rms++)
		for (size_t t = 0; t < OC_N(oc_float_dts); t++) {
			int dt = oc_float_dts[t];
			run_norm_stats(rms, dt, 2, (int64_t[]){ 4, 16 }, -1);
			run_norm_stats(rms, dt, 3, (int64_t[]){ 2, 3, 8 }, 1);
			run_norm_stats(rms, dt, 3, (int64_t[]){ 2, 3, 8 }, 0);
			run_norm_stats(rms, dt, 2, (int64_t[]){ 0, 6 }, -1);
			run_norm_stats(rms, dt, 2, (int64_t[]){ 3, 0 }, -1); /* NaN stats */
			run_norm_stats(rms, dt, 2, (int64_t[]){ 600, 128 }, -1);
		}
}

/* ---- errors ------------------------------------------------------------------ */

static void test_norm2_errors(void **state)
{
	(void)state;
	float f[64] = { 0 };
	int32_t i[64] = { 0 };
	opcase_t c;

	oc_init(&c, "LogSoftmax");
	oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ 4 }, i);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "expected float32");
	oc_fini(&c);

	oc_init(&c, "LogSoftmax");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, f);
	oc_attr_int(&c, "axis", -3);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "axis -3 out of range");
	oc_fini(&c);

	oc_init(&c, "LogSoftmax");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, f);
	OC_INTS(&c, "axes", 0, 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "exactly one axis");
	oc_fini(&c);

	/* BatchNorm: rank 1, dtype, wrong C, mixed dtype, is_training, eps. */
	oc_init(&c, "BatchNorm");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, f);
	for (int k = 0; k < 4; k++)
		oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "rank >= 2");
	oc_fini(&c);

	oc_init(&c, "BatchNorm");
	oc_in(&c, WEIR_DT_INT32, 2, (int64_t[]){ 2, 4 }, i);
	for (int k = 0; k < 4; k++)
		oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ 4 }, i);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "not supported");
	oc_fini(&c);

	oc_init(&c, "BatchNorm");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 4 }, f);
	for (int k = 0; k < 4; k++)
		oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ k == 2 ? 3 : 4 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "mean");
	oc_fini(&c);

	oc_init(&c, "BatchNorm");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 4 }, f);
	for (int k = 0; k < 4; k++)
		oc_in(&c, k == 3 ? WEIR_DT_FLOAT16 : WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "variance dtype");
	oc_fini(&c);

	oc_init(&c, "BatchNorm");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 4 }, f);
	for (int k = 0; k < 4; k++)
		oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, f);
	oc_attr_bool(&c, "is_training", true);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "inference only");
	oc_fini(&c);

	oc_init(&c, "BatchNorm");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 4 }, f);
	for (int k = 0; k < 4; k++)
		oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, f);
	oc_attr_float(&c, "epsilon", NAN);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "epsilon");
	oc_fini(&c);

	/* GroupNorm: missing/bad num_groups, gamma shape, nout 2, huge G. */
	oc_init(&c, "GroupNorm");
	oc_in(&c, WEIR_DT_FLOAT, 3, (int64_t[]){ 2, 6, 2 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 6 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 6 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "num_groups' is required");
	oc_attr_int(&c, "num_groups", 4);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "divide C = 6");
	oc_attr_int(&c, "num_groups", 0);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "must be >= 1");
	oc_attr_int(&c, "num_groups", 3);
	OC_EXPECT_FAIL(&c, 2, WEIR_EINVAL, "1 or 3 outputs");
	oc_fini(&c);

	oc_init(&c, "GroupNorm");
	oc_in(&c, WEIR_DT_FLOAT, 3, (int64_t[]){ 2, 6, 2 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 6 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, f);
	oc_attr_int(&c, "num_groups", 3);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "beta");
	oc_fini(&c);

	oc_init(&c, "GroupNorm");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 1000, 0 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 0 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 0 }, f);
	oc_attr_int(&c, "num_groups", INT64_MAX / 1000);
	OC_EXPECT_FAIL(&c, 3, WEIR_EINVAL, "too large");
	oc_fini(&c);

	/* LayerNorm with 2 outputs, RMSNorm with 3. */
	oc_init(&c, "LayerNorm");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 8 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 8 }, f);
	OC_EXPECT_FAIL(&c, 2, WEIR_EINVAL, "1 or 3 outputs");
	oc_fini(&c);

	oc_init(&c, "RMSNorm");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 8 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 8 }, f);
	OC_EXPECT_FAIL(&c, 3, WEIR_EINVAL, "count");
	oc_fini(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_logsoftmax),   cmocka_unit_test(test_batchnorm),
		cmocka_unit_test(test_groupnorm),    cmocka_unit_test(test_norm_stats),
		cmocka_unit_test(test_norm2_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
