/*
 * graph/ops/select.c - selection and generation ops (PyTorch semantics):
 * Where, Tril, Triu, Range, Expand. Where, Tril, Triu and Expand accept
 * every supported dtype (they move bytes); Range makes float, double,
 * int32 or int64 values.
 *
 *  Where(cond, x, y): y_out = cond ? x : y elementwise; cond is bool or an
 *      integer dtype (non-zero is true); x and y share one dtype; the three
 *      shapes broadcast numpy-style. Output: broadcast shape, x's dtype.
 *  Tril(x; diagonal = 0), Triu(x; diagonal = 0): x of rank >= 2; over the
 *      last two dims (i, j), Tril keeps j - i <= diagonal and Triu keeps
 *      j - i >= diagonal; other elements become zero.
 *  Range(start, limit, delta): three one-element Const inputs of one dtype;
 *      output 1-D of length max(ceil((limit - start) / delta), 0); element
 *      i = start + i * delta (floats in double, then rounded; integers
 *      exact). delta = 0 is EINVAL.
 *  Expand(x[, shape]; shape): torch.Tensor.expand / numpy broadcast_to.
 *      The target comes from attr `shape` or a Const 1-D int32/int64 second
 *      input (not both); rank >= x's rank; -1 keeps x's dim; each x dim is 1
 *      or equal to its target.
 *
 * Blocks split output elements (Where, Range, Expand) or output rows (Tril,
 * Triu): every element is written by exactly one block with the same code.
 */
#include <math.h>
#include <string.h>

#include "graph/ops/ops_internal.h"

/* Copy es bytes from src element si to dst element di. */
static inline void copy_elem(size_t es, const void *src, int64_t si, void *dst, int64_t di)
{
	switch (es) {
	case 1: ((uint8_t *)dst)[di] = ((const uint8_t *)src)[si]; break;
	case 2: ((uint16_t *)dst)[di] = ((const uint16_t *)src)[si]; break;
	case 4: ((uint32_t *)dst)[di] = ((const uint32_t *)src)[si]; break;
	case 8: ((uint64_t *)dst)[di] = ((const uint64_t *)src)[si]; break;
	default:
		memcpy((char *)dst + (size_t)di * es, (const char *)src + (size_t)si * es, es);
		break;
	}
}

static uint32_t elem_blocks(const weir_op_call_t *c, uint32_t workers)
{
	return weir__ops_blocks_for(weir__ops_desc_numel(&c->out_desc[0]), 1, workers);
}

/* An output shape made by broadcasting or from attrs must be a valid desc. */
static int check_out(weir_op_infer_ctx_t *ctx, int dt, int rank, const int64_t *dims)
{
	weir_tensor_desc_t d;
	if (weir_tensor_desc_init(&d, dt, (uint32_t)rank, dims) != WEIR_OK)
		return weir_op_fail(ctx, WEIR_ESHAPE, "output shape has too many elements");
	return WEIR_OK;
}

/* ---- Where ------------------------------------------------------------------ */

static bool is_cond(int dt)
{
	return dt == WEIR_DT_BOOL || dt == WEIR_DT_INT8 || dt == WEIR_DT_UINT8 ||
	       dt == WEIR_DT_INT16 || dt == WEIR_DT_UINT16 || dt == WEIR_DT_INT32 ||
	       dt == WEIR_DT_UINT32 || dt == WEIR_DT_INT64 || dt == WEIR_DT_UINT64;
}

static int where_infer(weir_op_infer_ctx_t *ctx)
{
	const weir_tensor_desc_t *cd = &ctx->in[0], *x = &ctx->in[1], *y = &ctx->in[2];
	int rc = weir__ops_check_dtype(ctx, 0, is_cond, "bool or an integer dtype");
	if (rc != WEIR_OK)
		return rc;
	if (!weir__ops_is_any(x->dtype))
		return weir_op_fail(ctx, WEIR_ESHAPE, "dtype %s not supported",
		                    weir_dtype_name(x->dtype));
	if (x->dtype != y->dtype)
		return weir_op_fail(ctx, WEIR_ESHAPE, "input dtypes differ: x %s, y %s",
		                    WEIR__OPS_DESC(x), WEIR__OPS_DESC(y));
	int r1, r2;
	int64_t d1[WEIR_MAX_RANK], d2[WEIR_MAX_RANK];
	if (weir__ops_bcast_shape((int)x->rank, x->dims, (int)y->rank, y->dims, &r1, d1) != 0 ||
	    weir__ops_bcast_shape((int)cd->rank, cd->dims, r1, d1, &r2, d2) != 0)
		return weir_op_fail(ctx, WEIR_ESHAPE, "shapes %s, %s and %s do not broadcast",
		                    WEIR__OPS_DESC(cd), WEIR__OPS_DESC(x), WEIR__OPS_DESC(y));
	rc = check_out(ctx, x->dtype, r2, d2);
	if (rc != WEIR_OK)
		return rc;
	weir__ops_desc_set(&ctx->out[0], x->dtype, r2, d2);
	return WEIR_OK;
}

