/*
 * Unit tests: task ids, stream ids, the runtime's fault hook, and host
 * functions routed to a reporter (weir_stream_subscribe_host).
 */
#include "common/fixture.h"

#include <sys/syscall.h>
#include <unistd.h>

/* ---- ids ---- */

static void test_stream_ids_unique(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *a = wt_stream(f, 0), *b = wt_stream(f, 1);
	uint32_t ia = 0, ib = 0;
	WT_OK(weir_stream_id(a, &ia));
	WT_OK(weir_stream_id(b, &ib));
	assert_true(ia != 0 && ib != 0 && ia != ib);
	WT_ASSERT_STATUS(weir_stream_id(a, NULL), WEIR_EINVAL);
	WT_OK(weir_stream_destroy(a));
	WT_ASSERT_STATUS(weir_stream_id(a, &ia), WEIR_EHANDLE);
	WT_OK(weir_stream_destroy(b));
}

static void test_thread_last_task(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s = wt_stream(f, 0), *t = wt_stream(f, 0);
	_Atomic uint64_t ctr = 0;
	uint32_t id = 99;
	WT_ASSERT_STATUS(weir_thread_last_task(NULL), WEIR_EINVAL);
	for (uint32_t i = 1; i <= 5; i++) {
		WT_OK(wt_launch_count(s, &ctr));
		WT_OK(weir_thread_last_task(&id));
		assert_int_equal(id, i); /* the stream's count including it */
	}
	/* another stream has its own numbering */
	WT_OK(wt_launch_count(t, &ctr));
	WT_OK(weir_thread_last_task(&id));
	assert_int_equal(id, 1);
	/* a refused launch does not move it */
	WT_ASSERT_STATUS(weir_launch(s, NULL, NULL, 0, 1, 0), WEIR_EINVAL);
	WT_OK(weir_thread_last_task(&id));
	assert_int_equal(id, 1);
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	WT_OK(weir_stream_sync(t, WEIR_TIMEOUT_INFINITE));
	WT_OK(weir_stream_destroy(s));
	WT_OK(weir_stream_destroy(t));
}

/* ---- fault hook ---- */

typedef struct fault_log {
	_Atomic uint64_t calls;
	weir_fault_t last;   /* written by the hook, read after the sync */
	uint64_t args_word;  /* the first argument word the hook saw */
	uintptr_t hook_tid;  /* pthread_self() of the hook */
	uint64_t retired_at; /* stream stats.failed seen by the hook */
} fault_log_t;

static void hook_record(const weir_fault_t *ft, void *user)
{
	fault_log_t *l = user;
	l->last = *ft;
	memcpy(&l->args_word, ft->args, sizeof l->args_word);
	l->last.args = NULL;
	l->hook_tid = (uintptr_t)pthread_self();
	weir_stream_stats_t st;
	if (weir_stream_stats(ft->stream, &st) == WEIR_OK)
		l->retired_at = st.failed;
	weir_faa_release(&l->calls, 1);
}

