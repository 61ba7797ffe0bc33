/*
 * weir/sched.h - the native scheduler API: runtimes, devices, stream groups,
 * streams, tasks ("kernels"), events and host callbacks.
 *
 * Model (the execution model of Ascend's runtime, on CPU workers):
 *  - A runtime owns N virtual devices. Each device has pinned worker threads.
 *  - A stream is an in-order task queue on one device. Any number of host
 *    threads may submit to one stream; tasks of one stream run one at a time,
 *    in the order their submissions linearize. Streams are mutually unordered.
 *  - A stream group (an ACL context) is a set of streams on one device sharing
 *    a failure mode. Device-level synchronize covers one group.
 *  - Events order streams: record on A, wait on B. Waiting never blocks a
 *    worker; the waiting stream parks on the event instead.
 *  - Host functions run on a per-device callback thread (or, with a reporter,
 *    inside a user thread's weir_reporter_process()), while their stream waits.
 *
 * Handles. Every group, stream, event and reporter handle is an opaque value
 * checked against an RCU-protected registry on every call: a destroyed,
 * foreign, wrong-type or garbage handle returns WEIR_EHANDLE and is never
 * dereferenced. The runtime is a plain owned pointer (see "Handle types").
 *
 * Time-outs are in nanoseconds: WEIR_TIMEOUT_INFINITE (-1) waits forever, 0
 * polls, a positive value bounds the wait. Other negative values: WEIR_EINVAL.
 *
 * Thread-safety: every function may be called from any thread at any time,
 * except that an object may not be used after its destroy call returns (the
 * call then returns WEIR_EHANDLE, never crashes) and weir_runtime_destroy()
 * must not race other calls on the same runtime.
 */
#ifndef WEIR_SCHED_H
#define WEIR_SCHED_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "weir/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Handle types. Two kinds of object pointer cross this API:
 *
 *  - Registry handles: weir_group_t, weir_stream_t, weir_event_t and
 *    weir_reporter_t. The value is an encoded (generation, type, slot)
 *    integer, not an address, so each is declared as a pointer to a struct
 *    of its own, weir_<name>_handle, that is never defined anywhere (not even
 *    inside the library). The library's objects are different structs
 *    (struct weir_stream, ...), so passing an internal object where a handle
 *    is expected, or one handle type for another, is a compile-time error
 *    (incompatible pointer types) rather than a run-time WEIR_EHANDLE.
 *
 *  - Owned pointers: weir_runtime_t (and weir_mem_t, weir_graph_t,
 *    weir_attrs_t and weir_session_t in the headers above this one). These
 *    are real addresses of the library's objects, opaque to users (the struct
 *    is defined only inside the library), and are not checked against the
 *    registry: the caller owns the object from create to destroy.
 */
typedef struct weir_runtime weir_runtime_t;
typedef struct weir_group_handle weir_group_t;
typedef struct weir_stream_handle weir_stream_t;
typedef struct weir_event_handle weir_event_t;
typedef struct weir_reporter_handle weir_reporter_t;
typedef struct weir_notify_handle weir_notify_t;

#define WEIR_MAX_DEVICES      64
#define WEIR_TIMEOUT_INFINITE ((int64_t)-1)
/* Bytes of argument block copied inline into each task record. */
#define WEIR_ARGS_MAX         80
#define WEIR_ARGS_RELEASE_MAX 64 /* weir_launch_release(): 16 bytes hold the release */
#define WEIR_PRIORITY_HIGHEST 0
#define WEIR_PRIORITY_LOWEST  7

/* ------------------------------------------------------------------------ */
/* Runtime                                                                   */
/* ------------------------------------------------------------------------ */

typedef struct weir_config {
	uint32_t devices;            /* virtual devices; default 8 (env WEIR_DEVICES) */
	uint32_t workers_per_device; /* 0 = auto: max(1, cpus / devices) (WEIR_WORKERS) */
	/* CPUs the workers are pinned to, as a list "0-3,6". Several lists
	 * separated by ';' give one list per device ("0;1;0;1"); one list is
	 * shared round-robin. NULL = the process's affinity mask (WEIR_CPUS). */
	const char *cpus;
	uint32_t ring_capacity; /* max pending tasks per stream, power of two;
	                                default 4096 (WEIR_RING_CAPACITY) */
	uint32_t spin_ns;       /* most an idle worker spins before parking;
	                                adaptive below this; default 50000 (WEIR_SPIN_NS) */
	uint32_t quantum;       /* tasks a worker runs from one stream before
	                                it lets others go; default 64 (WEIR_QUANTUM) */
	uint64_t mem_capacity;  /* bytes of memory per device, used by weir/mem.h;
	                                0 = mem's default (WEIR_MEM_CAPACITY) */
	uint32_t flags;         /* WEIR_CONFIG_* */
} weir_config_t;

#define WEIR_CONFIG_NO_PIN 0x1u /* do not pin workers (WEIR_NO_PIN=1) */

/* Fill *cfg with the defaults above. Never fails. */
WEIR_API void weir_config_init(weir_config_t *cfg);

/* Override *cfg from the environment variables named above.
 * Returns WEIR_OK, or WEIR_EINVAL (cfg untouched) if a variable is malformed. */
WEIR_API int weir_config_from_env(weir_config_t *cfg);

/* Create a runtime: devices, workers (pinned, named weir-d<dev>w<n>).
 * cfg NULL means defaults plus environment. Returns WEIR_OK, WEIR_EINVAL (bad
 * config: zero or too many devices, capacity not a power of two, bad CPU
 * list), WEIR_ENOMEM. On failure nothing is left behind.
 * Partner: weir_runtime_destroy(). */
WEIR_API int weir_runtime_create(const weir_config_t *cfg, weir_runtime_t **out);

/* Tear a runtime down: every remaining group is destroyed as by
 * weir_group_destroy_force() (pending tasks discarded, a running task
 * finishes first; streams already force-destroyed included), events are
 * freed, workers and callback threads are joined. NULL is a no-op. No other
 * call on this runtime may run concurrently or after. */
WEIR_API void weir_runtime_destroy(weir_runtime_t *rt);

WEIR_API uint32_t weir_runtime_device_count(const weir_runtime_t *rt);
/* The effective configuration (after defaults and environment). */
WEIR_API const weir_config_t *weir_runtime_config(const weir_runtime_t *rt);

/* ------------------------------------------------------------------------ */
/* Stream groups (ACL contexts) and devices                                  */
/* ------------------------------------------------------------------------ */

enum weir_failure_mode {
	WEIR_FAILURE_CONTINUE = 0, /* later tasks still run; sync returns the first error */
	WEIR_FAILURE_STOP = 1,     /* first failure stops every stream of the group */
};

/* Create an empty stream group on device `dev`. Returns WEIR_OK, WEIR_EDEVICE,
 * WEIR_ENOMEM, WEIR_EINVAL (NULL out). Partner: weir_group_destroy(). */
WEIR_API int weir_group_create(weir_runtime_t *rt, uint32_t dev, weir_group_t **out);

/* Destroy a group and every stream still in it, streams already
 * force-destroyed (weir_stream_destroy_force) but not yet drained included.
 * The plain form waits for their pending tasks; _force (a device reset)
 * discards them (a running task finishes first) and releases streams parked
 * on events or callbacks. WEIR_EHANDLE on a bad handle. */
WEIR_API int weir_group_destroy(weir_group_t *g);
WEIR_API int weir_group_destroy_force(weir_group_t *g);

