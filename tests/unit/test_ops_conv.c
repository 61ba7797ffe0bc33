/*
 * tests/unit/test_ops_conv.c - Conv2D, MaxPool and AvgPool (NCHW) against
 * direct double references: strides, pads, dilations, groups, bias, float
 * dtypes, empty batch, multi-block sizes, attribute forms and bad inputs.
 */
#include "test_ops_harness.h"

#include "base/alloc.h"

typedef struct cv {
	int64_t N, C, H, W, O, KH, KW, sh, sw, dh, dw, pt, pb, pl, pr, groups;
} cv_t;

/* With `invariance`: the case must cut into several blocks, and 1, 2, 3, 7
 * and 16 blocks run at once on their own threads give the same bytes (the
 * float32 GEMM tiles of graph/ops/conv.c). */
static void run_conv_ex(int dt, const cv_t *p, bool bias, bool four, bool invariance)
{
	opcase_t c;
	oc_init(&c, "Conv2D");
	int64_t xd[4] = { p->N, p->C, p->H, p->W };
	int64_t wd[4] = { p->O, p->C / p->groups, p->KH, p->KW };
	oc_in_gen(&c, dt, 4, xd, -2, 2);
	oc_in_gen(&c, dt, 4, wd, -1, 1);
	if (bias)
		oc_in_gen(&c, dt, 1, &p->O, -1, 1);
	if (four) {
		OC_INTS(&c, "strides", 1, 1, p->sh, p->sw);
		OC_INTS(&c, "dilations", 1, 1, p->dh, p->dw);
		oc_attr_str(&c, "data_format", "NCHW");
	} else {
		OC_INTS(&c, "strides", p->sh, p->sw);
		OC_INTS(&c, "dilations", p->dh, p->dw);
	}
	OC_INTS(&c, "pads", p->pt, p->pb, p->pl, p->pr);
	oc_attr_int(&c, four ? "group" : "groups", p->groups);
	OC_EXPECT_OK(&c, 1);
	int64_t OH = (p->H + p->pt + p->pb - p->dh * (p->KH - 1) - 1) / p->sh + 1;
	int64_t OW = (p->W + p->pl + p->pr - p->dw * (p->KW - 1) - 1) / p->sw + 1;
	OC_SHAPE(&c, 0, dt, p->N, p->O, OH, OW);
	int64_t Cg = p->C / p->groups, Og = p->O / p->groups;
	for (int64_t n = 0; n < p->N; n++)
		for (int64_t o = 0; o < p->O; o++)
			for (int64_t oh = 0; oh < OH; oh++)
				for (int64_t ow = 0; ow < OW; ow++) {
					double s = 0, abss = 0;
					for (int64_t ci = 0; ci < Cg; ci++)
						for (int64_t kh = 0; kh < p->KH; kh++)
							for (int64_t kw = 0; kw < p->KW; kw++) {
								int64_t ih = oh * p->sh - p->pt +
								             kh * p->dh;
								int64_t iw = ow * p->sw - p->pl +
								             kw * p->dw;
								if (ih < 0 || ih >= p->H ||
								    iw < 0 || iw >= p->W)
									continue;
								int64_t cin = (o / Og) * Cg + ci;
								double x = oc_ld(
								        &c, 0,
								        ((n * p->C + cin) * p->H +
								         ih) * p->W +
								                iw);
								double w = oc_ld(
								        &c, 1,
								        ((o * Cg + ci) * p->KH +
								         kh) * p->KW +
								                kw);
								s += x * w;
								abss += fabs(x * w);
							}
					if (bias)
						s += oc_ld(&c, 2, o);
					int64_t q = ((n * p->O + o) * OH + oh) * OW + ow;
					double got = weir_dt_load(dt, c.out[0], q);
					double tol = oc_tol(dt) * (fabs(s) > 1 ? fabs(s) : 1) +
					             1e-6 * abss;
					if (!(fabs(got - s) <= tol))
						fail_msg("Conv2D %s: out[%lld] = %.9g, expected "
						         "%.9g",
						         weir_dtype_name(dt), (long long)q, got, s);
				}
	if (invariance) {
		static const uint32_t nbs[] = { 1, 2, 3, 7, 16 };
		const weir_op_def_t *d = weir__op_lookup("Conv2D");
		assert_true(c.blocks4 > 1);
		for (size_t k = 0; k < OC_N(nbs); k++) {
			void *out[OC_MAX_IO] = { 0 };
			size_t bytes[OC_MAX_IO];
			assert_int_equal(oc_call(&c, d, nbs[k], false, true, 0x33, out, bytes), 0);
			if (memcmp(out[0], c.out[0], bytes[0]) != 0)
				fail_msg("Conv2D: output differs between 1 and %u blocks", nbs[k]);
			free(out[0]);
		}
	}
	oc_fini(&c);
}

