/*
 * acl_compat/aclnn/ops/clamp_pow.c - aclnnMaximum, aclnnMinimum, the clamp
 * family (aclnnClamp, ClampMin, ClampMax, ClampTensor, ClampMinTensor,
 * ClampMaxTensor and the in-place forms CANN declares) and the pow family
 * (aclnnPowTensorScalar, PowScalarTensor, PowTensorTensor and their
 * in-place forms), onto the op library's Maximum, Minimum, ClipByValue and
 * Pow.
 *
 * PyTorch semantics: operands promote (a scalar, or a 0-d tensor beside a
 * tensor, only raises the category), tensors broadcast, the result is cast
 * to out. torch.clamp: min(max(x, lo), hi), so lo > hi gives hi, and a
 * NaN in x or a bound gives NaN; a clamp with only a lower bound is
 * Maximum, with only an upper bound Minimum. An integer tensor to a
 * negative integer scalar power is refused, as torch refuses it.
 */
#include <math.h>
#include <string.h>

#include "acl_compat/aclnn/nn.h"
#include "aclnnop/aclnn_clamp.h"
#include "aclnnop/aclnn_maximum.h"
#include "aclnnop/aclnn_minimum.h"
#include "aclnnop/aclnn_pow.h"
#include "aclnnop/aclnn_pow_tensor_tensor.h"

/* The dtype Maximum, Minimum and ClipByValue compare a dt result in: narrow
 * integers exactly in int64, bool as uint8 (0 < 1); -1 where the ops
 * cannot give PyTorch's result (double, uint64 beyond INT64_MAX). */
static int cmp_dtype(int dt)
{
	switch (dt) {
	case ACL_BOOL: return ACL_UINT8;
	case ACL_UINT64: return -1;
	default: return nn_compute_dtype(dt);
	}
}

/* The dtype Pow computes a dt result in: Pow has int16 itself; uint16 and
 * uint32 wrap identically in int64 (their values are exact there). */
static int pow_dtype(int dt)
{
	switch (dt) {
	case ACL_INT16: return ACL_INT16;
	case ACL_UINT64: return -1;
	default: return nn_compute_dtype(dt);
	}
}

static void no_compute(nn_t *b, int dt, const char *what)
{
	nn_fail(b, ACLNN_ERR_PARAM_INVALID,
	        "the operands promote to %s, which weir does not compute %s in (supported: "
	        "float32, "
	        "float16, bfloat16, int8/16/32/64, uint8/16/32%s)",
	        weir_dtype_name(dt), what, strcmp(what, "Pow") ? ", bool" : "");
}

/* Maximum or Minimum of self and other into out (or into self). */
static aclnnStatus minmax(const char *api, const char *op, bool inplace, const aclTensor *self,
                          const aclTensor *other, const aclTensor *out, uint64_t *ws,
                          aclOpExecutor **ex)
{
	nn_t b;
	nn_begin(&b, api, ws, ex);
	nn_v x = nn_in(&b, self, inplace ? "selfRef" : "self");
	nn_v y = nn_in(&b, other, "other");
	nn_v o = nn_out(&b, out, inplace ? "selfRef" : "out");
	if (!nn_ok(&b))
		return nn_finish(&b);
	int dt = nn_result_type2(&b, x, y);
	int cdt = cmp_dtype(dt);
	if (cdt < 0) {
		no_compute(&b, dt, op);
		return nn_finish(&b);
	}
	nn_v r = nn_op(&b, op, NULL, 2, nn_cast(&b, x, cdt), nn_cast(&b, y, cdt));
	nn_store(&b, nn_cast(&b, r, dt), o);
	return nn_finish(&b);
}

/*
 * The clamp family with scalar bounds. has_min / has_max: the call takes
 * that bound (aclnnClamp takes both, and then either may be NULL but not
 * both; the one-bound calls require theirs).
 */