/* Set the failure mode. STOP -> CONTINUE returns WEIR_ENOTSUP; setting the
 * current mode again is a successful no-op. */
WEIR_API int weir_group_set_failure_mode(weir_group_t *g, int mode);
WEIR_API int weir_group_get_failure_mode(weir_group_t *g, int *mode);

/* Wait for every task submitted so far to every stream of the group
 * (force-destroyed streams still draining included). Returns WEIR_OK,
 * WEIR_ETIMEDOUT (work continues), the first task failure seen on any of its
 * streams (a positive task code, or WEIR_EKERNEL: weir/status.h),
 * WEIR_EABORTED, or WEIR_EHANDLE. */
WEIR_API int weir_group_sync(weir_group_t *g, int64_t timeout_ns);
/* weir_group_sync() that also returns the failing task's own code: when the
 * result is a task failure (weir_status_is_task_failure()), *task_code is the
 * value that task returned (e.g. -5 for a result of WEIR_EKERNEL); otherwise
 * 0. task_code may be NULL. */
WEIR_API int weir_group_sync_code(weir_group_t *g, int64_t timeout_ns, int *task_code);

WEIR_API int weir_group_device(weir_group_t *g, uint32_t *dev);

/* Wait for every stream of every group on device `dev`. Same returns as
 * weir_group_sync(), plus WEIR_EDEVICE. The _code form as weir_group_sync_code(). */
WEIR_API int weir_device_sync(weir_runtime_t *rt, uint32_t dev, int64_t timeout_ns);
WEIR_API int weir_device_sync_code(weir_runtime_t *rt, uint32_t dev, int64_t timeout_ns,
                                   int *task_code);
/* Streams living on device `dev` (every group's, force-destroyed ones not
 * yet reclaimed included): a snapshot. WEIR_EINVAL, WEIR_EDEVICE, WEIR_ENOMEM. */
WEIR_API int weir_device_stream_count(weir_runtime_t *rt, uint32_t dev, uint32_t *count);

typedef struct weir_worker_stats {
	uint64_t tasks;   /* tasks run (blocks of split kernels count once each) */
	uint64_t parks;   /* times the worker parked on the device eventcount */
	uint64_t streams; /* stream turns taken */
	uint64_t busy_ns; /* time not spent idle (spinning for work or parked) since start */
	uint64_t up_ns;   /* time since the worker started */
	uint64_t holds;   /* event waits held on the worker instead of parked (design.md) */
} weir_worker_stats_t;

/* Per-worker counters of device `dev`. `n` in: capacity of `out`; out: the
 * number of workers. Counters are read relaxed (approximate while running);
 * busy_ns <= up_ns always. */
WEIR_API int weir_device_stats(weir_runtime_t *rt, uint32_t dev, weir_worker_stats_t *out,
                               uint32_t *n);

/* ------------------------------------------------------------------------ */
/* Block limits, float modes and overflow status (sched/limits.c)            */
/* ------------------------------------------------------------------------ */

/*
 * Block limits. A kernel with nblocks > 1 runs its blocks on the device's
 * workers in parallel; a block limit caps how many workers run blocks of
 * ONE kernel at the same time (the blocks still all run, fewer at once).
 * Limits are kept per core class (the two kinds of core of Ascend's AI
 * cores). A weir worker is both kinds and a kernel may use either, so a
 * kernel is capped by both classes: for each class the stream's limit if
 * set, else the device's if set, else none; the kernel's cap is the
 * smallest of those and the device's worker count. A change applies to
 * kernels that start after it. Kernels of different streams are capped
 * separately (as on Ascend, where the limit is on the cores one kernel is
 * dispatched to).
 */
enum weir_core_class {
	WEIR_CORE_CUBE = 0,
	WEIR_CORE_VECTOR = 1,
};
#define WEIR_CORE_CLASSES 2

/* Set (limit >= 1) or clear (limit 0) a block limit. Returns WEIR_OK,
 * WEIR_EINVAL (NULL rt, class out of range), WEIR_EDEVICE, WEIR_EHANDLE. */
WEIR_API int weir_device_set_block_limit(weir_runtime_t *rt, uint32_t dev, int cls, uint32_t limit);
WEIR_API int weir_stream_set_block_limit(weir_stream_t *s, int cls, uint32_t limit);
/* The limit set, 0 when none. Same returns, WEIR_EINVAL for NULL limit. */
WEIR_API int weir_device_block_limit(weir_runtime_t *rt, uint32_t dev, int cls, uint32_t *limit);
WEIR_API int weir_stream_block_limit(weir_stream_t *s, int cls, uint32_t *limit);

/*
 * Float modes. INFNAN (the default): float kernels produce IEEE results,
 * inf and NaN included. SATURATION: kernels that honour it clamp a result
 * that would overflow to the largest finite value of its type (docs/ops.md
 * lists the ops). The mode is the device's at the time a stream is created
 * and stays with the stream.
 *
 * Overflow status. Each device has one sticky word. A kernel that honours
 * it reports an overflow (an inf or NaN made from finite inputs, or a value
 * clamped in SATURATION mode) with weir_kernel_report_overflow(); the report
 * reaches the device's status only when the overflow check of the kernel's
 * stream was on when the kernel was launched. Reset clears it.
 */
enum weir_float_mode {
	WEIR_FLOAT_SATURATION = 0,
	WEIR_FLOAT_INFNAN = 1,
};

/* Returns WEIR_OK, WEIR_EINVAL (NULL, mode out of range), WEIR_EDEVICE. */
WEIR_API int weir_device_set_float_mode(weir_runtime_t *rt, uint32_t dev, int mode);
WEIR_API int weir_device_float_mode(weir_runtime_t *rt, uint32_t dev, int *mode);
/* The mode stream s was created with. WEIR_EINVAL, WEIR_EHANDLE. */
WEIR_API int weir_stream_float_mode(weir_stream_t *s, int *mode);
/* Turn the overflow check of s on or off for kernels launched after. */
WEIR_API int weir_stream_set_overflow_check(weir_stream_t *s, bool on);
WEIR_API int weir_stream_overflow_check(weir_stream_t *s, bool *on);
/* The device's status: 1 after an overflow was reported, else 0. Acquire:
 * the reports of kernels that finished before the call are seen. */
WEIR_API int weir_device_overflow_status(weir_runtime_t *rt, uint32_t dev, uint32_t *status);
WEIR_API int weir_device_overflow_reset(weir_runtime_t *rt, uint32_t dev);

/* Inside a running kernel (any block, on any worker): the flags of its
 * task, WEIR_KERNEL_FP_* (0 outside a kernel). Float ops check for overflow
 * only when WEIR_KERNEL_FP_CHECK is set, and clamp when SATURATE is. */
#define WEIR_KERNEL_FP_CHECK    0x1u
#define WEIR_KERNEL_FP_SATURATE 0x2u
WEIR_API uint32_t weir_kernel_float_flags(void);
/* Report an overflow of the running kernel: sets its device's status when
 * the task's check was on; otherwise (or outside a kernel) does nothing. */
WEIR_API void weir_kernel_report_overflow(void);

/* ------------------------------------------------------------------------ */
/* Streams                                                                    */
/* ------------------------------------------------------------------------ */

#define WEIR_STREAM_FAST_SYNC 0x1u /* synchronize busy-polls longer before parking */

/* Create a stream in group `g`. priority is clamped to [0 (highest), 7].
 * Unknown flag bits are ignored. Returns WEIR_OK, WEIR_EHANDLE, WEIR_ENOMEM,
 * WEIR_EINVAL. Partner: weir_stream_destroy(). */
