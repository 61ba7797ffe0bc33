/*
 * acl_compat/ge/lower_onnx_nn.c - ONNX network rules (lower_onnx.h):
 * MatMul/Gemm, Conv/ConvTranspose and pooling (2-D NCHW; 1-D through a
 * reshape to H = 1; ONNX pads [begins..., ends...] -> GE [top, bottom,
 * left, right]), normalizations and Resize/Upsample.
 */
#include <math.h>
#include <string.h>
#include "acl_compat/ge/lower_onnx.h"

static int lo_attrs_ints(lw_t *L, const lw_node_t *n, weir_attrs_t *a, const char *name,
                         const int64_t *v, size_t cnt)
{
	return weir_attrs_set_ints(a, name, v, cnt) ? lo_nomem(L, n) : WEIR_OK;
}

/* ---- MatMul, Gemm ------------------------------------------------------------------ */

/* numpy matmul: 1-D operands gain a dim that is dropped again. */
LO_RULE(lo_matmul)
{
	(void)arg;
	int a, b, y, rc;
	if ((rc = lo_req(L, n, 0, &a)) || (rc = lo_req(L, n, 1, &b)))
		return rc;
	const weir_tensor_desc_t da = *lw_desc(L, a), db = *lw_desc(L, b);
	if (!da.rank || !db.rank)
		return lw_fail(L, n, WEIR_EINVAL, "MatMul of a rank-0 operand");
	if (da.rank == 1) {
		int64_t s[2] = { 1, da.dims[0] };
		if ((rc = lw_reshape(L, n, a, s, 2, &a)))
			return rc;
	}
	if (db.rank == 1) {
		int64_t s[2] = { db.dims[0], 1 };
		if ((rc = lw_reshape(L, n, b, s, 2, &b)))
			return rc;
	}
	bool two = lw_desc(L, a)->rank == 2 && lw_desc(L, b)->rank == 2;
	if ((rc = lw_op2(L, n, two ? "MatMul" : "BatchMatMul", a, b, NULL, &y)))
		return rc;
	if (da.rank == 1 || db.rank == 1) {
		weir_tensor_desc_t d = *lw_desc(L, y);
		int64_t dims[WEIR_MAX_RANK];
		uint32_t r = 0;
		for (uint32_t i = 0; i < d.rank; i++) {
			if (da.rank == 1 && i == d.rank - 2)
				continue;
			if (db.rank == 1 && i == d.rank - 1)
				continue;
			dims[r++] = d.dims[i];
		}
		if ((rc = lw_reshape(L, n, y, dims, r, &y)))
			return rc;
	}
	return lw_out(L, n, 0, y);
}

/* Y = alpha * A' B' + beta * C. */
LO_RULE(lo_gemm)
{
	(void)arg;
	int a, b, y, rc, c = lw_in(L, n, 2);
	weir_attrs_t *at;
	if ((rc = lo_req(L, n, 0, &a)) || (rc = lo_req(L, n, 1, &b)) ||
	    (rc = lo_new_attrs(L, n, &at)))
		return rc;
	if (weir_attrs_set_bool(at, "transpose_a", lo_int(n, "transA", 0) != 0) ||
	    weir_attrs_set_bool(at, "transpose_b", lo_int(n, "transB", 0) != 0))
		return lo_nomem(L, n);
	if ((rc = lw_op2(L, n, "MatMul", a, b, at, &y)))
		return rc;
	float alpha = lo_float(n, "alpha", 1), beta = lo_float(n, "beta", 1);
	int s;
	if (alpha != 1 &&
	    ((rc = lo_scalar_like(L, y, alpha, &s)) || (rc = lw_op2(L, n, "Mul", y, s, NULL, &y))))
		return rc;
	if (c >= 0 && beta != 0) {
		if (beta != 1 && ((rc = lo_scalar_like(L, c, beta, &s)) ||
		                  (rc = lw_op2(L, n, "Mul", c, s, NULL, &c))))
			return rc;
		if ((rc = lw_op2(L, n, "Add", y, c, NULL, &y)))
			return rc;
	}
	return lw_out(L, n, 0, y);
}

/* ---- convolution and pooling ----------------------------------------------------------- */

