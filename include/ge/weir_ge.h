/*
 * ge/weir_ge.h - the C layer under the GE v2 facade (ge/ge_api_v2.h), owned
 * by the facade (acl_compat/ge/ge_v2.c). Not a GE API: ge_api_v2.h calls
 * these; applications use ge::GEInitializeV2, ge::GeSession, ...
 *
 * GE process state: initialize (aclInit reference; idempotent), finalize
 * (finalizes every live GE session, drops the aclInit reference; later
 * session calls return WEIR_EFINALIZED), sessions registered for finalize,
 * and freeing outputs weir allocated for a GE session. GE's aclInit reference
 * belongs to one ACL runtime: an aclFinalize before GEFinalizeV2 finalizes
 * the GE sessions with that runtime, GE then reads as not initialized
 * (weir_ge_initialized() false; GEInitializeV2 initializes it again), and
 * GEFinalizeV2 drops no reference of a runtime created later.
 * weir_ge_session_check(): WEIR_OK while GE is initialized and `s` is a GE
 * session on the current ACL runtime, else WEIR_EINVAL (NULL) or
 * WEIR_EFINALIZED, with a message (E10062).
 *
 * Thread-safety: every call may be made from any thread.
 */
#ifndef WEIR_GE_BRIDGE_H
#define WEIR_GE_BRIDGE_H

#include <stdbool.h>
#include <stddef.h>
#include "weir/session.h"

#ifdef __cplusplus
extern "C" {
#endif

WEIR_API int weir_ge_initialize(const weir_option_t *opts, size_t nopts);
WEIR_API int weir_ge_finalize(void);
WEIR_API bool weir_ge_initialized(void);
WEIR_API int weir_ge_session_create(const weir_option_t *opts, size_t nopts, weir_session_t **out);
WEIR_API int weir_ge_session_check(const weir_session_t *s);
WEIR_API void weir_ge_session_destroy(weir_session_t *s);
WEIR_API int weir_ge_free(void *p);

#ifdef __cplusplus
}
#endif
#endif /* WEIR_GE_BRIDGE_H */
