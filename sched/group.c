/*
 * sched/group.c - stream groups: create, destroy (with the streams they
 * hold), failure mode, and the group / device synchronize.
 *
 * A group owns the list of its streams (g->lock); the runtime lists its
 * groups (rt->lock). Destroy unpublishes the handle, waits a grace period
 * (stream creates that found the group have linked their streams), then
 * tears every stream down (stream.c) before it unlists the group.
 *
 * Calls: stream.c (teardown, abort, sync, put) (internal.h, "Dependencies").
 */
#include "sched/internal.h"

#include <sched.h>

/* Lookup, get, ref and put: base/obj.h, instantiated in internal.h. */
void weir__group_free(struct weir_obj *o)
{
	struct weir_group *g = caa_container_of(o, struct weir_group, obj);
	pthread_mutex_destroy(&g->lock);
	weir__free(g);
}

WEIR_API int weir_group_create(weir_runtime_t *rt, uint32_t dev, weir_group_t **out)
{
	if (!rt || !out)
		return WEIR_EINVAL;
	if (dev >= rt->ndevices)
		return WEIR_EDEVICE;
	struct weir_group *g = weir__calloc(1, sizeof(*g));
	if (!g)
		return WEIR_ENOMEM;
	g->rt = rt;
	g->dev = &rt->devices[dev];
	atomic_init(&g->mode, WEIR_FAILURE_CONTINUE);
	atomic_init(&g->stop_error, 0);
	weir__ref_init(&g->refs);
	pthread_mutex_init(&g->lock, NULL);
	int rc = weir__reg_insert(&g->obj, WEIR_T_GROUP);
	if (rc) {
		pthread_mutex_destroy(&g->lock);
		weir__free(g);
		return rc;
	}
	pthread_mutex_lock(&rt->lock);
	g->rt_next = rt->groups;
	if (rt->groups)
		rt->groups->rt_prev = g;
	rt->groups = g;
	pthread_mutex_unlock(&rt->lock);
	*out = weir__group_handle(g);
	return WEIR_OK;
}

static int group_destroy(weir_group_t *h, bool force)
{
	weir__rcu_read_lock();
	struct weir_group *g = weir__group_lookup(h);
	bool mine = g && weir__reg_remove(&g->obj);
	weir__rcu_read_unlock();
	if (!mine)
		return WEIR_EHANDLE;
	/* Stream creates that found the group have linked their streams. */
	weir__rcu_synchronize();
	for (;;) {
		pthread_mutex_lock(&g->lock);
		struct weir_stream *st = g->streams;
		bool claimed = st && weir__reg_remove(&st->obj);
		if (st && !claimed) /* g->lock keeps it linked */
			weir__stream_ref(st);
		pthread_mutex_unlock(&g->lock);
		if (!st)
			break;
		if (claimed) {
			weir__stream_teardown(st, force);
			continue;
		}
		/* A stream whose handle is already gone: a racing destroy is
		 * tearing it down, or it was force-destroyed and is draining
		 * (stream.c invariant 8); either way it unlinks itself once
		 * its tasks are done. A device reset discards them (again each
		 * round: a launch that raced the handle's removal may have
		 * landed after the previous abort). */
		if (force)
			weir__stream_abort(st);
		weir__stream_sync_ref(st, WEIR_TIMEOUT_INFINITE, NULL);
		weir__stream_put(st);
		sched_yield();
	}
	struct weir_runtime *rt = g->rt;
	pthread_mutex_lock(&rt->lock);
	if (g->rt_prev)
		g->rt_prev->rt_next = g->rt_next;
	else
		rt->groups = g->rt_next;
	if (g->rt_next)
		g->rt_next->rt_prev = g->rt_prev;
	pthread_mutex_unlock(&rt->lock);
	weir__group_put(g);
	return WEIR_OK;
}

