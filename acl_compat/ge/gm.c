/*
 * acl_compat/ge/gm.c - the GE graph manager (ge/weir_ge.h weir_ge_gm_*):
 * GE graph ids over the native graphs of one weir session. A front-end
 * graph is lowered (lower.c) once per distinct key, the key being the input
 * descs plus the bytes of the inputs its rules read; each key's native graph
 * lives in the session under an id the manager picks. A native graph added
 * as such is a single entry with the declared descs as its key.
 *
 * Guard legend: M: gm->lock; G: the graph's lock.
 * Lock order: M, then G (G is never held while taking M).
 * Lifetime: a graph is referenced by the table (one ref) and by each call
 * that found it (gm_get/gm_put, refs under M); removal unlinks it and
 * drops the table's ref; the last put frees it. Native graphs are removed by
 * the free (weir_session_remove_graph waits for their in-flight runs), or
 * when evicted, which a racing run sees as WEIR_ENOTFOUND and retries.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "acl_compat/ge/fg.h"
#include "base/alloc.h"

#define GM_CACHE_MAX 64

struct gm_key {
	weir_tensor_desc_t *in; /* nin descs */
	uint64_t used;          /* inputs whose bytes are part of the key */
	void **val;             /* nin entries; bytes of used inputs, else NULL */
	uint32_t nid;           /* the native graph's id in the session */
	uint64_t stamp;         /* age, for eviction */
};

struct gm_graph {
	uint32_t id;
	weir_fg_t *fg;        /* or */
	weir_graph_t *native; /* exactly one is set; immutable */
	weir_option_t *opts;  /* immutable copies */
	size_t nopts;
	uint32_t refs; /* M */
	pthread_mutex_t lock;
	struct gm_key keys[GM_CACHE_MAX]; /* G */
	uint32_t nkeys;                   /* G */
	int last;                         /* G: key compiled last, -1 none */
	uint64_t clock;                   /* G */
	struct gm_graph *next;            /* M */
};

struct weir_ge_gm {
	weir_session_t *s;
	pthread_mutex_t lock;
	struct gm_graph *graphs; /* M */
	uint32_t next_nid;       /* M */
};

int weir_ge_gm_create(weir_session_t *s, weir_ge_gm_t **out)
{
	if (!s || !out)
		return weir__graph_err(WEIR_EINVAL, "weir_ge_gm_create: NULL argument");
	weir_ge_gm_t *m = weir__calloc(1, sizeof(*m));
	if (!m)
		return weir__graph_err(WEIR_ENOMEM, "GE session: out of memory");
	m->s = s;
	pthread_mutex_init(&m->lock, NULL);
	*out = m;
	return WEIR_OK;
}

static void gm_key_free(struct gm_key *k, uint32_t nin)
{
	if (k->val)
		for (uint32_t i = 0; i < nin; i++)
			weir__free(k->val[i]);
	weir__free(k->val);
	weir__free(k->in);
	memset(k, 0, sizeof(*k));
}

static uint32_t gm_nin(const struct gm_graph *g)
{
	if (g->fg)
		return weir_fg_input_count(g->fg);
	return 0; /* native: keys carry no descs */
}

static void gm_graph_free(weir_ge_gm_t *m, struct gm_graph *g)
{
	for (uint32_t k = 0; k < g->nkeys; k++) {
		weir_session_remove_graph(m->s, g->keys[k].nid);
		gm_key_free(&g->keys[k], gm_nin(g));
	}
	for (size_t i = 0; i < g->nopts; i++) {
		weir__free((void *)g->opts[i].key);
		weir__free((void *)g->opts[i].value);
	}
	weir__free(g->opts);
	weir_fg_destroy(g->fg);
	weir_graph_destroy(g->native);
	pthread_mutex_destroy(&g->lock);
	weir__free(g);
}

static struct gm_graph *gm_get(weir_ge_gm_t *m, uint32_t id)
{
	pthread_mutex_lock(&m->lock);
	struct gm_graph *g = m->graphs;
	while (g && g->id != id)
		g = g->next;
	if (g)
		g->refs++;
	pthread_mutex_unlock(&m->lock);
	return g;
}

