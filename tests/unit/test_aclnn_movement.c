/*
 * test_aclnn_movement.c - aclnnCast, Permute, Cat, SplitTensor,
 * SplitWithSize, Slice, Gather, IndexSelect, Embedding, Expand and
 * InplaceCopy against host references: contiguous and strided/offset
 * views, broadcasting, promotion, float16/bfloat16, the bad-input rows
 * with aclnn's codes, and 1/2/8 workers byte-identical on large tensors.
 */
#include "aclnn_harness.h"
#include "aclnnop/aclnn_cast.h"
#include "aclnnop/aclnn_cat.h"
#include "aclnnop/aclnn_copy.h"
#include "aclnnop/aclnn_embedding.h"
#include "aclnnop/aclnn_expand.h"
#include "aclnnop/aclnn_gather.h"
#include "aclnnop/aclnn_index_select.h"
#include "aclnnop/aclnn_permute.h"
#include "aclnnop/aclnn_slice.h"
#include "aclnnop/aclnn_split_tensor.h"
#include "aclnnop/aclnn_split_with_size.h"

#define NMAX 4096

static double va[NMAX], vb[NMAX], vc[NMAX], ref[NMAX], got[NMAX];

/* v as dtype dt holds it (nh_round with a zeroed buffer). */
static double rnd(int dt, double v)
{
	unsigned char buf[8] = { 0 };
	nh_store(dt, buf, 0, v);
	return nh_load(dt, buf, 0);
}

/* Values of dtype dt in a small range, rounded to dt. */
static void vals(double *v, int64_t n, int dt)
{
	nh_fill(v, n, -50, 50, !nh_is_float(dt));
	for (int64_t i = 0; i < n; i++)
		v[i] = rnd(dt, v[i]);
}

/* o holds ref (n values, exact) and nothing outside its view was written. */
static void expect(const nh_t *o, const double *r)
{
	nh_read(o, got);
	nh_expect_close(got, r, o->numel, o->dtype);
	nh_expect_holes_intact(o);
}

static void unravel(int64_t k, uint32_t rank, const int64_t *dims, int64_t *idx)
{
	for (int d = (int)rank - 1; d >= 0; d--) {
		idx[d] = k % dims[d];
		k /= dims[d];
	}
}

static int64_t ravel(uint32_t rank, const int64_t *dims, const int64_t *idx)
{
	int64_t k = 0;
	for (uint32_t d = 0; d < rank; d++)
		k = k * dims[d] + idx[d];
	return k;
}

/* A list owns its tensors (destroying it destroys them): forget x's handle,
 * keeping its memory for nh_free. */
static void owned(nh_t *x)
{
	x->t = NULL;
}

static aclIntArray *ints(const int64_t *v, uint64_t n)
{
	aclIntArray *a = aclCreateIntArray(v, n);
	assert_non_null(a);
	return a;
}

/* ---- Cast ------------------------------------------------------------------ */

static void cast_case(int from, int to, nh_layout_t lx, nh_layout_t lo)
{
	nh_t x, o;
	vals(va, 12, from);
	va[0] = rnd(from, 2.75); /* truncation to integers */
	va[1] = rnd(from, -2.75);
	nh_make(&x, from, 2, NH_DIMS(3, 4), va, lx);
	nh_make(&o, to, 2, NH_DIMS(3, 4), NULL, lo);
	assert_int_equal(NH_RUN(Cast, x.t, (aclDataType)to, o.t), ACLNN_SUCCESS);
	for (int i = 0; i < 12; i++)
		ref[i] = rnd(to, nh_is_float(to) ? va[i] : trunc(va[i]));
	expect(&o, ref);
	nh_free(&x);
	nh_free(&o);
}

static void test_cast(void **state)
{
	(void)state;
	nh_init(2);
	cast_case(ACL_FLOAT, ACL_INT32, NH_DENSE, NH_DENSE);
	cast_case(ACL_FLOAT, ACL_INT32, NH_STRIDED, NH_STRIDED);
	cast_case(ACL_INT32, ACL_FLOAT16, NH_STRIDED, NH_DENSE);
	cast_case(ACL_FLOAT16, ACL_BF16, NH_DENSE, NH_STRIDED);
	cast_case(ACL_BF16, ACL_INT64, NH_STRIDED, NH_DENSE);
	cast_case(ACL_INT8, ACL_DOUBLE, NH_DENSE, NH_DENSE);
	cast_case(ACL_FLOAT, ACL_FLOAT, NH_STRIDED, NH_DENSE);
	cast_case(ACL_INT64, ACL_BOOL, NH_DENSE, NH_DENSE);
	nh_fini();
}

