/*
 * tests/unit/test_ops_movement2.c - Tile, Pad, CumSum, DepthToSpace,
 * SpaceToDepth, EyeLike, ReverseSequence and OneHot (graph/ops/movement2.c)
 * against host references (written from ONNX's numpy reference forms, not
 * from the kernels' index arithmetic), ONNX's documented examples, every
 * dtype, empty tensors, multi-block sizes and bad inputs.
 */
#include "test_ops_harness.h"

/* Output element k of output 0 is a byte copy of input `in` element src[k]
 * (or of `fill` when src[k] < 0). */
static void expect_map(const opcase_t *c, uint32_t in, const int64_t *src, const void *fill)
{
	size_t es = weir_dtype_size(c->out_desc[0].dtype);
	int64_t n = weir_tensor_desc_numel(&c->out_desc[0]);
	for (int64_t k = 0; k < n; k++) {
		const void *want =
		        src[k] < 0 ? fill : (const char *)c->in[in] + (size_t)src[k] * es;
		if (memcmp((const char *)c->out[0] + (size_t)k * es, want, es) != 0)
			fail_msg("%s: out[%lld] differs from %s %lld", c->op, (long long)k,
			         src[k] < 0 ? "the fill" : "input element", (long long)src[k]);
	}
}

static void expect_f32(const opcase_t *c, const float *want, int64_t n)
{
	assert_int_equal(weir_tensor_desc_numel(&c->out_desc[0]), n);
	for (int64_t k = 0; k < n; k++)
		if (weir_dt_load(c->out_desc[0].dtype, c->out[0], k) != want[k])
			fail_msg("%s: out[%lld] = %g, expected %g", c->op, (long long)k,
			         weir_dt_load(c->out_desc[0].dtype, c->out[0], k), (double)want[k]);
}

/* ---- Tile ---------------------------------------------------------------- */

static void run_tile(int dt, int rank, const int64_t *dims, const int64_t *mult)
{
	opcase_t c;
	oc_init(&c, "Tile");
	oc_in_gen(&c, dt, rank, dims, -50, 50);
	oc_attr_ints(&c, "multiples", mult, (size_t)rank);
	OC_EXPECT_OK(&c, 1);
	int64_t od[8], idx[8];
	for (int d = 0; d < rank; d++)
		od[d] = dims[d] * mult[d];
	oc_expect_shape(&c, 0, dt, rank, od);
	int64_t n = oc_numel(rank, od);
	int64_t *src = malloc(sizeof(int64_t) * (size_t)(n + 1));
	for (int64_t k = 0; k < n; k++) {
		oc_unravel(k, rank, od, idx);
		for (int d = 0; d < rank; d++)
			idx[d] %= dims[d];
		src[k] = oc_ravel(rank, dims, idx);
	}
	expect_map(&c, 0, src, NULL);
	free(src);
	oc_fini(&c);
}

static void test_tile(void **state)
{
	(void)state;
	for (size_t t = 0; t < OC_N(oc_all_dts); t++)
		run_tile(oc_all_dts[t], 2, (int64_t[]){ 2, 3 }, (int64_t[]){ 3, 2 });
	run_tile(WEIR_DT_FLOAT, 3, (int64_t[]){ 2, 1, 3 }, (int64_t[]){ 1, 4, 2 });
	run_tile(WEIR_DT_INT32, 1, (int64_t[]){ 5 }, (int64_t[]){ 0 });            /* empty out */
	run_tile(WEIR_DT_INT32, 2, (int64_t[]){ 0, 5 }, (int64_t[]){ 3, 2 });      /* empty in */
	run_tile(WEIR_DT_FLOAT16, 2, (int64_t[]){ 37, 29 }, (int64_t[]){ 9, 11 }); /* blocks */

	/* ONNX example: [[0, 1], [2, 3]] tiled [2, 2]. */
	float x[4] = { 0, 1, 2, 3 };
	float want[16] = { 0, 1, 0, 1, 2, 3, 2, 3, 0, 1, 0, 1, 2, 3, 2, 3 };
	opcase_t c;
	oc_init(&c, "Tile");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 2 }, x);
	OC_INTS(&c, "multiples", 2, 2);
	OC_EXPECT_OK(&c, 1);
	OC_SHAPE(&c, 0, WEIR_DT_FLOAT, 4, 4);
	expect_f32(&c, want, 16);
	oc_fini(&c);
}

