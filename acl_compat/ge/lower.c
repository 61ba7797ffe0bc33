/*
 * acl_compat/ge/lower.c - the lowering engine (lower.h): walks a front-end
 * graph's nodes in order, calls each node's rule (lower_ge*.c, lower_onnx*.c)
 * and builds one native weir graph for one set of input descs. Constant
 * subgraphs fold on the host through the op library's own kernels
 * (weir_op_plan_*), so folded and run-time results are the same kernels'.
 *
 * One lowering run is single-threaded and owns everything it allocates;
 * the front-end graph is only read.
 */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "acl_compat/ge/fg.h"
#include "acl_compat/ge/lower.h"
#include "base/alloc.h"
#include "base/half.h"

/* Folding bigger results than this would make compile time and host
 * memory grow with the data: such ops run on the device instead. */
#define LW_FOLD_MAX_BYTES ((int64_t)64 << 20)

struct lw_val {
	weir_tensor_desc_t desc;
	void *data;    /* known bytes (NULL with 0 bytes) */
	bool known;    /* data holds the value */
	bool owned;    /* data is ours to free */
	bool has_port; /* port is a native port carrying the value */
	weir_port_t port;
	int32_t input; /* graph input position, -1 otherwise */
};

struct lw_node {
	const struct fg_node *fn;
	uint32_t index;
};

struct lw {
	const weir_fg_t *g;
	weir_graph_t *ng;
	struct lw_val *vals;
	uint32_t nvals, cap;
	int *fv2lv; /* front-end value -> lv, -1 while unbound */
	weir_attrs_t **attrs;
	uint32_t nattrs, cap_attrs;
	weir_fg_value_fn value;
	void *user;
	uint64_t used;
	uint32_t seq; /* native node name counter */
};

/* ---- the node ------------------------------------------------------------ */

const char *lw_name(const lw_node_t *n)
{
	return n->fn->name;
}
const char *lw_type(const lw_node_t *n)
{
	return n->fn->type;
}
int lw_opset(const lw_t *L)
{
	return L->g->opset;
}
uint32_t lw_nin(const lw_node_t *n)
{
	return n->fn->nin;
}
uint32_t lw_nout(const lw_node_t *n)
{
	return n->fn->nout;
}
const weir_attrs_t *lw_attrs(const lw_node_t *n)
{
	return n->fn->attrs;
}

int lw_fail(lw_t *L, const lw_node_t *n, int code, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	const char *dom = L->g->domain == WEIR_FG_ONNX ? "ONNX" : "GE";
	if (!n)
		return weir__graph_err(code, "%s graph '%s': %s", dom, L->g->name, msg);
	return weir__graph_err(code, "%s node '%s' (%s) in graph '%s': %s", dom, n->fn->name,
	                       n->fn->type, L->g->name, msg);
}

int lw_in(lw_t *L, const lw_node_t *n, uint32_t i)
{
	if (i >= n->fn->nin || n->fn->in[i] == WEIR_FG_NONE)
		return -1;
	return L->fv2lv[n->fn->in[i]];
}

int lw_out(lw_t *L, const lw_node_t *n, uint32_t j, int lv)
{
	if (j >= n->fn->nout)
		return WEIR_OK; /* an output the front end did not ask for */
	if (lv < 0 || (uint32_t)lv >= L->nvals)
		return lw_fail(L, n, WEIR_EINTERNAL, "output %u bound to a bad value", j);
	L->fv2lv[n->fn->first_out + (int32_t)j] = lv;
	return WEIR_OK;
}

/* ---- values ---------------------------------------------------------------- */

static int lw_new(lw_t *L, const weir_tensor_desc_t *desc, int *lv)
{
	if (L->nvals == L->cap) {
		uint32_t cap = L->cap ? L->cap * 2 : 64;
		struct lw_val *v = weir__realloc(L->vals, sizeof(*v) * cap);
		if (!v)
			return lw_fail(L, NULL, WEIR_ENOMEM, "out of memory");
		L->vals = v;
		L->cap = cap;
	}
	struct lw_val *v = &L->vals[L->nvals];
	memset(v, 0, sizeof(*v));
	v->desc = *desc;
	v->input = -1;
	*lv = (int)L->nvals++;
	return WEIR_OK;
}

