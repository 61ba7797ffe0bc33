/*
 * graph/exec.c - the executor: load ("sink") a plan, launch runs.
 *
 * Three ways to run a loaded plan, chosen at load (choose_mode(); an AUTO
 * inline plan may move to parallel once, after its first timed runs,
 * choose_parallel(); the policy is in docs/graph.md, "Executor"):
 *  - inline: the whole plan is ONE task on the caller's stream U that calls
 *    every step in submission order (a topological order of the plan's
 *    happens-before, compile.c invariant 1, so every dependency and every
 *    memory-reuse decision of the plan holds). A run is then
 *      U: [wait done] [bind] inline task; [host callback]; record done
 *    and no internal stream or event is created or used.
 *  - parallel: the same, but the one task is a start task plus ONE kernel
 *    whose blocks (one per device worker) run the plan's ready steps, over
 *    a DAG of its dependencies and memory-reuse orders ("The parallel
 *    executor", invariants P1-P6). Also no internal stream or event.
 *  - streams: the plan's streams and events, as below.
 *
 * One streams run, as submitted under the per-graph lock (caller's stream
 * U = plan stream 0, internal streams S1..Sk):
 *   U:  [wait done      if the previous run used another stream]
 *       [bind           if I/O pointers changed, or a callback run]
 *       record fork
 *   Si: wait fork / wait producer events, kernel, [record] ...  (topo order)
 *   U:  wait join events; output copies; [finish: report internal failures];
 *       [host callback]; record done
 *
 * Invariants:
 *  1. Runs of one graph never overlap on the device: every run's first task
 *     on U comes after the previous run's joins (same stream) or after its
 *     done record (wait done), and all internal work of a run is ordered
 *     after its fork and before its joins (compile.c invariant 1 + joins
 *     cover every stream). Tasks on U can be discarded (an abort, a STOP
 *     group), and a discarded record still completes its event, so a
 *     streams run also starts by waiting each internal stream's tail event,
 *     recorded on that stream after the previous run's last step there.
 *  2. Hence the patch slots (kernel I/O pointers) and the fail code are
 *     written by tasks of one run only after every task of the previous run
 *     that read them has finished (T fields need no atomics, except `fail`,
 *     which blocks of one kernel may set concurrently).
 *  3. The host shadow `bound` equals what the latest submitted bind wrote.
 *  4. An inline run is one task on U (a parallel run one start task and
 *     one kernel, which retires after all its blocks returned), so (1) and
 *     (2) hold by U's order alone: the run's steps happen after its bind
 *     and before its done record, and the next run's first task is ordered
 *     after done. The switch from inline to parallel happens between two
 *     submissions, so it needs nothing more.
 *  5. Ownership of argument blocks: every task's arguments travel in the
 *     task's own copy (weir_launch copies them), so nothing the host frees
 *     is read by a task and nothing a task frees is read by the host. A bind
 *     is one or more chunk tasks of BIND_CHUNK pointers each (never a heap
 *     array). The one heap block, a callback run's cb_rec, is made before
 *     any task of the run is queued and is freed by its host task (or by
 *     submit() if that launch fails). Tasks point only into L, which
 *     weir__exec_unload() frees after the last `done` record and after
 *     destroying the internal streams; a run that fails part-way still
 *     records `done` (or, failing that, is waited for), so no queued task
 *     outlives L or an output buffer weir allocated for the run.
 *  6. A bind discarded by an abort (or a STOP group) on U never wrote its
 *     slots, so the shadow `bound` would lie. Each bind carries a
 *     generation; its chunk tasks publish (EX-R3) their progress in
 *     `bind_prog`, which reaches BIND_PROG(gen, nchunks) only if every
 *     chunk of that bind ran, in order. Every task that reads the slots
 *     (inline, step and segment tasks) first checks (EX-A3) that `bind_prog`
 *     is the value its run expects (`want`): on a mismatch it fails with
 *     WEIR_EABORTED without touching a buffer and sets `rebind`, so the
 *     next run binds everything again. The host also rebinds whenever U
 *     changed or U discarded tasks since the previous run (stream stats),
 *     so a rerun after an abort and a sync is not refused. A parallel
 *     kernel whose start task was discarded fails the same way (P1). A run recorded
 *     by a capture (sched/capture.c) binds again at every replay, behind
 *     the shadow: once one was captured (`captured`), every run binds. A
 *     captured streams run also joins its internal streams' tails into U
 *     (the capture's end needs every joined stream joined back).
 *  7. Zero-byte tensors are never in an arena and never patched: their
 *     slot points at wx_empty (no kernel reads or writes a byte of it), so
 *     no kernel gets NULL and no pointer arithmetic touches a NULL arena.
 *     A step whose outputs are all empty runs no kernel at all.
 */
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "graph/exec.h"
#include "graph/graph_internal.h"
#include "base/alloc.h"
#include "base/atomic.h"
#include "base/die.h"
#include "base/sync.h"

struct wx_step {
	weir_op_call_t call;  /* I (pointer arrays below are T for I/O slots) */
	const void **in;      /* T: I/O slots patched by bind */
	void **out;           /* T */
	weir_op_kernel_fn fn; /* I */
	uint32_t nblocks;     /* I */
	uint32_t seg;         /* I: steps in the segment starting here (0: inside one) */
	weir_tensor_desc_t *in_desc, *out_desc; /* I */
};

struct wx_patch {
	void **slot;
	uint32_t io;
};

/* How a loaded plan runs (invariant 4 covers both one-task modes). */
enum wx_mode {
	WX_STREAMS = 0,  /* internal streams and events */
	WX_INLINE = 1,   /* one task: every step in submission order */
	WX_PARALLEL = 2, /* one kernel: W blocks drain a ready list (see below) */
};

struct weir_loaded {
	const weir_plan_t *p;              /* I */
	weir_runtime_t *rt;                /* I */
	weir_mem_t *mem;                   /* I */
	uint32_t dev;                      /* I */
	void *const_arena, *feature_arena; /* I */
	weir_group_t *group;               /* I */
	weir_stream_t **streams;           /* I: [0] unused (the caller's stream) */
	weir_stream_t *own;                /* I: sync / callback runs */
	weir_event_t **events;             /* I */
	weir_event_t *done;                /* I */
	struct wx_step *steps;             /* I */
	struct wx_patch *patches;          /* I: sorted by io */
	uint32_t *patch_at; /* I: I/O k's patches are [patch_at[k], patch_at[k + 1]) */
	uint32_t npatches;  /* I */
	uint32_t nio;       /* I: ninputs + noutputs */
	uint32_t nchunks;   /* I: bind tasks per bind, ceil(nio / BIND_CHUNK) */
	pthread_mutex_t lock;
	void **bound;               /* L */
	bool bound_valid;           /* L */
	bool captured;              /* L: a run of it was captured: always rebind */
	bool ran;                   /* L: `done` has been recorded */
	weir_stream_t *last_stream; /* L: the stream of the latest `done` record */
	uint64_t discarded;         /* L: last_stream's discard count before the latest run */
	uint32_t gen;               /* L: generation of the latest bind submitted */
	uint64_t want;              /* L: bind_prog once that bind has fully run */
	uint8_t mode;               /* L: enum wx_mode; AUTO may move INLINE -> PARALLEL once */
	bool probing;               /* L: AUTO: inline runs time themselves (choose_parallel()) */
	uint32_t nprobes;           /* L: timed runs seen */
	uint64_t probe_best;        /* L: the fastest of them, ns */
	uint32_t workers;           /* I: the device's workers (a parallel run's blocks) */
	struct wx_par *par;         /* L: set before the first parallel run, then I */
	uint64_t par_runs;          /* L: parallel runs submitted (par_args.run) */
	_Atomic uint64_t probe_ns;  /* A: a timed inline run's duration, 0 = none yet */
	_Atomic int fail;           /* A: first kernel failure of the current run */
	_Atomic uint64_t bind_prog; /* A: BIND_PROG(gen, chunks run) of the latest bind */
	_Atomic bool rebind;        /* A: a task found the slots stale (invariant 6) */
};

/* Zero-byte tensors point here (invariant 7). */
static _Alignas(64) unsigned char wx_empty[64];

/* ------------------------------------------------------------------------ */
/* Tasks                                                                      */
/* ------------------------------------------------------------------------ */

#define BIND_PROG(gen, chunks) (((uint64_t)(gen) << 32) | (uint32_t)(chunks))

/* Invariant 6: do the I/O slots hold the buffers of the run that carries
 * `want`? A task that gets false touches no buffer. */
