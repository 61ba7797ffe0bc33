/*
 * tests/unit/test_ops_math.c - unary math (Sin, Cos, Erf, Floor, Ceil,
 * Round, Reciprocal, Sign), ClipByValue, comparisons, logic ops and integer
 * Pow against host references: every dtype each accepts, broadcasting,
 * empty and multi-block shapes, special values (NaN, inf, -0, ties, int64
 * beyond 2^53) and bad inputs.
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

static bool is_uns(int dt)
{
	return dt == WEIR_DT_UINT8 || dt == WEIR_DT_UINT16 || dt == WEIR_DT_UINT32 ||
	       dt == WEIR_DT_UINT64 || dt == WEIR_DT_BOOL;
}

/* Index of the input element feeding output element k (numpy broadcast). */
static int64_t bcast_src(int64_t k, int orank, const int64_t *odims, int irank,
                         const int64_t *idims)
{
	int64_t idx[8], src[8];
	oc_unravel(k, orank, odims, idx);
	for (int d = 0; d < irank; d++)
		src[d] = idims[d] == 1 ? 0 : idx[d + orank - irank];
	return oc_ravel(irank, idims, src);
}

/* An input of small integer values v in [lo, lo + span) (so that equal
 * pairs are frequent), with a NaN every 7th element for float dtypes. */
static void *in_small(opcase_t *c, int dt, const shape_t *s, int lo, int span)
{
	int64_t n = oc_numel(s->r, s->d);
	void *p = malloc((size_t)n * weir_dtype_size(dt) + 1);
	assert_non_null(p);
	if (dt == WEIR_DT_BOOL) {
		lo = 0;
		span = 2;
	} else if (is_uns(dt) && lo < 0) {
		lo = 0;
	}
	for (int64_t k = 0; k < n; k++) {
		double v = lo + (int)(oc_rand() % (uint64_t)span);
		if (oc_is_float(dt) && oc_rand() % 7 == 0)
			v = NAN;
		weir_dt_store(dt, p, k, v);
	}
	uint32_t i = oc_in(c, dt, s->r, s->d, p);
	c->owned[i] = p;
	return p;
}

static double *ref_alloc(int64_t n)
{
	double *r = malloc(sizeof(double) * (size_t)(n ? n : 1));
	assert_non_null(r);
	return r;
}

/* ---- unary math --------------------------------------------------------- */

static const char *const un_ops[] = { "Sin",  "Cos",   "Erf",        "Floor",
	                              "Ceil", "Round", "Reciprocal", "Sign" };

static double ref_un(const char *op, double x)
{
	if (!strcmp(op, "Sin"))
		return sin(x);
	if (!strcmp(op, "Cos"))
		return cos(x);
	if (!strcmp(op, "Erf"))
		return erf(x);
	if (!strcmp(op, "Floor"))
		return floor(x);
	if (!strcmp(op, "Ceil"))
		return ceil(x);
	if (!strcmp(op, "Round")) { /* half to even, written out */
		double f = floor(x), d = x - f;
		if (d > 0.5 || (d == 0.5 && fmod(f, 2.0) != 0.0))
			f += 1.0;
		return f;
	}
	if (!strcmp(op, "Reciprocal"))
		return 1.0 / x;
	if (!strcmp(op, "Sign"))
		return isnan(x) ? x : (x > 0) - (x < 0);
	fail_msg("no reference for %s", op);
	return 0;
}

static void run_unary(const char *op, int dt, const shape_t *s, double lo, double hi)
{
	opcase_t c;
	oc_init(&c, op);
	oc_in_gen(&c, dt, s->r, s->d, lo, hi);
	OC_EXPECT_OK(&c, 1);
	oc_expect_shape(&c, 0, dt, s->r, s->d);
	int64_t n = oc_numel(s->r, s->d);
	double *ref = ref_alloc(n);
	for (int64_t k = 0; k < n; k++)
		ref[k] = ref_un(op, oc_ld(&c, 0, k));
	oc_expect_close(&c, 0, ref, 4.0);
	free(ref);
	oc_fini(&c);
}

