/*
 * graph/ops/einsum.c - Einsum(x0, ..., xN-1) (ONNX, numpy.einsum).
 *
 * Attr `equation` (string, required): one comma-separated term per input,
 * optionally "->" and the output term. A term is letters (a-z, A-Z) and at
 * most one "..."; spaces are ignored. A letter repeated within a term takes
 * the diagonal. Letters of the same name must have the same size. The
 * "..." dims of the inputs broadcast numpy-style (right-aligned, size 1
 * stretches). Implicit output (no "->"): the "..." dims, then the letters
 * that occur exactly once in the whole equation, in ASCII order. Letters
 * absent from the output are summed.
 * Dtypes: float32/float16/bfloat16/double (products and sums in double) and
 * int8/uint8/int32/int64 (int64, wrapping on store); all inputs alike.
 *
 * Each output element sums its products sequentially in row-major order of
 * the summed labels (letters in ASCII order, then "..." dims); blocks split
 * the output elements.
 */
#include <string.h>

#include "graph/ops/ops_internal.h"

#define ES_LETTERS 52
#define ES_LABELS  (ES_LETTERS + WEIR_MAX_RANK)
#define ES_MAX_IN  8

typedef struct es_geom {
	int nin;
	int orank, crank;
	int olab[WEIR_MAX_RANK];
	int64_t odims[WEIR_MAX_RANK];
	int64_t cdims[ES_LABELS];
	int64_t ost[ES_MAX_IN][WEIR_MAX_RANK]; /* input strides along the output dims */
	int64_t cst[ES_MAX_IN][ES_LABELS];     /* and along the summed labels */
	int64_t ocount, ccount;
} es_geom_t;

static int es_letter(char ch)
{
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	return -1;
}

/* Parses one term [p, end) into labels (letters; -1 marks the ellipsis
 * position). Returns the number of entries or -1. */
static int es_term(const char *p, const char *end, int *lab, bool *ell)
{
	int n = 0;
	*ell = false;
	while (p < end) {
		if (*p == ' ') {
			p++;
			continue;
		}
		if (n >= WEIR_MAX_RANK + 1)
			return -1;
		if (*p == '.') {
			if (*ell || end - p < 3 || p[1] != '.' || p[2] != '.')
				return -1;
			*ell = true;
			lab[n++] = -1;
			p += 3;
			continue;
		}
		int l = es_letter(*p);
		if (l < 0)
			return -1;
		lab[n++] = l;
		p++;
	}
	return n;
}

