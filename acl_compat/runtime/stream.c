/*
 * acl_compat/runtime/stream.c - aclrt* stream calls. An aclrtStream is the
 * weir_stream_t pointer itself: weir validates it against its own registry
 * on every call (a destroyed or garbage handle gives WEIR_EHANDLE -> 107017,
 * never a dereference), and weir_stream_group() tells its context.
 */
#include "acl_compat/acl_internal.h"
#include "acl_compat/acl_state.h"
#include "base/alloc.h"
#include "base/atomic.h"

#include <pthread.h>
#include <string.h>

/* The ACL flags a stream was created with, kept in bits 40-63 of its user
 * word (weir_stream_user_update; the attributes use bits 0-33). */
#define ACL_FLAGS_SHIFT 40
#define ACL_FLAGS_MASK  (UINT64_C(0xFFFFFF) << ACL_FLAGS_SHIFT)

aclError weir__acl_fail_submit(int status, weir_stream_t *s, const char *api, const char *what)
{
	if (status == WEIR_ESTOPPED) {
		/* STOP mode: report the context's sticky failure, as ACL does. A
		 * stopped group has discarded its pending work, so a poll returns
		 * the sticky code at once. */
		int code = 0;
		int sticky = weir_stream_sync_code(s, 0, &code);
		if (weir_status_is_task_failure(sticky))
			return weir__acl_fail(weir__acl_from_weir(sticky), api,
			                      "%s: the context stopped after a task failed with "
			                      "code %d (stop-on-failure mode)",
			                      what, code);
	}
	return weir__acl_fail_weir(status, api, what);
}

/* The per-device stream limit (aclrtGetStreamAvailableNum, end of file). */
static aclError weir_acl_stream_room_lock(uint32_t dev);
static void weir_acl_stream_room_unlock(void);

static aclError weir_acl_stream_create(aclrtStream *stream, uint32_t priority, uint32_t flag,
                                       const char *api)
{
	weir__acl_ctx_info_t info;
	if (!stream)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "stream is NULL");
	/* ACL_STREAM_PERSISTENT is kept with the other flags: only such a
	 * stream may be bound to an RI (aclmdlRIBindStream). */
	WEIR__ACL_TRY(api, weir__acl_current_context(&info));
	if (priority > WEIR_PRIORITY_LOWEST)
		priority = WEIR_PRIORITY_LOWEST;
	uint32_t wflags = (flag & ACL_STREAM_FAST_SYNC) ? WEIR_STREAM_FAST_SYNC : 0;
	weir_stream_t *s = NULL;
	WEIR__ACL_TRY(api, weir_acl_stream_room_lock(info.device));
	int st = weir_stream_create(info.group, (int)priority, wflags, &s);
	weir_acl_stream_room_unlock();
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api,
		                           "cannot create a stream in the current context");
	(void)weir_stream_user_update(s, ACL_FLAGS_MASK,
	                              ((uint64_t)flag << ACL_FLAGS_SHIFT) & ACL_FLAGS_MASK, NULL);
	*stream = s;
	weir__acl_stream_state_notify(s, ACL_RT_STREAM_STATE_CREATE_POST);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtCreateStream(aclrtStream *stream)
{
	return weir_acl_stream_create(stream, 0, 0, "aclrtCreateStream");
}

ACL_FUNC_VISIBILITY aclError aclrtCreateStreamWithConfig(aclrtStream *stream, uint32_t priority,
                                                         uint32_t flag)
{
	return weir_acl_stream_create(stream, priority, flag, "aclrtCreateStreamWithConfig");
}

