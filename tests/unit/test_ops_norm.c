/*
 * tests/unit/test_ops_norm.c - Softmax, LayerNorm, RMSNorm and ReduceSum /
 * ReduceMean / ReduceMax against double references: every axis, keep_dims,
 * float (and for Sum/Max integer) dtypes, rank 0..8, empty dims, multi-block
 * sizes and bad inputs.
 */
#include "test_ops_harness.h"

/* ---- Softmax -------------------------------------------------------------- */

static void run_softmax(int dt, int rank, const int64_t *dims, int64_t axis, bool set_axis)
{
	opcase_t c;
	oc_init(&c, "Softmax");
	oc_in_gen(&c, dt, rank, dims, -5, 5);
	if (set_axis)
		oc_attr_int(&c, "axis", axis);
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
		ref[k] = exp(oc_ld(&c, 0, k) - mx) / s;
	}
	oc_expect_close(&c, 0, ref, 4.0);
	free(ref);
	oc_fini(&c);
}

static void test_softmax(void **state)
{
	(void)state;
	for (size_t t = 0; t < OC_N(oc_float_dts); t++) {
		int dt = oc_float_dts[t];
		run_softmax(dt, 1, (int64_t[]){ 7 }, -1, false);
		run_softmax(dt, 1, (int64_t[]){ 1 }, 0, true);
		run_softmax(dt, 3, (int64_t[]){ 2, 5, 3 }, 1, true);
		run_softmax(dt, 3, (int64_t[]){ 2, 5, 3 }, 0, true);
		run_softmax(dt, 3, (int64_t[]){ 2, 5, 3 }, -3, true);
		run_softmax(dt, 2, (int64_t[]){ 0, 4 }, -1, true);
		run_softmax(dt, 2, (int64_t[]){ 4, 0 }, -1, true);
		run_softmax(dt, 8, (int64_t[]){ 1, 2, 1, 2, 1, 3, 1, 2 }, 5, true);
		run_softmax(dt, 2, (int64_t[]){ 300, 257 }, 1, true); /* several blocks */
	}
	/* GE's `axes` list form. */
	opcase_t c;
	oc_init(&c, "Softmax");
	oc_in_gen(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 3, 4 }, -1, 1);
	OC_INTS(&c, "axes", 0);
	OC_EXPECT_OK(&c, 1);
	for (int j = 0; j < 4; j++) {
		double s = 0;
		for (int i = 0; i < 3; i++)
			s += ((float *)c.out[0])[i * 4 + j];
		assert_true(fabs(s - 1.0) < 1e-5);
	}
	oc_fini(&c);

	/* A row of -inf (masked attention) gives NaN, a row with one finite
	 * value gives a one-hot row; other rows are unaffected. */
	float x[] = { -INFINITY, -INFINITY, 1.0f, -INFINITY, 2.0f, 2.0f };
	oc_init(&c, "Softmax");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 3, 2 }, x);
	OC_EXPECT_OK(&c, 1);
	float *y = c.out[0];
	assert_true(isnan(y[0]) && isnan(y[1]));
	assert_true(y[2] == 1.0f && y[3] == 0.0f && y[4] == 0.5f && y[5] == 0.5f);
	oc_fini(&c);
}

/* ---- LayerNorm / RMSNorm -------------------------------------------------- */

