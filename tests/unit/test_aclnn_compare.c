/*
 * test_aclnn_compare.c - aclnnEq/Ne/Gt/Ge/Lt/Le (Tensor and Scalar, and
 * in-place forms), aclnnLogicalAnd/Or/Not (and in-place forms) and aclnnSign
 * against a host reference: contiguous and strided/offset views,
 * broadcasting, type promotion, uint64 beyond INT64_MAX, float16/bfloat16,
 * the bad-input rows with aclnn's codes, and 1/2/8 workers byte-identical.
 */
#include "aclnn_harness.h"
#include "aclnnop/aclnn_eq_scalar.h"
#include "aclnnop/aclnn_eq_tensor.h"
#include "aclnnop/aclnn_ge_scalar.h"
#include "aclnnop/aclnn_ge_tensor.h"
#include "aclnnop/aclnn_gt_scalar.h"
#include "aclnnop/aclnn_gt_tensor.h"
#include "aclnnop/aclnn_le_scalar.h"
#include "aclnnop/aclnn_le_tensor.h"
#include "aclnnop/aclnn_logical_and.h"
#include "aclnnop/aclnn_logical_not.h"
#include "aclnnop/aclnn_logical_or.h"
#include "aclnnop/aclnn_lt_scalar.h"
#include "aclnnop/aclnn_lt_tensor.h"
#include "aclnnop/aclnn_ne_scalar.h"
#include "aclnnop/aclnn_ne_tensor.h"
#include "aclnnop/aclnn_sign.h"

typedef aclnnStatus (*run_fn)(void *, uint64_t, aclOpExecutor *, aclrtStream);

enum kind { K_CMP, K_LOGIC, K_NOT, K_SIGN };
enum cmp { C_EQ, C_NE, C_GT, C_GE, C_LT, C_LE };

struct fdesc {
	const char *name;
	enum kind kind;
	enum cmp cmp; /* K_CMP: which; K_LOGIC: 0 and, 1 or */
	bool scalar, inplace;
	run_fn run;
};

