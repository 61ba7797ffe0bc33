/*
 * tests/unit/test_ops_sort.c - Sort and TopK against a host reference (an
 * insertion sort of each lane with the documented order: by value, NaN
 * largest, ties by lower index): every axis, both directions, float and
 * integer dtypes with ties and NaNs, k from the attr or a Const input,
 * empty tensors, multi-block sizes and bad inputs.
 */
#include "test_ops_harness.h"

static const int sort_dts[] = { WEIR_DT_FLOAT, WEIR_DT_FLOAT16, WEIR_DT_BF16,  WEIR_DT_DOUBLE,
	                        WEIR_DT_INT8,  WEIR_DT_UINT8,   WEIR_DT_INT16, WEIR_DT_INT32,
	                        WEIR_DT_INT64, WEIR_DT_BOOL };

/* Values with many ties (small integers) and, for floats, some NaNs. */
static void *gen_ties(int dt, int64_t n, bool nan)
{
	void *p = malloc((size_t)n * weir_dtype_size(dt) + 1);
	assert_non_null(p);
	bool fl = oc_is_float(dt);
	for (int64_t k = 0; k < n; k++) {
		double v = floor(oc_uniform(dt == WEIR_DT_BOOL ? 0
		                            : fl               ? -4
		                                               : -60,
		                            dt == WEIR_DT_BOOL ? 2
		                            : fl               ? 4
		                                               : 60));
		if (fl && k % 3 == 1)
			v += 0.5;
		if (fl && nan && oc_rand() % 7 == 0)
			v = NAN;
		if (dt == WEIR_DT_UINT8 && v < 0)
			v = -v;
		weir_dt_store(dt, p, k, v);
	}
	return p;
}

/* a before b: by value (NaN largest) in the direction, then index. */
static bool ref_before(double a, int64_t ia, double b, int64_t ib, bool desc)
{
	int c;
	if (isnan(a) || isnan(b))
		c = (int)isnan(a) - (int)isnan(b);
	else
		c = a < b ? -1 : a > b;
	if (desc)
		c = -c;
	return c < 0 || (c == 0 && ia < ib);
}

/* Run Sort (k < 0) or TopK (k >= 0, attr or Const input) and check. */
static void run_sort(int dt, int rank, const int64_t *dims, int64_t axis, bool set_axis, bool desc,
                     int64_t k, int kmode, bool nan)
{
	bool topk = k >= 0;
	opcase_t c;
	oc_init(&c, topk ? "TopK" : "Sort");
	int64_t n = oc_numel(rank, dims);
	void *x = gen_ties(dt, n, nan);
	oc_in(&c, dt, rank, dims, x);
	c.owned[0] = x;
	int64_t kv = k;
	int32_t kv32 = (int32_t)k;
	if (topk && kmode == 0)
		oc_attr_int(&c, "k", k);
	else if (topk) {
		if (kmode == 1)
			oc_in(&c, WEIR_DT_INT64, 0, NULL, &kv);
		else
			oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ 1 }, &kv32);
		oc_const(&c, 1);
	}
	if (set_axis)
		oc_attr_int(&c, topk ? "dim" : "axis", axis);
	if (topk && !desc)
		oc_attr_bool(&c, "largest", false);
	if (!topk && desc)
		oc_attr_bool(&c, "descending", true);
	OC_EXPECT_OK(&c, 2);
	int ax = rank ? (int)(axis < 0 ? axis + rank : axis) : 0;
	int64_t D = rank ? dims[ax] : 1, inner = rank ? oc_numel(rank - ax - 1, dims + ax + 1) : 1;
	int64_t outer = rank ? oc_numel(ax, dims) : 1, K = topk ? k : D;
	int64_t od[8];
	for (int d = 0; d < rank; d++)
		od[d] = d == ax ? K : dims[d];
	oc_expect_shape(&c, 0, dt, rank, od);
	oc_expect_shape(&c, 1, WEIR_DT_INT64, rank, od);
	int64_t *perm = malloc(sizeof(int64_t) * (size_t)(D ? D : 1));
	assert_non_null(perm);
	for (int64_t o = 0; o < outer; o++)
		for (int64_t in = 0; in < inner; in++) {
			int64_t base = o * D * inner + in, obase = o * K * inner + in;
			for (int64_t i = 0; i < D; i++) { /* insertion sort */
				int64_t j = i;
				double v = oc_ld(&c, 0, base + i * inner);
				while (j > 0 &&
				       ref_before(v, i, oc_ld(&c, 0, base + perm[j - 1] * inner),
				                  perm[j - 1], desc)) {
					perm[j] = perm[j - 1];
					j--;
				}
				perm[j] = i;
			}
			for (int64_t j = 0; j < K; j++) {
				int64_t got = ((int64_t *)c.out[1])[obase + j * inner];
				if (got != perm[j])
					fail_msg("%s %s: index[%lld] = %lld, expected %lld", c.op,
					         weir_dtype_name(dt),
					         (long long)(obase + j * inner), (long long)got,
					         (long long)perm[j]);
				size_t es = weir_dtype_size(dt);
				assert_memory_equal(
				        (char *)c.out[0] + (size_t)(obase + j * inner) * es,
				        (const char *)x + (size_t)(base + perm[j] * inner) * es,
				        es);
			}
		}
	free(perm);
	oc_fini(&c);
}

