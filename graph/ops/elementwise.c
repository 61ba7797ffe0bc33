/*
 * graph/ops/elementwise.c - elementwise binary ops with numpy broadcasting
 * (Add, Sub, Mul, Div, Maximum, Minimum, Pow), unary math ops (Neg, Exp,
 * Log, Sqrt, Rsqrt, Abs) and activations (Relu, Gelu, Sigmoid, Tanh, Silu).
 *
 * Semantics (docs/ops.md has the full table):
 *  - Binary inputs must have the same dtype (no implicit promotion); the
 *    output shape is the numpy broadcast of the two input shapes.
 *  - float32/float16/bfloat16 compute in float32 (IEEE, C library math);
 *    integer dtypes compute in int64 and wrap on store (two's complement).
 *    Integer Pow (int8/uint8/int16/int32/int64) squares repeatedly with
 *    wrapping; a negative exponent gives 0 except for bases 1 and -1.
 *    Integer Div truncates toward zero; a zero divisor fails the kernel with
 *    WEIR_EINVAL (it never traps).
 *  - Maximum/Minimum propagate NaN.
 *  - Gelu: attr approximate = "tanh" (default, GE's Gelu) or "none" (erf).
 *  - Float overflow (weir/sched.h, "Float modes"), float dtypes only, both
 *    binary and unary ops: when the running task's overflow check is on, a
 *    result that is inf or NaN (or too large for float16/bfloat16) although
 *    every input of that element is finite is reported with
 *    weir_kernel_report_overflow(); in SATURATION mode every result is
 *    made finite before the store: +-inf and too-large values become the
 *    dtype's largest finite value of that sign, NaN becomes 0. Nothing is
 *    checked (no cost) when neither flag is set.
 *
 * Blocks split the output's flat index range; each element is computed
 * independently, so any block count gives identical bytes.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "weir/sched.h"

#include "graph/ops/ops_internal.h"

enum bin_op { B_ADD, B_SUB, B_MUL, B_DIV, B_MAX, B_MIN, B_POW };
enum un_op {
	U_NEG,
	U_EXP,
	U_LOG,
	U_SQRT,
	U_RSQRT,
	U_ABS,
	U_RELU,
	U_GELU,
	U_SIGMOID,
	U_TANH,
	U_SILU
};

#define CHUNK 256

/* ---- overflow check and saturation ------------------------------------ */

/* The largest finite value of a float dtype. */
static float fp_max(int dt)
{
	switch (dt) {
	case WEIR_DT_FLOAT16: return 65504.0f;
	case WEIR_DT_BF16: return 3.38953139e38f; /* 0x7F7F */
	default: return FLT_MAX;
	}
}

/* True when x, stored as dt, is not a finite value. */
static bool fp_bad(int dt, float x)
{
	if (!isfinite(x))
		return true;
	if (dt == WEIR_DT_FLOAT16)
		return isinf(weir_f16_to_f32(weir_f32_to_f16(x)));
	if (dt == WEIR_DT_BF16)
		return isinf(weir_bf16_to_f32(weir_f32_to_bf16(x)));
	return false;
}

/* Before the op: fin[i] = every input of element i is finite (b may be NULL). */
static void fp_inputs(const float *a, const float *b, int n, unsigned char *fin)
{
	for (int i = 0; i < n; i++)
		fin[i] = isfinite(a[i]) && (!b || isfinite(b[i]));
}

/* After the op, on the results r (fl: weir_kernel_float_flags(), non-zero). */
static void fp_guard(uint32_t fl, int dt, const unsigned char *fin, float *r, int n)
{
	bool over = false;
	for (int i = 0; i < n; i++) {
		if (!fp_bad(dt, r[i]))
			continue;
		over = over || fin[i];
		if (fl & WEIR_KERNEL_FP_SATURATE)
			r[i] = isnan(r[i]) ? 0.0f : copysignf(fp_max(dt), r[i]);
	}
	if (over)
		weir_kernel_report_overflow();
}