static void test_tile_errors(void **state)
{
	(void)state;
	float x[6] = { 0 };
	opcase_t c;
	oc_init(&c, "Tile");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, x);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "'multiples' is required");
	oc_fini(&c);

	oc_init(&c, "Tile");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, x);
	OC_INTS(&c, "multiples", 2);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "has 1 entries");
	oc_fini(&c);

	oc_init(&c, "Tile");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, x);
	OC_INTS(&c, "multiples", 2, -1);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "negative");
	oc_fini(&c);

	oc_init(&c, "Tile");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, x);
	OC_INTS(&c, "multiples", INT64_MAX / 2 + 1, 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "overflows");
	oc_fini(&c);

	oc_init(&c, "Tile");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, x);
	OC_INTS(&c, "multiples", (int64_t)1 << 40, (int64_t)1 << 20);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "too many elements");
	oc_fini(&c);

	oc_init(&c, "Tile");
	oc_in(&c, WEIR_DT_UNDEFINED, 2, (int64_t[]){ 2, 3 }, x);
	OC_INTS(&c, "multiples", 1, 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "unsupported dtype");
	oc_fini(&c);
}

/* ---- Pad ----------------------------------------------------------------- */

/* numpy.pad's mapping of a coordinate j of the padded (kept) extent m,
 * reflecting repeatedly; -1 for the constant fill. */
static int64_t ref_pad_coord(int64_t j, int64_t m, const char *mode)
{
	if (j >= 0 && j < m)
		return j;
	if (strcmp(mode, "constant") == 0)
		return -1;
	if (strcmp(mode, "edge") == 0)
		return j < 0 ? 0 : m - 1;
	if (m == 1)
		return 0;
	while (j < 0 || j >= m) {
		if (j < 0)
			j = -j;
		if (j >= m)
			j = 2 * (m - 1) - j;
	}
	return j;
}

static void run_pad(int dt, int rank, const int64_t *dims, const int64_t *pads, const char *mode,
                    double value, bool set_value)
{
	opcase_t c;
	oc_init(&c, "Pad");
	oc_in_gen(&c, dt, rank, dims, -50, 50);
	oc_attr_ints(&c, "pads", pads, 2 * (size_t)rank);
	if (strcmp(mode, "constant") != 0 || oc_rand() % 2)
		oc_attr_str(&c, "mode", mode);
	if (set_value)
		oc_attr_float(&c, "value", (float)value);
	OC_EXPECT_OK(&c, 1);
	int64_t od[8], idx[8];
	for (int d = 0; d < rank; d++)
		od[d] = dims[d] + pads[d] + pads[rank + d];
	oc_expect_shape(&c, 0, dt, rank, od);
	/* The fill: value truncated toward zero for integers. */
	unsigned char fill[16] = { 0 };
	double v = set_value ? (double)(float)value : 0.0;
	weir_dt_store(dt, fill, 0, oc_is_float(dt) ? v : trunc(v));
	int64_t n = oc_numel(rank, od);
	int64_t *src = malloc(sizeof(int64_t) * (size_t)(n + 1));
	for (int64_t k = 0; k < n; k++) {
		oc_unravel(k, rank, od, idx);
		src[k] = 0;
		for (int d = 0; d < rank; d++) {
			/* Crop (negative pads) first, then pad the kept part. */
			int64_t b = pads[d], e = pads[rank + d];
			int64_t lo = b < 0 ? -b : 0, m = dims[d] - lo - (e < 0 ? -e : 0);
			int64_t j = ref_pad_coord(idx[d] - (b > 0 ? b : 0), m, mode);
			if (j < 0) {
				src[k] = -1;
				break;
			}
			idx[d] = lo + j;
		}
		if (src[k] == 0)
			src[k] = oc_ravel(rank, dims, idx);
	}
	expect_map(&c, 0, src, fill);
	free(src);
	oc_fini(&c);
}

