/*
 * acl_compat/runtime/registry.c - the facade's handles, as a thin layer over the
 * library's one handle registry (base/registry.h); see acl_state.h for the
 * rules it keeps.
 *
 * Each facade object kind (context, event, and any added later) gets a
 * registry type id of its own from weir__reg_type(); the ACL handle of an
 * object is its registry handle (generation, type, slot), cast to the pointer
 * type ACL declares. So a facade handle is validated exactly as a stream
 * handle is: a destroyed handle, even one whose slot now holds a new object,
 * a handle of another kind, and any garbage value are refused without being
 * dereferenced.
 */
#include "acl_compat/acl_state.h"
#include "base/alloc.h"
#include "base/atomic.h"

/* Names double as the registry's diagnostics; the same name gives the same
 * id after a re-initialization. */
static const char *const weir_acl_kind_name[WEIR_ACL_OBJ__COUNT] = {
	[WEIR_ACL_OBJ_CTX] = "acl.context",
	[WEIR_ACL_OBJ_EVENT] = "acl.event",
	[WEIR_ACL_OBJ_STREAM_CFG] = "acl.stream_config",
};

/* A: relaxed - set by weir__acl_reg_init() before aclInit publishes the
 * runtime (R1/A1 in runtime/init.c orders it for every later call); 0 before
 * the first aclInit, and no handle ever has type 0, so lookups then fail. */
static _Atomic uint32_t weir_acl_type[WEIR_ACL_OBJ__COUNT];

bool weir__acl_reg_init(void)
{
	for (int k = 0; k < WEIR_ACL_OBJ__COUNT; k++) {
		if (weir_load_relaxed(&weir_acl_type[k]))
			continue;
		uint32_t t = weir__reg_type(weir_acl_kind_name[k]);
		if (!t)
			return false;
		weir_store_relaxed(&weir_acl_type[k], t);
	}
	return true;
}

static uint32_t weir_acl_type_of(enum weir_acl_obj_kind kind)
{
	return weir_load_relaxed(&weir_acl_type[kind]);
}

bool weir__acl_reg_add(struct weir_acl_obj *o, enum weir_acl_obj_kind kind)
{
	return weir__reg_insert(&o->reg, weir_acl_type_of(kind)) == WEIR_OK;
}

void *weir__acl_reg_handle(const struct weir_acl_obj *o)
{
	return WEIR__OBJ_HANDLE(&o->reg);
}

bool weir__acl_reg_del_locked(struct weir_acl_obj *o)
{
	return weir__reg_remove(&o->reg);
}

struct weir_acl_obj *weir__acl_reg_lookup_locked(const void *h, enum weir_acl_obj_kind kind)
{
	struct weir_obj *o = weir__reg_lookup(h, weir_acl_type_of(kind));
	return o ? caa_container_of(o, struct weir_acl_obj, reg) : NULL;
}

static void weir_acl_obj_free(struct weir_obj *o)
{
	weir__free(caa_container_of(o, struct weir_acl_obj, reg));
}

void weir__acl_reg_free_deferred(struct weir_acl_obj *o)
{
	weir__obj_retire(&o->reg, weir_acl_obj_free);
}

static void weir_acl_drain_one(struct weir_obj *ro, void *arg)
{
	void (*fn)(struct weir_acl_obj *) = *(void (**)(struct weir_acl_obj *))arg;
	struct weir_acl_obj *o = caa_container_of(ro, struct weir_acl_obj, reg);
	if (fn)
		fn(o);
	weir__acl_reg_free_deferred(o);
}

void weir__acl_reg_clear(void (*fn)(struct weir_acl_obj *o))
{
	for (int k = 0; k < WEIR_ACL_OBJ__COUNT; k++) {
		uint32_t t = weir_acl_type_of((enum weir_acl_obj_kind)k);
		if (t)
			weir__reg_drain(t, weir_acl_drain_one, &fn);
	}
}
