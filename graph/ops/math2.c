/*
 * graph/ops/math2.c - ONNX unary math (Tan, Asin, Acos, Atan, Sinh, Cosh,
 * Asinh, Acosh, Atanh), predicates (IsNaN, IsInf), Mod, BitShift and Xor
 * (docs/ops.md, "ONNX math, predicates and bitwise ops").
 *
 *  - The unary math ops compute float32/float16/bfloat16 in float32 with
 *    the C library's float functions (rounding to nearest even on store)
 *    and double in double, as math.c's Sin and Cos. Plain IEEE results: the
 *    float overflow check and SATURATION mode are not honoured.
 *  - Mod, BitShift and Xor broadcast numpy-style; their two inputs share
 *    one dtype. Integer Mod with fmod = 0 is Python's modulo (the result
 *    takes the divisor's sign); with fmod = 1 it is C's truncated
 *    remainder; float Mod requires fmod = 1 (C fmod). A zero integer
 *    divisor fails the kernel with WEIR_EINVAL (it never traps).
 *
 * Blocks split the output's flat index range; every element is computed by
 * the same scalar code whatever the block count, so the bytes are identical
 * for any nblocks.
 */
#include <math.h>
#include <string.h>

#include "graph/ops/ops_internal.h"

enum m2_un {
	T_TAN,
	T_ASIN,
	T_ACOS,
	T_ATAN,
	T_SINH,
	T_COSH,
	T_ASINH,
	T_ACOSH,
	T_ATANH,
	P_ISNAN,
	P_ISINF
};

/* float32/float16/bfloat16 or double. */
static bool is_real(int dt)
{
	return weir__ops_is_float(dt) || dt == WEIR_DT_DOUBLE;
}

static bool is_unsigned(int dt)
{
	return dt == WEIR_DT_UINT8 || dt == WEIR_DT_UINT16 || dt == WEIR_DT_UINT32 ||
	       dt == WEIR_DT_UINT64;
}

/* Every integer dtype (not bool). */
static bool is_any_int(int dt)
{
	return weir__ops_is_any(dt) && !is_real(dt) && dt != WEIR_DT_BOOL;
}

static uint32_t blocks_cheap(const weir_op_call_t *c, uint32_t workers)
{
	return weir__ops_blocks_for(weir__ops_desc_numel(&c->out_desc[0]), 2, workers);
}

static uint32_t blocks_math(const weir_op_call_t *c, uint32_t workers)
{
	return weir__ops_blocks_for(weir__ops_desc_numel(&c->out_desc[0]), 16, workers);
}

/* ---- unary math and predicates ------------------------------------------ */

static float un_f32(enum m2_un op, float x)
{
	switch (op) {
	case T_TAN: return tanf(x);
	case T_ASIN: return asinf(x);
	case T_ACOS: return acosf(x);
	case T_ATAN: return atanf(x);
	case T_SINH: return sinhf(x);
	case T_COSH: return coshf(x);
	case T_ASINH: return asinhf(x);
	case T_ACOSH: return acoshf(x);
	default: return atanhf(x);
	}
}

static double un_f64(enum m2_un op, double x)
{
	switch (op) {
	case T_TAN: return tan(x);
	case T_ASIN: return asin(x);
	case T_ACOS: return acos(x);
	case T_ATAN: return atan(x);
	case T_SINH: return sinh(x);
	case T_COSH: return cosh(x);
	case T_ASINH: return asinh(x);
	case T_ACOSH: return acosh(x);
	default: return atanh(x);
	}
}

/* IsInf's attrs: detect_negative and detect_positive (ints, default 1). */
static int isinf_parse(weir_op_infer_ctx_t *ctx, const weir_attrs_t *at, bool *neg, bool *pos)
{
	int64_t n = 1, p = 1;
	int found;
	int rc = weir__ops_attr_int(ctx, at, WEIR__OPS_NAMES("detect_negative"), &n, &found);
	if (rc == WEIR_OK)
		rc = weir__ops_attr_int(ctx, at, WEIR__OPS_NAMES("detect_positive"), &p, &found);
	if (rc != WEIR_OK)
		return rc;
	if ((n != 0 && n != 1) || (p != 0 && p != 1))
		return WEIR__OPS_FAIL(
		        ctx, WEIR_EINVAL,
		        "attrs 'detect_negative' and 'detect_positive' must be 0 or 1; "
		        "got %lld and %lld",
		        (long long)n, (long long)p);
	*neg = n != 0;
	*pos = p != 0;
	return WEIR_OK;
}

static int un_infer(weir_op_infer_ctx_t *ctx, enum m2_un op)
{
	const weir_tensor_desc_t *x = &ctx->in[0];
	if (!is_real(x->dtype))
		return weir_op_fail(
		        ctx, WEIR_ESHAPE,
		        "dtype %s not supported (expected float32/float16/bfloat16/double)",
		        weir_dtype_name(x->dtype));
	if (op == P_ISINF) {
		bool n, p;
		int rc = isinf_parse(ctx, ctx->attrs, &n, &p);
		if (rc != WEIR_OK)
			return rc;
	}
	if (op == P_ISNAN || op == P_ISINF)
		weir__ops_desc_set(&ctx->out[0], WEIR_DT_BOOL, (int)x->rank, x->dims);
	else
		ctx->out[0] = *x;
	return WEIR_OK;
}