WEIR_API int weir_group_destroy(weir_group_t *g)
{
	return group_destroy(g, false);
}
WEIR_API int weir_group_destroy_force(weir_group_t *g)
{
	return group_destroy(g, true);
}

WEIR_API int weir_group_set_failure_mode(weir_group_t *h, int mode)
{
	if (mode != WEIR_FAILURE_CONTINUE && mode != WEIR_FAILURE_STOP)
		return WEIR_EINVAL;
	struct weir_group *g = weir__group_get(h);
	if (!g)
		return WEIR_EHANDLE;
	int rc = WEIR_OK;
	int cur = weir_load_relaxed(&g->mode);
	if (cur == WEIR_FAILURE_STOP && mode == WEIR_FAILURE_CONTINUE)
		rc = WEIR_ENOTSUP;
	else
		weir_store_relaxed(&g->mode, mode); /* relaxed: read per failing task */
	weir__group_put(g);
	return rc;
}

WEIR_API int weir_group_get_failure_mode(weir_group_t *h, int *mode)
{
	if (!mode)
		return WEIR_EINVAL;
	struct weir_group *g = weir__group_get(h);
	if (!g)
		return WEIR_EHANDLE;
	*mode = weir_load_relaxed(&g->mode);
	weir__group_put(g);
	return WEIR_OK;
}

WEIR_API int weir_group_device(weir_group_t *h, uint32_t *dev)
{
	if (!dev)
		return WEIR_EINVAL;
	struct weir_group *g = weir__group_get(h);
	if (!g)
		return WEIR_EHANDLE;
	*dev = g->dev->id;
	weir__group_put(g);
	return WEIR_OK;
}

/* Sync every stream of g; the first non-OK result wins (with its task
 * code, if it is a task failure). */
static int group_sync_ref(struct weir_group *g, uint64_t deadline, int *task_code)
{
	struct weir_stream *local[32], **arr = local;
	size_t n = 0, cap = 32;
	pthread_mutex_lock(&g->lock);
	for (struct weir_stream *st = g->streams; st; st = st->g_next)
		n++;
	if (n > cap) {
		arr = weir__malloc(n * sizeof(*arr));
		if (!arr) {
			pthread_mutex_unlock(&g->lock);
			return WEIR_ENOMEM;
		}
	}
	n = 0;
	for (struct weir_stream *st = g->streams; st; st = st->g_next) {
		weir__stream_ref(st); /* g->lock keeps it linked */
		arr[n++] = st;
	}
	pthread_mutex_unlock(&g->lock);
	int first = WEIR_OK;
	for (size_t i = 0; i < n; i++) {
		int64_t left;
		if (deadline == UINT64_MAX) {
			left = WEIR_TIMEOUT_INFINITE;
		} else {
			uint64_t now = weir__now_ns();
			left = now >= deadline ? 0 : (int64_t)(deadline - now);
		}
		int code = 0;
		int rc = first == WEIR_ETIMEDOUT ? WEIR_OK
		                                 : weir__stream_sync_ref(arr[i], left, &code);
		if (rc && !first) {
			first = rc;
			*task_code = code;
		}
		weir__stream_put(arr[i]);
	}
	if (arr != local)
		weir__free(arr);
	/* A stopped group reports its failure even once the stream that failed
	 * is gone (force-destroyed and reclaimed before this sync listed the
	 * streams). GR-A1: acquire - pairs with the acq_rel CAS that recorded
	 * it (stream.c, the retire of the failing task); the unlink of that
	 * stream, after its retire, was also seen under g->lock above. */
	if (first == WEIR_OK) {
		uint64_t e = weir_load_acquire(&g->stop_error);
		if (e)
			first = weir__fail_report(e, task_code);
	}
	return first;
}

WEIR_API int weir_group_sync(weir_group_t *h, int64_t timeout_ns)
{
	return weir_group_sync_code(h, timeout_ns, NULL);
}

