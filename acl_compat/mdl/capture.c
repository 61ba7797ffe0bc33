/*
 * acl_compat/mdl/capture.c - aclmdlRI*: capture of streams into a model
 * runtime instance (RI), RIs built from bound persistent streams, replay,
 * recorded tasks and their parameters, task groups and updates, conditional
 * tasks, debug dumps.
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
 * (weir_acl_mdl_mu, never held while waiting on a stream; native calls made
 * under it never wait either). Lock order: the facade lock (aclFinalize)
 * before weir_acl_mdl_mu; nothing under weir_acl_mdl_mu takes the facade lock.
 *
 * Guard legend: I immutable after the entry is linked; L weir_acl_mdl_mu.
 */
#include "acl_compat/acl_internal.h"
#include "acl_compat/acl_state.h"
#include "weir/mem.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WEIR_ACL_RI_NAME_MAX 128

struct weir_acl_ri;

struct weir_acl_ri_task {
	struct weir_acl_ri *owner;     /* I */
	uint32_t stream;               /* I: captured-stream index (0: origin) */
	uint32_t seq;                  /* I */
	struct weir_acl_ri_task *next; /* L */
};

struct weir_acl_ri_cond {
	struct weir_acl_ri *owner;     /* I */
	uint64_t *word;                /* I: device memory (weir_mem_alloc) */
	struct weir_acl_ri_cond *next; /* L */
};

struct weir_acl_ri_cb {
	aclrtCallback fn;
	void *user;
	struct weir_acl_ri_cb *next;
};

struct weir_acl_ri {
	weir_ri_t *ri;              /* I */
	uint32_t device;            /* I: the device of the context that made it */
	bool built;                 /* I: aclmdlRIBuildBegin */
	struct weir_acl_ri *parent; /* I: a conditional body's owner, else NULL */
	/* A capture begun through the facade (aclmdlRICaptureBegin /
	 * ToModelRIBegin) and not ended yet: */
	bool capturing;                  /* L */
	weir_stream_t *origin;           /* L */
	pthread_t thread;                /* L */
	int mode;                        /* L: WEIR_CAPTURE_* */
	char name[WEIR_ACL_RI_NAME_MAX]; /* L */
	struct weir_acl_ri_cb *cbs;      /* L */
	struct weir_acl_ri_cond *conds;  /* L */
	struct weir_acl_ri_task *tasks;  /* L */
	weir_group_t *exec_group;        /* L: the group exec was made in */
	weir_stream_t *exec;             /* L: aclmdlRIExecute's stream */
	struct weir_acl_ri *next;        /* L */
};

static pthread_mutex_t weir_acl_mdl_mu = PTHREAD_MUTEX_INITIALIZER;
static struct weir_acl_ri *weir_acl_ris; /* L: newest first */

/* ------------------------------------------------------------------------ */
/* The RI table                                                              */
/* ------------------------------------------------------------------------ */

/* Locked. */
static struct weir_acl_ri *weir_acl_ri_find_locked(const void *ri)
{
	for (struct weir_acl_ri *e = weir_acl_ris; e; e = e->next)
		if (e->ri == ri)
			return e;
	return NULL;
}

/* Link a new entry for ri (locked). NULL: out of memory. */
static struct weir_acl_ri *weir_acl_ri_add_locked(weir_ri_t *ri, uint32_t device, bool built,
                                                  struct weir_acl_ri *parent)
{
	struct weir_acl_ri *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->ri = ri;
	e->device = device;
	e->built = built;
	e->parent = parent;
	e->next = weir_acl_ris;
	weir_acl_ris = e;
	return e;
}

/* Unlink e (locked) and hand back its resources for freeing outside. */
static void weir_acl_ri_unlink_locked(struct weir_acl_ri *e)
{
	for (struct weir_acl_ri **pp = &weir_acl_ris; *pp; pp = &(*pp)->next)
		if (*pp == e) {
			*pp = e->next;
			return;
		}
}

static void weir_acl_ri_free(struct weir_acl_ri *e, weir_mem_t *m)
{
	for (struct weir_acl_ri_task *t = e->tasks, *n; t; t = n) {
		n = t->next;
		free(t);
	}
	for (struct weir_acl_ri_cond *c = e->conds, *n; c; c = n) {
		n = c->next;
		if (m)
			(void)weir_mem_free(m, c->word);
		free(c);
	}
	for (struct weir_acl_ri_cb *c = e->cbs, *n; c; c = n) {
		n = c->next;
		free(c);
	}
	free(e);
}

/* The entry of a live RI handle, made on first sight for an RI that did not
 * come through the facade (locked). ACL_SUCCESS or the code, reason set. */
static aclError weir_acl_ri_get_locked(aclmdlRI ri, struct weir_acl_ri **out)
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
	struct weir_acl_ri *e = weir_acl_ri_find_locked(ri);
	if (!e) {
		/* Its device: its origin stream's (no facade lock here: aclFinalize
		 * takes weir_acl_mdl_mu under it). */
		uint32_t dev = 0;
		weir_stream_t *s0 = NULL;
		if (weir_ri_stream((weir_ri_t *)ri, 0, &s0) != WEIR_OK ||
		    weir_stream_device(s0, &dev) != WEIR_OK)
			dev = 0;
		e = weir_acl_ri_add_locked((weir_ri_t *)ri, dev, false, NULL);
		if (!e) {
			weir__acl_set_reason("out of memory");
			return ACL_ERROR_RT_MEMORY_ALLOCATION;
		}
	}
	*out = e;
	return ACL_SUCCESS;
}

