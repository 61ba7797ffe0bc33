/*
 * tests/canary/canary_race.c - a planted data race the TSan lane MUST report.
 *
 * Not a CTest test: scripts/test.sh runs it in the TSan lane and fails the
 * whole run if ThreadSanitizer stays silent (a lane that cannot fail is worse
 * than none; shared/design/reliability.md). Both races are unordered by
 * happens-before in every interleaving, so detection does not depend on
 * timing.
 *
 *   canary_race plain    two threads bump one counter with no synchronisation
 *   canary_race ck_ring  a ck_ring SPSC hand-off (through base/ck.h, i.e. the
 *                        __atomic ck_pr port in the TSan lane) where the
 *                        producer writes the payload *after* publishing it;
 *                        proves the port keeps ck code checkable
 *
 * The racy accesses are volatile so that no optimiser removes them
 * (shared/design/tsan.md). Exit status 0 means no sanitizer stopped the
 * program, i.e. the canary was NOT caught.
 */
#include "base/ck.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

static volatile long plain_counter;

static void *plain_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < 1000; i++)
		plain_counter = plain_counter + 1; /* RACE: plain read-modify-write */
	return NULL;
}

static int run_plain(void)
{
	pthread_t t[2];

	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, plain_worker, NULL) != 0)
			return 2;
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	printf("canary_race plain: counter=%ld (no report means the lane is blind)\n",
	       plain_counter);
	return 0;
}

struct payload {
	volatile long value;
};

static struct ck_ring ring;
static ck_ring_buffer_t slots[8];
static struct payload item;

static void *producer(void *arg)
{
	(void)arg;
	while (!ck_ring_enqueue_spsc(&ring, slots, &item))
		sched_yield();
	item.value = 42; /* RACE: written after the release that publishes it */
	return NULL;
}

static void *consumer(void *arg)
{
	struct payload *p = NULL;
	long *out = arg;

	/* Bounded: about 10^6 yields, far more than the producer needs. */
	for (long spins = 0; spins < 1000000; spins++) {
		if (ck_ring_dequeue_spsc(&ring, slots, &p))
			break;
		sched_yield();
	}
	*out = p != NULL ? p->value : -1; /* RACE: reads the late write */
	return NULL;
}

static int run_ck_ring(void)
{
	pthread_t prod, cons;
	long seen = 0;

	ck_ring_init(&ring, 8);
	if (pthread_create(&cons, NULL, consumer, &seen) != 0 ||
	    pthread_create(&prod, NULL, producer, NULL) != 0)
		return 2;
	pthread_join(prod, NULL);
	pthread_join(cons, NULL);
	printf("canary_race ck_ring: consumer saw %ld (no report means the lane is blind)\n", seen);
	return seen == -1 ? 2 : 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "plain";

	if (strcmp(mode, "plain") == 0)
		return run_plain();
	if (strcmp(mode, "ck_ring") == 0)
		return run_ck_ring();
	fprintf(stderr, "usage: canary_race [plain|ck_ring]\n");
	return 2;
}