WEIR_API int weir_stream_create(weir_group_t *g, int priority, uint32_t flags, weir_stream_t **out);

/* Destroy: wait for pending tasks, then free. Launches racing destroy either
 * land before it (and run) or fail with WEIR_EHANDLE. Returns WEIR_OK or
 * WEIR_EHANDLE; a task failure still pending report is dropped. */
WEIR_API int weir_stream_destroy(weir_stream_t *s);

/* Destroy without waiting: the handle dies at once (launches racing it either
 * land before it or fail with WEIR_EHANDLE) and the call returns without
 * waiting for the stream's tasks. Every task submitted before it still runs,
 * in order, as if the stream lived on; the stream is reclaimed by the worker
 * that runs its last task. A stream parked on an event or a callback at this
 * point is reclaimed when it is released, or when its group is destroyed with
 * weir_group_destroy_force() (device reset), which discards what is left.
 * weir_group_sync()/weir_device_sync() still wait for those tasks and report
 * their failures. Only weir_stream_abort() and weir_group_destroy_force()
 * discard submitted tasks. Returns WEIR_OK, WEIR_EHANDLE, or WEIR_ENOMEM
 * (nothing changed). */
WEIR_API int weir_stream_destroy_force(weir_stream_t *s);

/* WEIR_OK when every submitted task has finished, WEIR_ENOTREADY otherwise,
 * WEIR_EHANDLE. Never waits for tasks; a few acquire loads on an idle
 * stream. Once an event recorded as the stream's last task has completed
 * (weir_event_sync or weir_event_query saw it), the query returns WEIR_OK;
 * and once the query (or weir_stream_sync) returns WEIR_OK, every event
 * recorded on the stream has completed. Between a record task's retirement
 * and its event's completion (a few instructions of its worker) the query
 * waits for that worker. */
WEIR_API int weir_stream_query(weir_stream_t *s);

/* Wait until every task submitted before this call has finished. The
 * caller polls for up to 1 ms while the runtime's unparked workers leave a
 * CPU for it, 2 us otherwise (WEIR_STREAM_FAST_SYNC: 100 us, with a free
 * CPU only), then sleeps on a futex until the work is done.
 * Returns WEIR_OK, WEIR_ETIMEDOUT (work continues), WEIR_EHANDLE,
 * WEIR_EABORTED (once, after an abort; it stands for the task failures
 * since the previous sync too, which it clears), or the first task failure
 * since the previous sync (CONTINUE mode; it is then cleared) or the
 * group's sticky failure (STOP mode). A task failure is the task's
 * positive code verbatim, or WEIR_EKERNEL for a code <= 0 (weir/status.h);
 * weir_stream_sync_code() also returns the code. A condition of the runtime
 * met by a task (a report callback whose reporter is gone: WEIR_ENOSUB) is
 * reported as that status. An idle stream costs no system call. */
WEIR_API int weir_stream_sync(weir_stream_t *s, int64_t timeout_ns);

/* weir_stream_sync() that also returns the failing task's own code: when the
 * result is a task failure (weir_status_is_task_failure()), *task_code is the
 * value that task returned (-5 for a kernel that returned -5, reported as
 * WEIR_EKERNEL; 77 for one that returned 77); otherwise 0. task_code may be
 * NULL. */
WEIR_API int weir_stream_sync_code(weir_stream_t *s, int64_t timeout_ns, int *task_code);

/* Discard every task submitted before this call that has not started yet and
 * cancel an event wait it is parked on. The stream stays usable. The next
 * sync returns WEIR_EABORTED. With weir_group_destroy_force(), the only calls
 * that discard submitted tasks (a stopped stream's destroy aside, below).
 * On a stopped stream (weir_stream_stop) it also ends the stop: the queued
 * tasks are discarded and the tasks launched after it run. */
WEIR_API int weir_stream_abort(weir_stream_t *s);

/*
 * Stop the task running on s and run no further task, keeping the queued ones
 * (ACL's aclrtStreamStop). Never waits:
 *  - a kernel running now stops at block granularity: its blocks not started
 *    yet are skipped, a block already running finishes; the kernel then
 *    counts as failed (weir_stream_stats) with WEIR_EHALTED;
 *  - a stream waiting on an event, notify or value stops waiting (the wait
 *    stays queued); one running a host function or callback stops once that
 *    returns;
 *  - from then on the stream runs nothing: tasks queued before or launched
 *    after stay queued (a full stream makes a blocking launch wait);
 *  - weir_stream_sync() and weir_stream_sync_code() return WEIR_EHALTED at
 *    once (after the running kernel's block finished), a query reads
 *    WEIR_ENOTREADY while tasks are queued, and weir_group_sync() reports it;
 *    an event record queued on it completes only when it runs or is
 *    discarded (so an event sync or another stream's wait on it waits).
 * It stays stopped until weir_stream_abort(), which discards what is queued
 * and makes the stream usable again (the next sync returns WEIR_EABORTED).
 * weir_stream_destroy() and weir_stream_destroy_force() of a stopped stream
 * discard its queued tasks (counted as discarded, releases called) instead of
 * running them; destroying its group or the runtime does the same. Stopping
 * a stopped stream does nothing. Returns WEIR_OK or WEIR_EHANDLE.
 */
WEIR_API int weir_stream_stop(weir_stream_t *s);

/* Sets the failure mode of the stream's group (the ACL rule). */
WEIR_API int weir_stream_set_failure_mode(weir_stream_t *s, int mode);

WEIR_API int weir_stream_group(weir_stream_t *s, weir_group_t **g);
WEIR_API int weir_stream_device(weir_stream_t *s, uint32_t *dev);

/* Change the stream's priority (clamped to [0 (highest), 7] as at create).
 * It applies from the next time the stream is queued for a worker; tasks
 * keep their order. Returns WEIR_OK or WEIR_EHANDLE. */
WEIR_API int weir_stream_set_priority(weir_stream_t *s, int priority);
/* The stream's priority. Returns WEIR_OK, WEIR_EINVAL (NULL), WEIR_EHANDLE. */
WEIR_API int weir_stream_priority(weir_stream_t *s, int *priority);

/* One 64-bit word per stream for the layer above (0 at create; weir never
 * reads it): atomically replace the bits in `mask` by those of `bits`, and
 * return the previous word in *old (may be NULL). mask 0 only reads.
 * Returns WEIR_OK or WEIR_EHANDLE. */
WEIR_API int weir_stream_user_update(weir_stream_t *s, uint64_t mask, uint64_t bits, uint64_t *old);

typedef struct weir_stream_stats {
	uint64_t submitted; /* tasks accepted */
	uint64_t completed; /* ran and returned 0 */
	uint64_t failed;    /* ran and returned non-zero */
	uint64_t discarded; /* dropped by abort, group destroy_force or STOP */
	uint64_t in_flight; /* submitted - completed - failed - discarded */
} weir_stream_stats_t;

/* Conservation counters (invariant I5). */
WEIR_API int weir_stream_stats(weir_stream_t *s, weir_stream_stats_t *out);

/* ------------------------------------------------------------------------ */
/* Tasks                                                                      */
/* ------------------------------------------------------------------------ */

