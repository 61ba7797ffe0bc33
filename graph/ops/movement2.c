/*
 * graph/ops/movement2.c - data movement and generation ops (ONNX semantics,
 * issue 12): Tile, Pad, CumSum, DepthToSpace, SpaceToDepth, EyeLike,
 * ReverseSequence, OneHot. Shape-determining values are attrs (the ONNX
 * front end folds its constant inputs into them). See docs/ops.md
 * "Tile, Pad, CumSum, ...".
 *
 * Blocks split output elements (CumSum: lanes along the axis); every output
 * element is computed by the same sequential code whatever the block count.
 */
#include <math.h>
#include <string.h>

#include "graph/ops/ops_internal.h"

/* Fails (ESHAPE) when a shape's non-zero dims multiply past a valid desc. */
static int m2_out_ok(weir_op_infer_ctx_t *ctx, int rank, const int64_t *dims)
{
	int64_t p = 1;
	for (int d = 0; d < rank; d++)
		if (dims[d] > 0)
			p = weir__ops_mul_sat(p, dims[d]);
	if (p > INT64_MAX / 16)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "output shape has too many elements");
	return WEIR_OK;
}

/* Coordinates of linear index k in a row-major shape. */
static void m2_unravel(int64_t k, int rank, const int64_t *dims, int64_t *idx)
{
	for (int d = rank - 1; d >= 0; d--) {
		idx[d] = dims[d] ? k % dims[d] : 0;
		k = dims[d] ? k / dims[d] : 0;
	}
}

/* Advance coordinates by one element in row-major order. */
static void m2_next(int rank, const int64_t *dims, int64_t *idx)
{
	for (int d = rank - 1; d >= 0; d--) {
		if (++idx[d] < dims[d])
			return;
		idx[d] = 0;
	}
}

static void m2_strides(int rank, const int64_t *dims, int64_t *st)
{
	int64_t run = 1;
	for (int d = rank - 1; d >= 0; d--) {
		st[d] = run;
		run *= dims[d] ? dims[d] : 1;
	}
}

static uint32_t m2_blocks_out(const weir_op_call_t *c, uint32_t workers)
{
	return weir__ops_blocks_for(weir__ops_desc_numel(&c->out_desc[0]),
	                            2 * (int64_t)c->out_desc[0].rank + 2, workers);
}

/* ---- Tile ---------------------------------------------------------------- */

static int tile_parse(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a, const weir_tensor_desc_t *x,
                      int64_t *out)
{
	const int64_t *m;
	size_t nm;
	int found;
	int rc = weir__ops_attr_ints(ctx, a, WEIR__OPS_NAMES("multiples"), &m, &nm, &found);
	if (rc != WEIR_OK)
		return rc;
	if (!found)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "attr 'multiples' is required");
	if (!weir__ops_is_any(x->dtype))
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "x has an unsupported dtype %d", x->dtype);
	if (nm != x->rank)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "multiples has %zu entries; x has rank %u",
		                      nm, x->rank);
	for (uint32_t d = 0; d < x->rank; d++) {
		if (m[d] < 0)
			return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "multiples[%u] = %lld is negative",
			                      d, (long long)m[d]);
		if (x->dims[d] && m[d] > INT64_MAX / x->dims[d])
			return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "multiples[%u] overflows dim %u", d,
			                      d);
		out[d] = x->dims[d] * m[d];
	}
	return m2_out_ok(ctx, (int)x->rank, out);
}

static int tile_infer(weir_op_infer_ctx_t *ctx)
{
	int64_t out[WEIR_MAX_RANK];
	int rc = tile_parse(ctx, ctx->attrs, &ctx->in[0], out);
	if (rc != WEIR_OK)
		return rc;
	weir__ops_desc_set(&ctx->out[0], ctx->in[0].dtype, (int)ctx->in[0].rank, out);
	return WEIR_OK;
}

