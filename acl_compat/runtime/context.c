/*
 * acl_compat/runtime/context.c - contexts, the calling thread's current
 * context, and stream-handle resolution for the other facade files.
 *
 * A context is a weir stream group plus its default stream. Each device has a
 * default (primary) context, created by the first aclrtSetDevice in the
 * process and reference counted process-wide (runtime/device.c); explicit
 * contexts come from aclrtCreateContext. An aclrtContext is the context's
 * registry handle (acl_state.h), never its address. The current context is
 * per thread: that handle, validated through the registry on every use, so a
 * context destroyed or reset by another thread reads as "no context"
 * (107002), and a stale handle never names a context created later in its
 * slot. The two rules of the current context that depend on devices (an
 * implicit aclrtSetDevice of the configured default device; the fallback to
 * the last set device's default context after aclrtDestroyContext) are
 * runtime/device.c's (weir__acl_device_implicit, _fallback_current).
 */
#include "acl_compat/acl_internal.h"
#include "acl_compat/acl_state.h"
#include "base/alloc.h"
#include "base/atomic.h"

#include <inttypes.h>

/* Per-thread state. */
static _Thread_local aclrtContext weir_acl_cur; /* a handle, looked up on every use */

static void weir_acl_set_current(struct weir_acl_ctx *c)
{
	weir_acl_cur = c ? weir__acl_reg_handle(&c->obj) : NULL;
}

void weir__acl_ctx_set_current(struct weir_acl_ctx *c)
{
	weir_acl_set_current(c);
}

void weir__acl_ctx_forget_current(const struct weir_acl_ctx *c)
{
	if (weir_acl_cur == weir__acl_reg_handle(&c->obj))
		weir_acl_set_current(NULL);
}

/* ------------------------------------------------------------------------ */
/* Contexts                                                                 */
/* ------------------------------------------------------------------------ */

/* Create a context (group + default stream) and publish it. */
aclError weir__acl_ctx_create(weir_runtime_t *rt, uint32_t dev, bool is_default,
                              struct weir_acl_ctx **out, const char *api)
{
	struct weir_acl_ctx *c = weir__calloc(1, sizeof *c);
	if (!c)
		return weir__acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION, api,
		                      "out of memory (context)");
	int st = weir_group_create(rt, dev, &c->group);
	if (st != WEIR_OK) {
		weir__free(c);
		return weir__acl_fail_weir(st, api, "cannot create the context's stream group");
	}
	st = weir_stream_create(c->group, WEIR_PRIORITY_HIGHEST, 0, &c->dstream);
	if (st != WEIR_OK) {
		weir_group_destroy(c->group);
		weir__free(c);
		return weir__acl_fail_weir(st, api, "cannot create the context's default stream");
	}
	c->device = dev;
	c->is_default = is_default;
	if (!weir__acl_reg_add(&c->obj, WEIR_ACL_OBJ_CTX)) {
		weir_group_destroy(c->group);
		weir__free(c);
		return weir__acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION, api,
		                      "out of memory (context handle)");
	}
	*out = c;
	return ACL_SUCCESS;
}

/* Unpublish a context: true if this call removed it (invariant 4). */
bool weir__acl_ctx_unpublish(struct weir_acl_ctx *c)
{
	weir__rcu_read_lock();
	bool won = weir__acl_reg_del_locked(&c->obj);
	weir__rcu_read_unlock();
	return won;
}

/* Destroy an unpublished context: drain its streams, then free it. Never
 * called with the facade lock held (draining may take long). */
int weir__acl_ctx_retire(struct weir_acl_ctx *c)
{
	weir__acl_stream_state_notify(c->dstream, ACL_RT_STREAM_STATE_DESTROY_PRE);
	int st = weir_group_destroy(c->group);
	weir__acl_reg_free_deferred(&c->obj);
	return st;
}

