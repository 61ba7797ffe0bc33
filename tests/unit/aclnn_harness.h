/*
 * tests/unit/aclnn_harness.h - what the aclnn tests (test_aclnn_*.c) share:
 * ACL set-up with a chosen worker count, aclTensors made from host values
 * in a dense or a strided-with-offset layout, reading results back through
 * the view, the two-phase call in one macro, and a check that results are
 * byte-identical for 1, 2 and 8 workers.
 *
 *     nh_init(2);                                  // aclInit, device 0, a stream
 *     nh_t a, b, o;
 *     nh_make(&a, ACL_FLOAT, 2, NH_DIMS(2, 3), va, NH_STRIDED);
 *     ...
 *     assert_int_equal(NH_RUN(Add, a.t, b.t, alpha, o.t), ACLNN_SUCCESS);
 *     nh_read(&o, got);                            // logical values, as doubles
 *     nh_expect_close(got, ref, 6, ACL_FLOAT);
 *     nh_free(&a); ...; nh_fini();
 */
#ifndef TEST_ACLNN_HARNESS_H
#define TEST_ACLNN_HARNESS_H

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <unistd.h>
#include <cmocka.h>

#include "acl/acl.h"
#include "aclnn/aclnn_base.h"
#include "base/half.h"

#define NH_DIMS(...) ((const int64_t[]){ __VA_ARGS__ })

static aclrtStream nh_stream;

/* aclInit with `workers` workers per device and 2 devices; device 0 set;
 * nh_stream created. */
static inline void nh_init(uint32_t workers)
{
	char path[] = "/tmp/weir-aclnn-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	char json[128];
	int n = snprintf(json, sizeof(json),
	                 "{\"weir\": {\"devices\": 2, \"workers_per_device\": %u}}", workers);
	assert_int_equal(write(fd, json, (size_t)n), n);
	close(fd);
	assert_int_equal(aclInit(path), ACL_SUCCESS);
	unlink(path);
	assert_int_equal(aclrtSetDevice(0), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&nh_stream), ACL_SUCCESS);
}

static inline void nh_fini(void)
{
	assert_int_equal(aclrtDestroyStream(nh_stream), ACL_SUCCESS);
	assert_int_equal(aclrtResetDevice(0), ACL_SUCCESS);
	assert_int_equal(aclFinalize(), ACL_SUCCESS);
}

/* ---- element access by dtype ------------------------------------------- */

static inline size_t nh_size(int dt)
{
	switch (dt) {
	case ACL_INT8:
	case ACL_UINT8:
	case ACL_BOOL: return 1;
	case ACL_FLOAT16:
	case ACL_BF16:
	case ACL_INT16:
	case ACL_UINT16: return 2;
	case ACL_FLOAT:
	case ACL_INT32:
	case ACL_UINT32: return 4;
	default: return 8;
	}
}

static inline bool nh_is_float(int dt)
{
	return dt == ACL_FLOAT || dt == ACL_FLOAT16 || dt == ACL_BF16 || dt == ACL_DOUBLE;
}

