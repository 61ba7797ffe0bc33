/*
 * graph/ops/conv.c - Conv2D, MaxPool and AvgPool on NCHW float tensors.
 *
 * Attrs (GE conventions; docs/ops.md):
 *  strides, dilations: [h, w] or NCHW-ordered [1, 1, h, w]; default 1s.
 *  pads: [top, bottom, left, right] (GE order; ONNX orders begins then
 *        ends), default 0s.
 *  data_format: "NCHW" (the only layout; absent means NCHW).
 *  Conv2D(x[N,C,H,W], w[O,C/groups,kH,kW][, bias[O]]): groups (alias group),
 *        default 1. Each output sums over (input channel, kh, kw) in that
 *        order in float32, padded taps skipped, then adds the bias.
 *  MaxPool/AvgPool(x[N,C,H,W]): ksize (aliases kernel_shape, kernel_size)
 *        required, each pad smaller than the window; padded cells are ignored
 *        by MaxPool; AvgPool divides by divisor_override when non-zero, else
 *        by the in-bounds cell count when exclusive = true (default; ONNX
 *        count_include_pad = 0), else by the window's cells inside the padded
 *        input. Output dims are floor((H + pads - window) / stride) + 1, or
 *        with ceil_mode the ceiling, less one when the last window would
 *        start past the input and its left padding (torch's rule). MaxPool's
 *        optional second output holds int64 indices ih * W + iw of each max
 *        in its input plane (torch's return_indices: a NaN wins, else the
 *        first maximum).
 *
 * Conv2D on float32 runs on the GEMM engine (gemm.c, BLIS) as im2col + GEMM:
 * for image n and group gi, the outputs of Og = O/groups channels at the
 * flattened positions s = oh * OW + ow of one fixed tile [s0, s0 + ts) are
 * W_g[Og x Kc] times col[Kc x ts], Kc = (C/groups) * kH * kW, where col's
 * row (ci, kh, kw) holds those positions' input taps, 0 at padded ones (so
 * a padded tap adds 0 * w: NaN where w is Inf or NaN, as im2col frameworks
 * do); the bias is added last. col lives in a per-call scratch. Tiles (ts =
 * weir__ops_gemm_tile, a function of the shape only) are the blocks' units,
 * so each output comes from the same engine call whatever the block count.
 * float16/bfloat16 Conv2D and the pools split output rows (n, channel, oh)
 * and compute each output with the same sequential code whatever the block
 * count.
 */
#include <math.h>
#include <string.h>

#include "base/alloc.h"
#include "graph/ops/ops_internal.h"

typedef struct cv_geom {
	int64_t N, C, H, W; /* input */
	int64_t O, KH, KW;  /* output channels (pools: C), window */
	int64_t OH, OW;
	int64_t sh, sw, dh, dw;
	int64_t pt, pb, pl, pr;
	int64_t groups;
	bool exclusive;
	bool ceil_mode;
	int64_t divisor; /* AvgPool divisor_override; 0 = none */
} cv_geom_t;

/* A 2-entry [h, w] or 4-entry NCHW [1, 1, h, w] list attr, each >= 1
 * (shared with pool2.c through ops_internal.h). */
int weir__ops_hw_pair(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a, const char *const *names,
                      int64_t *h, int64_t *w, bool required)
{
	const int64_t *v;
	size_t n;
	int found, rc = weir__ops_attr_ints(ctx, a, names, &v, &n, &found);
	if (rc != WEIR_OK)
		return rc;
	if (!found) {
		if (required)
			return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "missing attr '%s'", names[0]);
		*h = *w = 1;
		return WEIR_OK;
	}
	if (n == 2) {
		*h = v[0];
		*w = v[1];
	} else if (n == 4) {
		if (v[0] != 1 || v[1] != 1)
			return WEIR__OPS_FAIL(ctx, WEIR_EINVAL,
			                      "attr '%s' in NCHW order must be 1 for N and C",
			                      names[0]);
		*h = v[2];
		*w = v[3];
	} else {
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "attr '%s' needs 2 or 4 entries; got %zu",
		                      names[0], n);
	}
	if (*h < 1 || *w < 1)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "attr '%s' entries must be >= 1", names[0]);
	return WEIR_OK;
}

