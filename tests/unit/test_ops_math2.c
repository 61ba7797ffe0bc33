/*
 * tests/unit/test_ops_math2.c - ONNX unary math (Tan, Asin, Acos, Atan,
 * Sinh, Cosh, Asinh, Acosh, Atanh), IsNaN, IsInf, Mod, BitShift and Xor
 * against host references: every dtype each accepts, broadcasting, empty
 * and multi-block shapes, special values and bad inputs.
 */
#include "test_ops_harness.h"

typedef struct shape {
	int r;
	int64_t d[8];
} shape_t;

static const shape_t un_shapes[] = {
	{ 0, { 0 } },         { 1, { 1 } },     { 1, { 0 } },
	{ 2, { 3, 0 } },      { 2, { 7, 13 } }, { 8, { 1, 2, 1, 3, 1, 2, 1, 2 } },
	{ 2, { 200, 1000 } },
};

static const struct {
	shape_t a, b, o;
} bin_shapes[] = {
	{ { 0, { 0 } }, { 0, { 0 } }, { 0, { 0 } } },
	{ { 1, { 3 } }, { 0, { 0 } }, { 1, { 3 } } },
	{ { 2, { 2, 3 } }, { 2, { 2, 3 } }, { 2, { 2, 3 } } },
	{ { 3, { 2, 1, 4 } }, { 2, { 3, 1 } }, { 3, { 2, 3, 4 } } },
	{ { 2, { 0, 3 } }, { 2, { 1, 3 } }, { 2, { 0, 3 } } },
	{ { 2, { 70, 1031 } }, { 1, { 1031 } }, { 2, { 70, 1031 } } }, /* several blocks */
};

static const int real_dts[] = { WEIR_DT_FLOAT, WEIR_DT_FLOAT16, WEIR_DT_BF16, WEIR_DT_DOUBLE };

static double *ref_alloc(int64_t n)
{
	double *r = malloc(sizeof(double) * (size_t)(n ? n : 1));
	assert_non_null(r);
	return r;
}

static int64_t bcast_src(int64_t k, int orank, const int64_t *odims, int irank,
                         const int64_t *idims)
{
	int64_t idx[8], src[8];
	oc_unravel(k, orank, odims, idx);
	for (int d = 0; d < irank; d++)
		src[d] = idims[d] == 1 ? 0 : idx[d + orank - irank];
	return oc_ravel(irank, idims, src);
}

/* ---- unary math --------------------------------------------------------- */

static const struct {
	const char *op;
	double (*f)(double);
	double lo, hi; /* the domain tested */
} un_ops[] = {
	{ "Tan", tan, -1.5, 1.5 },   { "Asin", asin, -1, 1 },   { "Acos", acos, -1, 1 },
	{ "Atan", atan, -10, 10 },   { "Sinh", sinh, -5, 5 },   { "Cosh", cosh, -5, 5 },
	{ "Asinh", asinh, -10, 10 }, { "Acosh", acosh, 1, 10 }, { "Atanh", atanh, -0.99, 0.99 },
};

static void test_unary(void **state)
{
	(void)state;
	for (size_t o = 0; o < OC_N(un_ops); o++)
		for (size_t s = 0; s < OC_N(un_shapes); s++)
			for (size_t t = 0; t < OC_N(real_dts); t++) {
				opcase_t c;
				const shape_t *sh = &un_shapes[s];
				oc_init(&c, un_ops[o].op);
				oc_in_gen(&c, real_dts[t], sh->r, sh->d, un_ops[o].lo,
				          un_ops[o].hi);
				OC_EXPECT_OK(&c, 1);
				oc_expect_shape(&c, 0, real_dts[t], sh->r, sh->d);
				int64_t n = oc_numel(sh->r, sh->d);
				double *ref = ref_alloc(n);
				for (int64_t k = 0; k < n; k++)
					ref[k] = un_ops[o].f(oc_ld(&c, 0, k));
				/* Tan near +-pi/2 and Atanh near +-1 amplify the
				 * float32 rounding of the argument. */
				oc_expect_close(&c, 0, ref, 8.0);
				free(ref);
				oc_fini(&c);
			}
	/* Out of domain gives NaN; NaN stays NaN. */
	static const struct {
		const char *op;
		float x;
	} nan_rows[] = { { "Asin", 1.5f },  { "Acos", -2.0f },   { "Acosh", 0.5f },
		         { "Atanh", 2.0f }, { "Tan", INFINITY }, { "Sinh", NAN } };
	for (size_t r = 0; r < OC_N(nan_rows); r++) {
		opcase_t c;
		oc_init(&c, nan_rows[r].op);
		oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 1 }, &nan_rows[r].x);
		OC_EXPECT_OK(&c, 1);
		assert_true(isnan(((float *)c.out[0])[0]));
		oc_fini(&c);
	}
	float one = 1.0f;
	opcase_t c;
	oc_init(&c, "Atanh");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 1 }, &one);
	OC_EXPECT_OK(&c, 1);
	assert_true(((float *)c.out[0])[0] == INFINITY);
	oc_fini(&c);
}

