/*
 * graph/ops/shape.c - data-movement ops: Transpose, Reshape, Concat, Split,
 * Slice, Gather. All accept every supported dtype (they move bytes).
 *
 *  Transpose(x; perm = reversed dims): y.dims[i] = x.dims[perm[i]].
 *  Reshape(x[, shape]; shape, allowzero = 0): the target shape comes from
 *      the attr `shape` or from a constant int32/int64 1-D second input (not
 *      both). -1 (at most once) is inferred; 0 copies the input dim at the
 *      same index unless allowzero = 1 (then it is a literal 0).
 *  Concat(x0..xN-1; axis, alias concat_dim; optional N = input count).
 *  Split(x; axis (alias split_dim), and either num_split = output count or
 *      a size list `split` (aliases size_splits, sizes) with at most one -1;
 *      with neither, equal parts, one per output).
 *  Slice(x; begin (aliases begins, offsets) and either
 *      size (alias sizes; -1 = to the end; begin + size must fit) or
 *      end (alias ends) with optional strides: Python slice semantics,
 *      clamped, negative strides allowed, 0 rejected). One entry per dim;
 *      negative begin/end count from the end.
 *  Gather(params, indices; axis = 0): y = params.take(indices, axis), numpy
 *      shape params[:axis] + indices + params[axis+1:]. indices int32/int64,
 *      negative values count from the end. An out-of-range index is an error,
 *      never a read: WEIR_EINVAL at inference when indices is a Const,
 *      otherwise the kernel returns WEIR_EBOUNDS before touching the row.
 *
 * Blocks split output elements (Transpose, Slice, Concat, Gather rows) or
 * input elements (Split), so every byte is written by exactly one block.
 */
#include <string.h>

#include "graph/ops/ops_internal.h"

/* Copy n elements of es bytes from src + soff[i] to dst[pos + i]. */
static void copy_gather(size_t es, const void *src, const int64_t *soff, int n, void *dst,
                        int64_t pos)
{
	switch (es) {
	case 1:
		for (int i = 0; i < n; i++)
			((uint8_t *)dst)[pos + i] = ((const uint8_t *)src)[soff[i]];
		break;
	case 2:
		for (int i = 0; i < n; i++)
			((uint16_t *)dst)[pos + i] = ((const uint16_t *)src)[soff[i]];
		break;
	case 4:
		for (int i = 0; i < n; i++)
			((uint32_t *)dst)[pos + i] = ((const uint32_t *)src)[soff[i]];
		break;
	default:
		for (int i = 0; i < n; i++)
			memcpy((char *)dst + (size_t)(pos + i) * es,
			       (const char *)src + (size_t)soff[i] * es, es);
		break;
	}
}

/* Output range [lo, hi) of out_desc from x through a strided view (base
 * element offset + per-output-dim element strides). */
static void strided_copy(const weir_tensor_desc_t *od, const void *src, int64_t base,
                         const int64_t *st, void *dst, int64_t lo, int64_t hi)
{
	enum { CH = 256 };
	size_t es = weir_dtype_size(od->dtype);
	weir__ops_iter_t it;
	int64_t off[CH];
	weir__ops_iter_init(&it, (int)od->rank, od->dims, 1);
	weir__ops_iter_strides(&it, 0, st);
	weir__ops_iter_seek(&it, lo);
	for (int64_t pos = lo; pos < hi;) {
		int m = (int)(hi - pos < CH ? hi - pos : CH);
		for (int i = 0; i < m; i++) {
			off[i] = base + it.off[0];
			weir__ops_iter_next(&it);
		}
		copy_gather(es, src, off, m, dst, pos);
		pos += m;
	}
}

static uint32_t copy_blocks(const weir_op_call_t *c, uint32_t workers)
{
	return weir__ops_blocks_for(weir__ops_desc_numel(&c->out_desc[0]), 2, workers);
}

