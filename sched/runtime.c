/*
 * sched/runtime.c - runtimes, devices, workers, the per-device ready queue,
 * split kernels, the host-callback thread, and stream groups.
 *
 * Ready queue of a device. Producers (any thread that makes a stream
 * runnable) push the stream on `rq_inbox`, a Treiber stack, with one CAS and
 * never block. Workers take streams under `rq_lock`: the holder moves the
 * whole inbox (one exchange) into per-priority FIFO lists and pops the
 * highest-priority stream. Only workers of the device contend on the lock,
 * and the critical section is a few pointer moves.
 *
 * Invariants:
 *  1. A stream is on the ready queue at most once: only the thread that moved
 *     it to QUEUED (a producer flipping IDLE, an unparker flipping PARKED, or
 *     its worker at the end of a quantum) pushes it.
 *  2. rq_len is incremented (seq_cst) before the push and decremented after
 *     the pop, so rq_len >= streams on the queue; a worker that sees 0 after
 *     registering on the eventcount can sleep (internal.h, weir_ec).
 *  3. A stream taken from the queue moves QUEUED -> RUNNING with a CAS that
 *     keeps the inbox bits, and from then on exactly one worker owns it.
 *
 * Split kernels: the worker that runs a kernel with nblocks > 1 posts a job
 * in its own slot, runs blocks itself, and the device's other workers help
 * when they would otherwise idle. Invariants:
 *  4. A helper increments the slot's `users` (seq_cst) before it reads the
 *     job pointer (seq_cst); the owner clears the pointer (seq_cst) before it
 *     waits for users == 0. So the owner never returns while a helper may
 *     still touch the job, which lives on the owner's stack.
 *  5. Block indices are claimed by fetch-add, each exactly once.
 */
#include "sched/internal.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------------------ */
/* Configuration                                                             */
/* ------------------------------------------------------------------------ */

WEIR_API void weir_config_init(weir_config_t *cfg)
{
	if (!cfg)
		return;
	memset(cfg, 0, sizeof(*cfg));
	cfg->devices = 8;
	cfg->workers_per_device = 0;
	cfg->cpus = NULL;
	cfg->ring_capacity = 4096;
	cfg->spin_ns = 50000;
	cfg->quantum = 64;
	cfg->mem_capacity = 0;
	cfg->flags = 0;
}

static int parse_u64(const char *s, uint64_t *out, bool suffixes)
{
	/* A digit first: strtoull would also take blanks and a sign, and
	 * wrap "-1" (or " -1") to 2^64 - 1. */
	if (!s || *s < '0' || *s > '9')
		return WEIR_EINVAL;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || end == s)
		return WEIR_EINVAL;
	if (suffixes && *end) {
		unsigned long long mul;
		switch (*end) {
		case 'k': case 'K': mul = 1ull << 10; break;
		case 'm': case 'M': mul = 1ull << 20; break;
		case 'g': case 'G': mul = 1ull << 30; break;
		case 't': case 'T': mul = 1ull << 40; break;
		default: return WEIR_EINVAL;
		}
		if (__builtin_mul_overflow(v, mul, &v))
			return WEIR_EINVAL; /* checked: never wraps */
		end++;
		if (*end == 'i' || *end == 'I')
			end++;
		if (*end == 'b' || *end == 'B')
			end++;
	}
	if (*end)
		return WEIR_EINVAL;
	*out = v;
	return WEIR_OK;
}