static void gm_put(weir_ge_gm_t *m, struct gm_graph *g)
{
	pthread_mutex_lock(&m->lock);
	bool last = --g->refs == 0;
	pthread_mutex_unlock(&m->lock);
	if (last)
		gm_graph_free(m, g);
}

static struct gm_graph *gm_get_or_err(weir_ge_gm_t *m, uint32_t id, const char *fn)
{
	struct gm_graph *g = m ? gm_get(m, id) : NULL;
	if (!g)
		weir__graph_err(m ? WEIR_ENOTFOUND : WEIR_EINVAL, "%s: no graph %u in this session",
		                fn, id);
	return g;
}

void weir_ge_gm_destroy(weir_ge_gm_t *m)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	struct gm_graph *g = m->graphs;
	m->graphs = NULL;
	pthread_mutex_unlock(&m->lock);
	while (g) {
		struct gm_graph *next = g->next;
		gm_put(m, g);
		g = next;
	}
	pthread_mutex_destroy(&m->lock);
	weir__free(m);
}

int weir_ge_gm_add(weir_ge_gm_t *m, uint32_t id, const weir_fg_t *fg, const weir_graph_t *native,
                   const weir_option_t *opts, size_t nopts)
{
	if (!m || (!fg == !native) || (nopts && !opts))
		return weir__graph_err(WEIR_EINVAL, "AddGraph: bad arguments");
	for (size_t i = 0; i < nopts; i++)
		if (!opts[i].key || !*opts[i].key || !opts[i].value)
			return weir__graph_err(WEIR_EINVAL,
			                       "AddGraph: option %zu has an empty key (E10059)", i);
	struct gm_graph *g = weir__calloc(1, sizeof(*g));
	int rc = g ? WEIR_OK : WEIR_ENOMEM;
	if (!rc && nopts && !(g->opts = weir__calloc(nopts, sizeof(*g->opts))))
		rc = WEIR_ENOMEM;
	for (size_t i = 0; i < nopts && !rc; i++) {
		g->opts[i].key = weir__strdup(opts[i].key);
		g->opts[i].value = weir__strdup(opts[i].value);
		g->nopts = i + 1;
		if (!g->opts[i].key || !g->opts[i].value)
			rc = WEIR_ENOMEM;
	}
	if (rc) {
		if (g) {
			pthread_mutex_init(&g->lock, NULL);
			gm_graph_free(m, g);
		}
		return weir__graph_err(WEIR_ENOMEM, "AddGraph: out of memory");
	}
	pthread_mutex_init(&g->lock, NULL);
	g->id = id;
	g->refs = 1;
	g->last = -1;
	rc = fg ? weir_fg_clone(fg, &g->fg) : weir_graph_clone(native, &g->native);
	if (rc) {
		gm_graph_free(m, g);
		return rc;
	}
	pthread_mutex_lock(&m->lock);
	for (struct gm_graph *o = m->graphs; o; o = o->next)
		if (o->id == id) {
			pthread_mutex_unlock(&m->lock);
			gm_graph_free(m, g);
			return weir__graph_err(WEIR_EEXIST,
			                       "AddGraph: graph id %u is already in this session",
			                       id);
		}
	g->next = m->graphs;
	m->graphs = g;
	pthread_mutex_unlock(&m->lock);
	return WEIR_OK;
}

int weir_ge_gm_remove(weir_ge_gm_t *m, uint32_t id)
{
	if (!m)
		return weir__graph_err(WEIR_EINVAL, "RemoveGraph: NULL manager");
	pthread_mutex_lock(&m->lock);
	struct gm_graph **pp = &m->graphs;
	while (*pp && (*pp)->id != id)
		pp = &(*pp)->next;
	struct gm_graph *g = *pp;
	if (g)
		*pp = g->next;
	pthread_mutex_unlock(&m->lock);
	if (!g)
		return weir__graph_err(WEIR_ENOTFOUND, "RemoveGraph: no graph %u in this session",
		                       id);
	gm_put(m, g);
	return WEIR_OK;
}

bool weir_ge_gm_has(weir_ge_gm_t *m, uint32_t id)
{
	struct gm_graph *g = m ? gm_get(m, id) : NULL;
	if (g)
		gm_put(m, g);
	return g != NULL;
}

/* ---- keys ------------------------------------------------------------------ */

struct gm_vals {
	const weir_tensor_t *in;
};