static void test_fault_hook_reports_failing_kernel(void **state)
{
	wt_fix_t *f = *state;
	fault_log_t log;
	memset(&log, 0, sizeof log);
	log.retired_at = 77;
	WT_OK(weir_runtime_set_fault_hook(f->rt, hook_record, &log));
	weir_stream_t *s = wt_stream(f, 1);
	_Atomic uint64_t ctr = 0;
	WT_OK(wt_launch_count(s, &ctr));
	WT_OK(wt_launch_fail(s, &ctr, 4321));
	uint32_t want_id = 0, sid = 0;
	WT_OK(weir_thread_last_task(&want_id));
	WT_OK(weir_stream_id(s, &sid));
	WT_OK(wt_launch_count(s, &ctr));
	int code = 0;
	int rc = weir_stream_sync_code(s, WEIR_TIMEOUT_INFINITE, &code);
	assert_int_equal(rc, 4321);
	/* the sync that reports the failure returns after the hook ran */
	assert_int_equal(weir_load_acquire(&log.calls), 1);
	assert_int_equal(log.last.code, 4321);
	assert_int_equal(log.last.task_id, want_id);
	assert_int_equal(log.last.task_id, 2);
	assert_int_equal(log.last.stream_id, sid);
	assert_ptr_equal(log.last.stream, s);
	assert_int_equal(log.last.device, 1);
	assert_int_equal(log.last.thread_id, (uint32_t)syscall(SYS_gettid));
	assert_ptr_equal((void *)log.last.fn, (void *)wt_k_fail);
	assert_int_equal(log.last.nblocks, 1);
	assert_int_equal(log.args_word, (uint64_t)(uintptr_t)&ctr);
	assert_true(log.hook_tid != (uintptr_t)pthread_self());
	/* the hook ran before the task was retired */
	assert_int_equal(log.retired_at, 0);
	/* CONTINUE: the task after it ran */
	assert_int_equal(weir_load_acquire(&ctr), 3);
	weir_stream_stats_t st = wt_stats(s);
	assert_int_equal(st.failed, 1);
	assert_int_equal(st.in_flight, 0);

	/* removed: no more calls, failures still reported */
	WT_OK(weir_runtime_set_fault_hook(f->rt, NULL, NULL));
	WT_OK(wt_launch_fail(s, &ctr, 5));
	assert_int_equal(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE), 5);
	assert_int_equal(weir_load_acquire(&log.calls), 1);
	WT_ASSERT_STATUS(weir_runtime_set_fault_hook(NULL, hook_record, NULL), WEIR_EINVAL);
	WT_OK(weir_stream_destroy(s));
}

/* Many failures on several streams: one call per failing task, none lost,
 * and the STOP mode still stops the group after the report. */
static void hook_count(const weir_fault_t *ft, void *user)
{
	weir_faa_release((_Atomic uint64_t *)user, 1);
}

static void test_fault_hook_once_per_task(void **state)
{
	wt_fix_t *f = *state;
	_Atomic uint64_t calls = 0, ctr = 0;
	WT_OK(weir_runtime_set_fault_hook(f->rt, hook_count, &calls));
	enum { NS = 3, PER = 50 };
	weir_stream_t *s[NS];
	for (int i = 0; i < NS; i++)
		s[i] = wt_stream(f, (uint32_t)i % WT_FIX_DEVICES);
	for (int n = 0; n < PER; n++)
		for (int i = 0; i < NS; i++) {
			WT_OK(wt_launch_fail(s[i], &ctr, -(n % 3) - 1));
			WT_OK(wt_launch_count(s[i], &ctr));
		}
	for (int i = 0; i < NS; i++)
		assert_int_equal(weir_stream_sync(s[i], WEIR_TIMEOUT_INFINITE), WEIR_EKERNEL);
	assert_int_equal(weir_load_acquire(&calls), NS * PER);
	assert_int_equal(weir_load_acquire(&ctr), 2 * NS * PER);

	/* STOP: the failing task is reported once; later tasks are discarded */
	weir_group_t *g;
	WT_OK(weir_stream_group(s[0], &g));
	WT_OK(weir_group_set_failure_mode(g, WEIR_FAILURE_STOP));
	weir_store_relaxed(&calls, 0);
	WT_OK(wt_launch_fail(s[0], &ctr, 9));
	int rc = weir_stream_sync(s[0], WEIR_TIMEOUT_INFINITE);
	assert_int_equal(rc, 9);
	assert_int_equal(weir_load_acquire(&calls), 1);
	WT_OK(weir_runtime_set_fault_hook(f->rt, NULL, NULL));
	for (int i = 0; i < NS; i++)
		weir_stream_destroy(s[i]);
}

/* ---- host functions on a reporter ---- */

typedef struct proc {
	weir_reporter_t *rep;
	_Atomic uint64_t stop, runs;
	_Atomic uintptr_t tid;
} proc_t;

static void *proc_main(void *arg)
{
	proc_t *p = arg;
	weir_store_relaxed(&p->tid, (uintptr_t)pthread_self());
	while (!weir_load_acquire(&p->stop)) {
		int rc = weir_reporter_process(p->rep, 20 * WT_MS);
		if (rc == WEIR_OK)
			weir_faa_relaxed(&p->runs, 1);
		else if (rc != WEIR_ETIMEDOUT)
			break;
	}
	return NULL;
}

static _Atomic uintptr_t hf_tid;
static _Atomic uint64_t hf_runs;

