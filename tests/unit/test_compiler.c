/*
 * test_compiler.c - compiler passes on crafted graphs (issue 4 section 8):
 * verify errors name the node (cycle, unknown op, shape, counts, Data
 * indices), stream assignment and event insertion/pruning on independent
 * branches, the memory plan (reuse, no-reuse, validator on random DAGs and
 * on a deliberately corrupted plan), dumps, and the op registry.
 * Uses custom ops registered here, so it does not depend on graph/ops/.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "weir/graph.h"
#include "graph/op.h"
#include "graph/compile.h"
#include "base/alloc.h"

/* ---- test ops: float32 only ---- */

static int same_infer(weir_op_infer_ctx_t *c)
{
	for (uint32_t i = 1; i < c->nin; i++)
		if (!weir_tensor_desc_equal(&c->in[i], &c->in[0]))
			return weir_op_fail(c, WEIR_ESHAPE, "input %u shape differs from input 0",
			                    i);
	if (c->in[0].dtype != WEIR_DT_FLOAT)
		return weir_op_fail(c, WEIR_ESHAPE, "float32 only");
	for (uint32_t k = 0; k < c->nout; k++)
		c->out[k] = c->in[0];
	return WEIR_OK;
}

static int sum_kernel(const weir_op_call_t *c, uint32_t b, uint32_t nb)
{
	int64_t n = weir_tensor_desc_numel(&c->out_desc[0]);
	for (int64_t i = b; i < n; i += nb) {
		float s = 0;
		for (uint32_t k = 0; k < c->nin; k++)
			s += ((const float *)c->in[k])[i];
		((float *)c->out[0])[i] = s * weir_attrs_float_or(c->attrs, "k", 1.0f);
	}
	return 0;
}

static size_t ws_fn(const weir_op_call_t *c)
{
	return (size_t)weir_attrs_int_or(c->attrs, "ws", 0);
}

static const weir_op_def_t tsum = {
	.name = "TSum",
	.min_inputs = 1,
	.max_inputs = WEIR_OP_VARIADIC,
	.min_outputs = 1,
	.max_outputs = 1,
	.infer = same_infer,
	.kernel = sum_kernel,
	.workspace = ws_fn,
};
static const weir_op_def_t tsplit = {
	.name = "TDup",
	.min_inputs = 1,
	.max_inputs = 1,
	.min_outputs = 1,
	.max_outputs = 4,
	.infer = same_infer,
	.kernel = sum_kernel,
};

static int setup(void **st)
{
	(void)st;
	int rc = weir_op_register(&tsum);
	assert_true(rc == WEIR_OK || rc == WEIR_EEXIST);
	rc = weir_op_register(&tsplit);
	assert_true(rc == WEIR_OK || rc == WEIR_EEXIST);
	return 0;
}

static weir_tensor_desc_t f32(int64_t a, int64_t b)
{
	weir_tensor_desc_t d;
	int64_t dims[2] = { a, b };
	assert_int_equal(weir_tensor_desc_init(&d, WEIR_DT_FLOAT, 2, dims), WEIR_OK);
	return d;
}

static uint32_t op1(weir_graph_t *g, const char *name, weir_port_t a)
{
	uint32_t id;
	assert_int_equal(weir_graph_add_node(g, name, "TSum", &a, 1, 0, &id), WEIR_OK);
	return id;
}

static uint32_t op2(weir_graph_t *g, const char *name, weir_port_t a, weir_port_t b)
{
	weir_port_t in[2] = { a, b };
	uint32_t id;
	assert_int_equal(weir_graph_add_node(g, name, "TSum", in, 2, 0, &id), WEIR_OK);
	return id;
}

static int compile(weir_graph_t *g, uint32_t streams, bool noreuse, weir_plan_t **p)
{
	weir_plan_options_t o = { .max_streams = streams, .no_reuse = noreuse };
	return weir__plan_compile(g, &o, p);
}

