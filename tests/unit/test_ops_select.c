/*
 * tests/unit/test_ops_select.c - Where, Tril, Triu, Range, Expand against
 * host references: every dtype, broadcasting, empty tensors, multi-block
 * sizes and bad inputs (code and message).
 */
#include "test_ops_harness.h"

/* Byte-exact compare of element k of output 0 with element s of input i. */
static void expect_elem(const opcase_t *c, int64_t k, uint32_t i, int64_t s)
{
	size_t es = weir_dtype_size(c->out_desc[0].dtype);
	if (memcmp((const char *)c->out[0] + (size_t)k * es,
	           (const char *)c->in[i] + (size_t)s * es, es) != 0)
		fail_msg("%s: out[%lld] differs from in%u[%lld]", c->op, (long long)k, i,
		         (long long)s);
}

static void expect_zero(const opcase_t *c, int64_t k)
{
	size_t es = weir_dtype_size(c->out_desc[0].dtype);
	for (size_t b = 0; b < es; b++)
		if (((const uint8_t *)c->out[0])[(size_t)k * es + b] != 0)
			fail_msg("%s: out[%lld] is not zero", c->op, (long long)k);
}

/* Broadcast index of output position idx (rank ro) into an input shape. */
static int64_t bidx(int ro, const int64_t *idx, int ri, const int64_t *dims)
{
	int64_t k = 0;
	for (int d = 0; d < ri; d++) {
		int64_t i = dims[d] == 1 ? 0 : idx[d + ro - ri];
		k = k * dims[d] + i;
	}
	return k;
}

static void run_where(int cdt, int dt, int rc, const int64_t *cd, int rx, const int64_t *xd, int ry,
                      const int64_t *yd)
{
	opcase_t c;
	oc_init(&c, "Where");
	oc_in_gen(&c, cdt, rc, cd, cdt == WEIR_DT_BOOL ? 0 : -2, cdt == WEIR_DT_BOOL ? 1 : 2);
	oc_in_gen(&c, dt, rx, xd, -100, 100);
	oc_in_gen(&c, dt, ry, yd, -100, 100);
	OC_EXPECT_OK(&c, 1);
	const weir_tensor_desc_t *o = &c.out_desc[0];
	assert_int_equal(o->dtype, dt);
	int64_t n = oc_numel((int)o->rank, o->dims), idx[8];
	for (int64_t k = 0; k < n; k++) {
		oc_unravel(k, (int)o->rank, o->dims, idx);
		bool t = oc_ld(&c, 0, bidx((int)o->rank, idx, rc, cd)) != 0;
		if (t)
			expect_elem(&c, k, 1, bidx((int)o->rank, idx, rx, xd));
		else
			expect_elem(&c, k, 2, bidx((int)o->rank, idx, ry, yd));
	}
	oc_fini(&c);
}

static void test_where(void **state)
{
	(void)state;
	for (size_t t = 0; t < OC_N(oc_all_dts); t++) {
		int dt = oc_all_dts[t];
		run_where(WEIR_DT_BOOL, dt, 2, (int64_t[]){ 3, 1 }, 1, (int64_t[]){ 4 }, 2,
		          (int64_t[]){ 3, 4 });
		run_where(WEIR_DT_INT32, dt, 0, NULL, 2, (int64_t[]){ 2, 5 }, 0, NULL);
	}
	run_where(WEIR_DT_UINT8, WEIR_DT_FLOAT, 3, (int64_t[]){ 2, 1, 3 }, 2, (int64_t[]){ 4, 1 },
	          1, (int64_t[]){ 3 });
	run_where(WEIR_DT_INT64, WEIR_DT_BF16, 1, (int64_t[]){ 5 }, 2, (int64_t[]){ 0, 5 }, 1,
	          (int64_t[]){ 1 }); /* empty */
	run_where(WEIR_DT_BOOL, WEIR_DT_FLOAT16, 2, (int64_t[]){ 300, 1 }, 1, (int64_t[]){ 400 }, 2,
	          (int64_t[]){ 300, 400 }); /* several blocks */

	static float f[64];
	static uint8_t b[64];
	opcase_t c;
	oc_init(&c, "Where");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 2 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 2 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 2 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "bool or an integer");
	oc_fini(&c);
	oc_init(&c, "Where");
	oc_in(&c, WEIR_DT_BOOL, 1, (int64_t[]){ 2 }, b);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 2 }, f);
	oc_in(&c, WEIR_DT_FLOAT16, 1, (int64_t[]){ 2 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "dtypes differ");
	oc_fini(&c);
	oc_init(&c, "Where");
	oc_in(&c, WEIR_DT_BOOL, 1, (int64_t[]){ 3 }, b);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 2 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 2 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "do not broadcast");
	oc_fini(&c);
	oc_init(&c, "Where");
	oc_in(&c, WEIR_DT_BOOL, 1, (int64_t[]){ 2 }, b);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 2 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "count");
	oc_fini(&c);
}