#define CMPF(S, c)                                                                              \
	{ "aclnn" #S "Tensor", K_CMP, c, false, false, aclnn##S##Tensor },                      \
	        { "aclnn" #S "Scalar", K_CMP, c, true, false, aclnn##S##Scalar },               \
	        { "aclnnInplace" #S "Tensor", K_CMP, c, false, true, aclnnInplace##S##Tensor }, \
	{                                                                                       \
		"aclnnInplace" #S "Scalar", K_CMP, c, true, true, aclnnInplace##S##Scalar       \
	}

static const struct fdesc fns[] = {
	CMPF(Eq, C_EQ),
	CMPF(Ne, C_NE),
	CMPF(Gt, C_GT),
	CMPF(Ge, C_GE),
	CMPF(Lt, C_LT),
	CMPF(Le, C_LE),
	{ "aclnnLogicalAnd", K_LOGIC, 0, false, false, aclnnLogicalAnd },
	{ "aclnnInplaceLogicalAnd", K_LOGIC, 0, false, true, aclnnInplaceLogicalAnd },
	{ "aclnnLogicalOr", K_LOGIC, 1, false, false, aclnnLogicalOr },
	{ "aclnnInplaceLogicalOr", K_LOGIC, 1, false, true, aclnnInplaceLogicalOr },
	{ "aclnnLogicalNot", K_NOT, 0, false, false, aclnnLogicalNot },
	{ "aclnnInplaceLogicalNot", K_NOT, 0, false, true, aclnnInplaceLogicalNot },
	{ "aclnnSign", K_SIGN, 0, false, false, aclnnSign },
};
#define NFNS ((int)(sizeof(fns) / sizeof(fns[0])))

/* The first phase of function f (a: self/selfRef, b: other tensor, s: other
 * scalar, o: out). */
static aclnnStatus plan(int f, aclTensor *a, const aclTensor *b, const aclScalar *s, aclTensor *o)
{
	switch (f) {
	case 0: return NH_PLAN(EqTensor, a, b, o);
	case 1: return NH_PLAN(EqScalar, a, s, o);
	case 2: return NH_PLAN(InplaceEqTensor, a, b);
	case 3: return NH_PLAN(InplaceEqScalar, a, s);
	case 4: return NH_PLAN(NeTensor, a, b, o);
	case 5: return NH_PLAN(NeScalar, a, s, o);
	case 6: return NH_PLAN(InplaceNeTensor, a, b);
	case 7: return NH_PLAN(InplaceNeScalar, a, s);
	case 8: return NH_PLAN(GtTensor, a, b, o);
	case 9: return NH_PLAN(GtScalar, a, s, o);
	case 10: return NH_PLAN(InplaceGtTensor, a, b);
	case 11: return NH_PLAN(InplaceGtScalar, a, s);
	case 12: return NH_PLAN(GeTensor, a, b, o);
	case 13: return NH_PLAN(GeScalar, a, s, o);
	case 14: return NH_PLAN(InplaceGeTensor, a, b);
	case 15: return NH_PLAN(InplaceGeScalar, a, s);
	case 16: return NH_PLAN(LtTensor, a, b, o);
	case 17: return NH_PLAN(LtScalar, a, s, o);
	case 18: return NH_PLAN(InplaceLtTensor, a, b);
	case 19: return NH_PLAN(InplaceLtScalar, a, s);
	case 20: return NH_PLAN(LeTensor, a, b, o);
	case 21: return NH_PLAN(LeScalar, a, s, o);
	case 22: return NH_PLAN(InplaceLeTensor, a, b);
	case 23: return NH_PLAN(InplaceLeScalar, a, s);
	case 24: return NH_PLAN(LogicalAnd, a, b, o);
	case 25: return NH_PLAN(InplaceLogicalAnd, a, b);
	case 26: return NH_PLAN(LogicalOr, a, b, o);
	case 27: return NH_PLAN(InplaceLogicalOr, a, b);
	case 28: return NH_PLAN(LogicalNot, a, o);
	case 29: return NH_PLAN(InplaceLogicalNot, a);
	default: return NH_PLAN(Sign, a, o);
	}
}

/* Both phases and a sync. */
static int call(int f, aclTensor *a, const aclTensor *b, const aclScalar *s, aclTensor *o)
{
	aclnnStatus rc = plan(f, a, b, s, o);
	if (rc != ACLNN_SUCCESS) {
		assert_null(nh_ex);
		return (int)rc;
	}
	return nh_exec(fns[f].run);
}

static bool has_other(int f)
{
	return fns[f].kind == K_CMP || fns[f].kind == K_LOGIC;
}

static bool other_tensor(int f)
{
	return has_other(f) && !fns[f].scalar;
}

static double ref_one(int f, int rdt, double x, double y)
{
	const struct fdesc *d = &fns[f];
	switch (d->kind) {
	case K_CMP:
		x = nh_round(rdt, x);
		y = nh_round(rdt, y);
		switch (d->cmp) {
		case C_EQ: return x == y;
		case C_NE: return x != y;
		case C_GT: return x > y;
		case C_GE: return x >= y;
		case C_LT: return x < y;
		default: return x <= y;
		}
	case K_LOGIC: return d->cmp == 0 ? (x != 0 && y != 0) : (x != 0 || y != 0);
	case K_NOT: return x == 0;
	default: return x > 0 ? 1 : x < 0 ? -1 : 0;
	}
}

/* One call of function f: self (ra/da, dta, la) with other (a tensor of
 * rb/db/dtb/lb, or a scalar of dtb), into out (dto, lo; or in place),
 * compared in rdt (comparisons). */
struct ccase {
	int f;
	int dta, dtb, dto, rdt;
	uint32_t ra, rb, ro;
	int64_t da[4], db[4], dout[4];
	nh_layout_t la, lb, lo;
	double lo_v, hi_v; /* value range (integers drawn; halves for floats) */
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

static void draw(double *v, int64_t n, int dt, double lo, double hi)
{
	nh_fill(v, n, lo, hi, true);
	for (int64_t i = 0; i < n; i++)
		v[i] = nh_round(dt, nh_is_float(dt) ? v[i] / 2 : v[i]);
}

/* Runs the case; check: compare with the reference. bytes (optional)
 * receives the result's logical bytes, *len their count. */
static void run_case(const struct ccase *c, bool check, unsigned char *bytes, size_t *len)
{
	const struct fdesc *d = &fns[c->f];
	nh_t a, b = { 0 }, o = { 0 };
	int64_t na = nh_numel(c->ra, c->da), nb = other_tensor(c->f) ? nh_numel(c->rb, c->db) : 1;
	int64_t no = nh_numel(c->ro, c->dout);
	double *va = malloc(sizeof(double) * (size_t)na);
	double *vb = malloc(sizeof(double) * (size_t)nb);
	double *got = malloc(sizeof(double) * (size_t)no);
	double *ref = malloc(sizeof(double) * (size_t)no);
	assert_true(va && vb && got && ref);
	draw(va, na, c->dta, c->lo_v, c->hi_v);
	draw(vb, nb, c->dtb, c->lo_v, c->hi_v);
	nh_make(&a, c->dta, c->ra, c->da, va, c->la);
	aclScalar *s = NULL;
	if (has_other(c->f) && d->scalar)
		s = nh_scalar(c->dtb, vb[0]);
	else if (has_other(c->f))
		nh_make(&b, c->dtb, c->rb, c->db, vb, c->lb);
	if (!d->inplace)
		nh_make(&o, c->dto, c->ro, c->dout, NULL, c->lo);
	int rc = call(c->f, a.t, b.t, s, o.t);
	if (rc != ACLNN_SUCCESS)
		fail_msg("%s: %d (%s)", d->name, rc, aclGetRecentErrMsg());
	const nh_t *res = d->inplace ? &a : &o;
	int odt = d->inplace ? c->dta : c->dto;
	if (check) {
		nh_read(res, got);
		for (int64_t i = 0; i < no; i++) {
			double x = va[bidx(i, c->ro, c->dout, c->ra, c->da)];
			double y = d->scalar            ? vb[0]
			           : other_tensor(c->f) ? vb[bidx(i, c->ro, c->dout, c->rb, c->db)]
			                                : 0;
			ref[i] = nh_round(odt, ref_one(c->f, c->rdt, x, y));
		}
		for (int64_t i = 0; i < no; i++)
			if (!(got[i] == ref[i]))
				fail_msg("%s element %lld: got %.9g, expected %.9g", d->name,
				         (long long)i, got[i], ref[i]);
		nh_expect_holes_intact(res);
	}
	if (bytes) {
		nh_read_bytes(res, bytes + *len);
		*len += (size_t)no * nh_size(odt);
	}
	nh_free(&a);
	nh_free(&b);
	nh_free(&o);
	if (s)
		aclDestroyScalar(s);
	free(va);
	free(vb);
	free(got);
	free(ref);
}

#define D(...)              \
	{                   \
		__VA_ARGS__ \
	}

/* The default out dtype of f for a self of dtype dt. */
static int out_dt(int f, int dt)
{
	return fns[f].kind == K_SIGN ? dt : ACL_BOOL;
}

static struct ccase same_shape(int f, int dt, nh_layout_t l)
{
	struct ccase c = { f, dt, dt, out_dt(f, dt), dt, 2, 2, 2, D(3, 5), D(3, 5), D(3, 5), l, l,
		           l, -3, 4 };
	return c;
}

static void test_layouts(void **state)
{
	(void)state;
	nh_init(2);
	for (int f = 0; f < NFNS; f++) {
		struct ccase c = same_shape(f, ACL_FLOAT, NH_DENSE);
		run_case(&c, true, NULL, NULL);
		c = same_shape(f, ACL_FLOAT, NH_STRIDED);
		run_case(&c, true, NULL, NULL);
		c = same_shape(f, ACL_FLOAT16, NH_DENSE);
		run_case(&c, true, NULL, NULL);
		c = same_shape(f, ACL_BF16, NH_STRIDED);
		run_case(&c, true, NULL, NULL);
		c = same_shape(f, ACL_INT64, NH_STRIDED);
		run_case(&c, true, NULL, NULL);
		c = same_shape(f, ACL_DOUBLE, NH_DENSE);
		run_case(&c, true, NULL, NULL);
		c = same_shape(f, ACL_UINT8, NH_DENSE);
		c.lo_v = 0;
		run_case(&c, true, NULL, NULL);
	}
	nh_fini();
}

/* [4,1,3] with [5,1] -> [4,5,3]; in place: a [4,5,3] selfRef. */
static void test_broadcast(void **state)
{
	(void)state;
	nh_init(2);
	for (int f = 0; f < NFNS; f++) {
		if (!other_tensor(f))
			continue;
		struct ccase c = { f,          ACL_FLOAT,  ACL_INT32,  ACL_BOOL,
			           ACL_FLOAT,  3,          2,          3,
			           D(4, 1, 3), D(5, 1),    D(4, 5, 3), NH_STRIDED,
			           NH_DENSE,   NH_STRIDED, -3,         4 };
		if (fns[f].inplace)
			c.da[1] = 5;
		run_case(&c, true, NULL, NULL);
		/* a 0-d other */
		struct ccase z = same_shape(f, ACL_INT32, NH_DENSE);
		z.rb = 0;
		z.dtb = ACL_INT64;
		z.rdt = ACL_INT32;
		if (fns[f].kind == K_CMP) { /* a 0-d float raises the category */
			z.dtb = ACL_DOUBLE;
			z.rdt = ACL_DOUBLE;
		}
		run_case(&z, true, NULL, NULL);
	}
	nh_fini();
}

static void test_promotion(void **state)
{
	(void)state;
	nh_init(2);
	for (int f = 0; f < NFNS; f++) {
		const struct fdesc *d = &fns[f];
		struct ccase c = same_shape(f, ACL_INT32, NH_STRIDED);
		if (d->kind == K_CMP && !d->scalar) {
			/* int32 with float16 -> float16; int8 with uint8 -> int16 */
			c.dtb = ACL_FLOAT16;
			c.rdt = ACL_FLOAT16;
			c.dto = d->inplace ? 0 : ACL_FLOAT; /* bool cast to float */
			run_case(&c, true, NULL, NULL);
			c.dta = ACL_INT8;
			c.dtb = ACL_UINT8;
			c.rdt = ACL_INT16;
			c.lo_v = -120;
			c.hi_v = 250; /* draw() truncates to each dtype: int8 wraps, fine */
			run_case(&c, true, NULL, NULL);
			c = same_shape(f, ACL_FLOAT16, NH_DENSE);
			c.dtb = ACL_BF16;
			c.rdt = ACL_FLOAT;
			run_case(&c, true, NULL, NULL);
		} else if (d->kind == K_CMP) {
			/* int32 with a float scalar compares in float32; uint8 with an
			 * int scalar stays uint8 */
			c.dtb = ACL_DOUBLE;
			c.rdt = ACL_FLOAT;
			run_case(&c, true, NULL, NULL);
			c.dta = ACL_UINT8;
			c.dtb = ACL_INT64;
			c.rdt = ACL_UINT8;
			c.lo_v = 0;
			run_case(&c, true, NULL, NULL);
			c = same_shape(f, ACL_BF16, NH_DENSE);
			c.dtb = ACL_FLOAT;
			run_case(&c, true, NULL, NULL);
		} else if (d->kind == K_LOGIC) {
			c.dtb = ACL_FLOAT16;
			c.dto = ACL_FLOAT;
			run_case(&c, true, NULL, NULL);
			c.dta = ACL_DOUBLE;
			c.dtb = ACL_BOOL;
			c.dto = ACL_INT8;
			run_case(&c, true, NULL, NULL);
		} else {
			/* int32 in, a float or int64 out */
			c.dto = ACL_FLOAT;
			run_case(&c, true, NULL, NULL);
			c.dto = ACL_INT64;
			run_case(&c, true, NULL, NULL);
		}
	}
	nh_fini();
}

/* uint64 beyond INT64_MAX compares as uint64; beside a signed integer it is
 * refused. */
static void test_uint64(void **state)
{
	(void)state;
	nh_init(2);
	const double big = 9223372036854775808.0; /* 2^63 */
	double va[4] = { big + 4096, 5, big, 0 }, vb[4] = { 5, big + 8192, big, 1 };
	nh_t a, b, o, i64;
	nh_make(&a, ACL_UINT64, 1, NH_DIMS(4), va, NH_STRIDED);
	nh_make(&b, ACL_UINT64, 1, NH_DIMS(4), vb, NH_DENSE);
	nh_make(&o, ACL_BOOL, 1, NH_DIMS(4), NULL, NH_DENSE);
	double vi[4] = { 5, -1, 0, 1 };
	nh_make(&i64, ACL_INT64, 1, NH_DIMS(4), vi, NH_DENSE);
	double got[4];
	assert_int_equal(call(8, a.t, b.t, NULL, o.t), ACLNN_SUCCESS); /* Gt */
	nh_read(&o, got);
	assert_true(got[0] == 1 && got[1] == 0 && got[2] == 0 && got[3] == 0);
	aclScalar *s = nh_scalar(ACL_INT64, 7);
	assert_int_equal(call(17, a.t, NULL, s, o.t), ACLNN_SUCCESS); /* LtScalar */
	nh_read(&o, got);
	assert_true(got[0] == 0 && got[1] == 1 && got[2] == 0 && got[3] == 1);
	assert_int_equal(call(0, a.t, i64.t, NULL, o.t), ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("uint64");
	assert_int_equal(call(0, i64.t, a.t, NULL, o.t), ACLNN_ERR_PARAM_INVALID);
	aclDestroyScalar(s);
	nh_free(&a);
	nh_free(&b);
	nh_free(&o);
	nh_free(&i64);
	nh_fini();
}

static void test_bad_inputs(void **state)
{
	(void)state;
	nh_init(2);
	double v[24] = { 0 };
	for (int f = 0; f < NFNS; f++) {
		const struct fdesc *d = &fns[f];
		nh_t a, b, o, wide, o_bad;
		nh_make(&a, ACL_FLOAT, 2, NH_DIMS(2, 3), v, NH_DENSE);
		nh_make(&b, ACL_FLOAT, 2, NH_DIMS(2, 3), v, NH_DENSE);
		nh_make(&o, out_dt(f, ACL_FLOAT), 2, NH_DIMS(2, 3), NULL, NH_DENSE);
		nh_make(&wide, ACL_FLOAT, 2, NH_DIMS(4, 3), v, NH_DENSE);
		nh_make(&o_bad, out_dt(f, ACL_FLOAT), 2, NH_DIMS(3, 2), NULL, NH_DENSE);
		aclScalar *s = nh_scalar(ACL_FLOAT, 1);
		/* NULL tensors and scalars: 161001 */
		assert_int_equal(call(f, NULL, b.t, s, o.t), ACLNN_ERR_PARAM_NULLPTR);
		if (has_other(f))
			assert_int_equal(call(f, a.t, NULL, NULL, o.t), ACLNN_ERR_PARAM_NULLPTR);
		if (!d->inplace)
			assert_int_equal(call(f, a.t, b.t, s, NULL), ACLNN_ERR_PARAM_NULLPTR);
		/* shapes: other not broadcastable, or out of another shape */
		if (other_tensor(f))
			assert_int_equal(call(f, a.t, wide.t, NULL, o.t), ACLNN_ERR_PARAM_INVALID);
		if (!d->inplace)
			assert_int_equal(call(f, a.t, b.t, s, o_bad.t), ACLNN_ERR_PARAM_INVALID);
		if (d->inplace && other_tensor(f)) /* broadcast beyond selfRef */
			assert_int_equal(call(f, b.t, wide.t, NULL, NULL), ACLNN_ERR_PARAM_INVALID);
		/* dtypes: uint64 with a signed integer, or a uint64 scalar beyond
		 * INT64_MAX beside one (comparisons); a float
		 * result into an integer out, or anything into bool (Sign) */
		if (d->kind == K_CMP) {
			nh_t u, i;
			nh_make(&u, ACL_UINT64, 2, NH_DIMS(2, 3), v, NH_DENSE);
			nh_make(&i, ACL_INT32, 2, NH_DIMS(2, 3), v, NH_DENSE);
			aclScalar *is = nh_scalar(ACL_UINT64, 9223372036854775808.0);
			assert_int_equal(call(f, i.t, u.t, is, o.t), ACLNN_ERR_PARAM_INVALID);
			if (!d->scalar)
				assert_int_equal(call(f, u.t, i.t, NULL, o.t),
				                 ACLNN_ERR_PARAM_INVALID);
			aclDestroyScalar(is);
			nh_free(&u);
			nh_free(&i);
		}
		if (d->kind == K_SIGN) {
			nh_t ob, oi;
			nh_make(&ob, ACL_BOOL, 2, NH_DIMS(2, 3), NULL, NH_DENSE);
			nh_make(&oi, ACL_INT32, 2, NH_DIMS(2, 3), NULL, NH_DENSE);
			assert_int_equal(call(f, a.t, NULL, NULL, ob.t), ACLNN_ERR_PARAM_INVALID);
			assert_int_equal(call(f, a.t, NULL, NULL, oi.t), ACLNN_ERR_PARAM_INVALID);
			nh_free(&ob);
			nh_free(&oi);
		}
		/* workspace too small: a strided self needs a gathered copy */
		nh_t st;
		nh_make(&st, ACL_FLOAT, 2, NH_DIMS(2, 3), v, NH_STRIDED);
		assert_int_equal(plan(f, st.t, b.t, s, o.t), ACLNN_SUCCESS);
		assert_true(nh_ws_size > 0);
		nh_expect_ws_too_small(d->run);
		nh_free(&st);
		/* a NULL executor out-pointer */
		uint64_t ws;
		if (f == 0)
			assert_int_equal(aclnnEqTensorGetWorkspaceSize(a.t, b.t, o.t, &ws, NULL),
			                 ACLNN_ERR_PARAM_NULLPTR);
		aclDestroyScalar(s);
		nh_free(&a);
		nh_free(&b);
		nh_free(&o);
		nh_free(&wide);
		nh_free(&o_bad);
	}
	nh_fini();
}

/* Every function on 40000 elements (several blocks), strided self. */
static void workers_body(void *ctx, unsigned char *out, size_t *len)
{
	(void)ctx;
	nh_rng = 0x9e3779b97f4a7c15ull;
	*len = 0;
	for (int f = 0; f < NFNS; f++) {
		struct ccase c = { f,           ACL_FLOAT, ACL_FLOAT,   out_dt(f, ACL_FLOAT),
			           ACL_FLOAT,   2,         2,           2,
			           D(200, 200), D(1, 200), D(200, 200), NH_STRIDED,
			           NH_DENSE,    NH_DENSE,  -3,          4 };
		if (fns[f].inplace && fns[f].kind == K_SIGN)
			continue;
		run_case(&c, f % 3 == 0, out, len);
	}
}

static void test_workers(void **state)
{
	(void)state;
	nh_for_workers(workers_body, NULL, (size_t)NFNS * 40000 * 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layouts),    cmocka_unit_test(test_broadcast),
		cmocka_unit_test(test_promotion),  cmocka_unit_test(test_uint64),
		cmocka_unit_test(test_bad_inputs), cmocka_unit_test(test_workers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
