/*
 * sched/internal.h - private structures of the scheduler. Never installed.
 *
 * Guard legend for shared fields (Linux workqueue.c style):
 *   I: immutable after create
 *   O: the owner of the stream only (the worker running it, or the
 *      host-callback thread / reporter while the stream is parked on it);
 *      ownership passes with the release/acquire of the stream's state word
 *   W: the worker's own thread only (fields of struct weir_worker)
 *   A: atomic (each access says its order)
 *   L(x): protected by mutex x
 *   R: published with RCU (read under weir__rcu_read_lock)
 *
 * The hot path of one task (architecture.md), and where each step lives:
 *   1. weir_launch (stream.c): take a task record from the calling thread's
 *      pool (pool.c), fill it, push it on the stream's inbox with ONE CAS
 *      (weir__stream_push). No reservation precedes that CAS, so a producer
 *      preempted anywhere in the call holds up nobody.
 *   2. If the stream was IDLE, the same CAS flips it to QUEUED and the
 *      producer pushes the stream on its device's ready inbox and, unless a
 *      worker of the device is polling (a spinner, device.c invariant 8),
 *      notifies the device eventcount (weir__device_ready, device.c). A
 *      worker that unparks a stream of its own device keeps it as its
 *      run-next instead (device.c invariant 10).
 *   3. A worker (device.c) pops the stream (QUEUED -> RUNNING); the stream's
 *      run loop (weir__stream_run, stream.c) takes the inbox with one
 *      exchange, reverses it to FIFO order and runs up to `quantum` tasks
 *      (kernels split into blocks: weir__device_run_kernel, device.c).
 *   4-5. Event records/waits (event.c); a wait that is not satisfied parks
 *      the stream on the event (PARKED) and the worker moves on; a worker
 *      with a stream to run next may hold it instead (stream.c "Held
 *      waits"). Host functions park it on the device's callback thread
 *      (host.c), blocking report callbacks on their reporter (reporter.c).
 *   6. Drained: if the device has nothing else ready and the worker holds
 *      no run-next and no held stream, it lingers on the stream (a
 *      spinner) for part of its spin budget (a launch then costs only the
 *      producer's CAS); then
 *      RUNNING -> IDLE by CAS on the same word, which fails if a producer
 *      pushed meanwhile: no lost wake-up, and the worker never touches the
 *      stream after that CAS succeeds.
 *   7. Host sync: target = submitted; poll while a CPU is free for the
 *      caller (rt->busy_workers), then wait for retired >= target (waitq),
 *      then for an event record still being published (stream.c inv. 7).
 *      A producer finding the stream full sleeps on its gate (base/sync.h
 *      G1-G2), which admits sleepers one at a time as the worker drains.
 *
 * Files and dependencies (who calls whom inside sched; below it only base/):
 *   runtime.c   lifecycle: create / destroy. Calls config.c, device.c,
 *               host.c, and the teardown of reporter.c, group.c, event.c.
 *               Nothing in sched calls it.
 *   group.c     groups and group / device sync. Calls stream.c.
 *   event.c     events (record, wait, reset, sync).
 *   host.c      host functions and the device's callback thread.
 *   reporter.c  reporters and their callbacks.
 *               These three call stream.c: get / put / submit_task to launch,
 *               and the owner API (park, retire, unpark) for a stream parked
 *               on them. host.c also asks reporter.c whether a stream is
 *               subscribed.
 *   stream.c    the stream queue and its run loop. Calls device.c (ready
 *               push, split kernels) and dispatches tasks to event.c,
 *               host.c and reporter.c.
 *   device.c    ready queue, workers, split kernels. Its worker loop calls
 *               weir__stream_run and weir__stream_unhold (the streams it
 *               holds at event waits), the only calls back up to stream.c.
 *   notify.c    notifies (record, wait). value.c: memory-value write and
 *               wait tasks. Both park streams on park lists (timer.c) and
 *               call stream.c's owner API to resume them.
 *   timer.c     the runtime's timer thread (time-outs of waits) and park
 *               lists. Calls stream.c's owner API (a fired time-out takes
 *               its stream back).
 *   limits.c    block limits, float modes, overflow status, the kernel
 *               context. Called by device.c and stream.c; calls nothing.
 *   config.c    configuration, environment, CPU lists. Calls nothing.
 *   pool.c      task records. Calls nothing.
 * So calls point down this list except two kinds of call-back, each through
 * a narrow interface: a worker runs a stream (device.c -> stream.c), and a
 * task's subject resumes the stream it parked (event.c / host.c /
 * reporter.c / notify.c / value.c / timer.c -> the stream owner API). A
 * failing kernel, when the runtime has a fault hook, parks its stream on the
 * device's callback thread (host.c), which calls the hook and resumes it. stream.c's weir__group_put (the last
 * reference of a stream holds its group) is the lifecycle's put.
 */
#ifndef WEIR_SCHED_INTERNAL_H
#define WEIR_SCHED_INTERNAL_H

#include "weir/sched.h"
#include "base/atomic.h"
#include "base/alloc.h"
#include "base/rcu.h"
#include "base/registry.h"
#include "base/die.h"
#include "base/mpsc.h"
#include "base/obj.h"
#include "base/sync.h"

#include "base/ck.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* ------------------------------------------------------------------------ */
/* Task records and per-thread pools                                         */
/* ------------------------------------------------------------------------ */