/* Check the handle of an RI for a call that needs only the native object. */
static aclError weir_acl_ri_check(aclmdlRI ri, const char *api)
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
	pthread_mutex_lock(&weir_acl_mdl_mu);
	struct weir_acl_ri *e = weir_acl_ris;
	weir_acl_ris = NULL;
	pthread_mutex_unlock(&weir_acl_mdl_mu);
	/* The runtime and memory are gone: the RIs, streams and condition
	 * words died with them; only the facade's records are left. */
	while (e) {
		struct weir_acl_ri *n = e->next;
		for (struct weir_acl_ri_cond *c = e->conds; c; c = c->next)
			c->word = NULL;
		weir_acl_ri_free(e, NULL);
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
	pthread_mutex_lock(&weir_acl_mdl_mu);
	struct weir_acl_ri *e = NULL;
	if (into) {
		rc = weir_acl_ri_get_locked(into, &e);
		if (rc != ACL_SUCCESS) {
			pthread_mutex_unlock(&weir_acl_mdl_mu);
			return weir__acl_fail(rc, api, "%s", weir__acl_reason());
		}
	}
	int st = into ? weir_capture_begin_into(s, (weir_ri_t *)into, (int)mode)
	              : weir_capture_begin(s, (int)mode);
	if (st != WEIR_OK) {
		pthread_mutex_unlock(&weir_acl_mdl_mu);
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
		e = weir_acl_ri_find_locked(ri);
		if (!e)
			e = weir_acl_ri_add_locked(ri, (uint32_t)dev, false, NULL);
		if (!e) {
			weir_ri_t *drop = NULL;
			if (weir_capture_end(s, &drop) == WEIR_OK)
				(void)weir_ri_destroy(drop);
			pthread_mutex_unlock(&weir_acl_mdl_mu);
			return weir__acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION, api, "out of memory");
		}
	}
	e->capturing = true;
	e->origin = s;
	e->thread = pthread_self();
	e->mode = (int)mode;
	pthread_mutex_unlock(&weir_acl_mdl_mu);
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
	pthread_mutex_lock(&weir_acl_mdl_mu);
	struct weir_acl_ri *e = weir_acl_ri_find_locked(cur);
	if (e && e->capturing && e->origin != s) {
		pthread_mutex_unlock(&weir_acl_mdl_mu);
		return weir__acl_fail(ACL_ERROR_RT_STREAM_CAPTURE_UNMATCHED, api,
		                      "stream %p only joined the capture; end it on the stream "
		                      "that began it",
		                      stream);
	}
	if (e && e->capturing && e->mode != WEIR_CAPTURE_RELAXED &&
	    !pthread_equal(e->thread, pthread_self())) {
		pthread_mutex_unlock(&weir_acl_mdl_mu);
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
		drop = e;
	}
	pthread_mutex_unlock(&weir_acl_mdl_mu);
	if (drop)
		weir_acl_ri_free(drop, weir__acl_mem());
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
	if (st == WEIR_EINVAL)
		return weir__acl_fail(ACL_ERROR_RT_TASK_TYPE_NOT_SUPPORT, api,
		                      "a task group holds only kernel tasks (and at least one)");
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
	if (st == WEIR_EINVAL)
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
/* Build                                                                     */
/* ------------------------------------------------------------------------ */

