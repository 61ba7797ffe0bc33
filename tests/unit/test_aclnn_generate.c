/*
 * test_aclnn_generate.c - aclnnInplaceZero, InplaceFillScalar, Arange,
 * SWhere, InplaceMaskedFillScalar, Tril, Triu (and in-place), Topk and Sort
 * against host references: contiguous and strided/offset views,
 * broadcasting, promotion, float16/bfloat16, the bad-input rows with
 * aclnn's codes, and 1/2/8 workers byte-identical on large tensors.
 */
#include "aclnn_harness.h"
#include "aclnnop/aclnn_arange.h"
#include "aclnnop/aclnn_fill_scalar.h"
#include "aclnnop/aclnn_masked_fill_scalar.h"
#include "aclnnop/aclnn_s_where.h"
#include "aclnnop/aclnn_sort.h"
#include "aclnnop/aclnn_topk.h"
#include "aclnnop/aclnn_tril.h"
#include "aclnnop/aclnn_triu.h"
#include "aclnnop/aclnn_zero.h"

#define NMAX 4096

static double va[NMAX], vb[NMAX], vc[NMAX], ref[NMAX], ref2[NMAX], got[NMAX];

static double rnd(int dt, double v)
{
	unsigned char buf[8] = { 0 };
	nh_store(dt, buf, 0, v);
	return nh_load(dt, buf, 0);
}

static void vals(double *v, int64_t n, int dt)
{
	nh_fill(v, n, -50, 50, !nh_is_float(dt));
	for (int64_t i = 0; i < n; i++)
		v[i] = rnd(dt, v[i]);
}

static void expect(const nh_t *o, const double *r)
{
	nh_read(o, got);
	nh_expect_close(got, r, o->numel, o->dtype);
	nh_expect_holes_intact(o);
}

/* ---- Zero, FillScalar ------------------------------------------------------- */

static void test_zero_fill(void **state)
{
	(void)state;
	nh_init(2);
	static const int dts[] = { ACL_FLOAT, ACL_FLOAT16, ACL_BF16, ACL_INT16, ACL_BOOL };
	for (int l = 0; l < 2; l++)
		for (size_t t = 0; t < sizeof(dts) / sizeof(dts[0]); t++) {
			nh_t x;
			vals(va, 12, dts[t]);
			nh_make(&x, dts[t], 2, NH_DIMS(3, 4), va, (nh_layout_t)l);
			assert_int_equal(NH_RUN(InplaceZero, x.t), ACLNN_SUCCESS);
			for (int i = 0; i < 12; i++)
				ref[i] = 0;
			expect(&x, ref);
			/* fill with a float value: converted to the dtype (3.7 -> 3 for ints) */
			aclScalar *s = nh_scalar(ACL_FLOAT, 3.7);
			assert_int_equal(NH_RUN(InplaceFillScalar, x.t, s), ACLNN_SUCCESS);
			for (int i = 0; i < 12; i++)
				ref[i] = rnd(dts[t], nh_is_float(dts[t]) ? (double)3.7f : 3);
			expect(&x, ref);
			aclDestroyScalar(s);
			nh_free(&x);
		}
	/* a 0-d tensor, and an int64 scalar into float16 */
	nh_t z;
	nh_make(&z, ACL_FLOAT16, 0, NULL, (double[]){ 1 }, NH_DENSE);
	aclScalar *s = nh_scalar(ACL_INT64, -7);
	assert_int_equal(NH_RUN(InplaceFillScalar, z.t, s), ACLNN_SUCCESS);
	expect(&z, (double[]){ -7 });
	aclDestroyScalar(s);
	nh_free(&z);
	nh_fini();
}

/* ---- Arange ------------------------------------------------------------------- */