static const struct wc_step *step(const weir_plan_t *p, const char *name)
{
	for (uint32_t i = 0; i < p->nsteps; i++)
		if (strcmp(p->steps[i].name, name) == 0)
			return &p->steps[i];
	fail_msg("no step %s", name);
	return NULL;
}

/* ---- verify ---- */

static void test_cycle_names_node(void **st)
{
	(void)st;
	weir_graph_t *g;
	weir_tensor_desc_t d = f32(2, 2);
	weir_port_t x;
	assert_int_equal(weir_graph_create("cyc", &g), WEIR_OK);
	assert_int_equal(weir_graph_add_data(g, "x", 0, &d, &x), WEIR_OK);
	uint32_t a = op2(g, "a", x, x);
	uint32_t b = op1(g, "b", weir_port(a, 0));
	uint32_t c = op1(g, "c", weir_port(b, 0));
	uint32_t tail = op1(g, "tail", x);
	weir_port_t o = weir_port(c, 0);
	assert_int_equal(weir_graph_set_outputs(g, &o, 1), WEIR_OK);
	/* Close a data cycle a -> b -> c -> a. */
	assert_int_equal(weir_graph_set_input(g, a, 1, weir_port(c, 0)), WEIR_OK);
	weir_plan_t *p = NULL;
	assert_int_equal(compile(g, 4, false, &p), WEIR_ECYCLE);
	assert_null(p);
	const char *m = weir_graph_last_error();
	assert_non_null(strstr(m, "cyc"));
	assert_true(strstr(m, "through node 'a'") || strstr(m, "through node 'b'") ||
	            strstr(m, "through node 'c'"));
	assert_null(strstr(m, "'tail'"));
	assert_null(strstr(m, "'x'"));
	/* A control-edge cycle is found too. */
	assert_int_equal(weir_graph_set_input(g, a, 1, x), WEIR_OK);
	assert_int_equal(compile(g, 4, false, &p), WEIR_OK);
	weir__plan_destroy(p);
	assert_int_equal(weir_graph_add_control_edge(g, tail, a), WEIR_OK);
	assert_int_equal(compile(g, 4, false, &p), WEIR_OK); /* tail only reads x: no cycle */
	weir__plan_destroy(p);
	assert_int_equal(weir_graph_add_control_edge(g, c, tail), WEIR_OK); /* a->b->c->tail->a */
	assert_int_equal(compile(g, 4, false, &p), WEIR_ECYCLE);
	m = weir_graph_last_error();
	assert_true(strstr(m, "through node 'a'") || strstr(m, "through node 'b'") ||
	            strstr(m, "through node 'c'") || strstr(m, "through node 'tail'"));
	assert_non_null(strstr(m, "'tail' -> 'a'"));
	weir_graph_destroy(g);
}

