/*
 * graph/ops/norm2.c - BatchNorm (inference) and GroupNorm (float dtypes).
 *
 *  BatchNorm(x[N,C,...], scale[C], offset[C], mean[C], variance[C];
 *            epsilon = 1e-5):
 *      y = (x - mean[c]) / sqrt(variance[c] + epsilon) * scale[c] + offset[c]
 *      with c the index along dim 1 (running statistics: inference only).
 *  GroupNorm(x[N,C,*], gamma[C], beta[C]; num_groups, epsilon = 1e-5):
 *      each group of C/num_groups channels of one sample is normalized with
 *      its mean and biased variance, then scaled by gamma[c] and shifted by
 *      beta[c]. With 3 outputs also mean[N, num_groups] and
 *      rstd[N, num_groups] = 1 / sqrt(var + epsilon) (aclnnGroupNorm's
 *      meanOut/rstdOut).
 *
 * Every input has x's dtype. Arithmetic is in double: BatchNorm per element,
 * GroupNorm with sums accumulated sequentially in index order. Blocks split
 * elements (BatchNorm) or (sample, group) rows (GroupNorm), so results do not
 * depend on the block count.
 */
#include <math.h>

#include "graph/ops/ops_internal.h"

static int eps_attr(weir_op_infer_ctx_t *ctx, const weir_attrs_t *attrs, float *eps)
{
	int found;
	*eps = 1e-5f;
	int rc = weir__ops_attr_float(ctx, attrs, WEIR__OPS_NAMES("epsilon", "eps"), eps, &found);
	if (rc != WEIR_OK)
		return rc;
	if (!(*eps >= 0.0f) || isinf(*eps))
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "epsilon must be finite and >= 0; got %g",
		                      (double)*eps);
	return WEIR_OK;
}

/* x: float, rank >= 2; in[1..nin) are 1-D [C] of x's dtype. */
static int chan_inputs(weir_op_infer_ctx_t *ctx, const weir_tensor_desc_t *in, uint32_t nin,
                       const char *const *names)
{
	const weir_tensor_desc_t *x = &in[0];
	if (!weir__ops_is_float(x->dtype))
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
		                      "dtype %s not supported (expected float32/float16/bfloat16)",
		                      weir_dtype_name(x->dtype));
	if (x->rank < 2)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "x must have rank >= 2 (N, C, ...); got %s",
		                      WEIR__OPS_DESC(x));
	for (uint32_t i = 1; i < nin; i++) {
		const weir_tensor_desc_t *p = &in[i];
		if (p->dtype != x->dtype)
			return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "%s dtype %s differs from x %s",
			                      names[i - 1], weir_dtype_name(p->dtype),
			                      weir_dtype_name(x->dtype));
		if (p->rank != 1 || p->dims[0] != x->dims[1])
			return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "%s %s must be [%lld] (C of x %s)",
			                      names[i - 1], WEIR__OPS_DESC(p),
			                      (long long)x->dims[1], WEIR__OPS_DESC(x));
	}
	return WEIR_OK;
}

/* ---- BatchNorm ------------------------------------------------------------- */

static const char *const bn_names[] = { "scale", "offset", "mean", "variance" };

static int bn_parse(weir_op_infer_ctx_t *ctx, const weir_attrs_t *attrs,
                    const weir_tensor_desc_t *in, uint32_t nin, float *eps)
{
	int64_t tr = 0;
	int found;
	int rc = eps_attr(ctx, attrs, eps);
	if (rc == WEIR_OK)
		rc = weir__ops_attr_int(ctx, attrs, WEIR__OPS_NAMES("is_training", "training"), &tr,
		                        &found);
	if (rc != WEIR_OK)
		return rc;
	if (tr)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL,
		                      "is_training is not supported (BatchNorm is inference only)");
	return chan_inputs(ctx, in, nin, bn_names);
}

static int bn_infer(weir_op_infer_ctx_t *ctx)
{
	float eps;
	int rc = bn_parse(ctx, ctx->attrs, ctx->in, ctx->nin, &eps);
	if (rc != WEIR_OK)
		return rc;
	ctx->out[0] = ctx->in[0];
	return WEIR_OK;
}

static int bn_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	float eps;
	if (bn_parse(NULL, c->attrs, c->in_desc, c->nin, &eps) != WEIR_OK)
		return WEIR_EINVAL;
	const weir_tensor_desc_t *xd = &c->in_desc[0];
	int dt = xd->dtype;
	int64_t C = xd->dims[1], inner = weir__ops_numel(xd->dims + 2, (int)xd->rank - 2);
	int64_t n = weir__ops_desc_numel(xd), lo, hi;
	weir__ops_range(n, bi, nb, &lo, &hi);
	for (int64_t k = lo; k < hi; k++) {
		int64_t ch = (k / inner) % C;
		double m = (double)weir__ops_ldf(dt, c->in[3], ch);
		double v = (double)weir__ops_ldf(dt, c->in[4], ch);
		double y = ((double)weir__ops_ldf(dt, c->in[0], k) - m) / sqrt(v + (double)eps) *
		                   (double)weir__ops_ldf(dt, c->in[1], ch) +
		           (double)weir__ops_ldf(dt, c->in[2], ch);
		weir__ops_stf(dt, c->out[0], k, (float)y);
	}
	return WEIR_OK;
}

