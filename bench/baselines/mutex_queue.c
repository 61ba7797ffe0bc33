/*
 * bench/baselines/mutex_queue.c - the classic bounded queue: one mutex, a
 * "not empty" and a "not full" condition variable, one worker thread that
 * sleeps when the queue is empty. Everything under `mu`. See baselines.h.
 */
#include "baselines/baselines.h"

#include <pthread.h>
#include <stdlib.h>

struct bl_mq {
	pthread_mutex_t mu;
	pthread_cond_t not_empty, not_full, idle;
	bl_task_t *slots;          /* L: mu */
	unsigned cap, head, count; /* L: mu */
	uint64_t pushed, ran;      /* L: mu */
	unsigned waiters;          /* L: mu - threads in bl_mq_wait() */
	unsigned full_waiters;     /* L: mu - producers waiting for room */
	bool stop;                 /* L: mu */
	int cpu;
	pthread_t th;
};

static void *mq_worker(void *p)
{
	struct bl_mq *q = p;
	if (q->cpu >= 0)
		wb_pin_self((unsigned)q->cpu);
	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (q->count == 0 && !q->stop)
			pthread_cond_wait(&q->not_empty, &q->mu);
		if (q->count == 0 && q->stop)
			break;
		bl_task_t t = q->slots[q->head];
		q->head = (q->head + 1) % q->cap;
		q->count--;
		if (q->full_waiters)
			pthread_cond_signal(&q->not_full);
		pthread_mutex_unlock(&q->mu);
		t.fn(t.arg);
		pthread_mutex_lock(&q->mu);
		if (++q->ran == q->pushed || q->waiters)
			pthread_cond_broadcast(&q->idle);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

bl_mq_t *bl_mq_create(unsigned capacity, int cpu)
{
	struct bl_mq *q = calloc(1, sizeof *q);
	if (!q)
		return NULL;
	q->slots = calloc(capacity, sizeof *q->slots);
	if (!q->slots) {
		free(q);
		return NULL;
	}
	q->cap = capacity;
	q->cpu = cpu;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->not_empty, NULL);
	pthread_cond_init(&q->not_full, NULL);
	pthread_cond_init(&q->idle, NULL);
	if (pthread_create(&q->th, NULL, mq_worker, q) != 0) {
		free(q->slots);
		free(q);
		return NULL;
	}
	return q;
}

void bl_mq_destroy(bl_mq_t *q)
{
	if (!q)
		return;
	pthread_mutex_lock(&q->mu);
	q->stop = true;
	pthread_cond_signal(&q->not_empty);
	pthread_mutex_unlock(&q->mu);
	pthread_join(q->th, NULL);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->not_empty);
	pthread_cond_destroy(&q->not_full);
	pthread_cond_destroy(&q->idle);
	free(q->slots);
	free(q);
}

void bl_mq_push(bl_mq_t *q, bl_task_fn fn, void *arg)
{
	pthread_mutex_lock(&q->mu);
	while (q->count == q->cap) {
		q->full_waiters++;
		pthread_cond_wait(&q->not_full, &q->mu);
		q->full_waiters--;
	}
	q->slots[(q->head + q->count) % q->cap] = (bl_task_t){ fn, arg };
	if (q->count++ == 0)
		pthread_cond_signal(&q->not_empty);
	q->pushed++;
	pthread_mutex_unlock(&q->mu);
}

void bl_mq_wait(bl_mq_t *q)
{
	pthread_mutex_lock(&q->mu);
	uint64_t want = q->pushed;
	q->waiters++;
	while (q->ran < want)
		pthread_cond_wait(&q->idle, &q->mu);
	q->waiters--;
	pthread_mutex_unlock(&q->mu);
}

bool bl_mq_idle(bl_mq_t *q)
{
	pthread_mutex_lock(&q->mu);
	bool idle = q->ran == q->pushed;
	pthread_mutex_unlock(&q->mu);
	return idle;
}