WEIR_API int weir_config_from_env(weir_config_t *cfg)
{
	if (!cfg)
		return WEIR_EINVAL;
	weir_config_t c = *cfg;
	static const struct { const char *name; size_t off; bool suffix; } u32s[] = {
		{ "WEIR_DEVICES", offsetof(weir_config_t, devices), false },
		{ "WEIR_WORKERS", offsetof(weir_config_t, workers_per_device), false },
		{ "WEIR_RING_CAPACITY", offsetof(weir_config_t, ring_capacity), false },
		{ "WEIR_SPIN_NS", offsetof(weir_config_t, spin_ns), false },
		{ "WEIR_QUANTUM", offsetof(weir_config_t, quantum), false },
	};
	for (size_t i = 0; i < sizeof(u32s) / sizeof(u32s[0]); i++) {
		const char *v = getenv(u32s[i].name);
		uint64_t x;
		if (!v)
			continue;
		if (parse_u64(v, &x, u32s[i].suffix) || x > UINT32_MAX)
			return WEIR_EINVAL;
		*(uint32_t *)((char *)&c + u32s[i].off) = (uint32_t)x;
	}
	const char *v = getenv("WEIR_MEM_CAPACITY");
	if (v) {
		uint64_t x;
		if (parse_u64(v, &x, true))
			return WEIR_EINVAL;
		c.mem_capacity = x;
	}
	v = getenv("WEIR_CPUS");
	if (v)
		c.cpus = v;
	v = getenv("WEIR_NO_PIN");
	if (v) {
		if (!strcmp(v, "1"))
			c.flags |= WEIR_CONFIG_NO_PIN;
		else if (!strcmp(v, "0"))
			c.flags &= ~WEIR_CONFIG_NO_PIN;
		else
			return WEIR_EINVAL;
	}
	*cfg = c;
	return WEIR_OK;
}

/* Parse "0-3,6" into cpus[]; returns the count, or -1 if malformed, or if a
 * CPU is outside the allowed mask. */
static int parse_cpulist(const char *s, const char *end, const cpu_set_t *allowed,
                         int *cpus, int max)
{
	int n = 0;
	while (s < end) {
		char *e;
		long a = strtol(s, &e, 10);
		if (e == s || a < 0 || a >= CPU_SETSIZE)
			return -1;
		long b = a;
		s = e;
		if (s < end && *s == '-') {
			s++;
			b = strtol(s, &e, 10);
			if (e == s || b < a || b >= CPU_SETSIZE)
				return -1;
			s = e;
		}
		for (long c = a; c <= b; c++) {
			if (!CPU_ISSET((int)c, allowed) || n >= max)
				return -1;
			cpus[n++] = (int)c;
		}
		if (s < end) {
			if (*s != ',')
				return -1;
			s++;
			if (s == end)
				return -1;
		}
	}
	return n;
}

/* ------------------------------------------------------------------------ */
/* Ready queue                                                               */
/* ------------------------------------------------------------------------ */

void weir__device_ready(struct weir_device *dev, struct weir_stream *st)
{
	/* Invariant 2: count first. S1: seq_cst - ordered before the
	 * eventcount check below; pairs with the worker's prepare-then-check. */
	weir_faa_seqcst(&dev->rq_len, 1);
	struct weir_stream *top = weir_load_relaxed(&dev->rq_inbox);
	do {
		st->rq_next = top;
		/* R1: release - hands the stream (and, for an unparked one, its
		 * owner fields) to the worker; pairs with A1 in ready_pop(). */
	} while (!weir_cas_release(&dev->rq_inbox, &top, st));
	weir__ec_notify(&dev->ec, 1);
}

static struct weir_stream *ready_pop(struct weir_device *dev)
{
	if (weir_load_relaxed(&dev->rq_len) == 0)
		return NULL;
	if (pthread_mutex_lock(&dev->rq_lock))
		weir__die("pthread_mutex_lock");
	/* A1: acquire - takes the pushed streams; pairs with R1. */
	struct weir_stream *in = weir_xchg_acquire(&dev->rq_inbox, NULL);
	/* The inbox is LIFO; reverse it so equal priorities stay FIFO. */
	struct weir_stream *rev = NULL;
	while (in) {
		struct weir_stream *n = in->rq_next;
		in->rq_next = rev;
		rev = in;
		in = n;
	}
	while (rev) {
		struct weir_stream *n = rev->rq_next;
		uint32_t p = weir_load_relaxed(&rev->prio); /* relaxed: see struct weir_stream */
		rev->rq_next = NULL;
		if (dev->rq_tail[p])
			dev->rq_tail[p]->rq_next = rev;
		else
			dev->rq_head[p] = rev;
		dev->rq_tail[p] = rev;
		rev = n;
	}
	struct weir_stream *st = NULL;
	for (uint32_t p = 0; p <= WEIR_PRIORITY_LOWEST; p++) {
		if (dev->rq_head[p]) {
			st = dev->rq_head[p];
			dev->rq_head[p] = st->rq_next;
			if (!dev->rq_head[p])
				dev->rq_tail[p] = NULL;
			break;
		}
	}
	pthread_mutex_unlock(&dev->rq_lock);
	if (!st)
		return NULL;
	weir_fas_relaxed(&dev->rq_len, 1); /* relaxed: invariant 2 only needs >= */
	/* Invariant 3: QUEUED -> RUNNING, keeping the inbox bits. */
	uintptr_t w = weir_load_relaxed(&st->top);
	/* A2: acquire - sees the tasks pushed before; pairs with the
	 * producers' release CAS in weir__stream_push(). */
	while (!weir_cas_acquire(&st->top, &w, (w & ~WEIR_ST_MASK) | WEIR_ST_RUNNING))
		;
	return st;
}

