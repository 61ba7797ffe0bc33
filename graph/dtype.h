/*
 * graph/dtype.h - scalar conversions between weir's dtypes, for kernels.
 *
 * fp16 is IEEE 754 binary16 (its conversions live in base/half.h, shared
 * with the ACL facade); bf16 is the top half of a binary32. Conversion
 * from float rounds to nearest, ties to even; NaN stays NaN (quiet), infinities
 * and signed zeros are kept, fp16 overflow gives infinity, fp16 subnormals
 * are produced and read exactly.
 *
 * weir_dt_load()/weir_dt_store() read and write element i of a buffer of any
 * supported dtype through a double: every supported value except int64/uint64
 * beyond 2^53 round-trips exactly. Stores convert like C casts, except that
 * float -> integer saturates (NaN -> 0) and bool stores (v != 0).
 */
#ifndef WEIR_GRAPH_DTYPE_H
#define WEIR_GRAPH_DTYPE_H

#include <stdint.h>
#include <string.h>
#include <math.h>
#include "weir/graph.h"
#include "base/half.h"

static inline float weir_bf16_to_f32(uint16_t b)
{
	return weir_f32_from_bits((uint32_t)b << 16);
}

static inline uint16_t weir_f32_to_bf16(float f)
{
	uint32_t u = weir_f32_bits(f);
	if ((u & 0x7fffffffu) > 0x7f800000u) /* NaN: keep it quiet */
		return (uint16_t)((u >> 16) | 0x40u);
	u += 0x7fffu + ((u >> 16) & 1u);
	return (uint16_t)(u >> 16);
}

/* Element i of buffer p (dtype dt) as double. Unsupported dtype: 0. */
static inline double weir_dt_load(int dt, const void *p, int64_t i)
{
	switch (dt) {
	case WEIR_DT_FLOAT: return ((const float *)p)[i];
	case WEIR_DT_FLOAT16: return weir_f16_to_f32(((const uint16_t *)p)[i]);
	case WEIR_DT_BF16: return weir_bf16_to_f32(((const uint16_t *)p)[i]);
	case WEIR_DT_DOUBLE: return ((const double *)p)[i];
	case WEIR_DT_INT8: return ((const int8_t *)p)[i];
	case WEIR_DT_UINT8: return ((const uint8_t *)p)[i];
	case WEIR_DT_INT16: return ((const int16_t *)p)[i];
	case WEIR_DT_UINT16: return ((const uint16_t *)p)[i];
	case WEIR_DT_INT32: return ((const int32_t *)p)[i];
	case WEIR_DT_UINT32: return ((const uint32_t *)p)[i];
	case WEIR_DT_INT64: return (double)((const int64_t *)p)[i];
	case WEIR_DT_UINT64: return (double)((const uint64_t *)p)[i];
	case WEIR_DT_BOOL: return ((const uint8_t *)p)[i] ? 1.0 : 0.0;
	default: return 0.0;
	}
}

static inline double weir__dt_sat(double v, double lo, double hi)
{
	if (v != v)
		return 0.0;
	return v < lo ? lo : v > hi ? hi : v;
}

/* Store v as element i of buffer p (dtype dt). Unsupported dtype: no-op. */
static inline void weir_dt_store(int dt, void *p, int64_t i, double v)
{
	switch (dt) {
	case WEIR_DT_FLOAT: ((float *)p)[i] = (float)v; break;
	case WEIR_DT_FLOAT16: ((uint16_t *)p)[i] = weir_f32_to_f16((float)v); break;
	case WEIR_DT_BF16: ((uint16_t *)p)[i] = weir_f32_to_bf16((float)v); break;
	case WEIR_DT_DOUBLE: ((double *)p)[i] = v; break;
	case WEIR_DT_INT8: ((int8_t *)p)[i] = (int8_t)weir__dt_sat(v, -128.0, 127.0); break;
	case WEIR_DT_UINT8: ((uint8_t *)p)[i] = (uint8_t)weir__dt_sat(v, 0.0, 255.0); break;
	case WEIR_DT_INT16: ((int16_t *)p)[i] = (int16_t)weir__dt_sat(v, -32768.0, 32767.0); break;
	case WEIR_DT_UINT16: ((uint16_t *)p)[i] = (uint16_t)weir__dt_sat(v, 0.0, 65535.0); break;
	case WEIR_DT_INT32:
		((int32_t *)p)[i] = (int32_t)weir__dt_sat(v, -2147483648.0, 2147483647.0);
		break;
	case WEIR_DT_UINT32:
		((uint32_t *)p)[i] = (uint32_t)weir__dt_sat(v, 0.0, 4294967295.0);
		break;
	case WEIR_DT_INT64:
		((int64_t *)p)[i] =
		        (int64_t)weir__dt_sat(v, -9223372036854775808.0, 9223372036854774784.0);
		break;
	case WEIR_DT_UINT64:
		((uint64_t *)p)[i] = (uint64_t)weir__dt_sat(v, 0.0, 18446744073709549568.0);
		break;
	case WEIR_DT_BOOL: ((uint8_t *)p)[i] = (v != 0.0); break;
	default: break;
	}
}

#endif /* WEIR_GRAPH_DTYPE_H */
