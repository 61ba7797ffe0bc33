/*
 * bench/bench_graph.c - S6: cost per node of re-running a loaded graph,
 * against a oneTBB flow graph and libgomp tasks with depend clauses running
 * the same DAG with the same per-node work (out = 1 + sum of inputs, one
 * float), on five shapes of ~256 nodes: a chain, a binary reduction tree, a
 * 16x16 wavefront grid, a random DAG (each node reads up to two of the 16
 * nodes before it, fixed seed) and independent nodes (all read the input).
 * Also the compile + load cost per node, and R2 (issue 13): a captured
 * session run of a 2-layer MLP replayed (weir_ri_replay) against the same
 * run submitted through the session each time, on the same stream; the
 * replay's output is checked bit for bit against a session run's.
 *
 * What one iteration is, on each side (each pays its own launch and wait):
 *  - weir: RunGraphWithStreamAsync on a user stream, then synchronize that
 *    stream (WEIR_STREAM_FAST_SYNC), from the bench's main thread;
 *  - TBB: try_put to the roots + wait_for_all, inside a task_arena;
 *  - gomp: one task per node with depend clauses + taskwait.
 * Threads: the same number T = usable CPUs in total on every side, the
 * main thread included: TBB's arena has T slots (the main thread and T - 1
 * TBB workers), gomp's parallel region T threads, and weir's device
 * max(1, T - 1) workers plus the main thread, which submits and waits.
 * (With T workers weir would run T + 1 threads on T CPUs, and its idle
 * workers' spinning would compete with the two threads of the hand-off.)
 * While weir runs, its main thread is pinned to the first usable CPU and
 * its workers to the others (the peers' threads are not pinned: their pools
 * are made while the main thread has its whole mask).
 * BG_WEIR_WORKERS=N overrides weir's worker count (the figures then say
 * so); BG_EXEC_MODE=auto|streams|inline sets weir.exec.mode (default auto).
 * Streams: the session default (ge.streamMaxParallelNum = workers, <= 4).
 *
 * S6w (issue 14): the same five shapes with real work in every node, ~2 us
 * and ~20 us of float math (bg_work(): multiply-adds over 16 floats,
 * calibrated once to the time), the node's value then being bg_work(1 +
 * sum of inputs). The same function runs inside weir's kernel, TBB's
 * continue_node body and gomp's task, so the outputs are bit-identical.
 * The figure is the makespan of one run, weir / peer. Threads: T compute
 * threads on every side: TBB's and gomp's T (main thread included), weir's
 * T workers with the main thread only submitting and sleeping in the
 * synchronize (a stream without FAST_SYNC: it parks after a short spin
 * instead of taking a CPU from a worker). Nothing is pinned, on any side:
 * T + 1 weir threads share T CPUs while the main thread submits.
 * Link deps: weir_static, oneTBB (libtbb-dev), OpenMP (libgomp).
 */
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "weir/sched.h"
#include "weir/mem.h"
#include "weir/session.h"

void *bg_tbb_create(int n, const int *npred, const int *pred, int threads);
uint64_t bg_tbb_run(void *h, uint64_t iters);
float bg_tbb_value(void *h, int i);
void bg_tbb_destroy(void *h);
uint64_t bg_omp_run(int n, const int *npred, const int *pred, float *val, int threads,
                    uint64_t iters);

struct dag {
	const char *name;
	int n;
	int *npred, *pred; /* flattened; -1 = the graph input */
	int out;           /* output node */
};

static void dag_add(struct dag *d, int *k, int a, int b)
{
	int np = 0;
	if (a != -2) {
		d->pred[(*k)++] = a;
		np++;
	}
	if (b != -2) {
		d->pred[(*k)++] = b;
		np++;
	}
	d->npred[d->n++] = np;
}

