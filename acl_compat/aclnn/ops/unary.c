/*
 * acl_compat/aclnn/ops/unary.c - the aclnn unary math and activations:
 * aclnnAbs, Neg, Exp, Log, Sqrt, Rsqrt, Reciprocal, Sin, Cos, Erf, Floor,
 * Ceil, Round, Relu, Sigmoid, Tanh, Silu, Gelu, GeluV2 and the in-place
 * forms CANN declares (aclnnInplaceExp, ...), onto the op library's ops of
 * the same names.
 *
 * PyTorch semantics: the float math (exp, log, sin, sigmoid, ...) computes
 * integer and bool inputs in float32 (the result is float32, cast to out);
 * floor, ceil and round leave integers as they are; abs, neg and relu keep
 * the input dtype (narrow integers go through int64 where the op lacks
 * them: the same bits). An in-place call needs a result that casts back to
 * selfRef's dtype (so exp of an int32 selfRef is 161002).
 */
#include "acl_compat/aclnn/nn.h"
#include "aclnnop/aclnn_abs.h"
#include "aclnnop/aclnn_ceil.h"
#include "aclnnop/aclnn_cos.h"
#include "aclnnop/aclnn_erf.h"
#include "aclnnop/aclnn_exp.h"
#include "aclnnop/aclnn_floor.h"
#include "aclnnop/aclnn_gelu.h"
#include "aclnnop/aclnn_gelu_v2.h"
#include "aclnnop/aclnn_log.h"
#include "aclnnop/aclnn_neg.h"
#include "aclnnop/aclnn_reciprocal.h"
#include "aclnnop/aclnn_relu.h"
#include "aclnnop/aclnn_round.h"
#include "aclnnop/aclnn_rsqrt.h"
#include "aclnnop/aclnn_sigmoid.h"
#include "aclnnop/aclnn_silu.h"
#include "aclnnop/aclnn_sin.h"
#include "aclnnop/aclnn_sqrt.h"
#include "aclnnop/aclnn_tanh.h"

/* How an op treats dtypes. */
enum uclass {
	UC_FLOAT_MATH, /* float result: ints and bool compute in float32 */
	UC_ACT,        /* float32/float16/bfloat16 only */
	UC_SIGNED,     /* floats and ints, the result keeps the dtype */
	UC_ROUND,      /* floats and ints; integers are left as they are */
};

struct uop {
	const char *op; /* the op library's op */
	enum uclass cls;
	bool dbl;         /* the op computes double itself */
	bool int64_uint8; /* the op lacks uint8: compute it in int64 */
};

static const struct uop u_abs = { "Abs", UC_SIGNED, false, false };
static const struct uop u_neg = { "Neg", UC_SIGNED, false, true };
static const struct uop u_relu = { "Relu", UC_SIGNED, false, false };
static const struct uop u_exp = { "Exp", UC_FLOAT_MATH, false, false };
static const struct uop u_log = { "Log", UC_FLOAT_MATH, false, false };
static const struct uop u_sqrt = { "Sqrt", UC_FLOAT_MATH, false, false };
static const struct uop u_rsqrt = { "Rsqrt", UC_FLOAT_MATH, false, false };
static const struct uop u_sigmoid = { "Sigmoid", UC_FLOAT_MATH, false, false };
static const struct uop u_tanh = { "Tanh", UC_FLOAT_MATH, false, false };
static const struct uop u_reciprocal = { "Reciprocal", UC_FLOAT_MATH, true, false };
static const struct uop u_sin = { "Sin", UC_FLOAT_MATH, true, false };
static const struct uop u_cos = { "Cos", UC_FLOAT_MATH, true, false };
static const struct uop u_erf = { "Erf", UC_FLOAT_MATH, true, false };
static const struct uop u_floor = { "Floor", UC_ROUND, true, false };
static const struct uop u_ceil = { "Ceil", UC_ROUND, true, false };
static const struct uop u_round = { "Round", UC_ROUND, true, false };
static const struct uop u_silu = { "Silu", UC_ACT, false, false };
static const struct uop u_gelu = { "Gelu", UC_ACT, false, false };

