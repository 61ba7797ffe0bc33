/*
 * Stress: many threads allocate and free on several devices (I6).
 *
 * Oracle: every live block carries its owner's stamp (thread, sequence) in
 * its first, middle and last words - the whole block for small sizes - and
 * is checked before it is freed: two live blocks that overlapped would
 * overwrite each other's stamps. A third of the blocks are handed to the
 * next thread through a single-slot mailbox (release/acquire) and freed
 * there (cross-thread frees). Every free must succeed; at the end every
 * device's accounting is back to zero. Scale: WEIR_STRESS_TASKS / 100
 * operations in all (at least 20000), so sanitizer lanes stay short.
 * Worker threads record failures; only the main thread asserts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "weir/mem.h"
#include "base/atomic.h"

#define NTHREADS 6
#define NDEV     3
#define LIVE_MAX 64

struct mailbox {
	_Atomic(void *) slot; /* A: R1 release by the sender, A1 acquire by the receiver */
	_Atomic uint64_t stamp;
	_Atomic size_t size;
};

struct shared {
	weir_mem_t *m;
	uint64_t ops;
	struct mailbox box[NTHREADS];
	_Atomic uint64_t bad_stamp, bad_free, bad_alloc, cross_frees;
};

struct targ {
	struct shared *sh;
	int id;
};

static uint64_t rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void stamp(void *p, size_t n, uint64_t v)
{
	uint64_t *w = p;
	size_t words = n / 8;
	if (n <= 4096) {
		for (size_t i = 0; i < words; i++)
			w[i] = v + i;
	} else {
		w[0] = v;
		w[words / 2] = v + 1;
		w[words - 1] = v + 2;
	}
}

static bool check(const void *p, size_t n, uint64_t v)
{
	const uint64_t *w = p;
	size_t words = n / 8;
	if (n <= 4096) {
		for (size_t i = 0; i < words; i++)
			if (w[i] != v + i)
				return false;
		return true;
	}
	return w[0] == v && w[words / 2] == v + 1 && w[words - 1] == v + 2;
}

static size_t pick_size(uint64_t r)
{
	switch (r % 16) {
	case 0: return 300000 + (r >> 8) % 700000; /* large runs */
	case 1:
	case 2: return 4096 + (r >> 8) % 60000;
	default: return 8 + (r >> 8) % 2040; /* small */
	}
}

