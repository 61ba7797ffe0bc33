/*
 * test_bqueue.c - base/bqueue.h, the bounded MPMC queue: exact capacity,
 * FIFO order, time-outs, stop (B4), held pops, drain, and a small
 * multi-producer/multi-consumer run in which every item arrives once.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include <sched.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "base/bqueue.h"
#include "weir/status.h"

static void test_capacity_order(void **state)
{
	(void)state;
	struct weir_bq q;
	assert_int_equal(weir__bq_init(&q, 3), WEIR_OK);
	for (uintptr_t i = 1; i <= 3; i++)
		assert_int_equal(weir__bq_push(&q, (void *)i, 0), WEIR_OK);
	assert_int_equal(weir__bq_size(&q), 3);
	assert_int_equal(weir__bq_push(&q, (void *)4, 0), WEIR_EAGAIN);
	assert_int_equal(weir__bq_push(&q, (void *)4, 2000000), WEIR_ETIMEDOUT);
	void *v;
	for (uintptr_t i = 1; i <= 3; i++) {
		assert_int_equal(weir__bq_pop(&q, &v, 0), WEIR_OK);
		assert_ptr_equal(v, (void *)i);
	}
	assert_int_equal(weir__bq_pop(&q, &v, 0), WEIR_EAGAIN);
	assert_int_equal(weir__bq_pop(&q, &v, 1000000), WEIR_ETIMEDOUT);
	/* wrap around the ring several times */
	for (uintptr_t i = 1; i <= 100; i++) {
		assert_int_equal(weir__bq_push(&q, (void *)i, 0), WEIR_OK);
		assert_int_equal(weir__bq_pop(&q, &v, 0), WEIR_OK);
		assert_ptr_equal(v, (void *)i);
	}
	weir__bq_fini(&q);
}

static void count(void *item, void *arg)
{
	*(size_t *)arg += (uintptr_t)item;
}

static void test_hold_and_drain(void **state)
{
	(void)state;
	struct weir_bq q;
	assert_int_equal(weir__bq_init(&q, 2), WEIR_OK);
	assert_int_equal(weir__bq_push(&q, (void *)1, 0), WEIR_OK);
	assert_int_equal(weir__bq_push(&q, (void *)2, 0), WEIR_OK);
	void *v;
	assert_true(weir__bq_pop_hold(&q, &v));
	assert_ptr_equal(v, (void *)1);
	/* the space is still held: the queue stays full for pushes */
	assert_int_equal(weir__bq_push(&q, (void *)3, 0), WEIR_EAGAIN);
	weir__bq_push_held(&q, v); /* back at the tail */
	assert_int_equal(weir__bq_pop(&q, &v, 0), WEIR_OK);
	assert_ptr_equal(v, (void *)2);
	assert_true(weir__bq_pop_hold(&q, &v));
	assert_ptr_equal(v, (void *)1);
	weir__bq_release_space(&q);
	assert_int_equal(weir__bq_size(&q), 0);
	assert_int_equal(weir__bq_push(&q, (void *)5, 0), WEIR_OK);
	assert_int_equal(weir__bq_push(&q, (void *)6, 0), WEIR_OK);
	size_t seen = 0;
	assert_int_equal(weir__bq_drain(&q, count, &seen), 2);
	assert_int_equal(seen, 11);
	weir__bq_fini(&q);
}

struct waiter {
	struct weir_bq *q;
	int push; /* 1: push into a full queue, 0: pop from an empty one */
	int st;
};

static void *waiter_main(void *p)
{
	struct waiter *w = p;
	void *v;
	w->st = w->push ? weir__bq_push(w->q, (void *)9, -1) : weir__bq_pop(w->q, &v, -1);
	return NULL;
}

static void test_stop_wakes(void **state)
{
	(void)state;
	struct weir_bq full, empty;
	assert_int_equal(weir__bq_init(&full, 1), WEIR_OK);
	assert_int_equal(weir__bq_init(&empty, 1), WEIR_OK);
	assert_int_equal(weir__bq_push(&full, (void *)1, 0), WEIR_OK);
	struct waiter a = { &full, 1, 99 }, b = { &empty, 0, 99 };
	pthread_t ta, tb;
	pthread_create(&ta, NULL, waiter_main, &a);
	pthread_create(&tb, NULL, waiter_main, &b);
	struct timespec ts = { 0, 20000000 };
	nanosleep(&ts, NULL);
	weir__bq_stop(&full);
	weir__bq_stop(&empty);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	assert_int_equal(a.st, WEIR_ESTATE);
	assert_int_equal(b.st, WEIR_ESTATE);
	/* B4: a stopped queue still gives what it holds, then fails */
	void *v;
	assert_int_equal(weir__bq_pop(&full, &v, -1), WEIR_OK);
	assert_ptr_equal(v, (void *)1);
	assert_int_equal(weir__bq_pop(&full, &v, -1), WEIR_ESTATE);
	assert_int_equal(weir__bq_push(&full, (void *)2, 0), WEIR_ESTATE);
	assert_true(weir__bq_stopped(&full));
	weir__bq_fini(&full);
	weir__bq_fini(&empty);
}