/* Spatial geometry of a Conv/Pool node: 1-D or 2-D, as 2-D. */
struct lo_geom {
	uint32_t s; /* spatial rank (1 or 2) */
	int64_t in[2], k[2], st[2], dl[2];
	int64_t pb[2], pe[2]; /* pads at begin, end */
};

/* Reads kernel (given), strides, dilations, pads, auto_pad for s spatial
 * dims. transpose: ConvTranspose's SAME rule (output = in * stride). */
static int lo_geom_read(lw_t *L, const lw_node_t *n, struct lo_geom *g, bool transpose)
{
	int64_t v[LO_MAX_LIST];
	size_t cnt;
	uint32_t s = g->s;
	for (uint32_t i = 0; i < 2; i++) {
		g->st[i] = g->dl[i] = 1;
		g->pb[i] = g->pe[i] = 0;
	}
	if (lo_ints(n, "strides", v, LO_MAX_LIST, &cnt) && cnt) {
		if (cnt != s)
			return lw_fail(L, n, WEIR_EINVAL, "strides has %zu entries", cnt);
		for (uint32_t i = 0; i < s; i++)
			g->st[i] = v[i];
	}
	if (lo_ints(n, "dilations", v, LO_MAX_LIST, &cnt) && cnt) {
		if (cnt != s)
			return lw_fail(L, n, WEIR_EINVAL, "dilations has %zu entries", cnt);
		for (uint32_t i = 0; i < s; i++)
			g->dl[i] = v[i];
	}
	if (lo_ints(n, "pads", v, LO_MAX_LIST, &cnt) && cnt) {
		if (cnt != 2 * s)
			return lw_fail(L, n, WEIR_EINVAL, "pads has %zu entries", cnt);
		for (uint32_t i = 0; i < s; i++) {
			g->pb[i] = v[i];
			g->pe[i] = v[i + s];
		}
	}
	const char *ap = lo_str(n, "auto_pad", "NOTSET");
	if (!strcmp(ap, "NOTSET"))
		return WEIR_OK;
	if (!strcmp(ap, "VALID")) {
		for (uint32_t i = 0; i < 2; i++)
			g->pb[i] = g->pe[i] = 0;
		return WEIR_OK;
	}
	bool upper = !strcmp(ap, "SAME_UPPER");
	if (!upper && strcmp(ap, "SAME_LOWER"))
		return lw_fail(L, n, WEIR_ENOTSUP, "attr auto_pad=\"%s\" is not supported", ap);
	if (transpose)
		return WEIR_OK; /* ConvTranspose computes them from the output size */
	for (uint32_t i = 0; i < s; i++) {
		int64_t out = (g->in[i] + g->st[i] - 1) / g->st[i];
		int64_t tot = (out - 1) * g->st[i] + (g->k[i] - 1) * g->dl[i] + 1 - g->in[i];
		if (tot < 0)
			tot = 0;
		g->pb[i] = upper ? tot / 2 : tot - tot / 2;
		g->pe[i] = tot - g->pb[i];
	}
	return WEIR_OK;
}

/* GE attrs of a 2-D geometry (s == 1 becomes H = 1). */
static int lo_geom_attrs(lw_t *L, const lw_node_t *n, const struct lo_geom *g, weir_attrs_t *a,
                         bool dil)
{
	int64_t st[2], dl[2], pads[4];
	if (g->s == 1) {
		st[0] = dl[0] = 1;
		st[1] = g->st[0];
		dl[1] = g->dl[0];
		pads[0] = pads[1] = 0;
		pads[2] = g->pb[0];
		pads[3] = g->pe[0];
	} else {
		memcpy(st, g->st, sizeof(st));
		memcpy(dl, g->dl, sizeof(dl));
		pads[0] = g->pb[0];
		pads[1] = g->pe[0];
		pads[2] = g->pb[1];
		pads[3] = g->pe[1];
	}
	int rc = lo_attrs_ints(L, n, a, "strides", st, 2);
	if (!rc)
		rc = lo_attrs_ints(L, n, a, "pads", pads, 4);
	if (!rc && dil)
		rc = lo_attrs_ints(L, n, a, "dilations", dl, 2);
	return rc;
}

