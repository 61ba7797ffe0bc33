/*
 * acl_compat/runtime/notify.c - aclrt*Notify: ACL's notify over weir's
 * native notify (sched/notify.c, weir/sched.h "Notifies").
 *
 * An aclrtNotify is the weir_notify_t handle itself (a registry handle,
 * validated on every call: a destroyed or garbage one gives 107017 and is
 * never dereferenced). A notify belongs to the device of the context current
 * at create; records must be queued on that device's streams (107003
 * otherwise), waits on any stream of the process.
 *
 * Semantics (docs/acl.md, section S): a record adds one pending signal, a
 * wait consumes one; N records release N waits. aclrtWaitAndResetNotify's
 * timeout is in seconds (0: forever, unless aclrtSetOpWaitTimeout set a
 * process-wide limit, which then applies); a wait that outlives it fails
 * with 107020 (ACL_ERROR_RT_TASK_TIMEOUT), reported by the stream's next
 * synchronize, and the stream follows its failure mode. Destroying a notify
 * a stream still waits for fails that wait (107017 at the next synchronize)
 * instead of stranding the stream.
 */
#include "acl_compat/acl_internal.h"
#include "acl_compat/acl_state.h"

/* Look up `notify` for api: NULL -> 100000, no runtime -> 100001, dead or
 * garbage -> 107017. *dev gets its device. */
static aclError weir_acl_notify_arg(aclrtNotify notify, uint32_t *dev, const char *api)
{
	if (!notify)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "notify is NULL");
	if (!weir__acl_runtime())
		return weir__acl_fail(ACL_ERROR_UNINITIALIZE, api,
		                      "aclInit has not been called (weir has no runtime yet)");
	if (weir_notify_device((weir_notify_t *)notify, dev) != WEIR_OK)
		return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api,
		                      "notify %p is not a live notify (destroyed or never created)",
		                      notify);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtCreateNotify(aclrtNotify *notify, uint64_t flag)
{
	static const char api[] = "aclrtCreateNotify";
	weir__acl_ctx_info_t info;
	if (!notify)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "notify is NULL");
	if (flag != ACL_NOTIFY_DEFAULT && flag != ACL_NOTIFY_DEVICE_USE_ONLY)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "flag 0x%llx is not ACL_NOTIFY_DEFAULT or "
		                      "ACL_NOTIFY_DEVICE_USE_ONLY",
		                      (unsigned long long)flag);
	WEIR__ACL_TRY(api, weir__acl_current_context(&info));
	weir_notify_t *n = NULL;
	int st = weir_notify_create(weir__acl_runtime(), info.device, &n);
	if (st == WEIR_ENOMEM)
		return weir__acl_fail(ACL_ERROR_RT_NO_NOTIFY_RESOURCE, api,
		                      "out of memory (notify)");
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "cannot create the notify");
	*notify = (aclrtNotify)n;
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtDestroyNotify(aclrtNotify notify)
{
	static const char api[] = "aclrtDestroyNotify";
	uint32_t dev;
	aclError rc = weir_acl_notify_arg(notify, &dev, api);
	if (rc != ACL_SUCCESS)
		return rc;
	/* Never blocks; a racing second destroy loses with 107017. */
	if (weir_notify_destroy((weir_notify_t *)notify) != WEIR_OK)
		return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api,
		                      "notify %p is not a live notify (destroyed or never created)",
		                      notify);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtRecordNotify(aclrtNotify notify, aclrtStream stream)
{
	static const char api[] = "aclrtRecordNotify";
	uint32_t dev;
	weir_stream_t *s;
	aclError rc = weir_acl_notify_arg(notify, &dev, api);
	if (rc != ACL_SUCCESS)
		return rc;
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &s));
	int st = weir_notify_record((weir_notify_t *)notify, s);
	if (st == WEIR_EFOREIGN)
		return weir__acl_fail(
		        ACL_ERROR_RT_STREAM_CONTEXT, api,
		        "notify %p belongs to device %u, the stream to another device", notify,
		        (unsigned)dev);
	if (st == WEIR_EHANDLE)
		return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api,
		                      "notify %p or the stream was destroyed meanwhile", notify);
	if (st != WEIR_OK)
		return weir__acl_fail_submit(st, s, api, "queueing the record");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtWaitAndResetNotify(aclrtNotify notify, aclrtStream stream,
                                                     uint32_t timeout)
{
	static const char api[] = "aclrtWaitAndResetNotify";
	uint32_t dev;
	weir_stream_t *s;
	aclError rc = weir_acl_notify_arg(notify, &dev, api);
	if (rc != ACL_SUCCESS)
		return rc;
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &s));
	uint32_t secs = timeout ? timeout : weir__acl_op_wait_timeout_s();
	int st = weir_notify_wait((weir_notify_t *)notify, s, (int64_t)secs * 1000000000);
	if (st == WEIR_EHANDLE)
		return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api,
		                      "notify %p or the stream was destroyed meanwhile", notify);
	if (st != WEIR_OK)
		return weir__acl_fail_submit(st, s, api, "queueing the wait");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtGetNotifyId(aclrtNotify notify, uint32_t *notifyId)
{
	static const char api[] = "aclrtGetNotifyId";
	uint32_t dev;
	if (!notifyId)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "notifyId is NULL");
	aclError rc = weir_acl_notify_arg(notify, &dev, api);
	if (rc != ACL_SUCCESS)
		return rc;
	if (weir_notify_id((weir_notify_t *)notify, notifyId) != WEIR_OK)
		return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api,
		                      "notify %p was destroyed meanwhile", notify);
	return ACL_SUCCESS;
}
