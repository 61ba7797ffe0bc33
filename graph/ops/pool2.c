/*
 * graph/ops/pool2.c - adaptive pooling and the transposed convolution on
 * NCHW float tensors (PyTorch semantics; docs/ops.md).
 *
 *  AdaptiveAvgPool2d(x[N,C,H,W] or [C,H,W]; output_size = [oh, ow], or one
 *      int for both; required): output cell (i, j) covers rows
 *      [floor(i*H/oh), ceil((i+1)*H/oh)) and likewise columns; the mean is
 *      accumulated in double in row-major order.
 *  AdaptiveMaxPool2d: the same windows, the maximum (a NaN wins); optional
 *      second output: int64 indices ih * W + iw within the input plane
 *      (torch's return_indices; the first maximum wins ties).
 *  Conv2DTranspose(x[N,C,H,W], w[C, O/groups, kH, kW][, bias[O]]; strides,
 *      pads [top, bottom, left, right], dilations, groups (alias group),
 *      output_padding [h, w] (alias output_padding's NCHW form)): output
 *      OH = (H-1)*sh - pt - pb + dh*(kH-1) + oph + 1. Gather formulation:
 *      each output element sums, in float32 and in (input channel, kh, kw)
 *      order, x[n, c, ih, iw] * w[c, o % (O/groups), kh, kw] over the taps
 *      with oh + pt - kh*dh = ih*sh (likewise w), then adds the bias.
 *
 * Blocks split output rows (plane, oh); each output element is computed by
 * the same sequential code whatever the block count.
 */
#include <math.h>
#include <string.h>

#include "graph/ops/ops_internal.h"

/* ---- adaptive pooling --------------------------------------------------------- */

typedef struct ap_geom {
	int64_t planes, H, W, OH, OW;
	int rank;
} ap_geom_t;

static int ap_parse(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a, const weir_tensor_desc_t *x,
                    ap_geom_t *g)
{
	const int64_t *v;
	size_t n;
	int found;
	int rc = weir__ops_attr_ints(ctx, a, WEIR__OPS_NAMES("output_size"), &v, &n, &found);
	if (rc != WEIR_OK)
		return rc;
	if (!found)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "missing attr 'output_size'");
	if (n != 1 && n != 2)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL,
		                      "attr 'output_size' needs 1 or 2 entries; got %zu", n);
	g->OH = v[0];
	g->OW = v[n - 1];
	if (g->OH < 0 || g->OW < 0)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "attr 'output_size' entries must be >= 0");
	if (!weir__ops_is_float(x->dtype))
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
		                      "dtype %s not supported (expected float32/float16/bfloat16)",
		                      weir_dtype_name(x->dtype));
	if (x->rank != 3 && x->rank != 4)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
		                      "input must be [N,C,H,W] or [C,H,W]; got %s",
		                      WEIR__OPS_DESC(x));
	g->rank = (int)x->rank;
	g->H = x->dims[x->rank - 2];
	g->W = x->dims[x->rank - 1];
	g->planes = weir__ops_numel(x->dims, (int)x->rank - 2);
	if (g->H < 1 || g->W < 1)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "input %s has an empty spatial dim",
		                      WEIR__OPS_DESC(x));
	/* The window bounds compute i * H with i < OH. */
	if (g->OH > INT64_MAX / g->H || g->OW > INT64_MAX / g->W)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "attr 'output_size' too large for input %s",
		                      WEIR__OPS_DESC(x));
	return WEIR_OK;
}

static int ap_infer(weir_op_infer_ctx_t *ctx, bool is_max)
{
	ap_geom_t g;
	const weir_tensor_desc_t *x = &ctx->in[0];
	int rc = ap_parse(ctx, ctx->attrs, x, &g);
	if (rc != WEIR_OK)
		return rc;
	if (!is_max && ctx->nout > 1)
		return weir_op_fail(ctx, WEIR_EINVAL, "AdaptiveAvgPool2d has one output");
	int64_t d[4];
	for (int i = 0; i < g.rank - 2; i++)
		d[i] = x->dims[i];
	d[g.rank - 2] = g.OH;
	d[g.rank - 1] = g.OW;
	weir_tensor_desc_t t;
	if (weir_tensor_desc_init(&t, x->dtype, (uint32_t)g.rank, d) != WEIR_OK)
		return weir_op_fail(ctx, WEIR_ESHAPE, "output shape has too many elements");
	weir__ops_desc_set(&ctx->out[0], x->dtype, g.rank, d);
	if (ctx->nout > 1)
		weir__ops_desc_set(&ctx->out[1], WEIR_DT_INT64, g.rank, d);
	return WEIR_OK;
}