static void h_where(void *arg)
{
	weir_store_relaxed(&hf_tid, (uintptr_t)pthread_self());
	weir_faa_release(&hf_runs, 1);
}

static void test_host_subscription(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s = wt_stream(f, 0), *other = wt_stream(f, 1);
	proc_t p;
	memset(&p, 0, sizeof p);
	WT_OK(weir_reporter_create(f->rt, &p.rep));
	WT_OK(weir_stream_subscribe_host(s, p.rep));
	WT_ASSERT_STATUS(weir_stream_subscribe_host(s, p.rep), WEIR_ESUBSCRIBED);
	WT_ASSERT_STATUS(weir_stream_subscribe_host(other, p.rep), WEIR_EFOREIGN);
	WT_ASSERT_STATUS(weir_stream_unsubscribe_host(other, p.rep), WEIR_ENOSUB);
	/* the callback subscription is separate, and may share the reporter */
	WT_OK(weir_stream_subscribe(s, p.rep));
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, proc_main, &p), 0);
	weir_store_relaxed(&hf_runs, 0);
	_Atomic uint64_t ctr = 0;
	for (int i = 0; i < 20; i++) {
		WT_OK(wt_launch_count(s, &ctr));
		WT_OK(weir_launch_host(s, h_where, NULL));
	}
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(weir_load_acquire(&hf_runs), 20);
	assert_int_equal(weir_load_acquire(&ctr), 20);
	/* they ran in the processing thread */
	assert_true(wt_wait_geq(&p.runs, 20, 30 * WT_S));
	assert_true(weir_load_relaxed(&hf_tid) == weir_load_relaxed(&p.tid));
	WT_OK(weir_stream_unsubscribe(s, p.rep));

	/* unsubscribed: the device's callback thread runs them again */
	WT_OK(weir_stream_unsubscribe_host(s, p.rep));
	WT_ASSERT_STATUS(weir_stream_unsubscribe_host(s, p.rep), WEIR_ENOSUB);
	WT_OK(weir_launch_host(s, h_where, NULL));
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(weir_load_acquire(&hf_runs), 21);
	assert_true(weir_load_relaxed(&hf_tid) != weir_load_relaxed(&p.tid));
	weir_store_release(&p.stop, 1);
	pthread_join(th, NULL);

	/* queued on a reporter nobody processes, then the reporter is
	 * destroyed: the host functions still run (nothing lost) */
	WT_OK(weir_stream_subscribe_host(s, p.rep));
	for (int i = 0; i < 5; i++)
		WT_OK(weir_launch_host(s, h_where, NULL));
	wt_sleep_ns(5 * WT_MS);
	WT_OK(weir_reporter_destroy(p.rep));
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(weir_load_acquire(&hf_runs), 26);
	WT_ASSERT_STATUS(weir_stream_subscribe_host(s, p.rep), WEIR_EHANDLE);
	WT_ASSERT_STATUS(weir_stream_subscribe_host(NULL, NULL), WEIR_EHANDLE);
	WT_OK(weir_stream_destroy(s));
	WT_OK(weir_stream_destroy(other));
}

/* Abort takes back a host function queued on a reporter nobody processes. */
static void test_host_subscription_abort(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s = wt_stream(f, 0);
	weir_reporter_t *rep;
	WT_OK(weir_reporter_create(f->rt, &rep));
	WT_OK(weir_stream_subscribe_host(s, rep));
	weir_store_relaxed(&hf_runs, 0);
	WT_OK(weir_launch_host(s, h_where, NULL));
	wt_sleep_ns(5 * WT_MS);
	WT_OK(weir_stream_abort(s));
	assert_int_equal(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE), WEIR_EABORTED);
	assert_int_equal(weir_load_acquire(&hf_runs), 0);
	weir_stream_stats_t st = wt_stats(s);
	assert_int_equal(st.discarded, 1);
	assert_int_equal(st.in_flight, 0);
	WT_OK(weir_reporter_destroy(rep));
	WT_OK(weir_stream_destroy(s));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, wt_fix_setup, wt_fix_teardown)
		T(test_stream_ids_unique),
		T(test_thread_last_task),
		T(test_fault_hook_reports_failing_kernel),
		T(test_fault_hook_once_per_task),
		T(test_host_subscription),
		T(test_host_subscription_abort),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