static void test_verify_errors(void **st)
{
	(void)st;
	weir_graph_t *g;
	weir_tensor_desc_t d = f32(2, 3), e = f32(3, 2);
	weir_port_t x, y;
	weir_plan_t *p = NULL;
	uint32_t id;

	/* unknown op */
	assert_int_equal(weir_graph_create("g_unknown", &g), WEIR_OK);
	assert_int_equal(weir_graph_add_data(g, "x", 0, &d, &x), WEIR_OK);
	assert_int_equal(weir_graph_add_node(g, "mystery", "NoSuchOp", &x, 1, 1, &id), WEIR_OK);
	weir_port_t o = weir_port(id, 0);
	assert_int_equal(weir_graph_set_outputs(g, &o, 1), WEIR_OK);
	assert_int_equal(compile(g, 1, false, &p), WEIR_ENOTFOUND);
	assert_non_null(strstr(weir_graph_last_error(), "'mystery'"));
	assert_non_null(strstr(weir_graph_last_error(), "NoSuchOp"));
	weir_graph_destroy(g);

	/* shape mismatch, reported by the op's infer naming the node */
	assert_int_equal(weir_graph_create("g_shape", &g), WEIR_OK);
	assert_int_equal(weir_graph_add_data(g, "x", 0, &d, &x), WEIR_OK);
	assert_int_equal(weir_graph_add_data(g, "y", 1, &e, &y), WEIR_OK);
	id = op2(g, "adder", x, y);
	o = weir_port(id, 0);
	assert_int_equal(weir_graph_set_outputs(g, &o, 1), WEIR_OK);
	assert_int_equal(compile(g, 1, false, &p), WEIR_ESHAPE);
	assert_non_null(strstr(weir_graph_last_error(), "'adder'"));
	assert_non_null(strstr(weir_graph_last_error(), "g_shape"));
	weir_graph_destroy(g);

	/* wrong input / output count */
	assert_int_equal(weir_graph_create("g_count", &g), WEIR_OK);
	assert_int_equal(weir_graph_add_data(g, "x", 0, &d, &x), WEIR_OK);
	assert_int_equal(weir_graph_add_node(g, "dup", "TDup", &x, 1, 0, &id), WEIR_OK);
	o = weir_port(id, 0);
	assert_int_equal(weir_graph_set_outputs(g, &o, 1), WEIR_OK);
	assert_int_equal(compile(g, 1, false, &p), WEIR_EINVAL); /* variable outputs, none given */
	assert_non_null(strstr(weir_graph_last_error(), "'dup'"));
	weir_graph_destroy(g);
	assert_int_equal(weir_graph_create("g_count2", &g), WEIR_OK);
	assert_int_equal(weir_graph_add_data(g, "x", 0, &d, &x), WEIR_OK);
	assert_int_equal(weir_graph_add_node(g, "dup", "TDup", &x, 1, 5, &id), WEIR_OK);
	o = weir_port(id, 0);
	assert_int_equal(weir_graph_set_outputs(g, &o, 1), WEIR_OK);
	assert_int_equal(compile(g, 1, false, &p), WEIR_EINVAL);
	assert_non_null(strstr(weir_graph_last_error(), "5 outputs"));
	weir_graph_destroy(g);

	/* Data indices with a gap; no outputs */
	assert_int_equal(weir_graph_create("g_idx", &g), WEIR_OK);
	assert_int_equal(weir_graph_add_data(g, "x", 0, &d, &x), WEIR_OK);
	assert_int_equal(weir_graph_add_data(g, "z", 2, &d, &y), WEIR_OK);
	assert_int_equal(weir_graph_add_data(g, "w", 2, &d, NULL), WEIR_EEXIST);
	assert_int_equal(weir_graph_add_data(g, "x", 3, &d, NULL), WEIR_EEXIST);
	assert_int_equal(compile(g, 1, false, &p), WEIR_EINVAL);
	assert_non_null(strstr(weir_graph_last_error(), "no outputs"));
	id = op2(g, "s", x, y);
	o = weir_port(id, 0);
	assert_int_equal(weir_graph_set_outputs(g, &o, 1), WEIR_OK);
	assert_int_equal(compile(g, 1, false, &p), WEIR_EINVAL);
	assert_non_null(strstr(weir_graph_last_error(), "'z'"));
	/* builder-level checks */
	weir_port_t bad = weir_port(99, 0);
	assert_int_equal(weir_graph_add_node(g, "b", "TSum", &bad, 1, 0, NULL), WEIR_EINVAL);
	assert_non_null(strstr(weir_graph_last_error(), "'b'"));
	assert_int_equal(weir_graph_add_node(g, "s", "TSum", &x, 1, 0, NULL), WEIR_EEXIST);
	assert_int_equal(weir_graph_add_node(g, "d", "Data", &x, 1, 0, NULL), WEIR_EINVAL);
	assert_int_equal(weir_graph_add_control_edge(g, id, id), WEIR_EINVAL);
	weir_graph_destroy(g);
}

/* ---- streams and events ---- */

