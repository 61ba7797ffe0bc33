/*
 * sched/stream.c - streams: the lock-free multi-producer queue, the worker's
 * run loop, synchronize, abort and destroy.
 *
 * The queue. A stream is one word, `top`: a Treiber stack of submitted task
 * records (the inbox) whose two low bits hold the stream's state. Producers
 * push a fully written record with ONE compare-and-swap; the owner takes the
 * whole inbox with one exchange and reverses it into its private FIFO.
 *
 * Why not ck_ring's reserve/commit: a multi-producer ring linearizes a
 * producer at its reservation but publishes at its commit, and ck's commit
 * waits for every earlier reservation. A producer preempted between the two
 * (with 64 producers on 2 cores, the common case) stalls every later producer
 * and the consumer for a whole time slice. Here the linearization point and
 * the publication are the same CAS, so a preempted producer has either not
 * submitted yet or is already done: nobody ever waits for it.
 *
 * Why `top` is not base/mpsc.h's stack (the one exception): the same CAS
 * that pushes also reads and flips the state bits (IDLE -> QUEUED), and the
 * owner's give-up (invariant 3) is a CAS on the pair (empty inbox, RUNNING).
 * Split into a stack plus a state word, "push, then see IDLE" would be two
 * atomics and a producer could miss an owner going idle (a lost wake-up).
 * The taken list is reversed as base/mpsc.h's weir__tasks_reverse does, plus
 * the producers' prefetch hints (stream_reverse, "Reversal hints").
 *
 * Invariants:
 *  1. Only producers add records, and only at the top; they never change the
 *     state bits except IDLE -> QUEUED, in the same CAS as their push.
 *  2. Only the owner (the thread holding the stream RUNNING, or the
 *     callback thread / reporter that holds it PARKED) removes records, and
 *     always the whole inbox at once (exchange), so there is no ABA.
 *  3. The owner gives the stream up with a CAS from (empty | RUNNING) to
 *     IDLE, which fails if anything was pushed meanwhile; after it succeeds
 *     the owner never touches the stream again.
 *  4. Per-stream order is the order in which the producers' CASes linearize;
 *     a single producer's tasks run in the order it submitted them.
 *  5. `retired` counts finished tasks (ran, failed or discarded) in FIFO
 *     order and only the owner writes it; `submitted` is incremented before
 *     the push, so submitted - retired >= 0 whenever it is read.
 *  6. Capacity is checked before the increment: it is exact for one
 *     producer and exceeded by at most (concurrent producers - 1), plus one
 *     for the reclaim task of a force-destroy (invariant 8).
 *  7. A record task is retired (retired = r, ST-R3) BEFORE its event completes,
 *     so whoever sees the event complete sees the stream's retired count
 *     include the record and every task before it (an event sync followed by
 *     a query of the stream never reads NOT_READY for a stream whose last
 *     task was that record). For the converse (a stream seen complete has
 *     completed its events) the owner announces the record in `publishing`
 *     (= r, ST-R8) before ST-R3 and clears it (ST-R9) after the event completed; a
 *     host sync or query that sees retired >= target waits while
 *     `publishing` holds a value <= target (stream_settle). The wait is
 *     bounded by the owner's progress through one event completion.
 *  8. Force-destroy unpublishes the handle, waits a grace period (no launch
 *     can push after it) and pushes one WEIR_TK_RECLAIM task, bypassing the
 *     STOP and capacity checks. Tasks before it run or are discarded exactly
 *     as on a live stream; the owner that reaches it retires it, unlinks the
 *     stream from its group and drops the handle's reference, and returns
 *     without touching the stream again. A stream parked when destroyed gets
 *     there once released (event, callback, or weir_group_destroy_force(),
 *     which aborts it).
 *  9. Every kernel task leaves through weir__stream_retire (run, failed or
 *     discarded: abort, STOP, destroy_force, runtime destroy), so its
 *     release (weir_launch_release) runs there exactly once, on the owner,
 *     before the retirement (ST-R3) is published: a sync that returns has
 *     seen every release of the tasks it waited for. A launch that fails
 *     queues nothing and calls no release.
 * 10. Stop (weir_stream_stop), the word `halt` (internal.h WEIR__HALT_*):
 *       NONE --stop--> REQ --holder--> STOPPED --abort/destroy--> NONE
 *       REQ --abort--> RELEASE --owner--> NONE;  RELEASE --stop--> REQ
 *     Bit 0 (REQ, RELEASE): the task running now stops; a kernel skips its
 *     blocks not started (device.c invariant 7) and retires with
 *     WEIR_EHALTED. The RUNNING owner reads the word before each task (one
 *     an abort covers is discarded first, as always) and before going
 *     IDLE: at REQ it parks the stream (RUNNING -> PARKED,
 *     keeping the inbox: queued tasks stay queued) and, holding it, CASes
 *     REQ -> STOPPED (ST-R10); at RELEASE it CASes RELEASE -> NONE and goes
 *     on. The stopper itself holds the stream when it claims it IDLE (CAS
 *     IDLE -> PARKED, ST-A7) or cancels its park on an event or park list,
 *     and does the same CAS. A STOPPED stream is PARKED and nobody holds it:
 *     only a CAS STOPPED -> NONE (abort, ST-AR11) takes it, after
 *     abort_until (ST-R2) covers every task submitted so far, and resumes
 *     it. A holder whose CAS finds RELEASE (an abort came first) resumes
 *     it. So a worker never waits for a stop, a stopped stream runs no task,
 *     and nothing but abort, destroy (which aborts a stopped stream: its
 *     tasks are discarded and counted) or destroy_force (the same, before
 *     its reclaim task) takes it out of STOPPED. A stop that races an owner
 *     going IDLE, or a park, leaves REQ on a stream with no task running;
 *     its next owner parks it before running anything.
 *
 * Concurrency table:
 *            push   run   sync   abort  destroy          destroy_force
 *   push      yes   yes   yes    yes    races resolve by RCU: lands or EHANDLE
 *   run        -    no*   yes    yes    destroy waits    the owner reclaims
 *                                       for IDLE         (invariant 8)
 *   (* one owner at a time by construction)
 */
#include "sched/internal.h"

#include <sched.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Stream ids (weir_stream_id): relaxed, only uniqueness matters. */
static _Atomic uint32_t weir_stream_next_id;

/* The calling thread's OS id and the id of its last submitted task
 * (weir_thread_last_task); thread-local, so no ordering is involved. */
static _Thread_local uint32_t weir_tls_tid;
static _Thread_local uint32_t weir_tls_last_task;

static uint32_t stream_thread_id(void)
{
	if (!weir_tls_tid)
		weir_tls_tid = (uint32_t)syscall(SYS_gettid);
	return weir_tls_tid;
}

/* ST-A5: acquire - counts every launch whose push this thread has seen;
 * pairs with ST-R1 (the increment precedes the push). The one place it is
 * read with that meaning: every host-side target comes from here. */
static inline uint64_t stream_submitted(struct weir_stream *st)
{
	return weir_load_acquire(&st->submitted);
}

/* Lookup, get, ref and put: base/obj.h, instantiated in internal.h. */
void weir__stream_free(struct weir_obj *o)
{
	struct weir_stream *st = caa_container_of(o, struct weir_stream, obj);
	struct weir_group *g = st->g;
	weir__free(st);
	weir__group_put(g);
}

/* ------------------------------------------------------------------------ */
/* Create / destroy                                                          */
/* ------------------------------------------------------------------------ */

static uint32_t clamp_priority(int priority)
{
	return priority < WEIR_PRIORITY_HIGHEST  ? WEIR_PRIORITY_HIGHEST
	       : priority > WEIR_PRIORITY_LOWEST ? WEIR_PRIORITY_LOWEST
	                                         : (uint32_t)priority;
}

WEIR_API int weir_stream_create(weir_group_t *gh, int priority, uint32_t flags, weir_stream_t **out)
{
	if (!out)
		return WEIR_EINVAL;
	struct weir_stream *st = weir__aligned_alloc(WEIR_CACHELINE, sizeof(*st));
	if (!st)
		return WEIR_ENOMEM;
	memset(st, 0, sizeof(*st));
	weir_store_relaxed(&st->prio, clamp_priority(priority)); /* relaxed: not yet published */
	st->flags = flags & WEIR_STREAM_FAST_SYNC;
	st->id = weir_faa_relaxed(&weir_stream_next_id, 1) + 1;
	atomic_init(&st->top, WEIR_ST_IDLE);
	weir__ref_init(&st->refs);
	weir__waitq_init(&st->wq);

	/* The whole create runs in one read-side section so that a racing
	 * group destroy (remove, synchronize, drain) sees this stream linked. */
	weir__rcu_read_lock();
	struct weir_group *g = weir__group_lookup(gh);
	if (!g) {
		weir__rcu_read_unlock();
		weir__free(st);
		return WEIR_EHANDLE;
	}
	st->g = g;
	st->dev = g->dev;
	st->rt = g->rt;
	st->capacity = g->rt->cfg.ring_capacity;
	/* One producer admitted per 1/16 of the capacity drained, once less
	 * than 3/4 of it is queued (sync.h G2). */
	weir__gate_init(&st->room, st->capacity / 16, st->capacity / 4 * 3);
	/* Relaxed: the device's float mode for streams created from now on. */
	if (weir_load_relaxed(&g->dev->float_mode) == WEIR_FLOAT_SATURATION)
		weir_store_relaxed(&st->fp, WEIR__FP_SATURATE);
	int rc = weir__reg_insert(&st->obj, WEIR_T_STREAM);
	if (rc) {
		weir__rcu_read_unlock();
		weir__free(st);
		return rc;
	}
	weir__group_ref(g); /* the stream's reference; RCU holds g (obj.h O2) */
	pthread_mutex_lock(&g->lock);
	st->g_next = g->streams;
	if (g->streams)
		g->streams->g_prev = st;
	g->streams = st;
	pthread_mutex_unlock(&g->lock);
	weir__rcu_read_unlock();
	*out = weir__stream_handle(st);
	return WEIR_OK;
}

