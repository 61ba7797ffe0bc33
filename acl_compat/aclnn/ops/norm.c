/*
 * acl_compat/aclnn/ops/norm.c - aclnnLayerNorm, aclnnRmsNorm, aclnnBatchNorm
 * and aclnnGroupNorm (aclnnop/aclnn_layer_norm.h, aclnn_rms_norm.h,
 * aclnn_batch_norm.h, aclnn_group_norm.h), onto the op library's LayerNorm,
 * RMSNorm, BatchNorm and GroupNorm (training BatchNorm adds ReduceMean, Sub,
 * Mul, Add and Rsqrt for the batch statistics and the running update).
 *
 * The ops take one dtype for every input: the inputs are cast to the
 * promotion of their dtypes (float32 when a statistics output is asked
 * for, so mean/rstd are not rounded to 16 bits), and each result is cast
 * to its output's dtype. A missing weight is ones and a missing bias zeros.
 */
#include <stdlib.h>

#include "acl_compat/aclnn/nn.h"
#include "aclnnop/aclnn_batch_norm.h"
#include "aclnnop/aclnn_group_norm.h"
#include "aclnnop/aclnn_layer_norm.h"
#include "aclnnop/aclnn_rms_norm.h"

static const int norm_fl[] = { ACL_FLOAT, ACL_FLOAT16, ACL_BF16, -1 };

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

/* The compute dtype of vals[0..n) (NN_NONE skipped; each must be a float):
 * their promotion, or float32 when `stats`. -1 after recording 161002. */
static int norm_dtype(nn_t *b, const nn_v *vals, const char *const *names, uint32_t n, bool stats)
{
	int dt = WEIR_DT_UNDEFINED;
	for (uint32_t i = 0; i < n && nn_ok(b); i++) {
		if (vals[i] == NN_NONE)
			continue;
		if (!nn_check_dtype(b, nn_dtype(b, vals[i]), names[i], norm_fl))
			return -1;
		dt = nn_promote(dt, nn_dtype(b, vals[i]));
	}
	if (!nn_ok(b))
		return -1;
	return stats ? ACL_FLOAT : dt;
}

/* v cast to dt, or a [n] constant `fill` of dt when v is absent. */
static nn_v param(nn_t *b, nn_v v, int dt, int64_t n, double fill)
{
	if (v != NN_NONE)
		return nn_cast(b, v, dt);
	return nn_expand(b, nn_const_f(b, dt, fill), 1, &n, "a default parameter");
}

/* v is 1-D of length n (161002 naming it otherwise); NN_NONE passes. */
static void check_vec(nn_t *b, nn_v v, int64_t n, const char *name)
{
	const weir_tensor_desc_t *d = nn_desc(b, v);
	if (!nn_ok(b) || v == NN_NONE || !d)
		return;
	if (d->rank != 1 || d->dims[0] != n)
		nn_fail(b, ACLNN_ERR_PARAM_INVALID, "%s must be 1-D of length %lld", name,
		        (long long)n);
}

/* Store statistic r into optional output o, reshaped to o's dims when the
 * element counts agree (a [A] where the op gives [A, 1]). */
static void store_stat(nn_t *b, nn_v r, nn_v o)
{
	if (!nn_ok(b) || o == NN_NONE)
		return;
	const weir_tensor_desc_t *rd = nn_desc(b, r), *od = nn_desc(b, o);
	if (rd && od && weir_tensor_desc_numel(rd) == weir_tensor_desc_numel(od)) {
		weir_tensor_desc_t want = *od; /* nn_reshape may move the values */
		r = nn_reshape(b, r, want.rank, want.dims);
	}
	nn_store(b, r, o);
}

/* ------------------------------------------------------------------------ */
/* LayerNorm, RmsNorm                                                         */
/* ------------------------------------------------------------------------ */

