/*
 * acl_compat/aclnn/ops/generate.c - generation: aclnnInplaceZero,
 * aclnnInplaceFillScalar, aclnnArange, aclnnTril, aclnnTriu and their
 * in-place forms, onto a constant broadcast into the output (the builder's
 * nn_expand and nn_store), the op library's Range, Tril and Triu.
 *
 * PyTorch semantics: fill_ converts the value to selfRef's dtype as a C
 * cast would; arange computes in double (the CPU accumulator of float32)
 * and, for integer outputs, from start and step truncated to integers with
 * torch's length ceil((end - start) / step).
 */
#include <math.h>

#include "acl_compat/aclnn/nn.h"
#include "aclnnop/aclnn_arange.h"
#include "aclnnop/aclnn_fill_scalar.h"
#include "aclnnop/aclnn_tril.h"
#include "aclnnop/aclnn_triu.h"
#include "aclnnop/aclnn_zero.h"

/* Fill output o with the 0-d constant c (broadcast, cast and strided by the
 * builder). */
static void fill(nn_t *b, nn_v c, nn_v o)
{
	const weir_tensor_desc_t *d = nn_desc(b, o);
	if (!nn_ok(b) || !d)
		return;
	nn_store(b, nn_expand(b, c, d->rank, d->dims, "value"), o);
}

ACLNN_API aclnnStatus aclnnInplaceZeroGetWorkspaceSize(aclTensor *selfRef, uint64_t *workspaceSize,
                                                       aclOpExecutor **executor)
{
	nn_t b;
	nn_begin(&b, "aclnnInplaceZero", workspaceSize, executor);
	nn_v o = nn_out(&b, selfRef, "selfRef");
	fill(&b, nn_const_i(&b, nn_dtype(&b, o), 0), o);
	return nn_finish(&b);
}
NN_DEFINE_RUN(aclnnInplaceZero)

ACLNN_API aclnnStatus aclnnInplaceFillScalarGetWorkspaceSize(aclTensor *selfRef,
                                                             const aclScalar *value,
                                                             uint64_t *workspaceSize,
                                                             aclOpExecutor **executor)
{
	nn_t b;
	nn_begin(&b, "aclnnInplaceFillScalar", workspaceSize, executor);
	nn_v o = nn_out(&b, selfRef, "selfRef");
	fill(&b, nn_scalar(&b, value, nn_dtype(&b, o), "value"), o);
	return nn_finish(&b);
}
NN_DEFINE_RUN(aclnnInplaceFillScalar)

/* ------------------------------------------------------------------------ */
/* Arange                                                                     */
/* ------------------------------------------------------------------------ */

ACLNN_API aclnnStatus aclnnArangeGetWorkspaceSize(const aclScalar *start, const aclScalar *end,
                                                  const aclScalar *step, aclTensor *out,
                                                  uint64_t *workspaceSize, aclOpExecutor **executor)
{
	nn_t b;
	nn_begin(&b, "aclnnArange", workspaceSize, executor);
	nn_scalar_info_t s0 = { 0 }, s1 = { 0 }, sd = { 0 };
	nn_scalar_value(&b, start, "start", &s0);
	nn_scalar_value(&b, end, "end", &s1);
	nn_scalar_value(&b, step, "step", &sd);
	nn_v o = nn_out(&b, out, "out");
	if (!nn_ok(&b))
		return nn_finish(&b);
	int odt = nn_dtype(&b, o);
	if (!nn_is_float(odt) && !nn_is_int(odt)) {
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID,
		        "out has dtype %s; supported: float and integer", weir_dtype_name(odt));
		return nn_finish(&b);
	}
	double a = s0.f, z = s1.f, d = sd.f;
	if (!isfinite(a) || !isfinite(z) || !isfinite(d))
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID, "start, end and step must be finite");
	else if (d == 0)
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID, "step must not be 0");
	else if ((d > 0 && z < a) || (d < 0 && z > a))
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID,
		        "end %g and start %g are inconsistent with the sign of step %g", z, a, d);
	if (!nn_ok(&b))
		return nn_finish(&b);
	nn_v r;
	if (z == a) {
		/* An empty range: an empty constant (no op, no 0-byte temporary). */
		int64_t zero = 0;
		r = nn_const(&b, odt, 1, &zero, NULL);
	} else if (nn_is_float(odt)) {
		r = nn_op(&b, "Range", NULL, 3, nn_const_f(&b, ACL_DOUBLE, a),
		          nn_const_f(&b, ACL_DOUBLE, z), nn_const_f(&b, ACL_DOUBLE, d));
	} else {
		/* torch: the length from the values as given, the elements from
		 * start and step as integers. */
		double len = ceil((z - a) / d);
		bool ia = !nn_is_float(s0.dtype), id = !nn_is_float(sd.dtype);
		int64_t i0 = ia ? s0.i : (int64_t)a, di = id ? sd.i : (int64_t)d;
		if (di == 0 || len > 9.0e15) {
			nn_fail(&b, ACLNN_ERR_PARAM_INVALID,
			        "step %g is 0 as an integer, or the range is too long", d);
			return nn_finish(&b);
		}
		int64_t lim = i0 + (int64_t)len * di;
		r = nn_op(&b, "Range", NULL, 3, nn_const_i(&b, ACL_INT64, i0),
		          nn_const_i(&b, ACL_INT64, lim), nn_const_i(&b, ACL_INT64, di));
	}
	nn_store(&b, nn_cast(&b, r, odt), o);
	return nn_finish(&b);
}
NN_DEFINE_RUN(aclnnArange)