/* x [N, C, L] -> [N, C, 1, L] (a 1-D tensor as 2-D). */
static int lo_to2d(lw_t *L, const lw_node_t *n, int x, int *y)
{
	const weir_tensor_desc_t *d = lw_desc(L, x);
	int64_t dims[4] = { d->dims[0], d->dims[1], 1, d->dims[2] };
	return lw_reshape(L, n, x, dims, 4, y);
}

static int lo_from2d(lw_t *L, const lw_node_t *n, int y, int *out)
{
	const weir_tensor_desc_t *d = lw_desc(L, y);
	int64_t dims[3] = { d->dims[0], d->dims[1], d->dims[3] };
	return lw_reshape(L, n, y, dims, 3, out);
}

/* Conv -> Conv2D, ConvTranspose -> Conv2DTranspose (arg). */
LO_RULE(lo_conv)
{
	int x, w, y, rc, bias = lw_in(L, n, 2);
	bool tr = !strcmp(arg, "Conv2DTranspose");
	if ((rc = lo_req(L, n, 0, &x)) || (rc = lo_req(L, n, 1, &w)))
		return rc;
	const weir_tensor_desc_t dx = *lw_desc(L, x), dw = *lw_desc(L, w);
	if (dx.rank != 3 && dx.rank != 4)
		return lw_fail(L, n, WEIR_ENOTSUP,
		               "a %u-D input is not supported (1-D and 2-D convolutions only)",
		               dx.rank >= 2 ? dx.rank - 2 : 0);
	if (dw.rank != dx.rank)
		return lw_fail(L, n, WEIR_ESHAPE, "the weight's rank %u is not the input's %u",
		               dw.rank, dx.rank);
	struct lo_geom g;
	memset(&g, 0, sizeof(g));
	g.s = dx.rank - 2;
	for (uint32_t i = 0; i < g.s; i++) {
		g.in[i] = dx.dims[2 + i];
		g.k[i] = dw.dims[2 + i];
	}
	if ((rc = lo_geom_read(L, n, &g, tr)))
		return rc;
	int64_t op[2] = { 0, 0 };
	if (tr) {
		int64_t v[LO_MAX_LIST], os[2];
		size_t cnt;
		bool has_os = false;
		if (lo_ints(n, "output_padding", v, LO_MAX_LIST, &cnt) && cnt) {
			if (cnt != g.s)
				return lw_fail(L, n, WEIR_EINVAL, "output_padding has %zu entries",
				               cnt);
			for (uint32_t i = 0; i < g.s; i++)
				op[i] = v[i];
		}
		const char *ap = lo_str(n, "auto_pad", "NOTSET");
		if (lo_ints(n, "output_shape", v, LO_MAX_LIST, &cnt) && cnt) {
			if (cnt != g.s && cnt != g.s + 2)
				return lw_fail(L, n, WEIR_EINVAL, "output_shape has %zu entries",
				               cnt);
			for (uint32_t i = 0; i < g.s; i++)
				os[i] = v[cnt - g.s + i];
			has_os = true;
		} else if (!strncmp(ap, "SAME", 4)) {
			for (uint32_t i = 0; i < g.s; i++)
				os[i] = g.in[i] * g.st[i];
			has_os = true;
		}
		for (uint32_t i = 0; i < g.s && has_os; i++) {
			int64_t tot = g.st[i] * (g.in[i] - 1) + op[i] + (g.k[i] - 1) * g.dl[i] + 1 -
			              os[i];
			if (tot < 0) { /* a larger output: extra cells at the end */
				op[i] -= tot;
				tot = 0;
			}
			bool upper = !strcmp(ap, "SAME_UPPER");
			g.pb[i] = upper ? tot / 2 : tot - tot / 2;
			g.pe[i] = tot - g.pb[i];
		}
	}
	weir_attrs_t *a;
	if ((rc = lo_new_attrs(L, n, &a)) || (rc = lo_geom_attrs(L, n, &g, a, true)))
		return rc;
	if (weir_attrs_set_int(a, "groups", lo_int(n, "group", 1)))
		return lo_nomem(L, n);
	if (tr) {
		int64_t op2[2] = { g.s == 1 ? 0 : op[0], g.s == 1 ? op[0] : op[1] };
		if ((rc = lo_attrs_ints(L, n, a, "output_padding", op2, 2)))
			return rc;
	}
	if (g.s == 1 && ((rc = lo_to2d(L, n, x, &x)) || (rc = lo_to2d(L, n, w, &w))))
		return rc;
	int in[3] = { x, w, bias };
	if ((rc = lw_op(L, n, arg, in, bias >= 0 ? 3 : 2, a, 1, &y)))
		return rc;
	if (g.s == 1 && (rc = lo_from2d(L, n, y, &y)))
		return rc;
	return lw_out(L, n, 0, y);
}

