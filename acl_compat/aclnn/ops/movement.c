/*
 * acl_compat/aclnn/ops/movement.c - data movement: aclnnCast, aclnnPermute,
 * aclnnCat, aclnnSplitTensor, aclnnSplitWithSize, aclnnSlice, aclnnGather,
 * aclnnIndexSelect, aclnnEmbedding, aclnnExpand and aclnnInplaceCopy, onto
 * the op library's Cast, Transpose, Concat, Split, Slice, GatherElements
 * and Gather, and the builder's broadcast copy (nn_expand).
 *
 * PyTorch semantics: Cat promotes its inputs (torch.cat) and skips 1-D
 * empty tensors; Slice clamps start/end and needs step > 0; Gather is
 * torch.gather, IndexSelect torch.index_select, Embedding a row lookup in
 * weight; Expand takes -1 for "keep this dim"; InplaceCopy broadcasts src
 * to selfRef and converts to its dtype with any conversion (copy_), where
 * the other functions only write into outputs PyTorch's can_cast allows.
 */
#include <stdlib.h>

#include "acl_compat/aclnn/nn.h"
#include "aclnnop/aclnn_cast.h"
#include "aclnnop/aclnn_cat.h"
#include "aclnnop/aclnn_copy.h"
#include "aclnnop/aclnn_embedding.h"
#include "aclnnop/aclnn_expand.h"
#include "aclnnop/aclnn_gather.h"
#include "aclnnop/aclnn_index_select.h"
#include "aclnnop/aclnn_permute.h"
#include "aclnnop/aclnn_slice.h"
#include "aclnnop/aclnn_split_tensor.h"
#include "aclnnop/aclnn_split_with_size.h"

#define MV_MAX_LIST 256 /* tensors in one Cat or Split list */

/* A fresh attrs object, or NULL after recording the failure. */
static weir_attrs_t *attrs_new(nn_t *b)
{
	weir_attrs_t *a = NULL;
	if (nn_ok(b) && weir_attrs_create(&a) != WEIR_OK) {
		nn_fail(b, ACLNN_ERR_INNER, "out of memory");
		return NULL;
	}
	return a;
}

static bool attrs_check(nn_t *b, weir_attrs_t *a, int rc)
{
	if (rc != WEIR_OK) {
		weir_attrs_destroy(a);
		nn_fail(b, ACLNN_ERR_INNER, "out of memory");
		return false;
	}
	return true;
}

/* One op call with one int attr. */
static nn_v op_int_attr(nn_t *b, const char *op, const char *name, int64_t v, uint32_t nin,
                        const nn_v *ins)
{
	weir_attrs_t *a = attrs_new(b);
	if (!a || !attrs_check(b, a, weir_attrs_set_int(a, name, v)))
		return NN_BAD;
	nn_v r = nn_opv(b, op, a, nin, ins, 1, NULL);
	weir_attrs_destroy(a);
	return r;
}

/* An aclIntArray's values (malloc'd; free()), or NULL after a failure. */
static int64_t *int_array(nn_t *b, const aclIntArray *arr, const char *name, uint64_t *n)
{
	*n = 0;
	if (!nn_ok(b))
		return NULL;
	if (!arr) {
		nn_fail(b, ACLNN_ERR_PARAM_NULLPTR, "%s is NULL", name);
		return NULL;
	}
	int64_t *v = NULL;
	if (nn_int_array_get(arr, &v, n) != ACLNN_SUCCESS) {
		nn_fail(b, ACLNN_ERR_PARAM_INVALID, "%s %p is not a live aclIntArray", name,
		        (const void *)arr);
		return NULL;
	}
	if (!v)
		v = malloc(sizeof(*v)); /* an empty array: a pointer to free */
	if (!v)
		nn_fail(b, ACLNN_ERR_INNER, "out of memory");
	return v;
}

static const int index_dtypes[] = { ACL_INT32, ACL_INT64, -1 };