ACLNN_API aclnnStatus aclnnLayerNormGetWorkspaceSize(
        const aclTensor *input, const aclIntArray *normalizedShape, const aclTensor *weightOptional,
        const aclTensor *biasOptional, double eps, aclTensor *out, aclTensor *meanOutOptional,
        aclTensor *rstdOutOptional, uint64_t *workspaceSize, aclOpExecutor **executor)
{
	nn_t b;
	nn_begin(&b, "aclnnLayerNorm", workspaceSize, executor);
	nn_v x = nn_in(&b, input, "input");
	nn_v w = nn_in_opt(&b, weightOptional, "weightOptional");
	nn_v bi = nn_in_opt(&b, biasOptional, "biasOptional");
	nn_v o = nn_out(&b, out, "out");
	nn_v mo = nn_out_opt(&b, meanOutOptional, "meanOutOptional");
	nn_v ro = nn_out_opt(&b, rstdOutOptional, "rstdOutOptional");
	if (nn_ok(&b) && !normalizedShape)
		nn_fail(&b, ACLNN_ERR_PARAM_NULLPTR, "normalizedShape is NULL");
	if (!nn_ok(&b))
		return nn_finish(&b);
	int64_t *ns = NULL;
	uint64_t k = 0;
	if (nn_int_array_get(normalizedShape, &ns, &k) != ACLNN_SUCCESS) {
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID, "normalizedShape %p is not a live aclIntArray",
		        (const void *)normalizedShape);
		return nn_finish(&b);
	}
	const weir_tensor_desc_t xdesc = *nn_desc(&b, x), *xd = &xdesc;
	uint32_t rank = xd->rank;
	bool match = k >= 1 && k <= rank;
	int64_t n = 1;
	for (uint64_t i = 0; match && i < k; i++) {
		match = ns[i] == xd->dims[rank - k + i];
		n *= ns[i];
	}
	free(ns);
	if (!match) {
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID,
		        "normalizedShape (%llu dims) must equal the last dims of input (rank %u)",
		        (unsigned long long)k, rank);
		return nn_finish(&b);
	}
	uint32_t axis = rank - (uint32_t)k;
	const char *names[] = { "input", "weightOptional", "biasOptional" };
	nn_v vals[] = { x, w, bi };
	bool stats = mo != NN_NONE || ro != NN_NONE;
	int cdt = norm_dtype(&b, vals, names, 3, stats);
	for (int i = 1; i < 3 && nn_ok(&b); i++) {
		const weir_tensor_desc_t *pd = nn_desc(&b, vals[i]);
		bool ok = !pd || pd->rank == k;
		for (uint32_t j = 0; pd && ok && j < k; j++)
			ok = pd->dims[j] == xd->dims[axis + j];
		if (!ok)
			nn_fail(&b, ACLNN_ERR_PARAM_INVALID,
			        "%s must have the shape normalizedShape", names[i]);
	}
	if (!nn_ok(&b))
		return nn_finish(&b);
	nn_v gamma = param(&b, w, cdt, n, 1.0);
	nn_v beta = bi == NN_NONE ? NN_NONE : nn_cast(&b, bi, cdt);
	weir_attrs_t *a = attrs_new(&b);
	if (!a)
		return nn_finish(&b);
	attrs_check(&b, weir_attrs_set_int(a, "axis", axis));
	attrs_check(&b, weir_attrs_set_float(a, "epsilon", (float)eps));
	nn_v ins[3] = { nn_cast(&b, x, cdt), gamma, beta }, outs[3];
	nn_opv(&b, "LayerNorm", a, 3, ins, stats ? 3 : 1, outs);
	weir_attrs_destroy(a);
	if (!nn_ok(&b))
		return nn_finish(&b);
	nn_store(&b, outs[0], o);
	if (stats) {
		store_stat(&b, outs[1], mo);
		store_stat(&b, outs[2], ro);
	}
	return nn_finish(&b);
}
NN_DEFINE_RUN(aclnnLayerNorm)

