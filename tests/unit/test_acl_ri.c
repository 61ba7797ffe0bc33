/*
 * test_acl_ri.c - the ACL model RI facade (acl_compat/mdl/capture.c,
 * runtime/label.c): capture of every task kind through ACL calls and replay
 * equal to eager, cross-stream capture, task groups and updates, recorded
 * tasks and their parameters, conditional tasks (IF / WHILE with a
 * data-dependent trip count / SWITCH), built models with labels (a backward
 * jump) and stream activation / switching, the calls refused during a
 * capture per mode, the EXTERNAL event flags, and every bad input's code.
 */
#include "common/oracle.h"

#include "acl/acl.h"
#include "aclnn/acl_meta.h"
#include "aclnnop/aclnn_add.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* aclmdlRIDebugPrint is deprecated by ACL; it is still tested. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

#ifndef WEIR_TEST_KERNELS
#error "WEIR_TEST_KERNELS (the path of the test kernel binary) must be defined by CMake"
#endif

#define N 8

static aclrtBinHandle bin;
static aclrtFuncHandle fcount; /* "countdown" */

/* aclnn workspaces, allocated before any capture (an allocation is an
 * unsafe call during one) and used in turn. */
#define NWS    16
#define WS_MAX 4096
static void *ws_pool[NWS];
static unsigned ws_next;

struct countdown_args {
	uint64_t *word;
	uint32_t *rounds;
	uint32_t *idx;
};

static int setup(void **state)
{
	(void)state;
	setenv("WEIR_NO_PIN", "1", 0);
	setenv("WEIR_DEVICES", "2", 0);
	setenv("WEIR_WORKERS", "2", 0);
	if (aclInit(NULL) != ACL_SUCCESS || aclrtSetDevice(0) != ACL_SUCCESS)
		return -1;
	for (int i = 0; i < NWS; i++)
		if (aclrtMalloc(&ws_pool[i], WS_MAX, ACL_MEM_MALLOC_HUGE_FIRST) != ACL_SUCCESS)
			return -1;
	if (aclrtBinaryLoadFromFile(WEIR_TEST_KERNELS, NULL, &bin) != ACL_SUCCESS)
		return -1;
	return aclrtBinaryGetFunction(bin, "countdown", &fcount) == ACL_SUCCESS ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	(void)aclrtBinaryUnLoad(bin);
	for (int i = 0; i < NWS; i++)
		(void)aclrtFree(ws_pool[i]);
	return aclFinalize() == ACL_SUCCESS ? 0 : -1;
}

#define ROWS(...)                                                                            \
	do {                                                                                 \
		struct {                                                                     \
			aclError got, want;                                                  \
		} rows_[] = { __VA_ARGS__ };                                                 \
		for (size_t i_ = 0; i_ < sizeof rows_ / sizeof rows_[0]; i_++)               \
			if (rows_[i_].got != rows_[i_].want)                                 \
				fail_msg("row %zu (line %d): got %d, want %d", i_, __LINE__, \
				         rows_[i_].got, rows_[i_].want);                     \
	} while (0)

/* A device tensor of N floats. */
struct ten {
	void *dev;
	aclTensor *t;
};

static void ten_make(struct ten *x, const float *host)
{
	static const int64_t shape[1] = { N }, strides[1] = { 1 };
	assert_int_equal(aclrtMalloc(&x->dev, N * sizeof(float), ACL_MEM_MALLOC_HUGE_FIRST),
	                 ACL_SUCCESS);
	if (host)
		assert_int_equal(aclrtMemcpy(x->dev, N * sizeof(float), host, N * sizeof(float),
		                             ACL_MEMCPY_HOST_TO_DEVICE),
		                 ACL_SUCCESS);
	else
		assert_int_equal(aclrtMemset(x->dev, N * sizeof(float), 0, N * sizeof(float)),
		                 ACL_SUCCESS);
	x->t = aclCreateTensor(shape, 1, ACL_FLOAT, strides, 0, ACL_FORMAT_ND, shape, 1, x->dev);
	assert_non_null(x->t);
}

static void ten_read(const struct ten *x, float *out)
{
	assert_int_equal(aclrtMemcpy(out, N * sizeof(float), x->dev, N * sizeof(float),
	                             ACL_MEMCPY_DEVICE_TO_HOST),
	                 ACL_SUCCESS);
}

static void ten_free(struct ten *x)
{
	assert_int_equal(aclDestroyTensor(x->t), ACL_SUCCESS);
	assert_int_equal(aclrtFree(x->dev), ACL_SUCCESS);
}

/* aclnnAdd(a, b, alpha) -> o on s (phase one + two). */
static void add_on(struct ten *a, struct ten *b, float alpha, struct ten *o, aclrtStream s,
                   aclOpExecutor **keep)
{
	aclScalar *al = aclCreateScalar(&alpha, ACL_FLOAT);
	uint64_t ws = 0;
	aclOpExecutor *ex = NULL;
	assert_int_equal(aclnnAddGetWorkspaceSize(a->t, b->t, al, o->t, &ws, &ex), 0);
	assert_true(ws <= WS_MAX);
	void *w = ws ? ws_pool[ws_next++ % NWS] : NULL;
	if (keep) {
		assert_int_equal(aclSetAclOpExecutorRepeatable(ex), 0);
		*keep = ex;
	}
	assert_int_equal(aclnnAdd(w, ws, ex, s), 0);
	assert_int_equal(aclDestroyScalar(al), ACL_SUCCESS);
}

static void countdown_on(uint64_t *word, uint32_t *rounds, uint32_t *idx, aclrtStream s)
{
	struct countdown_args a = { word, rounds, idx };
	assert_int_equal(aclrtLaunchKernelWithHostArgs(fcount, 1, s, NULL, &a, sizeof a, NULL, 0),
	                 ACL_SUCCESS);
}

static _Atomic int host_hits;
static void host_fn(void *arg)
{
	(void)arg;
	host_hits++;
}

static _Atomic int destroyed_cb;
static void destroy_cb(void *arg)
{
	destroyed_cb += (int)(intptr_t)arg;
}

/* ------------------------------------------------------------------------ */

static void test_values(void **state)
{
	(void)state;
	assert_int_equal(ACL_MODEL_STREAM_FLAG_HEAD, 0x0U);
	assert_int_equal(ACL_MODEL_STREAM_FLAG_DEFAULT, 0x7FFFFFFFU);
	assert_int_equal(ACL_MDLRI_DEBUG_JSON_PRINT_SUMMARY, 0);
	assert_int_equal(ACL_MDLRI_DEBUG_JSON_PRINT_VERBOSE, 1);
	assert_int_equal(ACL_MODEL_RI_CAPTURE_MODE_RELAXED, 2);
	assert_int_equal(ACL_MODEL_RI_CAPTURE_STATUS_INVALIDATED, 2);
	assert_int_equal(ACL_MODEL_RI_TASK_VALUE_WAIT, 6);
	assert_int_equal(ACL_MODEL_RI_COND_HANDLE_ASSIGN_DEFAULT, 1);
	assert_int_equal(ACL_MODEL_RI_COND_TYPE_SWITCH, 2);
	assert_int_equal(ACL_RT_LESS_OR_EQUAL, 5);
	assert_int_equal(ACL_RT_SWITCH_INT64, 1);
	assert_int_equal(ACL_ERROR_STREAM_TASK_GROUP_INTR, 107034);
	assert_int_equal(sizeof(((aclmdlRITaskParams *)0)->rsv2), 128);
}