static bool slots_current(weir_loaded_t *L, uint64_t want)
{
	/* EX-A3: acquire - takes the slots the bind wrote; pairs with EX-R3 in
	 * bind_task(). */
	if (weir_load_acquire(&L->bind_prog) == want)
		return true;
	/* Relaxed: a hint for the host's next submit (rebinding is always
	 * safe, and a lost hint only costs that run another refusal). */
	weir_store_relaxed(&L->rebind, true);
	return false;
}

static int note_failure(weir_loaded_t *L, int rc)
{
	int zero = 0;
	/* EX-R2: release - keeps the first failure of the run; pairs with EX-A2 in
	 * finish_task()/callback_task() (also ordered by the joins). */
	weir_cas_strong_acqrel(&L->fail, &zero, rc);
	return rc;
}

struct step_args {
	struct wx_step *st;
	weir_loaded_t *L;
	uint64_t want;
};

static int step_task(void *args, uint32_t block, uint32_t nblocks)
{
	const struct step_args *a = args;
	if (!slots_current(a->L, a->want))
		return note_failure(a->L, WEIR_EABORTED);
	int rc = a->st->fn(&a->st->call, block, nblocks);
	return rc ? note_failure(a->L, rc) : 0;
}

/* A segment: consecutive steps of one stream in submission order, all with
 * one block, waits only before the first and a record only after the last,
 * run by one task (the "sunk" task list: one launch instead of many). */
struct seg_args {
	weir_loaded_t *L;
	uint32_t first, count;
	uint64_t want;
};

static int seg_task(void *args, uint32_t block, uint32_t nblocks)
{
	const struct seg_args *a = args;
	if (!slots_current(a->L, a->want))
		return note_failure(a->L, WEIR_EABORTED);
	for (uint32_t i = 0; i < a->count; i++) {
		struct wx_step *x = &a->L->steps[a->first + i];
		int rc = x->fn(&x->call, 0, 1);
		if (rc)
			return note_failure(a->L, rc);
	}
	return 0;
}

/* The inline executor: every step of the plan in submission order, each
 * step's blocks one after the other, in one task (invariant 4). */
struct inline_args {
	weir_loaded_t *L;
	uint64_t want;
	bool probe; /* time the run into probe_ns (AUTO's choice, choose_parallel()) */
};

static int inline_task(void *args, uint32_t block, uint32_t nblocks)
{
	const struct inline_args *a = args;
	weir_loaded_t *L = a->L;
	struct wx_step *x = L->steps, *end = x + L->p->nsteps;
	/* Relaxed: a new run starts; ordered after the previous run by U's
	 * order (invariant 4). */
	weir_store_relaxed(&L->fail, 0);
	if (!slots_current(L, a->want))
		return note_failure(L, WEIR_EABORTED);
	uint64_t t0 = a->probe ? weir__now_ns() : 0;
	for (; x < end; x++)
		for (uint32_t b = 0; b < x->nblocks; b++) {
			int rc = x->fn(&x->call, b, x->nblocks);
			if (rc)
				return note_failure(L, rc);
		}
	/* Relaxed: a number for the host's next submit, nothing else. */
	if (a->probe)
		weir_store_relaxed(&L->probe_ns, (weir__now_ns() - t0) | 1);
	return 0;
}

/* One bind task: I/O numbers [first, first + BIND_CHUNK) of one bind (its
 * generation `gen`), the pointers in the task's own argument copy
 * (invariant 5). The block fills WEIR_ARGS_MAX exactly. */
#define BIND_CHUNK ((WEIR_ARGS_MAX - sizeof(void *) - 2 * sizeof(uint32_t)) / sizeof(void *))
struct bind_args {
	weir_loaded_t *L;
	uint32_t first; /* a multiple of BIND_CHUNK */
	uint32_t gen;
	void *ptrs[BIND_CHUNK];
};
_Static_assert(sizeof(struct bind_args) <= WEIR_ARGS_MAX,
               "bind chunk exceeds a task's argument block");

static int bind_task(void *args, uint32_t block, uint32_t nblocks)
{
	const struct bind_args *a = args;
	weir_loaded_t *L = a->L;
	uint32_t n = L->nio - a->first < BIND_CHUNK ? L->nio - a->first : (uint32_t)BIND_CHUNK;
	for (uint32_t k = 0; k < n; k++)
		for (uint32_t i = L->patch_at[a->first + k]; i < L->patch_at[a->first + k + 1]; i++)
			*L->patches[i].slot = a->ptrs[k];
	/* Chunk c completes the bind's progress only if chunk c - 1 of the same
	 * bind ran just before it (an abort may have discarded a prefix).
	 * Relaxed load: only bind tasks write bind_prog, one after another on
	 * the run streams (invariant 1). */
	uint32_t c = a->first / (uint32_t)BIND_CHUNK;
	WEIR_ASSERT(a->gen != 0 && c < L->nchunks && a->first % BIND_CHUNK == 0,
	            "exec.c inv 6: a bind chunk carries a generation >= 1 and names one of the "
	            "bind's chunks");
	uint64_t prev = weir_load_relaxed(&L->bind_prog);
	uint64_t next = c == 0 || prev == BIND_PROG(a->gen, c) ? BIND_PROG(a->gen, c + 1)
	                                                       : BIND_PROG(a->gen, 0);
	/* EX-R3: release - publishes the slots written above; pairs with EX-A3 in
	 * slots_current(). */
	weir_store_release(&L->bind_prog, next);
	/* Relaxed: a new run starts; ordered after the previous run's tasks by
	 * invariant 1 (stream order / events carry the happens-before). */
	weir_store_relaxed(&L->fail, 0);
	return 0;
}

#ifdef WEIR_BUSTED_BIND_EARLY_FREE
/* Planted bug (testing the tests): issue 8's use-after-free, restored. One
 * task carries a heap array of every pointer and frees it when it has run;
 * the host copies its shadow from that array after the launch returns. */
struct busted_bind_args {
	weir_loaded_t *L;
	void **heap;
	uint32_t gen;
};

static int busted_bind_task(void *args, uint32_t block, uint32_t nblocks)
{
	const struct busted_bind_args *a = args;
	weir_loaded_t *L = a->L;
	for (uint32_t i = 0; i < L->npatches; i++)
		*L->patches[i].slot = a->heap[L->patches[i].io];
	/* EX-R3: release - as in bind_task(). */
	weir_store_release(&L->bind_prog, BIND_PROG(a->gen, L->nchunks));
	weir_store_relaxed(&L->fail, 0);
	weir__free(a->heap);
	return 0;
}
#endif

struct finish_args {
	weir_loaded_t *L;
};

static int finish_task(void *args, uint32_t block, uint32_t nblocks)
{
	const struct finish_args *a = args;
	/* EX-A2: acquire - takes the run's failure; pairs with EX-R2. */
	return weir_xchg_acqrel(&a->L->fail, 0);
}

struct cb_rec {
	weir_loaded_t *L;
	weir_run_callback_fn cb;
	void *user;
	uint32_t nout;
	weir_tensor_t outs[];
};

static void callback_task(void *arg)
{
	struct cb_rec *r = arg;
	/* EX-A2: acquire - pairs with EX-R2. */
	int st = weir_xchg_acqrel(&r->L->fail, 0);
	r->cb(st, r->outs, r->nout, r->user);
	weir__free(r);
}

/* ------------------------------------------------------------------------ */
/* The parallel executor                                                      */
/* ------------------------------------------------------------------------ */