static void test_sort(void **state)
{
	(void)state;
	for (size_t t = 0; t < OC_N(sort_dts); t++) {
		int dt = sort_dts[t];
		for (int desc = 0; desc < 2; desc++) {
			run_sort(dt, 1, (int64_t[]){ 17 }, -1, false, desc, -1, 0, true);
			run_sort(dt, 3, (int64_t[]){ 3, 9, 4 }, 1, true, desc, -1, 0, true);
			run_sort(dt, 3, (int64_t[]){ 3, 9, 4 }, 0, true, desc, -1, 0, false);
			run_sort(dt, 3, (int64_t[]){ 3, 9, 4 }, -1, true, desc, -1, 0, true);
			run_sort(dt, 0, NULL, 0, true, desc, -1, 0, true);
			run_sort(dt, 2, (int64_t[]){ 0, 5 }, -1, true, desc, -1, 0, true);
			run_sort(dt, 2, (int64_t[]){ 5, 0 }, -1, true, desc, -1, 0, true);
			run_sort(dt, 2, (int64_t[]){ 1, 1 }, -1, true, desc, -1, 0, true);
		}
	}
	/* Several blocks; a long lane. */
	run_sort(WEIR_DT_FLOAT, 2, (int64_t[]){ 200, 64 }, -1, false, false, -1, 0, true);
	run_sort(WEIR_DT_INT32, 2, (int64_t[]){ 3, 5000 }, -1, false, true, -1, 0, false);
	run_sort(WEIR_DT_BF16, 3, (int64_t[]){ 8, 50, 40 }, 1, true, true, -1, 0, true);
}

static void test_topk(void **state)
{
	(void)state;
	for (size_t t = 0; t < OC_N(sort_dts); t++) {
		int dt = sort_dts[t];
		for (int lg = 0; lg < 2; lg++) {
			run_sort(dt, 1, (int64_t[]){ 17 }, -1, false, lg, 5, 0, true);
			run_sort(dt, 1, (int64_t[]){ 17 }, -1, false, lg, 17, 1, true);
			run_sort(dt, 1, (int64_t[]){ 17 }, -1, false, lg, 0, 2, true);
			run_sort(dt, 3, (int64_t[]){ 3, 9, 4 }, 1, true, lg, 3, 0, true);
			run_sort(dt, 3, (int64_t[]){ 3, 9, 4 }, 0, true, lg, 2, 1, false);
			run_sort(dt, 3, (int64_t[]){ 3, 9, 4 }, -1, true, lg, 1, 2, true);
			run_sort(dt, 0, NULL, -1, true, lg, 1, 0, true);
			run_sort(dt, 2, (int64_t[]){ 0, 5 }, -1, true, lg, 2, 0, true);
			run_sort(dt, 2, (int64_t[]){ 5, 0 }, -1, true, lg, 0, 0, true);
		}
	}
	run_sort(WEIR_DT_FLOAT16, 2, (int64_t[]){ 300, 200 }, -1, false, true, 10, 0, true);
	run_sort(WEIR_DT_INT64, 3, (int64_t[]){ 40, 300, 3 }, 1, true, false, 7, 1, false);

	/* The `axis` alias and an explicit sorted = false. */
	float x[] = { 1, 5, 5, NAN, 2, 5 };
	opcase_t c;
	oc_init(&c, "TopK");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 6 }, x);
	oc_attr_int(&c, "k", 4);
	oc_attr_int(&c, "axis", 0);
	oc_attr_bool(&c, "sorted", false);
	OC_EXPECT_OK(&c, 2);
	const int64_t *ix = c.out[1];
	assert_true(ix[0] == 3 && ix[1] == 1 && ix[2] == 2 && ix[3] == 5);
	assert_true(isnan(((float *)c.out[0])[0]) && ((float *)c.out[0])[3] == 5.0f);
	oc_fini(&c);
}

