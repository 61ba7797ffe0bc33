/*
 * graph/graph.c - dtypes, tensor descs, the graph builder, clone, dumps and
 * the per-thread error message.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "graph/graph_internal.h"
#include "base/alloc.h"

/* ------------------------------------------------------------------------ */
/* Per-thread message                                                         */
/* ------------------------------------------------------------------------ */

static _Thread_local char tls_msg[512];
static _Thread_local int tls_code;

int weir__graph_verr(int code, const char *fmt, va_list ap)
{
	vsnprintf(tls_msg, sizeof(tls_msg), fmt, ap);
	tls_code = code;
	return code;
}

int weir__graph_err(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	weir__graph_verr(code, fmt, ap);
	va_end(ap);
	return code;
}

void weir__graph_err_clear(void)
{
	tls_msg[0] = '\0';
	tls_code = WEIR_OK;
}

int weir_graph_last_code(void)
{
	return tls_code;
}

const char *weir_graph_last_error(void)
{
	return tls_msg;
}

/* ------------------------------------------------------------------------ */
/* Dtypes and descs                                                           */
/* ------------------------------------------------------------------------ */

size_t weir_dtype_size(int dt)
{
	switch (dt) {
	case WEIR_DT_FLOAT:
	case WEIR_DT_INT32:
	case WEIR_DT_UINT32: return 4;
	case WEIR_DT_FLOAT16:
	case WEIR_DT_BF16:
	case WEIR_DT_INT16:
	case WEIR_DT_UINT16: return 2;
	case WEIR_DT_INT8:
	case WEIR_DT_UINT8:
	case WEIR_DT_BOOL: return 1;
	case WEIR_DT_INT64:
	case WEIR_DT_UINT64:
	case WEIR_DT_DOUBLE: return 8;
	default: return 0;
	}
}

const char *weir_dtype_name(int dt)
{
	switch (dt) {
	case WEIR_DT_FLOAT: return "float32";
	case WEIR_DT_FLOAT16: return "float16";
	case WEIR_DT_BF16: return "bfloat16";
	case WEIR_DT_DOUBLE: return "float64";
	case WEIR_DT_INT8: return "int8";
	case WEIR_DT_UINT8: return "uint8";
	case WEIR_DT_INT16: return "int16";
	case WEIR_DT_UINT16: return "uint16";
	case WEIR_DT_INT32: return "int32";
	case WEIR_DT_UINT32: return "uint32";
	case WEIR_DT_INT64: return "int64";
	case WEIR_DT_UINT64: return "uint64";
	case WEIR_DT_BOOL: return "bool";
	default: return "invalid";
	}
}

/* The product of the non-zero dims must stay <= INT64_MAX / 16 even when
 * another dim is 0, whatever their order: then the product of ANY subset of
 * a valid desc's dims (what kernels and shape inference compute: outer and
 * inner extents, strides) cannot overflow, and bytes = numel * dtype size
 * (at most 8) fits int64 with room to round up. */
int64_t weir_tensor_desc_numel(const weir_tensor_desc_t *d)
{
	if (!d || d->rank > WEIR_MAX_RANK || !weir_dtype_size(d->dtype))
		return -1;
	int64_t n = 1;
	bool empty = false;
	for (uint32_t i = 0; i < d->rank; i++) {
		if (d->dims[i] < 0)
			return -1;
		if (d->dims[i] == 0) {
			empty = true;
			continue;
		}
		if (n > INT64_MAX / 16 / d->dims[i])
			return -1;
		n *= d->dims[i];
	}
	return empty ? 0 : n;
}

int64_t weir_tensor_desc_bytes(const weir_tensor_desc_t *d)
{
	int64_t n = weir_tensor_desc_numel(d);
	return n < 0 ? -1 : n * (int64_t)weir_dtype_size(d->dtype);
}

int weir_tensor_desc_init(weir_tensor_desc_t *d, int dtype, uint32_t rank, const int64_t *dims)
{
	if (!d || rank > WEIR_MAX_RANK || (!dims && rank))
		return WEIR_EINVAL;
	weir_tensor_desc_t t;
	memset(&t, 0, sizeof(t));
	t.dtype = dtype;
	t.rank = rank;
	for (uint32_t i = 0; i < rank; i++)
		t.dims[i] = dims[i];
	if (weir_tensor_desc_bytes(&t) < 0)
		return WEIR_EINVAL;
	*d = t;
	return WEIR_OK;
}

