/*
 * tests/unit/test_ops_random.c - the op library's built-in task kernels:
 * Accumulate (every kind x dtype against a host reference, in place) and
 * the Philox4x32-10 random ops (known-answer vectors, a from-scratch host
 * reference of the value mapping, bit-identity for any block count through
 * the op harness and through weir_random_kernel directly, distribution
 * sanity, and bad attrs / runtime params).
 */
#include "test_ops_harness.h"

/* ---- an independent Philox4x32-10 (written from the published algorithm) */
static void ref_philox(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4])
{
	uint32_t x[4] = { ctr[0], ctr[1], ctr[2], ctr[3] }, k[2] = { key[0], key[1] };
	for (int r = 0; r < 10; r++) {
		if (r) {
			k[0] += 0x9E3779B9u;
			k[1] += 0xBB67AE85u;
		}
		uint64_t a = (uint64_t)0xD2511F53u * x[0], b = (uint64_t)0xCD9E8D57u * x[2];
		uint32_t y0 = (uint32_t)(b >> 32) ^ x[1] ^ k[0];
		uint32_t y2 = (uint32_t)(a >> 32) ^ x[3] ^ k[1];
		x[0] = y0;
		x[1] = (uint32_t)b;
		x[2] = y2;
		x[3] = (uint32_t)a;
	}
	memcpy(out, x, sizeof x);
}

static void test_philox_known_answers(void **state)
{
	(void)state;
	/* Random123's kat_vectors for philox4x32_10. */
	static const uint32_t v[3][10] = {
		{ 0, 0, 0, 0, 0, 0, 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8 },
		{ 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
		  0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd },
		{ 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0,
		  0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1 },
	};
	for (int i = 0; i < 3; i++) {
		uint32_t out[4], ref[4];
		weir_philox4x32_10(&v[i][0], &v[i][4], out);
		ref_philox(&v[i][0], &v[i][4], ref);
		for (int w = 0; w < 4; w++) {
			assert_int_equal(out[w], v[i][6 + w]);
			assert_int_equal(ref[w], v[i][6 + w]);
		}
	}
}

/* Host reference of the word mapping: block g = counter + g. */
static void ref_block(const uint32_t base[4], uint64_t seed, uint64_t g, uint32_t out[4])
{
	uint32_t c[4], key[2] = { (uint32_t)seed, (uint32_t)(seed >> 32) };
	uint64_t lo = ((uint64_t)base[1] << 32 | base[0]) + g;
	uint64_t hi = ((uint64_t)base[3] << 32 | base[2]) + (lo < g);
	c[0] = (uint32_t)lo;
	c[1] = (uint32_t)(lo >> 32);
	c[2] = (uint32_t)hi;
	c[3] = (uint32_t)(hi >> 32);
	ref_philox(c, key, out);
}

static void run_kernel_all_blocks(weir_random_args_t *a, uint32_t nb)
{
	for (uint32_t b = nb; b-- > 0;)
		assert_int_equal(weir_random_kernel(a, b, nb), WEIR_OK);
}

/* weir_random_kernel against the host reference, for blocks 1..9 and a
 * counter that carries across the 64-bit boundary. */
static void test_random_kernel_reference(void **state)
{
	(void)state;
	enum { N = 203 };
	uint32_t ctr[4] = { 0xfffffff0u, 0xffffffffu, 7, 9 };
	uint64_t seed = 0x123456789abcdefull;
	uint32_t out32[N], ref32[N];
	uint64_t out64[N];
	for (uint32_t nb = 1; nb <= 9; nb++) {
		/* UINT32 uniform over the full range: the raw word. */
		weir_random_args_t a = { .out = out32,
			                 .counter_addr = ctr,
			                 .dtype = WEIR_DT_UINT32,
			                 .dist = WEIR_RANDOM_UNIFORM };
		a.val[WEIR_RANDOM_SEED] = seed;
		a.val[WEIR_RANDOM_COUNT] = N;
		a.val[WEIR_RANDOM_P0] = 0;
		a.val[WEIR_RANDOM_P1] = 0xffffffffu;
		for (int k = 0; k < 4; k++)
			a.size[k] = 8;
		a.size[WEIR_RANDOM_P0] = a.size[WEIR_RANDOM_P1] = 4;
		memset(out32, 0xee, sizeof out32);
		run_kernel_all_blocks(&a, nb);
		for (int i = 0; i < N; i++) {
			uint32_t w[4];
			ref_block(ctr, seed, (uint64_t)i / 4, w);
			ref32[i] = (uint32_t)(((uint64_t)w[i % 4] * 0xffffffffu) >> 32);
		}
		assert_memory_equal(out32, ref32, sizeof out32);

		/* INT64 uniform in [-5, 1000). */
		a.out = out64;
		a.dtype = WEIR_DT_INT64;
		a.val[WEIR_RANDOM_P0] = (uint64_t)(int64_t)-5;
		a.val[WEIR_RANDOM_P1] = 1000;
		a.size[WEIR_RANDOM_P0] = a.size[WEIR_RANDOM_P1] = 8;
		run_kernel_all_blocks(&a, nb);
		for (int i = 0; i < N; i++) {
			uint32_t w[4];
			ref_block(ctr, seed, (uint64_t)i / 2, w);
			uint64_t r = (uint64_t)w[2 * (i % 2) + 1] << 32 | w[2 * (i % 2)];
			int64_t want = -5 + (int64_t)(((unsigned __int128)r * 1005u) >> 64);
			assert_int_equal((int64_t)out64[i], want);
			assert_true((int64_t)out64[i] >= -5 && (int64_t)out64[i] < 1000);
		}
	}
}

