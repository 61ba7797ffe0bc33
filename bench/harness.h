/*
 * bench/harness.h - the benchmark harness shared by every bench/bench_*.c.
 *
 * The contract is shared/design/performance.md, "Harness rules":
 *  1. ours and each baseline run in the same process;
 *  2. interleaved A B A B ..., >= 7 rounds of >= 50 ms after a warm-up; the
 *     figure is the median of the per-round ratios (ours / baseline) with
 *     p10 and p90; absolute values are printed for information only;
 *  3. idle pools are let park between subjects (wb_settle(): a few ms);
 *  4. latency: >= 10^5 samples into a fixed histogram -> p50 / p99 / p99.9;
 *  5. a human table on stdout plus one JSON file per binary, one object per
 *     figure (name, ours, baseline, unit, ratio median/p10/p90, target) and
 *     run metadata (date, machine, nproc, git revision).
 *
 * Typical use:
 *
 *   static uint64_t run_ours(void *arg, uint64_t iters, wb_hist_t *h)
 *   {
 *       uint64_t t0 = wb_now_ns();
 *       for (uint64_t i = 0; i < iters; i++) do_one_op(arg);
 *       return wb_now_ns() - t0;          // ns for `iters` operations
 *   }
 *
 *   int main(int argc, char **argv)
 *   {
 *       wb_init(argc, argv, "sched");
 *       if (wb_enabled("S1.launch")) {
 *           wb_subject_t a = { "weir", run_ours, &ctx }, b = { "ck_ring", run_ring, &rc };
 *           wb_figure_t *f = wb_compare("S1.launch.vs_ck_ring", "ns/launch", &a, &b, 0);
 *           wb_target(f, WB_LE, 1.5, "<= 1.5x raw ck_ring hand-off");
 *       }
 *       return wb_finish();
 *   }
 *
 * Command line understood by wb_init() (anything else is left to the bench):
 *   --json PATH      write the JSON report there (default: no file)
 *   --rounds N       rounds per figure (default 7; fewer is flagged)
 *   --round-ms N     minimum ms per round per subject (default 50)
 *   --quick          3 rounds of 10 ms, 10^4 latency samples: functional check
 *                    only; the report says "quick": true
 *   --filter S       run only figures whose name contains S (repeatable)
 *   --list           print figure names as they would run, run nothing
 * Environment: WB_ROUNDS, WB_ROUND_MS, WB_QUICK=1 are the same knobs.
 *
 * Not thread-safe: call everything from the main thread. Subjects' run
 * functions may of course start and use threads of their own.
 */
#ifndef WEIR_BENCH_HARNESS_H
#define WEIR_BENCH_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Time, CPU, context switches                                               */
/* ------------------------------------------------------------------------ */

/* CLOCK_MONOTONIC in ns. */
uint64_t wb_now_ns(void);
/* Sleep `ms` milliseconds (lets idle pools park between subjects). */
void wb_sleep_ms(unsigned ms);
/* The harness's between-subject pause (default 5 ms). */
void wb_settle(void);
/* CPUs this process may run on (its affinity mask when wb_init() ran), >= 1. */
unsigned wb_ncpus(void);
/* Pin the calling thread to the cpu-th usable CPU (cpu % wb_ncpus()) of the
 * mask wb_init() saw, whatever the caller's current mask; false if refused. */
bool wb_pin_self(unsigned cpu);
/* Give the calling thread the whole mask wb_init() saw again. */
bool wb_unpin_self(void);
/* Voluntary + involuntary context switches so far: whole process
 * (getrusage RUSAGE_SELF) or the calling thread only (RUSAGE_THREAD). */
uint64_t wb_ctxsw_process(void);
uint64_t wb_ctxsw_thread(void);

/* Keep the optimizer from deleting a computation. */
#define wb_do_not_optimize(v) __asm__ __volatile__("" : : "g"(v) : "memory")

/* ------------------------------------------------------------------------ */
/* Latency histogram: log-linear, fixed size, ~3% resolution                 */
/* ------------------------------------------------------------------------ */

#define WB_HIST_SUB     32 /* sub-buckets per power of two */
#define WB_HIST_POW     42 /* covers 0 .. 2^42 ns (~73 min) */
#define WB_HIST_BUCKETS (WB_HIST_SUB * WB_HIST_POW)

typedef struct wb_hist {
	uint64_t n;
	uint64_t min, max;
	double sum;
	uint64_t b[WB_HIST_BUCKETS];
} wb_hist_t;

void wb_hist_init(wb_hist_t *h);
void wb_hist_add(wb_hist_t *h, uint64_t ns);
void wb_hist_merge(wb_hist_t *dst, const wb_hist_t *src);
/* Value at quantile q in [0, 1] (bucket midpoint; exact min/max at 0/1).
 * 0 when empty. */
double wb_hist_quantile(const wb_hist_t *h, double q);
double wb_hist_mean(const wb_hist_t *h);

