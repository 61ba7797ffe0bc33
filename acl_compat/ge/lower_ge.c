/*
 * acl_compat/ge/lower_ge.c - lowering rules for GE IR op types (the ops of
 * GE's op-prototype headers, include/ge/op_proto/) onto the op library
 * (lower.h): the shared helpers (lower_ge.h), elementwise ops and
 * activations, and the rule table. Port order is the REG_OP declaration
 * order of each op; attr defaults are GE's.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "acl_compat/ge/lower_ge.h"

/* ---- helpers ----------------------------------------------------------------- */

int ge_oom(lw_t *L, const lw_node_t *n)
{
	return lw_fail(L, n, WEIR_ENOMEM, "out of memory");
}

weir_attrs_t *ge_attrs(lw_t *L)
{
	return lw_new_attrs(L);
}

int ge_in(lw_t *L, const lw_node_t *n, uint32_t i, int *lv)
{
	*lv = lw_in(L, n, i);
	if (*lv < 0)
		return lw_fail(L, n, WEIR_EINVAL, "required input %u is absent", i);
	return WEIR_OK;
}

static int ge_bad_type(lw_t *L, const lw_node_t *n, const char *name, const char *want)
{
	return lw_fail(L, n, WEIR_EINVAL, "attr %s must be %s", name, want);
}

int ge_int(lw_t *L, const lw_node_t *n, const char *name, int64_t dflt, int64_t *v)
{
	int rc = weir_attrs_get_int(lw_attrs(n), name, v);
	if (rc == WEIR_ENOTFOUND) {
		*v = dflt;
		return WEIR_OK;
	}
	return rc ? ge_bad_type(L, n, name, "an int") : WEIR_OK;
}

int ge_bool(lw_t *L, const lw_node_t *n, const char *name, bool dflt, bool *v)
{
	int64_t i;
	int rc = ge_int(L, n, name, dflt, &i);
	if (rc)
		return rc;
	*v = i != 0;
	return WEIR_OK;
}

int ge_float(lw_t *L, const lw_node_t *n, const char *name, float dflt, float *v)
{
	int rc = weir_attrs_get_float(lw_attrs(n), name, v);
	if (rc == WEIR_ENOTFOUND) {
		*v = dflt;
		return WEIR_OK;
	}
	return rc ? ge_bad_type(L, n, name, "a float") : WEIR_OK;
}

int ge_str(lw_t *L, const lw_node_t *n, const char *name, const char *dflt, const char **v)
{
	int rc = weir_attrs_get_string(lw_attrs(n), name, v);
	if (rc == WEIR_ENOTFOUND) {
		*v = dflt;
		return WEIR_OK;
	}
	return rc ? ge_bad_type(L, n, name, "a string") : WEIR_OK;
}

int ge_ints(lw_t *L, const lw_node_t *n, const char *name, const int64_t *dflt, size_t ndflt,
            const int64_t **v, size_t *cnt)
{
	const weir_attrs_t *a = lw_attrs(n);
	switch (weir_attrs_type(a, name)) {
	case WEIR_ATTR_NONE:
		*v = dflt;
		*cnt = ndflt;
		return WEIR_OK;
	case WEIR_ATTR_INTS: return weir_attrs_get_ints(a, name, v, cnt);
	case WEIR_ATTR_INT: {
		/* One int stands for a one-entry list; keep it in run-owned attrs. */
		int64_t one = 0;
		weir_attrs_t *t = ge_attrs(L);
		if (!t)
			return ge_oom(L, n);
		(void)weir_attrs_get_int(a, name, &one);
		if (weir_attrs_set_ints(t, "v", &one, 1))
			return ge_oom(L, n);
		return weir_attrs_get_ints(t, "v", v, cnt);
	}
	default: return ge_bad_type(L, n, name, "a list of ints");
	}
}

int ge_need(lw_t *L, const lw_node_t *n, const char *name)
{
	if (weir_attrs_type(lw_attrs(n), name) == WEIR_ATTR_NONE)
		return lw_fail(L, n, WEIR_EINVAL, "required attr %s is missing", name);
	return WEIR_OK;
}