static int common_attrs(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a,
                        const weir_tensor_desc_t *x, cv_geom_t *g)
{
	const char *fmt;
	const int64_t *p;
	size_t n;
	int found, rc;
	memset(g, 0, sizeof(*g));
	rc = weir__ops_attr_string(ctx, a, WEIR__OPS_NAMES("data_format"), &fmt, &found);
	if (rc != WEIR_OK)
		return rc;
	if (found && strcmp(fmt, "NCHW") != 0)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL,
		                      "data_format \"%s\" not supported (NCHW only)", fmt);
	if (!weir__ops_is_float(x->dtype))
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
		                      "dtype %s not supported (expected float32/float16/bfloat16)",
		                      weir_dtype_name(x->dtype));
	if (x->rank != 4)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "input must be NCHW (rank 4); got %s",
		                      WEIR__OPS_DESC(x));
	g->N = x->dims[0];
	g->C = x->dims[1];
	g->H = x->dims[2];
	g->W = x->dims[3];
	rc = weir__ops_hw_pair(ctx, a, WEIR__OPS_NAMES("strides"), &g->sh, &g->sw, false);
	if (rc != WEIR_OK)
		return rc;
	rc = weir__ops_attr_ints(ctx, a, WEIR__OPS_NAMES("pads"), &p, &n, &found);
	if (rc != WEIR_OK)
		return rc;
	if (found) {
		if (n != 4)
			return WEIR__OPS_FAIL(
			        ctx, WEIR_EINVAL,
			        "attr 'pads' needs 4 entries [top, bottom, left, right]; got %zu",
			        n);
		for (int i = 0; i < 4; i++)
			if (p[i] < 0)
				return WEIR__OPS_FAIL(ctx, WEIR_EINVAL,
				                      "attr 'pads' entries must be >= 0");
		g->pt = p[0];
		g->pb = p[1];
		g->pl = p[2];
		g->pr = p[3];
	}
	return WEIR_OK;
}

int weir__ops_nchw_attrs(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a,
                         const weir_tensor_desc_t *x, int64_t strides[2], int64_t pads[4])
{
	cv_geom_t g;
	int rc = common_attrs(ctx, a, x, &g);
	if (rc != WEIR_OK)
		return rc;
	strides[0] = g.sh;
	strides[1] = g.sw;
	pads[0] = g.pt;
	pads[1] = g.pb;
	pads[2] = g.pl;
	pads[3] = g.pr;
	return WEIR_OK;
}

/* Output extent of one spatial dim; -1 if the window does not fit, -2 if
 * the padded input (in + p0 + p1, all >= 0) overflows int64. Then every
 * tap position a kernel computes (o * s - p0 + k for o < extent, k < win)
 * lies in [-p0, in + p1) and fits too. */
static int64_t out_extent(int64_t in, int64_t p0, int64_t p1, int64_t win, int64_t s)
{
	if (p0 > INT64_MAX - in || p1 > INT64_MAX - in - p0)
		return -2;
	int64_t span = in + p0 + p1;
	if (span < win)
		return -1;
	return (span - win) / s + 1;
}

/* The dilated window extent d * (k - 1) + 1 (d, k >= 1); -1 on overflow. */
static int64_t dilated(int64_t d, int64_t k)
{
	if (k - 1 > (INT64_MAX - 1) / d)
		return -1;
	return d * (k - 1) + 1;
}

