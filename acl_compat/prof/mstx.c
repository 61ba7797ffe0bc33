/*
 * acl_compat/prof/mstx.c - the mstx marker API (mstx/ms_tools_ext.h) and its
 * trace (acl/weir_acl.h: weir_mstx_trace_*).
 *
 * Events. Every mark, range start and range end becomes one event: domain
 * name, message, kind, host time, stream time, thread id, range id. With no
 * stream the event is pushed into the trace at the call. With a stream, the
 * call allocates the event and queues a one-block task on the stream with
 * weir_launch_release(): the kernel only stamps stream_ns into the event,
 * and the release (on the worker, when the task retires: after the kernel,
 * or without it when the task is discarded) pushes it. Pushing is
 * lock-free, so a worker never blocks here.
 *
 * The trace is a ring of WEIR_MSTX_TRACE_CAPACITY slots, each holding NULL
 * or one published event. A push takes a ticket (a free-running counter),
 * exchanges its event into slot ticket % capacity, and retires what it
 * replaced (counted as dropped) through RCU. Readers (trace read/write)
 * load the slots inside an RCU read-side section, copy the events out and
 * order them by their sequence number (ticket + 1).
 *
 * Invariants of the ring:
 *  MX1. An event is fully built (seq included) before the exchange that
 *       publishes it (MX-R1), and nothing writes it afterwards.
 *  MX2. An event is in at most one slot. Only the exchange that takes it
 *       out of its slot (a later push, or clear) retires it, and retirement
 *       waits a grace period, so a reader inside RCU reads valid memory.
 *  MX3. Every pushed event is either held in a slot, or was counted once in
 *       `dropped` (replaced by a push) or removed by a clear.
 *  MX4. Two pushes that map to one slot (a lap apart) may exchange in either
 *       order; the slot then holds the older one and the newer is dropped.
 *       The ring holds at most its capacity either way.
 *
 * Synchronization:
 *   push        || push, read, clear: lock-free (exchange on the slot)
 *   read/write  || everything: RCU read side, copies out
 *   clear       || everything: exchange per slot
 *
 * Domains are objects of the one handle registry, under the registry type
 * "acl.prof" (kind WEIR_ACL_PROF_MSTX_DOMAIN; the aclprof* objects will be
 * its other kinds), so a NULL, destroyed or garbage domain handle is looked
 * up, never dereferenced. The live domains by name, their creation counts
 * and the open ranges are under weir_acl_mstx_mu, taken only by user threads
 * in the mstx calls and never while waiting on a stream or inside RCU.
 *
 * Guard legend: I immutable after publish; A atomic; L weir_acl_mstx_mu;
 * W the worker running the marker's task (before the push).
 */
#include "acl/weir_acl.h"
#include "acl_compat/acl_internal.h"
#include "base/alloc.h"
#include "base/atomic.h"
#include "base/obj.h"
#include "base/rcu.h"
#include "base/registry.h"
#include "base/sync.h"
#include "mstx/ms_tools_ext.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

_Static_assert((WEIR_MSTX_TRACE_CAPACITY & (WEIR_MSTX_TRACE_CAPACITY - 1)) == 0,
               "the trace capacity is a power of two");

#define WEIR_ACL_MSTX_DEFAULT     "default"
#define WEIR_ACL_MSTX_RANGES_MAX  65536u        /* open ranges at once, all domains */
#define WEIR_ACL_MSTX_BUCKETS     1024u         /* open-range hash table */
#define WEIR_ACL_MSTX_STREAM_TID0 1000000000ull /* trace-file tids of streams */

/* ------------------------------------------------------------------------ */
/* Events and the ring                                                       */
/* ------------------------------------------------------------------------ */

struct weir_acl_mstx_ev {
	struct weir_rcu_head rcu; /* for the deferred free (MX2) */
	uint64_t seq;             /* I: ticket + 1 (MX1) */
	uint64_t range_id;        /* I */
	uint64_t host_ns;         /* I */
	uint64_t stream_ns;       /* W: the kernel's stamp; then I */
	uint64_t stream;          /* I: aclrtStream value, 0 none */
	uint64_t tid;             /* I */
	uint32_t kind;            /* I */
	const char *message;      /* I: points into text */
	char text[];              /* I: domain NUL message NUL */
};

static _Atomic(struct weir_acl_mstx_ev *) weir_acl_mstx_ring[WEIR_MSTX_TRACE_CAPACITY]; /* A */
/* A: relaxed - tickets only need to be distinct; the slot exchange orders
 * the event itself (MX-R1). */