ACL_FUNC_VISIBILITY aclError aclmdlRIBuildBegin(aclmdlRI *modelRI, uint32_t flag)
{
	static const char api[] = "aclmdlRIBuildBegin";
	if (!modelRI)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "modelRI is NULL");
	if (flag != 0)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "flag %u: only 0 is defined",
		                      (unsigned)flag);
	int32_t dev = 0;
	WEIR__ACL_TRY(api, weir__acl_current_device(&dev));
	weir_ri_t *ri = NULL;
	int st = weir_ri_build_begin(&ri);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "build begin");
	pthread_mutex_lock(&weir_acl_mdl_mu);
	struct weir_acl_ri *e = weir_acl_ri_add_locked(ri, (uint32_t)dev, true, NULL);
	pthread_mutex_unlock(&weir_acl_mdl_mu);
	if (!e) {
		(void)weir_ri_destroy(ri);
		return weir__acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION, api, "out of memory");
	}
	*modelRI = ri;
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclmdlRIBindStream(aclmdlRI modelRI, aclrtStream stream, uint32_t flag)
{
	static const char api[] = "aclmdlRIBindStream";
	weir_stream_t *s;
	aclError rc = weir_acl_ri_check(modelRI, api);
	if (rc != ACL_SUCCESS)
		return rc;
	if (flag != ACL_MODEL_STREAM_FLAG_HEAD && flag != ACL_MODEL_STREAM_FLAG_DEFAULT)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "flag 0x%x is not ACL_MODEL_STREAM_FLAG_HEAD or _DEFAULT",
		                      (unsigned)flag);
	if (!stream)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "stream is NULL (the default stream cannot be bound)");
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &s));
	if (!weir__acl_stream_persistent(s))
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "stream %p was not created with ACL_STREAM_PERSISTENT",
		                      stream);
	int st = weir_ri_bind((weir_ri_t *)modelRI, s,
	                      flag == ACL_MODEL_STREAM_FLAG_HEAD ? WEIR_RI_STREAM_HEAD
	                                                         : WEIR_RI_STREAM_DEFAULT);
	if (st == WEIR_ESTATE)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "modelRI is not being built, or stream %p is bound or "
		                      "captures already",
		                      stream);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "binding the stream");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclmdlRIUnbindStream(aclmdlRI modelRI, aclrtStream stream)
{
	static const char api[] = "aclmdlRIUnbindStream";
	weir_stream_t *s;
	aclError rc = weir_acl_ri_check(modelRI, api);
	if (rc != ACL_SUCCESS)
		return rc;
	WEIR__ACL_TRY(api, weir__acl_resolve_stream_any(stream, &s));
	int st = weir_ri_unbind((weir_ri_t *)modelRI, s);
	if (st == WEIR_ESTATE)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "stream %p is not bound to modelRI %p", stream, modelRI);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "unbinding the stream");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclmdlRIEndTask(aclmdlRI modelRI, aclrtStream stream)
{
	static const char api[] = "aclmdlRIEndTask";
	weir_stream_t *s;
	aclError rc = weir_acl_ri_check(modelRI, api);
	if (rc != ACL_SUCCESS)
		return rc;
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &s));
	int st = weir_ri_end_task((weir_ri_t *)modelRI, s);
	if (st == WEIR_ESTATE)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "stream %p is not bound to modelRI %p, or the model has its "
		                      "end task already",
		                      stream, modelRI);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "end task");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclmdlRIBuildEnd(aclmdlRI modelRI, void *reserve)
{
	static const char api[] = "aclmdlRIBuildEnd";
	aclError rc = weir_acl_ri_check(modelRI, api);
	if (rc != ACL_SUCCESS)
		return rc;
	if (reserve)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "reserve must be NULL");
	int st = weir_ri_build_end((weir_ri_t *)modelRI);
	if (st == WEIR_ESTATE)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "modelRI is not being built, or no stream is bound with "
		                      "ACL_MODEL_STREAM_FLAG_HEAD");
	if (st == WEIR_EINVAL)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "a label switch names a label not set on its stream, or a "
		                      "stream with label switches holds a task that cannot run "
		                      "inline (event, notify, host function)");
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "build end");
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
	aclError rc = weir_acl_ri_check(modelRI, api);
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
	pthread_mutex_lock(&weir_acl_mdl_mu);
	struct weir_acl_ri *e = NULL;
	aclError rc = weir_acl_ri_get_locked(modelRI, &e);
	if (rc != ACL_SUCCESS) {
		pthread_mutex_unlock(&weir_acl_mdl_mu);
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
	pthread_mutex_unlock(&weir_acl_mdl_mu);
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
	aclError rc = weir_acl_ri_check(modelRI, api);
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
	aclError rc = weir_acl_ri_check(modelRI, api);
	if (rc != ACL_SUCCESS)
		return rc;
	pthread_mutex_lock(&weir_acl_mdl_mu);
	struct weir_acl_ri *e = weir_acl_ri_find_locked(modelRI);
	if (e && e->parent) {
		pthread_mutex_unlock(&weir_acl_mdl_mu);
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "modelRI %p is a conditional body, destroyed with the model "
		                      "that holds it",
		                      modelRI);
	}
	int st = weir_ri_destroy((weir_ri_t *)modelRI);
	if (st != WEIR_OK) {
		pthread_mutex_unlock(&weir_acl_mdl_mu);
		return weir__acl_fail_weir(st, api, "destroying the model");
	}
	/* Unlink the entry and its conditional bodies' (destroyed with it). */
	struct weir_acl_ri *gone = NULL;
	if (e) {
		weir_acl_ri_unlink_locked(e);
		e->next = NULL;
		gone = e;
		for (struct weir_acl_ri **pp = &weir_acl_ris; *pp;) {
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
	pthread_mutex_unlock(&weir_acl_mdl_mu);
	/* Callbacks first (the user may still look at what they registered),
	 * then the facade's resources. */
	weir_mem_t *m = weir__acl_mem();
	while (gone) {
		struct weir_acl_ri *n = gone->next;
		for (struct weir_acl_ri_cb *c = gone->cbs; c; c = c->next)
			c->fn(c->user);
		if (gone->exec)
			(void)weir_stream_destroy_force(gone->exec);
		weir_acl_ri_free(gone, m);
		gone = n;
	}
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclmdlRIDestroyRegisterCallback(aclmdlRI modelRI, aclrtCallback func,
                                                             void *userData)
{
	static const char api[] = "aclmdlRIDestroyRegisterCallback";
	if (!func)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "func is NULL");
	struct weir_acl_ri_cb *c = calloc(1, sizeof(*c));
	if (!c)
		return weir__acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION, api, "out of memory");
	c->fn = func;
	c->user = userData;
	pthread_mutex_lock(&weir_acl_mdl_mu);
	struct weir_acl_ri *e = NULL;
	aclError rc = weir_acl_ri_get_locked(modelRI, &e);
	if (rc == ACL_SUCCESS) {
		c->next = e->cbs;
		e->cbs = c;
	}
	pthread_mutex_unlock(&weir_acl_mdl_mu);
	if (rc != ACL_SUCCESS) {
		free(c);
		return weir__acl_fail(rc, api, "%s", weir__acl_reason());
	}
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclmdlRIDestroyUnregisterCallback(aclmdlRI modelRI, aclrtCallback func)
{
	static const char api[] = "aclmdlRIDestroyUnregisterCallback";
	if (!func)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "func is NULL");
	pthread_mutex_lock(&weir_acl_mdl_mu);
	struct weir_acl_ri *e = NULL;
	aclError rc = weir_acl_ri_get_locked(modelRI, &e);
	struct weir_acl_ri_cb *gone = NULL;
	if (rc == ACL_SUCCESS)
		for (struct weir_acl_ri_cb **pp = &e->cbs; *pp; pp = &(*pp)->next)
			if ((*pp)->fn == func) {
				gone = *pp;
				*pp = gone->next;
				break;
			}
	pthread_mutex_unlock(&weir_acl_mdl_mu);
	if (rc != ACL_SUCCESS)
		return weir__acl_fail(rc, api, "%s", weir__acl_reason());
	if (!gone)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "func %p is not registered on modelRI %p", (void *)func,
		                      modelRI);
	free(gone);
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
	pthread_mutex_lock(&weir_acl_mdl_mu);
	struct weir_acl_ri *e = NULL;
	aclError rc = weir_acl_ri_get_locked(modelRI, &e);
	if (rc == ACL_SUCCESS)
		memcpy(e->name, name, n + 1);
	pthread_mutex_unlock(&weir_acl_mdl_mu);
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
	pthread_mutex_lock(&weir_acl_mdl_mu);
	struct weir_acl_ri *e = NULL;
	aclError rc = weir_acl_ri_get_locked(modelRI, &e);
	size_t n = 0;
	if (rc == ACL_SUCCESS) {
		n = strlen(e->name);
		if (n < maxLen)
			memcpy(name, e->name, n + 1);
	}
	pthread_mutex_unlock(&weir_acl_mdl_mu);
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
	aclError rc = weir_acl_ri_check(modelRI, api);
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

