/*
 * examples/multi_device.c - the single-process, multi-device scenario of
 * Ascend's GE guide, written against weir's native session API plus the ACL
 * facade: 8 sessions on 8 threads, one device each. Every thread sets its
 * device, creates a stream, allocates device memory, adds/compiles/loads a
 * 2-layer MLP, copies inputs H2D, runs the graph asynchronously on its stream,
 * synchronizes the stream, copies the output back and checks it against a
 * host reference. Exit code 0 only if every result is correct.
 *
 * Usage: multi_device_c [devices (default 8)] [runs per device (default 4)]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "acl/acl.h"
#include "acl/weir_acl.h"
#include "weir/session.h"
#include "mlp_common.h"

static mlp_weights_t W;

struct worker {
	int dev, runs;
	pthread_t th;
	int ok;
	double max_err;
	char what[256];
};

#define CHECK_ACL(call)                                                                     \
	do {                                                                                \
		aclError e_ = (call);                                                       \
		if (e_ != ACL_SUCCESS) {                                                    \
			snprintf(w->what, sizeof(w->what), "%s failed: %d (%s)", #call, e_, \
			         aclGetRecentErrMsg());                                     \
			goto out;                                                           \
		}                                                                           \
	} while (0)
#define CHECK_WEIR(call)                                                                \
	do {                                                                            \
		int r_ = (call);                                                        \
		if (r_ != WEIR_OK) {                                                    \
			snprintf(w->what, sizeof(w->what), "%s failed: %s (%s)", #call, \
			         weir_status_name(r_), weir_graph_last_error());        \
			goto out;                                                       \
		}                                                                       \
	} while (0)

static void *run_device(void *arg)
{
	struct worker *w = arg;
	aclrtStream stream = NULL;
	weir_session_t *sess = NULL;
	weir_graph_t *g = NULL;
	void *dx = NULL, *dy = NULL;
	const size_t xbytes = sizeof(float) * MLP_B * MLP_D, ybytes = xbytes;
	float *x = malloc(xbytes), *y = malloc(ybytes), *ref = malloc(ybytes);
	char devstr[16];
	snprintf(devstr, sizeof(devstr), "%d", w->dev);
	weir_option_t opts[] = { { "ge.session_device_id", devstr }, { "ge.graphRunMode", "0" } };
	const uint32_t graph_id = 1;

	if (!x || !y || !ref) {
		snprintf(w->what, sizeof(w->what), "out of host memory");
		goto out;
	}
	CHECK_ACL(aclrtSetDevice(w->dev));
	CHECK_ACL(aclrtCreateStream(&stream));
	CHECK_ACL(aclrtMalloc(&dx, xbytes, ACL_MEM_MALLOC_HUGE_FIRST));
	CHECK_ACL(aclrtMalloc(&dy, ybytes, ACL_MEM_MALLOC_HUGE_FIRST));
	CHECK_WEIR(weir_session_create_acl(opts, 2, &sess));
	CHECK_WEIR(mlp_build("mlp", &W, &g));
	CHECK_WEIR(weir_session_add_graph(sess, graph_id, g, NULL, 0));
	CHECK_WEIR(weir_session_compile_graph(sess, graph_id));
	weir_stream_t *ws;
	CHECK_WEIR(weir_session_acl_stream(stream, &ws));
	CHECK_WEIR(weir_session_load_graph(sess, graph_id, NULL, 0, ws));

	weir_graph_summary_t sum;
	CHECK_WEIR(weir_session_graph_summary(sess, graph_id, &sum));
	weir_tensor_t in = { .data = dx, .size = xbytes, .desc = sum.input_descs[0] };
	weir_tensor_t out = { .data = dy, .size = ybytes, .desc = sum.output_descs[0] };
	w->ok = 1;
	for (int r = 0; r < w->runs; r++) {
		mlp_input(x, (uint32_t)(w->dev * 1000 + r));
		mlp_reference(&W, x, ref);
		CHECK_ACL(aclrtMemcpy(dx, xbytes, x, xbytes, ACL_MEMCPY_HOST_TO_DEVICE));
		CHECK_WEIR(
		        weir_session_run_graph_async_stream(sess, graph_id, ws, &in, 1, &out, 1));
		CHECK_ACL(aclrtSynchronizeStream(stream));
		CHECK_ACL(aclrtMemcpy(y, ybytes, dy, ybytes, ACL_MEMCPY_DEVICE_TO_HOST));
		double e = mlp_max_err(y, ref, MLP_B * MLP_D);
		if (!(e <= w->max_err))
			w->max_err = e;
		if (!(e < 1e-4))
			w->ok = 0;
	}
	snprintf(w->what, sizeof(w->what),
	         "%d runs, streams %u, events %u, const %llu B, feature %llu B", w->runs,
	         sum.streams, sum.events, (unsigned long long)sum.const_size,
	         (unsigned long long)sum.feature_size);
	CHECK_WEIR(weir_session_remove_graph(sess, graph_id));
out:
	if (w->what[0] && strstr(w->what, "failed"))
		w->ok = 0;
	weir_graph_destroy(g);
	weir_session_destroy(sess);
	if (dx)
		aclrtFree(dx);
	if (dy)
		aclrtFree(dy);
	if (stream)
		aclrtDestroyStream(stream);
	aclrtResetDevice(w->dev);
	free(x);
	free(y);
	free(ref);
	return NULL;
}

int main(int argc, char **argv)
{
	int ndev = argc > 1 ? atoi(argv[1]) : 8;
	int runs = argc > 2 ? atoi(argv[2]) : 4;
	if (ndev < 1 || ndev > 64 || runs < 1) {
		fprintf(stderr, "usage: %s [devices 1..64] [runs >= 1]\n", argv[0]);
		return 2;
	}
	mlp_init(&W, 2024);
	aclError e = aclInit(NULL);
	if (e != ACL_SUCCESS) {
		fprintf(stderr, "aclInit failed: %d\n", e);
		return 1;
	}
	uint32_t count = 0;
	aclrtGetDeviceCount(&count);
	if ((uint32_t)ndev > count) {
		fprintf(stderr, "only %u devices (set WEIR_DEVICES)\n", count);
		aclFinalize();
		return 1;
	}
	printf("multi_device_c: %d sessions on %d threads, one device each; 2-layer MLP "
	       "[%d,%d]->[%d]->[%d]\n",
	       ndev, ndev, MLP_B, MLP_D, MLP_H, MLP_D);
	struct worker *w = calloc((size_t)ndev, sizeof(*w));
	for (int i = 0; i < ndev; i++) {
		w[i].dev = i;
		w[i].runs = runs;
		pthread_create(&w[i].th, NULL, run_device, &w[i]);
	}
	int all = 1;
	for (int i = 0; i < ndev; i++) {
		pthread_join(w[i].th, NULL);
		printf("  device %d: %s  max rel err %.2e  %s\n", i, w[i].ok ? "CORRECT" : "WRONG",
		       w[i].max_err, w[i].what);
		all &= w[i].ok;
	}
	free(w);
	aclFinalize();
	printf("multi_device_c: %s\n", all ? "all results correct" : "SOME RESULTS WRONG");
	return all ? 0 : 1;
}
