/*
 * bench/baselines/baselines.h - the baselines weir is measured against, in
 * the same process (shared/design/performance.md):
 *
 *  - bl_ring:  a raw Concurrency Kit ck_ring hand-off to one worker thread:
 *              SPSC (the floor of S1) or MPSC (S2's ck_ring multi-producer).
 *              The worker runs each item's function. It spins while a run is
 *              in progress and parks on a condition variable between runs, so
 *              it stays off the cores while other subjects are measured.
 *  - bl_mq:    the classic mutex + condition-variable queue with one worker.
 *  - bl_pp:    ping-pong floors between two pinned threads: spinning on a
 *              cache line (one-way ~ the cache-line transfer), futex wake of a
 *              parked thread, and mutex + condvar hand-off (S3, S4).
 *  - bl_tbb:   oneTBB task_group (S1) and a flow-graph ping-pong (S4), behind a
 *              C shim (task_group_tbb.cpp), present when WEIR_BENCH_HAVE_TBB.
 *
 * All functions are called from the benchmark's main thread unless stated.
 */
#ifndef WEIR_BENCH_BASELINES_H
#define WEIR_BENCH_BASELINES_H

#include <stdbool.h>
#include <stdint.h>

#include "harness.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*bl_task_fn)(void *arg);

/* An item of bl_ring: the ring carries a pointer to it; it must stay valid
 * until the worker has run it (benches use one static item per producer). */
typedef struct bl_task {
	bl_task_fn fn;
	void *arg;
} bl_task_t;

/* --- ck_ring + one worker --------------------------------------------- */
typedef struct bl_ring bl_ring_t;

enum bl_ring_mode {
	BL_RING_SPSC, /* ck_ring_enqueue_spsc / dequeue_spsc, 1 worker */
	BL_RING_MPSC, /* ck_ring_enqueue_mpsc / dequeue_mpsc, 1 worker */
	BL_RING_MPMC, /* ck_ring_enqueue_mpmc / dequeue_mpmc, `workers` workers */
};

/* capacity: power of two. Worker i is pinned to usable CPU (cpu + i) when
 * cpu >= 0. NULL on failure. Partner: bl_ring_destroy(). */
bl_ring_t *bl_ring_create(unsigned capacity, enum bl_ring_mode mode, unsigned workers, int cpu);
void bl_ring_destroy(bl_ring_t *r);
/* Start a run: the worker wakes and spins until `items` more items ran. */
void bl_ring_begin(bl_ring_t *r, uint64_t items);
/* Enqueue; while the ring is full: pause, then yield. Any thread (MPSC) or
 * the one producer (SPSC). */
void bl_ring_push(bl_ring_t *r, const bl_task_t *t);
/* Wait (spin, then yield) until every item of the run has run. */
void bl_ring_wait(bl_ring_t *r);

/* --- mutex + condvar queue + one worker ---------------------------------- */
typedef struct bl_mq bl_mq_t;

bl_mq_t *bl_mq_create(unsigned capacity, int cpu);
void bl_mq_destroy(bl_mq_t *q);
/* Blocks (condvar) while full. Any thread. */
void bl_mq_push(bl_mq_t *q, bl_task_fn fn, void *arg);
/* Wait until every item pushed before the call has run. */
void bl_mq_wait(bl_mq_t *q);
/* Lock, test "nothing pending", unlock: the mutex queue's idle sync. */
bool bl_mq_idle(bl_mq_t *q);

/* --- ping-pong floors between the caller and a pinned partner -------------- */
enum bl_pp_kind {
	BL_PP_SPIN,    /* partner spins on a cache line */
	BL_PP_FUTEX,   /* partner sleeps in FUTEX_WAIT; only real wakes are sampled */
	BL_PP_CONDVAR, /* mutex + condition variable both ways */
};

/* Run `iters` exchanges with a partner thread pinned to CPU cpu_partner (the
 * caller pins itself to cpu_self). If h != NULL, one sample per exchange is
 * added: the one-way latency (send -> partner sees it). Returns the ns of the
 * whole loop (round trips), 0 on failure. The partner exists only during the
 * call, so nothing spins between rounds. */
uint64_t bl_pp_run(enum bl_pp_kind kind, uint64_t iters, wb_hist_t *h, unsigned cpu_self,
                   unsigned cpu_partner);

/* --- oneTBB (task_group_tbb.cpp) ---------------------------------------- */
#ifdef WEIR_BENCH_HAVE_TBB
typedef struct bl_tbb bl_tbb_t;
/* An arena of `threads` threads (the caller included). */
bl_tbb_t *bl_tbb_create(int threads);
void bl_tbb_destroy(bl_tbb_t *t);
/* n x task_group::run(fn(arg)), then one wait(). Returns ns. */
uint64_t bl_tbb_task_group(bl_tbb_t *t, uint64_t n, bl_task_fn fn, void *arg);
/* Flow graph: two serial nodes A -> B -> A passing one token n round trips,
 * each node running fn(arg) once per visit. Returns ns. */
uint64_t bl_tbb_flow_pingpong(bl_tbb_t *t, uint64_t n, bl_task_fn fn, void *arg);
#endif

#ifdef __cplusplus
}
#endif
#endif /* WEIR_BENCH_BASELINES_H */
