/*
 * acl_compat/ge/lower_onnx.c - lowering rules for ONNX node types (ai.onnx,
 * opsets 7-17) onto the op library (lower.h): the rule table, the helpers
 * of lower_onnx.h, and the elementwise, activation, comparison, logic,
 * cast and constant rules. Shape ops are in lower_onnx_shape.c, reductions
 * and index ops in lower_onnx_reduce.c, networks ops in lower_onnx_nn.c.
 */
#include <float.h>
#include <math.h>
#include <string.h>
#include "acl_compat/ge/lower_onnx.h"

/* ---- helpers ----------------------------------------------------------------- */

int lo_req(lw_t *L, const lw_node_t *n, uint32_t i, int *lv)
{
	*lv = lw_in(L, n, i);
	if (*lv < 0)
		return lw_fail(L, n, WEIR_EINVAL, "input %u is required but absent", i);
	return WEIR_OK;
}

bool lo_has(const lw_node_t *n, const char *name)
{
	return weir_attrs_type(lw_attrs(n), name) != WEIR_ATTR_NONE;
}

int64_t lo_int(const lw_node_t *n, const char *name, int64_t dflt)
{
	return weir_attrs_int_or(lw_attrs(n), name, dflt);
}

float lo_float(const lw_node_t *n, const char *name, float dflt)
{
	return weir_attrs_float_or(lw_attrs(n), name, dflt);
}

const char *lo_str(const lw_node_t *n, const char *name, const char *dflt)
{
	const char *s = NULL;
	return weir_attrs_get_string(lw_attrs(n), name, &s) == WEIR_OK && s ? s : dflt;
}

bool lo_ints(const lw_node_t *n, const char *name, int64_t *buf, size_t cap, size_t *count)
{
	const weir_attrs_t *a = lw_attrs(n);
	const int64_t *v;
	size_t cnt;
	*count = 0;
	if (weir_attrs_type(a, name) == WEIR_ATTR_INT) {
		if (cap)
			buf[(*count)++] = lo_int(n, name, 0);
		return true;
	}
	if (weir_attrs_get_ints(a, name, &v, &cnt) != WEIR_OK)
		return false;
	for (size_t i = 0; i < cnt && i < cap; i++)
		buf[(*count)++] = v[i];
	return true;
}

int lo_list(lw_t *L, const lw_node_t *n, const char *attr, uint32_t input, int64_t *buf, size_t cap,
            size_t *count, bool *present)
{
	int lv = lw_in(L, n, input);
	*count = 0;
	*present = false;
	if (lv >= 0) {
		*present = true;
		return lw_ints(L, n, lv, buf, cap, count);
	}
	if (attr && lo_ints(n, attr, buf, cap, count))
		*present = true;
	return WEIR_OK;
}

int lo_dtype(int64_t onnx)
{
	switch (onnx) {
	case 1: return WEIR_DT_FLOAT;
	case 2: return WEIR_DT_UINT8;
	case 3: return WEIR_DT_INT8;
	case 4: return WEIR_DT_UINT16;
	case 5: return WEIR_DT_INT16;
	case 6: return WEIR_DT_INT32;
	case 7: return WEIR_DT_INT64;
	case 9: return WEIR_DT_BOOL;
	case 10: return WEIR_DT_FLOAT16;
	case 11: return WEIR_DT_DOUBLE;
	case 12: return WEIR_DT_UINT32;
	case 13: return WEIR_DT_UINT64;
	case 16: return WEIR_DT_BF16;
	default: return -1;
	}
}

int lo_axis(lw_t *L, const lw_node_t *n, int64_t axis, int64_t rank, const char *what, int64_t *out)
{
	if (axis < -rank || axis >= rank)
		return lw_fail(L, n, WEIR_EINVAL, "%s %lld is out of range for rank %lld", what,
		               (long long)axis, (long long)rank);
	*out = axis < 0 ? axis + rank : axis;
	return WEIR_OK;
}

int lo_new_attrs(lw_t *L, const lw_node_t *n, weir_attrs_t **a)
{
	*a = lw_new_attrs(L);
	return *a ? WEIR_OK : lo_nomem(L, n);
}

int lo_nomem(lw_t *L, const lw_node_t *n)
{
	return lw_fail(L, n, WEIR_ENOMEM, "out of memory");
}

int lo_scalar_like(lw_t *L, int lv, double v, int *out)
{
	const weir_tensor_desc_t *d = lw_desc(L, lv);
	return lw_const_scalar(L, d ? d->dtype : WEIR_DT_FLOAT, v, out);
}