WEIR_API int weir_group_sync_code(weir_group_t *h, int64_t timeout_ns, int *task_code)
{
	int code = 0;
	if (task_code)
		*task_code = 0;
	if (timeout_ns < WEIR_TIMEOUT_INFINITE)
		return WEIR_EINVAL;
	struct weir_group *g = weir__group_get(h);
	if (!g)
		return WEIR_EHANDLE;
	int rc = group_sync_ref(g, weir__deadline(timeout_ns), &code);
	weir__group_put(g);
	if (task_code)
		*task_code = code;
	return rc;
}

WEIR_API int weir_device_sync(weir_runtime_t *rt, uint32_t dev, int64_t timeout_ns)
{
	return weir_device_sync_code(rt, dev, timeout_ns, NULL);
}

WEIR_API int weir_device_sync_code(weir_runtime_t *rt, uint32_t dev, int64_t timeout_ns,
                                   int *task_code)
{
	if (task_code)
		*task_code = 0;
	if (!rt || timeout_ns < WEIR_TIMEOUT_INFINITE)
		return WEIR_EINVAL;
	if (dev >= rt->ndevices)
		return WEIR_EDEVICE;
	uint64_t deadline = weir__deadline(timeout_ns);
	struct weir_group *local[16], **arr = local;
	size_t n = 0;
	pthread_mutex_lock(&rt->lock);
	for (struct weir_group *g = rt->groups; g; g = g->rt_next)
		if (g->dev->id == dev)
			n++;
	if (n > 16) {
		arr = weir__malloc(n * sizeof(*arr));
		if (!arr) {
			pthread_mutex_unlock(&rt->lock);
			return WEIR_ENOMEM;
		}
	}
	n = 0;
	for (struct weir_group *g = rt->groups; g; g = g->rt_next)
		if (g->dev->id == dev) {
			weir__group_ref(g); /* rt->lock keeps it listed */
			arr[n++] = g;
		}
	pthread_mutex_unlock(&rt->lock);
	int first = WEIR_OK;
	for (size_t i = 0; i < n; i++) {
		int code = 0;
		int rc = group_sync_ref(arr[i], deadline, &code);
		if (rc && !first) {
			first = rc;
			if (task_code)
				*task_code = code;
		}
		weir__group_put(arr[i]);
	}
	if (arr != local)
		weir__free(arr);
	return first;
}

WEIR_API int weir_device_stream_count(weir_runtime_t *rt, uint32_t dev, uint32_t *count)
{
	if (!rt || !count)
		return WEIR_EINVAL;
	if (dev >= rt->ndevices)
		return WEIR_EDEVICE;
	/* Take a reference to each of the device's groups under rt->lock, then
	 * count each one's streams under its own lock: the two locks are never
	 * held together (as in group_destroy). */
	struct weir_group *local[16], **arr = local;
	size_t ng = 0;
	pthread_mutex_lock(&rt->lock);
	for (struct weir_group *g = rt->groups; g; g = g->rt_next)
		if (g->dev->id == dev)
			ng++;
	if (ng > 16) {
		arr = weir__malloc(ng * sizeof(*arr));
		if (!arr) {
			pthread_mutex_unlock(&rt->lock);
			return WEIR_ENOMEM;
		}
	}
	ng = 0;
	for (struct weir_group *g = rt->groups; g; g = g->rt_next)
		if (g->dev->id == dev) {
			weir__group_ref(g); /* rt->lock keeps it listed */
			arr[ng++] = g;
		}
	pthread_mutex_unlock(&rt->lock);
	uint32_t n = 0;
	for (size_t i = 0; i < ng; i++) {
		pthread_mutex_lock(&arr[i]->lock);
		for (struct weir_stream *st = arr[i]->streams; st; st = st->g_next)
			n++;
		pthread_mutex_unlock(&arr[i]->lock);
		weir__group_put(arr[i]);
	}
	if (arr != local)
		weir__free(arr);
	*count = n;
	return WEIR_OK;
}