static _Atomic uint64_t weir_acl_mstx_head;
/* A: relaxed - a statistic; readers want no ordering with the slots. */
static _Atomic uint64_t weir_acl_mstx_dropped;
/* A: relaxed - range ids only need to be distinct. */
static _Atomic uint64_t weir_acl_mstx_next_id;
/* A: relaxed - set once some mstx call recorded something (the flush at
 * aclFinalize writes a file only then). */
static _Atomic bool weir_acl_mstx_used;

static void weir_acl_mstx_ev_free(struct weir_rcu_head *h)
{
	weir__free(caa_container_of(h, struct weir_acl_mstx_ev, rcu));
}

static uint64_t weir_acl_mstx_tid(void)
{
	static _Thread_local uint64_t tid;
	if (!tid)
		tid = (uint64_t)syscall(SYS_gettid);
	return tid;
}

/* Length of s cut to at most max bytes, never inside a UTF-8 sequence. */
static size_t weir_acl_mstx_cut(const char *s, size_t max)
{
	size_t n = strnlen(s, max + 1);
	if (n <= max)
		return n;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0u) == 0x80u)
		n--; /* s[n] continues a sequence: cut before its lead byte */
	return n;
}

static struct weir_acl_mstx_ev *weir_acl_mstx_ev_new(uint32_t kind, const char *domain,
                                                     const char *msg, uint64_t range_id)
{
	size_t dl = strlen(domain);
	size_t ml = weir_acl_mstx_cut(msg, WEIR_MSTX_MESSAGE_MAX - 1);
	struct weir_acl_mstx_ev *e = weir__malloc(sizeof *e + dl + ml + 2);
	if (!e)
		return NULL;
	memset(e, 0, sizeof *e);
	e->kind = kind;
	e->range_id = range_id;
	e->tid = weir_acl_mstx_tid();
	memcpy(e->text, domain, dl + 1);
	memcpy(e->text + dl + 1, msg, ml);
	e->text[dl + 1 + ml] = '\0';
	e->message = e->text + dl + 1;
	e->host_ns = weir__now_ns();
	return e;
}

static void weir_acl_mstx_push(struct weir_acl_mstx_ev *e)
{
	uint64_t t = weir_faa_relaxed(&weir_acl_mstx_head, 1);
	e->seq = t + 1;
	/* MX-R1: acq_rel - release publishes the built event (MX1); pairs with
	 * MX-A1 in the readers and with the acquire of the next exchange on
	 * this slot, which takes over (and retires) what this one put in. */
	struct weir_acl_mstx_ev *old =
	        weir_xchg_acqrel(&weir_acl_mstx_ring[t & (WEIR_MSTX_TRACE_CAPACITY - 1)], e);
	WEIR_ASSERT(old != e, "mstx MX2: an event pushed twice");
	if (old) {
		weir_faa_relaxed(&weir_acl_mstx_dropped, 1);
		weir__rcu_call(&old->rcu, weir_acl_mstx_ev_free); /* MX2 */
	}
}

/* The stream reached the marker: stamp the time. One block; the push
 * happens in the release, which also runs when the task is discarded. */
static int weir_acl_mstx_kernel(void *args, uint32_t block, uint32_t nblocks)
{
	(void)block;
	(void)nblocks;
	struct weir_acl_mstx_ev *e;
	memcpy(&e, args, sizeof e);
	e->stream_ns = weir__now_ns();
	return 0;
}

static void weir_acl_mstx_release(void *ctx)
{
	weir_acl_mstx_push(ctx);
}

static void weir_acl_mstx_flush_at_exit(void);

/* The exit handler reads WEIR_MSTX_TRACE when it runs, like aclFinalize's
 * flush, so the variable may be set after the first marker. */
static void weir_acl_mstx_once(void)
{
	if (atexit(weir_acl_mstx_flush_at_exit) != 0)
		fprintf(stderr, "weir: no exit handler for the mstx trace\n");
}

static void weir_acl_mstx_note_use(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, weir_acl_mstx_once);
	weir_store_relaxed(&weir_acl_mstx_used, true);
}

/* Record e at the call (stream NULL) or through a task on `stream`. true
 * when it was recorded or queued; false (e freed) when the stream cannot
 * take the task. */