int ge_in_ints(lw_t *L, const lw_node_t *n, uint32_t i, int64_t *buf, size_t cap, size_t *cnt)
{
	int lv;
	int rc = ge_in(L, n, i, &lv);
	return rc ? rc : lw_ints(L, n, lv, buf, cap, cnt);
}

int ge_in_int(lw_t *L, const lw_node_t *n, uint32_t i, int64_t *v)
{
	int64_t buf[1];
	size_t cnt = 0;
	int rc = ge_in_ints(L, n, i, buf, 1, &cnt);
	if (rc)
		return rc;
	if (cnt != 1)
		return lw_fail(L, n, WEIR_EINVAL, "input %u must hold one int (it has %zu)", i,
		               cnt);
	*v = buf[0];
	return WEIR_OK;
}

int ge_axis(lw_t *L, const lw_node_t *n, const char *what, int64_t axis, int64_t rank, int64_t *out)
{
	int64_t lo = rank ? -rank : -1, hi = rank ? rank : 1;
	if (axis < lo || axis >= hi)
		return lw_fail(L, n, WEIR_EINVAL, "%s %lld is out of range for rank %lld", what,
		               (long long)axis, (long long)rank);
	*out = axis < 0 ? axis + (rank ? rank : 1) : axis;
	return WEIR_OK;
}

int ge_rank(lw_t *L, int lv)
{
	const weir_tensor_desc_t *d = lw_desc(L, lv);
	return d ? (int)d->rank : 0;
}

int ge_scalar_like(lw_t *L, const lw_node_t *n, int lv, double v, int *out)
{
	const weir_tensor_desc_t *d = lw_desc(L, lv);
	if (!d)
		return lw_fail(L, n, WEIR_EINVAL, "a required input is absent");
	return lw_const_scalar(L, d->dtype, v, out);
}

int ge_transpose(lw_t *L, const lw_node_t *n, int lv, const int64_t *perm, uint32_t rank, int *out)
{
	weir_attrs_t *a = ge_attrs(L);
	if (!a || weir_attrs_set_ints(a, "perm", perm, rank))
		return ge_oom(L, n);
	return lw_op1(L, n, "Transpose", lv, a, out);
}

/* ---- elementwise ---------------------------------------------------------------- */

