/*
 * test_aclnn_conv.c - aclnnConvolution (1-D and 2-D, plain and transposed,
 * stride/padding/dilation/groups/bias), aclnnMaxPool2dWithIndices,
 * aclnnMaxPool, aclnnAvgPool2d, aclnnAdaptiveAvgPool2d and
 * aclnnAdaptiveMaxPool2d against host references: contiguous and
 * strided/offset views, 3-D inputs, promotion, float16/bfloat16, the
 * bad-input rows, and 1/2/8 workers byte-identical.
 */
#include "aclnn_harness.h"
#include "aclnnop/aclnn_adaptive_avg_pool2d.h"
#include "aclnnop/aclnn_adaptive_max_pool2d.h"
#include "aclnnop/aclnn_avgpool2d.h"
#include "aclnnop/aclnn_convolution.h"
#include "aclnnop/aclnn_max_pool.h"
#include "aclnnop/aclnn_max_pool2d_with_indices.h"

#define D(...)              \
	{                   \
		__VA_ARGS__ \
	}

/* nh_round with a zeroed buffer (gcc's maybe-uninitialized in deep loops). */
static double rnd(int dt, double v)
{
	unsigned char buf[8] = { 0 };
	nh_store(dt, buf, 0, v);
	return nh_load(dt, buf, 0);
}

static aclIntArray *ia(uint64_t n, const int64_t *v)
{
	aclIntArray *a = aclCreateIntArray(v, n);
	assert_non_null(a);
	return a;
}

/* ---- convolution ------------------------------------------------------------ */

struct ccase {
	bool transposed, one_d, bias;
	int dtx, dtw, dto, rdt;
	int64_t N, C, H, W, O, KH, KW, groups;
	int64_t s[2], p[2], d[2], op[2];
	nh_layout_t lx, lw, lo;
};

static void run_ccase(const struct ccase *c, unsigned char *bytes, size_t *len)
{
	/* 1-D: H = KH = 1 and the h attrs are neutral */
	int64_t H = c->one_d ? 1 : c->H, KH = c->one_d ? 1 : c->KH;
	int64_t sh = c->s[0], sw = c->s[1], ph = c->p[0], pw = c->p[1], dh = c->d[0], dw = c->d[1];
	if (c->one_d)
		sh = 1, ph = 0, dh = 1;
	int64_t G = c->groups, Cg = c->C / G, Og = c->O / G;
	int64_t OH, OW;
	if (c->transposed) {
		OH = (H - 1) * sh - 2 * ph + dh * (KH - 1) + (c->one_d ? 0 : c->op[0]) + 1;
		OW = (c->W - 1) * sw - 2 * pw + dw * (c->KW - 1) + c->op[1] + 1;
	} else {
		OH = (H + 2 * ph - dh * (KH - 1) - 1) / sh + 1;
		OW = (c->W + 2 * pw - dw * (c->KW - 1) - 1) / sw + 1;
	}
	int64_t nx = c->N * c->C * H * c->W, nw = c->O * Cg * KH * c->KW,
	        no = c->N * c->O * OH * OW;
	double *vx = malloc(sizeof(double) * (size_t)nx), *vw = malloc(sizeof(double) * (size_t)nw);
	double vb[64], *ref = malloc(sizeof(double) * (size_t)no),
	               *got = malloc(sizeof(double) * (size_t)no);
	nh_fill(vx, nx, -2, 2, false);
	nh_fill(vw, nw, -1, 1, false);
	nh_fill(vb, c->O, -1, 1, false);
	for (int64_t i = 0; i < nx; i++)
		vx[i] = rnd(c->dtx, vx[i]);
	for (int64_t i = 0; i < nw; i++)
		vw[i] = rnd(c->dtw, vw[i]);
	for (int64_t i = 0; i < c->O; i++)
		vb[i] = rnd(c->dtx, vb[i]);
	/* weight layout: [O, Cg, KH, KW], transposed [C, Og, KH, KW] */
	for (int64_t n = 0; n < c->N; n++)
		for (int64_t o = 0; o < c->O; o++)
			for (int64_t oh = 0; oh < OH; oh++)
				for (int64_t ow = 0; ow < OW; ow++) {
					int64_t g = o / Og;
					float acc = 0;
					for (int64_t ci = 0; ci < Cg; ci++)
						for (int64_t kh = 0; kh < KH; kh++)
							for (int64_t kw = 0; kw < c->KW; kw++) {
								int64_t ih, iw, cin = g * Cg + ci,
								                wi;
								if (c->transposed) {
									int64_t th = oh + ph -
									             kh * dh,
									        tw = ow + pw -
									             kw * dw;
									if (th < 0 || tw < 0 ||
									    th % sh || tw % sw)
										continue;
									ih = th / sh;
									iw = tw / sw;
									wi = ((cin * Og + o % Og) *
									              KH +
									      kh) * c->KW +
									     kw;
								} else {
									ih = oh * sh - ph + kh * dh;
									iw = ow * sw - pw + kw * dw;
									wi = ((o * Cg + ci) * KH +
									      kh) * c->KW +
									     kw;
								}
								if (ih < 0 || ih >= H || iw < 0 ||
								    iw >= c->W)
									continue;
								double xv =
								        vx[((n * c->C + cin) * H +
								            ih) * c->W +
								           iw];
								acc += (float)rnd(c->rdt, xv) *
								       (float)rnd(c->rdt, vw[wi]);
							}
					if (c->bias)
						acc += (float)rnd(c->rdt, vb[o]);
					ref[((n * c->O + o) * OH + oh) * OW + ow] =
					        rnd(c->dto, rnd(c->rdt, acc));
				}
	nh_t x, w, b = { 0 }, o;
	uint32_t r = c->one_d ? 3 : 4;
	int64_t xd[4] = { c->N, c->C, H, c->W }, od[4] = { c->N, c->O, OH, OW };
	int64_t wd[4] = { c->transposed ? c->C : c->O, c->transposed ? Og : Cg, KH, c->KW };
	if (c->one_d) {
		xd[2] = xd[3];
		od[2] = od[3];
		wd[2] = wd[3];
	}
	nh_make(&x, c->dtx, r, xd, vx, c->lx);
	nh_make(&w, c->dtw, r, wd, vw, c->lw);
	if (c->bias)
		nh_make(&b, c->dtx, 1, NH_DIMS(c->O), vb, NH_DENSE);
	nh_make(&o, c->dto, r, od, NULL, c->lo);
	uint64_t na = c->one_d ? 1 : 2;
	const int64_t *s1 = c->one_d ? &c->s[1] : c->s, *p1 = c->one_d ? &c->p[1] : c->p,
	              *d1 = c->one_d ? &c->d[1] : c->d, *o1 = c->one_d ? &c->op[1] : c->op;
	aclIntArray *as = ia(na, s1), *ap = ia(na, p1), *ad = ia(na, d1), *aop = ia(na, o1);
	assert_int_equal(NH_RUN(Convolution, x.t, w.t, b.t, as, ap, ad, c->transposed, aop,
	                        c->groups, o.t, 1),
	                 ACLNN_SUCCESS);
	nh_read(&o, got);
	nh_expect_close(got, ref, no, c->dto == ACL_FLOAT ? c->rdt : c->dto);
	nh_expect_holes_intact(&o);
	if (bytes) {
		nh_read_bytes(&o, bytes);
		*len = (size_t)no * nh_size(c->dto);
	}
	aclDestroyIntArray(as);
	aclDestroyIntArray(ap);
	aclDestroyIntArray(ad);
	aclDestroyIntArray(aop);
	nh_free(&x);
	nh_free(&w);
	nh_free(&b);
	nh_free(&o);
	free(vx);
	free(vw);
	free(ref);
	free(got);
}

