/*
 * graph/ops/act2.c - ONNX activations: LeakyRelu, Elu, Selu, Celu,
 * HardSigmoid, HardSwish, Softplus, Softsign, ThresholdedRelu, Mish, Shrink
 * (one input), PRelu (x, slope) and Hardmax (docs/ops.md, "ONNX
 * activations").
 *
 *  - Float dtypes (float32/float16/bfloat16/double) compute in double and
 *    round once on store. Results are plain IEEE: these ops do not honour
 *    the float overflow check or SATURATION mode.
 *  - Attrs are read by one parse function shared by infer (which reports)
 *    and the kernel (which re-reads them with ctx == NULL).
 *  - Shrink also takes every integer dtype: with an integral bias the
 *    result is exact wrapping int64 arithmetic; otherwise x -+ bias is
 *    computed in double, truncated toward zero and wrapped to the dtype.
 *  - Hardmax (opset 13): one-hot of the first maximum along axis; a NaN
 *    counts as the maximum, so the first NaN wins (as ArgMax).
 *
 * Blocks split the output's flat index range (Hardmax: the independent
 * rows along axis); every element is computed by the same scalar code
 * whatever the block count, so the bytes are identical for any nblocks.
 */
#include <math.h>
#include <string.h>

#include "graph/ops/ops_internal.h"

enum a_un {
	A_LEAKY,
	A_ELU,
	A_SELU,
	A_CELU,
	A_HSIG,
	A_HSWISH,
	A_SOFTPLUS,
	A_SOFTSIGN,
	A_TRELU,
	A_MISH,
	A_SHRINK
};

/* float32/float16/bfloat16 or double. */
static bool is_real(int dt)
{
	return weir__ops_is_float(dt) || dt == WEIR_DT_DOUBLE;
}

/* Every integer dtype (not bool). */
static bool is_any_int(int dt)
{
	return weir__ops_is_any(dt) && !is_real(dt) && dt != WEIR_DT_BOOL;
}

static uint32_t blocks_act(const weir_op_call_t *c, uint32_t workers)
{
	return weir__ops_blocks_for(weir__ops_desc_numel(&c->out_desc[0]), 16, workers);
}

/* Element k of a real tensor as double. */
static inline double ldr(int dt, const void *p, int64_t k)
{
	return dt == WEIR_DT_DOUBLE ? ((const double *)p)[k] : (double)weir__ops_ldf(dt, p, k);
}

static inline void str(int dt, void *p, int64_t k, double v)
{
	if (dt == WEIR_DT_DOUBLE)
		((double *)p)[k] = v;
	else
		weir__ops_stf(dt, p, k, (float)v);
}

/* ---- attrs -------------------------------------------------------------- */

typedef struct act_param {
	double a, b; /* alpha/beta, alpha/gamma, bias/lambd */
} act_param_t;

static int get_float(weir_op_infer_ctx_t *ctx, const weir_attrs_t *at, const char *name, float def,
                     double *v)
{
	float f = def;
	int found;
	int rc = weir__ops_attr_float(ctx, at, WEIR__OPS_NAMES(name), &f, &found);
	if (rc != WEIR_OK)
		return rc;
	if (!isfinite(f))
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "attr '%s' must be finite; got %g", name,
		                      (double)f);
	*v = f;
	return WEIR_OK;
}

static int act_parse(weir_op_infer_ctx_t *ctx, const weir_attrs_t *at, enum a_un op, act_param_t *p)
{
	int rc = WEIR_OK;
	p->a = p->b = 0.0;
	switch (op) {
	case A_LEAKY: rc = get_float(ctx, at, "alpha", 0.01f, &p->a); break;
	case A_ELU:
	case A_CELU:
	case A_TRELU: rc = get_float(ctx, at, "alpha", 1.0f, &p->a); break;
	case A_SELU:
		rc = get_float(ctx, at, "alpha", 1.67326319217681884765625f, &p->a);
		if (rc == WEIR_OK)
			rc = get_float(ctx, at, "gamma", 1.05070102214813232421875f, &p->b);
		break;
	case A_HSIG:
		rc = get_float(ctx, at, "alpha", 0.2f, &p->a);
		if (rc == WEIR_OK)
			rc = get_float(ctx, at, "beta", 0.5f, &p->b);
		break;
	case A_SHRINK:
		rc = get_float(ctx, at, "bias", 0.0f, &p->a);
		if (rc == WEIR_OK)
			rc = get_float(ctx, at, "lambd", 0.5f, &p->b);
		break;
	default: break;
	}
	if (rc == WEIR_OK && op == A_CELU && p->a == 0.0)
		rc = WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "attr 'alpha' must not be 0");
	return rc;
}

