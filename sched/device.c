/*
 * sched/device.c - a virtual device: its ready queue, its workers and the
 * split kernels they share. (Its host-callback thread is in host.c.)
 *
 * Ready queue. Producers (any thread that makes a stream runnable) push the
 * stream on `rq_inbox`, base/mpsc.h's stack, with one CAS and never block. Workers take streams under `rq_lock`: the holder moves the
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
 *  6. Block limit: at most job->cap workers run blocks of one job at once.
 *     The owner holds one runner place from the post; a helper takes one
 *     by CAS below cap before its first block and gives it back after its
 *     last, both inside its `users` announcement, so the owner (which waits
 *     for users == 0) sees runners == 1 when it returns.
 *  7. Stop (stream.c invariant 10): before each block, the runner (owner or
 *     helper) reads the stream's halt word; once a stop is pending it claims
 *     no block and moves `next` past the end, so blocks not started are
 *     skipped and a block already running finishes. The kernel then reports
 *     `halted` and its stream retires it with WEIR_EHALTED.
 *
 * Spinners. A worker polling for work (worker_spin) or lingering on its
 * drained stream (stream.c) holds one of the device's `spin_cap` spinner
 * places; without one it parks at once. With workers outnumbering CPUs the
 * cap is 1: one poller per device answers new work, the rest stay parked
 * instead of taking turns on the CPUs the producers need. Invariants:
 *  8. A producer that readies a stream wakes a parked worker only when no
 *     spinner is counted: it increments rq_len (seq_cst) before it reads
 *     `spinning` (seq_cst, DEV-S3); a spinner decrements `spinning`
 *     (seq_cst, DEV-S4) before the seq_cst re-check of rq_len that precedes
 *     every park (weir__ec_prepare + work_pending). So a skipped wake always
 *     has a spinner that will see the stream.
 *  9. Pass the wake along: a worker that pops a stream, or stops spinning to
 *     go on with its own stream, and still sees streams queued with no
 *     spinner counted, wakes one parked worker. So a second stream readied
 *     while one spinner was counted does not wait for that spinner's stream.
 *
 * Run-next (direct hand-off). A worker that unparks a stream of its own
 * device (an event record releasing a waiter, ...) keeps it in its
 * `runnext` slot instead of the ready queue, and runs it as soon as its
 * current stream parks, drains or ends its quantum: a ping-pong between two
 * streams then stays on one worker with no queue round trip and no wake.
 * 10. runnext is touched only by its worker thread; the stream in it is
 *     QUEUED and on no queue, so nobody else can take it (invariant 1).
 *     Before any task but an event record, wait or reset (those take no
 *     time of their own), and before lingering, the worker pushes it on the
 *     ready queue with a wake, so a hand-off delays the released stream by
 *     at most a few such short tasks.
 *
 * Busy workers: rt->busy_workers is the host sync's hint "is a CPU free
 * for me?" (stream.c).
 * 11. A worker leaves the count just before it parks. Whoever wakes parked
 *     workers adds them back at once, by the count its futex wake returns
 *     (device_notify), so a woken worker is busy before it runs and a host
 *     thread stops polling the CPU that worker needs; a worker whose park
 *     ended without such a wake (the word moved first, a signal) adds
 *     itself. So each park's decrement is matched by exactly one increment.
 *     The counter is relaxed and may dip below the truth for a moment (a
 *     woken worker parks again before its waker's add lands).
 *
 * Busy time: a worker's idle periods (spinning for work, parked) are timed
 * at their ends only (a clock read per idle period, none per task); a
 * reader adds the current period from idle_since (weir_device_stats).
 *
 * Calls: weir__stream_run (stream.c), the one call back up: a worker runs the
 * stream it popped (internal.h, "Dependencies").
 */
#include "sched/internal.h"

#include <sched.h>

/* ------------------------------------------------------------------------ */
/* Ready queue                                                               */
/* ------------------------------------------------------------------------ */