static int es_parse(weir_op_infer_ctx_t *ctx, const weir_attrs_t *attrs, uint32_t nin,
                    const weir_tensor_desc_t *in, es_geom_t *g)
{
	const char *eq;
	int found;
	memset(g, 0, sizeof(*g));
	int rc = weir__ops_attr_string(ctx, attrs, WEIR__OPS_NAMES("equation"), &eq, &found);
	if (rc != WEIR_OK)
		return rc;
	if (!found)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "attr 'equation' is required");
	int dt = in[0].dtype;
	if (!weir__ops_is_float(dt) && dt != WEIR_DT_DOUBLE && !weir__ops_is_int(dt))
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
		                      "dtype %s not supported (expected "
		                      "float32/float16/bfloat16/double/int8/uint8/int32/int64)",
		                      weir_dtype_name(dt));
	for (uint32_t k = 1; k < nin; k++)
		if (in[k].dtype != dt)
			return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "input dtypes differ (%s and %s)",
			                      weir_dtype_name(dt), weir_dtype_name(in[k].dtype));
	g->nin = (int)nin;

	const char *arrow = strstr(eq, "->");
	const char *lhs_end = arrow ? arrow : eq + strlen(eq);
	int64_t size[ES_LABELS];
	int count[ES_LABELS] = { 0 };
	bool seen[ES_LABELS] = { false };
	int64_t st[ES_MAX_IN][ES_LABELS];
	memset(st, 0, sizeof(st));
	int E = 0;
	int lab[ES_MAX_IN][WEIR_MAX_RANK + 1], nlab[ES_MAX_IN];
	bool ell[ES_MAX_IN];
	const char *p = eq;
	for (uint32_t k = 0; k < nin; k++) {
		const char *q = p;
		while (q < lhs_end && *q != ',')
			q++;
		if (q == lhs_end && k + 1 < nin)
			return WEIR__OPS_FAIL(ctx, WEIR_EINVAL,
			                      "equation '%s' has fewer terms than the %u inputs",
			                      eq, nin);
		nlab[k] = es_term(p, q, lab[k], &ell[k]);
		if (nlab[k] < 0)
			return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "equation '%s': bad term %u", eq,
			                      k);
		int letters = nlab[k] - (ell[k] ? 1 : 0);
		int r = (int)in[k].rank;
		if (ell[k] ? letters > r : letters != r)
			return WEIR__OPS_FAIL(
			        ctx, WEIR_ESHAPE,
			        "equation '%s': term %u has %d subscripts for input %s", eq, k,
			        letters, WEIR__OPS_DESC(&in[k]));
		if (ell[k] && r - letters > E)
			E = r - letters;
		p = q + 1;
	}
	if (p <= lhs_end)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL,
		                      "equation '%s' has more terms than the %u inputs", eq, nin);
	/* Sizes and strides per label. */
	for (int j = 0; j < E; j++)
		size[ES_LETTERS + j] = 1;
	for (uint32_t k = 0; k < nin; k++) {
		int64_t dst[WEIR_MAX_RANK];
		weir__ops_dense_strides((int)in[k].rank, in[k].dims, dst);
		int e = (int)in[k].rank - (nlab[k] - (ell[k] ? 1 : 0));
		int d = 0;
		for (int i = 0; i < nlab[k]; i++) {
			if (lab[k][i] < 0) {
				for (int j = 0; j < e; j++, d++) {
					int L = ES_LETTERS + E - e + j;
					int64_t n = in[k].dims[d];
					if (n != 1 && size[L] != 1 && size[L] != n)
						return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
						                      "equation '%s': '...' dims "
						                      "do not broadcast "
						                      "(input %u is %s)",
						                      eq, k,
						                      WEIR__OPS_DESC(&in[k]));
					if (n != 1) {
						size[L] = n;
						st[k][L] += dst[d];
					}
				}
				continue;
			}
			int L = lab[k][i];
			int64_t n = in[k].dims[d];
			if (seen[L] && size[L] != n)
				return WEIR__OPS_FAIL(
				        ctx, WEIR_ESHAPE,
				        "equation '%s': subscript '%c' has sizes %lld and "
				        "%lld",
				        eq, L < 26 ? 'A' + L : 'a' + L - 26, (long long)size[L],
				        (long long)n);
			seen[L] = true;
			size[L] = n;
			count[L]++;
			st[k][L] += dst[d];
			d++;
		}
	}
	/* Output labels. */
	bool inout[ES_LABELS] = { false };
	if (arrow) {
		int olab[WEIR_MAX_RANK + 1];
		bool oell;
		const char *oend = arrow + 2 + strlen(arrow + 2);
		int n = es_term(arrow + 2, oend, olab, &oell);
		if (n < 0 || strstr(arrow + 2, "->"))
			return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "equation '%s': bad output term",
			                      eq);
		for (int i = 0; i < n; i++) {
			if (olab[i] < 0) {
				for (int j = 0; j < E; j++) {
					if (g->orank >= WEIR_MAX_RANK)
						goto too_many;
					inout[ES_LETTERS + j] = true;
					g->olab[g->orank++] = ES_LETTERS + j;
				}
				continue;
			}
			int L = olab[i];
			if (!seen[L] || inout[L])
				return WEIR__OPS_FAIL(ctx, WEIR_EINVAL,
				                      "equation '%s': output subscript '%c' %s", eq,
				                      L < 26 ? 'A' + L : 'a' + L - 26,
				                      inout[L] ? "repeated" : "not in any input");
			if (g->orank >= WEIR_MAX_RANK)
				goto too_many;
			inout[L] = true;
			g->olab[g->orank++] = L;
		}
	} else {
		for (int j = 0; j < E; j++) {
			inout[ES_LETTERS + j] = true;
			g->olab[g->orank++] = ES_LETTERS + j;
		}
		for (int L = 0; L < ES_LETTERS; L++) {
			if (count[L] != 1)
				continue;
			if (g->orank >= WEIR_MAX_RANK)
				goto too_many;
			inout[L] = true;
			g->olab[g->orank++] = L;
		}
	}
	g->ocount = 1;
	for (int i = 0; i < g->orank; i++) {
		int L = g->olab[i];
		g->odims[i] = size[L];
		g->ocount = size[L] == 0 ? 0 : weir__ops_mul_sat(g->ocount, size[L]);
		for (uint32_t k = 0; k < nin; k++)
			g->ost[k][i] = st[k][L];
	}
	for (int i = 0; i < g->orank; i++)
		if (g->odims[i] == 0)
			g->ocount = 0;
	if (g->ocount > INT64_MAX / 16)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "equation '%s': output too large", eq);
	g->ccount = 1;
	for (int L = 0; L < ES_LETTERS + E; L++) {
		bool used = L >= ES_LETTERS || seen[L];
		if (!used || inout[L])
			continue;
		g->cdims[g->crank] = size[L];
		g->ccount = size[L] == 0 ? 0 : weir__ops_mul_sat(g->ccount, size[L]);
		for (uint32_t k = 0; k < nin; k++)
			g->cst[k][g->crank] = st[k][L];
		g->crank++;
	}
	for (int i = 0; i < g->crank; i++)
		if (g->cdims[i] == 0)
			g->ccount = 0;
	if (g->ccount == INT64_MAX)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "equation '%s': summation too large", eq);
	return WEIR_OK;