static aclError weir_acl_stream_destroy(aclrtStream stream, bool force, const char *api)
{
	weir__acl_ctx_info_t info;
	weir_stream_t *s;
	if (!stream)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "stream is NULL (the default stream cannot be destroyed)");
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &s));
	WEIR__ACL_TRY(api, weir__acl_current_context(&info));
	if (s == info.dstream)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "stream %p is the context's default stream, which cannot be "
		                      "destroyed",
		                      stream);
	weir__acl_stream_state_notify(stream, ACL_RT_STREAM_STATE_DESTROY_PRE);
	/* Force: returns at once; the tasks launched before still run, as on
	 * Ascend (docs/acl.md). Plain: waits for them. */
	int st = force ? weir_stream_destroy_force(s) : weir_stream_destroy(s);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "destroying the stream");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtDestroyStream(aclrtStream stream)
{
	return weir_acl_stream_destroy(stream, false, "aclrtDestroyStream");
}

ACL_FUNC_VISIBILITY aclError aclrtDestroyStreamForce(aclrtStream stream)
{
	return weir_acl_stream_destroy(stream, true, "aclrtDestroyStreamForce");
}

static aclError weir_acl_stream_sync(aclrtStream stream, int64_t ns, const char *api)
{
	weir_stream_t *s;
	WEIR__ACL_TRY(api, weir__acl_resolve_stream_any(stream, &s));
	int code = 0;
	int st = weir_stream_sync_code(s, ns, &code);
	if (st != WEIR_OK)
		return weir__acl_fail_weir_code(st, code, api, "synchronizing the stream");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtSynchronizeStream(aclrtStream stream)
{
	return weir_acl_stream_sync(stream, WEIR_TIMEOUT_INFINITE, "aclrtSynchronizeStream");
}

ACL_FUNC_VISIBILITY aclError aclrtSynchronizeStreamWithTimeout(aclrtStream stream, int32_t timeout)
{
	static const char api[] = "aclrtSynchronizeStreamWithTimeout";
	int64_t ns;
	WEIR__ACL_TRY(api, weir__acl_timeout_ns(timeout, &ns));
	return weir_acl_stream_sync(stream, ns, api);
}

ACL_FUNC_VISIBILITY aclError aclrtStreamQuery(aclrtStream stream, aclrtStreamStatus *status)
{
	static const char api[] = "aclrtStreamQuery";
	weir_stream_t *s;
	if (!status)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "status is NULL");
	WEIR__ACL_TRY(api, weir__acl_resolve_stream_any(stream, &s));
	int st = weir_stream_query(s);
	if (st == WEIR_OK) {
		*status = ACL_STREAM_STATUS_COMPLETE;
		return ACL_SUCCESS;
	}
	if (st == WEIR_ENOTREADY) {
		*status = ACL_STREAM_STATUS_NOT_READY;
		return ACL_SUCCESS;
	}
	return weir__acl_fail_weir(st, api, "querying the stream");
}

ACL_FUNC_VISIBILITY aclError aclrtSetStreamFailureMode(aclrtStream stream, uint64_t mode)
{
	static const char api[] = "aclrtSetStreamFailureMode";
	weir_stream_t *s;
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &s));
	int wmode = (mode & ACL_STOP_ON_FAILURE) ? WEIR_FAILURE_STOP : WEIR_FAILURE_CONTINUE;
	int st = weir_stream_set_failure_mode(s, wmode);
	if (st == WEIR_ENOTSUP)
		return weir__acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, api,
		                      "the context is in stop-on-failure mode, which cannot be "
		                      "switched back to continue");
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "setting the failure mode");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtStreamAbort(aclrtStream stream)
{
	static const char api[] = "aclrtStreamAbort";
	weir_stream_t *s;
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &s));
	int st = weir_stream_abort(s);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "aborting the stream");
	return ACL_SUCCESS;
}

/* The custom tag and the cache-op switch live in the stream's user word
 * (weir_stream_user_update): the tag in the low 32 bits, the switch above
 * it. The overflow check is the native one (weir_stream_set_overflow_check,
 * the switch of aclrtSetStreamOverflowSwitch, runtime/overflow.c). */
#define ACL_ATTR_TAG_MASK     UINT64_C(0xFFFFFFFF)
#define ACL_ATTR_OVERFLOW_BIT (UINT64_C(1) << 32)
#define ACL_ATTR_CACHE_OP_BIT (UINT64_C(1) << 33)

