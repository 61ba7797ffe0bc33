/*
 * tests/compat/test_headers_c.c - the public headers, all together, from C11.
 *
 * Each public header is also compiled alone, as C11 and as C++17, by the
 * `header_check` object library (tests/canary/CMakeLists.txt), which is part
 * of the default build. This test adds what a one-header translation unit
 * cannot see:
 *  - all headers in one unit, twice (clashing names, missing include guards);
 *  - the status API declared there links and agrees with WEIR_STATUS_MAP.
 * The list comes from the build tree, generated from include/ at configure
 * time, so a new header is covered without editing this file.
 */
#include "weir_public_headers_c.h"
#include "weir_public_headers_c.h" /* include guards */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>

#include <cmocka.h>

_Static_assert(WEIR_PUBLIC_C_HEADER_COUNT >= 2, "weir/status.h and weir/sched.h at least");

static void test_header_count(void **state)
{
	(void)state;
	print_message("%d public C headers compiled together\n", WEIR_PUBLIC_C_HEADER_COUNT);
	assert_true(WEIR_PUBLIC_C_HEADER_COUNT >= 2);
}

static void test_status_map_matches_functions(void **state)
{
	(void)state;
	int n = 0;
#define CHECK_STATUS(name, val, msg)                               \
	do {                                                       \
		assert_int_equal(WEIR_##name, (val));              \
		assert_string_equal(weir_status_name(val), #name); \
		assert_string_equal(weir_strerror(val), msg);      \
		n++;                                               \
	} while (0);
	WEIR_STATUS_MAP(CHECK_STATUS)
#undef CHECK_STATUS
	assert_int_equal(n, 1 - WEIR__STATUS_MIN);
	/* Values outside the map: the fallbacks weir/status.h documents. */
	assert_string_equal(weir_status_name(1), "UNKNOWN");
	assert_string_equal(weir_status_name(WEIR__STATUS_MIN - 1), "UNKNOWN");
	assert_string_equal(weir_strerror(WEIR__STATUS_MIN - 1), "unknown status");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_count),
		cmocka_unit_test(test_status_map_matches_functions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
