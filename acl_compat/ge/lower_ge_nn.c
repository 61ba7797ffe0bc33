/*
 * acl_compat/ge/lower_ge_nn.c - GE IR lowering rules for matmul, norms,
 * convolution and pooling (lower_ge.h).
 *
 * Layouts: the op library's Conv2D/MaxPool/AvgPool/BatchNorm are NCHW; a GE
 * node in NHWC (GE's default for Conv2D, MaxPool, AvgPool, BiasAdd,
 * BatchNorm) is lowered as Transpose(NHWC->NCHW), the op, Transpose back.
 * The front end hands rules tensor descs without formats, so a Conv2D
 * filter is taken to be laid out as data_format says (NCHW: [O, C/g, kH,
 * kW]; NHWC: [O, kH, kW, C/g]) unless the node carries the string attr
 * "filter_format" ("NCHW", "NHWC" or "HWCN"), which the GE converter sets
 * from the filter's TensorDesc format. DepthwiseConv2D's filter is HWCN
 * [kH, kW, C, M] (output channel c*M + m) for NHWC, NCHW [M, C, kH, kW]
 * for NCHW, or as filter_format says.
 */
#include <string.h>
#include "acl_compat/ge/lower_ge.h"

static const int64_t to_nchw[4] = { 0, 3, 1, 2 }, to_nhwc[4] = { 0, 2, 3, 1 };

