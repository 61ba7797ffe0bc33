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
	assert_int_equal(
	        aclInit(write_json("bad7.json", "{\"w\\u0065ir\": {\"devices\": "
	                                        "\"3\\u00e9\\u20ac\\ud83d\\ude00\\udc00x\"}}")),
	        ACL_ERROR_PARSE_FILE);
	const char *m7 = aclGetRecentErrMsg();
	assert_non_null(m7);
	assert_non_null(
	        strstr(m7, "weir.devices: \"3\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xef\xbf\xbdx\""));
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
	const char *p = write_json(
	        "good.json",
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

/* aclInit(file) must return `want`; with a failure the message names
 * every string in `needles` (NULL-terminated). Leaves nothing initialized. */
static void expect_init(const char *name, const char *text, aclError want, ...)
{
	aclError got = aclInit(write_json(name, text));
	if (got != want && got == ACL_SUCCESS)
		(void)aclFinalize(); /* leave nothing for the next case */
	if (got != want)
		fail_msg("%s: aclInit returned %d, want %d (%s)", name, (int)got, (int)want, text);
	if (got == ACL_SUCCESS) {
		assert_int_equal(aclFinalize(), ACL_SUCCESS);
		return;
	}
	const char *m = aclGetRecentErrMsg();
	assert_non_null(m);
	va_list ap;
	va_start(ap, want);
	for (const char *n; (n = va_arg(ap, const char *)) != NULL;)
		if (!strstr(m, n))
			fail_msg("%s: message lacks \"%s\": %s", name, n, m);
	va_end(ap);
	uint32_t count;
	assert_int_equal(aclrtGetDeviceCount(&count), ACL_ERROR_UNINITIALIZE);
	(void)aclGetRecentErrMsg();
}

#define SMALL "\"devices\": 1, \"workers_per_device\": 1"

/* Issue 8, defect 9: every RFC 8259 document parses (arrays in arrays at
 * any depth, every value type in ignored keys); the top level must still be
 * an object. */
static void test_config_json_grammar(void **state)
{
	(void)state;
	expect_init("g1.json", "{\"weir\": {" SMALL "}, \"a\": [[1]]}", ACL_SUCCESS, NULL);
	expect_init("g2.json",
	            "{\"weir\": {" SMALL "}, \"x\": [{\"y\": [1, [2, [3]]]}],"
	            " \"z\": [[], [{}], [[[\"\\u0000\", -0.5e-3, true, false, null]]]]}",
	            ACL_SUCCESS, NULL);
	/* an ignored key at the top level and deep inside may hold any value */
	expect_init("g3.json",
	            "\xef\xbb\xbf { \"dump\": {\"weir\": {\"devices\": true}},"
	            " \"weir\": {" SMALL ", \"unknown\": {\"k\": [null]}},"
	            " \"\\u00e9\\ud83d\\ude00\": \"\xc3\xa9\xf0\x9f\x98\x80\"}\r\n",
	            ACL_SUCCESS, NULL);
	/* 100 levels of nesting */
	char deep[512];
	int n = snprintf(deep, sizeof deep, "{\"weir\": {" SMALL "}, \"d\": ");
	for (int i = 0; i < 100; i++)
		deep[n++] = '[';
	for (int i = 0; i < 100; i++)
		deep[n++] = ']';
	snprintf(deep + n, sizeof deep - (size_t)n, "}");
	expect_init("g4.json", deep, ACL_SUCCESS, NULL);
	/* valid JSON, but not an object: 100006 saying so */
	expect_init("g5.json", "[[1]]", ACL_ERROR_PARSE_FILE, "aclInit", "g5.json",
	            "an array, not an object", NULL);
	expect_init("g6.json", "[{\"y\":[1]}]", ACL_ERROR_PARSE_FILE, "not an object", NULL);
	expect_init("g7.json", "\"weir\"", ACL_ERROR_PARSE_FILE, "a string, not an object", NULL);
	expect_init("g8.json", " 3 ", ACL_ERROR_PARSE_FILE, "a number, not an object", NULL);
	/* invalid JSON */
	expect_init("g9.json", "{\"a\": [1,]}", ACL_ERROR_PARSE_FILE, "not valid JSON", NULL);
	expect_init("g10.json", "{\"a\": [[1]}", ACL_ERROR_PARSE_FILE, "not valid JSON", NULL);
	expect_init("g11.json", "{\"a\": \"x\ty\"}", ACL_ERROR_PARSE_FILE, "not valid JSON", NULL);
}

/* Issue 8, defect 9: a key weir reads with the wrong type is 100006 with a
 * message naming the key (it was ignored). */
static void test_config_wrong_types(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"true", "false", "null", "[2]",    "{}",     "{\"devices\": 2}", "-1",
		"1.5",  "2e0",   "\"\"", "\" 2\"", "\"2 \"", "\"2\\u0000\""
	};
	char doc[256], name[32];
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(name, sizeof name, "t%zu.json", i);
		snprintf(doc, sizeof doc,
		         "{\"weir\": {\"workers_per_device\": 1, \"devices\": %s}}", bad[i]);
		expect_init(name, doc, ACL_ERROR_PARSE_FILE, "aclInit", "weir.devices", NULL);
	}
	expect_init("t-weir.json", "{\"weir\": [{" SMALL "}]}", ACL_ERROR_PARSE_FILE,
	            "weir: an array is not an object", NULL);
	expect_init("t-weir2.json", "{\"weir\": 1}", ACL_ERROR_PARSE_FILE, "weir: a number", NULL);
	expect_init("t-dd.json", "{\"weir\": {" SMALL "}, \"defaultDevice\": \"0\"}",
	            ACL_ERROR_PARSE_FILE, "defaultDevice: a string is not an object", NULL);
	expect_init("t-dd2.json",
	            "{\"weir\": {" SMALL "}, \"defaultDevice\": {\"default_device\": null}}",
	            ACL_ERROR_PARSE_FILE, "defaultDevice.default_device: null", NULL);
	expect_init("t-cpus.json", "{\"weir\": {" SMALL ", \"cpus\": [0]}}", ACL_ERROR_PARSE_FILE,
	            "weir.cpus: an array", NULL);
	expect_init("t-mode.json", "{\"weir\": {" SMALL "}, \"err_msg_mode\": true}",
	            ACL_ERROR_PARSE_FILE, "err_msg_mode: true", NULL);
	expect_init("t-mode2.json", "{\"weir\": {" SMALL "}, \"err_msg_mode\": \"2\"}",
	            ACL_ERROR_PARSE_FILE, "err_msg_mode: \"2\" is not 0 or 1", NULL);
	/* the same keys in other places are not weir's: ignored */
	expect_init(
	        "t-ok.json",
	        "{\"weir\": {" SMALL ", \"weir\": true, \"default_device\": []},"
	        " \"devices\": null, \"x\": {\"weir\": {\"devices\": {}}}, \"err_msg_mode\": 0}",
	        ACL_SUCCESS, NULL);
}