/*
 * A kernel: `args` points at the task's private copy of the argument block
 * (16-byte aligned, WEIR_ARGS_MAX bytes at most). With nblocks > 1 the
 * device's workers call the kernel once per block index in parallel, and args
 * must then be treated as read-only. Return 0 on success; any other value
 * fails the task (and, with nblocks > 1, the first non-zero return is kept).
 * The value is the task's own code: the next synchronize reports a positive
 * one verbatim and a negative one as WEIR_EKERNEL (weir/status.h), never as
 * a condition of the runtime.
 */
typedef int (*weir_kernel_fn)(void *args, uint32_t block, uint32_t nblocks);

#define WEIR_LAUNCH_NONBLOCK 0x1u /* return WEIR_EAGAIN instead of waiting when full */

typedef void (*weir_host_fn)(void *arg);

/* Submit a kernel to stream `s`. `args_size` bytes are copied from `args`
 * before the call returns. nblocks 0 is treated as 1.
 * Returns WEIR_OK; WEIR_EAGAIN (NONBLOCK and the stream holds ring_capacity
 * pending tasks; without NONBLOCK the call waits, bounded spin then park,
 * for room); WEIR_EINVAL (NULL fn, args_size > WEIR_ARGS_MAX); WEIR_ESTOPPED
 * (the group stopped after a failure); WEIR_EHANDLE. Lock-free: a producer
 * preempted inside this call never delays other producers or the stream. */
WEIR_API int weir_launch(weir_stream_t *s, weir_kernel_fn fn, const void *args, size_t args_size,
                         uint32_t nblocks, uint32_t flags);

/* weir_launch() for a kernel whose arguments own a resource (a heap block
 * larger than WEIR_ARGS_MAX, a reference on loaded code): once the task is
 * accepted, release(release_ctx) runs exactly once, on the worker, when the
 * task retires: after its last block returned, or when it is discarded
 * (weir_stream_abort, a STOP failure, weir_group_destroy_force, runtime
 * destroy). It runs before the task counts as finished, so a sync that
 * covers the task returns after its release. It must not block, launch on
 * or synchronize the task's stream. When the call fails nothing is queued
 * and release is not called: the resource stays the caller's. release NULL
 * is weir_launch(). With a release, args_size is at most
 * WEIR_ARGS_RELEASE_MAX (WEIR_EINVAL above). Returns as weir_launch(). */
WEIR_API int weir_launch_release(weir_stream_t *s, weir_kernel_fn fn, const void *args,
                                 size_t args_size, uint32_t nblocks, uint32_t flags,
                                 weir_host_fn release, void *release_ctx);

/* Run fn(arg) on the device's host-callback thread once every earlier task of
 * `s` has finished; later tasks of `s` wait until fn returns. fn must not
 * synchronize its own stream. Returns as weir_launch(); WEIR_EINVAL for NULL
 * fn; WEIR_ESUBSCRIBED if `s` is subscribed to a reporter for callbacks and
 * has no host reporter (weir_stream_subscribe_host, which runs fn inside
 * weir_reporter_process instead). */
WEIR_API int weir_launch_host(weir_stream_t *s, weir_host_fn fn, void *arg);

/* ------------------------------------------------------------------------ */
/* Reporters: host callbacks run by user threads (ACL's subscribe/report)     */
/* ------------------------------------------------------------------------ */

/* Create a reporter: a queue of callbacks that a user thread drains with
 * weir_reporter_process(). Partner: weir_reporter_destroy(). */
WEIR_API int weir_reporter_create(weir_runtime_t *rt, weir_reporter_t **out);

/* Unsubscribe every stream, run nothing more. Callbacks already queued are
 * dropped and their streams released. Threads waiting in
 * weir_reporter_process() on `rep` are woken and return WEIR_EHANDLE.
 * NULL is a no-op returning WEIR_OK. */
WEIR_API int weir_reporter_destroy(weir_reporter_t *rep);

/* Route weir_launch_callback() tasks of `s` to `rep`. A stream has at most
 * one reporter (WEIR_ESUBSCRIBED otherwise); all streams of a reporter must be
 * on one device of the reporter's runtime (WEIR_EFOREIGN). */
WEIR_API int weir_stream_subscribe(weir_stream_t *s, weir_reporter_t *rep);
/* WEIR_ENOSUB if `s` is not subscribed to `rep`. */
WEIR_API int weir_stream_unsubscribe(weir_stream_t *s, weir_reporter_t *rep);

/* Queue fn(arg) to run inside weir_reporter_process() of the stream's reporter
 * when the stream reaches it. block: later tasks of `s` wait for fn to
 * return; otherwise the stream goes on at once. WEIR_ENOSUB if `s` has no
 * reporter. Other returns as weir_launch(). */
WEIR_API int weir_launch_callback(weir_stream_t *s, weir_host_fn fn, void *arg, bool block);

/* Run at most one queued callback of `rep` in the calling thread.
 * Returns WEIR_OK after running one, WEIR_ETIMEDOUT if none arrived in time,
 * WEIR_EHANDLE (destroyed or garbage handle, also when the reporter is
 * destroyed, or its runtime, while the call waits). */
WEIR_API int weir_reporter_process(weir_reporter_t *rep, int64_t timeout_ns);

/* ------------------------------------------------------------------------ */
/* Events                                                                     */
/* ------------------------------------------------------------------------ */

#define WEIR_EVENT_DEFAULT \
	0x0u                   /* snapshot event (CUDA/ACL "Ex"): complete before
                                    the first record; a wait captures the latest record */
#define WEIR_EVENT_TIMING 0x1u /* stamp the completion time of each record */
#define WEIR_EVENT_FLAG \
	0x2u /* legacy ACL flag: record sets, reset (a task) clears;
                                    a wait blocks its stream until the flag is set */

/* Create an event on device `dev`. Partner: weir_event_destroy(). */
WEIR_API int weir_event_create(weir_runtime_t *rt, uint32_t dev, uint32_t flags,
                               weir_event_t **out);

/* Never blocks. Records and waits already queued keep the event alive; it is
 * freed once the last of them has run. A queued wait that a record queued
 * before the destroy can still satisfy waits for it as usual (so every
 * snapshot wait does). A wait that nothing can satisfy any more (a FLAG
 * event whose flag is clear once its queued records have completed), parked
 * or still queued, fails instead: the wait task fails with WEIR_EHANDLE,
 * reported by the stream's next sync like any failing task, and the stream
 * goes on. So no stream or group destroy blocks forever on a destroyed
 * event. */
WEIR_API int weir_event_destroy(weir_event_t *e);

/* Queue a record of `e` on `s`: it completes when every task submitted to `s`
 * before it has finished. WEIR_EFOREIGN if `s` is on another device or
 * runtime (waits may cross devices, not runtimes). */
WEIR_API int weir_event_record(weir_event_t *e, weir_stream_t *s);

/* FLAG events: queue a task on `s` that clears the flag. WEIR_ENOTSUP on
 * snapshot events. */
WEIR_API int weir_event_reset(weir_event_t *e, weir_stream_t *s);

/* Queue a wait on `s`: tasks submitted to `s` later start only after the
 * record captured now completes (snapshot events; a never-recorded event is
 * already complete) or after the flag is next set (FLAG events; the wait
 * fails with WEIR_EHANDLE if the event is destroyed before anything sets it,
 * see weir_event_destroy). The host never blocks and no worker ever blocks: the
 * stream parks on the event. */
WEIR_API int weir_stream_wait_event(weir_stream_t *s, weir_event_t *e);

/* WEIR_OK if the latest record (snapshot) has completed / the flag is set;
 * WEIR_ENOTREADY otherwise. A never-recorded snapshot event is complete; a
 * never-recorded FLAG event is not ready. */