static void test_branches_streams_events(void **st)
{
	(void)st;
	weir_graph_t *g;
	weir_tensor_desc_t d = f32(4, 4);
	weir_port_t x;
	assert_int_equal(weir_graph_create("branches", &g), WEIR_OK);
	assert_int_equal(weir_graph_add_data(g, "x", 0, &d, &x), WEIR_OK);
	uint32_t b1 = op1(g, "b1", x);
	uint32_t b2 = op1(g, "b2", x);
	uint32_t j = op2(g, "join", weir_port(b1, 0), weir_port(b2, 0));
	weir_port_t o = weir_port(j, 0);
	assert_int_equal(weir_graph_set_outputs(g, &o, 1), WEIR_OK);

	weir_plan_t *p;
	assert_int_equal(compile(g, 4, false, &p), WEIR_OK);
	assert_int_equal(p->nstreams, 2);
	assert_int_equal(step(p, "b1")->stream, 0);
	assert_int_equal(step(p, "b2")->stream, 1);
	assert_int_equal(step(p, "join")->stream, 0);
	/* b2 waits for the fork; join waits for b2's record; no join back
	 * needed (stream 0 already covers stream 1 at "join"). */
	assert_true(p->fork_event >= 0);
	assert_int_equal(step(p, "b2")->nwaits, 1);
	assert_int_equal(step(p, "b2")->waits[0], (uint32_t)p->fork_event);
	assert_true(step(p, "b2")->record >= 0);
	assert_int_equal(step(p, "join")->nwaits, 1);
	assert_int_equal(step(p, "join")->waits[0], (uint32_t)step(p, "b2")->record);
	assert_int_equal(step(p, "b1")->nwaits, 0);
	assert_int_equal(step(p, "b1")->record, -1);
	assert_int_equal(p->njoins, 0);
	assert_int_equal(p->nevents, 2);
	assert_int_equal(weir__plan_validate(p, NULL, 0), WEIR_OK);
	weir__plan_destroy(p);

	/* Single stream: no events at all. */
	assert_int_equal(compile(g, 1, false, &p), WEIR_OK);
	assert_int_equal(p->nstreams, 1);
	assert_int_equal(p->nevents, 0);
	assert_int_equal(p->fork_event, -1);
	weir__plan_destroy(p);

	/* Option parsing feeds the same knob. */
	weir_plan_options_t o2;
	assert_int_equal(weir_graph_set_option(g, "ge.streamMaxParallelNum", "AIcoreEngine:3"),
	                 WEIR_OK);
	assert_int_equal(weir__plan_options_from_graph(g, &o2), WEIR_OK);
	assert_int_equal(o2.max_streams, 3);
	assert_int_equal(weir_graph_set_option(g, "ge.streamMaxParallelNum", "x"), WEIR_OK);
	assert_int_equal(weir__plan_options_from_graph(g, &o2), WEIR_EINVAL);
	assert_int_equal(weir_graph_set_option(g, "ge.streamMaxParallelNum", "2"), WEIR_OK);
	assert_int_equal(weir_graph_set_option(g, "ge.enableSingleStream", "true"), WEIR_OK);
	assert_int_equal(weir__plan_options_from_graph(g, &o2), WEIR_OK);
	assert_int_equal(o2.max_streams, 1);
	/* weir.exec.mode: auto (default), streams, inline; anything else fails. */
	assert_int_equal(o2.exec_mode, WC_EXEC_AUTO);
	assert_int_equal(weir_graph_set_option(g, "weir.exec.mode", "inline"), WEIR_OK);
	assert_int_equal(weir__plan_options_from_graph(g, &o2), WEIR_OK);
	assert_int_equal(o2.exec_mode, WC_EXEC_INLINE);
	assert_int_equal(weir_graph_set_option(g, "weir.exec.mode", "streams"), WEIR_OK);
	assert_int_equal(weir__plan_options_from_graph(g, &o2), WEIR_OK);
	assert_int_equal(o2.exec_mode, WC_EXEC_STREAMS);
	assert_int_equal(weir_graph_set_option(g, "weir.exec.mode", "fast"), WEIR_OK);
	assert_int_equal(weir__plan_options_from_graph(g, &o2), WEIR_EINVAL);
	assert_non_null(strstr(weir_graph_last_error(), "weir.exec.mode"));
	weir_graph_destroy(g);
}