/* ------------------------------------------------------------------------ */
/* Cast                                                                       */
/* ------------------------------------------------------------------------ */

ACLNN_API aclnnStatus aclnnCastGetWorkspaceSize(const aclTensor *self, const aclDataType dtype,
                                                aclTensor *out, uint64_t *workspaceSize,
                                                aclOpExecutor **executor)
{
	nn_t b;
	nn_begin(&b, "aclnnCast", workspaceSize, executor);
	nn_v x = nn_in(&b, self, "self");
	nn_v o = nn_out(&b, out, "out");
	if (nn_ok(&b) && weir_dtype_size((int)dtype) == 0)
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID, "dtype %d is not a dtype weir supports",
		        (int)dtype);
	if (nn_ok(&b) && nn_dtype(&b, o) != (int)dtype)
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID, "out has dtype %s but dtype is %s",
		        weir_dtype_name(nn_dtype(&b, o)), weir_dtype_name((int)dtype));
	/* Any conversion (float -> int truncates, saturating; NaN -> 0). */
	nn_store(&b, nn_cast(&b, x, (int)dtype), o);
	return nn_finish(&b);
}
NN_DEFINE_RUN(aclnnCast)

/* ------------------------------------------------------------------------ */
/* Permute                                                                    */
/* ------------------------------------------------------------------------ */

ACLNN_API aclnnStatus aclnnPermuteGetWorkspaceSize(const aclTensor *self, const aclIntArray *dims,
                                                   aclTensor *out, uint64_t *workspaceSize,
                                                   aclOpExecutor **executor)
{
	nn_t b;
	nn_begin(&b, "aclnnPermute", workspaceSize, executor);
	nn_v x = nn_in(&b, self, "self");
	uint64_t n = 0;
	int64_t *p = int_array(&b, dims, "dims", &n);
	nn_v o = nn_out(&b, out, "out");
	uint32_t rank = nn_rank(&b, x);
	if (nn_ok(&b) && n != rank)
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID, "dims has %llu entries but self has rank %u",
		        (unsigned long long)n, rank);
	bool seen[WEIR_MAX_RANK] = { false };
	for (uint64_t i = 0; nn_ok(&b) && i < n; i++) {
		int64_t d = nn_dim(&b, p[i], rank, "dims entry");
		if (d >= 0 && seen[d])
			nn_fail(&b, ACLNN_ERR_PARAM_INVALID, "dims repeats dim %lld",
			        (long long)p[i]);
		if (d >= 0)
			seen[d] = true, p[i] = d;
	}
	nn_v r = x;
	if (nn_ok(&b) && rank > 1) {
		weir_attrs_t *a = attrs_new(&b);
		if (a && attrs_check(&b, a, weir_attrs_set_ints(a, "perm", p, n))) {
			r = nn_op(&b, "Transpose", a, 1, x);
			weir_attrs_destroy(a);
		}
	}
	free(p);
	nn_store(&b, r, o);
	return nn_finish(&b);
}
NN_DEFINE_RUN(aclnnPermute)

/* ------------------------------------------------------------------------ */
/* Cat                                                                        */
/* ------------------------------------------------------------------------ */

