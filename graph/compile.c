/*
 * graph/compile.c - the compiler passes (see graph/compile.h for the list).
 *
 * Happens-before bookkeeping uses vector clocks over streams: vc[s][t] is the
 * highest position of stream t known complete before stream s's next step.
 * Invariants, kept by pass_events() and relied on by pass_memory():
 *  1. Steps are submitted in topological order, so every wait names an event
 *     recorded by an earlier-submitted step (snapshot events capture the
 *     right record, and no wait can deadlock a stream).
 *  2. vc_before[x][t] >= pos(a) for a step a on stream t implies a finishes
 *     before x starts (same stream: stream order; other stream: a chain of
 *     record -> wait edges ending at a wait of x's stream before x).
 *  3. vc values only grow along a stream, so a tensor that is dead for the
 *     next step of every stream stays dead.
 *  4. A feature block is given to a new tensor only when every access of
 *     each tensor overlapping it is covered by (2) for the new producer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "graph/compile.h"
#include "graph/graph_internal.h"
#include "base/alloc.h"
#include "base/die.h"

#define ALIGN64(x) (((x) + 63u) & ~(uint64_t)63u)

/* ------------------------------------------------------------------------ */
/* Output copy pseudo-op                                                      */
/* ------------------------------------------------------------------------ */

static int copy_infer(weir_op_infer_ctx_t *ctx)
{
	ctx->out[0] = ctx->in[0];
	return WEIR_OK;
}

static int copy_kernel(const weir_op_call_t *c, uint32_t b, uint32_t nb)
{
	uint64_t bytes = (uint64_t)weir_tensor_desc_bytes(&c->in_desc[0]);
	uint64_t chunk = (bytes + nb - 1) / nb;
	uint64_t lo = chunk * b, hi = lo + chunk > bytes ? bytes : lo + chunk;
	if (lo < hi)
		memcpy((char *)c->out[0] + lo, (const char *)c->in[0] + lo, hi - lo);
	return 0;
}

static uint32_t copy_blocks(const weir_op_call_t *c, uint32_t workers)
{
	int64_t bytes = weir_tensor_desc_bytes(&c->in_desc[0]);
	uint32_t nb = (uint32_t)(bytes / (1 << 20)) + 1;
	return nb > workers ? workers : nb;
}

const weir_op_def_t weir__op_copy = {
	.name = "_Copy",
	.min_inputs = 1,
	.max_inputs = 1,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = copy_infer,
	.kernel = copy_kernel,
	.blocks = copy_blocks,
};

/* ------------------------------------------------------------------------ */
/* Options                                                                    */
/* ------------------------------------------------------------------------ */

int weir__plan_options_from_graph(const weir_graph_t *g, weir_plan_options_t *o)
{
	memset(o, 0, sizeof(*o));
	const char *v = weir__graph_option(g, "ge.streamMaxParallelNum");
	if (v) {
		/* "N" or "Engine:N[,Engine2:M]": the largest N counts. */
		long best = 0;
		const char *p = v;
		while (*p) {
			const char *colon = strchr(p, ':');
			const char *comma = strchr(p, ',');
			const char *num = (colon && (!comma || colon < comma)) ? colon + 1 : p;
			char *end;
			long n = strtol(num, &end, 10);
			if (end == num || n <= 0 || (*end && *end != ','))
				return weir__graph_err(
				        WEIR_EINVAL, "graph '%s': bad ge.streamMaxParallelNum '%s'",
				        g->name, v);
			if (n > best)
				best = n;
			p = *end ? end + 1 : end;
		}
		o->max_streams =
		        best > WEIR_PLAN_MAX_STREAMS ? WEIR_PLAN_MAX_STREAMS : (uint32_t)best;
	}
	v = weir__graph_option(g, "ge.enableSingleStream");
	if (v && strcmp(v, "true") == 0)
		o->max_streams = 1;
	else if (v && strcmp(v, "false") != 0)
		return weir__graph_err(WEIR_EINVAL,
		                       "graph '%s': bad ge.enableSingleStream '%s' (true|false)",
		                       g->name, v);
	v = weir__graph_option(g, "ge.exec.disableReuseMemory");
	if (v && strcmp(v, "1") == 0)
		o->no_reuse = true;
	else if (v && strcmp(v, "0") != 0)
		return weir__graph_err(WEIR_EINVAL,
		                       "graph '%s': bad ge.exec.disableReuseMemory '%s' (0|1)",
		                       g->name, v);
	v = weir__graph_option(g, "weir.exec.mode");
	if (!v || strcmp(v, "auto") == 0)
		o->exec_mode = WC_EXEC_AUTO;
	else if (strcmp(v, "streams") == 0)
		o->exec_mode = WC_EXEC_STREAMS;
	else if (strcmp(v, "inline") == 0)
		o->exec_mode = WC_EXEC_INLINE;
	else if (strcmp(v, "parallel") == 0)
		o->exec_mode = WC_EXEC_PARALLEL;
	else
		return weir__graph_err(
		        WEIR_EINVAL,
		        "graph '%s': bad weir.exec.mode '%s' (auto|streams|inline|parallel)",
		        g->name, v);
	return WEIR_OK;
}

/* ------------------------------------------------------------------------ */
/* Small helpers                                                              */
/* ------------------------------------------------------------------------ */

struct u32vec {
	uint32_t *v;
	uint32_t n, cap;
};

static int vpush(struct u32vec *a, uint32_t x)
{
	if (a->n == a->cap) {
		uint32_t cap = a->cap ? a->cap * 2 : 4;
		uint32_t *v = weir__realloc(a->v, cap * sizeof(*v));
		if (!v)
			return WEIR_ENOMEM;
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n++] = x;
	return WEIR_OK;
}

void weir__plan_destroy(weir_plan_t *p)
{
	if (!p)
		return;
	for (uint32_t i = 0; i < p->nsteps; i++) {
		struct wc_step *s = &p->steps[i];
		weir__free(s->in);
		weir__free(s->out);
		weir__free(s->waits);
		weir__free(s->deps);
	}
	for (uint32_t i = 0; i < p->ntensors; i++)
		weir__free(p->tensors[i].readers);
	weir__free(p->steps);
	weir__free(p->tensors);
	weir__free(p->joins);
	weir__free(p->input_tensor);
	weir__free(p->output_tensor);
	weir__free(p);
}

