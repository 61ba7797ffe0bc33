/*
 * acl_compat/mdl/capture.c - aclmdlRI*: the facade's RI table, capture of
 * streams into a model runtime instance (RI), task groups and updates,
 * replay, abort, destroy (with its callbacks), names and ids. Built RIs:
 * mdl/build.c; recorded tasks and dumps: mdl/task.c; conditional tasks:
 * mdl/cond.c; shared declarations: mdl/mdl.h.
 *
 * Handles. An aclmdlRI is the native weir_ri_t pointer itself: weir
 * validates it on every call (a destroyed or garbage value gives
 * WEIR_EHANDLE -> 107017, never a dereference), as for aclrtStream. An
 * aclrtTaskGrp is the native weir_ri_group_t pointer. aclmdlRITask and
 * aclmdlRICondHandle are facade objects owned by their RI (freed with it);
 * a value is looked up in the RI table below before it is dereferenced, so
 * a stale or garbage handle gives 107017.
 *
 * The RI table: the facade's own record of every RI made through it (a
 * capture, a build, a conditional body): its name, destroy callbacks,
 * condition words, task objects, the thread and mode of a capture begun
 * here, and the stream aclmdlRIExecute replays on. One mutex guards it
 * (weir__acl_mdl_mu, never held while waiting on a stream; native calls made
 * under it never wait either). Lock order: the facade lock (aclFinalize)
 * before weir__acl_mdl_mu; nothing under weir__acl_mdl_mu takes the facade
 * lock.
 */
#include "acl_compat/mdl/mdl.h"
#include "base/alloc.h"
#include "weir/mem.h"

#include <stdlib.h>
#include <string.h>

pthread_mutex_t weir__acl_mdl_mu = PTHREAD_MUTEX_INITIALIZER;
struct weir_acl_ri *weir__acl_mdl_ris; /* L */

/* ------------------------------------------------------------------------ */
/* The RI table                                                              */
/* ------------------------------------------------------------------------ */

/* Locked. */
struct weir_acl_ri *weir__acl_mdl_find_locked(const void *ri)
{
	for (struct weir_acl_ri *e = weir__acl_mdl_ris; e; e = e->next)
		if (e->ri == ri)
			return e;
	return NULL;
}

/* Link a new entry for ri (locked). NULL: out of memory. */
struct weir_acl_ri *weir__acl_mdl_add_locked(weir_ri_t *ri, uint32_t device, bool built,
                                             struct weir_acl_ri *parent)
{
	struct weir_acl_ri *e = weir__calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->ri = ri;
	e->device = device;
	e->built = built;
	e->parent = parent;
	e->next = weir__acl_mdl_ris;
	weir__acl_mdl_ris = e;
	return e;
}

/* Unlink e (locked) and hand back its resources for freeing outside. */
static void weir_acl_ri_unlink_locked(struct weir_acl_ri *e)
{
	for (struct weir_acl_ri **pp = &weir__acl_mdl_ris; *pp; pp = &(*pp)->next)
		if (*pp == e) {
			*pp = e->next;
			return;
		}
}

/* Free a record that left the table (its condition words were buried):
 * its task and condition handles stop resolving now. */
static void weir_acl_ri_free(struct weir_acl_ri *e)
{
	for (struct weir_acl_ri_task *t = e->tasks, *n; t; t = n) {
		n = t->next;
		if (weir__acl_kobj_unpublish(&t->ko))
			weir__acl_kobj_put(&t->ko); /* the handle's reference */
	}
	for (struct weir_acl_ri_cond *c = e->conds, *n; c; c = n) {
		n = c->next;
		if (weir__acl_kobj_unpublish(&c->ko))
			weir__acl_kobj_put(&c->ko);
	}
	for (struct weir_acl_ri_cb *c = e->cbs, *n; c; c = n) {
		n = c->next;
		weir__free(c);
	}
	weir__free(e);
}

/* The entry of a live RI handle, made on first sight for an RI that did not
 * come through the facade (locked). ACL_SUCCESS or the code, reason set. */
