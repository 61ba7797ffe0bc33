/*
 * test_aclnn_unary.c - the aclnn unary math and activations (aclnnAbs, Neg,
 * Exp, Log, Sqrt, Rsqrt, Reciprocal, Sin, Cos, Erf, Floor, Ceil, Round, Relu,
 * Sigmoid, Tanh, Silu, Gelu, GeluV2 and the in-place forms) against a host
 * reference: contiguous and strided/offset views, float16/bfloat16, integer
 * inputs (promoted to float32 for the float math), the bad-input rows with
 * aclnn's codes, and 1/2/8 workers byte-identical.
 */
#include "aclnn_harness.h"
#include "aclnnop/aclnn_abs.h"
#include "aclnnop/aclnn_ceil.h"
#include "aclnnop/aclnn_cos.h"
#include "aclnnop/aclnn_erf.h"
#include "aclnnop/aclnn_exp.h"
#include "aclnnop/aclnn_floor.h"
#include "aclnnop/aclnn_gelu.h"
#include "aclnnop/aclnn_gelu_v2.h"
#include "aclnnop/aclnn_log.h"
#include "aclnnop/aclnn_neg.h"
#include "aclnnop/aclnn_reciprocal.h"
#include "aclnnop/aclnn_relu.h"
#include "aclnnop/aclnn_round.h"
#include "aclnnop/aclnn_rsqrt.h"
#include "aclnnop/aclnn_sigmoid.h"
#include "aclnnop/aclnn_silu.h"
#include "aclnnop/aclnn_sin.h"
#include "aclnnop/aclnn_sqrt.h"
#include "aclnnop/aclnn_tanh.h"

enum fid {
	F_ABS,
	F_NEG,
	F_EXP,
	F_LOG,
	F_SQRT,
	F_RSQRT,
	F_RECIP,
	F_SIN,
	F_COS,
	F_ERF,
	F_FLOOR,
	F_CEIL,
	F_ROUND,
	F_RELU,
	F_SIGMOID,
	F_TANH,
	F_SILU,
	F_GELU,
	F_GELU_V2_NONE,
	F_GELU_V2_TANH,
	F_N
};

/* How a function treats dtypes (as the front end documents it). */
enum cls { C_MATH, C_MATH_D, C_ACT, C_SIGNED, C_ROUND };

