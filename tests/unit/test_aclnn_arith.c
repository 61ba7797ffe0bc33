/*
 * test_aclnn_arith.c - aclnnAdd/Adds/Sub/Subs/Mul/Muls/Div/Divs and their
 * in-place forms against a host reference: contiguous and strided/offset
 * views, broadcasting, type promotion, alpha, the bad-input rows with
 * aclnn's codes, 1/2/8 workers byte-identical; and the executor rules
 * (single use, repeatable, address setters, mixing executors).
 */
#include "aclnn_harness.h"
#include "aclnnop/aclnn_add.h"
#include "aclnnop/aclnn_div.h"
#include "aclnnop/aclnn_mul.h"
#include "aclnnop/aclnn_sub.h"

enum kind { K_ADD, K_SUB, K_MUL, K_DIV };

/* The op library's arithmetic for result dtype rdt: alpha * b first (a
 * rounded result of its own unless alpha is 1), then the op, each in
 * float32 for float results (rounded to rdt) or exactly for integers. */
static double ref_op(enum kind k, int rdt, double a, double b, double alpha)
{
	bool fl = nh_is_float(rdt);
	if (k < K_MUL && alpha != 1)
		b = fl ? nh_round(rdt, (double)((float)b * (float)alpha))
		       : nh_round(rdt, b * alpha);
	double r;
	if (fl) {
		float x = (float)a, y = (float)b;
		r = k == K_ADD ? x + y : k == K_SUB ? x - y : k == K_MUL ? x * y : x / y;
	} else {
		r = k == K_ADD ? a + b : k == K_SUB ? a - b : k == K_MUL ? a * b : a / b;
	}
	return nh_round(rdt, r);
}

/* One call of op k: self (dims ra/da, dtype dta, layout la) with other
 * (tensor of rb/db/dtb/lb, or a scalar of dtb when scalar), alpha, into an
 * out of dtype dto and layout lo (or in place), checked against the
 * reference computed in double and rounded to the result dtype `rdt`. */
struct acase {
	enum kind k;
	bool scalar, inplace;
	int dta, dtb, dto, rdt;
	uint32_t ra, rb, ro;
	int64_t da[4], db[4], dout[4];
	nh_layout_t la, lb, lo;
	double alpha;
	bool big; /* integer operands near their dtype's range */
};

static int64_t bidx(int64_t i, uint32_t ro, const int64_t *dout, uint32_t r, const int64_t *d)
{
	int64_t idx[8], j = 0;
	for (int k = (int)ro - 1; k >= 0; k--) {
		idx[k] = i % dout[k];
		i /= dout[k];
	}
	for (uint32_t k = 0; k < r; k++) {
		int64_t ik = idx[k + ro - r];
		j = j * d[k] + (d[k] == 1 ? 0 : ik);
	}
	return j;
}

