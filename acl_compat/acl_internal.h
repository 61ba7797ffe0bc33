/*
 * acl_compat/acl_internal.h - what the ACL facade's source files share: the
 * process-wide runtime, the current context of the calling thread, stream
 * resolution, and the ONE error path (status table + per-thread last error and
 * recent message). Private: never installed.
 *
 * Conventions for every aclrt* entry point in acl_compat/:
 *  - Every failing call returns through weir__acl_fail() (or a helper that
 *    calls it), which records the thread's last error (aclrtGetLastError) and a
 *    message "<api>: <reason>" (aclGetRecentErrMsg). Nothing else writes them.
 *  - Resolution helpers (weir__acl_current_*, weir__acl_resolve_stream*) do not
 *    record anything: they return an ACL code and leave the reason in a
 *    thread-local buffer; the caller passes it on with WEIR__ACL_TRY(), so the
 *    message names the public call, not the helper.
 *  - Before aclInit (or after aclFinalize) there is no runtime: calls that
 *    need one return ACL_ERROR_UNINITIALIZE (100001). ACL itself does not check
 *    init for aclrt* calls; weir has nothing to run them on (docs/acl.md).
 *
 * Thread-safety: every function here may be called from any thread.
 */
#ifndef WEIR_ACL_INTERNAL_H
#define WEIR_ACL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "acl/acl.h"
#include "weir/sched.h"

/* Same declaration as include/weir/mem.h (a repeated typedef is valid C11). */
typedef struct weir_mem weir_mem_t;

/* ------------------------------------------------------------------------ */
/* Process-wide state                                                        */
/* ------------------------------------------------------------------------ */

/* The runtime created by aclInit; NULL before aclInit / after aclFinalize.
 * Acquire load; pairs with the release store in aclInit. */
weir_runtime_t *weir__acl_runtime(void);

/* The memory subsystem created by aclInit (weir_mem_create); NULL when
 * not initialized. */
weir_mem_t *weir__acl_mem(void);

/* Runtime generations (runtime/init.c, invariants P1-P4). The generation of the
 * runtime published now, 0 when none. Every aclInit that creates a runtime
 * gives it a new number; a number is never reused. */
uint64_t weir__acl_generation(void);

/* Pin generation `gen` for a use of its runtime: true while it is still the
 * published one, and then its runtime and memory stay alive until the
 * matching weir__acl_runtime_leave(). False (nothing held) for 0 or a
 * finalized generation. Lock-free; may nest. Pinned code must not take the
 * facade lock: aclFinalize holds it while it waits for the pins. */
bool weir__acl_runtime_enter(uint64_t gen);
void weir__acl_runtime_leave(void);

/* Pin the current generation and return it with its runtime and memory;
 * false (nothing held) when there is none. Partner: weir__acl_runtime_leave. */
bool weir__acl_runtime_enter_current(uint64_t *gen, weir_runtime_t **rt, weir_mem_t **mem);

/* aclInit(NULL) for a layer that keeps a reference (GE): *gen gets the
 * generation the reference is on. Partner: weir__acl_finalize_reference_gen. */
aclError weir__acl_init_ref(uint64_t *gen);

/* aclFinalizeReference, but only for a reference on generation `gen`: when
 * that runtime is gone already (aclFinalize came first, maybe followed by a
 * new aclInit), nothing changes and ACL_ERROR_REPEAT_FINALIZE is returned
 * without recording an error. */
aclError weir__acl_finalize_reference_gen(uint64_t gen);

/* runtime/session.c: finalize every session bound to generation `gen`
 * (their graphs unloaded while the runtime still runs). aclFinalize calls it
 * with the facade lock held, after the pins drained and before any teardown. */
void weir__acl_detach_sessions(uint64_t gen);

/* runtime/session.c: a native session bound to the ACL runtime of generation
 * `want` (0: the current one), named `fn` in messages (weir_graph_last_error).
 * Returns WEIR_OK, WEIR_ESTATE (no runtime), WEIR_EFINALIZED (`want` is
 * gone), WEIR_ENOMEM, or as weir_session_create(). */
struct weir_session;
struct weir_option;
int weir__acl_session_create(uint64_t want, const struct weir_option *opts, size_t nopts,
                             struct weir_session **out, const char *fn);

/* runtime/callback.c: how many threads are inside aclrtProcessReport now
 * (subscribed records only; for tests and diagnostics). Takes the lock. */
uint32_t weir__acl_report_waiters(void);

/* runtime/exception.c: install the exception-callback hook on a runtime
 * aclInit has just published (when any callback is registered). */
