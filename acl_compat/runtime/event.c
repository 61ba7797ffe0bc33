/*
 * acl_compat/runtime/event.c - aclrt* event calls, both of ACL's event models.
 *
 *  - Legacy (aclrtCreateEvent, aclrtCreateEventWithFlag): a weir FLAG event.
 *    Record sets the flag when it runs, aclrtResetEvent is a stream task that
 *    clears it, and a wait blocks its stream until the flag is set. Before
 *    any record: QueryEventStatus NOT_READY, SynchronizeEvent returns at once,
 *    and StreamWaitEvent is 107000 unless the event has ACL_EVENT_SYNC (then
 *    the wait is queued and blocks until a later record).
 *    aclrtCreateEvent uses ACL's default flag set 0x0E (TIME_LINE included).
 *  - Ex (aclrtCreateEventExWithFlag): a weir snapshot event. A record
 *    captures the stream's work so far; complete before the first record;
 *    ResetEvent, QueryEvent and QueryEventWaitStatus give 207000; only
 *    ACL_EVENT_SYNC events may be waited on (otherwise 207000).
 *
 * An aclrtEvent is the registry handle of a facade wrapper (struct
 * weir_acl_event), never its address, validated by the library's handle
 * registry (acl_state.h) before any use: a destroyed event's handle stays
 * invalid (107017) even after a new event reuses its slot.
 */
#include "acl_compat/acl_internal.h"
#include "acl_compat/acl_state.h"
#include "base/alloc.h"
#include "base/atomic.h"
#include "base/registry.h"

/* RT_EVENT_DDSYNC | RT_EVENT_TIME_LINE | RT_EVENT_STREAM_MARK */
#define WEIR_ACL_EVENT_DEFAULT_FLAGS 0x0Eu
#define WEIR_ACL_EVENT_KNOWN_FLAGS                                                  \
	(ACL_EVENT_SYNC | ACL_EVENT_CAPTURE_STREAM_PROGRESS | ACL_EVENT_TIME_LINE | \
	 ACL_EVENT_DEVICE_USE_ONLY | ACL_EVENT_EXTERNAL | ACL_EVENT_IPC | 0x04u)

/* A: relaxed - a setting; no data is published through it. */
static _Atomic uint32_t weir_acl_op_wait_timeout_s;

uint32_t weir__acl_op_wait_timeout_s(void)
{
	return weir_load_relaxed(&weir_acl_op_wait_timeout_s);
}

/*
 * Event resources (aclrtGetEventAvailNum). Each device has
 * WEIR_ACL_EVENTS_PER_DEVICE event ids; a create beyond them fails with
 * 207007, as on a device whose event ids are used up. One word per device:
 * the runtime generation's low 32 bits above the live count, so a new aclInit
 * (whose runtime starts with no events) reads a count of 0 without anyone
 * resetting it. Updated by CAS (relaxed: a count, nothing is published).
 */
#define WEIR_ACL_EVENTS_PER_DEVICE 65536u
static _Atomic uint64_t weir_acl_event_live[WEIR_MAX_DEVICES];

static uint32_t weir_acl_event_count(uint64_t word, uint64_t gen)
{
	return (word >> 32) == (gen & 0xFFFFFFFFu) ? (uint32_t)word : 0;
}

/* Take (delta +1, false when none is left) or give back (-1) one id. */
static bool weir_acl_event_take(uint32_t dev, int delta)
{
	uint64_t gen = weir__acl_generation();
	_Atomic uint64_t *w = &weir_acl_event_live[dev % WEIR_MAX_DEVICES];
	uint64_t cur = weir_load_relaxed(w);
	for (;;) {
		uint32_t n = weir_acl_event_count(cur, gen);
		if (delta > 0 && n >= WEIR_ACL_EVENTS_PER_DEVICE)
			return false;
		if (delta < 0 && n == 0)
			return true; /* an event of an earlier runtime */
		uint64_t next = ((gen & 0xFFFFFFFFu) << 32) | (uint32_t)(n + (uint32_t)delta);
		if (weir_cas_relaxed(w, &cur, next))
			return true;
	}
}