/* ------------------------------------------------------------------------ */
/* Split kernels                                                             */
/* ------------------------------------------------------------------------ */

static void run_blocks(struct weir_job *job, struct weir_worker *w)
{
	uint32_t i;
	/* Relaxed: claiming an index publishes nothing (invariant 5). */
	while ((i = weir_faa_relaxed(&job->next, 1)) < job->nblocks) {
		int rc = job->fn(job->args, i, job->nblocks);
		if (rc) {
			int z = 0;
			/* AR4: acq_rel - the first failing block wins; the owner reads it after A3. */
			weir_cas_strong_acqrel(&job->rc, &z, rc);
		}
		weir_store_relaxed(&w->n_tasks, weir_load_relaxed(&w->n_tasks) + 1); /* owner only */
	}
}

int weir__device_run_kernel(struct weir_device *dev, uint32_t widx, struct weir_task *t)
{
	uint32_t n = t->nblocks ? t->nblocks : 1;
	struct weir_worker *w = &dev->workers[widx];
	if (n == 1 || dev->nworkers == 1) {
		int rc = 0;
		for (uint32_t i = 0; i < n; i++) {
			int r = t->u.kernel(t->args, i, n);
			if (r && !rc)
				rc = r;
		}
		/* Relaxed load + store, not an RMW: only this worker writes its
		 * counters (a locked add per task costs as much as the task). */
		weir_store_relaxed(&w->n_tasks, weir_load_relaxed(&w->n_tasks) + n);
		return rc;
	}
	struct weir_job job = { .fn = t->u.kernel, .args = t->args, .nblocks = n };
	atomic_init(&job.next, 0);
	atomic_init(&job.rc, 0);
	struct weir_job_slot *slot = &dev->jobs[widx];
	/* P1: seq_cst - posts the job (invariant 4) and orders it before the
	 * njobs increment that helpers poll. */
	weir_store_seqcst(&slot->job, &job);
	weir_faa_seqcst(&dev->njobs, 1);
	weir__ec_notify(&dev->ec, (int)dev->nworkers - 1);
	run_blocks(&job, w);
	/* P2: seq_cst - unposts before reading users (invariant 4); pairs
	 * with H1 in help_jobs(). */
	weir_store_seqcst(&slot->job, NULL);
	weir_fas_relaxed(&dev->njobs, 1);
	/* A3: acquire - the helpers' block results are visible; pairs with
	 * R3 in help_jobs(). The wait is bounded by one block per helper. */
	ck_backoff_t bo = CK_BACKOFF_INITIALIZER;
	uint32_t round = 0;
	/* A3: acquire - the helpers' block results; pairs with R3 in help_jobs(). */
	while (weir_load_acquire(&slot->users) != 0)
		weir__backoff(&bo, &round);
	return weir_load_relaxed(&job.rc);
}

static bool help_jobs(struct weir_device *dev, struct weir_worker *w)
{
	if (weir_load_relaxed(&dev->njobs) == 0)
		return false;
	bool did = false;
	for (uint32_t i = 0; i < dev->nworkers; i++) {
		struct weir_job_slot *slot = &dev->jobs[i];
		if (i == w->index || !weir_load_relaxed(&slot->job))
			continue;
		/* H1: seq_cst - announce before reading the job (invariant 4);
		 * pairs with P2. */
		weir_faa_seqcst(&slot->users, 1);
		struct weir_job *job = weir_load_seqcst(&slot->job);
		if (job) {
			run_blocks(job, w);
			did = true;
		}
		/* R3: release - publishes the blocks' results; pairs with A3. */
		weir_fas_acqrel(&slot->users, 1);
	}
	return did;
}

