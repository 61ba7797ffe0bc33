/*
 * bench/bench_acl.c - figure A1 (issue 9, "must show"): what launching
 * through the ACL facade costs over the same work through weir's native API,
 * side by side in this one process (harness.h). Ratio = facade / native time
 * per task: lower is better, the target is <= 1.2.
 *
 *   A1.host    N x aclrtLaunchHostFunc(stream, fn, arg), then
 *              aclrtSynchronizeStream, vs N x weir_launch_host + weir_stream_sync
 *   A1.kernel  a native kernel (empty, as S1's) launched on an aclrtStream:
 *              weir_session_acl_stream(aclrtStream) once per round (the
 *              bridge of acl/weir_acl.h), N x weir_launch on that stream, then
 *              aclrtSynchronizeStream, vs N x weir_launch + weir_stream_sync
 *              on a native stream (S1's subject)
 *   A1.kernel_resolve_each  the same with weir_session_acl_stream called
 *              before every launch: what the bridge call itself costs per
 *              task (information only: no target)
 *   A1.copy    N x aclrtMemcpyAsync of 64 bytes device to device, then
 *              aclrtSynchronizeStream, vs N x weir_mem_copy_async +
 *              weir_stream_sync (information only: no target)
 *   A2.aclnn_add.vs_kernel / .vs_graph (issue 11): out = a + b on 1 Ki
 *              floats, one op per iteration, synchronized each time:
 *              aclnnAddGetWorkspaceSize + aclnnAdd + aclrtSynchronizeStream,
 *              vs a native kernel doing the same add (weir_launch +
 *              weir_stream_sync), vs the same Add as a loaded one-node graph
 *              (weir_session_run_graph_async_stream + weir_stream_sync).
 *              A2.aclnn_add_repeat.vs_kernel: a repeatable executor planned
 *              once, then aclnnAdd + sync per iteration (information only).
 *
 * Both sides get the same kind of runtime: one device, one worker pinned to
 * the second usable CPU, the producer (this thread) pinned to the first, the
 * default spin budget - S1's placement. The facade's runtime is aclInit's
 * (configured through WEIR_DEVICES / WEIR_WORKERS / WEIR_CPUS, which aclInit
 * reads); the native side is its own runtime with the same config. Only one
 * of the two runs at a time; between subjects the idle one parks
 * (wb_settle()).
 */
#include "harness.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl/acl.h"
#include "acl/weir_acl.h"
#include "aclnnop/aclnn_add.h"
#include "weir/graph.h"
#include "weir/mem.h"
#include "weir/sched.h"
#include "weir/session.h"

#define SYNC_TIMEOUT_NS ((int64_t)30 * 1000000000)
#define COPY_BYTES      64u

static void die(const char *what, long rc)
{
	fprintf(stderr, "bench_acl: %s failed (%ld)\n", what, rc);
	exit(2);
}

static cpu_set_t start_set; /* the process's CPUs, read before any pinning */

/* The id of the k-th CPU this process may use. */
static unsigned cpu_id(unsigned k)
{
	unsigned n = (unsigned)CPU_COUNT(&start_set), seen = 0;
	k %= n ? n : 1;
	for (unsigned c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &start_set) && seen++ == k)
			return c;
	return 0;
}

static int k_empty(void *args, uint32_t b, uint32_t n)
{
	(void)args, (void)b, (void)n;
	return 0;
}

static void h_count(void *arg)
{
	/* Runs on the device's host-callback thread, one at a time per stream. */
	(*(uint64_t *)arg)++;
}

/* ------------------------------------------------------------------------ */
/* Subjects                                                                  */
/* ------------------------------------------------------------------------ */