static int conv_geom(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a, const weir_tensor_desc_t *in,
                     uint32_t nin, cv_geom_t *g)
{
	int rc = common_attrs(ctx, a, &in[0], g);
	if (rc != WEIR_OK)
		return rc;
	int found;
	const weir_tensor_desc_t *w = &in[1];
	rc = weir__ops_hw_pair(ctx, a, WEIR__OPS_NAMES("dilations"), &g->dh, &g->dw, false);
	if (rc == WEIR_OK)
		rc = weir__ops_attr_int(ctx, a, WEIR__OPS_NAMES("groups", "group"), &g->groups,
		                        &found);
	if (rc != WEIR_OK)
		return rc;
	if (!found)
		g->groups = 1;
	if (w->dtype != in[0].dtype || (nin > 2 && in[2].dtype != in[0].dtype))
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "filter/bias dtype differs from x %s",
		                      WEIR__OPS_DESC(&in[0]));
	if (w->rank != 4)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
		                      "filter must be [O, C/groups, kH, kW]; got %s",
		                      WEIR__OPS_DESC(w));
	if (g->groups < 1 || g->C % g->groups != 0 || w->dims[0] % g->groups != 0)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL,
		                      "groups = %lld must be >= 1 and divide C = %lld and O = %lld",
		                      (long long)g->groups, (long long)g->C, (long long)w->dims[0]);
	if (w->dims[1] != g->C / g->groups)
		return WEIR__OPS_FAIL(
		        ctx, WEIR_ESHAPE, "filter %s needs dim 1 = C/groups = %lld for x %s",
		        WEIR__OPS_DESC(w), (long long)(g->C / g->groups), WEIR__OPS_DESC(&in[0]));
	g->O = w->dims[0];
	g->KH = w->dims[2];
	g->KW = w->dims[3];
	if (nin > 2 && (in[2].rank != 1 || in[2].dims[0] != g->O))
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
		                      "bias must be 1-D of length O = %lld; got %s",
		                      (long long)g->O, WEIR__OPS_DESC(&in[2]));
	if (g->KH < 1 || g->KW < 1)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "filter %s has an empty window",
		                      WEIR__OPS_DESC(w));
	int64_t wh = dilated(g->dh, g->KH), ww = dilated(g->dw, g->KW);
	if (wh < 0 || ww < 0)
		return WEIR__OPS_FAIL(
		        ctx, WEIR_EINVAL,
		        "dilations [%lld, %lld] on filter %s overflow the window size",
		        (long long)g->dh, (long long)g->dw, WEIR__OPS_DESC(w));
	g->OH = out_extent(g->H, g->pt, g->pb, wh, g->sh);
	g->OW = out_extent(g->W, g->pl, g->pr, ww, g->sw);
	if (g->OH == -2 || g->OW == -2)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "pads overflow the padded input size of %s",
		                      WEIR__OPS_DESC(&in[0]));
	if (g->OH < 0 || g->OW < 0)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
		                      "dilated filter %s is larger than padded input %s",
		                      WEIR__OPS_DESC(w), WEIR__OPS_DESC(&in[0]));
	return WEIR_OK;
}

static int conv_infer(weir_op_infer_ctx_t *ctx)
{
	cv_geom_t g;
	int rc = conv_geom(ctx, ctx->attrs, ctx->in, ctx->nin, &g);
	if (rc != WEIR_OK)
		return rc;
	int64_t d[4] = { g.N, g.O, g.OH, g.OW };
	weir__ops_desc_set(&ctx->out[0], ctx->in[0].dtype, 4, d);
	return WEIR_OK;
}

#define OWT 64 /* output columns per accumulator tile */

/* float32 Conv2D's GEMM tiling: output positions per tile, and tiles per
 * (image, group) plane. The im2col scratch of one tile (Kc x ts floats) is
 * kept to about 4 MiB by narrowing ts for very deep filters. */
typedef struct cv_tiling {
	int64_t S, Kc, Og, ts, tiles;
} cv_tiling_t;

static void conv_tiling(const cv_geom_t *g, cv_tiling_t *t)
{
	t->S = g->OH * g->OW;
	t->Kc = (g->C / g->groups) * g->KH * g->KW; /* filter dims: fits */
	t->Og = g->O / g->groups;
	t->ts = weir__ops_gemm_tile(t->S, weir__ops_mul_sat(t->Og, t->Kc));
	int64_t cap = ((int64_t)1 << 20) / (t->Kc > 0 ? t->Kc : 1);
	if (cap >= 16)
		cap = cap / 16 * 16;
	if (cap < 1)
		cap = 1;
	if (t->ts > cap)
		t->ts = cap;
	t->tiles = t->S > 0 ? (t->S + t->ts - 1) / t->ts : 0;
}