/* MaxPool -> MaxPool (with ONNX's flat indices), AveragePool -> AvgPool. */
LO_RULE(lo_pool)
{
	int x, rc, out[2];
	bool maxp = !strcmp(arg, "MaxPool");
	if ((rc = lo_req(L, n, 0, &x)))
		return rc;
	const weir_tensor_desc_t dx = *lw_desc(L, x);
	if (dx.rank != 3 && dx.rank != 4)
		return lw_fail(L, n, WEIR_ENOTSUP,
		               "a %u-D input is not supported (1-D and 2-D pooling only)",
		               dx.rank >= 2 ? dx.rank - 2 : 0);
	struct lo_geom g;
	memset(&g, 0, sizeof(g));
	g.s = dx.rank - 2;
	int64_t k[LO_MAX_LIST];
	size_t cnt;
	if (!lo_ints(n, "kernel_shape", k, LO_MAX_LIST, &cnt) || cnt != g.s)
		return lw_fail(L, n, WEIR_EINVAL, "kernel_shape must have %u entries", g.s);
	for (uint32_t i = 0; i < g.s; i++) {
		g.in[i] = dx.dims[2 + i];
		g.k[i] = k[i];
	}
	if ((rc = lo_geom_read(L, n, &g, false)))
		return rc;
	for (uint32_t i = 0; i < g.s; i++)
		if (g.dl[i] != 1)
			return lw_fail(L, n, WEIR_ENOTSUP,
			               "attr dilations other than 1 is not supported");
	uint32_t nout = maxp && lw_nout(n) > 1 ? 2 : 1;
	if (nout == 2 && lo_int(n, "storage_order", 0) != 0)
		return lw_fail(L, n, WEIR_ENOTSUP,
		               "attr storage_order=1 (column-major indices) is not supported");
	weir_attrs_t *a;
	if ((rc = lo_new_attrs(L, n, &a)) || (rc = lo_geom_attrs(L, n, &g, a, false)))
		return rc;
	int64_t ks[2] = { g.s == 1 ? 1 : g.k[0], g.s == 1 ? g.k[0] : g.k[1] };
	if ((rc = lo_attrs_ints(L, n, a, "ksize", ks, 2)))
		return rc;
	if (weir_attrs_set_bool(a, "ceil_mode", lo_int(n, "ceil_mode", 0) != 0) ||
	    (!maxp && weir_attrs_set_bool(a, "exclusive", lo_int(n, "count_include_pad", 0) == 0)))
		return lo_nomem(L, n);
	if (g.s == 1 && (rc = lo_to2d(L, n, x, &x)))
		return rc;
	/* 8- and 16-bit integers pool exactly in float32 (a max picks one of
	 * its inputs, each exactly representable), then go back. */
	bool small_int = maxp && (dx.dtype == WEIR_DT_UINT8 || dx.dtype == WEIR_DT_INT8 ||
	                          dx.dtype == WEIR_DT_UINT16 || dx.dtype == WEIR_DT_INT16);
	if (small_int && (rc = lw_cast(L, n, x, WEIR_DT_FLOAT, &x)))
		return rc;
	if ((rc = lw_op(L, n, arg, &x, 1, a, nout, out)))
		return rc;
	if (small_int && (rc = lw_cast(L, n, out[0], dx.dtype, &out[0])))
		return rc;
	if (nout == 2) {
		/* plane index ih * W + iw -> flat index over N, C, H, W */
		int64_t N = dx.dims[0], C = dx.dims[1],
		        plane = g.s == 1 ? dx.dims[2] : dx.dims[2] * dx.dims[3];
		int r[3], off;
		int64_t four[4] = { N, C, 1, 1 };
		if ((rc = lw_const_scalar(L, WEIR_DT_INT64, 0, &r[0])) ||
		    (rc = lw_const_scalar(L, WEIR_DT_INT64, (double)(N * C * plane), &r[1])) ||
		    (rc = lw_const_scalar(L, WEIR_DT_INT64, (double)(plane ? plane : 1), &r[2])) ||
		    (rc = lw_op(L, n, "Range", r, 3, NULL, 1, &off)) ||
		    (rc = lw_reshape(L, n, off, four, 4, &off)) ||
		    (rc = lw_op2(L, n, "Add", out[1], off, NULL, &out[1])))
			return rc;
	}
	for (uint32_t j = 0; j < nout; j++) {
		if (g.s == 1 && (rc = lo_from2d(L, n, out[j], &out[j])))
			return rc;
		if ((rc = lw_out(L, n, j, out[j])))
			return rc;
	}
	return WEIR_OK;
}

