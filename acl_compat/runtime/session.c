/*
 * acl_compat/runtime/session.c - native sessions on the ACL facade's
 * runtime (acl/weir_acl.h: weir_session_create_acl, weir_session_acl_stream;
 * GE sessions are made here too, acl_compat/ge/ge_v2.c). graph/ knows such a
 * session only through the binding (weir__session_binding_t, weir/session.h)
 * this file passes at create: pin / unpin the runtime generation, and a
 * finalize serialized with aclFinalize's.
 *
 * Sessions bound to the ACL runtime are on a list, `weir_acl_bound`, under
 * weir_acl_bound_lock: aclFinalize (weir__acl_detach_sessions) finalizes the
 * ones of its runtime generation before it destroys anything, and
 * finalize/destroy of a bound session run under the same lock
 * (weir_acl_bound_finalize). Invariants:
 *  B1. A bound session is on the list from create until its destroy or its
 *      runtime's teardown, whichever comes first; while it is on the list its
 *      runtime is alive (the teardown takes the lock before destroying).
 *  B2. Every finalize of a bound session runs under the lock while it is
 *      still on the list, so it never races the teardown's, and after the
 *      teardown it is a no-op (finalized, no graphs).
 *  B3. A session is linked while its creator holds a pin on its generation,
 *      so a teardown of that generation (which first waits for the pins)
 *      always finds it.
 * Lock order: weir_acl_ge_lock (ge/ge_v2.c), then the facade lock, then
 * weir_acl_bound_lock. A pin may be held while taking weir_acl_bound_lock;
 * its holder never waits for a pin, the facade lock or weir_acl_ge_lock.
 *
 * Guard legend: B: weir_acl_bound_lock; I: immutable.
 */
#include <pthread.h>
#include <string.h>
#include "acl/weir_acl.h"
#include "weir/session.h"
#include "acl_compat/acl_internal.h"
#include "base/alloc.h"

struct weir_acl_bound_node { /* I, I, B */
	weir_session_t *s;
	uint64_t gen;
	struct weir_acl_bound_node *next;
};

static pthread_mutex_t weir_acl_bound_lock = PTHREAD_MUTEX_INITIALIZER;
static struct weir_acl_bound_node *weir_acl_bound; /* B */

static void weir_acl_bound_finalize(weir_session_t *s, bool unbind);

/* The binding graph/ calls back through (weir/session.h); the cookie is the
 * runtime generation. */
static bool weir_acl_bound_enter(uint64_t gen)
{
	return weir__acl_runtime_enter(gen);
}
static void weir_acl_bound_leave(uint64_t gen)
{
	(void)gen;
	weir__acl_runtime_leave();
}
static const weir__session_binding_t weir_acl_bound_binding = {
	.enter = weir_acl_bound_enter,
	.leave = weir_acl_bound_leave,
	.finalize = weir_acl_bound_finalize,
};

/* weir_acl_bound_lock held: the list link pointing at s's node, or NULL. */
static struct weir_acl_bound_node **weir_acl_bound_find_locked(const weir_session_t *s)
{
	for (struct weir_acl_bound_node **pp = &weir_acl_bound; *pp; pp = &(*pp)->next)
		if ((*pp)->s == s)
			return pp;
	return NULL;
}

/* binding finalize(): serialized with the teardown (B2). */
static void weir_acl_bound_finalize(weir_session_t *s, bool unbind)
{
	pthread_mutex_lock(&weir_acl_bound_lock);
	struct weir_acl_bound_node **pp = weir_acl_bound_find_locked(s);
	if (pp) { /* B1: its runtime is alive until we unlock */
		weir__session_finalize_now(s);
		if (unbind) {
			struct weir_acl_bound_node *n = *pp;
			*pp = n->next;
			weir__free(n);
		}
	}
	pthread_mutex_unlock(&weir_acl_bound_lock);
}

void weir__acl_detach_sessions(uint64_t gen)
{
	pthread_mutex_lock(&weir_acl_bound_lock);
	for (struct weir_acl_bound_node **pp = &weir_acl_bound; *pp;) {
		struct weir_acl_bound_node *n = *pp;
		if (n->gen != gen) {
			pp = &n->next;
			continue;
		}
		weir__session_finalize_now(n->s); /* B2 */
		*pp = n->next;
		weir__free(n);
	}
	pthread_mutex_unlock(&weir_acl_bound_lock);
}

/* A session on generation `want` (0: the current one). */
int weir__acl_session_create(uint64_t want, const struct weir_option *opts, size_t nopts,
                             weir_session_t **out, const char *fn)
{
	uint64_t gen;
	weir_runtime_t *rt;
	weir_mem_t *mem;
	if (!weir__acl_runtime_enter_current(&gen, &rt, &mem))
		return weir__graph_err(WEIR_ESTATE,
		                       "%s: aclInit has not been called (or aclFinalize was)", fn);
	int rc;
	struct weir_acl_bound_node *n = NULL;
	if (want && want != gen) {
		rc = weir__graph_err(WEIR_EFINALIZED,
		                     "%s: GE's ACL runtime was finalized (aclFinalize); GE is not "
		                     "initialized (GEInitializeV2) (E10062)",
		                     fn);
		goto out;
	}
	n = weir__malloc(sizeof(*n));
	if (!n) {
		rc = weir__graph_err(WEIR_ENOMEM, "%s: out of memory", fn);
		goto out;
	}
	if ((rc = weir__session_create_bound(rt, mem, &weir_acl_bound_binding, gen, opts, nopts,
	                                     out))) {
		weir__free(n);
		goto out;
	}
	n->s = *out;
	n->gen = gen;
	pthread_mutex_lock(&weir_acl_bound_lock);
	n->next = weir_acl_bound; /* B3: still pinned */
	weir_acl_bound = n;
	pthread_mutex_unlock(&weir_acl_bound_lock);
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
