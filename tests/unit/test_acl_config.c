/*
 * test_acl_config.c - the aclInit JSON reader on byte buffers
 * (weir__acl_config_parse, acl_compat/runtime/config.h): RFC 8259 documents that
 * must parse and ones that must not, buffers that are not NUL-terminated or
 * hold NUL bytes, the nesting limit, what each key stores, and a seeded
 * mutation run (every result is 0 or 100006 with a message; ASan watches).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl_compat/runtime/config.h"

static int parse(const char *doc, struct weir_acl_config *c, char *msg, size_t msgsz)
{
	return weir__acl_config_parse(doc, strlen(doc), c, msg, msgsz);
}

/* Valid RFC 8259 documents with an object at the top: all parse. */
static void test_valid_documents(void **state)
{
	(void)state;
	static const char *const docs[] = {
		"{}",
		" \t\r\n{ } \t\r\n",
		"{\"\":0}",
		"{\"a\":[]}",
		"{\"a\":[[]]}",
		"{\"a\":[[1]]}",
		"{\"a\":[{\"y\":[1]}]}",
		"{\"a\":[[[[{\"b\":[[]]}]]]]}",
		"{\"a\":{\"b\":{\"c\":{}}}}",
		"{\"a\":-0}",
		"{\"a\":0.0e+0}",
		"{\"a\":1E-999}",
		"{\"a\":-123.456e78}",
		"{\"a\":true,\"b\":false,\"c\":null}",
		"{\"a\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}",
		"{\"a\":\"\\u0000\\uFFFF\\ud800\\udc00\\udbff\\udfff\\ud800\"}",
		"{\"\\u0000\":1}",
		"{\"a\":1,\"a\":2}",
		"\xef\xbb\xbf{}",
		"{\"weir\":{}}",
		"{\"weir\":{\"x\":[[[]]],\"devices\":1}}",
		"{\"dump\":{\"dump_list\":[{\"model_name\":\"x\",\"layer\":[\"a\",\"b\"]}]}}",
	};
	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		struct weir_acl_config c;
		char msg[256];
		int rc = parse(docs[i], &c, msg, sizeof msg);
		if (rc != ACL_SUCCESS)
			fail_msg("%s: %d (%s)", docs[i], rc, msg);
		assert_string_equal(msg, "");
	}
}

/* Invalid documents, and valid ones that are not objects: 100006. */
static void test_invalid_documents(void **state)
{
	(void)state;
	static const struct {
		const char *doc, *why;
	} docs[] = {
		{ "", "empty document" },
		{ "   ", "empty document" },
		{ "{", "expected a string key" },
		{ "{\"a\"}", "expected ':'" },
		{ "{\"a\":}", "expected a value" },
		{ "{\"a\":1,}", "expected a string key" },
		{ "{\"a\":[1,]}", "expected a value" },
		{ "{\"a\":[1 2]}", "expected ',' or ']'" },
		{ "{\"a\":1 \"b\":2}", "expected ',' or '}'" },
		{ "{a:1}", "expected a string key" },
		{ "{'a':1}", "expected a string key" },
		{ "{\"a\":01}", "expected ',' or '}'" },
		{ "{\"a\":+1}", "expected a value" },
		{ "{\"a\":.5}", "expected a value" },
		{ "{\"a\":1.}", "after '.'" },
		{ "{\"a\":1e}", "exponent" },
		{ "{\"a\":-}", "expected a value" },
		{ "{\"a\":NaN}", "expected a value" },
		{ "{\"a\":tru}", "expected a value" },
		{ "{\"a\":nul}", "expected a value" },
		{ "{\"a\":\"x}", "unterminated" },
		{ "{\"a\":\"\\x\"}", "unknown escape" },
		{ "{\"a\":\"\\u12\"}", "\\u escape" },
		{ "{\"a\":\"\\u12G4\"}", "\\u escape" },
		{ "{\"a\":\"\x01\"}", "control character" },
		{ "{\"a\":\"\x7f\xc0\x80\"}", "UTF-8" },
		{ "{} {}", "more after" },
		{ "{}]", "more after" },
		{ "\xef\xbb{}", "expected a value" },
		{ "\xef\xbb\xbf", "empty document" },
		{ "[1]", "an array, not an object" },
		{ "[[1]]", "an array, not an object" },
		{ "\"x\"", "a string, not an object" },
		{ "-1", "a number, not an object" },
		{ "true", "true, not an object" },
		{ "null", "null, not an object" },
	};
	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		struct weir_acl_config c;
		char msg[256];
		int rc = parse(docs[i].doc, &c, msg, sizeof msg);
		if (rc != ACL_ERROR_PARSE_FILE || !strstr(msg, docs[i].why))
			fail_msg("\"%s\": %d (%s), want 100006 with \"%s\"", docs[i].doc, rc, msg,
			         docs[i].why);
	}
}

/* The reader reads exactly len bytes: no NUL terminator needed, NUL bytes
 * are data (outside a string: an error; raw inside one: a control
 * character), NULL with len 0 is an empty document. */