/* GlobalAveragePool / GlobalMaxPool: reduce the spatial dims, kept. */
LO_RULE(lo_global_pool)
{
	int x, y, rc;
	if ((rc = lo_req(L, n, 0, &x)))
		return rc;
	const weir_tensor_desc_t *d = lw_desc(L, x);
	int64_t axes[WEIR_MAX_RANK];
	size_t cnt = 0;
	for (uint32_t i = 2; i < d->rank; i++)
		axes[cnt++] = i;
	if (d->rank < 3)
		return lw_fail(L, n, WEIR_EINVAL, "needs a spatial dim");
	if ((rc = lo_reduce(L, n, arg, x, axes, cnt, true, &y)))
		return rc;
	return lw_out(L, n, 0, y);
}

/* ---- normalization ------------------------------------------------------------------------ */

LO_RULE(lo_batchnorm)
{
	(void)arg;
	int in[5], y, rc;
	for (uint32_t i = 0; i < 5; i++)
		if ((rc = lo_req(L, n, i, &in[i])))
			return rc;
	if (lo_int(n, "training_mode", 0) != 0 || lw_nout(n) > 1)
		return lw_fail(L, n, WEIR_ENOTSUP,
		               "training mode (batch statistics, running-mean outputs) is not "
		               "supported");
	int dt = lw_desc(L, in[0])->dtype;
	for (uint32_t i = 1; i < 5; i++)
		if ((rc = lw_cast(L, n, in[i], dt, &in[i])))
			return rc;
	weir_attrs_t *a;
	if ((rc = lo_new_attrs(L, n, &a)))
		return rc;
	if (weir_attrs_set_float(a, "epsilon", lo_float(n, "epsilon", 1e-5f)))
		return lo_nomem(L, n);
	if ((rc = lw_op(L, n, "BatchNorm", in, 5, a, 1, &y)))
		return rc;
	return lw_out(L, n, 0, y);
}

/* InstanceNormalization = GroupNorm with one group per channel. */
LO_RULE(lo_instancenorm)
{
	(void)arg;
	int in[3], y, rc;
	for (uint32_t i = 0; i < 3; i++)
		if ((rc = lo_req(L, n, i, &in[i])))
			return rc;
	const weir_tensor_desc_t *d = lw_desc(L, in[0]);
	if (d->rank < 2)
		return lw_fail(L, n, WEIR_ESHAPE, "needs an input of rank >= 2");
	weir_attrs_t *a;
	if ((rc = lo_new_attrs(L, n, &a)))
		return rc;
	if (weir_attrs_set_int(a, "num_groups", d->dims[1]) ||
	    weir_attrs_set_float(a, "epsilon", lo_float(n, "epsilon", 1e-5f)))
		return lo_nomem(L, n);
	if ((rc = lw_op(L, n, "GroupNorm", in, 3, a, 1, &y)))
		return rc;
	return lw_out(L, n, 0, y);
}

