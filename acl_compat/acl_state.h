/*
 * acl_compat/acl_state.h - facade-private objects: the handle registry,
 * contexts, events, and the hooks init/finalize use. Only the acl_compat sources
 * (not runtime/memory.c) include this; acl_internal.h is the stable interface.
 *
 * Guard legend for struct fields:
 *   I: immutable after the object is published in the registry
 *   L: protected by the facade lock (weir__acl_lock)
 *   R: read under weir__rcu_read_lock, written by the registry
 *   A: atomic (base/atomic.h)
 *
 * Handles (runtime/registry.c): contexts and events are facade objects
 * registered in the library's one handle registry (base/registry.h), under
 * registry type ids of their own. Their ACL handle is the registry handle
 * (generation, type, slot) cast to the ACL pointer type, never an address:
 * it is validated exactly as a stream handle is, and a value is never
 * dereferenced unless the lookup found a live object of that kind.
 * Invariants:
 *   1. An object is fully initialized before weir__acl_reg_add() publishes
 *      it (the registry's release store; its lookups acquire).
 *   2. A destroyed handle stays invalid forever, even after its slot holds a
 *      new object: the slot's generation is bumped before it is reused, and
 *      a lookup compares the whole handle.
 *   3. An object is freed only through weir__acl_reg_free_deferred() after a
 *      successful removal, so a reader that found it inside a read-side
 *      section may read its I: fields until weir__rcu_read_unlock().
 *   4. Exactly one caller wins the removal of an object; only the winner
 *      destroys the weir objects behind it and schedules the free.
 */
#ifndef WEIR_ACL_STATE_H
#define WEIR_ACL_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "acl_compat/acl_internal.h"
#include "base/rcu.h"
#include "base/registry.h"

/* Kinds of facade objects; each gets a registry type id at aclInit. A new
 * kind (e.g. notify) is one more entry here and one name in runtime/registry.c. */
/* TDT objects (acl_compat/tdt/tdt.h) are not kinds here: they outlive
 * aclFinalize, as ACL's do, so they take one registry type of their own,
 * "acl.tdt", on first use, and carry their TDT kind in their header. */
enum weir_acl_obj_kind {
	WEIR_ACL_OBJ_CTX = 0,
	WEIR_ACL_OBJ_EVENT = 1,
	WEIR_ACL_OBJ_STREAM_CFG, /* aclrtStreamConfigHandle (runtime/stream.c) */
	WEIR_ACL_OBJ__COUNT
};

struct weir_acl_obj {
	struct weir_obj reg; /* registry header: reg.handle is the ACL handle */
};

struct weir_acl_ctx {
	struct weir_acl_obj obj;
	weir_group_t *group;    /* I */
	weir_stream_t *dstream; /* I: default stream */
	uint32_t device;        /* I */
	bool is_default;        /* I: the device's default (primary) context */
};

enum weir_acl_event_model { WEIR_ACL_EV_LEGACY = 0, WEIR_ACL_EV_EX = 1 };

struct weir_acl_event {
	struct weir_acl_obj obj;
	weir_event_t *ev; /* I */
	uint32_t flags;   /* I: ACL_EVENT_* flags given at create */
	uint32_t model;   /* I: weir_acl_event_model */
	uint32_t device;  /* I */
	/* A: the record / wait flag (ACL_EVENT_RECORD_* / _WAIT_*) + 1 the
	 * event was first used with, 0 before; ACL keeps each one fixed for an
	 * event's life (runtime/event.c, "Event extras"). Set by CAS. */
	_Atomic uint32_t record_flag;
	_Atomic uint32_t wait_flag;
	/* A: 1 once a record of this event went into a capture or a model
	 * being built (runtime/event.c): such a record is not a record yet,
	 * but a wait on it joins the capture, so the never-recorded check of
	 * legacy waits lets it pass. Set once (relaxed: a hint read by the
	 * check; nothing is published with it). */
	_Atomic uint32_t captured;
};

/* Registry (runtime/registry.c). Obtain the kinds' registry type ids (aclInit,
 * lock held): false when the registry has no type id left. The others need no
 * facade lock. */