static void run_conv(int dt, const cv_t *p, bool bias, bool four)
{
	run_conv_ex(dt, p, bias, four, false);
}

/* float32 Conv2D is im2col + GEMM on fixed tiles of output positions: odd
 * shapes with several tiles per plane, groups with strides and dilation, and
 * a filter deep enough to narrow the tiles (the scratch cap). */
static void test_conv2d_gemm_invariance(void **state)
{
	(void)state;
	static const cv_t cases[] = {
		/* N  C   H   W   O KH KW sh sw dh dw pt pb pl pr groups */
		{ 1, 16, 23, 19, 24, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1 },
		{ 2, 12, 17, 21, 18, 3, 2, 2, 1, 2, 1, 1, 0, 2, 1, 3 },
		{ 1, 2048, 8, 8, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1 },
	};
	for (size_t s = 0; s < OC_N(cases); s++)
		run_conv_ex(WEIR_DT_FLOAT, &cases[s], s != 1, false, true);
}

/* The per-call im2col scratch is an allocation site: failing it fails the
 * kernel with WEIR_ENOMEM and leaks nothing. */
static void test_conv2d_scratch_enomem(void **state)
{
	(void)state;
	opcase_t c;
	oc_init(&c, "Conv2D");
	oc_in_gen(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 3, 6, 6 }, -1, 1);
	oc_in_gen(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 4, 3, 3, 3 }, -1, 1);
	OC_EXPECT_OK(&c, 1);
	const weir_op_def_t *d = weir__op_lookup("Conv2D");
	weir_op_call_t call = {
		.nin = c.nin,
		.nout = 1,
		.in = c.in,
		.out = c.out,
		.in_desc = c.in_desc,
		.out_desc = c.out_desc,
		.attrs = c.attrs,
		.node_name = "test",
	};
	weir__failpoint_arm(1);
	int rc = d->kernel(&call, 0, 1);
	int fired = weir__failpoint_fired();
	weir__failpoint_arm(0);
	assert_true(fired);
	assert_int_equal(rc, WEIR_ENOMEM);
	assert_int_equal(d->kernel(&call, 0, 1), WEIR_OK);
	oc_fini(&c);
}

static void test_conv2d(void **state)
{
	(void)state;
	static const cv_t cases[] = {
		/* N C  H  W  O KH KW sh sw dh dw pt pb pl pr groups */
		{ 1, 1, 5, 5, 1, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0, 1 },
		{ 2, 3, 7, 6, 4, 3, 2, 2, 1, 1, 1, 1, 1, 0, 1, 1 },
		{ 1, 4, 9, 9, 6, 3, 3, 1, 2, 2, 1, 2, 0, 1, 3, 2 }, /* groups, dilation */
		{ 1, 4, 5, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 4 }, /* depthwise */
		{ 0, 2, 4, 4, 3, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0, 1 }, /* empty batch */
		{ 1, 2, 1, 1, 2, 3, 3, 1, 1, 1, 1, 2, 2, 2, 2, 1 }, /* taps mostly padding */
		{ 1, 1, 4, 4, 1, 1, 1, 3, 3, 1, 1, 0, 0, 0, 0, 1 },
		{ 2, 8, 24, 24, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1 }, /* several blocks */
	};
	for (size_t s = 0; s < OC_N(cases); s++)
		for (size_t t = 0; t < OC_N(oc_float_dts); t++)
			run_conv(oc_float_dts[t], &cases[s], s % 2 == 0, t == 1);
}