static void test_unary_float(void **state)
{
	(void)state;
	static const int dts[] = { WEIR_DT_FLOAT, WEIR_DT_FLOAT16, WEIR_DT_BF16, WEIR_DT_DOUBLE };
	for (size_t o = 0; o < OC_N(un_ops); o++)
		for (size_t s = 0; s < OC_N(un_shapes); s++)
			for (size_t t = 0; t < OC_N(dts); t++)
				run_unary(un_ops[o], dts[t], &un_shapes[s], -4.0, 4.0);
	/* Round on a grid of halves: ties everywhere. */
	for (size_t s = 0; s < OC_N(un_shapes); s++)
		for (size_t t = 0; t < OC_N(dts); t++) {
			opcase_t c;
			oc_init(&c, "Round");
			const shape_t *sh = &un_shapes[s];
			int64_t n = oc_numel(sh->r, sh->d);
			void *p = malloc((size_t)n * 8 + 1);
			assert_non_null(p);
			for (int64_t k = 0; k < n; k++)
				weir_dt_store(dts[t], p, k,
				              0.25 * (double)((int)(oc_rand() % 41) - 20));
			c.owned[oc_in(&c, dts[t], sh->r, sh->d, p)] = p;
			OC_EXPECT_OK(&c, 1);
			double *ref = ref_alloc(n);
			for (int64_t k = 0; k < n; k++)
				ref[k] = ref_un("Round", oc_ld(&c, 0, k));
			oc_expect_close(&c, 0, ref, 0.0); /* exact */
			free(ref);
			oc_fini(&c);
		}
	/* Large arguments (range reduction) in float32. */
	run_unary("Sin", WEIR_DT_FLOAT, &un_shapes[4], -1e4, 1e4);
	run_unary("Cos", WEIR_DT_FLOAT, &un_shapes[4], -1e4, 1e4);
}

static void test_unary_special(void **state)
{
	(void)state;
	static const float x[] = { NAN,  INFINITY, -INFINITY, -0.0f, 0.0f,   0.5f,
		                   1.5f, 2.5f,     -0.5f,     -2.5f, -1.25f, 3.0f };
	const struct {
		const char *op;
		float want[12];
	} rows[] = {
		{ "Floor", { NAN, INFINITY, -INFINITY, -0.0f, 0, 0, 1, 2, -1, -3, -2, 3 } },
		{ "Ceil", { NAN, INFINITY, -INFINITY, -0.0f, 0, 1, 2, 3, -0.0f, -2, -1, 3 } },
		{ "Round", { NAN, INFINITY, -INFINITY, -0.0f, 0, 0, 2, 2, -0.0f, -2, -1, 3 } },
		{ "Reciprocal",
		  { NAN, 0, -0.0f, -INFINITY, INFINITY, 2, 1 / 1.5f, 0.4f, -2, -0.4f, -0.8f,
		    1 / 3.0f } },
		{ "Sign", { NAN, 1, -1, 0, 0, 1, 1, 1, -1, -1, -1, 1 } },
		{ "Erf",
		  { NAN, 1, -1, -0.0f, 0, erff(0.5f), erff(1.5f), erff(2.5f), erff(-0.5f),
		    erff(-2.5f), erff(-1.25f), erff(3.0f) } },
		{ "Sin",
		  { NAN, NAN, NAN, -0.0f, 0, sinf(0.5f), sinf(1.5f), sinf(2.5f), sinf(-0.5f),
		    sinf(-2.5f), sinf(-1.25f), sinf(3.0f) } },
		{ "Cos",
		  { NAN, NAN, NAN, 1, 1, cosf(0.5f), cosf(1.5f), cosf(2.5f), cosf(-0.5f),
		    cosf(-2.5f), cosf(-1.25f), cosf(3.0f) } },
	};
	static const int dts[] = { WEIR_DT_FLOAT, WEIR_DT_FLOAT16, WEIR_DT_BF16, WEIR_DT_DOUBLE };
	for (size_t r = 0; r < OC_N(rows); r++) {
		for (size_t t = 0; t < OC_N(dts); t++) {
			int dt = dts[t];
			unsigned char buf[12 * 8];
			for (int k = 0; k < 12; k++)
				weir_dt_store(dt, buf, k, x[k]);
			opcase_t c;
			oc_init(&c, rows[r].op);
			oc_in(&c, dt, 1, (int64_t[]){ 12 }, buf);
			OC_EXPECT_OK(&c, 1);
			for (int k = 0; k < 12; k++) {
				double got = weir_dt_load(dt, c.out[0], k);
				unsigned char w[8];
				weir_dt_store(dt, w, 0, rows[r].want[k]);
				double want = weir_dt_load(dt, w, 0);
				bool exact = strcmp(rows[r].op, "Sin") &&
				             strcmp(rows[r].op, "Cos") &&
				             strcmp(rows[r].op, "Erf") && dt != WEIR_DT_DOUBLE;
				bool ok =
				        isnan(want) ? isnan(got)
				        : exact     ? got == want && signbit(got) == signbit(want)
				                    : got == want || fabs(got - want) <=
				                                         1e-6 * fmax(fabs(want), 1);
				if (dt == WEIR_DT_DOUBLE && !strcmp(rows[r].op, "Reciprocal") &&
				    !isnan(want) && !isinf(want))
					ok = got == 1.0 / (double)x[k];
				if (!ok)
					fail_msg("%s(%s)(%g) = %.9g, expected %.9g", rows[r].op,
					         weir_dtype_name(dt), (double)x[k], got, want);
			}
			oc_fini(&c);
		}
	}
}

