/*
 * graph/registry.c - the op registry (graph/op.h).
 *
 * Built-in ops: an array filled once, under pthread_once, by
 * weir__ops_register_builtin() (graph/ops/), immutable afterwards (I).
 * Custom ops: an RCU-published snapshot array, replaced copy-on-write by
 * weir_op_register() under reg_lock; old snapshots are freed after a grace
 * period. Defs themselves are never freed (registrations last for the life
 * of the process), so a looked-up def stays valid after the read section.
 *
 * Invariants:
 *  1. A snapshot is never modified after it is published (R1).
 *  2. Every def reachable from any snapshot stays allocated until exit.
 *  3. A name appears at most once across the built-in table and the newest
 *     snapshot (checked under reg_lock, built-ins being immutable).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "graph/op.h"
#include "graph/graph_internal.h"
#include "base/alloc.h"
#include "base/rcu.h"

static const weir_op_def_t **builtin;  /* I after init */
static uint32_t nbuiltin, builtin_cap; /* I after init */
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;
static int builtin_failed; /* I after init */

struct custom_snap {
	struct weir_rcu_head rcu;
	uint32_t n;
	const weir_op_def_t *defs[];
};
static _Atomic(struct custom_snap *) custom; /* R: rcu-read / reg_lock-write */
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;

static void builtin_init(void)
{
	weir__ops_register_builtin();
}

static void ensure_builtin(void)
{
	pthread_once(&builtin_once, builtin_init);
}

static int def_valid(const weir_op_def_t *d)
{
	return d && d->name && *d->name && d->infer && d->kernel &&
	       d->min_inputs <= d->max_inputs && d->min_outputs <= d->max_outputs &&
	       d->max_outputs >= 1 && (d->flags & ~WEIR_OP_OPTIONAL_OUTPUTS) == 0 &&
	       strcmp(d->name, WEIR_OP_DATA) != 0 && strcmp(d->name, WEIR_OP_CONST) != 0;
}

static const weir_op_def_t *find_builtin(const char *name)
{
	for (uint32_t i = 0; i < nbuiltin; i++)
		if (strcmp(builtin[i]->name, name) == 0)
			return builtin[i];
	return NULL;
}

int weir__op_register_builtin(const weir_op_def_t *def)
{
	if (!def_valid(def)) {
		builtin_failed = 1;
		return weir__graph_err(WEIR_EINVAL, "built-in op '%s': malformed definition",
		                       def && def->name ? def->name : "(null)");
	}
	if (find_builtin(def->name)) {
		builtin_failed = 1;
		return weir__graph_err(WEIR_EEXIST, "built-in op '%s' registered twice", def->name);
	}
	if (nbuiltin == builtin_cap) {
		uint32_t cap = builtin_cap ? builtin_cap * 2 : 64;
		const weir_op_def_t **v = weir__realloc(builtin, cap * sizeof(*v));
		if (!v) {
			builtin_failed = 1;
			return WEIR_ENOMEM;
		}
		builtin = v;
		builtin_cap = cap;
	}
	builtin[nbuiltin++] = def;
	return WEIR_OK;
}

static const weir_op_def_t *find_custom_locked_or_rcu(const struct custom_snap *s, const char *name)
{
	for (uint32_t i = 0; s && i < s->n; i++)
		if (strcmp(s->defs[i]->name, name) == 0)
			return s->defs[i];
	return NULL;
}

const weir_op_def_t *weir__op_lookup(const char *name)
{
	if (!name)
		return NULL;
	ensure_builtin();
	const weir_op_def_t *d = find_builtin(name);
	if (d)
		return d;
	weir__rcu_read_lock();
	/* A1: acquire - pairs with R1 in weir_op_register(). */
	const struct custom_snap *s = weir_rcu_deref(custom);
	d = find_custom_locked_or_rcu(s, name);
	weir__rcu_read_unlock();
	return d; /* invariant 2: still valid */
}

bool weir_op_exists(const char *name)
{
	return weir__op_lookup(name) != NULL;
}

static void snap_free(struct weir_rcu_head *h)
{
	weir__free((struct custom_snap *)((char *)h - offsetof(struct custom_snap, rcu)));
}

int weir_op_register(const weir_op_def_t *def)
{
	if (!def_valid(def))
		return weir__graph_err(WEIR_EINVAL,
		                       "weir_op_register: op '%s': malformed definition (name, "
		                       "infer, kernel, min<=max, known flags; Data/Const reserved)",
		                       def && def->name ? def->name : "(null)");
	ensure_builtin();
	if (find_builtin(def->name))
		return weir__graph_err(WEIR_EEXIST, "weir_op_register: op '%s' is a built-in op",
		                       def->name);
	weir_op_def_t *copy = weir__malloc(sizeof(*copy));
	char *nm = weir__strdup(def->name);
	if (!copy || !nm) {
		weir__free(copy);
		weir__free(nm);
		return weir__graph_err(WEIR_ENOMEM, "weir_op_register: out of memory for '%s'",
		                       def->name);
	}
	*copy = *def;
	copy->name = nm;

	pthread_mutex_lock(&reg_lock);
	/* Relaxed: the writer side is serialized by reg_lock. */
	struct custom_snap *old = atomic_load_explicit(&custom, memory_order_relaxed);
	if (find_custom_locked_or_rcu(old, def->name)) {
		pthread_mutex_unlock(&reg_lock);
		weir__free(copy);
		weir__free(nm);
		return weir__graph_err(
		        WEIR_EEXIST, "weir_op_register: op '%s' is already registered", def->name);
	}
	uint32_t n = old ? old->n : 0;
	struct custom_snap *s = weir__malloc(sizeof(*s) + (n + 1) * sizeof(s->defs[0]));
	if (!s) {
		pthread_mutex_unlock(&reg_lock);
		weir__free(copy);
		weir__free(nm);
		return weir__graph_err(WEIR_ENOMEM, "weir_op_register: out of memory for '%s'",
		                       def->name);
	}
	s->n = n + 1;
	for (uint32_t i = 0; i < n; i++)
		s->defs[i] = old->defs[i];
	s->defs[n] = copy;
	/* R1: release - publishes the complete snapshot; pairs with A1. */
	weir_rcu_assign(custom, s);
	pthread_mutex_unlock(&reg_lock);
	if (old)
		weir__rcu_call(&old->rcu, snap_free);
	return WEIR_OK;
}

