/*
 * tests/onnx/onnx_backend.c - ONNX's backend node tests (Debian
 * libonnx-testdata) through GE's ONNX parser and ge::Session.
 *
 *   onnx_backend [options] [DIR]
 *     DIR                 the case directory (default: $WEIR_ONNX_TESTDATA,
 *                         else /usr/share/libonnx-testdata/data/node)
 *     --table PATH        write the per-op Markdown table (docs/onnx.md is
 *                         made this way: scripts/onnx-table.sh)
 *     --min-pass N        fail unless at least N cases pass (the floor CTest
 *                         registers; raise it as the op library grows)
 *     --case-timeout S    watchdog per case, seconds (default 30)
 *     --filter STR        only cases whose name contains STR
 *     -v                  one line per case
 *
 * Each case (a directory holding model.onnx and test_data_set_N/ with
 * input_K.pb / output_K.pb TensorProtos) is parsed with ge::aclgrphParseONNX
 * (every 10th case with ge::aclgrphParseONNXFromMem on the file's bytes),
 * added to the process's one ge::Session (AddGraph) and run once per data
 * set (RunGraph with host ge::Tensor inputs; session_run.cpp); outputs are
 * compared exactly for integers and bool, and as |a - b| <= 1e-5 + 1e-3 |b|
 * for floating types (NaN matches NaN). Every case ends in one class:
 *   pass         every data set matched
 *   unsupported  the importer or the lowering answered WEIR_ENOTSUP (the code
 *                weir recorded with GEGetErrorMsgV2's message)
 *   mismatch     an output differs (first index and values are reported)
 *   error        any other code (the code and message are reported)
 * A crash or a hang (the watchdog: alarm(), naming the case) fails the run.
 * Exit status: 0 when nothing crashed or hung and passes >= --min-pass, 1
 * otherwise, 77 (skipped) when the case directory does not exist.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ge/weir_ge.h"
#include "onnx.pb-c.h"
#include "session_run.h"

#define DEFAULT_DIR "/usr/share/libonnx-testdata/data/node"
#define MAX_IO      64

enum cls { C_PASS, C_UNSUP, C_MISMATCH, C_ERROR, C_COUNT };
static const char *const cls_name[C_COUNT] = { "pass", "unsupported", "mismatch", "error" };

typedef struct result {
	char *name; /* case directory name */
	char *op;   /* the op the case tests */
	enum cls cls;
	char why[256];
} result_t;

/* ---- the watchdog --------------------------------------------------------- */

static char g_case[512];

static void on_alarm(int sig)
{
	(void)sig;
	static const char a[] = "\nonnx_backend: HANG: case ";
	static const char b[] = " exceeded its time limit\n";
	ssize_t r = write(2, a, sizeof(a) - 1);
	r = write(2, g_case, strlen(g_case));
	r = write(2, b, sizeof(b) - 1);
	(void)r;
	_exit(1);
}

/* ---- files ---------------------------------------------------------------- */

static void *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n < cap)
			break;
		char *nb = realloc(buf, cap *= 2);
		if (!nb)
			free(buf);
		buf = nb;
	}
	fclose(f);
	*len = n;
	return buf;
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- which op a case tests ------------------------------------------------ */

static void squash(const char *s, char *out, size_t cap)
{
	size_t n = 0;
	for (; *s && n + 1 < cap; s++)
		if (*s != '_')
			out[n++] = (char)((*s >= 'A' && *s <= 'Z') ? *s - 'A' + 'a' : *s);
	out[n] = 0;
}

/* The op type among the model's nodes whose name starts the case name
 * (test_reduce_sum_keepdims -> ReduceSum), longest first; else the first
 * node's; "(expanded)" for the ONNX function-expansion variants. Models
 * that do not decode get the case name. */
