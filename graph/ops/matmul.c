/*
 * graph/ops/matmul.c - MatMul (rank-2 operands) and BatchMatMul (rank >= 2,
 * numpy broadcasting over the batch dims), each with an optional bias input.
 *
 *   y[..., i, j] = sum_k op(a)[..., i, k] * op(b)[..., k, j]  (+ bias[j])
 *
 * where op() transposes the last two dims when attr transpose_a /
 * transpose_b is true (GE aliases: transpose_x1/transpose_x2 for MatMul,
 * adj_x1/adj_x2 for BatchMatMul; ONNX has no transpose attrs). Inputs and
 * bias share one float dtype (float32, float16, bfloat16); the bias is 1-D of
 * length N.
 *
 * float32 (K > 0) runs on the GEMM engine (gemm.c, BLIS): each matrix's M
 * rows are cut into fixed tiles of weir__ops_gemm_tile(M, N * K) rows (a
 * function of the shape only), each tile is one single-threaded sgemm over
 * the full K, the bias is added last, and blocks take whole tiles (batch x
 * tiles), so every element comes from the same call whatever the block
 * count. float16/bfloat16 (and K = 0) accumulate each element in float32 in
 * increasing k order from 0, add the bias last, and split the output rows
 * (batch x M). Either way the result does not depend on the block count.
 */
#include <string.h>

#include "graph/ops/ops_internal.h"

typedef struct mm_geom {
	bool ta, tb;
	int brank;                    /* output batch rank */
	int64_t bdims[WEIR_MAX_RANK]; /* output batch dims */
	int64_t M, N, K;
} mm_geom_t;

static int mm_flag(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a, const char *const *names,
                   bool *v)
{
	int64_t x;
	int found, rc = weir__ops_attr_int(ctx, a, names, &x, &found);
	if (rc != WEIR_OK)
		return rc;
	*v = found && x != 0;
	return WEIR_OK;
}

/* Shared by infer (ctx != NULL) and kernel/blocks (ctx == NULL). */
static int mm_geom(weir_op_infer_ctx_t *ctx, const weir_attrs_t *attrs,
                   const weir_tensor_desc_t *in, uint32_t nin, bool batch, mm_geom_t *g)
{
	int rc = mm_flag(ctx, attrs, WEIR__OPS_NAMES("transpose_a", "transpose_x1", "adj_x1"),
	                 &g->ta);
	if (rc == WEIR_OK)
		rc = mm_flag(ctx, attrs, WEIR__OPS_NAMES("transpose_b", "transpose_x2", "adj_x2"),
		             &g->tb);
	if (rc != WEIR_OK)
		return rc;
	const weir_tensor_desc_t *a = &in[0], *b = &in[1];
	if (a->dtype != b->dtype || (nin > 2 && in[2].dtype != a->dtype))
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "input dtypes differ: %s, %s%s%s",
		                      WEIR__OPS_DESC(a), WEIR__OPS_DESC(b),
		                      nin > 2 ? ", bias " : "",
		                      nin > 2 ? WEIR__OPS_DESC(&in[2]) : "");
	if (!weir__ops_is_float(a->dtype))
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
		                      "dtype %s not supported (expected float32/float16/bfloat16)",
		                      weir_dtype_name(a->dtype));
	if (batch ? (a->rank < 2 || b->rank < 2) : (a->rank != 2 || b->rank != 2))
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "operands must be %s; got %s and %s",
		                      batch ? "of rank >= 2" : "matrices (rank 2)",
		                      WEIR__OPS_DESC(a), WEIR__OPS_DESC(b));
	int ra = (int)a->rank, rb = (int)b->rank;
	int64_t am = a->dims[ra - 2], ak = a->dims[ra - 1];
	int64_t bk = b->dims[rb - 2], bn = b->dims[rb - 1];
	if (g->ta) {
		int64_t t = am;
		am = ak;
		ak = t;
	}
	if (g->tb) {
		int64_t t = bk;
		bk = bn;
		bn = t;
	}
	if (ak != bk)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
		                      "inner dims differ: %s%s x %s%s gives K = %lld vs %lld",
		                      WEIR__OPS_DESC(a), g->ta ? "^T" : "", WEIR__OPS_DESC(b),
		                      g->tb ? "^T" : "", (long long)ak, (long long)bk);
	g->M = am;
	g->N = bn;
	g->K = ak;
	if (weir__ops_bcast_shape(ra - 2, a->dims, rb - 2, b->dims, &g->brank, g->bdims) != 0)
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE, "batch dims of %s and %s do not broadcast",
		                      WEIR__OPS_DESC(a), WEIR__OPS_DESC(b));
	if (nin > 2 && (in[2].rank != 1 || in[2].dims[0] != g->N))
		return WEIR__OPS_FAIL(ctx, WEIR_ESHAPE,
		                      "bias must be 1-D of length N = %lld; got %s",
		                      (long long)g->N, WEIR__OPS_DESC(&in[2]));
	return WEIR_OK;
}

