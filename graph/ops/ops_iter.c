/*
 * graph/ops/ops_iter.c - shape and index helpers for the built-in kernels.
 * See ops_iter.h.
 */
#include "graph/ops/ops_iter.h"

#include <string.h>

void weir__ops_iter_init(weir__ops_iter_t *it, int rank, const int64_t *dims, int nops)
{
	memset(it, 0, sizeof(*it));
	it->rank = rank;
	it->nops = nops;
	for (int d = 0; d < rank; d++)
		it->dims[d] = dims[d];
}

void weir__ops_iter_bcast(weir__ops_iter_t *it, int k, int in_rank, const int64_t *in_dims)
{
	int64_t s = 1;
	int shift = it->rank - in_rank;
	for (int d = it->rank - 1; d >= 0; d--) {
		int id = d - shift;
		if (id < 0) {
			it->st[k][d] = 0;
			continue;
		}
		it->st[k][d] = (in_dims[id] == 1 && it->dims[d] != 1) ? 0 : s;
		s *= in_dims[id];
	}
}

void weir__ops_iter_strides(weir__ops_iter_t *it, int k, const int64_t *strides)
{
	for (int d = 0; d < it->rank; d++)
		it->st[k][d] = strides[d];
}

void weir__ops_iter_seek(weir__ops_iter_t *it, int64_t pos)
{
	for (int k = 0; k < it->nops; k++)
		it->off[k] = 0;
	for (int d = it->rank - 1; d >= 0; d--) {
		int64_t n = it->dims[d];
		int64_t i = n > 0 ? pos % n : 0;
		pos = n > 0 ? pos / n : 0;
		it->idx[d] = i;
		for (int k = 0; k < it->nops; k++)
			it->off[k] += i * it->st[k][d];
	}
}

void weir__ops_dense_strides(int rank, const int64_t *dims, int64_t *strides)
{
	int64_t s = 1;
	for (int d = rank - 1; d >= 0; d--) {
		strides[d] = s;
		s *= dims[d];
	}
}

int weir__ops_bcast_shape(int ra, const int64_t *a, int rb, const int64_t *b, int *rout,
                          int64_t *out)
{
	int r = ra > rb ? ra : rb;
	for (int d = 0; d < r; d++) {
		int ia = d - (r - ra), ib = d - (r - rb);
		int64_t da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
		if (da == db || db == 1)
			out[d] = da;
		else if (da == 1)
			out[d] = db;
		else
			return -1;
	}
	*rout = r;
	return 0;
}
