/*
 * tests/unit/test_ck_port.c - ck through base/ck.h.
 *
 * In the TSan lane base/ck.h swaps ck's inline assembly for the __atomic
 * port in base/ck_pr_tsan.h; in the other lanes ck's own assembly runs.
 * The same checks hold for both:
 *
 *  1. ck_pr primitives return what ck documents (old values, *_is_zero,
 *     cas_value's observed value), single-threaded.
 *  2. A ck_ring SPSC hand-off between two threads, with plain (non-atomic)
 *     payloads in a message pool that the producer recycles: every message
 *     arrives once, in order, with its stamp and payload intact. Under TSan
 *     this must produce no report in either direction: producer -> consumer
 *     through p_tail, consumer -> producer (slot reuse) through c_head.
 *  3. ck_ec's entry points give ck's documented values, and the threads
 *     of 2 block on ck_ec eventcounts (a futex ops table): ec32 in
 *     single-producer mode (the path base/ck.h reroutes under TSan) wakes
 *     the consumer, ec64 in multi-producer mode wakes the producer.
 *
 * Worker threads never assert (tsan.md: a cmocka failure off the main thread
 * kills the binary silently); they count what they saw and main checks it.
 */
#include "base/ck.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

/* ---- 1. primitive semantics -------------------------------------------- */

static void test_pr_semantics(void **state)
{
	(void)state;
	uint64_t u64 = 5;
	uint32_t u32 = 0;
	unsigned int ui = 1;
	int si = -1;
	uint8_t u8 = 255;
	int a = 1, b = 2;
	void *p = &a, *seen = NULL;

	assert_int_equal(ck_pr_load_64(&u64), 5);
	ck_pr_store_64(&u64, 7);
	assert_int_equal(ck_pr_faa_64(&u64, 3), 7);
	assert_int_equal(ck_pr_load_64(&u64), 10);
	assert_int_equal(ck_pr_fas_64(&u64, 1), 10);
	assert_true(ck_pr_dec_64_is_zero(&u64));
	assert_false(ck_pr_dec_64_is_zero(&u64)); /* wraps to UINT64_MAX */
	assert_true(ck_pr_inc_64_is_zero(&u64));

	assert_false(ck_pr_cas_32(&u32, 1, 2));
	assert_true(ck_pr_cas_32(&u32, 0, 9));
	uint32_t old32 = 0;
	assert_false(ck_pr_cas_32_value(&u32, 3, 4, &old32));
	assert_int_equal(old32, 9);
	assert_true(ck_pr_cas_32_value(&u32, 9, 4, &old32));
	assert_int_equal(old32, 9);
	ck_pr_or_32(&u32, 0x10);
	ck_pr_and_32(&u32, 0x14);
	ck_pr_xor_32(&u32, 0x1);
	ck_pr_add_32(&u32, 0x100);
	ck_pr_sub_32(&u32, 0x1);
	assert_int_equal(ck_pr_load_32(&u32), 0x114);

	assert_true(ck_pr_dec_uint_is_zero(&ui));
	ck_pr_inc_uint(&ui);
	assert_int_equal(ck_pr_load_uint(&ui), 1);
	assert_true(ck_pr_inc_int_is_zero(&si));
	assert_true(ck_pr_inc_8_is_zero(&u8));
	assert_int_equal(ck_pr_faa_int(&si, -4), 0);
	assert_int_equal(ck_pr_load_int(&si), -4);
	assert_false(ck_pr_neg_int_is_zero(&si));
	assert_int_equal(ck_pr_load_int(&si), 4);
	ck_pr_not_int(&si); /* derived by ck_pr.h from cas in the port */
	assert_int_equal(ck_pr_load_int(&si), ~4);
	double d = 1.5;
	ck_pr_store_double(&d, 2.5);
	assert_true(ck_pr_load_double(&d) == 2.5);

	assert_ptr_equal(ck_pr_load_ptr(&p), &a);
	assert_false(ck_pr_cas_ptr_value(&p, &b, &b, &seen));
	assert_ptr_equal(seen, &a);
	assert_true(ck_pr_cas_ptr(&p, &a, &b));
	assert_ptr_equal(ck_pr_fas_ptr(&p, &a), &b);
	ck_pr_store_ptr(&p, NULL);
	assert_null(ck_pr_load_ptr(&p));
	uintptr_t ip = 40;
	assert_int_equal(ck_pr_faa_ptr(&ip, 2), 40);
	ck_pr_inc_ptr(&ip);
	assert_int_equal(ip, 43);

	/* bit test-and-set and the backoff helper are built on the above. */
	unsigned int bits = 0;
	assert_false(ck_pr_bts_uint(&bits, 3));
	assert_true(ck_pr_bts_uint(&bits, 3));
	assert_int_equal(bits, 8);
	ck_backoff_t backoff = CK_BACKOFF_INITIALIZER;
	ck_backoff_eb(&backoff);
	assert_true(backoff > CK_BACKOFF_INITIALIZER);
	ck_pr_fence_memory();
	ck_pr_fence_strict_store_load();
	ck_pr_stall();
}

