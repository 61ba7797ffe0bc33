/*
 * acl_compat/aclnn/executor.c - aclnn's plan builder (nn.h), its executors
 * (aclOpExecutor) and the second phase that runs them on a stream.
 *
 * A plan is a list of steps over values. A value is a dense tensor that
 * lives somewhere a run can find it (a reference, struct nn_ref): a user
 * tensor's memory (its data address + view offset, per run), a temporary
 * in the run's workspace, or a constant the executor owns. Steps are
 * op-library calls (weir_op_plan_t) and strided copies
 * (weir_strided_copy_t); a user tensor that is not dense is gathered into a
 * temporary by a copy step when it is read, and an output that is not
 * dense, or not of the result's dtype, gets a cast and/or a copy step.
 *
 * Running: every step is one task (weir_launch_release) on the stream, in
 * order, each split into the blocks the op library asks for on the
 * stream's device. The tasks share one run record (the executor reference,
 * the user tensors' addresses for this run, the workspace): the last
 * task's release frees it.
 *
 * Invariants:
 *  X1 A value's reference never changes after the value is made, except
 *     when nn_store retargets a temporary no step has read yet to an output
 *     tensor; then every value naming that temporary is rewritten at once.
 *  X2 A temporary of the workspace is written by exactly one step (its
 *     producer) and read only by later steps; offsets are assigned at
 *     nn_finish, to live temporaries only.
 *  X3 An executor is immutable after nn_finish except for the user
 *     tensors' data addresses (G: lock) and the run flags (A).
 *  X4 run->left counts the run's tasks not yet released; the one that
 *     takes it to zero frees the run and drops the executor reference.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl_compat/aclnn/nn.h"
#include "acl_compat/acl_internal.h"
#include "base/alloc.h"
#include "base/atomic.h"
#include "base/die.h"
#include "base/obj.h"
#include "weir/sched.h"

aclnnStatus nn_tensor_set_addr(const aclTensor *h, void *addr, const char *api); /* meta.c */

enum { R_USER = 1, R_TEMP, R_CONST };

struct nn_ref {
	uint8_t kind;  /* R_* */
	uint32_t slot; /* user slot, temp or const index */
	int64_t off;   /* bytes from the start of that memory */
};

struct nn_val {
	weir_tensor_desc_t desc; /* dense */
	struct nn_ref ref;
};

struct nn_user {
	nn_tensor_info_t info; /* G: ex lock after nn_finish (data only changes) */
	bool is_out;
	bool dense;
	uint32_t ir, rel; /* argument number and index within a list */
	uintptr_t lo, hi; /* byte extent at planning time ([lo, hi), empty if equal) */
	nn_v val;         /* the value an op reads (dense view, or the gathered temp) */
};

struct nn_temp {
	size_t bytes;
	size_t off;       /* assigned at nn_finish */
	int32_t producer; /* step writing it */
	uint32_t readers;
	bool dead; /* retargeted (X1) */
};

struct nn_const {
	void *data;
	size_t bytes;
};

enum { S_OP = 1, S_COPY };

struct nn_step {
	uint8_t kind;
	uint32_t nin, nout;
	struct nn_ref *in, *out;  /* nin, nout */
	weir_op_plan_t *plan;     /* S_OP */
	int32_t ws_temp;          /* S_OP: its workspace temp, or -1 */
	weir_strided_copy_t copy; /* S_COPY */
};

struct nn_plan {
	struct nn_user *users;
	uint32_t nusers, cap_users, nins, nouts, ir_in, ir_out;
	struct nn_val *vals;
	uint32_t nvals, cap_vals;
	struct nn_temp *temps;
	uint32_t ntemps, cap_temps;
	struct nn_const *consts;
	uint32_t nconsts, cap_consts;
	struct nn_step *steps;
	uint32_t nsteps, cap_steps;
};

struct nn_exec {
	struct weir_acl_kobj o;
	char api[64];        /* I */
	struct nn_plan p;    /* I except users[].info.data (G: lock) */
	uint32_t *in_slots;  /* I: input number -> user slot */
	uint32_t *out_slots; /* I: output number -> user slot */
	size_t workspace;    /* I */
	pthread_mutex_t lock;
	_Atomic bool repeatable; /* A: relaxed; set before runs by the owner */
	_Atomic bool consumed;   /* A: relaxed exchange; a single-use run claims it */
};

/* ------------------------------------------------------------------------ */
/* Builder basics                                                             */
/* ------------------------------------------------------------------------ */

static bool grow(void **arr, uint32_t *cap, uint32_t need, size_t es)
{
	if (need <= *cap)
		return true;
	uint32_t nc = *cap ? *cap * 2 : 8;
	while (nc < need)
		nc *= 2;
	void *n = weir__realloc(*arr, (size_t)nc * es);
	if (!n)
		return false;
	memset((char *)n + (size_t)*cap * es, 0, (size_t)(nc - *cap) * es);
	*arr = n;
	*cap = nc;
	return true;
}

#define GROW(b, arr, cnt, cap)                                                               \
	(grow((void **)&(b)->p->arr, &(b)->p->cap, (b)->p->cnt + 1, sizeof(*(b)->p->arr)) || \
	 (nn_fail((b), ACLNN_ERR_INNER, "out of memory"), false))

static void plan_free(struct nn_plan *p)
{
	if (!p)
		return;
	for (uint32_t i = 0; i < p->nsteps; i++) {
		weir_op_plan_destroy(p->steps[i].plan);
		weir__free(p->steps[i].in);
		weir__free(p->steps[i].out);
	}
	for (uint32_t i = 0; i < p->nconsts; i++)
		weir__free(p->consts[i].data);
	weir__free(p->steps);
	weir__free(p->consts);
	weir__free(p->temps);
	weir__free(p->vals);
	weir__free(p->users);
}

void nn_begin(nn_t *b, const char *api, uint64_t *workspace_size, aclOpExecutor **executor)
{
	b->api = api;
	b->status = ACLNN_SUCCESS;
	b->workspace_size = workspace_size;
	b->executor = executor;
	b->p = weir__calloc(1, sizeof(*b->p));
	if (executor)
		*executor = NULL;
	if (!b->p)
		nn_fail(b, ACLNN_ERR_INNER, "out of memory");
	else if (!workspace_size || !executor)
		nn_fail(b, ACLNN_ERR_PARAM_NULLPTR, "%s is NULL",
		        !workspace_size ? "workspaceSize" : "executor");
}

