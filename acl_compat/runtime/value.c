/*
 * acl_compat/runtime/value.c - aclrtValueWrite / aclrtValueWait over weir's
 * memory-value tasks (sched/value.c, weir/sched.h "Memory-value tasks").
 *
 * ACL's word is 64 bits wide (the devAddr of both calls names a 64-bit word
 * of device memory); weir also requires it 8-byte aligned, since the word
 * is read and written atomically. The address must lie, with its 8 bytes,
 * inside a live device allocation of this process (aclrtMalloc*): host or
 * foreign memory gives 107000, as in ACL. The comparison flags are ACL's
 * ACL_STREAM_WAIT_VALUE_* values, which weir's WEIR_VALUE_* equal.
 * A wait never blocks a worker: its stream spins briefly, then parks, and
 * is re-checked on the wake rules of sched/value.c (every value write, every
 * kernel and async copy or fill of the runtime, and a 2 ms poll).
 */
#include "acl_compat/acl_internal.h"
#include "acl_compat/acl_state.h"
#include "weir/mem.h"

_Static_assert(ACL_STREAM_WAIT_VALUE_GEQ == WEIR_VALUE_GEQ &&
                       ACL_STREAM_WAIT_VALUE_EQ == WEIR_VALUE_EQ &&
                       ACL_STREAM_WAIT_VALUE_AND == WEIR_VALUE_AND &&
                       ACL_STREAM_WAIT_VALUE_NOR == WEIR_VALUE_NOR,
               "ACL's wait flags are weir's comparisons");

/* The devAddr checks shared by both calls. */
static aclError weir_acl_value_addr(void *devAddr, const char *api)
{
	if (!devAddr)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "devAddr is NULL");
	weir_mem_t *m = weir__acl_mem();
	if (!m)
		return weir__acl_fail(ACL_ERROR_UNINITIALIZE, api,
		                      "aclInit has not been called (weir has no runtime yet)");
	weir_mem_ptrinfo_t info;
	if (weir_mem_classify(m, devAddr, &info) != WEIR_OK || info.kind != WEIR_MEM_KIND_DEVICE ||
	    !info.live || info.size - info.offset < sizeof(uint64_t))
		return weir__acl_fail(
		        ACL_ERROR_RT_PARAM_INVALID, api,
		        "devAddr %p does not hold a 64-bit word of live device memory "
		        "(allocate it with aclrtMalloc)",
		        devAddr);
	if ((uintptr_t)devAddr & 7u)
		return weir__acl_fail(ACL_ERROR_RT_ADDR_UNALIGNED, api,
		                      "devAddr %p is not 8-byte aligned (the word is accessed "
		                      "atomically)",
		                      devAddr);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtValueWrite(void *devAddr, uint64_t value, uint32_t flag,
                                             aclrtStream stream)
{
	static const char api[] = "aclrtValueWrite";
	weir_stream_t *s;
	aclError rc = weir_acl_value_addr(devAddr, api);
	if (rc != ACL_SUCCESS)
		return rc;
	if (flag != 0)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "flag %u is reserved and must be 0", (unsigned)flag);
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &s));
	int st = weir_value_write(s, devAddr, value, 0);
	if (st != WEIR_OK)
		return weir__acl_fail_submit(st, s, api, "queueing the value write");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtValueWait(void *devAddr, uint64_t value, uint32_t flag,
                                            aclrtStream stream)
{
	static const char api[] = "aclrtValueWait";
	weir_stream_t *s;
	aclError rc = weir_acl_value_addr(devAddr, api);
	if (rc != ACL_SUCCESS)
		return rc;
	if (flag > ACL_STREAM_WAIT_VALUE_NOR)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "flag %u is not an ACL_STREAM_WAIT_VALUE_* comparison (0..3)",
		                      (unsigned)flag);
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &s));
	int st = weir_value_wait(s, devAddr, value, flag, 0);
	if (st != WEIR_OK)
		return weir__acl_fail_submit(st, s, api, "queueing the value wait");
	return ACL_SUCCESS;
}
