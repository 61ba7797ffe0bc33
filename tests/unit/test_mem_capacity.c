/*
 * test_mem_capacity.c - capacities that cannot be reserved (issue 8,
 * defect 3). weir_mem_create rounded the capacity up to a power of two with
 * a loop that shifted 1 by 64 above 2^63 (undefined; on x86 the loop never
 * ended), whether the value came from the options, the runtime config or
 * WEIR_MEM_CAPACITY. Now each is WEIR_EINVAL at once; alarm() turns a
 * regression into a failure instead of a hang.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <unistd.h>

#include "common/memfix.h"
#include "weir/sched.h"

#define TiB ((uint64_t)1 << 40)

static int create(uint32_t devices, uint64_t cap, uint64_t hcap)
{
	weir_mem_options_t o = { .devices = devices,
		                 .capacity = cap,
		                 .host_capacity = hcap,
		                 .flags = WEIR_MEM_OPT_NO_DEBUG };
	weir_mem_t *m = NULL;
	int rc = weir_mem_create_ex(NULL, &o, &m);
	if (rc == WEIR_OK)
		weir_mem_destroy(m);
	else
		assert_null(m);
	return rc;
}

static void test_options(void **state)
{
	(void)state;
	alarm(60);
	static const uint64_t huge[] = {
		((uint64_t)1 << 63) + 1, (uint64_t)1 << 63, UINT64_MAX, UINT64_MAX - (2u << 20),
		((uint64_t)1 << 62) + 1, 32 * TiB + 1,      33 * TiB,   (uint64_t)16000000 * TiB,
	};
	for (size_t i = 0; i < sizeof huge / sizeof huge[0]; i++) {
		assert_int_equal(create(1, huge[i], 0), WEIR_EINVAL);
		assert_int_equal(create(1, 64 * MiB, huge[i]), WEIR_EINVAL); /* host arena */
		assert_int_equal(create(WEIR_MAX_DEVICES, huge[i], 64 * MiB), WEIR_EINVAL);
	}
	/* 32 TiB per arena is the most; it fits one device, never two */
	assert_int_equal(create(2, 32 * TiB, 0), WEIR_EINVAL);
	assert_int_equal(create(1, 32 * TiB, 64 * TiB), WEIR_EINVAL);
	/* (devices + 1) strides must fit 2^46 bytes */
	assert_int_equal(create(WEIR_MAX_DEVICES, TiB, 0), WEIR_EINVAL);
	assert_int_equal(create(1, MiB, 0), WEIR_EINVAL);
	assert_int_equal(create(1, 64 * MiB, 0), WEIR_OK);
	assert_int_equal(create(3, (uint64_t)1 << 30, ((uint64_t)1 << 30) + 1), WEIR_OK);
	alarm(0);
}

static void test_runtime_config(void **state)
{
	(void)state;
	alarm(60);
	weir_config_t c;
	weir_config_init(&c);
	c.devices = 1;
	c.workers_per_device = 1;
	c.flags |= WEIR_CONFIG_NO_PIN;
	c.mem_capacity = ((uint64_t)1 << 63) + 4096;
	weir_runtime_t *rt = NULL;
	assert_int_equal(weir_runtime_create(&c, &rt), WEIR_OK);
	weir_mem_t *m = NULL;
	assert_int_equal(weir_mem_create(rt, &m), WEIR_EINVAL);
	assert_null(m);
	weir_runtime_destroy(rt);
	alarm(0);
}

static void test_env(void **state)
{
	(void)state;
	alarm(60);
	/* weir_mem_create_ex's own fallback to the environment */
	static const char *const bad[] = { "16000000T",
		                           "16777215T",
		                           "9223372036854775809",
		                           "18446744073709551615",
		                           "33T",
		                           "-1",
		                           " -1",
		                           "+5G",
		                           " 5G",
		                           "16777216T",
		                           "5X",
		                           "5iB",
		                           "5GiBx",
		                           "" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		setenv("WEIR_MEM_CAPACITY", bad[i], 1);
		if (bad[i][0] == '\0') {
			/* empty: as unset */
			assert_int_equal(create(1, 0, 0), WEIR_OK);
			continue;
		}
		int rc = create(1, 0, 0);
		if (rc != WEIR_EINVAL)
			fail_msg("WEIR_MEM_CAPACITY=\"%s\": %s", bad[i], weir_status_name(rc));
	}
	static const char *const good[] = { "64M", "64MiB", "64MB", "64Mi", "67108864", "1G" };
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		setenv("WEIR_MEM_CAPACITY", good[i], 1);
		weir_mem_options_t o = { .devices = 1, .flags = WEIR_MEM_OPT_NO_DEBUG };
		weir_mem_t *m = NULL;
		assert_int_equal(weir_mem_create_ex(NULL, &o, &m), WEIR_OK);
		weir_mem_stats_t s = wt_mem_stats(m, 0);
		assert_true(s.capacity == (i == 5 ? (uint64_t)1 << 30 : 64 * MiB));
		weir_mem_destroy(m);
	}

	/* weir_config_from_env: a sign or blank first was wrapped by strtoull
	 * (" -1" became 2^64 - 1); a product past 2^64 is refused */
	static const char *const cfg_bad[] = { " -1", "-1",        "+1",
		                               " 1",  "16777216T", "99999999999999999999" };
	for (size_t i = 0; i < sizeof cfg_bad / sizeof cfg_bad[0]; i++) {
		weir_config_t c, before;
		weir_config_init(&c);
		before = c;
		setenv("WEIR_MEM_CAPACITY", cfg_bad[i], 1);
		if (weir_config_from_env(&c) != WEIR_EINVAL)
			fail_msg("weir_config_from_env: WEIR_MEM_CAPACITY=\"%s\" accepted",
			         cfg_bad[i]);
		assert_memory_equal(&c, &before, sizeof c);
	}
	weir_config_t c;
	weir_config_init(&c);
	setenv("WEIR_MEM_CAPACITY", "16777215T", 1); /* fits 64 bits: mem refuses it */
	assert_int_equal(weir_config_from_env(&c), WEIR_OK);
	assert_true(c.mem_capacity == (uint64_t)16777215 * TiB);
	setenv("WEIR_MEM_CAPACITY", "0x100000000", 1);
	assert_int_equal(weir_config_from_env(&c), WEIR_OK);
	assert_true(c.mem_capacity == (uint64_t)1 << 32);
	unsetenv("WEIR_MEM_CAPACITY");
	alarm(0);
}

int main(void)
{
	unsetenv("WEIR_MEM_CAPACITY");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_runtime_config),
		cmocka_unit_test(test_env),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
