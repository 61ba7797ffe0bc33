/*
 * sched/capture.c - task capture and replay (docs/capture.md).
 *
 * A capture turns the tasks pushed to a stream into a recorded task list
 * (an "RI", after ACL's aclmdlRI) instead of running them; a replay queues
 * the whole list on a stream again, one pre-linked chain per captured
 * stream, each pushed with ONE CAS (weir__stream_push_chain).
 *
 * Recording. weir_capture_begin publishes a capture in the stream's
 * `capture` word. Every push (stream.c stream_push_unchecked) loads that
 * word; when it is set the task record is handed here and appended to the
 * stream's lane instead of being queued. Event records, waits and resets are
 * handed over by event.c before a generation is taken. A record of event e
 * in a capture appends the record task and a SIGNAL item (a new edge k) and
 * binds e to the capture (e->cap); a wait on a bound event, from a stream
 * that captures into the same capture or from a stream that captures
 * nothing (which then JOINS the capture, as in CUDA's stream capture),
 * appends a WAIT item on edge k instead of an event wait. A wait on an event
 * not bound to the capture is recorded as an event wait (resolved against
 * the event's latest record when a replay is queued).
 *
 * Replaying. The RI is immutable. A replay allocates its own run state (one
 * 64-bit word per cross-stream edge, a reference count), copies every
 * recorded task into fresh records (taking the references and tickets an
 * eager push would take), turns SIGNAL k into a no-op kernel whose release
 * stores 1 into word k (a release runs whether the task runs or is
 * discarded, so an abort never strands the other lane) and WAIT k into a
 * value wait (value.c) for word k == 1. Lane 0 runs on the replay's stream;
 * every other lane runs on a lane stream the RI creates, per replay stream,
 * in that stream's group. Multi-block kernels are ordinary kernel tasks, so
 * their blocks still spread over the device's workers.
 *
 * Invariants:
 *  C1. A stream's `capture` word is set (CAP-R1) only by begin or a join,
 *      with a CAS from NULL, and cleared only by the end of that capture. A
 *      push that reads it set (ST-A9) appends under the capture's lock
 *      unless the capture has `ended`, in which case it is pushed as usual:
 *      every push lands in exactly one of the capture and the stream.
 *  C2. Every load of a `capture` or `cap` word and every use of the capture
 *      it names happens inside one RCU read-side section; end clears the
 *      words and waits a grace period before it reads the capture's lists
 *      without the lock and frees it. So no pusher touches a freed capture
 *      and no append is lost.
 *  C3. A captured task keeps the references its push took (event, notify);
 *      the RI keeps them until it is freed. A kernel's release (an argument
 *      block it owns) runs once, when the RI is freed; replayed copies carry
 *      no release. A captured notify record leaves the notify's queued
 *      count at once (it did not run) and each replayed copy enters it
 *      before its push (notify.c N2).
 *  C4. e->cap names the capture that recorded e last, or NULL; only that
 *      capture's end clears it (CAS), and the capture's `binds` list gives
 *      the edge. Host sync / query of a bound event, or of a capturing
 *      stream, fail with WEIR_ECAPTURE and invalidate the capture (C6).
 *  C5. End succeeds only if every lane is joined back: its last task is
 *      followed by a SIGNAL that a joined lane waits on (lane 0, the origin,
 *      is joined). So the replay's last task on the replay stream (lane 0's
 *      final no-op) runs after every task of every lane, and a sync of the
 *      replay stream covers the whole replay.
 *  C6. An illegal call during a capture (a sync or query it would make
 *      wait, a wait across two captures) sets the capture's status; later
 *      pushes are dropped (references released), and end returns the status
 *      (WEIR_EINVALIDATED for a refused sync) and makes no RI.
 *  C7. The RI is read-only after end. Each replay holds one reference on it
 *      from the call until its run state's last lane retires its final
 *      no-op (a release, so also when discarded); destroy drops the handle's
 *      reference after a grace period and never waits for a replay. The
 *      RI (templates, releases, references) is freed by the last put,
 *      after a grace period.
 *  C8. Replays of one RI onto one stream push their lanes under the RI's
 *      lock, so every lane stream of that replay stream sees the replays in
 *      the same order as the replay stream does: no replay waits on a lane
 *      task queued behind a later replay's (no deadlock). Replays onto
 *      different streams use different lane streams. Destroy marks the RI
 *      dead under the same lock, then force-destroys the lane streams (their
 *      queued chains still run, stream.c invariant 8).
 */
#include "sched/internal.h"

#include <string.h>

enum { IT_TASK = 0, IT_SIGNAL = 1, IT_WAIT = 2 };

struct cap_item {
	struct weir_task *t; /* IT_TASK: the captured record (a template) */
	uint32_t what;       /* IT_* */
	uint32_t edge;       /* IT_SIGNAL / IT_WAIT */
};

struct cap_lane {
	struct weir_stream *st; /* capture: a reference; RI: NULL */
	struct cap_item *it;
	uint32_t n, cap;
	uint32_t ntasks;
};