static void test_pad(void **state)
{
	(void)state;
	const char *modes[] = { "constant", "reflect", "edge" };
	for (size_t t = 0; t < OC_N(oc_all_dts); t++)
		for (size_t m = 0; m < 3; m++)
			run_pad(oc_all_dts[t], 2, (int64_t[]){ 3, 4 }, (int64_t[]){ 1, 2, 2, 0 },
			        modes[m], 0, false);
	for (size_t m = 0; m < 3; m++) {
		/* Pads past the dim (numpy reflects repeatedly), crops, mixed. */
		run_pad(WEIR_DT_FLOAT, 2, (int64_t[]){ 3, 4 }, (int64_t[]){ 7, 1, 5, 9 }, modes[m],
		        0, false);
		run_pad(WEIR_DT_INT32, 3, (int64_t[]){ 4, 5, 3 }, (int64_t[]){ -1, 2, 0, 1, -2, 1 },
		        modes[m], 0, false);
		run_pad(WEIR_DT_FLOAT16, 2, (int64_t[]){ 5, 1 }, (int64_t[]){ -2, 3, 2, 0 },
		        modes[m], 0, false);
		run_pad(WEIR_DT_BF16, 2, (int64_t[]){ 120, 130 }, (int64_t[]){ 3, 4, 5, 6 },
		        modes[m], 0, false); /* blocks */
	}
	run_pad(WEIR_DT_FLOAT, 2, (int64_t[]){ 3, 4 }, (int64_t[]){ 1, 1, 1, 1 }, "constant", 1.5,
	        true);
	run_pad(WEIR_DT_DOUBLE, 2, (int64_t[]){ 3, 4 }, (int64_t[]){ 1, 1, 1, 1 }, "constant",
	        -2.25, true);
	run_pad(WEIR_DT_BF16, 1, (int64_t[]){ 3 }, (int64_t[]){ 2, 1 }, "constant", 3.14159, true);
	run_pad(WEIR_DT_INT32, 2, (int64_t[]){ 3, 4 }, (int64_t[]){ 1, 1, 1, 1 }, "constant", 2.7,
	        true);
	run_pad(WEIR_DT_INT8, 2, (int64_t[]){ 3, 4 }, (int64_t[]){ 1, 1, 1, 1 }, "constant", -2.7,
	        true);
	run_pad(WEIR_DT_FLOAT, 2, (int64_t[]){ 0, 4 }, (int64_t[]){ 1, 1, 1, 1 }, "constant", 7,
	        true); /* empty input, constant fill */
	run_pad(WEIR_DT_FLOAT, 2, (int64_t[]){ 0, 4 }, (int64_t[]){ 0, 1, 0, 1 }, "reflect", 0,
	        false); /* empty output */
	run_pad(WEIR_DT_INT64, 1, (int64_t[]){ 4 }, (int64_t[]){ -2, -2 }, "edge", 0,
	        false); /* cropped to nothing */

	/* ONNX's reflect example and numpy's edge. */
	float x[3] = { 1, 2, 3 };
	float refl[7] = { 3, 2, 1, 2, 3, 2, 1 }, edge[7] = { 1, 1, 1, 2, 3, 3, 3 };
	opcase_t c;
	oc_init(&c, "Pad");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 3 }, x);
	OC_INTS(&c, "pads", 2, 2);
	oc_attr_str(&c, "mode", "reflect");
	OC_EXPECT_OK(&c, 1);
	expect_f32(&c, refl, 7);
	oc_attr_str(&c, "mode", "edge");
	OC_EXPECT_OK(&c, 1);
	expect_f32(&c, edge, 7);
	oc_fini(&c);
}

static void test_pad_errors(void **state)
{
	(void)state;
	float x[12] = { 0 };
	opcase_t c;
	oc_init(&c, "Pad");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 3, 4 }, x);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "'pads' is required");
	OC_INTS(&c, "pads", 1, 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "has 2 entries");
	OC_INTS(&c, "pads", 1, 1, 1, 1);
	oc_attr_str(&c, "mode", "wrap");
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "not constant, reflect or edge");
	oc_attr_int(&c, "mode", 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "'mode' must be a string");
	oc_fini(&c);

	oc_init(&c, "Pad");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 3, 4 }, x);
	OC_INTS(&c, "pads", -2, 0, -2, 0);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "crop more");
	OC_INTS(&c, "pads", INT64_MAX, 0, 1, 0);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "overflow");
	OC_INTS(&c, "pads", (int64_t)1 << 40, (int64_t)1 << 30, 0, 0);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "too many elements");
	OC_INTS(&c, "pads", -3, 0, 1, 0);
	oc_attr_str(&c, "mode", "edge");
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "keeps no element");
	oc_fini(&c);
}

/* ---- CumSum -------------------------------------------------------------- */

static void run_cumsum(int dt, int rank, const int64_t *dims, int64_t axis, int ex, int rev)
{
	opcase_t c;
	oc_init(&c, "CumSum");
	oc_in_gen(&c, dt, rank, dims, -20, 20);
	oc_attr_int(&c, "axis", axis);
	if (ex || oc_rand() % 2)
		oc_attr_int(&c, "exclusive", ex);
	if (rev || oc_rand() % 2)
		oc_attr_int(&c, "reverse", rev);
	OC_EXPECT_OK(&c, 1);
	oc_expect_shape(&c, 0, dt, rank, dims);
	int ax = (int)(axis < 0 ? axis + rank : axis);
	int64_t n = oc_numel(rank, dims), idx[8];
	double *ref = calloc((size_t)n + 1, sizeof(double));
	for (int64_t k = 0; k < n; k++) {
		oc_unravel(k, rank, dims, idx);
		int64_t t = idx[ax];
		double s = 0;
		for (int64_t j = 0; j < dims[ax]; j++) {
			bool take = rev ? (ex ? j > t : j >= t) : (ex ? j < t : j <= t);
			idx[ax] = j;
			if (take)
				s += oc_ld(&c, 0, oc_ravel(rank, dims, idx));
		}
		ref[k] = s;
	}
	/* The sum is in double and rounded once on store. */
	oc_expect_close(&c, 0, ref, 1.0);
	free(ref);
	oc_fini(&c);
}