static void test_redundant_waits_pruned(void **st)
{
	(void)st;
	/* x -> p1 (s0); x -> p2 -> p3 (s1); sink(p1, p2, p3) on s0 needs only
	 * p3's event: p2 is earlier on the same stream. A tail on s1 joins back. */
	weir_graph_t *g;
	weir_tensor_desc_t d = f32(2, 2);
	weir_port_t x;
	assert_int_equal(weir_graph_create("prune", &g), WEIR_OK);
	assert_int_equal(weir_graph_add_data(g, "x", 0, &d, &x), WEIR_OK);
	uint32_t p1 = op1(g, "p1", x);
	uint32_t p2 = op1(g, "p2", x);
	uint32_t p3 = op1(g, "p3", weir_port(p2, 0));
	weir_port_t in[3] = { weir_port(p1, 0), weir_port(p2, 0), weir_port(p3, 0) };
	uint32_t sink;
	assert_int_equal(weir_graph_add_node(g, "sink", "TSum", in, 3, 0, &sink), WEIR_OK);
	uint32_t tail = op1(g, "tail", weir_port(p3, 0));
	weir_port_t outs[2] = { weir_port(sink, 0), weir_port(tail, 0) };
	assert_int_equal(weir_graph_set_outputs(g, outs, 2), WEIR_OK);
	weir_plan_t *p;
	assert_int_equal(compile(g, 4, false, &p), WEIR_OK);
	const struct wc_step *s2 = step(p, "p2"), *s3 = step(p, "p3"), *sk = step(p, "sink");
	assert_int_equal(s2->stream, s3->stream);
	assert_int_not_equal(s2->stream, sk->stream);
	assert_int_equal(sk->nwaits, 1);
	assert_int_equal(sk->waits[0], (uint32_t)s3->record);
	assert_int_equal(s2->record, -1); /* nobody needs p2's own event */
	/* tail continues p3's stream (p3's first successor in order is sink on
	 * another stream? either way the plan must join it back). */
	const struct wc_step *tl = step(p, "tail");
	if (tl->stream != 0) {
		bool joined = false;
		for (uint32_t k = 0; k < p->njoins; k++)
			joined |= p->joins[k].stream == tl->stream &&
			          p->joins[k].event == (uint32_t)tl->record;
		assert_true(joined);
	}
	assert_int_equal(weir__plan_validate(p, NULL, 0), WEIR_OK);
	weir__plan_destroy(p);
	weir_graph_destroy(g);
}

/* ---- memory plan ---- */

static void test_memory_reuse_chain(void **st)
{
	(void)st;
	weir_graph_t *g;
	weir_tensor_desc_t d = f32(16, 16); /* 1 KiB */
	weir_port_t x;
	assert_int_equal(weir_graph_create("chain", &g), WEIR_OK);
	assert_int_equal(weir_graph_add_data(g, "x", 0, &d, &x), WEIR_OK);
	weir_port_t cur = x;
	char name[16];
	for (int i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		cur = weir_port(op1(g, name, cur), 0);
	}
	assert_int_equal(weir_graph_set_outputs(g, &cur, 1), WEIR_OK);
	weir_plan_t *p;
	assert_int_equal(compile(g, 4, false, &p), WEIR_OK);
	assert_int_equal(p->nstreams, 1);
	/* n0..n8 in the arena (n9 is the graph output): ping-pong = 2 KiB. */
	assert_int_equal(p->feature_size, 2 * 1024);
	assert_int_equal(weir__plan_validate(p, NULL, 0), WEIR_OK);
	weir__plan_destroy(p);
	assert_int_equal(compile(g, 4, true, &p), WEIR_OK);
	assert_int_equal(p->feature_size, 9 * 1024);
	assert_int_equal(weir__plan_validate(p, NULL, 0), WEIR_OK);
	weir__plan_destroy(p);
	weir_graph_destroy(g);
}

