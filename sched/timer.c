/*
 * sched/timer.c - the runtime's timer, and the park lists that notify and
 * value waits park streams on.
 *
 * The timer. One thread per runtime, started by the first weir__timer_add().
 * Entries live in a binary min-heap ordered by deadline, under `lock`. The
 * thread sleeps on a condition variable (CLOCK_MONOTONIC) until the earliest
 * deadline; an add that becomes the new earliest signals it. No polling:
 * with nothing queued the thread sleeps until an add or the runtime's
 * teardown. A due entry is removed and its callback runs on the timer thread
 * WITH `lock` held, so that weir__timer_cancel() (which takes the lock) only
 * returns once the entry is neither queued nor running: after it, the
 * entry's memory may be reused (wait tasks embed their entry in the task
 * record, sched/internal.h WAIT_STATE).
 *
 * Invariants:
 *  T1. An entry is queued iff idx != WEIR_TIMER_IDLE, and then heap[idx] is
 *      the entry; every field of a queued entry is guarded by `lock`.
 *  T2. heap[i].deadline >= heap[(i-1)/2].deadline for every i > 0.
 *  T3. A callback runs with `lock` held and may take any lock the timer is
 *      never taken under (event locks, park-list locks, ready queues): no
 *      code takes the timer lock while holding one of those.
 *
 * Park lists (struct weir_parklist). A stream parks on a list with the same
 * Dekker-style protocol as on an event (event.c invariant 3):
 *  P1. A parker takes `lock`, increments n (seq_cst), re-checks its
 *      condition, links the stream, publishes park_pl (seq_cst) and only then
 *      reads its wait's `fired` flag and the stream's abort_until; a waker
 *      publishes its state change (seq_cst) and then reads n (seq_cst), and
 *      takes the lock to resume parked streams when n != 0. So no change that
 *      satisfies a parker is lost.
 *  P2. A timed-out wait sets `fired` (seq_cst) and then reads park_pl
 *      (seq_cst); with P1 either the parker sees `fired` and does not park,
 *      or the timer finds the stream on the list under `lock` and takes it.
 *  P3. Whoever unlinks a parked stream under `lock` (a waker, the timer, an
 *      abort) owns it and must resume it (weir__stream_unpark).
 */
#include "sched/internal.h"

#include <errno.h>
#include <string.h>

#define WEIR_TIMER_IDLE UINT32_MAX

struct weir_timer {
	pthread_mutex_t lock;
	pthread_cond_t cv;              /* the thread sleeps here */
	struct weir_timer_entry **heap; /* L(lock) */
	uint32_t n, cap;                /* L(lock) */
	bool started;                   /* L(lock) */
	bool stopping;                  /* L(lock) */
	pthread_t thread;               /* L(lock) */
	struct weir_runtime *rt;        /* I */
};

static void heap_swap(struct weir_timer *tm, uint32_t a, uint32_t b)
{
	struct weir_timer_entry *x = tm->heap[a];
	tm->heap[a] = tm->heap[b];
	tm->heap[b] = x;
	tm->heap[a]->idx = a;
	tm->heap[b]->idx = b;
}

static void heap_up(struct weir_timer *tm, uint32_t i)
{
	while (i > 0) {
		uint32_t p = (i - 1) / 2;
		if (tm->heap[p]->deadline <= tm->heap[i]->deadline)
			break;
		heap_swap(tm, i, p);
		i = p;
	}
}

static void heap_down(struct weir_timer *tm, uint32_t i)
{
	for (;;) {
		uint32_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < tm->n && tm->heap[l]->deadline < tm->heap[m]->deadline)
			m = l;
		if (r < tm->n && tm->heap[r]->deadline < tm->heap[m]->deadline)
			m = r;
		if (m == i)
			return;
		heap_swap(tm, i, m);
		i = m;
	}
}

/* Remove heap[i] (lock held). */
static void heap_remove(struct weir_timer *tm, uint32_t i)
{
	struct weir_timer_entry *e = tm->heap[i];
	WEIR_ASSERT(e->idx == i, "timer.c T1: a queued entry knows its heap slot");
	tm->n--;
	if (i != tm->n) {
		tm->heap[i] = tm->heap[tm->n];
		tm->heap[i]->idx = i;
		heap_down(tm, i);
		heap_up(tm, i);
	}
	e->idx = WEIR_TIMER_IDLE;
}

static void *timer_main(void *arg)
{
	struct weir_timer *tm = arg;
	pthread_mutex_lock(&tm->lock);
	while (!tm->stopping) {
		if (tm->n == 0) {
			pthread_cond_wait(&tm->cv, &tm->lock);
			continue;
		}
		uint64_t now = weir__now_ns();
		struct weir_timer_entry *e = tm->heap[0];
		if (e->deadline > now) {
			struct timespec ts = { .tv_sec = (time_t)(e->deadline / 1000000000u),
				               .tv_nsec = (long)(e->deadline % 1000000000u) };
			pthread_cond_timedwait(&tm->cv, &tm->lock, &ts);
			continue;
		}
		heap_remove(tm, 0);
		/* T3: the callback runs under the lock, so a cancel waits for it. */
		weir__rcu_read_lock();
		uint64_t again = e->fn(e);
		weir__rcu_read_unlock();
		if (again && tm->n < tm->cap) { /* e just left the heap: room */
			e->deadline = again;
			e->idx = tm->n;
			tm->heap[tm->n++] = e;
			heap_up(tm, e->idx);
		}
	}
	pthread_mutex_unlock(&tm->lock);
	return NULL;
}