static int tile_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	const weir_tensor_desc_t *x = &c->in_desc[0], *y = &c->out_desc[0];
	int rank = (int)x->rank;
	size_t es = weir_dtype_size(x->dtype);
	int64_t xs[WEIR_MAX_RANK], idx[WEIR_MAX_RANK], lo, hi;
	m2_strides(rank, x->dims, xs);
	weir__ops_range(weir__ops_desc_numel(y), bi, nb, &lo, &hi);
	if (lo >= hi)
		return WEIR_OK;
	m2_unravel(lo, rank, y->dims, idx);
	for (int64_t e = lo; e < hi; e++) {
		int64_t src = 0;
		for (int d = 0; d < rank; d++)
			src += (idx[d] % x->dims[d]) * xs[d];
		memcpy((char *)c->out[0] + (size_t)e * es,
		       (const char *)c->in[0] + (size_t)src * es, es);
		m2_next(rank, y->dims, idx);
	}
	return WEIR_OK;
}

const weir_op_def_t weir__op_tile = {
	.name = "Tile",
	.min_inputs = 1,
	.max_inputs = 1,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = tile_infer,
	.kernel = tile_kernel,
	.blocks = m2_blocks_out,
};

/* ---- Pad ----------------------------------------------------------------- */

enum { PAD_CONSTANT, PAD_REFLECT, PAD_EDGE };

typedef struct pad_geom {
	int mode;
	double value;
	int64_t begin[WEIR_MAX_RANK], end[WEIR_MAX_RANK];
	int64_t out[WEIR_MAX_RANK];
} pad_geom_t;

static int pad_parse(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a, const weir_tensor_desc_t *x,
                     pad_geom_t *g)
{
	const int64_t *p;
	size_t np;
	const char *mode = "constant";
	float value = 0.0f;
	int found, fm, fv;
	int rc = weir__ops_attr_ints(ctx, a, WEIR__OPS_NAMES("pads"), &p, &np, &found);
	if (rc == WEIR_OK)
		rc = weir__ops_attr_string(ctx, a, WEIR__OPS_NAMES("mode"), &mode, &fm);
	if (rc == WEIR_OK)
		rc = weir__ops_attr_float(ctx, a, WEIR__OPS_NAMES("value"), &value, &fv);
	if (rc != WEIR_OK)
		return rc;
	if (!found)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "attr 'pads' is required");
	if (!weir__ops_is_any(x->dtype))
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "x has an unsupported dtype %d", x->dtype);
	int rank = (int)x->rank;
	if (np != 2 * (size_t)rank)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "pads has %zu entries; x has rank %d", np,
		                      rank);
	if (strcmp(mode, "constant") == 0)
		g->mode = PAD_CONSTANT;
	else if (strcmp(mode, "reflect") == 0)
		g->mode = PAD_REFLECT;
	else if (strcmp(mode, "edge") == 0)
		g->mode = PAD_EDGE;
	else
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL,
		                      "mode '%s' is not constant, reflect or edge", mode);
	g->value = value;
	for (int d = 0; d < rank; d++) {
		int64_t b = p[d], e = p[rank + d], n = x->dims[d], o;
		if (__builtin_add_overflow(n, b, &o) || __builtin_add_overflow(o, e, &o))
			return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "pads overflow dim %d", d);
		/* Cropping (negative pads) comes first: the kept extent. */
		int64_t kept = n;
		if (b < 0 && __builtin_add_overflow(kept, b, &kept))
			kept = -1;
		if (kept >= 0 && e < 0 && __builtin_add_overflow(kept, e, &kept))
			kept = -1;
		if (kept < 0)
			return WEIR__OPS_FAIL(ctx, WEIR_EINVAL,
			                      "pads crop more than dim %d (size %lld) holds", d,
			                      (long long)n);
		if (kept == 0 && o > 0 && g->mode != PAD_CONSTANT)
			return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
			                      "mode '%s' cannot pad dim %d: it keeps no element",
			                      mode, d);
		g->begin[d] = b;
		g->end[d] = e;
		g->out[d] = o;
	}
	return m2_out_ok(ctx, rank, g->out);
}