aclError weir__acl_mdl_get_locked(aclmdlRI ri, struct weir_acl_ri **out)
{
	weir_ri_info_t inf;
	if (!ri) {
		weir__acl_set_reason("modelRI is NULL");
		return ACL_ERROR_INVALID_PARAM;
	}
	int st = weir_ri_info((weir_ri_t *)ri, &inf);
	if (st != WEIR_OK) {
		weir__acl_set_reason("modelRI %p is not a live model (%s)", ri,
		                     weir_status_name(st));
		return weir__acl_from_weir(st);
	}
	struct weir_acl_ri *e = weir__acl_mdl_find_locked(ri);
	if (!e) {
		/* Its device: its origin stream's (no facade lock here: aclFinalize
		 * takes weir__acl_mdl_mu under it). */
		uint32_t dev = 0;
		weir_stream_t *s0 = NULL;
		if (weir_ri_stream((weir_ri_t *)ri, 0, &s0) != WEIR_OK ||
		    weir_stream_device(s0, &dev) != WEIR_OK)
			dev = 0;
		e = weir__acl_mdl_add_locked((weir_ri_t *)ri, dev, false, NULL);
		if (!e) {
			weir__acl_set_reason("out of memory");
			return ACL_ERROR_RT_MEMORY_ALLOCATION;
		}
	}
	*out = e;
	return ACL_SUCCESS;
}

/* Check the handle of an RI for a call that needs only the native object. */
aclError weir__acl_mdl_check(aclmdlRI ri, const char *api)
{
	weir_ri_info_t inf;
	if (!ri)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "modelRI is NULL");
	int st = weir_ri_info((weir_ri_t *)ri, &inf);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "modelRI");
	return ACL_SUCCESS;
}

void weir__acl_mdl_teardown(void)
{
	pthread_mutex_lock(&weir__acl_mdl_mu);
	struct weir_acl_ri *e = weir__acl_mdl_ris;
	weir__acl_mdl_ris = NULL;
	pthread_mutex_unlock(&weir__acl_mdl_mu);
	/* The runtime and memory are gone: the RIs, streams and condition
	 * words died with them; only the facade's records are left. */
	pthread_mutex_lock(&weir__acl_mdl_mu);
	for (struct weir_acl_ri *x = e; x; x = x->next)
		weir__acl_mdl_bury_locked(x);
	pthread_mutex_unlock(&weir__acl_mdl_mu);
	weir__acl_mdl_sweep(NULL, true); /* the words died with the memory */
	while (e) {
		struct weir_acl_ri *n = e->next;
		weir_acl_ri_free(e);
		e = n;
	}
}

static aclError weir_acl_capture_mode(int mode, const char *api)
{
	if (mode < ACL_MODEL_RI_CAPTURE_MODE_GLOBAL || mode > ACL_MODEL_RI_CAPTURE_MODE_RELAXED)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "mode %d is not an "
		                      "aclmdlRICaptureMode",
		                      mode);
	return ACL_SUCCESS;
}

aclError weir__acl_capture_unsafe(const char *api)
{
	if (weir_capture_unsafe_call() == WEIR_ECAPTURE)
		return weir__acl_fail(ACL_ERROR_RT_CAPTURE_MODE_NOT_SUPPORT, api,
		                      "not permitted while a stream is being captured (this "
		                      "thread's capture mode forbids it; see "
		                      "aclmdlRICaptureThreadExchangeMode)");
	return ACL_SUCCESS;
}

/* ------------------------------------------------------------------------ */
/* Capture                                                                   */
/* ------------------------------------------------------------------------ */