int weir__timer_init(struct weir_runtime *rt)
{
	struct weir_timer *tm = weir__calloc(1, sizeof(*tm));
	if (!tm)
		return WEIR_ENOMEM;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&tm->cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&tm->lock, NULL);
	tm->rt = rt;
	rt->timer = tm;
	return WEIR_OK;
}

void weir__timer_fini(struct weir_runtime *rt)
{
	struct weir_timer *tm = rt->timer;
	if (!tm)
		return;
	pthread_mutex_lock(&tm->lock);
	tm->stopping = true;
	bool started = tm->started;
	pthread_cond_signal(&tm->cv);
	pthread_mutex_unlock(&tm->lock);
	if (started)
		pthread_join(tm->thread, NULL);
	pthread_cond_destroy(&tm->cv);
	pthread_mutex_destroy(&tm->lock);
	weir__free(tm->heap);
	weir__free(tm);
	rt->timer = NULL;
}

void weir__timer_entry_init(struct weir_timer_entry *e, uint64_t (*fn)(struct weir_timer_entry *))
{
	e->deadline = 0;
	e->idx = WEIR_TIMER_IDLE;
	e->fn = fn;
}

int weir__timer_add(struct weir_runtime *rt, struct weir_timer_entry *e, uint64_t deadline)
{
	struct weir_timer *tm = rt->timer;
	int rc = WEIR_OK;
	pthread_mutex_lock(&tm->lock);
	WEIR_ASSERT(e->idx == WEIR_TIMER_IDLE, "timer.c T1: an entry is queued at most once");
	if (tm->stopping) {
		rc = WEIR_ESTATE;
		goto out;
	}
	if (!tm->started) {
		if (pthread_create(&tm->thread, NULL, timer_main, tm) != 0) {
			rc = WEIR_ENOMEM;
			goto out;
		}
		tm->started = true;
	}
	if (tm->n == tm->cap) {
		uint32_t cap = tm->cap ? tm->cap * 2 : 16;
		struct weir_timer_entry **h = weir__realloc(tm->heap, cap * sizeof(*h));
		if (!h) {
			rc = WEIR_ENOMEM;
			goto out;
		}
		tm->heap = h;
		tm->cap = cap;
	}
	e->deadline = deadline;
	e->idx = tm->n;
	tm->heap[tm->n++] = e;
	heap_up(tm, e->idx);
	if (e->idx == 0)
		pthread_cond_signal(&tm->cv); /* a new earliest deadline */
out:
	pthread_mutex_unlock(&tm->lock);
	return rc;
}

bool weir__timer_cancel(struct weir_runtime *rt, struct weir_timer_entry *e)
{
	struct weir_timer *tm = rt->timer;
	pthread_mutex_lock(&tm->lock);
	bool queued = e->idx != WEIR_TIMER_IDLE;
	if (queued)
		heap_remove(tm, e->idx);
	pthread_mutex_unlock(&tm->lock);
	return queued;
}

/* ------------------------------------------------------------------------ */
/* Timed waits                                                               */
/* ------------------------------------------------------------------------ */

/* P2: the deadline passed. Take the stream back from whatever it is parked
 * on; the resumed stream re-runs its wait, sees `fired` and fails it. */
static uint64_t wait_fire(struct weir_timer_entry *te)
{
	struct weir_wait_state *ws = caa_container_of(te, struct weir_wait_state, tm);
	/* WT-R1: seq_cst - P2, then read where the stream is parked; pairs with
	 * the parkers' WT-A1 loads after their seq_cst park publication. */
	weir_store_seqcst(&ws->fired, 1);
	struct weir_stream *st = ws->st;
	if (weir__event_cancel_park(st) || weir__parklist_cancel(st))
		weir__stream_unpark(st);
	return 0;
}

int weir__wait_arm(struct weir_stream *st, struct weir_task *t)
{
	struct weir_wait_state *ws = WAIT_STATE(t);
	if (ws->timeout_ns <= 0 || ws->armed)
		return WEIR_OK;
#ifdef WEIR_BUSTED_WAIT_TIMER_UNARMED
	(void)st; /* planted: the time-out is accepted but never armed */
	return WEIR_OK;
#endif
	weir__timer_entry_init(&ws->tm, wait_fire);
	ws->st = st;
	weir_store_relaxed(&ws->fired, 0); /* relaxed: not yet visible to the timer */
	int rc = weir__timer_add(st->rt, &ws->tm, weir__deadline(ws->timeout_ns));
	if (rc == WEIR_OK)
		ws->armed = true;
	return rc;
}