int lo_reduce(lw_t *L, const lw_node_t *n, const char *op, int x, const int64_t *axes, size_t naxes,
              bool keep, int *out)
{
	weir_attrs_t *a;
	int rc = lo_new_attrs(L, n, &a);
	if (rc)
		return rc;
	if ((naxes && weir_attrs_set_ints(a, "axes", axes, naxes)) ||
	    weir_attrs_set_bool(a, "keep_dims", keep))
		return lo_nomem(L, n);
	return lw_op1(L, n, op, x, a, out);
}

/* ---- elementwise ------------------------------------------------------------------ */

/* Pow: ONNX lets the exponent have another dtype; the op takes one. */
static int lo_pow(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	int a, b, y, rc;
	if ((rc = lo_req(L, n, 0, &a)) || (rc = lo_req(L, n, 1, &b)))
		return rc;
	if ((rc = lw_cast(L, n, b, lw_desc(L, a)->dtype, &b)) ||
	    (rc = lw_op2(L, n, "Pow", a, b, NULL, &y)))
		return rc;
	return lw_out(L, n, 0, y);
}

/* Maximum/Minimum where the op takes the dtype; else (double, int16,
 * uint16/32/64) Where(a >= b or a is NaN, a, b) (<= for Minimum). */
static int lo_maxmin(lw_t *L, const lw_node_t *n, const char *op, int a, int b, int *y)
{
	switch (lw_desc(L, a)->dtype) {
	case WEIR_DT_DOUBLE:
	case WEIR_DT_INT16:
	case WEIR_DT_UINT16:
	case WEIR_DT_UINT32:
	case WEIR_DT_UINT64: break;
	default: return lw_op2(L, n, op, a, b, NULL, y);
	}
	int c, nan, rc;
	bool mx = !strcmp(op, "Maximum");
	if ((rc = lw_op2(L, n, mx ? "GreaterEqual" : "LessEqual", a, b, NULL, &c)) ||
	    (rc = lw_op2(L, n, "NotEqual", a, a, NULL, &nan)) ||
	    (rc = lw_op2(L, n, "LogicalOr", c, nan, NULL, &c)))
		return rc;
	int in3[3] = { c, a, b };
	return lw_op(L, n, "Where", in3, 3, NULL, 1, y);
}

/* Sum, Max, Min, Mean over 1..N inputs (numpy broadcasting). */
static int lo_variadic(lw_t *L, const lw_node_t *n, const char *arg)
{
	bool mean = !strcmp(arg, "Mean");
	const char *op = mean ? "Add" : arg;
	int acc = -1, rc, cnt = 0;
	for (uint32_t i = 0; i < lw_nin(n); i++) {
		int lv = lw_in(L, n, i);
		if (lv < 0)
			continue;
		cnt++;
		if (acc < 0)
			acc = lv;
		else if ((rc = !strcmp(op, "Add") ? lw_op2(L, n, op, acc, lv, NULL, &acc)
		                                  : lo_maxmin(L, n, op, acc, lv, &acc)))
			return rc;
	}
	if (acc < 0)
		return lw_fail(L, n, WEIR_EINVAL, "needs at least one input");
	if (mean && cnt > 1) {
		int c;
		if ((rc = lo_scalar_like(L, acc, cnt, &c)) ||
		    (rc = lw_op2(L, n, "Div", acc, c, NULL, &acc)))
			return rc;
	}
	return lw_out(L, n, 0, acc);
}

/* Softmax, LogSoftmax, Hardmax: opset < 13 coerces x to 2-D at axis
 * (default 1) and normalizes each row; 13 normalizes along axis (default -1). */
static int lo_softmax(lw_t *L, const lw_node_t *n, const char *arg)
{
	int x, y, rc;
	if ((rc = lo_req(L, n, 0, &x)))
		return rc;
	const weir_tensor_desc_t d = *lw_desc(L, x);
	bool v13 = lw_opset(L) >= 13;
	int64_t axis = 0;
	if (d.rank == 0)
		return lw_fail(L, n, WEIR_ENOTSUP, "a rank-0 input is not supported");
	if ((rc = lo_axis(L, n, lo_int(n, "axis", v13 ? -1 : 1), d.rank, "axis", &axis)))
		return rc;
	weir_attrs_t *a;
	if ((rc = lo_new_attrs(L, n, &a)))
		return rc;
	if (v13 || axis == (int64_t)d.rank - 1) {
		if (weir_attrs_set_int(a, "axis", axis))
			return lo_nomem(L, n);
		if ((rc = lw_op1(L, n, arg, x, a, &y)))
			return rc;
		return lw_out(L, n, 0, y);
	}
	int64_t rows = 1, cols = 1;
	for (uint32_t i = 0; i < d.rank; i++)
		*(i < axis ? &rows : &cols) *= d.dims[i];
	int64_t two[2] = { rows, cols };
	if (weir_attrs_set_int(a, "axis", 1))
		return lo_nomem(L, n);
	if ((rc = lw_reshape(L, n, x, two, 2, &x)) || (rc = lw_op1(L, n, arg, x, a, &y)) ||
	    (rc = lw_reshape(L, n, y, d.dims, d.rank, &y)))
		return rc;
	return lw_out(L, n, 0, y);
}

