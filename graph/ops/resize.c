/*
 * graph/ops/resize.c - Resize(x) (ONNX opset 13 without roi: the target is
 * an attr).
 *
 * Attrs: exactly one of `sizes` (int list, one per dim, each >= 0) or
 * `scales` (float list, one per dim, each > 0 and finite; output dim =
 * floor(in * scale)); mode ("nearest" default, "linear", "cubic");
 * coordinate_transformation_mode ("half_pixel" default, "align_corners",
 * "asymmetric", "pytorch_half_pixel", "tf_half_pixel_for_nn";
 * "tf_crop_and_resize" is rejected); nearest_mode ("round_prefer_floor"
 * default, "round_prefer_ceil", "floor", "ceil"); cubic_coeff_a (-0.75);
 * exclude_outside (0); extrapolation_value (0.0, accepted and unused: only
 * tf_crop_and_resize extrapolates).
 *
 * With `sizes` the scale of a dim is out / in. Nearest maps every dim and
 * takes any dtype (bytes are copied). Linear and cubic take float32/float16/
 * bfloat16/double and interpolate over every dim whose scale is not 1 (the
 * others map index to index), as ONNX's reference: taps outside the input
 * repeat the edge, unless exclude_outside zeroes their weights and the rest
 * are renormalized. Weights and sums are in double, taps summed in row-major
 * order of the interpolated dims. Blocks split the output elements.
 */
#include <math.h>
#include <string.h>

#include "graph/ops/ops_internal.h"

enum rs_mode { RS_NEAREST, RS_LINEAR, RS_CUBIC };
enum rs_ct { CT_HALF, CT_ALIGN, CT_ASYM, CT_PT_HALF, CT_TF_NN };
enum rs_nm { NM_RPF, NM_RPC, NM_FLOOR, NM_CEIL };

typedef struct rs_geom {
	int rank;
	enum rs_mode mode;
	enum rs_ct ct;
	enum rs_nm nm;
	double a;
	bool excl;
	int64_t idims[WEIR_MAX_RANK], odims[WEIR_MAX_RANK];
	double scale[WEIR_MAX_RANK];
	double rlen[WEIR_MAX_RANK]; /* "length_resized" of the transform */
	int64_t ocount;
} rs_geom_t;

static int rs_pick(weir_op_infer_ctx_t *ctx, const weir_attrs_t *attrs, const char *name,
                   const char *const *choices, int dflt, int *out)
{
	const char *s;
	int found;
	int rc = weir__ops_attr_string(ctx, attrs, (const char *const[]){ name, NULL }, &s, &found);
	if (rc != WEIR_OK)
		return rc;
	*out = dflt;
	if (!found)
		return WEIR_OK;
	for (int i = 0; choices[i]; i++)
		if (strcmp(s, choices[i]) == 0) {
			*out = i;
			return WEIR_OK;
		}
	return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "attr '%s' \"%s\" not supported", name, s);
}