ACLNN_API aclnnStatus aclnnRmsNormGetWorkspaceSize(const aclTensor *x, const aclTensor *gamma,
                                                   double epsilon, const aclTensor *yOut,
                                                   const aclTensor *rstdOut,
                                                   uint64_t *workspaceSize,
                                                   aclOpExecutor **executor)
{
	nn_t b;
	nn_begin(&b, "aclnnRmsNorm", workspaceSize, executor);
	nn_v xv = nn_in(&b, x, "x");
	nn_v g = nn_in(&b, gamma, "gamma");
	nn_v o = nn_out(&b, yOut, "yOut");
	nn_v ro = nn_out_opt(&b, rstdOut, "rstdOut");
	if (!nn_ok(&b))
		return nn_finish(&b);
	const weir_tensor_desc_t xdesc = *nn_desc(&b, xv), gdesc = *nn_desc(&b, g);
	const weir_tensor_desc_t *xd = &xdesc, *gd = &gdesc;
	bool match = gd->rank >= 1 && gd->rank <= xd->rank;
	for (uint32_t j = 0; match && j < gd->rank; j++)
		match = gd->dims[j] == xd->dims[xd->rank - gd->rank + j];
	if (!match) {
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID, "gamma's shape must equal the last dims of x");
		return nn_finish(&b);
	}
	uint32_t axis = xd->rank - gd->rank;
	const char *names[] = { "x", "gamma" };
	nn_v vals[] = { xv, g };
	bool stats = ro != NN_NONE;
	int cdt = norm_dtype(&b, vals, names, 2, stats);
	weir_attrs_t *a = attrs_new(&b);
	if (!a)
		return nn_finish(&b);
	attrs_check(&b, weir_attrs_set_int(a, "axis", axis));
	attrs_check(&b, weir_attrs_set_float(a, "epsilon", (float)epsilon));
	nn_v ins[2] = { nn_cast(&b, xv, cdt), nn_cast(&b, g, cdt) }, outs[2];
	nn_opv(&b, "RMSNorm", a, 2, ins, stats ? 2 : 1, outs);
	weir_attrs_destroy(a);
	if (!nn_ok(&b))
		return nn_finish(&b);
	nn_store(&b, outs[0], o);
	if (stats)
		store_stat(&b, outs[1], ro);
	return nn_finish(&b);
}
NN_DEFINE_RUN(aclnnRmsNorm)

/* ------------------------------------------------------------------------ */
/* BatchNorm                                                                  */
/* ------------------------------------------------------------------------ */

/* a * s + c * t, with s and t float32 constants. */
static nn_v lerp(nn_t *b, nn_v a, double s, nn_v c, double t)
{
	nn_v l = nn_op(b, "Mul", NULL, 2, a, nn_const_f(b, ACL_FLOAT, s));
	nn_v r = nn_op(b, "Mul", NULL, 2, c, nn_const_f(b, ACL_FLOAT, t));
	return nn_op(b, "Add", NULL, 2, l, r);
}

