/*
 * graph/ops/norm.c - Softmax, LogSoftmax, LayerNorm and RMSNorm (float dtypes).
 *
 *  Softmax(x; axis = -1):  y = exp(x - max) / sum(exp(x - max)) along axis.
 *  LogSoftmax(x; axis = -1): y = (x - max) - log(sum(exp(x - max))) along
 *      axis, the subtraction and the log in double.
 *  LayerNorm(x, gamma[, beta]; axis = -1, epsilon = 1e-5): normalizes over
 *      the dims [axis, rank) (GE alias begin_norm_axis):
 *      y = (x - mean) / sqrt(var + epsilon) * gamma + beta (biased variance).
 *  RMSNorm(x, gamma; axis = -1, epsilon = 1e-6):
 *      y = x / sqrt(mean(x^2) + epsilon) * gamma over the dims [axis, rank).
 *  Optional statistics outputs (aclnnLayerNorm's meanOut/rstdOut): LayerNorm
 *  with 3 outputs gives (y, mean, rstd), RMSNorm with 2 gives (y, rstd), each
 *  of x's dtype and shape x.shape[:axis] + ones for the normalized dims.
 *
 * gamma/beta have the dtype of x and the shape x.shape[axis:] (or 1-D with
 * as many elements). Sums accumulate in double, sequentially in index order;
 * blocks split the independent rows (lanes), so results do not depend on the
 * block count.
 */
#include <math.h>

#include "graph/ops/ops_internal.h"

/* ---- Softmax -------------------------------------------------------------- */

typedef struct sm_geom {
	int64_t outer, D, inner;
} sm_geom_t;

static int sm_geom(weir_op_infer_ctx_t *ctx, const weir_attrs_t *attrs, const weir_tensor_desc_t *x,
                   sm_geom_t *g)
{
	int64_t axis = -1;
	int found, rc = weir__ops_attr_int(ctx, attrs, WEIR__OPS_NAMES("axis"), &axis, &found);
	if (rc != WEIR_OK)
		return rc;
	if (!found) {
		/* GE's SoftmaxV2 carries `axes`, a list: accept one entry. */
		const int64_t *v;
		size_t n;
		rc = weir__ops_attr_ints(ctx, attrs, WEIR__OPS_NAMES("axes"), &v, &n, &found);
		if (rc != WEIR_OK)
			return rc;
		if (found && n != 1)
			return WEIR__OPS_FAIL(ctx, WEIR_EINVAL,
			                      "attr 'axes' must hold exactly one axis; got %zu", n);
		if (found)
			axis = v[0];
	}
	int r = (int)x->rank;
	if (r == 0)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "input must have rank >= 1; got %s",
		                      WEIR__OPS_DESC(x));
	int ax = weir__ops_axis(axis, r);
	if (ax < 0)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "axis %lld out of range for rank %d",
		                      (long long)axis, r);
	g->outer = weir__ops_numel(x->dims, ax);
	g->D = x->dims[ax];
	g->inner = weir__ops_numel(x->dims + ax + 1, r - ax - 1);
	return WEIR_OK;
}

static int softmax_infer(weir_op_infer_ctx_t *ctx)
{
	sm_geom_t g;
	int rc = weir__ops_check_dtype(ctx, 0, weir__ops_is_float, "float32/float16/bfloat16");
	if (rc == WEIR_OK)
		rc = sm_geom(ctx, ctx->attrs, &ctx->in[0], &g);
	if (rc != WEIR_OK)
		return rc;
	ctx->out[0] = ctx->in[0];
	return WEIR_OK;
}

static int sm_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb, bool log_out)
{
	sm_geom_t g;
	if (sm_geom(NULL, c->attrs, &c->in_desc[0], &g) != WEIR_OK)
		return WEIR_EINVAL;
	int dt = c->in_desc[0].dtype;
	const void *x = c->in[0];
	void *y = c->out[0];
	int64_t lo, hi;
	/* An empty axis: no element, however many (empty) lanes. */
	weir__ops_range(g.D ? g.outer * g.inner : 0, bi, nb, &lo, &hi);
	for (int64_t l = lo; l < hi; l++) {
		int64_t base = (l / g.inner) * g.D * g.inner + l % g.inner, s = g.inner;
		float mx = -INFINITY;
		bool nan = false;
		for (int64_t d = 0; d < g.D; d++) {
			float v = weir__ops_ldf(dt, x, base + d * s);
			if (isnan(v))
				nan = true;
			else if (v > mx)
				mx = v;
		}
		/* NaN anywhere, or every value -inf: no finite max to subtract;
		 * the row comes out NaN, as the formula gives. */
		if (nan || mx == -INFINITY)
			mx = 0.0f;
		double sum = 0.0;
		if (log_out) {
			for (int64_t d = 0; d < g.D; d++)
				sum += exp((double)weir__ops_ldf(dt, x, base + d * s) - (double)mx);
			double ls = log(sum);
			for (int64_t d = 0; d < g.D; d++) {
				double v = (double)weir__ops_ldf(dt, x, base + d * s) - (double)mx;
				weir__ops_stf(dt, y, base + d * s, (float)(v - ls));
			}
			continue;
		}
		for (int64_t d = 0; d < g.D; d++)
			sum += (double)expf(weir__ops_ldf(dt, x, base + d * s) - mx);
		for (int64_t d = 0; d < g.D; d++) {
			double e = (double)expf(weir__ops_ldf(dt, x, base + d * s) - mx);
			weir__ops_stf(dt, y, base + d * s, (float)(e / sum));
		}
	}
	return WEIR_OK;
}

