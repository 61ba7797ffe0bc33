/*
 * graph/opcall.c - single op calls outside a graph (weir_op_plan_*) and
 * strided copies (weir_strided_copy_*): the native ground under the
 * single-op front ends (ACL's aclnn). A plan is the op library's kernel
 * plus what the executor would hold for one node: final descs, copied
 * attrs, workspace size. See weir/graph.h.
 */
#include <string.h>

#include "graph/graph_internal.h"
#include "graph/op.h"
#include "base/alloc.h"

struct weir_op_plan {
	const weir_op_def_t *def; /* static: defs live for the process */
	uint32_t nin, nout;
	weir_tensor_desc_t *in_desc;  /* nin, then nout output descs */
	weir_tensor_desc_t *out_desc; /* = in_desc + nin */
	weir_attrs_t *attrs;          /* owned copy, never NULL */
	size_t workspace;
};

/* A call with the plan's descs and no buffers (for blocks()/workspace()). */
static weir_op_call_t plan_call(const weir_op_plan_t *p)
{
	weir_op_call_t c = {
		.nin = p->nin,
		.nout = p->nout,
		.in_desc = p->in_desc,
		.out_desc = p->out_desc,
		.attrs = p->attrs,
		.node_name = p->def->name,
	};
	return c;
}

int weir_op_plan_create(const char *op, const weir_tensor_desc_t *in_desc,
                        const void *const *in_const, uint32_t nin, const weir_attrs_t *attrs,
                        uint32_t nout, weir_op_plan_t **out)
{
	if (!out)
		return weir__graph_err(WEIR_EINVAL, "weir_op_plan_create: NULL out");
	*out = NULL;
	if (!op)
		return weir__graph_err(WEIR_EINVAL, "weir_op_plan_create: NULL op");
	const weir_op_def_t *d = weir__op_lookup(op);
	if (!d)
		return weir__graph_err(WEIR_ENOTFOUND, "op '%s' is not registered", op);
	if (!nout)
		nout = d->min_outputs;
	if (nin < d->min_inputs || nin > d->max_inputs || nout < d->min_outputs ||
	    nout > d->max_outputs || nout > 64 || nin > 1024)
		return weir__graph_err(
		        WEIR_EINVAL,
		        "op '%s' takes %u..%u inputs and %u..%u outputs, not %u and %u", op,
		        d->min_inputs, d->max_inputs, d->min_outputs, d->max_outputs, nin, nout);
	if (nin && !in_desc)
		return weir__graph_err(WEIR_EINVAL, "op '%s': NULL input descs", op);
	for (uint32_t i = 0; i < nin; i++)
		if (weir_tensor_desc_bytes(&in_desc[i]) < 0)
			return weir__graph_err(WEIR_EINVAL, "op '%s': input %u has an invalid desc",
			                       op, i);
	weir_op_plan_t *p = weir__calloc(1, sizeof(*p));
	weir_tensor_desc_t *descs = weir__calloc((size_t)nin + nout, sizeof(*descs));
	weir_attrs_t *a = NULL;
	if (!p || !descs || weir_attrs_create(&a) || (attrs && weir_attrs_copy(a, attrs))) {
		weir__free(p);
		weir__free(descs);
		weir_attrs_destroy(a);
		return weir__graph_err(WEIR_ENOMEM, "op '%s': out of memory", op);
	}
	if (nin)
		memcpy(descs, in_desc, nin * sizeof(*descs));
	p->def = d;
	p->nin = nin;
	p->nout = nout;
	p->in_desc = descs;
	p->out_desc = descs + nin;
	p->attrs = a;

	/* The op reads in_const through a nin-entry array (NULLs allowed). */
	const void *none[1] = { NULL };
	const void **cst = NULL;
	if (nin && !in_const) {
		cst = weir__calloc(nin, sizeof(*cst));
		if (!cst) {
			weir_op_plan_destroy(p);
			return weir__graph_err(WEIR_ENOMEM, "op '%s': out of memory", op);
		}
	}
	char msg[512] = "";
	weir_op_infer_ctx_t ic = {
		.node_name = d->name,
		.op_name = d->name,
		.nin = nin,
		.nout = nout,
		.in = p->in_desc,
		.in_const = in_const ? in_const : (cst ? (const void *const *)cst : none),
		.attrs = p->attrs,
		.out = p->out_desc,
		.msg = msg,
		.msg_size = sizeof(msg),
	};
	int rc = d->infer(&ic);
	weir__free(cst);
	if (rc) {
		weir_op_plan_destroy(p);
		return weir__graph_err(rc, "%s", msg[0] ? msg : "op inference failed");
	}
	for (uint32_t i = 0; i < nout; i++)
		if (weir_tensor_desc_bytes(&p->out_desc[i]) < 0) {
			weir_op_plan_destroy(p);
			return weir__graph_err(WEIR_ESHAPE, "op '%s': output %u would be too large",
			                       op, i);
		}
	if (d->workspace) {
		weir_op_call_t c = plan_call(p);
		p->workspace = d->workspace(&c);
	}
	*out = p;
	return WEIR_OK;
}