enum weir_task_kind {
	WEIR_TK_KERNEL = 1,
	WEIR_TK_RECORD,
	WEIR_TK_WAIT,
	WEIR_TK_RESET,
	WEIR_TK_HOST,
	WEIR_TK_CALLBACK,      /* reporter callback, blocking */
	WEIR_TK_CALLBACK_NB,   /* reporter callback, non-blocking */
	WEIR_TK_RECLAIM,       /* last task of a force-destroyed stream: free it */
	WEIR_TK_NOTIFY_RECORD, /* notify.c */
	WEIR_TK_NOTIFY_WAIT,   /* notify.c: parks on the notify */
	WEIR_TK_VALUE_WRITE,   /* value.c */
	WEIR_TK_VALUE_WAIT,    /* value.c: parks on the runtime's value list */
	WEIR_TK_FAULT,         /* a failed kernel's report for the fault hook (host.c) */
	WEIR_TK_HOST_REP,      /* a host function handed to the stream's host reporter */
	WEIR_TK_PROGRAM,       /* capture.c: a replay's run of inline items (C12) */
};

struct weir_pool;
struct weir_event;
struct weir_notify;

struct weir_task {
	struct weir_task *next;  /* O: inbox / FIFO / free-list link */
	struct weir_pool *owner; /* I: pool the record returns to */
	uint8_t kind;            /* I after submit */
	uint8_t fp;              /* I after submit: kernels, the stream's WEIR__FP_* at the push */
	uint8_t has_release;     /* I after submit: kernels, TASK_RELEASE is set */
	/* I after submit: 0, or t->seq minus the id of the record `hint`
	 * names (stream.c "Reversal hints"). */
	uint8_t hint_dseq;
	uint32_t nblocks; /* I after submit */
	union {
		/* WEIR_TK_KERNEL. With has_release, release(release_ctx) runs
		 * once when the task retires, run or discarded
		 * (weir_launch_release); both are kept in the tail of args
		 * (TASK_RELEASE) so the record stays two cache lines. ktid:
		 * the submitter's OS thread id (the fault hook's thread_id). */
		struct {
			weir_kernel_fn kernel;
			uint32_t ktid;
		};
		struct {
			struct weir_event *ev;
			uint64_t gen;
		} ev;
		struct {
			weir_host_fn fn;
			void *arg;
		} host;
		struct weir_notify *nt; /* notify record / wait */
		struct {
			void *addr;
			uint64_t value;
		} val; /* value write / wait */
	} u;           /* I after submit */
	uint32_t seq;  /* I after submit: the task's id on its stream (stream.c) */
	/* I after submit, with hint_dseq: an earlier record of the same
	 * submitter on the same stream, as a distance from this one in
	 * cache lines (stream.c "Reversal hints"). */
	int32_t hint;
	_Alignas(16) unsigned char args[WEIR_ARGS_MAX];
};
_Static_assert(sizeof(struct weir_task) == 128, "task record is two cache lines");

/* MPSC stacks of task records linked through `next` (base/mpsc.h):
 * weir__tasks_push / _push_seqcst / _take_all / _reverse. */
WEIR_MPSC_DEFINE(weir__tasks, struct weir_task, next)

/* Host and report-callback tasks carry no argument block; while queued for a
 * callback thread or reporter, the args area holds the stream they came from. */
#define HOST_STREAM(t) (*(struct weir_stream **)(void *)(t)->args)
/* A kernel launched with a release (weir_launch_release): the release and
 * its context sit in the last 16 bytes of args, after the kernel's own
 * argument block (which is then at most WEIR_ARGS_RELEASE_MAX bytes). */
struct weir_task_release {
	weir_host_fn fn;
	void *ctx;
};
#define TASK_RELEASE(t)                                                   \
	((struct weir_task_release *)(void *)((t)->args + WEIR_ARGS_MAX - \
	                                      sizeof(struct weir_task_release)))
/* A WEIR_TK_FAULT record: u.host.arg is the failed kernel's own record (still
 * unretired), and this is the code the kernel returned. */
#define FAULT_CODE(t) (*(int *)(void *)((t)->args + sizeof(void *)))

/* A timer entry (timer.c). Every field: L(timer lock) while queued. */
struct weir_timer_entry {
	uint64_t deadline; /* CLOCK_MONOTONIC ns */
	uint32_t idx;      /* heap slot, or idle */
	/* Runs on the timer thread with the timer lock held; returns 0, or a
	 * new deadline to queue the entry again. */
	uint64_t (*fn)(struct weir_timer_entry *);
};

/* The state of a wait task (event, notify or value wait), kept in its args
 * area: its optional time-out (timer.c "Timed waits"). */
struct weir_wait_state {
	struct weir_timer_entry tm; /* L(timer lock) while armed */
	int64_t timeout_ns;         /* I: 0 = none */
	struct weir_stream *st;     /* I once armed */
	_Atomic uint32_t fired;     /* A: the deadline passed (timer.c P2) */
	uint32_t flags;             /* I: value waits: WEIR_VALUE_*; notify tasks:
	                               WEIR__NT_* (notify.c) */
	bool armed;                 /* O: queued on the timer (or fired) */
	uint32_t operand;           /* I: notify tasks: the op's or cond's operand */
};
#define WAIT_STATE(t) ((struct weir_wait_state *)(void *)(t)->args)
_Static_assert(sizeof(struct weir_wait_state) <= WEIR_ARGS_MAX, "wait state fits the args area");

/* A list of streams parked on a condition (timer.c P1-P3). */
struct weir_parklist {
	pthread_mutex_t lock;
	struct weir_stream *head; /* L(lock), linked through park_next */
	_Atomic uint32_t n;       /* A: announced parkers (P1) */
};

/* Allocate a task record from the calling thread's pool (NULL: out of
 * memory). Free from any thread; it returns to its owner pool lock-free. */
struct weir_task *weir__task_alloc(void);
void weir__task_free(struct weir_task *t);

/* Returning many records from one thread: batched per owner pool. */
struct weir_task_batch {
	struct weir_pool *owner;
	struct weir_task *head, *tail;
};
static inline void weir__task_batch_init(struct weir_task_batch *b)
{
	b->owner = NULL;
	b->head = b->tail = NULL;
}
void weir__task_batch_flush(struct weir_task_batch *b);
/* Inline: every retirement adds its record (the owner's run loop). */
static inline void weir__task_batch_add(struct weir_task_batch *b, struct weir_task *t)
{
	if (b->owner != t->owner) {
		weir__task_batch_flush(b);
		b->owner = t->owner;
	}
	t->next = b->head;
	b->head = t;
	if (!b->tail)
		b->tail = t;
}

