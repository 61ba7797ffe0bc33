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
 * Optional declarations (docs/porting-kernels.md): a kernel's parameter list
 * (WEIR_KERNEL_PARAMS: ACL's parameter queries and args-array launch), a SIMT
 * kernel (WEIR_KERNEL_SIMT_PARAMS: the SIMT launches; ctx->grid_dim,
 * block_id and block_dim give the grid), and host CPU functions for
 * aclrtRegisterCpuFunc (weir_cpu_kernel_fn).
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

/* Three extents or coordinates (ACL's dim3). */
typedef struct weir_kernel_dim3 {
	uint32_t x, y, z;
} weir_kernel_dim3_t;

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
	/* The launch's grid (ACL's SIMT launches, aclrtLaunchSIMTKernel*): one
	 * call runs one whole thread block. grid_dim is the grid's size in blocks
	 * (gridDim), block_id this block's coordinates in it (blockIdx: x fastest,
	 * so block_idx = x + y * grid_dim.x + z * grid_dim.x * grid_dim.y before
	 * any block offset), block_dim the threads of every block (blockDim): the
	 * kernel runs them itself, e.g. with WEIR_KERNEL_FOR_EACH_THREAD. An
	 * ordinary launch has grid_dim {block_num, 1, 1}, block_id {block_idx
	 * without the offset, 0, 0} and block_dim {1, 1, 1}. */
	weir_kernel_dim3_t grid_dim;
	weir_kernel_dim3_t block_id;
	weir_kernel_dim3_t block_dim;
	uint32_t reserved1;
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

/* One parameter of a kernel's parameter list: where it sits in the argument
 * block and its size (aclrtFunctionGetParamInfo). */
typedef struct weir_kernel_param {
	size_t offset;
	size_t size;
} weir_kernel_param_t;

#define WEIR_KERNEL_PARAMS_MAGIC 0x4d525057u /* "WPRM" in memory order */
/* weir_kernel_params_t.flags: a SIMT kernel (launchable with ACL's
 * aclrtLaunchSIMTKernel* calls; it runs block_dim threads per call). */
#define WEIR_KERNEL_SIMT 0x1u

/* The optional exported parameter list of kernel <name>, an object named
 * weir_kparams__<name> (written by WEIR_KERNEL_PARAMS and friends). A kernel
 * without one has no parameter information: ACL's parameter queries and the
 * args-array and SIMT launches refuse it (ACL_ERROR_RT_PARAM_INVALID). */
typedef struct weir_kernel_params {
	uint32_t magic;                    /* WEIR_KERNEL_PARAMS_MAGIC */
	uint32_t flags;                    /* WEIR_KERNEL_SIMT or 0 */
	size_t args_size;                  /* sizeof the argument type */
	size_t count;                      /* parameters, at most 128 */
	const weir_kernel_param_t *params; /* in argument order */
} weir_kernel_params_t;

/* A host CPU function registered as a kernel with ACL's aclrtRegisterCpuFunc
 * (a binary loaded with ACL_RT_BINARY_LOAD_OPT_CPU_KERNEL_MODE): called once
 * per block with the launch's argument block; 0 is success, a value >=
 * 100000 fails the launch with that code, any other with
 * ACL_ERROR_RT_AICPU_EXCEPTION (507018). Export it with C linkage and
 * default visibility. */
typedef uint32_t (*weir_cpu_kernel_fn)(void *args);

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

/* The next thread of a block after *t (x fastest, then y, then z); past the
 * last one t->z reaches dim->z. */
static inline void weir_kernel_next_thread_(weir_kernel_dim3_t *t, const weir_kernel_dim3_t *dim)
{
	if (++t->x < dim->x)
		return;
	t->x = 0;
	if (++t->y < dim->y)
		return;
	t->y = 0;
	t->z++;
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
 * and returns int (0: success). `entry` (non-zero) is its entry value.
 * The kernel's code is the exported function weir_kfn__<name> (the body is
 * inlined into it), which aclrtGetFunctionAddr / aclrtGetFunctionSize
 * report. */
#define WEIR_KERNEL_ENTRY(name, entry, ArgsT, args, ctx)                                        \
	static inline __attribute__((always_inline)) int weir_kbody__##name(                    \
	        const ArgsT *args __attribute__((unused)),                                      \
	        const weir_kernel_ctx_t *ctx __attribute__((unused)));                          \
	WEIR_KERNEL_LINKAGE_ __attribute__((visibility("default"), used)) int weir_kfn__##name( \
	        const weir_kernel_ctx_t *c_);                                                   \
	int weir_kfn__##name(const weir_kernel_ctx_t *c_)                                       \
	{                                                                                       \
		return weir_kbody__##name((const ArgsT *)weir_kernel_args_of_(c_), c_);         \
	}                                                                                       \
	WEIR_KERNEL_LINKAGE_                                                                    \
	__attribute__((visibility("default"), used))                                            \
	const weir_kernel_desc_t weir_kernel__##name = { WEIR_KERNEL_MAGIC,                     \
		                                         WEIR_KERNEL_ABI,                       \
		                                         #name,                                 \
		                                         weir_kfn__##name,                      \
		                                         (entry),                               \
		                                         sizeof(ArgsT) };                       \
	static inline __attribute__((always_inline)) int weir_kbody__##name(                    \
	        const ArgsT *args __attribute__((unused)),                                      \
	        const weir_kernel_ctx_t *ctx __attribute__((unused)))

