/*
 * graph/session.c - sessions and their RCU-protected graph tables.
 *
 * Guard legend: I immutable after create; A atomic; L(s): session lock
 * (writers of the table, finalize); L(e): the entry's lock (state machine and
 * run submission of one graph); R: RCU-read / L(s)-write.
 *
 * Graph table: an immutable sorted snapshot {id -> entry}, replaced
 * copy-on-write under L(s) and published with weir_rcu_assign. Readers:
 *   rcu_read_lock; snap = deref; binary search; ref_get_unless_zero; unlock.
 * Invariants:
 *  1. A published snapshot is never modified (SES-R3 publishes it whole).
 *  2. Each entry in the current snapshot holds one reference for the table.
 *  3. An entry is unpublished, then a grace period passes, then the table's
 *     reference is dropped: so no reader can find an entry whose count
 *     already reached zero after that, and the last put frees it (in the
 *     thread that drops it; the unload may wait on the device).
 *  Synchronization table: lookup/run || lookup/run: yes; lookup || add/
 *  remove: yes (RCU); add || remove || finalize: serialized by L(s).
 *
 * Bound sessions (weir__session_create_bound, weir/session.h) live on a
 * runtime an outside owner may tear down under them (the ACL facade's:
 * weir_session_create_acl, GE sessions). graph/ knows the owner only through
 * the binding it passed at create. Every call enters through
 * session_enter(), which pins the owner's runtime (binding enter(cookie);
 * for the ACL facade: the runtime generation, acl_compat/runtime/init.c,
 * invariants P1-P4) until session_leave(); once it is gone the call fails
 * with WEIR_EFINALIZED before it touches anything of the runtime. The owner
 * waits for the pins before its teardown, then finalizes every session bound
 * to it (graphs unloaded on the still-running runtime); finalize and destroy
 * of a bound session go through binding finalize(), which serializes them
 * with that, so whichever comes first unloads, and the other finds nothing
 * left to do.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "weir/session.h"
#include "graph/graph_internal.h"
#include "graph/compile.h"
#include "graph/exec.h"
#include "base/alloc.h"
#include "base/atomic.h"
#include "base/rcu.h"
#include "base/die.h"

enum { GS_ADDED, GS_COMPILED, GS_LOADED };
enum { MODE_NONE, MODE_SYNC, MODE_STREAM, MODE_CALLBACK };
static const char *mode_name[] = { "none", "RunGraph", "RunGraphWithStreamAsync", "RunGraphAsync" };

struct gentry {
	uint32_t id;           /* I */
	_Atomic uint32_t refs; /* A */
	pthread_mutex_t lock;
	weir_graph_t *g;                          /* I: private clone, options merged */
	int state;                                /* L(e) */
	int mode;                                 /* L(e) */
	weir_plan_t *plan;                        /* L(e); I once compiled */
	weir_loaded_t *ld;                        /* L(e) */
	weir_tensor_desc_t *in_descs, *out_descs; /* set at compile, then I */
};

struct gtable {
	struct weir_rcu_head rcu;
	uint32_t n;
	struct {
		uint32_t id;
		struct gentry *e;
	} v[];
};

struct weir_session {
	weir_runtime_t *rt;                  /* I */
	weir_mem_t *mem;                     /* I */
	uint32_t dev;                        /* I */
	uint64_t id;                         /* I */
	struct wg_option *opts;              /* I */
	uint32_t nopts;                      /* I */
	const weir__session_binding_t *bind; /* I: NULL = native session */
	uint64_t cookie;                     /* I: bind's cookie; 0 = native */
	pthread_mutex_t lock;
	_Atomic(struct gtable *) table; /* R */
	_Atomic bool finalized;         /* A */
};

static _Atomic uint64_t next_session_id = 1;

/* ------------------------------------------------------------------------ */
/* Entries                                                                    */
/* ------------------------------------------------------------------------ */

static void entry_put(struct gentry *e)
{
	/* SES-AR4: acq_rel - the last put sees every earlier user's writes. */
	uint32_t old = weir_fas_acqrel(&e->refs, 1);
	WEIR_ASSERT(old != 0, "session.c inv 2/3: an entry's reference count never underflows");
	if (old != 1)
		return;
	weir__exec_unload(e->ld);
	weir__plan_destroy(e->plan);
	weir_graph_destroy(e->g);
	weir__free(e->in_descs);
	weir__free(e->out_descs);
	pthread_mutex_destroy(&e->lock);
	weir__free(e);
}