aclError weir__acl_event_get(aclrtEvent e, struct weir_acl_event *copy)
{
	bool found = false;
	weir__rcu_read_lock();
	struct weir_acl_obj *o = weir__acl_reg_lookup_locked(e, WEIR_ACL_OBJ_EVENT);
	if (o) {
		const struct weir_acl_event *w = (const struct weir_acl_event *)o;
		copy->ev = w->ev; /* I: fields only (invariant 3) */
		copy->flags = w->flags;
		copy->model = w->model;
		copy->device = w->device;
		found = true;
	}
	weir__rcu_read_unlock();
	if (!found) {
		weir__acl_set_reason("event %p is not a live event (destroyed or never created)",
		                     e);
		return ACL_ERROR_RT_INVALID_HANDLE;
	}
	return ACL_SUCCESS;
}

/* Look up an event for `api`: NULL -> 100000; uninitialized -> 100001;
 * bad handle -> 107017. Records the failure. */
static aclError weir_acl_event_arg(aclrtEvent e, const char *name, struct weir_acl_event *ev,
                                   const char *api)
{
	if (!e)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL", name);
	if (!weir__acl_runtime())
		return weir__acl_fail(ACL_ERROR_UNINITIALIZE, api,
		                      "aclInit has not been called (weir has no runtime yet)");
	WEIR__ACL_TRY(api, weir__acl_event_get(e, ev));
	return ACL_SUCCESS;
}

static aclError weir_acl_event_create(aclrtEvent *event, uint32_t flag, uint32_t model,
                                      const char *api)
{
	weir__acl_ctx_info_t info;
	if (!event)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "event is NULL");
	if (flag & ~WEIR_ACL_EVENT_KNOWN_FLAGS)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "flag 0x%x has unknown bits",
		                      (unsigned)flag);
	if ((flag & (ACL_EVENT_IPC | ACL_EVENT_EXTERNAL)) &&
	    (flag & ~(ACL_EVENT_IPC | ACL_EVENT_EXTERNAL)) != 0)
		return weir__acl_fail(
		        ACL_ERROR_INVALID_PARAM, api,
		        "ACL_EVENT_IPC and ACL_EVENT_EXTERNAL cannot be combined with "
		        "other flags (flag 0x%x)",
		        (unsigned)flag);
	if ((flag & ACL_EVENT_IPC) && (flag & ACL_EVENT_EXTERNAL))
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "ACL_EVENT_IPC and ACL_EVENT_EXTERNAL are exclusive");
	WEIR__ACL_TRY(api, weir__acl_current_context(&info));
	if (!weir_acl_event_take(info.device, +1))
		return weir__acl_fail(ACL_ERROR_RT_NO_EVENT_RESOURCE, api,
		                      "device %u has no event left (%u live events)",
		                      (unsigned)info.device, WEIR_ACL_EVENTS_PER_DEVICE);

	struct weir_acl_event *w = weir__calloc(1, sizeof *w);
	if (!w) {
		weir_acl_event_take(info.device, -1);
		return weir__acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION, api, "out of memory (event)");
	}
	uint32_t wflags = (flag & ACL_EVENT_TIME_LINE) ? WEIR_EVENT_TIMING : 0;
	if (model == WEIR_ACL_EV_LEGACY)
		wflags |= WEIR_EVENT_FLAG;
	int st = weir_event_create(weir__acl_runtime(), info.device, wflags, &w->ev);
	if (st != WEIR_OK) {
		weir__free(w);
		weir_acl_event_take(info.device, -1);
		return weir__acl_fail_weir(st, api, "cannot create the event");
	}
	w->flags = flag;
	w->model = model;
	w->device = info.device;
	if (!weir__acl_reg_add(&w->obj, WEIR_ACL_OBJ_EVENT)) {
		weir_event_destroy(w->ev);
		weir__free(w);
		weir_acl_event_take(info.device, -1);
		return weir__acl_fail(ACL_ERROR_RT_MEMORY_ALLOCATION, api,
		                      "out of memory (event handle)");
	}
	*event = weir__acl_reg_handle(&w->obj);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtCreateEvent(aclrtEvent *event)
{
	return weir_acl_event_create(event, WEIR_ACL_EVENT_DEFAULT_FLAGS, WEIR_ACL_EV_LEGACY,
	                             "aclrtCreateEvent");
}

ACL_FUNC_VISIBILITY aclError aclrtCreateEventWithFlag(aclrtEvent *event, uint32_t flag)
{
	return weir_acl_event_create(event, flag, WEIR_ACL_EV_LEGACY, "aclrtCreateEventWithFlag");
}

