/*
 * weir/kernel.h - how to write a CPU kernel for a weir "device binary".
 *
 * A device binary is an ELF shared object (a CMake MODULE library) whose
 * kernels are written with WEIR_KERNEL below. The ACL facade loads it with
 * aclrtBinaryLoadFromFile / aclrtBinaryLoadFromData (dlopen), finds a kernel
 * with aclrtBinaryGetFunction (by name) or aclrtBinaryGetFunctionByEntry (by
 * entry value), and runs it with aclrtLaunchKernel* on blockDim blocks spread
 * over the device's workers (docs/porting-kernels.md).
 *
 * This header is self-contained (it declares no library function), so a
 * device binary needs nothing from libweir at link or load time.
 *
 * The kernel ABI (WEIR_KERNEL_ABI 1):
 *  - A kernel is a function int f(const weir_kernel_ctx_t *ctx), called once
 *    per block, possibly on several threads at once (one block per call).
 *  - ctx->args is the kernel's argument block: the bytes the launch passed
 *    (aclrtKernelArgs* / hostArgs / argsData), with placeholders already
 *    pointing at their data. Blocks share it: treat it as read-only.
 *  - ctx->block_idx is this block's index (AscendC GetBlockIdx()),
 *    ctx->block_num the number of blocks launched (GetBlockNum()).
 *  - Return 0 for success. Any other value fails the launch: the stream's
 *    next synchronize reports it, and with several failing blocks the first
 *    failure recorded wins. A value >= 100000 (an ACL error code) is reported
 *    verbatim; any other non-zero value is reported as
 *    ACL_ERROR_RT_AICORE_EXCEPTION (507015), the code of a kernel fault.
 *  - The kernel is found through an exported descriptor object named
 *    weir_kernel__<name> (weir_kernel_desc_t); WEIR_KERNEL defines it with
 *    default visibility, so it is exported even from a library built with
 *    -fvisibility=hidden. Do not define it by hand.
 *
 * Entries: aclrtBinaryGetFunctionByEntry(bin, entry) finds the kernel whose
 * entry value is `entry`. A kernel written with WEIR_KERNEL_ENTRY(name, e,
 * ...) has entry value e (e != 0); one written with WEIR_KERNEL has the
 * 64-bit FNV-1a hash of its name, weir_kernel_name_entry("name"). Two
 * kernels of one binary with the same entry value: the lookup returns one of
 * them (which one is unspecified), so give explicit entries distinct values.
 *
 * Example (the whole of a one-kernel binary):
 *
 *     #include "weir/kernel.h"
 *     struct add_args { const float *x, *y; float *z; uint64_t n; };
 *     WEIR_KERNEL(vector_add, struct add_args, a, ctx)
 *     {
 *         uint64_t lo, hi;
 *         weir_kernel_split(ctx, a->n, &lo, &hi);
 *         for (uint64_t i = lo; i < hi; i++)
 *             a->z[i] = a->x[i] + a->y[i];
 *         return 0;
 *     }
 */
#ifndef WEIR_KERNEL_H
#define WEIR_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WEIR_KERNEL_MAGIC 0x4b524557u /* "WERK" in memory order */
#define WEIR_KERNEL_ABI   1u

/* What one call of a kernel (one block) sees. */
typedef struct weir_kernel_ctx {
	void *args;         /* the argument block (shared by every block: read-only) */
	size_t args_size;   /* its size in bytes */
	uint32_t block_idx; /* this block, 0 .. block_num - 1 (+ the launch's block
	                       offset attribute, if any) */
	uint32_t block_num; /* blocks launched (the launch's blockDim) */
	uint32_t device;    /* the device the launch runs on */
	uint32_t reserved0;
	/* Per-block scratch memory of the launch's dynamic-UB size attribute
	 * (ACL_RT_LAUNCH_KERNEL_ATTR_DYN_UBUF_SIZE), zeroed; NULL and 0 without
	 * it. Private to this call. */
	void *local;
	size_t local_size;
	/* CLOCK_MONOTONIC time (ns) after which the launch counts as timed out
	 * (ACL_RT_LAUNCH_KERNEL_ATTR_TIMEOUT[_US]); 0 without a time-out. A long
	 * kernel may poll it and return early. */
	uint64_t deadline_ns;
} weir_kernel_ctx_t;