static int where_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	const weir_tensor_desc_t *od = &c->out_desc[0];
	int cdt = c->in_desc[0].dtype;
	size_t es = weir_dtype_size(od->dtype);
	int64_t lo, hi;
	weir__ops_range(weir__ops_desc_numel(od), bi, nb, &lo, &hi);
	if (lo >= hi)
		return WEIR_OK;
	weir__ops_iter_t it;
	weir__ops_iter_init(&it, (int)od->rank, od->dims, 3);
	for (int k = 0; k < 3; k++)
		weir__ops_iter_bcast(&it, k, (int)c->in_desc[k].rank, c->in_desc[k].dims);
	weir__ops_iter_seek(&it, lo);
	for (int64_t pos = lo; pos < hi; pos++) {
		if (weir__ops_ldi(cdt, c->in[0], it.off[0]) != 0)
			copy_elem(es, c->in[1], it.off[1], c->out[0], pos);
		else
			copy_elem(es, c->in[2], it.off[2], c->out[0], pos);
		weir__ops_iter_next(&it);
	}
	return WEIR_OK;
}

const weir_op_def_t weir__op_where = {
	.name = "Where",
	.min_inputs = 3,
	.max_inputs = 3,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = where_infer,
	.kernel = where_kernel,
	.blocks = elem_blocks,
};

/* ---- Tril, Triu ------------------------------------------------------------- */

static int tri_diag(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a, int64_t *diag)
{
	int found;
	int rc = weir__ops_attr_int(ctx, a, WEIR__OPS_NAMES("diagonal"), diag, &found);
	if (rc == WEIR_OK && !found)
		*diag = 0;
	return rc;
}

static int tri_infer(weir_op_infer_ctx_t *ctx)
{
	const weir_tensor_desc_t *x = &ctx->in[0];
	int64_t diag;
	int rc = tri_diag(ctx, ctx->attrs, &diag);
	if (rc != WEIR_OK)
		return rc;
	if (!weir__ops_is_any(x->dtype))
		return weir_op_fail(ctx, WEIR_ESHAPE, "dtype %s not supported",
		                    weir_dtype_name(x->dtype));
	if (x->rank < 2)
		return weir_op_fail(ctx, WEIR_ESHAPE, "input must have rank >= 2; got %s",
		                    WEIR__OPS_DESC(x));
	ctx->out[0] = *x;
	return WEIR_OK;
}

static int tri_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb, bool upper)
{
	int64_t diag;
	if (tri_diag(NULL, c->attrs, &diag) != WEIR_OK)
		return WEIR_EINVAL;
	const weir_tensor_desc_t *x = &c->in_desc[0];
	size_t es = weir_dtype_size(x->dtype);
	int64_t R = x->dims[x->rank - 2], C = x->dims[x->rank - 1];
	int64_t rows = weir__ops_numel(x->dims, (int)x->rank - 1);
	int64_t lo, hi;
	weir__ops_range(C > 0 ? rows : 0, bi, nb, &lo, &hi);
	for (int64_t r = lo; r < hi; r++) {
		int64_t i = r % R;
		for (int64_t j = 0; j < C; j++) {
			int64_t q = r * C + j;
			bool keep = upper ? j - i >= diag : j - i <= diag;
			if (keep)
				copy_elem(es, c->in[0], q, c->out[0], q);
			else
				memset((char *)c->out[0] + (size_t)q * es, 0, es);
		}
	}
	return WEIR_OK;
}

static uint32_t tri_blocks(const weir_op_call_t *c, uint32_t workers)
{
	const weir_tensor_desc_t *x = &c->in_desc[0];
	if (x->rank < 2)
		return 1;
	int64_t C = x->dims[x->rank - 1];
	return weir__ops_blocks_for(C > 0 ? weir__ops_numel(x->dims, (int)x->rank - 1) : 0, C,
	                            workers);
}

static int tril_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	return tri_kernel(c, bi, nb, false);
}
static int triu_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	return tri_kernel(c, bi, nb, true);
}

const weir_op_def_t weir__op_tril = {
	.name = "Tril",
	.min_inputs = 1,
	.max_inputs = 1,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = tri_infer,
	.kernel = tril_kernel,
	.blocks = tri_blocks,
};

const weir_op_def_t weir__op_triu = {
	.name = "Triu",
	.min_inputs = 1,
	.max_inputs = 1,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = tri_infer,
	.kernel = triu_kernel,
	.blocks = tri_blocks,
};