/* ------------------------------------------------------------------------ */
/* Stop (invariant 10)                                                       */
/* ------------------------------------------------------------------------ */

/* Whether st is stopped or a stop is pending for it (REQ or STOPPED). After
 * the grace period of a destroy no stop can start any more. */
static bool stream_stopped(struct weir_stream *st)
{
	/* ST-A8: acquire - pairs with ST-R10/ST-R11; the word only decides
	 * whether to abort, which re-reads it by CAS. */
	uint32_t h = weir_load_acquire(&st->halt);
	return h == WEIR__HALT_REQ || h == WEIR__HALT_STOPPED;
}

/* The caller holds st PARKED after it saw REQ (invariant 10): publish it
 * STOPPED, or resume it if an abort withdrew the stop meanwhile. The caller
 * never touches st afterwards. */
static void stream_halt_held(struct weir_stream *st)
{
	WEIR_ASSERT(WEIR_ST_STATE(weir_load_relaxed(&st->top)) == WEIR_ST_PARKED,
	            "stream.c inv 10: only the holder of a PARKED stream stops it");
	uint32_t h = weir_load_relaxed(&st->halt);
	for (;;) {
		WEIR_ASSERT(h == WEIR__HALT_REQ || h == WEIR__HALT_RELEASE,
		            "stream.c inv 10: while a holder has it, only stop and abort move the "
		            "word (REQ <-> RELEASE)");
		if (h != WEIR__HALT_REQ) {
			weir__stream_unpark(st);
			return;
		}
		/* ST-R10: seq_cst - hands the PARKED stream (its owner fields)
		 * to the abort that takes it (ST-AR11); stored before the wake
		 * (sync.h waitq invariant 5), read by syncs (WQ-A3). */
		if (weir_cas_seqcst(&st->halt, &h, WEIR__HALT_STOPPED)) {
			weir__waitq_wake(&st->wq);
			return;
		}
	}
}

/* The RUNNING owner, before each task and before going IDLE: true if a stop
 * is pending (the caller then calls stream_halt_owner and returns); clears a
 * withdrawn one. */
static bool stream_halt_check(struct weir_stream *st)
{
	/* Relaxed: a task pushed after the stop returned was taken through
	 * ST-A1, which orders the request (ST-R11) before this load. */
	uint32_t h = weir_load_relaxed(&st->halt);
	/* Relaxed: RELEASE -> NONE publishes nothing (the abort's discard
	 * travels through ST-R2 / ST-A2). */
	while (h == WEIR__HALT_RELEASE && !weir_cas_relaxed(&st->halt, &h, WEIR__HALT_NONE))
		;
	WEIR_ASSERT(h != WEIR__HALT_STOPPED, "stream.c inv 10: a STOPPED stream has no owner");
	return h == WEIR__HALT_REQ;
}

static void stream_halt_owner(struct weir_stream *st, struct weir_task_batch *batch)
{
	weir__task_batch_flush(batch);
	weir__stream_park(st);
	stream_halt_held(st);
}

WEIR_API int weir_stream_stop(weir_stream_t *h)
{
	/* One read-side section: a destroy's grace period (teardown,
	 * destroy_force) ends after every stop that found the handle. */
	weir__rcu_read_lock();
	struct weir_stream *st = weir__stream_lookup(h);
	if (!st) {
		weir__rcu_read_unlock();
		return WEIR_EHANDLE;
	}
	uint32_t cur = weir_load_relaxed(&st->halt);
	/* ST-R11: seq_cst - the request, read by owners and kernel runners
	 * (relaxed, before each task and block); ordered before the park
	 * checks below, like ST-R2. */
	while (cur != WEIR__HALT_REQ && cur != WEIR__HALT_STOPPED &&
	       !weir_cas_seqcst(&st->halt, &cur, WEIR__HALT_REQ))
		;
	if (cur != WEIR__HALT_STOPPED) {
		/* Hold the stream if nobody owns it: IDLE (ST-A7: acquire -
		 * takes over from the last owner's ST-R4), or parked on an
		 * event or park list. Otherwise its owner or the thread that
		 * resumes it stops it. */
		uintptr_t w = WEIR_ST_IDLE;
		bool mine = weir_cas_acquire(&st->top, &w, (uintptr_t)WEIR_ST_PARKED);
		if (!mine && WEIR_ST_STATE(w) == WEIR_ST_PARKED)
			mine = weir__event_cancel_park(st) || weir__parklist_cancel(st);
		if (mine)
			stream_halt_held(st);
	}
	weir__rcu_read_unlock();
	return WEIR_OK;
}

/* Discard everything submitted so far that has not started; `report`: the
 * next sync says WEIR_EABORTED (not for the discard of a stopped stream's
 * destroy, which nobody asked to abort). */
static void stream_abort(struct weir_stream *st, bool report)
{
	uint64_t sub = stream_submitted(st);
	uint64_t cur = weir_load_relaxed(&st->abort_until);
	/* ST-R2: seq_cst - a monotonic max, ordered before the park checks below
	 * (event.c invariant 6, reporter.c invariant 4); the owner's acquire load
	 * (ST-A2 in should_discard) sees it. */
	while (!weir_seq_geq(cur, sub) && !weir_cas_seqcst(&st->abort_until, &cur, sub))
		;
	if (report)
		weir_store_relaxed(&st->aborted, 1); /* relaxed: read by a later sync */
	/* Invariant 10: withdraw a pending stop, or take a STOPPED stream. */
	bool claimed = false;
	uint32_t h = weir_load_relaxed(&st->halt);
	while (h == WEIR__HALT_REQ || h == WEIR__HALT_STOPPED) {
		uint32_t to = h == WEIR__HALT_REQ ? WEIR__HALT_RELEASE : WEIR__HALT_NONE;
		/* ST-AR11: seq_cst - taking STOPPED acquires the holder's
		 * ST-R10 (its owner fields); after ST-R2, so the owner that
		 * resumes it discards every task submitted so far. */
		if (weir_cas_seqcst(&st->halt, &h, to)) {
			claimed = h == WEIR__HALT_STOPPED;
			break;
		}
	}
	weir__rcu_read_lock();
	bool mine = claimed || weir__event_cancel_park(st) || weir__parklist_cancel(st);
	weir__rcu_read_unlock();
	if (mine)
		weir__stream_unpark(st);
	else
		weir__reporter_cancel(st); /* parked on a callback nobody runs yet */
}

void weir__stream_abort(struct weir_stream *st)
{
	stream_abort(st, true);
}

/* Unlink a stream that is done from its group and drop the handle's
 * reference. The caller never touches st afterwards. */
static void stream_unlink_put(struct weir_stream *st)
{
	struct weir_group *g = st->g;
	pthread_mutex_lock(&g->lock);
	if (st->g_prev)
		st->g_prev->g_next = st->g_next;
	else
		g->streams = st->g_next;
	if (st->g_next)
		st->g_next->g_prev = st->g_prev;
	pthread_mutex_unlock(&g->lock);
	weir__stream_put(st);
}

void weir__stream_teardown(struct weir_stream *st, bool force)
{
	/* Launches that looked the handle up have finished pushing. */
	weir__rcu_synchronize();
	if (force || stream_stopped(st))
		stream_abort(st, force);
	uint64_t target = stream_submitted(st);
	weir__waitq_wait(&st->wq, &st->retired, target, UINT64_MAX, 0);
	/* Invariant 3: the owner's last act is the CAS to IDLE. The wait is
	 * bounded by the owner's progress from its final retire to that CAS. */
	ck_backoff_t bo = CK_BACKOFF_INITIALIZER;
	uint32_t round = 0;
	/* ST-A3: acquire - pairs with the owner's release CAS to IDLE (ST-R4). */
	while (weir_load_acquire(&st->top) != WEIR_ST_IDLE)
		weir__backoff(&bo, &round);
	/* Unpublished, drained and IDLE: nothing can be in flight any more. */
	WEIR_ASSERT(weir_load_relaxed(&st->retired) == weir_load_relaxed(&st->submitted),
	            "stream.c inv 5/8: a torn-down stream has retired every task it accepted");
	WEIR_ASSERT(st->head == NULL, "stream.c inv 3: an IDLE stream's private FIFO is empty");
	stream_unlink_put(st);
}

static void stream_push_unchecked(struct weir_stream *st, struct weir_task *t);

WEIR_API int weir_stream_destroy(weir_stream_t *h)
{
	weir__rcu_read_lock();
	struct weir_stream *st = weir__stream_lookup(h);
	bool mine = st && weir__reg_remove(&st->obj);
	weir__rcu_read_unlock();
	if (!mine)
		return WEIR_EHANDLE;
	weir__stream_teardown(st, false);
	return WEIR_OK;
}

