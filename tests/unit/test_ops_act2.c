/*
 * tests/unit/test_ops_act2.c - ONNX activations (LeakyRelu, Elu, Selu, Celu,
 * HardSigmoid, HardSwish, Softplus, Softsign, ThresholdedRelu, Mish, Shrink,
 * PRelu, Hardmax) against host references written from the ONNX formulas:
 * every float dtype, default and explicit attrs, empty and multi-block
 * shapes, special values, Shrink on integers and bad inputs.
 */
#include "test_ops_harness.h"

typedef struct shape {
	int r;
	int64_t d[8];
} shape_t;

static const shape_t shapes[] = {
	{ 0, { 0 } },         { 1, { 1 } },     { 1, { 0 } },
	{ 2, { 3, 0 } },      { 2, { 7, 13 } }, { 8, { 1, 2, 1, 3, 1, 2, 1, 2 } },
	{ 2, { 200, 1000 } },
};

static const int real_dts[] = { WEIR_DT_FLOAT, WEIR_DT_FLOAT16, WEIR_DT_BF16, WEIR_DT_DOUBLE };

static double *ref_alloc(int64_t n)
{
	double *r = malloc(sizeof(double) * (size_t)(n ? n : 1));
	assert_non_null(r);
	return r;
}

/* Attr values of one row; NAN means "not set" (the op's default applies). */
typedef struct arow {
	const char *op;
	const char *k1, *k2;
	double v1, v2; /* as set (NAN: absent) */
	double d1, d2; /* defaults */
} arow_t;

static double pick(double set, double def)
{
	return isnan(set) ? def : set;
}

/* The ONNX formulas, written out plainly in double. */
static double ref_act(const arow_t *r, double x)
{
	double a = pick(r->v1, r->d1), b = pick(r->v2, r->d2);
	const char *op = r->op;
	if (isnan(x))
		return x;
	if (!strcmp(op, "LeakyRelu"))
		return x >= 0 ? x : a * x;
	if (!strcmp(op, "Elu"))
		return x >= 0 ? x : a * (exp(x) - 1.0);
	if (!strcmp(op, "Selu"))
		return x > 0 ? b * x : b * (a * exp(x) - a);
	if (!strcmp(op, "Celu"))
		return fmax(0.0, x) + fmin(0.0, a * (exp(x / a) - 1.0));
	if (!strcmp(op, "HardSigmoid"))
		return fmax(0.0, fmin(1.0, a * x + b));
	if (!strcmp(op, "HardSwish"))
		return x * fmax(0.0, fmin(1.0, x / 6.0 + 0.5));
	if (!strcmp(op, "Softplus"))
		return x > 30 ? x : log(exp(x) + 1.0);
	if (!strcmp(op, "Softsign"))
		return x / (1.0 + fabs(x));
	if (!strcmp(op, "ThresholdedRelu"))
		return x > a ? x : 0.0;
	if (!strcmp(op, "Mish"))
		return x * tanh(x > 30 ? x : log(exp(x) + 1.0));
	if (!strcmp(op, "Shrink")) /* a = bias, b = lambd */
		return x < -b ? x + a : x > b ? x - a : 0.0;
	fail_msg("no reference for %s", op);
	return 0;
}