static void arange_case(int sdt, double a, double e, double d, int odt, int64_t n, nh_layout_t l)
{
	nh_t o;
	nh_make(&o, odt, 1, NH_DIMS(n), NULL, l);
	aclScalar *s0 = nh_scalar(sdt, a), *s1 = nh_scalar(sdt, e), *sd = nh_scalar(sdt, d);
	assert_int_equal(NH_RUN(Arange, s0, s1, sd, o.t), ACLNN_SUCCESS);
	for (int64_t i = 0; i < n; i++)
		ref[i] = nh_is_float(odt) ? rnd(odt, a + (double)i * d)
		                          : (double)((int64_t)a + i * (int64_t)d);
	expect(&o, ref);
	aclDestroyScalar(s0);
	aclDestroyScalar(s1);
	aclDestroyScalar(sd);
	nh_free(&o);
}

static void test_arange(void **state)
{
	(void)state;
	nh_init(2);
	arange_case(ACL_FLOAT, 0, 1, 0.1f, ACL_FLOAT, 10, NH_DENSE);
	arange_case(ACL_INT64, 2, 12, 3, ACL_INT64, 4, NH_STRIDED);
	arange_case(ACL_INT32, 10, -3, -4, ACL_INT32, 4, NH_DENSE);
	arange_case(ACL_DOUBLE, 1.5, 5, 1, ACL_INT32, 4, NH_STRIDED); /* 1, 2, 3, 4 */
	arange_case(ACL_INT64, -3, 4, 2, ACL_FLOAT16, 4, NH_STRIDED); /* promotion */
	arange_case(ACL_FLOAT, 0, 2, 0.25, ACL_BF16, 8, NH_DENSE);
	arange_case(ACL_INT64, 5, 5, 1, ACL_FLOAT, 0, NH_DENSE); /* empty */
	nh_fini();
}

/* ---- SWhere, MaskedFill ----------------------------------------------------------- */

static void test_where(void **state)
{
	(void)state;
	nh_init(2);
	for (int l = 0; l < 2; l++) {
		/* condition [3,1] bool, self [4] int32, other [3,4] float16 -> float16 [3,4] */
		nh_t c, x, y, o;
		nh_fill(va, 3, 0, 2, true);
		vals(vb, 4, ACL_INT32);
		vals(vc, 12, ACL_FLOAT16);
		nh_make(&c, ACL_BOOL, 2, NH_DIMS(3, 1), va, (nh_layout_t)l);
		nh_make(&x, ACL_INT32, 1, NH_DIMS(4), vb, (nh_layout_t)l);
		nh_make(&y, ACL_FLOAT16, 2, NH_DIMS(3, 4), vc, NH_STRIDED);
		nh_make(&o, ACL_FLOAT, 2, NH_DIMS(3, 4), NULL, (nh_layout_t)l);
		assert_int_equal(NH_RUN(SWhere, c.t, x.t, y.t, o.t), ACLNN_SUCCESS);
		for (int k = 0; k < 12; k++)
			ref[k] = va[k / 4] != 0 ? rnd(ACL_FLOAT16, vb[k % 4]) : vc[k];
		expect(&o, ref);
		nh_free(&c);
		nh_free(&x);
		nh_free(&y);
		nh_free(&o);
		/* masked_fill_: selfRef [3,4], mask [4] (broadcast), value 9.5 */
		nh_t s, m;
		vals(va, 12, ACL_BF16);
		nh_fill(vb, 4, 0, 2, true);
		nh_make(&s, ACL_BF16, 2, NH_DIMS(3, 4), va, (nh_layout_t)l);
		nh_make(&m, ACL_BOOL, 1, NH_DIMS(4), vb, (nh_layout_t)l);
		aclScalar *v = nh_scalar(ACL_DOUBLE, 9.5);
		assert_int_equal(NH_RUN(InplaceMaskedFillScalar, s.t, m.t, v), ACLNN_SUCCESS);
		for (int k = 0; k < 12; k++)
			ref[k] = vb[k % 4] != 0 ? 9.5 : va[k];
		expect(&s, ref);
		aclDestroyScalar(v);
		nh_free(&s);
		nh_free(&m);
	}
	nh_fini();
}

