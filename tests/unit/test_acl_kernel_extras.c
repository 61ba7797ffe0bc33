/*
 * test_acl_kernel_extras.c - the rest of acl_rt.h's kernel calls (docs/acl.md
 * section E) on the test device binary (tests/kernels/test_kernels.c, path
 * WEIR_TEST_KERNELS): parameter lists and the args-array launch, SIMT
 * launches and the grid a kernel sees, code addresses and sizes, function
 * attributes, globals and the binary's image, CPU functions, per-binary
 * exception callbacks and the hardware sync area; every call's bad input
 * gets ACL's code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acl/acl.h"
#include "weir/kernel.h"

#ifndef WEIR_TEST_KERNELS
#error "WEIR_TEST_KERNELS (the path of the test kernel binary) must be defined by CMake"
#endif

static aclrtStream stream;

static int setup(void **state)
{
	(void)state;
	alarm(120);
	setenv("WEIR_NO_PIN", "1", 1);
	setenv("WEIR_DEVICES", "2", 1);
	setenv("WEIR_WORKERS", "2", 1);
	if (aclInit(NULL) != ACL_SUCCESS || aclrtSetDevice(0) != ACL_SUCCESS)
		return -1;
	return aclrtCreateStream(&stream) == ACL_SUCCESS ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	aclrtDestroyStream(stream);
	return aclFinalize() == ACL_SUCCESS ? 0 : -1;
}

/* The test binary's argument types (tests/kernels/test_kernels.c). */
struct saxpy_args {
	const float *x;
	const float *y;
	float *z;
	uint32_t *blocks;
	float scale;
	uint32_t n;
};

struct fail_args {
	int32_t code;
	uint32_t block;
};

struct simt_args {
	uint32_t *out;
	uint64_t *seen;
};

struct cpu_add_args {
	_Atomic uint32_t *counter;
	uint32_t add;
	uint32_t ret;
};

static aclrtBinHandle load(aclrtBinaryLoadOption *opt)
{
	aclrtBinaryLoadOptions o = { opt, opt ? 1 : 0 };
	aclrtBinHandle b = NULL;
	assert_int_equal(aclrtBinaryLoadFromFile(WEIR_TEST_KERNELS, opt ? &o : NULL, &b),
	                 ACL_SUCCESS);
	return b;
}

static aclrtFuncHandle func(aclrtBinHandle b, const char *name)
{
	aclrtFuncHandle f = NULL;
	assert_int_equal(aclrtBinaryGetFunction(b, name, &f), ACL_SUCCESS);
	return f;
}

static aclrtBinHandle load_cpu(int32_t mode)
{
	aclrtBinaryLoadOption opt = { ACL_RT_BINARY_LOAD_OPT_CPU_KERNEL_MODE, { 0 } };
	opt.value.cpuKernelMode = mode;
	return load(&opt);
}

/* ------------------------------------------------------------------------ */

static void test_param_queries(void **state)
{
	(void)state;
	aclrtBinHandle b = load(NULL);
	aclrtFuncHandle sx = func(b, "saxpy"), slow = func(b, "slow"), bad = func(b, "fail_with");
	size_t n = 99, off = 99, sz = 99;
	assert_int_equal(aclrtFunctionGetParamCount(sx, &n), ACL_SUCCESS);
	assert_int_equal(n, 6);
	static const size_t offs[] = {
		offsetof(struct saxpy_args, x),     offsetof(struct saxpy_args, y),
		offsetof(struct saxpy_args, z),     offsetof(struct saxpy_args, blocks),
		offsetof(struct saxpy_args, scale), offsetof(struct saxpy_args, n)
	};
	static const size_t sizes[] = { 8, 8, 8, 8, 4, 4 };
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(aclrtFunctionGetParamInfo(sx, i, &off, &sz), ACL_SUCCESS);
		assert_int_equal(off, offs[i]);
		assert_int_equal(sz, sizes[i]);
	}
	/* One output may be NULL, not both. */
	sz = 0;
	assert_int_equal(aclrtFunctionGetParamInfo(sx, 4, NULL, &sz), ACL_SUCCESS);
	assert_int_equal(sz, 4);
	assert_int_equal(aclrtFunctionGetParamInfo(sx, 4, NULL, NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtFunctionGetParamInfo(sx, 6, &off, &sz), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtFunctionGetParamInfo(NULL, 0, &off, &sz), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtFunctionGetParamCount(NULL, &n), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtFunctionGetParamCount(sx, NULL), ACL_ERROR_INVALID_PARAM);
	/* No parameter list, and one that does not fit its kernel: 107000. */
	assert_int_equal(aclrtFunctionGetParamCount(slow, &n), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtFunctionGetParamInfo(slow, 0, &off, &sz), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtFunctionGetParamCount(bad, &n), ACL_ERROR_RT_PARAM_INVALID);
	/* A garbage handle, and a function of an unloaded binary: 107017. */
	int junk;
	assert_int_equal(aclrtFunctionGetParamCount(&junk, &n), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtBinaryUnLoad(b), ACL_SUCCESS);
	assert_int_equal(aclrtFunctionGetParamCount(sx, &n), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtFunctionGetParamInfo(sx, 0, &off, &sz), ACL_ERROR_RT_INVALID_HANDLE);
}

