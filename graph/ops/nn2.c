/*
 * graph/ops/nn2.c - InstanceNormalization, LRN, MeanVarianceNormalization,
 * LpNormalization (ONNX).
 *
 * Every input has x's dtype: float32/float16/bfloat16/double; statistics
 * and arithmetic are in double, sums sequential in index order.
 *
 * - InstanceNormalization(x[N, C, D1..Dn], scale[C], bias[C]), attr epsilon
 *   (1e-5): each (n, c) plane is normalized with its mean and biased
 *   variance, then * scale[c] + bias[c]. Blocks split the (n, c) planes.
 * - LRN(x[N, C, ...]), attrs size (required, >= 1), alpha (1e-4), beta
 *   (0.75), bias (1.0): y = x / (bias + alpha / size * sum of x^2 over the
 *   channels [c - floor((size-1)/2), c + ceil((size-1)/2)])^beta. Blocks
 *   split the elements.
 * - MeanVarianceNormalization(x), attr axes (default [0, 2, 3]): over the
 *   axes, y = (x - mean) / sqrt(var + 1e-9) with the biased variance.
 *   Blocks split the groups of the kept dims.
 * - LpNormalization(x), attrs axis (-1), p (2; 1 or 2): y = x / ||lane||_p;
 *   a zero lane gives NaN (0/0), as ONNX's reference. Blocks split lanes.
 */
#include <math.h>
#include <string.h>

#include "graph/ops/ops_internal.h"

static bool nn2_real(int dt)
{
	return weir__ops_is_float(dt) || dt == WEIR_DT_DOUBLE;
}

static int nn2_check_x(weir_op_infer_ctx_t *ctx, const weir_tensor_desc_t *x, uint32_t min_rank)
{
	if (!nn2_real(x->dtype))
		return WEIR__OPS_FAIL(
		        ctx, WEIR_ESHAPE,
		        "dtype %s not supported (expected float32/float16/bfloat16/double)",
		        weir_dtype_name(x->dtype));
	if (x->rank < min_rank)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "input %s has rank < %u", WEIR__OPS_DESC(x),
		                      min_rank);
	return WEIR_OK;
}

static int nn2_same_out(weir_op_infer_ctx_t *ctx)
{
	ctx->out[0] = ctx->in[0];
	return WEIR_OK;
}

/* ---- InstanceNormalization ------------------------------------------------ */

static int in_parse(weir_op_infer_ctx_t *ctx, const weir_attrs_t *attrs,
                    const weir_tensor_desc_t *in, double *eps)
{
	int rc = nn2_check_x(ctx, &in[0], 2);
	if (rc != WEIR_OK)
		return rc;
	for (int k = 1; k < 3; k++)
		if (in[k].dtype != in[0].dtype || in[k].rank != 1 || in[k].dims[0] != in[0].dims[1])
			return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "%s is %s; expected %s[%lld]",
			                      k == 1 ? "scale" : "bias", WEIR__OPS_DESC(&in[k]),
			                      weir_dtype_name(in[0].dtype),
			                      (long long)in[0].dims[1]);
	float e = 1e-5f;
	int found;
	rc = weir__ops_attr_float(ctx, attrs, WEIR__OPS_NAMES("epsilon"), &e, &found);
	if (rc != WEIR_OK)
		return rc;
	if (!(e >= 0.0f) || !isfinite(e))
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "attr 'epsilon' = %g invalid", (double)e);
	*eps = e;
	return WEIR_OK;
}

static int in_infer(weir_op_infer_ctx_t *ctx)
{
	double eps;
	int rc = in_parse(ctx, ctx->attrs, ctx->in, &eps);
	return rc != WEIR_OK ? rc : nn2_same_out(ctx);
}