/* Issue 8, defect 9: values over 255 bytes were cut to 255 bytes (so 254
 * zeros, "2" and two more zeros read as 2 devices). */
static void test_config_long_values(void **state)
{
	(void)state;
	char v[300], doc[1024];
	memset(v, '0', 254);
	snprintf(v + 254, sizeof v - 254, "200");
	snprintf(doc, sizeof doc, "{\"weir\": {\"workers_per_device\": 1, \"devices\": \"%s\"}}",
	         v);
	expect_init("l1.json", doc, ACL_ERROR_PARSE_FILE, "weir.devices", "longer than 255 bytes",
	            NULL);
	/* 255 bytes is the longest value: leading zeros, then 2 */
	memset(v, '0', 254);
	snprintf(v + 254, sizeof v - 254, "2");
	snprintf(doc, sizeof doc, "{\"weir\": {\"workers_per_device\": 1, \"devices\": \"%s\"}}",
	         v);
	assert_int_equal(aclInit(write_json("l2.json", doc)), ACL_SUCCESS);
	uint32_t count = 0;
	assert_int_equal(aclrtGetDeviceCount(&count), ACL_SUCCESS);
	assert_int_equal(count, 2);
	assert_int_equal(aclFinalize(), ACL_SUCCESS);
	/* a number token longer than 255 bytes */
	memset(v, '9', 270);
	v[270] = '\0';
	snprintf(doc, sizeof doc, "{\"weir\": {\"workers_per_device\": 1, \"spin_ns\": %s}}", v);
	expect_init("l3.json", doc, ACL_ERROR_PARSE_FILE, "weir.spin_ns", "longer than 255", NULL);
	/* a CPU list: 256 bytes */
	memset(v, ' ', 255);
	v[0] = '0';
	v[255] = '1';
	v[256] = '\0';
	snprintf(doc, sizeof doc, "{\"weir\": {" SMALL ", \"cpus\": \"%s\"}}", v);
	expect_init("l4.json", doc, ACL_ERROR_PARSE_FILE, "weir.cpus", "longer than 255", NULL);
	/* long strings elsewhere are fine */
	memset(v, 'x', 299);
	v[299] = '\0';
	snprintf(doc, sizeof doc, "{\"weir\": {" SMALL "}, \"%s\": \"%s\"}", v, v);
	expect_init("l5.json", doc, ACL_SUCCESS, NULL);
}