/* Working state of one compile. */
struct cc {
	const weir_graph_t *g;
	weir_plan_t *p;
	const weir_plan_options_t *o;
	uint32_t *nout;            /* resolved output count per node */
	const weir_op_def_t **def; /* per node (op nodes) */
	uint32_t *tbase;           /* first tensor id of each node's outputs */
	uint32_t *order;           /* topological order of all nodes */
	struct u32vec *preds;      /* per node: data + control predecessors (node ids) */
	struct u32vec *succs;
	int32_t *step_of;   /* node -> step, -1 for Data/Const */
	int32_t *vc_before; /* nkernels x S */
	uint32_t S;
	uint32_t cap_steps, cap_tensors;
};

static int32_t *vcb(struct cc *c, uint32_t step)
{
	return &c->vc_before[(size_t)step * c->S];
}

static int add_tensor(struct cc *c, const weir_tensor_desc_t *d, int kind, int32_t producer,
                      const char *name, uint32_t *id)
{
	weir_plan_t *p = c->p;
	if (p->ntensors == c->cap_tensors) {
		if (c->cap_tensors > UINT32_MAX / 2)
			return WEIR_ENOMEM;
		uint32_t cap = c->cap_tensors ? c->cap_tensors * 2 : 64;
		struct wc_tensor *v = weir__realloc(p->tensors, cap * sizeof(*v));
		if (!v)
			return WEIR_ENOMEM;
		p->tensors = v;
		c->cap_tensors = cap;
	}
	int64_t bytes = d ? weir_tensor_desc_bytes(d) : 0;
	if (bytes < 0)
		return WEIR_EINTERNAL; /* callers pass checked descs only */
	struct wc_tensor *t = &p->tensors[p->ntensors];
	memset(t, 0, sizeof(*t));
	if (d)
		t->desc = *d;
	t->bytes = (uint64_t)bytes;
	t->kind = kind;
	t->producer = producer;
	t->name = name;
	*id = p->ntensors++;
	return WEIR_OK;
}

/* add_tensor()'s failure, with a message for the node (ENOMEM gets the
 * driver's generic one). */
static int tensor_fail(const struct cc *c, int rc, const char *node)
{
	if (rc == WEIR_EINTERNAL)
		return weir__graph_err(rc, "graph '%s': node '%s': invalid tensor desc", c->g->name,
		                       node);
	return rc;
}

/* Why an inferred desc is unusable: WEIR_OK if it is fine, WEIR_ESHAPE if it
 * is well formed but its byte size overflows (the inputs or attrs asked for
 * too much), WEIR_EINTERNAL if it is malformed (the infer function is
 * wrong). */
static int desc_problem(const weir_tensor_desc_t *d)
{
	if (weir_tensor_desc_bytes(d) >= 0)
		return WEIR_OK;
	if (d->rank > WEIR_MAX_RANK || !weir_dtype_size(d->dtype))
		return WEIR_EINTERNAL;
	for (uint32_t i = 0; i < d->rank; i++)
		if (d->dims[i] < 0)
			return WEIR_EINTERNAL;
	return WEIR_ESHAPE;
}

/* ------------------------------------------------------------------------ */
/* Pass 1: verify (+ resolve output counts)                                   */
/* ------------------------------------------------------------------------ */

static int pass_verify(struct cc *c)
{
	const weir_graph_t *g = c->g;
	uint32_t ndata = 0;
	if (g->n == 0)
		return weir__graph_err(WEIR_EINVAL, "graph '%s' has no nodes", g->name);
	if (g->nouts == 0)
		return weir__graph_err(WEIR_EINVAL,
		                       "graph '%s' has no outputs (call weir_graph_set_outputs)",
		                       g->name);
	for (uint32_t i = 0; i < g->n; i++) {
		const struct wg_node *nd = g->nodes[i];
		if (nd->kind == WG_DATA) {
			ndata++;
			c->nout[i] = 1;
			continue;
		}
		if (nd->kind == WG_CONST) {
			c->nout[i] = 1;
			continue;
		}
		const weir_op_def_t *d = weir__op_lookup(nd->op);
		if (!d)
			return weir__graph_err(WEIR_ENOTFOUND,
			                       "graph '%s': node '%s' has unknown op type '%s'",
			                       g->name, nd->name, nd->op);
		c->def[i] = d;
		if (nd->nin < d->min_inputs || nd->nin > d->max_inputs)
			return weir__graph_err(
			        WEIR_EINVAL,
			        "graph '%s': node '%s' (%s) has %u inputs; the op takes %u..%u",
			        g->name, nd->name, nd->op, nd->nin, d->min_inputs, d->max_inputs);
		uint32_t no = nd->nout;
		if (no == 0) {
			if (d->min_outputs != d->max_outputs &&
			    !(d->flags & WEIR_OP_OPTIONAL_OUTPUTS))
				return weir__graph_err(WEIR_EINVAL,
				                       "graph '%s': node '%s' (%s) has a variable "
				                       "output count; give it explicitly",
				                       g->name, nd->name, nd->op);
			no = d->min_outputs;
		}
		if (no < d->min_outputs || no > d->max_outputs)
			return weir__graph_err(
			        WEIR_EINVAL,
			        "graph '%s': node '%s' (%s) has %u outputs; the op makes %u..%u",
			        g->name, nd->name, nd->op, no, d->min_outputs, d->max_outputs);
		if (no > WEIR_PLAN_MAX_NODE_OUTPUTS)
			return weir__graph_err(WEIR_EINVAL,
			                       "graph '%s': node '%s' (%s) has %u outputs; a node "
			                       "may have at most %u",
			                       g->name, nd->name, nd->op, no,
			                       WEIR_PLAN_MAX_NODE_OUTPUTS);
		c->nout[i] = no;
	}
	for (uint32_t i = 0; i < g->n; i++) {
		const struct wg_node *nd = g->nodes[i];
		for (uint32_t k = 0; k < nd->nin; k++) {
			weir_port_t pt = nd->in[k];
			if (pt.node >= g->n || pt.index >= c->nout[pt.node])
				return weir__graph_err(WEIR_EINVAL,
				                       "graph '%s': node '%s' input %u refers to "
				                       "output %u of node %u, which does not exist",
				                       g->name, nd->name, k, pt.index, pt.node);
		}
	}
	for (uint32_t j = 0; j < g->nouts; j++)
		if (g->outs[j].index >= c->nout[g->outs[j].node])
			return weir__graph_err(WEIR_EINVAL,
			                       "graph '%s': graph output %u refers to output %u of "
			                       "node '%s', which has %u",
			                       g->name, j, g->outs[j].index,
			                       g->nodes[g->outs[j].node]->name,
			                       c->nout[g->outs[j].node]);
	/* Data indices must be exactly 0..ndata-1 (unique by construction). */
	for (uint32_t i = 0; i < g->n; i++)
		if (g->nodes[i]->kind == WG_DATA && g->nodes[i]->data_index >= ndata)
			return weir__graph_err(
			        WEIR_EINVAL,
			        "graph '%s': Data node '%s' has index %u but the graph has only %u "
			        "Data nodes (indices must be 0..%u)",
			        g->name, g->nodes[i]->name, g->nodes[i]->data_index, ndata,
			        ndata - 1);
	for (uint32_t i = 0; i < g->nctrl; i++) {
		uint32_t to = g->ctrl[2 * i + 1];
		if (g->nodes[to]->kind != WG_OP)
			return weir__graph_err(
			        WEIR_EINVAL,
			        "graph '%s': control edge into %s node '%s' (only op nodes run)",
			        g->name, g->nodes[to]->op, g->nodes[to]->name);
	}
	c->p->ninputs = ndata;
	return WEIR_OK;
}