static void test_cumsum(void **state)
{
	(void)state;
	const int dts[] = { WEIR_DT_FLOAT,  WEIR_DT_FLOAT16, WEIR_DT_BF16,
		            WEIR_DT_DOUBLE, WEIR_DT_INT32,   WEIR_DT_INT64 };
	for (size_t t = 0; t < OC_N(dts); t++)
		for (int ex = 0; ex < 2; ex++)
			for (int rev = 0; rev < 2; rev++) {
				run_cumsum(dts[t], 3, (int64_t[]){ 2, 5, 3 }, 1, ex, rev);
				run_cumsum(dts[t], 2, (int64_t[]){ 4, 6 }, -1, ex, rev);
			}
	run_cumsum(WEIR_DT_FLOAT, 1, (int64_t[]){ 9 }, 0, 0, 0);
	run_cumsum(WEIR_DT_FLOAT, 2, (int64_t[]){ 0, 4 }, 1, 1, 0); /* empty */
	run_cumsum(WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 0 }, 1, 0, 1);
	run_cumsum(WEIR_DT_FLOAT16, 2, (int64_t[]){ 300, 200 }, 0, 0, 1); /* blocks */

	/* int32 wraps, as the other integer arithmetic. */
	int32_t xi[2] = { INT32_MAX, 1 };
	opcase_t c;
	oc_init(&c, "CumSum");
	oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ 2 }, xi);
	oc_attr_int(&c, "axis", 0);
	OC_EXPECT_OK(&c, 1);
	assert_int_equal(((int32_t *)c.out[0])[1], INT32_MIN);
	oc_fini(&c);

	/* ONNX example: [1, 2, 3, 4, 5] exclusive reverse -> [14, 12, 9, 5, 0]. */
	float x[5] = { 1, 2, 3, 4, 5 }, want[5] = { 14, 12, 9, 5, 0 };
	oc_init(&c, "CumSum");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 5 }, x);
	oc_attr_int(&c, "axis", 0);
	oc_attr_int(&c, "exclusive", 1);
	oc_attr_int(&c, "reverse", 1);
	OC_EXPECT_OK(&c, 1);
	expect_f32(&c, want, 5);
	oc_fini(&c);
}

static void test_cumsum_errors(void **state)
{
	(void)state;
	float x[6] = { 0 };
	opcase_t c;
	oc_init(&c, "CumSum");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, x);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "'axis' is required");
	oc_attr_int(&c, "axis", 2);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "out of range");
	oc_attr_float(&c, "axis", 1.0f);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "must be an int");
	oc_fini(&c);

	oc_init(&c, "CumSum");
	oc_in(&c, WEIR_DT_INT8, 2, (int64_t[]){ 2, 3 }, x);
	oc_attr_int(&c, "axis", 0);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "not supported");
	oc_fini(&c);

	oc_init(&c, "CumSum");
	oc_in(&c, WEIR_DT_FLOAT, 0, NULL, x);
	oc_attr_int(&c, "axis", 0);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "rank >= 1");
	oc_fini(&c);
}

/* ---- DepthToSpace, SpaceToDepth ------------------------------------------ */

/* ONNX's reference: DCR reshapes x to [N, b, b, C/b^2, H, W] and transposes
 * (0, 3, 4, 1, 5, 2); CRD reshapes to [N, C/b^2, b, b, H, W] and transposes
 * (0, 1, 4, 2, 5, 3). Each x element is placed at its output position. */
