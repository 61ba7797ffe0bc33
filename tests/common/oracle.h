/*
 * tests/common/oracle.h - helpers shared by the scheduler's unit and stress
 * tests (include as "common/oracle.h", after <cmocka.h>'s prerequisites).
 *
 * Rules the helpers follow (shared/design/tsan.md, reliability.md):
 *  - cmocka assertions run only in the test's main thread. Kernels, host
 *    functions and helper threads record what they saw in C11 atomics (through
 *    base/atomic.h) and the main thread checks the record afterwards.
 *  - No test asserts timing. Time appears only as liveness bounds (a watchdog
 *    that fails a hung test) and as "the stream cannot have finished yet"
 *    probes, which are correct whatever the scheduling.
 *  - Stress sizes scale from WEIR_STRESS_TASKS (default 200000).
 */
#ifndef WEIR_TESTS_COMMON_ORACLE_H
#define WEIR_TESTS_COMMON_ORACLE_H

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#include "weir/sched.h"
#include "weir/status.h"
#include "base/atomic.h"

/* ------------------------------------------------------------------------ */
/* Status assertions that print names, not just numbers                      */
/* ------------------------------------------------------------------------ */

#define WT_ASSERT_STATUS(got_, want_)                                                      \
	do {                                                                               \
		int wt_g_ = (got_), wt_w_ = (want_);                                       \
		if (wt_g_ != wt_w_)                                                        \
			fail_msg("%s: got %d (%s), want %d (%s)", #got_, wt_g_,            \
			         weir_status_name(wt_g_), wt_w_, weir_status_name(wt_w_)); \
	} while (0)

#define WT_OK(expr_) WT_ASSERT_STATUS((expr_), WEIR_OK)

/* got must be one of two codes */
#define WT_ASSERT_STATUS2(got_, a_, b_)                                            \
	do {                                                                       \
		int wt_g_ = (got_), wt_a_ = (a_), wt_b_ = (b_);                    \
		if (wt_g_ != wt_a_ && wt_g_ != wt_b_)                              \
			fail_msg("%s: got %d (%s), want %s or %s", #got_, wt_g_,   \
			         weir_status_name(wt_g_), weir_status_name(wt_a_), \
			         weir_status_name(wt_b_));                         \
	} while (0)

/* ------------------------------------------------------------------------ */
/* Time, sleeping, bounded waits                                             */
/* ------------------------------------------------------------------------ */

#define WT_MS ((int64_t)1000000)
#define WT_S  ((int64_t)1000000000)

static inline uint64_t wt_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline void wt_sleep_ns(int64_t ns)
{
	struct timespec ts = { (time_t)(ns / WT_S), (long)(ns % WT_S) };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
}

/* Poll an atomic counter until it reaches `want` or `bound_ns` passes.
 * Returns true if reached. A liveness bound, never a timing assertion. */
static inline bool wt_wait_geq(_Atomic uint64_t *ctr, uint64_t want, int64_t bound_ns)
{
	uint64_t end = wt_now_ns() + (uint64_t)bound_ns;
	for (;;) {
		/* A: acquire - pairs with the releasing increment of the
		 * recorder, so what it wrote before counting is visible. */
		if (weir_load_acquire(ctr) >= want)
			return true;
		if (wt_now_ns() > end)
			return false;
		wt_sleep_ns(50000);
	}
}

/* ------------------------------------------------------------------------ */
/* Environment scaling and seeds                                             */
/* ------------------------------------------------------------------------ */

static inline uint64_t wt_env_u64(const char *name, uint64_t dflt)
{
	const char *v = getenv(name);
	if (!v || !*v)
		return dflt;
	char *end = NULL;
	errno = 0;
	unsigned long long x = strtoull(v, &end, 10);
	if (errno || !end || *end)
		return dflt;
	return (uint64_t)x;
}

/* Total tasks for a stress test: WEIR_STRESS_TASKS, default 200000. */
static inline uint64_t wt_stress_tasks(void)
{
	uint64_t n = wt_env_u64("WEIR_STRESS_TASKS", 200000);
	return n ? n : 1;
}