/* ------------------------------------------------------------------------ */
/* Streams                                                                   */
/* ------------------------------------------------------------------------ */

/*
 * Failure records (stream->error, group->stop_error): 0 = none, otherwise
 * one word that keeps where the failure came from, so that "a task returned
 * X" never turns into "the runtime reports Y" (weir/status.h):
 *   WEIR__FAIL_TASK    | (uint32_t)code    a task returned `code` (non-zero)
 *   WEIR__FAIL_RUNTIME | (uint32_t)status  the runtime met a WEIR_E* condition
 *                                          while retiring a task (WEIR_ENOSUB)
 * One word, so "the first failure wins" stays one CAS.
 */
#define WEIR__FAIL_TASK    (UINT64_C(1) << 32)
#define WEIR__FAIL_RUNTIME (UINT64_C(2) << 32)

static inline uint64_t weir__fail_task(int code)
{
	return code ? WEIR__FAIL_TASK | (uint32_t)code : 0;
}

static inline uint64_t weir__fail_runtime(int status)
{
	return status ? WEIR__FAIL_RUNTIME | (uint32_t)status : 0;
}

/* What a synchronize reports for failure record f: WEIR_OK for none; the
 * runtime's status; a task's positive code verbatim, WEIR_EKERNEL for a
 * task's code < 0. *task_code (if non-NULL) gets the task's own code, or 0
 * when f is not a task failure. */
static inline int weir__fail_report(uint64_t f, int *task_code)
{
	int code = (int)(uint32_t)f;
	bool task = (f & WEIR__FAIL_TASK) != 0;
	if (task_code)
		*task_code = task ? code : 0;
	if (!f)
		return WEIR_OK;
	return task && code < 0 ? WEIR_EKERNEL : code;
}

/* State bits in the low bits of stream->top (task records are 64-aligned). */
enum {
	WEIR_ST_IDLE = 0,    /* nobody owns it; the next push queues it */
	WEIR_ST_QUEUED = 1,  /* on its device's ready inbox/list */
	WEIR_ST_RUNNING = 2, /* owned by a worker */
	WEIR_ST_PARKED = 3,  /* waiting on an event or a host callback */
};
/* weir_stream_stop (stream.c invariant 10): stream->halt. Bit 0 set: a stop
 * is pending for the task running now (its kernel skips its blocks not yet
 * started). */
enum {
	WEIR__HALT_NONE = 0,    /* runs normally */
	WEIR__HALT_REQ = 1,     /* stop requested; the next owner parks it HALTED */
	WEIR__HALT_STOPPED = 2, /* PARKED with no holder; abort / destroy claim it */
	WEIR__HALT_RELEASE = 3, /* requested, then aborted before the owner parked it */
};
#define WEIR_ST_MASK     ((uintptr_t)3)
#define WEIR_ST_PTR(w)   ((struct weir_task *)((w) & ~WEIR_ST_MASK))
#define WEIR_ST_STATE(w) ((unsigned)((w)&WEIR_ST_MASK))

struct weir_device;
struct weir_group;

struct weir_stream {
	struct weir_obj obj;     /* I */
	struct weir_runtime *rt; /* I */
	struct weir_device *dev; /* I */
	struct weir_group *g;    /* I */
	/* A: relaxed - 0 highest .. 7; written by weir_stream_set_priority,
	 * read when the stream is filed in the ready queue (a change applies
	 * from its next filing; no other data depends on it) */
	_Atomic uint32_t prio;
	/* A: the layer above's word (weir_stream_user_update), opaque here;
	 * updated by CAS (relaxed: nothing else is published through it) */
	_Atomic uint64_t user;
	uint32_t flags;    /* I */
	uint32_t capacity; /* I: ring_capacity */
	/* A: relaxed - WEIR__FP_* bits; the saturation bit is I (the device's
	 * float mode at create), the check bit is set by
	 * weir_stream_set_overflow_check; copied into each kernel task at its
	 * push (limits.c) */
	_Atomic uint32_t fp;
	/* A: relaxed - per core class block limit, 0 = none (limits.c); read
	 * when a split kernel starts (no other data depends on it) */
	_Atomic uint32_t blk_limit[WEIR_CORE_CLASSES];
	uint32_t id; /* I: process-wide stream id (weir_stream_id) */
	/* A: the capture this stream records into, or NULL (capture.c C1):
	 * set by begin / a join, cleared by end; read acquire by every push */
	_Atomic(struct weir_capture *) capture;

	/* Producer side. */
	weir_cacheline_aligned _Atomic uintptr_t top; /* A: inbox stack | state (see enum) */
	_Atomic uint64_t submitted;                   /* A: tasks accepted */
	_Atomic uint64_t retired_seen;                /* A: producers' cache of retired */

	/* Owner side. */
	weir_cacheline_aligned _Atomic uint64_t retired; /* A: tasks finished, any outcome */
	/* A: the retired count of a record task whose event completion the
	 * owner is publishing right now, 0 otherwise (stream.c invariant 7) */
	_Atomic uint64_t publishing;
	struct weir_task *head, *tail; /* O: private FIFO */
	uint32_t taken_max;            /* O: newest id taken from the inbox (reversal hints) */
	/* O: held at an event wait by the worker that runs it (stream.c
	 * "Held waits"): the worker's list link, and `retired` when the
	 * worker last resumed it from there (equal: no progress since) */
	struct weir_stream *hold_next;
	uint64_t hold_mark;
	_Atomic uint64_t n_ok;        /* A: relaxed statistics, owner writes */
	_Atomic uint64_t n_failed;    /* A */
	_Atomic uint64_t n_discarded; /* A */

