/*
 * tests/unit/test_ops_resize.c - Resize: ONNX's backend test cases
 * (test_resize_* of /usr/share/libonnx-testdata, read with a tiny
 * TensorProto reader; skipped where the data is not installed), a 1-D
 * reference for every mode/transform on random data, any-dtype nearest,
 * float16/bfloat16/double, empty tensors, multi-block sizes and errors.
 */
#include "test_ops_harness.h"

#define ONNX_NODE_DIR "/usr/share/libonnx-testdata/data/node/"

typedef struct pb_tensor {
	int rank;
	int64_t dims[8];
	int dtype; /* ONNX: 1 float, 7 int64 */
	int64_t n;
	double *v;
} pb_tensor_t;

static uint64_t pb_varint(const uint8_t **p, const uint8_t *end)
{
	uint64_t v = 0;
	for (int s = 0; *p < end && s < 64; s += 7) {
		uint8_t b = *(*p)++;
		v |= (uint64_t)(b & 0x7f) << s;
		if (!(b & 0x80))
			break;
	}
	return v;
}

/* Reads dims, data_type and float_data/int64_data/raw_data. */
static bool pb_read(const char *path, pb_tensor_t *t)
{
	memset(t, 0, sizeof(*t));
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	uint8_t buf[1 << 16];
	size_t len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	const uint8_t *p = buf, *end = buf + len, *raw = NULL, *fd = NULL, *id = NULL;
	uint64_t rawn = 0, fdn = 0, idn = 0;
	while (p < end) {
		uint64_t key = pb_varint(&p, end);
		int field = (int)(key >> 3), wt = (int)(key & 7);
		if (wt == 0) {
			uint64_t v = pb_varint(&p, end);
			if (field == 1)
				t->dims[t->rank++] = (int64_t)v;
			else if (field == 2)
				t->dtype = (int)v;
		} else if (wt == 2) {
			uint64_t n = pb_varint(&p, end);
			if (field == 1) {
				const uint8_t *q = p;
				while (q < p + n)
					t->dims[t->rank++] = (int64_t)pb_varint(&q, p + n);
			} else if (field == 9) {
				raw = p;
				rawn = n;
			} else if (field == 4) {
				fd = p;
				fdn = n;
			} else if (field == 7) {
				id = p;
				idn = n;
			}
			p += n;
		} else if (wt == 5) {
			p += 4;
		} else if (wt == 1) {
			p += 8;
		} else {
			return false;
		}
	}
	t->n = oc_numel(t->rank, t->dims);
	t->v = calloc((size_t)t->n + 1, sizeof(double));
	for (int64_t i = 0; i < t->n; i++) {
		if (t->dtype == 1) {
			float x;
			const uint8_t *src = raw ? raw + 4 * i : fd + 4 * i;
			assert_true((raw ? rawn : fdn) >= (uint64_t)(4 * (i + 1)));
			memcpy(&x, src, 4);
			t->v[i] = x;
		} else if (raw) {
			int64_t x;
			assert_true(rawn >= (uint64_t)(8 * (i + 1)));
			memcpy(&x, raw + 8 * i, 8);
			t->v[i] = (double)x;
		} else {
			const uint8_t *q = id;
			for (int64_t j = 0; j <= i; j++)
				t->v[i] = (double)(int64_t)pb_varint(&q, id + idn);
		}
	}
	return true;
}