static aclnnStatus clamp_scalar(const char *api, bool inplace, const aclTensor *self,
                                const aclScalar *smin, bool has_min, const aclScalar *smax,
                                bool has_max, const aclTensor *out, uint64_t *ws,
                                aclOpExecutor **ex)
{
	nn_t b;
	nn_begin(&b, api, ws, ex);
	nn_v x = nn_in(&b, self, inplace ? "selfRef" : "self");
	bool both = has_min && has_max;
	bool use_min = has_min && (smin || !both), use_max = has_max && (smax || !both);
	if (both && !smin && !smax)
		nn_fail(&b, ACLNN_ERR_PARAM_NULLPTR, "clipValueMin and clipValueMax are both NULL");
	nn_scalar_info_t lo_s = { 0 }, hi_s = { 0 };
	if (use_min)
		nn_scalar_value(&b, smin, "clipValueMin", &lo_s);
	if (use_max)
		nn_scalar_value(&b, smax, "clipValueMax", &hi_s);
	nn_v o = nn_out(&b, out, inplace ? "selfRef" : "out");
	if (!nn_ok(&b))
		return nn_finish(&b);

	int sdt[2], n = 0;
	if (use_min)
		sdt[n++] = lo_s.dtype;
	if (use_max)
		sdt[n++] = hi_s.dtype;
	int dt = nn_result_type(&b, &x, 1, sdt, (uint32_t)n);
	nn_v r;
	if (dt == ACL_DOUBLE) {
		/* Maximum and Minimum lack double; ClipByValue has it, with an
		 * infinite bound for the missing one. */
		nn_v lo = use_min ? nn_scalar(&b, smin, dt, "clipValueMin")
		                  : nn_const_f(&b, dt, -INFINITY);
		nn_v hi = use_max ? nn_scalar(&b, smax, dt, "clipValueMax")
		                  : nn_const_f(&b, dt, INFINITY);
		r = nn_op(&b, "ClipByValue", NULL, 3, x, lo, hi);
	} else {
		int cdt = cmp_dtype(dt);
		if (cdt < 0) {
			no_compute(&b, dt, "a clamp");
			return nn_finish(&b);
		}
		nn_v xc = nn_cast(&b, x, cdt);
		nn_v lo = use_min ? nn_scalar(&b, smin, cdt, "clipValueMin") : NN_NONE;
		nn_v hi = use_max ? nn_scalar(&b, smax, cdt, "clipValueMax") : NN_NONE;
		if (use_min && use_max)
			r = nn_op(&b, "ClipByValue", NULL, 3, xc, lo, hi);
		else if (use_min)
			r = nn_op(&b, "Maximum", NULL, 2, xc, lo);
		else
			r = nn_op(&b, "Minimum", NULL, 2, xc, hi);
	}
	nn_store(&b, nn_cast(&b, r, dt), o);
	return nn_finish(&b);
}

/*
 * The clamp family with tensor bounds (broadcast with self):
 * Minimum(Maximum(self, min), max). aclnnClampTensor takes both bounds,
 * either of which may be NULL but not both; the one-bound calls require
 * theirs. max_name: how the call names its upper bound.
 */
static aclnnStatus clamp_tensor(const char *api, bool inplace, const aclTensor *self,
                                const aclTensor *tmin, bool has_min, const aclTensor *tmax,
                                bool has_max, const aclTensor *out, uint64_t *ws,
                                aclOpExecutor **ex)
{
	nn_t b;
	nn_begin(&b, api, ws, ex);
	bool both = has_min && has_max;
	const char *max_name = both ? "clipValueMax" : "max";
	nn_v v[3];
	uint32_t n = 0;
	v[n++] = nn_in(&b, self, inplace ? "selfRef" : "self");
	nn_v lo = NN_NONE, hi = NN_NONE;
	if (has_min)
		lo = both ? nn_in_opt(&b, tmin, "clipValueMin") : nn_in(&b, tmin, "clipValueMin");
	if (has_max)
		hi = both ? nn_in_opt(&b, tmax, max_name) : nn_in(&b, tmax, max_name);
	if (both && lo == NN_NONE && hi == NN_NONE)
		nn_fail(&b, ACLNN_ERR_PARAM_NULLPTR, "clipValueMin and clipValueMax are both NULL");
	nn_v o = nn_out(&b, out, inplace ? "selfRef" : "out");
	if (!nn_ok(&b))
		return nn_finish(&b);
	if (lo != NN_NONE)
		v[n++] = lo;
	if (hi != NN_NONE)
		v[n++] = hi;
	int dt = nn_result_type(&b, v, n, NULL, 0);
	int cdt = cmp_dtype(dt);
	if (cdt < 0) {
		no_compute(&b, dt, "a clamp");
		return nn_finish(&b);
	}
	nn_v r = nn_cast(&b, v[0], cdt);
	if (lo != NN_NONE)
		r = nn_op(&b, "Maximum", NULL, 2, r, nn_cast(&b, lo, cdt));
	if (hi != NN_NONE)
		r = nn_op(&b, "Minimum", NULL, 2, r, nn_cast(&b, hi, cdt));
	nn_store(&b, nn_cast(&b, r, dt), o);
	return nn_finish(&b);
}