static uint32_t softmax_blocks(const weir_op_call_t *c, uint32_t workers)
{
	sm_geom_t g;
	if (sm_geom(NULL, c->attrs, &c->in_desc[0], &g) != WEIR_OK)
		return 1;
	return weir__ops_blocks_for(g.outer * g.inner, weir__ops_mul_sat(3 * 16, g.D), workers);
}

static int softmax_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	return sm_kernel(c, bi, nb, false);
}
static int logsoftmax_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	return sm_kernel(c, bi, nb, true);
}

const weir_op_def_t weir__op_logsoftmax = {
	.name = "LogSoftmax",
	.min_inputs = 1,
	.max_inputs = 1,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = softmax_infer,
	.kernel = logsoftmax_kernel,
	.blocks = softmax_blocks,
};

const weir_op_def_t weir__op_softmax = {
	.name = "Softmax",
	.min_inputs = 1,
	.max_inputs = 1,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = softmax_infer,
	.kernel = softmax_kernel,
	.blocks = softmax_blocks,
};

/* ---- LayerNorm / RMSNorm ---------------------------------------------------- */

typedef struct ln_geom {
	int64_t rows, D;
	int ax;
	float eps;
} ln_geom_t;

static int ln_geom(weir_op_infer_ctx_t *ctx, const weir_attrs_t *attrs,
                   const weir_tensor_desc_t *in, uint32_t nin, bool rms, ln_geom_t *g)
{
	const weir_tensor_desc_t *x = &in[0];
	int64_t axis = -1;
	int found, rc;
	rc = weir__ops_attr_int(ctx, attrs, WEIR__OPS_NAMES("axis", "begin_norm_axis"), &axis,
	                        &found);
	if (rc != WEIR_OK)
		return rc;
	g->eps = rms ? 1e-6f : 1e-5f;
	rc = weir__ops_attr_float(ctx, attrs, WEIR__OPS_NAMES("epsilon", "eps"), &g->eps, &found);
	if (rc != WEIR_OK)
		return rc;
	if (!(g->eps >= 0.0f) || isinf(g->eps))
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "epsilon must be finite and >= 0; got %g",
		                      (double)g->eps);
	if (!weir__ops_is_float(x->dtype))
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
		                      "dtype %s not supported (expected float32/float16/bfloat16)",
		                      weir_dtype_name(x->dtype));
	int r = (int)x->rank;
	if (r == 0)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "input must have rank >= 1; got %s",
		                      WEIR__OPS_DESC(x));
	int ax = weir__ops_axis(axis, r);
	if (ax < 0)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "axis %lld out of range for rank %d",
		                      (long long)axis, r);
	g->ax = ax;
	g->rows = weir__ops_numel(x->dims, ax);
	g->D = weir__ops_numel(x->dims + ax, r - ax);
	for (uint32_t i = 1; i < nin; i++) {
		const weir_tensor_desc_t *p = &in[i];
		const char *nm = i == 1 ? "gamma" : "beta";
		if (p->dtype != x->dtype)
			return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "%s dtype %s differs from x %s", nm,
			                      weir_dtype_name(p->dtype), weir_dtype_name(x->dtype));
		bool same = (int)p->rank == r - ax;
		for (int d = 0; same && d < r - ax; d++)
			same = p->dims[d] == x->dims[ax + d];
		bool flat = p->rank == 1 && p->dims[0] == g->D;
		if (!same && !flat)
			return WEIR__OPS_FAIL(
			        ctx, WEIR_ESHAPE,
			        "%s %s must have the normalized shape of x %s from axis %d", nm,
			        WEIR__OPS_DESC(p), WEIR__OPS_DESC(x), ax);
	}
	return WEIR_OK;
}