static bool weir_acl_mstx_record(struct weir_acl_mstx_ev *e, aclrtStream stream)
{
	weir_acl_mstx_note_use();
	if (!stream) {
		weir_acl_mstx_push(e);
		return true;
	}
	weir_stream_t *ws;
	if (weir__acl_resolve_stream_any(stream, &ws) != ACL_SUCCESS) {
		weir__free(e);
		return false;
	}
	e->stream = (uint64_t)(uintptr_t)stream;
	int st = weir_launch_release(ws, weir_acl_mstx_kernel, &e, sizeof e, 1, 0,
	                             weir_acl_mstx_release, e);
	if (st != WEIR_OK) {
		weir__free(e); /* not queued: the release will not run */
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------------ */
/* Domains                                                                   */
/* ------------------------------------------------------------------------ */

enum weir_acl_prof_kind {
	WEIR_ACL_PROF_MSTX_DOMAIN = 1,
};

struct weir_acl_mstx_domain {
	struct weir_obj obj;               /* registry header */
	uint32_t kind;                     /* I: WEIR_ACL_PROF_MSTX_DOMAIN */
	_Atomic uint32_t refs;             /* A: handle + holders (obj.h O1) */
	uint32_t creates;                  /* L: mstxDomainCreateA calls not yet destroyed */
	struct weir_acl_mstx_domain *next; /* L: the live-domain list */
	char name[];                       /* I */
};

/* A: relaxed - the registry type id, asked for on first use; the same name
 * always gets the same id, so racing stores store the same value. */
static _Atomic uint32_t weir_acl_prof_type;

static uint32_t weir_acl_prof_type_id(void)
{
	uint32_t t = weir_load_relaxed(&weir_acl_prof_type);
	if (!t) {
		t = weir__reg_type("acl.prof");
		weir_store_relaxed(&weir_acl_prof_type, t);
	}
	return t;
}

static void weir_acl_mstx_domain_free(struct weir_obj *o)
{
	weir__free(caa_container_of(o, struct weir_acl_mstx_domain, obj));
}

/* base/obj.h's lifecycle, written out rather than WEIR_OBJ_DEFINE'd: a
 * domain's destroy puts without a grace period, so its get must be the
 * tryref one (obj.h O2), and the generated relaxed get must not exist. */
static struct weir_acl_mstx_domain *weir_acl_mstx_domain_lookup(const void *h)
{
	struct weir_obj *o = weir__reg_lookup(h, weir_load_relaxed(&weir_acl_prof_type));
	return o ? caa_container_of(o, struct weir_acl_mstx_domain, obj) : NULL;
}

static mstxDomainHandle_t weir_acl_mstx_domain_handle(const struct weir_acl_mstx_domain *d)
{
	return (mstxDomainHandle_t)WEIR__HANDLE(d);
}

static void weir_acl_mstx_domain_ref(struct weir_acl_mstx_domain *d)
{
	weir__ref_get(&d->refs);
}

static bool weir_acl_mstx_domain_tryref(struct weir_acl_mstx_domain *d)
{
	return weir__ref_get_unless_zero(&d->refs);
}

static void weir_acl_mstx_domain_put(struct weir_acl_mstx_domain *d)
{
	if (weir__ref_put(&d->refs))
		weir__obj_retire(&d->obj, weir_acl_mstx_domain_free);
}

static pthread_mutex_t weir_acl_mstx_mu = PTHREAD_MUTEX_INITIALIZER;
static struct weir_acl_mstx_domain *weir_acl_mstx_domains; /* L */

/* The live domain named by h, with a reference; NULL for NULL, destroyed,
 * garbage or another kind's handle. Destroy puts without a grace period,
 * so the reference is taken with tryref (obj.h O2). */
static struct weir_acl_mstx_domain *weir_acl_mstx_domain_find(const void *h)
{
	if (!h || !weir_load_relaxed(&weir_acl_prof_type))
		return NULL;
	weir__rcu_read_lock();
	struct weir_acl_mstx_domain *d = weir_acl_mstx_domain_lookup(h);
	if (d && (d->kind != WEIR_ACL_PROF_MSTX_DOMAIN || !weir_acl_mstx_domain_tryref(d)))
		d = NULL;
	weir__rcu_read_unlock();
	return d;
}

static bool weir_acl_mstx_name_ok(const char *name)
{
	size_t n = 0;
	for (; name[n]; n++) {
		char c = name[n];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		          (c >= '0' && c <= '9') || c == '_';
		if (!ok || n + 1 >= WEIR_MSTX_DOMAIN_MAX)
			return false;
	}
	return n > 0 && strcmp(name, WEIR_ACL_MSTX_DEFAULT) != 0;
}

ACL_FUNC_VISIBILITY mstxDomainHandle_t mstxDomainCreateA(const char *name)
{
	if (!name || !weir_acl_mstx_name_ok(name))
		return NULL;
	uint32_t t = weir_acl_prof_type_id();
	if (!t)
		return NULL;
	pthread_mutex_lock(&weir_acl_mstx_mu);
	for (struct weir_acl_mstx_domain *d = weir_acl_mstx_domains; d; d = d->next) {
		if (strcmp(d->name, name) == 0) {
			d->creates++;
			mstxDomainHandle_t h = weir_acl_mstx_domain_handle(d);
			pthread_mutex_unlock(&weir_acl_mstx_mu);
			return h;
		}
	}
	size_t n = strlen(name);
	struct weir_acl_mstx_domain *d = weir__malloc(sizeof *d + n + 1);
	if (!d) {
		pthread_mutex_unlock(&weir_acl_mstx_mu);
		return NULL;
	}
	memset(d, 0, sizeof *d);
	d->kind = WEIR_ACL_PROF_MSTX_DOMAIN;
	d->creates = 1;
	memcpy(d->name, name, n + 1);
	weir__ref_init(&d->refs);
	if (weir__reg_insert(&d->obj, t) != WEIR_OK) {
		pthread_mutex_unlock(&weir_acl_mstx_mu);
		weir__free(d);
		return NULL;
	}
	d->next = weir_acl_mstx_domains;
	weir_acl_mstx_domains = d;
	pthread_mutex_unlock(&weir_acl_mstx_mu);
	return weir_acl_mstx_domain_handle(d);
}

/* ------------------------------------------------------------------------ */
/* Open ranges                                                               */
/* ------------------------------------------------------------------------ */

struct weir_acl_mstx_range {
	uint64_t id;                         /* L */
	struct weir_acl_mstx_domain *dom;    /* L: NULL default; holds a reference */
	aclrtStream stream;                  /* L: the start's stream, NULL none */
	struct weir_acl_mstx_range *next;    /* L: hash chain */
	char message[WEIR_MSTX_MESSAGE_MAX]; /* L */
};

static struct weir_acl_mstx_range *weir_acl_mstx_ranges[WEIR_ACL_MSTX_BUCKETS]; /* L */
static uint32_t weir_acl_mstx_nranges;                                          /* L */

static struct weir_acl_mstx_range **weir_acl_mstx_bucket(uint64_t id)
{
	return &weir_acl_mstx_ranges[(id * 0x9E3779B97F4A7C15ull) >> 54];
}
_Static_assert(WEIR_ACL_MSTX_BUCKETS == 1024u, "the bucket hash keeps 10 bits");

/* Unlink and return the open range `id` of domain `dom` (NULL: default);
 * NULL when there is none. Lock held. */
static struct weir_acl_mstx_range *weir_acl_mstx_take_locked(uint64_t id,
                                                             struct weir_acl_mstx_domain *dom)
{
	for (struct weir_acl_mstx_range **pp = weir_acl_mstx_bucket(id); *pp; pp = &(*pp)->next) {
		struct weir_acl_mstx_range *r = *pp;
		if (r->id == id) {
			if (r->dom != dom)
				return NULL;
			*pp = r->next;
			weir_acl_mstx_nranges--;
			return r;
		}
	}
	return NULL;
}

static void weir_acl_mstx_mark(struct weir_acl_mstx_domain *dom, const char *message,
                               aclrtStream stream)
{
	struct weir_acl_mstx_ev *e = weir_acl_mstx_ev_new(
	        WEIR_MSTX_MARK, dom ? dom->name : WEIR_ACL_MSTX_DEFAULT, message, 0);
	if (e)
		(void)weir_acl_mstx_record(e, stream);
}

static mstxRangeId weir_acl_mstx_start(struct weir_acl_mstx_domain *dom, const char *message,
                                       aclrtStream stream)
{
	struct weir_acl_mstx_range *r = weir__malloc(sizeof *r);
	if (!r)
		return MSTX_INVALID_ID;
	uint64_t id = weir_faa_relaxed(&weir_acl_mstx_next_id, 1) + 1;
	struct weir_acl_mstx_ev *e = weir_acl_mstx_ev_new(
	        WEIR_MSTX_RANGE_START, dom ? dom->name : WEIR_ACL_MSTX_DEFAULT, message, id);
	if (!e) {
		weir__free(r);
		return MSTX_INVALID_ID;
	}
	r->id = id;
	r->dom = dom;
	r->stream = stream;
	memcpy(r->message, e->message, strlen(e->message) + 1);
	/* Open before recording: once the start is queued the range exists. */
	pthread_mutex_lock(&weir_acl_mstx_mu);
	/* A domain destroyed since the caller found it takes no new range:
	 * its destroy has forgotten its ranges already. */
	bool room = weir_acl_mstx_nranges < WEIR_ACL_MSTX_RANGES_MAX && (!dom || dom->creates > 0);
	if (room) {
		struct weir_acl_mstx_range **b = weir_acl_mstx_bucket(id);
		r->next = *b;
		*b = r;
		weir_acl_mstx_nranges++;
		if (dom)
			weir_acl_mstx_domain_ref(dom); /* the range's */
	}
	pthread_mutex_unlock(&weir_acl_mstx_mu);
	if (!room) {
		weir__free(e);
		weir__free(r);
		return MSTX_INVALID_ID;
	}
	if (!weir_acl_mstx_record(e, stream)) {
		pthread_mutex_lock(&weir_acl_mstx_mu);
		struct weir_acl_mstx_range *x = weir_acl_mstx_take_locked(id, dom);
		pthread_mutex_unlock(&weir_acl_mstx_mu);
		/* A destroy of the domain in between forgot it already. */
		if (x) {
			if (x->dom)
				weir_acl_mstx_domain_put(x->dom);
			weir__free(x);
		}
		return MSTX_INVALID_ID;
	}
	return id;
}

static void weir_acl_mstx_end(struct weir_acl_mstx_domain *dom, mstxRangeId id)
{
	if (id == MSTX_INVALID_ID)
		return;
	pthread_mutex_lock(&weir_acl_mstx_mu);
	struct weir_acl_mstx_range *r = weir_acl_mstx_take_locked(id, dom);
	pthread_mutex_unlock(&weir_acl_mstx_mu);
	if (!r)
		return;
	struct weir_acl_mstx_ev *e = weir_acl_mstx_ev_new(
	        WEIR_MSTX_RANGE_END, dom ? dom->name : WEIR_ACL_MSTX_DEFAULT, r->message, id);
	if (e) {
		/* On the start's stream; at the call when that stream is gone,
		 * so that the range is closed either way. */
		if (!weir_acl_mstx_record(e, r->stream)) {
			e = weir_acl_mstx_ev_new(WEIR_MSTX_RANGE_END,
			                         dom ? dom->name : WEIR_ACL_MSTX_DEFAULT,
			                         r->message, id);
			if (e)
				(void)weir_acl_mstx_record(e, NULL);
		}
	}
	if (r->dom)
		weir_acl_mstx_domain_put(r->dom);
	weir__free(r);
}

ACL_FUNC_VISIBILITY void mstxDomainDestroy(mstxDomainHandle_t domain)
{
	struct weir_acl_mstx_domain *d = weir_acl_mstx_domain_find(domain);
	if (!d)
		return;
	struct weir_acl_mstx_range *forgot = NULL;
	bool last = false;
	pthread_mutex_lock(&weir_acl_mstx_mu);
	/* creates is 0 when a racing destroy took the last one already. */
	if (d->creates > 0 && --d->creates == 0 && weir__reg_remove(&d->obj)) {
		last = true;
		for (struct weir_acl_mstx_domain **pp = &weir_acl_mstx_domains; *pp;
		     pp = &(*pp)->next) {
			if (*pp == d) {
				*pp = d->next;
				break;
			}
		}
		for (uint32_t b = 0; b < WEIR_ACL_MSTX_BUCKETS; b++) {
			for (struct weir_acl_mstx_range **pp = &weir_acl_mstx_ranges[b]; *pp;) {
				struct weir_acl_mstx_range *r = *pp;
				if (r->dom == d) {
					*pp = r->next;
					weir_acl_mstx_nranges--;
					r->next = forgot;
					forgot = r;
				} else {
					pp = &r->next;
				}
			}
		}
	}
	pthread_mutex_unlock(&weir_acl_mstx_mu);
	while (forgot) {
		struct weir_acl_mstx_range *r = forgot;
		forgot = r->next;
		weir_acl_mstx_domain_put(d); /* the range's */
		weir__free(r);
	}
	if (last)
		weir_acl_mstx_domain_put(d); /* the handle's */
	weir_acl_mstx_domain_put(d);         /* ours */
}

/* ------------------------------------------------------------------------ */
/* The mstx calls                                                            */
/* ------------------------------------------------------------------------ */

ACL_FUNC_VISIBILITY void mstxMarkA(const char *message, aclrtStream stream)
{
	if (message)
		weir_acl_mstx_mark(NULL, message, stream);
}

ACL_FUNC_VISIBILITY mstxRangeId mstxRangeStartA(const char *message, aclrtStream stream)
{
	return message ? weir_acl_mstx_start(NULL, message, stream) : MSTX_INVALID_ID;
}

ACL_FUNC_VISIBILITY void mstxRangeEnd(mstxRangeId id)
{
	weir_acl_mstx_end(NULL, id);
}

ACL_FUNC_VISIBILITY void mstxDomainMarkA(mstxDomainHandle_t domain, const char *message,
                                         aclrtStream stream)
{
	if (!message)
		return;
	struct weir_acl_mstx_domain *d = weir_acl_mstx_domain_find(domain);
	if (!d)
		return;
	weir_acl_mstx_mark(d, message, stream);
	weir_acl_mstx_domain_put(d);
}

ACL_FUNC_VISIBILITY mstxRangeId mstxDomainRangeStartA(mstxDomainHandle_t domain,
                                                      const char *message, aclrtStream stream)
{
	if (!message)
		return MSTX_INVALID_ID;
	struct weir_acl_mstx_domain *d = weir_acl_mstx_domain_find(domain);
	if (!d)
		return MSTX_INVALID_ID;
	mstxRangeId id = weir_acl_mstx_start(d, message, stream);
	weir_acl_mstx_domain_put(d);
	return id;
}

ACL_FUNC_VISIBILITY void mstxDomainRangeEnd(mstxDomainHandle_t domain, mstxRangeId id)
{
	struct weir_acl_mstx_domain *d = weir_acl_mstx_domain_find(domain);
	if (!d)
		return;
	weir_acl_mstx_end(d, id);
	weir_acl_mstx_domain_put(d);
}

/* ------------------------------------------------------------------------ */
/* Reading the trace                                                         */
/* ------------------------------------------------------------------------ */

static int weir_acl_mstx_by_seq(const void *a, const void *b)
{
	const struct weir_acl_mstx_ev *x = *(const struct weir_acl_mstx_ev *const *)a;
	const struct weir_acl_mstx_ev *y = *(const struct weir_acl_mstx_ev *const *)b;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Private copies of the events held now, in recording order: *out (free
 * each and the array with weir_acl_mstx_snap_free). WEIR_OK or
 * WEIR_ENOMEM. */
static int weir_acl_mstx_snapshot(struct weir_acl_mstx_ev ***out, size_t *n)
{
	struct weir_acl_mstx_ev **v =
	        weir__malloc(WEIR_MSTX_TRACE_CAPACITY * sizeof(struct weir_acl_mstx_ev *));
	if (!v)
		return WEIR_ENOMEM;
	size_t k = 0;
	int st = WEIR_OK;
	weir__rcu_read_lock();
	for (uint32_t i = 0; i < WEIR_MSTX_TRACE_CAPACITY; i++) {
		/* MX-A1: acquire - reads the event the push published; pairs
		 * with MX-R1. */
		struct weir_acl_mstx_ev *e = weir_load_acquire(&weir_acl_mstx_ring[i]);
		if (!e)
			continue;
		/* MX1: the sequence number was written before the publish. */
		WEIR_ASSERT(e->seq != 0 && e->seq <= weir_load_relaxed(&weir_acl_mstx_head),
		            "mstx MX1: an event published before it was built");
		size_t dl = strlen(e->text);
		size_t sz = sizeof *e + dl + strlen(e->message) + 2;
		struct weir_acl_mstx_ev *c = weir__malloc(sz);
		if (!c) {
			st = WEIR_ENOMEM;
			break;
		}
		memcpy(c, e, sz);
		c->message = c->text + dl + 1;
		v[k++] = c;
	}
	weir__rcu_read_unlock();
	if (st != WEIR_OK) {
		while (k)
			weir__free(v[--k]);
		weir__free(v);
		return st;
	}
	qsort(v, k, sizeof v[0], weir_acl_mstx_by_seq);
	*out = v;
	*n = k;
	return WEIR_OK;
}

static void weir_acl_mstx_snap_free(struct weir_acl_mstx_ev **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		weir__free(v[i]);
	weir__free(v);
}

WEIR_API int weir_mstx_trace_read(weir_mstx_event_t *out, size_t cap, size_t *count,
                                  uint64_t *dropped)
{
	if (!count || (!out && cap > 0))
		return WEIR_EINVAL;
	*count = 0;
	if (dropped)
		*dropped = weir_load_relaxed(&weir_acl_mstx_dropped);
	if (cap == 0)
		return WEIR_OK;
	struct weir_acl_mstx_ev **v;
	size_t n;
	int st = weir_acl_mstx_snapshot(&v, &n);
	if (st != WEIR_OK)
		return st;
	size_t first = n > cap ? n - cap : 0;
	for (size_t i = first; i < n; i++) {
		const struct weir_acl_mstx_ev *e = v[i];
		weir_mstx_event_t *o = &out[i - first];
		memset(o, 0, sizeof *o);
		o->seq = e->seq;
		o->range_id = e->range_id;
		o->host_ns = e->host_ns;
		o->stream_ns = e->stream_ns;
		o->stream = (void *)(uintptr_t)e->stream;
		o->tid = e->tid;
		o->kind = e->kind;
		snprintf(o->domain, sizeof o->domain, "%s", e->text);
		snprintf(o->message, sizeof o->message, "%s", e->message);
	}
	*count = n - first;
	weir_acl_mstx_snap_free(v, n);
	return WEIR_OK;
}

WEIR_API void weir_mstx_trace_clear(void)
{
	for (uint32_t i = 0; i < WEIR_MSTX_TRACE_CAPACITY; i++) {
		/* MX-R1 (its other side): acq_rel as in push - takes over the
		 * event a push published, then retires it (MX2, MX3). */
		struct weir_acl_mstx_ev *old = weir_xchg_acqrel(&weir_acl_mstx_ring[i], NULL);
		if (old)
			weir__rcu_call(&old->rcu, weir_acl_mstx_ev_free);
	}
	weir_store_relaxed(&weir_acl_mstx_dropped, 0);
}

/* ------------------------------------------------------------------------ */
/* Chrome trace-event JSON                                                   */
/* ------------------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at s, or 0 when s does not start one. */
static size_t weir_acl_mstx_utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t min;
	uint32_t cp;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2, min = 0x80, cp = c & 0x1Fu;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3, min = 0x800, cp = c & 0x0Fu;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4, min = 0x10000, cp = c & 0x07u;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0u) != 0x80u)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3Fu);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