ACLNN_API aclnnStatus aclnnCatGetWorkspaceSize(const aclTensorList *tensors, int64_t dim,
                                               aclTensor *out, uint64_t *workspaceSize,
                                               aclOpExecutor **executor)
{
	nn_t b;
	nn_begin(&b, "aclnnCat", workspaceSize, executor);
	nn_v vals[MV_MAX_LIST];
	uint32_t n = nn_in_list(&b, tensors, "tensors", vals, MV_MAX_LIST);
	nn_v o = nn_out(&b, out, "out");
	if (nn_ok(&b) && n == 0)
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID, "tensors is empty");
	if (!nn_ok(&b))
		return nn_finish(&b);
	/* torch.cat skips 1-D empty tensors (legacy) beside others. */
	nn_v keep[MV_MAX_LIST];
	uint32_t nk = 0;
	for (uint32_t i = 0; i < n; i++) {
		const weir_tensor_desc_t *d = nn_desc(&b, vals[i]);
		if (!(d->rank == 1 && d->dims[0] == 0))
			keep[nk++] = vals[i];
	}
	if (nk == 0)
		keep[nk++] = vals[0];
	int dt = nn_result_type(&b, vals, n, NULL, 0);
	const weir_tensor_desc_t *d0 = nn_desc(&b, keep[0]);
	if (d0->rank == 0) {
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID, "tensors[0] is 0-d; Cat needs rank >= 1");
		return nn_finish(&b);
	}
	int64_t ax = nn_dim(&b, dim, d0->rank, "dim");
	for (uint32_t i = 0; i < nk; i++)
		keep[i] = nn_cast(&b, keep[i], dt);
	nn_v r = nk == 1 ? keep[0] : op_int_attr(&b, "Concat", "axis", ax, nk, keep);
	nn_store(&b, r, o);
	return nn_finish(&b);
}
NN_DEFINE_RUN(aclnnCat)

/* ------------------------------------------------------------------------ */
/* Split                                                                      */
/* ------------------------------------------------------------------------ */

/* Split x along dim into parts of sizes[0..n), into the list `out`. */
static aclnnStatus split(nn_t *b, nn_v x, int64_t dim, const int64_t *sizes, uint64_t n,
                         const aclTensorList *out)
{
	nn_v outs[MV_MAX_LIST], parts[MV_MAX_LIST];
	uint32_t no = nn_out_list(b, out, "out", outs, MV_MAX_LIST);
	if (nn_ok(b) && no != n)
		nn_fail(b, ACLNN_ERR_PARAM_INVALID, "out has %u tensors but the split makes %llu",
		        no, (unsigned long long)n);
	if (!nn_ok(b))
		return nn_finish(b);
	if (n == 1) {
		nn_store(b, x, outs[0]);
		return nn_finish(b);
	}
	weir_attrs_t *a = attrs_new(b);
	if (a && attrs_check(b, a, weir_attrs_set_int(a, "axis", dim)) &&
	    attrs_check(b, a, weir_attrs_set_ints(a, "split", sizes, n))) {
		nn_opv(b, "Split", a, 1, &x, (uint32_t)n, parts);
		weir_attrs_destroy(a);
	}
	for (uint64_t i = 0; i < n && nn_ok(b); i++)
		nn_store(b, parts[i], outs[i]);
	return nn_finish(b);
}

ACLNN_API aclnnStatus aclnnSplitTensorGetWorkspaceSize(const aclTensor *self,
                                                       uint64_t splitSections, int64_t dim,
                                                       aclTensorList *out, uint64_t *workspaceSize,
                                                       aclOpExecutor **executor)
{
	nn_t b;
	nn_begin(&b, "aclnnSplitTensor", workspaceSize, executor);
	nn_v x = nn_in(&b, self, "self");
	const weir_tensor_desc_t *d = nn_desc(&b, x);
	if (nn_ok(&b) && d->rank == 0)
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID, "self is 0-d; Split needs rank >= 1");
	int64_t ax = nn_dim(&b, dim, nn_rank(&b, x), "dim");
	if (!nn_ok(&b))
		return nn_finish(&b);
	int64_t len = d->dims[ax];
	if (splitSections == 0 && len != 0) {
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID,
		        "splitSections is 0 but dim %lld has size %lld", (long long)ax,
		        (long long)len);
		return nn_finish(&b);
	}
	/* ceil(len / sections) parts (one when len is 0), the last one smaller. */
	int64_t sec = splitSections > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)splitSections;
	uint64_t n = len == 0 ? 1 : (uint64_t)((len - 1) / sec + 1);
	if (n > MV_MAX_LIST) {
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID, "the split makes %llu tensors; at most %d",
		        (unsigned long long)n, MV_MAX_LIST);
		return nn_finish(&b);
	}
	int64_t sizes[MV_MAX_LIST];
	for (uint64_t i = 0; i < n; i++)
		sizes[i] = len - (int64_t)i * sec < sec ? len - (int64_t)i * sec : sec;
	if (len == 0)
		sizes[0] = 0;
	return split(&b, x, ax, sizes, n, out);
}
NN_DEFINE_RUN(aclnnSplitTensor)