static char *case_op(const char *dir, const char *name)
{
	char path[1024], buf[160];
	snprintf(path, sizeof(path), "%s/%s/model.onnx", dir, name);
	size_t len;
	void *bytes = read_all(path, &len);
	const char *base = strncmp(name, "test_", 5) ? name : name + 5;
	char want[256];
	squash(base, want, sizeof(want));
	Onnx__ModelProto *m = bytes ? onnx__model_proto__unpack(NULL, len, bytes) : NULL;
	free(bytes);
	const char *best = NULL;
	size_t best_len = 0;
	if (m && m->graph) {
		for (size_t i = 0; i < m->graph->n_node; i++) {
			const char *t = m->graph->node[i]->op_type;
			if (!t)
				continue;
			squash(t, buf, sizeof(buf));
			size_t n = strlen(buf);
			if (n > best_len && !strncmp(want, buf, n)) {
				best = t;
				best_len = n;
			}
		}
		if (!best && m->graph->n_node)
			best = m->graph->node[0]->op_type;
	}
	char out[256];
	snprintf(out, sizeof(out), "%s%s", best ? best : base,
	         strstr(name, "_expanded") ? " (expanded)" : "");
	if (m)
		onnx__model_proto__free_unpacked(m, NULL);
	return strdup(out);
}

/* ---- comparing ------------------------------------------------------------- */

static float half_to_float(uint16_t h)
{
	uint32_t s = (uint32_t)(h >> 15) << 31, e = (h >> 10) & 0x1f, m = h & 0x3ff, bits;
	if (e == 0x1f)
		bits = s | 0x7f800000u | (m << 13);
	else if (e)
		bits = s | ((e + 112) << 23) | (m << 13);
	else if (m) {
		float f = (float)m * 0x1p-24f;
		return s ? -f : f;
	} else
		bits = s;
	float f;
	memcpy(&f, &bits, 4);
	return f;
}

static float bf16_to_float(uint16_t h)
{
	uint32_t bits = (uint32_t)h << 16;
	float f;
	memcpy(&f, &bits, 4);
	return f;
}

static bool is_float(int dt)
{
	return dt == WEIR_DT_FLOAT || dt == WEIR_DT_FLOAT16 || dt == WEIR_DT_BF16 ||
	       dt == WEIR_DT_DOUBLE;
}

static double fval(int dt, const void *p, int64_t i)
{
	switch (dt) {
	case WEIR_DT_FLOAT: return ((const float *)p)[i];
	case WEIR_DT_DOUBLE: return ((const double *)p)[i];
	case WEIR_DT_FLOAT16: return half_to_float(((const uint16_t *)p)[i]);
	default: return bf16_to_float(((const uint16_t *)p)[i]);
	}
}

/* true when equal, else false with the first difference in why. */
static bool compare(const weir_tensor_desc_t *want, const void *w, const weir_tensor_desc_t *got,
                    const void *g, char *why, size_t cap)
{
	char a[96], b[96];
	weir_tensor_desc_t w16;
	if (want->dtype == WEIR_DT_UINT16 && got->dtype == WEIR_DT_BF16) {
		w16 = *want; /* bfloat16 stored as uint16, as for inputs */
		w16.dtype = WEIR_DT_BF16;
		want = &w16;
	}
	if (!weir_tensor_desc_equal(want, got)) {
		snprintf(why, cap, "got %s, want %s", weir_tensor_desc_str(got, a, sizeof(a)),
		         weir_tensor_desc_str(want, b, sizeof(b)));
		return false;
	}
	int64_t n = weir_tensor_desc_numel(want);
	size_t es = weir_dtype_size(want->dtype);
	for (int64_t i = 0; i < n; i++) {
		if (is_float(want->dtype)) {
			double x = fval(want->dtype, g, i), y = fval(want->dtype, w, i);
			if (isnan(x) && isnan(y))
				continue;
			if (x == y || fabs(x - y) <= 1e-5 + 1e-3 * fabs(y))
				continue;
			snprintf(why, cap, "[%lld] got %.7g, want %.7g", (long long)i, x, y);
			return false;
		}
		if (memcmp((const char *)g + i * es, (const char *)w + i * es, es)) {
			long long x = 0, y = 0;
			memcpy(&x, (const char *)g + i * es, es < 8 ? es : 8);
			memcpy(&y, (const char *)w + i * es, es < 8 ? es : 8);
			snprintf(why, cap, "[%lld] got %lld, want %lld (%s)", (long long)i, x, y,
			         weir_dtype_name(want->dtype));
			return false;
		}
	}
	return true;
}

/* ---- one case ---------------------------------------------------------------- */