/* ---- scalar math -------------------------------------------------------- */

/* max(0, min(1, v)), NaN kept. */
static inline double clamp01(double v)
{
	return v < 0.0 ? 0.0 : v > 1.0 ? 1.0 : v;
}

/* log(1 + exp(x)) without overflow. */
static inline double softplus(double x)
{
	return x > 0.0 ? x + log1p(exp(-x)) : log1p(exp(x));
}

static double act_f(enum a_un op, const act_param_t *p, double x)
{
	switch (op) {
	case A_LEAKY: return x < 0.0 ? p->a * x : x;
	case A_ELU: return x < 0.0 ? p->a * expm1(x) : x;
	case A_SELU: return x > 0.0 ? p->b * x : isnan(x) ? x : p->b * (p->a * exp(x) - p->a);
	case A_CELU:
		return (x > 0.0 ? x : 0.0) + (x < 0.0    ? p->a * expm1(x / p->a)
		                              : isnan(x) ? x
		                                         : 0.0);
	case A_HSIG: return clamp01(p->a * x + p->b);
	case A_HSWISH: /* -inf: the limit -0, not -inf * 0 */
		return x == -INFINITY ? -0.0 : x * clamp01(x / 6.0 + 0.5);
	case A_SOFTPLUS: return softplus(x);
	case A_SOFTSIGN: return isinf(x) ? copysign(1.0, x) : x / (1.0 + fabs(x));
	case A_TRELU: return x > p->a ? x : isnan(x) ? x : 0.0;
	case A_MISH: /* the limit at -inf is 0 (not -inf * 0) */
		return x == -INFINITY ? -0.0 : x * tanh(softplus(x));
	default: /* A_SHRINK */
		return x < -p->b ? x + p->a : x > p->b ? x - p->a : isnan(x) ? x : 0.0;
	}
}

/* Shrink of an integer element v of dtype dt. */
static int64_t shrink_i(int dt, int64_t v, const act_param_t *p, bool exact, int64_t ib)
{
	double xd = dt == WEIR_DT_UINT64 ? (double)(uint64_t)v : (double)v;
	int sgn = xd < -p->b ? 1 : xd > p->b ? -1 : 0;
	if (sgn == 0)
		return 0;
	if (exact)
		return (int64_t)((uint64_t)v + (sgn > 0 ? (uint64_t)ib : 0 - (uint64_t)ib));
	double r = trunc(sgn > 0 ? xd + p->a : xd - p->a);
	/* Saturate into int64 (uint64 through its top half). */
	if (dt == WEIR_DT_UINT64)
		return r <= 0.0 ? 0 : r >= 18446744073709551616.0 ? -1 : (int64_t)(uint64_t)r;
	return r <= -9223372036854775808.0  ? INT64_MIN
	       : r >= 9223372036854775808.0 ? INT64_MAX
	                                    : (int64_t)r;
}

static int un_infer(weir_op_infer_ctx_t *ctx, enum a_un op)
{
	const weir_tensor_desc_t *x = &ctx->in[0];
	bool ok = is_real(x->dtype) || (op == A_SHRINK && is_any_int(x->dtype));
	if (!ok)
		return weir_op_fail(ctx, WEIR_ESHAPE, "dtype %s not supported (expected %s)",
		                    weir_dtype_name(x->dtype),
		                    op == A_SHRINK ? "float32/float16/bfloat16/double or an integer"
		                                     " dtype"
		                                   : "float32/float16/bfloat16/double");
	act_param_t p;
	int rc = act_parse(ctx, ctx->attrs, op, &p);
	if (rc != WEIR_OK)
		return rc;
	ctx->out[0] = *x;
	return WEIR_OK;
}

