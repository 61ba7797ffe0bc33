/*
 * bench/bench_alloc.c - S7 (shared/design/performance.md): the device
 * allocator's alloc/free pairs at 64 B, 4 KiB, 64 KiB and 1 MiB, a batch of
 * 1024, and cross-thread free, side by side in one process with glibc,
 * jemalloc, mimalloc and tcmalloc (loaded with dlopen), interleaved rounds,
 * median of per-round ratios. Also: system calls the allocator made in the
 * steady state (its own counter of mmap/mprotect/madvise) and minor page
 * faults (getrusage) over the measured loops. Run `strace -f -c` on this
 * binary for an external syscall count.
 *
 * jemalloc next to the others needs GLIBC_TUNABLES=glibc.rtld.optional_static_tls=65536;
 * the bench re-executes itself with it when missing.
 */
#include "bench/harness.h"
#include "weir/mem.h"
#include "base/atomic.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

typedef void *(*malloc_fn)(size_t);
typedef void (*free_fn)(void *);

struct alloc {
	const char *name;
	malloc_fn m;
	free_fn f;
	size_t size; /* per subject */
};

static weir_mem_t *g_mem;

static void *weir_m(size_t n)
{
	void *p = NULL;
	return weir_mem_alloc(g_mem, 0, n, WEIR_MEM_NORMAL_ONLY, &p) == WEIR_OK ? p : NULL;
}

static void weir_f(void *p)
{
	(void)weir_mem_free(g_mem, p);
}

/* The weir subjects of the pair and batch loops call the API directly, as a
 * program does (one call per operation, like the baselines' one call through
 * the pointer dlsym gave); weir_m/weir_f above add a wrapper call each and
 * serve the cross-thread loop. */
static uint64_t run_pairs_weir(void *arg, uint64_t iters, wb_hist_t *h)
{
	(void)h;
	struct alloc *a = arg;
	size_t size = a->size;
	uint64_t t0 = wb_now_ns();
	for (uint64_t i = 0; i < iters; i++) {
		void *p;
		if (weir_mem_alloc(g_mem, 0, size, WEIR_MEM_NORMAL_ONLY, &p) != WEIR_OK)
			return 0;
		wb_do_not_optimize(p);
		(void)weir_mem_free(g_mem, p);
	}
	return wb_now_ns() - t0;
}

static uint64_t run_pairs(void *arg, uint64_t iters, wb_hist_t *h)
{
	(void)h;
	struct alloc *a = arg;
	uint64_t t0 = wb_now_ns();
	for (uint64_t i = 0; i < iters; i++) {
		void *p = a->m(a->size);
		if (!p)
			return 0;
		wb_do_not_optimize(p);
		a->f(p);
	}
	return wb_now_ns() - t0;
}

#define BATCH 1024
static uint64_t run_batch_weir(void *arg, uint64_t iters, wb_hist_t *h)
{
	(void)h;
	struct alloc *a = arg;
	static void *v[BATCH];
	uint64_t rounds = (iters + BATCH - 1) / BATCH;
	uint64_t t0 = wb_now_ns();
	for (uint64_t r = 0; r < rounds; r++) {
		for (int i = 0; i < BATCH; i++)
			if (weir_mem_alloc(g_mem, 0, a->size, WEIR_MEM_NORMAL_ONLY, &v[i]) !=
			    WEIR_OK)
				return 0;
		for (int i = 0; i < BATCH; i++)
			(void)weir_mem_free(g_mem, v[i]);
	}
	uint64_t dt = wb_now_ns() - t0;
	return dt * iters / (rounds * BATCH);
}

static uint64_t run_batch(void *arg, uint64_t iters, wb_hist_t *h)
{
	(void)h;
	struct alloc *a = arg;
	static void *v[BATCH];
	uint64_t rounds = (iters + BATCH - 1) / BATCH;
	uint64_t t0 = wb_now_ns();
	for (uint64_t r = 0; r < rounds; r++) {
		for (int i = 0; i < BATCH; i++) {
			v[i] = a->m(a->size);
			if (!v[i])
				return 0;
		}
		for (int i = 0; i < BATCH; i++)
			a->f(v[i]);
	}
	uint64_t dt = wb_now_ns() - t0;
	return dt * iters / (rounds * BATCH);
}

/* Cross-thread free: this thread allocates, a second thread frees, through
 * an SPSC ring. */
#define RING 1024
struct xring {
	weir_cacheline_aligned _Atomic uint64_t head; /* A: consumer index */
	weir_cacheline_aligned _Atomic uint64_t tail; /* A: producer index */
	void *slot[RING];
	struct alloc *a;
	uint64_t n;
};

static void *x_consumer(void *vp)
{
	struct xring *r = vp;
	uint64_t head = 0;
	while (head < r->n) {
		/* A1: acquire - pairs with R1; the slot written before it is visible */
		uint64_t tail = weir_load_acquire(&r->tail);
		if (tail == head) {
			weir_cpu_relax();
			continue;
		}
		while (head < tail)
			r->a->f(r->slot[head++ % RING]);
		/* R2: release - hands the slots back; pairs with A2 */
		weir_store_release(&r->head, head);
	}
	return NULL;
}