WEIR_API int weir_stream_destroy_force(weir_stream_t *h)
{
	/* Allocate first: a failure leaves the stream as it was. */
	struct weir_task *t = weir__task_alloc();
	if (!t)
		return WEIR_ENOMEM;
	weir__rcu_read_lock();
	struct weir_stream *st = weir__stream_lookup(h);
	bool mine = st && weir__reg_remove(&st->obj);
	weir__rcu_read_unlock();
	if (!mine) {
		weir__task_free(t);
		return WEIR_EHANDLE;
	}
	/* Invariant 8: launches that looked the handle up have pushed. */
	weir__rcu_synchronize();
	/* Invariant 10: a stopped stream would never reach its reclaim task;
	 * its queued tasks are discarded first. */
	if (stream_stopped(st))
		stream_abort(st, false);
#ifdef WEIR_BUSTED_FORCE_DESTROY_DISCARDS
	/* Planted bug (testing the tests): the old semantics, discarding the
	 * tasks already launched (defect: aclrtDestroyStreamForce lost them). */
	weir__stream_abort(st);
#endif
	t->kind = WEIR_TK_RECLAIM;
	t->nblocks = 1;
	/* The handle's reference passes to the reclaim task. */
	stream_push_unchecked(st, t);
	return WEIR_OK;
}

/* ------------------------------------------------------------------------ */
/* Submission                                                                */
/* ------------------------------------------------------------------------ */

/*
 * Reversal hints. The owner takes the inbox newest first and reverses it by
 * walking the `next` links: one dependent load per record. When the records
 * were written on another CPU (a producer queuing ahead of its worker), each
 * load is a cache-to-cache miss, and the walk, not the tasks, is the
 * worker's time (S4 in bench_sched: about half of it). So every producer
 * leaves in each record where the walk will be some records later: the
 * record this thread pushed onto the same stream HINT_K pushes before
 * (`hint`, as a distance in cache lines, and `hint_dseq`, the difference of
 * the two ids). The owner prefetches it, keeping up to HINT_K misses in
 * flight instead of one.
 *
 * A hint is a guess about memory the producer no longer owns: the record
 * may have been taken, run and freed since, and be rewritten by its pool's
 * thread right now, where a prefetch would steal its line (a measured 25 %
 * on a single producer's launches, with guessed addresses). So the owner
 * follows a hint only when it is exact: ids are handed out before the push
 * (invariant 5), so a record whose id is newer than every id taken so far
 * (`taken_max`) has not been taken, and being older than the record that
 * names it (same producer, same stream), it is further down this very
 * list. Producer-side state is thread-local; the prefetch is not an access
 * of the record, so hints add no ordering and no race.
 *
 * Hints only pay where the lists are long, and they cost elsewhere: a
 * single producer launching while its worker keeps up (S1) sees lists of
 * mostly under 64 records, and there exact hints made the launch rate
 * bimodal (35 or 70-110 ns per launch against 38-47 without; the faster
 * worker caught up and the two threads traded lines), and stamping alone
 * costs the producer ~2.5 ns per launch. So a producer stamps only after
 * HINT_DEEP pushes in a row onto a non-empty inbox (its worker is behind),
 * and the owner follows hints only past the first HINT_AFTER records of a
 * walk. A producer thousands of tasks ahead (S4) loses only the first
 * HINT_AFTER records' worth.
 */
/* 32 records ahead: against 8, S4's round trip with the records written on
 * the other CPU is ~4 % shorter (16: ~2.5 %; 64: 14-24 % longer than 32),
 * measured in one process alternating the distance round by round; a producer's launch
 * costs the same (20.4-20.6 ns queued onto a busy worker, either way). The
 * ids' difference must fit hint_dseq (< 256). */
#define HINT_K 32u
_Static_assert(HINT_K < 256u, "stream.c hints: an own push HINT_K back fits hint_dseq");
#define HINT_AFTER 256u /* records walked before hints are followed */
#define HINT_SLOTS 4u   /* streams a thread feeds in turn (S4: two) */
#define HINT_DEEP  64u  /* own pushes in a row onto a non-empty inbox before stamping */

static _Thread_local struct stream_hints {
	uint32_t stream;               /* the stream's id; 0: none yet */
	uint32_t n;                    /* pushes recorded since it changed or went shallow */
	uint32_t deep;                 /* pushes in a row that found the inbox non-empty */
	struct weir_task *rec[HINT_K]; /* the last HINT_K pushed, by n % HINT_K */
	uint32_t seq[HINT_K];          /* their ids */
} weir_tls_hints[HINT_SLOTS];          /* by stream id % HINT_SLOTS */

/* Stamp t (id seq, about to be pushed onto st) with this thread's push
 * HINT_K before on st, and remember t. Never dereferences the old record.
 * Returns st's slot, for stream_hint_depth after the push. */
static inline struct stream_hints *stream_hint(const struct weir_stream *st, struct weir_task *t,
                                               uint32_t seq)
{
	struct stream_hints *h = &weir_tls_hints[st->id % HINT_SLOTS];
	uint32_t n = h->n, i = n % HINT_K;
	t->hint_dseq = 0;
	if (h->stream != st->id) {
		h->stream = st->id;
		h->deep = 0;
		n = i = 0;
	} else if (h->deep < HINT_DEEP) {
		/* The owner keeps up: no list this long to walk. */
		h->n = 0;
		return h;
	} else if (n >= HINT_K) {
		uint32_t d = seq - h->seq[i];
		intptr_t off = ((intptr_t)h->rec[i] - (intptr_t)t) / WEIR_CACHELINE;
		if (d - 1u < 255u && off >= INT32_MIN && off <= INT32_MAX) {
			t->hint = (int32_t)off;
			t->hint_dseq = (uint8_t)d;
		}
	}
	h->rec[i] = t;
	h->seq[i] = seq;
	h->n = n + 1;
	return h;
}

/* After the push into h's stream: did it land on a non-empty inbox? Only
 * this thread's own pushes count, which is what its hints can cover. */
static inline void stream_hint_depth(struct stream_hints *h, bool deep)
{
	if (!deep)
		h->deep = 0;
	else if (h->deep < HINT_DEEP)
		h->deep++;
}

/* The push itself (invariants 1, 4, 5), after the admission checks; also
 * the reclaim task's push, which no check may refuse (invariant 8). */
static void stream_push_unchecked(struct weir_stream *st, struct weir_task *t)
{
	/* capture.c C1: a capturing stream records the task instead. ST-A9:
	 * acquire - pairs with the begin's / join's publication (CAP-R1); one
	 * load and a predictable branch on the non-capturing path. */
	struct weir_capture *cap = weir_load_acquire(&st->capture);
	if (__builtin_expect(cap != NULL, 0) && t->kind != WEIR_TK_RECLAIM &&
	    weir__capture_take(st, t))
		return;
	/* Invariant 5: count before the push. Relaxed: sync reads it with
	 * acquire after the task's own push (ST-R1) in program order. The count
	 * including this task is its id (weir/sched.h "Task ids"), written
	 * before ST-R1 publishes the record. */
	uint32_t seq = (uint32_t)(weir_faa_relaxed(&st->submitted, 1) + 1);
	t->seq = seq;
	if (t->kind == WEIR_TK_KERNEL)
		t->u.ktid = stream_thread_id();
	struct stream_hints *hints = stream_hint(st, t, seq);
	if (t->kind != WEIR_TK_RECLAIM)
		weir_tls_last_task = seq;
	/* A kernel keeps the stream's float flags of its launch (relaxed:
	 * the push below publishes the record). */
	t->fp = (uint8_t)weir_load_relaxed(&st->fp);
	WEIR_ASSERT(((uintptr_t)t & WEIR_ST_MASK) == 0,
	            "stream.c: task records are aligned, so the state bits stay free");
	uintptr_t w = weir_load_relaxed(&st->top);
	uintptr_t nw;
	do {
		t->next = WEIR_ST_PTR(w);
		unsigned state = WEIR_ST_STATE(w);
		nw = (uintptr_t)t | (state == WEIR_ST_IDLE ? WEIR_ST_QUEUED : state);
		/* ST-R1: acq_rel - release publishes the record; pairs with ST-A1 in
		 * weir__stream_run() and DEV-A2 in ready_pop() (device.c). Acquire: when it
		 * reads IDLE it takes over from the last owner's release (ST-R4). */
	} while (!weir_cas_acqrel(&st->top, &w, nw));
	WEIR_ASSERT(WEIR_ST_STATE(w) != WEIR_ST_IDLE || WEIR_ST_PTR(w) == NULL,
	            "stream.c inv 3: an IDLE stream has an empty inbox");
	stream_hint_depth(hints, WEIR_ST_PTR(w) != NULL);
	if (WEIR_ST_STATE(w) == WEIR_ST_IDLE)
		weir__device_ready(st->dev, st);
}

/* capture.c: push a replay's pre-linked chain of n records with ONE CAS.
 * `first` .. `last` are linked FIFO through next (last->next NULL); they are
 * relinked newest-first here, as n single pushes would have left them, and
 * get consecutive ids. Inside the read-side section that found st, after
 * weir__stream_admit (the chain counts as one admission). */
void weir__stream_push_chain(struct weir_stream *st, struct weir_task *first, uint32_t n)
{
	uint64_t base = weir_faa_relaxed(&st->submitted, n); /* invariant 5, as one push */
	uint32_t tid = stream_thread_id();
	uint8_t fp = (uint8_t)weir_load_relaxed(&st->fp);
	struct weir_task *rev = NULL, *last = first;
	for (struct weir_task *t = first, *nx; t; t = nx) {
		nx = t->next;
		t->seq = (uint32_t)(++base);
		t->hint_dseq = 0; /* no reversal hint (a template's is stale) */
		if (t->kind == WEIR_TK_KERNEL)
			t->u.ktid = tid;
		if (t->kind == WEIR_TK_KERNEL || t->kind == WEIR_TK_PROGRAM)
			t->fp = fp;
		t->next = rev;
		rev = t;
	}
	weir_tls_last_task = (uint32_t)base;
	/* rev is the newest record, `first` (now the chain's tail) the oldest. */
	uintptr_t w = weir_load_relaxed(&st->top);
	uintptr_t nw;
	do {
		last->next = WEIR_ST_PTR(w);
		unsigned state = WEIR_ST_STATE(w);
		nw = (uintptr_t)rev | (state == WEIR_ST_IDLE ? WEIR_ST_QUEUED : state);
		/* ST-R1 (as in stream_push_unchecked): acq_rel - publishes the
		 * whole chain. */
	} while (!weir_cas_acqrel(&st->top, &w, nw));
	if (WEIR_ST_STATE(w) == WEIR_ST_IDLE)
		weir__device_ready(st->dev, st);
}

