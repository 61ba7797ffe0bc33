/*
 * graph/ops/ops_iter.h - index helpers shared by the built-in CPU kernels.
 *
 * Everything here is plain arithmetic over shapes (int64 dims, rank <= 8);
 * nothing allocates and nothing depends on the op-registration interface.
 *
 * Blocks: a kernel that splits its output into nb blocks takes the share
 * weir__ops_range() gives block bi. Shares are contiguous, disjoint and cover
 * [0, n) exactly, so every output element is written by exactly one block and
 * computed by the same sequential code whatever nb is (results are
 * bit-identical for any block count).
 */
#ifndef WEIR_GRAPH_OPS_ITER_H
#define WEIR_GRAPH_OPS_ITER_H

#include <stdint.h>

#define WEIR__OPS_MAX_RANK     8
#define WEIR__OPS_MAX_OPERANDS 3

/* Share [*lo, *hi) of block bi (0 <= bi < nb) over n items. */
static inline void weir__ops_range(int64_t n, uint32_t bi, uint32_t nb, int64_t *lo, int64_t *hi)
{
	if (nb == 0 || n <= 0) {
		*lo = *hi = 0;
		return;
	}
	int64_t q = n / (int64_t)nb, r = n % (int64_t)nb, b = (int64_t)bi;
	*lo = b * q + (b < r ? b : r);
	*hi = *lo + q + (b < r ? 1 : 0);
}

/* Product of dims (1 for rank 0). Dims are validated (>= 0, no overflow)
 * before any kernel runs: the product of any subset of one valid desc's
 * dims fits (weir_tensor_desc_numel()). Products that mix tensors or attrs
 * use weir__ops_mul_sat() or an explicit check. */
static inline int64_t weir__ops_numel(const int64_t *dims, int rank)
{
	int64_t n = 1;
	for (int i = 0; i < rank; i++)
		n *= dims[i];
	return n;
}

/* a * b for a, b >= 0, saturating at INT64_MAX (costs for block counts). */
static inline int64_t weir__ops_mul_sat(int64_t a, int64_t b)
{
	if (a <= 0 || b <= 0)
		return 0;
	return a > INT64_MAX / b ? INT64_MAX : a * b;
}

/* Block count for n independent output items costing about `cost` scalar
 * operations each, on `workers` workers: 1 below 32K operations of work,
 * else one block per 32K operations, at most 4 * workers blocks and never
 * more blocks than items. */
static inline uint32_t weir__ops_blocks_for(int64_t n, int64_t cost, uint32_t workers)
{
	if (n <= 1)
		return 1;
	if (cost < 1)
		cost = 1;
	int64_t total = (cost > INT64_MAX / n) ? INT64_MAX : n * cost;
	int64_t b = total / 32768;
	int64_t cap = 4 * (int64_t)(workers ? workers : 1);
	if (b > cap)
		b = cap;
	if (b > n)
		b = n;
	return b < 1 ? 1 : (uint32_t)b;
}

/*
 * Multi-operand strided iterator over an output shape. Operand k has element
 * strides st[k][d] (0 along broadcast dims); off[k] follows the element
 * offset of operand k as the iterator walks the output in row-major order.
 */
typedef struct weir__ops_iter {
	int rank;
	int nops;
	int64_t dims[WEIR__OPS_MAX_RANK];
	int64_t st[WEIR__OPS_MAX_OPERANDS][WEIR__OPS_MAX_RANK];
	int64_t idx[WEIR__OPS_MAX_RANK];
	int64_t off[WEIR__OPS_MAX_OPERANDS];
} weir__ops_iter_t;

/* Output shape (rank, dims); all operand strides start at 0. */
void weir__ops_iter_init(weir__ops_iter_t *it, int rank, const int64_t *dims, int nops);
/* Operand k is a dense row-major tensor of shape (in_rank, in_dims),
 * broadcast numpy-style (right-aligned) to the output shape. */
void weir__ops_iter_bcast(weir__ops_iter_t *it, int k, int in_rank, const int64_t *in_dims);
/* Operand k has explicit element strides (one per output dim). */
void weir__ops_iter_strides(weir__ops_iter_t *it, int k, const int64_t *strides);
/* Position at output linear index pos (0 <= pos <= numel). */
void weir__ops_iter_seek(weir__ops_iter_t *it, int64_t pos);

/* Advance one output element in row-major order. */
static inline void weir__ops_iter_next(weir__ops_iter_t *it)
{
	for (int d = it->rank - 1; d >= 0; d--) {
		for (int k = 0; k < it->nops; k++)
			it->off[k] += it->st[k][d];
		if (++it->idx[d] < it->dims[d])
			return;
		for (int k = 0; k < it->nops; k++)
			it->off[k] -= it->st[k][d] * it->dims[d];
		it->idx[d] = 0;
	}
}

/* Row-major element strides of a dense shape. */
void weir__ops_dense_strides(int rank, const int64_t *dims, int64_t *strides);

/* numpy broadcast of a and b into out; returns 0, or -1 if incompatible. */
int weir__ops_bcast_shape(int ra, const int64_t *a, int rb, const int64_t *b, int *rout,
                          int64_t *out);

/* Normalizes axis in [-rank, rank) to [0, rank); returns -1 if out of range. */
static inline int weir__ops_axis(int64_t axis, int rank)
{
	if (axis < -(int64_t)rank || axis >= (int64_t)rank)
		return -1;
	return (int)(axis < 0 ? axis + rank : axis);
}

#endif /* WEIR_GRAPH_OPS_ITER_H */
