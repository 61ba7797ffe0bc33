/*
 * tests/kernels/test_kernels.c - the device binary of test_acl_kernel.c: a
 * CMake MODULE library of CPU kernels written with weir/kernel.h, loaded by
 * aclrtBinaryLoadFromFile / aclrtBinaryLoadFromData.
 */
#include "weir/kernel.h"

#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

/* z[i] = x[i] * scale + y[i] over n elements, split over the blocks; every
 * block also counts itself in *hits (blocks[block_idx]++) so the test sees
 * each block ran exactly once. `scale` and `n` may be placeholders: then
 * the slot holds a pointer to the value. */
struct saxpy_args {
	const float *x;
	const float *y;
	float *z;
	uint32_t *blocks; /* one counter per block */
	float scale;
	uint32_t n;
};

WEIR_KERNEL(saxpy, struct saxpy_args, a, ctx)
{
	uint64_t lo, hi;
	weir_kernel_split(ctx, a->n, &lo, &hi);
	for (uint64_t i = lo; i < hi; i++)
		a->z[i] = a->x[i] * a->scale + a->y[i];
	atomic_fetch_add_explicit((_Atomic uint32_t *)&a->blocks[ctx->block_idx], 1,
	                          memory_order_relaxed);
	return 0;
}

/* The same with its scalar parameters behind placeholders (AscendC's
 * placeholder arguments: the slot holds the address of the copied data). */
struct saxpy_ph_args {
	const float *x;
	const float *y;
	float *z;
	uint32_t *blocks;
	const float *scale; /* placeholder */
	const uint32_t *n;  /* placeholder */
};

WEIR_KERNEL(saxpy_ph, struct saxpy_ph_args, a, ctx)
{
	uint64_t lo, hi;
	weir_kernel_split(ctx, *a->n, &lo, &hi);
	for (uint64_t i = lo; i < hi; i++)
		a->z[i] = a->x[i] * *a->scale + a->y[i];
	atomic_fetch_add_explicit((_Atomic uint32_t *)&a->blocks[ctx->block_idx], 1,
	                          memory_order_relaxed);
	return 0;
}

/* Sums a large argument block (bigger than a task record's inline args):
 * out[0] = sum of words[0 .. nwords). */
struct big_args {
	uint64_t *out;
	uint64_t nwords;
	uint64_t words[2048];
};

WEIR_KERNEL_ENTRY(big_sum, 0x5151, struct big_args, a, ctx)
{
	uint64_t s = 0;
	for (uint64_t i = 0; i < a->nwords; i++)
		s += a->words[i];
	*a->out = s;
	return 0;
}

/* Fails with the code in its argument block (from block `block` only). */
struct fail_args {
	int32_t code;
	uint32_t block;
};

WEIR_KERNEL(fail_with, struct fail_args, a, ctx)
{
	return ctx->block_idx == a->block ? a->code : 0;
}

/* Sleeps `ms` milliseconds per block (for the time-out attribute) and
 * writes the block's dynamic local size to sizes[block] (UB attribute). */
struct slow_args {
	uint64_t ms;
	uint64_t *sizes;
};