static double r_relu(double x)
{
	return x > 0 ? x : 0;
}
static double r_neg(double x)
{
	return -x;
}
static double r_rsqrt(double x)
{
	return 1 / sqrt(x);
}
static double r_recip(double x)
{
	return 1 / x;
}
static double r_sigmoid(double x)
{
	return 1 / (1 + exp(-x));
}
static double r_silu(double x)
{
	return x / (1 + exp(-x));
}
static double r_gelu_tanh(double x)
{
	return 0.5 * x * (1 + tanh(sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
}
static double r_gelu_erf(double x)
{
	return 0.5 * x * (1 + erf(x / sqrt(2)));
}

static const struct fn {
	const char *name;
	double (*ref)(double);
	double lo, hi; /* the input range */
	enum cls cls;
	bool inplace; /* CANN declares an in-place form */
} fns[F_N] = {
	[F_ABS] = { "Abs", fabs, -5, 5, C_SIGNED, false },
	[F_NEG] = { "Neg", r_neg, -5, 5, C_SIGNED, true },
	[F_EXP] = { "Exp", exp, -4, 4, C_MATH, true },
	[F_LOG] = { "Log", log, 0.05, 20, C_MATH, true },
	[F_SQRT] = { "Sqrt", sqrt, 0, 20, C_MATH, true },
	[F_RSQRT] = { "Rsqrt", r_rsqrt, 0.05, 20, C_MATH, true },
	[F_RECIP] = { "Reciprocal", r_recip, 0.25, 8, C_MATH_D, true },
	[F_SIN] = { "Sin", sin, -6, 6, C_MATH_D, true },
	[F_COS] = { "Cos", cos, -6, 6, C_MATH_D, true },
	[F_ERF] = { "Erf", erf, -3, 3, C_MATH_D, true },
	[F_FLOOR] = { "Floor", floor, -5, 5, C_ROUND, true },
	[F_CEIL] = { "Ceil", ceil, -5, 5, C_ROUND, true },
	[F_ROUND] = { "Round", nearbyint, -5, 5, C_ROUND, true },
	[F_RELU] = { "Relu", r_relu, -5, 5, C_SIGNED, true },
	[F_SIGMOID] = { "Sigmoid", r_sigmoid, -6, 6, C_MATH, true },
	[F_TANH] = { "Tanh", tanh, -3, 3, C_MATH, true },
	[F_SILU] = { "Silu", r_silu, -6, 6, C_ACT, false },
	[F_GELU] = { "Gelu", r_gelu_tanh, -4, 4, C_ACT, false },
	[F_GELU_V2_NONE] = { "GeluV2(0)", r_gelu_erf, -4, 4, C_ACT, false },
	[F_GELU_V2_TANH] = { "GeluV2(1)", r_gelu_tanh, -4, 4, C_ACT, false },
};

/* The first phase of function f (in place: x is selfRef, o unused). */
static aclnnStatus plan(enum fid f, bool ip, const aclTensor *x, aclTensor *o)
{
	aclTensor *xm = (aclTensor *)(uintptr_t)x; /* the in-place forms take a non-const selfRef */
	(void)xm;
	switch (f * 2 + ip) {
	case F_ABS * 2: return NH_PLAN(Abs, x, o);
	case F_NEG * 2: return NH_PLAN(Neg, x, o);
	case F_NEG * 2 + 1: return NH_PLAN(InplaceNeg, xm);
	case F_EXP * 2: return NH_PLAN(Exp, x, o);
	case F_EXP * 2 + 1: return NH_PLAN(InplaceExp, xm);
	case F_LOG * 2: return NH_PLAN(Log, x, o);
	case F_LOG * 2 + 1: return NH_PLAN(InplaceLog, xm);
	case F_SQRT * 2: return NH_PLAN(Sqrt, x, o);
	case F_SQRT * 2 + 1: return NH_PLAN(InplaceSqrt, xm);
	case F_RSQRT * 2: return NH_PLAN(Rsqrt, x, o);
	case F_RSQRT * 2 + 1: return NH_PLAN(InplaceRsqrt, xm);
	case F_RECIP * 2: return NH_PLAN(Reciprocal, x, o);
	case F_RECIP * 2 + 1: return NH_PLAN(InplaceReciprocal, xm);
	case F_SIN * 2: return NH_PLAN(Sin, x, o);
	case F_SIN * 2 + 1: return NH_PLAN(InplaceSin, xm);
	case F_COS * 2: return NH_PLAN(Cos, x, o);
	case F_COS * 2 + 1: return NH_PLAN(InplaceCos, xm);
	case F_ERF * 2: return NH_PLAN(Erf, x, o);
	case F_ERF * 2 + 1: return NH_PLAN(InplaceErf, xm);
	case F_FLOOR * 2: return NH_PLAN(Floor, x, o);
	case F_FLOOR * 2 + 1: return NH_PLAN(InplaceFloor, xm);
	case F_CEIL * 2: return NH_PLAN(Ceil, x, o);
	case F_CEIL * 2 + 1: return NH_PLAN(InplaceCeil, xm);
	case F_ROUND * 2: return NH_PLAN(Round, x, o);
	case F_ROUND * 2 + 1: return NH_PLAN(InplaceRound, xm);
	case F_RELU * 2: return NH_PLAN(Relu, x, o);
	case F_RELU * 2 + 1: return NH_PLAN(InplaceRelu, xm);
	case F_SIGMOID * 2: return NH_PLAN(Sigmoid, x, o);
	case F_SIGMOID * 2 + 1: return NH_PLAN(InplaceSigmoid, xm);
	case F_TANH * 2: return NH_PLAN(Tanh, x, o);
	case F_TANH * 2 + 1: return NH_PLAN(InplaceTanh, xm);
	case F_SILU * 2: return NH_PLAN(Silu, x, o);
	case F_GELU * 2: return NH_PLAN(Gelu, x, o);
	case F_GELU_V2_NONE * 2: return NH_PLAN(GeluV2, x, 0, o);
	case F_GELU_V2_TANH * 2: return NH_PLAN(GeluV2, x, 1, o);
	default: fail_msg("no function %d/%d", f, ip); return 0;
	}
}

typedef aclnnStatus (*runfn)(void *, uint64_t, aclOpExecutor *, aclrtStream);

static runfn second(enum fid f, bool ip)
{
	switch (f * 2 + ip) {
	case F_ABS * 2: return aclnnAbs;
	case F_NEG * 2: return aclnnNeg;
	case F_NEG * 2 + 1: return aclnnInplaceNeg;
	case F_EXP * 2: return aclnnExp;
	case F_EXP * 2 + 1: return aclnnInplaceExp;
	case F_LOG * 2: return aclnnLog;
	case F_LOG * 2 + 1: return aclnnInplaceLog;
	case F_SQRT * 2: return aclnnSqrt;
	case F_SQRT * 2 + 1: return aclnnInplaceSqrt;
	case F_RSQRT * 2: return aclnnRsqrt;
	case F_RSQRT * 2 + 1: return aclnnInplaceRsqrt;
	case F_RECIP * 2: return aclnnReciprocal;
	case F_RECIP * 2 + 1: return aclnnInplaceReciprocal;
	case F_SIN * 2: return aclnnSin;
	case F_SIN * 2 + 1: return aclnnInplaceSin;
	case F_COS * 2: return aclnnCos;
	case F_COS * 2 + 1: return aclnnInplaceCos;
	case F_ERF * 2: return aclnnErf;
	case F_ERF * 2 + 1: return aclnnInplaceErf;
	case F_FLOOR * 2: return aclnnFloor;
	case F_FLOOR * 2 + 1: return aclnnInplaceFloor;
	case F_CEIL * 2: return aclnnCeil;
	case F_CEIL * 2 + 1: return aclnnInplaceCeil;
	case F_ROUND * 2: return aclnnRound;
	case F_ROUND * 2 + 1: return aclnnInplaceRound;
	case F_RELU * 2: return aclnnRelu;
	case F_RELU * 2 + 1: return aclnnInplaceRelu;
	case F_SIGMOID * 2: return aclnnSigmoid;
	case F_SIGMOID * 2 + 1: return aclnnInplaceSigmoid;
	case F_TANH * 2: return aclnnTanh;
	case F_TANH * 2 + 1: return aclnnInplaceTanh;
	case F_SILU * 2: return aclnnSilu;
	case F_GELU * 2: return aclnnGelu;
	case F_GELU_V2_NONE * 2:
	case F_GELU_V2_TANH * 2: return aclnnGeluV2;
	default: fail_msg("no function %d/%d", f, ip); return NULL;
	}
}

/* Both phases of f and a sync: the first failing status. */
static int call(enum fid f, bool ip, const aclTensor *x, aclTensor *o)
{
	aclnnStatus rc = plan(f, ip, x, o);
	if (rc != ACLNN_SUCCESS) {
		assert_null(nh_ex);
		return (int)rc;
	}
	return nh_exec(second(f, ip));
}

/* n inputs for f (rounded to dt; integers when `integral`; Round gets
 * halves too). */
static void inputs(enum fid f, double *v, int64_t n, int dt, bool integral)
{
	const struct fn *d = &fns[f];
	nh_fill(v, n, d->lo, d->hi, integral || f == F_ROUND);
	if (f == F_ROUND && !integral)
		for (int64_t i = 0; i < n; i++)
			v[i] = v[i] / 2 + (i % 3 == 0 ? 0.25 : 0); /* halves, and some off-half */
	if (integral && (f == F_LOG || f == F_RSQRT || f == F_RECIP))
		for (int64_t i = 0; i < n; i++)
			v[i] = v[i] < 1 ? 1 : v[i];
	for (int64_t i = 0; i < n; i++)
		v[i] = nh_round(dt, v[i]);
}

/* One call of f on a dt tensor of shape dims (layout lx) into an out of
 * dtype odt and layout lo (or in place), checked against ref rounded to
 * the result dtype rdt. */
static void check(enum fid f, bool ip, int dt, int odt, int rdt, uint32_t rank, const int64_t *dims,
                  nh_layout_t lx, nh_layout_t lo)
{
	int64_t n = nh_numel(rank, dims);
	double *v = malloc(sizeof(double) * (size_t)n), *got = malloc(sizeof(double) * (size_t)n);
	double *ref = malloc(sizeof(double) * (size_t)n);
	inputs(f, v, n, dt, !nh_is_float(dt));
	nh_t x, o = { 0 };
	nh_make(&x, dt, rank, dims, v, lx);
	if (!ip)
		nh_make(&o, odt, rank, dims, NULL, lo);
	int rc = call(f, ip, x.t, o.t);
	if (rc != ACLNN_SUCCESS)
		fail_msg("%s%s dtype %d: status %d (%s)", ip ? "Inplace" : "", fns[f].name, dt, rc,
		         aclGetRecentErrMsg());
	const nh_t *res = ip ? &x : &o;
	nh_read(res, got);
	int out_dt = ip ? dt : odt;
	for (int64_t i = 0; i < n; i++)
		ref[i] = nh_round(out_dt, nh_round(rdt, fns[f].ref(v[i])));
	nh_expect_close(got, ref, n, nh_is_float(rdt) ? rdt : out_dt);
	nh_expect_holes_intact(res);
	nh_free(&x);
	nh_free(&o);
	free(v);
	free(got);
	free(ref);
}

static void test_layouts_and_dtypes(void **state)
{
	(void)state;
	nh_init(2);
	for (int f = 0; f < F_N; f++)
		for (int ip = 0; ip <= (int)fns[f].inplace; ip++) {
			/* contiguous float32 */
			check(f, ip, ACL_FLOAT, ACL_FLOAT, ACL_FLOAT, 2, NH_DIMS(3, 5), NH_DENSE,
			      NH_DENSE);
			/* strided and offset views, in and out */
			check(f, ip, ACL_FLOAT, ACL_FLOAT, ACL_FLOAT, 3, NH_DIMS(2, 3, 4),
			      NH_STRIDED, NH_STRIDED);
			/* float16 (dense) and bfloat16 (strided) */
			check(f, ip, ACL_FLOAT16, ACL_FLOAT16, ACL_FLOAT16, 2, NH_DIMS(4, 6),
			      NH_DENSE, NH_DENSE);
			check(f, ip, ACL_BF16, ACL_BF16, ACL_BF16, 1, NH_DIMS(17), NH_STRIDED,
			      NH_DENSE);
			/* a 0-d tensor */
			check(f, ip, ACL_FLOAT, ACL_FLOAT, ACL_FLOAT, 0, NH_DIMS(1), NH_DENSE,
			      NH_DENSE);
		}
	nh_fini();
}

/* Integer and double inputs: promoted to float32 for the float math, kept
 * for abs/neg/relu/floor/ceil/round; refused for Gelu/Silu and in place
 * where the float result cannot go back into an integer selfRef. */
static void test_promotion(void **state)
{
	(void)state;
	nh_init(2);
	for (int f = 0; f < F_N; f++) {
		enum cls c = fns[f].cls;
		if (c == C_MATH || c == C_MATH_D) {
			check(f, false, ACL_INT32, ACL_FLOAT, ACL_FLOAT, 2, NH_DIMS(3, 4),
			      NH_STRIDED, NH_DENSE);
			check(f, false, ACL_UINT8, ACL_FLOAT16, ACL_FLOAT, 1, NH_DIMS(9), NH_DENSE,
			      NH_DENSE);
			/* in place into an int32 selfRef: the float result cannot be cast back */
			nh_t x;
			double v[4] = { 1, 2, 3, 4 };
			nh_make(&x, ACL_INT32, 1, NH_DIMS(4), v, NH_DENSE);
			assert_int_equal(call(f, true, x.t, NULL), ACLNN_ERR_PARAM_INVALID);
			nh_expect_msg("cast");
			nh_free(&x);
		} else if (c == C_SIGNED || c == C_ROUND) {
			check(f, false, ACL_INT32, ACL_INT32, ACL_INT32, 2, NH_DIMS(3, 4),
			      NH_STRIDED, NH_DENSE);
			check(f, false, ACL_INT16, ACL_INT16, ACL_INT16, 1, NH_DIMS(7), NH_DENSE,
			      NH_STRIDED);
			check(f, false, ACL_INT8, ACL_INT64, ACL_INT8, 1, NH_DIMS(7), NH_DENSE,
			      NH_DENSE);
			if (fns[f].inplace)
				check(f, true, ACL_INT64, ACL_INT64, ACL_INT64, 1, NH_DIMS(5),
				      NH_STRIDED, NH_DENSE);
		}
		/* a float16 result written to a float32 out */
		check(f, false, ACL_FLOAT16, ACL_FLOAT, ACL_FLOAT16, 1, NH_DIMS(6), NH_DENSE,
		      NH_DENSE);
	}
	/* double where the op computes it */
	check(F_SIN, false, ACL_DOUBLE, ACL_DOUBLE, ACL_DOUBLE, 1, NH_DIMS(8), NH_STRIDED,
	      NH_DENSE);
	check(F_FLOOR, true, ACL_DOUBLE, ACL_DOUBLE, ACL_DOUBLE, 1, NH_DIMS(8), NH_DENSE, NH_DENSE);
	check(F_RECIP, false, ACL_DOUBLE, ACL_DOUBLE, ACL_DOUBLE, 1, NH_DIMS(8), NH_DENSE,
	      NH_DENSE);
	/* Neg of uint8 wraps (computed in int64) */
	check(F_NEG, false, ACL_UINT8, ACL_UINT8, ACL_UINT8, 1, NH_DIMS(6), NH_DENSE, NH_DENSE);
	nh_fini();
}

/* A dtype f refuses (0: none; every dtype weir has is accepted). */
static int refused_dtype(enum fid f)
{
	switch (fns[f].cls) {
	case C_MATH: return ACL_DOUBLE;
	case C_ACT: return ACL_INT32;
	case C_SIGNED: return ACL_BOOL;
	case C_ROUND: return ACL_BOOL;
	default: return 0;
	}
}

static void test_bad_inputs(void **state)
{
	(void)state;
	nh_init(2);
	double v[15] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
	nh_t a, o, wrong, iout, sa;
	nh_make(&a, ACL_FLOAT, 2, NH_DIMS(3, 5), v, NH_DENSE);
	nh_make(&sa, ACL_FLOAT, 2, NH_DIMS(3, 5), v, NH_STRIDED);
	nh_make(&o, ACL_FLOAT, 2, NH_DIMS(3, 5), NULL, NH_DENSE);
	nh_make(&wrong, ACL_FLOAT, 2, NH_DIMS(3, 4), NULL, NH_DENSE);
	nh_make(&iout, ACL_INT32, 2, NH_DIMS(3, 5), NULL, NH_DENSE);
	for (int f = 0; f < F_N; f++) {
		for (int ip = 0; ip <= (int)fns[f].inplace; ip++) {
			/* NULL self / selfRef */
			assert_int_equal(call(f, ip, NULL, o.t), ACLNN_ERR_PARAM_NULLPTR);
			nh_expect_msg("is NULL");
			/* workspace too small: a strided input needs a gather buffer */
			assert_int_equal(plan(f, ip, sa.t, o.t), ACLNN_SUCCESS);
			assert_true(nh_ws_size > 0);
			nh_expect_ws_too_small(second(f, ip));
			nh_expect_msg("smaller than");
		}
		/* NULL out */
		assert_int_equal(call(f, false, a.t, NULL), ACLNN_ERR_PARAM_NULLPTR);
		nh_expect_msg("out is NULL");
		/* an out of another shape */
		assert_int_equal(call(f, false, a.t, wrong.t), ACLNN_ERR_PARAM_INVALID);
		nh_expect_msg("shape");
		/* an unsupported input dtype */
		int bad = refused_dtype(f);
		if (bad) {
			nh_t x;
			nh_make(&x, bad, 2, NH_DIMS(3, 5), v, NH_DENSE);
			assert_int_equal(call(f, false, x.t, o.t), ACLNN_ERR_PARAM_INVALID);
			nh_expect_msg("supported");
			nh_free(&x);
		}
		/* a float result into an integer out (integers kept as they are by
		 * abs/neg/relu/floor/ceil/round only for integer inputs) */
		assert_int_equal(call(f, false, a.t, iout.t), ACLNN_ERR_PARAM_INVALID);
		nh_expect_msg("cannot be cast");
	}
	/* NULL out-pointers */
	uint64_t ws;
	aclOpExecutor *ex;
	assert_int_equal(aclnnExpGetWorkspaceSize(a.t, o.t, NULL, &ex), ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnExpGetWorkspaceSize(a.t, o.t, &ws, NULL), ACLNN_ERR_PARAM_NULLPTR);
	/* GeluV2: approximate is 0 or 1 */
	assert_int_equal(aclnnGeluV2GetWorkspaceSize(a.t, 2, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("approximate");
	assert_int_equal(aclnnGeluV2GetWorkspaceSize(NULL, 2, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	/* uint32 is not among abs's dtypes */
	nh_t u32;
	nh_make(&u32, ACL_UINT32, 1, NH_DIMS(3), v, NH_DENSE);
	assert_int_equal(aclnnAbsGetWorkspaceSize(u32.t, u32.t, &ws, &ex), ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("uint32");
	nh_free(&u32);
	nh_free(&a);
	nh_free(&sa);
	nh_free(&o);
	nh_free(&wrong);
	nh_free(&iout);
	nh_fini();
}

/* Every function (and in-place form) on a large strided tensor (several
 * blocks): the bytes of all results, for this worker count. */
static void big_all(void *ctx, unsigned char *out, size_t *len)
{
	(void)ctx;
	enum { R = 200, C = 257 };
	double *v = malloc(sizeof(double) * R * C), *got = malloc(sizeof(double) * R * C);
	size_t off = 0;
	for (int f = 0; f < F_N; f++)
		for (int ip = 0; ip <= (int)fns[f].inplace; ip++) {
			nh_rng = 42 + (uint64_t)f;
			inputs(f, v, R * C, ACL_FLOAT, false);
			nh_t x, o = { 0 };
			nh_make(&x, ACL_FLOAT, 2, NH_DIMS(R, C), v, NH_STRIDED);
			if (!ip)
				nh_make(&o, ACL_FLOAT, 2, NH_DIMS(R, C), NULL, NH_DENSE);
			assert_int_equal(call(f, ip, x.t, o.t), ACLNN_SUCCESS);
			const nh_t *res = ip ? &x : &o;
			nh_read_bytes(res, out + off);
			off += (size_t)R * C * 4;
			nh_read(res, got);
			for (int i = 0; i < R * C; i += 97) {
				double r = nh_round(ACL_FLOAT, fns[f].ref(v[i]));
				assert_true(fabs(got[i] - r) <= 2e-6 + 2e-6 * fabs(r));
			}
			nh_free(&x);
			nh_free(&o);
		}
	*len = off;
	free(v);
	free(got);
}

static void test_workers_identical(void **state)
{
	(void)state;
	nh_for_workers(big_all, NULL, (size_t)2 * F_N * 200 * 257 * 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layouts_and_dtypes),
		cmocka_unit_test(test_promotion),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_workers_identical),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