/* ------------------------------------------------------------------------ */
/* Pass 2: topological order, cycle report                                    */
/* ------------------------------------------------------------------------ */

static int pass_order(struct cc *c)
{
	const weir_graph_t *g = c->g;
	uint32_t n = g->n;
	for (uint32_t i = 0; i < n; i++) {
		const struct wg_node *nd = g->nodes[i];
		for (uint32_t k = 0; k < nd->nin; k++)
			if (vpush(&c->preds[i], nd->in[k].node) ||
			    vpush(&c->succs[nd->in[k].node], i))
				return WEIR_ENOMEM;
	}
	for (uint32_t e = 0; e < g->nctrl; e++) {
		uint32_t a = g->ctrl[2 * e], b = g->ctrl[2 * e + 1];
		if (vpush(&c->preds[b], a) || vpush(&c->succs[a], b))
			return WEIR_ENOMEM;
	}
	uint32_t *indeg = weir__calloc(n, sizeof(*indeg));
	if (!indeg)
		return WEIR_ENOMEM;
	for (uint32_t i = 0; i < n; i++)
		indeg[i] = c->preds[i].n;
	uint32_t head = 0, tail = 0;
	for (uint32_t i = 0; i < n; i++)
		if (!indeg[i])
			c->order[tail++] = i;
	while (head < tail) {
		uint32_t v = c->order[head++];
		for (uint32_t k = 0; k < c->succs[v].n; k++)
			if (--indeg[c->succs[v].v[k]] == 0)
				c->order[tail++] = c->succs[v].v[k];
	}
	if (tail == n) {
		weir__free(indeg);
		return WEIR_OK;
	}
	/* Cycle: walk predecessors among the remaining nodes until one repeats;
	 * the walk from that node's first visit on is the cycle (reversed). */
	uint32_t v = UINT32_MAX;
	for (uint32_t i = 0; i < n && v == UINT32_MAX; i++)
		if (indeg[i])
			v = i;
	uint32_t *seen = weir__calloc(n, sizeof(*seen)); /* walk index + 1 */
	uint32_t *walk = weir__malloc((n + 1) * sizeof(*walk));
	if (!seen || !walk) {
		weir__free(seen);
		weir__free(walk);
		weir__free(indeg);
		return WEIR_ENOMEM;
	}
	uint32_t len = 0;
	while (!seen[v]) {
		walk[len++] = v;
		seen[v] = len;
		uint32_t next = UINT32_MAX;
		for (uint32_t k = 0; k < c->preds[v].n && next == UINT32_MAX; k++)
			if (indeg[c->preds[v].v[k]])
				next = c->preds[v].v[k];
		v = next; /* always found: a remaining node has a remaining pred */
	}
	/* walk[seen[v]-1 .. len-1] goes backwards along edges; print forwards. */
	char path[384];
	size_t o = 0;
	uint32_t first = seen[v] - 1;
	for (uint32_t k = len; k-- > first && o < sizeof(path);)
		o += (size_t)snprintf(path + o, sizeof(path) - o, "'%s' -> ",
		                      g->nodes[walk[k]]->name);
	if (o < sizeof(path))
		snprintf(path + o, sizeof(path) - o, "'%s'", g->nodes[walk[len - 1]]->name);
	uint32_t on = walk[len - 1];
	weir__free(seen);
	weir__free(walk);
	weir__free(indeg);
	return weir__graph_err(WEIR_ECYCLE, "graph '%s' has a cycle through node '%s' (%s)",
	                       g->name, g->nodes[on]->name, path);
}

/* ------------------------------------------------------------------------ */
/* Pass 3: steps, tensors, shape inference                                    */
/* ------------------------------------------------------------------------ */