static void test_unary_int(void **state)
{
	(void)state;
	static const int ints[] = { WEIR_DT_INT8,  WEIR_DT_UINT8,  WEIR_DT_INT16, WEIR_DT_UINT16,
		                    WEIR_DT_INT32, WEIR_DT_UINT32, WEIR_DT_INT64, WEIR_DT_UINT64 };
	static const char *const ops[] = { "Floor", "Ceil", "Round", "Sign" };
	for (size_t o = 0; o < OC_N(ops); o++) {
		for (size_t t = 0; t < OC_N(ints); t++) {
			for (size_t s = 0; s < OC_N(un_shapes); s++) {
				int dt = ints[t];
				opcase_t c;
				oc_init(&c, ops[o]);
				const void *p = oc_in_gen(&c, dt, un_shapes[s].r, un_shapes[s].d,
				                          is_uns(dt) ? 0 : -100, 100);
				OC_EXPECT_OK(&c, 1);
				oc_expect_shape(&c, 0, dt, un_shapes[s].r, un_shapes[s].d);
				int64_t n = oc_numel(un_shapes[s].r, un_shapes[s].d);
				size_t es = weir_dtype_size(dt);
				if (strcmp(ops[o], "Sign")) {
					assert_memory_equal(c.out[0], p, (size_t)n * es + 0);
				} else {
					double *ref = ref_alloc(n);
					for (int64_t k = 0; k < n; k++)
						ref[k] = ref_un("Sign", oc_ld(&c, 0, k));
					oc_expect_close(&c, 0, ref, 1.0);
					free(ref);
				}
				oc_fini(&c);
			}
		}
	}
	/* Extremes: Floor of int64 beyond 2^53 is exact; Sign of uint64
	 * above INT64_MAX is 1, of INT64_MIN -1; bool Sign is the identity. */
	int64_t big[] = { INT64_MAX, INT64_MIN, (1LL << 53) + 1, 0 };
	opcase_t c;
	oc_init(&c, "Round");
	oc_in(&c, WEIR_DT_INT64, 1, (int64_t[]){ 4 }, big);
	OC_EXPECT_OK(&c, 1);
	assert_memory_equal(c.out[0], big, sizeof(big));
	oc_fini(&c);
	oc_init(&c, "Sign");
	oc_in(&c, WEIR_DT_INT64, 1, (int64_t[]){ 4 }, big);
	OC_EXPECT_OK(&c, 1);
	int64_t sw[] = { 1, -1, 1, 0 };
	assert_memory_equal(c.out[0], sw, sizeof(sw));
	oc_fini(&c);
	uint64_t ubig[] = { UINT64_MAX, 1ULL << 63, 0, 7 };
	oc_init(&c, "Sign");
	oc_in(&c, WEIR_DT_UINT64, 1, (int64_t[]){ 4 }, ubig);
	OC_EXPECT_OK(&c, 1);
	uint64_t uw[] = { 1, 1, 0, 1 };
	assert_memory_equal(c.out[0], uw, sizeof(uw));
	oc_fini(&c);
	int8_t i8[] = { -128, 127, 0, -1 };
	oc_init(&c, "Sign");
	oc_in(&c, WEIR_DT_INT8, 1, (int64_t[]){ 4 }, i8);
	OC_EXPECT_OK(&c, 1);
	int8_t i8w[] = { -1, 1, 0, -1 };
	assert_memory_equal(c.out[0], i8w, sizeof(i8w));
	oc_fini(&c);
	uint8_t bo[] = { 1, 0, 1 };
	oc_init(&c, "Sign");
	oc_in(&c, WEIR_DT_BOOL, 1, (int64_t[]){ 3 }, bo);
	OC_EXPECT_OK(&c, 1);
	OC_SHAPE(&c, 0, WEIR_DT_BOOL, 3);
	assert_memory_equal(c.out[0], bo, sizeof(bo));
	oc_fini(&c);
}