typedef struct a1 {
	aclrtStream as;    /* facade stream (aclInit's runtime) */
	weir_stream_t *ns; /* native stream (own runtime, same config) */
	weir_mem_t *nm;    /* native device memory */
	void *adst, *asrc; /* aclrtMalloc'd */
	void *ndst, *nsrc; /* weir_mem_alloc'd */
	uint64_t count;    /* host functions run (h_count); read after a sync */
	/* A2: 1 Ki floats each */
	float *aa, *ab, *ao;     /* aclrtMalloc'd */
	float *na, *nb, *no;     /* weir_mem_alloc'd */
	aclTensor *ta, *tb, *to; /* over aa, ab, ao */
	aclScalar *alpha;        /* 1.0f */
	aclOpExecutor *rep;      /* repeatable executor for A2 repeat */
	weir_session_t *sess;    /* native session, graph 1 = one Add node */
	weir_tensor_t gin[2], gout;
} a1_t;

#define A2_N 1024

struct add_args {
	const float *a, *b;
	float *o;
};

static int k_add(void *args, uint32_t blk, uint32_t nb)
{
	(void)blk, (void)nb;
	const struct add_args *x = args;
	for (int i = 0; i < A2_N; i++)
		x->o[i] = x->a[i] + x->b[i];
	return 0;
}

static uint64_t add_aclnn(void *arg, uint64_t iters, wb_hist_t *h)
{
	(void)h;
	a1_t *a = arg;
	uint64_t t0 = wb_now_ns();
	for (uint64_t i = 0; i < iters; i++) {
		uint64_t ws = 0;
		aclOpExecutor *ex = NULL;
		if (aclnnAddGetWorkspaceSize(a->ta, a->tb, a->alpha, a->to, &ws, &ex) != 0 || ws ||
		    aclnnAdd(NULL, 0, ex, a->as) != 0 ||
		    aclrtSynchronizeStream(a->as) != ACL_SUCCESS)
			return 0;
	}
	uint64_t t = wb_now_ns() - t0;
	return a->ao[7] == a->aa[7] + a->ab[7] ? t : 0;
}

static uint64_t add_aclnn_repeat(void *arg, uint64_t iters, wb_hist_t *h)
{
	(void)h;
	a1_t *a = arg;
	uint64_t t0 = wb_now_ns();
	for (uint64_t i = 0; i < iters; i++)
		if (aclnnAdd(NULL, 0, a->rep, a->as) != 0 ||
		    aclrtSynchronizeStream(a->as) != ACL_SUCCESS)
			return 0;
	return wb_now_ns() - t0;
}

static uint64_t add_kernel(void *arg, uint64_t iters, wb_hist_t *h)
{
	(void)h;
	a1_t *a = arg;
	struct add_args x = { a->na, a->nb, a->no };
	uint64_t t0 = wb_now_ns();
	for (uint64_t i = 0; i < iters; i++)
		if (weir_launch(a->ns, k_add, &x, sizeof x, 1, 0) != WEIR_OK ||
		    weir_stream_sync(a->ns, SYNC_TIMEOUT_NS) != WEIR_OK)
			return 0;
	uint64_t t = wb_now_ns() - t0;
	return a->no[7] == a->na[7] + a->nb[7] ? t : 0;
}

static uint64_t add_graph(void *arg, uint64_t iters, wb_hist_t *h)
{
	(void)h;
	a1_t *a = arg;
	uint64_t t0 = wb_now_ns();
	for (uint64_t i = 0; i < iters; i++)
		if (weir_session_run_graph_async_stream(a->sess, 1, a->ns, a->gin, 2, &a->gout,
		                                        1) != WEIR_OK ||
		    weir_stream_sync(a->ns, SYNC_TIMEOUT_NS) != WEIR_OK)
			return 0;
	uint64_t t = wb_now_ns() - t0;
	return a->no[7] == a->na[7] + a->nb[7] ? t : 0;
}