/* ---- IsNaN, IsInf ------------------------------------------------------- */

static void test_predicates(void **state)
{
	(void)state;
	static const double x[] = { NAN, INFINITY, -INFINITY, 0.0, -0.0, 1e30, -1.5, 65504 };
	for (size_t t = 0; t < OC_N(real_dts); t++) {
		int dt = real_dts[t];
		unsigned char buf[8 * 8];
		for (int k = 0; k < 8; k++)
			weir_dt_store(dt, buf, k, x[k]);
		for (int mode = 0; mode < 5; mode++) {
			opcase_t c;
			oc_init(&c, mode == 0 ? "IsNaN" : "IsInf");
			oc_in(&c, dt, 2, (int64_t[]){ 2, 4 }, buf);
			int64_t neg = 1, pos = 1;
			if (mode >= 2) { /* explicit attrs */
				neg = (mode - 2) & 1;
				pos = ((mode - 2) >> 1) & 1;
				oc_attr_int(&c, "detect_negative", neg);
				oc_attr_int(&c, "detect_positive", pos);
			}
			OC_EXPECT_OK(&c, 1);
			OC_SHAPE(&c, 0, WEIR_DT_BOOL, 2, 4);
			const uint8_t *y = c.out[0];
			for (int k = 0; k < 8; k++) {
				double v = weir_dt_load(dt, buf, k);
				bool want = mode == 0 ? isnan(v)
				                      : isinf(v) && (v > 0 ? pos != 0 : neg != 0);
				if (y[k] != want)
					fail_msg("%s(%g) mode %d dtype %s = %d", c.op, v, mode,
					         weir_dtype_name(dt), y[k]);
			}
			oc_fini(&c);
		}
	}
	/* Empty and multi-block. */
	for (size_t s = 0; s < OC_N(un_shapes); s++) {
		opcase_t c;
		oc_init(&c, "IsNaN");
		const shape_t *sh = &un_shapes[s];
		float *p = oc_in_gen(&c, WEIR_DT_FLOAT, sh->r, sh->d, -1, 1);
		int64_t n = oc_numel(sh->r, sh->d);
		for (int64_t k = 0; k < n; k += 3)
			p[k] = NAN;
		OC_EXPECT_OK(&c, 1);
		for (int64_t k = 0; k < n; k++)
			assert_int_equal(((uint8_t *)c.out[0])[k], k % 3 == 0);
		oc_fini(&c);
	}
	int32_t xi[2] = { 0 };
	float xf[2] = { 0 };
	opcase_t c;
	oc_init(&c, "IsNaN");
	oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ 2 }, xi);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "dtype int32 not supported");
	oc_fini(&c);
	oc_init(&c, "IsInf");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 2 }, xf);
	oc_attr_int(&c, "detect_positive", 2);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "must be 0 or 1");
	oc_fini(&c);
	oc_init(&c, "IsInf");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 2 }, xf);
	oc_attr_str(&c, "detect_negative", "yes");
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "attr 'detect_negative' must be an int");
	oc_fini(&c);
}

/* ---- Mod ---------------------------------------------------------------- */

static bool is_uns(int dt)
{
	return dt == WEIR_DT_UINT8 || dt == WEIR_DT_UINT16 || dt == WEIR_DT_UINT32 ||
	       dt == WEIR_DT_UINT64;
}

/* Python's a % b on exact integers (b != 0). */
static double py_mod(double a, double b)
{
	double r = fmod(a, b);
	if (r != 0 && ((r < 0) != (b < 0)))
		r += b;
	return r;
}

