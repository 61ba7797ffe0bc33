/*
 * acl_compat/kobj.c - facade objects of several kinds per registry type
 * (kobj.h).
 */
#include "acl_compat/kobj.h"

#include "base/alloc.h"
#include "base/atomic.h"
#include "base/rcu.h"
#include "weir/status.h"

static uint32_t ktype_id(struct weir_acl_ktype *t)
{
	uint32_t id = weir_load_relaxed(&t->id);
	if (!id) {
		id = weir__reg_type(t->name);
		weir_store_relaxed(&t->id, id);
	}
	return id;
}

bool weir__acl_kobj_publish(struct weir_acl_ktype *t, struct weir_acl_kobj *o, uint32_t kind,
                            void (*fini)(struct weir_acl_kobj *o))
{
	uint32_t id = ktype_id(t);
	if (!id)
		return false;
	o->kind = kind;
	o->fini = fini;
	weir__ref_init(&o->refs);
	return weir__reg_insert(&o->obj, id) == WEIR_OK;
}

struct weir_acl_kobj *weir__acl_kobj_get(struct weir_acl_ktype *t, const void *h, uint32_t kind)
{
	uint32_t id = weir_load_relaxed(&t->id);
	if (!h || !id)
		return NULL;
	weir__rcu_read_lock();
	struct weir_obj *ro = weir__reg_lookup(h, id);
	struct weir_acl_kobj *o = ro ? caa_container_of(ro, struct weir_acl_kobj, obj) : NULL;
	/* KO1: a destroy drops its references without a grace period, so only
	 * a count still above zero may be revived. */
	if (o && (o->kind != kind || !weir__ref_get_unless_zero(&o->refs)))
		o = NULL;
	weir__rcu_read_unlock();
	return o;
}

void weir__acl_kobj_ref(struct weir_acl_kobj *o)
{
	weir__ref_get(&o->refs);
}

static void kobj_free(struct weir_obj *ro)
{
	struct weir_acl_kobj *o = caa_container_of(ro, struct weir_acl_kobj, obj);
	if (o->fini)
		o->fini(o);
	weir__free(o);
}

void weir__acl_kobj_put(struct weir_acl_kobj *o)
{
	if (weir__ref_put(&o->refs))
		weir__obj_retire(&o->obj, kobj_free);
}

bool weir__acl_kobj_unpublish(struct weir_acl_kobj *o)
{
	return weir__reg_remove(&o->obj);
}