/* Wake up to n parked workers of dev and count them busy (invariant 11). */
static void device_notify(struct weir_device *dev, int n)
{
	int woken = weir__ec_notify(&dev->ec, n);
	if (woken > 0) /* relaxed: a hint (see internal.h) */
		weir_faa_relaxed(&dev->rt->busy_workers, (uint32_t)woken);
}

void weir__device_ready(struct weir_device *dev, struct weir_stream *st)
{
	/* Invariant 2: count first. DEV-S1: seq_cst - ordered before the
	 * eventcount check below; pairs with the worker's prepare-then-check. */
	weir_faa_seqcst(&dev->rq_len, 1);
	/* DEV-R1: release (mpsc.h MP1) - hands the stream (and, for an unparked
	 * one, its owner fields) to the worker; pairs with DEV-A1 in ready_pop(). */
	weir__ready_push(&dev->rq_inbox, st, st);
	/* DEV-S3: seq_cst - after the rq_len increment; pairs with DEV-S4 in
	 * weir__device_spin_end() (invariant 8). */
	if (weir_load_seqcst(&dev->spinning) == 0)
		device_notify(dev, 1);
}

void weir__device_requeue(struct weir_device *dev, struct weir_stream *st)
{
	weir_faa_seqcst(&dev->rq_len, 1);         /* DEV-S1, invariant 2 */
	weir__ready_push(&dev->rq_inbox, st, st); /* DEV-R1 */
}

bool weir__device_spin_begin(struct weir_device *dev)
{
	/* Relaxed: the count only bounds the pollers; a producer reading an
	 * increment skips its wake, and the spinner's own DEV-S4 + re-check
	 * covers that stream (invariant 8). */
	uint32_t s = weir_load_relaxed(&dev->spinning);
	while (s < dev->spin_cap)
		if (weir_cas_relaxed(&dev->spinning, &s, s + 1))
			return true;
	return false;
}

/* Invariant 9: streams are queued and no one polls: wake one parked worker. */
static void pass_wake(struct weir_device *dev)
{
	/* seq_cst: read after this thread's DEV-S4 or pop, as invariant 8's
	 * producer reads; a stale non-zero `spinning` names a spinner whose
	 * DEV-S4 re-check still sees the queue. */
	if (weir_load_seqcst(&dev->rq_len) != 0 && weir_load_seqcst(&dev->spinning) == 0)
		device_notify(dev, 1);
}

void weir__device_spin_end(struct weir_device *dev, bool found_own)
{
	/* DEV-S4: seq_cst - before the caller's seq_cst re-check of rq_len
	 * (work_pending() or pass_wake()); pairs with DEV-S3 (invariant 8). */
	uint32_t old = weir_fas_seqcst(&dev->spinning, 1);
	WEIR_ASSERT(old != 0 && old <= dev->spin_cap,
	            "device.c inv 8: only a counted spinner gives its place back");
	(void)old;
	if (found_own)
		pass_wake(dev);
}

static _Thread_local struct weir_worker *tls_worker; /* the calling worker, or NULL */

bool weir__device_handoff(struct weir_stream *st)
{
	struct weir_worker *w = tls_worker;
	if (!w || w->dev != st->dev || w->runnext)
		return false;
	w->runnext = st; /* invariant 10 */
	return true;
}

/* Invariant 3: QUEUED -> RUNNING, keeping the inbox bits. */
static void stream_take(struct weir_stream *st)
{
	uintptr_t w = weir_load_relaxed(&st->top);
	/* DEV-A2: acquire - sees the tasks pushed before; pairs with the
	 * producers' release CAS (ST-R1 in stream_push_unchecked(), stream.c). */
	while (!weir_cas_acquire(&st->top, &w, (w & ~WEIR_ST_MASK) | WEIR_ST_RUNNING))
		;
}