int weir_op_fail(weir_op_infer_ctx_t *ctx, int code, const char *fmt, ...)
{
	if (!ctx || !ctx->msg || !ctx->msg_size)
		return code;
	int k = snprintf(ctx->msg, ctx->msg_size,
	                 "node '%s' (%s): ", ctx->node_name ? ctx->node_name : "?",
	                 ctx->op_name ? ctx->op_name : "?");
	if (k >= 0 && (size_t)k < ctx->msg_size) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(ctx->msg + k, ctx->msg_size - (size_t)k, fmt, ap);
		va_end(ap);
	}
	return code;
}

int weir__op_eval(const char *op, const weir_tensor_desc_t *in_desc, const void *const *in,
                  uint32_t nin, const weir_attrs_t *attrs, uint32_t nout,
                  weir_tensor_desc_t *out_desc, void **out, uint32_t force_blocks, char *msg,
                  size_t msg_size)
{
	char local[256];
	if (!msg || !msg_size) {
		msg = local;
		msg_size = sizeof(local);
	}
	msg[0] = '\0';
	const weir_op_def_t *d = weir__op_lookup(op);
	if (!d) {
		snprintf(msg, msg_size, "unknown op '%s'", op ? op : "(null)");
		return WEIR_ENOTFOUND;
	}
	if (nin < d->min_inputs || nin > d->max_inputs || nout < d->min_outputs ||
	    nout > d->max_outputs || nout > 64 || (nin && (!in || !in_desc)) || !out || !out_desc) {
		snprintf(msg, msg_size, "op '%s': wrong input/output count (%u in, %u out)", op,
		         nin, nout);
		return WEIR_EINVAL;
	}
	weir_attrs_t empty = { 0 };
	if (!attrs)
		attrs = &empty;
	for (uint32_t i = 0; i < nout; i++) {
		out[i] = NULL;
		memset(&out_desc[i], 0, sizeof(out_desc[i]));
	}
	weir_op_infer_ctx_t ic = {
		.node_name = "eval",
		.op_name = d->name,
		.nin = nin,
		.nout = nout,
		.in = in_desc,
		.in_const = in,
		.attrs = attrs,
		.out = out_desc,
		.msg = msg,
		.msg_size = msg_size,
	};
	int rc = d->infer(&ic);
	if (rc)
		return rc;
	for (uint32_t i = 0; i < nout; i++) {
		int64_t b = weir_tensor_desc_bytes(&out_desc[i]);
		if (b < 0) {
			snprintf(msg, msg_size,
			         "op '%s': infer produced an invalid desc for output %u", op, i);
			rc = WEIR_EINTERNAL;
			goto fail;
		}
		out[i] = weir__aligned_alloc(64, ((size_t)b + 63) / 64 * 64 + 64);
		if (!out[i]) {
			rc = WEIR_ENOMEM;
			goto fail;
		}
	}
	weir_op_call_t call = {
		.nin = nin,
		.nout = nout,
		.in = in,
		.out = out,
		.in_desc = in_desc,
		.out_desc = out_desc,
		.attrs = attrs,
		.node_name = "eval",
	};
	size_t ws = 0;
	if (d->workspace) {
		weir_op_call_t c2 = call;
		c2.in = NULL;
		c2.out = NULL;
		ws = d->workspace(&c2);
	}
	void *wsp = NULL;
	if (ws) {
		wsp = weir__aligned_alloc(64, (ws + 63) / 64 * 64);
		if (!wsp) {
			rc = WEIR_ENOMEM;
			goto fail;
		}
	}
	call.workspace = wsp;
	call.workspace_size = ws;
	uint32_t nb = force_blocks;
	if (!nb) {
		weir_op_call_t c2 = call;
		c2.in = NULL;
		c2.out = NULL;
		nb = d->blocks ? d->blocks(&c2, 4) : 1;
	}
	if (nb == 0)
		nb = 1;
	if (nb > 1024)
		nb = 1024;
	for (uint32_t b = 0; b < nb && !rc; b++)
		rc = d->kernel(&call, b, nb);
	weir__free(wsp);
	if (rc) {
		if (!msg[0])
			snprintf(msg, msg_size, "op '%s': kernel failed with %d", op, rc);
		goto fail;
	}
	return WEIR_OK;
fail:
	for (uint32_t i = 0; i < nout; i++) {
		weir__free(out[i]);
		out[i] = NULL;
	}
	return rc;
}