static const arow_t rows[] = {
	{ "LeakyRelu", "alpha", NULL, NAN, NAN, 0.01, 0 },
	{ "LeakyRelu", "alpha", NULL, 0.3, NAN, 0.01, 0 },
	{ "Elu", "alpha", NULL, NAN, NAN, 1.0, 0 },
	{ "Elu", "alpha", NULL, 2.5, NAN, 1.0, 0 },
	{ "Selu", "alpha", "gamma", NAN, NAN, 1.67326319217681884765625,
	  1.05070102214813232421875 },
	{ "Selu", "alpha", "gamma", 2.0, 3.0, 1.67326319217681884765625,
	  1.05070102214813232421875 },
	{ "Celu", "alpha", NULL, NAN, NAN, 1.0, 0 },
	{ "Celu", "alpha", NULL, 2.0, NAN, 1.0, 0 },
	{ "Celu", "alpha", NULL, -0.5, NAN, 1.0, 0 },
	{ "HardSigmoid", "alpha", "beta", NAN, NAN, 0.2, 0.5 },
	{ "HardSigmoid", "alpha", "beta", 0.5, 0.25, 0.2, 0.5 },
	{ "HardSwish", NULL, NULL, NAN, NAN, 0, 0 },
	{ "Softplus", NULL, NULL, NAN, NAN, 0, 0 },
	{ "Softsign", NULL, NULL, NAN, NAN, 0, 0 },
	{ "ThresholdedRelu", "alpha", NULL, NAN, NAN, 1.0, 0 },
	{ "ThresholdedRelu", "alpha", NULL, 2.0, NAN, 1.0, 0 },
	{ "Mish", NULL, NULL, NAN, NAN, 0, 0 },
	{ "Shrink", "bias", "lambd", NAN, NAN, 0.0, 0.5 },
	{ "Shrink", "bias", "lambd", 1.5, 2.0, 0.0, 0.5 },
};

static void set_attrs(opcase_t *c, const arow_t *r)
{
	/* Attrs are floats: the reference uses the float value. */
	if (r->k1 && !isnan(r->v1))
		oc_attr_float(c, r->k1, (float)r->v1);
	if (r->k2 && !isnan(r->v2))
		oc_attr_float(c, r->k2, (float)r->v2);
}

static void run_act(const arow_t *r, int dt, const shape_t *s, double lo, double hi)
{
	opcase_t c;
	oc_init(&c, r->op);
	oc_in_gen(&c, dt, s->r, s->d, lo, hi);
	set_attrs(&c, r);
	OC_EXPECT_OK(&c, 1);
	oc_expect_shape(&c, 0, dt, s->r, s->d);
	int64_t n = oc_numel(s->r, s->d);
	double *ref = ref_alloc(n);
	arow_t rf = *r; /* attrs as the op sees them: float32 */
	rf.v1 = isnan(r->v1) ? (float)r->d1 : (float)r->v1;
	rf.v2 = isnan(r->v2) ? (float)r->d2 : (float)r->v2;
	for (int64_t k = 0; k < n; k++)
		ref[k] = ref_act(&rf, oc_ld(&c, 0, k));
	oc_expect_close(&c, 0, ref, 4.0);
	free(ref);
	oc_fini(&c);
}

static void test_act_float(void **state)
{
	(void)state;
	for (size_t r = 0; r < OC_N(rows); r++)
		for (size_t s = 0; s < OC_N(shapes); s++)
			for (size_t t = 0; t < OC_N(real_dts); t++)
				run_act(&rows[r], real_dts[t], &shapes[s], -6.0, 6.0);
	/* Softplus and Mish far out: no overflow, no cancellation. */
	for (size_t t = 0; t < OC_N(real_dts); t++) {
		run_act(&rows[12], real_dts[t], &shapes[4], -80.0, 80.0);
		run_act(&rows[16], real_dts[t], &shapes[4], -80.0, 80.0);
	}
}

static void test_act_special(void **state)
{
	(void)state;
	static const double x[] = { NAN, INFINITY, -INFINITY, -0.0, 0.0, 1e30, -1e30, 0.5 };
	for (size_t r = 0; r < OC_N(rows); r++)
		for (size_t t = 0; t < OC_N(real_dts); t++) {
			int dt = real_dts[t];
			unsigned char buf[8 * 8];
			for (int k = 0; k < 8; k++)
				weir_dt_store(dt, buf, k, x[k]);
			opcase_t c;
			oc_init(&c, rows[r].op);
			oc_in(&c, dt, 1, (int64_t[]){ 8 }, buf);
			set_attrs(&c, &rows[r]);
			OC_EXPECT_OK(&c, 1);
			const char *op = rows[r].op;
			double got0 = weir_dt_load(dt, c.out[0], 0);
			if (!isnan(got0))
				fail_msg("%s(NaN) = %g", op, got0);
			double gi = weir_dt_load(dt, c.out[0], 1),
			       gn = weir_dt_load(dt, c.out[0], 2);
			if (!strcmp(op, "Softplus") || !strcmp(op, "Mish")) {
				if (gi != INFINITY || gn != 0.0)
					fail_msg("%s(+-inf) = %g, %g", op, gi, gn);
				if (weir_dt_load(dt, c.out[0], 5) != weir_dt_load(dt, buf, 5))
					fail_msg("%s(1e30) is not 1e30", op);
			}
			if ((!strcmp(op, "Elu") || !strcmp(op, "Celu")) && !(rows[r].v1 < 0)) {
				if (gi != INFINITY || !(gn < 0.0) || isinf(gn))
					fail_msg("%s(+-inf) = %g, %g", op, gi, gn);
			}
			if (!strcmp(op, "Softsign") && (gi != 1.0 || gn != -1.0))
				fail_msg("Softsign(+-inf) = %g, %g", gi, gn);
			if (!strcmp(op, "HardSwish") && (gi != INFINITY || gn != 0.0))
				fail_msg("HardSwish(+-inf) = %g, %g", gi, gn);
			if (!strcmp(op, "HardSigmoid") && (gi != 1.0 || gn != 0.0))
				fail_msg("HardSigmoid(+-inf) = %g, %g", gi, gn);
			oc_fini(&c);
		}
}