/*
 * A parallel run is  U: [bind] par_start_task; par_task x W blocks; ...
 * where W = the device's workers: the kernel's blocks are spread over the
 * workers by the device's split-kernel jobs (sched/device.c), and each
 * block is a worker draining the run's ready list. A step is one node's
 * whole kernel (all its own blocks, in turn, as inline does), so results
 * are bit-identical to inline and streams runs.
 *
 * The DAG (par_build()) is the plan's data and control dependencies plus
 * its memory-reuse edges: when arena tensor b reuses bytes of an earlier
 * tenant a, every step that touches a precedes b's producer. The planner
 * proved those orders through its streams and events (compile.c invariant
 * 2); the parallel run has neither, so it must carry them as edges.
 *
 * Invariants:
 *  P1. par_start_task (one task on U, before the kernel) opens run `gen`:
 *      head = 0, every block's started = 0, tail = nroots, failed = false,
 *      fail = 0. Runs never overlap (invariant 1: one kernel task on U,
 *      like inline), so every per-run word is written by one run at a
 *      time, and the stream's task order publishes the reset to the
 *      kernel's blocks.
 *  P2. Ready slots [0, nroots) are the roots (immutable); a slot k >=
 *      nroots holds (gen << 32) | step once the step is listed in run gen.
 *      A step is listed at most once per run (by the finisher of its last
 *      predecessor), so tail <= n and each slot is written at most once per
 *      run, and its claimer clears it (every listed step is claimed within
 *      the run), so each run starts with every slot 0: "not yet". The gen
 *      tag also tells an older run's value apart. A slot at or past n is
 *      never read.
 *  P3. A listed slot is claimed by a CAS of head from k to k + 1; roots
 *      in chunks, by a CAS from k to k + c (c >= 1, k + c <= nroots: a
 *      share of the roots left, par_root_chunk()), and the claimer runs
 *      roots[k, k + c) before it looks at the list again. A block that
 *      makes steps ready keeps the first for itself (it runs it next: its
 *      inputs are in this core's cache, and it skips the list) and lists
 *      the others. So each step runs (or, after a failure, is skipped)
 *      exactly once per run: roots and listed steps by their claimer, kept
 *      ones by the block that made them ready.
 *  P4. `pending[s]` counts s's unfinished predecessors; whoever takes it
 *      from 1 to 0 resets it to npred[s] for the next run (nobody else
 *      touches it in this run) and pushes s.
 *  P5. Liveness without co-scheduling: a block returns only when every
 *      step has been started (the blocks' `started` counts sum to n; each
 *      block counts the steps it starts, listed, root or kept, in its own
 *      cache line, so counting costs no line transfer while both blocks
 *      work). While steps are unstarted but none is listed, some claimed
 *      step is running, or waiting in its claimer's root chunk, on a block
 *      that is running (only running blocks claim, and a block runs its
 *      chunk before it waits), and it pushes or keeps its successors when
 *      it finishes; so a block that waits never waits for a block that is
 *      not running, and a lone block (the owner, when no worker helps)
 *      drains the whole plan itself. The kernel retires after all its
 *      blocks returned, so after every step finished.
 *  P6. A failed step sets `failed`; later claims skip their step (still
 *      making its successors ready, so P5 holds and every pending[] is
 *      reset).
 *      The block that saw a failure returns it (the kernel's first failing
 *      block wins, device.c DEV-AR4); the run's first failure is also kept
 *      in L->fail for a callback.
 */
/* One block's count of the steps it started this run (P5), alone in its
 * cache line: written by that block only. */
struct wx_par_count {
	weir_cacheline_aligned _Atomic uint32_t n; /* A: relaxed, P5 */
};

struct wx_par {
	_Atomic uint32_t head; /* A: next ready slot to claim (P3) */
	char pad0[WEIR_CACHELINE - sizeof(_Atomic uint32_t)];
	_Atomic uint32_t tail; /* A: next ready slot to fill (P2) */
	char pad1[WEIR_CACHELINE - sizeof(_Atomic uint32_t)];
	_Atomic uint32_t gen;         /* T: the run's generation (P1) */
	_Atomic bool failed;          /* A: a step of this run failed (P6) */
	_Atomic uint64_t run;         /* T: the run number its start task opened (P1) */
	uint32_t n;                   /* I: steps */
	uint32_t nroots;              /* I */
	uint32_t depth;               /* I: longest path, in steps */
	uint32_t nblocks;             /* I: blocks of a run (the device's workers) */
	struct wx_par_count *started; /* I: the per-block counts (each A, P5) */
	uint32_t *roots;              /* I: steps without predecessors, in submission order */
	uint32_t *succ_at;         /* I: step i's successors are succ[succ_at[i], succ_at[i + 1]) */
	uint32_t *succ;            /* I */
	uint32_t *npred;           /* I */
	_Atomic uint32_t *pending; /* A: P4 */
	_Atomic uint64_t *ready;   /* A: P2 */
};
_Static_assert(offsetof(struct wx_par, tail) % WEIR_CACHELINE == 0,
               "wx_par: head and tail on separate cache lines");

static void par_destroy(struct wx_par *P)
{
	if (!P)
		return;
	weir__free(P->roots);
	weir__free(P->succ_at);
	weir__free(P->succ);
	weir__free(P->npred);
	weir__free(P->pending);
	weir__free(P->ready);
	weir__free(P->started);
	weir__free(P);
}

/* A growable edge list (from -> to), deduplicated per `to` by the caller. */
struct par_edges {
	uint32_t *from, *to;
	size_t n, cap;
};

static bool edge_add(struct par_edges *e, uint32_t from, uint32_t to)
{
	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 256;
		uint32_t *f = weir__realloc(e->from, cap * sizeof(uint32_t));
		if (!f)
			return false;
		e->from = f;
		uint32_t *t = weir__realloc(e->to, cap * sizeof(uint32_t));
		if (!t)
			return false;
		e->to = t;
		e->cap = cap;
	}
	e->from[e->n] = from;
	e->to[e->n] = to;
	e->n++;
	return true;
}

/* One run of arena bytes [lo, hi) last owned by tensor `t`. */
struct par_seg {
	uint64_t lo, hi;
	uint32_t t;
};

static int par_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Memory-reuse edges: walk the arena tensors in producer order, keeping
 * which tensor last owned each byte range (segments sorted by lo, disjoint);
 * a tensor that overlaps earlier tenants gets an edge from every step that
 * touches them (producer and readers) to its producer. */
static bool par_reuse_edges(const weir_plan_t *p, struct par_edges *e)
{
	/* Arena tensors as (producer << 32 | tensor), sorted: producer
	 * (submission) order; a step's own tensors never overlap (live
	 * together), so ties need no order. */
	uint64_t *ts = weir__malloc((p->ntensors ? p->ntensors : 1) * sizeof(uint64_t));
	struct par_seg *seg = NULL, *tmp = NULL;
	uint32_t *seen = weir__calloc(p->ntensors ? p->ntensors : 1, sizeof(uint32_t));
	size_t nseg = 0, cap = 0;
	bool ok = ts && seen;
	uint32_t nt = 0;
	for (uint32_t i = 0; ok && i < p->ntensors; i++) {
		const struct wc_tensor *t = &p->tensors[i];
		if ((t->kind == WC_FEATURE || t->kind == WC_WORKSPACE) && t->size &&
		    t->producer >= 0)
			ts[nt++] = (uint64_t)t->producer << 32 | i;
	}
	if (ok)
		qsort(ts, nt, sizeof(uint64_t), par_cmp_u64);
	for (uint32_t k = 0; ok && k < nt; k++) {
		uint32_t bi = (uint32_t)ts[k];
		const struct wc_tensor *b = &p->tensors[bi];
		uint64_t lo = b->offset, hi = b->offset + b->size;
		uint32_t prod = (uint32_t)b->producer;
		/* First segment ending after lo (binary search). */
		size_t l = 0, r = nseg;
		while (l < r) {
			size_t m = (l + r) / 2;
			if (seg[m].hi <= lo)
				l = m + 1;
			else
				r = m;
		}
		size_t first = l, last = l;
		for (; last < nseg && seg[last].lo < hi; last++) {
			uint32_t a = seg[last].t;
			if (seen[a] == bi + 1)
				continue;
			seen[a] = bi + 1;
			const struct wc_tensor *A = &p->tensors[a];
			if ((uint32_t)A->producer != prod)
				ok &= edge_add(e, (uint32_t)A->producer, prod);
			for (uint32_t q = 0; q < A->nreaders && ok; q++)
				if (A->readers[q] != prod)
					ok &= edge_add(e, A->readers[q], prod);
		}
		/* Replace segments [first, last) by: left rest, b, right rest. */
		struct par_seg left = { 0 }, right = { 0 };
		bool hasl = first < last && seg[first].lo < lo;
		bool hasr = first < last && seg[last - 1].hi > hi;
		if (hasl)
			left = (struct par_seg){ seg[first].lo, lo, seg[first].t };
		if (hasr)
			right = (struct par_seg){ hi, seg[last - 1].hi, seg[last - 1].t };
		size_t add = 1 + hasl + hasr, del = last - first;
		if (nseg - del + add > cap) {
			size_t c = cap ? cap * 2 : 64;
			while (c < nseg - del + add)
				c *= 2;
			tmp = weir__realloc(seg, c * sizeof(*seg));
			if (!tmp) {
				ok = false;
				break;
			}
			seg = tmp;
			cap = c;
		}
		memmove(&seg[first + add], &seg[last], (nseg - last) * sizeof(*seg));
		nseg = nseg - del + add;
		size_t at = first;
		if (hasl)
			seg[at++] = left;
		seg[at++] = (struct par_seg){ lo, hi, bi };
		if (hasr)
			seg[at] = right;
	}
	weir__free(ts);
	weir__free(seg);
	weir__free(seen);
	return ok;
}

