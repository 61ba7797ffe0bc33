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
 *
 * Count notifies (aclrtCntNotify*) are weir counter notifies
 * (WEIR_NOTIFY_COUNTER) behind the same kind of handle; each family of
 * calls refuses the other's handles with 107017, as ACL keeps them apart.
 * ACL's record modes map to weir's ops (SET, ADD, OR, AND), its wait modes
 * to weir's conditions (LT, EQ, GT, GEQ, ALL_BITS), isClear to
 * WEIR_NOTIFY_WAIT_CLEAR. Reset is a SET record of 0, as in ACL's runtime.
 */
#include "acl_compat/acl_internal.h"
#include "acl_compat/acl_state.h"

/* Look up `notify` of the family `counter` for api: NULL -> 100000, no
 * runtime -> 100001, dead, garbage or of the other family -> 107017. *dev
 * gets its device. */
static aclError weir_acl_notify_kind(void *notify, bool counter, uint32_t *dev, const char *api)
{
	const char *what = counter ? "count notify" : "notify";
	uint32_t flags = 0;
	if (!notify)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL", what);
	if (!weir__acl_runtime())
		return weir__acl_fail(ACL_ERROR_UNINITIALIZE, api,
		                      "aclInit has not been called (weir has no runtime yet)");
	if (weir_notify_device((weir_notify_t *)notify, dev) != WEIR_OK ||
	    weir_notify_flags((weir_notify_t *)notify, &flags) != WEIR_OK)
		return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api,
		                      "%s %p is not live (destroyed or never created)", what,
		                      notify);
	if (((flags & WEIR_NOTIFY_COUNTER) != 0) != counter)
		return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api, "%p is a %s, not a %s",
		                      notify, counter ? "notify" : "count notify", what);
	return ACL_SUCCESS;
}

static aclError weir_acl_notify_arg(aclrtNotify notify, uint32_t *dev, const char *api)
{
	return weir_acl_notify_kind(notify, false, dev, api);
}

/* aclrtCreateNotify / aclrtCntNotifyCreate: check the flag, then a native
 * notify with `native` flags on the current context's device. */
static aclError weir_acl_notify_new(void **out, const char *out_name, uint64_t flag,
                                    uint32_t native, const char *what, const char *api)
{
	weir__acl_ctx_info_t info;
	if (!out)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL", out_name);
	if (flag != ACL_NOTIFY_DEFAULT && flag != ACL_NOTIFY_DEVICE_USE_ONLY)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "flag 0x%llx is not ACL_NOTIFY_DEFAULT or "
		                      "ACL_NOTIFY_DEVICE_USE_ONLY",
		                      (unsigned long long)flag);
	WEIR__ACL_TRY(api, weir__acl_current_context(&info));
	weir_notify_t *n = NULL;
	int st = weir_notify_create_flags(weir__acl_runtime(), info.device, native, &n);
	if (st == WEIR_ENOMEM)
		return weir__acl_fail(ACL_ERROR_RT_NO_NOTIFY_RESOURCE, api, "out of memory (%s)",
		                      what);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api,
		                           native ? "cannot create the count notify"
		                                  : "cannot create the notify");
	*out = n;
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtCreateNotify(aclrtNotify *notify, uint64_t flag)
{
	return weir_acl_notify_new(notify, "notify", flag, 0, "notify", "aclrtCreateNotify");
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

ACL_FUNC_VISIBILITY aclError aclrtNotifyBatchReset(aclrtNotify *notifies, size_t num)
{
	static const char api[] = "aclrtNotifyBatchReset";
	uint32_t dev;
	if (!notifies)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "notifies is NULL");
	if (num == 0 || num > UINT32_MAX)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "num %zu is not in [1, 2^32)", num);
	/* Every handle first, so that a bad one resets none. */
	for (size_t i = 0; i < num; i++) {
		aclError rc = weir_acl_notify_arg(notifies[i], &dev, api);
		if (rc != ACL_SUCCESS)
			return weir__acl_fail(rc, api, "notifies[%zu] (%p): %s", i, notifies[i],
			                      rc == ACL_ERROR_INVALID_PARAM
			                              ? "NULL"
			                              : "not a live notify; none was reset");
	}
	for (size_t i = 0; i < num; i++)
		if (weir_notify_reset((weir_notify_t *)notifies[i]) != WEIR_OK)
			return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api,
			                      "notifies[%zu] (%p) was destroyed meanwhile", i,
			                      notifies[i]);
	return ACL_SUCCESS;
}

/* ------------------------------------------------------------------------ */
/* Count notifies                                                            */
/* ------------------------------------------------------------------------ */

static aclError weir_acl_cnt_arg(aclrtCntNotify cnt, uint32_t *dev, const char *api)
{
	return weir_acl_notify_kind(cnt, true, dev, api);
}

/* A queueing call's weir status -> ACL's code. */
static aclError weir_acl_cnt_queued(int st, void *cnt, uint32_t dev, weir_stream_t *s,
                                    const char *api)
{
	if (st == WEIR_OK)
		return ACL_SUCCESS;
	if (st == WEIR_EFOREIGN)
		return weir__acl_fail(ACL_ERROR_RT_STREAM_CONTEXT, api,
		                      "count notify %p belongs to device %u, the stream to "
		                      "another device",
		                      cnt, (unsigned)dev);
	if (st == WEIR_EHANDLE)
		return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api,
		                      "count notify %p or the stream was destroyed meanwhile", cnt);
	return weir__acl_fail_submit(st, s, api, "queueing the count notify task");
}

ACL_FUNC_VISIBILITY aclError aclrtCntNotifyCreate(aclrtCntNotify *cntNotify, uint64_t flag)
{
	return weir_acl_notify_new(cntNotify, "cntNotify", flag, WEIR_NOTIFY_COUNTER,
	                           "count notify", "aclrtCntNotifyCreate");
}