/* ---- Permute --------------------------------------------------------------- */

static void permute_case(int dt, nh_layout_t l)
{
	nh_t x, o;
	const int64_t xd[3] = { 2, 3, 4 }, od[3] = { 4, 2, 3 }; /* perm [2, 0, -2] */
	vals(va, 24, dt);
	nh_make(&x, dt, 3, xd, va, l);
	nh_make(&o, dt, 3, od, NULL, l);
	aclIntArray *p = ints(NH_DIMS(2, 0, -2), 3);
	assert_int_equal(NH_RUN(Permute, x.t, p, o.t), ACLNN_SUCCESS);
	for (int64_t k = 0; k < 24; k++) {
		int64_t oi[3], xi[3];
		unravel(k, 3, od, oi);
		xi[2] = oi[0];
		xi[0] = oi[1];
		xi[1] = oi[2];
		ref[k] = va[ravel(3, xd, xi)];
	}
	expect(&o, ref);
	aclDestroyIntArray(p);
	nh_free(&x);
	nh_free(&o);
}

static void test_permute(void **state)
{
	(void)state;
	nh_init(2);
	permute_case(ACL_FLOAT, NH_DENSE);
	permute_case(ACL_FLOAT, NH_STRIDED);
	permute_case(ACL_FLOAT16, NH_STRIDED);
	permute_case(ACL_BF16, NH_DENSE);
	permute_case(ACL_INT8, NH_STRIDED);
	nh_fini();
}

/* ---- Cat, Split ------------------------------------------------------------ */

static void test_cat(void **state)
{
	(void)state;
	nh_init(2);
	for (int l = 0; l < 2; l++) {
		/* [2,3] float + [2,1] int32 + [2,2] float16 (+ an empty 1-D) along dim -1:
		 * promoted to float32 */
		nh_t a, b, c, e, o;
		vals(va, 6, ACL_FLOAT);
		vals(vb, 2, ACL_INT32);
		vals(vc, 4, ACL_FLOAT16);
		nh_make(&a, ACL_FLOAT, 2, NH_DIMS(2, 3), va, (nh_layout_t)l);
		nh_make(&b, ACL_INT32, 2, NH_DIMS(2, 1), vb, NH_STRIDED);
		nh_make(&c, ACL_FLOAT16, 2, NH_DIMS(2, 2), vc, (nh_layout_t)l);
		nh_make(&e, ACL_FLOAT, 1, NH_DIMS(0), NULL, NH_DENSE);
		nh_make(&o, ACL_FLOAT, 2, NH_DIMS(2, 6), NULL, (nh_layout_t)l);
		const aclTensor *ts[4] = { a.t, e.t, b.t, c.t };
		aclTensorList *list = aclCreateTensorList(ts, 4);
		assert_non_null(list);
		assert_int_equal(NH_RUN(Cat, list, -1, o.t), ACLNN_SUCCESS);
		for (int r = 0; r < 2; r++) {
			for (int j = 0; j < 3; j++)
				ref[r * 6 + j] = va[r * 3 + j];
			ref[r * 6 + 3] = vb[r];
			ref[r * 6 + 4] = vc[r * 2];
			ref[r * 6 + 5] = vc[r * 2 + 1];
		}
		expect(&o, ref);
		aclDestroyTensorList(list);
		owned(&a);
		owned(&b);
		owned(&c);
		owned(&e);
		nh_free(&a);
		nh_free(&b);
		nh_free(&c);
		nh_free(&e);
		nh_free(&o);
	}
	nh_fini();
}