static int any_dtype(weir_op_infer_ctx_t *ctx, uint32_t i)
{
	if (!weir__ops_is_any(ctx->in[i].dtype))
		return weir_op_fail(ctx, WEIR_ESHAPE, "input %u has an unsupported dtype %d", i,
		                    ctx->in[i].dtype);
	return WEIR_OK;
}

/* ---- Transpose ------------------------------------------------------------ */

static int tr_geom(weir_op_infer_ctx_t *ctx, const weir_attrs_t *attrs, const weir_tensor_desc_t *x,
                   int64_t *odims, int64_t *st)
{
	const int64_t *perm;
	size_t n;
	int found, r = (int)x->rank;
	int rc = weir__ops_attr_ints(ctx, attrs, WEIR__OPS_NAMES("perm"), &perm, &n, &found);
	if (rc != WEIR_OK)
		return rc;
	int64_t p[WEIR_MAX_RANK], ist[WEIR_MAX_RANK];
	if (found) {
		if ((int)n != r)
			return WEIR__OPS_FAIL(ctx, WEIR_EINVAL,
			                      "perm has %zu entries; input %s has rank %d", n,
			                      WEIR__OPS_DESC(x), r);
		bool seen[WEIR_MAX_RANK] = { false };
		for (int i = 0; i < r; i++) {
			if (perm[i] < 0 || perm[i] >= r || seen[perm[i]])
				return WEIR__OPS_FAIL(
				        ctx, WEIR_EINVAL,
				        "perm is not a permutation of 0..%d (entry %d = %lld)",
				        r - 1, i, (long long)perm[i]);
			seen[perm[i]] = true;
			p[i] = perm[i];
		}
	} else {
		for (int i = 0; i < r; i++)
			p[i] = r - 1 - i;
	}
	weir__ops_dense_strides(r, x->dims, ist);
	for (int i = 0; i < r; i++) {
		odims[i] = x->dims[p[i]];
		st[i] = ist[p[i]];
	}
	return WEIR_OK;
}

static int transpose_infer(weir_op_infer_ctx_t *ctx)
{
	int64_t od[WEIR_MAX_RANK], st[WEIR_MAX_RANK];
	int rc = any_dtype(ctx, 0);
	if (rc == WEIR_OK)
		rc = tr_geom(ctx, ctx->attrs, &ctx->in[0], od, st);
	if (rc != WEIR_OK)
		return rc;
	weir__ops_desc_set(&ctx->out[0], ctx->in[0].dtype, (int)ctx->in[0].rank, od);
	return WEIR_OK;
}

static int transpose_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	int64_t od[WEIR_MAX_RANK], st[WEIR_MAX_RANK], lo, hi;
	if (tr_geom(NULL, c->attrs, &c->in_desc[0], od, st) != WEIR_OK)
		return WEIR_EINVAL;
	weir__ops_range(weir__ops_desc_numel(&c->out_desc[0]), bi, nb, &lo, &hi);
	strided_copy(&c->out_desc[0], c->in[0], 0, st, c->out[0], lo, hi);
	return WEIR_OK;
}

const weir_op_def_t weir__op_transpose = {
	.name = "Transpose",
	.min_inputs = 1,
	.max_inputs = 1,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = transpose_infer,
	.kernel = transpose_kernel,
	.blocks = copy_blocks,
};

/* ---- Reshape -------------------------------------------------------------- */

