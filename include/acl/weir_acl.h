/*
 * acl/weir_acl.h - the bridge from the ACL facade (acl/acl.h) to weir's
 * native session API (weir/session.h): sessions on the runtime and device
 * memory that aclInit created, and the weir stream behind an aclrtStream.
 * Owned by the facade (acl_compat/runtime/session.c); the native headers
 * name no facade.
 *
 * Thread-safety: every call may be made from any thread.
 */
#ifndef WEIR_ACL_BRIDGE_H
#define WEIR_ACL_BRIDGE_H

#include <stddef.h>
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

#ifdef __cplusplus
}
#endif
#endif /* WEIR_ACL_BRIDGE_H */