/* s as a JSON string: quotes, backslashes and control bytes escaped,
 * invalid UTF-8 replaced by U+FFFD. */
static void weir_acl_mstx_json_str(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	fputc('"', f);
	while (*s) {
		unsigned char c = *s;
		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
			s++;
		} else if (c < 0x20) {
			fprintf(f, "\\u%04x", c);
			s++;
		} else if (c < 0x80) {
			fputc(c, f);
			s++;
		} else {
			size_t n = weir_acl_mstx_utf8_len(s);
			if (n) {
				fwrite(s, 1, n, f);
				s += n;
			} else {
				fputs("\\ufffd", f);
				s++;
			}
		}
	}
	fputc('"', f);
}

/* Nanoseconds as the format's microseconds, exactly. */
static void weir_acl_mstx_json_us(FILE *f, uint64_t ns)
{
	fprintf(f, "%llu.%03llu", (unsigned long long)(ns / 1000), (unsigned long long)(ns % 1000));
}

/* The trace-file tid of a stream: one track per stream in the file. */
static uint64_t weir_acl_mstx_stream_tid(uint64_t *streams, size_t *ns, uint64_t stream)
{
	size_t i = 0;
	while (i < *ns && streams[i] != stream)
		i++;
	if (i == *ns)
		streams[(*ns)++] = stream;
	return WEIR_ACL_MSTX_STREAM_TID0 + i;
}