static void test_memory_cross_stream_needs_event(void **st)
{
	(void)st;
	/* Two branches from x; b1's output is read by a1 on s0, b2 chain on s1.
	 * A block freed on s0 must not be reused by s1 without an event. */
	weir_graph_t *g;
	weir_tensor_desc_t d = f32(8, 8);
	weir_port_t x;
	assert_int_equal(weir_graph_create("xstream", &g), WEIR_OK);
	assert_int_equal(weir_graph_add_data(g, "x", 0, &d, &x), WEIR_OK);
	uint32_t a0 = op1(g, "a0", x);
	uint32_t c0 = op1(g, "c0", x);
	uint32_t a1 = op1(g, "a1", weir_port(a0, 0));
	uint32_t c1 = op1(g, "c1", weir_port(c0, 0));
	uint32_t a2 = op1(g, "a2", weir_port(a1, 0));
	uint32_t c2 = op1(g, "c2", weir_port(c1, 0));
	uint32_t j = op2(g, "j", weir_port(a2, 0), weir_port(c2, 0));
	weir_port_t o = weir_port(j, 0);
	assert_int_equal(weir_graph_set_outputs(g, &o, 1), WEIR_OK);
	weir_plan_t *p;
	assert_int_equal(compile(g, 2, false, &p), WEIR_OK);
	assert_int_equal(p->nstreams, 2);
	assert_int_equal(weir__plan_validate(p, NULL, 0), WEIR_OK);
	/* a0's block (stream 0) may not be given to c1/c2 (stream 1). */
	const struct wc_tensor *ta0 = &p->tensors[step(p, "a0")->out[0]];
	for (const char *const *n = (const char *const[]){ "c0", "c1", "c2", NULL }; *n; n++) {
		const struct wc_tensor *t = &p->tensors[step(p, *n)->out[0]];
		assert_false(t->offset < ta0->offset + ta0->size &&
		             ta0->offset < t->offset + t->size);
	}
	/* Corrupt the plan: alias c1 onto a1 (both live at once). The
	 * validator must catch it. */
	struct wc_tensor *tc1 = &p->tensors[step(p, "c1")->out[0]];
	const struct wc_tensor *ta1 = &p->tensors[step(p, "a1")->out[0]];
	uint64_t keep = tc1->offset;
	tc1->offset = ta1->offset;
	char msg[256];
	assert_int_equal(weir__plan_validate(p, msg, sizeof(msg)), WEIR_EINTERNAL);
	assert_non_null(strstr(msg, "overlap"));
	tc1->offset = keep;
	/* Corrupt the events: drop j's waits; the validator sees the race. */
	struct wc_step *sj = (struct wc_step *)step(p, "j");
	uint32_t nw = sj->nwaits;
	sj->nwaits = 0;
	assert_int_equal(weir__plan_validate(p, msg, sizeof(msg)), WEIR_EINTERNAL);
	sj->nwaits = nw;
	assert_int_equal(weir__plan_validate(p, NULL, 0), WEIR_OK);
	weir__plan_destroy(p);
	weir_graph_destroy(g);
}

static uint64_t rnd_state = 88172645463325252ull;
static uint32_t rnd(uint32_t n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (uint32_t)(rnd_state % n);
}