static void test_resize_onnx_cases(void **state)
{
	(void)state;
	static const struct {
		const char *name, *mode, *ct, *nm;
		float a;
		int excl;
	} cases[] = {
		{ "downsample_scales_cubic", "cubic", NULL, NULL, 0, 0 },
		{ "downsample_scales_cubic_A_n0p5_exclude_outside", "cubic", NULL, NULL, -0.5f, 1 },
		{ "downsample_scales_cubic_align_corners", "cubic", "align_corners", NULL, 0, 0 },
		{ "downsample_scales_linear", "linear", NULL, NULL, 0, 0 },
		{ "downsample_scales_linear_align_corners", "linear", "align_corners", NULL, 0, 0 },
		{ "downsample_scales_nearest", "nearest", NULL, NULL, 0, 0 },
		{ "downsample_sizes_cubic", "cubic", NULL, NULL, 0, 0 },
		{ "downsample_sizes_linear_pytorch_half_pixel", "linear", "pytorch_half_pixel",
		  NULL, 0, 0 },
		{ "downsample_sizes_nearest", "nearest", NULL, NULL, 0, 0 },
		{ "downsample_sizes_nearest_tf_half_pixel_for_nn", "nearest",
		  "tf_half_pixel_for_nn", NULL, 0, 0 },
		{ "upsample_scales_cubic", "cubic", NULL, NULL, 0, 0 },
		{ "upsample_scales_cubic_A_n0p5_exclude_outside", "cubic", NULL, NULL, -0.5f, 1 },
		{ "upsample_scales_cubic_align_corners", "cubic", "align_corners", NULL, 0, 0 },
		{ "upsample_scales_cubic_asymmetric", "cubic", "asymmetric", NULL, 0, 0 },
		{ "upsample_scales_linear", "linear", NULL, NULL, 0, 0 },
		{ "upsample_scales_linear_align_corners", "linear", "align_corners", NULL, 0, 0 },
		{ "upsample_scales_nearest", "nearest", NULL, NULL, 0, 0 },
		{ "upsample_sizes_cubic", "cubic", NULL, NULL, 0, 0 },
		{ "upsample_sizes_nearest", "nearest", NULL, NULL, 0, 0 },
		{ "upsample_sizes_nearest_ceil_half_pixel", "nearest", "half_pixel", "ceil", 0, 0 },
		{ "upsample_sizes_nearest_floor_align_corners", "nearest", "align_corners", "floor",
		  0, 0 },
		{ "upsample_sizes_nearest_round_prefer_ceil_asymmetric", "nearest", "asymmetric",
		  "round_prefer_ceil", 0, 0 },
	};
	int ran = 0;
	for (size_t k = 0; k < OC_N(cases); k++) {
		char path[512];
		pb_tensor_t x, tgt, y;
		snprintf(path, sizeof(path),
		         ONNX_NODE_DIR "test_resize_%s/test_data_set_0/input_0.pb", cases[k].name);
		if (!pb_read(path, &x))
			continue;
		snprintf(path, sizeof(path),
		         ONNX_NODE_DIR "test_resize_%s/test_data_set_0/input_1.pb", cases[k].name);
		assert_true(pb_read(path, &tgt));
		snprintf(path, sizeof(path),
		         ONNX_NODE_DIR "test_resize_%s/test_data_set_0/output_0.pb", cases[k].name);
		assert_true(pb_read(path, &y));
		assert_int_equal(x.dtype, 1);
		float *xf = malloc(sizeof(float) * (size_t)x.n);
		for (int64_t i = 0; i < x.n; i++)
			xf[i] = (float)x.v[i];
		opcase_t c;
		oc_init(&c, "Resize");
		oc_in(&c, WEIR_DT_FLOAT, x.rank, x.dims, xf);
		oc_attr_str(&c, "mode", cases[k].mode);
		if (cases[k].ct)
			oc_attr_str(&c, "coordinate_transformation_mode", cases[k].ct);
		if (cases[k].nm)
			oc_attr_str(&c, "nearest_mode", cases[k].nm);
		if (cases[k].a != 0)
			oc_attr_float(&c, "cubic_coeff_a", cases[k].a);
		if (cases[k].excl)
			oc_attr_int(&c, "exclude_outside", 1);
		if (tgt.dtype == 7) {
			int64_t s[8];
			for (int64_t i = 0; i < tgt.n; i++)
				s[i] = (int64_t)tgt.v[i];
			oc_attr_ints(&c, "sizes", s, (size_t)tgt.n);
		} else {
			float s[8];
			for (int64_t i = 0; i < tgt.n; i++)
				s[i] = (float)tgt.v[i];
			assert_int_equal(weir_attrs_set_floats(c.attrs, "scales", s, (size_t)tgt.n),
			                 WEIR_OK);
		}
		OC_EXPECT_OK(&c, 1);
		oc_expect_shape(&c, 0, WEIR_DT_FLOAT, y.rank, y.dims);
		for (int64_t i = 0; i < y.n; i++) {
			double got = ((float *)c.out[0])[i];
			if (fabs(got - y.v[i]) > 1e-4 * (1 + fabs(y.v[i])))
				fail_msg("test_resize_%s: out[%lld] = %.7g, expected %.7g",
				         cases[k].name, (long long)i, got, y.v[i]);
		}
		oc_fini(&c);
		free(xf);
		free(x.v);
		free(tgt.v);
		free(y.v);
		ran++;
	}
	print_message("%d of %zu ONNX test_resize_* cases run\n", ran, OC_N(cases));
}