/* ---- chunked loads / stores ------------------------------------------- */

static void load_f(int dt, const void *p, const int64_t *off, int n, float *dst)
{
	switch (dt) {
	case WEIR_DT_FLOAT:
		for (int i = 0; i < n; i++)
			dst[i] = ((const float *)p)[off[i]];
		break;
	case WEIR_DT_FLOAT16:
		for (int i = 0; i < n; i++)
			dst[i] = weir_f16_to_f32(((const uint16_t *)p)[off[i]]);
		break;
	default:
		for (int i = 0; i < n; i++)
			dst[i] = weir_bf16_to_f32(((const uint16_t *)p)[off[i]]);
		break;
	}
}

static void load_f_dense(int dt, const void *p, int64_t pos, int n, float *dst)
{
	switch (dt) {
	case WEIR_DT_FLOAT: memcpy(dst, (const float *)p + pos, (size_t)n * sizeof(float)); break;
	case WEIR_DT_FLOAT16:
		for (int i = 0; i < n; i++)
			dst[i] = weir_f16_to_f32(((const uint16_t *)p)[pos + i]);
		break;
	default:
		for (int i = 0; i < n; i++)
			dst[i] = weir_bf16_to_f32(((const uint16_t *)p)[pos + i]);
		break;
	}
}

static void store_f_dense(int dt, void *p, int64_t pos, int n, const float *src)
{
	switch (dt) {
	case WEIR_DT_FLOAT: memcpy((float *)p + pos, src, (size_t)n * sizeof(float)); break;
	case WEIR_DT_FLOAT16:
		for (int i = 0; i < n; i++)
			((uint16_t *)p)[pos + i] = weir_f32_to_f16(src[i]);
		break;
	default:
		for (int i = 0; i < n; i++)
			((uint16_t *)p)[pos + i] = weir_f32_to_bf16(src[i]);
		break;
	}
}

static void load_i(int dt, const void *p, const int64_t *off, int n, int64_t *dst)
{
	switch (dt) {
	case WEIR_DT_INT8:
		for (int i = 0; i < n; i++)
			dst[i] = ((const int8_t *)p)[off[i]];
		break;
	case WEIR_DT_UINT8:
		for (int i = 0; i < n; i++)
			dst[i] = ((const uint8_t *)p)[off[i]];
		break;
	case WEIR_DT_INT16: /* integer Pow only */
		for (int i = 0; i < n; i++)
			dst[i] = ((const int16_t *)p)[off[i]];
		break;
	case WEIR_DT_INT32:
		for (int i = 0; i < n; i++)
			dst[i] = ((const int32_t *)p)[off[i]];
		break;
	default:
		for (int i = 0; i < n; i++)
			dst[i] = ((const int64_t *)p)[off[i]];
		break;
	}
}

static void store_i_dense(int dt, void *p, int64_t pos, int n, const int64_t *src)
{
	for (int i = 0; i < n; i++)
		weir__ops_sti(dt, p, pos + i, src[i]);
}

/* ---- scalar math -------------------------------------------------------- */

static void bin_f(enum bin_op op, float *a, const float *b, int n)
{
	switch (op) {
	case B_ADD:
		for (int i = 0; i < n; i++)
			a[i] = a[i] + b[i];
		break;
	case B_SUB:
		for (int i = 0; i < n; i++)
			a[i] = a[i] - b[i];
		break;
	case B_MUL:
		for (int i = 0; i < n; i++)
			a[i] = a[i] * b[i];
		break;
	case B_DIV:
		for (int i = 0; i < n; i++)
			a[i] = a[i] / b[i];
		break;
	case B_MAX:
		for (int i = 0; i < n; i++)
			a[i] = isnan(a[i])   ? a[i]
			       : isnan(b[i]) ? b[i]
			                     : (a[i] >= b[i] ? a[i] : b[i]);
		break;
	case B_MIN:
		for (int i = 0; i < n; i++)
			a[i] = isnan(a[i])   ? a[i]
			       : isnan(b[i]) ? b[i]
			                     : (a[i] <= b[i] ? a[i] : b[i]);
		break;
	case B_POW:
		for (int i = 0; i < n; i++)
			a[i] = powf(a[i], b[i]);
		break;
	}
}