static int reshape_infer(weir_op_infer_ctx_t *ctx)
{
	const weir_tensor_desc_t *x = &ctx->in[0];
	const int64_t *sv = NULL;
	int64_t buf[WEIR_MAX_RANK];
	size_t n = 0;
	int found, rc = any_dtype(ctx, 0);
	if (rc != WEIR_OK)
		return rc;
	rc = weir__ops_attr_ints(ctx, ctx->attrs, WEIR__OPS_NAMES("shape"), &sv, &n, &found);
	if (rc != WEIR_OK)
		return rc;
	if (ctx->nin == 2) {
		const weir_tensor_desc_t *s = &ctx->in[1];
		if (found)
			return weir_op_fail(
			        ctx, WEIR_EINVAL,
			        "target shape given both as attr 'shape' and as input 1");
		if (s->dtype != WEIR_DT_INT32 && s->dtype != WEIR_DT_INT64)
			return weir_op_fail(ctx, WEIR_ESHAPE,
			                    "shape input must be int32 or int64; got %s",
			                    WEIR__OPS_DESC(s));
		if (s->rank != 1)
			return weir_op_fail(ctx, WEIR_ESHAPE, "shape input must be 1-D; got %s",
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
	int64_t az = 0;
	rc = weir__ops_attr_int(ctx, ctx->attrs, WEIR__OPS_NAMES("allowzero"), &az, &found);
	if (rc != WEIR_OK)
		return rc;

	int64_t dims[WEIR_MAX_RANK], prod = 1;
	int infer_at = -1;
	for (size_t i = 0; i < n; i++) {
		int64_t d = sv[i];
		if (d == -1) {
			if (infer_at >= 0)
				return weir_op_fail(ctx, WEIR_EINVAL, "shape has more than one -1");
			infer_at = (int)i;
			dims[i] = 1;
			continue;
		}
		if (d == 0 && !az) {
			if (i >= x->rank)
				return weir_op_fail(
				        ctx, WEIR_EINVAL,
				        "shape[%zu] = 0 copies a dim the input %s lacks", i,
				        WEIR__OPS_DESC(x));
			d = x->dims[i];
		}
		if (d < 0)
			return weir_op_fail(ctx, WEIR_EINVAL, "shape[%zu] = %lld is negative", i,
			                    (long long)sv[i]);
		dims[i] = d;
		if (d != 0 && prod > INT64_MAX / d)
			return weir_op_fail(ctx, WEIR_EINVAL, "target shape overflows");
		prod *= d;
	}
	int64_t total = weir__ops_desc_numel(x);
	if (infer_at >= 0) {
		if (prod == 0)
			return weir_op_fail(
			        ctx, WEIR_EINVAL,
			        "cannot infer the -1 dim: the other dims multiply to 0");
		if (total % prod != 0)
			return weir_op_fail(ctx, WEIR_ESHAPE,
			                    "cannot reshape %s: %lld elements are not "
			                    "a multiple of %lld",
			                    WEIR__OPS_DESC(x), (long long)total, (long long)prod);
		dims[infer_at] = total / prod;
		prod = total;
	}
	if (prod != total)
		return weir_op_fail(ctx, WEIR_ESHAPE,
		                    "cannot reshape %s (%lld elements) to %lld elements",
		                    WEIR__OPS_DESC(x), (long long)total, (long long)prod);
	weir__ops_desc_set(&ctx->out[0], x->dtype, (int)n, dims);
	return WEIR_OK;
}

static int reshape_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	size_t es = weir_dtype_size(c->in_desc[0].dtype);
	int64_t lo, hi;
	weir__ops_range(weir__ops_desc_numel(&c->out_desc[0]), bi, nb, &lo, &hi);
	if (hi > lo)
		memcpy((char *)c->out[0] + (size_t)lo * es,
		       (const char *)c->in[0] + (size_t)lo * es, (size_t)(hi - lo) * es);
	return WEIR_OK;
}

static uint32_t memcpy_blocks(const weir_op_call_t *c, uint32_t workers)
{
	return weir__ops_blocks_for(weir__ops_desc_numel(&c->out_desc[0]), 1, workers);
}

const weir_op_def_t weir__op_reshape = {
	.name = "Reshape",
	.min_inputs = 1,
	.max_inputs = 2,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = reshape_infer,
	.kernel = reshape_kernel,
	.blocks = memcpy_blocks,
};

/* ---- Concat --------------------------------------------------------------- */

static int concat_axis(weir_op_infer_ctx_t *ctx, const weir_attrs_t *attrs,
                       const weir_tensor_desc_t *x0, int *ax)
{
	int64_t axis = 0;
	int found, rc = weir__ops_attr_int(ctx, attrs, WEIR__OPS_NAMES("axis", "concat_dim"), &axis,
	                                   &found);
	if (rc != WEIR_OK)
		return rc;
	if (!found)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "missing attr 'axis'");
	if (x0->rank == 0)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "cannot concatenate scalars");
	*ax = weir__ops_axis(axis, (int)x0->rank);
	if (*ax < 0)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "axis %lld out of range for rank %u",
		                      (long long)axis, x0->rank);
	return WEIR_OK;
}