void weir__acl_exception_attach(weir_runtime_t *rt);

/* prof/mstx.c: write the mstx trace to $WEIR_MSTX_TRACE, when that is set
 * and some mstx call recorded something. aclFinalize calls it after the
 * runtime is torn down (every marker task has retired by then). */
void weir__acl_mstx_flush(void);

/* The facade's one process-wide mutex (init/finalize, device reference
 * counts, contexts, report subscriptions). Never held while waiting on a
 * stream. Not recursive. */
void weir__acl_lock(void);
void weir__acl_unlock(void);

/* ------------------------------------------------------------------------ */
/* Current context of the calling thread                                     */
/* ------------------------------------------------------------------------ */

/* A snapshot of a context's immutable fields. */
typedef struct weir__acl_ctx_info {
	aclrtContext handle;    /* the aclrtContext value */
	weir_group_t *group;    /* the weir stream group behind it */
	weir_stream_t *dstream; /* its default stream (never NULL) */
	uint32_t device;        /* device id */
	bool is_default;        /* the device's default (primary) context */
} weir__acl_ctx_info_t;

/* The calling thread's current context. Returns ACL_SUCCESS,
 * ACL_ERROR_UNINITIALIZE (no aclInit), or ACL_ERROR_RT_CONTEXT_NULL (107002:
 * the thread has none, or it was destroyed/reset). With a JSON
 * "defaultDevice" configured, a thread without a context first gets an
 * implicit aclrtSetDevice(default). */
aclError weir__acl_current_context(weir__acl_ctx_info_t *info);

/* The device of the calling thread's current context: as above. */
aclError weir__acl_current_device(int32_t *dev);

/* ------------------------------------------------------------------------ */
/* Streams                                                                   */
/* ------------------------------------------------------------------------ */

/* Resolve an aclrtStream for a call that enqueues on it or changes it:
 * NULL -> the current context's default stream. Returns ACL_SUCCESS,
 * 100001, 107002 (no current context), 107017 (destroyed or garbage handle:
 * never dereferenced), 107003 (stream belongs to another context). */
aclError weir__acl_resolve_stream(aclrtStream s, weir_stream_t **out);

/* As above, but tolerant of a stream of another context (ACL's rule for
 * aclrtSynchronizeStream / aclrtStreamQuery): no 107003. A NULL stream still
 * needs a current context. */
aclError weir__acl_resolve_stream_any(aclrtStream s, weir_stream_t **out);

/* weir__acl_resolve_stream() for an enqueue, with the stream looked up
 * once (weir/sched.h, "one-lookup enqueues"). On ACL_SUCCESS the caller is
 * inside a read-side section (base/rcu.h) and *found is the stream object
 * for a weir__*_found() call, or NULL when the context's default stream was
 * not found; the caller leaves the section with weir__rcu_read_unlock()
 * and, for NULL or WEIR_EAGAIN, makes the public call on *out (which waits
 * for room or reports the stream). On failure no section is held and the
 * reason is set, as weir__acl_resolve_stream(). */
struct weir_stream;
aclError weir__acl_resolve_stream_found(aclrtStream s, weir_stream_t **out,
                                        struct weir_stream **found);

/* ------------------------------------------------------------------------ */
/* Kernels (runtime/kernel.c)                                                */
/* ------------------------------------------------------------------------ */

/* Kernel limits that runtime/kernel.c enforces and runtime/sysinfo.c
 * reports (aclrtGetDeviceInfo): threads per SIMT block and per block
 * dimension, and dynamic scratch ("UB") bytes per block. */
#define WEIR_ACL_SIMT_MAX_THREADS 2048u
#define WEIR_ACL_DYN_UBUF_MAX     (64u * 1024u * 1024u)

/* Given the kernel function and argument block of a weir task (as the
 * scheduler hands them to a failing-task hook), return 0 and the
 * aclrtFuncHandle, the kernel's argument block and its size when the task is
 * an aclrtLaunchKernel* launch; non-zero otherwise. Valid only while the task
 * has not been released: call it before the task retires (sched/stream.c
 * invariant 9 runs the release after the failure is recorded). Out pointers
 * may be NULL. */
int weir__acl_kernel_task_info(weir_kernel_fn fn, const void *args, void **func_handle,
                               void **user_args, uint32_t *user_args_len);

/* The launch configuration of such a task (aclmdlRIKernelTaskGetAttribute):
 * 0 and the ACL_RT_LAUNCH_KERNEL_ATTR_BLOCKDIM_OFFSET, TIMEOUT (ns; 0 none)
 * and DYN_UBUF_SIZE values it was launched with; non-zero when the task is
 * not an aclrtLaunchKernel* launch. Same validity rule. */