static struct dag make_dag(const char *shape, int size)
{
	struct dag d = { .name = shape };
	d.npred = calloc((size_t)size * size + 1024, sizeof(int));
	d.pred = calloc((size_t)(size * size + 1024) * 2, sizeof(int));
	int k = 0;
	if (strcmp(shape, "chain") == 0) {
		for (int i = 0; i < size; i++)
			dag_add(&d, &k, i ? i - 1 : -1, -2);
	} else if (strcmp(shape, "tree") == 0) {
		/* size leaves reading the input, then pairwise sums up to one root. */
		int level = 0, width = size;
		for (int i = 0; i < size; i++)
			dag_add(&d, &k, -1, -2);
		while (width > 1) {
			for (int i = 0; i < width / 2; i++)
				dag_add(&d, &k, level + 2 * i, level + 2 * i + 1);
			level += width;
			width /= 2;
		}
	} else if (strcmp(shape, "random") == 0) {
		/* size nodes; node i reads up to two distinct nodes among the
		 * 16 before it (none: the input). Fixed seed: the same DAG
		 * every run. */
		uint32_t x = 12345u;
		for (int i = 0; i < size; i++) {
			int a = -2, b = -2;
			x = x * 1103515245u + 12345u;
			int np = i ? (int)((x >> 16) % 3) : 0;
			int lo = i > 16 ? i - 16 : 0;
			if (np >= 1) {
				x = x * 1103515245u + 12345u;
				a = lo + (int)((x >> 16) % (uint32_t)(i - lo));
			}
			if (np == 2) {
				x = x * 1103515245u + 12345u;
				b = lo + (int)((x >> 16) % (uint32_t)(i - lo));
				if (b == a)
					b = -2;
			}
			if (a == -2)
				a = -1;
			dag_add(&d, &k, a, b);
		}
	} else if (strcmp(shape, "independent") == 0) {
		for (int i = 0; i < size; i++)
			dag_add(&d, &k, -1, -2);
	} else { /* wavefront: size x size grid, (i,j) <- (i-1,j), (i,j-1) */
		for (int i = 0; i < size; i++)
			for (int j = 0; j < size; j++) {
				int up = i ? (i - 1) * size + j : -2,
				    left = j ? i * size + j - 1 : -2;
				if (up == -2 && left == -2)
					up = -1;
				dag_add(&d, &k, up, left);
			}
	}
	d.out = d.n - 1;
	return d;
}

/* S6w: the node's real work. 0 iterations: S6's one float. Set by the
 * main thread between figures only (no run in flight). */
uint32_t bg_work_iters;

/* ~iters x 16 multiply-adds, bounded values (they converge to 1), the
 * result depending on s. Shared by every side (bit-identical outputs).
 * noinline: weir's node kernel sits in this file and would otherwise run
 * its own inlined copy, compiled differently from the code TBB's and
 * libgomp's nodes call (measured: 4-7 % slower); every side must run the
 * same machine code. */
__attribute__((noinline)) float bg_work(float s, uint32_t iters)
{
	float a[16];
	for (int i = 0; i < 16; i++)
		a[i] = s * (float)(i + 1) * 0.0625f;
	for (uint32_t it = 0; it < iters; it++)
		for (int i = 0; i < 16; i++)
			a[i] = a[i] * 0.999f + 0.001f;
	float r = 0.0f;
	for (int i = 0; i < 16; i++)
		r += a[i];
	return r * 0.0625f + s * 0.001f;
}

/* weir op for the node work */
static int nd_infer(weir_op_infer_ctx_t *c)
{
	c->out[0] = c->in[0];
	return WEIR_OK;
}
static int nd_kernel(const weir_op_call_t *c, uint32_t b, uint32_t nb)
{
	float s = 1.0f;
	for (uint32_t i = 0; i < c->nin; i++)
		s += ((const float *)c->in[i])[0];
	if (bg_work_iters)
		s = bg_work(s, bg_work_iters);
	((float *)c->out[0])[0] = s;
	return 0;
}
static const weir_op_def_t op_node = { .name = "BenchNode",
	                               .min_inputs = 1,
	                               .max_inputs = 2,
	                               .min_outputs = 1,
	                               .max_outputs = 1,
	                               .infer = nd_infer,
	                               .kernel = nd_kernel };

/* weir_config.cpus for the workers: the usable CPUs but the first (the
 * main thread's while weir runs); "" = do not pin (one CPU, BG_WEIR_PIN=0). */
static char worker_cpus[256];

static void init_worker_cpus(void)
{
	cpu_set_t set;
	const char *pin = getenv("BG_WEIR_PIN");
	if ((pin && strcmp(pin, "0") == 0) || sched_getaffinity(0, sizeof(set), &set) != 0)
		return;
	size_t o = 0;
	bool first = true;
	for (int c = 0; c < CPU_SETSIZE && o + 8 < sizeof(worker_cpus); c++)
		if (CPU_ISSET(c, &set)) {
			if (!first)
				o += (size_t)snprintf(worker_cpus + o, sizeof(worker_cpus) - o,
				                      "%s%d", o ? "," : "", c);
			first = false;
		}
}

struct ours {
	weir_runtime_t *rt;
	weir_mem_t *mem;
	weir_session_t *s;
	weir_stream_t *st;
	weir_group_t *grp;
	float *in, *out;
	weir_tensor_t tin, tout;
	int nodes;
	uint64_t compile_load_ns;
	bool pin_main; /* S6: the main thread on the first CPU while it runs */
};

