/*
 * acl_compat/ge/lower_onnx_shape.c - ONNX shape and data-movement rules
 * (lower_onnx.h): shapes are static per lowering, so Shape and Size fold,
 * and every shape-like input (shape, axes, pads, repeats, starts/ends, k)
 * is read with lw_ints and given to the op as an attr.
 */
#include <limits.h>
#include <string.h>
#include "acl_compat/ge/lower_onnx.h"

static int lo_x(lw_t *L, const lw_node_t *n, int *x, weir_tensor_desc_t *d)
{
	int rc = lo_req(L, n, 0, x);
	if (!rc)
		*d = *lw_desc(L, *x);
	return rc;
}

static int lo_set_ints(lw_t *L, const lw_node_t *n, weir_attrs_t **a, const char *name,
                       const int64_t *v, size_t cnt)
{
	int rc = *a ? WEIR_OK : lo_new_attrs(L, n, a);
	if (!rc && weir_attrs_set_ints(*a, name, v, cnt))
		rc = lo_nomem(L, n);
	return rc;
}

static int lo_done(lw_t *L, const lw_node_t *n, int rc, int y)
{
	return rc ? rc : lw_out(L, n, 0, y);
}

LO_RULE(lo_shape)
{
	(void)arg;
	int x, y, rc;
	weir_tensor_desc_t d;
	if ((rc = lo_x(L, n, &x, &d)))
		return rc;
	int64_t r = d.rank, s = lo_int(n, "start", 0), e = lo_int(n, "end", r);
	s = s < 0 ? s + r : s;
	e = e < 0 ? e + r : e;
	s = s < 0 ? 0 : s > r ? r : s;
	e = e < 0 ? 0 : e > r ? r : e;
	if (e < s)
		e = s;
	rc = lw_const_ints(L, d.dims + s, (uint32_t)(e - s), &y);
	return lo_done(L, n, rc, y);
}

LO_RULE(lo_size)
{
	(void)arg;
	int x, y, rc;
	weir_tensor_desc_t d;
	if ((rc = lo_x(L, n, &x, &d)))
		return rc;
	int64_t cnt = weir_tensor_desc_numel(&d);
	weir_tensor_desc_t sd;
	weir_tensor_desc_init(&sd, WEIR_DT_INT64, 0, NULL);
	rc = lw_const(L, &sd, &cnt, &y);
	return lo_done(L, n, rc, y);
}

LO_RULE(lo_reshape)
{
	(void)arg;
	int x, y, rc;
	weir_tensor_desc_t d;
	int64_t shape[LO_MAX_LIST];
	size_t cnt;
	bool present;
	weir_attrs_t *a = NULL;
	if ((rc = lo_x(L, n, &x, &d)) ||
	    (rc = lo_list(L, n, "shape", 1, shape, LO_MAX_LIST, &cnt, &present)))
		return rc;
	if (!present)
		return lw_fail(L, n, WEIR_EINVAL, "no shape");
	if ((rc = lo_set_ints(L, n, &a, "shape", shape, cnt)))
		return rc;
	if (weir_attrs_set_int(a, "allowzero", lo_int(n, "allowzero", 0)))
		return lo_nomem(L, n);
	rc = lw_op1(L, n, "Reshape", x, a, &y);
	return lo_done(L, n, rc, y);
}

LO_RULE(lo_flatten)
{
	(void)arg;
	int x, y, rc;
	weir_tensor_desc_t d;
	if ((rc = lo_x(L, n, &x, &d)))
		return rc;
	int64_t axis = lo_int(n, "axis", 1), r = d.rank;
	if (axis < -r || axis > r)
		return lw_fail(L, n, WEIR_EINVAL, "axis %lld is out of range for rank %lld",
		               (long long)axis, (long long)r);
	if (axis < 0)
		axis += r;
	int64_t two[2] = { 1, 1 };
	for (int64_t i = 0; i < r; i++)
		two[i < axis ? 0 : 1] *= d.dims[i];
	rc = lw_reshape(L, n, x, two, 2, &y);
	return lo_done(L, n, rc, y);
}

