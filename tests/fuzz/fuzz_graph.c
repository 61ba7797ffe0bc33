/*
 * tests/fuzz/fuzz_graph.c - libFuzzer harness for the graph builder, the
 * compiler and the executor.
 *
 * The input is a little program: each step reads an opcode byte and its
 * operands and makes one builder call (add a Data/Const/op node, set an
 * attribute, rewire an input, add a control edge, set the outputs, set a
 * graph option). Operands are taken modulo small tables, so most inputs
 * build plausible graphs, and a few escape bytes reach the edges (huge dims,
 * unknown dtypes, dangling ports, unknown ops, extreme attribute values).
 * The graph is then added to a session, compiled, loaded and run once with
 * zero-filled inputs; every step may fail, but only with a status code.
 *
 * The same file is linked into a replay program (tests/fuzz/replay.c) that
 * runs the checked-in corpus as an ordinary test in every lane.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "weir/sched.h"
#include "weir/mem.h"
#include "weir/graph.h"
#include "weir/session.h"

struct reader {
	const uint8_t *p;
	size_t n;
};

static uint8_t rd8(struct reader *r)
{
	if (!r->n)
		return 0;
	r->n--;
	return *r->p++;
}

static const int dtypes[] = {
	WEIR_DT_FLOAT,
	WEIR_DT_FLOAT,
	WEIR_DT_FLOAT16,
	WEIR_DT_BF16,
	WEIR_DT_INT32,
	WEIR_DT_INT64,
	WEIR_DT_INT8,
	WEIR_DT_UINT8,
	WEIR_DT_BOOL,
	WEIR_DT_DOUBLE,
	WEIR_DT_INT16,
	WEIR_DT_UINT64,
	5 /* not a weir dtype */,
	-1,
};

static const char *const ops[] = {
	"Add",     "Sub",       "Mul",       "Div",        "Maximum",   "Minimum", "Pow",
	"Neg",     "Abs",       "Relu",      "Exp",        "Log",       "Sqrt",    "Rsqrt",
	"Gelu",    "Sigmoid",   "Tanh",      "Silu",       "Cast",      "MatMul",  "BatchMatMul",
	"Softmax", "LayerNorm", "RMSNorm",   "Transpose",  "Reshape",   "Concat",  "Split",
	"Slice",   "Gather",    "ReduceSum", "ReduceMean", "ReduceMax", "Conv2D",  "MaxPool",
	"AvgPool", "Data",      "Const",     "NoSuchOp",   "",
};

static const char *const attr_names[] = {
	"axis",
	"axes",
	"perm",
	"shape",
	"keep_dims",
	"keepdims",
	"dst_type",
	"to",
	"transpose_a",
	"transpose_b",
	"adj_x1",
	"epsilon",
	"begin",
	"size",
	"begins",
	"ends",
	"offsets",
	"sizes",
	"num_split",
	"split_dim",
	"size_splits",
	"split",
	"concat_dim",
	"strides",
	"pads",
	"group",
	"data_format",
	"approximate",
	"batch_dims",
	"allowzero",
	"begin_norm_axis",
	"count_include_pad",
	"exclusive",
};

static const char *const strings[] = {
	"NCHW", "NHWC", "tanh", "none", "", "SAME", "VALID",
};

static const char *const options[][2] = {
	{ "ge.exec.disableReuseMemory", "1" }, { "ge.streamMaxParallelNum", "4" },
	{ "ge.streamMaxParallelNum", "0" },    { "ge.graphRunMode", "1" },
	{ "ge.exec.disableReuseMemory", "x" },
};

#define NELEM(a)        (sizeof(a) / sizeof((a)[0]))
#define MAX_STEPS       48
#define MAX_PORTS       64
#define MAX_CONST_BYTES 65536

static int64_t pick_int(struct reader *r)
{
	static const int64_t edge[] = {
		INT64_MAX, INT64_MIN, INT32_MAX, -1, 0, 1 << 30, -(1 << 30)
	};
	uint8_t b = rd8(r);
	if (b >= 0xF8)
		return edge[b % NELEM(edge)];
	return (int64_t)(b % 13) - 4; /* -4..8 */
}

static void pick_desc(struct reader *r, weir_tensor_desc_t *d)
{
	memset(d, 0, sizeof(*d));
	d->dtype = dtypes[rd8(r) % NELEM(dtypes)];
	uint8_t rb = rd8(r);
	d->rank = rb == 0xFF ? WEIR_MAX_RANK + 1 : rb % 5;
	for (uint32_t i = 0; i < d->rank && i < WEIR_MAX_RANK; i++) {
		uint8_t b = rd8(r);
		d->dims[i] = b == 0xFF ? (int64_t)1 << 40 : b == 0xFE ? -1 : b % 5;
	}
}