int weir__stream_admit(struct weir_stream *st)
{
	if (weir_load_relaxed(&st->g->stop_error)) /* relaxed: advisory refusal */
		return WEIR_ESTOPPED;
	uint64_t sub = weir_load_relaxed(&st->submitted);
	if (sub - weir_load_relaxed(&st->retired_seen) >= st->capacity) {
		/* Invariant 6: refresh the cached retired count (relaxed: only
		 * a bound, no data is read through it). */
		uint64_t r = weir_load_relaxed(&st->retired);
		weir_store_relaxed(&st->retired_seen, r);
		if (sub - r >= st->capacity)
			return WEIR_EAGAIN;
	}
	return WEIR_OK;
}

void weir__stream_push_admitted(struct weir_stream *st, struct weir_task *t)
{
	stream_push_unchecked(st, t);
}

int weir__stream_push(struct weir_stream *st, struct weir_task *t)
{
	int rc = weir__stream_admit(st);
	if (rc == WEIR_OK)
		stream_push_unchecked(st, t);
	return rc;
}

/* weir/sched.h (library-internal): the one lookup of a facade's enqueue. */
struct weir_stream *weir__stream_find(const weir_stream_t *h, weir_group_t **g)
{
	struct weir_stream *st = weir__stream_lookup(h);
	if (st && g)
		*g = weir__group_handle(st->g);
	return st;
}

/* Look up, push, and (unless NONBLOCK) wait for room when full. */
static int stream_submit(const weir_stream_t *h, struct weir_task *t, uint32_t flags)
{
	for (;;) {
		weir__rcu_read_lock();
		struct weir_stream *st = weir__stream_lookup(h);
		if (!st) {
			weir__rcu_read_unlock();
			return WEIR_EHANDLE;
		}
		int rc = weir__stream_push(st, t);
		if (rc != WEIR_EAGAIN || (flags & WEIR_LAUNCH_NONBLOCK)) {
			weir__rcu_read_unlock();
			return rc;
		}
		/* Back-pressure: never block inside a read-side section. */
		weir__stream_ref(st); /* RCU holds st here (obj.h O2) */
		/* Hysteresis: wait for half the capacity (half a queue of work
		 * covers the producer's wake-up). The gate then admits sleepers
		 * one at a time, one more per 1/16 of the capacity drained while
		 * less than 3/4 is queued (sync.h G2), instead of waking the
		 * whole herd. */
		uint64_t target = weir_load_relaxed(&st->submitted) - st->capacity / 2;
		weir__rcu_read_unlock();
		/* Bounded spin, then park; re-check the handle every 10 ms so a
		 * destroy of the stream ends the wait with WEIR_EHANDLE. */
		weir__gate_wait(&st->room, &st->retired, target, weir__deadline(10000000), 2000);
		weir__stream_put(st);
	}
}

/* A kernel task for weir_launch(): WEIR_OK, WEIR_EINVAL or WEIR_ENOMEM.
 * `release` (may be NULL) is not called here: a failed launch leaves the
 * caller's resource to the caller. */
static int kernel_task(weir_kernel_fn fn, const void *args, size_t args_size, uint32_t nblocks,
                       weir_host_fn release, void *release_ctx, struct weir_task **out)
{
	size_t max = release ? WEIR_ARGS_RELEASE_MAX : WEIR_ARGS_MAX;
	if (!fn || args_size > max || (args_size && !args))
		return WEIR_EINVAL;
	struct weir_task *t = weir__task_alloc();
	if (!t)
		return WEIR_ENOMEM;
	t->kind = WEIR_TK_KERNEL;
	t->nblocks = nblocks ? nblocks : 1;
	t->u.kernel = fn;
	t->has_release = release != NULL;
	if (release)
		*TASK_RELEASE(t) = (struct weir_task_release){ release, release_ctx };
	if (args_size)
		memcpy(t->args, args, args_size);
	*out = t;
	return WEIR_OK;
}

WEIR_API int weir_launch(weir_stream_t *s, weir_kernel_fn fn, const void *args, size_t args_size,
                         uint32_t nblocks, uint32_t flags)
{
	return weir_launch_release(s, fn, args, args_size, nblocks, flags, NULL, NULL);
}

WEIR_API int weir_launch_release(weir_stream_t *s, weir_kernel_fn fn, const void *args,
                                 size_t args_size, uint32_t nblocks, uint32_t flags,
                                 weir_host_fn release, void *release_ctx)
{
	struct weir_task *t;
	int rc = kernel_task(fn, args, args_size, nblocks, release, release_ctx, &t);
	if (rc)
		return rc;
	rc = stream_submit(s, t, flags);
	if (rc)
		weir__task_free(t);
	return rc;
}

/* weir/sched.h (library-internal): weir_launch(flags 0) onto a stream found
 * in the caller's read-side section; WEIR_EAGAIN (full) queues nothing. */
int weir__launch_found(struct weir_stream *st, weir_kernel_fn fn, const void *args,
                       size_t args_size, uint32_t nblocks)
{
	return weir__launch_release_found(st, fn, args, args_size, nblocks, NULL, NULL);
}

int weir__launch_release_found(struct weir_stream *st, weir_kernel_fn fn, const void *args,
                               size_t args_size, uint32_t nblocks, weir_host_fn release,
                               void *release_ctx)
{
	struct weir_task *t;
	int rc = kernel_task(fn, args, args_size, nblocks, release, release_ctx, &t);
	if (rc)
		return rc;
	rc = weir__stream_push(st, t);
	if (rc)
		weir__task_free(t);
	return rc;
}

WEIR_API int weir_stream_id(weir_stream_t *s, uint32_t *id)
{
	if (!id)
		return WEIR_EINVAL;
	weir__rcu_read_lock();
	struct weir_stream *st = weir__stream_lookup(s);
	if (st)
		*id = st->id;
	weir__rcu_read_unlock();
	return st ? WEIR_OK : WEIR_EHANDLE;
}

WEIR_API int weir_thread_last_task(uint32_t *task_id)
{
	if (!task_id)
		return WEIR_EINVAL;
	*task_id = weir_tls_last_task;
	return WEIR_OK;
}

uint32_t weir__stream_found_device(const struct weir_stream *st)
{
	return st->dev->id;
}

int weir__stream_submit_task(const weir_stream_t *h, struct weir_task *t)
{
	return stream_submit(h, t, 0);
}

/* ------------------------------------------------------------------------ */
/* The owner's side                                                          */
/* ------------------------------------------------------------------------ */

/* Unlink the head task from the private FIFO (O). */
static struct weir_task *stream_pop_head(struct weir_stream *st)
{
	struct weir_task *t = st->head;
	WEIR_ASSERT(t != NULL, "stream.c inv 2: the owner retires only tasks it took");
	st->head = t->next;
	WEIR_ASSERT(st->head != NULL || st->tail == t,
	            "stream.c: the FIFO's tail is its last task");
	if (!st->head)
		st->tail = NULL;
	t->next = NULL;
	return t;
}

void weir__stream_retire_head(struct weir_stream *st, uint64_t fail, bool discarded,
                              struct weir_task_batch *batch)
{
	weir__stream_retire(st, stream_pop_head(st), fail, discarded, batch);
}

void weir__stream_retire(struct weir_stream *st, struct weir_task *t, uint64_t fail, bool discarded,
                         struct weir_task_batch *batch)
{
	weir__task_batch_add(batch, t);
	/* Statistics are relaxed: only the owner writes them. */
	if (discarded) {
		weir_store_relaxed(&st->n_discarded, weir_load_relaxed(&st->n_discarded) + 1);
	} else if (fail == weir__fail_runtime(WEIR_EHALTED)) {
		/* Invariant 10: a stopped kernel; the stop itself is the
		 * report (stream_report), and no failure of the group. */
		weir_store_relaxed(&st->n_failed, weir_load_relaxed(&st->n_failed) + 1);
	} else if (fail) {
		weir_store_relaxed(&st->n_failed, weir_load_relaxed(&st->n_failed) + 1);
		uint64_t z = 0;
		/* ST-AR2: acq_rel - the first failure wins; taken by the exchange in stream_report(). */
		weir_cas_strong_acqrel(&st->error, &z, fail);
		if (weir_load_relaxed(&st->g->mode) == WEIR_FAILURE_STOP) {
			z = 0;
			/* ST-AR3: acq_rel - the group's sticky failure; producers and workers read it relaxed (advisory). */
			weir_cas_strong_acqrel(&st->g->stop_error, &z, fail);
		}
	} else {
		weir_store_relaxed(&st->n_ok, weir_load_relaxed(&st->n_ok) + 1);
	}
	/* Invariant 9: a kernel's release runs once, run or discarded, after
	 * its failure is recorded and before its retirement is published. */
	if (t->kind == WEIR_TK_KERNEL && t->has_release)
		TASK_RELEASE(t)->fn(TASK_RELEASE(t)->ctx);
	uint64_t r = weir_load_relaxed(&st->retired) + 1;
	/* The owner acquired the task's push (ST-A1), which its producer made
	 * after counting it: submitted covers it. */
	WEIR_ASSERT(weir_seq_geq(weir_load_relaxed(&st->submitted), r),
	            "stream.c inv 5: retired <= submitted");
	/* ST-R3: seq_cst - publishes the task's effects to host waiters (WQ-A1 in
	 * weir__waitq_wait, base/sync.c) and orders the store before the wake_at load in
	 * weir__waitq_notify (waitq invariant 1). */
	weir_store_seqcst(&st->retired, r);
	weir__waitq_notify(&st->wq, r);
	weir__gate_notify(&st->room, r, &st->submitted); /* sync.h G1, after ST-R3 */
}

