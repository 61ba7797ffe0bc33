/*
 * tests/compat/test_headers_cpp.cpp - the public headers, all together, from
 * C++17 (GE's C++ headers included).
 *
 * What it proves beyond tests/compat/test_headers_c.c:
 *  - every header is valid C++17 next to every other one, and twice over;
 *  - the C API is declared extern "C": calling weir_strerror() and
 *    weir_status_name() from C++ would not link otherwise;
 *  - the status enum keeps the ACL-compatible shape (int-sized, 0 = OK).
 */
#include "weir_public_headers_cxx.h"
#include "weir_public_headers_cxx.h" /* include guards */

#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <csetjmp>
#include <cstring>
#include <type_traits>

extern "C" {
#include <cmocka.h> /* cmocka.h has no extern "C" of its own */
}

static_assert(WEIR_PUBLIC_CXX_HEADER_COUNT >= 2, "weir/status.h and weir/sched.h at least");
static_assert(std::is_enum<weir_status_t>::value, "weir_status_t is an enum");
static_assert(sizeof(weir_status_t) == sizeof(int), "statuses travel as int");
static_assert(WEIR_OK == 0, "0 is success");
static_assert(std::is_same<decltype(weir_strerror(0)), const char *>::value, "weir_strerror");

static void test_c_linkage_from_cxx(void **)
{
	int n = 0;
#define CHECK_STATUS(name, val, msg)                               \
	do {                                                       \
		assert_string_equal(weir_status_name(val), #name); \
		assert_string_equal(weir_strerror(val), msg);      \
		n++;                                               \
	} while (0);
	WEIR_STATUS_MAP(CHECK_STATUS)
#undef CHECK_STATUS
	assert_int_equal(n, 1 - WEIR__STATUS_MIN);
	print_message("%d public headers compiled together as C++17\n",
	              WEIR_PUBLIC_CXX_HEADER_COUNT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_c_linkage_from_cxx),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
