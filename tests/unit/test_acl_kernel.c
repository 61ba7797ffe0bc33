/*
 * test_acl_kernel.c - kernel binaries on CPU (docs/acl.md section E): a
 * device binary built by CMake (tests/kernels/test_kernels.c, a MODULE
 * library whose path comes in as WEIR_TEST_KERNELS) is loaded from its file
 * and from its bytes, its kernels are launched with argument lists,
 * placeholders and host arguments on several streams and block counts, and
 * the results are checked; bad input gets ACL's codes; a failing kernel
 * fails its stream's synchronize; an unload racing a launch never unmaps
 * code that still runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acl/acl.h"
#include "weir/kernel.h"
#include "weir/sched.h"

#ifndef WEIR_TEST_KERNELS
#error "WEIR_TEST_KERNELS (the path of the test kernel binary) must be defined by CMake"
#endif

/* Library-internal (acl_compat/acl_internal.h); the static library has it. */
int weir__acl_kernel_task_info(weir_kernel_fn fn, const void *args, void **func_handle,
                               void **user_args, uint32_t *user_args_len);

#define NSTREAMS 3
#define NELEM    1000
#define MAXB     16

static aclrtStream streams[NSTREAMS];

static int setup(void **state)
{
	(void)state;
	alarm(120);
	setenv("WEIR_NO_PIN", "1", 1);
	setenv("WEIR_DEVICES", "2", 1);
	setenv("WEIR_WORKERS", "2", 1);
	if (aclInit(NULL) != ACL_SUCCESS || aclrtSetDevice(0) != ACL_SUCCESS)
		return -1;
	for (int i = 0; i < NSTREAMS; i++)
		if (aclrtCreateStream(&streams[i]) != ACL_SUCCESS)
			return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int i = 0; i < NSTREAMS; i++)
		aclrtDestroyStream(streams[i]);
	return aclFinalize() == ACL_SUCCESS ? 0 : -1;
}

struct saxpy_args {
	const float *x;
	const float *y;
	float *z;
	uint32_t *blocks;
	float scale;
	uint32_t n;
};

struct saxpy_ph_args {
	const float *x;
	const float *y;
	float *z;
	uint32_t *blocks;
	const float *scale;
	const uint32_t *n;
};

struct job {
	float *z;
	uint32_t blocks[MAXB + 8];
	float scale;
	uint32_t bd;
};

static float *xs, *ys;

static void inputs(void)
{
	if (xs)
		return;
	assert_int_equal(
	        aclrtMalloc((void **)&xs, NELEM * sizeof(float), ACL_MEM_MALLOC_HUGE_FIRST),
	        ACL_SUCCESS);
	assert_int_equal(
	        aclrtMalloc((void **)&ys, NELEM * sizeof(float), ACL_MEM_MALLOC_HUGE_FIRST),
	        ACL_SUCCESS);
	for (int i = 0; i < NELEM; i++) {
		xs[i] = (float)i;
		ys[i] = (float)(3 * i + 1);
	}
}

static void check_job(const struct job *j, uint32_t offset)
{
	for (int i = 0; i < NELEM; i++)
		if (j->z[i] != xs[i] * j->scale + ys[i])
			fail_msg("z[%d] = %f, want %f (blockDim %u)", i, j->z[i],
			         xs[i] * j->scale + ys[i], j->bd);
	for (uint32_t b = 0; b < MAXB + 8; b++) {
		uint32_t want = b >= offset && b < offset + j->bd ? 1 : 0;
		if (j->blocks[b] != want)
			fail_msg("block %u ran %u times, want %u (blockDim %u)", b, j->blocks[b],
			         want, j->bd);
	}
}

static void new_job(struct job *j, uint32_t bd, float scale)
{
	memset(j, 0, sizeof(*j));
	assert_int_equal(
	        aclrtMalloc((void **)&j->z, NELEM * sizeof(float), ACL_MEM_MALLOC_HUGE_FIRST),
	        ACL_SUCCESS);
	j->bd = bd;
	j->scale = scale;
}

static aclrtBinHandle load_file(void)
{
	aclrtBinHandle b = NULL;
	assert_int_equal(aclrtBinaryLoadFromFile(WEIR_TEST_KERNELS, NULL, &b), ACL_SUCCESS);
	assert_non_null(b);
	return b;
}

struct gate_args {
	_Atomic uint32_t *gate;
	_Atomic uint32_t *count;
};

static _Atomic uint32_t hold_gate, hold_count;

/* Hold every stream behind a gated kernel, so that what the host changes
 * after its launches is seen only if a launch failed to copy it. */
static void hold_streams(aclrtBinHandle bin)
{
	aclrtFuncHandle g;
	assert_int_equal(aclrtBinaryGetFunction(bin, "gated", &g), ACL_SUCCESS);
	atomic_store(&hold_gate, 0);
	struct gate_args ga = { &hold_gate, &hold_count };
	for (int s = 0; s < NSTREAMS; s++)
		assert_int_equal(aclrtLaunchKernelWithHostArgs(g, 1, streams[s], NULL, &ga,
		                                               sizeof(ga), NULL, 0),
		                 ACL_SUCCESS);
}