static int pass_infer(struct cc *c)
{
	const weir_graph_t *g = c->g;
	weir_plan_t *p = c->p;
	char msg[384];
	/* Tensors of every node output, in node-id order. */
	uint32_t nsteps = 0;
	for (uint32_t i = 0; i < g->n; i++)
		if (g->nodes[i]->kind == WG_OP)
			nsteps++;
	c->cap_steps = nsteps + g->nouts;
	p->steps = weir__calloc(c->cap_steps ? c->cap_steps : 1, sizeof(*p->steps));
	if (!p->steps)
		return WEIR_ENOMEM;
	for (uint32_t oi = 0; oi < g->n; oi++) {
		uint32_t i = c->order[oi];
		const struct wg_node *nd = g->nodes[i];
		if (nd->kind != WG_OP) {
			uint32_t t;
			int rc = add_tensor(c, &nd->desc, nd->kind == WG_DATA ? WC_INPUT : WC_CONST,
			                    -1, nd->name, &t);
			if (rc)
				return tensor_fail(c, rc, nd->name);
			c->tbase[i] = t;
			p->tensors[t].io = nd->data_index;
			p->tensors[t].const_src = nd->const_data;
			continue;
		}
		uint32_t si = p->nsteps++;
		struct wc_step *s = &p->steps[si];
		c->step_of[i] = (int32_t)si;
		s->node = i;
		s->def = c->def[i];
		s->name = nd->name;
		s->attrs = &nd->attrs;
		s->nin = nd->nin;
		s->nout = c->nout[i];
		s->workspace = -1;
		s->record = -1;
		s->in = weir__calloc(s->nin ? s->nin : 1, sizeof(uint32_t));
		s->out = weir__calloc(s->nout, sizeof(uint32_t));
		weir_tensor_desc_t *ind = weir__calloc(s->nin ? s->nin : 1, sizeof(*ind));
		const void **inc = weir__calloc(s->nin ? s->nin : 1, sizeof(*inc));
		weir_tensor_desc_t *outd = weir__calloc(s->nout, sizeof(*outd));
		if (!s->in || !s->out || !ind || !inc || !outd) {
			weir__free(ind);
			weir__free(inc);
			weir__free(outd);
			return WEIR_ENOMEM;
		}
		for (uint32_t k = 0; k < s->nin; k++) {
			uint32_t t = c->tbase[nd->in[k].node] + nd->in[k].index;
			s->in[k] = t;
			ind[k] = p->tensors[t].desc;
			inc[k] = p->tensors[t].kind == WC_CONST ? p->tensors[t].const_src : NULL;
		}
		msg[0] = '\0';
		weir_op_infer_ctx_t ic = {
			.node_name = nd->name,
			.op_name = nd->op,
			.nin = s->nin,
			.nout = s->nout,
			.in = ind,
			.in_const = inc,
			.attrs = &nd->attrs,
			.out = outd,
			.msg = msg,
			.msg_size = sizeof(msg),
		};
		int rc = s->def->infer(&ic);
		for (uint32_t k = 0; !rc && k < s->nout; k++) {
			char ds[96];
			rc = desc_problem(&outd[k]);
			if (rc == WEIR_ESHAPE)
				weir_op_fail(
				        &ic, rc,
				        "output %u %s is too large: its element count times its "
				        "dtype size overflows (at most %lld elements)",
				        k, weir_tensor_desc_str(&outd[k], ds, sizeof(ds)),
				        (long long)(INT64_MAX / 16));
			else if (rc)
				weir_op_fail(&ic, rc,
				             "inference produced an invalid desc for output %u", k);
		}
		if (rc) {
			weir__free(ind);
			weir__free(inc);
			weir__free(outd);
			if (!msg[0])
				snprintf(msg, sizeof(msg), "node '%s' (%s): shape inference failed",
				         nd->name, nd->op);
			return weir__graph_err(rc, "graph '%s': %s", g->name, msg);
		}
		int err = 0;
		for (uint32_t k = 0; k < s->nout && !err; k++) {
			uint32_t t = 0;
			err = add_tensor(c, &outd[k], WC_FEATURE, (int32_t)si, nd->name, &t);
			if (k == 0)
				c->tbase[i] = t;
			s->out[k] = t;
		}
		if (!err && s->def->workspace) {
			weir_op_call_t call = {
				.nin = s->nin,
				.nout = s->nout,
				.in_desc = ind,
				.out_desc = outd,
				.attrs = &nd->attrs,
				.node_name = nd->name,
			};
			size_t ws = s->def->workspace(&call);
			if (ws) {
				/* A request no tensor can describe (more than INT64_MAX / 16
				 * bytes) fails the compile; it is never shrunk. */
				weir_tensor_desc_t wd;
				int64_t dims[1] = { ws > (size_t)INT64_MAX ? -1 : (int64_t)ws };
				if (weir_tensor_desc_init(&wd, WEIR_DT_UINT8, 1, dims) != WEIR_OK) {
					weir__free(ind);
					weir__free(inc);
					weir__free(outd);
					return weir__graph_err(WEIR_ENOMEM,
					                       "graph '%s': node '%s' (%s) asks "
					                       "for a workspace of %zu bytes; "
					                       "at most %lld bytes can be planned",
					                       g->name, nd->name, nd->op, ws,
					                       (long long)(INT64_MAX / 16));
				}
				uint32_t t;
				err = add_tensor(c, &wd, WC_WORKSPACE, (int32_t)si, nd->name, &t);
				if (!err) {
					s->workspace = (int32_t)t;
					struct wc_tensor *wt = &p->tensors[t];
					wt->readers = weir__malloc(sizeof(uint32_t));
					if (!wt->readers)
						err = WEIR_ENOMEM;
					else
						wt->readers[wt->nreaders++] = si;
				}
			}
		}
		weir__free(ind);
		weir__free(inc);
		weir__free(outd);
		if (err)
			return tensor_fail(c, err, nd->name);
	}
	p->nkernels = p->nsteps;
	/* Readers and dependencies. */
	for (uint32_t si = 0; si < p->nsteps; si++) {
		struct wc_step *s = &p->steps[si];
		struct u32vec deps = { 0 };
		for (uint32_t k = 0; k < s->nin; k++) {
			struct wc_tensor *t = &p->tensors[s->in[k]];
			bool dup = false;
			for (uint32_t r = 0; r < t->nreaders; r++)
				dup |= t->readers[r] == si;
			if (!dup) {
				uint32_t *v = weir__realloc(t->readers,
				                            (t->nreaders + 1) * sizeof(uint32_t));
				if (!v) {
					weir__free(deps.v);
					return WEIR_ENOMEM;
				}
				t->readers = v;
				t->readers[t->nreaders++] = si;
			}
		}
		const struct u32vec *pr = &c->preds[s->node];
		for (uint32_t k = 0; k < pr->n; k++) {
			int32_t ps = c->step_of[pr->v[k]];
			if (ps < 0)
				continue;
			bool dup = false;
			for (uint32_t r = 0; r < deps.n; r++)
				dup |= deps.v[r] == (uint32_t)ps;
			if (!dup && vpush(&deps, (uint32_t)ps)) {
				weir__free(deps.v);
				return WEIR_ENOMEM;
			}
		}
		s->deps = deps.v;
		s->ndeps = deps.n;
	}
	return WEIR_OK;
}

