/*
 * acl_compat/aclnn/ops/pool.c - aclnnMaxPool2dWithIndices, aclnnMaxPool,
 * aclnnAvgPool2d, aclnnAdaptiveAvgPool2d and aclnnAdaptiveMaxPool2d
 * (aclnnop/aclnn_max_pool2d_with_indices.h, aclnn_max_pool.h,
 * aclnn_avgpool2d.h, aclnn_adaptive_avg_pool2d.h, aclnn_adaptive_max_pool2d.h)
 * onto the op library's MaxPool, AvgPool, AdaptiveAvgPool2d and
 * AdaptiveMaxPool2d.
 *
 * torch.nn.functional semantics (max_pool2d, avg_pool2d, adaptive_*): a
 * 3-D input [C, H, W] is pooled as [1, C, H, W]; torch's symmetric padding
 * [ph, pw] becomes GE's pads [top, bottom, left, right]; indices are flat
 * (h * W + w) within each input plane. The outputs keep self's dtype.
 */
#include "acl_compat/aclnn/nn.h"
#include "acl_compat/aclnn/ops/args.h"
#include "aclnnop/aclnn_adaptive_avg_pool2d.h"
#include "aclnnop/aclnn_adaptive_max_pool2d.h"
#include "aclnnop/aclnn_avgpool2d.h"
#include "aclnnop/aclnn_max_pool.h"
#include "aclnnop/aclnn_max_pool2d_with_indices.h"

static const int pool_float[] = { ACL_FLOAT, ACL_FLOAT16, ACL_BF16, -1 };

/* self as a 4-D value (a 3-D one gains N = 1); *rank3 says it did. */
static nn_v pool_in(nn_t *b, nn_v x, const int *allowed, bool *rank3)
{
	*rank3 = false;
	if (!nn_ok(b))
		return NN_BAD;
	const weir_tensor_desc_t *d = nn_desc(b, x);
	if (d->rank != 3 && d->rank != 4)
		return nn_fail(b, ACLNN_ERR_PARAM_INVALID, "self has rank %u; it must be 3 or 4",
		               d->rank);
	if (!nn_check_dtype(b, d->dtype, "self", allowed))
		return NN_BAD;
	if (d->rank == 4)
		return x;
	*rank3 = true;
	return nn_reshape(b, x, 4, (int64_t[]){ 1, d->dims[0], d->dims[1], d->dims[2] });
}

/* r (4-D) back to self's rank. */
static nn_v pool_out(nn_t *b, nn_v r, bool rank3)
{
	const weir_tensor_desc_t *d = nn_desc(b, r);
	if (!d || !rank3)
		return r;
	return nn_reshape(b, r, 3, (int64_t[]){ d->dims[1], d->dims[2], d->dims[3] });
}

/* An output that must have self's dtype (aclnn refuses a cast). */
static void same_dtype(nn_t *b, nn_v x, nn_v o, const char *name)
{
	if (nn_ok(b) && nn_dtype(b, o) != nn_dtype(b, x))
		nn_fail(b, ACLNN_ERR_PARAM_INVALID, "%s has dtype %s; self has %s", name,
		        weir_dtype_name(nn_dtype(b, o)), weir_dtype_name(nn_dtype(b, x)));
}

/* An [h, w] argument: `n` entries among the lengths in `lens` (a 1-entry
 * list means h = w; 0 entries gives dflt); each >= lo. */
static bool pool_hw(nn_t *b, const aclIntArray *arr, const char *name, bool allow0,
                    const int64_t dflt[2], int64_t lo, int64_t hw[2])
{
	int64_t v[NN_ARG_MAX_ARRAY];
	int n = nn_arg_ints(b, arr, name, v);
	if (n < 0)
		return false;
	if (n > 2 || (n == 0 && !allow0)) {
		nn_fail(b, ACLNN_ERR_PARAM_INVALID, "%s has %d entries; it takes %s", name, n,
		        allow0 ? "0, 1 or 2" : "1 or 2");
		return false;
	}
	if (n == 0) {
		hw[0] = dflt[0];
		hw[1] = dflt[1];
		return true;
	}
	hw[0] = v[0];
	hw[1] = v[n - 1];
	for (int i = 0; i < 2; i++)
		if (hw[i] < lo) {
			nn_fail(b, ACLNN_ERR_PARAM_INVALID,
			        "%s holds %lld; entries must be >= %lld", name, (long long)hw[i],
			        (long long)lo);
			return false;
		}
	return true;
}