static inline uint64_t wt_clamp_u64(uint64_t x, uint64_t lo, uint64_t hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

/* xorshift64*: small, fast, deterministic per seed. */
typedef struct wt_rng {
	uint64_t s;
} wt_rng_t;

static inline void wt_rng_seed(wt_rng_t *r, uint64_t seed)
{
	r->s = seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull;
	if (!r->s)
		r->s = 1;
}

static inline uint64_t wt_rng_next(wt_rng_t *r)
{
	uint64_t x = r->s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	r->s = x;
	return x * 0x2545F4914F6CDD1Dull;
}

static inline uint32_t wt_rng_below(wt_rng_t *r, uint32_t n)
{
	return n ? (uint32_t)((wt_rng_next(r) >> 32) % n) : 0;
}

/* Seeds for a stress run: WEIR_STRESS_SEED pins one; otherwise `n` fixed
 * seeds mixed with the time, printed so a failure can be replayed. */
static inline uint64_t wt_seed(unsigned i)
{
	uint64_t pinned = wt_env_u64("WEIR_STRESS_SEED", 0);
	if (pinned)
		return pinned + i;
	static uint64_t base;
	if (!base)
		base = (wt_now_ns() ^ ((uint64_t)getpid() << 32)) | 1;
	return base + 0x1000193ull * i;
}

/* ------------------------------------------------------------------------ */
/* Process introspection                                                     */
/* ------------------------------------------------------------------------ */

/* Number of threads of this process (entries in /proc/self/task). */
static inline int wt_thread_count(void)
{
	DIR *d = opendir("/proc/self/task");
	if (!d)
		return -1;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* Thread count reached after a runtime destroy may lag by the time a joined
 * thread takes to leave /proc; poll (bounded) until it drops to `want`. */
static inline int wt_thread_count_settle(int want, int64_t bound_ns)
{
	uint64_t end = wt_now_ns() + (uint64_t)bound_ns;
	int n;
	while ((n = wt_thread_count()) > want && wt_now_ns() < end)
		wt_sleep_ns(100000);
	return n;
}

/* The process's thread count at rest, once process-wide helpers exist.
 * liburcu starts its default call_rcu thread on first use and keeps it for
 * the life of the process, so the first runtime to retire an object leaves
 * one more thread behind than there was before it. This runs one warm-up
 * runtime (objects created, used and destroyed) the first time it is
 * called, then returns the count measured after it. */
static inline int wt_thread_baseline(void)
{
	static int base = -1;
	if (base >= 0)
		return base;
	weir_config_t c;
	weir_config_init(&c);
	c.devices = 1;
	c.workers_per_device = 1;
	c.flags |= WEIR_CONFIG_NO_PIN;
	weir_runtime_t *rt = NULL;
	if (weir_runtime_create(&c, &rt) == WEIR_OK) {
		weir_group_t *g = NULL;
		weir_stream_t *s = NULL;
		weir_event_t *e = NULL;
		if (weir_group_create(rt, 0, &g) == WEIR_OK &&
		    weir_stream_create(g, 0, 0, &s) == WEIR_OK &&
		    weir_event_create(rt, 0, 0, &e) == WEIR_OK) {
			weir_event_record(e, s);
			weir_stream_sync(s, WEIR_TIMEOUT_INFINITE);
			weir_event_destroy(e);
			weir_stream_destroy(s);
			weir_group_destroy(g);
		}
		weir_runtime_destroy(rt);
	}
	/* let joined threads leave /proc */
	int n = wt_thread_count(), prev = -1;
	for (int i = 0; i < 50 && n != prev; i++) {
		wt_sleep_ns(20 * WT_MS);
		prev = n;
		n = wt_thread_count();
	}
	base = n;
	return base;
}

/* Bounded wait until exactly one thread is named `name` (a worker names
 * itself when it starts, which may be after runtime create returns). */
static inline int wt_threads_named(const char *name);
static inline bool wt_wait_thread_named(const char *name, int64_t bound_ns)
{
	uint64_t end = wt_now_ns() + (uint64_t)bound_ns;
	while (wt_threads_named(name) != 1) {
		if (wt_now_ns() > end)
			return false;
		wt_sleep_ns(1000000);
	}
	return true;
}

/* Count threads whose name (comm) matches `name` exactly. */
static inline int wt_threads_named(const char *name)
{
	DIR *d = opendir("/proc/self/task");
	if (!d)
		return -1;
	int n = 0;
	struct dirent *e;
	char path[300], buf[64];
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/self/task/%s/comm", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(buf, sizeof buf, f)) {
			buf[strcspn(buf, "\n")] = 0;
			if (strcmp(buf, name) == 0)
				n++;
		}
		fclose(f);
	}
	closedir(d);
	return n;
}

/* Cpus_allowed_list of the first thread named `name`, into out; false if none. */
static inline bool wt_thread_cpus(const char *name, char *out, size_t outsz)
{
	DIR *d = opendir("/proc/self/task");
	if (!d)
		return false;
	bool found = false;
	struct dirent *e;
	char path[300], buf[256];
	while (!found && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/self/task/%s/comm", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		bool match = false;
		if (fgets(buf, sizeof buf, f)) {
			buf[strcspn(buf, "\n")] = 0;
			match = strcmp(buf, name) == 0;
		}
		fclose(f);
		if (!match)
			continue;
		snprintf(path, sizeof path, "/proc/self/task/%s/status", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(buf, sizeof buf, f)) {
			if (strncmp(buf, "Cpus_allowed_list:", 18) == 0) {
				char *p = buf + 18;
				while (*p == ' ' || *p == '\t')
					p++;
				p[strcspn(p, "\n")] = 0;
				snprintf(out, outsz, "%s", p);
				found = true;
				break;
			}
		}
		fclose(f);
	}
	closedir(d);
	return found;
}