const weir_tensor_desc_t *lw_desc(lw_t *L, int lv)
{
	return lv >= 0 && (uint32_t)lv < L->nvals ? &L->vals[lv].desc : NULL;
}

bool lw_known(lw_t *L, int lv)
{
	return lv >= 0 && (uint32_t)lv < L->nvals && L->vals[lv].known;
}

static size_t lw_bytes(const weir_tensor_desc_t *d)
{
	int64_t b = weir_tensor_desc_bytes(d);
	return b > 0 ? (size_t)b : 0;
}

int lw_value(lw_t *L, const lw_node_t *n, int lv, const void **data)
{
	if (lv < 0 || (uint32_t)lv >= L->nvals)
		return lw_fail(L, n, WEIR_EINVAL, "a required input is absent");
	struct lw_val *v = &L->vals[lv];
	if (v->known) {
		*data = v->data;
		return WEIR_OK;
	}
	if (v->input < 0)
		return lw_fail(L, n, WEIR_ENOTSUP,
		               "needs the value of an input that is computed at run time (only "
		               "constants, graph inputs and ops on them can decide shapes or "
		               "attributes)");
	if (!L->value)
		return lw_fail(L, n, WEIR_ENOTREADY,
		               "needs the value of graph input %d at compile time; it is known "
		               "only when the graph runs",
		               v->input);
	if (v->input >= 64)
		return lw_fail(L, n, WEIR_ENOTSUP,
		               "needs the value of graph input %d; only inputs 0-63 can decide "
		               "shapes",
		               v->input);
	const void *src = NULL;
	int rc = L->value((uint32_t)v->input, &src, L->user);
	size_t bytes = lw_bytes(&v->desc);
	if (rc || (!src && bytes))
		return lw_fail(L, n, rc ? rc : WEIR_EINVAL,
		               "the value of graph input %d is not "
		               "available",
		               v->input);
	void *copy = bytes ? weir__malloc(bytes) : NULL;
	if (bytes && !copy)
		return lw_fail(L, n, WEIR_ENOMEM, "out of memory");
	if (bytes)
		memcpy(copy, src, bytes);
	v->data = copy;
	v->owned = true;
	v->known = true;
	L->used |= 1ull << v->input;
	*data = copy;
	return WEIR_OK;
}

static bool lw_is_int(int dt)
{
	switch (dt) {
	case WEIR_DT_INT8:
	case WEIR_DT_INT16:
	case WEIR_DT_INT32:
	case WEIR_DT_INT64:
	case WEIR_DT_UINT8:
	case WEIR_DT_UINT16:
	case WEIR_DT_UINT32:
	case WEIR_DT_UINT64:
	case WEIR_DT_BOOL: return true;
	default: return false;
	}
}

static double lw_get(const void *p, int dt, size_t i)
{
	switch (dt) {
	case WEIR_DT_FLOAT: return ((const float *)p)[i];
	case WEIR_DT_DOUBLE: return ((const double *)p)[i];
	case WEIR_DT_FLOAT16: return weir_f16_to_f32(((const uint16_t *)p)[i]);
	case WEIR_DT_BF16: return weir_f32_from_bits((uint32_t)((const uint16_t *)p)[i] << 16);
	case WEIR_DT_INT8: return ((const int8_t *)p)[i];
	case WEIR_DT_INT16: return ((const int16_t *)p)[i];
	case WEIR_DT_INT32: return ((const int32_t *)p)[i];
	case WEIR_DT_INT64: return (double)((const int64_t *)p)[i];
	case WEIR_DT_UINT8:
	case WEIR_DT_BOOL: return ((const uint8_t *)p)[i];
	case WEIR_DT_UINT16: return ((const uint16_t *)p)[i];
	case WEIR_DT_UINT32: return ((const uint32_t *)p)[i];
	case WEIR_DT_UINT64: return (double)((const uint64_t *)p)[i];
	default: return 0;
	}
}

static int64_t lw_get_int(const void *p, int dt, size_t i)
{
	switch (dt) {
	case WEIR_DT_INT64: return ((const int64_t *)p)[i];
	case WEIR_DT_UINT64: return (int64_t)((const uint64_t *)p)[i];
	default: return (int64_t)lw_get(p, dt, i);
	}
}

