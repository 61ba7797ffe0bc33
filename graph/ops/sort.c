/*
 * graph/ops/sort.c - Sort and TopK along one axis (PyTorch semantics).
 *
 *  Sort(x; axis = -1 (alias dim), descending = false, stable): outputs
 *      (values, indices int64), both of x's shape.
 *  TopK(x[, k]; k, dim = -1 (alias axis), largest = true, sorted = true):
 *      outputs (values, indices int64) of x's shape with k along dim. k is
 *      the attr `k` or a second input (a 0-d or one-element int32/int64
 *      Const), not both; 0 <= k <= the dim's size.
 *
 * Order: by value (NaN after every other value, all NaNs equal), ties by
 * the lower index first, in either direction: the order is total, so the
 * result is unique (the sort is stable, and TopK's ties keep the lower
 * index). TopK's output is always sorted (sorted = false allows any order).
 * Dtypes: float32/float16/bfloat16/double, bool, int8/int16/int32/int64,
 * uint8/uint16/uint32. Values are copied bit for bit.
 *
 * Each lane (one position of the other dims) is sorted on its own: its
 * (key, index) pairs go to its own slice of the workspace (16 bytes per
 * element of x), a heap is built there and the first k entries are popped
 * in order. Blocks split the lanes.
 */
#include <math.h>
#include <string.h>

#include "graph/ops/ops_internal.h"

typedef struct sort_geom {
	int64_t outer, D, inner, k;
	int ax; /* -1 for a scalar */
	bool desc;
} sort_geom_t;

typedef struct sort_ent {
	union {
		double f;
		int64_t i;
	} v;
	int64_t idx;
} sort_ent_t;

static bool sort_dtype_ok(int dt)
{
	switch (dt) {
	case WEIR_DT_FLOAT:
	case WEIR_DT_FLOAT16:
	case WEIR_DT_BF16:
	case WEIR_DT_DOUBLE:
	case WEIR_DT_BOOL:
	case WEIR_DT_INT8:
	case WEIR_DT_INT16:
	case WEIR_DT_INT32:
	case WEIR_DT_INT64:
	case WEIR_DT_UINT8:
	case WEIR_DT_UINT16:
	case WEIR_DT_UINT32: return true;
	default: return false;
	}
}

static bool sort_is_float(int dt)
{
	return weir__ops_is_float(dt) || dt == WEIR_DT_DOUBLE;
}

/* Axis, direction and lanes; TopK's k is read by the caller. */
static int sort_geom(weir_op_infer_ctx_t *ctx, const weir_attrs_t *attrs,
                     const weir_tensor_desc_t *x, bool topk, sort_geom_t *g)
{
	int64_t axis = -1, dir = topk ? 1 : 0;
	int found, rc;
	int r = (int)x->rank;
	rc = weir__ops_attr_int(
	        ctx, attrs, topk ? WEIR__OPS_NAMES("dim", "axis") : WEIR__OPS_NAMES("axis", "dim"),
	        &axis, &found);
	if (rc == WEIR_OK)
		rc = weir__ops_attr_int(ctx, attrs,
		                        topk ? WEIR__OPS_NAMES("largest")
		                             : WEIR__OPS_NAMES("descending"),
		                        &dir, &found);
	if (rc != WEIR_OK)
		return rc;
	int64_t flag; /* accepted for the attr type check; no effect */
	rc = weir__ops_attr_int(ctx, attrs,
	                        topk ? WEIR__OPS_NAMES("sorted") : WEIR__OPS_NAMES("stable"), &flag,
	                        &found);
	if (rc != WEIR_OK)
		return rc;
	g->desc = dir != 0;
	if (!sort_dtype_ok(x->dtype))
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
		                      "dtype %s not supported (expected a float, bool, "
		                      "int8/16/32/64 or uint8/16/32 dtype)",
		                      weir_dtype_name(x->dtype));
	if (r == 0) {
		/* A scalar has one dim of size 1 for axis 0 or -1 (torch). */
		if (axis != 0 && axis != -1)
			return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "axis %lld out of range for rank 0",
			                      (long long)axis);
		g->outer = g->inner = g->D = 1;
		g->ax = -1;
		return WEIR_OK;
	}
	int ax = g->ax = weir__ops_axis(axis, r);
	if (ax < 0)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "axis %lld out of range for rank %d",
		                      (long long)axis, r);
	g->outer = weir__ops_numel(x->dims, ax);
	g->D = x->dims[ax];
	g->inner = weir__ops_numel(x->dims + ax + 1, r - ax - 1);
	return WEIR_OK;
}