/* 2-D random data, independent 1-D reference per dim (separable). */
static double cubic_w(double t, double a)
{
	t = fabs(t);
	return t <= 1  ? ((a + 2) * t - (a + 3)) * t * t + 1
	       : t < 2 ? ((a * t - 5 * a) * t + 8 * a) * t - 4 * a
	               : 0;
}

static int taps(const char *mode, const char *ct, int64_t in, int64_t out, double s, int64_t xo,
                int64_t *idx, double *w)
{
	double x;
	if (!strcmp(ct, "align_corners"))
		x = out == 1 ? 0 : (double)xo * (double)(in - 1) / (double)(out - 1);
	else if (!strcmp(ct, "asymmetric"))
		x = (double)xo / s;
	else
		x = ((double)xo + 0.5) / s - 0.5;
	if (!strcmp(mode, "nearest")) {
		double f = floor(x);
		int64_t i = (int64_t)f + (x - f > 0.5 ? 1 : 0);
		idx[0] = i < 0 ? 0 : i >= in ? in - 1 : i;
		w[0] = 1;
		return 1;
	}
	if (s == 1.0) {
		idx[0] = xo;
		w[0] = 1;
		return 1;
	}
	int n = !strcmp(mode, "linear") ? 2 : 4;
	int64_t f = (int64_t)floor(x);
	int64_t first = n == 2 ? f : f - 1;
	for (int t = 0; t < n; t++) {
		int64_t i = first + t;
		w[t] = n == 2 ? 1 - fabs((double)i - x) : cubic_w((double)i - x, -0.75);
		if (w[t] < 0 && n == 2)
			w[t] = 0;
		idx[t] = i < 0 ? 0 : i >= in ? in - 1 : i;
	}
	return n;
}

static void run2d(int dt, const char *mode, const char *ct, int64_t H, int64_t W, int64_t oh,
                  int64_t ow, bool sizes)
{
	opcase_t c;
	oc_init(&c, "Resize");
	oc_in_gen(&c, dt, 2, (int64_t[]){ H, W }, -2, 2);
	oc_attr_str(&c, "mode", mode);
	oc_attr_str(&c, "coordinate_transformation_mode", ct);
	double sh = (double)oh / (double)H, sw = (double)ow / (double)W;
	if (sizes) {
		OC_INTS(&c, "sizes", oh, ow);
	} else {
		float s[2] = { (float)oh / (float)H, (float)ow / (float)W };
		sh = s[0];
		sw = s[1];
		assert_int_equal(weir_attrs_set_floats(c.attrs, "scales", s, 2), WEIR_OK);
	}
	OC_EXPECT_OK(&c, 1);
	OC_SHAPE(&c, 0, dt, oh, ow);
	double *ref = calloc((size_t)(oh * ow) + 1, sizeof(double));
	for (int64_t i = 0; i < oh; i++)
		for (int64_t j = 0; j < ow; j++) {
			int64_t ih[4], iw[4];
			double wh[4], ww[4];
			int nh = taps(mode, ct, H, oh, sh, i, ih, wh);
			int nw = taps(mode, ct, W, ow, sw, j, iw, ww);
			double s = 0;
			for (int a = 0; a < nh; a++)
				for (int b = 0; b < nw; b++)
					s += wh[a] * ww[b] * oc_ld(&c, 0, ih[a] * W + iw[b]);
			ref[i * ow + j] = s;
		}
	oc_expect_close(&c, 0, ref, 8.0);
	free(ref);
	oc_fini(&c);
}