static void test_shrink_int(void **state)
{
	(void)state;
	static const int dts[] = { WEIR_DT_INT8,  WEIR_DT_UINT8,  WEIR_DT_INT16, WEIR_DT_UINT16,
		                   WEIR_DT_INT32, WEIR_DT_UINT32, WEIR_DT_INT64, WEIR_DT_UINT64 };
	for (size_t t = 0; t < OC_N(dts); t++) {
		int dt = dts[t];
		bool uns = dt == WEIR_DT_UINT8 || dt == WEIR_DT_UINT16 || dt == WEIR_DT_UINT32 ||
		           dt == WEIR_DT_UINT64;
		opcase_t c;
		oc_init(&c, "Shrink");
		oc_in_gen(&c, dt, 2, (int64_t[]){ 70, 1031 }, uns ? 0 : -100, 100);
		oc_attr_float(&c, "bias", 3.0f);
		oc_attr_float(&c, "lambd", 4.5f);
		OC_EXPECT_OK(&c, 1);
		int64_t n = 70 * 1031;
		double *ref = ref_alloc(n);
		for (int64_t k = 0; k < n; k++) {
			double v = oc_ld(&c, 0, k);
			ref[k] = v < -4.5 ? v + 3 : v > 4.5 ? v - 3 : 0;
		}
		oc_expect_close(&c, 0, ref, 1.0);
		free(ref);
		oc_fini(&c);
	}
	/* int64 beyond 2^53 with an integral bias is exact; a fractional
	 * bias truncates toward zero. */
	int64_t big[] = { INT64_MAX, INT64_MIN + 5, 9007199254740993LL, -3, 2 };
	opcase_t c;
	oc_init(&c, "Shrink");
	oc_in(&c, WEIR_DT_INT64, 1, (int64_t[]){ 5 }, big);
	oc_attr_float(&c, "bias", 1.0f);
	oc_attr_float(&c, "lambd", 2.0f);
	OC_EXPECT_OK(&c, 1);
	const int64_t *y = c.out[0];
	assert_true(y[0] == INT64_MAX - 1 && y[1] == INT64_MIN + 6 && y[2] == 9007199254740992LL &&
	            y[3] == -2 && y[4] == 0);
	oc_fini(&c);
	int32_t xi[] = { -7, 7, 1 };
	oc_init(&c, "Shrink");
	oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ 3 }, xi);
	oc_attr_float(&c, "bias", 0.5f);
	OC_EXPECT_OK(&c, 1);
	const int32_t *yi = c.out[0];
	assert_true(yi[0] == -6 && yi[1] == 6 && yi[2] == 0);
	oc_fini(&c);
}

