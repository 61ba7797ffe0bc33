/*
 * acl_compat/tdt/queue.c - acltdt queues (by id), buffers, queue attributes
 * and routes (acl/acl_tdt_queue.h).
 *
 * A queue is a base/bqueue.h queue of buffer handles. Ids: a table of
 * WEIR_ACL_TDT_QMAX entries; an id is (generation << 12) | index, so the id
 * of a destroyed queue never names the queue that reuses its entry (until
 * that entry's 20-bit generation wraps). The table and the routes are
 * guarded by the queue lock (Q); a queue found in the table gets a
 * reference before the lock is left.
 *
 * Routes. A bound route src -> dst makes src's items dst's: an item enqueued
 * on src is taken by the dequeuers of dst (or of the queue dst routes to, the
 * "root"), never by a dequeuer of src itself. Items stay in src's ring until
 * then, so src's depth still bounds them and nothing is copied or moved:
 *  R1. A source has at most one bound destination; routes never form a cycle
 *      (a bind that would is refused with status BIND_ABNORMAL).
 *  R2. q->root_of is recomputed under Q on every bind/unbind; a dequeuer of
 *      root r tries r's own ring (unless r is itself a bound source), then
 *      the ring of every queue whose root is r. Each item is popped from
 *      exactly one ring (base/bqueue.h B3), so it is delivered exactly once,
 *      whichever dequeuer gets it.
 *  R3. A push onto a bound source also notifies its root's eventcount
 *      (weir__bq_set_also), so a dequeuer parked on the root wakes.
 *  R4. A queue cannot be destroyed while a bound route names it.
 */
#include "acl_compat/tdt/tdt.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/atomic.h"

#define WEIR_ACL_TDT_QMAX      4096u
#define WEIR_ACL_TDT_QIDX_BITS 12u
#define WEIR_ACL_TDT_DEPTH_DEF 8u

/* ------------------------------------------------------------------------ */
/* Buffers                                                                   */
/* ------------------------------------------------------------------------ */

struct weir_acl_tdt_blk {
	_Atomic uint32_t refs; /* A: buffer headers sharing the data */
	size_t size;
	unsigned char data[];
};

struct weir_acl_tdt_buf {
	struct weir_acl_kobj hdr;
	struct weir_acl_tdt_blk *blk;               /* I */
	size_t data_len;                            /* U */
	unsigned char udata[WEIR_ACL_TDT_USERDATA]; /* U */
	_Atomic uint32_t queued;                    /* A: 1 while a queue holds it */
	bool member;                                /* U: appended to another's chain */
	void **chain;                               /* U: appended buffers (head only) */
	uint32_t nchain, capchain;                  /* U */
};

static struct weir_acl_tdt_buf *weir_acl_buf_get(const void *h)
{
	struct weir_acl_kobj *o = weir__acl_tdt_get(h, WEIR_ACL_TDT_BUF);
	return o ? caa_container_of(o, struct weir_acl_tdt_buf, hdr) : NULL;
}

static void weir_acl_buf_fini(struct weir_acl_kobj *o)
{
	struct weir_acl_tdt_buf *b = caa_container_of(o, struct weir_acl_tdt_buf, hdr);
	/* BLK-R1: acq_rel - the last header frees the data after every other
	 * header's use; pairs with itself. */
	if (weir_fas_acqrel(&b->blk->refs, 1) == 1)
		weir__free(b->blk);
	weir__free(b->chain);
}

static void *weir_acl_buf_new(struct weir_acl_tdt_blk *blk, const char *api)
{
	struct weir_acl_tdt_buf *b = weir__calloc(1, sizeof(*b));
	if (!b) {
		weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "out of memory");
		return NULL;
	}
	b->blk = blk;
	b->data_len = blk->size;
	if (!weir__acl_tdt_publish(&b->hdr, WEIR_ACL_TDT_BUF, weir_acl_buf_fini)) {
		weir__free(b);
		weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "no handle left in the registry");
		return NULL;
	}
	return weir__acl_tdt_handle(&b->hdr);
}

static void *weir_acl_buf_alloc(size_t size, const char *api)
{
	struct weir_acl_tdt_blk *blk = weir__calloc(1, sizeof(*blk) + size);
	if (!blk) {
		weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "out of memory for %zu bytes", size);
		return NULL;
	}
	atomic_init(&blk->refs, 1);
	blk->size = size;
	void *h = weir_acl_buf_new(blk, api);
	if (!h)
		weir__free(blk);
	return h;
}

/* Free a head buffer and its chain (the caller checked it may go). */
static void weir_acl_buf_free_chain(struct weir_acl_tdt_buf *b)
{
	for (uint32_t i = 0; i < b->nchain; i++)
		(void)weir__acl_tdt_destroy(b->chain[i], WEIR_ACL_TDT_BUF, "acltdtFreeBuf", "buf",
		                            NULL);
	b->nchain = 0;
	if (weir__acl_tdt_unpublish(&b->hdr))
		weir__acl_tdt_put(&b->hdr);
}

#define WEIR_ACL_BUF_GET(b, h, api)                           \
	struct weir_acl_tdt_buf *b = weir_acl_buf_get(h);     \
	if (!b)                                               \
	return weir__acl_fail(ACL_ERROR_INVALID_PARAM, (api), \
	                      "buf %p is NULL or not a live buffer", (const void *)(h))

ACL_FUNC_VISIBILITY aclError acltdtAllocBuf(size_t size, uint32_t type, acltdtBuf *buf)
{
	const char *api = "acltdtAllocBuf";
	if (type != ACL_TDT_NORMAL_MEM && type != ACL_TDT_DVPP_MEM)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "type %u is not ACL_TDT_NORMAL_MEM or ACL_TDT_DVPP_MEM",
		                      (unsigned)type);
	if (!buf)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "buf is NULL");
	if (size == 0)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "size is 0");
	void *h = weir_acl_buf_alloc(size, api);
	if (!h)
		return ACL_ERROR_BAD_ALLOC;
	*buf = h;
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError acltdtFreeBuf(acltdtBuf buf)
{
	const char *api = "acltdtFreeBuf";
	WEIR_ACL_BUF_GET(b, buf, api);
	aclError rc = ACL_SUCCESS;
	if (weir_load_acquire(&b->queued))
		rc = weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                    "buf %p is in a queue; dequeue it first", (void *)buf);
	else if (b->member)
		rc = weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                    "buf %p belongs to a chain; free the chain's head",
		                    (void *)buf);
	else
		weir_acl_buf_free_chain(b);
	weir__acl_tdt_put(&b->hdr);
	return rc;
}

ACL_FUNC_VISIBILITY aclError acltdtGetBufData(const acltdtBuf buf, void **dataPtr, size_t *size)
{
	const char *api = "acltdtGetBufData";
	if (!dataPtr || !size)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      !dataPtr ? "dataPtr" : "size");
	WEIR_ACL_BUF_GET(b, buf, api);
	*dataPtr = b->blk->data;
	*size = b->blk->size;
	weir__acl_tdt_put(&b->hdr);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError acltdtSetBufDataLen(acltdtBuf buf, size_t len)
{
	const char *api = "acltdtSetBufDataLen";
	WEIR_ACL_BUF_GET(b, buf, api);
	aclError rc = ACL_SUCCESS;
	if (len > b->blk->size)
		rc = weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                    "len %zu is above the buffer's size %zu", len, b->blk->size);
	else
		b->data_len = len;
	weir__acl_tdt_put(&b->hdr);
	return rc;
}

