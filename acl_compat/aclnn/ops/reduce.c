/*
 * acl_compat/aclnn/ops/reduce.c - aclnnReduceSum, aclnnMean, aclnnAmax,
 * aclnnAmin, aclnnArgMax, aclnnArgMin, aclnnMaxDim, aclnnMinDim,
 * aclnnSoftmax and aclnnLogSoftmax (aclnnop/aclnn_reduce_sum.h,
 * aclnn_mean.h, aclnn_amax.h, aclnn_amin.h, aclnn_argmax.h, aclnn_argmin.h,
 * aclnn_max_dim.h, aclnn_min_dim.h, aclnn_softmax.h, aclnn_logsoftmax.h),
 * onto the op library's ReduceSum, ReduceMean, ReduceMax, ReduceMin, ArgMax,
 * ArgMin, Softmax and LogSoftmax.
 *
 * Dim lists: each entry in [-rank, rank) (a 0-d self takes -1 and 0), no
 * entry twice; an empty list reduces every dim. `dtype` (ReduceSum, Mean)
 * is the dtype the input is cast to and reduced in, as PyTorch's dtype=.
 * Softmax and LogSoftmax compute in out's dtype (self is cast to it).
 */
#include <stdlib.h>

#include "acl_compat/aclnn/nn.h"
#include "aclnnop/aclnn_amax.h"
#include "aclnnop/aclnn_amin.h"
#include "aclnnop/aclnn_argmax.h"
#include "aclnnop/aclnn_argmin.h"
#include "aclnnop/aclnn_logsoftmax.h"
#include "aclnnop/aclnn_max_dim.h"
#include "aclnnop/aclnn_mean.h"
#include "aclnnop/aclnn_min_dim.h"
#include "aclnnop/aclnn_reduce_sum.h"
#include "aclnnop/aclnn_softmax.h"

/* Attributes for one op call; NULL after recording an out-of-memory. */
static weir_attrs_t *attrs_new(nn_t *b)
{
	weir_attrs_t *a = NULL;
	if (!nn_ok(b))
		return NULL;
	if (weir_attrs_create(&a) != WEIR_OK) {
		nn_fail(b, ACLNN_ERR_INNER, "out of memory");
		return NULL;
	}
	return a;
}

static void attrs_check(nn_t *b, int rc)
{
	if (rc != WEIR_OK && nn_ok(b))
		nn_fail(b, ACLNN_ERR_INNER, "out of memory");
}

/*
 * The dim list `dim` of a rank-`rank` self, normalized into axes[] (at
 * most WEIR_MAX_RANK): NULL is 161001, an entry out of range or repeated
 * 161002. An empty list gives every dim. Returns the count.
 */
static uint32_t get_dims(nn_t *b, const aclIntArray *dim, uint32_t rank, int64_t *axes)
{
	if (!nn_ok(b))
		return 0;
	if (!dim) {
		nn_fail(b, ACLNN_ERR_PARAM_NULLPTR, "dim is NULL");
		return 0;
	}
	int64_t *v = NULL;
	uint64_t n = 0;
	if (nn_int_array_get(dim, &v, &n) != ACLNN_SUCCESS) {
		nn_fail(b, ACLNN_ERR_PARAM_INVALID, "dim %p is not a live aclIntArray",
		        (const void *)dim);
		return 0;
	}
	uint32_t count = 0;
	bool seen[WEIR_MAX_RANK + 1] = { false };
	if (n == 0) {
		for (uint32_t k = 0; k < rank; k++)
			axes[count++] = k;
	}
	for (uint64_t i = 0; i < n && nn_ok(b); i++) {
		int64_t d = nn_dim(b, v[i], rank, "dim");
		if (d < 0)
			break;
		if (seen[d]) {
			nn_fail(b, ACLNN_ERR_PARAM_INVALID, "dim %lld appears twice in dim",
			        (long long)d);
			break;
		}
		seen[d] = true;
		if (rank) /* a 0-d self has nothing to reduce */
			axes[count++] = d;
	}
	free(v);
	return nn_ok(b) ? count : 0;
}

/* One reduction op over axes[0..n) (n == 0 on a 0-d x: none). */
static nn_v reduce(nn_t *b, const char *op, nn_v x, const int64_t *axes, uint32_t n, bool keep)
{
	if (!nn_ok(b))
		return NN_BAD;
	if (nn_rank(b, x) == 0)
		return x; /* nothing to reduce: the value itself */
	weir_attrs_t *a = attrs_new(b);
	if (!a)
		return NN_BAD;
	attrs_check(b, weir_attrs_set_ints(a, "axes", axes, n));
	attrs_check(b, weir_attrs_set_bool(a, "keep_dims", keep));
	nn_v r = nn_op(b, op, a, 1, x);
	weir_attrs_destroy(a);
	return r;
}