void weir__stream_unpark(struct weir_stream *st)
{
	uintptr_t w = weir_load_relaxed(&st->top);
	/* ST-R5: acq_rel - the PARKED -> QUEUED flip; the ready push (DEV-R1 in
	 * device.c) then hands the owner fields to the next worker. */
	while (!weir_cas_acqrel(&st->top, &w, (w & ~WEIR_ST_MASK) | WEIR_ST_QUEUED))
		;
	WEIR_ASSERT(WEIR_ST_STATE(w) == WEIR_ST_PARKED,
	            "stream.c inv 2: only the holder of a PARKED stream unparks it");
	if (!weir__device_handoff(st)) /* device.c invariant 10 */
		weir__device_ready(st->dev, st);
}

void weir__stream_park(struct weir_stream *st)
{
	uintptr_t w = weir_load_relaxed(&st->top);
	/* ST-R6: acq_rel - RUNNING -> PARKED keeping the inbox. Its release
	 * half hands the owner fields to whoever unparks it (they acquire
	 * through the event lock, the callback inbox, or ST-R5); the acquire
	 * half is not needed (the owner reads no record through w) and is
	 * kept only so that every flip of the word has one order. */
	while (!weir_cas_acqrel(&st->top, &w, (w & ~WEIR_ST_MASK) | WEIR_ST_PARKED))
		;
	WEIR_ASSERT(WEIR_ST_STATE(w) == WEIR_ST_RUNNING,
	            "stream.c inv 2: only the RUNNING owner parks a stream");
}

/*
 * Retire the head task, a record of event e (generation gen), and complete
 * the record: invariant 7 (the retirement first, announced in `publishing`).
 * A discarded record completes its event too, so that streams waiting on it
 * are not stranded. Drops the task's reference on e.
 */
static void stream_retire_record(struct weir_stream *st, bool discarded,
                                 struct weir_task_batch *batch)
{
	struct weir_task *t = st->head;
	struct weir_event *e = t->u.ev.ev;
	uint64_t gen = t->u.ev.gen;
#ifdef WEIR_BUSTED_EVENT_BEFORE_RETIRE
	/* Planted bug (testing the tests): the event completes before the
	 * stream has retired its record task (defect: a stream read
	 * NOT_READY after its last event was seen complete). */
	weir__event_complete_record(e, gen);
	weir__stream_retire_head(st, 0, discarded, batch);
#else
	uint64_t r = weir_load_relaxed(&st->retired) + 1; /* relaxed: O, only the owner writes it */
	WEIR_ASSERT(weir_load_relaxed(&st->publishing) == 0,
	            "stream.c inv 7: one record is published at a time (ST-R9 cleared the last)");
	WEIR_ASSERT(t->u.ev.gen != 0, "event.c: a record task carries a generation >= 1");
	/* ST-R8: release - announces the record before its retirement (ST-R3,
	 * seq_cst, a release too) publishes retired = r; a host that acquires
	 * retired >= r (ST-A4) then reads r here or a later value. Pairs with ST-A6
	 * in stream_settle(). */
	weir_store_release(&st->publishing, r);
	weir__stream_retire_head(st, 0, discarded, batch);
	weir__event_complete_record(e, gen);
	/* ST-R9: release - the event completion is published; pairs with ST-A6. */
	weir_store_release(&st->publishing, 0);
#endif
	weir__event_put(e);
}

/* Invariant 8: retire the reclaim task (the last task the stream will ever
 * have), unlink the stream and drop the handle's reference. The caller
 * returns at once and never touches st again. */
static void stream_reclaim(struct weir_stream *st, struct weir_task_batch *batch)
{
	weir__stream_retire_head(st, 0, false, batch);
	WEIR_ASSERT(st->head == NULL && WEIR_ST_PTR(weir_load_relaxed(&st->top)) == NULL,
	            "stream.c inv 8: the reclaim task is the last task a stream gets");
	WEIR_ASSERT(weir_load_relaxed(&st->retired) == weir_load_relaxed(&st->submitted),
	            "stream.c inv 8: reclaim retires the stream's last accepted task");
	weir__task_batch_flush(batch);
	stream_unlink_put(st);
}

static bool should_discard(struct weir_stream *st)
{
	if (weir_load_relaxed(&st->g->stop_error)) /* relaxed: STOP is advisory per task */
		return true;
	/* ST-A2: acquire - pairs with ST-R2 in weir__stream_abort(). */
	uint64_t until = weir_load_acquire(&st->abort_until);
	return !weir_seq_geq(weir_load_relaxed(&st->retired), until);
}

/*
 * Linger (only after a batch of at most 4 tasks; see weir__stream_run): keep
 * a drained stream while the device has nothing else to run,
 * polling its inbox for at most the worker's adaptive spin budget. A launch
 * onto a lingering stream is then just the producer's CAS: no ready-queue
 * hand-off, no QUEUED -> RUNNING flip, one cache line to the worker instead of
 * four. True if tasks arrived (the caller takes them with its exchange, ST-A1);
 * false to let the stream go IDLE. Gives up at once when another stream or a
 * block job becomes ready, so it never delays other work; bounded in time.
 */
static bool stream_linger(struct weir_stream *st, struct weir_worker *w)
{
	struct weir_device *dev = st->dev;
	uint32_t budget = w->spin_ns / 2;
	/* A lingering worker is a spinner (device.c invariant 8). */
	if (budget == 0 || !weir__device_spin_begin(dev))
		return false;
	bool oversubscribed = dev->spin_yield; /* device.c invariant 8 */
	uint64_t until = weir__now_ns() + budget;
	bool got = false;
	for (uint32_t i = 1;; i++) {
		/* Relaxed: a hint only; the caller's exchange acquires (ST-A1). */
		if (WEIR_ST_PTR(weir_load_relaxed(&st->top)) ||
		    weir_load_relaxed(&st->halt) == WEIR__HALT_REQ) {
			got = true; /* a stop: the caller's check parks it */
			break;
		}
		if (weir_load_relaxed(&dev->rq_len) || weir_load_relaxed(&dev->njobs) ||
		    weir_load_relaxed(&dev->rt->stopping))
			break;
		weir_cpu_relax();
		if ((i & 63) == 0) {
			if (weir__now_ns() >= until)
				break;
			if (oversubscribed)
				sched_yield();
		}
	}
	/* Going on with its own tasks, it leaves any ready stream to a parked
	 * worker (device.c invariant 9); giving up, it reaches the ready queue
	 * itself. */
	weir__device_spin_end(dev, got);
	return got;
}

/*
 * Paced takes. A worker that keeps up with a producer streaming tasks in
 * takes the inbox every few pushes, and each exchange takes the stream
 * word's line from the producer, whose next push then waits for it: S1's
 * single producer went from ~30 to 50-75 ns a launch when the worker got
 * faster (batches of 2-11 records instead of 60-3000). So a take that found
 * its tasks already queued (no linger before it) and got fewer than
 * PACE_BATCH of them doubles a short wait before the next take (up to
 * PACE_MAX pauses, ~1.7 us at 26 ns a pause), letting the producer push
 * undisturbed; a larger batch halves it, and a take of tasks that came
 * while the worker lingered (a latency-bound producer: one launch, then a
 * wait) clears it, so S3's launch-to-execute path never waits. Bounded per
 * take; nothing is read meanwhile. Measured in one process alternating the
 * limits round by round (one producer, 200k launches a round, p50 per
 * launch): none 47-62 ns, 16 / 32 pauses 29-33, 64 / 64 29-30, 128 / 128
 * 29-30 (p10 24 for all).
 */
#define PACE_BATCH 64u
#define PACE_MAX   64u

static inline uint32_t stream_pace(uint32_t pace, uint32_t batch, bool waited)
{
	if (waited)
		return 0;
	if (batch < PACE_BATCH)
		return pace ? (pace * 2 < PACE_MAX ? pace * 2 : PACE_MAX) : 1;
	return pace / 2;
}

/* The owner gives a RUNNING stream up to the ready queue: RUNNING -> QUEUED
 * keeping the inbox; the caller then pushes it (with or without a wake). */
static void stream_give_up_queued(struct weir_stream *st)
{
	uintptr_t w = weir_load_relaxed(&st->top);
	/* ST-R7: acq_rel - RUNNING -> QUEUED keeping the inbox; the ready push
	 * (DEV-R1 in device.c) hands the owner fields on. */
	while (!weir_cas_acqrel(&st->top, &w, (w & ~WEIR_ST_MASK) | WEIR_ST_QUEUED))
		;
	WEIR_ASSERT(WEIR_ST_STATE(w) == WEIR_ST_RUNNING,
	            "stream.c inv 2: only the RUNNING owner requeues a stream");
}