/* One im2col row: tap (kh, kw) of input plane xp at the tw flattened output
 * positions from s0, 0 where the tap is padding. Per output row, the valid
 * positions form one range [a, b): zeros, a (strided) copy, zeros. */
static void im2col_row(const cv_geom_t *g, const float *xp, int64_t kh, int64_t kw, int64_t s0,
                       int64_t tw, float *dst)
{
	int64_t base = kw * g->dw - g->pl; /* iw = ow * sw + base */
	int64_t lo = base >= 0 ? 0 : (-base + g->sw - 1) / g->sw;
	int64_t hi = g->W - base <= 0 ? 0 : (g->W - base + g->sw - 1) / g->sw;
	for (int64_t j = 0, s = s0; j < tw;) {
		int64_t oh = s / g->OW, ow = s % g->OW;
		int64_t run = g->OW - ow < tw - j ? g->OW - ow : tw - j;
		int64_t ih = oh * g->sh - g->pt + kh * g->dh;
		float *d = dst + j; /* d[q - ow] for output column q in [ow, ow + run) */
		if (ih < 0 || ih >= g->H) {
			memset(d, 0, sizeof(float) * (size_t)run);
		} else {
			const float *xr = xp + ih * g->W;
			int64_t e = ow + run;
			int64_t a = lo < ow ? ow : lo > e ? e : lo;
			int64_t b = hi < a ? a : hi > e ? e : hi;
			for (int64_t q = ow; q < a; q++)
				d[q - ow] = 0.0f;
			if (g->sw == 1 && b > a)
				memcpy(d + (a - ow), xr + a + base,
				       sizeof(float) * (size_t)(b - a));
			else
				for (int64_t q = a; q < b; q++)
					d[q - ow] = xr[q * g->sw + base];
			for (int64_t q = b; q < e; q++)
				d[q - ow] = 0.0f;
		}
		j += run;
		s += run;
	}
}

static int conv_kernel_gemm(const weir_op_call_t *c, const cv_geom_t *g, uint32_t bi, uint32_t nb)
{
	cv_tiling_t t;
	conv_tiling(g, &t);
	int64_t lo, hi;
	weir__ops_range(g->N * g->groups * t.tiles, bi, nb, &lo, &hi);
	if (lo >= hi)
		return WEIR_OK;
	const float *X = c->in[0], *Wt = c->in[1], *B = c->nin > 2 ? c->in[2] : NULL;
	float *Y = c->out[0];
	int64_t Cg = g->C / g->groups;
	float *col = weir__aligned_alloc(64, sizeof(float) * (size_t)(t.Kc * t.ts + 1));
	if (!col)
		return WEIR_ENOMEM;
	for (int64_t u = lo; u < hi; u++) {
		int64_t s0 = (u % t.tiles) * t.ts, ng = u / t.tiles;
		int64_t gi = ng % g->groups, n = ng / g->groups;
		int64_t tw = t.S - s0 < t.ts ? t.S - s0 : t.ts;
		/* im2col: row (ci, kh, kw), column j = position s0 + j. */
		for (int64_t ci = 0; ci < Cg; ci++) {
			const float *xp = X + (n * g->C + gi * Cg + ci) * g->H * g->W;
			for (int64_t kh = 0; kh < g->KH; kh++)
				for (int64_t kw = 0; kw < g->KW; kw++) {
					float *dst = col + ((ci * g->KH + kh) * g->KW + kw) * tw;
					im2col_row(g, xp, kh, kw, s0, tw, dst);
				}
		}
		float *y = Y + (n * g->O + gi * t.Og) * t.S + s0;
		weir__ops_sgemm(t.Og, tw, t.Kc, Wt + gi * t.Og * t.Kc, t.Kc, 1, col, tw, 1, y, t.S,
		                1);
		for (int64_t o = 0; B && o < t.Og; o++) {
			float bv = B[gi * t.Og + o];
			for (int64_t j = 0; j < tw; j++)
				y[o * t.S + j] += bv;
		}
	}
	weir__free(col);
	return WEIR_OK;
}