/* Window [*s, *e) of output index i of o over an input extent n. */
static inline void ap_win(int64_t i, int64_t o, int64_t n, int64_t *s, int64_t *e)
{
	*s = (i * n) / o;
	int64_t q = (i + 1) * n; /* fits: (i + 1) <= o and o * n fits */
	*e = q / o + (q % o != 0);
}

static int ap_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb, bool is_max)
{
	ap_geom_t g;
	if (ap_parse(NULL, c->attrs, &c->in_desc[0], &g) != WEIR_OK)
		return WEIR_EINVAL;
	int dt = c->in_desc[0].dtype;
	const void *X = c->in[0];
	int64_t *I = c->nout > 1 ? (int64_t *)c->out[1] : NULL;
	int64_t lo, hi;
	weir__ops_range(g.OW > 0 ? g.planes * g.OH : 0, bi, nb, &lo, &hi);
	for (int64_t r = lo; r < hi; r++) {
		int64_t oh = r % g.OH, plane = (r / g.OH) * g.H * g.W;
		int64_t h0, h1;
		ap_win(oh, g.OH, g.H, &h0, &h1);
		for (int64_t ow = 0; ow < g.OW; ow++) {
			int64_t w0, w1;
			ap_win(ow, g.OW, g.W, &w0, &w1);
			double s = 0.0;
			float m = -INFINITY;
			int64_t mi = h0 * g.W + w0;
			for (int64_t ih = h0; ih < h1; ih++)
				for (int64_t iw = w0; iw < w1; iw++) {
					float v = weir__ops_ldf(dt, X, plane + ih * g.W + iw);
					if (!is_max) {
						s += (double)v;
					} else if (v > m || isnan(v)) {
						m = v;
						mi = ih * g.W + iw;
					}
				}
			int64_t q = r * g.OW + ow;
			if (is_max)
				weir__ops_stf(dt, c->out[0], q, m);
			else
				weir__ops_stf(dt, c->out[0], q,
				              (float)(s / ((double)(h1 - h0) * (double)(w1 - w0))));
			if (I)
				I[q] = mi;
		}
	}
	return WEIR_OK;
}

static uint32_t ap_blocks(const weir_op_call_t *c, uint32_t workers)
{
	ap_geom_t g;
	if (ap_parse(NULL, c->attrs, &c->in_desc[0], &g) != WEIR_OK || g.OW == 0)
		return 1;
	/* A window spans at most ceil(H / OH) + 1 rows (H when OH = 0: no rows). */
	int64_t wh = g.OH ? g.H / g.OH + 2 : 1, ww = g.OW ? g.W / g.OW + 2 : 1;
	return weir__ops_blocks_for(g.planes * g.OH,
	                            weir__ops_mul_sat(g.OW, weir__ops_mul_sat(wh, ww)), workers);
}

static int aap_infer(weir_op_infer_ctx_t *ctx)
{
	return ap_infer(ctx, false);
}
static int aap_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	return ap_kernel(c, bi, nb, false);
}
static int amp_infer(weir_op_infer_ctx_t *ctx)
{
	return ap_infer(ctx, true);
}
static int amp_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	return ap_kernel(c, bi, nb, true);
}

const weir_op_def_t weir__op_adaptiveavgpool2d = {
	.name = "AdaptiveAvgPool2d",
	.min_inputs = 1,
	.max_inputs = 1,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = aap_infer,
	.kernel = aap_kernel,
	.blocks = ap_blocks,
};

const weir_op_def_t weir__op_adaptivemaxpool2d = {
	.name = "AdaptiveMaxPool2d",
	.min_inputs = 1,
	.max_inputs = 1,
	.min_outputs = 1,
	.max_outputs = 2, /* values, optional int64 indices */
	.infer = amp_infer,
	.kernel = amp_kernel,
	.blocks = ap_blocks,
	.flags = WEIR_OP_OPTIONAL_OUTPUTS,
};

/* ---- Conv2DTranspose ---------------------------------------------------------- */

typedef struct ct_geom {
	int64_t N, C, H, W, O, KH, KW, OH, OW;
	int64_t sh, sw, dh, dw, pt, pb, pl, pr, oph, opw, groups;
} ct_geom_t;

