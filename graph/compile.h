/*
 * graph/compile.h - the compiled form of a graph ("plan") and the compiler
 * passes that make it. Internal; the session API (weir/session.h) drives it.
 *
 * Passes, in order (graph/compile.c):
 *  1. verify      ops registered, input/output counts (at most
 *                 WEIR_PLAN_MAX_NODE_OUTPUTS per node), ports, Data indices
 *                 dense 0..n-1, outputs set, no cycle (the error names a node
 *                 on the cycle and the cycle's path).
 *  2. order       topological order over data + control edges (Kahn, ties
 *                 by node id); this is also the submission order at run time.
 *  3. infer       shapes/dtypes through each op's infer function; an output
 *                 whose element count x dtype size overflows is WEIR_ESHAPE,
 *                 a workspace request beyond INT64_MAX / 16 bytes WEIR_ENOMEM
 *                 (never shrunk), both naming the node.
 *  4. streams     a node continues the stream of its first predecessor that
 *                 has not yet passed its stream on; otherwise it opens a new
 *                 stream, round-robin over max_streams (ge.streamMaxParallelNum).
 *  5. events      a wait for each cross-stream edge that the consumer stream's
 *                 vector clock does not already cover (redundant waits pruned
 *                 transitively); one event per recording step; a fork event on
 *                 stream 0 for streams that would otherwise start unordered;
 *                 join events back to stream 0, pruned the same way.
 *  6. memory      lifetime-based first-fit offsets in one feature arena
 *                 (outputs + workspaces); a block is reused only when every
 *                 access of its previous tenant happens-before the new
 *                 producer (same stream earlier, or covered by an event);
 *                 consts packed in a const arena; graph inputs/outputs are
 *                 bound to the caller's buffers (zero copy). Arena offsets
 *                 are overflow-checked: an arena past INT64_MAX bytes is
 *                 WEIR_ENOMEM naming the node. Zero-byte tensors take no
 *                 arena space (size 0, offset 0).
 *
 * Stream 0 is the caller's stream at run time. Positions: step k of stream s
 * has pos >= 1; pos 0 of stream 0 is the fork point.
 *
 * A plan is immutable after weir__plan_compile() returns (I), and refers
 * into the graph it was compiled from (names, attrs, const bytes), which
 * must outlive it.
 */
#ifndef WEIR_GRAPH_COMPILE_H
#define WEIR_GRAPH_COMPILE_H

#include "weir/graph.h"
#include "graph/op.h"

#define WEIR_PLAN_MAX_STREAMS 64
/* Outputs one node may have (a larger explicit count fails verify with
 * WEIR_EINVAL instead of sizing the plan's arrays by it). */
#define WEIR_PLAN_MAX_NODE_OUTPUTS 65536u

enum wc_tensor_kind {
	WC_FEATURE = 0,   /* in the feature arena */
	WC_WORKSPACE = 1, /* scratch of one step, in the feature arena */
	WC_CONST = 2,     /* in the const arena */
	WC_INPUT = 3,     /* the caller's input `io` */
	WC_OUTPUT = 4,    /* the caller's output `io` */
};

struct wc_tensor {
	weir_tensor_desc_t desc;
	uint64_t bytes;    /* exact size */
	uint64_t size;     /* arena footprint (64-rounded), 0 if not in an arena */
	uint64_t offset;   /* in its arena */
	int kind;          /* enum wc_tensor_kind */
	uint32_t io;       /* WC_INPUT / WC_OUTPUT index */
	int32_t producer;  /* step index; -1 for Data / Const */
	uint32_t *readers; /* step indices reading it */
	uint32_t nreaders;
	const void *const_src; /* WC_CONST: bytes in the graph */
	const char *name;      /* "<node>:<port>" owner, for messages */
};

