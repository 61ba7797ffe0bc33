/*
 * sched/capture.c - task capture and replay (docs/capture.md).
 *
 * A capture turns the tasks pushed to a stream into a recorded task list
 * (an "RI", after ACL's aclmdlRI) instead of running them; a replay queues
 * the whole list on a stream again, one pre-linked chain per captured
 * stream, each pushed with ONE CAS (weir__stream_push_chain).
 *
 * Recording. weir_capture_begin (and weir_ri_bind for a built RI,
 * weir_ri_update_begin for a group's update) publishes a capture in the
 * stream's `capture` word. Every push (stream.c stream_push_unchecked) loads that
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
 * Replaying. The RI is immutable (but for C9). A replay allocates its own
 * run state (one 64-bit word per cross-stream edge, a reference count),
 * turns each run of inline items into one program task (C12) and copies
 * every other recorded task into fresh records (taking the references and tickets an
 * eager push would take), turns SIGNAL k into a no-op kernel whose release
 * stores 1 into word k (a release runs whether the task runs or is
 * discarded, so an abort never strands the other lane) and WAIT k into a
 * value wait (value.c) for word k == 1. Lane 0 runs on the replay's stream;
 * every other lane runs on a lane stream the RI creates, per replay stream,
 * in that stream's group (a built RI runs every lane on a lane stream, C11).
 * Multi-block kernels, in a program or not, spread their blocks over the
 * device's workers.
 *
 * Invariants:
 *  C1. A stream's `capture` word is set (CAP-R1) only by begin, a join, a
 *      bind or an update begin, with a CAS from NULL, and cleared only by
 *      the end of that capture (cap_stop: end, build end, update end, or
 *      the destroy of a build). A
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
 *  C9. Templates change only (a) group versions: published whole with a
 *      release store (RI-R2), read under RCU with acquire (RI-A2), the old
 *      one freed after a grace period; (b) staged task parameters, applied
 *      by weir_ri_update only when no replay holds a reference: it stores
 *      `updating` then loads `refs` (both seq_cst) while a replay takes its
 *      reference, fences (seq_cst) and loads `updating` - one sees the other.
 *  C10. weir_ri_abort bumps `epoch`; a program skips its remaining items once
 *      the epoch differs from the one it was queued with. Nothing else reads
 *      it, so a stale read only delays the stop by one item.
 *  C11. Built RIs: a replay's `live` counts the lanes that may still push or
 *      run (+1 for the kick while it pushes the heads, +1 before each
 *      activation's push, -1 from each lane's final no-op); the decrement to
 *      0 stores `done` (the replay stream's value wait). A lane is pushed at
 *      most once per replay (CAS on act[i]) and only after its replay stream
 *      reached the kick, which follows the previous replay's `done`: lane
 *      streams never interleave two replays of one replay stream. The run is
 *      freed by the replay stream's final no-op and each pushed lane's (refs);
 *      chains never pushed are undone then.
 *  C12. A replay turns each maximal run of inline items (kernels, value
 *      writes, control items, groups) into one WEIR_TK_PROGRAM task; its worker runs them in
 *      order, jumps only inside the run (labels), and reads the RI read-only
 *      (the replay's reference keeps it) except through C9 and C11.
 */
#include "sched/internal.h"

#include <stddef.h>
#include <string.h>

enum {
	IT_TASK = 0,     /* a recorded task (t: its template) */
	IT_SIGNAL,       /* cross-stream edge `edge` is signalled here */
	IT_WAIT,         /* ... and waited on here */
	IT_LABEL,        /* label `id` is set here (a position, no work) */
	IT_SWITCH_LABEL, /* x: struct ctl_switch */
	IT_ACTIVATE,     /* x: struct ctl_active (built RIs: start a bound stream) */
	IT_END,          /* the model's end task (built RIs) */
	IT_COND,         /* x: struct ctl_cond */
	IT_GROUP,        /* x: struct weir_ri_group (replaceable kernels) */
};

struct cap_item {
	struct weir_task *t;      /* IT_TASK: the captured record (a template) */
	void *x;                  /* control items: their description */
	uint64_t id;              /* IT_LABEL: the label's id */
	uint32_t what;            /* IT_* */
	uint32_t edge;            /* IT_SIGNAL / IT_WAIT */
	bool disabled;            /* IT_TASK: skipped by replays (weir_ri_task_disable) */
	struct weir_task *staged; /* IT_TASK: new parameters for weir_ri_update */
	bool disable_staged;      /* IT_TASK: weir_ri_task_disable, for weir_ri_update */
};

struct cap_lane {
	struct weir_stream *st; /* capture: a reference; RI: NULL */
	weir_stream_t *h;       /* the stream's handle (weir_ri_stream) */
	struct cap_item *it;
	uint32_t n, cap;
	uint32_t ntasks;
	uint32_t flag;      /* built RIs: WEIR_RI_STREAM_HEAD / _DEFAULT */
	uint32_t grp_start; /* capture: first item of an open task group, or NONE */
	bool unbound;       /* built RIs: weir_ri_unbind was called */
	bool has_switch;    /* holds an IT_SWITCH_LABEL */
};
#define GRP_NONE UINT32_MAX

struct cap_bind {
	struct weir_event *e;
	uint32_t edge;
};

enum { CAP_STREAM = 0, CAP_BUILD, CAP_UPDATE };

struct weir_capture {
	pthread_mutex_t lock;
	struct weir_runtime *rt;    /* I (build: L(lock), set by the first bind) */
	struct weir_stream *origin; /* I (NULL for builds and updates) */
	struct weir_ri *ri;         /* I: the RI being recorded (NULL for updates) */
	struct weir_ri_group *upd;  /* I: updates: the group (a reference on its RI) */
	int kind;                   /* I: CAP_* */
	int mode;                   /* I: WEIR_CAPTURE_* */
	pthread_t owner;            /* I: the thread that began it */
	bool ended;                 /* L(lock) */
	bool end_task;              /* L(lock): builds: weir_ri_end_task was called */
	int status;                 /* L(lock): C6, 0 = valid */
	struct cap_lane *lanes;     /* L(lock) */
	uint32_t nlanes, clanes;    /* L(lock) */
	uint32_t nedges;            /* L(lock) */
	struct cap_bind *binds;     /* L(lock) */
	uint32_t nbinds, cbinds;    /* L(lock) */
};

struct ri_origin {
	weir_stream_t *origin; /* the replay stream's handle */
	weir_stream_t **lane;  /* lane streams: nlanes - 1 (built RIs: nlanes) */
};

struct ri_reset {
	uint64_t *word;
	uint64_t value;
};

enum { RI_CAPTURING = 0, RI_BUILDING, RI_READY, RI_BODY_EMPTY };

struct weir_ri {
	struct weir_obj obj; /* I */
	/* A: handle + replays in flight (C7). Alone on its line: every replay
	 * takes and drops a reference (the host, then the worker), and the
	 * worker reads the fields below for every task of the replay. */
	weir_cacheline_aligned _Atomic uint32_t refs;
	/* A: RI_*; RI_READY is published by the end (RI-R1) */
	weir_cacheline_aligned _Atomic uint32_t state;
	_Atomic uint32_t updating;       /* A: weir_ri_update in progress (C9) */
	_Atomic uint64_t epoch;          /* A: bumped by weir_ri_abort (C10) */
	struct weir_runtime *rt;         /* I once READY */
	struct weir_ri *parent;          /* I: bodies of a conditional task; NULL otherwise */
	uint32_t id;                     /* I */
	uint32_t nlanes;                 /* I once READY */
	uint32_t nedges;                 /* I once READY */
	uint32_t ntasks;                 /* I once READY */
	bool host;                       /* I once READY: has host functions */
	bool built;                      /* I: made by weir_ri_build_begin */
	bool inline_only;                /* I once READY: one lane of inline items */
	struct cap_lane *lanes;          /* I once READY (task params: C9) */
	pthread_mutex_t lock;            /* C8 */
	struct weir_capture *cap;        /* L(lock): while capturing / building */
	struct weir_capture *build_cap;  /* I: built RIs: their capture object (freed with ri) */
	struct ri_reset *resets;         /* L(lock) until READY, then I */
	struct weir_task_release *hooks; /* L(lock): weir_ri_on_free */
	uint32_t nhooks;                 /* L(lock) */
	uint32_t nresets;                /* L(lock) until READY, then I */
	bool dead;                       /* L(lock) */
	struct ri_origin *tab;           /* L(lock) */
	uint32_t ntab, ctab;             /* L(lock) */
};

/* Control items. */
struct ctl_switch {
	const uint32_t *index; /* I: read at replay time */
	uint32_t max;          /* I */
	uint32_t n;            /* I */
	uint64_t *ids;         /* I: label ids */
	uint32_t *target;      /* I once READY: item index of each label */
};

struct ctl_active {
	struct weir_stream *target; /* capture: a reference; NULL once resolved */
	uint32_t lane;              /* I once READY */
	bool cmp;                   /* weir_ri_switch_stream: compare first */
	bool is64;
	int cond; /* WEIR_CMP_* */
	const void *left, *right;
};

struct ctl_cond {
	int type;              /* WEIR_COND_* */
	uint64_t *word;        /* I */
	uint32_t n;            /* I */
	struct weir_ri **body; /* I: the handle references of the bodies */
};

/* A task group: replaceable kernels (C9). */
struct grp_ver {
	uint32_t n;
	struct weir_task *t[]; /* kernel templates */
};

struct weir_ri_group {
	struct weir_obj obj;           /* I */
	_Atomic uint32_t refs;         /* A: the RI's reference (+ lookups) */
	struct weir_ri *ri;            /* I: the RI it belongs to (not counted) */
	weir_ri_t *rh;                 /* I: its handle (a live RI is registered) */
	_Atomic(struct grp_ver *) cur; /* A: RI-R2 / RI-A2 */
	_Atomic uint32_t busy;         /* A: an update is recording it */
};

/* Labels and label lists (plain registry objects). */
struct weir_label {
	struct weir_obj obj;
	_Atomic uint32_t refs;
	uint64_t id; /* I: unique in the process */
};

struct weir_label_list {
	struct weir_obj obj;
	_Atomic uint32_t refs;
	uint32_t n;     /* I */
	uint64_t ids[]; /* I */
};