/* ------------------------------------------------------------------------ */
/* Streams and recorded tasks                                                */
/* ------------------------------------------------------------------------ */

ACL_FUNC_VISIBILITY aclError aclmdlRIGetStreams(aclmdlRI modelRI, aclrtStream *streams,
                                                uint32_t *numStreams)
{
	static const char api[] = "aclmdlRIGetStreams";
	if (!numStreams)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "numStreams is NULL");
	if (!modelRI)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "modelRI is NULL");
	weir_ri_info_t inf;
	int st = weir_ri_info((weir_ri_t *)modelRI, &inf);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "modelRI");
	if (!streams) {
		*numStreams = inf.streams;
		return ACL_SUCCESS;
	}
	if (*numStreams < inf.streams) {
		uint32_t have = *numStreams;
		*numStreams = inf.streams;
		return weir__acl_fail(ACL_ERROR_RT_INSUFFICIENT_INPUT_ARRAY, api,
		                      "the model has %u streams; the array holds %u",
		                      (unsigned)inf.streams, (unsigned)have);
	}
	for (uint32_t i = 0; i < inf.streams; i++) {
		weir_stream_t *s = NULL;
		st = weir_ri_stream((weir_ri_t *)modelRI, i, &s);
		if (st != WEIR_OK)
			return weir__acl_fail_weir(st, api, "a stream of the model");
		streams[i] = s;
	}
	*numStreams = inf.streams;
	return ACL_SUCCESS;
}

/* The newest RI in the table that recorded stream s, and the stream's index
 * in it (locked). */
static struct weir_acl_ri *weir_acl_ri_of_stream_locked(weir_stream_t *s, uint32_t *idx)
{
	for (struct weir_acl_ri *e = weir_acl_ris; e; e = e->next) {
		weir_ri_info_t inf;
		if (weir_ri_info(e->ri, &inf) != WEIR_OK)
			continue;
		for (uint32_t i = 0; i < inf.streams; i++) {
			weir_stream_t *h = NULL;
			if (weir_ri_stream(e->ri, i, &h) == WEIR_OK && h == s) {
				*idx = i;
				return e;
			}
		}
	}
	return NULL;
}

ACL_FUNC_VISIBILITY aclError aclmdlRIGetTasksByStream(aclrtStream stream, aclmdlRITask *tasks,
                                                      uint32_t *numTasks)
{
	static const char api[] = "aclmdlRIGetTasksByStream";
	weir_stream_t *s;
	if (!numTasks)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "numTasks is NULL");
	WEIR__ACL_TRY(api, weir__acl_resolve_stream_any(stream, &s));
	pthread_mutex_lock(&weir_acl_mdl_mu);
	uint32_t idx = 0, n = 0;
	struct weir_acl_ri *e = weir_acl_ri_of_stream_locked(s, &idx);
	int st = e ? weir_ri_stream_tasks(e->ri, idx, &n) : WEIR_OK;
	aclError rc = ACL_SUCCESS;
	if (!e) {
		rc = weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                    "stream %p belongs to no live model", stream);
	} else if (st != WEIR_OK) {
		rc = weir__acl_fail_weir(st, api, "the stream's tasks");
	} else if (tasks && *numTasks < n) {
		rc = weir__acl_fail(ACL_ERROR_RT_INSUFFICIENT_INPUT_ARRAY, api,
		                    "the stream has %u tasks; the array holds %u", (unsigned)n,
		                    (unsigned)*numTasks);
		*numTasks = n;
	} else if (tasks) {
		for (uint32_t seq = 0; seq < n && rc == ACL_SUCCESS; seq++) {
			struct weir_acl_ri_task *t = NULL;
			for (t = e->tasks; t; t = t->next)
				if (t->stream == idx && t->seq == seq)
					break;
			if (!t) {
				t = calloc(1, sizeof(*t));
				if (!t) {
					rc = weir__acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION, api,
					                    "out of memory");
					break;
				}
				t->owner = e;
				t->stream = idx;
				t->seq = seq;
				t->next = e->tasks;
				e->tasks = t;
			}
			tasks[seq] = t;
		}
		if (rc == ACL_SUCCESS)
			*numTasks = n;
	} else {
		*numTasks = n;
	}
	pthread_mutex_unlock(&weir_acl_mdl_mu);
	return rc;
}

/* Copy a live task object (locked); false for a stale or garbage value. */
static bool weir_acl_task_find_locked(const void *h, struct weir_acl_ri_task *out)
{
	if (!h)
		return false;
	for (struct weir_acl_ri *e = weir_acl_ris; e; e = e->next)
		for (struct weir_acl_ri_task *t = e->tasks; t; t = t->next)
			if (t == h) {
				*out = *t;
				return true;
			}
	return false;
}

/* Look a task up and read its native description. */
static aclError weir_acl_task_get(aclmdlRITask task, struct weir_acl_ri_task *t,
                                  weir_ri_task_desc_t *d, const char *api)
{
	if (!task)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "task is NULL");
	pthread_mutex_lock(&weir_acl_mdl_mu);
	bool ok = weir_acl_task_find_locked(task, t);
	weir_ri_t *ri = ok ? t->owner->ri : NULL;
	int st = ok ? weir_ri_task_get(ri, t->stream, t->seq, d) : WEIR_OK;
	pthread_mutex_unlock(&weir_acl_mdl_mu);
	if (!ok)
		return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api,
		                      "task %p is not a task of a live model", task);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "the recorded task");
	return ACL_SUCCESS;
}