LO_RULE(lo_squeeze)
{
	(void)arg;
	int x, y, rc;
	weir_tensor_desc_t d;
	int64_t axes[LO_MAX_LIST], dims[WEIR_MAX_RANK];
	size_t cnt;
	bool present, drop[WEIR_MAX_RANK] = { false };
	if ((rc = lo_x(L, n, &x, &d)) ||
	    (rc = lo_list(L, n, "axes", 1, axes, LO_MAX_LIST, &cnt, &present)))
		return rc;
	if (!cnt)
		for (uint32_t i = 0; i < d.rank; i++)
			drop[i] = d.dims[i] == 1;
	for (size_t i = 0; i < cnt; i++) {
		int64_t ax;
		if ((rc = lo_axis(L, n, axes[i], d.rank, "axis", &ax)))
			return rc;
		if (d.dims[ax] != 1)
			return lw_fail(L, n, WEIR_ESHAPE, "cannot squeeze dim %lld of size %lld",
			               (long long)ax, (long long)d.dims[ax]);
		drop[ax] = true;
	}
	uint32_t r = 0;
	for (uint32_t i = 0; i < d.rank; i++)
		if (!drop[i])
			dims[r++] = d.dims[i];
	rc = lw_reshape(L, n, x, dims, r, &y);
	return lo_done(L, n, rc, y);
}

LO_RULE(lo_unsqueeze)
{
	(void)arg;
	int x, y, rc;
	weir_tensor_desc_t d;
	int64_t axes[LO_MAX_LIST], dims[WEIR_MAX_RANK];
	size_t cnt;
	bool present, ins[WEIR_MAX_RANK] = { false };
	if ((rc = lo_x(L, n, &x, &d)) ||
	    (rc = lo_list(L, n, "axes", 1, axes, LO_MAX_LIST, &cnt, &present)))
		return rc;
	int64_t r = (int64_t)d.rank + (int64_t)cnt;
	if (r > WEIR_MAX_RANK)
		return lw_fail(L, n, WEIR_ENOTSUP, "an output of rank %lld (at most %d)",
		               (long long)r, WEIR_MAX_RANK);
	for (size_t i = 0; i < cnt; i++) {
		int64_t ax;
		if ((rc = lo_axis(L, n, axes[i], r, "axis", &ax)))
			return rc;
		if (ins[ax])
			return lw_fail(L, n, WEIR_EINVAL, "axis %lld is listed twice",
			               (long long)ax);
		ins[ax] = true;
	}
	for (int64_t i = 0, k = 0; i < r; i++)
		dims[i] = ins[i] ? 1 : d.dims[k++];
	rc = lw_reshape(L, n, x, dims, (uint32_t)r, &y);
	return lo_done(L, n, rc, y);
}

LO_RULE(lo_split)
{
	(void)arg;
	int x, rc, out[LO_MAX_LIST];
	weir_tensor_desc_t d;
	int64_t split[LO_MAX_LIST], axis;
	size_t cnt;
	bool present;
	uint32_t nout = lw_nout(n);
	weir_attrs_t *a = NULL;
	if (nout > LO_MAX_LIST)
		return lw_fail(L, n, WEIR_ENOTSUP, "more than %d outputs", LO_MAX_LIST);
	if ((rc = lo_x(L, n, &x, &d)) ||
	    (rc = lo_list(L, n, "split", 1, split, LO_MAX_LIST, &cnt, &present)) ||
	    (rc = lo_axis(L, n, lo_int(n, "axis", 0), d.rank, "axis", &axis)))
		return rc;
	if (!present && lo_has(n, "num_outputs")) {
		/* opset 18: ceil-sized parts, the last one smaller */
		int64_t k = lo_int(n, "num_outputs", 0), dim = d.dims[axis];
		if (k != nout || k <= 0)
			return lw_fail(L, n, WEIR_EINVAL, "num_outputs %lld with %u outputs",
			               (long long)k, nout);
		int64_t part = (dim + k - 1) / k;
		for (int64_t i = 0; i < k; i++) {
			int64_t left = dim - i * part;
			split[i] = left < 0 ? 0 : left < part ? left : part;
		}
		cnt = (size_t)k;
		present = true;
	}
	if ((rc = lo_new_attrs(L, n, &a)))
		return rc;
	if (weir_attrs_set_int(a, "axis", axis))
		return lo_nomem(L, n);
	if (present && (rc = lo_set_ints(L, n, &a, "split", split, cnt)))
		return rc;
	if ((rc = lw_op(L, n, "Split", &x, 1, a, nout, out)))
		return rc;
	for (uint32_t j = 0; j < nout && !rc; j++)
		rc = lw_out(L, n, j, out[j]);
	return rc;
}

