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
 *
 * BLIS's sub-configuration (its micro-kernels and block sizes) is chosen
 * once, at its first use: from BLIS_ARCH_TYPE when set, else from the CPU.
 * Debian's BLIS 0.9 recognises Intel CPUs by their features but AMD ones by
 * family (0x15, 0x17, 0x19 only); on anything else, Zen 5 (family 0x1A)
 * included, it falls back to its reference kernels, which ran at 0.33x
 * OpenBLAS's sgemm there (docs/benchmarks.md, K1). So before any BLIS call,
 * on such a CPU and with BLIS_ARCH_TYPE unset, the constructor below picks
 * the sub-configuration by the CPU's features instead: skx with AVX-512
 * (F, DQ, BW, VL), else haswell with AVX2 and FMA, else leaves BLIS's own
 * choice. A BLIS_ARCH_TYPE set by the user always wins.
 */
#include <blis.h>
#include <stdio.h>
#include <stdlib.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "graph/ops/ops_internal.h"

#if defined(__x86_64__) || defined(__i386__)
/* True when BLIS 0.9's own detection would miss this x86 CPU: a vendor
 * other than Intel, outside the AMD families it knows. */
static bool gemm_blis_misses_cpu(void)
{
	unsigned a, b, c, d;
	if (!__get_cpuid(0, &a, &b, &c, &d))
		return false;
	/* "GenuineIntel" is ebx "Genu", edx "ineI", ecx "ntel". */
	if (b == 0x756e6547u && d == 0x49656e69u && c == 0x6c65746eu)
		return false;
	if (!__get_cpuid(1, &a, &b, &c, &d))
		return false;
	unsigned family = (a >> 8) & 0xfu;
	if (family == 0xfu)
		family += (a >> 20) & 0xffu;
	return family != 0x15u && family != 0x17u && family != 0x19u;
}

/* Runs when the library is loaded, before any BLIS call can have fixed
 * the sub-configuration (BLIS reads BLIS_ARCH_TYPE once, on its first use). */
__attribute__((constructor)) static void gemm_pick_blis_config(void)
{
	if (getenv("BLIS_ARCH_TYPE") || !gemm_blis_misses_cpu())
		return;
	__builtin_cpu_init(); /* required before __builtin_cpu_supports in a constructor */
	int id = -1;
	if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
	    __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl"))
		id = BLIS_ARCH_SKX;
	else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
		id = BLIS_ARCH_HASWELL;
	if (id < 0)
		return;
	char v[16];
	snprintf(v, sizeof v, "%d", id);
	setenv("BLIS_ARCH_TYPE", v, 0);
}
#endif

const char *weir__ops_gemm_engine(void)
{
	/* BLIS's contexts first (idempotent): the query checks the chosen
	 * sub-configuration against them, and aborts on an empty one. */
	bli_init();
	return bli_arch_string(bli_arch_query_id());
}

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
