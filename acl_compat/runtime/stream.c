/*
 * acl_compat/runtime/stream.c - aclrt* stream calls. An aclrtStream is the
 * weir_stream_t pointer itself: weir validates it against its own registry
 * on every call (a destroyed or garbage handle gives WEIR_EHANDLE -> 107017,
 * never a dereference), and weir_stream_group() tells its context.
 */
#include "acl_compat/acl_internal.h"
#include "acl_compat/acl_state.h"

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

static aclError weir_acl_stream_create(aclrtStream *stream, uint32_t priority, uint32_t flag,
                                       const char *api)
{
	weir__acl_ctx_info_t info;
	if (!stream)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "stream is NULL");
	if (flag & ACL_STREAM_PERSISTENT)
		return weir__acl_fail(
		        ACL_ERROR_RT_FEATURE_NOT_SUPPORT, api,
		        "ACL_STREAM_PERSISTENT (task capture) is not implemented by weir");
	WEIR__ACL_TRY(api, weir__acl_current_context(&info));
	if (priority > WEIR_PRIORITY_LOWEST)
		priority = WEIR_PRIORITY_LOWEST;
	uint32_t wflags = (flag & ACL_STREAM_FAST_SYNC) ? WEIR_STREAM_FAST_SYNC : 0;
	weir_stream_t *s = NULL;
	int st = weir_stream_create(info.group, (int)priority, wflags, &s);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api,
		                           "cannot create a stream in the current context");
	*stream = s;
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