static void test_mod(void **state)
{
	(void)state;
	static const int int_dts[] = {
		WEIR_DT_INT8,  WEIR_DT_UINT8,  WEIR_DT_INT16, WEIR_DT_UINT16,
		WEIR_DT_INT32, WEIR_DT_UINT32, WEIR_DT_INT64, WEIR_DT_UINT64
	};
	for (size_t s = 0; s < OC_N(bin_shapes); s++) {
		const shape_t *sa = &bin_shapes[s].a, *sb = &bin_shapes[s].b,
		              *so = &bin_shapes[s].o;
		int64_t n = oc_numel(so->r, so->d);
		for (size_t t = 0; t < OC_N(int_dts); t++)
			for (int fm = 0; fm < 2; fm++) {
				int dt = int_dts[t];
				opcase_t c;
				oc_init(&c, "Mod");
				oc_in_gen(&c, dt, sa->r, sa->d, is_uns(dt) ? 0 : -100, 100);
				void *b = oc_in_gen(&c, dt, sb->r, sb->d, is_uns(dt) ? 1 : -9, 9);
				for (int64_t k = 0; k < oc_numel(sb->r, sb->d); k++)
					if (weir_dt_load(dt, b, k) == 0)
						weir_dt_store(dt, b, k, 7);
				if (fm)
					oc_attr_int(&c, "fmod", 1);
				OC_EXPECT_OK(&c, 1);
				oc_expect_shape(&c, 0, dt, so->r, so->d);
				double *ref = ref_alloc(n);
				for (int64_t k = 0; k < n; k++) {
					double x = oc_ld(&c, 0,
					                 bcast_src(k, so->r, so->d, sa->r, sa->d));
					double y = oc_ld(&c, 1,
					                 bcast_src(k, so->r, so->d, sb->r, sb->d));
					ref[k] = fm ? fmod(x, y) : py_mod(x, y);
				}
				oc_expect_close(&c, 0, ref, 1.0);
				free(ref);
				oc_fini(&c);
			}
		for (size_t t = 0; t < OC_N(real_dts); t++) {
			int dt = real_dts[t];
			opcase_t c;
			oc_init(&c, "Mod");
			oc_in_gen(&c, dt, sa->r, sa->d, -50, 50);
			oc_in_gen(&c, dt, sb->r, sb->d, -7, 7);
			oc_attr_int(&c, "fmod", 1);
			OC_EXPECT_OK(&c, 1);
			double *ref = ref_alloc(n);
			for (int64_t k = 0; k < n; k++)
				ref[k] = fmod(
				        oc_ld(&c, 0, bcast_src(k, so->r, so->d, sa->r, sa->d)),
				        oc_ld(&c, 1, bcast_src(k, so->r, so->d, sb->r, sb->d)));
			oc_expect_close(&c, 0, ref, 1.0);
			free(ref);
			oc_fini(&c);
		}
	}
	/* Signs (ONNX's mod_mixed_sign examples) and int64 extremes. */
	int64_t a[] = { -4, 7, 5, 4, -7, 8, INT64_MIN, INT64_MIN, INT64_MAX };
	int64_t b[] = { 2, -3, 8, -2, 3, 5, -1, 3, -2 };
	static const int64_t want_py[] = { 0, -2, 5, 0, 2, 3, 0, 1, -1 };
	static const int64_t want_c[] = { 0, 1, 5, 0, -1, 3, 0, -2, 1 };
	for (int fm = 0; fm < 2; fm++) {
		opcase_t c;
		oc_init(&c, "Mod");
		oc_in(&c, WEIR_DT_INT64, 1, (int64_t[]){ 9 }, a);
		oc_in(&c, WEIR_DT_INT64, 1, (int64_t[]){ 9 }, b);
		oc_attr_int(&c, "fmod", fm);
		OC_EXPECT_OK(&c, 1);
		assert_memory_equal(c.out[0], fm ? want_c : want_py, sizeof(want_py));
		oc_fini(&c);
	}
	uint64_t ua[] = { UINT64_MAX, 10 }, ub[] = { 10, UINT64_MAX };
	opcase_t c;
	oc_init(&c, "Mod");
	oc_in(&c, WEIR_DT_UINT64, 1, (int64_t[]){ 2 }, ua);
	oc_in(&c, WEIR_DT_UINT64, 1, (int64_t[]){ 2 }, ub);
	OC_EXPECT_OK(&c, 1);
	assert_true(((uint64_t *)c.out[0])[0] == 5 && ((uint64_t *)c.out[0])[1] == 10);
	oc_fini(&c);
	/* Errors. */
	int32_t za[4] = { 1, 2, 3, 4 }, zb[4] = { 1, 0, 2, 3 };
	oc_init(&c, "Mod");
	oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ 4 }, za);
	oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ 4 }, zb);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "kernel failed");
	assert_int_equal(c.stage, 2);
	oc_fini(&c);
	float fa[4] = { 0 };
	oc_init(&c, "Mod");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, fa);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, fa);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "attr 'fmod' must be 1 for floating dtype float32");
	oc_fini(&c);
	oc_init(&c, "Mod");
	oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ 4 }, za);
	oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ 4 }, zb);
	oc_attr_int(&c, "fmod", 2);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "attr 'fmod' must be 0 or 1");
	oc_fini(&c);
	oc_init(&c, "Mod");
	oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ 4 }, za);
	oc_in(&c, WEIR_DT_INT64, 1, (int64_t[]){ 2 }, zb);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "input dtypes differ");
	oc_fini(&c);
	oc_init(&c, "Mod");
	oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ 4 }, za);
	oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ 3 }, zb);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "do not broadcast");
	oc_fini(&c);
	oc_init(&c, "Mod");
	oc_in(&c, WEIR_DT_BOOL, 1, (int64_t[]){ 4 }, za);
	oc_in(&c, WEIR_DT_BOOL, 1, (int64_t[]){ 4 }, zb);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "dtype bool not supported");
	oc_fini(&c);
}

