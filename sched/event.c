/*
 * sched/event.c - events: records, waits that park streams (never workers),
 * host synchronize, timestamps.
 *
 * Two models share one object:
 *  - snapshot (default, ACL "Ex", CUDA): record number g is queued with
 *    rec_gen = g. A wait captures the rec_gen of its call and is satisfied
 *    exactly when record g has completed, so a never-recorded event (gen 0)
 *    is complete, and a later record on another stream never releases a
 *    wait captured for an earlier one.
 *  - FLAG (ACL legacy): a record task sets `flag`, a reset task clears it,
 *    and a wait is satisfied while the flag is set. Records still count
 *    generations, for host synchronize.
 *
 * Completed generations: done_gen is a watermark (every record <= done_gen
 * has completed). Records on one stream complete in order, which is the fast
 * path: CAS done_gen from g-1 to g. A record that completes ahead of an
 * earlier one (re-recorded on another stream) is kept in `early` under the
 * lock until the watermark reaches it.
 *
 * Invariants:
 *  1. done_gen only grows, published with seq_cst after the recording
 *     stream retired the record task and every task before it (stream.c
 *     invariant 7), so a waiter that sees it sees their effects (I3) and
 *     their retirement (a query of that stream then reads them finished).
 *  2. An out-of-order completer announces itself (npending++, seq_cst)
 *     before it reads done_gen under the lock; an in-order completer reads
 *     npending (seq_cst) after its CAS and, if non-zero, takes the lock and
 *     absorbs `early` entries that became contiguous. So no completion is
 *     lost between the two paths.
 *  3. A worker that finds a wait unsatisfied takes `lock`, increments
 *     nparked (seq_cst), re-checks, and only then links the stream and flips
 *     it to PARKED, all before unlocking. A completer publishes (seq_cst) and
 *     then reads nparked (seq_cst); if non-zero it takes `lock` and unparks
 *     every satisfied stream. So a park never misses a record.
 *  4. A parked stream is on exactly one event's list; whoever unlinks it
 *     (the completer or an abort) under `lock` becomes its owner and must
 *     unpark it.
 *  5. Every queued record/wait/reset task holds a reference on its event, so
 *     an event outlives the tasks that name it; the memory is freed after an
 *     RCU grace period, so an abort may read a parked stream's event under
 *     weir__rcu_read_lock().
 *  6. A parking worker publishes park_event (seq_cst) and then reads
 *     abort_until (seq_cst); an abort publishes abort_until (seq_cst) and
 *     then reads park_event (seq_cst). So either the abort finds the park
 *     and takes the stream back under the lock, or the worker sees the
 *     abort and does not park; never neither.
 *  7. Destroy never strands a waiter. Once an event is destroyed no record
 *     can be queued any more, so a wait that is not satisfied when every
 *     record already queued has completed never will be: the event is then
 *     "stranded" (stranded_locked()). weir_event_destroy() (and runtime
 *     teardown) sets `destroyed` under `lock` and, if the event is stranded,
 *     unlinks every parked stream and resumes it; a completer that finds it
 *     stranded does the same. A resumed stream re-runs its wait, and a wait
 *     evaluated under `lock` on a stranded event fails with WEIR_EHANDLE
 *     instead of parking (ACL forbids destroying an event in use). All of
 *     it happens under `lock`, so whichever of destroy, the last completer
 *     and a parking worker comes last sees the others. Waits that a queued
 *     record can still satisfy keep waiting for it; in practice only FLAG
 *     waits ever fail (a snapshot wait's record was queued before it, so
 *     once every record has completed, every snapshot wait is satisfied).
 *  Limits (documented): more than WEIR_EVENT_EARLY records of one event
 *  completing ahead of an earlier one degrade to "newest wins" for the
 *  overflow; host query/sync of a re-recorded event wait for every record up
 *  to the latest (never less than CUDA, sometimes more).
 */
