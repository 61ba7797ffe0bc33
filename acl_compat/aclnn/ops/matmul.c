/*
 * acl_compat/aclnn/ops/matmul.c - aclnnMatmul, aclnnMm, aclnnBatchMatMul,
 * aclnnAddmm and aclnnInplaceAddmm (aclnnop/aclnn_matmul.h, aclnn_mm.h,
 * aclnn_batch_matmul.h, aclnn_addmm.h), onto the op library's MatMul,
 * BatchMatMul, Mul and Add.
 *
 * PyTorch semantics: the operands promote (float32, float16 and bfloat16
 * results only: the op library multiplies floats), aclnnMatmul follows
 * torch.matmul (1-D operands gain and then lose a dim, batch dims
 * broadcast), and the result is cast to out's dtype where can_cast allows.
 * cubeMathType is checked and otherwise ignored: every product accumulates
 * in float32 (docs/aclnn.md).
 */
#include "acl_compat/aclnn/nn.h"
#include "acl_compat/aclnn/ops/args.h"
#include "aclnnop/aclnn_addmm.h"
#include "aclnnop/aclnn_batch_matmul.h"
#include "aclnnop/aclnn_matmul.h"
#include "aclnnop/aclnn_mm.h"

/* The promoted float dtype of x and y (0 after a failure); each operand
 * must be float32, float16 or bfloat16 (aclnn takes no integers). */
static int mm_dtype(nn_t *b, nn_v x, nn_v y)
{
	nn_arg_float_dtype(b, nn_dtype(b, x), "self");
	nn_arg_float_dtype(b, nn_dtype(b, y), "mat2");
	if (!nn_ok(b))
		return 0;
	int dt = nn_result_type2(b, x, y);
	return nn_arg_float_dtype(b, dt, "the promoted dtype of the operands") ? dt : 0;
}

/* Rank of v within [lo, hi], else 161002 naming `name`. */
static bool mm_rank(nn_t *b, nn_v v, uint32_t lo, uint32_t hi, const char *name)
{
	if (!nn_ok(b))
		return false;
	uint32_t r = nn_rank(b, v);
	if (r >= lo && r <= hi)
		return true;
	if (lo == hi)
		nn_fail(b, ACLNN_ERR_PARAM_INVALID, "%s has rank %u; it must be %u", name, r, lo);
	else
		nn_fail(b, ACLNN_ERR_PARAM_INVALID, "%s has rank %u; it must be %u to %u", name, r,
		        lo, hi);
	return false;
}

/* torch.matmul(x, y) in dtype dt. */
static nn_v matmul_value(nn_t *b, nn_v x, nn_v y, int dt)
{
	if (!nn_ok(b))
		return NN_BAD;
	x = nn_cast(b, x, dt);
	y = nn_cast(b, y, dt);
	const weir_tensor_desc_t *dx = nn_desc(b, x), *dy = nn_desc(b, y);
	if (!dx || !dy)
		return NN_BAD;
	uint32_t rx = dx->rank, ry = dy->rank;
	int64_t K = dx->dims[rx - 1];
	/* 1-D operands: x (K) -> (1, K); y (K) -> (K, 1). */
	if (rx == 1)
		x = nn_reshape(b, x, 2, (int64_t[]){ 1, K });
	if (ry == 1)
		y = nn_reshape(b, y, 2, (int64_t[]){ dy->dims[0], 1 });
	uint32_t ex = nn_rank(b, x), ey = nn_rank(b, y);
	nn_v r = nn_op(b, ex == 2 && ey == 2 ? "MatMul" : "BatchMatMul", NULL, 2, x, y);
	const weir_tensor_desc_t *dr = nn_desc(b, r);
	if (!dr)
		return NN_BAD;
	/* Drop the dims the 1-D operands gained. */
	int64_t dims[WEIR_MAX_RANK];
	uint32_t n = 0;
	for (uint32_t k = 0; k < dr->rank; k++) {
		if (rx == 1 && k == dr->rank - 2)
			continue;
		if (ry == 1 && k == dr->rank - 1)
			continue;
		dims[n++] = dr->dims[k];
	}
	return n == dr->rank ? r : nn_reshape(b, r, n, dims);
}