static int mm_infer_common(weir_op_infer_ctx_t *ctx, bool batch)
{
	mm_geom_t g;
	int rc = mm_geom(ctx, ctx->attrs, ctx->in, ctx->nin, batch, &g);
	if (rc != WEIR_OK)
		return rc;
	int64_t dims[WEIR_MAX_RANK];
	memcpy(dims, g.bdims, sizeof(int64_t) * (size_t)g.brank);
	dims[g.brank] = g.M;
	dims[g.brank + 1] = g.N;
	weir__ops_desc_set(&ctx->out[0], ctx->in[0].dtype, g.brank + 2, dims);
	return WEIR_OK;
}

/* float32 with K > 0 goes to the GEMM engine; N * K then fits (B's numel). */
static bool mm_uses_gemm(int dt, const mm_geom_t *g)
{
	return dt == WEIR_DT_FLOAT && g->K > 0;
}

#define NT 128 /* output columns per accumulator tile */

/* One output row (float16/bfloat16, or K = 0): y[j] for j in [0, N). a: element offset of row i's start
 * in A with element strides (as_k along k); b: B's matrix with strides
 * (bs_k, bs_j). */
static void mm_row(int dt, const void *A, int64_t a0, int64_t as_k, const void *B, int64_t b0,
                   int64_t bs_k, int64_t bs_j, const void *bias, void *Y, int64_t y0, int64_t N,
                   int64_t K)
{
	float acc[NT];
	for (int64_t j0 = 0; j0 < N; j0 += NT) {
		int nt = (int)(N - j0 < NT ? N - j0 : NT);
		for (int j = 0; j < nt; j++)
			acc[j] = 0.0f;
		for (int64_t k = 0; k < K; k++) {
			float av = weir__ops_ldf(dt, A, a0 + k * as_k);
			int64_t bo = b0 + k * bs_k + j0 * bs_j;
			for (int j = 0; j < nt; j++)
				acc[j] += av * weir__ops_ldf(dt, B, bo + j * bs_j);
		}
		for (int j = 0; j < nt; j++) {
			float v = acc[j];
			if (bias)
				v += weir__ops_ldf(dt, bias, j0 + j);
			weir__ops_stf(dt, Y, y0 + j0 + j, v);
		}
	}
}

