/*
 * test_sync_gate.c - base/sync.h's gate, the back-pressure wait of a full
 * stream (invariants G1-G2): one opening per armed value, a wake only when
 * the queue runs short, the re-arm one `step` further on (or at the
 * queue's end), "wake them all" when nothing is
 * queued, and sleepers that all get through as the counter advances (a
 * sleeper left without a pending opening sleeps until its 60 s deadline and
 * misses the test's 20 s liveness bound).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include <sched.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <string.h>

#include "base/sync.h"
#include "weir/status.h"

/* G2, one thread: the opening's re-arm arithmetic. `sleepers` is set by
 * hand (white-box): nobody sleeps on the futex, so the wakes find no one. */
static void test_rearm_steps(void **state)
{
	(void)state;
	struct weir_gate g;
	weir__gate_init(&g, 4, 50);
	_Atomic uint64_t limit;
	atomic_init(&limit, 100);
	/* Nothing armed: a notify is one load and changes nothing. */
	weir__gate_notify(&g, 50, &limit);
	assert_true(weir_load_relaxed(&g.open_at) == UINT64_MAX);
	atomic_store(&g.sleepers, 3);
	atomic_store(&g.open_at, 8);
	weir__gate_notify(&g, 7, &limit); /* below the target: no opening */
	assert_true(weir_load_relaxed(&g.open_at) == 8);
	uint32_t seq = weir_load_relaxed(&g.seq);
	/* 92 queued >= low: the awake producers keep it fed - re-armed one
	 * step on, nobody woken. */
	weir__gate_notify(&g, 8, &limit);
	assert_true(weir_load_relaxed(&g.open_at) == 12);
	assert_int_equal(weir_load_relaxed(&g.seq), seq);
	/* Short of work: one woken, re-armed at the queue's end (less than a
	 * step queued). */
	atomic_store(&limit, 13);
	weir__gate_notify(&g, 12, &limit);
	assert_true(weir_load_relaxed(&g.open_at) == 13);
	assert_int_equal(weir_load_relaxed(&g.seq), seq + 1);
	/* Nothing queued past the value: wake them all, nothing re-armed. */
	weir__gate_notify(&g, 13, &limit);
	assert_true(weir_load_relaxed(&g.open_at) == UINT64_MAX);
	assert_int_equal(weir_load_relaxed(&g.seq), seq + 2);
	/* One sleeper counted, short of work: woken, and re-armed all the
	 * same (a sleeper racing the count may sleep on this opening). */
	atomic_store(&g.sleepers, 1);
	atomic_store(&g.open_at, 20);
	atomic_store(&limit, 30);
	weir__gate_notify(&g, 25, &limit);
	assert_true(weir_load_relaxed(&g.open_at) == 29);
	assert_int_equal(weir_load_relaxed(&g.seq), seq + 3);
	/* Nobody counted: opened without a re-arm. */
	atomic_store(&g.sleepers, 0);
	weir__gate_notify(&g, 29, &limit);
	assert_true(weir_load_relaxed(&g.open_at) == UINT64_MAX);
	assert_int_equal(weir_load_relaxed(&g.seq), seq + 4);
	/* A sleeper with plenty queued: re-armed, not woken. */
	atomic_store(&g.sleepers, 1);
	atomic_store(&g.open_at, 30);
	atomic_store(&limit, 200);
	weir__gate_notify(&g, 30, &limit);
	assert_true(weir_load_relaxed(&g.open_at) == 34);
	assert_int_equal(weir_load_relaxed(&g.seq), seq + 4);
}

/* A sleeper's target is an atomic min with what is armed (G1). */
static _Atomic uint64_t counter;
static struct weir_gate gate;

struct sleeper {
	uint64_t target, deadline;
	int rc;
	_Atomic int tid, done;
	pthread_t th;
};

static void *sleeper_main(void *arg)
{
	struct sleeper *s = arg;
	weir_store_release(&s->tid, (int)syscall(SYS_gettid));
	s->rc = weir__gate_wait(&gate, &counter, s->target, s->deadline, 0);
	weir_store_release(&s->done, 1);
	return NULL;
}