static void release_streams(void)
{
	atomic_store_explicit(&hold_gate, 1, memory_order_release);
}

static const uint32_t bds[] = { 1, 2, 3, 7, 16 };
#define NBD (sizeof(bds) / sizeof(bds[0]))

/* aclrtKernelArgs* lists (plain and placeholder) on several streams and
 * block counts. */
static void test_load_file_launch_args(void **state)
{
	(void)state;
	inputs();
	aclrtBinHandle bin = load_file();
	aclrtFuncHandle f, fph, again;
	assert_int_equal(aclrtBinaryGetFunction(bin, "saxpy", &f), ACL_SUCCESS);
	assert_int_equal(aclrtBinaryGetFunction(bin, "saxpy", &again), ACL_SUCCESS);
	assert_ptr_equal(f, again); /* one handle per kernel */
	assert_int_equal(aclrtBinaryGetFunction(bin, "saxpy_ph", &fph), ACL_SUCCESS);
	aclrtBinHandle back = NULL;
	assert_int_equal(aclrtFunctionGetBinary(f, &back), ACL_SUCCESS);
	assert_ptr_equal(back, bin);
	char name[16];
	assert_int_equal(aclrtGetFunctionName(f, sizeof(name), name), ACL_SUCCESS);
	assert_string_equal(name, "saxpy");

	struct job jobs[2 * NBD * NSTREAMS];
	int nj = 0;
	hold_streams(bin);
	for (size_t k = 0; k < NBD; k++) {
		for (int s = 0; s < NSTREAMS; s++) {
			/* Plain parameters. */
			struct job *j = &jobs[nj++];
			new_job(j, bds[k], 0.5f + (float)nj);
			aclrtArgsHandle a;
			aclrtParamHandle p;
			assert_int_equal(aclrtKernelArgsInit(f, &a), ACL_SUCCESS);
			const float *x = xs, *y = ys;
			float *z = j->z;
			uint32_t *blk = j->blocks;
			uint32_t n = NELEM;
			assert_int_equal(aclrtKernelArgsAppend(a, &x, sizeof(x), &p), ACL_SUCCESS);
			assert_int_equal(aclrtKernelArgsAppend(a, &y, sizeof(y), &p), ACL_SUCCESS);
			assert_int_equal(aclrtKernelArgsAppend(a, &z, sizeof(z), &p), ACL_SUCCESS);
			assert_int_equal(aclrtKernelArgsAppend(a, &blk, sizeof(blk), &p),
			                 ACL_SUCCESS);
			float wrong = -100.0f;
			aclrtParamHandle ps;
			assert_int_equal(aclrtKernelArgsAppend(a, &wrong, sizeof(wrong), &ps),
			                 ACL_SUCCESS);
			assert_int_equal(aclrtKernelArgsAppend(a, &n, sizeof(n), &p), ACL_SUCCESS);
			/* Updated after the append: the launch sees the update. */
			assert_int_equal(aclrtKernelArgsParaUpdate(a, ps, &j->scale, sizeof(float)),
			                 ACL_SUCCESS);
			assert_int_equal(aclrtKernelArgsFinalize(a), ACL_SUCCESS);
			assert_int_equal(
			        aclrtLaunchKernelWithConfig(f, bds[k], streams[s], NULL, a, NULL),
			        ACL_SUCCESS);
			/* The launch copied the list: changing it now changes nothing. */
			assert_int_equal(aclrtKernelArgsParaUpdate(a, ps, &wrong, sizeof(float)),
			                 ACL_SUCCESS);

			/* Placeholders: the scalars travel as data behind pointers. */
			j = &jobs[nj++];
			new_job(j, bds[k], 2.0f + (float)nj);
			assert_int_equal(aclrtKernelArgsInit(fph, &a), ACL_SUCCESS);
			z = j->z;
			blk = j->blocks;
			aclrtParamHandle p1, p2;
			assert_int_equal(aclrtKernelArgsAppend(a, &x, sizeof(x), &p), ACL_SUCCESS);
			assert_int_equal(aclrtKernelArgsAppend(a, &y, sizeof(y), &p), ACL_SUCCESS);
			assert_int_equal(aclrtKernelArgsAppend(a, &z, sizeof(z), &p), ACL_SUCCESS);
			assert_int_equal(aclrtKernelArgsAppend(a, &blk, sizeof(blk), &p),
			                 ACL_SUCCESS);
			assert_int_equal(aclrtKernelArgsAppendPlaceHolder(a, &p1), ACL_SUCCESS);
			assert_int_equal(aclrtKernelArgsAppendPlaceHolder(a, &p2), ACL_SUCCESS);
			float *sb;
			uint32_t *nb;
			assert_int_equal(aclrtKernelArgsGetPlaceHolderBuffer(a, p1, sizeof(float),
			                                                     (void **)&sb),
			                 ACL_SUCCESS);
			assert_int_equal(aclrtKernelArgsGetPlaceHolderBuffer(
			                         a, p2, sizeof(uint32_t), (void **)&nb),
			                 ACL_SUCCESS);
			*sb = j->scale;
			*nb = NELEM;
			assert_int_equal(aclrtKernelArgsFinalize(a), ACL_SUCCESS);
			assert_int_equal(
			        aclrtLaunchKernelWithConfig(fph, bds[k], streams[s], NULL, a, NULL),
			        ACL_SUCCESS);
			*sb = -1.0f; /* copied at launch */
		}
	}
	release_streams();
	for (int s = 0; s < NSTREAMS; s++)
		assert_int_equal(aclrtSynchronizeStream(streams[s]), ACL_SUCCESS);
	for (int i = 0; i < nj; i++) {
		check_job(&jobs[i], 0);
		aclrtFree(jobs[i].z);
	}
	assert_int_equal(aclrtBinaryUnLoad(bin), ACL_SUCCESS);
}