/* ------------------------------------------------------------------------ */
/* Pass 4: bind graph inputs/outputs; output copies                           */
/* ------------------------------------------------------------------------ */

static int add_copy_step(struct cc *c, uint32_t src, uint32_t dst, const char *name)
{
	weir_plan_t *p = c->p;
	struct wc_step *s = &p->steps[p->nsteps];
	memset(s, 0, sizeof(*s));
	s->node = UINT32_MAX;
	s->def = &weir__op_copy;
	s->name = name;
	s->nin = s->nout = 1;
	s->workspace = -1;
	s->record = -1;
	s->in = weir__malloc(sizeof(uint32_t));
	s->out = weir__malloc(sizeof(uint32_t));
	if (!s->in || !s->out) {
		weir__free(s->in);
		weir__free(s->out);
		s->in = s->out = NULL;
		return WEIR_ENOMEM;
	}
	s->in[0] = src;
	s->out[0] = dst;
	uint32_t si = p->nsteps++;
	struct wc_tensor *t = &p->tensors[src];
	uint32_t *v = weir__realloc(t->readers, (t->nreaders + 1) * sizeof(uint32_t));
	if (!v)
		return WEIR_ENOMEM;
	t->readers = v;
	t->readers[t->nreaders++] = si;
	p->tensors[dst].producer = (int32_t)si;
	return WEIR_OK;
}

static int pass_bind(struct cc *c)
{
	const weir_graph_t *g = c->g;
	weir_plan_t *p = c->p;
	p->noutputs = g->nouts;
	p->input_tensor = weir__calloc(p->ninputs ? p->ninputs : 1, sizeof(uint32_t));
	p->output_tensor = weir__calloc(p->noutputs, sizeof(uint32_t));
	if (!p->input_tensor || !p->output_tensor)
		return WEIR_ENOMEM;
	for (uint32_t i = 0; i < g->n; i++)
		if (g->nodes[i]->kind == WG_DATA)
			p->input_tensor[g->nodes[i]->data_index] = c->tbase[i];
	for (uint32_t j = 0; j < g->nouts; j++) {
		uint32_t t = c->tbase[g->outs[j].node] + g->outs[j].index;
		if (p->tensors[t].kind == WC_FEATURE) {
			p->tensors[t].kind = WC_OUTPUT;
			p->tensors[t].io = j;
			p->output_tensor[j] = t;
			continue;
		}
		/* Data, Const, or a port already bound to an earlier output. */
		uint32_t d;
		weir_tensor_desc_t desc = p->tensors[t].desc;
		int rc = add_tensor(c, &desc, WC_OUTPUT, -1, p->tensors[t].name, &d);
		if (rc)
			return tensor_fail(c, rc, p->tensors[t].name);
		p->tensors[d].io = j;
		p->output_tensor[j] = d;
		if (add_copy_step(c, t, d, p->tensors[t].name))
			return WEIR_ENOMEM;
	}
	return WEIR_OK;
}

/* ------------------------------------------------------------------------ */
/* Pass 5: streams and events                                                 */
/* ------------------------------------------------------------------------ */

static int new_event(weir_plan_t *p)
{
	return (int)p->nevents++;
}

static int add_wait(struct wc_step *s, uint32_t ev)
{
	uint32_t *v = weir__realloc(s->waits, (s->nwaits + 1) * sizeof(uint32_t));
	if (!v)
		return WEIR_ENOMEM;
	s->waits = v;
	s->waits[s->nwaits++] = ev;
	return WEIR_OK;
}

static int cmp_desc_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? 1 : x > y ? -1 : 0;
}