ACL_FUNC_VISIBILITY aclError aclrtCreateEventExWithFlag(aclrtEvent *event, uint32_t flag)
{
	return weir_acl_event_create(event, flag, WEIR_ACL_EV_EX, "aclrtCreateEventExWithFlag");
}

ACL_FUNC_VISIBILITY aclError aclrtDestroyEvent(aclrtEvent event)
{
	static const char api[] = "aclrtDestroyEvent";
	if (!event)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "event is NULL");
	if (!weir__acl_runtime())
		return weir__acl_fail(ACL_ERROR_UNINITIALIZE, api,
		                      "aclInit has not been called (weir has no runtime yet)");
	weir__rcu_read_lock();
	struct weir_acl_obj *o = weir__acl_reg_lookup_locked(event, WEIR_ACL_OBJ_EVENT);
	bool won = o && weir__acl_reg_del_locked(o); /* invariant 4 */
	weir__rcu_read_unlock();
	if (!won)
		return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api,
		                      "event %p is not a live event (destroyed or never created)",
		                      event);
	struct weir_acl_event *w = (struct weir_acl_event *)o;
	weir_acl_event_take(w->device, -1);
	/* Never blocks: queued records keep the weir event alive; waits on a
	 * legacy event whose flag is still clear fail with 107017 (the weir
	 * event's destroy resumes and fails them, sched/event.c invariant 7). */
	int st = weir_event_destroy(w->ev);
	weir__acl_reg_free_deferred(&w->obj);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "destroying the event");
	return ACL_SUCCESS;
}

/* ACL keeps the record flag and the wait flag of an event fixed from its
 * first use (plain records and waits use the DEFAULT flags): a later use
 * with the other flag is 107000. Records `flag` on first use, even when the
 * call then fails, as ACL does. */
static aclError weir_acl_event_use_flag(aclrtEvent event, bool record, uint32_t flag,
                                        const char *api)
{
	uint32_t want = flag + 1, cur = 0;
	bool found = false;
	weir__rcu_read_lock();
	struct weir_acl_obj *o = weir__acl_reg_lookup_locked(event, WEIR_ACL_OBJ_EVENT);
	if (o) {
		struct weir_acl_event *w = (struct weir_acl_event *)o;
		_Atomic uint32_t *f = record ? &w->record_flag : &w->wait_flag;
		found = true;
		/* relaxed: a setting of the event; nothing is published with it */
		if (!weir_cas_relaxed(f, &cur, want) && cur == want)
			cur = 0;
	}
	weir__rcu_read_unlock();
	if (!found)
		return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api,
		                      "event %p is not a live event (destroyed or never created)",
		                      event);
	if (cur != 0)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "event %p was first %s with flag %u; the flag must stay the "
		                      "same for an event (given %u)",
		                      event, record ? "recorded" : "waited on", (unsigned)(cur - 1),
		                      (unsigned)flag);
	return ACL_SUCCESS;
}

/* Queue a record (reset false) or a reset of ev on `stream` with one stream
 * lookup; a full stream falls back to the public call, which waits for room. */
