/*
 * graph/ops/reduce.c - ReduceSum, ReduceMean, ReduceMax, ReduceMin, ReduceProd.
 *
 * Attrs: axes (int list; absent or empty = every dim; negative counts from
 * the end; duplicates rejected; a plain int is accepted as one axis),
 * keep_dims (bool, default false; ONNX alias keepdims).
 * Dtypes: ReduceSum, ReduceMax, ReduceMin and ReduceProd take
 * float32/float16/bfloat16 and int8/uint8/int32/int64; ReduceMean takes the
 * float dtypes. Float sums and products accumulate in double, integer sums
 * and products in int64 (wrapping on store). Empty reductions: ReduceSum
 * gives 0, ReduceProd 1, ReduceMean NaN (0/0); ReduceMax/ReduceMin over an
 * empty set fail in inference. ReduceMax and ReduceMin propagate NaN.
 *
 * Each output element reduces its inputs sequentially in row-major order
 * of the reduced dims; blocks split the output elements.
 */
#include <math.h>
#include <string.h>

#include "graph/ops/ops_internal.h"

enum red_op { R_SUM, R_MEAN, R_MAX, R_MIN, R_PROD };

typedef weir__ops_red_geom_t red_geom_t;

int weir__ops_red_geom(weir_op_infer_ctx_t *ctx, const weir_attrs_t *attrs,
                       const weir_tensor_desc_t *x, red_geom_t *g)
{
	const int64_t *axes = NULL;
	size_t n = 0;
	int64_t one;
	int found, rc;
	int r = (int)x->rank;
	memset(g, 0, sizeof(*g));

	if (weir_attrs_type(attrs, "axes") == WEIR_ATTR_INT) {
		rc = weir__ops_attr_int(ctx, attrs, WEIR__OPS_NAMES("axes"), &one, &found);
		axes = &one;
		n = 1;
	} else {
		rc = weir__ops_attr_ints(ctx, attrs, WEIR__OPS_NAMES("axes"), &axes, &n, &found);
	}
	if (rc != WEIR_OK)
		return rc;
	int64_t kd;
	rc = weir__ops_attr_int(ctx, attrs, WEIR__OPS_NAMES("keep_dims", "keepdims"), &kd, &found);
	if (rc != WEIR_OK)
		return rc;
	g->keep = found && kd != 0;

	g->empty_axes = n == 0;
	if (n == 0) {
		for (int d = 0; d < r; d++)
			g->red[d] = true;
	}
	for (size_t i = 0; i < n; i++) {
		int ax = weir__ops_axis(axes[i], r);
		if (ax < 0)
			return WEIR__OPS_FAIL(ctx, WEIR_EINVAL,
			                      "axis %lld out of range for rank %d",
			                      (long long)axes[i], r);
		if (g->red[ax])
			return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "axis %lld listed twice",
			                      (long long)axes[i]);
		g->red[ax] = true;
	}
	weir__ops_red_geom_split(x, g);
	return WEIR_OK;
}

void weir__ops_red_geom_split(const weir_tensor_desc_t *x, weir__ops_red_geom_t *g)
{
	int r = (int)x->rank;
	int64_t st[WEIR_MAX_RANK];
	weir__ops_dense_strides(r, x->dims, st);
	g->rcount = 1;
	for (int d = 0; d < r; d++) {
		if (g->red[d]) {
			g->rdims[g->rrank] = x->dims[d];
			g->rst[g->rrank++] = st[d];
			g->rcount *= x->dims[d];
			if (g->keep)
				g->odims[g->orank++] = 1;
		} else {
			g->kdims[g->krank] = x->dims[d];
			g->kst[g->krank++] = st[d];
			g->odims[g->orank++] = x->dims[d];
		}
	}
	g->ocount = weir__ops_numel(g->kdims, g->krank);
}

static int red_geom(weir_op_infer_ctx_t *ctx, const weir_attrs_t *attrs,
                    const weir_tensor_desc_t *x, enum red_op op, red_geom_t *g)
{
	bool dt_ok = weir__ops_is_float(x->dtype) || (op != R_MEAN && weir__ops_is_int(x->dtype));
	if (!dt_ok)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "dtype %s not supported (expected %s)",
		                      weir_dtype_name(x->dtype),
		                      op == R_MEAN
		                              ? "float32/float16/bfloat16"
		                              : "float32/float16/bfloat16/int8/uint8/int32/int64");
	int rc = weir__ops_red_geom(ctx, attrs, x, g);
	if (rc != WEIR_OK)
		return rc;
	if ((op == R_MAX || op == R_MIN) && g->rcount == 0 && g->ocount > 0)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "%s over an empty set (input %s)",
		                      op == R_MAX ? "ReduceMax" : "ReduceMin", WEIR__OPS_DESC(x));
	return WEIR_OK;
}