int lw_ints(lw_t *L, const lw_node_t *n, int lv, int64_t *buf, size_t cap, size_t *count)
{
	const weir_tensor_desc_t *d = lw_desc(L, lv);
	if (!d)
		return lw_fail(L, n, WEIR_EINVAL, "a required input is absent");
	if (!lw_is_int(d->dtype) || d->rank > 1)
		return lw_fail(L, n, WEIR_EINVAL, "an input that must be an integer list is %s",
		               weir_tensor_desc_str(d, (char[96]){ 0 }, 96));
	size_t cnt = (size_t)weir_tensor_desc_numel(d);
	if (cnt > cap)
		return lw_fail(L, n, WEIR_EINVAL,
		               "an integer-list input has %zu entries (at most %zu)", cnt, cap);
	const void *p;
	int rc = lw_value(L, n, lv, &p);
	if (rc)
		return rc;
	for (size_t i = 0; i < cnt; i++)
		buf[i] = lw_get_int(p, d->dtype, i);
	*count = cnt;
	return WEIR_OK;
}

int lw_floats(lw_t *L, const lw_node_t *n, int lv, double *buf, size_t cap, size_t *count)
{
	const weir_tensor_desc_t *d = lw_desc(L, lv);
	if (!d)
		return lw_fail(L, n, WEIR_EINVAL, "a required input is absent");
	size_t cnt = (size_t)weir_tensor_desc_numel(d);
	if (cnt > cap)
		return lw_fail(L, n, WEIR_EINVAL, "a list input has %zu entries (at most %zu)", cnt,
		               cap);
	const void *p;
	int rc = lw_value(L, n, lv, &p);
	if (rc)
		return rc;
	for (size_t i = 0; i < cnt; i++)
		buf[i] = lw_get(p, d->dtype, i);
	*count = cnt;
	return WEIR_OK;
}

int lw_const(lw_t *L, const weir_tensor_desc_t *desc, const void *data, int *lv)
{
	size_t bytes = lw_bytes(desc);
	void *copy = bytes ? weir__malloc(bytes) : NULL;
	if (bytes && !copy)
		return lw_fail(L, NULL, WEIR_ENOMEM, "out of memory");
	if (bytes)
		memcpy(copy, data, bytes);
	int rc = lw_new(L, desc, lv);
	if (rc) {
		weir__free(copy);
		return rc;
	}
	L->vals[*lv].data = copy;
	L->vals[*lv].owned = true;
	L->vals[*lv].known = true;
	return WEIR_OK;
}

int lw_const_ints(lw_t *L, const int64_t *v, uint32_t n, int *lv)
{
	weir_tensor_desc_t d;
	int64_t dim = n;
	int rc = weir_tensor_desc_init(&d, WEIR_DT_INT64, 1, &dim);
	return rc ? lw_fail(L, NULL, rc, "bad constant") : lw_const(L, &d, v, lv);
}

static uint16_t lw_bf16(float f)
{
	uint32_t u = weir_f32_bits(f);
	if ((u & 0x7fffffffu) > 0x7f800000u)
		return (uint16_t)((u >> 16) | 0x40);
	u += 0x7fffu + ((u >> 16) & 1u);
	return (uint16_t)(u >> 16);
}

/* v clamped to [lo, hi]; NaN gives 0. */
static double lw_sat(double v, double lo, double hi)
{
	if (isnan(v))
		return 0;
	return v < lo ? lo : v > hi ? hi : v;
}