static uint32_t bn_blocks(const weir_op_call_t *c, uint32_t workers)
{
	return weir__ops_blocks_for(weir__ops_desc_numel(&c->in_desc[0]), 8, workers);
}

const weir_op_def_t weir__op_batchnorm = {
	.name = "BatchNorm",
	.min_inputs = 5,
	.max_inputs = 5,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = bn_infer,
	.kernel = bn_kernel,
	.blocks = bn_blocks,
};

/* ---- GroupNorm ------------------------------------------------------------- */

static const char *const gn_names[] = { "gamma", "beta" };

typedef struct gn_geom {
	int64_t N, C, G, cpg, inner, D; /* D = cpg * inner elements per row */
	float eps;
} gn_geom_t;

static int gn_geom(weir_op_infer_ctx_t *ctx, const weir_attrs_t *attrs,
                   const weir_tensor_desc_t *in, uint32_t nin, gn_geom_t *g)
{
	int found;
	int rc = eps_attr(ctx, attrs, &g->eps);
	if (rc == WEIR_OK)
		rc = weir__ops_attr_int(ctx, attrs, WEIR__OPS_NAMES("num_groups", "group"), &g->G,
		                        &found);
	if (rc != WEIR_OK)
		return rc;
	if (!found)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "attr 'num_groups' is required");
	rc = chan_inputs(ctx, in, nin, gn_names);
	if (rc != WEIR_OK)
		return rc;
	const weir_tensor_desc_t *x = &in[0];
	g->N = x->dims[0];
	g->C = x->dims[1];
	if (g->G < 1 || g->C % g->G != 0)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL,
		                      "num_groups %lld must be >= 1 and divide C = %lld",
		                      (long long)g->G, (long long)g->C);
	/* C = 0 lets any num_groups divide it: keep [N, num_groups] a valid shape. */
	if (g->C == 0 && g->G > (INT64_MAX / 16) / (g->N > 0 ? g->N : 1))
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "num_groups %lld too large",
		                      (long long)g->G);
	g->cpg = g->C / g->G;
	g->inner = weir__ops_numel(x->dims + 2, (int)x->rank - 2);
	g->D = g->cpg * g->inner;
	return WEIR_OK;
}

static int gn_infer(weir_op_infer_ctx_t *ctx)
{
	gn_geom_t g;
	int rc = gn_geom(ctx, ctx->attrs, ctx->in, ctx->nin, &g);
	if (rc != WEIR_OK)
		return rc;
	if (ctx->nout == 2)
		return weir_op_fail(ctx, WEIR_EINVAL, "GroupNorm has 1 or 3 outputs; got 2");
	ctx->out[0] = ctx->in[0];
	for (uint32_t i = 1; i < ctx->nout; i++)
		weir__ops_desc_set(&ctx->out[i], ctx->in[0].dtype, 2, (int64_t[]){ g.N, g.G });
	return WEIR_OK;
}

static int gn_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	gn_geom_t g;
	if (gn_geom(NULL, c->attrs, c->in_desc, c->nin, &g) != WEIR_OK)
		return WEIR_EINVAL;
	int dt = c->in_desc[0].dtype;
	const void *x = c->in[0], *gm = c->in[1], *bt = c->in[2];
	void *y = c->out[0], *mo = c->nout > 1 ? c->out[1] : NULL;
	void *ro = c->nout > 2 ? c->out[2] : NULL;
	int64_t lo, hi;
	/* Empty rows write only the statistics (NaN: 0/0), when asked for. */
	weir__ops_range(g.D || mo ? g.N * g.G : 0, bi, nb, &lo, &hi);
	for (int64_t r = lo; r < hi; r++) {
		int64_t base = r * g.D, c0 = (r % g.G) * g.cpg;
		double mean = 0.0, acc = 0.0;
		for (int64_t d = 0; d < g.D; d++)
			mean += (double)weir__ops_ldf(dt, x, base + d);
		mean /= (double)g.D;
		for (int64_t d = 0; d < g.D; d++) {
			double v = (double)weir__ops_ldf(dt, x, base + d) - mean;
			acc += v * v;
		}
		double rs = 1.0 / sqrt(acc / (double)g.D + (double)g.eps);
		if (mo) {
			weir__ops_stf(dt, mo, r, (float)mean);
			weir__ops_stf(dt, ro, r, (float)rs);
		}
		for (int64_t d = 0; d < g.D; d++) {
			int64_t ch = c0 + d / g.inner;
			double v = ((double)weir__ops_ldf(dt, x, base + d) - mean) * rs *
			                   (double)weir__ops_ldf(dt, gm, ch) +
			           (double)weir__ops_ldf(dt, bt, ch);
			weir__ops_stf(dt, y, base + d, (float)v);
		}
	}
	return WEIR_OK;
}

static uint32_t gn_blocks(const weir_op_call_t *c, uint32_t workers)
{
	gn_geom_t g;
	if (gn_geom(NULL, c->attrs, c->in_desc, c->nin, &g) != WEIR_OK)
		return 1;
	return weir__ops_blocks_for(g.N * g.G, weir__ops_mul_sat(8, g.D), workers);
}

const weir_op_def_t weir__op_groupnorm = {
	.name = "GroupNorm",
	.min_inputs = 3,
	.max_inputs = 3,
	.min_outputs = 1,
	.max_outputs = 3,
	.infer = gn_infer,
	.kernel = gn_kernel,
	.blocks = gn_blocks,
	.flags = WEIR_OP_OPTIONAL_OUTPUTS,
};
