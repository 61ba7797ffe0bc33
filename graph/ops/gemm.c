/*
 * graph/ops/gemm.c - the op library's float32 GEMM engine: BLIS (Debian
 * libblis-serial-dev), one thread per call, inside the block kernels of
 * MatMul, BatchMatMul and Conv2D.
 *
 * Why BLIS and not OpenBLAS: the device's workers call the engine
 * concurrently, and Debian's single-threaded OpenBLAS (libopenblas0-serial,
 * 0.3.21) is built without USE_LOCKING, so its buffer allocator
 * (blas_memory_alloc) is unsafe when two threads call it at once. BLIS takes
 * its packing buffers from mutex-guarded pools whatever its threading
 * configuration, its serial flavour starts no threads, and the runtime
 * object below pins each call to the calling thread even where the system's
 * libblis.so.4 is a threaded flavour. Single-threaded, it runs at 1.0-1.05x
 * OpenBLAS's sgemm on the development machine (docs/benchmarks.md, K1).
 *
 * Block-count invariance. A BLAS's result for one output element depends on
 * the shape of the call that computes it: both BLIS and OpenBLAS switch
 * between a small-matrix path and the packed path, and between edge and full
 * micro-tiles, by the call's dimensions (measured: rows of a 64 x 100 x 1000
 * product differ bit-wise when computed by calls of fewer rows). So callers
 * never hand a block's share of the output to one call. They cut the output
 * into fixed tiles, a function of the op's shape only (weir__ops_gemm_tile),
 * and give each block whole tiles: every tile is computed by the same call
 * (same dimensions, operands, strides) whatever the block count, and a
 * single-threaded call is deterministic, so results are bit-identical for
 * any nblocks.
 */
#include <blis.h>

#include "graph/ops/ops_internal.h"

/* Below this many multiply-adds per call BLIS's small/unpacked ("sup") path
 * is allowed; above it the packed path is faster for the tile shapes used
 * here (the sup path ran 0.45x at 256-row tiles of a 2048^2 product). */
#define GEMM_SUP_MAX_MACS ((int64_t)1 << 21)

void weir__ops_sgemm(int64_t m, int64_t n, int64_t k, const float *a, int64_t rsa, int64_t csa,
                     const float *b, int64_t rsb, int64_t csb, float *c, int64_t rsc, int64_t csc)
{
	if (m <= 0 || n <= 0)
		return;
	if (k <= 0) { /* BLIS would accept it; zero-stride operands it would not */
		for (int64_t i = 0; i < m; i++)
			for (int64_t j = 0; j < n; j++)
				c[i * rsc + j * csc] = 0.0f;
		return;
	}
	float one = 1.0f, zero = 0.0f;
	rntm_t rntm = BLIS_RNTM_INITIALIZER;
	bli_rntm_set_num_threads(1, &rntm);
	if (weir__ops_mul_sat(weir__ops_mul_sat(m, n), k) > GEMM_SUP_MAX_MACS)
		bli_rntm_disable_l3_sup(&rntm);
	/* beta = 0: C is overwritten, never read (NaN/garbage in C is ignored). */
	bli_sgemm_ex(BLIS_NO_TRANSPOSE, BLIS_NO_TRANSPOSE, (dim_t)m, (dim_t)n, (dim_t)k, &one,
	             (float *)a, (inc_t)rsa, (inc_t)csa, (float *)b, (inc_t)rsb, (inc_t)csb, &zero,
	             c, (inc_t)rsc, (inc_t)csc, NULL, &rntm);
}

int64_t weir__ops_gemm_tile(int64_t extent, int64_t unit_macs)
{
	if (extent <= 1)
		return 1;
	/* A quarter of the extent (parallelism inside one matrix), rounded up
	 * to 16 and kept within [128, 256]: 128..256-row tiles keep >= 0.9x of
	 * one big call; 64-row ones lost up to 25% (the shared operand is
	 * re-packed per call). */
	int64_t t = (extent + 3) / 4;
	t = (t + 15) / 16 * 16;
	if (t < 128)
		t = 128;
	if (t > 256)
		t = 256;
	/* At least ~256K multiply-adds per call, so the per-call overhead
	 * stays small for thin products. */
	int64_t u = unit_macs > 0 ? unit_macs : 1;
	int64_t need = ((int64_t)1 << 18) / u;
	if (need > t)
		t = (need + 15) / 16 * 16;
	return t < extent ? t : extent;
}
