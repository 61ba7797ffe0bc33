/*
 * tests/unit/test_ops_gather_elements.c - GatherElements against a host
 * reference: every dtype, every axis, negative indices, indices smaller
 * than data, empty tensors, multi-block sizes, and bad inputs.
 */
#include "test_ops_harness.h"

static void run_ge(int dt, int rank, const int64_t *dd, int idt, const int64_t *id, int64_t axis,
                   bool cst)
{
	opcase_t c;
	oc_init(&c, "GatherElements");
	void *d = oc_in_gen(&c, dt, rank, dd, -100, 100);
	int ax = (int)(axis < 0 ? axis + rank : axis);
	int64_t A = dd[ax];
	void *ix = oc_in_gen(&c, idt, rank, id, -(double)A, (double)A - 1);
	if (cst)
		oc_const(&c, 1);
	oc_attr_int(&c, "axis", axis);
	OC_EXPECT_OK(&c, 1);
	oc_expect_shape(&c, 0, dt, rank, id);
	size_t es = weir_dtype_size(dt);
	int64_t n = oc_numel(rank, id), idx[8];
	for (int64_t k = 0; k < n; k++) {
		oc_unravel(k, rank, id, idx);
		int64_t v = (int64_t)weir_dt_load(idt, ix, k);
		idx[ax] = v < 0 ? v + A : v;
		int64_t s = oc_ravel(rank, dd, idx);
		if (memcmp((const char *)c.out[0] + (size_t)k * es,
		           (const char *)d + (size_t)s * es, es) != 0)
			fail_msg("GatherElements: out[%lld] differs from data[%lld]", (long long)k,
			         (long long)s);
	}
	oc_fini(&c);
}

static void test_gather_elements(void **state)
{
	(void)state;
	for (size_t t = 0; t < OC_N(oc_all_dts); t++) {
		run_ge(oc_all_dts[t], 2, (int64_t[]){ 4, 5 }, WEIR_DT_INT64, (int64_t[]){ 3, 5 }, 0,
		       false);
		run_ge(oc_all_dts[t], 2, (int64_t[]){ 4, 5 }, WEIR_DT_INT32, (int64_t[]){ 4, 7 }, 1,
		       true);
	}
	run_ge(WEIR_DT_FLOAT, 3, (int64_t[]){ 3, 4, 5 }, WEIR_DT_INT32, (int64_t[]){ 2, 3, 4 }, -2,
	       false);
	run_ge(WEIR_DT_FLOAT, 1, (int64_t[]){ 9 }, WEIR_DT_INT64, (int64_t[]){ 20 }, 0, false);
	run_ge(WEIR_DT_FLOAT, 2, (int64_t[]){ 3, 5 }, WEIR_DT_INT64, (int64_t[]){ 0, 5 }, 1,
	       false); /* empty */
	run_ge(WEIR_DT_FLOAT16, 2, (int64_t[]){ 300, 257 }, WEIR_DT_INT64, (int64_t[]){ 300, 250 },
	       1, false); /* several blocks */
}

static void test_gather_elements_errors(void **state)
{
	(void)state;
	float f[12] = { 0 };
	int64_t bad[3] = { 0, 4, 1 };
	int32_t ok[3] = { 0, 1, 2 };
	float fi[3] = { 0 };
	opcase_t c;

	oc_init(&c, "GatherElements"); /* run-time index out of range */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 3 }, f);
	oc_in(&c, WEIR_DT_INT64, 2, (int64_t[]){ 3, 1 }, bad);
	OC_EXPECT_FAIL(&c, 1, WEIR_EBOUNDS, NULL);
	assert_int_equal(c.stage, 2);
	oc_fini(&c);

	oc_init(&c, "GatherElements"); /* constant index out of range */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 3 }, f);
	oc_in(&c, WEIR_DT_INT64, 2, (int64_t[]){ 3, 1 }, bad);
	oc_const(&c, 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "out of range");
	oc_fini(&c);

	oc_init(&c, "GatherElements"); /* ranks differ */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 3 }, f);
	oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ 3 }, ok);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "one rank");
	oc_fini(&c);

	oc_init(&c, "GatherElements"); /* indices larger on a non-axis dim */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 2 }, f);
	oc_in(&c, WEIR_DT_INT32, 2, (int64_t[]){ 1, 3 }, ok);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "larger than data");
	oc_fini(&c);

	oc_init(&c, "GatherElements"); /* float indices */
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 3 }, fi);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "int32 or int64");
	oc_fini(&c);

	oc_init(&c, "GatherElements"); /* axis out of range */
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, f);
	oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ 3 }, ok);
	oc_attr_int(&c, "axis", 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "axis");
	oc_fini(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gather_elements),
		cmocka_unit_test(test_gather_elements_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