/* Bounded wait until the thread named `name` has Cpus_allowed_list `want`
 * (a worker pins itself when it starts). Returns the final list in out. */
static inline bool wt_wait_thread_cpus(const char *name, const char *want, char *out, size_t outsz,
                                       int64_t bound_ns)
{
	uint64_t end = wt_now_ns() + (uint64_t)bound_ns;
	for (;;) {
		bool found = wt_thread_cpus(name, out, outsz);
		if (found && strcmp(out, want) == 0)
			return true;
		if (wt_now_ns() > end)
			return false;
		wt_sleep_ns(1000000);
	}
}

/* CPUs in this process's affinity mask. */
static inline int wt_cpu_count(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) != 0)
		return 1;
	int n = CPU_COUNT(&set);
	return n > 0 ? n : 1;
}

/* ------------------------------------------------------------------------ */
/* Configurations                                                            */
/* ------------------------------------------------------------------------ */

/* A small runtime for unit tests; the environment is not consulted. */
static inline weir_config_t wt_config(uint32_t devices, uint32_t workers, uint32_t ring)
{
	weir_config_t c;
	weir_config_init(&c);
	c.devices = devices;
	c.workers_per_device = workers;
	if (ring)
		c.ring_capacity = ring;
	return c;
}

/* ------------------------------------------------------------------------ */
/* Watchdog: fails a hung test (liveness bound, no timing assertion)         */
/* ------------------------------------------------------------------------ */

typedef struct wt_watchdog {
	pthread_t thr;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
	int64_t bound_ns;
	_Atomic(const char *) phase;
} wt_watchdog_t;

static void *wt_watchdog_main(void *arg)
{
	wt_watchdog_t *w = arg;
	struct timespec dl;
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += (time_t)(w->bound_ns / WT_S);
	pthread_mutex_lock(&w->mu);
	while (!w->stop) {
		if (pthread_cond_timedwait(&w->cv, &w->mu, &dl) == ETIMEDOUT && !w->stop) {
			const char *ph = atomic_load(&w->phase);
			fprintf(stderr,
			        "WATCHDOG: test hung for more than %" PRId64 " s in phase '%s'\n",
			        w->bound_ns / WT_S, ph ? ph : "?");
			fflush(stderr);
			_exit(3);
		}
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* Start a watchdog that ends the process (exit 3) after bound_s seconds
 * unless stopped. WEIR_WATCHDOG_S overrides bound_s. */
static inline void wt_watchdog_start(wt_watchdog_t *w, int64_t bound_s)
{
	memset(w, 0, sizeof *w);
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	w->bound_ns = (int64_t)wt_env_u64("WEIR_WATCHDOG_S", (uint64_t)bound_s) * WT_S;
	atomic_store(&w->phase, "start");
	if (pthread_create(&w->thr, NULL, wt_watchdog_main, w) != 0) {
		fprintf(stderr, "watchdog: pthread_create failed\n");
		abort();
	}
}

static inline void wt_watchdog_phase(wt_watchdog_t *w, const char *phase)
{
	atomic_store(&w->phase, phase);
}

static inline void wt_watchdog_stop(wt_watchdog_t *w)
{
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thr, NULL);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
}

/* ------------------------------------------------------------------------ */
/* Violation log: workers record, the main thread asserts                     */
/* ------------------------------------------------------------------------ */

typedef struct wt_violations {
	_Atomic uint64_t count;
	_Atomic uint64_t first_kind; /* user-defined code of the first one */
	_Atomic uint64_t first_a, first_b, first_c;
} wt_violations_t;

/* Record a violation from any thread; the first one's details are kept. */
static inline void wt_violation(wt_violations_t *v, uint64_t kind, uint64_t a, uint64_t b,
                                uint64_t c)
{
	/* relaxed: read by the main thread only after it joined/synced */
	if (weir_faa_relaxed(&v->count, 1) == 0) {
		weir_store_relaxed(&v->first_kind, kind);
		weir_store_relaxed(&v->first_a, a);
		weir_store_relaxed(&v->first_b, b);
		weir_store_relaxed(&v->first_c, c);
	}
}

#define WT_ASSERT_NO_VIOLATIONS(v_, names_)                                                 \
	do {                                                                                \
		uint64_t wt_n_ = weir_load_relaxed(&(v_)->count);                           \
		if (wt_n_) {                                                                \
			uint64_t wt_k_ = weir_load_relaxed(&(v_)->first_kind);              \
			fail_msg("%" PRIu64 " oracle violation(s); first: %s "              \
			         "(a=%" PRIu64 " b=%" PRIu64 " c=%" PRIu64 ")",             \
			         wt_n_, (names_)[wt_k_], weir_load_relaxed(&(v_)->first_a), \
			         weir_load_relaxed(&(v_)->first_b),                         \
			         weir_load_relaxed(&(v_)->first_c));                        \
		}                                                                           \
	} while (0)

#endif /* WEIR_TESTS_COMMON_ORACLE_H */