/* Integer a^e, wrapping: repeated squaring in uint64 (truncating to the
 * dtype's width on store commutes with it). A negative exponent gives 0,
 * except for bases 1 (1) and -1 (+-1 by parity), as torch's integer pow
 * with a tensor exponent. */
static int64_t pow_i(int64_t a, int64_t e)
{
	if (e < 0)
		return a == 1 ? 1 : a == -1 ? ((e & 1) ? -1 : 1) : 0;
	uint64_t r = 1, b = (uint64_t)a;
	for (uint64_t u = (uint64_t)e; u; u >>= 1) {
		if (u & 1)
			r *= b;
		b *= b;
	}
	return (int64_t)r;
}

/* Wrapping integer arithmetic (done in uint64 to stay clear of signed
 * overflow); the store truncates to the dtype's width. */
static int bin_i(enum bin_op op, int64_t *a, const int64_t *b, int n)
{
	switch (op) {
	case B_ADD:
		for (int i = 0; i < n; i++)
			a[i] = (int64_t)((uint64_t)a[i] + (uint64_t)b[i]);
		break;
	case B_SUB:
		for (int i = 0; i < n; i++)
			a[i] = (int64_t)((uint64_t)a[i] - (uint64_t)b[i]);
		break;
	case B_MUL:
		for (int i = 0; i < n; i++)
			a[i] = (int64_t)((uint64_t)a[i] * (uint64_t)b[i]);
		break;
	case B_DIV:
		for (int i = 0; i < n; i++) {
			if (b[i] == 0)
				return WEIR_EINVAL;
			if (b[i] == -1) /* INT64_MIN / -1 would trap: negate, wrapping */
				a[i] = (int64_t)(0 - (uint64_t)a[i]);
			else
				a[i] = a[i] / b[i];
		}
		break;
	case B_MAX:
		for (int i = 0; i < n; i++)
			a[i] = a[i] >= b[i] ? a[i] : b[i];
		break;
	case B_MIN:
		for (int i = 0; i < n; i++)
			a[i] = a[i] <= b[i] ? a[i] : b[i];
		break;
	case B_POW:
		for (int i = 0; i < n; i++)
			a[i] = pow_i(a[i], b[i]);
		break;
	}
	return WEIR_OK;
}

#define GELU_K 0.7978845608028654f /* sqrt(2/pi) */

static void un_f(enum un_op op, bool gelu_erf, float *a, int n)
{
	switch (op) {
	case U_NEG:
		for (int i = 0; i < n; i++)
			a[i] = -a[i];
		break;
	case U_EXP:
		for (int i = 0; i < n; i++)
			a[i] = expf(a[i]);
		break;
	case U_LOG:
		for (int i = 0; i < n; i++)
			a[i] = logf(a[i]);
		break;
	case U_SQRT:
		for (int i = 0; i < n; i++)
			a[i] = sqrtf(a[i]);
		break;
	case U_RSQRT:
		for (int i = 0; i < n; i++)
			a[i] = 1.0f / sqrtf(a[i]);
		break;
	case U_ABS:
		for (int i = 0; i < n; i++)
			a[i] = fabsf(a[i]);
		break;
	case U_RELU:
		for (int i = 0; i < n; i++)
			a[i] = a[i] > 0.0f ? a[i] : (isnan(a[i]) ? a[i] : 0.0f);
		break;
	case U_GELU:
		if (gelu_erf) {
			for (int i = 0; i < n; i++)
				a[i] = 0.5f * a[i] * (1.0f + erff(a[i] * 0.70710678118654752f));
		} else {
			for (int i = 0; i < n; i++) {
				float x = a[i];
				a[i] = 0.5f * x *
				       (1.0f + tanhf(GELU_K * (x + 0.044715f * x * x * x)));
			}
		}
		break;
	case U_SIGMOID:
		for (int i = 0; i < n; i++)
			a[i] = 1.0f / (1.0f + expf(-a[i]));
		break;
	case U_TANH:
		for (int i = 0; i < n; i++)
			a[i] = tanhf(a[i]);
		break;
	case U_SILU:
		for (int i = 0; i < n; i++)
			a[i] = a[i] / (1.0f + expf(-a[i]));
		break;
	}
}

