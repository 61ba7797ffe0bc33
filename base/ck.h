/*
 * base/ck.h - the single header through which weir includes Concurrency Kit.
 *
 * Never include <ck_*.h> directly: in ThreadSanitizer builds ck's inline
 * assembly must be replaced *before* the first ck header is seen
 * (shared/design/tsan.md, option 1). This header does that:
 *
 *  - TSan builds (WEIR_TSAN from cmake/WeirSanitizers.cmake, or the
 *    compiler's own feature test in base/tsan.h): base/ck_pr_tsan.h
 *    supplies ck_pr over __atomic builtins, then the ck headers follow.
 *  - Other builds: ck's stock x86-64 assembly, unchanged.
 *
 * ck_ec's single-producer fast path (ck_ec32_inc, and ck_ec{32,64}_add when
 * mode->single_producer) is inline assembly that no ck_pr port reaches: a
 * non-atomic "incl"/"xadd" invisible to TSan, which would drop the
 * happens-before edge from the incrementer to the waiter. In TSan builds the
 * calls below are routed to ck's multi-producer path (ck_ec*_add_mp, a
 * ck_pr_faa over this port). Same semantics, one lock'd instruction more.
 * Consequence: code must call ck_ec through the names below (ck_ec_inc,
 * ck_ec_add, ck_ec32_inc, ...), never through a function pointer to them.
 */
#ifndef WEIR_BASE_CK_H
#define WEIR_BASE_CK_H

#include "base/tsan.h"

#if defined(WEIR_TSAN) || defined(WEIR_HAVE_TSAN)
#define WEIR_CK_TSAN_PORT 1
#include "base/ck_pr_tsan.h"
#else
#define WEIR_CK_TSAN_PORT 0
#endif

#include <ck_pr.h>
#include <ck_backoff.h>
#include <ck_ec.h>
#include <ck_ring.h>
#include <ck_stack.h>

#if WEIR_CK_TSAN_PORT
static inline void weir__ck_ec32_inc(struct ck_ec32 *ec, const struct ck_ec_mode *mode)
{
	(void)ck_ec32_add_mp(ec, mode, 1);
}

#undef ck_ec_inc
#undef ck_ec_add
#define ck_ec32_inc(ec, mode)    weir__ck_ec32_inc((ec), (mode))
#define ck_ec32_add(ec, mode, d) ck_ec32_add_mp((ec), (mode), (d))
#ifdef CK_F_EC64
static inline void weir__ck_ec64_inc(struct ck_ec64 *ec, const struct ck_ec_mode *mode)
{
	(void)ck_ec64_add_mp(ec, mode, 1);
}

#define ck_ec64_inc(ec, mode)    weir__ck_ec64_inc((ec), (mode))
#define ck_ec64_add(ec, mode, d) ck_ec64_add_mp((ec), (mode), (d))
#define ck_ec_inc(EC, MODE)                           \
	(_Generic(*(EC), struct ck_ec32               \
	          : weir__ck_ec32_inc, struct ck_ec64 \
	          : weir__ck_ec64_inc)((EC), (MODE)))
#define ck_ec_add(EC, MODE, DELTA)                 \
	(_Generic(*(EC), struct ck_ec32            \
	          : ck_ec32_add_mp, struct ck_ec64 \
	          : ck_ec64_add_mp)((EC), (MODE), (DELTA)))
#else
#define ck_ec_inc ck_ec32_inc
#define ck_ec_add ck_ec32_add
#endif /* CK_F_EC64 */
#endif /* WEIR_CK_TSAN_PORT */

#endif /* WEIR_BASE_CK_H */
