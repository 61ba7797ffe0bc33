/*
 * Allocation-failure injection across the library (reliability.md).
 *
 * For n = 1, 2, ... the n-th counted allocation from now fails
 * (weir__failpoint_arm(n)); a scenario that reaches every allocation site
 * it can - runtime, group, stream and event creation, launches, memory
 * creation, small/large/pinned allocation, slab and node-pool growth, the
 * arena's system-call paths, async copies, and the ACL init path - runs
 * until a run completes without the failpoint firing. A failing call must
 * return an error code (no crash), the scenario unwinds what it created,
 * and the ASan lane's LSan proves nothing leaked. The distinct sites that
 * fired are printed.
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

#include "weir/mem.h"
#include "acl/acl.h"
#include "base/alloc.h"

#define MAX_SITES 256
static const char *sites[MAX_SITES];
static int nsites;

static void note_site(void)
{
	const char *s = weir__failpoint_last_site();
	if (!s)
		return;
	for (int i = 0; i < nsites; i++)
		if (strcmp(sites[i], s) == 0)
			return;
	if (nsites < MAX_SITES)
		sites[nsites++] = s;
}

static int nop_kernel(void *args, uint32_t b, uint32_t n)
{
	(void)args;
	(void)b;
	(void)n;
	return 0;
}

/* Frees from another thread: its cache and outbox are allocated on the way
 * (and may fail - a free still succeeds). */
struct xfree {
	weir_mem_t *m;
	void **p;
	int n, bad;
};

static void *xfree_thread(void *arg)
{
	struct xfree *x = arg;
	for (int i = 0; i < x->n; i++) {
		if (weir_mem_free(x->m, x->p[i]) != WEIR_OK)
			x->bad++;
		x->p[i] = NULL;
	}
	return NULL;
}

/* The native scenario. Returns 0 when it ran to the end, otherwise the first
 * failing status (after unwinding everything it made). */
static int native_scenario(void)
{
	weir_config_t c;
	weir_config_init(&c);
	c.devices = 2;
	c.workers_per_device = 1;
	c.flags |= WEIR_CONFIG_NO_PIN;
	c.mem_capacity = (uint64_t)16 << 20;
	weir_runtime_t *rt = NULL;
	weir_group_t *g = NULL;
	weir_stream_t *s = NULL;
	weir_event_t *e = NULL;
	weir_mem_t *m = NULL;
	void *small[40] = { 0 }, *large = NULL, *pin = NULL, *d1 = NULL;
	int rc;
	if ((rc = weir_runtime_create(&c, &rt)) != WEIR_OK)
		return rc;
	if ((rc = weir_group_create(rt, 0, &g)) != WEIR_OK)
		goto out;
	if ((rc = weir_stream_create(g, 0, 0, &s)) != WEIR_OK)
		goto out;
	if ((rc = weir_event_create(rt, 0, WEIR_EVENT_TIMING, &e)) != WEIR_OK)
		goto out;
	if ((rc = weir_mem_create(rt, &m)) != WEIR_OK)
		goto out;
	weir_mem_stats_t st0;
	assert_int_equal(weir_mem_info(m, 0, &st0), WEIR_OK);
	/* enough small blocks of two classes to grow a slab and the node pool */
	for (int i = 0; i < 40; i++) {
		rc = weir_mem_alloc(m, 0, i < 20 ? 64 : 9000, WEIR_MEM_NORMAL_ONLY, &small[i]);
		if (rc != WEIR_OK) {
			/* a failed alloc changed nothing */
			weir_mem_stats_t s1;
			assert_int_equal(weir_mem_info(m, 0, &s1), WEIR_OK);
			assert_int_equal(s1.live, (uint64_t)i);
			goto out;
		}
	}
	if ((rc = weir_mem_alloc(m, 0, (size_t)3 << 20, WEIR_MEM_HUGE_FIRST, &large)) != WEIR_OK)
		goto out;
	if ((rc = weir_mem_alloc(m, 1, 1000, WEIR_MEM_NORMAL_ONLY, &d1)) != WEIR_OK)
		goto out;
	if ((rc = weir_mem_host_alloc(m, 4096, &pin)) != WEIR_OK)
		goto out;
	if ((rc = weir_mem_fill_async(m, large, (size_t)3 << 20, 1, (size_t)3 << 20, s)) != WEIR_OK)
		goto out;
	if ((rc = weir_mem_copy_async(m, pin, 4096, large, 4096, WEIR_COPY_D2H, s)) != WEIR_OK)
		goto out;
	if ((rc = weir_launch(s, nop_kernel, NULL, 0, 2, 0)) != WEIR_OK)
		goto out;
	if ((rc = weir_event_record(e, s)) != WEIR_OK)
		goto out;
	if ((rc = weir_stream_sync(s, WEIR_TIMEOUT_INFINITE)) != WEIR_OK)
		goto out;
	assert_int_equal(((unsigned char *)pin)[4095], 1);
	/* half of the small blocks go back from another thread (remote frees) */
	struct xfree x = { m, small, 20, 0 };
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, xfree_thread, &x), 0);
	pthread_join(t, NULL);
	assert_int_equal(x.bad, 0);
	weir_mem_flush(m);
