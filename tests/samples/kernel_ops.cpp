/*
 * tests/samples/kernel_ops.cpp - CPU versions of the kernels that Huawei's
 * runtime samples launch through example/kernel_func/kernel_ops.h and
 * kernel_add.h (AscendC kernels there; plain C++ kernels on weir's native
 * launch here). Each function launches `blockDim` blocks on the given
 * aclrtStream, as the <<<blockDim, nullptr, stream>>> launch does, and the
 * kernels compute what the AscendC ones compute. Used by scripts/samples.sh.
 *
 * The declarations come from the samples' headers when scripts/samples.sh
 * builds them; the prototypes are repeated here so this file also compiles
 * on its own.
 */
#include <cstdint>
#include <cstdio>

#include "acl/acl.h"
#include "acl/weir_acl.h"
#include "weir/sched.h"

void EasyOP(uint32_t blockDim, void *stream, uint32_t *x);
void ErrorOP(uint32_t blockDim, void *stream);
void LongOP(uint32_t blockDim, void *stream, uint32_t *x);
void ShortOP(uint32_t blockDim, void *stream, uint32_t *x);
void WriteDo(uint32_t blockDim, void *stream, int *devPtr, int value);
void ReadDo(uint32_t blockDim, void *stream, int *devPtr);
void PrintDo(uint32_t blockDim, void *stream);
void AddDo(uint32_t blockDim, void *stream, float *srcA, float *srcB, float *dst,
           uint32_t totalSize);

namespace
{

/* A trap in an AIV kernel is reported by the real runtime as a vector core
 * exception; the samples' READMEs show this code from the failing sync. */
constexpr int kTrapCode = ACL_ERROR_RT_VECTOR_CORE_EXCEPTION;

void launch(const char *name, void *stream, weir_kernel_fn fn, const void *args, size_t size,
            uint32_t blockDim)
{
	weir_stream_t *ws = nullptr;
	int rc = weir_session_acl_stream(stream, &ws);
	if (rc == WEIR_OK)
		rc = weir_launch(ws, fn, args, size, blockDim, 0);
	if (rc != WEIR_OK)
		std::fprintf(stderr, "kernel_ops: launching %s failed: %s\n", name,
		             weir_strerror(rc));
}

struct PtrArgs {
	uint32_t *x;
};

int easy_kernel(void *args, uint32_t block, uint32_t)
{
	static_cast<PtrArgs *>(args)->x[block] += 1;
	return 0;
}

int error_kernel(void *, uint32_t, uint32_t)
{
	return kTrapCode;
}

/* The same float recurrence as long_OP.cpp: long-running on purpose. */
int long_kernel(void *args, uint32_t block, uint32_t)
{
	volatile float sink;
	float temp = 0.0f;
	for (int i = 0; i < 10000; i++) {
		temp += 0.00002f;
		temp *= 0.02f;
		for (int j = 0; j < 25000; j++) {
			temp = temp * temp - 0.000002f;
			temp = temp + (temp * 0.05f);
			temp = temp * temp + 0.00001f;
			temp = temp > 1.0f ? 0.0f : temp;
		}
		temp -= 0.00003f * temp;
	}
	sink = temp;
	static_cast<PtrArgs *>(args)->x[block] += sink > 0.0f ? 1 : 0;
	return 0;
}

int short_kernel(void *args, uint32_t block, uint32_t)
{
	static_cast<PtrArgs *>(args)->x[block] *= 2;
	return 0;
}

struct WriteArgs {
	int *dev;
	int value;
};

int write_kernel(void *args, uint32_t block, uint32_t)
{
	const WriteArgs *a = static_cast<const WriteArgs *>(args);
	a->dev[block] = a->value;
	std::printf("Source data: %d\n", a->value);
	return 0;
}

int read_kernel(void *args, uint32_t block, uint32_t)
{
	const WriteArgs *a = static_cast<const WriteArgs *>(args);
	std::printf("Destination data: %d\n", a->dev[block]);
	return 0;
}

int print_kernel(void *, uint32_t, uint32_t)
{
	std::printf("Hello World\n");
	return 0;
}

struct AddArgs {
	const float *a;
	const float *b;
	float *dst;
	uint32_t total;
};

/* Each block adds its contiguous share, total / nblocks elements, as the
 * AscendC kernel's Init() splits the work. */
int add_kernel(void *args, uint32_t block, uint32_t nblocks)
{
	const AddArgs *p = static_cast<const AddArgs *>(args);
	uint32_t per = p->total / nblocks;
	for (uint32_t i = block * per; i < (block + 1) * per; i++)
		p->dst[i] = p->a[i] + p->b[i];
	return 0;
}

} // namespace

void EasyOP(uint32_t blockDim, void *stream, uint32_t *x)
{
	PtrArgs a{ x };
	launch("EasyOP", stream, easy_kernel, &a, sizeof a, blockDim);
}

void ErrorOP(uint32_t blockDim, void *stream)
{
	launch("ErrorOP", stream, error_kernel, nullptr, 0, blockDim);
}

void LongOP(uint32_t blockDim, void *stream, uint32_t *x)
{
	PtrArgs a{ x };
	launch("LongOP", stream, long_kernel, &a, sizeof a, blockDim);
}

void ShortOP(uint32_t blockDim, void *stream, uint32_t *x)
{
	PtrArgs a{ x };
	launch("ShortOP", stream, short_kernel, &a, sizeof a, blockDim);
}

void WriteDo(uint32_t blockDim, void *stream, int *devPtr, int value)
{
	WriteArgs a{ devPtr, value };
	launch("WriteDo", stream, write_kernel, &a, sizeof a, blockDim);
}

void ReadDo(uint32_t blockDim, void *stream, int *devPtr)
{
	WriteArgs a{ devPtr, 0 };
	launch("ReadDo", stream, read_kernel, &a, sizeof a, blockDim);
}

void PrintDo(uint32_t blockDim, void *stream)
{
	launch("PrintDo", stream, print_kernel, nullptr, 0, blockDim);
}

void AddDo(uint32_t blockDim, void *stream, float *srcA, float *srcB, float *dst,
           uint32_t totalSize)
{
	AddArgs a{ srcA, srcB, dst, totalSize };
	launch("AddDo", stream, add_kernel, &a, sizeof a, blockDim);
}