static aclError weir_acl_capture_start(aclrtStream stream, aclmdlRI into, aclmdlRICaptureMode mode,
                                       const char *api)
{
	weir_stream_t *s;
	aclError rc = weir_acl_capture_mode((int)mode, api);
	if (rc != ACL_SUCCESS)
		return rc;
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &s));
	int32_t dev = 0;
	WEIR__ACL_TRY(api, weir__acl_current_device(&dev));
	pthread_mutex_lock(&weir__acl_mdl_mu);
	struct weir_acl_ri *e = NULL;
	if (into) {
		rc = weir__acl_mdl_get_locked(into, &e);
		if (rc != ACL_SUCCESS) {
			pthread_mutex_unlock(&weir__acl_mdl_mu);
			return weir__acl_fail(rc, api, "%s", weir__acl_reason());
		}
	}
	int st = into ? weir_capture_begin_into(s, (weir_ri_t *)into, (int)mode)
	              : weir_capture_begin(s, (int)mode);
	if (st != WEIR_OK) {
		pthread_mutex_unlock(&weir__acl_mdl_mu);
		if (st == WEIR_ESTATE)
			return weir__acl_fail(
			        ACL_ERROR_RT_STREAM_CAPTURED, api,
			        into ? "the stream captures already, or modelRI %p is "
			               "not an empty conditional body"
			             : "stream %p captures already",
			        into ? into : stream);
		return weir__acl_fail_weir(st, api, "beginning the capture");
	}
	if (!e) {
		weir_ri_t *ri = NULL;
		(void)weir_capture_ri(s, &ri);
		e = weir__acl_mdl_find_locked(ri);
		if (!e)
			e = weir__acl_mdl_add_locked(ri, (uint32_t)dev, false, NULL);
		if (!e) {
			weir_ri_t *drop = NULL;
			if (weir_capture_end(s, &drop) == WEIR_OK)
				(void)weir_ri_destroy(drop);
			pthread_mutex_unlock(&weir__acl_mdl_mu);
			return weir__acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION, api, "out of memory");
		}
	}
	e->capturing = true;
	e->origin = s;
	e->thread = pthread_self();
	e->mode = (int)mode;
	pthread_mutex_unlock(&weir__acl_mdl_mu);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclmdlRICaptureBegin(aclrtStream stream, aclmdlRICaptureMode mode)
{
	return weir_acl_capture_start(stream, NULL, mode, "aclmdlRICaptureBegin");
}

ACL_FUNC_VISIBILITY aclError aclmdlRICaptureToModelRIBegin(aclrtStream stream, aclmdlRI modelRI,
                                                           aclmdlRICaptureMode mode)
{
	static const char api[] = "aclmdlRICaptureToModelRIBegin";
	if (!modelRI)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "modelRI is NULL");
	return weir_acl_capture_start(stream, modelRI, mode, api);
}

