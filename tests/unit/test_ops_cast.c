/*
 * tests/unit/test_ops_cast.c - Cast between every pair of supported dtypes,
 * on special values (NaN, infinities, signed zero, halves, out-of-range,
 * int64 beyond 2^53), compared bit for bit with an independent reference;
 * plus shapes and bad attrs.
 */
#include "test_ops_harness.h"

static bool is_fl(int dt)
{
	return oc_is_float(dt);
}
static bool is_unsigned(int dt)
{
	return dt == WEIR_DT_UINT8 || dt == WEIR_DT_UINT16 || dt == WEIR_DT_UINT32 ||
	       dt == WEIR_DT_UINT64 || dt == WEIR_DT_BOOL;
}
static int bits_of(int dt)
{
	return (int)weir_dtype_size(dt) * 8;
}

/* Exact integer value of element k: the low 64 bits, sign-extended for
 * signed dtypes. */
static uint64_t ld_int_bits(int dt, const void *p, int64_t k)
{
	switch (dt) {
	case WEIR_DT_INT8: return (uint64_t)(int64_t)((const int8_t *)p)[k];
	case WEIR_DT_UINT8: return ((const uint8_t *)p)[k];
	case WEIR_DT_BOOL: return ((const uint8_t *)p)[k] != 0;
	case WEIR_DT_INT16: return (uint64_t)(int64_t)((const int16_t *)p)[k];
	case WEIR_DT_UINT16: return ((const uint16_t *)p)[k];
	case WEIR_DT_INT32: return (uint64_t)(int64_t)((const int32_t *)p)[k];
	case WEIR_DT_UINT32: return ((const uint32_t *)p)[k];
	default: return ((const uint64_t *)p)[k];
	}
}

static void st_bits(int dt, void *p, int64_t k, uint64_t v)
{
	memcpy((char *)p + (size_t)k * weir_dtype_size(dt), &v, weir_dtype_size(dt)); /* LE */
}

/* Reference for one element. */
static void ref_elem(int sd, const void *src, int64_t k, int dd, void *dst)
{
	if (dd == WEIR_DT_BOOL) {
		bool nz = is_fl(sd) ? weir_dt_load(sd, src, k) != 0.0 ||
		                              isnan(weir_dt_load(sd, src, k))
		                    : ld_int_bits(sd, src, k) != 0;
		((uint8_t *)dst)[k] = nz;
		return;
	}
	if (is_fl(sd)) {
		double v = weir_dt_load(sd, src, k);
		if (is_fl(dd)) {
			if (dd == WEIR_DT_DOUBLE)
				((double *)dst)[k] = v;
			else
				weir_dt_store(dd, dst, k, (double)(float)v);
			return;
		}
		/* float -> int: trunc, saturate, NaN -> 0 */
		int b = bits_of(dd);
		double lo = is_unsigned(dd) ? 0.0 : -ldexp(1.0, b - 1);
		double hi = is_unsigned(dd) ? ldexp(1.0, b) : ldexp(1.0, b - 1); /* exclusive */
		uint64_t out;
		if (isnan(v))
			out = 0;
		else if (v <= lo)
			out = is_unsigned(dd) ? 0
			                      : (uint64_t)(-(int64_t)((uint64_t)1 << (b - 2)) * 2);
		else if (trunc(v) >= hi)
			out = is_unsigned(dd) ? (b == 64 ? UINT64_MAX : ((uint64_t)1 << b) - 1)
			                      : ((uint64_t)1 << (b - 1)) - 1;
		else
			out = v < 0 ? (uint64_t)(int64_t)trunc(v) : (uint64_t)trunc(v);
		st_bits(dd, dst, k, out);
		return;
	}
	uint64_t u = ld_int_bits(sd, src, k);
	if (is_fl(dd)) {
		bool uns = sd == WEIR_DT_UINT64;
		if (dd == WEIR_DT_DOUBLE)
			((double *)dst)[k] = uns ? (double)u : (double)(int64_t)u;
		else if (dd == WEIR_DT_FLOAT)
			((float *)dst)[k] = uns ? (float)u : (float)(int64_t)u;
		else
			weir_dt_store(dd, dst, k, (double)(uns ? (float)u : (float)(int64_t)u));
		return;
	}
	st_bits(dd, dst, k, u); /* two's-complement truncation */
}

static void fill_source(int sd, void *p, int64_t n)
{
	static const double fv[] = { 0.0,          -0.0,          1.5,          -1.5,    2.7,
		                     -2.7,         0.49,          127.9,        128.2,   -129.5,
		                     255.5,        300.25,        -300.25,      65535.9, 70000.0,
		                     2147483647.0, -2147483649.0, 4294967296.5, 1e10,    -1e10,
		                     9.3e18,       -9.3e18,       2e19,         1e30,    NAN,
		                     INFINITY,     -INFINITY,     0.1 };
	static const uint64_t iv[] = { 0,
		                       1,
		                       (uint64_t)-1,
		                       127,
		                       128,
		                       255,
		                       256,
		                       (uint64_t)-129,
		                       65535,
		                       65536,
		                       2147483647,
		                       (uint64_t)-2147483648LL,
		                       4294967295ull,
		                       1ull << 40,
		                       (1ull << 53) + 1,
		                       0x7fffffffffffffffull,
		                       0x8000000000000000ull,
		                       12345678901ull,
		                       (uint64_t)-7,
		                       42,
		                       3,
		                       100,
		                       200,
		                       1000,
		                       5,
		                       6,
		                       7,
		                       9 };
	for (int64_t k = 0; k < n; k++) {
		if (sd == WEIR_DT_BOOL)
			((uint8_t *)p)[k] = (uint8_t)(k % 3 == 0);
		else if (is_fl(sd))
			weir_dt_store(sd, p, k, fv[k % (int64_t)OC_N(fv)]);
		else
			st_bits(sd, p, k, iv[k % (int64_t)OC_N(iv)]);
	}
}

