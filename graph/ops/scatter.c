/*
 * graph/ops/scatter.c - ScatterElements, ScatterND and GatherND (ONNX
 * semantics, issue 12). See docs/ops.md "ScatterElements, ScatterND,
 * GatherND".
 *
 * Indices are int32 or int64; negative values count from the end. An index
 * out of range is never a read or write: WEIR_EINVAL at inference when the
 * indices input is a Const, else the kernel returns WEIR_EBOUNDS.
 *
 * Blocks and the order of updates. The scatters apply their updates in the
 * row-major order of indices, as ONNX's sequential reference does, and the
 * result is bit-identical for any block count because each block owns a
 * disjoint set of output elements and applies, in that same order, exactly
 * the updates that land in its set:
 *  - ScatterElements: a block owns whole lanes along `axis` (one lane per
 *    combination of the other coordinates). Every update into a lane comes
 *    from the indices lane with the same other coordinates, whose elements
 *    the block walks in increasing axis order (the row-major order restricted
 *    to that lane).
 *  - ScatterND: a block owns a contiguous range of output elements; it walks
 *    every index tuple in order and applies the part of that tuple's update
 *    slice that falls in its range (every block validates every tuple).
 * Each block first copies data into its own share of the output.
 */
#include <string.h>

#include "graph/ops/ops_internal.h"

enum { RED_NONE, RED_ADD, RED_MUL };

static bool sc_index_dtype(int dt)
{
	return dt == WEIR_DT_INT32 || dt == WEIR_DT_INT64;
}

/* The dtypes add/mul take: reals and integers (not bool). */
static bool sc_arith_dtype(int dt)
{
	return weir__ops_is_any(dt) && dt != WEIR_DT_BOOL;
}

/* ScatterElements' and ScatterND's common checks of `in` (data, indices,
 * updates): attr `reduction` into *red, the dtypes of data, indices, updates. */
static int sc_parse_common(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a,
                           const weir_tensor_desc_t *in, int *red)
{
	const weir_tensor_desc_t *d = &in[0], *ix = &in[1], *up = &in[2];
	int dt = d->dtype;
	const char *s = "none";
	int f;
	int rc = weir__ops_attr_string(ctx, a, WEIR__OPS_NAMES("reduction"), &s, &f);
	if (rc != WEIR_OK)
		return rc;
	if (strcmp(s, "none") == 0)
		*red = RED_NONE;
	else if (strcmp(s, "add") == 0)
		*red = RED_ADD;
	else if (strcmp(s, "mul") == 0)
		*red = RED_MUL;
	else
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "reduction '%s' is not none, add or mul",
		                      s);
	if (!weir__ops_is_any(dt))
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "data has an unsupported dtype %d", dt);
	if (*red != RED_NONE && !sc_arith_dtype(dt))
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "reduction '%s' does not take dtype %s", s,
		                      weir_dtype_name(dt));
	if (!sc_index_dtype(ix->dtype))
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "indices must be int32 or int64; got %s",
		                      WEIR__OPS_DESC(ix));
	if (up->dtype != d->dtype)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "updates %s must have data's dtype (%s)",
		                      WEIR__OPS_DESC(up), WEIR__OPS_DESC(d));
	return WEIR_OK;
}

/* out[o] = out[o] (red) upd[u]. Floats as float32 (double for double),
 * integers in int64 with wrapping. */
static void sc_apply(int dt, int red, size_t es, void *out, int64_t o, const void *upd, int64_t u)
{
	if (red == RED_NONE) {
		memcpy((char *)out + (size_t)o * es, (const char *)upd + (size_t)u * es, es);
	} else if (dt == WEIR_DT_DOUBLE) {
		double a = ((double *)out)[o], b = ((const double *)upd)[u];
		((double *)out)[o] = red == RED_ADD ? a + b : a * b;
	} else if (weir__ops_is_float(dt)) {
		float a = weir__ops_ldf(dt, out, o), b = weir__ops_ldf(dt, upd, u);
		weir__ops_stf(dt, out, o, red == RED_ADD ? a + b : a * b);
	} else {
		uint64_t a = (uint64_t)weir__ops_ldi(dt, out, o);
		uint64_t b = (uint64_t)weir__ops_ldi(dt, upd, u);
		weir__ops_sti(dt, out, o, (int64_t)(red == RED_ADD ? a + b : a * b));
	}
}