/*
 * Held waits. A worker that releases a stream (run-next, device.c invariant
 * 10) and then meets an unsatisfied event wait on its own stream would park
 * it on the event, run the released stream, and have that one's record take
 * the event's lock again to unpark it: two lock round trips, five
 * serializing atomics and two state flips per wait, the bulk of a
 * two-stream ping-pong (S4). Instead it may hold the stream: keep it
 * RUNNING (its inbox stays open to producers; nobody else can run it,
 * invariant 1) on the worker's list of held streams and move on; the
 * worker resumes the oldest held stream whenever the stream it runs stops
 * and no run-next is waiting, and the resumed stream re-evaluates its wait.
 * Invariants:
 *  H1. Only the stream's worker touches the list, hold_next and hold_mark.
 *      A held stream is RUNNING, its head an event wait already armed.
 *  H2. Hold only with somewhere to go (a run-next or another held stream),
 *      with room (HOLD_MAX), with no other stream ready on the device
 *      (holding never delays a ready stream; they park as before), and
 *      not when the stream was resumed from the list and has retired
 *      nothing since (hold_mark == retired): that wait parks on its event
 *      as before. So a round of resumptions without progress parks every
 *      held stream: holding never waits forever.
 *  H3. The worker never leaves its stream loop with streams held (worker_
 *      main resumes them), and before any task with time of its own (the
 *      run-next rule) it hands every held stream whose wait is satisfied,
 *      timed out, aborted or asked to stop to the ready queue with a wake:
 *      a completion from another thread delays a held stream by at most
 *      the task running when it came.
 */
#define HOLD_MAX 2u

static bool stream_hold(struct weir_stream *st, struct weir_worker *w, struct weir_task *t)
{
	if (w->nheld >= HOLD_MAX || (!w->runnext && !w->nheld) ||
	    weir_load_relaxed(&st->retired) == st->hold_mark ||
	    weir_load_relaxed(&st->dev->rq_len) != 0) /* relaxed: a hint (H2) */
		return false;
	if (weir__event_ready(t->u.ev.ev, t->u.ev.gen) || weir__wait_fired(t))
		return false; /* the evaluation below goes on at once */
	WEIR_ASSERT(WEIR_ST_STATE(weir_load_relaxed(&st->top)) == WEIR_ST_RUNNING,
	            "stream.c H1: a held stream is RUNNING");
	st->hold_next = NULL;
	if (w->hold_tail)
		w->hold_tail->hold_next = st;
	else
		w->hold_head = st;
	w->hold_tail = st;
	w->nheld++;
	weir_store_relaxed(&w->n_holds, weir_load_relaxed(&w->n_holds) + 1); /* owner only */
	return true;
}

struct weir_stream *weir__stream_unhold(struct weir_worker *w)
{
	struct weir_stream *st = w->hold_head;
	if (!st)
		return NULL;
	w->hold_head = st->hold_next;
	if (!w->hold_head)
		w->hold_tail = NULL;
	w->nheld--;
	st->hold_next = NULL;
	st->hold_mark = weir_load_relaxed(&st->retired); /* H2: no progress yet */
	return st;
}

/* H3: may the held stream st go on without this worker? */
static bool stream_hold_done(struct weir_stream *st)
{
	struct weir_task *t = st->head;
	WEIR_ASSERT(t && t->kind == WEIR_TK_WAIT, "stream.c H1: a held stream's head is its wait");
	return weir__event_ready(t->u.ev.ev, t->u.ev.gen) || weir__wait_fired(t) ||
	       should_discard(st) || weir_load_relaxed(&st->halt) == WEIR__HALT_REQ;
}

void weir__stream_hold_check(struct weir_worker *w)
{
	struct weir_stream **pp = &w->hold_head, *prev = NULL;
	while (*pp) {
		struct weir_stream *st = *pp;
		if (!stream_hold_done(st)) {
			prev = st;
			pp = &st->hold_next;
			continue;
		}
		*pp = st->hold_next;
		if (w->hold_tail == st)
			w->hold_tail = prev;
		w->nheld--;
		st->hold_next = NULL;
		stream_give_up_queued(st); /* H1: a held stream is RUNNING */
		weir__device_ready(st->dev, st);
	}
}

/* Serial-number order of task ids (they wrap at 2^32). */
static inline bool seq_after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

/* The owner's reversal of a taken inbox into its FIFO (invariant 2), with
 * the producers' hints ("Reversal hints"): the same walk as
 * weir__tasks_reverse, prefetching each exact hint. Sets st->tail and *n. */
static struct weir_task *stream_reverse(struct weir_stream *st, struct weir_task *list, uint32_t *n)
{
	uint32_t floor = st->taken_max, newest = floor, cnt = 0;
	struct weir_task *prev = NULL;
	st->tail = list;
	while (list) {
		uint32_t seq = list->seq;
		/* Exact: newer than anything taken before, so in this list. */
		if (cnt >= HINT_AFTER && list->hint_dseq &&
		    seq_after(seq - list->hint_dseq, floor)) {
			const struct weir_task *h =
			        (const struct weir_task *)((uintptr_t)list +
			                                   (uintptr_t)((intptr_t)list->hint *
			                                               WEIR_CACHELINE));
			/* The exactness argument above, checked (a real load:
			 * debug builds only): h holds the id the hint expects,
			 * and that id was not taken before. */
			WEIR_ASSERT(h->seq == seq - list->hint_dseq && seq_after(h->seq, floor),
			            "stream.c hints: a followed hint names a record further down "
			            "this list");
			__builtin_prefetch(h, 1);
		}
		if (seq_after(seq, newest))
			newest = seq;
		struct weir_task *nx = list->next;
		list->next = prev;
		prev = list;
		list = nx;
		cnt++;
	}
	st->taken_max = newest;
	*n = cnt;
	return prev;
}

