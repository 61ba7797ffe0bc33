/*
 * acl_compat/runtime/reslimit.c - core limits (acl_rt.h "Resource limits")
 * over weir's block limits (weir/sched.h "Block limits"): a limit caps how
 * many of the device's workers run the blocks of one kernel at once.
 * ACL_RT_DEV_RES_CUBE_CORE and _VECTOR_CORE are weir's two core classes;
 * a weir kernel is capped by both (a worker is both kinds of core).
 *
 * ACL's rules kept: the stream's limit overrides the device's, which
 * overrides the hardware's (the worker count); a query without a limit set
 * reports the next level; a NULL stream is the current context's default
 * stream; aclrtUseStreamResInCurrentThread selects the stream whose limits
 * aclrtGetResInCurrentThread reports. Codes: NULL output 100000 (ACL
 * layer), bad type or value 107000, bad device 107001, bad stream 107017.
 * weir differs (docs/acl.md): a value above the worker count is accepted
 * and caps at the worker count; a stream's limit applies to every kernel
 * of that stream, whichever thread launched it.
 */
#include "acl_compat/acl_internal.h"
#include "acl_compat/acl_state.h"

/* The stream chosen by aclrtUseStreamResInCurrentThread (a weir handle:
 * checked against the registry on every use, so a destroyed one is just
 * not found). */
static _Thread_local weir_stream_t *weir_acl_res_stream;

static aclError weir_acl_res_type(aclrtDevResLimitType type, const char *api)
{
	if ((int)type != ACL_RT_DEV_RES_CUBE_CORE && (int)type != ACL_RT_DEV_RES_VECTOR_CORE)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "resource type %d is not in [0, 2)", (int)type);
	return ACL_SUCCESS;
}

static int weir_acl_res_class(aclrtDevResLimitType type)
{
	return type == ACL_RT_DEV_RES_CUBE_CORE ? WEIR_CORE_CUBE : WEIR_CORE_VECTOR;
}

/* The device's value: its limit, else its worker count. */
static uint32_t weir_acl_dev_value(weir_runtime_t *rt, uint32_t dev, int cls)
{
	uint32_t v = 0;
	(void)weir_device_block_limit(rt, dev, cls, &v);
	if (!v)
		(void)weir_device_stats(rt, dev, NULL, &v); /* the worker count */
	return v;
}

/* ------------------------------------------------------------------------ */
/* Device limits                                                             */
/* ------------------------------------------------------------------------ */

ACL_FUNC_VISIBILITY aclError aclrtGetDeviceResLimit(int32_t deviceId, aclrtDevResLimitType type,
                                                    uint32_t *value)
{
	static const char api[] = "aclrtGetDeviceResLimit";
	if (!value)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "value is NULL");
	aclError rc = weir_acl_res_type(type, api);
	if (rc != ACL_SUCCESS)
		return rc;
	weir_runtime_t *rt = weir__acl_runtime();
	rc = weir__acl_device_check(rt, deviceId, api);
	if (rc != ACL_SUCCESS)
		return rc;
	*value = weir_acl_dev_value(rt, (uint32_t)deviceId, weir_acl_res_class(type));
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtSetDeviceResLimit(int32_t deviceId, aclrtDevResLimitType type,
                                                    uint32_t value)
{
	static const char api[] = "aclrtSetDeviceResLimit";
	aclError rc = weir_acl_res_type(type, api);
	if (rc != ACL_SUCCESS)
		return rc;
	weir_runtime_t *rt = weir__acl_runtime();
	rc = weir__acl_device_check(rt, deviceId, api);
	if (rc != ACL_SUCCESS)
		return rc;
	if (value == 0)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "a limit of 0 cores leaves no worker to run a kernel");
	int st = weir_device_set_block_limit(rt, (uint32_t)deviceId, weir_acl_res_class(type),
	                                     value);
	return st == WEIR_OK ? ACL_SUCCESS : weir__acl_fail_weir(st, api, "device block limit");
}

ACL_FUNC_VISIBILITY aclError aclrtResetDeviceResLimit(int32_t deviceId)
{
	static const char api[] = "aclrtResetDeviceResLimit";
	weir_runtime_t *rt = weir__acl_runtime();
	aclError rc = weir__acl_device_check(rt, deviceId, api);
	if (rc != ACL_SUCCESS)
		return rc;
	for (int c = 0; c < WEIR_CORE_CLASSES; c++) {
		int st = weir_device_set_block_limit(rt, (uint32_t)deviceId, c, 0);
		if (st != WEIR_OK)
			return weir__acl_fail_weir(st, api, "device block limit");
	}
	return ACL_SUCCESS;
}