static void un_i(enum un_op op, int64_t *a, int n)
{
	switch (op) {
	case U_NEG:
		for (int i = 0; i < n; i++)
			a[i] = (int64_t)(0 - (uint64_t)a[i]);
		break;
	case U_ABS:
		for (int i = 0; i < n; i++)
			a[i] = a[i] < 0 ? (int64_t)(0 - (uint64_t)a[i]) : a[i];
		break;
	case U_RELU:
		for (int i = 0; i < n; i++)
			a[i] = a[i] > 0 ? a[i] : 0;
		break;
	default: break; /* infer rejects integer inputs for the others */
	}
}

/* ---- binary ------------------------------------------------------------- */

static bool bin_dtype_ok(enum bin_op op, int dt)
{
	if (op == B_POW)
		return weir__ops_is_float(dt) || weir__ops_is_int(dt) || dt == WEIR_DT_INT16;
	return weir__ops_is_float(dt) || weir__ops_is_int(dt);
}

static int bin_infer(weir_op_infer_ctx_t *ctx, enum bin_op op)
{
	const weir_tensor_desc_t *a = &ctx->in[0], *b = &ctx->in[1];
	if (a->dtype != b->dtype)
		return weir_op_fail(ctx, WEIR_ESHAPE, "input dtypes differ: %s vs %s",
		                    WEIR__OPS_DESC(a), WEIR__OPS_DESC(b));
	if (!bin_dtype_ok(op, a->dtype))
		return weir_op_fail(
		        ctx, WEIR_ESHAPE, "dtype %s not supported (expected %s)",
		        weir_dtype_name(a->dtype),
		        op == B_POW ? "float32/float16/bfloat16/int8/uint8/int16/int32/int64"
		                    : "float32/float16/bfloat16/int8/uint8/int32/int64");
	int r;
	int64_t dims[WEIR_MAX_RANK];
	if (weir__ops_bcast_shape((int)a->rank, a->dims, (int)b->rank, b->dims, &r, dims) != 0)
		return weir_op_fail(ctx, WEIR_ESHAPE, "shapes %s and %s do not broadcast",
		                    WEIR__OPS_DESC(a), WEIR__OPS_DESC(b));
	weir__ops_desc_set(&ctx->out[0], a->dtype, r, dims);
	return WEIR_OK;
}