/* The product of the reduced dims. */
static int64_t reduced_count(const nn_t *b, nn_v x, const int64_t *axes, uint32_t n)
{
	const weir_tensor_desc_t *d = nn_desc(b, x);
	int64_t c = 1;
	for (uint32_t i = 0; d && i < n; i++)
		c *= d->dims[axes[i]];
	return c;
}

/* ------------------------------------------------------------------------ */
/* ReduceSum, Mean                                                            */
/* ------------------------------------------------------------------------ */

ACLNN_API aclnnStatus aclnnReduceSumGetWorkspaceSize(const aclTensor *self, const aclIntArray *dim,
                                                     bool keepDim, aclDataType dtype,
                                                     aclTensor *out, uint64_t *workspaceSize,
                                                     aclOpExecutor **executor)
{
	nn_t b;
	nn_begin(&b, "aclnnReduceSum", workspaceSize, executor);
	nn_v x = nn_in(&b, self, "self");
	nn_v o = nn_out(&b, out, "out");
	int64_t axes[WEIR_MAX_RANK];
	uint32_t n = get_dims(&b, dim, nn_rank(&b, x), axes);
	if (!nn_ok(&b))
		return nn_finish(&b);
	int dt = (int)dtype;
	if (dt != nn_dtype(&b, o)) {
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID, "dtype %s differs from out's dtype %s",
		        weir_dtype_name(dt), weir_dtype_name(nn_dtype(&b, o)));
		return nn_finish(&b);
	}
	nn_v r;
	if (dt == ACL_BOOL) {
		/* a bool sum is "any": count the non-zero elements */
		nn_v c = nn_cast(&b, nn_cast(&b, x, ACL_BOOL), ACL_INT64);
		r = nn_cast(&b, reduce(&b, "ReduceSum", c, axes, n, keepDim), ACL_BOOL);
	} else {
		int cdt = nn_compute_dtype(dt);
		if (cdt < 0) {
			nn_fail(&b, ACLNN_ERR_PARAM_INVALID,
			        "dtype %s is not supported (weir sums in float32, float16, "
			        "bfloat16, "
			        "integers and bool)",
			        weir_dtype_name(dt));
			return nn_finish(&b);
		}
		r = reduce(&b, "ReduceSum", nn_cast(&b, x, cdt), axes, n, keepDim);
		r = nn_cast(&b, r, dt);
	}
	nn_store(&b, r, o);
	return nn_finish(&b);
}
NN_DEFINE_RUN(aclnnReduceSum)

ACLNN_API aclnnStatus aclnnMeanGetWorkspaceSize(const aclTensor *self, const aclIntArray *dim,
                                                bool keepDim, aclDataType dtype, aclTensor *out,
                                                uint64_t *workspaceSize, aclOpExecutor **executor)
{
	nn_t b;
	nn_begin(&b, "aclnnMean", workspaceSize, executor);
	nn_v x = nn_in(&b, self, "self");
	nn_v o = nn_out(&b, out, "out");
	int64_t axes[WEIR_MAX_RANK];
	uint32_t n = get_dims(&b, dim, nn_rank(&b, x), axes);
	if (!nn_ok(&b))
		return nn_finish(&b);
	static const int ok[] = { ACL_FLOAT, ACL_FLOAT16, ACL_BF16,  ACL_INT8, ACL_INT16,
		                  ACL_INT32, ACL_INT64,   ACL_UINT8, -1 };
	int dt = (int)dtype, sdt = nn_dtype(&b, x);
	if (!nn_check_dtype(&b, dt, "dtype", ok))
		return nn_finish(&b);
	if (!nn_can_cast(sdt, dt)) {
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID,
		        "self has dtype %s, which cannot be cast to dtype %s", weir_dtype_name(sdt),
		        weir_dtype_name(dt));
		return nn_finish(&b);
	}
	nn_v r;
	if (nn_is_float(dt)) {
		r = reduce(&b, "ReduceMean", nn_cast(&b, x, dt), axes, n, keepDim);
	} else {
		/* integers: the int64 sum divided (truncating) by the count */
		int64_t cnt = reduced_count(&b, x, axes, n);
		if (cnt == 0) {
			nn_fail(&b, ACLNN_ERR_PARAM_INVALID,
			        "the integer mean of an empty set is undefined");
			return nn_finish(&b);
		}
		r = reduce(&b, "ReduceSum", nn_cast(&b, x, ACL_INT64), axes, n, keepDim);
		if (cnt != 1)
			r = nn_op(&b, "Div", NULL, 2, r, nn_const_i(&b, ACL_INT64, cnt));
		r = nn_cast(&b, r, dt);
	}
	nn_store(&b, r, o);
	return nn_finish(&b);
}
NN_DEFINE_RUN(aclnnMean)