#define MP_THREADS 4
#define MP_ITEMS   20000

struct mp {
	struct weir_bq *q;
	uintptr_t base;
	unsigned char *seen;
	_Atomic uint64_t *popped;
	uint64_t bad;
};

static void *mp_producer(void *p)
{
	struct mp *m = p;
	for (uintptr_t i = 0; i < MP_ITEMS; i++)
		if (weir__bq_push(m->q, (void *)(m->base + i + 1), -1) != WEIR_OK)
			m->bad++;
	return NULL;
}

static void *mp_consumer(void *p)
{
	struct mp *m = p;
	for (;;) {
		void *v;
		int st = weir__bq_pop(m->q, &v, -1);
		if (st == WEIR_ESTATE)
			return NULL;
		if (st != WEIR_OK) {
			m->bad++;
			continue;
		}
		uintptr_t k = (uintptr_t)v - 1;
		/* each item has its own byte: a duplicate shows as 2 */
		__atomic_fetch_add(&m->seen[k], 1, __ATOMIC_RELAXED);
		weir_faa_relaxed(m->popped, 1);
	}
}

static void test_mpmc_exactly_once(void **state)
{
	(void)state;
	struct weir_bq q;
	assert_int_equal(weir__bq_init(&q, 5), WEIR_OK);
	unsigned char *seen = calloc(MP_THREADS * MP_ITEMS, 1);
	_Atomic uint64_t popped = 0;
	struct mp p[MP_THREADS], c[MP_THREADS];
	pthread_t tp[MP_THREADS], tc[MP_THREADS];
	for (int i = 0; i < MP_THREADS; i++) {
		c[i] = (struct mp){ &q, 0, seen, &popped, 0 };
		pthread_create(&tc[i], NULL, mp_consumer, &c[i]);
	}
	for (int i = 0; i < MP_THREADS; i++) {
		p[i] = (struct mp){ &q, (uintptr_t)i * MP_ITEMS, seen, &popped, 0 };
		pthread_create(&tp[i], NULL, mp_producer, &p[i]);
	}
	for (int i = 0; i < MP_THREADS; i++)
		pthread_join(tp[i], NULL);
	/* bounded: a lost or stuck item fails here (the watchdog catches a
	 * caller stuck inside the queue) */
	for (int i = 0; i < 20000 && weir_load_relaxed(&popped) < (uint64_t)MP_THREADS * MP_ITEMS;
	     i++)
		usleep(1000);
	if (weir_load_relaxed(&popped) != (uint64_t)MP_THREADS * MP_ITEMS)
		fail_msg("%llu of %d items arrived", (unsigned long long)weir_load_relaxed(&popped),
		         MP_THREADS * MP_ITEMS);
	weir__bq_stop(&q);
	for (int i = 0; i < MP_THREADS; i++)
		pthread_join(tc[i], NULL);
	for (int i = 0; i < MP_THREADS; i++) {
		assert_int_equal(p[i].bad, 0);
		assert_int_equal(c[i].bad, 0);
	}
	for (size_t k = 0; k < (size_t)MP_THREADS * MP_ITEMS; k++)
		if (seen[k] != 1)
			fail_msg("item %zu arrived %u times", k, (unsigned)seen[k]);
	free(seen);
	weir__bq_fini(&q);
}

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "test_bqueue: watchdog expired (a queue call hung)\n";
	ssize_t w = write(2, msg, sizeof msg - 1);
	(void)w;
	_exit(1);
}

int main(void)
{
	signal(SIGALRM, on_alarm);
	alarm(120);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capacity_order),
		cmocka_unit_test(test_hold_and_drain),
		cmocka_unit_test(test_stop_wakes),
		cmocka_unit_test(test_mpmc_exactly_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