static void run_d2s(int dt, const int64_t *xd, int64_t b, const char *mode)
{
	opcase_t c;
	oc_init(&c, "DepthToSpace");
	oc_in_gen(&c, dt, 4, xd, -100, 100);
	oc_attr_int(&c, "blocksize", b);
	bool crd = mode && strcmp(mode, "CRD") == 0;
	if (mode)
		oc_attr_str(&c, "mode", mode);
	OC_EXPECT_OK(&c, 1);
	int64_t N = xd[0], C = xd[1] / (b * b), H = xd[2], W = xd[3];
	int64_t od[4] = { N, C, H * b, W * b };
	oc_expect_shape(&c, 0, dt, 4, od);
	int64_t n = oc_numel(4, xd);
	int64_t *src = malloc(sizeof(int64_t) * (size_t)(n + 1));
	for (int64_t k = 0; k < n; k++) {
		int64_t v6[6], d6[6];
		if (crd) {
			int64_t dd[6] = { N, C, b, b, H, W };
			memcpy(d6, dd, sizeof(dd));
		} else {
			int64_t dd[6] = { N, b, b, C, H, W };
			memcpy(d6, dd, sizeof(dd));
		}
		oc_unravel(k, 6, d6, v6);
		/* Transposed coordinates: [N, C, H, b, W, b] flattens to the output. */
		int64_t o6[6], s6[6] = { N, C, H, b, W, b };
		if (crd) {
			int64_t t[6] = { v6[0], v6[1], v6[4], v6[2], v6[5], v6[3] };
			memcpy(o6, t, sizeof(t));
		} else {
			int64_t t[6] = { v6[0], v6[3], v6[4], v6[1], v6[5], v6[2] };
			memcpy(o6, t, sizeof(t));
		}
		src[oc_ravel(6, s6, o6)] = k;
	}
	expect_map(&c, 0, src, NULL);

	/* SpaceToDepth undoes DCR DepthToSpace. */
	if (!crd && n > 0) {
		opcase_t r;
		oc_init(&r, "SpaceToDepth");
		oc_in(&r, dt, 4, od, c.out[0]);
		oc_attr_int(&r, "blocksize", b);
		OC_EXPECT_OK(&r, 1);
		oc_expect_shape(&r, 0, dt, 4, xd);
		assert_memory_equal(r.out[0], c.in[0], (size_t)n * weir_dtype_size(dt));
		oc_fini(&r);
	}
	free(src);
	oc_fini(&c);
}

static void test_depth_space(void **state)
{
	(void)state;
	for (size_t t = 0; t < OC_N(oc_all_dts); t++) {
		run_d2s(oc_all_dts[t], (int64_t[]){ 2, 8, 2, 3 }, 2, NULL);
		run_d2s(oc_all_dts[t], (int64_t[]){ 1, 18, 2, 2 }, 3, "CRD");
	}
	run_d2s(WEIR_DT_FLOAT, (int64_t[]){ 1, 4, 3, 2 }, 1, "DCR");
	run_d2s(WEIR_DT_FLOAT, (int64_t[]){ 0, 4, 3, 2 }, 2, "DCR"); /* empty */
	run_d2s(WEIR_DT_FLOAT, (int64_t[]){ 2, 8, 0, 2 }, 2, "CRD");
	run_d2s(WEIR_DT_FLOAT16, (int64_t[]){ 3, 16, 40, 50 }, 2, "DCR"); /* blocks */
	run_d2s(WEIR_DT_BF16, (int64_t[]){ 3, 16, 40, 50 }, 4, "CRD");

	/* ONNX's DCR example: x[0, c, h, w] = 9c + 3h + w, blocksize 2. */
	float x[48], want[48] = { 0,  18, 1,  19, 2,  20, 36, 54, 37, 55, 38, 56, 3,  21, 4,  22,
		                  5,  23, 39, 57, 40, 58, 41, 59, 9,  27, 10, 28, 11, 29, 45, 63,
		                  46, 64, 47, 65, 12, 30, 13, 31, 14, 32, 48, 66, 49, 67, 50, 68 };
	for (int i = 0; i < 48; i++)
		x[i] = (float)(9 * (i / 6) + i % 6);
	opcase_t c;
	oc_init(&c, "DepthToSpace");
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 8, 2, 3 }, x);
	oc_attr_int(&c, "blocksize", 2);
	OC_EXPECT_OK(&c, 1);
	OC_SHAPE(&c, 0, WEIR_DT_FLOAT, 1, 2, 4, 6);
	expect_f32(&c, want, 48);
	oc_fini(&c);

	/* SpaceToDepth on its own: ONNX's reference reshapes x to
	 * [N, C, H/b, b, W/b, b] and transposes (0, 3, 5, 1, 2, 4). */
	oc_init(&c, "SpaceToDepth");
	int64_t xd[4] = { 2, 3, 4, 6 }, b = 2;
	oc_in_gen(&c, WEIR_DT_INT16, 4, xd, -100, 100);
	oc_attr_int(&c, "blocksize", b);
	OC_EXPECT_OK(&c, 1);
	OC_SHAPE(&c, 0, WEIR_DT_INT16, 2, 12, 2, 3);
	int64_t src[144], d6[6] = { 2, 3, 2, 2, 3, 2 }, s6[6] = { 2, 2, 2, 3, 2, 3 };
	for (int64_t k = 0; k < 144; k++) {
		int64_t v[6];
		oc_unravel(k, 6, d6, v);
		int64_t o[6] = { v[0], v[3], v[5], v[1], v[2], v[4] };
		src[oc_ravel(6, s6, o)] = k;
	}
	expect_map(&c, 0, src, NULL);
	oc_fini(&c);
}

