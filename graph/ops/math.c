/*
 * graph/ops/math.c - unary math (Sin, Cos, Erf, Floor, Ceil, Round,
 * Reciprocal, Sign), ClipByValue, comparisons (Equal, NotEqual, Less,
 * LessEqual, Greater, GreaterEqual) and logic (LogicalAnd, LogicalOr,
 * LogicalNot), with PyTorch semantics (docs/ops.md, "Unary math,
 * comparisons and logic").
 *
 *  - float32/float16/bfloat16 compute in float32 with the C library's float
 *    functions and round to nearest even on store; double computes in
 *    double. Results are plain IEEE: these ops do not honour the float
 *    overflow check or SATURATION mode (only elementwise.c's ops do).
 *  - Floor, Ceil and Round are the identity on integers; Round rounds half
 *    to even (nearbyint in the default rounding mode), as torch.round.
 *  - Comparisons take two inputs of one dtype (any) and give BOOL. Floats
 *    compare as IEEE (NaN unordered); integers compare exactly as int64, or
 *    as uint64 for the unsigned dtypes, never through double.
 *  - Logic ops take inputs of any dtype (x != 0 is true, so NaN is true)
 *    and give BOOL.
 *
 * Blocks split the output's flat index range; every element is computed by
 * the same scalar code whatever the block count, so the bytes are identical
 * for any nblocks.
 */
#include <math.h>
#include <string.h>

#include "graph/ops/ops_internal.h"

enum m_un { M_SIN, M_COS, M_ERF, M_FLOOR, M_CEIL, M_ROUND, M_RECIP, M_SIGN };
enum m_bin { C_EQ, C_NE, C_LT, C_LE, C_GT, C_GE, L_AND, L_OR };

/* float32/float16/bfloat16 or double. */
static bool is_real(int dt)
{
	return weir__ops_is_float(dt) || dt == WEIR_DT_DOUBLE;
}

static bool is_unsigned(int dt)
{
	return dt == WEIR_DT_UINT8 || dt == WEIR_DT_UINT16 || dt == WEIR_DT_UINT32 ||
	       dt == WEIR_DT_UINT64 || dt == WEIR_DT_BOOL;
}

/* Every integer dtype (not bool). */
static bool is_any_int(int dt)
{
	return weir__ops_is_any(dt) && !is_real(dt) && dt != WEIR_DT_BOOL;
}

/* The integer dtypes of ClipByValue: exact in int64 (no uint64). */
static bool is_clip_int(int dt)
{
	return weir__ops_is_int(dt) || dt == WEIR_DT_INT16;
}

static uint32_t blocks_cheap(const weir_op_call_t *c, uint32_t workers)
{
	return weir__ops_blocks_for(weir__ops_desc_numel(&c->out_desc[0]), 2, workers);
}

static uint32_t blocks_math(const weir_op_call_t *c, uint32_t workers)
{
	return weir__ops_blocks_for(weir__ops_desc_numel(&c->out_desc[0]), 16, workers);
}

/* ---- unary math --------------------------------------------------------- */

static float un_f32(enum m_un op, float x)
{
	switch (op) {
	case M_SIN: return sinf(x);
	case M_COS: return cosf(x);
	case M_ERF: return erff(x);
	case M_FLOOR: return floorf(x);
	case M_CEIL: return ceilf(x);
	case M_ROUND: return nearbyintf(x);
	case M_RECIP: return 1.0f / x;
	default: return x > 0.0f ? 1.0f : x < 0.0f ? -1.0f : x == 0.0f ? 0.0f : x;
	}
}

static double un_f64(enum m_un op, double x)
{
	switch (op) {
	case M_SIN: return sin(x);
	case M_COS: return cos(x);
	case M_ERF: return erf(x);
	case M_FLOOR: return floor(x);
	case M_CEIL: return ceil(x);
	case M_ROUND: return nearbyint(x);
	case M_RECIP: return 1.0 / x;
	default: return x > 0.0 ? 1.0 : x < 0.0 ? -1.0 : x == 0.0 ? 0.0 : x;
	}
}