static int concat_infer(weir_op_infer_ctx_t *ctx)
{
	const weir_tensor_desc_t *x0 = &ctx->in[0];
	int ax = 0, found, rc = any_dtype(ctx, 0);
	if (rc == WEIR_OK)
		rc = concat_axis(ctx, ctx->attrs, x0, &ax);
	if (rc != WEIR_OK)
		return rc;
	int64_t nattr;
	rc = weir__ops_attr_int(ctx, ctx->attrs, WEIR__OPS_NAMES("N"), &nattr, &found);
	if (rc != WEIR_OK)
		return rc;
	if (found && nattr != (int64_t)ctx->nin)
		return weir_op_fail(ctx, WEIR_EINVAL, "attr N = %lld but the node has %u inputs",
		                    (long long)nattr, ctx->nin);
	int64_t dims[WEIR_MAX_RANK];
	memcpy(dims, x0->dims, sizeof(dims));
	for (uint32_t i = 1; i < ctx->nin; i++) {
		const weir_tensor_desc_t *x = &ctx->in[i];
		bool ok = x->dtype == x0->dtype && x->rank == x0->rank;
		for (uint32_t d = 0; ok && d < x0->rank; d++)
			ok = (int)d == ax || x->dims[d] == x0->dims[d];
		if (!ok)
			return weir_op_fail(ctx, WEIR_ESHAPE,
			                    "input %u %s does not match input 0 %s outside axis %d",
			                    i, WEIR__OPS_DESC(x), WEIR__OPS_DESC(x0), ax);
		if (dims[ax] > INT64_MAX - x->dims[ax])
			return weir_op_fail(ctx, WEIR_ESHAPE, "concatenated dim overflows");
		dims[ax] += x->dims[ax];
	}
	weir__ops_desc_set(&ctx->out[0], x0->dtype, (int)x0->rank, dims);
	if (weir_tensor_desc_bytes(&ctx->out[0]) < 0)
		return weir_op_fail(ctx, WEIR_ESHAPE, "output size overflows");
	return WEIR_OK;
}

/* Concat and Split share the walk: `whole` is the concatenated tensor, parts
 * are the pieces along axis ax. For each whole-tensor element range [lo, hi),
 * copy between whole and the parts (to_whole picks the direction). */
static void cat_walk(const weir_tensor_desc_t *whole, int ax, uint32_t nparts,
                     const weir_tensor_desc_t *pdesc, void *whole_buf, const void *const *pbuf_in,
                     void *const *pbuf_out, bool to_whole, int64_t lo, int64_t hi)
{
	size_t es = weir_dtype_size(whole->dtype);
	int64_t inner = weir__ops_numel(whole->dims + ax + 1, (int)whole->rank - ax - 1);
	int64_t rowlen = whole->dims[ax] * inner;
	int64_t p = lo;
	while (p < hi) {
		int64_t o = p / rowlen, rr = p % rowlen, start = 0;
		uint32_t j = 0;
		int64_t seg = 0;
		for (; j < nparts; j++) {
			seg = pdesc[j].dims[ax] * inner;
			if (rr < start + seg)
				break;
			start += seg;
		}
		int64_t n = start + seg - rr;
		if (n > hi - p)
			n = hi - p;
		size_t bytes = (size_t)n * es;
		size_t poff = (size_t)(o * seg + (rr - start)) * es;
		if (to_whole)
			memcpy((char *)whole_buf + (size_t)p * es, (const char *)pbuf_in[j] + poff,
			       bytes);
		else
			memcpy((char *)pbuf_out[j] + poff, (const char *)whole_buf + (size_t)p * es,
			       bytes);
		p += n;
	}
}