/* ---- ScatterElements ----------------------------------------------------- */

typedef struct se_geom {
	int ax, red;
} se_geom_t;

static int se_parse(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a, const weir_tensor_desc_t *in,
                    se_geom_t *g)
{
	const weir_tensor_desc_t *d = &in[0], *ix = &in[1], *up = &in[2];
	int64_t axis = 0;
	int f;
	int rc = weir__ops_attr_int(ctx, a, WEIR__OPS_NAMES("axis"), &axis, &f);
	if (rc == WEIR_OK)
		rc = sc_parse_common(ctx, a, in, &g->red);
	if (rc != WEIR_OK)
		return rc;
	if (d->rank == 0 || ix->rank != d->rank)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
		                      "data and indices must have one rank >= 1; got %s and %s",
		                      WEIR__OPS_DESC(d), WEIR__OPS_DESC(ix));
	bool same = up->rank == ix->rank;
	for (uint32_t k = 0; same && k < ix->rank; k++)
		same = up->dims[k] == ix->dims[k];
	if (!same)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "updates %s must have indices' shape %s",
		                      WEIR__OPS_DESC(up), WEIR__OPS_DESC(ix));
	g->ax = weir__ops_axis(axis, (int)d->rank);
	if (g->ax < 0)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "axis %lld out of range for rank %u",
		                      (long long)axis, d->rank);
	for (uint32_t k = 0; k < d->rank; k++)
		if ((int)k != g->ax && ix->dims[k] > d->dims[k])
			return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
			                      "indices %s is larger than data %s on dim %u",
			                      WEIR__OPS_DESC(ix), WEIR__OPS_DESC(d), k);
	return WEIR_OK;
}

static int se_infer(weir_op_infer_ctx_t *ctx)
{
	se_geom_t g;
	int rc = se_parse(ctx, ctx->attrs, ctx->in, &g);
	if (rc != WEIR_OK)
		return rc;
	if (ctx->in_const && ctx->in_const[1]) {
		int64_t a = ctx->in[0].dims[g.ax], n = weir__ops_desc_numel(&ctx->in[1]);
		for (int64_t j = 0; j < n; j++) {
			int64_t v = weir__ops_ldi(ctx->in[1].dtype, ctx->in_const[1], j);
			if (v < -a || v >= a)
				return weir_op_fail(
				        ctx, WEIR_EINVAL,
				        "index %lld (at %lld) out of range for dim %d of %s",
				        (long long)v, (long long)j, g.ax,
				        WEIR__OPS_DESC(&ctx->in[0]));
		}
	}
	ctx->out[0] = ctx->in[0];
	return WEIR_OK;
}

static int se_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	const weir_tensor_desc_t *d = &c->in_desc[0], *ix = &c->in_desc[1];
	se_geom_t g;
	if (se_parse(NULL, c->attrs, c->in_desc, &g) != WEIR_OK)
		return WEIR_EINVAL;
	if (weir__ops_desc_numel(d) == 0)
		return WEIR_OK;
	int rank = (int)d->rank, ax = g.ax, dt = d->dtype;
	size_t es = weir_dtype_size(dt);
	int64_t A = d->dims[ax], IA = ix->dims[ax];
	int64_t inner = weir__ops_numel(d->dims + ax + 1, rank - ax - 1);
	int64_t ixst[WEIR_MAX_RANK], run = 1;
	for (int k = rank - 1; k >= 0; k--) {
		ixst[k] = run;
		run *= ix->dims[k] ? ix->dims[k] : 1;
	}
	int64_t lo, hi;
	weir__ops_range(weir__ops_numel(d->dims, ax) * inner, bi, nb, &lo, &hi);
	for (int64_t l = lo; l < hi; l++) {
		int64_t o = l / inner, i = l % inner, base = o * A * inner + i;
		for (int64_t k = 0; k < A; k++)
			memcpy((char *)c->out[0] + (size_t)(base + k * inner) * es,
			       (const char *)c->in[0] + (size_t)(base + k * inner) * es, es);
		/* The lane's other coordinates, and the matching indices lane. */
		int64_t rest = l, io = 0;
		bool in = true;
		for (int k = rank - 1; k >= 0; k--) {
			if (k == ax)
				continue;
			int64_t ck = rest % d->dims[k];
			rest /= d->dims[k];
			if (ck >= ix->dims[k])
				in = false;
			io += ck * ixst[k];
		}
		if (!in)
			continue;
		for (int64_t k = 0; k < IA; k++) {
			int64_t at = io + k * ixst[ax];
			int64_t v = weir__ops_ldi(ix->dtype, c->in[1], at);
			if (v < -A || v >= A)
				return WEIR_EBOUNDS;
			if (v < 0)
				v += A;
			sc_apply(dt, g.red, es, c->out[0], base + v * inner, c->in[2], at);
		}
	}
	return WEIR_OK;
}