static aclError weir_acl_event_task(const struct weir_acl_event *ev, aclrtEvent event,
                                    aclrtStream stream, bool reset, const char *api)
{
	weir_stream_t *s;
	struct weir_stream *found;
	WEIR__ACL_TRY(api, weir__acl_resolve_stream_found(stream, &s, &found));
	int st = !found  ? WEIR_EAGAIN
	         : reset ? weir__event_reset_found(ev->ev, found)
	                 : weir__event_record_found(ev->ev, found);
	weir__rcu_read_unlock();
	if (st == WEIR_EAGAIN)
		st = reset ? weir_event_reset(ev->ev, s) : weir_event_record(ev->ev, s);
	if (st == WEIR_EFOREIGN)
		return weir__acl_fail(ACL_ERROR_RT_STREAM_CONTEXT, api,
		                      "event %p belongs to device %u, the stream to another device",
		                      event, (unsigned)ev->device);
	if (st != WEIR_OK)
		return weir__acl_fail_submit(st, s, api,
		                             reset ? "queueing the reset" : "queueing the record");
	/* A legacy event's record into a capture: remember it for the
	 * never-recorded check of waits (weir_acl_stream_wait). */
	int cs = WEIR_CAPTURE_NONE;
	if (!reset && ev->model == WEIR_ACL_EV_LEGACY && !(ev->flags & ACL_EVENT_SYNC) &&
	    weir_capture_status(s, &cs, NULL) == WEIR_OK && cs != WEIR_CAPTURE_NONE) {
		weir__rcu_read_lock();
		struct weir_acl_obj *o = weir__acl_reg_lookup_locked(event, WEIR_ACL_OBJ_EVENT);
		if (o) /* relaxed: a hint only (acl_state.h) */
			weir_store_relaxed(&((struct weir_acl_event *)o)->captured, 1u);
		weir__rcu_read_unlock();
	}
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtRecordEvent(aclrtEvent event, aclrtStream stream)
{
	static const char api[] = "aclrtRecordEvent";
	struct weir_acl_event ev = { 0 };
	aclError rc = weir_acl_event_arg(event, "event", &ev, api);
	if (rc != ACL_SUCCESS)
		return rc;
	rc = weir_acl_event_use_flag(event, true, ACL_EVENT_RECORD_DEFAULT, api);
	if (rc != ACL_SUCCESS)
		return rc;
	return weir_acl_event_task(&ev, event, stream, false, api);
}

ACL_FUNC_VISIBILITY aclError aclrtResetEvent(aclrtEvent event, aclrtStream stream)
{
	static const char api[] = "aclrtResetEvent";
	struct weir_acl_event ev = { 0 };
	aclError rc = weir_acl_event_arg(event, "event", &ev, api);
	if (rc != ACL_SUCCESS)
		return rc;
	if (ev.model == WEIR_ACL_EV_EX)
		return weir__acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, api,
		                      "event %p was created by aclrtCreateEventExWithFlag; "
		                      "Ex events cannot be reset (record again instead)",
		                      event);
	return weir_acl_event_task(&ev, event, stream, true, api);
}

/* Queue a wait of `event` on `stream`. timeout_ns > 0 bounds the wait (the
 * wait task fails with 107020 when it outlives it); 0 applies
 * aclrtSetOpWaitTimeout's limit, if one is set. */
static aclError weir_acl_stream_wait(aclrtStream stream, aclrtEvent event, int64_t timeout_ns,
                                     const char *api)
{
	struct weir_acl_event ev = { 0 };
	weir_stream_t *s;
	aclError rc = weir_acl_event_arg(event, "event", &ev, api);
	if (rc != ACL_SUCCESS)
		return rc;
	rc = weir_acl_event_use_flag(event, false, ACL_EVENT_WAIT_DEFAULT, api);
	if (rc != ACL_SUCCESS)
		return rc;
	if (timeout_ns == 0)
		timeout_ns = (int64_t)weir__acl_op_wait_timeout_s() * 1000000000;
	struct weir_stream *found;
	WEIR__ACL_TRY(api, weir__acl_resolve_stream_found(stream, &s, &found));
	if (ev.model == WEIR_ACL_EV_EX && !(ev.flags & ACL_EVENT_SYNC)) {
		weir__rcu_read_unlock();
		return weir__acl_fail(
		        ACL_ERROR_RT_FEATURE_NOT_SUPPORT, api,
		        "Ex event %p was created without ACL_EVENT_SYNC and cannot be "
		        "waited on",
		        event);
	}
	if (ev.model == WEIR_ACL_EV_LEGACY && !(ev.flags & ACL_EVENT_SYNC)) {
		bool recorded = false;
		int st = weir_event_recorded(ev.ev, &recorded);
		int cs = WEIR_CAPTURE_NONE;
		if (st == WEIR_OK && !recorded && weir_capture_status(s, &cs, NULL) == WEIR_OK &&
		    cs != WEIR_CAPTURE_NONE)
			recorded = true; /* a recorded wait: it waits, at each replay,
			                    for a record made outside (model_ri/1) */
		if (st == WEIR_OK && !recorded) {
			/* inside the section already (resolve_stream_found) */
			struct weir_acl_obj *o =
			        weir__acl_reg_lookup_locked(event, WEIR_ACL_OBJ_EVENT);
			/* relaxed: a hint only (acl_state.h) */
			recorded = o && weir_load_relaxed(&((struct weir_acl_event *)o)->captured);
		}
		if (st != WEIR_OK || !recorded)
			weir__rcu_read_unlock();
		if (st != WEIR_OK)
			return weir__acl_fail_weir(st, api, "reading the event's state");
		if (!recorded)
			return weir__acl_fail(
			        ACL_ERROR_RT_PARAM_INVALID, api,
			        "event %p has never been recorded: call aclrtRecordEvent "
			        "first (only ACL_EVENT_SYNC events may be waited on "
			        "before their record)",
			        event);
	}
	/* A timed wait takes the public call (one more stream lookup). */
	int st = found && timeout_ns == 0 ? weir__stream_wait_event_found(found, ev.ev)
	                                  : WEIR_EAGAIN;
	weir__rcu_read_unlock();
	if (st == WEIR_EAGAIN)
		st = weir_stream_wait_event_timeout(s, ev.ev, timeout_ns);
	if (st != WEIR_OK)
		return weir__acl_fail_submit(st, s, api, "queueing the wait");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtStreamWaitEvent(aclrtStream stream, aclrtEvent event)
{
	return weir_acl_stream_wait(stream, event, 0, "aclrtStreamWaitEvent");
}

ACL_FUNC_VISIBILITY aclError aclrtStreamWaitEventWithTimeout(aclrtStream stream, aclrtEvent event,
                                                             int32_t timeout)
{
	static const char api[] = "aclrtStreamWaitEventWithTimeout";
	if (timeout < 0)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "timeout %d is invalid (must be >= 0; 0 means no timeout)",
		                      (int)timeout);
	return weir_acl_stream_wait(stream, event, (int64_t)timeout * 1000000, api);
}