static int conv_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	cv_geom_t g;
	if (conv_geom(NULL, c->attrs, c->in_desc, c->nin, &g) != WEIR_OK)
		return WEIR_EINVAL;
	int dt = c->in_desc[0].dtype;
	if (dt == WEIR_DT_FLOAT)
		return conv_kernel_gemm(c, &g, bi, nb);
	const void *X = c->in[0], *Wt = c->in[1], *B = c->nin > 2 ? c->in[2] : NULL;
	void *Y = c->out[0];
	int64_t Cg = g.C / g.groups, Og = g.O / g.groups;
	int64_t lo, hi;
	weir__ops_range(g.N * g.O * g.OH, bi, nb, &lo, &hi);
	for (int64_t r = lo; r < hi; r++) {
		int64_t oh = r % g.OH, no = r / g.OH, o = no % g.O, n = no / g.O;
		int64_t c0 = (o / Og) * Cg;
		for (int64_t ow0 = 0; ow0 < g.OW; ow0 += OWT) {
			int nt = (int)(g.OW - ow0 < OWT ? g.OW - ow0 : OWT);
			float acc[OWT];
			for (int j = 0; j < nt; j++)
				acc[j] = 0.0f;
			for (int64_t ci = 0; ci < Cg; ci++) {
				int64_t xplane = (n * g.C + c0 + ci) * g.H * g.W;
				int64_t wbase = ((o * Cg) + ci) * g.KH * g.KW;
				for (int64_t kh = 0; kh < g.KH; kh++) {
					int64_t ih = oh * g.sh - g.pt + kh * g.dh;
					if (ih < 0 || ih >= g.H)
						continue;
					for (int64_t kw = 0; kw < g.KW; kw++) {
						float wv = weir__ops_ldf(dt, Wt,
						                         wbase + kh * g.KW + kw);
						for (int j = 0; j < nt; j++) {
							int64_t iw =
							        (ow0 + j) * g.sw - g.pl + kw * g.dw;
							if (iw < 0 || iw >= g.W)
								continue;
							acc[j] += weir__ops_ldf(dt, X,
							                        xplane + ih * g.W +
							                                iw) *
							          wv;
						}
					}
				}
			}
			int64_t ybase = r * g.OW + ow0;
			float bv = B ? weir__ops_ldf(dt, B, o) : 0.0f;
			for (int j = 0; j < nt; j++)
				weir__ops_stf(dt, Y, ybase + j, B ? acc[j] + bv : acc[j]);
		}
	}
	return WEIR_OK;
}

static uint32_t conv_blocks(const weir_op_call_t *c, uint32_t workers)
{
	cv_geom_t g;
	if (conv_geom(NULL, c->attrs, c->in_desc, c->nin, &g) != WEIR_OK)
		return 1;
	/* (C / groups) * KH * KW is a product of the filter's dims; OW one of
	 * the output's: saturate their product. */
	int64_t cost = weir__ops_mul_sat(g.OW, (g.C / g.groups) * g.KH * g.KW);
	if (c->in_desc[0].dtype == WEIR_DT_FLOAT) { /* the kernel's units: GEMM tiles */
		cv_tiling_t t;
		conv_tiling(&g, &t);
		int64_t units = weir__ops_mul_sat(g.N * g.groups, t.tiles);
		int64_t tcost = weir__ops_mul_sat(weir__ops_mul_sat(t.ts, t.Og), t.Kc);
		return weir__ops_blocks_for(units, tcost, workers);
	}
	return weir__ops_blocks_for(g.N * g.O * g.OH, cost, workers);
}

const weir_op_def_t weir__op_conv2d = {
	.name = "Conv2D",
	.min_inputs = 2,
	.max_inputs = 3,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = conv_infer,
	.kernel = conv_kernel,
	.blocks = conv_blocks,
};

/* ---- pooling ---------------------------------------------------------------- */

/* out_extent() with torch's ceil_mode: the last window may run past the
 * padded end, but must start inside the input or the left padding. */