#include "sched/internal.h"

#include <string.h>

/* Lookup, get, ref and put: base/obj.h, instantiated in internal.h. */
void weir__event_free(struct weir_obj *o)
{
	struct weir_event *e = caa_container_of(o, struct weir_event, obj);
	pthread_mutex_destroy(&e->lock);
	weir__free(e);
}

WEIR_API int weir_event_create(weir_runtime_t *rt, uint32_t dev, uint32_t flags, weir_event_t **out)
{
	if (!rt || !out)
		return WEIR_EINVAL;
	if (dev >= rt->ndevices)
		return WEIR_EDEVICE;
	if (flags & ~(WEIR_EVENT_TIMING | WEIR_EVENT_FLAG))
		return WEIR_EINVAL;
	struct weir_event *e = weir__calloc(1, sizeof(*e));
	if (!e)
		return WEIR_ENOMEM;
	e->rt = rt;
	e->dev = dev;
	e->flags = flags;
	weir__ref_init(&e->refs);
	weir__waitq_init(&e->wq);
	pthread_mutex_init(&e->lock, NULL);
	int rc = weir__reg_insert(&e->obj, WEIR_T_EVENT);
	if (rc) {
		pthread_mutex_destroy(&e->lock);
		weir__free(e);
		return rc;
	}
	pthread_mutex_lock(&rt->lock);
	e->rt_next = rt->events;
	if (rt->events)
		rt->events->rt_prev = e;
	rt->events = e;
	pthread_mutex_unlock(&rt->lock);
	*out = weir__event_handle(e);
	return WEIR_OK;
}

static void event_unlist(struct weir_event *e)
{
	struct weir_runtime *rt = e->rt;
	pthread_mutex_lock(&rt->lock);
	if (e->rt_prev)
		e->rt_prev->rt_next = e->rt_next;
	else
		rt->events = e->rt_next;
	if (e->rt_next)
		e->rt_next->rt_prev = e->rt_prev;
	pthread_mutex_unlock(&rt->lock);
}

/* Invariant 3: a parked stream leaves the count under `lock` (relaxed: the
 * lock orders it). */
static inline void nparked_dec_locked(struct weir_event *e)
{
	uint32_t old = weir_fas_relaxed(&e->nparked, 1);
	WEIR_ASSERT(old != 0, "event.c inv 3: nparked counts announced parkers, never below 0");
	(void)old;
}

/* Invariant 7: e is destroyed and every record queued on it has completed,
 * so a wait that is not satisfied now never will be. Caller holds e->lock. */
static bool stranded_locked(struct weir_event *e)
{
#ifdef WEIR_BUSTED_EVENT_DESTROY_STRANDS_WAITERS
	/* Planted bug (testing the tests): a destroyed event never counts as
	 * stranded, so waits on a never-set FLAG event park forever. */
	return false;
#endif
	/* EV-A1: seq_cst - done_gen; pairs with the completers' EV-R2 (invariant
	 * 1), who take this lock after it to resume waiters. rec_gen relaxed:
	 * after the destroy no record is queued any more, except by a call
	 * racing it (a user race: its waiters then fail rather than wait). */
	return e->destroyed &&
	       weir_seq_geq(weir_load_seqcst(&e->done_gen), weir_load_relaxed(&e->rec_gen));
}

/* Invariant 7, destroy side: mark e destroyed; if it is stranded, resume
 * every stream parked on it, so that each re-runs (and fails) its wait.
 * Otherwise the completion of its last queued record does that. */
