/*
 * acl_compat/aclnn/ops/select.c - selection and ordering: aclnnSWhere,
 * aclnnInplaceMaskedFillScalar, aclnnTopk and aclnnSort, onto the op
 * library's Where, TopK and Sort.
 *
 * PyTorch semantics: where promotes self and other (torch.where) and
 * broadcasts all three; masked_fill_ needs a mask that broadcasts to
 * selfRef and converts the value to selfRef's dtype; topk and sort return
 * int64 indices (NaN is the largest value; ties keep the lower index).
 */
#include "acl_compat/aclnn/nn.h"
#include "aclnnop/aclnn_masked_fill_scalar.h"
#include "aclnnop/aclnn_s_where.h"
#include "aclnnop/aclnn_sort.h"
#include "aclnnop/aclnn_topk.h"

static const int cond_dtypes[] = { ACL_BOOL, ACL_UINT8, ACL_INT8, -1 };

ACLNN_API aclnnStatus aclnnSWhereGetWorkspaceSize(const aclTensor *condition, const aclTensor *self,
                                                  const aclTensor *other, aclTensor *out,
                                                  uint64_t *workspaceSize, aclOpExecutor **executor)
{
	nn_t b;
	nn_begin(&b, "aclnnSWhere", workspaceSize, executor);
	nn_v c = nn_in(&b, condition, "condition");
	nn_v x = nn_in(&b, self, "self");
	nn_v y = nn_in(&b, other, "other");
	nn_v o = nn_out(&b, out, "out");
	nn_check_dtype(&b, nn_dtype(&b, c), "condition", cond_dtypes);
	int dt = nn_ok(&b) ? nn_result_type2(&b, x, y) : WEIR_DT_UNDEFINED;
	nn_v r = nn_op(&b, "Where", NULL, 3, c, nn_cast(&b, x, dt), nn_cast(&b, y, dt));
	nn_store(&b, r, o);
	return nn_finish(&b);
}
NN_DEFINE_RUN(aclnnSWhere)

ACLNN_API aclnnStatus aclnnInplaceMaskedFillScalarGetWorkspaceSize(aclTensor *selfRef,
                                                                   const aclTensor *mask,
                                                                   const aclScalar *value,
                                                                   uint64_t *workspaceSize,
                                                                   aclOpExecutor **executor)
{
	nn_t b;
	nn_begin(&b, "aclnnInplaceMaskedFillScalar", workspaceSize, executor);
	nn_v x = nn_in(&b, selfRef, "selfRef");
	nn_v m = nn_in(&b, mask, "mask");
	nn_v o = nn_out(&b, selfRef, "selfRef");
	nn_check_dtype(&b, nn_dtype(&b, m), "mask", cond_dtypes);
	const weir_tensor_desc_t *dx = nn_desc(&b, x), *dm = nn_desc(&b, m);
	if (nn_ok(&b)) {
		/* the mask broadcasts to selfRef (never the other way) */
		bool ok = dm->rank <= dx->rank;
		for (uint32_t k = 0; ok && k < dm->rank; k++) {
			int64_t md = dm->dims[k], xd = dx->dims[k + dx->rank - dm->rank];
			ok = md == xd || md == 1;
		}
		if (!ok)
			nn_fail(&b, ACLNN_ERR_PARAM_INVALID, "mask does not broadcast to selfRef");
	}
	nn_v v = nn_scalar(&b, value, nn_dtype(&b, x), "value");
	nn_store(&b, nn_op(&b, "Where", NULL, 3, m, v, x), o);
	return nn_finish(&b);
}
NN_DEFINE_RUN(aclnnInplaceMaskedFillScalar)

/* TopK or Sort of self into valuesOut and indicesOut. */
static aclnnStatus order(nn_t *b, const char *op, weir_attrs_t *a, nn_v x, nn_v ov, nn_v oi)
{
	nn_v r[2] = { NN_BAD, NN_BAD };
	nn_opv(b, op, a, 1, &x, 2, r);
	weir_attrs_destroy(a);
	nn_store(b, r[0], ov);
	nn_store(b, r[1], oi);
	return nn_finish(b);
}

static const int idx_out_dtypes[] = { ACL_INT64, ACL_INT32, -1 };

ACLNN_API aclnnStatus aclnnTopkGetWorkspaceSize(const aclTensor *self, int64_t k, int64_t dim,
                                                bool largest, bool sorted, aclTensor *valuesOut,
                                                aclTensor *indicesOut, uint64_t *workspaceSize,
                                                aclOpExecutor **executor)
{
	nn_t b;
	nn_begin(&b, "aclnnTopk", workspaceSize, executor);
	nn_v x = nn_in(&b, self, "self");
	nn_v ov = nn_out(&b, valuesOut, "valuesOut");
	nn_v oi = nn_out(&b, indicesOut, "indicesOut");
	nn_check_dtype(&b, nn_dtype(&b, oi), "indicesOut", idx_out_dtypes);
	int64_t ax = nn_dim(&b, dim, nn_rank(&b, x), "dim");
	const weir_tensor_desc_t *d = nn_desc(&b, x);
	int64_t len = nn_ok(&b) ? (d->rank ? d->dims[ax] : 1) : 0;
	if (nn_ok(&b) && (k < 0 || k > len))
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID, "k %lld is out of range [0, %lld]",
		        (long long)k, (long long)len);
	weir_attrs_t *a = NULL;
	if (nn_ok(&b) &&
	    (weir_attrs_create(&a) != WEIR_OK || weir_attrs_set_int(a, "k", k) != WEIR_OK ||
	     weir_attrs_set_int(a, "dim", ax) != WEIR_OK ||
	     weir_attrs_set_bool(a, "largest", largest) != WEIR_OK ||
	     weir_attrs_set_bool(a, "sorted", sorted) != WEIR_OK))
		nn_fail(&b, ACLNN_ERR_INNER, "out of memory");
	return order(&b, "TopK", a, x, ov, oi);
}
NN_DEFINE_RUN(aclnnTopk)

ACLNN_API aclnnStatus aclnnSortGetWorkspaceSize(const aclTensor *self, bool stable, int64_t dim,
                                                bool descending, aclTensor *valuesOut,
                                                aclTensor *indicesOut, uint64_t *workspaceSize,
                                                aclOpExecutor **executor)
{
	nn_t b;
	nn_begin(&b, "aclnnSort", workspaceSize, executor);
	nn_v x = nn_in(&b, self, "self");
	nn_v ov = nn_out(&b, valuesOut, "valuesOut");
	nn_v oi = nn_out(&b, indicesOut, "indicesOut");
	nn_check_dtype(&b, nn_dtype(&b, oi), "indicesOut", idx_out_dtypes);
	int64_t ax = nn_dim(&b, dim, nn_rank(&b, x), "dim");
	weir_attrs_t *a = NULL;
	if (nn_ok(&b) &&
	    (weir_attrs_create(&a) != WEIR_OK || weir_attrs_set_int(a, "axis", ax) != WEIR_OK ||
	     weir_attrs_set_bool(a, "descending", descending) != WEIR_OK ||
	     weir_attrs_set_bool(a, "stable", stable) != WEIR_OK))
		nn_fail(&b, ACLNN_ERR_INNER, "out of memory");
	return order(&b, "Sort", a, x, ov, oi);
}
NN_DEFINE_RUN(aclnnSort)