static void test_random_dags_validate(void **st)
{
	(void)st;
	for (int iter = 0; iter < 120; iter++) {
		weir_graph_t *g;
		assert_int_equal(weir_graph_create("rand", &g), WEIR_OK);
		uint32_t n = 3 + rnd(40);
		weir_port_t *ports = calloc(n + 2, sizeof(*ports));
		weir_tensor_desc_t d = f32(1 + rnd(3), 8 * (1 + rnd(4)));
		assert_int_equal(weir_graph_add_data(g, "x", 0, &d, &ports[0]), WEIR_OK);
		uint32_t np = 1, nodes[64], nn = 0;
		char name[16];
		for (uint32_t i = 0; i < n; i++) {
			uint32_t k = 1 + rnd(3);
			weir_port_t in[3];
			for (uint32_t q = 0; q < k; q++)
				in[q] = ports[np - 1 - rnd(np < 6 ? np : 6)];
			snprintf(name, sizeof(name), "v%u", i);
			uint32_t id;
			assert_int_equal(weir_graph_add_node(g, name, "TSum", in, k, 0, &id),
			                 WEIR_OK);
			if (rnd(4) == 0) {
				weir_attrs_t *a;
				assert_int_equal(weir_graph_node_attrs(g, id, &a), WEIR_OK);
				assert_int_equal(weir_attrs_set_int(a, "ws", 64 + rnd(512)),
				                 WEIR_OK);
			}
			if (nn && rnd(5) == 0)
				assert_int_equal(weir_graph_add_control_edge(g, nodes[rnd(nn)], id),
				                 WEIR_OK);
			nodes[nn++ % 64] = id;
			ports[np++] = weir_port(id, 0);
		}
		weir_port_t outs[2] = { ports[np - 1], ports[1 + rnd(np - 1)] };
		assert_int_equal(weir_graph_set_outputs(g, outs, 1 + rnd(2)), WEIR_OK);
		for (uint32_t streams = 1; streams <= 5; streams += 2)
			for (int nr = 0; nr < 2; nr++) {
				weir_plan_t *p;
				char msg[256];
				assert_int_equal(compile(g, streams, nr, &p), WEIR_OK);
				int rc = weir__plan_validate(p, msg, sizeof(msg));
				if (rc)
					fail_msg("iter %d streams %u: %s", iter, streams, msg);
				assert_true(p->nstreams <= streams);
				weir__plan_destroy(p);
			}
		free(ports);
		weir_graph_destroy(g);
	}
}

/* ---- dumps, attrs, registry ---- */

static void test_dumps_and_attrs(void **st)
{
	(void)st;
	weir_graph_t *g, *c;
	weir_tensor_desc_t d = f32(2, 2);
	float w[4] = { 1, 2, 3, 4 };
	weir_port_t x, k;
	assert_int_equal(weir_graph_create("dump \"me\"", &g), WEIR_OK);
	assert_int_equal(weir_graph_add_data(g, "x", 0, &d, &x), WEIR_OK);
	assert_int_equal(weir_graph_add_const(g, "w", &d, w, &k), WEIR_OK);
	uint32_t s = op2(g, "sum", x, k);
	weir_attrs_t *a;
	assert_int_equal(weir_graph_node_attrs(g, s, &a), WEIR_OK);
	int64_t il[3] = { 1, -2, 3 };
	assert_int_equal(weir_attrs_set_ints(a, "perm", il, 3), WEIR_OK);
	assert_int_equal(weir_attrs_set_float(a, "k", 0.5f), WEIR_OK);
	assert_int_equal(weir_attrs_set_string(a, "mode", "fast"), WEIR_OK);
	assert_int_equal(weir_attrs_set_bool(a, "flag", true), WEIR_OK);
	assert_int_equal(weir_attrs_set_tensor(a, "t", &d, w), WEIR_OK);
	assert_int_equal(weir_attrs_set_int(a, "k2", 7), WEIR_OK);
	assert_int_equal(weir_attrs_set_int(a, "k2", 8), WEIR_OK); /* replace */
	assert_int_equal(weir_attrs_count(a), 6);
	assert_int_equal(weir_attrs_int_or(a, "k2", 0), 8);
	assert_int_equal(weir_attrs_int_or(a, "flag", 0), 1);
	float f;
	assert_int_equal(weir_attrs_get_float(a, "mode", &f), WEIR_ESHAPE);
	assert_int_equal(weir_attrs_get_float(a, "nope", &f), WEIR_ENOTFOUND);
	const int64_t *lv;
	size_t ln;
	assert_int_equal(weir_attrs_get_ints(a, "perm", &lv, &ln), WEIR_OK);
	assert_int_equal(ln, 3);
	assert_int_equal(lv[1], -2);
	assert_int_equal(weir_graph_add_control_edge(g, x.node, s), WEIR_OK);
	weir_port_t o = weir_port(s, 0);
	assert_int_equal(weir_graph_set_outputs(g, &o, 1), WEIR_OK);
	assert_int_equal(weir_graph_set_option(g, "ge.exec.disableReuseMemory", "1"), WEIR_OK);
	assert_int_equal(weir_graph_clone(g, &c), WEIR_OK);
	char *j1, *j2, *dot;
	assert_int_equal(weir_graph_dump_json(g, &j1), WEIR_OK);
	assert_int_equal(weir_graph_dump_json(c, &j2), WEIR_OK);
	assert_string_equal(j1, j2);
	assert_non_null(strstr(j1, "\"name\":\"dump \\\"me\\\"\""));
	assert_non_null(strstr(j1, "\"perm\":[1,-2,3]"));
	assert_non_null(strstr(j1, "\"mode\":\"fast\""));
	assert_non_null(strstr(j1, "\"op\":\"Const\""));
	assert_int_equal(weir_graph_dump_dot(g, &dot), WEIR_OK);
	assert_non_null(strstr(dot, "digraph"));
	assert_non_null(strstr(dot, "sum\\nTSum"));
	weir_graph_dump_free(j1);
	weir_graph_dump_free(j2);
	weir_graph_dump_free(dot);
	weir_graph_destroy(g);
	/* The clone is independent. */
	weir_plan_t *p;
	weir_plan_options_t po;
	assert_int_equal(weir__plan_options_from_graph(c, &po), WEIR_OK);
	assert_true(po.no_reuse);
	assert_int_equal(weir__plan_compile(c, &po, &p), WEIR_OK);
	assert_int_equal(p->const_size, 64);
	weir__plan_destroy(p);
	weir_graph_destroy(c);
}