LO_RULE(lo_slice)
{
	(void)arg;
	int x, y, rc;
	weir_tensor_desc_t d;
	int64_t st[LO_MAX_LIST], en[LO_MAX_LIST], ax[LO_MAX_LIST], sp[LO_MAX_LIST];
	int64_t b[WEIR_MAX_RANK], e[WEIR_MAX_RANK], s[WEIR_MAX_RANK];
	size_t ns, ne, na, np;
	bool ps, pe, pa, pp;
	if ((rc = lo_x(L, n, &x, &d)) ||
	    (rc = lo_list(L, n, "starts", 1, st, LO_MAX_LIST, &ns, &ps)) ||
	    (rc = lo_list(L, n, "ends", 2, en, LO_MAX_LIST, &ne, &pe)) ||
	    (rc = lo_list(L, n, "axes", 3, ax, LO_MAX_LIST, &na, &pa)) ||
	    (rc = lw_in(L, n, 4) >= 0 ? lw_ints(L, n, lw_in(L, n, 4), sp, LO_MAX_LIST, &np) : 0))
		return rc;
	pp = lw_in(L, n, 4) >= 0;
	if (!ps || !pe || ns != ne || (pa && na != ns) || (pp && np != ns))
		return lw_fail(L, n, WEIR_EINVAL, "starts, ends, axes and steps differ in length");
	for (uint32_t i = 0; i < d.rank; i++) {
		b[i] = 0;
		e[i] = INT64_MAX;
		s[i] = 1;
	}
	bool seen[WEIR_MAX_RANK] = { false };
	for (size_t i = 0; i < ns; i++) {
		int64_t a = (int64_t)i;
		if (pa && (rc = lo_axis(L, n, ax[i], d.rank, "axis", &a)))
			return rc;
		if (a < 0 || a >= (int64_t)d.rank)
			return lw_fail(L, n, WEIR_EINVAL,
			               "%zu starts for a rank-%u input (without axes, one per dim "
			               "at most)",
			               ns, d.rank);
		if (seen[a])
			return lw_fail(L, n, WEIR_EINVAL, "axis %lld is listed twice",
			               (long long)a);
		seen[a] = true;
		b[a] = st[i];
		e[a] = en[i];
		s[a] = pp ? sp[i] : 1;
		if (!s[a])
			return lw_fail(L, n, WEIR_EINVAL, "a step is 0");
	}
	if (d.rank == 0)
		return lw_fail(L, n, WEIR_EINVAL, "cannot slice a rank-0 tensor");
	weir_attrs_t *at = NULL;
	if ((rc = lo_set_ints(L, n, &at, "begin", b, d.rank)) ||
	    (rc = lo_set_ints(L, n, &at, "end", e, d.rank)) ||
	    (rc = lo_set_ints(L, n, &at, "strides", s, d.rank)))
		return rc;
	rc = lw_op1(L, n, "Slice", x, at, &y);
	return lo_done(L, n, rc, y);
}