#define NE 777

static void test_args_array(void **state)
{
	(void)state;
	aclrtBinHandle b = load(NULL);
	aclrtFuncHandle sx = func(b, "saxpy"), slow = func(b, "slow");
	float *x, *y, *z;
	uint32_t *blocks;
	assert_int_equal(aclrtMalloc((void **)&x, NE * 4, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
	assert_int_equal(aclrtMalloc((void **)&y, NE * 4, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
	assert_int_equal(aclrtMalloc((void **)&z, NE * 4, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
	assert_int_equal(aclrtMalloc((void **)&blocks, 64, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
	memset(blocks, 0, 64);
	for (int i = 0; i < NE; i++) {
		x[i] = (float)i;
		y[i] = 1.0f;
	}
	float scale = 2.0f;
	uint32_t n = NE;
	void *args[6] = { &x, &y, &z, &blocks, &scale, &n };
	assert_int_equal(aclrtLaunchKernelWithArgsArray(sx, 5, stream, NULL, args), ACL_SUCCESS);
	/* The values were copied: changing them now changes nothing. */
	scale = 100.0f;
	assert_int_equal(aclrtSynchronizeStream(stream), ACL_SUCCESS);
	for (int i = 0; i < NE; i++)
		assert_true(z[i] == 2.0f * (float)i + 1.0f);
	for (int i = 0; i < 16; i++)
		assert_int_equal(blocks[i], i < 5 ? 1 : 0);
	/* With a launch config (block offset 3: blocks 3..6 count). */
	memset(blocks, 0, 64);
	aclrtLaunchKernelAttr at = { ACL_RT_LAUNCH_KERNEL_ATTR_BLOCKDIM_OFFSET, { 0 } };
	at.value.blockDimOffset = 3;
	aclrtLaunchKernelCfg cfg = { &at, 1 };
	assert_int_equal(aclrtLaunchKernelWithArgsArray(sx, 4, stream, &cfg, args), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(stream), ACL_SUCCESS);
	for (int i = 0; i < 16; i++)
		assert_int_equal(blocks[i], i >= 3 && i < 7 ? 1 : 0);

	/* Bad input. */
	assert_int_equal(aclrtLaunchKernelWithArgsArray(NULL, 1, stream, NULL, args),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtLaunchKernelWithArgsArray(sx, 0, stream, NULL, args),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtLaunchKernelWithArgsArray(sx, 1, stream, NULL, NULL),
	                 ACL_ERROR_RT_PARAM_INVALID);
	args[4] = NULL;
	assert_int_equal(aclrtLaunchKernelWithArgsArray(sx, 1, stream, NULL, args),
	                 ACL_ERROR_RT_PARAM_INVALID);
	args[4] = &scale;
	assert_int_equal(aclrtLaunchKernelWithArgsArray(slow, 1, stream, NULL, args),
	                 ACL_ERROR_RT_PARAM_INVALID);
	int junk;
	assert_int_equal(aclrtLaunchKernelWithArgsArray(&junk, 1, stream, NULL, args),
	                 ACL_ERROR_RT_INVALID_HANDLE);
	at.id = (aclrtLaunchKernelAttrId)77;
	assert_int_equal(aclrtLaunchKernelWithArgsArray(sx, 1, stream, &cfg, args),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtSynchronizeStream(stream), ACL_SUCCESS);
	assert_int_equal(aclrtBinaryUnLoad(b), ACL_SUCCESS);
	assert_int_equal(aclrtLaunchKernelWithArgsArray(sx, 1, stream, NULL, args),
	                 ACL_ERROR_RT_INVALID_HANDLE);
	aclrtFree(x);
	aclrtFree(y);
	aclrtFree(z);
	aclrtFree(blocks);
}

static void check_simt(const uint32_t *out, uint32_t cells)
{
	for (uint32_t g = 0; g < cells; g++)
		if (out[g] != g + 1)
			fail_msg("out[%u] = %u, want %u", g, out[g], g + 1);
}

static void test_simt(void **state)
{
	(void)state;
	aclrtBinHandle b = load(NULL);
	aclrtFuncHandle k = func(b, "simt_fill"), sx = func(b, "saxpy");
	dim3 grid = { 3, 2, 2 }, blk = { 4, 2, 3 };
	const uint32_t cells = 3 * 2 * 2 * 4 * 2 * 3;
	uint32_t *out;
	uint64_t *seen;
	assert_int_equal(aclrtMalloc((void **)&out, cells * 4, ACL_MEM_MALLOC_HUGE_FIRST),
	                 ACL_SUCCESS);
	assert_int_equal(aclrtMalloc((void **)&seen, 64, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
	memset(out, 0, cells * 4);
	void *args[2] = { &out, &seen };
	assert_int_equal(aclrtLaunchSIMTKernelWithArgsArray(k, grid, blk, 512, stream, NULL, args),
	                 ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(stream), ACL_SUCCESS);
	check_simt(out, cells);
	static const uint64_t want[8] = { 3, 2, 2, 4, 2, 3, 12, 512 };
	assert_memory_equal(seen, want, sizeof(want));

	/* Host arguments; dynUbufSize 0 leaves the cfg's attribute. */
	memset(out, 0, cells * 4);
	struct simt_args ha = { out, seen };
	aclrtLaunchKernelAttr at = { ACL_RT_LAUNCH_KERNEL_ATTR_DYN_UBUF_SIZE, { 0 } };
	at.value.dynUBufSize = 100;
	aclrtLaunchKernelCfg cfg = { &at, 1 };
	assert_int_equal(aclrtLaunchSIMTKernelWithHostArgs(k, grid, blk, 0, stream, &cfg, &ha,
	                                                   sizeof(ha), NULL, 0),
	                 ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(stream), ACL_SUCCESS);
	check_simt(out, cells);
	assert_int_equal(seen[7], 100);

	/* An ordinary launch of the same kernel: grid {n, 1, 1}, one thread. */
	memset(out, 0, cells * 4);
	assert_int_equal(
	        aclrtLaunchKernelWithHostArgs(k, 5, stream, NULL, &ha, sizeof(ha), NULL, 0),
	        ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(stream), ACL_SUCCESS);
	check_simt(out, 5);
	assert_int_equal(out[5], 0);
	static const uint64_t want1[7] = { 5, 1, 1, 1, 1, 1, 5 };
	assert_memory_equal(seen, want1, sizeof(want1));

	/* Bad input. */
	dim3 zero = { 0, 1, 1 }, big = { 64, 64, 1 }, wide = { 2049, 1, 1 };
	assert_int_equal(aclrtLaunchSIMTKernelWithArgsArray(NULL, grid, blk, 0, stream, NULL, args),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtLaunchSIMTKernelWithArgsArray(k, zero, blk, 0, stream, NULL, args),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtLaunchSIMTKernelWithArgsArray(k, grid, zero, 0, stream, NULL, args),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtLaunchSIMTKernelWithArgsArray(k, grid, big, 0, stream, NULL, args),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtLaunchSIMTKernelWithArgsArray(k, grid, wide, 0, stream, NULL, args),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtLaunchSIMTKernelWithArgsArray(k, grid, blk, (size_t)1 << 40, stream,
	                                                    NULL, args),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtLaunchSIMTKernelWithArgsArray(k, grid, blk, 0, stream, NULL, NULL),
	                 ACL_ERROR_RT_PARAM_INVALID);
	/* Not a SIMT kernel (saxpy has a plain parameter list). */
	assert_int_equal(aclrtLaunchSIMTKernelWithArgsArray(sx, grid, blk, 0, stream, NULL, args),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtLaunchSIMTKernelWithHostArgs(sx, grid, blk, 0, stream, NULL, &ha,
	                                                   sizeof(ha), NULL, 0),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtLaunchSIMTKernelWithHostArgs(k, grid, blk, 0, stream, NULL, NULL,
	                                                   sizeof(ha), NULL, 0),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(
	        aclrtLaunchSIMTKernelWithHostArgs(k, grid, blk, 0, stream, NULL, &ha, 0, NULL, 0),
	        ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtLaunchSIMTKernelWithHostArgs(k, grid, blk, 0, stream, NULL, &ha,
	                                                   sizeof(ha), NULL, 1),
	                 ACL_ERROR_RT_PARAM_INVALID);
	aclrtPlaceHolderInfo ph = { 12, 0 };
	assert_int_equal(aclrtLaunchSIMTKernelWithHostArgs(k, grid, blk, 0, stream, NULL, &ha,
	                                                   sizeof(ha), &ph, 1),
	                 ACL_ERROR_RT_PARAM_INVALID);
	int junk;
	assert_int_equal(aclrtLaunchSIMTKernelWithHostArgs(&junk, grid, blk, 0, stream, NULL, &ha,
	                                                   sizeof(ha), NULL, 0),
	                 ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtSynchronizeStream(stream), ACL_SUCCESS);
	assert_int_equal(aclrtBinaryUnLoad(b), ACL_SUCCESS);
	aclrtFree(out);
	aclrtFree(seen);
}

static void test_function_code(void **state)
{
	(void)state;
	aclrtBinHandle b = load(NULL);
	aclrtFuncHandle sx = func(b, "saxpy");
	void *aic = (void *)1, *aiv = (void *)1;
	size_t cs = 99, vs = 99;
	assert_int_equal(aclrtGetFunctionAddr(sx, &aic, &aiv), ACL_SUCCESS);
	assert_int_equal(aclrtGetFunctionSize(sx, &cs, &vs), ACL_SUCCESS);
	/* The exported entry function of the kernel, in the same mapping. */
	void *dl = dlopen(WEIR_TEST_KERNELS, RTLD_NOW | RTLD_NOLOAD);
	assert_non_null(dl);
	assert_ptr_equal(aic, dlsym(dl, "weir_kfn__saxpy"));
	dlclose(dl);
	assert_null(aiv);
	assert_true(cs > 16);
	assert_int_equal(vs, 0);
	void *img;
	size_t isz;
	assert_int_equal(aclrtBinaryGetDevAddress(b, &img, &isz), ACL_SUCCESS);
	assert_true((char *)aic >= (char *)img && (char *)aic + cs <= (char *)img + isz);

	/* A vector binary (MAGIC option) reports its code as AIV code. */
	aclrtBinaryLoadOption opt = { ACL_RT_BINARY_LOAD_OPT_MAGIC, { 0 } };
	opt.value.magic = ACL_RT_BINARY_MAGIC_ELF_VECTOR_CORE;
	aclrtBinHandle vb = load(&opt);
	aclrtFuncHandle vsx = func(vb, "saxpy");
	assert_int_equal(aclrtGetFunctionAddr(vsx, &aic, &aiv), ACL_SUCCESS);
	assert_null(aic);
	assert_non_null(aiv);
	assert_int_equal(aclrtGetFunctionSize(vsx, &cs, &vs), ACL_SUCCESS);
	assert_int_equal(cs, 0);
	assert_true(vs > 16);

	assert_int_equal(aclrtGetFunctionAddr(NULL, &aic, &aiv), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtGetFunctionAddr(sx, NULL, &aiv), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtGetFunctionAddr(sx, &aic, NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtGetFunctionSize(NULL, &cs, &vs), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtGetFunctionSize(sx, NULL, &vs), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtGetFunctionSize(sx, &cs, NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtBinaryGetDevAddress(NULL, &img, &isz), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtBinaryGetDevAddress(b, NULL, &isz), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtBinaryGetDevAddress(b, &img, NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtBinaryUnLoad(b), ACL_SUCCESS);
	assert_int_equal(aclrtGetFunctionAddr(sx, &aic, &aiv), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtGetFunctionSize(sx, &cs, &vs), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtBinaryGetDevAddress(b, &img, &isz), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtBinaryUnLoad(vb), ACL_SUCCESS);
}

static void test_function_attributes(void **state)
{
	(void)state;
	aclrtBinHandle b = load(NULL);
	aclrtFuncHandle sx = func(b, "saxpy"), k = func(b, "simt_fill");
	int64_t v = -1;
	assert_int_equal(aclrtGetFunctionAttribute(sx, ACL_FUNC_ATTR_KERNEL_TYPE, &v), ACL_SUCCESS);
	assert_int_equal(v, ACL_KERNEL_TYPE_AICORE);
	assert_int_equal(aclrtGetFunctionAttribute(k, ACL_FUNC_ATTR_KERNEL_TYPE, &v), ACL_SUCCESS);
	assert_int_equal(v, ACL_KERNEL_TYPE_VECTOR);
	v = -1;
	assert_int_equal(aclrtGetFunctionAttribute(sx, ACL_FUNC_ATTR_KERNEL_RATIO, &v),
	                 ACL_SUCCESS);
	assert_int_equal(v, 0);
	v = -1;
	assert_int_equal(aclrtGetFunctionAttribute(sx, ACL_FUNC_ATTR_KERNEL_SCHED_MODE, &v),
	                 ACL_SUCCESS);
	assert_int_equal(v, 0);
	assert_int_equal(aclrtGetFunctionAttribute(sx, (aclrtFuncAttribute)0, &v),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtGetFunctionAttribute(sx, (aclrtFuncAttribute)4, &v),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtGetFunctionAttribute(NULL, ACL_FUNC_ATTR_KERNEL_TYPE, &v),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtGetFunctionAttribute(sx, ACL_FUNC_ATTR_KERNEL_TYPE, NULL),
	                 ACL_ERROR_INVALID_PARAM);

	/* The per-block scratch every kernel may have. */
	size_t ub = 0;
	assert_int_equal(aclrtFunctionGetAvailDynUbufPerBlock(sx, 0, &ub), ACL_SUCCESS);
	assert_int_equal(ub, 64u << 20);
	assert_int_equal(aclrtFunctionGetAvailDynUbufPerBlock(sx, 1, &ub), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtFunctionGetAvailDynUbufPerBlock(NULL, 0, &ub),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtFunctionGetAvailDynUbufPerBlock(sx, 0, NULL),
	                 ACL_ERROR_INVALID_PARAM);
	/* The launch takes what the query says, and no more. */
	aclrtLaunchKernelAttr at = { ACL_RT_LAUNCH_KERNEL_ATTR_DYN_UBUF_SIZE, { 0 } };
	at.value.dynUBufSize = (uint32_t)ub + 1;
	aclrtLaunchKernelCfg cfg = { &at, 1 };
	struct fail_args fa = { 0, 0 };
	aclrtFuncHandle fw = func(b, "fail_with");
	assert_int_equal(
	        aclrtLaunchKernelWithHostArgs(fw, 1, stream, &cfg, &fa, sizeof(fa), NULL, 0),
	        ACL_ERROR_RT_PARAM_INVALID);
	at.value.dynUBufSize = (uint32_t)ub;
	assert_int_equal(
	        aclrtLaunchKernelWithHostArgs(fw, 1, stream, &cfg, &fa, sizeof(fa), NULL, 0),
	        ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(stream), ACL_SUCCESS);
	assert_int_equal(aclrtBinaryUnLoad(b), ACL_SUCCESS);
	assert_int_equal(aclrtGetFunctionAttribute(sx, ACL_FUNC_ATTR_KERNEL_TYPE, &v),
	                 ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtFunctionGetAvailDynUbufPerBlock(sx, 0, &ub),
	                 ACL_ERROR_RT_INVALID_HANDLE);
}

static void test_globals(void **state)
{
	(void)state;
	aclrtBinHandle b = load(NULL);
	void *p = NULL;
	size_t sz = 0;
	assert_int_equal(aclrtBinaryGetGlobal(b, "weir_test_global", &p, &sz), ACL_SUCCESS);
	/* ELF size (a sanitizer build pads globals with redzones). */
	assert_true(sz >= 16 * sizeof(uint32_t));
	uint32_t *g = p;
	assert_int_equal(g[0], 7);
	assert_int_equal(g[2], 9);
	/* The binary's own copy: what the kernels see. */
	void *dl = dlopen(WEIR_TEST_KERNELS, RTLD_NOW | RTLD_NOLOAD);
	assert_ptr_equal(p, dlsym(dl, "weir_test_global"));
	dlclose(dl);
	/* Only one output. */
	sz = 0;
	assert_int_equal(aclrtBinaryGetGlobal(b, "weir_test_const", NULL, &sz), ACL_SUCCESS);
	assert_true(sz >= 8);
	p = NULL;
	assert_int_equal(aclrtBinaryGetGlobal(b, "weir_test_const", &p, NULL), ACL_SUCCESS);
	assert_int_equal(*(const uint64_t *)p, 0x1234);

	assert_int_equal(aclrtBinaryGetGlobal(b, "weir_test_global", NULL, NULL),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtBinaryGetGlobal(NULL, "weir_test_global", &p, &sz),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtBinaryGetGlobal(b, NULL, &p, &sz), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtBinaryGetGlobal(b, "no_such_global", &p, &sz),
	                 ACL_ERROR_RT_PARAM_INVALID);
	/* A function is not a global variable; a symbol of another object
	 * (libc) is not the binary's. */
	assert_int_equal(aclrtBinaryGetGlobal(b, "not_a_kernel", &p, &sz),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtBinaryGetGlobal(b, "environ", &p, &sz), ACL_ERROR_RT_PARAM_INVALID);
	/* A CPU kernel binary has none (ACL: not supported). */
	aclrtBinHandle cb = load_cpu(1);
	assert_int_equal(aclrtBinaryGetGlobal(cb, "weir_test_global", &p, &sz),
	                 ACL_ERROR_RT_FEATURE_NOT_SUPPORT);
	assert_int_equal(aclrtBinaryUnLoad(cb), ACL_SUCCESS);
	assert_int_equal(aclrtBinaryUnLoad(b), ACL_SUCCESS);
	assert_int_equal(aclrtBinaryGetGlobal(b, "weir_test_global", &p, &sz),
	                 ACL_ERROR_RT_INVALID_HANDLE);
}

static void test_cpu_functions(void **state)
{
	(void)state;
	aclrtBinHandle cb = load_cpu(1);
	aclrtFuncHandle f = NULL, f2 = NULL, f3 = NULL;
	assert_int_equal(aclrtRegisterCpuFunc(cb, "weir_test_cpu_add", "AddOp", &f), ACL_SUCCESS);
	assert_non_null(f);
	/* One handle per (function, opType). */
	assert_int_equal(aclrtRegisterCpuFunc(cb, "weir_test_cpu_add", "AddOp", &f2), ACL_SUCCESS);
	assert_ptr_equal(f, f2);
	assert_int_equal(aclrtRegisterCpuFunc(cb, "weir_test_cpu_add", "OtherOp", &f3),
	                 ACL_SUCCESS);
	assert_ptr_not_equal(f, f3);
	char name[32];
	assert_int_equal(aclrtGetFunctionName(f, sizeof(name), name), ACL_SUCCESS);
	assert_string_equal(name, "AddOp");
	aclrtBinHandle owner = NULL;
	assert_int_equal(aclrtFunctionGetBinary(f, &owner), ACL_SUCCESS);
	assert_ptr_equal(owner, cb);

	/* Runs once per block with the argument block. */
	_Atomic uint32_t counter = 0;
	struct cpu_add_args a = { &counter, 5, 0 };
	assert_int_equal(aclrtLaunchKernelWithHostArgs(f, 3, stream, NULL, &a, sizeof(a), NULL, 0),
	                 ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(stream), ACL_SUCCESS);
	assert_int_equal(atomic_load(&counter), 15);
	/* A failure: small codes are AI CPU exceptions, ACL codes verbatim. */
	a.ret = 3;
	assert_int_equal(aclrtLaunchKernelWithHostArgs(f, 1, stream, NULL, &a, sizeof(a), NULL, 0),
	                 ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(stream), ACL_ERROR_RT_AICPU_EXCEPTION);
	a.ret = ACL_ERROR_RT_AICORE_TRAP_EXCEPTION;
	assert_int_equal(aclrtLaunchKernelWithHostArgs(f, 1, stream, NULL, &a, sizeof(a), NULL, 0),
	                 ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(stream), ACL_ERROR_RT_AICORE_TRAP_EXCEPTION);

	/* What ACL refuses for AI CPU kernels. */
	void *args[1] = { &a };
	int64_t v = 0;
	size_t n = 0;
	void *pa, *pb;
	assert_int_equal(aclrtLaunchKernelWithArgsArray(f, 1, stream, NULL, args),
	                 ACL_ERROR_RT_FEATURE_NOT_SUPPORT);
	assert_int_equal(aclrtFunctionGetParamCount(f, &n), ACL_ERROR_RT_FEATURE_NOT_SUPPORT);
	assert_int_equal(aclrtGetFunctionAddr(f, &pa, &pb), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtGetFunctionAttribute(f, ACL_FUNC_ATTR_KERNEL_RATIO, &v),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtGetFunctionAttribute(f, ACL_FUNC_ATTR_KERNEL_TYPE, &v), ACL_SUCCESS);
	assert_int_equal(v, ACL_KERNEL_TYPE_AICPU);
	size_t ub = 1;
	assert_int_equal(aclrtFunctionGetAvailDynUbufPerBlock(f, 0, &ub), ACL_SUCCESS);
	assert_int_equal(ub, 0);
	dim3 one = { 1, 1, 1 };
	assert_int_equal(aclrtLaunchSIMTKernelWithHostArgs(f, one, one, 0, stream, NULL, &a,
	                                                   sizeof(a), NULL, 0),
	                 ACL_ERROR_RT_PARAM_INVALID);

	/* Bad input. */
	assert_int_equal(aclrtRegisterCpuFunc(NULL, "weir_test_cpu_add", "AddOp", &f2),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtRegisterCpuFunc(cb, NULL, "AddOp", &f2), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtRegisterCpuFunc(cb, "weir_test_cpu_add", NULL, &f2),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtRegisterCpuFunc(cb, "weir_test_cpu_add", "AddOp", NULL),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtRegisterCpuFunc(cb, "no_such_fn", "AddOp", &f2),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtRegisterCpuFunc(cb, "weir_test_global", "AddOp", &f2),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtRegisterCpuFunc(cb, "weir_test_cpu_add", "", &f2),
	                 ACL_ERROR_RT_PARAM_INVALID);
	/* Not a CPU kernel binary. */
	aclrtBinHandle b = load(NULL);
	assert_int_equal(aclrtRegisterCpuFunc(b, "weir_test_cpu_add", "AddOp", &f2),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtBinaryUnLoad(b), ACL_SUCCESS);
	/* ACL's modes: 0 and 1 from a file, 2 from data. */
	aclrtBinaryLoadOption opt = { ACL_RT_BINARY_LOAD_OPT_CPU_KERNEL_MODE, { 0 } };
	aclrtBinaryLoadOptions o = { &opt, 1 };
	opt.value.cpuKernelMode = 2;
	assert_int_equal(aclrtBinaryLoadFromFile(WEIR_TEST_KERNELS, &o, &b),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtBinaryUnLoad(cb), ACL_SUCCESS);
	assert_int_equal(aclrtRegisterCpuFunc(cb, "weir_test_cpu_add", "AddOp", &f2),
	                 ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtLaunchKernelWithHostArgs(f, 1, stream, NULL, &a, sizeof(a), NULL, 0),
	                 ACL_ERROR_RT_INVALID_HANDLE);
}

/* Exception callbacks: the process-wide one, then the binary's. */
static char order[8];
static _Atomic int norder;
static void *seen_user;
static aclrtFuncHandle seen_func;
static uint32_t seen_code;

static void global_cb(aclrtExceptionInfo *info)
{
	(void)info;
	int i = atomic_fetch_add(&norder, 1);
	if (i < 7)
		order[i] = 'g';
}

static void bin_cb(aclrtExceptionInfo *info, void *user)
{
	int i = atomic_fetch_add(&norder, 1);
	if (i < 7)
		order[i] = 'b';
	seen_user = user;
	seen_code = aclrtGetErrorCodeFromExceptionInfo(info);
	(void)aclrtGetFuncHandleFromExceptionInfo(info, &seen_func);
}

static void other_cb(aclrtExceptionInfo *info, void *user)
{
	(void)info;
	(void)user;
	int i = atomic_fetch_add(&norder, 1);
	if (i < 7)
		order[i] = 'o';
}

static void fail_once(aclrtFuncHandle fw, int32_t code)
{
	struct fail_args fa = { code, 0 };
	assert_int_equal(
	        aclrtLaunchKernelWithHostArgs(fw, 2, stream, NULL, &fa, sizeof(fa), NULL, 0),
	        ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(stream), (aclError)code);
}

static void test_binary_exception_callback(void **state)
{
	(void)state;
	aclrtBinHandle b = load(NULL), b2 = load(NULL);
	aclrtFuncHandle fw = func(b, "fail_with"), fw2 = func(b2, "fail_with");
	int user = 0;
	assert_int_equal(aclrtBinarySetExceptionCallback(b, bin_cb, &user), ACL_SUCCESS);
	assert_int_equal(aclrtBinarySetExceptionCallback(b2, other_cb, NULL), ACL_SUCCESS);
	/* Alone: only the failing kernel's binary's callback. */
	fail_once(fw, ACL_ERROR_RT_AICORE_TRAP_EXCEPTION);
	assert_int_equal(atomic_load(&norder), 1);
	assert_int_equal(order[0], 'b');
	assert_ptr_equal(seen_user, &user);
	assert_ptr_equal(seen_func, fw);
	assert_int_equal(seen_code, ACL_ERROR_RT_AICORE_TRAP_EXCEPTION);
	/* With a process-wide callback: that one first. */
	assert_int_equal(aclrtSetExceptionInfoCallback(global_cb), ACL_SUCCESS);
	atomic_store(&norder, 0);
	fail_once(fw, ACL_ERROR_RT_AICORE_EXCEPTION);
	assert_int_equal(atomic_load(&norder), 2);
	assert_memory_equal(order, "gb", 2);
	atomic_store(&norder, 0);
	fail_once(fw2, ACL_ERROR_RT_AICORE_EXCEPTION);
	assert_int_equal(atomic_load(&norder), 2);
	assert_memory_equal(order, "go", 2);
	assert_int_equal(aclrtSetExceptionInfoCallback(NULL), ACL_SUCCESS);
	/* Setting again replaces the callback and its user data. */
	int user2 = 0;
	assert_int_equal(aclrtBinarySetExceptionCallback(b, bin_cb, &user2), ACL_SUCCESS);
	atomic_store(&norder, 0);
	fail_once(fw, ACL_ERROR_RT_AICORE_EXCEPTION);
	assert_int_equal(atomic_load(&norder), 1);
	assert_ptr_equal(seen_user, &user2);
	/* A success calls nothing. */
	atomic_store(&norder, 0);
	struct fail_args ok = { 0, 0 };
	assert_int_equal(
	        aclrtLaunchKernelWithHostArgs(fw, 2, stream, NULL, &ok, sizeof(ok), NULL, 0),
	        ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(stream), ACL_SUCCESS);
	assert_int_equal(atomic_load(&norder), 0);

	assert_int_equal(aclrtBinarySetExceptionCallback(NULL, bin_cb, NULL),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtBinarySetExceptionCallback(b, NULL, NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtBinaryUnLoad(b), ACL_SUCCESS);
	assert_int_equal(aclrtBinarySetExceptionCallback(b, bin_cb, NULL),
	                 ACL_ERROR_RT_INVALID_HANDLE);
	/* An unloaded binary's callback is gone; the other still works. */
	atomic_store(&norder, 0);
	fail_once(fw2, ACL_ERROR_RT_AICORE_EXCEPTION);
	assert_int_equal(atomic_load(&norder), 1);
	assert_int_equal(order[0], 'o');
	assert_int_equal(aclrtBinaryUnLoad(b2), ACL_SUCCESS);
}

static void test_hardware_sync_addr(void **state)
{
	(void)state;
	void *a = NULL, *a2 = NULL, *d1 = NULL;
	assert_int_equal(aclrtGetHardwareSyncAddr(&a), ACL_SUCCESS);
	assert_non_null(a);
	assert_int_equal((uintptr_t)a % 4096, 0);
	static const unsigned char zero[4096];
	assert_memory_equal(a, zero, sizeof(zero));
	assert_int_equal(aclrtGetHardwareSyncAddr(&a2), ACL_SUCCESS);
	assert_ptr_equal(a, a2);
	/* One area per device. */
	assert_int_equal(aclrtSetDevice(1), ACL_SUCCESS);
	assert_int_equal(aclrtGetHardwareSyncAddr(&d1), ACL_SUCCESS);
	assert_ptr_not_equal(a, d1);
	assert_int_equal(aclrtSetDevice(0), ACL_SUCCESS);
	assert_int_equal(aclrtGetHardwareSyncAddr(NULL), ACL_ERROR_INVALID_PARAM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_param_queries),
		cmocka_unit_test(test_args_array),
		cmocka_unit_test(test_simt),
		cmocka_unit_test(test_function_code),
		cmocka_unit_test(test_function_attributes),
		cmocka_unit_test(test_globals),
		cmocka_unit_test(test_cpu_functions),
		cmocka_unit_test(test_binary_exception_callback),
		cmocka_unit_test(test_hardware_sync_addr),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
