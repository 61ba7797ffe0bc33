/*
 * examples/kernels/vector_add.c - a weir device binary with one CPU kernel,
 * the port of AscendC's add_custom (docs/porting-kernels.md). Built as a
 * MODULE library (libvector_add_kernels.so); examples/kernel_launch.c loads
 * it with aclrtBinaryLoadFromFile and launches it.
 *
 * The argument block is what the host appends with aclrtKernelArgsAppend,
 * in order: three device pointers and the element count.
 */
#include "weir/kernel.h"

#include <stdint.h>

struct vector_add_args {
	const float *x; /* GM_ADDR x */
	const float *y; /* GM_ADDR y */
	float *z;       /* GM_ADDR z */
	uint64_t n;     /* total elements */
};

WEIR_KERNEL(vector_add, struct vector_add_args, args, ctx)
{
	/* AscendC: GetBlockIdx() / GetBlockNum() and a tile per core. */
	uint64_t lo, hi;
	weir_kernel_split(ctx, args->n, &lo, &hi);
	for (uint64_t i = lo; i < hi; i++)
		args->z[i] = args->x[i] + args->y[i];
	return 0;
}