static int in_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	double eps;
	if (in_parse(NULL, c->attrs, c->in_desc, &eps) != WEIR_OK)
		return WEIR_EINVAL;
	const weir_tensor_desc_t *x = &c->in_desc[0];
	int dt = x->dtype;
	int64_t C = x->dims[1], planes = x->dims[0] * C;
	int64_t S = weir__ops_numel(x->dims + 2, (int)x->rank - 2);
	int64_t lo, hi;
	weir__ops_range(S ? planes : 0, bi, nb, &lo, &hi);
	for (int64_t p = lo; p < hi; p++) {
		int64_t base = p * S, ch = p % C;
		double m = 0.0, v = 0.0;
		for (int64_t i = 0; i < S; i++)
			m += weir_dt_load(dt, c->in[0], base + i);
		m /= (double)S;
		for (int64_t i = 0; i < S; i++) {
			double d = weir_dt_load(dt, c->in[0], base + i) - m;
			v += d * d;
		}
		v /= (double)S;
		double rs = 1.0 / sqrt(v + eps);
		double sc = weir_dt_load(dt, c->in[1], ch), bs = weir_dt_load(dt, c->in[2], ch);
		for (int64_t i = 0; i < S; i++) {
			double d = weir_dt_load(dt, c->in[0], base + i) - m;
			weir_dt_store(dt, c->out[0], base + i, d * rs * sc + bs);
		}
	}
	return WEIR_OK;
}

static uint32_t in_blocks(const weir_op_call_t *c, uint32_t workers)
{
	const weir_tensor_desc_t *x = &c->in_desc[0];
	if (x->rank < 2)
		return 1;
	int64_t S = weir__ops_numel(x->dims + 2, (int)x->rank - 2);
	return weir__ops_blocks_for(x->dims[0] * x->dims[1], weir__ops_mul_sat(4, S), workers);
}

const weir_op_def_t weir__op_instancenormalization = {
	.name = "InstanceNormalization",
	.min_inputs = 3,
	.max_inputs = 3,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = in_infer,
	.kernel = in_kernel,
	.blocks = in_blocks,
};

/* ---- LRN -------------------------------------------------------------------- */

typedef struct lrn_p {
	int64_t size;
	double alpha, beta, bias;
} lrn_p_t;

static int lrn_parse(weir_op_infer_ctx_t *ctx, const weir_attrs_t *attrs,
                     const weir_tensor_desc_t *x, lrn_p_t *p)
{
	int rc = nn2_check_x(ctx, x, 2);
	if (rc != WEIR_OK)
		return rc;
	int found;
	rc = weir__ops_attr_int(ctx, attrs, WEIR__OPS_NAMES("size"), &p->size, &found);
	if (rc != WEIR_OK)
		return rc;
	if (!found || p->size < 1 || p->size > INT32_MAX)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "attr 'size' %s",
		                      found ? "must be >= 1" : "is required");
	float a = 1e-4f, b = 0.75f, k = 1.0f;
	if ((rc = weir__ops_attr_float(ctx, attrs, WEIR__OPS_NAMES("alpha"), &a, &found)) !=
	            WEIR_OK ||
	    (rc = weir__ops_attr_float(ctx, attrs, WEIR__OPS_NAMES("beta"), &b, &found)) !=
	            WEIR_OK ||
	    (rc = weir__ops_attr_float(ctx, attrs, WEIR__OPS_NAMES("bias"), &k, &found)) != WEIR_OK)
		return rc;
	if (!isfinite(a) || !isfinite(b) || !isfinite(k))
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "attrs alpha, beta, bias must be finite");
	p->alpha = a;
	p->beta = b;
	p->bias = k;
	return WEIR_OK;
}

static int lrn_infer(weir_op_infer_ctx_t *ctx)
{
	lrn_p_t p;
	int rc = lrn_parse(ctx, ctx->attrs, &ctx->in[0], &p);
	return rc != WEIR_OK ? rc : nn2_same_out(ctx);
}

static int lrn_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	lrn_p_t p;
	const weir_tensor_desc_t *x = &c->in_desc[0];
	if (lrn_parse(NULL, c->attrs, x, &p) != WEIR_OK)
		return WEIR_EINVAL;
	int dt = x->dtype;
	int64_t C = x->dims[1], S = weir__ops_numel(x->dims + 2, (int)x->rank - 2);
	int64_t before = (p.size - 1) / 2, after = p.size - 1 - before;
	int64_t lo, hi;
	weir__ops_range(weir__ops_desc_numel(x), bi, nb, &lo, &hi);
	for (int64_t i = lo; i < hi; i++) {
		int64_t ch = (i / S) % C, base = i - ch * S;
		int64_t c0 = ch - before < 0 ? 0 : ch - before;
		int64_t c1 = ch > C - 1 - after ? C - 1 : ch + after;
		double s = 0.0;
		for (int64_t q = c0; q <= c1; q++) {
			double v = weir_dt_load(dt, c->in[0], base + q * S);
			s += v * v;
		}
		double d = pow(p.bias + p.alpha / (double)p.size * s, p.beta);
		weir_dt_store(dt, c->out[0], i, weir_dt_load(dt, c->in[0], i) / d);
	}
	return WEIR_OK;
}