ACLNN_API aclnnStatus aclnnBatchNormGetWorkspaceSize(const aclTensor *input,
                                                     const aclTensor *weight, const aclTensor *bias,
                                                     aclTensor *runningMean, aclTensor *runningVar,
                                                     bool training, double momentum, double eps,
                                                     aclTensor *output, aclTensor *saveMean,
                                                     aclTensor *saveInvstd, uint64_t *workspaceSize,
                                                     aclOpExecutor **executor)
{
	nn_t b;
	nn_begin(&b, "aclnnBatchNorm", workspaceSize, executor);
	nn_v x = nn_in(&b, input, "input");
	nn_v w = nn_in_opt(&b, weight, "weight");
	nn_v bi = nn_in_opt(&b, bias, "bias");
	nn_v rm = nn_in_opt(&b, runningMean, "runningMean");
	nn_v rv = nn_in_opt(&b, runningVar, "runningVar");
	nn_v o = nn_out(&b, output, "output");
	nn_v sm = training ? nn_out(&b, saveMean, "saveMean") : NN_NONE;
	nn_v si = training ? nn_out(&b, saveInvstd, "saveInvstd") : NN_NONE;
	/* training writes the running statistics back */
	nn_v rmo = training && rm != NN_NONE ? nn_out(&b, runningMean, "runningMean") : NN_NONE;
	nn_v rvo = training && rv != NN_NONE ? nn_out(&b, runningVar, "runningVar") : NN_NONE;
	if (!nn_ok(&b))
		return nn_finish(&b);
	const weir_tensor_desc_t xdesc = *nn_desc(&b, x), *xd = &xdesc;
	uint32_t rank = xd->rank;
	if (rank < 2) {
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID, "input has rank %u; BatchNorm needs 2 to 8",
		        rank);
		return nn_finish(&b);
	}
	int64_t c = xd->dims[1];
	check_vec(&b, w, c, "weight");
	check_vec(&b, bi, c, "bias");
	check_vec(&b, rm, c, "runningMean");
	check_vec(&b, rv, c, "runningVar");
	if (training) {
		check_vec(&b, sm, c, "saveMean");
		check_vec(&b, si, c, "saveInvstd");
	}
	const char *names[] = { "input", "weight", "bias", "runningMean", "runningVar" };
	nn_v vals[] = { x, w, bi, rm, rv };
	int cdt = norm_dtype(&b, vals, names, 5, training);
	if (!nn_ok(&b))
		return nn_finish(&b);
	weir_attrs_t *a = attrs_new(&b);
	if (!a)
		return nn_finish(&b);
	attrs_check(&b, weir_attrs_set_float(a, "epsilon", (float)eps));
	nn_v xc = nn_cast(&b, x, cdt);
	nn_v scale = param(&b, w, cdt, c, 1.0), offset = param(&b, bi, cdt, c, 0.0);
	if (!training) {
		nn_v mean = param(&b, rm, cdt, c, 0.0), var = param(&b, rv, cdt, c, 1.0);
		nn_v y = nn_op(&b, "BatchNorm", a, 5, xc, scale, offset, mean, var);
		weir_attrs_destroy(a);
		nn_store(&b, y, o);
		return nn_finish(&b);
	}
	/* Training: the batch's mean and biased variance per channel. */
	int64_t per = c ? weir_tensor_desc_numel(xd) / c : 0;
	if (per < 2) {
		weir_attrs_destroy(a);
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID,
		        "training needs more than one value per channel; input has %lld",
		        (long long)per);
		return nn_finish(&b);
	}
	int64_t axes[WEIR_MAX_RANK], bdims[WEIR_MAX_RANK];
	uint32_t na = 0;
	for (uint32_t k = 0; k < rank; k++) {
		if (k != 1)
			axes[na++] = k;
		bdims[k] = k == 1 ? c : 1;
	}
	weir_attrs_t *ra = attrs_new(&b);
	if (!ra) {
		weir_attrs_destroy(a);
		return nn_finish(&b);
	}
	attrs_check(&b, weir_attrs_set_ints(ra, "axes", axes, na));
	nn_v mean = nn_op(&b, "ReduceMean", ra, 1, xc);
	nn_v dev = nn_op(&b, "Sub", NULL, 2, xc, nn_reshape(&b, mean, rank, bdims));
	nn_v var = nn_op(&b, "ReduceMean", ra, 1, nn_op(&b, "Mul", NULL, 2, dev, dev));
	weir_attrs_destroy(ra);
	nn_v y = nn_op(&b, "BatchNorm", a, 5, xc, scale, offset, mean, var);
	weir_attrs_destroy(a);
	nn_v inv = nn_op(&b, "Rsqrt", NULL, 1,
	                 nn_op(&b, "Add", NULL, 2, var, nn_const_f(&b, ACL_FLOAT, eps)));
	nn_v nrm = NN_NONE, nrv = NN_NONE;
	if (rm != NN_NONE)
		nrm = lerp(&b, nn_cast(&b, rm, ACL_FLOAT), 1.0 - momentum, mean, momentum);
	if (rv != NN_NONE)
		nrv = lerp(&b, nn_cast(&b, rv, ACL_FLOAT), 1.0 - momentum, var,
		           momentum * (double)per / (double)(per - 1));
	nn_store(&b, y, o);
	nn_store(&b, mean, sm);
	nn_store(&b, inv, si);
	if (rmo != NN_NONE)
		nn_store(&b, nrm, rmo);
	if (rvo != NN_NONE)
		nn_store(&b, nrv, rvo);
	return nn_finish(&b);
}
NN_DEFINE_RUN(aclnnBatchNorm)