typedef struct tset {
	uint32_t n;
	weir_tensor_desc_t desc[MAX_IO];
	void *data[MAX_IO];
} tset_t;

static void tset_free(tset_t *s)
{
	for (uint32_t i = 0; i < s->n; i++)
		free(s->data[i]);
	s->n = 0;
}

/* Load prefix_0.pb, prefix_1.pb, ... from dir. */
static int tset_load(const char *dir, const char *prefix, tset_t *s, char *why, size_t cap)
{
	s->n = 0;
	for (uint32_t k = 0; k < MAX_IO; k++) {
		char path[1200];
		snprintf(path, sizeof(path), "%s/%s_%u.pb", dir, prefix, k);
		size_t len;
		void *buf = read_all(path, &len);
		if (!buf)
			return WEIR_OK;
		int rc = weir_onnx_tensor_decode(buf, len, &s->desc[k], &s->data[k]);
		free(buf);
		if (rc) {
			snprintf(why, cap, "%s_%u.pb: %s", prefix, k, weir_graph_last_error());
			return rc;
		}
		s->n = k + 1;
	}
	return WEIR_OK;
}

static enum cls classify(int rc)
{
	return rc == WEIR_ENOTSUP ? C_UNSUP : C_ERROR;
}

static void run_case(uint32_t id, bool from_mem, const char *dir, result_t *r)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s/model.onnx", dir, r->name);
	int32_t decl[MAX_IO];
	uint32_t nin = 0;
	int rc = sr_add(id, path, from_mem, decl, MAX_IO, &nin, r->why, sizeof(r->why));
	if (rc) {
		r->cls = classify(rc);
		return;
	}
	r->cls = C_PASS;
	unsigned sets = 0;
	for (unsigned k = 0; r->cls == C_PASS; k++) {
		char sdir[1100];
		snprintf(sdir, sizeof(sdir), "%s/%s/test_data_set_%u", dir, r->name, k);
		if (!exists(sdir))
			break;
		sets++;
		tset_t in = { 0 }, want = { 0 };
		weir_tensor_t ti[MAX_IO];
		weir_tensor_desc_t od[MAX_IO];
		void *got[MAX_IO];
		uint32_t nout = 0;
		if ((rc = tset_load(sdir, "input", &in, r->why, sizeof(r->why))) ||
		    (rc = tset_load(sdir, "output", &want, r->why, sizeof(r->why)))) {
			r->cls = classify(rc);
			goto next;
		}
		/* ONNX's test data stores bfloat16 tensors as uint16 (numpy has no
		 * bfloat16): take them as the graph's declared bfloat16. */
		for (uint32_t i = 0; i < in.n && i < nin; i++)
			if (in.desc[i].dtype == WEIR_DT_UINT16 && decl[i] == WEIR_DT_BF16)
				in.desc[i].dtype = WEIR_DT_BF16;
		for (uint32_t i = 0; i < in.n; i++)
			ti[i] = (weir_tensor_t){ in.data[i],
				                 (size_t)weir_tensor_desc_bytes(&in.desc[i]),
				                 in.desc[i] };
		rc = sr_run(id, ti, in.n, od, got, MAX_IO, &nout, r->why, sizeof(r->why));
		if (rc) {
			r->cls = classify(rc);
			goto next;
		}
		if (nout != want.n) {
			r->cls = C_ERROR;
			snprintf(r->why, sizeof(r->why), "%u outputs, the case has %u", nout,
			         want.n);
		}
		for (uint32_t j = 0; j < nout && r->cls == C_PASS; j++) {
			char why[200];
			if (!compare(&want.desc[j], want.data[j], &od[j], got[j], why,
			             sizeof(why))) {
				r->cls = C_MISMATCH;
				snprintf(r->why, sizeof(r->why), "set %u output %u: %s", k, j, why);
			}
		}
		for (uint32_t j = 0; j < nout; j++)
			free(got[j]);
	next:
		tset_free(&in);
		tset_free(&want);
	}
	if (r->cls == C_PASS && !sets) {
		r->cls = C_ERROR;
		snprintf(r->why, sizeof(r->why), "no test_data_set_0");
	}
	sr_remove(id);
}

/* ---- the table ------------------------------------------------------------------ */