ACL_FUNC_VISIBILITY aclError acltdtGetBufDataLen(acltdtBuf buf, size_t *len)
{
	const char *api = "acltdtGetBufDataLen";
	if (!len)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "len is NULL");
	WEIR_ACL_BUF_GET(b, buf, api);
	*len = b->data_len;
	weir__acl_tdt_put(&b->hdr);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError acltdtAppendBufChain(acltdtBuf headBuf, acltdtBuf buf)
{
	const char *api = "acltdtAppendBufChain";
	WEIR_ACL_BUF_GET(h, headBuf, api);
	struct weir_acl_tdt_buf *b = weir_acl_buf_get(buf);
	aclError rc = ACL_SUCCESS;
	if (!b)
		rc = weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                    "buf %p is NULL or not a live buffer", (void *)buf);
	else if (b == h || b->member || b->nchain || weir_load_acquire(&b->queued))
		rc = weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                    "buf %p is the head, in a chain, a chain's head or queued",
		                    (void *)buf);
	else if (h->member || weir_load_acquire(&h->queued))
		rc = weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                    "headBuf %p is not a chain's head or is queued",
		                    (void *)headBuf);
	else {
		if (h->nchain == h->capchain) {
			uint32_t cap = h->capchain ? h->capchain * 2 : 4;
			void **v = weir__realloc(h->chain, cap * sizeof(*v));
			if (!v)
				rc = weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "out of memory");
			else {
				h->chain = v;
				h->capchain = cap;
			}
		}
		if (rc == ACL_SUCCESS) {
			h->chain[h->nchain++] = buf;
			b->member = true;
		}
	}
	if (b)
		weir__acl_tdt_put(&b->hdr);
	weir__acl_tdt_put(&h->hdr);
	return rc;
}

ACL_FUNC_VISIBILITY aclError acltdtGetBufChainNum(acltdtBuf headBuf, uint32_t *num)
{
	const char *api = "acltdtGetBufChainNum";
	if (!num)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "num is NULL");
	WEIR_ACL_BUF_GET(h, headBuf, api);
	*num = 1 + h->nchain;
	weir__acl_tdt_put(&h->hdr);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError acltdtGetBufFromChain(acltdtBuf headBuf, uint32_t index,
                                                   acltdtBuf *buf)
{
	const char *api = "acltdtGetBufFromChain";
	if (!buf)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "buf is NULL");
	WEIR_ACL_BUF_GET(h, headBuf, api);
	aclError rc = ACL_SUCCESS;
	if (index > h->nchain)
		rc = weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                    "index %u is not below the chain's %u buffers", (unsigned)index,
		                    (unsigned)(1 + h->nchain));
	else
		*buf = index == 0 ? headBuf : h->chain[index - 1];
	weir__acl_tdt_put(&h->hdr);
	return rc;
}

static aclError weir_acl_udata_check(size_t size, size_t offset, const void *p, const char *api)
{
	if (!p)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "dataPtr is NULL");
	if (size == 0 || size > WEIR_ACL_TDT_USERDATA || offset > WEIR_ACL_TDT_USERDATA ||
	    size + offset > WEIR_ACL_TDT_USERDATA)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "size %zu at offset %zu is outside the %d private bytes",
		                      size, offset, WEIR_ACL_TDT_USERDATA);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError acltdtGetBufUserData(const acltdtBuf buf, void *dataPtr, size_t size,
                                                  size_t offset)
{
	const char *api = "acltdtGetBufUserData";
	aclError rc = weir_acl_udata_check(size, offset, dataPtr, api);
	if (rc != ACL_SUCCESS)
		return rc;
	WEIR_ACL_BUF_GET(b, buf, api);
	memcpy(dataPtr, b->udata + offset, size);
	weir__acl_tdt_put(&b->hdr);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError acltdtSetBufUserData(acltdtBuf buf, const void *dataPtr, size_t size,
                                                  size_t offset)
{
	const char *api = "acltdtSetBufUserData";
	aclError rc = weir_acl_udata_check(size, offset, dataPtr, api);
	if (rc != ACL_SUCCESS)
		return rc;
	WEIR_ACL_BUF_GET(b, buf, api);
	memcpy(b->udata + offset, dataPtr, size);
	weir__acl_tdt_put(&b->hdr);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError acltdtCopyBufRef(const acltdtBuf buf, acltdtBuf *newBuf)
{
	const char *api = "acltdtCopyBufRef";
	if (!newBuf)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "newBuf is NULL");
	WEIR_ACL_BUF_GET(b, buf, api);
	/* BLK-R1's increment: relaxed, the caller holds a header (b). */
	weir_faa_relaxed(&b->blk->refs, 1);
	void *h = weir_acl_buf_new(b->blk, api);
	aclError rc = ACL_SUCCESS;
	if (!h) {
		weir_fas_acqrel(&b->blk->refs, 1); /* BLK-R1; b still holds it */
		rc = ACL_ERROR_BAD_ALLOC;
	} else {
		struct weir_acl_tdt_buf *nb = weir_acl_buf_get(h);
		nb->data_len = b->data_len;
		memcpy(nb->udata, b->udata, sizeof(nb->udata));
		weir__acl_tdt_put(&nb->hdr);
		*newBuf = h;
	}
	weir__acl_tdt_put(&b->hdr);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Queue attributes                                                          */
/* ------------------------------------------------------------------------ */

struct tagMemQueueAttr;
struct weir_acl_tdt_attr {
	struct weir_acl_kobj hdr;
	char name[WEIR_ACL_TDT_NAME_MAX]; /* U */
	uint32_t depth;                   /* U */
};

static struct weir_acl_tdt_attr *weir_acl_attr_get(const void *h)
{
	struct weir_acl_kobj *o = weir__acl_tdt_get(h, WEIR_ACL_TDT_ATTR);
	return o ? caa_container_of(o, struct weir_acl_tdt_attr, hdr) : NULL;
}

/* Create a small plain object of `kind` and return its handle (NULL and a
 * recorded error on failure). */
static void *weir_acl_tdt_plain_new(size_t bytes, enum weir_acl_tdt_kind kind,
                                    void (*fini)(struct weir_acl_kobj *), const char *api,
                                    struct weir_acl_kobj **out)
{
	struct weir_acl_kobj *o = weir__calloc(1, bytes);
	if (!o) {
		weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "out of memory");
		return NULL;
	}
	if (out)
		*out = o;
	if (!weir__acl_tdt_publish(o, kind, fini)) {
		weir__free(o);
		weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "no handle left in the registry");
		return NULL;
	}
	return weir__acl_tdt_handle(o);
}

ACL_FUNC_VISIBILITY acltdtQueueAttr *acltdtCreateQueueAttr(void)
{
	struct weir_acl_kobj *o = NULL;
	/* Fields are set before the handle is returned; nobody can look the
	 * object up before then (the handle is not known yet). */
	void *h = weir_acl_tdt_plain_new(sizeof(struct weir_acl_tdt_attr), WEIR_ACL_TDT_ATTR, NULL,
	                                 "acltdtCreateQueueAttr", &o);
	if (h)
		caa_container_of(o, struct weir_acl_tdt_attr, hdr)->depth = WEIR_ACL_TDT_DEPTH_DEF;
	return (acltdtQueueAttr *)h;
}