static void run_tri(const char *op, int dt, int rank, const int64_t *dims, int64_t diag, bool set)
{
	bool upper = !strcmp(op, "Triu");
	opcase_t c;
	oc_init(&c, op);
	oc_in_gen(&c, dt, rank, dims, 1, 50); /* never zero: kept elements are visible */
	if (set)
		oc_attr_int(&c, "diagonal", diag);
	OC_EXPECT_OK(&c, 1);
	oc_expect_shape(&c, 0, dt, rank, dims);
	int64_t n = oc_numel(rank, dims), idx[8];
	for (int64_t k = 0; k < n; k++) {
		oc_unravel(k, rank, dims, idx);
		int64_t i = idx[rank - 2], j = idx[rank - 1];
		bool keep = upper ? j - i >= diag : j - i <= diag;
		if (keep)
			expect_elem(&c, k, 0, k);
		else
			expect_zero(&c, k);
	}
	oc_fini(&c);
}

static void test_tril_triu(void **state)
{
	(void)state;
	static const char *const ops[] = { "Tril", "Triu" };
	for (size_t o = 0; o < 2; o++) {
		for (size_t t = 0; t < OC_N(oc_all_dts); t++) {
			run_tri(ops[o], oc_all_dts[t], 2, (int64_t[]){ 4, 5 }, 0, false);
			run_tri(ops[o], oc_all_dts[t], 3, (int64_t[]){ 2, 5, 3 }, -1, true);
		}
		static const int64_t diags[] = { 2, -3, 100, -100, INT64_MAX, INT64_MIN };
		for (size_t d = 0; d < OC_N(diags); d++)
			run_tri(ops[o], WEIR_DT_FLOAT, 2, (int64_t[]){ 3, 6 }, diags[d], true);
		run_tri(ops[o], WEIR_DT_BF16, 3, (int64_t[]){ 0, 3, 3 }, 0, false);
		run_tri(ops[o], WEIR_DT_FLOAT16, 2, (int64_t[]){ 3, 0 }, 0, false);
		run_tri(ops[o], WEIR_DT_FLOAT, 3, (int64_t[]){ 6, 200, 150 }, 1, true);

		static float f[8];
		opcase_t c;
		oc_init(&c, ops[o]);
		oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, f);
		OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "rank >= 2");
		oc_fini(&c);
		oc_init(&c, ops[o]);
		oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 2 }, f);
		oc_attr_str(&c, "diagonal", "x");
		OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "diagonal");
		oc_fini(&c);
	}
}