static void test_resize_random(void **state)
{
	(void)state;
	const int dts[] = { WEIR_DT_FLOAT, WEIR_DT_FLOAT16, WEIR_DT_BF16, WEIR_DT_DOUBLE };
	const char *modes[] = { "nearest", "linear", "cubic" };
	const char *cts[] = { "half_pixel", "align_corners", "asymmetric" };
	for (size_t t = 0; t < OC_N(dts); t++)
		for (int m = 0; m < 3; m++)
			for (int k = 0; k < 3; k++) {
				run2d(dts[t], modes[m], cts[k], 5, 7, 9, 3, true);
				run2d(dts[t], modes[m], cts[k], 4, 6, 8, 3, false);
				run2d(dts[t], modes[m], cts[k], 4, 6, 4, 13, true);
				run2d(dts[t], modes[m], cts[k], 0, 6, 0, 3, true);
				run2d(dts[t], modes[m], cts[k], 3, 6, 3, 0, true);
			}
	run2d(WEIR_DT_FLOAT, "cubic", "half_pixel", 100, 100, 300, 300, true); /* blocks */
	/* Nearest copies any dtype. */
	for (size_t t = 0; t < OC_N(oc_all_dts); t++) {
		opcase_t c;
		oc_init(&c, "Resize");
		uint8_t *x = oc_in_gen(&c, oc_all_dts[t], 2, (int64_t[]){ 2, 3 }, 0, 100);
		OC_INTS(&c, "sizes", 4, 6);
		OC_EXPECT_OK(&c, 1);
		size_t es = weir_dtype_size(oc_all_dts[t]);
		for (int i = 0; i < 4; i++)
			for (int j = 0; j < 6; j++)
				assert_memory_equal((uint8_t *)c.out[0] + (i * 6 + j) * es,
				                    x + ((i / 2) * 3 + j / 2) * es, es);
		oc_fini(&c);
	}
}

static void test_resize_errors(void **state)
{
	(void)state;
	float x[6] = { 0 };
	int32_t xi[6] = { 0 };
	struct {
		int dt;
		const char *k, *v;
		int sizes; /* 0 none, 1 good sizes, 2 sizes of wrong length, 3 both, 4 bad scale */
		int code;
		const char *msg;
	} rows[] = {
		{ WEIR_DT_FLOAT, NULL, NULL, 0, WEIR_EINVAL, "'sizes' or 'scales' is required" },
		{ WEIR_DT_FLOAT, NULL, NULL, 2, WEIR_EINVAL, "has 1 entries" },
		{ WEIR_DT_FLOAT, NULL, NULL, 3, WEIR_EINVAL, "both given" },
		{ WEIR_DT_FLOAT, NULL, NULL, 4, WEIR_EINVAL, "'scales'[1] = 0 invalid" },
		{ WEIR_DT_FLOAT, "mode", "bilinear", 1, WEIR_EINVAL, "\"bilinear\" not supported" },
		{ WEIR_DT_FLOAT, "coordinate_transformation_mode", "tf_crop_and_resize", 1,
		  WEIR_EINVAL, "not supported" },
		{ WEIR_DT_FLOAT, "nearest_mode", "up", 1, WEIR_EINVAL, "nearest_mode" },
		{ WEIR_DT_INT32, "mode", "linear", 1, WEIR_ESHAPE, "not supported by mode linear" },
	};
	for (size_t r = 0; r < OC_N(rows); r++) {
		opcase_t c;
		oc_init(&c, "Resize");
		oc_in(&c, rows[r].dt, 2, (int64_t[]){ 2, 3 },
		      rows[r].dt == WEIR_DT_FLOAT ? (const void *)x : (const void *)xi);
		if (rows[r].k)
			oc_attr_str(&c, rows[r].k, rows[r].v);
		if (rows[r].sizes == 1 || rows[r].sizes == 3)
			OC_INTS(&c, "sizes", 4, 6);
		if (rows[r].sizes == 2)
			OC_INTS(&c, "sizes", 4);
		if (rows[r].sizes >= 3) {
			float s[2] = { 2, rows[r].sizes == 4 ? 0.0f : 2.0f };
			assert_int_equal(weir_attrs_set_floats(c.attrs, "scales", s, 2), WEIR_OK);
		}
		OC_EXPECT_FAIL(&c, 1, rows[r].code, rows[r].msg);
		oc_fini(&c);
	}
	opcase_t c;
	oc_init(&c, "Resize");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 0, 3 }, x);
	OC_INTS(&c, "sizes", 2, 3);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "cannot resize empty dim 0");
	oc_fini(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resize_onnx_cases),
		cmocka_unit_test(test_resize_random),
		cmocka_unit_test(test_resize_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