ACL_FUNC_VISIBILITY aclError aclmdlRICaptureGetInfo(aclrtStream stream,
                                                    aclmdlRICaptureStatus *status,
                                                    aclmdlRI *modelRI)
{
	static const char api[] = "aclmdlRICaptureGetInfo";
	weir_stream_t *s;
	if (!status || !modelRI)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      status ? "modelRI" : "status");
	WEIR__ACL_TRY(api, weir__acl_resolve_stream_any(stream, &s));
	int cs = WEIR_CAPTURE_NONE;
	int st = weir_capture_status(s, &cs, NULL);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "capture status");
	weir_ri_t *ri = NULL;
	if (cs != WEIR_CAPTURE_NONE && weir_capture_ri(s, &ri) != WEIR_OK)
		ri = NULL;
	*status = (aclmdlRICaptureStatus)cs;
	*modelRI = ri;
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclmdlRICaptureEnd(aclrtStream stream, aclmdlRI *modelRI)
{
	static const char api[] = "aclmdlRICaptureEnd";
	weir_stream_t *s;
	if (!modelRI)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "modelRI is NULL");
	WEIR__ACL_TRY(api, weir__acl_resolve_stream_any(stream, &s));
	weir_ri_t *cur = NULL;
	int st = weir_capture_ri(s, &cur);
	if (st == WEIR_ESTATE)
		return weir__acl_fail(ACL_ERROR_RT_STREAM_NOT_CAPTURED, api,
		                      "stream %p is not being captured", stream);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "capture of the stream");
	pthread_mutex_lock(&weir__acl_mdl_mu);
	struct weir_acl_ri *e = weir__acl_mdl_find_locked(cur);
	if (e && e->capturing && e->origin != s) {
		pthread_mutex_unlock(&weir__acl_mdl_mu);
		return weir__acl_fail(ACL_ERROR_RT_STREAM_CAPTURE_UNMATCHED, api,
		                      "stream %p only joined the capture; end it on the stream "
		                      "that began it",
		                      stream);
	}
	if (e && e->capturing && e->mode != WEIR_CAPTURE_RELAXED &&
	    !pthread_equal(e->thread, pthread_self())) {
		pthread_mutex_unlock(&weir__acl_mdl_mu);
		return weir__acl_fail(ACL_ERROR_RT_STREAM_CAPTURE_WRONG_THREAD, api,
		                      "the capture was begun by another thread in a non-RELAXED "
		                      "mode; it goes on");
	}
	weir_ri_t *ri = NULL;
	st = weir_capture_end(s, &ri);
	struct weir_acl_ri *drop = NULL;
	if (e)
		e->capturing = false;
	if (st != WEIR_OK && e && !e->parent) {
		/* The capture is over and nothing was kept. */
		weir_acl_ri_unlink_locked(e);
		weir__acl_mdl_bury_locked(e);
		drop = e;
	}
	pthread_mutex_unlock(&weir__acl_mdl_mu);
	if (drop) {
		weir_acl_ri_free(drop);
		weir__acl_mdl_sweep(weir__acl_mem(), false);
	}
	switch (st) {
	case WEIR_OK: *modelRI = ri; return ACL_SUCCESS;
	case WEIR_ECAPTURE:
		return weir__acl_fail(ACL_ERROR_RT_CAPTURE_DEPENDENCY, api,
		                      "a stream of the capture waited on an event of another "
		                      "capture; the capture is over (weir %s)",
		                      weir_status_name(st));
	case WEIR_EINVALIDATED:
		return weir__acl_fail(ACL_ERROR_RT_STREAM_CAPTURE_INVALIDATED, api,
		                      "an illegal call (a sync or query of a captured stream or "
		                      "event) invalidated the capture; it is over");
	case WEIR_EUNJOINED:
		return weir__acl_fail(ACL_ERROR_RT_STREAM_UNJOINED, api,
		                      "a stream that joined the capture was not joined back to "
		                      "the origin stream (record an event on it, wait on it "
		                      "from the origin); the capture is over");
	case WEIR_EINVAL:
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "a conditional body holds a task that cannot run inline "
		                      "(only kernels, value writes, control tasks)");
	default: return weir__acl_fail_weir(st, api, "ending the capture");
	}
}

ACL_FUNC_VISIBILITY aclError aclmdlRICaptureThreadExchangeMode(aclmdlRICaptureMode *mode)
{
	static const char api[] = "aclmdlRICaptureThreadExchangeMode";
	if (!mode)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "mode is NULL");
	aclError rc = weir_acl_capture_mode((int)*mode, api);
	if (rc != ACL_SUCCESS)
		return rc;
	int m = (int)*mode;
	int st = weir_capture_thread_exchange_mode(&m);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "exchanging the mode");
	*mode = (aclmdlRICaptureMode)m;
	return ACL_SUCCESS;
}

/* ------------------------------------------------------------------------ */
/* Task groups and updates                                                    */
/* ------------------------------------------------------------------------ */