static int gm_value(uint32_t input, const void **data, void *user)
{
	const struct gm_vals *v = user;
	*data = v->in[input].data;
	return WEIR_OK;
}

static bool gm_key_match(const struct gm_key *k, const weir_tensor_desc_t *in,
                         const weir_tensor_t *t, uint32_t nin)
{
	for (uint32_t i = 0; i < nin; i++) {
		if (!weir_tensor_desc_equal(&k->in[i], &in[i]))
			return false;
		if (i < 64 && (k->used >> i & 1)) {
			if (!t)
				return false;
			int64_t b = weir_tensor_desc_bytes(&in[i]);
			if (b > 0 && memcmp(k->val[i], t[i].data, (size_t)b))
				return false;
		}
	}
	return true;
}

/* Find or make the key for these inputs; G held. *idx receives it. */
static int gm_key_locked(weir_ge_gm_t *m, struct gm_graph *g, const weir_tensor_desc_t *in,
                         const weir_tensor_t *t, uint32_t nin, int *idx)
{
	if (g->native) {
		if (g->nkeys == 0) {
			pthread_mutex_lock(&m->lock);
			uint32_t nid = m->next_nid++;
			pthread_mutex_unlock(&m->lock);
			int rc = weir_session_add_graph(m->s, nid, g->native, g->opts, g->nopts);
			if (rc)
				return rc;
			g->keys[0].nid = nid;
			g->nkeys = 1;
		}
		*idx = 0;
		return WEIR_OK;
	}
	for (uint32_t k = 0; k < g->nkeys; k++)
		if (gm_key_match(&g->keys[k], in, t, nin)) {
			g->keys[k].stamp = ++g->clock;
			*idx = (int)k;
			return WEIR_OK;
		}
	struct gm_vals vals = { t };
	weir_graph_t *ng = NULL;
	uint64_t used = 0;
	int rc = weir_fg_lower(g->fg, in, nin, t ? gm_value : NULL, &vals, &ng, &used);
	if (rc)
		return rc;
	struct gm_key key = { 0 };
	key.used = used;
	key.in = weir__malloc(sizeof(*key.in) * (nin ? nin : 1));
	key.val = weir__calloc(nin ? nin : 1, sizeof(void *));
	rc = key.in && key.val ? WEIR_OK : WEIR_ENOMEM;
	for (uint32_t i = 0; i < nin && !rc; i++) {
		key.in[i] = in[i];
		if (i < 64 && (used >> i & 1)) {
			int64_t b = weir_tensor_desc_bytes(&in[i]);
			key.val[i] = weir__malloc(b > 0 ? (size_t)b : 1);
			if (!key.val[i])
				rc = WEIR_ENOMEM;
			else if (b > 0)
				memcpy(key.val[i], t[i].data, (size_t)b);
		}
	}
	if (rc) {
		gm_key_free(&key, nin);
		weir_graph_destroy(ng);
		return weir__graph_err(WEIR_ENOMEM, "graph %u: out of memory", g->id);
	}
	pthread_mutex_lock(&m->lock);
	key.nid = m->next_nid++;
	pthread_mutex_unlock(&m->lock);
	rc = weir_session_add_graph(m->s, key.nid, ng, g->opts, g->nopts);
	weir_graph_destroy(ng);
	if (!rc)
		rc = weir_session_compile_graph(m->s, key.nid);
	if (rc) {
		weir_session_remove_graph(m->s, key.nid);
		gm_key_free(&key, nin);
		return rc;
	}
	uint32_t slot = g->nkeys;
	if (slot == GM_CACHE_MAX) { /* evict the least recently used */
		slot = 0;
		for (uint32_t k = 1; k < g->nkeys; k++)
			if (g->keys[k].stamp < g->keys[slot].stamp)
				slot = k;
		weir_session_remove_graph(m->s, g->keys[slot].nid);
		gm_key_free(&g->keys[slot], nin);
	} else {
		g->nkeys++;
	}
	key.stamp = ++g->clock;
	g->keys[slot] = key;
	*idx = (int)slot;
	return WEIR_OK;
}