static aclError weir_acl_stream_attr_arg(aclrtStreamAttr type, const aclrtStreamAttrValue *value,
                                         const char *api)
{
	if (!value)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "value is NULL");
	if (type < ACL_STREAM_ATTR_FAILURE_MODE || type > ACL_STREAM_ATTR_PRIORITY)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "attribute %d is invalid",
		                      (int)type);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtSetStreamAttribute(aclrtStream stream,
                                                     aclrtStreamAttr stmAttrType,
                                                     aclrtStreamAttrValue *value)
{
	static const char api[] = "aclrtSetStreamAttribute";
	aclError rc = weir_acl_stream_attr_arg(stmAttrType, value, api);
	if (rc != ACL_SUCCESS)
		return rc;
	if (stmAttrType == ACL_STREAM_ATTR_FAILURE_MODE)
		return aclrtSetStreamFailureMode(stream, value->failureMode);
	uint64_t mask = 0, bits = 0;
	uint32_t sw;
	switch (stmAttrType) {
	case ACL_STREAM_ATTR_FLOAT_OVERFLOW_CHECK:
	case ACL_STREAM_ATTR_CACHE_OP_INFO:
		sw = stmAttrType == ACL_STREAM_ATTR_FLOAT_OVERFLOW_CHECK ? value->overflowSwitch
		                                                         : value->cacheOpInfoSwitch;
		if (sw > 1)
			return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
			                      "switch value %u is invalid (0 off, 1 on)",
			                      (unsigned)sw);
		mask = stmAttrType == ACL_STREAM_ATTR_FLOAT_OVERFLOW_CHECK ? ACL_ATTR_OVERFLOW_BIT
		                                                           : ACL_ATTR_CACHE_OP_BIT;
		bits = sw ? mask : 0;
		break;
	case ACL_STREAM_ATTR_USER_CUSTOM_TAG:
		mask = ACL_ATTR_TAG_MASK;
		bits = value->userCustomTag;
		break;
	default: /* ACL_STREAM_ATTR_PRIORITY: clamped to [0, 7] as at create */ break;
	}
	weir_stream_t *s;
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &s));
	int st = stmAttrType == ACL_STREAM_ATTR_PRIORITY
	                 ? weir_stream_set_priority(s, value->priority > WEIR_PRIORITY_LOWEST
	                                                       ? WEIR_PRIORITY_LOWEST
	                                                       : (int)value->priority)
	         : stmAttrType == ACL_STREAM_ATTR_FLOAT_OVERFLOW_CHECK
	                 ? weir_stream_set_overflow_check(s, bits != 0)
	                 : weir_stream_user_update(s, mask, bits, NULL);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "setting the attribute");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtGetStreamAttribute(aclrtStream stream,
                                                     aclrtStreamAttr stmAttrType,
                                                     aclrtStreamAttrValue *value)
{
	static const char api[] = "aclrtGetStreamAttribute";
	aclError rc = weir_acl_stream_attr_arg(stmAttrType, value, api);
	if (rc != ACL_SUCCESS)
		return rc;
	weir_stream_t *s;
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &s));
	int st;
	if (stmAttrType == ACL_STREAM_ATTR_FAILURE_MODE) {
		weir_group_t *g;
		int mode = 0;
		st = weir_stream_group(s, &g);
		if (st == WEIR_OK)
			st = weir_group_get_failure_mode(g, &mode);
		if (st == WEIR_OK)
			value->failureMode = mode == WEIR_FAILURE_STOP ? ACL_STOP_ON_FAILURE
			                                               : ACL_CONTINUE_ON_FAILURE;
	} else if (stmAttrType == ACL_STREAM_ATTR_PRIORITY) {
		int prio = 0;
		st = weir_stream_priority(s, &prio);
		if (st == WEIR_OK)
			value->priority = (uint32_t)prio;
	} else if (stmAttrType == ACL_STREAM_ATTR_FLOAT_OVERFLOW_CHECK) {
		bool on = false;
		st = weir_stream_overflow_check(s, &on);
		if (st == WEIR_OK)
			value->overflowSwitch = on ? 1 : 0;
	} else {
		uint64_t w = 0;
		st = weir_stream_user_update(s, 0, 0, &w);
		if (st == WEIR_OK) {
			if (stmAttrType == ACL_STREAM_ATTR_USER_CUSTOM_TAG)
				value->userCustomTag = (uint32_t)(w & ACL_ATTR_TAG_MASK);
			else
				value->cacheOpInfoSwitch = (w & ACL_ATTR_CACHE_OP_BIT) ? 1 : 0;
		}
	}
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "reading the attribute");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtDeviceGetStreamPriorityRange(int32_t *leastPriority,
                                                               int32_t *greatestPriority)
{
	if (!leastPriority || !greatestPriority)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, "aclrtDeviceGetStreamPriorityRange",
		                      "an output pointer is NULL");
	*leastPriority = WEIR_PRIORITY_LOWEST;
	*greatestPriority = WEIR_PRIORITY_HIGHEST;
	return ACL_SUCCESS;
}

