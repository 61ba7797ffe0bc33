/*
 * acl_compat/ge/ge_v2.c - the C layer under the GE v2 facade (ge/weir_ge.h,
 * used by the header-only ge/ge_api_v2.h): GE's process-wide init state and
 * the registry of live GE sessions (GEFinalizeV2 finalizes them all). GE
 * sessions are sessions on the ACL runtime (runtime/session.c).
 *
 * GE's own aclInit reference is on one runtime generation (weir_acl_ge_gen): when
 * that runtime is finalized under GE (aclFinalize before GEFinalizeV2), GE
 * reads as not initialized, and GEFinalizeV2 then drops no reference of a
 * newer runtime.
 *
 * Lock order: weir_acl_ge_lock, then the facade lock, then weir_acl_bound_lock
 * (runtime/session.c).
 *
 * Guard legend: L: weir_acl_ge_lock.
 */
#include <pthread.h>
#include <string.h>
#include "ge/weir_ge.h"
#include "weir/session.h"
#include "acl_compat/acl_internal.h"
#include "base/alloc.h"

struct weir_acl_ge_node {
	weir_session_t *s;
	struct weir_acl_ge_node *next;
}; /* L */

static pthread_mutex_t weir_acl_ge_lock = PTHREAD_MUTEX_INITIALIZER;
static bool weir_acl_ge_inited;                       /* L */
static uint64_t weir_acl_ge_gen;                      /* L: generation of GE's aclInit reference */
static struct weir_acl_ge_node *weir_acl_ge_sessions; /* L */

int weir_ge_initialize(const weir_option_t *opts, size_t nopts)
{
	for (size_t i = 0; i < nopts; i++)
		if (!opts || !opts[i].key || !*opts[i].key || !opts[i].value)
			return weir__graph_err(
			        WEIR_EINVAL, "GEInitializeV2: option %zu has an empty key (E10059)",
			        i);
	pthread_mutex_lock(&weir_acl_ge_lock);
	if (weir_acl_ge_inited && weir_acl_ge_gen == weir__acl_generation()) {
		pthread_mutex_unlock(&weir_acl_ge_lock);
		return WEIR_OK; /* GE: idempotent */
	}
	/* Not initialized, or its runtime was finalized under it: (re)take an
	 * aclInit reference. */
	uint64_t gen = 0;
	aclError e = weir__acl_init_ref(&gen);
	if (e != ACL_SUCCESS && e != ACL_ERROR_REPEAT_INITIALIZE) {
		pthread_mutex_unlock(&weir_acl_ge_lock);
		return weir__graph_err(WEIR_EINTERNAL, "GEInitializeV2: aclInit failed (%d)", e);
	}
	weir_acl_ge_inited = true;
	weir_acl_ge_gen = gen;
	pthread_mutex_unlock(&weir_acl_ge_lock);
	return WEIR_OK;
}

bool weir_ge_initialized(void)
{
	pthread_mutex_lock(&weir_acl_ge_lock);
	bool v = weir_acl_ge_inited && weir_acl_ge_gen == weir__acl_generation();
	pthread_mutex_unlock(&weir_acl_ge_lock);
	return v;
}

int weir_ge_session_check(const weir_session_t *s)
{
	if (!s)
		return weir__graph_err(WEIR_EINVAL, "GeSession: the session could not be created");
	if (!weir_ge_initialized())
		return weir__graph_err(WEIR_EFINALIZED,
		                       "GeSession: GE is not initialized (GEInitializeV2, or its "
		                       "ACL runtime was finalized) (E10062)");
	if (weir__session_cookie(s) != weir__acl_generation())
		return weir__graph_err(
		        WEIR_EFINALIZED,
		        "GeSession %llu: the ACL runtime it was created on was finalized "
		        "(aclFinalize); GE is not initialized for it (E10062)",
		        (unsigned long long)weir_session_id(s));
	return WEIR_OK;
}

int weir_ge_finalize(void)
{
	pthread_mutex_lock(&weir_acl_ge_lock);
	if (!weir_acl_ge_inited) {
		pthread_mutex_unlock(&weir_acl_ge_lock);
		return WEIR_OK;
	}
	for (struct weir_acl_ge_node *n = weir_acl_ge_sessions; n; n = n->next)
		weir_session_finalize(n->s);
	weir_acl_ge_inited = false;
	/* Only GE's own reference: none when aclFinalize tore its runtime
	 * down already (and never one of a runtime created after that). */
	weir__acl_finalize_reference_gen(weir_acl_ge_gen);
	weir_acl_ge_gen = 0;
	pthread_mutex_unlock(&weir_acl_ge_lock);
	return WEIR_OK;
}

int weir_ge_session_create(const weir_option_t *opts, size_t nopts, weir_session_t **out)
{
	struct weir_acl_ge_node *n = weir__malloc(sizeof(*n));
	if (!n)
		return weir__graph_err(WEIR_ENOMEM, "GeSession: out of memory");
	pthread_mutex_lock(&weir_acl_ge_lock);
	int rc = weir_acl_ge_inited
	                 ? weir__acl_session_create(weir_acl_ge_gen, opts, nopts, out, "GeSession")
	                 : weir__graph_err(
	                           WEIR_EFINALIZED,
	                           "GeSession: GE is not initialized (GEInitializeV2) (E10062)");
	if (rc) {
		pthread_mutex_unlock(&weir_acl_ge_lock);
		weir__free(n);
		return rc;
	}
	n->s = *out;
	n->next = weir_acl_ge_sessions;
	weir_acl_ge_sessions = n;
	pthread_mutex_unlock(&weir_acl_ge_lock);
	return WEIR_OK;
}

void weir_ge_session_destroy(weir_session_t *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&weir_acl_ge_lock);
	for (struct weir_acl_ge_node **pp = &weir_acl_ge_sessions; *pp; pp = &(*pp)->next)
		if ((*pp)->s == s) {
			struct weir_acl_ge_node *n = *pp;
			*pp = n->next;
			weir__free(n);
			break;
		}
	/* Finalize under weir_acl_ge_lock, so GEFinalizeV2 never sees a half-destroyed
	 * session; destroy itself touches no runtime object afterwards. */
	weir_session_finalize(s);
	pthread_mutex_unlock(&weir_acl_ge_lock);
	weir_session_destroy(s);
}

int weir_ge_free(void *p)
{
	weir_mem_t *mem = weir__acl_mem();
	if (!mem)
		return WEIR_EFINALIZED;
	return weir_mem_free(mem, p);
}

void weir_ge_set_error(const char *msg)
{
	weir__graph_err(WEIR_EINVAL, "%s", msg ? msg : "");
}

int weir_ge_last_code(void)
{
	return weir_graph_last_code();
}