static void run_pool(const char *op, int dt, const int64_t *xd, const int64_t *k, const int64_t *st,
                     const int64_t *pads, int exclusive)
{
	bool avg = !strcmp(op, "AvgPool");
	opcase_t c;
	oc_init(&c, op);
	oc_in_gen(&c, dt, 4, xd, -3, 3);
	OC_INTS(&c, exclusive == 2 ? "kernel_shape" : "ksize", k[0], k[1]);
	if (st)
		OC_INTS(&c, "strides", 1, 1, st[0], st[1]);
	if (pads)
		oc_attr_ints(&c, "pads", pads, 4);
	if (avg && exclusive == 0)
		oc_attr_bool(&c, "exclusive", false);
	if (avg && exclusive == 3)
		oc_attr_int(&c, "count_include_pad", 1);
	OC_EXPECT_OK(&c, 1);
	int64_t sh = st ? st[0] : 1, sw = st ? st[1] : 1;
	int64_t pt = pads ? pads[0] : 0, pb = pads ? pads[1] : 0, pl = pads ? pads[2] : 0,
	        pr = pads ? pads[3] : 0;
	int64_t OH = (xd[2] + pt + pb - k[0]) / sh + 1, OW = (xd[3] + pl + pr - k[1]) / sw + 1;
	OC_SHAPE(&c, 0, dt, xd[0], xd[1], OH, OW);
	int64_t n = xd[0] * xd[1] * OH * OW;
	double *ref = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
	assert_non_null(ref);
	for (int64_t q = 0; q < n; q++) {
		int64_t ow = q % OW, oh = (q / OW) % OH, plane = q / (OW * OH);
		double m = -INFINITY, s = 0;
		int64_t cnt = 0;
		for (int64_t i = 0; i < k[0]; i++)
			for (int64_t j = 0; j < k[1]; j++) {
				int64_t ih = oh * sh - pt + i, iw = ow * sw - pl + j;
				if (ih < 0 || ih >= xd[2] || iw < 0 || iw >= xd[3])
					continue;
				double v = oc_ld(&c, 0, (plane * xd[2] + ih) * xd[3] + iw);
				m = fmax(m, v);
				s += v;
				cnt++;
			}
		bool incl = exclusive == 0 || exclusive == 3;
		ref[q] = avg ? s / (double)(incl ? k[0] * k[1] : cnt) : m;
	}
	oc_expect_close(&c, 0, ref, 4.0);
	free(ref);
	oc_fini(&c);
}

static void test_pools(void **state)
{
	(void)state;
	static const char *const ops[] = { "MaxPool", "AvgPool" };
	for (size_t o = 0; o < 2; o++)
		for (size_t t = 0; t < OC_N(oc_float_dts); t++) {
			int dt = oc_float_dts[t];
			for (int ex = 0; ex < 4; ex++) {
				run_pool(ops[o], dt, (int64_t[]){ 2, 3, 6, 7 }, (int64_t[]){ 2, 2 },
				         (int64_t[]){ 2, 2 }, NULL, ex);
				run_pool(ops[o], dt, (int64_t[]){ 1, 2, 5, 5 }, (int64_t[]){ 3, 3 },
				         (int64_t[]){ 2, 1 }, (int64_t[]){ 1, 2, 0, 1 }, ex);
			}
			run_pool(ops[o], dt, (int64_t[]){ 1, 1, 1, 1 }, (int64_t[]){ 1, 1 }, NULL,
			         NULL, 1);
			run_pool(ops[o], dt, (int64_t[]){ 0, 3, 4, 4 }, (int64_t[]){ 2, 2 }, NULL,
			         NULL, 1);
			run_pool(ops[o], dt, (int64_t[]){ 4, 16, 64, 64 }, (int64_t[]){ 3, 3 },
			         (int64_t[]){ 1, 1 }, (int64_t[]){ 1, 1, 1, 1 },
			         1); /* several blocks */
		}
}