/* ------------------------------------------------------------------------ */
/* Stream extras: ids, flags, priority, config handles, stop, state callbacks */
/* ------------------------------------------------------------------------ */

ACL_FUNC_VISIBILITY aclError aclrtStreamGetId(aclrtStream stream, int32_t *streamId)
{
	static const char api[] = "aclrtStreamGetId";
	weir_stream_t *s;
	if (!streamId)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "streamId is NULL");
	WEIR__ACL_TRY(api, weir__acl_resolve_stream_any(stream, &s));
	uint32_t id = 0;
	int st = weir_stream_id(s, &id);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "reading the stream id");
	*streamId = (int32_t)(id & 0x7FFFFFFF);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtStreamGetFlags(aclrtStream stream, uint32_t *flags)
{
	static const char api[] = "aclrtStreamGetFlags";
	weir_stream_t *s;
	if (!flags)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "flags is NULL");
	WEIR__ACL_TRY(api, weir__acl_resolve_stream_any(stream, &s));
	uint64_t word = 0;
	int st = weir_stream_user_update(s, 0, 0, &word);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "reading the stream flags");
	*flags = (uint32_t)((word & ACL_FLAGS_MASK) >> ACL_FLAGS_SHIFT);
	return ACL_SUCCESS;
}

bool weir__acl_stream_persistent(weir_stream_t *s)
{
	uint64_t word = 0;
	if (weir_stream_user_update(s, 0, 0, &word) != WEIR_OK)
		return false;
	return (((word & ACL_FLAGS_MASK) >> ACL_FLAGS_SHIFT) & ACL_STREAM_PERSISTENT) != 0;
}

ACL_FUNC_VISIBILITY aclError aclrtStreamGetPriority(aclrtStream stream, uint32_t *priority)
{
	static const char api[] = "aclrtStreamGetPriority";
	weir_stream_t *s;
	if (!priority)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "priority is NULL");
	WEIR__ACL_TRY(api, weir__acl_resolve_stream_any(stream, &s));
	int prio = 0;
	int st = weir_stream_priority(s, &prio);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "reading the stream priority");
	*priority = (uint32_t)prio;
	return ACL_SUCCESS;
}

struct weir_acl_stream_cfg {
	struct weir_acl_obj obj; /* first: the registry frees the object through it */
	_Atomic uint64_t flag;   /* A: relaxed; the handle's owner sets, create reads */
	_Atomic uint32_t priority;
	_Atomic(void *) workptr;
	_Atomic uint64_t work_size;
};