/* LayerNormalization (opset 17): Y and optional Mean, InvStdDev. */
LO_RULE(lo_layernorm)
{
	(void)arg;
	int in[3], out[3], rc, b = lw_in(L, n, 2);
	if ((rc = lo_req(L, n, 0, &in[0])) || (rc = lo_req(L, n, 1, &in[1])))
		return rc;
	in[2] = b;
	weir_attrs_t *a;
	if ((rc = lo_new_attrs(L, n, &a)))
		return rc;
	if (weir_attrs_set_int(a, "axis", lo_int(n, "axis", -1)) ||
	    weir_attrs_set_float(a, "epsilon", lo_float(n, "epsilon", 1e-5f)))
		return lo_nomem(L, n);
	uint32_t nout = lw_nout(n) > 1 ? 3 : 1;
	if ((rc = lw_op(L, n, "LayerNorm", in, b >= 0 ? 3 : 2, a, nout, out)))
		return rc;
	for (uint32_t j = 0; j < nout && !rc; j++)
		rc = lw_out(L, n, j, out[j]);
	return rc;
}

/* MeanVarianceNormalization: ONNX's function body,
 * (x - E[x]) / (sqrt(E[x^2] - E[x]^2) + 1e-9). */
LO_RULE(lo_mvn)
{
	(void)arg;
	int x, rc, m, m2, x2, e2, v, y, eps;
	int64_t axes[LO_MAX_LIST] = { 0, 2, 3 };
	size_t cnt = 3;
	if ((rc = lo_req(L, n, 0, &x)))
		return rc;
	if (!lo_ints(n, "axes", axes, LO_MAX_LIST, &cnt))
		cnt = 3;
	if ((rc = lo_reduce(L, n, "ReduceMean", x, axes, cnt, true, &m)) ||
	    (rc = lw_op2(L, n, "Mul", m, m, NULL, &m2)) ||
	    (rc = lw_op2(L, n, "Mul", x, x, NULL, &x2)) ||
	    (rc = lo_reduce(L, n, "ReduceMean", x2, axes, cnt, true, &e2)) ||
	    (rc = lw_op2(L, n, "Sub", e2, m2, NULL, &v)) ||
	    (rc = lw_op1(L, n, "Sqrt", v, NULL, &v)) || (rc = lo_scalar_like(L, v, 1e-9, &eps)) ||
	    (rc = lw_op2(L, n, "Add", v, eps, NULL, &v)) ||
	    (rc = lw_op2(L, n, "Sub", x, m, NULL, &y)) ||
	    (rc = lw_op2(L, n, "Div", y, v, NULL, &y)))
		return rc;
	return lw_out(L, n, 0, y);
}

/* LpNormalization: x / ||x||_p along axis (p 1 or 2). */
LO_RULE(lo_lpnorm)
{
	(void)arg;
	int x, rc, t, y;
	if ((rc = lo_req(L, n, 0, &x)))
		return rc;
	int64_t p = lo_int(n, "p", 2), axis = lo_int(n, "axis", -1);
	if (p != 1 && p != 2)
		return lw_fail(L, n, WEIR_ENOTSUP, "attr p=%lld is not supported (1 or 2)",
		               (long long)p);
	if (p == 1)
		rc = lw_op1(L, n, "Abs", x, NULL, &t);
	else
		rc = lw_op2(L, n, "Mul", x, x, NULL, &t);
	if (rc || (rc = lo_reduce(L, n, "ReduceSum", t, &axis, 1, true, &t)))
		return rc;
	if (p == 2 && (rc = lw_op1(L, n, "Sqrt", t, NULL, &t)))
		return rc;
	if ((rc = lw_op2(L, n, "Div", x, t, NULL, &y)))
		return rc;
	return lw_out(L, n, 0, y);
}

/* ---- Resize, Upsample ------------------------------------------------------------------------ */