	/* Shared, rarely written. */
	weir_cacheline_aligned struct weir_waitq wq; /* host sync waiters on retired */
	struct weir_gate room;                   /* producers waiting for room (back-pressure) */
	_Atomic uint64_t error;                  /* A: first failure record since the last sync */
	_Atomic uint64_t abort_until;            /* A: discard while retired < this */
	_Atomic int aborted;                     /* A: next sync reports WEIR_EABORTED */
	_Atomic uint32_t halt;                   /* A: WEIR__HALT_* (stream.c inv. 10) */
	_Atomic uint32_t refs;                   /* A: 1 for the handle + sync/destroy holders */
	_Atomic uint64_t reporter;               /* A: subscribed reporter handle or 0 */
	_Atomic uint64_t host_reporter;          /* A: reporter running its host functions, or 0 */
	_Atomic(struct weir_event *) park_event; /* A: event it is parked on, or NULL */
	_Atomic(struct weir_parklist *) park_pl; /* A: park list it is parked on, or NULL */
	struct weir_stream *park_next;           /* L(event->lock or park_pl->lock) */
	uint64_t park_gen;                       /* L(event->lock) */
	struct weir_stream *rq_next;             /* ready inbox / ready list link: owned by
	                                      whoever holds the stream QUEUED */
	struct weir_stream *g_next;              /* L(group->lock) */
	struct weir_stream *g_prev;              /* L(group->lock) */
};

/* A device's ready inbox: MPSC stack of streams linked through rq_next
 * (base/mpsc.h): weir__ready_push / _take_all / _reverse. */
WEIR_MPSC_DEFINE(weir__ready, struct weir_stream, rq_next)

/* Push t. WEIR_EAGAIN when full (the caller waits or reports it). */
int weir__stream_push(struct weir_stream *st, struct weir_task *t);
/* weir__stream_push() in two steps, for a caller with a side effect to take
 * between them (an event record's ticket): the admission checks (WEIR_OK,
 * WEIR_ESTOPPED, WEIR_EAGAIN: full), then the push, which no check refuses.
 * Both inside the read-side section that found st (invariant 8). */
int weir__stream_admit(struct weir_stream *st);
void weir__stream_push_admitted(struct weir_stream *st, struct weir_task *t);
/* Push a pre-linked FIFO chain of n records with one CAS (capture.c). */
void weir__stream_push_chain(struct weir_stream *st, struct weir_task *first, uint32_t n);
/* Look up, push, and wait for room when full (events, host functions). */
int weir__stream_submit_task(const weir_stream_t *h, struct weir_task *t);
/* RUNNING -> PARKED keeping the inbox; the caller gives up ownership. */
void weir__stream_park(struct weir_stream *st);
/* Run a stream the caller just took from the ready list (state RUNNING). */
void weir__stream_run(struct weir_stream *st, uint32_t worker_index);
/* Held waits (stream.c): the oldest stream worker w holds, now resumed
 * (RUNNING, its owner w), or NULL; and the check before a task with time of
 * its own that hands held streams able to go on to the ready queue (H3). */
struct weir_worker;
struct weir_stream *weir__stream_unhold(struct weir_worker *w);
void weir__stream_hold_check(struct weir_worker *w);
/* PARKED -> QUEUED and onto the ready list (the caller resumed it). */
void weir__stream_unpark(struct weir_stream *st);
/* Retire the head task of a stream the caller owns (O). `fail` is the
 * task's failure record (0: it succeeded; weir__fail_task/_runtime). */
void weir__stream_retire_head(struct weir_stream *st, uint64_t fail, bool discarded,
                              struct weir_task_batch *batch);
/* Retire a task the owner already unlinked from the FIFO (host tasks). */
void weir__stream_retire(struct weir_stream *st, struct weir_task *t, uint64_t fail, bool discarded,
                         struct weir_task_batch *batch);
/* Wait until retired >= target; then report errors (sync semantics); the
 * failing task's own code goes to *task_code (may be NULL). */
int weir__stream_sync_ref(struct weir_stream *st, int64_t timeout_ns, int *task_code);
/* Destroy a stream the caller has unpublished (group/runtime teardown):
 * wait for its tasks, or with `force` (device reset) discard them first. */
void weir__stream_teardown(struct weir_stream *st, bool force);
/* Discard every task submitted so far that has not started, and release a
 * park (weir_stream_abort on a stream the caller holds). */
void weir__stream_abort(struct weir_stream *st);

/* ------------------------------------------------------------------------ */
/* Groups, devices, workers, runtime                                         */
/* ------------------------------------------------------------------------ */

struct weir_group {
	struct weir_obj obj;         /* I */
	struct weir_runtime *rt;     /* I */
	struct weir_device *dev;     /* I */
	_Atomic int mode;            /* A: WEIR_FAILURE_* */
	_Atomic uint64_t stop_error; /* A: sticky first failure record (STOP mode) */
	pthread_mutex_t lock;        /* guards the stream list */
	struct weir_stream *streams; /* L(lock) */
	struct weir_group *rt_next;  /* L(rt->lock) */
	struct weir_group *rt_prev;  /* L(rt->lock) */
	_Atomic uint32_t refs;       /* A: handle + holders */
};

/* Float flags of a stream and of its kernel tasks (stream->fp, task->fp). */
#define WEIR__FP_CHECK    0x1u /* overflow check on: reports reach the device status */
#define WEIR__FP_SATURATE 0x2u /* the stream was created in saturation mode */