static void event_release_waiters(struct weir_event *e)
{
	struct weir_stream *wake = NULL;
	pthread_mutex_lock(&e->lock);
	e->destroyed = true;
	while (e->parked && stranded_locked(e)) {
		struct weir_stream *st = e->parked;
		WEIR_ASSERT(weir_load_relaxed(&st->park_event) == e,
		            "event.c inv 4: a parked stream is on the list of the event it names");
		e->parked = st->park_next;
		nparked_dec_locked(e);
		weir_store_relaxed(&st->park_event, NULL);
		st->park_next = wake;
		wake = st;
	}
	pthread_mutex_unlock(&e->lock);
	/* Invariant 4: unlinked streams are ours to resume. */
	while (wake) {
		struct weir_stream *st = wake;
		wake = st->park_next;
		st->park_next = NULL;
		weir__stream_unpark(st);
	}
}

WEIR_API int weir_event_destroy(weir_event_t *h)
{
	weir__rcu_read_lock();
	struct weir_event *e = weir__event_lookup(h);
	bool mine = e && weir__reg_remove(&e->obj);
	weir__rcu_read_unlock();
	if (!mine)
		return WEIR_EHANDLE;
	event_release_waiters(e);
	event_unlist(e);
	weir__event_put(e);
	return WEIR_OK;
}

void weir__event_teardown(struct weir_event *e)
{
	bool mine = weir__reg_remove(&e->obj);
	if (mine)
		event_release_waiters(e);
	event_unlist(e);
	if (mine)
		weir__event_put(e);
}

/* capture.c: a stream that captures records t instead (before any ticket
 * is taken), and a wait on an event recorded in a capture joins it.
 * WEIR_EAGAIN: not captured, queue t. Otherwise t is settled: WEIR_OK
 * (taken) or an error (t freed and its reference dropped here). Inside the
 * read-side section that found st and e. */
static int event_capture(struct weir_stream *st, struct weir_event *e, struct weir_task *t)
{
	/* ST-A9 / CAP-A4: acquire - pair with the capture's publication. */
	if (__builtin_expect(!weir_load_acquire(&st->capture) &&
	                             (t->kind != WEIR_TK_WAIT || !weir_load_acquire(&e->cap)),
	                     1))
		return WEIR_EAGAIN;
	int rc = weir__capture_event(st, e, t);
	if (rc != WEIR_OK && rc != WEIR_EAGAIN) {
		weir__event_put(e);
		weir__task_free(t);
	}
	return rc;
}

/* Queue a record, reset or wait task naming e on stream sh. */
static int event_task(weir_event_t *eh, weir_stream_t *sh, uint8_t kind, int64_t timeout_ns)
{
	struct weir_task *t = weir__task_alloc();
	if (!t)
		return WEIR_ENOMEM;
	weir__rcu_read_lock();
	struct weir_event *e = weir__event_lookup(eh);
	struct weir_obj *so = weir__reg_lookup(sh, WEIR_T_STREAM);
	int rc = WEIR_OK;
	if (!e || !so) {
		rc = WEIR_EHANDLE;
	} else {
		struct weir_stream *st = caa_container_of(so, struct weir_stream, obj);
		if (st->rt != e->rt || (kind != WEIR_TK_WAIT && st->dev->id != e->dev))
			rc = WEIR_EFOREIGN;
		else if (kind == WEIR_TK_RESET && !(e->flags & WEIR_EVENT_FLAG))
			rc = WEIR_ENOTSUP;
		else if (weir_load_relaxed(&st->g->stop_error))
			rc = WEIR_ESTOPPED;
	}
	/* The task's reference (invariant 5). tryref: a destroy that raced
	 * the lookup may already have dropped the last one (obj.h O2). */
	if (!rc && !weir__event_tryref(e))
		rc = WEIR_EHANDLE;
	if (rc) {
		weir__rcu_read_unlock();
		weir__task_free(t);
		return rc;
	}
	t->kind = kind;
	t->nblocks = 1;
	t->u.ev.ev = e;
	memset(t->args, 0, sizeof(struct weir_wait_state));
	WAIT_STATE(t)->timeout_ns = timeout_ns;
	rc = event_capture(caa_container_of(so, struct weir_stream, obj), e, t);
	weir__rcu_read_unlock();
	if (rc != WEIR_EAGAIN)
		return rc;
	if (kind == WEIR_TK_RECORD) {
		/* Relaxed: the generation is only a ticket; completion is
		 * published through done_gen. */
		t->u.ev.gen = weir_faa_relaxed(&e->rec_gen, 1) + 1;
	} else if (kind == WEIR_TK_WAIT) {
		t->u.ev.gen = weir_load_relaxed(&e->rec_gen);
		if (!(e->flags & WEIR_EVENT_FLAG) && t->u.ev.gen == 0) {
			/* Never recorded: complete already, nothing to queue. */
			weir__event_put(e);
			weir__task_free(t);
			return WEIR_OK;
		}
	}
	rc = weir__stream_submit_task(sh, t);
	if (rc) {
		/* Keep the generation sequence whole: a record that could not
		 * be queued counts as complete, so no waiter strands on it. */
		if (kind == WEIR_TK_RECORD)
			weir__event_complete_record(e, t->u.ev.gen);
		weir__event_put(e);
		weir__task_free(t);
	}
	return rc;
}

