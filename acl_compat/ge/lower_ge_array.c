/*
 * acl_compat/ge/lower_ge_array.c - GE IR lowering rules for shape ops,
 * reductions, concat/split/slice/gather and generation ops (lower_ge.h).
 * GE feeds shape-deciding values (shape, perm, axes, concat_dim, offsets,
 * k, multiples, paddings...) as tensor inputs where the op library takes
 * attrs: they are read with lw_ints (constants, folded values or graph
 * inputs, which then join the cache key); the "D" forms take them as attrs.
 */
#include <string.h>
#include "acl_compat/ge/lower_ge.h"

static int ge_set_ints(lw_t *L, const lw_node_t *n, weir_attrs_t *a, const char *name,
                       const int64_t *v, size_t cnt)
{
	return weir_attrs_set_ints(a, name, v, cnt) ? ge_oom(L, n) : WEIR_OK;
}

/* Reshape(x, shape; axis 0, num_axes -1): shape entries -1 (inferred) and 0
 * (copies x's dim) as the op library's Reshape. */
int ge_rule_reshape(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	int64_t shape[WEIR_MAX_RANK], axis, num_axes;
	size_t cnt;
	int x, y, rc = ge_in(L, n, 0, &x);
	if (!rc)
		rc = ge_int(L, n, "axis", 0, &axis);
	if (!rc)
		rc = ge_int(L, n, "num_axes", -1, &num_axes);
	if (!rc && (axis != 0 || num_axes != -1))
		rc = lw_fail(L, n, WEIR_ENOTSUP,
		             "attrs axis=%lld, num_axes=%lld are not supported (only 0, -1)",
		             (long long)axis, (long long)num_axes);
	if (!rc)
		rc = ge_in_ints(L, n, 1, shape, WEIR_MAX_RANK, &cnt);
	if (rc)
		return rc;
	weir_attrs_t *a = ge_attrs(L);
	if (!a)
		return ge_oom(L, n);
	if ((rc = ge_set_ints(L, n, a, "shape", shape, cnt)))
		return rc;
	rc = lw_op1(L, n, "Reshape", x, a, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* Transpose(x, perm), TransposeD(x; REQUIRED perm). */
int ge_rule_transpose(lw_t *L, const lw_node_t *n, const char *arg)
{
	int64_t buf[WEIR_MAX_RANK];
	const int64_t *perm = buf;
	size_t cnt;
	int x, y, rc = ge_in(L, n, 0, &x);
	if (!rc && !strcmp(arg, "input"))
		rc = ge_in_ints(L, n, 1, buf, WEIR_MAX_RANK, &cnt);
	else if (!rc && (rc = ge_need(L, n, "perm")) == 0)
		rc = ge_ints(L, n, "perm", NULL, 0, &perm, &cnt);
	if (!rc)
		rc = ge_transpose(L, n, x, perm, (uint32_t)cnt, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

static int ge_reduce(lw_t *L, const lw_node_t *n, const char *op, const int64_t *axes, size_t na)
{
	bool keep, noop;
	int x, y, rc = ge_in(L, n, 0, &x);
	if (!rc)
		rc = ge_bool(L, n, "keep_dims", false, &keep);
	if (!rc)
		rc = ge_bool(L, n, "noop_with_empty_axes", true, &noop);
	if (rc)
		return rc;
	if (na == 0 && noop)
		return lw_out(L, n, 0, x);
	weir_attrs_t *a = ge_attrs(L);
	if (!a || weir_attrs_set_bool(a, "keep_dims", keep))
		return ge_oom(L, n);
	if (na && (rc = ge_set_ints(L, n, a, "axes", axes, na)))
		return rc;
	rc = lw_op1(L, n, op, x, a, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* ReduceX(x, axes; keep_dims false[, noop_with_empty_axes true]): empty
 * axes leave x as it is unless noop_with_empty_axes is false (then every
 * dim is reduced). */
int ge_rule_reduce(lw_t *L, const lw_node_t *n, const char *arg)
{
	int64_t axes[GE_MAX_LIST];
	size_t na;
	int rc = ge_in_ints(L, n, 1, axes, GE_MAX_LIST, &na);
	return rc ? rc : ge_reduce(L, n, arg, axes, na);
}

/* ReduceXD(x; REQUIRED axes, keep_dims false). */
int ge_rule_reduce_d(lw_t *L, const lw_node_t *n, const char *arg)
{
	const int64_t *axes;
	size_t na;
	int rc = ge_need(L, n, "axes");
	if (!rc)
		rc = ge_ints(L, n, "axes", NULL, 0, &axes, &na);
	return rc ? rc : ge_reduce(L, n, arg, axes, na);
}

/* ConcatV2(x..., concat_dim; N), Concat(concat_dim, x...; N),
 * ConcatD/ConcatV2D(x...; REQUIRED concat_dim, N). */
int ge_rule_concat(lw_t *L, const lw_node_t *n, const char *arg)
{
	int64_t dim;
	uint32_t first = 0, count = lw_nin(n);
	int rc;
	if (!strcmp(arg, "last")) {
		if (count < 2)
			return lw_fail(L, n, WEIR_EINVAL, "needs inputs x... and concat_dim");
		count--;
		rc = ge_in_int(L, n, count, &dim);
	} else if (!strcmp(arg, "first")) {
		if (count < 2)
			return lw_fail(L, n, WEIR_EINVAL, "needs inputs concat_dim and x...");
		first = 1;
		count--;
		rc = ge_in_int(L, n, 0, &dim);
	} else {
		rc = ge_need(L, n, "concat_dim");
		if (!rc)
			rc = ge_int(L, n, "concat_dim", 0, &dim);
	}
	if (rc)
		return rc;
	int64_t nattr;
	if ((rc = ge_int(L, n, "N", count, &nattr)))
		return rc;
	if (nattr != count && weir_attrs_type(lw_attrs(n), "N") != WEIR_ATTR_NONE && nattr != 1)
		return lw_fail(L, n, WEIR_EINVAL, "attr N=%lld but %u inputs x", (long long)nattr,
		               count);
	int in[64], y;
	if (count > 64)
		return lw_fail(L, n, WEIR_ENOTSUP, "more than 64 inputs");
	for (uint32_t i = 0; i < count && !rc; i++)
		rc = ge_in(L, n, first + i, &in[i]);
	if (rc)
		return rc;
	if (count == 1)
		return lw_out(L, n, 0, in[0]);
	weir_attrs_t *a = ge_attrs(L);
	if (!a || weir_attrs_set_int(a, "axis", dim))
		return ge_oom(L, n);
	rc = lw_op(L, n, "Concat", in, count, a, 1, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* Split(split_dim, x; REQUIRED num_split), SplitD(x; REQUIRED split_dim,
 * num_split), SplitV(x, size_splits, split_dim; REQUIRED num_split),
 * SplitVD(x; REQUIRED size_splits, split_dim, num_split). */
int ge_rule_split(lw_t *L, const lw_node_t *n, const char *arg)
{
	int64_t dim = 0, num, sbuf[GE_MAX_LIST];
	const int64_t *sizes = NULL;
	size_t ns = 0;
	uint32_t xi = !strcmp(arg, "Split") ? 1 : 0;
	int x, rc = ge_in(L, n, xi, &x);
	if (!rc)
		rc = ge_need(L, n, "num_split");
	if (!rc)
		rc = ge_int(L, n, "num_split", 1, &num);
	if (rc)
		return rc;
	if (!strcmp(arg, "Split"))
		rc = ge_in_int(L, n, 0, &dim);
	else if (!strcmp(arg, "SplitV"))
		rc = ge_in_int(L, n, 2, &dim);
	else if ((rc = ge_need(L, n, "split_dim")) == 0)
		rc = ge_int(L, n, "split_dim", 0, &dim);
	if (!rc && !strcmp(arg, "SplitV")) {
		rc = ge_in_ints(L, n, 1, sbuf, GE_MAX_LIST, &ns);
		sizes = sbuf;
	} else if (!rc && !strcmp(arg, "SplitVD") && (rc = ge_need(L, n, "size_splits")) == 0) {
		rc = ge_ints(L, n, "size_splits", NULL, 0, &sizes, &ns);
	}
	if (rc)
		return rc;
	if (num < 1 || num > GE_MAX_LIST || (uint64_t)num != lw_nout(n))
		return lw_fail(L, n, WEIR_EINVAL, "attr num_split=%lld but the node has %u outputs",
		               (long long)num, lw_nout(n));
	if (sizes && ns != (size_t)num)
		return lw_fail(L, n, WEIR_EINVAL, "size_splits has %zu entries, num_split is %lld",
		               ns, (long long)num);
	if (num == 1)
		return lw_out(L, n, 0, x);
	weir_attrs_t *a = ge_attrs(L);
	if (!a || weir_attrs_set_int(a, "axis", dim) ||
	    (sizes ? weir_attrs_set_ints(a, "split", sizes, ns)
	           : weir_attrs_set_int(a, "num_split", num)))
		return ge_oom(L, n);
	int out[GE_MAX_LIST];
	rc = lw_op(L, n, "Split", &x, 1, a, (uint32_t)num, out);
	for (uint32_t j = 0; j < (uint32_t)num && !rc; j++)
		rc = lw_out(L, n, j, out[j]);
	return rc;
}

/* Slice(x, offsets, size), SliceD(x; REQUIRED offsets, size). */
int ge_rule_slice(lw_t *L, const lw_node_t *n, const char *arg)
{
	int64_t ob[WEIR_MAX_RANK], sb[WEIR_MAX_RANK];
	const int64_t *off = ob, *size = sb;
	size_t no, ns;
	int x, y, rc = ge_in(L, n, 0, &x);
	if (!rc && !strcmp(arg, "input")) {
		rc = ge_in_ints(L, n, 1, ob, WEIR_MAX_RANK, &no);
		if (!rc)
			rc = ge_in_ints(L, n, 2, sb, WEIR_MAX_RANK, &ns);
	} else if (!rc) {
		rc = ge_need(L, n, "offsets");
		if (!rc)
			rc = ge_need(L, n, "size");
		if (!rc)
			rc = ge_ints(L, n, "offsets", NULL, 0, &off, &no);
		if (!rc)
			rc = ge_ints(L, n, "size", NULL, 0, &size, &ns);
	}
	if (rc)
		return rc;
	weir_attrs_t *a = ge_attrs(L);
	if (!a || weir_attrs_set_ints(a, "begin", off, no) ||
	    weir_attrs_set_ints(a, "size", size, ns))
		return ge_oom(L, n);
	rc = lw_op1(L, n, "Slice", x, a, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* StridedSlice(x, begin, end, strides; begin_mask, end_mask, ellipsis_mask,
 * new_axis_mask, shrink_axis_mask all 0), StridedSliceD (the lists as
 * REQUIRED attrs), StridedSliceV2(x, begin, end, [axes], [strides]; masks):
 * TensorFlow's semantics, lowered to a Slice with begin/end/strides on
 * every dim and a Reshape for new and shrunk axes. */
int ge_rule_strided_slice(lw_t *L, const lw_node_t *n, const char *arg)
{
	int64_t bb[GE_MAX_LIST], eb[GE_MAX_LIST], sb[GE_MAX_LIST], ab[GE_MAX_LIST];
	const int64_t *b = bb, *e = eb, *s = sb;
	size_t nb, ne, ns = 0, nax = 0;
	int64_t bm, em, elm, nam, sam;
	int x, rc = ge_in(L, n, 0, &x);
	if (!rc && !strcmp(arg, "StridedSliceD")) {
		static const char *req[3] = { "begin", "end", "strides" };
		for (int i = 0; i < 3 && !rc; i++)
			rc = ge_need(L, n, req[i]);
		if (!rc)
			rc = ge_ints(L, n, "begin", NULL, 0, &b, &nb);
		if (!rc)
			rc = ge_ints(L, n, "end", NULL, 0, &e, &ne);
		if (!rc)
			rc = ge_ints(L, n, "strides", NULL, 0, &s, &ns);
	} else if (!rc) {
		bool v2 = !strcmp(arg, "StridedSliceV2");
		rc = ge_in_ints(L, n, 1, bb, GE_MAX_LIST, &nb);
		if (!rc)
			rc = ge_in_ints(L, n, 2, eb, GE_MAX_LIST, &ne);
		if (!rc && v2 && lw_in(L, n, 3) >= 0)
			rc = lw_ints(L, n, lw_in(L, n, 3), ab, GE_MAX_LIST, &nax);
		uint32_t si = v2 ? 4 : 3;
		if (!rc && (!v2 || lw_in(L, n, si) >= 0))
			rc = ge_in_ints(L, n, si, sb, GE_MAX_LIST, &ns);
	}
	if (!rc)
		rc = ge_int(L, n, "begin_mask", 0, &bm);
	if (!rc)
		rc = ge_int(L, n, "end_mask", 0, &em);
	if (!rc)
		rc = ge_int(L, n, "ellipsis_mask", 0, &elm);
	if (!rc)
		rc = ge_int(L, n, "new_axis_mask", 0, &nam);
	if (!rc)
		rc = ge_int(L, n, "shrink_axis_mask", 0, &sam);
	if (rc)
		return rc;
	const weir_tensor_desc_t *xd = lw_desc(L, x);
	int64_t rank = xd->rank;
	if (ns == 0) {
		for (size_t i = 0; i < nb && i < GE_MAX_LIST; i++)
			sb[i] = 1;
		s = sb;
		ns = nb;
	}
	if (nb != ne || nb != ns || (nax && nax != nb))
		return lw_fail(L, n, WEIR_EINVAL, "begin, end%s and strides differ in length",
		               nax ? ", axes" : "");
	if (nax) {
		/* V2 axes: scatter the entries onto a full spec (masks refer to
		 * entries, so only zero masks are supported with axes). */
		if (bm || em || elm || nam || sam)
			return lw_fail(L, n, WEIR_ENOTSUP,
			               "masks together with input axes are not "
			               "supported");
		int64_t fb[WEIR_MAX_RANK], fe[WEIR_MAX_RANK], fs[WEIR_MAX_RANK];
		if (rank > WEIR_MAX_RANK)
			return lw_fail(L, n, WEIR_ENOTSUP, "rank too large");
		for (int64_t d = 0; d < rank; d++) {
			fb[d] = 0;
			fe[d] = xd->dims[d];
			fs[d] = 1;
		}
		for (size_t i = 0; i < nax; i++) {
			int64_t d;
			if ((rc = ge_axis(L, n, "axes entry", ab[i], rank, &d)))
				return rc;
			fb[d] = b[i];
			fe[d] = e[i];
			fs[d] = s[i];
		}
		memcpy(bb, fb, sizeof(int64_t) * (size_t)rank);
		memcpy(eb, fe, sizeof(int64_t) * (size_t)rank);
		memcpy(sb, fs, sizeof(int64_t) * (size_t)rank);
		b = bb;
		e = eb;
		s = sb;
		nb = (size_t)rank;
	}
	/* Dense spec over x's dims, plus the output shape's new/shrunk axes. */
	int64_t db[WEIR_MAX_RANK], de[WEIR_MAX_RANK], ds[WEIR_MAX_RANK];
	bool shrink[WEIR_MAX_RANK] = { 0 };
	int64_t newpos[GE_MAX_LIST]; /* output positions (in x-dim order) of new axes */
	size_t nnew = 0;
	int64_t nreal = 0;
	for (size_t i = 0; i < nb; i++)
		if (!((nam >> i) & 1) && !((elm >> i) & 1))
			nreal++;
	int64_t d = 0;
	bool seen_ellipsis = false;
	for (size_t i = 0; i < nb; i++) {
		if ((elm >> i) & 1) {
			if (seen_ellipsis)
				return lw_fail(L, n, WEIR_EINVAL, "more than one ellipsis");
			seen_ellipsis = true;
			int64_t fill = rank - nreal;
			for (int64_t k = 0; k < fill && d < rank; k++, d++) {
				db[d] = 0;
				de[d] = xd->dims[d];
				ds[d] = 1;
			}
			continue;
		}
		if ((nam >> i) & 1) {
			newpos[nnew++] = d;
			continue;
		}
		if (d >= rank)
			return lw_fail(L, n, WEIR_EINVAL,
			               "the slice spec has more dims than x (%lld)",
			               (long long)rank);
		int64_t dim = xd->dims[d], st = s[i];
		if (st == 0)
			return lw_fail(L, n, WEIR_EINVAL, "strides entry %zu is 0", i);
		if ((sam >> i) & 1) {
			int64_t bi = b[i] < 0 ? b[i] + dim : b[i];
			if (bi < 0 || bi >= dim)
				return lw_fail(L, n, WEIR_EINVAL,
				               "shrunk index %lld is out of range",
				               (long long)b[i]);
			db[d] = bi;
			de[d] = bi + 1;
			ds[d] = 1;
			shrink[d] = true;
		} else {
			db[d] = ((bm >> i) & 1) ? (st > 0 ? 0 : dim - 1) : b[i];
			de[d] = ((em >> i) & 1) ? (st > 0 ? dim : -dim - 1) : e[i];
			ds[d] = st;
		}
		d++;
	}
	for (; d < rank; d++) {
		db[d] = 0;
		de[d] = xd->dims[d];
		ds[d] = 1;
	}
	weir_attrs_t *a = ge_attrs(L);
	if (!a || weir_attrs_set_ints(a, "begin", db, (size_t)rank) ||
	    weir_attrs_set_ints(a, "end", de, (size_t)rank) ||
	    weir_attrs_set_ints(a, "strides", ds, (size_t)rank))
		return ge_oom(L, n);
	int y;
	if (rank == 0)
		y = x;
	else if ((rc = lw_op1(L, n, "Slice", x, a, &y)))
		return rc;
	if (nnew || sam) {
		const weir_tensor_desc_t *yd = lw_desc(L, y);
		int64_t dims[WEIR_MAX_RANK];
		uint32_t r = 0;
		size_t k = 0;
		for (int64_t i = 0; i <= rank; i++) {
			while (k < nnew && newpos[k] == i) {
				if (r == WEIR_MAX_RANK)
					return lw_fail(L, n, WEIR_ENOTSUP, "result rank too large");
				dims[r++] = 1;
				k++;
			}
			if (i < rank && !shrink[i]) {
				if (r == WEIR_MAX_RANK)
					return lw_fail(L, n, WEIR_ENOTSUP, "result rank too large");
				dims[r++] = yd->dims[i];
			}
		}
		if ((rc = lw_reshape(L, n, y, dims, r, &y)))
			return rc;
	}
	return lw_out(L, n, 0, y);
}

/* GatherV2(x, indices, axis; batch_dims 0), GatherV2D(x, indices; REQUIRED
 * axis), Gather(x, indices; validate_indices true, batch_dims 0). */
int ge_rule_gather(lw_t *L, const lw_node_t *n, const char *arg)
{
	int64_t axis = 0, bd;
	int x, idx, y, rc = ge_in(L, n, 0, &x);
	if (!rc)
		rc = ge_in(L, n, 1, &idx);
	if (!rc && !strcmp(arg, "GatherV2"))
		rc = ge_in_int(L, n, 2, &axis);
	else if (!rc && !strcmp(arg, "GatherV2D") && (rc = ge_need(L, n, "axis")) == 0)
		rc = ge_int(L, n, "axis", 0, &axis);
	if (!rc)
		rc = ge_int(L, n, "batch_dims", 0, &bd);
	if (!rc && bd != 0)
		rc = lw_fail(L, n, WEIR_ENOTSUP, "attr batch_dims=%lld is not supported (only 0)",
		             (long long)bd);
	if (rc)
		return rc;
	weir_attrs_t *a = ge_attrs(L);
	if (!a || weir_attrs_set_int(a, "axis", axis))
		return ge_oom(L, n);
	rc = lw_op2(L, n, "Gather", x, idx, a, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* GatherElements(x, index; dim 0). */
int ge_rule_gather_elements(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	int64_t dim;
	int x, idx, y, rc = ge_in(L, n, 0, &x);
	if (!rc)
		rc = ge_in(L, n, 1, &idx);
	if (!rc)
		rc = ge_int(L, n, "dim", 0, &dim);
	if (rc)
		return rc;
	weir_attrs_t *a = ge_attrs(L);
	if (!a || weir_attrs_set_int(a, "axis", dim))
		return ge_oom(L, n);
	rc = lw_op2(L, n, "GatherElements", x, idx, a, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* x's dims with a 1 inserted at each of axes (positions in the result). */
static int ge_insert_ones(lw_t *L, const lw_node_t *n, int x, const int64_t *axes, size_t na,
                          int *y)
{
	const weir_tensor_desc_t *xd = lw_desc(L, x);
	int64_t r = (int64_t)xd->rank + (int64_t)na, dims[WEIR_MAX_RANK];
	bool one[WEIR_MAX_RANK] = { 0 };
	if (r > WEIR_MAX_RANK)
		return lw_fail(L, n, WEIR_ENOTSUP, "result rank %lld is too large", (long long)r);
	for (size_t i = 0; i < na; i++) {
		int64_t ax;
		int rc = ge_axis(L, n, "axis", axes[i], r, &ax);
		if (rc)
			return rc;
		if (one[ax])
			return lw_fail(L, n, WEIR_EINVAL, "axis %lld is listed twice",
			               (long long)axes[i]);
		one[ax] = true;
	}
	for (int64_t i = 0, k = 0; i < r; i++)
		dims[i] = one[i] ? 1 : xd->dims[k++];
	return lw_reshape(L, n, x, dims, (uint32_t)r, y);
}

/* Unsqueeze(x; axes {}). */
int ge_rule_unsqueeze(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	const int64_t *axes;
	size_t na;
	int x, y, rc = ge_in(L, n, 0, &x);
	if (!rc)
		rc = ge_ints(L, n, "axes", NULL, 0, &axes, &na);
	if (!rc)
		rc = ge_insert_ones(L, n, x, axes, na, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* ExpandDims(x, axis). */
int ge_rule_expand_dims(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	int64_t axis;
	int x, y, rc = ge_in(L, n, 0, &x);
	if (!rc)
		rc = ge_in_int(L, n, 1, &axis);
	if (!rc)
		rc = ge_insert_ones(L, n, x, &axis, 1, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* Squeeze(x; axis {}: every dim of size 1). */
int ge_rule_squeeze(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	const int64_t *axes;
	size_t na;
	int x, y, rc = ge_in(L, n, 0, &x);
	if (!rc)
		rc = ge_ints(L, n, "axis", NULL, 0, &axes, &na);
	if (rc)
		return rc;
	const weir_tensor_desc_t *xd = lw_desc(L, x);
	bool drop[WEIR_MAX_RANK] = { 0 };
	for (size_t i = 0; i < na; i++) {
		int64_t ax;
		if ((rc = ge_axis(L, n, "axis", axes[i], xd->rank, &ax)))
			return rc;
		if (xd->dims[ax] != 1)
			return lw_fail(L, n, WEIR_ESHAPE, "dim %lld has size %lld, not 1",
			               (long long)ax, (long long)xd->dims[ax]);
		drop[ax] = true;
	}
	int64_t dims[WEIR_MAX_RANK];
	uint32_t r = 0;
	for (uint32_t i = 0; i < xd->rank; i++)
		if (!(na ? drop[i] : xd->dims[i] == 1))
			dims[r++] = xd->dims[i];
	rc = lw_reshape(L, n, x, dims, r, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* Flatten(x; axis 1): [prod(dims[:axis]), prod(dims[axis:])];
 * FlattenV2(x; axis 1, end_axis -1): dims axis..end_axis merged. */
int ge_rule_flatten(lw_t *L, const lw_node_t *n, const char *arg)
{
	int64_t axis, end;
	int x, y, rc = ge_in(L, n, 0, &x);
	if (!rc)
		rc = ge_int(L, n, "axis", 1, &axis);
	if (!rc)
		rc = ge_int(L, n, "end_axis", -1, &end);
	if (rc)
		return rc;
	const weir_tensor_desc_t *xd = lw_desc(L, x);
	int64_t r = xd->rank, dims[WEIR_MAX_RANK];
	uint32_t nr = 0;
	if (!strcmp(arg, "Flatten")) {
		if (axis < -r || axis > r)
			return lw_fail(L, n, WEIR_EINVAL, "attr axis=%lld is out of range",
			               (long long)axis);
		if (axis < 0)
			axis += r;
		int64_t a = 1, b = 1;
		for (int64_t i = 0; i < r; i++)
			*(i < axis ? &a : &b) *= xd->dims[i];
		dims[nr++] = a;
		dims[nr++] = b;
	} else {
		if ((rc = ge_axis(L, n, "axis", axis, r, &axis)) ||
		    (rc = ge_axis(L, n, "end_axis", end, r, &end)))
			return rc;
		if (end < axis)
			return lw_fail(L, n, WEIR_EINVAL, "end_axis is before axis");
		for (int64_t i = 0; i < r; i++) {
			if (i > axis && i <= end)
				dims[nr - 1] *= xd->dims[i];
			else
				dims[nr++] = xd->dims[i];
		}
	}
	rc = lw_reshape(L, n, x, dims, nr, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

static int ge_expand(lw_t *L, const lw_node_t *n, int x, const int64_t *shape, size_t cnt, int *y)
{
	weir_attrs_t *a = ge_attrs(L);
	if (!a || weir_attrs_set_ints(a, "shape", shape, cnt))
		return ge_oom(L, n);
	return lw_op1(L, n, "Expand", x, a, y);
}

/* Fill(dims, value), FillD(value; REQUIRED dims): value broadcast. */
int ge_rule_fill(lw_t *L, const lw_node_t *n, const char *arg)
{
	int64_t buf[WEIR_MAX_RANK];
	const int64_t *dims = buf;
	size_t cnt;
	int v, y, rc;
	if (!strcmp(arg, "input")) {
		rc = ge_in_ints(L, n, 0, buf, WEIR_MAX_RANK, &cnt);
		if (!rc)
			rc = ge_in(L, n, 1, &v);
	} else {
		rc = ge_in(L, n, 0, &v);
		if (!rc)
			rc = ge_need(L, n, "dims");
		if (!rc)
			rc = ge_ints(L, n, "dims", NULL, 0, &dims, &cnt);
	}
	if (rc)
		return rc;
	if (weir_tensor_desc_numel(lw_desc(L, v)) != 1)
		return lw_fail(L, n, WEIR_ESHAPE, "value must have one element");
	if ((rc = lw_reshape(L, n, v, NULL, 0, &v)))
		return rc;
	rc = ge_expand(L, n, v, dims, cnt, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* ZerosLike/OnesLike(x): a constant of x's dtype and shape. */
int ge_rule_like(lw_t *L, const lw_node_t *n, const char *arg)
{
	int x, c, y, rc = ge_in(L, n, 0, &x);
	if (!rc)
		rc = ge_scalar_like(L, n, x, arg[0] == '1' ? 1 : 0, &c);
	if (rc)
		return rc;
	const weir_tensor_desc_t *xd = lw_desc(L, x);
	rc = ge_expand(L, n, c, xd->dims, xd->rank, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* BroadcastTo(x, shape), Expand(x, shape), BroadcastToD(x; REQUIRED shape). */
int ge_rule_broadcast(lw_t *L, const lw_node_t *n, const char *arg)
{
	int64_t buf[WEIR_MAX_RANK];
	const int64_t *shape = buf;
	size_t cnt;
	int x, y, rc = ge_in(L, n, 0, &x);
	if (!rc && !strcmp(arg, "input"))
		rc = ge_in_ints(L, n, 1, buf, WEIR_MAX_RANK, &cnt);
	else if (!rc && (rc = ge_need(L, n, "shape")) == 0)
		rc = ge_ints(L, n, "shape", NULL, 0, &shape, &cnt);
	if (!rc)
		rc = ge_expand(L, n, x, shape, cnt, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* Tile(x, multiples), TileD(x; REQUIRED multiples). */
int ge_rule_tile(lw_t *L, const lw_node_t *n, const char *arg)
{
	int64_t buf[WEIR_MAX_RANK];
	const int64_t *mul = buf;
	size_t cnt;
	int x, y, rc = ge_in(L, n, 0, &x);
	if (!rc && !strcmp(arg, "input"))
		rc = ge_in_ints(L, n, 1, buf, WEIR_MAX_RANK, &cnt);
	else if (!rc && (rc = ge_need(L, n, "multiples")) == 0)
		rc = ge_ints(L, n, "multiples", NULL, 0, &mul, &cnt);
	if (rc)
		return rc;
	/* TensorFlow's Tile: multiples may be longer than x's rank? No: equal. */
	weir_attrs_t *a = ge_attrs(L);
	if (!a || weir_attrs_set_ints(a, "multiples", mul, cnt))
		return ge_oom(L, n);
	rc = lw_op1(L, n, "Tile", x, a, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* Pad(x, paddings[r, 2]), PadD(x; REQUIRED paddings), PadV3(x, paddings,
 * [constant_values]; mode "constant", paddings_contiguous true),
 * PadV3D(x; REQUIRED paddings, constant_values 0, mode, paddings_contiguous).
 * List-of-list attrs arrive flattened ([b0, e0, b1, e1, ...]). */
int ge_rule_pad(lw_t *L, const lw_node_t *n, const char *arg)
{
	int64_t buf[2 * WEIR_MAX_RANK];
	const int64_t *p = buf;
	size_t cnt;
	const char *mode = "constant";
	bool contiguous = true, v3 = !strncmp(arg, "PadV3", 5),
	     in_form = !strcmp(arg, "Pad") || !strcmp(arg, "PadV3");
	double value = 0;
	int x, y, rc = ge_in(L, n, 0, &x);
	if (!rc && in_form) {
		/* paddings is [rank, 2]: lw_ints takes rank <= 1, so read doubles
		 * (exact for any padding a tensor can have). */
		double f[2 * WEIR_MAX_RANK];
		int pl;
		if ((rc = ge_in(L, n, 1, &pl)) == 0 &&
		    (rc = lw_floats(L, n, pl, f, 2 * WEIR_MAX_RANK, &cnt)) == 0)
			for (size_t i = 0; i < cnt; i++)
				buf[i] = (int64_t)f[i];
	} else if (!rc && (rc = ge_need(L, n, "paddings")) == 0)
		rc = ge_ints(L, n, "paddings", NULL, 0, &p, &cnt);
	if (!rc && v3)
		rc = ge_str(L, n, "mode", "constant", &mode);
	if (!rc && v3)
		rc = ge_bool(L, n, "paddings_contiguous", true, &contiguous);
	if (!rc && !strcmp(arg, "PadV3") && lw_in(L, n, 2) >= 0) {
		size_t nv;
		rc = lw_floats(L, n, lw_in(L, n, 2), &value, 1, &nv);
		if (!rc && nv != 1)
			rc = lw_fail(L, n, WEIR_ESHAPE, "constant_values must have one element");
	} else if (!rc && !strcmp(arg, "PadV3D")) {
		int64_t cv;
		rc = ge_int(L, n, "constant_values", 0, &cv);
		value = (double)cv;
	}
	if (rc)
		return rc;
	uint32_t r = ge_rank(L, x);
	if (cnt != 2 * (size_t)r)
		return lw_fail(L, n, WEIR_ENOTSUP,
		               "paddings with %zu entries for rank %u are not "
		               "supported (2 per dim)",
		               cnt, r);
	const char *omode = !strcmp(mode, "constant")  ? "constant"
	                    : !strcmp(mode, "reflect") ? "reflect"
	                    : !strcmp(mode, "edge")    ? "edge"
	                                               : NULL;
	if (!omode)
		return lw_fail(L, n, WEIR_ENOTSUP, "attr mode=\"%s\" is not supported", mode);
	int64_t pads[2 * WEIR_MAX_RANK];
	for (uint32_t i = 0; i < r; i++) {
		pads[i] = contiguous ? p[2 * i] : p[i];
		pads[r + i] = contiguous ? p[2 * i + 1] : p[r + i];
	}
	weir_attrs_t *a = ge_attrs(L);
	if (!a || weir_attrs_set_ints(a, "pads", pads, 2 * r) ||
	    weir_attrs_set_string(a, "mode", omode) ||
	    weir_attrs_set_float(a, "value", (float)value))
		return ge_oom(L, n);
	rc = lw_op1(L, n, "Pad", x, a, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* Range(start, limit, delta): the values are demanded (static length). */
int ge_rule_range(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	int in[3], y, rc = WEIR_OK;
	for (uint32_t i = 0; i < 3 && !rc; i++) {
		const void *p;
		if ((rc = ge_in(L, n, i, &in[i])) == 0)
			rc = lw_value(L, n, in[i], &p);
	}
	if (!rc)
		rc = lw_op(L, n, "Range", in, 3, NULL, 1, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* TopKV2/TopK(x, k -> values, indices int32; sorted true, dim -1, largest
 * true). */
int ge_rule_topk(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	int64_t k, dim;
	bool sorted, largest;
	int x, out[2], rc = ge_in(L, n, 0, &x);
	if (!rc)
		rc = ge_in_int(L, n, 1, &k);
	if (!rc)
		rc = ge_bool(L, n, "sorted", true, &sorted);
	if (!rc)
		rc = ge_int(L, n, "dim", -1, &dim);
	if (!rc)
		rc = ge_bool(L, n, "largest", true, &largest);
	if (rc)
		return rc;
	weir_attrs_t *a = ge_attrs(L);
	if (!a || weir_attrs_set_int(a, "k", k) || weir_attrs_set_int(a, "dim", dim) ||
	    weir_attrs_set_bool(a, "largest", largest) || weir_attrs_set_bool(a, "sorted", sorted))
		return ge_oom(L, n);
	rc = lw_op(L, n, "TopK", &x, 1, a, 2, out);
	if (!rc)
		rc = lw_cast(L, n, out[1], WEIR_DT_INT32, &out[1]);
	if (!rc)
		rc = lw_out(L, n, 0, out[0]);
	return rc ? rc : lw_out(L, n, 1, out[1]);
}

/* ArgMaxV2/ArgMin(x, dimension; dtype DT_INT64), ArgMaxD/ArgMinD(x;
 * REQUIRED dimension, dtype). arg "Op:input" or "Op:attr". */
int ge_rule_argmax(lw_t *L, const lw_node_t *n, const char *arg)
{
	int64_t dim, dtype;
	bool attr = strstr(arg, ":attr") != NULL;
	const char *op = !strncmp(arg, "ArgMax", 6) ? "ArgMax" : "ArgMin";
	int x, y, rc = ge_in(L, n, 0, &x);
	if (!rc && !attr)
		rc = ge_in_int(L, n, 1, &dim);
	else if (!rc && (rc = ge_need(L, n, "dimension")) == 0)
		rc = ge_int(L, n, "dimension", 0, &dim);
	if (!rc)
		rc = ge_int(L, n, "dtype", WEIR_DT_INT64, &dtype);
	if (rc)
		return rc;
	weir_attrs_t *a = ge_attrs(L);
	if (!a || weir_attrs_set_int(a, "axis", dim) || weir_attrs_set_int(a, "dtype", dtype))
		return ge_oom(L, n);
	rc = lw_op1(L, n, op, x, a, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* Cumsum(x, axis; exclusive false, reverse false), CumsumD(x; REQUIRED axis). */
int ge_rule_cumsum(lw_t *L, const lw_node_t *n, const char *arg)
{
	int64_t axis;
	bool ex, rev;
	int x, y, rc = ge_in(L, n, 0, &x);
	if (!rc && !strcmp(arg, "input"))
		rc = ge_in_int(L, n, 1, &axis);
	else if (!rc && (rc = ge_need(L, n, "axis")) == 0)
		rc = ge_int(L, n, "axis", 0, &axis);
	if (!rc)
		rc = ge_bool(L, n, "exclusive", false, &ex);
	if (!rc)
		rc = ge_bool(L, n, "reverse", false, &rev);
	if (rc)
		return rc;
	weir_attrs_t *a = ge_attrs(L);
	if (!a || weir_attrs_set_int(a, "axis", axis) || weir_attrs_set_int(a, "exclusive", ex) ||
	    weir_attrs_set_int(a, "reverse", rev))
		return ge_oom(L, n);
	rc = lw_op1(L, n, "CumSum", x, a, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* ScatterElements(data, indices, updates; axis 0, reduction "none"). */
int ge_rule_scatter_elements(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	int64_t axis;
	const char *red;
	int in[3], y, rc = WEIR_OK;
	for (uint32_t i = 0; i < 3 && !rc; i++)
		rc = ge_in(L, n, i, &in[i]);
	if (!rc)
		rc = ge_int(L, n, "axis", 0, &axis);
	if (!rc)
		rc = ge_str(L, n, "reduction", "none", &red);
	if (rc)
		return rc;
	if (strcmp(red, "none") && strcmp(red, "add") && strcmp(red, "mul"))
		return lw_fail(L, n, WEIR_ENOTSUP, "attr reduction=\"%s\" is not supported", red);
	weir_attrs_t *a = ge_attrs(L);
	if (!a || weir_attrs_set_int(a, "axis", axis) || weir_attrs_set_string(a, "reduction", red))
		return ge_oom(L, n);
	rc = lw_op(L, n, "ScatterElements", in, 3, a, 1, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* Shape/Size(x; dtype DT_INT32), Rank(x): constants (shapes are static per
 * lowering). */
int ge_rule_shape(lw_t *L, const lw_node_t *n, const char *arg)
{
	int64_t dtype = WEIR_DT_INT32;
	int x, y, rc = ge_in(L, n, 0, &x);
	if (!rc && strcmp(arg, "Rank"))
		rc = ge_int(L, n, "dtype", WEIR_DT_INT32, &dtype);
	if (rc)
		return rc;
	if (dtype != WEIR_DT_INT32 && dtype != WEIR_DT_INT64)
		return lw_fail(L, n, WEIR_ENOTSUP,
		               "attr dtype=%lld is not supported (int32, int64)", (long long)dtype);
	const weir_tensor_desc_t *xd = lw_desc(L, x);
	if (!strcmp(arg, "Shape"))
		rc = lw_const_ints(L, xd->dims, xd->rank, &y);
	else
		rc = lw_const_scalar(L, WEIR_DT_INT64,
		                     !strcmp(arg, "Size") ? (double)weir_tensor_desc_numel(xd)
		                                          : (double)xd->rank,
		                     &y);
	if (!rc)
		rc = lw_cast(L, n, y, (int)dtype, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* OneHot(x, depth, on_value, off_value; axis -1), OneHotD(x, on_value,
 * off_value; REQUIRED depth, axis -1). */
int ge_rule_onehot(lw_t *L, const lw_node_t *n, const char *arg)
{
	int64_t depth, axis;
	bool in_form = !strcmp(arg, "input");
	int x, on, off, y, rc = ge_in(L, n, 0, &x);
	if (!rc && in_form)
		rc = ge_in_int(L, n, 1, &depth);
	else if (!rc && (rc = ge_need(L, n, "depth")) == 0)
		rc = ge_int(L, n, "depth", 0, &depth);
	if (!rc)
		rc = ge_in(L, n, in_form ? 2 : 1, &on);
	if (!rc)
		rc = ge_in(L, n, in_form ? 3 : 2, &off);
	if (!rc)
		rc = ge_int(L, n, "axis", -1, &axis);
	if (rc)
		return rc;
	int64_t one = 1;
	int vals, in[2];
	if ((rc = lw_reshape(L, n, off, &one, 1, &in[0])) ||
	    (rc = lw_reshape(L, n, on, &one, 1, &in[1])))
		return rc;
	weir_attrs_t *c = ge_attrs(L), *a = ge_attrs(L);
	if (!c || !a || weir_attrs_set_int(c, "axis", 0) || weir_attrs_set_int(a, "depth", depth) ||
	    weir_attrs_set_int(a, "axis", axis))
		return ge_oom(L, n);
	rc = lw_op(L, n, "Concat", in, 2, c, 1, &vals);
	if (!rc)
		rc = lw_op2(L, n, "OneHot", x, vals, a, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* Pack(x...; axis 0, REQUIRED N): each x gets a new dim at axis, then
 * Concat. */
int ge_rule_pack(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	int64_t axis;
	uint32_t cnt = lw_nin(n);
	int in[64], y, rc = ge_int(L, n, "axis", 0, &axis);
	if (cnt == 0 || cnt > 64)
		return lw_fail(L, n, WEIR_ENOTSUP, "%u inputs (1 to 64 supported)", cnt);
	for (uint32_t i = 0; i < cnt && !rc; i++)
		if ((rc = ge_in(L, n, i, &in[i])) == 0)
			rc = ge_insert_ones(L, n, in[i], &axis, 1, &in[i]);
	if (rc)
		return rc;
	int64_t ax = axis < 0 ? axis + ge_rank(L, in[0]) : axis;
	if (cnt == 1)
		return lw_out(L, n, 0, in[0]);
	weir_attrs_t *a = ge_attrs(L);
	if (!a || weir_attrs_set_int(a, "axis", ax))
		return ge_oom(L, n);
	rc = lw_op(L, n, "Concat", in, cnt, a, 1, &y);
	return rc ? rc : lw_out(L, n, 0, y);
}

/* Unpack(x; REQUIRED num, axis 0): Split into num parts, each without the
 * axis. */
int ge_rule_unpack(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	int64_t num, axis;
	int x, rc = ge_in(L, n, 0, &x);
	if (!rc)
		rc = ge_need(L, n, "num");
	if (!rc)
		rc = ge_int(L, n, "num", 1, &num);
	if (!rc)
		rc = ge_int(L, n, "axis", 0, &axis);
	const weir_tensor_desc_t *xd = lw_desc(L, x);
	if (!rc)
		rc = ge_axis(L, n, "axis", axis, xd->rank, &axis);
	if (rc)
		return rc;
	if (num < 1 || num > GE_MAX_LIST || num != xd->dims[axis])
		return lw_fail(L, n, WEIR_EINVAL, "attr num=%lld does not match dim %lld (%lld)",
		               (long long)num, (long long)axis, (long long)xd->dims[axis]);
	int64_t dims[WEIR_MAX_RANK];
	uint32_t r = 0;
	for (uint32_t i = 0; i < xd->rank; i++)
		if (i != (uint32_t)axis)
			dims[r++] = xd->dims[i];
	int out[GE_MAX_LIST];
	if (num == 1) {
		out[0] = x;
	} else {
		weir_attrs_t *a = ge_attrs(L);
		if (!a || weir_attrs_set_int(a, "axis", axis) ||
		    weir_attrs_set_int(a, "num_split", num))
			return ge_oom(L, n);
		if ((rc = lw_op(L, n, "Split", &x, 1, a, (uint32_t)num, out)))
			return rc;
	}
	for (uint32_t j = 0; j < (uint32_t)num && !rc; j++)
		if ((rc = lw_reshape(L, n, out[j], dims, r, &out[j])) == 0)
			rc = lw_out(L, n, j, out[j]);
	return rc;
}