static void test_registry(void **st)
{
	(void)st;
	assert_int_equal(weir_op_register(&tsum), WEIR_EEXIST);
	weir_op_def_t bad = tsum;
	bad.name = "Const";
	assert_int_equal(weir_op_register(&bad), WEIR_EINVAL);
	bad.name = "TBad";
	bad.kernel = NULL;
	assert_int_equal(weir_op_register(&bad), WEIR_EINVAL);
	bad = tsum;
	bad.name = "TBad2";
	bad.min_inputs = 3;
	bad.max_inputs = 2;
	assert_int_equal(weir_op_register(&bad), WEIR_EINVAL);
	assert_true(weir_op_exists("TSum"));
	assert_false(weir_op_exists("TBad2"));
	if (weir_op_exists("Add")) {
		bad = tsum;
		bad.name = "Add";
		assert_int_equal(weir_op_register(&bad), WEIR_EEXIST);
	}
	/* weir__op_eval on the custom op */
	weir_tensor_desc_t d = f32(1, 3), od;
	float a[3] = { 1, 2, 3 }, b[3] = { 10, 20, 30 };
	const void *in[2] = { a, b };
	weir_tensor_desc_t ind[2] = { d, d };
	void *out;
	assert_int_equal(weir__op_eval("TSum", ind, in, 2, NULL, 1, &od, &out, 3, NULL, 0),
	                 WEIR_OK);
	assert_true(weir_tensor_desc_equal(&od, &d));
	assert_true(((float *)out)[2] == 33.0f);
	weir__free(out);
	assert_int_equal(weir__op_eval("Nope", ind, in, 2, NULL, 1, &od, &out, 0, NULL, 0),
	                 WEIR_ENOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cycle_names_node),
		cmocka_unit_test(test_verify_errors),
		cmocka_unit_test(test_branches_streams_events),
		cmocka_unit_test(test_redundant_waits_pruned),
		cmocka_unit_test(test_memory_reuse_chain),
		cmocka_unit_test(test_memory_cross_stream_needs_event),
		cmocka_unit_test(test_random_dags_validate),
		cmocka_unit_test(test_dumps_and_attrs),
		cmocka_unit_test(test_registry),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