struct wc_step {
	uint32_t node; /* graph node id; UINT32_MAX for an output copy */
	const weir_op_def_t *def;
	const char *name;
	const weir_attrs_t *attrs;
	uint32_t nin, nout;
	uint32_t *in, *out; /* tensor ids */
	int32_t workspace;  /* tensor id or -1 */
	uint32_t stream;
	uint32_t pos;    /* position in its stream (>= 1) */
	uint32_t *waits; /* event ids waited on before the step */
	uint32_t nwaits;
	int32_t record; /* event recorded after the step, -1 none */
	uint32_t *deps; /* step indices it depends on (data + control) */
	uint32_t ndeps;
};

struct wc_join {
	uint32_t stream;
	uint32_t event;
};

typedef struct weir_plan {
	const weir_graph_t *g;
	struct wc_step *steps;     /* submission order; output copies last */
	uint32_t nsteps, nkernels; /* nkernels: steps before the output copies */
	struct wc_tensor *tensors;
	uint32_t ntensors;
	uint32_t nstreams;     /* >= 1 */
	uint32_t nevents;      /* event ids 0..nevents-1 */
	int32_t fork_event;    /* recorded at pos 0 of stream 0, or -1 */
	struct wc_join *joins; /* stream-0 waits after the kernels */
	uint32_t njoins;
	uint32_t ninputs, noutputs;
	uint32_t *input_tensor;  /* run input i -> tensor id */
	uint32_t *output_tensor; /* run output j -> tensor id */
	uint64_t const_size, feature_size;
	uint32_t max_streams;
	bool reuse;
	int exec_mode; /* enum wc_exec_mode, from the options */
} weir_plan_t;

/* How the executor runs a loaded plan (weir.exec.mode; docs/graph.md,
 * "Executor"): AUTO picks per graph (at load, then from the measured cost of
 * its first runs), STREAMS always fans out over the internal streams with
 * events, INLINE always runs the whole plan in one task on the caller's
 * stream (submission order, each step's blocks in turn), PARALLEL runs it as
 * one kernel on the caller's stream whose blocks (one per device worker)
 * take ready steps from a per-run ready list. */
enum wc_exec_mode {
	WC_EXEC_AUTO = 0,
	WC_EXEC_STREAMS = 1,
	WC_EXEC_INLINE = 2,
	WC_EXEC_PARALLEL = 3
};

typedef struct weir_plan_options {
	uint32_t max_streams; /* 0 = 4; clamped to WEIR_PLAN_MAX_STREAMS (sessions
	                            pass min(4, device workers) when the option is unset) */
	bool no_reuse;        /* ge.exec.disableReuseMemory=1 */
	int exec_mode;        /* weir.exec.mode: enum wc_exec_mode */
} weir_plan_options_t;

/* Read ge.streamMaxParallelNum ("N" or "engine:N,..."), ge.enableSingleStream,
 * ge.exec.disableReuseMemory and weir.exec.mode (auto|streams|inline|parallel) from the
 * graph's options. WEIR_EINVAL with a message for a malformed value. */
int weir__plan_options_from_graph(const weir_graph_t *g, weir_plan_options_t *o);

/* Compile. On failure returns the code and leaves a message naming the
 * graph and node in weir_graph_last_error(); *out untouched. Partner:
 * weir__plan_destroy(). */
int weir__plan_compile(const weir_graph_t *g, const weir_plan_options_t *o, weir_plan_t **out);
void weir__plan_destroy(weir_plan_t *p);

/* Independent check of a plan: builds the happens-before relation from the
 * step lists alone (stream order + event record->wait edges) and proves
 * (a) every wait names an event recorded earlier in submission order,
 * (b) every data/control dependency is ordered, (c) no two arena tensors
 * whose byte ranges overlap can be live at once. Returns WEIR_OK or
 * WEIR_EINTERNAL with a message naming the offending tensors/steps. */
int weir__plan_validate(const weir_plan_t *p, char *msg, size_t msg_size);

/* Built-in pseudo-op used for output copies ("_Copy"). */
extern const weir_op_def_t weir__op_copy;

#endif