static struct weir_stream *ready_pop(struct weir_device *dev)
{
	if (weir_load_relaxed(&dev->rq_len) == 0)
		return NULL;
	if (pthread_mutex_lock(&dev->rq_lock))
		weir__die("pthread_mutex_lock");
	/* DEV-A1: acquire (mpsc.h MA1) - takes the pushed streams; pairs with DEV-R1.
	 * The inbox is LIFO; reverse it so equal priorities stay FIFO. */
	struct weir_stream *rev =
	        weir__ready_reverse(weir__ready_take_all(&dev->rq_inbox), NULL, NULL);
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
	stream_take(st);
	return st;
}

/* ------------------------------------------------------------------------ */
/* Split kernels                                                             */
/* ------------------------------------------------------------------------ */

/* A stop of the kernel's stream is pending (stream.c invariant 10). Relaxed:
 * a hint polled before each block; the stop publishes nothing through it. */
static inline bool halt_pending(const _Atomic uint32_t *halt)
{
	return (weir_load_relaxed(halt) & WEIR__HALT_REQ) != 0;
}

static void run_blocks(struct weir_job *job, struct weir_worker *w)
{
	uint32_t i;
	/* Relaxed: claiming an index publishes nothing (invariant 5). */
	while ((i = weir_faa_relaxed(&job->next, 1)) < job->nblocks) {
		if (halt_pending(job->halt)) {
			/* Invariant 7: skip every block not started; the owner
			 * reads the flag after DEV-A3. */
			weir_store_relaxed(&job->next, job->nblocks);
			weir_store_relaxed(&job->halted, true);
			break;
		}
		int rc = job->fn(job->args, i, job->nblocks);
		if (rc) {
			int z = 0;
			/* DEV-AR4: acq_rel - the first failing block wins; the owner reads it after DEV-A3. */
			weir_cas_strong_acqrel(&job->rc, &z, rc);
		}
		weir_store_relaxed(&w->n_tasks,
		                   weir_load_relaxed(&w->n_tasks) + 1); /* owner only */
	}
}

/* Invariant 6: take one of the job's `cap` runner places, or none. */
static bool claim_runner(struct weir_job *job)
{
	/* Relaxed: the count only bounds how many run at once; the blocks'
	 * results are published through `users` (DEV-R3). */
	uint32_t r = weir_load_relaxed(&job->runners);
	while (r < job->cap)
		if (weir_cas_relaxed(&job->runners, &r, r + 1))
			return true;
	return false;
}

