/*
 * sched/pool.c - per-thread pools of task records.
 *
 * Every thread that submits work draws 128-byte task records from its own
 * pool without atomics. Whoever retires a record (a worker, a callback
 * thread) returns it to the pool it came from by pushing it on that pool's
 * `remote` stack; the owner takes the whole stack back with one exchange when
 * its private list runs dry. Records are never returned to the system while
 * the process runs: a pool whose thread exits is marked orphaned and adopted
 * by the next thread that needs one, so a record in flight always has a live
 * pool to return to.
 *
 * Invariants:
 *  1. `local` is touched only by the thread that owns the pool.
 *  2. `remote` is base/mpsc.h's stack: any thread pushes (CAS, release); only
 *     the owner pops, and only all of it at once (exchange, acquire). With no
 *     single-element pop there is no ABA problem (M1).
 *  3. A pool has at most one owner: adoption is a CAS on `orphan` 1 -> 0.
 *  4. Pools and their chunks stay reachable from `pools` until exit.
 */
#include "sched/internal.h"

#define POOL_CHUNK 64u

/* The records first, at the chunk's cache-line-aligned start: each record
 * is then exactly its two lines (internal.h), the header and the first
 * 16 bytes of arguments in one. (With the link first, every record
 * straddled three lines, and a small task's launch and run touched two.) */
struct pool_chunk {
	struct weir_task tasks[POOL_CHUNK];
	struct pool_chunk *next;
};
_Static_assert(offsetof(struct pool_chunk, tasks) == 0 && sizeof(struct weir_task) % 64 == 0,
               "pool.c: records start on cache lines");

struct weir_pool {
	struct weir_task *local;    /* O: private free list */
	struct pool_chunk *chunks;  /* O: memory of this pool */
	struct weir_pool *all_next; /* L(pools_lock) */
	_Atomic int orphan;         /* A: 1 while no thread owns it */
	weir_cacheline_aligned _Atomic(struct weir_task *)
	        remote; /* A: records returned by others */
};

static pthread_mutex_t pools_lock = PTHREAD_MUTEX_INITIALIZER;
static struct weir_pool *pools; /* L(pools_lock) */
static pthread_key_t pool_key;
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
static _Thread_local struct weir_pool *tls_pool;

static void pool_thread_exit(void *arg)
{
	struct weir_pool *p = arg;
	tls_pool = NULL;
	/* POOL-R1: release - hands `local` and `chunks` to the next adopter;
	 * pairs with POOL-A1 in pool_get(). */
	weir_store_release(&p->orphan, 1);
}

static void pool_key_init(void)
{
	if (pthread_key_create(&pool_key, pool_thread_exit))
		weir__die("pthread_key_create");
}

static struct weir_pool *pool_get(void)
{
	struct weir_pool *p = tls_pool;
	if (__builtin_expect(p != NULL, 1))
		return p;
	pthread_once(&pool_once, pool_key_init);
	pthread_mutex_lock(&pools_lock);
	for (p = pools; p; p = p->all_next) {
		int one = 1;
		/* POOL-A1: acquire - takes over the previous owner's lists; pairs
		 * with POOL-R1 (invariant 3). */
		if (weir_load_relaxed(&p->orphan) && weir_cas_acquire(&p->orphan, &one, 0))
			break;
	}
	if (!p) {
		p = weir__aligned_alloc(WEIR_CACHELINE, sizeof(*p));
		if (p) {
			p->local = NULL;
			p->chunks = NULL;
			atomic_init(&p->orphan, 0);
			atomic_init(&p->remote, NULL);
			p->all_next = pools;
			pools = p;
		}
	}
	pthread_mutex_unlock(&pools_lock);
	if (p) {
		tls_pool = p;
		pthread_setspecific(pool_key, p);
	}
	return p;
}

struct weir_task *weir__task_alloc(void)
{
	struct weir_pool *p = pool_get();
	if (!p)
		return NULL;
	struct weir_task *t = p->local;
	if (!t) {
		/* POOL-A2: acquire (mpsc.h MA1) - sees the records' last writes by
		 * the threads that returned them; pairs with POOL-R2 in push_remote(). */
		t = weir__tasks_take_all(&p->remote);
		if (!t) {
			struct pool_chunk *c = weir__aligned_alloc(WEIR_CACHELINE, sizeof(*c));
			if (!c)
				return NULL;
			c->next = p->chunks;
			p->chunks = c;
			for (uint32_t i = 0; i < POOL_CHUNK; i++) {
				c->tasks[i].owner = p;
				c->tasks[i].next = i + 1 < POOL_CHUNK ? &c->tasks[i + 1] : NULL;
			}
			t = &c->tasks[0];
		}
	}
	p->local = t->next;
	t->next = NULL;
	return t;
}

/* Push the chain head..tail (linked through next) on p's remote stack. */
static void push_remote(struct weir_pool *p, struct weir_task *head, struct weir_task *tail)
{
	/* POOL-R2: release (mpsc.h MP1) - publishes the records' contents and
	 * links; pairs with POOL-A2 in weir__task_alloc(). */
	weir__tasks_push(&p->remote, head, tail);
}

void weir__task_free(struct weir_task *t)
{
	struct weir_pool *p = t->owner;
	if (p == tls_pool) {
		t->next = p->local;
		p->local = t;
		return;
	}
	push_remote(p, t, t);
}

void weir__task_batch_flush(struct weir_task_batch *b)
{
	if (!b->head)
		return;
	if (b->owner == tls_pool) {
		b->tail->next = b->owner->local;
		b->owner->local = b->head;
	} else {
		push_remote(b->owner, b->head, b->tail);
	}
	b->owner = NULL;
	b->head = b->tail = NULL;
}