static int64_t pool_extent(int64_t in, int64_t p0, int64_t p1, int64_t win, int64_t s, bool ceil)
{
	int64_t n = out_extent(in, p0, p1, win, s);
	if (n < 0 || !ceil)
		return n;
	int64_t span = in + p0 + p1; /* fits: out_extent checked it */
	if ((span - win) % s != 0)
		n++;
	/* (n - 1) * s >= in + p0 (>= 1), without overflow. */
	if (n - 1 > (in + p0 - 1) / s)
		n--;
	return n;
}

static int pool_geom(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a, const weir_tensor_desc_t *x,
                     bool avg, cv_geom_t *g)
{
	int rc = common_attrs(ctx, a, x, g);
	if (rc == WEIR_OK)
		rc = weir__ops_hw_pair(ctx, a,
		                       WEIR__OPS_NAMES("ksize", "kernel_shape", "kernel_size"),
		                       &g->KH, &g->KW, true);
	if (rc != WEIR_OK)
		return rc;
	g->O = g->C;
	g->dh = g->dw = 1;
	g->groups = 1;
	g->exclusive = true;
	int64_t v;
	int found;
	rc = weir__ops_attr_int(ctx, a, WEIR__OPS_NAMES("ceil_mode"), &v, &found);
	if (rc != WEIR_OK)
		return rc;
	g->ceil_mode = found && v != 0;
	if (avg) {
		rc = weir__ops_attr_int(ctx, a, WEIR__OPS_NAMES("divisor_override"), &g->divisor,
		                        &found);
		if (rc != WEIR_OK)
			return rc;
		if (!found)
			g->divisor = 0;
		rc = weir__ops_attr_int(ctx, a, WEIR__OPS_NAMES("exclusive"), &v, &found);
		if (rc != WEIR_OK)
			return rc;
		if (found) {
			g->exclusive = v != 0;
		} else {
			rc = weir__ops_attr_int(ctx, a, WEIR__OPS_NAMES("count_include_pad"), &v,
			                        &found);
			if (rc != WEIR_OK)
				return rc;
			g->exclusive = !(found && v != 0);
		}
	}
	if (g->H < 1 || g->W < 1)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "input %s has an empty spatial dim",
		                      WEIR__OPS_DESC(x));
	if (g->pt >= g->KH || g->pb >= g->KH || g->pl >= g->KW || g->pr >= g->KW)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL,
		                      "pads must be smaller than the window %lldx%lld",
		                      (long long)g->KH, (long long)g->KW);
	g->OH = pool_extent(g->H, g->pt, g->pb, g->KH, g->sh, g->ceil_mode);
	g->OW = pool_extent(g->W, g->pl, g->pr, g->KW, g->sw, g->ceil_mode);
	if (g->OH == -2 || g->OW == -2)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "pads overflow the padded input size of %s",
		                      WEIR__OPS_DESC(x));
	if (g->OH < 0 || g->OW < 0)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
		                      "window %lldx%lld is larger than padded input %s",
		                      (long long)g->KH, (long long)g->KW, WEIR__OPS_DESC(x));
	return WEIR_OK;
}

static int pool_infer(weir_op_infer_ctx_t *ctx, bool avg)
{
	cv_geom_t g;
	int rc = pool_geom(ctx, ctx->attrs, &ctx->in[0], avg, &g);
	if (rc != WEIR_OK)
		return rc;
	int64_t d[4] = { g.N, g.C, g.OH, g.OW };
	weir__ops_desc_set(&ctx->out[0], ctx->in[0].dtype, 4, d);
	if (ctx->nout > 1) /* MaxPool's indices */
		weir__ops_desc_set(&ctx->out[1], WEIR_DT_INT64, 4, d);
	return WEIR_OK;
}