#define CF32 ACL_FLOAT, ACL_FLOAT, ACL_FLOAT, ACL_FLOAT

static const struct ccase conv_cases[] = {
	/* 2-D: plain, strided views, stride/padding/dilation, groups, no bias */
	{ false, false, true, CF32, 2, 3, 6, 7, 4, 3, 3, 1, D(1, 1), D(0, 0), D(1, 1), D(0, 0),
	  NH_DENSE, NH_DENSE, NH_DENSE },
	{ false, false, true, CF32, 2, 3, 6, 7, 4, 3, 3, 1, D(1, 1), D(0, 0), D(1, 1), D(0, 0),
	  NH_STRIDED, NH_STRIDED, NH_STRIDED },
	{ false, false, false, CF32, 1, 4, 9, 8, 6, 3, 2, 2, D(2, 1), D(1, 2), D(2, 1), D(0, 0),
	  NH_STRIDED, NH_DENSE, NH_DENSE },
	/* 1-D */
	{ false, true, true, CF32, 2, 4, 0, 11, 6, 0, 3, 2, D(0, 2), D(0, 1), D(0, 2), D(0, 0),
	  NH_DENSE, NH_DENSE, NH_DENSE },
	{ false, true, false, CF32, 2, 3, 0, 9, 2, 0, 2, 1, D(0, 1), D(0, 0), D(0, 1), D(0, 0),
	  NH_STRIDED, NH_STRIDED, NH_STRIDED },
	/* transposed 2-D and 1-D (output padding, groups, dilation) */
	{ true, false, true, CF32, 2, 4, 4, 5, 6, 3, 3, 2, D(2, 2), D(1, 0), D(1, 1), D(1, 0),
	  NH_DENSE, NH_DENSE, NH_DENSE },
	{ true, false, false, CF32, 1, 3, 5, 4, 2, 2, 3, 1, D(1, 2), D(0, 1), D(2, 1), D(0, 1),
	  NH_STRIDED, NH_STRIDED, NH_DENSE },
	{ true, true, true, CF32, 2, 2, 0, 6, 3, 0, 3, 1, D(0, 3), D(0, 1), D(0, 1), D(0, 2),
	  NH_DENSE, NH_STRIDED, NH_DENSE },
	/* float16 and bfloat16; promotion float16 input x float32 weight -> float32;
	 * a float16 result into a float32 output */
	{ false,   false,   true,    ACL_FLOAT16, ACL_FLOAT16, ACL_FLOAT16, ACL_FLOAT16, 1,
	  3,       5,       5,       2,           3,           3,           1,           D(1, 1),
	  D(1, 1), D(1, 1), D(0, 0), NH_DENSE,    NH_DENSE,    NH_DENSE },
	{ false,   false,   true,    ACL_BF16,   ACL_BF16, ACL_BF16, ACL_BF16, 1,
	  3,       5,       5,       2,          3,        3,        1,        D(1, 1),
	  D(1, 1), D(1, 1), D(0, 0), NH_STRIDED, NH_DENSE, NH_DENSE },
	{ false,   false,   true,    ACL_FLOAT16, ACL_FLOAT, ACL_FLOAT, ACL_FLOAT, 1,
	  3,       5,       5,       2,           3,         3,         1,         D(1, 1),
	  D(1, 1), D(1, 1), D(0, 0), NH_DENSE,    NH_DENSE,  NH_DENSE },
	{ true,    false,   true,    ACL_FLOAT16, ACL_FLOAT16, ACL_FLOAT, ACL_FLOAT16, 1,
	  2,       3,       3,       2,           2,           2,         1,           D(2, 2),
	  D(0, 0), D(1, 1), D(0, 0), NH_DENSE,    NH_DENSE,    NH_DENSE },
};