/* The state the three query calls report: *done is true once the event's
 * last record (legacy: its flag) completed. ex_msg, when not NULL, is the
 * refusal for Ex events. */
static aclError weir_acl_event_done(aclrtEvent event, const void *status, const char *ex_msg,
                                    bool *done, const char *api)
{
	struct weir_acl_event ev = { 0 };
	if (!status)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "status is NULL");
	aclError rc = weir_acl_event_arg(event, "event", &ev, api);
	if (rc != ACL_SUCCESS)
		return rc;
	if (ex_msg && ev.model == WEIR_ACL_EV_EX)
		return weir__acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, api, "%s", ex_msg);
	int st = weir_event_query(ev.ev);
	if (st != WEIR_OK && st != WEIR_ENOTREADY)
		return weir__acl_fail_weir(st, api, "querying the event");
	*done = st == WEIR_OK;
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtQueryEventStatus(aclrtEvent event,
                                                   aclrtEventRecordedStatus *status)
{
	bool done = false;
	aclError rc = weir_acl_event_done(event, status, NULL, &done, "aclrtQueryEventStatus");
	if (rc == ACL_SUCCESS)
		*status = done ? ACL_EVENT_RECORDED_STATUS_COMPLETE
		               : ACL_EVENT_RECORDED_STATUS_NOT_READY;
	return rc;
}

ACL_FUNC_VISIBILITY aclError aclrtQueryEvent(aclrtEvent event, aclrtEventStatus *status)
{
	bool done = false;
	aclError rc = weir_acl_event_done(event, status,
	                                  "not supported for Ex events; use aclrtQueryEventStatus",
	                                  &done, "aclrtQueryEvent");
	if (rc == ACL_SUCCESS)
		*status = done ? ACL_EVENT_STATUS_COMPLETE : ACL_EVENT_STATUS_NOT_READY;
	return rc;
}

ACL_FUNC_VISIBILITY aclError aclrtQueryEventWaitStatus(aclrtEvent event,
                                                       aclrtEventWaitStatus *status)
{
	bool done = false;
	/* A legacy wait completes once the flag is set: waits queued on the
	 * event are complete exactly when the flag is set (docs/acl.md). */
	aclError rc = weir_acl_event_done(event, status, "not supported for Ex events", &done,
	                                  "aclrtQueryEventWaitStatus");
	if (rc == ACL_SUCCESS)
		*status = done ? ACL_EVENT_WAIT_STATUS_COMPLETE : ACL_EVENT_WAIT_STATUS_NOT_READY;
	return rc;
}