static void test_buffers(void **state)
{
	(void)state;
	struct weir_acl_config c;
	char msg[128];
	char *b = malloc(16);
	assert_non_null(b);
	memcpy(b, "{\"weir\":{}}XXXXX", 16); /* no NUL in the allocation: ASan checks */
	assert_int_equal(weir__acl_config_parse(b, 11, &c, msg, sizeof msg), ACL_SUCCESS);
	assert_int_equal(weir__acl_config_parse(b, 10, &c, msg, sizeof msg), ACL_ERROR_PARSE_FILE);
	assert_int_equal(weir__acl_config_parse(b, 12, &c, msg, sizeof msg), ACL_ERROR_PARSE_FILE);
	assert_non_null(strstr(msg, "near byte 11"));
	free(b);
	assert_int_equal(weir__acl_config_parse("{}\0", 3, &c, msg, sizeof msg),
	                 ACL_ERROR_PARSE_FILE);
	assert_int_equal(weir__acl_config_parse("{\"a\0\":1}", 8, &c, msg, sizeof msg),
	                 ACL_ERROR_PARSE_FILE);
	assert_int_equal(weir__acl_config_parse(NULL, 0, &c, msg, sizeof msg),
	                 ACL_ERROR_PARSE_FILE);
	/* no message buffer, or a tiny one: still the code, never an overflow */
	assert_int_equal(weir__acl_config_parse("[", 1, &c, NULL, 0), ACL_ERROR_PARSE_FILE);
	char tiny[4] = "abc";
	assert_int_equal(
	        weir__acl_config_parse("{\"weir\":{\"devices\":true}}", 25, &c, tiny, sizeof tiny),
	        ACL_ERROR_PARSE_FILE);
	assert_string_equal(tiny, "wei");
	assert_int_equal(weir__acl_config_parse("[", 1, &c, tiny, 1), ACL_ERROR_PARSE_FILE);
	assert_string_equal(tiny, "");
}

/* Nesting: 128 levels parse, 129 do not (and nothing overflows the stack). */
static void test_depth(void **state)
{
	(void)state;
	size_t n = 100000;
	char *d = malloc(2 * n + 16);
	assert_non_null(d);
	struct weir_acl_config c;
	char msg[128];
	for (size_t levels = 127; levels <= 129; levels++) {
		size_t k = 0;
		d[k++] = '{';
		d[k++] = '"';
		d[k++] = '"';
		d[k++] = ':';
		for (size_t i = 1; i < levels; i++)
			d[k++] = '[';
		for (size_t i = 1; i < levels; i++)
			d[k++] = ']';
		if (levels == 1)
			d[k++] = '0';
		d[k++] = '}';
		/* "{"": [...]}" holds `levels` containers, the object included */
		int rc = weir__acl_config_parse(d, k, &c, msg, sizeof msg);
		if (levels <= WEIR_ACL_CFG_MAX_DEPTH)
			assert_int_equal(rc, ACL_SUCCESS);
		else
			assert_non_null(strstr(msg, "nested deeper than 128"));
	}
	/* far deeper: refused at the limit */
	memset(d, '[', n);
	assert_int_equal(weir__acl_config_parse(d, n, &c, msg, sizeof msg), ACL_ERROR_PARSE_FILE);
	assert_non_null(strstr(msg, "nested deeper"));
	free(d);
}