LO_RULE(lo_resize)
{
	(void)arg;
	int x, y, rc;
	bool up = !strcmp(lw_type(n), "Upsample");
	int opset = lw_opset(L);
	if ((rc = lo_req(L, n, 0, &x)))
		return rc;
	double sc[LO_MAX_LIST];
	int64_t sizes[LO_MAX_LIST];
	size_t ns = 0, nz = 0;
	/* where the scales are: Upsample-7 attr, Upsample-9 / Resize-10 input 1,
	 * Resize-11+ input 2 (with roi at 1 and sizes at 3) */
	int sl = up || opset < 11 ? lw_in(L, n, 1) : lw_in(L, n, 2);
	int zl = !up && opset >= 11 ? lw_in(L, n, 3) : -1;
	if (sl >= 0 && (rc = lw_floats(L, n, sl, sc, LO_MAX_LIST, &ns)))
		return rc;
	if (zl >= 0 && (rc = lw_ints(L, n, zl, sizes, LO_MAX_LIST, &nz)))
		return rc;
	if (up && sl < 0) {
		const float *f;
		if (weir_attrs_get_floats(lw_attrs(n), "scales", &f, &ns) == WEIR_OK)
			for (size_t i = 0; i < ns && i < LO_MAX_LIST; i++)
				sc[i] = f[i];
	}
	const char *mode = lo_str(n, "mode", "nearest");
	const char *ctm = lo_str(n, "coordinate_transformation_mode", "half_pixel");
	const char *nm = lo_str(n, "nearest_mode", "round_prefer_floor");
	if (up || opset < 11) {
		ctm = "asymmetric";
		nm = "floor";
	}
	if (!strcmp(ctm, "tf_crop_and_resize"))
		return lw_fail(L, n, WEIR_ENOTSUP,
		               "attr coordinate_transformation_mode=\"tf_crop_and_resize\" (roi) "
		               "is not supported");
	if (lo_has(n, "axes") || lo_has(n, "keep_aspect_ratio_policy"))
		return lw_fail(L, n, WEIR_ENOTSUP,
		               "attrs axes and keep_aspect_ratio_policy are not "
		               "supported");
	weir_attrs_t *a;
	if ((rc = lo_new_attrs(L, n, &a)))
		return rc;
	if (weir_attrs_set_string(a, "mode", mode) ||
	    weir_attrs_set_string(a, "coordinate_transformation_mode", ctm) ||
	    weir_attrs_set_string(a, "nearest_mode", nm) ||
	    weir_attrs_set_float(a, "cubic_coeff_a", lo_float(n, "cubic_coeff_a", -0.75f)) ||
	    weir_attrs_set_int(a, "exclude_outside", lo_int(n, "exclude_outside", 0)) ||
	    weir_attrs_set_float(a, "extrapolation_value", lo_float(n, "extrapolation_value", 0)))
		return lo_nomem(L, n);
	if (nz) {
		if ((rc = lo_attrs_ints(L, n, a, "sizes", sizes, nz)))
			return rc;
	} else if (ns) {
		float f[LO_MAX_LIST];
		for (size_t i = 0; i < ns; i++)
			f[i] = (float)sc[i];
		if (weir_attrs_set_floats(a, "scales", f, ns))
			return lo_nomem(L, n);
	} else {
		return lw_fail(L, n, WEIR_EINVAL, "needs scales or sizes");
	}
	if ((rc = lw_op1(L, n, "Resize", x, a, &y)))
		return rc;
	return lw_out(L, n, 0, y);
}

/* ---- losses ------------------------------------------------------------------------------------ */

/* NegativeLogLikelihoodLoss(input [N, C, d...], target [N, d...][, weight [C]])
 * and SoftmaxCrossEntropyLoss(scores, labels[, weights]) = NLL of
 * LogSoftmax(scores, axis 1) (its optional output 1). loss = -input[n,
 * target, d] * weight[target], 0 where target == ignore_index; reduction
 * none, sum, or mean = sum(loss) / sum(weights taken). */
