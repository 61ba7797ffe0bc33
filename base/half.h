/*
 * base/half.h - IEEE 754 binary16 <-> binary32 conversion, the one
 * implementation every layer uses (graph/ kernels through graph/dtype.h,
 * the ACL facade's aclFloatToFloat16 / aclFloat16ToFloat).
 *
 * weir_f32_to_f16() rounds to nearest, ties to even; NaN stays NaN (quiet,
 * sign and top payload bits kept), infinities and signed zeros are kept,
 * overflow gives infinity, fp16 subnormals are produced exactly rounded.
 * weir_f16_to_f32() is exact for every one of the 65536 inputs (a NaN
 * becomes a quiet NaN with the same payload). Pure functions: no state.
 */
#ifndef WEIR_BASE_HALF_H
#define WEIR_BASE_HALF_H

#include <stdint.h>
#include <string.h>

static inline float weir_f32_from_bits(uint32_t u)
{
	float f;
	memcpy(&f, &u, 4);
	return f;
}
static inline uint32_t weir_f32_bits(float f)
{
	uint32_t u;
	memcpy(&u, &f, 4);
	return u;
}

static inline float weir_f16_to_f32(uint16_t h)
{
	uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
	uint32_t exp = (h >> 10) & 0x1fu;
	uint32_t man = h & 0x3ffu;
	uint32_t u;

	if (exp == 0x1fu) { /* inf / NaN */
		u = sign | 0x7f800000u | (man << 13) | (man ? 0x400000u : 0);
	} else if (exp != 0) { /* normal */
		u = sign | ((exp + 112u) << 23) | (man << 13);
	} else if (man == 0) { /* signed zero */
		u = sign;
	} else { /* subnormal: normalize */
		int e = -1;
		do {
			man <<= 1;
			e++;
		} while (!(man & 0x400u));
		u = sign | ((uint32_t)(112 - e) << 23) | ((man & 0x3ffu) << 13);
	}
	return weir_f32_from_bits(u);
}

static inline uint16_t weir_f32_to_f16(float f)
{
	uint32_t u = weir_f32_bits(f);
	uint16_t sign = (uint16_t)((u >> 16) & 0x8000u);
	uint32_t exp = (u >> 23) & 0xffu;
	uint32_t man = u & 0x7fffffu;

	if (exp == 0xffu) /* inf / NaN (quiet) */
		return (uint16_t)(sign | 0x7c00u | (man ? 0x200u | (man >> 13) : 0));
	int32_t e = (int32_t)exp - 127 + 15;
	if (e >= 0x1f) /* overflow */
		return (uint16_t)(sign | 0x7c00u);
	if (e <= 0) { /* subnormal or zero */
		if (e < -10)
			return sign;
		man |= 0x800000u;
		uint32_t shift = (uint32_t)(14 - e);
		uint32_t half = 1u << (shift - 1);
		uint32_t r = man >> shift;
		uint32_t rem = man & ((1u << shift) - 1);
		if (rem > half || (rem == half && (r & 1u)))
			r++;
		return (uint16_t)(sign | r);
	}
	uint32_t r = ((uint32_t)e << 10) | (man >> 13);
	uint32_t rem = man & 0x1fffu;
#ifdef WEIR_BUSTED_F16_TIES_AWAY
	if (rem >= 0x1000u) /* planted: ties round away from zero */
#else
	if (rem > 0x1000u || (rem == 0x1000u && (r & 1u)))
#endif
		r++; /* may carry into exp: still right (inf at top) */
	return (uint16_t)(sign | r);
}

#endif /* WEIR_BASE_HALF_H */