/* Every dist x dtype: the same bytes for nblocks 1..12 (and odd counts). */
static void test_random_block_independence(void **state)
{
	(void)state;
	static const int dts[] = { WEIR_DT_FLOAT, WEIR_DT_FLOAT16, WEIR_DT_BF16,  WEIR_DT_INT32,
		                   WEIR_DT_INT64, WEIR_DT_UINT32,  WEIR_DT_UINT64 };
	uint32_t ctr[4] = { 1, 2, 3, 4 };
	for (int dist = 0; dist <= 3; dist++) {
		for (size_t d = 0; d < sizeof dts / sizeof dts[0]; d++) {
			int dt = dts[d];
			if (!weir_random_supported(dist, dt))
				continue;
			uint64_t n = 997;
			size_t bytes = (size_t)weir_random_out_bytes(dist, dt, n);
			unsigned char *ref = malloc(bytes), *out = malloc(bytes);
			weir_random_args_t a = {
				.out = ref, .counter_addr = ctr, .dtype = dt, .dist = (uint8_t)dist
			};
			a.val[WEIR_RANDOM_SEED] = 42;
			a.val[WEIR_RANDOM_COUNT] = n;
			size_t es = weir_dtype_size(dt);
			a.size[0] = a.size[1] = 8;
			a.size[2] = a.size[3] = (uint8_t)es;
			if (dt == WEIR_DT_FLOAT) {
				float p0 = dist == 0 ? 0.3f : -1.0f, p1 = 4.0f;
				memcpy(&a.val[2], &p0, 4);
				memcpy(&a.val[3], &p1, 4);
			} else if (dt == WEIR_DT_FLOAT16) {
				a.val[2] = dist == 0 ? 0x34cd : 0xbc00; /* 0.3 / -1 */
				a.val[3] = 0x4400;                      /* 4 */
			} else if (dt == WEIR_DT_BF16) {
				a.val[2] = dist == 0 ? 0x3e9a : 0xbf80;
				a.val[3] = 0x4080;
			} else {
				a.val[2] = 3;
				a.val[3] = 77;
			}
			run_kernel_all_blocks(&a, 1);
			for (uint32_t nb = 2; nb <= 12; nb++) {
				a.out = out;
				memset(out, 0x5a, bytes);
				run_kernel_all_blocks(&a, nb);
				assert_memory_equal(out, ref, bytes);
			}
			free(ref);
			free(out);
		}
	}
}