/* -1, 0, 1 as a orders before, with, after b by value (NaN largest). */
static inline int key_cmp(const sort_ent_t *a, const sort_ent_t *b, bool fl)
{
	if (fl) {
		bool na = isnan(a->v.f), nb = isnan(b->v.f);
		if (na || nb)
			return (int)na - (int)nb;
		return a->v.f < b->v.f ? -1 : a->v.f > b->v.f;
	}
	return a->v.i < b->v.i ? -1 : a->v.i > b->v.i;
}

/* The total order of the output: by value in the direction, then index. */
static inline bool before(const sort_ent_t *a, const sort_ent_t *b, bool fl, bool desc)
{
	int c = key_cmp(a, b, fl);
	if (desc)
		c = -c;
	return c < 0 || (c == 0 && a->idx < b->idx);
}

static void sift_down(sort_ent_t *h, int64_t n, int64_t i, bool fl, bool desc)
{
	for (;;) {
		int64_t l = 2 * i + 1, m = i;
		if (l < n && before(&h[l], &h[m], fl, desc))
			m = l;
		if (l + 1 < n && before(&h[l + 1], &h[m], fl, desc))
			m = l + 1;
		if (m == i)
			return;
		sort_ent_t t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static int sort_run(const weir_op_call_t *c, uint32_t bi, uint32_t nb, const sort_geom_t *g)
{
	int dt = c->in_desc[0].dtype;
	size_t es = weir_dtype_size(dt);
	bool fl = sort_is_float(dt);
	const unsigned char *x = c->in[0];
	unsigned char *vo = c->out[0];
	int64_t lo, hi;
	weir__ops_range(g->k ? g->outer * g->inner : 0, bi, nb, &lo, &hi);
	if (lo >= hi)
		return WEIR_OK;
	if (!c->workspace ||
	    c->workspace_size / sizeof(sort_ent_t) < (size_t)(g->outer * g->inner * g->D))
		return WEIR_EINVAL;
	for (int64_t l = lo; l < hi; l++) {
		int64_t o = l / g->inner, in = l % g->inner, s = g->inner;
		int64_t base = o * g->D * s + in, obase = o * g->k * s + in;
		sort_ent_t *h = (sort_ent_t *)c->workspace + l * g->D;
		for (int64_t d = 0; d < g->D; d++) {
			if (fl)
				h[d].v.f = weir_dt_load(dt, x, base + d * s);
			else
				h[d].v.i = weir__ops_ldi(dt, x, base + d * s);
			h[d].idx = d;
		}
		for (int64_t i = g->D / 2; i-- > 0;)
			sift_down(h, g->D, i, fl, g->desc);
		int64_t n = g->D;
		for (int64_t j = 0; j < g->k; j++) {
			int64_t src = h[0].idx, dst = obase + j * s;
			memcpy(vo + (size_t)dst * es, x + (size_t)(base + src * s) * es, es);
			((int64_t *)c->out[1])[dst] = src;
			h[0] = h[--n];
			sift_down(h, n, 0, fl, g->desc);
		}
	}
	return WEIR_OK;
}

static size_t sort_workspace(const weir_op_call_t *c)
{
	return (size_t)weir__ops_desc_numel(&c->in_desc[0]) * sizeof(sort_ent_t);
}

static uint32_t sort_blocks_for(const sort_geom_t *g, uint32_t workers)
{
	int64_t lg = 1;
	for (int64_t v = g->D; v > 1; v >>= 1)
		lg++;
	return weir__ops_blocks_for(g->k ? g->outer * g->inner : 0, weir__ops_mul_sat(4 * lg, g->D),
	                            workers);
}

/* ---- Sort ------------------------------------------------------------------- */

static int sort_infer(weir_op_infer_ctx_t *ctx)
{
	sort_geom_t g;
	int rc = sort_geom(ctx, ctx->attrs, &ctx->in[0], false, &g);
	if (rc != WEIR_OK)
		return rc;
	ctx->out[0] = ctx->in[0];
	ctx->out[1] = ctx->in[0];
	ctx->out[1].dtype = WEIR_DT_INT64;
	return WEIR_OK;
}

static int sort_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	sort_geom_t g;
	if (sort_geom(NULL, c->attrs, &c->in_desc[0], false, &g) != WEIR_OK)
		return WEIR_EINVAL;
	g.k = g.D;
	return sort_run(c, bi, nb, &g);
}

static uint32_t sort_blocks(const weir_op_call_t *c, uint32_t workers)
{
	sort_geom_t g;
	if (sort_geom(NULL, c->attrs, &c->in_desc[0], false, &g) != WEIR_OK)
		return 1;
	g.k = g.D;
	return sort_blocks_for(&g, workers);
}

const weir_op_def_t weir__op_sort = {
	.name = "Sort",
	.min_inputs = 1,
	.max_inputs = 1,
	.min_outputs = 2,
	.max_outputs = 2,
	.infer = sort_infer,
	.kernel = sort_kernel,
	.blocks = sort_blocks,
	.workspace = sort_workspace,
};

/* ---- TopK ------------------------------------------------------------------- */

/* k from the attr or the Const input 1 (inference only). */
static int topk_k(weir_op_infer_ctx_t *ctx, int64_t *k)
{
	int found;
	int rc = weir__ops_attr_int(ctx, ctx->attrs, WEIR__OPS_NAMES("k"), k, &found);
	if (rc != WEIR_OK)
		return rc;
	if (ctx->nin < 2) {
		if (!found)
			return weir_op_fail(ctx, WEIR_EINVAL, "missing k (attr 'k' or input 1)");
		return WEIR_OK;
	}
	const weir_tensor_desc_t *kd = &ctx->in[1];
	if (found)
		return weir_op_fail(ctx, WEIR_EINVAL, "k given both as attr 'k' and as input 1");
	if (kd->dtype != WEIR_DT_INT32 && kd->dtype != WEIR_DT_INT64)
		return weir_op_fail(ctx, WEIR_ESHAPE, "k input must be int32 or int64; got %s",
		                    WEIR__OPS_DESC(kd));
	if (weir__ops_desc_numel(kd) != 1 || kd->rank > 1)
		return weir_op_fail(ctx, WEIR_ESHAPE, "k input must be 0-d or [1]; got %s",
		                    WEIR__OPS_DESC(kd));
	if (!ctx->in_const || !ctx->in_const[1])
		return weir_op_fail(ctx, WEIR_EINVAL,
		                    "k input must be a Const (static shapes only)");
	*k = weir__ops_ldi(kd->dtype, ctx->in_const[1], 0);
	return WEIR_OK;
}

static int topk_infer(weir_op_infer_ctx_t *ctx)
{
	sort_geom_t g;
	int64_t k;
	int rc = sort_geom(ctx, ctx->attrs, &ctx->in[0], true, &g);
	if (rc == WEIR_OK)
		rc = topk_k(ctx, &k);
	if (rc != WEIR_OK)
		return rc;
	if (k < 0 || k > g.D)
		return weir_op_fail(ctx, WEIR_EINVAL, "k %lld out of range [0, %lld]", (long long)k,
		                    (long long)g.D);
	const weir_tensor_desc_t *x = &ctx->in[0];
	if (x->rank == 0 && k != 1)
		return weir_op_fail(ctx, WEIR_EINVAL, "k must be 1 for a scalar input; got %lld",
		                    (long long)k);
	ctx->out[0] = *x;
	if (g.ax >= 0)
		ctx->out[0].dims[g.ax] = k;
	ctx->out[1] = ctx->out[0];
	ctx->out[1].dtype = WEIR_DT_INT64;
	return WEIR_OK;
}

/* The kernel takes k from the values' shape (inference put it there). */
static int topk_geom_call(const weir_op_call_t *c, sort_geom_t *g)
{
	if (sort_geom(NULL, c->attrs, &c->in_desc[0], true, g) != WEIR_OK)
		return WEIR_EINVAL;
	g->k = g->ax >= 0 ? c->out_desc[0].dims[g->ax] : 1;
	return g->k >= 0 && g->k <= g->D ? WEIR_OK : WEIR_EINVAL;
}

static int topk_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	sort_geom_t g;
	if (topk_geom_call(c, &g) != WEIR_OK)
		return WEIR_EINVAL;
	return sort_run(c, bi, nb, &g);
}

static uint32_t topk_blocks(const weir_op_call_t *c, uint32_t workers)
{
	sort_geom_t g;
	if (topk_geom_call(c, &g) != WEIR_OK)
		return 1;
	return sort_blocks_for(&g, workers);
}

const weir_op_def_t weir__op_topk = {
	.name = "TopK",
	.min_inputs = 1,
	.max_inputs = 2,
	.min_outputs = 2,
	.max_outputs = 2,
	.infer = topk_infer,
	.kernel = topk_kernel,
	.blocks = topk_blocks,
	.workspace = sort_workspace,
};