bool weir_tensor_desc_equal(const weir_tensor_desc_t *a, const weir_tensor_desc_t *b)
{
	if (a->dtype != b->dtype || a->rank != b->rank)
		return false;
	for (uint32_t i = 0; i < a->rank && i < WEIR_MAX_RANK; i++)
		if (a->dims[i] != b->dims[i])
			return false;
	return true;
}

char *weir_tensor_desc_str(const weir_tensor_desc_t *d, char *buf, size_t size)
{
	if (!buf || !size)
		return buf;
	if (!d) {
		snprintf(buf, size, "(null)");
		return buf;
	}
	size_t o = (size_t)snprintf(buf, size, "%s[", weir_dtype_name(d->dtype));
	for (uint32_t i = 0; i < d->rank && i < WEIR_MAX_RANK && o < size; i++)
		o += (size_t)snprintf(buf + o, size - o, i ? ",%lld" : "%lld",
		                      (long long)d->dims[i]);
	if (o < size)
		snprintf(buf + o, size - o, "]");
	return buf;
}

/* ------------------------------------------------------------------------ */
/* Builder                                                                    */
/* ------------------------------------------------------------------------ */

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;
	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

static int hash_find(const weir_graph_t *g, const char *name, uint32_t *id)
{
	if (!g->hash_cap)
		return WEIR_ENOTFOUND;
	uint32_t m = g->hash_cap - 1;
	for (uint32_t i = name_hash(name) & m;; i = (i + 1) & m) {
		uint32_t v = g->hash[i];
		if (!v)
			return WEIR_ENOTFOUND;
		if (strcmp(g->nodes[v - 1]->name, name) == 0) {
			*id = v - 1;
			return WEIR_OK;
		}
	}
}

static void hash_put(weir_graph_t *g, uint32_t id)
{
	uint32_t m = g->hash_cap - 1;
	uint32_t i = name_hash(g->nodes[id]->name) & m;
	while (g->hash[i])
		i = (i + 1) & m;
	g->hash[i] = id + 1;
}

/* Make room for one more node (arrays and hash). */
static int reserve_node(weir_graph_t *g)
{
	if (g->n == g->cap) {
		uint32_t cap = g->cap ? g->cap * 2 : 16;
		struct wg_node **v = weir__realloc(g->nodes, cap * sizeof(*v));
		if (!v)
			return WEIR_ENOMEM;
		g->nodes = v;
		g->cap = cap;
	}
	if ((g->n + 1) * 2 > g->hash_cap) {
		uint32_t cap = g->hash_cap ? g->hash_cap * 2 : 32;
		uint32_t *h = weir__calloc(cap, sizeof(*h));
		if (!h)
			return WEIR_ENOMEM;
		weir__free(g->hash);
		g->hash = h;
		g->hash_cap = cap;
		for (uint32_t i = 0; i < g->n; i++)
			hash_put(g, i);
	}
	return WEIR_OK;
}

static void node_free(struct wg_node *nd)
{
	if (!nd)
		return;
	weir__free(nd->name);
	weir__free(nd->op);
	weir__free(nd->const_data);
	weir__free(nd->in);
	weir__attrs_fini(&nd->attrs);
	weir__free(nd);
}

int weir_graph_create(const char *name, weir_graph_t **out)
{
	if (!out || !name || !*name)
		return weir__graph_err(WEIR_EINVAL,
		                       "weir_graph_create: NULL out or empty graph name");
	weir_graph_t *g = weir__calloc(1, sizeof(*g));
	if (!g || !(g->name = weir__strdup(name))) {
		weir__free(g);
		return weir__graph_err(WEIR_ENOMEM, "weir_graph_create: out of memory");
	}
	*out = g;
	return WEIR_OK;
}

void weir_graph_destroy(weir_graph_t *g)
{
	if (!g)
		return;
	for (uint32_t i = 0; i < g->n; i++)
		node_free(g->nodes[i]);
	for (uint32_t i = 0; i < g->nopts; i++) {
		weir__free(g->opts[i].key);
		weir__free(g->opts[i].value);
	}
	weir__free(g->opts);
	weir__free(g->nodes);
	weir__free(g->hash);
	weir__free(g->ctrl);
	weir__free(g->outs);
	weir__free(g->name);
	weir__free(g);
}