/* Validate a context handle and copy its fields. */
static bool weir_acl_ctx_lookup(const void *h, weir__acl_ctx_info_t *info)
{
	bool found = false;
	weir__rcu_read_lock();
	struct weir_acl_obj *o = weir__acl_reg_lookup_locked(h, WEIR_ACL_OBJ_CTX);
	if (o) {
		struct weir_acl_ctx *c = (struct weir_acl_ctx *)o;
		info->handle = weir__acl_reg_handle(&c->obj);
		info->group = c->group;
		info->dstream = c->dstream;
		info->device = c->device;
		info->is_default = c->is_default;
		found = true;
	}
	weir__rcu_read_unlock();
	return found;
}

/* ------------------------------------------------------------------------ */
/* Current context                                                          */
/* ------------------------------------------------------------------------ */

aclError weir__acl_current_context(weir__acl_ctx_info_t *info)
{
	if (!weir__acl_runtime()) {
		weir__acl_set_reason("aclInit has not been called (weir has no runtime yet)");
		return ACL_ERROR_UNINITIALIZE;
	}
	if (!weir_acl_cur) {
		aclError rc = weir__acl_device_implicit();
		if (rc != ACL_SUCCESS)
			return rc;
	}
	if (!weir_acl_cur) {
		weir__acl_set_reason("this thread has no current context "
		                     "(call aclrtSetDevice or aclrtSetCurrentContext first)");
		return ACL_ERROR_RT_CONTEXT_NULL;
	}
	if (!weir_acl_ctx_lookup(weir_acl_cur, info)) {
		weir_acl_set_current(NULL);
		weir__acl_set_reason(
		        "this thread's current context was destroyed or its device reset");
		return ACL_ERROR_RT_CONTEXT_NULL;
	}
	return ACL_SUCCESS;
}

aclError weir__acl_current_device(int32_t *dev)
{
	weir__acl_ctx_info_t info;
	aclError rc = weir__acl_current_context(&info);
	if (rc == ACL_SUCCESS)
		*dev = (int32_t)info.device;
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Context API                                                              */
/* ------------------------------------------------------------------------ */

ACL_FUNC_VISIBILITY aclError aclrtCreateContext(aclrtContext *context, int32_t deviceId)
{
	if (!context)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, "aclrtCreateContext",
		                      "context is NULL");
	weir_runtime_t *rt = weir__acl_runtime();
	aclError rc = weir__acl_device_check(rt, deviceId, "aclrtCreateContext");
	if (rc != ACL_SUCCESS)
		return rc;
	struct weir_acl_ctx *c;
	rc = weir__acl_ctx_create(rt, (uint32_t)deviceId, false, &c, "aclrtCreateContext");
	if (rc != ACL_SUCCESS)
		return rc;
	weir__acl_stream_state_notify(c->dstream, ACL_RT_STREAM_STATE_CREATE_POST);
	weir_acl_set_current(c);
	*context = weir__acl_reg_handle(&c->obj);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtDestroyContext(aclrtContext context)
{
	static const char api[] = "aclrtDestroyContext";
	weir__acl_ctx_info_t info;
	if (!context)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "context is NULL");
	if (!weir__acl_runtime())
		return weir__acl_fail(ACL_ERROR_UNINITIALIZE, api,
		                      "aclInit has not been called (weir has no runtime yet)");
	if (!weir_acl_ctx_lookup(context, &info))
		return weir__acl_fail(
		        ACL_ERROR_RT_PARAM_INVALID, api,
		        "context %p is not a live context (destroyed or never created)", context);
	if (info.is_default)
		return weir__acl_fail(ACL_ERROR_RT_CONTEXT_NULL, api,
		                      "context %p is device %u's default context; "
		                      "release it with aclrtResetDevice",
		                      context, (unsigned)info.device);
	/* Safe: the lookup found it, and only a caller that wins the removal
	 * (invariant 4) schedules its free. */
	weir__rcu_read_lock();
	struct weir_acl_obj *o = weir__acl_reg_lookup_locked(context, WEIR_ACL_OBJ_CTX);
	bool won = o && weir__acl_reg_del_locked(o);
	weir__rcu_read_unlock();
	if (!won)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "context %p was destroyed concurrently", context);
	struct weir_acl_ctx *c = (struct weir_acl_ctx *)o;
	if (weir_acl_cur == context) {
		/* fall back to the default context of the device last set */
		weir_acl_set_current(NULL);
		weir__acl_device_fallback_current();
	}
	int st = weir__acl_ctx_retire(c);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "draining the context's streams failed");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtSetCurrentContext(aclrtContext context)
{
	static const char api[] = "aclrtSetCurrentContext";
	if (!context)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "context is NULL");
	if (!weir__acl_runtime())
		return weir__acl_fail(ACL_ERROR_UNINITIALIZE, api,
		                      "aclInit has not been called (weir has no runtime yet)");
	weir__acl_ctx_info_t info;
	if (!weir_acl_ctx_lookup(context, &info))
		return weir__acl_fail(
		        ACL_ERROR_RT_PARAM_INVALID, api,
		        "context %p is not a live context (destroyed or never created)", context);
	weir_acl_cur = info.handle;
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtGetCurrentContext(aclrtContext *context)
{
	weir__acl_ctx_info_t info;
	if (!context)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, "aclrtGetCurrentContext",
		                      "context is NULL");
	WEIR__ACL_TRY("aclrtGetCurrentContext", weir__acl_current_context(&info));
	*context = info.handle;
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtCtxGetCurrentDefaultStream(aclrtStream *stream)
{
	weir__acl_ctx_info_t info;
	if (!stream)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, "aclrtCtxGetCurrentDefaultStream",
		                      "stream is NULL");
	WEIR__ACL_TRY("aclrtCtxGetCurrentDefaultStream", weir__acl_current_context(&info));
	*stream = info.dstream;
	return ACL_SUCCESS;
}