/* ---- Range ------------------------------------------------------------------ */

static bool is_range_dt(int dt)
{
	return weir__ops_is_float(dt) || dt == WEIR_DT_DOUBLE || dt == WEIR_DT_INT32 ||
	       dt == WEIR_DT_INT64;
}

/* Length of the integer range; -1 when delta is 0. Exact for every int64
 * triple (unsigned arithmetic: no overflow). */
static int64_t range_len_int(int64_t s, int64_t l, int64_t d)
{
	if (d == 0)
		return -1;
	uint64_t diff, step;
	if (d > 0) {
		if (l <= s)
			return 0;
		diff = (uint64_t)l - (uint64_t)s;
		step = (uint64_t)d;
	} else {
		if (l >= s)
			return 0;
		diff = (uint64_t)s - (uint64_t)l;
		step = (uint64_t)0 - (uint64_t)d;
	}
	uint64_t n = diff / step + (diff % step != 0);
	return n > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)n;
}

static int range_infer(weir_op_infer_ctx_t *ctx)
{
	int dt = ctx->in[0].dtype;
	for (uint32_t i = 0; i < 3; i++) {
		if (ctx->in[i].dtype != dt)
			return weir_op_fail(ctx, WEIR_ESHAPE, "input dtypes differ: %s and %s",
			                    WEIR__OPS_DESC(&ctx->in[0]),
			                    WEIR__OPS_DESC(&ctx->in[i]));
		if (weir__ops_desc_numel(&ctx->in[i]) != 1)
			return weir_op_fail(ctx, WEIR_ESHAPE,
			                    "input %u must have one element; got %s", i,
			                    WEIR__OPS_DESC(&ctx->in[i]));
	}
	int rc = weir__ops_check_dtype(ctx, 0, is_range_dt,
	                               "float32/float16/bfloat16/double/int32/int64");
	if (rc != WEIR_OK)
		return rc;
	if (!ctx->in_const || !ctx->in_const[0] || !ctx->in_const[1] || !ctx->in_const[2])
		return weir_op_fail(ctx, WEIR_ESHAPE, "Range needs constant inputs");
	int64_t n;
	if (dt == WEIR_DT_INT32 || dt == WEIR_DT_INT64) {
		n = range_len_int(weir__ops_ldi(dt, ctx->in_const[0], 0),
		                  weir__ops_ldi(dt, ctx->in_const[1], 0),
		                  weir__ops_ldi(dt, ctx->in_const[2], 0));
		if (n < 0)
			return weir_op_fail(ctx, WEIR_EINVAL, "delta must not be 0");
	} else {
		double s = weir_dt_load(dt, ctx->in_const[0], 0);
		double l = weir_dt_load(dt, ctx->in_const[1], 0);
		double d = weir_dt_load(dt, ctx->in_const[2], 0);
		if (d == 0.0)
			return weir_op_fail(ctx, WEIR_EINVAL, "delta must not be 0");
		double len = ceil((l - s) / d);
		if (!isfinite(s) || !isfinite(l) || !isfinite(d) || isnan(len))
			return weir_op_fail(ctx, WEIR_EINVAL,
			                    "start %g, limit %g and delta %g must be finite", s, l,
			                    d);
		n = len <= 0.0 ? 0 : len >= 9.2e18 ? INT64_MAX : (int64_t)len;
	}
	rc = check_out(ctx, dt, 1, &n);
	if (rc != WEIR_OK)
		return rc;
	weir__ops_desc_set(&ctx->out[0], dt, 1, &n);
	return WEIR_OK;
}

static int range_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	int dt = c->out_desc[0].dtype;
	int64_t lo, hi;
	weir__ops_range(c->out_desc[0].dims[0], bi, nb, &lo, &hi);
	if (dt == WEIR_DT_INT32 || dt == WEIR_DT_INT64) {
		/* start + i * delta stays inside [start, limit): wrapping
		 * unsigned arithmetic gives the exact value. */
		uint64_t s = (uint64_t)weir__ops_ldi(dt, c->in[0], 0);
		uint64_t d = (uint64_t)weir__ops_ldi(dt, c->in[2], 0);
		for (int64_t i = lo; i < hi; i++)
			weir__ops_sti(dt, c->out[0], i, (int64_t)(s + (uint64_t)i * d));
		return WEIR_OK;
	}
	double s = weir_dt_load(dt, c->in[0], 0), d = weir_dt_load(dt, c->in[2], 0);
	for (int64_t i = lo; i < hi; i++)
		weir_dt_store(dt, c->out[0], i, s + (double)i * d);
	return WEIR_OK;
}

const weir_op_def_t weir__op_range = {
	.name = "Range",
	.min_inputs = 3,
	.max_inputs = 3,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = range_infer,
	.kernel = range_kernel,
	.blocks = elem_blocks,
};