static int rs_parse(weir_op_infer_ctx_t *ctx, const weir_attrs_t *attrs,
                    const weir_tensor_desc_t *x, rs_geom_t *g)
{
	int rc, found, v;
	memset(g, 0, sizeof(*g));
	g->rank = (int)x->rank;
	if ((rc = rs_pick(ctx, attrs, "mode", WEIR__OPS_NAMES("nearest", "linear", "cubic"), 0,
	                  &v)) != WEIR_OK)
		return rc;
	g->mode = (enum rs_mode)v;
	if ((rc = rs_pick(ctx, attrs, "coordinate_transformation_mode",
	                  WEIR__OPS_NAMES("half_pixel", "align_corners", "asymmetric",
	                                  "pytorch_half_pixel", "tf_half_pixel_for_nn"),
	                  0, &v)) != WEIR_OK)
		return rc;
	g->ct = (enum rs_ct)v;
	if ((rc = rs_pick(
	             ctx, attrs, "nearest_mode",
	             WEIR__OPS_NAMES("round_prefer_floor", "round_prefer_ceil", "floor", "ceil"), 0,
	             &v)) != WEIR_OK)
		return rc;
	g->nm = (enum rs_nm)v;
	float a = -0.75f, ev;
	if ((rc = weir__ops_attr_float(ctx, attrs, WEIR__OPS_NAMES("cubic_coeff_a"), &a, &found)) !=
	    WEIR_OK)
		return rc;
	if (!isfinite(a))
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "attr 'cubic_coeff_a' must be finite");
	g->a = a;
	if ((rc = weir__ops_attr_float(ctx, attrs, WEIR__OPS_NAMES("extrapolation_value"), &ev,
	                               &found)) != WEIR_OK)
		return rc;
	int64_t ex = 0;
	if ((rc = weir__ops_attr_int(ctx, attrs, WEIR__OPS_NAMES("exclude_outside"), &ex,
	                             &found)) != WEIR_OK)
		return rc;
	g->excl = ex != 0;

	if (g->mode == RS_NEAREST ? !weir__ops_is_any(x->dtype)
	                          : !weir__ops_is_float(x->dtype) && x->dtype != WEIR_DT_DOUBLE)
		return WEIR__OPS_FAIL(
		        ctx, WEIR_ESHAPE, "dtype %s not supported by mode %s",
		        weir_dtype_name(x->dtype),
		        (const char *const[]){ "nearest", "linear", "cubic" }[g->mode]);

	const int64_t *sizes;
	const float *scales;
	size_t ns, nsc;
	int fs, fsc;
	if ((rc = weir__ops_attr_ints(ctx, attrs, WEIR__OPS_NAMES("sizes"), &sizes, &ns, &fs)) !=
	    WEIR_OK)
		return rc;
	if ((rc = weir__ops_attr_floats(ctx, attrs, WEIR__OPS_NAMES("scales"), &scales, &nsc,
	                                &fsc)) != WEIR_OK)
		return rc;
	if (fs == fsc)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL,
		                      fs ? "attrs 'sizes' and 'scales' are both given"
		                         : "attr 'sizes' or 'scales' is required");
	if ((fs ? ns : nsc) != (size_t)g->rank)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "attr '%s' has %zu entries for input %s",
		                      fs ? "sizes" : "scales", fs ? ns : nsc, WEIR__OPS_DESC(x));
	g->ocount = 1;
	for (int d = 0; d < g->rank; d++) {
		int64_t in = x->dims[d], out;
		g->idims[d] = in;
		if (fs) {
			out = sizes[d];
			if (out < 0 || out > INT64_MAX / 16)
				return WEIR__OPS_FAIL(ctx, WEIR_EINVAL,
				                      "attr 'sizes'[%d] = %lld invalid", d,
				                      (long long)out);
			g->scale[d] = in > 0 ? (double)out / (double)in : 1.0;
			g->rlen[d] = (double)out;
		} else {
			double s = scales[d];
			if (!(s > 0.0) || !isfinite(s))
				return WEIR__OPS_FAIL(ctx, WEIR_EINVAL,
				                      "attr 'scales'[%d] = %g invalid", d, s);
			double o = floor((double)in * s);
			if (o > (double)(INT64_MAX / 16))
				return WEIR__OPS_FAIL(ctx, WEIR_EINVAL,
				                      "attr 'scales'[%d] = %g: dim too large", d,
				                      s);
			out = (int64_t)o;
			g->scale[d] = s;
			g->rlen[d] = (double)in * s;
		}
		if (in == 0 && out > 0)
			return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
			                      "cannot resize empty dim %d of %s to %lld", d,
			                      WEIR__OPS_DESC(x), (long long)out);
		g->odims[d] = out;
		g->ocount = out == 0 ? 0 : weir__ops_mul_sat(g->ocount, out);
	}
	for (int d = 0; d < g->rank; d++)
		if (g->odims[d] == 0)
			g->ocount = 0;
	if (g->ocount > INT64_MAX / 16)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "output of %s too large",
		                      WEIR__OPS_DESC(x));
	return WEIR_OK;
}

static int rs_infer(weir_op_infer_ctx_t *ctx)
{
	rs_geom_t g;
	int rc = rs_parse(ctx, ctx->attrs, &ctx->in[0], &g);
	if (rc != WEIR_OK)
		return rc;
	weir__ops_desc_set(&ctx->out[0], ctx->in[0].dtype, g.rank, g.odims);
	return WEIR_OK;
}

/* Output coordinate -> input coordinate of dim d. */
static double rs_coord(const rs_geom_t *g, int d, int64_t xo)
{
	double x = (double)xo, s = g->scale[d];
	switch (g->ct) {
	case CT_ALIGN:
		return g->rlen[d] == 1.0 ? 0.0 : x * (double)(g->idims[d] - 1) / (g->rlen[d] - 1.0);
	case CT_ASYM: return x / s;
	case CT_PT_HALF: return g->odims[d] > 1 ? (x + 0.5) / s - 0.5 : 0.0;
	case CT_TF_NN: return (x + 0.5) / s;
	default: return (x + 0.5) / s - 0.5;
	}
}

static int64_t rs_clamp(int64_t i, int64_t n)
{
	return i < 0 ? 0 : i >= n ? n - 1 : i;
}

static double rs_cubic(double t, double a)
{
	t = fabs(t);
	if (t <= 1.0)
		return ((a + 2.0) * t - (a + 3.0)) * t * t + 1.0;
	if (t < 2.0)
		return ((a * t - 5.0 * a) * t + 8.0 * a) * t - 4.0 * a;
	return 0.0;
}

