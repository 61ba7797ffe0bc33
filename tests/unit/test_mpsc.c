/*
 * test_mpsc.c - base/mpsc.h, weir's one MPSC stack: push, chain push,
 * take-all and the reversal into FIFO order (M1-M4), the reversal fed
 * every layout it meets in weir: elements one pool step apart in either
 * direction, two interleaved lists, a random permutation, elements far
 * apart and separately allocated ones. Then producers on several threads
 * against one consumer: every element taken exactly once, each producer's
 * elements in its own order (M4 for chains).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include <sched.h>
#include <string.h>

#include "base/mpsc.h"

struct elem {
	struct elem *next;
	uint32_t producer;
	uint32_t seq;
	unsigned char pad[112]; /* 128 bytes, as a task record */
};

WEIR_MPSC_DEFINE(el, struct elem, next)

/* Push `n` elements (pointers in push order) one by one, take, reverse,
 * and check that the FIFO is exactly the push order, with tail and count. */
static void check_roundtrip(struct elem **order, uint32_t n)
{
	_Atomic(struct elem *) top;
	atomic_init(&top, NULL);
	for (uint32_t i = 0; i < n; i++) {
		order[i]->seq = i;
		el_push(&top, order[i], order[i]);
	}
	struct elem *list = el_take_all(&top);
	assert_null(atomic_load(&top));
	struct elem *tail = (void *)1;
	uint32_t count = 12345;
	struct elem *head = el_reverse(list, &tail, &count);
	assert_int_equal(count, n);
	if (n == 0) {
		assert_null(head);
		assert_null(tail);
		return;
	}
	assert_ptr_equal(tail, order[n - 1]);
	assert_null(tail->next);
	uint32_t i = 0;
	for (struct elem *e = head; e; e = e->next, i++) {
		assert_true(i < n);
		assert_ptr_equal(e, order[i]);
		assert_int_equal(e->seq, i);
	}
	assert_int_equal(i, n);
}

enum { N = 1000 };

