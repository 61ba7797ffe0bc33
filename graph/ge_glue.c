/*
 * graph/ge_glue.c - the C layer under the GE v2 facade (include/ge/) and the
 * ACL bridge of the native session API: GE's process-wide init state, the
 * registry of live GE sessions (GEFinalizeV2 finalizes them all), and
 * sessions created on the ACL facade's runtime.
 *
 * Layering note: this file reaches into acl_compat/acl_internal.h (the ACL
 * facade's runtime, memory and stream resolution), the one place where
 * graph/ depends on the facade layer; everything else in graph/ sits on
 * sched/ and mem/ only.
 *
 * Sessions bound to the ACL runtime (every weir_session_create_acl session,
 * GE sessions included) are on a second list, `bound`, under bound_lock:
 * aclFinalize (weir__acl_detach_sessions) finalizes the ones of its runtime
 * generation before it destroys anything, and finalize/destroy of a bound
 * session run under the same lock (weir__bound_finalize). Invariants:
 *  B1. A bound session is on `bound` from create until its destroy or its
 *      runtime's teardown, whichever comes first; while it is on the list its
 *      runtime is alive (the teardown takes bound_lock before destroying).
 *  B2. Every finalize of a bound session runs under bound_lock while it is
 *      still on the list, so it never races the teardown's, and after the
 *      teardown it is a no-op (finalized, no graphs).
 *  B3. A session is linked while its creator holds a pin on its generation,
 *      so a teardown of that generation (which first waits for the pins)
 *      always finds it.
 * Lock order: ge_lock, then the facade lock, then bound_lock. A pin may be
 * held while taking bound_lock; a bound_lock holder never waits for a pin,
 * the facade lock or ge_lock.
 *
 * GE's own aclInit reference is on one runtime generation (ge_gen): when
 * that runtime is finalized under GE (aclFinalize before GEFinalizeV2), GE
 * reads as not initialized, and GEFinalizeV2 then drops no reference of a
 * newer runtime.
 *
 * Guard legend: L: ge_lock; B: bound_lock; I: immutable.
 */
#include <pthread.h>
#include <string.h>
#include "weir/session.h"
#include "graph/graph_internal.h"
#include "acl_compat/acl_internal.h"
#include "base/alloc.h"

struct ge_node { weir_session_t *s; struct ge_node *next; };
struct bound_node { weir_session_t *s; uint64_t gen; struct bound_node *next; }; /* I, I, B */

static pthread_mutex_t ge_lock = PTHREAD_MUTEX_INITIALIZER;
static bool ge_inited;                 /* L */
static uint64_t ge_gen;                /* L: generation of GE's aclInit reference */
static struct ge_node *ge_sessions;    /* L */

static pthread_mutex_t bound_lock = PTHREAD_MUTEX_INITIALIZER;
static struct bound_node *bound;       /* B */

bool weir__bound_enter(uint64_t gen) { return weir__acl_runtime_enter(gen); }
void weir__bound_leave(void) { weir__acl_runtime_leave(); }

/* bound_lock held: the list link pointing at s's node, or NULL. */
static struct bound_node **bound_find_locked(const weir_session_t *s)
{
	for (struct bound_node **pp = &bound; *pp; pp = &(*pp)->next)
		if ((*pp)->s == s)
			return pp;
	return NULL;
}

void weir__bound_finalize(weir_session_t *s, bool unbind)
{
	pthread_mutex_lock(&bound_lock);
	struct bound_node **pp = bound_find_locked(s);
	if (pp) {   /* B1: its runtime is alive until we unlock */
		weir__session_finalize_now(s);
		if (unbind) {
			struct bound_node *n = *pp;
			*pp = n->next;
			weir__free(n);
		}
	}
	pthread_mutex_unlock(&bound_lock);
}

void weir__acl_detach_sessions(uint64_t gen)
{
	pthread_mutex_lock(&bound_lock);
	for (struct bound_node **pp = &bound; *pp;) {
		struct bound_node *n = *pp;
		if (n->gen != gen) {
			pp = &n->next;
			continue;
		}
		weir__session_finalize_now(n->s);   /* B2 */
		*pp = n->next;
		weir__free(n);
	}
	pthread_mutex_unlock(&bound_lock);
}

/* A session on generation `want` (0: the current one). */
static int bound_create(uint64_t want, const weir_option_t *opts, size_t nopts,
                        weir_session_t **out, const char *fn)
{
	uint64_t gen;
	weir_runtime_t *rt;
	weir_mem_t *mem;
	if (!weir__acl_runtime_enter_current(&gen, &rt, &mem))
		return weir__graph_err(WEIR_ESTATE, "%s: aclInit has not been called (or aclFinalize was)", fn);
	int rc;
	struct bound_node *n = NULL;
	if (want && want != gen) {
		rc = weir__graph_err(WEIR_EFINALIZED, "%s: GE's ACL runtime was finalized (aclFinalize); GE is not initialized (GEInitializeV2) (E10062)", fn);
		goto out;
	}
	n = weir__malloc(sizeof(*n));
	if (!n) {
		rc = weir__graph_err(WEIR_ENOMEM, "%s: out of memory", fn);
		goto out;
	}
	if ((rc = weir__session_create_bound(rt, mem, gen, opts, nopts, out))) {
		weir__free(n);
		goto out;
	}
	n->s = *out;
	n->gen = gen;
	pthread_mutex_lock(&bound_lock);
	n->next = bound;   /* B3: still pinned */
	bound = n;
	pthread_mutex_unlock(&bound_lock);
out:
	weir__acl_runtime_leave();
	return rc;
}