int lw_const_scalar(lw_t *L, int dtype, double v, int *lv)
{
	weir_tensor_desc_t d;
	int rc = weir_tensor_desc_init(&d, dtype, 0, NULL);
	if (rc)
		return lw_fail(L, NULL, WEIR_EINVAL, "scalar of unsupported dtype %d", dtype);
	union {
		double f64;
		float f32;
		int64_t i64;
		uint64_t u64;
		int32_t i32;
		uint32_t u32;
		int16_t i16;
		uint16_t u16;
		int8_t i8;
		uint8_t u8;
	} b;
	memset(&b, 0, sizeof(b));
	/* Out-of-range values saturate (NaN gives 0 for integers): a C
	 * conversion of such a value is undefined. */
	float f = isnan(v) || isinf(v) ? (float)v
	          : fabs(v) > FLT_MAX  ? (float)copysign(INFINITY, v)
	                               : (float)v;
	switch (dtype) {
	case WEIR_DT_FLOAT: b.f32 = f; break;
	case WEIR_DT_DOUBLE: b.f64 = v; break;
	case WEIR_DT_FLOAT16: b.u16 = weir_f32_to_f16(f); break;
	case WEIR_DT_BF16: b.u16 = lw_bf16(f); break;
	case WEIR_DT_INT8: b.i8 = (int8_t)lw_sat(v, INT8_MIN, INT8_MAX); break;
	case WEIR_DT_INT16: b.i16 = (int16_t)lw_sat(v, INT16_MIN, INT16_MAX); break;
	case WEIR_DT_INT32: b.i32 = (int32_t)lw_sat(v, INT32_MIN, INT32_MAX); break;
	case WEIR_DT_INT64:
		b.i64 = v >= 0x1p63 ? INT64_MAX : (int64_t)lw_sat(v, -0x1p63, 0x1p63);
		break;
	case WEIR_DT_UINT8: b.u8 = (uint8_t)lw_sat(v, 0, UINT8_MAX); break;
	case WEIR_DT_BOOL: b.u8 = v != 0; break;
	case WEIR_DT_UINT16: b.u16 = (uint16_t)lw_sat(v, 0, UINT16_MAX); break;
	case WEIR_DT_UINT32: b.u32 = (uint32_t)lw_sat(v, 0, UINT32_MAX); break;
	case WEIR_DT_UINT64:
		b.u64 = v >= 0x1p64 ? UINT64_MAX : (uint64_t)lw_sat(v, 0, 0x1p64);
		break;
	default: return lw_fail(L, NULL, WEIR_EINVAL, "scalar of unsupported dtype %d", dtype);
	}
	return lw_const(L, &d, &b, lv);
}

weir_attrs_t *lw_new_attrs(lw_t *L)
{
	if (L->nattrs == L->cap_attrs) {
		uint32_t cap = L->cap_attrs ? L->cap_attrs * 2 : 16;
		weir_attrs_t **a = weir__realloc(L->attrs, sizeof(*a) * cap);
		if (!a)
			return NULL;
		L->attrs = a;
		L->cap_attrs = cap;
	}
	weir_attrs_t *a = NULL;
	if (weir_attrs_create(&a))
		return NULL;
	L->attrs[L->nattrs++] = a;
	return a;
}

/* The native port of lv, adding a Const node for a known-only value. */
static int lw_port(lw_t *L, const lw_node_t *n, int lv, weir_port_t *p)
{
	struct lw_val *v = &L->vals[lv];
	if (!v->has_port) {
		char name[64];
		snprintf(name, sizeof(name), "const#%u", L->seq++);
		int rc = weir_graph_add_const(L->ng, name, &v->desc, v->data, &v->port);
		if (rc)
			return lw_fail(L, n, rc, "adding a constant: %s", weir_graph_last_error());
		v->has_port = true;
	}
	*p = v->port;
	return WEIR_OK;
}

/* Ops whose results must not be frozen at compile time. */
static bool lw_foldable(const char *op)
{
	return strncmp(op, "Random", 6) != 0 && strcmp(op, "TruncatedNormal") != 0 &&
	       strcmp(op, "DropoutGenMask") != 0;
}