static void test_split(void **state)
{
	(void)state;
	nh_init(2);
	for (int l = 0; l < 2; l++) {
		/* SplitTensor: [7,3] by 3 along dim 0 -> 3, 3, 1 rows */
		nh_t x, o[3];
		vals(va, 21, ACL_BF16);
		nh_make(&x, ACL_BF16, 2, NH_DIMS(7, 3), va, (nh_layout_t)l);
		const int64_t rows[3] = { 3, 3, 1 };
		for (int i = 0; i < 3; i++)
			nh_make(&o[i], ACL_BF16, 2, NH_DIMS(rows[i], 3), NULL, (nh_layout_t)l);
		const aclTensor *ts[3] = { o[0].t, o[1].t, o[2].t };
		aclTensorList *list = aclCreateTensorList(ts, 3);
		assert_int_equal(NH_RUN(SplitTensor, x.t, 3, 0, list), ACLNN_SUCCESS);
		for (int i = 0; i < 3; i++)
			expect(&o[i], va + 9 * i);
		/* a list of the wrong length */
		nh_t w[2];
		nh_make(&w[0], ACL_BF16, 2, NH_DIMS(3, 3), NULL, NH_DENSE);
		nh_make(&w[1], ACL_BF16, 2, NH_DIMS(4, 3), NULL, NH_DENSE);
		const aclTensor *two[2] = { w[0].t, w[1].t };
		aclTensorList *l2 = aclCreateTensorList(two, 2);
		assert_int_equal(NH_PLAN(SplitTensor, x.t, 3, 0, l2), ACLNN_ERR_PARAM_INVALID);
		nh_expect_msg("out has 2 tensors");
		aclDestroyTensorList(l2);
		owned(&w[0]);
		owned(&w[1]);
		nh_free(&w[0]);
		nh_free(&w[1]);
		aclDestroyTensorList(list);
		for (int i = 0; i < 3; i++)
			owned(&o[i]);
		nh_free(&x);
		for (int i = 0; i < 3; i++)
			nh_free(&o[i]);

		/* SplitWithSize: [2,7] into 2, 0, 5 along dim -1 */
		nh_t y, p[3];
		vals(va, 14, ACL_INT32);
		nh_make(&y, ACL_INT32, 2, NH_DIMS(2, 7), va, (nh_layout_t)l);
		const int64_t cols[3] = { 2, 0, 5 };
		for (int i = 0; i < 3; i++)
			nh_make(&p[i], ACL_INT32, 2, NH_DIMS(2, cols[i]), NULL, (nh_layout_t)l);
		const aclTensor *ps[3] = { p[0].t, p[1].t, p[2].t };
		list = aclCreateTensorList(ps, 3);
		aclIntArray *sz = ints(cols, 3);
		assert_int_equal(NH_RUN(SplitWithSize, y.t, sz, -1, list), ACLNN_SUCCESS);
		int64_t at = 0;
		for (int i = 0; i < 3; i++) {
			for (int r = 0; r < 2; r++)
				for (int j = 0; j < cols[i]; j++)
					ref[r * cols[i] + j] = va[r * 7 + at + j];
			at += cols[i];
			expect(&p[i], ref);
		}
		aclIntArray *bad = ints(NH_DIMS(2, 1, 5), 3); /* sums to 8 */
		assert_int_equal(NH_PLAN(SplitWithSize, y.t, bad, -1, list),
		                 ACLNN_ERR_PARAM_INVALID);
		nh_expect_msg("sums to 8");
		aclDestroyIntArray(bad);
		aclDestroyIntArray(sz);
		aclDestroyTensorList(list);
		nh_free(&y);
		for (int i = 0; i < 3; i++) {
			owned(&p[i]);
			nh_free(&p[i]);
		}
	}
	nh_fini();
}

/* ---- Slice ----------------------------------------------------------------- */

static void slice_case(int dt, nh_layout_t l, int64_t start, int64_t end, int64_t step, int64_t n)
{
	nh_t x, o;
	vals(va, 40, dt);
	nh_make(&x, dt, 2, NH_DIMS(5, 8), va, l);
	nh_make(&o, dt, 2, NH_DIMS(5, n), NULL, l);
	assert_int_equal(NH_RUN(Slice, x.t, 1, start, end, step, o.t), ACLNN_SUCCESS);
	int64_t s = start < 0 ? start + 8 : start;
	if (s < 0)
		s = 0;
	for (int r = 0; r < 5; r++)
		for (int64_t j = 0; j < n; j++)
			ref[r * n + j] = va[r * 8 + s + j * step];
	expect(&o, ref);
	nh_free(&x);
	nh_free(&o);
}

