/*
 * tests/unit/test_ops_pool2.c - MaxPool/AvgPool's ceil_mode,
 * divisor_override and indices; AdaptiveAvgPool2d, AdaptiveMaxPool2d and
 * Conv2DTranspose against host references written from PyTorch's
 * definitions (float dtypes, empty batches, several blocks, bad inputs).
 */
#include "test_ops_harness.h"

/* torch's pooling_output_shape for one dim. */
static int64_t torch_pool_out(int64_t in, int64_t p0, int64_t p1, int64_t k, int64_t s, bool ceil)
{
	int64_t num = in + p0 + p1 - k + (ceil ? s - 1 : 0);
	int64_t o = num / s + 1;
	if (ceil && (o - 1) * s >= in + p0)
		o--;
	return o;
}

static void run_pool(const char *op, int dt, const int64_t *xd, const int64_t *k, const int64_t *st,
                     const int64_t *p, bool ceil, int incl, int64_t divisor, bool idx)
{
	bool avg = !strcmp(op, "AvgPool");
	opcase_t c;
	oc_init(&c, op);
	oc_in_gen(&c, dt, 4, xd, -3, 3);
	OC_INTS(&c, "ksize", k[0], k[1]);
	OC_INTS(&c, "strides", st[0], st[1]);
	OC_INTS(&c, "pads", p[0], p[1], p[2], p[3]);
	if (ceil)
		oc_attr_bool(&c, "ceil_mode", true);
	if (incl)
		oc_attr_bool(&c, "exclusive", false);
	if (divisor)
		oc_attr_int(&c, "divisor_override", divisor);
	OC_EXPECT_OK(&c, idx ? 2 : 1);
	int64_t OH = torch_pool_out(xd[2], p[0], p[1], k[0], st[0], ceil);
	int64_t OW = torch_pool_out(xd[3], p[2], p[3], k[1], st[1], ceil);
	OC_SHAPE(&c, 0, dt, xd[0], xd[1], OH, OW);
	if (idx)
		OC_SHAPE(&c, 1, WEIR_DT_INT64, xd[0], xd[1], OH, OW);
	int64_t n = xd[0] * xd[1] * OH * OW, H = xd[2], W = xd[3];
	double *ref = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
	assert_non_null(ref);
	for (int64_t q = 0; q < n; q++) {
		int64_t ow = q % OW, oh = (q / OW) % OH, plane = q / (OW * OH);
		/* torch's avg_pool2d / max_pool2d CPU loops */
		int64_t hs = oh * st[0] - p[0], ws = ow * st[1] - p[2];
		int64_t he = hs + k[0] < H + p[1] ? hs + k[0] : H + p[1];
		int64_t we = ws + k[1] < W + p[3] ? ws + k[1] : W + p[3];
		int64_t pool = (he - hs) * (we - ws);
		hs = hs < 0 ? 0 : hs;
		ws = ws < 0 ? 0 : ws;
		he = he < H ? he : H;
		we = we < W ? we : W;
		double s = 0, m = -INFINITY;
		int64_t mi = hs * W + ws;
		for (int64_t ih = hs; ih < he; ih++)
			for (int64_t iw = ws; iw < we; iw++) {
				double v = oc_ld(&c, 0, plane * H * W + ih * W + iw);
				s += v;
				if (v > m || isnan(v)) {
					m = v;
					mi = ih * W + iw;
				}
			}
		double div = divisor ? (double)divisor
		             : incl  ? (double)pool
		                     : (double)((he - hs) * (we - ws));
		ref[q] = avg ? s / div : m;
		if (idx && ((const int64_t *)c.out[1])[q] != mi)
			fail_msg("%s: index[%lld] = %lld, expected %lld", op, (long long)q,
			         (long long)((const int64_t *)c.out[1])[q], (long long)mi);
	}
	oc_expect_close(&c, 0, ref, 4.0);
	free(ref);
	oc_fini(&c);
}