static void test_unary_errors(void **state)
{
	(void)state;
	opcase_t c;
	int32_t i32[4] = { 0 };
	uint8_t bo[4] = { 0 };
	float f[4] = { 0 };
	static const char *const fonly[] = { "Sin", "Cos", "Erf", "Reciprocal" };
	for (size_t o = 0; o < OC_N(fonly); o++) {
		oc_init(&c, fonly[o]);
		oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ 4 }, i32);
		OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "dtype int32 not supported");
		assert_non_null(strstr(c.msg, fonly[o]));
		oc_fini(&c);
	}
	static const char *const nobool[] = { "Floor", "Ceil", "Round", "Sin" };
	for (size_t o = 0; o < OC_N(nobool); o++) {
		oc_init(&c, nobool[o]);
		oc_in(&c, WEIR_DT_BOOL, 1, (int64_t[]){ 4 }, bo);
		OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "not supported");
		oc_fini(&c);
	}
	oc_init(&c, "Sign"); /* wrong input count */
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, NULL);
	oc_fini(&c);
}

/* ---- ClipByValue -------------------------------------------------------- */

static double clip_ref(double x, double lo, double hi)
{
	if (isnan(x) || isnan(lo) || isnan(hi))
		return NAN;
	double v = x < lo ? lo : x;
	return v > hi ? hi : v;
}

static void run_clip(int dt, const shape_t *x, const shape_t *lo, const shape_t *hi)
{
	opcase_t c;
	oc_init(&c, "ClipByValue");
	in_small(&c, dt, x, -6, 13);
	in_small(&c, dt, lo, -4, 5);
	in_small(&c, dt, hi, 0, 5); /* lo > hi happens too */
	OC_EXPECT_OK(&c, 1);
	oc_expect_shape(&c, 0, dt, x->r, x->d);
	int64_t n = oc_numel(x->r, x->d);
	double *ref = ref_alloc(n);
	for (int64_t k = 0; k < n; k++)
		ref[k] = clip_ref(oc_ld(&c, 0, k),
		                  oc_ld(&c, 1, bcast_src(k, x->r, x->d, lo->r, lo->d)),
		                  oc_ld(&c, 2, bcast_src(k, x->r, x->d, hi->r, hi->d)));
	oc_expect_close(&c, 0, ref, 0.0); /* exact: the result is an input */
	free(ref);
	oc_fini(&c);
}

static void test_clip(void **state)
{
	(void)state;
	static const int dts[] = { WEIR_DT_FLOAT,  WEIR_DT_FLOAT16, WEIR_DT_BF16,
		                   WEIR_DT_DOUBLE, WEIR_DT_INT8,    WEIR_DT_UINT8,
		                   WEIR_DT_INT16,  WEIR_DT_INT32,   WEIR_DT_INT64 };
	static const struct {
		shape_t x, lo, hi;
	} rows[] = {
		{ { 2, { 4, 5 } }, { 0, { 0 } }, { 0, { 0 } } },
		{ { 2, { 4, 5 } }, { 1, { 5 } }, { 2, { 4, 1 } } },
		{ { 3, { 2, 3, 4 } }, { 3, { 2, 3, 4 } }, { 1, { 1 } } },
		{ { 0, { 0 } }, { 0, { 0 } }, { 0, { 0 } } },
		{ { 2, { 0, 3 } }, { 0, { 0 } }, { 1, { 3 } } },
		{ { 2, { 300, 1000 } }, { 0, { 0 } }, { 2, { 300, 1 } } },
	};
	for (size_t t = 0; t < OC_N(dts); t++)
		for (size_t r = 0; r < OC_N(rows); r++)
			run_clip(dts[t], &rows[r].x, &rows[r].lo, &rows[r].hi);

	/* torch.clamp: lo > hi gives hi; NaN in x or a bound gives NaN;
	 * -inf/inf bounds leave x alone. */
	float x[] = { 5, -5, NAN, 1, 1, 7, -7 };
	float lo[] = { 3, 3, 0, NAN, 0, -INFINITY, -INFINITY };
	float hi[] = { 1, 1, 1, 2, NAN, INFINITY, INFINITY };
	opcase_t c;
	oc_init(&c, "ClipByValue");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 7 }, x);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 7 }, lo);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 7 }, hi);
	OC_EXPECT_OK(&c, 1);
	const float *y = c.out[0];
	assert_true(y[0] == 1 && y[1] == 1 && isnan(y[2]) && isnan(y[3]) && isnan(y[4]));
	assert_true(y[5] == 7 && y[6] == -7);
	oc_fini(&c);
	int64_t xi[] = { INT64_MAX, INT64_MIN, (1LL << 53) + 1 };
	int64_t lb = -(1LL << 62), hb = (1LL << 53) + 2;
	oc_init(&c, "ClipByValue");
	oc_in(&c, WEIR_DT_INT64, 1, (int64_t[]){ 3 }, xi);
	oc_in(&c, WEIR_DT_INT64, 0, NULL, &lb);
	oc_in(&c, WEIR_DT_INT64, 0, NULL, &hb);
	OC_EXPECT_OK(&c, 1);
	int64_t want[] = { (1LL << 53) + 2, -(1LL << 62), (1LL << 53) + 1 };
	assert_memory_equal(c.out[0], want, sizeof(want));
	oc_fini(&c);
}