/* A2's buffers, tensors, executor and graph on both runtimes. */
static void a2_setup(a1_t *a, weir_runtime_t *rt)
{
	size_t bytes = A2_N * sizeof(float);
	if (aclrtMalloc((void **)&a->aa, bytes, ACL_MEM_MALLOC_HUGE_FIRST) ||
	    aclrtMalloc((void **)&a->ab, bytes, ACL_MEM_MALLOC_HUGE_FIRST) ||
	    aclrtMalloc((void **)&a->ao, bytes, ACL_MEM_MALLOC_HUGE_FIRST))
		die("aclrtMalloc (A2)", 0);
	if (weir_mem_alloc(a->nm, 0, bytes, 0, (void **)&a->na) ||
	    weir_mem_alloc(a->nm, 0, bytes, 0, (void **)&a->nb) ||
	    weir_mem_alloc(a->nm, 0, bytes, 0, (void **)&a->no))
		die("weir_mem_alloc (A2)", 0);
	for (int i = 0; i < A2_N; i++) {
		a->aa[i] = a->na[i] = (float)i;
		a->ab[i] = a->nb[i] = 0.5f * (float)i;
	}
	int64_t dims[1] = { A2_N };
	a->ta = aclCreateTensor(dims, 1, ACL_FLOAT, NULL, 0, ACL_FORMAT_ND, dims, 1, a->aa);
	a->tb = aclCreateTensor(dims, 1, ACL_FLOAT, NULL, 0, ACL_FORMAT_ND, dims, 1, a->ab);
	a->to = aclCreateTensor(dims, 1, ACL_FLOAT, NULL, 0, ACL_FORMAT_ND, dims, 1, a->ao);
	float one = 1.0f;
	a->alpha = aclCreateScalar(&one, ACL_FLOAT);
	uint64_t ws = 0;
	if (!a->ta || !a->tb || !a->to || !a->alpha ||
	    aclnnAddGetWorkspaceSize(a->ta, a->tb, a->alpha, a->to, &ws, &a->rep) != 0 ||
	    aclSetAclOpExecutorRepeatable(a->rep) != 0)
		die("aclnn set-up (A2)", 0);

	weir_tensor_desc_t d;
	weir_tensor_desc_init(&d, WEIR_DT_FLOAT, 1, dims);
	weir_graph_t *g;
	weir_port_t pa, pb;
	uint32_t add;
	if (weir_graph_create("a2", &g) || weir_graph_add_data(g, "a", 0, &d, &pa) ||
	    weir_graph_add_data(g, "b", 1, &d, &pb) ||
	    weir_graph_add_node(g, "add", "Add", (weir_port_t[]){ pa, pb }, 2, 1, &add))
		die("graph build (A2)", 0);
	weir_port_t po = weir_port(add, 0);
	if (weir_graph_set_outputs(g, &po, 1) ||
	    weir_session_create(rt, a->nm, NULL, 0, &a->sess) ||
	    weir_session_add_graph(a->sess, 1, g, NULL, 0) ||
	    weir_session_load_graph(a->sess, 1, NULL, 0, a->ns))
		die("graph load (A2)", 0);
	weir_graph_destroy(g);
	a->gin[0] = (weir_tensor_t){ a->na, bytes, d };
	a->gin[1] = (weir_tensor_t){ a->nb, bytes, d };
	a->gout = (weir_tensor_t){ a->no, bytes, d };
}

static void a2_teardown(a1_t *a)
{
	aclDestroyAclOpExecutor(a->rep);
	aclDestroyTensor(a->ta);
	aclDestroyTensor(a->tb);
	aclDestroyTensor(a->to);
	aclDestroyScalar(a->alpha);
	aclrtFree(a->aa);
	aclrtFree(a->ab);
	aclrtFree(a->ao);
	weir_session_destroy(a->sess);
	weir_mem_free(a->nm, a->na);
	weir_mem_free(a->nm, a->nb);
	weir_mem_free(a->nm, a->no);
}