static weir_graph_t *build(const struct dag *d)
{
	weir_graph_t *g;
	weir_graph_create(d->name, &g);
	weir_tensor_desc_t desc;
	int64_t one = 1;
	weir_tensor_desc_init(&desc, WEIR_DT_FLOAT, 1, &one);
	weir_port_t x;
	weir_graph_add_data(g, "x", 0, &desc, &x);
	char nm[24];
	for (int i = 0, k = 0; i < d->n; i++) {
		weir_port_t in[2];
		for (int j = 0; j < d->npred[i]; j++, k++)
			in[j] = d->pred[k] < 0 ? x : weir_port((uint32_t)d->pred[k] + 1, 0);
		snprintf(nm, sizeof(nm), "n%d", i);
		weir_graph_add_node(g, nm, "BenchNode", in, (uint32_t)d->npred[i], 0, NULL);
	}
	weir_port_t o = weir_port((uint32_t)d->out + 1, 0);
	weir_graph_set_outputs(g, &o, 1);
	const char *mode = getenv("BG_EXEC_MODE");
	if (mode)
		weir_graph_set_option(g, "weir.exec.mode", mode);
	return g;
}

/* cpus: weir_config.cpus ("" = unpinned); sflags: the run stream's. */
static int ours_init(struct ours *o, const struct dag *d, unsigned workers, const char *cpus,
                     uint32_t sflags)
{
	weir_config_t cfg;
	weir_config_init(&cfg);
	cfg.devices = 1;
	cfg.workers_per_device = workers;
	cfg.mem_capacity = 64u << 20;
	/* The workers go on the CPUs other than the main thread's (ours_run()
	 * pins the main thread to the first one while it runs); a worker that
	 * shares the main thread's CPU turns every hand-off into context
	 * switches. BG_WEIR_PIN=0: nothing pinned. */
	cfg.cpus = cpus[0] ? cpus : NULL;
	if (!cpus[0])
		cfg.flags |= WEIR_CONFIG_NO_PIN;
	o->pin_main = cpus == worker_cpus && cpus[0];
	if (weir_runtime_create(&cfg, &o->rt) || weir_mem_create(o->rt, &o->mem) ||
	    weir_session_create(o->rt, o->mem, NULL, 0, &o->s) ||
	    weir_group_create(o->rt, 0, &o->grp) || weir_stream_create(o->grp, 0, sflags, &o->st))
		return -1;
	weir_graph_t *g = build(d);
	uint64_t t0 = wb_now_ns();
	int rc = weir_session_add_graph(o->s, 1, g, NULL, 0);
	if (!rc)
		rc = weir_session_load_graph(o->s, 1, NULL, 0, o->st);
	o->compile_load_ns = wb_now_ns() - t0;
	weir_graph_destroy(g);
	if (rc) {
		fprintf(stderr, "bench_graph: %s\n", weir_graph_last_error());
		return -1;
	}
	weir_mem_alloc(o->mem, 0, 64, 0, (void **)&o->in);
	weir_mem_alloc(o->mem, 0, 64, 0, (void **)&o->out);
	o->in[0] = 1.0f;
	weir_tensor_desc_t desc;
	int64_t one = 1;
	weir_tensor_desc_init(&desc, WEIR_DT_FLOAT, 1, &one);
	o->tin = (weir_tensor_t){ o->in, 4, desc };
	o->tout = (weir_tensor_t){ o->out, 4, desc };
	o->nodes = d->n;
	return 0;
}

static void ours_fini(struct ours *o)
{
	weir_session_destroy(o->s);
	weir_mem_free(o->mem, o->in);
	weir_mem_free(o->mem, o->out);
	weir_stream_destroy(o->st);
	weir_group_destroy(o->grp);
	weir_mem_destroy(o->mem);
	weir_runtime_destroy(o->rt);
}

static uint64_t ours_run(void *arg, uint64_t iters, struct wb_hist *h)
{
	struct ours *o = arg;
	/* Only around weir's loop: the peers' pools must not inherit it. */
	if (o->pin_main)
		wb_pin_self(0);
	uint64_t t0 = wb_now_ns(), t = 0;
	for (uint64_t i = 0; i < iters; i++) {
		if (weir_session_run_graph_async_stream(o->s, 1, o->st, &o->tin, 1, &o->tout, 1) ||
		    weir_stream_sync(o->st, WEIR_TIMEOUT_INFINITE))
			goto out;
	}
	t = wb_now_ns() - t0;
out:
	if (o->pin_main)
		wb_unpin_self();
	return t;
}

struct tbbs {
	void *h;
};
static uint64_t tbb_run(void *arg, uint64_t iters, struct wb_hist *h)
{
	return bg_tbb_run(((struct tbbs *)arg)->h, iters);
}

struct omps {
	const struct dag *d;
	float *val;
	int threads;
};
static uint64_t omp_run(void *arg, uint64_t iters, struct wb_hist *h)
{
	struct omps *o = arg;
	return bg_omp_run(o->d->n, o->d->npred, o->d->pred, o->val, o->threads, iters);
}

/* The DAG's nodes one after another on the calling thread, no scheduler at
 * all: for the chain (a strictly serial graph) this is the makespan floor
 * of any scheduler. */
