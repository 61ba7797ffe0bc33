/*
 * test_acl_tail.c - the last ACL runtime calls of issue 10: count notifies
 * (aclrtCntNotify*), aclrtNotifyBatchReset, the older overflow names and
 * the overflow word, aclAppLog, aclsysGetCANNVersion and
 * aclrtGetStreamAvailableNum, each with its bad-input rows (NULL, destroyed
 * handle, wrong device, out-of-range enum).
 */
#include "common/oracle.h"

#include "acl/acl.h"
#include "weir/sched.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int setup(void **state)
{
	(void)state;
	setenv("WEIR_NO_PIN", "1", 0);
	setenv("WEIR_DEVICES", "2", 0);
	setenv("WEIR_WORKERS", "1", 0);
	setenv("WEIR_RING_CAPACITY", "16", 0); /* small streams: the limit test makes 2048 */
	if (aclInit(NULL) != ACL_SUCCESS)
		return -1;
	return aclrtSetDevice(0) == ACL_SUCCESS ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	aclrtSetOpWaitTimeout(0);
	return aclFinalize() == ACL_SUCCESS ? 0 : -1;
}

#define ROWS_CHECK(rows)                                                 \
	for (size_t i_ = 0; i_ < sizeof(rows) / sizeof((rows)[0]); i_++) \
		if ((rows)[i_].got != (rows)[i_].want)                   \
	fail_msg("row %zu: got %d, want %d", i_, (rows)[i_].got, (rows)[i_].want)

/* The count behind a count notify (white box: the handle is weir's). */
static uint64_t count_of(aclrtCntNotify c)
{
	uint64_t v = 0;
	assert_int_equal(weir_notify_pending((weir_notify_t *)c, &v), WEIR_OK);
	return v;
}