/* ------------------------------------------------------------------------ */
/* Subjects and figures                                                      */
/* ------------------------------------------------------------------------ */

/*
 * One side of a comparison. run() performs `iters` operations and returns
 * the ns they took (the subject times itself, so set-up can be excluded);
 * return 0 to report a failure (the figure is then marked failed). If `h` is
 * non-NULL the subject adds one latency sample per operation to it (latency
 * figures only; throughput figures pass NULL).
 * iters: 0 = the harness calibrates so that one round lasts >= round-ms;
 * otherwise every round runs exactly this many operations (e.g. S1's 10^6).
 */
typedef struct wb_subject {
	const char *name;
	uint64_t (*run)(void *arg, uint64_t iters, struct wb_hist *h);
	void *arg;
	uint64_t iters;
	uint64_t min_iters; /* calibrated subjects: at least this many per round */
} wb_subject_t;

enum wb_cmp { WB_NONE = 0, WB_LE, WB_GE };

typedef struct wb_figure wb_figure_t;

/* Figure flags. */
#define WB_RATE \
	0x1u /* report ops/s (higher is better): ratio per round
                             = rate(ours) / rate(baseline) */
#define WB_LATENCY \
	0x2u /* subjects fill the histogram; the figure is the
                             p50 per round, p99 / p99.9 over all rounds */

/* Is a figure with this name selected by --filter? (Check before expensive
 * set-up; wb_compare() checks too and returns NULL when filtered out.) */
bool wb_enabled(const char *name);
/* True when --quick is on (shorten fixed-size work accordingly). */
bool wb_quick(void);
/* Latency samples per subject for WB_LATENCY figures: 10^5 (10^4 quick). */
uint64_t wb_latency_samples(void);
/* Override the latency sample count for the figures that follow (0 restores
 * the default); for figures whose every sample is slow by construction. */
void wb_set_latency_samples(uint64_t n);
/* Was `flag` given on the command line? (for bench-specific modes) */
bool wb_flag(const char *flag);
/* Value after `flag` on the command line, or NULL. */
const char *wb_flag_value(const char *flag);

/*
 * Interleaved A/B measurement: warm-up (calibration), then rounds of
 * ours, settle, baseline, settle. `unit` is the unit of the absolute values
 * ("ns/launch", "Mlaunch/s", "ns"). Returns the figure (owned by the
 * harness; valid until wb_finish()), or NULL when filtered out.
 * `baseline` may be NULL: a figure with absolute values only.
 */
wb_figure_t *wb_compare(const char *name, const char *unit, const wb_subject_t *ours,
                        const wb_subject_t *baseline, unsigned flags);

/*
 * A figure whose values the bench computed itself (e.g. syscalls counted,
 * a sweep point against the workers = cores point). ratio = ours / baseline
 * (baseline <= 0: no ratio). One round: p10 = p90 = median.
 */
wb_figure_t *wb_value(const char *name, const char *unit, const char *ours_name, double ours,
                      const char *baseline_name, double baseline);

/* Same, with per-round ratios the bench collected (n >= 1). */
wb_figure_t *wb_value_rounds(const char *name, const char *unit, const char *ours_name, double ours,
                             const char *baseline_name, double baseline, const double *ratios,
                             size_t n);

/* Attach the target: ratio median `cmp` value, e.g. WB_LE 1.5. `text` says
 * it in words for the report. met/missed is decided on the median. */
void wb_target(wb_figure_t *f, enum wb_cmp cmp, double value, const char *text);
/* Target on the absolute "ours" value instead of the ratio (e.g. S5 idle
 * sync <= 20 ns, syscalls == 0 -> WB_LE 0). */
void wb_target_abs(wb_figure_t *f, enum wb_cmp cmp, double value, const char *text);
/* Free text shown in the table and the JSON ("note"). Appends. */
void wb_note(wb_figure_t *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Extra numeric field in the JSON object of the figure ("extra": {...}). */
void wb_extra(wb_figure_t *f, const char *key, double value);
/* Mark a figure failed (a correctness check inside the bench failed). */
void wb_fail(wb_figure_t *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Accessors (for benches that derive one figure from another). */
double wb_figure_ours(const wb_figure_t *f);
double wb_figure_baseline(const wb_figure_t *f);
double wb_figure_ratio(const wb_figure_t *f);
double wb_figure_ratio_p10(const wb_figure_t *f);

/* ------------------------------------------------------------------------ */
/* Run                                                                       */
/* ------------------------------------------------------------------------ */

/* Parse the options above; remember the suite name ("sched", "alloc", ...). */
void wb_init(int argc, char **argv, const char *suite);
/* Print the table, write the JSON. Returns the process exit status: 0, or 1
 * if a figure failed (a target missed is NOT a failure: it is reported). A
 * figure with a target but nothing measured to hold against it (a ratio
 * target without a ratio, an absolute target on a NaN value) is failed. */
int wb_finish(void);

#ifdef __cplusplus
}
#endif
#endif /* WEIR_BENCH_HARNESS_H */