static int pass_streams(struct cc *c)
{
	weir_plan_t *p = c->p;
	uint32_t S = c->S;
	uint32_t nk = p->nkernels;
	int32_t *vc = weir__calloc((size_t)S * S, sizeof(int32_t));
	int32_t *vc_after = weir__calloc((size_t)(nk ? nk : 1) * S, sizeof(int32_t));
	uint32_t *npos = weir__calloc(S, sizeof(uint32_t));
	bool *passed = weir__calloc(nk ? nk : 1, sizeof(bool));
	c->vc_before = weir__calloc((size_t)(nk ? nk : 1) * S, sizeof(int32_t));
	if (!vc || !vc_after || !npos || !passed || !c->vc_before) {
		weir__free(vc);
		weir__free(vc_after);
		weir__free(npos);
		weir__free(passed);
		return WEIR_ENOMEM;
	}
	/* Stream 0 starts after the fork point (pos 0); others know nothing. */
	for (uint32_t s = 0; s < S; s++)
		for (uint32_t t = 0; t < S; t++)
			vc[s * S + t] = -1;
	vc[0] = 0;
	uint32_t opened = 0;
	int rc = WEIR_OK;
	for (uint32_t si = 0; si < nk && !rc; si++) {
		struct wc_step *x = &p->steps[si];
		/* Stream: continue the first predecessor that has not passed its
		 * stream on yet; else open a new one (round-robin). */
		int32_t st = -1;
		for (uint32_t k = 0; k < x->ndeps && st < 0; k++)
			if (!passed[x->deps[k]]) {
				passed[x->deps[k]] = true;
				st = (int32_t)p->steps[x->deps[k]].stream;
			}
		if (st < 0)
			st = (int32_t)(opened++ % S);
		x->stream = (uint32_t)st;
		int32_t *my = &vc[(size_t)st * S];
		/* Waits: latest producers first, so their clocks cover the rest. */
		if (x->ndeps > 1)
			qsort(x->deps, x->ndeps, sizeof(uint32_t), cmp_desc_u32);
		for (uint32_t k = 0; k < x->ndeps && !rc; k++) {
			struct wc_step *a = &p->steps[x->deps[k]];
			if (a->stream == (uint32_t)st || my[a->stream] >= (int32_t)a->pos)
				continue; /* same stream, or already covered: redundant */
			if (a->record < 0)
				a->record = new_event(p);
			rc = add_wait(x, (uint32_t)a->record);
			const int32_t *va = &vc_after[(size_t)x->deps[k] * S];
			for (uint32_t t = 0; t < S; t++)
				if (va[t] > my[t])
					my[t] = va[t];
		}
		if (!rc && st != 0 && my[0] < 0) {
			if (p->fork_event < 0)
				p->fork_event = new_event(p);
			rc = add_wait(x, (uint32_t)p->fork_event);
			my[0] = 0;
		}
		x->pos = ++npos[st];
		my[st] = (int32_t)x->pos - 1;
		memcpy(vcb(c, si), my, S * sizeof(int32_t));
		my[st] = (int32_t)x->pos;
		memcpy(&vc_after[(size_t)si * S], my, S * sizeof(int32_t));
	}
	uint32_t nstreams = 1;
	for (uint32_t s = 0; s < S; s++)
		if (npos[s])
			nstreams = s + 1;
	p->nstreams = nstreams;
	/* Joins: stream 0 waits for the last step of every other stream it
	 * does not already cover; latest-finishing (in submission order) first. */
	uint32_t *last = weir__calloc(S, sizeof(uint32_t)); /* step + 1 */
	if (!rc && !last)
		rc = WEIR_ENOMEM;
	for (uint32_t si = 0; !rc && si < nk; si++)
		last[p->steps[si].stream] = si + 1;
	if (!rc && nstreams > 1) {
		p->joins = weir__calloc(nstreams, sizeof(*p->joins));
		if (!p->joins)
			rc = WEIR_ENOMEM;
		uint32_t lst[WEIR_PLAN_MAX_STREAMS], nl = 0;
		for (uint32_t s = 1; !rc && s < nstreams; s++)
			if (last[s])
				lst[nl++] = last[s] - 1;
		if (nl > 1)
			qsort(lst, nl, sizeof(uint32_t), cmp_desc_u32);
		int32_t *my = &vc[0];
		for (uint32_t k = 0; !rc && k < nl; k++) {
			struct wc_step *a = &p->steps[lst[k]];
			if (my[a->stream] >= (int32_t)a->pos)
				continue;
			if (a->record < 0)
				a->record = new_event(p);
			p->joins[p->njoins].stream = a->stream;
			p->joins[p->njoins].event = (uint32_t)a->record;
			p->njoins++;
			const int32_t *va = &vc_after[(size_t)lst[k] * S];
			for (uint32_t t = 0; t < S; t++)
				if (va[t] > my[t])
					my[t] = va[t];
		}
	}
	/* Output copies run on stream 0 after the joins. */
	for (uint32_t si = nk; !rc && si < p->nsteps; si++) {
		p->steps[si].stream = 0;
		p->steps[si].pos = ++npos[0];
	}
	weir__free(last);
	weir__free(vc);
	weir__free(vc_after);
	weir__free(npos);
	weir__free(passed);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Pass 6: memory plan                                                        */
/* ------------------------------------------------------------------------ */

/* Is access `a` (a step) known complete before step x starts? (inv. 2) */
static bool covered(const struct cc *c, const int32_t *v, uint32_t a)
{
	const struct wc_step *s = &c->p->steps[a];
	return s->pos != 0 && v[s->stream] >= (int32_t)s->pos;
}

static bool dead_before(const struct cc *c, const struct wc_tensor *t, uint32_t x, const int32_t *v)
{
	if ((uint32_t)t->producer == x || !covered(c, v, (uint32_t)t->producer))
		return false;
	for (uint32_t r = 0; r < t->nreaders; r++)
		if (t->readers[r] == x || !covered(c, v, t->readers[r]))
			return false;
	return true;
}

static int cmp_off(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;
	return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* The most an arena may span: what weir_mem_alloc() can be asked for. */
#define WC_MAX_ARENA ((uint64_t)INT64_MAX & ~(uint64_t)63)

static int arena_too_big(const struct cc *c, const char *arena, const char *tensor)
{
	return weir__graph_err(
	        WEIR_ENOMEM,
	        "graph '%s': the %s arena would exceed %llu bytes at the tensor of node '%s'",
	        c->g->name, arena, (unsigned long long)WC_MAX_ARENA, tensor);
}

static int pass_memory(struct cc *c)
{
	weir_plan_t *p = c->p;
	uint32_t S = c->S;
	/* Const arena: packed in tensor order. A tensor's size is at most
	 * INT64_MAX / 2 + 63 (weir_tensor_desc_bytes()), and every offset + size
	 * is kept <= WC_MAX_ARENA, so no sum here or below can wrap. */
	uint64_t coff = 0;
	for (uint32_t i = 0; i < p->ntensors; i++) {
		struct wc_tensor *t = &p->tensors[i];
		if (t->kind != WC_CONST)
			continue;
		t->offset = coff;
		t->size = ALIGN64(t->bytes);
		if (t->size > WC_MAX_ARENA - coff)
			return arena_too_big(c, "const", t->name);
		coff += t->size;
	}
	p->const_size = coff;
	uint32_t *active = weir__malloc((p->ntensors + 1) * sizeof(uint32_t));
	uint64_t *iv = weir__malloc((p->ntensors + 1) * 2 * sizeof(uint64_t));
	uint32_t *next = weir__calloc(S, sizeof(uint32_t)); /* next kernel step per stream */
	if (!active || !iv || !next) {
		weir__free(active);
		weir__free(iv);
		weir__free(next);
		return WEIR_ENOMEM;
	}
	uint32_t nact = 0;
	uint64_t top = 0;
	uint32_t nk = p->nkernels;
	for (uint32_t x = 0; x < nk; x++) {
		const int32_t *v = vcb(c, x);
		/* Prune tensors dead for every stream's next step (inv. 3). */
		if (p->reuse && (x & 15) == 0) {
			for (uint32_t s = 0; s < S; s++) {
				uint32_t k = next[s] > x ? next[s] : x;
				while (k < nk && p->steps[k].stream != s)
					k++;
				next[s] = k;
			}
			uint32_t w = 0;
			for (uint32_t i = 0; i < nact; i++) {
				const struct wc_tensor *t = &p->tensors[active[i]];
				bool dead = true;
				for (uint32_t s = 0; s < S && dead; s++)
					if (next[s] < nk)
						dead = dead_before(c, t, next[s], vcb(c, next[s]));
				if (!dead)
					active[w++] = active[i];
			}
			nact = w;
		}
		struct wc_step *s = &p->steps[x];
		for (uint32_t k = 0; k <= s->nout; k++) {
			uint32_t tid;
			if (k < s->nout)
				tid = s->out[k];
			else if (s->workspace >= 0)
				tid = (uint32_t)s->workspace;
			else
				break;
			struct wc_tensor *t = &p->tensors[tid];
			if (t->kind != WC_FEATURE && t->kind != WC_WORKSPACE)
				continue;
			t->size = ALIGN64(t->bytes);
			if (t->size == 0) {
				t->offset = 0;
				continue;
			}
			/* Conflicting intervals, sorted; first fit. */
			uint32_t ni = 0;
			for (uint32_t i = 0; i < nact; i++) {
				const struct wc_tensor *o = &p->tensors[active[i]];
				if (!p->reuse || !dead_before(c, o, x, v)) {
					iv[2 * ni] = o->offset;
					iv[2 * ni + 1] = o->offset + o->size;
					ni++;
				}
			}
			if (ni > 1)
				qsort(iv, ni, 2 * sizeof(uint64_t), cmp_off);
			uint64_t off = 0;
			for (uint32_t i = 0; i < ni; i++) {
				if (iv[2 * i] >= off + t->size)
					break;
				if (iv[2 * i + 1] > off)
					off = iv[2 * i + 1];
			}
			if (t->size > WC_MAX_ARENA - off) {
				weir__free(active);
				weir__free(iv);
				weir__free(next);
				return arena_too_big(c, "feature", t->name);
			}
			t->offset = off;
			if (off + t->size > top)
				top = off + t->size;
			active[nact++] = tid;
		}
	}
	p->feature_size = top;
	weir__free(active);
	weir__free(iv);
	weir__free(next);
	return WEIR_OK;
}

/* ------------------------------------------------------------------------ */
/* Driver                                                                     */
/* ------------------------------------------------------------------------ */

static void plan_check(const weir_plan_t *p);

int weir__plan_compile(const weir_graph_t *g, const weir_plan_options_t *o, weir_plan_t **out)
{
	if (!g || !out)
		return weir__graph_err(WEIR_EINVAL, "weir__plan_compile: NULL graph or out");
	weir_plan_options_t dflt = { 0 };
	if (!o)
		o = &dflt;
	struct cc c = { .g = g, .o = o };
	/* Start from an empty message so that a pass's own message survives
	 * (below); a successful compile puts the caller's last message back. */
	char prev[512];
	snprintf(prev, sizeof(prev), "%s", weir_graph_last_error());
	weir__graph_err_clear();
	c.S = o->max_streams ? o->max_streams : 4;
	if (c.S > WEIR_PLAN_MAX_STREAMS)
		c.S = WEIR_PLAN_MAX_STREAMS;
	uint32_t n = g->n ? g->n : 1;
	c.p = weir__calloc(1, sizeof(*c.p));
	c.nout = weir__calloc(n, sizeof(uint32_t));
	c.def = weir__calloc(n, sizeof(*c.def));
	c.tbase = weir__calloc(n, sizeof(uint32_t));
	c.order = weir__calloc(n, sizeof(uint32_t));
	c.preds = weir__calloc(n, sizeof(*c.preds));
	c.succs = weir__calloc(n, sizeof(*c.succs));
	c.step_of = weir__malloc(n * sizeof(int32_t));
	int rc = WEIR_ENOMEM;
	if (c.p && c.nout && c.def && c.tbase && c.order && c.preds && c.succs && c.step_of) {
		for (uint32_t i = 0; i < n; i++)
			c.step_of[i] = -1;
		c.p->g = g;
		c.p->fork_event = -1;
		c.p->max_streams = c.S;
		c.p->reuse = !o->no_reuse;
		c.p->exec_mode = o->exec_mode;
		rc = pass_verify(&c);
		if (!rc)
			rc = pass_order(&c);
		if (!rc)
			rc = pass_infer(&c);
		if (!rc)
			rc = pass_bind(&c);
		if (!rc)
			rc = pass_streams(&c);
		if (!rc)
			rc = pass_memory(&c);
	}
	if (rc == WEIR_ENOMEM && !weir_graph_last_error()[0])
		weir__graph_err(rc, "graph '%s': out of memory while compiling", g->name);
	else if (rc && !weir_graph_last_error()[0])
		weir__graph_err(rc, "graph '%s': compiling failed: %s", g->name, weir_strerror(rc));
	for (uint32_t i = 0; c.preds && i < n; i++)
		weir__free(c.preds[i].v);
	for (uint32_t i = 0; c.succs && i < n; i++)
		weir__free(c.succs[i].v);
	weir__free(c.preds);
	weir__free(c.succs);
	weir__free(c.nout);
	weir__free(c.def);
	weir__free(c.tbase);
	weir__free(c.order);
	weir__free(c.step_of);
	weir__free(c.vc_before);
	if (rc) {
		weir__plan_destroy(c.p);
		return rc;
	}
	weir__graph_err(WEIR_OK, "%s", prev);
	plan_check(c.p);
	*out = c.p;
	return WEIR_OK;
}

/* ------------------------------------------------------------------------ */
/* Validator                                                                  */
/* ------------------------------------------------------------------------ */

/* `counted`: allocate through weir__calloc (failure injection counts it);
 * the debug-build check after every compile allocates uncounted, so that
 * turning WEIR_DEBUG_INVARIANTS on never shifts a failpoint. */
static int plan_validate(const weir_plan_t *p, char *msg, size_t msg_size, bool counted)
{
	char local[256];
	if (!msg || !msg_size) {
		msg = local;
		msg_size = sizeof(local);
	}
	msg[0] = '\0';
	uint32_t n = p->nsteps;
	size_t words = (n + 63) / 64;
	size_t nreach = n ? (size_t)n * words : 1;
	uint64_t *reach =
	        counted ? weir__calloc(nreach, sizeof(uint64_t)) : calloc(nreach, sizeof(uint64_t));
	int32_t *ev_src = counted ? weir__malloc((p->nevents + 1) * sizeof(int32_t))
	                          : malloc((p->nevents + 1) * sizeof(int32_t));
	int32_t *last_on = counted ? weir__malloc(WEIR_PLAN_MAX_STREAMS * sizeof(int32_t))
	                           : malloc(WEIR_PLAN_MAX_STREAMS * sizeof(int32_t));
	if (!reach || !ev_src || !last_on) {
		weir__free(reach);
		weir__free(ev_src);
		weir__free(last_on);
		return WEIR_ENOMEM;
	}
	int rc = WEIR_OK;
	for (uint32_t e = 0; e < p->nevents; e++)
		ev_src[e] = -2; /* never recorded yet */
	if (p->fork_event >= 0)
		ev_src[p->fork_event] = -1; /* the fork: before every step */
	for (uint32_t s = 0; s < WEIR_PLAN_MAX_STREAMS; s++)
		last_on[s] = -1;
#define R(i)         (&reach[(size_t)(i)*words])
#define SETB(row, j) ((row)[(j) / 64] |= (uint64_t)1 << ((j) % 64))
#define GETB(row, j) (((row)[(j) / 64] >> ((j) % 64)) & 1)
	for (uint32_t i = 0; i < n && !rc; i++) {
		const struct wc_step *s = &p->steps[i];
		uint64_t *ri = R(i);
		if (last_on[s->stream] >= 0) {
			uint32_t q = (uint32_t)last_on[s->stream];
			for (size_t w = 0; w < words; w++)
				ri[w] |= R(q)[w];
			SETB(ri, q);
		}
		/* Output copies start after the joins. */
		if (i >= p->nkernels)
			for (uint32_t j = 0; j < p->njoins; j++) {
				int32_t q = ev_src[p->joins[j].event];
				if (q >= 0) {
					for (size_t w = 0; w < words; w++)
						ri[w] |= R(q)[w];
					SETB(ri, (uint32_t)q);
				}
			}
		for (uint32_t k = 0; k < s->nwaits; k++) {
			int32_t q = ev_src[s->waits[k]];
			if (q == -2) {
				snprintf(msg, msg_size,
				         "step '%s' waits on event %u before it is recorded",
				         s->name, s->waits[k]);
				rc = WEIR_EINTERNAL;
				break;
			}
			if (q >= 0) {
				for (size_t w = 0; w < words; w++)
					ri[w] |= R(q)[w];
				SETB(ri, (uint32_t)q);
			}
		}
		for (uint32_t k = 0; k < s->ndeps && !rc; k++)
			if (!GETB(ri, s->deps[k])) {
				snprintf(msg, msg_size,
				         "step '%s' is not ordered after its dependency '%s'",
				         s->name, p->steps[s->deps[k]].name);
				rc = WEIR_EINTERNAL;
			}
		for (uint32_t k = 0; k < s->nin && !rc; k++) {
			int32_t q = p->tensors[s->in[k]].producer;
			if (q >= 0 && !GETB(ri, (uint32_t)q)) {
				snprintf(msg, msg_size,
				         "step '%s' may read '%s' before it is written", s->name,
				         p->tensors[s->in[k]].name);
				rc = WEIR_EINTERNAL;
			}
		}
		if (s->record >= 0)
			ev_src[s->record] = (int32_t)i;
		last_on[s->stream] = (int32_t)i;
	}
	/* No two overlapping arena tensors may be live at once: every access of
	 * one must happen before the producer of the other. */
	for (uint32_t a = 0; a < p->ntensors && !rc; a++) {
		const struct wc_tensor *A = &p->tensors[a];
		if ((A->kind != WC_FEATURE && A->kind != WC_WORKSPACE) || !A->size)
			continue;
		for (uint32_t b = a + 1; b < p->ntensors && !rc; b++) {
			const struct wc_tensor *B = &p->tensors[b];
			if ((B->kind != WC_FEATURE && B->kind != WC_WORKSPACE) || !B->size)
				continue;
			if (A->offset >= B->offset + B->size || B->offset >= A->offset + A->size)
				continue;
			bool ok = false;
			for (int dir = 0; dir < 2 && !ok; dir++) {
				const struct wc_tensor *X = dir ? B : A, *Y = dir ? A : B;
				uint32_t py = (uint32_t)Y->producer;
				bool all = GETB(R(py), (uint32_t)X->producer) != 0;
				for (uint32_t r = 0; r < X->nreaders && all; r++)
					all = GETB(R(py), X->readers[r]) != 0;
				ok = all;
			}
			if (!ok) {
				snprintf(msg, msg_size,
				         "tensors of '%s' and '%s' overlap in the feature arena "
				         "([%llu,+%llu) and [%llu,+%llu)) and may be live at once",
				         A->name, B->name, (unsigned long long)A->offset,
				         (unsigned long long)A->size, (unsigned long long)B->offset,
				         (unsigned long long)B->size);
				rc = WEIR_EINTERNAL;
			}
		}
		if (!rc && A->offset + A->size > p->feature_size) {
			snprintf(msg, msg_size, "tensor of '%s' ends past the feature arena",
			         A->name);
			rc = WEIR_EINTERNAL;
		}
	}
#undef R
#undef SETB
#undef GETB
	weir__free(reach);
	weir__free(ev_src);
	weir__free(last_on);
	return rc;
}

int weir__plan_validate(const weir_plan_t *p, char *msg, size_t msg_size)
{
	return plan_validate(p, msg, msg_size, true);
}

/* Debug builds check invariants 1, 2 and 4 on every compiled plan with the
 * validator above. It costs O(steps^2 / 64) bits of memory and time plus
 * O(tensors^2) pair checks, so plans past these sizes (never on the per-run
 * path: compile runs once per graph) are skipped rather than slowing the
 * suite. */
#define PLAN_CHECK_MAX_STEPS   4096u
#define PLAN_CHECK_MAX_TENSORS 4096u

static void plan_check(const weir_plan_t *p)
{
#ifdef WEIR_DEBUG_INVARIANTS
	if (p->nsteps > PLAN_CHECK_MAX_STEPS || p->ntensors > PLAN_CHECK_MAX_TENSORS)
		return;
	char msg[512];
	int rc = plan_validate(p, msg, sizeof(msg), false);
	if (rc == WEIR_EINTERNAL)
		fprintf(stderr, "weir: plan of graph '%s' fails validation: %s\n",
		        p->g ? p->g->name : "?", msg);
	/* WEIR_ENOMEM (the host heap, not an injected failure) proves nothing. */
	WEIR_ASSERT(rc != WEIR_EINTERNAL,
	            "compile.c inv 1/2/4: a compiled plan passes weir__plan_validate");
#else
	(void)p;
#endif
}