static uint64_t run_cross(void *arg, uint64_t iters, wb_hist_t *h)
{
	(void)h;
	static struct xring r;
	r.a = arg;
	r.n = iters;
	weir_store_relaxed(&r.head, 0); /* relaxed: the consumer starts after pthread_create */
	weir_store_relaxed(&r.tail, 0);
	pthread_t t;
	uint64_t t0 = wb_now_ns();
	if (pthread_create(&t, NULL, x_consumer, &r) != 0)
		return 0;
	for (uint64_t i = 0; i < iters; i++) {
		/* A2: acquire - pairs with R2 */
		while (i - weir_load_acquire(&r.head) >= RING)
			sched_yield();
		void *p = r.a->m(r.a->size);
		if (!p)
			abort();
		r.slot[i % RING] = p;
		/* R1: release - publishes the slot; pairs with A1 */
		weir_store_release(&r.tail, i + 1);
	}
	pthread_join(t, NULL);
	return wb_now_ns() - t0;
}

static uint64_t minflt(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (uint64_t)ru.ru_minflt;
}

int main(int argc, char **argv)
{
	const char *tun = getenv("GLIBC_TUNABLES");
	if (!tun || !strstr(tun, "optional_static_tls")) {
		setenv("GLIBC_TUNABLES", "glibc.rtld.optional_static_tls=65536", 1);
		execv("/proc/self/exe", argv);
		perror("bench_alloc: re-exec");
	}
	wb_init(argc, argv, "alloc");
	weir_mem_options_t o = { .devices = 1,
		                 .capacity = (uint64_t)1 << 30,
		                 .flags = WEIR_MEM_OPT_NO_DEBUG };
	if (weir_mem_create_ex(NULL, &o, &g_mem) != WEIR_OK) {
		fprintf(stderr, "bench_alloc: weir_mem_create_ex failed\n");
		return 1;
	}
	struct alloc base[4] = { { "glibc", malloc, free, 0 } };
	int nbase = 1;
	static const struct {
		const char *name, *lib, *m, *f;
	} libs[] = {
		{ "jemalloc", "libjemalloc.so.2", "malloc", "free" },
		{ "mimalloc", "libmimalloc.so.2", "mi_malloc", "mi_free" },
		{ "tcmalloc", "libtcmalloc_minimal.so.4", "tc_malloc", "tc_free" },
	};
	for (size_t i = 0; i < 3; i++) {
		void *h = dlopen(libs[i].lib, RTLD_NOW | RTLD_LOCAL);
		if (!h) {
			fprintf(stderr, "bench_alloc: %s not loaded (%s); skipped\n", libs[i].name,
			        dlerror());
			continue;
		}
		malloc_fn m = (malloc_fn)dlsym(h, libs[i].m);
		free_fn f = (free_fn)dlsym(h, libs[i].f);
		if (!m || !f) {
			fprintf(stderr, "bench_alloc: %s lacks %s/%s; skipped\n", libs[i].name,
			        libs[i].m, libs[i].f);
			continue;
		}
		base[nbase++] = (struct alloc){ libs[i].name, m, f, 0 };
	}

	static const struct {
		const char *tag;
		size_t size;
		int kind;
	} work[] = {
		{ "pair.64B", 64, 0 },      { "pair.4KiB", 4096, 0 },
		{ "pair.64KiB", 65536, 0 }, { "pair.1MiB", (size_t)1 << 20, 0 },
		{ "batch1024.64B", 64, 1 }, { "crossthread.64B", 64, 2 },
	};
	uint64_t sc0 = 0, mf0 = minflt();
	weir_mem_stats_t st;
	for (size_t w = 0; w < sizeof(work) / sizeof(work[0]); w++) {
		/* warm the arena once so the steady state is what is measured */
		struct alloc ours = { "weir", weir_m, weir_f, work[w].size };
		uint64_t (*fn)(void *, uint64_t, wb_hist_t *) = work[w].kind == 0   ? run_pairs
		                                                : work[w].kind == 1 ? run_batch
		                                                                    : run_cross;
		uint64_t (*fn_weir)(void *, uint64_t, wb_hist_t *) =
		        work[w].kind == 0   ? run_pairs_weir
		        : work[w].kind == 1 ? run_batch_weir
		                            : run_cross;
		fn_weir(&ours, 4096, NULL);
		weir_mem_info(g_mem, 0, &st);
		sc0 = st.syscalls;
		for (int b = 0; b < nbase; b++) {
			char name[96];
			snprintf(name, sizeof name, "S7.%s.vs_%s", work[w].tag, base[b].name);
			struct alloc bb = base[b];
			bb.size = work[w].size;
			wb_subject_t A = { "weir", fn_weir, &ours, 0, BATCH };
			wb_subject_t B = { base[b].name, fn, &bb, 0, BATCH };
			wb_figure_t *f = wb_compare(name, "ns/pair", &A, &B, 0);
			if (f && strcmp(base[b].name, "tcmalloc") == 0 && work[w].kind == 0)
				wb_target(f, WB_LE, 1.0, "<= 1.0x tcmalloc");
			if (f && strcmp(base[b].name, "glibc") == 0 && work[w].kind == 2)
				wb_target(f, WB_LE, 0.5, "cross-thread <= 0.5x glibc");
		}
		weir_mem_info(g_mem, 0, &st);
		char name[96];
		snprintf(name, sizeof name, "S7.%s.steady_syscalls", work[w].tag);
		wb_figure_t *f =
		        wb_value(name, "syscalls", "weir", (double)(st.syscalls - sc0), NULL, 0);
		if (f)
			wb_target_abs(f, WB_LE, 0.0, "0 syscalls in steady state");
	}
	wb_value("S7.minor_faults.all", "faults", "process", (double)(minflt() - mf0), NULL, 0);
	weir_mem_destroy(g_mem);
	return wb_finish();
}
