/*
 * examples/kernel_launch.c - load a weir device binary (the CPU kernel of
 * examples/kernels/vector_add.c, built as a MODULE library) and launch it
 * through the ACL kernel API, as an AscendC host program does
 * (docs/porting-kernels.md). Usage: kernel_launch [path-of-the-binary].
 */
#include <stdint.h>
#include <stdio.h>

#include "acl/acl.h"

#ifndef KERNEL_BINARY
#define KERNEL_BINARY "./libvector_add_kernels.so"
#endif

#define CHECK(x)                                                              \
	do {                                                                  \
		aclError rc_ = (x);                                           \
		if (rc_ != ACL_SUCCESS) {                                     \
			fprintf(stderr, "%s failed: %d (%s)\n", #x, (int)rc_, \
			        aclGetRecentErrMsg());                        \
			return 1;                                             \
		}                                                             \
	} while (0)

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : KERNEL_BINARY;
	enum { N = 8 * 2048, BLOCKS = 8 };
	CHECK(aclInit(NULL));
	CHECK(aclrtSetDevice(0));
	aclrtStream stream;
	CHECK(aclrtCreateStream(&stream));
	float *x, *y, *z;
	CHECK(aclrtMalloc((void **)&x, N * sizeof(float), ACL_MEM_MALLOC_HUGE_FIRST));
	CHECK(aclrtMalloc((void **)&y, N * sizeof(float), ACL_MEM_MALLOC_HUGE_FIRST));
	CHECK(aclrtMalloc((void **)&z, N * sizeof(float), ACL_MEM_MALLOC_HUGE_FIRST));
	for (int i = 0; i < N; i++) {
		x[i] = (float)i;
		y[i] = 2.0f * (float)i;
	}

	aclrtBinHandle bin;
	aclrtFuncHandle fn;
	aclrtArgsHandle args;
	aclrtParamHandle p;
	CHECK(aclrtBinaryLoadFromFile(path, NULL, &bin));
	CHECK(aclrtBinaryGetFunction(bin, "vector_add", &fn));
	CHECK(aclrtKernelArgsInit(fn, &args));
	uint64_t n = N;
	CHECK(aclrtKernelArgsAppend(args, &x, sizeof(x), &p));
	CHECK(aclrtKernelArgsAppend(args, &y, sizeof(y), &p));
	CHECK(aclrtKernelArgsAppend(args, &z, sizeof(z), &p));
	CHECK(aclrtKernelArgsAppend(args, &n, sizeof(n), &p));
	CHECK(aclrtKernelArgsFinalize(args));
	CHECK(aclrtLaunchKernelWithConfig(fn, BLOCKS, stream, NULL, args, NULL));
	CHECK(aclrtSynchronizeStream(stream));

	int bad = 0;
	for (int i = 0; i < N; i++)
		bad += z[i] != 3.0f * (float)i;
	printf("vector_add on %d blocks: %s\n", BLOCKS, bad ? "WRONG" : "ok");

	CHECK(aclrtBinaryUnLoad(bin));
	CHECK(aclrtFree(x));
	CHECK(aclrtFree(y));
	CHECK(aclrtFree(z));
	CHECK(aclrtDestroyStream(stream));
	CHECK(aclrtResetDevice(0));
	CHECK(aclFinalize());
	return bad ? 1 : 0;
}