static aclError weir_acl_event_sync(aclrtEvent event, int64_t ns, const char *api)
{
	struct weir_acl_event ev = { 0 };
	aclError rc = weir_acl_event_arg(event, "event", &ev, api);
	if (rc != ACL_SUCCESS)
		return rc;
	int st = weir_event_sync(ev.ev, ns);
	if (st != WEIR_OK)
		return weir__acl_fail_weir_event(st, api, "synchronizing the event");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtSynchronizeEvent(aclrtEvent event)
{
	return weir_acl_event_sync(event, WEIR_TIMEOUT_INFINITE, "aclrtSynchronizeEvent");
}

ACL_FUNC_VISIBILITY aclError aclrtSynchronizeEventWithTimeout(aclrtEvent event, int32_t timeout)
{
	static const char api[] = "aclrtSynchronizeEventWithTimeout";
	int64_t ns;
	WEIR__ACL_TRY(api, weir__acl_timeout_ns(timeout, &ns));
	return weir_acl_event_sync(event, ns, api);
}

/* A completed record's timestamp, with ACL's codes. */
static aclError weir_acl_event_stamp(const struct weir_acl_event *ev, aclrtEvent h, uint64_t *ns,
                                     const char *api)
{
	if (ev->flags & (ACL_EVENT_IPC | ACL_EVENT_EXTERNAL))
		return weir__acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, api,
		                      "event %p is an IPC/EXTERNAL event, which has no timestamp",
		                      h);
	if (!(ev->flags & ACL_EVENT_TIME_LINE))
		return weir__acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, api,
		                      "event %p was created without ACL_EVENT_TIME_LINE", h);
	bool recorded = false;
	int st = weir_event_recorded(ev->ev, &recorded);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "reading the event's state");
	if (!recorded)
		return weir__acl_fail(ACL_ERROR_RT_INTERNAL_ERROR, api,
		                      "event %p has never been recorded", h);
	st = weir_event_timestamp(ev->ev, ns);
	if (st == WEIR_ENOTREADY)
		return weir__acl_fail(ACL_ERROR_RT_EVENT_NOT_COMPLETE, api,
		                      "event %p's record has not completed yet (synchronize first)",
		                      h);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "reading the event's timestamp");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtEventElapsedTime(float *ms, aclrtEvent startEvent,
                                                   aclrtEvent endEvent)
{
	static const char api[] = "aclrtEventElapsedTime";
	struct weir_acl_event a = { 0 }, b = { 0 };
	uint64_t ta, tb;
	if (!ms)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "ms is NULL");
	aclError rc = weir_acl_event_arg(startEvent, "startEvent", &a, api);
	if (rc != ACL_SUCCESS)
		return rc;
	rc = weir_acl_event_arg(endEvent, "endEvent", &b, api);
	if (rc != ACL_SUCCESS)
		return rc;
	rc = weir_acl_event_stamp(&a, startEvent, &ta, api);
	if (rc != ACL_SUCCESS)
		return rc;
	rc = weir_acl_event_stamp(&b, endEvent, &tb, api);
	if (rc != ACL_SUCCESS)
		return rc;
	*ms = (float)((double)(int64_t)(tb - ta) / 1e6);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtEventGetTimestamp(aclrtEvent event, uint64_t *timestamp)
{
	static const char api[] = "aclrtEventGetTimestamp";
	struct weir_acl_event ev = { 0 };
	uint64_t ns;
	if (!timestamp)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "timestamp is NULL");
	aclError rc = weir_acl_event_arg(event, "event", &ev, api);
	if (rc != ACL_SUCCESS)
		return rc;
	rc = weir_acl_event_stamp(&ev, event, &ns, api);
	if (rc != ACL_SUCCESS)
		return rc;
	*timestamp = ns / 1000; /* microseconds, as ACL documents */
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtSetOpWaitTimeout(uint32_t timeout)
{
	weir_store_relaxed(&weir_acl_op_wait_timeout_s, timeout);
	return ACL_SUCCESS;
}

/* ------------------------------------------------------------------------ */
/* Event extras                                                              */
/* ------------------------------------------------------------------------ */

/*
 * The EXTERNAL flags mark a record or wait that crosses the boundary of an
 * ACL graph being captured (aclmdlRICapture*). As in ACL: only events of
 * aclrtCreateEventExWithFlag(ACL_EVENT_SYNC) take them (207000 otherwise),
 * an event keeps the flag of its first record / wait (107000 otherwise),
 * and a stream that is not recording (captured, or bound to a model being
 * built) refuses them with 107029. On a recording stream, an EXTERNAL
 * record is an ordinary recorded record, and an EXTERNAL wait is a
 * recorded wait on the event's record made outside the model (at replay
 * time it waits for the event's latest record, weir_ri_replay's rule).
 */