struct cap_bind {
	struct weir_event *e;
	uint32_t edge;
};

struct weir_capture {
	pthread_mutex_t lock;
	struct weir_runtime *rt;    /* I */
	struct weir_stream *origin; /* I */
	int mode;                   /* I: WEIR_CAPTURE_* */
	pthread_t owner;            /* I: the thread that began it */
	bool ended;                 /* L(lock) */
	int status;                 /* L(lock): C6, 0 = valid */
	struct cap_lane *lanes;     /* L(lock) */
	uint32_t nlanes, clanes;    /* L(lock) */
	uint32_t nedges;            /* L(lock) */
	struct cap_bind *binds;     /* L(lock) */
	uint32_t nbinds, cbinds;    /* L(lock) */
};

struct ri_origin {
	weir_stream_t *origin; /* the replay stream's handle */
	weir_stream_t **lane;  /* nlanes - 1 lane streams */
};

struct weir_ri {
	struct weir_obj obj;     /* I */
	_Atomic uint32_t refs;   /* A: handle + replays in flight (C7) */
	struct weir_runtime *rt; /* I */
	uint32_t id;             /* I */
	uint32_t nlanes;         /* I */
	uint32_t nedges;         /* I */
	uint32_t ntasks;         /* I */
	bool host;               /* I: has host functions */
	struct cap_lane *lanes;  /* I */
	pthread_mutex_t lock;    /* C8 */
	bool dead;               /* L(lock) */
	struct ri_origin *tab;   /* L(lock) */
	uint32_t ntab, ctab;     /* L(lock) */
};

/* A replay's own state (C7). */
struct ri_run {
	_Atomic uint32_t refs; /* lanes whose final no-op has not retired */
	struct weir_ri *ri;
	uint64_t w[]; /* one word per edge, written with atomics (value.c) */
};

static _Atomic uint32_t weir_ri_type_id;
static _Atomic uint32_t weir_ri_next_id;
static _Atomic uint32_t weir_capture_global;     /* A: GLOBAL captures in progress */
static _Thread_local uint32_t weir_tls_captures; /* non-RELAXED captures begun here */
static _Thread_local int weir_tls_mode;          /* WEIR_CAPTURE_* (exchange mode) */

static uint32_t weir__ri_type(void)
{
	return weir_load_relaxed(&weir_ri_type_id);
}

static void weir__ri_free(struct weir_obj *o);
WEIR_OBJ_DEFINE(weir__ri, struct weir_ri, weir_ri_t, weir__ri_type(), weir__ri_free)

/* ------------------------------------------------------------------------ */
/* Templates                                                                 */
/* ------------------------------------------------------------------------ */

/* Drop a recorded task: its references (C3) and, with `release`, the
 * kernel's release. */
static void tpl_drop(struct weir_task *t, bool release)
{
	switch (t->kind) {
	case WEIR_TK_RECORD:
	case WEIR_TK_WAIT:
	case WEIR_TK_RESET: weir__event_put(t->u.ev.ev); break;
	case WEIR_TK_NOTIFY_RECORD:
	case WEIR_TK_NOTIFY_WAIT: weir__notify_put(t->u.nt); break;
	case WEIR_TK_KERNEL:
		if (release && t->has_release)
			TASK_RELEASE(t)->fn(TASK_RELEASE(t)->ctx);
		break;
	default: break;
	}
	weir__task_free(t);
}

static void lanes_free(struct cap_lane *lanes, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		for (uint32_t j = 0; j < lanes[i].n; j++)
			if (lanes[i].it[j].what == IT_TASK)
				tpl_drop(lanes[i].it[j].t, true);
		weir__free(lanes[i].it);
		if (lanes[i].st)
			weir__stream_put(lanes[i].st);
	}
	weir__free(lanes);
}

/* ------------------------------------------------------------------------ */
/* Recording                                                                 */
/* ------------------------------------------------------------------------ */

static struct cap_lane *lane_of(struct weir_capture *cap, struct weir_stream *st)
{
	for (uint32_t i = 0; i < cap->nlanes; i++)
		if (cap->lanes[i].st == st)
			return &cap->lanes[i];
	return NULL;
}

/* Add a lane for st (L(lock)); takes a reference on st (found under RCU). */
static struct cap_lane *lane_add(struct weir_capture *cap, struct weir_stream *st)
{
	if (cap->nlanes == cap->clanes) {
		uint32_t c = cap->clanes ? cap->clanes * 2 : 4;
		struct cap_lane *l = weir__realloc(cap->lanes, c * sizeof(*l));
		if (!l)
			return NULL;
		cap->lanes = l;
		cap->clanes = c;
	}
	struct cap_lane *l = &cap->lanes[cap->nlanes++];
	memset(l, 0, sizeof(*l));
	weir__stream_ref(st); /* obj.h O2 */
	l->st = st;
	return l;
}

static void cap_fail(struct weir_capture *cap, int status)
{
	if (!cap->status)
		cap->status = status;
}