static uint64_t serial_run(void *arg, uint64_t iters, struct wb_hist *h)
{
	struct omps *o = arg;
	const struct dag *d = o->d;
	uint64_t t0 = wb_now_ns();
	for (uint64_t it = 0; it < iters; it++)
		for (int i = 0, k = 0; i < d->n; k += d->npred[i], i++) {
			float s = 1.0f;
			for (int j = 0; j < d->npred[i]; j++)
				s += d->pred[k + j] < 0 ? 1.0f : o->val[d->pred[k + j]];
			if (bg_work_iters)
				s = bg_work(s, bg_work_iters);
			o->val[i] = s;
		}
	return wb_now_ns() - t0;
}

/* Nodes on the DAG's longest path (the nodes are in topological order). */
static int dag_depth(const struct dag *d)
{
	int *len = calloc((size_t)d->n, sizeof(int)), best = 0;
	if (!len)
		return d->n;
	for (int i = 0, k = 0; i < d->n; k += d->npred[i], i++) {
		int l = 0;
		for (int j = 0; j < d->npred[i]; j++)
			if (d->pred[k + j] >= 0 && len[d->pred[k + j]] > l)
				l = len[d->pred[k + j]];
		len[i] = l + 1;
		if (len[i] > best)
			best = len[i];
	}
	free(len);
	return best;
}

/* S6w: the makespan of a perfect scheduler on `threads` CPUs, from the
 * nodes' measured serial time: serial x max(1 / threads, longest path /
 * nodes) (every node does the same work). */
struct ideal {
	struct omps serial;
	double scale;
};
static uint64_t ideal_run(void *arg, uint64_t iters, struct wb_hist *h)
{
	struct ideal *x = arg;
	uint64_t t = serial_run(&x->serial, iters, h);
	uint64_t v = (uint64_t)((double)t * x->scale);
	return v ? v : 1;
}

/* ======================================================================== */
/* R2: replay of a captured 2-layer MLP run vs the same run through the     */
/* session                                                                   */
/* ======================================================================== */

/* x[B, I] -> MatMul(W1[I, H]) -> Add(b1[H]) -> Relu -> MatMul(W2[H, O])
 * -> Add(b2[O]) -> y[B, O], float32, constant weights. */
#define R2_B    8
#define R2_I    64
#define R2_H    128
#define R2_O    32
#define R2_NAME "R2.mlp_replay.vs_session_run"

struct r2 {
	weir_runtime_t *rt;
	weir_mem_t *mem;
	weir_session_t *s;
	weir_group_t *grp;
	weir_stream_t *st;
	weir_ri_t *ri;
	float *x, *y, *ref;
	weir_tensor_t tin, tout, tref;
};

/* Deterministic weights in [-0.5, 0.5). */
static void r2_fill(float *v, size_t n, uint32_t seed)
{
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		v[i] = (float)((seed >> 8) & 0xffff) / 65536.0f - 0.5f;
	}
}

static int r2_const(weir_graph_t *g, const char *name, uint32_t rank, const int64_t *dims,
                    uint32_t seed, weir_port_t *out)
{
	weir_tensor_desc_t d;
	int rc = weir_tensor_desc_init(&d, WEIR_DT_FLOAT, rank, dims);
	if (rc)
		return rc;
	size_t n = (size_t)weir_tensor_desc_numel(&d);
	float *v = malloc(n * sizeof(float));
	if (!v)
		return WEIR_ENOMEM;
	r2_fill(v, n, seed);
	rc = weir_graph_add_const(g, name, &d, v, out);
	free(v);
	return rc;
}

static int r2_node(weir_graph_t *g, const char *name, const char *op, weir_port_t a,
                   const weir_port_t *b, weir_port_t *out)
{
	weir_port_t in[2] = { a, b ? *b : a };
	uint32_t id;
	int rc = weir_graph_add_node(g, name, op, in, b ? 2 : 1, 0, &id);
	*out = weir_port(id, 0);
	return rc;
}

static weir_graph_t *r2_build(void)
{
	weir_graph_t *g;
	if (weir_graph_create("mlp2", &g))
		return NULL;
	int64_t xd[2] = { R2_B, R2_I }, w1d[2] = { R2_I, R2_H }, b1d[1] = { R2_H },
	        w2d[2] = { R2_H, R2_O }, b2d[1] = { R2_O };
	weir_tensor_desc_t desc;
	weir_port_t x, w1, b1, w2, b2, t;
	int rc = weir_tensor_desc_init(&desc, WEIR_DT_FLOAT, 2, xd);
	if (!rc)
		rc = weir_graph_add_data(g, "x", 0, &desc, &x);
	if (!rc)
		rc = r2_const(g, "w1", 2, w1d, 1u, &w1);
	if (!rc)
		rc = r2_const(g, "b1", 1, b1d, 2u, &b1);
	if (!rc)
		rc = r2_const(g, "w2", 2, w2d, 3u, &w2);
	if (!rc)
		rc = r2_const(g, "b2", 1, b2d, 4u, &b2);
	if (!rc)
		rc = r2_node(g, "mm1", "MatMul", x, &w1, &t);
	if (!rc)
		rc = r2_node(g, "add1", "Add", t, &b1, &t);
	if (!rc)
		rc = r2_node(g, "relu", "Relu", t, NULL, &t);
	if (!rc)
		rc = r2_node(g, "mm2", "MatMul", t, &w2, &t);
	if (!rc)
		rc = r2_node(g, "add2", "Add", t, &b2, &t);
	if (!rc)
		rc = weir_graph_set_outputs(g, &t, 1);
	const char *mode = getenv("BG_EXEC_MODE");
	if (!rc && mode)
		rc = weir_graph_set_option(g, "weir.exec.mode", mode);
	if (rc) {
		fprintf(stderr, "bench_graph: R2 graph: %s\n", weir_graph_last_error());
		weir_graph_destroy(g);
		return NULL;
	}
	return g;
}