static void test_pool_ceil_divisor_indices(void **state)
{
	(void)state;
	for (size_t t = 0; t < OC_N(oc_float_dts); t++) {
		int dt = oc_float_dts[t];
		for (int ceil = 0; ceil < 2; ceil++) {
			/* 7 = 3*2 + 1: ceil adds a partial window */
			run_pool("MaxPool", dt, (int64_t[]){ 2, 3, 7, 8 }, (int64_t[]){ 2, 3 },
			         (int64_t[]){ 2, 2 }, (int64_t[]){ 0, 0, 1, 0 }, ceil, 0, 0, true);
			run_pool("MaxPool", dt, (int64_t[]){ 1, 2, 5, 5 }, (int64_t[]){ 3, 3 },
			         (int64_t[]){ 3, 2 }, (int64_t[]){ 1, 1, 1, 1 }, ceil, 0, 0, ceil);
			for (int incl = 0; incl < 2; incl++) {
				run_pool("AvgPool", dt, (int64_t[]){ 2, 3, 7, 8 },
				         (int64_t[]){ 3, 2 }, (int64_t[]){ 2, 3 },
				         (int64_t[]){ 1, 1, 0, 1 }, ceil, incl, 0, false);
				run_pool("AvgPool", dt, (int64_t[]){ 1, 2, 6, 6 },
				         (int64_t[]){ 4, 4 }, (int64_t[]){ 3, 3 },
				         (int64_t[]){ 1, 0, 2, 1 }, ceil, incl, 0, false);
			}
			run_pool("AvgPool", dt, (int64_t[]){ 1, 2, 6, 7 }, (int64_t[]){ 2, 2 },
			         (int64_t[]){ 2, 2 }, (int64_t[]){ 1, 1, 1, 1 }, ceil, 1, 3, false);
			run_pool("AvgPool", dt, (int64_t[]){ 1, 1, 5, 5 }, (int64_t[]){ 3, 3 },
			         (int64_t[]){ 2, 2 }, (int64_t[]){ 0, 0, 0, 0 }, ceil, 0, -2,
			         false);
		}
		/* ceil_mode's rule drops a window that would start in the right
		 * padding: H = 4, k = 2, s = 3, pads 1/1 gives 2, not 3. */
		run_pool("MaxPool", dt, (int64_t[]){ 1, 1, 4, 4 }, (int64_t[]){ 2, 2 },
		         (int64_t[]){ 3, 3 }, (int64_t[]){ 1, 1, 1, 1 }, true, 0, 0, true);
		run_pool("MaxPool", dt, (int64_t[]){ 0, 3, 4, 4 }, (int64_t[]){ 2, 2 },
		         (int64_t[]){ 1, 1 }, (int64_t[]){ 0, 0, 0, 0 }, true, 0, 0, true);
		run_pool("MaxPool", dt, (int64_t[]){ 2, 16, 64, 63 }, (int64_t[]){ 3, 3 },
		         (int64_t[]){ 2, 2 }, (int64_t[]){ 1, 1, 1, 1 }, true, 0, 0,
		         true); /* several blocks */
	}
	/* Indices: ties take the first maximum; a NaN wins (the last one). */
	{
		float x[9] = { 1, 5, 5, 5, 0, 2, NAN, 3, NAN };
		opcase_t c;
		oc_init(&c, "MaxPool");
		oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 1, 3, 3 }, x);
		OC_INTS(&c, "ksize", 2, 2);
		OC_EXPECT_OK(&c, 2);
		const int64_t *I = c.out[1];
		const float *y = c.out[0];
		assert_true(y[0] == 5 && I[0] == 1);
		assert_true(y[1] == 5 && I[1] == 1); /* tie of cells 1 and 2 */
		assert_true(isnan(y[2]) && I[2] == 6);
		assert_true(isnan(y[3]) && I[3] == 8);
		oc_fini(&c);
	}
	static float f[64];
	opcase_t c;
	oc_init(&c, "AvgPool"); /* AvgPool has no indices */
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 1, 4, 4 }, f);
	OC_INTS(&c, "ksize", 2, 2);
	OC_EXPECT_FAIL(&c, 2, WEIR_EINVAL, "count");
	oc_fini(&c);
	oc_init(&c, "AvgPool");
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 1, 4, 4 }, f);
	OC_INTS(&c, "ksize", 2, 2);
	oc_attr_str(&c, "divisor_override", "2");
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "divisor_override");
	oc_fini(&c);
	oc_init(&c, "MaxPool");
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 1, 4, 4 }, f);
	OC_INTS(&c, "ksize", 2, 2);
	oc_attr_str(&c, "ceil_mode", "yes");
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "ceil_mode");
	oc_fini(&c);
}