/* Append an item (L(lock)). On failure the capture is invalidated and a
 * task item's record dropped. */
static void lane_append(struct weir_capture *cap, struct cap_lane *l, uint32_t what, uint32_t edge,
                        struct weir_task *t)
{
	if (!cap->status && l->n == l->cap) {
		uint32_t c = l->cap ? l->cap * 2 : 16;
		struct cap_item *it = weir__realloc(l->it, c * sizeof(*it));
		if (!it)
			cap_fail(cap, WEIR_ENOMEM);
		else {
			l->it = it;
			l->cap = c;
		}
	}
	if (cap->status) {
		if (t)
			tpl_drop(t, true);
		return;
	}
	l->it[l->n++] = (struct cap_item){ t, what, edge };
	if (what == IT_TASK)
		l->ntasks++;
}

static struct cap_bind *bind_of(struct weir_capture *cap, struct weir_event *e)
{
	for (uint32_t i = 0; i < cap->nbinds; i++)
		if (cap->binds[i].e == e)
			return &cap->binds[i];
	return NULL;
}

bool weir__capture_take(struct weir_stream *st, struct weir_task *t)
{
	struct weir_capture *cap = weir_load_acquire(&st->capture); /* ST-A9 */
	if (!cap)
		return false;
	pthread_mutex_lock(&cap->lock);
	if (cap->ended) { /* C1: the end came first; push it as usual */
		pthread_mutex_unlock(&cap->lock);
		return false;
	}
	if (t->kind == WEIR_TK_NOTIFY_RECORD)
		weir__notify_unqueue(t->u.nt); /* C3 */
	if (t->kind == WEIR_TK_RECORD && t->u.ev.gen) {
		/* A record that took its ticket before the begin (event.c
		 * checks first): the ticket completes unrun, as a refused
		 * record's does, so no waiter strands on it; the template gets
		 * a fresh one per replay. */
		weir__event_complete_record(t->u.ev.ev, t->u.ev.gen);
		t->u.ev.gen = 0;
	}
	struct cap_lane *l = lane_of(cap, st);
	if (!l) {
		cap_fail(cap, WEIR_EINTERNAL);
		tpl_drop(t, true);
	} else {
		lane_append(cap, l, IT_TASK, 0, t);
	}
	pthread_mutex_unlock(&cap->lock);
	return true;
}

int weir__capture_event(struct weir_stream *st, struct weir_event *e, struct weir_task *t)
{
	struct weir_capture *cs = weir_load_acquire(&st->capture); /* ST-A9 */
	/* CAP-A4: acquire - pairs with CAP-R4 (the record that linked e to its capture). */
	struct weir_capture *ce = t->kind == WEIR_TK_WAIT ? weir_load_acquire(&e->cap) : NULL;
	if (ce && cs && ce != cs) {
		/* A wait across two captures (CUDA's isolation error). */
		pthread_mutex_lock(&cs->lock);
		if (!cs->ended)
			cap_fail(cs, WEIR_ECAPTURE);
		pthread_mutex_unlock(&cs->lock);
		return WEIR_ECAPTURE;
	}
	struct weir_capture *cap = cs ? cs : ce;
	if (!cap)
		return WEIR_EAGAIN;
	pthread_mutex_lock(&cap->lock);
	if (cap->ended) {
		pthread_mutex_unlock(&cap->lock);
		return WEIR_EAGAIN;
	}
	struct cap_bind *b = ce ? bind_of(cap, e) : NULL;
	struct cap_lane *l = lane_of(cap, st);
	if (!cs) {
		/* A join: st starts capturing into cap (C1). */
		if (!b) {
			pthread_mutex_unlock(&cap->lock);
			return WEIR_EAGAIN;
		}
		struct weir_capture *none = NULL;
		l = lane_add(cap, st);
		/* CAP-R1: acq_rel - publishes the capture to st's pushers (ST-A9). */
		if (!l || !weir_cas_strong_acqrel(&st->capture, &none, cap)) {
			if (l) {
				cap->nlanes--;
				weir__stream_put(st);
			}
			pthread_mutex_unlock(&cap->lock);
			return l ? WEIR_ECAPTURE : WEIR_ENOMEM;
		}
	}
	int rc = WEIR_OK;
	if (cap->status) {
		rc = WEIR_EINVALIDATED;
	} else if (!l) {
		cap_fail(cap, WEIR_EINTERNAL);
		rc = WEIR_EINTERNAL;
	} else if (t->kind == WEIR_TK_RECORD) {
		uint32_t k = cap->nedges++;
		lane_append(cap, l, IT_TASK, 0, t);
		lane_append(cap, l, IT_SIGNAL, k, NULL);
		if (!b) {
			if (cap->nbinds == cap->cbinds) {
				uint32_t c = cap->cbinds ? cap->cbinds * 2 : 4;
				struct cap_bind *nb = weir__realloc(cap->binds, c * sizeof(*nb));
				if (nb) {
					cap->binds = nb;
					cap->cbinds = c;
				}
			}
			if (cap->nbinds < cap->cbinds)
				b = &cap->binds[cap->nbinds++];
			else
				cap_fail(cap, WEIR_ENOMEM);
		}
		if (b) {
			b->e = e; /* the record template holds e (C3) */
			b->edge = k;
			/* CAP-R4: release - C4; pairs with CAP-A4 in event.c. */
			weir_store_release(&e->cap, cap);
		}
		t = NULL;
	} else if (t->kind == WEIR_TK_WAIT && b) {
		lane_append(cap, l, IT_WAIT, b->edge, NULL); /* an edge, no event */
	} else {
		lane_append(cap, l, IT_TASK, 0, t); /* reset, or a wait on an outside event */
		t = NULL;
	}
	pthread_mutex_unlock(&cap->lock);
	if (rc == WEIR_OK && t) {
		weir__event_put(e);
		weir__task_free(t);
	}
	return rc;
}