static void test_convolution(void **state)
{
	(void)state;
	nh_init(2);
	for (size_t i = 0; i < sizeof(conv_cases) / sizeof(conv_cases[0]); i++)
		run_ccase(&conv_cases[i], NULL, NULL);
	nh_fini();
}

/* ---- pooling ------------------------------------------------------------------ */

enum pfn { P_MAXIDX, P_MAX, P_AVG, P_AAVG, P_AMAX };

struct pcase {
	enum pfn f;
	int dt, idt;
	uint32_t rank;
	int64_t dims[4];
	nh_layout_t lx, lo;
	int64_t k[2], s[2], pads[4]; /* pads: GE order [top, bottom, left, right] */
	uint32_t ns;                 /* strides' length (0: the default) */
	bool ceil, cip;
	int64_t divisor;
	int64_t osz[2]; /* adaptive */
};

static int64_t pool_extent(int64_t in, int64_t p0, int64_t p1, int64_t k, int64_t s, bool ceil)
{
	int64_t span = in + p0 + p1 - k;
	int64_t n = (ceil ? (span + s - 1) / s : span / s) + 1;
	if (ceil && (n - 1) * s >= in + p0)
		n--;
	return n;
}

static void run_pcase(const struct pcase *c, unsigned char *bytes, size_t *len)
{
	int64_t N = c->rank == 4 ? c->dims[0] : 1, C = c->dims[c->rank - 3],
	        H = c->dims[c->rank - 2], W = c->dims[c->rank - 1];
	bool adaptive = c->f >= P_AAVG;
	int64_t s0 = c->ns ? c->s[0] : c->f == P_MAX ? 1 : c->k[0];
	int64_t s1 = c->ns ? c->s[1] : c->f == P_MAX ? 1 : c->k[1];
	int64_t OH =
	        adaptive ? c->osz[0] : pool_extent(H, c->pads[0], c->pads[1], c->k[0], s0, c->ceil);
	int64_t OW =
	        adaptive ? c->osz[1] : pool_extent(W, c->pads[2], c->pads[3], c->k[1], s1, c->ceil);
	int64_t nx = N * C * H * W, no = N * C * OH * OW;
	double *vx = malloc(sizeof(double) * (size_t)nx),
	       *ref = malloc(sizeof(double) * (size_t)no),
	       *iref = malloc(sizeof(double) * (size_t)no),
	       *got = malloc(sizeof(double) * (size_t)no);
	nh_fill(vx, nx, -50, 50, !nh_is_float(c->dt));
	for (int64_t i = 0; i < nx; i++)
		vx[i] = rnd(c->dt, vx[i]);
	bool is_max = c->f == P_MAXIDX || c->f == P_MAX || c->f == P_AMAX;
	for (int64_t pl = 0; pl < N * C; pl++)
		for (int64_t oh = 0; oh < OH; oh++)
			for (int64_t ow = 0; ow < OW; ow++) {
				int64_t h0, h1, w0, w1, ph1, pw1, hs, ws;
				if (adaptive) {
					h0 = oh * H / OH;
					h1 = ((oh + 1) * H + OH - 1) / OH;
					w0 = ow * W / OW;
					w1 = ((ow + 1) * W + OW - 1) / OW;
					hs = h0, ws = w0, ph1 = h1, pw1 = w1;
				} else {
					hs = oh * s0 - c->pads[0];
					ws = ow * s1 - c->pads[2];
					ph1 = hs + c->k[0] < H + c->pads[1] ? hs + c->k[0]
					                                    : H + c->pads[1];
					pw1 = ws + c->k[1] < W + c->pads[3] ? ws + c->k[1]
					                                    : W + c->pads[3];
					h0 = hs < 0 ? 0 : hs;
					w0 = ws < 0 ? 0 : ws;
					h1 = hs + c->k[0] < H ? hs + c->k[0] : H;
					w1 = ws + c->k[1] < W ? ws + c->k[1] : W;
				}
				double best = -INFINITY, sum = 0;
				int64_t bi = -1, cnt = 0;
				for (int64_t ih = h0; ih < h1; ih++)
					for (int64_t iw = w0; iw < w1; iw++) {
						double v = vx[pl * H * W + ih * W + iw];
						if (v > best || bi < 0)
							best = v, bi = ih * W + iw;
						sum += v;
						cnt++;
					}
				int64_t i = (pl * OH + oh) * OW + ow;
				if (is_max) {
					ref[i] = best;
					iref[i] = (double)bi;
				} else {
					double div = (double)cnt;
					if (c->f == P_AVG && c->divisor)
						div = (double)c->divisor;
					else if (c->f == P_AVG && c->cip)
						div = (double)((ph1 - hs) * (pw1 - ws));
					ref[i] = rnd(c->dt, sum / div);
				}
			}
	nh_t x, o, oi = { 0 };
	int64_t od[4] = { N, C, OH, OW };
	const int64_t *odp = c->rank == 4 ? od : od + 1;
	nh_make(&x, c->dt, c->rank, c->dims, vx, c->lx);
	nh_make(&o, c->dt, c->rank, odp, NULL, c->lo);
	if (c->f == P_MAXIDX || c->f == P_AMAX)
		nh_make(&oi, c->idt, c->rank, odp, NULL, c->lo);
	aclIntArray *ak = ia(2, c->k), *as = ia(c->ns, c->s), *ones = ia(2, NH_DIMS(1, 1));
	aclIntArray *osz = ia(2, c->osz);
	/* symmetric torch padding, or ONNX [top, left, bottom, right] for aclnnMaxPool */
	aclIntArray *ap = ia(2, NH_DIMS(c->pads[0], c->pads[2]));
	aclIntArray *aonnx = ia(4, NH_DIMS(c->pads[0], c->pads[2], c->pads[1], c->pads[3]));
	int rc;
	switch (c->f) {
	case P_MAXIDX:
		rc = NH_RUN(MaxPool2dWithIndices, x.t, ak, as, ap, ones, c->ceil, o.t, oi.t);
		break;
	case P_MAX: rc = NH_RUN(MaxPool, x.t, ak, as, 0, aonnx, ones, c->ceil, o.t); break;
	case P_AVG:
		rc = NH_RUN(AvgPool2d, x.t, ak, as, ap, c->ceil, c->cip, c->divisor, 0, o.t);
		break;
	case P_AAVG: rc = NH_RUN(AdaptiveAvgPool2d, x.t, osz, o.t); break;
	default: rc = NH_RUN(AdaptiveMaxPool2d, x.t, osz, o.t, oi.t); break;
	}
	assert_int_equal(rc, ACLNN_SUCCESS);
	nh_read(&o, got);
	nh_expect_close(got, ref, no, c->dt);
	nh_expect_holes_intact(&o);
	if (oi.t) {
		nh_read(&oi, got);
		nh_expect_close(got, iref, no, c->idt);
		nh_expect_holes_intact(&oi);
	}
	if (bytes) {
		nh_read_bytes(&o, bytes);
		*len = (size_t)no * nh_size(c->dt);
		if (oi.t) {
			nh_read_bytes(&oi, bytes + *len);
			*len += (size_t)no * nh_size(c->idt);
		}
	}
	aclDestroyIntArray(ak);
	aclDestroyIntArray(as);
	aclDestroyIntArray(ones);
	aclDestroyIntArray(osz);
	aclDestroyIntArray(ap);
	aclDestroyIntArray(aonnx);
	nh_free(&x);
	nh_free(&o);
	nh_free(&oi);
	free(vx);
	free(ref);
	free(iref);
	free(got);
}

