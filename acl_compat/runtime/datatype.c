/*
 * acl_compat/runtime/datatype.c - aclDataBuffer, aclDataTypeSize and the
 * float16 conversions of ACL's acl_base.h.
 *
 * The float16 arithmetic is base/half.h (the one binary16 implementation,
 * shared with graph/ kernels); this file only adds ACL's documented rule
 * for the values binary16 cannot carry finitely (acl/acl_base.h): no inf
 * or NaN comes out of either call.
 *
 * aclDataBuffer is a plain heap pair. Like ACL, weir cannot tell a stale or
 * garbage aclDataBuffer* from a live one (the type is a pointer users may
 * keep in their own structs and compare); NULL is checked everywhere.
 * Thread-safety: every call may run on any thread; one buffer must not be
 * updated and read concurrently (as in ACL).
 */
#include <stdlib.h>

#include "acl_compat/acl_internal.h"
#include "base/half.h"

struct aclDataBuffer {
	void *data;
	size_t size;
};

ACL_FUNC_VISIBILITY float aclFloat16ToFloat(aclFloat16 value)
{
	if ((value & 0x7c00u) == 0x7c00u) { /* exponent 31 read as a normal one */
		float m = 1.0f + (float)(value & 0x3ffu) / 1024.0f;
		return (value & 0x8000u) ? -65536.0f * m : 65536.0f * m;
	}
	return weir_f16_to_f32(value);
}

ACL_FUNC_VISIBILITY aclFloat16 aclFloatToFloat16(float value)
{
	uint32_t u = weir_f32_bits(value);
	if ((u & 0x7fffffffu) > 0x7f800000u) /* NaN */
		return 0x7bffu;
	uint16_t h = weir_f32_to_f16(value);
	if ((h & 0x7fffu) == 0x7c00u) /* inf or overflow: saturate */
		return (uint16_t)((h & 0x8000u) | 0x7bffu);
	return h;
}

ACL_FUNC_VISIBILITY aclDataBuffer *aclCreateDataBuffer(void *data, size_t size)
{
	aclDataBuffer *b = malloc(sizeof *b);
	if (!b) {
		(void)weir__acl_fail(ACL_ERROR_BAD_ALLOC, "aclCreateDataBuffer", "out of memory");
		return NULL;
	}
	b->data = data;
	b->size = size;
	return b;
}

ACL_FUNC_VISIBILITY aclError aclDestroyDataBuffer(const aclDataBuffer *dataBuffer)
{
	if (!dataBuffer)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, "aclDestroyDataBuffer",
		                      "dataBuffer is NULL");
	free((void *)(uintptr_t)dataBuffer);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclUpdateDataBuffer(aclDataBuffer *dataBuffer, void *data, size_t size)
{
	if (!dataBuffer)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, "aclUpdateDataBuffer",
		                      "dataBuffer is NULL");
	dataBuffer->data = data;
	dataBuffer->size = size;
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY void *aclGetDataBufferAddr(const aclDataBuffer *dataBuffer)
{
	if (!dataBuffer) {
		(void)weir__acl_fail(ACL_ERROR_INVALID_PARAM, "aclGetDataBufferAddr",
		                     "dataBuffer is NULL");
		return NULL;
	}
	return dataBuffer->data;
}

ACL_FUNC_VISIBILITY uint32_t aclGetDataBufferSize(const aclDataBuffer *dataBuffer)
{
	if (!dataBuffer) {
		(void)weir__acl_fail(ACL_ERROR_INVALID_PARAM, "aclGetDataBufferSize",
		                     "dataBuffer is NULL");
		return 0;
	}
	return (uint32_t)dataBuffer->size; /* truncated, as ACL's does */
}

ACL_FUNC_VISIBILITY size_t aclGetDataBufferSizeV2(const aclDataBuffer *dataBuffer)
{
	if (!dataBuffer) {
		(void)weir__acl_fail(ACL_ERROR_INVALID_PARAM, "aclGetDataBufferSizeV2",
		                     "dataBuffer is NULL");
		return 0;
	}
	return dataBuffer->size;
}

ACL_FUNC_VISIBILITY size_t aclDataTypeSize(aclDataType dataType)
{
	switch ((int)dataType) {
	case ACL_BOOL:
	case ACL_INT8:
	case ACL_UINT8:
	case ACL_HIFLOAT8:
	case ACL_FLOAT8_E5M2:
	case ACL_FLOAT8_E4M3FN:
	case ACL_FLOAT8_E8M0:
	case ACL_INT4:
	case ACL_UINT1:
	case ACL_FLOAT6_E3M2:
	case ACL_FLOAT6_E2M3:
	case ACL_FLOAT4_E2M1:
	case ACL_FLOAT4_E1M2: return 1;
	case ACL_FLOAT16:
	case ACL_BF16:
	case ACL_INT16:
	case ACL_UINT16: return 2;
	case ACL_FLOAT:
	case ACL_INT32:
	case ACL_UINT32:
	case ACL_COMPLEX32: return 4;
	case ACL_INT64:
	case ACL_UINT64:
	case ACL_DOUBLE:
	case ACL_COMPLEX64: return 8;
	case ACL_COMPLEX128: return 16;
	default: return 0; /* ACL_DT_UNDEFINED, ACL_STRING, unknown */
	}
}