static int pad_infer(weir_op_infer_ctx_t *ctx)
{
	pad_geom_t g;
	int rc = pad_parse(ctx, ctx->attrs, &ctx->in[0], &g);
	if (rc != WEIR_OK)
		return rc;
	weir__ops_desc_set(&ctx->out[0], ctx->in[0].dtype, (int)ctx->in[0].rank, g.out);
	return WEIR_OK;
}

static int pad_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	const weir_tensor_desc_t *x = &c->in_desc[0];
	pad_geom_t g;
	if (pad_parse(NULL, c->attrs, x, &g) != WEIR_OK)
		return WEIR_EINVAL;
	int rank = (int)x->rank;
	size_t es = weir_dtype_size(x->dtype);
	unsigned char fill[16] = { 0 };
	if (weir__ops_is_int(x->dtype) || x->dtype == WEIR_DT_INT16 || x->dtype == WEIR_DT_UINT16 ||
	    x->dtype == WEIR_DT_UINT32 || x->dtype == WEIR_DT_UINT64 || x->dtype == WEIR_DT_BOOL) {
		/* Integers: truncate toward zero, then wrap to the width. */
		double t = trunc(g.value);
		int64_t iv = isnan(t)                      ? 0
		             : t >= 9223372036854775807.0  ? INT64_MAX
		             : t <= -9223372036854775808.0 ? INT64_MIN
		                                           : (int64_t)t;
		if (x->dtype == WEIR_DT_BOOL)
			iv = g.value != 0.0;
		weir__ops_sti(x->dtype, fill, 0, iv);
	} else {
		weir_dt_store(x->dtype, fill, 0, g.value);
	}
	int64_t xs[WEIR_MAX_RANK], idx[WEIR_MAX_RANK], klo[WEIR_MAX_RANK], kept[WEIR_MAX_RANK],
	        shift[WEIR_MAX_RANK], lo, hi;
	m2_strides(rank, x->dims, xs);
	for (int d = 0; d < rank; d++) {
		klo[d] = g.begin[d] < 0 ? -g.begin[d] : 0;
		kept[d] = x->dims[d] - klo[d] - (g.end[d] < 0 ? -g.end[d] : 0);
		shift[d] = g.begin[d] > 0 ? g.begin[d] : 0;
	}
	weir__ops_range(weir__ops_desc_numel(&c->out_desc[0]), bi, nb, &lo, &hi);
	if (lo >= hi)
		return WEIR_OK;
	m2_unravel(lo, rank, g.out, idx);
	for (int64_t e = lo; e < hi; e++) {
		int64_t src = 0;
		bool pad = false;
		for (int d = 0; d < rank; d++) {
			int64_t j = idx[d] - shift[d], m = kept[d];
			if (j < 0 || j >= m) {
				if (g.mode == PAD_CONSTANT) {
					pad = true;
					break;
				} else if (g.mode == PAD_EDGE) {
					j = j < 0 ? 0 : m - 1;
				} else if (m == 1) {
					j = 0;
				} else {
					int64_t period = 2 * (m - 1);
					j %= period;
					if (j < 0)
						j += period;
					if (j >= m)
						j = period - j;
				}
			}
			src += (klo[d] + j) * xs[d];
		}
		char *dst = (char *)c->out[0] + (size_t)e * es;
		if (pad)
			memcpy(dst, fill, es);
		else
			memcpy(dst, (const char *)c->in[0] + (size_t)src * es, es);
		m2_next(rank, g.out, idx);
	}
	return WEIR_OK;
}

const weir_op_def_t weir__op_pad = {
	.name = "Pad",
	.min_inputs = 1,
	.max_inputs = 1,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = pad_infer,
	.kernel = pad_kernel,
	.blocks = m2_blocks_out,
};

/* ---- CumSum -------------------------------------------------------------- */

typedef struct cs_geom {
	int64_t outer, len, inner;
	bool exclusive, reverse;
} cs_geom_t;