/* Bidirectional broadcast of x's shape with the requested one. */
LO_RULE(lo_expand)
{
	(void)arg;
	int x, y, rc;
	weir_tensor_desc_t d;
	int64_t shape[LO_MAX_LIST], out[WEIR_MAX_RANK];
	size_t cnt;
	bool present;
	if ((rc = lo_x(L, n, &x, &d)) ||
	    (rc = lo_list(L, n, NULL, 1, shape, LO_MAX_LIST, &cnt, &present)))
		return rc;
	size_t r = cnt > d.rank ? cnt : d.rank;
	if (r > WEIR_MAX_RANK)
		return lw_fail(L, n, WEIR_ENOTSUP, "rank %zu (at most %d)", r, WEIR_MAX_RANK);
	for (size_t i = 0; i < r; i++) {
		int64_t a = i + d.rank >= r ? d.dims[i + d.rank - r] : 1;
		int64_t b = i + cnt >= r ? shape[i + cnt - r] : 1;
		if (a != b && a != 1 && b != 1)
			return lw_fail(L, n, WEIR_ESHAPE, "dim %lld does not broadcast to %lld",
			               (long long)a, (long long)b);
		out[i] = a == 1 ? b : a;
	}
	weir_attrs_t *at = NULL;
	if ((rc = lo_set_ints(L, n, &at, "shape", out, r)))
		return rc;
	rc = lw_op1(L, n, "Expand", x, at, &y);
	return lo_done(L, n, rc, y);
}

LO_RULE(lo_tile)
{
	(void)arg;
	int x, y, rc;
	weir_tensor_desc_t d;
	int64_t rep[LO_MAX_LIST];
	size_t cnt;
	bool present;
	weir_attrs_t *at = NULL;
	if ((rc = lo_x(L, n, &x, &d)) ||
	    (rc = lo_list(L, n, NULL, 1, rep, LO_MAX_LIST, &cnt, &present)))
		return rc;
	if (!present || cnt != d.rank)
		return lw_fail(L, n, WEIR_EINVAL, "repeats has %zu entries for rank %u", cnt,
		               d.rank);
	if ((rc = lo_set_ints(L, n, &at, "multiples", rep, cnt)))
		return rc;
	rc = lw_op1(L, n, "Tile", x, at, &y);
	return lo_done(L, n, rc, y);
}

LO_RULE(lo_pad)
{
	(void)arg;
	int x, y, rc;
	weir_tensor_desc_t d;
	int64_t pads[LO_MAX_LIST], axes[LO_MAX_LIST], full[2 * WEIR_MAX_RANK] = { 0 };
	size_t cnt, na;
	bool present, pa;
	double value = lo_float(n, "value", 0);
	if ((rc = lo_x(L, n, &x, &d)) ||
	    (rc = lo_list(L, n, "pads", 1, pads, LO_MAX_LIST, &cnt, &present)) ||
	    (rc = lo_list(L, n, NULL, 3, axes, LO_MAX_LIST, &na, &pa)))
		return rc;
	if (!pa) {
		na = d.rank;
		for (size_t i = 0; i < na; i++)
			axes[i] = (int64_t)i;
	}
	if (!present || cnt != 2 * na)
		return lw_fail(L, n, WEIR_EINVAL, "pads has %zu entries for %zu axes", cnt, na);
	for (size_t i = 0; i < na; i++) {
		int64_t a;
		if ((rc = lo_axis(L, n, axes[i], d.rank, "axis", &a)))
			return rc;
		full[a] = pads[i];
		full[a + d.rank] = pads[i + na];
	}
	int cv = lw_in(L, n, 2);
	if (cv >= 0) {
		size_t one;
		if ((rc = lw_floats(L, n, cv, &value, 1, &one)))
			return rc;
		if (one != 1)
			value = 0;
	}
	const char *mode = lo_str(n, "mode", "constant");
	if (strcmp(mode, "constant") && strcmp(mode, "reflect") && strcmp(mode, "edge"))
		return lw_fail(L, n, WEIR_ENOTSUP, "attr mode=\"%s\" is not supported", mode);
	weir_attrs_t *at = NULL;
	if ((rc = lo_set_ints(L, n, &at, "pads", full, 2 * d.rank)))
		return rc;
	if (weir_attrs_set_string(at, "mode", mode) ||
	    weir_attrs_set_float(at, "value", (float)value))
		return lo_nomem(L, n);
	rc = lw_op1(L, n, "Pad", x, at, &y);
	return lo_done(L, n, rc, y);
}