static int un_infer(weir_op_infer_ctx_t *ctx, enum m_un op)
{
	const weir_tensor_desc_t *x = &ctx->in[0];
	bool ok = is_real(x->dtype);
	const char *want = "float32/float16/bfloat16/double";
	if (op == M_FLOOR || op == M_CEIL || op == M_ROUND) {
		ok = ok || is_any_int(x->dtype);
		want = "float32/float16/bfloat16/double or an integer dtype";
	} else if (op == M_SIGN) {
		ok = ok || is_any_int(x->dtype) || x->dtype == WEIR_DT_BOOL;
		want = "float32/float16/bfloat16/double, an integer dtype or bool";
	}
	if (!ok)
		return weir_op_fail(ctx, WEIR_ESHAPE, "dtype %s not supported (expected %s)",
		                    weir_dtype_name(x->dtype), want);
	ctx->out[0] = *x;
	return WEIR_OK;
}

static int un_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb, enum m_un op)
{
	const weir_tensor_desc_t *od = &c->out_desc[0];
	int dt = od->dtype;
	const void *x = c->in[0];
	void *y = c->out[0];
	int64_t lo, hi;
	weir__ops_range(weir__ops_desc_numel(od), bi, nb, &lo, &hi);
	if (lo >= hi)
		return WEIR_OK;
	if (weir__ops_is_float(dt)) {
		for (int64_t k = lo; k < hi; k++)
			weir__ops_stf(dt, y, k, un_f32(op, weir__ops_ldf(dt, x, k)));
	} else if (dt == WEIR_DT_DOUBLE) {
		for (int64_t k = lo; k < hi; k++)
			((double *)y)[k] = un_f64(op, ((const double *)x)[k]);
	} else if (op == M_SIGN) {
		/* Unsigned (and bool): 0 or 1; uint64 is tested for non-zero
		 * only, so values above INT64_MAX are not taken as negative. */
		bool uns = is_unsigned(dt);
		for (int64_t k = lo; k < hi; k++) {
			int64_t v = weir__ops_ldi(dt, x, k);
			weir__ops_sti(dt, y, k, uns ? (v != 0) : (v > 0) - (v < 0));
		}
	} else { /* Floor, Ceil, Round of an integer: the identity */
		size_t es = weir_dtype_size(dt);
		memcpy((char *)y + (size_t)lo * es, (const char *)x + (size_t)lo * es,
		       (size_t)(hi - lo) * es);
	}
	return WEIR_OK;
}

WEIR__OPS_UNARY_DEF(sin, "Sin", M_SIN, blocks_math)
WEIR__OPS_UNARY_DEF(cos, "Cos", M_COS, blocks_math)
WEIR__OPS_UNARY_DEF(erf, "Erf", M_ERF, blocks_math)
WEIR__OPS_UNARY_DEF(floor, "Floor", M_FLOOR, blocks_cheap)
WEIR__OPS_UNARY_DEF(ceil, "Ceil", M_CEIL, blocks_cheap)
WEIR__OPS_UNARY_DEF(round, "Round", M_ROUND, blocks_cheap)
WEIR__OPS_UNARY_DEF(reciprocal, "Reciprocal", M_RECIP, blocks_cheap)
WEIR__OPS_UNARY_DEF(sign, "Sign", M_SIGN, blocks_cheap)

/* ---- ClipByValue -------------------------------------------------------- */

static double max_nan(double a, double b)
{
	return isnan(a) ? a : isnan(b) ? b : (a >= b ? a : b);
}

static double min_nan(double a, double b)
{
	return isnan(a) ? a : isnan(b) ? b : (a <= b ? a : b);
}

static int clip_infer(weir_op_infer_ctx_t *ctx)
{
	const weir_tensor_desc_t *x = &ctx->in[0], *lo = &ctx->in[1], *hi = &ctx->in[2];
	if (lo->dtype != x->dtype || hi->dtype != x->dtype)
		return weir_op_fail(ctx, WEIR_ESHAPE, "input dtypes differ: %s, %s, %s",
		                    WEIR__OPS_DESC(x), WEIR__OPS_DESC(lo), WEIR__OPS_DESC(hi));
	if (!is_real(x->dtype) && !is_clip_int(x->dtype))
		return weir_op_fail(ctx, WEIR_ESHAPE,
		                    "dtype %s not supported (expected "
		                    "float32/float16/bfloat16/double/int8/uint8/int16/int32/int64)",
		                    weir_dtype_name(x->dtype));
	int r1, r2;
	int64_t d1[WEIR_MAX_RANK], d2[WEIR_MAX_RANK];
	if (weir__ops_bcast_shape((int)x->rank, x->dims, (int)lo->rank, lo->dims, &r1, d1) != 0 ||
	    weir__ops_bcast_shape(r1, d1, (int)hi->rank, hi->dims, &r2, d2) != 0)
		return weir_op_fail(ctx, WEIR_ESHAPE, "shapes %s, %s and %s do not broadcast",
		                    WEIR__OPS_DESC(x), WEIR__OPS_DESC(lo), WEIR__OPS_DESC(hi));
	bool same = r2 == (int)x->rank;
	for (int d = 0; same && d < r2; d++)
		same = d2[d] == x->dims[d];
	if (!same)
		return weir_op_fail(ctx, WEIR_ESHAPE,
		                    "clip bounds %s and %s broadcast x %s to a larger shape",
		                    WEIR__OPS_DESC(lo), WEIR__OPS_DESC(hi), WEIR__OPS_DESC(x));
	ctx->out[0] = *x;
	return WEIR_OK;
}