static int run_case(const struct acase *c, bool check)
{
	nh_t a, b = { 0 }, o = { 0 };
	int64_t na = nh_numel(c->ra, c->da), nb = c->scalar ? 1 : nh_numel(c->rb, c->db);
	int64_t no = nh_numel(c->ro, c->dout);
	double *va = malloc(sizeof(double) * (size_t)(na + 1));
	double *vb = malloc(sizeof(double) * (size_t)(nb + 1));
	double *got = malloc(sizeof(double) * (size_t)(no + 1));
	double *ref = malloc(sizeof(double) * (size_t)(no + 1));
	bool ia = !nh_is_float(c->dta), ib = !nh_is_float(c->dtb);
	nh_fill(va, na, c->big ? -120 : -20, c->big ? 120 : 20, ia);
	nh_fill(vb, nb, c->big ? 100 : 1, c->big ? 250 : 9, ib); /* no zero divisors */
	for (int64_t i = 0; i < na; i++)
		va[i] = nh_round(c->dta, va[i]);
	for (int64_t i = 0; i < nb; i++)
		vb[i] = nh_round(c->dtb, vb[i]);
	nh_make(&a, c->dta, c->ra, c->da, va, c->la);
	aclScalar *s = NULL,
	          *alpha = nh_scalar(nh_is_float(c->rdt) ? ACL_FLOAT : ACL_INT64, c->alpha);
	if (c->scalar)
		s = nh_scalar(c->dtb, vb[0]);
	else
		nh_make(&b, c->dtb, c->rb, c->db, vb, c->lb);
	if (!c->inplace)
		nh_make(&o, c->dto, c->ro, c->dout, NULL, c->lo);
	int rc;
	const aclTensor *bt = b.t;
	switch (c->k * 4 + c->scalar * 2 + c->inplace) {
	case 0: rc = NH_RUN(Add, a.t, bt, alpha, o.t); break;
	case 1: rc = NH_RUN(InplaceAdd, a.t, bt, alpha); break;
	case 2: rc = NH_RUN(Adds, a.t, s, alpha, o.t); break;
	case 3: rc = NH_RUN(InplaceAdds, a.t, s, alpha); break;
	case 4: rc = NH_RUN(Sub, a.t, bt, alpha, o.t); break;
	case 5: rc = NH_RUN(InplaceSub, a.t, bt, alpha); break;
	case 6: rc = NH_RUN(Subs, a.t, s, alpha, o.t); break;
	case 7: rc = NH_RUN(InplaceSubs, a.t, s, alpha); break;
	case 8: rc = NH_RUN(Mul, a.t, bt, o.t); break;
	case 9: rc = NH_RUN(InplaceMul, a.t, bt); break;
	case 10: rc = NH_RUN(Muls, a.t, s, o.t); break;
	case 11: rc = NH_RUN(InplaceMuls, a.t, s); break;
	case 12: rc = NH_RUN(Div, a.t, bt, o.t); break;
	case 13: rc = NH_RUN(InplaceDiv, a.t, bt); break;
	case 14: rc = NH_RUN(Divs, a.t, s, o.t); break;
	default: rc = NH_RUN(InplaceDivs, a.t, s); break;
	}
	if (check) {
		assert_int_equal(rc, ACLNN_SUCCESS);
		const nh_t *res = c->inplace ? &a : &o;
		nh_read(res, got);
		int odt = c->inplace ? c->dta : c->dto;
		for (int64_t i = 0; i < no; i++) {
			double x = va[bidx(i, c->ro, c->dout, c->ra, c->da)];
			double y = c->scalar ? vb[0] : vb[bidx(i, c->ro, c->dout, c->rb, c->db)];
			double r = ref_op(c->k, c->rdt, nh_round(c->rdt, x), nh_round(c->rdt, y),
			                  c->alpha);
			ref[i] = nh_round(odt, r);
		}
		nh_expect_close(got, ref, no, nh_is_float(c->rdt) ? c->rdt : odt);
		nh_expect_holes_intact(res);
	}
	nh_free(&a);
	nh_free(&b);
	nh_free(&o);
	aclDestroyScalar(s);
	aclDestroyScalar(alpha);
	free(va);
	free(vb);
	free(got);
	free(ref);
	return rc;
}

#define D(...)              \
	{                   \
		__VA_ARGS__ \
	}

static void test_all_functions_layouts(void **state)
{
	(void)state;
	nh_init(2);
	for (int k = 0; k < 4; k++)
		for (int sc = 0; sc < 2; sc++)
			for (int ip = 0; ip < 2; ip++) {
				double alpha = k < 2 ? 2.5 : 1;
				/* contiguous, same shapes */
				struct acase c1 = { k,         sc,        ip,        ACL_FLOAT,
					            ACL_FLOAT, ACL_FLOAT, ACL_FLOAT, 2,
					            2,         2,         D(3, 5),   D(3, 5),
					            D(3, 5),   NH_DENSE,  NH_DENSE,  NH_DENSE,
					            alpha };
				run_case(&c1, true);
				/* strided and offset views everywhere */
				struct acase c2 = c1;
				c2.la = c2.lb = c2.lo = NH_STRIDED;
				run_case(&c2, true);
				/* broadcast: [4,1,3] with [5,1] -> [4,5,3] (in place: [4,5,3] with [5,1]) */
				struct acase c3 = { k,          sc,         ip,         ACL_FLOAT,
					            ACL_FLOAT,  ACL_FLOAT,  ACL_FLOAT,  3,
					            2,          3,          D(4, 1, 3), D(5, 1),
					            D(4, 5, 3), NH_STRIDED, NH_DENSE,   NH_STRIDED,
					            alpha };
				if (ip)
					c3.da[1] = 5;
				if (sc)
					c3.da[1] = 5;
				run_case(&c3, true);
				/* float16 and bfloat16 */
				struct acase c4 = c1;
				c4.dta = c4.dtb = c4.dto = c4.rdt = ACL_FLOAT16;
				run_case(&c4, true);
				c4.dta = c4.dtb = c4.dto = c4.rdt = ACL_BF16;
				c4.la = NH_STRIDED;
				run_case(&c4, true);
			}
	nh_fini();
}