out:
	if (m) {
		for (int i = 0; i < 40; i++)
			if (small[i])
				assert_int_equal(weir_mem_free(m, small[i]), WEIR_OK);
		if (large)
			assert_int_equal(weir_mem_free(m, large), WEIR_OK);
		if (d1)
			assert_int_equal(weir_mem_free(m, d1), WEIR_OK);
		if (pin)
			assert_int_equal(weir_mem_host_free(m, pin), WEIR_OK);
		weir_mem_stats_t s2;
		assert_int_equal(weir_mem_info(m, 0, &s2), WEIR_OK);
		assert_int_equal(s2.in_use, 0);
		assert_int_equal(s2.live, 0);
	}
	if (s)
		weir_stream_sync(s, WEIR_TIMEOUT_INFINITE);
	if (e)
		weir_event_destroy(e);
	if (s)
		weir_stream_destroy(s);
	if (g)
		weir_group_destroy(g);
	weir_runtime_destroy(rt);
	weir_mem_destroy(m);
	return rc;
}

static void run_loop(const char *name, int (*scenario)(void))
{
	int before = nsites, failed_runs = 0;
	for (uint64_t n = 1; n < 100000; n++) {
		weir__failpoint_arm(n);
		int rc = scenario();
		int fired = weir__failpoint_fired();
		if (fired)
			note_site();
		weir__failpoint_arm(0);
		if (!fired) {
			assert_int_equal(rc, 0);
			printf("[failinject] %s: %llu allocation points, %d failing runs, %d new "
			       "sites\n",
			       name, (unsigned long long)(n - 1), failed_runs, nsites - before);
			return;
		}
		if (rc != 0)
			failed_runs++;
	}
	fail_msg("%s: scenario never completed", name);
}

static void test_native(void **state)
{
	(void)state;
	run_loop("native", native_scenario);
}

static int acl_scenario(void)
{
	aclError e = aclInit(NULL);
	if (e != ACL_SUCCESS)
		return (int)e;
	void *d = NULL, *h = NULL;
	aclrtStream s = NULL;
	if ((e = aclrtSetDevice(0)) != ACL_SUCCESS)
		goto fin;
	if ((e = aclrtCreateStream(&s)) != ACL_SUCCESS)
		goto reset;
	if ((e = aclrtMalloc(&d, 1000, ACL_MEM_MALLOC_HUGE_FIRST)) != ACL_SUCCESS)
		goto stream;
	if ((e = aclrtMallocHost(&h, 1000)) != ACL_SUCCESS)
		goto stream;
	if ((e = aclrtMemsetAsync(d, 1000, 3, 1000, s)) != ACL_SUCCESS)
		goto stream;
	if ((e = aclrtMemcpyAsync(h, 1000, d, 1000, ACL_MEMCPY_DEVICE_TO_HOST, s)) != ACL_SUCCESS)
		goto stream;
	if ((e = aclrtSynchronizeStream(s)) != ACL_SUCCESS)
		goto stream;
	assert_int_equal(((unsigned char *)h)[999], 3);
stream:
	if (d)
		assert_int_equal(aclrtFree(d), ACL_SUCCESS);
	if (h)
		assert_int_equal(aclrtFreeHost(h), ACL_SUCCESS);
	if (s)
		aclrtDestroyStream(s);
reset:
	aclrtResetDevice(0);
fin:
	assert_int_equal(aclFinalize(), ACL_SUCCESS);
	return (int)e;
}

static void test_acl(void **state)
{
	(void)state;
	setenv("WEIR_DEVICES", "2", 1);
	setenv("WEIR_MEM_CAPACITY", "16M", 1);
	setenv("WEIR_NO_PIN", "1", 1);
	run_loop("acl", acl_scenario);
}

static void test_print_sites(void **state)
{
	(void)state;
	printf("[failinject] %d distinct allocation sites failed:\n", nsites);
	for (int i = 0; i < nsites; i++)
		printf("[failinject]   %s\n", sites[i]);
	assert_true(nsites > 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_native),
		cmocka_unit_test(test_acl),
		cmocka_unit_test(test_print_sites),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