int weir__acl_kernel_task_cfg(weir_kernel_fn fn, const void *args, uint32_t *block_offset,
                              uint64_t *timeout_ns, size_t *local_size);

/* From the fault hook (runtime/exception.c), after the process-wide
 * exception callbacks: call the aclrtBinarySetExceptionCallback callback of
 * the failing launch's binary, if the task is a launch and its binary is
 * still loaded. Same validity rule as above. */
void weir__acl_kernel_fault_notify(weir_kernel_fn fn, const void *args, aclrtExceptionInfo *info);

/* runtime/exception.c: a binary gained (on) or lost (!on) its exception
 * callback; the fault hook stays installed while any binary has one.
 * Arming may fail (recorded for api): the hook's threads could not start. */
aclError weir__acl_exception_bin_arm(bool on, const char *api);

/* ------------------------------------------------------------------------ */
/* Errors                                                                    */
/* ------------------------------------------------------------------------ */

/* The one weir-status -> ACL-code table (runtime/status.c):
 *   WEIR_OK 0; a task's own positive code >= 100000 passes through verbatim;
 *   WEIR_EKERNEL (a task's code <= 0), other positive task codes and unknown
 *   values -> 507015; so a task's failure never maps to a runtime condition;
 *   WEIR_ETIMEDOUT -> 507046 (event calls use weir__acl_from_weir_event());
 *   the rest as documented in docs/acl.md. */
aclError weir__acl_from_weir(int status);
/* Same table, but WEIR_ETIMEDOUT -> 507047 (event synchronize). */
aclError weir__acl_from_weir_event(int status);

/* Record `code` as the thread's last error and "<api>: <formatted reason>"
 * as its newest recent message; return `code`. `code` must be non-zero. */
aclError weir__acl_fail(aclError code, const char *api, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Map a failing weir status through the table and record it with the
 * reason "<what>: <weir_strerror(status)> (weir <NAME>)". Returns the code.
 * `status` must not be WEIR_OK. */
aclError weir__acl_fail_weir(int status, const char *api, const char *what);

/* Like weir__acl_fail_weir() for the result of a weir_*_sync_code() call:
 * a task failure's message names the code the task returned. */
aclError weir__acl_fail_weir_code(int status, int task_code, const char *api, const char *what);

/* Like weir__acl_fail_weir() for a status returned by an event synchronize. */
aclError weir__acl_fail_weir_event(int status, const char *api, const char *what);

/* Resolution helpers leave their reason here (thread-local). */
void weir__acl_set_reason(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *weir__acl_reason(void);

/* Evaluate an aclError expression; on failure record it for `api` with the
 * helper's reason and return it from the calling function. */
#define WEIR__ACL_TRY(api, expr)                                                           \
	do {                                                                               \
		aclError weir__rc_ = (expr);                                               \
		if (weir__rc_ != ACL_SUCCESS)                                              \
			return weir__acl_fail(weir__rc_, (api), "%s", weir__acl_reason()); \
	} while (0)

/* mdl/capture.c: for a call that is unsafe during a capture (a sync
 * copy or fill, an allocation or free, a device synchronize): ACL_SUCCESS,
 * or ACL_ERROR_RT_CAPTURE_MODE_NOT_SUPPORT (107030, recorded for api) when
 * the calling thread's capture mode forbids it now
 * (weir_capture_unsafe_call). */
aclError weir__acl_capture_unsafe(const char *api);

/* runtime/peer.c: a copy between two devices' memory needs the source
 * device's aclrtDeviceEnablePeerAccess(destination). ACL_SUCCESS for any
 * other copy; ACL_ERROR_RT_NO_PERMISSION (207006, recorded for api). */
aclError weir__acl_peer_copy_check(weir_mem_t *m, const void *dst, const void *src,
                                   const char *api);

/* Convert an ACL millisecond time-out (-1 forever, > 0 ms) to weir
 * nanoseconds. 0 and < -1 give ACL_ERROR_RT_PARAM_INVALID (107000) with the
 * reason set. */
aclError weir__acl_timeout_ns(int32_t timeout_ms, int64_t *ns);

/* runtime/event.c: the process-wide wait time-out of aclrtSetOpWaitTimeout,
 * in seconds (0: none). It applies to waits queued after it is set. */
uint32_t weir__acl_op_wait_timeout_s(void);

#endif /* WEIR_ACL_INTERNAL_H */