/* ------------------------------------------------------------------------ */
/* Amax, Amin                                                                 */
/* ------------------------------------------------------------------------ */

/* x in a dtype ReduceMax/Min (and ArgMax/Min) take, with the same order:
 * bool as uint8, the other integers as int64. */
static int order_dtype(int dt)
{
	return dt == ACL_BOOL ? ACL_UINT8 : nn_compute_dtype(dt);
}

static aclnnStatus amax_amin(const char *api, const char *op, const aclTensor *self,
                             const aclIntArray *dim, bool keepDim, aclTensor *out, uint64_t *ws,
                             aclOpExecutor **ex)
{
	nn_t b;
	nn_begin(&b, api, ws, ex);
	nn_v x = nn_in(&b, self, "self");
	nn_v o = nn_out(&b, out, "out");
	int64_t axes[WEIR_MAX_RANK];
	uint32_t n = get_dims(&b, dim, nn_rank(&b, x), axes);
	if (!nn_ok(&b))
		return nn_finish(&b);
	int dt = nn_dtype(&b, x), cdt = order_dtype(dt);
	if (cdt < 0 || dt == ACL_UINT64) {
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID,
		        "self has dtype %s; supported: float32, float16, bfloat16, int8/16/32/64, "
		        "uint8/16/32 and bool",
		        weir_dtype_name(dt));
		return nn_finish(&b);
	}
	nn_v r = reduce(&b, op, nn_cast(&b, x, cdt), axes, n, keepDim);
	nn_store(&b, nn_cast(&b, r, dt), o);
	return nn_finish(&b);
}

ACLNN_API aclnnStatus aclnnAmaxGetWorkspaceSize(const aclTensor *self, const aclIntArray *dim,
                                                bool keepDim, aclTensor *out,
                                                uint64_t *workspaceSize, aclOpExecutor **executor)
{
	return amax_amin("aclnnAmax", "ReduceMax", self, dim, keepDim, out, workspaceSize,
	                 executor);
}
NN_DEFINE_RUN(aclnnAmax)

ACLNN_API aclnnStatus aclnnAminGetWorkspaceSize(const aclTensor *self, const aclIntArray *dim,
                                                bool keepDim, aclTensor *out,
                                                uint64_t *workspaceSize, aclOpExecutor **executor)
{
	return amax_amin("aclnnAmin", "ReduceMin", self, dim, keepDim, out, workspaceSize,
	                 executor);
}
NN_DEFINE_RUN(aclnnAmin)

/* ------------------------------------------------------------------------ */
/* ArgMax, ArgMin, MaxDim, MinDim                                             */
/* ------------------------------------------------------------------------ */

/*
 * The index (int64) of the largest (smallest) element along dim, and when
 * vo is a value (MaxDim/MinDim) that element too, gathered by a ReduceMax
 * (ReduceMin) of the same lane, which picks the same value.
 */
static aclnnStatus arg_reduce(const char *api, bool is_max, const aclTensor *self, int64_t dim,
                              bool keepdim, aclTensor *out, aclTensor *indices, bool values,
                              uint64_t *ws, aclOpExecutor **ex)
{
	nn_t b;
	nn_begin(&b, api, ws, ex);
	nn_v x = nn_in(&b, self, "self");
	nn_v vo = values ? nn_out(&b, out, "out") : NN_NONE;
	nn_v io = nn_out(&b, values ? indices : out, values ? "indices" : "out");
	int64_t d = nn_dim(&b, dim, nn_rank(&b, x), "dim");
	if (!nn_ok(&b))
		return nn_finish(&b);
	int dt = nn_dtype(&b, x), cdt = order_dtype(dt);
	if (cdt < 0 || dt == ACL_BOOL || dt == ACL_UINT64) {
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID,
		        "self has dtype %s; supported: float32, float16, bfloat16, int8/16/32/64 "
		        "and uint8/16/32",
		        weir_dtype_name(dt));
		return nn_finish(&b);
	}
	if (!nn_is_int(nn_dtype(&b, io))) {
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID, "%s has dtype %s; it must be an integer",
		        values ? "indices" : "out", weir_dtype_name(nn_dtype(&b, io)));
		return nn_finish(&b);
	}
	nn_v xc = nn_cast(&b, x, cdt);
	weir_attrs_t *a = attrs_new(&b);
	if (!a)
		return nn_finish(&b);
	attrs_check(&b, weir_attrs_set_int(a, "axis", d));
	attrs_check(&b, weir_attrs_set_bool(a, "keep_dims", keepdim));
	attrs_check(&b, weir_attrs_set_int(a, "dtype", ACL_INT64));
	nn_v idx = nn_op(&b, is_max ? "ArgMax" : "ArgMin", a, 1, xc);
	weir_attrs_destroy(a);
	if (values) {
		int64_t ax = d;
		nn_v v = reduce(&b, is_max ? "ReduceMax" : "ReduceMin", xc, &ax, 1, keepdim);
		nn_store(&b, nn_cast(&b, v, dt), vo);
	}
	nn_store(&b, idx, io);
	return nn_finish(&b);
}