static int un_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb, enum m2_un op)
{
	int dt = c->in_desc[0].dtype;
	const void *x = c->in[0];
	void *y = c->out[0];
	int64_t lo, hi;
	weir__ops_range(weir__ops_desc_numel(&c->out_desc[0]), bi, nb, &lo, &hi);
	if (op == P_ISNAN || op == P_ISINF) {
		bool neg = false, pos = false;
		if (op == P_ISINF) {
			int rc = isinf_parse(NULL, c->attrs, &neg, &pos);
			if (rc != WEIR_OK)
				return rc;
		}
		uint8_t *b = y;
		for (int64_t k = lo; k < hi; k++) {
			double v = weir_dt_load(dt, x, k); /* exact for every real dtype */
			b[k] = op == P_ISNAN ? isnan(v) != 0 : isinf(v) && (v > 0.0 ? pos : neg);
		}
	} else if (weir__ops_is_float(dt)) {
		for (int64_t k = lo; k < hi; k++)
			weir__ops_stf(dt, y, k, un_f32(op, weir__ops_ldf(dt, x, k)));
	} else {
		for (int64_t k = lo; k < hi; k++)
			((double *)y)[k] = un_f64(op, ((const double *)x)[k]);
	}
	return WEIR_OK;
}

WEIR__OPS_UNARY_DEF(tan, "Tan", T_TAN, blocks_math)
WEIR__OPS_UNARY_DEF(asin, "Asin", T_ASIN, blocks_math)
WEIR__OPS_UNARY_DEF(acos, "Acos", T_ACOS, blocks_math)
WEIR__OPS_UNARY_DEF(atan, "Atan", T_ATAN, blocks_math)
WEIR__OPS_UNARY_DEF(sinh, "Sinh", T_SINH, blocks_math)
WEIR__OPS_UNARY_DEF(cosh, "Cosh", T_COSH, blocks_math)
WEIR__OPS_UNARY_DEF(asinh, "Asinh", T_ASINH, blocks_math)
WEIR__OPS_UNARY_DEF(acosh, "Acosh", T_ACOSH, blocks_math)
WEIR__OPS_UNARY_DEF(atanh, "Atanh", T_ATANH, blocks_math)
WEIR__OPS_UNARY_DEF(isnan, "IsNaN", P_ISNAN, blocks_cheap)
WEIR__OPS_UNARY_DEF(isinf, "IsInf", P_ISINF, blocks_cheap)

/* ---- broadcasting binary ops: Mod, BitShift, Xor ------------------------- */

enum m2_bin { B_MOD, B_SHIFT, B_XOR };

/* The per-op attr: Mod's fmod (0 or 1) or BitShift's direction (1: LEFT,
 * 0: RIGHT). dt is the inputs' dtype. */
static int bin_parse(weir_op_infer_ctx_t *ctx, const weir_attrs_t *at, enum m2_bin op, int dt,
                     int *mode)
{
	int found, rc;
	*mode = 0;
	if (op == B_MOD) {
		int64_t f = 0;
		rc = weir__ops_attr_int(ctx, at, WEIR__OPS_NAMES("fmod"), &f, &found);
		if (rc != WEIR_OK)
			return rc;
		if (f != 0 && f != 1)
			return WEIR__OPS_FAIL(ctx, WEIR_EINVAL,
			                      "attr 'fmod' must be 0 or 1; got %lld", (long long)f);
		if (f == 0 && is_real(dt))
			return WEIR__OPS_FAIL(ctx, WEIR_EINVAL,
			                      "attr 'fmod' must be 1 for floating dtype %s",
			                      weir_dtype_name(dt));
		*mode = (int)f;
	} else if (op == B_SHIFT) {
		const char *s = NULL;
		rc = weir__ops_attr_string(ctx, at, WEIR__OPS_NAMES("direction"), &s, &found);
		if (rc != WEIR_OK)
			return rc;
		if (!found)
			return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "attr 'direction' is required");
		if (strcmp(s, "LEFT") != 0 && strcmp(s, "RIGHT") != 0)
			return WEIR__OPS_FAIL(
			        ctx, WEIR_EINVAL,
			        "attr 'direction' must be \"LEFT\" or \"RIGHT\"; got \"%s\"", s);
		*mode = s[0] == 'L';
	}
	return WEIR_OK;
}

