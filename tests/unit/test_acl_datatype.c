/*
 * tests/unit/test_acl_datatype.c - ACL data types and built-in tasks:
 * aclFloat16ToFloat / aclFloatToFloat16 (every one of the 65536 halves,
 * rounding ties, ACL's saturating rule for inf/NaN/overflow) and the native
 * IEEE conversions they share (base/half.h); aclDataTypeSize for every
 * dtype; aclDataBuffer; every aclTensorDesc call; aclrtReduceAsync (every
 * kind x dtype) and aclrtRandomNumAsync (immediate and device-resident
 * params, bit-identical repeats) with their bad-input rows.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "acl/acl.h"
#include "acl/acl_base_mdl.h"
#include "acl/acl_base_rt.h"
#include "base/half.h"

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
	(void)aclrtResetDeviceForce(0);
	return aclFinalize() == ACL_SUCCESS ? 0 : -1;
}

static float fbits(uint32_t u)
{
	float f;
	memcpy(&f, &u, 4);
	return f;
}

/* Every half: native conversion round-trips bit-exactly (NaN payloads
 * included); the ACL pair round-trips every finite half and follows ACL's
 * rule for exponent 31. */
static void test_fp16_exhaustive(void **state)
{
	(void)state;
	for (uint32_t h = 0; h < 65536; h++) {
		float f = weir_f16_to_f32((uint16_t)h);
		bool nan = (h & 0x7c00u) == 0x7c00u && (h & 0x3ffu);
		/* exact round trip; a signalling NaN comes back quiet */
		assert_int_equal(weir_f32_to_f16(f), nan ? (h | 0x200u) : h);
		bool special = (h & 0x7c00u) == 0x7c00u;
		float a = aclFloat16ToFloat((aclFloat16)h);
		if (!special) {
			assert_true(a == f || (a == 0 && f == 0));
			assert_int_equal(aclFloatToFloat16(a), h); /* signed zeros too */
			/* exact value: subnormals are m * 2^-24 */
			int e = (int)((h >> 10) & 0x1f), m = (int)(h & 0x3ff);
			double v = e ? ldexp(1.0 + m / 1024.0, e - 15) : ldexp(m, -24);
			assert_true(fabs(a) == v);
		} else {
			double v = 65536.0 * (1.0 + (h & 0x3ffu) / 1024.0);
			assert_true(fabs(a) == v);
			assert_true(isinf(f) || isnan(f));
			assert_int_equal(aclFloatToFloat16(a), (h & 0x8000u) | 0x7bffu);
		}
	}
	assert_true(aclFloat16ToFloat(0x7c00) == 65536.0f);
	assert_true(aclFloat16ToFloat(0xfc00) == -65536.0f);
	assert_true(aclFloat16ToFloat(0x7e00) == 98304.0f);
}