#define Z4 D(0, 0, 0, 0)

static const struct pcase pool_cases[] = {
	/* MaxPool2dWithIndices: plain, strided, padding + ceil_mode, 3-D, default
	 * stride, int32 indices, float16/bfloat16 */
	{ P_MAXIDX, ACL_FLOAT, ACL_INT64, 4, D(2, 3, 6, 7), NH_DENSE, NH_DENSE, D(2, 2), D(2, 2),
	  Z4, 2 },
	{ P_MAXIDX, ACL_FLOAT, ACL_INT64, 4, D(2, 3, 6, 7), NH_STRIDED, NH_STRIDED, D(3, 2),
	  D(1, 2), Z4, 2 },
	{ P_MAXIDX, ACL_FLOAT, ACL_INT64, 4, D(1, 2, 7, 8), NH_DENSE, NH_DENSE, D(3, 3), D(2, 2),
	  D(1, 1, 1, 1), 2, true },
	{ P_MAXIDX, ACL_FLOAT, ACL_INT32, 3, D(3, 5, 6), NH_STRIDED, NH_DENSE, D(2, 3), D(0, 0),
	  D(1, 1, 0, 0), 0, true },
	{ P_MAXIDX, ACL_FLOAT16, ACL_INT64, 4, D(1, 2, 5, 5), NH_DENSE, NH_DENSE, D(2, 2), D(1, 1),
	  Z4, 2 },
	{ P_MAXIDX, ACL_BF16, ACL_INT32, 4, D(1, 2, 5, 5), NH_STRIDED, NH_DENSE, D(2, 2), D(1, 1),
	  Z4, 2 },
	/* MaxPool: ONNX pads (asymmetric), default stride 1, int8/uint16 (pooled in
	 * float32) */
	{ P_MAX, ACL_FLOAT, 0, 4, D(2, 3, 6, 7), NH_DENSE, NH_DENSE, D(3, 3), D(2, 2),
	  D(1, 0, 1, 0), 2 },
	{ P_MAX, ACL_FLOAT, 0, 4, D(2, 3, 6, 7), NH_STRIDED, NH_STRIDED, D(2, 3), D(0, 0), Z4, 0 },
	{ P_MAX, ACL_FLOAT16, 0, 3, D(2, 5, 5), NH_DENSE, NH_DENSE, D(2, 2), D(2, 2), Z4, 2, true },
	{ P_MAX, ACL_INT8, 0, 4, D(1, 2, 5, 6), NH_STRIDED, NH_DENSE, D(2, 2), D(1, 2), Z4, 2 },
	{ P_MAX, ACL_UINT16, 0, 4, D(1, 2, 5, 6), NH_DENSE, NH_DENSE, D(2, 2), D(1, 2), Z4, 2 },
	/* AvgPool2d: plain, strided, padding with and without count_include_pad,
	 * ceil_mode, divisor_override, 3-D, float16/bfloat16 */
	{ P_AVG, ACL_FLOAT, 0, 4, D(2, 3, 6, 7), NH_DENSE, NH_DENSE, D(2, 2), D(2, 2), Z4, 2 },
	{ P_AVG, ACL_FLOAT, 0, 4, D(2, 3, 6, 7), NH_STRIDED, NH_STRIDED, D(3, 2), D(1, 2), Z4, 2 },
	{ P_AVG, ACL_FLOAT, 0, 4, D(1, 2, 7, 8), NH_DENSE, NH_DENSE, D(3, 3), D(2, 2),
	  D(1, 1, 1, 1), 2, true, true },
	{ P_AVG, ACL_FLOAT, 0, 4, D(1, 2, 7, 8), NH_DENSE, NH_DENSE, D(3, 3), D(2, 2),
	  D(1, 1, 1, 1), 2, true, false },
	{ P_AVG, ACL_FLOAT, 0, 4, D(1, 2, 7, 8), NH_DENSE, NH_DENSE, D(3, 2), D(2, 2),
	  D(1, 1, 0, 0), 2, false, true, -5 },
	{ P_AVG, ACL_FLOAT, 0, 3, D(3, 5, 6), NH_STRIDED, NH_DENSE, D(2, 3), D(0, 0), Z4, 0 },
	{ P_AVG, ACL_FLOAT16, 0, 4, D(1, 2, 5, 5), NH_DENSE, NH_DENSE, D(2, 2), D(1, 1), Z4, 2 },
	{ P_AVG, ACL_BF16, 0, 4, D(1, 2, 5, 5), NH_STRIDED, NH_DENSE, D(2, 2), D(1, 1), Z4, 2 },
	/* adaptive pools: shrink, grow (overlapping windows), 3-D, strided, fp16 */
	{ P_AAVG, ACL_FLOAT, 0, 4, D(2, 3, 7, 9), NH_DENSE, NH_DENSE, D(0, 0), D(0, 0), Z4, 0,
	  false, false, 0, D(3, 4) },
	{ P_AAVG, ACL_FLOAT, 0, 3, D(3, 5, 4), NH_STRIDED, NH_STRIDED, D(0, 0), D(0, 0), Z4, 0,
	  false, false, 0, D(7, 3) },
	{ P_AAVG, ACL_FLOAT16, 0, 4, D(1, 2, 6, 6), NH_DENSE, NH_DENSE, D(0, 0), D(0, 0), Z4, 0,
	  false, false, 0, D(4, 4) },
	{ P_AMAX, ACL_FLOAT, ACL_INT64, 4, D(2, 3, 7, 9), NH_DENSE, NH_DENSE, D(0, 0), D(0, 0), Z4,
	  0, false, false, 0, D(3, 4) },
	{ P_AMAX, ACL_FLOAT, ACL_INT64, 3, D(3, 5, 4), NH_STRIDED, NH_STRIDED, D(0, 0), D(0, 0), Z4,
	  0, false, false, 0, D(7, 3) },
	{ P_AMAX, ACL_BF16, ACL_INT64, 4, D(1, 2, 6, 6), NH_DENSE, NH_DENSE, D(0, 0), D(0, 0), Z4,
	  0, false, false, 0, D(4, 4) },
};