static aclError weir_acl_event_external(aclrtEvent event, const struct weir_acl_event *ev,
                                        weir_stream_t *s, bool record, const char *api)
{
	if (ev->model != WEIR_ACL_EV_EX || ev->flags != ACL_EVENT_SYNC)
		return weir__acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, api,
		                      "the EXTERNAL flag needs an event of "
		                      "aclrtCreateEventExWithFlag(ACL_EVENT_SYNC); event %p is not",
		                      event);
	/* ACL's order: the flag is fixed first, even when the call then fails. */
	aclError rc = weir_acl_event_use_flag(event, record, 1, api);
	if (rc != ACL_SUCCESS)
		return rc;
	int cs = WEIR_CAPTURE_NONE;
	int st = weir_capture_status(s, &cs, NULL);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "capture status of the stream");
	if (cs == WEIR_CAPTURE_NONE)
		return weir__acl_fail(ACL_ERROR_RT_STREAM_NOT_CAPTURED, api,
		                      "the stream is neither captured nor bound to a model being "
		                      "built, so there is no model boundary to cross");
	st = record ? weir_event_record(ev->ev, s) : weir_stream_wait_event(s, ev->ev);
	if (st != WEIR_OK)
		return weir__acl_fail_submit(
		        st, s, api, record ? "recording the event" : "waiting on the event");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtRecordEventWithFlag(aclrtEvent event, aclrtStream stream,
                                                      uint32_t flag)
{
	static const char api[] = "aclrtRecordEventWithFlag";
	if (!event)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "event is NULL");
	if (flag != ACL_EVENT_RECORD_DEFAULT && flag != ACL_EVENT_RECORD_EXTERNAL)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "flag %u is not ACL_EVENT_RECORD_DEFAULT or "
		                      "ACL_EVENT_RECORD_EXTERNAL",
		                      (unsigned)flag);
	if (flag == ACL_EVENT_RECORD_DEFAULT)
		return aclrtRecordEvent(event, stream);
	struct weir_acl_event ev = { 0 };
	aclError rc = weir_acl_event_arg(event, "event", &ev, api);
	if (rc != ACL_SUCCESS)
		return rc;
	weir_stream_t *s;
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &s));
	return weir_acl_event_external(event, &ev, s, true, api);
}

ACL_FUNC_VISIBILITY aclError aclrtStreamWaitEventWithFlag(aclrtStream stream, aclrtEvent event,
                                                          uint32_t timeout, uint32_t flag)
{
	static const char api[] = "aclrtStreamWaitEventWithFlag";
	if (!event)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "event is NULL");
	if (flag != ACL_EVENT_WAIT_DEFAULT && flag != ACL_EVENT_WAIT_EXTERNAL)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "flag %u is not ACL_EVENT_WAIT_DEFAULT or "
		                      "ACL_EVENT_WAIT_EXTERNAL",
		                      (unsigned)flag);
	if (flag == ACL_EVENT_WAIT_EXTERNAL && timeout != 0)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "timeout %u: ACL_EVENT_WAIT_EXTERNAL takes only 0",
		                      (unsigned)timeout);
	if (flag == ACL_EVENT_WAIT_DEFAULT)
		return weir_acl_stream_wait(stream, event, (int64_t)timeout * 1000000, api);
	struct weir_acl_event ev = { 0 };
	aclError rc = weir_acl_event_arg(event, "event", &ev, api);
	if (rc != ACL_SUCCESS)
		return rc;
	weir_stream_t *s;
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &s));
	return weir_acl_event_external(event, &ev, s, false, api);
}

ACL_FUNC_VISIBILITY aclError aclrtGetEventId(aclrtEvent event, uint32_t *eventId)
{
	static const char api[] = "aclrtGetEventId";
	struct weir_acl_event ev = { 0 };
	if (!eventId)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "eventId is NULL");
	aclError rc = weir_acl_event_arg(event, "event", &ev, api);
	if (rc != ACL_SUCCESS)
		return rc;
	/* The handle's registry slot: unique among live handles, reused after
	 * a destroy, as hardware event ids are. */
	*eventId = weir__reg_handle_slot(event);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtGetEventAvailNum(uint32_t *eventCount)
{
	static const char api[] = "aclrtGetEventAvailNum";
	weir__acl_ctx_info_t info;
	if (!eventCount)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "eventCount is NULL");
	WEIR__ACL_TRY(api, weir__acl_current_context(&info));
	uint32_t live = weir_acl_event_count(
	        weir_load_relaxed(&weir_acl_event_live[info.device % WEIR_MAX_DEVICES]),
	        weir__acl_generation());
	*eventCount = WEIR_ACL_EVENTS_PER_DEVICE - live;
	return ACL_SUCCESS;
}