ACL_FUNC_VISIBILITY aclError aclmdlRICaptureTaskGrpBegin(aclrtStream stream)
{
	static const char api[] = "aclmdlRICaptureTaskGrpBegin";
	weir_stream_t *s;
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &s));
	int st = weir_capture_group_begin(s);
	if (st == WEIR_ESTATE)
		return weir__acl_fail(ACL_ERROR_STREAM_TASK_GROUP_STATUS, api,
		                      "stream %p is not capturing, or a task group is open on it",
		                      stream);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "task group begin");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclmdlRICaptureTaskGrpEnd(aclrtStream stream, aclrtTaskGrp *handle)
{
	static const char api[] = "aclmdlRICaptureTaskGrpEnd";
	weir_stream_t *s;
	if (!handle)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "handle is NULL");
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &s));
	weir_ri_group_t *g = NULL;
	int st = weir_capture_group_end(s, &g);
	if (st == WEIR_ENOTSUP)
		return weir__acl_fail(ACL_ERROR_RT_TASK_TYPE_NOT_SUPPORT, api,
		                      "a task group holds kernel tasks only; the group is dropped "
		                      "and its tasks stay in the model");
	if (st == WEIR_EINVAL)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api, "the task group is empty");
	if (st == WEIR_ESTATE)
		return weir__acl_fail(ACL_ERROR_STREAM_TASK_GROUP_STATUS, api,
		                      "no task group is open on stream %p", stream);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "task group end");
	*handle = g;
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclmdlRICaptureTaskUpdateBegin(aclrtStream stream, aclrtTaskGrp handle)
{
	static const char api[] = "aclmdlRICaptureTaskUpdateBegin";
	weir_stream_t *s;
	if (!handle)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "handle is NULL");
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &s));
	int st = weir_ri_update_begin(s, (weir_ri_group_t *)handle);
	if (st == WEIR_EBUSY)
		return weir__acl_fail(ACL_ERROR_STREAM_TASK_GROUP_STATUS, api,
		                      "task group %p is being updated already", handle);
	if (st == WEIR_ESTATE)
		return weir__acl_fail(ACL_ERROR_STREAM_TASK_GROUP_STATUS, api,
		                      "stream %p captures or updates already", stream);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "task update begin");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclmdlRICaptureTaskUpdateEnd(aclrtStream stream)
{
	static const char api[] = "aclmdlRICaptureTaskUpdateEnd";
	weir_stream_t *s;
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &s));
	int st = weir_ri_update_end(s);
	if (st == WEIR_EINVAL || st == WEIR_ENOTSUP)
		return weir__acl_fail(ACL_ERROR_RT_MODEL_UPDATE_FAILED, api,
		                      "the tasks pushed during the update do not match the group's "
		                      "(count and kinds); the group is unchanged");
	if (st == WEIR_ESTATE)
		return weir__acl_fail(ACL_ERROR_STREAM_TASK_GROUP_STATUS, api,
		                      "stream %p is not updating a task group", stream);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "task update end");
	return ACL_SUCCESS;
}

/* ------------------------------------------------------------------------ */
/* Replay and life cycle                                                     */
/* ------------------------------------------------------------------------ */

static aclError weir_acl_replay_fail(int st, const char *api)
{
	if (st == WEIR_ECAPTURE)
		return weir__acl_fail(ACL_ERROR_RT_STREAM_CAPTURED, api,
		                      "the stream is being captured: a model cannot be replayed "
		                      "on it");
	if (st == WEIR_ESTATE)
		return weir__acl_fail(ACL_ERROR_RT_MODEL_CAPTURED, api,
		                      "the model is still being captured or built");
	return weir__acl_fail_weir(st, api, "replaying the model");
}

