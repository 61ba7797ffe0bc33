/*
 * acl_compat/runtime/label.c - labels and stream activation inside a model
 * RI: aclrtCreateLabel, aclrtSetLabel, aclrtDestroyLabel,
 * aclrtCreateLabelList, aclrtDestroyLabelList, aclrtSwitchLabelByIndex,
 * aclrtActiveStream, aclrtSwitchStream.
 *
 * Handles: an aclrtLabel is the native weir_label_t pointer and an
 * aclrtLabelList the native weir_label_list_t pointer; weir validates them
 * against its registry (WEIR_EHANDLE -> 107017 for a destroyed or garbage
 * value). The control tasks are recorded on a stream that is being captured
 * or is bound to an RI being built (aclmdlRIBindStream); on any other stream
 * they give ACL_ERROR_RT_STREAM_NOT_CAPTURED (107029).
 */
#include "acl_compat/acl_internal.h"

static aclError weir_acl_label_fail(int st, aclrtStream stream, const char *api, const char *what)
{
	if (st == WEIR_ESTATE)
		return weir__acl_fail(ACL_ERROR_RT_STREAM_NOT_CAPTURED, api,
		                      "stream %p is neither captured nor bound to a model being "
		                      "built, so it records no %s",
		                      stream, what);
	return weir__acl_fail_weir(st, api, what);
}

ACL_FUNC_VISIBILITY aclError aclrtCreateLabel(aclrtLabel *label)
{
	static const char api[] = "aclrtCreateLabel";
	if (!label)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "label is NULL");
	if (!weir__acl_runtime())
		return weir__acl_fail(ACL_ERROR_UNINITIALIZE, api, "aclInit has not been called");
	weir_label_t *l = NULL;
	int st = weir_label_create(&l);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "creating the label");
	*label = l;
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtDestroyLabel(aclrtLabel label)
{
	static const char api[] = "aclrtDestroyLabel";
	if (!label)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "label is NULL");
	int st = weir_label_destroy((weir_label_t *)label);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "destroying the label");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtSetLabel(aclrtLabel label, aclrtStream stream)
{
	static const char api[] = "aclrtSetLabel";
	weir_stream_t *s;
	if (!label)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "label is NULL");
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &s));
	int st = weir_ri_set_label((weir_label_t *)label, s);
	if (st != WEIR_OK)
		return weir_acl_label_fail(st, stream, api, "label");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtCreateLabelList(aclrtLabel *labels, size_t num,
                                                  aclrtLabelList *labelList)
{
	static const char api[] = "aclrtCreateLabelList";
	if (!labels || !labelList)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      labels ? "labelList" : "labels");
	if (num == 0)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "num is 0");
	weir_label_list_t *ll = NULL;
	int st = weir_label_list_create((weir_label_t *const *)labels, num, &ll);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "creating the label list");
	*labelList = ll;
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtDestroyLabelList(aclrtLabelList labelList)
{
	static const char api[] = "aclrtDestroyLabelList";
	if (!labelList)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "labelList is NULL");
	int st = weir_label_list_destroy((weir_label_list_t *)labelList);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "destroying the label list");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtSwitchLabelByIndex(void *ptr, uint32_t maxValue,
                                                     aclrtLabelList labelList, aclrtStream stream)
{
	static const char api[] = "aclrtSwitchLabelByIndex";
	weir_stream_t *s;
	if (!ptr || !labelList)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      ptr ? "labelList" : "ptr");
	if (maxValue == 0)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "maxValue is 0");
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &s));
	int st = weir_ri_switch_label((const uint32_t *)ptr, maxValue,
	                              (weir_label_list_t *)labelList, s);
	if (st != WEIR_OK)
		return weir_acl_label_fail(st, stream, api, "label switch");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtActiveStream(aclrtStream activeStream, aclrtStream stream)
{
	static const char api[] = "aclrtActiveStream";
	weir_stream_t *target, *s;
	if (!activeStream)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "activeStream is NULL");
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(activeStream, &target));
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &s));
	int st = weir_ri_activate(target, s);
	if (st != WEIR_OK)
		return weir_acl_label_fail(st, stream, api, "stream activation");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtSwitchStream(void *leftValue, aclrtCondition cond,
                                               void *rightValue, aclrtCompareDataType dataType,
                                               aclrtStream trueStream, aclrtStream falseStream,
                                               aclrtStream stream)
{
	static const char api[] = "aclrtSwitchStream";
	weir_stream_t *target, *s;
	int wc;
	if (!leftValue || !rightValue || !trueStream)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      !leftValue ? "leftValue"
		                                 : (!rightValue ? "rightValue" : "trueStream"));
	if (falseStream)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "falseStream is reserved and must be NULL");
	switch (cond) {
	case ACL_RT_EQUAL: wc = WEIR_CMP_EQ; break;
	case ACL_RT_NOT_EQUAL: wc = WEIR_CMP_NE; break;
	case ACL_RT_GREATER: wc = WEIR_CMP_GT; break;
	case ACL_RT_GREATER_OR_EQUAL: wc = WEIR_CMP_GE; break;
	case ACL_RT_LESS: wc = WEIR_CMP_LT; break;
	case ACL_RT_LESS_OR_EQUAL: wc = WEIR_CMP_LE; break;
	default:
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "cond %d is not an aclrtCondition", (int)cond);
	}
	if (dataType != ACL_RT_SWITCH_INT32 && dataType != ACL_RT_SWITCH_INT64)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "dataType %d is not ACL_RT_SWITCH_INT32 or _INT64",
		                      (int)dataType);
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(trueStream, &target));
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &s));
	int st = weir_ri_switch_stream(leftValue, wc, rightValue, dataType == ACL_RT_SWITCH_INT64,
	                               target, s);
	if (st != WEIR_OK)
		return weir_acl_label_fail(st, stream, api, "stream switch");
	return ACL_SUCCESS;
}