static void test_clip_errors(void **state)
{
	(void)state;
	opcase_t c;
	float f[16] = { 0 };
	int32_t i32[16] = { 0 };
	uint8_t bo[4] = { 0 };
	uint64_t u64[4] = { 0 };

	oc_init(&c, "ClipByValue"); /* bound dtype differs */
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, f);
	oc_in(&c, WEIR_DT_INT32, 0, NULL, i32);
	oc_in(&c, WEIR_DT_FLOAT, 0, NULL, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "dtypes differ");
	oc_fini(&c);

	oc_init(&c, "ClipByValue"); /* bounds widen x */
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 3 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 1 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 0, NULL, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "larger shape");
	oc_fini(&c);

	oc_init(&c, "ClipByValue"); /* no broadcast */
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 3 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 0, NULL, f);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "do not broadcast");
	assert_non_null(strstr(c.msg, "node 'test' (ClipByValue)"));
	oc_fini(&c);

	oc_init(&c, "ClipByValue"); /* bool */
	oc_in(&c, WEIR_DT_BOOL, 1, (int64_t[]){ 4 }, bo);
	oc_in(&c, WEIR_DT_BOOL, 0, NULL, bo);
	oc_in(&c, WEIR_DT_BOOL, 0, NULL, bo);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "not supported");
	oc_fini(&c);

	oc_init(&c, "ClipByValue"); /* uint64 */
	oc_in(&c, WEIR_DT_UINT64, 1, (int64_t[]){ 4 }, u64);
	oc_in(&c, WEIR_DT_UINT64, 0, NULL, u64);
	oc_in(&c, WEIR_DT_UINT64, 0, NULL, u64);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "not supported");
	oc_fini(&c);

	oc_init(&c, "ClipByValue"); /* two inputs */
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 0, NULL, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, NULL);
	oc_fini(&c);
}

/* ---- comparisons and logic ---------------------------------------------- */

static const char *const cmp_ops[] = { "Equal",   "NotEqual",     "Less",       "LessEqual",
	                               "Greater", "GreaterEqual", "LogicalAnd", "LogicalOr" };

static double ref_cmp(const char *op, double a, double b)
{
	if (!strcmp(op, "Equal"))
		return a == b;
	if (!strcmp(op, "NotEqual"))
		return a != b;
	if (!strcmp(op, "Less"))
		return a < b;
	if (!strcmp(op, "LessEqual"))
		return a <= b;
	if (!strcmp(op, "Greater"))
		return a > b;
	if (!strcmp(op, "GreaterEqual"))
		return a >= b;
	if (!strcmp(op, "LogicalAnd"))
		return a != 0 && b != 0;
	return a != 0 || b != 0;
}

static void run_cmp(const char *op, int da, int db, const shape_t *sa, const shape_t *sb,
                    const shape_t *so)
{
	opcase_t c;
	oc_init(&c, op);
	in_small(&c, da, sa, -2, 5);
	in_small(&c, db, sb, -2, 5);
	OC_EXPECT_OK(&c, 1);
	oc_expect_shape(&c, 0, WEIR_DT_BOOL, so->r, so->d);
	int64_t n = oc_numel(so->r, so->d);
	double *ref = ref_alloc(n);
	for (int64_t k = 0; k < n; k++)
		ref[k] = ref_cmp(op, oc_ld(&c, 0, bcast_src(k, so->r, so->d, sa->r, sa->d)),
		                 oc_ld(&c, 1, bcast_src(k, so->r, so->d, sb->r, sb->d)));
	oc_expect_close(&c, 0, ref, 1.0);
	/* Only 0 and 1 bytes. */
	for (int64_t k = 0; k < n; k++)
		assert_true(((uint8_t *)c.out[0])[k] <= 1);
	free(ref);
	oc_fini(&c);
}