/* Clip: bounds as attrs min/max (opset < 11) or optional inputs 1, 2. */
static int lo_clip(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	int x, rc, lo = -1, hi = -1;
	if ((rc = lo_req(L, n, 0, &x)))
		return rc;
	if (lw_opset(L) < 11) {
		if (lo_has(n, "min") && (rc = lo_scalar_like(L, x, lo_float(n, "min", 0), &lo)))
			return rc;
		if (lo_has(n, "max") && (rc = lo_scalar_like(L, x, lo_float(n, "max", 0), &hi)))
			return rc;
	} else {
		lo = lw_in(L, n, 1);
		hi = lw_in(L, n, 2);
	}
	int y = x;
	if (lo >= 0 && (rc = lw_op2(L, n, "Maximum", y, lo, NULL, &y)))
		return rc;
	if (hi >= 0 && (rc = lw_op2(L, n, "Minimum", y, hi, NULL, &y)))
		return rc;
	return lw_out(L, n, 0, y);
}

/* Gelu (opset 20, also seen earlier as a contrib-style node): approximate
 * "none" (default, erf) or "tanh". */
static int lo_gelu(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	int x, y, rc;
	weir_attrs_t *a;
	const char *ap = lo_str(n, "approximate", "none");
	if (strcmp(ap, "none") && strcmp(ap, "tanh"))
		return lw_fail(L, n, WEIR_ENOTSUP, "attr approximate=\"%s\" is not supported", ap);
	if ((rc = lo_req(L, n, 0, &x)) || (rc = lo_new_attrs(L, n, &a)))
		return rc;
	if (weir_attrs_set_string(a, "approximate", ap))
		return lo_nomem(L, n);
	if ((rc = lw_op1(L, n, "Gelu", x, a, &y)))
		return rc;
	return lw_out(L, n, 0, y);
}

/* IsNaN: x != x. */
static int lo_isnan(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	int x, y, rc;
	if ((rc = lo_req(L, n, 0, &x)) || (rc = lw_op2(L, n, "NotEqual", x, x, NULL, &y)))
		return rc;
	return lw_out(L, n, 0, y);
}

/* IsInf: x == +inf (detect_positive) or x == -inf (detect_negative). */
static int lo_isinf(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	int x, y = -1, rc;
	if ((rc = lo_req(L, n, 0, &x)))
		return rc;
	bool pos = lo_int(n, "detect_positive", 1) != 0, neg = lo_int(n, "detect_negative", 1) != 0;
	for (int s = 0; s < 2; s++) {
		if (!(s ? neg : pos))
			continue;
		int c, e;
		if ((rc = lo_scalar_like(L, x, s ? -INFINITY : INFINITY, &c)) ||
		    (rc = lw_op2(L, n, "Equal", x, c, NULL, &e)))
			return rc;
		if (y < 0)
			y = e;
		else if ((rc = lw_op2(L, n, "LogicalOr", y, e, NULL, &y)))
			return rc;
	}
	if (y < 0) { /* neither: all false */
		int c;
		if ((rc = lo_scalar_like(L, x, 0, &c)) ||
		    (rc = lw_op2(L, n, "NotEqual", c, c, NULL, &c)))
			return rc;
		const weir_tensor_desc_t *d = lw_desc(L, x);
		weir_attrs_t *a;
		if ((rc = lo_new_attrs(L, n, &a)))
			return rc;
		if (weir_attrs_set_ints(a, "shape", d->dims, d->rank))
			return lo_nomem(L, n);
		if ((rc = lw_op1(L, n, "Expand", c, a, &y)))
			return rc;
	}
	return lw_out(L, n, 0, y);
}