void weir_op_plan_destroy(weir_op_plan_t *p)
{
	if (!p)
		return;
	weir_attrs_destroy(p->attrs);
	weir__free(p->in_desc);
	weir__free(p);
}

uint32_t weir_op_plan_inputs(const weir_op_plan_t *p)
{
	return p ? p->nin : 0;
}

uint32_t weir_op_plan_outputs(const weir_op_plan_t *p)
{
	return p ? p->nout : 0;
}

const weir_tensor_desc_t *weir_op_plan_out_desc(const weir_op_plan_t *p, uint32_t i)
{
	return p && i < p->nout ? &p->out_desc[i] : NULL;
}

size_t weir_op_plan_workspace(const weir_op_plan_t *p)
{
	return p ? p->workspace : 0;
}

uint32_t weir_op_plan_blocks(const weir_op_plan_t *p, uint32_t workers)
{
	if (!p || !p->def->blocks)
		return 1;
	weir_op_call_t c = plan_call(p);
	uint32_t nb = p->def->blocks(&c, workers ? workers : 1);
	return nb == 0 ? 1 : nb > 1024 ? 1024 : nb;
}

int weir_op_plan_run(const weir_op_plan_t *p, const void *const *in, void *const *out,
                     void *workspace, uint32_t block, uint32_t nblocks)
{
	if (!p || nblocks == 0 || block >= nblocks || (p->nin && !in) || !out)
		return WEIR_EINVAL;
	weir_op_call_t c = plan_call(p);
	c.in = in;
	c.out = out;
	c.workspace = workspace;
	c.workspace_size = p->workspace;
	return p->def->kernel(&c, block, nblocks);
}

/* ------------------------------------------------------------------------ */
/* Strided copies                                                             */
/* ------------------------------------------------------------------------ */

