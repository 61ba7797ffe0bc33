/*
 * bench/harness.c - interleaved A/B rounds, histograms, table and JSON.
 * See harness.h for the contract.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "harness.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#ifndef WB_SOURCE_DIR
#define WB_SOURCE_DIR "."
#endif

#define WB_MAX_ROUNDS  64
#define WB_MAX_EXTRA   16
#define WB_MAX_FILTERS 16

struct wb_lat {
	bool have;
	double p50, p99, p999, mean;
	uint64_t samples;
};

struct wb_figure {
	char name[96];
	char unit[32];
	char ours_name[48];
	char base_name[48];
	double ours, base; /* median absolute values */
	bool have_base;
	double ratio_med, ratio_p10, ratio_p90;
	bool have_ratio;
	unsigned rounds;
	unsigned flags;
	struct wb_lat lat_ours, lat_base;
	enum wb_cmp tcmp;
	double tvalue;
	bool tabs; /* target applies to `ours`, not the ratio */
	char ttext[96];
	bool failed;
	char note[512];
	unsigned nextra;
	char extra_key[WB_MAX_EXTRA][32];
	double extra_val[WB_MAX_EXTRA];
};

static struct {
	int argc;
	char **argv;
	const char *suite;
	const char *json;
	unsigned rounds;
	unsigned round_ms;
	unsigned settle_ms;
	bool quick;
	bool list;
	const char *filters[WB_MAX_FILTERS];
	unsigned nfilters;
	struct wb_figure **figs;
	size_t nfigs, capfigs;
	uint64_t t_start;
} G = { .rounds = 7, .round_ms = 50, .settle_ms = 5 };

/* ------------------------------------------------------------------------ */
/* Time and system                                                           */
/* ------------------------------------------------------------------------ */

uint64_t wb_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void wb_sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
}

void wb_settle(void)
{
	wb_sleep_ms(G.settle_ms);
}

static void read_start_set(void);
static cpu_set_t start_set;
static bool have_start_set;

unsigned wb_ncpus(void)
{
	read_start_set();
	if (!have_start_set)
		return 1;
	int n = CPU_COUNT(&start_set);
	return n > 0 ? (unsigned)n : 1;
}

bool wb_unpin_self(void)
{
	read_start_set();
	return have_start_set &&
	       pthread_setaffinity_np(pthread_self(), sizeof start_set, &start_set) == 0;
}

/* The process's CPUs as wb_init() found them (before any pinning), so that
 * threads created by a pinned thread still index the whole set. */
static void read_start_set(void)
{
	if (!have_start_set && sched_getaffinity(0, sizeof start_set, &start_set) == 0)
		have_start_set = true;
}

bool wb_pin_self(unsigned cpu)
{
	cpu_set_t set, mine;
	read_start_set();
	if (!have_start_set)
		return false;
	mine = start_set;
	unsigned n = (unsigned)CPU_COUNT(&mine), k = cpu % (n ? n : 1), seen = 0;
	CPU_ZERO(&set);
	for (unsigned c = 0; c < CPU_SETSIZE; c++) {
		if (!CPU_ISSET(c, &mine))
			continue;
		if (seen++ == k) {
			CPU_SET(c, &set);
			break;
		}
	}
	return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
}

static uint64_t ru_ctxsw(int who)
{
	struct rusage ru;
	if (getrusage(who, &ru) != 0)
		return 0;
	return (uint64_t)ru.ru_nvcsw + (uint64_t)ru.ru_nivcsw;
}

uint64_t wb_ctxsw_process(void)
{
	return ru_ctxsw(RUSAGE_SELF);
}
uint64_t wb_ctxsw_thread(void)
{
	return ru_ctxsw(RUSAGE_THREAD);
}

/* ------------------------------------------------------------------------ */
/* Histogram                                                                 */
/* ------------------------------------------------------------------------ */

/* Bucket layout: values < WB_HIST_SUB are exact (bucket = value); above,
 * power p >= 5 (value in [2^p, 2^(p+1))) is split into WB_HIST_SUB equal
 * sub-buckets: index = (p - 4) * SUB + (value >> (p - 5)) - SUB. */