static int clip_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	const weir_tensor_desc_t *od = &c->out_desc[0];
	int dt = od->dtype;
	int64_t lo, hi;
	weir__ops_range(weir__ops_desc_numel(od), bi, nb, &lo, &hi);
	if (lo >= hi)
		return WEIR_OK;
	weir__ops_iter_t it;
	weir__ops_iter_init(&it, (int)od->rank, od->dims, 3);
	for (int k = 0; k < 3; k++)
		weir__ops_iter_bcast(&it, k, (int)c->in_desc[k].rank, c->in_desc[k].dims);
	weir__ops_iter_seek(&it, lo);
	bool real = is_real(dt);
	for (int64_t pos = lo; pos < hi; pos++) {
		if (real) {
			/* The result is one of the three values: exact in double. */
			double v = min_nan(max_nan(weir_dt_load(dt, c->in[0], it.off[0]),
			                           weir_dt_load(dt, c->in[1], it.off[1])),
			                   weir_dt_load(dt, c->in[2], it.off[2]));
			weir_dt_store(dt, c->out[0], pos, v);
		} else {
			int64_t v = weir__ops_ldi(dt, c->in[0], it.off[0]);
			int64_t l = weir__ops_ldi(dt, c->in[1], it.off[1]);
			int64_t h = weir__ops_ldi(dt, c->in[2], it.off[2]);
			v = v < l ? l : v;
			weir__ops_sti(dt, c->out[0], pos, v > h ? h : v);
		}
		weir__ops_iter_next(&it);
	}
	return WEIR_OK;
}

const weir_op_def_t weir__op_clipbyvalue = {
	.name = "ClipByValue",
	.min_inputs = 3,
	.max_inputs = 3,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = clip_infer,
	.kernel = clip_kernel,
	.blocks = blocks_cheap,
};

/* ---- comparisons and binary logic --------------------------------------- */

#define CMP_FN(name, T)                              \
	static bool name(enum m_bin op, T a, T b)    \
	{                                            \
		switch (op) {                        \
		case C_EQ: return a == b;            \
		case C_NE: return a != b;            \
		case C_LT: return a < b;             \
		case C_LE: return a <= b;            \
		case C_GT: return a > b;             \
		case C_GE: return a >= b;            \
		case L_AND: return a != 0 && b != 0; \
		default: return a != 0 || b != 0;    \
		}                                    \
	}
CMP_FN(cmp_real, double)
CMP_FN(cmp_signed, int64_t)
CMP_FN(cmp_unsigned, uint64_t)

/* Element i of p as a truth value (x != 0; NaN is true, -0.0 false). */
static bool truth(int dt, const void *p, int64_t i)
{
	return is_real(dt) ? weir_dt_load(dt, p, i) != 0.0 : weir__ops_ldi(dt, p, i) != 0;
}