/* event_task() onto a stream the caller found (weir__stream_find) in the
 * read-side section it still holds: no stream lookup; the same checks in the
 * same order. The admission check (WEIR_ESTOPPED, or WEIR_EAGAIN: full)
 * comes before the record's ticket, so a refused task takes nothing. */
static int event_task_found(weir_event_t *eh, struct weir_stream *st, uint8_t kind,
                            int64_t timeout_ns)
{
	struct weir_task *t = weir__task_alloc();
	if (!t)
		return WEIR_ENOMEM;
	struct weir_event *e = weir__event_lookup(eh);
	int rc;
	if (!e)
		rc = WEIR_EHANDLE;
	else if (st->rt != e->rt || (kind != WEIR_TK_WAIT && st->dev->id != e->dev))
		rc = WEIR_EFOREIGN;
	else if (kind == WEIR_TK_RESET && !(e->flags & WEIR_EVENT_FLAG))
		rc = WEIR_ENOTSUP;
	else
		rc = weir__stream_admit(st);
	/* The task's reference (invariant 5). tryref: a destroy that raced
	 * the lookup may already have dropped the last one (obj.h O2). */
	if (!rc && !weir__event_tryref(e))
		rc = WEIR_EHANDLE;
	if (rc) {
		weir__task_free(t);
		return rc;
	}
	t->kind = kind;
	t->nblocks = 1;
	t->u.ev.ev = e;
	memset(t->args, 0, sizeof(struct weir_wait_state));
	WAIT_STATE(t)->timeout_ns = timeout_ns;
	rc = event_capture(st, e, t);
	if (rc != WEIR_EAGAIN)
		return rc;
	if (kind == WEIR_TK_RECORD) {
		/* Relaxed: a ticket, as in event_task(). */
		t->u.ev.gen = weir_faa_relaxed(&e->rec_gen, 1) + 1;
	} else if (kind == WEIR_TK_WAIT) {
		t->u.ev.gen = weir_load_relaxed(&e->rec_gen);
		if (!(e->flags & WEIR_EVENT_FLAG) && t->u.ev.gen == 0) {
			weir__event_put(e);
			weir__task_free(t); /* never recorded: complete already */
			return WEIR_OK;
		}
	}
	weir__stream_push_admitted(st, t);
	return WEIR_OK;
}

int weir__event_record_found(weir_event_t *e, struct weir_stream *st)
{
	return event_task_found(e, st, WEIR_TK_RECORD, 0);
}

int weir__event_reset_found(weir_event_t *e, struct weir_stream *st)
{
	return event_task_found(e, st, WEIR_TK_RESET, 0);
}

int weir__stream_wait_event_found(struct weir_stream *st, weir_event_t *e)
{
	return event_task_found(e, st, WEIR_TK_WAIT, 0);
}

