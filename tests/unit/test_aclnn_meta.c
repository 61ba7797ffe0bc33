/*
 * test_aclnn_meta.c - aclnn's objects (aclnn/acl_meta.h): creation with
 * good and bad arguments, the getters, lists owning their elements,
 * destroyed and foreign handles refused, aclInitTensor; and results that
 * stay right when an output overlaps an input.
 */
#include "aclnn_harness.h"
#include "aclnnop/aclnn_mul.h"

static void test_tensor_create_and_get(void **state)
{
	(void)state;
	int64_t dims[3] = { 2, 3, 4 }, sdims[1] = { 24 };
	float buf[24];
	aclTensor *t = aclCreateTensor(dims, 3, ACL_FLOAT, NULL, 0, ACL_FORMAT_ND, sdims, 1, buf);
	assert_non_null(t);
	int64_t *v = NULL;
	uint64_t n = 0;
	assert_int_equal(aclGetViewShape(t, &v, &n), ACLNN_SUCCESS);
	assert_int_equal(n, 3);
	assert_true(v[0] == 2 && v[1] == 3 && v[2] == 4);
	free(v);
	assert_int_equal(aclGetViewStrides(t, &v, &n), ACLNN_SUCCESS); /* row-major default */
	assert_int_equal(n, 3);
	assert_true(v[0] == 12 && v[1] == 4 && v[2] == 1);
	free(v);
	assert_int_equal(aclGetStorageShape(t, &v, &n), ACLNN_SUCCESS);
	assert_true(n == 1 && v[0] == 24);
	free(v);
	int64_t off = -1;
	aclFormat f;
	aclDataType dt;
	assert_int_equal(aclGetViewOffset(t, &off), ACLNN_SUCCESS);
	assert_int_equal(off, 0);
	assert_int_equal(aclGetFormat(t, &f), ACLNN_SUCCESS);
	assert_int_equal(f, ACL_FORMAT_ND);
	assert_int_equal(aclGetDataType(t, &dt), ACLNN_SUCCESS);
	assert_int_equal(dt, ACL_FLOAT);
	assert_int_equal(aclGetDataType(t, NULL), ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclGetViewShape(NULL, &v, &n), ACLNN_ERR_PARAM_NULLPTR);
	/* re-describe */
	int64_t d2[2] = { 4, 6 }, st2[2] = { 1, 4 };
	assert_int_equal(aclInitTensor(t, d2, 2, ACL_INT32, st2, 3, ACL_FORMAT_NCHW, sdims, 1, buf),
	                 ACLNN_SUCCESS);
	assert_int_equal(aclGetViewStrides(t, &v, &n), ACLNN_SUCCESS);
	assert_true(n == 2 && v[0] == 1 && v[1] == 4);
	free(v);
	assert_int_equal(aclGetViewOffset(t, &off), ACLNN_SUCCESS);
	assert_int_equal(off, 3);
	assert_int_equal(aclInitTensor(t, d2, 9, ACL_INT32, NULL, 0, ACL_FORMAT_ND, NULL, 0, buf),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(
	        aclInitTensor(NULL, d2, 2, ACL_INT32, NULL, 0, ACL_FORMAT_ND, NULL, 0, buf),
	        ACLNN_ERR_PARAM_NULLPTR);
	/* destroyed: refused everywhere, never dereferenced */
	assert_int_equal(aclDestroyTensor(t), ACLNN_SUCCESS);
	assert_int_equal(aclDestroyTensor(t), ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclGetViewShape(t, &v, &n), ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclGetDataType(t, &dt), ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclDestroyTensor((aclTensor *)(uintptr_t)0xdeadbeef),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclDestroyTensor(NULL), ACLNN_SUCCESS);
	/* bad descriptions */
	int64_t bad[9] = { 1, 1, 1, 1, 1, 1, 1, 1, 1 };
	assert_null(aclCreateTensor(NULL, 2, ACL_FLOAT, NULL, 0, ACL_FORMAT_ND, NULL, 0, buf));
	nh_expect_msg("aclCreateTensor");
	assert_null(aclCreateTensor(bad, 9, ACL_FLOAT, NULL, 0, ACL_FORMAT_ND, NULL, 0, buf));
	int64_t neg[2] = { 2, -1 };
	assert_null(aclCreateTensor(neg, 2, ACL_FLOAT, NULL, 0, ACL_FORMAT_ND, NULL, 0, buf));
	assert_null(aclCreateTensor(d2, 2, ACL_FLOAT, neg, 0, ACL_FORMAT_ND, NULL, 0, buf));
	nh_expect_msg("negative");
	assert_null(aclCreateTensor(d2, 2, ACL_STRING, NULL, 0, ACL_FORMAT_ND, NULL, 0, buf));
	assert_null(aclCreateTensor(d2, 2, ACL_FLOAT, NULL, -1, ACL_FORMAT_ND, NULL, 0, buf));
	/* a scalar tensor and a tensor with no data yet */
	aclTensor *s = aclCreateTensor(NULL, 0, ACL_FLOAT, NULL, 0, ACL_FORMAT_ND, NULL, 0, NULL);
	assert_non_null(s);
	assert_int_equal(aclGetViewShape(s, &v, &n), ACLNN_SUCCESS);
	assert_int_equal(n, 0);
	free(v);
	assert_int_equal(aclDestroyTensor(s), ACLNN_SUCCESS);
}

static void test_scalars_arrays_lists(void **state)
{
	(void)state;
	float f = 2.5f;
	aclScalar *s = aclCreateScalar(&f, ACL_FLOAT);
	assert_non_null(s);
	assert_null(aclCreateScalar(NULL, ACL_FLOAT));
	assert_null(aclCreateScalar(&f, ACL_STRING));
	/* kinds are checked: a scalar is not a tensor */
	assert_int_equal(aclDestroyTensor((aclTensor *)s), ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclDestroyScalar(s), ACLNN_SUCCESS);
	assert_int_equal(aclDestroyScalar(s), ACLNN_ERR_PARAM_INVALID);

	int64_t iv[3] = { 1, 2, 3 };
	float fv[2] = { 1, 2 };
	bool bv[4] = { true, false, true, true };
	aclIntArray *ia = aclCreateIntArray(iv, 3);
	aclFloatArray *fa = aclCreateFloatArray(fv, 2);
	aclBoolArray *ba = aclCreateBoolArray(bv, 4);
	aclIntArray *empty = aclCreateIntArray(NULL, 0);
	assert_non_null(ia);
	assert_non_null(fa);
	assert_non_null(ba);
	assert_non_null(empty);
	assert_null(aclCreateIntArray(NULL, 2));
	uint64_t n = 0;
	assert_int_equal(aclGetIntArraySize(ia, &n), ACLNN_SUCCESS);
	assert_int_equal(n, 3);
	assert_int_equal(aclGetFloatArraySize(fa, &n), ACLNN_SUCCESS);
	assert_int_equal(n, 2);
	assert_int_equal(aclGetBoolArraySize(ba, &n), ACLNN_SUCCESS);
	assert_int_equal(n, 4);
	assert_int_equal(aclGetIntArraySize(empty, &n), ACLNN_SUCCESS);
	assert_int_equal(n, 0);
	assert_int_equal(aclGetIntArraySize((aclIntArray *)fa, &n), ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclGetIntArraySize(ia, NULL), ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclDestroyIntArray(ia), ACLNN_SUCCESS);
	assert_int_equal(aclDestroyFloatArray(fa), ACLNN_SUCCESS);
	assert_int_equal(aclDestroyBoolArray(ba), ACLNN_SUCCESS);
	assert_int_equal(aclDestroyIntArray(empty), ACLNN_SUCCESS);
	assert_int_equal(aclGetIntArraySize(ia, &n), ACLNN_ERR_PARAM_INVALID);

	/* lists own their elements */
	int64_t d[1] = { 4 };
	const aclTensor *ts[2] = {
		aclCreateTensor(d, 1, ACL_FLOAT, NULL, 0, ACL_FORMAT_ND, d, 1, NULL),
		aclCreateTensor(d, 1, ACL_INT32, NULL, 0, ACL_FORMAT_ND, d, 1, NULL),
	};
	aclTensorList *tl = aclCreateTensorList(ts, 2);
	assert_non_null(tl);
	assert_int_equal(aclGetTensorListSize(tl, &n), ACLNN_SUCCESS);
	assert_int_equal(n, 2);
	assert_int_equal(aclDestroyTensorList(tl), ACLNN_SUCCESS);
	assert_int_equal(aclDestroyTensor(ts[0]), ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclDestroyTensor(ts[1]), ACLNN_ERR_PARAM_INVALID);
	const aclScalar *ss[1] = { aclCreateScalar(&f, ACL_FLOAT) };
	aclScalarList *sl = aclCreateScalarList(ss, 1);
	assert_non_null(sl);
	assert_int_equal(aclGetScalarListSize(sl, &n), ACLNN_SUCCESS);
	assert_int_equal(n, 1);
	assert_int_equal(aclDestroyScalarList(sl), ACLNN_SUCCESS);
	assert_int_equal(aclDestroyScalar(ss[0]), ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclDestroyScalarList(sl), ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnInit(NULL), ACLNN_SUCCESS);
	assert_int_equal(aclnnFinalize(), ACLNN_SUCCESS);
}

/* out overlaps self with a shift of one element: the result is as if every
 * input were read before any output is written. */
static void test_overlapping_output(void **state)
{
	(void)state;
	nh_init(2);
	/* large enough for the kernel to work in several chunks, so a kernel
	 * writing its output in place would read elements it already wrote */
	enum { N = 4096 };
	float *host = malloc((N + 1) * sizeof(float)), *res = malloc((N + 1) * sizeof(float));
	for (int i = 0; i <= N; i++)
		host[i] = (float)(i % 251) + 1;
	void *dev = NULL;
	size_t bytes = (N + 1) * sizeof(float);
	assert_int_equal(aclrtMalloc(&dev, bytes, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
	assert_int_equal(aclrtMemcpy(dev, bytes, host, bytes, ACL_MEMCPY_HOST_TO_DEVICE),
	                 ACL_SUCCESS);
	int64_t d[1] = { N }, sd[1] = { N + 1 };
	aclTensor *self = aclCreateTensor(d, 1, ACL_FLOAT, NULL, 0, ACL_FORMAT_ND, sd, 1, dev);
	aclTensor *out = aclCreateTensor(d, 1, ACL_FLOAT, NULL, 1, ACL_FORMAT_ND, sd, 1, dev);
	float two = 2;
	aclScalar *s = aclCreateScalar(&two, ACL_FLOAT);
	assert_int_equal(NH_RUN(Muls, self, s, out), ACLNN_SUCCESS);
	assert_int_equal(aclrtMemcpy(res, bytes, dev, bytes, ACL_MEMCPY_DEVICE_TO_HOST),
	                 ACL_SUCCESS);
	assert_true(res[0] == host[0]);
	for (int i = 1; i <= N; i++)
		if (res[i] != 2 * host[i - 1])
			fail_msg("element %d: %g, expected %g", i, res[i], 2 * host[i - 1]);
	aclDestroyTensor(self);
	aclDestroyTensor(out);
	aclDestroyScalar(s);
	aclrtFree(dev);
	free(host);
	free(res);
	nh_fini();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tensor_create_and_get),
		cmocka_unit_test(test_scalars_arrays_lists),
		cmocka_unit_test(test_overlapping_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
