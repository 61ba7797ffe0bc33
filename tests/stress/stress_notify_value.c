/*
 * Stress: notifies and memory-value waits across streams and devices.
 * 4 pairs of threads (8 threads). In pair p, the producer queues on its own
 * stream (device p % 2) rounds of: a value write of the round number into
 * the pair's word, then a record of the pair's notify. The consumer queues
 * on its own stream (the other device) a wait on the notify, a GEQ value
 * wait on the word for the same round, and a counting kernel. Every wait
 * parks and is released by the other stream; nothing may be lost or run
 * early: at the end each consumer's kernel count is the number of rounds,
 * every word holds the last round, no record is left pending, and every
 * sync returned success. Threads only record; the main thread asserts.
 */
#include "common/fixture.h"

#define NPAIR  4
#define ROUNDS 2000

struct pair {
	wt_fix_t *f;
	weir_notify_t *n;
	weir_stream_t *ps, *cs;
	_Alignas(8) uint64_t word;
	_Atomic uint64_t done;
	_Atomic uint64_t early; /* kernel saw the word below its round */
	_Atomic int bad_rc;
};

struct check_args {
	struct pair *p;
	uint64_t round;
};

static int k_check(void *args, uint32_t block, uint32_t nblocks)
{
	(void)block;
	(void)nblocks;
	struct check_args *a = args;
	if (__atomic_load_n(&a->p->word, __ATOMIC_SEQ_CST) < a->round)
		weir_faa_relaxed(&a->p->early, 1);
	weir_faa_relaxed(&a->p->done, 1);
	return 0;
}

static void note(struct pair *p, int rc)
{
	if (rc != WEIR_OK)
		weir_store_relaxed(&p->bad_rc, rc);
}

static void *producer(void *arg)
{
	struct pair *p = arg;
	for (uint64_t r = 1; r <= ROUNDS; r++) {
		note(p, weir_value_write(p->ps, &p->word, r, 0));
		note(p, weir_notify_record(p->n, p->ps));
		if ((r & 255) == 0)
			note(p, weir_stream_sync(p->ps, WEIR_TIMEOUT_INFINITE));
	}
	note(p, weir_stream_sync(p->ps, WEIR_TIMEOUT_INFINITE));
	return NULL;
}

static void *consumer(void *arg)
{
	struct pair *p = arg;
	for (uint64_t r = 1; r <= ROUNDS; r++) {
		note(p, weir_notify_wait(p->n, p->cs, 0));
		note(p, weir_value_wait(p->cs, &p->word, r, WEIR_VALUE_GEQ, 0));
		struct check_args a = { p, r };
		note(p, weir_launch(p->cs, k_check, &a, sizeof a, 1, 0));
	}
	note(p, weir_stream_sync(p->cs, WEIR_TIMEOUT_INFINITE));
	return NULL;
}

static void test_notify_value_stress(void **state)
{
	wt_fix_t *f = *state;
	static struct pair pairs[NPAIR];
	pthread_t th[2 * NPAIR];
	for (int i = 0; i < NPAIR; i++) {
		struct pair *p = &pairs[i];
		memset(p, 0, sizeof *p);
		p->f = f;
		uint32_t pd = (uint32_t)i % WT_FIX_DEVICES, cd = (pd + 1) % WT_FIX_DEVICES;
		WT_OK(weir_notify_create(f->rt, pd, &p->n));
		p->ps = wt_stream(f, pd);
		p->cs = wt_stream(f, cd);
	}
	for (int i = 0; i < NPAIR; i++) {
		assert_int_equal(pthread_create(&th[2 * i], NULL, producer, &pairs[i]), 0);
		assert_int_equal(pthread_create(&th[2 * i + 1], NULL, consumer, &pairs[i]), 0);
	}
	for (int i = 0; i < 2 * NPAIR; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < NPAIR; i++) {
		struct pair *p = &pairs[i];
		assert_int_equal(weir_load_relaxed(&p->bad_rc), WEIR_OK);
		assert_int_equal(weir_load_relaxed(&p->done), ROUNDS);
		assert_int_equal(weir_load_relaxed(&p->early), 0);
		assert_int_equal(__atomic_load_n(&p->word, __ATOMIC_SEQ_CST), ROUNDS);
		uint64_t pend = 9;
		WT_OK(weir_notify_pending(p->n, &pend));
		assert_int_equal(pend, 0);
		WT_OK(weir_notify_destroy(p->n));
		WT_OK(weir_stream_destroy(p->ps));
		WT_OK(weir_stream_destroy(p->cs));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_notify_value_stress, wt_fix_setup,
		                                wt_fix_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