int weir__device_run_kernel(struct weir_device *dev, uint32_t widx, struct weir_stream *st,
                            struct weir_task *t, bool *halted)
{
	*halted = false;
	uint32_t n = t->nblocks ? t->nblocks : 1;
	struct weir_worker *w = &dev->workers[widx];
	struct weir_device *sdev;
	uint32_t sfp;
	weir__kernel_enter(dev, t->fp, &sdev, &sfp);
	uint32_t cap = n == 1 || dev->nworkers == 1 ? 1 : weir__block_cap(dev, st);
	if (cap == 1) {
		int rc = 0;
		uint32_t ran = 0;
		for (uint32_t i = 0; i < n; i++) {
			if (halt_pending(&st->halt)) { /* invariant 7 */
				*halted = true;
				break;
			}
			int r = t->u.kernel(t->args, i, n);
			if (r && !rc)
				rc = r;
			ran++;
		}
		/* Relaxed load + store, not an RMW: only this worker writes its
		 * counters (a locked add per task costs as much as the task). */
		weir_store_relaxed(&w->n_tasks, weir_load_relaxed(&w->n_tasks) + ran);
		weir__kernel_leave(sdev, sfp);
		return rc;
	}
	struct weir_job job = {
		.fn = t->u.kernel, .args = t->args, .nblocks = n, .cap = cap, .fp = t->fp
	};
	atomic_init(&job.next, 0);
	atomic_init(&job.runners, 1); /* the owner */
	atomic_init(&job.rc, 0);
	job.halt = &st->halt;
	atomic_init(&job.halted, false);
	struct weir_job_slot *slot = &dev->jobs[widx];
	/* P1: seq_cst - posts the job (invariant 4) and orders it before the
	 * njobs increment that helpers poll. */
	weir_store_seqcst(&slot->job, &job);
	weir_faa_seqcst(&dev->njobs, 1);
	device_notify(dev, (int)(cap < dev->nworkers ? cap : dev->nworkers) - 1);
	run_blocks(&job, w);
	/* P2: seq_cst - unposts before reading users (invariant 4); pairs
	 * with H1 in help_jobs(). */
	weir_store_seqcst(&slot->job, NULL);
	weir_fas_relaxed(&dev->njobs, 1);
	ck_backoff_t bo = CK_BACKOFF_INITIALIZER;
	uint32_t round = 0;
	/* DEV-A3: acquire - the helpers' block results are visible; pairs with
	 * DEV-R3 in help_jobs(). The wait is bounded by one block per helper. */
	while (weir_load_acquire(&slot->users) != 0)
		weir__backoff(&bo, &round);
	WEIR_ASSERT(weir_load_relaxed(&job.runners) == 1,
	            "device.c inv 6: every helper gave its runner place back before users hit 0");
	weir__kernel_leave(sdev, sfp);
	*halted = weir_load_relaxed(&job.halted); /* after DEV-A3 */
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
		if (job && claim_runner(job)) {
			struct weir_device *sdev;
			uint32_t sfp;
			weir__kernel_enter(dev, job->fp, &sdev, &sfp);
			run_blocks(job, w);
			weir__kernel_leave(sdev, sfp);
			/* Relaxed: the place is only a count (invariant 6). */
			weir_fas_relaxed(&job->runners, 1);
			did = true;
		}
		/* DEV-R3: release - publishes the blocks' results; pairs with DEV-A3. */
		weir_fas_acqrel(&slot->users, 1);
	}
	return did;
}

/* ------------------------------------------------------------------------ */
/* Workers                                                                   */
/* ------------------------------------------------------------------------ */

static bool work_pending(struct weir_device *dev)
{
	/* DEV-S2: seq_cst - after weir__ec_prepare's registration (ec invariant 1). */
	return weir_load_seqcst(&dev->rq_len) != 0 || weir_load_seqcst(&dev->njobs) != 0 ||
	       weir_load_relaxed(&dev->rt->stopping);
}

