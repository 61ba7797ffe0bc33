/*
 * graph/ops/cast.c - Cast: convert every element to the dtype named by the
 * attr `dst_type` (GE's name; ONNX's `to` is accepted as an alias), an int
 * holding a weir_dtype_t value. Any supported dtype to any other.
 *
 * Rules (docs/ops.md):
 *  - integer/bool -> integer: two's-complement truncation (C's conversion,
 *    made explicit), exact for every value;
 *  - integer -> float: the nearest float (int -> float32 directly; float16
 *    and bfloat16 through float32);
 *  - float -> integer: truncation toward zero, saturating at the target's
 *    range, NaN -> 0;
 *  - float -> float: round to nearest even (float64 -> float16/bfloat16
 *    goes through float32);
 *  - anything -> bool: value != 0 (NaN -> true); bool -> anything: 0 or 1.
 */
#include <math.h>
#include <string.h>

#include "graph/ops/ops_internal.h"

static bool is_floatish(int dt)
{
	return weir__ops_is_float(dt) || dt == WEIR_DT_DOUBLE;
}

static int cast_dst(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a, int *dst)
{
	int64_t v;
	int found, rc;
	rc = weir__ops_attr_int(ctx, a, WEIR__OPS_NAMES("dst_type", "to"), &v, &found);
	if (rc != WEIR_OK)
		return rc;
	if (!found)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "missing attr 'dst_type' (target dtype)");
	if (v < 0 || v > INT32_MAX || weir_dtype_size((int)v) == 0)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL,
		                      "attr 'dst_type' = %lld is not a supported dtype",
		                      (long long)v);
	*dst = (int)v;
	return WEIR_OK;
}

static int cast_infer(weir_op_infer_ctx_t *ctx)
{
	int dst = 0, rc;
	if (!weir__ops_is_any(ctx->in[0].dtype))
		return weir_op_fail(ctx, WEIR_ESHAPE, "input dtype %d not supported",
		                    ctx->in[0].dtype);
	rc = cast_dst(ctx, ctx->attrs, &dst);
	if (rc != WEIR_OK)
		return rc;
	ctx->out[0] = ctx->in[0];
	ctx->out[0].dtype = dst;
	return WEIR_OK;
}

/* Float value -> integer dtype: trunc toward zero, saturating, NaN -> 0. */
static int64_t f_to_i64(double v, int dt)
{
	double lo, hi;
	switch (dt) {
	case WEIR_DT_INT8:
		lo = -128.0;
		hi = 127.0;
		break;
	case WEIR_DT_UINT8:
		lo = 0.0;
		hi = 255.0;
		break;
	case WEIR_DT_INT16:
		lo = -32768.0;
		hi = 32767.0;
		break;
	case WEIR_DT_UINT16:
		lo = 0.0;
		hi = 65535.0;
		break;
	case WEIR_DT_INT32:
		lo = -2147483648.0;
		hi = 2147483647.0;
		break;
	case WEIR_DT_UINT32:
		lo = 0.0;
		hi = 4294967295.0;
		break;
	case WEIR_DT_UINT64:
		if (isnan(v) || v <= 0.0)
			return 0;
		if (v >= 18446744073709551616.0)
			return (int64_t)UINT64_MAX;
		return (int64_t)(uint64_t)v;
	default: /* int64 */
		if (isnan(v))
			return 0;
		if (v >= 9223372036854775808.0)
			return INT64_MAX;
		if (v <= -9223372036854775808.0)
			return INT64_MIN;
		return (int64_t)v;
	}
	if (isnan(v))
		return 0;
	v = v < lo ? lo : v > hi ? hi : v;
	return (int64_t)v;
}

static double ld_float(int dt, const void *p, int64_t i)
{
	if (dt == WEIR_DT_DOUBLE)
		return ((const double *)p)[i];
	return (double)weir__ops_ldf(dt, p, i);
}

static void st_float_from_double(int dt, void *p, int64_t i, double v)
{
	if (dt == WEIR_DT_DOUBLE)
		((double *)p)[i] = v;
	else
		weir__ops_stf(dt, p, i, (float)v);
}

/* Integer source (raw value in int64; `uns` for uint64's bit pattern). */
static void st_float_from_int(int dt, void *p, int64_t i, int64_t v, bool uns)
{
	if (dt == WEIR_DT_DOUBLE)
		((double *)p)[i] = uns ? (double)(uint64_t)v : (double)v;
	else
		weir__ops_stf(dt, p, i, uns ? (float)(uint64_t)v : (float)v);
}

static int cast_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb)
{
	int sd = c->in_desc[0].dtype, dd = c->out_desc[0].dtype;
	const void *src = c->in[0];
	void *dst = c->out[0];
	int64_t lo, hi;
	weir__ops_range(weir__ops_desc_numel(&c->out_desc[0]), bi, nb, &lo, &hi);
	if (lo >= hi)
		return WEIR_OK;
	if (sd == dd) {
		size_t es = weir_dtype_size(sd);
		memcpy((char *)dst + (size_t)lo * es, (const char *)src + (size_t)lo * es,
		       (size_t)(hi - lo) * es);
		return WEIR_OK;
	}
	bool sf = is_floatish(sd), df = is_floatish(dd);
	if (sf && df) {
		if (sd == WEIR_DT_FLOAT && dd == WEIR_DT_FLOAT16) {
			for (int64_t i = lo; i < hi; i++)
				((uint16_t *)dst)[i] = weir_f32_to_f16(((const float *)src)[i]);
		} else if (sd == WEIR_DT_FLOAT && dd == WEIR_DT_BF16) {
			for (int64_t i = lo; i < hi; i++)
				((uint16_t *)dst)[i] = weir_f32_to_bf16(((const float *)src)[i]);
		} else {
			for (int64_t i = lo; i < hi; i++)
				st_float_from_double(dd, dst, i, ld_float(sd, src, i));
		}
	} else if (sf) {
		if (dd == WEIR_DT_BOOL) {
			for (int64_t i = lo; i < hi; i++)
				((uint8_t *)dst)[i] = ld_float(sd, src, i) != 0.0;
		} else {
			for (int64_t i = lo; i < hi; i++)
				weir__ops_sti(dd, dst, i, f_to_i64(ld_float(sd, src, i), dd));
		}
	} else if (df) {
		bool uns = sd == WEIR_DT_UINT64;
		for (int64_t i = lo; i < hi; i++)
			st_float_from_int(dd, dst, i, weir__ops_ldi(sd, src, i), uns);
	} else {
		for (int64_t i = lo; i < hi; i++)
			weir__ops_sti(dd, dst, i, weir__ops_ldi(sd, src, i));
	}
	return WEIR_OK;
}

static uint32_t cast_blocks(const weir_op_call_t *c, uint32_t workers)
{
	return weir__ops_blocks_for(weir__ops_desc_numel(&c->out_desc[0]), 2, workers);
}

const weir_op_def_t weir__op_cast = {
	.name = "Cast",
	.min_inputs = 1,
	.max_inputs = 1,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = cast_infer,
	.kernel = cast_kernel,
	.blocks = cast_blocks,
};
