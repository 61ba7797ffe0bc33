/*
 * acl_compat/acl_state.h - facade-private objects: the handle registry,
 * contexts, events, and the hooks init/finalize use. Only the acl_compat sources
 * (not acl_mem.c) include this; acl_internal.h is the stable interface.
 *
 * Guard legend for struct fields:
 *   I: immutable after the object is published in the registry
 *   L: protected by the facade lock (weir__acl_lock)
 *   R: read under weir__rcu_read_lock, written by the registry (liburcu)
 *   A: atomic (sched/atomic.h)
 *
 * Handle registry (acl_registry.c): contexts and events are facade objects
 * whose address is their ACL handle. A handle is validated by looking its
 * VALUE up in one liburcu lock-free hash table (cds_lfht, memb flavour);
 * the value is never dereferenced unless the lookup found it.
 * Invariants:
 *   1. An object is fully initialized before it is added (its fields are
 *      published: TSan release on the object before cds_lfht_add, acquire
 *      after every successful lookup; liburcu 0.13 is not instrumented).
 *   2. The match function compares node addresses only, never reads an
 *      object field, so it is safe on any node it visits.
 *   3. An object is freed only through weir__rcu_call() after a successful
 *      cds_lfht_del(), so a reader that found it inside a read-side section
 *      may read its I: fields until weir__rcu_read_unlock().
 *   4. Exactly one caller wins cds_lfht_del() for an object; only the winner
 *      destroys the weir objects behind it and schedules the free.
 */
#ifndef WEIR_ACL_STATE_H
#define WEIR_ACL_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "acl_compat/acl_internal.h"
#include "sched/rcu.h"
#include <urcu/rculfhash.h>

enum weir_acl_obj_type {
	WEIR_ACL_OBJ_CTX = 0x43545831u,   /* "CTX1" */
	WEIR_ACL_OBJ_EVENT = 0x45565431u, /* "EVT1" */
};

struct weir_acl_obj {
	struct cds_lfht_node node;  /* R: registry linkage */
	uint32_t type;              /* I */
	struct weir_rcu_head rcu;   /* used once, after removal */
};

struct weir_acl_ctx {
	struct weir_acl_obj obj;
	uint64_t serial;          /* I: unique per process, never reused */
	weir_group_t *group;      /* I */
	weir_stream_t *dstream;   /* I: default stream */
	uint32_t device;          /* I */
	bool is_default;          /* I: the device's default (primary) context */
};

enum weir_acl_event_model { WEIR_ACL_EV_LEGACY = 0, WEIR_ACL_EV_EX = 1 };

struct weir_acl_event {
	struct weir_acl_obj obj;
	weir_event_t *ev;         /* I */
	uint32_t flags;           /* I: ACL_EVENT_* flags given at create */
	uint32_t model;           /* I: weir_acl_event_model */
	uint32_t device;          /* I */
};

/* Registry (acl_registry.c). Create the table (aclInit, lock held): false
 * when out of memory. add/del/lookup need no facade lock. */
bool weir__acl_reg_init(void);
void weir__acl_reg_add(struct weir_acl_obj *o, uint32_t type);
/* Must be called inside weir__rcu_read_lock(). true if this call removed it. */
bool weir__acl_reg_del_locked(struct weir_acl_obj *o);
/* Inside weir__rcu_read_lock(): the object whose handle is `h` and whose
 * type is `type`, or NULL. */
struct weir_acl_obj *weir__acl_reg_lookup_locked(const void *h, uint32_t type);
/* Remove every object (finalize only: no concurrent calls); calls fn on each
 * removed object, outside the read-side section, then frees it after a grace
 * period. */
void weir__acl_reg_clear(void (*fn)(struct weir_acl_obj *o));
/* Free a removed object after a grace period. */
void weir__acl_reg_free_deferred(struct weir_acl_obj *o);

/* Init / finalize hooks. */
void weir__acl_set_err_msg_process(bool on);
void weir__acl_set_default_device(int32_t dev);      /* -1 = none */
void weir__acl_devices_reset_locked(void);           /* finalize, lock held */
void weir__acl_reports_teardown(void);               /* finalize */

/* Stream resolution with the ESTOPPED rule: a submission refused because
 * the group stopped returns the group's sticky failure code. */
aclError weir__acl_fail_submit(int status, weir_stream_t *s, const char *api, const char *what);

/* Event lookup: copies the I: fields of a live event. 100000 for NULL,
 * 107017 for a destroyed or garbage handle (reason set). */
aclError weir__acl_event_get(aclrtEvent e, struct weir_acl_event *copy);

#endif /* WEIR_ACL_STATE_H */