const char *weir_graph_name(const weir_graph_t *g)
{
	return g ? g->name : NULL;
}
uint32_t weir_graph_node_count(const weir_graph_t *g)
{
	return g ? g->n : 0;
}

static int check_port(const weir_graph_t *g, weir_port_t p)
{
	if (p.node >= g->n)
		return 0;
	const struct wg_node *nd = g->nodes[p.node];
	uint32_t nout = nd->kind == WG_OP ? nd->nout : 1;
	/* nout 0: count not known until compile; index checked then. */
	return nd->kind == WG_OP && nout == 0 ? 1 : p.index < nout;
}

/* Common part of the add calls: validate the name, allocate the node. */
static int new_node(weir_graph_t *g, const char *name, const char *op, const char *fn,
                    struct wg_node **out)
{
	if (!g || !name || !*name || !op || !*op)
		return weir__graph_err(WEIR_EINVAL, "%s: NULL graph or empty node name/op", fn);
	uint32_t id;
	if (hash_find(g, name, &id) == WEIR_OK)
		return weir__graph_err(WEIR_EEXIST, "%s: graph '%s' already has a node named '%s'",
		                       fn, g->name, name);
	struct wg_node *nd = weir__calloc(1, sizeof(*nd));
	if (!nd || !(nd->name = weir__strdup(name)) || !(nd->op = weir__strdup(op)) ||
	    reserve_node(g)) {
		node_free(nd);
		return weir__graph_err(WEIR_ENOMEM, "%s: out of memory adding '%s'", fn, name);
	}
	*out = nd;
	return WEIR_OK;
}

static uint32_t commit_node(weir_graph_t *g, struct wg_node *nd)
{
	uint32_t id = g->n++;
	g->nodes[id] = nd;
	hash_put(g, id);
	return id;
}

int weir_graph_add_data(weir_graph_t *g, const char *name, uint32_t index,
                        const weir_tensor_desc_t *desc, weir_port_t *out)
{
	if (!desc || weir_tensor_desc_bytes(desc) < 0)
		return weir__graph_err(WEIR_EINVAL,
		                       "weir_graph_add_data: Data node '%s' of graph '%s' has an "
		                       "invalid tensor desc",
		                       name ? name : "(null)", g && g->name ? g->name : "(null)");
	for (uint32_t i = 0; g && i < g->n; i++)
		if (g->nodes[i]->kind == WG_DATA && g->nodes[i]->data_index == index)
			return weir__graph_err(WEIR_EEXIST,
			                       "weir_graph_add_data: graph '%s': Data '%s' and "
			                       "'%s' both claim input index %u",
			                       g->name, g->nodes[i]->name, name ? name : "(null)",
			                       index);
	struct wg_node *nd;
	int rc = new_node(g, name, WEIR_OP_DATA, "weir_graph_add_data", &nd);
	if (rc)
		return rc;
	nd->kind = WG_DATA;
	nd->data_index = index;
	nd->desc = *desc;
	nd->nout = 1;
	uint32_t id = commit_node(g, nd);
	if (out)
		*out = weir_port(id, 0);
	return WEIR_OK;
}

int weir_graph_add_const(weir_graph_t *g, const char *name, const weir_tensor_desc_t *desc,
                         const void *data, weir_port_t *out)
{
	int64_t bytes = desc ? weir_tensor_desc_bytes(desc) : -1;
	if (bytes < 0 || (!data && bytes > 0))
		return weir__graph_err(
		        WEIR_EINVAL,
		        "weir_graph_add_const: Const node '%s' has an invalid desc or NULL data",
		        name ? name : "(null)");
	struct wg_node *nd;
	int rc = new_node(g, name, WEIR_OP_CONST, "weir_graph_add_const", &nd);
	if (rc)
		return rc;
	nd->kind = WG_CONST;
	nd->desc = *desc;
	nd->nout = 1;
	nd->const_data = weir__malloc(bytes ? (size_t)bytes : 1);
	if (!nd->const_data) {
		node_free(nd);
		return weir__graph_err(WEIR_ENOMEM, "weir_graph_add_const: out of memory for '%s'",
		                       name);
	}
	if (bytes)
		memcpy(nd->const_data, data, (size_t)bytes);
	uint32_t id = commit_node(g, nd);
	if (out)
		*out = weir_port(id, 0);
	return WEIR_OK;
}