static void test_random_distributions(void **state)
{
	(void)state;
	enum { N = 40000 };
	float *f = malloc(N * sizeof *f);
	uint32_t ctr[4] = { 0, 0, 0, 0 };
	weir_random_args_t a = { .out = f, .counter_addr = ctr, .dtype = WEIR_DT_FLOAT };
	float m = 3.0f, s = 2.0f;
	a.val[WEIR_RANDOM_COUNT] = N;
	a.size[0] = a.size[1] = 8;
	a.size[2] = a.size[3] = 4;
	memcpy(&a.val[2], &m, 4);
	memcpy(&a.val[3], &s, 4);
	for (int dist = WEIR_RANDOM_NORMAL; dist <= WEIR_RANDOM_TRUNCATED_NORMAL; dist++) {
		a.dist = (uint8_t)dist;
		run_kernel_all_blocks(&a, 3);
		double sum = 0, sq = 0;
		for (int i = 0; i < N; i++) {
			sum += f[i];
			sq += (f[i] - 3.0) * (f[i] - 3.0);
			if (dist == WEIR_RANDOM_TRUNCATED_NORMAL)
				assert_true(f[i] >= 3.0f - 4.0f - 1e-5f &&
				            f[i] <= 3.0f + 4.0f + 1e-5f);
		}
		double mean = sum / N, sd = sqrt(sq / N);
		assert_true(fabs(mean - 3.0) < 0.05);
		/* truncated at 2 sigma: sd = 2 * 0.8796 */
		double want = dist == WEIR_RANDOM_NORMAL ? 2.0 : 2.0 * 0.8796;
		assert_true(fabs(sd - want) < 0.05);
	}
	/* Uniform [1, 2) and a dropout mask with ratio 0.25. */
	float lo = 1.0f, hi = 2.0f, ratio = 0.25f;
	a.dist = WEIR_RANDOM_UNIFORM;
	memcpy(&a.val[2], &lo, 4);
	memcpy(&a.val[3], &hi, 4);
	run_kernel_all_blocks(&a, 2);
	double sum = 0;
	for (int i = 0; i < N; i++) {
		assert_true(f[i] >= 1.0f && f[i] < 2.0f);
		sum += f[i];
	}
	assert_true(fabs(sum / N - 1.5) < 0.01);
	uint8_t mask[N / 8 + 1];
	a.out = mask;
	a.dist = WEIR_RANDOM_DROPOUT_MASK;
	a.val[WEIR_RANDOM_COUNT] = N + 3; /* 3 bits into the last byte */
	memcpy(&a.val[2], &ratio, 4);
	memset(mask, 0xff, sizeof mask);
	run_kernel_all_blocks(&a, 5);
	long ones = 0;
	for (int i = 0; i < N / 8 + 1; i++)
		ones += __builtin_popcount(mask[i]);
	assert_int_equal(mask[N / 8] & 0xf8, 0); /* unused high bits are 0 */
	assert_true(fabs((double)ones / (N + 3) - 0.75) < 0.01);
	/* ratio 0 keeps everything, 1 drops everything. */
	ratio = 0.0f;
	memcpy(&a.val[2], &ratio, 4);
	a.val[WEIR_RANDOM_COUNT] = 64;
	run_kernel_all_blocks(&a, 1);
	for (int i = 0; i < 8; i++)
		assert_int_equal(mask[i], 0xff);
	ratio = 1.0f;
	memcpy(&a.val[2], &ratio, 4);
	run_kernel_all_blocks(&a, 1);
	for (int i = 0; i < 8; i++)
		assert_int_equal(mask[i], 0);
	free(f);
}

/* Params read from memory (isAddr) give the same values as immediates;
 * bad runtime params fail the kernel. */
static void test_random_addr_params(void **state)
{
	(void)state;
	int32_t out1[64], out2[64], mn = -7, mx = 7;
	uint64_t seed = 99, cnt = 64;
	uint32_t ctr[4] = { 5, 0, 0, 0 };
	weir_random_args_t a = { .out = out1,
		                 .counter_addr = ctr,
		                 .dtype = WEIR_DT_INT32,
		                 .dist = WEIR_RANDOM_UNIFORM };
	a.val[0] = seed;
	a.val[1] = cnt;
	a.val[2] = (uint32_t)mn;
	a.val[3] = (uint32_t)mx;
	a.size[0] = a.size[1] = 8;
	a.size[2] = a.size[3] = 4;
	run_kernel_all_blocks(&a, 1);
	weir_random_args_t b = a;
	b.out = out2;
	b.addr_mask = 0xf;
	b.val[0] = (uintptr_t)&seed;
	b.val[1] = (uintptr_t)&cnt;
	b.val[2] = (uintptr_t)&mn;
	b.val[3] = (uintptr_t)&mx;
	run_kernel_all_blocks(&b, 4);
	assert_memory_equal(out1, out2, sizeof out1);
	for (int i = 0; i < 64; i++)
		assert_true(out1[i] >= -7 && out1[i] < 7);
	mn = 8; /* min > max */
	assert_int_equal(weir_random_kernel(&b, 0, 1), WEIR_EINVAL);
	mn = -7;
	b.max_count = 63; /* count beyond the bound */
	assert_int_equal(weir_random_kernel(&b, 0, 1), WEIR_EINVAL);
	b.max_count = 0;
	b.counter_addr = NULL;
	assert_int_equal(weir_random_kernel(&b, 0, 1), WEIR_EINVAL);
	b.counter_addr = ctr;
	b.dtype = WEIR_DT_INT8; /* not a random dtype */
	assert_int_equal(weir_random_kernel(&b, 0, 1), WEIR_EINVAL);
	assert_false(weir_random_supported(WEIR_RANDOM_NORMAL, WEIR_DT_INT32));
	assert_false(weir_random_supported(7, WEIR_DT_FLOAT));
}