static weir_port_t pick_port(struct reader *r, const weir_port_t *ports, uint32_t nports)
{
	uint8_t b = rd8(r);
	if (!nports || b == 0xFF)
		return weir_port(rd8(r), rd8(r) % 3); /* maybe dangling */
	weir_port_t p = ports[b % nports];
	if (rd8(r) >= 0xF0)
		p.index = 1 + p.index; /* maybe past the node's outputs */
	return p;
}

static void set_attr(struct reader *r, weir_graph_t *g, uint32_t node)
{
	weir_attrs_t *a;
	if (weir_graph_node_attrs(g, node, &a) != WEIR_OK)
		return;
	const char *name = attr_names[rd8(r) % NELEM(attr_names)];
	switch (rd8(r) % 6) {
	case 0: (void)weir_attrs_set_int(a, name, pick_int(r)); break;
	case 1: {
		static const float fv[] = { 0.0f, 1e-5f, -1.0f, 1e30f, 0.5f };
		uint8_t b = rd8(r);
		float v = b == 0xFF   ? __builtin_nanf("")
		          : b == 0xFE ? __builtin_inff()
		                      : fv[b % NELEM(fv)];
		(void)weir_attrs_set_float(a, name, v);
		break;
	}
	case 2: (void)weir_attrs_set_bool(a, name, rd8(r) & 1); break;
	case 3: (void)weir_attrs_set_string(a, name, strings[rd8(r) % NELEM(strings)]); break;
	case 4: {
		int64_t v[WEIR_MAX_RANK + 2];
		size_t n = rd8(r) % NELEM(v);
		for (size_t i = 0; i < n; i++)
			v[i] = pick_int(r);
		(void)weir_attrs_set_ints(a, name, v, n);
		break;
	}
	default: {
		float v[4] = { 1.0f, 2.0f, 0.0f, -1.0f };
		(void)weir_attrs_set_floats(a, name, v, rd8(r) % 5);
		break;
	}
	}
}

static weir_runtime_t *rt;
static weir_mem_t *mem;
/* How far inputs got (printed at exit when WEIR_FUZZ_STATS is set): a
 * harness whose inputs never reach a run would test only the builder. */
static unsigned long n_inputs, n_added, n_loaded, n_ran;

static void print_stats(void)
{
	fprintf(stderr, "fuzz_graph: %lu inputs, %lu added, %lu compiled+loaded, %lu ran\n",
	        n_inputs, n_added, n_loaded, n_ran);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	weir_config_t cfg;
	weir_config_init(&cfg);
	cfg.devices = 1;
	cfg.workers_per_device = 2;
	cfg.flags |= WEIR_CONFIG_NO_PIN;
	cfg.spin_ns = 1000;
	cfg.mem_capacity = 64u << 20;
	if (weir_runtime_create(&cfg, &rt) != WEIR_OK || weir_mem_create(rt, &mem) != WEIR_OK)
		abort();
	if (getenv("WEIR_FUZZ_STATS"))
		atexit(print_stats);
	return 0;
}