static void test_compare_all(void **state)
{
	(void)state;
	for (size_t o = 0; o < OC_N(cmp_ops); o++)
		for (size_t s = 0; s < OC_N(bin_shapes); s++)
			for (size_t t = 0; t < OC_N(oc_all_dts); t++)
				run_cmp(cmp_ops[o], oc_all_dts[t], oc_all_dts[t], &bin_shapes[s].a,
				        &bin_shapes[s].b, &bin_shapes[s].o);
	/* Logic ops take two different dtypes. */
	for (size_t t = 0; t < OC_N(oc_all_dts); t++) {
		int other = oc_all_dts[(t + 5) % OC_N(oc_all_dts)];
		run_cmp("LogicalAnd", oc_all_dts[t], other, &bin_shapes[3].a, &bin_shapes[3].b,
		        &bin_shapes[3].o);
		run_cmp("LogicalOr", other, oc_all_dts[t], &bin_shapes[3].a, &bin_shapes[3].b,
		        &bin_shapes[3].o);
	}
}

/* Run op on two 1-D buffers of n elements and compare with want (bytes). */
static void cmp_exact(const char *op, int dt, int n, const void *a, const void *b,
                      const uint8_t *want)
{
	opcase_t c;
	oc_init(&c, op);
	oc_in(&c, dt, 1, (int64_t[]){ n }, a);
	oc_in(&c, dt, 1, (int64_t[]){ n }, b);
	OC_EXPECT_OK(&c, 1);
	for (int k = 0; k < n; k++)
		if (((uint8_t *)c.out[0])[k] != want[k])
			fail_msg("%s(%s)[%d] = %u, expected %u", op, weir_dtype_name(dt), k,
			         ((uint8_t *)c.out[0])[k], want[k]);
	oc_fini(&c);
}

static void test_compare_special(void **state)
{
	(void)state;
	/* IEEE: NaN is unordered (NotEqual true), -0 == +0, infinities. */
	float fa[] = { NAN, NAN, -0.0f, INFINITY, -INFINITY, 1.0f };
	float fb[] = { NAN, 1.0f, 0.0f, INFINITY, 1.0f, 1.0f };
	cmp_exact("Equal", WEIR_DT_FLOAT, 6, fa, fb, (uint8_t[]){ 0, 0, 1, 1, 0, 1 });
	cmp_exact("NotEqual", WEIR_DT_FLOAT, 6, fa, fb, (uint8_t[]){ 1, 1, 0, 0, 1, 0 });
	cmp_exact("Less", WEIR_DT_FLOAT, 6, fa, fb, (uint8_t[]){ 0, 0, 0, 0, 1, 0 });
	cmp_exact("LessEqual", WEIR_DT_FLOAT, 6, fa, fb, (uint8_t[]){ 0, 0, 1, 1, 1, 1 });
	cmp_exact("Greater", WEIR_DT_FLOAT, 6, fa, fb, (uint8_t[]){ 0, 0, 0, 0, 0, 0 });
	cmp_exact("GreaterEqual", WEIR_DT_FLOAT, 6, fa, fb, (uint8_t[]){ 0, 0, 1, 1, 0, 1 });
	/* Logic: NaN is true, -0 is false. */
	cmp_exact("LogicalAnd", WEIR_DT_FLOAT, 6, fa, fb, (uint8_t[]){ 1, 1, 0, 1, 1, 1 });
	cmp_exact("LogicalOr", WEIR_DT_FLOAT, 6, fa, fb, (uint8_t[]){ 1, 1, 0, 1, 1, 1 });

	/* int64 beyond 2^53 (equal as doubles) and at the extremes. */
	int64_t la[] = { (1LL << 53) + 1, INT64_MAX, INT64_MIN, -1 };
	int64_t lb[] = { 1LL << 53, INT64_MAX - 1, INT64_MIN + 1, 0 };
	cmp_exact("Equal", WEIR_DT_INT64, 4, la, lb, (uint8_t[]){ 0, 0, 0, 0 });
	cmp_exact("Greater", WEIR_DT_INT64, 4, la, lb, (uint8_t[]){ 1, 1, 0, 0 });
	cmp_exact("LessEqual", WEIR_DT_INT64, 4, la, lb, (uint8_t[]){ 0, 0, 1, 1 });
	/* uint64 above INT64_MAX is large, not negative. */
	uint64_t ua[] = { 1ULL << 63, UINT64_MAX, (1ULL << 53) + 1, 0 };
	uint64_t ub[] = { 1, UINT64_MAX - 1, 1ULL << 53, 0 };
	cmp_exact("Greater", WEIR_DT_UINT64, 4, ua, ub, (uint8_t[]){ 1, 1, 1, 0 });
	cmp_exact("Less", WEIR_DT_UINT64, 4, ua, ub, (uint8_t[]){ 0, 0, 0, 0 });
	cmp_exact("NotEqual", WEIR_DT_UINT64, 4, ua, ub, (uint8_t[]){ 1, 1, 1, 0 });
	cmp_exact("LogicalAnd", WEIR_DT_UINT64, 4, ua, ub, (uint8_t[]){ 1, 1, 1, 0 });
	uint32_t wa[] = { 0x80000000u, 1 }, wb[] = { 1, 0x80000000u };
	cmp_exact("Greater", WEIR_DT_UINT32, 2, wa, wb, (uint8_t[]){ 1, 0 });
	/* bool: false < true. */
	uint8_t ba[] = { 0, 1, 1, 0 }, bb[] = { 1, 0, 1, 0 };
	cmp_exact("Less", WEIR_DT_BOOL, 4, ba, bb, (uint8_t[]){ 1, 0, 0, 0 });
	cmp_exact("LogicalOr", WEIR_DT_BOOL, 4, ba, bb, (uint8_t[]){ 1, 1, 1, 0 });
}

