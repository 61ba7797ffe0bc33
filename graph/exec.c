/*
 * graph/exec.c - the executor: load ("sink") a plan, launch runs.
 *
 * Two ways to run a loaded plan, chosen once at load (choose_inline(); the
 * policy is in docs/graph.md, "Executor"):
 *  - inline: the whole plan is ONE task on the caller's stream U that calls
 *    every step in submission order (a topological order of the plan's
 *    happens-before, compile.c invariant 1, so every dependency and every
 *    memory-reuse decision of the plan holds). A run is then
 *      U: [wait done] [bind] inline task; [host callback]; record done
 *    and no internal stream or event is created or used.
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
 *     cover every stream).
 *  2. Hence the patch slots (kernel I/O pointers) and the fail code are
 *     written by tasks of one run only after every task of the previous run
 *     that read them has finished (T fields need no atomics, except `fail`,
 *     which blocks of one kernel may set concurrently).
 *  3. The host shadow `bound` equals what the latest submitted bind wrote.
 *  4. An inline run is one task on U, so (1) and (2) hold by U's order
 *     alone: the run's steps happen after its bind and before its done
 *     record, and the next run's first task is ordered after done.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "graph/exec.h"
#include "graph/graph_internal.h"
#include "sched/alloc.h"
#include "sched/atomic.h"

struct wx_step {
	weir_op_call_t call;             /* I (pointer arrays below are T for I/O slots) */
	const void **in;                 /* T: I/O slots patched by bind */
	void **out;                      /* T */
	weir_op_kernel_fn fn;            /* I */
	uint32_t nblocks;                /* I */
	uint32_t seg;                    /* I: steps in the segment starting here (0: inside one) */
	weir_tensor_desc_t *in_desc, *out_desc;   /* I */
};

struct wx_patch { void **slot; uint32_t io; };

struct weir_loaded {
	const weir_plan_t *p;            /* I */
	weir_runtime_t *rt;              /* I */
	weir_mem_t *mem;                 /* I */
	uint32_t dev;                    /* I */
	void *const_arena, *feature_arena;   /* I */
	weir_group_t *group;             /* I */
	weir_stream_t **streams;         /* I: [0] unused (the caller's stream) */
	weir_stream_t *own;              /* I: sync / callback runs */
	weir_event_t **events;           /* I */
	weir_event_t *done;              /* I */
	struct wx_step *steps;           /* I */
	struct wx_patch *patches;        /* I */
	uint32_t npatches;               /* I */
	uint32_t nio;                    /* I: ninputs + noutputs */
	pthread_mutex_t lock;
	void **bound;                    /* L */
	bool bound_valid;                /* L */
	bool ran;                        /* L */
	weir_stream_t *last_stream;      /* L */
	bool inline_run;                 /* I: one task per run (see the top) */
	_Atomic int fail;                /* A: first kernel failure of the current run */
};

/* ------------------------------------------------------------------------ */
/* Tasks                                                                      */
/* ------------------------------------------------------------------------ */

struct step_args { struct wx_step *st; weir_loaded_t *L; };

static int step_task(void *args, uint32_t block, uint32_t nblocks)
{
	const struct step_args *a = args;
	int rc = a->st->fn(&a->st->call, block, nblocks);
	if (rc) {
		int zero = 0;
		/* R2: release - keeps the first failure of the run; pairs with A2
		 * in finish_task()/callback_task() (also ordered by the joins). */
		weir_cas_strong_acqrel(&a->L->fail, &zero, rc);
	}
	return rc;
}

/* A segment: consecutive steps of one stream in submission order, all with
 * one block, waits only before the first and a record only after the last,
 * run by one task (the "sunk" task list: one launch instead of many). */
struct seg_args { weir_loaded_t *L; uint32_t first, count; };

