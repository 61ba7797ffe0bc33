/*
 * acl_compat/tdt/common.c - TDT handles over the one registry, and time-outs
 * (tdt.h).
 */
#include "acl_compat/tdt/tdt.h"

#include "base/alloc.h"
#include "base/atomic.h"
#include "base/obj.h"
#include "base/rcu.h"

struct weir_acl_ktype weir_acl_tdt_type = { .name = "acl.tdt" };

aclError weir__acl_tdt_destroy(const void *h, enum weir_acl_tdt_kind kind, const char *api,
                               const char *what, void (*pre)(struct weir_acl_kobj *o))
{
	if (!h)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL", what);
	struct weir_acl_kobj *o = weir__acl_tdt_get(h, kind);
	if (!o)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "%s %p is not a live %s (destroyed or never created)", what,
		                      h, what);
	if (!weir__acl_tdt_unpublish(o)) {
		weir__acl_tdt_put(o);
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "%s %p is being destroyed by another call", what, h);
	}
	if (pre)
		pre(o);
	weir__acl_tdt_put(o); /* ours */
	weir__acl_tdt_put(o); /* the handle's */
	return ACL_SUCCESS;
}

aclError weir__acl_tdt_timeout(int32_t timeout_ms, int64_t *ns, const char *api)
{
	if (timeout_ms < -1)
		return weir__acl_fail(
		        ACL_ERROR_INVALID_PARAM, api,
		        "timeout %d is invalid (-1: wait forever, 0: no wait, > 0: ms)",
		        (int)timeout_ms);
	*ns = timeout_ms < 0 ? -1 : (int64_t)timeout_ms * 1000000;
	return ACL_SUCCESS;
}