static void test_depth_space_errors(void **state)
{
	(void)state;
	float x[64] = { 0 };
	opcase_t c;
	oc_init(&c, "DepthToSpace");
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 8, 2, 2 }, x);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "'blocksize' is required");
	oc_attr_int(&c, "blocksize", 0);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "out of range");
	oc_attr_int(&c, "blocksize", 3);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "multiple of blocksize^2");
	oc_attr_int(&c, "blocksize", 2);
	oc_attr_str(&c, "mode", "XYZ");
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "not DCR or CRD");
	oc_fini(&c);

	oc_init(&c, "DepthToSpace");
	oc_in(&c, WEIR_DT_FLOAT, 3, (int64_t[]){ 8, 2, 2 }, x);
	oc_attr_int(&c, "blocksize", 2);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "rank 4");
	oc_fini(&c);

	oc_init(&c, "SpaceToDepth");
	oc_in(&c, WEIR_DT_FLOAT, 4, (int64_t[]){ 1, 2, 4, 3 }, x);
	oc_attr_int(&c, "blocksize", 2);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "not multiples of blocksize");
	oc_fini(&c);
}

/* ---- EyeLike ------------------------------------------------------------- */

static void test_eyelike(void **state)
{
	(void)state;
	const int64_t ks[] = { 0, 1, -2, 3, 100, -100 };
	for (size_t t = 0; t < OC_N(oc_all_dts); t++)
		for (size_t q = 0; q < OC_N(ks); q++) {
			int dt = oc_all_dts[t];
			int odt = q % 2 ? oc_all_dts[(t + 3) % OC_N(oc_all_dts)] : dt;
			opcase_t c;
			oc_init(&c, "EyeLike");
			oc_in_gen(&c, dt, 2, (int64_t[]){ 4, 6 }, -9, 9);
			if (ks[q] || q)
				oc_attr_int(&c, "k", ks[q]);
			if (odt != dt || q == 2)
				oc_attr_int(&c, "dtype", odt);
			else if (q == 4)
				oc_attr_int(&c, "dtype", -1);
			OC_EXPECT_OK(&c, 1);
			OC_SHAPE(&c, 0, odt, 4, 6);
			double ref[24];
			for (int i = 0; i < 4; i++)
				for (int j = 0; j < 6; j++)
					ref[i * 6 + j] = j - i == ks[q] ? 1.0 : 0.0;
			oc_expect_close(&c, 0, ref, 1.0);
			oc_fini(&c);
		}
	opcase_t c; /* empty and large */
	oc_init(&c, "EyeLike");
	oc_in_gen(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 0, 6 }, 0, 1);
	OC_EXPECT_OK(&c, 1);
	OC_SHAPE(&c, 0, WEIR_DT_FLOAT, 0, 6);
	oc_fini(&c);
	oc_init(&c, "EyeLike");
	oc_in_gen(&c, WEIR_DT_BF16, 2, (int64_t[]){ 300, 400 }, 0, 1);
	oc_attr_int(&c, "k", -7);
	OC_EXPECT_OK(&c, 1);
	assert_true(c.blocks4 > 1);
	for (int64_t e = 0; e < 300 * 400; e++)
		assert_true(weir_dt_load(WEIR_DT_BF16, c.out[0], e) ==
		            (e % 400 - e / 400 == -7 ? 1.0 : 0.0));
	oc_fini(&c);
}

static void test_eyelike_errors(void **state)
{
	(void)state;
	float x[6] = { 0 };
	opcase_t c;
	oc_init(&c, "EyeLike");
	oc_in(&c, WEIR_DT_FLOAT, 3, (int64_t[]){ 1, 2, 3 }, x);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "rank 2");
	oc_fini(&c);
	oc_init(&c, "EyeLike");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, x);
	oc_attr_int(&c, "dtype", 99);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "not a supported dtype");
	oc_fini(&c);
}

/* ---- ReverseSequence ----------------------------------------------------- */

static void run_rs(int dt, int rank, const int64_t *dims, int ba, int ta, int ldt, bool cst)
{
	opcase_t c;
	oc_init(&c, "ReverseSequence");
	oc_in_gen(&c, dt, rank, dims, -100, 100);
	void *lens = oc_in_gen(&c, ldt, 1, &dims[ba], 0, (double)dims[ta]);
	if (cst)
		oc_const(&c, 1);
	if (ba != 1 || oc_rand() % 2)
		oc_attr_int(&c, "batch_axis", ba);
	if (ta != 0 || oc_rand() % 2)
		oc_attr_int(&c, "time_axis", ta);
	OC_EXPECT_OK(&c, 1);
	oc_expect_shape(&c, 0, dt, rank, dims);
	int64_t n = oc_numel(rank, dims), idx[8];
	int64_t *src = malloc(sizeof(int64_t) * (size_t)(n + 1));
	for (int64_t k = 0; k < n; k++) {
		oc_unravel(k, rank, dims, idx);
		int64_t L = (int64_t)weir_dt_load(ldt, lens, idx[ba]);
		if (idx[ta] < L)
			idx[ta] = L - 1 - idx[ta];
		src[k] = oc_ravel(rank, dims, idx);
	}
	expect_map(&c, 0, src, NULL);
	free(src);
	oc_fini(&c);
}