/* ------------------------------------------------------------------------ */
/* Workers                                                                   */
/* ------------------------------------------------------------------------ */

static bool work_pending(struct weir_device *dev)
{
	/* S2: seq_cst - after weir__ec_prepare's registration (ec invariant 1). */
	return weir_load_seqcst(&dev->rq_len) != 0 || weir_load_seqcst(&dev->njobs) != 0 ||
	       weir_load_relaxed(&dev->rt->stopping);
}

/* Bounded, adaptive spin: true if work showed up. */
static bool worker_spin(struct weir_worker *w)
{
	struct weir_device *dev = w->dev;
	if (w->spin_ns == 0)
		return work_pending(dev);
	bool oversubscribed = dev->rt->total_workers > dev->rt->ncpus;
	uint64_t until = weir__now_ns() + w->spin_ns;
	for (uint32_t i = 1;; i++) {
		if (weir_load_relaxed(&dev->rq_len) || weir_load_relaxed(&dev->njobs) ||
		    weir_load_relaxed(&dev->rt->stopping))
			return true;
		weir_cpu_relax();
		if ((i & 63) == 0) {
			if (weir__now_ns() >= until)
				return false;
			if (oversubscribed)
				sched_yield();
		}
	}
}

static void *worker_main(void *arg)
{
	struct weir_worker *w = arg;
	struct weir_device *dev = w->dev;
	struct weir_runtime *rt = dev->rt;
	char name[16];
	snprintf(name, sizeof(name), "weir-d%uw%u", dev->id, w->index);
	pthread_setname_np(pthread_self(), name);
	if (w->cpu >= 0) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(w->cpu, &set);
		/* The CPU was validated against the process mask at create;
		 * a later failure (mask changed) leaves the worker unpinned. */
		(void)pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	}
	/* Spin budget: the configured maximum, scaled down when workers
	 * outnumber CPUs so that spinners do not starve runnable threads. */
	uint64_t max_spin = rt->cfg.spin_ns;
	if (rt->total_workers > rt->ncpus)
		max_spin = max_spin * rt->ncpus / rt->total_workers;
	w->spin_ns = (uint32_t)max_spin;

	for (;;) {
		/* A4: acquire - pairs with the release store in destroy. */
		if (weir_load_acquire(&rt->stopping))
			break;
		struct weir_stream *st = ready_pop(dev);
		if (st) {
			weir_store_relaxed(&w->n_streams, weir_load_relaxed(&w->n_streams) + 1); /* owner only */
			weir__stream_run(st, w->index);
			continue;
		}
		if (help_jobs(dev, w))
			continue;
		if (worker_spin(w)) {
			/* Found work while spinning: spin longer next time. */
			uint64_t s = (uint64_t)w->spin_ns * 2 + 1000;
			w->spin_ns = (uint32_t)(s < max_spin ? s : max_spin);
			continue;
		}
		uint32_t key = weir__ec_prepare(&dev->ec);
		if (work_pending(dev)) {
			weir__ec_cancel(&dev->ec);
			continue;
		}
		weir_store_relaxed(&w->n_parks, weir_load_relaxed(&w->n_parks) + 1); /* owner only */
		weir__ec_wait(&dev->ec, key, UINT64_MAX);
		w->spin_ns /= 2; /* parked: it did not pay to spin */
	}
	return NULL;
}

/* ------------------------------------------------------------------------ */
/* Host-callback thread                                                      */
/* ------------------------------------------------------------------------ */