/* The native id for a run with these inputs. */
static int gm_resolve(weir_ge_gm_t *m, struct gm_graph *g, const weir_tensor_t *in, uint32_t nin,
                      uint32_t *nid)
{
	weir_tensor_desc_t descs[256];
	if (g->fg) {
		if (nin != weir_fg_input_count(g->fg))
			return weir__graph_err(
			        WEIR_EINVAL, "graph %u ('%s') takes %u inputs, got %u", g->id,
			        weir_fg_name(g->fg), weir_fg_input_count(g->fg), nin);
		if (nin > 256)
			return weir__graph_err(WEIR_ENOTSUP, "graph %u: %u inputs (at most 256)",
			                       g->id, nin);
		if (nin && !in)
			return weir__graph_err(WEIR_EINVAL, "graph %u: NULL inputs", g->id);
		for (uint32_t i = 0; i < nin; i++) {
			descs[i] = in[i].desc;
			int64_t b = weir_tensor_desc_bytes(&in[i].desc);
			if (b < 0 || in[i].size < (size_t)b || (b && !in[i].data))
				return weir__graph_err(WEIR_ESHAPE,
				                       "graph %u: input %u has %zu bytes, its desc "
				                       "needs %lld",
				                       g->id, i, in[i].size, (long long)b);
		}
	}
	pthread_mutex_lock(&g->lock);
	int idx = -1;
	int rc = gm_key_locked(m, g, descs, in, nin, &idx);
	if (!rc) {
		*nid = g->keys[idx].nid;
		g->last = idx;
	}
	pthread_mutex_unlock(&g->lock);
	return rc;
}

/* ---- calls ---------------------------------------------------------------- */

int weir_ge_gm_compile(weir_ge_gm_t *m, uint32_t id, const weir_tensor_desc_t *in, uint32_t nin,
                       bool *deferred)
{
	struct gm_graph *g = gm_get_or_err(m, id, "CompileGraph");
	if (!g)
		return WEIR_ENOTFOUND;
	if (deferred)
		*deferred = false;
	int rc = WEIR_OK;
	weir_tensor_desc_t decl[256];
	if (g->fg && !in) {
		nin = weir_fg_input_count(g->fg);
		bool known = nin <= 256;
		for (uint32_t i = 0; i < nin && known; i++) {
			weir_fg_desc_t d;
			rc = weir_fg_input_desc(g->fg, i, &d);
			if (rc)
				break;
			known = d.rank >= 0 && d.dtype != WEIR_DT_UNDEFINED;
			for (int32_t k = 0; k < d.rank && known; k++)
				known = d.dims[k] >= 0;
			if (known)
				rc = weir_tensor_desc_init(&decl[i], d.dtype, (uint32_t)d.rank,
				                           d.dims);
		}
		if (!rc && !known) {
			if (deferred)
				*deferred = true;
			gm_put(m, g);
			return WEIR_OK;
		}
		in = decl;
	}
	if (!rc) {
		pthread_mutex_lock(&g->lock);
		int idx = -1;
		rc = gm_key_locked(m, g, in, NULL, nin, &idx);
		if (!rc) {
			g->last = idx;
			rc = weir_session_compile_graph(m->s, g->keys[idx].nid);
		}
		pthread_mutex_unlock(&g->lock);
		/* A graph whose rules need input values compiles at its first run. */
		if (rc == WEIR_ENOTREADY && g->fg && deferred) {
			*deferred = true;
			rc = WEIR_OK;
		}
	}
	gm_put(m, g);
	return rc;
}

int weir_ge_gm_load(weir_ge_gm_t *m, uint32_t id, const weir_option_t *opts, size_t nopts,
                    weir_stream_t *stream)
{
	struct gm_graph *g = gm_get_or_err(m, id, "LoadGraph");
	if (!g)
		return WEIR_ENOTFOUND;
	pthread_mutex_lock(&g->lock);
	int last = g->last;
	uint32_t nid = last >= 0 ? g->keys[last].nid : 0;
	pthread_mutex_unlock(&g->lock);
	int rc = last < 0 ? WEIR_OK /* deferred: loads at its first run */
	                  : weir_session_load_graph(m->s, nid, opts, nopts, stream);
	gm_put(m, g);
	return rc;
}