static aclmdlRITaskType weir_acl_task_type(uint32_t kind)
{
	switch (kind) {
	case WEIR_RI_TASK_KERNEL: return ACL_MODEL_RI_TASK_KERNEL;
	case WEIR_RI_TASK_EVENT_RECORD: return ACL_MODEL_RI_TASK_EVENT_RECORD;
	case WEIR_RI_TASK_EVENT_WAIT: return ACL_MODEL_RI_TASK_EVENT_WAIT;
	case WEIR_RI_TASK_EVENT_RESET: return ACL_MODEL_RI_TASK_EVENT_RESET;
	case WEIR_RI_TASK_VALUE_WRITE: return ACL_MODEL_RI_TASK_VALUE_WRITE;
	case WEIR_RI_TASK_VALUE_WAIT: return ACL_MODEL_RI_TASK_VALUE_WAIT;
	default: return ACL_MODEL_RI_TASK_DEFAULT;
	}
}

static const char *weir_acl_task_type_name(aclmdlRITaskType t)
{
	static const char *const names[] = { "DEFAULT",    "KERNEL",      "EVENT_RECORD",
		                             "EVENT_WAIT", "EVENT_RESET", "VALUE_WRITE",
		                             "VALUE_WAIT" };
	return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

ACL_FUNC_VISIBILITY aclError aclmdlRITaskGetType(aclmdlRITask task, aclmdlRITaskType *type)
{
	static const char api[] = "aclmdlRITaskGetType";
	struct weir_acl_ri_task t;
	weir_ri_task_desc_t d;
	if (!type)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "type is NULL");
	aclError rc = weir_acl_task_get(task, &t, &d, api);
	if (rc != ACL_SUCCESS)
		return rc;
	*type = weir_acl_task_type(d.kind);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclmdlRITaskGetSeqId(aclmdlRITask task, uint32_t *id)
{
	static const char api[] = "aclmdlRITaskGetSeqId";
	struct weir_acl_ri_task t;
	weir_ri_task_desc_t d;
	if (!id)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "id is NULL");
	aclError rc = weir_acl_task_get(task, &t, &d, api);
	if (rc != ACL_SUCCESS)
		return rc;
	*id = d.seq;
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclmdlRITaskGetParams(aclmdlRITask task, aclmdlRITaskParams *params)
{
	static const char api[] = "aclmdlRITaskGetParams";
	struct weir_acl_ri_task t;
	weir_ri_task_desc_t d;
	if (!params)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "params is NULL");
	aclError rc = weir_acl_task_get(task, &t, &d, api);
	if (rc != ACL_SUCCESS)
		return rc;
	memset(params, 0, sizeof(*params));
	params->type = weir_acl_task_type(d.kind);
	switch (params->type) {
	case ACL_MODEL_RI_TASK_KERNEL: {
		aclmdlRIKernelTaskParams *k = &params->kernelTaskParams;
		void *fh = NULL, *ua = NULL;
		uint32_t ulen = 0;
		if (weir__acl_kernel_task_info(d.fn, d.args, &fh, &ua, &ulen) == 0) {
			k->funcHandle = fh; /* an aclrtLaunchKernel* launch: the user's view */
			k->args = ua;
			k->argsSize = ulen;
		} else {
			k->args = (void *)d.args; /* a weir kernel (aclnn op, copy): its block */
			k->argsSize = d.args_size;
		}
		k->isHostArgs = 0;
		k->numBlocks = d.nblocks;
		break;
	}
	case ACL_MODEL_RI_TASK_EVENT_RECORD:
	case ACL_MODEL_RI_TASK_EVENT_WAIT:
	case ACL_MODEL_RI_TASK_EVENT_RESET:
		/* The native event; the ACL handle wrapping it is not kept per
		 * task (the union's event member is the first in every kind). */
		params->eventRecordTaskParams.event = d.event;
		break;
	case ACL_MODEL_RI_TASK_VALUE_WRITE:
		params->valueWriteTaskParams.devAddr = d.addr;
		params->valueWriteTaskParams.value = d.value;
		break;
	case ACL_MODEL_RI_TASK_VALUE_WAIT:
		params->valueWaitTaskParams.devAddr = d.addr;
		params->valueWaitTaskParams.value = d.value;
		params->valueWaitTaskParams.flag = d.flags;
		break;
	default: break;
	}
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclmdlRITaskSetParams(aclmdlRITask task, aclmdlRITaskParams *params)
{
	static const char api[] = "aclmdlRITaskSetParams";
	struct weir_acl_ri_task t;
	weir_ri_task_desc_t d;
	if (!params)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "params is NULL");
	aclError rc = weir_acl_task_get(task, &t, &d, api);
	if (rc != ACL_SUCCESS)
		return rc;
	aclmdlRITaskType type = weir_acl_task_type(d.kind);
	if (params->type != type)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "params->type %d differs from the task's type %d",
		                      (int)params->type, (int)type);
	weir_ri_task_desc_t in = d;
	switch (type) {
	case ACL_MODEL_RI_TASK_KERNEL: {
		const aclmdlRIKernelTaskParams *k = &params->kernelTaskParams;
		if (k->numBlocks == 0)
			return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "numBlocks is 0");
		void *fh = NULL, *ua = NULL;
		uint32_t ulen = 0;
		if (weir__acl_kernel_task_info(d.fn, d.args, &fh, &ua, &ulen) == 0) {
			/* An aclrtLaunchKernel* launch: its argument block is the
			 * facade's launch record, which weir cannot rebuild here. */
			if (k->funcHandle != fh || k->args != ua || k->argsSize != ulen)
				return weir__acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, api,
				                      "for a task of aclrtLaunchKernel*, weir can "
				                      "change numBlocks only (funcHandle, args and "
				                      "argsSize must be those of "
				                      "aclmdlRITaskGetParams)");
		} else {
			if (k->funcHandle)
				return weir__acl_fail(
				        ACL_ERROR_INVALID_PARAM, api,
				        "the task is not an aclrtLaunchKernel* launch: "
				        "funcHandle must be NULL");
			if (!k->args || k->argsSize == 0)
				return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
				                      "args is NULL or argsSize is 0");
			in.args = k->args;
			in.args_size = k->argsSize;
		}
		in.nblocks = k->numBlocks;
		break;
	}
	case ACL_MODEL_RI_TASK_VALUE_WRITE:
		in.addr = params->valueWriteTaskParams.devAddr;
		in.value = params->valueWriteTaskParams.value;
		break;
	case ACL_MODEL_RI_TASK_VALUE_WAIT:
		in.addr = params->valueWaitTaskParams.devAddr;
		in.value = params->valueWaitTaskParams.value;
		in.flags = params->valueWaitTaskParams.flag;
		break;
	default:
		return weir__acl_fail(ACL_ERROR_RT_TASK_TYPE_NOT_SUPPORT, api,
		                      "only kernel and value tasks take new parameters");
	}
	pthread_mutex_lock(&weir_acl_mdl_mu);
	struct weir_acl_ri_task again;
	int st = weir_acl_task_find_locked(task, &again)
	                 ? weir_ri_task_set(again.owner->ri, t.stream, t.seq, &in)
	                 : WEIR_EHANDLE;
	pthread_mutex_unlock(&weir_acl_mdl_mu);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "staging the task's parameters");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclmdlRITaskDisable(aclmdlRITask task)
{
	static const char api[] = "aclmdlRITaskDisable";
	if (!task)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "task is NULL");
	pthread_mutex_lock(&weir_acl_mdl_mu);
	struct weir_acl_ri_task t;
	bool ok = weir_acl_task_find_locked(task, &t);
	int st = ok ? weir_ri_task_disable(t.owner->ri, t.stream, t.seq) : WEIR_OK;
	pthread_mutex_unlock(&weir_acl_mdl_mu);
	if (!ok)
		return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api,
		                      "task %p is not a task of a live model", task);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "disabling the task");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclmdlRIKernelTaskGetAttribute(aclmdlRITask task,
                                                            aclrtLaunchKernelAttrId attrId,
                                                            aclrtLaunchKernelAttrValue *attrValue)
{
	static const char api[] = "aclmdlRIKernelTaskGetAttribute";
	struct weir_acl_ri_task t;
	weir_ri_task_desc_t d;
	if (!attrValue)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "attrValue is NULL");
	aclError rc = weir_acl_task_get(task, &t, &d, api);
	if (rc != ACL_SUCCESS)
		return rc;
	if (d.kind != WEIR_RI_TASK_KERNEL)
		return weir__acl_fail(ACL_ERROR_RT_TASK_TYPE_NOT_SUPPORT, api,
		                      "task %p is not a kernel task", task);
	uint32_t off = 0;
	uint64_t tns = 0;
	size_t local = 0;
	bool acl = weir__acl_kernel_task_cfg(d.fn, d.args, &off, &tns, &local) == 0;
	memset(attrValue, 0, sizeof(*attrValue));
	switch ((int)attrId) {
	case ACL_RT_LAUNCH_KERNEL_ATTR_SCHEM_MODE:
		attrValue->schemMode = 0; /* weir schedules every launch the same way */
		return ACL_SUCCESS;
	case ACL_RT_LAUNCH_KERNEL_ATTR_DYN_UBUF_SIZE:
		attrValue->dynUBufSize = (uint32_t)local;
		return ACL_SUCCESS;
	case ACL_RT_LAUNCH_KERNEL_ATTR_ENGINE_TYPE:
		attrValue->engineType = ACL_RT_ENGINE_TYPE_AIC;
		return ACL_SUCCESS;
	case ACL_RT_LAUNCH_KERNEL_ATTR_BLOCKDIM_OFFSET:
		attrValue->blockDimOffset = off;
		return ACL_SUCCESS;
	case ACL_RT_LAUNCH_KERNEL_ATTR_TIMEOUT:
		attrValue->timeout = (uint16_t)(tns / 1000000000u);
		return ACL_SUCCESS;
	case ACL_RT_LAUNCH_KERNEL_ATTR_TIMEOUT_US:
		attrValue->timeoutUs.timeoutLow = (uint32_t)(tns / 1000u);
		attrValue->timeoutUs.timeoutHigh = (uint32_t)((tns / 1000u) >> 32);
		return ACL_SUCCESS;
	default:
		(void)acl;
		return weir__acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, api,
		                      "attribute id %d is not recorded by weir (answered: "
		                      "SCHEM_MODE, DYN_UBUF_SIZE, ENGINE_TYPE, BLOCKDIM_OFFSET, "
		                      "TIMEOUT, TIMEOUT_US)",
		                      (int)attrId);
	}
}