WEIR_API int weir_event_record(weir_event_t *e, weir_stream_t *s)
{
	return event_task(e, s, WEIR_TK_RECORD, 0);
}

WEIR_API int weir_event_reset(weir_event_t *e, weir_stream_t *s)
{
	return event_task(e, s, WEIR_TK_RESET, 0);
}

WEIR_API int weir_stream_wait_event(weir_stream_t *s, weir_event_t *e)
{
	return event_task(e, s, WEIR_TK_WAIT, 0);
}

WEIR_API int weir_stream_wait_event_timeout(weir_stream_t *s, weir_event_t *e, int64_t timeout_ns)
{
	if (timeout_ns < WEIR_TIMEOUT_INFINITE)
		return WEIR_EINVAL;
	return event_task(e, s, WEIR_TK_WAIT, timeout_ns > 0 ? timeout_ns : 0);
}

/* Is record `gen` complete? `locked`: the caller holds e->lock, so the
 * early set may be consulted. */
static bool satisfied(struct weir_event *e, uint64_t gen, bool locked)
{
	/* EV-A1: seq_cst - sees the completer's publication (invariants 1-3). */
	if (e->flags & WEIR_EVENT_FLAG)
		return weir_load_seqcst(&e->flag) != 0;
	/* EV-A1: seq_cst - invariants 1-3. */
	if (weir_seq_geq(weir_load_seqcst(&e->done_gen), gen))
		return true;
	if (locked)
		for (uint32_t i = 0; i < e->nearly; i++)
			if (e->early[i] == gen)
				return true;
	return false;
}

/* Move done_gen over early entries that became contiguous. Caller holds
 * e->lock. */
static void absorb_locked(struct weir_event *e)
{
	bool moved = true;
	while (moved) {
		moved = false;
		uint64_t d = weir_load_relaxed(&e->done_gen);
		for (uint32_t i = 0; i < e->nearly; i++) {
			if (e->early[i] == d + 1) {
				e->early[i] = e->early[--e->nearly];
				uint32_t np =
				        weir_fas_relaxed(&e->npending, 1); /* relaxed: under lock */
				WEIR_ASSERT(np != 0, "event.c inv 2: every early entry was "
				                     "announced in npending");
				(void)np;
				/* EV-R2: seq_cst - invariant 1. Only lock holders
				 * and the one in-order completer write it, and
				 * that one's CAS expects d. A failure (also a
				 * spurious one: exp == d) falls back to the
				 * store below, which never lowers the mark. */
				uint64_t exp = d;
				if (!weir_cas_seqcst(&e->done_gen, &exp, d + 1))
					/* EV-R2: seq_cst - invariant 1. */
					weir_store_seqcst(&e->done_gen, exp > d + 1 ? exp : d + 1);
				moved = true;
				break;
			}
		}
	}
}

