/*
 * acl_compat/ge/lower_onnx_reduce.c - ONNX reductions (Reduce*: axes as an
 * attr, or an input from opset 13 (ReduceSum) / 18 (the others); keepdims;
 * noop_with_empty_axes), ArgMax/ArgMin and TopK (lower_onnx.h).
 */
#include <string.h>
#include "acl_compat/ge/lower_onnx.h"

LO_RULE(lo_reduce_rule)
{
	int x, y, rc;
	int64_t axes[LO_MAX_LIST];
	size_t cnt;
	bool present;
	if ((rc = lo_req(L, n, 0, &x)) ||
	    (rc = lo_list(L, n, "axes", 1, axes, LO_MAX_LIST, &cnt, &present)))
		return rc;
	bool keep = lo_int(n, "keepdims", 1) != 0;
	if (!cnt && lo_int(n, "noop_with_empty_axes", 0))
		return lw_out(L, n, 0, x);
	rc = lo_reduce(L, n, arg, x, axes, cnt, keep, &y);
	if (rc)
		return rc;
	return lw_out(L, n, 0, y);
}

/* ArgMax/ArgMin (axis 0, keepdims 1); select_last_index reverses the axis
 * and maps i back to dim - 1 - i. */
LO_RULE(lo_argmax)
{
	int x, y, rc;
	if ((rc = lo_req(L, n, 0, &x)))
		return rc;
	const weir_tensor_desc_t d = *lw_desc(L, x);
	int64_t axis;
	if ((rc = lo_axis(L, n, lo_int(n, "axis", 0), d.rank ? d.rank : 1, "axis", &axis)))
		return rc;
	bool last = lo_int(n, "select_last_index", 0) != 0 && d.rank > 0;
	weir_attrs_t *a;
	if ((rc = lo_new_attrs(L, n, &a)))
		return rc;
	if (last) {
		int64_t b[WEIR_MAX_RANK], e[WEIR_MAX_RANK], s[WEIR_MAX_RANK];
		for (uint32_t i = 0; i < d.rank; i++) {
			b[i] = i == axis ? -1 : 0;
			e[i] = i == axis ? INT64_MIN : INT64_MAX;
			s[i] = i == axis ? -1 : 1;
		}
		weir_attrs_t *sa;
		if ((rc = lo_new_attrs(L, n, &sa)))
			return rc;
		if (weir_attrs_set_ints(sa, "begin", b, d.rank) ||
		    weir_attrs_set_ints(sa, "end", e, d.rank) ||
		    weir_attrs_set_ints(sa, "strides", s, d.rank))
			return lo_nomem(L, n);
		if ((rc = lw_op1(L, n, "Slice", x, sa, &x)))
			return rc;
	}
	if (weir_attrs_set_int(a, "axis", axis) ||
	    weir_attrs_set_bool(a, "keep_dims", lo_int(n, "keepdims", 1) != 0) ||
	    weir_attrs_set_int(a, "dtype", WEIR_DT_INT64))
		return lo_nomem(L, n);
	if ((rc = lw_op1(L, n, arg, x, a, &y)))
		return rc;
	if (last) {
		int c;
		if ((rc = lw_const_scalar(L, WEIR_DT_INT64, (double)(d.dims[axis] - 1), &c)) ||
		    (rc = lw_op2(L, n, "Sub", c, y, NULL, &y)))
			return rc;
	}
	return lw_out(L, n, 0, y);
}

/* TopK: k as attr (opset < 10) or input 1; axis -1, largest, sorted. */
LO_RULE(lo_topk)
{
	(void)arg;
	int x, rc, out[2];
	int64_t k;
	size_t cnt;
	bool present;
	if ((rc = lo_req(L, n, 0, &x)) || (rc = lo_list(L, n, "k", 1, &k, 1, &cnt, &present)))
		return rc;
	if (!present || cnt != 1)
		return lw_fail(L, n, WEIR_EINVAL, "needs one k");
	weir_attrs_t *a;
	if ((rc = lo_new_attrs(L, n, &a)))
		return rc;
	if (weir_attrs_set_int(a, "k", k) || weir_attrs_set_int(a, "dim", lo_int(n, "axis", -1)) ||
	    weir_attrs_set_bool(a, "largest", lo_int(n, "largest", 1) != 0) ||
	    weir_attrs_set_bool(a, "sorted", lo_int(n, "sorted", 1) != 0))
		return lo_nomem(L, n);
	if ((rc = lw_op(L, n, "TopK", &x, 1, a, 2, out)) || (rc = lw_out(L, n, 0, out[0])))
		return rc;
	return lw_out(L, n, 1, out[1]);
}