ACL_FUNC_VISIBILITY aclError acltdtDestroyQueueAttr(const acltdtQueueAttr *attr)
{
	return weir__acl_tdt_destroy(attr, WEIR_ACL_TDT_ATTR, "acltdtDestroyQueueAttr", "attr",
	                             NULL);
}

ACL_FUNC_VISIBILITY aclError acltdtSetQueueAttr(acltdtQueueAttr *attr, acltdtQueueAttrType type,
                                                size_t len, const void *param)
{
	const char *api = "acltdtSetQueueAttr";
	if (!param)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "param is NULL");
	if (type != ACL_TDT_QUEUE_NAME_PTR && type != ACL_TDT_QUEUE_DEPTH_UINT32)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "type %d is not an acltdtQueueAttrType", (int)type);
	size_t want = type == ACL_TDT_QUEUE_NAME_PTR ? sizeof(const char *) : sizeof(uint32_t);
	if (len != want)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "len %zu is not the parameter's size %zu", len, want);
	struct weir_acl_tdt_attr *a = weir_acl_attr_get(attr);
	if (!a)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "attr %p is NULL or not a live queue attribute",
		                      (void *)attr);
	aclError rc = ACL_SUCCESS;
	if (type == ACL_TDT_QUEUE_NAME_PTR) {
		const char *name;
		memcpy(&name, param, sizeof(name));
		size_t n = name ? strnlen(name, WEIR_ACL_TDT_NAME_MAX) : 0;
		if (!name)
			rc = weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "the name is NULL");
		else if (n + 1 > WEIR_ACL_TDT_NAME_MAX)
			rc = weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
			                    "the name is longer than %d bytes with its NUL",
			                    WEIR_ACL_TDT_NAME_MAX);
		else
			memcpy(a->name, name, n + 1);
	} else {
		memcpy(&a->depth, param, sizeof(uint32_t));
	}
	weir__acl_tdt_put(&a->hdr);
	return rc;
}

ACL_FUNC_VISIBILITY aclError acltdtGetQueueAttr(const acltdtQueueAttr *attr,
                                                acltdtQueueAttrType type, size_t len,
                                                size_t *paramRetSize, void *param)
{
	const char *api = "acltdtGetQueueAttr";
	if (!param || !paramRetSize)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      !param ? "param" : "paramRetSize");
	if (type != ACL_TDT_QUEUE_NAME_PTR && type != ACL_TDT_QUEUE_DEPTH_UINT32)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "type %d is not an acltdtQueueAttrType", (int)type);
	size_t want = type == ACL_TDT_QUEUE_NAME_PTR ? sizeof(const char *) : sizeof(uint32_t);
	if (len < want)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "len %zu is below the parameter's size %zu", len, want);
	struct weir_acl_tdt_attr *a = weir_acl_attr_get(attr);
	if (!a)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "attr %p is NULL or not a live queue attribute",
		                      (const void *)attr);
	if (type == ACL_TDT_QUEUE_NAME_PTR) {
		/* ACL's rule: a pointer to the attribute's own copy of the name,
		 * valid while the attribute lives. */
		const char *p = a->name;
		memcpy(param, &p, sizeof(p));
	} else {
		memcpy(param, &a->depth, sizeof(uint32_t));
	}
	*paramRetSize = want;
	weir__acl_tdt_put(&a->hdr);
	return ACL_SUCCESS;
}

/* ------------------------------------------------------------------------ */
/* Route objects, lists and query info                                       */
/* ------------------------------------------------------------------------ */

struct weir_acl_route_val {
	uint32_t src, dst;
	int32_t status;
};

struct weir_acl_tdt_route {
	struct weir_acl_kobj hdr;
	struct weir_acl_route_val v; /* U */
};

struct weir_acl_tdt_route_list {
	struct weir_acl_kobj hdr;
	struct weir_acl_route_val *v; /* U */
	size_t n, cap;                /* U */
};

struct weir_acl_tdt_query {
	struct weir_acl_kobj hdr;
	int32_t mode;                    /* U */
	uint32_t src, dst;               /* U */
	bool has_mode, has_src, has_dst; /* U */
};

#define WEIR_ACL_TDT_GETTER(fn, T, kind)                                \
	static T *fn(const void *h)                                     \
	{                                                               \
		struct weir_acl_kobj *o = weir__acl_tdt_get(h, (kind)); \
		return o ? caa_container_of(o, T, hdr) : NULL;          \
	}
WEIR_ACL_TDT_GETTER(weir_acl_route_get, struct weir_acl_tdt_route, WEIR_ACL_TDT_ROUTE)
WEIR_ACL_TDT_GETTER(weir_acl_rlist_get, struct weir_acl_tdt_route_list, WEIR_ACL_TDT_ROUTE_LIST)
WEIR_ACL_TDT_GETTER(weir_acl_query_get, struct weir_acl_tdt_query, WEIR_ACL_TDT_QUERY)

ACL_FUNC_VISIBILITY acltdtQueueRoute *acltdtCreateQueueRoute(uint32_t srcId, uint32_t dstId)
{
	struct weir_acl_kobj *o = NULL;
	void *h = weir_acl_tdt_plain_new(sizeof(struct weir_acl_tdt_route), WEIR_ACL_TDT_ROUTE,
	                                 NULL, "acltdtCreateQueueRoute", &o);
	if (h) {
		struct weir_acl_tdt_route *r = caa_container_of(o, struct weir_acl_tdt_route, hdr);
		r->v.src = srcId;
		r->v.dst = dstId;
		r->v.status = ACL_TDT_QUEUE_ROUTE_UNBIND;
	}
	return (acltdtQueueRoute *)h;
}

ACL_FUNC_VISIBILITY aclError acltdtDestroyQueueRoute(const acltdtQueueRoute *route)
{
	return weir__acl_tdt_destroy(route, WEIR_ACL_TDT_ROUTE, "acltdtDestroyQueueRoute", "route",
	                             NULL);
}

ACL_FUNC_VISIBILITY aclError acltdtGetQueueRouteParam(const acltdtQueueRoute *route,
                                                      acltdtQueueRouteParamType type, size_t len,
                                                      size_t *paramRetSize, void *param)
{
	const char *api = "acltdtGetQueueRouteParam";
	if (!param || !paramRetSize)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      !param ? "param" : "paramRetSize");
	if (type != ACL_TDT_QUEUE_ROUTE_SRC_UINT32 && type != ACL_TDT_QUEUE_ROUTE_DST_UINT32 &&
	    type != ACL_TDT_QUEUE_ROUTE_STATUS_INT32)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "type %d is not an acltdtQueueRouteParamType", (int)type);
	if (len < sizeof(uint32_t))
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "len %zu is below the parameter's size 4", len);
	struct weir_acl_tdt_route *r = weir_acl_route_get(route);
	if (!r)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "route %p is NULL or not a live route", (const void *)route);
	if (type == ACL_TDT_QUEUE_ROUTE_SRC_UINT32)
		memcpy(param, &r->v.src, sizeof(uint32_t));
	else if (type == ACL_TDT_QUEUE_ROUTE_DST_UINT32)
		memcpy(param, &r->v.dst, sizeof(uint32_t));
	else
		memcpy(param, &r->v.status, sizeof(int32_t));
	*paramRetSize = sizeof(uint32_t);
	weir__acl_tdt_put(&r->hdr);
	return ACL_SUCCESS;
}

