/*
 * acl_compat/acl_registry.c - the facade's handle registry: one cds_lfht
 * keyed by handle value (see acl_state.h for the invariants it keeps).
 * The table is created on first use and lives for the whole process, so a
 * stray call after aclFinalize still finds a valid (empty) table.
 */
#include "acl_compat/acl_state.h"
#include "sched/alloc.h"
#include "sched/atomic.h"
#include "sched/tsan.h"

/* A: set once by weir__acl_reg_init() (under the facade lock), never freed. */
static struct cds_lfht *_Atomic weir_acl_ht;

bool weir__acl_reg_init(void)
{
	if (weir_load_acquire(&weir_acl_ht)) /* A1: pairs with R1 */
		return true;
	struct cds_lfht *ht = cds_lfht_new_flavor(64, 64, 0,
	                                          CDS_LFHT_AUTO_RESIZE | CDS_LFHT_ACCOUNTING,
	                                          &urcu_memb_flavor, NULL);
	if (!ht)
		return false;
	/* R1: release - publishes the table; pairs with A1 and A2. */
	weir_store_release(&weir_acl_ht, ht);
	return true;
}

/* NULL before the first aclInit: every lookup then fails. */
static struct cds_lfht *weir_acl_table(void)
{
	return weir_load_acquire(&weir_acl_ht); /* A2: pairs with R1 */
}

static unsigned long weir_acl_hash(const void *h)
{
	uint64_t x = (uint64_t)(uintptr_t)h;
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return (unsigned long)x;
}

/* Invariant 2: compares addresses only. */
static int weir_acl_match(struct cds_lfht_node *node, const void *key)
{
	const struct weir_acl_obj *o = caa_container_of(node, struct weir_acl_obj, node);
	return (const void *)o == key;
}

void weir__acl_reg_add(struct weir_acl_obj *o, uint32_t type)
{
	struct cds_lfht *ht = weir_acl_table();
	o->type = type;
	cds_lfht_node_init(&o->node);
	/* Invariant 1: release the object's fields; pairs with the acquire in
	 * weir__acl_reg_lookup_locked() and weir__acl_reg_clear(). */
	weir_tsan_release(o);
	weir__rcu_read_lock();
	cds_lfht_add(ht, weir_acl_hash(o), &o->node);
	weir__rcu_read_unlock();
}

bool weir__acl_reg_del_locked(struct weir_acl_obj *o)
{
	return cds_lfht_del(weir_acl_table(), &o->node) == 0;
}

struct weir_acl_obj *weir__acl_reg_lookup_locked(const void *h, uint32_t type)
{
	struct cds_lfht_iter it;
	struct cds_lfht *ht = weir_acl_table();
	if (!h || !ht)
		return NULL;
	cds_lfht_lookup(ht, weir_acl_hash(h), weir_acl_match, h, &it);
	struct cds_lfht_node *n = cds_lfht_iter_get_node(&it);
	if (!n)
		return NULL;
	struct weir_acl_obj *o = caa_container_of(n, struct weir_acl_obj, node);
	weir_tsan_acquire(o); /* pairs with the release in weir__acl_reg_add() */
	return o->type == type ? o : NULL;
}

static void weir_acl_free_cb(struct weir_rcu_head *h)
{
	struct weir_acl_obj *o = caa_container_of(h, struct weir_acl_obj, rcu);
	weir__free(o);
}

void weir__acl_reg_free_deferred(struct weir_acl_obj *o)
{
	weir__rcu_call(&o->rcu, weir_acl_free_cb);
}

void weir__acl_reg_clear(void (*fn)(struct weir_acl_obj *o))
{
	struct cds_lfht *ht = weir_acl_table();
	if (!ht)
		return;
	for (;;) {
		struct weir_acl_obj *batch[64];
		size_t n = 0;
		struct cds_lfht_iter it;
		struct weir_acl_obj *o;

		weir__rcu_read_lock();
		/* Walk nodes, not entries: cds_lfht_for_each_entry applies
		 * container_of to the NULL that ends the walk (UBSan). */
		cds_lfht_first(ht, &it);
		for (struct cds_lfht_node *nd; (nd = cds_lfht_iter_get_node(&it)) != NULL;
		     cds_lfht_next(ht, &it)) {
			o = caa_container_of(nd, struct weir_acl_obj, node);
			weir_tsan_acquire(o);
			if (cds_lfht_del(ht, &o->node) == 0)
				batch[n++] = o;
			if (n == 64)
				break;
		}
		weir__rcu_read_unlock();
		if (n == 0)
			break;
		for (size_t i = 0; i < n; i++) {
			if (fn)
				fn(batch[i]);
			weir__acl_reg_free_deferred(batch[i]);
		}
	}
}