static void test_logical_not(void **state)
{
	(void)state;
	for (size_t t = 0; t < OC_N(oc_all_dts); t++) {
		for (size_t s = 0; s < OC_N(un_shapes); s++) {
			int dt = oc_all_dts[t];
			opcase_t c;
			oc_init(&c, "LogicalNot");
			in_small(&c, dt, &un_shapes[s], -1, 3);
			OC_EXPECT_OK(&c, 1);
			oc_expect_shape(&c, 0, WEIR_DT_BOOL, un_shapes[s].r, un_shapes[s].d);
			int64_t n = oc_numel(un_shapes[s].r, un_shapes[s].d);
			for (int64_t k = 0; k < n; k++) {
				double v = oc_ld(&c, 0, k);
				assert_int_equal(((uint8_t *)c.out[0])[k], v == 0.0);
			}
			oc_fini(&c);
		}
	}
	float f[] = { NAN, -0.0f, INFINITY, 1e-30f };
	opcase_t c;
	oc_init(&c, "LogicalNot");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, f);
	OC_EXPECT_OK(&c, 1);
	assert_memory_equal(c.out[0], ((uint8_t[]){ 0, 1, 0, 0 }), 4);
	oc_fini(&c);
	uint64_t u[] = { 1ULL << 63, 0 };
	oc_init(&c, "LogicalNot");
	oc_in(&c, WEIR_DT_UINT64, 1, (int64_t[]){ 2 }, u);
	OC_EXPECT_OK(&c, 1);
	assert_memory_equal(c.out[0], ((uint8_t[]){ 0, 1 }), 2);
	oc_fini(&c);
}

static void test_compare_errors(void **state)
{
	(void)state;
	opcase_t c;
	float f[16] = { 0 };
	int32_t i32[16] = { 0 };
	for (size_t o = 0; o < 6; o++) { /* comparisons need one dtype */
		oc_init(&c, cmp_ops[o]);
		oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, f);
		oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ 4 }, i32);
		OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "dtypes differ");
		oc_fini(&c);
	}
	for (size_t o = 0; o < OC_N(cmp_ops); o++) {
		oc_init(&c, cmp_ops[o]);
		oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, f);
		oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, f);
		OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "do not broadcast");
		assert_non_null(strstr(c.msg, cmp_ops[o]));
		oc_fini(&c);
	}
	oc_init(&c, "LogicalNot"); /* two inputs */
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, NULL);
	oc_fini(&c);
	oc_init(&c, "Equal"); /* one input */
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, NULL);
	oc_fini(&c);
}

/* ---- integer Pow -------------------------------------------------------- */