ACLNN_API aclnnStatus aclnnSplitWithSizeGetWorkspaceSize(const aclTensor *self,
                                                         const aclIntArray *splitSize, int64_t dim,
                                                         aclTensorList *out,
                                                         uint64_t *workspaceSize,
                                                         aclOpExecutor **executor)
{
	nn_t b;
	nn_begin(&b, "aclnnSplitWithSize", workspaceSize, executor);
	nn_v x = nn_in(&b, self, "self");
	uint64_t n = 0;
	int64_t *sz = int_array(&b, splitSize, "splitSize", &n);
	const weir_tensor_desc_t *d = nn_desc(&b, x);
	if (nn_ok(&b) && d->rank == 0)
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID, "self is 0-d; Split needs rank >= 1");
	int64_t ax = nn_dim(&b, dim, nn_rank(&b, x), "dim");
	if (nn_ok(&b) && (n == 0 || n > MV_MAX_LIST))
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID, "splitSize has %llu entries; 1 to %d allowed",
		        (unsigned long long)n, MV_MAX_LIST);
	int64_t sum = 0;
	for (uint64_t i = 0; nn_ok(&b) && i < n; i++) {
		if (sz[i] < 0 || sz[i] > d->dims[ax])
			nn_fail(&b, ACLNN_ERR_PARAM_INVALID, "splitSize[%llu] = %lld is invalid",
			        (unsigned long long)i, (long long)sz[i]);
		else
			sum += sz[i];
	}
	if (nn_ok(&b) && sum != d->dims[ax])
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID,
		        "splitSize sums to %lld but dim %lld has size %lld", (long long)sum,
		        (long long)ax, (long long)d->dims[ax]);
	if (!nn_ok(&b)) {
		free(sz);
		return nn_finish(&b);
	}
	aclnnStatus rc = split(&b, x, ax, sz, n, out);
	free(sz);
	return rc;
}
NN_DEFINE_RUN(aclnnSplitWithSize)

/* ------------------------------------------------------------------------ */
/* Slice                                                                      */
/* ------------------------------------------------------------------------ */

ACLNN_API aclnnStatus aclnnSliceGetWorkspaceSize(const aclTensor *self, int64_t dim, int64_t start,
                                                 int64_t end, int64_t step, aclTensor *out,
                                                 uint64_t *workspaceSize, aclOpExecutor **executor)
{
	nn_t b;
	nn_begin(&b, "aclnnSlice", workspaceSize, executor);
	nn_v x = nn_in(&b, self, "self");
	nn_v o = nn_out(&b, out, "out");
	uint32_t rank = nn_rank(&b, x);
	if (nn_ok(&b) && rank == 0)
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID, "self is 0-d; Slice needs rank >= 1");
	int64_t ax = nn_dim(&b, dim, rank, "dim");
	if (nn_ok(&b) && step <= 0)
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID, "step %lld must be positive", (long long)step);
	if (!nn_ok(&b))
		return nn_finish(&b);
	int64_t bg[WEIR_MAX_RANK], en[WEIR_MAX_RANK], st[WEIR_MAX_RANK];
	for (uint32_t k = 0; k < rank; k++) {
		bg[k] = 0;
		en[k] = INT64_MAX;
		st[k] = 1;
	}
	bg[ax] = start;
	en[ax] = end;
	st[ax] = step;
	nn_v r = NN_BAD;
	weir_attrs_t *a = attrs_new(&b);
	if (a && attrs_check(&b, a, weir_attrs_set_ints(a, "begin", bg, rank)) &&
	    attrs_check(&b, a, weir_attrs_set_ints(a, "end", en, rank)) &&
	    attrs_check(&b, a, weir_attrs_set_ints(a, "strides", st, rank))) {
		r = nn_op(&b, "Slice", a, 1, x);
		weir_attrs_destroy(a);
	}
	nn_store(&b, r, o);
	return nn_finish(&b);
}
NN_DEFINE_RUN(aclnnSlice)