ACLNN_API aclnnStatus aclnnMatmulGetWorkspaceSize(const aclTensor *self, const aclTensor *mat2,
                                                  aclTensor *out, int8_t cubeMathType,
                                                  uint64_t *workspaceSize, aclOpExecutor **executor)
{
	nn_t b;
	nn_begin(&b, "aclnnMatmul", workspaceSize, executor);
	nn_v x = nn_in(&b, self, "self");
	nn_v y = nn_in(&b, mat2, "mat2");
	nn_v o = nn_out(&b, out, "out");
	nn_arg_cube_math(&b, cubeMathType, 0, 4);
	mm_rank(&b, x, 1, 6, "self");
	mm_rank(&b, y, 1, 6, "mat2");
	int dt = mm_dtype(&b, x, y);
	nn_store(&b, matmul_value(&b, x, y, dt), o);
	return nn_finish(&b);
}
NN_DEFINE_RUN(aclnnMatmul)

ACLNN_API aclnnStatus aclnnMmGetWorkspaceSize(const aclTensor *self, const aclTensor *mat2,
                                              aclTensor *out, int8_t cubeMathType,
                                              uint64_t *workspaceSize, aclOpExecutor **executor)
{
	nn_t b;
	nn_begin(&b, "aclnnMm", workspaceSize, executor);
	nn_v x = nn_in(&b, self, "self");
	nn_v y = nn_in(&b, mat2, "mat2");
	nn_v o = nn_out(&b, out, "out");
	nn_arg_cube_math(&b, cubeMathType, -1, 4);
	mm_rank(&b, x, 2, 2, "self");
	mm_rank(&b, y, 2, 2, "mat2");
	int dt = mm_dtype(&b, x, y);
	nn_store(&b, matmul_value(&b, x, y, dt), o);
	return nn_finish(&b);
}
NN_DEFINE_RUN(aclnnMm)

ACLNN_API aclnnStatus aclnnBatchMatMulGetWorkspaceSize(const aclTensor *self, const aclTensor *mat2,
                                                       aclTensor *out, int8_t cubeMathType,
                                                       uint64_t *workspaceSize,
                                                       aclOpExecutor **executor)
{
	nn_t b;
	nn_begin(&b, "aclnnBatchMatMul", workspaceSize, executor);
	nn_v x = nn_in(&b, self, "self");
	nn_v y = nn_in(&b, mat2, "mat2");
	nn_v o = nn_out(&b, out, "out");
	nn_arg_cube_math(&b, cubeMathType, 0, 3);
	mm_rank(&b, x, 3, 3, "self");
	mm_rank(&b, y, 3, 3, "mat2");
	int dt = mm_dtype(&b, x, y);
	nn_store(&b, matmul_value(&b, x, y, dt), o);
	return nn_finish(&b);
}
NN_DEFINE_RUN(aclnnBatchMatMul)

/* A scalar argument that is exactly v (an integer one compares as an
 * integer). */
static bool scalar_is(const nn_scalar_info_t *s, double v)
{
	return nn_is_float(s->dtype) ? s->f == v : (double)s->i == v;
}

/* out = beta * self + alpha * (mat1 @ mat2): self broadcasts to [M, N];
 * beta 0 ignores self's values (NaN included), as PyTorch. */