/* ---- ck_ec ops over futex ---------------------------------------------- */

static int ec_gettime(const struct ck_ec_ops *ops, struct timespec *out)
{
	(void)ops;
	return clock_gettime(CLOCK_MONOTONIC, out);
}

static void futex_wait_abs(const uint32_t *addr, uint32_t expected, const struct timespec *deadline)
{
	/* May return early (EINTR, EAGAIN, ETIMEDOUT): ck_ec re-checks. */
	(void)syscall(SYS_futex, addr, FUTEX_WAIT_BITSET_PRIVATE, expected, deadline, NULL,
	              FUTEX_BITSET_MATCH_ANY);
}

static void ec_wait32(const struct ck_ec_wait_state *st, const uint32_t *addr, uint32_t expected,
                      const struct timespec *deadline)
{
	(void)st;
	futex_wait_abs(addr, expected, deadline);
}

static void ec_wait64(const struct ck_ec_wait_state *st, const uint64_t *addr, uint64_t expected,
                      const struct timespec *deadline)
{
	(void)st;
	/* x86-64 is little endian: the futex word is the low half. */
	futex_wait_abs((const uint32_t *)addr, (uint32_t)expected, deadline);
}

static void ec_wake32(const struct ck_ec_ops *ops, const uint32_t *addr)
{
	(void)ops;
	(void)syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

static void ec_wake64(const struct ck_ec_ops *ops, const uint64_t *addr)
{
	ec_wake32(ops, (const uint32_t *)addr);
}

static const struct ck_ec_ops ec_ops = {
	.gettime = ec_gettime,
	.wait32 = ec_wait32,
	.wait64 = ec_wait64,
	.wake32 = ec_wake32,
	.wake64 = ec_wake64,
	.busy_loop_iter = 16,
	.initial_wait_ns = 100000,
};
static const struct ck_ec_mode ec_sp = { .ops = &ec_ops, .single_producer = true };
static const struct ck_ec_mode ec_mp = { .ops = &ec_ops, .single_producer = false };

/* The generic and single-producer ck_ec entry points (rerouted by
 * base/ck.h under TSan) keep ck's documented results. */
static void test_ec_entry_points(void **state)
{
	(void)state;
	struct ck_ec32 e32;
	struct ck_ec64 e64;

	ck_ec_init(&e32, 7);
	ck_ec_init(&e64, 7);
	ck_ec_inc(&e32, &ec_sp);
	ck_ec_inc(&e64, &ec_sp);
	assert_int_equal(ck_ec_add(&e32, &ec_sp, 5), 8);
	assert_int_equal(ck_ec_add(&e64, &ec_mp, 5), 8);
	assert_int_equal(ck_ec32_add(&e32, &ec_mp, 1), 13);
	assert_int_equal(ck_ec64_add(&e64, &ec_sp, 1), 13);
	assert_int_equal(ck_ec_value(&e32), 14);
	assert_int_equal(ck_ec_value(&e64), 14);
	assert_false(ck_ec_has_waiters(&e32));
	/* Changed value: wait returns at once, without the ops' futex. */
	assert_int_equal(ck_ec_wait(&e32, &ec_sp, 13, NULL), 0);
	assert_int_equal(ck_ec_wait(&e64, &ec_mp, 13, NULL), 0);
}

/* ---- 2+3. SPSC ring hand-off ------------------------------------------- */

#define RING_SIZE 256u /* power of two; holds RING_SIZE - 1 */
#define POOL_SIZE 512u /* > RING_SIZE, so a slot is reused only after its consumer is done */
#define N_MSGS    100000u
#define MSG_MAGIC 0x5745495243u /* "WEIRC" */

struct msg {
	uint64_t magic;
	uint64_t seq;
	uint64_t payload[6];
};

static uint64_t payload_word(uint64_t seq, unsigned k)
{
	return (seq + 1) * 0x9e3779b97f4a7c15ull ^ ((uint64_t)k << 56);
}

struct spsc {
	struct ck_ring ring;   /* A: ck_ring's own indices */
	ck_ring_buffer_t *buf; /* I: slots, written through ck_ring only */
	struct msg *pool;      /* plain: ownership passes through the ring */
	struct ck_ec32 items;  /* A: bumped after each enqueue (consumer sleeps on it) */
	struct ck_ec64 space;  /* A: bumped after each dequeue (producer sleeps on it) */
	/* Results, written by the consumer, read by main after join. */
	uint64_t received, bad_magic, bad_seq, bad_payload;
	uint64_t producer_waits, consumer_waits;
};

static void *producer_main(void *arg)
{
	struct spsc *q = arg;

	for (uint64_t i = 0; i < N_MSGS; i++) {
		struct msg *m = &q->pool[i % POOL_SIZE];

		/* Plain writes: the slot's previous consumer has finished with
		 * it (it dequeued >= POOL_SIZE - RING_SIZE later messages, and
		 * each dequeue releases c_head, which our enqueue acquires). */
		m->magic = MSG_MAGIC;
		m->seq = i;
		for (unsigned k = 0; k < 6; k++)
			m->payload[k] = payload_word(i, k);
		for (;;) {
			uint64_t seen = ck_ec64_value(&q->space);

			if (ck_ring_enqueue_spsc(&q->ring, q->buf, m))
				break;
			q->producer_waits++;
			(void)ck_ec64_wait(&q->space, &ec_mp, seen, NULL);
		}
		ck_ec32_inc(&q->items, &ec_sp);
	}
	return NULL;
}

static void *consumer_main(void *arg)
{
	struct spsc *q = arg;

	for (uint64_t want = 0; want < N_MSGS; want++) {
		struct msg *m;

		for (;;) {
			uint32_t seen = ck_ec32_value(&q->items);

			if (ck_ring_dequeue_spsc(&q->ring, q->buf, &m))
				break;
			q->consumer_waits++;
			(void)ck_ec32_wait(&q->items, &ec_sp, seen, NULL);
		}
		if (m->magic != MSG_MAGIC)
			q->bad_magic++;
		if (m->seq != want)
			q->bad_seq++;
		for (unsigned k = 0; k < 6; k++)
			if (m->payload[k] != payload_word(m->seq, k))
				q->bad_payload++;
		m->magic = 0; /* consumed: a duplicate delivery would show up as bad_magic */
		q->received++;
		ck_ec64_inc(&q->space, &ec_mp);
	}
	return NULL;
}

static void test_spsc_ring_with_ec(void **state)
{
	(void)state;
	struct spsc *q = calloc(1, sizeof(*q));
	assert_non_null(q);
	q->buf = calloc(RING_SIZE, sizeof(*q->buf));
	q->pool = calloc(POOL_SIZE, sizeof(*q->pool));
	assert_non_null(q->buf);
	assert_non_null(q->pool);
	ck_ring_init(&q->ring, RING_SIZE);
	ck_ec32_init(&q->items, 0);
	ck_ec64_init(&q->space, 0);

	pthread_t prod, cons;
	assert_int_equal(pthread_create(&cons, NULL, consumer_main, q), 0);
	assert_int_equal(pthread_create(&prod, NULL, producer_main, q), 0);
	assert_int_equal(pthread_join(prod, NULL), 0);
	assert_int_equal(pthread_join(cons, NULL), 0);

	assert_int_equal(q->received, N_MSGS);
	assert_int_equal(q->bad_magic, 0);
	assert_int_equal(q->bad_seq, 0);
	assert_int_equal(q->bad_payload, 0);
	assert_int_equal(ck_ring_size(&q->ring), 0);
	assert_int_equal(ck_ec32_value(&q->items), N_MSGS);
	assert_int_equal(ck_ec64_value(&q->space), N_MSGS);
	print_message(
	        "ck_ring spsc: %u msgs, producer waits %llu, consumer waits %llu (port: %s)\n",
	        N_MSGS, (unsigned long long)q->producer_waits,
	        (unsigned long long)q->consumer_waits, WEIR_CK_TSAN_PORT ? "__atomic" : "ck asm");
	free(q->pool);
	free(q->buf);
	free(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pr_semantics),
		cmocka_unit_test(test_ec_entry_points),
		cmocka_unit_test(test_spsc_ring_with_ec),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