static int norm_infer(weir_op_infer_ctx_t *ctx, bool rms)
{
	ln_geom_t g;
	int rc = ln_geom(ctx, ctx->attrs, ctx->in, ctx->nin, rms, &g);
	if (rc != WEIR_OK)
		return rc;
	if (ctx->nout != 1 && ctx->nout != (rms ? 2u : 3u))
		return weir_op_fail(ctx, WEIR_EINVAL, "%s has 1 or %d outputs; got %u",
		                    rms ? "RMSNorm" : "LayerNorm", rms ? 2 : 3, ctx->nout);
	ctx->out[0] = ctx->in[0];
	/* Statistics: x.shape[:axis] + ones for the normalized dims. */
	const weir_tensor_desc_t *x = &ctx->in[0];
	int64_t sd[WEIR_MAX_RANK];
	for (int d = 0; d < (int)x->rank; d++)
		sd[d] = d < g.ax ? x->dims[d] : 1;
	for (uint32_t i = 1; i < ctx->nout; i++)
		weir__ops_desc_set(&ctx->out[i], x->dtype, (int)x->rank, sd);
	return WEIR_OK;
}

static int norm_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb, bool rms)
{
	ln_geom_t g;
	if (ln_geom(NULL, c->attrs, c->in_desc, c->nin, rms, &g) != WEIR_OK)
		return WEIR_EINVAL;
	int dt = c->in_desc[0].dtype;
	const void *x = c->in[0], *gm = c->in[1], *bt = c->nin > 2 ? c->in[2] : NULL;
	void *y = c->out[0];
	/* Statistics outputs: LayerNorm (mean, rstd), RMSNorm (rstd). */
	void *mo = !rms && c->nout > 1 ? c->out[1] : NULL;
	void *ro = c->nout > 1 ? c->out[rms ? 1 : 2] : NULL;
	int64_t lo, hi;
	/* Empty rows: nothing, unless the (non-empty) statistics are asked for;
	 * a row of no element has mean and rstd NaN (0/0). */
	weir__ops_range(g.D || ro ? g.rows : 0, bi, nb, &lo, &hi);
	for (int64_t r = lo; r < hi; r++) {
		int64_t base = r * g.D;
		double mean = 0.0, acc = 0.0;
		if (!rms) {
			for (int64_t d = 0; d < g.D; d++)
				mean += (double)weir__ops_ldf(dt, x, base + d);
			mean /= (double)g.D;
		}
		for (int64_t d = 0; d < g.D; d++) {
			double v = (double)weir__ops_ldf(dt, x, base + d) - mean;
			acc += v * v;
		}
		double rs = 1.0 / sqrt(acc / (double)g.D + (double)g.eps);
		if (mo)
			weir__ops_stf(dt, mo, r, (float)mean);
		if (ro)
			weir__ops_stf(dt, ro, r, (float)rs);
		for (int64_t d = 0; d < g.D; d++) {
			double v = ((double)weir__ops_ldf(dt, x, base + d) - mean) * rs *
			           (double)weir__ops_ldf(dt, gm, d);
			if (bt)
				v += (double)weir__ops_ldf(dt, bt, d);
			weir__ops_stf(dt, y, base + d, (float)v);
		}
	}
	return WEIR_OK;
}

static uint32_t norm_blocks(const weir_op_call_t *c, uint32_t workers, bool rms)
{
	ln_geom_t g;
	if (ln_geom(NULL, c->attrs, c->in_desc, c->nin, rms, &g) != WEIR_OK)
		return 1;
	return weir__ops_blocks_for(g.rows, weir__ops_mul_sat(8, g.D), workers);
}

static int layernorm_infer(weir_op_infer_ctx_t *ctx)
{
	return norm_infer(ctx, false);
}
static int layernorm_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	return norm_kernel(c, bi, nb, false);
}
static uint32_t layernorm_blocks(const weir_op_call_t *c, uint32_t w)
{
	return norm_blocks(c, w, false);
}

static int rmsnorm_infer(weir_op_infer_ctx_t *ctx)
{
	return norm_infer(ctx, true);
}
static int rmsnorm_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	return norm_kernel(c, bi, nb, true);
}
static uint32_t rmsnorm_blocks(const weir_op_call_t *c, uint32_t w)
{
	return norm_blocks(c, w, true);
}

const weir_op_def_t weir__op_layernorm = {
	.name = "LayerNorm",
	.min_inputs = 2,
	.max_inputs = 3,
	.min_outputs = 1,
	.max_outputs = 3,
	.infer = layernorm_infer,
	.kernel = layernorm_kernel,
	.blocks = layernorm_blocks,
	.flags = WEIR_OP_OPTIONAL_OUTPUTS,
};

const weir_op_def_t weir__op_rmsnorm = {
	.name = "RMSNorm",
	.min_inputs = 2,
	.max_inputs = 2,
	.min_outputs = 1,
	.max_outputs = 2,
	.infer = rmsnorm_infer,
	.kernel = rmsnorm_kernel,
	.blocks = rmsnorm_blocks,
	.flags = WEIR_OP_OPTIONAL_OUTPUTS,
};