/* torch's rule: each padding at most half its window. */
static bool pad_half(nn_t *b, const int64_t pad[2], const int64_t k[2], const char *name)
{
	if (!nn_ok(b))
		return false;
	for (int i = 0; i < 2; i++)
		if (pad[i] > k[i] / 2) {
			nn_fail(b, ACLNN_ERR_PARAM_INVALID,
			        "%s [%lld, %lld] must be at most half the window [%lld, %lld]",
			        name, (long long)pad[0], (long long)pad[1], (long long)k[0],
			        (long long)k[1]);
			return false;
		}
	return true;
}

static weir_attrs_t *pool_attrs(nn_t *b, const int64_t k[2], const int64_t s[2],
                                const int64_t pads[4], bool ceil_mode)
{
	weir_attrs_t *a = NULL;
	if (weir_attrs_create(&a) || weir_attrs_set_ints(a, "ksize", k, 2) ||
	    weir_attrs_set_ints(a, "strides", s, 2) || weir_attrs_set_ints(a, "pads", pads, 4) ||
	    weir_attrs_set_int(a, "ceil_mode", ceil_mode)) {
		weir_attrs_destroy(a);
		nn_fail(b, ACLNN_ERR_INNER, "out of memory");
		return NULL;
	}
	return a;
}

ACLNN_API aclnnStatus aclnnMaxPool2dWithIndicesGetWorkspaceSize(
        const aclTensor *self, const aclIntArray *kernelSize, const aclIntArray *stride,
        const aclIntArray *padding, const aclIntArray *dilation, bool ceilMode, aclTensor *out,
        aclTensor *indices, uint64_t *workspaceSize, aclOpExecutor **executor)
{
	nn_t b;
	nn_begin(&b, "aclnnMaxPool2dWithIndices", workspaceSize, executor);
	nn_v x = nn_in(&b, self, "self");
	nn_v o = nn_out(&b, out, "out");
	nn_v oi = nn_out(&b, indices, "indices");
	int64_t k[2], s[2], p[2], d[2];
	static const int64_t none[2] = { 0, 0 };
	pool_hw(&b, kernelSize, "kernelSize", false, none, 1, k);
	if (nn_ok(&b))
		pool_hw(&b, stride, "stride", true, k, 1, s);
	pool_hw(&b, padding, "padding", false, none, 0, p);
	pool_hw(&b, dilation, "dilation", false, none, 1, d);
	if (nn_ok(&b) && (d[0] != 1 || d[1] != 1))
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID,
		        "dilation [%lld, %lld]: weir pools with dilation 1 only", (long long)d[0],
		        (long long)d[1]);
	pad_half(&b, p, k, "padding");
	bool r3;
	nn_v x4 = pool_in(&b, x, pool_float, &r3);
	same_dtype(&b, x, o, "out");
	static const int idx_types[] = { ACL_INT32, ACL_INT64, -1 };
	if (nn_ok(&b))
		nn_check_dtype(&b, nn_dtype(&b, oi), "indices", idx_types);
	if (!nn_ok(&b))
		return nn_finish(&b);
	weir_attrs_t *a = pool_attrs(&b, k, s, (int64_t[]){ p[0], p[0], p[1], p[1] }, ceilMode);
	nn_v res[2] = { NN_BAD, NN_BAD };
	if (a)
		nn_opv(&b, "MaxPool", a, 1, &x4, 2, res);
	weir_attrs_destroy(a);
	nn_store(&b, pool_out(&b, res[0], r3), o);
	nn_store(&b, pool_out(&b, res[1], r3), oi);
	return nn_finish(&b);
}
NN_DEFINE_RUN(aclnnMaxPool2dWithIndices)

/* ONNX-style lists of 0, 1, 2 or 4 entries. */
static int onnx_list(nn_t *b, const aclIntArray *arr, const char *name, int64_t v[NN_ARG_MAX_ARRAY])
{
	int n = nn_arg_ints(b, arr, name, v);
	if (n < 0)
		return -1;
	if (n == 3 || n > 4) {
		nn_fail(b, ACLNN_ERR_PARAM_INVALID, "%s has %d entries; it takes 0, 1, 2 or 4",
		        name, n);
		return -1;
	}
	return n;
}