/* Record completion bookkeeping; returns with the watermark up to date. */
static void complete_gen(struct weir_event *e, uint64_t gen)
{
	WEIR_ASSERT(gen != 0, "event.c: record generations start at 1 (0 = never recorded)");
	WEIR_ASSERT(weir_seq_geq(weir_load_relaxed(&e->rec_gen), gen),
	            "event.c: only a queued record (gen <= rec_gen) completes");
	uint64_t exp = gen - 1;
	/* EV-R2: seq_cst - the in-order fast path (invariant 1). */
	if (weir_cas_seqcst(&e->done_gen, &exp, gen) ||
	    (exp == gen - 1 && weir_cas_seqcst(&e->done_gen, &exp, gen))) {
		/* Invariant 2: an announced out-of-order completer may now be
		 * contiguous. */
		if (weir_load_seqcst(&e->npending)) {
			pthread_mutex_lock(&e->lock);
			absorb_locked(e);
			pthread_mutex_unlock(&e->lock);
		}
		return;
	}
	if (weir_seq_geq(exp, gen))
		return; /* already covered */
	pthread_mutex_lock(&e->lock);
	weir_faa_seqcst(&e->npending, 1); /* invariant 2: announce first */
	uint64_t d = weir_load_seqcst(&e->done_gen);
	if (weir_seq_geq(d, gen)) {
		weir_fas_relaxed(&e->npending, 1);
	} else if (d + 1 == gen) {
		weir_fas_relaxed(&e->npending, 1);
		weir_store_seqcst(&e->done_gen, gen); /* EV-R2; the lock orders writers */
		absorb_locked(e);
	} else if (e->nearly < WEIR_EVENT_EARLY) {
		e->early[e->nearly++] = gen;
	} else {
		/* Documented overflow: newest wins for this record. */
		weir_fas_relaxed(&e->npending, 1);
		e->nearly = 0;
		weir_store_relaxed(&e->npending, 0);
		WEIR_ASSERT(!weir_seq_geq(d, gen), "event.c inv 1: done_gen only grows");
		weir_store_seqcst(&e->done_gen, gen); /* EV-R2; the lock orders writers */
	}
	/* Invariant 2: with the lock free, every early entry is announced
	 * (the other paths took their announcement back). */
	WEIR_ASSERT(weir_load_relaxed(&e->npending) == e->nearly,
	            "event.c inv 2: npending counts exactly the early entries");
	WEIR_ASSERT(weir_seq_geq(weir_load_relaxed(&e->done_gen), d),
	            "event.c inv 1: done_gen only grows");
	pthread_mutex_unlock(&e->lock);
}

void weir__event_complete_record(struct weir_event *e, uint64_t gen)
{
	if (e->flags & WEIR_EVENT_TIMING)
		weir_store_relaxed(&e->stamp_ns, weir__now_ns()); /* relaxed: read after done_gen */
	if (e->flags & WEIR_EVENT_FLAG)
		weir_store_seqcst(&e->flag, 1); /* EV-R1: seq_cst - invariant 3 */
	complete_gen(e, gen);
	if (weir_load_seqcst(&e->nparked)) {
		struct weir_stream *wake = NULL;
		pthread_mutex_lock(&e->lock);
		struct weir_stream **pp = &e->parked;
		while (*pp) {
			struct weir_stream *st = *pp;
			/* Invariant 7: a stranded event resumes every waiter. */
			if (satisfied(e, st->park_gen, true) || stranded_locked(e)) {
				WEIR_ASSERT(weir_load_relaxed(&st->park_event) == e,
				            "event.c inv 4: a parked stream is on the list of the "
				            "event it names");
				*pp = st->park_next;
				nparked_dec_locked(e);
				weir_store_relaxed(&st->park_event, NULL);
				st->park_next = wake;
				wake = st;
			} else {
				pp = &st->park_next;
			}
		}
		pthread_mutex_unlock(&e->lock);
		/* Invariant 4: unlinked streams are ours to resume. */
		while (wake) {
			struct weir_stream *st = wake;
			wake = st->park_next;
			st->park_next = NULL;
			weir__stream_unpark(st);
		}
	}
	/* seq_cst: store-then-load of waitq invariant 1 (EV-R2 was seq_cst). */
	weir__waitq_notify(&e->wq, weir_load_seqcst(&e->done_gen));
}

void weir__event_reset_flag(struct weir_event *e)
{
	weir_store_seqcst(&e->flag, 0); /* EV-R4: seq_cst - clears the flag; pairs with EV-A1 */
}

bool weir__event_ready(struct weir_event *e, uint64_t gen)
{
	return satisfied(e, gen, false);
}

