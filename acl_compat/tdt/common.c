/*
 * acl_compat/tdt/common.c - TDT handles over the one registry, and time-outs
 * (tdt.h).
 */
#include "acl_compat/tdt/tdt.h"

#include "base/alloc.h"
#include "base/atomic.h"
#include "base/obj.h"
#include "base/rcu.h"

/* A: relaxed - the registry type id of every TDT object, asked for on first
 * use; weir__reg_type gives the same id for the same name, so two threads
 * racing here store the same value. */
static _Atomic uint32_t weir_acl_tdt_type;

static uint32_t weir_acl_tdt_type_id(void)
{
	uint32_t t = weir_load_relaxed(&weir_acl_tdt_type);
	if (!t) {
		t = weir__reg_type("acl.tdt");
		weir_store_relaxed(&weir_acl_tdt_type, t);
	}
	return t;
}

bool weir__acl_tdt_publish(struct weir_acl_tdt_obj *o, enum weir_acl_tdt_kind kind,
                           void (*fini)(struct weir_acl_tdt_obj *o))
{
	uint32_t t = weir_acl_tdt_type_id();
	if (!t)
		return false;
	o->kind = (uint32_t)kind;
	o->fini = fini;
	weir__ref_init(&o->refs);
	return weir__reg_insert(&o->obj, t) == WEIR_OK;
}

struct weir_acl_tdt_obj *weir__acl_tdt_get(const void *h, enum weir_acl_tdt_kind kind)
{
	uint32_t t = weir_load_relaxed(&weir_acl_tdt_type);
	if (!h || !t)
		return NULL;
	weir__rcu_read_lock();
	struct weir_obj *ro = weir__reg_lookup(h, t);
	struct weir_acl_tdt_obj *o = ro ? caa_container_of(ro, struct weir_acl_tdt_obj, obj) : NULL;
	/* O2: destroy puts without a grace period, so only a count that is
	 * still above zero may be revived. */
	if (o && (o->kind != (uint32_t)kind || !weir__ref_get_unless_zero(&o->refs)))
		o = NULL;
	weir__rcu_read_unlock();
	return o;
}

void weir__acl_tdt_ref(struct weir_acl_tdt_obj *o)
{
	weir__ref_get(&o->refs);
}

static void weir_acl_tdt_free(struct weir_obj *ro)
{
	struct weir_acl_tdt_obj *o = caa_container_of(ro, struct weir_acl_tdt_obj, obj);
	if (o->fini)
		o->fini(o);
	weir__free(o);
}

void weir__acl_tdt_put(struct weir_acl_tdt_obj *o)
{
	if (weir__ref_put(&o->refs))
		weir__obj_retire(&o->obj, weir_acl_tdt_free);
}

bool weir__acl_tdt_unpublish(struct weir_acl_tdt_obj *o)
{
	return weir__reg_remove(&o->obj);
}

aclError weir__acl_tdt_destroy(const void *h, enum weir_acl_tdt_kind kind, const char *api,
                               const char *what, void (*pre)(struct weir_acl_tdt_obj *o))
{
	if (!h)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL", what);
	struct weir_acl_tdt_obj *o = weir__acl_tdt_get(h, kind);
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