ACL_FUNC_VISIBILITY aclError aclmdlRIExecuteAsync(aclmdlRI modelRI, aclrtStream stream)
{
	static const char api[] = "aclmdlRIExecuteAsync";
	weir_stream_t *s;
	aclError rc = weir__acl_mdl_check(modelRI, api);
	if (rc != ACL_SUCCESS)
		return rc;
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &s));
	int st = weir_ri_replay((weir_ri_t *)modelRI, s);
	if (st != WEIR_OK)
		return weir_acl_replay_fail(st, api);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclmdlRIExecute(aclmdlRI modelRI, int32_t timeout)
{
	static const char api[] = "aclmdlRIExecute";
	int64_t ns;
	weir__acl_ctx_info_t info;
	WEIR__ACL_TRY(api, weir__acl_timeout_ns(timeout, &ns));
	WEIR__ACL_TRY(api, weir__acl_current_context(&info));
	pthread_mutex_lock(&weir__acl_mdl_mu);
	struct weir_acl_ri *e = NULL;
	aclError rc = weir__acl_mdl_get_locked(modelRI, &e);
	if (rc != ACL_SUCCESS) {
		pthread_mutex_unlock(&weir__acl_mdl_mu);
		return weir__acl_fail(rc, api, "%s", weir__acl_reason());
	}
	/* The facade's own stream for this RI, in the calling thread's
	 * context; remade when the context differs from the last call's. */
	weir_stream_t *old = NULL;
	if (e->exec && e->exec_group != info.group) {
		old = e->exec;
		e->exec = NULL;
	}
	int st = WEIR_OK;
	if (!e->exec) {
		st = weir_stream_create(info.group, 0, 0, &e->exec);
		if (st == WEIR_OK)
			e->exec_group = info.group;
		else
			e->exec = NULL;
	}
	weir_stream_t *s = e->exec;
	pthread_mutex_unlock(&weir__acl_mdl_mu);
	if (old)
		(void)weir_stream_destroy_force(old);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "creating the execution stream");
	st = weir_ri_replay((weir_ri_t *)modelRI, s);
	if (st != WEIR_OK)
		return weir_acl_replay_fail(st, api);
	int code = 0;
	st = weir_stream_sync_code(s, ns, &code);
	if (st != WEIR_OK)
		return weir__acl_fail_weir_code(st, code, api, "waiting for the model");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclmdlRIAbort(aclmdlRI modelRI)
{
	static const char api[] = "aclmdlRIAbort";
	aclError rc = weir__acl_mdl_check(modelRI, api);
	if (rc != ACL_SUCCESS)
		return rc;
	int st = weir_ri_abort((weir_ri_t *)modelRI);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "aborting the model's replays");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclmdlRIDestroy(aclmdlRI modelRI)
{
	static const char api[] = "aclmdlRIDestroy";
	aclError rc = weir__acl_mdl_check(modelRI, api);
	if (rc != ACL_SUCCESS)
		return rc;
	pthread_mutex_lock(&weir__acl_mdl_mu);
	struct weir_acl_ri *e = weir__acl_mdl_find_locked(modelRI);
	if (e && e->parent) {
		pthread_mutex_unlock(&weir__acl_mdl_mu);
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "modelRI %p is a conditional body, destroyed with the model "
		                      "that holds it",
		                      modelRI);
	}
	int st = weir_ri_destroy((weir_ri_t *)modelRI);
	if (st != WEIR_OK) {
		pthread_mutex_unlock(&weir__acl_mdl_mu);
		return weir__acl_fail_weir(st, api, "destroying the model");
	}
	/* Unlink the entry and its conditional bodies' (destroyed with it);
	 * their condition words wait for the RI's last replay. */
	struct weir_acl_ri *gone = NULL;
	if (e) {
		weir_acl_ri_unlink_locked(e);
		e->next = NULL;
		gone = e;
		for (struct weir_acl_ri **pp = &weir__acl_mdl_ris; *pp;) {
			struct weir_acl_ri *b = *pp;
			bool child = false;
			for (struct weir_acl_ri *p = b->parent; p; p = p->parent)
				if (p == e)
					child = true;
			if (child) {
				*pp = b->next;
				b->next = gone;
				gone = b;
			} else {
				pp = &b->next;
			}
		}
	}
	for (struct weir_acl_ri *x = gone; x; x = x->next)
		weir__acl_mdl_bury_locked(x);
	pthread_mutex_unlock(&weir__acl_mdl_mu);
	/* Callbacks first (the user may still look at what they registered),
	 * then the facade's resources. */
	while (gone) {
		struct weir_acl_ri *n = gone->next;
		for (struct weir_acl_ri_cb *c = gone->cbs; c; c = c->next)
			c->fn(c->user);
		if (gone->exec)
			(void)weir_stream_destroy_force(gone->exec);
		weir_acl_ri_free(gone);
		gone = n;
	}
	weir__acl_mdl_sweep(weir__acl_mem(), false);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclmdlRIDestroyRegisterCallback(aclmdlRI modelRI, aclrtCallback func,
                                                             void *userData)
{
	static const char api[] = "aclmdlRIDestroyRegisterCallback";
	if (!func)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "func is NULL");
	struct weir_acl_ri_cb *c = weir__calloc(1, sizeof(*c));
	if (!c)
		return weir__acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION, api, "out of memory");
	c->fn = func;
	c->user = userData;
	pthread_mutex_lock(&weir__acl_mdl_mu);
	struct weir_acl_ri *e = NULL;
	aclError rc = weir__acl_mdl_get_locked(modelRI, &e);
	if (rc == ACL_SUCCESS) {
		c->next = e->cbs;
		e->cbs = c;
	}
	pthread_mutex_unlock(&weir__acl_mdl_mu);
	if (rc != ACL_SUCCESS) {
		weir__free(c);
		return weir__acl_fail(rc, api, "%s", weir__acl_reason());
	}
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclmdlRIDestroyUnregisterCallback(aclmdlRI modelRI, aclrtCallback func)
{
	static const char api[] = "aclmdlRIDestroyUnregisterCallback";
	if (!func)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "func is NULL");
	pthread_mutex_lock(&weir__acl_mdl_mu);
	struct weir_acl_ri *e = NULL;
	aclError rc = weir__acl_mdl_get_locked(modelRI, &e);
	struct weir_acl_ri_cb *gone = NULL;
	if (rc == ACL_SUCCESS)
		for (struct weir_acl_ri_cb **pp = &e->cbs; *pp; pp = &(*pp)->next)
			if ((*pp)->fn == func) {
				gone = *pp;
				*pp = gone->next;
				break;
			}
	pthread_mutex_unlock(&weir__acl_mdl_mu);
	if (rc != ACL_SUCCESS)
		return weir__acl_fail(rc, api, "%s", weir__acl_reason());
	if (!gone)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "func %p is not registered on modelRI %p", (void *)func,
		                      modelRI);
	weir__free(gone);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclmdlRISetName(aclmdlRI modelRI, const char *name)
{
	static const char api[] = "aclmdlRISetName";
	if (!name)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "name is NULL");
	size_t n = strlen(name);
	if (n >= WEIR_ACL_RI_NAME_MAX)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "name is %zu bytes long; at most %d", n,
		                      WEIR_ACL_RI_NAME_MAX - 1);
	pthread_mutex_lock(&weir__acl_mdl_mu);
	struct weir_acl_ri *e = NULL;
	aclError rc = weir__acl_mdl_get_locked(modelRI, &e);
	if (rc == ACL_SUCCESS)
		memcpy(e->name, name, n + 1);
	pthread_mutex_unlock(&weir__acl_mdl_mu);
	if (rc != ACL_SUCCESS)
		return weir__acl_fail(rc, api, "%s", weir__acl_reason());
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclmdlRIGetName(aclmdlRI modelRI, uint32_t maxLen, char *name)
{
	static const char api[] = "aclmdlRIGetName";
	if (!name || maxLen == 0)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s",
		                      name ? "maxLen is 0" : "name is NULL");
	pthread_mutex_lock(&weir__acl_mdl_mu);
	struct weir_acl_ri *e = NULL;
	aclError rc = weir__acl_mdl_get_locked(modelRI, &e);
	size_t n = 0;
	if (rc == ACL_SUCCESS) {
		n = strlen(e->name);
		if (n < maxLen)
			memcpy(name, e->name, n + 1);
	}
	pthread_mutex_unlock(&weir__acl_mdl_mu);
	if (rc != ACL_SUCCESS)
		return weir__acl_fail(rc, api, "%s", weir__acl_reason());
	if (n >= maxLen)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "the name needs %zu bytes; maxLen is %u", n + 1,
		                      (unsigned)maxLen);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclmdlRIGetId(aclmdlRI modelRI, uint32_t *modelRIId)
{
	static const char api[] = "aclmdlRIGetId";
	if (!modelRIId)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "modelRIId is NULL");
	if (!modelRI)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "modelRI is NULL");
	weir_ri_info_t inf;
	int st = weir_ri_info((weir_ri_t *)modelRI, &inf);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "modelRI");
	*modelRIId = inf.id;
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclmdlRIUpdate(aclmdlRI modelRI)
{
	static const char api[] = "aclmdlRIUpdate";
	aclError rc = weir__acl_mdl_check(modelRI, api);
	if (rc != ACL_SUCCESS)
		return rc;
	int st = weir_ri_update((weir_ri_t *)modelRI);
	if (st == WEIR_EBUSY)
		return weir__acl_fail(ACL_ERROR_RT_MODEL_RUNNING, api,
		                      "a replay of the model is in flight; synchronize first");
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "applying the staged task changes");
	return ACL_SUCCESS;
}