bool weir__acl_reg_init(void);
/* Publish a fully built object (invariant 1). false: out of memory. */
bool weir__acl_reg_add(struct weir_acl_obj *o, enum weir_acl_obj_kind kind);
/* The ACL handle of a published object. */
void *weir__acl_reg_handle(const struct weir_acl_obj *o);
/* Must be called inside weir__rcu_read_lock(). true if this call removed it. */
bool weir__acl_reg_del_locked(struct weir_acl_obj *o);
/* Inside weir__rcu_read_lock(): the live object of that kind whose handle
 * is `h`, or NULL (garbage, destroyed or another kind's handle). */
struct weir_acl_obj *weir__acl_reg_lookup_locked(const void *h, enum weir_acl_obj_kind kind);
/* Remove every object (finalize only: no concurrent calls); calls fn on each
 * removed object, outside any lock, then frees it after a grace period. */
void weir__acl_reg_clear(void (*fn)(struct weir_acl_obj *o));
/* Free a removed object after a grace period (its slot is recycled then). */
void weir__acl_reg_free_deferred(struct weir_acl_obj *o);

/* Contexts (runtime/context.c), for runtime/device.c's default contexts.
 * Create a context (group + default stream) and publish it; unpublish one
 * (true if this call removed it, invariant 4); destroy an unpublished one
 * (drains its streams: never with the facade lock held). */
aclError weir__acl_ctx_create(weir_runtime_t *rt, uint32_t dev, bool is_default,
                              struct weir_acl_ctx **out, const char *api);
bool weir__acl_ctx_unpublish(struct weir_acl_ctx *c);
int weir__acl_ctx_retire(struct weir_acl_ctx *c);
/* Call the aclrtRegStreamStateCallback callbacks for stream s (runtime/
 * stream.c). Never with the facade lock held: the callers of
 * weir__acl_ctx_create call it for the new default stream once they have
 * unlocked; weir__acl_ctx_retire calls it before destroying one. */
void weir__acl_stream_state_notify(void *s, int state);
/* The calling thread's current context: set it (NULL: none); forget it if
 * it is c. */
void weir__acl_ctx_set_current(struct weir_acl_ctx *c);
void weir__acl_ctx_forget_current(const struct weir_acl_ctx *c);

/* Devices (runtime/device.c), for runtime/context.c. A device id check
 * (100001 without a runtime, 107001 out of range; recorded for api). The
 * current context's device rules: a thread without a current context first
 * gets an implicit aclrtSetDevice of the configured default device, once
 * (ACL_SUCCESS when there is none; the setter's code, reason set, when it
 * fails); after aclrtDestroyContext of the current context, the default
 * context of the device this thread set last becomes current, if any. */
aclError weir__acl_device_check(weir_runtime_t *rt, int32_t id, const char *api);
aclError weir__acl_device_implicit(void);
void weir__acl_device_fallback_current(void);

/* Init / finalize hooks. */
void weir__acl_set_err_msg_process(bool on);
void weir__acl_set_default_device(int32_t dev); /* -1 = none */
void weir__acl_devices_reset_locked(void);      /* finalize, lock held */
void weir__acl_reports_teardown(void);          /* finalize */
/* finalize, after the runtime is destroyed: unload every binary, free every
 * function and argument list (runtime/kernel.c) */
void weir__acl_kernel_teardown(void);

/* Stream resolution with the ESTOPPED rule: a submission refused because
 * the group stopped returns the group's sticky failure code. */
aclError weir__acl_fail_submit(int status, weir_stream_t *s, const char *api, const char *what);

/* runtime/stream.c: s was created with ACL_STREAM_PERSISTENT (false for a
 * dead handle). */
bool weir__acl_stream_persistent(weir_stream_t *s);

/* mdl/capture.c: aclFinalize drops the facade's RI table (the RIs, their
 * condition words and streams die with the runtime). */
void weir__acl_mdl_teardown(void);

/* Event lookup: copies the I: fields of a live event. 100000 for NULL,
 * 107017 for a destroyed or garbage handle (reason set). */
aclError weir__acl_event_get(aclrtEvent e, struct weir_acl_event *copy);

#endif /* WEIR_ACL_STATE_H */