static int bin_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb, enum bin_op op)
{
	const weir_tensor_desc_t *od = &c->out_desc[0];
	int dt = od->dtype;
	int64_t lo, hi;
	weir__ops_range(weir__ops_desc_numel(od), bi, nb, &lo, &hi);
	if (lo >= hi)
		return WEIR_OK;

	/* Fast path: float32 with both inputs shaped like the output (no
	 * broadcasting). Same arithmetic as bin_f(), element by element. */
	int64_t n = weir__ops_desc_numel(od);
	if (dt == WEIR_DT_FLOAT && op != B_POW && weir__ops_desc_numel(&c->in_desc[0]) == n &&
	    weir__ops_desc_numel(&c->in_desc[1]) == n && c->in_desc[0].rank == od->rank &&
	    c->in_desc[1].rank == od->rank) {
		const float *a = (const float *)c->in[0] + lo, *b = (const float *)c->in[1] + lo;
		float *y = (float *)c->out[0] + lo;
		uint32_t fl = weir_kernel_float_flags();
		for (int64_t pos = lo; pos < hi;) {
			int m = (int)(hi - pos < CHUNK ? hi - pos : CHUNK);
			float t[CHUNK];
			unsigned char fin[CHUNK];
			if (fl)
				fp_inputs(a, b, m, fin);
			memcpy(t, a, (size_t)m * sizeof(float));
			bin_f(op, t, b, m);
			if (fl)
				fp_guard(fl, dt, fin, t, m);
			memcpy(y, t, (size_t)m * sizeof(float));
			a += m;
			b += m;
			y += m;
			pos += m;
		}
		return WEIR_OK;
	}

	weir__ops_iter_t it;
	weir__ops_iter_init(&it, (int)od->rank, od->dims, 2);
	weir__ops_iter_bcast(&it, 0, (int)c->in_desc[0].rank, c->in_desc[0].dims);
	weir__ops_iter_bcast(&it, 1, (int)c->in_desc[1].rank, c->in_desc[1].dims);
	weir__ops_iter_seek(&it, lo);

	int64_t oa[CHUNK], ob[CHUNK];
	bool isf = weir__ops_is_float(dt);
	uint32_t fl = isf ? weir_kernel_float_flags() : 0;
	for (int64_t pos = lo; pos < hi;) {
		int m = (int)(hi - pos < CHUNK ? hi - pos : CHUNK);
		for (int i = 0; i < m; i++) {
			oa[i] = it.off[0];
			ob[i] = it.off[1];
			weir__ops_iter_next(&it);
		}
		if (isf) {
			float a[CHUNK], b[CHUNK];
			unsigned char fin[CHUNK];
			load_f(dt, c->in[0], oa, m, a);
			load_f(dt, c->in[1], ob, m, b);
			if (fl)
				fp_inputs(a, b, m, fin);
			bin_f(op, a, b, m);
			if (fl)
				fp_guard(fl, dt, fin, a, m);
			store_f_dense(dt, c->out[0], pos, m, a);
		} else {
			int64_t a[CHUNK], b[CHUNK];
			load_i(dt, c->in[0], oa, m, a);
			load_i(dt, c->in[1], ob, m, b);
			int rc = bin_i(op, a, b, m);
			if (rc != WEIR_OK)
				return rc;
			store_i_dense(dt, c->out[0], pos, m, a);
		}
		pos += m;
	}
	return WEIR_OK;
}

static uint32_t ew_blocks_cheap(const weir_op_call_t *c, uint32_t workers)
{
	return weir__ops_blocks_for(weir__ops_desc_numel(&c->out_desc[0]), 2, workers);
}

static uint32_t ew_blocks_math(const weir_op_call_t *c, uint32_t workers)
{
	return weir__ops_blocks_for(weir__ops_desc_numel(&c->out_desc[0]), 16, workers);
}

#define BIN_OP(sym, NAME, op, blk) WEIR__OPS_OP_DEF(sym, NAME, 2, bin_infer, bin_kernel, op, blk)

BIN_OP(add, "Add", B_ADD, ew_blocks_cheap)
BIN_OP(sub, "Sub", B_SUB, ew_blocks_cheap)
BIN_OP(mul, "Mul", B_MUL, ew_blocks_cheap)
BIN_OP(div, "Div", B_DIV, ew_blocks_cheap)
BIN_OP(maximum, "Maximum", B_MAX, ew_blocks_cheap)
BIN_OP(minimum, "Minimum", B_MIN, ew_blocks_cheap)
BIN_OP(pow, "Pow", B_POW, ew_blocks_math)

/* ---- unary -------------------------------------------------------------- */

static bool un_signed_int(int dt)
{
	return dt == WEIR_DT_INT8 || dt == WEIR_DT_INT32 || dt == WEIR_DT_INT64;
}

static int gelu_mode(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a, bool *use_erf)
{
	const char *s;
	int found, rc;
	*use_erf = false;
	rc = weir__ops_attr_string(ctx, a, WEIR__OPS_NAMES("approximate"), &s, &found);
	if (rc != WEIR_OK || !found)
		return rc;
	if (strcmp(s, "tanh") == 0)
		return WEIR_OK;
	if (strcmp(s, "none") == 0) {
		*use_erf = true;
		return WEIR_OK;
	}
	return WEIR__OPS_FAIL(ctx, WEIR_EINVAL,
	                      "attr 'approximate' is \"%s\"; expected \"tanh\" or \"none\"", s);
}

