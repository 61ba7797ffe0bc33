/*
 * acl_compat/aclnn/ops/arith.c - aclnnAdd, aclnnAdds, aclnnSub, aclnnSubs,
 * aclnnMul, aclnnMuls, aclnnDiv, aclnnDivs and their in-place forms
 * (aclnnop/aclnn_add.h, aclnn_sub.h, aclnn_mul.h, aclnn_div.h), onto the op
 * library's Add, Sub, Mul and Div.
 *
 * PyTorch semantics: the result dtype is the promotion of the operands
 * (a scalar, or a 0-d tensor beside a tensor, only raises the category);
 * Div is true division (integers divide as float32); alpha scales `other`
 * and must not be a float for integer results; the result is cast to the
 * output's dtype when PyTorch's can_cast allows it. Broadcasting is the op
 * library's (numpy rules).
 */
#include "acl_compat/aclnn/nn.h"
#include "aclnnop/aclnn_add.h"
#include "aclnnop/aclnn_div.h"
#include "aclnnop/aclnn_mul.h"
#include "aclnnop/aclnn_sub.h"

enum arith { A_ADD, A_SUB, A_MUL, A_DIV };

static const char *const arith_op[] = { "Add", "Sub", "Mul", "Div" };

/*
 * One binary arithmetic call: self (op) alpha * other, into out (or into
 * self when inplace). other is a tensor (other_t) or, when scalar is set, a
 * scalar (other_s). need_alpha: the call takes an alpha (Add, Sub), which
 * must then be non-NULL.
 */
static aclnnStatus arith(const char *api, enum arith kind, bool inplace, bool scalar,
                         const aclTensor *self, const aclTensor *other_t, const aclScalar *other_s,
                         bool need_alpha, const aclScalar *alpha, const aclTensor *out,
                         uint64_t *ws, aclOpExecutor **ex)
{
	nn_t b;
	nn_begin(&b, api, ws, ex);
	nn_v x = nn_in(&b, self, inplace ? "selfRef" : "self");
	nn_v y = NN_BAD;
	nn_scalar_info_t ys = { 0 }, av = { 0 };
	if (scalar)
		nn_scalar_value(&b, other_s, "other", &ys);
	else
		y = nn_in(&b, other_t, "other");
	if (need_alpha)
		nn_scalar_value(&b, alpha, "alpha", &av);
	nn_v o = nn_out(&b, inplace ? self : out, inplace ? "selfRef" : "out");
	if (!nn_ok(&b))
		return nn_finish(&b);

	/* The result dtype (PyTorch's result_type); Div is true division. */
	int dt;
	if (scalar) {
		int sdt = ys.dtype;
		dt = nn_result_type(&b, &x, 1, &sdt, 1);
	} else {
		dt = nn_result_type2(&b, x, y);
	}
	if (kind == A_DIV && !nn_is_float(dt))
		dt = ACL_FLOAT;
	int cdt = nn_compute_dtype(dt);
	if (cdt < 0) {
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID,
		        "the operands promote to %s, which weir does not compute %s in (supported: "
		        "float32, float16, bfloat16 and integers)",
		        weir_dtype_name(dt), arith_op[kind]);
		return nn_finish(&b);
	}
	if (need_alpha && !nn_is_float(dt) && nn_is_float(av.dtype))
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID,
		        "alpha is a %s, but the result dtype %s is an integer",
		        weir_dtype_name(av.dtype), weir_dtype_name(dt));

	y = scalar ? nn_scalar(&b, other_s, cdt, "other") : nn_cast(&b, y, cdt);
	/* alpha: other * alpha, unless alpha is 1. */
	if (need_alpha && !(nn_is_float(av.dtype) ? av.f == 1.0 : av.i == 1))
		y = nn_op(&b, "Mul", NULL, 2, y, nn_scalar(&b, alpha, cdt, "alpha"));
	nn_v r = nn_op(&b, arith_op[kind], NULL, 2, nn_cast(&b, x, cdt), y);
	r = nn_cast(&b, r, dt); /* wraps back into a narrow integer */
	nn_store(&b, r, o);
	return nn_finish(&b);
}

