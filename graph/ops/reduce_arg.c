/*
 * graph/ops/reduce_arg.c - ArgMax, ArgMin (PyTorch semantics).
 *
 * Attrs: axis (alias dimension; absent = over the flattened tensor),
 * keep_dims (alias keepdims, default false), dtype (the index dtype:
 * int64, the default, or int32).
 * Dtypes: float32/float16/bfloat16 and int8/uint8/int32/int64.
 * Output: the index along axis (or into the flattened tensor) of the first
 * largest (ArgMax) or smallest (ArgMin) element; a NaN counts as both the
 * largest and the smallest, so the first NaN wins. An empty reduction with
 * a non-empty output fails in inference.
 *
 * Each output element scans its lane sequentially in index order; blocks
 * split the lanes.
 */
#include <math.h>

#include "graph/ops/ops_internal.h"

typedef struct arg_geom {
	int64_t outer, D, inner;
	int odt;
	int orank;
	int64_t odims[WEIR_MAX_RANK];
} arg_geom_t;

static bool arg_dtype_ok(int dt)
{
	return weir__ops_is_float(dt) || weir__ops_is_int(dt);
}

static int arg_geom(weir_op_infer_ctx_t *ctx, const weir_attrs_t *attrs,
                    const weir_tensor_desc_t *x, arg_geom_t *g)
{
	int64_t axis = 0, kd = 0, odt = WEIR_DT_INT64;
	int has_axis, found, rc;
	int r = (int)x->rank;
	rc = weir__ops_attr_int(ctx, attrs, WEIR__OPS_NAMES("axis", "dimension"), &axis, &has_axis);
	if (rc == WEIR_OK)
		rc = weir__ops_attr_int(ctx, attrs, WEIR__OPS_NAMES("keep_dims", "keepdims"), &kd,
		                        &found);
	if (rc == WEIR_OK)
		rc = weir__ops_attr_int(ctx, attrs, WEIR__OPS_NAMES("dtype"), &odt, &found);
	if (rc != WEIR_OK)
		return rc;
	if (odt != WEIR_DT_INT64 && odt != WEIR_DT_INT32)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL,
		                      "attr 'dtype' must be int64 (%d) or int32 (%d); got %lld",
		                      WEIR_DT_INT64, WEIR_DT_INT32, (long long)odt);
	g->odt = (int)odt;
	if (!arg_dtype_ok(x->dtype))
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
		                      "dtype %s not supported (expected "
		                      "float32/float16/bfloat16/int8/uint8/int32/int64)",
		                      weir_dtype_name(x->dtype));
	g->orank = 0;
	if (!has_axis) {
		g->outer = g->inner = 1;
		g->D = weir__ops_numel(x->dims, r);
		for (int d = 0; kd && d < r; d++)
			g->odims[g->orank++] = 1;
	} else if (r == 0) {
		/* A scalar has one dim of size 1 for axis 0 or -1 (torch). */
		if (axis != 0 && axis != -1)
			return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "axis %lld out of range for rank 0",
			                      (long long)axis);
		g->outer = g->inner = g->D = 1;
	} else {
		int ax = weir__ops_axis(axis, r);
		if (ax < 0)
			return WEIR__OPS_FAIL(ctx, WEIR_EINVAL,
			                      "axis %lld out of range for rank %d", (long long)axis,
			                      r);
		g->outer = weir__ops_numel(x->dims, ax);
		g->D = x->dims[ax];
		g->inner = weir__ops_numel(x->dims + ax + 1, r - ax - 1);
		for (int d = 0; d < r; d++)
			if (d != ax || kd)
				g->odims[g->orank++] = d == ax ? 1 : x->dims[d];
	}
	int64_t lanes = weir__ops_numel(g->odims, g->orank);
	if (g->D == 0 && lanes > 0)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "reduction over an empty set (input %s)",
		                      WEIR__OPS_DESC(x));
	if (g->odt == WEIR_DT_INT32 && g->D - 1 > INT32_MAX)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL,
		                      "indices up to %lld do not fit the int32 output",
		                      (long long)(g->D - 1));
	return WEIR_OK;
}

static int arg_infer(weir_op_infer_ctx_t *ctx)
{
	arg_geom_t g;
	int rc = arg_geom(ctx, ctx->attrs, &ctx->in[0], &g);
	if (rc != WEIR_OK)
		return rc;
	weir__ops_desc_set(&ctx->out[0], g.odt, g.orank, g.odims);
	return WEIR_OK;
}

static int arg_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb, bool mx)
{
	arg_geom_t g;
	if (arg_geom(NULL, c->attrs, &c->in_desc[0], &g) != WEIR_OK)
		return WEIR_EINVAL;
	int dt = c->in_desc[0].dtype;
	const void *x = c->in[0];
	void *y = c->out[0];
	bool fl = weir__ops_is_float(dt);
	int64_t lo, hi;
	weir__ops_range(g.D ? g.outer * g.inner : 0, bi, nb, &lo, &hi);
	for (int64_t l = lo; l < hi; l++) {
		int64_t base = (l / g.inner) * g.D * g.inner + l % g.inner, s = g.inner;
		int64_t best = 0;
		if (fl) {
			float m = weir__ops_ldf(dt, x, base);
			for (int64_t d = 1; !isnan(m) && d < g.D; d++) {
				float v = weir__ops_ldf(dt, x, base + d * s);
				if (isnan(v) || (mx ? v > m : v < m)) {
					m = v;
					best = d;
				}
			}
		} else {
			int64_t m = weir__ops_ldi(dt, x, base);
			for (int64_t d = 1; d < g.D; d++) {
				int64_t v = weir__ops_ldi(dt, x, base + d * s);
				if (mx ? v > m : v < m) {
					m = v;
					best = d;
				}
			}
		}
		weir__ops_sti(g.odt, y, l, best);
	}
	return WEIR_OK;
}

static uint32_t arg_blocks(const weir_op_call_t *c, uint32_t workers)
{
	arg_geom_t g;
	if (arg_geom(NULL, c->attrs, &c->in_desc[0], &g) != WEIR_OK)
		return 1;
	return weir__ops_blocks_for(g.outer * g.inner, weir__ops_mul_sat(2, g.D), workers);
}

static int argmax_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	return arg_kernel(c, bi, nb, true);
}
static int argmin_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	return arg_kernel(c, bi, nb, false);
}

const weir_op_def_t weir__op_argmax = {
	.name = "ArgMax",
	.min_inputs = 1,
	.max_inputs = 1,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = arg_infer,
	.kernel = argmax_kernel,
	.blocks = arg_blocks,
};

const weir_op_def_t weir__op_argmin = {
	.name = "ArgMin",
	.min_inputs = 1,
	.max_inputs = 1,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = arg_infer,
	.kernel = argmin_kernel,
	.blocks = arg_blocks,
};