static aclnnStatus addmm(const char *api, bool inplace, const aclTensor *self,
                         const aclTensor *mat1, const aclTensor *mat2, const aclScalar *beta,
                         const aclScalar *alpha, const aclTensor *out, int8_t cube, uint64_t *ws,
                         aclOpExecutor **ex)
{
	nn_t b;
	nn_begin(&b, api, ws, ex);
	const char *sname = inplace ? "selfRef" : "self";
	nn_v s = nn_in(&b, self, sname);
	nn_v x = nn_in(&b, mat1, "mat1");
	nn_v y = nn_in(&b, mat2, "mat2");
	nn_scalar_info_t bv = { 0 }, av = { 0 };
	nn_scalar_value(&b, beta, "beta", &bv);
	nn_scalar_value(&b, alpha, "alpha", &av);
	nn_v o = nn_out(&b, inplace ? self : out, inplace ? "selfRef" : "out");
	nn_arg_cube_math(&b, cube, -1, 4);
	mm_rank(&b, x, 2, 2, "mat1");
	mm_rank(&b, y, 2, 2, "mat2");
	mm_rank(&b, s, 0, 2, sname);
	if (!nn_ok(&b))
		return nn_finish(&b);
	nn_arg_float_dtype(&b, nn_dtype(&b, s), sname);
	nn_arg_float_dtype(&b, nn_dtype(&b, x), "mat1");
	nn_arg_float_dtype(&b, nn_dtype(&b, y), "mat2");
	if (!nn_ok(&b))
		return nn_finish(&b);
	nn_v all[3] = { s, x, y };
	int dt = nn_result_type(&b, all, 3, NULL, 0);
	nn_arg_float_dtype(&b, dt, "the promoted dtype of self, mat1 and mat2");
	nn_v r = matmul_value(&b, x, y, dt);
	const weir_tensor_desc_t *dr = nn_desc(&b, r);
	if (!dr)
		return nn_finish(&b);
	int64_t mn[2] = { dr->dims[0], dr->dims[1] };
	/* self must broadcast to [M, N] whatever beta is. */
	const weir_tensor_desc_t *ds = nn_desc(&b, s);
	for (uint32_t k = 0; k < ds->rank; k++) {
		int64_t d = ds->dims[k], want = mn[k + 2 - ds->rank];
		if (d != 1 && d != want) {
			nn_fail(&b, ACLNN_ERR_PARAM_INVALID,
			        "%s dim %u is %lld, which does not broadcast to [%lld, %lld]",
			        sname, k, (long long)d, (long long)mn[0], (long long)mn[1]);
			return nn_finish(&b);
		}
	}
	if (!scalar_is(&av, 1))
		r = nn_op(&b, "Mul", NULL, 2, r, nn_scalar(&b, alpha, dt, "alpha"));
	if (!scalar_is(&bv, 0)) {
		nn_v t = nn_cast(&b, s, dt);
		if (!scalar_is(&bv, 1))
			t = nn_op(&b, "Mul", NULL, 2, t, nn_scalar(&b, beta, dt, "beta"));
		r = nn_op(&b, "Add", NULL, 2, t, r);
	}
	nn_store(&b, r, o);
	return nn_finish(&b);
}

ACLNN_API aclnnStatus aclnnAddmmGetWorkspaceSize(const aclTensor *self, const aclTensor *mat1,
                                                 const aclTensor *mat2, const aclScalar *beta,
                                                 const aclScalar *alpha, aclTensor *out,
                                                 int8_t cubeMathType, uint64_t *workspaceSize,
                                                 aclOpExecutor **executor)
{
	return addmm("aclnnAddmm", false, self, mat1, mat2, beta, alpha, out, cubeMathType,
	             workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnAddmm)

ACLNN_API aclnnStatus aclnnInplaceAddmmGetWorkspaceSize(
        const aclTensor *selfRef, const aclTensor *mat1, const aclTensor *mat2,
        const aclScalar *beta, const aclScalar *alpha, int8_t cubeMathType, uint64_t *workspaceSize,
        aclOpExecutor **executor)
{
	return addmm("aclnnInplaceAddmm", true, selfRef, mat1, mat2, beta, alpha, NULL,
	             cubeMathType, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnInplaceAddmm)