LO_RULE(lo_nll)
{
	(void)arg;
	int x, t, rc, w = lw_in(L, n, 2);
	bool sce = !strcmp(lw_type(n), "SoftmaxCrossEntropyLoss");
	if ((rc = lo_req(L, n, 0, &x)) || (rc = lo_req(L, n, 1, &t)))
		return rc;
	const char *red = lo_str(n, "reduction", "mean");
	if (strcmp(red, "none") && strcmp(red, "sum") && strcmp(red, "mean"))
		return lw_fail(L, n, WEIR_ENOTSUP, "attr reduction=\"%s\" is not supported", red);
	const weir_tensor_desc_t dx = *lw_desc(L, x);
	if (dx.rank < 2)
		return lw_fail(L, n, WEIR_ESHAPE, "the input needs rank >= 2");
	weir_attrs_t *a;
	if (sce) {
		if ((rc = lo_new_attrs(L, n, &a)))
			return rc;
		if (weir_attrs_set_int(a, "axis", 1))
			return lo_nomem(L, n);
		if ((rc = lw_op1(L, n, "LogSoftmax", x, a, &x)))
			return rc;
		if (lw_nout(n) > 1 && (rc = lw_out(L, n, 1, x)))
			return rc;
	}
	if ((rc = lw_cast(L, n, t, WEIR_DT_INT64, &t)))
		return rc;
	bool ign = lo_has(n, "ignore_index");
	int mask = -1, zero, g, loss, wt = -1;
	if (ign) {
		int iv;
		if ((rc = lw_const_scalar(L, WEIR_DT_INT64, (double)lo_int(n, "ignore_index", 0),
		                          &iv)) ||
		    (rc = lw_op2(L, n, "Equal", t, iv, NULL, &mask)) ||
		    (rc = lw_const_scalar(L, WEIR_DT_INT64, 0, &zero)))
			return rc;
		int in3[3] = { mask, zero, t };
		if ((rc = lw_op(L, n, "Where", in3, 3, NULL, 1, &t)))
			return rc;
	}
	/* gather input[n, t, d...] along axis 1 */
	const weir_tensor_desc_t dt = *lw_desc(L, t);
	int64_t dims[WEIR_MAX_RANK];
	if (dt.rank + 1 != dx.rank)
		return lw_fail(L, n, WEIR_ESHAPE, "target rank %u does not fit input rank %u",
		               dt.rank, dx.rank);
	dims[0] = dt.dims[0];
	dims[1] = 1;
	for (uint32_t i = 1; i < dt.rank; i++)
		dims[i + 1] = dt.dims[i];
	int tu;
	if ((rc = lw_reshape(L, n, t, dims, dx.rank, &tu)) || (rc = lo_new_attrs(L, n, &a)))
		return rc;
	if (weir_attrs_set_int(a, "axis", 1))
		return lo_nomem(L, n);
	if ((rc = lw_op2(L, n, "GatherElements", x, tu, a, &g)) ||
	    (rc = lw_reshape(L, n, g, dt.dims, dt.rank, &g)) ||
	    (rc = lw_op1(L, n, "Neg", g, NULL, &loss)))
		return rc;
	if (w >= 0 && (rc = lw_op2(L, n, "Gather", w, t, NULL, &wt)))
		return rc;
	if (ign) {
		int z, o;
		if ((rc = lo_scalar_like(L, loss, 0, &z)))
			return rc;
		if (wt < 0) {
			if ((rc = lo_scalar_like(L, loss, 1, &o)))
				return rc;
			int in3[3] = { mask, z, o };
			if ((rc = lw_op(L, n, "Where", in3, 3, NULL, 1, &wt)))
				return rc;
		} else {
			int in3[3] = { mask, z, wt };
			if ((rc = lw_op(L, n, "Where", in3, 3, NULL, 1, &wt)))
				return rc;
		}
	}
	if (wt >= 0 && (rc = lw_op2(L, n, "Mul", loss, wt, NULL, &loss)))
		return rc;
	if (!strcmp(red, "sum")) {
		rc = lo_reduce(L, n, "ReduceSum", loss, NULL, 0, false, &loss);
	} else if (!strcmp(red, "mean")) {
		if (wt < 0) {
			rc = lo_reduce(L, n, "ReduceMean", loss, NULL, 0, false, &loss);
		} else {
			int sw;
			if (!(rc = lo_reduce(L, n, "ReduceSum", loss, NULL, 0, false, &loss)) &&
			    !(rc = lo_reduce(L, n, "ReduceSum", wt, NULL, 0, false, &sw)))
				rc = lw_op2(L, n, "Div", loss, sw, NULL, &loss);
		}
	}
	if (rc)
		return rc;
	return lw_out(L, n, 0, loss);
}