ACL_FUNC_VISIBILITY aclError aclrtCntNotifyDestroy(aclrtCntNotify cntNotify)
{
	static const char api[] = "aclrtCntNotifyDestroy";
	uint32_t dev;
	aclError rc = weir_acl_cnt_arg(cntNotify, &dev, api);
	if (rc != ACL_SUCCESS)
		return rc;
	if (weir_notify_destroy((weir_notify_t *)cntNotify) != WEIR_OK)
		return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api,
		                      "count notify %p was destroyed meanwhile", cntNotify);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtCntNotifyRecord(aclrtCntNotify cntNotify, aclrtStream stream,
                                                  aclrtCntNotifyRecordInfo *info)
{
	static const char api[] = "aclrtCntNotifyRecord";
	uint32_t dev;
	weir_stream_t *s;
	aclError rc = weir_acl_cnt_arg(cntNotify, &dev, api);
	if (rc != ACL_SUCCESS)
		return rc;
	if (!info)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "info is NULL");
	int op;
	switch ((int)info->mode) {
	case ACL_RT_CNT_NOTIFY_RECORD_SET_VALUE_MODE: op = WEIR_NOTIFY_OP_SET; break;
	case ACL_RT_CNT_NOTIFY_RECORD_ADD_MODE: op = WEIR_NOTIFY_OP_ADD; break;
	case ACL_RT_CNT_NOTIFY_RECORD_BIT_OR_MODE: op = WEIR_NOTIFY_OP_OR; break;
	case ACL_RT_CNT_NOTIFY_RECORD_BIT_AND_MODE: op = WEIR_NOTIFY_OP_AND; break;
	default:
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "info->mode %d is not a record mode (0 SET_VALUE, 1 ADD, "
		                      "2 BIT_OR, 4 BIT_AND)",
		                      (int)info->mode);
	}
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &s));
	int st = weir_notify_record_op((weir_notify_t *)cntNotify, s, op, info->value);
	return weir_acl_cnt_queued(st, cntNotify, dev, s, api);
}

ACL_FUNC_VISIBILITY aclError aclrtCntNotifyWaitWithTimeout(aclrtCntNotify cntNotify,
                                                           aclrtStream stream,
                                                           aclrtCntNotifyWaitInfo *info)
{
	static const char api[] = "aclrtCntNotifyWaitWithTimeout";
	uint32_t dev;
	weir_stream_t *s;
	aclError rc = weir_acl_cnt_arg(cntNotify, &dev, api);
	if (rc != ACL_SUCCESS)
		return rc;
	if (!info)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "info is NULL");
	_Static_assert(
	        (int)ACL_RT_CNT_NOTIFY_WAIT_LESS_MODE == WEIR_NOTIFY_LT &&
	                (int)ACL_RT_CNT_NOTIFY_WAIT_EQUAL_MODE == WEIR_NOTIFY_EQ &&
	                (int)ACL_RT_CNT_NOTIFY_WAIT_BIGGER_MODE == WEIR_NOTIFY_GT &&
	                (int)ACL_RT_CNT_NOTIFY_WAIT_BIGGER_OR_EQUAL_MODE == WEIR_NOTIFY_GEQ &&
	                (int)ACL_RT_CNT_NOTIFY_WAIT_EQUAL_WITH_BITMASK_MODE == WEIR_NOTIFY_ALL_BITS,
	        "ACL's wait modes are weir's notify conditions");
	if ((int)info->mode < ACL_RT_CNT_NOTIFY_WAIT_LESS_MODE ||
	    (int)info->mode > ACL_RT_CNT_NOTIFY_WAIT_EQUAL_WITH_BITMASK_MODE)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "info->mode %d is not in [0, 5) (LESS, EQUAL, BIGGER, "
		                      "BIGGER_OR_EQUAL, EQUAL_WITH_BITMASK)",
		                      (int)info->mode);
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &s));
	uint32_t secs = info->timeout ? info->timeout : weir__acl_op_wait_timeout_s();
	int st = weir_notify_wait_cond((weir_notify_t *)cntNotify, s, (int)info->mode, info->value,
	                               info->isClear ? WEIR_NOTIFY_WAIT_CLEAR : 0,
	                               (int64_t)secs * 1000000000);
	return weir_acl_cnt_queued(st, cntNotify, dev, s, api);
}

ACL_FUNC_VISIBILITY aclError aclrtCntNotifyReset(aclrtCntNotify cntNotify, aclrtStream stream)
{
	static const char api[] = "aclrtCntNotifyReset";
	uint32_t dev;
	weir_stream_t *s;
	aclError rc = weir_acl_cnt_arg(cntNotify, &dev, api);
	if (rc != ACL_SUCCESS)
		return rc;
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &s));
	int st = weir_notify_record_op((weir_notify_t *)cntNotify, s, WEIR_NOTIFY_OP_SET, 0);
	return weir_acl_cnt_queued(st, cntNotify, dev, s, api);
}

ACL_FUNC_VISIBILITY aclError aclrtCntNotifyGetId(aclrtCntNotify cntNotify, uint32_t *notifyId)
{
	static const char api[] = "aclrtCntNotifyGetId";
	uint32_t dev;
	if (!notifyId)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "notifyId is NULL");
	aclError rc = weir_acl_cnt_arg(cntNotify, &dev, api);
	if (rc != ACL_SUCCESS)
		return rc;
	if (weir_notify_id((weir_notify_t *)cntNotify, notifyId) != WEIR_OK)
		return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api,
		                      "count notify %p was destroyed meanwhile", cntNotify);
	return ACL_SUCCESS;
}
