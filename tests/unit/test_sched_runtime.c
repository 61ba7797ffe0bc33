/*
 * Unit tests: runtime, configuration and environment, devices, groups,
 * worker naming and pinning, device stats, status strings.
 */
#include "common/oracle.h"

static const char *const env_vars[] = {
	"WEIR_DEVICES", "WEIR_WORKERS", "WEIR_CPUS",   "WEIR_RING_CAPACITY",
	"WEIR_SPIN_NS", "WEIR_QUANTUM", "WEIR_NO_PIN", "WEIR_MEM_CAPACITY",
};

static void clear_env(void)
{
	for (size_t i = 0; i < sizeof env_vars / sizeof env_vars[0]; i++)
		unsetenv(env_vars[i]);
}

static int setup(void **state)
{
	(void)state;
	clear_env();
	return 0;
}

static void test_config_defaults(void **state)
{
	weir_config_t c;
	memset(&c, 0xA5, sizeof c);
	weir_config_init(&c);
	assert_int_equal(c.devices, 8);
	assert_int_equal(c.workers_per_device, 0);
	assert_null(c.cpus);
	assert_int_equal(c.ring_capacity, 4096);
	assert_int_equal(c.spin_ns, 50000);
	assert_int_equal(c.quantum, 64);
	assert_int_equal(c.mem_capacity, 0);
	assert_int_equal(c.flags, 0);
}

static void test_config_from_env(void **state)
{
	weir_config_t c;
	weir_config_init(&c);
	setenv("WEIR_DEVICES", "3", 1);
	setenv("WEIR_WORKERS", "2", 1);
	setenv("WEIR_CPUS", "0", 1);
	setenv("WEIR_RING_CAPACITY", "64", 1);
	setenv("WEIR_SPIN_NS", "1000", 1);
	setenv("WEIR_QUANTUM", "5", 1);
	setenv("WEIR_NO_PIN", "1", 1);
	WT_OK(weir_config_from_env(&c));
	assert_int_equal(c.devices, 3);
	assert_int_equal(c.workers_per_device, 2);
	assert_non_null(c.cpus);
	assert_string_equal(c.cpus, "0");
	assert_int_equal(c.ring_capacity, 64);
	assert_int_equal(c.spin_ns, 1000);
	assert_int_equal(c.quantum, 5);
	assert_true(c.flags & WEIR_CONFIG_NO_PIN);
	clear_env();

	/* Nothing set: nothing changes. */
	weir_config_t a, b;
	weir_config_init(&a);
	a.devices = 5;
	b = a;
	WT_OK(weir_config_from_env(&a));
	assert_memory_equal(&a, &b, sizeof a);
}