static int seg_task(void *args, uint32_t block, uint32_t nblocks)
{
	const struct seg_args *a = args;
	for (uint32_t i = 0; i < a->count; i++) {
		struct step_args sa = { &a->L->steps[a->first + i], a->L };
		int rc = step_task(&sa, 0, 1);
		if (rc)
			return rc;
	}
	return 0;
}

/* The inline executor: every step of the plan in submission order, each
 * step's blocks one after the other, in one task (invariant 4). */
struct inline_args { weir_loaded_t *L; };

static int inline_task(void *args, uint32_t block, uint32_t nblocks)
{
	weir_loaded_t *L = ((const struct inline_args *)args)->L;
	struct wx_step *x = L->steps, *end = x + L->p->nsteps;
	/* Relaxed: a new run starts; ordered after the previous run by U's
	 * order (invariant 4). */
	weir_store_relaxed(&L->fail, 0);
	for (; x < end; x++)
		for (uint32_t b = 0; b < x->nblocks; b++) {
			int rc = x->fn(&x->call, b, x->nblocks);
			if (rc) {
				int zero = 0;
				/* R2: release - as in step_task(). */
				weir_cas_strong_acqrel(&L->fail, &zero, rc);
				return rc;
			}
		}
	return 0;
}

#define BIND_INLINE 8
struct bind_args {
	weir_loaded_t *L;
	void **heap;                     /* NULL: pointers are inline */
	void *ptrs[BIND_INLINE];
};

static int bind_task(void *args, uint32_t block, uint32_t nblocks)
{
	const struct bind_args *a = args;
	weir_loaded_t *L = a->L;
	void *const *ptrs = a->heap ? a->heap : a->ptrs;
	for (uint32_t i = 0; i < L->npatches; i++)
		*L->patches[i].slot = ptrs[L->patches[i].io];
	/* Relaxed: a new run starts; ordered after the previous run's tasks by
	 * invariant 1 (stream order / events carry the happens-before). */
	weir_store_relaxed(&L->fail, 0);
	weir__free(a->heap);
	return 0;
}

struct finish_args { weir_loaded_t *L; };