/* A kernel split into blocks, posted for the device's other workers. */
struct weir_job {
	weir_kernel_fn fn;        /* I */
	void *args;               /* I */
	uint32_t nblocks;         /* I */
	uint32_t cap;             /* I: most workers inside at once (the block limit) */
	uint32_t fp;              /* I: the task's WEIR__FP_* (a helper's kernel context) */
	_Atomic uint32_t next;    /* A: next block index to claim */
	_Atomic uint32_t runners; /* A: workers running blocks now, owner included (<= cap) */
	_Atomic int rc;           /* A: first failure */
	/* I: the stream's halt word (stream.c inv. 10), read relaxed before each block */
	const _Atomic uint32_t *halt;
	_Atomic bool halted; /* A: relaxed, read by the owner after DEV-A3: a block was skipped */
};

struct weir_job_slot {
	weir_cacheline_aligned _Atomic(struct weir_job *) job; /* A: posted by the slot's worker */
	_Atomic uint32_t users;                                /* A: helpers inside the job */
};

struct weir_worker {
	struct weir_device *dev; /* I */
	uint32_t index;          /* I */
	int cpu;                 /* I: pinned CPU or -1 */
	pthread_t thread;        /* I */
	uint32_t spin_ns;        /* W: adaptive budget */
	/* W: a stream this worker unparked (QUEUED, on no queue) that it runs
	 * when its current stream stops (device.c invariant 10) */
	struct weir_stream *runnext;
	/* W: streams this worker holds at an unsatisfied event wait, RUNNING,
	 * oldest first, linked through hold_next (stream.c "Held waits") */
	struct weir_stream *hold_head, *hold_tail;
	uint32_t nheld;
	_Atomic uint64_t n_tasks;   /* A: relaxed statistics, written by this worker only */
	_Atomic uint64_t n_holds;   /* A */
	_Atomic uint64_t n_parks;   /* A */
	_Atomic uint64_t n_streams; /* A */
	uint64_t start_ns;          /* I: when the worker started (CLOCK_MONOTONIC) */
	/* A: relaxed, written by this worker only - idle time (spinning or
	 * parked) of ended idle periods; the start of the current idle period
	 * or 0 when busy (DEV-R5 / DEV-A5 order the pair for readers) */
	_Atomic uint64_t idle_ns;
	_Atomic uint64_t idle_since;
};

struct weir_device {
	struct weir_runtime *rt;     /* I */
	uint32_t id;                 /* I */
	uint32_t nworkers;           /* I */
	struct weir_worker *workers; /* I */
	struct weir_job_slot *jobs;  /* I: one slot per worker */

	weir_cacheline_aligned _Atomic(struct weir_stream *)
	        rq_inbox;        /* A: MPSC stack of newly ready streams */
	_Atomic uint32_t rq_len; /* A: streams in inbox + lists */
	_Atomic uint32_t njobs;  /* A: posted block jobs */
	/* A: workers spinning for work or lingering on a drained stream
	 * (device.c invariant 8); at most spin_cap */
	_Atomic uint32_t spinning;
	uint32_t spin_cap; /* I: 1 when workers outnumber CPUs, else nworkers */
	bool spin_yield;   /* I: the runtime's possible spinners outnumber CPUs */
	struct weir_ec ec; /* idle workers park here */
	/* A: relaxed - per core class block limit, 0 = none (limits.c) */
	_Atomic uint32_t blk_limit[WEIR_CORE_CLASSES];
	_Atomic uint32_t float_mode; /* A: relaxed - WEIR_FLOAT_*, for streams created later */
	_Atomic uint32_t overflow;   /* A: sticky overflow status (limits.c, DEV-R6/DEV-A6) */

	weir_cacheline_aligned pthread_mutex_t rq_lock; /* consumer side of the ready queue */
	struct weir_stream *rq_head[WEIR_PRIORITY_LOWEST + 1]; /* L(rq_lock) */
	struct weir_stream *rq_tail[WEIR_PRIORITY_LOWEST + 1]; /* L(rq_lock) */

	/* Host-callback thread (host.c; started on first use). */
	pthread_mutex_t cb_lock;              /* guards starting the thread */
	_Atomic bool cb_started;              /* A: written under cb_lock (HOST-R1), read
	                                      lock-free by launches (HOST-A1) */
	pthread_t cb_thread;                  /* L(cb_lock) */
	_Atomic(struct weir_task *) cb_inbox; /* A: MPSC stack of host tasks */
	struct weir_ec cb_ec;                 /* the callback thread parks here */
};

struct weir_runtime {
	weir_config_t cfg;                  /* I */
	char *cpus_copy;                    /* I */
	uint32_t ndevices;                  /* I */
	uint32_t total_workers;             /* I */
	uint32_t ncpus;                     /* I: CPUs available to the process */
	struct weir_device *devices;        /* I */
	_Atomic int stopping;               /* A: workers exit when set */
	pthread_mutex_t lock;               /* guards the lists below */
	struct weir_group *groups;          /* L(lock) */
	struct weir_event *events;          /* L(lock) */
	struct weir_reporter *reporters;    /* L(lock) */
	struct weir_notify *notifies;       /* L(lock) */
	struct weir_timer *timer;           /* I: timer.c (its thread starts on first use) */
	struct weir_parklist value_pl;      /* streams parked on value waits (value.c) */
	struct weir_timer_entry value_poll; /* L(timer lock): value.c's re-check */
	_Atomic bool value_poll_on;         /* A: value_poll is queued (value.c VW2) */
	weir_fault_fn fault_fn;             /* L(lock): weir_runtime_set_fault_hook */
	void *fault_user;                   /* L(lock) */
	_Atomic bool fault_on;              /* A: relaxed hint for workers: fault_fn != NULL */
	/* A: relaxed - workers not parked or already woken (device.c
	 * invariant 11); host polls read it to choose a short poll when the
	 * CPUs are taken. Own line: written on every park and wake, while
	 * workers poll `stopping`. */
	weir_cacheline_aligned _Atomic uint32_t busy_workers;
};

/* Timer (timer.c). init: WEIR_ENOMEM; fini joins the thread (call after
 * every stream is gone). add: WEIR_OK, WEIR_ENOMEM, WEIR_ESTATE (stopping).
 * cancel: true if it was still queued; when it returns, the entry's callback
 * is not running. */