/* Every task kind captured through ACL calls; replay equals eager. */
static void test_capture_kinds(void **state)
{
	(void)state;
	float va[N], vb[N];
	for (int i = 0; i < N; i++) {
		va[i] = (float)i * 0.37f + 1.0f;
		vb[i] = 2.0f - (float)i * 0.11f;
	}
	struct ten a, b, o, o2;
	ten_make(&a, va);
	ten_make(&b, vb);
	ten_make(&o, NULL);
	ten_make(&o2, NULL);
	aclrtStream s;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	float *pinned = NULL;
	assert_int_equal(aclrtMallocHost((void **)&pinned, N * sizeof(float)), ACL_SUCCESS);
	memcpy(pinned, va, sizeof va);
	uint64_t *word = NULL;
	uint32_t *rounds = NULL;
	assert_int_equal(aclrtMalloc((void **)&word, 64, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
	assert_int_equal(aclrtMalloc((void **)&rounds, 64, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
	assert_int_equal(aclrtMemset(word, 64, 0, 64), ACL_SUCCESS);
	assert_int_equal(aclrtMemset(rounds, 64, 0, 64), ACL_SUCCESS);
	aclrtEvent ev;
	assert_int_equal(aclrtCreateEventWithFlag(&ev, ACL_EVENT_SYNC), ACL_SUCCESS);
	aclrtNotify nt;
	assert_int_equal(aclrtCreateNotify(&nt, 0), ACL_SUCCESS);

	aclmdlRI ri = NULL, info_ri = NULL;
	aclmdlRICaptureStatus cs = ACL_MODEL_RI_CAPTURE_STATUS_ACTIVE;
	assert_int_equal(aclmdlRICaptureGetInfo(s, &cs, &info_ri), ACL_SUCCESS);
	assert_int_equal(cs, ACL_MODEL_RI_CAPTURE_STATUS_NONE);
	assert_null(info_ri);
	ROWS({ aclmdlRICaptureBegin(s, (aclmdlRICaptureMode)3), ACL_ERROR_INVALID_PARAM },
	     { aclmdlRICaptureBegin((aclrtStream)(uintptr_t)0x99, ACL_MODEL_RI_CAPTURE_MODE_GLOBAL),
	       ACL_ERROR_RT_INVALID_HANDLE },
	     { aclmdlRICaptureEnd(s, &ri), ACL_ERROR_RT_STREAM_NOT_CAPTURED },
	     { aclmdlRICaptureEnd(s, NULL), ACL_ERROR_INVALID_PARAM },
	     { aclmdlRICaptureGetInfo(s, NULL, &info_ri), ACL_ERROR_INVALID_PARAM });

	assert_int_equal(aclmdlRICaptureBegin(s, ACL_MODEL_RI_CAPTURE_MODE_GLOBAL), ACL_SUCCESS);
	assert_int_equal(aclmdlRICaptureBegin(s, ACL_MODEL_RI_CAPTURE_MODE_GLOBAL),
	                 ACL_ERROR_RT_STREAM_CAPTURED);
	assert_int_equal(aclmdlRICaptureGetInfo(s, &cs, &info_ri), ACL_SUCCESS);
	assert_int_equal(cs, ACL_MODEL_RI_CAPTURE_STATUS_ACTIVE);
	assert_non_null(info_ri);
	/* copy (pinned host), fill, aclnn op, kernel, value, event, notify,
	 * host function */
	assert_int_equal(
	        aclrtMemcpyAsync(a.dev, sizeof va, pinned, sizeof va, ACL_MEMCPY_HOST_TO_DEVICE, s),
	        ACL_SUCCESS);
	assert_int_equal(aclrtMemsetAsync(o2.dev, sizeof va, 0, sizeof va, s), ACL_SUCCESS);
	add_on(&a, &b, 1.5f, &o, s, NULL);
	add_on(&o, &b, -0.25f, &o2, s, NULL);
	assert_int_equal(aclrtValueWrite(word, 5, 0, s), ACL_SUCCESS);
	assert_int_equal(aclrtValueWait(word, 5, ACL_STREAM_WAIT_VALUE_EQ, s), ACL_SUCCESS);
	countdown_on(word, rounds, NULL, s);
	assert_int_equal(aclrtRecordEvent(ev, s), ACL_SUCCESS);
	assert_int_equal(aclrtStreamWaitEvent(s, ev), ACL_SUCCESS);
	assert_int_equal(aclrtResetEvent(ev, s), ACL_SUCCESS);
	assert_int_equal(aclrtRecordNotify(nt, s), ACL_SUCCESS);
	assert_int_equal(aclrtWaitAndResetNotify(nt, s, 0), ACL_SUCCESS);
	assert_int_equal(aclrtLaunchHostFunc(s, host_fn, NULL), ACL_SUCCESS);
	assert_int_equal(aclmdlRICaptureEnd(s, &ri), ACL_SUCCESS);
	assert_ptr_equal(ri, info_ri);
	/* nothing ran during the capture */
	assert_int_equal(host_hits, 0);
	float got[N], want[N];
	ten_read(&o2, got);
	for (int i = 0; i < N; i++)
		assert_true(got[i] == 0.0f);

	/* eager run of the same calls (same order) -> want */
	assert_int_equal(
	        aclrtMemcpyAsync(a.dev, sizeof va, pinned, sizeof va, ACL_MEMCPY_HOST_TO_DEVICE, s),
	        ACL_SUCCESS);
	add_on(&a, &b, 1.5f, &o, s, NULL);
	add_on(&o, &b, -0.25f, &o2, s, NULL);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	ten_read(&o2, want);
	assert_int_equal(aclrtMemset(o2.dev, sizeof va, 0, sizeof va), ACL_SUCCESS);

	/* replays: bit for bit */
	for (int r = 0; r < 3; r++) {
		assert_int_equal(aclmdlRIExecuteAsync(ri, s), ACL_SUCCESS);
		assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
		ten_read(&o2, got);
		assert_memory_equal(got, want, sizeof got);
		assert_int_equal(host_hits, r + 1);
	}
	uint32_t rr = 0;
	assert_int_equal(aclrtMemcpy(&rr, 4, rounds, 4, ACL_MEMCPY_DEVICE_TO_HOST), ACL_SUCCESS);
	assert_int_equal(rr, 3);
	/* synchronous execute, on the facade's own stream */
	assert_int_equal(aclmdlRIExecute(ri, -1), ACL_SUCCESS);
	assert_int_equal(aclmdlRIExecute(ri, 1000), ACL_SUCCESS);
	assert_int_equal(host_hits, 5);
	ROWS({ aclmdlRIExecute(ri, 0), ACL_ERROR_RT_PARAM_INVALID },
	     { aclmdlRIExecute(NULL, -1), ACL_ERROR_INVALID_PARAM },
	     { aclmdlRIExecuteAsync(NULL, s), ACL_ERROR_INVALID_PARAM },
	     { aclmdlRIExecuteAsync(ri, (aclrtStream)(uintptr_t)0x99),
	       ACL_ERROR_RT_INVALID_HANDLE });

	/* id, name, streams, tasks */
	uint32_t id = 0, id2 = 0;
	assert_int_equal(aclmdlRIGetId(ri, &id), ACL_SUCCESS);
	assert_true(id > 0);
	char name[16];
	assert_int_equal(aclmdlRIGetName(ri, sizeof name, name), ACL_SUCCESS);
	assert_string_equal(name, "");
	assert_int_equal(aclmdlRISetName(ri, "kinds"), ACL_SUCCESS);
	assert_int_equal(aclmdlRIGetName(ri, sizeof name, name), ACL_SUCCESS);
	assert_string_equal(name, "kinds");
	char big[200];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = 0;
	ROWS({ aclmdlRIGetName(ri, 3, name), ACL_ERROR_INVALID_PARAM },
	     { aclmdlRIGetName(ri, 0, name), ACL_ERROR_INVALID_PARAM },
	     { aclmdlRIGetName(ri, 8, NULL), ACL_ERROR_INVALID_PARAM },
	     { aclmdlRISetName(ri, NULL), ACL_ERROR_INVALID_PARAM },
	     { aclmdlRISetName(ri, big), ACL_ERROR_INVALID_PARAM },
	     { aclmdlRIGetId(ri, NULL), ACL_ERROR_INVALID_PARAM },
	     { aclmdlRIGetId(NULL, &id2), ACL_ERROR_INVALID_PARAM });
	uint32_t ns = 0;
	assert_int_equal(aclmdlRIGetStreams(ri, NULL, &ns), ACL_SUCCESS);
	assert_int_equal(ns, 1);
	aclrtStream sts[2] = { NULL, NULL };
	ns = 0;
	assert_int_equal(aclmdlRIGetStreams(ri, sts, &ns), ACL_ERROR_RT_INSUFFICIENT_INPUT_ARRAY);
	assert_int_equal(ns, 1);
	ns = 2;
	assert_int_equal(aclmdlRIGetStreams(ri, sts, &ns), ACL_SUCCESS);
	assert_ptr_equal(sts[0], s);
	assert_int_equal(aclmdlRIGetStreams(ri, sts, NULL), ACL_ERROR_INVALID_PARAM);
	uint32_t nt_ = 0;
	assert_int_equal(aclmdlRIGetTasksByStream(s, NULL, &nt_), ACL_SUCCESS);
	assert_true(nt_ >= 12);
	aclmdlRITask tasks[64];
	uint32_t small = 2;
	assert_int_equal(aclmdlRIGetTasksByStream(s, tasks, &small),
	                 ACL_ERROR_RT_INSUFFICIENT_INPUT_ARRAY);
	assert_int_equal(small, nt_);
	uint32_t cap = 64;
	assert_int_equal(aclmdlRIGetTasksByStream(s, tasks, &cap), ACL_SUCCESS);
	assert_int_equal(cap, nt_);
	int kinds[8] = { 0 };
	for (uint32_t i = 0; i < cap; i++) {
		aclmdlRITaskType t;
		uint32_t seq = 99;
		assert_int_equal(aclmdlRITaskGetType(tasks[i], &t), ACL_SUCCESS);
		assert_int_equal(aclmdlRITaskGetSeqId(tasks[i], &seq), ACL_SUCCESS);
		assert_int_equal(seq, i);
		assert_true((unsigned)t < 8);
		kinds[t]++;
	}
	assert_true(kinds[ACL_MODEL_RI_TASK_KERNEL] >= 3);
	assert_int_equal(kinds[ACL_MODEL_RI_TASK_EVENT_RECORD], 1);
	/* a wait on a record of the same stream may be dropped (ordered anyway) */
	assert_true(kinds[ACL_MODEL_RI_TASK_EVENT_WAIT] <= 1);
	assert_int_equal(kinds[ACL_MODEL_RI_TASK_EVENT_RESET], 1);
	assert_int_equal(kinds[ACL_MODEL_RI_TASK_VALUE_WRITE], 1);
	assert_int_equal(kinds[ACL_MODEL_RI_TASK_VALUE_WAIT], 1);
	aclrtStream other;
	assert_int_equal(aclrtCreateStream(&other), ACL_SUCCESS);
	uint32_t zero = 0;
	ROWS({ aclmdlRIGetTasksByStream(other, tasks, &cap), ACL_ERROR_RT_PARAM_INVALID },
	     { aclmdlRIGetTasksByStream(s, tasks, NULL), ACL_ERROR_INVALID_PARAM },
	     { aclmdlRITaskGetType(NULL, NULL), ACL_ERROR_INVALID_PARAM },
	     { aclmdlRITaskGetSeqId(tasks[0], NULL), ACL_ERROR_INVALID_PARAM },
	     { aclmdlRITaskGetSeqId((aclmdlRITask)&zero, &zero), ACL_ERROR_RT_INVALID_HANDLE });
	/* value-write task: params, set, update */
	aclmdlRITask vw = NULL, kt = NULL;
	for (uint32_t i = 0; i < cap; i++) {
		aclmdlRITaskType t;
		assert_int_equal(aclmdlRITaskGetType(tasks[i], &t), ACL_SUCCESS);
		if (t == ACL_MODEL_RI_TASK_VALUE_WRITE)
			vw = tasks[i];
		if (t == ACL_MODEL_RI_TASK_KERNEL && !kt)
			kt = tasks[i];
	}
	aclmdlRITaskParams p;
	assert_int_equal(aclmdlRITaskGetParams(vw, &p), ACL_SUCCESS);
	assert_int_equal(p.type, ACL_MODEL_RI_TASK_VALUE_WRITE);
	assert_ptr_equal(p.valueWriteTaskParams.devAddr, word);
	assert_int_equal(p.valueWriteTaskParams.value, 5);
	assert_int_equal(aclmdlRITaskGetParams(kt, &p), ACL_SUCCESS);
	assert_int_equal(p.type, ACL_MODEL_RI_TASK_KERNEL);
	assert_true(p.kernelTaskParams.numBlocks >= 1);
	p.type = ACL_MODEL_RI_TASK_VALUE_WRITE;
	ROWS({ aclmdlRITaskSetParams(kt, &p), ACL_ERROR_INVALID_PARAM },
	     { aclmdlRITaskSetParams(kt, NULL), ACL_ERROR_INVALID_PARAM },
	     { aclmdlRITaskGetParams(NULL, &p), ACL_ERROR_INVALID_PARAM });
	aclrtLaunchKernelAttrValue av;
	assert_int_equal(
	        aclmdlRIKernelTaskGetAttribute(kt, ACL_RT_LAUNCH_KERNEL_ATTR_SCHEM_MODE, &av),
	        ACL_SUCCESS);
	ROWS({ aclmdlRIKernelTaskGetAttribute(kt, ACL_RT_LAUNCH_KERNEL_ATTR_DATA_DUMP, &av),
	       ACL_ERROR_RT_FEATURE_NOT_SUPPORT },
	     { aclmdlRIKernelTaskGetAttribute(vw, ACL_RT_LAUNCH_KERNEL_ATTR_SCHEM_MODE, &av),
	       ACL_ERROR_RT_TASK_TYPE_NOT_SUPPORT },
	     { aclmdlRIKernelTaskGetAttribute(kt, ACL_RT_LAUNCH_KERNEL_ATTR_SCHEM_MODE, NULL),
	       ACL_ERROR_INVALID_PARAM });
	/* the value write now writes 7 and the wait waits for 7 */
	aclmdlRITaskParams np;
	memset(&np, 0, sizeof np);
	np.type = ACL_MODEL_RI_TASK_VALUE_WRITE;
	np.valueWriteTaskParams.devAddr = word;
	np.valueWriteTaskParams.value = 7;
	assert_int_equal(aclmdlRITaskSetParams(vw, &np), ACL_SUCCESS);
	for (uint32_t i = 0; i < cap; i++) {
		aclmdlRITaskType t;
		assert_int_equal(aclmdlRITaskGetType(tasks[i], &t), ACL_SUCCESS);
		if (t == ACL_MODEL_RI_TASK_VALUE_WAIT) {
			assert_int_equal(aclmdlRITaskGetParams(tasks[i], &np), ACL_SUCCESS);
			np.valueWaitTaskParams.value = 7;
			assert_int_equal(aclmdlRITaskSetParams(tasks[i], &np), ACL_SUCCESS);
		}
	}
	assert_int_equal(aclmdlRIUpdate(ri), ACL_SUCCESS);
	assert_int_equal(aclmdlRIExecuteAsync(ri, s), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	uint64_t w = 0;
	assert_int_equal(aclrtMemcpy(&w, 8, word, 8, ACL_MEMCPY_DEVICE_TO_HOST), ACL_SUCCESS);
	assert_int_equal(w, 6); /* 7, then the countdown */
	/* disable the host function (the last task): replays skip it */
	aclmdlRITaskType last;
	assert_int_equal(aclmdlRITaskGetType(tasks[cap - 1], &last), ACL_SUCCESS);
	assert_int_equal(last, ACL_MODEL_RI_TASK_DEFAULT);
	assert_int_equal(aclmdlRITaskDisable(tasks[cap - 1]), ACL_SUCCESS);
	assert_int_equal(aclmdlRIUpdate(ri), ACL_SUCCESS);
	int before = host_hits;
	assert_int_equal(aclmdlRIExecuteAsync(ri, s), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	assert_int_equal(host_hits, before);
	ROWS({ aclmdlRITaskDisable(NULL), ACL_ERROR_INVALID_PARAM },
	     { aclmdlRIUpdate(NULL), ACL_ERROR_INVALID_PARAM });

	/* debug dumps */
	assert_int_equal(aclmdlRIDebugPrint(ri), ACL_SUCCESS);
	char path[] = "/tmp/weir-ri-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(aclmdlRIDebugJsonPrint(ri, path, ACL_MDLRI_DEBUG_JSON_PRINT_VERBOSE),
	                 ACL_SUCCESS);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char buf[8192];
	size_t got_n = fread(buf, 1, sizeof buf - 1, f);
	buf[got_n] = 0;
	fclose(f);
	unlink(path);
	assert_non_null(strstr(buf, "\"traceEvents\""));
	assert_non_null(strstr(buf, "\"task_type\":\"KERNEL\""));
	assert_non_null(strstr(buf, "\"block_num\""));
	char idstr[32];
	snprintf(idstr, sizeof idstr, "\"modelId\":%u", id);
	assert_non_null(strstr(buf, idstr));
	ROWS({ aclmdlRIDebugJsonPrint(ri, "/nonexistent-dir/x.json", 0), ACL_ERROR_WRITE_FILE },
	     { aclmdlRIDebugJsonPrint(ri, path, 2), ACL_ERROR_INVALID_PARAM },
	     { aclmdlRIDebugJsonPrint(ri, NULL, 0), ACL_ERROR_INVALID_PARAM },
	     { aclmdlRIDebugPrint(NULL), ACL_ERROR_INVALID_PARAM });

	/* destroy callbacks, abort, destroy */
	assert_int_equal(aclmdlRIDestroyRegisterCallback(ri, destroy_cb, (void *)(intptr_t)10),
	                 ACL_SUCCESS);
	assert_int_equal(aclmdlRIDestroyRegisterCallback(ri, host_fn, NULL), ACL_SUCCESS);
	assert_int_equal(aclmdlRIDestroyUnregisterCallback(ri, host_fn), ACL_SUCCESS);
	ROWS({ aclmdlRIDestroyUnregisterCallback(ri, host_fn), ACL_ERROR_INVALID_PARAM },
	     { aclmdlRIDestroyRegisterCallback(ri, NULL, NULL), ACL_ERROR_INVALID_PARAM });
	assert_int_equal(aclmdlRIAbort(ri), ACL_SUCCESS);
	int hits = host_hits;
	assert_int_equal(aclmdlRIDestroy(ri), ACL_SUCCESS);
	assert_int_equal(destroyed_cb, 10);
	assert_int_equal(host_hits, hits);
	ROWS({ aclmdlRIDestroy(ri), ACL_ERROR_RT_INVALID_HANDLE },
	     { aclmdlRIExecuteAsync(ri, s), ACL_ERROR_RT_INVALID_HANDLE },
	     { aclmdlRIGetId(ri, &id), ACL_ERROR_RT_INVALID_HANDLE },
	     { aclmdlRITaskGetType(vw, NULL), ACL_ERROR_INVALID_PARAM },
	     { aclmdlRIAbort(ri), ACL_ERROR_RT_INVALID_HANDLE },
	     { aclmdlRIDestroy(NULL), ACL_ERROR_INVALID_PARAM });
	aclmdlRITaskType tt;
	assert_int_equal(aclmdlRITaskGetType(vw, &tt), ACL_ERROR_RT_INVALID_HANDLE);

	assert_int_equal(aclrtDestroyEvent(ev), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyNotify(nt), ACL_SUCCESS);
	assert_int_equal(aclrtFreeHost(pinned), ACL_SUCCESS);
	assert_int_equal(aclrtFree(word), ACL_SUCCESS);
	assert_int_equal(aclrtFree(rounds), ACL_SUCCESS);
	ten_free(&a);
	ten_free(&b);
	ten_free(&o);
	ten_free(&o2);
	assert_int_equal(aclrtDestroyStream(other), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
}

/* Two streams: the second joins by waiting on an event recorded in the
 * capture and is joined back; an unjoined one fails the end. */
static void test_cross_stream(void **state)
{
	(void)state;
	float va[N], vb[N];
	for (int i = 0; i < N; i++) {
		va[i] = (float)i;
		vb[i] = 1.0f;
	}
	struct ten a, b, o1, o2;
	ten_make(&a, va);
	ten_make(&b, vb);
	ten_make(&o1, NULL);
	ten_make(&o2, NULL);
	aclrtStream s0, s1;
	assert_int_equal(aclrtCreateStream(&s0), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&s1), ACL_SUCCESS);
	aclrtEvent fork, join;
	assert_int_equal(aclrtCreateEvent(&fork), ACL_SUCCESS);
	assert_int_equal(aclrtCreateEvent(&join), ACL_SUCCESS);

	aclmdlRI ri = NULL;
	assert_int_equal(aclmdlRICaptureBegin(s0, ACL_MODEL_RI_CAPTURE_MODE_GLOBAL), ACL_SUCCESS);
	add_on(&a, &b, 2.0f, &o1, s0, NULL);
	assert_int_equal(aclrtRecordEvent(fork, s0), ACL_SUCCESS);
	aclError wrc = aclrtStreamWaitEvent(s1, fork);
	if (wrc != ACL_SUCCESS)
		fail_msg("wait: %d %s", wrc, aclGetRecentErrMsg());
	add_on(&o1, &b, 3.0f, &o2, s1, NULL);
	/* the joined stream cannot end the capture */
	assert_int_equal(aclmdlRICaptureEnd(s1, &ri), ACL_ERROR_RT_STREAM_CAPTURE_UNMATCHED);
	assert_int_equal(aclrtRecordEvent(join, s1), ACL_SUCCESS);
	assert_int_equal(aclrtStreamWaitEvent(s0, join), ACL_SUCCESS);
	assert_int_equal(aclmdlRICaptureEnd(s0, &ri), ACL_SUCCESS);
	uint32_t ns = 0;
	assert_int_equal(aclmdlRIGetStreams(ri, NULL, &ns), ACL_SUCCESS);
	assert_int_equal(ns, 2);
	uint32_t nt = 0;
	assert_int_equal(aclmdlRIGetTasksByStream(s1, NULL, &nt), ACL_SUCCESS);
	assert_true(nt >= 1);
	for (int r = 0; r < 2; r++) {
		assert_int_equal(aclrtMemset(o2.dev, N * 4, 0, N * 4), ACL_SUCCESS);
		assert_int_equal(aclmdlRIExecuteAsync(ri, s0), ACL_SUCCESS);
		assert_int_equal(aclrtSynchronizeStream(s0), ACL_SUCCESS);
		float got[N];
		ten_read(&o2, got);
		for (int i = 0; i < N; i++)
			assert_true(got[i] == (float)i + 2.0f + 3.0f);
	}
	assert_int_equal(aclmdlRIDestroy(ri), ACL_SUCCESS);

	/* unjoined: s1 joins and is never joined back */
	assert_int_equal(aclmdlRICaptureBegin(s0, ACL_MODEL_RI_CAPTURE_MODE_GLOBAL), ACL_SUCCESS);
	assert_int_equal(aclrtRecordEvent(fork, s0), ACL_SUCCESS);
	assert_int_equal(aclrtStreamWaitEvent(s1, fork), ACL_SUCCESS);
	add_on(&a, &b, 1.0f, &o2, s1, NULL);
	assert_int_equal(aclmdlRICaptureEnd(s0, &ri), ACL_ERROR_RT_STREAM_UNJOINED);
	aclmdlRICaptureStatus cs;
	aclmdlRI r2;
	assert_int_equal(aclmdlRICaptureGetInfo(s1, &cs, &r2), ACL_SUCCESS);
	assert_int_equal(cs, ACL_MODEL_RI_CAPTURE_STATUS_NONE);

	assert_int_equal(aclrtDestroyEvent(fork), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyEvent(join), ACL_SUCCESS);
	ten_free(&a);
	ten_free(&b);
	ten_free(&o1);
	ten_free(&o2);
	assert_int_equal(aclrtDestroyStream(s0), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s1), ACL_SUCCESS);
}

/* model_ri/1_model_update's flow: a task group replaced between replays. */
static void test_update(void **state)
{
	(void)state;
	float va[N], vb[N];
	for (int i = 0; i < N; i++) {
		va[i] = 1.0f + (float)i;
		vb[i] = 2.0f;
	}
	struct ten a, b, o;
	ten_make(&a, va);
	ten_make(&b, vb);
	ten_make(&o, NULL);
	aclrtStream s, us;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&us), ACL_SUCCESS);
	aclmdlRI ri = NULL;
	aclrtTaskGrp g = NULL, g2 = NULL;
	ROWS({ aclmdlRICaptureTaskGrpBegin(s), ACL_ERROR_STREAM_TASK_GROUP_STATUS },
	     { aclmdlRICaptureTaskGrpEnd(s, NULL), ACL_ERROR_INVALID_PARAM },
	     { aclmdlRICaptureTaskUpdateEnd(s), ACL_ERROR_STREAM_TASK_GROUP_STATUS },
	     { aclmdlRICaptureTaskUpdateBegin(s, NULL), ACL_ERROR_INVALID_PARAM });
	assert_int_equal(aclmdlRICaptureBegin(s, ACL_MODEL_RI_CAPTURE_MODE_GLOBAL), ACL_SUCCESS);
	assert_int_equal(aclmdlRICaptureTaskGrpBegin(s), ACL_SUCCESS);
	add_on(&a, &b, 1.1f, &o, s, NULL);
	assert_int_equal(aclmdlRICaptureTaskGrpEnd(s, &g), ACL_SUCCESS);
	assert_non_null(g);
	/* a group with a non-kernel task */
	assert_int_equal(aclmdlRICaptureTaskGrpBegin(s), ACL_SUCCESS);
	assert_int_equal(aclrtLaunchHostFunc(s, host_fn, NULL), ACL_SUCCESS);
	assert_int_equal(aclmdlRICaptureTaskGrpEnd(s, &g2), ACL_ERROR_RT_TASK_TYPE_NOT_SUPPORT);
	assert_int_equal(aclmdlRICaptureEnd(s, &ri), ACL_SUCCESS);
	int hits0 = host_hits;
	float got[N];
	assert_int_equal(aclmdlRIExecuteAsync(ri, s), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	ten_read(&o, got);
	for (int i = 0; i < N; i++)
		assert_true(got[i] == va[i] + 2.0f * 1.1f);
	/* update: the same op with alpha 2.2 */
	assert_int_equal(aclmdlRICaptureTaskUpdateBegin(us, g), ACL_SUCCESS);
	add_on(&a, &b, 2.2f, &o, us, NULL);
	assert_int_equal(aclmdlRICaptureTaskUpdateEnd(us), ACL_SUCCESS);
	assert_int_equal(aclmdlRIExecuteAsync(ri, s), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	ten_read(&o, got);
	for (int i = 0; i < N; i++)
		assert_true(got[i] == va[i] + 2.0f * 2.2f);
	/* mismatch: two kernels for a group of one */
	assert_int_equal(aclmdlRICaptureTaskUpdateBegin(us, g), ACL_SUCCESS);
	add_on(&a, &b, 3.0f, &o, us, NULL);
	add_on(&a, &b, 3.0f, &o, us, NULL);
	assert_int_equal(aclmdlRICaptureTaskUpdateEnd(us), ACL_ERROR_RT_MODEL_UPDATE_FAILED);
	assert_int_equal(aclmdlRIExecuteAsync(ri, s), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	ten_read(&o, got);
	for (int i = 0; i < N; i++)
		assert_true(got[i] == va[i] + 2.0f * 2.2f);
	assert_true(host_hits > hits0);
	assert_int_equal(aclmdlRIDestroy(ri), ACL_SUCCESS);
	ten_free(&a);
	ten_free(&b);
	ten_free(&o);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(us), ACL_SUCCESS);
}

/* IF / WHILE / SWITCH; the WHILE body counts a device word down, so the
 * loop runs as many rounds as the word says. */
static void test_cond(void **state)
{
	(void)state;
	aclrtStream s, sub;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&sub), ACL_SUCCESS);
	uint32_t *rounds = NULL;
	assert_int_equal(aclrtMalloc((void **)&rounds, 64, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
	uint64_t *flag = NULL;
	assert_int_equal(aclrtMalloc((void **)&flag, 64, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);

	/* WHILE, no ASSIGN_DEFAULT: the word keeps what the host wrote */
	aclmdlRI ri = NULL, body[1] = { NULL };
	assert_int_equal(aclmdlRICaptureBegin(s, ACL_MODEL_RI_CAPTURE_MODE_THREAD_LOCAL),
	                 ACL_SUCCESS);
	aclmdlRICaptureStatus cs;
	assert_int_equal(aclmdlRICaptureGetInfo(s, &cs, &ri), ACL_SUCCESS);
	aclmdlRICondHandle h = NULL;
	ROWS({ aclmdlRICondHandleCreate(ri, 0, (aclmdlRICondHandleFlag)2, &h),
	       ACL_ERROR_INVALID_PARAM },
	     { aclmdlRICondHandleCreate(ri, 0, 0, NULL), ACL_ERROR_INVALID_PARAM },
	     { aclmdlRICondHandleCreate(NULL, 0, 0, &h), ACL_ERROR_INVALID_PARAM });
	assert_int_equal(aclmdlRICondHandleCreate(ri, 0, 0, &h), ACL_SUCCESS);
	uint64_t *word = NULL;
	assert_int_equal(aclmdlRICondHandleGetCondPtr(h, &word), ACL_SUCCESS);
	assert_non_null(word);
	aclmdlRICondTaskParams p = { h, ACL_MODEL_RI_COND_TYPE_WHILE, 2, body };
	ROWS({ aclmdlRIAddCondTask(p, s, 0), ACL_ERROR_INVALID_PARAM },
	     { aclmdlRICondHandleGetCondPtr(h, NULL), ACL_ERROR_INVALID_PARAM },
	     { aclmdlRICondHandleGetCondPtr((aclmdlRICondHandle)&p, &word),
	       ACL_ERROR_RT_INVALID_HANDLE });
	p.size = 1;
	ROWS({ aclmdlRIAddCondTask(p, s, 1), ACL_ERROR_INVALID_PARAM },
	     { aclmdlRIAddCondTask(p, sub, 0), ACL_ERROR_RT_STREAM_NOT_CAPTURED });
	p.type = ACL_MODEL_RI_COND_TYPE_IF;
	p.size = 3;
	assert_int_equal(aclmdlRIAddCondTask(p, s, 0), ACL_ERROR_INVALID_PARAM);
	p.type = ACL_MODEL_RI_COND_TYPE_SWITCH;
	p.size = 0;
	assert_int_equal(aclmdlRIAddCondTask(p, s, 0), ACL_ERROR_INVALID_PARAM);
	p.type = ACL_MODEL_RI_COND_TYPE_WHILE;
	p.size = 1;
	assert_int_equal(aclmdlRIAddCondTask(p, s, 0), ACL_SUCCESS);
	assert_non_null(body[0]);
	assert_int_equal(
	        aclmdlRICaptureToModelRIBegin(sub, body[0], ACL_MODEL_RI_CAPTURE_MODE_THREAD_LOCAL),
	        ACL_SUCCESS);
	countdown_on(word, rounds, NULL, sub);
	assert_int_equal(aclmdlRICaptureEnd(sub, &body[0]), ACL_SUCCESS);
	assert_int_equal(aclmdlRICaptureEnd(s, &ri), ACL_SUCCESS);
	assert_int_equal(aclmdlRIDestroy(body[0]), ACL_ERROR_RT_PARAM_INVALID);
	for (uint64_t n = 0; n < 5; n += 2) {
		uint32_t zero = 0, got = 0;
		assert_int_equal(aclrtMemcpy(rounds, 4, &zero, 4, ACL_MEMCPY_HOST_TO_DEVICE),
		                 ACL_SUCCESS);
		assert_int_equal(aclrtMemcpy(word, 8, &n, 8, ACL_MEMCPY_HOST_TO_DEVICE),
		                 ACL_SUCCESS);
		assert_int_equal(aclmdlRIExecuteAsync(ri, s), ACL_SUCCESS);
		assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
		assert_int_equal(aclrtMemcpy(&got, 4, rounds, 4, ACL_MEMCPY_DEVICE_TO_HOST),
		                 ACL_SUCCESS);
		assert_int_equal(got, (uint32_t)n);
	}
	assert_int_equal(aclmdlRIDestroy(ri), ACL_SUCCESS);
	assert_int_equal(aclmdlRICondHandleGetCondPtr(h, &word), ACL_ERROR_RT_INVALID_HANDLE);

	/* IF with ASSIGN_DEFAULT 1: the word is 1 at every start, whatever
	 * the host wrote; body i counts in cnt[i]. (Kernels: a value write in
	 * a body is refused by weir today, see the report.) */
	uint32_t *cnt = (uint32_t *)flag; /* 4 counters in the 64-byte block */
	uint64_t *scratch = NULL;
	assert_int_equal(aclrtMalloc((void **)&scratch, 64, ACL_MEM_MALLOC_HUGE_FIRST),
	                 ACL_SUCCESS);
	aclmdlRI bodies[3] = { NULL, NULL, NULL };
	assert_int_equal(aclmdlRICaptureBegin(s, ACL_MODEL_RI_CAPTURE_MODE_THREAD_LOCAL),
	                 ACL_SUCCESS);
	assert_int_equal(aclmdlRICaptureGetInfo(s, &cs, &ri), ACL_SUCCESS);
	assert_int_equal(
	        aclmdlRICondHandleCreate(ri, 1, ACL_MODEL_RI_COND_HANDLE_ASSIGN_DEFAULT, &h),
	        ACL_SUCCESS);
	assert_int_equal(aclmdlRICondHandleGetCondPtr(h, &word), ACL_SUCCESS);
	aclmdlRICondTaskParams pi = { h, ACL_MODEL_RI_COND_TYPE_IF, 2, bodies };
	assert_int_equal(aclmdlRIAddCondTask(pi, s, 0), ACL_SUCCESS);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(aclmdlRICaptureToModelRIBegin(
		                         sub, bodies[i], ACL_MODEL_RI_CAPTURE_MODE_THREAD_LOCAL),
		                 ACL_SUCCESS);
		countdown_on(scratch, &cnt[i], NULL, sub);
		assert_int_equal(aclmdlRICaptureEnd(sub, &bodies[i]), ACL_SUCCESS);
	}
	assert_int_equal(aclmdlRICaptureEnd(s, &ri), ACL_SUCCESS);
	assert_int_equal(aclrtMemset(cnt, 16, 0, 16), ACL_SUCCESS);
	for (uint64_t v = 0; v < 2; v++) {
		uint32_t got[4];
		assert_int_equal(aclrtMemcpy(word, 8, &v, 8, ACL_MEMCPY_HOST_TO_DEVICE),
		                 ACL_SUCCESS);
		assert_int_equal(aclmdlRIExecute(ri, -1), ACL_SUCCESS);
		assert_int_equal(aclrtMemcpy(got, 16, cnt, 16, ACL_MEMCPY_DEVICE_TO_HOST),
		                 ACL_SUCCESS);
		assert_int_equal(got[0], v + 1);
		assert_int_equal(got[1], 0);
	}
	assert_int_equal(aclmdlRIDestroy(ri), ACL_SUCCESS);

	/* SWITCH over 3 bodies, no default: body k counts in cnt[k]; 3 is out
	 * of range (nothing runs) */
	assert_int_equal(aclmdlRICaptureBegin(s, ACL_MODEL_RI_CAPTURE_MODE_THREAD_LOCAL),
	                 ACL_SUCCESS);
	assert_int_equal(aclmdlRICaptureGetInfo(s, &cs, &ri), ACL_SUCCESS);
	assert_int_equal(aclmdlRICondHandleCreate(ri, 0, 0, &h), ACL_SUCCESS);
	assert_int_equal(aclmdlRICondHandleGetCondPtr(h, &word), ACL_SUCCESS);
	aclmdlRICondTaskParams ps = { h, ACL_MODEL_RI_COND_TYPE_SWITCH, 3, bodies };
	assert_int_equal(aclmdlRIAddCondTask(ps, s, 0), ACL_SUCCESS);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(aclmdlRICaptureToModelRIBegin(
		                         sub, bodies[i], ACL_MODEL_RI_CAPTURE_MODE_THREAD_LOCAL),
		                 ACL_SUCCESS);
		countdown_on(scratch, &cnt[i], NULL, sub);
		assert_int_equal(aclmdlRICaptureEnd(sub, &bodies[i]), ACL_SUCCESS);
	}
	assert_int_equal(aclmdlRICaptureEnd(s, &ri), ACL_SUCCESS);
	for (uint64_t v = 0; v < 4; v++) {
		uint32_t got[4];
		assert_int_equal(aclrtMemset(cnt, 16, 0, 16), ACL_SUCCESS);
		assert_int_equal(aclrtMemcpy(word, 8, &v, 8, ACL_MEMCPY_HOST_TO_DEVICE),
		                 ACL_SUCCESS);
		assert_int_equal(aclmdlRIExecute(ri, -1), ACL_SUCCESS);
		assert_int_equal(aclrtMemcpy(got, 16, cnt, 16, ACL_MEMCPY_DEVICE_TO_HOST),
		                 ACL_SUCCESS);
		for (uint32_t k = 0; k < 3; k++)
			assert_int_equal(got[k], k == v ? 1 : 0);
	}
	assert_int_equal(aclmdlRIDestroy(ri), ACL_SUCCESS);
	assert_int_equal(aclrtFree(scratch), ACL_SUCCESS);

	assert_int_equal(aclrtFree(rounds), ACL_SUCCESS);
	assert_int_equal(aclrtFree(flag), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(sub), ACL_SUCCESS);
}

/* A built model: persistent streams, a loop made of a label and a
 * backward label switch, a forward switch out of it, stream activation
 * and a stream switch. */
static void test_build_labels(void **state)
{
	(void)state;
	aclrtStream plain, head, side, cond_s;
	assert_int_equal(aclrtCreateStream(&plain), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStreamWithConfig(&head, 0, ACL_STREAM_PERSISTENT), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStreamWithConfig(&side, 0, ACL_STREAM_PERSISTENT), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStreamWithConfig(&cond_s, 0, ACL_STREAM_PERSISTENT),
	                 ACL_SUCCESS);
	uint32_t flags = 0;
	assert_int_equal(aclrtStreamGetFlags(head, &flags), ACL_SUCCESS);
	assert_int_equal(flags & ACL_STREAM_PERSISTENT, ACL_STREAM_PERSISTENT);
	struct dev {
		uint64_t word;
		uint32_t rounds, idx;
		uint64_t side_hit, cond_hit;
		int32_t left, right;
	} *d = NULL;
	assert_int_equal(aclrtMalloc((void **)&d, sizeof *d, ACL_MEM_MALLOC_HUGE_FIRST),
	                 ACL_SUCCESS);

	aclmdlRI ri = NULL;
	ROWS({ aclmdlRIBuildBegin(NULL, 0), ACL_ERROR_INVALID_PARAM },
	     { aclmdlRIBuildBegin(&ri, 1), ACL_ERROR_INVALID_PARAM });
	assert_int_equal(aclmdlRIBuildBegin(&ri, 0), ACL_SUCCESS);
	ROWS({ aclmdlRIBindStream(ri, plain, ACL_MODEL_STREAM_FLAG_HEAD),
	       ACL_ERROR_RT_PARAM_INVALID },
	     { aclmdlRIBindStream(ri, head, 5), ACL_ERROR_INVALID_PARAM },
	     { aclmdlRIBindStream(ri, NULL, ACL_MODEL_STREAM_FLAG_HEAD), ACL_ERROR_INVALID_PARAM },
	     { aclmdlRIBindStream(NULL, head, ACL_MODEL_STREAM_FLAG_HEAD),
	       ACL_ERROR_INVALID_PARAM },
	     { aclmdlRIBuildEnd(ri, NULL), ACL_ERROR_RT_PARAM_INVALID }, /* no head */
	     { aclmdlRIBuildEnd(ri, (void *)ri), ACL_ERROR_INVALID_PARAM });
	assert_int_equal(aclmdlRIBindStream(ri, head, ACL_MODEL_STREAM_FLAG_HEAD), ACL_SUCCESS);
	assert_int_equal(aclmdlRIBindStream(ri, head, ACL_MODEL_STREAM_FLAG_HEAD),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclmdlRIBindStream(ri, side, ACL_MODEL_STREAM_FLAG_DEFAULT), ACL_SUCCESS);
	assert_int_equal(aclmdlRIBindStream(ri, cond_s, ACL_MODEL_STREAM_FLAG_DEFAULT),
	                 ACL_SUCCESS);
	aclrtLabel top, out;
	assert_int_equal(aclrtCreateLabel(&top), ACL_SUCCESS);
	assert_int_equal(aclrtCreateLabel(&out), ACL_SUCCESS);
	aclrtLabel both[2] = { top, out };
	aclrtLabelList ll;
	ROWS({ aclrtCreateLabel(NULL), ACL_ERROR_INVALID_PARAM },
	     { aclrtCreateLabelList(both, 0, &ll), ACL_ERROR_INVALID_PARAM },
	     { aclrtCreateLabelList(NULL, 2, &ll), ACL_ERROR_INVALID_PARAM },
	     { aclrtSetLabel(top, plain), ACL_ERROR_RT_STREAM_NOT_CAPTURED },
	     { aclrtSetLabel(NULL, head), ACL_ERROR_INVALID_PARAM });
	assert_int_equal(aclrtCreateLabelList(both, 2, &ll), ACL_SUCCESS);
	/* head: top: countdown (idx = word ? 0 : 1); switch(idx) {0: top, 1: out}; out: */
	assert_int_equal(aclrtSetLabel(top, head), ACL_SUCCESS);
	countdown_on(&d->word, &d->rounds, &d->idx, head);
	ROWS({ aclrtSwitchLabelByIndex(NULL, 2, ll, head), ACL_ERROR_INVALID_PARAM },
	     { aclrtSwitchLabelByIndex(&d->idx, 0, ll, head), ACL_ERROR_INVALID_PARAM },
	     { aclrtSwitchLabelByIndex(&d->idx, 2, ll, plain), ACL_ERROR_RT_STREAM_NOT_CAPTURED });
	assert_int_equal(aclrtSwitchLabelByIndex(&d->idx, 2, ll, head), ACL_SUCCESS);
	assert_int_equal(aclrtSetLabel(out, head), ACL_SUCCESS);
	/* then start side always, and cond_s when left == right */
	assert_int_equal(aclrtActiveStream(side, head), ACL_SUCCESS);
	ROWS({ aclrtActiveStream(NULL, head), ACL_ERROR_INVALID_PARAM },
	     { aclrtActiveStream(side, plain), ACL_ERROR_RT_STREAM_NOT_CAPTURED },
	     { aclrtSwitchStream(&d->left, ACL_RT_EQUAL, &d->right, ACL_RT_SWITCH_INT32, cond_s,
	                         side, head),
	       ACL_ERROR_INVALID_PARAM },
	     { aclrtSwitchStream(&d->left, (aclrtCondition)9, &d->right, ACL_RT_SWITCH_INT32,
	                         cond_s, NULL, head),
	       ACL_ERROR_INVALID_PARAM },
	     { aclrtSwitchStream(&d->left, ACL_RT_EQUAL, &d->right, (aclrtCompareDataType)2, cond_s,
	                         NULL, head),
	       ACL_ERROR_INVALID_PARAM },
	     { aclrtSwitchStream(NULL, ACL_RT_EQUAL, &d->right, ACL_RT_SWITCH_INT32, cond_s, NULL,
	                         head),
	       ACL_ERROR_INVALID_PARAM });
	assert_int_equal(aclrtSwitchStream(&d->left, ACL_RT_EQUAL, &d->right, ACL_RT_SWITCH_INT32,
	                                   cond_s, NULL, head),
	                 ACL_SUCCESS);
	assert_int_equal(aclrtValueWrite(&d->side_hit, 1, 0, side), ACL_SUCCESS);
	assert_int_equal(aclrtValueWrite(&d->cond_hit, 1, 0, cond_s), ACL_SUCCESS);
	assert_int_equal(aclmdlRIEndTask(ri, head), ACL_SUCCESS);
	assert_int_equal(aclmdlRIEndTask(ri, plain), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclmdlRIBuildEnd(ri, NULL), ACL_SUCCESS);
	assert_int_equal(aclmdlRIBuildEnd(ri, NULL), ACL_ERROR_RT_PARAM_INVALID);

	aclrtStream ex;
	assert_int_equal(aclrtCreateStream(&ex), ACL_SUCCESS);
	for (int n = 1; n <= 4; n += 3) {
		struct dev h0 = { (uint64_t)n, 0, 0, 0, 0, 5, n == 4 ? 5 : 6 };
		struct dev h1;
		assert_int_equal(
		        aclrtMemcpy(d, sizeof *d, &h0, sizeof h0, ACL_MEMCPY_HOST_TO_DEVICE),
		        ACL_SUCCESS);
		assert_int_equal(aclmdlRIExecuteAsync(ri, ex), ACL_SUCCESS);
		assert_int_equal(aclrtSynchronizeStream(ex), ACL_SUCCESS);
		assert_int_equal(
		        aclrtMemcpy(&h1, sizeof h1, d, sizeof *d, ACL_MEMCPY_DEVICE_TO_HOST),
		        ACL_SUCCESS);
		assert_int_equal(h1.rounds, (uint32_t)n); /* the backward jump looped */
		assert_int_equal(h1.word, 0);
		assert_int_equal(h1.side_hit, 1);
		assert_int_equal(h1.cond_hit, n == 4 ? 1 : 0);
	}
	assert_int_equal(aclmdlRIUnbindStream(ri, head), ACL_SUCCESS);
	assert_int_equal(aclmdlRIUnbindStream(ri, head), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclmdlRIUnbindStream(ri, side), ACL_SUCCESS);
	assert_int_equal(aclmdlRIUnbindStream(ri, cond_s), ACL_SUCCESS);
	assert_int_equal(aclmdlRIDestroy(ri), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyLabelList(ll), ACL_SUCCESS);
	ROWS({ aclrtDestroyLabelList(ll), ACL_ERROR_RT_INVALID_HANDLE },
	     { aclrtDestroyLabelList(NULL), ACL_ERROR_INVALID_PARAM },
	     { aclrtDestroyLabel(NULL), ACL_ERROR_INVALID_PARAM });
	assert_int_equal(aclrtDestroyLabel(top), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyLabel(out), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyLabel(out), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtFree(d), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(ex), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(plain), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(head), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(side), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(cond_s), ACL_SUCCESS);
}

/* What a capture refuses, per mode, in this thread and another. */
struct other_args {
	aclrtContext ctx;
	aclError malloc_rc;
	aclError sync_rc;
};

static void *other_thread(void *arg)
{
	struct other_args *a = arg;
	void *p = NULL;
	(void)aclrtSetCurrentContext(a->ctx);
	a->malloc_rc = aclrtMalloc(&p, 64, ACL_MEM_MALLOC_HUGE_FIRST);
	if (a->malloc_rc == ACL_SUCCESS)
		(void)aclrtFree(p);
	a->sync_rc = aclrtSynchronizeDevice();
	return NULL;
}

static struct other_args run_other(void)
{
	struct other_args a = { 0 };
	pthread_t t;
	assert_int_equal(aclrtGetCurrentContext(&a.ctx), ACL_SUCCESS);
	assert_int_equal(pthread_create(&t, NULL, other_thread, &a), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	return a;
}

static void test_illegal(void **state)
{
	(void)state;
	aclrtStream s;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	void *d = NULL, *d2 = NULL, *hp = NULL;
	char host[64] = { 1 };
	assert_int_equal(aclrtMalloc(&d, 64, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
	aclmdlRI ri = NULL;

	/* GLOBAL: refused here and in a GLOBAL thread */
	assert_int_equal(aclmdlRICaptureBegin(s, ACL_MODEL_RI_CAPTURE_MODE_GLOBAL), ACL_SUCCESS);
	ROWS({ aclrtMalloc(&d2, 64, ACL_MEM_MALLOC_HUGE_FIRST),
	       ACL_ERROR_RT_CAPTURE_MODE_NOT_SUPPORT },
	     { aclrtMallocHost(&hp, 64), ACL_ERROR_RT_CAPTURE_MODE_NOT_SUPPORT },
	     { aclrtFree(d), ACL_ERROR_RT_CAPTURE_MODE_NOT_SUPPORT },
	     { aclrtMemcpy(d, 64, host, 64, ACL_MEMCPY_HOST_TO_DEVICE),
	       ACL_ERROR_RT_CAPTURE_MODE_NOT_SUPPORT },
	     { aclrtMemcpy2d(d, 8, host, 8, 8, 8, ACL_MEMCPY_HOST_TO_DEVICE),
	       ACL_ERROR_RT_CAPTURE_MODE_NOT_SUPPORT },
	     { aclrtMemset(d, 64, 0, 64), ACL_ERROR_RT_CAPTURE_MODE_NOT_SUPPORT },
	     { aclrtSynchronizeDevice(), ACL_ERROR_RT_CAPTURE_MODE_NOT_SUPPORT },
	     /* a pageable async copy during a capture */
	     { aclrtMemcpyAsync(d, 64, host, 64, ACL_MEMCPY_HOST_TO_DEVICE, s),
	       ACL_ERROR_RT_CAPTURE_MODE_NOT_SUPPORT },
	     { aclrtMemcpy2dAsync(d, 8, host, 8, 8, 8, ACL_MEMCPY_HOST_TO_DEVICE, s),
	       ACL_ERROR_RT_CAPTURE_MODE_NOT_SUPPORT });
	struct other_args o = run_other();
	assert_int_equal(o.malloc_rc, ACL_ERROR_RT_CAPTURE_MODE_NOT_SUPPORT);
	assert_int_equal(o.sync_rc, ACL_ERROR_RT_CAPTURE_MODE_NOT_SUPPORT);
	/* RELAXED for this thread: allowed, not recorded */
	aclmdlRICaptureMode m = ACL_MODEL_RI_CAPTURE_MODE_RELAXED;
	assert_int_equal(aclmdlRICaptureThreadExchangeMode(&m), ACL_SUCCESS);
	assert_int_equal(m, ACL_MODEL_RI_CAPTURE_MODE_GLOBAL);
	assert_int_equal(aclrtMemcpy(d, 64, host, 64, ACL_MEMCPY_HOST_TO_DEVICE), ACL_SUCCESS);
	assert_int_equal(aclrtMemcpyAsync(d, 64, host, 64, ACL_MEMCPY_HOST_TO_DEVICE, s),
	                 ACL_SUCCESS);
	assert_int_equal(aclrtMemcpy2dAsync(d, 8, host, 8, 8, 8, ACL_MEMCPY_HOST_TO_DEVICE, s),
	                 ACL_SUCCESS);
	assert_int_equal(aclmdlRICaptureThreadExchangeMode(&m), ACL_SUCCESS);
	assert_int_equal(m, ACL_MODEL_RI_CAPTURE_MODE_RELAXED);
	m = (aclmdlRICaptureMode)7;
	ROWS({ aclmdlRICaptureThreadExchangeMode(&m), ACL_ERROR_INVALID_PARAM },
	     { aclmdlRICaptureThreadExchangeMode(NULL), ACL_ERROR_INVALID_PARAM });
	/* a sync of the capturing stream: refused and the capture invalidated */
	assert_int_equal(aclrtSynchronizeStream(s), ACL_ERROR_RT_CAPTURE_MODE_NOT_SUPPORT);
	aclmdlRICaptureStatus cs;
	aclmdlRI cur;
	assert_int_equal(aclmdlRICaptureGetInfo(s, &cs, &cur), ACL_SUCCESS);
	assert_int_equal(cs, ACL_MODEL_RI_CAPTURE_STATUS_INVALIDATED);
	assert_int_equal(aclmdlRICaptureEnd(s, &ri), ACL_ERROR_RT_STREAM_CAPTURE_INVALIDATED);
	assert_int_equal(aclmdlRICaptureGetInfo(s, &cs, &cur), ACL_SUCCESS);
	assert_int_equal(cs, ACL_MODEL_RI_CAPTURE_STATUS_NONE);

	/* THREAD_LOCAL: refused here, allowed in another thread */
	assert_int_equal(aclmdlRICaptureBegin(s, ACL_MODEL_RI_CAPTURE_MODE_THREAD_LOCAL),
	                 ACL_SUCCESS);
	assert_int_equal(aclrtMalloc(&d2, 64, ACL_MEM_MALLOC_HUGE_FIRST),
	                 ACL_ERROR_RT_CAPTURE_MODE_NOT_SUPPORT);
	o = run_other();
	assert_int_equal(o.malloc_rc, ACL_SUCCESS);
	assert_int_equal(o.sync_rc, ACL_SUCCESS);
	assert_int_equal(aclmdlRICaptureEnd(s, &ri), ACL_SUCCESS);
	assert_int_equal(aclmdlRIDestroy(ri), ACL_SUCCESS);

	/* RELAXED capture: nothing refused anywhere */
	assert_int_equal(aclmdlRICaptureBegin(s, ACL_MODEL_RI_CAPTURE_MODE_RELAXED), ACL_SUCCESS);
	assert_int_equal(aclrtMalloc(&d2, 64, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
	assert_int_equal(aclrtFree(d2), ACL_SUCCESS);
	o = run_other();
	assert_int_equal(o.malloc_rc, ACL_SUCCESS);
	assert_int_equal(aclmdlRICaptureEnd(s, &ri), ACL_SUCCESS);
	/* a model cannot be replayed on a capturing stream */
	aclrtStream s2;
	assert_int_equal(aclrtCreateStream(&s2), ACL_SUCCESS);
	assert_int_equal(aclmdlRICaptureBegin(s2, ACL_MODEL_RI_CAPTURE_MODE_RELAXED), ACL_SUCCESS);
	assert_int_equal(aclmdlRIExecuteAsync(ri, s2), ACL_ERROR_RT_STREAM_CAPTURED);
	aclmdlRI ri2;
	assert_int_equal(aclmdlRICaptureGetInfo(s2, &cs, &ri2), ACL_SUCCESS);
	/* the RI of a capture cannot be replayed before its end */
	assert_int_equal(aclmdlRIExecuteAsync(ri2, s), ACL_ERROR_RT_MODEL_CAPTURED);
	assert_int_equal(aclmdlRICaptureEnd(s2, &ri2), ACL_SUCCESS);
	assert_int_equal(aclmdlRIDestroy(ri2), ACL_SUCCESS);
	assert_int_equal(aclmdlRIDestroy(ri), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s2), ACL_SUCCESS);

	assert_int_equal(aclrtFree(d), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
}

/* A GLOBAL capture ended by another thread: WRONG_THREAD, and it goes on. */
struct end_args {
	aclrtContext ctx;
	aclrtStream s;
	aclError rc;
};

static void *end_thread(void *arg)
{
	struct end_args *a = arg;
	aclmdlRI ri = NULL;
	(void)aclrtSetCurrentContext(a->ctx);
	a->rc = aclmdlRICaptureEnd(a->s, &ri);
	return NULL;
}

static void test_wrong_thread(void **state)
{
	(void)state;
	aclrtStream s;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclmdlRICaptureBegin(s, ACL_MODEL_RI_CAPTURE_MODE_GLOBAL), ACL_SUCCESS);
	struct end_args a = { NULL, s, 0 };
	assert_int_equal(aclrtGetCurrentContext(&a.ctx), ACL_SUCCESS);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, end_thread, &a), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(a.rc, ACL_ERROR_RT_STREAM_CAPTURE_WRONG_THREAD);
	aclmdlRI ri = NULL;
	assert_int_equal(aclmdlRICaptureEnd(s, &ri), ACL_SUCCESS);
	assert_int_equal(aclmdlRIDestroy(ri), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
}

/* EXTERNAL record / wait: refused outside a capture (107029), recorded in
 * one; the captured wait waits on the record made outside. */
static void test_event_external(void **state)
{
	(void)state;
	aclrtStream s, out;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&out), ACL_SUCCESS);
	aclrtEvent ev;
	assert_int_equal(aclrtCreateEventExWithFlag(&ev, ACL_EVENT_SYNC), ACL_SUCCESS);
	assert_int_equal(aclrtStreamWaitEventWithFlag(s, ev, 0, ACL_EVENT_WAIT_EXTERNAL),
	                 ACL_ERROR_RT_STREAM_NOT_CAPTURED);
	uint64_t *w = NULL;
	assert_int_equal(aclrtMalloc((void **)&w, 64, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
	assert_int_equal(aclrtMemset(w, 64, 0, 64), ACL_SUCCESS);
	aclmdlRI ri;
	assert_int_equal(aclmdlRICaptureBegin(s, ACL_MODEL_RI_CAPTURE_MODE_GLOBAL), ACL_SUCCESS);
	assert_int_equal(aclrtStreamWaitEventWithFlag(s, ev, 0, ACL_EVENT_WAIT_EXTERNAL),
	                 ACL_SUCCESS);
	assert_int_equal(aclrtValueWrite(w, 3, 0, s), ACL_SUCCESS);
	assert_int_equal(aclmdlRICaptureEnd(s, &ri), ACL_SUCCESS);
	/* outside: a gate kernel on `out` holds the event's record back */
	assert_int_equal(aclrtValueWait(w + 1, 1, ACL_STREAM_WAIT_VALUE_EQ, out), ACL_SUCCESS);
	assert_int_equal(aclrtRecordEvent(ev, out), ACL_SUCCESS);
	assert_int_equal(aclmdlRIExecuteAsync(ri, s), ACL_SUCCESS);
	usleep(20000);
	uint64_t got = 9;
	assert_int_equal(aclrtMemcpy(&got, 8, w, 8, ACL_MEMCPY_DEVICE_TO_HOST), ACL_SUCCESS);
	assert_int_equal(got, 0); /* still waiting on the outside record */
	assert_int_equal(aclrtValueWrite(w + 1, 1, 0, NULL), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtMemcpy(&got, 8, w, 8, ACL_MEMCPY_DEVICE_TO_HOST), ACL_SUCCESS);
	assert_int_equal(got, 3);
	assert_int_equal(aclrtSynchronizeStream(out), ACL_SUCCESS);
	assert_int_equal(aclmdlRIDestroy(ri), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyEvent(ev), ACL_SUCCESS);
	assert_int_equal(aclrtFree(w), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(out), ACL_SUCCESS);
}

/* model_ri/1's gate: a legacy event waited on (and reset) inside the
 * capture, never recorded before; each replay waits for a record made
 * outside after the replay was queued. */
static void test_legacy_gate(void **state)
{
	(void)state;
	aclrtStream s, other;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&other), ACL_SUCCESS);
	aclrtEvent ev;
	assert_int_equal(aclrtCreateEventWithFlag(&ev, ACL_EVENT_EXTERNAL), ACL_SUCCESS);
	/* outside a capture the never-recorded rule stands */
	assert_int_equal(aclrtStreamWaitEvent(s, ev), ACL_ERROR_RT_PARAM_INVALID);
	uint64_t *w = NULL;
	uint32_t *rounds = NULL;
	assert_int_equal(aclrtMalloc((void **)&w, 64, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
	assert_int_equal(aclrtMalloc((void **)&rounds, 64, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
	assert_int_equal(aclrtMemset(rounds, 64, 0, 64), ACL_SUCCESS);
	aclmdlRI ri;
	assert_int_equal(aclmdlRICaptureBegin(s, ACL_MODEL_RI_CAPTURE_MODE_RELAXED), ACL_SUCCESS);
	assert_int_equal(aclrtStreamWaitEvent(s, ev), ACL_SUCCESS);
	assert_int_equal(aclrtResetEvent(ev, s), ACL_SUCCESS);
	countdown_on(w, rounds, NULL, s);
	assert_int_equal(aclmdlRICaptureEnd(s, &ri), ACL_SUCCESS);
	for (uint32_t r = 1; r <= 2; r++) {
		assert_int_equal(aclmdlRIExecuteAsync(ri, s), ACL_SUCCESS);
		usleep(10000);
		uint32_t got = 0;
		assert_int_equal(aclrtMemcpy(&got, 4, rounds, 4, ACL_MEMCPY_DEVICE_TO_HOST),
		                 ACL_SUCCESS);
		assert_int_equal(got, r - 1); /* held by the wait */
		assert_int_equal(aclrtRecordEvent(ev, other), ACL_SUCCESS);
		assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
		assert_int_equal(aclrtMemcpy(&got, 4, rounds, 4, ACL_MEMCPY_DEVICE_TO_HOST),
		                 ACL_SUCCESS);
		assert_int_equal(got, r);
	}
	assert_int_equal(aclmdlRIDestroy(ri), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(other), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyEvent(ev), ACL_SUCCESS);
	assert_int_equal(aclrtFree(w), ACL_SUCCESS);
	assert_int_equal(aclrtFree(rounds), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(other), ACL_SUCCESS);
}

/* aclmdlRIDestroy with a replay held in flight: the replay still reads its
 * condition word after the destroy (the word lives until the RI's last
 * replay retires), even when the memory is asked for again meanwhile. */
static void test_destroy_cond_in_flight(void **state)
{
	(void)state;
	aclrtStream s, sub, other;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&sub), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&other), ACL_SUCCESS);
	aclrtEvent ev;
	assert_int_equal(aclrtCreateEventWithFlag(&ev, ACL_EVENT_EXTERNAL), ACL_SUCCESS);
	uint32_t *rounds = NULL;
	assert_int_equal(aclrtMalloc((void **)&rounds, 64, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
	assert_int_equal(aclrtMemset(rounds, 64, 0, 64), ACL_SUCCESS);
	aclmdlRI ri = NULL, body[1] = { NULL };
	assert_int_equal(aclmdlRICaptureBegin(s, ACL_MODEL_RI_CAPTURE_MODE_RELAXED), ACL_SUCCESS);
	assert_int_equal(aclrtStreamWaitEvent(s, ev), ACL_SUCCESS); /* the gate */
	assert_int_equal(aclrtResetEvent(ev, s), ACL_SUCCESS);
	aclmdlRICaptureStatus cs;
	assert_int_equal(aclmdlRICaptureGetInfo(s, &cs, &ri), ACL_SUCCESS);
	aclmdlRICondHandle h = NULL;
	assert_int_equal(aclmdlRICondHandleCreate(ri, 0, 0, &h), ACL_SUCCESS);
	uint64_t *word = NULL;
	assert_int_equal(aclmdlRICondHandleGetCondPtr(h, &word), ACL_SUCCESS);
	aclmdlRICondTaskParams p = { h, ACL_MODEL_RI_COND_TYPE_WHILE, 1, body };
	assert_int_equal(aclmdlRIAddCondTask(p, s, 0), ACL_SUCCESS);
	assert_int_equal(
	        aclmdlRICaptureToModelRIBegin(sub, body[0], ACL_MODEL_RI_CAPTURE_MODE_RELAXED),
	        ACL_SUCCESS);
	countdown_on(word, rounds, NULL, sub);
	assert_int_equal(aclmdlRICaptureEnd(sub, &body[0]), ACL_SUCCESS);
	assert_int_equal(aclmdlRICaptureEnd(s, &ri), ACL_SUCCESS);
	uint64_t three = 3;
	assert_int_equal(aclrtMemcpy(word, 8, &three, 8, ACL_MEMCPY_HOST_TO_DEVICE), ACL_SUCCESS);
	assert_int_equal(aclmdlRIExecuteAsync(ri, s), ACL_SUCCESS); /* held by the gate */
	assert_int_equal(aclmdlRIDestroy(ri), ACL_SUCCESS);
	assert_int_equal(aclmdlRICondHandleGetCondPtr(h, &word), ACL_ERROR_RT_INVALID_HANDLE);
	/* Memory asked for now must not be the word the replay will read. */
	void *again[8];
	for (int i = 0; i < 8; i++) {
		assert_int_equal(aclrtMalloc(&again[i], 64, ACL_MEM_MALLOC_HUGE_FIRST),
		                 ACL_SUCCESS);
		assert_ptr_not_equal(again[i], word);
		assert_int_equal(aclrtMemset(again[i], 64, 0, 64), ACL_SUCCESS);
	}
	assert_int_equal(aclrtRecordEvent(ev, other), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	uint32_t got = 0;
	assert_int_equal(aclrtMemcpy(&got, 4, rounds, 4, ACL_MEMCPY_DEVICE_TO_HOST), ACL_SUCCESS);
	assert_int_equal(got, 3); /* the WHILE read the word the host wrote */
	for (int i = 0; i < 8; i++)
		assert_int_equal(aclrtFree(again[i]), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(other), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyEvent(ev), ACL_SUCCESS);
	assert_int_equal(aclrtFree(rounds), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(sub), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(other), ACL_SUCCESS);
}

/* aclmdlRIExecute's time-out; aclmdlRIAbort of a held replay; the
 * parameters of an aclrtLaunchKernel task (what can change: numBlocks). */
static void test_execute_abort(void **state)
{
	(void)state;
	aclrtStream s, other;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&other), ACL_SUCCESS);
	uint64_t *g = NULL, *w = NULL;
	uint32_t *rounds = NULL;
	assert_int_equal(aclrtMalloc((void **)&g, 64, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
	assert_int_equal(aclrtMalloc((void **)&w, 64, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
	assert_int_equal(aclrtMalloc((void **)&rounds, 64, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
	assert_int_equal(aclrtMemset(g, 64, 0, 64), ACL_SUCCESS);
	assert_int_equal(aclrtMemset(w, 64, 0, 64), ACL_SUCCESS);
	assert_int_equal(aclrtMemset(rounds, 64, 0, 64), ACL_SUCCESS);
	aclmdlRI ri;
	assert_int_equal(aclmdlRICaptureBegin(s, ACL_MODEL_RI_CAPTURE_MODE_GLOBAL), ACL_SUCCESS);
	assert_int_equal(aclrtValueWait(g, 1, ACL_STREAM_WAIT_VALUE_EQ, s), ACL_SUCCESS);
	countdown_on(w, rounds, NULL, s);
	assert_int_equal(aclmdlRICaptureEnd(s, &ri), ACL_SUCCESS);

	/* the kernel task: the facade's view of an aclrtLaunchKernel launch */
	aclmdlRITask t[4];
	uint32_t n = 4;
	assert_int_equal(aclmdlRIGetTasksByStream(s, t, &n), ACL_SUCCESS);
	assert_int_equal(n, 2);
	aclmdlRITaskParams p;
	assert_int_equal(aclmdlRITaskGetParams(t[1], &p), ACL_SUCCESS);
	assert_int_equal(p.type, ACL_MODEL_RI_TASK_KERNEL);
	assert_ptr_equal(p.kernelTaskParams.funcHandle, fcount);
	assert_int_equal(p.kernelTaskParams.argsSize, sizeof(struct countdown_args));
	assert_int_equal(p.kernelTaskParams.numBlocks, 1);
	struct countdown_args seen;
	memcpy(&seen, p.kernelTaskParams.args, sizeof seen);
	assert_ptr_equal(seen.rounds, rounds);
	aclrtLaunchKernelAttrValue av;
	assert_int_equal(aclmdlRIKernelTaskGetAttribute(
	                         t[1], ACL_RT_LAUNCH_KERNEL_ATTR_BLOCKDIM_OFFSET, &av),
	                 ACL_SUCCESS);
	assert_int_equal(av.blockDimOffset, 0);
	aclmdlRITaskParams q = p;
	struct countdown_args other_args = seen;
	q.kernelTaskParams.args = &other_args;
	assert_int_equal(aclmdlRITaskSetParams(t[1], &q), ACL_ERROR_RT_FEATURE_NOT_SUPPORT);
	q = p;
	q.kernelTaskParams.numBlocks = 0;
	assert_int_equal(aclmdlRITaskSetParams(t[1], &q), ACL_ERROR_INVALID_PARAM);
	q.kernelTaskParams.numBlocks = 1;
	assert_int_equal(aclmdlRITaskSetParams(t[1], &q), ACL_SUCCESS);
	assert_int_equal(aclmdlRIUpdate(ri), ACL_SUCCESS);

	/* held by the gate: the synchronous execute times out */
	assert_int_equal(aclmdlRIExecute(ri, 30), ACL_ERROR_RT_STREAM_SYNC_TIMEOUT);
	/* open the gate: that replay finishes; the next one is held again */
	assert_int_equal(aclrtValueWrite(g, 1, 0, other), ACL_SUCCESS);
	assert_int_equal(aclmdlRIExecute(ri, -1), ACL_SUCCESS);
	uint32_t got = 0;
	assert_int_equal(aclrtMemcpy(&got, 4, rounds, 4, ACL_MEMCPY_DEVICE_TO_HOST), ACL_SUCCESS);
	assert_int_equal(got, 2);
	/* abort a held replay: its kernel never runs */
	assert_int_equal(aclrtMemset(g, 8, 0, 8), ACL_SUCCESS);
	assert_int_equal(aclmdlRIExecuteAsync(ri, s), ACL_SUCCESS);
	usleep(10000);
	assert_int_equal(aclmdlRIAbort(ri), ACL_SUCCESS);
	assert_int_equal(aclrtValueWrite(g, 1, 0, other), ACL_SUCCESS);
	(void)aclrtSynchronizeStream(s); /* the aborted replay's code, if any */
	assert_int_equal(aclrtMemcpy(&got, 4, rounds, 4, ACL_MEMCPY_DEVICE_TO_HOST), ACL_SUCCESS);
	assert_int_equal(got, 2);
	/* later replays run normally */
	assert_int_equal(aclmdlRIExecuteAsync(ri, s), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtMemcpy(&got, 4, rounds, 4, ACL_MEMCPY_DEVICE_TO_HOST), ACL_SUCCESS);
	assert_int_equal(got, 3);
	assert_int_equal(aclmdlRIDestroy(ri), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(other), ACL_SUCCESS);
	assert_int_equal(aclrtFree(g), ACL_SUCCESS);
	assert_int_equal(aclrtFree(w), ACL_SUCCESS);
	assert_int_equal(aclrtFree(rounds), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(other), ACL_SUCCESS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_capture_kinds),
		cmocka_unit_test(test_cross_stream),
		cmocka_unit_test(test_update),
		cmocka_unit_test(test_cond),
		cmocka_unit_test(test_build_labels),
		cmocka_unit_test(test_illegal),
		cmocka_unit_test(test_wrong_thread),
		cmocka_unit_test(test_event_external),
		cmocka_unit_test(test_legacy_gate),
		cmocka_unit_test(test_execute_abort),
		cmocka_unit_test(test_destroy_cond_in_flight),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
