/*
 * graph/ops/accumulate.c - Accumulate: out = x op y elementwise, op from the
 * int attr `kind` (weir_accumulate_kind_t: 0 sum, 1 max, 2 min, 3 equal).
 * x and y have the same dtype and shape. The kernel is also the built-in
 * task weir_accumulate_kernel (weir/graph.h), which runs in place (dst op=
 * src): element i is read and written by one block only, so out may be x.
 *
 * Rules (docs/ops.md): integers wrap (two's complement); float16/bfloat16
 * are computed in float32 and rounded to nearest even; max/min return NaN
 * when either side is NaN; equal gives 1 or 0 in the element type (for
 * floats, NaN is unequal to everything and -0 == +0).
 */
#include <math.h>

#include "graph/ops/ops_internal.h"

bool weir_accumulate_supported(int dtype, int kind)
{
	if (kind < WEIR_ACCUMULATE_SUM || kind > WEIR_ACCUMULATE_EQUAL)
		return false;
	switch (dtype) {
	case WEIR_DT_INT8:
	case WEIR_DT_INT16:
	case WEIR_DT_INT32:
	case WEIR_DT_UINT32:
	case WEIR_DT_FLOAT16:
	case WEIR_DT_FLOAT:
	case WEIR_DT_BF16: return true;
	default: return false;
	}
}

uint32_t weir_op_blocks_for(int64_t n, uint32_t workers)
{
	return weir__ops_blocks_for(n, 1, workers);
}

static float acc_f(int kind, float a, float b)
{
	switch (kind) {
	case WEIR_ACCUMULATE_SUM: return a + b;
	case WEIR_ACCUMULATE_MAX: return (isnan(a) || isnan(b)) ? NAN : (a >= b ? a : b);
	case WEIR_ACCUMULATE_MIN: return (isnan(a) || isnan(b)) ? NAN : (a <= b ? a : b);
	default: return a == b ? 1.0f : 0.0f;
	}
}

static int64_t acc_i(int kind, int64_t a, int64_t b)
{
	switch (kind) {
	case WEIR_ACCUMULATE_SUM: return (int64_t)((uint64_t)a + (uint64_t)b);
	case WEIR_ACCUMULATE_MAX: return a >= b ? a : b;
	case WEIR_ACCUMULATE_MIN: return a <= b ? a : b;
	default: return a == b;
	}
}

/* Elements [lo, hi) of dst = x op y (dst may be x). */
static void acc_range(int dt, int kind, void *dst, const void *x, const void *y, int64_t lo,
                      int64_t hi)
{
	if (weir__ops_is_float(dt)) {
		for (int64_t i = lo; i < hi; i++)
			weir__ops_stf(
			        dt, dst, i,
			        acc_f(kind, weir__ops_ldf(dt, x, i), weir__ops_ldf(dt, y, i)));
	} else {
		for (int64_t i = lo; i < hi; i++)
			weir__ops_sti(
			        dt, dst, i,
			        acc_i(kind, weir__ops_ldi(dt, x, i), weir__ops_ldi(dt, y, i)));
	}
}

int weir_accumulate_kernel(void *args, uint32_t block, uint32_t nblocks)
{
	const weir_accumulate_args_t *a = args;
	int64_t lo, hi;
	if (!weir_accumulate_supported(a->dtype, a->kind) || a->count < 0)
		return WEIR_EINVAL;
	weir__ops_range(a->count, block, nblocks, &lo, &hi);
	acc_range(a->dtype, a->kind, a->dst, a->dst, a->src, lo, hi);
	return WEIR_OK;
}

static int acc_kind(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a, int *kind)
{
	int64_t v = WEIR_ACCUMULATE_SUM;
	int found, rc;
	rc = weir__ops_attr_int(ctx, a, WEIR__OPS_NAMES("kind"), &v, &found);
	if (rc != WEIR_OK)
		return rc;
	if (v < WEIR_ACCUMULATE_SUM || v > WEIR_ACCUMULATE_EQUAL)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "attr 'kind' = %lld is not 0..3",
		                      (long long)v);
	*kind = (int)v;
	return WEIR_OK;
}

static int acc_infer(weir_op_infer_ctx_t *ctx)
{
	int kind = 0, rc = acc_kind(ctx, ctx->attrs, &kind);
	if (rc != WEIR_OK)
		return rc;
	if (!weir_accumulate_supported(ctx->in[0].dtype, kind))
		return weir_op_fail(ctx, WEIR_ESHAPE, "dtype %s not supported",
		                    weir_dtype_name(ctx->in[0].dtype));
	if (!weir_tensor_desc_equal(&ctx->in[0], &ctx->in[1]))
		return weir_op_fail(ctx, WEIR_ESHAPE, "inputs differ: %s vs %s",
		                    WEIR__OPS_DESC(&ctx->in[0]), WEIR__OPS_DESC(&ctx->in[1]));
	ctx->out[0] = ctx->in[0];
	return WEIR_OK;
}

static int acc_kernel(const weir_op_call_t *c, uint32_t block, uint32_t nblocks)
{
	int kind = 0, rc = acc_kind(NULL, c->attrs, &kind);
	int64_t lo, hi;
	if (rc != WEIR_OK)
		return rc;
	weir__ops_range(weir__ops_desc_numel(&c->out_desc[0]), block, nblocks, &lo, &hi);
	acc_range(c->out_desc[0].dtype, kind, c->out[0], c->in[0], c->in[1], lo, hi);
	return WEIR_OK;
}

static uint32_t acc_blocks(const weir_op_call_t *c, uint32_t workers)
{
	return weir__ops_blocks_for(weir__ops_desc_numel(&c->out_desc[0]), 1, workers);
}

const weir_op_def_t weir__op_accumulate = {
	.name = "Accumulate",
	.min_inputs = 2,
	.max_inputs = 2,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = acc_infer,
	.kernel = acc_kernel,
	.blocks = acc_blocks,
};