static void test_slice(void **state)
{
	(void)state;
	nh_init(2);
	slice_case(ACL_FLOAT, NH_DENSE, 1, 6, 2, 3);
	slice_case(ACL_FLOAT, NH_STRIDED, -7, 100, 3, 3); /* clamped end */
	slice_case(ACL_FLOAT16, NH_STRIDED, -100, 3, 1, 3);
	slice_case(ACL_INT64, NH_DENSE, 5, 2, 1, 0); /* empty */
	nh_fini();
}

/* ---- Gather, IndexSelect, Embedding ---------------------------------------- */

static void gather_case(int dt, int idt, nh_layout_t l, int64_t dim)
{
	/* self [3,4], index [2,3] (smaller on the other dim: torch allows it) */
	nh_t x, ix, o;
	vals(va, 12, dt);
	int64_t nd = dim < 0 ? dim + 2 : dim, A = nd == 0 ? 3 : 4;
	nh_fill(vb, 6, (double)-A, (double)A, true);
	nh_make(&x, dt, 2, NH_DIMS(3, 4), va, l);
	nh_make(&ix, idt, 2, NH_DIMS(2, 3), vb, l);
	nh_make(&o, dt, 2, NH_DIMS(2, 3), NULL, l);
	int grc = NH_RUN(Gather, x.t, dim, ix.t, o.t);
	if (grc)
		fail_msg("%d: %s", grc, aclGetRecentErrMsg());
	for (int64_t k = 0; k < 6; k++) {
		int64_t i = k / 3, j = k % 3, v = (int64_t)vb[k];
		if (v < 0)
			v += A;
		ref[k] = nd == 0 ? va[v * 4 + j] : va[i * 4 + v];
	}
	expect(&o, ref);
	nh_free(&x);
	nh_free(&ix);
	nh_free(&o);
}

static void test_gather(void **state)
{
	(void)state;
	nh_init(2);
	gather_case(ACL_FLOAT, ACL_INT64, NH_DENSE, 1);
	gather_case(ACL_FLOAT, ACL_INT32, NH_STRIDED, 0);
	gather_case(ACL_BF16, ACL_INT64, NH_STRIDED, -1);
	gather_case(ACL_UINT8, ACL_INT32, NH_DENSE, -2);
	nh_fini();
}

static void test_index_select_embedding(void **state)
{
	(void)state;
	nh_init(2);
	for (int l = 0; l < 2; l++) {
		/* index_select([4,5], dim 1, [3]) and a 0-d index */
		nh_t x, ix, o, i0, o0;
		vals(va, 20, ACL_FLOAT16);
		nh_make(&x, ACL_FLOAT16, 2, NH_DIMS(4, 5), va, (nh_layout_t)l);
		nh_make(&ix, ACL_INT64, 1, NH_DIMS(3), (double[]){ 4, -5, 2 }, (nh_layout_t)l);
		nh_make(&o, ACL_FLOAT16, 2, NH_DIMS(4, 3), NULL, (nh_layout_t)l);
		assert_int_equal(NH_RUN(IndexSelect, x.t, -1, ix.t, o.t), ACLNN_SUCCESS);
		for (int r = 0; r < 4; r++) {
			ref[r * 3 + 0] = va[r * 5 + 4];
			ref[r * 3 + 1] = va[r * 5 + 0];
			ref[r * 3 + 2] = va[r * 5 + 2];
		}
		expect(&o, ref);
		nh_make(&i0, ACL_INT32, 0, NULL, (double[]){ 2 }, NH_DENSE);
		nh_make(&o0, ACL_FLOAT16, 2, NH_DIMS(1, 5), NULL, (nh_layout_t)l);
		assert_int_equal(NH_RUN(IndexSelect, x.t, 0, i0.t, o0.t), ACLNN_SUCCESS);
		expect(&o0, va + 10);
		nh_free(&x);
		nh_free(&ix);
		nh_free(&o);
		nh_free(&i0);
		nh_free(&o0);

		/* embedding: weight [6,4], indices [2,3] -> [2,3,4] */
		nh_t w, id, e;
		vals(va, 24, ACL_FLOAT);
		nh_fill(vb, 6, 0, 6, true);
		nh_make(&w, ACL_FLOAT, 2, NH_DIMS(6, 4), va, (nh_layout_t)l);
		nh_make(&id, l ? ACL_INT32 : ACL_INT64, 2, NH_DIMS(2, 3), vb, (nh_layout_t)l);
		nh_make(&e, ACL_FLOAT, 3, NH_DIMS(2, 3, 4), NULL, (nh_layout_t)l);
		assert_int_equal(NH_RUN(Embedding, w.t, id.t, e.t), ACLNN_SUCCESS);
		for (int k = 0; k < 24; k++)
			ref[k] = va[(int64_t)vb[k / 4] * 4 + k % 4];
		expect(&e, ref);
		nh_free(&w);
		nh_free(&id);
		nh_free(&e);
	}
	nh_fini();
}