/* ---- BitShift ----------------------------------------------------------- */

static void test_bitshift(void **state)
{
	(void)state;
	static const int dts[] = { WEIR_DT_UINT8, WEIR_DT_UINT16, WEIR_DT_UINT32, WEIR_DT_UINT64 };
	for (size_t s = 0; s < OC_N(bin_shapes); s++)
		for (size_t t = 0; t < OC_N(dts); t++)
			for (int left = 0; left < 2; left++) {
				const shape_t *sa = &bin_shapes[s].a, *sb = &bin_shapes[s].b,
				              *so = &bin_shapes[s].o;
				int dt = dts[t];
				unsigned bits = (unsigned)weir_dtype_size(dt) * 8;
				opcase_t c;
				oc_init(&c, "BitShift");
				oc_in_gen(&c, dt, sa->r, sa->d, 0, 255);
				oc_in_gen(&c, dt, sb->r, sb->d, 0, bits + 3);
				oc_attr_str(&c, "direction", left ? "LEFT" : "RIGHT");
				OC_EXPECT_OK(&c, 1);
				oc_expect_shape(&c, 0, dt, so->r, so->d);
				int64_t n = oc_numel(so->r, so->d);
				for (int64_t k = 0; k < n; k++) {
					uint64_t x = (uint64_t)oc_ld(
					        &c, 0, bcast_src(k, so->r, so->d, sa->r, sa->d));
					uint64_t sh = (uint64_t)oc_ld(
					        &c, 1, bcast_src(k, so->r, so->d, sb->r, sb->d));
					uint64_t want = 0;
					if (sh < bits) {
						want = left ? x << sh : x >> sh;
						if (bits < 64)
							want &= (1ull << bits) - 1;
					}
					unsigned char tmp[8];
					memcpy(tmp,
					       (const char *)c.out[0] + k * (int64_t)(bits / 8),
					       bits / 8);
					uint64_t got = 0;
					switch (bits) {
					case 8: got = tmp[0]; break;
					case 16: got = *(uint16_t *)tmp; break;
					case 32: got = *(uint32_t *)tmp; break;
					default: got = *(uint64_t *)tmp; break;
					}
					if (got != want)
						fail_msg("BitShift %s %s: %llu by %llu = %llu, "
						         "want %llu",
						         left ? "LEFT" : "RIGHT",
						         weir_dtype_name(dt), (unsigned long long)x,
						         (unsigned long long)sh,
						         (unsigned long long)got,
						         (unsigned long long)want);
				}
				oc_fini(&c);
			}
	/* ONNX's example and the top bit of uint64. */
	uint64_t x[] = { 16, 4, 1, 1ull << 63 }, y[] = { 1, 2, 63, 64 };
	opcase_t c;
	oc_init(&c, "BitShift");
	oc_in(&c, WEIR_DT_UINT64, 1, (int64_t[]){ 4 }, x);
	oc_in(&c, WEIR_DT_UINT64, 1, (int64_t[]){ 4 }, y);
	oc_attr_str(&c, "direction", "LEFT");
	OC_EXPECT_OK(&c, 1);
	const uint64_t *o = c.out[0];
	assert_true(o[0] == 32 && o[1] == 16 && o[2] == 1ull << 63 && o[3] == 0);
	oc_fini(&c);
	/* Errors. */
	oc_init(&c, "BitShift");
	oc_in(&c, WEIR_DT_UINT64, 1, (int64_t[]){ 4 }, x);
	oc_in(&c, WEIR_DT_UINT64, 1, (int64_t[]){ 4 }, y);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "attr 'direction' is required");
	oc_fini(&c);
	oc_init(&c, "BitShift");
	oc_in(&c, WEIR_DT_UINT64, 1, (int64_t[]){ 4 }, x);
	oc_in(&c, WEIR_DT_UINT64, 1, (int64_t[]){ 4 }, y);
	oc_attr_str(&c, "direction", "left");
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "must be \"LEFT\" or \"RIGHT\"");
	oc_fini(&c);
	oc_init(&c, "BitShift");
	oc_in(&c, WEIR_DT_INT64, 1, (int64_t[]){ 4 }, x);
	oc_in(&c, WEIR_DT_INT64, 1, (int64_t[]){ 4 }, y);
	oc_attr_str(&c, "direction", "LEFT");
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "dtype int64 not supported");
	oc_fini(&c);
}