static int concat_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	int ax = 0;
	if (concat_axis(NULL, c->attrs, &c->in_desc[0], &ax) != WEIR_OK)
		return WEIR_EINVAL;
	int64_t lo, hi;
	weir__ops_range(weir__ops_desc_numel(&c->out_desc[0]), bi, nb, &lo, &hi);
	cat_walk(&c->out_desc[0], ax, c->nin, c->in_desc, c->out[0], c->in, NULL, true, lo, hi);
	return WEIR_OK;
}

const weir_op_def_t weir__op_concat = {
	.name = "Concat",
	.min_inputs = 1,
	.max_inputs = WEIR_OP_VARIADIC,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = concat_infer,
	.kernel = concat_kernel,
	.blocks = memcpy_blocks,
};

/* ---- Split ---------------------------------------------------------------- */

static int split_axis(weir_op_infer_ctx_t *ctx, const weir_attrs_t *attrs,
                      const weir_tensor_desc_t *x, int *ax)
{
	int64_t axis = 0;
	int found, rc = weir__ops_attr_int(ctx, attrs, WEIR__OPS_NAMES("axis", "split_dim"), &axis,
	                                   &found);
	if (rc != WEIR_OK)
		return rc;
	if (x->rank == 0)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "cannot split a scalar");
	*ax = weir__ops_axis(axis, (int)x->rank);
	if (*ax < 0)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "axis %lld out of range for rank %u",
		                      (long long)axis, x->rank);
	return WEIR_OK;
}

static int split_infer(weir_op_infer_ctx_t *ctx)
{
	const weir_tensor_desc_t *x = &ctx->in[0];
	uint32_t nout = ctx->nout;
	int ax = 0, found, rc = any_dtype(ctx, 0);
	if (rc == WEIR_OK)
		rc = split_axis(ctx, ctx->attrs, x, &ax);
	if (rc != WEIR_OK)
		return rc;
	int64_t ns;
	rc = weir__ops_attr_int(ctx, ctx->attrs, WEIR__OPS_NAMES("num_split"), &ns, &found);
	if (rc != WEIR_OK)
		return rc;
	if (found && ns != (int64_t)nout)
		return weir_op_fail(ctx, WEIR_EINVAL,
		                    "num_split = %lld but the node has %u outputs", (long long)ns,
		                    nout);
	const int64_t *sz;
	size_t n;
	rc = weir__ops_attr_ints(ctx, ctx->attrs, WEIR__OPS_NAMES("split", "size_splits", "sizes"),
	                         &sz, &n, &found);
	if (rc != WEIR_OK)
		return rc;
	int64_t D = x->dims[ax];
	for (uint32_t j = 0; j < nout; j++) {
		ctx->out[j] = *x;
	}
	if (found) {
		if (n != nout)
			return weir_op_fail(ctx, WEIR_EINVAL,
			                    "split sizes list has %zu entries for %u outputs", n,
			                    nout);
		int64_t sum = 0;
		int neg = -1;
		for (size_t j = 0; j < n; j++) {
			if (sz[j] == -1 && neg < 0) {
				neg = (int)j;
				continue;
			}
			if (sz[j] < 0)
				return weir_op_fail(ctx, WEIR_EINVAL,
				                    "split size %lld at %zu is invalid",
				                    (long long)sz[j], j);
			if (sz[j] > D - sum)
				return weir_op_fail(ctx, WEIR_ESHAPE,
				                    "split sizes exceed dim %d (%lld) of %s", ax,
				                    (long long)D, WEIR__OPS_DESC(x));
			sum += sz[j];
			ctx->out[j].dims[ax] = sz[j];
		}
		if (neg >= 0)
			ctx->out[neg].dims[ax] = D - sum;
		else if (sum != D)
			return weir_op_fail(ctx, WEIR_ESHAPE,
			                    "split sizes sum to %lld, not dim %d (%lld) of %s",
			                    (long long)sum, ax, (long long)D, WEIR__OPS_DESC(x));
	} else {
		if (D % (int64_t)nout != 0)
			return weir_op_fail(ctx, WEIR_ESHAPE,
			                    "dim %d (%lld) of %s does not split into %u "
			                    "equal parts",
			                    ax, (long long)D, WEIR__OPS_DESC(x), nout);
		for (uint32_t j = 0; j < nout; j++)
			ctx->out[j].dims[ax] = D / (int64_t)nout;
	}
	return WEIR_OK;
}