int weir_graph_add_node(weir_graph_t *g, const char *name, const char *op,
                        const weir_port_t *inputs, uint32_t nin, uint32_t nout, uint32_t *node)
{
	if (g && op && (strcmp(op, WEIR_OP_DATA) == 0 || strcmp(op, WEIR_OP_CONST) == 0))
		return weir__graph_err(
		        WEIR_EINVAL,
		        "weir_graph_add_node: node '%s': use weir_graph_add_data/add_const for %s",
		        name ? name : "(null)", op);
	if (g && !inputs && nin)
		return weir__graph_err(WEIR_EINVAL,
		                       "weir_graph_add_node: node '%s': NULL inputs with nin %u",
		                       name ? name : "(null)", nin);
	for (uint32_t i = 0; g && i < nin; i++)
		if (!check_port(g, inputs[i]))
			return weir__graph_err(WEIR_EINVAL,
			                       "weir_graph_add_node: node '%s' input %u refers to "
			                       "a missing node or output (%u:%u)",
			                       name ? name : "(null)", i, inputs[i].node,
			                       inputs[i].index);
	struct wg_node *nd;
	int rc = new_node(g, name, op, "weir_graph_add_node", &nd);
	if (rc)
		return rc;
	nd->kind = WG_OP;
	nd->nout = nout;
	nd->nin = nin;
	if (nin) {
		nd->in = weir__malloc(nin * sizeof(*nd->in));
		if (!nd->in) {
			node_free(nd);
			return weir__graph_err(WEIR_ENOMEM,
			                       "weir_graph_add_node: out of memory for '%s'", name);
		}
		memcpy(nd->in, inputs, nin * sizeof(*nd->in));
	}
	uint32_t id = commit_node(g, nd);
	if (node)
		*node = id;
	return WEIR_OK;
}

int weir_graph_set_input(weir_graph_t *g, uint32_t node, uint32_t slot, weir_port_t src)
{
	if (!g || node >= g->n || slot >= g->nodes[node]->nin || !check_port(g, src))
		return weir__graph_err(WEIR_EINVAL,
		                       "weir_graph_set_input: bad node, slot or source port");
	g->nodes[node]->in[slot] = src;
	return WEIR_OK;
}

int weir_graph_node_attrs(weir_graph_t *g, uint32_t node, weir_attrs_t **out)
{
	if (!g || !out || node >= g->n)
		return weir__graph_err(WEIR_EINVAL, "weir_graph_node_attrs: bad graph or node id");
	*out = &g->nodes[node]->attrs;
	return WEIR_OK;
}

int weir_graph_find_node(const weir_graph_t *g, const char *name, uint32_t *node)
{
	if (!g || !name || !node)
		return WEIR_EINVAL;
	return hash_find(g, name, node);
}

const char *weir_graph_node_name(const weir_graph_t *g, uint32_t node)
{
	return g && node < g->n ? g->nodes[node]->name : NULL;
}

const char *weir_graph_node_op(const weir_graph_t *g, uint32_t node)
{
	return g && node < g->n ? g->nodes[node]->op : NULL;
}

int weir_graph_add_control_edge(weir_graph_t *g, uint32_t from, uint32_t to)
{
	if (!g || from >= g->n || to >= g->n || from == to)
		return weir__graph_err(WEIR_EINVAL,
		                       "weir_graph_add_control_edge: bad node ids %u -> %u", from,
		                       to);
	if (g->nctrl == g->ctrl_cap) {
		uint32_t cap = g->ctrl_cap ? g->ctrl_cap * 2 : 8;
		uint32_t *v = weir__realloc(g->ctrl, cap * 2 * sizeof(*v));
		if (!v)
			return weir__graph_err(WEIR_ENOMEM,
			                       "weir_graph_add_control_edge: out of memory");
		g->ctrl = v;
		g->ctrl_cap = cap;
	}
	g->ctrl[2 * g->nctrl] = from;
	g->ctrl[2 * g->nctrl + 1] = to;
	g->nctrl++;
	return WEIR_OK;
}