void weir__stream_run(struct weir_stream *st, uint32_t widx)
{
	struct weir_device *dev = st->dev;
	uint32_t quantum = st->rt->cfg.quantum;
	struct weir_task_batch batch;
	weir__task_batch_init(&batch);
	uint32_t n = 0, last_batch = 0;
	uint32_t pace = 0;   /* pauses before the next take ("Paced takes") */
	bool waited = false; /* the next take follows a linger that saw work come */
	for (;;) {
		if (!st->head) {
			for (uint32_t i = 0; i < pace; i++)
				weir_cpu_relax();
			/* ST-A1: acquire - takes the inbox; pairs with ST-R1. While
			 * RUNNING only producers touch top, and they keep the
			 * state bits (invariant 1), so an exchange is exact. */
			uintptr_t w = weir_xchg_acquire(&st->top, (uintptr_t)WEIR_ST_RUNNING);
			WEIR_ASSERT(WEIR_ST_STATE(w) == WEIR_ST_RUNNING,
			            "stream.c inv 2: only the RUNNING owner takes the inbox");
			struct weir_task *list = WEIR_ST_PTR(w);
			if (!list) {
				weir__task_batch_flush(&batch);
				if (stream_halt_check(st)) { /* invariant 10 */
					stream_halt_owner(st, &batch);
					return;
				}
				/* Linger only after small batches: a producer trickling
				 * tasks in (latency-bound) gains from it; many producers
				 * filling large batches need the CPU more than the
				 * worker needs a head start. */
				/* A stream it released runs next instead (device.c
				 * invariant 10). */
				if (last_batch <= 4 && !dev->workers[widx].runnext &&
				    !dev->workers[widx].nheld &&
				    stream_linger(st, &dev->workers[widx])) {
					waited = true;
					continue;
				}
				uintptr_t exp = WEIR_ST_RUNNING;
				/* ST-R4: release - invariant 3; pairs with the next
				 * producer's acquire (ST-R1) and with ST-A3 in teardown. */
				if (weir_cas_release(&st->top, &exp, (uintptr_t)WEIR_ST_IDLE))
					return;
				WEIR_ASSERT(WEIR_ST_STATE(exp) == WEIR_ST_RUNNING &&
				                    WEIR_ST_PTR(exp),
				            "stream.c inv 1/3: the CAS to IDLE fails only on a "
				            "push, which keeps RUNNING");
				continue;
			}
			st->head = stream_reverse(st, list, &last_batch);
			pace = stream_pace(pace, last_batch, waited);
			waited = false;
			WEIR_ASSERT(st->head && st->tail && st->tail->next == NULL &&
			                    last_batch >= 1,
			            "stream.c inv 2: the reversed inbox is a non-empty FIFO");
			/* With the FIFO empty before the exchange, every task not in
			 * the inbox has been retired (host tasks are retired before
			 * their stream is unparked), so the batch is all in flight. */
			WEIR_ASSERT(weir_load_relaxed(&st->submitted) -
			                            weir_load_relaxed(&st->retired) >=
			                    last_batch,
			            "stream.c inv 5: the reversal keeps every accepted task "
			            "(submitted - retired >= batch)");
		}
		/* Invariant 10: no task starts once a stop is seen (tasks an
		 * abort covers are still discarded); the reclaim task is never
		 * behind one (destroy_force aborts it first). */
		if (st->head->kind != WEIR_TK_RECLAIM && !should_discard(st) &&
		    stream_halt_check(st)) {
			stream_halt_owner(st, &batch);
			return;
		}
		/* Fairness: after a quantum, let the device's other streams run.
		 * With none ready (relaxed: a stale 0 costs one more quantum),
		 * keep the stream: a requeue would only hand it back. */
		if (n >= quantum && weir_load_relaxed(&dev->rq_len) == 0 &&
		    !dev->workers[widx].runnext && !dev->workers[widx].nheld)
			n = 0;
		if (n >= quantum) {
			weir__task_batch_flush(&batch);
			stream_give_up_queued(st);
			/* This worker pops next: no wake (device.c invariant 9
			 * wakes another if more than it can take is queued). */
			weir__device_requeue(dev, st);
			return;
		}
		n++;
		struct weir_task *t = st->head;
		if (t->kind == WEIR_TK_RECLAIM) {
			/* Never discarded: it is the stream's own end. */
			stream_reclaim(st, &batch);
			return;
		}
		if (should_discard(st)) {
			if (t->kind == WEIR_TK_RECORD) {
				stream_retire_record(st, true, &batch);
				continue;
			}
			weir__sync_task_discard(st, t); /* timers, notify references */
			if (t->kind == WEIR_TK_WAIT || t->kind == WEIR_TK_RESET)
				weir__event_put(t->u.ev.ev);
			weir__stream_retire_head(st, 0, true, &batch);
			continue;
		}
		/* device.c invariant 10: a released stream waits behind event
		 * records, waits and resets only (no time of their own). */
#ifndef WEIR_BUSTED_HANDOFF_NO_FLUSH /* planted: the released stream waits */
		if (t->kind != WEIR_TK_RECORD && t->kind != WEIR_TK_WAIT &&
		    t->kind != WEIR_TK_RESET) {
			weir__device_flush_next(&dev->workers[widx]);
#ifndef WEIR_BUSTED_HOLD_NO_CHECK /* planted: held streams wait for the worker */
			if (dev->workers[widx].nheld) /* H3 */
				weir__stream_hold_check(&dev->workers[widx]);
#endif
		}
#endif
		switch (t->kind) {
		case WEIR_TK_KERNEL: {
			/* The kernel's return value is its own code (weir/status.h). */
			bool halted;
			int rc = weir__device_run_kernel(dev, widx, st, t, &halted);
			if (halted) {
				/* Invariant 10: blocks were skipped; the loop's
				 * check parks the stream next. */
				weir__stream_retire_head(st, weir__fail_runtime(WEIR_EHALTED),
				                         false, &batch);
				weir__value_written(st->rt); /* value.c W2 */
				break;
			}
			/* Relaxed: a hint; a hook removed meanwhile is re-read by
			 * the callback thread under rt->lock. */
			if (rc && weir_load_relaxed(&st->rt->fault_on)) {
				struct weir_task *f = weir__task_alloc();
				if (f) {
					/* Like a host function: the callback thread
					 * calls the hook, retires t and resumes st. */
					weir__task_batch_flush(&batch);
					stream_pop_head(st);
					f->kind = WEIR_TK_FAULT;
					f->nblocks = 1;
					f->u.host.fn = NULL;
					f->u.host.arg = t;
					HOST_STREAM(f) = st;
					FAULT_CODE(f) = rc;
					weir__stream_park(st);
					weir__host_push(dev, f);
					return;
				}
			}
			weir__stream_retire_head(st, weir__fail_task(rc), false, &batch);
			weir__value_written(st->rt); /* value.c W2 */
			break;
		}
		case WEIR_TK_PROGRAM: {
			/* capture.c C12: a replay's inline run; fails as a kernel
			 * does, without the fault hook (no record of its own). */
			bool halted;
			int rc = weir__ri_program_run(dev, widx, st, t, &halted);
			weir__stream_retire_head(
			        st, halted ? weir__fail_runtime(WEIR_EHALTED) : weir__fail_task(rc),
			        false, &batch);
			weir__value_written(st->rt); /* value.c W2 */
			break;
		}
		case WEIR_TK_RECORD: stream_retire_record(st, false, &batch); break;
		case WEIR_TK_RESET:
			weir__event_reset_flag(t->u.ev.ev);
			weir__event_put(t->u.ev.ev);
			weir__stream_retire_head(st, 0, false, &batch);
			break;
		case WEIR_TK_WAIT: {
			weir__task_batch_flush(&batch);
			/* A time-out is armed once (timer.c "Timed waits"). */
			int wrc = weir__wait_arm(st, t);
			if (wrc == WEIR_OK && stream_hold(st, &dev->workers[widx], t))
				return; /* held ("Held waits"): the worker resumes it */
			if (wrc == WEIR_OK)
				wrc = weir__event_try_wait(st, t->u.ev.ev, t->u.ev.gen, t);
			if (wrc == WEIR_ENOTREADY)
				return; /* parked: the stream is no longer ours */
			if (should_discard(st))
				continue; /* an abort raced the park: discard it above */
			weir__wait_disarm(st, t);
			weir__event_put(t->u.ev.ev);
			/* WEIR_EHANDLE: its event was destroyed and nothing
			 * can satisfy it (event.c invariant 7). */
			weir__stream_retire_head(st, weir__fail_runtime(wrc), false, &batch);
			break;
		}
		case WEIR_TK_HOST:
			/* The task leaves the FIFO (its link is reused by the
			 * callback inbox); the callback thread (or the stream's
			 * host reporter) retires it. */
			weir__task_batch_flush(&batch);
			stream_pop_head(st);
			HOST_STREAM(t) = st;
			/* Relaxed: a hint, validated by the hand-off. */
			if (weir_load_relaxed(&st->host_reporter) &&
			    weir__reporter_handoff_host(st, t))
				return;
			weir__stream_park(st);
			weir__host_push(dev, t);
			return;
		case WEIR_TK_CALLBACK:
			weir__task_batch_flush(&batch);
			stream_pop_head(st);
			HOST_STREAM(t) = st;
			if (weir__reporter_handoff(st, t, true))
				return;
			weir__stream_retire(st, t, weir__fail_runtime(WEIR_ENOSUB), false, &batch);
			break;
		case WEIR_TK_NOTIFY_RECORD:
		case WEIR_TK_NOTIFY_WAIT:
		case WEIR_TK_VALUE_WRITE:
		case WEIR_TK_VALUE_WAIT: {
			weir__task_batch_flush(&batch);
			int r = t->kind <= WEIR_TK_NOTIFY_WAIT ? weir__notify_run(st, t, &batch)
			                                       : weir__value_run(st, t, &batch);
			if (r == WEIR__RUN_PARKED)
				return; /* parked: the stream is no longer ours */
			break;          /* done, or RETRY: the discard check comes first */
		}
		case WEIR_TK_CALLBACK_NB: {
			/* The stream goes on at once; a copy travels. */
			struct weir_task *c = weir__task_alloc();
			int rc = WEIR_ENOMEM;
			if (c) {
				c->kind = WEIR_TK_CALLBACK_NB;
				c->u.host = t->u.host;
				HOST_STREAM(c) = NULL;
				rc = weir__reporter_handoff(st, c, false) ? WEIR_OK : WEIR_ENOSUB;
				if (rc)
					weir__task_free(c);
			}
			weir__stream_retire_head(st, weir__fail_runtime(rc), false, &batch);
			break;
		}
		default:
			weir__stream_retire_head(st, weir__fail_runtime(WEIR_EINTERNAL), false,
			                         &batch);
			break;
		}
	}
}

/* ------------------------------------------------------------------------ */
/* Host side: query, synchronize, abort, stats                               */
/* ------------------------------------------------------------------------ */

/* The failure records (see internal.h) turned into the sync result. */
static int stream_report(struct weir_stream *st, int *task_code)
{
	if (task_code)
		*task_code = 0;
	if (stream_stopped(st)) /* invariant 10 */
		return WEIR_EHALTED;
	/* The relaxed loads only skip the exchanges when nothing is set; the
	 * tasks' effects were already ordered by the acquire in the wait.
	 * ST-AR6: acq_rel - takes the abort report set by weir__stream_abort().
	 * The report covers the failures recorded since the last sync too
	 * (ST-AR2 takes them): `error` is the first failure since the last
	 * sync, so one left here would be reported by the next sync, for
	 * tasks that finished before this one returned (a graph run whose
	 * bind the abort discarded failed, and its failure came back as the
	 * next run's). */
	if (weir_load_relaxed(&st->aborted) && weir_xchg_acqrel(&st->aborted, 0)) {
		if (weir_load_relaxed(&st->error))
			weir_xchg_acqrel(&st->error, 0); /* ST-AR2, as below */
		return WEIR_EABORTED;
	}
	uint64_t e = weir_load_relaxed(&st->g->stop_error);
	if (e)
		return weir__fail_report(e, task_code);
	if (weir_load_relaxed(&st->error))
		/* ST-AR2: acq_rel - takes and clears the first failure. */
		return weir__fail_report(weir_xchg_acqrel(&st->error, 0), task_code);
	return WEIR_OK;
}

/*
 * Invariant 7: the caller saw retired >= target (acquire). Wait while the
 * owner is still publishing the event of a record at or below target, so
 * that a stream reported complete has completed its events. Bounded by the
 * owner's progress through one event completion.
 */
static void stream_settle(struct weir_stream *st, uint64_t target)
{
	/* ST-A6: acquire - pairs with ST-R8/ST-R9 in stream_retire_record(): reading
	 * 0 (ST-R9) or a later record's r (ST-R8, stored after this record's ST-R9)
	 * makes the event completion visible. */
	uint64_t p = weir_load_acquire(&st->publishing);
	if (p == 0 || !weir_seq_geq(target, p))
		return;
	ck_backoff_t bo = CK_BACKOFF_INITIALIZER;
	uint32_t round = 0;
	/* ST-A6: acquire - as above. */
	while (weir_load_acquire(&st->publishing) == p)
		weir__backoff(&bo, &round);
}

/* A CPU is left for the calling host thread besides the unparked workers
 * (rt->busy_workers, a relaxed hint kept by device.c). */
static bool stream_cpu_free(const struct weir_runtime *rt)
{
	/* Signed: the hint may dip below zero for a moment (device.c
	 * invariant 11); that reads as "free", as the true count would. */
	int32_t busy = (int32_t)weir_load_relaxed(&rt->busy_workers);
	return busy + 1 <= (int32_t)rt->ncpus;
}