static uint32_t se_blocks(const weir_op_call_t *c, uint32_t workers)
{
	se_geom_t g;
	const weir_tensor_desc_t *d = &c->in_desc[0];
	if (se_parse(NULL, c->attrs, c->in_desc, &g) != WEIR_OK)
		return 1;
	int64_t lanes = weir__ops_numel(d->dims, g.ax) *
	                weir__ops_numel(d->dims + g.ax + 1, (int)d->rank - g.ax - 1);
	return weir__ops_blocks_for(lanes, d->dims[g.ax] + 2 * c->in_desc[1].dims[g.ax] + 1,
	                            workers);
}

const weir_op_def_t weir__op_scatterelements = {
	.name = "ScatterElements",
	.min_inputs = 3,
	.max_inputs = 3,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = se_infer,
	.kernel = se_kernel,
	.blocks = se_blocks,
};

/* ---- ScatterND, GatherND: index tuples ----------------------------------- */

/* The cell (row-major over dims[0..k)) of index tuple p, or -1 when one of
 * its entries is out of range. */
static int64_t nd_cell(int idt, const void *ix, int64_t p, int k, const int64_t *dims)
{
	int64_t cell = 0;
	for (int j = 0; j < k; j++) {
		int64_t v = weir__ops_ldi(idt, ix, p * k + j);
		if (v < -dims[j] || v >= dims[j])
			return -1;
		cell = cell * dims[j] + (v < 0 ? v + dims[j] : v);
	}
	return cell;
}

/* Infer-time check of a Const indices input with n tuples of k entries. */
static int nd_check_const(weir_op_infer_ctx_t *ctx, int64_t n, int k, const int64_t *dims)
{
	if (!ctx->in_const || !ctx->in_const[1])
		return WEIR_OK;
	for (int64_t p = 0; p < n; p++)
		if (nd_cell(ctx->in[1].dtype, ctx->in_const[1], p, k, dims) < 0)
			return weir_op_fail(ctx, WEIR_EINVAL,
			                    "index tuple %lld out of range for %s", (long long)p,
			                    WEIR__OPS_DESC(&ctx->in[0]));
	return WEIR_OK;
}

/* ---- ScatterND ----------------------------------------------------------- */

typedef struct snd_geom {
	int red, k;
	int64_t ntup, slice; /* index tuples; elements per updated slice */
} snd_geom_t;

static int snd_parse(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a, const weir_tensor_desc_t *in,
                     snd_geom_t *g)
{
	const weir_tensor_desc_t *d = &in[0], *ix = &in[1], *up = &in[2];
	int rc = sc_parse_common(ctx, a, in, &g->red);
	if (rc != WEIR_OK)
		return rc;
	if (d->rank == 0 || ix->rank == 0)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "data %s and indices %s need rank >= 1",
		                      WEIR__OPS_DESC(d), WEIR__OPS_DESC(ix));
	int q = (int)ix->rank, r = (int)d->rank;
	int64_t k = ix->dims[q - 1];
	if (k > r)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
		                      "indices %s: tuples of %lld entries for data of rank %d",
		                      WEIR__OPS_DESC(ix), (long long)k, r);
	g->k = (int)k;
	/* updates = indices.shape[:-1] + data.shape[k:] */
	bool same = (int)up->rank == q - 1 + r - g->k;
	for (int j = 0; same && j < q - 1; j++)
		same = up->dims[j] == ix->dims[j];
	for (int j = g->k; same && j < r; j++)
		same = up->dims[q - 1 + j - g->k] == d->dims[j];
	if (!same)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
		                      "updates %s must be indices.shape[:-1] + data.shape[%d:] "
		                      "(indices %s, data %s)",
		                      WEIR__OPS_DESC(up), g->k, WEIR__OPS_DESC(ix),
		                      WEIR__OPS_DESC(d));
	g->ntup = weir__ops_numel(ix->dims, q - 1);
	g->slice = weir__ops_numel(d->dims + g->k, r - g->k);
	return WEIR_OK;
}