static void test_act_errors(void **state)
{
	(void)state;
	opcase_t c;
	int32_t xi[2] = { 1, 2 };
	float xf[2] = { 1, 2 };
	for (size_t r = 0; r < OC_N(rows); r++) {
		if (!strcmp(rows[r].op, "Shrink"))
			continue;
		oc_init(&c, rows[r].op);
		oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ 2 }, xi);
		OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "dtype int32 not supported");
		oc_fini(&c);
	}
	oc_init(&c, "Shrink");
	oc_in(&c, WEIR_DT_BOOL, 1, (int64_t[]){ 2 }, xi);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "dtype bool not supported");
	oc_fini(&c);
	oc_init(&c, "LeakyRelu");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 2 }, xf);
	oc_attr_str(&c, "alpha", "x");
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "attr 'alpha' must be a float");
	oc_fini(&c);
	oc_init(&c, "Celu");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 2 }, xf);
	oc_attr_float(&c, "alpha", 0.0f);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "attr 'alpha' must not be 0");
	oc_fini(&c);
	oc_init(&c, "HardSigmoid");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 2 }, xf);
	oc_attr_float(&c, "beta", INFINITY);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "attr 'beta' must be finite");
	oc_fini(&c);
	oc_init(&c, "Selu");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 2 }, xf);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 2 }, xf);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "wrong input/output count");
	oc_fini(&c);
}

/* ---- PRelu -------------------------------------------------------------- */

static int64_t bcast_src(int64_t k, int orank, const int64_t *odims, int irank,
                         const int64_t *idims)
{
	int64_t idx[8], src[8];
	oc_unravel(k, orank, odims, idx);
	for (int d = 0; d < irank; d++)
		src[d] = idims[d] == 1 ? 0 : idx[d + orank - irank];
	return oc_ravel(irank, idims, src);
}

static void test_prelu(void **state)
{
	(void)state;
	static const struct {
		shape_t x, s;
	} cases[] = {
		{ { 2, { 3, 4 } }, { 2, { 3, 4 } } }, { { 3, { 2, 3, 4 } }, { 1, { 4 } } },
		{ { 3, { 2, 3, 4 } }, { 0, { 0 } } }, { { 4, { 2, 3, 2, 2 } }, { 3, { 3, 1, 1 } } },
		{ { 2, { 0, 5 } }, { 1, { 5 } } },    { { 2, { 70, 1031 } }, { 2, { 70, 1 } } },
	};
	for (size_t i = 0; i < OC_N(cases); i++)
		for (size_t t = 0; t < OC_N(real_dts); t++) {
			int dt = real_dts[t];
			opcase_t c;
			oc_init(&c, "PRelu");
			const shape_t *xs = &cases[i].x, *ss = &cases[i].s;
			oc_in_gen(&c, dt, xs->r, xs->d, -3, 3);
			oc_in_gen(&c, dt, ss->r, ss->d, -1, 1);
			OC_EXPECT_OK(&c, 1);
			oc_expect_shape(&c, 0, dt, xs->r, xs->d);
			int64_t n = oc_numel(xs->r, xs->d);
			double *ref = ref_alloc(n);
			for (int64_t k = 0; k < n; k++) {
				double x = oc_ld(&c, 0, k);
				double s = oc_ld(&c, 1, bcast_src(k, xs->r, xs->d, ss->r, ss->d));
				ref[k] = x < 0 ? s * x : x;
			}
			oc_expect_close(&c, 0, ref, 2.0);
			free(ref);
			oc_fini(&c);
		}
	float x[6] = { 0 }, s[6] = { 0 };
	opcase_t c;
	oc_init(&c, "PRelu");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 3 }, x);
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, s);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "does not broadcast to x");
	oc_fini(&c);
	oc_init(&c, "PRelu");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 3 }, x);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 2 }, s);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "does not broadcast to x");
	oc_fini(&c);
	oc_init(&c, "PRelu");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 3 }, x);
	oc_in(&c, WEIR_DT_FLOAT16, 1, (int64_t[]){ 3 }, s);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "input dtypes differ");
	oc_fini(&c);
	oc_init(&c, "PRelu");
	oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ 3 }, x);
	oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ 3 }, s);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "dtype int32 not supported");
	oc_fini(&c);
}

/* ---- Hardmax ------------------------------------------------------------ */

