/*
 * bench/bench_seed.c - S8: the seed scenario (one session, thread and stream
 * per device, a 2-layer MLP run with RunGraphWithStreamAsync + stream sync)
 * scaling from 1 to 8 devices. Figure per device count: aggregate runs/s,
 * with the 1-device rate as the baseline; the target is that 8 devices on
 * a 2-core machine keep the throughput (aggregate >= 0.9 x one device). Results
 * are checked against the host reference. Link deps: weir_static only.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "weir/sched.h"
#include "weir/mem.h"
#include "weir/session.h"
#include "examples/mlp_common.h"

static mlp_weights_t W;
static weir_runtime_t *rt;
static weir_mem_t *mem;

struct dev {
	uint32_t id;
	weir_session_t *s;
	weir_group_t *g;
	weir_stream_t *st;
	float *x, *y;
	weir_tensor_t in, out;
	uint64_t iters;
	int err;
	pthread_t th;
};

static int dev_init(struct dev *d, uint32_t id)
{
	char dv[8];
	snprintf(dv, sizeof(dv), "%u", id);
	weir_option_t o[] = { { "ge.session_device_id", dv } };
	weir_graph_t *g;
	d->id = id;
	if (weir_session_create(rt, mem, o, 1, &d->s) || mlp_build("mlp", &W, &g))
		return -1;
	int rc = weir_session_add_graph(d->s, 1, g, NULL, 0);
	weir_graph_destroy(g);
	weir_graph_summary_t sum;
	if (rc || weir_session_load_graph(d->s, 1, NULL, 0, NULL) ||
	    weir_session_graph_summary(d->s, 1, &sum) || weir_group_create(rt, id, &d->g) ||
	    weir_stream_create(d->g, 0, WEIR_STREAM_FAST_SYNC, &d->st) ||
	    weir_mem_alloc(mem, id, sizeof(float) * MLP_B * MLP_D, 0, (void **)&d->x) ||
	    weir_mem_alloc(mem, id, sizeof(float) * MLP_B * MLP_D, 0, (void **)&d->y))
		return -1;
	mlp_input(d->x, id);
	d->in = (weir_tensor_t){ d->x, sizeof(float) * MLP_B * MLP_D, sum.input_descs[0] };
	d->out = (weir_tensor_t){ d->y, sizeof(float) * MLP_B * MLP_D, sum.output_descs[0] };
	return 0;
}

static void dev_fini(struct dev *d)
{
	weir_session_destroy(d->s);
	weir_stream_destroy(d->st);
	weir_group_destroy(d->g);
	weir_mem_free(mem, d->x);
	weir_mem_free(mem, d->y);
}

static void *dev_loop(void *arg)
{
	struct dev *d = arg;
	for (uint64_t i = 0; i < d->iters && !d->err; i++) {
		d->err = weir_session_run_graph_async_stream(d->s, 1, d->st, &d->in, 1, &d->out, 1);
		if (!d->err)
			d->err = weir_stream_sync(d->st, WEIR_TIMEOUT_INFINITE);
	}
	return NULL;
}

struct scen {
	struct dev *devs;
	int n;
};

/* iters = runs per device; returns the wall time of all devices. */
static uint64_t scen_run(void *arg, uint64_t iters, struct wb_hist *h)
{
	struct scen *sc = arg;
	uint64_t per = iters / (uint64_t)sc->n + 1;
	uint64_t t0 = wb_now_ns();
	for (int i = 0; i < sc->n; i++) {
		sc->devs[i].iters = per;
		pthread_create(&sc->devs[i].th, NULL, dev_loop, &sc->devs[i]);
	}
	for (int i = 0; i < sc->n; i++)
		pthread_join(sc->devs[i].th, NULL);
	uint64_t t = wb_now_ns() - t0;
	for (int i = 0; i < sc->n; i++)
		if (sc->devs[i].err)
			return 0;
	/* Normalize to `iters` runs in total. */
	return t * iters / (per * (uint64_t)sc->n);
}

int main(int argc, char **argv)
{
	wb_init(argc, argv, "seed");
	mlp_init(&W, 2024);
	weir_config_t cfg;
	weir_config_init(&cfg);
	cfg.devices = 8;
	cfg.mem_capacity = 64u << 20;
	if (weir_runtime_create(&cfg, &rt) || weir_mem_create(rt, &mem))
		return 1;
	struct dev devs[8];
	memset(devs, 0, sizeof(devs));
	for (uint32_t i = 0; i < 8; i++)
		if (dev_init(&devs[i], i)) {
			fprintf(stderr, "bench_seed: set-up failed: %s\n", weir_graph_last_error());
			return 1;
		}
	struct scen one = { devs, 1 };
	wb_subject_t B = { .name = "1 device", .run = scen_run, .arg = &one, .min_iters = 8 };
	int counts[] = { 2, 4, 8 };
	struct scen sc[3];
	for (int k = 0; k < 3; k++) {
		sc[k] = (struct scen){ devs, counts[k] };
		wb_subject_t A = {
			.name = "devices", .run = scen_run, .arg = &sc[k], .min_iters = 8
		};
		char name[64];
		snprintf(name, sizeof(name), "S8 seed scenario, %d devices (aggregate)", counts[k]);
		wb_figure_t *f = wb_compare(name, "Mruns/s", &A, &B, WB_RATE);
		if (!f)
			continue;
		wb_extra(f, "devices", counts[k]);
		if (counts[k] == 8)
			wb_target(f, WB_GE, 0.9, "aggregate >= 0.9 x one device on 2 cores");
		/* check results of every device used */
		float ref[MLP_B * MLP_D];
		for (int i = 0; i < counts[k]; i++) {
			mlp_reference(&W, devs[i].x, ref);
			if (!(mlp_max_err(devs[i].y, ref, MLP_B * MLP_D) < 1e-4))
				wb_fail(f, "device %d produced a wrong result", i);
		}
	}
	for (int i = 0; i < 8; i++)
		dev_fini(&devs[i]);
	weir_mem_destroy(mem);
	weir_runtime_destroy(rt);
	return wb_finish();
}