static int snd_infer(weir_op_infer_ctx_t *ctx)
{
	snd_geom_t g;
	int rc = snd_parse(ctx, ctx->attrs, ctx->in, &g);
	if (rc == WEIR_OK)
		rc = nd_check_const(ctx, g.ntup, g.k, ctx->in[0].dims);
	if (rc != WEIR_OK)
		return rc;
	ctx->out[0] = ctx->in[0];
	return WEIR_OK;
}

static int snd_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	const weir_tensor_desc_t *d = &c->in_desc[0];
	snd_geom_t g;
	if (snd_parse(NULL, c->attrs, c->in_desc, &g) != WEIR_OK)
		return WEIR_EINVAL;
	int64_t n = weir__ops_desc_numel(d), lo, hi;
	if (n == 0)
		return WEIR_OK;
	size_t es = weir_dtype_size(d->dtype);
	weir__ops_range(n, bi, nb, &lo, &hi);
	if (lo >= hi)
		return WEIR_OK;
	memcpy((char *)c->out[0] + (size_t)lo * es, (const char *)c->in[0] + (size_t)lo * es,
	       (size_t)(hi - lo) * es);
	for (int64_t p = 0; p < g.ntup; p++) {
		int64_t cell = nd_cell(c->in_desc[1].dtype, c->in[1], p, g.k, d->dims);
		if (cell < 0)
			return WEIR_EBOUNDS;
		int64_t base = cell * g.slice;
		int64_t a = base > lo ? base : lo, b = base + g.slice < hi ? base + g.slice : hi;
		for (int64_t e = a; e < b; e++)
			sc_apply(d->dtype, g.red, es, c->out[0], e, c->in[2],
			         p * g.slice + e - base);
	}
	return WEIR_OK;
}

static uint32_t snd_blocks(const weir_op_call_t *c, uint32_t workers)
{
	snd_geom_t g;
	if (snd_parse(NULL, c->attrs, c->in_desc, &g) != WEIR_OK)
		return 1;
	int64_t n = weir__ops_desc_numel(&c->in_desc[0]);
	/* Every block walks every tuple: split only when copying dominates. */
	if (weir__ops_mul_sat(g.ntup, g.k + 1) > n)
		return 1;
	return weir__ops_blocks_for(n, 2, workers);
}

const weir_op_def_t weir__op_scatternd = {
	.name = "ScatterND",
	.min_inputs = 3,
	.max_inputs = 3,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = snd_infer,
	.kernel = snd_kernel,
	.blocks = snd_blocks,
};

/* ---- GatherND ------------------------------------------------------------ */

typedef struct gnd_geom {
	int b, k, rank;
	int64_t out[WEIR_MAX_RANK];
	int64_t slice;  /* elements per gathered slice: data.shape[b+k:] */
	int64_t per_b;  /* index tuples per batch: indices.shape[b:-1] */
	int64_t dbatch; /* data elements per batch: data.shape[b:] */
} gnd_geom_t;

