/*
 * test_acl_init.c - aclInit / aclFinalize / aclFinalizeReference, the JSON
 * configuration file, version queries, calls before init, and the per-thread
 * error state (aclrtGetLastError, aclrtPeekAtLastError, aclGetRecentErrMsg).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acl/acl.h"

static char g_dir[64];

static const char *write_json(const char *name, const char *text)
{
	static char path[128];
	snprintf(path, sizeof path, "%s/%s", g_dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* Runs first: ACL's "finalized" flag starts false, so a finalize without
 * init succeeds once and then reports a repeat. */
static void test_finalize_without_init(void **state)
{
	(void)state;
	assert_int_equal(aclFinalize(), ACL_SUCCESS);
	assert_int_equal(aclFinalize(), ACL_ERROR_REPEAT_FINALIZE);
	uint64_t n = 99;
	assert_int_equal(aclFinalizeReference(&n), ACL_ERROR_REPEAT_FINALIZE);
	assert_int_equal(n, 0);
}

static void test_calls_before_init(void **state)
{
	(void)state;
	aclrtStream s;
	uint32_t count;
	assert_int_equal(aclrtSetDevice(0), ACL_ERROR_UNINITIALIZE);
	assert_int_equal(aclrtCreateStream(&s), ACL_ERROR_UNINITIALIZE);
	assert_int_equal(aclrtGetDeviceCount(&count), ACL_ERROR_UNINITIALIZE);
	assert_int_equal(aclrtSynchronizeStream(NULL), ACL_ERROR_UNINITIALIZE);
	const char *m = aclGetRecentErrMsg();
	assert_non_null(m);
	assert_non_null(strstr(m, "aclrtSynchronizeStream"));
	assert_non_null(strstr(m, "aclInit"));
}

static void test_init_repeat_and_finalize(void **state)
{
	(void)state;
	uint32_t count = 0;
	assert_int_equal(aclInit(NULL), ACL_SUCCESS);
	assert_int_equal(aclInit(""), ACL_ERROR_REPEAT_INITIALIZE);
	assert_int_equal(aclrtGetDeviceCount(&count), ACL_SUCCESS);
	assert_true(count >= 1);
	assert_int_equal(aclFinalize(), ACL_SUCCESS);
	assert_int_equal(aclFinalize(), ACL_ERROR_REPEAT_FINALIZE);
	assert_int_equal(aclrtGetDeviceCount(&count), ACL_ERROR_UNINITIALIZE);
}

static void test_finalize_reference(void **state)
{
	(void)state;
	uint64_t n = 0;
	assert_int_equal(aclInit(NULL), ACL_SUCCESS);
	assert_int_equal(aclInit(NULL), ACL_ERROR_REPEAT_INITIALIZE);
	assert_int_equal(aclInit(NULL), ACL_ERROR_REPEAT_INITIALIZE);
	assert_int_equal(aclFinalizeReference(&n), ACL_SUCCESS);
	assert_int_equal(n, 2);
	assert_int_equal(aclrtSetDevice(0), ACL_SUCCESS); /* still initialized */
	assert_int_equal(aclFinalizeReference(NULL), ACL_SUCCESS);
	assert_int_equal(aclFinalizeReference(&n), ACL_SUCCESS);
	assert_int_equal(n, 0);
	assert_int_equal(aclrtSetDevice(0), ACL_ERROR_UNINITIALIZE);
	assert_int_equal(aclFinalizeReference(&n), ACL_ERROR_REPEAT_FINALIZE);
	assert_int_equal(aclFinalize(), ACL_ERROR_REPEAT_FINALIZE);
}