static void test_sort_errors(void **state)
{
	(void)state;
	float f[8] = { 0 };
	uint64_t u[8] = { 0 };
	int64_t k3 = 3, k9 = 9;
	float kf = 1;
	opcase_t c;

	oc_init(&c, "Sort");
	oc_in(&c, WEIR_DT_UINT64, 1, (int64_t[]){ 4 }, u);
	OC_EXPECT_FAIL(&c, 2, WEIR_ESHAPE, "not supported");
	oc_fini(&c);

	oc_init(&c, "Sort");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 4 }, f);
	oc_attr_int(&c, "axis", 2);
	OC_EXPECT_FAIL(&c, 2, WEIR_EINVAL, "axis 2 out of range");
	oc_fini(&c);

	oc_init(&c, "Sort");
	oc_in(&c, WEIR_DT_FLOAT, 0, NULL, f);
	oc_attr_int(&c, "axis", 1);
	OC_EXPECT_FAIL(&c, 2, WEIR_EINVAL, "out of range for rank 0");
	oc_fini(&c);

	oc_init(&c, "Sort");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, f);
	oc_attr_str(&c, "descending", "yes");
	OC_EXPECT_FAIL(&c, 2, WEIR_EINVAL, "descending");
	oc_fini(&c);

	oc_init(&c, "Sort"); /* one output */
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "count");
	oc_fini(&c);

	oc_init(&c, "TopK"); /* k out of range */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 4 }, f);
	oc_attr_int(&c, "k", 5);
	OC_EXPECT_FAIL(&c, 2, WEIR_EINVAL, "k 5 out of range [0, 4]");
	oc_fini(&c);

	oc_init(&c, "TopK");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 4 }, f);
	oc_attr_int(&c, "k", -1);
	OC_EXPECT_FAIL(&c, 2, WEIR_EINVAL, "out of range");
	oc_fini(&c);

	oc_init(&c, "TopK"); /* k from a Const input, out of range */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 4 }, f);
	oc_in(&c, WEIR_DT_INT64, 1, (int64_t[]){ 1 }, &k9);
	oc_const(&c, 1);
	OC_EXPECT_FAIL(&c, 2, WEIR_EINVAL, "k 9 out of range");
	oc_fini(&c);

	oc_init(&c, "TopK"); /* no k */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 4 }, f);
	OC_EXPECT_FAIL(&c, 2, WEIR_EINVAL, "missing k");
	oc_fini(&c);

	oc_init(&c, "TopK"); /* both */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 4 }, f);
	oc_in(&c, WEIR_DT_INT64, 0, NULL, &k3);
	oc_const(&c, 1);
	oc_attr_int(&c, "k", 3);
	OC_EXPECT_FAIL(&c, 2, WEIR_EINVAL, "both");
	oc_fini(&c);

	oc_init(&c, "TopK"); /* k not a Const */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 4 }, f);
	oc_in(&c, WEIR_DT_INT64, 0, NULL, &k3);
	OC_EXPECT_FAIL(&c, 2, WEIR_EINVAL, "Const");
	oc_fini(&c);

	oc_init(&c, "TopK"); /* k dtype */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 4 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 0, NULL, &kf);
	oc_const(&c, 1);
	OC_EXPECT_FAIL(&c, 2, WEIR_ESHAPE, "int32 or int64");
	oc_fini(&c);

	oc_init(&c, "TopK"); /* k shape */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 4 }, f);
	oc_in(&c, WEIR_DT_INT64, 1, (int64_t[]){ 2 }, u);
	oc_const(&c, 1);
	OC_EXPECT_FAIL(&c, 2, WEIR_ESHAPE, "0-d or [1]");
	oc_fini(&c);

	oc_init(&c, "TopK"); /* scalar with k 0 */
	oc_in(&c, WEIR_DT_FLOAT, 0, NULL, f);
	oc_attr_int(&c, "k", 0);
	OC_EXPECT_FAIL(&c, 2, WEIR_EINVAL, "scalar");
	oc_fini(&c);

	oc_init(&c, "TopK"); /* bad dim */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 4 }, f);
	oc_attr_int(&c, "k", 1);
	oc_attr_int(&c, "dim", -3);
	OC_EXPECT_FAIL(&c, 2, WEIR_EINVAL, "axis -3 out of range");
	oc_fini(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_topk),
		cmocka_unit_test(test_sort_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