int weir_session_create_acl(const weir_option_t *opts, size_t nopts, weir_session_t **out)
{
	if (!out)
		return weir__graph_err(WEIR_EINVAL, "weir_session_create_acl: NULL out");
	return bound_create(0, opts, nopts, out, "weir_session_create_acl");
}

int weir_session_acl_stream(void *acl_stream, weir_stream_t **out)
{
	if (!out)
		return weir__graph_err(WEIR_EINVAL, "weir_session_acl_stream: NULL out");
	aclError e = weir__acl_resolve_stream_any(acl_stream, out);
	if (e != ACL_SUCCESS)
		return weir__graph_err(WEIR_EHANDLE, "aclrtStream %p: %s (ACL %d)", acl_stream,
		                       weir__acl_reason(), e);
	return WEIR_OK;
}

int weir_ge_initialize(const weir_option_t *opts, size_t nopts)
{
	for (size_t i = 0; i < nopts; i++)
		if (!opts || !opts[i].key || !*opts[i].key || !opts[i].value)
			return weir__graph_err(WEIR_EINVAL, "GEInitializeV2: option %zu has an empty key (E10059)", i);
	pthread_mutex_lock(&ge_lock);
	if (ge_inited && ge_gen == weir__acl_generation()) {
		pthread_mutex_unlock(&ge_lock);
		return WEIR_OK;   /* GE: idempotent */
	}
	/* Not initialized, or its runtime was finalized under it: (re)take an
	 * aclInit reference. */
	uint64_t gen = 0;
	aclError e = weir__acl_init_ref(&gen);
	if (e != ACL_SUCCESS && e != ACL_ERROR_REPEAT_INITIALIZE) {
		pthread_mutex_unlock(&ge_lock);
		return weir__graph_err(WEIR_EINTERNAL, "GEInitializeV2: aclInit failed (%d)", e);
	}
	ge_inited = true;
	ge_gen = gen;
	pthread_mutex_unlock(&ge_lock);
	return WEIR_OK;
}

bool weir_ge_initialized(void)
{
	pthread_mutex_lock(&ge_lock);
	bool v = ge_inited && ge_gen == weir__acl_generation();
	pthread_mutex_unlock(&ge_lock);
	return v;
}

int weir_ge_session_check(const weir_session_t *s)
{
	if (!s)
		return weir__graph_err(WEIR_EINVAL, "GeSession: the session could not be created");
	if (!weir_ge_initialized())
		return weir__graph_err(WEIR_EFINALIZED, "GeSession: GE is not initialized (GEInitializeV2, or its ACL runtime was finalized) (E10062)");
	if (weir__session_gen(s) != weir__acl_generation())
		return weir__graph_err(WEIR_EFINALIZED, "GeSession %llu: the ACL runtime it was created on was finalized (aclFinalize); GE is not initialized for it (E10062)",
		                       (unsigned long long)weir_session_id(s));
	return WEIR_OK;
}

int weir_ge_finalize(void)
{
	pthread_mutex_lock(&ge_lock);
	if (!ge_inited) {
		pthread_mutex_unlock(&ge_lock);
		return WEIR_OK;
	}
	for (struct ge_node *n = ge_sessions; n; n = n->next)
		weir_session_finalize(n->s);
	ge_inited = false;
	/* Only GE's own reference: none when aclFinalize tore its runtime
	 * down already (and never one of a runtime created after that). */
	weir__acl_finalize_reference_gen(ge_gen);
	ge_gen = 0;
	pthread_mutex_unlock(&ge_lock);
	return WEIR_OK;
}

int weir_ge_session_create(const weir_option_t *opts, size_t nopts, weir_session_t **out)
{
	struct ge_node *n = weir__malloc(sizeof(*n));
	if (!n)
		return weir__graph_err(WEIR_ENOMEM, "GeSession: out of memory");
	pthread_mutex_lock(&ge_lock);
	int rc = ge_inited ? bound_create(ge_gen, opts, nopts, out, "GeSession")
	                   : weir__graph_err(WEIR_EFINALIZED, "GeSession: GE is not initialized (GEInitializeV2) (E10062)");
	if (rc) {
		pthread_mutex_unlock(&ge_lock);
		weir__free(n);
		return rc;
	}
	n->s = *out;
	n->next = ge_sessions;
	ge_sessions = n;
	pthread_mutex_unlock(&ge_lock);
	return WEIR_OK;
}

void weir_ge_session_destroy(weir_session_t *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&ge_lock);
	for (struct ge_node **pp = &ge_sessions; *pp; pp = &(*pp)->next)
		if ((*pp)->s == s) {
			struct ge_node *n = *pp;
			*pp = n->next;
			weir__free(n);
			break;
		}
	/* Finalize under ge_lock, so GEFinalizeV2 never sees a half-destroyed
	 * session; destroy itself touches no runtime object afterwards. */
	weir_session_finalize(s);
	pthread_mutex_unlock(&ge_lock);
	weir_session_destroy(s);
}

int weir_ge_free(void *p)
{
	weir_mem_t *mem = weir__acl_mem();
	if (!mem)
		return WEIR_EFINALIZED;
	return weir_mem_free(mem, p);
}