/* Cast (attr to: an ONNX dtype), CastLike (the dtype of input 1). */
static int lo_cast(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	int x, y, rc, dt;
	if ((rc = lo_req(L, n, 0, &x)))
		return rc;
	if (!strcmp(lw_type(n), "CastLike")) {
		int t;
		if ((rc = lo_req(L, n, 1, &t)))
			return rc;
		dt = lw_desc(L, t)->dtype;
	} else {
		if (!lo_has(n, "to"))
			return lw_fail(L, n, WEIR_EINVAL, "attr to is required");
		int64_t to = lo_int(n, "to", 0);
		dt = lo_dtype(to);
		if (dt < 0)
			return lw_fail(L, n, WEIR_ENOTSUP,
			               "attr to=%lld (a dtype weir does not have: string, float8, "
			               "complex) is not supported",
			               (long long)to);
	}
	if ((rc = lw_cast(L, n, x, dt, &y)))
		return rc;
	return lw_out(L, n, 0, y);
}

/* Dropout at inference: y = x; the optional mask is all true. With
 * training_mode true and a non-zero ratio the result is random: refused. */
static int lo_dropout(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	int x, rc;
	if ((rc = lo_req(L, n, 0, &x)))
		return rc;
	double ratio = lo_float(n, "ratio", 0.5f);
	bool training = lo_int(n, "is_test", 1) == 0 && lw_opset(L) < 7;
	int r = lw_in(L, n, 1), t = lw_in(L, n, 2);
	size_t cnt;
	if (t >= 0) {
		int64_t tv[1];
		if ((rc = lw_ints(L, n, t, tv, 1, &cnt)))
			return rc;
		training = cnt == 1 && tv[0] != 0;
	}
	if (training && r >= 0 && (rc = lw_floats(L, n, r, &ratio, 1, &cnt)))
		return rc;
	if (training && ratio != 0)
		return lw_fail(L, n, WEIR_ENOTSUP,
		               "training_mode=true with ratio %g (random) is not supported", ratio);
	if ((rc = lw_out(L, n, 0, x)))
		return rc;
	if (lw_nout(n) > 1) {
		const weir_tensor_desc_t *d = lw_desc(L, x);
		int one, m;
		weir_attrs_t *a;
		if ((rc = lw_const_scalar(L, WEIR_DT_BOOL, 1, &one)) ||
		    (rc = lo_new_attrs(L, n, &a)))
			return rc;
		if (weir_attrs_set_ints(a, "shape", d->dims, d->rank))
			return lo_nomem(L, n);
		if ((rc = lw_op1(L, n, "Expand", one, a, &m)))
			return rc;
		return lw_out(L, n, 1, m);
	}
	return WEIR_OK;
}

/* Constant: value (a tensor), value_float(s), value_int(s). */
static int lo_constant(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	const weir_attrs_t *at = lw_attrs(n);
	int lv, rc;
	const weir_tensor_desc_t *td;
	const void *data;
	const int64_t *iv;
	const float *fv;
	size_t cnt;
	if (weir_attrs_get_tensor(at, "value", &td, &data) == WEIR_OK) {
		rc = lw_const(L, td, data, &lv);
	} else if (weir_attrs_type(at, "value_float") != WEIR_ATTR_NONE) {
		rc = lw_const_scalar(L, WEIR_DT_FLOAT, lo_float(n, "value_float", 0), &lv);
	} else if (weir_attrs_type(at, "value_int") != WEIR_ATTR_NONE) {
		rc = lw_const_scalar(L, WEIR_DT_INT64, (double)lo_int(n, "value_int", 0), &lv);
		if (!rc &&
		    lo_int(n, "value_int", 0) != (int64_t)(double)lo_int(n, "value_int", 0)) {
			int64_t v = lo_int(n, "value_int", 0);
			weir_tensor_desc_t d;
			weir_tensor_desc_init(&d, WEIR_DT_INT64, 0, NULL);
			rc = lw_const(L, &d, &v, &lv);
		}
	} else if (weir_attrs_get_ints(at, "value_ints", &iv, &cnt) == WEIR_OK) {
		rc = lw_const_ints(L, iv, (uint32_t)cnt, &lv);
	} else if (weir_attrs_get_floats(at, "value_floats", &fv, &cnt) == WEIR_OK) {
		weir_tensor_desc_t d;
		int64_t dim = (int64_t)cnt;
		weir_tensor_desc_init(&d, WEIR_DT_FLOAT, 1, &dim);
		rc = lw_const(L, &d, fv, &lv);
	} else if (lo_has(n, "sparse_value") || lo_has(n, "value_string") ||
	           lo_has(n, "value_strings")) {
		return lw_fail(L, n, WEIR_ENOTSUP, "sparse and string constants are not supported");
	} else {
		return lw_fail(L, n, WEIR_EINVAL, "no value attribute");
	}
	if (rc)
		return rc;
	return lw_out(L, n, 0, lv);
}

/* ---- the table ---------------------------------------------------------------------- */