/* ------------------------------------------------------------------------ */
/* Debug dumps                                                               */
/* ------------------------------------------------------------------------ */

ACL_FUNC_VISIBILITY aclError aclmdlRIDebugPrint(aclmdlRI modelRI)
{
	static const char api[] = "aclmdlRIDebugPrint";
	if (!modelRI)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "modelRI is NULL");
	weir_ri_info_t inf;
	int st = weir_ri_info((weir_ri_t *)modelRI, &inf);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "modelRI");
	pthread_mutex_lock(&weir_acl_mdl_mu);
	struct weir_acl_ri *e = weir_acl_ri_find_locked(modelRI);
	uint32_t dev = e ? e->device : 0;
	pthread_mutex_unlock(&weir_acl_mdl_mu);
	fprintf(stderr, "[weir] aclmdlRI model %u: device %u, %u streams, %u tasks, %u edges\n",
	        (unsigned)inf.id, (unsigned)dev, (unsigned)inf.streams, (unsigned)inf.tasks,
	        (unsigned)inf.edges);
	for (uint32_t i = 0; i < inf.streams; i++) {
		uint32_t n = 0;
		weir_stream_t *s = NULL;
		(void)weir_ri_stream((weir_ri_t *)modelRI, i, &s);
		(void)weir_ri_stream_tasks((weir_ri_t *)modelRI, i, &n);
		fprintf(stderr, "[weir]   stream %u (%p): %u tasks\n", (unsigned)i, (void *)s,
		        (unsigned)n);
		for (uint32_t q = 0; q < n; q++) {
			weir_ri_task_desc_t d;
			if (weir_ri_task_get((weir_ri_t *)modelRI, i, q, &d) != WEIR_OK)
				continue;
			fprintf(stderr, "[weir]     task seq %u type %s%s\n", (unsigned)d.seq,
			        weir_acl_task_type_name(weir_acl_task_type(d.kind)),
			        d.disabled ? " (disabled)" : "");
		}
	}
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclmdlRIDebugJsonPrint(aclmdlRI modelRI, const char *path,
                                                    uint32_t flags)
{
	static const char api[] = "aclmdlRIDebugJsonPrint";
	if (!modelRI || !path)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      modelRI ? "path" : "modelRI");
	if (flags != ACL_MDLRI_DEBUG_JSON_PRINT_SUMMARY &&
	    flags != ACL_MDLRI_DEBUG_JSON_PRINT_VERBOSE)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "flags %u is not ACL_MDLRI_DEBUG_JSON_PRINT_SUMMARY or "
		                      "_VERBOSE",
		                      (unsigned)flags);
	weir_ri_info_t inf;
	int st = weir_ri_info((weir_ri_t *)modelRI, &inf);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "modelRI");
	FILE *f = fopen(path, "w");
	if (!f)
		return weir__acl_fail(ACL_ERROR_WRITE_FILE, api, "cannot open %s for writing: %s",
		                      path, strerror(errno));
	/* chrome://tracing's JSON object form: one complete ("X") event per
	 * task, pid = model id, tid = stream index, ts = sequence number. */
	fprintf(f, "{\"modelId\":%u,\"streams\":%u,\"tasks\":%u,\"traceEvents\":[",
	        (unsigned)inf.id, (unsigned)inf.streams, (unsigned)inf.tasks);
	bool first = true;
	for (uint32_t i = 0; i < inf.streams; i++) {
		uint32_t n = 0;
		weir_stream_t *s = NULL;
		(void)weir_ri_stream((weir_ri_t *)modelRI, i, &s);
		(void)weir_ri_stream_tasks((weir_ri_t *)modelRI, i, &n);
		fprintf(f,
		        "%s\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%u,\"tid\":%u,"
		        "\"args\":{\"name\":\"stream %u\",\"stream\":\"%p\"}}",
		        first ? "" : ",", (unsigned)inf.id, (unsigned)i, (unsigned)i, (void *)s);
		first = false;
		for (uint32_t q = 0; q < n; q++) {
			weir_ri_task_desc_t d;
			if (weir_ri_task_get((weir_ri_t *)modelRI, i, q, &d) != WEIR_OK)
				continue;
			const char *tn = weir_acl_task_type_name(weir_acl_task_type(d.kind));
			fprintf(f,
			        ",\n{\"name\":\"%s\",\"ph\":\"X\",\"pid\":%u,\"tid\":%u,\"ts\":%u,"
			        "\"dur\":1,\"args\":{\"stream_id\":%u,\"task_id\":%u,\"task_type\":"
			        "\"%s\",\"disabled\":%s",
			        tn, (unsigned)inf.id, (unsigned)i, (unsigned)q, (unsigned)i,
			        (unsigned)d.seq, tn, d.disabled ? "true" : "false");
			if (flags == ACL_MDLRI_DEBUG_JSON_PRINT_VERBOSE &&
			    d.kind == WEIR_RI_TASK_KERNEL)
				fprintf(f, ",\"args_size\":%zu,\"block_num\":%u", d.args_size,
				        (unsigned)d.nblocks);
			if (flags == ACL_MDLRI_DEBUG_JSON_PRINT_VERBOSE &&
			    (d.kind == WEIR_RI_TASK_VALUE_WRITE ||
			     d.kind == WEIR_RI_TASK_VALUE_WAIT))
				fprintf(f, ",\"addr\":\"%p\",\"value\":%" PRIu64, d.addr, d.value);
			fputs("}}", f);
		}
	}
	fputs("\n]}\n", f);
	bool bad = ferror(f) != 0;
	if (fclose(f) != 0 || bad)
		return weir__acl_fail(ACL_ERROR_WRITE_FILE, api, "writing %s failed", path);
	return ACL_SUCCESS;
}