static void *worker(void *vp)
{
	struct targ *t = vp;
	struct shared *sh = t->sh;
	uint64_t seed = 0x9E3779B97F4A7C15ull * (uint64_t)(t->id + 1);
	void *live[LIVE_MAX];
	size_t sz[LIVE_MAX];
	uint64_t st[LIVE_MAX];
	int n = 0;
	uint64_t seq = 0;
	for (uint64_t op = 0; op < sh->ops; op++) {
		uint64_t r = rng(&seed);
		/* receive a block from the previous thread, check it, free it */
		struct mailbox *in = &sh->box[t->id];
		/* A1: acquire - pairs with the sender's R1 (slot, stamp, size) */
		void *got = weir_load_acquire(&in->slot);
		if (got) {
			uint64_t v = weir_load_relaxed(&in->stamp);
			size_t s = weir_load_relaxed(&in->size);
			/* R2: release - the reads above happen before the sender may
			 * reuse the mailbox; pairs with A2 */
			weir_store_release(&in->slot, NULL);
			if (!check(got, s, v))
				weir_faa_relaxed(&sh->bad_stamp, 1);
			if (weir_mem_free(sh->m, got) != WEIR_OK)
				weir_faa_relaxed(&sh->bad_free, 1);
			weir_faa_relaxed(&sh->cross_frees, 1);
		}
		if (n < LIVE_MAX && (n == 0 || (r & 1))) {
			size_t s = pick_size(r >> 1);
			uint32_t dev = (uint32_t)((r >> 40) % NDEV);
			void *p;
			if (weir_mem_alloc(sh->m, dev, s, (int)((r >> 50) % 3), &p) != WEIR_OK) {
				weir_faa_relaxed(&sh->bad_alloc, 1);
				continue;
			}
			uint64_t v = ((uint64_t)t->id << 56) | (++seq << 8);
			stamp(p, s, v);
			live[n] = p;
			sz[n] = s;
			st[n] = v;
			n++;
		} else if (n > 0) {
			int i = (int)((r >> 8) % (uint64_t)n);
			if (!check(live[i], sz[i], st[i]))
				weir_faa_relaxed(&sh->bad_stamp, 1);
			struct mailbox *out = &sh->box[(t->id + 1) % NTHREADS];
			bool sent = false;
			if ((r >> 20) % 3 == 0 &&
			    weir_load_acquire(&out->slot) == NULL) { /* A2: pairs with R2 */
				/* only this thread writes into `out` while it is empty */
				weir_store_relaxed(&out->stamp, st[i]);
				weir_store_relaxed(&out->size, sz[i]);
				weir_store_release(&out->slot, live[i]); /* R1: pairs with A1 */
				sent = true;
			}
			if (!sent && weir_mem_free(sh->m, live[i]) != WEIR_OK)
				weir_faa_relaxed(&sh->bad_free, 1);
			live[i] = live[--n];
			sz[i] = sz[n];
			st[i] = st[n];
		}
	}
	for (int i = 0; i < n; i++) {
		if (!check(live[i], sz[i], st[i]))
			weir_faa_relaxed(&sh->bad_stamp, 1);
		if (weir_mem_free(sh->m, live[i]) != WEIR_OK)
			weir_faa_relaxed(&sh->bad_free, 1);
	}
	return NULL;
}

static void test_stress_mem(void **state)
{
	(void)state;
	uint64_t tasks = 1000000;
	const char *e = getenv("WEIR_STRESS_TASKS");
	if (e && *e)
		tasks = strtoull(e, NULL, 10);
	uint64_t total = tasks / 100 < 20000 ? 20000 : tasks / 100;
	static struct shared sh;
	weir_mem_options_t o = { .devices = NDEV, .capacity = (uint64_t)256 << 20 };
	assert_int_equal(weir_mem_create_ex(NULL, &o, &sh.m), WEIR_OK);
	sh.ops = total / NTHREADS;
	for (int round = 0; round < 2; round++) {
		pthread_t th[NTHREADS];
		struct targ a[NTHREADS];
		for (int i = 0; i < NTHREADS; i++) {
			a[i] = (struct targ){ &sh, i };
			assert_int_equal(pthread_create(&th[i], NULL, worker, &a[i]), 0);
		}
		for (int i = 0; i < NTHREADS; i++)
			pthread_join(th[i], NULL);
		/* blocks still in mailboxes */
		for (int i = 0; i < NTHREADS; i++) {
			void *p = weir_xchg_acqrel(&sh.box[i].slot, NULL);
			if (p) {
				assert_true(check(p, weir_load_acquire(&sh.box[i].size),
				                  weir_load_acquire(&sh.box[i].stamp)));
				assert_int_equal(weir_mem_free(sh.m, p), WEIR_OK);
			}
		}
		assert_int_equal(weir_load_acquire(&sh.bad_stamp), 0);
		assert_int_equal(weir_load_acquire(&sh.bad_free), 0);
		assert_int_equal(weir_load_acquire(&sh.bad_alloc), 0);
		assert_true(weir_load_acquire(&sh.cross_frees) > 0);
		for (uint32_t d = 0; d < NDEV; d++) {
			weir_mem_stats_t s;
			assert_int_equal(weir_mem_info(sh.m, d, &s), WEIR_OK);
			assert_int_equal(s.in_use, 0);
			assert_int_equal(s.live, 0);
			assert_int_equal(s.footprint, 0);
			assert_int_equal(s.allocs, s.frees);
			assert_int_equal(s.bad_frees, 0);
		}
	}
	weir_mem_destroy(sh.m);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_stress_mem) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
