/*
 * graph/ops/gather_elements.c - GatherElements (ONNX GatherElements,
 * torch.gather): y[i0..in] = data[i0.., indices[i0..in], ..in] along `axis`.
 *
 *  GatherElements(data, indices; axis (alias dim) = 0): data and indices
 *      have one rank (>= 1); on every dim but axis, indices' size is at most
 *      data's (torch's rule; ONNX wants them equal, which is a special case).
 *      The output has indices' shape and data's dtype (any). indices are
 *      int32 or int64; negative values count from the end of the axis. An
 *      index outside [-dim, dim) is an error, never a read: WEIR_EINVAL at
 *      inference when indices is a Const, otherwise the kernel returns
 *      WEIR_EBOUNDS before copying that element.
 *
 * Blocks split the output elements; each element is one byte copy.
 */
#include <string.h>

#include "graph/ops/ops_internal.h"

typedef struct ge_geom {
	int ax;
	int64_t n; /* output elements */
} ge_geom_t;

static int ge_geom(weir_op_infer_ctx_t *ctx, const weir_attrs_t *attrs, const weir_tensor_desc_t *d,
                   const weir_tensor_desc_t *ix, ge_geom_t *g)
{
	int64_t axis = 0;
	int found;
	int rc = weir__ops_attr_int(ctx, attrs, WEIR__OPS_NAMES("axis", "dim"), &axis, &found);
	if (rc != WEIR_OK)
		return rc;
	if (!weir__ops_is_any(d->dtype))
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "data has an unsupported dtype %d",
		                      d->dtype);
	if (ix->dtype != WEIR_DT_INT32 && ix->dtype != WEIR_DT_INT64)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "indices must be int32 or int64; got %s",
		                      WEIR__OPS_DESC(ix));
	if (d->rank == 0 || ix->rank != d->rank)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
		                      "data and indices must have one rank >= 1; got %s and %s",
		                      WEIR__OPS_DESC(d), WEIR__OPS_DESC(ix));
	g->ax = weir__ops_axis(axis, (int)d->rank);
	if (g->ax < 0)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "axis %lld out of range for rank %u",
		                      (long long)axis, d->rank);
	for (uint32_t k = 0; k < d->rank; k++)
		if ((int)k != g->ax && ix->dims[k] > d->dims[k])
			return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
			                      "indices %s is larger than data %s on dim %u",
			                      WEIR__OPS_DESC(ix), WEIR__OPS_DESC(d), k);
	g->n = weir__ops_desc_numel(ix);
	return WEIR_OK;
}

static int ge_infer(weir_op_infer_ctx_t *ctx)
{
	const weir_tensor_desc_t *d = &ctx->in[0], *ix = &ctx->in[1];
	ge_geom_t g;
	int rc = ge_geom(ctx, ctx->attrs, d, ix, &g);
	if (rc != WEIR_OK)
		return rc;
	if (ctx->in_const && ctx->in_const[1]) {
		int64_t a = d->dims[g.ax];
		for (int64_t j = 0; j < g.n; j++) {
			int64_t v = weir__ops_ldi(ix->dtype, ctx->in_const[1], j);
			if (v < -a || v >= a)
				return weir_op_fail(
				        ctx, WEIR_EINVAL,
				        "index %lld (at %lld) out of range for dim %d of %s",
				        (long long)v, (long long)j, g.ax, WEIR__OPS_DESC(d));
		}
	}
	weir__ops_desc_set(&ctx->out[0], d->dtype, (int)ix->rank, ix->dims);
	return WEIR_OK;
}

static int ge_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	ge_geom_t g;
	const weir_tensor_desc_t *d = &c->in_desc[0], *ix = &c->in_desc[1];
	if (ge_geom(NULL, c->attrs, d, ix, &g) != WEIR_OK)
		return WEIR_EINVAL;
	size_t es = weir_dtype_size(d->dtype);
	int rank = (int)d->rank;
	int64_t dstr[WEIR_MAX_RANK], run = 1;
	for (int k = rank - 1; k >= 0; k--) {
		dstr[k] = run;
		run *= d->dims[k] ? d->dims[k] : 1;
	}
	int64_t a = d->dims[g.ax];
	int64_t lo, hi;
	weir__ops_range(g.n, bi, nb, &lo, &hi);
	for (int64_t i = lo; i < hi; i++) {
		int64_t v = weir__ops_ldi(ix->dtype, c->in[1], i);
		if (v < -a || v >= a)
			return WEIR_EBOUNDS;
		if (v < 0)
			v += a;
		int64_t rest = i, src = 0;
		for (int k = rank - 1; k >= 0; k--) {
			int64_t ik = rest % ix->dims[k];
			rest /= ix->dims[k];
			src += (k == g.ax ? v : ik) * dstr[k];
		}
		memcpy((char *)c->out[0] + (size_t)i * es,
		       (const char *)c->in[0] + (size_t)src * es, es);
	}
	return WEIR_OK;
}

static uint32_t ge_blocks(const weir_op_call_t *c, uint32_t workers)
{
	ge_geom_t g;
	if (ge_geom(NULL, c->attrs, &c->in_desc[0], &c->in_desc[1], &g) != WEIR_OK)
		return 1;
	return weir__ops_blocks_for(g.n, 2 * (int64_t)c->in_desc[0].rank + 2, workers);
}

const weir_op_def_t weir__op_gatherelements = {
	.name = "GatherElements",
	.min_inputs = 2,
	.max_inputs = 2,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = ge_infer,
	.kernel = ge_kernel,
	.blocks = ge_blocks,
};