const lw_rule_t weir__lw_rules_onnx[] = {
	/* elementwise binary (numpy broadcasting, one dtype) */
	{ "Add", lw_rule_same, "Add" },
	{ "Sub", lw_rule_same, "Sub" },
	{ "Mul", lw_rule_same, "Mul" },
	{ "Div", lw_rule_same, "Div" },
	{ "Pow", lo_pow, NULL },
	{ "Mod", lw_rule_same, "Mod" },
	{ "BitShift", lw_rule_same, "BitShift" },
	{ "PRelu", lw_rule_same, "PRelu" },
	{ "Sum", lo_variadic, "Add" },
	{ "Max", lo_variadic, "Maximum" },
	{ "Min", lo_variadic, "Minimum" },
	{ "Mean", lo_variadic, "Mean" },
	/* unary */
	{ "Neg", lw_rule_same, "Neg" },
	{ "Abs", lw_rule_same, "Abs" },
	{ "Exp", lw_rule_same, "Exp" },
	{ "Log", lw_rule_same, "Log" },
	{ "Sqrt", lw_rule_same, "Sqrt" },
	{ "Reciprocal", lw_rule_same, "Reciprocal" },
	{ "Floor", lw_rule_same, "Floor" },
	{ "Ceil", lw_rule_same, "Ceil" },
	{ "Round", lw_rule_same, "Round" },
	{ "Sign", lw_rule_same, "Sign" },
	{ "Erf", lw_rule_same, "Erf" },
	{ "Sin", lw_rule_same, "Sin" },
	{ "Cos", lw_rule_same, "Cos" },
	{ "Tan", lw_rule_same, "Tan" },
	{ "Asin", lw_rule_same, "Asin" },
	{ "Acos", lw_rule_same, "Acos" },
	{ "Atan", lw_rule_same, "Atan" },
	{ "Sinh", lw_rule_same, "Sinh" },
	{ "Cosh", lw_rule_same, "Cosh" },
	{ "Asinh", lw_rule_same, "Asinh" },
	{ "Acosh", lw_rule_same, "Acosh" },
	{ "Atanh", lw_rule_same, "Atanh" },
	{ "Tanh", lw_rule_same, "Tanh" },
	{ "Sigmoid", lw_rule_same, "Sigmoid" },
	{ "Relu", lw_rule_same, "Relu" },
	{ "Gelu", lo_gelu, NULL },
	{ "LeakyRelu", lw_rule_same, "LeakyRelu" },
	{ "Elu", lw_rule_same, "Elu" },
	{ "Selu", lw_rule_same, "Selu" },
	{ "Celu", lw_rule_same, "Celu" },
	{ "HardSigmoid", lw_rule_same, "HardSigmoid" },
	{ "HardSwish", lw_rule_same, "HardSwish" },
	{ "Softplus", lw_rule_same, "Softplus" },
	{ "Softsign", lw_rule_same, "Softsign" },
	{ "ThresholdedRelu", lw_rule_same, "ThresholdedRelu" },
	{ "Mish", lw_rule_same, "Mish" },
	{ "Shrink", lw_rule_same, "Shrink" },
	{ "Softmax", lo_softmax, "Softmax" },
	{ "LogSoftmax", lo_softmax, "LogSoftmax" },
	{ "Hardmax", lo_softmax, "Hardmax" },
	{ "Clip", lo_clip, NULL },
	{ "IsNaN", lo_isnan, NULL },
	{ "IsInf", lo_isinf, NULL },
	/* comparison and logic */
	{ "Equal", lw_rule_same, "Equal" },
	{ "Less", lw_rule_same, "Less" },
	{ "LessOrEqual", lw_rule_same, "LessEqual" },
	{ "Greater", lw_rule_same, "Greater" },
	{ "GreaterOrEqual", lw_rule_same, "GreaterEqual" },
	{ "Not", lw_rule_same, "LogicalNot" },
	{ "And", lw_rule_same, "LogicalAnd" },
	{ "Or", lw_rule_same, "LogicalOr" },
	{ "Xor", lw_rule_same, "NotEqual" }, /* on bools, a != b */
	{ "Where", lw_rule_same, "Where" },
	/* types and constants */
	{ "Cast", lo_cast, NULL },
	{ "CastLike", lo_cast, NULL },
	{ "Identity", lw_rule_identity, NULL },
	{ "Dropout", lo_dropout, NULL },
	{ "Constant", lo_constant, NULL },
	LO_SHAPE_RULES LO_REDUCE_RULES LO_NN_RULES
};
const size_t weir__lw_rules_onnx_count =
        sizeof(weir__lw_rules_onnx) / sizeof(weir__lw_rules_onnx[0]);