int lw_op(lw_t *L, const lw_node_t *n, const char *op, const int *in, uint32_t nin,
          const weir_attrs_t *attrs, uint32_t nout, int *out)
{
	weir_tensor_desc_t descs[64];
	const void *kin[64];
	bool all_known = true;
	if (nin > 64)
		return lw_fail(L, n, WEIR_ENOTSUP, "%s with %u inputs (at most 64)", op, nin);
	for (uint32_t i = 0; i < nin; i++) {
		if (in[i] < 0 || (uint32_t)in[i] >= L->nvals)
			return lw_fail(L, n, WEIR_EINVAL, "%s: input %u is absent", op, i);
		descs[i] = L->vals[in[i]].desc;
		kin[i] = L->vals[in[i]].known ? L->vals[in[i]].data : NULL;
		if (!L->vals[in[i]].known)
			all_known = false;
		else if (!kin[i]) /* an empty known tensor: give inference a valid pointer */
			kin[i] = &descs[i];
	}
	weir_op_plan_t *plan = NULL;
	int rc = weir_op_plan_create(op, descs, kin, nin, attrs, nout, &plan);
	if (rc) {
		char why[512];
		snprintf(why, sizeof(why), "%s", weir_graph_last_error());
		return lw_fail(L, n, rc == WEIR_ENOTFOUND ? WEIR_ENOTSUP : rc, "%s: %s", op, why);
	}
	uint32_t no = weir_op_plan_outputs(plan);
	int64_t total = 0;
	for (uint32_t j = 0; j < no; j++)
		total += weir_tensor_desc_bytes(weir_op_plan_out_desc(plan, j));
	int first = (int)L->nvals;
	for (uint32_t j = 0; j < no && !rc; j++) {
		int lv;
		rc = lw_new(L, weir_op_plan_out_desc(plan, j), &lv);
	}
	if (rc)
		goto out;
	if (all_known && total <= LW_FOLD_MAX_BYTES && lw_foldable(op)) {
		/* Fold: run the kernel on the host now, in one block. */
		void *outs[64] = { 0 };
		if (no > 64) {
			rc = lw_fail(L, n, WEIR_ENOTSUP, "%s with %u outputs", op, no);
			goto out;
		}
		size_t ws = weir_op_plan_workspace(plan);
		void *wsp = ws ? weir__malloc(ws + 64) : NULL;
		if (ws && !wsp)
			rc = lw_fail(L, n, WEIR_ENOMEM, "out of memory");
		for (uint32_t j = 0; j < no && !rc; j++) {
			struct lw_val *v = &L->vals[first + (int)j];
			size_t b = lw_bytes(&v->desc);
			v->data = weir__malloc(b ? b : 1);
			if (!v->data)
				rc = lw_fail(L, n, WEIR_ENOMEM, "out of memory");
			v->owned = true;
			outs[j] = v->data;
		}
		if (!rc) {
			void *aligned =
			        wsp ? (void *)(((uintptr_t)wsp + 63) & ~(uintptr_t)63) : NULL;
			int krc = weir_op_plan_run(plan, kin, outs, aligned, 0, 1);
			if (krc)
				rc = lw_fail(L, n, krc, "%s failed while folding constants: %s", op,
				             weir_strerror(krc));
		}
		weir__free(wsp);
		for (uint32_t j = 0; j < no && !rc; j++)
			L->vals[first + (int)j].known = true;
	} else {
		weir_port_t ports[64];
		for (uint32_t i = 0; i < nin && !rc; i++)
			rc = lw_port(L, n, in[i], &ports[i]);
		char name[320];
		snprintf(name, sizeof(name), "%s/%s#%u", n ? n->fn->name : "g", op, L->seq++);
		uint32_t node = 0;
		if (!rc) {
			rc = weir_graph_add_node(L->ng, name, op, ports, nin, no, &node);
			if (rc)
				rc = lw_fail(L, n, rc, "%s: %s", op, weir_graph_last_error());
		}
		if (!rc && attrs && weir_attrs_count(attrs)) {
			weir_attrs_t *na = NULL;
			rc = weir_graph_node_attrs(L->ng, node, &na);
			if (!rc)
				rc = weir_attrs_copy(na, attrs);
			if (rc)
				rc = lw_fail(L, n, rc, "%s: copying attributes failed", op);
		}
		for (uint32_t j = 0; j < no && !rc; j++) {
			L->vals[first + (int)j].has_port = true;
			L->vals[first + (int)j].port = weir_port(node, j);
		}
	}
	/* With nout 0 the caller has room for one: further outputs of the op
	 * exist as values but are not returned. */
	for (uint32_t j = 0; j < no && j < (nout ? nout : 1) && !rc; j++)
		out[j] = first + (int)j;
out:
	weir_op_plan_destroy(plan);
	return rc;
}