/* The input dtypes of each class (double only where the op has it). */
static const int dt_float_math[] = { ACL_FLOAT,  ACL_FLOAT16, ACL_BF16,  ACL_INT8,   ACL_UINT8,
	                             ACL_INT16,  ACL_UINT16,  ACL_INT32, ACL_UINT32, ACL_INT64,
	                             ACL_UINT64, ACL_BOOL,    -1 };
static const int dt_float_math_d[] = { ACL_FLOAT, ACL_FLOAT16, ACL_BF16,   ACL_DOUBLE, ACL_INT8,
	                               ACL_UINT8, ACL_INT16,   ACL_UINT16, ACL_INT32,  ACL_UINT32,
	                               ACL_INT64, ACL_UINT64,  ACL_BOOL,   -1 };
static const int dt_act[] = { ACL_FLOAT, ACL_FLOAT16, ACL_BF16, -1 };
static const int dt_signed[] = { ACL_FLOAT, ACL_FLOAT16, ACL_BF16,  ACL_INT8, ACL_UINT8,
	                         ACL_INT16, ACL_INT32,   ACL_INT64, -1 };
static const int dt_round[] = { ACL_FLOAT, ACL_FLOAT16, ACL_BF16,   ACL_DOUBLE, ACL_INT8,
	                        ACL_UINT8, ACL_INT16,   ACL_UINT16, ACL_INT32,  ACL_UINT32,
	                        ACL_INT64, ACL_UINT64,  -1 };

/*
 * One unary call: op u on self into out (out == self for the in-place
 * forms, which name the tensor selfRef), with the op's attrs (may be NULL).
 */
static aclnnStatus unary(const char *api, const struct uop *u, bool inplace, const aclTensor *self,
                         const aclTensor *out, const weir_attrs_t *attrs, uint64_t *ws,
                         aclOpExecutor **ex)
{
	const char *sname = inplace ? "selfRef" : "self";
	nn_t b;
	nn_begin(&b, api, ws, ex);
	nn_v x = nn_in(&b, self, sname);
	nn_v o = nn_out(&b, out, inplace ? "selfRef" : "out");
	int dt = nn_dtype(&b, x);
	int rdt = dt; /* the result dtype */
	int cdt = dt; /* the dtype the op computes in */
	switch (u->cls) {
	case UC_FLOAT_MATH:
		nn_check_dtype(&b, dt, sname, u->dbl ? dt_float_math_d : dt_float_math);
		if (!nn_is_float(dt))
			rdt = cdt = ACL_FLOAT;
		break;
	case UC_ACT: nn_check_dtype(&b, dt, sname, dt_act); break;
	case UC_SIGNED:
		nn_check_dtype(&b, dt, sname, dt_signed);
		cdt = nn_compute_dtype(dt);
		if (u->int64_uint8 && dt == ACL_UINT8)
			cdt = ACL_INT64;
		break;
	case UC_ROUND: nn_check_dtype(&b, dt, sname, dt_round); break;
	}
	if (!nn_ok(&b))
		return nn_finish(&b);
	nn_v r = nn_op(&b, u->op, attrs, 1, nn_cast(&b, x, cdt));
	nn_store(&b, nn_cast(&b, r, rdt), o);
	return nn_finish(&b);
}

/* Gelu with the op library's `approximate` attribute ("tanh" or "none"). */
static aclnnStatus gelu(const char *api, const aclTensor *self, const char *approximate,
                        aclTensor *out, uint64_t *ws, aclOpExecutor **ex)
{
	weir_attrs_t *a = NULL;
	if (weir_attrs_create(&a) != WEIR_OK ||
	    weir_attrs_set_string(a, "approximate", approximate) != WEIR_OK) {
		weir_attrs_destroy(a);
		nn_t b;
		nn_begin(&b, api, ws, ex);
		nn_fail(&b, ACLNN_ERR_INNER, "out of memory");
		return nn_finish(&b);
	}
	aclnnStatus rc = unary(api, &u_gelu, false, self, out, a, ws, ex);
	weir_attrs_destroy(a);
	return rc;
}