static void run_adaptive(bool is_max, int dt, int rank, const int64_t *xd, int64_t oh, int64_t ow,
                         bool idx)
{
	opcase_t c;
	oc_init(&c, is_max ? "AdaptiveMaxPool2d" : "AdaptiveAvgPool2d");
	oc_in_gen(&c, dt, rank, xd, -3, 3);
	if (oh == ow && rank == 3)
		OC_INTS(&c, "output_size", oh);
	else
		OC_INTS(&c, "output_size", oh, ow);
	OC_EXPECT_OK(&c, idx ? 2 : 1);
	int64_t od[4];
	for (int i = 0; i < rank - 2; i++)
		od[i] = xd[i];
	od[rank - 2] = oh;
	od[rank - 1] = ow;
	oc_expect_shape(&c, 0, dt, rank, od);
	if (idx)
		oc_expect_shape(&c, 1, WEIR_DT_INT64, rank, od);
	int64_t H = xd[rank - 2], W = xd[rank - 1];
	int64_t n = oc_numel(rank, od);
	double *ref = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
	assert_non_null(ref);
	for (int64_t q = 0; q < n; q++) {
		int64_t j = q % ow, i = (q / ow) % oh, plane = q / (ow * oh);
		/* torch: start_index = floor(a*b/c), end_index = ceil((a+1)*b/c) */
		int64_t hs = (int64_t)floor((double)(i * H) / (double)oh);
		int64_t he = (int64_t)ceil((double)((i + 1) * H) / (double)oh);
		int64_t ws = (int64_t)floor((double)(j * W) / (double)ow);
		int64_t we = (int64_t)ceil((double)((j + 1) * W) / (double)ow);
		double s = 0, m = -INFINITY;
		int64_t mi = hs * W + ws;
		for (int64_t ih = hs; ih < he; ih++)
			for (int64_t iw = ws; iw < we; iw++) {
				double v = oc_ld(&c, 0, plane * H * W + ih * W + iw);
				s += v;
				if (v > m || isnan(v)) {
					m = v;
					mi = ih * W + iw;
				}
			}
		ref[q] = is_max ? m : s / (double)((he - hs) * (we - ws));
		if (idx && ((const int64_t *)c.out[1])[q] != mi)
			fail_msg("index[%lld] = %lld, expected %lld", (long long)q,
			         (long long)((const int64_t *)c.out[1])[q], (long long)mi);
	}
	oc_expect_close(&c, 0, ref, 4.0);
	free(ref);
	oc_fini(&c);
}

static void test_adaptive(void **state)
{
	(void)state;
	for (int m = 0; m < 2; m++)
		for (size_t t = 0; t < OC_N(oc_float_dts); t++) {
			int dt = oc_float_dts[t];
			run_adaptive(m, dt, 4, (int64_t[]){ 2, 3, 7, 9 }, 3, 4, m);
			run_adaptive(m, dt, 4, (int64_t[]){ 1, 2, 5, 5 }, 5, 5,
			             false);                                        /* identity */
			run_adaptive(m, dt, 4, (int64_t[]){ 1, 2, 3, 2 }, 7, 5, m); /* upsampling */
			run_adaptive(m, dt, 3, (int64_t[]){ 3, 10, 10 }, 1, 1, m);  /* global */
			run_adaptive(m, dt, 3, (int64_t[]){ 2, 6, 8 }, 4, 4, false);
			run_adaptive(m, dt, 4, (int64_t[]){ 0, 3, 4, 4 }, 2, 2, m); /* empty */
			run_adaptive(m, dt, 4, (int64_t[]){ 1, 2, 4, 4 }, 0, 2, false);
			run_adaptive(m, dt, 4, (int64_t[]){ 4, 16, 40, 40 }, 13, 17,
			             m); /* several blocks */
		}
	static float f[64];
	opcase_t c;
	oc_init(&c, "AdaptiveAvgPool2d");
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 1, 4, 4 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "output_size");
	oc_fini(&c);
	oc_init(&c, "AdaptiveAvgPool2d");
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 1, 4, 4 }, f);
	OC_INTS(&c, "output_size", 1, 2, 3);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "1 or 2 entries");
	oc_fini(&c);
	oc_init(&c, "AdaptiveMaxPool2d");
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 1, 4, 4 }, f);
	OC_INTS(&c, "output_size", -1, 2);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, ">= 0");
	oc_fini(&c);
	oc_init(&c, "AdaptiveMaxPool2d");
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 1, 4, 4 }, f);
	OC_INTS(&c, "output_size", INT64_MAX / 2, 2);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "too large");
	oc_fini(&c);
	oc_init(&c, "AdaptiveAvgPool2d");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 4 }, f);
	OC_INTS(&c, "output_size", 2, 2);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "[C,H,W]");
	oc_fini(&c);
	oc_init(&c, "AdaptiveAvgPool2d");
	oc_in(&c, WEIR_DT_INT32, 3, (int64_t[]){ 1, 4, 4 }, f);
	OC_INTS(&c, "output_size", 2, 2);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "not supported");
	oc_fini(&c);
	oc_init(&c, "AdaptiveMaxPool2d");
	oc_in(&c, WEIR_DT_FLOAT, 3, (int64_t[]){ 1, 0, 4 }, f);
	OC_INTS(&c, "output_size", 2, 2);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "empty spatial");
	oc_fini(&c);
	oc_init(&c, "AdaptiveAvgPool2d");
	oc_in(&c, WEIR_DT_FLOAT, 3, (int64_t[]){ 1, 4, 4 }, f);
	OC_INTS(&c, "output_size", 2, 2);
	OC_EXPECT_FAIL(&c, 2, WEIR_EINVAL, "count");
	oc_fini(&c);
}