/* aclrtLaunchKernelWithHostArgs with placeholders, aclrtLaunchKernel with
 * device-memory arguments, a large argument block and entry lookups. */
static void test_host_args_and_entries(void **state)
{
	(void)state;
	inputs();
	aclrtBinHandle bin = load_file();
	aclrtFuncHandle fph, f, fe;
	assert_int_equal(aclrtBinaryGetFunction(bin, "saxpy_ph", &fph), ACL_SUCCESS);
	assert_int_equal(aclrtBinaryGetFunction(bin, "saxpy", &f), ACL_SUCCESS);
	assert_int_equal(aclrtBinaryGetFunctionByEntry(bin, weir_kernel_name_entry("saxpy"), &fe),
	                 ACL_SUCCESS);
	assert_ptr_equal(fe, f);

	struct job jobs[NBD * NSTREAMS];
	int nj = 0;
	struct host_block {
		struct saxpy_ph_args a;
		float scale;
		uint32_t n;
	} hb;
	aclrtPlaceHolderInfo ph[2] = {
		{ (uint32_t)offsetof(struct saxpy_ph_args, scale),
		  (uint32_t)offsetof(struct host_block, scale) },
		{ (uint32_t)offsetof(struct saxpy_ph_args, n),
		  (uint32_t)offsetof(struct host_block, n) },
	};
	for (size_t k = 0; k < NBD; k++) {
		for (int s = 0; s < NSTREAMS; s++) {
			struct job *j = &jobs[nj++];
			new_job(j, bds[k], 1.25f * (float)nj);
			memset(&hb, 0, sizeof(hb));
			hb.a.x = xs;
			hb.a.y = ys;
			hb.a.z = j->z;
			hb.a.blocks = j->blocks;
			hb.scale = j->scale;
			hb.n = NELEM;
			assert_int_equal(aclrtLaunchKernelWithHostArgs(fph, bds[k], streams[s],
			                                               NULL, &hb, sizeof(hb), ph,
			                                               2),
			                 ACL_SUCCESS);
			hb.scale = -7.0f; /* copied at launch */
		}
	}
	/* aclrtLaunchKernel: the arguments are in device memory. */
	struct job dj;
	new_job(&dj, 4, 3.0f);
	struct saxpy_args *dargs;
	assert_int_equal(aclrtMalloc((void **)&dargs, sizeof(*dargs), ACL_MEM_MALLOC_HUGE_FIRST),
	                 ACL_SUCCESS);
	struct saxpy_args ha = { xs, ys, dj.z, dj.blocks, dj.scale, NELEM };
	assert_int_equal(
	        aclrtMemcpy(dargs, sizeof(*dargs), &ha, sizeof(ha), ACL_MEMCPY_HOST_TO_DEVICE),
	        ACL_SUCCESS);
	assert_int_equal(aclrtLaunchKernel(f, 4, dargs, sizeof(*dargs), streams[0]), ACL_SUCCESS);

	/* A 16 KiB argument block, found by its explicit entry. */
	aclrtFuncHandle fb, fb2;
	assert_int_equal(aclrtBinaryGetFunctionByEntry(bin, 0x5151, &fb), ACL_SUCCESS);
	assert_int_equal(aclrtBinaryGetFunction(bin, "big_sum", &fb2), ACL_SUCCESS);
	assert_ptr_equal(fb, fb2);
	struct big_args {
		uint64_t *out;
		uint64_t nwords;
		uint64_t words[2048];
	} *big = calloc(1, sizeof(*big));
	uint64_t out = 0, want = 0;
	big->out = &out;
	big->nwords = 2048;
	for (uint64_t i = 0; i < 2048; i++) {
		big->words[i] = i * 7 + 1;
		want += i * 7 + 1;
	}
	assert_int_equal(
	        aclrtLaunchKernelWithHostArgs(fb, 1, streams[1], NULL, big, sizeof(*big), NULL, 0),
	        ACL_SUCCESS);
	memset(big->words, 0, sizeof(big->words)); /* copied at launch */
	release_streams();

	for (int s = 0; s < NSTREAMS; s++)
		assert_int_equal(aclrtSynchronizeStream(streams[s]), ACL_SUCCESS);
	for (int i = 0; i < nj; i++) {
		check_job(&jobs[i], 0);
		aclrtFree(jobs[i].z);
	}
	check_job(&dj, 0);
	aclrtFree(dj.z);
	aclrtFree(dargs);
	assert_int_equal(out, want);
	free(big);
	assert_int_equal(aclrtBinaryUnLoad(bin), ACL_SUCCESS);
}