static void test_cnt_rows(void **state)
{
	(void)state;
	aclrtCntNotify c = NULL, dead = NULL;
	aclrtNotify plain = NULL;
	aclrtStream s = NULL, s1 = NULL;
	uint32_t id = 0;
	aclrtCntNotifyRecordInfo rec = { ACL_RT_CNT_NOTIFY_RECORD_ADD_MODE, 1 };
	aclrtCntNotifyRecordInfo rec3 = { (aclrtCntNotifyRecordMode)3, 1 };
	aclrtCntNotifyRecordInfo rec5 = { (aclrtCntNotifyRecordMode)5, 1 };
	aclrtCntNotifyWaitInfo w5 = { (aclrtCntNotifyWaitMode)5, 1, 1, 0, { 0 } };
	aclrtCntNotifyWaitInfo wneg = { (aclrtCntNotifyWaitMode)-1, 1, 1, 0, { 0 } };
	aclrtCntNotifyWaitInfo w = { ACL_RT_CNT_NOTIFY_WAIT_EQUAL_MODE, 0, 1, 0, { 0 } };
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtCntNotifyCreate(&dead, 0), ACL_SUCCESS);
	assert_int_equal(aclrtCntNotifyDestroy(dead), ACL_SUCCESS);
	assert_int_equal(aclrtCntNotifyCreate(&c, ACL_NOTIFY_DEVICE_USE_ONLY), ACL_SUCCESS);
	assert_int_equal(aclrtCreateNotify(&plain, 0), ACL_SUCCESS);
	aclrtCntNotify garbage = (aclrtCntNotify)(uintptr_t)0x99;
	struct {
		aclError got, want;
	} rows[] = {
		{ aclrtCntNotifyCreate(NULL, 0), ACL_ERROR_INVALID_PARAM },
		{ aclrtCntNotifyCreate(&dead, 2), ACL_ERROR_RT_PARAM_INVALID },
		{ aclrtCntNotifyDestroy(NULL), ACL_ERROR_INVALID_PARAM },
		{ aclrtCntNotifyDestroy(dead), ACL_ERROR_RT_INVALID_HANDLE },
		{ aclrtCntNotifyDestroy(garbage), ACL_ERROR_RT_INVALID_HANDLE },
		{ aclrtCntNotifyDestroy(plain), ACL_ERROR_RT_INVALID_HANDLE },
		{ aclrtCntNotifyRecord(NULL, s, &rec), ACL_ERROR_INVALID_PARAM },
		{ aclrtCntNotifyRecord(dead, s, &rec), ACL_ERROR_RT_INVALID_HANDLE },
		{ aclrtCntNotifyRecord(plain, s, &rec), ACL_ERROR_RT_INVALID_HANDLE },
		{ aclrtCntNotifyRecord(c, s, NULL), ACL_ERROR_INVALID_PARAM },
		{ aclrtCntNotifyRecord(c, s, &rec3), ACL_ERROR_RT_PARAM_INVALID },
		{ aclrtCntNotifyRecord(c, s, &rec5), ACL_ERROR_RT_PARAM_INVALID },
		{ aclrtCntNotifyRecord(c, (aclrtStream)(uintptr_t)0x55, &rec),
		  ACL_ERROR_RT_INVALID_HANDLE },
		{ aclrtCntNotifyWaitWithTimeout(NULL, s, &w), ACL_ERROR_INVALID_PARAM },
		{ aclrtCntNotifyWaitWithTimeout(dead, s, &w), ACL_ERROR_RT_INVALID_HANDLE },
		{ aclrtCntNotifyWaitWithTimeout(c, s, NULL), ACL_ERROR_INVALID_PARAM },
		{ aclrtCntNotifyWaitWithTimeout(c, s, &w5), ACL_ERROR_RT_PARAM_INVALID },
		{ aclrtCntNotifyWaitWithTimeout(c, s, &wneg), ACL_ERROR_RT_PARAM_INVALID },
		{ aclrtCntNotifyReset(NULL, s), ACL_ERROR_INVALID_PARAM },
		{ aclrtCntNotifyReset(dead, s), ACL_ERROR_RT_INVALID_HANDLE },
		{ aclrtCntNotifyGetId(c, NULL), ACL_ERROR_INVALID_PARAM },
		{ aclrtCntNotifyGetId(NULL, &id), ACL_ERROR_INVALID_PARAM },
		{ aclrtCntNotifyGetId(dead, &id), ACL_ERROR_RT_INVALID_HANDLE },
		/* an aclrtNotify call refuses a count notify */
		{ aclrtRecordNotify(c, s), ACL_ERROR_RT_INVALID_HANDLE },
		{ aclrtWaitAndResetNotify(c, s, 1), ACL_ERROR_RT_INVALID_HANDLE },
		{ aclrtDestroyNotify(c), ACL_ERROR_RT_INVALID_HANDLE },
		{ aclrtGetNotifyId(c, &id), ACL_ERROR_RT_INVALID_HANDLE },
	};
	ROWS_CHECK(rows);
	assert_int_equal(aclrtGetLastError(ACL_RT_THREAD_LEVEL), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtCntNotifyGetId(c, &id), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	assert_int_equal(count_of(c), 0); /* nothing refused was queued */
	/* wrong device: records only on the notify's device; waits anywhere */
	aclrtContext c1;
	assert_int_equal(aclrtCreateContext(&c1, 1), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&s1), ACL_SUCCESS);
	assert_int_equal(aclrtCntNotifyRecord(c, s1, &rec), ACL_ERROR_RT_STREAM_CONTEXT);
	assert_int_equal(aclrtCntNotifyReset(c, s1), ACL_ERROR_RT_STREAM_CONTEXT);
	aclrtCntNotifyWaitInfo w1 = { ACL_RT_CNT_NOTIFY_WAIT_BIGGER_OR_EQUAL_MODE, 1, 0, 0, { 0 } };
	assert_int_equal(aclrtCntNotifyWaitWithTimeout(c, s1, &w1), ACL_SUCCESS);
	assert_int_equal(aclrtSetDevice(0), ACL_SUCCESS);
	assert_int_equal(aclrtCntNotifyRecord(c, s, &rec), ACL_SUCCESS);
	assert_int_equal(aclrtSetCurrentContext(c1), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s1), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s1), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyContext(c1), ACL_SUCCESS);
	assert_int_equal(aclrtSetDevice(0), ACL_SUCCESS);
	assert_int_equal(aclrtCntNotifyDestroy(c), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyNotify(plain), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
}