/* ------------------------------------------------------------------------ */
/* Stream limits                                                             */
/* ------------------------------------------------------------------------ */

/* The stream's value: its limit, else its device's value. WEIR_EHANDLE
 * when s is gone. */
static int weir_acl_stream_value(weir_stream_t *s, int cls, uint32_t *value)
{
	uint32_t v = 0, dev = 0;
	int st = weir_stream_block_limit(s, cls, &v);
	if (st == WEIR_OK && !v) {
		st = weir_stream_device(s, &dev);
		if (st == WEIR_OK)
			v = weir_acl_dev_value(weir__acl_runtime(), dev, cls);
	}
	if (st == WEIR_OK)
		*value = v;
	return st;
}

ACL_FUNC_VISIBILITY aclError aclrtGetStreamResLimit(aclrtStream stream, aclrtDevResLimitType type,
                                                    uint32_t *value)
{
	static const char api[] = "aclrtGetStreamResLimit";
	if (!value)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "value is NULL");
	aclError rc = weir_acl_res_type(type, api);
	if (rc != ACL_SUCCESS)
		return rc;
	weir_stream_t *s;
	WEIR__ACL_TRY(api, weir__acl_resolve_stream_any(stream, &s));
	int st = weir_acl_stream_value(s, weir_acl_res_class(type), value);
	return st == WEIR_OK ? ACL_SUCCESS : weir__acl_fail_weir(st, api, "stream block limit");
}

ACL_FUNC_VISIBILITY aclError aclrtSetStreamResLimit(aclrtStream stream, aclrtDevResLimitType type,
                                                    uint32_t value)
{
	static const char api[] = "aclrtSetStreamResLimit";
	aclError rc = weir_acl_res_type(type, api);
	if (rc != ACL_SUCCESS)
		return rc;
	weir_stream_t *s;
	WEIR__ACL_TRY(api, weir__acl_resolve_stream_any(stream, &s));
	if (value == 0)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "a limit of 0 cores leaves no worker to run a kernel");
	int st = weir_stream_set_block_limit(s, weir_acl_res_class(type), value);
	return st == WEIR_OK ? ACL_SUCCESS : weir__acl_fail_weir(st, api, "stream block limit");
}

ACL_FUNC_VISIBILITY aclError aclrtResetStreamResLimit(aclrtStream stream)
{
	static const char api[] = "aclrtResetStreamResLimit";
	weir_stream_t *s;
	WEIR__ACL_TRY(api, weir__acl_resolve_stream_any(stream, &s));
	for (int c = 0; c < WEIR_CORE_CLASSES; c++) {
		int st = weir_stream_set_block_limit(s, c, 0);
		if (st != WEIR_OK)
			return weir__acl_fail_weir(st, api, "stream block limit");
	}
	return ACL_SUCCESS;
}

/* ------------------------------------------------------------------------ */
/* The calling thread's choice                                               */
/* ------------------------------------------------------------------------ */

ACL_FUNC_VISIBILITY aclError aclrtUseStreamResInCurrentThread(aclrtStream stream)
{
	weir_stream_t *s;
	WEIR__ACL_TRY("aclrtUseStreamResInCurrentThread", weir__acl_resolve_stream_any(stream, &s));
	weir_acl_res_stream = s;
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtUnuseStreamResInCurrentThread(aclrtStream stream)
{
	weir_stream_t *s;
	WEIR__ACL_TRY("aclrtUnuseStreamResInCurrentThread",
	              weir__acl_resolve_stream_any(stream, &s));
	/* Another stream than the chosen one: nothing to undo (ACL's rule). */
	if (weir_acl_res_stream == s)
		weir_acl_res_stream = NULL;
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtGetResInCurrentThread(aclrtDevResLimitType type, uint32_t *value)
{
	static const char api[] = "aclrtGetResInCurrentThread";
	if (!value)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "value is NULL");
	aclError rc = weir_acl_res_type(type, api);
	if (rc != ACL_SUCCESS)
		return rc;
	int cls = weir_acl_res_class(type);
	uint32_t v = 0;
	/* The chosen stream's own limit for this type, if it has one. */
	if (weir_acl_res_stream &&
	    weir_stream_block_limit(weir_acl_res_stream, cls, &v) == WEIR_OK && v) {
		*value = v;
		return ACL_SUCCESS;
	}
	int32_t dev;
	WEIR__ACL_TRY(api, weir__acl_current_device(&dev));
	*value = weir_acl_dev_value(weir__acl_runtime(), (uint32_t)dev, cls);
	return ACL_SUCCESS;
}
