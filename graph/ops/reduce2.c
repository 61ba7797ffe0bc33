/*
 * graph/ops/reduce2.c - ReduceL1, ReduceL2, ReduceLogSum, ReduceLogSumExp,
 * ReduceSumSquare (ONNX).
 *
 * Attrs as ReduceSum (reduce.c's weir__ops_red_geom: axes, keep_dims alias
 * keepdims) plus noop_with_empty_axes (int, default 0): 1 with absent or
 * empty axes makes the op the identity.
 * Dtypes: ReduceL1 and ReduceSumSquare take float32/float16/bfloat16/double
 * and int8/uint8/int32/int64 (integers accumulate in int64, wrapping on
 * store); the others take the float dtypes and double. Floats accumulate in
 * double, sequentially in row-major order of the reduced dims. Empty
 * reductions give 0 (L1, L2, SumSquare) or -inf (LogSum, LogSumExp).
 * ReduceLogSumExp subtracts the lane's maximum first (a lane whose maximum
 * is +-inf gives that maximum; NaN propagates).
 *
 * Blocks split the output elements.
 */
#include <math.h>
#include <string.h>

#include "graph/ops/ops_internal.h"

enum red2_op { R_L1, R_L2, R_LOGSUM, R_LOGSUMEXP, R_SUMSQ };

static bool red2_is_float(int dt)
{
	return weir__ops_is_float(dt) || dt == WEIR_DT_DOUBLE;
}

/* Parses everything; *noop says the op is the identity. */
static int red2_geom(weir_op_infer_ctx_t *ctx, const weir_attrs_t *attrs,
                     const weir_tensor_desc_t *x, enum red2_op op, weir__ops_red_geom_t *g,
                     bool *noop)
{
	bool ints = op == R_L1 || op == R_SUMSQ;
	if (!red2_is_float(x->dtype) && !(ints && weir__ops_is_int(x->dtype)))
		return WEIR__OPS_FAIL(
		        ctx, WEIR_ESHAPE, "dtype %s not supported (expected %s)",
		        weir_dtype_name(x->dtype),
		        ints ? "float32/float16/bfloat16/double/int8/uint8/int32/int64"
		             : "float32/float16/bfloat16/double");
	int64_t nv = 0;
	int found;
	int rc = weir__ops_attr_int(ctx, attrs, WEIR__OPS_NAMES("noop_with_empty_axes"), &nv,
	                            &found);
	if (rc != WEIR_OK)
		return rc;
	rc = weir__ops_red_geom(ctx, attrs, x, g);
	if (rc != WEIR_OK)
		return rc;
	*noop = nv != 0 && g->empty_axes;
	return WEIR_OK;
}

static int red2_infer(weir_op_infer_ctx_t *ctx, enum red2_op op)
{
	weir__ops_red_geom_t g;
	bool noop = false;
	int rc = red2_geom(ctx, ctx->attrs, &ctx->in[0], op, &g, &noop);
	if (rc != WEIR_OK)
		return rc;
	if (noop)
		ctx->out[0] = ctx->in[0];
	else
		weir__ops_desc_set(&ctx->out[0], ctx->in[0].dtype, g.orank, g.odims);
	return WEIR_OK;
}

static double red2_float(enum red2_op op, int dt, const void *x, int64_t base, weir__ops_iter_t *ri,
                         int64_t n)
{
	double s = 0.0;
	if (op == R_LOGSUMEXP) {
		double m = -INFINITY;
		weir__ops_iter_seek(ri, 0);
		for (int64_t k = 0; k < n; k++, weir__ops_iter_next(ri)) {
			double v = weir_dt_load(dt, x, base + ri->off[0]);
			if (isnan(v))
				return v;
			if (v > m)
				m = v;
		}
		if (isinf(m))
			return m;
		weir__ops_iter_seek(ri, 0);
		for (int64_t k = 0; k < n; k++, weir__ops_iter_next(ri))
			s += exp(weir_dt_load(dt, x, base + ri->off[0]) - m);
		return m + log(s);
	}
	weir__ops_iter_seek(ri, 0);
	for (int64_t k = 0; k < n; k++, weir__ops_iter_next(ri)) {
		double v = weir_dt_load(dt, x, base + ri->off[0]);
		s += op == R_L1 ? fabs(v) : op == R_LOGSUM ? v : v * v;
	}
	return op == R_L2 ? sqrt(s) : op == R_LOGSUM ? log(s) : s;
}

static int red2_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb, enum red2_op op)
{
	weir__ops_red_geom_t g;
	bool noop = false;
	if (red2_geom(NULL, c->attrs, &c->in_desc[0], op, &g, &noop) != WEIR_OK)
		return WEIR_EINVAL;
	int dt = c->in_desc[0].dtype;
	const void *x = c->in[0];
	void *y = c->out[0];
	int64_t lo, hi;
	if (noop) {
		size_t es = weir_dtype_size(dt);
		weir__ops_range(weir__ops_desc_numel(&c->in_desc[0]), bi, nb, &lo, &hi);
		if (lo < hi)
			memcpy((char *)y + lo * (int64_t)es, (const char *)x + lo * (int64_t)es,
			       (size_t)(hi - lo) * es);
		return WEIR_OK;
	}
	weir__ops_range(g.ocount, bi, nb, &lo, &hi);
	if (lo >= hi)
		return WEIR_OK;
	weir__ops_iter_t ko, ri;
	weir__ops_red_iters(&g, lo, &ko, &ri);
	bool fl = red2_is_float(dt);
	for (int64_t o = lo; o < hi; o++, weir__ops_iter_next(&ko)) {
		int64_t base = ko.off[0];
		if (fl) {
			weir_dt_store(dt, y, o, red2_float(op, dt, x, base, &ri, g.rcount));
			continue;
		}
		uint64_t s = 0;
		weir__ops_iter_seek(&ri, 0);
		for (int64_t k = 0; k < g.rcount; k++, weir__ops_iter_next(&ri)) {
			int64_t v = weir__ops_ldi(dt, x, base + ri.off[0]);
			s += op == R_L1 ? (uint64_t)(v < 0 ? -(uint64_t)v : (uint64_t)v)
			                : (uint64_t)v * (uint64_t)v;
		}
		weir__ops_sti(dt, y, o, (int64_t)s);
	}
	return WEIR_OK;
}

static uint32_t red2_blocks(const weir_op_call_t *c, uint32_t workers, enum red2_op op)
{
	weir__ops_red_geom_t g;
	bool noop = false;
	if (red2_geom(NULL, c->attrs, &c->in_desc[0], op, &g, &noop) != WEIR_OK)
		return 1;
	if (noop)
		return weir__ops_blocks_for(weir__ops_desc_numel(&c->in_desc[0]), 1, workers);
	return weir__ops_blocks_for(g.ocount, weir__ops_mul_sat(3, g.rcount), workers);
}

#define RED2_OP(sym, NAME, op) \
	WEIR__OPS_OP_DEF_BLK(sym, NAME, red2_infer, red2_kernel, red2_blocks, op)

RED2_OP(reducel1, "ReduceL1", R_L1)
RED2_OP(reducel2, "ReduceL2", R_L2)
RED2_OP(reducelogsum, "ReduceLogSum", R_LOGSUM)
RED2_OP(reducelogsumexp, "ReduceLogSumExp", R_LOGSUMEXP)
RED2_OP(reducesumsquare, "ReduceSumSquare", R_SUMSQ)