static int cmp_infer(weir_op_infer_ctx_t *ctx, enum m_bin op)
{
	const weir_tensor_desc_t *a = &ctx->in[0], *b = &ctx->in[1];
	bool logic = op == L_AND || op == L_OR;
	/* weir_dtype_size() knows every dtype the desc check admits; test
	 * anyway so a kernel never meets one it cannot load. */
	if (!weir__ops_is_any(a->dtype) || !weir__ops_is_any(b->dtype))
		return weir_op_fail(
		        ctx, WEIR_ESHAPE, "dtype %s not supported",
		        weir_dtype_name(weir__ops_is_any(a->dtype) ? b->dtype : a->dtype));
	if (!logic && a->dtype != b->dtype)
		return weir_op_fail(ctx, WEIR_ESHAPE, "input dtypes differ: %s vs %s",
		                    WEIR__OPS_DESC(a), WEIR__OPS_DESC(b));
	int r;
	int64_t dims[WEIR_MAX_RANK];
	if (weir__ops_bcast_shape((int)a->rank, a->dims, (int)b->rank, b->dims, &r, dims) != 0)
		return weir_op_fail(ctx, WEIR_ESHAPE, "shapes %s and %s do not broadcast",
		                    WEIR__OPS_DESC(a), WEIR__OPS_DESC(b));
	weir__ops_desc_set(&ctx->out[0], WEIR_DT_BOOL, r, dims);
	return WEIR_OK;
}

static int cmp_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb, enum m_bin op)
{
	const weir_tensor_desc_t *od = &c->out_desc[0];
	int da = c->in_desc[0].dtype, db = c->in_desc[1].dtype;
	const void *a = c->in[0], *b = c->in[1];
	uint8_t *y = c->out[0];
	int64_t lo, hi;
	weir__ops_range(weir__ops_desc_numel(od), bi, nb, &lo, &hi);
	if (lo >= hi)
		return WEIR_OK;
	weir__ops_iter_t it;
	weir__ops_iter_init(&it, (int)od->rank, od->dims, 2);
	weir__ops_iter_bcast(&it, 0, (int)c->in_desc[0].rank, c->in_desc[0].dims);
	weir__ops_iter_bcast(&it, 1, (int)c->in_desc[1].rank, c->in_desc[1].dims);
	weir__ops_iter_seek(&it, lo);
	for (int64_t pos = lo; pos < hi; pos++) {
		int64_t oa = it.off[0], ob = it.off[1];
		bool r;
		if (op == L_AND || op == L_OR)
			r = cmp_unsigned(op, truth(da, a, oa), truth(db, b, ob));
		else if (is_real(da))
			r = cmp_real(op, weir_dt_load(da, a, oa), weir_dt_load(da, b, ob));
		else if (is_unsigned(da))
			r = cmp_unsigned(op, (uint64_t)weir__ops_ldi(da, a, oa),
			                 (uint64_t)weir__ops_ldi(da, b, ob));
		else
			r = cmp_signed(op, weir__ops_ldi(da, a, oa), weir__ops_ldi(da, b, ob));
		y[pos] = r;
		weir__ops_iter_next(&it);
	}
	return WEIR_OK;
}

#define CMP_OP(sym, NAME, op) \
	WEIR__OPS_OP_DEF(sym, NAME, 2, cmp_infer, cmp_kernel, op, blocks_cheap)

CMP_OP(equal, "Equal", C_EQ)
CMP_OP(notequal, "NotEqual", C_NE)
CMP_OP(less, "Less", C_LT)
CMP_OP(lessequal, "LessEqual", C_LE)
CMP_OP(greater, "Greater", C_GT)
CMP_OP(greaterequal, "GreaterEqual", C_GE)
CMP_OP(logicaland, "LogicalAnd", L_AND)
CMP_OP(logicalor, "LogicalOr", L_OR)

/* ---- LogicalNot --------------------------------------------------------- */

static int not_infer(weir_op_infer_ctx_t *ctx)
{
	const weir_tensor_desc_t *x = &ctx->in[0];
	if (!weir__ops_is_any(x->dtype))
		return weir_op_fail(ctx, WEIR_ESHAPE, "dtype %s not supported",
		                    weir_dtype_name(x->dtype));
	weir__ops_desc_set(&ctx->out[0], WEIR_DT_BOOL, (int)x->rank, x->dims);
	return WEIR_OK;
}

static int not_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	int dt = c->in_desc[0].dtype;
	uint8_t *y = c->out[0];
	int64_t lo, hi;
	weir__ops_range(weir__ops_desc_numel(&c->out_desc[0]), bi, nb, &lo, &hi);
	for (int64_t k = lo; k < hi; k++)
		y[k] = !truth(dt, c->in[0], k);
	return WEIR_OK;
}

const weir_op_def_t weir__op_logicalnot = {
	.name = "LogicalNot",
	.min_inputs = 1,
	.max_inputs = 1,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = not_infer,
	.kernel = not_kernel,
	.blocks = blocks_cheap,
};