static int cs_parse(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a, const weir_tensor_desc_t *x,
                    cs_geom_t *g)
{
	int64_t axis = 0, ex = 0, rev = 0;
	int fa, f;
	int rc = weir__ops_attr_int(ctx, a, WEIR__OPS_NAMES("axis"), &axis, &fa);
	if (rc == WEIR_OK)
		rc = weir__ops_attr_int(ctx, a, WEIR__OPS_NAMES("exclusive"), &ex, &f);
	if (rc == WEIR_OK)
		rc = weir__ops_attr_int(ctx, a, WEIR__OPS_NAMES("reverse"), &rev, &f);
	if (rc != WEIR_OK)
		return rc;
	if (!fa)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "attr 'axis' is required");
	int dt = x->dtype;
	if (!weir__ops_is_float(dt) && dt != WEIR_DT_DOUBLE && dt != WEIR_DT_INT32 &&
	    dt != WEIR_DT_INT64)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
		                      "dtype %s not supported (float, double, int32, int64)",
		                      weir_dtype_name(dt));
	if (x->rank == 0)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "x must have rank >= 1; got %s",
		                      WEIR__OPS_DESC(x));
	int ax = weir__ops_axis(axis, (int)x->rank);
	if (ax < 0)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "axis %lld out of range for rank %u",
		                      (long long)axis, x->rank);
	g->outer = weir__ops_numel(x->dims, ax);
	g->len = x->dims[ax];
	g->inner = weir__ops_numel(x->dims + ax + 1, (int)x->rank - ax - 1);
	g->exclusive = ex != 0;
	g->reverse = rev != 0;
	return WEIR_OK;
}

static int cs_infer(weir_op_infer_ctx_t *ctx)
{
	cs_geom_t g;
	int rc = cs_parse(ctx, ctx->attrs, &ctx->in[0], &g);
	if (rc != WEIR_OK)
		return rc;
	ctx->out[0] = ctx->in[0];
	return WEIR_OK;
}

static int cs_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	cs_geom_t g;
	int dt = c->in_desc[0].dtype;
	if (cs_parse(NULL, c->attrs, &c->in_desc[0], &g) != WEIR_OK)
		return WEIR_EINVAL;
	if (weir__ops_desc_numel(&c->in_desc[0]) == 0)
		return WEIR_OK;
	bool isf = weir__ops_is_float(dt) || dt == WEIR_DT_DOUBLE;
	int64_t lo, hi;
	weir__ops_range(g.outer * g.inner, bi, nb, &lo, &hi);
	for (int64_t l = lo; l < hi; l++) {
		int64_t base = (l / g.inner) * g.len * g.inner + l % g.inner;
		double fs = 0.0;
		uint64_t is = 0;
		for (int64_t k = 0; k < g.len; k++) {
			int64_t e = base + (g.reverse ? g.len - 1 - k : k) * g.inner;
			if (isf) {
				double v = weir_dt_load(dt, c->in[0], e);
				if (!g.exclusive)
					fs += v;
				weir_dt_store(dt, c->out[0], e, fs);
				if (g.exclusive)
					fs += v;
			} else {
				uint64_t v = (uint64_t)weir__ops_ldi(dt, c->in[0], e);
				if (!g.exclusive)
					is += v;
				weir__ops_sti(dt, c->out[0], e, (int64_t)is);
				if (g.exclusive)
					is += v;
			}
		}
	}
	return WEIR_OK;
}

static uint32_t cs_blocks(const weir_op_call_t *c, uint32_t workers)
{
	cs_geom_t g;
	if (cs_parse(NULL, c->attrs, &c->in_desc[0], &g) != WEIR_OK)
		return 1;
	return weir__ops_blocks_for(g.outer * g.inner, 2 * g.len, workers);
}

const weir_op_def_t weir__op_cumsum = {
	.name = "CumSum",
	.min_inputs = 1,
	.max_inputs = 1,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = cs_infer,
	.kernel = cs_kernel,
	.blocks = cs_blocks,
};

/* ---- DepthToSpace, SpaceToDepth ------------------------------------------ */