int weir__timer_init(struct weir_runtime *rt);
void weir__timer_fini(struct weir_runtime *rt);
void weir__timer_entry_init(struct weir_timer_entry *e, uint64_t (*fn)(struct weir_timer_entry *));
int weir__timer_add(struct weir_runtime *rt, struct weir_timer_entry *e, uint64_t deadline);
bool weir__timer_cancel(struct weir_runtime *rt, struct weir_timer_entry *e);
/* Timed waits: arm the head wait task t of st (no-op without a time-out),
 * test whether its deadline passed, disarm it (before the task retires). */
int weir__wait_arm(struct weir_stream *st, struct weir_task *t);
bool weir__wait_fired(struct weir_task *t);
void weir__wait_disarm(struct weir_stream *st, struct weir_task *t);
/* Park lists. park: WEIR_OK (ready, or an abort raced: re-check discard),
 * WEIR_EWAITTIMEOUT, WEIR_ENOTREADY (parked: hands the stream over). wake:
 * resume up to max parked streams for which ready() holds or whose wait
 * fired. cancel: abort / timer side, true if the caller now owns st. */
void weir__parklist_init(struct weir_parklist *pl);
void weir__parklist_fini(struct weir_parklist *pl);
int weir__parklist_park(struct weir_parklist *pl, struct weir_stream *st, struct weir_task *t,
                        bool (*ready)(struct weir_stream *, struct weir_task *));
void weir__parklist_wake(struct weir_parklist *pl, uint32_t max,
                         bool (*ready)(struct weir_stream *, struct weir_task *));
bool weir__parklist_cancel(struct weir_stream *st);

/* Notify and value tasks (notify.c, value.c), from the run loop: run the
 * head task t of st. WEIR__RUN_DONE: retired; WEIR__RUN_PARKED: the stream
 * parked and the caller must leave it alone; WEIR__RUN_RETRY: an abort
 * raced the park, the caller re-checks for discard. Or discard it. */
enum { WEIR__RUN_DONE = 0, WEIR__RUN_PARKED = 1, WEIR__RUN_RETRY = 2 };
int weir__notify_run(struct weir_stream *st, struct weir_task *t, struct weir_task_batch *b);
int weir__value_run(struct weir_stream *st, struct weir_task *t, struct weir_task_batch *b);
void weir__sync_task_discard(struct weir_stream *st, struct weir_task *t);
/* value.c: a task that may have written memory retired on some stream of
 * rt: re-check parked value waits. Inline (after every kernel task): one
 * load of the park list's count when none is parked (value.c W2, timer.c
 * P1: the caller's retirement ST-R3 was seq_cst). */
void weir__value_recheck(struct weir_runtime *rt);
static inline void weir__value_written(struct weir_runtime *rt)
{
#ifdef WEIR_BUSTED_VALUE_NO_RECHECK
	(void)rt; /* planted: a parked value wait is never re-checked */
	return;
#endif
	/* P1: seq_cst - after the caller's seq_cst retirement (W2). */
	if (weir_load_seqcst(&rt->value_pl.n) != 0)
		weir__value_recheck(rt);
}
/* Lifecycles (runtime.c). */
void weir__value_init(struct weir_runtime *rt);
void weir__value_fini(struct weir_runtime *rt);
void weir__notify_teardown(struct weir_notify *n);

/* Configuration (config.c). */
int weir__config_validate(const weir_config_t *c);
/* CPU lists of cfg.cpus ("0-3,6", one shared list or one per device
 * separated by ';'), or every allowed CPU when cpus is NULL. */
enum { WEIR_CPU_LIST_MAX = CPU_SETSIZE > 1024 ? 1024 : CPU_SETSIZE };
struct weir_cpu_lists {
	int (*cpu)[WEIR_CPU_LIST_MAX]; /* n lists */
	int len[WEIR_MAX_DEVICES];
	int n;
};
/* WEIR_OK, WEIR_ENOMEM, or WEIR_EINVAL (malformed, or a CPU outside the
 * allowed mask). On failure nothing is left to free. */
int weir__cpu_lists_make(struct weir_cpu_lists *l, const char *cpus, const cpu_set_t *allowed);
/* The CPU of worker `worker` of device `dev`. */
int weir__cpu_lists_pick(const struct weir_cpu_lists *l, uint32_t dev, uint32_t worker,
                         uint32_t nworkers);
void weir__cpu_lists_free(struct weir_cpu_lists *l);

/* Devices (device.c). */
/* Push a stream that the caller moved to QUEUED on its device's ready
 * inbox and wake a worker. */
void weir__device_ready(struct weir_device *dev, struct weir_stream *st);
/* weir__device_ready() without the wake, for a worker requeueing the stream
 * it ran: it pops from the ready queue right after. */
void weir__device_requeue(struct weir_device *dev, struct weir_stream *st);
/* A stream just moved to QUEUED: true if the calling thread is a worker of
 * its device and took it as its run-next (device.c invariant 10), else the
 * caller pushes it with weir__device_ready(). */
bool weir__device_handoff(struct weir_stream *st);
/* The worker running a stream: push its run-next on the ready queue (with a
 * wake) before something that may take long (device.c invariant 10). */
static inline void weir__device_flush_next(struct weir_worker *w)
{
	void weir__device_ready(struct weir_device * dev, struct weir_stream * st);
	struct weir_stream *st = w->runnext;
	if (__builtin_expect(st != NULL, 0)) {
		w->runnext = NULL;
		weir__device_ready(w->dev, st);
	}
}
/* Spinner places (device.c invariant 8): take one before polling for work
 * (false: the cap is reached, park or move on instead); give it back when
 * the poll ends. `found_own` says the poller goes on with work no one else
 * could take (a lingering stream's own tasks): then a stream left on the
 * ready queue gets a parked worker. */