int weir__capture_refuse(struct weir_capture *cap)
{
	pthread_mutex_lock(&cap->lock);
	if (!cap->ended)
		cap_fail(cap, WEIR_EINVALIDATED);
	pthread_mutex_unlock(&cap->lock);
	return WEIR_ECAPTURE;
}

WEIR_API int weir_capture_begin(weir_stream_t *h, int mode)
{
	if (mode < WEIR_CAPTURE_GLOBAL || mode > WEIR_CAPTURE_RELAXED)
		return WEIR_EINVAL;
	struct weir_capture *cap = weir__calloc(1, sizeof(*cap));
	if (!cap)
		return WEIR_ENOMEM;
	pthread_mutex_init(&cap->lock, NULL);
	cap->mode = mode;
	cap->owner = pthread_self();
	weir__rcu_read_lock();
	struct weir_stream *st = weir__stream_lookup(h);
	int rc = st ? WEIR_OK : WEIR_EHANDLE;
	if (!rc) {
		cap->rt = st->rt;
		cap->origin = st;
		if (!lane_add(cap, st))
			rc = WEIR_ENOMEM;
	}
	struct weir_capture *none = NULL;
	/* CAP-R1: acq_rel - publishes the capture (C1). */
	if (!rc && !weir_cas_strong_acqrel(&st->capture, &none, cap))
		rc = WEIR_ESTATE;
	weir__rcu_read_unlock();
	if (rc) {
		lanes_free(cap->lanes, cap->nlanes);
		pthread_mutex_destroy(&cap->lock);
		weir__free(cap);
		return rc;
	}
	if (mode == WEIR_CAPTURE_GLOBAL)
		weir_faa_relaxed(&weir_capture_global, 1); /* relaxed: a hint for callers */
	if (mode != WEIR_CAPTURE_RELAXED)
		weir_tls_captures++;
	return WEIR_OK;
}

/* C5: is every lane joined back into lane 0? */
static bool cap_joined(struct weir_capture *cap)
{
	uint32_t n = cap->nlanes;
	bool *joined = weir__calloc(n ? n : 1, sizeof(bool));
	if (!joined)
		return false;
	joined[0] = true;
	for (bool more = true; more;) {
		more = false;
		for (uint32_t i = 1; i < n; i++) {
			if (joined[i])
				continue;
			struct cap_lane *l = &cap->lanes[i];
			uint32_t last = 0; /* first index after the last task or wait */
			for (uint32_t j = 0; j < l->n; j++)
				if (l->it[j].what != IT_SIGNAL)
					last = j + 1;
			for (uint32_t j = last; j < l->n && !joined[i]; j++)
				for (uint32_t m = 0; m < n && !joined[i]; m++) {
					if (!joined[m])
						continue;
					for (uint32_t x = 0; x < cap->lanes[m].n; x++)
						if (cap->lanes[m].it[x].what == IT_WAIT &&
						    cap->lanes[m].it[x].edge == l->it[j].edge)
							joined[i] = true;
				}
			more |= joined[i];
		}
	}
	bool ok = true;
	for (uint32_t i = 0; i < n; i++)
		ok &= joined[i];
	weir__free(joined);
	return ok;
}

/* Turn an ended, valid capture into an RI: renumber the edges some lane
 * waits on and drop the signals nobody waits on. */