too_many:
	return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "equation '%s': output rank above %d", eq,
	                      WEIR_MAX_RANK);
}

static int es_infer(weir_op_infer_ctx_t *ctx)
{
	es_geom_t g;
	int rc = es_parse(ctx, ctx->attrs, ctx->nin, ctx->in, &g);
	if (rc != WEIR_OK)
		return rc;
	weir__ops_desc_set(&ctx->out[0], ctx->in[0].dtype, g.orank, g.odims);
	return WEIR_OK;
}

static int es_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	es_geom_t g;
	if (es_parse(NULL, c->attrs, c->nin, c->in_desc, &g) != WEIR_OK)
		return WEIR_EINVAL;
	int dt = c->in_desc[0].dtype;
	bool fl = weir__ops_is_float(dt) || dt == WEIR_DT_DOUBLE;
	int nin = g.nin;
	int64_t lo, hi;
	weir__ops_range(g.ocount, bi, nb, &lo, &hi);
	for (int64_t o = lo; o < hi; o++) {
		int64_t base[ES_MAX_IN] = { 0 }, off[ES_MAX_IN];
		int64_t rem = o;
		for (int i = g.orank - 1; i >= 0; i--) {
			int64_t idx = rem % g.odims[i];
			rem /= g.odims[i];
			for (int k = 0; k < nin; k++)
				base[k] += idx * g.ost[k][i];
		}
		int64_t cidx[ES_LABELS] = { 0 };
		memcpy(off, base, sizeof(off));
		double s = 0.0;
		uint64_t si = 0;
		for (int64_t t = 0; t < g.ccount; t++) {
			if (fl) {
				double p = 1.0;
				for (int k = 0; k < nin; k++)
					p *= weir_dt_load(dt, c->in[k], off[k]);
				s += p;
			} else {
				uint64_t p = 1;
				for (int k = 0; k < nin; k++)
					p *= (uint64_t)weir__ops_ldi(dt, c->in[k], off[k]);
				si += p;
			}
			for (int d = g.crank - 1; d >= 0; d--) {
				for (int k = 0; k < nin; k++)
					off[k] += g.cst[k][d];
				if (++cidx[d] < g.cdims[d])
					break;
				for (int k = 0; k < nin; k++)
					off[k] -= g.cst[k][d] * g.cdims[d];
				cidx[d] = 0;
			}
		}
		if (fl)
			weir_dt_store(dt, c->out[0], o, s);
		else
			weir__ops_sti(dt, c->out[0], o, (int64_t)si);
	}
	return WEIR_OK;
}

static uint32_t es_blocks(const weir_op_call_t *c, uint32_t workers)
{
	es_geom_t g;
	if (es_parse(NULL, c->attrs, c->nin, c->in_desc, &g) != WEIR_OK)
		return 1;
	return weir__ops_blocks_for(g.ocount, weir__ops_mul_sat(g.ccount, g.nin + 1), workers);
}

const weir_op_def_t weir__op_einsum = {
	.name = "Einsum",
	.min_inputs = 1,
	.max_inputs = ES_MAX_IN,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = es_infer,
	.kernel = es_kernel,
	.blocks = es_blocks,
};