/* Range over one dtype with Const inputs; ref computed independently. */
static void run_range(int dt, double s, double l, double d, int64_t want_n)
{
	uint8_t bs[8], bl[8], bd[8];
	weir_dt_store(dt, bs, 0, s);
	weir_dt_store(dt, bl, 0, l);
	weir_dt_store(dt, bd, 0, d);
	opcase_t c;
	oc_init(&c, "Range");
	oc_const(&c, oc_in(&c, dt, 0, NULL, bs));
	oc_const(&c, oc_in(&c, dt, 1, (int64_t[]){ 1 }, bl));
	oc_const(&c, oc_in(&c, dt, 0, NULL, bd));
	OC_EXPECT_OK(&c, 1);
	OC_SHAPE(&c, 0, dt, want_n);
	double *ref = malloc(sizeof(double) * (size_t)(want_n + 1));
	assert_non_null(ref);
	double s0 = weir_dt_load(dt, bs, 0), d0 = weir_dt_load(dt, bd, 0);
	for (int64_t i = 0; i < want_n; i++)
		ref[i] = s0 + (double)i * d0;
	oc_expect_close(&c, 0, ref, 1.0);
	free(ref);
	oc_fini(&c);
}

static void test_range(void **state)
{
	(void)state;
	for (size_t t = 0; t < OC_N(oc_float_dts); t++) {
		run_range(oc_float_dts[t], 0, 5, 1, 5);
		run_range(oc_float_dts[t], 1, 2, 0.25, 4);
		run_range(oc_float_dts[t], 3, -2, -0.5, 10);
		run_range(oc_float_dts[t], 0, 1, 0.3, 4); /* ceil(3.33) */
	}
	run_range(WEIR_DT_DOUBLE, -1, 1, 0.125, 16);
	run_range(WEIR_DT_DOUBLE, 0, 100000, 1, 100000); /* several blocks */
	run_range(WEIR_DT_INT32, 0, 10, 3, 4);
	run_range(WEIR_DT_INT32, 10, 0, -3, 4);
	run_range(WEIR_DT_INT64, -5, 5, 1, 10);
	run_range(WEIR_DT_INT64, 5, 5, 1, 0);  /* empty */
	run_range(WEIR_DT_INT64, 0, 5, -1, 0); /* negative length: empty */
	run_range(WEIR_DT_FLOAT, 2, 1, 1, 0);

	/* float32 elements come from double arithmetic, then rounding. */
	{
		float s = 0.1f, l = 1.0f, d = 0.1f;
		opcase_t c;
		oc_init(&c, "Range");
		oc_const(&c, oc_in(&c, WEIR_DT_FLOAT, 0, NULL, &s));
		oc_const(&c, oc_in(&c, WEIR_DT_FLOAT, 0, NULL, &l));
		oc_const(&c, oc_in(&c, WEIR_DT_FLOAT, 0, NULL, &d));
		OC_EXPECT_OK(&c, 1);
		int64_t n = c.out_desc[0].dims[0];
		assert_int_equal(n, (int64_t)ceil(((double)l - (double)s) / (double)d));
		for (int64_t i = 0; i < n; i++)
			assert_true(((float *)c.out[0])[i] ==
			            (float)((double)s + (double)i * (double)d));
		oc_fini(&c);
	}
	/* int64 extremes: exact length and values. */
	{
		int64_t s = INT64_MIN, l = INT64_MAX, d = INT64_MAX;
		opcase_t c;
		oc_init(&c, "Range");
		oc_const(&c, oc_in(&c, WEIR_DT_INT64, 0, NULL, &s));
		oc_const(&c, oc_in(&c, WEIR_DT_INT64, 0, NULL, &l));
		oc_const(&c, oc_in(&c, WEIR_DT_INT64, 0, NULL, &d));
		OC_EXPECT_OK(&c, 1);
		OC_SHAPE(&c, 0, WEIR_DT_INT64, 3);
		const int64_t *y = c.out[0];
		assert_true(y[0] == INT64_MIN && y[1] == -1 && y[2] == INT64_MAX - 1);
		oc_fini(&c);
	}

	static int32_t z[2] = { 0, 0 }, one[2] = { 1, 1 }, ten = 10;
	static float ff[2] = { 0, 1 }, inf = INFINITY;
	opcase_t c;
	oc_init(&c, "Range"); /* delta 0 */
	oc_const(&c, oc_in(&c, WEIR_DT_INT32, 0, NULL, z));
	oc_const(&c, oc_in(&c, WEIR_DT_INT32, 0, NULL, &ten));
	oc_const(&c, oc_in(&c, WEIR_DT_INT32, 0, NULL, z));
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "delta must not be 0");
	oc_fini(&c);
	oc_init(&c, "Range"); /* float delta 0 */
	oc_const(&c, oc_in(&c, WEIR_DT_FLOAT, 0, NULL, ff));
	oc_const(&c, oc_in(&c, WEIR_DT_FLOAT, 0, NULL, ff + 1));
	oc_const(&c, oc_in(&c, WEIR_DT_FLOAT, 0, NULL, ff));
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "delta must not be 0");
	oc_fini(&c);
	oc_init(&c, "Range"); /* infinite limit */
	oc_const(&c, oc_in(&c, WEIR_DT_FLOAT, 0, NULL, ff));
	oc_const(&c, oc_in(&c, WEIR_DT_FLOAT, 0, NULL, &inf));
	oc_const(&c, oc_in(&c, WEIR_DT_FLOAT, 0, NULL, ff + 1));
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "finite");
	oc_fini(&c);
	oc_init(&c, "Range"); /* not Const */
	oc_const(&c, oc_in(&c, WEIR_DT_INT32, 0, NULL, z));
	oc_in(&c, WEIR_DT_INT32, 0, NULL, &ten);
	oc_const(&c, oc_in(&c, WEIR_DT_INT32, 0, NULL, one));
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "Range needs constant inputs");
	oc_fini(&c);
	oc_init(&c, "Range"); /* two elements */
	oc_const(&c, oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ 2 }, z));
	oc_const(&c, oc_in(&c, WEIR_DT_INT32, 0, NULL, &ten));
	oc_const(&c, oc_in(&c, WEIR_DT_INT32, 0, NULL, one));
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "one element");
	oc_fini(&c);
	oc_init(&c, "Range"); /* dtypes differ */
	oc_const(&c, oc_in(&c, WEIR_DT_INT32, 0, NULL, z));
	oc_const(&c, oc_in(&c, WEIR_DT_FLOAT, 0, NULL, ff + 1));
	oc_const(&c, oc_in(&c, WEIR_DT_INT32, 0, NULL, one));
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "dtypes differ");
	oc_fini(&c);
	oc_init(&c, "Range"); /* int8 not supported */
	oc_const(&c, oc_in(&c, WEIR_DT_INT8, 0, NULL, z));
	oc_const(&c, oc_in(&c, WEIR_DT_INT8, 0, NULL, one));
	oc_const(&c, oc_in(&c, WEIR_DT_INT8, 0, NULL, one));
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "int32/int64");
	oc_fini(&c);
	{
		int64_t s = 0, l = INT64_MAX, d = 1;
		oc_init(&c, "Range"); /* too long */
		oc_const(&c, oc_in(&c, WEIR_DT_INT64, 0, NULL, &s));
		oc_const(&c, oc_in(&c, WEIR_DT_INT64, 0, NULL, &l));
		oc_const(&c, oc_in(&c, WEIR_DT_INT64, 0, NULL, &d));
		OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "too many elements");
		oc_fini(&c);
	}
}