/* One trace event: ph "i" for a mark, "b"/"e" (async, keyed by cat and id)
 * for a range; on the calling thread's track, or on the stream's. */
static void weir_acl_mstx_json_event(FILE *f, const struct weir_acl_mstx_ev *e, bool on_stream,
                                     uint64_t pid, uint64_t tid)
{
	static const char *const ph[] = { "", "i", "b", "e" };
	fputs(",\n{\"name\":", f);
	weir_acl_mstx_json_str(f, e->message);
	fputs(",\"cat\":", f);
	if (on_stream) {
		/* Its own category: the stream's ranges pair among themselves. */
		char cat[WEIR_MSTX_DOMAIN_MAX + 16];
		snprintf(cat, sizeof cat, "%s.stream", e->text);
		weir_acl_mstx_json_str(f, cat);
	} else {
		weir_acl_mstx_json_str(f, e->text);
	}
	fprintf(f, ",\"ph\":\"%s\"", ph[e->kind]);
	if (e->kind == WEIR_MSTX_MARK)
		fputs(",\"s\":\"t\"", f);
	else
		fprintf(f, ",\"id\":\"0x%llx\"", (unsigned long long)e->range_id);
	fputs(",\"ts\":", f);
	weir_acl_mstx_json_us(f, on_stream ? e->stream_ns : e->host_ns);
	fprintf(f, ",\"pid\":%llu,\"tid\":%llu,\"args\":{\"seq\":%llu,\"domain\":",
	        (unsigned long long)pid, (unsigned long long)tid, (unsigned long long)e->seq);
	weir_acl_mstx_json_str(f, e->text);
	fprintf(f, ",\"thread\":%llu,\"range_id\":%llu,\"host_ns\":%llu,\"stream_ns\":%llu",
	        (unsigned long long)e->tid, (unsigned long long)e->range_id,
	        (unsigned long long)e->host_ns, (unsigned long long)e->stream_ns);
	if (e->stream)
		fprintf(f, ",\"stream\":\"0x%llx\"", (unsigned long long)e->stream);
	fputs("}}", f);
}