static void test_fp16_rounding_and_specials(void **state)
{
	(void)state;
	/* Ties to even between consecutive halves: 1 + 2^-11 lies halfway
	 * between 0x3c00 and 0x3c01 (goes to even 0x3c00); 1 + 3*2^-11 between
	 * 0x3c01 and 0x3c02 (goes to 0x3c02). Just above a tie rounds up. */
	assert_int_equal(aclFloatToFloat16(1.0f + 0x1p-11f), 0x3c00);
	assert_int_equal(aclFloatToFloat16(1.0f + 3 * 0x1p-11f), 0x3c02);
	assert_int_equal(aclFloatToFloat16(nextafterf(1.0f + 0x1p-11f, 2.0f)), 0x3c01);
	assert_int_equal(aclFloatToFloat16(-(1.0f + 0x1p-11f)), 0xbc00);
	/* Every tie in [1, 2): mantissa k + 1/2 goes to the even neighbour. */
	for (uint32_t k = 0; k < 1023; k++) {
		float t = 1.0f + ((float)k + 0.5f) / 1024.0f;
		uint16_t want = (uint16_t)(0x3c00u + k + (k & 1u));
		assert_int_equal(aclFloatToFloat16(t), want);
		assert_int_equal(weir_f32_to_f16(t), want);
	}
	/* Subnormal ties: 2^-25 is half the smallest subnormal -> 0 (even);
	 * 3 * 2^-25 -> 2 * 2^-24 (even). Smallest normal and subnormal exact. */
	assert_int_equal(aclFloatToFloat16(0x1p-25f), 0x0000);
	assert_int_equal(aclFloatToFloat16(3 * 0x1p-25f), 0x0002);
	assert_int_equal(aclFloatToFloat16(0x1p-24f), 0x0001);
	assert_int_equal(aclFloatToFloat16(0x1p-14f), 0x0400);
	assert_int_equal(aclFloatToFloat16(0x1.ff8p-15f), 0x03ff); /* largest subnormal */
	assert_int_equal(aclFloatToFloat16(0x1.ffcp-15f), 0x0400); /* tie: up into normals */
	assert_int_equal(aclFloatToFloat16(-0.0f), 0x8000);
	/* Largest finite and the overflow edge: 65519.99 -> 65504; 65520 is
	 * a tie that IEEE rounds to inf: ACL saturates to 65504. */
	assert_int_equal(aclFloatToFloat16(65504.0f), 0x7bff);
	assert_int_equal(aclFloatToFloat16(65519.0f), 0x7bff);
	assert_int_equal(weir_f32_to_f16(65520.0f), 0x7c00);
	assert_int_equal(aclFloatToFloat16(65520.0f), 0x7bff);
	assert_int_equal(aclFloatToFloat16(1e30f), 0x7bff);
	assert_int_equal(aclFloatToFloat16(-1e30f), 0xfbff);
	assert_int_equal(aclFloatToFloat16(INFINITY), 0x7bff);
	assert_int_equal(aclFloatToFloat16(-INFINITY), 0xfbff);
	assert_int_equal(aclFloatToFloat16(NAN), 0x7bff);
	assert_int_equal(aclFloatToFloat16(fbits(0xffc00001u)), 0x7bff); /* negative NaN */
	/* Native: inf and NaN kept, NaN quiet with its top payload. */
	assert_int_equal(weir_f32_to_f16(INFINITY), 0x7c00);
	assert_int_equal(weir_f32_to_f16(-INFINITY), 0xfc00);
	assert_int_equal(weir_f32_to_f16(fbits(0x7f800001u)) & 0x7e00u, 0x7e00);
	assert_true(isnan(weir_f16_to_f32(0x7c01)));
	/* The sample's value. */
	assert_int_equal(aclFloatToFloat16(1.625f), 0x3e80);
	assert_true(aclFloat16ToFloat(0x3e80) == 1.625f);
}