/* A kernel whose entry value is the hash of its name. */
#define WEIR_KERNEL(name, ArgsT, args, ctx) WEIR_KERNEL_ENTRY(name, 0, ArgsT, args, ctx)

/* Run the statement that follows once per thread of this block, with `t` (a
 * weir_kernel_dim3_t) the thread's coordinates (threadIdx), x fastest. A
 * SIMT kernel's barrier (__syncthreads) is the end of one such loop: write
 * the phases as consecutive loops. */
#define WEIR_KERNEL_FOR_EACH_THREAD(ctx, t)                                                    \
	for (weir_kernel_dim3_t t = { 0, 0, 0 };                                               \
	     t.z < (ctx)->block_dim.z && t.x < (ctx)->block_dim.x && t.y < (ctx)->block_dim.y; \
	     weir_kernel_next_thread_(&t, &(ctx)->block_dim))

/*
 * Parameter lists. A kernel whose argument type is a struct of its
 * parameters may declare them, in order, so that ACL's
 * aclrtFunctionGetParamCount / aclrtFunctionGetParamInfo report them and
 * aclrtLaunchKernelWithArgsArray can build the argument block from an array
 * of pointers to the values:
 *
 *     WEIR_KERNEL_PARAMS(vector_add, struct vector_add_args, x, y, z, n);
 *
 * (1 to 32 members; each entry is the member's offset and size.)
 * WEIR_KERNEL_SIMT_PARAMS declares the same for a SIMT kernel. For more
 * members, or none, list WEIR_KERNEL_PARAM(ArgsT, member) entries yourself
 * with WEIR_KERNEL_PARAM_TABLE(name, flags, ArgsT, entries...) or use
 * WEIR_KERNEL_NO_PARAMS(name, flags, ArgsT).
 */
#define WEIR_KERNEL_PARAM(ArgsT, m)                         \
	{                                                   \
		offsetof(ArgsT, m), sizeof(((ArgsT *)0)->m) \
	}

#define WEIR_KERNEL_PARAM_TABLE(name, flags, ArgsT, ...)                                \
	static const weir_kernel_param_t weir_kparam_list__##name[] = { __VA_ARGS__ };  \
	WEIR_KERNEL_LINKAGE_ __attribute__((visibility("default"), used))               \
	const weir_kernel_params_t weir_kparams__##name = {                             \
		WEIR_KERNEL_PARAMS_MAGIC, (flags), sizeof(ArgsT),                       \
		sizeof(weir_kparam_list__##name) / sizeof(weir_kparam_list__##name[0]), \
		weir_kparam_list__##name                                                \
	}

#define WEIR_KERNEL_NO_PARAMS(name, flags, ArgsT)                                              \
	WEIR_KERNEL_LINKAGE_ __attribute__((visibility("default"), used))                      \
	const weir_kernel_params_t weir_kparams__##name = { WEIR_KERNEL_PARAMS_MAGIC, (flags), \
		                                            sizeof(ArgsT), 0, NULL }

#define WEIR_KERNEL_PARAMS(name, ArgsT, ...) \
	WEIR_KERNEL_PARAM_TABLE(name, 0, ArgsT, WEIR_KP_EACH_(ArgsT, __VA_ARGS__))
#define WEIR_KERNEL_SIMT_PARAMS(name, ArgsT, ...) \
	WEIR_KERNEL_PARAM_TABLE(name, WEIR_KERNEL_SIMT, ArgsT, WEIR_KP_EACH_(ArgsT, __VA_ARGS__))

/* WEIR_KP_EACH_(T, m1, ..., mN): WEIR_KERNEL_PARAM(T, m1), ..., for N <= 32. */
#define WEIR_KP_CAT_(a, b)  a##b
#define WEIR_KP_XCAT_(a, b) WEIR_KP_CAT_(a, b)
#define WEIR_KP_NTH_(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17,   \
                     _18, _19, _20, _21, _22, _23, _24, _25, _26, _27, _28, _29, _30, _31, _32, N, \
                     ...)                                                                          \
	N
