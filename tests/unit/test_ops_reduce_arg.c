/*
 * tests/unit/test_ops_reduce_arg.c - ReduceMin, ReduceProd, ArgMax and
 * ArgMin against host references: axes lists, keep_dims, float and integer
 * dtypes (integer products wrap), NaN propagation and first-NaN / first-tie
 * indices, empty tensors, multi-block sizes and bad inputs.
 */
#include "test_ops_harness.h"

/* ---- ReduceMin / ReduceProd ------------------------------------------------- */

static void run_reduce(const char *op, int dt, int rank, const int64_t *dims, const int64_t *axes,
                       int naxes, bool keep, bool nan)
{
	bool prod = !strcmp(op, "ReduceProd");
	opcase_t c;
	oc_init(&c, op);
	bool fl = oc_is_float(dt);
	double lo = prod ? (fl ? 0.5 : -3) : (dt == WEIR_DT_UINT8 ? 0 : -100);
	double hi = prod ? (fl ? 1.5 : 3) : (dt == WEIR_DT_UINT8 ? 255 : 100);
	void *x = oc_in_gen(&c, dt, rank, dims, lo, hi);
	int64_t n = oc_numel(rank, dims);
	if (nan && fl)
		for (int64_t k = 0; k < n; k += 5)
			weir_dt_store(dt, x, k, NAN);
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
	int64_t on = oc_numel(krank, kd);
	double *acc = malloc(sizeof(double) * (size_t)(on ? on : 1));
	uint64_t *iacc = malloc(sizeof(uint64_t) * (size_t)(on ? on : 1));
	assert_true(acc && iacc);
	for (int64_t k = 0; k < on; k++) {
		acc[k] = prod ? 1.0 : INFINITY;
		iacc[k] = 1;
	}
	for (int64_t k = 0; k < n; k++) {
		int64_t idx[8], kidx[8];
		int kr = 0;
		oc_unravel(k, rank, dims, idx);
		for (int d = 0; d < rank; d++)
			if (!red[d])
				kidx[kr++] = idx[d];
		int64_t o = oc_ravel(krank, kd, kidx);
		double v = oc_ld(&c, 0, k);
		if (prod) {
			acc[o] *= v;
			if (!fl)
				iacc[o] *= (uint64_t)(int64_t)v;
		} else if (isnan(v) || isnan(acc[o])) {
			acc[o] = NAN;
		} else {
			acc[o] = fmin(acc[o], v);
		}
	}
	if (prod && !fl)
		for (int64_t k = 0; k < on; k++) { /* integer products wrap */
			switch (dt) {
			case WEIR_DT_INT8: acc[k] = (int8_t)(uint8_t)iacc[k]; break;
			case WEIR_DT_UINT8: acc[k] = (uint8_t)iacc[k]; break;
			case WEIR_DT_INT32: acc[k] = (int32_t)(uint32_t)iacc[k]; break;
			default: acc[k] = (double)(int64_t)iacc[k]; break;
			}
		}
	oc_expect_close(&c, 0, acc, 4.0);
	free(acc);
	free(iacc);
	oc_fini(&c);
}

static void test_reduce_min_prod(void **state)
{
	(void)state;
	static const char *const ops[] = { "ReduceMin", "ReduceProd" };
	static const struct {
		int r;
		int64_t d[8];
		int na;
		int64_t ax[8];
	} cases[] = {
		{ 3, { 2, 3, 4 }, 1, { 1 } },
		{ 3, { 2, 3, 4 }, 2, { 0, -1 } },
		{ 3, { 2, 3, 4 }, 0, { 0 } },
		{ 3, { 2, 3, 4 }, -1, { 0 } },
		{ 0, { 0 }, -1, { 0 } },
		{ 2, { 0, 4 }, 1, { 1 } },
		{ 8, { 2, 1, 2, 1, 2, 1, 2, 3 }, 3, { 1, 4, 7 } },
		{ 2, { 1000, 40 }, 1, { 1 } }, /* several blocks */
		{ 2, { 40, 1000 }, 1, { 0 } },
	};
	for (size_t o = 0; o < OC_N(ops); o++)
		for (size_t s = 0; s < OC_N(cases); s++)
			for (int keep = 0; keep < 2; keep++) {
				for (size_t t = 0; t < OC_N(oc_float_dts); t++)
					run_reduce(ops[o], oc_float_dts[t], cases[s].r, cases[s].d,
					           cases[s].ax, cases[s].na, keep, s == 0);
				for (size_t t = 0; t < OC_N(oc_int_dts); t++)
					run_reduce(ops[o], oc_int_dts[t], cases[s].r, cases[s].d,
					           cases[s].ax, cases[s].na, keep, false);
			}
	/* Empty reduced set: ReduceProd gives 1. */
	run_reduce("ReduceProd", WEIR_DT_FLOAT, 2, (int64_t[]){ 3, 0 }, (int64_t[]){ 1 }, 1, false,
	           false);
	run_reduce("ReduceProd", WEIR_DT_INT32, 2, (int64_t[]){ 3, 0 }, (int64_t[]){ 1 }, 1, true,
	           false);

	/* int32 products wrap: 65536 * 65536 = 2^32 -> 0; 3 * 2^30 -> -2^30. */
	int32_t xi[] = { 65536, 65536, 3, 1 << 30 };
	opcase_t c;
	oc_init(&c, "ReduceProd");
	oc_in(&c, WEIR_DT_INT32, 2, (int64_t[]){ 2, 2 }, xi);
	oc_attr_int(&c, "axes", 1);
	OC_EXPECT_OK(&c, 1);
	assert_int_equal(((int32_t *)c.out[0])[0], 0);
	assert_int_equal(((int32_t *)c.out[0])[1], -(1 << 30));
	oc_fini(&c);
}