/* The graph ops through the harness (bit-identical for any block count). */
static void test_random_graph_ops(void **state)
{
	(void)state;
	static const char *ops[] = { "RandomUniform", "RandomNormal", "TruncatedNormal",
		                     "DropoutGenMask" };
	for (int o = 0; o < 4; o++) {
		opcase_t c;
		oc_init(&c, ops[o]);
		oc_attr_int(&c, "dtype", WEIR_DT_FLOAT16);
		OC_INTS(&c, "shape", 3, 1000);
		oc_attr_int(&c, "seed", 7);
		OC_INTS(&c, "offset", 1, 2);
		if (o == 3)
			oc_attr_float(&c, "ratio", 0.5f);
		OC_EXPECT_OK(&c, 1);
		if (o == 3)
			OC_SHAPE(&c, 0, WEIR_DT_UINT8, 375);
		else
			OC_SHAPE(&c, 0, WEIR_DT_FLOAT16, 3, 1000);
		/* Same values as the task kernel with counter {1, 2, 0, 0}. */
		size_t bytes = o == 3 ? 375 : 6000;
		uint8_t *buf = malloc(bytes);
		uint32_t ctr[4] = { 1, 2, 0, 0 };
		weir_random_args_t a = { .out = buf,
			                 .counter_addr = ctr,
			                 .dtype = WEIR_DT_FLOAT16 };
		a.dist = (uint8_t)(o == 0   ? WEIR_RANDOM_UNIFORM
		                   : o == 1 ? WEIR_RANDOM_NORMAL
		                   : o == 2 ? WEIR_RANDOM_TRUNCATED_NORMAL
		                            : WEIR_RANDOM_DROPOUT_MASK);
		a.val[0] = 7;
		a.val[1] = 3000;
		a.val[2] = o == 3 ? 0x3800 : 0; /* 0.5 or 0 */
		a.val[3] = o == 0 || o == 3 ? 0x3c00 : 0x3c00;
		for (int k = 0; k < 4; k++)
			a.size[k] = 8;
		run_kernel_all_blocks(&a, 1);
		assert_memory_equal(buf, c.out[0], bytes);
		free(buf);
		oc_fini(&c);
	}
	opcase_t c;
	oc_init(&c, "RandomNormal");
	oc_attr_int(&c, "dtype", WEIR_DT_INT32);
	OC_INTS(&c, "shape", 4);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "not supported");
	oc_fini(&c);
	oc_init(&c, "RandomUniform");
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "missing attr 'shape'");
	oc_fini(&c);
	oc_init(&c, "RandomUniform");
	OC_INTS(&c, "shape", 4);
	oc_attr_float(&c, "min", 2.0f);
	oc_attr_float(&c, "max", 1.0f);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "bad params");
	oc_fini(&c);
	oc_init(&c, "RandomNormal");
	OC_INTS(&c, "shape", 4);
	OC_INTS(&c, "offset", 1, 2, 3, 4, 5);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "at most 4");
	oc_fini(&c);
}

/* ---- Accumulate */
static double acc_ref(int kind, double x, double y)
{
	switch (kind) {
	case 0: return x + y;
	case 1: return (isnan(x) || isnan(y)) ? NAN : (x >= y ? x : y);
	case 2: return (isnan(x) || isnan(y)) ? NAN : (x <= y ? x : y);
	default: return x == y;
	}
}