static unsigned hist_index(uint64_t v)
{
	if (v < WB_HIST_SUB)
		return (unsigned)v;
	unsigned p = 63u - (unsigned)__builtin_clzll(v); /* >= 5 */
	unsigned idx = (p - 4) * WB_HIST_SUB + (unsigned)(v >> (p - 5)) - WB_HIST_SUB;
	return idx < WB_HIST_BUCKETS ? idx : WB_HIST_BUCKETS - 1;
}

static double hist_value(unsigned idx)
{
	if (idx < WB_HIST_SUB)
		return idx;
	unsigned p = idx / WB_HIST_SUB + 4;
	unsigned sub = idx % WB_HIST_SUB + WB_HIST_SUB; /* value >> (p-5) */
	double lo = ldexp((double)sub, (int)p - 5);
	double w = ldexp(1.0, (int)p - 5);
	return lo + w / 2;
}

void wb_hist_init(wb_hist_t *h)
{
	memset(h, 0, sizeof *h);
	h->min = UINT64_MAX;
}

void wb_hist_add(wb_hist_t *h, uint64_t ns)
{
	h->b[hist_index(ns)]++;
	h->n++;
	h->sum += (double)ns;
	if (ns < h->min)
		h->min = ns;
	if (ns > h->max)
		h->max = ns;
}

void wb_hist_merge(wb_hist_t *dst, const wb_hist_t *src)
{
	for (unsigned i = 0; i < WB_HIST_BUCKETS; i++)
		dst->b[i] += src->b[i];
	dst->n += src->n;
	dst->sum += src->sum;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

double wb_hist_quantile(const wb_hist_t *h, double q)
{
	if (h->n == 0)
		return 0;
	if (q <= 0)
		return (double)h->min;
	if (q >= 1)
		return (double)h->max;
	uint64_t rank = (uint64_t)ceil(q * (double)h->n);
	if (rank == 0)
		rank = 1;
	uint64_t acc = 0;
	for (unsigned i = 0; i < WB_HIST_BUCKETS; i++) {
		acc += h->b[i];
		if (acc >= rank) {
			double v = hist_value(i);
			if (v < (double)h->min)
				v = (double)h->min;
			if (v > (double)h->max)
				v = (double)h->max;
			return v;
		}
	}
	return (double)h->max;
}

double wb_hist_mean(const wb_hist_t *h)
{
	return h->n ? h->sum / (double)h->n : 0;
}

/* ------------------------------------------------------------------------ */
/* Options                                                                   */
/* ------------------------------------------------------------------------ */

bool wb_flag(const char *flag)
{
	for (int i = 1; i < G.argc; i++)
		if (strcmp(G.argv[i], flag) == 0)
			return true;
	return false;
}

const char *wb_flag_value(const char *flag)
{
	for (int i = 1; i + 1 < G.argc; i++)
		if (strcmp(G.argv[i], flag) == 0)
			return G.argv[i + 1];
	return NULL;
}

bool wb_quick(void)
{
	return G.quick;
}

static uint64_t latency_samples_override;
uint64_t wb_latency_samples(void)
{
	if (latency_samples_override)
		return G.quick && latency_samples_override > 10000 ? 10000
		                                                   : latency_samples_override;
	return G.quick ? 10000 : 100000;
}
void wb_set_latency_samples(uint64_t n)
{
	latency_samples_override = n;
}

bool wb_enabled(const char *name)
{
	if (G.nfilters == 0)
		return true;
	for (unsigned i = 0; i < G.nfilters; i++)
		if (strstr(name, G.filters[i]))
			return true;
	return false;
}

static unsigned env_uint(const char *name, unsigned dflt)
{
	const char *s = getenv(name);
	if (!s || !*s)
		return dflt;
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	return (*end == 0 && v > 0 && v < 100000) ? (unsigned)v : dflt;
}

void wb_init(int argc, char **argv, const char *suite)
{
	G.argc = argc;
	G.argv = argv;
	G.suite = suite;
	G.t_start = wb_now_ns();
	read_start_set();
	if (getenv("WB_QUICK") && strcmp(getenv("WB_QUICK"), "1") == 0)
		G.quick = true;
	G.rounds = env_uint("WB_ROUNDS", G.rounds);
	G.round_ms = env_uint("WB_ROUND_MS", G.round_ms);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--quick") == 0) {
			G.quick = true;
		} else if (strcmp(a, "--list") == 0) {
			G.list = true;
		} else if (strcmp(a, "--json") == 0 && v) {
			G.json = v;
			i++;
		} else if (strcmp(a, "--rounds") == 0 && v) {
			G.rounds = (unsigned)strtoul(v, NULL, 10);
			i++;
		} else if (strcmp(a, "--round-ms") == 0 && v) {
			G.round_ms = (unsigned)strtoul(v, NULL, 10);
			i++;
		} else if (strcmp(a, "--filter") == 0 && v) {
			if (G.nfilters < WB_MAX_FILTERS)
				G.filters[G.nfilters++] = v;
			i++;
		}
	}
	if (G.quick) {
		if (G.rounds == 7)
			G.rounds = 3;
		if (G.round_ms == 50)
			G.round_ms = 10;
	}
	if (G.rounds < 1)
		G.rounds = 1;
	if (G.rounds > WB_MAX_ROUNDS)
		G.rounds = WB_MAX_ROUNDS;
	if (G.round_ms < 1)
		G.round_ms = 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# weir bench suite '%s': %u rounds x >= %u ms per subject%s\n", suite, G.rounds,
	       G.round_ms, G.quick ? " (QUICK: functional check, not a measurement)" : "");
}

