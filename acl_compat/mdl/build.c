/*
 * acl_compat/mdl/build.c - aclmdlRIBuildBegin/BindStream/UnbindStream/EndTask/BuildEnd: models built from persistent streams bound to an RI (the RI table: mdl/mdl.h).
 */
#include "acl_compat/mdl/mdl.h"

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
	pthread_mutex_lock(&weir__acl_mdl_mu);
	struct weir_acl_ri *e = weir__acl_mdl_add_locked(ri, (uint32_t)dev, true, NULL);
	pthread_mutex_unlock(&weir__acl_mdl_mu);
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
	aclError rc = weir__acl_mdl_check(modelRI, api);
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
	aclError rc = weir__acl_mdl_check(modelRI, api);
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
	aclError rc = weir__acl_mdl_check(modelRI, api);
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
	aclError rc = weir__acl_mdl_check(modelRI, api);
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