/* Every record mode and wait mode, isClear, one record releasing two
 * waits, reset, a time-out (107020) and a destroy under a wait (107017). */
static void test_cnt_modes(void **state)
{
	(void)state;
	aclrtCntNotify c;
	aclrtStream s, a, b;
	assert_int_equal(aclrtCntNotifyCreate(&c, 0), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&a), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&b), ACL_SUCCESS);
	static const struct {
		aclrtCntNotifyRecordMode mode;
		uint32_t value;
		uint64_t want;
	} recs[] = {
		{ ACL_RT_CNT_NOTIFY_RECORD_SET_VALUE_MODE, 6, 6 },
		{ ACL_RT_CNT_NOTIFY_RECORD_ADD_MODE, 4, 10 },
		{ ACL_RT_CNT_NOTIFY_RECORD_BIT_OR_MODE, 0x23, 0x2B },
		{ ACL_RT_CNT_NOTIFY_RECORD_BIT_AND_MODE, 0x0F, 0x0B },
	};
	for (size_t i = 0; i < sizeof recs / sizeof recs[0]; i++) {
		aclrtCntNotifyRecordInfo r = { recs[i].mode, recs[i].value };
		assert_int_equal(aclrtCntNotifyRecord(c, s, &r), ACL_SUCCESS);
		assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
		if (count_of(c) != recs[i].want)
			fail_msg("record row %zu: count %llu, want %llu", i,
			         (unsigned long long)count_of(c), (unsigned long long)recs[i].want);
	}
	/* 0x0B = 0b1011: each wait mode met (a time-out would fail the sync) */
	static const struct {
		aclrtCntNotifyWaitMode mode;
		uint32_t value;
	} met[] = {
		{ ACL_RT_CNT_NOTIFY_WAIT_LESS_MODE, 12 },
		{ ACL_RT_CNT_NOTIFY_WAIT_EQUAL_MODE, 11 },
		{ ACL_RT_CNT_NOTIFY_WAIT_BIGGER_MODE, 10 },
		{ ACL_RT_CNT_NOTIFY_WAIT_BIGGER_OR_EQUAL_MODE, 11 },
		{ ACL_RT_CNT_NOTIFY_WAIT_EQUAL_WITH_BITMASK_MODE, 0x3 },
	};
	for (size_t i = 0; i < sizeof met / sizeof met[0]; i++) {
		aclrtCntNotifyWaitInfo wi = { met[i].mode, met[i].value, 1, 0, { 0 } };
		assert_int_equal(aclrtCntNotifyWaitWithTimeout(c, a, &wi), ACL_SUCCESS);
		if (aclrtSynchronizeStream(a) != ACL_SUCCESS)
			fail_msg("wait row %zu was not met", i);
	}
	assert_int_equal(count_of(c), 0x0B);
	/* not met within 1 s: 107020 at the synchronize; the stream goes on */
	aclrtCntNotifyWaitInfo never = {
		ACL_RT_CNT_NOTIFY_WAIT_EQUAL_WITH_BITMASK_MODE, 0x4, 1, 0, { 0 }
	};
	assert_int_equal(aclrtCntNotifyWaitWithTimeout(c, a, &never), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(a), ACL_ERROR_RT_TASK_TIMEOUT);
	/* isClear: the count is 0 once the wait is met */
	aclrtCntNotifyWaitInfo clr = { ACL_RT_CNT_NOTIFY_WAIT_BIGGER_MODE, 0, 0, 1, { 0 } };
	assert_int_equal(aclrtCntNotifyWaitWithTimeout(c, a, &clr), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(a), ACL_SUCCESS);
	assert_int_equal(count_of(c), 0);
	/* one record releases two waits */
	aclrtCntNotifyWaitInfo ge2 = {
		ACL_RT_CNT_NOTIFY_WAIT_BIGGER_OR_EQUAL_MODE, 2, 0, 0, { 0 }
	};
	assert_int_equal(aclrtCntNotifyWaitWithTimeout(c, a, &ge2), ACL_SUCCESS);
	assert_int_equal(aclrtCntNotifyWaitWithTimeout(c, b, &ge2), ACL_SUCCESS);
	aclrtCntNotifyRecordInfo add2 = { ACL_RT_CNT_NOTIFY_RECORD_ADD_MODE, 2 };
	assert_int_equal(aclrtCntNotifyRecord(c, s, &add2), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(a), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(b), ACL_SUCCESS);
	/* reset: a SET of 0 in stream order */
	assert_int_equal(aclrtCntNotifyReset(c, s), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	assert_int_equal(count_of(c), 0);
	/* destroyed under a wait nothing can meet: 107017 at the synchronize */
	assert_int_equal(aclrtCntNotifyWaitWithTimeout(c, b, &ge2), ACL_SUCCESS);
	assert_int_equal(aclrtCntNotifyDestroy(c), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(b), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(a), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(b), ACL_SUCCESS);
}