bool weir__device_spin_begin(struct weir_device *dev);
void weir__device_spin_end(struct weir_device *dev, bool found_own);
/* Run a kernel task of stream st (all of its blocks) on worker w, at most
 * weir__block_cap(dev, st) workers at once. *halted: a stop of st (stream.c
 * invariant 10) skipped blocks that had not started. */
int weir__device_run_kernel(struct weir_device *dev, uint32_t worker, struct weir_stream *st,
                            struct weir_task *t, bool *halted);

/* Limits, float modes and overflow (limits.c). The block cap of a kernel of
 * st: per core class the stream's limit, else the device's, else none; the
 * smallest of those and the worker count. */
uint32_t weir__block_cap(const struct weir_device *dev, struct weir_stream *st);
/* The kernel context of the calling worker (set around every block run):
 * the device and the task's WEIR__FP_* bits; NULL outside a kernel.
 * Thread-local (limits.c), no ordering; inline: around every kernel task. */
extern _Thread_local struct weir_device *weir__tls_kdev;
extern _Thread_local uint32_t weir__tls_kfp;
static inline void weir__kernel_enter(struct weir_device *dev, uint32_t fp,
                                      struct weir_device **saved_dev, uint32_t *saved_fp)
{
	*saved_dev = weir__tls_kdev;
	*saved_fp = weir__tls_kfp;
	weir__tls_kdev = dev;
	weir__tls_kfp = fp;
}
static inline void weir__kernel_leave(struct weir_device *saved_dev, uint32_t saved_fp)
{
	weir__tls_kdev = saved_dev;
	weir__tls_kfp = saved_fp;
}
/* Lifecycle (runtime.c): init (WEIR_ENOMEM: the caller still calls fini),
 * start worker i (a pthread_create result), wake every sleeper once
 * rt->stopping is set, join the first nworkers workers, fini. */
int weir__device_init(struct weir_device *dev, struct weir_runtime *rt, uint32_t id,
                      uint32_t nworkers);
int weir__device_start_worker(struct weir_device *dev, uint32_t i);
void weir__device_wake_all(struct weir_device *dev);
void weir__device_join(struct weir_device *dev, uint32_t nworkers);
void weir__device_fini(struct weir_device *dev);

/* Host functions (host.c). */
/* Hand a host task of a stream parked on it to the device's callback
 * thread (started by weir_launch_host before the task was submitted). */
void weir__host_push(struct weir_device *dev, struct weir_task *t);
/* Start the device's callback thread if it is not running (WEIR_ENOMEM). */
int weir__host_start(struct weir_device *dev);
/* Lifecycle of the callback thread's part of a device (device.c, runtime.c). */
void weir__host_init(struct weir_device *dev);
void weir__host_wake(struct weir_device *dev);
void weir__host_join(struct weir_device *dev);
void weir__host_fini(struct weir_device *dev);

/* ------------------------------------------------------------------------ */
/* Events and reporters                                                      */
/* ------------------------------------------------------------------------ */

#define WEIR_EVENT_EARLY 64

struct weir_event {
	struct weir_obj obj;              /* I */
	struct weir_runtime *rt;          /* I */
	uint32_t dev;                     /* I */
	uint32_t flags;                   /* I */
	_Atomic uint64_t rec_gen;         /* A: records queued */
	_Atomic uint64_t done_gen;        /* A: every record <= this has completed */
	_Atomic uint32_t npending;        /* A: announced out-of-order completions */
	uint32_t nearly;                  /* L(lock): entries in `early` */
	uint64_t early[WEIR_EVENT_EARLY]; /* L(lock): completed records > done_gen + 1 */
	_Atomic uint32_t flag;            /* A: FLAG events: 1 = set */
	_Atomic uint64_t stamp_ns;        /* A: time of the newest completed record */
	_Atomic uint32_t nparked;         /* A: streams in `parked` */
	struct weir_waitq wq;             /* host sync waiters on done_gen */
	pthread_mutex_t lock;             /* guards parked */
	struct weir_stream *parked;       /* L(lock) */
	_Atomic uint32_t refs;            /* A: handle + queued tasks + holders */
	bool destroyed;                   /* L(lock): the handle was destroyed (invariant 7) */
	/* A: the capture whose record of this event is the latest, or NULL
	 * (capture.c C4); a wait on the event then joins that capture */
	_Atomic(struct weir_capture *) cap;
	struct weir_event *rt_next; /* L(rt->lock) */
	struct weir_event *rt_prev; /* L(rt->lock) */
};

/* Worker side. */
void weir__event_complete_record(struct weir_event *e, uint64_t gen);
/* Evaluate a wait task. WEIR_ENOTREADY: the stream parked (the caller must
 * then leave it alone). WEIR_OK: the wait is satisfied, or an abort raced the
 * park (the caller then re-checks for discard). WEIR_EHANDLE: the wait can
 * never be satisfied because its event was destroyed and no record queued
 * before that can satisfy it (event.c invariant 7): the caller retires the
 * task with that status. */
int weir__event_try_wait(struct weir_stream *st, struct weir_event *e, uint64_t gen,
                         struct weir_task *t);
void weir__event_reset_flag(struct weir_event *e);
/* Is wait `gen` on e satisfied now? The lock-free half of the evaluation
 * (no park, no early set): false may be stale, true is final for a
 * snapshot wait (event.c invariant 1). */
bool weir__event_ready(struct weir_event *e, uint64_t gen);
/* Cancel a park (abort); returns true if the caller now owns the stream. */
bool weir__event_cancel_park(struct weir_stream *st);