ACL_FUNC_VISIBILITY aclrtStreamConfigHandle *aclrtCreateStreamConfigHandle(void)
{
	static const char api[] = "aclrtCreateStreamConfigHandle";
	if (!weir__acl_runtime()) {
		(void)weir__acl_fail(ACL_ERROR_UNINITIALIZE, api,
		                     "aclInit has not been called (weir has no runtime yet)");
		return NULL;
	}
	struct weir_acl_stream_cfg *c = weir__calloc(1, sizeof *c);
	if (!c) {
		(void)weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "out of memory");
		return NULL;
	}
	if (!weir__acl_reg_add(&c->obj, WEIR_ACL_OBJ_STREAM_CFG)) {
		weir__free(c);
		(void)weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "out of memory (registry)");
		return NULL;
	}
	return (aclrtStreamConfigHandle *)weir__acl_reg_handle(&c->obj);
}

ACL_FUNC_VISIBILITY aclError aclrtDestroyStreamConfigHandle(aclrtStreamConfigHandle *handle)
{
	static const char api[] = "aclrtDestroyStreamConfigHandle";
	if (!handle)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "handle is NULL");
	weir__rcu_read_lock();
	struct weir_acl_obj *o = weir__acl_reg_lookup_locked(handle, WEIR_ACL_OBJ_STREAM_CFG);
	bool mine = o && weir__acl_reg_del_locked(o);
	weir__rcu_read_unlock();
	if (!mine)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "handle %p is not a live stream configuration",
		                      (void *)handle);
	weir__acl_reg_free_deferred(o);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtSetStreamConfigOpt(aclrtStreamConfigHandle *handle,
                                                     aclrtStreamConfigAttr attr,
                                                     const void *attrValue, size_t valueSize)
{
	static const char api[] = "aclrtSetStreamConfigOpt";
	if (!handle || !attrValue)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      handle ? "attrValue" : "handle");
	if ((unsigned)attr > (unsigned)ACL_RT_STREAM_PRIORITY)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "attr %d is invalid",
		                      (int)attr);
	/* The flag may be given as a 32-bit value or a size_t (ACL's field). */
	size_t want = attr == ACL_RT_STREAM_WORK_ADDR_PTR ? sizeof(void *)
	              : attr == ACL_RT_STREAM_PRIORITY    ? sizeof(uint32_t)
	                                                  : sizeof(size_t);
	bool ok =
	        valueSize == want || (attr == ACL_RT_STREAM_FLAG && valueSize == sizeof(uint32_t));
	if (!ok)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "valueSize %zu is invalid for attr %d (expected %zu)",
		                      valueSize, (int)attr, want);
	uint64_t v64 = 0;
	uint32_t v32 = 0;
	void *ptr = NULL;
	if (attr == ACL_RT_STREAM_WORK_ADDR_PTR)
		memcpy(&ptr, attrValue, sizeof ptr);
	else if (valueSize == sizeof(uint32_t))
		memcpy(&v32, attrValue, sizeof v32), v64 = v32;
	else {
		size_t z;
		memcpy(&z, attrValue, sizeof z);
		v64 = z;
	}
	if (attr == ACL_RT_STREAM_PRIORITY && v64 > WEIR_PRIORITY_LOWEST)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "priority %llu is out of range [0, %d]",
		                      (unsigned long long)v64, WEIR_PRIORITY_LOWEST);
	weir__rcu_read_lock();
	struct weir_acl_obj *o = weir__acl_reg_lookup_locked(handle, WEIR_ACL_OBJ_STREAM_CFG);
	if (o) {
		struct weir_acl_stream_cfg *c =
		        caa_container_of(o, struct weir_acl_stream_cfg, obj);
		/* Relaxed: a configuration is set and used by its owner; racing
		 * setters each store a whole value. */
		switch (attr) {
		case ACL_RT_STREAM_WORK_ADDR_PTR: weir_store_relaxed(&c->workptr, ptr); break;
		case ACL_RT_STREAM_WORK_SIZE: weir_store_relaxed(&c->work_size, v64); break;
		case ACL_RT_STREAM_FLAG: weir_store_relaxed(&c->flag, v64); break;
		case ACL_RT_STREAM_PRIORITY: weir_store_relaxed(&c->priority, (uint32_t)v64); break;
		}
	}
	weir__rcu_read_unlock();
	if (!o)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "handle %p is not a live stream configuration",
		                      (void *)handle);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtCreateStreamV2(aclrtStream *stream,
                                                 const aclrtStreamConfigHandle *handle)
{
	static const char api[] = "aclrtCreateStreamV2";
	if (!stream)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "stream is NULL");
	uint32_t prio = 0;
	uint64_t flag = 0;
	if (handle) {
		weir__rcu_read_lock();
		struct weir_acl_obj *o =
		        weir__acl_reg_lookup_locked(handle, WEIR_ACL_OBJ_STREAM_CFG);
		if (o) {
			struct weir_acl_stream_cfg *c =
			        caa_container_of(o, struct weir_acl_stream_cfg, obj);
			prio = weir_load_relaxed(&c->priority);
			flag = weir_load_relaxed(&c->flag);
		}
		weir__rcu_read_unlock();
		if (!o)
			return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
			                      "handle %p is not a live stream configuration",
			                      (const void *)handle);
	}
	return weir_acl_stream_create(stream, prio, (uint32_t)flag, api);
}