#define WEIR_KP_COUNT_(...)                                                                       \
	WEIR_KP_NTH_(__VA_ARGS__, 32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, \
	             16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define WEIR_KP_EACH_(T, ...) WEIR_KP_XCAT_(WEIR_KP_, WEIR_KP_COUNT_(__VA_ARGS__))(T, __VA_ARGS__)
#define WEIR_KP_1(T, m)       WEIR_KERNEL_PARAM(T, m)
#define WEIR_KP_2(T, m, ...)  WEIR_KERNEL_PARAM(T, m), WEIR_KP_1(T, __VA_ARGS__)
#define WEIR_KP_3(T, m, ...)  WEIR_KERNEL_PARAM(T, m), WEIR_KP_2(T, __VA_ARGS__)
#define WEIR_KP_4(T, m, ...)  WEIR_KERNEL_PARAM(T, m), WEIR_KP_3(T, __VA_ARGS__)
#define WEIR_KP_5(T, m, ...)  WEIR_KERNEL_PARAM(T, m), WEIR_KP_4(T, __VA_ARGS__)
#define WEIR_KP_6(T, m, ...)  WEIR_KERNEL_PARAM(T, m), WEIR_KP_5(T, __VA_ARGS__)
#define WEIR_KP_7(T, m, ...)  WEIR_KERNEL_PARAM(T, m), WEIR_KP_6(T, __VA_ARGS__)
#define WEIR_KP_8(T, m, ...)  WEIR_KERNEL_PARAM(T, m), WEIR_KP_7(T, __VA_ARGS__)
#define WEIR_KP_9(T, m, ...)  WEIR_KERNEL_PARAM(T, m), WEIR_KP_8(T, __VA_ARGS__)
#define WEIR_KP_10(T, m, ...) WEIR_KERNEL_PARAM(T, m), WEIR_KP_9(T, __VA_ARGS__)
#define WEIR_KP_11(T, m, ...) WEIR_KERNEL_PARAM(T, m), WEIR_KP_10(T, __VA_ARGS__)
#define WEIR_KP_12(T, m, ...) WEIR_KERNEL_PARAM(T, m), WEIR_KP_11(T, __VA_ARGS__)
#define WEIR_KP_13(T, m, ...) WEIR_KERNEL_PARAM(T, m), WEIR_KP_12(T, __VA_ARGS__)
#define WEIR_KP_14(T, m, ...) WEIR_KERNEL_PARAM(T, m), WEIR_KP_13(T, __VA_ARGS__)
#define WEIR_KP_15(T, m, ...) WEIR_KERNEL_PARAM(T, m), WEIR_KP_14(T, __VA_ARGS__)
#define WEIR_KP_16(T, m, ...) WEIR_KERNEL_PARAM(T, m), WEIR_KP_15(T, __VA_ARGS__)
#define WEIR_KP_17(T, m, ...) WEIR_KERNEL_PARAM(T, m), WEIR_KP_16(T, __VA_ARGS__)
#define WEIR_KP_18(T, m, ...) WEIR_KERNEL_PARAM(T, m), WEIR_KP_17(T, __VA_ARGS__)
#define WEIR_KP_19(T, m, ...) WEIR_KERNEL_PARAM(T, m), WEIR_KP_18(T, __VA_ARGS__)
#define WEIR_KP_20(T, m, ...) WEIR_KERNEL_PARAM(T, m), WEIR_KP_19(T, __VA_ARGS__)
#define WEIR_KP_21(T, m, ...) WEIR_KERNEL_PARAM(T, m), WEIR_KP_20(T, __VA_ARGS__)
#define WEIR_KP_22(T, m, ...) WEIR_KERNEL_PARAM(T, m), WEIR_KP_21(T, __VA_ARGS__)
#define WEIR_KP_23(T, m, ...) WEIR_KERNEL_PARAM(T, m), WEIR_KP_22(T, __VA_ARGS__)
#define WEIR_KP_24(T, m, ...) WEIR_KERNEL_PARAM(T, m), WEIR_KP_23(T, __VA_ARGS__)
#define WEIR_KP_25(T, m, ...) WEIR_KERNEL_PARAM(T, m), WEIR_KP_24(T, __VA_ARGS__)
#define WEIR_KP_26(T, m, ...) WEIR_KERNEL_PARAM(T, m), WEIR_KP_25(T, __VA_ARGS__)
#define WEIR_KP_27(T, m, ...) WEIR_KERNEL_PARAM(T, m), WEIR_KP_26(T, __VA_ARGS__)
#define WEIR_KP_28(T, m, ...) WEIR_KERNEL_PARAM(T, m), WEIR_KP_27(T, __VA_ARGS__)
#define WEIR_KP_29(T, m, ...) WEIR_KERNEL_PARAM(T, m), WEIR_KP_28(T, __VA_ARGS__)
#define WEIR_KP_30(T, m, ...) WEIR_KERNEL_PARAM(T, m), WEIR_KP_29(T, __VA_ARGS__)
#define WEIR_KP_31(T, m, ...) WEIR_KERNEL_PARAM(T, m), WEIR_KP_30(T, __VA_ARGS__)
#define WEIR_KP_32(T, m, ...) WEIR_KERNEL_PARAM(T, m), WEIR_KP_31(T, __VA_ARGS__)

#endif /* WEIR_KERNEL_H */