static int ri_build(struct weir_capture *cap, struct weir_ri **out)
{
	uint32_t *map = weir__calloc(cap->nedges ? cap->nedges : 1, sizeof(uint32_t));
	struct weir_ri *ri = weir__calloc(1, sizeof(*ri));
	if (!map || !ri) {
		weir__free(map);
		weir__free(ri);
		return WEIR_ENOMEM;
	}
	for (uint32_t i = 0; i < cap->nlanes; i++)
		for (uint32_t j = 0; j < cap->lanes[i].n; j++)
			if (cap->lanes[i].it[j].what == IT_WAIT)
				map[cap->lanes[i].it[j].edge] = 1;
	uint32_t ne = 0;
	for (uint32_t k = 0; k < cap->nedges; k++)
		map[k] = map[k] ? ++ne : 0; /* 1-based; 0: unused */
	for (uint32_t i = 0; i < cap->nlanes; i++) {
		struct cap_lane *l = &cap->lanes[i];
		uint32_t o = 0;
		for (uint32_t j = 0; j < l->n; j++) {
			struct cap_item it = l->it[j];
			if (it.what != IT_TASK) {
				if (!map[it.edge])
					continue;
				it.edge = map[it.edge] - 1;
			} else {
				ri->ntasks++;
				if (it.t->kind == WEIR_TK_HOST || it.t->kind == WEIR_TK_HOST_REP)
					ri->host = true;
			}
			l->it[o++] = it;
		}
		l->n = o;
		weir__stream_put(l->st);
		l->st = NULL;
	}
	weir__free(map);
	ri->rt = cap->rt;
	ri->nlanes = cap->nlanes;
	ri->nedges = ne;
	ri->lanes = cap->lanes;
	ri->id = weir_faa_relaxed(&weir_ri_next_id, 1) + 1; /* relaxed: uniqueness only */
	pthread_mutex_init(&ri->lock, NULL);
	weir__ref_init(&ri->refs);
	if (!weir__ri_type()) {
		uint32_t ty = weir__reg_type("sched.ri");
		if (ty)
			weir_store_relaxed(&weir_ri_type_id, ty); /* same value from every caller */
	}
	int rc = weir__ri_type() ? weir__reg_insert(&ri->obj, weir__ri_type()) : WEIR_ENOMEM;
	if (rc) {
		/* The lanes go back to the capture, which frees them. */
		pthread_mutex_destroy(&ri->lock);
		weir__free(ri);
		return rc;
	}
	cap->lanes = NULL;
	cap->nlanes = 0;
	*out = ri;
	return WEIR_OK;
}

WEIR_API int weir_capture_end(weir_stream_t *h, weir_ri_t **out)
{
	if (!out)
		return WEIR_EINVAL;
	*out = NULL;
	weir__rcu_read_lock();
	struct weir_stream *st = weir__stream_lookup(h);
	struct weir_capture *cap = st ? weir_load_acquire(&st->capture) : NULL; /* ST-A9 */
	int rc = !st ? WEIR_EHANDLE : !cap ? WEIR_ESTATE : WEIR_OK;
	if (!rc && (cap->origin != st || (cap->mode != WEIR_CAPTURE_RELAXED &&
	                                  !pthread_equal(cap->owner, pthread_self()))))
		rc = WEIR_ECAPTURE; /* not the stream (or thread) that began it */
	if (!rc) {
		pthread_mutex_lock(&cap->lock);
		if (cap->ended)
			rc = WEIR_ESTATE; /* a racing end won */
		cap->ended = true;
		pthread_mutex_unlock(&cap->lock);
	}
	weir__rcu_read_unlock();
	if (rc)
		return rc;
	/* C1/C4: stop capturing; only this end clears the words. CAP-R5:
	 * release - pairs with ST-A9 in the pushers: a push that sees NULL
	 * queues normally, after everything the capture recorded. */
	for (uint32_t i = 0; i < cap->nlanes; i++)
		weir_store_release(&cap->lanes[i].st->capture, NULL);
	for (uint32_t i = 0; i < cap->nbinds; i++) {
		struct weir_capture *c = cap;
		weir_cas_strong_acqrel(&cap->binds[i].e->cap, &c, NULL);
	}
	if (cap->mode == WEIR_CAPTURE_GLOBAL)
		weir_fas_relaxed(&weir_capture_global, 1);
	if (cap->mode != WEIR_CAPTURE_RELAXED)
		weir_tls_captures--;
	/* C2: every pusher that saw the capture has finished with it. */
	weir__rcu_synchronize();
	rc = cap->status;
	if (!rc && !cap_joined(cap))
		rc = WEIR_EUNJOINED;
	struct weir_ri *ri = NULL;
	if (!rc)
		rc = ri_build(cap, &ri);
	lanes_free(cap->lanes, cap->nlanes);
	weir__free(cap->binds);
	pthread_mutex_destroy(&cap->lock);
	weir__free(cap);
	if (rc)
		return rc;
	*out = weir__ri_handle(ri);
	return WEIR_OK;
}

WEIR_API int weir_capture_status(weir_stream_t *h, int *status, int *mode)
{
	if (!status)
		return WEIR_EINVAL;
	weir__rcu_read_lock();
	struct weir_stream *st = weir__stream_lookup(h);
	/* ST-A9: acquire - pairs with CAP-R1 / CAP-R5. */
	struct weir_capture *cap = st ? weir_load_acquire(&st->capture) : NULL;
	*status = WEIR_CAPTURE_NONE;
	if (cap) {
		pthread_mutex_lock(&cap->lock);
		if (!cap->ended)
			*status = cap->status ? WEIR_CAPTURE_INVALIDATED : WEIR_CAPTURE_ACTIVE;
		if (mode)
			*mode = cap->mode;
		pthread_mutex_unlock(&cap->lock);
	}
	weir__rcu_read_unlock();
	return st ? WEIR_OK : WEIR_EHANDLE;
}