/* ------------------------------------------------------------------------ */
/* GroupNorm                                                                  */
/* ------------------------------------------------------------------------ */

ACLNN_API aclnnStatus aclnnGroupNormGetWorkspaceSize(const aclTensor *self, const aclTensor *gamma,
                                                     const aclTensor *beta, int64_t N, int64_t C,
                                                     int64_t HxW, int64_t group, double eps,
                                                     aclTensor *out, aclTensor *meanOut,
                                                     aclTensor *rstdOut, uint64_t *workspaceSize,
                                                     aclOpExecutor **executor)
{
	nn_t b;
	nn_begin(&b, "aclnnGroupNorm", workspaceSize, executor);
	nn_v x = nn_in(&b, self, "self");
	nn_v g = nn_in_opt(&b, gamma, "gamma");
	nn_v be = nn_in_opt(&b, beta, "beta");
	nn_v o = nn_out(&b, out, "out");
	nn_v mo = nn_out_opt(&b, meanOut, "meanOut");
	nn_v ro = nn_out_opt(&b, rstdOut, "rstdOut");
	if (!nn_ok(&b))
		return nn_finish(&b);
	const weir_tensor_desc_t xdesc = *nn_desc(&b, x), *xd = &xdesc;
	int64_t hw = 1;
	for (uint32_t k = 2; k < xd->rank; k++)
		hw *= xd->dims[k];
	if (xd->rank < 2 || xd->dims[0] != N || xd->dims[1] != C || hw != HxW) {
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID,
		        "self (rank %u) does not have N = %lld, C = %lld and HxW = %lld", xd->rank,
		        (long long)N, (long long)C, (long long)HxW);
		return nn_finish(&b);
	}
	if (group < 1 || C % group != 0) {
		nn_fail(&b, ACLNN_ERR_PARAM_INVALID, "group %lld must be >= 1 and divide C = %lld",
		        (long long)group, (long long)C);
		return nn_finish(&b);
	}
	check_vec(&b, g, C, "gamma");
	check_vec(&b, be, C, "beta");
	const char *names[] = { "self", "gamma", "beta" };
	nn_v vals[] = { x, g, be };
	bool stats = mo != NN_NONE || ro != NN_NONE;
	int cdt = norm_dtype(&b, vals, names, 3, stats);
	if (!nn_ok(&b))
		return nn_finish(&b);
	weir_attrs_t *a = attrs_new(&b);
	if (!a)
		return nn_finish(&b);
	attrs_check(&b, weir_attrs_set_int(a, "num_groups", group));
	attrs_check(&b, weir_attrs_set_float(a, "epsilon", (float)eps));
	nn_v ins[3] = { nn_cast(&b, x, cdt), param(&b, g, cdt, C, 1.0),
		        param(&b, be, cdt, C, 0.0) };
	nn_v outs[3];
	nn_opv(&b, "GroupNorm", a, 3, ins, stats ? 3 : 1, outs);
	weir_attrs_destroy(a);
	if (!nn_ok(&b))
		return nn_finish(&b);
	nn_store(&b, outs[0], o);
	if (stats) {
		store_stat(&b, outs[1], mo);
		store_stat(&b, outs[2], ro);
	}
	return nn_finish(&b);
}
NN_DEFINE_RUN(aclnnGroupNorm)