static void weir_acl_rlist_fini(struct weir_acl_kobj *o)
{
	weir__free(caa_container_of(o, struct weir_acl_tdt_route_list, hdr)->v);
}

ACL_FUNC_VISIBILITY acltdtQueueRouteList *acltdtCreateQueueRouteList(void)
{
	return (acltdtQueueRouteList *)weir_acl_tdt_plain_new(
	        sizeof(struct weir_acl_tdt_route_list), WEIR_ACL_TDT_ROUTE_LIST,
	        weir_acl_rlist_fini, "acltdtCreateQueueRouteList", NULL);
}

ACL_FUNC_VISIBILITY aclError acltdtDestroyQueueRouteList(const acltdtQueueRouteList *routeList)
{
	return weir__acl_tdt_destroy(routeList, WEIR_ACL_TDT_ROUTE_LIST,
	                             "acltdtDestroyQueueRouteList", "routeList", NULL);
}

static bool weir_acl_rlist_push(struct weir_acl_tdt_route_list *l, struct weir_acl_route_val v)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4;
		struct weir_acl_route_val *nv = weir__realloc(l->v, cap * sizeof(*nv));
		if (!nv)
			return false;
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = v;
	return true;
}

ACL_FUNC_VISIBILITY aclError acltdtAddQueueRoute(acltdtQueueRouteList *routeList,
                                                 const acltdtQueueRoute *route)
{
	const char *api = "acltdtAddQueueRoute";
	struct weir_acl_tdt_route_list *l = weir_acl_rlist_get(routeList);
	if (!l)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "routeList %p is NULL or not a live route list",
		                      (void *)routeList);
	struct weir_acl_tdt_route *r = weir_acl_route_get(route);
	aclError rc = ACL_SUCCESS;
	if (!r)
		rc = weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                    "route %p is NULL or not a live route", (const void *)route);
	else if (!weir_acl_rlist_push(l, r->v))
		rc = weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "out of memory");
	if (r)
		weir__acl_tdt_put(&r->hdr);
	weir__acl_tdt_put(&l->hdr);
	return rc;
}

ACL_FUNC_VISIBILITY aclError acltdtGetQueueRoute(const acltdtQueueRouteList *routeList,
                                                 size_t index, acltdtQueueRoute *route)
{
	const char *api = "acltdtGetQueueRoute";
	struct weir_acl_tdt_route_list *l = weir_acl_rlist_get(routeList);
	if (!l)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "routeList %p is NULL or not a live route list",
		                      (const void *)routeList);
	struct weir_acl_tdt_route *r = weir_acl_route_get(route);
	aclError rc = ACL_SUCCESS;
	if (!r)
		rc = weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                    "route %p is NULL or not a live route", (void *)route);
	else if (index >= l->n)
		rc = weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                    "index %zu is not below the list's %zu routes", index, l->n);
	else
		r->v = l->v[index];
	if (r)
		weir__acl_tdt_put(&r->hdr);
	weir__acl_tdt_put(&l->hdr);
	return rc;
}

ACL_FUNC_VISIBILITY size_t acltdtGetQueueRouteNum(const acltdtQueueRouteList *routeList)
{
	struct weir_acl_tdt_route_list *l = weir_acl_rlist_get(routeList);
	if (!l) {
		weir__acl_fail(ACL_ERROR_INVALID_PARAM, "acltdtGetQueueRouteNum",
		               "routeList %p is NULL or not a live route list",
		               (const void *)routeList);
		return 0;
	}
	size_t n = l->n;
	weir__acl_tdt_put(&l->hdr);
	return n;
}

ACL_FUNC_VISIBILITY acltdtQueueRouteQueryInfo *acltdtCreateQueueRouteQueryInfo(void)
{
	return (acltdtQueueRouteQueryInfo *)weir_acl_tdt_plain_new(
	        sizeof(struct weir_acl_tdt_query), WEIR_ACL_TDT_QUERY, NULL,
	        "acltdtCreateQueueRouteQueryInfo", NULL);
}

ACL_FUNC_VISIBILITY aclError acltdtDestroyQueueRouteQueryInfo(const acltdtQueueRouteQueryInfo *info)
{
	return weir__acl_tdt_destroy(info, WEIR_ACL_TDT_QUERY, "acltdtDestroyQueueRouteQueryInfo",
	                             "info", NULL);
}

ACL_FUNC_VISIBILITY aclError acltdtSetQueueRouteQueryInfo(acltdtQueueRouteQueryInfo *param,
                                                          acltdtQueueRouteQueryInfoParamType type,
                                                          size_t len, const void *value)
{
	const char *api = "acltdtSetQueueRouteQueryInfo";
	if (!value)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "value is NULL");
	if (type != ACL_TDT_QUEUE_ROUTE_QUERY_MODE_ENUM &&
	    type != ACL_TDT_QUEUE_ROUTE_QUERY_SRC_ID_UINT32 &&
	    type != ACL_TDT_QUEUE_ROUTE_QUERY_DST_ID_UINT32)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "type %d is not an acltdtQueueRouteQueryInfoParamType",
		                      (int)type);
	if (len != sizeof(uint32_t))
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "len %zu is not the parameter's size 4", len);
	struct weir_acl_tdt_query *q = weir_acl_query_get(param);
	if (!q)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "param %p is NULL or not a live route query info",
		                      (void *)param);
	uint32_t v;
	memcpy(&v, value, sizeof(v));
	if (type == ACL_TDT_QUEUE_ROUTE_QUERY_MODE_ENUM) {
		q->mode = (int32_t)v;
		q->has_mode = true;
	} else if (type == ACL_TDT_QUEUE_ROUTE_QUERY_SRC_ID_UINT32) {
		q->src = v;
		q->has_src = true;
	} else {
		q->dst = v;
		q->has_dst = true;
	}
	weir__acl_tdt_put(&q->hdr);
	return ACL_SUCCESS;
}

/* ------------------------------------------------------------------------ */
/* Queues: the id table and the routes (Q)                                   */
/* ------------------------------------------------------------------------ */

struct weir_acl_tdt_queue {
	struct weir_acl_kobj hdr;
	struct weir_bq q;                 /* A: of buffer handles */
	uint32_t qid;                     /* I */
	uint32_t depth;                   /* I */
	char name[WEIR_ACL_TDT_NAME_MAX]; /* I */
	uint32_t fwd;                     /* Q: qid of the bound destination, 0: none */
	struct weir_acl_tdt_queue *root;  /* Q: where its items go (itself: unbound) */
	_Atomic uint32_t routed;          /* A: 1 while it is a bound source (R2) */
	_Atomic uint32_t nsrc;            /* A: bound sources whose root it is (R2) */
};

static pthread_mutex_t weir_acl_tdt_qmu = PTHREAD_MUTEX_INITIALIZER;
static struct weir_acl_tdt_queue *weir_acl_tdt_qtab[WEIR_ACL_TDT_QMAX]; /* Q */
static uint32_t weir_acl_tdt_qgen[WEIR_ACL_TDT_QMAX];                   /* Q */
static uint32_t weir_acl_tdt_qseq;                                      /* Q */

/* Q held: the table's queue of that id or NULL. */
static struct weir_acl_tdt_queue *weir_acl_q_find_locked(uint32_t qid)
{
	struct weir_acl_tdt_queue *q = weir_acl_tdt_qtab[qid & (WEIR_ACL_TDT_QMAX - 1)];
	return q && q->qid == qid ? q : NULL;
}