/* to_space: DepthToSpace (crd: mode "CRD"), else SpaceToDepth. */
static int d2s_parse(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a, const weir_tensor_desc_t *x,
                     bool to_space, int64_t *bs, bool *crd, int64_t *out)
{
	const char *mode = "DCR";
	int fb, fm;
	int rc = weir__ops_attr_int(ctx, a, WEIR__OPS_NAMES("blocksize"), bs, &fb);
	if (rc == WEIR_OK && to_space)
		rc = weir__ops_attr_string(ctx, a, WEIR__OPS_NAMES("mode"), &mode, &fm);
	if (rc != WEIR_OK)
		return rc;
	if (!fb)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "attr 'blocksize' is required");
	if (*bs < 1 || *bs > (int64_t)1 << 31)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "blocksize %lld out of range",
		                      (long long)*bs);
	if (strcmp(mode, "DCR") == 0)
		*crd = false;
	else if (strcmp(mode, "CRD") == 0)
		*crd = true;
	else
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "mode '%s' is not DCR or CRD", mode);
	if (!weir__ops_is_any(x->dtype))
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "x has an unsupported dtype %d", x->dtype);
	if (x->rank != 4)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "x must be NCHW (rank 4); got %s",
		                      WEIR__OPS_DESC(x));
	int64_t b = *bs, b2 = b * b;
	out[0] = x->dims[0];
	if (to_space) {
		if (x->dims[1] % b2 != 0)
			return WEIR__OPS_FAIL(
			        ctx, WEIR_ESHAPE,
			        "channels of %s are not a multiple of blocksize^2 %lld",
			        WEIR__OPS_DESC(x), (long long)b2);
		if (x->dims[2] > INT64_MAX / b || x->dims[3] > INT64_MAX / b)
			return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "blocksize overflows H or W");
		out[1] = x->dims[1] / b2;
		out[2] = x->dims[2] * b;
		out[3] = x->dims[3] * b;
	} else {
		if (x->dims[2] % b != 0 || x->dims[3] % b != 0)
			return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
			                      "H and W of %s are not multiples of blocksize %lld",
			                      WEIR__OPS_DESC(x), (long long)b);
		if (x->dims[1] > INT64_MAX / b2)
			return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "blocksize overflows C");
		out[1] = x->dims[1] * b2;
		out[2] = x->dims[2] / b;
		out[3] = x->dims[3] / b;
	}
	return m2_out_ok(ctx, 4, out);
}

static int d2s_infer_common(weir_op_infer_ctx_t *ctx, bool to_space)
{
	int64_t bs, out[4];
	bool crd;
	int rc = d2s_parse(ctx, ctx->attrs, &ctx->in[0], to_space, &bs, &crd, out);
	if (rc != WEIR_OK)
		return rc;
	weir__ops_desc_set(&ctx->out[0], ctx->in[0].dtype, 4, out);
	return WEIR_OK;
}

static int d2s_kernel_common(const weir_op_call_t *c, uint32_t bi, uint32_t nb, bool to_space)
{
	const weir_tensor_desc_t *x = &c->in_desc[0];
	int64_t b, out[4], idx[4], lo, hi;
	bool crd;
	if (d2s_parse(NULL, c->attrs, x, to_space, &b, &crd, out) != WEIR_OK)
		return WEIR_EINVAL;
	size_t es = weir_dtype_size(x->dtype);
	int64_t C = x->dims[1], H = x->dims[2], W = x->dims[3];
	weir__ops_range(weir__ops_numel(out, 4), bi, nb, &lo, &hi);
	if (lo >= hi)
		return WEIR_OK;
	m2_unravel(lo, 4, out, idx);
	for (int64_t e = lo; e < hi; e++) {
		int64_t n = idx[0], oc = idx[1], oh = idx[2], ow = idx[3], ic, ih, iw;
		if (to_space) {
			int64_t i = oh % b, j = ow % b;
			ih = oh / b;
			iw = ow / b;
			ic = crd ? oc * b * b + i * b + j : (i * b + j) * out[1] + oc;
		} else {
			int64_t blk = oc / C, i = blk / b, j = blk % b;
			ic = oc % C;
			ih = oh * b + i;
			iw = ow * b + j;
		}
		int64_t src = ((n * C + ic) * H + ih) * W + iw;
		memcpy((char *)c->out[0] + (size_t)e * es,
		       (const char *)c->in[0] + (size_t)src * es, es);
		m2_next(4, out, idx);
	}
	return WEIR_OK;
}

