/*
 * bench/bench_copy.c - copy bandwidth of weir_mem_copy (checked, device to
 * device) and weir_mem_copy_async + sync (a stream task, blocks split over
 * the device's workers) against plain memcpy on the same buffers.
 */
#include "bench/harness.h"
#include "weir/mem.h"

#include <stdio.h>
#include <string.h>

struct cp {
	weir_mem_t *m;
	weir_stream_t *s;
	void *dst, *src;
	size_t n;
	int mode; /* 0 memcpy, 1 weir_mem_copy, 2 async + sync */
};

static uint64_t run(void *arg, uint64_t iters, wb_hist_t *h)
{
	(void)h;
	struct cp *c = arg;
	uint64_t t0 = wb_now_ns();
	for (uint64_t i = 0; i < iters; i++) {
		if (c->mode == 0) {
			memcpy(c->dst, c->src, c->n);
		} else if (c->mode == 1) {
			if (weir_mem_copy(c->m, c->dst, c->n, c->src, c->n, WEIR_COPY_D2D) !=
			    WEIR_OK)
				return 0;
		} else {
			if (weir_mem_copy_async(c->m, c->dst, c->n, c->src, c->n, WEIR_COPY_D2D,
			                        c->s) != WEIR_OK ||
			    weir_stream_sync(c->s, WEIR_TIMEOUT_INFINITE) != WEIR_OK)
				return 0;
		}
		wb_do_not_optimize(c->dst);
	}
	return wb_now_ns() - t0;
}

int main(int argc, char **argv)
{
	wb_init(argc, argv, "copy");
	weir_config_t cfg;
	weir_config_init(&cfg);
	cfg.devices = 1;
	cfg.mem_capacity = (uint64_t)256 << 20;
	weir_runtime_t *rt;
	weir_group_t *g;
	weir_stream_t *s;
	weir_mem_t *m;
	if (weir_runtime_create(&cfg, &rt) != WEIR_OK || weir_group_create(rt, 0, &g) != WEIR_OK ||
	    weir_stream_create(g, 0, 0, &s) != WEIR_OK || weir_mem_create(rt, &m) != WEIR_OK) {
		fprintf(stderr, "bench_copy: set-up failed\n");
		return 1;
	}
	static const size_t sizes[] = { 4096, 65536, (size_t)1 << 20, (size_t)16 << 20 };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		void *a, *b;
		if (weir_mem_alloc(m, 0, sizes[i], WEIR_MEM_HUGE_FIRST, &a) != WEIR_OK ||
		    weir_mem_alloc(m, 0, sizes[i], WEIR_MEM_HUGE_FIRST, &b) != WEIR_OK)
			return 1;
		memset(a, 1, sizes[i]);
		memset(b, 2, sizes[i]);
		struct cp base = { m, s, b, a, sizes[i], 0 }, sync = base, async = base;
		sync.mode = 1;
		async.mode = 2;
		char name[80];
		wb_subject_t B = { "memcpy", run, &base, 0, 1 };
		wb_subject_t S = { "weir_mem_copy", run, &sync, 0, 1 };
		wb_subject_t A = { "weir_mem_copy_async+sync", run, &async, 0, 1 };
		snprintf(name, sizeof name, "copy.sync.%zuB.vs_memcpy", sizes[i]);
		wb_compare(name, "ns/copy", &S, &B, 0);
		snprintf(name, sizeof name, "copy.async.%zuB.vs_memcpy", sizes[i]);
		wb_compare(name, "ns/copy", &A, &B, 0);
		weir_mem_free(m, a);
		weir_mem_free(m, b);
	}
	weir_stream_destroy(s);
	weir_group_destroy(g);
	weir_runtime_destroy(rt);
	weir_mem_destroy(m);
	return wb_finish();
}