static uint32_t lrn_blocks(const weir_op_call_t *c, uint32_t workers)
{
	lrn_p_t p;
	if (lrn_parse(NULL, c->attrs, &c->in_desc[0], &p) != WEIR_OK)
		return 1;
	return weir__ops_blocks_for(weir__ops_desc_numel(&c->in_desc[0]), 2 * p.size + 4, workers);
}

const weir_op_def_t weir__op_lrn = {
	.name = "LRN",
	.min_inputs = 1,
	.max_inputs = 1,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = lrn_infer,
	.kernel = lrn_kernel,
	.blocks = lrn_blocks,
};

/* ---- MeanVarianceNormalization --------------------------------------------- */

static int mvn_parse(weir_op_infer_ctx_t *ctx, const weir_attrs_t *attrs,
                     const weir_tensor_desc_t *x, weir__ops_red_geom_t *g)
{
	int rc = nn2_check_x(ctx, x, 0);
	if (rc != WEIR_OK)
		return rc;
	const int64_t *axes;
	size_t n;
	int found;
	rc = weir__ops_attr_ints(ctx, attrs, WEIR__OPS_NAMES("axes"), &axes, &n, &found);
	if (rc != WEIR_OK)
		return rc;
	static const int64_t dflt[] = { 0, 2, 3 };
	if (!found) {
		axes = dflt;
		n = 3;
	}
	memset(g, 0, sizeof(*g));
	int r = (int)x->rank;
	for (size_t i = 0; i < n; i++) {
		int ax = weir__ops_axis(axes[i], r);
		if (ax < 0 || g->red[ax])
			return WEIR__OPS_FAIL(
			        ctx, WEIR_EINVAL, "axis %lld %s for input %s", (long long)axes[i],
			        ax < 0 ? "out of range" : "repeated", WEIR__OPS_DESC(x));
		g->red[ax] = true;
	}
	weir__ops_red_geom_split(x, g);
	return WEIR_OK;
}

static int mvn_infer(weir_op_infer_ctx_t *ctx)
{
	weir__ops_red_geom_t g;
	int rc = mvn_parse(ctx, ctx->attrs, &ctx->in[0], &g);
	return rc != WEIR_OK ? rc : nn2_same_out(ctx);
}

static int mvn_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	weir__ops_red_geom_t g;
	if (mvn_parse(NULL, c->attrs, &c->in_desc[0], &g) != WEIR_OK)
		return WEIR_EINVAL;
	int dt = c->in_desc[0].dtype;
	int64_t lo, hi;
	weir__ops_range(g.rcount ? g.ocount : 0, bi, nb, &lo, &hi);
	if (lo >= hi)
		return WEIR_OK;
	weir__ops_iter_t ko, ri;
	weir__ops_red_iters(&g, lo, &ko, &ri);
	for (int64_t o = lo; o < hi; o++, weir__ops_iter_next(&ko)) {
		int64_t base = ko.off[0];
		double m = 0.0, v = 0.0;
		weir__ops_iter_seek(&ri, 0);
		for (int64_t k = 0; k < g.rcount; k++, weir__ops_iter_next(&ri))
			m += weir_dt_load(dt, c->in[0], base + ri.off[0]);
		m /= (double)g.rcount;
		weir__ops_iter_seek(&ri, 0);
		for (int64_t k = 0; k < g.rcount; k++, weir__ops_iter_next(&ri)) {
			double d = weir_dt_load(dt, c->in[0], base + ri.off[0]) - m;
			v += d * d;
		}
		double rs = 1.0 / sqrt(v / (double)g.rcount + 1e-9);
		weir__ops_iter_seek(&ri, 0);
		for (int64_t k = 0; k < g.rcount; k++, weir__ops_iter_next(&ri)) {
			int64_t i = base + ri.off[0];
			weir_dt_store(dt, c->out[0], i, (weir_dt_load(dt, c->in[0], i) - m) * rs);
		}
	}
	return WEIR_OK;
}