typedef int (*weir_kernel_entry_t)(const weir_kernel_ctx_t *ctx);

/* The exported descriptor of one kernel (written by WEIR_KERNEL). */
typedef struct weir_kernel_desc {
	uint32_t magic;         /* WEIR_KERNEL_MAGIC */
	uint32_t abi;           /* WEIR_KERNEL_ABI */
	const char *name;       /* the kernel's name (as in the symbol) */
	weir_kernel_entry_t fn; /* called once per block */
	uint64_t entry;         /* explicit entry value; 0: the name's hash */
	size_t args_min;        /* sizeof the argument type: a launch with a
	                             smaller argument block is refused */
} weir_kernel_desc_t;

/* The entry value of a kernel written with WEIR_KERNEL: 64-bit FNV-1a of the
 * name's bytes (offset basis 0xcbf29ce484222325, prime 0x100000001b3). */
static inline uint64_t weir_kernel_name_entry(const char *name)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ull;
	}
	return h;
}

/* This block's share [*lo, *hi) of n items split evenly over the blocks (the
 * first n % block_num blocks get one more). */
static inline void weir_kernel_split(const weir_kernel_ctx_t *ctx, uint64_t n, uint64_t *lo,
                                     uint64_t *hi)
{
	uint64_t nb = ctx->block_num ? ctx->block_num : 1;
	uint64_t b = ctx->block_idx % nb;
	uint64_t q = n / nb, r = n % nb;
	*lo = b * q + (b < r ? b : r);
	*hi = *lo + q + (b < r ? 1 : 0);
}

/* The macros' way to the argument block (a macro parameter may be named
 * `args`, so they never write ->args themselves). */
static inline void *weir_kernel_args_of_(const weir_kernel_ctx_t *c)
{
	return c->args;
}

#ifdef __cplusplus
}
#define WEIR_KERNEL_LINKAGE_ extern "C"
#else
#define WEIR_KERNEL_LINKAGE_
#endif

/* Define kernel `name` taking an argument block of type ArgsT: the body that
 * follows sees `args` (const ArgsT *) and `ctx` (const weir_kernel_ctx_t *)
 * and returns int (0: success). `entry` (non-zero) is its entry value. */
#define WEIR_KERNEL_ENTRY(name, entry, ArgsT, args, ctx)                                     \
	static int weir_kbody__##name(const ArgsT *args __attribute__((unused)),             \
	                              const weir_kernel_ctx_t *ctx __attribute__((unused))); \
	static int weir_kthunk__##name(const weir_kernel_ctx_t *c_)                          \
	{                                                                                    \
		return weir_kbody__##name((const ArgsT *)weir_kernel_args_of_(c_), c_);      \
	}                                                                                    \
	WEIR_KERNEL_LINKAGE_ __attribute__((visibility("default"), used))                    \
	const weir_kernel_desc_t weir_kernel__##name = {                                     \
		WEIR_KERNEL_MAGIC,   WEIR_KERNEL_ABI, #name,                                 \
		weir_kthunk__##name, (entry),         sizeof(ArgsT)                          \
	};                                                                                   \
	static int weir_kbody__##name(const ArgsT *args __attribute__((unused)),             \
	                              const weir_kernel_ctx_t *ctx __attribute__((unused)))

/* A kernel whose entry value is the hash of its name. */
#define WEIR_KERNEL(name, ArgsT, args, ctx) WEIR_KERNEL_ENTRY(name, 0, ArgsT, args, ctx)

#endif /* WEIR_KERNEL_H */
