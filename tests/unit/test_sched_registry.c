/*
 * Unit tests: the handle registry (base/registry.h) as a generic mechanism.
 * Type ids for a layer above, lookups that compare slot, type and generation,
 * a recycled slot that never validates its stale handle, drain by type, and
 * garbage values. White-box: objects are plain test structs with a header.
 */
#include "common/oracle.h"

#include "base/rcu.h"
#include "base/registry.h"

struct tobj {
	struct weir_obj obj;
	int value;
};

static _Atomic int g_freed;

static void tobj_free(struct weir_obj *o)
{
	weir_faa_relaxed(&g_freed, 1); /* read after weir__rcu_barrier() */
	free(caa_container_of(o, struct tobj, obj));
}

static struct tobj *tobj_new(uint32_t type, int value)
{
	struct tobj *t = calloc(1, sizeof *t);
	assert_non_null(t);
	t->value = value;
	WT_OK(weir__reg_insert(&t->obj, type));
	return t;
}

/* The value of the live object of `type` named by h, or -1. */
static int lookup_value(const void *h, uint32_t type)
{
	int v = -1;
	weir__rcu_read_lock();
	struct weir_obj *o = weir__reg_lookup(h, type);
	if (o)
		v = caa_container_of(o, struct tobj, obj)->value;
	weir__rcu_read_unlock();
	return v;
}

static void destroy(struct tobj *t)
{
	assert_true(weir__reg_remove(&t->obj));
	assert_false(weir__reg_remove(&t->obj)); /* only one remover wins */
	weir__obj_retire(&t->obj, tobj_free);
}

static void test_type_ids(void **state)
{
	(void)state;
	uint32_t a = weir__reg_type("test.alpha");
	uint32_t b = weir__reg_type("test.beta");
	assert_true(a > WEIR_T_FIXED_LAST && a <= WEIR_T_MAX);
	assert_true(b > WEIR_T_FIXED_LAST && b <= WEIR_T_MAX);
	assert_int_not_equal(a, b);
	assert_int_equal(weir__reg_type("test.alpha"), a); /* same name, same id */
	assert_int_equal(weir__reg_insert(&(struct weir_obj){ 0 }, 0), WEIR_EINVAL);
	assert_int_equal(weir__reg_insert(&(struct weir_obj){ 0 }, WEIR_T_MAX + 1), WEIR_EINVAL);
}

static void test_lookup_by_type(void **state)
{
	(void)state;
	uint32_t a = weir__reg_type("test.alpha");
	uint32_t b = weir__reg_type("test.beta");
	struct tobj *t = tobj_new(a, 7);
	void *h = WEIR__OBJ_HANDLE(&t->obj);
	assert_int_equal(weir__reg_handle_type(h), a);
	assert_int_equal(lookup_value(h, a), 7);
	assert_int_equal(lookup_value(h, b), -1);
	assert_int_equal(lookup_value(h, WEIR_T_EVENT), -1);
	assert_int_equal(lookup_value(h, 0), -1);
	destroy(t);
	assert_int_equal(lookup_value(h, a), -1);
	weir__rcu_barrier();
}

/* A slot recycled for a new object: the stale handle names nothing, the new
 * one names the new object. */
static void test_recycled_slot_rejects_stale_handle(void **state)
{
	(void)state;
	uint32_t a = weir__reg_type("test.alpha");
	struct tobj *old = tobj_new(a, 1);
	void *stale = WEIR__OBJ_HANDLE(&old->obj);
	destroy(old);
	struct tobj *nw = NULL;
	for (int i = 0; i < 64 && !nw; i++) {
		weir__rcu_barrier(); /* the slot is back on the free list */
		struct tobj *t = tobj_new(a, 2);
		if (weir__reg_handle_slot(WEIR__OBJ_HANDLE(&t->obj)) ==
		    weir__reg_handle_slot(stale))
			nw = t;
		else
			destroy(t);
	}
	if (!nw)
		fail_msg("the destroyed object's slot was never reused");
	void *h = WEIR__OBJ_HANDLE(&nw->obj);
	assert_ptr_not_equal(h, stale); /* the generation differs */
	assert_int_equal(lookup_value(stale, a), -1);
	assert_int_equal(lookup_value(h, a), 2);
	destroy(nw);
	weir__rcu_barrier();
}

static void drain_retire(struct weir_obj *o, void *arg)
{
	weir_faa_relaxed((_Atomic int *)arg, 1); /* the main thread runs drain */
	weir__obj_retire(o, tobj_free);
}

static void test_drain(void **state)
{
	(void)state;
	uint32_t a = weir__reg_type("test.alpha");
	uint32_t b = weir__reg_type("test.beta");
	struct tobj *tb = tobj_new(b, 9);
	void *ha[100];
	for (int i = 0; i < 100; i++) /* more than one drain batch */
		ha[i] = WEIR__OBJ_HANDLE(&tobj_new(a, 10 + i)->obj);
	_Atomic int seen = 0;
	weir_store_relaxed(&g_freed, 0);
	assert_int_equal(weir__reg_drain(a, drain_retire, (void *)&seen), 100);
	assert_int_equal(weir_load_relaxed(&seen), 100);
	for (int i = 0; i < 100; i++)
		assert_int_equal(lookup_value(ha[i], a), -1);
	assert_int_equal(lookup_value(WEIR__OBJ_HANDLE(&tb->obj), b), 9);
	assert_int_equal(weir__reg_drain(a, drain_retire, (void *)&seen), 0);
	weir__rcu_barrier();
	assert_int_equal(weir_load_relaxed(&g_freed), 100);
	destroy(tb);
	weir__rcu_barrier();
}

static void test_garbage_values(void **state)
{
	(void)state;
	uint32_t a = weir__reg_type("test.alpha");
	struct tobj *t = tobj_new(a, 5);
	uint64_t h = t->obj.handle;
	int on_stack = 0;
	const void *bad[] = {
		NULL,
		(void *)(uintptr_t)0x1,
		(void *)(uintptr_t)0x0A000000u,        /* tag, generation 0 */
		(void *)(uintptr_t)(h ^ (1ull << 40)), /* another generation */
		(void *)(uintptr_t)(h + 1),            /* the next slot */
		(void *)(uintptr_t)(h | 0xFFFFFFull),  /* the last slot */
		(void *)(uintptr_t)0x12345678abcdull,
		(void *)(uintptr_t)0xfffffffffffff000ull,
		&on_stack,
		t, /* its address */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (lookup_value(bad[i], a) != -1)
			fail_msg("garbage value #%zu (%p) was accepted", i, bad[i]);
	destroy(t);
	weir__rcu_barrier();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type_ids),
		cmocka_unit_test(test_lookup_by_type),
		cmocka_unit_test(test_recycled_slot_rejects_stale_handle),
		cmocka_unit_test(test_drain),
		cmocka_unit_test(test_garbage_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