/* The running kernel stops at block granularity, queued tasks stay queued,
 * and the stream runs nothing until aclrtStreamAbort (or its destroy, which
 * discards them); a sync returns 507000 at once, as on Ascend
 * (weir_stream_stop, docs/acl.md). Any stream but a default one. */
ACL_FUNC_VISIBILITY aclError aclrtStreamStop(aclrtStream stream)
{
	static const char api[] = "aclrtStreamStop";
	weir__acl_ctx_info_t info;
	weir_stream_t *s;
	if (!stream)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "stream is NULL (the default stream cannot be stopped)");
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &s));
	WEIR__ACL_TRY(api, weir__acl_current_context(&info));
	if (s == info.dstream)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "stream %p is the context's default stream, which cannot be "
		                      "stopped",
		                      stream);
	int st = weir_stream_stop(s);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "stopping the stream");
	return ACL_SUCCESS;
}

/* Stream state callbacks: a short list under its own mutex (never held while
 * a callback runs: the list is copied first). */
#define WEIR_ACL_SSC_MAX  32
#define WEIR_ACL_SSC_NAME 128

struct weir_acl_ssc {
	char name[WEIR_ACL_SSC_NAME];
	aclrtStreamStateCallback fn;
	void *args;
};

static pthread_mutex_t weir_acl_ssc_lock = PTHREAD_MUTEX_INITIALIZER;
static struct weir_acl_ssc weir_acl_ssc[WEIR_ACL_SSC_MAX]; /* L(ssc_lock) */
static uint32_t weir_acl_nssc;                             /* L(ssc_lock) */

void weir__acl_stream_state_notify(void *s, int state)
{
	struct weir_acl_ssc cbs[WEIR_ACL_SSC_MAX];
	pthread_mutex_lock(&weir_acl_ssc_lock);
	uint32_t n = weir_acl_nssc;
	memcpy(cbs, weir_acl_ssc, n * sizeof cbs[0]);
	pthread_mutex_unlock(&weir_acl_ssc_lock);
	for (uint32_t i = 0; i < n; i++)
		cbs[i].fn(s, (aclrtStreamState)state, cbs[i].args);
}