/* The queue of that id with a reference, or NULL. */
static struct weir_acl_tdt_queue *weir_acl_q_get(uint32_t qid)
{
	pthread_mutex_lock(&weir_acl_tdt_qmu);
	struct weir_acl_tdt_queue *q = weir_acl_q_find_locked(qid);
	if (q)
		weir__acl_tdt_ref(&q->hdr); /* the table holds the handle's reference */
	pthread_mutex_unlock(&weir_acl_tdt_qmu);
	return q;
}

static void weir_acl_q_drop_buf(void *h, void *arg)
{
	(void)arg;
	struct weir_acl_tdt_buf *b = weir_acl_buf_get(h);
	if (!b)
		return;
	weir_store_release(&b->queued, 0);
	weir_acl_buf_free_chain(b);
	weir__acl_tdt_put(&b->hdr);
}

static void weir_acl_q_fini(struct weir_acl_kobj *o)
{
	struct weir_acl_tdt_queue *q = caa_container_of(o, struct weir_acl_tdt_queue, hdr);
	weir__bq_drain(&q->q, weir_acl_q_drop_buf, NULL);
	weir__bq_fini(&q->q);
}

/* Q held: recompute every queue's root, routed flag, source count and the
 * eventcount its pushes notify (R2, R3). */
static void weir_acl_q_reroute_locked(void)
{
	for (uint32_t i = 0; i < WEIR_ACL_TDT_QMAX; i++) {
		struct weir_acl_tdt_queue *q = weir_acl_tdt_qtab[i];
		if (q)
			weir_store_relaxed(&q->nsrc, 0);
	}
	for (uint32_t i = 0; i < WEIR_ACL_TDT_QMAX; i++) {
		struct weir_acl_tdt_queue *q = weir_acl_tdt_qtab[i];
		if (!q)
			continue;
		struct weir_acl_tdt_queue *r = q;
		uint32_t hops = 0;
		while (r->fwd && hops++ < WEIR_ACL_TDT_QMAX) {
			struct weir_acl_tdt_queue *n = weir_acl_q_find_locked(r->fwd);
			WEIR_ASSERT(n, "tdt queue R4: a bound route names a live queue");
			if (!n)
				break;
			r = n;
		}
		WEIR_ASSERT(hops < WEIR_ACL_TDT_QMAX, "tdt queue R1: routes form no cycle");
		q->root = r;
		/* relaxed: read by dequeuers as a hint; the items themselves
		 * are handed over by base/bqueue.h's orders, and a dequeuer
		 * that raced a bind finds them on its next try (R3 wakes it). */
		weir_store_relaxed(&q->routed, q->fwd ? 1u : 0u);
		weir__bq_set_also(&q->q, q->fwd ? weir__bq_item_ec(&r->q) : NULL);
		if (r != q)
			weir_faa_relaxed(&r->nsrc, 1);
	}
}

ACL_FUNC_VISIBILITY aclError acltdtCreateQueue(const acltdtQueueAttr *attr, uint32_t *qid)
{
	const char *api = "acltdtCreateQueue";
	if (!qid)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "qid is NULL");
	int32_t dev;
	aclError rc = weir__acl_current_device(&dev);
	if (rc != ACL_SUCCESS)
		return weir__acl_fail(rc, api, "%s", weir__acl_reason());
	char name[WEIR_ACL_TDT_NAME_MAX] = "";
	uint32_t depth = WEIR_ACL_TDT_DEPTH_DEF;
	if (attr) {
		struct weir_acl_tdt_attr *a = weir_acl_attr_get(attr);
		if (!a)
			return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
			                      "attr %p is not a live queue attribute",
			                      (const void *)attr);
		memcpy(name, a->name, sizeof(name));
		name[sizeof(name) - 1] = '\0';
		depth = a->depth;
		weir__acl_tdt_put(&a->hdr);
	}
	if (depth < WEIR_ACL_TDT_DEPTH_MIN || depth > WEIR_ACL_TDT_DEPTH_MAX)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "depth %u is outside [%d, %d]",
		                      (unsigned)depth, WEIR_ACL_TDT_DEPTH_MIN,
		                      WEIR_ACL_TDT_DEPTH_MAX);
	struct weir_acl_tdt_queue *q = weir__calloc(1, sizeof(*q));
	if (!q || weir__bq_init(&q->q, depth) != WEIR_OK) {
		weir__free(q);
		return weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "out of memory");
	}
	q->depth = depth;
	q->root = q;
	pthread_mutex_lock(&weir_acl_tdt_qmu);
	uint32_t idx = WEIR_ACL_TDT_QMAX;
	for (uint32_t i = 0; i < WEIR_ACL_TDT_QMAX; i++) {
		uint32_t k = (weir_acl_tdt_qseq + i) & (WEIR_ACL_TDT_QMAX - 1);
		struct weir_acl_tdt_queue *o = weir_acl_tdt_qtab[k];
		if (!o && idx == WEIR_ACL_TDT_QMAX)
			idx = k;
		if (o && name[0] && strcmp(o->name, name) == 0) {
			pthread_mutex_unlock(&weir_acl_tdt_qmu);
			weir__bq_fini(&q->q);
			weir__free(q);
			return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
			                      "a queue named \"%s\" exists already (id %u)", name,
			                      (unsigned)o->qid);
		}
	}
	if (idx == WEIR_ACL_TDT_QMAX) {
		pthread_mutex_unlock(&weir_acl_tdt_qmu);
		weir__bq_fini(&q->q);
		weir__free(q);
		return weir__acl_fail(ACL_ERROR_RT_RESOURCE_ALLOC_FAIL, api,
		                      "all %u queue ids are in use", WEIR_ACL_TDT_QMAX);
	}
	uint32_t gen = (weir_acl_tdt_qgen[idx] + 1) & 0xFFFFFu;
	if (gen == 0)
		gen = 1;
	weir_acl_tdt_qgen[idx] = gen;
	weir_acl_tdt_qseq = idx + 1;
	q->qid = (gen << WEIR_ACL_TDT_QIDX_BITS) | idx;
	if (name[0])
		memcpy(q->name, name, sizeof(name));
	else
		snprintf(q->name, sizeof(q->name), "weir_queue_%u", (unsigned)q->qid);
	if (!weir__acl_tdt_publish(&q->hdr, WEIR_ACL_TDT_QUEUE, weir_acl_q_fini)) {
		pthread_mutex_unlock(&weir_acl_tdt_qmu);
		weir__bq_fini(&q->q);
		weir__free(q);
		return weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "no handle left in the registry");
	}
	weir_acl_tdt_qtab[idx] = q;
	*qid = q->qid;
	pthread_mutex_unlock(&weir_acl_tdt_qmu);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError acltdtDestroyQueue(uint32_t qid)
{
	const char *api = "acltdtDestroyQueue";
	pthread_mutex_lock(&weir_acl_tdt_qmu);
	struct weir_acl_tdt_queue *q = weir_acl_q_find_locked(qid);
	if (!q) {
		pthread_mutex_unlock(&weir_acl_tdt_qmu);
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api, "qid %u is not a live queue",
		                      (unsigned)qid);
	}
	if (q->fwd || weir_load_relaxed(&q->nsrc)) {
		pthread_mutex_unlock(&weir_acl_tdt_qmu);
		return weir__acl_fail(ACL_ERROR_FAILURE, api,
		                      "queue %u is in a bound route; unbind it first (R4)",
		                      (unsigned)qid);
	}
	weir_acl_tdt_qtab[qid & (WEIR_ACL_TDT_QMAX - 1)] = NULL;
	pthread_mutex_unlock(&weir_acl_tdt_qmu);
	bool won = weir__acl_tdt_unpublish(&q->hdr);
	WEIR_ASSERT(won, "tdt queue: only the table's remover unpublishes a queue");
	(void)won;
	/* Wakes blocked enqueuers and dequeuers (they hold references). */
	weir__bq_stop(&q->q);
	weir__bq_drain(&q->q, weir_acl_q_drop_buf, NULL);
	weir__acl_tdt_put(&q->hdr);
	return ACL_SUCCESS;
}