/* ------------------------------------------------------------------------ */
/* Stream resolution                                                        */
/* ------------------------------------------------------------------------ */

/* found != NULL: return inside a read-side section with the stream object
 * (weir__acl_resolve_stream_found). The stream is looked up once. */
static aclError weir_acl_resolve(aclrtStream s, weir_stream_t **out, bool check_ctx,
                                 struct weir_stream **found)
{
	weir__acl_ctx_info_t info;
	aclError rc;
	if (!s || check_ctx) {
		rc = weir__acl_current_context(&info);
		if (rc != ACL_SUCCESS)
			return rc;
		if (!s) {
			*out = info.dstream;
			if (found) {
				weir__rcu_read_lock();
				*found = weir__stream_find(info.dstream, NULL);
			}
			return ACL_SUCCESS;
		}
	} else if (!weir__acl_runtime()) {
		weir__acl_set_reason("aclInit has not been called (weir has no runtime yet)");
		return ACL_ERROR_UNINITIALIZE;
	}
	weir_group_t *g = NULL;
	weir__rcu_read_lock();
	struct weir_stream *st = weir__stream_find((weir_stream_t *)s, &g);
	if (!st) {
		weir__rcu_read_unlock();
		weir__acl_set_reason("stream %p is not a live stream (destroyed or never created)",
		                     s);
		return ACL_ERROR_RT_INVALID_HANDLE;
	}
	if (check_ctx && g != info.group) {
		weir__rcu_read_unlock();
		weir__acl_set_reason("stream %p belongs to another context than this thread's "
		                     "current one (device %u)",
		                     s, (unsigned)info.device);
		return ACL_ERROR_RT_STREAM_CONTEXT;
	}
	*out = (weir_stream_t *)s;
	if (found)
		*found = st;
	else
		weir__rcu_read_unlock();
	return ACL_SUCCESS;
}

aclError weir__acl_resolve_stream(aclrtStream s, weir_stream_t **out)
{
	return weir_acl_resolve(s, out, true, NULL);
}

aclError weir__acl_resolve_stream_found(aclrtStream s, weir_stream_t **out,
                                        struct weir_stream **found)
{
	return weir_acl_resolve(s, out, true, found);
}

aclError weir__acl_resolve_stream_any(aclrtStream s, weir_stream_t **out)
{
	return weir_acl_resolve(s, out, false, NULL);
}