/* (in - 1) * s - p0 - p1 + d * (k - 1) + op + 1, or INT64_MIN on overflow
 * (every operand >= 0, in >= 1 and k >= 1). */
static int64_t ct_extent(int64_t in, int64_t s, int64_t p0, int64_t p1, int64_t d, int64_t k,
                         int64_t op)
{
	int64_t a, b, t;
	if (__builtin_mul_overflow(in - 1, s, &a) || __builtin_mul_overflow(d, k - 1, &b) ||
	    __builtin_add_overflow(a, b, &t) || __builtin_add_overflow(t, op + 1, &t))
		return INT64_MIN;
	/* Subtracting p0, p1 >= 0 from t >= 0 cannot overflow. */
	return t - p0 - p1;
}

static int ct_geom(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a, const weir_tensor_desc_t *in,
                   uint32_t nin, ct_geom_t *g)
{
	int64_t st[2], p[4];
	int found;
	memset(g, 0, sizeof(*g));
	int rc = weir__ops_nchw_attrs(ctx, a, &in[0], st, p);
	if (rc == WEIR_OK)
		rc = weir__ops_hw_pair(ctx, a, WEIR__OPS_NAMES("dilations"), &g->dh, &g->dw, false);
	if (rc == WEIR_OK)
		rc = weir__ops_attr_int(ctx, a, WEIR__OPS_NAMES("groups", "group"), &g->groups,
		                        &found);
	if (rc != WEIR_OK)
		return rc;
	if (!found)
		g->groups = 1;
	const int64_t *opv;
	size_t nop;
	rc = weir__ops_attr_ints(ctx, a, WEIR__OPS_NAMES("output_padding"), &opv, &nop, &found);
	if (rc != WEIR_OK)
		return rc;
	if (found && nop != 2 && !(nop == 4 && opv[0] == 0 && opv[1] == 0))
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL,
		                      "attr 'output_padding' needs [h, w] or [0, 0, h, w]; got %zu "
		                      "entries",
		                      nop);
	g->oph = found ? opv[nop - 2] : 0;
	g->opw = found ? opv[nop - 1] : 0;
	g->sh = st[0];
	g->sw = st[1];
	g->pt = p[0];
	g->pb = p[1];
	g->pl = p[2];
	g->pr = p[3];
	if (g->oph < 0 || g->opw < 0 || g->oph >= (g->sh > g->dh ? g->sh : g->dh) ||
	    g->opw >= (g->sw > g->dw ? g->sw : g->dw))
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL,
		                      "output_padding [%lld, %lld] must be >= 0 and smaller than "
		                      "the stride or the dilation",
		                      (long long)g->oph, (long long)g->opw);
	const weir_tensor_desc_t *x = &in[0], *w = &in[1];
	g->N = x->dims[0];
	g->C = x->dims[1];
	g->H = x->dims[2];
	g->W = x->dims[3];
	if (w->dtype != x->dtype || (nin > 2 && in[2].dtype != x->dtype))
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "filter/bias dtype differs from x %s",
		                      WEIR__OPS_DESC(x));
	if (w->rank != 4)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
		                      "filter must be [C, O/groups, kH, kW]; got %s",
		                      WEIR__OPS_DESC(w));
	if (w->dims[0] != g->C)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "filter %s needs dim 0 = C = %lld for x %s",
		                      WEIR__OPS_DESC(w), (long long)g->C, WEIR__OPS_DESC(x));
	if (g->groups < 1 || g->C % g->groups != 0 || w->dims[1] > INT64_MAX / 16 / g->groups)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL,
		                      "groups = %lld must be >= 1 and divide C = %lld",
		                      (long long)g->groups, (long long)g->C);
	g->O = w->dims[1] * g->groups;
	g->KH = w->dims[2];
	g->KW = w->dims[3];
	if (nin > 2 && (in[2].rank != 1 || in[2].dims[0] != g->O))
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
		                      "bias must be 1-D of length O = %lld; got %s",
		                      (long long)g->O, WEIR__OPS_DESC(&in[2]));
	if (g->KH < 1 || g->KW < 1)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "filter %s has an empty window",
		                      WEIR__OPS_DESC(w));
	if (g->H < 1 || g->W < 1)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "input %s has an empty spatial dim",
		                      WEIR__OPS_DESC(x));
	g->OH = ct_extent(g->H, g->sh, g->pt, g->pb, g->dh, g->KH, g->oph);
	g->OW = ct_extent(g->W, g->sw, g->pl, g->pr, g->dw, g->KW, g->opw);
	if (g->OH == INT64_MIN || g->OW == INT64_MIN)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "attrs overflow the output size of %s",
		                      WEIR__OPS_DESC(x));
	if (g->OH < 1 || g->OW < 1)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
		                      "output size %lldx%lld is not positive (pads too large)",
		                      (long long)g->OH, (long long)g->OW);
	return WEIR_OK;
}