/* ---- Tril, Triu ------------------------------------------------------------------- */

static void tri_case(bool upper, bool inplace, int dt, nh_layout_t l, int64_t diag)
{
	nh_t x, o = { 0 };
	vals(va, 24, dt);
	nh_make(&x, dt, 3, NH_DIMS(2, 3, 4), va, l);
	if (!inplace)
		nh_make(&o, dt, 3, NH_DIMS(2, 3, 4), NULL, l);
	int rc = upper ? (inplace ? NH_RUN(InplaceTriu, x.t, diag) : NH_RUN(Triu, x.t, diag, o.t))
	               : (inplace ? NH_RUN(InplaceTril, x.t, diag) : NH_RUN(Tril, x.t, diag, o.t));
	assert_int_equal(rc, ACLNN_SUCCESS);
	for (int k = 0; k < 24; k++) {
		int64_t i = (k / 4) % 3, j = k % 4;
		bool keep = upper ? j - i >= diag : j - i <= diag;
		ref[k] = keep ? va[k] : 0;
	}
	expect(inplace ? &x : &o, ref);
	nh_free(&x);
	nh_free(&o);
}

static void test_tril_triu(void **state)
{
	(void)state;
	nh_init(2);
	for (int up = 0; up < 2; up++)
		for (int ip = 0; ip < 2; ip++) {
			tri_case(up, ip, ACL_FLOAT, NH_DENSE, 0);
			tri_case(up, ip, ACL_FLOAT, NH_STRIDED, 1);
			tri_case(up, ip, ACL_FLOAT16, NH_STRIDED, -1);
			tri_case(up, ip, ACL_BF16, NH_DENSE, 2);
			tri_case(up, ip, ACL_INT64, NH_STRIDED, -5);
		}
	nh_fini();
}

/* ---- Topk, Sort ----------------------------------------------------------------------- */

/* The order of row r (n values) as PyTorch's stable sort gives it. */
static void order_row(const double *v, int64_t n, bool desc, int64_t *idx)
{
	for (int64_t i = 0; i < n; i++)
		idx[i] = i;
	for (int64_t i = 1; i < n; i++) { /* insertion sort: stable */
		int64_t t = idx[i], j = i;
		while (j > 0 && (desc ? v[idx[j - 1]] < v[t] : v[idx[j - 1]] > v[t])) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = t;
	}
}

static void sort_case(bool topk, int dt, nh_layout_t l, bool desc, int64_t k, int idt)
{
	enum { RW = 4, CL = 6 };
	nh_t x, ov, oi;
	nh_fill(va, RW * CL, -5, 5, true); /* ties */
	for (int i = 0; i < RW * CL; i++)
		va[i] = rnd(dt, va[i]);
	int64_t n = topk ? k : CL;
	nh_make(&x, dt, 2, NH_DIMS(RW, CL), va, l);
	nh_make(&ov, dt, 2, NH_DIMS(RW, n), NULL, l);
	nh_make(&oi, idt, 2, NH_DIMS(RW, n), NULL, l);
	int rc = topk ? NH_RUN(Topk, x.t, k, -1, desc, true, ov.t, oi.t)
	              : NH_RUN(Sort, x.t, true, 1, desc, ov.t, oi.t);
	assert_int_equal(rc, ACLNN_SUCCESS);
	for (int r = 0; r < RW; r++) {
		int64_t idx[CL];
		order_row(va + r * CL, CL, desc, idx);
		for (int64_t j = 0; j < n; j++) {
			ref[r * n + j] = va[r * CL + idx[j]];
			ref2[r * n + j] = (double)idx[j];
		}
	}
	expect(&ov, ref);
	expect(&oi, ref2);
	nh_free(&x);
	nh_free(&ov);
	nh_free(&oi);
}