struct weir_reporter {
	struct weir_obj obj;               /* I */
	struct weir_runtime *rt;           /* I */
	_Atomic(struct weir_task *) inbox; /* A: MPSC stack of callbacks */
	struct weir_ec ec;                 /* process() sleeps here */
	pthread_mutex_t lock;              /* consumer side + subscriptions */
	struct weir_task *head, *tail;     /* L(lock): FIFO of taken callbacks */
	int32_t dev;                       /* L(lock): device of subscribed streams or -1 */
	uint32_t nsubs;                    /* L(lock) */
	_Atomic uint32_t refs;             /* A */
	_Atomic bool dead;                 /* A: destroyed; process() returns (reporter.c inv. 5) */
	struct weir_reporter *rt_next;     /* L(rt->lock) */
	struct weir_reporter *rt_prev;     /* L(rt->lock) */
};

/* Reporters (reporter.c). */
/* True if st is subscribed to a live reporter. */
bool weir__reporter_subscribed(struct weir_stream *st);
/* Worker side: hand t to the stream's reporter, parking the stream first
 * when `park`. False (nothing done) if the reporter is gone. */
bool weir__reporter_handoff(struct weir_stream *st, struct weir_task *t, bool park);
/* Worker side: hand host task t to the stream's host reporter, parking the
 * stream. False (nothing done) if it has none. */
bool weir__reporter_handoff_host(struct weir_stream *st, struct weir_task *t);
/* True if st's host functions go to a live reporter. */
bool weir__reporter_host_subscribed(struct weir_stream *st);
/* Abort side: take back a blocking callback of st that no thread started. */
bool weir__reporter_cancel(struct weir_stream *st);
void weir__reporter_teardown(struct weir_reporter *rep);
void weir__event_teardown(struct weir_event *e);

/* Notifies (notify.c): a counting signal; a wait task consumes one record. */
struct weir_notify {
	struct weir_obj obj;         /* I */
	struct weir_runtime *rt;     /* I */
	uint32_t dev;                /* I */
	uint32_t flags;              /* I: WEIR_NOTIFY_* */
	_Atomic uint64_t count;      /* A: records run and not yet consumed (a counter
	                                notify: its 32-bit value) */
	_Atomic uint64_t queued;     /* A: record tasks queued and not yet run */
	_Atomic bool destroyed;      /* A: the handle was destroyed (notify.c N3) */
	struct weir_parklist pl;     /* streams waiting for a record */
	_Atomic uint32_t refs;       /* A: handle + queued tasks */
	struct weir_notify *rt_next; /* L(rt->lock) */
	struct weir_notify *rt_prev; /* L(rt->lock) */
};
uint32_t weir__notify_type(void);

/* ------------------------------------------------------------------------ */
/* Capture (capture.c)                                                       */
/* ------------------------------------------------------------------------ */

struct weir_capture;
/* stream.c's push, when st->capture is set: record t instead of running it.
 * True: taken (t now belongs to the capture); false: the capture ended
 * meanwhile, push it as usual. Inside the pusher's read-side section. */
bool weir__capture_take(struct weir_stream *st, struct weir_task *t);
/* event.c, inside the read-side section that found st and e, when st
 * captures or e is bound to a capture (kind RECORD, WAIT or RESET; t is
 * filled except for its generation and holds a reference on e). WEIR_OK:
 * taken; WEIR_EAGAIN: not captured, queue t as usual; otherwise an error
 * (t and its reference are then the caller's to drop). */
int weir__capture_event(struct weir_stream *st, struct weir_event *e, struct weir_task *t);
/* Host sync / query of a capturing stream or of an event bound to a
 * capture: invalidate it (capture.c C6). Always WEIR_ECAPTURE. */
int weir__capture_refuse(struct weir_capture *cap);
/* stream.c's worker loop: run a WEIR_TK_PROGRAM task (capture.c C12): its
 * kernels inline (blocks spread as a kernel task's), its control items.
 * Returns the first failing kernel's code; *halted as for a kernel. */
struct weir_device;
int weir__ri_program_run(struct weir_device *dev, uint32_t widx, struct weir_stream *st,
                         struct weir_task *t, bool *halted);
/* notify.c: a record task leaves (captured) or re-enters (replayed) the
 * queued count N2 without running. */
void weir__notify_unqueue(struct weir_notify *n);
void weir__notify_requeue(struct weir_notify *n);

/* ------------------------------------------------------------------------ */
/* Object lifecycles (base/obj.h)                                            */
/* ------------------------------------------------------------------------ */

/* For each handle type X: weir__X_lookup(h) (inside RCU), weir__X_get(h)
 * (lookup + reference), weir__X_ref(x), weir__X_tryref(x), weir__X_put(x);
 * the last put retires x and, after a grace period, weir__X_free frees it.
 * Events take references on looked-up objects with weir__event_tryref: their
 * destroy drops the handle's reference without a grace period (obj.h O2). */
void weir__group_free(struct weir_obj *o);    /* group.c */
void weir__stream_free(struct weir_obj *o);   /* stream.c: also puts its group */
void weir__event_free(struct weir_obj *o);    /* event.c */
void weir__reporter_free(struct weir_obj *o); /* reporter.c */
WEIR_OBJ_DEFINE(weir__group, struct weir_group, weir_group_t, WEIR_T_GROUP, weir__group_free)
WEIR_OBJ_DEFINE(weir__stream, struct weir_stream, weir_stream_t, WEIR_T_STREAM, weir__stream_free)
WEIR_OBJ_DEFINE(weir__event, struct weir_event, weir_event_t, WEIR_T_EVENT, weir__event_free)
WEIR_OBJ_DEFINE(weir__reporter, struct weir_reporter, weir_reporter_t, WEIR_T_REPORTER,
                weir__reporter_free)
void weir__notify_free(struct weir_obj *o); /* notify.c */
/* Notifies take their registry type id at run time (weir__reg_type), so the
 * fixed ids stay free for the layers above. */
WEIR_OBJ_DEFINE(weir__notify, struct weir_notify, weir_notify_t, weir__notify_type(),
                weir__notify_free)

#endif /* WEIR_SCHED_INTERNAL_H */