int weir_strided_copy_init(weir_strided_copy_t *c, int dtype, uint32_t rank, const int64_t *dims,
                           const int64_t *src_strides, const int64_t *dst_strides)
{
	if (!c || !weir_dtype_size(dtype) || rank > WEIR_MAX_RANK ||
	    (rank && (!dims || !src_strides || !dst_strides)))
		return WEIR_EINVAL;
	memset(c, 0, sizeof(*c));
	c->dtype = dtype;
	/* Drop size-1 dims, then merge dim k into k-1 where both views step
	 * over dim k exactly once per step of k-1. */
	uint32_t r = 0;
	for (uint32_t k = 0; k < rank; k++) {
		if (dims[k] < 0 || src_strides[k] < 0 || dst_strides[k] < 0)
			return WEIR_EINVAL;
		if (dims[k] > 1 && dst_strides[k] == 0)
			return WEIR_EINVAL;
		if (dims[k] > 1 &&
		    (src_strides[k] > INT64_MAX / dims[k] || dst_strides[k] > INT64_MAX / dims[k]))
			return WEIR_EINVAL;
		if (dims[k] == 0) { /* empty: nothing to copy */
			c->rank = 1;
			c->dims[0] = 0;
			c->src_strides[0] = c->dst_strides[0] = 1;
			return WEIR_OK;
		}
		if (dims[k] == 1)
			continue;
		if (r && c->src_strides[r - 1] == src_strides[k] * dims[k] &&
		    c->dst_strides[r - 1] == dst_strides[k] * dims[k]) {
			c->dims[r - 1] *= dims[k];
			c->src_strides[r - 1] = src_strides[k];
			c->dst_strides[r - 1] = dst_strides[k];
			continue;
		}
		c->dims[r] = dims[k];
		c->src_strides[r] = src_strides[k];
		c->dst_strides[r] = dst_strides[k];
		r++;
	}
	c->rank = r;
	return WEIR_OK;
}

static int64_t copy_numel(const weir_strided_copy_t *c)
{
	int64_t n = 1;
	for (uint32_t k = 0; k < c->rank; k++)
		n *= c->dims[k];
	return n;
}

uint32_t weir_strided_copy_blocks(const weir_strided_copy_t *c, uint32_t workers)
{
	if (!c)
		return 1;
	return weir_op_blocks_for(copy_numel(c) * (int64_t)weir_dtype_size(c->dtype) / 4, workers);
}

int weir_strided_copy_run(const weir_strided_copy_t *c, void *dst, const void *src, uint32_t block,
                          uint32_t nblocks)
{
	if (!c || nblocks == 0 || block >= nblocks)
		return WEIR_EINVAL;
	const size_t es = weir_dtype_size(c->dtype);
	const int64_t n = copy_numel(c);
	const int64_t lo = (int64_t)((__int128)n * block / nblocks);
	const int64_t hi = (int64_t)((__int128)n * (block + 1) / nblocks);
	if (lo >= hi)
		return WEIR_OK;
	unsigned char *d = dst;
	const unsigned char *s = src;
	if (c->rank == 0) {
		memcpy(d, s, es);
		return WEIR_OK;
	}
	/* Rows of the innermost dim; when both views are dense there, a row
	 * is one memcpy. */
	const uint32_t r = c->rank;
	const int64_t inner = c->dims[r - 1];
	const bool dense = c->src_strides[r - 1] == 1 && c->dst_strides[r - 1] == 1;
	int64_t idx[WEIR_MAX_RANK];
	int64_t rem = lo;
	for (int k = (int)r - 1; k >= 0; k--) {
		idx[k] = rem % c->dims[k];
		rem /= c->dims[k];
	}
	int64_t i = lo;
	while (i < hi) {
		int64_t so = 0, dof = 0;
		for (uint32_t k = 0; k < r; k++) {
			so += idx[k] * c->src_strides[k];
			dof += idx[k] * c->dst_strides[k];
		}
		int64_t cnt = inner - idx[r - 1];
		if (cnt > hi - i)
			cnt = hi - i;
		if (dense) {
			memcpy(d + dof * (int64_t)es, s + so * (int64_t)es, (size_t)cnt * es);
		} else {
			const int64_t ss = c->src_strides[r - 1] * (int64_t)es;
			const int64_t ds = c->dst_strides[r - 1] * (int64_t)es;
			const unsigned char *sp = s + so * (int64_t)es;
			unsigned char *dp = d + dof * (int64_t)es;
			for (int64_t j = 0; j < cnt; j++, sp += ss, dp += ds)
				memcpy(dp, sp, es);
		}
		i += cnt;
		idx[r - 1] += cnt;
		for (int k = (int)r - 1; k > 0 && idx[k] == c->dims[k]; k--) {
			idx[k] = 0;
			idx[k - 1]++;
		}
	}
	return WEIR_OK;
}