static void test_promotion(void **state)
{
	(void)state;
	nh_init(2);
	/* int32 + float16 -> float16 */
	struct acase c = {
		K_ADD, false,   false,   ACL_INT32, ACL_FLOAT16, ACL_FLOAT16, ACL_FLOAT16, 2, 2,
		2,     D(2, 3), D(2, 3), D(2, 3),   NH_DENSE,    NH_STRIDED,  NH_DENSE,    1
	};
	run_case(&c, true);
	/* int8 * uint8 -> int16 (products beyond int8), written to an int32 out */
	struct acase m = {
		K_MUL, false, false, ACL_INT8, ACL_UINT8,  ACL_INT32, ACL_INT16, 1, 1,
		1,     D(7),  D(7),  D(7),     NH_STRIDED, NH_DENSE,  NH_DENSE,  1, true
	};
	run_case(&m, true);
	/* float16 + bfloat16 -> float32 */
	struct acase hb = { K_ADD, false, false, ACL_FLOAT16, ACL_BF16, ACL_FLOAT, ACL_FLOAT, 1, 1,
		            1,     D(9),  D(9),  D(9),        NH_DENSE, NH_DENSE,  NH_DENSE,  1 };
	run_case(&hb, true);
	/* int32 tensor + float scalar -> float32 */
	struct acase s = { K_ADD, true, false, ACL_INT32, ACL_FLOAT, ACL_FLOAT, ACL_FLOAT, 1, 0,
		           1,     D(6), D(0),  D(6),      NH_DENSE,  NH_DENSE,  NH_DENSE,  1 };
	run_case(&s, true);
	/* float16 tensor * float scalar -> float16 (the scalar does not widen it) */
	struct acase h = { K_MUL,       true,     false,    ACL_FLOAT16, ACL_FLOAT, ACL_FLOAT16,
		           ACL_FLOAT16, 1,        0,        1,           D(6),      D(0),
		           D(6),        NH_DENSE, NH_DENSE, NH_DENSE,    1 };
	run_case(&h, true);
	/* int32 / int32 -> float32 (true division) */
	struct acase d = { K_DIV, false, false, ACL_INT32, ACL_INT32, ACL_FLOAT, ACL_FLOAT,  1, 1,
		           1,     D(9),  D(9),  D(9),      NH_DENSE,  NH_DENSE,  NH_STRIDED, 1 };
	run_case(&d, true);
	/* int16 - int16 with alpha 3 -> int16 (computed in int64, wraps back) */
	struct acase w = { K_SUB, false, false, ACL_INT16, ACL_INT16, ACL_INT16, ACL_INT16, 1, 1,
		           1,     D(9),  D(9),  D(9),      NH_DENSE,  NH_DENSE,  NH_DENSE,  3 };
	run_case(&w, true);
	/* a 0-d float32 tensor does not widen a float16 tensor */
	struct acase z = { K_ADD,       false,    false,    ACL_FLOAT16, ACL_FLOAT, ACL_FLOAT16,
		           ACL_FLOAT16, 1,        0,        1,           D(5),      D(0),
		           D(5),        NH_DENSE, NH_DENSE, NH_DENSE,    1 };
	run_case(&z, true);
	nh_fini();
}