static void test_batch_reset(void **state)
{
	(void)state;
	aclrtNotify n[3], dead;
	aclrtCntNotify c;
	aclrtStream s;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(aclrtCreateNotify(&n[i], 0), ACL_SUCCESS);
		assert_int_equal(aclrtRecordNotify(n[i], s), ACL_SUCCESS);
		assert_int_equal(aclrtRecordNotify(n[i], s), ACL_SUCCESS);
	}
	assert_int_equal(aclrtCreateNotify(&dead, 0), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyNotify(dead), ACL_SUCCESS);
	assert_int_equal(aclrtCntNotifyCreate(&c, 0), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	aclrtNotify with_dead[2] = { n[0], dead };
	aclrtNotify with_cnt[2] = { n[0], c };
	aclrtNotify with_null[2] = { n[0], NULL };
	struct {
		aclError got, want;
	} rows[] = {
		{ aclrtNotifyBatchReset(NULL, 1), ACL_ERROR_INVALID_PARAM },
		{ aclrtNotifyBatchReset(n, 0), ACL_ERROR_RT_PARAM_INVALID },
		{ aclrtNotifyBatchReset(with_dead, 2), ACL_ERROR_RT_INVALID_HANDLE },
		{ aclrtNotifyBatchReset(with_cnt, 2), ACL_ERROR_RT_INVALID_HANDLE },
		{ aclrtNotifyBatchReset(with_null, 2), ACL_ERROR_INVALID_PARAM },
	};
	ROWS_CHECK(rows);
	/* a refused batch reset none */
	assert_int_equal(count_of(n[0]), 2);
	assert_int_equal(aclrtNotifyBatchReset(n, 2), ACL_SUCCESS);
	assert_int_equal(count_of(n[0]), 0);
	assert_int_equal(count_of(n[1]), 0);
	assert_int_equal(count_of(n[2]), 2);
	/* the reset notify is usable: a record, then a wait */
	assert_int_equal(aclrtRecordNotify(n[0], s), ACL_SUCCESS);
	assert_int_equal(aclrtWaitAndResetNotify(n[0], s, 1), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	for (int i = 0; i < 3; i++)
		assert_int_equal(aclrtDestroyNotify(n[i]), ACL_SUCCESS);
	assert_int_equal(aclrtCntNotifyDestroy(c), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
}

/* A device kernel: report an overflow by writing the overflow word. */
static void test_overflow_old_names(void **state)
{
	(void)state;
	aclrtStream s;
	void *out = NULL, *word = NULL, *word2 = NULL;
	uint8_t host[64];
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtMalloc(&out, 64, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
	struct {
		aclError got, want;
	} rows[] = {
		{ aclrtNpuGetFloatOverFlowStatus(NULL, 64, 0, s), ACL_ERROR_INVALID_PARAM },
		{ aclrtNpuGetFloatOverFlowStatus(out, 32, 0, s), ACL_ERROR_RT_PARAM_INVALID },
		{ aclrtNpuGetFloatOverFlowStatus(out, 64, 2, s), ACL_ERROR_RT_PARAM_INVALID },
		{ aclrtNpuGetFloatOverFlowStatus(host, 64, 0, s), ACL_ERROR_RT_PARAM_INVALID },
		{ aclrtNpuGetFloatOverFlowStatus(out, 64, 0, (aclrtStream)(uintptr_t)0x55),
		  ACL_ERROR_RT_INVALID_HANDLE },
		{ aclrtNpuClearFloatOverFlowStatus(2, s), ACL_ERROR_RT_PARAM_INVALID },
		{ aclrtNpuClearFloatOverFlowStatus(0, (aclrtStream)(uintptr_t)0x55),
		  ACL_ERROR_RT_INVALID_HANDLE },
		{ aclrtCtxGetFloatOverflowAddr(NULL), ACL_ERROR_INVALID_PARAM },
	};
	ROWS_CHECK(rows);
	assert_int_equal(aclrtCtxGetFloatOverflowAddr(&word), ACL_SUCCESS);
	assert_non_null(word);
	assert_int_equal(aclrtCtxGetFloatOverflowAddr(&word2), ACL_SUCCESS);
	assert_ptr_equal(word, word2);
	/* clean: status 0 in both check modes */
	assert_int_equal(aclrtNpuClearFloatOverFlowStatus(0, s), ACL_SUCCESS);
	for (uint32_t mode = 0; mode < 2; mode++) {
		assert_int_equal(aclrtMemset(out, 64, 0xFF, 64), ACL_SUCCESS);
		assert_int_equal(aclrtNpuGetFloatOverFlowStatus(out, 64, mode, s), ACL_SUCCESS);
		assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
		assert_int_equal(aclrtMemcpy(host, 64, out, 64, ACL_MEMCPY_DEVICE_TO_HOST),
		                 ACL_SUCCESS);
		for (int i = 0; i < 64; i++)
			assert_int_equal(host[i], 0);
	}
	/* a write to the word (as a kernel's workspace) is an overflow */
	assert_int_equal(aclrtMemset((uint8_t *)word + 300, 1, 1, 1), ACL_SUCCESS);
	assert_int_equal(aclrtNpuGetFloatOverFlowStatus(out, 64, 1, s), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtMemcpy(host, 64, out, 64, ACL_MEMCPY_DEVICE_TO_HOST), ACL_SUCCESS);
	assert_int_equal(host[0], 1);
	/* the newer name sees it too; the clear zeroes the word */
	assert_int_equal(aclrtGetFloatOverflowStatus(out, 64, s), ACL_SUCCESS);
	assert_int_equal(aclrtNpuClearFloatOverFlowStatus(1, s), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	uint8_t wcopy[512];
	assert_int_equal(aclrtMemcpy(wcopy, 512, word, 512, ACL_MEMCPY_DEVICE_TO_HOST),
	                 ACL_SUCCESS);
	for (int i = 0; i < 512; i++)
		assert_int_equal(wcopy[i], 0);
	assert_int_equal(aclrtNpuGetFloatOverFlowStatus(out, 64, 0, s), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtMemcpy(host, 64, out, 64, ACL_MEMCPY_DEVICE_TO_HOST), ACL_SUCCESS);
	assert_int_equal(host[0], 0);
	/* another device has its own word */
	assert_int_equal(aclrtSetDevice(1), ACL_SUCCESS);
	assert_int_equal(aclrtCtxGetFloatOverflowAddr(&word2), ACL_SUCCESS);
	assert_ptr_not_equal(word, word2);
	assert_int_equal(aclrtSetDevice(0), ACL_SUCCESS);
	assert_int_equal(aclrtFree(out), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
}

/* Run aclAppLog with stderr captured; return what it wrote. */
static char logbuf[4096];

static const char *capture_log(aclLogLevel lv, const char *func, const char *file, const char *fmt,
                               const char *arg)
{
	fflush(stderr);
	int saved = dup(STDERR_FILENO);
	FILE *tmp = tmpfile();
	assert_non_null(tmp);
	dup2(fileno(tmp), STDERR_FILENO);
	aclAppLog(lv, func, file, 42, fmt, arg);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(tmp);
	size_t n = fread(logbuf, 1, sizeof logbuf - 1, tmp);
	logbuf[n] = '\0';
	fclose(tmp);
	return logbuf;
}

static void test_applog(void **state)
{
	(void)state;
	unsetenv("ASCEND_SLOG_PRINT_TO_STDOUT");
	unsetenv("ASCEND_GLOBAL_LOG_LEVEL"); /* ACL's default: errors only */
	assert_string_equal(capture_log(ACL_WARNING, "fn", "f.c", "w %s", "x"), "");
	const char *l = capture_log(ACL_ERROR, "fn", "f.c", "value %s", "seven");
	assert_non_null(strstr(l, "[ERROR] APP("));
	assert_non_null(strstr(l, " fn:f.c:42: \"value seven\"\n"));
	setenv("ASCEND_GLOBAL_LOG_LEVEL", "0", 1);
	assert_non_null(strstr(capture_log(ACL_DEBUG, "fn", "f.c", "%s", "d"), "[DEBUG]"));
	assert_non_null(strstr(capture_log(ACL_INFO, "fn", "f.c", "%s", "i"), "[INFO]"));
	setenv("ASCEND_GLOBAL_LOG_LEVEL", "2", 1);
	assert_string_equal(capture_log(ACL_INFO, "fn", "f.c", "%s", "i"), "");
	assert_non_null(strstr(capture_log(ACL_WARNING, "fn", "f.c", "%s", "w"), "[WARNING]"));
	setenv("ASCEND_GLOBAL_LOG_LEVEL", "4", 1); /* none */
	assert_string_equal(capture_log(ACL_ERROR, "fn", "f.c", "%s", "e"), "");
	setenv("ASCEND_GLOBAL_LOG_LEVEL", "0", 1);
	/* NULL arguments and a level out of range write nothing */
	assert_string_equal(capture_log(ACL_ERROR, NULL, "f.c", "%s", "e"), "");
	assert_string_equal(capture_log(ACL_ERROR, "fn", NULL, "%s", "e"), "");
	assert_string_equal(capture_log(ACL_ERROR, "fn", "f.c", NULL, "e"), "");
	assert_string_equal(capture_log((aclLogLevel)4, "fn", "f.c", "%s", "e"), "");
	assert_string_equal(capture_log((aclLogLevel)-1, "fn", "f.c", "%s", "e"), "");
	/* a long line is cut at 1024 bytes with a mark */
	static char big[3000];
	memset(big, 'z', sizeof big - 1);
	l = capture_log(ACL_ERROR, "fn", "f.c", "%s", big);
	size_t len = strlen(l);
	assert_true(len < 1024 + 32);
	assert_non_null(strstr(l, "zzz...[truncated]\n"));
	unsetenv("ASCEND_GLOBAL_LOG_LEVEL");
}

static void test_cann_version(void **state)
{
	(void)state;
	aclCANNPackageVersion v;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	assert_int_equal(aclsysGetCANNVersion(ACL_PKG_NAME_CANN, NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclsysGetCANNVersion((aclCANNPackageName)8, &v), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclsysGetCANNVersion((aclCANNPackageName)-1, &v), ACL_ERROR_INVALID_PARAM);
	for (int p = ACL_PKG_NAME_CANN; p <= ACL_PKG_NAME_DRIVER; p++) {
		memset(&v, 0x7F, sizeof v);
		assert_int_equal(aclsysGetCANNVersion((aclCANNPackageName)p, &v), ACL_SUCCESS);
		char want[ACL_PKG_VERSION_MAX_SIZE], str[ACL_PKG_VERSION_MAX_SIZE];
		snprintf(want, sizeof want, "%d.%d.%d", ACL_MAJOR_VERSION, ACL_MINOR_VERSION,
		         ACL_PATCH_VERSION);
		assert_string_equal(v.version, want);
		assert_int_equal(aclsysGetVersionStr((char *)"runtime", str), ACL_SUCCESS);
		assert_string_equal(v.version, str);
		assert_int_equal(atoi(v.majorVersion), ACL_MAJOR_VERSION);
		assert_int_equal(atoi(v.minorVersion), ACL_MINOR_VERSION);
		assert_int_equal(atoi(v.patchVersion), ACL_PATCH_VERSION);
		assert_string_equal(v.releaseVersion, "");
		assert_string_equal(v.reserved, "");
	}
#pragma GCC diagnostic pop
}

static void test_stream_available(void **state)
{
	(void)state;
	uint32_t n0 = 0, n = 0;
	assert_int_equal(aclrtGetStreamAvailableNum(NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtGetStreamAvailableNum(&n0), ACL_SUCCESS);
	assert_true(n0 > 0 && n0 < 2048); /* the default stream is one */
	aclrtStream s;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtGetStreamAvailableNum(&n), ACL_SUCCESS);
	assert_int_equal(n, n0 - 1);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtGetStreamAvailableNum(&n), ACL_SUCCESS);
	assert_int_equal(n, n0);
	/* every available stream can be made, then 207008 */
	aclrtStream *all = calloc(n0, sizeof(*all));
	assert_non_null(all);
	for (uint32_t i = 0; i < n0; i++)
		if (aclrtCreateStream(&all[i]) != ACL_SUCCESS)
			fail_msg("stream %u of %u failed", i, n0);
	assert_int_equal(aclrtGetStreamAvailableNum(&n), ACL_SUCCESS);
	assert_int_equal(n, 0);
	assert_int_equal(aclrtCreateStream(&s), ACL_ERROR_RT_NO_STREAM_RESOURCE);
	assert_int_equal(aclrtCreateStreamWithConfig(&s, 0, 0), ACL_ERROR_RT_NO_STREAM_RESOURCE);
	/* device 1 is not affected */
	assert_int_equal(aclrtSetDevice(1), ACL_SUCCESS);
	assert_int_equal(aclrtGetStreamAvailableNum(&n), ACL_SUCCESS);
	assert_true(n > 0);
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtSetDevice(0), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(all[0]), ACL_SUCCESS);
	assert_int_equal(aclrtGetStreamAvailableNum(&n), ACL_SUCCESS);
	assert_int_equal(n, 1);
	assert_int_equal(aclrtCreateStream(&all[0]), ACL_SUCCESS);
	for (uint32_t i = 0; i < n0; i++)
		assert_int_equal(aclrtDestroyStream(all[i]), ACL_SUCCESS);
	free(all);
	assert_int_equal(aclrtGetStreamAvailableNum(&n), ACL_SUCCESS);
	assert_int_equal(n, n0);
}

static void test_before_init(void **state)
{
	(void)state;
	uint32_t n;
	void *p;
	aclrtCntNotify c;
	assert_int_equal(aclrtGetStreamAvailableNum(&n), ACL_ERROR_UNINITIALIZE);
	assert_int_equal(aclrtCtxGetFloatOverflowAddr(&p), ACL_ERROR_UNINITIALIZE);
	assert_int_equal(aclrtCntNotifyCreate(&c, 0), ACL_ERROR_UNINITIALIZE);
	assert_int_equal(aclrtCntNotifyDestroy((aclrtCntNotify)(uintptr_t)0x99),
	                 ACL_ERROR_UNINITIALIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_before_init),
		cmocka_unit_test_setup_teardown(test_cnt_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cnt_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overflow_old_names, setup, teardown),
		cmocka_unit_test(test_applog),
		cmocka_unit_test(test_cann_version),
		cmocka_unit_test_setup_teardown(test_stream_available, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