static void test_reverse_sequence(void **state)
{
	(void)state;
	for (size_t t = 0; t < OC_N(oc_all_dts); t++) {
		run_rs(oc_all_dts[t], 2, (int64_t[]){ 4, 4 }, 1, 0, WEIR_DT_INT64, false);
		run_rs(oc_all_dts[t], 3, (int64_t[]){ 3, 5, 2 }, 0, 1, WEIR_DT_INT32, true);
	}
	run_rs(WEIR_DT_FLOAT, 2, (int64_t[]){ 0, 3 }, 1, 0, WEIR_DT_INT64, false); /* empty */
	run_rs(WEIR_DT_FLOAT, 2, (int64_t[]){ 3, 0 }, 1, 0, WEIR_DT_INT64, false);
	run_rs(WEIR_DT_FLOAT16, 3, (int64_t[]){ 200, 30, 20 }, 1, 0, WEIR_DT_INT64, false);

	/* ONNX example: time_axis 0, batch_axis 1, lens [4, 3, 2, 1]. */
	float x[16] = { 0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15 };
	float want[16] = { 3, 6, 9, 12, 2, 5, 8, 13, 1, 4, 10, 14, 0, 7, 11, 15 };
	int64_t lens[4] = { 4, 3, 2, 1 };
	opcase_t c;
	oc_init(&c, "ReverseSequence");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 4 }, x);
	oc_in(&c, WEIR_DT_INT64, 1, (int64_t[]){ 4 }, lens);
	OC_EXPECT_OK(&c, 1);
	expect_f32(&c, want, 16);
	oc_fini(&c);
}

static void test_reverse_sequence_errors(void **state)
{
	(void)state;
	float x[16] = { 0 };
	int64_t bad[4] = { 1, 5, 0, 2 }, ok[4] = { 1, 2, 3, 4 };
	opcase_t c;
	oc_init(&c, "ReverseSequence"); /* run-time length out of range */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 4 }, x);
	oc_in(&c, WEIR_DT_INT64, 1, (int64_t[]){ 4 }, bad);
	OC_EXPECT_FAIL(&c, 1, WEIR_EBOUNDS, NULL);
	assert_int_equal(c.stage, 2);
	oc_const(&c, 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "out of range");
	oc_fini(&c);

	oc_init(&c, "ReverseSequence");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 4 }, x);
	oc_in(&c, WEIR_DT_INT64, 1, (int64_t[]){ 3 }, ok);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "batch size");
	oc_fini(&c);

	oc_init(&c, "ReverseSequence");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 4 }, x);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, x);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "int32 or int64");
	oc_fini(&c);

	oc_init(&c, "ReverseSequence");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 4 }, x);
	oc_in(&c, WEIR_DT_INT64, 1, (int64_t[]){ 4 }, ok);
	oc_attr_int(&c, "time_axis", 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "must be 0 and 1");
	oc_fini(&c);

	oc_init(&c, "ReverseSequence");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, x);
	oc_in(&c, WEIR_DT_INT64, 1, (int64_t[]){ 4 }, ok);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "rank >= 2");
	oc_fini(&c);
}

/* ---- OneHot -------------------------------------------------------------- */

static void run_onehot(int idt, int vdt, int rank, const int64_t *dims, int64_t depth, int64_t axis,
                       bool set_axis)
{
	opcase_t c;
	oc_init(&c, "OneHot");
	/* Indices from -depth-2 to depth+1: some negative, some out of range. */
	void *ix = oc_in_gen(&c, idt, rank, dims, -(double)depth - 2, (double)depth + 1);
	oc_in_gen(&c, vdt, 1, (int64_t[]){ 2 }, -50, 50);
	oc_attr_int(&c, "depth", depth);
	if (set_axis)
		oc_attr_int(&c, "axis", axis);
	OC_EXPECT_OK(&c, 1);
	int ax = (int)(axis < 0 ? axis + rank + 1 : axis);
	int64_t od[9], idx[9], iidx[8];
	for (int d = 0, k = 0; d <= rank; d++)
		od[d] = d == ax ? depth : dims[k++];
	oc_expect_shape(&c, 0, vdt, rank + 1, od);
	int64_t n = oc_numel(rank + 1, od);
	int64_t *src = malloc(sizeof(int64_t) * (size_t)(n + 1));
	for (int64_t k = 0; k < n; k++) {
		oc_unravel(k, rank + 1, od, idx);
		for (int d = 0, j = 0; d <= rank; d++)
			if (d != ax)
				iidx[j++] = idx[d];
		double v = trunc(weir_dt_load(idt, ix, oc_ravel(rank, dims, iidx)));
		if (v < 0)
			v += (double)depth;
		src[k] = v == (double)idx[ax] ? 1 : 0;
	}
	expect_map(&c, 1, src, NULL);
	free(src);
	oc_fini(&c);
}