int lw_op1(lw_t *L, const lw_node_t *n, const char *op, int a, const weir_attrs_t *attrs, int *out)
{
	return lw_op(L, n, op, &a, 1, attrs, 1, out);
}

int lw_op2(lw_t *L, const lw_node_t *n, const char *op, int a, int b, const weir_attrs_t *attrs,
           int *out)
{
	int in[2] = { a, b };
	return lw_op(L, n, op, in, 2, attrs, 1, out);
}

int lw_cast(lw_t *L, const lw_node_t *n, int lv, int dtype, int *out)
{
	const weir_tensor_desc_t *d = lw_desc(L, lv);
	if (!d)
		return lw_fail(L, n, WEIR_EINVAL, "Cast of an absent input");
	if (d->dtype == dtype) {
		*out = lv;
		return WEIR_OK;
	}
	weir_attrs_t *a = lw_new_attrs(L);
	if (!a || weir_attrs_set_int(a, "dst_type", dtype))
		return lw_fail(L, n, WEIR_ENOMEM, "out of memory");
	return lw_op1(L, n, "Cast", lv, a, out);
}

int lw_reshape(lw_t *L, const lw_node_t *n, int lv, const int64_t *dims, uint32_t rank, int *out)
{
	const weir_tensor_desc_t *d = lw_desc(L, lv);
	if (!d)
		return lw_fail(L, n, WEIR_EINVAL, "Reshape of an absent input");
	if (d->rank == rank && (rank == 0 || !memcmp(d->dims, dims, sizeof(int64_t) * rank))) {
		*out = lv;
		return WEIR_OK;
	}
	weir_attrs_t *a = lw_new_attrs(L);
	if (!a || weir_attrs_set_ints(a, "shape", dims, rank))
		return lw_fail(L, n, WEIR_ENOMEM, "out of memory");
	return lw_op1(L, n, "Reshape", lv, a, out);
}

/* ---- the walk -------------------------------------------------------------- */

static const lw_rule_t *lw_find(int domain, const char *type)
{
	const lw_rule_t *t = domain == WEIR_FG_ONNX ? weir__lw_rules_onnx : weir__lw_rules_ge;
	size_t n = domain == WEIR_FG_ONNX ? weir__lw_rules_onnx_count : weir__lw_rules_ge_count;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i].type, type))
			return &t[i];
	return NULL;
}

static bool lw_desc_fits(const weir_fg_desc_t *decl, const weir_tensor_desc_t *d)
{
	if (decl->dtype != WEIR_DT_UNDEFINED && decl->dtype != d->dtype)
		return false;
	if (decl->rank < 0)
		return true;
	if ((uint32_t)decl->rank != d->rank)
		return false;
	for (int32_t i = 0; i < decl->rank; i++)
		if (decl->dims[i] >= 0 && decl->dims[i] != d->dims[i])
			return false;
	return true;
}

static void lw_free(lw_t *L)
{
	for (uint32_t i = 0; i < L->nvals; i++)
		if (L->vals[i].owned)
			weir__free(L->vals[i].data);
	for (uint32_t i = 0; i < L->nattrs; i++)
		weir_attrs_destroy(L->attrs[i]);
	weir__free(L->vals);
	weir__free(L->attrs);
	weir__free(L->fv2lv);
}