static void test_topk_sort(void **state)
{
	(void)state;
	nh_init(2);
	for (int t = 0; t < 2; t++) {
		sort_case(t, ACL_FLOAT, NH_DENSE, true, 3, ACL_INT64);
		sort_case(t, ACL_FLOAT, NH_STRIDED, false, 2, ACL_INT64);
		sort_case(t, ACL_FLOAT16, NH_STRIDED, true, 6, ACL_INT32);
		sort_case(t, ACL_BF16, NH_DENSE, false, 0, ACL_INT64);
		sort_case(t, ACL_INT32, NH_STRIDED, true, 4, ACL_INT64);
	}
	nh_fini();
}

/* ---- bad inputs ------------------------------------------------------------------------- */

static void test_bad_inputs(void **state)
{
	(void)state;
	nh_init(2);
	double v[12] = { 0, 1, 2, 1, 0, 2, 1, 1, 0, 2, 2, 0 };
	nh_t a, s, o, i64, f4, b4, r1, u64, oi;
	nh_make(&a, ACL_FLOAT, 2, NH_DIMS(3, 4), v, NH_DENSE);
	nh_make(&s, ACL_FLOAT, 2, NH_DIMS(3, 4), v, NH_STRIDED);
	nh_make(&o, ACL_FLOAT, 2, NH_DIMS(3, 4), NULL, NH_DENSE);
	nh_make(&i64, ACL_INT64, 2, NH_DIMS(3, 4), NULL, NH_DENSE);
	nh_make(&f4, ACL_FLOAT, 1, NH_DIMS(4), v, NH_DENSE);
	nh_make(&b4, ACL_BOOL, 2, NH_DIMS(2, 4), v, NH_DENSE);
	nh_make(&r1, ACL_FLOAT, 1, NH_DIMS(5), NULL, NH_DENSE);
	nh_make(&u64, ACL_UINT64, 2, NH_DIMS(3, 4), v, NH_DENSE);
	nh_make(&oi, ACL_FLOAT, 2, NH_DIMS(3, 4), NULL, NH_DENSE);
	uint64_t ws;
	aclOpExecutor *ex;
	aclScalar *one = nh_scalar(ACL_FLOAT, 1), *zero = nh_scalar(ACL_FLOAT, 0);
	aclScalar *five = nh_scalar(ACL_FLOAT, 5), *nan = nh_scalar(ACL_FLOAT, NAN);

	/* Zero, FillScalar */
	assert_int_equal(aclnnInplaceZeroGetWorkspaceSize(NULL, &ws, &ex), ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnInplaceZeroGetWorkspaceSize(a.t, NULL, &ex), ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnInplaceFillScalarGetWorkspaceSize(a.t, NULL, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	nh_expect_msg("value is NULL");
	assert_int_equal(NH_PLAN(InplaceFillScalar, s.t, one), ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnInplaceFillScalar); /* a strided selfRef: via a temp */
	assert_int_equal(NH_PLAN(InplaceZero, s.t), ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnInplaceZero);
	/* Arange */
	assert_int_equal(aclnnArangeGetWorkspaceSize(NULL, five, one, r1.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnArangeGetWorkspaceSize(zero, five, zero, r1.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("step must not be 0");
	assert_int_equal(aclnnArangeGetWorkspaceSize(five, zero, one, r1.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnArangeGetWorkspaceSize(zero, nan, one, r1.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnArangeGetWorkspaceSize(zero, one, one, r1.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID); /* out has 5 elements, the range 1 */
	nh_expect_msg("the output has shape");
	assert_int_equal(aclnnArangeGetWorkspaceSize(zero, one, one, b4.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("out has dtype");
	/* SWhere */
	assert_int_equal(aclnnSWhereGetWorkspaceSize(NULL, a.t, a.t, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnSWhereGetWorkspaceSize(a.t, a.t, a.t, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("condition has dtype");
	assert_int_equal(aclnnSWhereGetWorkspaceSize(b4.t, a.t, a.t, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID); /* [2,4] with [3,4] */
	assert_int_equal(aclnnSWhereGetWorkspaceSize(b4.t, f4.t, f4.t, i64.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID); /* float into int64 */
	assert_int_equal(NH_PLAN(SWhere, b4.t, s.t, f4.t, o.t), ACLNN_ERR_PARAM_INVALID);
	/* MaskedFill */
	assert_int_equal(aclnnInplaceMaskedFillScalarGetWorkspaceSize(a.t, NULL, one, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnInplaceMaskedFillScalarGetWorkspaceSize(a.t, b4.t, one, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("does not broadcast");
	assert_int_equal(aclnnInplaceMaskedFillScalarGetWorkspaceSize(a.t, f4.t, one, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("mask has dtype");
	/* Tril, Triu */
	assert_int_equal(aclnnTrilGetWorkspaceSize(NULL, 0, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnTriuGetWorkspaceSize(f4.t, 0, f4.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("at least 2");
	assert_int_equal(aclnnTrilGetWorkspaceSize(a.t, 0, b4.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnTriuGetWorkspaceSize(a.t, 0, i64.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID); /* float into int64 */
	assert_int_equal(aclnnInplaceTrilGetWorkspaceSize(NULL, 0, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(NH_PLAN(Tril, s.t, 0, o.t), ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnTril);
	assert_int_equal(NH_PLAN(InplaceTriu, s.t, 0), ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnInplaceTriu);
	/* Topk, Sort */
	nh_t v2, i2;
	nh_make(&v2, ACL_FLOAT, 2, NH_DIMS(3, 2), NULL, NH_DENSE);
	nh_make(&i2, ACL_INT64, 2, NH_DIMS(3, 2), NULL, NH_DENSE);
	assert_int_equal(aclnnTopkGetWorkspaceSize(NULL, 2, 1, true, true, v2.t, i2.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnTopkGetWorkspaceSize(a.t, 5, 1, true, true, v2.t, i2.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("k 5 is out of range");
	assert_int_equal(aclnnTopkGetWorkspaceSize(a.t, 3, 1, true, true, v2.t, i2.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID); /* outputs [3,2] for k 3 */
	assert_int_equal(aclnnTopkGetWorkspaceSize(u64.t, 2, 1, true, true, v2.t, i2.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID); /* uint64 */
	assert_int_equal(aclnnSortGetWorkspaceSize(a.t, false, 1, false, o.t, oi.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("indicesOut has dtype");
	assert_int_equal(aclnnSortGetWorkspaceSize(a.t, false, 2, false, o.t, i64.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnSortGetWorkspaceSize(a.t, false, 1, false, NULL, i64.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(NH_PLAN(Sort, s.t, false, 1, false, o.t, i64.t), ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnSort);
	assert_int_equal(NH_PLAN(Topk, s.t, 2, 1, true, true, v2.t, i2.t), ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnTopk);
	nh_free(&v2);
	nh_free(&i2);

	aclDestroyScalar(one);
	aclDestroyScalar(zero);
	aclDestroyScalar(five);
	aclDestroyScalar(nan);
	nh_free(&a);
	nh_free(&s);
	nh_free(&o);
	nh_free(&i64);
	nh_free(&f4);
	nh_free(&b4);
	nh_free(&r1);
	nh_free(&u64);
	nh_free(&oi);
	nh_fini();
}

/* ---- many workers ---------------------------------------------------------------------- */

enum { R = 300, C = 257 };

static void grab(const nh_t *o, unsigned char *out, size_t *len)
{
	nh_read_bytes(o, out + *len);
	*len += (size_t)o->numel * nh_size(o->dtype);
}

static void big_generate(void *ctx, unsigned char *out, size_t *len)
{
	(void)ctx;
	*len = 0;
	double *v = malloc(sizeof(double) * R * C), *m = malloc(sizeof(double) * R * C);
	nh_rng = 11;
	nh_fill(v, R * C, -100, 100, false);
	nh_fill(m, R * C, 0, 2, true);
	nh_t x, o, mk, vi, ii, r;
	nh_make(&x, ACL_FLOAT, 2, NH_DIMS(R, C), v, NH_STRIDED);
	nh_make(&o, ACL_FLOAT, 2, NH_DIMS(R, C), v, NH_STRIDED);
	nh_make(&mk, ACL_BOOL, 2, NH_DIMS(R, C), m, NH_DENSE);
	nh_make(&vi, ACL_FLOAT, 2, NH_DIMS(R, C), NULL, NH_DENSE);
	nh_make(&ii, ACL_INT64, 2, NH_DIMS(R, C), NULL, NH_DENSE);
	nh_make(&r, ACL_FLOAT, 1, NH_DIMS(R * C), NULL, NH_DENSE);
	aclScalar *s7 = nh_scalar(ACL_FLOAT, 7.5), *s0 = nh_scalar(ACL_INT64, 0);
	aclScalar *se = nh_scalar(ACL_INT64, R * C), *s1 = nh_scalar(ACL_INT64, 1);
	assert_int_equal(NH_RUN(SWhere, mk.t, x.t, vi.t, o.t), ACLNN_SUCCESS);
	grab(&o, out, len);
	assert_int_equal(NH_RUN(InplaceMaskedFillScalar, o.t, mk.t, s7), ACLNN_SUCCESS);
	grab(&o, out, len);
	assert_int_equal(NH_RUN(Tril, x.t, 3, vi.t), ACLNN_SUCCESS);
	grab(&vi, out, len);
	assert_int_equal(NH_RUN(InplaceTril, o.t, -2), ACLNN_SUCCESS);
	grab(&o, out, len);
	assert_int_equal(NH_RUN(Triu, x.t, 3, vi.t), ACLNN_SUCCESS);
	grab(&vi, out, len);
	assert_int_equal(NH_RUN(InplaceTriu, o.t, -2), ACLNN_SUCCESS);
	grab(&o, out, len);
	assert_int_equal(NH_RUN(Sort, x.t, true, 1, false, vi.t, ii.t), ACLNN_SUCCESS);
	grab(&vi, out, len);
	grab(&ii, out, len);
	assert_int_equal(NH_RUN(Topk, x.t, C, 1, true, true, vi.t, ii.t), ACLNN_SUCCESS);
	grab(&vi, out, len);
	grab(&ii, out, len);
	assert_int_equal(NH_RUN(Arange, s0, se, s1, r.t), ACLNN_SUCCESS);
	grab(&r, out, len);
	double *g = malloc(sizeof(double) * R * C);
	nh_read(&r, g);
	for (int64_t k = 0; k < (int64_t)R * C; k++)
		assert_true(g[k] == (double)k);
	free(g);
	assert_int_equal(NH_RUN(InplaceFillScalar, o.t, s7), ACLNN_SUCCESS);
	grab(&o, out, len);
	assert_int_equal(NH_RUN(InplaceZero, o.t), ACLNN_SUCCESS);
	grab(&o, out, len);
	aclDestroyScalar(s7);
	aclDestroyScalar(s0);
	aclDestroyScalar(se);
	aclDestroyScalar(s1);
	nh_free(&x);
	nh_free(&o);
	nh_free(&mk);
	nh_free(&vi);
	nh_free(&ii);
	nh_free(&r);
	free(v);
	free(m);
}

static void test_workers_identical(void **state)
{
	(void)state;
	nh_for_workers(big_generate, NULL, (size_t)R * C * 4 * 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zero_fill),
		cmocka_unit_test(test_arange),
		cmocka_unit_test(test_where),
		cmocka_unit_test(test_tril_triu),
		cmocka_unit_test(test_topk_sort),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_workers_identical),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