/* Build the parallel executor's DAG over every step of the plan (kernels
 * and output copies): data edges (a step after the producers of its
 * inputs), control edges (wc_step.deps) and memory-reuse edges. Every edge
 * goes forward in submission order (the plan's happens-before is), so one
 * pass in that order finds the longest path. NULL when out of memory. */
static struct wx_par *par_build(const weir_plan_t *p, uint32_t nblocks)
{
	uint32_t n = p->nsteps;
	struct wx_par *P = weir__aligned_alloc(WEIR_CACHELINE, sizeof(*P));
	struct par_edges e = { 0 };
	uint32_t *mark = NULL, *depth = NULL;
	if (!P)
		return NULL;
	memset(P, 0, sizeof(*P));
	P->n = n;
	bool ok = par_reuse_edges(p, &e);
	for (uint32_t i = 0; ok && i < n; i++) {
		const struct wc_step *s = &p->steps[i];
		for (uint32_t k = 0; k < s->nin && ok; k++) {
			int32_t pr = p->tensors[s->in[k]].producer;
			if (pr >= 0 && (uint32_t)pr != i)
				ok = edge_add(&e, (uint32_t)pr, i);
		}
		for (uint32_t k = 0; k < s->ndeps && ok; k++)
			ok = edge_add(&e, s->deps[k], i);
	}
	size_t nn = n ? n : 1;
	P->succ_at = weir__calloc(nn + 1, sizeof(uint32_t));
	P->succ = weir__malloc((e.n ? e.n : 1) * sizeof(uint32_t));
	P->npred = weir__calloc(nn, sizeof(uint32_t));
	P->pending = weir__calloc(nn, sizeof(*P->pending));
	P->ready = weir__calloc(nn, sizeof(*P->ready));
	P->roots = weir__malloc(nn * sizeof(uint32_t));
	P->nblocks = nblocks ? nblocks : 1;
	P->started = weir__aligned_alloc(WEIR_CACHELINE, P->nblocks * sizeof(*P->started));
	mark = weir__calloc(nn, sizeof(uint32_t));
	depth = weir__calloc(nn, sizeof(uint32_t));
	ok = ok && P->succ_at && P->succ && P->npred && P->pending && P->ready && P->roots &&
	     P->started && mark && depth;
	if (!ok)
		goto out;
	/* Successor lists (CSR by `from`), duplicates dropped: mark[to] is
	 * the last `from` + 1 that listed it. Edges are sorted by `from` first
	 * (a counting pass), then deduplicated per from. */
	uint32_t *at = P->succ_at;
	for (size_t k = 0; k < e.n; k++) {
		WEIR_ASSERT(e.from[k] < e.to[k], "exec.c P: every DAG edge goes forward");
		at[e.from[k] + 1]++;
	}
	for (uint32_t i = 0; i < n; i++)
		at[i + 1] += at[i];
	uint32_t *fill = depth; /* reused as the insertion cursor, reset below */
	for (uint32_t i = 0; i < n; i++)
		fill[i] = at[i];
	for (size_t k = 0; k < e.n; k++)
		P->succ[fill[e.from[k]]++] = e.to[k];
	uint32_t w = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t b = at[i], end = at[i + 1];
		at[i] = w;
		for (uint32_t k = b; k < end; k++) {
			uint32_t t = P->succ[k];
			if (mark[t] == i + 1)
				continue;
			mark[t] = i + 1;
			P->succ[w++] = t;
			P->npred[t]++;
		}
	}
	at[n] = w;
	memset(depth, 0, nn * sizeof(uint32_t));
	for (uint32_t i = 0; i < n; i++) {
		if (P->npred[i] == 0)
			P->roots[P->nroots++] = i;
		atomic_init(&P->pending[i], P->npred[i]);
		atomic_init(&P->ready[i], 0);
		uint32_t d = ++depth[i]; /* depth[i] held the longest path to i */
		if (d > P->depth)
			P->depth = d;
		for (uint32_t k = at[i]; k < at[i + 1]; k++)
			if (depth[P->succ[k]] < d)
				depth[P->succ[k]] = d;
	}
	atomic_init(&P->head, 0);
	for (uint32_t b = 0; b < P->nblocks; b++)
		atomic_init(&P->started[b].n, 0);
	atomic_init(&P->tail, 0);
	atomic_init(&P->gen, 0);
	atomic_init(&P->failed, false);
	atomic_init(&P->run, 0);
out:
	weir__free(e.from);
	weir__free(e.to);
	weir__free(mark);
	weir__free(depth);
	if (!ok) {
		par_destroy(P);
		return NULL;
	}
	return P;
}

struct par_args {
	weir_loaded_t *L;
	uint64_t want;
	uint64_t run; /* the host's run number: the kernel checks its start ran */
};

/* P1: opens a run. One single-block task on U before the kernel. */
static int par_start_task(void *args, uint32_t block, uint32_t nblocks)
{
	const struct par_args *a = args;
	struct wx_par *P = a->L->par;
	/* Relaxed: the words of one run are ordered after the previous run
	 * and before this run's kernel by U's task order (P1). The gen skips
	 * 0 (a slot never written reads as gen 0). */
	uint32_t g = weir_load_relaxed(&P->gen) + 1;
	weir_store_relaxed(&P->gen, g ? g : 1);
	weir_store_relaxed(&P->head, 0);
	for (uint32_t b = 0; b < P->nblocks; b++)
		weir_store_relaxed(&P->started[b].n, 0);
	weir_store_relaxed(&P->tail, P->nroots);
	weir_store_relaxed(&P->failed, false);
	weir_store_relaxed(&P->run, a->run);
	weir_store_relaxed(&a->L->fail, 0);
	return 0;
}

/* Wait for a ready step (P5): spin for up to WX_PAR_SPIN_NS, then 20 us
 * sleeps, so a block waiting behind a long step costs little CPU. No
 * sched_yield(): on a loaded machine it hands the CPU to another process
 * for a whole time slice, while a timed sleep comes back. `since` is 0
 * at the first wait of a series. */
#define WX_PAR_SPIN_NS 30000u
static void par_wait(uint32_t *round, uint64_t *since)
{
	uint32_t r = (*round)++;
	if (r == 0)
		*since = weir__now_ns();
	if (r < 64 || (r & 63) != 0 || weir__now_ns() - *since < WX_PAR_SPIN_NS) {
		weir_cpu_relax();
		return;
	}
	struct timespec ts = { 0, 20000 };
	nanosleep(&ts, NULL);
}

/* Steps started this run, all blocks (P5). Relaxed: counts; a stale one
 * only delays the exit by one more look at the list. */
static uint32_t par_started(const struct wx_par *P)
{
	uint32_t sum = 0;
	for (uint32_t b = 0; b < P->nblocks; b++)
		sum += weir_load_relaxed(&P->started[b].n);
	return sum;
}

/* Roots a block claims at once (P3): an eighth of the roots left per block,
 * at least 1 and at most WX_PAR_ROOT_CHUNK, so the blocks share the roots
 * evenly while a claim (a line transfer) is paid every few steps, not
 * every step. */
#define WX_PAR_ROOT_CHUNK 8u
static uint32_t par_root_chunk(uint32_t left, uint32_t nblocks)
{
	uint32_t c = left / (8 * nblocks);
	return c < 1 ? 1 : c > WX_PAR_ROOT_CHUNK ? WX_PAR_ROOT_CHUNK : c;
}