static void test_bad_inputs(void **state)
{
	(void)state;
	nh_init(2);
	nh_t a, b, o, big, dbl;
	double v[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	nh_make(&a, ACL_FLOAT, 2, NH_DIMS(2, 3), v, NH_DENSE);
	nh_make(&b, ACL_FLOAT, 1, NH_DIMS(4), v, NH_DENSE);
	nh_make(&o, ACL_FLOAT, 2, NH_DIMS(2, 3), NULL, NH_DENSE);
	nh_make(&big, ACL_FLOAT, 2, NH_DIMS(3, 3), NULL, NH_DENSE);
	nh_make(&dbl, ACL_DOUBLE, 2, NH_DIMS(2, 3), v, NH_DENSE);
	aclScalar *one = nh_scalar(ACL_FLOAT, 1), *ione = nh_scalar(ACL_INT64, 1);
	uint64_t ws = 0;
	aclOpExecutor *ex = NULL;
	/* NULL tensors, scalars and out-pointers: 161001 naming the argument */
	assert_int_equal(aclnnAddGetWorkspaceSize(NULL, a.t, one, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	nh_expect_msg("self is NULL");
	assert_null(ex);
	assert_int_equal(aclnnAddGetWorkspaceSize(a.t, NULL, one, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnAddGetWorkspaceSize(a.t, a.t, NULL, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	nh_expect_msg("alpha is NULL");
	assert_int_equal(aclnnMulGetWorkspaceSize(a.t, a.t, NULL, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	nh_expect_msg("out is NULL");
	assert_int_equal(aclnnMulsGetWorkspaceSize(a.t, NULL, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnMulGetWorkspaceSize(a.t, a.t, o.t, NULL, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnMulGetWorkspaceSize(a.t, a.t, o.t, &ws, NULL),
	                 ACLNN_ERR_PARAM_NULLPTR);
	/* shapes that do not broadcast, and an out of the wrong shape: 161002 */
	assert_int_equal(aclnnAddGetWorkspaceSize(a.t, b.t, one, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("broadcast");
	assert_int_equal(aclnnSubGetWorkspaceSize(a.t, a.t, one, big.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("the output has shape");
	/* in place: the broadcast result must have selfRef's shape */
	nh_t row;
	nh_make(&row, ACL_FLOAT, 1, NH_DIMS(3), v, NH_DENSE);
	assert_int_equal(aclnnInplaceAddGetWorkspaceSize(row.t, a.t, one, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	/* unsupported dtype (double), and a float result into an int out */
	assert_int_equal(aclnnMulGetWorkspaceSize(dbl.t, dbl.t, dbl.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("float64");
	nh_t iout;
	nh_make(&iout, ACL_INT32, 2, NH_DIMS(2, 3), NULL, NH_DENSE);
	assert_int_equal(aclnnDivGetWorkspaceSize(a.t, a.t, iout.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("cannot be cast");
	/* a float alpha for an integer result */
	assert_int_equal(aclnnAddGetWorkspaceSize(iout.t, iout.t, one, iout.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnAddGetWorkspaceSize(iout.t, iout.t, ione, iout.t, &ws, &ex),
	                 ACLNN_SUCCESS);
	assert_int_equal(aclDestroyAclOpExecutor(ex), ACLNN_SUCCESS);
	/* destroyed tensors and scalars: 161002, never dereferenced */
	aclTensor *dead = aclCreateTensor(NH_DIMS(2, 3), 2, ACL_FLOAT, NULL, 0, ACL_FORMAT_ND,
	                                  NH_DIMS(2, 3), 2, a.dev);
	assert_int_equal(aclDestroyTensor(dead), ACLNN_SUCCESS);
	assert_int_equal(aclnnAddGetWorkspaceSize(dead, a.t, one, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("not a live aclTensor");
	assert_int_equal(aclnnMulsGetWorkspaceSize(a.t, (aclScalar *)dead, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	/* a private format */
	aclTensor *nz = aclCreateTensor(NH_DIMS(2, 3), 2, ACL_FLOAT, NULL, 0, ACL_FORMAT_FRACTAL_NZ,
	                                NH_DIMS(2, 3), 2, a.dev);
	assert_int_equal(aclnnAddGetWorkspaceSize(nz, a.t, one, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	aclDestroyTensor(nz);
	/* workspace too small: a strided input needs a gather buffer */
	nh_t sa;
	nh_make(&sa, ACL_FLOAT, 2, NH_DIMS(2, 3), v, NH_STRIDED);
	assert_int_equal(NH_PLAN(Add, sa.t, a.t, one, o.t), ACLNN_SUCCESS);
	assert_true(nh_ws_size > 0);
	nh_expect_ws_too_small(aclnnAdd);
	nh_expect_msg("smaller than");
	/* NULL workspace with a size the plan needs */
	assert_int_equal(NH_PLAN(Add, sa.t, a.t, one, o.t), ACLNN_SUCCESS);
	assert_int_equal(aclnnAdd(NULL, nh_ws_size, nh_ex, nh_stream), ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclDestroyAclOpExecutor(nh_ex), ACLNN_SUCCESS);
	nh_free(&sa);
	nh_free(&row);
	nh_free(&iout);
	nh_free(&a);
	nh_free(&b);
	nh_free(&o);
	nh_free(&big);
	nh_free(&dbl);
	aclDestroyScalar(one);
	aclDestroyScalar(ione);
	nh_fini();
}

/* The first phase of function (k, scalar, inplace), leaving nh_ex set. */
static int plan_fn(int k, int sc, int ip, const aclTensor *self, const aclTensor *ot,
                   const aclScalar *os, const aclScalar *alpha, const aclTensor *out)
{
	switch (k * 4 + sc * 2 + ip) {
	case 0: return NH_PLAN(Add, self, ot, alpha, (aclTensor *)out);
	case 1: return NH_PLAN(InplaceAdd, self, ot, alpha);
	case 2: return NH_PLAN(Adds, self, os, alpha, (aclTensor *)out);
	case 3: return NH_PLAN(InplaceAdds, self, os, alpha);
	case 4: return NH_PLAN(Sub, self, ot, alpha, (aclTensor *)out);
	case 5: return NH_PLAN(InplaceSub, self, ot, alpha);
	case 6: return NH_PLAN(Subs, self, os, alpha, (aclTensor *)out);
	case 7: return NH_PLAN(InplaceSubs, self, os, alpha);
	case 8: return NH_PLAN(Mul, self, ot, (aclTensor *)out);
	case 9: return NH_PLAN(InplaceMul, self, ot);
	case 10: return NH_PLAN(Muls, self, os, (aclTensor *)out);
	case 11: return NH_PLAN(InplaceMuls, self, os);
	case 12: return NH_PLAN(Div, self, ot, (aclTensor *)out);
	case 13: return NH_PLAN(InplaceDiv, self, ot);
	case 14: return NH_PLAN(Divs, self, os, (aclTensor *)out);
	default: return NH_PLAN(InplaceDivs, self, os);
	}
}

static aclnnStatus (*const run_fn[16])(void *, uint64_t, aclOpExecutor *, aclrtStream) = {
	aclnnAdd,  aclnnInplaceAdd,  aclnnAdds, aclnnInplaceAdds, aclnnSub,  aclnnInplaceSub,
	aclnnSubs, aclnnInplaceSubs, aclnnMul,  aclnnInplaceMul,  aclnnMuls, aclnnInplaceMuls,
	aclnnDiv,  aclnnInplaceDiv,  aclnnDivs, aclnnInplaceDivs,
};

/* The bad-input rows for each of the 16 functions. */
static void test_bad_inputs_every_function(void **state)
{
	(void)state;
	nh_init(2);
	double v[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	nh_t a, sa, b, o, big, dbl;
	nh_make(&a, ACL_FLOAT, 2, NH_DIMS(2, 3), v, NH_DENSE);
	nh_make(&sa, ACL_FLOAT, 2, NH_DIMS(2, 3), v, NH_STRIDED);
	nh_make(&b, ACL_FLOAT, 1, NH_DIMS(4), v, NH_DENSE);
	nh_make(&o, ACL_FLOAT, 2, NH_DIMS(2, 3), NULL, NH_DENSE);
	nh_make(&big, ACL_FLOAT, 2, NH_DIMS(3, 3), NULL, NH_DENSE);
	nh_make(&dbl, ACL_DOUBLE, 2, NH_DIMS(2, 3), v, NH_DENSE);
	aclScalar *one = nh_scalar(ACL_FLOAT, 1), *two = nh_scalar(ACL_FLOAT, 2);
	for (int k = 0; k < 4; k++)
		for (int sc = 0; sc < 2; sc++)
			for (int ip = 0; ip < 2; ip++) {
				int f = k * 4 + sc * 2 + ip;
				/* NULL self, NULL other */
				assert_int_equal(plan_fn(k, sc, ip, NULL, a.t, two, one, o.t),
				                 ACLNN_ERR_PARAM_NULLPTR);
				nh_expect_msg("is NULL");
				assert_int_equal(plan_fn(k, sc, ip, a.t, NULL, NULL, one, o.t),
				                 ACLNN_ERR_PARAM_NULLPTR);
				/* mismatched shapes: other [4] against [2,3], or out [3,3] */
				if (!sc)
					assert_int_equal(
					        plan_fn(k, sc, ip, a.t, b.t, two, one, o.t),
					        ACLNN_ERR_PARAM_INVALID);
				if (!ip)
					assert_int_equal(
					        plan_fn(k, sc, ip, a.t, a.t, two, one, big.t),
					        ACLNN_ERR_PARAM_INVALID);
				/* unsupported dtype: float64 operands */
				assert_int_equal(plan_fn(k, sc, ip, dbl.t, dbl.t, two, one, dbl.t),
				                 ACLNN_ERR_PARAM_INVALID);
				nh_expect_msg("float64");
				/* workspace too small: the strided self is gathered first */
				assert_int_equal(plan_fn(k, sc, ip, sa.t, a.t, two, one, o.t),
				                 ACLNN_SUCCESS);
				assert_true(nh_ws_size > 0);
				nh_expect_ws_too_small(run_fn[f]);
			}
	nh_free(&a);
	nh_free(&sa);
	nh_free(&b);
	nh_free(&o);
	nh_free(&big);
	nh_free(&dbl);
	aclDestroyScalar(one);
	aclDestroyScalar(two);
	nh_fini();
}

/* Every function on a large strided self (many blocks): the result bytes
 * of all 16, appended, for this worker count; Add is also checked against
 * the reference. */
enum { BR = 300, BC = 257 };

static void big_all(void *ctx, unsigned char *out, size_t *len)
{
	(void)ctx;
	double *va = malloc(sizeof(double) * BR * BC), *vb = malloc(sizeof(double) * BC);
	double *got = malloc(sizeof(double) * BR * BC);
	nh_rng = 42;
	nh_fill(va, BR * BC, -100, 100, false);
	nh_fill(vb, BC, 1, 2, false);
	aclScalar *alpha = nh_scalar(ACL_FLOAT, 0.75), *sc = nh_scalar(ACL_FLOAT, 1.5);
	*len = 0;
	for (int f = 0; f < 16; f++) {
		int k = f / 4, scal = (f / 2) % 2, ip = f % 2;
		nh_t a, b, o;
		nh_make(&a, ACL_FLOAT, 2, NH_DIMS(BR, BC), va, NH_STRIDED);
		nh_make(&b, ACL_FLOAT, 1, NH_DIMS(BC), vb, NH_DENSE);
		nh_make(&o, ACL_FLOAT, 2, NH_DIMS(BR, BC), NULL, NH_DENSE);
		assert_int_equal(plan_fn(k, scal, ip, a.t, b.t, sc, alpha, o.t), ACLNN_SUCCESS);
		assert_int_equal(nh_exec(run_fn[f]), ACLNN_SUCCESS);
		const nh_t *res = ip ? &a : &o;
		nh_read_bytes(res, out + *len);
		*len += (size_t)BR * BC * 4;
		if (f == 0) {
			nh_read(res, got);
			for (int i = 0; i < BR * BC; i++) {
				float r = (float)va[i] + (float)vb[i % BC] * 0.75f;
				assert_true(got[i] == (double)r);
			}
		}
		nh_free(&a);
		nh_free(&b);
		nh_free(&o);
	}
	aclDestroyScalar(alpha);
	aclDestroyScalar(sc);
	free(va);
	free(vb);
	free(got);
}

static void test_workers_identical(void **state)
{
	(void)state;
	nh_for_workers(big_all, NULL, (size_t)16 * BR * BC * 4);
}

static void test_executor_rules(void **state)
{
	(void)state;
	nh_init(2);
	double v[6] = { 1, 2, 3, 4, 5, 6 }, got[6];
	nh_t a, b, o, a2;
	nh_make(&a, ACL_FLOAT, 1, NH_DIMS(6), v, NH_DENSE);
	nh_make(&a2, ACL_FLOAT, 1, NH_DIMS(6), v, NH_DENSE);
	nh_make(&b, ACL_FLOAT, 1, NH_DIMS(6), v, NH_DENSE);
	nh_make(&o, ACL_FLOAT, 1, NH_DIMS(6), NULL, NH_DENSE);
	aclScalar *one = nh_scalar(ACL_FLOAT, 1);
	/* single use: the second run is refused */
	assert_int_equal(NH_PLAN(Mul, a.t, b.t, o.t), ACLNN_SUCCESS);
	aclOpExecutor *ex = nh_ex;
	assert_int_equal(nh_exec(aclnnMul), ACLNN_SUCCESS);
	assert_int_equal(aclnnMul(NULL, 0, ex, nh_stream), ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("not a live aclOpExecutor");
	assert_int_equal(aclDestroyAclOpExecutor(ex), ACLNN_ERR_PARAM_INVALID);
	/* an executor run by another op's second phase */
	assert_int_equal(NH_PLAN(Mul, a.t, b.t, o.t), ACLNN_SUCCESS);
	assert_int_equal(aclnnAdd(NULL, 0, nh_ex, nh_stream), ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("aclnnMul");
	assert_int_equal(nh_exec(aclnnMul), ACLNN_SUCCESS);
	/* NULL executor */
	assert_int_equal(aclnnAdd(NULL, 0, NULL, nh_stream), ACLNN_ERR_PARAM_NULLPTR);
	/* repeatable: run three times, with a new input address in between */
	assert_int_equal(NH_PLAN(Add, a.t, b.t, one, o.t), ACLNN_SUCCESS);
	ex = nh_ex;
	assert_int_equal(aclSetAclOpExecutorRepeatable(ex), ACLNN_SUCCESS);
	for (int r = 0; r < 3; r++) {
		assert_int_equal(aclnnAdd(NULL, 0, ex, nh_stream), ACLNN_SUCCESS);
		assert_int_equal(aclrtSynchronizeStream(nh_stream), ACL_SUCCESS);
		nh_read(&o, got);
		for (int i = 0; i < 6; i++)
			assert_true(got[i] == 2 * v[i]);
	}
	double w[6] = { 10, 20, 30, 40, 50, 60 };
	assert_int_equal(aclrtMemcpy(a2.dev, 24, (float[]){ 10, 20, 30, 40, 50, 60 }, 24,
	                             ACL_MEMCPY_HOST_TO_DEVICE),
	                 ACL_SUCCESS);
	assert_int_equal(aclSetInputTensorAddr(ex, 0, a.t, a2.dev), ACLNN_SUCCESS);
	assert_int_equal(aclnnAdd(NULL, 0, ex, nh_stream), ACLNN_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(nh_stream), ACL_SUCCESS);
	nh_read(&o, got);
	for (int i = 0; i < 6; i++)
		assert_true(got[i] == w[i] + v[i]);
	assert_int_equal(aclSetInputTensorAddr(ex, 2, a.t, a2.dev), ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclSetOutputTensorAddr(ex, 0, o.t, o.dev), ACLNN_SUCCESS);
	assert_int_equal(aclSetOutputTensorAddr(ex, 1, o.t, o.dev), ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclSetInputTensorAddr(NULL, 0, a.t, a2.dev), ACLNN_ERR_INNER_NULLPTR);
	assert_int_equal(aclDestroyAclOpExecutor(ex), ACLNN_SUCCESS);
	assert_int_equal(aclnnAdd(NULL, 0, ex, nh_stream), ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclSetAclOpExecutorRepeatable(ex), ACLNN_ERR_PARAM_INVALID);
	/* a destroyed executor that was planned but never run */
	assert_int_equal(NH_PLAN(Add, a.t, b.t, one, o.t), ACLNN_SUCCESS);
	assert_int_equal(aclDestroyAclOpExecutor(nh_ex), ACLNN_SUCCESS);
	assert_int_equal(aclnnAdd(NULL, 0, nh_ex, nh_stream), ACLNN_ERR_PARAM_INVALID);
	/* a bad stream handle: the runtime refuses, 361001 */
	assert_int_equal(NH_PLAN(Add, a.t, b.t, one, o.t), ACLNN_SUCCESS);
	assert_int_equal(aclnnAdd(NULL, 0, nh_ex, (aclrtStream)(uintptr_t)0x1234),
	                 ACLNN_ERR_RUNTIME_ERROR);
	assert_int_equal(aclDestroyAclOpExecutor(nh_ex), ACLNN_SUCCESS);
	nh_free(&a);
	nh_free(&a2);
	nh_free(&b);
	nh_free(&o);
	aclDestroyScalar(one);
	nh_fini();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_functions_layouts),
		cmocka_unit_test(test_promotion),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_bad_inputs_every_function),
		cmocka_unit_test(test_workers_identical),
		cmocka_unit_test(test_executor_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