/* A replay's own state (C7). */
struct ri_run {
	_Atomic uint32_t refs; /* lanes whose final no-op has not retired */
	struct weir_ri *ri;
	/* Built RIs (C11): */
	_Atomic uint32_t live;    /* activated lanes not finished (+1 while the kick runs) */
	uint64_t done;            /* 1 once live reached 0 (value-wait word) */
	_Atomic uint8_t *act;     /* per lane: activated in this replay */
	struct weir_task **chain; /* per lane: its chain, until pushed or undone */
	uint32_t *count;          /* per lane */
	weir_stream_t **lane;     /* per lane: its lane stream */
	uint64_t w[];             /* one word per edge, written with atomics (value.c) */
};

/* The argument block of a WEIR_TK_PROGRAM task (C12). */
struct prog_args {
	struct weir_ri *ri;
	struct ri_run *run;
	const struct cap_lane *lane;
	uint32_t start, end;
	uint32_t flags; /* PROG_* */
	uint64_t epoch;
};
_Static_assert(sizeof(struct prog_args) <= WEIR_ARGS_MAX, "program arguments fit a task");
enum { PROG_RESETS = 1u, PROG_KICK = 2u };

static _Atomic uint32_t weir_ri_type_id;
static _Atomic uint32_t weir_ri_grp_type_id;
static _Atomic uint32_t weir_label_type_id;
static _Atomic uint32_t weir_label_list_type_id;
static _Atomic uint32_t weir_ri_next_id;
static _Atomic uint64_t weir_label_next_id;
static _Atomic uint32_t weir_capture_global;     /* A: GLOBAL captures in progress */
static _Thread_local uint32_t weir_tls_captures; /* non-RELAXED captures begun here */
static _Thread_local int weir_tls_mode;          /* WEIR_CAPTURE_* (exchange mode) */

static uint32_t weir__ri_type(void)
{
	return weir_load_relaxed(&weir_ri_type_id);
}
static uint32_t weir__grp_type(void)
{
	return weir_load_relaxed(&weir_ri_grp_type_id);
}
static uint32_t weir__label_type(void)
{
	return weir_load_relaxed(&weir_label_type_id);
}
static uint32_t weir__llist_type(void)
{
	return weir_load_relaxed(&weir_label_list_type_id);
}

/* Register (once) and insert o under the type in *slot named `name`. */
static int type_insert(_Atomic uint32_t *slot, const char *name, struct weir_obj *o)
{
	if (!weir_load_relaxed(slot)) {
		uint32_t ty = weir__reg_type(name);
		if (ty)
			weir_store_relaxed(slot, ty); /* same value from every caller */
	}
	uint32_t ty = weir_load_relaxed(slot);
	return ty ? weir__reg_insert(o, ty) : WEIR_ENOMEM;
}

static void weir__ri_free(struct weir_obj *o);
static void weir__grp_free(struct weir_obj *o);
static void weir__plain_free(struct weir_obj *o);
WEIR_OBJ_DEFINE(weir__ri, struct weir_ri, weir_ri_t, weir__ri_type(), weir__ri_free)
/* Groups, labels and lists use only part of the generated set. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
WEIR_OBJ_DEFINE(weir__grp, struct weir_ri_group, weir_ri_group_t, weir__grp_type(), weir__grp_free)
WEIR_OBJ_DEFINE(weir__label, struct weir_label, weir_label_t, weir__label_type(), weir__plain_free)
WEIR_OBJ_DEFINE(weir__llist, struct weir_label_list, weir_label_list_t, weir__llist_type(),
                weir__plain_free)
#pragma GCC diagnostic pop

static void weir__plain_free(struct weir_obj *o)
{
	weir__free(o); /* obj is the first member of labels and label lists */
}

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

static void ver_free(struct grp_ver *v)
{
	if (!v)
		return;
	for (uint32_t i = 0; i < v->n; i++)
		tpl_drop(v->t[i], true);
	weir__free(v);
}

static void weir__grp_free(struct weir_obj *o)
{
	struct weir_ri_group *g = caa_container_of(o, struct weir_ri_group, obj);
	ver_free(weir_load_relaxed(&g->cur)); /* the last put: no reader is left */
	weir__free(g);
}

static void ri_destroy_owned(struct weir_ri *ri);

/* Free a control item's description (and what it owns). */
static void item_drop(struct cap_item *it)
{
	switch (it->what) {
	case IT_TASK:
		tpl_drop(it->t, true);
		if (it->staged)
			weir__task_free(it->staged);
		break;
	case IT_SWITCH_LABEL: {
		struct ctl_switch *c = it->x;
		weir__free(c->ids);
		weir__free(c->target);
		weir__free(c);
		break;
	}
	case IT_ACTIVATE: {
		struct ctl_active *c = it->x;
		if (c->target)
			weir__stream_put(c->target);
		weir__free(c);
		break;
	}
	case IT_COND: {
		struct ctl_cond *c = it->x;
		for (uint32_t i = 0; i < c->n; i++)
			if (c->body[i])
				ri_destroy_owned(c->body[i]);
		weir__free(c->body);
		weir__free(c);
		break;
	}
	case IT_GROUP: {
		struct weir_ri_group *g = it->x;
		if (weir__reg_remove(&g->obj))
			weir__grp_put(g); /* the handle's reference */
		break;
	}
	default: break;
	}
}

static void lanes_free(struct cap_lane *lanes, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		for (uint32_t j = 0; j < lanes[i].n; j++)
			item_drop(&lanes[i].it[j]);
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
	l->h = weir__stream_handle(st);
	l->grp_start = GRP_NONE;
	l->flag = WEIR_RI_STREAM_HEAD;
	return l;
}

static void cap_fail(struct weir_capture *cap, int status)
{
	if (!cap->status)
		cap->status = status;
}

/* Append an item (L(lock)). On failure the capture is invalidated and the
 * item dropped. */
static void lane_push(struct weir_capture *cap, struct cap_lane *l, struct cap_item it)
{
	if (!cap->status && l->n == l->cap) {
		uint32_t c = l->cap ? l->cap * 2 : 16;
		struct cap_item *a = weir__realloc(l->it, c * sizeof(*a));
		if (!a)
			cap_fail(cap, WEIR_ENOMEM);
		else {
			l->it = a;
			l->cap = c;
		}
	}
	if (cap->status) {
		item_drop(&it);
		return;
	}
	l->it[l->n++] = it;
	if (it.what == IT_TASK)
		l->ntasks++;
	if (it.what == IT_SWITCH_LABEL)
		l->has_switch = true;
}