WEIR_API int weir_capture_thread_exchange_mode(int *mode)
{
	if (!mode || *mode < WEIR_CAPTURE_GLOBAL || *mode > WEIR_CAPTURE_RELAXED)
		return WEIR_EINVAL;
	int old = weir_tls_mode;
	weir_tls_mode = *mode;
	*mode = old;
	return WEIR_OK;
}

WEIR_API int weir_capture_unsafe_call(void)
{
	if (weir_tls_mode == WEIR_CAPTURE_RELAXED)
		return WEIR_OK;
	if (weir_tls_captures)
		return WEIR_ECAPTURE;
	if (weir_tls_mode == WEIR_CAPTURE_GLOBAL && weir_load_relaxed(&weir_capture_global))
		return WEIR_ECAPTURE;
	return WEIR_OK;
}

/* ------------------------------------------------------------------------ */
/* Replay                                                                    */
/* ------------------------------------------------------------------------ */

static void weir__ri_free(struct weir_obj *o)
{
	struct weir_ri *ri = caa_container_of(o, struct weir_ri, obj);
	lanes_free(ri->lanes, ri->nlanes); /* C3: templates, releases, references */
	for (uint32_t i = 0; i < ri->ntab; i++)
		weir__free(ri->tab[i].lane);
	weir__free(ri->tab);
	pthread_mutex_destroy(&ri->lock);
	weir__free(ri);
}

static int ri_noop(void *args, uint32_t block, uint32_t nblocks)
{
	(void)args;
	(void)block;
	(void)nblocks;
	return 0;
}

/* SIGNAL k: runs when its no-op retires, run or discarded (C7). */
static void ri_edge_set(void *word)
{
	__atomic_store_n((uint64_t *)word, 1, __ATOMIC_SEQ_CST); /* value.c's width atomics */
}

static void ri_put_cb(void *ri)
{
	weir__ri_put(ri);
}

static void ri_run_put(void *p)
{
	struct ri_run *run = p;
	/* acq_rel: every lane's effects before the last put frees the run. */
	if (weir_fas_acqrel(&run->refs, 1) == 1) {
		weir__ri_put(run->ri);
		weir__free(run);
	}
}

static struct weir_task *noop_task(weir_host_fn release, void *ctx)
{
	struct weir_task *t = weir__task_alloc();
	if (!t)
		return NULL;
	t->kind = WEIR_TK_KERNEL;
	t->nblocks = 1;
	t->u.kernel = ri_noop;
	t->has_release = 1;
	*TASK_RELEASE(t) = (struct weir_task_release){ release, ctx };
	return t;
}

/* Undo a copy that was never pushed: what its push would have settled. */
static void copy_undo(struct weir_task *c)
{
	switch (c->kind) {
	case WEIR_TK_RECORD:
		/* Keep the generation sequence whole (as event.c does). */
		weir__event_complete_record(c->u.ev.ev, c->u.ev.gen);
		weir__event_put(c->u.ev.ev);
		break;
	case WEIR_TK_WAIT:
	case WEIR_TK_RESET: weir__event_put(c->u.ev.ev); break;
	case WEIR_TK_NOTIFY_RECORD:
		weir__notify_unqueue(c->u.nt);
		weir__notify_put(c->u.nt);
		break;
	case WEIR_TK_NOTIFY_WAIT: weir__notify_put(c->u.nt); break;
	default: break;
	}
	weir__task_free(c);
}

static void chain_undo(struct weir_task *first)
{
	for (struct weir_task *t = first, *nx; t; t = nx) {
		nx = t->next;
		copy_undo(t);
	}
}

/* Copy recorded task tpl as an eager push would queue it (inside RCU):
 * WEIR_OK with *out (NULL: nothing to queue), or WEIR_EHANDLE (an object it
 * names was destroyed), WEIR_ENOMEM. */
