/*
 * Unit tests: the ACL memory calls - alignment and padding, every memory
 * row of the bad-input table (shared/spec/acl-runtime.md section 12) with
 * its exact code, weir's stricter checks (each leaves memory and
 * aclrtGetMemInfo untouched), and aclrtGetMemInfo exact after a sequence.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "acl/acl.h"

#define MiB    ((size_t)1 << 20)
#define A32(s) ((((size_t)(s)) + 31u) & ~(size_t)31u)

static int setup(void **state)
{
	(void)state;
	setenv("WEIR_DEVICES", "2", 1);
	setenv("WEIR_MEM_CAPACITY", "64M", 1);
	setenv("WEIR_NO_PIN", "1", 1);
	if (aclInit(NULL) != ACL_SUCCESS)
		return -1;
	return aclrtSetDevice(0) == ACL_SUCCESS ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	aclrtResetDevice(0);
	return aclFinalize() == ACL_SUCCESS ? 0 : -1;
}

static size_t free_now(void)
{
	size_t f = 0, t = 0;
	assert_int_equal(aclrtGetMemInfo(ACL_HBM_MEM, &f, &t), ACL_SUCCESS);
	assert_int_equal(t, 64 * MiB);
	return f;
}

static void fill_pat(void *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		((uint8_t *)p)[i] = (uint8_t)(seed + i * 13);
}

static bool check_pat(const void *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		if (((const uint8_t *)p)[i] != (uint8_t)(seed + i * 13))
			return false;
	return true;
}

static void test_malloc_meminfo_exact(void **state)
{
	(void)state;
	size_t total0 = free_now();
	assert_int_equal(total0, 64 * MiB);
	static const size_t sizes[] = { 1, 31, 32, 33, 100, 4096, 65536, 300000, 1 * MiB, 3 * MiB };
	enum { N = sizeof(sizes) / sizeof(sizes[0]) };
	void *p[N], *q[N];
	size_t used = 0;
	for (size_t i = 0; i < N; i++) {
		assert_int_equal(aclrtMalloc(&p[i], sizes[i], ACL_MEM_MALLOC_HUGE_FIRST),
		                 ACL_SUCCESS);
		assert_int_equal((uintptr_t)p[i] % 64, 0);
		used += A32(sizes[i]) + 32;
		assert_int_equal(free_now(), 64 * MiB - used);
		assert_int_equal(aclrtMallocAlign32(&q[i], sizes[i], ACL_MEM_MALLOC_NORMAL_ONLY),
		                 ACL_SUCCESS);
		used += A32(sizes[i]);
		assert_int_equal(free_now(), 64 * MiB - used);
		/* the padding is usable: ALIGN_UP(size,32)+32 bytes may be written */
		assert_int_equal(aclrtMemset(p[i], A32(sizes[i]) + 32, 0x3C, A32(sizes[i]) + 32),
		                 ACL_SUCCESS);
		assert_int_equal(aclrtMemset(q[i], A32(sizes[i]), 0x3C, A32(sizes[i])),
		                 ACL_SUCCESS);
	}
	/* free in a different order; exact after each step */
	for (size_t k = 0; k < N; k++) {
		size_t i = (k * 7) % N;
		assert_int_equal(aclrtFree(p[i]), ACL_SUCCESS);
		used -= A32(sizes[i]) + 32;
		assert_int_equal(free_now(), 64 * MiB - used);
	}
	for (size_t i = 0; i < N; i++) {
		assert_int_equal(aclrtFree(q[i]), ACL_SUCCESS);
		used -= A32(sizes[i]);
		assert_int_equal(free_now(), 64 * MiB - used);
	}
	assert_int_equal(free_now(), 64 * MiB);
	/* attributes: 1G huge pages absent -> 0/0; bad attribute -> 100000 */
	size_t f = 1, t = 1;
	assert_int_equal(aclrtGetMemInfo(ACL_HBM_MEM_HUGE1G, &f, &t), ACL_SUCCESS);
	assert_true(f == 0 && t == 0);
	assert_int_equal(aclrtGetMemInfo(ACL_DDR_MEM, &f, &t), ACL_SUCCESS);
	assert_int_equal(t, 64 * MiB);
	assert_int_equal(aclrtGetMemInfo((aclrtMemAttr)99, &f, &t), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtGetMemInfo(ACL_HBM_MEM, NULL, &t), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtGetMemInfo(ACL_HBM_MEM, &f, NULL), ACL_ERROR_INVALID_PARAM);
}