static int split_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	int ax = 0;
	if (split_axis(NULL, c->attrs, &c->in_desc[0], &ax) != WEIR_OK)
		return WEIR_EINVAL;
	int64_t lo, hi;
	weir__ops_range(weir__ops_desc_numel(&c->in_desc[0]), bi, nb, &lo, &hi);
	cat_walk(&c->in_desc[0], ax, c->nout, c->out_desc, (void *)c->in[0], NULL, c->out, false,
	         lo, hi);
	return WEIR_OK;
}

static uint32_t split_blocks(const weir_op_call_t *c, uint32_t workers)
{
	return weir__ops_blocks_for(weir__ops_desc_numel(&c->in_desc[0]), 1, workers);
}

const weir_op_def_t weir__op_split = {
	.name = "Split",
	.min_inputs = 1,
	.max_inputs = 1,
	.min_outputs = 1,
	.max_outputs = WEIR_OP_VARIADIC,
	.infer = split_infer,
	.kernel = split_kernel,
	.blocks = split_blocks,
};

/* ---- Slice ---------------------------------------------------------------- */

typedef struct sl_geom {
	int64_t dims[WEIR_MAX_RANK];
	int64_t st[WEIR_MAX_RANK];
	int64_t base;
} sl_geom_t;

static int sl_geom(weir_op_infer_ctx_t *ctx, const weir_attrs_t *attrs, const weir_tensor_desc_t *x,
                   sl_geom_t *g)
{
	const int64_t *b, *sz, *e, *s;
	size_t nb, nsz, ne, ns;
	int fb, fsz, fe, fs, rc, r = (int)x->rank;
	rc = weir__ops_attr_ints(ctx, attrs, WEIR__OPS_NAMES("begin", "begins", "offsets"), &b, &nb,
	                         &fb);
	if (rc == WEIR_OK)
		rc = weir__ops_attr_ints(ctx, attrs, WEIR__OPS_NAMES("size", "sizes"), &sz, &nsz,
		                         &fsz);
	if (rc == WEIR_OK)
		rc = weir__ops_attr_ints(ctx, attrs, WEIR__OPS_NAMES("end", "ends"), &e, &ne, &fe);
	if (rc == WEIR_OK)
		rc = weir__ops_attr_ints(ctx, attrs, WEIR__OPS_NAMES("strides"), &s, &ns, &fs);
	if (rc != WEIR_OK)
		return rc;
	if (!fb)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "missing attr 'begin'");
	if (fsz == fe)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL,
		                      "give exactly one of attrs 'size' and 'end'");
	if (fs && !fe)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "attr 'strides' needs 'end' (not 'size')");
	if ((int)nb != r || (fsz && (int)nsz != r) || (fe && (int)ne != r) || (fs && (int)ns != r))
		return WEIR__OPS_FAIL(
		        ctx, WEIR_EINVAL,
		        "begin/size/end/strides need one entry per dim of %s (rank %d)",
		        WEIR__OPS_DESC(x), r);
	int64_t ist[WEIR_MAX_RANK];
	weir__ops_dense_strides(r, x->dims, ist);
	g->base = 0;
	for (int d = 0; d < r; d++) {
		int64_t D = x->dims[d], bd = b[d], len, step = 1;
		if (fsz) {
			if (bd < 0)
				bd += D;
			if (bd < 0 || bd > D)
				return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
				                      "begin[%d] = %lld out of range for dim %lld",
				                      d, (long long)b[d], (long long)D);
			len = sz[d] == -1 ? D - bd : sz[d];
			if (len < 0 || len > D - bd)
				return WEIR__OPS_FAIL(
				        ctx, WEIR_ESHAPE,
				        "size[%d] = %lld does not fit dim %lld from begin %lld", d,
				        (long long)sz[d], (long long)D, (long long)bd);
		} else {
			int64_t ed = e[d];
			step = fs ? s[d] : 1;
			if (step == 0)
				return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "strides[%d] is 0", d);
			if (bd < 0)
				bd = bd < -D ? -1 : bd + D;
			if (ed < 0)
				ed = ed < -D ? -1 : ed + D;
			if (step > 0) {
				bd = bd < 0 ? 0 : bd > D ? D : bd;
				ed = ed < 0 ? 0 : ed > D ? D : ed;
				len = ed > bd ? (ed - bd - 1) / step + 1 : 0;
			} else {
				bd = bd > D - 1 ? D - 1 : bd;
				ed = ed > D - 1 ? D - 1 : ed;
				/* -step in uint64: step may be INT64_MIN. */
				len = bd > ed ? (int64_t)((uint64_t)(bd - ed - 1) /
				                          (0 - (uint64_t)step)) +
				                        1
				              : 0;
			}
			/* One element or none: the stride is never applied, and an
			 * attr stride may be huge. With len >= 2, |step| < D, so
			 * ist[d] * step fits (it is below x's element count). */
			if (len <= 1)
				step = 1;
		}
		g->dims[d] = len;
		g->st[d] = ist[d] * step;
		if (len > 0)
			g->base += bd * ist[d];
	}
	return WEIR_OK;
}