static int pool_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb, bool avg)
{
	cv_geom_t g;
	if (pool_geom(NULL, c->attrs, &c->in_desc[0], avg, &g) != WEIR_OK)
		return WEIR_EINVAL;
	int dt = c->in_desc[0].dtype;
	const void *X = c->in[0];
	void *Y = c->out[0];
	int64_t *I = c->nout > 1 ? (int64_t *)c->out[1] : NULL;
	int64_t lo, hi;
	weir__ops_range(g.N * g.C * g.OH, bi, nb, &lo, &hi);
	for (int64_t r = lo; r < hi; r++) {
		int64_t oh = r % g.OH, plane = (r / g.OH) * g.H * g.W;
		int64_t h0 = oh * g.sh - g.pt;
		/* Only the in-bounds taps: the window (an attr) may be far larger
		 * than the input. */
		int64_t kh0 = h0 < 0 ? -h0 : 0, kh1 = g.H - h0 < g.KH ? g.H - h0 : g.KH;
		/* Window rows inside the padded input (count_include_pad's
		 * divisor; below KH only for a ceil_mode window). */
		int64_t ph = g.H + g.pb - h0 < g.KH ? g.H + g.pb - h0 : g.KH;
		for (int64_t ow = 0; ow < g.OW; ow++) {
			int64_t w0 = ow * g.sw - g.pl;
			int64_t kw0 = w0 < 0 ? -w0 : 0, kw1 = g.W - w0 < g.KW ? g.W - w0 : g.KW;
			int64_t pw = g.W + g.pr - w0 < g.KW ? g.W + g.pr - w0 : g.KW;
			float m = -INFINITY;
			int64_t mi = (h0 + kh0) * g.W + (w0 + kw0);
			double s = 0.0;
			int64_t cnt = 0;
			for (int64_t kh = kh0; kh < kh1; kh++) {
				int64_t ih = h0 + kh;
				for (int64_t kw = kw0; kw < kw1; kw++) {
					int64_t iw = w0 + kw;
					float v = weir__ops_ldf(dt, X, plane + ih * g.W + iw);
					if (avg) {
						s += (double)v;
					} else if (v > m || isnan(v)) { /* torch's rule */
						m = v;
						mi = ih * g.W + iw;
					}
					cnt++;
				}
			}
			float out;
			if (avg)
				out = (float)(s / (g.divisor     ? (double)g.divisor
				                   : g.exclusive ? (double)cnt
				                                 : (double)ph * (double)pw));
			else
				out = m;
			weir__ops_stf(dt, Y, r * g.OW + ow, out);
			if (I)
				I[r * g.OW + ow] = mi;
		}
	}
	return WEIR_OK;
}

static uint32_t pool_blocks(const weir_op_call_t *c, uint32_t workers, bool avg)
{
	cv_geom_t g;
	if (pool_geom(NULL, c->attrs, &c->in_desc[0], avg, &g) != WEIR_OK)
		return 1;
	/* Work per row: the in-bounds taps, at most min(KH, H) x min(KW, W). */
	int64_t th = g.KH < g.H ? g.KH : g.H, tw = g.KW < g.W ? g.KW : g.W;
	return weir__ops_blocks_for(g.N * g.C * g.OH, weir__ops_mul_sat(g.OW, th * tw), workers);
}

static int maxpool_infer(weir_op_infer_ctx_t *ctx)
{
	return pool_infer(ctx, false);
}
static int maxpool_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	return pool_kernel(c, bi, nb, false);
}
static uint32_t maxpool_blocks(const weir_op_call_t *c, uint32_t w)
{
	return pool_blocks(c, w, false);
}

static int avgpool_infer(weir_op_infer_ctx_t *ctx)
{
	return pool_infer(ctx, true);
}
static int avgpool_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	return pool_kernel(c, bi, nb, true);
}
static uint32_t avgpool_blocks(const weir_op_call_t *c, uint32_t w)
{
	return pool_blocks(c, w, true);
}

const weir_op_def_t weir__op_maxpool = {
	.name = "MaxPool",
	.min_inputs = 1,
	.max_inputs = 1,
	.min_outputs = 1,
	.max_outputs = 2, /* values, optional int64 indices */
	.infer = maxpool_infer,
	.kernel = maxpool_kernel,
	.blocks = maxpool_blocks,
	.flags = WEIR_OP_OPTIONAL_OUTPUTS,
};

const weir_op_def_t weir__op_avgpool = {
	.name = "AvgPool",
	.min_inputs = 1,
	.max_inputs = 1,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = avgpool_infer,
	.kernel = avgpool_kernel,
	.blocks = avgpool_blocks,
};