int weir_graph_set_outputs(weir_graph_t *g, const weir_port_t *outs, uint32_t n)
{
	if (!g || !outs || !n)
		return weir__graph_err(WEIR_EINVAL,
		                       "weir_graph_set_outputs: NULL graph/outputs or no outputs");
	for (uint32_t i = 0; i < n; i++)
		if (!check_port(g, outs[i]))
			return weir__graph_err(WEIR_EINVAL,
			                       "weir_graph_set_outputs: graph '%s' output %u "
			                       "refers to a missing node or output (%u:%u)",
			                       g->name, i, outs[i].node, outs[i].index);
	weir_port_t *v = weir__malloc(n * sizeof(*v));
	if (!v)
		return weir__graph_err(WEIR_ENOMEM, "weir_graph_set_outputs: out of memory");
	memcpy(v, outs, n * sizeof(*v));
	weir__free(g->outs);
	g->outs = v;
	g->nouts = n;
	return WEIR_OK;
}

const char *weir__graph_option(const weir_graph_t *g, const char *key)
{
	for (uint32_t i = 0; g && i < g->nopts; i++)
		if (strcmp(g->opts[i].key, key) == 0)
			return g->opts[i].value;
	return NULL;
}

int weir_graph_set_option(weir_graph_t *g, const char *key, const char *value)
{
	if (!g || !key || !*key || !value)
		return weir__graph_err(
		        WEIR_EINVAL, "weir_graph_set_option: NULL graph, empty key or NULL value");
	char *v = weir__strdup(value);
	if (!v)
		return weir__graph_err(WEIR_ENOMEM, "weir_graph_set_option: out of memory");
	for (uint32_t i = 0; i < g->nopts; i++)
		if (strcmp(g->opts[i].key, key) == 0) {
			weir__free(g->opts[i].value);
			g->opts[i].value = v;
			return WEIR_OK;
		}
	char *k = weir__strdup(key);
	struct wg_option *o = k ? weir__realloc(g->opts, (g->nopts + 1) * sizeof(*o)) : NULL;
	if (!o) {
		weir__free(k);
		weir__free(v);
		return weir__graph_err(WEIR_ENOMEM, "weir_graph_set_option: out of memory");
	}
	g->opts = o;
	o[g->nopts].key = k;
	o[g->nopts].value = v;
	g->nopts++;
	return WEIR_OK;
}

int weir_graph_clone(const weir_graph_t *g, weir_graph_t **out)
{
	if (!g || !out)
		return weir__graph_err(WEIR_EINVAL, "weir_graph_clone: NULL graph or out");
	weir_graph_t *c;
	int rc = weir_graph_create(g->name, &c);
	if (rc)
		return rc;
	for (uint32_t i = 0; i < g->n; i++) {
		const struct wg_node *s = g->nodes[i];
		struct wg_node *nd = weir__calloc(1, sizeof(*nd));
		if (!nd || reserve_node(c))
			goto oom_nd;
		*nd = *s;
		nd->name = nd->op = NULL;
		nd->const_data = NULL;
		nd->in = NULL;
		memset(&nd->attrs, 0, sizeof(nd->attrs));
		if (!(nd->name = weir__strdup(s->name)) || !(nd->op = weir__strdup(s->op)))
			goto oom_nd;
		if (s->kind == WG_CONST) {
			size_t b = (size_t)weir_tensor_desc_bytes(&s->desc);
			if (!(nd->const_data = weir__malloc(b ? b : 1)))
				goto oom_nd;
			memcpy(nd->const_data, s->const_data, b);
		}
		if (s->nin) {
			if (!(nd->in = weir__malloc(s->nin * sizeof(*nd->in))))
				goto oom_nd;
			memcpy(nd->in, s->in, s->nin * sizeof(*nd->in));
		}
		if (weir__attrs_copy_into(&nd->attrs, &s->attrs))
			goto oom_nd;
		commit_node(c, nd);
		continue;
	oom_nd:
		node_free(nd);
		goto oom;
	}
	for (uint32_t i = 0; i < g->nctrl; i++)
		if (weir_graph_add_control_edge(c, g->ctrl[2 * i], g->ctrl[2 * i + 1]))
			goto oom;
	if (g->nouts && weir_graph_set_outputs(c, g->outs, g->nouts))
		goto oom;
	for (uint32_t i = 0; i < g->nopts; i++)
		if (weir_graph_set_option(c, g->opts[i].key, g->opts[i].value))
			goto oom;
	*out = c;
	return WEIR_OK;
oom:
	weir_graph_destroy(c);
	return weir__graph_err(WEIR_ENOMEM, "weir_graph_clone: out of memory copying graph '%s'",
	                       g->name);
}