static void test_layouts(void **state)
{
	(void)state;
	struct elem *arr = calloc(2 * N, sizeof *arr);
	struct elem **order = calloc(2 * N, sizeof *order);
	assert_non_null(arr);
	assert_non_null(order);

	/* Empty and one element. */
	check_roundtrip(order, 0);
	order[0] = &arr[0];
	check_roundtrip(order, 1);

	/* One step apart, ascending and descending addresses. */
	for (uint32_t i = 0; i < N; i++)
		order[i] = &arr[i];
	check_roundtrip(order, N);
	for (uint32_t i = 0; i < N; i++)
		order[i] = &arr[N - 1 - i];
	check_roundtrip(order, N);

	/* Two lists fed from one array, interleaved (steps 1, 4, 1, ...):
	 * S4's event ping-pong, one pool feeding two streams. */
	uint32_t k = 0;
	for (uint32_t i = 0; i + 6 <= 2 * N; i += 6) {
		order[k++] = &arr[i];
		order[k++] = &arr[i + 4];
		order[k++] = &arr[i + 5];
	}
	check_roundtrip(order, k);

	/* A random permutation: the stride guess is always wrong. */
	srand(42);
	for (uint32_t i = 0; i < 2 * N; i++)
		order[i] = &arr[i];
	for (uint32_t i = 2 * N - 1; i > 0; i--) {
		uint32_t j = (uint32_t)rand() % (i + 1);
		struct elem *t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	check_roundtrip(order, 2 * N);

	/* The first and last elements of the array alternating: steps of
	 * +-2N elements. */
	k = 0;
	for (uint32_t i = 0; i < N / 2; i++) {
		order[k++] = &arr[i];
		order[k++] = &arr[2 * N - 1 - i];
	}
	check_roundtrip(order, k);
	free(order);
	free(arr);

	/* Separately allocated elements. */
	struct elem *own[64];
	for (uint32_t i = 0; i < 64; i++) {
		own[i] = calloc(1, sizeof(struct elem));
		assert_non_null(own[i]);
	}
	check_roundtrip(own, 64);
	for (uint32_t i = 0; i < 64; i++)
		free(own[i]);
}

/* M4: a chain pushed with one CAS stays contiguous and keeps its order. */
static void test_chain_push(void **state)
{
	(void)state;
	struct elem e[10];
	memset(e, 0, sizeof e);
	_Atomic(struct elem *) top;
	atomic_init(&top, NULL);
	el_push(&top, &e[0], &e[0]);
	/* The chain e[3] -> e[2] -> e[1] (newest first, as single pushes of
	 * e[1], e[2], e[3] would leave them). */
	e[3].next = &e[2];
	e[2].next = &e[1];
	el_push(&top, &e[3], &e[1]);
	el_push_seqcst(&top, &e[4], &e[4]);
	uint32_t n = 0;
	struct elem *tail = NULL;
	struct elem *h = el_reverse(el_take_all(&top), &tail, &n);
	assert_int_equal(n, 5);
	assert_ptr_equal(tail, &e[4]);
	for (uint32_t i = 0; i < 5; i++, h = h->next)
		assert_ptr_equal(h, &e[i]);
	assert_null(h);
	/* reverse with NULL tail / count pointers. */
	el_push(&top, &e[5], &e[5]);
	el_push(&top, &e[6], &e[6]);
	h = el_reverse(el_take_all(&top), NULL, NULL);
	assert_ptr_equal(h, &e[5]);
	assert_ptr_equal(h->next, &e[6]);
	assert_null(h->next->next);
}

/* M1-M3 under contention: P producers push their elements (alone or as
 * chains of 3) while the consumer takes and reverses; every element is
 * seen once and each producer's in its push order. */
enum { P = 4, PER = 20000 };

struct prod {
	_Atomic(struct elem *) *top;
	struct elem *elems;
	uint32_t id;
};

static void *producer(void *arg)
{
	struct prod *p = arg;
	for (uint32_t i = 0; i < PER;) {
		struct elem *e = &p->elems[i];
		e->producer = p->id;
		e->seq = i;
		if (i % 7 == 0 && i + 3 <= PER) {
			/* A chain of 3, newest first. */
			for (uint32_t c = 1; c < 3; c++) {
				p->elems[i + c].producer = p->id;
				p->elems[i + c].seq = i + c;
				p->elems[i + c].next = &p->elems[i + c - 1];
			}
			el_push(p->top, &p->elems[i + 2], &p->elems[i]);
			i += 3;
		} else {
			el_push(p->top, e, e);
			i++;
		}
	}
	return NULL;
}

static void test_producers(void **state)
{
	(void)state;
	_Atomic(struct elem *) top;
	atomic_init(&top, NULL);
	struct prod pr[P];
	pthread_t th[P];
	for (uint32_t i = 0; i < P; i++) {
		pr[i] = (struct prod){ &top, calloc(PER, sizeof(struct elem)), i };
		assert_non_null(pr[i].elems);
		assert_int_equal(pthread_create(&th[i], NULL, producer, &pr[i]), 0);
	}
	uint32_t next_seq[P] = { 0 };
	uint64_t seen = 0;
	while (seen < (uint64_t)P * PER) {
		uint32_t n = 0;
		struct elem *tail = NULL;
		struct elem *h = el_reverse(el_take_all(&top), &tail, &n);
		uint32_t walked = 0;
		for (struct elem *e = h; e; e = e->next, walked++) {
			assert_true(e->producer < P);
			assert_int_equal(e->seq, next_seq[e->producer]);
			next_seq[e->producer]++;
			if (!e->next)
				assert_ptr_equal(e, tail);
		}
		assert_int_equal(walked, n);
		seen += n;
		if (n == 0)
			sched_yield(); /* let the producers run (2 CPUs) */
	}
	for (uint32_t i = 0; i < P; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(next_seq[i], PER);
		free(pr[i].elems);
	}
	assert_null(atomic_load(&top));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layouts),
		cmocka_unit_test(test_chain_push),
		cmocka_unit_test(test_producers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