static int un_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb, enum a_un op)
{
	const weir_tensor_desc_t *od = &c->out_desc[0];
	int dt = od->dtype;
	act_param_t p;
	int rc = act_parse(NULL, c->attrs, op, &p);
	if (rc != WEIR_OK)
		return rc;
	int64_t lo, hi;
	weir__ops_range(weir__ops_desc_numel(od), bi, nb, &lo, &hi);
	if (is_real(dt)) {
		for (int64_t k = lo; k < hi; k++)
			str(dt, c->out[0], k, act_f(op, &p, ldr(dt, c->in[0], k)));
		return WEIR_OK;
	}
	/* Shrink on integers: exact when bias is an integer well inside int64. */
	bool exact = p.a == trunc(p.a) && fabs(p.a) < 4611686018427387904.0;
	int64_t ib = exact ? (int64_t)p.a : 0;
	for (int64_t k = lo; k < hi; k++)
		weir__ops_sti(dt, c->out[0], k,
		              shrink_i(dt, weir__ops_ldi(dt, c->in[0], k), &p, exact, ib));
	return WEIR_OK;
}

WEIR__OPS_UNARY_DEF(leakyrelu, "LeakyRelu", A_LEAKY, blocks_act)
WEIR__OPS_UNARY_DEF(elu, "Elu", A_ELU, blocks_act)
WEIR__OPS_UNARY_DEF(selu, "Selu", A_SELU, blocks_act)
WEIR__OPS_UNARY_DEF(celu, "Celu", A_CELU, blocks_act)
WEIR__OPS_UNARY_DEF(hardsigmoid, "HardSigmoid", A_HSIG, blocks_act)
WEIR__OPS_UNARY_DEF(hardswish, "HardSwish", A_HSWISH, blocks_act)
WEIR__OPS_UNARY_DEF(softplus, "Softplus", A_SOFTPLUS, blocks_act)
WEIR__OPS_UNARY_DEF(softsign, "Softsign", A_SOFTSIGN, blocks_act)
WEIR__OPS_UNARY_DEF(thresholdedrelu, "ThresholdedRelu", A_TRELU, blocks_act)
WEIR__OPS_UNARY_DEF(mish, "Mish", A_MISH, blocks_act)
WEIR__OPS_UNARY_DEF(shrink, "Shrink", A_SHRINK, blocks_act)

/* ---- PRelu -------------------------------------------------------------- */

static int prelu_infer(weir_op_infer_ctx_t *ctx)
{
	const weir_tensor_desc_t *x = &ctx->in[0], *s = &ctx->in[1];
	if (!is_real(x->dtype))
		return weir_op_fail(
		        ctx, WEIR_ESHAPE,
		        "dtype %s not supported (expected float32/float16/bfloat16/double)",
		        weir_dtype_name(x->dtype));
	if (s->dtype != x->dtype)
		return weir_op_fail(ctx, WEIR_ESHAPE, "input dtypes differ: %s vs %s",
		                    WEIR__OPS_DESC(x), WEIR__OPS_DESC(s));
	/* Unidirectional: slope broadcasts to x, never x to a larger shape. */
	int r;
	int64_t dims[WEIR_MAX_RANK];
	bool ok = weir__ops_bcast_shape((int)x->rank, x->dims, (int)s->rank, s->dims, &r, dims) ==
	                  0 &&
	          r == (int)x->rank;
	for (int d = 0; ok && d < r; d++)
		ok = dims[d] == x->dims[d];
	if (!ok)
		return weir_op_fail(ctx, WEIR_ESHAPE, "slope %s does not broadcast to x %s",
		                    WEIR__OPS_DESC(s), WEIR__OPS_DESC(x));
	ctx->out[0] = *x;
	return WEIR_OK;
}

static int prelu_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	const weir_tensor_desc_t *od = &c->out_desc[0];
	int dt = od->dtype;
	int64_t lo, hi;
	weir__ops_range(weir__ops_desc_numel(od), bi, nb, &lo, &hi);
	if (lo >= hi)
		return WEIR_OK;
	weir__ops_iter_t it;
	weir__ops_iter_init(&it, (int)od->rank, od->dims, 1);
	weir__ops_iter_bcast(&it, 0, (int)c->in_desc[1].rank, c->in_desc[1].dims);
	weir__ops_iter_seek(&it, lo);
	for (int64_t k = lo; k < hi; k++) {
		double x = ldr(dt, c->in[0], k);
		str(dt, c->out[0], k, x < 0.0 ? ldr(dt, c->in[1], it.off[0]) * x : x);
		weir__ops_iter_next(&it);
	}
	return WEIR_OK;
}