static int copy_task(const struct weir_task *tpl, uint32_t dev, struct weir_task **out)
{
	*out = NULL;
	struct weir_event *e = NULL;
	struct weir_notify *n = NULL;
	switch (tpl->kind) {
	case WEIR_TK_RECORD:
	case WEIR_TK_WAIT:
	case WEIR_TK_RESET:
		e = tpl->u.ev.ev;
		if (!weir__event_lookup(weir__event_handle(e)) || !weir__event_tryref(e))
			/* A destroyed event takes no record or reset any more
			 * (event.c invariant 7), and nobody can wait for one: skip
			 * it. A wait on it fails as an eager wait call would. */
			return tpl->kind == WEIR_TK_WAIT ? WEIR_EHANDLE : WEIR_OK;
		if (tpl->kind != WEIR_TK_WAIT && e->dev != dev) {
			weir__event_put(e); /* as weir_event_record onto s */
			return WEIR_EFOREIGN;
		}
		if (tpl->kind == WEIR_TK_WAIT && !(e->flags & WEIR_EVENT_FLAG) &&
		    weir_load_relaxed(&e->rec_gen) == 0) {
			weir__event_put(e); /* never recorded: complete already */
			return WEIR_OK;
		}
		break;
	case WEIR_TK_NOTIFY_RECORD:
	case WEIR_TK_NOTIFY_WAIT:
		n = tpl->u.nt;
		if (!weir__notify_lookup(weir__notify_handle(n)) || !weir__notify_tryref(n))
			return WEIR_EHANDLE;
		if (tpl->kind == WEIR_TK_NOTIFY_RECORD && n->dev != dev) {
			weir__notify_put(n); /* as weir_notify_record onto s */
			return WEIR_EFOREIGN;
		}
		break;
	default: break;
	}
	struct weir_task *c = weir__task_alloc();
	if (!c) {
		if (e)
			weir__event_put(e);
		if (n)
			weir__notify_put(n);
		return WEIR_ENOMEM;
	}
	struct weir_pool *owner = c->owner;
	memcpy(c, tpl, sizeof(*c));
	c->owner = owner;
	c->next = NULL;
	if (c->kind == WEIR_TK_KERNEL)
		c->has_release = 0; /* C3: the RI keeps the release */
	else if (c->kind == WEIR_TK_RECORD)
		c->u.ev.gen = weir_faa_relaxed(&e->rec_gen, 1) + 1; /* a ticket (event.c) */
	else if (c->kind == WEIR_TK_WAIT)
		c->u.ev.gen = weir_load_relaxed(&e->rec_gen); /* the snapshot of now */
	else if (c->kind == WEIR_TK_NOTIFY_RECORD)
		weir__notify_requeue(n);
	*out = c;
	return WEIR_OK;
}

/* Build lane l's chain (inside RCU). */
static int chain_build(const struct cap_lane *l, uint32_t dev, struct ri_run *run, weir_host_fn fin,
                       void *fin_ctx, struct weir_task **first, uint32_t *count)
{
	struct weir_task *head = NULL, **tail = &head;
	uint32_t n = 0;
	int rc = WEIR_OK;
	for (uint32_t j = 0; j < l->n && !rc; j++) {
		const struct cap_item *it = &l->it[j];
		struct weir_task *c = NULL;
		if (it->what == IT_TASK) {
			rc = copy_task(it->t, dev, &c);
		} else if (it->what == IT_SIGNAL) {
			c = noop_task(ri_edge_set, &run->w[it->edge]);
			rc = c ? WEIR_OK : WEIR_ENOMEM;
		} else {
			c = weir__task_alloc();
			rc = c ? WEIR_OK : WEIR_ENOMEM;
			if (c) {
				memset(c->args, 0, sizeof(struct weir_wait_state));
				c->kind = WEIR_TK_VALUE_WAIT;
				c->nblocks = 1;
				c->u.val.addr = &run->w[it->edge];
				c->u.val.value = 1;
				WAIT_STATE(c)->flags = WEIR_VALUE_EQ;
			}
		}
		if (c) {
			c->next = NULL;
			*tail = c;
			tail = &c->next;
			n++;
		}
	}
	if (!rc) {
		struct weir_task *c = noop_task(fin, fin_ctx);
		if (c) {
			*tail = c;
			n++;
		} else {
			rc = WEIR_ENOMEM;
		}
	}
	if (rc) {
		chain_undo(head);
		return rc;
	}
	*first = head;
	*count = n;
	return WEIR_OK;
}

/* The lane streams of replay stream sh (L(ri->lock)); created on first use. */
static int ri_lanes(struct weir_ri *ri, weir_stream_t *sh, int prio, weir_group_t *g,
                    weir_stream_t ***out)
{
	for (uint32_t i = 0; i < ri->ntab; i++)
		if (ri->tab[i].origin == sh) {
			*out = ri->tab[i].lane;
			return WEIR_OK;
		}
	if (ri->ntab == ri->ctab) {
		uint32_t c = ri->ctab ? ri->ctab * 2 : 4;
		struct ri_origin *t = weir__realloc(ri->tab, c * sizeof(*t));
		if (!t)
			return WEIR_ENOMEM;
		ri->tab = t;
		ri->ctab = c;
	}
	weir_stream_t **lane = weir__calloc(ri->nlanes - 1, sizeof(*lane));
	if (!lane)
		return WEIR_ENOMEM;
	for (uint32_t i = 0; i + 1 < ri->nlanes; i++) {
		int rc = weir_stream_create(g, prio, 0, &lane[i]);
		if (rc) {
			while (i--)
				weir_stream_destroy(lane[i]);
			weir__free(lane);
			return rc;
		}
	}
	ri->tab[ri->ntab++] = (struct ri_origin){ sh, lane };
	*out = lane;
	return WEIR_OK;
}

