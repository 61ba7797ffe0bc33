/*
 * weir/status.h - status codes shared by every weir module.
 *
 * One X-macro list (WEIR_STATUS_MAP) generates the enum, weir_strerror() and
 * weir_status_name(), in the manner of libuv's UV_ERRNO_MAP. 0 is success and
 * every failure is negative.
 *
 * Task failures. A task (kernel) that returns a non-zero int has failed, and
 * the next synchronize reports it. A kernel's return value is the kernel's
 * own code, never a statement of the runtime, so it is kept apart from the
 * native statuses:
 *  - a positive code (for instance an ACL error value) cannot collide with a
 *    native status and comes back verbatim;
 *  - a negative code would read as one (-5 is WEIR_ETIMEDOUT), so it comes
 *    back as WEIR_EKERNEL; the task's own value is returned separately by
 *    the *_sync_code() calls of weir/sched.h.
 * So a synchronize result r means "a task failed" exactly when
 * weir_status_is_task_failure(r), and every other negative r is a condition
 * of the runtime (time-out, bad handle, abort, ...). weir's own stream tasks
 * (memory copies, graph ops) follow the same rule: a native status returned
 * by a task is reported as WEIR_EKERNEL with that status as its code.
 */
#ifndef WEIR_STATUS_H
#define WEIR_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(WEIR_BUILDING_LIBRARY)
#define WEIR_API __attribute__((visibility("default")))
#else
#define WEIR_API
#endif

/* X(name, value, message) */
#define WEIR_STATUS_MAP(X)                                                       \
	X(OK, 0, "success")                                                      \
	X(EINVAL, -1, "invalid argument")                                        \
	X(ENOMEM, -2, "out of memory")                                           \
	X(EHANDLE, -3, "invalid, destroyed or wrong-type handle")                \
	X(ENOTREADY, -4, "work is still pending")                                \
	X(ETIMEDOUT, -5, "timed out")                                            \
	X(EAGAIN, -6, "stream is full (non-blocking submit)")                    \
	X(EDEVICE, -7, "device id out of range")                                 \
	X(ESTOPPED, -8, "stream group stopped after a task failed")              \
	X(EABORTED, -9, "pending work was aborted")                              \
	X(EKERNEL, -10, "a task failed with a negative code")                    \
	X(ENOTSUP, -11, "operation not supported for this object or mode")       \
	X(EBUSY, -12, "resource busy")                                           \
	X(ESTATE, -13, "call not valid in the object's current state")           \
	X(ENOSUB, -14, "stream has no subscribed report thread")                 \
	X(ESUBSCRIBED, -15, "stream or thread already subscribed")               \
	X(ENOTSUBSCRIBED, -16, "calling thread is not subscribed")               \
	X(EFOREIGN, -17, "pointer or handle belongs to another device or owner") \
	X(EBOUNDS, -18, "access past the end of an allocation")                  \
	X(EDIRECTION, -19, "copy kind contradicts the pointers")                 \
	X(EFREED, -20, "pointer was already freed")                              \
	X(EINTERIOR, -21, "pointer is inside an allocation, not its start")      \
	X(ENOTFOUND, -22, "no such object")                                      \
	X(EEXIST, -23, "object already exists")                                  \
	X(ESHAPE, -24, "shape or dtype mismatch")                                \
	X(ECYCLE, -25, "graph has a cycle")                                      \
	X(EFINALIZED, -26, "runtime or library already finalized")               \
	X(EINTERNAL, -27, "internal error")                                      \
	X(EWAITTIMEOUT, -28, "a stream's wait task timed out")                   \
	X(EHALTED, -29, "the stream was stopped (weir_stream_stop)")             \
	X(ECAPTURE, -30, "not permitted while the stream or event is captured")  \
	X(EINVALIDATED, -31, "the capture was invalidated by an illegal call")   \
	X(EUNJOINED, -32, "a stream that joined the capture was not joined back")

typedef enum weir_status {
#define WEIR__STATUS_ENUM(name, val, msg) WEIR_##name = (val),
	WEIR_STATUS_MAP(WEIR__STATUS_ENUM)
#undef WEIR__STATUS_ENUM
	        WEIR__STATUS_MIN = -32
} weir_status_t;

/* True if a synchronize result reports a failed task (a task's positive code
 * or WEIR_EKERNEL), false for WEIR_OK and for every condition of the runtime. */
static inline int weir_status_is_task_failure(int status)
{
	return status > 0 || status == WEIR_EKERNEL;
}

/* Human-readable message for a status; "unknown status" for other values.
 * Thread-safe; the returned string is static. */
WEIR_API const char *weir_strerror(int status);

/* The enum name without its prefix, e.g. "ETIMEDOUT"; "UNKNOWN" otherwise. */
WEIR_API const char *weir_status_name(int status);

#ifdef __cplusplus
}
#endif
#endif /* WEIR_STATUS_H */