static void test_config_errors(void **state)
{
	(void)state;
	char missing[128];
	snprintf(missing, sizeof missing, "%s/does-not-exist.json", g_dir);
	assert_int_equal(aclInit(missing), ACL_ERROR_INVALID_FILE);
	assert_int_equal(aclInit(write_json("bad1.json", "{\"weir\": {\"devices\": 2,}}")),
	                 ACL_ERROR_PARSE_FILE);
	assert_int_equal(aclInit(write_json("bad2.json", "[1, 2]")), ACL_ERROR_PARSE_FILE);
	assert_int_equal(aclInit(write_json("bad3.json", "{\"a\": tru}")), ACL_ERROR_PARSE_FILE);
	assert_int_equal(aclInit(write_json("bad4.json", "{} x")), ACL_ERROR_PARSE_FILE);
	assert_int_equal(aclInit(write_json("bad5.json", "{\"weir\": {\"devices\": -3}}")),
	                 ACL_ERROR_PARSE_FILE);
	assert_int_equal(aclInit(write_json("bad6.json", "")), ACL_ERROR_PARSE_FILE);
	/* \u escapes become UTF-8 (a pair is one code point, a lone surrogate
	 * U+FFFD); the message names the key and the value */
	assert_int_equal(aclInit(write_json("bad7.json",
		"{\"w\\u0065ir\": {\"devices\": \"3\\u00e9\\u20ac\\ud83d\\ude00\\udc00x\"}}")),
		ACL_ERROR_PARSE_FILE);
	const char *m7 = aclGetRecentErrMsg();
	assert_non_null(m7);
	assert_non_null(strstr(m7, "weir.devices: \"3\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xef\xbf\xbdx\""));
	/* nothing was initialized by the failures */
	uint32_t count;
	assert_int_equal(aclrtGetDeviceCount(&count), ACL_ERROR_UNINITIALIZE);
	const char *m = aclGetRecentErrMsg();
	assert_non_null(m);
	assert_non_null(strstr(m, "aclInit"));
}

static void test_config_applied(void **state)
{
	(void)state;
	const char *p = write_json("good.json",
		"{ \"dump\": {\"dump_list\": [ {\"model_name\": \"x\"} ]},\n"
		"  \"weir\": {\"devices\": 3, \"workers_per_device\": 1, \"ring_capacity\": 256,\n"
		"             \"spin_ns\": \"1000\", \"mem_capacity\": 16777216},\n"
		"  \"unknown\": [true, false, null, 1.5e3, \"\\u0041\"] }");
	uint32_t count = 0;
	assert_int_equal(aclInit(p), ACL_SUCCESS);
	assert_int_equal(aclrtGetDeviceCount(&count), ACL_SUCCESS);
	assert_int_equal(count, 3);
	assert_int_equal(aclrtSetDevice(3), ACL_ERROR_RT_INVALID_DEVICEID);
	assert_int_equal(aclrtSetDevice(2), ACL_SUCCESS);
	assert_int_equal(aclrtResetDevice(2), ACL_SUCCESS);
	assert_int_equal(aclFinalize(), ACL_SUCCESS);
}

static void *default_device_thread(void *arg)
{
	int32_t *dev = arg;
	if (aclrtGetDevice(dev) != ACL_SUCCESS)
		*dev = -100;
	aclrtStream s;
	if (aclrtCreateStream(&s) != ACL_SUCCESS || aclrtDestroyStream(s) != ACL_SUCCESS)
		*dev = -200;
	return NULL;
}

static void test_config_default_device(void **state)
{
	(void)state;
	const char *p = write_json("defdev.json",
		"{\"weir\": {\"devices\": 2, \"workers_per_device\": 1},"
		" \"defaultDevice\": {\"default_device\": \"1\"}}");
	assert_int_equal(aclInit(p), ACL_SUCCESS);
	int32_t dev = -1;
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, default_device_thread, &dev), 0);
	pthread_join(t, NULL);
	assert_int_equal(dev, 1);
	/* an explicit aclrtSetDevice takes priority */
	assert_int_equal(aclrtSetDevice(0), ACL_SUCCESS);
	assert_int_equal(aclrtGetDevice(&dev), ACL_SUCCESS);
	assert_int_equal(dev, 0);
	assert_int_equal(aclFinalize(), ACL_SUCCESS);
}

static void *failing_thread(void *arg)
{
	(void)arg;
	(void)aclrtSetDevice(-1);
	return NULL;
}

static void test_err_msg_process_mode(void **state)
{
	(void)state;
	const char *p = write_json("msgmode.json",
		"{\"err_msg_mode\": \"1\", \"weir\": {\"devices\": 1, \"workers_per_device\": 1}}");
	assert_int_equal(aclInit(p), ACL_SUCCESS);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, failing_thread, NULL), 0);
	pthread_join(t, NULL);
	const char *m = aclGetRecentErrMsg();
	assert_non_null(m);
	assert_non_null(strstr(m, "aclrtSetDevice"));
	assert_null(aclGetRecentErrMsg());
	assert_int_equal(aclFinalize(), ACL_SUCCESS);
}

