/*
 * bench/baselines/ring_worker.c - raw ck_ring hand-off to one worker thread:
 * the floor every weir launch is compared with (S1), and ck_ring's
 * multi-producer enqueue (S2). See baselines.h.
 *
 * Synchronization: items travel through ck_ring (its own release/acquire);
 * the run bounds (`target`, `stop`) travel under `mu`; completion through
 * `done` (R1/A1 below).
 */
#include "baselines/baselines.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/atomic.h"
#include "base/ck.h"

struct bl_ring {
	struct ck_ring ring;
	struct ck_ring_buffer *buf;
	enum bl_ring_mode mode;
	unsigned nworkers;
	pthread_t th[16];
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint64_t gen;    /* L: mu - bumped by begin() */
	uint64_t target; /* L: mu - items the worker must have run */
	bool stop;       /* L: mu */
	int cpu;
	_Atomic unsigned next_id;                     /* relaxed: only hands out worker indices */
	weir_cacheline_aligned _Atomic uint64_t done; /* A: items run, all workers */
};

static bool ring_deq(struct bl_ring *r, void **item)
{
	switch (r->mode) {
	case BL_RING_SPSC: return ck_ring_dequeue_spsc(&r->ring, r->buf, item);
	case BL_RING_MPSC: return ck_ring_dequeue_mpsc(&r->ring, r->buf, item);
	default: return ck_ring_dequeue_mpmc(&r->ring, r->buf, item);
	}
}

static bool ring_enq(struct bl_ring *r, void *item)
{
	switch (r->mode) {
	case BL_RING_SPSC: return ck_ring_enqueue_spsc(&r->ring, r->buf, item);
	case BL_RING_MPSC: return ck_ring_enqueue_mpsc(&r->ring, r->buf, item);
	default: return ck_ring_enqueue_mpmc(&r->ring, r->buf, item);
	}
}

static void *ring_worker(void *p)
{
	struct bl_ring *r = p;
	unsigned id = weir_faa_relaxed(&r->next_id, 1);
	if (r->cpu >= 0)
		wb_pin_self((unsigned)r->cpu + id);
	uint64_t seen = 0;
	for (;;) {
		pthread_mutex_lock(&r->mu);
		while (!r->stop && r->gen == seen)
			pthread_cond_wait(&r->cv, &r->mu);
		if (r->stop) {
			pthread_mutex_unlock(&r->mu);
			return NULL;
		}
		seen = r->gen;
		uint64_t target = r->target;
		pthread_mutex_unlock(&r->mu);

		unsigned idle = 0;
		uint64_t local = 0;
		/* A2: acquire - pairs with R1 of the other workers (MPMC).
		 * ">=": another worker may already be into the next run. */
		while (!weir_seq_geq(weir_load_acquire(&r->done), target)) {
			void *item;
			if (ring_deq(r, &item)) {
				const bl_task_t *t = item;
				t->fn(t->arg);
				local++;
				idle = 0;
				continue;
			}
			/* R1: release - publishes the items run so far; pairs with
			 * A1 in bl_ring_wait() and A2. Only when the ring looks empty,
			 * so the floor pays no per-item shared write. */
			if (local) {
				weir_faa_release(&r->done, local);
				local = 0;
			}
			if (++idle % 4096 == 0)
				sched_yield();
			else
				weir_cpu_relax();
		}
	}
}

bl_ring_t *bl_ring_create(unsigned capacity, enum bl_ring_mode mode, unsigned workers, int cpu)
{
	struct bl_ring *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->buf = calloc(capacity, sizeof *r->buf);
	if (!r->buf) {
		free(r);
		return NULL;
	}
	ck_ring_init(&r->ring, capacity);
	r->mode = mode;
	r->nworkers = mode == BL_RING_MPMC ? workers : 1;
	if (r->nworkers < 1)
		r->nworkers = 1;
	if (r->nworkers > 16)
		r->nworkers = 16;
	r->cpu = cpu;
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	for (unsigned i = 0; i < r->nworkers; i++) {
		if (pthread_create(&r->th[i], NULL, ring_worker, r) != 0) {
			r->nworkers = i;
			bl_ring_destroy(r);
			return NULL;
		}
	}
	return r;
}

void bl_ring_destroy(bl_ring_t *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->mu);
	r->stop = true;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	for (unsigned i = 0; i < r->nworkers; i++)
		pthread_join(r->th[i], NULL);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	free(r->buf);
	free(r);
}

void bl_ring_begin(bl_ring_t *r, uint64_t items)
{
	pthread_mutex_lock(&r->mu);
	r->target += items;
	r->gen++;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

void bl_ring_push(bl_ring_t *r, const bl_task_t *t)
{
	unsigned spins = 0;
	for (;;) {
		if (ring_enq(r, (void *)t))
			return;
		if (++spins % 1024 == 0)
			sched_yield();
		else
			weir_cpu_relax();
	}
}

void bl_ring_wait(bl_ring_t *r)
{
	pthread_mutex_lock(&r->mu);
	uint64_t target = r->target;
	pthread_mutex_unlock(&r->mu);
	unsigned spins = 0;
	/* A1: acquire - pairs with R1 in ring_worker(). */
	while (weir_load_acquire(&r->done) != target) {
		if (++spins % 1024 == 0)
			sched_yield();
		else
			weir_cpu_relax();
	}
}