static int slice_infer(weir_op_infer_ctx_t *ctx)
{
	sl_geom_t g;
	int rc = any_dtype(ctx, 0);
	if (rc == WEIR_OK)
		rc = sl_geom(ctx, ctx->attrs, &ctx->in[0], &g);
	if (rc != WEIR_OK)
		return rc;
	weir__ops_desc_set(&ctx->out[0], ctx->in[0].dtype, (int)ctx->in[0].rank, g.dims);
	return WEIR_OK;
}

static int slice_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	sl_geom_t g;
	if (sl_geom(NULL, c->attrs, &c->in_desc[0], &g) != WEIR_OK)
		return WEIR_EINVAL;
	int64_t lo, hi;
	weir__ops_range(weir__ops_desc_numel(&c->out_desc[0]), bi, nb, &lo, &hi);
	strided_copy(&c->out_desc[0], c->in[0], g.base, g.st, c->out[0], lo, hi);
	return WEIR_OK;
}

const weir_op_def_t weir__op_slice = {
	.name = "Slice",
	.min_inputs = 1,
	.max_inputs = 1,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = slice_infer,
	.kernel = slice_kernel,
	.blocks = copy_blocks,
};

/* ---- Gather --------------------------------------------------------------- */

typedef struct ga_geom {
	int ax;
	int64_t outer, A, inner, NI;
} ga_geom_t;

