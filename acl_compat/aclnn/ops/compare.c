/*
 * acl_compat/aclnn/ops/compare.c - the comparisons aclnnEq/Ne/Gt/Ge/Lt/Le
 * (Tensor and Scalar forms, and their in-place forms), aclnnLogicalAnd,
 * aclnnLogicalOr, aclnnLogicalNot (and in-place forms) and aclnnSign, onto the
 * op library's Equal, NotEqual, Greater, GreaterEqual, Less, LessEqual,
 * LogicalAnd, LogicalOr, LogicalNot and Sign.
 *
 * PyTorch semantics: a comparison promotes both operands to their result
 * type (a scalar, or a 0-d tensor beside a tensor, only raises the category)
 * and compares there; the bool result is cast to out's dtype (in place: to
 * selfRef's). The logical ops take any dtypes, mixed (non-zero is true).
 * Broadcasting is the op library's (numpy rules).
 */
#include "acl_compat/aclnn/nn.h"
#include "aclnnop/aclnn_eq_scalar.h"
#include "aclnnop/aclnn_eq_tensor.h"
#include "aclnnop/aclnn_ge_scalar.h"
#include "aclnnop/aclnn_ge_tensor.h"
#include "aclnnop/aclnn_gt_scalar.h"
#include "aclnnop/aclnn_gt_tensor.h"
#include "aclnnop/aclnn_le_scalar.h"
#include "aclnnop/aclnn_le_tensor.h"
#include "aclnnop/aclnn_logical_and.h"
#include "aclnnop/aclnn_logical_not.h"
#include "aclnnop/aclnn_logical_or.h"
#include "aclnnop/aclnn_lt_scalar.h"
#include "aclnnop/aclnn_lt_tensor.h"
#include "aclnnop/aclnn_ne_scalar.h"
#include "aclnnop/aclnn_ne_tensor.h"
#include "aclnnop/aclnn_sign.h"

static bool is_signed_int(int dt)
{
	return dt == ACL_INT8 || dt == ACL_INT16 || dt == ACL_INT32 || dt == ACL_INT64;
}

/*
 * self (op) other into out (selfRef itself when inplace); other is a
 * tensor (other_t) or, when scalar is set, a scalar (other_s).
 */
static aclnnStatus compare(const char *api, const char *op, bool inplace, bool scalar,
                           const aclTensor *self, const aclTensor *other_t,
                           const aclScalar *other_s, const aclTensor *out, uint64_t *ws,
                           aclOpExecutor **ex)
{
	nn_t b;
	nn_begin(&b, api, ws, ex);
	nn_v x = nn_in(&b, self, inplace ? "selfRef" : "self");
	nn_v y = NN_BAD;
	nn_scalar_info_t ys = { 0 };
	if (scalar)
		nn_scalar_value(&b, other_s, "other", &ys);
	else
		y = nn_in(&b, other_t, "other");
	nn_v o = nn_out(&b, out, inplace ? "selfRef" : "out");
	if (!nn_ok(&b))
		return nn_finish(&b);

	int dt;
	if (scalar) {
		int sdt = ys.dtype;
		dt = nn_result_type(&b, &x, 1, &sdt, 1);
	} else {
		dt = nn_result_type2(&b, x, y);
	}
	/* uint64 beside a signed integer promotes to a signed type, where
	 * values beyond INT64_MAX would compare wrongly (a uint64 scalar
	 * only matters when it is that large). */
	int dx = nn_dtype(&b, x), dy = scalar ? ys.dtype : nn_dtype(&b, y);
	bool u64 = dx == ACL_UINT64 || (dy == ACL_UINT64 && (!scalar || ys.f >= 0x1p63));
	if (is_signed_int(dt) && u64) {
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID,
		        "self (%s) and other (%s) promote to %s, which cannot hold every uint64 "
		        "value; weir does not compare uint64 with signed integers",
		        weir_dtype_name(dx), weir_dtype_name(dy), weir_dtype_name(dt));
		return nn_finish(&b);
	}
	y = scalar ? nn_scalar(&b, other_s, dt, "other") : nn_cast(&b, y, dt);
	nn_v r = nn_op(&b, op, NULL, 2, nn_cast(&b, x, dt), y);
	nn_store(&b, r, o);
	return nn_finish(&b);
}

