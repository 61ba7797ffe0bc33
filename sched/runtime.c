/*
 * sched/runtime.c - the runtime's lifecycle: create (configuration, devices,
 * workers) and destroy (reporters, groups, notifies, the timer, events,
 * then the threads).
 *
 * Calls down into config.c, device.c, host.c, and the teardown of
 * reporter.c, group.c and event.c (internal.h, "Dependencies"); nothing in
 * sched calls into this file.
 */
#include "sched/internal.h"

#include <sched.h>

static void runtime_stop_threads(struct weir_runtime *rt, uint32_t ndev_started,
                                 uint32_t last_dev_workers)
{
	/* RT-R4: release - pairs with DEV-A4 and HOST-A4 in the worker and callback loops. */
	weir_store_release(&rt->stopping, 1);
	for (uint32_t d = 0; d < rt->ndevices; d++) {
		weir__device_wake_all(&rt->devices[d]);
		weir__host_wake(&rt->devices[d]);
	}
	for (uint32_t d = 0; d < ndev_started; d++) {
		struct weir_device *dev = &rt->devices[d];
		weir__device_join(dev, d + 1 == ndev_started ? last_dev_workers : dev->nworkers);
		weir__host_join(dev);
	}
}

static void runtime_free(struct weir_runtime *rt)
{
	if (rt->devices) {
		for (uint32_t d = 0; d < rt->ndevices; d++)
			weir__device_fini(&rt->devices[d]);
		weir__free(rt->devices);
	}
	weir__free(rt->cpus_copy);
	weir__timer_fini(rt); /* no-op when destroy stopped it already */
	weir__value_fini(rt);
	pthread_mutex_destroy(&rt->lock);
	weir__free(rt);
}

WEIR_API int weir_runtime_create(const weir_config_t *cfg_in, weir_runtime_t **out)
{
	if (!out)
		return WEIR_EINVAL;
	*out = NULL;
	weir_config_t cfg;
	if (cfg_in) {
		cfg = *cfg_in;
	} else {
		weir_config_init(&cfg);
		int rc = weir_config_from_env(&cfg);
		if (rc)
			return rc;
	}
	int rc = weir__config_validate(&cfg);
	if (rc)
		return rc;

	cpu_set_t allowed;
	CPU_ZERO(&allowed);
	if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0)
		return WEIR_EINVAL;
	int ncpus = CPU_COUNT(&allowed);
	if (ncpus < 1)
		ncpus = 1;

	struct weir_runtime *rt = weir__calloc(1, sizeof(*rt));
	if (!rt)
		return WEIR_ENOMEM;
	pthread_mutex_init(&rt->lock, NULL);
	weir__value_init(rt);
	if (weir__timer_init(rt)) { /* the thread starts on first use */
		runtime_free(rt);
		return WEIR_ENOMEM;
	}
	rt->ndevices = cfg.devices;
	rt->ncpus = (uint32_t)ncpus;
	if (cfg.workers_per_device == 0)
		cfg.workers_per_device =
		        (uint32_t)ncpus / cfg.devices ? (uint32_t)ncpus / cfg.devices : 1;
	rt->total_workers = cfg.devices * cfg.workers_per_device;
	if (cfg.cpus) {
		rt->cpus_copy = weir__strdup(cfg.cpus);
		if (!rt->cpus_copy) {
			runtime_free(rt);
			return WEIR_ENOMEM;
		}
		cfg.cpus = rt->cpus_copy;
	}
	rt->cfg = cfg;

	/* CPU lists: one shared list, or one per device separated by ';'. */
	struct weir_cpu_lists lists;
	rc = weir__cpu_lists_make(&lists, cfg.cpus, &allowed);
	if (rc) {
		runtime_free(rt);
		return rc;
	}

	rt->devices = weir__calloc(cfg.devices, sizeof(*rt->devices));
	if (!rt->devices) {
		weir__cpu_lists_free(&lists);
		runtime_free(rt);
		return WEIR_ENOMEM;
	}
	for (uint32_t d = 0; d < cfg.devices; d++) {
		struct weir_device *dev = &rt->devices[d];
		if (weir__device_init(dev, rt, d, cfg.workers_per_device)) {
			weir__cpu_lists_free(&lists);
			runtime_free(rt);
			return WEIR_ENOMEM;
		}
		if (!(cfg.flags & WEIR_CONFIG_NO_PIN))
			for (uint32_t i = 0; i < dev->nworkers; i++)
				dev->workers[i].cpu =
				        weir__cpu_lists_pick(&lists, d, i, dev->nworkers);
	}

	weir__cpu_lists_free(&lists);

	/* Start the workers last; on failure stop the ones already running. */
	for (uint32_t d = 0; d < cfg.devices; d++) {
		struct weir_device *dev = &rt->devices[d];
		for (uint32_t i = 0; i < dev->nworkers; i++) {
			if (weir__device_start_worker(dev, i) != 0) {
				runtime_stop_threads(rt, d + 1, i);
				runtime_free(rt);
				return WEIR_ENOMEM;
			}
		}
	}
	*out = rt;
	return WEIR_OK;
}

WEIR_API void weir_runtime_destroy(weir_runtime_t *rt)
{
	if (!rt)
		return;
	/* Reporters first: their queued callbacks release parked streams. */
	for (;;) {
		pthread_mutex_lock(&rt->lock);
		struct weir_reporter *rep = rt->reporters;
		pthread_mutex_unlock(&rt->lock);
		if (!rep)
			break;
		weir__reporter_teardown(rep);
	}
	for (;;) {
		pthread_mutex_lock(&rt->lock);
		struct weir_group *g = rt->groups;
		pthread_mutex_unlock(&rt->lock);
		if (!g)
			break;
		weir_group_destroy_force(weir__group_handle(g));
		/* A handle already unpublished by a racing destroy: that caller
		 * finishes it; the list shrinks either way. */
		pthread_mutex_lock(&rt->lock);
		bool still = rt->groups == g;
		pthread_mutex_unlock(&rt->lock);
		if (still)
			sched_yield();
	}
	for (;;) {
		pthread_mutex_lock(&rt->lock);
		struct weir_notify *n = rt->notifies;
		pthread_mutex_unlock(&rt->lock);
		if (!n)
			break;
		weir__notify_teardown(n);
	}
	/* No stream is left to park or time out: stop the timer (timer.c). */
	weir__timer_fini(rt);
	for (;;) {
		pthread_mutex_lock(&rt->lock);
		struct weir_event *e = rt->events;
		pthread_mutex_unlock(&rt->lock);
		if (!e)
			break;
		weir__event_teardown(e);
	}
	runtime_stop_threads(rt, rt->ndevices, rt->devices[rt->ndevices - 1].nworkers);
	/* Deferred frees may still name this runtime's objects. */
	weir__rcu_barrier();
	runtime_free(rt);
}

WEIR_API uint32_t weir_runtime_device_count(const weir_runtime_t *rt)
{
	return rt ? rt->ndevices : 0;
}

WEIR_API const weir_config_t *weir_runtime_config(const weir_runtime_t *rt)
{
	return rt ? &rt->cfg : NULL;
}