/* ---- Xor ---------------------------------------------------------------- */

static void test_xor(void **state)
{
	(void)state;
	for (size_t s = 0; s < OC_N(bin_shapes); s++) {
		const shape_t *sa = &bin_shapes[s].a, *sb = &bin_shapes[s].b,
		              *so = &bin_shapes[s].o;
		opcase_t c;
		oc_init(&c, "Xor");
		oc_in_gen(&c, WEIR_DT_BOOL, sa->r, sa->d, 0, 1);
		oc_in_gen(&c, WEIR_DT_BOOL, sb->r, sb->d, 0, 1);
		OC_EXPECT_OK(&c, 1);
		oc_expect_shape(&c, 0, WEIR_DT_BOOL, so->r, so->d);
		int64_t n = oc_numel(so->r, so->d);
		double *ref = ref_alloc(n);
		for (int64_t k = 0; k < n; k++)
			ref[k] = (oc_ld(&c, 0, bcast_src(k, so->r, so->d, sa->r, sa->d)) != 0) !=
			         (oc_ld(&c, 1, bcast_src(k, so->r, so->d, sb->r, sb->d)) != 0);
		oc_expect_close(&c, 0, ref, 0.0);
		free(ref);
		oc_fini(&c);
	}
	uint8_t a[4] = { 0, 0, 1, 1 }, b[4] = { 0, 1, 0, 1 };
	static const uint8_t want[4] = { 0, 1, 1, 0 };
	opcase_t c;
	oc_init(&c, "Xor");
	oc_in(&c, WEIR_DT_BOOL, 1, (int64_t[]){ 4 }, a);
	oc_in(&c, WEIR_DT_BOOL, 1, (int64_t[]){ 4 }, b);
	OC_EXPECT_OK(&c, 1);
	assert_memory_equal(c.out[0], want, 4);
	oc_fini(&c);
	oc_init(&c, "Xor");
	oc_in(&c, WEIR_DT_UINT8, 1, (int64_t[]){ 4 }, a);
	oc_in(&c, WEIR_DT_UINT8, 1, (int64_t[]){ 4 }, b);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "dtype uint8 not supported (expected bool)");
	oc_fini(&c);
	oc_init(&c, "Xor");
	oc_in(&c, WEIR_DT_BOOL, 1, (int64_t[]){ 4 }, a);
	oc_in(&c, WEIR_DT_UINT8, 1, (int64_t[]){ 4 }, b);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "input dtypes differ");
	oc_fini(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unary), cmocka_unit_test(test_predicates),
		cmocka_unit_test(test_mod),   cmocka_unit_test(test_bitshift),
		cmocka_unit_test(test_xor),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