/* ------------------------------------------------------------------------ */
/* Dumps                                                                      */
/* ------------------------------------------------------------------------ */

void wg_buf_printf(struct wg_buf *b, const char *fmt, ...)
{
	if (b->err)
		return;
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		size_t room = b->cap - b->n;
		int k = vsnprintf(b->p ? b->p + b->n : NULL, b->p ? room : 0, fmt, ap);
		va_end(ap);
		if (k < 0) {
			b->err = 1;
			return;
		}
		if (b->p && (size_t)k < room) {
			b->n += (size_t)k;
			return;
		}
		size_t cap = b->cap ? b->cap : 256;
		while (cap - b->n <= (size_t)k)
			cap *= 2;
		char *p = weir__realloc(b->p, cap);
		if (!p) {
			b->err = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
}

void wg_buf_json_str(struct wg_buf *b, const char *s)
{
	wg_buf_printf(b, "\"");
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			wg_buf_printf(b, "\\%c", c);
		else if (c < 0x20)
			wg_buf_printf(b, "\\u%04x", c);
		else
			wg_buf_printf(b, "%c", c);
	}
	wg_buf_printf(b, "\"");
}

static void json_desc(struct wg_buf *b, const weir_tensor_desc_t *d)
{
	wg_buf_printf(b, "{\"dtype\":\"%s\",\"shape\":[", weir_dtype_name(d->dtype));
	for (uint32_t i = 0; i < d->rank && i < WEIR_MAX_RANK; i++)
		wg_buf_printf(b, i ? ",%lld" : "%lld", (long long)d->dims[i]);
	wg_buf_printf(b, "]}");
}

static void json_attr(struct wg_buf *b, const struct weir_attr *x)
{
	switch (x->type) {
	case WEIR_ATTR_INT: wg_buf_printf(b, "%lld", (long long)x->v.i); break;
	case WEIR_ATTR_FLOAT: wg_buf_printf(b, "%.9g", (double)x->v.f); break;
	case WEIR_ATTR_BOOL: wg_buf_printf(b, x->v.b ? "true" : "false"); break;
	case WEIR_ATTR_STRING: wg_buf_json_str(b, x->v.s); break;
	case WEIR_ATTR_INTS:
		wg_buf_printf(b, "[");
		for (size_t i = 0; i < x->v.list.n; i++)
			wg_buf_printf(b, i ? ",%lld" : "%lld",
			              (long long)((int64_t *)x->v.list.p)[i]);
		wg_buf_printf(b, "]");
		break;
	case WEIR_ATTR_FLOATS:
		wg_buf_printf(b, "[");
		for (size_t i = 0; i < x->v.list.n; i++)
			wg_buf_printf(b, i ? ",%.9g" : "%.9g", (double)((float *)x->v.list.p)[i]);
		wg_buf_printf(b, "]");
		break;
	case WEIR_ATTR_TENSOR:
		wg_buf_printf(b, "{\"tensor\":");
		json_desc(b, &x->v.t.desc);
		wg_buf_printf(b, "}");
		break;
	default: wg_buf_printf(b, "null"); break;
	}
}

static int buf_finish(struct wg_buf *b, char **out, const char *fn)
{
	if (b->err || !b->p) {
		weir__free(b->p);
		return weir__graph_err(WEIR_ENOMEM, "%s: out of memory", fn);
	}
	*out = b->p;
	return WEIR_OK;
}