/* ------------------------------------------------------------------------ */
/* Tril, Triu                                                                 */
/* ------------------------------------------------------------------------ */

static aclnnStatus tri(const char *api, const char *op, bool inplace, const aclTensor *self,
                       int64_t diagonal, const aclTensor *out, uint64_t *ws, aclOpExecutor **ex)
{
	nn_t b;
	nn_begin(&b, api, ws, ex);
	const char *name = inplace ? "selfRef" : "self";
	nn_v x = nn_in(&b, self, name);
	nn_v o = nn_out(&b, inplace ? self : out, inplace ? "selfRef" : "out");
	if (nn_ok(&b) && nn_rank(&b, x) < 2)
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID, "%s has rank %u; it must be at least 2", name,
		        nn_rank(&b, x));
	weir_attrs_t *a = NULL;
	if (nn_ok(&b) && (weir_attrs_create(&a) != WEIR_OK ||
	                  weir_attrs_set_int(a, "diagonal", diagonal) != WEIR_OK))
		nn_fail(&b, ACLNN_ERR_INNER, "out of memory");
	nn_v r = nn_op(&b, op, a, 1, x);
	weir_attrs_destroy(a);
	nn_store(&b, r, o);
	return nn_finish(&b);
}

ACLNN_API aclnnStatus aclnnTrilGetWorkspaceSize(const aclTensor *self, int64_t diagonal,
                                                aclTensor *out, uint64_t *workspaceSize,
                                                aclOpExecutor **executor)
{
	return tri("aclnnTril", "Tril", false, self, diagonal, out, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnTril)

ACLNN_API aclnnStatus aclnnInplaceTrilGetWorkspaceSize(const aclTensor *selfRef, int64_t diagonal,
                                                       uint64_t *workspaceSize,
                                                       aclOpExecutor **executor)
{
	return tri("aclnnInplaceTril", "Tril", true, selfRef, diagonal, NULL, workspaceSize,
	           executor);
}
NN_DEFINE_RUN(aclnnInplaceTril)

ACLNN_API aclnnStatus aclnnTriuGetWorkspaceSize(const aclTensor *self, int64_t diagonal,
                                                aclTensor *out, uint64_t *workspaceSize,
                                                aclOpExecutor **executor)
{
	return tri("aclnnTriu", "Triu", false, self, diagonal, out, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnTriu)

ACLNN_API aclnnStatus aclnnInplaceTriuGetWorkspaceSize(aclTensor *selfRef, int64_t diagonal,
                                                       uint64_t *workspaceSize,
                                                       aclOpExecutor **executor)
{
	return tri("aclnnInplaceTriu", "Triu", true, selfRef, diagonal, NULL, workspaceSize,
	           executor);
}
NN_DEFINE_RUN(aclnnInplaceTriu)
