/*
 * mstx/ms_tools_ext.h - the MindStudio Tools Extension (mstx) marker API on
 * weir: instant marks and ranges, in the default domain or in named domains,
 * optionally tied to a stream. Same names, types and prototypes as the mstx
 * header CANN ships; implemented by acl_compat/prof/mstx.c.
 *
 * What weir does with a marker (docs/acl.md, "Profiling markers (mstx)"):
 *  - stream NULL: the event is recorded at the call;
 *  - a live aclrtStream: a one-block task is queued on it, and the event is
 *    recorded when the stream reaches that task, with both times (the call's
 *    and the stream's). A stream that cannot take the task (destroyed,
 *    garbage, stopped) makes the call a no-op (a range start returns 0).
 * Events go to an in-process trace bounded to WEIR_MSTX_TRACE_CAPACITY
 * events (acl/weir_acl.h; the oldest are dropped and counted); with the
 * environment variable WEIR_MSTX_TRACE=<path> the trace is written there as
 * Chrome trace-event JSON at aclFinalize and at process exit.
 *
 * None of these calls needs aclInit except for the stream it names. Bad
 * input (NULL message, destroyed or garbage domain, unknown range id) is
 * ignored: the calls report nothing and never crash.
 *
 * Thread-safety: every call may be made from any thread.
 */
#ifndef WEIR_MSTX_MS_TOOLS_EXT_H
#define WEIR_MSTX_MS_TOOLS_EXT_H

#include <stddef.h>
#include <stdint.h>

#include "acl/acl_base.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MSTX_SUCCESS    0
#define MSTX_FAIL       1
#define MSTX_INVALID_ID 0 /* the range id of a failed range start */

/* A range, from its start call to its end call; never 0 for a started one. */
typedef uint64_t mstxRangeId;

/* A named domain: its own name space of marks and ranges. */
struct mstxDomainRegistration_st;
typedef struct mstxDomainRegistration_st mstxDomainRegistration_t;
typedef mstxDomainRegistration_t *mstxDomainHandle_t;

/* An instant event named `message` (copied; at most 255 bytes are kept) in
 * the default domain ("default"), at the call (stream NULL) or when `stream`
 * reaches it. */
ACL_FUNC_VISIBILITY void mstxMarkA(const char *message, aclrtStream stream);

/* Start a range of the default domain named `message`, at the call or when
 * `stream` reaches it. Returns its id, unique in the process and never 0;
 * MSTX_INVALID_ID (0) for a NULL message, a stream that cannot take the
 * task, or too many open ranges. Partner: mstxRangeEnd(). */
ACL_FUNC_VISIBILITY mstxRangeId mstxRangeStartA(const char *message, aclrtStream stream);

/* End the default domain's range `id`, on the stream its start named (at the
 * call when it named none, or that stream is gone). An id that is not an
 * open range of the default domain (0, ended already, another domain's) is
 * ignored. Partner: mstxRangeStartA(). */
ACL_FUNC_VISIBILITY void mstxRangeEnd(mstxRangeId id);

/* The domain named `name` (1 to 1023 letters, digits and '_'; "default" is
 * the default domain's and is refused). A name that has a live domain gives
 * that domain's handle again, and then the domain lives until as many
 * mstxDomainDestroy() calls. NULL for a bad name or no memory.
 * Partner: mstxDomainDestroy(). */
ACL_FUNC_VISIBILITY mstxDomainHandle_t mstxDomainCreateA(const char *name);

/* Drop one creation of `domain`; the last one destroys it: its open ranges
 * are forgotten and its handle is refused from then on. NULL, destroyed and
 * garbage handles are ignored. Partner: mstxDomainCreateA(). */
ACL_FUNC_VISIBILITY void mstxDomainDestroy(mstxDomainHandle_t domain);

/* mstxMarkA() in `domain`; ignored for a NULL, destroyed or garbage
 * domain. */
ACL_FUNC_VISIBILITY void mstxDomainMarkA(mstxDomainHandle_t domain, const char *message,
                                         aclrtStream stream);

/* mstxRangeStartA() in `domain`; MSTX_INVALID_ID also for a NULL, destroyed
 * or garbage domain. Partner: mstxDomainRangeEnd(). */
ACL_FUNC_VISIBILITY mstxRangeId mstxDomainRangeStartA(mstxDomainHandle_t domain,
                                                      const char *message, aclrtStream stream);

/* mstxRangeEnd() for a range of `domain`; ignored unless `id` is an open
 * range of that live domain. Partner: mstxDomainRangeStartA(). */
ACL_FUNC_VISIBILITY void mstxDomainRangeEnd(mstxDomainHandle_t domain, mstxRangeId id);

#ifdef __cplusplus
}
#endif
#endif /* WEIR_MSTX_MS_TOOLS_EXT_H */