int weir__event_try_wait(struct weir_stream *st, struct weir_event *e, uint64_t gen,
                         struct weir_task *t)
{
	if (satisfied(e, gen, false))
		return WEIR_OK;
	if (weir__wait_fired(t))
		return WEIR_EWAITTIMEOUT; /* timer.c P2 */
	pthread_mutex_lock(&e->lock);
	/* Invariant 3: announce, then re-check. */
	weir_faa_seqcst(&e->nparked, 1);
	if (satisfied(e, gen, true)) {
		nparked_dec_locked(e);
		pthread_mutex_unlock(&e->lock);
		return WEIR_OK;
	}
	if (stranded_locked(e)) {
		/* Invariant 7: no record can satisfy this wait any more. */
		WEIR_ASSERT(e->destroyed, "event.c inv 7: only a destroyed event strands a wait");
		nparked_dec_locked(e);
		pthread_mutex_unlock(&e->lock);
		return WEIR_EHANDLE;
	}
	WEIR_ASSERT(weir_load_relaxed(&st->park_event) == NULL,
	            "event.c inv 4: a stream is parked on at most one event");
	st->park_gen = gen;
	st->park_next = e->parked;
	e->parked = st;
	/* EV-R3: seq_cst - publish the park, then look for an abort (invariant
	 * 6); pairs with the abort's seq_cst store of abort_until followed by
	 * its load of park_event (EV-A3). Abort reads e under RCU (invariant 5). */
	weir_store_seqcst(&st->park_event, e);
	/* timer.c P2: a time-out that fired before the park was published. */
	bool timed_out = weir__wait_fired(t);
	if (timed_out ||
	    !weir_seq_geq(weir_load_relaxed(&st->retired), weir_load_seqcst(&st->abort_until))) {
		/* An abort raced the park: back out; the caller discards. */
		e->parked = st->park_next;
		st->park_next = NULL;
		nparked_dec_locked(e);
		weir_store_relaxed(&st->park_event, NULL);
		pthread_mutex_unlock(&e->lock);
		return timed_out ? WEIR_EWAITTIMEOUT : WEIR_OK;
	}
	weir__stream_park(st);
	pthread_mutex_unlock(&e->lock);
	return WEIR_ENOTREADY;
}

bool weir__event_cancel_park(struct weir_stream *st)
{
	/* EV-A3: seq_cst - pairs with EV-R3 (invariant 6). Caller is inside an RCU
	 * section. */
	struct weir_event *e = weir_load_seqcst(&st->park_event);
	if (!e)
		return false;
	bool found = false;
	pthread_mutex_lock(&e->lock);
	for (struct weir_stream **pp = &e->parked; *pp; pp = &(*pp)->park_next) {
		if (*pp == st) {
			WEIR_ASSERT(weir_load_relaxed(&st->park_event) == e,
			            "event.c inv 4: a parked stream is on the list of the event it "
			            "names");
			*pp = st->park_next;
			st->park_next = NULL;
			nparked_dec_locked(e);
			weir_store_relaxed(&st->park_event, NULL);
			found = true;
			break;
		}
	}
	pthread_mutex_unlock(&e->lock);
	return found;
}

WEIR_API int weir_event_query(weir_event_t *h)
{
	weir__rcu_read_lock();
	struct weir_event *e = weir__event_lookup(h);
	int rc = WEIR_EHANDLE;
	struct weir_capture *cap = e ? weir_load_acquire(&e->cap) : NULL; /* CAP-A4 */
	if (cap) {
		rc = weir__capture_refuse(cap); /* capture.c C6 */
	} else if (e) {
		if (e->flags & WEIR_EVENT_FLAG)
			/* EV-A4: acquire - pairs with the completer's EV-R1/EV-R2 (flag, done_gen). */
			rc = weir_load_acquire(&e->flag) ? WEIR_OK : WEIR_ENOTREADY;
		else
			/* EV-A4: acquire - pairs with the completer's EV-R1/EV-R2 (flag, done_gen). */
			rc = weir_seq_geq(weir_load_acquire(&e->done_gen),
			                  weir_load_relaxed(&e->rec_gen))
			             ? WEIR_OK
			             : WEIR_ENOTREADY;
		if (rc == WEIR_ENOTREADY && !(e->flags & WEIR_EVENT_FLAG)) {
			/* The latest record may have completed ahead of an
			 * earlier one: that counts (CUDA semantics). */
			pthread_mutex_lock(&e->lock);
			if (satisfied(e, weir_load_relaxed(&e->rec_gen), true))
				rc = WEIR_OK;
			pthread_mutex_unlock(&e->lock);
		}
	}
	weir__rcu_read_unlock();
	return rc;
}