static int d2s_infer(weir_op_infer_ctx_t *ctx)
{
	return d2s_infer_common(ctx, true);
}
static int d2s_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	return d2s_kernel_common(c, bi, nb, true);
}
static int s2d_infer(weir_op_infer_ctx_t *ctx)
{
	return d2s_infer_common(ctx, false);
}
static int s2d_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	return d2s_kernel_common(c, bi, nb, false);
}

const weir_op_def_t weir__op_depthtospace = {
	.name = "DepthToSpace",
	.min_inputs = 1,
	.max_inputs = 1,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = d2s_infer,
	.kernel = d2s_kernel,
	.blocks = m2_blocks_out,
};

const weir_op_def_t weir__op_spacetodepth = {
	.name = "SpaceToDepth",
	.min_inputs = 1,
	.max_inputs = 1,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = s2d_infer,
	.kernel = s2d_kernel,
	.blocks = m2_blocks_out,
};

/* ---- EyeLike ------------------------------------------------------------- */

static int eye_parse(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a, const weir_tensor_desc_t *x,
                     int64_t *k, int *dt)
{
	int64_t d = -1;
	int f;
	*k = 0;
	int rc = weir__ops_attr_int(ctx, a, WEIR__OPS_NAMES("k"), k, &f);
	if (rc == WEIR_OK)
		rc = weir__ops_attr_int(ctx, a, WEIR__OPS_NAMES("dtype"), &d, &f);
	if (rc != WEIR_OK)
		return rc;
	if (!weir__ops_is_any(x->dtype))
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "x has an unsupported dtype %d", x->dtype);
	if (d != -1 && (d < 0 || d > INT32_MAX || !weir__ops_is_any((int)d)))
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "dtype %lld is not a supported dtype",
		                      (long long)d);
	if (x->rank != 2)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "x must have rank 2; got %s",
		                      WEIR__OPS_DESC(x));
	*dt = d == -1 ? x->dtype : (int)d;
	return WEIR_OK;
}

static int eye_infer(weir_op_infer_ctx_t *ctx)
{
	int64_t k = 0;
	int dt = WEIR_DT_UNDEFINED;
	int rc = eye_parse(ctx, ctx->attrs, &ctx->in[0], &k, &dt);
	if (rc != WEIR_OK)
		return rc;
	weir__ops_desc_set(&ctx->out[0], dt, 2, ctx->in[0].dims);
	return WEIR_OK;
}

static int eye_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	int64_t k, lo, hi;
	int dt;
	if (eye_parse(NULL, c->attrs, &c->in_desc[0], &k, &dt) != WEIR_OK)
		return WEIR_EINVAL;
	int64_t cols = c->out_desc[0].dims[1];
	weir__ops_range(weir__ops_desc_numel(&c->out_desc[0]), bi, nb, &lo, &hi);
	for (int64_t e = lo; e < hi; e++) {
		int64_t i = e / cols, j = e % cols;
		/* j - i cannot overflow: both are in [0, INT64_MAX / 16]. */
		weir_dt_store(dt, c->out[0], e, j - i == k ? 1.0 : 0.0);
	}
	return WEIR_OK;
}

const weir_op_def_t weir__op_eyelike = {
	.name = "EyeLike",
	.min_inputs = 1,
	.max_inputs = 1,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = eye_infer,
	.kernel = eye_kernel,
	.blocks = m2_blocks_out,
};

/* ---- ReverseSequence ----------------------------------------------------- */