/* ---- Expand, InplaceCopy --------------------------------------------------- */

static void test_expand(void **state)
{
	(void)state;
	nh_init(2);
	for (int l = 0; l < 2; l++) {
		nh_t x, o;
		vals(va, 3, ACL_INT16);
		nh_make(&x, ACL_INT16, 2, NH_DIMS(3, 1), va, (nh_layout_t)l);
		nh_make(&o, ACL_INT16, 3, NH_DIMS(2, 3, 4), NULL, (nh_layout_t)l);
		aclIntArray *sz = ints(NH_DIMS(2, -1, 4), 3);
		assert_int_equal(NH_RUN(Expand, x.t, sz, o.t), ACLNN_SUCCESS);
		for (int k = 0; k < 24; k++)
			ref[k] = va[(k / 4) % 3];
		expect(&o, ref);
		aclDestroyIntArray(sz);
		nh_free(&x);
		nh_free(&o);
	}
	nh_fini();
}

static void test_inplace_copy(void **state)
{
	(void)state;
	nh_init(2);
	for (int l = 0; l < 2; l++) {
		/* same shape, float -> float16 */
		nh_t s, d;
		vals(va, 12, ACL_FLOAT);
		nh_make(&s, ACL_FLOAT, 2, NH_DIMS(3, 4), va, (nh_layout_t)l);
		nh_make(&d, ACL_FLOAT16, 2, NH_DIMS(3, 4), NULL, (nh_layout_t)l);
		assert_int_equal(NH_RUN(InplaceCopy, d.t, s.t), ACLNN_SUCCESS);
		for (int k = 0; k < 12; k++)
			ref[k] = rnd(ACL_FLOAT16, va[k]);
		expect(&d, ref);
		nh_free(&s);
		nh_free(&d);
		/* broadcast [4] float -> [3,4] int32 (truncating) */
		nh_t r, e;
		vals(va, 4, ACL_FLOAT);
		va[0] = -3.75;
		nh_make(&r, ACL_FLOAT, 1, NH_DIMS(4), va, (nh_layout_t)l);
		nh_make(&e, ACL_INT32, 2, NH_DIMS(3, 4), NULL, NH_STRIDED);
		assert_int_equal(NH_RUN(InplaceCopy, e.t, r.t), ACLNN_SUCCESS);
		for (int k = 0; k < 12; k++)
			ref[k] = trunc(va[k % 4]);
		expect(&e, ref);
		nh_free(&r);
		nh_free(&e);
	}
	nh_fini();
}

/* ---- bad inputs -------------------------------------------------------------- */