static int check_session(weir_session_t *s, const char *fn)
{
	if (!s)
		return weir__graph_err(WEIR_EINVAL, "%s: NULL session", fn);
	/* SES-A5: acquire - pairs with SES-R5 in weir_session_finalize(). */
	if (weir_load_acquire(&s->finalized))
		return weir__graph_err(WEIR_EFINALIZED, "%s: session %llu was finalized", fn,
		                       (unsigned long long)s->id);
	return WEIR_OK;
}

/* check_session(), then pin a bound session's runtime (partner:
 * session_leave(), on every path, only when this returned WEIR_OK). */
static int session_enter(weir_session_t *s, const char *fn)
{
	int rc = check_session(s, fn);
	if (rc || !s->bind)
		return rc;
	if (s->bind->enter(s->cookie))
		return WEIR_OK;
	return weir__graph_err(
	        WEIR_EFINALIZED,
	        "%s: session %llu: the ACL runtime it was created on was finalized (aclFinalize)",
	        fn, (unsigned long long)s->id);
}

static void session_leave(weir_session_t *s)
{
	if (s->bind)
		s->bind->leave(s->cookie);
}

/* Find and reference graph `id`; NULL if absent. */
static struct gentry *entry_get(weir_session_t *s, uint32_t id)
{
	struct gentry *e = NULL;
	weir__rcu_read_lock();
	/* SES-A3: acquire - pairs with SES-R3 (table publication). */
	const struct gtable *t = weir_rcu_deref(s->table);
	uint32_t lo = 0, hi = t ? t->n : 0;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (t->v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (t && lo < t->n && t->v[lo].id == id) {
		struct gentry *c = t->v[lo].e;
		/* Relaxed load: the CAS below re-checks; invariant 3 keeps c
		 * allocated during the read section. */
		uint32_t r = weir_load_relaxed(&c->refs);
		while (r && !weir_cas_acqrel(&c->refs, &r, r + 1))
			;
		WEIR_ASSERT(r != UINT32_MAX,
		            "session.c: an entry's reference count never overflows");
		if (r)
			e = c;
	}
	weir__rcu_read_unlock();
	return e;
}

static void table_free(struct weir_rcu_head *h)
{
	weir__free((struct gtable *)((char *)h - offsetof(struct gtable, rcu)));
}

/* Publish `nt` (may be NULL = empty) under L(s); old snapshot freed after a
 * grace period. */
static void table_publish_locked(weir_session_t *s, struct gtable *nt)
{
	struct gtable *old = atomic_load_explicit(&s->table, memory_order_relaxed); /* L(s) held */
#ifdef WEIR_DEBUG_INVARIANTS
	/* Invariants 1-2 for the snapshot about to be published: sorted by id
	 * (lookups binary-search it) and every entry holds the table's
	 * reference. O(n) per add/remove, never on a lookup. */
	for (uint32_t i = 0; nt && i < nt->n; i++) {
		WEIR_ASSERT(i == 0 || nt->v[i - 1].id < nt->v[i].id,
		            "session.c inv 1: a snapshot is sorted by graph id, ids unique");
		WEIR_ASSERT(
		        weir_load_relaxed(&nt->v[i].e->refs) >= 1,
		        "session.c inv 2: each entry in a snapshot holds the table's reference");
	}
#endif
	/* SES-R3: release - publishes the complete snapshot; pairs with SES-A3. */
	weir_rcu_assign(s->table, nt);
	if (old)
		weir__rcu_call(&old->rcu, table_free);
}

/* ------------------------------------------------------------------------ */
/* Session                                                                    */
/* ------------------------------------------------------------------------ */

static const char *opt_find(const weir_option_t *o, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (o[i].key && strcmp(o[i].key, key) == 0)
			return o[i].value;
	return NULL;
}

static int check_opts(const weir_option_t *o, size_t n, const char *fn)
{
	if (n && !o)
		return weir__graph_err(WEIR_EINVAL, "%s: NULL options with count %zu", fn, n);
	for (size_t i = 0; i < n; i++)
		if (!o[i].key || !*o[i].key || !o[i].value)
			return weir__graph_err(
			        WEIR_EINVAL,
			        "%s: option %zu has an empty key or NULL value (GE E10059)", fn, i);
	return WEIR_OK;
}

static int parse_dev(const char *v, long *out)
{
	char *end;
	long d = strtol(v, &end, 10);
	if (end == v || *end)
		return -1;
	*out = d;
	return 0;
}

static int session_create(weir_runtime_t *rt, weir_mem_t *mem, const weir__session_binding_t *bind,
                          uint64_t cookie, const weir_option_t *opts, size_t nopts,
                          weir_session_t **out)
{
	if (!rt || !mem || !out)
		return weir__graph_err(WEIR_EINVAL,
		                       "weir_session_create: NULL runtime, memory or out");
	int rc = check_opts(opts, nopts, "weir_session_create");
	if (rc)
		return rc;
	long dev = 0;
	const char *v = opt_find(opts, nopts, "ge.session_device_id");
	const char *which = "ge.session_device_id";
	if (!v) {
		v = opt_find(opts, nopts, "ge.exec.deviceId");
		which = "ge.exec.deviceId";
	}
	if (v && parse_dev(v, &dev))
		return weir__graph_err(WEIR_EINVAL, "weir_session_create: %s '%s' is not a number",
		                       which, v);
	if (v && dev == -1 && strcmp(which, "ge.exec.deviceId") == 0)
		dev = 0; /* GE: -1 = "do not set a device"; the session needs one */
	if (dev < 0 || (uint64_t)dev >= weir_runtime_device_count(rt))
		return weir__graph_err(
		        WEIR_EDEVICE,
		        "weir_session_create: device %ld out of range (runtime has %u devices)",
		        dev, weir_runtime_device_count(rt));
	v = opt_find(opts, nopts, "ge.graphRunMode");
	if (v && strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
		return weir__graph_err(WEIR_EINVAL,
		                       "weir_session_create: ge.graphRunMode '%s' (0|1)", v);
	weir_session_t *s = weir__calloc(1, sizeof(*s));
	if (!s)
		return weir__graph_err(WEIR_ENOMEM, "weir_session_create: out of memory");
	s->opts = weir__calloc(nopts ? nopts : 1, sizeof(*s->opts));
	if (!s->opts)
		goto oom;
	for (size_t i = 0; i < nopts; i++) {
		s->opts[i].key = weir__strdup(opts[i].key);
		s->opts[i].value = weir__strdup(opts[i].value);
		s->nopts++;
		if (!s->opts[i].key || !s->opts[i].value)
			goto oom;
	}
	s->rt = rt;
	s->mem = mem;
	s->bind = bind;
	s->cookie = cookie;
	s->dev = (uint32_t)dev;
	/* Relaxed: only uniqueness matters. */
	s->id = weir_faa_relaxed(&next_session_id, 1);
	pthread_mutex_init(&s->lock, NULL);
	*out = s;
	return WEIR_OK;
oom:
	for (uint32_t i = 0; i < s->nopts; i++) {
		weir__free(s->opts[i].key);
		weir__free(s->opts[i].value);
	}
	weir__free(s->opts);
	weir__free(s);
	return weir__graph_err(WEIR_ENOMEM, "weir_session_create: out of memory");
}

int weir_session_create(weir_runtime_t *rt, weir_mem_t *mem, const weir_option_t *opts,
                        size_t nopts, weir_session_t **out)
{
	return session_create(rt, mem, NULL, 0, opts, nopts, out);
}

int weir__session_create_bound(weir_runtime_t *rt, weir_mem_t *mem,
                               const weir__session_binding_t *b, uint64_t cookie,
                               const weir_option_t *opts, size_t nopts, weir_session_t **out)
{
	if (!b || !b->enter || !b->leave || !b->finalize || !cookie)
		return weir__graph_err(WEIR_EINVAL,
		                       "weir__session_create_bound: incomplete binding");
	return session_create(rt, mem, b, cookie, opts, nopts, out);
}

int weir__session_finalize_now(weir_session_t *s)
{
	pthread_mutex_lock(&s->lock);
	if (weir_load_relaxed(&s->finalized)) { /* L(s) held */
		pthread_mutex_unlock(&s->lock);
		return WEIR_OK;
	}
	/* SES-R5: release - later calls see the session finalized; pairs with SES-A5. */
	weir_store_release(&s->finalized, true);
	struct gtable *old = atomic_load_explicit(&s->table, memory_order_relaxed); /* L(s) held */
	weir_rcu_assign(s->table, (struct gtable *)NULL);
	pthread_mutex_unlock(&s->lock);
	if (old) {
		weir__rcu_synchronize(); /* invariant 3 */
		for (uint32_t i = 0; i < old->n; i++)
			entry_put(old->v[i].e);
		weir__free(old);
	}
	return WEIR_OK;
}

int weir_session_finalize(weir_session_t *s)
{
	if (!s)
		return weir__graph_err(WEIR_EINVAL, "weir_session_finalize: NULL session");
	if (s->bind)
		s->bind->finalize(s, false);
	else
		weir__session_finalize_now(s);
	return WEIR_OK;
}

void weir_session_destroy(weir_session_t *s)
{
	if (!s)
		return;
	if (s->bind)
		s->bind->finalize(s, true);
	else
		weir__session_finalize_now(s);
	for (uint32_t i = 0; i < s->nopts; i++) {
		weir__free(s->opts[i].key);
		weir__free(s->opts[i].value);
	}
	weir__free(s->opts);
	pthread_mutex_destroy(&s->lock);
	weir__free(s);
}

int weir_session_device(const weir_session_t *s, uint32_t *dev)
{
	if (!s || !dev)
		return WEIR_EINVAL;
	*dev = s->dev;
	return WEIR_OK;
}

uint64_t weir_session_id(const weir_session_t *s)
{
	return s ? s->id : 0;
}

uint64_t weir__session_cookie(const weir_session_t *s)
{
	return s->cookie;
}

/* ------------------------------------------------------------------------ */
/* Add / remove                                                               */
/* ------------------------------------------------------------------------ */

static int add_graph(weir_session_t *s, uint32_t graph_id, const weir_graph_t *g,
                     const weir_option_t *opts, size_t nopts);

int weir_session_add_graph(weir_session_t *s, uint32_t graph_id, const weir_graph_t *g,
                           const weir_option_t *opts, size_t nopts)
{
	int rc = session_enter(s, "weir_session_add_graph");
	if (rc)
		return rc;
	rc = add_graph(s, graph_id, g, opts, nopts);
	session_leave(s);
	return rc;
}

static int add_graph(weir_session_t *s, uint32_t graph_id, const weir_graph_t *g,
                     const weir_option_t *opts, size_t nopts)
{
	int rc;
	if (!g)
		return weir__graph_err(WEIR_EINVAL, "weir_session_add_graph: graph %u: NULL graph",
		                       graph_id);
	if ((rc = check_opts(opts, nopts, "weir_session_add_graph")))
		return rc;
	struct gentry *e = weir__calloc(1, sizeof(*e));
	if (!e)
		return weir__graph_err(WEIR_ENOMEM, "weir_session_add_graph: out of memory");
	if ((rc = weir_graph_clone(g, &e->g))) {
		weir__free(e);
		return rc;
	}
	/* Option precedence: AddGraph options > graph's own > session. */
	for (size_t i = 0; i < nopts && !rc; i++)
		rc = weir_graph_set_option(e->g, opts[i].key, opts[i].value);
	for (uint32_t i = 0; i < s->nopts && !rc; i++)
		if (!weir__graph_option(e->g, s->opts[i].key))
			rc = weir_graph_set_option(e->g, s->opts[i].key, s->opts[i].value);
	if (rc) {
		weir_graph_destroy(e->g);
		weir__free(e);
		return rc;
	}
	e->id = graph_id;
	e->refs = 1; /* the table's reference; not yet shared */
	pthread_mutex_init(&e->lock, NULL);

	pthread_mutex_lock(&s->lock);
	if (weir_load_relaxed(&s->finalized)) { /* L(s) held */
		rc = weir__graph_err(WEIR_EFINALIZED,
		                     "weir_session_add_graph: session %llu was finalized",
		                     (unsigned long long)s->id);
		goto out_unlock;
	}
	const struct gtable *t =
	        atomic_load_explicit(&s->table, memory_order_relaxed); /* L(s) held */
	uint32_t n = t ? t->n : 0, pos = 0;
	while (pos < n && t->v[pos].id < graph_id)
		pos++;
	if (pos < n && t->v[pos].id == graph_id) {
		rc = weir__graph_err(WEIR_EEXIST,
		                     "weir_session_add_graph: graph id %u is already in session "
		                     "%llu (graph '%s')",
		                     graph_id, (unsigned long long)s->id, t->v[pos].e->g->name);
		goto out_unlock;
	}
	struct gtable *nt = weir__malloc(sizeof(*nt) + (n + 1) * sizeof(nt->v[0]));
	if (!nt) {
		rc = weir__graph_err(WEIR_ENOMEM, "weir_session_add_graph: out of memory");
		goto out_unlock;
	}
	nt->n = n + 1;
	for (uint32_t i = 0, k = 0; i < n + 1; i++) {
		if (i == pos) {
			nt->v[i].id = graph_id;
			nt->v[i].e = e;
		} else {
			nt->v[i] = t->v[k++];
		}
	}
	table_publish_locked(s, nt);
	pthread_mutex_unlock(&s->lock);
	return WEIR_OK;
out_unlock:
	pthread_mutex_unlock(&s->lock);
	entry_put(e);
	return rc;
}

static int remove_graph(weir_session_t *s, uint32_t graph_id);

int weir_session_remove_graph(weir_session_t *s, uint32_t graph_id)
{
	int rc = session_enter(s, "weir_session_remove_graph");
	if (rc)
		return rc;
	rc = remove_graph(s, graph_id); /* the last put unloads: pinned */
	session_leave(s);
	return rc;
}

static int remove_graph(weir_session_t *s, uint32_t graph_id)
{
	pthread_mutex_lock(&s->lock);
	const struct gtable *t =
	        atomic_load_explicit(&s->table, memory_order_relaxed); /* L(s) held */
	uint32_t n = t ? t->n : 0, pos = 0;
	while (pos < n && t->v[pos].id != graph_id)
		pos++;
	if (pos == n) {
		pthread_mutex_unlock(&s->lock);
		return weir__graph_err(WEIR_ENOTFOUND,
		                       "weir_session_remove_graph: graph id %u was never added to "
		                       "session %llu (or was removed)",
		                       graph_id, (unsigned long long)s->id);
	}
	struct gentry *e = t->v[pos].e;
	struct gtable *nt = NULL;
	if (n > 1) {
		nt = weir__malloc(sizeof(*nt) + (n - 1) * sizeof(nt->v[0]));
		if (!nt) {
			pthread_mutex_unlock(&s->lock);
			return weir__graph_err(WEIR_ENOMEM,
			                       "weir_session_remove_graph: out of memory");
		}
		nt->n = n - 1;
		for (uint32_t i = 0, k = 0; i < n; i++)
			if (i != pos)
				nt->v[k++] = t->v[i];
	}
	table_publish_locked(s, nt);
	pthread_mutex_unlock(&s->lock);
	weir__rcu_synchronize(); /* invariant 3 */
	entry_put(e);
	return WEIR_OK;
}

bool weir_session_has_graph(weir_session_t *s, uint32_t graph_id)
{
	if (session_enter(s, "weir_session_has_graph"))
		return false;
	struct gentry *e = entry_get(s, graph_id);
	if (e)
		entry_put(e); /* may be the last put, which unloads: pinned */
	session_leave(s);
	return e != NULL;
}

static struct gentry *get_or_err(weir_session_t *s, uint32_t id, const char *fn)
{
	struct gentry *e = entry_get(s, id);
	if (!e)
		weir__graph_err(WEIR_ENOTFOUND,
		                "%s: graph id %u was never added to session %llu (or was removed)",
		                fn, id, (unsigned long long)s->id);
	return e;
}

/* ------------------------------------------------------------------------ */
/* State machine                                                              */
/* ------------------------------------------------------------------------ */

/* The default of ge.streamMaxParallelNum: no more parallel streams than the
 * device has workers (more only add event hand-offs), at most 4 (GE's). */
static uint32_t default_streams(weir_session_t *s)
{
	weir_worker_stats_t st[WEIR_PLAN_MAX_STREAMS];
	uint32_t n = WEIR_PLAN_MAX_STREAMS;
	if (weir_device_stats(s->rt, s->dev, st, &n) != WEIR_OK || n == 0)
		n = 1;
	return n < 4 ? n : 4;
}

static int compile_locked(weir_session_t *s, struct gentry *e)
{
	if (e->state >= GS_COMPILED)
		return WEIR_OK;
	weir_plan_options_t o;
	int rc = weir__plan_options_from_graph(e->g, &o);
	if (!rc && o.max_streams == 0)
		o.max_streams = default_streams(s);
	if (!rc)
		rc = weir__plan_compile(e->g, &o, &e->plan);
	if (rc)
		return rc;
	const weir_plan_t *p = e->plan;
	e->in_descs = weir__calloc(p->ninputs ? p->ninputs : 1, sizeof(weir_tensor_desc_t));
	e->out_descs = weir__calloc(p->noutputs, sizeof(weir_tensor_desc_t));
	if (!e->in_descs || !e->out_descs) {
		weir__free(e->in_descs);
		weir__free(e->out_descs);
		e->in_descs = e->out_descs = NULL;
		weir__plan_destroy(e->plan);
		e->plan = NULL;
		return weir__graph_err(WEIR_ENOMEM, "graph '%s': out of memory", e->g->name);
	}
	for (uint32_t i = 0; i < p->ninputs; i++)
		e->in_descs[i] = p->tensors[p->input_tensor[i]].desc;
	for (uint32_t j = 0; j < p->noutputs; j++)
		e->out_descs[j] = p->tensors[p->output_tensor[j]].desc;
	e->state = GS_COMPILED;
	return WEIR_OK;
}

static int load_locked(weir_session_t *s, struct gentry *e)
{
	int rc = compile_locked(s, e);
	if (rc || e->state == GS_LOADED)
		return rc;
	rc = weir__exec_load(e->plan, s->rt, s->mem, s->dev, &e->ld);
	if (!rc)
		e->state = GS_LOADED;
	return rc;
}

int weir_session_compile_graph(weir_session_t *s, uint32_t graph_id)
{
	int rc = session_enter(s, "weir_session_compile_graph");
	if (rc)
		return rc;
	struct gentry *e = get_or_err(s, graph_id, "weir_session_compile_graph");
	if (e) {
		pthread_mutex_lock(&e->lock);
		rc = compile_locked(s, e);
		pthread_mutex_unlock(&e->lock);
		entry_put(e);
	} else {
		rc = WEIR_ENOTFOUND;
	}
	session_leave(s);
	return rc;
}

int weir_session_load_graph(weir_session_t *s, uint32_t graph_id, const weir_option_t *opts,
                            size_t nopts, weir_stream_t *stream)
{
	int rc = session_enter(s, "weir_session_load_graph");
	if (rc)
		return rc;
	struct gentry *e = NULL;
	if ((rc = check_opts(opts, nopts, "weir_session_load_graph")))
		goto out;
	e = get_or_err(s, graph_id, "weir_session_load_graph");
	if (!e) {
		rc = WEIR_ENOTFOUND;
		goto out;
	}
	pthread_mutex_lock(&e->lock);
	if (e->state == GS_LOADED)
		rc = weir__graph_err(WEIR_ESTATE,
		                     "weir_session_load_graph: graph %u ('%s') is already loaded "
		                     "(GE_GRAPH_REPEAT_OPERATION)",
		                     graph_id, e->g->name);
	else
		rc = load_locked(s, e);
	pthread_mutex_unlock(&e->lock);
	entry_put(e);
out:
	session_leave(s);
	return rc;
}

static int run_common(weir_session_t *s, uint32_t graph_id, int mode, weir_stream_t *stream,
                      const weir_tensor_t *in, uint32_t nin, weir_tensor_t *out, uint32_t nout,
                      weir_run_callback_fn cb, void *user, const char *fn)
{
	/* Caller: session_enter() succeeded. */
	int rc;
	struct gentry *e = get_or_err(s, graph_id, fn);
	if (!e)
		return WEIR_ENOTFOUND;
	pthread_mutex_lock(&e->lock);
	if (e->mode != MODE_NONE && e->mode != mode) {
		rc = weir__graph_err(WEIR_ENOTSUP,
		                     "%s: graph %u ('%s') already runs with %s; run modes are "
		                     "mutually exclusive",
		                     fn, graph_id, e->g->name, mode_name[e->mode]);
		goto out;
	}
	if ((rc = load_locked(s, e)))
		goto out;
	weir_stream_t *st = mode == MODE_STREAM ? stream : weir__exec_own_stream(e->ld);
	rc = weir__exec_run(e->ld, st, in, nin, out, nout, cb, user);
	if (!rc) {
		e->mode = mode;
		if (mode == MODE_SYNC) {
			/* An op's failure is a task failure (weir/status.h): a
			 * code <= 0 comes back as WEIR_EKERNEL, named here. */
			int code = 0;
			rc = weir_stream_sync_code(st, WEIR_TIMEOUT_INFINITE, &code);
			if (rc && weir_status_is_task_failure(rc))
				weir__graph_err(rc,
				                "%s: graph %u ('%s'): the run failed: an op "
				                "returned %d (%s)",
				                fn, graph_id, e->g->name, code,
				                weir_status_name(code));
			else if (rc)
				weir__graph_err(rc, "%s: graph %u ('%s'): the run failed: %s", fn,
				                graph_id, e->g->name, weir_strerror(rc));
		}
	}
out:
	pthread_mutex_unlock(&e->lock);
	entry_put(e);
	return rc;
}

int weir_session_run_graph_async_stream(weir_session_t *s, uint32_t graph_id, weir_stream_t *stream,
                                        const weir_tensor_t *inputs, uint32_t nin,
                                        weir_tensor_t *outputs, uint32_t nout)
{
	static const char fn[] = "weir_session_run_graph_async_stream";
	int rc = session_enter(s, fn);
	if (rc)
		return rc;
	if (!stream)
		rc = weir__graph_err(WEIR_EINVAL, "%s: graph %u: NULL stream", fn, graph_id);
	else
		rc = run_common(s, graph_id, MODE_STREAM, stream, inputs, nin, outputs, nout, NULL,
		                NULL, fn);
	session_leave(s);
	return rc;
}

int weir_session_run_graph(weir_session_t *s, uint32_t graph_id, const weir_tensor_t *inputs,
                           uint32_t nin, weir_tensor_t *outputs, uint32_t nout)
{
	static const char fn[] = "weir_session_run_graph";
	int rc = session_enter(s, fn);
	if (rc)
		return rc;
	rc = run_common(s, graph_id, MODE_SYNC, NULL, inputs, nin, outputs, nout, NULL, NULL, fn);
	session_leave(s);
	return rc;
}

int weir_session_run_graph_async(weir_session_t *s, uint32_t graph_id, const weir_tensor_t *inputs,
                                 uint32_t nin, weir_run_callback_fn cb, void *user)
{
	static const char fn[] = "weir_session_run_graph_async";
	int rc = session_enter(s, fn);
	if (rc)
		return rc;
	if (!cb) {
		rc = weir__graph_err(WEIR_EINVAL, "%s: graph %u: NULL callback", fn, graph_id);
		goto out;
	}
	weir_tensor_t small[8];
	weir_tensor_t *outs = small;
	/* Output count is known only once compiled: peek under the entry. */
	struct gentry *e = entry_get(s, graph_id);
	uint32_t nout = 0;
	if (e) {
		pthread_mutex_lock(&e->lock);
		rc = compile_locked(s, e);
		nout = rc ? 0 : e->plan->noutputs;
		pthread_mutex_unlock(&e->lock);
		entry_put(e);
		if (rc)
			goto out;
	}
	if (nout > 8 && !(outs = weir__calloc(nout, sizeof(*outs)))) {
		rc = weir__graph_err(WEIR_ENOMEM, "%s: out of memory", fn);
		goto out;
	}
	memset(outs, 0, (nout > 8 ? nout : 8) * sizeof(*outs));
	rc = run_common(s, graph_id, MODE_CALLBACK, NULL, inputs, nin, outs, nout, cb, user, fn);
	if (outs != small)
		weir__free(outs);
out:
	session_leave(s);
	return rc;
}

static int graph_summary(weir_session_t *s, uint32_t graph_id, weir_graph_summary_t *out);

int weir_session_graph_summary(weir_session_t *s, uint32_t graph_id, weir_graph_summary_t *out)
{
	int rc = session_enter(s, "weir_session_graph_summary");
	if (rc)
		return rc;
	rc = graph_summary(s, graph_id, out);
	session_leave(s);
	return rc;
}

static int graph_summary(weir_session_t *s, uint32_t graph_id, weir_graph_summary_t *out)
{
	int rc = WEIR_OK;
	if (!out)
		return weir__graph_err(WEIR_EINVAL, "weir_session_graph_summary: NULL out");
	struct gentry *e = get_or_err(s, graph_id, "weir_session_graph_summary");
	if (!e)
		return WEIR_ENOTFOUND;
	pthread_mutex_lock(&e->lock);
	if (e->state < GS_COMPILED) {
		rc = weir__graph_err(WEIR_ESTATE,
		                     "weir_session_graph_summary: graph %u ('%s') is not compiled "
		                     "(GE_GRAPH_NOT_BUILT)",
		                     graph_id, e->g->name);
	} else {
		const weir_plan_t *p = e->plan;
		memset(out, 0, sizeof(*out));
		out->is_static = true;
		out->streams = p->nstreams;
		out->events = p->nevents;
		out->const_size = p->const_size;
		out->feature_size = p->feature_size;
		out->nodes = p->nkernels;
		out->ninputs = p->ninputs;
		out->noutputs = p->noutputs;
		out->input_descs = e->in_descs;
		out->output_descs = e->out_descs;
	}
	pthread_mutex_unlock(&e->lock);
	entry_put(e);
	return rc;
}

static int plan_json(weir_session_t *s, uint32_t graph_id, char **out);

int weir_session_plan_json(weir_session_t *s, uint32_t graph_id, char **out)
{
	int rc = session_enter(s, "weir_session_plan_json");
	if (rc)
		return rc;
	rc = plan_json(s, graph_id, out);
	session_leave(s);
	return rc;
}

static int plan_json(weir_session_t *s, uint32_t graph_id, char **out)
{
	int rc = WEIR_OK;
	if (!out)
		return weir__graph_err(WEIR_EINVAL, "weir_session_plan_json: NULL out");
	struct gentry *e = get_or_err(s, graph_id, "weir_session_plan_json");
	if (!e)
		return WEIR_ENOTFOUND;
	pthread_mutex_lock(&e->lock);
	if (e->state < GS_COMPILED) {
		rc = weir__graph_err(WEIR_ESTATE,
		                     "weir_session_plan_json: graph %u is not compiled", graph_id);
		goto out;
	}
	const weir_plan_t *p = e->plan;
	struct wg_buf b = { 0 };
	wg_buf_printf(&b, "{\"graph\":");
	wg_buf_json_str(&b, e->g->name);
	wg_buf_printf(&b,
	              ",\"streams\":%u,\"events\":%u,\"fork_event\":%d,\"const_size\":%llu,"
	              "\"feature_size\":%llu,\"steps\":[",
	              p->nstreams, p->nevents, p->fork_event, (unsigned long long)p->const_size,
	              (unsigned long long)p->feature_size);
	for (uint32_t i = 0; i < p->nsteps; i++) {
		const struct wc_step *st = &p->steps[i];
		wg_buf_printf(&b, "%s{\"name\":", i ? "," : "");
		wg_buf_json_str(&b, st->name);
		wg_buf_printf(&b, ",\"op\":");
		wg_buf_json_str(&b, st->def->name);
		wg_buf_printf(&b, ",\"stream\":%u,\"pos\":%u,\"waits\":[", st->stream, st->pos);
		for (uint32_t k = 0; k < st->nwaits; k++)
			wg_buf_printf(&b, "%s%u", k ? "," : "", st->waits[k]);
		wg_buf_printf(&b, "],\"record\":%d,\"outputs\":[", st->record);
		for (uint32_t k = 0; k < st->nout; k++) {
			const struct wc_tensor *t = &p->tensors[st->out[k]];
			static const char *kinds[] = { "feature", "workspace", "const", "input",
				                       "output" };
			wg_buf_printf(&b, "%s{\"kind\":\"%s\",\"offset\":%llu,\"bytes\":%llu}",
			              k ? "," : "", kinds[t->kind], (unsigned long long)t->offset,
			              (unsigned long long)t->bytes);
		}
		wg_buf_printf(&b, "]}");
	}
	wg_buf_printf(&b, "],\"joins\":[");
	for (uint32_t j = 0; j < p->njoins; j++)
		wg_buf_printf(&b, "%s{\"stream\":%u,\"event\":%u}", j ? "," : "",
		              p->joins[j].stream, p->joins[j].event);
	wg_buf_printf(&b, "]}");
	if (b.err || !b.p) {
		weir__free(b.p);
		rc = weir__graph_err(WEIR_ENOMEM, "weir_session_plan_json: out of memory");
	} else {
		*out = b.p;
	}
out:
	pthread_mutex_unlock(&e->lock);
	entry_put(e);
	return rc;
}

int weir_session_free(weir_session_t *s, void *p)
{
	if (!s)
		return WEIR_EINVAL;
	if (!s->bind)
		return weir_mem_free(s->mem, p);
	/* A bound session's memory goes with its ACL runtime: pin it. Not
	 * session_enter(): outputs stay the caller's after a finalize. */
	if (!s->bind->enter(s->cookie))
		return weir__graph_err(
		        WEIR_EFINALIZED,
		        "weir_session_free: session %llu: the ACL runtime it was created on was "
		        "finalized (aclFinalize); its device memory went with it",
		        (unsigned long long)s->id);
	int rc = weir_mem_free(s->mem, p);
	s->bind->leave(s->cookie);
	return rc;
}