static void test_cast_all_pairs(void **state)
{
	(void)state;
	const int64_t n = 28;
	for (size_t s = 0; s < OC_N(oc_all_dts); s++) {
		int sd = oc_all_dts[s];
		void *src = calloc((size_t)n, 8);
		assert_non_null(src);
		fill_source(sd, src, n);
		for (size_t d = 0; d < OC_N(oc_all_dts); d++) {
			int dd = oc_all_dts[d];
			opcase_t c;
			oc_init(&c, "Cast");
			oc_in(&c, sd, 2, (int64_t[]){ 4, 7 }, src);
			oc_attr_int(&c, "dst_type", dd);
			OC_EXPECT_OK(&c, 1);
			OC_SHAPE(&c, 0, dd, 4, 7);
			void *want = calloc((size_t)n, 8);
			assert_non_null(want);
			for (int64_t k = 0; k < n; k++) {
				if (sd == dd)
					memcpy((char *)want + k * (int64_t)weir_dtype_size(dd),
					       (char *)src + k * (int64_t)weir_dtype_size(sd),
					       weir_dtype_size(dd));
				else
					ref_elem(sd, src, k, dd, want);
			}
			for (int64_t k = 0; k < n; k++) {
				size_t es = weir_dtype_size(dd);
				if (memcmp((char *)c.out[0] + (size_t)k * es,
				           (char *)want + (size_t)k * es, es))
					fail_msg("Cast %s -> %s: element %lld (%.17g) gives %.17g, "
					         "expected %.17g",
					         weir_dtype_name(sd), weir_dtype_name(dd),
					         (long long)k, weir_dt_load(sd, src, k),
					         weir_dt_load(dd, c.out[0], k),
					         weir_dt_load(dd, want, k));
			}
			free(want);
			oc_fini(&c);
		}
		free(src);
	}
}

static void test_cast_known_values(void **state)
{
	(void)state;
	/* Spot checks written out by hand, independent of the reference. */
	float f[] = { 1.9f, -1.9f, 300.0f, -300.0f, NAN, 0.0f };
	opcase_t c;
	oc_init(&c, "Cast");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 6 }, f);
	oc_attr_int(&c, "to", WEIR_DT_INT8); /* ONNX alias */
	OC_EXPECT_OK(&c, 1);
	int8_t want8[] = { 1, -1, 127, -128, 0, 0 };
	assert_memory_equal(c.out[0], want8, sizeof(want8));
	oc_fini(&c);

	int32_t i[] = { 257, -1, 65 };
	oc_init(&c, "Cast");
	oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ 3 }, i);
	oc_attr_int(&c, "dst_type", WEIR_DT_UINT8);
	OC_EXPECT_OK(&c, 1);
	uint8_t wantu[] = { 1, 255, 65 };
	assert_memory_equal(c.out[0], wantu, sizeof(wantu));
	oc_fini(&c);

	float g[] = { 1.0f, 65504.0f, 65520.0f, 1.0009765625f };
	oc_init(&c, "Cast");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, g);
	oc_attr_int(&c, "dst_type", WEIR_DT_FLOAT16);
	OC_EXPECT_OK(&c, 1);
	uint16_t wanth[] = { 0x3c00, 0x7bff, 0x7c00, 0x3c01 };
	assert_memory_equal(c.out[0], wanth, sizeof(wanth));
	oc_fini(&c);
}

static void test_cast_shapes(void **state)
{
	(void)state;
	static const struct {
		int r;
		int64_t d[8];
	} shapes[] = {
		{ 0, { 0 } },
		{ 1, { 0 } },
		{ 8, { 1, 2, 1, 2, 1, 2, 1, 2 } },
		{ 2, { 512, 700 } },
	};
	for (size_t s = 0; s < OC_N(shapes); s++) {
		opcase_t c;
		oc_init(&c, "Cast");
		oc_in_gen(&c, WEIR_DT_FLOAT, shapes[s].r, shapes[s].d, -100, 100);
		oc_attr_int(&c, "dst_type", WEIR_DT_BF16);
		OC_EXPECT_OK(&c, 1);
		oc_expect_shape(&c, 0, WEIR_DT_BF16, shapes[s].r, shapes[s].d);
		int64_t n = oc_numel(shapes[s].r, shapes[s].d);
		for (int64_t k = 0; k < n; k++)
			assert_true(((uint16_t *)c.out[0])[k] ==
			            weir_f32_to_bf16(((const float *)c.in[0])[k]));
		oc_fini(&c);
	}
}

static void test_cast_errors(void **state)
{
	(void)state;
	float f[2] = { 0 };
	opcase_t c;
	oc_init(&c, "Cast");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 2 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "dst_type");
	oc_fini(&c);

	oc_init(&c, "Cast");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 2 }, f);
	oc_attr_int(&c, "dst_type", 5); /* not a weir dtype */
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "not a supported dtype");
	oc_fini(&c);

	oc_init(&c, "Cast");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 2 }, f);
	oc_attr_str(&c, "dst_type", "float16");
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "must be an int");
	oc_fini(&c);

	oc_init(&c, "Cast");
	oc_in(&c, 99, 1, (int64_t[]){ 2 }, f);
	oc_attr_int(&c, "dst_type", WEIR_DT_FLOAT);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "not supported");
	oc_fini(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cast_all_pairs),
		cmocka_unit_test(test_cast_known_values),
		cmocka_unit_test(test_cast_shapes),
		cmocka_unit_test(test_cast_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