/* ---- Expand ----------------------------------------------------------------- */

static int expand_infer(weir_op_infer_ctx_t *ctx)
{
	const weir_tensor_desc_t *x = &ctx->in[0];
	const int64_t *sv;
	int64_t buf[WEIR_MAX_RANK];
	size_t n;
	int found;
	int rc = weir__ops_attr_ints(ctx, ctx->attrs, WEIR__OPS_NAMES("shape"), &sv, &n, &found);
	if (rc != WEIR_OK)
		return rc;
	if (!weir__ops_is_any(x->dtype))
		return weir_op_fail(ctx, WEIR_ESHAPE, "dtype %s not supported",
		                    weir_dtype_name(x->dtype));
	if (ctx->nin > 1) {
		const weir_tensor_desc_t *s = &ctx->in[1];
		if (found)
			return weir_op_fail(ctx, WEIR_EINVAL,
			                    "shape given both as attr and as input 1");
		if ((s->dtype != WEIR_DT_INT32 && s->dtype != WEIR_DT_INT64) || s->rank != 1)
			return weir_op_fail(ctx, WEIR_ESHAPE,
			                    "shape input must be 1-D int32/int64; got %s",
			                    WEIR__OPS_DESC(s));
		if (s->dims[0] > WEIR_MAX_RANK)
			return weir_op_fail(ctx, WEIR_ESHAPE, "target rank %lld exceeds %d",
			                    (long long)s->dims[0], WEIR_MAX_RANK);
		if (!ctx->in_const || !ctx->in_const[1])
			return weir_op_fail(ctx, WEIR_EINVAL,
			                    "shape input must be a Const (static shapes only)");
		n = (size_t)s->dims[0];
		for (size_t i = 0; i < n; i++)
			buf[i] = weir__ops_ldi(s->dtype, ctx->in_const[1], (int64_t)i);
		sv = buf;
	} else if (!found) {
		return weir_op_fail(ctx, WEIR_EINVAL,
		                    "missing target shape (attr 'shape' or input 1)");
	}
	if (n > WEIR_MAX_RANK)
		return weir_op_fail(ctx, WEIR_EINVAL, "target rank %zu exceeds %d", n,
		                    WEIR_MAX_RANK);
	if (n < x->rank)
		return weir_op_fail(ctx, WEIR_ESHAPE, "target rank %zu is below the rank of %s", n,
		                    WEIR__OPS_DESC(x));
	int64_t dims[WEIR_MAX_RANK];
	size_t lead = n - x->rank;
	for (size_t i = 0; i < n; i++) {
		int64_t t = sv[i];
		if (t < -1)
			return weir_op_fail(ctx, WEIR_EINVAL, "shape[%zu] = %lld is negative", i,
			                    (long long)t);
		if (i < lead) {
			if (t == -1)
				return weir_op_fail(ctx, WEIR_EINVAL,
				                    "shape[%zu] = -1 in a new leading dim", i);
			dims[i] = t;
			continue;
		}
		int64_t xd = x->dims[i - lead];
		if (t == -1 || t == xd)
			dims[i] = xd;
		else if (xd == 1)
			dims[i] = t;
		else
			return weir_op_fail(ctx, WEIR_ESHAPE,
			                    "%s does not expand to shape[%zu] = %lld",
			                    WEIR__OPS_DESC(x), i, (long long)t);
	}
	rc = check_out(ctx, x->dtype, (int)n, dims);
	if (rc != WEIR_OK)
		return rc;
	weir__ops_desc_set(&ctx->out[0], x->dtype, (int)n, dims);
	return WEIR_OK;
}

static int expand_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	const weir_tensor_desc_t *od = &c->out_desc[0];
	size_t es = weir_dtype_size(od->dtype);
	int64_t lo, hi;
	weir__ops_range(weir__ops_desc_numel(od), bi, nb, &lo, &hi);
	if (lo >= hi)
		return WEIR_OK;
	weir__ops_iter_t it;
	weir__ops_iter_init(&it, (int)od->rank, od->dims, 1);
	weir__ops_iter_bcast(&it, 0, (int)c->in_desc[0].rank, c->in_desc[0].dims);
	weir__ops_iter_seek(&it, lo);
	for (int64_t pos = lo; pos < hi; pos++) {
		copy_elem(es, c->in[0], it.off[0], c->out[0], pos);
		weir__ops_iter_next(&it);
	}
	return WEIR_OK;
}

const weir_op_def_t weir__op_expand = {
	.name = "Expand",
	.min_inputs = 1,
	.max_inputs = 2,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = expand_infer,
	.kernel = expand_kernel,
	.blocks = elem_blocks,
};