static void test_accumulate(void **state)
{
	(void)state;
	static const int dts[] = { WEIR_DT_INT8,    WEIR_DT_INT16, WEIR_DT_INT32, WEIR_DT_UINT32,
		                   WEIR_DT_FLOAT16, WEIR_DT_FLOAT, WEIR_DT_BF16 };
	enum { N = 1001 };
	for (size_t d = 0; d < sizeof dts / sizeof dts[0]; d++) {
		int dt = dts[d];
		size_t es = weir_dtype_size(dt);
		for (int kind = 0; kind <= 3; kind++) {
			opcase_t c;
			oc_init(&c, "Accumulate");
			const void *x = oc_in_gen(&c, dt, 1, (int64_t[]){ N }, -100, 100);
			const void *y = oc_in_gen(&c, dt, 1, (int64_t[]){ N }, -100, 100);
			/* Some equal elements for EQUAL, and integer wrap for SUM. */
			memcpy((char *)c.owned[1], x, 10 * es);
			if (dt == WEIR_DT_INT8)
				((int8_t *)c.owned[0])[20] = 127, ((int8_t *)c.owned[1])[20] = 1;
			oc_attr_int(&c, "kind", kind);
			OC_EXPECT_OK(&c, 1);
			/* Reference, and the in-place task kernel on a copy of x. */
			void *dst = malloc(N * es);
			memcpy(dst, x, N * es);
			weir_accumulate_args_t a = {
				.dst = dst, .src = y, .count = N, .dtype = dt, .kind = kind
			};
			for (uint32_t nb = 7; nb-- > 0;)
				assert_int_equal(weir_accumulate_kernel(&a, nb, 7), WEIR_OK);
			assert_memory_equal(dst, c.out[0], N * es);
			for (int64_t i = 0; i < N; i++) {
				double want = acc_ref(kind, weir_dt_load(dt, x, i),
				                      weir_dt_load(dt, y, i));
				double got = weir_dt_load(dt, c.out[0], i);
				if (oc_is_float(dt)) {
					double tol = dt == WEIR_DT_FLOAT     ? 1e-6
					             : dt == WEIR_DT_FLOAT16 ? 1e-3
					                                     : 1e-2;
					assert_true(fabs(got - want) <= tol * (1 + fabs(want)));
				} else {
					/* wrap to the type's width */
					int bits = (int)es * 8;
					uint64_t m = bits == 64 ? ~0ull : ((1ull << bits) - 1);
					uint64_t w = (uint64_t)(int64_t)want & m;
					int64_t wv = dt == WEIR_DT_UINT32 ? (int64_t)w
					             : (w >> (bits - 1))  ? (int64_t)(w | ~m)
					                                  : (int64_t)w;
					assert_true(got == (double)wv);
				}
			}
			if (dt == WEIR_DT_INT8 && kind == 0)
				assert_int_equal(((int8_t *)c.out[0])[20], -128);
			free(dst);
			oc_fini(&c);
		}
	}
	opcase_t c;
	oc_init(&c, "Accumulate");
	oc_in_gen(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, 0, 1);
	oc_in_gen(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 5 }, 0, 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "inputs differ");
	oc_fini(&c);
	oc_init(&c, "Accumulate");
	oc_in_gen(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, 0, 1);
	oc_in_gen(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, 0, 1);
	oc_attr_int(&c, "kind", 4);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "not 0..3");
	oc_fini(&c);
	oc_init(&c, "Accumulate");
	oc_in_gen(&c, WEIR_DT_INT64, 1, (int64_t[]){ 4 }, 0, 1);
	oc_in_gen(&c, WEIR_DT_INT64, 1, (int64_t[]){ 4 }, 0, 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "not supported");
	oc_fini(&c);
	/* NaN wins max/min; -0 == +0 for EQUAL. */
	float xs[3] = { NAN, 1.0f, -0.0f }, ys[3] = { 2.0f, NAN, 0.0f };
	weir_accumulate_args_t a = { .dst = xs,
		                     .src = ys,
		                     .count = 3,
		                     .dtype = WEIR_DT_FLOAT,
		                     .kind = WEIR_ACCUMULATE_MAX };
	assert_int_equal(weir_accumulate_kernel(&a, 0, 1), WEIR_OK);
	assert_true(isnan(xs[0]) && isnan(xs[1]) && xs[2] == 0.0f);
	float e1[1] = { -0.0f }, e2[1] = { 0.0f };
	a = (weir_accumulate_args_t){ e1, e2, 1, WEIR_DT_FLOAT, WEIR_ACCUMULATE_EQUAL };
	assert_int_equal(weir_accumulate_kernel(&a, 0, 1), WEIR_OK);
	assert_true(e1[0] == 1.0f);
	a.kind = 9;
	assert_int_equal(weir_accumulate_kernel(&a, 0, 1), WEIR_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_philox_known_answers),
		cmocka_unit_test(test_random_kernel_reference),
		cmocka_unit_test(test_random_block_independence),
		cmocka_unit_test(test_random_distributions),
		cmocka_unit_test(test_random_addr_params),
		cmocka_unit_test(test_random_graph_ops),
		cmocka_unit_test(test_accumulate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