static void run_norm(const char *op, int dt, int rank, const int64_t *dims, int64_t axis, bool beta,
                     bool flat_gamma, float eps)
{
	bool rms = !strcmp(op, "RMSNorm");
	int ax = (int)(axis < 0 ? axis + rank : axis);
	int64_t D = oc_numel(rank - ax, dims + ax), rows = oc_numel(ax, dims);
	opcase_t c;
	oc_init(&c, op);
	oc_in_gen(&c, dt, rank, dims, -3, 4);
	if (flat_gamma)
		oc_in_gen(&c, dt, 1, &D, 0.5, 1.5);
	else
		oc_in_gen(&c, dt, rank - ax, dims + ax, 0.5, 1.5);
	if (beta)
		oc_in_gen(&c, dt, 1, &D, -1, 1);
	if (axis != -1)
		oc_attr_int(&c, "axis", axis);
	if (eps >= 0)
		oc_attr_float(&c, "epsilon", eps);
	else
		eps = rms ? 1e-6f : 1e-5f;
	OC_EXPECT_OK(&c, 1);
	oc_expect_shape(&c, 0, dt, rank, dims);
	double *ref = malloc(sizeof(double) * (size_t)(rows * D > 0 ? rows * D : 1));
	assert_non_null(ref);
	for (int64_t r = 0; r < rows; r++) {
		double mean = 0, var = 0;
		if (!rms) {
			for (int64_t d = 0; d < D; d++)
				mean += oc_ld(&c, 0, r * D + d);
			mean /= (double)D;
		}
		for (int64_t d = 0; d < D; d++) {
			double v = oc_ld(&c, 0, r * D + d) - mean;
			var += v * v;
		}
		var /= (double)D;
		for (int64_t d = 0; d < D; d++) {
			double v = (oc_ld(&c, 0, r * D + d) - mean) / sqrt(var + (double)eps) *
			           oc_ld(&c, 1, d);
			ref[r * D + d] = beta ? v + oc_ld(&c, 2, d) : v;
		}
	}
	oc_expect_close(&c, 0, ref, 8.0);
	free(ref);
	oc_fini(&c);
}

static void test_layernorm_rmsnorm(void **state)
{
	(void)state;
	static const char *const ops[] = { "LayerNorm", "RMSNorm" };
	for (size_t o = 0; o < 2; o++)
		for (size_t t = 0; t < OC_N(oc_float_dts); t++) {
			int dt = oc_float_dts[t];
			bool ln = o == 0;
			run_norm(ops[o], dt, 2, (int64_t[]){ 4, 16 }, -1, ln, false, -1);
			run_norm(ops[o], dt, 3, (int64_t[]){ 2, 3, 8 }, 1, false, false, 1e-3f);
			run_norm(ops[o], dt, 3, (int64_t[]){ 2, 3, 8 }, 1, ln, true, 0.0f);
			run_norm(ops[o], dt, 1, (int64_t[]){ 5 }, 0, ln, false, -1);
			run_norm(ops[o], dt, 2, (int64_t[]){ 0, 6 }, -1, ln, false, -1);
			run_norm(ops[o], dt, 2, (int64_t[]){ 3, 1 }, -1, ln, false, 1e-2f);
			run_norm(ops[o], dt, 8, (int64_t[]){ 1, 2, 1, 2, 1, 2, 3, 4 }, -2, ln,
			         false, -1);
			run_norm(ops[o], dt, 2, (int64_t[]){ 600, 128 }, -1, ln, false,
			         -1); /* blocks */
		}
}

static void test_norm_errors(void **state)
{
	(void)state;
	float f[64] = { 0 };
	int32_t i[8] = { 0 };
	opcase_t c;

	oc_init(&c, "Softmax"); /* axis out of range */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, f);
	oc_attr_int(&c, "axis", 2);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "axis 2 out of range");
	oc_fini(&c);

	oc_init(&c, "Softmax"); /* scalar */
	oc_in(&c, WEIR_DT_FLOAT, 0, NULL, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "rank >= 1");
	oc_fini(&c);

	oc_init(&c, "Softmax"); /* integer */
	oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ 4 }, i);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "expected float32");
	oc_fini(&c);

	oc_init(&c, "LayerNorm"); /* gamma of the wrong shape */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 8 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 7 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "gamma");
	oc_fini(&c);

	oc_init(&c, "LayerNorm"); /* beta dtype */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 8 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 8 }, f);
	oc_in(&c, WEIR_DT_FLOAT16, 1, (int64_t[]){ 8 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "beta");
	oc_fini(&c);

	oc_init(&c, "RMSNorm"); /* negative epsilon */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 8 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 8 }, f);
	oc_attr_float(&c, "epsilon", -1.0f);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "epsilon");
	oc_fini(&c);

	oc_init(&c, "RMSNorm"); /* missing gamma */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 8 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, NULL);
	oc_fini(&c);

	oc_init(&c, "LayerNorm"); /* bad axis */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 8 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 8 }, f);
	oc_attr_int(&c, "axis", -3);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "out of range");
	oc_fini(&c);
}