static void test_conv_pool_errors(void **state)
{
	(void)state;
	static float f[256];
	opcase_t c;

	oc_init(&c, "Conv2D"); /* channel mismatch */
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 3, 4, 4 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 2, 2, 3, 3 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "C/groups");
	oc_fini(&c);

	oc_init(&c, "Conv2D"); /* groups do not divide */
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 4, 4, 4 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 3, 2, 3, 3 }, f);
	oc_attr_int(&c, "groups", 2);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "groups");
	oc_fini(&c);

	oc_init(&c, "Conv2D"); /* rank 3 input */
	oc_in(&c, WEIR_DT_FLOAT, 3, (int64_t[]){ 3, 4, 4 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 2, 3, 3, 3 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "rank 4");
	oc_fini(&c);

	oc_init(&c, "Conv2D"); /* filter larger than the input */
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 1, 2, 2 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 1, 3, 3 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "larger");
	oc_fini(&c);

	oc_init(&c, "Conv2D"); /* NHWC */
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 4, 4, 1 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 4, 1, 1 }, f);
	oc_attr_str(&c, "data_format", "NHWC");
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "NCHW only");
	oc_fini(&c);

	oc_init(&c, "Conv2D"); /* zero stride */
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 1, 4, 4 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 1, 3, 3 }, f);
	OC_INTS(&c, "strides", 0, 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, ">= 1");
	oc_fini(&c);

	oc_init(&c, "Conv2D"); /* strides in NCHW form with N != 1 */
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 1, 4, 4 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 1, 3, 3 }, f);
	OC_INTS(&c, "strides", 2, 1, 1, 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "1 for N and C");
	oc_fini(&c);

	oc_init(&c, "Conv2D"); /* 3 pads */
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 1, 4, 4 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 1, 3, 3 }, f);
	OC_INTS(&c, "pads", 1, 1, 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "pads");
	oc_fini(&c);

	oc_init(&c, "Conv2D"); /* bias length */
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 1, 4, 4 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 2, 1, 3, 3 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 3 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "bias");
	oc_fini(&c);

	oc_init(&c, "MaxPool"); /* missing ksize */
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 1, 4, 4 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "ksize");
	oc_fini(&c);

	oc_init(&c, "AvgPool"); /* pad as large as the window */
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 1, 4, 4 }, f);
	OC_INTS(&c, "ksize", 2, 2);
	OC_INTS(&c, "pads", 2, 0, 0, 0);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "smaller than the window");
	oc_fini(&c);

	oc_init(&c, "MaxPool"); /* window larger than input */
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 1, 2, 2 }, f);
	OC_INTS(&c, "ksize", 3, 3);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "larger");
	oc_fini(&c);

	oc_init(&c, "MaxPool"); /* integer input */
	oc_in(&c, WEIR_DT_INT32, 4, (int64_t[]){ 1, 1, 2, 2 }, f);
	OC_INTS(&c, "ksize", 1, 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "not supported");
	oc_fini(&c);

	oc_init(&c, "AvgPool"); /* empty spatial dim */
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 1, 0, 2 }, f);
	OC_INTS(&c, "ksize", 1, 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "empty spatial");
	oc_fini(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conv2d),
		cmocka_unit_test(test_conv2d_gemm_invariance),
		cmocka_unit_test(test_conv2d_scratch_enomem),
		cmocka_unit_test(test_pools),
		cmocka_unit_test(test_conv_pool_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
