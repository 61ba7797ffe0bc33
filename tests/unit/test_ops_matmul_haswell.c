/*
 * tests/unit/test_ops_matmul_haswell.c - test_ops_matmul.c's tests again with
 * BLIS's haswell sub-configuration (AVX2 + FMA), on CPUs that have it.
 *
 * Block-count invariance (graph/ops/gemm.c) matters where a BLAS's result
 * for a row depends on the shape of the call computing it: haswell's
 * small/unpacked ("sup") path is such a case. BLIS's skx kernels (what the
 * engine picks on AVX-512 CPUs) have no sup path and give the same bits for
 * any call shape, so there a block's share handed to one call would go
 * unnoticed. BLIS fixes its sub-configuration at its first call, so this
 * process sets BLIS_ARCH_TYPE before any. Skipped (77) without AVX2 + FMA.
 */
#include <blis.h>

#define main test_ops_matmul_main
#include "test_ops_matmul.c"
#undef main

int main(void)
{
#if defined(__x86_64__)
	__builtin_cpu_init();
	if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma"))
		return 77;
	char v[16];
	snprintf(v, sizeof v, "%d", (int)BLIS_ARCH_HASWELL);
	setenv("BLIS_ARCH_TYPE", v, 1);
	if (strcmp(weir__ops_gemm_engine(), "haswell") != 0) {
		fprintf(stderr, "BLIS did not take the haswell sub-configuration\n");
		return 1;
	}
	return test_ops_matmul_main();
#else
	return 77;
#endif
}