static void *cb_main(void *arg)
{
	struct weir_device *dev = arg;
	char name[16];
	snprintf(name, sizeof(name), "weir-d%ucb", dev->id);
	pthread_setname_np(pthread_self(), name);
	struct weir_task_batch batch;
	weir__task_batch_init(&batch);
	for (;;) {
		/* A5: acquire - takes the parked streams' tasks; pairs with R5. */
		struct weir_task *list = weir_xchg_acquire(&dev->cb_inbox, NULL);
		if (!list) {
			weir__task_batch_flush(&batch);
			if (weir_load_acquire(&dev->rt->stopping)) /* A4 */
				break;
			uint32_t key = weir__ec_prepare(&dev->cb_ec);
			/* S2: seq_cst - re-check after weir__ec_prepare (ec invariant 1). */
			if (weir_load_seqcst(&dev->cb_inbox) || weir_load_seqcst(&dev->rt->stopping)) {
				weir__ec_cancel(&dev->cb_ec);
				continue;
			}
			weir__ec_wait(&dev->cb_ec, key, UINT64_MAX);
			continue;
		}
		struct weir_task *tail;
		list = weir__task_reverse(list, &tail, NULL);
		while (list) {
			struct weir_task *t = list;
			list = t->next;
			struct weir_stream *st = HOST_STREAM(t);
			t->u.host.fn(t->u.host.arg);
			/* The stream is parked on this task: we own it (O). */
			weir__stream_retire(st, t, 0, false, &batch);
			weir__stream_unpark(st);
		}
	}
	return NULL;
}

void weir__device_host_push(struct weir_device *dev, struct weir_task *t)
{
	struct weir_task *top = weir_load_relaxed(&dev->cb_inbox);
	do {
		t->next = top;
		/* R5: release - hands the task and its parked stream to the
		 * callback thread; pairs with A5. seq_cst for the ec check. */
	} while (!weir_cas_seqcst(&dev->cb_inbox, &top, t));
	weir__ec_notify(&dev->cb_ec, 1);
}

