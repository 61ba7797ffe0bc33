/*
 * base/die.h - the library's one way to stop on an impossible condition.
 *
 * weir__die(what): an unrecoverable failure of the system below the library
 * (pthread, futex, TLS keys). Aborts loudly with the location, never
 * silently (liburcu's urcu_die). Bad input never reaches it: that gets a
 * status code.
 *
 * WEIR_ASSERT(cond, what): a check of a written invariant (the numbered
 * lists at the top of each lock-free source file). Compiled only with
 * -DWEIR_DEBUG_INVARIANTS=ON (the ASan lane); in every other build it
 * evaluates nothing, so the release lane stays assertion-free. A failed
 * check prints the invariant, the condition and the location, then aborts.
 */
#ifndef WEIR_BASE_DIE_H
#define WEIR_BASE_DIE_H

#include <stdio.h>
#include <stdlib.h>

/* Unrecoverable system failure inside the library (pthread, futex):
 * abort loudly with the location, never silently (liburcu's urcu_die). */
#define weir__die(what)                                                                        \
	do {                                                                                   \
		fprintf(stderr, "weir: fatal: %s at %s:%d (%s)\n", (what), __FILE__, __LINE__, \
		        __func__);                                                             \
		abort();                                                                       \
	} while (0)

#ifdef WEIR_DEBUG_INVARIANTS
#define WEIR_ASSERT(cond, what)                                                             \
	do {                                                                                \
		if (__builtin_expect(!(cond), 0)) {                                         \
			fprintf(stderr, "weir: invariant violated: %s: %s at %s:%d (%s)\n", \
			        (what), #cond, __FILE__, __LINE__, __func__);               \
			abort();                                                            \
		}                                                                           \
	} while (0)
#else
#define WEIR_ASSERT(cond, what) ((void)sizeof(!(cond)))
#endif

#endif /* WEIR_BASE_DIE_H */