static void test_last_error_and_messages(void **state)
{
	(void)state;
	assert_int_equal(aclInit(NULL), ACL_SUCCESS);
	(void)aclGetRecentErrMsg();
	(void)aclrtGetLastError(ACL_RT_THREAD_LEVEL);
	assert_null(aclGetRecentErrMsg());
	assert_int_equal(aclrtPeekAtLastError(ACL_RT_THREAD_LEVEL), ACL_RT_SUCCESS);

	assert_int_equal(aclrtSetDevice(1 << 20), ACL_ERROR_RT_INVALID_DEVICEID);
	assert_int_equal(aclrtSynchronizeStreamWithTimeout(NULL, 0), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtPeekAtLastError(ACL_RT_THREAD_LEVEL), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtPeekAtLastError(ACL_RT_THREAD_LEVEL), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtGetLastError(ACL_RT_THREAD_LEVEL), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtGetLastError(ACL_RT_THREAD_LEVEL), ACL_RT_SUCCESS);

	const char *m = aclGetRecentErrMsg();
	assert_non_null(m);
	const char *newest = strstr(m, "aclrtSynchronizeStreamWithTimeout: timeout 0 is invalid");
	const char *older = strstr(m, "aclrtSetDevice");
	assert_non_null(newest);
	assert_non_null(older);
	assert_true(newest < older); /* newest first */
	assert_null(aclGetRecentErrMsg()); /* cleared on read */

	/* invalid level */
	assert_int_equal(aclrtGetLastError((aclrtLastErrLevel)1), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtPeekAtLastError((aclrtLastErrLevel)7), ACL_ERROR_INVALID_PARAM);
	(void)aclrtGetLastError(ACL_RT_THREAD_LEVEL);

	/* many messages never overflow and stay newest-first */
	for (int i = 0; i < 500; i++)
		(void)aclrtSetDevice(-1 - i);
	m = aclGetRecentErrMsg();
	assert_non_null(m);
	assert_non_null(strstr(m, "device id -500 "));
	assert_null(strstr(m, "device id -1 "));
	assert_int_equal(aclFinalize(), ACL_SUCCESS);
}

static void test_versions_and_run_mode(void **state)
{
	(void)state;
	int32_t a, b, c;
	aclrtRunMode mode;
	char ver[ACL_PKG_VERSION_MAX_SIZE];
	int32_t num;
	assert_int_equal(aclrtGetVersion(&a, &b, &c), ACL_SUCCESS);
	assert_int_equal(a, 1);
	assert_int_equal(b, 17);
	assert_int_equal(c, 0);
	assert_int_equal(aclrtGetVersion(NULL, &b, &c), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtGetRunMode(&mode), ACL_SUCCESS);
	assert_int_equal(mode, ACL_HOST);
	assert_int_equal(aclrtGetRunMode(NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclsysGetVersionStr((char *)"runtime", ver), ACL_SUCCESS);
	assert_string_equal(ver, "1.17.0");
	assert_int_equal(aclsysGetVersionNum((char *)"runtime", &num), ACL_SUCCESS);
	assert_int_equal(num, 1017000);
	assert_int_equal(aclsysGetVersionStr((char *)"nonsense", ver), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclsysGetVersionNum(NULL, &num), ACL_ERROR_INVALID_PARAM);
}

int main(void)
{
	snprintf(g_dir, sizeof g_dir, "/tmp/weir-acl-init-XXXXXX");
	if (!mkdtemp(g_dir))
		return 1;
	setenv("WEIR_NO_PIN", "1", 0);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_finalize_without_init),
		cmocka_unit_test(test_calls_before_init),
		cmocka_unit_test(test_init_repeat_and_finalize),
		cmocka_unit_test(test_finalize_reference),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_config_applied),
		cmocka_unit_test(test_config_default_device),
		cmocka_unit_test(test_err_msg_process_mode),
		cmocka_unit_test(test_last_error_and_messages),
		cmocka_unit_test(test_versions_and_run_mode),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", g_dir);
	if (system(cmd) != 0)
		rc = rc ? rc : 1;
	return rc;
}