/* Where a taken item came from, to give back or consume its space. */
struct weir_acl_q_take {
	struct weir_acl_tdt_queue *from; /* referenced */
	void *item;
};

/* One non-blocking try at root r's items (R2). */
static bool weir_acl_q_try(struct weir_acl_tdt_queue *r, struct weir_acl_q_take *t)
{
	if (!weir_load_relaxed(&r->routed) && weir__bq_pop_hold(&r->q, &t->item)) {
		weir__acl_tdt_ref(&r->hdr);
		t->from = r;
		return true;
	}
	if (!weir_load_relaxed(&r->nsrc))
		return false;
	struct weir_acl_tdt_queue *src[64];
	bool found = false;
	for (uint32_t pos = 0; pos < WEIR_ACL_TDT_QMAX && !found;) {
		uint32_t n = 0;
		pthread_mutex_lock(&weir_acl_tdt_qmu);
		for (; pos < WEIR_ACL_TDT_QMAX && n < 64; pos++) {
			struct weir_acl_tdt_queue *q = weir_acl_tdt_qtab[pos];
			if (q && q != r && q->root == r && weir_load_relaxed(&q->routed)) {
				weir__acl_tdt_ref(&q->hdr);
				src[n++] = q;
			}
		}
		pthread_mutex_unlock(&weir_acl_tdt_qmu);
		for (uint32_t i = 0; i < n; i++) {
			if (!found && weir__bq_pop_hold(&src[i]->q, &t->item)) {
#ifdef WEIR_BUSTED_TDT_ROUTE_DROP
				/* planted: the forwarded item's space is released,
				 * the item itself never handed over */
				weir__bq_release_space(&src[i]->q);
				weir__acl_tdt_put(&src[i]->hdr);
				continue;
#endif
				t->from = src[i];
				found = true;
				continue; /* keep that reference */
			}
			weir__acl_tdt_put(&src[i]->hdr);
		}
	}
	return found;
}

/* Take an item for a dequeuer of q: WEIR_OK, WEIR_EAGAIN, WEIR_ETIMEDOUT or
 * WEIR_ESTATE (q destroyed while waiting). Waits on q's eventcount (R3). */
static int weir_acl_q_take(struct weir_acl_tdt_queue *q, int64_t ns, struct weir_acl_q_take *t)
{
	if (weir_acl_q_try(q, t))
		return WEIR_OK;
	if (ns == 0)
		return weir__bq_stopped(&q->q) ? WEIR_ESTATE : WEIR_EAGAIN;
	uint64_t deadline = weir__deadline(ns);
	struct weir_ec *ec = weir__bq_item_ec(&q->q);
	for (;;) {
		uint32_t key = weir__ec_prepare(ec);
		if (weir_acl_q_try(q, t)) {
			weir__ec_cancel(ec);
			return WEIR_OK;
		}
		if (weir__bq_stopped(&q->q)) {
			weir__ec_cancel(ec);
			return WEIR_ESTATE;
		}
		if (weir__now_ns() >= deadline) {
			weir__ec_cancel(ec);
			return WEIR_ETIMEDOUT;
		}
		weir__ec_wait(ec, key, deadline);
	}
}

#define WEIR_ACL_Q_GET(q, qid, api)                                                            \
	struct weir_acl_tdt_queue *q = weir_acl_q_get(qid);                                    \
	if (!q)                                                                                \
	return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, (api), "qid %u is not a live queue", \
	                      (unsigned)(qid))

static aclError weir_acl_q_push(struct weir_acl_tdt_queue *q, void *h, int64_t ns, int32_t timeout,
                                const char *api)
{
	int st = weir__bq_push(&q->q, h, ns);
	if (st == WEIR_OK)
		return ACL_SUCCESS;
	if (st == WEIR_ESTATE)
		return weir__acl_fail(ACL_ERROR_FAILURE, api, "queue %u was destroyed",
		                      (unsigned)q->qid);
	return weir__acl_fail(ACL_ERROR_RT_QUEUE_FULL, api,
	                      "queue %u is full (depth %u, timeout %d ms)", (unsigned)q->qid,
	                      (unsigned)q->depth, (int)timeout);
}

static aclError weir_acl_q_take_fail(struct weir_acl_tdt_queue *q, int st, int32_t timeout,
                                     const char *api)
{
	if (st == WEIR_ESTATE)
		return weir__acl_fail(ACL_ERROR_FAILURE, api, "queue %u was destroyed",
		                      (unsigned)q->qid);
	return weir__acl_fail(ACL_ERROR_RT_QUEUE_EMPTY, api, "queue %u is empty (timeout %d ms)",
	                      (unsigned)q->qid, (int)timeout);
}

ACL_FUNC_VISIBILITY aclError acltdtEnqueue(uint32_t qid, acltdtBuf buf, int32_t timeout)
{
	const char *api = "acltdtEnqueue";
	int64_t ns;
	aclError rc = weir__acl_tdt_timeout(timeout, &ns, api);
	if (rc != ACL_SUCCESS)
		return rc;
	WEIR_ACL_BUF_GET(b, buf, api);
	struct weir_acl_tdt_queue *q = weir_acl_q_get(qid);
	uint32_t zero = 0;
	if (!q)
		rc = weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api, "qid %u is not a live queue",
		                    (unsigned)qid);
	else if (b->member)
		rc = weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                    "buf %p belongs to a chain; enqueue the chain's head",
		                    (void *)buf);
	/* QB-A1: acq_rel - one queue at a time holds a buffer; pairs with the
	 * release store of a dequeue (QB-R1). */
	else if (!weir_cas_acqrel(&b->queued, &zero, 1u))
		rc = weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "buf %p is already in a queue",
		                    (void *)buf);
	else {
		rc = weir_acl_q_push(q, buf, ns, timeout, api);
		if (rc != ACL_SUCCESS)
			weir_store_release(&b->queued, 0); /* QB-R1 */
	}
	if (q)
		weir__acl_tdt_put(&q->hdr);
	weir__acl_tdt_put(&b->hdr);
	return rc;
}

ACL_FUNC_VISIBILITY aclError acltdtDequeue(uint32_t qid, acltdtBuf *buf, int32_t timeout)
{
	const char *api = "acltdtDequeue";
	if (!buf)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "buf is NULL");
	int64_t ns;
	aclError rc = weir__acl_tdt_timeout(timeout, &ns, api);
	if (rc != ACL_SUCCESS)
		return rc;
	WEIR_ACL_Q_GET(q, qid, api);
	struct weir_acl_q_take t;
	int st = weir_acl_q_take(q, ns, &t);
	if (st == WEIR_OK) {
		weir__bq_release_space(&t.from->q);
		weir__acl_tdt_put(&t.from->hdr);
		struct weir_acl_tdt_buf *b = weir_acl_buf_get(t.item);
		WEIR_ASSERT(b, "tdt queue: a queued buffer cannot be freed");
		if (b) {
			weir_store_release(&b->queued, 0); /* QB-R1: pairs with QB-A1 */
			weir__acl_tdt_put(&b->hdr);
		}
		*buf = t.item;
	} else {
		rc = weir_acl_q_take_fail(q, st, timeout, api);
	}
	weir__acl_tdt_put(&q->hdr);
	return rc;
}

