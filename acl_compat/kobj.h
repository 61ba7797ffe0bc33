/*
 * acl_compat/kobj.h - the facade objects that share one registry type
 * among several kinds (TDT's nine, aclnn's eight): the kind is checked on
 * every lookup, a reference count keeps the object while a call uses it
 * (the handle holds one reference), and fini() frees what the object owns
 * once the last reference is gone and an RCU grace period has passed.
 *
 * A type is a static struct weir_acl_ktype naming its registry type; the
 * id is asked for on first use (weir__reg_type gives the same id for the
 * same name, so racing threads store the same value).
 */
#ifndef WEIR_ACL_COMPAT_KOBJ_H
#define WEIR_ACL_COMPAT_KOBJ_H

#include <stdbool.h>
#include <stdint.h>

#include "base/obj.h"
#include "base/registry.h"

struct weir_acl_ktype {
	const char *name;    /* I: the registry type's name */
	_Atomic uint32_t id; /* A: relaxed, 0 until first use */
};

struct weir_acl_kobj {
	struct weir_obj obj;                   /* registry header */
	uint32_t kind;                         /* I */
	_Atomic uint32_t refs;                 /* A */
	void (*fini)(struct weir_acl_kobj *o); /* I: frees what o owns (NULL: nothing) */
};

/* Publish o as a `kind` of type t (refs = 1, the handle's). false: the
 * registry is full or has no type id left. */
bool weir__acl_kobj_publish(struct weir_acl_ktype *t, struct weir_acl_kobj *o, uint32_t kind,
                            void (*fini)(struct weir_acl_kobj *o));
/* The live `kind` of type t named by h, with a reference; NULL for NULL,
 * garbage, destroyed or another kind's handle (never dereferenced). */
struct weir_acl_kobj *weir__acl_kobj_get(struct weir_acl_ktype *t, const void *h, uint32_t kind);
void weir__acl_kobj_ref(struct weir_acl_kobj *o);
/* Drop a reference; the last one retires o (fini, then free, after a grace
 * period). */
void weir__acl_kobj_put(struct weir_acl_kobj *o);
/* Unpublish: true for the one caller that removed it; that caller then
 * drops the handle's reference. */
bool weir__acl_kobj_unpublish(struct weir_acl_kobj *o);

static inline void *weir__acl_kobj_handle(const struct weir_acl_kobj *o)
{
	return WEIR__OBJ_HANDLE(&o->obj);
}

#endif /* WEIR_ACL_COMPAT_KOBJ_H */