static aclnnStatus gelu_v2(const aclTensor *x, int64_t approximate, aclTensor *y, uint64_t *ws,
                           aclOpExecutor **ex)
{
	if (approximate != 0 && approximate != 1) {
		nn_t b;
		nn_begin(&b, "aclnnGeluV2", ws, ex);
		nn_in(&b, x, "x");
		nn_out(&b, y, "y");
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID,
		        "approximate is %lld; supported: 0 (none: the erf form), 1 (tanh)",
		        (long long)approximate);
		return nn_finish(&b);
	}
	return gelu("aclnnGeluV2", x, approximate ? "tanh" : "none", y, ws, ex);
}

ACLNN_API aclnnStatus aclnnAbsGetWorkspaceSize(const aclTensor *self, aclTensor *out,
                                               uint64_t *workspaceSize, aclOpExecutor **executor)
{
	return unary("aclnnAbs", &u_abs, false, self, out, NULL, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnAbs)

ACLNN_API aclnnStatus aclnnNegGetWorkspaceSize(const aclTensor *self, aclTensor *out,
                                               uint64_t *workspaceSize, aclOpExecutor **executor)
{
	return unary("aclnnNeg", &u_neg, false, self, out, NULL, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnNeg)

ACLNN_API aclnnStatus aclnnInplaceNegGetWorkspaceSize(aclTensor *selfRef, uint64_t *workspaceSize,
                                                      aclOpExecutor **executor)
{
	return unary("aclnnInplaceNeg", &u_neg, true, selfRef, selfRef, NULL, workspaceSize,
	             executor);
}
NN_DEFINE_RUN(aclnnInplaceNeg)

ACLNN_API aclnnStatus aclnnExpGetWorkspaceSize(const aclTensor *self, aclTensor *out,
                                               uint64_t *workspaceSize, aclOpExecutor **executor)
{
	return unary("aclnnExp", &u_exp, false, self, out, NULL, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnExp)

ACLNN_API aclnnStatus aclnnInplaceExpGetWorkspaceSize(aclTensor *selfRef, uint64_t *workspaceSize,
                                                      aclOpExecutor **executor)
{
	return unary("aclnnInplaceExp", &u_exp, true, selfRef, selfRef, NULL, workspaceSize,
	             executor);
}
NN_DEFINE_RUN(aclnnInplaceExp)

ACLNN_API aclnnStatus aclnnLogGetWorkspaceSize(const aclTensor *self, aclTensor *out,
                                               uint64_t *workspaceSize, aclOpExecutor **executor)
{
	return unary("aclnnLog", &u_log, false, self, out, NULL, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnLog)

ACLNN_API aclnnStatus aclnnInplaceLogGetWorkspaceSize(aclTensor *selfRef, uint64_t *workspaceSize,
                                                      aclOpExecutor **executor)
{
	return unary("aclnnInplaceLog", &u_log, true, selfRef, selfRef, NULL, workspaceSize,
	             executor);
}
NN_DEFINE_RUN(aclnnInplaceLog)

ACLNN_API aclnnStatus aclnnSqrtGetWorkspaceSize(const aclTensor *self, aclTensor *out,
                                                uint64_t *workspaceSize, aclOpExecutor **opExecutor)
{
	return unary("aclnnSqrt", &u_sqrt, false, self, out, NULL, workspaceSize, opExecutor);
}
NN_DEFINE_RUN(aclnnSqrt)

ACLNN_API aclnnStatus aclnnInplaceSqrtGetWorkspaceSize(aclTensor *self, uint64_t *workspaceSize,
                                                       aclOpExecutor **executor)
{
	return unary("aclnnInplaceSqrt", &u_sqrt, true, self, self, NULL, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnInplaceSqrt)

ACLNN_API aclnnStatus aclnnRsqrtGetWorkspaceSize(const aclTensor *self, aclTensor *out,
                                                 uint64_t *workspaceSize, aclOpExecutor **executor)
{
	return unary("aclnnRsqrt", &u_rsqrt, false, self, out, NULL, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnRsqrt)

ACLNN_API aclnnStatus aclnnInplaceRsqrtGetWorkspaceSize(aclTensor *selfRef, uint64_t *workspaceSize,
                                                        aclOpExecutor **executor)
{
	return unary("aclnnInplaceRsqrt", &u_rsqrt, true, selfRef, selfRef, NULL, workspaceSize,
	             executor);
}
NN_DEFINE_RUN(aclnnInplaceRsqrt)

ACLNN_API aclnnStatus aclnnReciprocalGetWorkspaceSize(const aclTensor *self, aclTensor *out,
                                                      uint64_t *workspaceSize,
                                                      aclOpExecutor **executor)
{
	return unary("aclnnReciprocal", &u_reciprocal, false, self, out, NULL, workspaceSize,
	             executor);
}
NN_DEFINE_RUN(aclnnReciprocal)

ACLNN_API aclnnStatus aclnnInplaceReciprocalGetWorkspaceSize(const aclTensor *selfRef,
                                                             uint64_t *workspaceSize,
                                                             aclOpExecutor **executor)
{
	return unary("aclnnInplaceReciprocal", &u_reciprocal, true, selfRef, selfRef, NULL,
	             workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnInplaceReciprocal)

ACLNN_API aclnnStatus aclnnSinGetWorkspaceSize(const aclTensor *self, aclTensor *out,
                                               uint64_t *workspaceSize, aclOpExecutor **executor)
{
	return unary("aclnnSin", &u_sin, false, self, out, NULL, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnSin)

ACLNN_API aclnnStatus aclnnInplaceSinGetWorkspaceSize(aclTensor *selfRef, uint64_t *workspaceSize,
                                                      aclOpExecutor **executor)
{
	return unary("aclnnInplaceSin", &u_sin, true, selfRef, selfRef, NULL, workspaceSize,
	             executor);
}
NN_DEFINE_RUN(aclnnInplaceSin)

ACLNN_API aclnnStatus aclnnCosGetWorkspaceSize(const aclTensor *input, aclTensor *out,
                                               uint64_t *workspaceSize, aclOpExecutor **executor)
{
	return unary("aclnnCos", &u_cos, false, input, out, NULL, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnCos)

ACLNN_API aclnnStatus aclnnInplaceCosGetWorkspaceSize(aclTensor *inputRef, uint64_t *workspaceSize,
                                                      aclOpExecutor **executor)
{
	return unary("aclnnInplaceCos", &u_cos, true, inputRef, inputRef, NULL, workspaceSize,
	             executor);
}
NN_DEFINE_RUN(aclnnInplaceCos)

ACLNN_API aclnnStatus aclnnErfGetWorkspaceSize(const aclTensor *self, aclTensor *out,
                                               uint64_t *workspaceSize, aclOpExecutor **executor)
{
	return unary("aclnnErf", &u_erf, false, self, out, NULL, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnErf)

ACLNN_API aclnnStatus aclnnInplaceErfGetWorkspaceSize(aclTensor *selfRef, uint64_t *workspaceSize,
                                                      aclOpExecutor **executor)
{
	return unary("aclnnInplaceErf", &u_erf, true, selfRef, selfRef, NULL, workspaceSize,
	             executor);
}
NN_DEFINE_RUN(aclnnInplaceErf)

ACLNN_API aclnnStatus aclnnFloorGetWorkspaceSize(const aclTensor *self, aclTensor *out,
                                                 uint64_t *workspaceSize, aclOpExecutor **executor)
{
	return unary("aclnnFloor", &u_floor, false, self, out, NULL, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnFloor)

ACLNN_API aclnnStatus aclnnInplaceFloorGetWorkspaceSize(aclTensor *selfRef, uint64_t *workspaceSize,
                                                        aclOpExecutor **executor)
{
	return unary("aclnnInplaceFloor", &u_floor, true, selfRef, selfRef, NULL, workspaceSize,
	             executor);
}
NN_DEFINE_RUN(aclnnInplaceFloor)

ACLNN_API aclnnStatus aclnnCeilGetWorkspaceSize(const aclTensor *self, aclTensor *out,
                                                uint64_t *workspaceSize, aclOpExecutor **executor)
{
	return unary("aclnnCeil", &u_ceil, false, self, out, NULL, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnCeil)

ACLNN_API aclnnStatus aclnnInplaceCeilGetWorkspaceSize(aclTensor *selfRef, uint64_t *workspaceSize,
                                                       aclOpExecutor **executor)
{
	return unary("aclnnInplaceCeil", &u_ceil, true, selfRef, selfRef, NULL, workspaceSize,
	             executor);
}
NN_DEFINE_RUN(aclnnInplaceCeil)

ACLNN_API aclnnStatus aclnnRoundGetWorkspaceSize(const aclTensor *self, aclTensor *out,
                                                 uint64_t *workspaceSize, aclOpExecutor **executor)
{
	return unary("aclnnRound", &u_round, false, self, out, NULL, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnRound)

ACLNN_API aclnnStatus aclnnInplaceRoundGetWorkspaceSize(const aclTensor *selfRef,
                                                        uint64_t *workspaceSize,
                                                        aclOpExecutor **executor)
{
	return unary("aclnnInplaceRound", &u_round, true, selfRef, selfRef, NULL, workspaceSize,
	             executor);
}
NN_DEFINE_RUN(aclnnInplaceRound)

ACLNN_API aclnnStatus aclnnReluGetWorkspaceSize(const aclTensor *self, aclTensor *out,
                                                uint64_t *workspaceSize, aclOpExecutor **executor)
{
	return unary("aclnnRelu", &u_relu, false, self, out, NULL, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnRelu)

ACLNN_API aclnnStatus aclnnInplaceReluGetWorkspaceSize(aclTensor *selfRef, uint64_t *workspaceSize,
                                                       aclOpExecutor **executor)
{
	return unary("aclnnInplaceRelu", &u_relu, true, selfRef, selfRef, NULL, workspaceSize,
	             executor);
}
NN_DEFINE_RUN(aclnnInplaceRelu)

ACLNN_API aclnnStatus aclnnSigmoidGetWorkspaceSize(const aclTensor *self, aclTensor *out,
                                                   uint64_t *workspaceSize,
                                                   aclOpExecutor **executor)
{
	return unary("aclnnSigmoid", &u_sigmoid, false, self, out, NULL, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnSigmoid)

ACLNN_API aclnnStatus aclnnInplaceSigmoidGetWorkspaceSize(aclTensor *selfRef,
                                                          uint64_t *workspaceSize,
                                                          aclOpExecutor **executor)
{
	return unary("aclnnInplaceSigmoid", &u_sigmoid, true, selfRef, selfRef, NULL, workspaceSize,
	             executor);
}
NN_DEFINE_RUN(aclnnInplaceSigmoid)

ACLNN_API aclnnStatus aclnnTanhGetWorkspaceSize(const aclTensor *self, aclTensor *out,
                                                uint64_t *workspaceSize, aclOpExecutor **executor)
{
	return unary("aclnnTanh", &u_tanh, false, self, out, NULL, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnTanh)

ACLNN_API aclnnStatus aclnnInplaceTanhGetWorkspaceSize(aclTensor *selfRef, uint64_t *workspaceSize,
                                                       aclOpExecutor **executor)
{
	return unary("aclnnInplaceTanh", &u_tanh, true, selfRef, selfRef, NULL, workspaceSize,
	             executor);
}
NN_DEFINE_RUN(aclnnInplaceTanh)

ACLNN_API aclnnStatus aclnnSiluGetWorkspaceSize(const aclTensor *self, aclTensor *out,
                                                uint64_t *workspaceSize, aclOpExecutor **executor)
{
	return unary("aclnnSilu", &u_silu, false, self, out, NULL, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnSilu)

ACLNN_API aclnnStatus aclnnGeluGetWorkspaceSize(const aclTensor *self, aclTensor *out,
                                                uint64_t *workspaceSize, aclOpExecutor **executor)
{
	return gelu("aclnnGelu", self, "tanh", out, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnGelu)

ACLNN_API aclnnStatus aclnnGeluV2GetWorkspaceSize(const aclTensor *x, int64_t approximate,
                                                  aclTensor *y, uint64_t *workspaceSize,
                                                  aclOpExecutor **executor)
{
	return gelu_v2(x, approximate, y, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnGeluV2)