bool weir__wait_fired(struct weir_task *t)
{
	/* WT-A1: seq_cst - pairs with WT-R1 (P2). */
	return weir_load_seqcst(&WAIT_STATE(t)->fired) != 0;
}

void weir__wait_disarm(struct weir_stream *st, struct weir_task *t)
{
	struct weir_wait_state *ws = WAIT_STATE(t);
	if (!ws->armed)
		return;
	weir__timer_cancel(st->rt, &ws->tm);
	ws->armed = false;
}

/* ------------------------------------------------------------------------ */
/* Park lists                                                                */
/* ------------------------------------------------------------------------ */

void weir__parklist_init(struct weir_parklist *pl)
{
	pthread_mutex_init(&pl->lock, NULL);
	pl->head = NULL;
	atomic_init(&pl->n, 0);
}

void weir__parklist_fini(struct weir_parklist *pl)
{
	WEIR_ASSERT(pl->head == NULL, "timer.c P3: a park list is empty when it goes away");
	pthread_mutex_destroy(&pl->lock);
}

static void pl_unlink_locked(struct weir_parklist *pl, struct weir_stream **pp)
{
	struct weir_stream *st = *pp;
	*pp = st->park_next;
	st->park_next = NULL;
	uint32_t old = weir_fas_relaxed(&pl->n, 1); /* relaxed: under lock */
	WEIR_ASSERT(old != 0, "timer.c P1: n counts announced parkers");
	(void)old;
	weir_store_relaxed(&st->park_pl, NULL);
}

int weir__parklist_park(struct weir_parklist *pl, struct weir_stream *st, struct weir_task *t,
                        bool (*ready)(struct weir_stream *, struct weir_task *))
{
	pthread_mutex_lock(&pl->lock);
	weir_faa_seqcst(&pl->n, 1); /* P1: announce, then re-check */
	if (ready(st, t)) {
		weir_fas_relaxed(&pl->n, 1);
		pthread_mutex_unlock(&pl->lock);
		return WEIR_OK;
	}
	WEIR_ASSERT(weir_load_relaxed(&st->park_pl) == NULL,
	            "timer.c P3: a stream is parked on at most one list");
	/* Append: waiters are resumed in the order they parked. */
	struct weir_stream **pp = &pl->head;
	while (*pp)
		pp = &(*pp)->park_next;
	st->park_next = NULL;
	*pp = st;
	/* WT-R2: seq_cst - P1/P2: publish the park, then read `fired` (WT-A1)
	 * and abort_until; pairs with WT-R1 and with the abort's ST-R2. */
	weir_store_seqcst(&st->park_pl, pl);
	bool timed_out = weir__wait_fired(t);
	if (timed_out ||
	    !weir_seq_geq(weir_load_relaxed(&st->retired), weir_load_seqcst(&st->abort_until))) {
		pl_unlink_locked(pl, pp);
		pthread_mutex_unlock(&pl->lock);
		return timed_out ? WEIR_EWAITTIMEOUT : WEIR_OK;
	}
	weir__stream_park(st);
	pthread_mutex_unlock(&pl->lock);
	return WEIR_ENOTREADY;
}

void weir__parklist_wake(struct weir_parklist *pl, uint32_t max,
                         bool (*ready)(struct weir_stream *, struct weir_task *))
{
	/* P1: the caller published its change (seq_cst) before this load. */
	if (weir_load_seqcst(&pl->n) == 0)
		return;
	struct weir_stream *wake = NULL, **tail = &wake;
	pthread_mutex_lock(&pl->lock);
	struct weir_stream **pp = &pl->head;
	while (*pp && max) {
		struct weir_stream *st = *pp;
		/* The parked stream's head is its wait task (O fields handed
		 * over through this lock, P3). */
		if (ready(st, st->head)) {
			pl_unlink_locked(pl, pp);
			*tail = st;
			tail = &st->park_next;
			max--;
		} else {
			pp = &st->park_next;
		}
	}
	pthread_mutex_unlock(&pl->lock);
	while (wake) { /* P3: ours to resume */
		struct weir_stream *st = wake;
		wake = st->park_next;
		st->park_next = NULL;
		weir__stream_unpark(st);
	}
}

bool weir__parklist_cancel(struct weir_stream *st)
{
	/* WT-A2: seq_cst - pairs with WT-R2 (P2, and the abort's ST-R2 order). */
	struct weir_parklist *pl = weir_load_seqcst(&st->park_pl);
	if (!pl)
		return false;
	bool found = false;
	pthread_mutex_lock(&pl->lock);
	for (struct weir_stream **pp = &pl->head; *pp; pp = &(*pp)->park_next) {
		if (*pp == st) {
			pl_unlink_locked(pl, pp);
			found = true;
			break;
		}
	}
	pthread_mutex_unlock(&pl->lock);
	return found;
}