/*
 * The pow family: base ^ exponent, each a tensor (base_t, exp_t) or a
 * scalar (base_s, exp_s); exactly one of each pair is used.
 */
static aclnnStatus pow_any(const char *api, bool inplace, const aclTensor *base_t,
                           const aclScalar *base_s, const aclTensor *exp_t, const aclScalar *exp_s,
                           const aclTensor *out, uint64_t *ws, aclOpExecutor **ex)
{
	nn_t b;
	nn_begin(&b, api, ws, ex);
	nn_v x = NN_NONE, y = NN_NONE;
	nn_scalar_info_t xs = { 0 }, ys = { 0 };
	if (base_t)
		x = nn_in(&b, base_t, "self");
	else
		nn_scalar_value(&b, base_s, "self", &xs);
	if (exp_t || !exp_s)
		y = nn_in(&b, exp_t, "exponent");
	else
		nn_scalar_value(&b, exp_s, "exponent", &ys);
	nn_v o = nn_out(&b, out, inplace ? "self" : "out");
	if (!nn_ok(&b))
		return nn_finish(&b);

	int dt;
	if (x != NN_NONE && y != NN_NONE)
		dt = nn_result_type2(&b, x, y);
	else if (x != NN_NONE)
		dt = nn_result_type(&b, &x, 1, &ys.dtype, 1);
	else
		dt = nn_result_type(&b, &y, 1, &xs.dtype, 1);
	int cdt = pow_dtype(dt);
	if (cdt < 0) {
		no_compute(&b, dt, "Pow");
		return nn_finish(&b);
	}
	if (y == NN_NONE && !nn_is_float(dt) && !nn_is_float(ys.dtype) && ys.i < 0) {
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID,
		        "exponent is %lld: integers to negative integer powers are not allowed",
		        (long long)ys.i);
		return nn_finish(&b);
	}
	nn_v xv = x != NN_NONE ? nn_cast(&b, x, cdt) : nn_scalar(&b, base_s, cdt, "self");
	nn_v yv = y != NN_NONE ? nn_cast(&b, y, cdt) : nn_scalar(&b, exp_s, cdt, "exponent");
	nn_v r = nn_op(&b, "Pow", NULL, 2, xv, yv);
	nn_store(&b, nn_cast(&b, r, dt), o);
	return nn_finish(&b);
}

