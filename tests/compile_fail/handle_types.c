/*
 * handle_types.c - cases that must NOT compile (tests/compile_fail/run.cmake).
 *
 * The public handle types (weir_group_t, weir_stream_t, weir_event_t,
 * weir_reporter_t) are pointers to structs of their own that are never
 * defined (include/weir/sched.h, "Handle types"); the library's objects are
 * struct weir_group, struct weir_stream, ... (sched/internal.h). Mixing the
 * two, or one handle type with another, must be a compile-time error.
 * run.cmake compiles this file once per WEIR_CASE with
 * -Werror=incompatible-pointer-types: case 0 must compile (the control: the
 * headers and flags work), every other case must fail with an
 * "incompatible pointer" diagnostic.
 */
#include "weir/sched.h"

/* The library's internal object tags (defined in sched/internal.h). */
struct weir_group;
struct weir_stream;
struct weir_event;
struct weir_reporter;

int check(weir_group_t *g, weir_stream_t *s, weir_event_t *e, weir_reporter_t *r,
          struct weir_group *ig, struct weir_stream *is, struct weir_event *ie,
          struct weir_reporter *ir);

int check(weir_group_t *g, weir_stream_t *s, weir_event_t *e, weir_reporter_t *r,
          struct weir_group *ig, struct weir_stream *is, struct weir_event *ie,
          struct weir_reporter *ir)
{
	(void)g, (void)s, (void)e, (void)r, (void)ig, (void)is, (void)ie, (void)ir;
#if WEIR_CASE == 0
	/* control: the right types everywhere */
	return weir_stream_sync(s, 0) + weir_group_sync(g, 0) + weir_event_query(e) +
	       weir_reporter_process(r, 0) + weir_event_record(e, s);
#elif WEIR_CASE == 1
	return weir_stream_sync(is, 0); /* internal stream where a handle is expected */
#elif WEIR_CASE == 2
	return weir_group_sync(ig, 0); /* internal group where a handle is expected */
#elif WEIR_CASE == 3
	return weir_event_query(ie); /* internal event where a handle is expected */
#elif WEIR_CASE == 4
	return weir_reporter_process(ir, 0); /* internal reporter for a handle */
#elif WEIR_CASE == 5
	struct weir_stream *st = s; /* a handle used as the internal object */
	return st != 0;
#elif WEIR_CASE == 6
	struct weir_group *gr = g;
	return gr != 0;
#elif WEIR_CASE == 7
	struct weir_event *ev = e;
	return ev != 0;
#elif WEIR_CASE == 8
	struct weir_reporter *rp = r;
	return rp != 0;
#elif WEIR_CASE == 9
	return weir_stream_sync(e, 0); /* one handle type for another */
#elif WEIR_CASE == 10
	return weir_stream_subscribe(s, g);
#elif WEIR_CASE == 11
	return weir_stream_create(g, 0, 0, &is); /* an internal object as the out */
#else
#error "unknown WEIR_CASE"
#endif
}