static int ga_geom(weir_op_infer_ctx_t *ctx, const weir_attrs_t *attrs, const weir_tensor_desc_t *p,
                   const weir_tensor_desc_t *ix, ga_geom_t *g)
{
	int64_t axis = 0, bd = 0;
	int found, rc = weir__ops_attr_int(ctx, attrs, WEIR__OPS_NAMES("axis"), &axis, &found);
	if (rc == WEIR_OK)
		rc = weir__ops_attr_int(ctx, attrs, WEIR__OPS_NAMES("batch_dims"), &bd, &found);
	if (rc != WEIR_OK)
		return rc;
	if (bd != 0)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL,
		                      "batch_dims = %lld is not supported (only 0)", (long long)bd);
	if (!weir__ops_is_any(p->dtype))
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "params has an unsupported dtype %d",
		                      p->dtype);
	if (ix->dtype != WEIR_DT_INT32 && ix->dtype != WEIR_DT_INT64)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "indices must be int32 or int64; got %s",
		                      WEIR__OPS_DESC(ix));
	if (p->rank == 0)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "params must have rank >= 1; got %s",
		                      WEIR__OPS_DESC(p));
	g->ax = weir__ops_axis(axis, (int)p->rank);
	if (g->ax < 0)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "axis %lld out of range for rank %u",
		                      (long long)axis, p->rank);
	if (p->rank - 1 + ix->rank > WEIR_MAX_RANK)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "output rank %u exceeds %d",
		                      p->rank - 1 + ix->rank, WEIR_MAX_RANK);
	g->outer = weir__ops_numel(p->dims, g->ax);
	g->A = p->dims[g->ax];
	g->inner = weir__ops_numel(p->dims + g->ax + 1, (int)p->rank - g->ax - 1);
	g->NI = weir__ops_desc_numel(ix);
	return WEIR_OK;
}

static int gather_infer(weir_op_infer_ctx_t *ctx)
{
	const weir_tensor_desc_t *p = &ctx->in[0], *ix = &ctx->in[1];
	ga_geom_t g;
	int rc = ga_geom(ctx, ctx->attrs, p, ix, &g);
	if (rc != WEIR_OK)
		return rc;
	if (ctx->in_const && ctx->in_const[1]) {
		for (int64_t j = 0; j < g.NI; j++) {
			int64_t v = weir__ops_ldi(ix->dtype, ctx->in_const[1], j);
			if (v < -g.A || v >= g.A)
				return weir_op_fail(
				        ctx, WEIR_EINVAL,
				        "index %lld (at %lld) out of range for dim %d of %s",
				        (long long)v, (long long)j, g.ax, WEIR__OPS_DESC(p));
		}
	}
	int64_t dims[WEIR_MAX_RANK];
	int r = 0;
	for (int d = 0; d < g.ax; d++)
		dims[r++] = p->dims[d];
	for (uint32_t d = 0; d < ix->rank; d++)
		dims[r++] = ix->dims[d];
	for (uint32_t d = (uint32_t)g.ax + 1; d < p->rank; d++)
		dims[r++] = p->dims[d];
	weir__ops_desc_set(&ctx->out[0], p->dtype, r, dims);
	return WEIR_OK;
}

static int gather_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	ga_geom_t g;
	if (ga_geom(NULL, c->attrs, &c->in_desc[0], &c->in_desc[1], &g) != WEIR_OK)
		return WEIR_EINVAL;
	size_t es = weir_dtype_size(c->in_desc[0].dtype);
	size_t row = (size_t)g.inner * es;
	int idt = c->in_desc[1].dtype;
	int64_t lo, hi;
	weir__ops_range(g.outer * g.NI, bi, nb, &lo, &hi);
	for (int64_t r = lo; r < hi; r++) {
		int64_t o = r / g.NI, j = r % g.NI;
		int64_t v = weir__ops_ldi(idt, c->in[1], j);
		if (v < -g.A || v >= g.A)
			return WEIR_EBOUNDS;
		if (v < 0)
			v += g.A;
		memcpy((char *)c->out[0] + (size_t)r * row,
		       (const char *)c->in[0] + (size_t)(o * g.A + v) * row, row);
	}
	return WEIR_OK;
}

static uint32_t gather_blocks(const weir_op_call_t *c, uint32_t workers)
{
	ga_geom_t g;
	if (ga_geom(NULL, c->attrs, &c->in_desc[0], &c->in_desc[1], &g) != WEIR_OK)
		return 1;
	return weir__ops_blocks_for(g.outer * g.NI, g.inner + 4, workers);
}

const weir_op_def_t weir__op_gather = {
	.name = "Gather",
	.min_inputs = 2,
	.max_inputs = 2,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = gather_infer,
	.kernel = gather_kernel,
	.blocks = gather_blocks,
};