int weir_graph_dump_json(const weir_graph_t *g, char **out)
{
	if (!g || !out)
		return weir__graph_err(WEIR_EINVAL, "weir_graph_dump_json: NULL graph or out");
	struct wg_buf b = { 0 };
	wg_buf_printf(&b, "{\"name\":");
	wg_buf_json_str(&b, g->name);
	wg_buf_printf(&b, ",\"nodes\":[");
	for (uint32_t i = 0; i < g->n; i++) {
		const struct wg_node *nd = g->nodes[i];
		wg_buf_printf(&b, "%s{\"id\":%u,\"name\":", i ? "," : "", i);
		wg_buf_json_str(&b, nd->name);
		wg_buf_printf(&b, ",\"op\":");
		wg_buf_json_str(&b, nd->op);
		if (nd->kind == WG_DATA)
			wg_buf_printf(&b, ",\"index\":%u", nd->data_index);
		if (nd->kind != WG_OP) {
			wg_buf_printf(&b, ",\"desc\":");
			json_desc(&b, &nd->desc);
		}
		wg_buf_printf(&b, ",\"inputs\":[");
		for (uint32_t k = 0; k < nd->nin; k++)
			wg_buf_printf(&b, "%s[%u,%u]", k ? "," : "", nd->in[k].node,
			              nd->in[k].index);
		wg_buf_printf(&b, "],\"outputs\":%u,\"attrs\":{", nd->nout);
		for (size_t k = 0; k < nd->attrs.n; k++) {
			if (k)
				wg_buf_printf(&b, ",");
			wg_buf_json_str(&b, nd->attrs.v[k].name);
			wg_buf_printf(&b, ":");
			json_attr(&b, &nd->attrs.v[k]);
		}
		wg_buf_printf(&b, "}}");
	}
	wg_buf_printf(&b, "],\"control_edges\":[");
	for (uint32_t i = 0; i < g->nctrl; i++)
		wg_buf_printf(&b, "%s[%u,%u]", i ? "," : "", g->ctrl[2 * i], g->ctrl[2 * i + 1]);
	wg_buf_printf(&b, "],\"outputs\":[");
	for (uint32_t i = 0; i < g->nouts; i++)
		wg_buf_printf(&b, "%s[%u,%u]", i ? "," : "", g->outs[i].node, g->outs[i].index);
	wg_buf_printf(&b, "],\"options\":{");
	for (uint32_t i = 0; i < g->nopts; i++) {
		if (i)
			wg_buf_printf(&b, ",");
		wg_buf_json_str(&b, g->opts[i].key);
		wg_buf_printf(&b, ":");
		wg_buf_json_str(&b, g->opts[i].value);
	}
	wg_buf_printf(&b, "}}");
	return buf_finish(&b, out, "weir_graph_dump_json");
}

/* DOT identifiers are quoted; escape quotes and backslashes. */
static void dot_str(struct wg_buf *b, const char *s)
{
	wg_buf_printf(b, "\"");
	for (; s && *s; s++)
		wg_buf_printf(b, (*s == '"' || *s == '\\') ? "\\%c" : "%c", *s);
	wg_buf_printf(b, "\"");
}

int weir_graph_dump_dot(const weir_graph_t *g, char **out)
{
	if (!g || !out)
		return weir__graph_err(WEIR_EINVAL, "weir_graph_dump_dot: NULL graph or out");
	struct wg_buf b = { 0 };
	wg_buf_printf(&b, "digraph ");
	dot_str(&b, g->name);
	wg_buf_printf(&b, " {\n  rankdir=TB;\n");
	for (uint32_t i = 0; i < g->n; i++) {
		const struct wg_node *nd = g->nodes[i];
		wg_buf_printf(&b, "  n%u [label=", i);
		char lbl[256];
		snprintf(lbl, sizeof(lbl), "%s\\n%s", nd->name, nd->op);
		wg_buf_printf(&b, "\"");
		for (const char *s = lbl; *s; s++)
			wg_buf_printf(&b, *s == '"' ? "\\%c" : "%c", *s);
		wg_buf_printf(&b, "\"%s];\n",
		              nd->kind == WG_DATA    ? ",shape=invhouse"
		              : nd->kind == WG_CONST ? ",shape=box,style=dashed"
		                                     : ",shape=box");
	}
	for (uint32_t i = 0; i < g->n; i++)
		for (uint32_t k = 0; k < g->nodes[i]->nin; k++)
			wg_buf_printf(&b, "  n%u -> n%u [label=\"%u:%u\"];\n",
			              g->nodes[i]->in[k].node, i, g->nodes[i]->in[k].index, k);
	for (uint32_t i = 0; i < g->nctrl; i++)
		wg_buf_printf(&b, "  n%u -> n%u [style=dashed];\n", g->ctrl[2 * i],
		              g->ctrl[2 * i + 1]);
	for (uint32_t i = 0; i < g->nouts; i++)
		wg_buf_printf(&b, "  out%u [shape=house,label=\"output %u\"];\n  n%u -> out%u;\n",
		              i, i, g->outs[i].node, i);
	wg_buf_printf(&b, "}\n");
	return buf_finish(&b, out, "weir_graph_dump_dot");
}

void weir_graph_dump_free(char *s)
{
	weir__free(s);
}