/* LogicalAnd / LogicalOr: any dtypes, mixed. */
static aclnnStatus logic(const char *api, const char *op, const aclTensor *self,
                         const aclTensor *other, const aclTensor *out, const char *out_name,
                         uint64_t *ws, aclOpExecutor **ex)
{
	nn_t b;
	nn_begin(&b, api, ws, ex);
	bool inplace = self == out;
	nn_v x = nn_in(&b, self, inplace ? "selfRef" : "self");
	nn_v y = nn_in(&b, other, "other");
	nn_v o = nn_out(&b, out, out_name);
	nn_v r = nn_op(&b, op, NULL, 2, x, y);
	nn_store(&b, r, o);
	return nn_finish(&b);
}

/* One-input ops (LogicalNot, Sign): the op's result cast to out's dtype. */
static aclnnStatus unary(const char *api, const char *op, const aclTensor *self,
                         const char *self_name, const aclTensor *out, const char *out_name,
                         uint64_t *ws, aclOpExecutor **ex)
{
	nn_t b;
	nn_begin(&b, api, ws, ex);
	nn_v x = nn_in(&b, self, self_name);
	nn_v o = nn_out(&b, out, out_name);
	nn_v r = nn_op(&b, op, NULL, 1, x);
	nn_store(&b, r, o);
	return nn_finish(&b);
}