WEIR_KERNEL(slow, struct slow_args, a, ctx)
{
	struct timespec ts = { (time_t)(a->ms / 1000), (long)(a->ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
	if (a->sizes) {
		a->sizes[ctx->block_idx] = ctx->local_size;
		if (ctx->local) /* the scratch is zeroed and writable */
			((unsigned char *)ctx->local)[ctx->local_size - 1] = 1;
	}
	return 0;
}

/* Spins until *gate is non-zero (bounded by the test's alarm), then adds 1
 * to *count: lets the test keep a launch in flight across an unload. */
struct gate_args {
	_Atomic uint32_t *gate;
	_Atomic uint32_t *count;
};

WEIR_KERNEL(gated, struct gate_args, a, ctx)
{
	while (!atomic_load_explicit(a->gate, memory_order_acquire)) {
		struct timespec ts = { 0, 100000 };
		nanosleep(&ts, NULL);
	}
	atomic_fetch_add_explicit(a->count, 1, memory_order_relaxed);
	return 0;
}

/* Not a kernel: an exported function that GetFunction must not return. */
__attribute__((visibility("default"))) int not_a_kernel(void)
{
	return 1;
}

/* ---- test_acl_kernel_extras.c ---- */

/* saxpy's parameter list: aclrtFunctionGetParam*, the args-array launch. */
WEIR_KERNEL_PARAMS(saxpy, struct saxpy_args, x, y, z, blocks, scale, n);

/* A parameter list that does not fit its kernel (another argument size). */
struct not_fail_args {
	int32_t code;
	uint32_t block;
	uint64_t extra;
};
WEIR_KERNEL_PARAM_TABLE(fail_with, 0, struct not_fail_args,
                        WEIR_KERNEL_PARAM(struct not_fail_args, code),
                        WEIR_KERNEL_PARAM(struct not_fail_args, extra));

/* A SIMT kernel: every thread of every block writes its global thread
 * index's cell: out[((bz * gy + by) * gx + bx) * nthreads + t] = the same
 * number + 1; block 0 also records what it saw in seen[]. */
struct simt_args {
	uint32_t *out;
	uint64_t *seen; /* grid x y z, block_dim x y z, block_num, local_size */
};

WEIR_KERNEL(simt_fill, struct simt_args, a, ctx)
{
	uint32_t nthreads = ctx->block_dim.x * ctx->block_dim.y * ctx->block_dim.z;
	uint32_t block = (ctx->block_id.z * ctx->grid_dim.y + ctx->block_id.y) * ctx->grid_dim.x +
	                 ctx->block_id.x;
	WEIR_KERNEL_FOR_EACH_THREAD(ctx, t)
	{
		uint32_t tid = (t.z * ctx->block_dim.y + t.y) * ctx->block_dim.x + t.x;
		uint32_t g = block * nthreads + tid;
		a->out[g] = g + 1;
	}
	if (block == 0 && a->seen) {
		a->seen[0] = ctx->grid_dim.x;
		a->seen[1] = ctx->grid_dim.y;
		a->seen[2] = ctx->grid_dim.z;
		a->seen[3] = ctx->block_dim.x;
		a->seen[4] = ctx->block_dim.y;
		a->seen[5] = ctx->block_dim.z;
		a->seen[6] = ctx->block_num;
		a->seen[7] = ctx->local_size;
	}
	return block == ctx->block_idx ? 0 : 1;
}
WEIR_KERNEL_SIMT_PARAMS(simt_fill, struct simt_args, out, seen);

/* Exported globals for aclrtBinaryGetGlobal. */
__attribute__((visibility("default"))) uint32_t weir_test_global[16] = { 7, 8, 9 };
__attribute__((visibility("default"))) const uint64_t weir_test_const = 0x1234;

/* A host CPU function for aclrtRegisterCpuFunc: adds `add` to *counter once
 * per call, and returns `ret`. */
struct cpu_add_args {
	_Atomic uint32_t *counter;
	uint32_t add;
	uint32_t ret;
};

__attribute__((visibility("default"))) uint32_t weir_test_cpu_add(void *args)
{
	struct cpu_add_args *a = args;
	atomic_fetch_add_explicit(a->counter, a->add, memory_order_relaxed);
	return a->ret;
}

/* Loop bodies for test_acl_ri.c (one block): take one off *word while it
 * is not 0, count the round, and (idx not NULL) set *idx to 0 while *word
 * is still not 0, else 1 (a label-switch index: 0 loops, 1 leaves). */
struct countdown_args {
	uint64_t *word;
	uint32_t *rounds;
	uint32_t *idx;
};

WEIR_KERNEL(countdown, struct countdown_args, a, ctx)
{
	(void)ctx;
	if (*a->word)
		(*a->word)--;
	(*a->rounds)++;
	if (a->idx)
		*a->idx = *a->word ? 0u : 1u;
	return 0;
}