/* Range: the op reads its inputs at inference; demanding them makes graph
 * inputs part of the cache key and the op folds. */
LO_RULE(lo_range)
{
	(void)arg;
	int in[3], y, rc;
	for (uint32_t i = 0; i < 3; i++) {
		const void *p;
		if ((rc = lo_req(L, n, i, &in[i])) || (rc = lw_value(L, n, in[i], &p)))
			return rc;
	}
	rc = lw_op(L, n, "Range", in, 3, NULL, 1, &y);
	return lo_done(L, n, rc, y);
}

LO_RULE(lo_trilu)
{
	(void)arg;
	int x, y, rc;
	weir_tensor_desc_t d;
	int64_t k = 0;
	size_t cnt;
	if ((rc = lo_x(L, n, &x, &d)))
		return rc;
	if (lw_in(L, n, 1) >= 0 && (rc = lw_ints(L, n, lw_in(L, n, 1), &k, 1, &cnt)))
		return rc;
	weir_attrs_t *at;
	if ((rc = lo_new_attrs(L, n, &at)))
		return rc;
	if (weir_attrs_set_int(at, "diagonal", k))
		return lo_nomem(L, n);
	rc = lw_op1(L, n, lo_int(n, "upper", 1) ? "Triu" : "Tril", x, at, &y);
	return lo_done(L, n, rc, y);
}

LO_RULE(lo_onehot)
{
	(void)arg;
	int idx, dep, val, y, rc;
	double depth;
	size_t cnt;
	if ((rc = lo_req(L, n, 0, &idx)) || (rc = lo_req(L, n, 1, &dep)) ||
	    (rc = lo_req(L, n, 2, &val)) || (rc = lw_floats(L, n, dep, &depth, 1, &cnt)))
		return rc;
	weir_attrs_t *at;
	if ((rc = lo_new_attrs(L, n, &at)))
		return rc;
	if (weir_attrs_set_int(at, "depth", (int64_t)depth) ||
	    weir_attrs_set_int(at, "axis", lo_int(n, "axis", -1)))
		return lo_nomem(L, n);
	rc = lw_op2(L, n, "OneHot", idx, val, at, &y);
	return lo_done(L, n, rc, y);
}

LO_RULE(lo_constant_of_shape)
{
	(void)arg;
	int s, v, y, rc;
	int64_t shape[LO_MAX_LIST];
	size_t cnt;
	const weir_tensor_desc_t *td;
	const void *data;
	if ((rc = lo_req(L, n, 0, &s)) || (rc = lw_ints(L, n, s, shape, LO_MAX_LIST, &cnt)))
		return rc;
	if (weir_attrs_get_tensor(lw_attrs(n), "value", &td, &data) == WEIR_OK) {
		weir_tensor_desc_t sd;
		if (weir_tensor_desc_numel(td) != 1)
			return lw_fail(L, n, WEIR_EINVAL, "attr value must have one element");
		weir_tensor_desc_init(&sd, td->dtype, 0, NULL);
		rc = lw_const(L, &sd, data, &v);
	} else {
		rc = lw_const_scalar(L, WEIR_DT_FLOAT, 0, &v);
	}
	weir_attrs_t *at = NULL;
	if (rc || (rc = lo_set_ints(L, n, &at, "shape", shape, cnt)))
		return rc;
	rc = lw_op1(L, n, "Expand", v, at, &y);
	return lo_done(L, n, rc, y);
}

LO_RULE(lo_eyelike)
{
	(void)arg;
	int x, y, rc;
	weir_tensor_desc_t d;
	if ((rc = lo_x(L, n, &x, &d)))
		return rc;
	int dt = d.dtype;
	if (lo_has(n, "dtype") && (dt = lo_dtype(lo_int(n, "dtype", 1))) < 0)
		return lw_fail(L, n, WEIR_ENOTSUP, "attr dtype=%lld is not supported",
		               (long long)lo_int(n, "dtype", 1));
	weir_attrs_t *at;
	if ((rc = lo_new_attrs(L, n, &at)))
		return rc;
	if (weir_attrs_set_int(at, "k", lo_int(n, "k", 0)) || weir_attrs_set_int(at, "dtype", dt))
		return lo_nomem(L, n);
	rc = lw_op1(L, n, "EyeLike", x, at, &y);
	return lo_done(L, n, rc, y);
}