static void test_config_from_env_malformed(void **state)
{
	static const char *const bad[][2] = {
		{ "WEIR_DEVICES", "abc" },
		{ "WEIR_DEVICES", "3x" },
		{ "WEIR_DEVICES", "-1" },
		{ "WEIR_RING_CAPACITY", "lots" },
		{ "WEIR_SPIN_NS", ""
		                  "1.5" },
		{ "WEIR_QUANTUM", "q" },
		{ "WEIR_WORKERS", "99999999999999999999999" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		weir_config_t c, before;
		weir_config_init(&c);
		c.devices = 2;
		c.ring_capacity = 32;
		before = c;
		setenv(bad[i][0], bad[i][1], 1);
		int rc = weir_config_from_env(&c);
		if (rc != WEIR_EINVAL)
			fail_msg("%s=%s: got %s, want EINVAL", bad[i][0], bad[i][1],
			         weir_status_name(rc));
		/* cfg untouched on failure */
		assert_memory_equal(&c, &before, sizeof c);
		clear_env();
	}
}

static void test_runtime_create_invalid(void **state)
{
	int base = wt_thread_baseline();
	weir_runtime_t *rt = (weir_runtime_t *)(uintptr_t)0x1234;
	weir_config_t c;

	c = wt_config(0, 1, 0);
	WT_ASSERT_STATUS(weir_runtime_create(&c, &rt), WEIR_EINVAL);
	c = wt_config(WEIR_MAX_DEVICES + 1, 1, 0);
	WT_ASSERT_STATUS(weir_runtime_create(&c, &rt), WEIR_EINVAL);
	c = wt_config(1, 1, 100); /* not a power of two */
	WT_ASSERT_STATUS(weir_runtime_create(&c, &rt), WEIR_EINVAL);
	c = wt_config(1, 1, 3);
	WT_ASSERT_STATUS(weir_runtime_create(&c, &rt), WEIR_EINVAL);
	c = wt_config(1, 1, 0);
	c.cpus = "abc";
	WT_ASSERT_STATUS(weir_runtime_create(&c, &rt), WEIR_EINVAL);
	c.cpus = "0,,x";
	WT_ASSERT_STATUS(weir_runtime_create(&c, &rt), WEIR_EINVAL);
	c = wt_config(1, 1, 0);
	WT_ASSERT_STATUS(weir_runtime_create(&c, NULL), WEIR_EINVAL);
	/* On failure nothing is left behind: no thread survives. */
	assert_int_equal(wt_thread_count_settle(base, 5 * WT_S), base);
}

static void test_runtime_create_destroy(void **state)
{
	int base = wt_thread_baseline();
	weir_config_t c = wt_config(3, 2, 64);
	c.flags |= WEIR_CONFIG_NO_PIN;
	weir_runtime_t *rt = NULL;
	WT_OK(weir_runtime_create(&c, &rt));
	assert_non_null(rt);
	assert_int_equal(weir_runtime_device_count(rt), 3);
	const weir_config_t *eff = weir_runtime_config(rt);
	assert_non_null(eff);
	assert_int_equal(eff->devices, 3);
	assert_int_equal(eff->workers_per_device, 2);
	assert_int_equal(eff->ring_capacity, 64);
	/* At least the 3 x 2 workers exist while the runtime lives. */
	assert_true(wt_thread_count() >= base + 6);
	weir_runtime_destroy(rt);
	assert_int_equal(wt_thread_count_settle(base, 5 * WT_S), base);
	weir_runtime_destroy(NULL); /* no-op */
}

static void test_runtime_env_when_cfg_null(void **state)
{
	setenv("WEIR_DEVICES", "2", 1);
	setenv("WEIR_WORKERS", "1", 1);
	setenv("WEIR_RING_CAPACITY", "128", 1);
	weir_runtime_t *rt = NULL;
	WT_OK(weir_runtime_create(NULL, &rt));
	clear_env();
	assert_int_equal(weir_runtime_device_count(rt), 2);
	assert_int_equal(weir_runtime_config(rt)->ring_capacity, 128);
	assert_int_equal(weir_runtime_config(rt)->workers_per_device, 1);
	weir_runtime_destroy(rt);

	setenv("WEIR_DEVICES", "zero", 1);
	rt = NULL;
	WT_ASSERT_STATUS(weir_runtime_create(NULL, &rt), WEIR_EINVAL);
	clear_env();
}

static void test_workers_auto(void **state)
{
	weir_config_t c = wt_config(2, 0, 0);
	weir_runtime_t *rt;
	WT_OK(weir_runtime_create(&c, &rt));
	uint32_t want = (uint32_t)wt_cpu_count() / 2;
	if (want < 1)
		want = 1;
	assert_int_equal(weir_runtime_config(rt)->workers_per_device, want);
	weir_worker_stats_t st[64];
	uint32_t n = 64;
	WT_OK(weir_device_stats(rt, 1, st, &n));
	assert_int_equal(n, want);
	weir_runtime_destroy(rt);
}

static void test_worker_names_and_pinning(void **state)
{
	weir_config_t c = wt_config(2, 2, 0);
	c.cpus = "0";
	weir_runtime_t *rt;
	WT_OK(weir_runtime_create(&c, &rt));
	char name[32], cpus[256];
	for (unsigned d = 0; d < 2; d++)
		for (unsigned w = 0; w < 2; w++) {
			snprintf(name, sizeof name, "weir-d%uw%u", d, w);
			if (!wt_wait_thread_named(name, 10 * WT_S))
				fail_msg("expected exactly one thread named %s", name);
			if (!wt_wait_thread_cpus(name, "0", cpus, sizeof cpus, 10 * WT_S))
				fail_msg("%s pinned to '%s', want '0'", name, cpus);
		}
	weir_runtime_destroy(rt);

	if (wt_cpu_count() < 2) {
		fprintf(stderr, "per-device CPU lists need 2 CPUs; skipped that part\n");
		return;
	}
	/* One list per device. */
	c.cpus = "1;0";
	WT_OK(weir_runtime_create(&c, &rt));
	assert_true(wt_wait_thread_named("weir-d0w1", 10 * WT_S));
	assert_true(wt_wait_thread_named("weir-d1w0", 10 * WT_S));
	if (!wt_wait_thread_cpus("weir-d0w1", "1", cpus, sizeof cpus, 10 * WT_S))
		fail_msg("weir-d0w1 pinned to '%s', want '1'", cpus);
	if (!wt_wait_thread_cpus("weir-d1w0", "0", cpus, sizeof cpus, 10 * WT_S))
		fail_msg("weir-d1w0 pinned to '%s', want '0'", cpus);
	weir_runtime_destroy(rt);
}

static void test_groups_and_devices(void **state)
{
	weir_config_t c = wt_config(2, 1, 0);
	weir_runtime_t *rt;
	WT_OK(weir_runtime_create(&c, &rt));
	weir_group_t *g = NULL;
	WT_ASSERT_STATUS(weir_group_create(rt, 2, &g), WEIR_EDEVICE);
	WT_ASSERT_STATUS(weir_group_create(rt, UINT32_MAX, &g), WEIR_EDEVICE);
	WT_ASSERT_STATUS(weir_group_create(rt, 0, NULL), WEIR_EINVAL);
	WT_OK(weir_group_create(rt, 1, &g));
	uint32_t dev = 99;
	WT_OK(weir_group_device(g, &dev));
	assert_int_equal(dev, 1);
	int mode = -1;
	WT_OK(weir_group_get_failure_mode(g, &mode));
	assert_int_equal(mode, WEIR_FAILURE_CONTINUE);
	WT_OK(weir_group_set_failure_mode(g, WEIR_FAILURE_CONTINUE)); /* no-op */
	WT_ASSERT_STATUS(weir_group_set_failure_mode(g, 7), WEIR_EINVAL);
	WT_OK(weir_group_set_failure_mode(g, WEIR_FAILURE_STOP));
	WT_OK(weir_group_set_failure_mode(g, WEIR_FAILURE_STOP)); /* no-op */
	WT_ASSERT_STATUS(weir_group_set_failure_mode(g, WEIR_FAILURE_CONTINUE), WEIR_ENOTSUP);
	WT_OK(weir_group_get_failure_mode(g, &mode));
	assert_int_equal(mode, WEIR_FAILURE_STOP);

	/* Empty group and idle device synchronize at once. */
	WT_OK(weir_group_sync(g, WEIR_TIMEOUT_INFINITE));
	WT_OK(weir_group_sync(g, 0));
	WT_OK(weir_device_sync(rt, 1, WEIR_TIMEOUT_INFINITE));
	WT_OK(weir_device_sync(rt, 0, 0));
	WT_ASSERT_STATUS(weir_device_sync(rt, 2, 0), WEIR_EDEVICE);
	WT_ASSERT_STATUS(weir_device_sync(rt, 0, -2), WEIR_EINVAL);
	WT_ASSERT_STATUS(weir_group_sync(g, -7), WEIR_EINVAL);

	WT_OK(weir_group_destroy(g));
	WT_OK(weir_group_create(rt, 0, &g));
	WT_OK(weir_group_destroy_force(g));
	/* A group left alive is freed by runtime destroy (LSan checks). */
	WT_OK(weir_group_create(rt, 0, &g));
	weir_runtime_destroy(rt);
}

static int k_inc(void *args, uint32_t b, uint32_t nb)
{
	_Atomic uint64_t *ctr;
	memcpy(&ctr, args, sizeof ctr);
	weir_faa_relaxed(ctr, 1);
	return 0;
}

static void test_device_stats(void **state)
{
	weir_config_t c = wt_config(2, 3, 0);
	c.flags |= WEIR_CONFIG_NO_PIN;
	weir_runtime_t *rt;
	WT_OK(weir_runtime_create(&c, &rt));
	weir_worker_stats_t st[8];
	uint32_t n = 8;
	WT_ASSERT_STATUS(weir_device_stats(rt, 2, st, &n), WEIR_EDEVICE);
	n = 8;
	WT_OK(weir_device_stats(rt, 0, st, &n));
	assert_int_equal(n, 3);

	weir_group_t *g;
	weir_stream_t *s;
	WT_OK(weir_group_create(rt, 0, &g));
	WT_OK(weir_stream_create(g, 0, 0, &s));
	static _Atomic uint64_t ctr;
	_Atomic uint64_t *p = &ctr;
	for (int i = 0; i < 100; i++)
		WT_OK(weir_launch(s, k_inc, &p, sizeof p, 1, 0));
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(weir_load_relaxed(&ctr), 100);
	n = 8;
	WT_OK(weir_device_stats(rt, 0, st, &n));
	uint64_t sum = 0;
	for (uint32_t i = 0; i < n; i++)
		sum += st[i].tasks;
	assert_int_equal(sum, 100);
	/* device 1 ran nothing */
	n = 8;
	WT_OK(weir_device_stats(rt, 1, st, &n));
	for (uint32_t i = 0; i < n; i++)
		assert_int_equal(st[i].tasks, 0);
	/* A capacity smaller than the worker count still reports the count. */
	n = 1;
	int rc = weir_device_stats(rt, 0, st, &n);
	WT_ASSERT_STATUS2(rc, WEIR_OK, WEIR_EINVAL);
	if (rc == WEIR_OK)
		assert_int_equal(n, 3);
	WT_OK(weir_stream_destroy(s));
	WT_OK(weir_group_destroy(g));
	weir_runtime_destroy(rt);
}

static void test_several_runtimes(void **state)
{
	weir_config_t c = wt_config(1, 1, 0);
	weir_runtime_t *a, *b;
	WT_OK(weir_runtime_create(&c, &a));
	WT_OK(weir_runtime_create(&c, &b));
	assert_ptr_not_equal(a, b);
	weir_group_t *ga, *gb;
	weir_stream_t *sa, *sb;
	WT_OK(weir_group_create(a, 0, &ga));
	WT_OK(weir_group_create(b, 0, &gb));
	WT_OK(weir_stream_create(ga, 0, 0, &sa));
	WT_OK(weir_stream_create(gb, 0, 0, &sb));
	static _Atomic uint64_t ctr;
	_Atomic uint64_t *p = &ctr;
	WT_OK(weir_launch(sa, k_inc, &p, sizeof p, 1, 0));
	WT_OK(weir_launch(sb, k_inc, &p, sizeof p, 1, 0));
	weir_runtime_destroy(a); /* destroys sa with its work; b unaffected */
	WT_OK(weir_stream_sync(sb, WEIR_TIMEOUT_INFINITE));
	assert_true(weir_load_relaxed(&ctr) >= 1);
	weir_runtime_destroy(b);
}

static void test_status_strings(void **state)
{
	assert_string_equal(weir_status_name(WEIR_OK), "OK");
	assert_string_equal(weir_status_name(WEIR_ETIMEDOUT), "ETIMEDOUT");
	assert_string_equal(weir_status_name(WEIR_EINTERNAL), "EINTERNAL");
	assert_string_equal(weir_status_name(12345), "UNKNOWN");
	assert_string_equal(weir_strerror(WEIR_EHANDLE), "invalid, destroyed or wrong-type handle");
	assert_string_equal(weir_strerror(-999), "unknown status");
	for (int s = 0; s >= WEIR__STATUS_MIN; s--) {
		assert_non_null(weir_strerror(s));
		assert_string_not_equal(weir_status_name(s), "UNKNOWN");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_config_defaults, setup),
		cmocka_unit_test_setup(test_config_from_env, setup),
		cmocka_unit_test_setup(test_config_from_env_malformed, setup),
		cmocka_unit_test_setup(test_runtime_create_invalid, setup),
		cmocka_unit_test_setup(test_runtime_create_destroy, setup),
		cmocka_unit_test_setup(test_runtime_env_when_cfg_null, setup),
		cmocka_unit_test_setup(test_workers_auto, setup),
		cmocka_unit_test_setup(test_worker_names_and_pinning, setup),
		cmocka_unit_test_setup(test_groups_and_devices, setup),
		cmocka_unit_test_setup(test_device_stats, setup),
		cmocka_unit_test_setup(test_several_runtimes, setup),
		cmocka_unit_test_setup(test_status_strings, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