static void run_graph(const weir_graph_t *g)
{
	weir_session_t *s;
	if (weir_session_create(rt, mem, NULL, 0, &s) != WEIR_OK)
		abort(); /* no input can make this fail */
	n_inputs++;
	if (weir_session_add_graph(s, 1, g, NULL, 0) != WEIR_OK)
		goto out;
	n_added++;
	if (weir_session_compile_graph(s, 1) != WEIR_OK ||
	    weir_session_load_graph(s, 1, NULL, 0, NULL) != WEIR_OK)
		goto out;
	n_loaded++;
	weir_graph_summary_t sum;
	if (weir_session_graph_summary(s, 1, &sum) != WEIR_OK)
		abort(); /* a loaded graph has a summary */
	weir_tensor_t *in = calloc(sum.ninputs + 1, sizeof(*in));
	weir_tensor_t *out = calloc(sum.noutputs + 1, sizeof(*out));
	if (!in || !out)
		abort();
	uint32_t nin = 0;
	for (; nin < sum.ninputs; nin++) {
		int64_t bytes = weir_tensor_desc_bytes(&sum.input_descs[nin]);
		if (bytes < 0 || bytes > MAX_CONST_BYTES)
			break;
		in[nin].desc = sum.input_descs[nin];
		in[nin].size = (size_t)bytes;
		in[nin].data = calloc(1, (size_t)bytes + 1);
		if (!in[nin].data)
			abort();
	}
	if (nin == sum.ninputs &&
	    weir_session_run_graph(s, 1, in, nin, out, sum.noutputs) == WEIR_OK) {
		n_ran++;
		for (uint32_t i = 0; i < sum.noutputs; i++)
			if (out[i].data)
				(void)weir_session_free(s, out[i].data);
	}
	for (uint32_t i = 0; i < nin; i++)
		free(in[i].data);
	free(in);
	free(out);
out:
	weir_session_destroy(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reader r = { data, size };
	weir_graph_t *g;
	if (weir_graph_create("fuzz", &g) != WEIR_OK)
		abort();
	weir_port_t ports[MAX_PORTS];
	uint32_t nports = 0, ndata = 0, last = UINT32_MAX;
	bool outputs = false;
	static uint8_t cbuf[MAX_CONST_BYTES];
	char name[32];

	for (int step = 0; step < MAX_STEPS && r.n; step++) {
		snprintf(name, sizeof(name), "n%d", step);
		weir_tensor_desc_t d;
		weir_port_t p;
		uint32_t id;
		switch (rd8(&r) % 8) {
		case 0: { /* Data */
			pick_desc(&r, &d);
			uint8_t b = rd8(&r);
			uint32_t idx = b >= 0xF0 ? b % 4 : ndata;
			if (weir_graph_add_data(g, name, idx, &d, &p) == WEIR_OK) {
				ndata++;
				if (nports < MAX_PORTS)
					ports[nports++] = p;
				last = p.node;
			}
			break;
		}
		case 1: { /* Const */
			pick_desc(&r, &d);
			int64_t bytes = weir_tensor_desc_bytes(&d);
			if (bytes > MAX_CONST_BYTES)
				break;
			size_t fill = bytes > 0 ? (size_t)bytes : 0;
			for (size_t i = 0; i < fill; i++)
				cbuf[i] = r.n ? (uint8_t)(i < 64 ? rd8(&r) : cbuf[i % 64]) : 0;
			if (weir_graph_add_const(g, name, &d, fill ? cbuf : NULL, &p) == WEIR_OK) {
				if (nports < MAX_PORTS)
					ports[nports++] = p;
				last = p.node;
			}
			break;
		}
		case 2: { /* an op node */
			const char *op = ops[rd8(&r) % NELEM(ops)];
			weir_port_t in[5];
			uint32_t nin = rd8(&r) % 5, nout = rd8(&r) % 4;
			for (uint32_t i = 0; i < nin; i++)
				in[i] = pick_port(&r, ports, nports);
			if (weir_graph_add_node(g, name, op, in, nin, nout, &id) == WEIR_OK) {
				last = id;
				for (uint32_t o = 0; o < (nout ? nout : 1) && nports < MAX_PORTS;
				     o++)
					ports[nports++] = weir_port(id, o);
			}
			break;
		}
		case 3: /* attribute on the last node (or any id) */
			set_attr(&r, g, rd8(&r) >= 0xF0 ? rd8(&r) : last);
			break;
		case 4: /* control edge */
			(void)weir_graph_add_control_edge(g,
			                                  rd8(&r) % (weir_graph_node_count(g) + 1),
			                                  rd8(&r) % (weir_graph_node_count(g) + 1));
			break;
		case 5: /* rewire an input: may form a cycle */
			(void)weir_graph_set_input(g, rd8(&r) % (weir_graph_node_count(g) + 1),
			                           rd8(&r) % 4, pick_port(&r, ports, nports));
			break;
		case 6: { /* outputs */
			weir_port_t o[4];
			uint32_t n = 1 + rd8(&r) % 4;
			for (uint32_t i = 0; i < n; i++)
				o[i] = pick_port(&r, ports, nports);
			if (weir_graph_set_outputs(g, o, n) == WEIR_OK)
				outputs = true;
			break;
		}
		default: { /* graph option */
			const char *const *kv = options[rd8(&r) % NELEM(options)];
			(void)weir_graph_set_option(g, kv[0], kv[1]);
			break;
		}
		}
	}
	if (!outputs && nports)
		(void)weir_graph_set_outputs(g, &ports[nports - 1], 1);
	run_graph(g);
	weir_graph_destroy(g);
	return 0;
}
