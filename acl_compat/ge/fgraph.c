/*
 * acl_compat/ge/fgraph.c - the front-end graph builder (ge/weir_ge.h
 * weir_fg_*): nodes as GE's operator IR or an ONNX model wrote them, before
 * lowering (lower.c). Not thread-safe while being built; read-only after.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "acl_compat/ge/fg.h"
#include "base/alloc.h"

static bool fg_grow(void **arr, uint32_t *cap, uint32_t need, size_t elem)
{
	if (need <= *cap)
		return true;
	uint32_t n = *cap ? *cap * 2 : 16;
	while (n < need)
		n *= 2;
	void *p = weir__realloc(*arr, (size_t)n * elem);
	if (!p)
		return false;
	*arr = p;
	*cap = n;
	return true;
}

#define FG_GROW(g, field, count, cap, extra) \
	fg_grow((void **)&(g)->field, &(g)->cap, (g)->count + (extra), sizeof(*(g)->field))

int weir_fg_create(const char *name, int domain, int opset, weir_fg_t **out)
{
	if (!out)
		return weir__graph_err(WEIR_EINVAL, "weir_fg_create: out is NULL");
	*out = NULL;
	if (!name || !*name)
		return weir__graph_err(WEIR_EINVAL, "weir_fg_create: empty graph name");
	if (domain != WEIR_FG_GE && domain != WEIR_FG_ONNX)
		return weir__graph_err(WEIR_EINVAL, "weir_fg_create: unknown domain %d", domain);
	weir_fg_t *g = weir__calloc(1, sizeof(*g));
	if (!g || !(g->name = weir__strdup(name))) {
		weir__free(g);
		return weir__graph_err(WEIR_ENOMEM, "weir_fg_create: out of memory");
	}
	g->domain = domain;
	g->opset = opset;
	*out = g;
	return WEIR_OK;
}

void weir_fg_destroy(weir_fg_t *g)
{
	if (!g)
		return;
	for (uint32_t i = 0; i < g->ninputs; i++)
		weir__free(g->inputs[i].name);
	for (uint32_t i = 0; i < g->nconsts; i++) {
		weir__free(g->consts[i].name);
		weir__free(g->consts[i].data);
	}
	for (uint32_t i = 0; i < g->nnodes; i++) {
		struct fg_node *n = &g->nodes[i];
		weir__free(n->name);
		weir__free(n->type);
		weir__free(n->in);
		weir__free(n->after);
		weir_attrs_destroy(n->attrs);
	}
	weir__free(g->values);
	weir__free(g->inputs);
	weir__free(g->consts);
	weir__free(g->nodes);
	weir__free(g->outputs);
	weir__free(g->name);
	weir__free(g);
}

const char *weir_fg_name(const weir_fg_t *g)
{
	return g ? g->name : NULL;
}
int weir_fg_domain(const weir_fg_t *g)
{
	return g ? g->domain : -1;
}
uint32_t weir_fg_node_count(const weir_fg_t *g)
{
	return g ? g->nnodes : 0;
}
uint32_t weir_fg_input_count(const weir_fg_t *g)
{
	return g ? g->ninputs : 0;
}
uint32_t weir_fg_output_count(const weir_fg_t *g)
{
	return g ? g->noutputs : 0;
}

int weir_fg_input_desc(const weir_fg_t *g, uint32_t i, weir_fg_desc_t *out)
{
	if (!g || !out)
		return weir__graph_err(WEIR_EINVAL, "weir_fg_input_desc: NULL argument");
	for (uint32_t k = 0; k < g->ninputs; k++)
		if (g->inputs[k].index == i) {
			*out = g->inputs[k].desc;
			return WEIR_OK;
		}
	return weir__graph_err(WEIR_ENOTFOUND, "graph '%s' has no input %u", g->name, i);
}

static int fg_new_values(weir_fg_t *g, int32_t producer, uint32_t n, int32_t *first)
{
	if ((uint64_t)g->nvalues + n > INT32_MAX)
		return weir__graph_err(WEIR_ENOMEM, "graph '%s': too many values", g->name);
	if (!FG_GROW(g, values, nvalues, cap_values, n))
		return weir__graph_err(WEIR_ENOMEM, "graph '%s': out of memory", g->name);
	*first = (int32_t)g->nvalues;
	for (uint32_t i = 0; i < n; i++) {
		g->values[g->nvalues + i].producer = producer;
		g->values[g->nvalues + i].port = i;
	}
	g->nvalues += n;
	return WEIR_OK;
}

int weir_fg_add_input(weir_fg_t *g, const char *name, uint32_t index, const weir_fg_desc_t *desc,
                      int32_t *value)
{
	if (!g || !desc || !value)
		return weir__graph_err(WEIR_EINVAL, "weir_fg_add_input: NULL argument");
	if (desc->rank > WEIR_MAX_RANK || desc->rank < -1)
		return weir__graph_err(WEIR_EINVAL, "graph '%s': input %u has rank %d (at most %d)",
		                       g->name, index, desc->rank, WEIR_MAX_RANK);
	for (int32_t d = 0; d < desc->rank; d++)
		if (desc->dims[d] < -1)
			return weir__graph_err(WEIR_EINVAL, "graph '%s': input %u has dim %lld",
			                       g->name, index, (long long)desc->dims[d]);
	for (uint32_t k = 0; k < g->ninputs; k++)
		if (g->inputs[k].index == index)
			return weir__graph_err(WEIR_EEXIST, "graph '%s': two inputs with index %u",
			                       g->name, index);
	if (!FG_GROW(g, inputs, ninputs, cap_inputs, 1))
		return weir__graph_err(WEIR_ENOMEM, "graph '%s': out of memory", g->name);
	struct fg_input *in = &g->inputs[g->ninputs];
	memset(in, 0, sizeof(*in));
	char buf[32];
	if (!name || !*name) {
		snprintf(buf, sizeof(buf), "input%u", index);
		name = buf;
	}
	if (!(in->name = weir__strdup(name)))
		return weir__graph_err(WEIR_ENOMEM, "graph '%s': out of memory", g->name);
	int32_t v;
	int rc = fg_new_values(g, FG_FROM_INPUT, 1, &v);
	if (rc) {
		weir__free(in->name);
		return rc;
	}
	g->values[v].port = g->ninputs;
	in->index = index;
	in->desc = *desc;
	in->value = v;
	g->ninputs++;
	*value = v;
	return WEIR_OK;
}

int weir_fg_add_const(weir_fg_t *g, const char *name, const weir_tensor_desc_t *desc,
                      const void *data, int32_t *value)
{
	if (!g || !desc || !value)
		return weir__graph_err(WEIR_EINVAL, "weir_fg_add_const: NULL argument");
	int64_t bytes = weir_tensor_desc_bytes(desc);
	if (bytes < 0)
		return weir__graph_err(WEIR_EINVAL, "graph '%s': constant '%s' has an invalid desc",
		                       g->name, name ? name : "");
	if (bytes > 0 && !data)
		return weir__graph_err(WEIR_EINVAL, "graph '%s': constant '%s' has no data",
		                       g->name, name ? name : "");
	if (!FG_GROW(g, consts, nconsts, cap_consts, 1))
		return weir__graph_err(WEIR_ENOMEM, "graph '%s': out of memory", g->name);
	struct fg_const *c = &g->consts[g->nconsts];
	memset(c, 0, sizeof(*c));
	c->desc = *desc;
	c->name = weir__strdup(name && *name ? name : "const");
	c->data = bytes ? weir__malloc((size_t)bytes) : NULL;
	if (!c->name || (bytes && !c->data)) {
		weir__free(c->name);
		weir__free(c->data);
		return weir__graph_err(WEIR_ENOMEM, "graph '%s': out of memory", g->name);
	}
	if (bytes)
		memcpy(c->data, data, (size_t)bytes);
	int32_t v;
	int rc = fg_new_values(g, FG_FROM_CONST, 1, &v);
	if (rc) {
		weir__free(c->name);
		weir__free(c->data);
		return rc;
	}
	g->values[v].port = g->nconsts;
	g->nconsts++;
	*value = v;
	return WEIR_OK;
}

int weir_fg_add_node(weir_fg_t *g, const char *name, const char *type, const int32_t *inputs,
                     uint32_t nin, uint32_t nout, const weir_attrs_t *attrs, int32_t *first_out)
{
	if (!g || !type || !*type || !first_out || (nin && !inputs))
		return weir__graph_err(WEIR_EINVAL, "weir_fg_add_node: bad argument");
	for (uint32_t i = 0; i < nin; i++)
		if (inputs[i] != WEIR_FG_NONE &&
		    (inputs[i] < 0 || (uint32_t)inputs[i] >= g->nvalues))
			return weir__graph_err(
			        WEIR_EINVAL,
			        "graph '%s': node '%s' (%s) input %u names value %d, "
			        "which does not exist yet",
			        g->name, name ? name : "", type, i, inputs[i]);
	if (!FG_GROW(g, nodes, nnodes, cap_nodes, 1))
		return weir__graph_err(WEIR_ENOMEM, "graph '%s': out of memory", g->name);
	struct fg_node *n = &g->nodes[g->nnodes];
	memset(n, 0, sizeof(*n));
	char buf[48];
	if (!name || !*name) {
		snprintf(buf, sizeof(buf), "node%u", g->nnodes);
		name = buf;
	}
	n->name = weir__strdup(name);
	n->type = weir__strdup(type);
	n->in = nin ? weir__malloc(sizeof(int32_t) * nin) : NULL;
	int rc = (!n->name || !n->type || (nin && !n->in)) ? WEIR_ENOMEM : WEIR_OK;
	if (!rc)
		rc = weir_attrs_create(&n->attrs);
	if (!rc && attrs)
		rc = weir_attrs_copy(n->attrs, attrs);
	int32_t first = 0;
	if (!rc)
		rc = fg_new_values(g, (int32_t)g->nnodes, nout, &first);
	if (rc) {
		weir__free(n->name);
		weir__free(n->type);
		weir__free(n->in);
		weir_attrs_destroy(n->attrs);
		return rc == WEIR_ENOMEM
		               ? weir__graph_err(WEIR_ENOMEM, "graph '%s': out of memory", g->name)
		               : rc;
	}
	if (nin)
		memcpy(n->in, inputs, sizeof(int32_t) * nin);
	n->nin = nin;
	n->nout = nout;
	n->first_out = first;
	g->nnodes++;
	*first_out = first;
	return WEIR_OK;
}

int weir_fg_add_control_edge(weir_fg_t *g, uint32_t from, uint32_t to)
{
	if (!g || from >= g->nnodes || to >= g->nnodes || from == to)
		return weir__graph_err(WEIR_EINVAL, "weir_fg_add_control_edge: bad node");
	struct fg_node *n = &g->nodes[to];
	uint32_t *a = weir__realloc(n->after, sizeof(uint32_t) * (n->nafter + 1));
	if (!a)
		return weir__graph_err(WEIR_ENOMEM, "graph '%s': out of memory", g->name);
	a[n->nafter++] = from;
	n->after = a;
	return WEIR_OK;
}

int weir_fg_set_outputs(weir_fg_t *g, const int32_t *values, uint32_t n)
{
	if (!g || (n && !values))
		return weir__graph_err(WEIR_EINVAL, "weir_fg_set_outputs: NULL argument");
	for (uint32_t i = 0; i < n; i++)
		if (values[i] < 0 || (uint32_t)values[i] >= g->nvalues)
			return weir__graph_err(WEIR_EINVAL, "graph '%s': output %u names value %d",
			                       g->name, i, values[i]);
	int32_t *o = n ? weir__malloc(sizeof(int32_t) * n) : NULL;
	if (n && !o)
		return weir__graph_err(WEIR_ENOMEM, "graph '%s': out of memory", g->name);
	if (n)
		memcpy(o, values, sizeof(int32_t) * n);
	weir__free(g->outputs);
	g->outputs = o;
	g->noutputs = n;
	return WEIR_OK;
}

int weir_fg_clone(const weir_fg_t *g, weir_fg_t **out)
{
	if (!g || !out)
		return weir__graph_err(WEIR_EINVAL, "weir_fg_clone: NULL argument");
	weir_fg_t *c;
	int rc = weir_fg_create(g->name, g->domain, g->opset, &c);
	if (rc)
		return rc;
	/* Re-adding in value order reproduces the same value numbering: every
	 * input, const and node made its values in one step, in order. */
	uint32_t ni = 0, nc = 0, nn = 0;
	for (uint32_t v = 0; v < g->nvalues && !rc;) {
		const struct fg_value *fv = &g->values[v];
		int32_t got = -1;
		if (fv->producer == FG_FROM_INPUT) {
			const struct fg_input *in = &g->inputs[ni++];
			rc = weir_fg_add_input(c, in->name, in->index, &in->desc, &got);
			v++;
		} else if (fv->producer == FG_FROM_CONST) {
			const struct fg_const *k = &g->consts[nc++];
			rc = weir_fg_add_const(c, k->name, &k->desc, k->data, &got);
			v++;
		} else {
			/* nodes with zero outputs make no values: add them here too */
			while (!rc && nn <= (uint32_t)fv->producer) {
				const struct fg_node *n = &g->nodes[nn++];
				rc = weir_fg_add_node(c, n->name, n->type, n->in, n->nin, n->nout,
				                      n->attrs, &got);
				v += n->nout;
			}
		}
	}
	while (!rc && nn < g->nnodes) {
		const struct fg_node *n = &g->nodes[nn++];
		int32_t got;
		rc = weir_fg_add_node(c, n->name, n->type, n->in, n->nin, n->nout, n->attrs, &got);
	}
	for (uint32_t i = 0; i < g->nnodes && !rc; i++)
		for (uint32_t k = 0; k < g->nodes[i].nafter && !rc; k++)
			rc = weir_fg_add_control_edge(c, g->nodes[i].after[k], i);
	if (!rc)
		rc = weir_fg_set_outputs(c, g->outputs, g->noutputs);
	if (rc) {
		weir_fg_destroy(c);
		return rc;
	}
	*out = c;
	return WEIR_OK;
}

