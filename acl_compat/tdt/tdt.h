/*
 * acl_compat/tdt/tdt.h - what the TDT facade files (channel.c, queue.c,
 * dataset.c, common.c) share. Private: never installed.
 *
 * Handles. Every TDT object (data item, dataset, channel, queue, queue
 * attribute, route, route list, route query info, buffer) is registered in
 * the library's one handle registry (base/registry.h) under ONE registry type
 * id, "acl.tdt" (the registry has only 11 ids for all layers above sched),
 * and carries its TDT kind in its header; a lookup checks both. So a NULL,
 * destroyed, foreign or garbage handle is refused with ACL's code and never
 * dereferenced. TDT objects are host objects, as in ACL: they need no aclInit
 * (except channels and queues, which name a device) and aclFinalize does not
 * destroy them.
 *
 * Lifetime (base/obj.h's rules, invariants O1-O3): refs counts the handle's
 * reference plus one per call working on the object; destroy unpublishes
 * (exactly one winner), then drops the handle's reference; the last put
 * retires the object: after a grace period its fini runs and it is freed.
 * A blocked send/receive/enqueue/dequeue holds a reference, so destroying
 * the object wakes it (the queue is stopped) without freeing it under it.
 *
 * Guard legend: I immutable after publish; A atomic; U the user's (ACL does
 * not make one object's setters thread-safe either: two threads changing
 * one dataset at once is the program's race, but never a crash of a lookup);
 * Q the TDT queue lock (queue.c).
 */
#ifndef WEIR_ACL_TDT_H_PRIVATE
#define WEIR_ACL_TDT_H_PRIVATE

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "acl/acl_tdt.h"
#include "acl/acl_tdt_queue.h"
#include "acl_compat/acl_internal.h"
#include "base/bqueue.h"
#include "acl_compat/kobj.h"
#include "base/registry.h"

enum weir_acl_tdt_kind {
	WEIR_ACL_TDT_ITEM = 1,
	WEIR_ACL_TDT_DATASET,
	WEIR_ACL_TDT_CHANNEL,
	WEIR_ACL_TDT_QUEUE,
	WEIR_ACL_TDT_ATTR,
	WEIR_ACL_TDT_ROUTE,
	WEIR_ACL_TDT_ROUTE_LIST,
	WEIR_ACL_TDT_QUERY,
	WEIR_ACL_TDT_BUF,
};

/* Names and limits. */
#define WEIR_ACL_TDT_NAME_MAX  128 /* bytes with the NUL, as ACL's queues */
#define WEIR_ACL_TDT_DIMS_MAX  128 /* dims of a data item, as ACL */
#define WEIR_ACL_TDT_DEPTH_MIN 2   /* channel capacity / queue depth */
#define WEIR_ACL_TDT_DEPTH_MAX 8192
#define WEIR_ACL_TDT_USERDATA  96 /* private bytes of a buffer, as ACL */

/* The lifecycle of kobj.h, on the registry type "acl.tdt" (common.c). */
extern struct weir_acl_ktype weir_acl_tdt_type;

/* Publish o (refs = 1, the handle's). false: registry full or no memory. */
static inline bool weir__acl_tdt_publish(struct weir_acl_kobj *o, enum weir_acl_tdt_kind kind,
                                         void (*fini)(struct weir_acl_kobj *o))
{
	return weir__acl_kobj_publish(&weir_acl_tdt_type, o, (uint32_t)kind, fini);
}
/* The live object of that kind named by h, with a reference; NULL for
 * NULL, garbage, destroyed or another kind's handle. */
static inline struct weir_acl_kobj *weir__acl_tdt_get(const void *h, enum weir_acl_tdt_kind kind)
{
	return weir__acl_kobj_get(&weir_acl_tdt_type, h, (uint32_t)kind);
}
static inline void weir__acl_tdt_ref(struct weir_acl_kobj *o)
{
	weir__acl_kobj_ref(o);
}
static inline void weir__acl_tdt_put(struct weir_acl_kobj *o)
{
	weir__acl_kobj_put(o);
}
/* Unpublish: true for the one caller that removed it, which then drops the
 * handle's reference with weir__acl_tdt_put(). */
static inline bool weir__acl_tdt_unpublish(struct weir_acl_kobj *o)
{
	return weir__acl_kobj_unpublish(o);
}
/* A handle of a published object. */
static inline void *weir__acl_tdt_handle(const struct weir_acl_kobj *o)
{
	return weir__acl_kobj_handle(o);
}
/* Destroy the object of `kind` named by h (get, unpublish, put twice):
 * ACL_SUCCESS, or ACL_ERROR_INVALID_PARAM recorded for api. `pre` (may be
 * NULL) runs on the object after the unpublish and before the last puts. */
aclError weir__acl_tdt_destroy(const void *h, enum weir_acl_tdt_kind kind, const char *api,
                               const char *what, void (*pre)(struct weir_acl_kobj *o));

/* ACL's TDT time-out (ms: -1 forever, 0 no wait, > 0 ms) in ns for
 * base/bqueue.h. < -1 is recorded for api as ACL_ERROR_INVALID_PARAM. */
aclError weir__acl_tdt_timeout(int32_t timeout_ms, int64_t *ns, const char *api);

/* Datasets (dataset.c) for channel.c: a send message built from a dataset
 * (every item's data copied), and a received message turned into the
 * dataset's own items. */
struct weir_acl_tdt_msg;
aclError weir__acl_tdt_msg_build(const acltdtDataset *ds, struct weir_acl_tdt_msg **out,
                                 const char *api);
aclError weir__acl_tdt_msg_deliver(struct weir_acl_tdt_msg *m, acltdtDataset *ds, const char *api);
/* Check that ds can receive (before taking a message off a channel). */
aclError weir__acl_tdt_can_receive(acltdtDataset *ds, const char *api);
void weir__acl_tdt_msg_free(struct weir_acl_tdt_msg *m);

#endif /* WEIR_ACL_TDT_H_PRIVATE */