int weir_ge_gm_summary(weir_ge_gm_t *m, uint32_t id, const weir_tensor_desc_t *in, uint32_t nin,
                       weir_graph_summary_t *out)
{
	struct gm_graph *g = gm_get_or_err(m, id, "GetCompiledGraphSummary");
	if (!g)
		return WEIR_ENOTFOUND;
	int rc;
	pthread_mutex_lock(&g->lock);
	int idx = g->last;
	if (in)
		rc = gm_key_locked(m, g, in, NULL, nin, &idx);
	else
		rc = idx < 0 ? weir__graph_err(WEIR_ESTATE,
		                               "graph %u is not compiled (GE_GRAPH_NOT_BUILT)", id)
		             : WEIR_OK;
	if (!rc)
		rc = weir_session_graph_summary(m->s, g->keys[idx].nid, out);
	pthread_mutex_unlock(&g->lock);
	gm_put(m, g);
	return rc;
}

/* Run with one retry: an eviction between resolving and running makes the
 * native id vanish (WEIR_ENOTFOUND), and resolving again lowers anew. */
#define GM_RUN(m, id, fn, call)                                                        \
	do {                                                                           \
		struct gm_graph *g = gm_get_or_err(m, id, fn);                         \
		if (!g)                                                                \
			return WEIR_ENOTFOUND;                                         \
		int rc = WEIR_OK;                                                      \
		for (int tries = 0; tries < 2; tries++) {                              \
			uint32_t nid;                                                  \
			rc = gm_resolve(m, g, in, nin, &nid);                          \
			if (rc)                                                        \
				break;                                                 \
			rc = (call);                                                   \
			if (rc != WEIR_ENOTFOUND || weir_session_has_graph(m->s, nid)) \
				break;                                                 \
		}                                                                      \
		gm_put(m, g);                                                          \
		return rc;                                                             \
	} while (0)

int weir_ge_gm_run(weir_ge_gm_t *m, uint32_t id, const weir_tensor_t *in, uint32_t nin,
                   weir_tensor_t *out, uint32_t nout)
{
	GM_RUN(m, id, "RunGraph", weir_session_run_graph(m->s, nid, in, nin, out, nout));
}

int weir_ge_gm_run_async(weir_ge_gm_t *m, uint32_t id, const weir_tensor_t *in, uint32_t nin,
                         weir_run_callback_fn cb, void *user)
{
	GM_RUN(m, id, "RunGraphAsync", weir_session_run_graph_async(m->s, nid, in, nin, cb, user));
}

int weir_ge_gm_run_stream(weir_ge_gm_t *m, uint32_t id, weir_stream_t *stream,
                          const weir_tensor_t *in, uint32_t nin, weir_tensor_t *out, uint32_t nout)
{
	GM_RUN(m, id, "RunGraphWithStreamAsync",
	       weir_session_run_graph_async_stream(m->s, nid, stream, in, nin, out, nout));
}

int weir_ge_gm_output_descs(weir_ge_gm_t *m, uint32_t id, const weir_tensor_t *in, uint32_t nin,
                            weir_tensor_desc_t *descs, uint32_t cap, uint32_t *nout)
{
	struct gm_graph *g = gm_get_or_err(m, id, "RunGraph");
	if (!g)
		return WEIR_ENOTFOUND;
	uint32_t nid;
	int rc = gm_resolve(m, g, in, nin, &nid);
	weir_graph_summary_t s;
	pthread_mutex_lock(&g->lock); /* no eviction while the descs are copied */
	if (!rc)
		rc = weir_session_graph_summary(m->s, nid, &s);
	if (!rc) {
		*nout = s.noutputs;
		for (uint32_t j = 0; j < s.noutputs && j < cap; j++)
			descs[j] = s.output_descs[j];
	}
	pthread_mutex_unlock(&g->lock);
	gm_put(m, g);
	return rc;
}

int weir_ge_gm_plan_json(weir_ge_gm_t *m, uint32_t id, char **out)
{
	struct gm_graph *g = gm_get_or_err(m, id, "GraphDebugJSONPrint");
	if (!g)
		return WEIR_ENOTFOUND;
	pthread_mutex_lock(&g->lock);
	int rc = g->last < 0 ? weir__graph_err(WEIR_ESTATE, "graph %u is not compiled", id)
	                     : weir_session_plan_json(m->s, g->keys[g->last].nid, out);
	pthread_mutex_unlock(&g->lock);
	gm_put(m, g);
	return rc;
}