static void lane_append(struct weir_capture *cap, struct cap_lane *l, uint32_t what, uint32_t edge,
                        struct weir_task *t)
{
	lane_push(cap, l, (struct cap_item){ .t = t, .what = what, .edge = edge });
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
	} else if (cap->kind == CAP_UPDATE && t->kind != WEIR_TK_KERNEL) {
		cap_fail(cap, WEIR_EINVAL); /* a group holds kernels only */
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
		/* A join: st starts capturing into cap (C1). Only stream
		 * captures take joins; a build records its bound streams. */
		if (!b || cap->kind != CAP_STREAM) {
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
	} else if (cap->kind == CAP_UPDATE) {
		cap_fail(cap, WEIR_EINVAL); /* a group holds kernels only */
		rc = WEIR_EINVAL;
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

/* Make an RI object in `state` and publish its handle. */
static int ri_new(int state, struct weir_ri *parent, struct weir_ri **out)
{
	struct weir_ri *ri = weir__aligned_alloc(WEIR_CACHELINE, sizeof(*ri));
	if (!ri)
		return WEIR_ENOMEM;
	memset(ri, 0, sizeof(*ri));
	pthread_mutex_init(&ri->lock, NULL);
	weir__ref_init(&ri->refs);
	atomic_init(&ri->state, (uint32_t)state);
	ri->parent = parent;
	ri->built = state == RI_BUILDING;
	ri->id = weir_faa_relaxed(&weir_ri_next_id, 1) + 1; /* relaxed: uniqueness only */
	int rc = type_insert(&weir_ri_type_id, "sched.ri", &ri->obj);
	if (rc) {
		pthread_mutex_destroy(&ri->lock);
		weir__free(ri);
		return rc;
	}
	*out = ri;
	return WEIR_OK;
}

/* Remove ri's handle and drop its reference (bodies: by their parent). */
static void ri_destroy_owned(struct weir_ri *ri)
{
	if (weir__reg_remove(&ri->obj))
		weir__ri_put(ri);
}

static struct weir_capture *cap_new(int kind, int mode)
{
	struct weir_capture *cap = weir__calloc(1, sizeof(*cap));
	if (!cap)
		return NULL;
	pthread_mutex_init(&cap->lock, NULL);
	cap->kind = kind;
	cap->mode = mode;
	cap->owner = pthread_self();
	return cap;
}

static void cap_free(struct weir_capture *cap)
{
	lanes_free(cap->lanes, cap->nlanes);
	weir__free(cap->binds);
	cap->lanes = NULL;
	cap->nlanes = 0;
	cap->binds = NULL;
	cap->nbinds = 0;
	/* A build's capture object stays until its RI goes: weir_ri_bind and
	 * the other build calls find it through the RI (ri->cap) and may still
	 * lock it after an end or a destroy, then see `ended`. */
	if (cap->kind == CAP_BUILD && cap->ri)
		return;
	pthread_mutex_destroy(&cap->lock);
	weir__free(cap);
}

/* Start capturing stream h into cap (a new lane 0). */
static int cap_attach(struct weir_capture *cap, weir_stream_t *h)
{
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
	return rc;
}

static void tls_begin(int mode)
{
	if (mode == WEIR_CAPTURE_GLOBAL)
		weir_faa_relaxed(&weir_capture_global, 1); /* relaxed: a hint for callers */
	if (mode != WEIR_CAPTURE_RELAXED)
		weir_tls_captures++;
}

static int capture_begin(weir_stream_t *h, int mode, struct weir_ri *body)
{
	if (mode < WEIR_CAPTURE_GLOBAL || mode > WEIR_CAPTURE_RELAXED)
		return WEIR_EINVAL;
	struct weir_capture *cap = cap_new(CAP_STREAM, mode);
	if (!cap)
		return WEIR_ENOMEM;
	struct weir_ri *ri = body;
	int rc = body ? WEIR_OK : ri_new(RI_CAPTURING, NULL, &ri);
	if (!rc) {
		cap->ri = ri;
		pthread_mutex_lock(&ri->lock);
		ri->cap = cap;
		pthread_mutex_unlock(&ri->lock);
		rc = cap_attach(cap, h);
	}
	if (rc) {
		if (ri) {
			pthread_mutex_lock(&ri->lock);
			ri->cap = NULL;
			pthread_mutex_unlock(&ri->lock);
			if (body) /* RI-R1: release - back to an empty body */
				weir_store_release(&body->state, RI_BODY_EMPTY);
			else
				ri_destroy_owned(ri);
		}
		cap_free(cap);
		return rc;
	}
	tls_begin(mode);
	return WEIR_OK;
}

WEIR_API int weir_capture_begin(weir_stream_t *h, int mode)
{
	return capture_begin(h, mode, NULL);
}

WEIR_API int weir_capture_begin_into(weir_stream_t *h, weir_ri_t *rh, int mode)
{
	struct weir_ri *ri = weir__ri_get(rh);
	if (!ri)
		return WEIR_EHANDLE;
	uint32_t want = RI_BODY_EMPTY;
	/* RI-A1: acq_rel - claims the empty body (one capture at a time). */
	int rc = weir_cas_strong_acqrel(&ri->state, &want, RI_CAPTURING) ? WEIR_OK : WEIR_ESTATE;
	if (!rc)
		rc = capture_begin(h, mode, ri);
	weir__ri_put(ri);
	return rc;
}

WEIR_API int weir_capture_ri(weir_stream_t *h, weir_ri_t **out)
{
	if (!out)
		return WEIR_EINVAL;
	*out = NULL;
	weir__rcu_read_lock();
	struct weir_stream *st = weir__stream_lookup(h);
	struct weir_capture *cap = st ? weir_load_acquire(&st->capture) : NULL; /* ST-A9 */
	int rc = !st ? WEIR_EHANDLE : WEIR_ESTATE;
	if (cap) {
		pthread_mutex_lock(&cap->lock);
		if (!cap->ended && cap->ri) {
			*out = weir__ri_handle(cap->ri);
			rc = WEIR_OK;
		}
		pthread_mutex_unlock(&cap->lock);
	}
	weir__rcu_read_unlock();
	return rc;
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

/* Items a program task runs inline (C12). */
static bool item_inline(const struct cap_item *it)
{
	switch (it->what) {
	case IT_TASK: return it->t->kind == WEIR_TK_KERNEL || it->t->kind == WEIR_TK_VALUE_WRITE;
	case IT_SIGNAL:
	case IT_WAIT: return false;
	default: return true;
	}
}

/* Resolve labels and activation targets of a finished recording. */
static int lanes_resolve(struct weir_capture *cap)
{
	for (uint32_t i = 0; i < cap->nlanes; i++) {
		struct cap_lane *l = &cap->lanes[i];
		for (uint32_t j = 0; j < l->n; j++) {
			struct cap_item *it = &l->it[j];
			if (it->what == IT_SWITCH_LABEL) {
				struct ctl_switch *c = it->x;
				for (uint32_t k = 0; k < c->n; k++) {
					c->target[k] = UINT32_MAX;
					for (uint32_t m = 0; m < l->n; m++)
						if (l->it[m].what == IT_LABEL &&
						    l->it[m].id == c->ids[k])
							c->target[k] = m;
					if (c->target[k] == UINT32_MAX)
						return WEIR_EINVAL; /* a label not set on this stream */
				}
			} else if (it->what == IT_ACTIVATE) {
				struct ctl_active *c = it->x;
				c->lane = UINT32_MAX;
				for (uint32_t m = 0; m < cap->nlanes; m++)
					if (cap->lanes[m].st == c->target)
						c->lane = m;
				if (c->lane == UINT32_MAX)
					return WEIR_EINVAL; /* the target is not bound */
				weir__stream_put(c->target);
				c->target = NULL;
			}
		}
		if (l->has_switch)
			for (uint32_t j = 0; j < l->n; j++)
				if (!item_inline(&l->it[j]))
					return WEIR_EINVAL; /* jumps need one program */
	}
	return WEIR_OK;
}

/* Turn an ended, valid capture into cap->ri: renumber the edges some lane
 * waits on and drop the signals nobody waits on. */
static int ri_build(struct weir_capture *cap)
{
	struct weir_ri *ri = cap->ri;
	int rc = lanes_resolve(cap);
	if (rc)
		return rc;
	uint32_t *map = weir__calloc(cap->nedges ? cap->nedges : 1, sizeof(uint32_t));
	if (!map)
		return WEIR_ENOMEM;
	for (uint32_t i = 0; i < cap->nlanes; i++)
		for (uint32_t j = 0; j < cap->lanes[i].n; j++)
			if (cap->lanes[i].it[j].what == IT_WAIT)
				map[cap->lanes[i].it[j].edge] = 1;
	uint32_t ne = 0;
	for (uint32_t k = 0; k < cap->nedges; k++)
		map[k] = map[k] ? ++ne : 0; /* 1-based; 0: unused */
	bool inl = cap->nlanes == 1;
	for (uint32_t i = 0; i < cap->nlanes; i++) {
		struct cap_lane *l = &cap->lanes[i];
		uint32_t o = 0;
		for (uint32_t j = 0; j < l->n; j++) {
			struct cap_item it = l->it[j];
			if (it.what == IT_SIGNAL || it.what == IT_WAIT) {
				if (!map[it.edge])
					continue;
				it.edge = map[it.edge] - 1;
			} else if (it.what == IT_TASK) {
				ri->ntasks++;
				if (it.t->kind == WEIR_TK_HOST || it.t->kind == WEIR_TK_HOST_REP)
					ri->host = true;
			}
			if (!item_inline(&it))
				inl = false;
			/* Label targets are item indices: keep them exact. */
			if (o != j && l->has_switch) {
				weir__free(map);
				return WEIR_EINTERNAL;
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
	ri->inline_only = inl;
	cap->lanes = NULL;
	cap->nlanes = 0;
	return WEIR_OK;
}

/* Stop recording into cap: clear the capture words (C1/C4), wait for every
 * pusher that saw it (C2). */
static void cap_stop(struct weir_capture *cap)
{
	/* CAP-R5: release - pairs with ST-A9 in the pushers: a push that sees
	 * NULL queues normally, after everything the capture recorded. */
	for (uint32_t i = 0; i < cap->nlanes; i++)
		weir_store_release(&cap->lanes[i].st->capture, NULL);
	for (uint32_t i = 0; i < cap->nbinds; i++) {
		struct weir_capture *c = cap;
		weir_cas_strong_acqrel(&cap->binds[i].e->cap, &c, NULL);
	}
	if (cap->kind == CAP_STREAM || cap->kind == CAP_UPDATE) {
		if (cap->mode == WEIR_CAPTURE_GLOBAL)
			weir_fas_relaxed(&weir_capture_global, 1);
		if (cap->mode != WEIR_CAPTURE_RELAXED)
			weir_tls_captures--;
	}
	weir__rcu_synchronize();
}

/* Finish the recording of cap->ri (ended, stopped): build it and publish
 * it READY, or on failure drop it (a body goes back to empty). */
static int ri_finish(struct weir_capture *cap, int rc)
{
	struct weir_ri *ri = cap->ri;
	if (!rc && ri->parent && (cap->nlanes != 1 || cap->nedges))
		rc = WEIR_EINVAL; /* a body runs on one stream */
	if (!rc)
		rc = ri_build(cap);
	if (!rc && ri->parent && !ri->inline_only)
		rc = WEIR_EINVAL; /* a body runs inline (C12) */
	pthread_mutex_lock(&ri->lock);
	ri->cap = NULL;
	pthread_mutex_unlock(&ri->lock);
	if (rc && ri->lanes) {
		lanes_free(ri->lanes, ri->nlanes);
		ri->lanes = NULL;
		ri->nlanes = 0;
		ri->ntasks = 0;
	}
	cap_free(cap);
	if (rc) {
		if (ri->parent) /* RI-R1: release - an empty body again */
			weir_store_release(&ri->state, RI_BODY_EMPTY);
		else
			ri_destroy_owned(ri);
		return rc;
	}
	/* RI-R1: release - the lanes, resets and counts before READY; pairs
	 * with RI-A1 in weir_ri_replay and the readers. */
	weir_store_release(&ri->state, RI_READY);
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
	if (!rc &&
	    (cap->kind != CAP_STREAM || cap->origin != st ||
	     (cap->mode != WEIR_CAPTURE_RELAXED && !pthread_equal(cap->owner, pthread_self()))))
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
	cap_stop(cap);
	rc = cap->status;
	if (!rc && !cap_joined(cap))
		rc = WEIR_EUNJOINED;
	struct weir_ri *ri = cap->ri;
	rc = ri_finish(cap, rc);
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
/* Building from bound streams                                               */
/* ------------------------------------------------------------------------ */

WEIR_API int weir_ri_build_begin(weir_ri_t **out)
{
	if (!out)
		return WEIR_EINVAL;
	struct weir_capture *cap = cap_new(CAP_BUILD, WEIR_CAPTURE_RELAXED);
	if (!cap)
		return WEIR_ENOMEM;
	struct weir_ri *ri = NULL;
	int rc = ri_new(RI_BUILDING, NULL, &ri);
	if (rc) {
		cap_free(cap);
		return rc;
	}
	cap->ri = ri;
	pthread_mutex_lock(&ri->lock);
	ri->cap = cap;
	ri->build_cap = cap;
	pthread_mutex_unlock(&ri->lock);
	*out = weir__ri_handle(ri);
	return WEIR_OK;
}

/* The build capture of ri (L(ri->lock) inside), or NULL. */
static struct weir_capture *ri_build_cap(struct weir_ri *ri)
{
	pthread_mutex_lock(&ri->lock);
	struct weir_capture *cap = ri->built ? ri->cap : NULL;
	pthread_mutex_unlock(&ri->lock);
	return cap;
}

WEIR_API int weir_ri_bind(weir_ri_t *rh, weir_stream_t *sh, uint32_t flag)
{
	if (flag != WEIR_RI_STREAM_HEAD && flag != WEIR_RI_STREAM_DEFAULT)
		return WEIR_EINVAL;
	struct weir_ri *ri = weir__ri_get(rh);
	if (!ri)
		return WEIR_EHANDLE;
	/* Only this RI's own calls end its build: the capture outlives the
	 * lookup while the RI is BUILDING (weir_ri_build_end is one caller). */
	struct weir_capture *cap = ri_build_cap(ri);
	int rc = cap ? WEIR_OK : WEIR_ESTATE;
	if (!rc) {
		weir__rcu_read_lock();
		struct weir_stream *st = weir__stream_lookup(sh);
		pthread_mutex_lock(&cap->lock);
		rc = !st                                               ? WEIR_EHANDLE
		     : cap->ended                                      ? WEIR_ESTATE
		     : cap->rt && cap->rt != st->rt                    ? WEIR_EFOREIGN
		     : cap->nlanes && cap->lanes[0].st->dev != st->dev ? WEIR_EFOREIGN
		                                                       : WEIR_OK;
		struct cap_lane *l = NULL;
		if (!rc && !(l = lane_add(cap, st)))
			rc = WEIR_ENOMEM;
		struct weir_capture *none = NULL;
		/* CAP-R1: acq_rel - publishes the capture to st's pushers (C1). */
		if (!rc && !weir_cas_strong_acqrel(&st->capture, &none, cap)) {
			cap->nlanes--;
			weir__stream_put(st);
			rc = WEIR_ESTATE; /* st captures or is bound already */
		}
		if (!rc) {
			l->flag = flag;
			cap->rt = st->rt;
		}
		pthread_mutex_unlock(&cap->lock);
		weir__rcu_read_unlock();
	}
	weir__ri_put(ri);
	return rc;
}

WEIR_API int weir_ri_unbind(weir_ri_t *rh, weir_stream_t *sh)
{
	struct weir_ri *ri = weir__ri_get(rh);
	if (!ri)
		return WEIR_EHANDLE;
	int rc = WEIR_ESTATE;
	/* RI-A1: acquire - the lanes of a READY RI. */
	if (ri->built && weir_load_acquire(&ri->state) == RI_READY) {
		pthread_mutex_lock(&ri->lock);
		for (uint32_t i = 0; i < ri->nlanes; i++)
			if (ri->lanes[i].h == sh && !ri->lanes[i].unbound) {
				ri->lanes[i].unbound = true; /* bookkeeping only */
				rc = WEIR_OK;
				break;
			}
		pthread_mutex_unlock(&ri->lock);
	}
	weir__ri_put(ri);
	return rc;
}

/* Append a control item to the lane of recording stream sh (`build`: the
 * stream must be bound to a build). The item is dropped on failure. */
static int record_ctl(weir_stream_t *sh, struct cap_item it, bool build, struct weir_ri **ri_out)
{
	weir__rcu_read_lock();
	struct weir_stream *st = weir__stream_lookup(sh);
	struct weir_capture *cap = st ? weir_load_acquire(&st->capture) : NULL; /* ST-A9 */
	int rc = !st ? WEIR_EHANDLE : !cap ? WEIR_ESTATE : WEIR_OK;
	if (!rc) {
		pthread_mutex_lock(&cap->lock);
		struct cap_lane *l = lane_of(cap, st);
		if (cap->ended || !l || cap->kind == CAP_UPDATE ||
		    (build && cap->kind != CAP_BUILD))
			rc = WEIR_ESTATE;
		else if (cap->status)
			rc = WEIR_EINVALIDATED;
		else if (it.what == IT_END && cap->end_task)
			rc = WEIR_EEXIST; /* one end task per model */
		if (!rc) {
			if (it.what == IT_END)
				cap->end_task = true;
			if (ri_out)
				*ri_out = cap->ri;
			lane_push(cap, l, it);
			it.what = IT_SIGNAL; /* taken */
			if (cap->status)
				rc = cap->status;
		}
		pthread_mutex_unlock(&cap->lock);
	}
	weir__rcu_read_unlock();
	if (rc && it.what != IT_SIGNAL)
		item_drop(&it);
	return rc;
}

WEIR_API int weir_ri_end_task(weir_ri_t *rh, weir_stream_t *sh)
{
	struct weir_ri *ri = weir__ri_get(rh);
	if (!ri)
		return WEIR_EHANDLE;
	struct weir_ri *got = NULL;
	int rc = record_ctl(sh, (struct cap_item){ .what = IT_END }, true, &got);
	if (!rc && got != ri)
		rc = WEIR_EINVAL; /* recorded already: the stream belongs to another RI */
	weir__ri_put(ri);
	return rc;
}

WEIR_API int weir_ri_build_end(weir_ri_t *rh)
{
	struct weir_ri *ri = weir__ri_get(rh);
	if (!ri)
		return WEIR_EHANDLE;
	struct weir_capture *cap = ri_build_cap(ri);
	int rc = cap ? WEIR_OK : WEIR_ESTATE;
	if (!rc) {
		pthread_mutex_lock(&cap->lock);
		bool head = false;
		for (uint32_t i = 0; i < cap->nlanes; i++)
			head |= cap->lanes[i].flag == WEIR_RI_STREAM_HEAD;
		if (cap->ended || !head)
			rc = WEIR_ESTATE;
		else
			cap->ended = true;
		pthread_mutex_unlock(&cap->lock);
	}
	if (!rc) {
		cap_stop(cap);
		rc = cap->status;
		rc = ri_finish(cap, rc); /* on failure the RI is destroyed */
	}
	weir__ri_put(ri);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Labels and control items                                                  */
/* ------------------------------------------------------------------------ */

WEIR_API int weir_label_create(weir_label_t **out)
{
	if (!out)
		return WEIR_EINVAL;
	struct weir_label *l = weir__calloc(1, sizeof(*l));
	if (!l)
		return WEIR_ENOMEM;
	weir__ref_init(&l->refs);
	l->id = weir_faa_relaxed(&weir_label_next_id, 1) + 1; /* relaxed: uniqueness only */
	int rc = type_insert(&weir_label_type_id, "sched.label", &l->obj);
	if (rc) {
		weir__free(l);
		return rc;
	}
	*out = weir__label_handle(l);
	return WEIR_OK;
}

/* Destroy a label or a label list (the same header: obj, refs). */
_Static_assert(offsetof(struct weir_label, refs) == offsetof(struct weir_label_list, refs),
               "labels and label lists share their header");
static int plain_destroy(const void *h, uint32_t type)
{
	weir__rcu_read_lock();
	struct weir_obj *o = type ? weir__reg_lookup(h, type) : NULL;
	bool mine = o && weir__reg_remove(o);
	weir__rcu_read_unlock();
	if (!mine)
		return WEIR_EHANDLE;
	weir__rcu_synchronize(); /* obj.h O2 */
	if (weir__ref_put(&caa_container_of(o, struct weir_label, obj)->refs))
		weir__obj_retire(o, weir__plain_free);
	return WEIR_OK;
}

WEIR_API int weir_label_destroy(weir_label_t *h)
{
	return plain_destroy(h, weir__label_type());
}

WEIR_API int weir_label_list_create(weir_label_t *const *labels, size_t n, weir_label_list_t **out)
{
	if (!out || !labels || n == 0 || n > UINT32_MAX)
		return WEIR_EINVAL;
	struct weir_label_list *ll = weir__calloc(1, sizeof(*ll) + n * sizeof(uint64_t));
	if (!ll)
		return WEIR_ENOMEM;
	weir__ref_init(&ll->refs);
	ll->n = (uint32_t)n;
	int rc = WEIR_OK;
	weir__rcu_read_lock();
	for (size_t i = 0; i < n && !rc; i++) {
		struct weir_label *l = weir__label_lookup(labels[i]);
		if (!l)
			rc = WEIR_EHANDLE;
		else
			ll->ids[i] = l->id;
	}
	weir__rcu_read_unlock();
	if (!rc)
		rc = type_insert(&weir_label_list_type_id, "sched.label_list", &ll->obj);
	if (rc) {
		weir__free(ll);
		return rc;
	}
	*out = weir__llist_handle(ll);
	return WEIR_OK;
}

WEIR_API int weir_label_list_destroy(weir_label_list_t *h)
{
	return plain_destroy(h, weir__llist_type());
}

WEIR_API int weir_ri_set_label(weir_label_t *h, weir_stream_t *sh)
{
	weir__rcu_read_lock();
	struct weir_label *l = weir__label_lookup(h);
	uint64_t id = l ? l->id : 0;
	weir__rcu_read_unlock();
	if (!l)
		return WEIR_EHANDLE;
	return record_ctl(sh, (struct cap_item){ .what = IT_LABEL, .id = id }, false, NULL);
}

WEIR_API int weir_ri_switch_label(const uint32_t *index, uint32_t max, weir_label_list_t *h,
                                  weir_stream_t *sh)
{
	if (!index || max == 0)
		return WEIR_EINVAL;
	struct ctl_switch *c = weir__calloc(1, sizeof(*c));
	if (!c)
		return WEIR_ENOMEM;
	c->index = index;
	c->max = max;
	weir__rcu_read_lock();
	struct weir_label_list *ll = weir__llist_lookup(h);
	if (ll) {
		c->n = ll->n;
		c->ids = weir__calloc(ll->n, sizeof(uint64_t));
		c->target = weir__calloc(ll->n, sizeof(uint32_t));
		if (c->ids)
			memcpy(c->ids, ll->ids, ll->n * sizeof(uint64_t));
	}
	weir__rcu_read_unlock();
	struct cap_item it = { .what = IT_SWITCH_LABEL, .x = c };
	if (!ll || !c->ids || !c->target) {
		item_drop(&it);
		return ll ? WEIR_ENOMEM : WEIR_EHANDLE;
	}
	return record_ctl(sh, it, false, NULL);
}

static int record_active(weir_stream_t *target, weir_stream_t *sh, struct ctl_active *c)
{
	weir__rcu_read_lock();
	struct weir_stream *t = weir__stream_lookup(target);
	if (t)
		weir__stream_ref(t); /* obj.h O2 */
	weir__rcu_read_unlock();
	if (!t) {
		weir__free(c);
		return WEIR_EHANDLE;
	}
	c->target = t;
	return record_ctl(sh, (struct cap_item){ .what = IT_ACTIVATE, .x = c }, true, NULL);
}

WEIR_API int weir_ri_activate(weir_stream_t *target, weir_stream_t *sh)
{
	struct ctl_active *c = weir__calloc(1, sizeof(*c));
	if (!c)
		return WEIR_ENOMEM;
	return record_active(target, sh, c);
}

WEIR_API int weir_ri_switch_stream(const void *left, int cond, const void *right, bool is64,
                                   weir_stream_t *target, weir_stream_t *sh)
{
	if (!left || !right || cond < WEIR_CMP_EQ || cond > WEIR_CMP_LE)
		return WEIR_EINVAL;
	struct ctl_active *c = weir__calloc(1, sizeof(*c));
	if (!c)
		return WEIR_ENOMEM;
	*c = (struct ctl_active){
		.cmp = true, .is64 = is64, .cond = cond, .left = left, .right = right
	};
	return record_active(target, sh, c);
}

WEIR_API int weir_ri_cond_default(weir_ri_t *rh, uint64_t *word, uint64_t value)
{
	if (!word)
		return WEIR_EINVAL;
	struct weir_ri *ri = weir__ri_get(rh);
	if (!ri)
		return WEIR_EHANDLE;
	int rc = WEIR_OK;
	pthread_mutex_lock(&ri->lock);
	if (!ri->cap) {
		rc = WEIR_ESTATE; /* only while it records */
	} else {
		struct ri_reset *r = weir__realloc(ri->resets, (ri->nresets + 1) * sizeof(*r));
		if (!r)
			rc = WEIR_ENOMEM;
		else {
			ri->resets = r;
			r[ri->nresets++] = (struct ri_reset){ word, value };
		}
	}
	pthread_mutex_unlock(&ri->lock);
	weir__ri_put(ri);
	return rc;
}

WEIR_API int weir_ri_add_cond(weir_stream_t *sh, int type, uint64_t *word, uint32_t n,
                              weir_ri_t **bodies)
{
	if (!word || !bodies || n == 0 || type < WEIR_COND_IF || type > WEIR_COND_SWITCH ||
	    (type == WEIR_COND_IF && n > 2) || (type == WEIR_COND_WHILE && n != 1) || n > 4096)
		return WEIR_EINVAL;
	struct ctl_cond *c = weir__calloc(1, sizeof(*c));
	struct weir_ri **b = weir__calloc(n, sizeof(*b));
	if (!c || !b) {
		weir__free(c);
		weir__free(b);
		return WEIR_ENOMEM;
	}
	*c = (struct ctl_cond){ .type = type, .word = word, .n = n, .body = b };
	struct cap_item it = { .what = IT_COND, .x = c };
	/* The bodies' parent is the capture's RI; made before the item is
	 * appended and given to the caller only once it is. */
	weir_ri_t *hs[n];
	struct weir_ri *parent = NULL;
	weir__rcu_read_lock();
	struct weir_stream *st = weir__stream_lookup(sh);
	struct weir_capture *cap = st ? weir_load_acquire(&st->capture) : NULL; /* ST-A9 */
	if (cap) {
		pthread_mutex_lock(&cap->lock);
		parent = cap->ended ? NULL : cap->ri;
		if (parent)
			weir__ri_ref(parent); /* found under the capture's lock */
		pthread_mutex_unlock(&cap->lock);
	}
	weir__rcu_read_unlock();
	int rc = !st ? WEIR_EHANDLE : !parent ? WEIR_ESTATE : WEIR_OK;
	for (uint32_t i = 0; i < n && !rc; i++) {
		rc = ri_new(RI_BODY_EMPTY, parent, &b[i]);
		if (!rc)
			hs[i] = weir__ri_handle(b[i]);
	}
	if (rc) {
		item_drop(&it);
	} else {
		struct weir_ri *got = NULL;
		rc = record_ctl(sh, it, false, &got);
		if (!rc && got != parent)
			rc = WEIR_ESTATE; /* recorded into another capture: a race with the end */
		if (!rc)
			memcpy(bodies, hs, n * sizeof(*hs));
	}
	if (parent)
		weir__ri_put(parent);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Task groups and updates                                                   */
/* ------------------------------------------------------------------------ */

WEIR_API int weir_capture_group_begin(weir_stream_t *sh)
{
	weir__rcu_read_lock();
	struct weir_stream *st = weir__stream_lookup(sh);
	struct weir_capture *cap = st ? weir_load_acquire(&st->capture) : NULL; /* ST-A9 */
	int rc = !st ? WEIR_EHANDLE : !cap ? WEIR_ESTATE : WEIR_OK;
	if (!rc) {
		pthread_mutex_lock(&cap->lock);
		struct cap_lane *l = lane_of(cap, st);
		if (cap->ended || !l || cap->kind == CAP_UPDATE || l->grp_start != GRP_NONE)
			rc = WEIR_ESTATE;
		else
			l->grp_start = l->n;
		pthread_mutex_unlock(&cap->lock);
	}
	weir__rcu_read_unlock();
	return rc;
}

WEIR_API int weir_capture_group_end(weir_stream_t *sh, weir_ri_group_t **out)
{
	if (!out)
		return WEIR_EINVAL;
	struct weir_ri_group *g = weir__calloc(1, sizeof(*g));
	if (!g)
		return WEIR_ENOMEM;
	weir__ref_init(&g->refs);
	weir__rcu_read_lock();
	struct weir_stream *st = weir__stream_lookup(sh);
	struct weir_capture *cap = st ? weir_load_acquire(&st->capture) : NULL; /* ST-A9 */
	int rc = !st ? WEIR_EHANDLE : !cap ? WEIR_ESTATE : WEIR_OK;
	struct grp_ver *v = NULL;
	if (!rc) {
		pthread_mutex_lock(&cap->lock);
		struct cap_lane *l = lane_of(cap, st);
		if (cap->ended || !l || l->grp_start == GRP_NONE)
			rc = WEIR_ESTATE;
		else if (cap->status)
			rc = WEIR_EINVALIDATED;
		uint32_t s0 = l ? l->grp_start : 0, n = l && !rc ? l->n - s0 : 0;
		if (!rc && n == 0)
			rc = WEIR_EINVAL;
		for (uint32_t j = s0; !rc && j < l->n; j++)
			if (l->it[j].what != IT_TASK || l->it[j].t->kind != WEIR_TK_KERNEL)
				rc = WEIR_ENOTSUP; /* a group holds kernels only */
		if (!rc && !(v = weir__calloc(1, sizeof(*v) + n * sizeof(struct weir_task *))))
			rc = WEIR_ENOMEM;
		if (!rc) {
			g->ri = cap->ri;
			g->rh = weir__ri_handle(cap->ri);
			rc = type_insert(&weir_ri_grp_type_id, "sched.ri_group", &g->obj);
		}
		if (!rc) {
			v->n = n;
			for (uint32_t j = 0; j < n; j++)
				v->t[j] = l->it[s0 + j].t;
			l->n = s0;
			l->ntasks -= n;
			atomic_init(&g->cur, v);
			lane_push(cap, l, (struct cap_item){ .what = IT_GROUP, .x = g });
			*out = weir__grp_handle(g);
			g = NULL;
			v = NULL;
		}
		if (l)
			l->grp_start = GRP_NONE;
		pthread_mutex_unlock(&cap->lock);
	}
	weir__rcu_read_unlock();
	weir__free(v);
	weir__free(g);
	return rc;
}

WEIR_API int weir_ri_update_begin(weir_stream_t *sh, weir_ri_group_t *gh)
{
	weir__rcu_read_lock();
	struct weir_ri_group *g = weir__grp_lookup(gh);
	/* A destroyed RI's groups die with it, after a grace period. */
	if (g && !weir__ri_lookup(g->rh))
		g = NULL;
	if (g)
		weir__grp_ref(g); /* obj.h O2 */
	weir__rcu_read_unlock();
	if (!g)
		return WEIR_EHANDLE;
	uint32_t idle = 0;
	/* RI-A3: acq_rel - one update of a group at a time. */
	if (!weir_cas_strong_acqrel(&g->busy, &idle, 1)) {
		weir__grp_put(g);
		return WEIR_EBUSY;
	}
	struct weir_capture *cap = cap_new(CAP_UPDATE, WEIR_CAPTURE_RELAXED);
	int rc = cap ? WEIR_OK : WEIR_ENOMEM;
	if (!rc) {
		cap->upd = g; /* the reference taken above */
		rc = cap_attach(cap, sh);
	}
	if (rc) {
		if (cap)
			cap_free(cap);
		weir_store_release(&g->busy, 0); /* RI-R3: pairs with RI-A3 */
		weir__grp_put(g);
	}
	return rc;
}

WEIR_API int weir_ri_update_end(weir_stream_t *sh)
{
	weir__rcu_read_lock();
	struct weir_stream *st = weir__stream_lookup(sh);
	struct weir_capture *cap = st ? weir_load_acquire(&st->capture) : NULL; /* ST-A9 */
	int rc = !st ? WEIR_EHANDLE : !cap || cap->kind != CAP_UPDATE ? WEIR_ESTATE : WEIR_OK;
	if (!rc) {
		pthread_mutex_lock(&cap->lock);
		if (cap->ended)
			rc = WEIR_ESTATE;
		cap->ended = true;
		pthread_mutex_unlock(&cap->lock);
	}
	weir__rcu_read_unlock();
	if (rc)
		return rc;
	cap_stop(cap);
	struct weir_ri_group *g = cap->upd;
	struct cap_lane *l = &cap->lanes[0];
	/* RI-A2: acquire - the current version's templates. */
	struct grp_ver *old = weir_load_acquire(&g->cur);
	rc = cap->status ? cap->status : l->n != old->n ? WEIR_EINVAL : WEIR_OK;
	struct grp_ver *v = NULL;
	if (!rc && !(v = weir__calloc(1, sizeof(*v) + l->n * sizeof(struct weir_task *))))
		rc = WEIR_ENOMEM;
	if (!rc) {
		v->n = l->n;
		for (uint32_t j = 0; j < l->n; j++) {
			v->t[j] = l->it[j].t;
			l->it[j].what = IT_END; /* moved: nothing left to drop */
		}
		/* RI-R2: release - publishes the new templates; pairs with RI-A2
		 * in the program tasks, which read them under RCU. */
		weir_store_release(&g->cur, v);
		weir__rcu_synchronize(); /* no program reads `old` any more */
		ver_free(old);
	}
	cap_free(cap);
	weir_store_release(&g->busy, 0); /* RI-R3: pairs with RI-A3 */
	weir__grp_put(g);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Replay                                                                    */
/* ------------------------------------------------------------------------ */

static void weir__ri_free(struct weir_obj *o)
{
	struct weir_ri *ri = caa_container_of(o, struct weir_ri, obj);
	lanes_free(ri->lanes, ri->nlanes);        /* C3: templates, releases, references */
	for (uint32_t i = 0; i < ri->nhooks; i++) /* the last put: no lock needed */
		ri->hooks[i].fn(ri->hooks[i].ctx);
	weir__free(ri->hooks);
	if (ri->build_cap) { /* emptied by its end or the destroy (cap_free) */
		lanes_free(ri->build_cap->lanes, ri->build_cap->nlanes);
		weir__free(ri->build_cap->binds);
		pthread_mutex_destroy(&ri->build_cap->lock);
		weir__free(ri->build_cap);
	}
	for (uint32_t i = 0; i < ri->ntab; i++)
		weir__free(ri->tab[i].lane);
	weir__free(ri->tab);
	weir__free(ri->resets);
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

static void chain_undo(struct weir_task *first);

static void chain_drop_fin(struct weir_task *first);

static void ri_run_free(struct ri_run *run)
{
	if (run->chain)
		for (uint32_t i = 0; i < run->ri->nlanes; i++)
			chain_drop_fin(run->chain[i]); /* built: lanes never activated */
	weir__ri_put(run->ri);
	weir__free(run->act);
	weir__free(run->chain);
	weir__free(run->count);
	weir__free(run->lane);
	weir__free(run);
}

static void ri_run_put(void *p)
{
	struct ri_run *run = p;
	/* acq_rel: every lane's effects before the last put frees the run. */
	if (weir_fas_acqrel(&run->refs, 1) == 1)
		ri_run_free(run);
}

/* Built RIs (C11): one activated lane finished (or could not start). */
static void ri_lane_done(void *p)
{
	struct ri_run *run = p;
	/* acq_rel: the lanes' effects before `done`, which the replay
	 * stream's value wait reads (value.c atomics, seq_cst store). */
	if (weir_fas_acqrel(&run->live, 1) == 1)
		__atomic_store_n(&run->done, 1, __ATOMIC_SEQ_CST);
}

/* A built lane's final no-op (C11): finished, then its run reference. */
static void ri_lane_fin(void *p)
{
	ri_lane_done(p);
	ri_run_put(p);
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
	case WEIR_TK_KERNEL:
		if (c->has_release) /* a final no-op: its release runs as if discarded */
			TASK_RELEASE(c)->fn(TASK_RELEASE(c)->ctx);
		break;
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

/* Undo a built chain whose final no-op must not run its release. */
static void chain_drop_fin(struct weir_task *first)
{
	struct weir_task **pp = &first;
	while (*pp && (*pp)->next)
		pp = &(*pp)->next;
	if (*pp) {
		weir__task_free(*pp);
		*pp = NULL;
	}
	chain_undo(first);
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

static struct weir_task *prog_task(struct weir_ri *ri, struct ri_run *run, const struct cap_lane *l,
                                   uint32_t start, uint32_t end, uint32_t flags, uint64_t epoch)
{
	struct weir_task *t = weir__task_alloc();
	if (!t)
		return NULL;
	t->kind = WEIR_TK_PROGRAM;
	t->nblocks = 1;
	t->has_release = 0;
	*(struct prog_args *)(void *)t->args =
	        (struct prog_args){ ri, run, l, start, end, flags, epoch };
	return t;
}

/* Build lane l's chain (inside RCU): runs of inline items become one
 * program task each (C12), the rest are copies. */
static int chain_build(struct weir_ri *ri, const struct cap_lane *l, uint32_t dev,
                       struct ri_run *run, uint64_t epoch, uint32_t flags, weir_host_fn fin,
                       void *fin_ctx, struct weir_task **first, uint32_t *count)
{
	struct weir_task *head = NULL, **tail = &head;
	uint32_t n = 0;
	int rc = WEIR_OK;
	uint32_t open = UINT32_MAX; /* first item of the current program */
	for (uint32_t j = 0; j <= l->n && !rc; j++) {
		const struct cap_item *it = j < l->n ? &l->it[j] : NULL;
		bool inl = it && item_inline(it);
		if (inl && open == UINT32_MAX)
			open = j;
		struct weir_task *c = NULL;
		if ((!inl && open != UINT32_MAX) || (flags && !inl && open == UINT32_MAX)) {
			/* Close the program (the first one also runs the resets
			 * or the kick, even when empty). */
			uint32_t s0 = open == UINT32_MAX ? j : open;
			c = prog_task(ri, run, l, s0, j, flags, epoch);
			rc = c ? WEIR_OK : WEIR_ENOMEM;
			flags = 0;
			open = UINT32_MAX;
			if (c) {
				*tail = c;
				tail = &c->next;
				n++;
			}
			c = NULL;
		}
		if (!it || inl || rc)
			continue;
		if (it->what == IT_TASK) {
			if (!it->disabled)
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
			c->next = NULL;
			*tail = c;
			n++;
		} else {
			rc = WEIR_ENOMEM;
		}
	}
	if (rc) {
		/* The final no-op was not built: undo without running fin. */
		chain_undo(head);
		return rc;
	}
	*first = head;
	*count = n;
	return WEIR_OK;
}

/* The lane streams of replay stream sh (L(ri->lock)); created on first use. */
static int ri_lanes(struct weir_ri *ri, weir_stream_t *sh, uint32_t nl, int prio, weir_group_t *g,
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
	weir_stream_t **lane = weir__calloc(nl, sizeof(*lane));
	if (!lane)
		return WEIR_ENOMEM;
	for (uint32_t i = 0; i < nl; i++) {
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

/* C9: take a replay's reference, waiting out an update in progress. */
static struct weir_ri *ri_enter(weir_ri_t *h)
{
	for (uint32_t round = 0;; round++) {
		weir__rcu_read_lock();
		struct weir_ri *ri = weir__ri_lookup(h);
		bool ok = ri && weir__ri_tryref(ri);
		weir__rcu_read_unlock();
		if (!ok)
			return NULL;
		/* C9: seq_cst - the reference before the flag's load, against
		 * weir_ri_update's flag store before its count load (Dekker). */
		atomic_thread_fence(memory_order_seq_cst);
		if (!weir_load_relaxed(&ri->updating))
			return ri;
		weir__ri_put(ri);
		if (round < 64)
			sched_yield();
		else
			nanosleep(&(struct timespec){ 0, 100000 }, NULL);
	}
}

/* Built RIs (C11): push lane i's chain (activation); a lane stream that is
 * gone (the RI was destroyed) counts as finished at once. */
static void run_activate(struct ri_run *run, uint32_t i)
{
	uint8_t zero = 0;
	/* RUN-A1: acq_rel - one activation per lane and replay; pairs with
	 * itself (the CAS of a second activator). */
	if (!weir_cas_strong_acqrel(&run->act[i], &zero, 1))
		return;
	weir_faa_relaxed(&run->live, 1); /* relaxed: the activator is live itself */
	weir_faa_relaxed(&run->refs, 1); /* relaxed: the activator holds one */
	weir__rcu_read_lock();
	struct weir_stream *st = weir__stream_lookup(run->lane[i]);
	struct weir_task *c = run->chain[i];
	run->chain[i] = NULL;
	if (st)
		weir__stream_push_chain(st, c, run->count[i]);
	weir__rcu_read_unlock();
	if (!st)
		chain_undo(c); /* its final no-op's release calls ri_lane_done */
}

static bool cmp_true(const struct ctl_active *c)
{
	int64_t a, b;
	if (c->is64) {
		memcpy(&a, c->left, 8);
		memcpy(&b, c->right, 8);
	} else {
		int32_t x, y;
		memcpy(&x, c->left, 4);
		memcpy(&y, c->right, 4);
		a = x;
		b = y;
	}
	switch (c->cond) {
	case WEIR_CMP_EQ: return a == b;
	case WEIR_CMP_NE: return a != b;
	case WEIR_CMP_GT: return a > b;
	case WEIR_CMP_GE: return a >= b;
	case WEIR_CMP_LT: return a < b;
	default: return a <= b;
	}
}

struct prog_ctx {
	struct weir_device *dev;
	uint32_t widx;
	struct weir_stream *st;
	bool *halted;
	struct weir_ri *top; /* abort epoch (C10) */
	uint64_t epoch;
	struct ri_run *run;
	uint8_t fp; /* the program task's WEIR__FP_* */
};

/* Run one kernel template inline: a single block directly (the kernel
 * context was entered for the program), more blocks spread over the
 * device's workers as a kernel task's. Kernels get a copy of the argument
 * block: they may treat it as scratch, and replays share the template. */
static int prog_kernel(struct prog_ctx *p, const struct weir_task *tpl)
{
	if (tpl->nblocks <= 1) {
		/* Invariant 7 of device.c: no block starts once a stop is seen. */
		if (weir_load_relaxed(&p->st->halt) & WEIR__HALT_REQ) {
			*p->halted = true;
			return WEIR_OK;
		}
		_Alignas(16) unsigned char args[WEIR_ARGS_MAX];
		memcpy(args, tpl->args, sizeof(args));
		return tpl->u.kernel(args, 0, 1);
	}
	_Alignas(64) struct weir_task k;
	memcpy(&k, tpl, sizeof(k));
	k.fp = p->fp;
	return weir__device_run_kernel(p->dev, p->widx, p->st, &k, p->halted);
}

static int prog_exec(struct prog_ctx *p, const struct cap_lane *l, uint32_t start, uint32_t end,
                     uint32_t depth);

static int prog_body(struct prog_ctx *p, struct weir_ri *b, uint32_t depth)
{
	if (depth > 64)
		return WEIR_EINVAL; /* nesting past any sane program */
	/* RI-A1: acquire - a body still empty or being captured runs as empty. */
	if (weir_load_acquire(&b->state) != RI_READY || !b->nlanes)
		return WEIR_OK;
	return prog_exec(p, &b->lanes[0], 0, b->lanes[0].n, depth + 1);
}

static bool prog_aborted(const struct prog_ctx *p)
{
	/* C10: relaxed - a best-effort stop, checked before each item. */
	return weir_load_relaxed(&p->top->epoch) != p->epoch;
}

static int prog_exec(struct prog_ctx *p, const struct cap_lane *l, uint32_t start, uint32_t end,
                     uint32_t depth)
{
	int rc = WEIR_OK;
#ifdef WEIR_BUSTED_PROGRAM_SKIPS_LAST
	if (end > start)
		end--; /* planted: a program drops its last item */
#endif
	for (uint32_t pc = start; pc < end && !rc && !*p->halted;) {
		if (prog_aborted(p))
			return WEIR_OK;
		const struct cap_item *it = &l->it[pc++];
		switch (it->what) {
		case IT_TASK:
			if (it->disabled)
				break;
			if (it->t->kind == WEIR_TK_VALUE_WRITE) {
				/* As value.c does (VL-R1: seq_cst - the store, then
				 * the waiters' recheck of W2). */
				const struct weir_task *t = it->t;
				if (WAIT_STATE(t)->flags & WEIR_VALUE_32)
					__atomic_store_n((uint32_t *)t->u.val.addr,
					                 (uint32_t)t->u.val.value,
					                 __ATOMIC_SEQ_CST);
				else
					__atomic_store_n((uint64_t *)t->u.val.addr, t->u.val.value,
					                 __ATOMIC_SEQ_CST);
				weir__value_written(p->st->rt);
				break;
			}
			rc = prog_kernel(p, it->t);
			break;
		case IT_SWITCH_LABEL: {
			const struct ctl_switch *c = it->x;
			uint32_t i;
			memcpy(&i, c->index, sizeof(i));
			if (i < c->max && i < c->n)
				pc = c->target[i]; /* a label item: no work, then on */
			break;
		}
		case IT_ACTIVATE: {
			const struct ctl_active *c = it->x;
			if (p->run && p->run->act && (!c->cmp || cmp_true(c)))
				run_activate(p->run, c->lane);
			break;
		}
		case IT_COND: {
			const struct ctl_cond *c = it->x;
			uint64_t v;
			memcpy(&v, c->word, sizeof(v));
			if (c->type == WEIR_COND_IF) {
				if (v)
					rc = prog_body(p, c->body[0], depth);
				else if (c->n > 1)
					rc = prog_body(p, c->body[1], depth);
			} else if (c->type == WEIR_COND_SWITCH) {
				if (v < c->n)
					rc = prog_body(p, c->body[v], depth);
			} else {
				while (v && !rc && !*p->halted && !prog_aborted(p)) {
					rc = prog_body(p, c->body[0], depth);
					memcpy(&v, c->word, sizeof(v));
#ifdef WEIR_BUSTED_COND_WHILE_ONCE
					v = 0; /* planted: WHILE as IF */
#endif
				}
			}
			break;
		}
		case IT_GROUP: {
			struct weir_ri_group *g = it->x;
			weir__rcu_read_lock();
			/* RI-A2: acquire - pairs with RI-R2 in weir_ri_update_end. */
			const struct grp_ver *v = weir_load_acquire(&g->cur);
			for (uint32_t i = 0; i < v->n && !rc && !*p->halted; i++)
				rc = prog_kernel(p, v->t[i]);
			weir__rcu_read_unlock();
			break;
		}
		default: break; /* labels, the end task */
		}
	}
	return rc;
}

int weir__ri_program_run(struct weir_device *dev, uint32_t widx, struct weir_stream *st,
                         struct weir_task *t, bool *halted)
{
	*halted = false;
	const struct prog_args *a = (const struct prog_args *)(const void *)t->args;
	struct weir_ri *ri = a->ri;
	struct prog_ctx p = { dev, widx, st, halted, ri, a->epoch, a->run, t->fp };
	struct weir_device *sdev;
	uint32_t sfp;
	weir__kernel_enter(dev, t->fp, &sdev, &sfp); /* for the single-block kernels */
	if (a->flags & PROG_RESETS)
		for (uint32_t i = 0; i < ri->nresets; i++)
			memcpy(ri->resets[i].word, &ri->resets[i].value, sizeof(uint64_t));
	int rc = prog_exec(&p, a->lane, a->start, a->end, 0);
	weir__kernel_leave(sdev, sfp);
	if (a->flags & PROG_KICK) {
		struct ri_run *run = a->run;
		for (uint32_t i = 0; i < ri->nlanes; i++)
			if (ri->lanes[i].flag == WEIR_RI_STREAM_HEAD && !prog_aborted(&p))
				run_activate(run, i);
		ri_lane_done(run); /* the kick's own hold (C11) */
	}
	return rc;
}

/* Replay a built RI (C11): the lanes' chains are made now and pushed when
 * activated; the replay stream gets [kick][wait done][fin]. */
static int replay_built(struct weir_ri *ri, weir_stream_t *sh, struct weir_device *dev, int prio,
                        weir_group_t *g)
{
	uint32_t nl = ri->nlanes;
	struct ri_run *run = weir__calloc(1, sizeof(*run) + ri->nedges * sizeof(uint64_t));
	int rc = run ? WEIR_OK : WEIR_ENOMEM;
	if (!rc) {
		run->ri = ri;
		atomic_init(&run->refs, 1);
		atomic_init(&run->live, 1); /* the kick's hold */
		run->act = weir__calloc(nl, sizeof(*run->act));
		run->chain = weir__calloc(nl, sizeof(*run->chain));
		run->count = weir__calloc(nl, sizeof(*run->count));
		run->lane = weir__calloc(nl, sizeof(*run->lane));
		if (!run->act || !run->chain || !run->count || !run->lane)
			rc = WEIR_ENOMEM;
	}
	weir_stream_t **lane = NULL;
	if (!rc) {
		pthread_mutex_lock(&ri->lock);
		rc = ri->dead ? WEIR_EHANDLE : ri_lanes(ri, sh, nl, prio, g, &lane);
		if (!rc)
			memcpy(run->lane, lane, nl * sizeof(*lane));
		pthread_mutex_unlock(&ri->lock);
	}
	uint64_t epoch = weir_load_relaxed(&ri->epoch); /* C10 */
	struct weir_task *head = NULL;
	weir__rcu_read_lock();
	for (uint32_t i = 0; i < nl && !rc; i++)
		rc = chain_build(ri, &ri->lanes[i], dev->id, run, epoch, 0, ri_lane_fin, run,
		                 &run->chain[i], &run->count[i]);
	struct weir_task *kick = NULL, *wait = NULL, *fin = NULL;
	if (!rc) {
		kick = prog_task(ri, run, &ri->lanes[0], 0, 0, PROG_KICK | PROG_RESETS, epoch);
		wait = weir__task_alloc();
		fin = noop_task(ri_run_put, run);
		if (!kick || !wait || !fin)
			rc = WEIR_ENOMEM;
	}
	if (!rc) {
		memset(wait->args, 0, sizeof(struct weir_wait_state));
		wait->kind = WEIR_TK_VALUE_WAIT;
		wait->nblocks = 1;
		wait->u.val.addr = &run->done;
		wait->u.val.value = 1;
		WAIT_STATE(wait)->flags = WEIR_VALUE_EQ;
		kick->next = wait;
		wait->next = fin;
		fin->next = NULL;
		head = kick;
		struct weir_stream *st = weir__stream_lookup(sh);
		rc = st ? weir__stream_admit(st) : WEIR_EHANDLE;
		if (rc == WEIR_EAGAIN)
			rc = WEIR_OK; /* stream.c invariant 6: a bounded excess */
		if (!rc)
			weir__stream_push_chain(st, head, 3);
	}
	weir__rcu_read_unlock();
	if (rc) {
		if (kick)
			weir__task_free(kick);
		if (wait)
			weir__task_free(wait);
		if (fin)
			weir__task_free(fin);
		if (run && run->chain) {
			/* Unpushed lanes: undo without their final releases. */
			for (uint32_t i = 0; i < nl; i++)
				chain_drop_fin(run->chain[i]);
			weir__free(run->chain);
			run->chain = NULL;
		}
		if (run) {
			run->ri = ri; /* the replay's reference goes with it */
			ri_run_free(run);
		} else {
			weir__ri_put(ri);
		}
	}
	return rc;
}

WEIR_API int weir_ri_replay(weir_ri_t *h, weir_stream_t *sh)
{
	struct weir_ri *ri = ri_enter(h); /* the replay's reference (C7) */
	if (!ri)
		return WEIR_EHANDLE;
	/* RI-A1: acquire - pairs with RI-R1: the lanes are complete. */
	if (weir_load_acquire(&ri->state) != RI_READY) {
		weir__ri_put(ri);
		return WEIR_ESTATE;
	}
	weir__rcu_read_lock();
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
	if (ri->built)
		return replay_built(ri, sh, dev, prio, g);
	uint32_t nl = ri->nlanes;
	uint64_t epoch = weir_load_relaxed(&ri->epoch); /* C10 */
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
		rc = ri->dead ? WEIR_EHANDLE : ri_lanes(ri, sh, nl - 1, prio, g, &lane);
	}
	weir__rcu_read_lock();
	for (uint32_t i = 0; i < nl && !rc; i++)
		rc = chain_build(ri, &ri->lanes[i], dev->id, run, epoch,
		                 i == 0 && ri->nresets ? PROG_RESETS : 0,
		                 run ? ri_run_put : ri_put_cb, run ? (void *)run : (void *)ri,
		                 &chain[i], &count[i]);
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
		/* The chains' final no-ops would put the run (or ri) once
		 * each: strip them first, then drop what they hold here. */
		for (uint32_t i = 0; i < nl; i++)
			chain_drop_fin(chain[i]);
		weir__free(run);
		weir__ri_put(ri);
	}
	return rc;
}

WEIR_API int weir_ri_destroy(weir_ri_t *h)
{
	weir__rcu_read_lock();
	struct weir_ri *ri = weir__ri_lookup(h);
	int rc = !ri ? WEIR_EHANDLE : ri->parent ? WEIR_ESTATE : WEIR_OK;
	/* RI-A1: acquire - a capture or build still recording into ri. */
	if (!rc && weir_load_acquire(&ri->state) == RI_CAPTURING)
		rc = WEIR_EBUSY;
	bool mine = !rc && weir__reg_remove(&ri->obj);
	weir__rcu_read_unlock();
	if (!mine)
		return rc ? rc : WEIR_EHANDLE;
	pthread_mutex_lock(&ri->lock);
	ri->dead = true; /* C8: no replay pushes after this */
	struct weir_capture *cap = ri->built ? ri->cap : NULL;
	ri->cap = NULL;
	pthread_mutex_unlock(&ri->lock);
	if (cap) {
		/* A build never ended: stop it and drop what it recorded. */
		pthread_mutex_lock(&cap->lock);
		cap->ended = true;
		pthread_mutex_unlock(&cap->lock);
		cap_stop(cap);
		cap_free(cap);
	}
	uint32_t per = ri->built ? ri->nlanes : ri->nlanes - 1;
	for (uint32_t i = 0; i < ri->ntab; i++)
		for (uint32_t j = 0; j < per; j++)
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
	struct weir_ri *ri = weir__ri_get(h);
	if (!ri)
		return WEIR_EHANDLE;
	/* RI-A1: acquire - the counts of a READY RI. */
	bool ready = weir_load_acquire(&ri->state) == RI_READY;
	*out = (weir_ri_info_t){ .id = ri->id };
	if (ready) {
		out->streams = ri->nlanes;
		out->tasks = ri->ntasks;
		out->edges = ri->nedges;
	}
	weir__ri_put(ri);
	return WEIR_OK;
}

/* A READY RI with a reference, or NULL (*rc set). */
static struct weir_ri *ri_ready(weir_ri_t *h, int *rc)
{
	struct weir_ri *ri = weir__ri_get(h);
	*rc = ri ? WEIR_OK : WEIR_EHANDLE;
	/* RI-A1: acquire - pairs with RI-R1. */
	if (ri && weir_load_acquire(&ri->state) != RI_READY) {
		weir__ri_put(ri);
		*rc = WEIR_ESTATE;
		return NULL;
	}
	return ri;
}

WEIR_API int weir_ri_stream_tasks(weir_ri_t *h, uint32_t stream, uint32_t *tasks)
{
	if (!tasks)
		return WEIR_EINVAL;
	int rc;
	struct weir_ri *ri = ri_ready(h, &rc);
	if (ri && stream >= ri->nlanes)
		rc = WEIR_EINVAL;
	if (!rc)
		*tasks = ri->lanes[stream].ntasks;
	if (ri)
		weir__ri_put(ri);
	return rc;
}

WEIR_API int weir_ri_stream(weir_ri_t *h, uint32_t stream, weir_stream_t **s)
{
	if (!s)
		return WEIR_EINVAL;
	int rc;
	struct weir_ri *ri = ri_ready(h, &rc);
	if (ri && stream >= ri->nlanes)
		rc = WEIR_EINVAL;
	if (!rc)
		*s = ri->lanes[stream].h;
	if (ri)
		weir__ri_put(ri);
	return rc;
}

WEIR_API int weir_ri_on_free(weir_ri_t *h, weir_host_fn fn, void *ctx)
{
	if (!fn)
		return WEIR_EINVAL;
	struct weir_ri *ri = weir__ri_get(h);
	if (!ri)
		return WEIR_EHANDLE;
	pthread_mutex_lock(&ri->lock);
	struct weir_task_release *a = weir__realloc(ri->hooks, (ri->nhooks + 1) * sizeof(*a));
	if (a) {
		ri->hooks = a;
		a[ri->nhooks++] = (struct weir_task_release){ fn, ctx };
	}
	pthread_mutex_unlock(&ri->lock);
	weir__ri_put(ri);
	return a ? WEIR_OK : WEIR_ENOMEM;
}

WEIR_API int weir_ri_abort(weir_ri_t *h)
{
	int rc;
	struct weir_ri *ri = ri_ready(h, &rc);
	if (!ri)
		return rc;
	weir_faa_relaxed(&ri->epoch, 1); /* C10: relaxed - a best-effort stop */
	weir__ri_put(ri);
	return WEIR_OK;
}

/* ------------------------------------------------------------------------ */
/* Recorded tasks one by one                                                 */
/* ------------------------------------------------------------------------ */

/* The seq-th task item of lane `stream` (L(ri->lock) or READY and no update). */
static struct cap_item *task_item(struct weir_ri *ri, uint32_t stream, uint32_t seq)
{
	if (stream >= ri->nlanes)
		return NULL;
	struct cap_lane *l = &ri->lanes[stream];
	for (uint32_t j = 0, k = 0; j < l->n; j++)
		if (l->it[j].what == IT_TASK && k++ == seq)
			return &l->it[j];
	return NULL;
}

static uint32_t task_kind(const struct weir_task *t)
{
	switch (t->kind) {
	case WEIR_TK_KERNEL: return WEIR_RI_TASK_KERNEL;
	case WEIR_TK_RECORD: return WEIR_RI_TASK_EVENT_RECORD;
	case WEIR_TK_WAIT: return WEIR_RI_TASK_EVENT_WAIT;
	case WEIR_TK_RESET: return WEIR_RI_TASK_EVENT_RESET;
	case WEIR_TK_VALUE_WRITE: return WEIR_RI_TASK_VALUE_WRITE;
	case WEIR_TK_VALUE_WAIT: return WEIR_RI_TASK_VALUE_WAIT;
	default: return WEIR_RI_TASK_OTHER;
	}
}

static size_t args_room(const struct weir_task *t)
{
	return t->has_release ? WEIR_ARGS_MAX - sizeof(struct weir_task_release) : WEIR_ARGS_MAX;
}

WEIR_API int weir_ri_task_get(weir_ri_t *h, uint32_t stream, uint32_t seq, weir_ri_task_desc_t *out)
{
	if (!out)
		return WEIR_EINVAL;
	int rc;
	struct weir_ri *ri = ri_ready(h, &rc);
	if (!ri)
		return rc;
	pthread_mutex_lock(&ri->lock);
	struct cap_item *it = task_item(ri, stream, seq);
	if (!it) {
		rc = WEIR_EINVAL;
	} else {
		const struct weir_task *t = it->staged ? it->staged : it->t;
		*out = (weir_ri_task_desc_t){ .kind = task_kind(t),
			                      .seq = seq,
			                      .disabled = it->disabled };
		if (t->kind == WEIR_TK_KERNEL) {
			out->fn = t->u.kernel;
			out->args = t->args;
			out->args_size = args_room(t);
			out->nblocks = t->nblocks;
		} else if (t->kind == WEIR_TK_RECORD || t->kind == WEIR_TK_WAIT ||
		           t->kind == WEIR_TK_RESET) {
			out->event = weir__event_handle(t->u.ev.ev);
		} else if (t->kind == WEIR_TK_VALUE_WRITE || t->kind == WEIR_TK_VALUE_WAIT) {
			out->addr = t->u.val.addr;
			out->value = t->u.val.value;
			out->flags = t->kind == WEIR_TK_VALUE_WAIT ? WAIT_STATE(t)->flags : 0;
		}
	}
	pthread_mutex_unlock(&ri->lock);
	weir__ri_put(ri);
	return rc;
}

WEIR_API int weir_ri_task_set(weir_ri_t *h, uint32_t stream, uint32_t seq,
                              const weir_ri_task_desc_t *in)
{
	if (!in)
		return WEIR_EINVAL;
	int rc;
	struct weir_ri *ri = ri_ready(h, &rc);
	if (!ri)
		return rc;
	pthread_mutex_lock(&ri->lock);
	struct cap_item *it = task_item(ri, stream, seq);
	const struct weir_task *t = it ? it->t : NULL;
	if (!t)
		rc = WEIR_EINVAL;
	else if (t->kind == WEIR_TK_KERNEL)
		rc = !in->fn || in->nblocks == 0 || in->args_size > args_room(t) ||
		                     (in->args_size && !in->args)
		             ? WEIR_EINVAL
		             : WEIR_OK;
	else if (t->kind == WEIR_TK_VALUE_WRITE || t->kind == WEIR_TK_VALUE_WAIT)
		rc = in->addr ? WEIR_OK : WEIR_EINVAL;
	else
		rc = WEIR_ENOTSUP; /* events: the event is the task */
	if (!rc && !it->staged) {
		it->staged = weir__task_alloc();
		if (!it->staged)
			rc = WEIR_ENOMEM;
		else {
			struct weir_pool *owner = it->staged->owner;
			memcpy(it->staged, t, sizeof(*t));
			it->staged->owner = owner;
			it->staged->has_release = 0;
		}
	}
	if (!rc) {
		struct weir_task *s = it->staged;
		if (t->kind == WEIR_TK_KERNEL) {
			s->u.kernel = in->fn;
			s->nblocks = in->nblocks;
			memcpy(s->args, in->args, in->args_size);
		} else {
			s->u.val.addr = in->addr;
			s->u.val.value = in->value;
		}
	}
	pthread_mutex_unlock(&ri->lock);
	weir__ri_put(ri);
	return rc;
}

WEIR_API int weir_ri_task_disable(weir_ri_t *h, uint32_t stream, uint32_t seq)
{
	int rc;
	struct weir_ri *ri = ri_ready(h, &rc);
	if (!ri)
		return rc;
	pthread_mutex_lock(&ri->lock);
	struct cap_item *it = task_item(ri, stream, seq);
	if (!it)
		rc = WEIR_EINVAL;
	else
		it->disable_staged = true;
	pthread_mutex_unlock(&ri->lock);
	weir__ri_put(ri);
	return rc;
}

WEIR_API int weir_ri_update(weir_ri_t *h)
{
	int rc;
	struct weir_ri *ri = ri_ready(h, &rc);
	if (!ri)
		return rc;
	pthread_mutex_lock(&ri->lock);
	/* C9: seq_cst - the flag before the count's load (Dekker with
	 * ri_enter). Our own reference and the handle's make 2. */
	weir_store_seqcst(&ri->updating, 1);
	if (weir_load_seqcst(&ri->refs) > 2) {
		rc = WEIR_EBUSY; /* a replay is in flight */
	} else {
		for (uint32_t i = 0; i < ri->nlanes; i++)
			for (uint32_t j = 0; j < ri->lanes[i].n; j++) {
				struct cap_item *it = &ri->lanes[i].it[j];
				struct weir_task *s = it->staged;
				if (it->what != IT_TASK)
					continue;
				if (it->disable_staged)
					it->disabled = true;
				it->disable_staged = false;
				if (!s)
					continue;
				it->t->u = s->u;
				it->t->nblocks = s->nblocks;
				memcpy(it->t->args, s->args, args_room(it->t));
				weir__task_free(s);
				it->staged = NULL;
			}
	}
	weir_store_release(&ri->updating, 0); /* RI-R4: pairs with ri_enter's load after C9 */
	pthread_mutex_unlock(&ri->lock);
	weir__ri_put(ri);
	return rc;
}