WEIR_API int weir_event_query(weir_event_t *e);

/* Wait for the latest record queued before this call. A never-recorded event
 * returns WEIR_OK at once. Returns WEIR_OK, WEIR_ETIMEDOUT, WEIR_EHANDLE. */
WEIR_API int weir_event_sync(weir_event_t *e, int64_t timeout_ns);

/* Has a record of `e` ever been queued? */
WEIR_API int weir_event_recorded(weir_event_t *e, bool *recorded);

/* Completion time (CLOCK_MONOTONIC ns) of the latest completed record.
 * WEIR_ENOTREADY if no record has completed; WEIR_ENOTSUP without TIMING. */
WEIR_API int weir_event_timestamp(weir_event_t *e, uint64_t *ns);

/* end - start in milliseconds, from the timestamps above. */
WEIR_API int weir_event_elapsed(weir_event_t *start, weir_event_t *end, float *ms);

/* weir_stream_wait_event() with a time-out: timeout_ns > 0 bounds how long
 * the wait may keep its stream parked, counted from when the stream reaches
 * it; 0 (or WEIR_TIMEOUT_INFINITE) waits forever. A wait that outlives it
 * fails with WEIR_EWAITTIMEOUT, reported by the stream's next sync like a
 * failing task (and under STOP it stops the group); the stream goes on.
 * Other returns as weir_stream_wait_event(), WEIR_EINVAL for < -1. */
WEIR_API int weir_stream_wait_event_timeout(weir_stream_t *s, weir_event_t *e, int64_t timeout_ns);

/* ------------------------------------------------------------------------ */
/* Notifies: a counting signal between streams                               */
/* ------------------------------------------------------------------------ */

/*
 * A record task adds one pending record when it runs; a wait task consumes
 * one, and while none is pending its stream parks (no worker blocks). N
 * records release exactly N waits, on any streams of the runtime. The timer
 * (one thread per runtime, started on first use) ends waits that have a
 * time-out.
 */

/* Create a notify on device `dev` (records must be queued on that device's
 * streams; waits may be on any device). Returns WEIR_OK, WEIR_EINVAL,
 * WEIR_EDEVICE, WEIR_ENOMEM. Partner: weir_notify_destroy(). */
WEIR_API int weir_notify_create(weir_runtime_t *rt, uint32_t dev, weir_notify_t **out);

/* Never blocks. Queued records still run and count. A wait (parked or
 * queued) that nothing can satisfy any more (no record pending and none
 * queued) fails with WEIR_EHANDLE, reported by its stream's next sync, so
 * no stream is stranded. Returns WEIR_OK or WEIR_EHANDLE. */
WEIR_API int weir_notify_destroy(weir_notify_t *n);

/* Queue a record on `s`. WEIR_EFOREIGN: `s` is on another device or runtime.
 * Other returns as weir_launch() (waits for room when full). */
WEIR_API int weir_notify_record(weir_notify_t *n, weir_stream_t *s);

/* Queue a wait on `s` that consumes one record. timeout_ns as
 * weir_stream_wait_event_timeout() (0 or -1: forever; a timed-out wait
 * consumes nothing and fails with WEIR_EWAITTIMEOUT). WEIR_EFOREIGN for
 * another runtime's stream. */
WEIR_API int weir_notify_wait(weir_notify_t *n, weir_stream_t *s, int64_t timeout_ns);

/* Records run and not yet consumed (a snapshot). */
WEIR_API int weir_notify_pending(weir_notify_t *n, uint64_t *count);
/* An id unique among the live notifies (and other handles) of the process. */
WEIR_API int weir_notify_id(weir_notify_t *n, uint32_t *id);
WEIR_API int weir_notify_device(weir_notify_t *n, uint32_t *dev);

/*
 * Counter notifies (ACL's count notify). A notify created with
 * WEIR_NOTIFY_COUNTER holds a 32-bit value instead of a count of pending
 * records. Records apply an operation to it (weir_notify_record_op; the plain
 * weir_notify_record() is an ADD of 1, arithmetic modulo 2^32); waits park
 * their stream until a condition on it holds (weir_notify_wait_cond) and
 * consume nothing unless they ask to clear the value. Every change of the
 * value re-evaluates every parked wait, so one record may release many
 * waits. A plain weir_notify_wait() on a counter notify consumes one (it
 * waits for a non-zero value and subtracts 1).
 */
#define WEIR_NOTIFY_COUNTER 0x1u /* weir_notify_create_flags(): a counter notify */

enum weir_notify_op {
	WEIR_NOTIFY_OP_SET = 0, /* value = operand */
	WEIR_NOTIFY_OP_ADD = 1, /* value += operand (mod 2^32) */
	WEIR_NOTIFY_OP_OR = 2,  /* value |= operand */
	WEIR_NOTIFY_OP_AND = 3, /* value &= operand */
};

enum weir_notify_cond {
	WEIR_NOTIFY_LT = 0,       /* value < operand */
	WEIR_NOTIFY_EQ = 1,       /* value == operand */
	WEIR_NOTIFY_GT = 2,       /* value > operand */
	WEIR_NOTIFY_GEQ = 3,      /* value >= operand */
	WEIR_NOTIFY_ALL_BITS = 4, /* (value & operand) == operand */
};

#define WEIR_NOTIFY_WAIT_CLEAR \
	0x1u /* weir_notify_wait_cond(): set the value to 0
                                       when the condition is met (atomically) */

/* weir_notify_create() with flags (0 or WEIR_NOTIFY_COUNTER; WEIR_EINVAL
 * for others). */
WEIR_API int weir_notify_create_flags(weir_runtime_t *rt, uint32_t dev, uint32_t flags,
                                      weir_notify_t **out);
/* The flags it was created with. */
WEIR_API int weir_notify_flags(weir_notify_t *n, uint32_t *flags);
/* Queue a record applying `op` with `operand` (counter notifies only:
 * WEIR_EINVAL otherwise, or for an op out of range). Same device rule and
 * returns as weir_notify_record(). */
WEIR_API int weir_notify_record_op(weir_notify_t *n, weir_stream_t *s, int op, uint32_t operand);
/* Queue a wait until `cond` holds for `operand` (counter notifies only;
 * WEIR_EINVAL for a cond or flag out of range). flags: WEIR_NOTIFY_WAIT_CLEAR
 * or 0. timeout_ns as weir_notify_wait(). A wait on a destroyed notify with
 * no record queued fails with WEIR_EHANDLE unless its condition holds when
 * it is evaluated. */
WEIR_API int weir_notify_wait_cond(weir_notify_t *n, weir_stream_t *s, int cond, uint32_t operand,
                                   uint32_t flags, int64_t timeout_ns);
/* Host side, at once: drop every pending record (plain) or set the value to
 * 0 (counter). Waits that the new value satisfies go on. */
WEIR_API int weir_notify_reset(weir_notify_t *n);

/* ------------------------------------------------------------------------ */
/* Memory-value tasks                                                         */
/* ------------------------------------------------------------------------ */

/* Conditions of weir_value_wait (the word is w, the operand v): */
#define WEIR_VALUE_GEQ      0x0u /* (signed)(w - v) >= 0 */
#define WEIR_VALUE_EQ       0x1u /* w == v */
#define WEIR_VALUE_AND      0x2u /* (w & v) != 0 */
#define WEIR_VALUE_NOR      0x3u /* ~(w | v) != 0 */
#define WEIR_VALUE_CMP_MASK 0x3u
#define WEIR_VALUE_32       0x100u /* a 32-bit word (default: 64-bit); v is truncated */