/* ---- reductions ------------------------------------------------------------- */

static void run_reduce(const char *op, int dt, int rank, const int64_t *dims, const int64_t *axes,
                       int naxes, bool keep)
{
	opcase_t c;
	oc_init(&c, op);
	bool fl = oc_is_float(dt);
	oc_in_gen(&c, dt, rank, dims, fl ? -3 : (dt == WEIR_DT_UINT8 ? 0 : -100),
	          fl ? 3 : (dt == WEIR_DT_UINT8 ? 255 : 100));
	if (naxes >= 0)
		oc_attr_ints(&c, "axes", axes, (size_t)naxes);
	if (keep)
		oc_attr_bool(&c, "keep_dims", true);
	OC_EXPECT_OK(&c, 1);
	bool red[8] = { false };
	for (int i = 0; i < naxes; i++)
		red[axes[i] < 0 ? axes[i] + rank : axes[i]] = true;
	if (naxes <= 0)
		for (int d = 0; d < rank; d++)
			red[d] = true;
	int64_t od[8], kd[8];
	int orank = 0, krank = 0;
	for (int d = 0; d < rank; d++) {
		if (!red[d])
			kd[krank++] = dims[d];
		if (!red[d] || keep)
			od[orank++] = red[d] ? 1 : dims[d];
	}
	oc_expect_shape(&c, 0, dt, orank, od);
	int64_t on = oc_numel(krank, kd), n = oc_numel(rank, dims);
	double *acc = calloc((size_t)(on ? on : 1), sizeof(double));
	int64_t *cnt = calloc((size_t)(on ? on : 1), sizeof(int64_t));
	int64_t *iacc = calloc((size_t)(on ? on : 1), sizeof(int64_t));
	assert_true(acc && cnt && iacc);
	bool mx = !strcmp(op, "ReduceMax");
	for (int64_t k = 0; k < on; k++)
		acc[k] = mx ? -INFINITY : 0.0;
	for (int64_t k = 0; k < n; k++) {
		int64_t idx[8], kidx[8];
		int kr = 0;
		oc_unravel(k, rank, dims, idx);
		for (int d = 0; d < rank; d++)
			if (!red[d])
				kidx[kr++] = idx[d];
		int64_t o = oc_ravel(krank, kd, kidx);
		double v = oc_ld(&c, 0, k);
		if (mx)
			acc[o] = fmax(acc[o], v);
		else
			acc[o] += v;
		iacc[o] += (int64_t)v;
		cnt[o]++;
	}
	int64_t rc = oc_numel(rank, dims) / (on ? on : 1);
	for (int64_t k = 0; k < on; k++) {
		if (!strcmp(op, "ReduceMean"))
			acc[k] = rc ? acc[k] / (double)cnt[k] : NAN;
		if (!fl && !mx) { /* integer sums wrap */
			switch (dt) {
			case WEIR_DT_INT8: acc[k] = (int8_t)(uint8_t)iacc[k]; break;
			case WEIR_DT_UINT8: acc[k] = (uint8_t)iacc[k]; break;
			case WEIR_DT_INT32: acc[k] = (int32_t)(uint32_t)iacc[k]; break;
			default: acc[k] = (double)iacc[k]; break;
			}
		}
	}
	oc_expect_close(&c, 0, acc, 4.0);
	free(acc);
	free(cnt);
	free(iacc);
	oc_fini(&c);
}