static int cmp_result(const void *a, const void *b)
{
	const result_t *x = a, *y = b;
	int c = strcmp(x->op, y->op);
	return c ? c : strcmp(x->name, y->name);
}

/* Markdown-safe, shortened reason: without the naming prefixes ("onnx: ",
 * "ONNX node 'x' (T) in graph 'g': ", "node 'x' (T): "), which the table's
 * op column already says. */
static void short_why(const char *why, char *out, size_t cap)
{
	const char *s = why;
	if (!strncmp(s, "onnx: ", 6))
		s += 6;
	const char *p = strstr(s, " in graph '");
	if (p && (p = strstr(p + 11, "': ")))
		s = p + 3;
	else if (!strncmp(s, "node '", 6) && (p = strstr(s, ") ")) && p - s < 160)
		s = p + 2;
	size_t n = 0;
	for (; *s && n + 4 < cap; s++) {
		char c = *s;
		if (c == '|')
			c = '/';
		if (c == '\n')
			c = ' ';
		out[n++] = c;
	}
	if (*s && n >= 3)
		memcpy(out + n - 3, "...", 3);
	out[n] = 0;
}

static int write_table(const char *path, result_t *r, size_t n, const unsigned *tot)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "onnx_backend: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	qsort(r, n, sizeof(*r), cmp_result);
	fprintf(f,
	        "# ONNX backend node tests\n\n"
	        "Generated by `scripts/onnx-table.sh` (tests/onnx/onnx_backend.c) from Debian's\n"
	        "`libonnx-testdata` (ONNX's own backend node test cases): each case's model is\n"
	        "imported (`ge::aclgrphParseONNX`, every 10th case `aclgrphParseONNXFromMem`),\n"
	        "run through `ge::Session` (AddGraph, RunGraph with host `ge::Tensor`s) and its\n"
	        "outputs compared with ONNX's (exact for integers and bool; |a-b| <= 1e-5 +\n"
	        "1e-3 |b| for floats). Do not edit by hand.\n\n");
	fprintf(f,
	        "**%zu cases: %u pass, %u unsupported, %u numeric mismatch, %u other error.**\n\n",
	        n, tot[C_PASS], tot[C_UNSUP], tot[C_MISMATCH], tot[C_ERROR]);
	fprintf(f,
	        "Failures that are not \"unsupported\", as of ONNX 1.12's test data:\n\n"
	        "- `cast_FLOAT_to_BFLOAT16` (mismatch): the expected values were made by\n"
	        "  truncating float32 to bfloat16; weir's Cast rounds to nearest even (as\n"
	        "  PyTorch does, and ONNX's reference since 1.13).\n"
	        "- `castlike_*BFLOAT16*` (error, 4 cases with the expanded forms): the test\n"
	        "  data's `like` tensor has rank 1 while the model declares rank 2; weir\n"
	        "  refuses an input its declared type does not allow (ESHAPE, naming it).\n\n");
	fprintf(f, "| op | cases | passed | failed (reason, abbreviated) |\n|---|---|---|---|\n");
	for (size_t i = 0; i < n;) {
		size_t j = i;
		unsigned pass = 0;
		while (j < n && !strcmp(r[j].op, r[i].op))
			pass += r[j++].cls == C_PASS;
		fprintf(f, "| %s | %zu | %u | ", r[i].op, j - i, pass);
		/* Distinct (class, reason) pairs with their case counts; a reason
		 * seen once names its case. */
		unsigned listed = 0, more = 0;
		for (size_t k = i; k < j; k++) {
			char w[120], w2[120];
			if (r[k].cls == C_PASS)
				continue;
			short_why(r[k].why, w, sizeof(w));
			bool seen = false;
			for (size_t q = i; q < k && !seen; q++) {
				short_why(r[q].why, w2, sizeof(w2));
				seen = r[q].cls == r[k].cls && !strcmp(w, w2);
			}
			if (seen)
				continue;
			unsigned count = 0;
			for (size_t q = k; q < j; q++) {
				short_why(r[q].why, w2, sizeof(w2));
				count += r[q].cls == r[k].cls && !strcmp(w, w2);
			}
			if (listed == 4) {
				more += count;
				continue;
			}
			if (count == 1)
				fprintf(f, "%s%s: %s: %s", listed ? "; " : "",
				        strncmp(r[k].name, "test_", 5) ? r[k].name : r[k].name + 5,
				        cls_name[r[k].cls], w);
			else
				fprintf(f, "%s%s: %s (%u cases)", listed ? "; " : "",
				        cls_name[r[k].cls], w, count);
			listed++;
		}
		if (more)
			fprintf(f, "; %u more", more);
		fprintf(f, " |\n");
		i = j;
	}
	return fclose(f) ? -1 : 0;
}