/* ------------------------------------------------------------------------ */
/* Gather, IndexSelect, Embedding                                             */
/* ------------------------------------------------------------------------ */

ACLNN_API aclnnStatus aclnnGatherGetWorkspaceSize(const aclTensor *self, const int64_t dim,
                                                  const aclTensor *index, aclTensor *out,
                                                  uint64_t *workspaceSize, aclOpExecutor **executor)
{
	nn_t b;
	nn_begin(&b, "aclnnGather", workspaceSize, executor);
	nn_v x = nn_in(&b, self, "self");
	nn_v ix = nn_in(&b, index, "index");
	nn_v o = nn_out(&b, out, "out");
	nn_check_dtype(&b, nn_dtype(&b, ix), "index", index_dtypes);
	uint32_t rank = nn_rank(&b, x);
	if (nn_ok(&b) && nn_rank(&b, ix) != rank)
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID, "index has rank %u but self has rank %u",
		        nn_rank(&b, ix), rank);
	int64_t ax = nn_dim(&b, dim, rank, "dim");
	if (!nn_ok(&b))
		return nn_finish(&b);
	if (rank == 0) { /* 0-d: gather one element of a 1-element row */
		int64_t one = 1;
		x = nn_reshape(&b, x, 1, &one);
		ix = nn_reshape(&b, ix, 1, &one);
	}
	nn_v ins[2] = { x, ix };
	nn_v r = op_int_attr(&b, "GatherElements", "axis", ax, 2, ins);
	if (rank == 0)
		r = nn_reshape(&b, r, 0, NULL);
	nn_store(&b, r, o);
	return nn_finish(&b);
}
NN_DEFINE_RUN(aclnnGather)

ACLNN_API aclnnStatus aclnnIndexSelectGetWorkspaceSize(const aclTensor *self, int64_t dim,
                                                       const aclTensor *index, aclTensor *out,
                                                       uint64_t *workspaceSize,
                                                       aclOpExecutor **executor)
{
	nn_t b;
	nn_begin(&b, "aclnnIndexSelect", workspaceSize, executor);
	nn_v x = nn_in(&b, self, "self");
	nn_v ix = nn_in(&b, index, "index");
	nn_v o = nn_out(&b, out, "out");
	nn_check_dtype(&b, nn_dtype(&b, ix), "index", index_dtypes);
	if (nn_ok(&b) && nn_rank(&b, ix) > 1)
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID, "index has rank %u; it must be 0-d or 1-D",
		        nn_rank(&b, ix));
	uint32_t rank = nn_rank(&b, x);
	int64_t ax = nn_dim(&b, dim, rank, "dim");
	if (!nn_ok(&b))
		return nn_finish(&b);
	int64_t one = 1;
	if (nn_rank(&b, ix) == 0) /* a 0-d index selects one entry, keeping the dim */
		ix = nn_reshape(&b, ix, 1, &one);
	if (rank == 0)
		x = nn_reshape(&b, x, 1, &one);
	nn_v ins[2] = { x, ix };
	nn_v r = op_int_attr(&b, "Gather", "axis", ax, 2, ins);
	if (rank == 0)
		r = nn_reshape(&b, r, 0, NULL);
	nn_store(&b, r, o);
	return nn_finish(&b);
}
NN_DEFINE_RUN(aclnnIndexSelect)