static int red_infer(weir_op_infer_ctx_t *ctx, enum red_op op)
{
	red_geom_t g;
	int rc = red_geom(ctx, ctx->attrs, &ctx->in[0], op, &g);
	if (rc != WEIR_OK)
		return rc;
	weir__ops_desc_set(&ctx->out[0], ctx->in[0].dtype, g.orank, g.odims);
	return WEIR_OK;
}

static int red_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb, enum red_op op)
{
	red_geom_t g;
	if (red_geom(NULL, c->attrs, &c->in_desc[0], op, &g) != WEIR_OK)
		return WEIR_EINVAL;
	int dt = c->in_desc[0].dtype;
	const void *x = c->in[0];
	void *y = c->out[0];
	int64_t lo, hi;
	weir__ops_range(g.ocount, bi, nb, &lo, &hi);
	if (lo >= hi)
		return WEIR_OK;
	weir__ops_iter_t ko, ri;
	weir__ops_red_iters(&g, lo, &ko, &ri);
	bool fl = weir__ops_is_float(dt);
	bool ext = op == R_MAX || op == R_MIN;

	for (int64_t o = lo; o < hi; o++, weir__ops_iter_next(&ko)) {
		int64_t base = ko.off[0];
		weir__ops_iter_seek(&ri, 0);
		if (fl && op == R_PROD) {
			double p = 1.0;
			for (int64_t k = 0; k < g.rcount; k++, weir__ops_iter_next(&ri))
				p *= (double)weir__ops_ldf(dt, x, base + ri.off[0]);
			weir__ops_stf(dt, y, o, (float)p);
		} else if (fl && !ext) {
			double s = 0.0;
			for (int64_t k = 0; k < g.rcount; k++, weir__ops_iter_next(&ri))
				s += (double)weir__ops_ldf(dt, x, base + ri.off[0]);
			if (op == R_MEAN)
				s /= (double)g.rcount;
			weir__ops_stf(dt, y, o, (float)s);
		} else if (fl) {
			float m = op == R_MAX ? -INFINITY : INFINITY;
			for (int64_t k = 0; k < g.rcount; k++, weir__ops_iter_next(&ri)) {
				float v = weir__ops_ldf(dt, x, base + ri.off[0]);
				if (isnan(v)) {
					m = v;
					break;
				}
				if (op == R_MAX ? v > m : v < m)
					m = v;
			}
			weir__ops_stf(dt, y, o, m);
		} else if (op == R_SUM || op == R_PROD) {
			uint64_t s = op == R_SUM ? 0 : 1;
			for (int64_t k = 0; k < g.rcount; k++, weir__ops_iter_next(&ri)) {
				uint64_t v = (uint64_t)weir__ops_ldi(dt, x, base + ri.off[0]);
				s = op == R_SUM ? s + v : s * v;
			}
			weir__ops_sti(dt, y, o, (int64_t)s);
		} else {
			int64_t m = op == R_MAX ? INT64_MIN : INT64_MAX;
			for (int64_t k = 0; k < g.rcount; k++, weir__ops_iter_next(&ri)) {
				int64_t v = weir__ops_ldi(dt, x, base + ri.off[0]);
				if (op == R_MAX ? v > m : v < m)
					m = v;
			}
			weir__ops_sti(dt, y, o, m);
		}
	}
	return WEIR_OK;
}

static uint32_t red_blocks(const weir_op_call_t *c, uint32_t workers, enum red_op op)
{
	red_geom_t g;
	if (red_geom(NULL, c->attrs, &c->in_desc[0], op, &g) != WEIR_OK)
		return 1;
	return weir__ops_blocks_for(g.ocount, weir__ops_mul_sat(2, g.rcount), workers);
}

#define RED_OP(sym, NAME, op) WEIR__OPS_OP_DEF_BLK(sym, NAME, red_infer, red_kernel, red_blocks, op)

RED_OP(reducesum, "ReduceSum", R_SUM)
RED_OP(reducemean, "ReduceMean", R_MEAN)
RED_OP(reducemax, "ReduceMax", R_MAX)
RED_OP(reducemin, "ReduceMin", R_MIN)
RED_OP(reduceprod, "ReduceProd", R_PROD)