ACLNN_API aclnnStatus aclnnMaximumGetWorkspaceSize(const aclTensor *self, const aclTensor *other,
                                                   aclTensor *out, uint64_t *workspaceSize,
                                                   aclOpExecutor **executor)
{
	return minmax("aclnnMaximum", "Maximum", false, self, other, out, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnMaximum)

ACLNN_API aclnnStatus aclnnMinimumGetWorkspaceSize(const aclTensor *self, const aclTensor *other,
                                                   aclTensor *out, uint64_t *workspaceSize,
                                                   aclOpExecutor **executor)
{
	return minmax("aclnnMinimum", "Minimum", false, self, other, out, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnMinimum)

ACLNN_API aclnnStatus aclnnClampGetWorkspaceSize(const aclTensor *self,
                                                 const aclScalar *clipValueMin,
                                                 const aclScalar *clipValueMax, aclTensor *out,
                                                 uint64_t *workspaceSize, aclOpExecutor **executor)
{
	return clamp_scalar("aclnnClamp", false, self, clipValueMin, true, clipValueMax, true, out,
	                    workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnClamp)

ACLNN_API aclnnStatus aclnnClampMinGetWorkspaceSize(const aclTensor *self,
                                                    const aclScalar *clipValueMin, aclTensor *out,
                                                    uint64_t *workspaceSize,
                                                    aclOpExecutor **executor)
{
	return clamp_scalar("aclnnClampMin", false, self, clipValueMin, true, NULL, false, out,
	                    workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnClampMin)

ACLNN_API aclnnStatus aclnnClampMaxGetWorkspaceSize(const aclTensor *self,
                                                    const aclScalar *clipValueMax, aclTensor *out,
                                                    uint64_t *workspaceSize,
                                                    aclOpExecutor **executor)
{
	return clamp_scalar("aclnnClampMax", false, self, NULL, false, clipValueMax, true, out,
	                    workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnClampMax)

ACLNN_API aclnnStatus aclnnInplaceClampMaxGetWorkspaceSize(const aclTensor *selfRef,
                                                           const aclScalar *clipValueMax,
                                                           uint64_t *workspaceSize,
                                                           aclOpExecutor **executor)
{
	return clamp_scalar("aclnnInplaceClampMax", true, selfRef, NULL, false, clipValueMax, true,
	                    selfRef, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnInplaceClampMax)

ACLNN_API aclnnStatus aclnnClampTensorGetWorkspaceSize(const aclTensor *self,
                                                       const aclTensor *clipValueMin,
                                                       const aclTensor *clipValueMax,
                                                       aclTensor *out, uint64_t *workspaceSize,
                                                       aclOpExecutor **executor)
{
	return clamp_tensor("aclnnClampTensor", false, self, clipValueMin, true, clipValueMax, true,
	                    out, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnClampTensor)

ACLNN_API aclnnStatus aclnnClampMinTensorGetWorkspaceSize(const aclTensor *self,
                                                          const aclTensor *clipValueMin,
                                                          aclTensor *out, uint64_t *workspaceSize,
                                                          aclOpExecutor **executor)
{
	return clamp_tensor("aclnnClampMinTensor", false, self, clipValueMin, true, NULL, false,
	                    out, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnClampMinTensor)

ACLNN_API aclnnStatus aclnnInplaceClampMinTensorGetWorkspaceSize(aclTensor *selfRef,
                                                                 const aclTensor *clipValueMin,
                                                                 uint64_t *workspaceSize,
                                                                 aclOpExecutor **executor)
{
	return clamp_tensor("aclnnInplaceClampMinTensor", true, selfRef, clipValueMin, true, NULL,
	                    false, selfRef, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnInplaceClampMinTensor)

ACLNN_API aclnnStatus aclnnClampMaxTensorGetWorkspaceSize(const aclTensor *self,
                                                          const aclTensor *max, aclTensor *out,
                                                          uint64_t *workspaceSize,
                                                          aclOpExecutor **executor)
{
	return clamp_tensor("aclnnClampMaxTensor", false, self, NULL, false, max, true, out,
	                    workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnClampMaxTensor)

ACLNN_API aclnnStatus aclnnInplaceClampMaxTensorGetWorkspaceSize(aclTensor *selfRef,
                                                                 const aclTensor *max,
                                                                 uint64_t *workspaceSize,
                                                                 aclOpExecutor **executor)
{
	return clamp_tensor("aclnnInplaceClampMaxTensor", true, selfRef, NULL, false, max, true,
	                    selfRef, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnInplaceClampMaxTensor)

ACLNN_API aclnnStatus aclnnPowTensorScalarGetWorkspaceSize(const aclTensor *self,
                                                           const aclScalar *exponent,
                                                           const aclTensor *out,
                                                           uint64_t *workspaceSize,
                                                           aclOpExecutor **executor)
{
	return pow_any("aclnnPowTensorScalar", false, self, NULL, NULL, exponent, out,
	               workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnPowTensorScalar)

ACLNN_API aclnnStatus aclnnInplacePowTensorScalarGetWorkspaceSize(const aclTensor *self,
                                                                  const aclScalar *exponent,
                                                                  uint64_t *workspaceSize,
                                                                  aclOpExecutor **executor)
{
	return pow_any("aclnnInplacePowTensorScalar", true, self, NULL, NULL, exponent, self,
	               workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnInplacePowTensorScalar)

ACLNN_API aclnnStatus aclnnPowScalarTensorGetWorkspaceSize(const aclScalar *self,
                                                           const aclTensor *exponent,
                                                           const aclTensor *out,
                                                           uint64_t *workspaceSize,
                                                           aclOpExecutor **executor)
{
	return pow_any("aclnnPowScalarTensor", false, NULL, self, exponent, NULL, out,
	               workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnPowScalarTensor)

ACLNN_API aclnnStatus aclnnPowTensorTensorGetWorkspaceSize(const aclTensor *self,
                                                           const aclTensor *exponent,
                                                           aclTensor *out, uint64_t *workspaceSize,
                                                           aclOpExecutor **executor)
{
	return pow_any("aclnnPowTensorTensor", false, self, NULL, exponent, NULL, out,
	               workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnPowTensorTensor)

ACLNN_API aclnnStatus aclnnInplacePowTensorTensorGetWorkspaceSize(const aclTensor *self,
                                                                  const aclTensor *exponent,
                                                                  uint64_t *workspaceSize,
                                                                  aclOpExecutor **executor)
{
	return pow_any("aclnnInplacePowTensorTensor", true, self, NULL, exponent, NULL, self,
	               workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnInplacePowTensorTensor)