/* Naive a^e with wrapping to dt's width; torch's rule for e < 0. */
static int64_t ref_pow_i(int dt, int64_t a, int64_t e)
{
	uint64_t r = 1;
	if (e < 0)
		r = a == 1 ? 1 : a == -1 ? (uint64_t)((e % 2) ? -1 : 1) : 0;
	for (int64_t k = 0; k < e; k++)
		r *= (uint64_t)a;
	unsigned char tmp[8];
	switch (dt) {
	case WEIR_DT_INT8: *(int8_t *)tmp = (int8_t)(uint8_t)r; return *(int8_t *)tmp;
	case WEIR_DT_UINT8: return (uint8_t)r;
	case WEIR_DT_INT16: *(int16_t *)tmp = (int16_t)(uint16_t)r; return *(int16_t *)tmp;
	case WEIR_DT_INT32: *(int32_t *)tmp = (int32_t)(uint32_t)r; return *(int32_t *)tmp;
	default: return (int64_t)r;
	}
}

/* Element k of an integer buffer, exactly. */
static int64_t ld_i(int dt, const void *p, int64_t k)
{
	switch (dt) {
	case WEIR_DT_INT8: return ((const int8_t *)p)[k];
	case WEIR_DT_UINT8: return ((const uint8_t *)p)[k];
	case WEIR_DT_INT16: return ((const int16_t *)p)[k];
	case WEIR_DT_INT32: return ((const int32_t *)p)[k];
	default: return ((const int64_t *)p)[k];
	}
}

static void test_pow_int(void **state)
{
	(void)state;
	static const int dts[] = { WEIR_DT_INT8, WEIR_DT_UINT8, WEIR_DT_INT16, WEIR_DT_INT32,
		                   WEIR_DT_INT64 };
	for (size_t t = 0; t < OC_N(dts); t++) {
		int dt = dts[t];
		for (size_t s = 0; s < OC_N(bin_shapes); s++) {
			const shape_t *sa = &bin_shapes[s].a, *sb = &bin_shapes[s].b,
			              *so = &bin_shapes[s].o;
			opcase_t c;
			oc_init(&c, "Pow");
			in_small(&c, dt, sa, -6, 13); /* bases -6..6 */
			in_small(&c, dt, sb, -3, 70); /* exponents -3..66: wraps */
			OC_EXPECT_OK(&c, 1);
			oc_expect_shape(&c, 0, dt, so->r, so->d);
			int64_t n = oc_numel(so->r, so->d);
			for (int64_t k = 0; k < n; k++) {
				int64_t a = (int64_t)oc_ld(
				        &c, 0, bcast_src(k, so->r, so->d, sa->r, sa->d));
				int64_t e = (int64_t)oc_ld(
				        &c, 1, bcast_src(k, so->r, so->d, sb->r, sb->d));
				if (ld_i(dt, c.out[0], k) != ref_pow_i(dt, a, e))
					fail_msg("Pow(%s) %lld^%lld = %.17g, expected %lld",
					         weir_dtype_name(dt), (long long)a, (long long)e,
					         weir_dt_load(dt, c.out[0], k),
					         (long long)ref_pow_i(dt, a, e));
			}
			oc_fini(&c);
		}
	}
	/* Exact int64 beyond 2^53, wrapping, negative exponents. */
	int64_t a[] = { 3, 3, 2, -1, -1, 1, 0, 5, 0, -2 };
	int64_t e[] = { 39, 41, 64, -3, -4, -7, -1, -2, 0, 63 };
	opcase_t c;
	oc_init(&c, "Pow");
	oc_in(&c, WEIR_DT_INT64, 1, (int64_t[]){ 10 }, a);
	oc_in(&c, WEIR_DT_INT64, 1, (int64_t[]){ 10 }, e);
	OC_EXPECT_OK(&c, 1);
	int64_t want[] = { 4052555153018976267LL,
		           (int64_t)(4052555153018976267ULL * 9ULL),
		           0,
		           -1,
		           1,
		           1,
		           0,
		           0,
		           1,
		           INT64_MIN };
	assert_memory_equal(c.out[0], want, sizeof(want));
	oc_fini(&c);

	oc_init(&c, "Pow"); /* uint16 is not among Pow's integers */
	oc_in(&c, WEIR_DT_UINT16, 1, (int64_t[]){ 2 }, a);
	oc_in(&c, WEIR_DT_UINT16, 1, (int64_t[]){ 2 }, e);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "not supported");
	oc_fini(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unary_float), cmocka_unit_test(test_unary_special),
		cmocka_unit_test(test_unary_int),   cmocka_unit_test(test_unary_errors),
		cmocka_unit_test(test_clip),        cmocka_unit_test(test_clip_errors),
		cmocka_unit_test(test_compare_all), cmocka_unit_test(test_compare_special),
		cmocka_unit_test(test_logical_not), cmocka_unit_test(test_compare_errors),
		cmocka_unit_test(test_pow_int),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