static int lw_walk(lw_t *L, const weir_tensor_desc_t *in, uint32_t nin)
{
	const weir_fg_t *g = L->g;
	int rc;
	/* Inputs by position (Data index). */
	for (uint32_t p = 0; p < nin; p++) {
		const struct fg_input *fi = NULL;
		for (uint32_t k = 0; k < g->ninputs; k++)
			if (g->inputs[k].index == p)
				fi = &g->inputs[k];
		if (!fi)
			return lw_fail(L, NULL, WEIR_EINVAL,
			               "inputs are not numbered 0..%u (no input %u)", nin - 1, p);
		char a[96];
		if (!lw_desc_fits(&fi->desc, &in[p]))
			return lw_fail(L, NULL, WEIR_ESHAPE,
			               "input %u ('%s') is %s, which its declared type does not "
			               "allow (dtype %s, rank %d)",
			               p, fi->name, weir_tensor_desc_str(&in[p], a, sizeof(a)),
			               weir_dtype_name(fi->desc.dtype), fi->desc.rank);
		int lv;
		if ((rc = lw_new(L, &in[p], &lv)))
			return rc;
		rc = weir_graph_add_data(L->ng, fi->name, p, &in[p], &L->vals[lv].port);
		if (rc)
			return lw_fail(L, NULL, rc, "input '%s': %s", fi->name,
			               weir_graph_last_error());
		L->vals[lv].has_port = true;
		L->vals[lv].input = (int32_t)p;
		L->fv2lv[fi->value] = lv;
	}
	for (uint32_t k = 0; k < g->nconsts; k++) {
		int lv;
		if ((rc = lw_new(L, &g->consts[k].desc, &lv)))
			return rc;
		L->vals[lv].data = g->consts[k].data;
		L->vals[lv].known = true;
	}
	/* const values: find them by value id */
	for (uint32_t v = 0; v < g->nvalues; v++)
		if (g->values[v].producer == FG_FROM_CONST)
			L->fv2lv[v] = (int)(nin + g->values[v].port);
	for (uint32_t i = 0; i < g->nnodes; i++) {
		const struct fg_node *fn = &g->nodes[i];
		lw_node_t node = { fn, i };
		for (uint32_t k = 0; k < fn->nin; k++)
			if (fn->in[k] != WEIR_FG_NONE && L->fv2lv[fn->in[k]] < 0)
				return lw_fail(
				        L, &node, WEIR_EINVAL,
				        "input %u comes from an output its producer does not "
				        "have",
				        k);
		const lw_rule_t *rule = lw_find(g->domain, fn->type);
		if (!rule)
			return lw_fail(L, &node, WEIR_ENOTSUP, "unsupported op type '%s'",
			               fn->type);
		if ((rc = rule->fn(L, &node, rule->arg)))
			return rc;
	}
	if (!g->noutputs)
		return lw_fail(L, NULL, WEIR_EINVAL, "the graph has no outputs");
	weir_port_t outs[256];
	if (g->noutputs > 256)
		return lw_fail(L, NULL, WEIR_ENOTSUP, "%u outputs (at most 256)", g->noutputs);
	for (uint32_t j = 0; j < g->noutputs; j++) {
		int lv = L->fv2lv[g->outputs[j]];
		if (lv < 0)
			return lw_fail(L, NULL, WEIR_EINVAL, "output %u is not produced", j);
		if ((rc = lw_port(L, NULL, lv, &outs[j])))
			return rc;
	}
	rc = weir_graph_set_outputs(L->ng, outs, g->noutputs);
	if (rc)
		return lw_fail(L, NULL, rc, "outputs: %s", weir_graph_last_error());
	return WEIR_OK;
}

int weir_fg_lower(const weir_fg_t *g, const weir_tensor_desc_t *in, uint32_t nin,
                  weir_fg_value_fn value, void *user, weir_graph_t **out, uint64_t *used)
{
	if (!g || !out || (nin && !in))
		return weir__graph_err(WEIR_EINVAL, "weir_fg_lower: NULL argument");
	*out = NULL;
	if (used)
		*used = 0;
	if (nin != g->ninputs)
		return weir__graph_err(WEIR_EINVAL, "graph '%s' takes %u inputs, got %u", g->name,
		                       g->ninputs, nin);
	lw_t L;
	memset(&L, 0, sizeof(L));
	L.g = g;
	L.value = value;
	L.user = user;
	L.fv2lv = weir__malloc(sizeof(int) * (g->nvalues ? g->nvalues : 1));
	if (!L.fv2lv)
		return weir__graph_err(WEIR_ENOMEM, "graph '%s': out of memory", g->name);
	for (uint32_t v = 0; v < g->nvalues; v++)
		L.fv2lv[v] = -1;
	int rc = weir_graph_create(g->name, &L.ng);
	if (!rc)
		rc = lw_walk(&L, in, nin);
	lw_free(&L);
	if (rc) {
		weir_graph_destroy(L.ng);
		return rc;
	}
	*out = L.ng;
	if (used)
		*used = L.used;
	return WEIR_OK;
}
