/*
 * bench/bench_kernels.c - K1: the op library's float32 kernels against
 * single-threaded OpenBLAS, GFLOP/s per worker (issue 14 item 4).
 *
 *   K1.matmul.<n>      MatMul's block kernel, 1 block on this thread, on
 *                      square [n, n] x [n, n] (n = 64 .. 1024; 2048 outside
 *                      --quick) vs cblas_sgemm of OpenBLAS (Debian
 *                      libopenblas0-serial) on the same operands. Target
 *                      >= 0.8x for n >= 256.
 *   K1.conv2d.c64.56x56.k64.3x3
 *                      Conv2D's block kernel, 1 block (N = 1, C = 64, 56x56,
 *                      64 filters 3x3, pad 1) vs a full im2col + OpenBLAS
 *                      sgemm done directly. Target >= 0.8x.
 *
 * OpenBLAS is the baseline only: weir's kernels run on BLIS (graph/ops/
 * gemm.c), linked into the library, while OpenBLAS is dlopen'ed here
 * privately (RTLD_LOCAL | RTLD_DEEPBIND) so the two libraries' BLAS symbols
 * never meet. Both sides run on the calling thread. Rounds interleave ours
 * and the baseline (each >= 50 ms, 7 rounds; --quick: 10 ms, 3 rounds); the
 * figure is the median of the per-round GFLOP/s ratios with p10/p90. Each
 * figure also checks that both sides agree (relative error <= 1e-4).
 */
#include "bench/harness.h"
#include "graph/op.h"
#include "graph/ops/ops_internal.h"
#include "weir/graph.h"

#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef WEIR_BENCH_OPENBLAS
#define WEIR_BENCH_OPENBLAS "libopenblas.so.0"
#endif

/* The CBLAS enum values OpenBLAS uses (cblas.h). */
enum { CB_ROW_MAJOR = 101, CB_NO_TRANS = 111 };
typedef void (*sgemm_fn)(int order, int ta, int tb, int m, int n, int k, float alpha,
                         const float *a, int lda, const float *b, int ldb, float beta, float *c,
                         int ldc);

static sgemm_fn ob_sgemm;
static char *(*ob_corename)(void);
static int (*ob_parallel)(void);

static const char *openblas_open(void)
{
	void *h = dlopen(WEIR_BENCH_OPENBLAS, RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
	if (!h)
		return dlerror();
	ob_sgemm = (sgemm_fn)dlsym(h, "cblas_sgemm");
	ob_corename = (char *(*)(void))dlsym(h, "openblas_get_corename");
	ob_parallel = (int (*)(void))dlsym(h, "openblas_get_parallel");
	void (*set_threads)(int) = (void (*)(int))dlsym(h, "openblas_set_num_threads");
	if (!ob_sgemm)
		return "no cblas_sgemm in " WEIR_BENCH_OPENBLAS;
	if (set_threads) /* a threaded flavour: one thread, like ours */
		set_threads(1);
	return NULL;
}

static float *fill(size_t n, unsigned seed)
{
	float *p = malloc(sizeof(float) * (n ? n : 1));
	if (!p)
		return NULL;
	uint64_t x = 0x9e3779b97f4a7c15ull ^ seed;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (float)((double)(x >> 11) / 9007199254740992.0 - 0.5);
	}
	return p;
}

/* ---- subjects ------------------------------------------------------------ */

/* One op kernel call with its operands (ours). */
typedef struct kcall {
	const weir_op_def_t *d;
	weir_op_call_t call;
} kcall_t;

static uint64_t run_ours(void *arg, uint64_t iters)
{
	kcall_t *k = arg;
	uint64_t t0 = wb_now_ns();
	for (uint64_t i = 0; i < iters; i++)
		if (k->d->kernel(&k->call, 0, 1) != 0)
			return 0;
	return wb_now_ns() - t0;
}

typedef struct mm_base {
	int n;
	const float *a, *b;
	float *c;
} mm_base_t;

static uint64_t run_mm_base(void *arg, uint64_t iters)
{
	mm_base_t *m = arg;
	uint64_t t0 = wb_now_ns();
	for (uint64_t i = 0; i < iters; i++)
		ob_sgemm(CB_ROW_MAJOR, CB_NO_TRANS, CB_NO_TRANS, m->n, m->n, m->n, 1.0f, m->a, m->n,
		         m->b, m->n, 0.0f, m->c, m->n);
	return wb_now_ns() - t0;
}

typedef struct cv_base {
	int C, H, W, O, KH, KW, pad;
	const float *x, *w;
	float *col, *y;
} cv_base_t;