static void test_reduce_min_prod_errors(void **state)
{
	(void)state;
	float f[8] = { 0 };
	uint8_t b[8] = { 0 };
	opcase_t c;

	oc_init(&c, "ReduceMin");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 0 }, f);
	OC_INTS(&c, "axes", 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "ReduceMin over an empty set");
	oc_fini(&c);

	oc_init(&c, "ReduceProd");
	oc_in(&c, WEIR_DT_BOOL, 1, (int64_t[]){ 2 }, b);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "not supported");
	oc_fini(&c);

	oc_init(&c, "ReduceMin");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, f);
	OC_INTS(&c, "axes", 0, -2);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "twice");
	oc_fini(&c);

	oc_init(&c, "ReduceProd");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, f);
	OC_INTS(&c, "axes", -3);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "out of range");
	oc_fini(&c);
}

/* ---- ArgMax / ArgMin -------------------------------------------------------- */

/* axis < -8: attr absent (flattened). */
static void run_arg(const char *op, int dt, int rank, const int64_t *dims, int64_t axis, bool keep,
                    bool i32, bool ties)
{
	bool mx = !strcmp(op, "ArgMax");
	bool flat = axis < -8;
	opcase_t c;
	oc_init(&c, op);
	bool fl = oc_is_float(dt);
	void *x = oc_in_gen(&c, dt, rank, dims, dt == WEIR_DT_UINT8 ? 0 : -50, 50);
	int64_t n = oc_numel(rank, dims);
	for (int64_t k = 0; ties && k < n; k++) { /* few distinct values, some NaN */
		double v = floor(oc_ld(&c, 0, k) / 20.0);
		if (fl && k % 7 == 3)
			v = NAN;
		weir_dt_store(dt, x, k, dt == WEIR_DT_UINT8 ? fabs(v) : v);
	}
	if (!flat)
		oc_attr_int(&c, "axis", axis);
	if (keep)
		oc_attr_bool(&c, "keep_dims", true);
	if (i32)
		oc_attr_int(&c, "dtype", WEIR_DT_INT32);
	OC_EXPECT_OK(&c, 1);
	int odt = i32 ? WEIR_DT_INT32 : WEIR_DT_INT64;
	int ax = flat || rank == 0 ? 0 : (int)(axis < 0 ? axis + rank : axis);
	int64_t outer = 1, D = n, inner = 1;
	int64_t od[8];
	int orank = 0;
	if (flat) {
		for (int d = 0; keep && d < rank; d++)
			od[orank++] = 1;
	} else if (rank > 0) {
		outer = oc_numel(ax, dims);
		D = dims[ax];
		inner = oc_numel(rank - ax - 1, dims + ax + 1);
		for (int d = 0; d < rank; d++)
			if (d != ax || keep)
				od[orank++] = d == ax ? 1 : dims[d];
	}
	oc_expect_shape(&c, 0, odt, orank, od);
	int64_t on = outer * inner;
	double *ref = malloc(sizeof(double) * (size_t)(on ? on : 1));
	assert_non_null(ref);
	for (int64_t l = 0; l < on; l++) {
		int64_t base = (l / inner) * D * inner + l % inner, best = 0;
		double m = oc_ld(&c, 0, base);
		for (int64_t d = 1; d < D && !isnan(m); d++) {
			double v = oc_ld(&c, 0, base + d * inner);
			if (isnan(v) || (mx ? v > m : v < m)) {
				m = v;
				best = d;
			}
		}
		ref[l] = (double)best;
	}
	oc_expect_close(&c, 0, ref, 1.0);
	free(ref);
	oc_fini(&c);
}