ACLNN_API aclnnStatus aclnnEqTensorGetWorkspaceSize(const aclTensor *self, const aclTensor *other,
                                                    aclTensor *out, uint64_t *workspaceSize,
                                                    aclOpExecutor **executor)
{
	return compare("aclnnEqTensor", "Equal", false, false, self, other, NULL, out,
	               workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnEqTensor)

ACLNN_API aclnnStatus aclnnInplaceEqTensorGetWorkspaceSize(const aclTensor *selfRef,
                                                           const aclTensor *other,
                                                           uint64_t *workspaceSize,
                                                           aclOpExecutor **executor)
{
	return compare("aclnnInplaceEqTensor", "Equal", true, false, selfRef, other, NULL, selfRef,
	               workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnInplaceEqTensor)

ACLNN_API aclnnStatus aclnnEqScalarGetWorkspaceSize(const aclTensor *self, const aclScalar *other,
                                                    aclTensor *out, uint64_t *workspaceSize,
                                                    aclOpExecutor **executor)
{
	return compare("aclnnEqScalar", "Equal", false, true, self, NULL, other, out, workspaceSize,
	               executor);
}
NN_DEFINE_RUN(aclnnEqScalar)

ACLNN_API aclnnStatus aclnnInplaceEqScalarGetWorkspaceSize(const aclTensor *selfRef,
                                                           const aclScalar *other,
                                                           uint64_t *workspaceSize,
                                                           aclOpExecutor **executor)
{
	return compare("aclnnInplaceEqScalar", "Equal", true, true, selfRef, NULL, other, selfRef,
	               workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnInplaceEqScalar)

ACLNN_API aclnnStatus aclnnNeTensorGetWorkspaceSize(const aclTensor *self, const aclTensor *other,
                                                    aclTensor *out, uint64_t *workspaceSize,
                                                    aclOpExecutor **executor)
{
	return compare("aclnnNeTensor", "NotEqual", false, false, self, other, NULL, out,
	               workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnNeTensor)

ACLNN_API aclnnStatus aclnnInplaceNeTensorGetWorkspaceSize(aclTensor *selfRef,
                                                           const aclTensor *other,
                                                           uint64_t *workspaceSize,
                                                           aclOpExecutor **executor)
{
	return compare("aclnnInplaceNeTensor", "NotEqual", true, false, selfRef, other, NULL,
	               selfRef, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnInplaceNeTensor)

ACLNN_API aclnnStatus aclnnNeScalarGetWorkspaceSize(const aclTensor *self, const aclScalar *other,
                                                    aclTensor *out, uint64_t *workspaceSize,
                                                    aclOpExecutor **executor)
{
	return compare("aclnnNeScalar", "NotEqual", false, true, self, NULL, other, out,
	               workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnNeScalar)

ACLNN_API aclnnStatus aclnnInplaceNeScalarGetWorkspaceSize(aclTensor *selfRef,
                                                           const aclScalar *other,
                                                           uint64_t *workspaceSize,
                                                           aclOpExecutor **executor)
{
	return compare("aclnnInplaceNeScalar", "NotEqual", true, true, selfRef, NULL, other,
	               selfRef, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnInplaceNeScalar)

ACLNN_API aclnnStatus aclnnGtTensorGetWorkspaceSize(const aclTensor *self, const aclTensor *other,
                                                    aclTensor *out, uint64_t *workspaceSize,
                                                    aclOpExecutor **executor)
{
	return compare("aclnnGtTensor", "Greater", false, false, self, other, NULL, out,
	               workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnGtTensor)

ACLNN_API aclnnStatus aclnnInplaceGtTensorGetWorkspaceSize(const aclTensor *selfRef,
                                                           const aclTensor *other,
                                                           uint64_t *workspaceSize,
                                                           aclOpExecutor **executor)
{
	return compare("aclnnInplaceGtTensor", "Greater", true, false, selfRef, other, NULL,
	               selfRef, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnInplaceGtTensor)

ACLNN_API aclnnStatus aclnnGtScalarGetWorkspaceSize(const aclTensor *self, const aclScalar *other,
                                                    aclTensor *out, uint64_t *workspaceSize,
                                                    aclOpExecutor **executor)
{
	return compare("aclnnGtScalar", "Greater", false, true, self, NULL, other, out,
	               workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnGtScalar)

ACLNN_API aclnnStatus aclnnInplaceGtScalarGetWorkspaceSize(aclTensor *selfRef,
                                                           const aclScalar *other,
                                                           uint64_t *workspaceSize,
                                                           aclOpExecutor **executor)
{
	return compare("aclnnInplaceGtScalar", "Greater", true, true, selfRef, NULL, other, selfRef,
	               workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnInplaceGtScalar)

ACLNN_API aclnnStatus aclnnGeTensorGetWorkspaceSize(const aclTensor *self, const aclTensor *other,
                                                    aclTensor *out, uint64_t *workspaceSize,
                                                    aclOpExecutor **executor)
{
	return compare("aclnnGeTensor", "GreaterEqual", false, false, self, other, NULL, out,
	               workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnGeTensor)

ACLNN_API aclnnStatus aclnnInplaceGeTensorGetWorkspaceSize(aclTensor *selfRef,
                                                           const aclTensor *other,
                                                           uint64_t *workspaceSize,
                                                           aclOpExecutor **executor)
{
	return compare("aclnnInplaceGeTensor", "GreaterEqual", true, false, selfRef, other, NULL,
	               selfRef, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnInplaceGeTensor)

ACLNN_API aclnnStatus aclnnGeScalarGetWorkspaceSize(const aclTensor *self, const aclScalar *other,
                                                    aclTensor *out, uint64_t *workspaceSize,
                                                    aclOpExecutor **executor)
{
	return compare("aclnnGeScalar", "GreaterEqual", false, true, self, NULL, other, out,
	               workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnGeScalar)

ACLNN_API aclnnStatus aclnnInplaceGeScalarGetWorkspaceSize(aclTensor *selfRef,
                                                           const aclScalar *other,
                                                           uint64_t *workspaceSize,
                                                           aclOpExecutor **executor)
{
	return compare("aclnnInplaceGeScalar", "GreaterEqual", true, true, selfRef, NULL, other,
	               selfRef, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnInplaceGeScalar)

ACLNN_API aclnnStatus aclnnLtTensorGetWorkspaceSize(const aclTensor *self, const aclTensor *other,
                                                    aclTensor *out, uint64_t *workspaceSize,
                                                    aclOpExecutor **executor)
{
	return compare("aclnnLtTensor", "Less", false, false, self, other, NULL, out, workspaceSize,
	               executor);
}
NN_DEFINE_RUN(aclnnLtTensor)

ACLNN_API aclnnStatus aclnnInplaceLtTensorGetWorkspaceSize(const aclTensor *selfRef,
                                                           const aclTensor *other,
                                                           uint64_t *workspaceSize,
                                                           aclOpExecutor **executor)
{
	return compare("aclnnInplaceLtTensor", "Less", true, false, selfRef, other, NULL, selfRef,
	               workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnInplaceLtTensor)

ACLNN_API aclnnStatus aclnnLtScalarGetWorkspaceSize(const aclTensor *self, const aclScalar *other,
                                                    aclTensor *out, uint64_t *workspaceSize,
                                                    aclOpExecutor **executor)
{
	return compare("aclnnLtScalar", "Less", false, true, self, NULL, other, out, workspaceSize,
	               executor);
}
NN_DEFINE_RUN(aclnnLtScalar)

ACLNN_API aclnnStatus aclnnInplaceLtScalarGetWorkspaceSize(const aclTensor *selfRef,
                                                           const aclScalar *other,
                                                           uint64_t *workspaceSize,
                                                           aclOpExecutor **executor)
{
	return compare("aclnnInplaceLtScalar", "Less", true, true, selfRef, NULL, other, selfRef,
	               workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnInplaceLtScalar)

ACLNN_API aclnnStatus aclnnLeTensorGetWorkspaceSize(const aclTensor *self, const aclTensor *other,
                                                    aclTensor *out, uint64_t *workspaceSize,
                                                    aclOpExecutor **executor)
{
	return compare("aclnnLeTensor", "LessEqual", false, false, self, other, NULL, out,
	               workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnLeTensor)

ACLNN_API aclnnStatus aclnnInplaceLeTensorGetWorkspaceSize(aclTensor *selfRef,
                                                           const aclTensor *other,
                                                           uint64_t *workspaceSize,
                                                           aclOpExecutor **executor)
{
	return compare("aclnnInplaceLeTensor", "LessEqual", true, false, selfRef, other, NULL,
	               selfRef, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnInplaceLeTensor)

ACLNN_API aclnnStatus aclnnLeScalarGetWorkspaceSize(const aclTensor *self, const aclScalar *other,
                                                    aclTensor *out, uint64_t *workspaceSize,
                                                    aclOpExecutor **executor)
{
	return compare("aclnnLeScalar", "LessEqual", false, true, self, NULL, other, out,
	               workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnLeScalar)

ACLNN_API aclnnStatus aclnnInplaceLeScalarGetWorkspaceSize(aclTensor *selfRef,
                                                           const aclScalar *other,
                                                           uint64_t *workspaceSize,
                                                           aclOpExecutor **executor)
{
	return compare("aclnnInplaceLeScalar", "LessEqual", true, true, selfRef, NULL, other,
	               selfRef, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnInplaceLeScalar)

ACLNN_API aclnnStatus aclnnLogicalAndGetWorkspaceSize(const aclTensor *self, const aclTensor *other,
                                                      aclTensor *out, uint64_t *workspaceSize,
                                                      aclOpExecutor **executor)
{
	return logic("aclnnLogicalAnd", "LogicalAnd", self, other, out, "out", workspaceSize,
	             executor);
}
NN_DEFINE_RUN(aclnnLogicalAnd)

ACLNN_API aclnnStatus aclnnInplaceLogicalAndGetWorkspaceSize(aclTensor *selfRef,
                                                             const aclTensor *other,
                                                             uint64_t *workspaceSize,
                                                             aclOpExecutor **executor)
{
	return logic("aclnnInplaceLogicalAnd", "LogicalAnd", selfRef, other, selfRef, "selfRef",
	             workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnInplaceLogicalAnd)

ACLNN_API aclnnStatus aclnnLogicalOrGetWorkspaceSize(const aclTensor *self, const aclTensor *other,
                                                     aclTensor *out, uint64_t *workspaceSize,
                                                     aclOpExecutor **executor)
{
	return logic("aclnnLogicalOr", "LogicalOr", self, other, out, "out", workspaceSize,
	             executor);
}
NN_DEFINE_RUN(aclnnLogicalOr)

ACLNN_API aclnnStatus aclnnInplaceLogicalOrGetWorkspaceSize(aclTensor *selfRef,
                                                            const aclTensor *other,
                                                            uint64_t *workspaceSize,
                                                            aclOpExecutor **executor)
{
	return logic("aclnnInplaceLogicalOr", "LogicalOr", selfRef, other, selfRef, "selfRef",
	             workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnInplaceLogicalOr)

ACLNN_API aclnnStatus aclnnLogicalNotGetWorkspaceSize(const aclTensor *self, aclTensor *out,
                                                      uint64_t *workspaceSize,
                                                      aclOpExecutor **executor)
{
	return unary("aclnnLogicalNot", "LogicalNot", self, "self", out, "out", workspaceSize,
	             executor);
}
NN_DEFINE_RUN(aclnnLogicalNot)

ACLNN_API aclnnStatus aclnnInplaceLogicalNotGetWorkspaceSize(aclTensor *selfRef,
                                                             uint64_t *workspaceSize,
                                                             aclOpExecutor **executor)
{
	return unary("aclnnInplaceLogicalNot", "LogicalNot", selfRef, "selfRef", selfRef, "selfRef",
	             workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnInplaceLogicalNot)

ACLNN_API aclnnStatus aclnnSignGetWorkspaceSize(const aclTensor *self, aclTensor *result,
                                                uint64_t *workspaceSize, aclOpExecutor **executor)
{
	return unary("aclnnSign", "Sign", self, "self", result, "result", workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnSign)
