/*
 * acl/weir_acl.h - the bridge from the ACL facade (acl/acl.h) to weir's
 * native session API (weir/session.h): sessions on the runtime and device
 * memory that aclInit created, and the weir stream behind an aclrtStream;
 * and reading the trace of the mstx markers (mstx/ms_tools_ext.h).
 * Owned by the facade (acl_compat/runtime/session.c); the native headers
 * name no facade.
 *
 * Thread-safety: every call may be made from any thread.
 */
#ifndef WEIR_ACL_BRIDGE_H
#define WEIR_ACL_BRIDGE_H

#include <stddef.h>
#include <stdint.h>
#include "weir/session.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A session on the runtime and device memory that aclInit created (so
 * aclrtMalloc'd buffers and aclrtStreams can be used with it). Returns as
 * weir_session_create(), or WEIR_ESTATE before aclInit / after aclFinalize.
 * The session is bound to that runtime: after aclFinalize every call on it
 * returns WEIR_EFINALIZED (see the top of weir/session.h); destroy it as
 * usual. */
WEIR_API int weir_session_create_acl(const weir_option_t *opts, size_t nopts, weir_session_t **out);

/* The weir stream behind an aclrtStream (NULL: the calling thread's current
 * context's default stream), for the run calls of weir/session.h. Returns
 * WEIR_OK or WEIR_EHANDLE (destroyed or garbage stream, no current
 * context). */
WEIR_API int weir_session_acl_stream(void *acl_stream, weir_stream_t **out);

/* ------------------------------------------------------------------------ */
/* The mstx trace (mstx/ms_tools_ext.h)                                      */
/* ------------------------------------------------------------------------ */

/* The trace keeps the newest WEIR_MSTX_TRACE_CAPACITY events; recording one
 * more drops the oldest and counts it (weir_mstx_trace_read's *dropped). */
#define WEIR_MSTX_TRACE_CAPACITY 16384u
#define WEIR_MSTX_MESSAGE_MAX    256u  /* bytes with the NUL: longer messages are cut */
#define WEIR_MSTX_DOMAIN_MAX     1024u /* bytes with the NUL: mstx's name limit */

typedef enum weir_mstx_kind {
	WEIR_MSTX_MARK = 1,        /* mstxMarkA, mstxDomainMarkA */
	WEIR_MSTX_RANGE_START = 2, /* mstxRangeStartA, mstxDomainRangeStartA */
	WEIR_MSTX_RANGE_END = 3,   /* mstxRangeEnd, mstxDomainRangeEnd */
} weir_mstx_kind_t;

/* One recorded marker. Times are CLOCK_MONOTONIC nanoseconds. */
typedef struct weir_mstx_event {
	uint64_t seq;                        /* order of recording in the process, from 1 */
	uint64_t range_id;                   /* the range (start and end); 0 for a mark */
	uint64_t host_ns;                    /* when the mstx call was made */
	uint64_t stream_ns;                  /* when `stream` reached the marker's task; 0 when it
	                       has no stream or the task was discarded */
	void *stream;                        /* the aclrtStream it was queued on; NULL: none */
	uint64_t tid;                        /* the calling thread (Linux thread id) */
	uint32_t kind;                       /* weir_mstx_kind_t */
	char domain[WEIR_MSTX_DOMAIN_MAX];   /* "default" or the domain's name */
	char message[WEIR_MSTX_MESSAGE_MAX]; /* a range end repeats its start's */
} weir_mstx_event_t;

/* Copy the events the trace holds, in the order they were recorded (a
 * marker with a stream is recorded when the stream reaches it), into
 * out[0..cap): the newest cap ones when it holds more. *count gets the
 * number copied; dropped (may be NULL) the number of events dropped for
 * room since the last weir_mstx_trace_clear(). cap 0 with out NULL counts
 * nothing and only reports dropped. Returns WEIR_OK, or WEIR_EINVAL for a
 * NULL count or a NULL out with cap > 0. Partner: weir_mstx_trace_clear(). */
WEIR_API int weir_mstx_trace_read(weir_mstx_event_t *out, size_t cap, size_t *count,
                                  uint64_t *dropped);

/* Forget every event the trace holds and reset the dropped count. Events of
 * tasks still queued are recorded later, as usual. Open ranges stay open. */
WEIR_API void weir_mstx_trace_clear(void);

/* Write the trace now to `path` as Chrome trace-event JSON (what
 * WEIR_MSTX_TRACE=<path> writes at aclFinalize and at exit; written to
 * "<path>.tmp", then renamed, so a reader never sees half a file). Returns
 * WEIR_OK, WEIR_EINVAL (NULL or empty path), WEIR_ENOMEM, or WEIR_ENOTFOUND
 * (the file cannot be created or written). */
WEIR_API int weir_mstx_trace_write(const char *path);

#ifdef __cplusplus
}
#endif
#endif /* WEIR_ACL_BRIDGE_H */