static int rs_parse(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a, const weir_tensor_desc_t *x,
                    const weir_tensor_desc_t *sl, int *ba, int *ta)
{
	int64_t b = 1, t = 0;
	int f;
	int rc = weir__ops_attr_int(ctx, a, WEIR__OPS_NAMES("batch_axis"), &b, &f);
	if (rc == WEIR_OK)
		rc = weir__ops_attr_int(ctx, a, WEIR__OPS_NAMES("time_axis"), &t, &f);
	if (rc != WEIR_OK)
		return rc;
	if (!weir__ops_is_any(x->dtype))
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "x has an unsupported dtype %d", x->dtype);
	if (x->rank < 2)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "x must have rank >= 2; got %s",
		                      WEIR__OPS_DESC(x));
	if ((b != 0 && b != 1) || (t != 0 && t != 1) || b == t)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL,
		                      "batch_axis %lld and time_axis %lld must be 0 and 1 in some "
		                      "order",
		                      (long long)b, (long long)t);
	if (sl->dtype != WEIR_DT_INT32 && sl->dtype != WEIR_DT_INT64)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
		                      "sequence_lens must be int32 or int64; got %s",
		                      WEIR__OPS_DESC(sl));
	if (sl->rank != 1 || sl->dims[0] != x->dims[b])
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
		                      "sequence_lens %s must be 1-D with the batch size of x %s",
		                      WEIR__OPS_DESC(sl), WEIR__OPS_DESC(x));
	*ba = (int)b;
	*ta = (int)t;
	return WEIR_OK;
}

static int rs_infer(weir_op_infer_ctx_t *ctx)
{
	int ba, ta;
	int rc = rs_parse(ctx, ctx->attrs, &ctx->in[0], &ctx->in[1], &ba, &ta);
	if (rc != WEIR_OK)
		return rc;
	if (ctx->in_const && ctx->in_const[1]) {
		int64_t T = ctx->in[0].dims[ta];
		for (int64_t j = 0; j < ctx->in[1].dims[0]; j++) {
			int64_t v = weir__ops_ldi(ctx->in[1].dtype, ctx->in_const[1], j);
			if (v < 0 || v > T)
				return weir_op_fail(
				        ctx, WEIR_EINVAL,
				        "sequence_lens[%lld] = %lld out of range [0, %lld]",
				        (long long)j, (long long)v, (long long)T);
		}
	}
	ctx->out[0] = ctx->in[0];
	return WEIR_OK;
}

static int rs_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	const weir_tensor_desc_t *x = &c->in_desc[0];
	int ba, ta;
	if (rs_parse(NULL, c->attrs, x, &c->in_desc[1], &ba, &ta) != WEIR_OK)
		return WEIR_EINVAL;
	int rank = (int)x->rank;
	size_t es = weir_dtype_size(x->dtype);
	int64_t xs[WEIR_MAX_RANK], idx[WEIR_MAX_RANK], lo, hi, T = x->dims[ta];
	m2_strides(rank, x->dims, xs);
	weir__ops_range(weir__ops_desc_numel(x), bi, nb, &lo, &hi);
	if (lo >= hi)
		return WEIR_OK;
	m2_unravel(lo, rank, x->dims, idx);
	for (int64_t e = lo; e < hi; e++) {
		int64_t L = weir__ops_ldi(c->in_desc[1].dtype, c->in[1], idx[ba]);
		if (L < 0 || L > T)
			return WEIR_EBOUNDS;
		int64_t t = idx[ta];
		int64_t src = e + ((t < L ? L - 1 - t : t) - t) * xs[ta];
		memcpy((char *)c->out[0] + (size_t)e * es,
		       (const char *)c->in[0] + (size_t)src * es, es);
		m2_next(rank, x->dims, idx);
	}
	return WEIR_OK;
}

const weir_op_def_t weir__op_reversesequence = {
	.name = "ReverseSequence",
	.min_inputs = 2,
	.max_inputs = 2,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = rs_infer,
	.kernel = rs_kernel,
	.blocks = m2_blocks_out,
};

/* ---- OneHot -------------------------------------------------------------- */

static bool oh_index_dtype(int dt)
{
	return weir__ops_is_float(dt) || dt == WEIR_DT_DOUBLE || dt == WEIR_DT_INT8 ||
	       dt == WEIR_DT_UINT8 || dt == WEIR_DT_INT16 || dt == WEIR_DT_UINT16 ||
	       dt == WEIR_DT_INT32 || dt == WEIR_DT_UINT32 || dt == WEIR_DT_INT64;
}