static int finish_task(void *args, uint32_t block, uint32_t nblocks)
{
	const struct finish_args *a = args;
	/* A2: acquire - takes the run's failure; pairs with R2. */
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
	/* A2: acquire - pairs with R2. */
	int st = weir_xchg_acqrel(&r->L->fail, 0);
	r->cb(st, r->outs, r->nout, r->user);
	weir__free(r);
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

/* Inline (one task) or streams, once per load (docs/graph.md, "Executor"):
 * weir.exec.mode decides when set; otherwise inline when every step is a
 * single block (no kernel large enough for the op to split it over the
 * workers) and the plan either has one stream or moves no more than
 * WX_INLINE_BYTES, streams otherwise (heavy independent branches). */
static bool choose_inline(const weir_plan_t *p, const struct wx_step *x)
{
	if (p->exec_mode != WC_EXEC_AUTO)
		return p->exec_mode == WC_EXEC_INLINE;
	uint64_t bytes = 0;
	for (uint32_t i = 0; i < p->nsteps; i++) {
		const struct wc_step *s = &p->steps[i];
		if (x[i].nblocks > 1)
			return false;
		for (uint32_t k = 0; k < s->nin; k++)
			bytes += p->tensors[s->in[k]].bytes;
		for (uint32_t k = 0; k < s->nout; k++)
			bytes += p->tensors[s->out[k]].bytes;
		if (s->workspace >= 0)
			bytes += p->tensors[s->workspace].bytes;
	}
	return p->nstreams == 1 || bytes <= WX_INLINE_BYTES;
}

static void *tensor_ptr(weir_loaded_t *L, const struct wc_tensor *t)
{
	switch (t->kind) {
	case WC_CONST: return (char *)L->const_arena + t->offset;
	case WC_FEATURE:
	case WC_WORKSPACE: return (char *)L->feature_arena + t->offset;
	default: return NULL;    /* patched per run */
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
	for (uint32_t e = 0; L->events && e < p->nevents; e++)
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
	weir__free(L->streams);
	weir__free(L->events);
	weir__free(L->bound);
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
	L->events = weir__calloc(p->nevents ? p->nevents : 1, sizeof(*L->events));
	L->steps = weir__calloc(p->nsteps ? p->nsteps : 1, sizeof(*L->steps));
	L->bound = weir__calloc(L->nio ? L->nio : 1, sizeof(void *));
	if (!L->streams || !L->events || !L->steps || !L->bound) {
		rc = WEIR_ENOMEM;
		goto fail;
	}
	what = "device memory for the const arena";
	if (p->const_size && (rc = weir_mem_alloc(mem, dev, p->const_size, WEIR_MEM_HUGE_FIRST, &L->const_arena)))
		goto fail;
	what = "device memory for the feature arena";
	if (p->feature_size && (rc = weir_mem_alloc(mem, dev, p->feature_size, WEIR_MEM_HUGE_FIRST, &L->feature_arena)))
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
			const struct wc_tensor *t = &p->tensors[isin ? s->in[k] : s->out[k - s->nin]];
			void **slot = isin ? (void **)&x->in[k] : &x->out[k - s->nin];
			if (isin)
				x->in_desc[k] = t->desc;
			else
				x->out_desc[k - s->nin] = t->desc;
			*slot = tensor_ptr(L, t);
			if (t->kind == WC_INPUT || t->kind == WC_OUTPUT) {
				if (npatch == patch_cap) {
					patch_cap = patch_cap ? patch_cap * 2 : 16;
					struct wx_patch *v = weir__realloc(L->patches, patch_cap * sizeof(*v));
					if (!v) {
						rc = WEIR_ENOMEM;
						goto fail;
					}
					L->patches = v;
				}
				L->patches[npatch].slot = slot;
				L->patches[npatch].io = t->kind == WC_INPUT ? t->io : p->ninputs + t->io;
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
		weir_op_call_t probe = x->call;
		probe.in = NULL;
		probe.out = NULL;
		uint32_t nb = s->def->blocks ? s->def->blocks(&probe, workers) : 1;
		x->nblocks = nb == 0 ? 1 : nb > 1024 ? 1024 : nb;
	}
	L->npatches = npatch;
	L->inline_run = choose_inline(p, L->steps);
	what = "streams and events";
	if ((rc = weir_group_create(rt, dev, &L->group)))
		goto fail;
	for (uint32_t s = 1; !L->inline_run && s < p->nstreams; s++)
		if ((rc = weir_stream_create(L->group, WEIR_PRIORITY_HIGHEST, 0, &L->streams[s])))
			goto fail;
	if ((rc = weir_stream_create(L->group, WEIR_PRIORITY_HIGHEST, 0, &L->own)))
		goto fail;
	for (uint32_t e = 0; !L->inline_run && e < p->nevents; e++)
		if ((rc = weir_event_create(rt, dev, WEIR_EVENT_DEFAULT, &L->events[e])))
			goto fail;
	if ((rc = weir_event_create(rt, dev, WEIR_EVENT_DEFAULT, &L->done)))
		goto fail;
	/* Segments over the kernel steps (output copies stay separate). */
	for (uint32_t i = 0; i < p->nkernels;) {
		uint32_t j = i + 1;
		if (L->steps[i].nblocks == 1 && p->steps[i].record < 0)
			while (j < p->nkernels && L->steps[j].nblocks == 1 &&
			       p->steps[j].stream == p->steps[i].stream && p->steps[j].nwaits == 0) {
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

weir_stream_t *weir__exec_own_stream(weir_loaded_t *L) { return L->own; }

/* ------------------------------------------------------------------------ */
/* Run                                                                        */
/* ------------------------------------------------------------------------ */

int weir__exec_check_io(weir_loaded_t *L, const weir_tensor_t *in, uint32_t nin,
                        weir_tensor_t *out, uint32_t nout, bool *allocated)
{
	const weir_plan_t *p = L->p;
	const char *gname = p->g->name;
	char a[96], b[96];
	if (nin != p->ninputs || (nin && !in))
		return weir__graph_err(WEIR_EINVAL, "graph '%s' takes %u inputs, got %u", gname, p->ninputs, nin);
	if (nout != p->noutputs || !out)
		return weir__graph_err(WEIR_EINVAL, "graph '%s' has %u outputs, got room for %u", gname,
		                       p->noutputs, nout);
	for (uint32_t i = 0; i < nin; i++) {
		const struct wc_tensor *t = &p->tensors[p->input_tensor[i]];
		if (!weir_tensor_desc_equal(&in[i].desc, &t->desc))
			return weir__graph_err(WEIR_ESHAPE, "graph '%s': input %u is %s but Data node '%s' expects %s",
			                       gname, i, weir_tensor_desc_str(&in[i].desc, a, sizeof(a)), t->name,
			                       weir_tensor_desc_str(&t->desc, b, sizeof(b)));
		if (in[i].size < t->bytes || (!in[i].data && t->bytes))
			return weir__graph_err(WEIR_ESHAPE, "graph '%s': input %u (Data node '%s') has %zu bytes at %p, needs %llu",
			                       gname, i, t->name, in[i].size, in[i].data, (unsigned long long)t->bytes);
	}
	for (uint32_t j = 0; j < nout; j++) {
		const struct wc_tensor *t = &p->tensors[p->output_tensor[j]];
		allocated[j] = false;
		if (out[j].data && out[j].size) {
			if (out[j].size < t->bytes)
				return weir__graph_err(WEIR_ESHAPE, "graph '%s': output %u (%s) has %zu bytes, needs %llu",
				                       gname, j, weir_tensor_desc_str(&t->desc, a, sizeof(a)), out[j].size,
				                       (unsigned long long)t->bytes);
			out[j].desc = t->desc;
		}
	}
	for (uint32_t j = 0; j < nout; j++) {
		if (out[j].data && out[j].size)
			continue;
		const struct wc_tensor *t = &p->tensors[p->output_tensor[j]];
		void *q;
		int rc = weir_mem_alloc(L->mem, L->dev, t->bytes ? t->bytes : 1, WEIR_MEM_HUGE_FIRST, &q);
		if (rc) {
			for (uint32_t k = 0; k < j; k++)
				if (allocated[k]) {
					weir_mem_free(L->mem, out[k].data);
					out[k].data = NULL;
					out[k].size = 0;
					allocated[k] = false;
				}
			return weir__graph_err(rc, "graph '%s': allocating output %u (%llu bytes) on device %u failed: %s",
			                       gname, j, (unsigned long long)t->bytes, L->dev, weir_strerror(rc));
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
static int submit_streams(weir_loaded_t *L, weir_stream_t *U)
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
			continue;   /* runs inside an earlier segment */
		weir_stream_t *st = s->stream ? L->streams[s->stream] : U;
		for (uint32_t k = 0; k < s->nwaits; k++)
			if ((rc = weir_stream_wait_event(st, L->events[s->waits[k]])))
				return rc;
		if (n > 1) {
			struct seg_args ga = { L, i, n };
			rc = weir_launch(st, seg_task, &ga, sizeof(ga), 1, 0);
		} else {
			struct step_args sa = { &L->steps[i], L };
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
	return WEIR_OK;
}

static int submit(weir_loaded_t *L, weir_stream_t *U, const weir_tensor_t *in,
                  const weir_tensor_t *out, weir_run_callback_fn cb, void *user)
{
	const weir_plan_t *p = L->p;
	int rc;
	if (L->ran && L->last_stream != U && (rc = weir_stream_wait_event(U, L->done)))
		return rc;
	/* Bind the caller's buffers if they differ from the last bound ones. */
	bool same = L->bound_valid && !cb;
	for (uint32_t i = 0; i < p->ninputs && same; i++)
		same = L->bound[i] == in[i].data;
	for (uint32_t j = 0; j < p->noutputs && same; j++)
		same = L->bound[p->ninputs + j] == out[j].data;
	if (!same) {
		struct bind_args ba = { .L = L };
		void **ptrs = ba.ptrs;
		if (L->nio > BIND_INLINE) {
			ba.heap = weir__malloc(L->nio * sizeof(void *));
			if (!ba.heap)
				return WEIR_ENOMEM;
			ptrs = ba.heap;
		}
		for (uint32_t i = 0; i < p->ninputs; i++)
			ptrs[i] = in[i].data;
		for (uint32_t j = 0; j < p->noutputs; j++)
			ptrs[p->ninputs + j] = out[j].data;
		L->bound_valid = false;
		if ((rc = weir_launch(U, bind_task, &ba, sizeof(ba), 1, 0))) {
			weir__free(ba.heap);
			return rc;
		}
		memcpy(L->bound, ptrs, L->nio * sizeof(void *));
		L->bound_valid = true;
	}
	L->ran = true;
	L->last_stream = U;
	if (L->inline_run) {
		struct inline_args ia = { L };
		if ((rc = weir_launch(U, inline_task, &ia, sizeof(ia), 1, 0)))
			return rc;
	} else if ((rc = submit_streams(L, U))) {
		return rc;
	}
	if (cb) {
		struct cb_rec *r = weir__malloc(sizeof(*r) + p->noutputs * sizeof(weir_tensor_t));
		if (!r)
			return WEIR_ENOMEM;
		r->L = L;
		r->cb = cb;
		r->user = user;
		r->nout = p->noutputs;
		memcpy(r->outs, out, p->noutputs * sizeof(weir_tensor_t));
		if ((rc = weir_launch_host(U, callback_task, r))) {
			weir__free(r);
			return rc;
		}
	} else if (!L->inline_run && p->nstreams > 1) {
		struct finish_args fa = { L };
		if ((rc = weir_launch(U, finish_task, &fa, sizeof(fa), 1, 0)))
			return rc;
	}
	return weir_event_record(L->done, U);
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
		return weir__graph_err(rc, "graph '%s': bad run stream: %s", gname, weir_strerror(rc));
	if (sdev != L->dev)
		return weir__graph_err(WEIR_EFOREIGN, "graph '%s' is loaded on device %u but the run stream is on device %u",
		                       gname, L->dev, sdev);
	bool alloc_small[16];
	bool *allocated = nout <= 16 ? alloc_small : weir__calloc(nout, sizeof(bool));
	if (!allocated)
		return weir__graph_err(WEIR_ENOMEM, "graph '%s': out of memory", gname);
	pthread_mutex_lock(&L->lock);
	rc = weir__exec_check_io(L, in, nin, out, nout, allocated);
	if (!rc) {
		rc = submit(L, U, in, out, cb, user);
		if (rc) {
			L->bound_valid = false;
			weir__graph_err(rc, "graph '%s': launching the run failed: %s", gname, weir_strerror(rc));
		}
	}
	pthread_mutex_unlock(&L->lock);
	if (rc && rc != WEIR_EINVAL && rc != WEIR_ESHAPE)
		for (uint32_t j = 0; j < nout; j++)
			if (allocated[j]) {
				/* Nothing of this run may still use it only if no task was
				 * queued; wait for the stream first to be safe. */
				weir_stream_sync(U, WEIR_TIMEOUT_INFINITE);
				weir_mem_free(L->mem, out[j].data);
				out[j].data = NULL;
				out[j].size = 0;
			}
	if (allocated != alloc_small)
		weir__free(allocated);
	return rc;
}
