/*
 * base/rcu.c - liburcu wrappers: automatic reader registration and TSan
 * happens-before annotations (see rcu.h and shared/design/tsan.md).
 */
#if defined(WEIR_URCU_LGPL)
#define _LGPL_SOURCE
#endif
#include "base/rcu.h"
#include "base/tsan.h"
#include "base/die.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

/* The one TSan sync object standing for "a grace period separates these". */
static char weir_rcu_gp;

static pthread_key_t weir_rcu_key;
static pthread_once_t weir_rcu_once = PTHREAD_ONCE_INIT;
static _Thread_local bool weir_rcu_registered;

static void weir_rcu_thread_exit(void *arg)
{
	(void)arg;
	if (weir_rcu_registered) {
		urcu_memb_unregister_thread();
		weir_rcu_registered = false;
	}
}

static void weir_rcu_init_key(void)
{
	if (pthread_key_create(&weir_rcu_key, weir_rcu_thread_exit) != 0) {
		weir__die("pthread_key_create");
	}
}

static void weir_rcu_register(void)
{
	pthread_once(&weir_rcu_once, weir_rcu_init_key);
	urcu_memb_register_thread();
	weir_rcu_registered = true;
	/* Any non-NULL value makes the key destructor run at thread exit. */
	pthread_setspecific(weir_rcu_key, &weir_rcu_gp);
}

void weir__rcu_read_lock(void)
{
	if (__builtin_expect(!weir_rcu_registered, 0))
		weir_rcu_register();
	urcu_memb_read_lock();
}

void weir__rcu_read_unlock(void)
{
	weir_tsan_release(&weir_rcu_gp);
	urcu_memb_read_unlock();
}

void weir__rcu_synchronize(void)
{
	urcu_memb_synchronize_rcu();
	weir_tsan_acquire(&weir_rcu_gp);
}

static void weir_rcu_trampoline(struct rcu_head *head)
{
	struct weir_rcu_head *h = caa_container_of(head, struct weir_rcu_head, head);
	/* Callbacks run on liburcu's own call_rcu thread, which liburcu has
	 * registered: a callback that queues another one must not register
	 * it again (nor unregister it at exit: no key destructor is set). */
	weir_rcu_registered = true;
	weir_tsan_acquire(&weir_rcu_gp);
	weir_tsan_acquire(h); /* pairs with the release in weir__rcu_call */
	h->fn(h);
}

void weir__rcu_call(struct weir_rcu_head *h, void (*fn)(struct weir_rcu_head *))
{
	/* call_rcu needs a registered thread in the memb flavour. */
	if (__builtin_expect(!weir_rcu_registered, 0))
		weir_rcu_register();
	h->fn = fn;
	/* liburcu's callback queue is uninstrumented: hand the node (and all
	 * this thread did before) to the callback explicitly (tsan.md). */
	weir_tsan_release(h);
	urcu_memb_call_rcu(&h->head, weir_rcu_trampoline);
}

void weir__rcu_barrier(void)
{
	if (__builtin_expect(!weir_rcu_registered, 0))
		weir_rcu_register();
	urcu_memb_barrier();
	weir_tsan_acquire(&weir_rcu_gp);
}