/* DepthToSpace (DCR or CRD) and SpaceToDepth: Reshape, Transpose, Reshape. */
LO_RULE(lo_depth_space)
{
	(void)arg;
	int x, y, rc;
	weir_tensor_desc_t d;
	if ((rc = lo_x(L, n, &x, &d)))
		return rc;
	int64_t b = lo_int(n, "blocksize", 0);
	if (d.rank != 4 || b <= 0)
		return lw_fail(L, n, WEIR_EINVAL, "needs a 4-D input and blocksize >= 1");
	int64_t N = d.dims[0], C = d.dims[1], H = d.dims[2], W = d.dims[3];
	int64_t six[6], perm[6], four[4];
	if (!strcmp(lw_type(n), "DepthToSpace")) {
		if (C % (b * b))
			return lw_fail(L, n, WEIR_ESHAPE,
			               "channels %lld are not a multiple of %lld", (long long)C,
			               (long long)(b * b));
		const char *mode = lo_str(n, "mode", "DCR");
		int64_t c = C / (b * b);
		if (!strcmp(mode, "DCR")) {
			int64_t s6[6] = { N, b, b, c, H, W }, p6[6] = { 0, 3, 4, 1, 5, 2 };
			memcpy(six, s6, sizeof(six));
			memcpy(perm, p6, sizeof(perm));
		} else if (!strcmp(mode, "CRD")) {
			int64_t s6[6] = { N, c, b, b, H, W }, p6[6] = { 0, 1, 4, 2, 5, 3 };
			memcpy(six, s6, sizeof(six));
			memcpy(perm, p6, sizeof(perm));
		} else {
			return lw_fail(L, n, WEIR_ENOTSUP, "attr mode=\"%s\" is not supported",
			               mode);
		}
		int64_t f[4] = { N, c, H * b, W * b };
		memcpy(four, f, sizeof(four));
	} else {
		if (H % b || W % b)
			return lw_fail(L, n, WEIR_ESHAPE, "H and W are not multiples of %lld",
			               (long long)b);
		int64_t s6[6] = { N, C, H / b, b, W / b, b }, p6[6] = { 0, 3, 5, 1, 2, 4 };
		memcpy(six, s6, sizeof(six));
		memcpy(perm, p6, sizeof(perm));
		int64_t f[4] = { N, C * b * b, H / b, W / b };
		memcpy(four, f, sizeof(four));
	}
	weir_attrs_t *at = NULL;
	if ((rc = lo_set_ints(L, n, &at, "perm", perm, 6)) ||
	    (rc = lw_reshape(L, n, x, six, 6, &y)) || (rc = lw_op1(L, n, "Transpose", y, at, &y)))
		return rc;
	rc = lw_reshape(L, n, y, four, 4, &y);
	return lo_done(L, n, rc, y);
}

LO_RULE(lo_cumsum)
{
	(void)arg;
	int x, ax, y, rc;
	int64_t axis;
	size_t cnt;
	if ((rc = lo_req(L, n, 0, &x)) || (rc = lo_req(L, n, 1, &ax)) ||
	    (rc = lw_ints(L, n, ax, &axis, 1, &cnt)))
		return rc;
	weir_attrs_t *at;
	if ((rc = lo_new_attrs(L, n, &at)))
		return rc;
	if (weir_attrs_set_int(at, "axis", axis) ||
	    weir_attrs_set_int(at, "exclusive", lo_int(n, "exclusive", 0)) ||
	    weir_attrs_set_int(at, "reverse", lo_int(n, "reverse", 0)))
		return lo_nomem(L, n);
	rc = lw_op1(L, n, "CumSum", x, at, &y);
	return lo_done(L, n, rc, y);
}