static int bin_infer(weir_op_infer_ctx_t *ctx, enum m2_bin op)
{
	const weir_tensor_desc_t *a = &ctx->in[0], *b = &ctx->in[1];
	if (a->dtype != b->dtype)
		return weir_op_fail(ctx, WEIR_ESHAPE, "input dtypes differ: %s vs %s",
		                    WEIR__OPS_DESC(a), WEIR__OPS_DESC(b));
	int dt = a->dtype;
	bool ok = op == B_MOD     ? is_real(dt) || is_any_int(dt)
	          : op == B_SHIFT ? is_unsigned(dt)
	                          : dt == WEIR_DT_BOOL;
	if (!ok)
		return weir_op_fail(ctx, WEIR_ESHAPE, "dtype %s not supported (expected %s)",
		                    weir_dtype_name(dt),
		                    op == B_MOD ? "float32/float16/bfloat16/double or an integer "
		                                  "dtype"
		                    : op == B_SHIFT ? "uint8/uint16/uint32/uint64"
		                                    : "bool");
	int mode;
	int rc = bin_parse(ctx, ctx->attrs, op, dt, &mode);
	if (rc != WEIR_OK)
		return rc;
	int r;
	int64_t dims[WEIR_MAX_RANK];
	if (weir__ops_bcast_shape((int)a->rank, a->dims, (int)b->rank, b->dims, &r, dims) != 0)
		return weir_op_fail(ctx, WEIR_ESHAPE, "shapes %s and %s do not broadcast",
		                    WEIR__OPS_DESC(a), WEIR__OPS_DESC(b));
	weir__ops_desc_set(&ctx->out[0], dt, r, dims);
	return WEIR_OK;
}

/* Integer a mod b (b != 0): truncated remainder, moved to the divisor's
 * sign when python. Unsigned dtypes (uns) compute in uint64. */
static int64_t mod_i(int64_t a, int64_t b, bool uns, bool python)
{
	if (uns)
		return (int64_t)((uint64_t)a % (uint64_t)b);
	if (b == -1) /* INT64_MIN % -1 would trap */
		return 0;
	int64_t r = a % b;
	if (python && r != 0 && ((r < 0) != (b < 0)))
		r += b;
	return r;
}

/* x shifted by s within width bits (0 once s >= width). */
static uint64_t shift_u(uint64_t x, uint64_t s, unsigned width, bool left)
{
	if (s >= width)
		return 0;
	return left ? x << s : x >> s;
}

static int bin_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb, enum m2_bin op)
{
	const weir_tensor_desc_t *od = &c->out_desc[0];
	int dt = od->dtype, mode;
	int rc = bin_parse(NULL, c->attrs, op, dt, &mode);
	if (rc != WEIR_OK)
		return rc;
	int64_t lo, hi;
	weir__ops_range(weir__ops_desc_numel(od), bi, nb, &lo, &hi);
	if (lo >= hi)
		return WEIR_OK;
	const void *a = c->in[0], *b = c->in[1];
	void *y = c->out[0];
	weir__ops_iter_t it;
	weir__ops_iter_init(&it, (int)od->rank, od->dims, 2);
	weir__ops_iter_bcast(&it, 0, (int)c->in_desc[0].rank, c->in_desc[0].dims);
	weir__ops_iter_bcast(&it, 1, (int)c->in_desc[1].rank, c->in_desc[1].dims);
	weir__ops_iter_seek(&it, lo);
	bool uns = is_unsigned(dt);
	unsigned width = (unsigned)weir_dtype_size(dt) * 8u;
	for (int64_t pos = lo; pos < hi; pos++) {
		int64_t oa = it.off[0], ob = it.off[1];
		if (op == B_XOR) {
			((uint8_t *)y)[pos] =
			        (((const uint8_t *)a)[oa] != 0) != (((const uint8_t *)b)[ob] != 0);
		} else if (op == B_SHIFT) {
			uint64_t x = (uint64_t)weir__ops_ldi(dt, a, oa);
			uint64_t s = (uint64_t)weir__ops_ldi(dt, b, ob);
			weir__ops_sti(dt, y, pos, (int64_t)shift_u(x, s, width, mode == 1));
		} else if (dt == WEIR_DT_DOUBLE) {
			((double *)y)[pos] = fmod(((const double *)a)[oa], ((const double *)b)[ob]);
		} else if (weir__ops_is_float(dt)) {
			weir__ops_stf(dt, y, pos,
			              fmodf(weir__ops_ldf(dt, a, oa), weir__ops_ldf(dt, b, ob)));
		} else {
			int64_t d = weir__ops_ldi(dt, b, ob);
			if (d == 0)
				return WEIR_EINVAL;
			weir__ops_sti(dt, y, pos,
			              mod_i(weir__ops_ldi(dt, a, oa), d, uns, mode == 0));
		}
		weir__ops_iter_next(&it);
	}
	return WEIR_OK;
}

#define BIN_OP(sym, NAME, op) \
	WEIR__OPS_OP_DEF(sym, NAME, 2, bin_infer, bin_kernel, op, blocks_cheap)

BIN_OP(mod, "Mod", B_MOD)
BIN_OP(bitshift, "BitShift", B_SHIFT)
BIN_OP(xor, "Xor", B_XOR)