static void *read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	void *buf = malloc((size_t)n);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static void run_saxpy_once(aclrtBinHandle bin, uint32_t bd, float scale)
{
	aclrtFuncHandle f;
	assert_int_equal(aclrtBinaryGetFunction(bin, "saxpy", &f), ACL_SUCCESS);
	struct job j;
	new_job(&j, bd, scale);
	struct saxpy_args ha = { xs, ys, j.z, j.blocks, scale, NELEM };
	assert_int_equal(
	        aclrtLaunchKernelWithHostArgs(f, bd, streams[2], NULL, &ha, sizeof(ha), NULL, 0),
	        ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(streams[2]), ACL_SUCCESS);
	check_job(&j, 0);
	aclrtFree(j.z);
}

static void test_load_from_data(void **state)
{
	(void)state;
	inputs();
	size_t len;
	void *bytes = read_file(WEIR_TEST_KERNELS, &len);
	aclrtBinHandle b1, b2;
	assert_int_equal(aclrtBinaryLoadFromData(bytes, len, NULL, &b1), ACL_SUCCESS);
	aclrtBinary desc = aclrtCreateBinary(bytes, len);
	assert_non_null(desc);
	assert_int_equal(aclrtBinaryLoad(desc, &b2), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyBinary(desc), ACL_SUCCESS);
	free(bytes); /* the loaded binaries keep their own copies */
	assert_ptr_not_equal(b1, b2);
	run_saxpy_once(b1, 5, 4.0f);
	run_saxpy_once(b2, 3, 6.0f);
	assert_int_equal(aclrtBinaryUnLoad(b1), ACL_SUCCESS);
	run_saxpy_once(b2, 2, 8.0f); /* independent of b1 */
	assert_int_equal(aclrtBinaryUnLoad(b2), ACL_SUCCESS);
}

