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
 * Guard legend: L: ge_lock.
 */
#include <pthread.h>
#include <string.h>
#include "weir/session.h"
#include "graph/graph_internal.h"
#include "acl_compat/acl_internal.h"
#include "sched/alloc.h"

struct ge_node { weir_session_t *s; struct ge_node *next; };

static pthread_mutex_t ge_lock = PTHREAD_MUTEX_INITIALIZER;
static bool ge_inited;                 /* L */
static struct ge_node *ge_sessions;    /* L */

int weir_session_create_acl(const weir_option_t *opts, size_t nopts, weir_session_t **out)
{
	weir_runtime_t *rt = weir__acl_runtime();
	weir_mem_t *mem = weir__acl_mem();
	if (!rt || !mem)
		return weir__graph_err(WEIR_ESTATE, "weir_session_create_acl: aclInit has not been called");
	return weir_session_create(rt, mem, opts, nopts, out);
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
	if (ge_inited) {
		pthread_mutex_unlock(&ge_lock);
		return WEIR_OK;   /* GE: idempotent */
	}
	aclError e = aclInit(NULL);
	if (e != ACL_SUCCESS && e != ACL_ERROR_REPEAT_INITIALIZE) {
		pthread_mutex_unlock(&ge_lock);
		return weir__graph_err(WEIR_EINTERNAL, "GEInitializeV2: aclInit failed (%d)", e);
	}
	ge_inited = true;
	pthread_mutex_unlock(&ge_lock);
	return WEIR_OK;
}

bool weir_ge_initialized(void)
{
	pthread_mutex_lock(&ge_lock);
	bool v = ge_inited;
	pthread_mutex_unlock(&ge_lock);
	return v;
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
	aclFinalizeReference(NULL);
	pthread_mutex_unlock(&ge_lock);
	return WEIR_OK;
}

int weir_ge_session_create(const weir_option_t *opts, size_t nopts, weir_session_t **out)
{
	struct ge_node *n = weir__malloc(sizeof(*n));
	if (!n)
		return weir__graph_err(WEIR_ENOMEM, "GeSession: out of memory");
	pthread_mutex_lock(&ge_lock);
	int rc = ge_inited ? weir_session_create_acl(opts, nopts, out)
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