static void test_reduce(void **state)
{
	(void)state;
	static const char *const ops[] = { "ReduceSum", "ReduceMean", "ReduceMax" };
	static const struct {
		int r;
		int64_t d[8];
		int na;
		int64_t ax[8];
	} cases[] = {
		{ 3, { 2, 3, 4 }, 1, { 1 } },
		{ 3, { 2, 3, 4 }, 2, { 0, -1 } },
		{ 3, { 2, 3, 4 }, 0, { 0 } },  /* empty list: all */
		{ 3, { 2, 3, 4 }, -1, { 0 } }, /* no attr: all */
		{ 3, { 2, 3, 4 }, 3, { 2, 0, 1 } },
		{ 0, { 0 }, -1, { 0 } }, /* scalar */
		{ 2, { 5, 1 }, 1, { 1 } },
		{ 2, { 0, 4 }, 1, { 1 } }, /* empty output */
		{ 8, { 2, 1, 2, 1, 2, 1, 2, 3 }, 3, { 1, 4, 7 } },
		{ 2, { 1000, 300 }, 1, { 1 } }, /* several blocks */
		{ 2, { 300, 1000 }, 1, { 0 } },
	};
	for (size_t o = 0; o < OC_N(ops); o++)
		for (size_t s = 0; s < OC_N(cases); s++)
			for (int keep = 0; keep < 2; keep++) {
				for (size_t t = 0; t < OC_N(oc_float_dts); t++)
					run_reduce(ops[o], oc_float_dts[t], cases[s].r, cases[s].d,
					           cases[s].ax, cases[s].na, keep);
				if (o == 1)
					continue;
				for (size_t t = 0; t < OC_N(oc_int_dts); t++)
					run_reduce(ops[o], oc_int_dts[t], cases[s].r, cases[s].d,
					           cases[s].ax, cases[s].na, keep);
			}
	/* Empty reduced set: Sum 0, Mean NaN. */
	run_reduce("ReduceSum", WEIR_DT_FLOAT, 2, (int64_t[]){ 3, 0 }, (int64_t[]){ 1 }, 1, false);
	run_reduce("ReduceMean", WEIR_DT_FLOAT, 2, (int64_t[]){ 3, 0 }, (int64_t[]){ 1 }, 1, true);

	/* keepdims (ONNX, int) and a single int axis. */
	opcase_t c;
	oc_init(&c, "ReduceSum");
	oc_in_gen(&c, WEIR_DT_INT32, 2, (int64_t[]){ 2, 3 }, -5, 5);
	oc_attr_int(&c, "axes", -1);
	oc_attr_int(&c, "keepdims", 1);
	OC_EXPECT_OK(&c, 1);
	OC_SHAPE(&c, 0, WEIR_DT_INT32, 2, 1);
	for (int r = 0; r < 2; r++) {
		const int32_t *x = c.in[0];
		assert_int_equal(((int32_t *)c.out[0])[r], x[r * 3] + x[r * 3 + 1] + x[r * 3 + 2]);
	}
	oc_fini(&c);
}

static void test_reduce_errors(void **state)
{
	(void)state;
	float f[8] = { 0 };
	uint8_t b[8] = { 0 };
	int32_t i[8] = { 0 };
	opcase_t c;

	oc_init(&c, "ReduceSum");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, f);
	OC_INTS(&c, "axes", 2);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "out of range");
	oc_fini(&c);

	oc_init(&c, "ReduceSum");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, f);
	OC_INTS(&c, "axes", 1, -1);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "twice");
	oc_fini(&c);

	oc_init(&c, "ReduceMax");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 0 }, f);
	OC_INTS(&c, "axes", 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "empty set");
	oc_fini(&c);

	oc_init(&c, "ReduceMean");
	oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ 2 }, i);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "not supported");
	oc_fini(&c);

	oc_init(&c, "ReduceSum");
	oc_in(&c, WEIR_DT_BOOL, 1, (int64_t[]){ 2 }, b);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "not supported");
	oc_fini(&c);

	oc_init(&c, "ReduceSum");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 2 }, f);
	oc_attr_str(&c, "axes", "0");
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "int list");
	oc_fini(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_softmax),       cmocka_unit_test(test_layernorm_rmsnorm),
		cmocka_unit_test(test_norm_errors),   cmocka_unit_test(test_reduce),
		cmocka_unit_test(test_reduce_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