static int r2_init(struct r2 *r, unsigned workers)
{
	weir_config_t cfg;
	weir_config_init(&cfg);
	cfg.devices = 1;
	cfg.workers_per_device = workers;
	cfg.mem_capacity = 64u << 20;
	cfg.cpus = worker_cpus[0] ? worker_cpus : NULL; /* as ours_init() */
	if (!worker_cpus[0])
		cfg.flags |= WEIR_CONFIG_NO_PIN;
	if (weir_runtime_create(&cfg, &r->rt) || weir_mem_create(r->rt, &r->mem) ||
	    weir_session_create(r->rt, r->mem, NULL, 0, &r->s) ||
	    weir_group_create(r->rt, 0, &r->grp) ||
	    weir_stream_create(r->grp, 0, WEIR_STREAM_FAST_SYNC, &r->st))
		return -1;
	weir_graph_t *g = r2_build();
	if (!g)
		return -1;
	int rc = weir_session_add_graph(r->s, 2, g, NULL, 0);
	if (!rc)
		rc = weir_session_load_graph(r->s, 2, NULL, 0, r->st);
	weir_graph_destroy(g);
	if (rc) {
		fprintf(stderr, "bench_graph: R2 load: %s\n", weir_graph_last_error());
		return -1;
	}
	int64_t xd[2] = { R2_B, R2_I }, yd[2] = { R2_B, R2_O };
	size_t xb = sizeof(float) * R2_B * R2_I, yb = sizeof(float) * R2_B * R2_O;
	if (weir_mem_alloc(r->mem, 0, xb, 0, (void **)&r->x) ||
	    weir_mem_alloc(r->mem, 0, yb, 0, (void **)&r->y) ||
	    weir_mem_alloc(r->mem, 0, yb, 0, (void **)&r->ref))
		return -1;
	r2_fill(r->x, (size_t)R2_B * R2_I, 5u);
	r->tin = (weir_tensor_t){ r->x, xb, { 0 } };
	weir_tensor_desc_init(&r->tin.desc, WEIR_DT_FLOAT, 2, xd);
	r->tout = (weir_tensor_t){ r->y, yb, { 0 } };
	weir_tensor_desc_init(&r->tout.desc, WEIR_DT_FLOAT, 2, yd);
	r->tref = (weir_tensor_t){ r->ref, yb, r->tout.desc };
	return 0;
}

static void r2_fini(struct r2 *r)
{
	if (r->ri)
		weir_ri_destroy(r->ri);
	if (r->s)
		weir_session_destroy(r->s);
	if (r->mem) {
		weir_mem_free(r->mem, r->x);
		weir_mem_free(r->mem, r->y);
		weir_mem_free(r->mem, r->ref);
	}
	weir_stream_destroy(r->st);
	weir_group_destroy(r->grp);
	weir_mem_destroy(r->mem);
	weir_runtime_destroy(r->rt);
}

/* Baseline: N session runs on the stream, one sync. */
static uint64_t r2_session(void *arg, uint64_t iters, struct wb_hist *h)
{
	struct r2 *r = arg;
	if (worker_cpus[0])
		wb_pin_self(0);
	uint64_t t0 = wb_now_ns(), t = 0;
	for (uint64_t i = 0; i < iters; i++)
		if (weir_session_run_graph_async_stream(r->s, 2, r->st, &r->tin, 1, &r->tout, 1))
			goto out;
	if (weir_stream_sync(r->st, WEIR_TIMEOUT_INFINITE))
		goto out;
	t = wb_now_ns() - t0;
out:
	if (worker_cpus[0])
		wb_unpin_self();
	return t;
}

/* Ours: N replays of one captured session run, one sync. */
static uint64_t r2_replay(void *arg, uint64_t iters, struct wb_hist *h)
{
	struct r2 *r = arg;
	if (worker_cpus[0])
		wb_pin_self(0);
	uint64_t t0 = wb_now_ns(), t = 0;
	for (uint64_t i = 0; i < iters; i++)
		if (weir_ri_replay(r->ri, r->st))
			goto out;
	if (weir_stream_sync(r->st, WEIR_TIMEOUT_INFINITE))
		goto out;
	t = wb_now_ns() - t0;
out:
	if (worker_cpus[0])
		wb_unpin_self();
	return t;
}