/* The thread is blocked in the kernel ('S' in /proc): for a sleeper that
 * has counted itself, that is its futex wait, the only place it blocks. */
static bool asleep(int tid)
{
	char path[64], buf[256];
	snprintf(path, sizeof path, "/proc/self/task/%d/stat", tid);
	FILE *fp = fopen(path, "r");
	if (!fp)
		return false;
	size_t n = fread(buf, 1, sizeof buf - 1, fp);
	fclose(fp);
	buf[n] = 0;
	const char *p = strrchr(buf, ')'); /* the state follows the name */
	return p && p[1] == ' ' && p[2] == 'S';
}

/* Liveness only: wait until every sleeper counted itself, published its
 * target and sleeps on the futex, so that each opening can wake only the
 * sleepers it wakes (none returns early on a changed seq). */
static void wait_asleep(struct sleeper *s, int n)
{
	while (weir_load_seqcst(&gate.sleepers) != (uint32_t)n ||
	       weir_load_seqcst(&gate.open_at) == UINT64_MAX)
		sched_yield();
	for (int i = 0; i < n; i++) {
		while (weir_load_acquire(&s[i].tid) == 0)
			sched_yield();
		while (!asleep(weir_load_acquire(&s[i].tid)))
			sched_yield();
	}
}

static void test_sleepers_all_admitted(void **state)
{
	(void)state;
	enum { N = 6 };
	weir__gate_init(&gate, 2, 40);
	atomic_store(&counter, 0);
	_Atomic uint64_t limit;
	atomic_init(&limit, 40);
	struct sleeper s[N];
	for (int i = 0; i < N; i++) {
		s[i].target = 10 + (uint64_t)i; /* the smallest, 10, is armed */
		s[i].deadline = weir__now_ns() + 60000000000ull;
		s[i].rc = -1;
		atomic_init(&s[i].tid, 0);
		atomic_init(&s[i].done, 0);
		assert_int_equal(pthread_create(&s[i].th, NULL, sleeper_main, &s[i]), 0);
	}
	wait_asleep(s, N);
	assert_true(weir_load_seqcst(&gate.open_at) == 10);
	/* The consumer advances one at a time, notifying after each store,
	 * as a stream's worker does (ST-R3 then the gate). Every sleeper must
	 * get through by the queue's end (40) at the latest. */
	for (uint64_t v = 1; v <= 40; v++) {
		weir_store_seqcst(&counter, v);
		weir__gate_notify(&gate, v, &limit);
	}
	/* Liveness bound (not a timing): every sleeper is through well before
	 * its own deadline. */
	uint64_t until = weir__now_ns() + 20000000000ull;
	int done = 0;
	while (done < N && weir__now_ns() < until) {
		done = 0;
		for (int i = 0; i < N; i++)
			done += weir_load_acquire(&s[i].done);
		sched_yield();
	}
	assert_int_equal(done, N);
	for (int i = 0; i < N; i++) {
		assert_int_equal(pthread_join(s[i].th, NULL), 0);
		assert_int_equal(s[i].rc, WEIR_OK);
	}
	assert_int_equal(weir_load_seqcst(&gate.sleepers), 0);
}

/* A target already reached: no sleep, no count. */
static void test_reached(void **state)
{
	(void)state;
	weir__gate_init(&gate, 1, 1);
	atomic_store(&counter, 5);
	assert_int_equal(weir__gate_wait(&gate, &counter, 5, UINT64_MAX, 0), WEIR_OK);
	assert_int_equal(weir__gate_wait(&gate, &counter, 3, UINT64_MAX, 1000), WEIR_OK);
	assert_int_equal(weir_load_relaxed(&gate.sleepers), 0);
	/* A passed deadline times out without sleeping. */
	assert_int_equal(weir__gate_wait(&gate, &counter, 9, 1, 0), WEIR_ETIMEDOUT);
	assert_int_equal(weir_load_relaxed(&gate.sleepers), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rearm_steps),
		cmocka_unit_test(test_sleepers_all_admitted),
		cmocka_unit_test(test_reached),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