static void run_expand(int dt, int rx, const int64_t *xd, int rs, const int64_t *shape,
                       int how /* 0 attr, 1 int64 input, 2 int32 input */, int ro,
                       const int64_t *od)
{
	opcase_t c;
	oc_init(&c, "Expand");
	oc_in_gen(&c, dt, rx, xd, -50, 50);
	int32_t s32[8];
	for (int i = 0; i < rs; i++)
		s32[i] = (int32_t)shape[i];
	if (how == 0)
		oc_attr_ints(&c, "shape", shape, (size_t)rs);
	else if (how == 1)
		oc_const(&c, oc_in(&c, WEIR_DT_INT64, 1, (int64_t[]){ rs }, shape));
	else
		oc_const(&c, oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ rs }, s32));
	OC_EXPECT_OK(&c, 1);
	oc_expect_shape(&c, 0, dt, ro, od);
	int64_t n = oc_numel(ro, od), idx[8];
	for (int64_t k = 0; k < n; k++) {
		oc_unravel(k, ro, od, idx);
		expect_elem(&c, k, 0, bidx(ro, idx, rx, xd));
	}
	oc_fini(&c);
}

static void test_expand(void **state)
{
	(void)state;
	for (size_t t = 0; t < OC_N(oc_all_dts); t++) {
		int dt = oc_all_dts[t];
		run_expand(dt, 2, (int64_t[]){ 3, 1 }, 3, (int64_t[]){ 2, -1, 4 }, (int)(t % 3), 3,
		           (int64_t[]){ 2, 3, 4 });
		run_expand(dt, 0, NULL, 2, (int64_t[]){ 2, 3 }, 0, 2,
		           (int64_t[]){ 2, 3 }); /* fill */
	}
	run_expand(WEIR_DT_FLOAT, 1, (int64_t[]){ 1 }, 2, (int64_t[]){ 0, 0 }, 1, 2,
	           (int64_t[]){ 0, 0 }); /* empty */
	run_expand(WEIR_DT_FLOAT, 2, (int64_t[]){ 0, 1 }, 2, (int64_t[]){ -1, 5 }, 0, 2,
	           (int64_t[]){ 0, 5 });
	run_expand(WEIR_DT_FLOAT16, 2, (int64_t[]){ 2, 3 }, 2, (int64_t[]){ 2, 3 }, 0, 2,
	           (int64_t[]){ 2, 3 }); /* identity */
	run_expand(WEIR_DT_BF16, 3, (int64_t[]){ 1, 50, 1 }, 3, (int64_t[]){ 40, 50, 30 }, 2, 3,
	           (int64_t[]){ 40, 50, 30 }); /* several blocks */

	static float f[8];
	opcase_t c;
	oc_init(&c, "Expand");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 3 }, f);
	OC_INTS(&c, "shape", 2, 4);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "does not expand");
	oc_fini(&c);
	oc_init(&c, "Expand");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 1, 3 }, f);
	OC_INTS(&c, "shape", 3);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "below the rank");
	oc_fini(&c);
	oc_init(&c, "Expand");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 3 }, f);
	OC_INTS(&c, "shape", -1, 3);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "new leading dim");
	oc_fini(&c);
	oc_init(&c, "Expand");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 1 }, f);
	OC_INTS(&c, "shape", -2);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "negative");
	oc_fini(&c);
	oc_init(&c, "Expand");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 1 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "missing target shape");
	oc_fini(&c);
	oc_init(&c, "Expand"); /* shape input not Const */
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 1 }, f);
	oc_in(&c, WEIR_DT_INT64, 1, (int64_t[]){ 1 }, (int64_t[]){ 4 });
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "Const");
	oc_fini(&c);
	oc_init(&c, "Expand"); /* both */
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 1 }, f);
	oc_const(&c, oc_in(&c, WEIR_DT_INT64, 1, (int64_t[]){ 1 }, (int64_t[]){ 4 }));
	OC_INTS(&c, "shape", 4);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "both");
	oc_fini(&c);
	oc_init(&c, "Expand"); /* float shape input */
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 1 }, f);
	oc_const(&c, oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 1 }, f));
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "int32/int64");
	oc_fini(&c);
	oc_init(&c, "Expand"); /* too large */
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 1 }, f);
	OC_INTS(&c, "shape", INT64_MAX / 4, 8, 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "too many elements");
	oc_fini(&c);
	oc_init(&c, "Expand"); /* rank 9 */
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 1 }, f);
	OC_INTS(&c, "shape", 1, 1, 1, 1, 1, 1, 1, 1, 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "exceeds");
	oc_fini(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_where),
		cmocka_unit_test(test_tril_triu),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_expand),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