static int un_infer(weir_op_infer_ctx_t *ctx, enum un_op op)
{
	const weir_tensor_desc_t *x = &ctx->in[0];
	bool ok = weir__ops_is_float(x->dtype);
	const char *want = "float32/float16/bfloat16";
	if (op == U_NEG) {
		ok = ok || un_signed_int(x->dtype);
		want = "float32/float16/bfloat16/int8/int32/int64";
	} else if (op == U_ABS || op == U_RELU) {
		ok = ok || weir__ops_is_int(x->dtype);
		want = "float32/float16/bfloat16/int8/uint8/int32/int64";
	}
	if (!ok)
		return weir_op_fail(ctx, WEIR_ESHAPE, "dtype %s not supported (expected %s)",
		                    weir_dtype_name(x->dtype), want);
	if (op == U_GELU) {
		bool e;
		int rc = gelu_mode(ctx, ctx->attrs, &e);
		if (rc != WEIR_OK)
			return rc;
	}
	ctx->out[0] = *x;
	return WEIR_OK;
}

static int un_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb, enum un_op op)
{
	const weir_tensor_desc_t *od = &c->out_desc[0];
	int dt = od->dtype;
	bool use_erf = false;
	if (op == U_GELU && gelu_mode(NULL, c->attrs, &use_erf) != WEIR_OK)
		return WEIR_EINVAL;
	int64_t lo, hi;
	weir__ops_range(weir__ops_desc_numel(od), bi, nb, &lo, &hi);
	uint32_t fl = weir__ops_is_float(dt) ? weir_kernel_float_flags() : 0;
	for (int64_t pos = lo; pos < hi;) {
		int m = (int)(hi - pos < CHUNK ? hi - pos : CHUNK);
		if (weir__ops_is_float(dt)) {
			float a[CHUNK];
			unsigned char fin[CHUNK];
			load_f_dense(dt, c->in[0], pos, m, a);
			if (fl)
				fp_inputs(a, NULL, m, fin);
			un_f(op, use_erf, a, m);
			if (fl)
				fp_guard(fl, dt, fin, a, m);
			store_f_dense(dt, c->out[0], pos, m, a);
		} else {
			int64_t a[CHUNK];
			for (int i = 0; i < m; i++)
				a[i] = weir__ops_ldi(dt, c->in[0], pos + i);
			un_i(op, a, m);
			store_i_dense(dt, c->out[0], pos, m, a);
		}
		pos += m;
	}
	return WEIR_OK;
}

WEIR__OPS_UNARY_DEF(neg, "Neg", U_NEG, ew_blocks_cheap)
WEIR__OPS_UNARY_DEF(exp, "Exp", U_EXP, ew_blocks_math)
WEIR__OPS_UNARY_DEF(log, "Log", U_LOG, ew_blocks_math)
WEIR__OPS_UNARY_DEF(sqrt, "Sqrt", U_SQRT, ew_blocks_math)
WEIR__OPS_UNARY_DEF(rsqrt, "Rsqrt", U_RSQRT, ew_blocks_math)
WEIR__OPS_UNARY_DEF(abs, "Abs", U_ABS, ew_blocks_cheap)
WEIR__OPS_UNARY_DEF(relu, "Relu", U_RELU, ew_blocks_cheap)
WEIR__OPS_UNARY_DEF(gelu, "Gelu", U_GELU, ew_blocks_math)
WEIR__OPS_UNARY_DEF(sigmoid, "Sigmoid", U_SIGMOID, ew_blocks_math)
WEIR__OPS_UNARY_DEF(tanh, "Tanh", U_TANH, ew_blocks_math)
WEIR__OPS_UNARY_DEF(silu, "Silu", U_SILU, ew_blocks_math)