ACLNN_API aclnnStatus aclnnAddGetWorkspaceSize(const aclTensor *self, const aclTensor *other,
                                               const aclScalar *alpha, aclTensor *out,
                                               uint64_t *workspaceSize, aclOpExecutor **executor)
{
	return arith("aclnnAdd", A_ADD, false, false, self, other, NULL, true, alpha, out,
	             workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnAdd)

ACLNN_API aclnnStatus aclnnInplaceAddGetWorkspaceSize(const aclTensor *selfRef,
                                                      const aclTensor *other,
                                                      const aclScalar *alpha,
                                                      uint64_t *workspaceSize,
                                                      aclOpExecutor **executor)
{
	return arith("aclnnInplaceAdd", A_ADD, true, false, selfRef, other, NULL, true, alpha, NULL,
	             workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnInplaceAdd)

ACLNN_API aclnnStatus aclnnAddsGetWorkspaceSize(const aclTensor *self, const aclScalar *other,
                                                const aclScalar *alpha, aclTensor *out,
                                                uint64_t *workspaceSize, aclOpExecutor **executor)
{
	return arith("aclnnAdds", A_ADD, false, true, self, NULL, other, true, alpha, out,
	             workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnAdds)

ACLNN_API aclnnStatus aclnnInplaceAddsGetWorkspaceSize(const aclTensor *selfRef,
                                                       const aclScalar *other,
                                                       const aclScalar *alpha,
                                                       uint64_t *workspaceSize,
                                                       aclOpExecutor **executor)
{
	return arith("aclnnInplaceAdds", A_ADD, true, true, selfRef, NULL, other, true, alpha, NULL,
	             workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnInplaceAdds)

ACLNN_API aclnnStatus aclnnSubGetWorkspaceSize(const aclTensor *self, const aclTensor *other,
                                               const aclScalar *alpha, aclTensor *out,
                                               uint64_t *workspaceSize, aclOpExecutor **executor)
{
	return arith("aclnnSub", A_SUB, false, false, self, other, NULL, true, alpha, out,
	             workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnSub)

ACLNN_API aclnnStatus aclnnInplaceSubGetWorkspaceSize(const aclTensor *selfRef,
                                                      const aclTensor *other,
                                                      const aclScalar *alpha,
                                                      uint64_t *workspaceSize,
                                                      aclOpExecutor **executor)
{
	return arith("aclnnInplaceSub", A_SUB, true, false, selfRef, other, NULL, true, alpha, NULL,
	             workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnInplaceSub)

ACLNN_API aclnnStatus aclnnSubsGetWorkspaceSize(const aclTensor *self, const aclScalar *other,
                                                const aclScalar *alpha, aclTensor *out,
                                                uint64_t *workspaceSize, aclOpExecutor **executor)
{
	return arith("aclnnSubs", A_SUB, false, true, self, NULL, other, true, alpha, out,
	             workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnSubs)

ACLNN_API aclnnStatus aclnnInplaceSubsGetWorkspaceSize(const aclTensor *selfRef,
                                                       const aclScalar *other,
                                                       const aclScalar *alpha,
                                                       uint64_t *workspaceSize,
                                                       aclOpExecutor **executor)
{
	return arith("aclnnInplaceSubs", A_SUB, true, true, selfRef, NULL, other, true, alpha, NULL,
	             workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnInplaceSubs)

ACLNN_API aclnnStatus aclnnMulGetWorkspaceSize(const aclTensor *self, const aclTensor *other,
                                               aclTensor *out, uint64_t *workspaceSize,
                                               aclOpExecutor **executor)
{
	return arith("aclnnMul", A_MUL, false, false, self, other, NULL, false, NULL, out,
	             workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnMul)

ACLNN_API aclnnStatus aclnnInplaceMulGetWorkspaceSize(const aclTensor *selfRef,
                                                      const aclTensor *other,
                                                      uint64_t *workspaceSize,
                                                      aclOpExecutor **executor)
{
	return arith("aclnnInplaceMul", A_MUL, true, false, selfRef, other, NULL, false, NULL, NULL,
	             workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnInplaceMul)

ACLNN_API aclnnStatus aclnnMulsGetWorkspaceSize(const aclTensor *self, const aclScalar *other,
                                                aclTensor *out, uint64_t *workspaceSize,
                                                aclOpExecutor **executor)
{
	return arith("aclnnMuls", A_MUL, false, true, self, NULL, other, false, NULL, out,
	             workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnMuls)

ACLNN_API aclnnStatus aclnnInplaceMulsGetWorkspaceSize(const aclTensor *selfRef,
                                                       const aclScalar *other,
                                                       uint64_t *workspaceSize,
                                                       aclOpExecutor **executor)
{
	return arith("aclnnInplaceMuls", A_MUL, true, true, selfRef, NULL, other, false, NULL, NULL,
	             workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnInplaceMuls)

ACLNN_API aclnnStatus aclnnDivGetWorkspaceSize(const aclTensor *self, const aclTensor *other,
                                               aclTensor *out, uint64_t *workspaceSize,
                                               aclOpExecutor **executor)
{
	return arith("aclnnDiv", A_DIV, false, false, self, other, NULL, false, NULL, out,
	             workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnDiv)

ACLNN_API aclnnStatus aclnnInplaceDivGetWorkspaceSize(const aclTensor *selfRef,
                                                      const aclTensor *other,
                                                      uint64_t *workspaceSize,
                                                      aclOpExecutor **executor)
{
	return arith("aclnnInplaceDiv", A_DIV, true, false, selfRef, other, NULL, false, NULL, NULL,
	             workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnInplaceDiv)

ACLNN_API aclnnStatus aclnnDivsGetWorkspaceSize(const aclTensor *self, const aclScalar *other,
                                                aclTensor *out, uint64_t *workspaceSize,
                                                aclOpExecutor **executor)
{
	return arith("aclnnDivs", A_DIV, false, true, self, NULL, other, false, NULL, out,
	             workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnDivs)

ACLNN_API aclnnStatus aclnnInplaceDivsGetWorkspaceSize(const aclTensor *selfRef,
                                                       const aclScalar *other,
                                                       uint64_t *workspaceSize,
                                                       aclOpExecutor **executor)
{
	return arith("aclnnInplaceDivs", A_DIV, true, true, selfRef, NULL, other, false, NULL, NULL,
	             workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnInplaceDivs)