/* Queue a task on `s` that stores `value` into the word at addr (atomically,
 * aligned to its width). flags: 0 or WEIR_VALUE_32. WEIR_EINVAL for NULL or
 * misaligned addr or other flags. Other returns as weir_launch(). */
WEIR_API int weir_value_write(weir_stream_t *s, void *addr, uint64_t value, uint32_t flags);

/* Queue a task on `s` that completes once the word at addr satisfies the
 * condition in flags (WEIR_VALUE_GEQ/EQ/AND/NOR, optionally | WEIR_VALUE_32).
 * The stream spins briefly, then parks; it is re-checked when a value write
 * or a kernel of the runtime retires, and every few ms (sched/value.c, the
 * wake rules). timeout_ns as weir_stream_wait_event_timeout(). The word must
 * stay valid until the wait completes. */
WEIR_API int weir_value_wait(weir_stream_t *s, void *addr, uint64_t value, uint32_t flags,
                             int64_t timeout_ns);

/* ------------------------------------------------------------------------ */
/* Task ids and the fault hook                                                */
/* ------------------------------------------------------------------------ */

/*
 * Every task accepted by a stream gets an id: the stream's count of accepted
 * tasks including it (1 for its first task). Ids are 32-bit and wrap; they
 * are unique among a stream's last 2^32 tasks. One producer's tasks get
 * increasing ids; tasks of concurrent producers get distinct ids whose order
 * may differ from the order the tasks run in.
 */

/* The process-wide id of stream `s` (1, 2, ... in creation order, never
 * reused). Returns WEIR_OK, WEIR_EINVAL (NULL id), WEIR_EHANDLE. */
WEIR_API int weir_stream_id(weir_stream_t *s, uint32_t *id);

/* The id of the last task the calling thread submitted to any stream (kernel,
 * host function, callback, event record, wait or reset), 0 if it has
 * submitted none. Thread-local; never fails except WEIR_EINVAL (NULL). */
WEIR_API int weir_thread_last_task(uint32_t *task_id);

/* What the fault hook is told about a kernel task that returned non-zero. */
typedef struct weir_fault {
	uint32_t device;       /* the stream's device */
	uint32_t stream_id;    /* weir_stream_id() of the stream */
	weir_stream_t *stream; /* its handle (dead if the stream was force-destroyed) */
	uint32_t task_id;      /* the task's id on the stream (see above) */
	uint32_t thread_id;    /* OS thread id (gettid) of the thread that submitted it */
	int code;              /* the value the kernel returned (never 0) */
	weir_kernel_fn fn;     /* the kernel */
	const void *args;      /* the task's argument block (WEIR_ARGS_MAX bytes), valid
	                          only during the call */
	uint32_t nblocks;      /* its block count */
} weir_fault_t;

typedef void (*weir_fault_fn)(const weir_fault_t *fault, void *user);

/*
 * Call fn(fault, user) once for every kernel task of `rt` that returns
 * non-zero, from then on; fn NULL removes the hook. fn runs on the failing
 * stream's device callback thread (the one that runs weir_launch_host
 * functions; started by this call), never on a worker. While it runs, the
 * failing stream waits: the task is retired (and its failure becomes visible
 * to synchronize, and in STOP mode to the group) only after fn returns, so a
 * synchronize that reports the failure returns after the hook has seen it.
 * Other streams go on. fn may call weir_* functions except synchronizing
 * the failing stream or its group. A task whose report cannot be allocated
 * (out of memory) fails without calling the hook. Returns WEIR_OK,
 * WEIR_EINVAL (NULL rt), WEIR_ENOMEM (a callback thread could not start;
 * nothing changed). Thread-safe; a hook replaced while a call to the old one
 * is running does not wait for that call.
 */
WEIR_API int weir_runtime_set_fault_hook(weir_runtime_t *rt, weir_fault_fn fn, void *user);

/* ------------------------------------------------------------------------ */
/* Host functions run by user threads                                         */
/* ------------------------------------------------------------------------ */

/* Route weir_launch_host() tasks of `s` to `rep`: they run inside
 * weir_reporter_process() of `rep` instead of on the device's callback
 * thread, still blocking the stream until they return. Independent of
 * weir_stream_subscribe() (a stream may have one reporter for callbacks and
 * one for host functions, the same or different; with a host reporter,
 * weir_launch_host() is allowed on a stream subscribed for callbacks). A
 * stream has at most one host reporter (WEIR_ESUBSCRIBED); all streams of a
 * reporter must be on one device of its runtime (WEIR_EFOREIGN). Host tasks
 * reached after the reporter is unsubscribed or destroyed (including ones it
 * had queued and not started) run on the device's callback thread: none is
 * lost. WEIR_EHANDLE for a bad handle. */
WEIR_API int weir_stream_subscribe_host(weir_stream_t *s, weir_reporter_t *rep);
/* WEIR_ENOSUB if `s` does not send its host functions to `rep`. */
WEIR_API int weir_stream_unsubscribe_host(weir_stream_t *s, weir_reporter_t *rep);

/* ------------------------------------------------------------------------ */
/* Capture and replay (sched/capture.c, docs/capture.md)                      */
/* ------------------------------------------------------------------------ */

/*
 * Between weir_capture_begin(s) and weir_capture_end(s) every task pushed to
 * s (kernels, host functions, callbacks, event records / waits / resets,
 * notify and memory-value tasks; weir/mem.h's copies and fills are kernels)
 * is recorded instead of run, and the calls return WEIR_OK. A stream that
 * waits on an event recorded during the capture joins it (CUDA's stream
 * capture): its later tasks are recorded too, and it must be joined back
 * (the origin waits on an event recorded on it after its last task) before
 * the end, or the end fails with WEIR_EUNJOINED. The end yields an RI
 * (a recorded task DAG, immutable); weir_ri_replay queues all of it on a
 * stream as one submission per captured stream. Destroy every RI before
 * its runtime.
 */
typedef struct weir_ri_handle weir_ri_t;

enum weir_capture_mode {
	WEIR_CAPTURE_GLOBAL = 0,       /* unsafe calls refused in every thread (CUDA's rules) */
	WEIR_CAPTURE_THREAD_LOCAL = 1, /* unsafe calls refused in the capturing thread */
	WEIR_CAPTURE_RELAXED = 2,      /* no call refused for the capture's sake */
};

enum weir_capture_status {
	WEIR_CAPTURE_NONE = 0,
	WEIR_CAPTURE_ACTIVE = 1,
	WEIR_CAPTURE_INVALIDATED = 2, /* an illegal call happened; the end will fail */
};

/* Start capturing s. Returns WEIR_OK, WEIR_EINVAL (mode), WEIR_EHANDLE,
 * WEIR_ESTATE (s already captures, as origin or joined), WEIR_ENOMEM. */
WEIR_API int weir_capture_begin(weir_stream_t *s, int mode);

/* End the capture begun on s (every joined stream stops capturing too) and
 * return its RI. Returns WEIR_OK, WEIR_EINVAL (NULL out), WEIR_EHANDLE,
 * WEIR_ESTATE (s does not capture), WEIR_ECAPTURE (s only joined, or the
 * mode is not RELAXED and another thread began it: the capture goes on),
 * WEIR_EINVALIDATED (a sync or query of a captured stream or event was
 * refused meanwhile), WEIR_ECAPTURE (a wait crossed two captures),
 * WEIR_EUNJOINED, WEIR_ENOMEM; on every failure after the capture was found
 * the capture is over and nothing is kept. While a stream captures,
 * weir_stream_sync/_code/query on it, and weir_event_sync/query on an event
 * recorded in the capture, return WEIR_ECAPTURE and invalidate it. */