/* One block: a worker draining the run's ready list (P3-P6). */
static int par_task(void *args, uint32_t block, uint32_t nblocks)
{
	const struct par_args *a = args;
	weir_loaded_t *L = a->L;
	struct wx_par *P = L->par;
	if (!slots_current(L, a->want))
		return note_failure(L, WEIR_EABORTED);
	/* P1: a kernel whose start task was discarded (an abort racing the
	 * submission) must not run on the previous run's state. Relaxed:
	 * ordered by U, as below. */
	if (weir_load_relaxed(&P->run) != a->run)
		return note_failure(L, WEIR_EABORTED);
	/* Relaxed: written by par_start_task, ordered before this block by U. */
	const uint64_t tag = (uint64_t)weir_load_relaxed(&P->gen) << 32;
	const uint32_t n = P->n;
	WEIR_ASSERT(block < P->nblocks && nblocks <= P->nblocks,
	            "exec.c P5: a run has at most the blocks par_build counted");
	_Atomic uint32_t *mine = &P->started[block].n;
	uint32_t started = 0;    /* this block's count (P5), published in *mine */
	uint32_t rb = 0, re = 0; /* roots[rb, re): claimed here, not yet run (P3) */
	int rc = 0;
	uint32_t round = 0, s = UINT32_MAX;
	uint64_t since = 0;
	for (;;) {
		if (s == UINT32_MAX && rb < re)
			s = P->roots[rb++]; /* P3: the rest of this block's chunk */
		if (s == UINT32_MAX) {      /* nothing kept or claimed: the list */
			if (par_started(P) >= n)
				break;
			/* Relaxed: a stale head only makes the claim CAS fail. */
			uint32_t h = weir_load_relaxed(&P->head);
			uint32_t c = 1;
			if (h < P->nroots) {
				c = par_root_chunk(P->nroots - h, nblocks);
				s = P->roots[h];
			} else {
				/* PX-A1: acquire - the step's inputs (its
				 * predecessors' writes); pairs with PX-R1. */
				uint64_t v = h < n ? weir_load_acquire(&P->ready[h]) : 0;
				if ((v & ~(uint64_t)UINT32_MAX) != tag) {
					par_wait(&round, &since); /* not ready yet (P5) */
					continue;
				}
				s = (uint32_t)v;
			}
			/* Relaxed: the claim publishes nothing (PX-A1 took the
			 * data; roots need none: their inputs predate the run). */
			if (!weir_cas_relaxed(&P->head, &h, h + c)) {
				s = UINT32_MAX;
				continue;
			}
			/* Relaxed: P2, the slot is ours; the next run is
			 * ordered after this kernel by U. */
			if (h >= P->nroots)
				weir_store_relaxed(&P->ready[h], 0);
			else
				rb = h + 1, re = h + c; /* P3: the chunk's other roots */
			round = 0;
		}
		/* Relaxed: a count for the exit test (P5), nothing published;
		 * a store, not an RMW: this block is its only writer. */
		weir_store_relaxed(mine, ++started);
		struct wx_step *x = &L->steps[s];
		/* Relaxed: a skip hint (P6); the failure itself is in L->fail. */
		if (!weir_load_relaxed(&P->failed))
			for (uint32_t b = 0; b < x->nblocks; b++) {
				int r = x->fn(&x->call, b, x->nblocks);
				if (r) {
					weir_store_relaxed(&P->failed, true);
					if (!rc)
						rc = note_failure(L, r);
					break;
				}
			}
		uint32_t keep = UINT32_MAX;
		for (uint32_t k = P->succ_at[s]; k < P->succ_at[s + 1]; k++) {
			uint32_t t = P->succ[k];
			/* PX-AR2: acq_rel - releases this step's writes, and the
			 * last decrement acquires every predecessor's (release
			 * sequence on pending[t]); pairs with itself. */
			if (weir_fas_acqrel(&P->pending[t], 1) != 1)
				continue;
			/* Relaxed: P4, no one else touches it this run. */
			weir_store_relaxed(&P->pending[t], P->npred[t]);
			if (keep == UINT32_MAX) {
				keep = t; /* P3: run here next, never listed */
				continue;
			}
			/* Relaxed: the slot index only; PX-R1 publishes. */
			uint32_t k2 = weir_faa_relaxed(&P->tail, 1);
			WEIR_ASSERT(k2 < n, "exec.c P2: each step is pushed once per run");
			/* PX-R1: release - publishes t and its inputs; pairs with
			 * PX-A1. */
			weir_store_release(&P->ready[k2], tag | t);
		}
		s = keep;
	}
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Load / unload                                                              */
/* ------------------------------------------------------------------------ */

static uint32_t device_workers(weir_runtime_t *rt, uint32_t dev)
{
	weir_worker_stats_t st[64];
	uint32_t n = 64;
	if (weir_device_stats(rt, dev, st, &n) != WEIR_OK || n == 0)
		return 1;
	return n;
}

/* The inline executor's limit: a plan whose steps touch at most this many
 * bytes in all (inputs + outputs + workspaces) is too small for another
 * stream's hand-off (a wake-up and an event, microseconds) to pay. */
#define WX_INLINE_BYTES (256u << 10)

/* The mode at load (docs/graph.md, "Executor"): weir.exec.mode decides
 * when set; otherwise inline when every step is a single block (no kernel
 * large enough for the op to split it over the workers) and the plan either
 * has one stream or moves no more than WX_INLINE_BYTES, streams otherwise
 * (heavy independent branches). An AUTO inline plan times its first runs
 * and may move to parallel (choose_parallel()). */
static int choose_mode(const weir_plan_t *p, const struct wx_step *x)
{
	if (p->exec_mode != WC_EXEC_AUTO)
		return p->exec_mode == WC_EXEC_INLINE     ? WX_INLINE
		       : p->exec_mode == WC_EXEC_PARALLEL ? WX_PARALLEL
		                                          : WX_STREAMS;
	uint64_t bytes = 0; /* saturates at WX_INLINE_BYTES + 1: tensors may be huge */
	for (uint32_t i = 0; i < p->nsteps; i++) {
		const struct wc_step *s = &p->steps[i];
		if (x[i].nblocks > 1)
			return WX_STREAMS;
		for (uint32_t k = 0; k < s->nin + s->nout + (s->workspace >= 0); k++) {
			uint32_t t = k < s->nin             ? s->in[k]
			             : k < s->nin + s->nout ? s->out[k - s->nin]
			                                    : (uint32_t)s->workspace;
			uint64_t b = p->tensors[t].bytes;
			bytes = bytes > WX_INLINE_BYTES || b > WX_INLINE_BYTES - bytes
			                ? WX_INLINE_BYTES + 1
			                : bytes + b;
		}
	}
	return p->nstreams == 1 || bytes <= WX_INLINE_BYTES ? WX_INLINE : WX_STREAMS;
}

/* AUTO: inline runs time themselves (the first WX_PROBES of them); a plan
 * whose steps cost at least WX_PAR_STEP_NS each on average, WX_PAR_RUN_NS
 * in all, and whose DAG is at least 1.5 steps wide on average (steps /
 * longest path) moves to parallel, if the device has two workers or more.
 * Tiny steps stay inline: a parallel step costs a few cache-line hand-offs
 * (~0.2 us each on a 2-core VM), an inline one ~4 ns. */
#define WX_PROBES      2
#define WX_PAR_STEP_NS 1000u
#define WX_PAR_RUN_NS  20000u

static void choose_parallel(weir_loaded_t *L)
{
	/* Relaxed: a number written by a timed run (a lost one is harmless). */
	uint64_t ns = weir_load_relaxed(&L->probe_ns);
	if (!ns)
		return;
	weir_store_relaxed(&L->probe_ns, 0);
	if (L->nprobes == 0 || ns < L->probe_best)
		L->probe_best = ns;
	if (++L->nprobes < WX_PROBES)
		return;
	L->probing = false;
	const weir_plan_t *p = L->p;
	if (L->probe_best < WX_PAR_RUN_NS || L->probe_best / p->nsteps < WX_PAR_STEP_NS)
		return;
	struct wx_par *P = par_build(p, L->workers);
	if (P && (uint64_t)P->n * 2 >= (uint64_t)P->depth * 3) {
		L->par = P;
		L->mode = WX_PARALLEL;
	} else {
		par_destroy(P);
	}
}

/* The kernel of a step whose outputs are all empty. */
static int empty_kernel(const weir_op_call_t *call, uint32_t block, uint32_t nblocks)
{
	return 0;
}

/* Where a kernel finds tensor t; NULL for run I/O (patched per run). */
static void *tensor_ptr(weir_loaded_t *L, const struct wc_tensor *t)
{
	if (t->bytes == 0)
		return wx_empty; /* invariant 7: never NULL, never an arena */
	switch (t->kind) {
	case WC_CONST: return (char *)L->const_arena + t->offset;
	case WC_FEATURE:
	case WC_WORKSPACE: return (char *)L->feature_arena + t->offset;
	default: return NULL; /* patched per run */
	}
}

void weir__exec_unload(weir_loaded_t *L)
{
	if (!L)
		return;
	if (L->done && L->ran)
		weir_event_sync(L->done, WEIR_TIMEOUT_INFINITE);
	const weir_plan_t *p = L->p;
	for (uint32_t s = 1; L->streams && s < p->nstreams; s++)
		if (L->streams[s])
			weir_stream_destroy(L->streams[s]);
	if (L->own)
		weir_stream_destroy(L->own);
	for (uint32_t e = 0; L->events && e < p->nevents + p->nstreams; e++)
		if (L->events[e])
			weir_event_destroy(L->events[e]);
	if (L->done)
		weir_event_destroy(L->done);
	if (L->group)
		weir_group_destroy(L->group);
	if (L->const_arena)
		weir_mem_free(L->mem, L->const_arena);
	if (L->feature_arena)
		weir_mem_free(L->mem, L->feature_arena);
	for (uint32_t i = 0; L->steps && i < p->nsteps; i++) {
		weir__free(L->steps[i].in);
		weir__free(L->steps[i].out);
		weir__free(L->steps[i].in_desc);
		weir__free(L->steps[i].out_desc);
	}
	weir__free(L->steps);
	weir__free(L->patches);
	weir__free(L->patch_at);
	weir__free(L->streams);
	weir__free(L->events);
	weir__free(L->bound);
	par_destroy(L->par);
	pthread_mutex_destroy(&L->lock);
	weir__free(L);
}

int weir__exec_load(const weir_plan_t *p, weir_runtime_t *rt, weir_mem_t *mem, uint32_t dev,
                    weir_loaded_t **out)
{
	const char *gname = p->g->name;
	weir_loaded_t *L = weir__calloc(1, sizeof(*L));
	if (!L)
		return weir__graph_err(WEIR_ENOMEM, "graph '%s': out of memory loading", gname);
	pthread_mutex_init(&L->lock, NULL);
	L->p = p;
	L->rt = rt;
	L->mem = mem;
	L->dev = dev;
	L->nio = p->ninputs + p->noutputs;
	int rc;
	const char *what = "host memory";
	L->streams = weir__calloc(p->nstreams, sizeof(*L->streams));
	/* The plan's events, then one tail event per internal stream. */
	L->events = weir__calloc(p->nevents + p->nstreams, sizeof(*L->events));
	L->steps = weir__calloc(p->nsteps ? p->nsteps : 1, sizeof(*L->steps));
	L->bound = weir__calloc(L->nio ? L->nio : 1, sizeof(void *));
	if (!L->streams || !L->events || !L->steps || !L->bound) {
		rc = WEIR_ENOMEM;
		goto fail;
	}
	what = "device memory for the const arena";
	if (p->const_size &&
	    (rc = weir_mem_alloc(mem, dev, p->const_size, WEIR_MEM_HUGE_FIRST, &L->const_arena)))
		goto fail;
	what = "device memory for the feature arena";
	if (p->feature_size && (rc = weir_mem_alloc(mem, dev, p->feature_size, WEIR_MEM_HUGE_FIRST,
	                                            &L->feature_arena)))
		goto fail;
	for (uint32_t i = 0; i < p->ntensors; i++) {
		const struct wc_tensor *t = &p->tensors[i];
		if (t->kind == WC_CONST && t->bytes)
			memcpy((char *)L->const_arena + t->offset, t->const_src, t->bytes);
	}
	/* Pre-build every kernel call. */
	what = "host memory";
	uint32_t workers = device_workers(rt, dev);
	uint32_t npatch = 0, patch_cap = 0;
	for (uint32_t i = 0; i < p->nsteps; i++) {
		const struct wc_step *s = &p->steps[i];
		struct wx_step *x = &L->steps[i];
		x->in = weir__calloc(s->nin ? s->nin : 1, sizeof(void *));
		x->out = weir__calloc(s->nout, sizeof(void *));
		x->in_desc = weir__calloc(s->nin ? s->nin : 1, sizeof(weir_tensor_desc_t));
		x->out_desc = weir__calloc(s->nout, sizeof(weir_tensor_desc_t));
		if (!x->in || !x->out || !x->in_desc || !x->out_desc) {
			rc = WEIR_ENOMEM;
			goto fail;
		}
		for (uint32_t k = 0; k < s->nin + s->nout; k++) {
			bool isin = k < s->nin;
			const struct wc_tensor *t =
			        &p->tensors[isin ? s->in[k] : s->out[k - s->nin]];
			void **slot = isin ? (void **)&x->in[k] : &x->out[k - s->nin];
			if (isin)
				x->in_desc[k] = t->desc;
			else
				x->out_desc[k - s->nin] = t->desc;
			*slot = tensor_ptr(L, t);
			if ((t->kind == WC_INPUT || t->kind == WC_OUTPUT) && t->bytes) {
				if (npatch == patch_cap) {
					patch_cap = patch_cap ? patch_cap * 2 : 16;
					struct wx_patch *v =
					        weir__realloc(L->patches, patch_cap * sizeof(*v));
					if (!v) {
						rc = WEIR_ENOMEM;
						goto fail;
					}
					L->patches = v;
				}
				L->patches[npatch].slot = slot;
				L->patches[npatch].io =
				        t->kind == WC_INPUT ? t->io : p->ninputs + t->io;
				npatch++;
			}
		}
		x->fn = s->def->kernel;
		x->call.nin = s->nin;
		x->call.nout = s->nout;
		x->call.in = x->in;
		x->call.out = x->out;
		x->call.in_desc = x->in_desc;
		x->call.out_desc = x->out_desc;
		x->call.attrs = s->attrs;
		x->call.node_name = s->name;
		static const weir_attrs_t no_attrs;
		if (!x->call.attrs)
			x->call.attrs = &no_attrs;
		if (s->workspace >= 0) {
			const struct wc_tensor *w = &p->tensors[s->workspace];
			x->call.workspace = tensor_ptr(L, w);
			x->call.workspace_size = w->bytes;
		}
		/* Every output empty: nothing to compute, and a kernel could still
		 * walk a huge outer extent of an empty tensor ([0, 2^40] has 2^40
		 * empty rows), so the step runs nothing (invariant 7). */
		bool empty = true;
		for (uint32_t k = 0; k < s->nout && empty; k++)
			empty = p->tensors[s->out[k]].bytes == 0;
		if (empty) {
			x->fn = empty_kernel;
			x->nblocks = 1;
			continue;
		}
		weir_op_call_t probe = x->call;
		probe.in = NULL;
		probe.out = NULL;
		uint32_t nb = s->def->blocks ? s->def->blocks(&probe, workers) : 1;
		x->nblocks = nb == 0 ? 1 : nb > 1024 ? 1024 : nb;
	}
	L->npatches = npatch;
	/* Group the patches by I/O number (a bind task patches a range). */
	L->patch_at = weir__calloc(L->nio + 2, sizeof(uint32_t));
	struct wx_patch *sorted = weir__malloc((npatch ? npatch : 1) * sizeof(*sorted));
	if (!L->patch_at || !sorted) {
		weir__free(sorted);
		rc = WEIR_ENOMEM;
		goto fail;
	}
	for (uint32_t i = 0; i < npatch; i++)
		L->patch_at[L->patches[i].io + 2]++;
	for (uint32_t k = 0; k < L->nio; k++)
		L->patch_at[k + 2] += L->patch_at[k + 1];
	for (uint32_t i = 0; i < npatch; i++)
		sorted[L->patch_at[L->patches[i].io + 1]++] = L->patches[i];
	weir__free(L->patches);
	L->patches = sorted;
	L->nchunks = (uint32_t)((L->nio + BIND_CHUNK - 1) / BIND_CHUNK);
	L->workers = workers;
	L->mode = (uint8_t)choose_mode(p, L->steps);
	L->probing = p->exec_mode == WC_EXEC_AUTO && L->mode == WX_INLINE && workers > 1 &&
	             p->nsteps > 1;
	what = "host memory for the parallel executor";
	if (L->mode == WX_PARALLEL && !(L->par = par_build(p, workers))) {
		rc = WEIR_ENOMEM;
		goto fail;
	}
	what = "streams and events";
	if ((rc = weir_group_create(rt, dev, &L->group)))
		goto fail;
	for (uint32_t s = 1; L->mode == WX_STREAMS && s < p->nstreams; s++)
		if ((rc = weir_stream_create(L->group, WEIR_PRIORITY_HIGHEST, 0, &L->streams[s])))
			goto fail;
	if ((rc = weir_stream_create(L->group, WEIR_PRIORITY_HIGHEST, 0, &L->own)))
		goto fail;
	for (uint32_t e = 0; L->mode == WX_STREAMS && e < p->nevents + p->nstreams; e++)
		if (e != p->nevents && /* stream 0 (the caller's) has no tail */
		    (rc = weir_event_create(rt, dev, WEIR_EVENT_DEFAULT, &L->events[e])))
			goto fail;
	if ((rc = weir_event_create(rt, dev, WEIR_EVENT_DEFAULT, &L->done)))
		goto fail;
	/* Segments over the kernel steps (output copies stay separate). */
	for (uint32_t i = 0; i < p->nkernels;) {
		uint32_t j = i + 1;
		if (L->steps[i].nblocks == 1 && p->steps[i].record < 0)
			while (j < p->nkernels && L->steps[j].nblocks == 1 &&
			       p->steps[j].stream == p->steps[i].stream &&
			       p->steps[j].nwaits == 0) {
				bool last = p->steps[j].record >= 0;
				j++;
				if (last)
					break;
			}
		L->steps[i].seg = j - i;
		i = j;
	}
	for (uint32_t i = p->nkernels; i < p->nsteps; i++)
		L->steps[i].seg = 1;
	*out = L;
	return WEIR_OK;
fail:
	weir__exec_unload(L);
	return weir__graph_err(rc, "graph '%s': loading on device %u failed: %s (%s)", gname, dev,
	                       weir_strerror(rc), what);
}

const char *weir__exec_mode_name(weir_loaded_t *L)
{
	pthread_mutex_lock(&L->lock);
	int m = L->mode;
	pthread_mutex_unlock(&L->lock);
	return m == WX_INLINE ? "inline" : m == WX_PARALLEL ? "parallel" : "streams";
}

weir_stream_t *weir__exec_own_stream(weir_loaded_t *L)
{
	return L->own;
}

/* ------------------------------------------------------------------------ */
/* Run                                                                        */
/* ------------------------------------------------------------------------ */

int weir__exec_check_io(weir_loaded_t *L, const weir_tensor_t *in, uint32_t nin, weir_tensor_t *out,
                        uint32_t nout, bool *allocated)
{
	const weir_plan_t *p = L->p;
	const char *gname = p->g->name;
	char a[96], b[96];
	if (nin != p->ninputs || (nin && !in))
		return weir__graph_err(WEIR_EINVAL, "graph '%s' takes %u inputs, got %u", gname,
		                       p->ninputs, nin);
	if (nout != p->noutputs || !out)
		return weir__graph_err(WEIR_EINVAL, "graph '%s' has %u outputs, got room for %u",
		                       gname, p->noutputs, nout);
	for (uint32_t i = 0; i < nin; i++) {
		const struct wc_tensor *t = &p->tensors[p->input_tensor[i]];
		if (!weir_tensor_desc_equal(&in[i].desc, &t->desc))
			return weir__graph_err(
			        WEIR_ESHAPE,
			        "graph '%s': input %u is %s but Data node '%s' expects %s", gname,
			        i, weir_tensor_desc_str(&in[i].desc, a, sizeof(a)), t->name,
			        weir_tensor_desc_str(&t->desc, b, sizeof(b)));
		if (in[i].size < t->bytes || (!in[i].data && t->bytes))
			return weir__graph_err(WEIR_ESHAPE,
			                       "graph '%s': input %u (Data node '%s') has %zu "
			                       "bytes at %p, needs %llu",
			                       gname, i, t->name, in[i].size, in[i].data,
			                       (unsigned long long)t->bytes);
	}
	for (uint32_t j = 0; j < nout; j++) {
		const struct wc_tensor *t = &p->tensors[p->output_tensor[j]];
		allocated[j] = false;
		if (out[j].data && out[j].size) {
			if (out[j].size < t->bytes)
				return weir__graph_err(
				        WEIR_ESHAPE,
				        "graph '%s': output %u (%s) has %zu bytes, needs %llu",
				        gname, j, weir_tensor_desc_str(&t->desc, a, sizeof(a)),
				        out[j].size, (unsigned long long)t->bytes);
			out[j].desc = t->desc;
		}
	}
	for (uint32_t j = 0; j < nout; j++) {
		if (out[j].data && out[j].size)
			continue;
		const struct wc_tensor *t = &p->tensors[p->output_tensor[j]];
		void *q;
		int rc = weir_mem_alloc(L->mem, L->dev, t->bytes ? t->bytes : 1,
		                        WEIR_MEM_HUGE_FIRST, &q);
		if (rc) {
			for (uint32_t k = 0; k < j; k++)
				if (allocated[k]) {
					weir_mem_free(L->mem, out[k].data);
					out[k].data = NULL;
					out[k].size = 0;
					allocated[k] = false;
				}
			return weir__graph_err(rc,
			                       "graph '%s': allocating output %u (%llu bytes) on "
			                       "device %u failed: %s",
			                       gname, j, (unsigned long long)t->bytes, L->dev,
			                       weir_strerror(rc));
		}
		out[j].data = q;
		out[j].size = t->bytes;
		out[j].desc = t->desc;
		allocated[j] = true;
	}
	return WEIR_OK;
}

/* The streams part of a run: fork, every step on its stream with its waits
 * and records, U waits the joins (and runs the output copies). */
static int submit_streams(weir_loaded_t *L, weir_stream_t *U, bool join_tails)
{
	const weir_plan_t *p = L->p;
	int rc;
	if (p->fork_event >= 0 && (rc = weir_event_record(L->events[p->fork_event], U)))
		return rc;
	for (uint32_t i = 0; i < p->nsteps; i++) {
		if (i == p->nkernels)
			for (uint32_t j = 0; j < p->njoins; j++)
				if ((rc = weir_stream_wait_event(U, L->events[p->joins[j].event])))
					return rc;
		const struct wc_step *s = &p->steps[i];
		uint32_t n = L->steps[i].seg;
		if (n == 0)
			continue; /* runs inside an earlier segment */
		weir_stream_t *st = s->stream ? L->streams[s->stream] : U;
		for (uint32_t k = 0; k < s->nwaits; k++)
			if ((rc = weir_stream_wait_event(st, L->events[s->waits[k]])))
				return rc;
		if (n > 1) {
			struct seg_args ga = { L, i, n, L->want };
			rc = weir_launch(st, seg_task, &ga, sizeof(ga), 1, 0);
		} else {
			struct step_args sa = { &L->steps[i], L, L->want };
			rc = weir_launch(st, step_task, &sa, sizeof(sa), L->steps[i].nblocks, 0);
		}
		if (rc)
			return rc;
		const struct wc_step *e = &p->steps[i + n - 1];
		if (e->record >= 0 && (rc = weir_event_record(L->events[e->record], st)))
			return rc;
	}
	if (p->nsteps == p->nkernels)
		for (uint32_t j = 0; j < p->njoins; j++)
			if ((rc = weir_stream_wait_event(U, L->events[p->joins[j].event])))
				return rc;
	/* Tails: the next run waits for these (invariant 1). */
	for (uint32_t s = 1; s < p->nstreams; s++)
		if ((rc = weir_event_record(L->events[p->nevents + s], L->streams[s])))
			return rc;
	/* A captured run joins every internal stream back into U now (the
	 * capture's end requires it, sched/capture.c C5), so a replay's
	 * completion on U covers its internal streams too. */
	for (uint32_t s = 1; join_tails && s < p->nstreams; s++)
		if ((rc = weir_stream_wait_event(U, L->events[p->nevents + s])))
			return rc;
	return WEIR_OK;
}

/* Run I/O number io's buffer. */
static void *io_ptr(const weir_plan_t *p, const weir_tensor_t *in, const weir_tensor_t *out,
                    uint32_t io)
{
	return io < p->ninputs ? in[io].data : out[io - p->ninputs].data;
}

/* Bind every I/O slot to this run's buffers: L->nchunks tasks on U, the
 * pointers in their own argument blocks (invariants 3, 5 and 6). */
static int submit_bind(weir_loaded_t *L, weir_stream_t *U, const weir_tensor_t *in,
                       const weir_tensor_t *out)
{
	const weir_plan_t *p = L->p;
	uint32_t gen = L->gen + 1 ? L->gen + 1 : 1; /* 0: never bound */
	L->bound_valid = false;
#ifdef WEIR_BUSTED_BIND_EARLY_FREE
	/* Planted bug (testing the tests): the shadow is copied from the heap
	 * array the bind task frees (see busted_bind_task()). */
	(void)bind_task; /* not used by the planted variant */
	struct busted_bind_args ba = { .L = L, .gen = gen };
	ba.heap = weir__malloc(L->nio * sizeof(void *));
	if (!ba.heap)
		return WEIR_ENOMEM;
	for (uint32_t io = 0; io < L->nio; io++)
		ba.heap[io] = io_ptr(p, in, out, io);
	int rc = weir_launch(U, busted_bind_task, &ba, sizeof(ba), 1, 0);
	if (rc) {
		weir__free(ba.heap);
		return rc;
	}
	memcpy(L->bound, ba.heap, L->nio * sizeof(void *));
#else
	for (uint32_t first = 0; first < L->nio; first += (uint32_t)BIND_CHUNK) {
		struct bind_args ba = { .L = L, .first = first, .gen = gen };
		uint32_t n = L->nio - first < BIND_CHUNK ? L->nio - first : (uint32_t)BIND_CHUNK;
		for (uint32_t k = 0; k < n; k++)
			ba.ptrs[k] = io_ptr(p, in, out, first + k);
		int rc = weir_launch(U, bind_task, &ba, sizeof(ba), 1, 0);
		if (rc)
			return rc;
		/* The host's shadow comes from its own copy; the task has its own. */
		memcpy(&L->bound[first], ba.ptrs, n * sizeof(void *));
	}
#endif
	WEIR_ASSERT(gen != 0 && gen != L->gen,
	            "exec.c inv 6: each bind has a new generation, never 0");
	L->gen = gen;
	L->want = BIND_PROG(gen, L->nchunks);
	L->bound_valid = true;
	return WEIR_OK;
}

/* Queue one run on U. *queued: some task of the run may be queued (then the
 * run's `done` is recorded even when a later step fails, invariant 5, and
 * *done_ok says whether that record was queued). */
static int submit(weir_loaded_t *L, weir_stream_t *U, const weir_tensor_t *in,
                  const weir_tensor_t *out, weir_run_callback_fn cb, void *user, bool *queued,
                  bool *done_ok)
{
	const weir_plan_t *p = L->p;
	int rc;
	*queued = *done_ok = false;
	/* The callback record first, so running out of memory queues nothing. */
	struct cb_rec *r = NULL;
	if (cb) {
		r = weir__malloc(sizeof(*r) + p->noutputs * sizeof(weir_tensor_t));
		if (!r)
			return WEIR_ENOMEM;
		r->L = L;
		r->cb = cb;
		r->user = user;
		r->nout = p->noutputs;
		memcpy(r->outs, out, p->noutputs * sizeof(weir_tensor_t));
	}
	/* Invariant 6: rebind everything when U is not the previous run's
	 * stream, when U discarded tasks since then (an abort or a STOP may
	 * have dropped a bind), or when a task found the slots stale. Read
	 * before this run queues anything, so a later discard of this run's
	 * bind shows at the next run. */
	weir_stream_stats_t ss;
	uint64_t discarded = weir_stream_stats(U, &ss) == WEIR_OK ? ss.discarded : UINT64_MAX;
	/* Relaxed: a hint (see slots_current()); clearing it before this
	 * run's bind is queued cannot hide a later stale finding. */
	bool stale = weir_load_relaxed(&L->rebind);
	if (stale)
		weir_store_relaxed(&L->rebind, false);
	/* A run recorded by a capture (sched/capture.c) binds its own buffers
	 * at every replay, behind the host's back: from then on the shadow
	 * `bound` cannot be trusted, so every run binds (invariant 6). */
	int cst = WEIR_CAPTURE_NONE;
	bool capturing = weir_capture_status(U, &cst, NULL) == WEIR_OK && cst != WEIR_CAPTURE_NONE;
#ifndef WEIR_BUSTED_CAPTURED_NO_REBIND
	if (capturing)
		L->captured = true;
#endif
	if (L->probing)
		choose_parallel(L); /* AUTO: inline -> parallel, between two runs */
	bool same = L->bound_valid && !cb && !stale && !L->captured && L->last_stream == U &&
	            discarded == L->discarded;
	if (L->ran && L->last_stream != U && (rc = weir_stream_wait_event(U, L->done))) {
		weir__free(r);
		return rc;
	}
	*queued = true;
	L->discarded = discarded;
	/* Invariant 1 without trusting U: the previous run's internal streams
	 * are done (its joins on U may have been discarded). */
	for (uint32_t s = 1; L->mode == WX_STREAMS && s < p->nstreams; s++)
		if ((rc = weir_stream_wait_event(U, L->events[p->nevents + s])))
			goto record_done;
	/* Bind the caller's buffers if they differ from the last bound ones. */
	for (uint32_t io = 0; io < L->nio && same; io++)
		same = L->bound[io] == io_ptr(p, in, out, io);
	rc = same ? WEIR_OK : submit_bind(L, U, in, out);
	if (!rc && L->mode == WX_INLINE) {
		struct inline_args ia = { L, L->want, L->probing };
		rc = weir_launch(U, inline_task, &ia, sizeof(ia), 1, 0);
	} else if (!rc && L->mode == WX_PARALLEL) {
		struct par_args pa = { L, L->want, ++L->par_runs };
		rc = weir_launch(U, par_start_task, &pa, sizeof(pa), 1, 0);
		if (!rc)
			rc = weir_launch(U, par_task, &pa, sizeof(pa), L->workers, 0);
	} else if (!rc) {
		rc = submit_streams(L, U, capturing);
	}
	if (!rc && cb) {
		rc = weir_launch_host(U, callback_task, r);
		if (!rc)
			r = NULL; /* the host task owns it now */
	} else if (!rc && L->mode == WX_STREAMS && p->nstreams > 1) {
		struct finish_args fa = { L };
		rc = weir_launch(U, finish_task, &fa, sizeof(fa), 1, 0);
	}
record_done:
	weir__free(r);
	/* Even a run that failed part-way ends with `done`, so that unload
	 * waits for whatever of it was queued. */
	int drc = weir_event_record(L->done, U);
	if (!drc) {
		*done_ok = true;
		L->ran = true;
		L->last_stream = U;
	}
	return rc ? rc : drc;
}

/* A run failed after queuing tasks: wait until none of them can still touch
 * its buffers (the outputs weir allocated for it are about to be freed). */
static void wait_partial_run(weir_loaded_t *L, weir_stream_t *U, bool done_ok)
{
	if (done_ok)
		weir_event_sync(L->done, WEIR_TIMEOUT_INFINITE);
	else
		weir_stream_sync(U, WEIR_TIMEOUT_INFINITE);
	if (L->mode == WX_STREAMS)
		weir_group_sync(L->group, WEIR_TIMEOUT_INFINITE); /* the internal streams */
}

int weir__exec_run(weir_loaded_t *L, weir_stream_t *U, const weir_tensor_t *in, uint32_t nin,
                   weir_tensor_t *out, uint32_t nout, weir_run_callback_fn cb, void *user)
{
	const char *gname = L->p->g->name;
	if (!U)
		U = L->own;
	uint32_t sdev;
	int rc = weir_stream_device(U, &sdev);
	if (rc)
		return weir__graph_err(rc, "graph '%s': bad run stream: %s", gname,
		                       weir_strerror(rc));
	if (sdev != L->dev)
		return weir__graph_err(
		        WEIR_EFOREIGN,
		        "graph '%s' is loaded on device %u but the run stream is on device %u",
		        gname, L->dev, sdev);
	bool alloc_small[16];
	bool *allocated = nout <= 16 ? alloc_small : weir__calloc(nout, sizeof(bool));
	if (!allocated)
		return weir__graph_err(WEIR_ENOMEM, "graph '%s': out of memory", gname);
	for (uint32_t j = 0; j < nout; j++)
		allocated[j] = false;
	bool queued = false, done_ok = false, any_alloc = false;
	pthread_mutex_lock(&L->lock);
	rc = weir__exec_check_io(L, in, nin, out, nout, allocated);
	if (!rc) {
		rc = submit(L, U, in, out, cb, user, &queued, &done_ok);
		if (rc) {
			L->bound_valid = false;
			for (uint32_t j = 0; j < nout; j++)
				any_alloc |= allocated[j];
			if (queued && any_alloc)
				wait_partial_run(L, U, done_ok);
			weir__graph_err(rc, "graph '%s': launching the run failed: %s", gname,
			                weir_strerror(rc));
		}
	}
	pthread_mutex_unlock(&L->lock);
	if (rc)
		for (uint32_t j = 0; j < nout; j++)
			if (allocated[j]) {
				weir_mem_free(L->mem, out[j].data);
				out[j].data = NULL;
				out[j].size = 0;
			}
	if (allocated != alloc_small)
		weir__free(allocated);
	return rc;
}