static void test_onehot(void **state)
{
	(void)state;
	const int idts[] = { WEIR_DT_INT64, WEIR_DT_INT32,   WEIR_DT_INT8,  WEIR_DT_UINT8,
		             WEIR_DT_FLOAT, WEIR_DT_FLOAT16, WEIR_DT_DOUBLE };
	for (size_t t = 0; t < OC_N(idts); t++)
		run_onehot(idts[t], WEIR_DT_FLOAT, 2, (int64_t[]){ 3, 4 }, 5, -1, t % 2);
	for (size_t t = 0; t < OC_N(oc_all_dts); t++) {
		run_onehot(WEIR_DT_INT64, oc_all_dts[t], 2, (int64_t[]){ 3, 4 }, 4, 0, true);
		run_onehot(WEIR_DT_INT32, oc_all_dts[t], 2, (int64_t[]){ 3, 4 }, 6, 1, true);
	}
	run_onehot(WEIR_DT_INT64, WEIR_DT_FLOAT, 0, NULL, 7, 0, true); /* scalar index */
	run_onehot(WEIR_DT_INT64, WEIR_DT_FLOAT, 2, (int64_t[]){ 3, 2 }, 3, -3, true);
	run_onehot(WEIR_DT_INT64, WEIR_DT_FLOAT, 1, (int64_t[]){ 0 }, 3, -1, false); /* empty */
	run_onehot(WEIR_DT_INT64, WEIR_DT_FLOAT, 1, (int64_t[]){ 3 }, 0, -1, false);
	run_onehot(WEIR_DT_INT32, WEIR_DT_BF16, 2, (int64_t[]){ 100, 50 }, 30, 1, true);

	/* ONNX example: indices [0, -7, -8] depth 10: -7 is 3, -8 is 2. */
	int64_t ix[3] = { 0, -7, -8 };
	float vals[2] = { 1, 3 }, want[30];
	for (int i = 0; i < 30; i++)
		want[i] = 1;
	want[0] = want[13] = want[22] = 3;
	opcase_t c;
	oc_init(&c, "OneHot");
	oc_in(&c, WEIR_DT_INT64, 1, (int64_t[]){ 3 }, ix);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 2 }, vals);
	oc_attr_int(&c, "depth", 10);
	OC_EXPECT_OK(&c, 1);
	OC_SHAPE(&c, 0, WEIR_DT_FLOAT, 3, 10);
	expect_f32(&c, want, 30);
	oc_fini(&c);
}

static void test_onehot_errors(void **state)
{
	(void)state;
	int64_t ix[3] = { 0 };
	float v[3] = { 0 };
	opcase_t c;
	oc_init(&c, "OneHot");
	oc_in(&c, WEIR_DT_INT64, 1, (int64_t[]){ 3 }, ix);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 2 }, v);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "'depth' is required");
	oc_attr_int(&c, "depth", -1);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "negative");
	oc_attr_int(&c, "depth", 4);
	oc_attr_int(&c, "axis", 2);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "out of range");
	oc_fini(&c);

	oc_init(&c, "OneHot");
	oc_in(&c, WEIR_DT_INT64, 1, (int64_t[]){ 3 }, ix);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 3 }, v);
	oc_attr_int(&c, "depth", 4);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "[off, on]");
	oc_fini(&c);

	oc_init(&c, "OneHot");
	oc_in(&c, WEIR_DT_BOOL, 1, (int64_t[]){ 3 }, ix);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 2 }, v);
	oc_attr_int(&c, "depth", 4);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "not supported");
	oc_fini(&c);

	oc_init(&c, "OneHot");
	oc_in(&c, WEIR_DT_INT64, 8, (int64_t[]){ 1, 1, 1, 1, 1, 1, 1, 1 }, ix);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 2 }, v);
	oc_attr_int(&c, "depth", 4);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "output rank");
	oc_fini(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tile),
		cmocka_unit_test(test_tile_errors),
		cmocka_unit_test(test_pad),
		cmocka_unit_test(test_pad_errors),
		cmocka_unit_test(test_cumsum),
		cmocka_unit_test(test_cumsum_errors),
		cmocka_unit_test(test_depth_space),
		cmocka_unit_test(test_depth_space_errors),
		cmocka_unit_test(test_eyelike),
		cmocka_unit_test(test_eyelike_errors),
		cmocka_unit_test(test_reverse_sequence),
		cmocka_unit_test(test_reverse_sequence_errors),
		cmocka_unit_test(test_onehot),
		cmocka_unit_test(test_onehot_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
