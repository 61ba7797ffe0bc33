/*
 * base/rcu.h - liburcu (memb flavour) as weir uses it, exact under TSan.
 *
 * Readers: weir__rcu_read_lock()/unlock(). Any thread may call them; the
 * calling thread is registered with liburcu on first use and unregistered at
 * thread exit, so embedders never register threads themselves.
 * Writers: unpublish (weir_rcu_assign / registry removal), then either
 * weir__rcu_synchronize() or weir__rcu_call() to reclaim.
 *
 * ThreadSanitizer (shared/design/tsan.md): liburcu 0.13 is not instrumented,
 * so the wrappers add one happens-before edge through a single sync object:
 * release before every read unlock, acquire after every grace period and at
 * the top of every call_rcu callback (weir__rcu_call wraps the callback),
 * plus a release/acquire pair on each queued callback node.
 * Pointers are published with a release store and read with an acquire load.
 */
#ifndef WEIR_BASE_RCU_H
#define WEIR_BASE_RCU_H

#include <stdatomic.h>
#include <urcu/urcu-memb.h>
#include <urcu/call-rcu.h>

struct weir_rcu_head {
	struct rcu_head head;
	void (*fn)(struct weir_rcu_head *);
};

void weir__rcu_read_lock(void);
void weir__rcu_read_unlock(void);
/* Wait for every read-side section that began before this call. Must not be
 * called inside a read-side section. */
void weir__rcu_synchronize(void);
/* Run fn(h) after a grace period, on liburcu's call_rcu thread. */
void weir__rcu_call(struct weir_rcu_head *h, void (*fn)(struct weir_rcu_head *));
/* Wait until every weir__rcu_call() queued so far has run. */
void weir__rcu_barrier(void);

/* A: acquire - reads an RCU-published pointer; pairs with weir_rcu_assign. */
#define weir_rcu_deref(p) atomic_load_explicit(&(p), memory_order_acquire)
/* R: release - publishes a fully built object; pairs with weir_rcu_deref. */
#define weir_rcu_assign(p, v) atomic_store_explicit(&(p), (v), memory_order_release)

#endif