WEIR_API int weir_ri_replay(weir_ri_t *h, weir_stream_t *sh)
{
	weir__rcu_read_lock();
	struct weir_ri *ri = weir__ri_lookup(h);
	if (!ri || !weir__ri_tryref(ri)) { /* the replay's reference (C7) */
		weir__rcu_read_unlock();
		return WEIR_EHANDLE;
	}
	struct weir_stream *st = weir__stream_lookup(sh);
	int rc = !st                               ? WEIR_EHANDLE
	         : st->rt != ri->rt                ? WEIR_EFOREIGN
	         : weir_load_acquire(&st->capture) ? WEIR_ECAPTURE /* ST-A9 */
	                                           : WEIR_OK;
	struct weir_device *dev = st ? st->dev : NULL;
	int prio = st ? (int)weir_load_relaxed(&st->prio) : 0;
	weir_group_t *g = st ? weir__group_handle(st->g) : NULL;
	weir__rcu_read_unlock();
	if (!rc && ri->host)
		rc = weir__host_start(dev);
	if (rc) {
		weir__ri_put(ri);
		return rc;
	}
	uint32_t nl = ri->nlanes;
	struct ri_run *run = NULL;
	if (nl > 1 || ri->nedges) {
		run = weir__calloc(1, sizeof(*run) + ri->nedges * sizeof(uint64_t));
		if (!run) {
			weir__ri_put(ri);
			return WEIR_ENOMEM;
		}
		atomic_init(&run->refs, nl);
		run->ri = ri; /* the replay's reference passes to the run */
	}
	weir_stream_t **lane = NULL;
	struct weir_task *chain[nl];
	uint32_t count[nl];
	memset(chain, 0, sizeof(chain));
	if (nl > 1) {
		pthread_mutex_lock(&ri->lock); /* C8 */
		rc = ri->dead ? WEIR_EHANDLE : ri_lanes(ri, sh, prio, g, &lane);
	}
	weir__rcu_read_lock();
	for (uint32_t i = 0; i < nl && !rc; i++)
		rc = chain_build(&ri->lanes[i], dev->id, run, run ? ri_run_put : ri_put_cb,
		                 run ? (void *)run : (void *)ri, &chain[i], &count[i]);
	struct weir_stream *lst[nl];
	if (!rc) {
		st = weir__stream_lookup(sh);
		lst[0] = st;
		for (uint32_t i = 1; i < nl && st; i++)
			if (!(lst[i] = weir__stream_lookup(lane[i - 1])))
				st = NULL;
		rc = st ? weir__stream_admit(st) : WEIR_EHANDLE;
		/* Full: the chain is admitted like one task past the bound
		 * (stream.c invariant 6 allows a bounded excess). */
		if (rc == WEIR_EAGAIN)
			rc = WEIR_OK;
	}
	if (!rc) {
		/* Lanes first, the replay stream last; all inside the section
		 * that found them (stream.c invariant 8). */
		for (uint32_t i = nl; i-- > 0;)
			weir__stream_push_chain(lst[i], chain[i], count[i]);
	}
	weir__rcu_read_unlock();
	if (nl > 1)
		pthread_mutex_unlock(&ri->lock);
	if (rc) {
		for (uint32_t i = 0; i < nl; i++)
			chain_undo(chain[i]);
		weir__free(run);
		weir__ri_put(ri);
	}
	return rc;
}

WEIR_API int weir_ri_destroy(weir_ri_t *h)
{
	weir__rcu_read_lock();
	struct weir_ri *ri = weir__ri_lookup(h);
	bool mine = ri && weir__reg_remove(&ri->obj);
	weir__rcu_read_unlock();
	if (!mine)
		return WEIR_EHANDLE;
	pthread_mutex_lock(&ri->lock);
	ri->dead = true; /* C8: no replay pushes after this */
	pthread_mutex_unlock(&ri->lock);
	for (uint32_t i = 0; i < ri->ntab; i++)
		for (uint32_t j = 0; j + 1 < ri->nlanes; j++)
			weir_stream_destroy_force(ri->tab[i].lane[j]); /* their chains still run */
	/* obj.h O2: the handle's reference goes after a grace period, so a
	 * lookup's plain reference (weir__ri_get) is safe too. */
	weir__rcu_synchronize();
	weir__ri_put(ri);
	return WEIR_OK;
}

WEIR_API int weir_ri_info(weir_ri_t *h, weir_ri_info_t *out)
{
	if (!out)
		return WEIR_EINVAL;
	weir__rcu_read_lock();
	struct weir_ri *ri = weir__ri_lookup(h);
	if (ri) {
		out->id = ri->id;
		out->streams = ri->nlanes;
		out->tasks = ri->ntasks;
		out->edges = ri->nedges;
	}
	weir__rcu_read_unlock();
	return ri ? WEIR_OK : WEIR_EHANDLE;
}

WEIR_API int weir_ri_stream_tasks(weir_ri_t *h, uint32_t stream, uint32_t *tasks)
{
	if (!tasks)
		return WEIR_EINVAL;
	struct weir_ri *ri = weir__ri_get(h);
	int rc = !ri ? WEIR_EHANDLE : stream >= ri->nlanes ? WEIR_EINVAL : WEIR_OK;
	if (!rc)
		*tasks = ri->lanes[stream].ntasks;
	if (ri)
		weir__ri_put(ri);
	return rc;
}