/* The reference run (into ref), then the capture of one run into y (a
 * different output buffer, so the capture holds the run's bind too), then
 * one replay checked against the reference bit for bit. Returns NULL, or
 * what went wrong. */
static const char *r2_capture(struct r2 *r, char *msg, size_t size)
{
	int rc = weir_session_run_graph_async_stream(r->s, 2, r->st, &r->tin, 1, &r->tref, 1);
	if (!rc)
		rc = weir_stream_sync(r->st, WEIR_TIMEOUT_INFINITE);
	if (rc) {
		snprintf(msg, size, "reference session run failed: %s (%s)", weir_strerror(rc),
		         weir_graph_last_error());
		return msg;
	}
	if ((rc = weir_capture_begin(r->st, WEIR_CAPTURE_RELAXED))) {
		snprintf(msg, size, "weir_capture_begin: %s", weir_strerror(rc));
		return msg;
	}
	int run = weir_session_run_graph_async_stream(r->s, 2, r->st, &r->tin, 1, &r->tout, 1);
	int status = -1;
	weir_capture_status(r->st, &status, NULL);
	rc = weir_capture_end(r->st, &r->ri);
	if (run || rc) {
		snprintf(msg, size,
		         "capturing a session run failed: run %s (%s), capture status %d, "
		         "weir_capture_end %s",
		         weir_strerror(run), run ? weir_graph_last_error() : "", status,
		         weir_strerror(rc));
		return msg;
	}
	memset(r->y, 0xff, r->tout.size); /* NaNs: a replay that writes nothing shows */
	if ((rc = weir_ri_replay(r->ri, r->st)) ||
	    (rc = weir_stream_sync(r->st, WEIR_TIMEOUT_INFINITE))) {
		snprintf(msg, size, "replay failed: %s", weir_strerror(rc));
		return msg;
	}
	if (memcmp(r->y, r->ref, r->tout.size) != 0) {
		snprintf(msg, size, "replay output differs from the session run's (y[0] %g vs %g)",
		         (double)r->y[0], (double)r->ref[0]);
		return msg;
	}
	return NULL;
}

static void bench_r2(unsigned workers)
{
	if (!wb_enabled(R2_NAME))
		return;
	struct r2 r = { 0 };
	char msg[512];
	const char *err = r2_init(&r, workers) ? "weir set-up failed" : NULL;
	if (!err)
		err = r2_capture(&r, msg, sizeof(msg));
	uint64_t min = wb_quick() ? 20 : 200;
	wb_subject_t ours = { "weir_ri_replay (captured run)", r2_replay, &r, 0, min };
	wb_subject_t base = { "weir_session_run_graph_async_stream", r2_session, &r, 0, min };
	wb_figure_t *f = NULL;
	if (!err)
		f = wb_compare(R2_NAME, "ns/run", &ours, &base, 0);
	else
		f = wb_value(R2_NAME, "ns/run", "weir", 0, NULL, 0);
	wb_target(f, WB_LE, 1.1,
	          "<= 1.1x the session run: a replay costs no more (a session run is already one "
	          "submission)");
	if (err) {
		fprintf(stderr, "bench_graph: " R2_NAME ": %s\n", err);
		wb_fail(f, "%s", err);
	} else {
		weir_ri_info_t info;
		if (weir_ri_info(r.ri, &info) == WEIR_OK) {
			wb_extra(f, "ri_tasks", info.tasks);
			wb_extra(f, "ri_streams", info.streams);
		}
		wb_extra(f, "weir_workers", workers);
		/* Still equal after the timed rounds (the last subject wrote y). */
		if (memcmp(r.y, r.ref, r.tout.size) != 0)
			wb_fail(f, "output differs from the reference after the timed rounds");
	}
	r2_fini(&r);
}

/* ======================================================================== */
/* S6w: the S6 shapes with real work per node                               */
/* ======================================================================== */

/* Iterations of bg_work() that take ~target_ns here (the fastest of a few
 * timed calls, measured once). */
static uint32_t work_iters(uint64_t target_ns)
{
	static double ns_per_iter;
	if (ns_per_iter == 0) {
		/* Through a pointer: the nodes' own out-of-line code, not a
		 * copy inlined with a constant count. */
		float (*volatile work)(float, uint32_t) = bg_work;
		volatile float sink = 0;
		const uint32_t n = 20000;
		for (int k = 0; k < 7; k++) {
			uint64_t t0 = wb_now_ns();
			sink = sink + work(1.0f + (float)k, n);
			double v = (double)(wb_now_ns() - t0) / n;
			if (ns_per_iter == 0 || v < ns_per_iter)
				ns_per_iter = v;
		}
	}
	double it = (double)target_ns / ns_per_iter;
	return it < 1 ? 1 : (uint32_t)it;
}