static uint64_t run_cv_base(void *arg, uint64_t iters)
{
	cv_base_t *v = arg;
	int OH = v->H + 2 * v->pad - v->KH + 1, OW = v->W + 2 * v->pad - v->KW + 1;
	int S = OH * OW, Kc = v->C * v->KH * v->KW;
	uint64_t t0 = wb_now_ns();
	for (uint64_t it = 0; it < iters; it++) {
		for (int c = 0; c < v->C; c++)
			for (int kh = 0; kh < v->KH; kh++)
				for (int kw = 0; kw < v->KW; kw++) {
					float *dst = v->col +
					             (size_t)((c * v->KH + kh) * v->KW + kw) * S;
					const float *xp = v->x + (size_t)c * v->H * v->W;
					for (int oh = 0; oh < OH; oh++) {
						int ih = oh - v->pad + kh;
						for (int ow = 0; ow < OW; ow++) {
							int iw = ow - v->pad + kw;
							dst[oh * OW + ow] =
							        ih >= 0 && ih < v->H && iw >= 0 &&
							                        iw < v->W
							                ? xp[ih * v->W + iw]
							                : 0.0f;
						}
					}
				}
		ob_sgemm(CB_ROW_MAJOR, CB_NO_TRANS, CB_NO_TRANS, v->O, S, Kc, 1.0f, v->w, Kc,
		         v->col, S, 0.0f, v->y, S);
	}
	return wb_now_ns() - t0;
}

/* ---- interleaved GFLOP/s rounds ---------------------------------------- */