/* ------------------------------------------------------------------------ */
/* Conditional tasks                                                         */
/* ------------------------------------------------------------------------ */

ACL_FUNC_VISIBILITY aclError aclmdlRICondHandleCreate(aclmdlRI modelRI, uint32_t defaultLaunchValue,
                                                      aclmdlRICondHandleFlag flag,
                                                      aclmdlRICondHandle *handle)
{
	static const char api[] = "aclmdlRICondHandleCreate";
	if (!handle)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "handle is NULL");
	if ((int)flag != 0 && flag != ACL_MODEL_RI_COND_HANDLE_ASSIGN_DEFAULT)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "flag %d is not 0 or ACL_MODEL_RI_COND_HANDLE_ASSIGN_DEFAULT",
		                      (int)flag);
	weir_mem_t *m = weir__acl_mem();
	if (!m)
		return weir__acl_fail(ACL_ERROR_UNINITIALIZE, api, "aclInit has not been called");
	struct weir_acl_ri_cond *c = calloc(1, sizeof(*c));
	if (!c)
		return weir__acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION, api, "out of memory");
	pthread_mutex_lock(&weir_acl_mdl_mu);
	struct weir_acl_ri *e = NULL;
	aclError rc = weir_acl_ri_get_locked(modelRI, &e);
	if (rc != ACL_SUCCESS) {
		pthread_mutex_unlock(&weir_acl_mdl_mu);
		free(c);
		return weir__acl_fail(rc, api, "%s", weir__acl_reason());
	}
	uint32_t dev = e->device;
	pthread_mutex_unlock(&weir_acl_mdl_mu);
	/* The word is device memory of the model's device, as aclrtMalloc
	 * makes it (32-byte padded), so aclrtMemcpy H2D into it works. Made
	 * outside the lock: a copy may wait. */
	void *p = NULL;
	int st = weir_mem_alloc(m, dev, 64, WEIR_MEM_NORMAL_ONLY, &p);
	uint64_t v = defaultLaunchValue;
	if (st == WEIR_OK)
		st = weir_mem_copy(m, p, sizeof(uint64_t), &v, sizeof v, WEIR_COPY_H2D);
	if (st == WEIR_OK) {
		pthread_mutex_lock(&weir_acl_mdl_mu);
		e = weir_acl_ri_find_locked(modelRI); /* destroyed meanwhile? */
		st = e ? WEIR_OK : WEIR_EHANDLE;
		if (st == WEIR_OK && flag == ACL_MODEL_RI_COND_HANDLE_ASSIGN_DEFAULT)
			st = weir_ri_cond_default(e->ri, p, v);
		if (st == WEIR_OK) {
			c->owner = e;
			c->word = p;
			c->next = e->conds;
			e->conds = c;
		}
		pthread_mutex_unlock(&weir_acl_mdl_mu);
	}
	if (st != WEIR_OK) {
		if (p)
			(void)weir_mem_free(m, p);
		free(c);
		return weir__acl_fail_weir(st, api, "the condition word");
	}
	*handle = c;
	return ACL_SUCCESS;
}