/* x [N, C, ...] with weight [C] (or 1 element): weight reshaped to [C, 1..]. */
int ge_rule_prelu(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	int x, w, y, rc = ge_in(L, n, 0, &x);
	if (!rc)
		rc = ge_in(L, n, 1, &w);
	if (rc)
		return rc;
	const weir_tensor_desc_t *xd = lw_desc(L, x), *wd = lw_desc(L, w);
	if (xd->rank > 2 && wd->rank == 1 && wd->dims[0] > 1) {
		int64_t dims[WEIR_MAX_RANK] = { wd->dims[0] };
		for (uint32_t i = 1; i + 1 < xd->rank; i++)
			dims[i] = 1;
		if ((rc = lw_reshape(L, n, w, dims, xd->rank - 1, &w)))
			return rc;
	}
	rc = lw_op2(L, n, "PRelu", x, w, NULL, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* The matrix products' common lowering: inputs x1, x2, [bias], [offset_w]
 * (offset_w refused) with the two transpose attrs named ta/tb and offset_x
 * (only 0). `batch`: always BatchMatMul with the bias added after (GE's
 * batched bias broadcasts against y); otherwise MatMul for two 2-D inputs,
 * and only a bias that is not 1-D is added after (the op takes 1-D). */
static int ge_matmul_common(lw_t *L, const lw_node_t *n, const char *ta_name, const char *tb_name,
                            bool bias_port, bool offset_w_port, bool batch)
{
	bool ta, tb;
	int64_t offx;
	int in[3], y;
	uint32_t nin = 2;
	int rc = ge_in(L, n, 0, &in[0]);
	if (!rc)
		rc = ge_in(L, n, 1, &in[1]);
	if (!rc)
		rc = ge_bool(L, n, ta_name, false, &ta);
	if (!rc)
		rc = ge_bool(L, n, tb_name, false, &tb);
	if (!rc)
		rc = ge_int(L, n, "offset_x", 0, &offx);
	if (rc)
		return rc;
	if (bias_port && lw_in(L, n, 2) >= 0)
		in[nin++] = lw_in(L, n, 2);
	if (offset_w_port && lw_in(L, n, 3) >= 0)
		return lw_fail(L, n, WEIR_ENOTSUP,
		               "input offset_w (quantized weights) is not supported");
	if (offx != 0)
		return lw_fail(L, n, WEIR_ENOTSUP, "attr offset_x=%lld is not supported (only 0)",
		               (long long)offx);
	const weir_tensor_desc_t *a = lw_desc(L, in[0]), *b = lw_desc(L, in[1]);
	const char *op = !batch && a->rank == 2 && b->rank == 2 ? "MatMul" : "BatchMatMul";
	int bias = -1;
	if (nin == 3 && (batch || lw_desc(L, in[2])->rank != 1))
		bias = in[--nin];
	weir_attrs_t *at = ge_attrs(L);
	if (!at || weir_attrs_set_bool(at, "transpose_a", ta) ||
	    weir_attrs_set_bool(at, "transpose_b", tb))
		return ge_oom(L, n);
	rc = lw_op(L, n, op, in, nin, at, 1, &y);
	if (!rc && bias >= 0)
		rc = lw_op2(L, n, "Add", y, bias, NULL, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* MatMul(x1, x2, [bias]; transpose_x1, transpose_x2);
 * MatMulV2(x1, x2, [bias], [offset_w]; transpose_x1, transpose_x2, offset_x). */
int ge_rule_matmul(lw_t *L, const lw_node_t *n, const char *arg)
{
	return ge_matmul_common(L, n, "transpose_x1", "transpose_x2", true,
	                        !strcmp(arg, "MatMulV2"), false);
}

/* BatchMatMul(x1, x2; adj_x1, adj_x2);
 * BatchMatMulV2(x1, x2, [bias], [offset_w]; adj_x1, adj_x2, offset_x). */
int ge_rule_batchmatmul(lw_t *L, const lw_node_t *n, const char *arg)
{
	bool v2 = !strcmp(arg, "BatchMatMulV2");
	return ge_matmul_common(L, n, "adj_x1", "adj_x2", v2, v2, true);
}

/* Channel dim for a data_format string: last for N..C, 1 for NC... */
static int ge_channel_last(lw_t *L, const lw_node_t *n, const char *fmt, bool *last)
{
	if (!strcmp(fmt, "NHWC") || !strcmp(fmt, "NDHWC") || !strcmp(fmt, "ND") ||
	    !strcmp(fmt, "NWC")) {
		*last = true;
		return WEIR_OK;
	}
	if (!strcmp(fmt, "NCHW") || !strcmp(fmt, "NCDHW") || !strcmp(fmt, "NCW")) {
		*last = false;
		return WEIR_OK;
	}
	return lw_fail(L, n, WEIR_ENOTSUP, "attr data_format=\"%s\" is not supported", fmt);
}

/* BiasAdd(x, bias; data_format "NHWC"). */
int ge_rule_biasadd(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	const char *fmt;
	bool last = true;
	int x, b, y, rc = ge_in(L, n, 0, &x);
	if (!rc)
		rc = ge_in(L, n, 1, &b);
	if (!rc)
		rc = ge_str(L, n, "data_format", "NHWC", &fmt);
	if (!rc)
		rc = ge_channel_last(L, n, fmt, &last);
	if (rc)
		return rc;
	const weir_tensor_desc_t *xd = lw_desc(L, x), *bd = lw_desc(L, b);
	if (!last && xd->rank > 2 && bd->rank == 1) {
		int64_t dims[WEIR_MAX_RANK] = { bd->dims[0] };
		for (uint32_t i = 1; i + 1 < xd->rank; i++)
			dims[i] = 1;
		if ((rc = lw_reshape(L, n, b, dims, xd->rank - 1, &b)))
			return rc;
	}
	rc = lw_op2(L, n, "Add", x, b, NULL, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* SoftmaxV2(x; axes {-1}, half_to_float false), LogSoftmaxV2(logits; axes). */
int ge_rule_softmax(lw_t *L, const lw_node_t *n, const char *arg)
{
	static const int64_t dflt[1] = { -1 };
	const int64_t *axes;
	size_t na;
	bool h2f;
	int x, y, rc = ge_in(L, n, 0, &x);
	if (!rc)
		rc = ge_ints(L, n, "axes", dflt, 1, &axes, &na);
	if (!rc)
		rc = ge_bool(L, n, "half_to_float", false, &h2f);
	if (rc)
		return rc;
	if (na != 1)
		return lw_fail(L, n, WEIR_ENOTSUP,
		               "attr axes with %zu entries is not supported "
		               "(one axis only)",
		               na);
	if (h2f && (rc = lw_cast(L, n, x, WEIR_DT_FLOAT, &x)))
		return rc;
	weir_attrs_t *a = ge_attrs(L);
	if (!a || weir_attrs_set_int(a, "axis", axes[0]))
		return ge_oom(L, n);
	rc = lw_op1(L, n, arg, x, a, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* LayerNorm(x, gamma, beta -> y, mean, variance; begin_norm_axis 0,
 * begin_params_axis 0, epsilon 1e-7). The op gives (y, mean, rstd); GE's
 * variance is computed as mean((x - mean)^2) over the normalized dims. */
int ge_rule_layernorm(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	int64_t bna, bpa, axis, paxis;
	float eps;
	int in[3], out[3];
	int rc = ge_in(L, n, 0, &in[0]);
	if (!rc)
		rc = ge_in(L, n, 1, &in[1]);
	if (!rc)
		rc = ge_in(L, n, 2, &in[2]);
	if (!rc)
		rc = ge_int(L, n, "begin_norm_axis", 0, &bna);
	if (!rc)
		rc = ge_int(L, n, "begin_params_axis", 0, &bpa);
	if (!rc)
		rc = ge_float(L, n, "epsilon", 1e-7f, &eps);
	const weir_tensor_desc_t *xd = lw_desc(L, in[0]);
	if (!rc)
		rc = ge_axis(L, n, "begin_norm_axis", bna, xd->rank, &axis);
	if (!rc)
		rc = ge_axis(L, n, "begin_params_axis", bpa, xd->rank, &paxis);
	if (rc)
		return rc;
	if (paxis != axis) {
		/* gamma spans x.shape[paxis:]; fine when the extra dims are 1. */
		for (int64_t i = paxis; i < axis; i++)
			if (xd->dims[i] != 1)
				return lw_fail(L, n, WEIR_ENOTSUP,
				               "begin_params_axis=%lld differs from "
				               "begin_norm_axis=%lld",
				               (long long)bpa, (long long)bna);
	}
	weir_attrs_t *a = ge_attrs(L);
	if (!a || weir_attrs_set_int(a, "axis", axis) || weir_attrs_set_float(a, "epsilon", eps))
		return ge_oom(L, n);
	bool stats = lw_nout(n) > 1;
	rc = lw_op(L, n, "LayerNorm", in, 3, a, stats ? 3 : 1, out);
	if (!rc)
		rc = lw_out(L, n, 0, out[0]);
	if (rc || !stats)
		return rc;
	rc = lw_out(L, n, 1, out[1]);
	int d, sq, var;
	if (!rc)
		rc = lw_op2(L, n, "Sub", in[0], out[1], NULL, &d);
	if (!rc)
		rc = lw_op2(L, n, "Mul", d, d, NULL, &sq);
	int64_t axes[WEIR_MAX_RANK];
	uint32_t nax = 0;
	for (int64_t i = axis; i < (int64_t)xd->rank; i++)
		axes[nax++] = i;
	weir_attrs_t *r = ge_attrs(L);
	if (!r || weir_attrs_set_ints(r, "axes", axes, nax) ||
	    weir_attrs_set_bool(r, "keep_dims", 1))
		return ge_oom(L, n);
	if (!rc)
		rc = lw_op1(L, n, "ReduceMean", sq, r, &var);
	return rc ? rc : lw_out(L, n, 2, var);
}

/* RmsNorm(x, gamma -> y, rstd; epsilon 1e-6): normalizes over gamma's dims
 * (the last rank(gamma) dims of x); rstd is float32. */
int ge_rule_rmsnorm(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	float eps;
	int in[2], out[2];
	int rc = ge_in(L, n, 0, &in[0]);
	if (!rc)
		rc = ge_in(L, n, 1, &in[1]);
	if (!rc)
		rc = ge_float(L, n, "epsilon", 1e-6f, &eps);
	if (rc)
		return rc;
	int64_t axis = (int64_t)ge_rank(L, in[0]) - ge_rank(L, in[1]);
	if (axis < 0 || ge_rank(L, in[1]) == 0)
		return lw_fail(L, n, WEIR_ESHAPE, "gamma's rank must be in [1, rank(x)]");
	weir_attrs_t *a = ge_attrs(L);
	if (!a || weir_attrs_set_int(a, "axis", axis) || weir_attrs_set_float(a, "epsilon", eps))
		return ge_oom(L, n);
	bool stats = lw_nout(n) > 1;
	rc = lw_op(L, n, "RMSNorm", in, 2, a, stats ? 2 : 1, out);
	if (!rc)
		rc = lw_out(L, n, 0, out[0]);
	if (!rc && stats && (rc = lw_cast(L, n, out[1], WEIR_DT_FLOAT, &out[1])) == 0)
		rc = lw_out(L, n, 1, out[1]);
	return rc;
}

/* BNInfer(x, scale, offset, mean, variance; REQUIRED epsilon): NCHW. */
int ge_rule_bninfer(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	float eps;
	int in[5], y, rc = WEIR_OK;
	for (uint32_t i = 0; i < 5 && !rc; i++)
		rc = ge_in(L, n, i, &in[i]);
	if (!rc)
		rc = ge_need(L, n, "epsilon");
	if (!rc)
		rc = ge_float(L, n, "epsilon", 0, &eps);
	if (rc)
		return rc;
	weir_attrs_t *a = ge_attrs(L);
	if (!a || weir_attrs_set_float(a, "epsilon", eps))
		return ge_oom(L, n);
	rc = lw_op(L, n, "BatchNorm", in, 5, a, 1, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* BatchNorm(x, scale, offset, [mean], [variance] -> y, batch_mean,
 * batch_variance, reserve_space_1, reserve_space_2; epsilon 1e-4,
 * data_format "NHWC", is_training true). Inference only: the statistics
 * outputs are the given mean and variance (TensorFlow's inference form). */
int ge_rule_batchnorm(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	float eps;
	bool train;
	const char *fmt;
	int in[5], y, rc = WEIR_OK;
	for (uint32_t i = 0; i < 3 && !rc; i++)
		rc = ge_in(L, n, i, &in[i]);
	if (!rc)
		rc = ge_float(L, n, "epsilon", 1e-4f, &eps);
	if (!rc)
		rc = ge_bool(L, n, "is_training", true, &train);
	if (!rc)
		rc = ge_str(L, n, "data_format", "NHWC", &fmt);
	if (rc)
		return rc;
	if (train)
		return lw_fail(L, n, WEIR_ENOTSUP,
		               "attr is_training=true is not supported "
		               "(inference only: set is_training false)");
	in[3] = lw_in(L, n, 3);
	in[4] = lw_in(L, n, 4);
	if (in[3] < 0 || in[4] < 0)
		return lw_fail(L, n, WEIR_EINVAL, "inference needs inputs mean and variance");
	bool nhwc = !strcmp(fmt, "NHWC");
	if (!nhwc && strcmp(fmt, "NCHW"))
		return lw_fail(L, n, WEIR_ENOTSUP, "attr data_format=\"%s\" is not supported", fmt);
	int x = in[0];
	if (nhwc && ge_rank(L, x) != 4)
		return lw_fail(L, n, WEIR_ESHAPE, "NHWC x must have rank 4");
	if (nhwc && (rc = ge_transpose(L, n, x, to_nchw, 4, &in[0])))
		return rc;
	weir_attrs_t *a = ge_attrs(L);
	if (!a || weir_attrs_set_float(a, "epsilon", eps))
		return ge_oom(L, n);
	rc = lw_op(L, n, "BatchNorm", in, 5, a, 1, &y);
	if (!rc && nhwc)
		rc = ge_transpose(L, n, y, to_nhwc, 4, &y);
	if (!rc)
		rc = lw_out(L, n, 0, y);
	for (uint32_t j = 1; j < 5 && !rc; j++)
		rc = lw_out(L, n, j, in[(j % 2) ? 3 : 4]);
	return rc;
}

/* [h, w] of a 4-entry list in format order, or of a 2-entry list; the N and
 * C entries must be 1 (what: the attr name). */
static int ge_hw(lw_t *L, const lw_node_t *n, const char *what, const int64_t *v, size_t cnt,
                 bool nhwc, int64_t hw[2])
{
	if (cnt == 2) {
		hw[0] = v[0];
		hw[1] = v[1];
	} else if (cnt == 4) {
		int64_t nn = v[0], c = nhwc ? v[3] : v[1];
		hw[0] = nhwc ? v[1] : v[2];
		hw[1] = nhwc ? v[2] : v[3];
		if (nn != 1 || c != 1)
			return lw_fail(L, n, WEIR_ENOTSUP,
			               "attr %s with N or C entries other than 1 is not supported",
			               what);
	} else {
		return lw_fail(L, n, WEIR_EINVAL, "attr %s has %zu entries (4 expected)", what,
		               cnt);
	}
	if (hw[0] < 1 || hw[1] < 1)
		return lw_fail(L, n, WEIR_EINVAL, "attr %s entries must be >= 1", what);
	return WEIR_OK;
}

/* TensorFlow SAME padding for one dim: pads[0] before, pads[1] after. */
static void ge_same_pad(int64_t in, int64_t k, int64_t s, int64_t d, int64_t pads[2])
{
	int64_t out = (in + s - 1) / s, eff = (k - 1) * d + 1;
	int64_t total = (out - 1) * s + eff - in;
	if (total < 0)
		total = 0;
	pads[0] = total / 2;
	pads[1] = total - total / 2;
}

static int ge_format(lw_t *L, const lw_node_t *n, const char *dflt, bool *nhwc)
{
	const char *fmt;
	int rc = ge_str(L, n, "data_format", dflt, &fmt);
	if (rc)
		return rc;
	if (!strcmp(fmt, "NHWC") || !strcmp(fmt, "NCHW")) {
		*nhwc = fmt[1] == 'H';
		return WEIR_OK;
	}
	return lw_fail(L, n, WEIR_ENOTSUP,
	               "attr data_format=\"%s\" is not supported (NHWC or NCHW)", fmt);
}

/* Conv2D(x, filter, [bias], [offset_w]; REQUIRED strides, REQUIRED pads,
 * dilations {1,1,1,1}, groups 1, data_format "NHWC", offset_x 0), and
 * DepthwiseConv2D (the same ports; no groups: one group per channel). */
int ge_rule_conv2d(lw_t *L, const lw_node_t *n, const char *arg)
{
	static const int64_t ones[4] = { 1, 1, 1, 1 }, zeros[4] = { 0 };
	bool depthwise = !strcmp(arg, "DepthwiseConv2D"), nhwc = false;
	const int64_t *st, *pd, *dl;
	size_t nst, npd, ndl;
	int64_t groups, offx, s[2], d[2], pads[4];
	const char *ff, *padding;
	int x, w, y, rc = ge_in(L, n, 0, &x);
	if (!rc)
		rc = ge_in(L, n, 1, &w);
	if (!rc)
		rc = ge_need(L, n, "strides");
	if (!rc)
		rc = ge_format(L, n, "NHWC", &nhwc);
	if (!rc)
		rc = ge_ints(L, n, "strides", ones, 4, &st, &nst);
	if (!rc)
		rc = ge_ints(L, n, "pads", zeros, 4, &pd, &npd);
	if (!rc)
		rc = ge_ints(L, n, "dilations", ones, 4, &dl, &ndl);
	if (!rc)
		rc = ge_int(L, n, "groups", 1, &groups);
	if (!rc)
		rc = ge_int(L, n, "offset_x", 0, &offx);
	if (!rc)
		rc = ge_str(L, n, "padding", "", &padding);
	if (!rc)
		rc = ge_str(L, n, "filter_format",
		            depthwise ? (nhwc ? "HWCN" : "NCHW") : (nhwc ? "NHWC" : "NCHW"), &ff);
	if (!rc)
		rc = ge_hw(L, n, "strides", st, nst, nhwc, s);
	if (!rc)
		rc = ge_hw(L, n, "dilations", dl, ndl, nhwc, d);
	if (rc)
		return rc;
	if (lw_in(L, n, 3) >= 0)
		return lw_fail(L, n, WEIR_ENOTSUP,
		               "input offset_w (quantized weights) is not "
		               "supported");
	if (offx != 0)
		return lw_fail(L, n, WEIR_ENOTSUP, "attr offset_x=%lld is not supported (only 0)",
		               (long long)offx);
	if (npd != 4)
		return lw_fail(L, n, WEIR_EINVAL, "attr pads has %zu entries (4 expected)", npd);
	const weir_tensor_desc_t *xd = lw_desc(L, x), *wd = lw_desc(L, w);
	if (xd->rank != 4 || wd->rank != 4)
		return lw_fail(L, n, WEIR_ESHAPE, "x and filter must have rank 4");
	/* filter -> [O, C/g, kH, kW] */
	static const int64_t from_nhwc[4] = { 0, 3, 1, 2 }, from_hwcn[4] = { 3, 2, 0, 1 };
	if (!depthwise) {
		if (!strcmp(ff, "NHWC"))
			rc = ge_transpose(L, n, w, from_nhwc, 4, &w);
		else if (!strcmp(ff, "HWCN"))
			rc = ge_transpose(L, n, w, from_hwcn, 4, &w);
		else if (strcmp(ff, "NCHW"))
			return lw_fail(L, n, WEIR_ENOTSUP, "filter_format \"%s\" is not supported",
			               ff);
	} else {
		/* HWCN [kH, kW, C, M] / NCHW [M, C, kH, kW] -> [C, M, kH, kW] -> [C*M, 1, kH, kW] */
		static const int64_t hwcn_cm[4] = { 2, 3, 0, 1 }, nchw_cm[4] = { 1, 0, 2, 3 };
		if (!strcmp(ff, "HWCN"))
			rc = ge_transpose(L, n, w, hwcn_cm, 4, &w);
		else if (!strcmp(ff, "NCHW"))
			rc = ge_transpose(L, n, w, nchw_cm, 4, &w);
		else
			return lw_fail(L, n, WEIR_ENOTSUP, "filter_format \"%s\" is not supported",
			               ff);
		if (!rc) {
			const weir_tensor_desc_t *t = lw_desc(L, w);
			int64_t dims[4] = { t->dims[0] * t->dims[1], 1, t->dims[2], t->dims[3] };
			groups = t->dims[0];
			rc = lw_reshape(L, n, w, dims, 4, &w);
		}
	}
	if (rc)
		return rc;
	int64_t h = nhwc ? xd->dims[1] : xd->dims[2], wi = nhwc ? xd->dims[2] : xd->dims[3];
	const weir_tensor_desc_t *fd = lw_desc(L, w);
	memcpy(pads, pd, sizeof(pads));
	if (!strcmp(padding, "SAME")) {
		ge_same_pad(h, fd->dims[2], s[0], d[0], &pads[0]);
		ge_same_pad(wi, fd->dims[3], s[1], d[1], &pads[2]);
	} else if (!strcmp(padding, "VALID")) {
		memset(pads, 0, sizeof(pads));
	} else if (padding[0] && strcmp(padding, "CALCULATED")) {
		return lw_fail(L, n, WEIR_ENOTSUP, "attr padding=\"%s\" is not supported", padding);
	}
	if (nhwc && (rc = ge_transpose(L, n, x, to_nchw, 4, &x)))
		return rc;
	weir_attrs_t *a = ge_attrs(L);
	if (!a || weir_attrs_set_ints(a, "strides", s, 2) ||
	    weir_attrs_set_ints(a, "pads", pads, 4) || weir_attrs_set_ints(a, "dilations", d, 2) ||
	    weir_attrs_set_int(a, "groups", groups))
		return ge_oom(L, n);
	int in[3] = { x, w, lw_in(L, n, 2) };
	rc = lw_op(L, n, "Conv2D", in, in[2] >= 0 ? 3 : 2, a, 1, &y);
	if (!rc && nhwc)
		rc = ge_transpose(L, n, y, to_nhwc, 4, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

struct ge_pool {
	const char *op, *padding; /* "SAME", "VALID", "CALCULATED" */
	const int64_t *ks, *st, *pd;
	size_t nks, nst, npd;
	bool nhwc, global, ceil, exclusive;
};

static int ge_pool_lower(lw_t *L, const lw_node_t *n, const struct ge_pool *p)
{
	int64_t k[2], s[2], pads[4] = { 0 };
	int x, y, rc = ge_in(L, n, 0, &x);
	if (rc)
		return rc;
	const weir_tensor_desc_t *xd = lw_desc(L, x);
	if (xd->rank != 4)
		return lw_fail(L, n, WEIR_ESHAPE, "x must have rank 4");
	int64_t h = p->nhwc ? xd->dims[1] : xd->dims[2], w = p->nhwc ? xd->dims[2] : xd->dims[3];
	if (p->global) {
		k[0] = h;
		k[1] = w;
		s[0] = s[1] = 1;
	} else {
		rc = ge_hw(L, n, "ksize", p->ks, p->nks, p->nhwc, k);
		if (!rc)
			rc = ge_hw(L, n, "strides", p->st, p->nst, p->nhwc, s);
		if (rc)
			return rc;
		if (!strcmp(p->padding, "SAME")) {
			ge_same_pad(h, k[0], s[0], 1, &pads[0]);
			ge_same_pad(w, k[1], s[1], 1, &pads[2]);
		} else if (!strcmp(p->padding, "CALCULATED")) {
			if (p->npd != 4)
				return lw_fail(L, n, WEIR_EINVAL,
				               "attr pads has %zu entries (4 expected)", p->npd);
			memcpy(pads, p->pd, sizeof(pads));
		} else if (strcmp(p->padding, "VALID")) {
			return lw_fail(L, n, WEIR_ENOTSUP, "padding \"%s\" is not supported",
			               p->padding);
		}
	}
	if (p->nhwc && (rc = ge_transpose(L, n, x, to_nchw, 4, &x)))
		return rc;
	weir_attrs_t *a = ge_attrs(L);
	if (!a || weir_attrs_set_ints(a, "ksize", k, 2) ||
	    weir_attrs_set_ints(a, "strides", s, 2) || weir_attrs_set_ints(a, "pads", pads, 4) ||
	    weir_attrs_set_bool(a, "ceil_mode", p->ceil) ||
	    (!strcmp(p->op, "AvgPool") && weir_attrs_set_bool(a, "exclusive", p->exclusive)))
		return ge_oom(L, n);
	rc = lw_op1(L, n, p->op, x, a, &y);
	if (!rc && p->nhwc)
		rc = ge_transpose(L, n, y, to_nhwc, 4, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* MaxPool/AvgPool(x; REQUIRED ksize, REQUIRED strides, REQUIRED padding
 * "SAME"|"VALID", data_format "NHWC"). TensorFlow's SAME average excludes
 * the padding. */
int ge_rule_pool(lw_t *L, const lw_node_t *n, const char *arg)
{
	struct ge_pool p;
	memset(&p, 0, sizeof(p));
	p.op = arg;
	p.exclusive = true;
	int rc = ge_need(L, n, "ksize");
	if (!rc)
		rc = ge_need(L, n, "strides");
	if (!rc)
		rc = ge_need(L, n, "padding");
	if (!rc)
		rc = ge_ints(L, n, "ksize", NULL, 0, &p.ks, &p.nks);
	if (!rc)
		rc = ge_ints(L, n, "strides", NULL, 0, &p.st, &p.nst);
	if (!rc)
		rc = ge_str(L, n, "padding", "", &p.padding);
	if (!rc)
		rc = ge_format(L, n, "NHWC", &p.nhwc);
	return rc ? rc : ge_pool_lower(L, n, &p);
}

/* MaxPoolV3/AvgPoolV2(x; REQUIRED ksize, REQUIRED strides, padding_mode
 * "CALCULATED", pads {0,0,0,0}, data_format "NCHW", global_pooling false,
 * ceil_mode false, [AvgPoolV2: exclusive true]). */
int ge_rule_pool_v2(lw_t *L, const lw_node_t *n, const char *arg)
{
	static const int64_t zeros[4] = { 0 };
	struct ge_pool p;
	memset(&p, 0, sizeof(p));
	p.op = arg;
	int rc = ge_need(L, n, "ksize");
	if (!rc)
		rc = ge_need(L, n, "strides");
	if (!rc)
		rc = ge_ints(L, n, "ksize", NULL, 0, &p.ks, &p.nks);
	if (!rc)
		rc = ge_ints(L, n, "strides", NULL, 0, &p.st, &p.nst);
	if (!rc)
		rc = ge_str(L, n, "padding_mode", "CALCULATED", &p.padding);
	if (!rc)
		rc = ge_ints(L, n, "pads", zeros, 4, &p.pd, &p.npd);
	if (!rc)
		rc = ge_format(L, n, "NCHW", &p.nhwc);
	if (!rc)
		rc = ge_bool(L, n, "global_pooling", false, &p.global);
	if (!rc)
		rc = ge_bool(L, n, "ceil_mode", false, &p.ceil);
	if (!rc)
		rc = ge_bool(L, n, "exclusive", true, &p.exclusive);
	return rc ? rc : ge_pool_lower(L, n, &p);
}