/* Every key weir reads: stored, and its bit set; nothing else is. */
static void test_keys_stored(void **state)
{
	(void)state;
	struct weir_acl_config c;
	char msg[256];
	assert_int_equal(
	        parse("{\"weir\": {\"devices\": \"3\", \"workers_per_device\": 2,"
	              " \"ring_capacity\": 256, \"spin_ns\": \"0\", \"quantum\": 4294967295,"
	              " \"mem_capacity\": \"0035184372088832\", \"cpus\": \"0-1;\\u0032\"},"
	              " \"defaultDevice\": {\"default_device\": 63}, \"err_msg_mode\": \"1\"}",
	              &c, msg, sizeof msg),
	        ACL_SUCCESS);
	assert_int_equal(c.set, 0x1FF);
	assert_int_equal(c.devices, 3);
	assert_int_equal(c.workers_per_device, 2);
	assert_int_equal(c.ring_capacity, 256);
	assert_int_equal(c.spin_ns, 0);
	assert_int_equal(c.quantum, UINT32_MAX);
	assert_true(c.mem_capacity == (uint64_t)1 << 45);
	assert_string_equal(c.cpus, "0-1;2");
	assert_int_equal(c.default_device, 63);
	assert_true(c.err_msg_process);

	weir_config_t cfg;
	weir_config_init(&cfg);
	weir__acl_config_apply(&c, &cfg);
	assert_int_equal(cfg.devices, 3);
	assert_true(cfg.mem_capacity == (uint64_t)1 << 45);
	assert_ptr_equal(cfg.cpus, c.cpus);

	/* nothing set: apply changes nothing; last duplicate wins */
	assert_int_equal(parse("{\"weir\": {\"devices\": 2, \"devices\": 5}, \"err_msg_mode\": 0}",
	                       &c, msg, sizeof msg),
	                 ACL_SUCCESS);
	assert_int_equal(c.devices, 5);
	assert_false(c.err_msg_process);
	assert_int_equal(c.default_device, -1);
	assert_int_equal(parse("{\"x\": {\"weir\": {\"devices\": 2}}}", &c, msg, sizeof msg),
	                 ACL_SUCCESS);
	weir_config_t before = cfg;
	weir__acl_config_apply(&c, &cfg);
	assert_memory_equal(&before, &cfg, sizeof cfg);

	/* ranges, and the message's value cut at 64 bytes on a character boundary */
	assert_int_equal(parse("{\"weir\": {\"devices\": 65}}", &c, msg, sizeof msg),
	                 ACL_ERROR_PARSE_FILE);
	assert_string_equal(msg,
	                    "weir.devices: \"65\" is not a valid unsigned number (at most 64)");
	assert_int_equal(
	        parse("{\"defaultDevice\": {\"default_device\": \"64\"}}", &c, msg, sizeof msg),
	        ACL_ERROR_PARSE_FILE);
	assert_string_equal(msg,
	                    "defaultDevice.default_device: \"64\" is not a device id (0 to 63)");
	assert_int_equal(parse("{\"weir\": {\"quantum\": 4294967296}}", &c, msg, sizeof msg),
	                 ACL_ERROR_PARSE_FILE);
	assert_int_equal(
	        parse("{\"weir\": {\"devices\": \"\\u0001aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	              "aaaaaaaaaaaaaaaaaaaaaa\\u00e9zz\"}}",
	              &c, msg, sizeof msg),
	        ACL_ERROR_PARSE_FILE);
	assert_non_null(strstr(
	        msg, "\"?aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" is"));
	assert_int_equal(parse("{\"weir\": {\"cpus\": \"0\\u0000\"}}", &c, msg, sizeof msg),
	                 ACL_ERROR_PARSE_FILE);
	assert_string_equal(msg, "weir.cpus: the value holds a NUL character");
	/* the first configuration error is reported; a syntax error wins */
	assert_int_equal(
	        parse("{\"weir\": {\"devices\": null, \"quantum\": []}}", &c, msg, sizeof msg),
	        ACL_ERROR_PARSE_FILE);
	assert_string_equal(
	        msg, "weir.devices: null is not an unsigned number (or a string holding one)");
	assert_int_equal(parse("{\"weir\": {\"devices\": null}", &c, msg, sizeof msg),
	                 ACL_ERROR_PARSE_FILE);
	assert_non_null(strstr(msg, "not valid JSON"));
}

/* Seeded mutations of a valid document: every result is 0 or 100006, a
 * failure has a message, and ASan sees no out-of-bounds access. */
static void test_mutations(void **state)
{
	(void)state;
	static const char seed[] =
	        "{\"weir\": {\"devices\": \"3\", \"cpus\": \"0-1\", \"mem_capacity\": 16777216,"
	        " \"x\": [[1, {\"y\": [true, null, -1.5e3]}]]}, \"defaultDevice\": "
	        "{\"default_device\": 0},"
	        " \"s\": \"\\ud83d\\ude00\\u00e9\xc3\xa9\", \"err_msg_mode\": \"0\"}";
	static const char alphabet[] = "{}[]\":,\\u0e9-+.eEtfn \xc3\xa9\xed\xf4\x80";
	size_t len = sizeof seed - 1;
	uint64_t x = 0x9E3779B97F4A7C15ull;
	for (int round = 0; round < 20000; round++) {
		char *b = malloc(len + 8);
		assert_non_null(b);
		memcpy(b, seed, len);
		size_t n = len;
		int edits = 1 + round % 4;
		for (int e = 0; e < edits && n > 0; e++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			size_t at = (size_t)(x >> 8) % n;
			switch (x % 3) {
			case 0: b[at] = alphabet[(x >> 40) % (sizeof alphabet - 1)]; break;
			case 1:
				memmove(b + at, b + at + 1, n - at - 1);
				n--;
				break;
			default: n = at + 1; break; /* cut */
			}
		}
		struct weir_acl_config c;
		char msg[200];
		int rc = weir__acl_config_parse(b, n, &c, msg, sizeof msg);
		if (rc != ACL_SUCCESS && rc != ACL_ERROR_PARSE_FILE)
			fail_msg("round %d: %d", round, rc);
		if (rc != ACL_SUCCESS && msg[0] == '\0')
			fail_msg("round %d: no message", round);
		assert_true(strlen(msg) < sizeof msg);
		assert_true(strlen(c.cpus) <= WEIR_ACL_CFG_VALUE_MAX);
		free(b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_documents), cmocka_unit_test(test_invalid_documents),
		cmocka_unit_test(test_buffers),         cmocka_unit_test(test_depth),
		cmocka_unit_test(test_keys_stored),     cmocka_unit_test(test_mutations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