/* Bounded, adaptive spin from time `from`: true if work showed up. */
static bool worker_spin(struct weir_worker *w, uint64_t from)
{
	struct weir_device *dev = w->dev;
	if (w->spin_ns == 0)
		return work_pending(dev);
	bool oversubscribed = dev->spin_yield;
	uint64_t until = from + w->spin_ns;
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

/* End the idle period that began at `from`. */
static void idle_end(struct weir_worker *w, uint64_t from)
{
	uint64_t now = weir__now_ns();
	weir_store_relaxed(&w->idle_ns, weir_load_relaxed(&w->idle_ns) + (now - from));
	/* DEV-R5: release - a reader that sees the period closed (0) also sees
	 * its time in idle_ns; pairs with DEV-A5 in weir_device_stats(). */
	weir_store_release(&w->idle_since, 0);
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
	/* Spin budget: the configured maximum, scaled down when the
	 * runtime's possible spinners (invariant 8) outnumber CPUs so that
	 * they do not starve runnable threads. */
	uint64_t max_spin = rt->cfg.spin_ns;
	if (dev->spin_yield)
		max_spin = max_spin * rt->ncpus / (rt->ndevices * dev->spin_cap);
	w->spin_ns = (uint32_t)max_spin;
	tls_worker = w;
	/* The budget never decays below 1/16 of the maximum: at 0 a worker
	 * could never find work while spinning again, so a launch/sync
	 * ping-pong would park and wake it on every task for good. */
	const uint64_t min_spin = max_spin / 16;
	idle_end(w, w->start_ns); /* the wait for this thread to start */

	for (;;) {
		/* DEV-A4: acquire - pairs with RT-R4 in runtime_stop_threads() (runtime.c). */
		if (weir_load_acquire(&rt->stopping))
			break;
		struct weir_stream *st = ready_pop(dev);
		if (st) {
			pass_wake(dev); /* invariant 9 */
			do {
				weir_store_relaxed(&w->n_streams, weir_load_relaxed(&w->n_streams) +
				                                          1); /* owner only */
				weir__stream_run(st, w->index);
				/* Invariant 10: the stream it released runs here. */
				st = w->runnext;
				w->runnext = NULL;
				if (st)
					stream_take(st);
				else /* stream.c H3: never leave with streams held */
					st = weir__stream_unhold(w);
			} while (st);
			continue;
		}
		if (help_jobs(dev, w))
			continue;
		uint64_t idle_from = weir__now_ns();
		/* Relaxed: statistics; DEV-R5 orders the end of the period. */
		weir_store_relaxed(&w->idle_since, idle_from);
		/* Invariant 8: poll only with a spinner place. */
		bool spun = weir__device_spin_begin(dev);
		if (spun) {
			bool found = worker_spin(w, idle_from);
			weir__device_spin_end(dev, false);
			if (found) {
				/* Found work while spinning: spin longer next time. */
				uint64_t s = (uint64_t)w->spin_ns * 2 + 1000;
				w->spin_ns = (uint32_t)(s < max_spin ? s : max_spin);
				idle_end(w, idle_from);
				continue;
			}
		}
		uint32_t key = weir__ec_prepare(&dev->ec);
		if (work_pending(dev)) {
			weir__ec_cancel(&dev->ec);
			idle_end(w, idle_from);
			continue;
		}
		weir_store_relaxed(&w->n_parks,
		                   weir_load_relaxed(&w->n_parks) + 1); /* owner only */
		/* Relaxed: a hint for host polls (stream.c weir__stream_sync_ref);
		 * invariant 11: a wake that woke this worker counted it back. */
		weir_fas_relaxed(&rt->busy_workers, 1);
		bool woken = weir__ec_wait(&dev->ec, key, UINT64_MAX);
#ifdef WEIR_BUSTED_BUSY_DOUBLE_COUNT
		woken = false; /* planted: counted by the waker and by itself */
#endif
		if (!woken)
			weir_faa_relaxed(&rt->busy_workers, 1);
		/* Adapt the budget to the idle time just seen: work that came
		 * within the maximum budget would have been caught by a longer
		 * spin, without the wake (a system call for the waker, and a
		 * wake-up latency for this worker; tens of microseconds each
		 * on a VM): spin that long, with a margin, next time. A longer
		 * idle period: spinning did not pay, halve the budget. */
		uint64_t idle = weir__now_ns() - idle_from;
		if (idle < max_spin) {
			uint64_t s = idle + idle / 2;
			if (s > w->spin_ns)
				w->spin_ns = (uint32_t)(s < max_spin ? s : max_spin);
		} else if (spun) {
			w->spin_ns /= 2;
			if (w->spin_ns < min_spin)
				w->spin_ns = (uint32_t)min_spin;
		}
		idle_end(w, idle_from);
	}
	return NULL;
}

/* ------------------------------------------------------------------------ */
/* Device lifecycle (runtime.c)                                              */
/* ------------------------------------------------------------------------ */

int weir__device_init(struct weir_device *dev, struct weir_runtime *rt, uint32_t id,
                      uint32_t nworkers)
{
	dev->rt = rt;
	dev->id = id;
	dev->nworkers = nworkers;
	/* Invariant 8: one poller per device once workers outnumber CPUs. */
	dev->spin_cap = rt->total_workers > rt->ncpus ? 1 : nworkers;
	/* Pollers yield their CPU every 64 polls only when the runtime's
	 * possible pollers alone outnumber the CPUs. */
	dev->spin_yield = rt->ndevices * dev->spin_cap > rt->ncpus;
	atomic_init(&dev->spinning, 0);
	atomic_init(&dev->float_mode, WEIR_FLOAT_INFNAN);
	pthread_mutex_init(&dev->rq_lock, NULL);
	weir__host_init(dev);
	dev->workers = weir__calloc(dev->nworkers, sizeof(*dev->workers));
	dev->jobs = weir__aligned_alloc(WEIR_CACHELINE, dev->nworkers * sizeof(*dev->jobs));
	if (!dev->workers || !dev->jobs)
		return WEIR_ENOMEM;
	for (uint32_t i = 0; i < dev->nworkers; i++) {
		atomic_init(&dev->jobs[i].job, NULL);
		atomic_init(&dev->jobs[i].users, 0);
		struct weir_worker *w = &dev->workers[i];
		w->dev = dev;
		w->index = i;
		w->cpu = -1;
	}
	return WEIR_OK;
}

int weir__device_start_worker(struct weir_device *dev, uint32_t i)
{
	/* A worker counts as busy until its first park (relaxed: a hint). */
	weir_faa_relaxed(&dev->rt->busy_workers, 1);
	/* Published by pthread_create; until the thread runs, it is idle. */
	dev->workers[i].start_ns = weir__now_ns();
	weir_store_relaxed(&dev->workers[i].idle_since, dev->workers[i].start_ns);
	return pthread_create(&dev->workers[i].thread, NULL, worker_main, &dev->workers[i]);
}

void weir__device_wake_all(struct weir_device *dev)
{
	/* seq_cst: bump the futex word so that every sleeper's wait returns
	 * (ec invariant 1); the caller stored rt->stopping (RT-R4) before. */
	weir_faa_seqcst(&dev->ec.seq, 1);
	int woken = weir__futex_wake(&dev->ec.seq, INT32_MAX);
	if (woken > 0) /* invariant 11, relaxed: a hint */
		weir_faa_relaxed(&dev->rt->busy_workers, (uint32_t)woken);
}

void weir__device_join(struct weir_device *dev, uint32_t nworkers)
{
	for (uint32_t i = 0; i < nworkers; i++)
		pthread_join(dev->workers[i].thread, NULL);
}

void weir__device_fini(struct weir_device *dev)
{
	weir__free(dev->workers);
	weir__free(dev->jobs);
	pthread_mutex_destroy(&dev->rq_lock);
	weir__host_fini(dev);
}

WEIR_API int weir_device_stats(weir_runtime_t *rt, uint32_t dev, weir_worker_stats_t *out,
                               uint32_t *n)
{
	if (!rt || !n || (*n && !out))
		return WEIR_EINVAL;
	if (dev >= rt->ndevices)
		return WEIR_EDEVICE;
	struct weir_device *d = &rt->devices[dev];
	uint64_t now = *n ? weir__now_ns() : 0;
	for (uint32_t i = 0; i < d->nworkers && i < *n; i++) {
		struct weir_worker *w = &d->workers[i];
		out[i].tasks = weir_load_relaxed(&w->n_tasks);
		out[i].parks = weir_load_relaxed(&w->n_parks);
		out[i].streams = weir_load_relaxed(&w->n_streams);
		out[i].holds = weir_load_relaxed(&w->n_holds);
		/* DEV-A5: acquire - pairs with DEV-R5 in idle_end(): a closed
		 * period's time is in idle_ns. An open one may be counted twice
		 * (read both before and after it closes): clamped below. */
		uint64_t since = weir_load_acquire(&w->idle_since);
		uint64_t idle = weir_load_relaxed(&w->idle_ns);
		uint64_t up = now > w->start_ns ? now - w->start_ns : 0;
		if (since && now > since)
			idle += now - since;
		out[i].up_ns = up;
		out[i].busy_ns = idle < up ? up - idle : 0;
	}
	*n = d->nworkers;
	return WEIR_OK;
}