static uint64_t host_acl(void *arg, uint64_t iters, wb_hist_t *h)
{
	(void)h;
	a1_t *a = arg;
	uint64_t c0 = a->count;
	uint64_t t0 = wb_now_ns();
	for (uint64_t i = 0; i < iters; i++)
		if (aclrtLaunchHostFunc(a->as, h_count, &a->count) != ACL_SUCCESS)
			return 0;
	if (aclrtSynchronizeStream(a->as) != ACL_SUCCESS)
		return 0;
	uint64_t t = wb_now_ns() - t0;
	return a->count - c0 == iters ? t : 0;
}

static uint64_t host_native(void *arg, uint64_t iters, wb_hist_t *h)
{
	(void)h;
	a1_t *a = arg;
	uint64_t c0 = a->count;
	uint64_t t0 = wb_now_ns();
	for (uint64_t i = 0; i < iters; i++)
		if (weir_launch_host(a->ns, h_count, &a->count) != WEIR_OK)
			return 0;
	if (weir_stream_sync(a->ns, SYNC_TIMEOUT_NS) != WEIR_OK)
		return 0;
	uint64_t t = wb_now_ns() - t0;
	return a->count - c0 == iters ? t : 0;
}

static uint64_t kernel_acl(void *arg, uint64_t iters, wb_hist_t *h)
{
	(void)h;
	a1_t *a = arg;
	uint64_t t0 = wb_now_ns();
	weir_stream_t *s;
	if (weir_session_acl_stream(a->as, &s) != WEIR_OK)
		return 0;
	for (uint64_t i = 0; i < iters; i++)
		if (weir_launch(s, k_empty, NULL, 0, 1, 0) != WEIR_OK)
			return 0;
	if (aclrtSynchronizeStream(a->as) != ACL_SUCCESS)
		return 0;
	return wb_now_ns() - t0;
}

static uint64_t kernel_acl_each(void *arg, uint64_t iters, wb_hist_t *h)
{
	(void)h;
	a1_t *a = arg;
	uint64_t t0 = wb_now_ns();
	for (uint64_t i = 0; i < iters; i++) {
		weir_stream_t *s;
		if (weir_session_acl_stream(a->as, &s) != WEIR_OK ||
		    weir_launch(s, k_empty, NULL, 0, 1, 0) != WEIR_OK)
			return 0;
	}
	if (aclrtSynchronizeStream(a->as) != ACL_SUCCESS)
		return 0;
	return wb_now_ns() - t0;
}

static uint64_t kernel_native(void *arg, uint64_t iters, wb_hist_t *h)
{
	(void)h;
	a1_t *a = arg;
	uint64_t t0 = wb_now_ns();
	for (uint64_t i = 0; i < iters; i++)
		if (weir_launch(a->ns, k_empty, NULL, 0, 1, 0) != WEIR_OK)
			return 0;
	if (weir_stream_sync(a->ns, SYNC_TIMEOUT_NS) != WEIR_OK)
		return 0;
	return wb_now_ns() - t0;
}

static uint64_t copy_acl(void *arg, uint64_t iters, wb_hist_t *h)
{
	(void)h;
	a1_t *a = arg;
	uint64_t t0 = wb_now_ns();
	for (uint64_t i = 0; i < iters; i++)
		if (aclrtMemcpyAsync(a->adst, COPY_BYTES, a->asrc, COPY_BYTES,
		                     ACL_MEMCPY_DEVICE_TO_DEVICE, a->as) != ACL_SUCCESS)
			return 0;
	if (aclrtSynchronizeStream(a->as) != ACL_SUCCESS)
		return 0;
	return wb_now_ns() - t0;
}

static uint64_t copy_native(void *arg, uint64_t iters, wb_hist_t *h)
{
	(void)h;
	a1_t *a = arg;
	uint64_t t0 = wb_now_ns();
	for (uint64_t i = 0; i < iters; i++)
		if (weir_mem_copy_async(a->nm, a->ndst, COPY_BYTES, a->nsrc, COPY_BYTES,
		                        WEIR_COPY_D2D, a->ns) != WEIR_OK)
			return 0;
	if (weir_stream_sync(a->ns, SYNC_TIMEOUT_NS) != WEIR_OK)
		return 0;
	return wb_now_ns() - t0;
}