typedef struct ct {
	int64_t N, C, H, W, O, KH, KW, sh, sw, dh, dw, pt, pb, pl, pr, oph, opw, groups;
} ct_t;

/* Scatter reference: every (input, tap) pair adds into its output cell. */
static void run_convt(int dt, const ct_t *p, bool bias)
{
	opcase_t c;
	oc_init(&c, "Conv2DTranspose");
	int64_t Og = p->O / p->groups, Cg = p->C / p->groups;
	oc_in_gen(&c, dt, 4, (int64_t[]){ p->N, p->C, p->H, p->W }, -2, 2);
	oc_in_gen(&c, dt, 4, (int64_t[]){ p->C, Og, p->KH, p->KW }, -1, 1);
	if (bias)
		oc_in_gen(&c, dt, 1, &p->O, -1, 1);
	OC_INTS(&c, "strides", p->sh, p->sw);
	OC_INTS(&c, "dilations", p->dh, p->dw);
	OC_INTS(&c, "pads", p->pt, p->pb, p->pl, p->pr);
	OC_INTS(&c, "output_padding", p->oph, p->opw);
	oc_attr_int(&c, bias ? "groups" : "group", p->groups);
	OC_EXPECT_OK(&c, 1);
	int64_t OH = (p->H - 1) * p->sh - p->pt - p->pb + p->dh * (p->KH - 1) + p->oph + 1;
	int64_t OW = (p->W - 1) * p->sw - p->pl - p->pr + p->dw * (p->KW - 1) + p->opw + 1;
	OC_SHAPE(&c, 0, dt, p->N, p->O, OH, OW);
	int64_t n = p->N * p->O * OH * OW;
	double *ref = calloc((size_t)(n > 0 ? n : 1), sizeof(double));
	double *mag = calloc((size_t)(n > 0 ? n : 1), sizeof(double));
	assert_non_null(ref);
	assert_non_null(mag);
	for (int64_t b = 0; b < p->N; b++)
		for (int64_t ci = 0; ci < p->C; ci++)
			for (int64_t ih = 0; ih < p->H; ih++)
				for (int64_t iw = 0; iw < p->W; iw++) {
					double x = oc_ld(&c, 0,
					                 ((b * p->C + ci) * p->H + ih) * p->W + iw);
					int64_t g = ci / Cg;
					for (int64_t oo = 0; oo < Og; oo++)
						for (int64_t kh = 0; kh < p->KH; kh++)
							for (int64_t kw = 0; kw < p->KW; kw++) {
								int64_t oh = ih * p->sh - p->pt +
								             kh * p->dh;
								int64_t ow = iw * p->sw - p->pl +
								             kw * p->dw;
								if (oh < 0 || oh >= OH || ow < 0 ||
								    ow >= OW)
									continue;
								double w = oc_ld(
								        &c, 1,
								        ((ci * Og + oo) * p->KH +
								         kh) * p->KW +
								                kw);
								int64_t o = g * Og + oo;
								int64_t q = ((b * p->O + o) * OH +
								             oh) * OW +
								            ow;
								ref[q] += x * w;
								mag[q] += fabs(x * w);
							}
				}
	for (int64_t q = 0; q < n; q++) {
		int64_t o = (q / (OH * OW)) % p->O;
		double s = ref[q] + (bias ? oc_ld(&c, 2, o) : 0.0);
		double got = weir_dt_load(dt, c.out[0], q);
		double tol = oc_tol(dt) * (fabs(s) > 1 ? fabs(s) : 1) + 1e-6 * mag[q];
		if (!(fabs(got - s) <= tol))
			fail_msg("Conv2DTranspose %s: out[%lld] = %.9g, expected %.9g",
			         weir_dtype_name(dt), (long long)q, got, s);
	}
	free(ref);
	free(mag);
	oc_fini(&c);
}