WEIR_API int weir_capture_end(weir_stream_t *s, weir_ri_t **ri);

/* *status: WEIR_CAPTURE_*; *mode (may be NULL) is set while one is active. */
WEIR_API int weir_capture_status(weir_stream_t *s, int *status, int *mode);

/* Swap the calling thread's capture interaction mode (WEIR_CAPTURE_*,
 * default GLOBAL) with *mode. WEIR_EINVAL for a mode out of range. */
WEIR_API int weir_capture_thread_exchange_mode(int *mode);

/* For the layers above, before a call that is unsafe during a capture (a
 * device sync, an allocation): WEIR_ECAPTURE when the calling thread's mode
 * forbids it now (it began a non-RELAXED capture that is still going on, or
 * its mode is GLOBAL and some thread's GLOBAL capture is), else WEIR_OK. */
WEIR_API int weir_capture_unsafe_call(void);

/* Queue every task of ri on s, in the captured order per stream and with
 * the captured cross-stream edges: the tasks of the capture's origin run on
 * s, those of each joined stream on a lane stream that ri creates for s (in
 * s's group, at s's priority; force-destroyed by weir_ri_destroy). Tasks
 * queued on s after the call start after the whole replay. Any number of
 * threads may replay one RI, onto one stream or several. Event records get
 * a fresh generation per replay; waits on outside events wait for the
 * event's latest record at the time of the call. Returns WEIR_OK,
 * WEIR_EHANDLE (ri or s, or a notify, or an event the RI waits on, was
 * destroyed; nothing is queued: records and resets of a destroyed event are
 * skipped, since nothing can wait for them any more), WEIR_EFOREIGN
 * (another runtime, or the RI records an event or notify of a device other
 * than s's, as weir_event_record would refuse), WEIR_ECAPTURE (s is
 * capturing), WEIR_ESTOPPED, WEIR_ENOMEM. Never waits for room: a full
 * stream admits a replay as one task. */
WEIR_API int weir_ri_replay(weir_ri_t *ri, weir_stream_t *s);

/* Drop ri. Replays already queued run to the end; ri's memory (and the
 * releases of its captured kernels) goes when the last of them retires.
 * Never waits. Returns WEIR_OK or WEIR_EHANDLE. */
WEIR_API int weir_ri_destroy(weir_ri_t *ri);

typedef struct weir_ri_info {
	uint32_t id;      /* unique in the process, from 1 */
	uint32_t streams; /* captured streams (1 + those that joined) */
	uint32_t tasks;   /* recorded tasks (edges excluded) */
	uint32_t edges;   /* cross-stream edges */
} weir_ri_info_t;

WEIR_API int weir_ri_info(weir_ri_t *ri, weir_ri_info_t *out);
/* Recorded tasks of captured stream `stream` (0: the origin, then the
 * joined streams in join order). WEIR_EINVAL for an index out of range. */
WEIR_API int weir_ri_stream_tasks(weir_ri_t *ri, uint32_t stream, uint32_t *tasks);

/* ---- Capture into a given RI, and the RI of a capture --------------------- */

/* The RI that s is capturing into now (its handle is valid from the begin;
 * replaying it before its end fails with WEIR_ESTATE). WEIR_ESTATE when s
 * does not capture. */
WEIR_API int weir_capture_ri(weir_stream_t *s, weir_ri_t **ri);
/* Start capturing s into `ri`, an empty RI made by weir_ri_add_cond (a
 * conditional task's body); weir_capture_end(s) then returns ri again.
 * WEIR_ESTATE when ri is not an empty body or s already captures. */
WEIR_API int weir_capture_begin_into(weir_stream_t *s, weir_ri_t *ri, int mode);

/* ---- Building an RI from bound streams (ACL's aclmdlRIBuild*) -------------- */

/* A built RI records every task pushed to the streams bound to it, from the
 * bind to weir_ri_build_end. Head streams start when a replay starts; the
 * others only when a task activates them (weir_ri_activate,
 * weir_ri_switch_stream). A replay is over when every activated stream has
 * run its list. Returns WEIR_OK, WEIR_EINVAL, WEIR_ENOMEM. */
#define WEIR_RI_STREAM_HEAD    0x00000000u
#define WEIR_RI_STREAM_DEFAULT 0x7FFFFFFFu
WEIR_API int weir_ri_build_begin(weir_ri_t **ri);
/* WEIR_ESTATE: ri is not being built, or s is bound or captures already;
 * WEIR_EFOREIGN: s belongs to another runtime or device than the others. */
WEIR_API int weir_ri_bind(weir_ri_t *ri, weir_stream_t *s, uint32_t flag);
/* Forget the binding (after the end; before it, the stream's tasks so far
 * stay in ri). WEIR_ESTATE when s is not bound to ri. */
WEIR_API int weir_ri_unbind(weir_ri_t *ri, weir_stream_t *s);
/* Mark the end of the model on bound stream s (one per RI). */
WEIR_API int weir_ri_end_task(weir_ri_t *ri, weir_stream_t *s);
/* Stop recording: ri becomes replayable. WEIR_ESTATE (not being built, or
 * no head stream), WEIR_EINVAL (a label switch names a label not set on its
 * stream, or a stream with label switches holds a task that cannot run
 * inline: an event or notify task, a host function), WEIR_ENOMEM. */
WEIR_API int weir_ri_build_end(weir_ri_t *ri);

/* ---- Control flow inside an RI --------------------------------------------- */

/* Labels name positions in a recorded stream; a label list is an ordered
 * set of labels for weir_ri_switch_label. Both are plain registry objects. */
typedef struct weir_label_handle weir_label_t;
typedef struct weir_label_list_handle weir_label_list_t;
WEIR_API int weir_label_create(weir_label_t **l);
WEIR_API int weir_label_destroy(weir_label_t *l);
WEIR_API int weir_label_list_create(weir_label_t *const *labels, size_t n, weir_label_list_t **out);
WEIR_API int weir_label_list_destroy(weir_label_list_t *ll);

/* Each of these records one control task on s, which must be recording
 * (captured or bound; else WEIR_ESTATE); it acts when a replay reaches it. */
/* Set label l here (once per RI). */
WEIR_API int weir_ri_set_label(weir_label_t *l, weir_stream_t *s);
/* Jump to label list[*index] (uint32 read at replay time); an index >= max
 * or >= the list's length falls through. */
WEIR_API int weir_ri_switch_label(const uint32_t *index, uint32_t max, weir_label_list_t *list,
                                  weir_stream_t *s);
/* Start bound stream `target` (built RIs; at most once per replay). */
WEIR_API int weir_ri_activate(weir_stream_t *target, weir_stream_t *s);
/* Compare *left with *right (int32 or, with is64, int64) by `cond`
 * (WEIR_CMP_*); when true, start bound stream `target`. */
enum { WEIR_CMP_EQ = 0, WEIR_CMP_NE, WEIR_CMP_GT, WEIR_CMP_GE, WEIR_CMP_LT, WEIR_CMP_LE };
WEIR_API int weir_ri_switch_stream(const void *left, int cond, const void *right, bool is64,
                                   weir_stream_t *target, weir_stream_t *s);