/* The word of a live condition handle (locked); NULL for a stale value. */
static uint64_t *weir_acl_cond_word_locked(const void *h)
{
	for (struct weir_acl_ri *e = weir_acl_ris; e; e = e->next)
		for (struct weir_acl_ri_cond *c = e->conds; c; c = c->next)
			if (c == h)
				return c->word;
	return NULL;
}

ACL_FUNC_VISIBILITY aclError aclmdlRICondHandleGetCondPtr(aclmdlRICondHandle handle, uint64_t **ptr)
{
	static const char api[] = "aclmdlRICondHandleGetCondPtr";
	if (!handle || !ptr)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      handle ? "ptr" : "handle");
	pthread_mutex_lock(&weir_acl_mdl_mu);
	uint64_t *w = weir_acl_cond_word_locked(handle);
	pthread_mutex_unlock(&weir_acl_mdl_mu);
	if (!w)
		return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api,
		                      "handle %p is not a condition of a live model", handle);
	*ptr = w;
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclmdlRIAddCondTask(aclmdlRICondTaskParams params, aclrtStream stream,
                                                 uint32_t flags)
{
	static const char api[] = "aclmdlRIAddCondTask";
	weir_stream_t *s;
	if (flags != 0)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "flags %u: only 0 is defined",
		                      (unsigned)flags);
	if (!params.handle || !params.modelRIArray)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "params.%s is NULL",
		                      params.handle ? "modelRIArray" : "handle");
	int type;
	switch (params.type) {
	case ACL_MODEL_RI_COND_TYPE_IF:
		type = WEIR_COND_IF;
		if (params.size < 1 || params.size > 2)
			return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
			                      "an IF task takes 1 or 2 bodies, not %u",
			                      (unsigned)params.size);
		break;
	case ACL_MODEL_RI_COND_TYPE_WHILE:
		type = WEIR_COND_WHILE;
		if (params.size != 1)
			return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
			                      "a WHILE task takes 1 body, not %u",
			                      (unsigned)params.size);
		break;
	case ACL_MODEL_RI_COND_TYPE_SWITCH:
		type = WEIR_COND_SWITCH;
		if (params.size < 1)
			return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
			                      "a SWITCH task takes at least 1 body");
		break;
	default:
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "params.type %d is not an aclmdlRICondTaskType",
		                      (int)params.type);
	}
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &s));
	weir_ri_t **bodies = calloc(params.size, sizeof(*bodies));
	if (!bodies)
		return weir__acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION, api, "out of memory");
	pthread_mutex_lock(&weir_acl_mdl_mu);
	uint64_t *w = weir_acl_cond_word_locked(params.handle);
	weir_ri_t *cur = NULL;
	int st = w ? weir_capture_ri(s, &cur) : WEIR_OK;
	if (w && st == WEIR_OK)
		st = weir_ri_add_cond(s, type, w, params.size, bodies);
	struct weir_acl_ri *parent = w ? weir_acl_ri_find_locked(cur) : NULL;
	uint32_t dev = parent ? parent->device : 0;
	uint32_t made = 0;
	if (w && st == WEIR_OK)
		for (; made < params.size; made++)
			if (!weir_acl_ri_add_locked(bodies[made], dev, false, parent))
				break;
	pthread_mutex_unlock(&weir_acl_mdl_mu);
	if (!w) {
		free(bodies);
		return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api,
		                      "params.handle %p is not a condition of a live model",
		                      params.handle);
	}
	if (st == WEIR_ESTATE) {
		free(bodies);
		return weir__acl_fail(ACL_ERROR_RT_STREAM_NOT_CAPTURED, api,
		                      "stream %p is not being captured", stream);
	}
	if (st != WEIR_OK) {
		free(bodies);
		return weir__acl_fail_weir(st, api, "recording the conditional task");
	}
	for (uint32_t i = 0; i < params.size; i++)
		params.modelRIArray[i] = bodies[i];
	free(bodies);
	if (made < params.size) /* the bodies exist; only our records lack */
		return weir__acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION, api,
		                      "out of memory recording the bodies");
	return ACL_SUCCESS;
}