static int oh_parse(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a, const weir_tensor_desc_t *ix,
                    const weir_tensor_desc_t *v, int64_t *depth, int *ax, int64_t *out)
{
	int64_t axis = -1;
	int fd, f;
	int rc = weir__ops_attr_int(ctx, a, WEIR__OPS_NAMES("depth"), depth, &fd);
	if (rc == WEIR_OK)
		rc = weir__ops_attr_int(ctx, a, WEIR__OPS_NAMES("axis"), &axis, &f);
	if (rc != WEIR_OK)
		return rc;
	if (!fd)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "attr 'depth' is required");
	if (*depth < 0)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "depth %lld is negative",
		                      (long long)*depth);
	if (!oh_index_dtype(ix->dtype))
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
		                      "indices dtype %s not supported (a real or int8..int64, "
		                      "uint8..uint32)",
		                      weir_dtype_name(ix->dtype));
	if (!weir__ops_is_any(v->dtype) || v->rank != 1 || v->dims[0] != 2)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
		                      "values must be [off, on] (1-D of 2); got %s",
		                      WEIR__OPS_DESC(v));
	int r = (int)ix->rank;
	if (r + 1 > WEIR_MAX_RANK)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "indices %s: output rank above %d",
		                      WEIR__OPS_DESC(ix), WEIR_MAX_RANK);
	*ax = weir__ops_axis(axis, r + 1);
	if (*ax < 0)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "axis %lld out of range for output rank %d",
		                      (long long)axis, r + 1);
	for (int d = 0, k = 0; d <= r; d++)
		out[d] = d == *ax ? *depth : ix->dims[k++];
	return m2_out_ok(ctx, r + 1, out);
}

static int oh_infer(weir_op_infer_ctx_t *ctx)
{
	int64_t depth = 0, out[WEIR_MAX_RANK] = { 0 };
	int ax = 0;
	int rc = oh_parse(ctx, ctx->attrs, &ctx->in[0], &ctx->in[1], &depth, &ax, out);
	if (rc != WEIR_OK)
		return rc;
	weir__ops_desc_set(&ctx->out[0], ctx->in[1].dtype, (int)ctx->in[0].rank + 1, out);
	return WEIR_OK;
}

static int oh_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	const weir_tensor_desc_t *ix = &c->in_desc[0];
	int64_t depth = 0, out[WEIR_MAX_RANK] = { 0 }, lo, hi;
	int ax = 0;
	if (oh_parse(NULL, c->attrs, ix, &c->in_desc[1], &depth, &ax, out) != WEIR_OK)
		return WEIR_EINVAL;
	int idt = ix->dtype;
	bool isf = weir__ops_is_float(idt) || idt == WEIR_DT_DOUBLE;
	size_t es = weir_dtype_size(c->in_desc[1].dtype);
	/* Output element e = (outer, d, inner): the index is indices[outer, inner]. */
	int64_t inner = weir__ops_numel(out + ax + 1, (int)ix->rank - ax);
	weir__ops_range(weir__ops_numel(out, (int)ix->rank + 1), bi, nb, &lo, &hi);
	for (int64_t e = lo; e < hi; e++) {
		int64_t o = e / inner / depth, d = e / inner % depth, i = e % inner;
		int64_t at = o * inner + i, v;
		bool on;
		if (isf) {
			double fv = trunc(weir_dt_load(idt, c->in[0], at));
			on = fv >= -(double)depth && fv < (double)depth;
			v = on ? (int64_t)fv : 0;
		} else {
			v = weir__ops_ldi(idt, c->in[0], at);
			on = v >= -depth && v < depth;
		}
		if (on && v < 0)
			v += depth;
		on = on && v == d;
		memcpy((char *)c->out[0] + (size_t)e * es, (const char *)c->in[1] + (on ? es : 0),
		       es);
	}
	return WEIR_OK;
}

const weir_op_def_t weir__op_onehot = {
	.name = "OneHot",
	.min_inputs = 2,
	.max_inputs = 2,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = oh_infer,
	.kernel = oh_kernel,
	.blocks = m2_blocks_out,
};