static void test_argmax_argmin(void **state)
{
	(void)state;
	static const char *const ops[] = { "ArgMax", "ArgMin" };
	static const struct {
		int r;
		int64_t d[8];
		int64_t ax;
	} cases[] = {
		{ 3, { 2, 5, 4 }, 1 },    { 3, { 2, 5, 4 }, -1 }, { 3, { 2, 5, 4 }, 0 },
		{ 3, { 2, 5, 4 }, -99 },  { 0, { 0 }, 0 },        { 0, { 0 }, -99 },
		{ 0, { 0 }, -1 },         { 2, { 0, 4 }, 1 },     { 2, { 4, 0 }, 0 },
		{ 1, { 1 }, 0 },          { 2, { 3000, 30 }, 1 }, /* several blocks */
		{ 2, { 30, 3000 }, -99 },
	};
	for (size_t o = 0; o < OC_N(ops); o++)
		for (size_t s = 0; s < OC_N(cases); s++)
			for (int keep = 0; keep < 2; keep++)
				for (int ties = 0; ties < 2; ties++) {
					for (size_t t = 0; t < OC_N(oc_float_dts); t++)
						run_arg(ops[o], oc_float_dts[t], cases[s].r,
						        cases[s].d, cases[s].ax, keep, s % 2, ties);
					for (size_t t = 0; t < OC_N(oc_int_dts); t++)
						run_arg(ops[o], oc_int_dts[t], cases[s].r,
						        cases[s].d, cases[s].ax, keep, s % 3 == 0,
						        ties);
				}

	/* The first NaN wins for both; ties give the first index; alias. */
	float x[] = { 1, 3, 3, NAN, -2, NAN, -2 };
	static const int64_t want[2][2] = { { 3, 1 }, { 3, 4 } };
	for (int nanful = 0; nanful < 2; nanful++)
		for (size_t o = 0; o < 2; o++) {
			opcase_t c;
			oc_init(&c, ops[o]);
			if (nanful)
				oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 7 }, x);
			else
				oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 3 },
				      (float[]){ x[4], x[1], x[2] });
			oc_attr_int(&c, "dimension", 0);
			OC_EXPECT_OK(&c, 1);
			int64_t got = ((int64_t *)c.out[0])[0];
			int64_t exp = nanful ? want[o][0] : (o == 0 ? 1 : 0);
			assert_int_equal(got, exp);
			oc_fini(&c);
		}
}

static void test_arg_errors(void **state)
{
	(void)state;
	float f[8] = { 0 };
	uint8_t b[8] = { 0 };
	opcase_t c;

	oc_init(&c, "ArgMax");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 0 }, f);
	oc_attr_int(&c, "axis", 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "empty set");
	oc_fini(&c);

	oc_init(&c, "ArgMin"); /* flattened, empty */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 0 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "empty set");
	oc_fini(&c);

	oc_init(&c, "ArgMax");
	oc_in(&c, WEIR_DT_BOOL, 1, (int64_t[]){ 2 }, b);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "not supported");
	oc_fini(&c);

	oc_init(&c, "ArgMax");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, f);
	oc_attr_int(&c, "axis", 2);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "axis 2 out of range");
	oc_fini(&c);

	oc_init(&c, "ArgMin");
	oc_in(&c, WEIR_DT_FLOAT, 0, NULL, f);
	oc_attr_int(&c, "axis", 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "out of range for rank 0");
	oc_fini(&c);

	oc_init(&c, "ArgMin");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 2 }, f);
	oc_attr_int(&c, "dtype", WEIR_DT_FLOAT);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "attr 'dtype'");
	oc_fini(&c);

	oc_init(&c, "ArgMax");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 2 }, f);
	oc_attr_str(&c, "axis", "0");
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "must be an int");
	oc_fini(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reduce_min_prod),
		cmocka_unit_test(test_reduce_min_prod_errors),
		cmocka_unit_test(test_argmax_argmin),
		cmocka_unit_test(test_arg_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
