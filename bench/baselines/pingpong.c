/*
 * bench/baselines/pingpong.c - the latency floors of S3/S4: one-way and
 * round-trip exchange between two pinned threads by spinning on a cache line,
 * by futex wake of a sleeping thread, and by mutex + condition variable.
 * See baselines.h.
 */
#include "baselines/baselines.h"

#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/atomic.h"

struct pp {
	enum bl_pp_kind kind;
	uint64_t iters;
	unsigned cpu;
	/* Written by the sender (caller). */
	weir_cacheline_aligned _Atomic uint64_t seq;
	_Atomic uint64_t t_send;
	_Atomic uint32_t fword;
	/* Written by the partner. */
	weir_cacheline_aligned _Atomic uint64_t ack;
	_Atomic uint64_t lat;
	_Atomic uint64_t waiting; /* futex: "about to sleep for message i" */
	/* Condvar mode. */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint64_t turn_seq; /* L: mu - last message sent */
	uint64_t turn_ack; /* L: mu - last message acknowledged */
	uint64_t cv_lat;   /* L: mu */
};

static long futex(_Atomic uint32_t *w, int op, uint32_t val)
{
	return syscall(SYS_futex, (uint32_t *)w, op, val, NULL, NULL, 0);
}

static void *pp_partner(void *p)
{
	struct pp *x = p;
	wb_pin_self(x->cpu);
	for (uint64_t i = 1; i <= x->iters; i++) {
		switch (x->kind) {
		case BL_PP_SPIN:
			/* A1: acquire - pairs with R1 in bl_pp_run(). */
			while (weir_load_acquire(&x->seq) != i)
				weir_cpu_relax();
			break;
		case BL_PP_FUTEX:
			/* S1: seq_cst - "about to sleep" before the futex word is
			 * re-read by the kernel; the sender waits for it. */
			weir_store_seqcst(&x->waiting, i);
			/* A2: acquire - pairs with R2 in bl_pp_run(). */
			while (weir_load_acquire(&x->fword) != (uint32_t)i)
				futex(&x->fword, FUTEX_WAIT_PRIVATE, (uint32_t)(i - 1));
			break;
		case BL_PP_CONDVAR:
			pthread_mutex_lock(&x->mu);
			while (x->turn_seq != i)
				pthread_cond_wait(&x->cv, &x->mu);
			x->cv_lat = wb_now_ns() - weir_load_relaxed(&x->t_send);
			x->turn_ack = i;
			pthread_cond_broadcast(&x->cv);
			pthread_mutex_unlock(&x->mu);
			continue;
		}
		/* Relaxed: published by the release of `ack` below. */
		weir_store_relaxed(&x->lat, wb_now_ns() - weir_load_relaxed(&x->t_send));
		/* R3: release - publishes `lat`; pairs with A3 in bl_pp_run(). */
		weir_store_release(&x->ack, i);
	}
	return NULL;
}

uint64_t bl_pp_run(enum bl_pp_kind kind, uint64_t iters, wb_hist_t *h, unsigned cpu_self,
                   unsigned cpu_partner)
{
	struct pp *x = aligned_alloc(WEIR_CACHELINE, (sizeof *x + WEIR_CACHELINE - 1) &
	                                                     ~(size_t)(WEIR_CACHELINE - 1));
	if (!x)
		return 0;
	*x = (struct pp){ .kind = kind, .iters = iters, .cpu = cpu_partner };
	pthread_mutex_init(&x->mu, NULL);
	pthread_cond_init(&x->cv, NULL);
	cpu_set_t saved;
	bool have_saved = pthread_getaffinity_np(pthread_self(), sizeof saved, &saved) == 0;
	wb_pin_self(cpu_self);
	pthread_t th;
	if (pthread_create(&th, NULL, pp_partner, x) != 0) {
		free(x);
		return 0;
	}
	uint64_t t0 = wb_now_ns();
	for (uint64_t i = 1; i <= iters; i++) {
		bool valid = true;
		switch (kind) {
		case BL_PP_SPIN:
			weir_store_relaxed(&x->t_send, wb_now_ns());
			/* R1: release - publishes t_send; pairs with A1. */
			weir_store_release(&x->seq, i);
			break;
		case BL_PP_FUTEX: {
			while (weir_load_seqcst(&x->waiting) != i) /* pairs with S1 */
				weir_cpu_relax();
			/* Give the partner time to enter FUTEX_WAIT; a wake that
			 * finds nobody asleep is not sampled. */
			uint64_t until = wb_now_ns() + 10000;
			while (wb_now_ns() < until)
				weir_cpu_relax();
			weir_store_relaxed(&x->t_send, wb_now_ns());
			/* R2: release - publishes t_send; pairs with A2. */
			weir_store_release(&x->fword, (uint32_t)i);
			valid = futex(&x->fword, FUTEX_WAKE_PRIVATE, 1) == 1;
			break;
		}
		case BL_PP_CONDVAR:
			pthread_mutex_lock(&x->mu);
			weir_store_relaxed(&x->t_send, wb_now_ns());
			x->turn_seq = i;
			pthread_cond_broadcast(&x->cv);
			while (x->turn_ack != i)
				pthread_cond_wait(&x->cv, &x->mu);
			uint64_t lat = x->cv_lat;
			pthread_mutex_unlock(&x->mu);
			if (h)
				wb_hist_add(h, lat);
			continue;
		}
		/* A3: acquire - pairs with R3 in pp_partner(). */
		while (weir_load_acquire(&x->ack) != i)
			weir_cpu_relax();
		if (h && valid)
			wb_hist_add(h, weir_load_relaxed(&x->lat));
	}
	uint64_t t = wb_now_ns() - t0;
	pthread_join(th, NULL);
	if (have_saved)
		pthread_setaffinity_np(pthread_self(), sizeof saved, &saved);
	pthread_mutex_destroy(&x->mu);
	pthread_cond_destroy(&x->cv);
	free(x);
	return t ? t : 1;
}