static uint32_t mvn_blocks(const weir_op_call_t *c, uint32_t workers)
{
	weir__ops_red_geom_t g;
	if (mvn_parse(NULL, c->attrs, &c->in_desc[0], &g) != WEIR_OK)
		return 1;
	return weir__ops_blocks_for(g.ocount, weir__ops_mul_sat(4, g.rcount), workers);
}

const weir_op_def_t weir__op_meanvariancenormalization = {
	.name = "MeanVarianceNormalization",
	.min_inputs = 1,
	.max_inputs = 1,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = mvn_infer,
	.kernel = mvn_kernel,
	.blocks = mvn_blocks,
};

/* ---- LpNormalization ---------------------------------------------------------- */

static int lp_parse(weir_op_infer_ctx_t *ctx, const weir_attrs_t *attrs,
                    const weir_tensor_desc_t *x, int *axis, int *p)
{
	int rc = nn2_check_x(ctx, x, 1);
	if (rc != WEIR_OK)
		return rc;
	int64_t a = -1, pv = 2;
	int found;
	if ((rc = weir__ops_attr_int(ctx, attrs, WEIR__OPS_NAMES("axis"), &a, &found)) != WEIR_OK ||
	    (rc = weir__ops_attr_int(ctx, attrs, WEIR__OPS_NAMES("p"), &pv, &found)) != WEIR_OK)
		return rc;
	*axis = weir__ops_axis(a, (int)x->rank);
	if (*axis < 0)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "axis %lld out of range for rank %u",
		                      (long long)a, x->rank);
	if (pv != 1 && pv != 2)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "attr 'p' = %lld (expected 1 or 2)",
		                      (long long)pv);
	*p = (int)pv;
	return WEIR_OK;
}

static int lp_infer(weir_op_infer_ctx_t *ctx)
{
	int axis, p;
	int rc = lp_parse(ctx, ctx->attrs, &ctx->in[0], &axis, &p);
	return rc != WEIR_OK ? rc : nn2_same_out(ctx);
}

static int lp_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	int axis, p;
	const weir_tensor_desc_t *x = &c->in_desc[0];
	if (lp_parse(NULL, c->attrs, x, &axis, &p) != WEIR_OK)
		return WEIR_EINVAL;
	int dt = x->dtype;
	int64_t D = x->dims[axis],
	        inner = weir__ops_numel(x->dims + axis + 1, (int)x->rank - axis - 1);
	int64_t outer = weir__ops_numel(x->dims, axis);
	int64_t lo, hi;
	weir__ops_range(D ? outer * inner : 0, bi, nb, &lo, &hi);
	for (int64_t l = lo; l < hi; l++) {
		int64_t base = (l / inner) * D * inner + l % inner;
		double s = 0.0;
		for (int64_t d = 0; d < D; d++) {
			double v = weir_dt_load(dt, c->in[0], base + d * inner);
			s += p == 1 ? fabs(v) : v * v;
		}
		double n = p == 1 ? s : sqrt(s);
		for (int64_t d = 0; d < D; d++) {
			int64_t i = base + d * inner;
			weir_dt_store(dt, c->out[0], i, weir_dt_load(dt, c->in[0], i) / n);
		}
	}
	return WEIR_OK;
}

static uint32_t lp_blocks(const weir_op_call_t *c, uint32_t workers)
{
	int axis, p;
	const weir_tensor_desc_t *x = &c->in_desc[0];
	if (lp_parse(NULL, c->attrs, x, &axis, &p) != WEIR_OK)
		return 1;
	int64_t D = x->dims[axis];
	return weir__ops_blocks_for(D ? weir__ops_desc_numel(x) / D : 0, weir__ops_mul_sat(3, D),
	                            workers);
}

const weir_op_def_t weir__op_lpnormalization = {
	.name = "LpNormalization",
	.min_inputs = 1,
	.max_inputs = 1,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = lp_infer,
	.kernel = lp_kernel,
	.blocks = lp_blocks,
};