static void run_hardmax(int dt, const shape_t *s, int64_t axis, bool set, const void *data)
{
	opcase_t c;
	oc_init(&c, "Hardmax");
	if (data)
		oc_in(&c, dt, s->r, s->d, data);
	else
		oc_in_gen(&c, dt, s->r, s->d, -3, 3);
	if (set)
		oc_attr_int(&c, "axis", axis);
	OC_EXPECT_OK(&c, 1);
	oc_expect_shape(&c, 0, dt, s->r, s->d);
	int ax = (int)(axis < 0 ? axis + s->r : axis);
	int64_t n = oc_numel(s->r, s->d);
	double *ref = ref_alloc(n);
	int64_t idx[8];
	for (int64_t k = 0; k < n; k++) {
		/* k is the one-hot position iff no earlier element along the
		 * axis is >= (or NaN) and no later one is > (or NaN, unless k is
		 * NaN). */
		oc_unravel(k, s->r, s->d, idx);
		double v = oc_ld(&c, 0, k);
		bool win = true;
		int64_t me = idx[ax];
		for (int64_t j = 0; win && j < s->d[ax]; j++) {
			if (j == me)
				continue;
			idx[ax] = j;
			double w = oc_ld(&c, 0, oc_ravel(s->r, s->d, idx));
			if (j < me)
				win = !(isnan(w) || (!isnan(v) && w >= v));
			else
				win = isnan(v) || !(isnan(w) || w > v);
		}
		ref[k] = win ? 1.0 : 0.0;
	}
	oc_expect_close(&c, 0, ref, 0.0);
	free(ref);
	oc_fini(&c);
}

static void test_hardmax(void **state)
{
	(void)state;
	static const shape_t hs[] = {
		{ 1, { 1 } },    { 1, { 7 } },    { 2, { 3, 4 } },       { 3, { 2, 3, 4 } },
		{ 2, { 0, 4 } }, { 2, { 4, 0 } }, { 3, { 30, 50, 40 } },
	};
	for (size_t s = 0; s < OC_N(hs); s++)
		for (size_t t = 0; t < OC_N(real_dts); t++) {
			run_hardmax(real_dts[t], &hs[s], -1, false, NULL);
			for (int64_t a = -hs[s].r; a < hs[s].r; a++)
				run_hardmax(real_dts[t], &hs[s], a, true, NULL);
		}
	/* Ties: the first maximum; NaN: the first NaN. */
	const shape_t s34 = { 2, { 3, 4 } };
	float x[12] = { 1, 3, 3, 2, NAN, 5, NAN, 9, 2, 2, 2, 2 };
	run_hardmax(WEIR_DT_FLOAT, &s34, 1, true, x);
	run_hardmax(WEIR_DT_FLOAT, &s34, 0, true, x);
	opcase_t c;
	oc_init(&c, "Hardmax");
	oc_in(&c, WEIR_DT_FLOAT, 2, s34.d, x);
	OC_EXPECT_OK(&c, 1);
	static const float want[12] = { 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0 };
	assert_memory_equal(c.out[0], want, sizeof(want));
	oc_fini(&c);
	/* Errors. */
	oc_init(&c, "Hardmax");
	oc_in(&c, WEIR_DT_FLOAT, 2, s34.d, x);
	oc_attr_int(&c, "axis", 2);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "axis 2 out of range for rank 2");
	oc_fini(&c);
	oc_init(&c, "Hardmax");
	oc_in(&c, WEIR_DT_FLOAT, 2, s34.d, x);
	oc_attr_int(&c, "axis", -3);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "out of range");
	oc_fini(&c);
	oc_init(&c, "Hardmax");
	oc_in(&c, WEIR_DT_FLOAT, 0, NULL, x);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "rank >= 1");
	oc_fini(&c);
	oc_init(&c, "Hardmax");
	oc_in(&c, WEIR_DT_INT64, 2, s34.d, x);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "dtype int64 not supported");
	oc_fini(&c);
	oc_init(&c, "Hardmax");
	oc_in(&c, WEIR_DT_FLOAT, 2, s34.d, x);
	oc_attr_float(&c, "axis", 1.0f);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "attr 'axis' must be an int");
	oc_fini(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_act_float),  cmocka_unit_test(test_act_special),
		cmocka_unit_test(test_shrink_int), cmocka_unit_test(test_act_errors),
		cmocka_unit_test(test_prelu),      cmocka_unit_test(test_hardmax),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