/* A growable string for the dump. */
struct fg_buf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void fg_put(struct fg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fg_put(struct fg_buf *b, const char *fmt, ...)
{
	if (b->oom)
		return;
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = true;
			return;
		}
		if (b->s && b->len + (size_t)n < b->cap) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = b->cap ? b->cap * 2 : 1024;
		while (cap <= b->len + (size_t)n)
			cap *= 2;
		char *p = weir__realloc(b->s, cap); /* freed by weir_graph_dump_free() */
		if (!p) {
			b->oom = true;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
}

static void fg_put_value(struct fg_buf *b, const weir_fg_t *g, int32_t v)
{
	if (v == WEIR_FG_NONE) {
		fg_put(b, "-");
		return;
	}
	const struct fg_value *fv = &g->values[v];
	if (fv->producer == FG_FROM_INPUT)
		fg_put(b, "%%%s", g->inputs[fv->port].name);
	else if (fv->producer == FG_FROM_CONST)
		fg_put(b, "$%s", g->consts[fv->port].name);
	else
		fg_put(b, "%s:%u", g->nodes[fv->producer].name, fv->port);
}

int weir_fg_dump(const weir_fg_t *g, char **out)
{
	if (!g || !out)
		return weir__graph_err(WEIR_EINVAL, "weir_fg_dump: NULL argument");
	struct fg_buf b = { 0 };
	char dbuf[96];
	fg_put(&b, "graph %s (%s opset %d)\n", g->name, g->domain == WEIR_FG_ONNX ? "onnx" : "ge",
	       g->opset);
	for (uint32_t i = 0; i < g->ninputs; i++) {
		const struct fg_input *in = &g->inputs[i];
		fg_put(&b, "input %u %s dtype %s rank %d [", in->index, in->name,
		       weir_dtype_name(in->desc.dtype), in->desc.rank);
		for (int32_t d = 0; d < in->desc.rank; d++)
			fg_put(&b, d ? ",%lld" : "%lld", (long long)in->desc.dims[d]);
		fg_put(&b, "]\n");
	}
	for (uint32_t i = 0; i < g->nconsts; i++)
		fg_put(&b, "const %s %s\n", g->consts[i].name,
		       weir_tensor_desc_str(&g->consts[i].desc, dbuf, sizeof(dbuf)));
	for (uint32_t i = 0; i < g->nnodes; i++) {
		const struct fg_node *n = &g->nodes[i];
		fg_put(&b, "node %s %s (", n->name, n->type);
		for (uint32_t k = 0; k < n->nin; k++) {
			if (k)
				fg_put(&b, ", ");
			fg_put_value(&b, g, n->in[k]);
		}
		fg_put(&b, ") -> %u", n->nout);
		size_t na = weir_attrs_count(n->attrs);
		for (size_t k = 0; k < na; k++)
			fg_put(&b, k ? ",%s" : " attrs %s", weir_attrs_name(n->attrs, k));
		fg_put(&b, "\n");
	}
	fg_put(&b, "outputs");
	for (uint32_t i = 0; i < g->noutputs; i++) {
		fg_put(&b, " ");
		fg_put_value(&b, g, g->outputs[i]);
	}
	fg_put(&b, "\n");
	if (b.oom) {
		weir__free(b.s);
		return weir__graph_err(WEIR_ENOMEM, "weir_fg_dump: out of memory");
	}
	*out = b.s;
	return WEIR_OK;
}