static void test_bad_input_table(void **state)
{
	(void)state;
	void *p = NULL;
	/* NULL out-pointer / size 0 / overflow: 100000 */
	assert_int_equal(aclrtMalloc(NULL, 64, ACL_MEM_MALLOC_HUGE_FIRST), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtMalloc(&p, 0, ACL_MEM_MALLOC_HUGE_FIRST), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtMalloc(&p, SIZE_MAX - 8, ACL_MEM_MALLOC_HUGE_FIRST),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtMallocAlign32(&p, 0, ACL_MEM_MALLOC_HUGE_FIRST),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtMallocHost(NULL, 64), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtMallocHost(&p, 0), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtFree(NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtFreeHost(NULL), ACL_ERROR_INVALID_PARAM);
	assert_null(p);
	/* device OOM: 207001, and nothing changes */
	size_t before = free_now();
	assert_int_equal(aclrtMalloc(&p, 65 * MiB, ACL_MEM_MALLOC_NORMAL_ONLY),
	                 ACL_ERROR_RT_MEMORY_ALLOCATION);
	assert_int_equal(aclrtMalloc(&p, 64 * MiB, ACL_MEM_MALLOC_NORMAL_ONLY),
	                 ACL_ERROR_RT_MEMORY_ALLOCATION);
	assert_int_equal(aclGetRecentErrMsg() != NULL, 1);
	assert_int_equal(free_now(), before);
	assert_null(p);
	/* memcpy: invalid kind 100000; count > destMax 107000; count 0 ok */
	char host[256];
	void *d;
	assert_int_equal(aclrtMalloc(&d, 200, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
	assert_int_equal(aclrtMemcpy(d, 256, host, 16, (aclrtMemcpyKind)6),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtMemcpy(d, 256, host, 16, (aclrtMemcpyKind)7),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtMemcpy(d, 256, host, 16, (aclrtMemcpyKind)-1),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtMemcpy(NULL, 256, host, 16, ACL_MEMCPY_HOST_TO_DEVICE),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtMemcpy(d, 256, NULL, 16, ACL_MEMCPY_HOST_TO_DEVICE),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtMemcpy(d, 8, host, 16, ACL_MEMCPY_HOST_TO_DEVICE),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtMemcpy(d, 0, host, 16, ACL_MEMCPY_HOST_TO_DEVICE),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtMemcpy(NULL, 0, NULL, 0, ACL_MEMCPY_HOST_TO_DEVICE), ACL_SUCCESS);
	assert_int_equal(aclrtMemcpy(d, 256, d, 16, ACL_MEMCPY_DEVICE_TO_DEVICE), ACL_SUCCESS);
	/* memset / memsetAsync */
	assert_int_equal(aclrtMemset(NULL, 0, 0, 0), ACL_SUCCESS);
	assert_int_equal(aclrtMemset(NULL, 16, 0, 16), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtMemsetAsync(NULL, 16, 0, 0, NULL), ACL_SUCCESS);
	assert_int_equal(aclrtMemsetAsync(NULL, 16, 0, 16, NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtMemsetAsync(d, 16, 0, 17, NULL), ACL_ERROR_RT_PARAM_INVALID);
	/* 2D */
	assert_int_equal(aclrtMemcpy2d(d, 16, host, 8, 16, 2, ACL_MEMCPY_HOST_TO_DEVICE),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtMemcpy2d(d, 8, host, 16, 16, 2, ACL_MEMCPY_HOST_TO_DEVICE),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtMemcpy2d(d, 16, host, 16, 16, 2, ACL_MEMCPY_HOST_TO_HOST),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtMemcpy2d(NULL, 16, host, 16, 16, 2, ACL_MEMCPY_HOST_TO_DEVICE),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtMemcpy2d(d, 16, host, 16, 0, 2, ACL_MEMCPY_HOST_TO_DEVICE),
	                 ACL_SUCCESS);
	assert_int_equal(aclrtMemcpy2dAsync(d, 16, host, 8, 16, 2, ACL_MEMCPY_HOST_TO_DEVICE, NULL),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtFree(d), ACL_SUCCESS);
	/* no context in a new thread: 107002 */
}

struct noctx {
	aclError malloc_rc, info_rc;
};
static void *noctx_main(void *vp)
{
	struct noctx *r = vp;
	void *p;
	size_t f, t;
	r->malloc_rc = aclrtMalloc(&p, 64, ACL_MEM_MALLOC_HUGE_FIRST);
	r->info_rc = aclrtGetMemInfo(ACL_HBM_MEM, &f, &t);
	return NULL;
}

static void test_no_context(void **state)
{
	(void)state;
	struct noctx r = { -1, -1 };
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, noctx_main, &r), 0);
	pthread_join(t, NULL);
	assert_int_equal(r.malloc_rc, ACL_ERROR_RT_CONTEXT_NULL);
	assert_int_equal(r.info_rc, ACL_ERROR_RT_CONTEXT_NULL);
}

/* weir's stricter checks: each misuse returns its code and changes neither
 * the bytes nor aclrtGetMemInfo. */
static void test_misuse_untouched(void **state)
{
	(void)state;
	void *d, *d2, *pin, *dev1;
	char host[512];
	assert_int_equal(aclrtMalloc(&d, 256, ACL_MEM_MALLOC_HUGE_FIRST),
	                 ACL_SUCCESS); /* 288 bytes */
	assert_int_equal(aclrtMalloc(&d2, 2 * MiB, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
	assert_int_equal(aclrtMallocHost(&pin, 256), ACL_SUCCESS);
	assert_int_equal(aclrtSetDevice(1), ACL_SUCCESS);
	assert_int_equal(aclrtMalloc(&dev1, 256, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
	assert_int_equal(aclrtSetDevice(0), ACL_SUCCESS);
	void *gone;
	assert_int_equal(aclrtMalloc(&gone, 64, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
	assert_int_equal(aclrtFree(gone), ACL_SUCCESS);
	fill_pat(d, 288, 1);
	fill_pat(d2, 64, 2);
	fill_pat(pin, 256, 3);
	fill_pat(dev1, 288, 4);
	fill_pat(host, sizeof host, 5);
	size_t before = free_now();
	int heap_dummy = 0;

	/* double, interior, foreign frees: 207002 */
	assert_int_equal(aclrtFree(gone), ACL_ERROR_RT_MEMORY_FREE);
	assert_int_equal(aclrtFree((char *)d + 64), ACL_ERROR_RT_MEMORY_FREE);
	assert_int_equal(aclrtFree((char *)d2 + 4096), ACL_ERROR_RT_MEMORY_FREE);
	assert_int_equal(aclrtFree(host), ACL_ERROR_RT_MEMORY_FREE);
	assert_int_equal(aclrtFree(&heap_dummy), ACL_ERROR_RT_MEMORY_FREE);
	assert_int_equal(aclrtFree(pin), ACL_ERROR_RT_MEMORY_FREE);
	assert_int_equal(aclrtFreeHost(d), ACL_ERROR_RT_MEMORY_FREE);
	assert_int_equal(aclrtFreeWithDevSync(gone), ACL_ERROR_RT_MEMORY_FREE);
	assert_int_equal(aclrtFreeWithDevSync(host), ACL_ERROR_RT_MEMORY_FREE);
	assert_int_equal(aclrtGetLastError(ACL_RT_THREAD_LEVEL), ACL_ERROR_RT_MEMORY_FREE);
	/* copies past the end of an allocation (padding included): 107000 */
	assert_int_equal(aclrtMemcpy(d, 4096, host, 289, ACL_MEMCPY_HOST_TO_DEVICE),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtMemcpy(host, 512, (char *)d + 100, 189, ACL_MEMCPY_DEVICE_TO_HOST),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtMemcpyAsync(d, 4096, pin, 300, ACL_MEMCPY_HOST_TO_DEVICE, NULL),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtMemset(d, 4096, 0, 289), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtMemcpy2d(d, 128, host, 128, 128, 3, ACL_MEMCPY_HOST_TO_DEVICE),
	                 ACL_ERROR_RT_PARAM_INVALID);
	/* kind contradicting the pointers: 107000 (sync and async) */
	assert_int_equal(aclrtMemcpy(d, 288, host, 16, ACL_MEMCPY_DEVICE_TO_HOST),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtMemcpy(host, 512, d, 16, ACL_MEMCPY_HOST_TO_DEVICE),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtMemcpy(d, 288, d2, 16, ACL_MEMCPY_HOST_TO_HOST),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtMemcpyAsync(d, 288, pin, 16, ACL_MEMCPY_DEVICE_TO_DEVICE, NULL),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtMemcpyAsync(pin, 256, d, 16, ACL_MEMCPY_HOST_TO_DEVICE, NULL),
	                 ACL_ERROR_RT_PARAM_INVALID);
	/* freed memory in a copy: 207002 */
	assert_int_equal(aclrtMemcpy(gone, 64, host, 16, ACL_MEMCPY_HOST_TO_DEVICE),
	                 ACL_ERROR_RT_MEMORY_FREE);
	/* device 1's memory with device 0's (current) stream: 107003 */
	assert_int_equal(aclrtMemcpyAsync(dev1, 288, pin, 16, ACL_MEMCPY_HOST_TO_DEVICE, NULL),
	                 ACL_ERROR_RT_STREAM_CONTEXT);
	assert_int_equal(aclrtMemcpyAsync(pin, 256, dev1, 16, ACL_MEMCPY_DEVICE_TO_HOST, NULL),
	                 ACL_ERROR_RT_STREAM_CONTEXT);
	assert_int_equal(aclrtMemsetAsync(dev1, 288, 0, 16, NULL), ACL_ERROR_RT_STREAM_CONTEXT);
	/* a stream of device 1 while device 0 is current: 107003 */
	assert_int_equal(aclrtSetDevice(1), ACL_SUCCESS);
	aclrtStream s1;
	assert_int_equal(aclrtCreateStream(&s1), ACL_SUCCESS);
	assert_int_equal(aclrtSetDevice(0), ACL_SUCCESS);
	assert_int_equal(aclrtMemcpyAsync(d, 288, pin, 16, ACL_MEMCPY_HOST_TO_DEVICE, s1),
	                 ACL_ERROR_RT_STREAM_CONTEXT);
	assert_int_equal(aclrtMemsetAsync(d, 288, 0, 16, s1), ACL_ERROR_RT_STREAM_CONTEXT);

	assert_true(check_pat(d, 288, 1));
	assert_true(check_pat(d2, 64, 2));
	assert_true(check_pat(pin, 256, 3));
	assert_true(check_pat(dev1, 288, 4));
	assert_true(check_pat(host, sizeof host, 5));
	assert_int_equal(free_now(), before);

	/* the legal versions work: peer D2D (after the peer enable: without it
	 * 207006, docs/acl.md section C), pageable async (synchronous) */
	assert_int_equal(aclrtMemcpy(dev1, 288, d, 288, ACL_MEMCPY_DEVICE_TO_DEVICE),
	                 ACL_ERROR_RT_NO_PERMISSION);
	assert_int_equal(aclrtDeviceEnablePeerAccess(1, 0), ACL_SUCCESS);
	assert_int_equal(aclrtMemcpy(dev1, 288, d, 288, ACL_MEMCPY_DEVICE_TO_DEVICE), ACL_SUCCESS);
	assert_true(check_pat(dev1, 288, 1));
	assert_int_equal(aclrtMemcpyAsync(host, 512, d, 288, ACL_MEMCPY_DEVICE_TO_HOST, NULL),
	                 ACL_SUCCESS);
	assert_true(check_pat(host, 288, 1)); /* pageable: done on return */
	assert_int_equal(aclrtMemcpyAsync(d, 288, pin, 256, ACL_MEMCPY_DEFAULT, NULL), ACL_SUCCESS);
	assert_int_equal(aclrtMemsetAsync(d2, 2 * MiB, 7, 2 * MiB, NULL), ACL_SUCCESS);
	assert_int_equal(
	        aclrtMemcpy2dAsync(pin, 16, d2, 32, 16, 4, ACL_MEMCPY_DEVICE_TO_HOST, NULL),
	        ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(NULL), ACL_SUCCESS);
	assert_true(check_pat(d, 256, 3));
	assert_int_equal(((unsigned char *)pin)[63], 7);
	assert_int_equal(aclrtSetDevice(1), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s1), ACL_SUCCESS);
	assert_int_equal(aclrtFree(dev1), ACL_SUCCESS);
	assert_int_equal(aclrtSetDevice(0), ACL_SUCCESS);
	assert_int_equal(aclrtFreeWithDevSync(d2), ACL_SUCCESS);
	assert_int_equal(aclrtFree(d), ACL_SUCCESS);
	assert_int_equal(aclrtFreeHost(pin), ACL_SUCCESS);
	assert_int_equal(free_now(), 64 * MiB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_malloc_meminfo_exact),
		cmocka_unit_test(test_bad_input_table),
		cmocka_unit_test(test_no_context),
		cmocka_unit_test(test_misuse_untouched),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