/* ---- main ------------------------------------------------------------------------ */

int main(int argc, char **argv)
{
	const char *dir = getenv("WEIR_ONNX_TESTDATA"), *table = NULL, *filter = NULL;
	long min_pass = 0, case_timeout = 30;
	bool verbose = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--table") && i + 1 < argc)
			table = argv[++i];
		else if (!strcmp(argv[i], "--min-pass") && i + 1 < argc)
			min_pass = strtol(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--case-timeout") && i + 1 < argc)
			case_timeout = strtol(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--filter") && i + 1 < argc)
			filter = argv[++i];
		else if (!strcmp(argv[i], "-v"))
			verbose = true;
		else if (argv[i][0] == '-') {
			fprintf(stderr, "usage: onnx_backend [--table PATH] [--min-pass N] "
			                "[--case-timeout S] [--filter STR] [-v] [DIR]\n");
			return 2;
		} else
			dir = argv[i];
	}
	if (!dir || !*dir)
		dir = DEFAULT_DIR;
	DIR *d = opendir(dir);
	if (!d) {
		printf("onnx_backend: SKIP: no test cases at %s (install libonnx-testdata)\n", dir);
		return 77;
	}
	char **names = NULL;
	size_t nn = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || (filter && !strstr(e->d_name, filter)))
			continue;
		char p[1024];
		snprintf(p, sizeof(p), "%s/%s/model.onnx", dir, e->d_name);
		if (!exists(p))
			continue;
		char **nn2 = realloc(names, (nn + 1) * sizeof(*names));
		if (!nn2 || !(nn2[nn] = strdup(e->d_name))) {
			fprintf(stderr, "onnx_backend: out of memory\n");
			return 1;
		}
		names = nn2;
		nn++;
	}
	closedir(d);
	qsort(names, nn, sizeof(*names), cmp_str);

	setenv("WEIR_NO_PIN", "1", 0);
	setenv("WEIR_WORKERS", "2", 0);
	char why[512];
	if (sr_init(why, sizeof(why))) {
		fprintf(stderr, "onnx_backend: GE session: %s\n", why);
		return 1;
	}
	signal(SIGALRM, on_alarm);
	result_t *res = calloc(nn ? nn : 1, sizeof(*res));
	unsigned tot[C_COUNT] = { 0 };
	for (size_t i = 0; i < nn; i++) {
		result_t *r = &res[i];
		r->name = names[i];
		r->op = case_op(dir, r->name);
		snprintf(g_case, sizeof(g_case), "%s/%s", dir, r->name);
		alarm((unsigned)case_timeout);
		run_case((uint32_t)i + 1, i % 10 == 9, dir, r);
		alarm(0);
		tot[r->cls]++;
		if (verbose || (r->cls != C_PASS && r->cls != C_UNSUP && filter))
			printf("%-55s %-11s %s\n", r->name, cls_name[r->cls], r->why);
	}
	sr_fini();

	printf("onnx_backend: %zu cases: %u pass, %u unsupported, %u mismatch, %u error "
	       "(floor %ld)\n",
	       nn, tot[C_PASS], tot[C_UNSUP], tot[C_MISMATCH], tot[C_ERROR], min_pass);
	int rc = tot[C_PASS] >= (unsigned long)min_pass ? 0 : 1;
	if (rc)
		printf("onnx_backend: FAIL: %u passes, below the floor of %ld\n", tot[C_PASS],
		       min_pass);
	if (table && write_table(table, res, nn, tot))
		rc = 1;
	for (size_t i = 0; i < nn; i++) {
		free(res[i].name);
		free(res[i].op);
	}
	free(res);
	free(names);
	return rc;
}
