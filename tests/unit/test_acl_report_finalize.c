/*
 * test_acl_report_finalize.c - aclFinalize while threads wait inside
 * aclrtProcessReport, with an infinite (-1) and with a finite time-out:
 * finalize wakes every one of them, each returns ACL_ERROR_UNINITIALIZE
 * (100001, docs/acl.md) well before its time-out, and nothing is freed under
 * them (ASan/TSan). Threads that reach aclrtProcessReport only as finalize
 * runs get the same code. A watchdog turns a missed wake-up into a failure
 * instead of a hang. Waiter threads only record; the test thread asserts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acl/acl.h"
#include "acl_compat/acl_internal.h"
#include "common/oracle.h"

#define NWAIT 4
/* Finite time-out of half the waiters: far beyond the watchdog, so only a
 * wake-up by finalize returns them in time. */
#define FINITE_MS 600000

struct waiter {
	pthread_t thr;
	int32_t timeout;
	_Atomic int *go;
	aclError rc; /* written by the waiter, read after join */
	aclError last;
};

static void *waiter_main(void *arg)
{
	struct waiter *w = arg;
	while (!weir_load_acquire(w->go)) /* pairs with the release in run_round() */
		usleep(100);
	w->rc = aclrtProcessReport(w->timeout);
	w->last = aclrtGetLastError(ACL_RT_THREAD_LEVEL);
	return NULL;
}

static void run_round(wt_watchdog_t *wd, bool wait_inside)
{
	struct waiter w[NWAIT];
	aclrtStream s[NWAIT];
	_Atomic int go = 0;

	setenv("WEIR_NO_PIN", "1", 0);
	setenv("WEIR_DEVICES", "2", 0);
	setenv("WEIR_WORKERS", "1", 0);
	assert_int_equal(aclInit(NULL), ACL_SUCCESS);
	assert_int_equal(aclrtSetDevice(0), ACL_SUCCESS);
	for (int i = 0; i < NWAIT; i++) {
		memset(&w[i], 0, sizeof w[i]);
		w[i].timeout = i % 2 ? FINITE_MS : -1;
		w[i].go = &go;
		assert_int_equal(pthread_create(&w[i].thr, NULL, waiter_main, &w[i]), 0);
		assert_int_equal(aclrtCreateStream(&s[i]), ACL_SUCCESS);
		assert_int_equal(aclrtSubscribeReport((uint64_t)w[i].thr, s[i]), ACL_SUCCESS);
	}
	weir_store_release(&go, 1);
	if (wait_inside) {
		wt_watchdog_phase(wd, "waiting for every thread to be inside aclrtProcessReport");
		while (weir__acl_report_waiters() < NWAIT)
			usleep(200);
	}
	wt_watchdog_phase(wd, "aclFinalize with threads in aclrtProcessReport");
	assert_int_equal(aclFinalize(), ACL_SUCCESS);
	wt_watchdog_phase(wd, "joining the waiters (a missed wake-up hangs here)");
	for (int i = 0; i < NWAIT; i++) {
		assert_int_equal(pthread_join(w[i].thr, NULL), 0);
		assert_int_equal(w[i].rc, ACL_ERROR_UNINITIALIZE);
		assert_int_equal(w[i].last, ACL_ERROR_UNINITIALIZE);
	}
	/* Nothing left behind: a second finalize is the documented repeat. */
	assert_int_equal(aclFinalize(), ACL_ERROR_REPEAT_FINALIZE);
}

static void test_finalize_wakes_report_waiters(void **st)
{
	(void)st;
	wt_watchdog_t wd;
	wt_watchdog_start(&wd, 60);
	for (int round = 0; round < 5; round++)
		run_round(&wd, true);
	wt_watchdog_stop(&wd);
}

static void test_finalize_races_report_entry(void **st)
{
	(void)st;
	wt_watchdog_t wd;
	wt_watchdog_start(&wd, 60);
	for (int round = 0; round < 10; round++)
		run_round(&wd, false);
	wt_watchdog_stop(&wd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_finalize_wakes_report_waiters),
		cmocka_unit_test(test_finalize_races_report_entry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