static void test_pooling(void **state)
{
	(void)state;
	nh_init(2);
	for (size_t i = 0; i < sizeof(pool_cases) / sizeof(pool_cases[0]); i++)
		run_pcase(&pool_cases[i], NULL, NULL);
	nh_fini();
}

static void test_bad_inputs(void **state)
{
	(void)state;
	nh_init(2);
	double v[256] = { 0 };
	nh_t x, w, o, x5, w5, xi, xd, bb, xs, x2, p, pi, pi32, pf16, ps;
	nh_make(&x, ACL_FLOAT, 4, NH_DIMS(1, 2, 5, 5), v, NH_DENSE);
	nh_make(&xs, ACL_FLOAT, 4, NH_DIMS(1, 2, 5, 5), v, NH_STRIDED);
	nh_make(&w, ACL_FLOAT, 4, NH_DIMS(3, 2, 3, 3), v, NH_DENSE);
	nh_make(&o, ACL_FLOAT, 4, NH_DIMS(1, 3, 3, 3), NULL, NH_DENSE);
	nh_make(&x5, ACL_FLOAT, 5, NH_DIMS(1, 2, 3, 3, 3), v, NH_DENSE);
	nh_make(&w5, ACL_FLOAT, 5, NH_DIMS(3, 2, 1, 1, 1), v, NH_DENSE);
	nh_make(&xi, ACL_INT32, 4, NH_DIMS(1, 2, 5, 5), v, NH_DENSE);
	nh_make(&xd, ACL_DOUBLE, 4, NH_DIMS(1, 2, 5, 5), v, NH_DENSE);
	nh_make(&bb, ACL_FLOAT, 1, NH_DIMS(4), v, NH_DENSE);
	nh_make(&x2, ACL_FLOAT, 2, NH_DIMS(5, 5), v, NH_DENSE);
	nh_make(&p, ACL_FLOAT, 4, NH_DIMS(1, 2, 2, 2), NULL, NH_DENSE);
	nh_make(&ps, ACL_FLOAT, 4, NH_DIMS(1, 2, 3, 3), NULL, NH_DENSE);
	nh_make(&pf16, ACL_FLOAT16, 4, NH_DIMS(1, 2, 2, 2), NULL, NH_DENSE);
	nh_make(&pi, ACL_INT64, 4, NH_DIMS(1, 2, 2, 2), NULL, NH_DENSE);
	nh_make(&pi32, ACL_FLOAT, 4, NH_DIMS(1, 2, 2, 2), NULL, NH_DENSE);
	aclIntArray *one2 = ia(2, NH_DIMS(1, 1)), *zero2 = ia(2, NH_DIMS(0, 0));
	aclIntArray *k2 = ia(2, NH_DIMS(2, 2)), *k3 = ia(3, NH_DIMS(2, 2, 2)),
	            *neg = ia(2, NH_DIMS(-1, 1)), *big = ia(2, NH_DIMS(2, 2)),
	            *dil2 = ia(2, NH_DIMS(2, 2)), *empty = ia(0, NULL), *o22 = ia(2, NH_DIMS(2, 2)),
	            *o0 = ia(2, NH_DIMS(0, 2));
	uint64_t ws;
	aclOpExecutor *ex = NULL;
#define CONV(xx, ww, bbb, st, pp, dd, tr, op, g, oo) \
	aclnnConvolutionGetWorkspaceSize(xx, ww, bbb, st, pp, dd, tr, op, g, oo, 1, &ws, &ex)
	/* Convolution: NULLs */
	assert_int_equal(CONV(NULL, w.t, NULL, one2, zero2, one2, false, zero2, 1, o.t),
	                 ACLNN_ERR_PARAM_NULLPTR);
	nh_expect_msg("input is NULL");
	assert_int_equal(CONV(x.t, w.t, NULL, NULL, zero2, one2, false, zero2, 1, o.t),
	                 ACLNN_ERR_PARAM_NULLPTR);
	nh_expect_msg("stride is NULL");
	assert_int_equal(CONV(x.t, w.t, NULL, one2, zero2, one2, false, zero2, 1, NULL),
	                 ACLNN_ERR_PARAM_NULLPTR);
	/* shapes and attrs */
	assert_int_equal(CONV(x.t, w.t, NULL, one2, zero2, one2, false, zero2, 1, p.t),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("the output has shape");
	assert_int_equal(CONV(x.t, w.t, bb.t, one2, zero2, one2, false, zero2, 1, o.t),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("bias");
	assert_int_equal(CONV(x.t, w.t, NULL, k3, zero2, one2, false, zero2, 1, o.t),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(CONV(x.t, w.t, NULL, one2, neg, one2, false, zero2, 1, o.t),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(CONV(x.t, w.t, NULL, one2, zero2, one2, false, zero2, 2, o.t),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(CONV(x.t, w.t, NULL, one2, zero2, one2, false, zero2, 0, o.t),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("groups");
	assert_int_equal(CONV(x5.t, w5.t, NULL, one2, zero2, one2, false, zero2, 1, o.t),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("rank 5");
	assert_int_equal(CONV(x2.t, w.t, NULL, one2, zero2, one2, false, zero2, 1, o.t),
	                 ACLNN_ERR_PARAM_INVALID);
	/* transposed: output padding must be below the stride */
	assert_int_equal(CONV(x.t, w.t, NULL, one2, zero2, one2, true, o22, 1, o.t),
	                 ACLNN_ERR_PARAM_INVALID);
	/* dtypes: int32 and double inputs */
	assert_int_equal(CONV(xi.t, w.t, NULL, one2, zero2, one2, false, zero2, 1, o.t),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("float32");
	assert_int_equal(CONV(xd.t, w.t, NULL, one2, zero2, one2, false, zero2, 1, o.t),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnConvolutionGetWorkspaceSize(x.t, w.t, NULL, one2, zero2, one2, false,
	                                                  zero2, 1, o.t, 7, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	/* workspace too small */
	assert_int_equal(
	        NH_PLAN(Convolution, xs.t, w.t, NULL, one2, zero2, one2, false, zero2, 1, o.t, 1),
	        ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnConvolution);

	/* MaxPool2dWithIndices */
	assert_int_equal(aclnnMaxPool2dWithIndicesGetWorkspaceSize(NULL, k2, k2, zero2, one2, false,
	                                                           p.t, pi.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnMaxPool2dWithIndicesGetWorkspaceSize(x.t, NULL, k2, zero2, one2,
	                                                           false, p.t, pi.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	nh_expect_msg("kernelSize is NULL");
	assert_int_equal(aclnnMaxPool2dWithIndicesGetWorkspaceSize(x.t, k2, k2, zero2, one2, false,
	                                                           ps.t, pi.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnMaxPool2dWithIndicesGetWorkspaceSize(x.t, k2, k2, zero2, dil2, false,
	                                                           p.t, pi.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("dilation");
	assert_int_equal(aclnnMaxPool2dWithIndicesGetWorkspaceSize(x.t, k2, k2, big, one2, false,
	                                                           p.t, pi.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("half the window");
	assert_int_equal(aclnnMaxPool2dWithIndicesGetWorkspaceSize(x.t, k2, k2, zero2, one2, false,
	                                                           p.t, pi32.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("indices");
	assert_int_equal(aclnnMaxPool2dWithIndicesGetWorkspaceSize(x.t, k2, k2, zero2, one2, false,
	                                                           pf16.t, pi.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnMaxPool2dWithIndicesGetWorkspaceSize(xi.t, k2, k2, zero2, one2, false,
	                                                           p.t, pi.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnMaxPool2dWithIndicesGetWorkspaceSize(x2.t, k2, k2, zero2, one2, false,
	                                                           p.t, pi.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(NH_PLAN(MaxPool2dWithIndices, xs.t, k2, k2, zero2, one2, false, p.t, pi.t),
	                 ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnMaxPool2dWithIndices);

	/* MaxPool */
	assert_int_equal(
	        aclnnMaxPoolGetWorkspaceSize(x.t, k2, k2, 0, empty, empty, 0, NULL, &ws, &ex),
	        ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(
	        aclnnMaxPoolGetWorkspaceSize(x.t, k2, k2, 1, empty, empty, 0, p.t, &ws, &ex),
	        ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("autoPad");
	assert_int_equal(aclnnMaxPoolGetWorkspaceSize(x.t, k2, k2, 0, k3, empty, 0, p.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(
	        aclnnMaxPoolGetWorkspaceSize(x.t, k2, k2, 0, empty, dil2, 0, p.t, &ws, &ex),
	        ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(
	        aclnnMaxPoolGetWorkspaceSize(x.t, k2, k2, 0, empty, empty, 0, ps.t, &ws, &ex),
	        ACLNN_ERR_PARAM_INVALID);
	nh_t xi64;
	nh_make(&xi64, ACL_INT64, 4, NH_DIMS(1, 2, 5, 5), v, NH_DENSE);
	assert_int_equal(
	        aclnnMaxPoolGetWorkspaceSize(xi64.t, k2, k2, 0, empty, empty, 0, pi.t, &ws, &ex),
	        ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("int64");
	nh_free(&xi64);
	assert_int_equal(NH_PLAN(MaxPool, xs.t, k2, k2, 0, empty, empty, 0, p.t), ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnMaxPool);

	/* AvgPool2d */
	assert_int_equal(
	        aclnnAvgPool2dGetWorkspaceSize(x.t, k2, k2, NULL, false, true, 0, 0, p.t, &ws, &ex),
	        ACLNN_ERR_PARAM_NULLPTR);
	nh_expect_msg("paddings is NULL");
	assert_int_equal(aclnnAvgPool2dGetWorkspaceSize(x.t, k2, k2, zero2, false, true, 0, 0, ps.t,
	                                                &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnAvgPool2dGetWorkspaceSize(x.t, k2, k2, zero2, false, true, 0, 9, p.t,
	                                                &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnAvgPool2dGetWorkspaceSize(x.t, empty, k2, zero2, false, true, 0, 0,
	                                                p.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnAvgPool2dGetWorkspaceSize(xd.t, k2, k2, zero2, false, true, 0, 0, p.t,
	                                                &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("float64");
	assert_int_equal(NH_PLAN(AvgPool2d, xs.t, k2, k2, zero2, false, true, 0, 0, p.t),
	                 ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnAvgPool2d);

	/* adaptive pools */
	assert_int_equal(aclnnAdaptiveAvgPool2dGetWorkspaceSize(x.t, NULL, p.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnAdaptiveAvgPool2dGetWorkspaceSize(x.t, k3, p.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnAdaptiveAvgPool2dGetWorkspaceSize(x.t, o0, p.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnAdaptiveAvgPool2dGetWorkspaceSize(x.t, o22, ps.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnAdaptiveAvgPool2dGetWorkspaceSize(xi.t, o22, p.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(NH_PLAN(AdaptiveAvgPool2d, xs.t, o22, p.t), ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnAdaptiveAvgPool2d);
	assert_int_equal(aclnnAdaptiveMaxPool2dGetWorkspaceSize(x.t, o22, p.t, NULL, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	nh_expect_msg("indicesOut is NULL");
	assert_int_equal(aclnnAdaptiveMaxPool2dGetWorkspaceSize(x.t, o22, p.t, pi32.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnAdaptiveMaxPool2dGetWorkspaceSize(x.t, o22, ps.t, pi.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnAdaptiveMaxPool2dGetWorkspaceSize(xd.t, o22, p.t, pi.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(NH_PLAN(AdaptiveMaxPool2d, xs.t, o22, p.t, pi.t), ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnAdaptiveMaxPool2d);
#undef CONV
	aclIntArray *arrs[] = { one2, zero2, k2, k3, neg, big, dil2, empty, o22, o0 };
	for (size_t i = 0; i < sizeof(arrs) / sizeof(arrs[0]); i++)
		aclDestroyIntArray(arrs[i]);
	nh_t *ts[] = { &x, &w, &o, &x5, &w5, &xi, &xd, &bb, &xs, &x2, &p, &pi, &pi32, &pf16, &ps };
	for (size_t i = 0; i < sizeof(ts) / sizeof(ts[0]); i++)
		nh_free(ts[i]);
	nh_fini();
}

/* One large case per function; their output bytes, concatenated. */
static void big_all(void *ctx, unsigned char *out, size_t *len)
{
	(void)ctx;
	static const struct ccase cc[] = {
		{ false, false, true, CF32, 2, 8, 32, 32, 16, 3, 3, 2, D(1, 1), D(1, 1), D(1, 1),
		  D(0, 0), NH_STRIDED, NH_DENSE, NH_DENSE },
		{ true, false, true, CF32, 2, 8, 16, 16, 8, 3, 3, 1, D(2, 2), D(1, 1), D(1, 1),
		  D(1, 1), NH_DENSE, NH_DENSE, NH_DENSE },
		{ false, true, true, CF32, 4, 8, 0, 512, 16, 0, 5, 1, D(0, 1), D(0, 2), D(0, 1),
		  D(0, 0), NH_DENSE, NH_DENSE, NH_DENSE },
	};
	static const struct pcase pc[] = {
		{ P_MAXIDX, ACL_FLOAT, ACL_INT64, 4, D(4, 16, 64, 64), NH_STRIDED, NH_DENSE,
		  D(3, 3), D(2, 2), D(1, 1, 1, 1), 2, true },
		{ P_MAX, ACL_FLOAT, 0, 4, D(4, 16, 64, 64), NH_DENSE, NH_DENSE, D(3, 3), D(1, 1),
		  Z4, 2 },
		{ P_AVG, ACL_FLOAT, 0, 4, D(4, 16, 64, 64), NH_DENSE, NH_DENSE, D(3, 3), D(1, 1),
		  D(1, 1, 1, 1), 2, false, true },
		{ P_AAVG, ACL_FLOAT, 0, 4, D(4, 16, 64, 64), NH_DENSE, NH_DENSE, D(0, 0), D(0, 0),
		  Z4, 0, false, false, 0, D(30, 30) },
		{ P_AMAX, ACL_FLOAT, ACL_INT64, 4, D(4, 16, 64, 64), NH_DENSE, NH_DENSE, D(0, 0),
		  D(0, 0), Z4, 0, false, false, 0, D(30, 30) },
	};
	nh_rng = 11;
	size_t at = 0, n;
	for (size_t i = 0; i < sizeof(cc) / sizeof(cc[0]); i++) {
		run_ccase(&cc[i], out + at, &n);
		at += n;
	}
	for (size_t i = 0; i < sizeof(pc) / sizeof(pc[0]); i++) {
		run_pcase(&pc[i], out + at, &n);
		at += n;
	}
	*len = at;
}

static void test_workers_identical(void **state)
{
	(void)state;
	nh_for_workers(big_all, NULL, (size_t)16 << 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_convolution),
		cmocka_unit_test(test_pooling),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_workers_identical),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