static inline uint16_t nh_to_bf16(float f)
{
	uint32_t u = weir_f32_bits(f);
	if ((u & 0x7fffffffu) > 0x7f800000u)
		return (uint16_t)((u >> 16) | 0x40u);
	return (uint16_t)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

/* Store v at element i of p (as a C cast; bool: v != 0). */
static inline void nh_store(int dt, void *p, int64_t i, double v)
{
	unsigned char *b = (unsigned char *)p + i * (int64_t)nh_size(dt);
	switch (dt) {
	case ACL_FLOAT: {
		float f = (float)v;
		memcpy(b, &f, 4);
		break;
	}
	case ACL_DOUBLE: memcpy(b, &v, 8); break;
	case ACL_FLOAT16: {
		uint16_t h = weir_f32_to_f16((float)v);
		memcpy(b, &h, 2);
		break;
	}
	case ACL_BF16: {
		uint16_t h = nh_to_bf16((float)v);
		memcpy(b, &h, 2);
		break;
	}
	case ACL_BOOL: *b = v != 0; break;
	case ACL_INT8: *(int8_t *)b = (int8_t)(int64_t)v; break;
	case ACL_UINT8: *b = (uint8_t)(int64_t)v; break;
	case ACL_INT16: {
		int16_t x = (int16_t)(int64_t)v;
		memcpy(b, &x, 2);
		break;
	}
	case ACL_UINT16: {
		uint16_t x = (uint16_t)(int64_t)v;
		memcpy(b, &x, 2);
		break;
	}
	case ACL_INT32: {
		int32_t x = (int32_t)(int64_t)v;
		memcpy(b, &x, 4);
		break;
	}
	case ACL_UINT32: {
		uint32_t x = (uint32_t)(int64_t)v;
		memcpy(b, &x, 4);
		break;
	}
	case ACL_INT64: {
		int64_t x = (int64_t)v;
		memcpy(b, &x, 8);
		break;
	}
	case ACL_UINT64: {
		uint64_t x = (uint64_t)v;
		memcpy(b, &x, 8);
		break;
	}
	default: fail_msg("nh_store: dtype %d", dt);
	}
}

static inline double nh_load(int dt, const void *p, int64_t i)
{
	const unsigned char *b = (const unsigned char *)p + i * (int64_t)nh_size(dt);
	switch (dt) {
	case ACL_FLOAT: {
		float f;
		memcpy(&f, b, 4);
		return f;
	}
	case ACL_DOUBLE: {
		double d;
		memcpy(&d, b, 8);
		return d;
	}
	case ACL_FLOAT16: {
		uint16_t h;
		memcpy(&h, b, 2);
		return weir_f16_to_f32(h);
	}
	case ACL_BF16: {
		uint16_t h;
		memcpy(&h, b, 2);
		return weir_f32_from_bits((uint32_t)h << 16);
	}
	case ACL_BOOL: return *b != 0;
	case ACL_INT8: return *(const int8_t *)b;
	case ACL_UINT8: return *b;
	case ACL_INT16: {
		int16_t x;
		memcpy(&x, b, 2);
		return x;
	}
	case ACL_UINT16: {
		uint16_t x;
		memcpy(&x, b, 2);
		return x;
	}
	case ACL_INT32: {
		int32_t x;
		memcpy(&x, b, 4);
		return x;
	}
	case ACL_UINT32: {
		uint32_t x;
		memcpy(&x, b, 4);
		return x;
	}
	case ACL_INT64: {
		int64_t x;
		memcpy(&x, b, 8);
		return (double)x;
	}
	case ACL_UINT64: {
		uint64_t x;
		memcpy(&x, b, 8);
		return (double)x;
	}
	default: fail_msg("nh_load: dtype %d", dt); return 0;
	}
}

/* The value v as dtype dt would hold it (rounded to fp16, truncated, ...). */
static inline double nh_round(int dt, double v)
{
	unsigned char buf[8] = { 0 };
	nh_store(dt, buf, 0, v);
	return nh_load(dt, buf, 0);
}

/* ---- tensors ------------------------------------------------------------- */

typedef enum { NH_DENSE = 0, NH_STRIDED = 1 } nh_layout_t;

typedef struct nh {
	aclTensor *t;
	void *dev;
	size_t dev_bytes;
	int dtype;
	uint32_t rank;
	int64_t dims[8], strides[8], offset, numel;
} nh_t;

static inline int64_t nh_numel(uint32_t rank, const int64_t *dims)
{
	int64_t n = 1;
	for (uint32_t k = 0; k < rank; k++)
		n *= dims[k];
	return n;
}

/* Storage offset (elements) of logical element i. */
static inline int64_t nh_pos(const nh_t *x, int64_t i)
{
	int64_t off = x->offset;
	for (int k = (int)x->rank - 1; k >= 0; k--) {
		off += (i % x->dims[k]) * x->strides[k];
		i /= x->dims[k];
	}
	return off;
}

/* A tensor of dtype/shape holding vals (numel logical values, row-major;
 * NULL: a 0x5a byte pattern, for outputs). NH_STRIDED: offset 5, the
 * innermost stride 2 and every outer stride one more than it needs (a
 * non-contiguous view with holes). */
static inline void nh_make(nh_t *x, int dtype, uint32_t rank, const int64_t *dims,
                           const double *vals, nh_layout_t layout)
{
	memset(x, 0, sizeof(*x));
	x->dtype = dtype;
	x->rank = rank;
	for (uint32_t k = 0; k < rank; k++)
		x->dims[k] = dims[k];
	x->numel = nh_numel(rank, dims);
	int64_t run = layout == NH_STRIDED ? 2 : 1;
	for (int k = (int)rank - 1; k >= 0; k--) {
		x->strides[k] = run;
		run = run * (dims[k] ? dims[k] : 1) + (layout == NH_STRIDED ? 1 : 0);
	}
	x->offset = layout == NH_STRIDED ? 5 : 0;
	int64_t storage = x->offset + run + 1;
	x->dev_bytes = (size_t)storage * nh_size(dtype);
	assert_int_equal(aclrtMalloc(&x->dev, x->dev_bytes, ACL_MEM_MALLOC_HUGE_FIRST),
	                 ACL_SUCCESS);
	unsigned char *host = malloc(x->dev_bytes);
	assert_non_null(host);
	memset(host, 0x5a, x->dev_bytes);
	if (vals)
		for (int64_t i = 0; i < x->numel; i++)
			nh_store(dtype, host, nh_pos(x, i), vals[i]);
	assert_int_equal(
	        aclrtMemcpy(x->dev, x->dev_bytes, host, x->dev_bytes, ACL_MEMCPY_HOST_TO_DEVICE),
	        ACL_SUCCESS);
	free(host);
	int64_t sdims[1] = { storage };
	x->t = aclCreateTensor(x->dims, rank, (aclDataType)dtype, x->strides, x->offset,
	                       ACL_FORMAT_ND, sdims, 1, x->dev);
	assert_non_null(x->t);
}

/* The logical values (numel doubles). */
static inline void nh_read(const nh_t *x, double *out)
{
	unsigned char *host = malloc(x->dev_bytes);
	assert_non_null(host);
	assert_int_equal(
	        aclrtMemcpy(host, x->dev_bytes, x->dev, x->dev_bytes, ACL_MEMCPY_DEVICE_TO_HOST),
	        ACL_SUCCESS);
	for (int64_t i = 0; i < x->numel; i++)
		out[i] = nh_load(x->dtype, host, nh_pos(x, i));
	free(host);
}

/* The logical elements' bytes, packed (numel * size). */
static inline void nh_read_bytes(const nh_t *x, unsigned char *out)
{
	unsigned char *host = malloc(x->dev_bytes);
	assert_non_null(host);
	assert_int_equal(
	        aclrtMemcpy(host, x->dev_bytes, x->dev, x->dev_bytes, ACL_MEMCPY_DEVICE_TO_HOST),
	        ACL_SUCCESS);
	size_t es = nh_size(x->dtype);
	for (int64_t i = 0; i < x->numel; i++)
		memcpy(out + (size_t)i * es, host + (size_t)nh_pos(x, i) * es, es);
	free(host);
}

/* Every storage byte outside the view still holds the 0x5a pattern (no
 * write outside the output's elements). */
static inline void nh_expect_holes_intact(const nh_t *x)
{
	unsigned char *host = malloc(x->dev_bytes);
	unsigned char *mark = calloc(x->dev_bytes, 1);
	assert_non_null(host);
	assert_non_null(mark);
	assert_int_equal(
	        aclrtMemcpy(host, x->dev_bytes, x->dev, x->dev_bytes, ACL_MEMCPY_DEVICE_TO_HOST),
	        ACL_SUCCESS);
	size_t es = nh_size(x->dtype);
	for (int64_t i = 0; i < x->numel; i++)
		memset(mark + (size_t)nh_pos(x, i) * es, 1, es);
	for (size_t j = 0; j < x->dev_bytes; j++)
		if (!mark[j] && host[j] != 0x5a)
			fail_msg("byte %zu outside the view was written (0x%02x)", j, host[j]);
	free(host);
	free(mark);
}

static inline void nh_free(nh_t *x)
{
	if (x->t)
		assert_int_equal(aclDestroyTensor(x->t), ACLNN_SUCCESS);
	if (x->dev)
		assert_int_equal(aclrtFree(x->dev), ACL_SUCCESS);
	memset(x, 0, sizeof(*x));
}

static inline aclScalar *nh_scalar(int dtype, double v)
{
	unsigned char buf[8];
	nh_store(dtype, buf, 0, v);
	aclScalar *s = aclCreateScalar(buf, (aclDataType)dtype);
	assert_non_null(s);
	return s;
}

/* ---- values ---------------------------------------------------------------- */

static uint64_t nh_rng = 0x2545f4914f6cdd1dull;

/* n values in [lo, hi): integers when `integral`. */
static inline void nh_fill(double *v, int64_t n, double lo, double hi, bool integral)
{
	for (int64_t i = 0; i < n; i++) {
		nh_rng ^= nh_rng << 13;
		nh_rng ^= nh_rng >> 7;
		nh_rng ^= nh_rng << 17;
		double u = (double)(nh_rng >> 11) / 9007199254740992.0;
		v[i] = lo + (hi - lo) * u;
		if (integral)
			v[i] = floor(v[i]);
	}
}

/* |got - ref| within the dtype's tolerance (exact for integers and bool;
 * NaN matches NaN, inf matches the same inf). */
static inline void nh_expect_close(const double *got, const double *ref, int64_t n, int dt)
{
	double rtol = dt == ACL_FLOAT16  ? 2e-3
	              : dt == ACL_BF16   ? 1.6e-2
	              : dt == ACL_DOUBLE ? 1e-12
	                                 : 2e-6;
	double atol = nh_is_float(dt) ? rtol : 0;
	for (int64_t i = 0; i < n; i++) {
		if (isnan(ref[i]) && isnan(got[i]))
			continue;
		if (isinf(ref[i]) && got[i] == ref[i])
			continue;
		double d = fabs(got[i] - ref[i]);
		if (!(d <= atol + rtol * fabs(ref[i])))
			fail_msg("element %lld: got %.9g, expected %.9g (dtype %d)", (long long)i,
			         got[i], ref[i], dt);
	}
}

/* ---- the two-phase call ------------------------------------------------------ */

static void *nh_ws;
static uint64_t nh_ws_size;
static aclOpExecutor *nh_ex;

/* First phase only: the status; on success nh_ex and nh_ws_size are set. */
#define NH_PLAN(Op, ...) \
	(nh_ex = NULL, aclnn##Op##GetWorkspaceSize(__VA_ARGS__, &nh_ws_size, &nh_ex))

/* Second phase of a planned call, then a stream sync: the first failing status. */
static inline int nh_exec(aclnnStatus (*run)(void *, uint64_t, aclOpExecutor *, aclrtStream))
{
	nh_ws = NULL;
	if (nh_ws_size)
		assert_int_equal(aclrtMalloc(&nh_ws, nh_ws_size, ACL_MEM_MALLOC_HUGE_FIRST),
		                 ACL_SUCCESS);
	int rc = run(nh_ws, nh_ws_size, nh_ex, nh_stream);
	if (rc == 0)
		rc = aclrtSynchronizeStream(nh_stream);
	if (nh_ws)
		aclrtFree(nh_ws);
	nh_ws = NULL;
	return rc;
}

/* Both phases and a sync: NH_RUN(Add, a.t, b.t, alpha, o.t) == ACLNN_SUCCESS;
 * a failing first phase returns its status (and must leave no executor). */
static aclnnStatus nh_last_plan_rc;
#define NH_RUN(Op, ...) \
	((nh_last_plan_rc = NH_PLAN(Op, __VA_ARGS__)) != 0 ? nh_plan_failed() : nh_exec(aclnn##Op))

static inline int nh_plan_failed(void)
{
	assert_null(nh_ex);
	return (int)nh_last_plan_rc;
}

/* The recent error message contains `needle`. */
static inline void nh_expect_msg(const char *needle)
{
	const char *m = aclGetRecentErrMsg();
	if (!m || !strstr(m, needle))
		fail_msg("message \"%s\" lacks \"%s\"", m ? m : "(null)", needle);
}

/* A plan that needs a workspace, run with one byte less: 161002 (the
 * executor is not consumed by the failure, so it is destroyed here). */
static inline void nh_expect_ws_too_small(aclnnStatus (*run)(void *, uint64_t, aclOpExecutor *,
                                                             aclrtStream))
{
	assert_non_null(nh_ex);
	void *w = NULL;
	if (nh_ws_size)
		assert_int_equal(aclrtMalloc(&w, nh_ws_size, ACL_MEM_MALLOC_HUGE_FIRST),
		                 ACL_SUCCESS);
	assert_int_equal(run(w, nh_ws_size ? nh_ws_size - 1 : 0, nh_ex, nh_stream),
	                 nh_ws_size ? ACLNN_ERR_PARAM_INVALID : ACLNN_SUCCESS);
	if (nh_ws_size)
		assert_int_equal(aclDestroyAclOpExecutor(nh_ex), ACLNN_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(nh_stream), ACL_SUCCESS);
	if (w)
		aclrtFree(w);
}

/* ---- worker counts ------------------------------------------------------------ */

/* Run body(ctx, out, &len) under 1, 2 and 8 workers per device (ACL
 * re-initialized each time) and check the bytes it reports are identical. */
static inline void nh_for_workers(void (*body)(void *ctx, unsigned char *out, size_t *len),
                                  void *ctx, size_t cap)
{
	static const uint32_t workers[] = { 1, 2, 8 };
	unsigned char *first = malloc(cap), *now = malloc(cap);
	assert_non_null(first);
	assert_non_null(now);
	size_t flen = 0;
	for (size_t w = 0; w < 3; w++) {
		size_t len = 0;
		nh_init(workers[w]);
		body(ctx, w ? now : first, &len);
		nh_fini();
		assert_true(len <= cap);
		if (w == 0)
			flen = len;
		else if (len != flen || memcmp(first, now, len) != 0)
			fail_msg("results differ between 1 and %u workers", workers[w]);
	}
	free(first);
	free(now);
}

#endif /* TEST_ACLNN_HARNESS_H */