/* Taps of dim d for output index xo: count, input indices, weights. */
static int rs_taps(const rs_geom_t *g, int d, int64_t xo, int64_t *idx, double *w)
{
	int64_t n = g->idims[d];
	if (g->mode == RS_NEAREST) {
		double x = rs_coord(g, d, xo);
		double f = floor(x), r = x - f;
		int64_t i = (int64_t)f;
		if (r != 0.0) {
			bool up = g->nm == NM_RPF   ? r > 0.5
			          : g->nm == NM_RPC ? r >= 0.5
			                            : g->nm == NM_CEIL;
			i += up ? 1 : 0;
		}
		idx[0] = rs_clamp(i, n);
		w[0] = 1.0;
		return 1;
	}
	if (g->scale[d] == 1.0) {
		idx[0] = xo;
		w[0] = 1.0;
		return 1;
	}
	double x = rs_coord(g, d, xo);
	double f = floor(x), r = x - f;
	int64_t i0 = (int64_t)f;
	if (r == 0.0) { /* as ONNX's reference: the left tap gets weight 0 */
		i0 -= 1;
		r = 1.0;
	}
	int nt;
	int64_t first;
	if (g->mode == RS_LINEAR) {
		nt = 2;
		first = i0;
		w[0] = 1.0 - r;
		w[1] = r;
	} else {
		nt = 4;
		first = i0 - 1;
		for (int t = 0; t < 4; t++)
			w[t] = rs_cubic((double)(first + t) - x, g->a);
	}
	double sum = 0.0;
	for (int t = 0; t < nt; t++) {
		int64_t i = first + t;
		if (g->excl && (i < 0 || i >= n))
			w[t] = 0.0;
		sum += w[t];
		idx[t] = rs_clamp(i, n);
	}
	if (g->excl && sum != 0.0)
		for (int t = 0; t < nt; t++)
			w[t] /= sum;
	return nt;
}

static int rs_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	rs_geom_t g;
	if (rs_parse(NULL, c->attrs, &c->in_desc[0], &g) != WEIR_OK)
		return WEIR_EINVAL;
	int dt = c->in_desc[0].dtype;
	size_t es = weir_dtype_size(dt);
	int64_t ist[WEIR_MAX_RANK];
	weir__ops_dense_strides(g.rank, g.idims, ist);
	int64_t lo, hi;
	weir__ops_range(g.ocount, bi, nb, &lo, &hi);
	for (int64_t o = lo; o < hi; o++) {
		int64_t idx[WEIR_MAX_RANK][4], cnt[WEIR_MAX_RANK];
		double w[WEIR_MAX_RANK][4];
		int64_t rem = o;
		int64_t taps = 1;
		for (int d = g.rank - 1; d >= 0; d--) {
			int64_t xo = rem % g.odims[d];
			rem /= g.odims[d];
			cnt[d] = rs_taps(&g, d, xo, idx[d], w[d]);
			taps *= cnt[d];
		}
		if (g.mode == RS_NEAREST) {
			int64_t off = 0;
			for (int d = 0; d < g.rank; d++)
				off += idx[d][0] * ist[d];
			memcpy((char *)c->out[0] + o * (int64_t)es,
			       (const char *)c->in[0] + off * (int64_t)es, es);
			continue;
		}
		double s = 0.0;
		for (int64_t t = 0; t < taps; t++) {
			int64_t r = t, off = 0;
			double wt = 1.0;
			for (int d = g.rank - 1; d >= 0; d--) {
				int64_t k = r % cnt[d];
				r /= cnt[d];
				off += idx[d][k] * ist[d];
				wt *= w[d][k];
			}
			s += wt * weir_dt_load(dt, c->in[0], off);
		}
		weir_dt_store(dt, c->out[0], o, s);
	}
	return WEIR_OK;
}

static uint32_t rs_blocks(const weir_op_call_t *c, uint32_t workers)
{
	rs_geom_t g;
	if (rs_parse(NULL, c->attrs, &c->in_desc[0], &g) != WEIR_OK)
		return 1;
	int64_t cost = 4 * g.rank + 1;
	for (int d = 0; g.mode != RS_NEAREST && d < g.rank; d++)
		if (g.scale[d] != 1.0)
			cost = weir__ops_mul_sat(cost, g.mode == RS_LINEAR ? 2 : 4);
	return weir__ops_blocks_for(g.ocount, cost, workers);
}

const weir_op_def_t weir__op_resize = {
	.name = "Resize",
	.min_inputs = 1,
	.max_inputs = 1,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = rs_infer,
	.kernel = rs_kernel,
	.blocks = rs_blocks,
};