static void test_datatype_size(void **state)
{
	(void)state;
	static const struct {
		aclDataType t;
		size_t n;
	} rows[] = {
		{ ACL_FLOAT, 4 },         { ACL_FLOAT16, 2 },     { ACL_INT8, 1 },
		{ ACL_INT32, 4 },         { ACL_UINT8, 1 },       { ACL_INT16, 2 },
		{ ACL_UINT16, 2 },        { ACL_UINT32, 4 },      { ACL_INT64, 8 },
		{ ACL_UINT64, 8 },        { ACL_DOUBLE, 8 },      { ACL_BOOL, 1 },
		{ ACL_STRING, 0 },        { ACL_COMPLEX64, 8 },   { ACL_COMPLEX128, 16 },
		{ ACL_BF16, 2 },          { ACL_INT4, 1 },        { ACL_UINT1, 1 },
		{ ACL_COMPLEX32, 4 },     { ACL_HIFLOAT8, 1 },    { ACL_FLOAT8_E5M2, 1 },
		{ ACL_FLOAT8_E4M3FN, 1 }, { ACL_FLOAT8_E8M0, 1 }, { ACL_FLOAT6_E3M2, 1 },
		{ ACL_FLOAT6_E2M3, 1 },   { ACL_FLOAT4_E2M1, 1 }, { ACL_FLOAT4_E1M2, 1 },
		{ ACL_DT_UNDEFINED, 0 },  { (aclDataType)5, 0 },  { (aclDataType)999, 0 },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		assert_int_equal(aclDataTypeSize(rows[i].t), rows[i].n);
}

static void test_data_buffer(void **state)
{
	(void)state;
	char mem[100];
	aclDataBuffer *b = aclCreateDataBuffer(mem, sizeof mem);
	assert_non_null(b);
	assert_ptr_equal(aclGetDataBufferAddr(b), mem);
	assert_int_equal(aclGetDataBufferSizeV2(b), 100);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	assert_int_equal(aclGetDataBufferSize(b), 100);
	assert_int_equal(aclUpdateDataBuffer(b, mem + 1, ((size_t)1 << 32) + 5), ACL_SUCCESS);
	assert_int_equal(aclGetDataBufferSize(b), 5); /* uint32_t: truncated */
	assert_int_equal(aclGetDataBufferSize(NULL), 0);
#pragma GCC diagnostic pop
	assert_ptr_equal(aclGetDataBufferAddr(b), mem + 1);
	assert_int_equal(aclGetDataBufferSizeV2(b), ((size_t)1 << 32) + 5);
	assert_int_equal(aclDestroyDataBuffer(b), ACL_SUCCESS);
	/* An empty buffer (NULL, 0) is valid, as in ACL. */
	b = aclCreateDataBuffer(NULL, 0);
	assert_non_null(b);
	assert_null(aclGetDataBufferAddr(b));
	assert_int_equal(aclDestroyDataBuffer(b), ACL_SUCCESS);
	/* Bad-input rows. */
	assert_int_equal(aclDestroyDataBuffer(NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtGetLastError(ACL_RT_THREAD_LEVEL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclUpdateDataBuffer(NULL, mem, 1), ACL_ERROR_INVALID_PARAM);
	assert_null(aclGetDataBufferAddr(NULL));
	assert_int_equal(aclGetDataBufferSizeV2(NULL), 0);
}

static void test_tensor_desc(void **state)
{
	(void)state;
	int64_t dims[3] = { 2, 3, 4 };
	aclTensorDesc *d = aclCreateTensorDesc(ACL_FLOAT16, 3, dims, ACL_FORMAT_NCHW);
	assert_non_null(d);
	assert_int_equal(aclGetTensorDescType(d), ACL_FLOAT16);
	assert_int_equal(aclGetTensorDescFormat(d), ACL_FORMAT_NCHW);
	assert_int_equal(aclGetTensorDescNumDims(d), 3);
	assert_int_equal(aclGetTensorDescElementCount(d), 24);
	assert_int_equal(aclGetTensorDescSize(d), 48);
	int64_t v = 0;
	assert_int_equal(aclGetTensorDescDimV2(d, 2, &v), ACL_SUCCESS);
	assert_int_equal(v, 4);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	assert_int_equal(aclGetTensorDescDim(d, 1), 3);
	assert_int_equal(aclGetTensorDescDim(d, 3), -1);
	assert_int_equal(aclGetTensorDescDim(NULL, 0), -1);
	assert_int_equal(aclSetTensorStorageFormat(d, ACL_FORMAT_NC1HWC0), ACL_SUCCESS);
	assert_int_equal(aclSetTensorStorageShape(d, 1, dims), ACL_SUCCESS);
	assert_int_equal(aclSetTensorStorageShape(d, 1, NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclSetTensorStorageShape(NULL, 1, dims), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclSetTensorStorageFormat(NULL, ACL_FORMAT_ND), ACL_SUCCESS);
#pragma GCC diagnostic pop
	/* Storage shape/format do not change what the Get calls report. */
	assert_int_equal(aclSetTensorShape(d, 2, dims), ACL_SUCCESS);
	assert_int_equal(aclSetTensorFormat(d, ACL_FORMAT_ND), ACL_SUCCESS);
	assert_int_equal(aclGetTensorDescNumDims(d), 3);
	assert_int_equal(aclGetTensorDescFormat(d), ACL_FORMAT_NCHW);
	/* Origin shape/format do. */
	int64_t od[2] = { 5, 7 };
	assert_int_equal(aclSetTensorOriginShape(d, 2, od), ACL_SUCCESS);
	assert_int_equal(aclSetTensorOriginFormat(d, ACL_FORMAT_ND), ACL_SUCCESS);
	assert_int_equal(aclGetTensorDescNumDims(d), 2);
	assert_int_equal(aclGetTensorDescElementCount(d), 35);
	assert_int_equal(aclGetTensorDescFormat(d), ACL_FORMAT_ND);
	/* Shape ranges, value ranges. */
	int64_t r[2][ACL_TENSOR_SHAPE_RANGE_NUM] = { { 1, 8 }, { 2, 16 } }, got[2];
	assert_int_equal(aclSetTensorShapeRange(d, 2, r), ACL_SUCCESS);
	assert_int_equal(aclGetTensorDescDimRange(d, 1, 2, got), ACL_SUCCESS);
	assert_true(got[0] == 2 && got[1] == 16);
	assert_int_equal(aclGetTensorDescDimRange(d, 2, 2, got), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclGetTensorDescDimRange(d, 0, 1, got), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclGetTensorDescDimRange(d, 0, 2, NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclSetTensorValueRange(d, 2, r), ACL_SUCCESS);
	assert_int_equal(aclSetTensorValueRange(NULL, 2, r), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclSetTensorShapeRange(NULL, 2, r), ACL_ERROR_INVALID_PARAM);
	/* Name: copied; NULL resets to "". */
	char nm[8] = "input0";
	assert_string_equal(aclGetTensorDescName(d), "");
	aclSetTensorDescName(d, nm);
	nm[0] = 'X';
	assert_string_equal(aclGetTensorDescName(d), "input0");
	aclSetTensorDescName(d, NULL);
	assert_string_equal(aclGetTensorDescName(d), "");
	assert_string_equal(aclGetTensorDescName(NULL), "");
	aclSetTensorDescName(NULL, "x"); /* no crash */
	/* Const, placement, dynamic input, address, by-index. */
	int cdata[4] = { 1, 2, 3, 4 };
	assert_int_equal(aclSetTensorConst(d, cdata, sizeof cdata), ACL_SUCCESS);
	assert_int_equal(aclSetTensorConst(d, cdata, 0), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclSetTensorConst(d, NULL, 4), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclSetTensorPlaceMent(d, ACL_MEMTYPE_HOST), ACL_SUCCESS);
	assert_int_equal(aclSetTensorPlaceMent(d, (aclMemType)7), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclSetTensorPlaceMent(NULL, ACL_MEMTYPE_HOST), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclSetTensorDynamicInput(d, "x"), ACL_SUCCESS);
	assert_int_equal(aclSetTensorDynamicInput(d, NULL), ACL_ERROR_INVALID_PARAM);
	assert_null(aclGetTensorDescAddress(d));
	assert_null(aclGetTensorDescAddress(NULL));
	assert_ptr_equal(aclGetTensorDescByIndex(d, 0), d);
	assert_null(aclGetTensorDescByIndex(NULL, 0));
	/* Trans format: plain formats keep the shape. */
	aclTensorDesc *t = NULL;
	assert_int_equal(aclTransTensorDescFormat(d, ACL_FORMAT_NHWC, &t), ACL_SUCCESS);
	assert_int_equal(aclGetTensorDescElementCount(t), 35);
	aclDestroyTensorDesc(t);
	assert_int_equal(aclTransTensorDescFormat(d, ACL_FORMAT_FRACTAL_NZ, &t),
	                 ACL_ERROR_FORMAT_NOT_MATCH);
	assert_int_equal(aclTransTensorDescFormat(NULL, ACL_FORMAT_ND, &t),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclTransTensorDescFormat(d, ACL_FORMAT_ND, NULL), ACL_ERROR_INVALID_PARAM);
	aclDestroyTensorDesc(d);
	/* Scalars, unknown dims, unknown rank, overflow. */
	d = aclCreateTensorDesc(ACL_INT64, 0, NULL, ACL_FORMAT_ND);
	assert_int_equal(aclGetTensorDescElementCount(d), 1);
	assert_int_equal(aclGetTensorDescSize(d), 8);
	assert_int_equal(aclGetTensorDescDimV2(d, 0, &v), ACL_ERROR_INVALID_PARAM);
	aclDestroyTensorDesc(d);
	int64_t unk[2] = { -1, 4 }, rank[1] = { -2 }, big[2] = { INT64_MAX, 4 };
	d = aclCreateTensorDesc(ACL_FLOAT, 2, unk, ACL_FORMAT_ND);
	assert_int_equal(aclGetTensorDescElementCount(d), 0);
	aclDestroyTensorDesc(d);
	d = aclCreateTensorDesc(ACL_FLOAT, 1, rank, ACL_FORMAT_ND);
	assert_true(aclGetTensorDescNumDims(d) == (size_t)ACL_UNKNOWN_RANK);
	aclDestroyTensorDesc(d);
	d = aclCreateTensorDesc(ACL_FLOAT, 2, big, ACL_FORMAT_ND);
	assert_int_equal(aclGetTensorDescSize(d), 0);
	aclDestroyTensorDesc(d);
	/* Bad-input rows. */
	assert_null(aclCreateTensorDesc(ACL_FLOAT, -1, dims, ACL_FORMAT_ND));
	assert_null(aclCreateTensorDesc(ACL_FLOAT, 2, NULL, ACL_FORMAT_ND));
	assert_int_equal(aclrtGetLastError(ACL_RT_THREAD_LEVEL), ACL_ERROR_INVALID_PARAM);
	aclDestroyTensorDesc(NULL);
	assert_int_equal(aclGetTensorDescType(NULL), ACL_DT_UNDEFINED);
	assert_int_equal(aclGetTensorDescFormat(NULL), ACL_FORMAT_UNDEFINED);
	assert_int_equal(aclGetTensorDescSize(NULL), 0);
	assert_int_equal(aclGetTensorDescElementCount(NULL), 0);
	assert_int_equal(aclGetTensorDescNumDims(NULL), 0);
	assert_int_equal(aclGetTensorDescDimV2(NULL, 0, &v), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclSetTensorShape(NULL, 1, dims), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclSetTensorOriginShape(NULL, 1, dims), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclSetTensorFormat(NULL, ACL_FORMAT_ND), ACL_SUCCESS); /* as ACL */
	assert_int_equal(aclSetTensorOriginFormat(NULL, ACL_FORMAT_ND), ACL_SUCCESS);
}

/* ---- built-in tasks through the facade */

static void *dev_alloc(size_t n)
{
	void *p = NULL;
	assert_int_equal(aclrtMalloc(&p, n, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
	return p;
}

static void test_reduce_async(void **state)
{
	(void)state;
	aclrtStream s;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	enum { N = 5000 };
	float *hx = malloc(N * 4), *hy = malloc(N * 4), *hz = malloc(N * 4);
	for (int i = 0; i < N; i++) {
		hx[i] = (float)(i % 17) - 8.0f;
		hy[i] = (float)(i % 5) * 0.5f;
	}
	float *dx = dev_alloc(N * 4), *dy = dev_alloc(N * 4);
	static const aclrtReduceKind kinds[] = { ACL_RT_MEMCPY_SDMA_AUTOMATIC_SUM,
		                                 ACL_RT_MEMCPY_SDMA_AUTOMATIC_MAX,
		                                 ACL_RT_MEMCPY_SDMA_AUTOMATIC_MIN,
		                                 ACL_RT_MEMCPY_SDMA_AUTOMATIC_EQUAL };
	for (int k = 0; k < 4; k++) {
		assert_int_equal(aclrtMemcpy(dx, N * 4, hx, N * 4, ACL_MEMCPY_HOST_TO_DEVICE), 0);
		assert_int_equal(aclrtMemcpy(dy, N * 4, hy, N * 4, ACL_MEMCPY_HOST_TO_DEVICE), 0);
		assert_int_equal(aclrtReduceAsync(dx, dy, N * 4, kinds[k], ACL_FLOAT, s, NULL), 0);
		assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
		assert_int_equal(aclrtMemcpy(hz, N * 4, dx, N * 4, ACL_MEMCPY_DEVICE_TO_HOST), 0);
		for (int i = 0; i < N; i++) {
			float x = hx[i], y = hy[i];
			float want = k == 0   ? x + y
			             : k == 1 ? fmaxf(x, y)
			             : k == 2 ? fminf(x, y)
			                      : (x == y);
			assert_true(hz[i] == want);
		}
	}
	/* Every allowed dtype sums; in place (dst == src) doubles. */
	static const aclDataType ok[] = { ACL_INT8,    ACL_INT16, ACL_INT32, ACL_UINT32,
		                          ACL_FLOAT16, ACL_FLOAT, ACL_BF16 };
	for (size_t t = 0; t < sizeof ok / sizeof ok[0]; t++) {
		size_t es = aclDataTypeSize(ok[t]);
		unsigned char h[64] = { 0 };
		for (size_t i = 0; i < 64 / es; i++) {
			if (ok[t] == ACL_FLOAT16)
				((uint16_t *)h)[i] = 0x3c00; /* 1.0 */
			else if (ok[t] == ACL_BF16)
				((uint16_t *)h)[i] = 0x3f80;
			else if (ok[t] == ACL_FLOAT)
				((float *)h)[i] = 1.0f;
			else
				h[i * es] = 1; /* little-endian 1 */
		}
		assert_int_equal(aclrtMemcpy(dx, 64, h, 64, ACL_MEMCPY_HOST_TO_DEVICE), 0);
		assert_int_equal(aclrtReduceAsync(dx, dx, 64, ACL_RT_MEMCPY_SDMA_AUTOMATIC_SUM,
		                                  ok[t], s, NULL),
		                 ACL_SUCCESS);
		assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
		unsigned char r[64];
		assert_int_equal(aclrtMemcpy(r, 64, dx, 64, ACL_MEMCPY_DEVICE_TO_HOST), 0);
		if (ok[t] == ACL_FLOAT16)
			assert_int_equal(((uint16_t *)r)[3], 0x4000);
		else if (ok[t] == ACL_BF16)
			assert_int_equal(((uint16_t *)r)[3], 0x4000);
		else if (ok[t] == ACL_FLOAT)
			assert_true(((float *)r)[3] == 2.0f);
		else
			assert_int_equal(r[3 * es], 2);
	}
	/* Bad-input rows (ACL_ERROR_INVALID_PARAM, nothing enqueued). */
	int hostbuf[4];
	struct {
		void *d;
		const void *s;
		uint64_t n;
		int kind, type;
		void *rsv;
	} bad[] = {
		{ NULL, dy, 16, 10, ACL_FLOAT, NULL },         /* dst NULL */
		{ dx, NULL, 16, 10, ACL_FLOAT, NULL },         /* src NULL */
		{ dx, dy, 16, 9, ACL_FLOAT, NULL },            /* kind below */
		{ dx, dy, 16, 14, ACL_FLOAT, NULL },           /* kind above */
		{ dx, dy, 16, 10, ACL_INT64, NULL },           /* dtype not allowed */
		{ dx, dy, 16, 10, ACL_DOUBLE, NULL },          /* dtype not allowed */
		{ dx, dy, 16, 10, 12345, NULL },               /* dtype out of range */
		{ dx, dy, 0, 10, ACL_FLOAT, NULL },            /* count 0 */
		{ dx, dy, 6, 10, ACL_FLOAT, NULL },            /* not a multiple */
		{ dx, dy, N * 4 + 4096, 10, ACL_FLOAT, NULL }, /* past the allocation */
		{ dx, hostbuf, 16, 10, ACL_FLOAT, NULL },      /* host memory */
		{ dx, dx + 1, 16, 10, ACL_FLOAT, NULL },       /* overlap */
		{ dx, dy, 16, 10, ACL_FLOAT, (void *)dx },     /* reserve */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		aclError e =
		        aclrtReduceAsync(bad[i].d, bad[i].s, bad[i].n, (aclrtReduceKind)bad[i].kind,
		                         (aclDataType)bad[i].type, s, bad[i].rsv);
		if (e != ACL_ERROR_INVALID_PARAM)
			fail_msg("bad row %zu: got %d", i, e);
		assert_int_equal(aclrtGetLastError(ACL_RT_THREAD_LEVEL), ACL_ERROR_INVALID_PARAM);
	}
	/* Memory of another device. */
	assert_int_equal(aclrtSetDevice(1), ACL_SUCCESS);
	float *other = dev_alloc(64);
	assert_int_equal(aclrtSetDevice(0), ACL_SUCCESS);
	assert_int_equal(aclrtReduceAsync(dx, other, 16, ACL_RT_MEMCPY_SDMA_AUTOMATIC_SUM,
	                                  ACL_FLOAT, s, NULL),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtFree(other), ACL_SUCCESS);
	/* A destroyed stream. */
	aclrtStream gone;
	assert_int_equal(aclrtCreateStream(&gone), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(gone), ACL_SUCCESS);
	assert_int_equal(aclrtReduceAsync(dx, dy, 16, ACL_RT_MEMCPY_SDMA_AUTOMATIC_SUM, ACL_FLOAT,
	                                  gone, NULL),
	                 ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtFree(dx), ACL_SUCCESS);
	assert_int_equal(aclrtFree(dy), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
	free(hx);
	free(hy);
	free(hz);
}

static void para(aclrtRandomParaInfo *p, const void *v, uint8_t size, uint8_t isAddr)
{
	memset(p, 0, sizeof *p);
	p->isAddr = isAddr;
	p->size = size;
	memcpy(p->valueOrAddr, v, isAddr ? 8 : size);
}

static void test_random_async(void **state)
{
	(void)state;
	aclrtStream s;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	enum { N = 3001 };
	void *out = dev_alloc(N * 8), *ctr = dev_alloc(16), *pdev = dev_alloc(32);
	assert_int_equal(aclrtMemset(ctr, 16, 0, 16), ACL_SUCCESS);
	float lo = -2.0f, hi = 5.0f;
	uint64_t seed = 1234, num = N;
	aclrtRandomNumTaskInfo ti;
	memset(&ti, 0, sizeof ti);
	ti.dataType = ACL_FLOAT;
	ti.randomNumFuncParaInfo.funcType = ACL_RT_RANDOM_NUM_FUNC_TYPE_UNIFORM_DIS;
	para(&ti.randomNumFuncParaInfo.paramInfo.uniformDisInfo.min, &lo, 4, 0);
	para(&ti.randomNumFuncParaInfo.paramInfo.uniformDisInfo.max, &hi, 4, 0);
	para(&ti.randomSeed, &seed, 8, 0);
	para(&ti.randomNum, &num, 8, 0);
	ti.randomResultAddr = out;
	ti.randomCounterAddr = ctr;
	assert_int_equal(aclrtRandomNumAsync(&ti, s, NULL), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	float *a = malloc(N * 4), *b = malloc(N * 4);
	assert_int_equal(aclrtMemcpy(a, N * 4, out, N * 4, ACL_MEMCPY_DEVICE_TO_HOST), 0);
	for (int i = 0; i < N; i++)
		assert_true(a[i] >= -2.0f && a[i] < 5.0f);
	/* The counter is an input: a repeat gives the same values. The same
	 * params from device memory (isAddr 1) give them too. */
	assert_int_equal(aclrtMemset(out, N * 8, 0, N * 8), ACL_SUCCESS);
	float pv[2] = { lo, hi };
	assert_int_equal(aclrtMemcpy(pdev, 32, pv, 8, ACL_MEMCPY_HOST_TO_DEVICE), 0);
	assert_int_equal(aclrtMemcpy((char *)pdev + 8, 24, &num, 8, ACL_MEMCPY_HOST_TO_DEVICE), 0);
	void *pmin = pdev, *pmax = (char *)pdev + 4, *pnum = (char *)pdev + 8;
	para(&ti.randomNumFuncParaInfo.paramInfo.uniformDisInfo.min, &pmin, 4, 1);
	para(&ti.randomNumFuncParaInfo.paramInfo.uniformDisInfo.max, &pmax, 4, 1);
	para(&ti.randomNum, &pnum, 8, 1);
	assert_int_equal(aclrtRandomNumAsync(&ti, s, NULL), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtMemcpy(b, N * 4, out, N * 4, ACL_MEMCPY_DEVICE_TO_HOST), 0);
	assert_memory_equal(a, b, N * 4);
	/* A device-resident bad param fails the task at the next synchronize. */
	float badmin = 9.0f;
	assert_int_equal(aclrtMemcpy(pdev, 32, &badmin, 4, ACL_MEMCPY_HOST_TO_DEVICE), 0);
	assert_int_equal(aclrtRandomNumAsync(&ti, s, NULL), ACL_SUCCESS);
	assert_int_not_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	/* A new counter changes the values. */
	para(&ti.randomNumFuncParaInfo.paramInfo.uniformDisInfo.min, &lo, 4, 0);
	para(&ti.randomNumFuncParaInfo.paramInfo.uniformDisInfo.max, &hi, 4, 0);
	para(&ti.randomNum, &num, 8, 0);
	uint32_t c1[4] = { 1, 0, 0, 0 };
	assert_int_equal(aclrtMemcpy(ctr, 16, c1, 16, ACL_MEMCPY_HOST_TO_DEVICE), 0);
	assert_int_equal(aclrtRandomNumAsync(&ti, s, NULL), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtMemcpy(b, N * 4, out, N * 4, ACL_MEMCPY_DEVICE_TO_HOST), 0);
	assert_memory_not_equal(a, b, N * 4);
	/* Counter {1,0,0,0} shifts by one Philox block: value i+4 of the first run. */
	assert_memory_equal(a + 4, b, (N - 4) * 4);

	/* Bad-input rows. */
	aclrtRandomNumTaskInfo t2;
	assert_int_equal(aclrtRandomNumAsync(NULL, s, NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtRandomNumAsync(&ti, s, (void *)&ti), ACL_ERROR_INVALID_PARAM);
	t2 = ti;
	t2.randomNumFuncParaInfo.funcType = (aclrtRandomNumFuncType)4;
	assert_int_equal(aclrtRandomNumAsync(&t2, s, NULL), ACL_ERROR_INVALID_PARAM);
	t2 = ti;
	t2.dataType = ACL_INT8;
	assert_int_equal(aclrtRandomNumAsync(&t2, s, NULL), ACL_ERROR_INVALID_PARAM);
	t2 = ti;
	t2.dataType = ACL_INT32;
	t2.randomNumFuncParaInfo.funcType = ACL_RT_RANDOM_NUM_FUNC_TYPE_NORMAL_DIS;
	assert_int_equal(aclrtRandomNumAsync(&t2, s, NULL), ACL_ERROR_INVALID_PARAM);
	t2 = ti;
	t2.randomResultAddr = NULL;
	assert_int_equal(aclrtRandomNumAsync(&t2, s, NULL), ACL_ERROR_INVALID_PARAM);
	t2 = ti;
	t2.randomCounterAddr = NULL;
	assert_int_equal(aclrtRandomNumAsync(&t2, s, NULL), ACL_ERROR_INVALID_PARAM);
	t2 = ti;
	t2.randomCounterAddr = c1; /* host memory */
	assert_int_equal(aclrtRandomNumAsync(&t2, s, NULL), ACL_ERROR_INVALID_PARAM);
	t2 = ti;
	t2.randomResultAddr = (char *)out + N * 8 - 4; /* no room for N floats */
	assert_int_equal(aclrtRandomNumAsync(&t2, s, NULL), ACL_ERROR_INVALID_PARAM);
	t2 = ti;
	t2.randomNumFuncParaInfo.paramInfo.uniformDisInfo.min.size = 2; /* float needs 4 */
	assert_int_equal(aclrtRandomNumAsync(&t2, s, NULL), ACL_ERROR_INVALID_PARAM);
	t2 = ti;
	t2.randomSeed.isAddr = 2;
	assert_int_equal(aclrtRandomNumAsync(&t2, s, NULL), ACL_ERROR_INVALID_PARAM);
	t2 = ti;
	t2.randomSeed.size = 0;
	assert_int_equal(aclrtRandomNumAsync(&t2, s, NULL), ACL_ERROR_INVALID_PARAM);
	t2 = ti;
	uint64_t zero = 0;
	para(&t2.randomNum, &zero, 8, 0);
	assert_int_equal(aclrtRandomNumAsync(&t2, s, NULL), ACL_ERROR_INVALID_PARAM);
	t2 = ti;
	para(&t2.randomNumFuncParaInfo.paramInfo.uniformDisInfo.min, &hi, 4, 0);
	para(&t2.randomNumFuncParaInfo.paramInfo.uniformDisInfo.max, &lo, 4, 0);
	assert_int_equal(aclrtRandomNumAsync(&t2, s, NULL),
	                 ACL_ERROR_INVALID_PARAM); /* min > max */
	t2 = ti;
	void *hostp = &lo;
	para(&t2.randomNumFuncParaInfo.paramInfo.uniformDisInfo.min, &hostp, 4, 1);
	assert_int_equal(aclrtRandomNumAsync(&t2, s, NULL), ACL_ERROR_INVALID_PARAM);
	/* Dropout: ratio out of [0, 1]; normal: negative stddev. */
	t2 = ti;
	t2.randomNumFuncParaInfo.funcType = ACL_RT_RANDOM_NUM_FUNC_TYPE_DROPOUT_BITMASK;
	float r = 1.5f;
	para(&t2.randomNumFuncParaInfo.paramInfo.dropoutBitmaskInfo.dropoutRation, &r, 4, 0);
	assert_int_equal(aclrtRandomNumAsync(&t2, s, NULL), ACL_ERROR_INVALID_PARAM);
	r = 0.5f;
	para(&t2.randomNumFuncParaInfo.paramInfo.dropoutBitmaskInfo.dropoutRation, &r, 4, 0);
	assert_int_equal(aclrtRandomNumAsync(&t2, s, NULL), ACL_SUCCESS);
	t2 = ti;
	t2.randomNumFuncParaInfo.funcType = ACL_RT_RANDOM_NUM_FUNC_TYPE_TRUNCATED_NORMAL_DIS;
	float m = 0.0f, sd = -1.0f;
	para(&t2.randomNumFuncParaInfo.paramInfo.normalDisInfo.mean, &m, 4, 0);
	para(&t2.randomNumFuncParaInfo.paramInfo.normalDisInfo.stddev, &sd, 4, 0);
	assert_int_equal(aclrtRandomNumAsync(&t2, s, NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtFree(out), ACL_SUCCESS);
	assert_int_equal(aclrtFree(ctr), ACL_SUCCESS);
	assert_int_equal(aclrtFree(pdev), ACL_SUCCESS);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fp16_exhaustive),
		cmocka_unit_test(test_fp16_rounding_and_specials),
		cmocka_unit_test(test_datatype_size),
		cmocka_unit_test(test_data_buffer),
		cmocka_unit_test(test_tensor_desc),
		cmocka_unit_test(test_reduce_async),
		cmocka_unit_test(test_random_async),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