WEIR_API int weir_event_sync(weir_event_t *h, int64_t timeout_ns)
{
	if (timeout_ns < WEIR_TIMEOUT_INFINITE)
		return WEIR_EINVAL;
	weir__rcu_read_lock();
	struct weir_event *e = weir__event_lookup(h);
	if (!e) {
		weir__rcu_read_unlock();
		return WEIR_EHANDLE;
	}
	struct weir_capture *cap = weir_load_acquire(&e->cap); /* CAP-A4 */
	if (cap) {
		int rc = weir__capture_refuse(cap); /* capture.c C6 */
		weir__rcu_read_unlock();
		return rc;
	}
	uint64_t target = weir_load_relaxed(&e->rec_gen);
	/* EV-A4: acquire - pairs with the completer's EV-R1/EV-R2 (flag, done_gen). */
	if (weir_seq_geq(weir_load_acquire(&e->done_gen), target)) {
		weir__rcu_read_unlock();
		return WEIR_OK;
	}
	if (!weir__event_tryref(e)) { /* destroyed meanwhile (obj.h O2) */
		weir__rcu_read_unlock();
		return WEIR_EHANDLE;
	}
	weir__rcu_read_unlock();
	int rc = weir__waitq_wait(&e->wq, &e->done_gen, target, weir__deadline(timeout_ns), 2000);
	weir__event_put(e);
	return rc;
}

WEIR_API int weir_event_recorded(weir_event_t *h, bool *recorded)
{
	if (!recorded)
		return WEIR_EINVAL;
	weir__rcu_read_lock();
	struct weir_event *e = weir__event_lookup(h);
	if (e)
		*recorded = weir_load_relaxed(&e->rec_gen) != 0;
	weir__rcu_read_unlock();
	return e ? WEIR_OK : WEIR_EHANDLE;
}

WEIR_API int weir_event_timestamp(weir_event_t *h, uint64_t *ns)
{
	if (!ns)
		return WEIR_EINVAL;
	weir__rcu_read_lock();
	struct weir_event *e = weir__event_lookup(h);
	int rc = WEIR_EHANDLE;
	if (e) {
		if (!(e->flags & WEIR_EVENT_TIMING)) {
			rc = WEIR_ENOTSUP;
		} else if (weir_load_acquire(&e->done_gen) ==
		           0) { /* EV-A4: acquire - pairs with EV-R2 */
			rc = WEIR_ENOTREADY;
		} else {
			*ns = weir_load_relaxed(&e->stamp_ns);
			rc = WEIR_OK;
		}
	}
	weir__rcu_read_unlock();
	return rc;
}

WEIR_API int weir_event_elapsed(weir_event_t *start, weir_event_t *end, float *ms)
{
	if (!ms)
		return WEIR_EINVAL;
	/* Both handles are checked before either event's state. */
	weir__rcu_read_lock();
	bool valid = weir__event_lookup(start) && weir__event_lookup(end);
	weir__rcu_read_unlock();
	if (!valid)
		return WEIR_EHANDLE;
	uint64_t a, b;
	int rc = weir_event_timestamp(start, &a);
	if (rc)
		return rc;
	rc = weir_event_timestamp(end, &b);
	if (rc)
		return rc;
	*ms = (float)((double)(int64_t)(b - a) / 1e6);
	return WEIR_OK;
}