ACL_FUNC_VISIBILITY aclError acltdtEnqueueData(uint32_t qid, const void *data, size_t dataSize,
                                               const void *userData, size_t userDataSize,
                                               int32_t timeout, uint32_t rsv)
{
	const char *api = "acltdtEnqueueData";
	(void)rsv; /* reserved by ACL */
	if (!data || dataSize == 0)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s",
		                      !data ? "data is NULL" : "dataSize is 0");
	if (userDataSize > WEIR_ACL_TDT_USERDATA || (!userData && userDataSize))
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "userData %p with userDataSize %zu (at most %d bytes)",
		                      userData, userDataSize, WEIR_ACL_TDT_USERDATA);
	int64_t ns;
	aclError rc = weir__acl_tdt_timeout(timeout, &ns, api);
	if (rc != ACL_SUCCESS)
		return rc;
	WEIR_ACL_Q_GET(q, qid, api);
	void *h = weir_acl_buf_alloc(dataSize, api);
	if (!h) {
		weir__acl_tdt_put(&q->hdr);
		return ACL_ERROR_BAD_ALLOC;
	}
	struct weir_acl_tdt_buf *b = weir_acl_buf_get(h);
	memcpy(b->blk->data, data, dataSize);
	if (userDataSize)
		memcpy(b->udata, userData, userDataSize);
	weir_store_relaxed(&b->queued, 1); /* not published to anyone yet */
	rc = weir_acl_q_push(q, h, ns, timeout, api);
	if (rc != ACL_SUCCESS) {
		weir_store_relaxed(&b->queued, 0);
		weir_acl_buf_free_chain(b);
	}
	weir__acl_tdt_put(&b->hdr);
	weir__acl_tdt_put(&q->hdr);
	return rc;
}

ACL_FUNC_VISIBILITY aclError acltdtDequeueData(uint32_t qid, void *data, size_t dataSize,
                                               size_t *retDataSize, void *userData,
                                               size_t userDataSize, int32_t timeout)
{
	const char *api = "acltdtDequeueData";
	if (!data || !retDataSize || dataSize == 0)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s",
		                      !data          ? "data is NULL"
		                      : !retDataSize ? "retDataSize is NULL"
		                                     : "dataSize is 0");
	int64_t ns;
	aclError rc = weir__acl_tdt_timeout(timeout, &ns, api);
	if (rc != ACL_SUCCESS)
		return rc;
	WEIR_ACL_Q_GET(q, qid, api);
	struct weir_acl_q_take t;
	int st = weir_acl_q_take(q, ns, &t);
	if (st != WEIR_OK) {
		rc = weir_acl_q_take_fail(q, st, timeout, api);
		weir__acl_tdt_put(&q->hdr);
		return rc;
	}
	struct weir_acl_tdt_buf *b = weir_acl_buf_get(t.item);
	WEIR_ASSERT(b, "tdt queue: a queued buffer cannot be freed");
	size_t total = b ? b->data_len : 0;
	for (uint32_t i = 0; b && i < b->nchain; i++) {
		struct weir_acl_tdt_buf *m = weir_acl_buf_get(b->chain[i]);
		total += m ? m->data_len : 0;
		if (m)
			weir__acl_tdt_put(&m->hdr);
	}
	*retDataSize = total;
	if (b && total > dataSize) {
		/* The item stays queued (at the back, its space kept). */
		weir__bq_push_held(&t.from->q, t.item);
		rc = weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                    "dataSize %zu is below the item's %zu bytes; it stays queued",
		                    dataSize, total);
	} else if (b) {
		weir__bq_release_space(&t.from->q);
		memcpy(data, b->blk->data, b->data_len);
		size_t off = b->data_len;
		for (uint32_t i = 0; i < b->nchain; i++) {
			struct weir_acl_tdt_buf *m = weir_acl_buf_get(b->chain[i]);
			if (m) {
				memcpy((unsigned char *)data + off, m->blk->data, m->data_len);
				off += m->data_len;
				weir__acl_tdt_put(&m->hdr);
			}
		}
		if (userData && userDataSize)
			memcpy(userData, b->udata,
			       userDataSize < WEIR_ACL_TDT_USERDATA ? userDataSize
			                                            : WEIR_ACL_TDT_USERDATA);
		weir_store_release(&b->queued, 0); /* QB-R1 */
		weir_acl_buf_free_chain(b);
	} else {
		weir__bq_release_space(&t.from->q);
	}
	if (b)
		weir__acl_tdt_put(&b->hdr);
	weir__acl_tdt_put(&t.from->hdr);
	weir__acl_tdt_put(&q->hdr);
	return rc;
}

ACL_FUNC_VISIBILITY aclError acltdtGrantQueue(uint32_t qid, int32_t pid, uint32_t permission,
                                              int32_t timeout)
{
	const char *api = "acltdtGrantQueue";
	int64_t ns;
	aclError rc = weir__acl_tdt_timeout(timeout, &ns, api);
	if (rc != ACL_SUCCESS)
		return rc;
	const uint32_t all = ACL_TDT_QUEUE_PERMISSION_MANAGE | ACL_TDT_QUEUE_PERMISSION_DEQUEUE |
	                     ACL_TDT_QUEUE_PERMISSION_ENQUEUE;
	if (permission == 0 || (permission & ~all))
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "permission 0x%x is not a set of ACL_TDT_QUEUE_PERMISSION_*",
		                      (unsigned)permission);
	WEIR_ACL_Q_GET(q, qid, api);
	weir__acl_tdt_put(&q->hdr);
	/* weir's queues live in this process, which holds every permission. */
	if (pid != (int32_t)getpid())
		return weir__acl_fail(ACL_ERROR_FEATURE_UNSUPPORTED, api,
		                      "pid %d is another process; weir's queues are in-process",
		                      (int)pid);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError acltdtAttachQueue(uint32_t qid, int32_t timeout, uint32_t *permission)
{
	const char *api = "acltdtAttachQueue";
	if (!permission)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "permission is NULL");
	int64_t ns;
	aclError rc = weir__acl_tdt_timeout(timeout, &ns, api);
	if (rc != ACL_SUCCESS)
		return rc;
	WEIR_ACL_Q_GET(q, qid, api);
	weir__acl_tdt_put(&q->hdr);
	*permission = ACL_TDT_QUEUE_PERMISSION_MANAGE | ACL_TDT_QUEUE_PERMISSION_DEQUEUE |
	              ACL_TDT_QUEUE_PERMISSION_ENQUEUE;
	return ACL_SUCCESS;
}

/* ------------------------------------------------------------------------ */
/* Bind, unbind, query                                                       */
/* ------------------------------------------------------------------------ */