static int mm_kernel_common(const weir_op_call_t *c, uint32_t bi, uint32_t nb, bool batch)
{
	mm_geom_t g;
	if (mm_geom(NULL, c->attrs, c->in_desc, c->nin, batch, &g) != WEIR_OK)
		return WEIR_EINVAL;
	const weir_tensor_desc_t *a = &c->in_desc[0], *b = &c->in_desc[1];
	int dt = a->dtype;
	int64_t rows = weir__ops_numel(g.bdims, g.brank) * g.M;
	if (rows == 0 || g.N == 0)
		return WEIR_OK;
	bool gemm = mm_uses_gemm(dt, &g);
	/* Work units: fixed row tiles (GEMM engine) or single rows (loops). */
#ifdef WEIR_BUSTED_GEMM_BLOCK_SPLIT
	/* Planted bug: a tile per block share, so the engine call that computes
	 * a row depends on the block count (tests/busted.list). */
	int64_t tile = gemm ? (g.M + nb - 1) / nb : 1;
#else
	int64_t tile = gemm ? weir__ops_gemm_tile(g.M, g.N * g.K) : 1;
#endif
	int64_t tiles_per_mat = gemm ? (g.M + tile - 1) / tile : 0;
	int64_t units = gemm ? weir__ops_numel(g.bdims, g.brank) * tiles_per_mat : rows;
	int64_t lo, hi;
	weir__ops_range(units, bi, nb, &lo, &hi);
	if (lo >= hi)
		return WEIR_OK;

	/* Element strides inside one matrix of A and B. */
	int64_t a_rows = a->dims[a->rank - 2], a_cols = a->dims[a->rank - 1];
	int64_t b_cols = b->dims[b->rank - 1];
	int64_t as_i = g.ta ? 1 : a_cols, as_k = g.ta ? a_cols : 1;
	/* B stored [K, N]: (k, j) at k * N + j; transposed [N, K]: j * K + k. */
	int64_t bs_k = g.tb ? 1 : b_cols, bs_j = g.tb ? b_cols : 1;
	int64_t a_mat = a_rows * a_cols, b_mat = b->dims[b->rank - 2] * b_cols;

	weir__ops_iter_t it;
	weir__ops_iter_init(&it, g.brank, g.bdims, 2);
	weir__ops_iter_bcast(&it, 0, (int)a->rank - 2, a->dims);
	weir__ops_iter_bcast(&it, 1, (int)b->rank - 2, b->dims);
	int64_t cur_batch = -1;
	const void *bias = c->nin > 2 ? c->in[2] : NULL;
	if (gemm) {
		const float *A = c->in[0], *B = c->in[1], *bv = bias;
		float *Y = c->out[0];
		for (int64_t u = lo; u < hi; u++) {
			int64_t bt = u / tiles_per_mat, i0 = (u % tiles_per_mat) * tile;
			int64_t m = g.M - i0 < tile ? g.M - i0 : tile;
			if (bt != cur_batch) {
				weir__ops_iter_seek(&it, bt);
				cur_batch = bt;
			}
			float *y = Y + (bt * g.M + i0) * g.N;
			weir__ops_sgemm(m, g.N, g.K, A + it.off[0] * a_mat + i0 * as_i, as_i, as_k,
			                B + it.off[1] * b_mat, bs_k, bs_j, y, g.N, 1);
			for (int64_t i = 0; bv && i < m; i++)
				for (int64_t j = 0; j < g.N; j++)
					y[i * g.N + j] += bv[j];
		}
		return WEIR_OK;
	}
	for (int64_t r = lo; r < hi; r++) {
		int64_t bt = g.M ? r / g.M : 0, i = g.M ? r % g.M : 0;
		if (bt != cur_batch) {
			weir__ops_iter_seek(&it, bt);
			cur_batch = bt;
		}
		mm_row(dt, c->in[0], it.off[0] * a_mat + i * as_i, as_k, c->in[1],
		       it.off[1] * b_mat, bs_k, bs_j, bias, c->out[0], r * g.N, g.N, g.K);
	}
	return WEIR_OK;
}

static uint32_t mm_blocks_common(const weir_op_call_t *c, uint32_t workers, bool batch)
{
	mm_geom_t g;
	if (mm_geom(NULL, c->attrs, c->in_desc, c->nin, batch, &g) != WEIR_OK)
		return 1;
	int64_t rows = weir__ops_numel(g.bdims, g.brank) * g.M;
	int64_t cost = weir__ops_mul_sat(g.N, g.K > 0 ? g.K : 1); /* N, K: two tensors */
	if (rows > 0 && mm_uses_gemm(c->in_desc[0].dtype, &g)) {
		/* The kernel's units: whole tiles (see mm_kernel_common). */
		int64_t tile = weir__ops_gemm_tile(g.M, g.N * g.K);
		int64_t units = weir__ops_numel(g.bdims, g.brank) * ((g.M + tile - 1) / tile);
		return weir__ops_blocks_for(units, weir__ops_mul_sat(tile, cost), workers);
	}
	return weir__ops_blocks_for(rows, cost, workers);
}

static int matmul_infer(weir_op_infer_ctx_t *ctx)
{
	return mm_infer_common(ctx, false);
}
static int matmul_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	return mm_kernel_common(c, bi, nb, false);
}
static uint32_t matmul_blocks(const weir_op_call_t *c, uint32_t w)
{
	return mm_blocks_common(c, w, false);
}

static int bmm_infer(weir_op_infer_ctx_t *ctx)
{
	return mm_infer_common(ctx, true);
}
static int bmm_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	return mm_kernel_common(c, bi, nb, true);
}
static uint32_t bmm_blocks(const weir_op_call_t *c, uint32_t w)
{
	return mm_blocks_common(c, w, true);
}

const weir_op_def_t weir__op_matmul = {
	.name = "MatMul",
	.min_inputs = 2,
	.max_inputs = 3,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = matmul_infer,
	.kernel = matmul_kernel,
	.blocks = matmul_blocks,
};

const weir_op_def_t weir__op_batchmatmul = {
	.name = "BatchMatMul",
	.min_inputs = 2,
	.max_inputs = 3,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = bmm_infer,
	.kernel = bmm_kernel,
	.blocks = bmm_blocks,
};