nn_v nn_fail(nn_t *b, aclnnStatus code, const char *fmt, ...)
{
	if (b->status != ACLNN_SUCCESS)
		return NN_BAD;
	char reason[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	b->status = weir__acl_fail(code, b->api, "%s", reason);
	return NN_BAD;
}

static struct nn_val *val(const nn_t *b, nn_v v)
{
	return (b->p && v >= 0 && (uint32_t)v < b->p->nvals) ? &b->p->vals[v] : NULL;
}

const weir_tensor_desc_t *nn_desc(const nn_t *b, nn_v v)
{
	struct nn_val *x = val(b, v);
	return x ? &x->desc : NULL;
}

int nn_dtype(const nn_t *b, nn_v v)
{
	struct nn_val *x = val(b, v);
	return x ? x->desc.dtype : WEIR_DT_UNDEFINED;
}

uint32_t nn_rank(const nn_t *b, nn_v v)
{
	struct nn_val *x = val(b, v);
	return x ? x->desc.rank : 0;
}

static nn_v new_val(nn_t *b, const weir_tensor_desc_t *d, struct nn_ref ref)
{
	if (!nn_ok(b) || !GROW(b, vals, nvals, cap_vals))
		return NN_BAD;
	nn_v v = (nn_v)b->p->nvals++;
	b->p->vals[v].desc = *d;
	b->p->vals[v].ref = ref;
	return v;
}

static int32_t new_temp(nn_t *b, size_t bytes)
{
	if (!nn_ok(b) || !GROW(b, temps, ntemps, cap_temps))
		return -1;
	int32_t t = (int32_t)b->p->ntemps++;
	b->p->temps[t] = (struct nn_temp){ .bytes = bytes, .producer = -1 };
	return t;
}

/* A new dense temporary value of desc d, written by step `producer`. */
static nn_v new_temp_val(nn_t *b, const weir_tensor_desc_t *d, int32_t producer)
{
	int64_t bytes = weir_tensor_desc_bytes(d);
	if (bytes < 0)
		return nn_fail(b, ACLNN_ERR_PARAM_INVALID, "a result of %lld bytes is too large",
		               (long long)bytes);
	int32_t t = new_temp(b, (size_t)bytes);
	if (t < 0)
		return NN_BAD;
	b->p->temps[t].producer = producer;
	return new_val(b, d, (struct nn_ref){ .kind = R_TEMP, .slot = (uint32_t)t });
}

static void note_read(nn_t *b, const struct nn_ref *r)
{
	if (r->kind == R_TEMP)
		b->p->temps[r->slot].readers++;
}

static struct nn_step *new_step(nn_t *b, uint8_t kind, uint32_t nin, uint32_t nout)
{
	if (!nn_ok(b) || !GROW(b, steps, nsteps, cap_steps))
		return NULL;
	struct nn_step *s = &b->p->steps[b->p->nsteps];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->ws_temp = -1;
	s->in = weir__calloc(nin ? nin : 1, sizeof(*s->in));
	s->out = weir__calloc(nout ? nout : 1, sizeof(*s->out));
	if (!s->in || !s->out) {
		weir__free(s->in);
		weir__free(s->out);
		nn_fail(b, ACLNN_ERR_INNER, "out of memory");
		return NULL;
	}
	s->nin = nin;
	s->nout = nout;
	b->p->nsteps++;
	return s;
}

/* ------------------------------------------------------------------------ */
/* User tensors                                                               */
/* ------------------------------------------------------------------------ */

static bool format_ok(int f)
{
	switch (f) {
	case ACL_FORMAT_UNDEFINED:
	case ACL_FORMAT_NCHW:
	case ACL_FORMAT_NHWC:
	case ACL_FORMAT_ND:
	case ACL_FORMAT_HWCN:
	case ACL_FORMAT_NDHWC:
	case ACL_FORMAT_NCDHW:
	case ACL_FORMAT_NC:
	case ACL_FORMAT_NCL: return true;
	default: return false;
	}
}

static bool view_dense(const nn_tensor_info_t *t)
{
	int64_t run = 1;
	for (int k = (int)t->rank - 1; k >= 0; k--) {
		if (t->dims[k] == 0)
			return true;
		if (t->dims[k] != 1 && t->strides[k] != run)
			return false;
		run *= t->dims[k];
	}
	return true;
}

static void view_extent(const nn_tensor_info_t *t, uintptr_t *lo, uintptr_t *hi)
{
	size_t es = weir_dtype_size(t->dtype);
	uintptr_t base = (uintptr_t)t->data + (uintptr_t)t->offset * es;
	int64_t last = 0;
	for (uint32_t k = 0; k < t->rank; k++) {
		if (t->dims[k] == 0) {
			*lo = *hi = base;
			return;
		}
		last += (t->dims[k] - 1) * t->strides[k];
	}
	*lo = base;
	*hi = base + (uintptr_t)(last + 1) * es;
}

static nn_v add_user(nn_t *b, const aclTensor *t, const char *name, bool out, bool optional,
                     uint32_t ir, uint32_t rel)
{
	if (!nn_ok(b))
		return NN_BAD;
	if (!t) {
		if (optional) {
			/* The number is still taken (aclSet*TensorAddr indexes). */
			if (!GROW(b, users, nusers, cap_users))
				return NN_BAD;
			struct nn_user *u = &b->p->users[b->p->nusers++];
			memset(u, 0, sizeof(*u));
			u->is_out = out;
			u->ir = ir;
			u->rel = rel;
			u->val = NN_NONE;
			if (out)
				b->p->nouts++;
			else
				b->p->nins++;
			return NN_NONE;
		}
		return nn_fail(b, ACLNN_ERR_PARAM_NULLPTR, "%s is NULL", name);
	}
	nn_tensor_info_t info;
	if (nn_tensor_get(t, &info) != ACLNN_SUCCESS)
		return nn_fail(b, ACLNN_ERR_PARAM_INVALID,
		               "%s %p is not a live aclTensor (destroyed or never created)", name,
		               (const void *)t);
	if (!format_ok(info.format))
		return nn_fail(b, ACLNN_ERR_PARAM_INVALID,
		               "%s has format %d, a private Ascend layout weir does not support "
		               "(use ND, NCHW, NHWC, NCL or NCDHW)",
		               name, (int)info.format);
	if (!GROW(b, users, nusers, cap_users))
		return NN_BAD;
	uint32_t slot = b->p->nusers++;
	struct nn_user *u = &b->p->users[slot];
	memset(u, 0, sizeof(*u));
	u->info = info;
	u->is_out = out;
	u->ir = ir;
	u->rel = rel;
	u->dense = view_dense(&info);
	view_extent(&info, &u->lo, &u->hi);
	if (out)
		b->p->nouts++;
	else
		b->p->nins++;
	weir_tensor_desc_t d;
	weir_tensor_desc_init(&d, info.dtype, info.rank, info.dims); /* checked at creation */
	struct nn_ref uref = { .kind = R_USER, .slot = slot };
	if (u->dense || out) {
		/* An output value is only ever a target of nn_store, which honours
		 * its strides; in-place ops read the same tensor through nn_in. */
		nn_v v = new_val(b, &d, uref);
		b->p->users[slot].val = v;
		return v;
	}
	/* Gather the view into a dense temporary. */
	struct nn_step *s = new_step(b, S_COPY, 1, 1);
	if (!s)
		return NN_BAD;
	int64_t dense_strides[WEIR_MAX_RANK];
	int64_t run = 1;
	for (int k = (int)info.rank - 1; k >= 0; k--) {
		dense_strides[k] = run;
		run *= info.dims[k] ? info.dims[k] : 1;
	}
	if (weir_strided_copy_init(&s->copy, info.dtype, info.rank, info.dims, info.strides,
	                           dense_strides) != WEIR_OK)
		return nn_fail(b, ACLNN_ERR_PARAM_INVALID, "%s: the view's strides are invalid",
		               name);
	s->in[0] = uref;
	nn_v v = new_temp_val(b, &d, (int32_t)(b->p->nsteps - 1));
	if (v < 0)
		return NN_BAD;
	s->out[0] = b->p->vals[v].ref;
	b->p->users[slot].val = v;
	return v;
}

nn_v nn_in(nn_t *b, const aclTensor *t, const char *name)
{
	return add_user(b, t, name, false, false, b->p ? b->p->ir_in++ : 0, 0);
}

nn_v nn_in_opt(nn_t *b, const aclTensor *t, const char *name)
{
	return add_user(b, t, name, false, true, b->p ? b->p->ir_in++ : 0, 0);
}

nn_v nn_out(nn_t *b, const aclTensor *t, const char *name)
{
	return add_user(b, t, name, true, false, b->p ? b->p->ir_out++ : 0, 0);
}

nn_v nn_out_opt(nn_t *b, const aclTensor *t, const char *name)
{
	return add_user(b, t, name, true, true, b->p ? b->p->ir_out++ : 0, 0);
}

/* A list argument: one slot per element, one argument number. */
static uint32_t add_list(nn_t *b, const aclTensorList *l, const char *name, bool out, nn_v *vals,
                         uint32_t max)
{
	if (!nn_ok(b))
		return 0;
	if (!l) {
		nn_fail(b, ACLNN_ERR_PARAM_NULLPTR, "%s is NULL", name);
		return 0;
	}
	const aclTensor **items = NULL;
	uint64_t n = 0;
	if (nn_tensor_list_get(l, &items, &n) != ACLNN_SUCCESS) {
		nn_fail(b, ACLNN_ERR_PARAM_INVALID, "%s %p is not a live aclTensorList", name,
		        (const void *)l);
		return 0;
	}
	if (n > max) {
		free(items);
		nn_fail(b, ACLNN_ERR_PARAM_INVALID, "%s has %llu tensors; at most %u", name,
		        (unsigned long long)n, max);
		return 0;
	}
	uint32_t ir = out ? b->p->ir_out++ : b->p->ir_in++;
	char ename[96];
	for (uint64_t i = 0; i < n && nn_ok(b); i++) {
		snprintf(ename, sizeof(ename), "%s[%llu]", name, (unsigned long long)i);
		vals[i] = add_user(b, items[i], ename, out, false, ir, (uint32_t)i);
	}
	free(items);
	return nn_ok(b) ? (uint32_t)n : 0;
}

uint32_t nn_in_list(nn_t *b, const aclTensorList *l, const char *name, nn_v *vals, uint32_t max)
{
	return add_list(b, l, name, false, vals, max);
}

uint32_t nn_out_list(nn_t *b, const aclTensorList *l, const char *name, nn_v *vals, uint32_t max)
{
	return add_list(b, l, name, true, vals, max);
}

/* ------------------------------------------------------------------------ */
/* Constants and scalars                                                      */
/* ------------------------------------------------------------------------ */

nn_v nn_const(nn_t *b, int dtype, uint32_t rank, const int64_t *dims, const void *data)
{
	if (!nn_ok(b))
		return NN_BAD;
	weir_tensor_desc_t d;
	if (weir_tensor_desc_init(&d, dtype, rank, dims) != WEIR_OK)
		return nn_fail(b, ACLNN_ERR_PARAM_INVALID, "constant of dtype %d is invalid",
		               dtype);
	size_t bytes = (size_t)weir_tensor_desc_bytes(&d);
	if (!GROW(b, consts, nconsts, cap_consts))
		return NN_BAD;
	void *c = weir__aligned_alloc(64, bytes ? (bytes + 63) / 64 * 64 : 64);
	if (!c)
		return nn_fail(b, ACLNN_ERR_INNER, "out of memory");
	if (bytes)
		memcpy(c, data, bytes);
	uint32_t k = b->p->nconsts++;
	b->p->consts[k] = (struct nn_const){ .data = c, .bytes = bytes };
	return new_val(b, &d, (struct nn_ref){ .kind = R_CONST, .slot = k });
}

nn_v nn_const_f(nn_t *b, int dtype, double v)
{
	nn_scalar_info_t s = { .dtype = ACL_DOUBLE, .f = v, .b = v != 0 };
	s.i = v != v ? 0 : v >= 9.2e18 ? INT64_MAX : v <= -9.2e18 ? INT64_MIN : (int64_t)v;
	unsigned char buf[16] = { 0 };
	nn_scalar_store(&s, dtype, buf);
	return nn_const(b, dtype, 0, NULL, buf);
}

nn_v nn_const_i(nn_t *b, int dtype, int64_t v)
{
	nn_scalar_info_t s = { .dtype = ACL_INT64, .i = v, .f = (double)v, .b = v != 0 };
	unsigned char buf[16] = { 0 };
	nn_scalar_store(&s, dtype, buf);
	return nn_const(b, dtype, 0, NULL, buf);
}

bool nn_scalar_value(nn_t *b, const aclScalar *s, const char *name, nn_scalar_info_t *out)
{
	if (!nn_ok(b))
		return false;
	if (!s) {
		nn_fail(b, ACLNN_ERR_PARAM_NULLPTR, "%s is NULL", name);
		return false;
	}
	if (nn_scalar_get(s, out) != ACLNN_SUCCESS) {
		nn_fail(b, ACLNN_ERR_PARAM_INVALID, "%s %p is not a live aclScalar", name,
		        (const void *)s);
		return false;
	}
	return true;
}

nn_v nn_scalar(nn_t *b, const aclScalar *s, int dtype, const char *name)
{
	nn_scalar_info_t v;
	if (!nn_scalar_value(b, s, name, &v))
		return NN_BAD;
	unsigned char buf[16] = { 0 };
	nn_scalar_store(&v, dtype, buf);
	return nn_const(b, dtype, 0, NULL, buf);
}

/* ------------------------------------------------------------------------ */
/* Ops, casts, reshapes, expands                                              */
/* ------------------------------------------------------------------------ */

nn_v nn_opv(nn_t *b, const char *op, const weir_attrs_t *attrs, uint32_t nin, const nn_v *ins,
            uint32_t nout, nn_v *outs)
{
	if (!nn_ok(b))
		return NN_BAD;
	uint32_t n = 0;
	for (uint32_t i = 0; i < nin; i++) {
		if (ins[i] == NN_NONE)
			continue;
		if (!val(b, ins[i]))
			return nn_fail(b, ACLNN_ERR_INNER, "%s: input %u of op %s is not a value",
			               b->api, i, op);
		n++;
	}
	weir_tensor_desc_t *descs = weir__calloc(n ? n : 1, sizeof(*descs));
	const void **cst = weir__calloc(n ? n : 1, sizeof(*cst));
	if (!descs || !cst) {
		weir__free(descs);
		weir__free(cst);
		return nn_fail(b, ACLNN_ERR_INNER, "out of memory");
	}
	uint32_t j = 0;
	for (uint32_t i = 0; i < nin; i++) {
		if (ins[i] == NN_NONE)
			continue;
		const struct nn_val *x = val(b, ins[i]);
		descs[j] = x->desc;
		cst[j] = x->ref.kind == R_CONST
		                 ? (const char *)b->p->consts[x->ref.slot].data + x->ref.off
		                 : NULL;
		j++;
	}
	weir_op_plan_t *plan = NULL;
	int rc = weir_op_plan_create(op, descs, cst, n, attrs, nout, &plan);
	weir__free(descs);
	weir__free(cst);
	if (rc != WEIR_OK)
		return nn_fail(b, rc == WEIR_ENOMEM ? ACLNN_ERR_INNER : ACLNN_ERR_PARAM_INVALID,
		               "%s", weir_graph_last_error());
	uint32_t no = weir_op_plan_outputs(plan);
	struct nn_step *s = new_step(b, S_OP, n, no);
	if (!s) {
		weir_op_plan_destroy(plan);
		return NN_BAD;
	}
	s->plan = plan;
	int32_t si = (int32_t)(b->p->nsteps - 1);
	j = 0;
	for (uint32_t i = 0; i < nin; i++) {
		if (ins[i] == NN_NONE)
			continue;
		s->in[j] = val(b, ins[i])->ref;
		note_read(b, &s->in[j]);
		j++;
	}
	size_t ws = weir_op_plan_workspace(plan);
	if (ws) {
		s->ws_temp = new_temp(b, ws);
		if (s->ws_temp >= 0)
			b->p->temps[s->ws_temp].producer = si;
	}
	nn_v first = NN_BAD;
	for (uint32_t k = 0; k < no && nn_ok(b); k++) {
		nn_v v = new_temp_val(b, weir_op_plan_out_desc(plan, k), si);
		if (v < 0)
			return NN_BAD;
		/* new_val may have moved the step array: look it up again */
		b->p->steps[si].out[k] = b->p->vals[v].ref;
		if (outs)
			outs[k] = v;
		if (k == 0)
			first = v;
	}
	return nn_ok(b) ? first : NN_BAD;
}

nn_v nn_op(nn_t *b, const char *op, const weir_attrs_t *attrs, uint32_t nin, ...)
{
	nn_v ins[NN_MAX_STEP_IO];
	if (nin > NN_MAX_STEP_IO)
		return nn_fail(b, ACLNN_ERR_INNER, "nn_op: %u inputs", nin);
	va_list ap;
	va_start(ap, nin);
	for (uint32_t i = 0; i < nin; i++)
		ins[i] = va_arg(ap, nn_v);
	va_end(ap);
	for (uint32_t i = 0; i < nin; i++)
		if (ins[i] == NN_BAD)
			return NN_BAD;
	return nn_opv(b, op, attrs, nin, ins, 1, NULL);
}

nn_v nn_cast(nn_t *b, nn_v v, int dtype)
{
	struct nn_val *x = val(b, v);
	if (!nn_ok(b) || !x)
		return NN_BAD;
	if (x->desc.dtype == dtype)
		return v;
	weir_attrs_t *a = NULL;
	if (weir_attrs_create(&a) || weir_attrs_set_int(a, "dst_type", dtype)) {
		weir_attrs_destroy(a);
		return nn_fail(b, ACLNN_ERR_INNER, "out of memory");
	}
	nn_v r = nn_op(b, "Cast", a, 1, v);
	weir_attrs_destroy(a);
	return r;
}

nn_v nn_reshape(nn_t *b, nn_v v, uint32_t rank, const int64_t *dims)
{
	struct nn_val *x = val(b, v);
	if (!nn_ok(b) || !x)
		return NN_BAD;
	weir_tensor_desc_t d;
	if (weir_tensor_desc_init(&d, x->desc.dtype, rank, dims) != WEIR_OK ||
	    weir_tensor_desc_numel(&d) != weir_tensor_desc_numel(&x->desc))
		return nn_fail(b, ACLNN_ERR_PARAM_INVALID, "cannot view %lld elements as rank %u",
		               (long long)weir_tensor_desc_numel(&x->desc), rank);
	struct nn_ref r = x->ref;
	return new_val(b, &d, r);
}

/* Broadcast: a copy with stride 0 along the expanded dims. */
nn_v nn_expand(nn_t *b, nn_v v, uint32_t rank, const int64_t *dims, const char *what)
{
	struct nn_val *x = val(b, v);
	if (!nn_ok(b) || !x)
		return NN_BAD;
	weir_tensor_desc_t src = x->desc;
	if (src.rank > rank)
		return nn_fail(b, ACLNN_ERR_PARAM_INVALID,
		               "%s has rank %u, more than the target %u", what, src.rank, rank);
	bool same = src.rank == rank;
	int64_t sstr[WEIR_MAX_RANK];
	int64_t run = 1;
	for (int k = (int)rank - 1; k >= 0; k--) {
		int sk = k - (int)(rank - src.rank);
		int64_t sd = sk >= 0 ? src.dims[sk] : 1;
		if (sd != dims[k] && sd != 1)
			return nn_fail(b, ACLNN_ERR_PARAM_INVALID,
			               "%s dim %d is %lld, which does not broadcast to %lld", what,
			               sk, (long long)sd, (long long)dims[k]);
		if (sd != dims[k])
			same = false;
		sstr[k] = sd == 1 ? 0 : run;
		run *= sd ? sd : 1;
	}
	if (same)
		return v;
	weir_tensor_desc_t d;
	if (weir_tensor_desc_init(&d, src.dtype, rank, dims) != WEIR_OK)
		return nn_fail(b, ACLNN_ERR_PARAM_INVALID, "%s: the broadcast shape is invalid",
		               what);
	int64_t dstr[WEIR_MAX_RANK];
	run = 1;
	for (int k = (int)rank - 1; k >= 0; k--) {
		dstr[k] = run;
		run *= dims[k] ? dims[k] : 1;
	}
	struct nn_ref in = x->ref;
	struct nn_step *s = new_step(b, S_COPY, 1, 1);
	if (!s)
		return NN_BAD;
	if (weir_strided_copy_init(&s->copy, src.dtype, rank, dims, sstr, dstr) != WEIR_OK)
		return nn_fail(b, ACLNN_ERR_PARAM_INVALID, "%s: cannot broadcast", what);
	s->in[0] = in;
	note_read(b, &in);
	nn_v r = new_temp_val(b, &d, (int32_t)(b->p->nsteps - 1));
	if (r >= 0)
		b->p->steps[b->p->nsteps - 1].out[0] = b->p->vals[r].ref;
	return r;
}

/* ------------------------------------------------------------------------ */
/* Storing into outputs                                                       */
/* ------------------------------------------------------------------------ */

static bool overlaps_any_input(const nn_t *b, const struct nn_user *o)
{
	if (o->lo == o->hi)
		return false;
	for (uint32_t i = 0; i < b->p->nusers; i++) {
		const struct nn_user *u = &b->p->users[i];
		if (u == o || u->val == NN_NONE || u->lo == u->hi)
			continue;
		if (u->is_out && u->info.data == NULL)
			continue;
		if (!u->is_out && u->lo < o->hi && o->lo < u->hi)
			return true;
		/* two outputs sharing memory also get separate writes */
		if (u->is_out && u->lo < o->hi && o->lo < u->hi)
			return true;
	}
	return false;
}

static const char *shape_str(const weir_tensor_desc_t *d, char *buf, size_t n)
{
	return weir_tensor_desc_str(d, buf, n);
}

void nn_store(nn_t *b, nn_v src, nn_v out)
{
	if (!nn_ok(b))
		return;
	struct nn_val *s = val(b, src), *o = val(b, out);
	if (!s || !o || o->ref.kind != R_USER || !b->p->users[o->ref.slot].is_out) {
		nn_fail(b, ACLNN_ERR_INNER, "nn_store: not a value and an output");
		return;
	}
	uint32_t slot = o->ref.slot;
	struct nn_user *u = &b->p->users[slot];
	weir_tensor_desc_t sd = s->desc, od = o->desc;
	bool same_shape = sd.rank == od.rank;
	for (uint32_t k = 0; same_shape && k < sd.rank; k++)
		same_shape = sd.dims[k] == od.dims[k];
	if (!same_shape) {
		char a[160], c[160];
		nn_fail(b, ACLNN_ERR_PARAM_INVALID, "the output has shape %s but the result is %s",
		        shape_str(&od, a, sizeof(a)), shape_str(&sd, c, sizeof(c)));
		return;
	}
	if (sd.dtype != od.dtype) {
		if (!nn_can_cast(sd.dtype, od.dtype)) {
			nn_fail(b, ACLNN_ERR_PARAM_INVALID,
			        "the result has dtype %s, which cannot be cast to the output's %s",
			        weir_dtype_name(sd.dtype), weir_dtype_name(od.dtype));
			return;
		}
		src = nn_cast(b, src, od.dtype);
		s = val(b, src);
		if (!s)
			return;
	}
	/* Retarget (X1): the producer writes the output directly. */
	bool overlap = overlaps_any_input(b, u);
#ifdef WEIR_BUSTED_ACLNN_RETARGET_OVERLAP
	overlap = false; /* planted: an output overlapping an input is written by the op */
#endif
	if (u->dense && s->ref.kind == R_TEMP && s->ref.off == 0 && !overlap) {
		struct nn_temp *t = &b->p->temps[s->ref.slot];
		if (t->readers == 0 && t->producer >= 0 && !t->dead &&
		    (size_t)weir_tensor_desc_bytes(&od) == t->bytes) {
			uint32_t ts = s->ref.slot;
			struct nn_step *ps = &b->p->steps[t->producer];
			/* X1/X2: only the producer has touched the temporary */
			WEIR_ASSERT(t->readers == 0 && (uint32_t)t->producer < b->p->nsteps,
			            "aclnn X1/X2: a retargeted temporary was read");
			struct nn_ref to = { .kind = R_USER, .slot = slot };
			for (uint32_t k = 0; k < ps->nout; k++)
				if (ps->out[k].kind == R_TEMP && ps->out[k].slot == ts)
					ps->out[k] = to;
			for (uint32_t v = 0; v < b->p->nvals; v++)
				if (b->p->vals[v].ref.kind == R_TEMP &&
				    b->p->vals[v].ref.slot == ts)
					b->p->vals[v].ref.kind = R_USER,
					b->p->vals[v].ref.slot = slot;
			t->dead = true;
			return;
		}
	}
	/* Copy into the output's view. */
	struct nn_ref from = s->ref;
	struct nn_step *st = new_step(b, S_COPY, 1, 1);
	if (!st)
		return;
	int64_t sstr[WEIR_MAX_RANK], run = 1;
	for (int k = (int)sd.rank - 1; k >= 0; k--) {
		sstr[k] = run;
		run *= sd.dims[k] ? sd.dims[k] : 1;
	}
	if (weir_strided_copy_init(&st->copy, od.dtype, od.rank, od.dims, sstr, u->info.strides) !=
	    WEIR_OK) {
		nn_fail(b, ACLNN_ERR_PARAM_INVALID,
		        "the output's strides write some element twice (a stride of 0)");
		return;
	}
	st->in[0] = from;
	note_read(b, &from);
	st->out[0] = (struct nn_ref){ .kind = R_USER, .slot = slot };
}

/* ------------------------------------------------------------------------ */
/* Type promotion (PyTorch's rules)                                           */
/* ------------------------------------------------------------------------ */

bool nn_is_float(int dt)
{
	return dt == ACL_FLOAT || dt == ACL_FLOAT16 || dt == ACL_BF16 || dt == ACL_DOUBLE;
}

bool nn_is_int(int dt)
{
	switch (dt) {
	case ACL_INT8:
	case ACL_UINT8:
	case ACL_INT16:
	case ACL_UINT16:
	case ACL_INT32:
	case ACL_UINT32:
	case ACL_INT64:
	case ACL_UINT64: return true;
	default: return false;
	}
}

static bool is_unsigned(int dt)
{
	return dt == ACL_UINT8 || dt == ACL_UINT16 || dt == ACL_UINT32 || dt == ACL_UINT64;
}

static int signed_of_size(size_t n)
{
	return n <= 1 ? ACL_INT8 : n == 2 ? ACL_INT16 : n == 4 ? ACL_INT32 : ACL_INT64;
}

int nn_promote(int a, int b)
{
	if (a == WEIR_DT_UNDEFINED)
		return b;
	if (b == WEIR_DT_UNDEFINED || a == b)
		return a;
	if (a == ACL_BOOL)
		return b;
	if (b == ACL_BOOL)
		return a;
	bool fa = nn_is_float(a), fb = nn_is_float(b);
	if (fa && fb) {
		if ((a == ACL_FLOAT16 && b == ACL_BF16) || (a == ACL_BF16 && b == ACL_FLOAT16))
			return ACL_FLOAT;
		return weir_dtype_size(a) >= weir_dtype_size(b) ? a : b;
	}
	if (fa)
		return a;
	if (fb)
		return b;
	size_t sa = weir_dtype_size(a), sb = weir_dtype_size(b);
	bool ua = is_unsigned(a), ub = is_unsigned(b);
	if (ua == ub)
		return sa >= sb ? a : b;
	/* one signed, one unsigned */
	size_t ss = ua ? sb : sa, us = ua ? sa : sb;
	if (ss > us)
		return ua ? b : a;
	return signed_of_size(us * 2 > 8 ? 8 : us * 2);
}

static int category(int dt)
{
	return dt == ACL_BOOL ? 0 : nn_is_float(dt) ? 2 : 1;
}

/* PyTorch's combine_categories(higher, lower). */
static int combine(int higher, int lower)
{
	if (higher == WEIR_DT_UNDEFINED)
		return lower;
	if (lower == WEIR_DT_UNDEFINED)
		return higher;
	if (nn_is_float(higher))
		return higher;
	if (higher == ACL_BOOL || nn_is_float(lower))
		return nn_promote(higher, lower);
	return higher;
}

int nn_result_type(const nn_t *b, const nn_v *vals, uint32_t n, const int *scalar_dtypes,
                   uint32_t nscalars)
{
	int dim = WEIR_DT_UNDEFINED, zero = WEIR_DT_UNDEFINED, wrapped = WEIR_DT_UNDEFINED;
	for (uint32_t i = 0; i < n; i++) {
		const struct nn_val *x = val(b, vals[i]);
		if (!x)
			continue;
		if (x->desc.rank)
			dim = nn_promote(dim, x->desc.dtype);
		else
			zero = nn_promote(zero, x->desc.dtype);
	}
	for (uint32_t i = 0; i < nscalars; i++) {
		int c = category(scalar_dtypes[i]);
		wrapped = nn_promote(wrapped, c == 0 ? ACL_BOOL : c == 1 ? ACL_INT64 : ACL_FLOAT);
	}
	return combine(dim, combine(zero, wrapped));
}

int nn_result_type2(const nn_t *b, nn_v x, nn_v y)
{
	nn_v v[2] = { x, y };
	return nn_result_type(b, v, 2, NULL, 0);
}

bool nn_can_cast(int from, int to)
{
	if (nn_is_float(from) && !nn_is_float(to))
		return false;
	if (from != ACL_BOOL && to == ACL_BOOL)
		return false;
	return weir_dtype_size(to) != 0;
}

int nn_compute_dtype(int dt)
{
	switch (dt) {
	case ACL_FLOAT:
	case ACL_FLOAT16:
	case ACL_BF16:
	case ACL_INT8:
	case ACL_UINT8:
	case ACL_INT32:
	case ACL_INT64: return dt;
	case ACL_INT16:
	case ACL_UINT16:
	case ACL_UINT32:
	case ACL_UINT64: return ACL_INT64;
	default: return -1;
	}
}

bool nn_check_dtype(nn_t *b, int dt, const char *name, const int *allowed)
{
	if (!nn_ok(b))
		return false;
	char list[256] = "";
	size_t len = 0;
	for (const int *a = allowed; *a != -1; a++) {
		if (*a == dt)
			return true;
		len += (size_t)snprintf(list + len, len < sizeof(list) ? sizeof(list) - len : 0,
		                        "%s%s", a == allowed ? "" : ", ", weir_dtype_name(*a));
		if (len >= sizeof(list))
			len = sizeof(list) - 1;
	}
	nn_fail(b, ACLNN_ERR_PARAM_INVALID, "%s has dtype %s; supported: %s", name,
	        weir_dtype_name(dt), list);
	return false;
}

int64_t nn_dim(nn_t *b, int64_t dim, uint32_t rank, const char *name)
{
	if (!nn_ok(b))
		return -1;
	int64_t r = rank ? rank : 1;
	if (dim < -r || dim >= r) {
		nn_fail(b, ACLNN_ERR_PARAM_INVALID, "%s %lld is out of range [%lld, %lld)", name,
		        (long long)dim, (long long)-r, (long long)r);
		return -1;
	}
	return dim < 0 ? dim + r : dim;
}

/* ------------------------------------------------------------------------ */
/* Finishing: the executor                                                    */
/* ------------------------------------------------------------------------ */

static void nn_exec_fini(struct weir_acl_kobj *o)
{
	struct nn_exec *ex = caa_container_of(o, struct nn_exec, o);
	plan_free(&ex->p);
	weir__free(ex->in_slots);
	weir__free(ex->out_slots);
	pthread_mutex_destroy(&ex->lock);
}

aclnnStatus nn_finish(nn_t *b)
{
	if (!nn_ok(b)) {
		plan_free(b->p);
		weir__free(b->p);
		b->p = NULL;
		return b->status;
	}
	struct nn_plan *p = b->p;
	/* X2: offsets for live temporaries only. */
	size_t off = 0;
	for (uint32_t t = 0; t < p->ntemps; t++) {
		if (p->temps[t].dead)
			continue;
		p->temps[t].off = off;
		size_t need = (p->temps[t].bytes + 63) / 64 * 64;
		if (need < p->temps[t].bytes || off + need < off) {
			nn_fail(b, ACLNN_ERR_PARAM_INVALID, "the workspace would be too large");
			return nn_finish(b);
		}
		off += need;
	}
	struct nn_exec *ex = weir__calloc(1, sizeof(*ex));
	uint32_t *ins = weir__calloc(p->nins ? p->nins : 1, sizeof(*ins));
	uint32_t *outs = weir__calloc(p->nouts ? p->nouts : 1, sizeof(*outs));
	if (!ex || !ins || !outs) {
		weir__free(ex);
		weir__free(ins);
		weir__free(outs);
		nn_fail(b, ACLNN_ERR_INNER_CREATE_EXECUTOR, "out of memory");
		return nn_finish(b);
	}
	uint32_t ni = 0, no = 0;
	for (uint32_t i = 0; i < p->nusers; i++) {
		if (p->users[i].is_out)
			outs[no++] = i;
		else
			ins[ni++] = i;
	}
	snprintf(ex->api, sizeof(ex->api), "%s", b->api);
	ex->p = *p;
	ex->in_slots = ins;
	ex->out_slots = outs;
	ex->workspace = off;
	pthread_mutex_init(&ex->lock, NULL);
	if (!nn_obj_publish(&ex->o, NN_EXECUTOR, nn_exec_fini)) {
		pthread_mutex_destroy(&ex->lock);
		weir__free(ins);
		weir__free(outs);
		weir__free(ex);
		nn_fail(b, ACLNN_ERR_INNER_CREATE_EXECUTOR, "the handle registry is full");
		return nn_finish(b);
	}
	weir__free(p); /* its arrays now belong to ex */
	b->p = NULL;
	*b->workspace_size = off;
	*b->executor = nn_obj_handle(&ex->o);
	return ACLNN_SUCCESS;
}

/* ------------------------------------------------------------------------ */
/* Executor calls                                                             */
/* ------------------------------------------------------------------------ */

static struct nn_exec *exec_get(const aclOpExecutor *h)
{
	struct weir_acl_kobj *o = nn_obj_get(h, NN_EXECUTOR);
	return o ? caa_container_of(o, struct nn_exec, o) : NULL;
}

ACL_FUNC_VISIBILITY aclnnStatus aclSetAclOpExecutorRepeatable(aclOpExecutor *executor)
{
	static const char api[] = "aclSetAclOpExecutorRepeatable";
	if (!executor)
		return weir__acl_fail(ACLNN_ERR_PARAM_NULLPTR, api, "executor is NULL");
	struct nn_exec *ex = exec_get(executor);
	if (!ex)
		return weir__acl_fail(ACLNN_ERR_PARAM_INVALID, api,
		                      "executor %p is not a live aclOpExecutor (destroyed, or "
		                      "already run once without being made repeatable)",
		                      (void *)executor);
	weir_store_relaxed(&ex->repeatable, true);
	nn_obj_put(&ex->o);
	return ACLNN_SUCCESS;
}

ACL_FUNC_VISIBILITY aclnnStatus aclDestroyAclOpExecutor(aclOpExecutor *executor)
{
	return nn_obj_destroy(executor, NN_EXECUTOR, "aclDestroyAclOpExecutor", "aclOpExecutor");
}

/* Set user slot `slot`'s address (tensor's too). */
static aclnnStatus set_slot_addr(aclOpExecutor *executor, bool out, size_t index, size_t rel,
                                 bool by_ir, const aclTensor *tensor, void *addr, const char *api)
{
	if (!executor)
		return weir__acl_fail(ACLNN_ERR_INNER_NULLPTR, api, "executor is NULL");
	aclnnStatus rc = nn_tensor_set_addr(tensor, addr, api);
	if (rc)
		return rc;
	struct nn_exec *ex = exec_get(executor);
	if (!ex)
		return weir__acl_fail(ACLNN_ERR_PARAM_INVALID, api,
		                      "executor %p is not a live aclOpExecutor", (void *)executor);
	int64_t slot = -1;
	uint32_t n = out ? ex->p.nouts : ex->p.nins;
	const uint32_t *slots = out ? ex->out_slots : ex->in_slots;
	if (!by_ir) {
		if (index < n)
			slot = slots[index];
	} else {
		for (uint32_t i = 0; i < n; i++) {
			const struct nn_user *u = &ex->p.users[slots[i]];
			if (u->ir == index && u->rel == rel)
				slot = slots[i];
		}
	}
	if (slot < 0) {
		nn_obj_put(&ex->o);
		return weir__acl_fail(ACLNN_ERR_PARAM_INVALID, api,
		                      "the executor of %s has no %s %zu%s (it has %u)", ex->api,
		                      out ? "output" : "input", index,
		                      by_ir ? " at that index" : "", n);
	}
	struct nn_user *u = &ex->p.users[slot];
	if (u->val == NN_NONE) {
		nn_obj_put(&ex->o);
		return weir__acl_fail(
		        ACLNN_ERR_PARAM_INVALID, api,
		        "%s %zu of %s was NULL when it was planned; its address cannot "
		        "be set",
		        out ? "output" : "input", index, ex->api);
	}
	pthread_mutex_lock(&ex->lock);
	u->info.data = addr;
	pthread_mutex_unlock(&ex->lock);
	nn_obj_put(&ex->o);
	return ACLNN_SUCCESS;
}

ACL_FUNC_VISIBILITY aclnnStatus aclSetInputTensorAddr(aclOpExecutor *executor, const size_t index,
                                                      aclTensor *tensor, void *addr)
{
	return set_slot_addr(executor, false, index, 0, false, tensor, addr,
	                     "aclSetInputTensorAddr");
}

ACL_FUNC_VISIBILITY aclnnStatus aclSetOutputTensorAddr(aclOpExecutor *executor, const size_t index,
                                                       aclTensor *tensor, void *addr)
{
	return set_slot_addr(executor, true, index, 0, false, tensor, addr,
	                     "aclSetOutputTensorAddr");
}

/* The element of a list, for the dynamic setters. */
static aclnnStatus list_item(aclTensorList *tensors, size_t rel, const aclTensor **out,
                             const char *api)
{
	if (!tensors)
		return weir__acl_fail(ACLNN_ERR_INNER_NULLPTR, api, "tensors is NULL");
	const aclTensor **items = NULL;
	uint64_t n = 0;
	if (nn_tensor_list_get(tensors, &items, &n) != ACLNN_SUCCESS)
		return weir__acl_fail(ACLNN_ERR_PARAM_INVALID, api,
		                      "tensors %p is not a live aclTensorList", (void *)tensors);
	if (rel >= n) {
		free(items);
		return weir__acl_fail(ACLNN_ERR_PARAM_INVALID, api,
		                      "relativeIndex %zu is out of the list's %llu tensors", rel,
		                      (unsigned long long)n);
	}
	*out = items[rel];
	free(items);
	return ACLNN_SUCCESS;
}

ACL_FUNC_VISIBILITY aclnnStatus aclSetDynamicInputTensorAddr(aclOpExecutor *executor,
                                                             size_t irIndex,
                                                             const size_t relativeIndex,
                                                             aclTensorList *tensors, void *addr)
{
	static const char api[] = "aclSetDynamicInputTensorAddr";
	const aclTensor *t = NULL;
	aclnnStatus rc = list_item(tensors, relativeIndex, &t, api);
	return rc ? rc : set_slot_addr(executor, false, irIndex, relativeIndex, true, t, addr, api);
}

ACL_FUNC_VISIBILITY aclnnStatus aclSetDynamicOutputTensorAddr(aclOpExecutor *executor,
                                                              size_t irIndex,
                                                              const size_t relativeIndex,
                                                              aclTensorList *tensors, void *addr)
{
	static const char api[] = "aclSetDynamicOutputTensorAddr";
	const aclTensor *t = NULL;
	aclnnStatus rc = list_item(tensors, relativeIndex, &t, api);
	return rc ? rc : set_slot_addr(executor, true, irIndex, relativeIndex, true, t, addr, api);
}

/* ------------------------------------------------------------------------ */
/* Running                                                                    */
/* ------------------------------------------------------------------------ */

struct nn_run {
	struct nn_exec *ex;    /* a reference (dropped by the last release) */
	_Atomic uint32_t left; /* X4 */
	unsigned char *ws;
	void *user[]; /* per user slot: data + offset * esize */
};

struct nn_task {
	struct nn_run *run;
	uint32_t step;
};

static void *ref_ptr(const struct nn_run *r, const struct nn_ref *f)
{
	const struct nn_plan *p = &r->ex->p;
	switch (f->kind) {
	case R_USER: /* an absent optional tensor, or an empty one, has no data */
		return r->user[f->slot] ? (unsigned char *)r->user[f->slot] + f->off : NULL;
	case R_TEMP: /* a plan whose temporaries are all empty has no workspace */
		return r->ws ? r->ws + p->temps[f->slot].off + f->off : NULL;
	default: return (unsigned char *)p->consts[f->slot].data + f->off;
	}
}

static int nn_step_task(void *args, uint32_t block, uint32_t nblocks)
{
	const struct nn_task *a = args;
	const struct nn_run *r = a->run;
	const struct nn_step *s = &r->ex->p.steps[a->step];
	if (s->kind == S_COPY)
		return weir_strided_copy_run(&s->copy, ref_ptr(r, &s->out[0]),
		                             ref_ptr(r, &s->in[0]), block, nblocks);
	const void *in_small[NN_MAX_STEP_IO];
	void *out_small[NN_MAX_STEP_IO];
	const void **in = in_small;
	void **out = out_small;
	if (s->nin > NN_MAX_STEP_IO || s->nout > NN_MAX_STEP_IO) {
		in = malloc(s->nin * sizeof(*in) + 1);
		out = malloc(s->nout * sizeof(*out) + 1);
		if (!in || !out) {
			free(in);
			free(out);
			return WEIR_ENOMEM;
		}
	}
	for (uint32_t i = 0; i < s->nin; i++)
		in[i] = ref_ptr(r, &s->in[i]);
	for (uint32_t i = 0; i < s->nout; i++)
		out[i] = ref_ptr(r, &s->out[i]);
	void *ws = s->ws_temp >= 0 && r->ws ? r->ws + r->ex->p.temps[s->ws_temp].off : NULL;
	int rc = weir_op_plan_run(s->plan, in, out, ws, block, nblocks);
	if (in != in_small) {
		free(in);
		free(out);
	}
	return rc;
}

static void run_put(struct nn_run *r, uint32_t n)
{
	/* X4-R1: acq_rel - the last release sees every task's writes to the
	 * run (none today) before freeing it; pairs with itself. */
	uint32_t was = atomic_fetch_sub_explicit(&r->left, n, memory_order_acq_rel);
	WEIR_ASSERT(was >= n, "aclnn X4: more releases than tasks");
	if (was == n) {
		nn_obj_put(&r->ex->o);
		weir__free(r);
	}
}

static void nn_task_release(void *ctx)
{
	run_put(ctx, 1);
}

static uint32_t step_blocks(const struct nn_step *s, uint32_t workers)
{
	return s->kind == S_COPY ? weir_strided_copy_blocks(&s->copy, workers)
	                         : weir_op_plan_blocks(s->plan, workers);
}

aclnnStatus nn_run(const char *api, void *workspace, uint64_t workspace_size,
                   aclOpExecutor *executor, aclrtStream stream)
{
	if (!executor)
		return weir__acl_fail(ACLNN_ERR_PARAM_NULLPTR, api, "executor is NULL");
	struct nn_exec *ex = exec_get(executor);
	if (!ex)
		return weir__acl_fail(ACLNN_ERR_PARAM_INVALID, api,
		                      "executor %p is not a live aclOpExecutor (destroyed, or "
		                      "already run once without being made repeatable)",
		                      (void *)executor);
	if (strcmp(ex->api, api) != 0) {
		/* aclnnAdd's executor run by aclnnMul: refuse (real aclnn would run
		 * whatever the executor holds; a mix-up is always a bug). */
		nn_obj_put(&ex->o);
		return weir__acl_fail(ACLNN_ERR_PARAM_INVALID, api,
		                      "executor %p was planned by %sGetWorkspaceSize",
		                      (void *)executor, ex->api);
	}
	aclnnStatus rc = ACLNN_SUCCESS;
	if (ex->workspace && !workspace)
		rc = weir__acl_fail(ACLNN_ERR_PARAM_NULLPTR, api,
		                    "workspace is NULL but the executor needs %zu bytes",
		                    ex->workspace);
	else if (workspace_size < ex->workspace)
		rc = weir__acl_fail(ACLNN_ERR_PARAM_INVALID, api,
		                    "workspaceSize %llu is smaller than the %zu bytes the executor "
		                    "needs",
		                    (unsigned long long)workspace_size, ex->workspace);
	weir_stream_t *st = NULL;
	if (!rc) {
		aclError e = weir__acl_resolve_stream(stream, &st);
		if (e)
			rc = weir__acl_fail(ACLNN_ERR_RUNTIME_ERROR, api,
			                    "stream %p: %s (ACL error %d)", stream,
			                    weir__acl_reason(), (int)e);
	}
	bool single = !weir_load_relaxed(&ex->repeatable);
#ifdef WEIR_BUSTED_ACLNN_EXECUTOR_REUSE
	/* planted: a single-use executor is never consumed */
	single = false;
#endif
	if (!rc && single && atomic_exchange_explicit(&ex->consumed, true, memory_order_relaxed))
		rc = weir__acl_fail(
		        ACLNN_ERR_PARAM_INVALID, api,
		        "executor %p was already run (aclSetAclOpExecutorRepeatable makes "
		        "an executor reusable)",
		        (void *)executor);
	if (rc) {
		nn_obj_put(&ex->o);
		return rc;
	}
	const struct nn_plan *p = &ex->p;
	struct nn_run *r = weir__malloc(sizeof(*r) + (p->nusers ? p->nusers : 1) * sizeof(void *));
	if (!r) {
		weir_store_relaxed(&ex->consumed, false);
		nn_obj_put(&ex->o);
		return weir__acl_fail(ACLNN_ERR_INNER, api, "out of memory");
	}
	r->ex = ex; /* our reference moves to the run */
	r->ws = workspace;
	pthread_mutex_lock(&ex->lock);
	for (uint32_t i = 0; i < p->nusers; i++) {
		const nn_tensor_info_t *t = &p->users[i].info;
		/* an absent optional tensor has no data: no pointer arithmetic on NULL */
		r->user[i] = t->data ? (unsigned char *)t->data +
		                               t->offset * (int64_t)weir_dtype_size(t->dtype)
		                     : NULL;
		if (!t->data && p->users[i].val != NN_NONE && p->users[i].lo != p->users[i].hi)
			rc = ACLNN_ERR_PARAM_NULLPTR;
	}
	pthread_mutex_unlock(&ex->lock);
	if (rc) {
		weir_store_relaxed(&ex->consumed, false);
		weir__free(r);
		nn_obj_put(&ex->o);
		return weir__acl_fail(rc, api, "a tensor of the executor has no data address");
	}
	if (single) {
		/* The handle dies with this run: later calls see a dead handle. */
		if (nn_obj_unpublish(&ex->o))
			nn_obj_put(&ex->o); /* the handle's reference */
	}
	if (p->nsteps == 0) { /* nothing to compute (empty results) */
		nn_obj_put(&ex->o);
		weir__free(r);
		return ACLNN_SUCCESS;
	}
	uint32_t dev = 0, workers = 1;
	weir_runtime_t *rt = weir__acl_runtime();
	if (rt && weir_stream_device(st, &dev) == WEIR_OK)
		workers = weir_runtime_config(rt)->workers_per_device;
	/* X4: once the last step is launched its release may free the run and
	 * (for a single-use executor) the executor: nothing of either is read
	 * after a launch but what a later step's launch needs. */
	const uint32_t n = p->nsteps;
	weir_store_relaxed(&r->left, n);
	for (uint32_t k = 0; k < n; k++) {
		struct nn_task a = { .run = r, .step = k };
		int s = weir_launch_release(st, nn_step_task, &a, sizeof(a),
		                            step_blocks(&p->steps[k], workers), 0, nn_task_release,
		                            r);
		if (s != WEIR_OK) {
			run_put(r, n - k);
			return weir__acl_fail(ACLNN_ERR_RUNTIME_ERROR, api,
			                      "launching step %u of %u on the stream failed: %s",
			                      k + 1, n, weir_strerror(s));
		}
	}
	return ACLNN_SUCCESS;
}