static void bench_s6w(const char *const *shapes, const int *sizes, unsigned threads)
{
	static const struct {
		const char *tag;
		uint64_t ns;
	} works[] = { { "2us", 2000 }, { "20us", 20000 } };
	for (int wi = 0; wi < 2; wi++)
		for (int si = 0; si < 5; si++) {
			char nt[96], ng[96];
			snprintf(nt, sizeof(nt), "S6w.%s.%s.vs_tbb", shapes[si], works[wi].tag);
			snprintf(ng, sizeof(ng), "S6w.%s.%s.vs_gomp", shapes[si], works[wi].tag);
			if (!wb_enabled(nt) && !wb_enabled(ng))
				continue;
			struct dag d = make_dag(shapes[si],
			                        wb_quick() && si != 2 ? sizes[si] / 4 : sizes[si]);
			bg_work_iters = work_iters(works[wi].ns);
			struct ours o = { 0 };
			if (ours_init(&o, &d, threads, "", 0)) { /* unpinned, as the peers */
				fprintf(stderr, "bench_graph: S6w weir set-up failed\n");
				exit(1);
			}
			struct tbbs t = { bg_tbb_create(d.n, d.npred, d.pred, (int)threads) };
			struct omps m = { &d, calloc((size_t)d.n, sizeof(float)), (int)threads };
			uint64_t min = wb_quick() ? 3 : 10;
			wb_subject_t A = {
				.name = "weir", .run = ours_run, .arg = &o, .min_iters = min
			};
			wb_subject_t B = { .name = "tbb flow graph",
				           .run = tbb_run,
				           .arg = &t,
				           .min_iters = min };
			wb_subject_t C = { .name = "gomp task depend",
				           .run = omp_run,
				           .arg = &m,
				           .min_iters = min };
			wb_figure_t *f = wb_compare(nt, "ns/run", &A, &B, 0);
			if (f) {
				wb_target(f, WB_LE, 0.9,
				          "<= 0.9x TBB flow graph's makespan (performance.md S6w)");
				wb_extra(f, "nodes", d.n);
				wb_extra(f, "work_ns", (double)works[wi].ns);
				wb_extra(f, "work_iters", bg_work_iters);
				wb_extra(f, "weir_workers", threads);
				wb_extra(f, "peer_threads", threads);
				ours_run(&o, 1, NULL);
				bg_tbb_run(t.h, 1);
				if (o.out[0] != bg_tbb_value(t.h, d.out))
					wb_fail(f, "output %g differs from TBB's %g",
					        (double)o.out[0], (double)bg_tbb_value(t.h, d.out));
			}
			if (si == 0) {
				/* The chain is serial: its floor is the plain loop. */
				char nf[96];
				snprintf(nf, sizeof(nf), "S6w.chain.%s.serial_floor_vs_tbb",
				         works[wi].tag);
				struct omps fl = { &d, calloc((size_t)d.n, sizeof(float)), 1 };
				wb_subject_t F = { .name = "serial loop (the floor)",
					           .run = serial_run,
					           .arg = &fl,
					           .min_iters = min };
				wb_figure_t *ff =
				        wb_enabled(nf) ? wb_compare(nf, "ns/run", &F, &B, 0) : NULL;
				if (ff)
					wb_note(ff,
					        "no scheduler can run the chain faster than this "
					        "loop: a ratio above 0.9 makes S6w.chain's <= 0.9 "
					        "target unreachable");
				free(fl.val);
			} else {
				/* Every other shape: the perfect scheduler's makespan. */
				char nf[96];
				snprintf(nf, sizeof(nf), "S6w.%s.%s.ideal_vs_tbb", shapes[si],
				         works[wi].tag);
				double par = 1.0 / threads, path = (double)dag_depth(&d) / d.n;
				struct ideal x = { { &d, calloc((size_t)d.n, sizeof(float)), 1 },
					           par > path ? par : path };
				wb_subject_t I = { .name = "perfect scheduler (serial x max(1/T, "
					                   "path/nodes))",
					           .run = ideal_run,
					           .arg = &x,
					           .min_iters = min };
				wb_figure_t *fi =
				        wb_enabled(nf) ? wb_compare(nf, "ns/run", &I, &B, 0) : NULL;
				if (fi) {
					wb_note(fi,
					        "T = %u, longest path %d of %d nodes: no scheduler "
					        "beats this; a ratio above 0.9 makes the <= 0.9 "
					        "target unreachable",
					        threads, dag_depth(&d), d.n);
					wb_extra(fi, "scale", x.scale);
				}
				free(x.serial.val);
			}
			f = wb_compare(ng, "ns/run", &A, &C, 0);
			if (f) {
				wb_note(f, "no target (performance.md S6w sets one against TBB)");
				wb_extra(f, "nodes", d.n);
				wb_extra(f, "work_ns", (double)works[wi].ns);
				omp_run(&m, 1, NULL);
				ours_run(&o, 1, NULL);
				if (o.out[0] != m.val[d.out])
					wb_fail(f, "output %g differs from gomp's %g",
					        (double)o.out[0], (double)m.val[d.out]);
			}
			bg_tbb_destroy(t.h);
			free(m.val);
			ours_fini(&o);
			free(d.npred);
			free(d.pred);
		}
	bg_work_iters = 0;
}

