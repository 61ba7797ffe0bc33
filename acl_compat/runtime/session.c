/*
 * acl_compat/runtime/session.c - native sessions on the ACL facade's
 * runtime (acl/weir_acl.h: weir_session_create_acl, weir_session_acl_stream;
 * GE sessions are made here too, acl_compat/ge/ge_v2.c). graph/ knows such a
 * session only through the binding (weir__session_binding_t, weir/session.h)
 * this file passes at create: pin / unpin the runtime generation, and a
 * finalize serialized with aclFinalize's.
 *
 * Sessions bound to the ACL runtime are on a list, `bound`, under
 * bound_lock: aclFinalize (weir__acl_detach_sessions) finalizes the ones of
 * its runtime generation before it destroys anything, and finalize/destroy
 * of a bound session run under the same lock (bound_finalize). Invariants:
 *  B1. A bound session is on `bound` from create until its destroy or its
 *      runtime's teardown, whichever comes first; while it is on the list its
 *      runtime is alive (the teardown takes bound_lock before destroying).
 *  B2. Every finalize of a bound session runs under bound_lock while it is
 *      still on the list, so it never races the teardown's, and after the
 *      teardown it is a no-op (finalized, no graphs).
 *  B3. A session is linked while its creator holds a pin on its generation,
 *      so a teardown of that generation (which first waits for the pins)
 *      always finds it.
 * Lock order: ge_lock (ge/ge_v2.c), then the facade lock, then bound_lock.
 * A pin may be held while taking bound_lock; a bound_lock holder never waits
 * for a pin, the facade lock or ge_lock.
 *
 * Guard legend: B: bound_lock; I: immutable.
 */
#include <pthread.h>
#include <string.h>
#include "acl/weir_acl.h"
#include "weir/session.h"
#include "acl_compat/acl_internal.h"
#include "base/alloc.h"

struct bound_node { weir_session_t *s; uint64_t gen; struct bound_node *next; }; /* I, I, B */

static pthread_mutex_t bound_lock = PTHREAD_MUTEX_INITIALIZER;
static struct bound_node *bound;       /* B */

static void bound_finalize(weir_session_t *s, bool unbind);

/* The binding graph/ calls back through (weir/session.h); the cookie is the
 * runtime generation. */
static bool bound_enter(uint64_t gen) { return weir__acl_runtime_enter(gen); }
static void bound_leave(uint64_t gen) { (void)gen; weir__acl_runtime_leave(); }
static const weir__session_binding_t bound_binding = {
	.enter = bound_enter,
	.leave = bound_leave,
	.finalize = bound_finalize,
};

/* bound_lock held: the list link pointing at s's node, or NULL. */
static struct bound_node **bound_find_locked(const weir_session_t *s)
{
	for (struct bound_node **pp = &bound; *pp; pp = &(*pp)->next)
		if ((*pp)->s == s)
			return pp;
	return NULL;
}

/* binding finalize(): serialized with the teardown (B2). */
static void bound_finalize(weir_session_t *s, bool unbind)
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
int weir__acl_session_create(uint64_t want, const struct weir_option *opts, size_t nopts,
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
	if ((rc = weir__session_create_bound(rt, mem, &bound_binding, gen, opts, nopts, out))) {
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
	return weir__acl_session_create(0, opts, nopts, out, "weir_session_create_acl");
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