static int ct_infer(weir_op_infer_ctx_t *ctx)
{
	ct_geom_t g;
	int rc = ct_geom(ctx, ctx->attrs, ctx->in, ctx->nin, &g);
	if (rc != WEIR_OK)
		return rc;
	int64_t d[4] = { g.N, g.O, g.OH, g.OW };
	weir_tensor_desc_t t;
	if (weir_tensor_desc_init(&t, ctx->in[0].dtype, 4, d) != WEIR_OK)
		return weir_op_fail(ctx, WEIR_ESHAPE, "output shape has too many elements");
	weir__ops_desc_set(&ctx->out[0], ctx->in[0].dtype, 4, d);
	return WEIR_OK;
}

/* The input index i in [0, n) with o + p - k * d = i * s, or -1. */
static inline int64_t ct_tap(int64_t o, int64_t p, int64_t k, int64_t d, int64_t s, int64_t n)
{
	int64_t t = o + p - k * d;
	if (t < 0 || t % s != 0)
		return -1;
	t /= s;
	return t < n ? t : -1;
}

static int ct_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	ct_geom_t g;
	if (ct_geom(NULL, c->attrs, c->in_desc, c->nin, &g) != WEIR_OK)
		return WEIR_EINVAL;
	int dt = c->in_desc[0].dtype;
	const void *X = c->in[0], *Wt = c->in[1], *B = c->nin > 2 ? c->in[2] : NULL;
	int64_t Cg = g.C / g.groups, Og = g.O / g.groups;
	int64_t lo, hi;
	weir__ops_range(g.N * g.O * g.OH, bi, nb, &lo, &hi);
	for (int64_t r = lo; r < hi; r++) {
		int64_t oh = r % g.OH, no = r / g.OH, o = no % g.O, n = no / g.O;
		int64_t c0 = (o / Og) * Cg, oo = o % Og;
		float bv = B ? weir__ops_ldf(dt, B, o) : 0.0f;
		for (int64_t ow = 0; ow < g.OW; ow++) {
			float acc = 0.0f;
			for (int64_t ci = 0; ci < Cg; ci++) {
				int64_t xplane = (n * g.C + c0 + ci) * g.H * g.W;
				int64_t wbase = ((c0 + ci) * Og + oo) * g.KH * g.KW;
				for (int64_t kh = 0; kh < g.KH; kh++) {
					int64_t ih = ct_tap(oh, g.pt, kh, g.dh, g.sh, g.H);
					if (ih < 0)
						continue;
					for (int64_t kw = 0; kw < g.KW; kw++) {
						int64_t iw = ct_tap(ow, g.pl, kw, g.dw, g.sw, g.W);
						if (iw < 0)
							continue;
						acc += weir__ops_ldf(dt, X,
						                     xplane + ih * g.W + iw) *
						       weir__ops_ldf(dt, Wt,
						                     wbase + kh * g.KW + kw);
					}
				}
			}
			weir__ops_stf(dt, c->out[0], r * g.OW + ow, B ? acc + bv : acc);
		}
	}
	return WEIR_OK;
}

static uint32_t ct_blocks(const weir_op_call_t *c, uint32_t workers)
{
	ct_geom_t g;
	if (ct_geom(NULL, c->attrs, c->in_desc, c->nin, &g) != WEIR_OK)
		return 1;
	int64_t cost = weir__ops_mul_sat(g.OW, weir__ops_mul_sat(g.C / g.groups, g.KH * g.KW));
	return weir__ops_blocks_for(g.N * g.O * g.OH, cost, workers);
}

const weir_op_def_t weir__op_conv2dtranspose = {
	.name = "Conv2DTranspose",
	.min_inputs = 2,
	.max_inputs = 3,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = ct_infer,
	.kernel = ct_kernel,
	.blocks = ct_blocks,
};