ACLNN_API aclnnStatus aclnnArgMaxGetWorkspaceSize(const aclTensor *self, int64_t dim, bool keepdim,
                                                  aclTensor *out, uint64_t *workspaceSize,
                                                  aclOpExecutor **executor)
{
	return arg_reduce("aclnnArgMax", true, self, dim, keepdim, out, NULL, false, workspaceSize,
	                  executor);
}
NN_DEFINE_RUN(aclnnArgMax)

ACLNN_API aclnnStatus aclnnArgMinGetWorkspaceSize(const aclTensor *self, int64_t dim, bool keepdim,
                                                  aclTensor *out, uint64_t *workspaceSize,
                                                  aclOpExecutor **executor)
{
	return arg_reduce("aclnnArgMin", false, self, dim, keepdim, out, NULL, false, workspaceSize,
	                  executor);
}
NN_DEFINE_RUN(aclnnArgMin)

ACLNN_API aclnnStatus aclnnMaxDimGetWorkspaceSize(const aclTensor *self, int64_t dim, bool keepdim,
                                                  aclTensor *out, aclTensor *indices,
                                                  uint64_t *workspaceSize, aclOpExecutor **executor)
{
	return arg_reduce("aclnnMaxDim", true, self, dim, keepdim, out, indices, true,
	                  workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnMaxDim)

ACLNN_API aclnnStatus aclnnMinDimGetWorkspaceSize(const aclTensor *self, int64_t dim, bool keepdim,
                                                  aclTensor *out, aclTensor *indices,
                                                  uint64_t *workspaceSize, aclOpExecutor **executor)
{
	return arg_reduce("aclnnMinDim", false, self, dim, keepdim, out, indices, true,
	                  workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnMinDim)

/* ------------------------------------------------------------------------ */
/* Softmax, LogSoftmax                                                        */
/* ------------------------------------------------------------------------ */

static aclnnStatus softmax(const char *api, const char *op, const aclTensor *self, int64_t dim,
                           aclTensor *out, uint64_t *ws, aclOpExecutor **ex)
{
	nn_t b;
	nn_begin(&b, api, ws, ex);
	nn_v x = nn_in(&b, self, "self");
	nn_v o = nn_out(&b, out, "out");
	uint32_t rank = nn_rank(&b, x);
	int64_t d = nn_dim(&b, dim, rank, "dim");
	if (!nn_ok(&b))
		return nn_finish(&b);
	static const int fl[] = { ACL_FLOAT, ACL_FLOAT16, ACL_BF16, -1 };
	int odt = nn_dtype(&b, o), sdt = nn_dtype(&b, x);
	if (!nn_check_dtype(&b, odt, "out", fl))
		return nn_finish(&b);
	if (!nn_can_cast(sdt, odt)) {
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID,
		        "self has dtype %s, which cannot be cast to out's %s", weir_dtype_name(sdt),
		        weir_dtype_name(odt));
		return nn_finish(&b);
	}
	nn_v xc = nn_cast(&b, x, odt);
	if (rank == 0)
		xc = nn_reshape(&b, xc, 1, (const int64_t[]){ 1 });
	weir_attrs_t *a = attrs_new(&b);
	if (!a)
		return nn_finish(&b);
	attrs_check(&b, weir_attrs_set_int(a, "axis", d));
	nn_v r = nn_op(&b, op, a, 1, xc);
	weir_attrs_destroy(a);
	if (rank == 0)
		r = nn_reshape(&b, r, 0, (const int64_t[]){ 1 });
	nn_store(&b, r, o);
	return nn_finish(&b);
}

ACLNN_API aclnnStatus aclnnSoftmaxGetWorkspaceSize(const aclTensor *self, int64_t dim,
                                                   aclTensor *out, uint64_t *workspaceSize,
                                                   aclOpExecutor **executor)
{
	return softmax("aclnnSoftmax", "Softmax", self, dim, out, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnSoftmax)

ACLNN_API aclnnStatus aclnnLogSoftmaxGetWorkspaceSize(const aclTensor *self, int64_t dim,
                                                      aclTensor *out, uint64_t *workspaceSize,
                                                      aclOpExecutor **executor)
{
	return softmax("aclnnLogSoftmax", "LogSoftmax", self, dim, out, workspaceSize, executor);
}
NN_DEFINE_RUN(aclnnLogSoftmax)