/* x -> y with no attrs (arg: the op). */
static int ge_rule_unary(lw_t *L, const lw_node_t *n, const char *arg)
{
	int x, y, rc = ge_in(L, n, 0, &x);
	if (!rc)
		rc = lw_op1(L, n, arg, x, NULL, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* x1, x2 -> y with no attrs (arg: the op). */
static int ge_rule_binary(lw_t *L, const lw_node_t *n, const char *arg)
{
	int a, b, y, rc = ge_in(L, n, 0, &a);
	if (!rc)
		rc = ge_in(L, n, 1, &b);
	if (!rc)
		rc = lw_op2(L, n, arg, a, b, NULL, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* x op scalar(value) (arg: the op). Muls/Adds: REQUIRED_ATTR(value, Float). */
static int ge_rule_scalar_attr(lw_t *L, const lw_node_t *n, const char *arg)
{
	int x, c, y;
	float v;
	int rc = ge_in(L, n, 0, &x);
	if (!rc)
		rc = ge_need(L, n, "value");
	if (!rc)
		rc = ge_float(L, n, "value", 0, &v);
	if (!rc)
		rc = ge_scalar_like(L, n, x, v, &c);
	if (!rc)
		rc = lw_op2(L, n, arg, x, c, NULL, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* Exp/Log(x; base -1 (e), scale 1, shift 0): y = base^(scale*x + shift),
 * y = log_base(scale*x + shift). */
static int ge_rule_exp_log(lw_t *L, const lw_node_t *n, const char *arg)
{
	int x, t, c, y;
	float base, scale, shift;
	int rc = ge_in(L, n, 0, &x);
	if (!rc)
		rc = ge_float(L, n, "base", -1.0f, &base);
	if (!rc)
		rc = ge_float(L, n, "scale", 1.0f, &scale);
	if (!rc)
		rc = ge_float(L, n, "shift", 0.0f, &shift);
	if (rc)
		return rc;
	if (base != -1.0f && !(base > 0 && base != 1.0f))
		return lw_fail(L, n, WEIR_ENOTSUP,
		               "attr base=%g is not supported (-1 or > 0, "
		               "not 1)",
		               (double)base);
	bool is_exp = !strcmp(arg, "Exp");
	double lnb = base == -1.0f ? 1.0 : log((double)base);
	t = x;
	if (scale != 1.0f && (rc = ge_scalar_like(L, n, x, scale, &c)) == 0)
		rc = lw_op2(L, n, "Mul", t, c, NULL, &t);
	if (!rc && shift != 0.0f && (rc = ge_scalar_like(L, n, x, shift, &c)) == 0)
		rc = lw_op2(L, n, "Add", t, c, NULL, &t);
	if (!rc && is_exp && lnb != 1.0 && (rc = ge_scalar_like(L, n, x, lnb, &c)) == 0)
		rc = lw_op2(L, n, "Mul", t, c, NULL, &t);
	if (!rc)
		rc = lw_op1(L, n, arg, t, NULL, &y);
	if (!rc && !is_exp && lnb != 1.0 && (rc = ge_scalar_like(L, n, x, lnb, &c)) == 0)
		rc = lw_op2(L, n, "Div", y, c, NULL, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

static int ge_rule_square(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	int x, y, rc = ge_in(L, n, 0, &x);
	if (!rc)
		rc = lw_op2(L, n, "Mul", x, x, NULL, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* DivNoNan(x1, x2): 0 where x2 == 0, else x1 / x2. */
static int ge_rule_div_no_nan(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	int a, b, z, eq, q, y, rc = ge_in(L, n, 0, &a);
	if (!rc)
		rc = ge_in(L, n, 1, &b);
	if (!rc)
		rc = ge_scalar_like(L, n, b, 0, &z);
	if (!rc)
		rc = lw_op2(L, n, "Equal", b, z, NULL, &eq);
	if (!rc)
		rc = lw_op2(L, n, "Div", a, b, NULL, &q);
	if (!rc) {
		int in[3] = { eq, z, q };
		rc = lw_op(L, n, "Where", in, 3, NULL, 1, &y);
	}
	return rc ? rc : lw_out(L, n, 0, y);
}

/* AddN(x...; N): a chain of Adds. */
static int ge_rule_addn(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	int acc, x, rc = ge_in(L, n, 0, &acc);
	for (uint32_t i = 1; i < lw_nin(n) && !rc; i++)
		if ((rc = ge_in(L, n, i, &x)) == 0)
			rc = lw_op2(L, n, "Add", acc, x, NULL, &acc);
	return rc ? rc : lw_out(L, n, 0, acc);
}

/* Relu6(x) = min(max(x, 0), 6). */
static int ge_rule_relu6(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	int x, lo, hi, y, rc = ge_in(L, n, 0, &x);
	if (!rc)
		rc = ge_scalar_like(L, n, x, 0, &lo);
	if (!rc)
		rc = ge_scalar_like(L, n, x, 6, &hi);
	if (!rc) {
		int in[3] = { x, lo, hi };
		rc = lw_op(L, n, "ClipByValue", in, 3, NULL, 1, &y);
	}
	return rc ? rc : lw_out(L, n, 0, y);
}

/* x -> y with one float attr renamed: arg "Op:ge_attr:op_attr:default". */
static int ge_rule_act_attr(lw_t *L, const lw_node_t *n, const char *arg)
{
	char op[32], ga[32], oa[32];
	float dflt = 0, v;
	if (sscanf(arg, "%31[^:]:%31[^:]:%31[^:]:%f", op, ga, oa, &dflt) != 4)
		return lw_fail(L, n, WEIR_EINTERNAL, "bad rule argument '%s'", arg);
	int x, y, rc = ge_in(L, n, 0, &x);
	if (!rc)
		rc = ge_float(L, n, ga, dflt, &v);
	if (rc)
		return rc;
	weir_attrs_t *a = ge_attrs(L);
	if (!a || weir_attrs_set_float(a, oa, v))
		return ge_oom(L, n);
	rc = lw_op1(L, n, op, x, a, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* Elu(x; alpha 1, scale 1, input_scale 1). */
static int ge_rule_elu(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	float alpha, scale, iscale;
	int x, y, rc = ge_in(L, n, 0, &x);
	if (!rc)
		rc = ge_float(L, n, "alpha", 1.0f, &alpha);
	if (!rc)
		rc = ge_float(L, n, "scale", 1.0f, &scale);
	if (!rc)
		rc = ge_float(L, n, "input_scale", 1.0f, &iscale);
	if (rc)
		return rc;
	if (scale != 1.0f || iscale != 1.0f)
		return lw_fail(L, n, WEIR_ENOTSUP,
		               "attrs scale=%g, input_scale=%g are not supported (only 1)",
		               (double)scale, (double)iscale);
	weir_attrs_t *a = ge_attrs(L);
	if (!a || weir_attrs_set_float(a, "alpha", alpha))
		return ge_oom(L, n);
	rc = lw_op1(L, n, "Elu", x, a, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* HardSigmoid(input_x; alpha 0.16666666, beta 0.5) -> output_y. */
static int ge_rule_hard_sigmoid(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	float alpha, beta;
	int x, y, rc = ge_in(L, n, 0, &x);
	if (!rc)
		rc = ge_float(L, n, "alpha", 0.16666666f, &alpha);
	if (!rc)
		rc = ge_float(L, n, "beta", 0.5f, &beta);
	if (rc)
		return rc;
	weir_attrs_t *a = ge_attrs(L);
	if (!a || weir_attrs_set_float(a, "alpha", alpha) || weir_attrs_set_float(a, "beta", beta))
		return ge_oom(L, n);
	rc = lw_op1(L, n, "HardSigmoid", x, a, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* Gelu(x): GE's Gelu is the tanh approximation. */
static int ge_rule_gelu(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	int x, y, rc = ge_in(L, n, 0, &x);
	if (rc)
		return rc;
	weir_attrs_t *a = ge_attrs(L);
	if (!a || weir_attrs_set_string(a, "approximate", "tanh"))
		return ge_oom(L, n);
	rc = lw_op1(L, n, "Gelu", x, a, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* Swish(x; scale 1) = x * sigmoid(scale * x). */
static int ge_rule_swish(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	float scale;
	int x, t, c, y, rc = ge_in(L, n, 0, &x);
	if (!rc)
		rc = ge_float(L, n, "scale", 1.0f, &scale);
	if (rc)
		return rc;
	if (scale == 1.0f) {
		rc = lw_op1(L, n, "Silu", x, NULL, &y);
		return rc ? rc : lw_out(L, n, 0, y);
	}
	rc = ge_scalar_like(L, n, x, scale, &c);
	if (!rc)
		rc = lw_op2(L, n, "Mul", x, c, NULL, &t);
	if (!rc)
		rc = lw_op1(L, n, "Sigmoid", t, NULL, &t);
	if (!rc)
		rc = lw_op2(L, n, "Mul", x, t, NULL, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* SoftplusV2(x; beta 1, threshold 20): log(1 + exp(beta x)) / beta, x where
 * beta x > threshold. Only beta 1 with threshold 20 (Softplus). */
static int ge_rule_softplus_v2(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	float beta, thr;
	int x, y, rc = ge_in(L, n, 0, &x);
	if (!rc)
		rc = ge_float(L, n, "beta", 1.0f, &beta);
	if (!rc)
		rc = ge_float(L, n, "threshold", 20.0f, &thr);
	if (rc)
		return rc;
	if (beta != 1.0f || thr != 20.0f)
		return lw_fail(L, n, WEIR_ENOTSUP,
		               "attrs beta=%g, threshold=%g are not supported (only 1, 20)",
		               (double)beta, (double)thr);
	rc = lw_op1(L, n, "Softplus", x, NULL, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* Select(condition, x1, x2): a 1-D condition over a higher-rank x picks rows
 * (TensorFlow's Select); SelectV2 broadcasts. */
static int ge_rule_select(lw_t *L, const lw_node_t *n, const char *arg)
{
	int c, a, b, y, rc = ge_in(L, n, 0, &c);
	if (!rc)
		rc = ge_in(L, n, 1, &a);
	if (!rc)
		rc = ge_in(L, n, 2, &b);
	if (rc)
		return rc;
	const weir_tensor_desc_t *cd = lw_desc(L, c), *ad = lw_desc(L, a);
	if (!strcmp(arg, "v1") && cd->rank == 1 && ad->rank > 1) {
		int64_t dims[WEIR_MAX_RANK];
		dims[0] = cd->dims[0];
		for (uint32_t i = 1; i < ad->rank; i++)
			dims[i] = 1;
		if ((rc = lw_reshape(L, n, c, dims, ad->rank, &c)))
			return rc;
	}
	int in[3] = { c, a, b };
	rc = lw_op(L, n, "Where", in, 3, NULL, 1, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* Cast(x; REQUIRED dst_type): GE's DataType numbering is weir's. */
static int ge_rule_cast(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	int64_t dt;
	int x, y, rc = ge_in(L, n, 0, &x);
	if (!rc)
		rc = ge_need(L, n, "dst_type");
	if (!rc)
		rc = ge_int(L, n, "dst_type", 0, &dt);
	if (!rc)
		rc = lw_cast(L, n, x, (int)dt, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* ---- the table -------------------------------------------------------------------- */

const lw_rule_t weir__lw_rules_ge[] = {
	/* elementwise binary */
	{ "Add", ge_rule_binary, "Add" },
	{ "AddV2", ge_rule_binary, "Add" },
	{ "Sub", ge_rule_binary, "Sub" },
	{ "Mul", ge_rule_binary, "Mul" },
	{ "RealDiv", ge_rule_binary, "Div" },
	{ "Div", ge_rule_binary, "Div" },
	{ "DivNoNan", ge_rule_div_no_nan, NULL },
	{ "Maximum", ge_rule_binary, "Maximum" },
	{ "Minimum", ge_rule_binary, "Minimum" },
	{ "Pow", ge_rule_binary, "Pow" },
	{ "AddN", ge_rule_addn, NULL },
	{ "Muls", ge_rule_scalar_attr, "Mul" },
	{ "Adds", ge_rule_scalar_attr, "Add" },
	{ "Equal", ge_rule_binary, "Equal" },
	{ "NotEqual", ge_rule_binary, "NotEqual" },
	{ "Less", ge_rule_binary, "Less" },
	{ "LessEqual", ge_rule_binary, "LessEqual" },
	{ "Greater", ge_rule_binary, "Greater" },
	{ "GreaterEqual", ge_rule_binary, "GreaterEqual" },
	{ "LogicalAnd", ge_rule_binary, "LogicalAnd" },
	{ "LogicalOr", ge_rule_binary, "LogicalOr" },
	/* elementwise unary */
	{ "Neg", ge_rule_unary, "Neg" },
	{ "Abs", ge_rule_unary, "Abs" },
	{ "Exp", ge_rule_exp_log, "Exp" },
	{ "Log", ge_rule_exp_log, "Log" },
	{ "Sqrt", ge_rule_unary, "Sqrt" },
	{ "Rsqrt", ge_rule_unary, "Rsqrt" },
	{ "Square", ge_rule_square, NULL },
	{ "Reciprocal", ge_rule_unary, "Reciprocal" },
	{ "Floor", ge_rule_unary, "Floor" },
	{ "Ceil", ge_rule_unary, "Ceil" },
	{ "Round", ge_rule_unary, "Round" },
	{ "Sign", ge_rule_unary, "Sign" },
	{ "Erf", ge_rule_unary, "Erf" },
	{ "Sin", ge_rule_unary, "Sin" },
	{ "Cos", ge_rule_unary, "Cos" },
	{ "Tan", ge_rule_unary, "Tan" },
	{ "Atan", ge_rule_unary, "Atan" },
	{ "IsNan", ge_rule_unary, "IsNaN" },
	{ "LogicalNot", ge_rule_unary, "LogicalNot" },
	{ "ClipByValue", lw_rule_same, "ClipByValue" },
	{ "Select", ge_rule_select, "v1" },
	{ "SelectV2", ge_rule_select, "v2" },
	{ "Cast", ge_rule_cast, NULL },
	{ "Identity", lw_rule_identity, NULL },
	/* activations */
	{ "Relu", ge_rule_unary, "Relu" },
	{ "Relu6", ge_rule_relu6, NULL },
	{ "Sigmoid", ge_rule_unary, "Sigmoid" },
	{ "Tanh", ge_rule_unary, "Tanh" },
	{ "Gelu", ge_rule_gelu, NULL },
	{ "Swish", ge_rule_swish, NULL },
	{ "Softplus", ge_rule_unary, "Softplus" },
	{ "SoftplusV2", ge_rule_softplus_v2, NULL },
	{ "Softsign", ge_rule_unary, "Softsign" },
	{ "Mish", ge_rule_unary, "Mish" },
	{ "HardSwish", ge_rule_unary, "HardSwish" },
	{ "HardSigmoid", ge_rule_hard_sigmoid, NULL },
	{ "LeakyRelu", ge_rule_act_attr, "LeakyRelu:negative_slope:alpha:0" },
	{ "Elu", ge_rule_elu, NULL },
	{ "PRelu", ge_rule_prelu, NULL },
	/* matmul, norms, convolution, pooling (lower_ge_nn.c) */
	{ "MatMul", ge_rule_matmul, "MatMul" },
	{ "MatMulV2", ge_rule_matmul, "MatMulV2" },
	{ "BatchMatMul", ge_rule_batchmatmul, "BatchMatMul" },
	{ "BatchMatMulV2", ge_rule_batchmatmul, "BatchMatMulV2" },
	{ "BiasAdd", ge_rule_biasadd, NULL },
	{ "SoftmaxV2", ge_rule_softmax, "Softmax" },
	{ "LogSoftmaxV2", ge_rule_softmax, "LogSoftmax" },
	{ "LayerNorm", ge_rule_layernorm, NULL },
	{ "RmsNorm", ge_rule_rmsnorm, NULL },
	{ "BNInfer", ge_rule_bninfer, NULL },
	{ "BatchNorm", ge_rule_batchnorm, NULL },
	{ "Conv2D", ge_rule_conv2d, "Conv2D" },
	{ "DepthwiseConv2D", ge_rule_conv2d, "DepthwiseConv2D" },
	{ "MaxPool", ge_rule_pool, "MaxPool" },
	{ "AvgPool", ge_rule_pool, "AvgPool" },
	{ "MaxPoolV3", ge_rule_pool_v2, "MaxPool" },
	{ "AvgPoolV2", ge_rule_pool_v2, "AvgPool" },
	/* shape, reduction, data movement, generation (lower_ge_array.c) */
	{ "Reshape", ge_rule_reshape, NULL },
	{ "Transpose", ge_rule_transpose, "input" },
	{ "TransposeD", ge_rule_transpose, "attr" },
	{ "ReduceSum", ge_rule_reduce, "ReduceSum" },
	{ "ReduceMean", ge_rule_reduce, "ReduceMean" },
	{ "ReduceMax", ge_rule_reduce, "ReduceMax" },
	{ "ReduceMin", ge_rule_reduce, "ReduceMin" },
	{ "ReduceProd", ge_rule_reduce, "ReduceProd" },
	{ "ReduceSumD", ge_rule_reduce_d, "ReduceSum" },
	{ "ReduceMeanD", ge_rule_reduce_d, "ReduceMean" },
	{ "ReduceMaxD", ge_rule_reduce_d, "ReduceMax" },
	{ "ReduceMinD", ge_rule_reduce_d, "ReduceMin" },
	{ "ReduceProdD", ge_rule_reduce_d, "ReduceProd" },
	{ "ConcatV2", ge_rule_concat, "last" },
	{ "Concat", ge_rule_concat, "first" },
	{ "ConcatD", ge_rule_concat, "attr" },
	{ "ConcatV2D", ge_rule_concat, "attr" },
	{ "Split", ge_rule_split, "Split" },
	{ "SplitD", ge_rule_split, "SplitD" },
	{ "SplitV", ge_rule_split, "SplitV" },
	{ "SplitVD", ge_rule_split, "SplitVD" },
	{ "Slice", ge_rule_slice, "input" },
	{ "SliceD", ge_rule_slice, "attr" },
	{ "StridedSlice", ge_rule_strided_slice, "StridedSlice" },
	{ "StridedSliceD", ge_rule_strided_slice, "StridedSliceD" },
	{ "StridedSliceV2", ge_rule_strided_slice, "StridedSliceV2" },
	{ "GatherV2", ge_rule_gather, "GatherV2" },
	{ "GatherV2D", ge_rule_gather, "GatherV2D" },
	{ "Gather", ge_rule_gather, "Gather" },
	{ "GatherElements", ge_rule_gather_elements, NULL },
	{ "Unsqueeze", ge_rule_unsqueeze, NULL },
	{ "Squeeze", ge_rule_squeeze, NULL },
	{ "Flatten", ge_rule_flatten, "Flatten" },
	{ "FlattenV2", ge_rule_flatten, "FlattenV2" },
	{ "ExpandDims", ge_rule_expand_dims, NULL },
	{ "Fill", ge_rule_fill, "input" },
	{ "FillD", ge_rule_fill, "attr" },
	{ "ZerosLike", ge_rule_like, "0" },
	{ "OnesLike", ge_rule_like, "1" },
	{ "BroadcastTo", ge_rule_broadcast, "input" },
	{ "BroadcastToD", ge_rule_broadcast, "attr" },
	{ "Expand", ge_rule_broadcast, "input" },
	{ "Tile", ge_rule_tile, "input" },
	{ "TileD", ge_rule_tile, "attr" },
	{ "Pad", ge_rule_pad, "Pad" },
	{ "PadD", ge_rule_pad, "PadD" },
	{ "PadV3", ge_rule_pad, "PadV3" },
	{ "PadV3D", ge_rule_pad, "PadV3D" },
	{ "Range", ge_rule_range, NULL },
	{ "TopKV2", ge_rule_topk, NULL },
	{ "TopK", ge_rule_topk, NULL },
	{ "ArgMaxV2", ge_rule_argmax, "ArgMax:input" },
	{ "ArgMin", ge_rule_argmax, "ArgMin:input" },
	{ "ArgMaxD", ge_rule_argmax, "ArgMax:attr" },
	{ "ArgMinD", ge_rule_argmax, "ArgMin:attr" },
	{ "Cumsum", ge_rule_cumsum, "input" },
	{ "CumsumD", ge_rule_cumsum, "attr" },
	{ "ScatterElements", ge_rule_scatter_elements, NULL },
	{ "Shape", ge_rule_shape, "Shape" },
	{ "Size", ge_rule_shape, "Size" },
	{ "Rank", ge_rule_shape, "Rank" },
	{ "OneHot", ge_rule_onehot, "input" },
	{ "OneHotD", ge_rule_onehot, "attr" },
	{ "Pack", ge_rule_pack, NULL },
	{ "Unpack", ge_rule_unpack, NULL },
};
const size_t weir__lw_rules_ge_count = sizeof(weir__lw_rules_ge) / sizeof(weir__lw_rules_ge[0]);