static int weir_acl_mstx_write(const char *path)
{
	if (!path || !*path)
		return WEIR_EINVAL;
	struct weir_acl_mstx_ev **v;
	size_t n;
	int st = weir_acl_mstx_snapshot(&v, &n);
	if (st != WEIR_OK)
		return st;
	uint64_t *streams = weir__malloc((n ? n : 1) * sizeof *streams);
	size_t tl = strlen(path) + 5;
	char *tmp = weir__malloc(tl);
	if (!streams || !tmp) {
		weir__free(streams);
		weir__free(tmp);
		weir_acl_mstx_snap_free(v, n);
		return WEIR_ENOMEM;
	}
	snprintf(tmp, tl, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f) {
		weir__free(streams);
		weir__free(tmp);
		weir_acl_mstx_snap_free(v, n);
		return WEIR_ENOTFOUND;
	}
	uint64_t pid = (uint64_t)getpid();
	size_t nstreams = 0;
	fprintf(f,
	        "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"producer\":\"weir mstx\","
	        "\"capacity\":%u,\"dropped\":%llu},\n\"traceEvents\":[\n"
	        "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":%llu,\"tid\":0,"
	        "\"args\":{\"name\":\"weir mstx\"}}",
	        (unsigned)WEIR_MSTX_TRACE_CAPACITY,
	        (unsigned long long)weir_load_relaxed(&weir_acl_mstx_dropped),
	        (unsigned long long)pid);
	for (size_t i = 0; i < n; i++) {
		const struct weir_acl_mstx_ev *e = v[i];
		weir_acl_mstx_json_event(f, e, false, pid, e->tid);
		if (e->stream_ns) {
			size_t before = nstreams;
			uint64_t tid = weir_acl_mstx_stream_tid(streams, &nstreams, e->stream);
			if (nstreams != before)
				fprintf(f,
				        ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%llu,"
				        "\"tid\":%llu,\"args\":{\"name\":\"stream 0x%llx\"}}",
				        (unsigned long long)pid, (unsigned long long)tid,
				        (unsigned long long)e->stream);
			weir_acl_mstx_json_event(f, e, true, pid, tid);
		}
	}
	fputs("\n]}\n", f);
	bool bad = ferror(f) != 0;
	bad |= fclose(f) != 0;
	if (!bad)
		bad = rename(tmp, path) != 0;
	if (bad)
		(void)unlink(tmp);
	weir__free(streams);
	weir__free(tmp);
	weir_acl_mstx_snap_free(v, n);
	return bad ? WEIR_ENOTFOUND : WEIR_OK;
}

WEIR_API int weir_mstx_trace_write(const char *path)
{
	return weir_acl_mstx_write(path);
}

void weir__acl_mstx_flush(void)
{
	if (!weir_load_relaxed(&weir_acl_mstx_used))
		return;
	const char *p = getenv("WEIR_MSTX_TRACE");
	if (p && *p && weir_acl_mstx_write(p) != WEIR_OK)
		fprintf(stderr, "weir: cannot write the mstx trace to %s\n", p);
}

static void weir_acl_mstx_flush_at_exit(void)
{
	weir__acl_mstx_flush();
}