/* Issue 8, defect 9: invalid UTF-8 anywhere in a string is 100006. */
static void test_config_utf8(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"\x80",
		"\xbf",
		"\xc0\xaf",
		"\xc1\xbf",
		"\xc3",
		"\xc3(",
		"\xe0\x80\xaf",
		"\xe2\x82",
		"\xed\xa0\x80",
		"\xed\xbf\xbf",
		"\xf0\x80\x80\xaf",
		"\xf4\x90\x80\x80",
		"\xf5\x80\x80\x80",
		"\xf8\x88\x80\x80\x80",
		"\xfe",
		"\xff",
	};
	char doc[128], name[32];
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(name, sizeof name, "u%zu.json", i);
		/* in an ignored value, in a key, in a value weir reads */
		snprintf(doc, sizeof doc, "{\"weir\": {" SMALL "}, \"x\": \"a%sb\"}", bad[i]);
		expect_init(name, doc, ACL_ERROR_PARSE_FILE, "invalid UTF-8", NULL);
		snprintf(doc, sizeof doc, "{\"weir\": {" SMALL "}, \"%s\": 1}", bad[i]);
		expect_init(name, doc, ACL_ERROR_PARSE_FILE, "invalid UTF-8", NULL);
		snprintf(doc, sizeof doc, "{\"weir\": {" SMALL ", \"cpus\": \"0%s\"}}", bad[i]);
		expect_init(name, doc, ACL_ERROR_PARSE_FILE, "invalid UTF-8", NULL);
	}
	/* the longest valid forms of each length are fine */
	expect_init("u-ok.json",
	            "{\"weir\": {" SMALL "}, \"\x7f\xdf\xbf\xef\xbf\xbf\xf4\x8f\xbf\xbf\":"
	            " \"\xed\x9f\xbf\xee\x80\x80\xf0\x90\x80\x80\"}",
	            ACL_SUCCESS, NULL);
}

/* Issue 8, defect 3: a mem_capacity that cannot be reserved is 100006; it
 * hung aclInit (a shift by 64 in weir_mem_create) above 2^63. */
static void test_config_mem_capacity(void **state)
{
	(void)state;
	alarm(60); /* the old code looped for ever: fail instead of hanging */
	expect_init("m1.json", "{\"weir\": {" SMALL ", \"mem_capacity\": 9223372036854775809}}",
	            ACL_ERROR_PARSE_FILE, "weir.mem_capacity", "cannot be reserved", NULL);
	expect_init("m2.json",
	            "{\"weir\": {" SMALL ", \"mem_capacity\": \"18446744073709551615\"}}",
	            ACL_ERROR_PARSE_FILE, "weir.mem_capacity", "cannot be reserved", NULL);
	expect_init("m3.json", "{\"weir\": {" SMALL ", \"mem_capacity\": 18446744073709551616}}",
	            ACL_ERROR_PARSE_FILE, "weir.mem_capacity", NULL);
	expect_init("m4.json", "{\"weir\": {" SMALL ", \"mem_capacity\": 35184372088833}}",
	            ACL_ERROR_PARSE_FILE, "weir.mem_capacity", "cannot be reserved", NULL);
	expect_init("m5.json", "{\"weir\": {" SMALL ", \"mem_capacity\": 1048576}}",
	            ACL_ERROR_PARSE_FILE, "weir.mem_capacity", "below", NULL);
	/* 32 TiB fits one device (2 arenas of 2^45 = 2^46) but not two */
	expect_init("m6.json",
	            "{\"weir\": {\"devices\": 2, \"workers_per_device\": 1,"
	            " \"mem_capacity\": 35184372088832}}",
	            ACL_ERROR_PARSE_FILE, "weir.mem_capacity", "cannot be reserved for 2 devices",
	            NULL);
	/* the same from the environment: refused with a message, no hang */
	setenv("WEIR_MEM_CAPACITY", "16000000T", 1);
	setenv("WEIR_DEVICES", "1", 1);
	setenv("WEIR_WORKERS", "1", 1);
	assert_int_equal(aclInit(NULL), ACL_ERROR_INVALID_PARAM);
	const char *m = aclGetRecentErrMsg();
	assert_non_null(m);
	assert_non_null(
	        strstr(m, "cannot create device memory (mem_capacity 17592186044416000000"));
	setenv("WEIR_MEM_CAPACITY", " -1", 1); /* strtoull would wrap it to 2^64 - 1 */
	assert_int_equal(aclInit(NULL), ACL_ERROR_INVALID_PARAM);
	(void)aclGetRecentErrMsg();
	/* a file value wins over the environment */
	setenv("WEIR_MEM_CAPACITY", "16000000T", 1);
	expect_init("m7.json", "{\"weir\": {\"mem_capacity\": \"16M\"}}", ACL_ERROR_PARSE_FILE,
	            "weir.mem_capacity: \"16M\" is not a valid unsigned number", NULL);
	expect_init("m8.json", "{\"weir\": {\"mem_capacity\": 16777216}}", ACL_SUCCESS, NULL);
	unsetenv("WEIR_MEM_CAPACITY");
	unsetenv("WEIR_DEVICES");
	unsetenv("WEIR_WORKERS");
	alarm(0);
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
	const char *p =
	        write_json("defdev.json", "{\"weir\": {\"devices\": 2, \"workers_per_device\": 1},"
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
	const char *p = write_json(
	        "msgmode.json",
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
	assert_true(newest < older);       /* newest first */
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
		cmocka_unit_test(test_config_json_grammar),
		cmocka_unit_test(test_config_wrong_types),
		cmocka_unit_test(test_config_long_values),
		cmocka_unit_test(test_config_utf8),
		cmocka_unit_test(test_config_mem_capacity),
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