static double median(double *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			double t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Iterations of `run` that last at least round_ns (from one timed call). */
static uint64_t calibrate(uint64_t (*run)(void *, uint64_t), void *arg, uint64_t round_ns)
{
	uint64_t t = run(arg, 1);
	if (t == 0)
		return 0;
	uint64_t n = round_ns / t + 1;
	return n;
}

/* Interleave ours / baseline for the rounds; per-round GFLOP/s ratios. */
static wb_figure_t *k1_measure(const char *name, double flops, const char *ours_name,
                               uint64_t (*ours)(void *, uint64_t), void *oa, const char *base_name,
                               uint64_t (*base)(void *, uint64_t), void *ba, double target_ge,
                               const char *target_text)
{
	int rounds = wb_quick() ? 3 : 7;
	uint64_t round_ns = (wb_quick() ? 10u : 50u) * 1000000u;
	uint64_t no = calibrate(ours, oa, round_ns), nb = calibrate(base, ba, round_ns);
	double go[16], gb[16], ratio[16];
	bool ok = no && nb;
	for (int r = 0; ok && r < rounds; r++) {
		uint64_t to = ours(oa, no), tb = base(ba, nb);
		ok = to && tb;
		go[r] = flops * (double)no / (double)to; /* flop/ns = GFLOP/s */
		gb[r] = flops * (double)nb / (double)tb;
		ratio[r] = go[r] / gb[r];
	}
	wb_figure_t *f;
	if (!ok) {
		f = wb_value(name, "GFLOP/s", ours_name, 0, base_name, 0);
		wb_fail(f, "a kernel call failed");
	} else {
		double mo = median(go, rounds), mb = median(gb, rounds);
		f = wb_value_rounds(name, "GFLOP/s", ours_name, mo, base_name, mb, ratio,
		                    (size_t)rounds);
	}
	if (target_ge > 0)
		wb_target(f, WB_GE, target_ge, target_text);
	wb_note(f, "weir's engine: BLIS, %s sub-configuration", weir__ops_gemm_engine());
	return f;
}

/* max |x - y| / max(1, max |y|) */
static double rel_err(const float *x, const float *y, size_t n)
{
	double e = 0, m = 1;
	for (size_t i = 0; i < n; i++) {
		double d = fabs((double)x[i] - (double)y[i]);
		if (d > e)
			e = d;
		if (fabs((double)y[i]) > m)
			m = fabs((double)y[i]);
	}
	return e / m;
}

static void k1_matmul(int n, weir_attrs_t *attrs)
{
	char name[64];
	snprintf(name, sizeof name, "K1.matmul.%d", n);
	if (!wb_enabled(name))
		return;
	size_t nn = (size_t)n * n;
	float *a = fill(nn, 1), *b = fill(nn, 2), *y = calloc(nn, sizeof(float)),
	      *c = calloc(nn, sizeof(float));
	if (!a || !b || !y || !c) {
		fprintf(stderr, "bench_kernels: out of memory\n");
		exit(1);
	}
	weir_tensor_desc_t in_desc[2], out_desc[1];
	memset(in_desc, 0, sizeof in_desc);
	memset(out_desc, 0, sizeof out_desc);
	for (int i = 0; i < 2; i++) {
		in_desc[i].dtype = WEIR_DT_FLOAT;
		in_desc[i].rank = 2;
		in_desc[i].dims[0] = in_desc[i].dims[1] = n;
	}
	out_desc[0] = in_desc[0];
	const void *ins[2] = { a, b };
	void *outs[1] = { y };
	kcall_t k = { weir__op_lookup("MatMul"),
		      { .nin = 2,
		        .nout = 1,
		        .in = ins,
		        .out = outs,
		        .in_desc = in_desc,
		        .out_desc = out_desc,
		        .attrs = attrs,
		        .node_name = "K1" } };
	mm_base_t base = { n, a, b, c };
	wb_figure_t *f =
	        k1_measure(name, 2.0 * n * n * n, "weir MatMul kernel (1 block)", run_ours, &k,
	                   "OpenBLAS cblas_sgemm (1 thread)", run_mm_base, &base,
	                   n >= 256 ? 0.8 : 0.0, ">= 0.8x OpenBLAS GFLOP/s per worker (issue 14)");
	double e = rel_err(y, c, nn);
	wb_extra(f, "rel_err", e);
	if (!(e <= 1e-4))
		wb_fail(f, "results differ from OpenBLAS: relative error %.3g", e);
	free(a);
	free(b);
	free(y);
	free(c);
}

static void k1_conv(weir_attrs_t *attrs)
{
	const char *name = "K1.conv2d.c64.56x56.k64.3x3";
	if (!wb_enabled(name))
		return;
	enum { C = 64, H = 56, W = 56, O = 64, KH = 3, KW = 3, PAD = 1 };
	int S = H * W, Kc = C * KH * KW;
	float *x = fill((size_t)C * H * W, 3), *w = fill((size_t)O * Kc, 4);
	float *y = calloc((size_t)O * S, sizeof(float)), *yb = calloc((size_t)O * S, sizeof(float));
	float *col = malloc(sizeof(float) * (size_t)Kc * S);
	if (!x || !w || !y || !yb || !col) {
		fprintf(stderr, "bench_kernels: out of memory\n");
		exit(1);
	}
	weir_tensor_desc_t in_desc[2], out_desc[1];
	memset(in_desc, 0, sizeof in_desc);
	memset(out_desc, 0, sizeof out_desc);
	in_desc[0] =
	        (weir_tensor_desc_t){ .dtype = WEIR_DT_FLOAT, .rank = 4, .dims = { 1, C, H, W } };
	in_desc[1] =
	        (weir_tensor_desc_t){ .dtype = WEIR_DT_FLOAT, .rank = 4, .dims = { O, C, KH, KW } };
	out_desc[0] =
	        (weir_tensor_desc_t){ .dtype = WEIR_DT_FLOAT, .rank = 4, .dims = { 1, O, H, W } };
	const void *ins[2] = { x, w };
	void *outs[1] = { y };
	kcall_t k = { weir__op_lookup("Conv2D"),
		      { .nin = 2,
		        .nout = 1,
		        .in = ins,
		        .out = outs,
		        .in_desc = in_desc,
		        .out_desc = out_desc,
		        .attrs = attrs,
		        .node_name = "K1" } };
	cv_base_t base = { C, H, W, O, KH, KW, PAD, x, w, col, yb };
	wb_figure_t *f =
	        k1_measure(name, 2.0 * O * S * Kc, "weir Conv2D kernel (1 block)", run_ours, &k,
	                   "im2col + OpenBLAS sgemm (1 thread)", run_cv_base, &base, 0.8,
	                   ">= 0.8x im2col + OpenBLAS sgemm per worker (issue 14)");
	double e = rel_err(y, yb, (size_t)O * S);
	wb_extra(f, "rel_err", e);
	if (!(e <= 1e-4))
		wb_fail(f, "results differ from im2col + OpenBLAS: relative error %.3g", e);
	free(x);
	free(w);
	free(y);
	free(yb);
	free(col);
}

int main(int argc, char **argv)
{
	wb_init(argc, argv, "kernels");
	const char *err = openblas_open();
	if (err) {
		fprintf(stderr, "bench_kernels: OpenBLAS baseline unavailable: %s\n", err);
		return 1;
	}
	printf("K1 baseline: OpenBLAS %s core, %s; weir's engine: BLIS %s sub-configuration\n",
	       ob_corename ? ob_corename() : "?",
	       ob_parallel && ob_parallel() == 0 ? "sequential build" : "threaded build",
	       weir__ops_gemm_engine());
	weir_attrs_t *mm_attrs, *cv_attrs;
	if (weir_attrs_create(&mm_attrs) != WEIR_OK || weir_attrs_create(&cv_attrs) != WEIR_OK)
		return 1;
	weir_attrs_set_ints(cv_attrs, "pads", (const int64_t[]){ 1, 1, 1, 1 }, 4);
	static const int sizes[] = { 64, 128, 256, 512, 1024, 2048 };
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		if (sizes[i] == 2048 && wb_quick())
			continue;
		k1_matmul(sizes[i], mm_attrs);
	}
	k1_conv(cv_attrs);
	weir_attrs_destroy(mm_attrs);
	weir_attrs_destroy(cv_attrs);
	return wb_finish();
}