/* ------------------------------------------------------------------------ */
/* Figures                                                                   */
/* ------------------------------------------------------------------------ */

static struct wb_figure *fig_new(const char *name, const char *unit)
{
	struct wb_figure *f = calloc(1, sizeof *f);
	if (!f) {
		perror("bench: calloc");
		exit(2);
	}
	snprintf(f->name, sizeof f->name, "%s", name);
	snprintf(f->unit, sizeof f->unit, "%s", unit ? unit : "");
	if (G.nfigs == G.capfigs) {
		G.capfigs = G.capfigs ? G.capfigs * 2 : 32;
		G.figs = realloc(G.figs, G.capfigs * sizeof *G.figs);
		if (!G.figs) {
			perror("bench: realloc");
			exit(2);
		}
	}
	G.figs[G.nfigs++] = f;
	return f;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Quantile of n sorted values, linear interpolation. */
static double sorted_q(const double *v, size_t n, double q)
{
	if (n == 0)
		return NAN;
	double pos = q * (double)(n - 1);
	size_t i = (size_t)pos;
	double fr = pos - (double)i;
	return i + 1 < n ? v[i] * (1 - fr) + v[i + 1] * fr : v[n - 1];
}

static double median_of(const double *v, size_t n)
{
	double tmp[WB_MAX_ROUNDS];
	memcpy(tmp, v, n * sizeof *v);
	qsort(tmp, n, sizeof *tmp, cmp_double);
	return sorted_q(tmp, n, 0.5);
}

static void set_ratios(struct wb_figure *f, const double *r, size_t n)
{
	double tmp[WB_MAX_ROUNDS];
	if (n > WB_MAX_ROUNDS)
		n = WB_MAX_ROUNDS;
	memcpy(tmp, r, n * sizeof *r);
	qsort(tmp, n, sizeof *tmp, cmp_double);
	f->ratio_med = sorted_q(tmp, n, 0.5);
	f->ratio_p10 = sorted_q(tmp, n, 0.1);
	f->ratio_p90 = sorted_q(tmp, n, 0.9);
	f->have_ratio = true;
}

static void print_figure_line(const struct wb_figure *f);
static void write_json(const char *path);
static void figure_done(const struct wb_figure *f);
static bool in_summary;

/* Run one subject for one round: returns the round's value (ns/op, or
 * Mops/s for WB_RATE, or the round's p50 for WB_LATENCY); 0 on failure. */
static double run_round(const wb_subject_t *s, uint64_t *iters, unsigned flags, wb_hist_t *round_h,
                        wb_hist_t *all_h)
{
	uint64_t round_ns = (uint64_t)G.round_ms * 1000000u;
	if (round_h)
		wb_hist_init(round_h);
	uint64_t t = s->run(s->arg, *iters, round_h);
	if (t == 0)
		return 0;
	double ns_op = (double)t / (double)*iters;
	double val;
	if (flags & WB_LATENCY) {
		val = wb_hist_quantile(round_h, 0.5);
		wb_hist_merge(all_h, round_h);
	} else if (flags & WB_RATE) {
		val = 1e3 / ns_op; /* M ops/s */
	} else {
		val = ns_op;
	}
	/* A calibrated subject that ran short grows for the next round. */
	if (s->iters == 0 && t < round_ns) {
		double grow = (double)round_ns / (double)t * 1.1;
		*iters = (uint64_t)((double)*iters * grow) + 1;
	}
	return val;
}

static uint64_t calibrate(const wb_subject_t *s, unsigned flags)
{
	uint64_t lat_min =
	        (flags & WB_LATENCY) ? (wb_latency_samples() + G.rounds - 1) / G.rounds : 1;
	if (s->iters) {
		/* Fixed size: one warm-up pass. */
		if (s->run(s->arg, s->iters, NULL) == 0)
			return 0;
		return s->iters;
	}
	uint64_t target = (uint64_t)G.round_ms * 1000000u;
	uint64_t n = 1, t = 0;
	/* Latency subjects are calibrated with their sampling cost included. */
	wb_hist_t *scratch = (flags & WB_LATENCY) ? malloc(sizeof *scratch) : NULL;
	for (;;) {
		if (scratch)
			wb_hist_init(scratch);
		t = s->run(s->arg, n, scratch);
		if (t == 0) {
			free(scratch);
			return 0;
		}
		if (t >= target / 4 || n >= (1ull << 40))
			break;
		uint64_t mul = t ? (target / 4) / t : 16;
		n *= mul < 2 ? 2 : (mul > 16 ? 16 : mul);
	}
	double ns_op = (double)t / (double)n;
	uint64_t iters = (uint64_t)((double)target * 1.1 / (ns_op > 0 ? ns_op : 1)) + 1;
	/* Warm-up at the round size. */
	if (scratch)
		wb_hist_init(scratch);
	t = s->run(s->arg, iters, scratch);
	free(scratch);
	if (t == 0)
		return 0;
	if (iters < s->min_iters)
		iters = s->min_iters;
	return iters > lat_min ? iters : lat_min;
}

wb_figure_t *wb_compare(const char *name, const char *unit, const wb_subject_t *ours,
                        const wb_subject_t *base, unsigned flags)
{
	if (!wb_enabled(name))
		return NULL;
	if (G.list) {
		printf("%s\n", name);
		return NULL;
	}
	struct wb_figure *f = fig_new(name, unit);
	f->flags = flags;
	snprintf(f->ours_name, sizeof f->ours_name, "%s", ours->name);
	if (base)
		snprintf(f->base_name, sizeof f->base_name, "%s", base->name);

	uint64_t it_o = calibrate(ours, flags);
	wb_settle();
	uint64_t it_b = base ? calibrate(base, flags) : 1;
	wb_settle();
	if (it_o == 0 || it_b == 0) {
		wb_fail(f, "%s failed during warm-up", it_o == 0 ? ours->name : base->name);
		figure_done(f);
		return f;
	}

	double vo[WB_MAX_ROUNDS], vb[WB_MAX_ROUNDS], r[WB_MAX_ROUNDS];
	wb_hist_t *rh = NULL, *ho = NULL, *hb = NULL;
	if (flags & WB_LATENCY) {
		rh = malloc(sizeof *rh);
		ho = malloc(sizeof *ho);
		hb = malloc(sizeof *hb);
		if (!rh || !ho || !hb) {
			perror("bench: malloc");
			exit(2);
		}
		wb_hist_init(ho);
		wb_hist_init(hb);
	}
	unsigned n = 0;
	for (unsigned k = 0; k < G.rounds; k++) {
		/* Alternate who goes first so that drift hits both sides alike. */
		bool ours_first = (k % 2) == 0 || !base;
		for (int side = 0; side < 2; side++) {
			bool do_ours = (side == 0) == ours_first;
			if (!do_ours && !base)
				continue;
			double v = do_ours ? run_round(ours, &it_o, flags, rh, ho)
			                   : run_round(base, &it_b, flags, rh, hb);
			if (v == 0) {
				wb_fail(f, "%s failed in round %u",
				        do_ours ? ours->name : base->name, k);
				goto out;
			}
			(do_ours ? vo : vb)[n] = v;
			wb_settle();
		}
		if (base)
			r[n] = vo[n] / vb[n]; /* ns/op, p50 or rate: always ours/baseline */
		n++;
	}
	f->rounds = n;
	f->ours = median_of(vo, n);
	if (base) {
		f->base = median_of(vb, n);
		f->have_base = true;
		set_ratios(f, r, n);
	}
	if (flags & WB_LATENCY) {
		struct wb_lat *L[2] = { &f->lat_ours, &f->lat_base };
		wb_hist_t *H[2] = { ho, hb };
		for (int i = 0; i < (base ? 2 : 1); i++) {
			L[i]->have = true;
			L[i]->p50 = wb_hist_quantile(H[i], 0.5);
			L[i]->p99 = wb_hist_quantile(H[i], 0.99);
			L[i]->p999 = wb_hist_quantile(H[i], 0.999);
			L[i]->mean = wb_hist_mean(H[i]);
			L[i]->samples = H[i]->n;
		}
	}
out:
	free(rh);
	free(ho);
	free(hb);
	figure_done(f);
	return f;
}

wb_figure_t *wb_value_rounds(const char *name, const char *unit, const char *ours_name, double ours,
                             const char *base_name, double base, const double *ratios, size_t n)
{
	if (!wb_enabled(name))
		return NULL;
	if (G.list) {
		printf("%s\n", name);
		return NULL;
	}
	struct wb_figure *f = fig_new(name, unit);
	snprintf(f->ours_name, sizeof f->ours_name, "%s", ours_name ? ours_name : "weir");
	f->ours = ours;
	f->rounds = 1;
	if (base_name) {
		snprintf(f->base_name, sizeof f->base_name, "%s", base_name);
		f->base = base;
		f->have_base = true;
	}
	if (ratios && n) {
		set_ratios(f, ratios, n);
		f->rounds = (unsigned)n;
	} else if (base_name && base > 0) {
		double rr = ours / base;
		set_ratios(f, &rr, 1);
	}
	figure_done(f);
	return f;
}

wb_figure_t *wb_value(const char *name, const char *unit, const char *ours_name, double ours,
                      const char *base_name, double base)
{
	return wb_value_rounds(name, unit, ours_name, ours, base_name, base, NULL, 0);
}

void wb_target(wb_figure_t *f, enum wb_cmp cmp, double value, const char *text)
{
	if (!f)
		return;
	f->tcmp = cmp;
	f->tvalue = value;
	f->tabs = false;
	snprintf(f->ttext, sizeof f->ttext, "%s", text ? text : "");
}

void wb_target_abs(wb_figure_t *f, enum wb_cmp cmp, double value, const char *text)
{
	wb_target(f, cmp, value, text);
	if (f)
		f->tabs = true;
}

static void vappend(char *buf, size_t cap, const char *fmt, va_list ap)
{
	size_t len = strlen(buf);
	if (len && len + 2 < cap) {
		buf[len++] = ';';
		buf[len++] = ' ';
		buf[len] = 0;
	}
	if (len < cap)
		vsnprintf(buf + len, cap - len, fmt, ap);
}

void wb_note(wb_figure_t *f, const char *fmt, ...)
{
	if (!f)
		return;
	va_list ap;
	va_start(ap, fmt);
	vappend(f->note, sizeof f->note, fmt, ap);
	va_end(ap);
}

void wb_fail(wb_figure_t *f, const char *fmt, ...)
{
	if (!f)
		return;
	f->failed = true;
	va_list ap;
	va_start(ap, fmt);
	vappend(f->note, sizeof f->note, fmt, ap);
	va_end(ap);
	fprintf(stderr, "bench: FAILED %s: %s\n", f->name, f->note);
}

void wb_extra(wb_figure_t *f, const char *key, double value)
{
	if (!f || f->nextra >= WB_MAX_EXTRA)
		return;
	snprintf(f->extra_key[f->nextra], sizeof f->extra_key[0], "%s", key);
	f->extra_val[f->nextra++] = value;
}

double wb_figure_ours(const wb_figure_t *f)
{
	return f ? f->ours : NAN;
}
double wb_figure_baseline(const wb_figure_t *f)
{
	return f && f->have_base ? f->base : NAN;
}
double wb_figure_ratio(const wb_figure_t *f)
{
	return f && f->have_ratio ? f->ratio_med : NAN;
}

double wb_figure_ratio_p10(const wb_figure_t *f)
{
	return f && f->have_ratio ? f->ratio_p10 : NAN;
}

/* ------------------------------------------------------------------------ */
/* Output                                                                    */
/* ------------------------------------------------------------------------ */

static const char *cmp_str(enum wb_cmp c)
{
	return c == WB_LE ? "<=" : c == WB_GE ? ">=" : "";
}

/* Why a figure with a target has nothing to hold against it, or NULL. */
static const char *unmeasured(const struct wb_figure *f)
{
	if (f->tcmp == WB_NONE)
		return NULL;
	if (!f->tabs && (!f->have_ratio || isnan(f->ratio_med)))
		return "target on the ratio but no ratio measured";
	if (f->tabs && isnan(f->ours))
		return "target on the value but no value measured";
	return NULL;
}

/* "met", "MISSED", "failed" (marked failed, or a target with nothing
 * measured to check it against), "info" (no target). */
static const char *fig_status(const struct wb_figure *f)
{
	if (f->failed || unmeasured(f))
		return "failed";
	if (f->tcmp == WB_NONE)
		return "info";
	double v = f->tabs ? f->ours : f->ratio_med;
	bool met = f->tcmp == WB_LE ? v <= f->tvalue : v >= f->tvalue;
	return met ? "met" : "MISSED";
}

static void fmt_num(char *buf, size_t cap, double v)
{
	if (isnan(v))
		snprintf(buf, cap, "-");
	else if (fabs(v) >= 1e6 || (fabs(v) < 0.01 && v != 0))
		snprintf(buf, cap, "%.3g", v);
	else if (fabs(v) >= 100)
		snprintf(buf, cap, "%.0f", v);
	else
		snprintf(buf, cap, "%.3g", v);
}

static void print_header(void)
{
	printf("%-44s %12s %12s %-12s %-24s %-22s %s\n", "figure", "ours", "baseline", "unit",
	       "ratio med [p10, p90]", "target", "status");
}

static bool header_printed;

static void print_figure_line(const struct wb_figure *f)
{
	if (!header_printed) {
		print_header();
		header_printed = true;
	}
	char o[32], b[32], rm[32], r1[32], r9[32], tg[48];
	fmt_num(o, sizeof o, f->ours);
	fmt_num(b, sizeof b, f->have_base ? f->base : NAN);
	fmt_num(rm, sizeof rm, f->have_ratio ? f->ratio_med : NAN);
	fmt_num(r1, sizeof r1, f->have_ratio ? f->ratio_p10 : NAN);
	fmt_num(r9, sizeof r9, f->have_ratio ? f->ratio_p90 : NAN);
	char rr[112];
	snprintf(rr, sizeof rr, "%s [%s, %s]", rm, r1, r9);
	if (f->tcmp != WB_NONE)
		snprintf(tg, sizeof tg, "%s%s %g", f->tabs ? "abs " : "", cmp_str(f->tcmp),
		         f->tvalue);
	else
		snprintf(tg, sizeof tg, "-");
	printf("%-44s %12s %12s %-12s %-24s %-22s %s\n", f->name, o, b, f->unit, rr, tg,
	       in_summary ? fig_status(f) : "");
	if (f->lat_ours.have)
		printf("    latency %-12s p50 %.0f  p99 %.0f  p99.9 %.0f ns (%llu samples)\n",
		       f->ours_name, f->lat_ours.p50, f->lat_ours.p99, f->lat_ours.p999,
		       (unsigned long long)f->lat_ours.samples);
	if (f->lat_base.have)
		printf("    latency %-12s p50 %.0f  p99 %.0f  p99.9 %.0f ns (%llu samples)\n",
		       f->base_name, f->lat_base.p50, f->lat_base.p99, f->lat_base.p999,
		       (unsigned long long)f->lat_base.samples);
	if (f->note[0])
		printf("    note: %s\n", f->note);
}

/* After each figure the JSON file is rewritten, so a run cut short (timeout)
 * still leaves every figure measured so far. */
static void figure_done(const struct wb_figure *f)
{
	print_figure_line(f);
	if (G.json)
		write_json(G.json);
}

static void json_str(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(fp, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", fp);
		else if (c == '\t')
			fputs("\\t", fp);
		else if (c < 0x20)
			fprintf(fp, "\\u%04x", c);
		else
			fputc(c, fp);
	}
	fputc('"', fp);
}

static void json_num(FILE *fp, double v)
{
	if (isnan(v) || isinf(v))
		fputs("null", fp);
	else
		fprintf(fp, "%.6g", v);
}

static void trim(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\r'))
		s[--n] = 0;
}

static void read_cpu_model(char *buf, size_t cap)
{
	snprintf(buf, cap, "unknown CPU");
	FILE *fp = fopen("/proc/cpuinfo", "r");
	if (!fp)
		return;
	char line[512];
	while (fgets(line, sizeof line, fp)) {
		if (strncmp(line, "model name", 10) == 0) {
			char *c = strchr(line, ':');
			if (c) {
				c++;
				while (*c == ' ' || *c == '\t')
					c++;
				snprintf(buf, cap, "%s", c);
				trim(buf);
			}
			break;
		}
	}
	fclose(fp);
}

static void read_cmd(const char *cmd, char *buf, size_t cap)
{
	buf[0] = 0;
	FILE *p = popen(cmd, "r");
	if (!p)
		return;
	if (!fgets(buf, (int)cap, p))
		buf[0] = 0;
	pclose(p);
	trim(buf);
}

static void git_rev(char *buf, size_t cap)
{
	const char *env = getenv("WEIR_GIT_REV");
	if (env && *env) {
		snprintf(buf, cap, "%s", env);
		return;
	}
	read_cmd("git -C '" WB_SOURCE_DIR "' describe --always --dirty --abbrev=12 2>/dev/null",
	         buf, cap);
	if (!buf[0])
		snprintf(buf, cap, "unknown");
}

static void write_json(const char *path)
{
	FILE *fp = fopen(path, "w");
	if (!fp) {
		fprintf(stderr, "bench: cannot write %s: %s\n", path, strerror(errno));
		return;
	}
	char model[256], rev[128], date[64], load[128] = "";
	read_cpu_model(model, sizeof model);
	git_rev(rev, sizeof rev);
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
	FILE *la = fopen("/proc/loadavg", "r");
	if (la) {
		if (!fgets(load, sizeof load, la))
			load[0] = 0;
		fclose(la);
		trim(load);
	}
	struct utsname un;
	if (uname(&un) != 0)
		memset(&un, 0, sizeof un);
	long nproc = sysconf(_SC_NPROCESSORS_ONLN);
	char machine[400];
	snprintf(machine, sizeof machine, "%s, %ld online CPUs (%u usable), Linux %s %s", model,
	         nproc, wb_ncpus(), un.release, un.machine);

	fprintf(fp, "{\n  \"suite\": ");
	json_str(fp, G.suite);
	fprintf(fp, ",\n  \"meta\": {\"date\": ");
	json_str(fp, date);
	fprintf(fp, ", \"machine\": ");
	json_str(fp, machine);
	fprintf(fp, ", \"cpu_model\": ");
	json_str(fp, model);
	fprintf(fp, ", \"nproc\": %ld, \"usable_cpus\": %u, \"kernel\": ", nproc, wb_ncpus());
	json_str(fp, un.release);
	fprintf(fp, ", \"git\": ");
	json_str(fp, rev);
	fprintf(fp, ", \"compiler\": ");
#ifdef __VERSION__
	json_str(fp, __VERSION__);
#else
	json_str(fp, "unknown");
#endif
	fprintf(fp, ", \"loadavg_at_end\": ");
	json_str(fp, load);
	fprintf(fp, ", \"rounds\": %u, \"round_ms\": %u, \"quick\": %s, \"wall_s\": %.1f},\n",
	        G.rounds, G.round_ms, G.quick ? "true" : "false",
	        (double)(wb_now_ns() - G.t_start) / 1e9);
	fprintf(fp, "  \"figures\": [");
	for (size_t i = 0; i < G.nfigs; i++) {
		const struct wb_figure *f = G.figs[i];
		fprintf(fp, "%s\n    {\"name\": ", i ? "," : "");
		json_str(fp, f->name);
		fprintf(fp, ", \"unit\": ");
		json_str(fp, f->unit);
		fprintf(fp, ", \"higher_is_better\": %s", (f->flags & WB_RATE) ? "true" : "false");
		fprintf(fp, ", \"ours_name\": ");
		json_str(fp, f->ours_name);
		fprintf(fp, ", \"ours\": ");
		json_num(fp, f->ours);
		fprintf(fp, ", \"baseline_name\": ");
		if (f->have_base)
			json_str(fp, f->base_name);
		else
			fputs("null", fp);
		fprintf(fp, ", \"baseline\": ");
		json_num(fp, f->have_base ? f->base : NAN);
		fprintf(fp, ", \"ratio\": ");
		if (f->have_ratio) {
			fprintf(fp, "{\"median\": ");
			json_num(fp, f->ratio_med);
			fprintf(fp, ", \"p10\": ");
			json_num(fp, f->ratio_p10);
			fprintf(fp, ", \"p90\": ");
			json_num(fp, f->ratio_p90);
			fprintf(fp, "}");
		} else {
			fputs("null", fp);
		}
		fprintf(fp, ", \"rounds\": %u", f->rounds);
		if (f->lat_ours.have) {
			const struct wb_lat *L[2] = { &f->lat_ours, &f->lat_base };
			fprintf(fp, ", \"latency_ns\": {");
			for (int k = 0; k < 2; k++) {
				if (!L[k]->have)
					continue;
				fprintf(fp, "%s\"%s\": {\"p50\": ", k ? ", " : "",
				        k ? "baseline" : "ours");
				json_num(fp, L[k]->p50);
				fprintf(fp, ", \"p99\": ");
				json_num(fp, L[k]->p99);
				fprintf(fp, ", \"p999\": ");
				json_num(fp, L[k]->p999);
				fprintf(fp, ", \"mean\": ");
				json_num(fp, L[k]->mean);
				fprintf(fp, ", \"samples\": %llu}",
				        (unsigned long long)L[k]->samples);
			}
			fprintf(fp, "}");
		}
		fprintf(fp, ", \"target\": ");
		if (f->tcmp != WB_NONE) {
			fprintf(fp, "{\"cmp\": \"%s\", \"value\": ", cmp_str(f->tcmp));
			json_num(fp, f->tvalue);
			fprintf(fp, ", \"on\": \"%s\", \"text\": ", f->tabs ? "ours" : "ratio");
			json_str(fp, f->ttext);
			fprintf(fp, "}");
		} else {
			fputs("null", fp);
		}
		const char *st = fig_status(f);
		fprintf(fp, ", \"status\": \"%s\"", strcmp(st, "MISSED") == 0 ? "missed" : st);
		fprintf(fp, ", \"note\": ");
		json_str(fp, f->note);
		if (f->nextra) {
			fprintf(fp, ", \"extra\": {");
			for (unsigned k = 0; k < f->nextra; k++) {
				fprintf(fp, "%s", k ? ", " : "");
				json_str(fp, f->extra_key[k]);
				fprintf(fp, ": ");
				json_num(fp, f->extra_val[k]);
			}
			fprintf(fp, "}");
		}
		fprintf(fp, "}");
	}
	fprintf(fp, "\n  ]\n}\n");
	if (fclose(fp) != 0)
		fprintf(stderr, "bench: error writing %s\n", path);
	else if (in_summary)
		printf("# JSON written to %s\n", path);
}

int wb_finish(void)
{
	if (G.list)
		return 0;
	int rc = 0;
	printf("\n# summary: suite '%s'%s\n", G.suite,
	       G.quick ? " (QUICK run: not a measurement)" : "");
	print_header();
	header_printed = true;
	in_summary = true;
	for (size_t i = 0; i < G.nfigs; i++) {
		const struct wb_figure *f = G.figs[i];
		print_figure_line(f);
		if (!f->failed && unmeasured(f))
			fprintf(stderr, "bench: FAILED %s: %s\n", f->name, unmeasured(f));
		if (strcmp(fig_status(f), "failed") == 0)
			rc = 1;
	}
	if (G.json)
		write_json(G.json);
	for (size_t i = 0; i < G.nfigs; i++)
		free(G.figs[i]);
	free(G.figs);
	G.figs = NULL;
	G.nfigs = G.capfigs = 0;
	return rc;
}