/* Q held: would src -> dst close a cycle (R1)? */
static bool weir_acl_q_reaches_locked(uint32_t from, uint32_t to)
{
	uint32_t hops = 0;
	while (from && hops++ <= WEIR_ACL_TDT_QMAX) {
		if (from == to)
			return true;
		struct weir_acl_tdt_queue *q = weir_acl_q_find_locked(from);
		from = q ? q->fwd : 0;
	}
	return false;
}

static aclError weir_acl_q_bind(acltdtQueueRouteList *qRouteList, bool bind, const char *api)
{
	struct weir_acl_tdt_route_list *l = weir_acl_rlist_get(qRouteList);
	if (!l)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "qRouteList %p is NULL or not a live route list",
		                      (void *)qRouteList);
	size_t bad = SIZE_MAX;
	const char *why = NULL;
	struct weir_ec *wake[64];
	uint32_t nwake = 0;
	pthread_mutex_lock(&weir_acl_tdt_qmu);
	for (size_t i = 0; i < l->n; i++) {
		struct weir_acl_route_val *v = &l->v[i];
		struct weir_acl_tdt_queue *s = weir_acl_q_find_locked(v->src);
		struct weir_acl_tdt_queue *d = weir_acl_q_find_locked(v->dst);
		const char *err = NULL;
		if (!s || !d)
			err = "a queue id of the route is not a live queue";
		else if (bind) {
			if (s->fwd == v->dst)
				err = NULL; /* bound already */
			else if (s == d)
				err = "a route needs two queues";
			else if (s->fwd)
				err = "the source is bound to another destination already";
			else if (weir_acl_q_reaches_locked(v->dst, v->src))
				err = "the route would close a cycle";
			else
				s->fwd = v->dst;
		} else if (s->fwd != v->dst) {
			err = "the route is not bound";
		} else {
			s->fwd = 0;
			if (nwake < 64)
				wake[nwake++] = weir__bq_item_ec(&s->q);
		}
		if (err) {
			v->status = ACL_TDT_QUEUE_ROUTE_BIND_ABNORMAL;
			if (bad == SIZE_MAX) {
				bad = i;
				why = err;
			}
		} else {
			v->status = bind ? ACL_TDT_QUEUE_ROUTE_BIND : ACL_TDT_QUEUE_ROUTE_UNBIND;
		}
	}
	weir_acl_q_reroute_locked();
	/* R3: items already queued on a source now belong to its root. */
	for (uint32_t i = 0; i < WEIR_ACL_TDT_QMAX; i++) {
		struct weir_acl_tdt_queue *q = weir_acl_tdt_qtab[i];
		if (q && q->fwd)
			weir__ec_notify(weir__bq_item_ec(&q->root->q), INT32_MAX);
	}
	/* Unbound sources serve their own dequeuers again. */
	for (uint32_t i = 0; i < nwake; i++)
		weir__ec_notify(wake[i], INT32_MAX);
	pthread_mutex_unlock(&weir_acl_tdt_qmu);
	size_t n = l->n;
	struct weir_acl_route_val first =
	        bad != SIZE_MAX ? l->v[bad] : (struct weir_acl_route_val){ 0 };
	weir__acl_tdt_put(&l->hdr);
	if (bad != SIZE_MAX)
		return weir__acl_fail(ACL_ERROR_FAILURE, api,
		                      "route %zu of %zu (%u -> %u): %s (status BIND_ABNORMAL)", bad,
		                      n, (unsigned)first.src, (unsigned)first.dst, why);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError acltdtBindQueueRoutes(acltdtQueueRouteList *qRouteList)
{
	return weir_acl_q_bind(qRouteList, true, "acltdtBindQueueRoutes");
}

ACL_FUNC_VISIBILITY aclError acltdtUnbindQueueRoutes(acltdtQueueRouteList *qRouteList)
{
	return weir_acl_q_bind(qRouteList, false, "acltdtUnbindQueueRoutes");
}

ACL_FUNC_VISIBILITY aclError acltdtQueryQueueRoutes(const acltdtQueueRouteQueryInfo *queryInfo,
                                                    acltdtQueueRouteList *qRouteList)
{
	const char *api = "acltdtQueryQueueRoutes";
	struct weir_acl_tdt_route_list *l = weir_acl_rlist_get(qRouteList);
	if (!l)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "qRouteList %p is NULL or not a live route list",
		                      (void *)qRouteList);
	struct weir_acl_tdt_query *qi = weir_acl_query_get(queryInfo);
	aclError rc = ACL_SUCCESS;
	l->n = 0;
	if (!qi)
		rc = weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                    "queryInfo %p is NULL or not a live route query info",
		                    (const void *)queryInfo);
	else if (!qi->has_mode)
		rc = weir__acl_fail(
		        ACL_ERROR_INVALID_PARAM, api,
		        "the query info has no mode (ACL_TDT_QUEUE_ROUTE_QUERY_MODE_ENUM)");
	else if (qi->mode != ACL_TDT_QUEUE_ROUTE_QUERY_SRC &&
	         qi->mode != ACL_TDT_QUEUE_ROUTE_QUERY_DST &&
	         qi->mode != ACL_TDT_QUEUE_ROUTE_QUERY_SRC_AND_DST &&
	         qi->mode != ACL_TDT_QUEUE_ROUTE_QUERY_ABNORMAL)
		rc = weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                    "mode %d is not an acltdtQueueRouteQueryMode", (int)qi->mode);
	else if ((qi->mode == ACL_TDT_QUEUE_ROUTE_QUERY_SRC ||
	          qi->mode == ACL_TDT_QUEUE_ROUTE_QUERY_SRC_AND_DST) &&
	         !qi->has_src)
		rc = weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                    "the query info has no source id");
	else if ((qi->mode == ACL_TDT_QUEUE_ROUTE_QUERY_DST ||
	          qi->mode == ACL_TDT_QUEUE_ROUTE_QUERY_SRC_AND_DST) &&
	         !qi->has_dst)
		rc = weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                    "the query info has no destination id");
	else if (qi->mode != ACL_TDT_QUEUE_ROUTE_QUERY_ABNORMAL) {
		/* weir's bound routes never turn abnormal: that mode finds none. */
		pthread_mutex_lock(&weir_acl_tdt_qmu);
		for (uint32_t i = 0; i < WEIR_ACL_TDT_QMAX && rc == ACL_SUCCESS; i++) {
			struct weir_acl_tdt_queue *q = weir_acl_tdt_qtab[i];
			if (!q || !q->fwd)
				continue;
			bool m = (qi->mode != ACL_TDT_QUEUE_ROUTE_QUERY_DST || q->fwd == qi->dst) &&
			         (qi->mode != ACL_TDT_QUEUE_ROUTE_QUERY_SRC || q->qid == qi->src) &&
			         (qi->mode != ACL_TDT_QUEUE_ROUTE_QUERY_SRC_AND_DST ||
			          (q->qid == qi->src && q->fwd == qi->dst));
			struct weir_acl_route_val v = { q->qid, q->fwd, ACL_TDT_QUEUE_ROUTE_BIND };
			if (m && !weir_acl_rlist_push(l, v))
				rc = ACL_ERROR_BAD_ALLOC;
		}
		pthread_mutex_unlock(&weir_acl_tdt_qmu);
		if (rc != ACL_SUCCESS)
			rc = weir__acl_fail(rc, api, "out of memory");
	}
	if (qi)
		weir__acl_tdt_put(&qi->hdr);
	weir__acl_tdt_put(&l->hdr);
	return rc;
}
