/*
 * handle_internal.c - cases that must NOT compile, inside the library
 * (tests/compile_fail/run.cmake; see handle_types.c for the public side).
 *
 * The only conversions between an object and its handle are the ones
 * WEIR_OBJ_DEFINE (base/obj.h) generates: weir__X_handle(x) gives the X's
 * handle type, weir__X_lookup / weir__X_get take it. Passing an object where
 * a handle is expected, or taking a handle of one type for another, must be
 * a compile-time error. Case 0 is the control and must compile.
 */
#include "sched/internal.h"

int check(weir_group_t *g, weir_stream_t *s, weir_event_t *e, weir_reporter_t *r,
          struct weir_group *ig, struct weir_stream *is, struct weir_event *ie,
          struct weir_reporter *ir);

int check(weir_group_t *g, weir_stream_t *s, weir_event_t *e, weir_reporter_t *r,
          struct weir_group *ig, struct weir_stream *is, struct weir_event *ie,
          struct weir_reporter *ir)
{
	(void)g, (void)s, (void)e, (void)r, (void)ig, (void)is, (void)ie, (void)ir;
#if WEIR_CASE == 0
	weir__rcu_read_lock();
	int n = (weir__group_lookup(g) != 0) + (weir__stream_lookup(s) != 0) +
	        (weir__event_lookup(e) != 0) + (weir__reporter_lookup(r) != 0);
	weir__rcu_read_unlock();
	weir_group_t *hg = weir__group_handle(ig);
	weir_stream_t *hs = weir__stream_handle(is);
	weir_event_t *he = weir__event_handle(ie);
	weir_reporter_t *hr = weir__reporter_handle(ir);
	return n + (hg != 0) + (hs != 0) + (he != 0) + (hr != 0);
#elif WEIR_CASE == 1
	return weir__stream_get(is) != 0; /* an object for a handle */
#elif WEIR_CASE == 2
	return weir__group_get(ig) != 0;
#elif WEIR_CASE == 3
	return weir__event_lookup(ie) != 0;
#elif WEIR_CASE == 4
	return weir__reporter_lookup(ir) != 0;
#elif WEIR_CASE == 5
	return weir__stream_get(g) != 0; /* a handle of another type */
#elif WEIR_CASE == 6
	weir_group_t *x = weir__stream_handle(is); /* a stream's handle as a group's */
	return x != 0;
#elif WEIR_CASE == 7
	struct weir_stream *x = weir__stream_handle(is); /* a handle as an object */
	return x != 0;
#else
#error "unknown WEIR_CASE"
#endif
}