ACLNN_API aclnnStatus aclnnMaxPoolGetWorkspaceSize(
        const aclTensor *self, const aclIntArray *kernelShape, const aclIntArray *strides,
        const int64_t autoPad, const aclIntArray *pads, const aclIntArray *dilations,
        const int64_t ceilMode, aclTensor *out, uint64_t *workspaceSize, aclOpExecutor **executor)
{
	nn_t b;
	nn_begin(&b, "aclnnMaxPool", workspaceSize, executor);
	nn_v x = nn_in(&b, self, "self");
	nn_v o = nn_out(&b, out, "out");
	int64_t k[2], s[2], pv[NN_ARG_MAX_ARRAY], dv[NN_ARG_MAX_ARRAY], gp[4] = { 0, 0, 0, 0 };
	static const int64_t none[2] = { 0, 0 }, ones[2] = { 1, 1 };
	pool_hw(&b, kernelShape, "kernelShape", false, none, 1, k);
	pool_hw(&b, strides, "strides", true, ones, 1, s);
	int np = onnx_list(&b, pads, "pads", pv);
	int nd = onnx_list(&b, dilations, "dilations", dv);
	if (nn_ok(&b) && autoPad != 0)
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID,
		        "autoPad is %lld; only 0 (NOTSET) is supported", (long long)autoPad);
	for (int i = 0; nn_ok(&b) && i < nd; i++)
		if (dv[i] != 1)
			nn_fail(&b, ACLNN_ERR_PARAM_INVALID, "dilations[%d] is %lld; it must be 1",
			        i, (long long)dv[i]);
	if (nn_ok(&b)) { /* ONNX [top, left, bottom, right] -> GE [top, bottom, left, right] */
		if (np == 1)
			gp[0] = gp[1] = gp[2] = gp[3] = pv[0];
		else if (np == 2)
			gp[0] = gp[1] = pv[0], gp[2] = gp[3] = pv[1];
		else if (np == 4)
			gp[0] = pv[0], gp[1] = pv[2], gp[2] = pv[1], gp[3] = pv[3];
		for (int i = 0; i < 4; i++)
			if (gp[i] < 0)
				nn_fail(&b, ACLNN_ERR_PARAM_INVALID, "pads must be >= 0");
		if (nn_ok(&b) && (gp[0] + gp[1] > k[0] || gp[2] + gp[3] > k[1]))
			nn_fail(&b, ACLNN_ERR_PARAM_INVALID,
			        "the pads of one axis sum to more than the window");
	}
	/* Small integers are exact in float32, so their maximum is pooled
	 * there and cast back. */
	static const int types[] = { ACL_FLOAT, ACL_FLOAT16, ACL_BF16,   ACL_INT8,
		                     ACL_UINT8, ACL_INT16,   ACL_UINT16, -1 };
	bool r3;
	nn_v x4 = pool_in(&b, x, types, &r3);
	same_dtype(&b, x, o, "out");
	if (!nn_ok(&b))
		return nn_finish(&b);
	int dt = nn_dtype(&b, x);
	weir_attrs_t *a = pool_attrs(&b, k, s, gp, ceilMode != 0);
	nn_v r = NN_BAD;
	if (a)
		r = nn_op(&b, "MaxPool", a, 1, nn_cast(&b, x4, nn_is_float(dt) ? dt : ACL_FLOAT));
	weir_attrs_destroy(a);
	nn_store(&b, pool_out(&b, nn_cast(&b, r, dt), r3), o);
	return nn_finish(&b);
}
NN_DEFINE_RUN(aclnnMaxPool)

ACLNN_API aclnnStatus aclnnAvgPool2dGetWorkspaceSize(
        const aclTensor *self, const aclIntArray *kernelSize, const aclIntArray *strides,
        const aclIntArray *paddings, const bool ceilMode, const bool countIncludePad,
        const int64_t divisorOverride, const int8_t cubeMathType, aclTensor *out,
        uint64_t *workspaceSize, aclOpExecutor **executor)
{
	nn_t b;
	nn_begin(&b, "aclnnAvgPool2d", workspaceSize, executor);
	nn_v x = nn_in(&b, self, "self");
	nn_v o = nn_out(&b, out, "out");
	int64_t k[2], s[2], p[2];
	static const int64_t none[2] = { 0, 0 };
	pool_hw(&b, kernelSize, "kernelSize", false, none, 1, k);
	if (nn_ok(&b))
		pool_hw(&b, strides, "strides", true, k, 1, s);
	pool_hw(&b, paddings, "paddings", false, none, 0, p);
	pad_half(&b, p, k, "paddings");
	nn_arg_cube_math(&b, cubeMathType, 0, 2);
	bool r3;
	nn_v x4 = pool_in(&b, x, pool_float, &r3);
	same_dtype(&b, x, o, "out");
	if (!nn_ok(&b))
		return nn_finish(&b);
	weir_attrs_t *a = pool_attrs(&b, k, s, (int64_t[]){ p[0], p[0], p[1], p[1] }, ceilMode);
	if (a && (weir_attrs_set_int(a, "exclusive", !countIncludePad) ||
	          weir_attrs_set_int(a, "divisor_override", divisorOverride)))
		nn_fail(&b, ACLNN_ERR_INNER, "out of memory");
	nn_v r = NN_BAD;
	if (a)
		r = nn_op(&b, "AvgPool", a, 1, x4);
	weir_attrs_destroy(a);
	nn_store(&b, pool_out(&b, r, r3), o);
	return nn_finish(&b);
}
NN_DEFINE_RUN(aclnnAvgPool2d)

