/*
 * stress_aclnn.c - the aclnn facade under 6 threads on 2 devices: each
 * thread plans and runs single-use Add/Mul executors (dense and strided
 * views), runs a repeatable executor it destroys while its runs are still
 * queued, and re-points it with aclSetInputTensorAddr between runs; a
 * churn thread creates and destroys tensors, scalars and lists meanwhile
 * (registry slots recycled under the planners' lookups). Workers record
 * what they saw; only the main thread asserts.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <stdatomic.h>

#include "acl/acl.h"
#include "aclnnop/aclnn_add.h"
#include "aclnnop/aclnn_mul.h"

#define THREADS 6
#define ROUNDS  150
#define N       4096

static atomic_int stop_churn;

struct worker {
	int id;
	int errors; /* written by the thread, read after join */
	char what[160];
};

static void note_fail(struct worker *w, const char *what, long rc)
{
	if (!w->errors++)
		snprintf(w->what, sizeof(w->what), "%s (%ld): %s", what, rc, aclGetRecentErrMsg());
}

static void *run(void *arg)
{
	struct worker *w = arg;
	int dev = w->id % 2;
	aclrtStream s;
	if (aclrtSetDevice(dev) || aclrtCreateStream(&s)) {
		note_fail(w, "set-up", -1);
		return NULL;
	}
	float *a, *b, *o, *a2;
	size_t bytes = 2 * N * sizeof(float); /* room for a stride-2 view */
	if (aclrtMalloc((void **)&a, bytes, ACL_MEM_MALLOC_HUGE_FIRST) ||
	    aclrtMalloc((void **)&b, bytes, ACL_MEM_MALLOC_HUGE_FIRST) ||
	    aclrtMalloc((void **)&o, bytes, ACL_MEM_MALLOC_HUGE_FIRST) ||
	    aclrtMalloc((void **)&a2, bytes, ACL_MEM_MALLOC_HUGE_FIRST)) {
		note_fail(w, "aclrtMalloc", -1);
		return NULL;
	}
	for (int i = 0; i < 2 * N; i++) {
		a[i] = (float)(i % 97) + (float)w->id;
		b[i] = (float)(i % 13);
		a2[i] = 2 * a[i];
	}
	int64_t dims[1] = { N }, sdims[1] = { 2 * N }, st2[1] = { 2 };
	float one = 1.0f;
	aclScalar *alpha = aclCreateScalar(&one, ACL_FLOAT);
	for (int r = 0; r < ROUNDS && !w->errors; r++) {
		bool strided = r % 2;
		aclTensor *ta = aclCreateTensor(dims, 1, ACL_FLOAT, strided ? st2 : NULL, strided,
		                                ACL_FORMAT_ND, sdims, 1, a);
		aclTensor *tb =
		        aclCreateTensor(dims, 1, ACL_FLOAT, NULL, 0, ACL_FORMAT_ND, sdims, 1, b);
		aclTensor *to =
		        aclCreateTensor(dims, 1, ACL_FLOAT, NULL, 0, ACL_FORMAT_ND, sdims, 1, o);
		uint64_t ws = 0;
		aclOpExecutor *ex = NULL;
		void *wsp = NULL;
		int rc = r % 3 == 2 ? aclnnMulGetWorkspaceSize(ta, tb, to, &ws, &ex)
		                    : aclnnAddGetWorkspaceSize(ta, tb, alpha, to, &ws, &ex);
		if (rc) {
			note_fail(w, "plan", rc);
			break;
		}
		if (ws && aclrtMalloc(&wsp, ws, ACL_MEM_MALLOC_HUGE_FIRST)) {
			note_fail(w, "workspace", -1);
			break;
		}
		if (r % 5 == 4) {
			/* repeatable: run twice, re-point, destroy with runs queued */
			if ((rc = aclSetAclOpExecutorRepeatable(ex)) ||
			    (rc = (r % 3 == 2 ? aclnnMul : aclnnAdd)(wsp, ws, ex, s)) ||
			    (rc = aclSetInputTensorAddr(ex, 0, ta, a2)) ||
			    (rc = (r % 3 == 2 ? aclnnMul : aclnnAdd)(wsp, ws, ex, s)) ||
			    (rc = aclDestroyAclOpExecutor(ex))) {
				note_fail(w, "repeatable", rc);
				break;
			}
		} else if ((rc = (r % 3 == 2 ? aclnnMul : aclnnAdd)(wsp, ws, ex, s))) {
			note_fail(w, "run", rc);
			break;
		}
		if ((rc = aclrtSynchronizeStream(s))) {
			note_fail(w, "sync", rc);
			break;
		}
		const float *src = r % 5 == 4 ? a2 : a;
		for (int i = 0; i < N; i++) {
			float x = src[strided ? 1 + 2 * i : i];
			float want = r % 3 == 2 ? x * b[i] : x + b[i];
			if (o[i] != want) {
				note_fail(w, "wrong result", i);
				break;
			}
		}
		aclrtFree(wsp);
		aclDestroyTensor(ta);
		aclDestroyTensor(tb);
		aclDestroyTensor(to);
	}
	aclDestroyScalar(alpha);
	aclrtFree(a);
	aclrtFree(b);
	aclrtFree(o);
	aclrtFree(a2);
	aclrtDestroyStream(s);
	return NULL;
}

static void *churn(void *arg)
{
	struct worker *w = arg;
	int64_t d[2] = { 3, 4 };
	float v = 1;
	while (!atomic_load(&stop_churn)) {
		aclTensor *t = aclCreateTensor(d, 2, ACL_FLOAT, NULL, 0, ACL_FORMAT_ND, d, 2, NULL);
		aclScalar *sc = aclCreateScalar(&v, ACL_FLOAT);
		const aclTensor *items[1] = { aclCreateTensor(d, 1, ACL_INT32, NULL, 0,
			                                      ACL_FORMAT_ND, d, 1, NULL) };
		aclTensorList *l = aclCreateTensorList(items, 1);
		if (!t || !sc || !l) {
			note_fail(w, "churn create", -1);
			break;
		}
		uint64_t n;
		if (aclGetTensorListSize(l, &n) || n != 1)
			note_fail(w, "list size", -1);
		aclDestroyTensorList(l);
		aclDestroyScalar(sc);
		aclDestroyTensor(t);
	}
	return NULL;
}

static void test_aclnn_threads(void **state)
{
	(void)state;
	setenv("WEIR_NO_PIN", "1", 0);
	setenv("WEIR_DEVICES", "2", 0);
	setenv("WEIR_WORKERS", "2", 0);
	assert_int_equal(aclInit(NULL), ACL_SUCCESS);
	pthread_t th[THREADS + 1];
	struct worker w[THREADS + 1];
	memset(w, 0, sizeof(w));
	for (int i = 0; i <= THREADS; i++) {
		w[i].id = i;
		assert_int_equal(pthread_create(&th[i], NULL, i == THREADS ? churn : run, &w[i]),
		                 0);
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	atomic_store(&stop_churn, 1);
	pthread_join(th[THREADS], NULL);
	for (int i = 0; i <= THREADS; i++)
		if (w[i].errors)
			fail_msg("thread %d: %d errors, first: %s", i, w[i].errors, w[i].what);
	for (int d = 0; d < 2; d++)
		aclrtResetDevice(d);
	assert_int_equal(aclFinalize(), ACL_SUCCESS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aclnn_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