static int gnd_parse(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a, const weir_tensor_desc_t *d,
                     const weir_tensor_desc_t *ix, gnd_geom_t *g)
{
	int64_t bd = 0;
	int f;
	int rc = weir__ops_attr_int(ctx, a, WEIR__OPS_NAMES("batch_dims"), &bd, &f);
	if (rc != WEIR_OK)
		return rc;
	if (!weir__ops_is_any(d->dtype))
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "data has an unsupported dtype %d",
		                      d->dtype);
	if (!sc_index_dtype(ix->dtype))
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "indices must be int32 or int64; got %s",
		                      WEIR__OPS_DESC(ix));
	int r = (int)d->rank, q = (int)ix->rank;
	if (r == 0 || q == 0)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "data %s and indices %s need rank >= 1",
		                      WEIR__OPS_DESC(d), WEIR__OPS_DESC(ix));
	if (bd < 0 || bd >= q || bd >= r)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL,
		                      "batch_dims %lld must be in [0, min(rank of data, rank of "
		                      "indices))",
		                      (long long)bd);
	g->b = (int)bd;
	int64_t k = ix->dims[q - 1];
	if (k > r - g->b)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
		                      "indices %s: tuples of %lld entries for data %s after %d "
		                      "batch dims",
		                      WEIR__OPS_DESC(ix), (long long)k, WEIR__OPS_DESC(d), g->b);
	g->k = (int)k;
	for (int j = 0; j < g->b; j++)
		if (d->dims[j] != ix->dims[j])
			return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
			                      "batch dim %d differs: data %s, indices %s", j,
			                      WEIR__OPS_DESC(d), WEIR__OPS_DESC(ix));
	g->rank = q - 1 + r - g->b - g->k;
	if (g->rank > WEIR_MAX_RANK)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "output rank %d above %d", g->rank,
		                      WEIR_MAX_RANK);
	for (int j = 0; j < q - 1; j++)
		g->out[j] = ix->dims[j];
	for (int j = g->b + g->k; j < r; j++)
		g->out[q - 1 + j - g->b - g->k] = d->dims[j];
	g->slice = weir__ops_numel(d->dims + g->b + g->k, r - g->b - g->k);
	g->per_b = weir__ops_numel(ix->dims + g->b, q - 1 - g->b);
	g->dbatch = weir__ops_numel(d->dims + g->b, r - g->b);
	/* Output elements: indices' tuples x slice; both are valid-desc subsets,
	 * but their product mixes tensors. */
	int64_t p = 1;
	for (int j = 0; j < g->rank; j++)
		if (g->out[j] > 0)
			p = weir__ops_mul_sat(p, g->out[j]);
	if (p > INT64_MAX / 16)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "output shape has too many elements");
	return WEIR_OK;
}

static int gnd_infer(weir_op_infer_ctx_t *ctx)
{
	gnd_geom_t g;
	int rc = gnd_parse(ctx, ctx->attrs, &ctx->in[0], &ctx->in[1], &g);
	if (rc == WEIR_OK)
		rc = nd_check_const(ctx, weir__ops_numel(ctx->in[1].dims, (int)ctx->in[1].rank - 1),
		                    g.k, ctx->in[0].dims + g.b);
	if (rc != WEIR_OK)
		return rc;
	weir__ops_desc_set(&ctx->out[0], ctx->in[0].dtype, g.rank, g.out);
	return WEIR_OK;
}

static int gnd_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	const weir_tensor_desc_t *d = &c->in_desc[0];
	gnd_geom_t g;
	if (gnd_parse(NULL, c->attrs, d, &c->in_desc[1], &g) != WEIR_OK)
		return WEIR_EINVAL;
	size_t es = weir_dtype_size(d->dtype);
	int64_t lo, hi;
	weir__ops_range(weir__ops_numel(g.out, g.rank), bi, nb, &lo, &hi);
	for (int64_t e = lo; e < hi; e++) {
		int64_t p = e / g.slice, j = e % g.slice;
		int64_t cell = nd_cell(c->in_desc[1].dtype, c->in[1], p, g.k, d->dims + g.b);
		if (cell < 0)
			return WEIR_EBOUNDS;
		int64_t src = (p / g.per_b) * g.dbatch + cell * g.slice + j;
		memcpy((char *)c->out[0] + (size_t)e * es,
		       (const char *)c->in[0] + (size_t)src * es, es);
	}
	return WEIR_OK;
}

static uint32_t gnd_blocks(const weir_op_call_t *c, uint32_t workers)
{
	gnd_geom_t g;
	if (gnd_parse(NULL, c->attrs, &c->in_desc[0], &c->in_desc[1], &g) != WEIR_OK)
		return 1;
	return weir__ops_blocks_for(weir__ops_numel(g.out, g.rank), 2 * (int64_t)g.k + 4, workers);
}

const weir_op_def_t weir__op_gathernd = {
	.name = "GatherND",
	.min_inputs = 2,
	.max_inputs = 2,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = gnd_infer,
	.kernel = gnd_kernel,
	.blocks = gnd_blocks,
};