/*
 * Sync's first phase, as CUDA's "auto" schedule: while a CPU is free for
 * this thread, poll for up to 1 ms (a run that ends meanwhile is seen at
 * once: no futex wake for the host, and the next launch finds its worker
 * still lingering); stop as soon as the workers take every CPU, a stop is
 * requested, or the deadline passes. Relaxed loads: a hint; the wait that
 * follows re-checks with acquire (WQ-A1) and returns at once.
 *
 * A poll that finds `retired` moved has pulled the line from the worker
 * retiring tasks into it, and the worker's next retire (a seq_cst
 * exchange) waits to get it back: polled after every task from the other
 * CPU, S4's event ping-pong ran ~1.5x slower on the development VM. A
 * poll of an unchanged line is a local hit and costs the worker nothing.
 * So the gap between polls doubles after each poll that saw the count
 * move and never shrinks, within [1, POLL_GAP_MAX] pauses and at most 1/8
 * of the time polled so far: the end of the wait is seen at most 1/8 later
 * than it came (plus a pause), a stream retiring tasks back to back is
 * read about once every 5 us, and one that retires nothing until its
 * last task (a graph run) is read at every pause.
 */
#define POLL_GAP_MAX 256u

static void stream_poll_free_cpu(struct weir_stream *st, uint64_t target, uint64_t deadline)
{
	uint64_t now = weir__now_ns();
	uint64_t until = now + 1000000 < deadline ? now + 1000000 : deadline;
	if (!stream_cpu_free(st->rt) || weir_load_relaxed(&st->halt) != 0)
		return;
	uint32_t gap = 1;   /* pauses until the next read */
	uint32_t quiet = 0; /* pauses since the last check */
	uint64_t spent = 0; /* pauses so far */
	uint64_t last = weir_load_relaxed(&st->retired);
	for (;;) {
		uint64_t r = weir_load_relaxed(&st->retired);
		if (weir_seq_geq(r, target))
			return;
		if (r != last)
			gap *= 2;
		last = r;
		uint64_t limit = spent / 8 < POLL_GAP_MAX ? spent / 8 : POLL_GAP_MAX;
		if (gap > limit)
			gap = limit ? (uint32_t)limit : 1;
		for (uint32_t k = 0; k < gap; k++) {
			weir_cpu_relax();
			if (++quiet < 64)
				continue;
			/* Every 64 pauses, whatever the gap between reads: the
			 * deadline, the CPUs and a stop, then offer the CPU. The
			 * count says a CPU is free, not that it is this one:
			 * woken onto the CPU of a worker that has work, this
			 * thread would keep it from that worker (~30 us per
			 * graph run on the development VM). Threads the count
			 * leaves out (a callback thread, another host thread)
			 * are the same case. */
			quiet = 0;
			if (weir__now_ns() >= until || !stream_cpu_free(st->rt) ||
			    weir_load_relaxed(&st->halt) != 0)
				return;
			sched_yield();
		}
		spent += gap;
	}
}

int weir__stream_sync_ref(struct weir_stream *st, int64_t timeout_ns, int *task_code)
{
	if (task_code)
		*task_code = 0;
	uint64_t target = stream_submitted(st);
	uint32_t spin = (st->flags & WEIR_STREAM_FAST_SYNC) ? 100000 : 2000;
	/* With every CPU taken by a busy worker besides this thread, a long
	 * poll takes the CPU a worker needs: park soon. */
	if (spin > 2000 && !stream_cpu_free(st->rt))
		spin = 2000;
	stream_poll_free_cpu(st, target, weir__deadline(timeout_ns));
	/* Invariant 10: a stopped stream ends the wait (ST-R10, then the wake). */
	int rc = weir__waitq_wait_flag(&st->wq, &st->retired, target, &st->halt, WEIR__HALT_STOPPED,
	                               weir__deadline(timeout_ns), spin);
	if (rc == WEIR_ESTATE)
		return WEIR_EHALTED;
	if (rc)
		return rc;
	stream_settle(st, target);
	return stream_report(st, task_code);
}

WEIR_API int weir_stream_sync(weir_stream_t *h, int64_t timeout_ns)
{
	return weir_stream_sync_code(h, timeout_ns, NULL);
}

WEIR_API int weir_stream_sync_code(weir_stream_t *h, int64_t timeout_ns, int *task_code)
{
	if (task_code)
		*task_code = 0;
	if (timeout_ns < WEIR_TIMEOUT_INFINITE)
		return WEIR_EINVAL;
	/* Fast path: an idle stream costs the lookup and two acquire loads,
	 * no reference count and no system call. */
	weir__rcu_read_lock();
	struct weir_stream *st = weir__stream_lookup(h);
	if (!st) {
		weir__rcu_read_unlock();
		return WEIR_EHANDLE;
	}
	struct weir_capture *cap = weir_load_acquire(&st->capture); /* ST-A9 */
	if (cap) {
		int rc = weir__capture_refuse(cap); /* capture.c C6 */
		weir__rcu_read_unlock();
		return rc;
	}
	uint64_t target = stream_submitted(st);
	/* ST-A4: acquire - the finished tasks' effects are visible; pairs with ST-R3. */
	if (weir_seq_geq(weir_load_acquire(&st->retired), target)) {
		stream_settle(st, target);
		int rc = stream_report(st, task_code);
		weir__rcu_read_unlock();
		return rc;
	}
	weir__stream_ref(st); /* RCU holds st here (obj.h O2) */
	weir__rcu_read_unlock();
	int rc = weir__stream_sync_ref(st, timeout_ns, task_code);
	weir__stream_put(st);
	return rc;
}

WEIR_API int weir_stream_query(weir_stream_t *h)
{
	weir__rcu_read_lock();
	struct weir_stream *st = weir__stream_lookup(h);
	int rc = WEIR_EHANDLE;
	struct weir_capture *cap = st ? weir_load_acquire(&st->capture) : NULL; /* ST-A9 */
	if (cap) {
		rc = weir__capture_refuse(cap); /* capture.c C6 */
	} else if (st) {
		/* ST-A4: acquire - pairs with ST-R3. Read before submitted, so that
		 * "complete" held at the moment submitted was read. */
		uint64_t r = weir_load_acquire(&st->retired);
		uint64_t target = stream_submitted(st); /* ST-A5 */
		rc = weir_seq_geq(r, target) ? WEIR_OK : WEIR_ENOTREADY;
		if (rc == WEIR_OK)
			stream_settle(st, target); /* invariant 7 */
	}
	weir__rcu_read_unlock();
	return rc;
}

WEIR_API int weir_stream_abort(weir_stream_t *h)
{
	struct weir_stream *st = weir__stream_get(h);
	if (!st)
		return WEIR_EHANDLE;
	weir__stream_abort(st);
	weir__stream_put(st);
	return WEIR_OK;
}

WEIR_API int weir_stream_set_failure_mode(weir_stream_t *h, int mode)
{
	struct weir_stream *st = weir__stream_get(h);
	if (!st)
		return WEIR_EHANDLE;
	int rc = weir_group_set_failure_mode(weir__group_handle(st->g), mode);
	weir__stream_put(st);
	return rc;
}

WEIR_API int weir_stream_group(weir_stream_t *h, weir_group_t **g)
{
	if (!g)
		return WEIR_EINVAL;
	struct weir_stream *st = weir__stream_get(h);
	if (!st)
		return WEIR_EHANDLE;
	*g = weir__group_handle(st->g);
	weir__stream_put(st);
	return WEIR_OK;
}

WEIR_API int weir_stream_set_priority(weir_stream_t *h, int priority)
{
	struct weir_stream *st = weir__stream_get(h);
	if (!st)
		return WEIR_EHANDLE;
	/* relaxed: see struct weir_stream */
	weir_store_relaxed(&st->prio, clamp_priority(priority));
	weir__stream_put(st);
	return WEIR_OK;
}

WEIR_API int weir_stream_priority(weir_stream_t *h, int *priority)
{
	if (!priority)
		return WEIR_EINVAL;
	struct weir_stream *st = weir__stream_get(h);
	if (!st)
		return WEIR_EHANDLE;
	*priority = (int)weir_load_relaxed(&st->prio); /* relaxed: see struct weir_stream */
	weir__stream_put(st);
	return WEIR_OK;
}

WEIR_API int weir_stream_user_update(weir_stream_t *h, uint64_t mask, uint64_t bits, uint64_t *old)
{
	struct weir_stream *st = weir__stream_get(h);
	if (!st)
		return WEIR_EHANDLE;
	uint64_t cur = weir_load_relaxed(&st->user); /* relaxed: checked by the CAS */
	/* relaxed: the word publishes nothing (struct weir_stream) */
	while (mask && !weir_cas_relaxed(&st->user, &cur, (cur & ~mask) | (bits & mask)))
		;
	if (old)
		*old = cur;
	weir__stream_put(st);
	return WEIR_OK;
}

WEIR_API int weir_stream_device(weir_stream_t *h, uint32_t *dev)
{
	if (!dev)
		return WEIR_EINVAL;
	struct weir_stream *st = weir__stream_get(h);
	if (!st)
		return WEIR_EHANDLE;
	*dev = st->dev->id;
	weir__stream_put(st);
	return WEIR_OK;
}

WEIR_API int weir_stream_stats(weir_stream_t *h, weir_stream_stats_t *out)
{
	if (!out)
		return WEIR_EINVAL;
	struct weir_stream *st = weir__stream_get(h);
	if (!st)
		return WEIR_EHANDLE;
	/* Read the outcome counters before submitted, so that in_flight never
	 * underflows while tasks run (each counter only grows). */
	out->completed = weir_load_relaxed(&st->n_ok);
	out->failed = weir_load_relaxed(&st->n_failed);
	out->discarded = weir_load_relaxed(&st->n_discarded);
	out->submitted = stream_submitted(st);
	uint64_t done = out->completed + out->failed + out->discarded;
	out->in_flight = out->submitted >= done ? out->submitted - done : 0;
	weir__stream_put(st);
	return WEIR_OK;
}