/* The adaptive pools: outputSize of 2 entries >= lo. */
static weir_attrs_t *adaptive_attrs(nn_t *b, const aclIntArray *outputSize, int64_t lo)
{
	int64_t v[NN_ARG_MAX_ARRAY];
	int n = nn_arg_ints(b, outputSize, "outputSize", v);
	if (n < 0)
		return NULL;
	if (n != 2) {
		nn_fail(b, ACLNN_ERR_PARAM_INVALID, "outputSize has %d entries; it takes 2", n);
		return NULL;
	}
	if (v[0] < lo || v[1] < lo) {
		nn_fail(b, ACLNN_ERR_PARAM_INVALID, "outputSize [%lld, %lld] must be >= %lld",
		        (long long)v[0], (long long)v[1], (long long)lo);
		return NULL;
	}
	weir_attrs_t *a = NULL;
	if (weir_attrs_create(&a) || weir_attrs_set_ints(a, "output_size", v, 2)) {
		weir_attrs_destroy(a);
		nn_fail(b, ACLNN_ERR_INNER, "out of memory");
		return NULL;
	}
	return a;
}

ACLNN_API aclnnStatus aclnnAdaptiveAvgPool2dGetWorkspaceSize(const aclTensor *self,
                                                             const aclIntArray *outputSize,
                                                             aclTensor *out,
                                                             uint64_t *workspaceSize,
                                                             aclOpExecutor **executor)
{
	nn_t b;
	nn_begin(&b, "aclnnAdaptiveAvgPool2d", workspaceSize, executor);
	nn_v x = nn_in(&b, self, "self");
	nn_v o = nn_out(&b, out, "out");
	weir_attrs_t *a = adaptive_attrs(&b, outputSize, 1);
	bool r3;
	nn_v x4 = pool_in(&b, x, pool_float, &r3);
	same_dtype(&b, x, o, "out");
	nn_v r = nn_ok(&b) ? nn_op(&b, "AdaptiveAvgPool2d", a, 1, x4) : NN_BAD;
	weir_attrs_destroy(a);
	nn_store(&b, pool_out(&b, r, r3), o);
	return nn_finish(&b);
}
NN_DEFINE_RUN(aclnnAdaptiveAvgPool2d)

ACLNN_API aclnnStatus aclnnAdaptiveMaxPool2dGetWorkspaceSize(
        const aclTensor *self, const aclIntArray *outputSize, aclTensor *outputOut,
        aclTensor *indicesOut, uint64_t *workspaceSize, aclOpExecutor **executor)
{
	nn_t b;
	nn_begin(&b, "aclnnAdaptiveMaxPool2d", workspaceSize, executor);
	nn_v x = nn_in(&b, self, "self");
	nn_v o = nn_out(&b, outputOut, "outputOut");
	nn_v oi = nn_out(&b, indicesOut, "indicesOut");
	weir_attrs_t *a = adaptive_attrs(&b, outputSize, 1);
	bool r3;
	nn_v x4 = pool_in(&b, x, pool_float, &r3);
	same_dtype(&b, x, o, "outputOut");
	static const int idx_types[] = { ACL_INT64, -1 };
	if (nn_ok(&b))
		nn_check_dtype(&b, nn_dtype(&b, oi), "indicesOut", idx_types);
	nn_v res[2] = { NN_BAD, NN_BAD };
	if (nn_ok(&b))
		nn_opv(&b, "AdaptiveMaxPool2d", a, 1, &x4, 2, res);
	weir_attrs_destroy(a);
	nn_store(&b, pool_out(&b, res[0], r3), o);
	nn_store(&b, pool_out(&b, res[1], r3), oi);
	return nn_finish(&b);
}
NN_DEFINE_RUN(aclnnAdaptiveMaxPool2d)