ACLNN_API aclnnStatus aclnnEmbeddingGetWorkspaceSize(const aclTensor *weight,
                                                     const aclTensor *indices, const aclTensor *out,
                                                     uint64_t *workspaceSize,
                                                     aclOpExecutor **executor)
{
	nn_t b;
	nn_begin(&b, "aclnnEmbedding", workspaceSize, executor);
	nn_v w = nn_in(&b, weight, "weight");
	nn_v ix = nn_in(&b, indices, "indices");
	nn_v o = nn_out(&b, out, "out");
	nn_check_dtype(&b, nn_dtype(&b, ix), "indices", index_dtypes);
	if (nn_ok(&b) && nn_rank(&b, w) != 2)
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID, "weight has rank %u; it must be 2-D",
		        nn_rank(&b, w));
	nn_v ins[2] = { w, ix };
	nn_v r = op_int_attr(&b, "Gather", "axis", 0, 2, ins);
	nn_store(&b, r, o);
	return nn_finish(&b);
}
NN_DEFINE_RUN(aclnnEmbedding)

/* ------------------------------------------------------------------------ */
/* Expand, InplaceCopy                                                        */
/* ------------------------------------------------------------------------ */

ACLNN_API aclnnStatus aclnnExpandGetWorkspaceSize(const aclTensor *self, const aclIntArray *size,
                                                  aclTensor *out, uint64_t *workspaceSize,
                                                  aclOpExecutor **executor)
{
	nn_t b;
	nn_begin(&b, "aclnnExpand", workspaceSize, executor);
	nn_v x = nn_in(&b, self, "self");
	uint64_t n = 0;
	int64_t *sz = int_array(&b, size, "size", &n);
	nn_v o = nn_out(&b, out, "out");
	const weir_tensor_desc_t *d = nn_desc(&b, x);
	if (nn_ok(&b) && (n < d->rank || n > WEIR_MAX_RANK))
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID,
		        "size has %llu entries; self has rank %u (at most %d allowed)",
		        (unsigned long long)n, d->rank, WEIR_MAX_RANK);
	int64_t dims[WEIR_MAX_RANK];
	for (uint64_t k = 0; nn_ok(&b) && k < n; k++) {
		int64_t xk = (int64_t)k - (int64_t)(n - d->rank); /* self's dim, < 0: new */
		dims[k] = sz[k];
		if (sz[k] == -1 && xk >= 0)
			dims[k] = d->dims[xk];
		else if (sz[k] < 0)
			nn_fail(&b, ACLNN_ERR_PARAM_INVALID, "size[%llu] = %lld is invalid",
			        (unsigned long long)k, (long long)sz[k]);
	}
	free(sz);
	nn_store(&b, nn_expand(&b, x, (uint32_t)n, dims, "self"), o);
	return nn_finish(&b);
}
NN_DEFINE_RUN(aclnnExpand)

ACLNN_API aclnnStatus aclnnInplaceCopyGetWorkspaceSize(aclTensor *selfRef, const aclTensor *src,
                                                       uint64_t *workspaceSize,
                                                       aclOpExecutor **executor)
{
	nn_t b;
	nn_begin(&b, "aclnnInplaceCopy", workspaceSize, executor);
	nn_v s = nn_in(&b, src, "src");
	nn_v o = nn_out(&b, selfRef, "selfRef");
	const weir_tensor_desc_t *d = nn_desc(&b, o);
	if (!nn_ok(&b))
		return nn_finish(&b);
	/* copy_: any conversion, then broadcast to selfRef's shape. */
	nn_v r = nn_cast(&b, s, d->dtype);
	r = nn_expand(&b, r, d->rank, d->dims, "src");
	nn_store(&b, r, o);
	return nn_finish(&b);
}
NN_DEFINE_RUN(aclnnInplaceCopy)