int weir__device_host_start(struct weir_device *dev)
{
	/* HA1: acquire - pairs with HR1: once started, no launch takes the
	 * lock again (no mutex on the per-task path). */
	if (weir_load_acquire(&dev->cb_started))
		return WEIR_OK;
	int rc = WEIR_OK;
	pthread_mutex_lock(&dev->cb_lock);
	if (!weir_load_relaxed(&dev->cb_started)) {   /* L(cb_lock) held */
		if (pthread_create(&dev->cb_thread, NULL, cb_main, dev) == 0)
			/* HR1: release - cb_thread is set; pairs with HA1. */
			weir_store_release(&dev->cb_started, true);
		else
			rc = WEIR_ENOMEM;
	}
	pthread_mutex_unlock(&dev->cb_lock);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Runtime                                                                   */
/* ------------------------------------------------------------------------ */

static int validate(const weir_config_t *c)
{
	if (c->devices == 0 || c->devices > WEIR_MAX_DEVICES)
		return WEIR_EINVAL;
	if (c->workers_per_device > 256)
		return WEIR_EINVAL;
	if (c->ring_capacity < 2 || c->ring_capacity > (1u << 24) ||
	    (c->ring_capacity & (c->ring_capacity - 1)))
		return WEIR_EINVAL;
	if (c->quantum == 0)
		return WEIR_EINVAL;
	return WEIR_OK;
}

static void runtime_stop_threads(struct weir_runtime *rt, uint32_t ndev_started,
                                 uint32_t last_dev_workers)
{
	/* R4: release - pairs with A4 in the worker and callback loops. */
	weir_store_release(&rt->stopping, 1);
	for (uint32_t d = 0; d < rt->ndevices; d++) {
		struct weir_device *dev = &rt->devices[d];
		/* seq_cst: bump the futex words so that every sleeper's wait returns (ec invariant 1). */
		weir_faa_seqcst(&dev->ec.seq, 1);
		weir__futex_wake(&dev->ec.seq, INT32_MAX);
		weir_faa_seqcst(&dev->cb_ec.seq, 1);
		weir__futex_wake(&dev->cb_ec.seq, INT32_MAX);
	}
	for (uint32_t d = 0; d < ndev_started; d++) {
		struct weir_device *dev = &rt->devices[d];
		uint32_t nw = d + 1 == ndev_started ? last_dev_workers : dev->nworkers;
		for (uint32_t i = 0; i < nw; i++)
			pthread_join(dev->workers[i].thread, NULL);
		pthread_mutex_lock(&dev->cb_lock);
		bool started = weir_load_relaxed(&dev->cb_started);   /* L(cb_lock) held */
		pthread_mutex_unlock(&dev->cb_lock);
		if (started)
			pthread_join(dev->cb_thread, NULL);
	}
}

static void runtime_free(struct weir_runtime *rt)
{
	if (rt->devices) {
		for (uint32_t d = 0; d < rt->ndevices; d++) {
			struct weir_device *dev = &rt->devices[d];
			weir__free(dev->workers);
			weir__free(dev->jobs);
			pthread_mutex_destroy(&dev->rq_lock);
			pthread_mutex_destroy(&dev->cb_lock);
		}
		weir__free(rt->devices);
	}
	weir__free(rt->cpus_copy);
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
	int rc = validate(&cfg);
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
	rt->ndevices = cfg.devices;
	rt->ncpus = (uint32_t)ncpus;
	if (cfg.workers_per_device == 0)
		cfg.workers_per_device = (uint32_t)ncpus / cfg.devices ? (uint32_t)ncpus / cfg.devices : 1;
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
	enum { LIST_MAX = CPU_SETSIZE > 1024 ? 1024 : CPU_SETSIZE };
	int (*lists)[LIST_MAX] = weir__calloc(WEIR_MAX_DEVICES, sizeof(*lists));
	int list_len[WEIR_MAX_DEVICES];
	int nlists = 0;
	if (!lists) {
		runtime_free(rt);
		return WEIR_ENOMEM;
	}
	if (cfg.cpus) {
		const char *s = cfg.cpus;
		for (;;) {
			const char *e = strchr(s, ';');
			if (!e)
				e = s + strlen(s);
			if (nlists >= WEIR_MAX_DEVICES) {
				weir__free(lists);
				runtime_free(rt);
				return WEIR_EINVAL;
			}
			int n = parse_cpulist(s, e, &allowed, lists[nlists], LIST_MAX);
			if (n <= 0) {
				weir__free(lists);
				runtime_free(rt);
				return WEIR_EINVAL;
			}
			list_len[nlists++] = n;
			if (!*e)
				break;
			s = e + 1;
		}
	} else {
		int n = 0;
		for (int c = 0; c < CPU_SETSIZE && n < LIST_MAX; c++)
			if (CPU_ISSET(c, &allowed))
				lists[0][n++] = c;
		list_len[0] = n;
		nlists = 1;
	}

	rt->devices = weir__calloc(cfg.devices, sizeof(*rt->devices));
	if (!rt->devices) {
		weir__free(lists);
		runtime_free(rt);
		return WEIR_ENOMEM;
	}
	for (uint32_t d = 0; d < cfg.devices; d++) {
		struct weir_device *dev = &rt->devices[d];
		dev->rt = rt;
		dev->id = d;
		dev->nworkers = cfg.workers_per_device;
		pthread_mutex_init(&dev->rq_lock, NULL);
		pthread_mutex_init(&dev->cb_lock, NULL);
		atomic_init(&dev->cb_started, false);
		dev->workers = weir__calloc(dev->nworkers, sizeof(*dev->workers));
		dev->jobs = weir__aligned_alloc(WEIR_CACHELINE, dev->nworkers * sizeof(*dev->jobs));
		if (!dev->workers || !dev->jobs) {
			weir__free(lists);
			runtime_free(rt);
			return WEIR_ENOMEM;
		}
		for (uint32_t i = 0; i < dev->nworkers; i++) {
			atomic_init(&dev->jobs[i].job, NULL);
			atomic_init(&dev->jobs[i].users, 0);
			struct weir_worker *w = &dev->workers[i];
			w->dev = dev;
			w->index = i;
			w->cpu = -1;
			if (!(cfg.flags & WEIR_CONFIG_NO_PIN)) {
				if (nlists == 1) {
					uint32_t gi = d * dev->nworkers + i;
					w->cpu = lists[0][gi % (uint32_t)list_len[0]];
				} else {
					int l = (int)(d % (uint32_t)nlists);
					w->cpu = lists[l][i % (uint32_t)list_len[l]];
				}
			}
		}
	}

	weir__free(lists);

	/* Start the workers last; on failure stop the ones already running. */
	for (uint32_t d = 0; d < cfg.devices; d++) {
		struct weir_device *dev = &rt->devices[d];
		for (uint32_t i = 0; i < dev->nworkers; i++) {
			if (pthread_create(&dev->workers[i].thread, NULL, worker_main,
			                   &dev->workers[i]) != 0) {
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
		weir_group_destroy_force((weir_group_t *)WEIR__HANDLE(g));
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

WEIR_API int weir_device_stats(weir_runtime_t *rt, uint32_t dev, weir_worker_stats_t *out,
                               uint32_t *n)
{
	if (!rt || !n || (*n && !out))
		return WEIR_EINVAL;
	if (dev >= rt->ndevices)
		return WEIR_EDEVICE;
	struct weir_device *d = &rt->devices[dev];
	for (uint32_t i = 0; i < d->nworkers && i < *n; i++) {
		out[i].tasks = weir_load_relaxed(&d->workers[i].n_tasks);
		out[i].parks = weir_load_relaxed(&d->workers[i].n_parks);
		out[i].streams = weir_load_relaxed(&d->workers[i].n_streams);
	}
	*n = d->nworkers;
	return WEIR_OK;
}

/* ------------------------------------------------------------------------ */
/* Groups                                                                    */
/* ------------------------------------------------------------------------ */

static void group_free(struct weir_obj *o)
{
	struct weir_group *g = caa_container_of(o, struct weir_group, obj);
	pthread_mutex_destroy(&g->lock);
	weir__free(g);
}

void weir__group_put(struct weir_group *g)
{
	/* AR1: acq_rel - the last holder sees every other holder's writes
	 * before it frees. */
	if (weir_fas_acqrel(&g->refs, 1) == 1)
		weir__obj_retire(&g->obj, group_free);
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
	atomic_init(&g->refs, 1);
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
	*out = (weir_group_t *)WEIR__HANDLE(g);
	return WEIR_OK;
}

/* Look up and take a reference. */
static struct weir_group *group_get(const weir_group_t *h)
{
	weir__rcu_read_lock();
	struct weir_obj *o = weir__reg_lookup(h, WEIR_T_GROUP);
	struct weir_group *g = o ? caa_container_of(o, struct weir_group, obj) : NULL;
	if (g)
		weir_faa_relaxed(&g->refs, 1); /* relaxed: RCU keeps it alive until here */
	weir__rcu_read_unlock();
	return g;
}

static int group_destroy(weir_group_t *h, bool force)
{
	weir__rcu_read_lock();
	struct weir_obj *o = weir__reg_lookup(h, WEIR_T_GROUP);
	struct weir_group *g = o ? caa_container_of(o, struct weir_group, obj) : NULL;
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
		if (st && !claimed) /* relaxed: g->lock keeps it linked */
			weir_faa_relaxed(&st->refs, 1);
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

WEIR_API int weir_group_destroy(weir_group_t *g) { return group_destroy(g, false); }
WEIR_API int weir_group_destroy_force(weir_group_t *g) { return group_destroy(g, true); }

WEIR_API int weir_group_set_failure_mode(weir_group_t *h, int mode)
{
	if (mode != WEIR_FAILURE_CONTINUE && mode != WEIR_FAILURE_STOP)
		return WEIR_EINVAL;
	struct weir_group *g = group_get(h);
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
	struct weir_group *g = group_get(h);
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
	struct weir_group *g = group_get(h);
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
		weir_faa_relaxed(&st->refs, 1); /* relaxed: g->lock keeps it linked */
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
		int rc = first == WEIR_ETIMEDOUT ? WEIR_OK : weir__stream_sync_ref(arr[i], left, &code);
		if (rc && !first) {
			first = rc;
			*task_code = code;
		}
		weir__stream_put(arr[i]);
	}
	if (arr != local)
		weir__free(arr);
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
	struct weir_group *g = group_get(h);
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
			weir_faa_relaxed(&g->refs, 1); /* relaxed: rt->lock keeps it listed */
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