ACL_FUNC_VISIBILITY aclError aclrtRegStreamStateCallback(const char *regName,
                                                         aclrtStreamStateCallback callback,
                                                         void *args)
{
	static const char api[] = "aclrtRegStreamStateCallback";
	if (!regName)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "regName is NULL");
	size_t len = strnlen(regName, WEIR_ACL_SSC_NAME);
	if (len == 0 || len == WEIR_ACL_SSC_NAME)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "regName must have 1 to %d characters",
		                      WEIR_ACL_SSC_NAME - 1);
	pthread_mutex_lock(&weir_acl_ssc_lock);
	uint32_t i = 0;
	while (i < weir_acl_nssc && strcmp(weir_acl_ssc[i].name, regName) != 0)
		i++;
	aclError rc = ACL_SUCCESS;
	if (!callback) {
		/* Unregister; an unknown name is no error. Keep the order. */
		if (i < weir_acl_nssc) {
			memmove(&weir_acl_ssc[i], &weir_acl_ssc[i + 1],
			        (weir_acl_nssc - i - 1) * sizeof weir_acl_ssc[0]);
			weir_acl_nssc--;
		}
	} else if (i < weir_acl_nssc) {
		rc = ACL_ERROR_RT_PARAM_INVALID;
	} else if (weir_acl_nssc == WEIR_ACL_SSC_MAX) {
		rc = ACL_ERROR_RT_PARAM_INVALID;
	} else {
		struct weir_acl_ssc *e = &weir_acl_ssc[weir_acl_nssc++];
		memcpy(e->name, regName, len + 1);
		e->fn = callback;
		e->args = args;
	}
	pthread_mutex_unlock(&weir_acl_ssc_lock);
	if (rc != ACL_SUCCESS)
		return weir__acl_fail(rc, api,
		                      i < WEIR_ACL_SSC_MAX
		                              ? "the name \"%s\" is registered already"
		                              : "too many callbacks (weir's limit): %s",
		                      regName);
	return ACL_SUCCESS;
}

/* ------------------------------------------------------------------------ */
/* Stream resources (aclrtGetStreamAvailableNum)                             */
/* ------------------------------------------------------------------------ */

/*
 * Each device has WEIR_ACL_STREAMS_PER_DEVICE streams. The count of those in
 * use is weir's own (weir_device_stream_count: every stream living on the
 * device, contexts' default streams and streams still draining after a
 * force destroy included), so nothing here can drift from it. User stream
 * creates check the room and create under one mutex, so two creates never
 * both take the last stream; a context's default stream is never refused
 * (it may leave the device above the limit, and then none is available).
 */
#define WEIR_ACL_STREAMS_PER_DEVICE 2048u

static pthread_mutex_t weir_acl_stream_room_mu = PTHREAD_MUTEX_INITIALIZER;

static uint32_t weir_acl_stream_room(uint32_t dev, int *st)
{
	uint32_t live = 0;
	*st = weir_device_stream_count(weir__acl_runtime(), dev, &live);
	return live < WEIR_ACL_STREAMS_PER_DEVICE ? WEIR_ACL_STREAMS_PER_DEVICE - live : 0;
}

/* On ACL_SUCCESS the mutex is held: the caller creates, then unlocks. The
 * reason is left as resolution helpers do (WEIR__ACL_TRY records it). */
static aclError weir_acl_stream_room_lock(uint32_t dev)
{
	int st;
	pthread_mutex_lock(&weir_acl_stream_room_mu);
	uint32_t room = weir_acl_stream_room(dev, &st);
	if (st == WEIR_OK && room > 0)
		return ACL_SUCCESS;
	pthread_mutex_unlock(&weir_acl_stream_room_mu);
	if (st != WEIR_OK) {
		weir__acl_set_reason("cannot count the streams of device %u", (unsigned)dev);
		return weir__acl_from_weir(st);
	}
	weir__acl_set_reason("device %u already has %u streams (weir's limit per device)",
	                     (unsigned)dev, WEIR_ACL_STREAMS_PER_DEVICE);
	return ACL_ERROR_RT_NO_STREAM_RESOURCE;
}

static void weir_acl_stream_room_unlock(void)
{
	pthread_mutex_unlock(&weir_acl_stream_room_mu);
}

ACL_FUNC_VISIBILITY aclError aclrtGetStreamAvailableNum(uint32_t *streamCount)
{
	static const char api[] = "aclrtGetStreamAvailableNum";
	weir__acl_ctx_info_t info;
	if (!streamCount)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "streamCount is NULL");
	WEIR__ACL_TRY(api, weir__acl_current_context(&info));
	int st;
	uint32_t room = weir_acl_stream_room(info.device, &st);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "counting the device's streams");
	*streamCount = room;
	return ACL_SUCCESS;
}