int main(int argc, char **argv)
{
	wb_init(argc, argv, "graph");
	if (weir_op_register(&op_node))
		return 1;
	init_worker_cpus();
	unsigned threads = wb_ncpus() ? wb_ncpus() : 1;
	unsigned workers = threads > 1 ? threads - 1 : 1;
	const char *ww = getenv("BG_WEIR_WORKERS");
	if (ww && atoi(ww) > 0)
		workers = (unsigned)atoi(ww);
	bench_r2(workers);
	const char *shapes[] = { "chain", "tree", "wavefront", "random", "independent" };
	int sizes[] = { 256, 128, 16, 256, 256 };
	for (int si = 0; si < 5; si++) {
		struct dag d =
		        make_dag(shapes[si], wb_quick() && si != 2 ? sizes[si] / 4 : sizes[si]);
		char name[96];
		bool any = false;
		const char *kinds[] = { "re-run vs TBB flow graph", "re-run vs libgomp tasks" };
		for (int k = 0; k < 2; k++) {
			snprintf(name, sizeof(name), "S6 %s (%d nodes) %s", shapes[si], d.n,
			         kinds[k]);
			any |= wb_enabled(name);
		}
		snprintf(name, sizeof(name), "S6 %s compile+load", shapes[si]);
		if (!any && !wb_enabled(name)) { /* filtered out: no set-up */
			free(d.npred);
			free(d.pred);
			continue;
		}
		struct ours o = { 0 };
		if (ours_init(&o, &d, workers, worker_cpus, WEIR_STREAM_FAST_SYNC)) {
			fprintf(stderr, "bench_graph: weir set-up failed\n");
			return 1;
		}
		struct tbbs t = { bg_tbb_create(d.n, d.npred, d.pred, (int)threads) };
		struct omps m = { &d, calloc((size_t)d.n, sizeof(float)), (int)threads };
		wb_subject_t A = { .name = "weir", .run = ours_run, .arg = &o, .min_iters = 20 };
		wb_subject_t B = {
			.name = "tbb flow graph", .run = tbb_run, .arg = &t, .min_iters = 20
		};
		wb_subject_t C = {
			.name = "gomp task depend", .run = omp_run, .arg = &m, .min_iters = 20
		};
		snprintf(name, sizeof(name), "S6 %s (%d nodes) re-run vs TBB flow graph",
		         shapes[si], d.n);
		wb_figure_t *f = wb_compare(name, "ns/graph", &A, &B, 0);
		if (f) {
			wb_target(f, WB_LE, 0.5,
			          "<= 0.5x TBB flow graph (performance.md S6; issue floor 1.0x)");
			wb_extra(f, "nodes", d.n);
			wb_extra(f, "weir_workers", workers);
			wb_extra(f, "peer_threads", threads);
			/* Correctness: the last node's value is the same everywhere. */
			ours_run(&o, 1, NULL);
			bg_tbb_run(t.h, 1);
			if (o.out[0] != bg_tbb_value(t.h, d.out))
				wb_fail(f, "output %g differs from TBB's %g", (double)o.out[0],
				        (double)bg_tbb_value(t.h, d.out));
		}
		snprintf(name, sizeof(name), "S6 %s (%d nodes) re-run vs libgomp tasks", shapes[si],
		         d.n);
		f = wb_compare(name, "ns/graph", &A, &C, 0);
		if (f) {
			wb_target(f, WB_LE, 0.5, "<= 0.5x libgomp tasks (performance.md S6)");
			wb_extra(f, "nodes", d.n);
			omp_run(&m, 1, NULL);
			if (o.out[0] != m.val[d.out])
				wb_fail(f, "output %g differs from gomp's %g", (double)o.out[0],
				        (double)m.val[d.out]);
		}
		snprintf(name, sizeof(name), "S6 %s compile+load", shapes[si]);
		if (wb_enabled(name)) {
			f = wb_value(name, "ns/node", "weir", (double)o.compile_load_ns / d.n, NULL,
			             0);
			wb_extra(f, "nodes", d.n);
		}
		bg_tbb_destroy(t.h);
		free(m.val);
		ours_fini(&o);
		free(d.npred);
		free(d.pred);
	}
	bench_s6w(shapes, sizes, threads);
	return wb_finish();
}
