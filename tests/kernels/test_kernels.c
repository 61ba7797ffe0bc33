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