/* ------------------------------------------------------------------------ */

int main(int argc, char **argv)
{
	wb_init(argc, argv, "acl");
	if (sched_getaffinity(0, sizeof start_set, &start_set) != 0) {
		CPU_ZERO(&start_set);
		CPU_SET(0, &start_set);
	}
	unsigned nc = wb_ncpus();
	char cpus_worker[16];
	snprintf(cpus_worker, sizeof cpus_worker, "%u", cpu_id(nc > 1 ? 1 : 0));

	/* Both runtimes: 1 device, 1 worker on the second CPU, 64 MiB memory.
	 * aclInit reads the same knobs from the environment. Created while this
	 * thread still has the whole mask (weir checks `cpus` against it). */
	setenv("WEIR_DEVICES", "1", 1);
	setenv("WEIR_WORKERS", "1", 1);
	setenv("WEIR_CPUS", cpus_worker, 1);
	setenv("WEIR_MEM_CAPACITY", "64M", 1);

	weir_config_t cfg;
	weir_config_init(&cfg);
	int rc = weir_config_from_env(&cfg);
	if (rc != WEIR_OK)
		die("weir_config_from_env", rc);
	weir_runtime_t *rt;
	weir_group_t *g;
	a1_t a;
	memset(&a, 0, sizeof a);
	if ((rc = weir_runtime_create(&cfg, &rt)) != WEIR_OK)
		die("weir_runtime_create", rc);
	if ((rc = weir_group_create(rt, 0, &g)) != WEIR_OK)
		die("weir_group_create", rc);
	if ((rc = weir_stream_create(g, 0, 0, &a.ns)) != WEIR_OK)
		die("weir_stream_create", rc);
	if ((rc = weir_mem_create(rt, &a.nm)) != WEIR_OK)
		die("weir_mem_create", rc);
	if ((rc = weir_mem_alloc(a.nm, 0, COPY_BYTES, WEIR_MEM_HUGE_FIRST, &a.ndst)) != WEIR_OK ||
	    (rc = weir_mem_alloc(a.nm, 0, COPY_BYTES, WEIR_MEM_HUGE_FIRST, &a.nsrc)) != WEIR_OK)
		die("weir_mem_alloc", rc);

	aclError e;
	if ((e = aclInit(NULL)) != ACL_SUCCESS)
		die("aclInit", e);
	if ((e = aclrtSetDevice(0)) != ACL_SUCCESS)
		die("aclrtSetDevice", e);
	if ((e = aclrtCreateStream(&a.as)) != ACL_SUCCESS)
		die("aclrtCreateStream", e);
	if ((e = aclrtMalloc(&a.adst, COPY_BYTES, ACL_MEM_MALLOC_HUGE_FIRST)) != ACL_SUCCESS ||
	    (e = aclrtMalloc(&a.asrc, COPY_BYTES, ACL_MEM_MALLOC_HUGE_FIRST)) != ACL_SUCCESS)
		die("aclrtMalloc", e);
	memset(a.asrc, 1, COPY_BYTES);
	memset(a.nsrc, 1, COPY_BYTES);

	wb_pin_self(0); /* the producer on the first CPU, as in S1 */

	uint64_t min = wb_quick() ? 100000 : 1000000;
	if (wb_enabled("A1.host.vs_native")) {
		/* Each host function is a round trip through the device's
		 * host-callback thread (tens of us, mostly futex wake-ups):
		 * calibrated rounds of >= round-ms, at least 5,000 tasks (~0.2 s)
		 * so one slow wake-up does not decide a round. */
		uint64_t hmin = wb_quick() ? 200 : 5000;
		wb_subject_t f = { "aclrtLaunchHostFunc+sync", host_acl, &a, 0, hmin };
		wb_subject_t n = { "weir_launch_host+sync", host_native, &a, 0, hmin };
		wb_figure_t *fig = wb_compare("A1.host.vs_native", "ns/task", &f, &n, 0);
		wb_target(fig, WB_LE, 1.2, "facade <= 1.2x native (issue 9 must show)");
	}
	if (wb_enabled("A1.kernel.vs_native")) {
		wb_subject_t f = { "acl_stream,weir_launch xN+aclsync", kernel_acl, &a, 0, min };
		wb_subject_t n = { "weir_launch+sync", kernel_native, &a, 0, min };
		wb_figure_t *fig = wb_compare("A1.kernel.vs_native", "ns/launch", &f, &n, 0);
		wb_target(fig, WB_LE, 1.2, "facade <= 1.2x native (issue 9 must show)");
		wb_note(fig, "aclrtStream resolved once per round (weir_session_acl_stream), then "
		             "weir_launch on it");
	}
	if (wb_enabled("A1.kernel_resolve_each.vs_native")) {
		wb_subject_t f = { "(acl_stream+weir_launch)xN+aclsync", kernel_acl_each, &a, 0,
			           min };
		wb_subject_t n = { "weir_launch+sync", kernel_native, &a, 0, min };
		wb_figure_t *fig =
		        wb_compare("A1.kernel_resolve_each.vs_native", "ns/launch", &f, &n, 0);
		wb_note(fig, "weir_session_acl_stream before every launch; information only");
	}
	if (wb_enabled("A1.copy.vs_native")) {
		wb_subject_t f = { "aclrtMemcpyAsync+sync", copy_acl, &a, 0, min / 10 };
		wb_subject_t n = { "weir_mem_copy_async+sync", copy_native, &a, 0, min / 10 };
		wb_figure_t *fig = wb_compare("A1.copy.vs_native", "ns/copy", &f, &n, 0);
		wb_note(fig, "64 B device to device per task; information only");
	}

	a2_setup(&a, rt);
	uint64_t amin = wb_quick() ? 2000 : 20000;
	if (wb_enabled("A2.aclnn_add.vs_kernel")) {
		wb_subject_t f = { "aclnnAdd plan+launch+sync", add_aclnn, &a, 0, amin };
		wb_subject_t n = { "weir_launch(add 1Ki)+sync", add_kernel, &a, 0, amin };
		wb_figure_t *fig = wb_compare("A2.aclnn_add.vs_kernel", "ns/op", &f, &n, 0);
		wb_note(fig,
		        "1 Ki float32 add; a new executor every op (GetWorkspaceSize + aclnnAdd)");
	}
	if (wb_enabled("A2.aclnn_add.vs_graph")) {
		wb_subject_t f = { "aclnnAdd plan+launch+sync", add_aclnn, &a, 0, amin };
		wb_subject_t n = { "one-node graph run+sync", add_graph, &a, 0, amin };
		wb_compare("A2.aclnn_add.vs_graph", "ns/op", &f, &n, 0);
	}
	if (wb_enabled("A2.aclnn_add_repeat.vs_kernel")) {
		wb_subject_t f = { "aclnnAdd(repeatable)+sync", add_aclnn_repeat, &a, 0, amin };
		wb_subject_t n = { "weir_launch(add 1Ki)+sync", add_kernel, &a, 0, amin };
		wb_figure_t *fig = wb_compare("A2.aclnn_add_repeat.vs_kernel", "ns/op", &f, &n, 0);
		wb_note(fig,
		        "executor planned once (aclSetAclOpExecutorRepeatable); information only");
	}
	a2_teardown(&a);

	wb_unpin_self();
	aclrtFree(a.adst);
	aclrtFree(a.asrc);
	aclrtDestroyStream(a.as);
	aclrtResetDevice(0);
	aclFinalize();
	weir_mem_free(a.nm, a.ndst);
	weir_mem_free(a.nm, a.nsrc);
	weir_stream_destroy(a.ns);
	weir_group_destroy(g);
	weir_mem_destroy(a.nm);
	weir_runtime_destroy(rt);
	return wb_finish();
}