static void test_bad_inputs(void **state)
{
	(void)state;
	nh_init(2);
	nh_t a, s, o, big, i64, f2, dbl;
	double v[12] = { 0, 1, 2, 1, 0, 2, 1, 1, 0, 2, 2, 0 };
	nh_make(&a, ACL_FLOAT, 2, NH_DIMS(3, 4), v, NH_DENSE);
	nh_make(&s, ACL_FLOAT, 2, NH_DIMS(3, 4), v, NH_STRIDED);
	nh_make(&o, ACL_FLOAT, 2, NH_DIMS(3, 4), NULL, NH_DENSE);
	nh_make(&big, ACL_FLOAT, 2, NH_DIMS(4, 4), NULL, NH_DENSE);
	nh_make(&i64, ACL_INT64, 2, NH_DIMS(3, 4), v, NH_DENSE);
	nh_make(&f2, ACL_FLOAT, 1, NH_DIMS(2), v, NH_DENSE);
	nh_make(&dbl, ACL_INT32, 2, NH_DIMS(3, 4), NULL, NH_DENSE);
	uint64_t ws;
	aclOpExecutor *ex;
	aclIntArray *p01 = ints(NH_DIMS(1, 0), 2), *p00 = ints(NH_DIMS(0, 0), 2);
	aclIntArray *e34 = ints(NH_DIMS(3, 4), 2), *e35 = ints(NH_DIMS(3, 5), 2);
	nh_t la, lb, lc, ld;
	nh_make(&la, ACL_FLOAT, 2, NH_DIMS(3, 4), v, NH_DENSE);
	nh_make(&lb, ACL_FLOAT, 1, NH_DIMS(2), v, NH_DENSE);
	nh_make(&lc, ACL_FLOAT, 2, NH_DIMS(3, 4), v, NH_DENSE);
	nh_make(&ld, ACL_FLOAT, 2, NH_DIMS(3, 4), NULL, NH_DENSE);
	const aclTensor *pair[2] = { la.t, lb.t };
	aclTensorList *badlist = aclCreateTensorList(pair, 2);
	const aclTensor *one[1] = { lc.t };
	aclTensorList *l1 = aclCreateTensorList(one, 1);
	const aclTensor *oo[1] = { ld.t };
	aclTensorList *lo = aclCreateTensorList(oo, 1);

	/* Cast */
	assert_int_equal(aclnnCastGetWorkspaceSize(NULL, ACL_FLOAT, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	nh_expect_msg("self is NULL");
	assert_int_equal(aclnnCastGetWorkspaceSize(a.t, ACL_FLOAT, big.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnCastGetWorkspaceSize(a.t, ACL_INT32, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("out has dtype");
	assert_int_equal(aclnnCastGetWorkspaceSize(a.t, ACL_COMPLEX64, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(NH_PLAN(Cast, s.t, ACL_INT32, dbl.t), ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnCast);
	/* Permute */
	assert_int_equal(aclnnPermuteGetWorkspaceSize(a.t, NULL, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnPermuteGetWorkspaceSize(a.t, p00, big.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("repeats");
	assert_int_equal(aclnnPermuteGetWorkspaceSize(a.t, p01, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID); /* [4,3] into [3,4] */
	assert_int_equal(aclnnPermuteGetWorkspaceSize(a.t, p01, dbl.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID); /* float into int32 */
	assert_int_equal(NH_PLAN(Permute, s.t, p01, big.t), ACLNN_ERR_PARAM_INVALID);
	/* Cat */
	assert_int_equal(aclnnCatGetWorkspaceSize(NULL, 0, o.t, &ws, &ex), ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnCatGetWorkspaceSize(badlist, 0, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnCatGetWorkspaceSize(l1, 2, o.t, &ws, &ex), ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("dim 2 is out of range");
	assert_int_equal(aclnnCatGetWorkspaceSize(l1, 0, dbl.t, &ws, &ex), ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("cannot be cast");
	/* Split */
	assert_int_equal(aclnnSplitTensorGetWorkspaceSize(NULL, 1, 0, lo, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnSplitTensorGetWorkspaceSize(a.t, 3, 0, NULL, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnSplitTensorGetWorkspaceSize(a.t, 0, 0, lo, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnSplitWithSizeGetWorkspaceSize(a.t, NULL, 0, lo, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnSplitWithSizeGetWorkspaceSize(a.t, p01, 0, lo, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	/* Slice */
	assert_int_equal(aclnnSliceGetWorkspaceSize(NULL, 0, 0, 1, 1, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnSliceGetWorkspaceSize(a.t, 0, 0, 3, 0, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("step 0");
	assert_int_equal(aclnnSliceGetWorkspaceSize(a.t, 0, 0, 2, 1, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnSliceGetWorkspaceSize(a.t, 0, 0, 3, 1, dbl.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(NH_PLAN(Slice, s.t, 0, 0, 3, 1, o.t), ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnSlice);
	/* Gather */
	assert_int_equal(aclnnGatherGetWorkspaceSize(a.t, 0, NULL, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnGatherGetWorkspaceSize(a.t, 0, a.t, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("index has dtype");
	assert_int_equal(aclnnGatherGetWorkspaceSize(a.t, 0, i64.t, big.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnGatherGetWorkspaceSize(f2.t, 0, i64.t, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("rank");
	assert_int_equal(NH_PLAN(Gather, s.t, 0, i64.t, o.t), ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnGather);
	/* IndexSelect, Embedding */
	assert_int_equal(aclnnIndexSelectGetWorkspaceSize(NULL, 0, i64.t, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnIndexSelectGetWorkspaceSize(a.t, 0, i64.t, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID); /* 2-D index */
	assert_int_equal(aclnnIndexSelectGetWorkspaceSize(a.t, 0, f2.t, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID); /* float index */
	assert_int_equal(aclnnEmbeddingGetWorkspaceSize(a.t, NULL, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnEmbeddingGetWorkspaceSize(a.t, f2.t, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnEmbeddingGetWorkspaceSize(f2.t, i64.t, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID); /* 1-D weight */
	assert_int_equal(aclnnEmbeddingGetWorkspaceSize(a.t, i64.t, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID); /* out shape */
	/* Expand */
	assert_int_equal(aclnnExpandGetWorkspaceSize(a.t, NULL, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnExpandGetWorkspaceSize(a.t, e35, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("does not broadcast");
	assert_int_equal(aclnnExpandGetWorkspaceSize(a.t, e34, dbl.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(NH_PLAN(Expand, s.t, e34, o.t), ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnExpand);
	/* InplaceCopy: any dtype converts; shapes must broadcast to selfRef */
	assert_int_equal(aclnnInplaceCopyGetWorkspaceSize(NULL, a.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnInplaceCopyGetWorkspaceSize(o.t, f2.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnInplaceCopyGetWorkspaceSize(o.t, big.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(NH_PLAN(InplaceCopy, s.t, a.t), ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnInplaceCopy); /* a strided selfRef: a copy via a temp */

	aclDestroyTensorList(badlist);
	aclDestroyTensorList(l1);
	aclDestroyTensorList(lo);
	owned(&la);
	owned(&lb);
	owned(&lc);
	owned(&ld);
	nh_free(&la);
	nh_free(&lb);
	nh_free(&lc);
	nh_free(&ld);
	aclDestroyIntArray(p01);
	aclDestroyIntArray(p00);
	aclDestroyIntArray(e34);
	aclDestroyIntArray(e35);
	nh_free(&a);
	nh_free(&s);
	nh_free(&o);
	nh_free(&big);
	nh_free(&i64);
	nh_free(&f2);
	nh_free(&dbl);
	nh_fini();
}

/* ---- many workers ---------------------------------------------------------------- */

enum { R = 300, C = 257 };

/* Append o's logical bytes to out. */
static void grab(const nh_t *o, unsigned char *out, size_t *len)
{
	nh_read_bytes(o, out + *len);
	*len += (size_t)o->numel * nh_size(o->dtype);
}

static void big_movement(void *ctx, unsigned char *out, size_t *len)
{
	(void)ctx;
	*len = 0;
	double *v = malloc(sizeof(double) * R * C), *iv = malloc(sizeof(double) * R * C);
	nh_rng = 7;
	nh_fill(v, R * C, -100, 100, false);
	nh_fill(iv, R * C, 0, R, true);
	nh_t x, ix, o, t, o2;
	nh_make(&x, ACL_FLOAT, 2, NH_DIMS(R, C), v, NH_STRIDED);
	nh_make(&ix, ACL_INT64, 2, NH_DIMS(R, C), iv, NH_STRIDED);
	nh_make(&o, ACL_FLOAT, 2, NH_DIMS(R, C), NULL, NH_STRIDED);
	nh_make(&t, ACL_FLOAT, 2, NH_DIMS(C, R), NULL, NH_DENSE);
	nh_make(&o2, ACL_FLOAT16, 2, NH_DIMS(R, C), NULL, NH_DENSE);
	/* Cast */
	assert_int_equal(NH_RUN(Cast, x.t, ACL_FLOAT16, o2.t), ACLNN_SUCCESS);
	grab(&o2, out, len);
	/* Permute */
	aclIntArray *p = ints(NH_DIMS(1, 0), 2);
	assert_int_equal(NH_RUN(Permute, x.t, p, t.t), ACLNN_SUCCESS);
	grab(&t, out, len);
	aclDestroyIntArray(p);
	/* Gather along dim 0 */
	assert_int_equal(NH_RUN(Gather, x.t, 0, ix.t, o.t), ACLNN_SUCCESS);
	grab(&o, out, len);
	double *g = malloc(sizeof(double) * R * C);
	nh_read(&o, g);
	for (int64_t k = 0; k < (int64_t)R * C; k++)
		assert_true(g[k] == (double)(float)v[(int64_t)iv[k] * C + k % C]);
	free(g);
	/* InplaceCopy (broadcast a row, cast) */
	nh_t row;
	nh_make(&row, ACL_INT32, 1, NH_DIMS(C), iv, NH_DENSE);
	assert_int_equal(NH_RUN(InplaceCopy, o.t, row.t), ACLNN_SUCCESS);
	grab(&o, out, len);
	nh_free(&row);
	/* Expand */
	nh_t col;
	nh_make(&col, ACL_FLOAT, 2, NH_DIMS(R, 1), v, NH_STRIDED);
	aclIntArray *sz = ints(NH_DIMS(R, C), 2);
	assert_int_equal(NH_RUN(Expand, col.t, sz, o.t), ACLNN_SUCCESS);
	grab(&o, out, len);
	aclDestroyIntArray(sz);
	nh_free(&col);
	/* Slice, Cat, Split */
	nh_t h1, h2;
	nh_make(&h1, ACL_FLOAT, 2, NH_DIMS(R, 128), NULL, NH_DENSE);
	nh_make(&h2, ACL_FLOAT, 2, NH_DIMS(R, 129), NULL, NH_STRIDED);
	assert_int_equal(NH_RUN(Slice, x.t, 1, 0, 128, 1, h1.t), ACLNN_SUCCESS);
	grab(&h1, out, len);
	const aclTensor *hs[2] = { h1.t, h2.t };
	aclTensorList *hl = aclCreateTensorList(hs, 2);
	assert_int_equal(NH_RUN(Cat, hl, 1, o.t), ACLNN_SUCCESS);
	grab(&o, out, len);
	aclIntArray *ss = ints(NH_DIMS(128, 129), 2);
	assert_int_equal(NH_RUN(SplitWithSize, x.t, ss, -1, hl), ACLNN_SUCCESS);
	grab(&h2, out, len);
	aclDestroyIntArray(ss);
	aclDestroyTensorList(hl);
	nh_t k1, k2;
	nh_make(&k1, ACL_FLOAT, 2, NH_DIMS(R, 129), NULL, NH_STRIDED);
	nh_make(&k2, ACL_FLOAT, 2, NH_DIMS(R, 128), NULL, NH_DENSE);
	const aclTensor *ks[2] = { k1.t, k2.t };
	aclTensorList *kl = aclCreateTensorList(ks, 2);
	assert_int_equal(NH_RUN(SplitTensor, x.t, 129, 1, kl), ACLNN_SUCCESS);
	grab(&k1, out, len);
	grab(&k2, out, len);
	aclDestroyTensorList(kl);
	owned(&k1);
	owned(&k2);
	nh_free(&k1);
	nh_free(&k2);
	owned(&h1);
	owned(&h2);
	nh_free(&h1);
	nh_free(&h2);
	/* IndexSelect, Embedding */
	nh_t i1, e;
	nh_make(&i1, ACL_INT32, 1, NH_DIMS(C), iv, NH_DENSE);
	nh_make(&e, ACL_FLOAT, 2, NH_DIMS(C, C), NULL, NH_DENSE);
	assert_int_equal(NH_RUN(IndexSelect, x.t, 0, i1.t, e.t), ACLNN_SUCCESS);
	grab(&e, out, len);
	assert_int_equal(NH_RUN(Embedding, x.t, i1.t, e.t), ACLNN_SUCCESS);
	grab(&e, out, len);
	nh_free(&i1);
	nh_free(&e);
	nh_free(&x);
	nh_free(&ix);
	nh_free(&o);
	nh_free(&t);
	nh_free(&o2);
	free(v);
	free(iv);
}

static void test_workers_identical(void **state)
{
	(void)state;
	nh_for_workers(big_movement, NULL, (size_t)R * C * 4 * 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cast),
		cmocka_unit_test(test_permute),
		cmocka_unit_test(test_cat),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_slice),
		cmocka_unit_test(test_gather),
		cmocka_unit_test(test_index_select_embedding),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_inplace_copy),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_workers_identical),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