const weir_op_def_t weir__op_prelu = {
	.name = "PRelu",
	.min_inputs = 2,
	.max_inputs = 2,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = prelu_infer,
	.kernel = prelu_kernel,
	.blocks = blocks_act,
};

/* ---- Hardmax ------------------------------------------------------------ */

/* The axis (normalized) of x; fails on a rank-0 x or an axis out of range. */
static int hardmax_axis(weir_op_infer_ctx_t *ctx, const weir_attrs_t *at,
                        const weir_tensor_desc_t *x, int *axis)
{
	int64_t a = -1;
	int found;
	int rc = weir__ops_attr_int(ctx, at, WEIR__OPS_NAMES("axis"), &a, &found);
	if (rc != WEIR_OK)
		return rc;
	if (x->rank == 0)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "input must have rank >= 1; got %s",
		                      WEIR__OPS_DESC(x));
	*axis = weir__ops_axis(a, (int)x->rank);
	if (*axis < 0)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "axis %lld out of range for rank %u",
		                      (long long)a, x->rank);
	return WEIR_OK;
}

static int hardmax_infer(weir_op_infer_ctx_t *ctx)
{
	const weir_tensor_desc_t *x = &ctx->in[0];
	if (!is_real(x->dtype))
		return weir_op_fail(
		        ctx, WEIR_ESHAPE,
		        "dtype %s not supported (expected float32/float16/bfloat16/double)",
		        weir_dtype_name(x->dtype));
	int axis;
	int rc = hardmax_axis(ctx, ctx->attrs, x, &axis);
	if (rc != WEIR_OK)
		return rc;
	ctx->out[0] = *x;
	return WEIR_OK;
}

/* Rows: outer * inner independent lines of length D along axis. */
static void hardmax_geom(const weir_tensor_desc_t *x, int axis, int64_t *outer, int64_t *D,
                         int64_t *inner)
{
	*outer = weir__ops_numel(x->dims, axis);
	*D = x->dims[axis];
	*inner = weir__ops_numel(x->dims + axis + 1, (int)x->rank - axis - 1);
}

static uint32_t hardmax_blocks(const weir_op_call_t *c, uint32_t workers)
{
	int axis;
	if (hardmax_axis(NULL, c->attrs, &c->in_desc[0], &axis) != WEIR_OK)
		return 1;
	int64_t outer, D, inner;
	hardmax_geom(&c->in_desc[0], axis, &outer, &D, &inner);
	return weir__ops_blocks_for(outer * inner, 2 * D, workers);
}

static int hardmax_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	const weir_tensor_desc_t *x = &c->in_desc[0];
	int dt = x->dtype, axis;
	int rc = hardmax_axis(NULL, c->attrs, x, &axis);
	if (rc != WEIR_OK)
		return rc;
	int64_t outer, D, inner, lo, hi;
	hardmax_geom(x, axis, &outer, &D, &inner);
	if (D == 0)
		return WEIR_OK;
	weir__ops_range(outer * inner, bi, nb, &lo, &hi);
	for (int64_t row = lo; row < hi; row++) {
		int64_t base = (row / inner) * D * inner + row % inner;
		int64_t best = 0;
		double m = ldr(dt, c->in[0], base);
		for (int64_t d = 1; !isnan(m) && d < D; d++) {
			double v = ldr(dt, c->in[0], base + d * inner);
			if (isnan(v) || v > m) {
				m = v;
				best = d;
			}
		}
		for (int64_t d = 0; d < D; d++)
			str(dt, c->out[0], base + d * inner, d == best ? 1.0 : 0.0);
	}
	return WEIR_OK;
}

const weir_op_def_t weir__op_hardmax = {
	.name = "Hardmax",
	.min_inputs = 1,
	.max_inputs = 1,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = hardmax_infer,
	.kernel = hardmax_kernel,
	.blocks = hardmax_blocks,
};