/* Conditional tasks (CUDA's conditional nodes). `word` is a 64-bit word in
 * memory the caller owns (device memory, for the facades); with
 * weir_ri_cond_default, every replay of ri first stores `value` in it. */
enum { WEIR_COND_IF = 0, WEIR_COND_WHILE = 1, WEIR_COND_SWITCH = 2 };
WEIR_API int weir_ri_cond_default(weir_ri_t *ri, uint64_t *word, uint64_t value);
/* Record a conditional task on capturing stream s and make its n empty body
 * RIs (bodies[i], owned by the capture's RI: filled by
 * weir_capture_begin_into, destroyed with it). IF (n 1 or 2): body 0 when
 * *word != 0, else body 1; WHILE (n 1): body 0 while *word != 0, tested
 * before each round; SWITCH (n >= 1): body *word when < n. A body holds
 * tasks that run inline (kernels, value writes, control tasks, more
 * conditionals) on one stream; its end fails with WEIR_EINVAL otherwise. */
WEIR_API int weir_ri_add_cond(weir_stream_t *s, int type, uint64_t *word, uint32_t n,
                              weir_ri_t **bodies);

/* ---- Updating a recorded RI ------------------------------------------------ */

/* Task groups: the kernels recorded on s between group_begin and group_end
 * form a group whose kernels can be replaced later. WEIR_EINVAL when the
 * group holds anything but kernels (or nothing). */
typedef struct weir_ri_group_handle weir_ri_group_t;
WEIR_API int weir_capture_group_begin(weir_stream_t *s);
WEIR_API int weir_capture_group_end(weir_stream_t *s, weir_ri_group_t **g);
/* Between update_begin(s, g) and update_end(s), tasks pushed to s are
 * recorded as g's new tasks; the end checks that they match g's (count and
 * kinds; WEIR_EINVAL otherwise, g unchanged) and publishes them: every
 * replay task of g that starts after the end runs the new ones. */
WEIR_API int weir_ri_update_begin(weir_stream_t *s, weir_ri_group_t *g);
WEIR_API int weir_ri_update_end(weir_stream_t *s);

/* Recorded tasks, one by one (ACL's aclmdlRITask*). */
enum {
	WEIR_RI_TASK_OTHER = 0,
	WEIR_RI_TASK_KERNEL,
	WEIR_RI_TASK_EVENT_RECORD,
	WEIR_RI_TASK_EVENT_WAIT,
	WEIR_RI_TASK_EVENT_RESET,
	WEIR_RI_TASK_VALUE_WRITE,
	WEIR_RI_TASK_VALUE_WAIT,
};
typedef struct weir_ri_task_desc {
	uint32_t kind;       /* WEIR_RI_TASK_* */
	uint32_t seq;        /* position in its stream's list, from 0 */
	bool disabled;       /* skipped by replays */
	weir_kernel_fn fn;   /* kernels */
	const void *args;    /* kernels: the argument block (get: a view into the RI) */
	size_t args_size;    /* kernels: bytes (set: at most the recorded size's room) */
	uint32_t nblocks;    /* kernels */
	weir_event_t *event; /* event tasks */
	void *addr;          /* value tasks */
	uint64_t value;      /* value tasks */
	uint32_t flags;      /* value waits: WEIR_VALUE_* */
} weir_ri_task_desc_t;
WEIR_API int weir_ri_task_get(weir_ri_t *ri, uint32_t stream, uint32_t seq,
                              weir_ri_task_desc_t *out);
/* Stage new parameters for a recorded kernel (fn, args, nblocks) or value
 * task (addr, value); weir_ri_update applies every staged change. */
WEIR_API int weir_ri_task_set(weir_ri_t *ri, uint32_t stream, uint32_t seq,
                              const weir_ri_task_desc_t *in);
WEIR_API int weir_ri_task_disable(weir_ri_t *ri, uint32_t stream, uint32_t seq);
/* Apply staged changes. WEIR_EBUSY while a replay of ri is in flight. */
WEIR_API int weir_ri_update(weir_ri_t *ri);

/* Call fn(ctx) once when ri's memory goes: after weir_ri_destroy and the
 * last replay in flight retired (on whatever thread drops the last
 * reference, or an RCU callback thread: fn must not wait for a grace
 * period or for a stream). For what a replay reads that the caller owns. */
WEIR_API int weir_ri_on_free(weir_ri_t *ri, weir_host_fn fn, void *ctx);

/* Stop the replays of ri queued or running now: their remaining tasks are
 * skipped (a running kernel finishes). Later replays run normally. */
WEIR_API int weir_ri_abort(weir_ri_t *ri);
/* The stream handle that captured stream `stream` (0: the origin) came from
 * (valid while that stream lives). */
WEIR_API int weir_ri_stream(weir_ri_t *ri, uint32_t stream, weir_stream_t **s);

#ifdef WEIR_BUILDING_LIBRARY /* invisible to applications */
/* ------------------------------------------------------------------------ */
/* Library-internal: one-lookup enqueues for the facades                      */
/* ------------------------------------------------------------------------ */

/* Not part of the API: the weir__ names are local to libweir.so
 * (cmake/weir.map exports weir_[a-z]* only). They let a facade in the library
 * (acl_compat/) resolve a stream handle ONCE per call and enqueue on it:
 *
 *     weir__rcu_read_lock();                     (base/rcu.h)
 *     struct weir_stream *st = weir__stream_find(h, &g);   the one lookup
 *     ... check g ...; rc = st ? weir__launch_host_found(st, fn, arg) : WEIR_EAGAIN;
 *     weir__rcu_read_unlock();
 *     if (rc == WEIR_EAGAIN) rc = weir_launch_host(h, fn, arg);
 *
 * weir__stream_find() must be called, and its result used, inside one
 * read-side section (sched/stream.c invariant 8: a launch that found the
 * stream pushes before its destroy's grace period ends); NULL when h is not
 * a live stream. The *_found() calls make the same checks in the same order
 * as the public call named, take no lock, and return its codes, except
 * WEIR_EAGAIN: the stream is full and nothing was queued; the caller leaves
 * the section and makes the public call, which waits for room. */
struct weir_stream;
struct weir_stream *weir__stream_find(const weir_stream_t *h, weir_group_t **g);
int weir__launch_host_found(struct weir_stream *st, weir_host_fn fn, void *arg);
int weir__launch_callback_found(struct weir_stream *st, weir_host_fn fn, void *arg, bool block);
int weir__event_record_found(weir_event_t *e, struct weir_stream *st);
int weir__event_reset_found(weir_event_t *e, struct weir_stream *st);
int weir__stream_wait_event_found(struct weir_stream *st, weir_event_t *e);
/* weir_launch(s, ..., flags 0) and weir_stream_device() on a found stream. */
int weir__launch_found(struct weir_stream *st, weir_kernel_fn fn, const void *args,
                       size_t args_size, uint32_t nblocks);
/* weir_launch_release(s, ..., flags 0) on a found stream; WEIR_EAGAIN (full)
 * queues nothing and calls no release. */
int weir__launch_release_found(struct weir_stream *st, weir_kernel_fn fn, const void *args,
                               size_t args_size, uint32_t nblocks, weir_host_fn release,
                               void *release_ctx);
uint32_t weir__stream_found_device(const struct weir_stream *st);

#endif /* WEIR_BUILDING_LIBRARY */

#ifdef __cplusplus
}
#endif
#endif /* WEIR_SCHED_H */