static void test_conv2d_transpose(void **state)
{
	(void)state;
	static const ct_t cases[] = {
		/* N C  H  W  O KH KW sh sw dh dw pt pb pl pr oph opw groups */
		{ 1, 1, 3, 3, 1, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1 },
		{ 2, 3, 4, 5, 2, 3, 2, 2, 3, 1, 1, 1, 0, 0, 1, 1, 2, 1 },
		{ 1, 4, 5, 4, 6, 3, 3, 2, 1, 2, 2, 2, 1, 1, 3, 1, 1, 2 },   /* groups, dilation */
		{ 1, 4, 3, 3, 4, 2, 2, 3, 3, 1, 1, 0, 0, 0, 0, 2, 0, 4 },   /* depthwise */
		{ 0, 2, 4, 4, 3, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1 },   /* empty batch */
		{ 2, 8, 16, 16, 8, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0, 1 }, /* several blocks */
	};
	for (size_t s = 0; s < OC_N(cases); s++)
		for (size_t t = 0; t < OC_N(oc_float_dts); t++)
			run_convt(oc_float_dts[t], &cases[s], (s + t) % 2 == 0);

	static float f[256];
	opcase_t c;
	oc_init(&c, "Conv2DTranspose"); /* filter dim 0 != C */
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 3, 4, 4 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 2, 2, 3, 3 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "dim 0 = C");
	oc_fini(&c);
	oc_init(&c, "Conv2DTranspose"); /* groups do not divide C */
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 3, 4, 4 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 3, 2, 3, 3 }, f);
	oc_attr_int(&c, "groups", 2);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "groups");
	oc_fini(&c);
	oc_init(&c, "Conv2DTranspose"); /* output_padding >= stride */
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 1, 4, 4 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 1, 3, 3 }, f);
	OC_INTS(&c, "strides", 2, 2);
	OC_INTS(&c, "output_padding", 2, 0);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "output_padding");
	oc_fini(&c);
	oc_init(&c, "Conv2DTranspose"); /* pads eat the output */
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 1, 2, 2 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 1, 2, 2 }, f);
	OC_INTS(&c, "pads", 2, 2, 0, 0);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "not positive");
	oc_fini(&c);
	oc_init(&c, "Conv2DTranspose"); /* overflow */
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 1, 3, 3 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 1, 2, 2 }, f);
	OC_INTS(&c, "strides", INT64_MAX / 2, 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "overflow");
	oc_fini(&c);
	oc_init(&c, "Conv2DTranspose"); /* bias length */
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 2, 3, 3 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 2, 3, 2, 2 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 2 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "bias");
	oc_fini(&c);
	oc_init(&c, "Conv2DTranspose"); /* dtype */
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 1, 3, 3 }, f);
	oc_in(&c, WEIR_DT_FLOAT16, 4, (int64_t[]){ 1, 1, 2, 2 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "dtype");
	oc_fini(&c);
	oc_init(&c, "Conv2DTranspose"); /* rank */
	oc_in(&c, WEIR_DT_FLOAT, 3, (int64_t[]){ 1, 3, 3 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 1, 2, 2 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "rank 4");
	oc_fini(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_ceil_divisor_indices),
		cmocka_unit_test(test_adaptive),
		cmocka_unit_test(test_conv2d_transpose),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