static void test_bad_input(void **state)
{
	(void)state;
	inputs();
	aclrtBinHandle bin = load_file(), b = NULL;
	aclrtFuncHandle f, fph, g = NULL;
	void *garbage = (void *)(uintptr_t)0x12345678;
	assert_int_equal(aclrtBinaryGetFunction(bin, "saxpy", &f), ACL_SUCCESS);
	assert_int_equal(aclrtBinaryGetFunction(bin, "saxpy_ph", &fph), ACL_SUCCESS);

	/* Loading. */
	assert_int_equal(aclrtBinaryLoadFromFile(NULL, NULL, &b), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtBinaryLoadFromFile(WEIR_TEST_KERNELS, NULL, NULL),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtBinaryLoadFromFile("/nonexistent/kernels.so", NULL, &b),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtBinaryLoadFromFile("/proc/self/cmdline", NULL, &b),
	                 ACL_ERROR_RT_PARAM_INVALID);
	aclrtBinaryLoadOption bad_opt = { (aclrtBinaryLoadOptionType)77, { 0 } };
	aclrtBinaryLoadOptions opts = { &bad_opt, 1 };
	assert_int_equal(aclrtBinaryLoadFromFile(WEIR_TEST_KERNELS, &opts, &b),
	                 ACL_ERROR_RT_PARAM_INVALID);
	aclrtBinaryLoadOptions null_opts = { NULL, 1 };
	assert_int_equal(aclrtBinaryLoadFromFile(WEIR_TEST_KERNELS, &null_opts, &b),
	                 ACL_ERROR_INVALID_PARAM);
	static const char junk[64] = "not an ELF file";
	assert_int_equal(aclrtBinaryLoadFromData(junk, sizeof(junk), NULL, &b),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtBinaryLoadFromData(junk, 0, NULL, &b), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtBinaryLoadFromData(NULL, 10, NULL, &b), ACL_ERROR_INVALID_PARAM);

	/* Functions. */
	assert_int_equal(aclrtBinaryGetFunction(NULL, "saxpy", &g), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtBinaryGetFunction(bin, NULL, &g), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtBinaryGetFunction(bin, "saxpy", NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtBinaryGetFunction(bin, "no_such_kernel", &g),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_non_null(strstr(aclGetRecentErrMsg(), "no_such_kernel"));
	assert_int_equal(aclrtBinaryGetFunction(bin, "not_a_kernel", &g),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtBinaryGetFunction(bin, "malloc", &g), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtBinaryGetFunction(bin, "../saxpy", &g), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtBinaryGetFunction(garbage, "saxpy", &g), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtBinaryGetFunction(streams[0], "saxpy", &g),
	                 ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtBinaryGetFunction(f, "saxpy", &g), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtBinaryGetFunctionByEntry(bin, 0xdead, &g),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtBinaryGetFunctionByEntry(NULL, 1, &g), ACL_ERROR_INVALID_PARAM);
	char small[3];
	assert_int_equal(aclrtGetFunctionName(f, sizeof(small), small), ACL_ERROR_RT_PARAM_INVALID);
	assert_null(g);

	/* Launch. */
	struct job j;
	new_job(&j, 2, 1.0f);
	struct saxpy_args ha = { xs, ys, j.z, j.blocks, 1.0f, NELEM };
	assert_int_equal(
	        aclrtLaunchKernelWithHostArgs(NULL, 2, streams[0], NULL, &ha, sizeof(ha), NULL, 0),
	        ACL_ERROR_INVALID_PARAM);
	assert_int_equal(
	        aclrtLaunchKernelWithHostArgs(f, 0, streams[0], NULL, &ha, sizeof(ha), NULL, 0),
	        ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtLaunchKernel(f, 0, &ha, sizeof(ha), streams[0]),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtLaunchKernel(f, 1, NULL, sizeof(ha), streams[0]),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(
	        aclrtLaunchKernelWithHostArgs(f, 2, streams[0], NULL, NULL, sizeof(ha), NULL, 0),
	        ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtLaunchKernelWithHostArgs(garbage, 2, streams[0], NULL, &ha,
	                                               sizeof(ha), NULL, 0),
	                 ACL_ERROR_RT_INVALID_HANDLE);
	/* Fewer argument bytes than the kernel's argument type. */
	assert_int_equal(aclrtLaunchKernelWithHostArgs(f, 2, streams[0], NULL, &ha, 8, NULL, 0),
	                 ACL_ERROR_RT_PARAM_INVALID);
	aclrtPlaceHolderInfo oob = { (uint32_t)sizeof(ha) - 4, 0 };
	assert_int_equal(
	        aclrtLaunchKernelWithHostArgs(f, 2, streams[0], NULL, &ha, sizeof(ha), &oob, 1),
	        ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(
	        aclrtLaunchKernelWithHostArgs(f, 2, streams[0], NULL, &ha, sizeof(ha), NULL, 1),
	        ACL_ERROR_INVALID_PARAM);
	assert_int_equal(
	        aclrtLaunchKernelWithHostArgs(f, 2, garbage, NULL, &ha, sizeof(ha), NULL, 0),
	        ACL_ERROR_RT_INVALID_HANDLE);
	/* Attributes. */
	aclrtLaunchKernelAttr at[2];
	memset(at, 0, sizeof(at));
	at[0].id = (aclrtLaunchKernelAttrId)99;
	aclrtLaunchKernelCfg cfg = { at, 1 };
	assert_int_equal(
	        aclrtLaunchKernelWithHostArgs(f, 2, streams[0], &cfg, &ha, sizeof(ha), NULL, 0),
	        ACL_ERROR_RT_PARAM_INVALID);
	at[0].id = ACL_RT_LAUNCH_KERNEL_ATTR_TIMEOUT;
	at[0].value.timeout = 1;
	at[1].id = ACL_RT_LAUNCH_KERNEL_ATTR_TIMEOUT_US;
	at[1].value.timeoutUs.timeoutLow = 5;
	cfg.numAttrs = 2;
	assert_int_equal(
	        aclrtLaunchKernelWithHostArgs(f, 2, streams[0], &cfg, &ha, sizeof(ha), NULL, 0),
	        ACL_ERROR_RT_PARAM_INVALID);
	at[0].id = ACL_RT_LAUNCH_KERNEL_ATTR_SCHEM_MODE;
	at[0].value.schemMode = 7;
	cfg.numAttrs = 1;
	assert_int_equal(
	        aclrtLaunchKernelWithHostArgs(f, 2, streams[0], &cfg, &ha, sizeof(ha), NULL, 0),
	        ACL_ERROR_RT_PARAM_INVALID);

	/* Argument lists. */
	aclrtArgsHandle a;
	aclrtParamHandle p;
	uint64_t v = 1;
	assert_int_equal(aclrtKernelArgsInit(NULL, &a), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtKernelArgsInit(f, NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtKernelArgsInit(garbage, &a), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtKernelArgsAppend(NULL, &v, 8, &p), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtKernelArgsAppend(garbage, &v, 8, &p), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtKernelArgsAppend(bin, &v, 8, &p), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtKernelArgsFinalize(garbage), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtLaunchKernelWithConfig(f, 1, streams[0], NULL, garbage, NULL),
	                 ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtLaunchKernelWithConfig(f, 1, streams[0], NULL, NULL, NULL),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtKernelArgsInit(f, &a), ACL_SUCCESS);
	assert_int_equal(aclrtKernelArgsAppend(a, &v, 0, &p), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtKernelArgsAppend(a, NULL, 8, &p), ACL_ERROR_INVALID_PARAM);
	for (int i = 0; i < 128; i++)
		assert_int_equal(aclrtKernelArgsAppend(a, &v, 8, &p), ACL_SUCCESS);
	/* 129 parameters: over ACL's limit. */
	assert_int_equal(aclrtKernelArgsAppend(a, &v, 8, &p), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtKernelArgsInit(f, &a), ACL_SUCCESS); /* reset */
	static unsigned char huge[70000];
	assert_int_equal(aclrtKernelArgsAppend(a, huge, sizeof(huge), &p),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtKernelArgsAppend(a, &v, 8, &p), ACL_SUCCESS);
	assert_int_equal(aclrtKernelArgsGetPlaceHolderBuffer(a, p, 8, (void **)&g),
	                 ACL_ERROR_RT_PARAM_INVALID); /* not a placeholder */
	assert_int_equal(aclrtKernelArgsGetPlaceHolderBuffer(a, (aclrtParamHandle)(uintptr_t)99, 8,
	                                                     (void **)&g),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtKernelArgsParaUpdate(a, p, &v, 4), ACL_ERROR_RT_PARAM_INVALID);
	aclrtParamHandle ph;
	assert_int_equal(aclrtKernelArgsAppendPlaceHolder(a, &ph), ACL_SUCCESS);
	void *buf;
	assert_int_equal(aclrtKernelArgsGetPlaceHolderBuffer(a, ph, 8, &buf), ACL_SUCCESS);
	/* Parameters come before placeholder data. */
	assert_int_equal(aclrtKernelArgsAppend(a, &v, 8, &p), ACL_ERROR_RT_FEATURE_NOT_SUPPORT);
	assert_int_equal(aclrtKernelArgsFinalize(a), ACL_SUCCESS);
	assert_int_equal(aclrtKernelArgsAppendPlaceHolder(a, &ph),
	                 ACL_ERROR_RT_FEATURE_NOT_SUPPORT);
	/* A list made for saxpy launched as saxpy_ph. */
	assert_int_equal(aclrtLaunchKernelWithConfig(fph, 1, streams[0], NULL, a, NULL),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtLaunchKernelWithConfig(f, 1, streams[0], NULL, a, (void *)1),
	                 ACL_ERROR_INVALID_PARAM);
	/* Too few bytes for saxpy's arguments (8 + placeholder + its data). */
	assert_int_equal(aclrtLaunchKernelWithConfig(f, 1, streams[0], NULL, a, NULL),
	                 ACL_ERROR_RT_PARAM_INVALID);

	/* A user-memory list overflows at the size it was given. */
	size_t hsz = 0, msz = 0;
	assert_int_equal(aclrtKernelArgsGetHandleMemSize(f, &hsz), ACL_SUCCESS);
	assert_int_equal(aclrtKernelArgsGetMemSize(f, 16, &msz), ACL_SUCCESS);
	assert_true(msz >= 16);
	void *hmem = malloc(hsz);
	unsigned char umem[16];
	assert_int_equal(aclrtKernelArgsInitByUserMem(f, hmem, umem, sizeof(umem)), ACL_SUCCESS);
	assert_int_equal(aclrtKernelArgsAppend(hmem, &v, 8, &p), ACL_SUCCESS);
	assert_int_equal(aclrtKernelArgsAppend(hmem, &v, 8, &p), ACL_SUCCESS);
	assert_int_equal(aclrtKernelArgsAppend(hmem, &v, 8, &p), ACL_ERROR_RT_PARAM_INVALID);
	assert_memory_equal(umem, &v, 8); /* the bytes are in the user's buffer */
	assert_int_equal(aclrtKernelArgsInitByUserMem(f, NULL, umem, 16), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtKernelArgsInitByUserMem(f, hmem, umem, 0), ACL_ERROR_INVALID_PARAM);
	/* hmem stays registered: aclFinalize frees the list. */

	/* Wrong device: a stream of device 1's context. */
	aclrtContext c1, c0;
	aclrtStream s1;
	assert_int_equal(aclrtGetCurrentContext(&c0), ACL_SUCCESS);
	assert_int_equal(aclrtCreateContext(&c1, 1), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&s1), ACL_SUCCESS);
	assert_int_equal(aclrtSetCurrentContext(c0), ACL_SUCCESS);
	assert_int_equal(aclrtLaunchKernelWithHostArgs(f, 2, s1, NULL, &ha, sizeof(ha), NULL, 0),
	                 ACL_ERROR_RT_STREAM_CONTEXT);
	/* ... and the same launch from device 1's context runs there. */
	assert_int_equal(aclrtSetCurrentContext(c1), ACL_SUCCESS);
	assert_int_equal(aclrtLaunchKernelWithHostArgs(f, 2, s1, NULL, &ha, sizeof(ha), NULL, 0),
	                 ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s1), ACL_SUCCESS);
	check_job(&j, 0);
	assert_int_equal(aclrtDestroyStream(s1), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyContext(c1), ACL_SUCCESS);
	assert_int_equal(aclrtSetCurrentContext(c0), ACL_SUCCESS);

	/* Unloaded: every handle of the binary is stale. */
	assert_int_equal(aclrtKernelArgsInit(f, &a), ACL_SUCCESS);
	assert_int_equal(aclrtBinaryUnLoad(NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtBinaryUnLoad(bin), ACL_SUCCESS);
	assert_int_equal(aclrtBinaryUnLoad(bin), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtBinaryGetFunction(bin, "saxpy", &g), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(
	        aclrtLaunchKernelWithHostArgs(f, 2, streams[0], NULL, &ha, sizeof(ha), NULL, 0),
	        ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtLaunchKernelWithConfig(f, 1, streams[0], NULL, a, NULL),
	                 ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtKernelArgsInit(f, &a), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtGetFunctionName(f, 16, small), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtSynchronizeStream(streams[0]), ACL_SUCCESS); /* nothing queued */
	aclrtFree(j.z);
	free(hmem);
}

struct fail_args {
	int32_t code;
	uint32_t block;
};

/* A kernel's error fails its stream's synchronize: a code >= 100000
 * verbatim, any other as 507015; the stream goes on afterwards. */
static void test_kernel_error(void **state)
{
	(void)state;
	aclrtBinHandle bin = load_file();
	aclrtFuncHandle f;
	assert_int_equal(aclrtBinaryGetFunction(bin, "fail_with", &f), ACL_SUCCESS);
	struct fail_args fa = { -3, 2 };
	assert_int_equal(
	        aclrtLaunchKernelWithHostArgs(f, 4, streams[1], NULL, &fa, sizeof(fa), NULL, 0),
	        ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(streams[1]), ACL_ERROR_RT_AICORE_EXCEPTION);
	fa.code = ACL_ERROR_RT_AICORE_TRAP_EXCEPTION;
	fa.block = 0;
	assert_int_equal(
	        aclrtLaunchKernelWithHostArgs(f, 1, streams[1], NULL, &fa, sizeof(fa), NULL, 0),
	        ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(streams[1]), ACL_ERROR_RT_AICORE_TRAP_EXCEPTION);
	fa.block = 99; /* no block fails */
	assert_int_equal(
	        aclrtLaunchKernelWithHostArgs(f, 3, streams[1], NULL, &fa, sizeof(fa), NULL, 0),
	        ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(streams[1]), ACL_SUCCESS);
	assert_int_equal(aclrtBinaryUnLoad(bin), ACL_SUCCESS);
}

struct slow_args {
	uint64_t ms;
	uint64_t *sizes;
};

/* Attributes: the time-out fails a kernel that ran too long (507014); the
 * dynamic UB size gives each block that much scratch; the block offset
 * shifts the block indices. */
static void test_attributes(void **state)
{
	(void)state;
	inputs();
	aclrtBinHandle bin = load_file();
	aclrtFuncHandle fs, f;
	assert_int_equal(aclrtBinaryGetFunction(bin, "slow", &fs), ACL_SUCCESS);
	assert_int_equal(aclrtBinaryGetFunction(bin, "saxpy", &f), ACL_SUCCESS);
	aclrtLaunchKernelAttr at[3];
	memset(at, 0, sizeof(at));
	at[0].id = ACL_RT_LAUNCH_KERNEL_ATTR_TIMEOUT_US;
	at[0].value.timeoutUs.timeoutLow = 1000; /* 1 ms */
	aclrtLaunchKernelCfg cfg = { at, 1 };
	struct slow_args sa = { 30, NULL };
	assert_int_equal(
	        aclrtLaunchKernelWithHostArgs(fs, 2, streams[0], &cfg, &sa, sizeof(sa), NULL, 0),
	        ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(streams[0]), ACL_ERROR_RT_AICORE_TIMEOUT);
	uint64_t sizes[4] = { 0 };
	sa.ms = 0;
	sa.sizes = sizes;
	at[0].id = ACL_RT_LAUNCH_KERNEL_ATTR_DYN_UBUF_SIZE;
	at[0].value.dynUBufSize = 4096;
	at[1].id = ACL_RT_LAUNCH_KERNEL_ATTR_ENGINE_TYPE;
	at[1].value.engineType = ACL_RT_ENGINE_TYPE_AIV;
	at[2].id = ACL_RT_LAUNCH_KERNEL_ATTR_TIMEOUT;
	at[2].value.timeout = 60;
	cfg.numAttrs = 3;
	assert_int_equal(
	        aclrtLaunchKernelWithHostArgs(fs, 4, streams[0], &cfg, &sa, sizeof(sa), NULL, 0),
	        ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(streams[0]), ACL_SUCCESS);
	for (int i = 0; i < 4; i++)
		assert_int_equal(sizes[i], 4096);

	struct job j;
	new_job(&j, 3, 2.0f);
	struct saxpy_args ha = { xs, ys, j.z, j.blocks, 2.0f, NELEM };
	at[0].id = ACL_RT_LAUNCH_KERNEL_ATTR_BLOCKDIM_OFFSET;
	at[0].value.blockDimOffset = 5;
	cfg.numAttrs = 1;
	assert_int_equal(
	        aclrtLaunchKernelWithHostArgs(f, 3, streams[0], &cfg, &ha, sizeof(ha), NULL, 0),
	        ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(streams[0]), ACL_SUCCESS);
	/* weir_kernel_split uses block_idx % block_num: the data is covered. */
	check_job(&j, 5);
	aclrtFree(j.z);
	assert_int_equal(aclrtBinaryUnLoad(bin), ACL_SUCCESS);
}

/* Unload while launches are queued or running: the code stays mapped until
 * they retire; an aborted launch is released (no leak under ASan). */
static void test_unload_in_flight(void **state)
{
	(void)state;
	aclrtBinHandle bin = load_file();
	aclrtFuncHandle f;
	assert_int_equal(aclrtBinaryGetFunction(bin, "gated", &f), ACL_SUCCESS);
	static _Atomic uint32_t gate, count;
	atomic_store(&gate, 0);
	atomic_store(&count, 0);
	struct gate_args ga = { &gate, &count };
	for (int s = 0; s < NSTREAMS; s++)
		for (int k = 0; k < 3; k++)
			assert_int_equal(aclrtLaunchKernelWithHostArgs(f, 2, streams[s], NULL, &ga,
			                                               sizeof(ga), NULL, 0),
			                 ACL_SUCCESS);
	assert_int_equal(aclrtBinaryUnLoad(bin), ACL_SUCCESS);
	assert_int_equal(
	        aclrtLaunchKernelWithHostArgs(f, 1, streams[0], NULL, &ga, sizeof(ga), NULL, 0),
	        ACL_ERROR_RT_INVALID_HANDLE);
	/* Discard what has not started on stream 2. */
	assert_int_equal(aclrtStreamAbort(streams[2]), ACL_SUCCESS);
	atomic_store_explicit(&gate, 1, memory_order_release);
	for (int s = 0; s < 2; s++)
		assert_int_equal(aclrtSynchronizeStream(streams[s]), ACL_SUCCESS);
	(void)aclrtSynchronizeStream(streams[2]); /* may report the abort */
	uint32_t c = atomic_load(&count);
	assert_true(c >= 2 * 3 * 2 && c <= 3 * 3 * 2);
}

/* A launch left queued on a force-destroyed stream still runs; a loaded
 * binary and argument lists left at aclFinalize are freed there (the
 * teardown's aclFinalize; ASan checks for leaks). */
static void test_left_for_finalize(void **state)
{
	(void)state;
	inputs();
	aclrtBinHandle bin = load_file();
	aclrtFuncHandle f;
	assert_int_equal(aclrtBinaryGetFunction(bin, "saxpy", &f), ACL_SUCCESS);
	aclrtStream s;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	struct job j;
	new_job(&j, 4, 9.0f);
	struct saxpy_args ha = { xs, ys, j.z, j.blocks, 9.0f, NELEM };
	assert_int_equal(aclrtLaunchKernelWithHostArgs(f, 4, s, NULL, &ha, sizeof(ha), NULL, 0),
	                 ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStreamForce(s), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeDevice(), ACL_SUCCESS);
	check_job(&j, 0);
	aclrtFree(j.z);
	aclrtArgsHandle a;
	aclrtParamHandle p;
	assert_int_equal(aclrtKernelArgsInit(f, &a), ACL_SUCCESS);
	assert_int_equal(aclrtKernelArgsAppend(a, &ha, sizeof(ha), &p), ACL_SUCCESS);
	/* bin stays loaded. */
}

static int not_tramp(void *a, uint32_t b, uint32_t n)
{
	(void)a;
	(void)b;
	(void)n;
	return 0;
}

static void test_task_info(void **state)
{
	(void)state;
	void *fh = (void *)1, *ua = (void *)1;
	uint32_t len = 7;
	uint64_t args[2] = { 0, 0 };
	/* Not a kernel launched through aclrtLaunchKernel*: nothing is read. */
	assert_int_not_equal(weir__acl_kernel_task_info(not_tramp, args, &fh, &ua, &len), 0);
	assert_ptr_equal(fh, (void *)1);
	assert_int_equal(len, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_file_launch_args),
		cmocka_unit_test(test_host_args_and_entries),
		cmocka_unit_test(test_load_from_data),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_kernel_error),
		cmocka_unit_test(test_attributes),
		cmocka_unit_test(test_unload_in_flight),
		cmocka_unit_test(test_task_info),
		cmocka_unit_test(test_left_for_finalize),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
