/*
 * weir/graph.h - graph IR, the C graph builder, attributes, and the op
 * registration interface (custom ops).
 *
 * A graph is a DAG of nodes. Each node has an op type (a registered op name,
 * e.g. "MatMul"), attributes, data inputs (ports: one output of another node)
 * and a number of outputs. Two node kinds are built in:
 *  - Data: run-time input number `index` (input i of a run binds to the Data
 *    node whose index is i); its tensor desc is fixed when it is added.
 *  - Const: a weight; its bytes are copied into the graph when it is added and
 *    end up in the loaded graph's const arena.
 * Control edges order two nodes without a tensor between them. The graph's
 * outputs are a list of ports; run-time output j is port j of that list.
 *
 * Builder calls validate what they can see locally (names, port ranges,
 * descs) and return a status; whole-graph checks (cycles, unknown ops, shape
 * mismatches, missing inputs) happen at compile time, in the session API
 * (weir/session.h). Every failing call also leaves a message naming the
 * node/graph in the calling thread's message buffer (weir_graph_last_error()),
 * in the manner of GE's GEGetErrorMsg: the returned code is the contract, the
 * message is a diagnostic.
 *
 * Thread-safety: a graph is built by one thread at a time (no internal locks);
 * once added to a session the session owns a private copy, so the user's
 * graph object may be modified or destroyed freely afterwards. Attribute
 * objects follow the same rule. The op registry is thread-safe.
 */
#ifndef WEIR_GRAPH_H
#define WEIR_GRAPH_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "weir/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Data types and tensor descriptors                                          */
/* ------------------------------------------------------------------------ */

/* Numbering is GE's ge::DataType / C_DataType, so values pass through the GE
 * facade unchanged. Other GE values are rejected with WEIR_EINVAL. */
typedef enum weir_dtype {
	WEIR_DT_FLOAT = 0,
	WEIR_DT_FLOAT16 = 1,
	WEIR_DT_INT8 = 2,
	WEIR_DT_INT32 = 3,
	WEIR_DT_UINT8 = 4,
	WEIR_DT_INT16 = 6,
	WEIR_DT_UINT16 = 7,
	WEIR_DT_UINT32 = 8,
	WEIR_DT_INT64 = 9,
	WEIR_DT_UINT64 = 10,
	WEIR_DT_DOUBLE = 11,
	WEIR_DT_BOOL = 12, /* one byte, 0 or 1 */
	WEIR_DT_BF16 = 27,
	WEIR_DT_UNDEFINED = 28,
} weir_dtype_t;

/* Bytes per element; 0 for an unsupported value. */
WEIR_API size_t weir_dtype_size(int dtype);
/* "float32", "float16", "bfloat16", ...; "invalid" for an unsupported value. */
WEIR_API const char *weir_dtype_name(int dtype);

#define WEIR_MAX_RANK 8

/* A tensor's type and shape. rank 0 is a scalar (one element). Every dim is
 * >= 0 (a zero dim makes an empty tensor). Dense, row-major (C order). */
typedef struct weir_tensor_desc {
	int32_t dtype;               /* weir_dtype_t */
	uint32_t rank;               /* 0..WEIR_MAX_RANK */
	int64_t dims[WEIR_MAX_RANK]; /* dims[rank..] are ignored */
} weir_tensor_desc_t;

/* Fill *d. Returns WEIR_OK, or WEIR_EINVAL (unsupported dtype, rank >
 * WEIR_MAX_RANK, a negative dim, dims NULL with rank > 0, or non-zero dims
 * whose product exceeds INT64_MAX / 16, even when another dim is 0). */
WEIR_API int weir_tensor_desc_init(weir_tensor_desc_t *d, int dtype, uint32_t rank,
                                   const int64_t *dims);
/* Element count (1 for a scalar); -1 if the desc is invalid. */
WEIR_API int64_t weir_tensor_desc_numel(const weir_tensor_desc_t *d);
/* Byte size (numel * dtype size); -1 if the desc is invalid. */
WEIR_API int64_t weir_tensor_desc_bytes(const weir_tensor_desc_t *d);
/* Same dtype, rank and dims. */
WEIR_API bool weir_tensor_desc_equal(const weir_tensor_desc_t *a, const weir_tensor_desc_t *b);
/* Format "float32[2,3]" into buf (always NUL-terminated); returns buf. */
WEIR_API char *weir_tensor_desc_str(const weir_tensor_desc_t *d, char *buf, size_t size);

/* ------------------------------------------------------------------------ */
/* Attributes                                                                 */
/* ------------------------------------------------------------------------ */

/* A map from attribute name to a typed value. Setting an existing name
 * replaces its value (and type). Values are copied in. An owned pointer,
 * not a registry handle (see "Handle types" in weir/sched.h). */
typedef struct weir_attrs weir_attrs_t;

typedef enum weir_attr_type {
	WEIR_ATTR_NONE = 0,  /* not present */
	WEIR_ATTR_INT = 1,   /* int64_t */
	WEIR_ATTR_FLOAT = 2, /* float */
	WEIR_ATTR_BOOL = 3,
	WEIR_ATTR_STRING = 4,
	WEIR_ATTR_INTS = 5,   /* int64_t list */
	WEIR_ATTR_FLOATS = 6, /* float list */
	WEIR_ATTR_TENSOR = 7, /* desc + bytes */
} weir_attr_type_t;

/* A free-standing attribute map (graph nodes own theirs: see
 * weir_graph_node_attrs()). Returns WEIR_OK, WEIR_EINVAL, WEIR_ENOMEM.
 * Partner: weir_attrs_destroy(). */
WEIR_API int weir_attrs_create(weir_attrs_t **out);
/* NULL is a no-op. Do not destroy a node's attrs. */
WEIR_API void weir_attrs_destroy(weir_attrs_t *a);

/* Setters: WEIR_OK, WEIR_EINVAL (NULL map/name, empty name, NULL list with
 * n > 0, invalid tensor desc, NULL tensor data with bytes > 0), WEIR_ENOMEM.
 * On failure the map is unchanged. */
WEIR_API int weir_attrs_set_int(weir_attrs_t *a, const char *name, int64_t v);
WEIR_API int weir_attrs_set_float(weir_attrs_t *a, const char *name, float v);
WEIR_API int weir_attrs_set_bool(weir_attrs_t *a, const char *name, bool v);
WEIR_API int weir_attrs_set_string(weir_attrs_t *a, const char *name, const char *v);
WEIR_API int weir_attrs_set_ints(weir_attrs_t *a, const char *name, const int64_t *v, size_t n);
WEIR_API int weir_attrs_set_floats(weir_attrs_t *a, const char *name, const float *v, size_t n);
WEIR_API int weir_attrs_set_tensor(weir_attrs_t *a, const char *name,
                                   const weir_tensor_desc_t *desc, const void *data);
/* WEIR_OK, or WEIR_ENOTFOUND if absent. */
WEIR_API int weir_attrs_remove(weir_attrs_t *a, const char *name);

/* The type of `name`, WEIR_ATTR_NONE when absent (or a/name NULL). */
WEIR_API weir_attr_type_t weir_attrs_type(const weir_attrs_t *a, const char *name);

/* Getters: WEIR_OK; WEIR_ENOTFOUND (absent, or a NULL); WEIR_ESHAPE (present
 * with another type; get_int also accepts a BOOL, get_float also an INT).
 * Returned pointers stay valid until the attribute is set again or removed,
 * or the map is destroyed; the map is read-only while kernels run, so
 * kernels and infer functions may keep them for the duration of the call. */
WEIR_API int weir_attrs_get_int(const weir_attrs_t *a, const char *name, int64_t *v);
WEIR_API int weir_attrs_get_float(const weir_attrs_t *a, const char *name, float *v);
WEIR_API int weir_attrs_get_bool(const weir_attrs_t *a, const char *name, bool *v);
WEIR_API int weir_attrs_get_string(const weir_attrs_t *a, const char *name, const char **v);
WEIR_API int weir_attrs_get_ints(const weir_attrs_t *a, const char *name, const int64_t **v,
                                 size_t *n);
WEIR_API int weir_attrs_get_floats(const weir_attrs_t *a, const char *name, const float **v,
                                   size_t *n);
WEIR_API int weir_attrs_get_tensor(const weir_attrs_t *a, const char *name,
                                   const weir_tensor_desc_t **desc, const void **data);

/* Convenience: the value, or `dflt` when absent or of another type. */
WEIR_API int64_t weir_attrs_int_or(const weir_attrs_t *a, const char *name, int64_t dflt);
WEIR_API float weir_attrs_float_or(const weir_attrs_t *a, const char *name, float dflt);
WEIR_API bool weir_attrs_bool_or(const weir_attrs_t *a, const char *name, bool dflt);

/* Number of attributes, and the i-th name (insertion order; NULL past the
 * end), for dumps and copies. */
WEIR_API size_t weir_attrs_count(const weir_attrs_t *a);
WEIR_API const char *weir_attrs_name(const weir_attrs_t *a, size_t i);
/* Replace dst's contents with a deep copy of src. WEIR_OK, WEIR_EINVAL,
 * WEIR_ENOMEM (dst unchanged). */
WEIR_API int weir_attrs_copy(weir_attrs_t *dst, const weir_attrs_t *src);

/* ------------------------------------------------------------------------ */
/* Graph builder                                                              */
/* ------------------------------------------------------------------------ */

/* An owned pointer to the library's object, not a registry handle (see
 * "Handle types" in weir/sched.h): valid from create until destroy. */
typedef struct weir_graph weir_graph_t;

/* One output of one node: the thing a data edge carries. */
typedef struct weir_port {
	uint32_t node;  /* node id, as returned by the add calls */
	uint32_t index; /* output index of that node */
} weir_port_t;

static inline weir_port_t weir_port(uint32_t node, uint32_t index)
{
	weir_port_t p;
	p.node = node;
	p.index = index;
	return p;
}

/* Op type names of the built-in node kinds. */
#define WEIR_OP_DATA  "Data"
#define WEIR_OP_CONST "Const"

/* Create an empty graph. `name` non-empty, copied. Returns WEIR_OK,
 * WEIR_EINVAL, WEIR_ENOMEM. Partner: weir_graph_destroy(). */
WEIR_API int weir_graph_create(const char *name, weir_graph_t **out);
/* NULL is a no-op. */
WEIR_API void weir_graph_destroy(weir_graph_t *g);
/* Deep copy (nodes, attrs, const data, outputs, options). Partner:
 * weir_graph_destroy(). WEIR_OK, WEIR_EINVAL, WEIR_ENOMEM. */
WEIR_API int weir_graph_clone(const weir_graph_t *g, weir_graph_t **out);
WEIR_API const char *weir_graph_name(const weir_graph_t *g);
WEIR_API uint32_t weir_graph_node_count(const weir_graph_t *g);

/* Add a Data node: run-time input `index`, of type/shape *desc. Its one
 * output is weir_port(node, 0), written to *out. Node names must be unique in
 * the graph. Returns WEIR_OK, WEIR_EINVAL (NULL/empty name, invalid desc),
 * WEIR_EEXIST (name taken, or another Data node has this index), WEIR_ENOMEM. */
WEIR_API int weir_graph_add_data(weir_graph_t *g, const char *name, uint32_t index,
                                 const weir_tensor_desc_t *desc, weir_port_t *out);

/* Add a Const node holding a copy of weir_tensor_desc_bytes(desc) bytes at
 * `data`. Returns as weir_graph_add_data() (no index clash possible). */
WEIR_API int weir_graph_add_const(weir_graph_t *g, const char *name, const weir_tensor_desc_t *desc,
                                  const void *data, weir_port_t *out);

/* Add a node of op type `op` with `nin` data inputs and `nout` outputs
 * (nout 0 = the op's fixed output count, resolved at compile time; ops with
 * a variable output count, such as Split, need it explicitly). The op need
 * not be registered yet: an unknown op is reported at compile time. Inputs
 * must name existing nodes and outputs (so nodes are added producers first;
 * cycles can only be formed with control edges). *node receives the node id.
 * Returns WEIR_OK, WEIR_EINVAL (bad name/op, an input port out of range,
 * inputs NULL with nin > 0), WEIR_EEXIST (name taken), WEIR_ENOMEM. */
WEIR_API int weir_graph_add_node(weir_graph_t *g, const char *name, const char *op,
                                 const weir_port_t *inputs, uint32_t nin, uint32_t nout,
                                 uint32_t *node);

/* Rewire data input `slot` of `node` to `src` (any existing port, which can
 * create a cycle; the compiler rejects it naming a node on the cycle).
 * WEIR_OK, WEIR_EINVAL. */
WEIR_API int weir_graph_set_input(weir_graph_t *g, uint32_t node, uint32_t slot, weir_port_t src);

/* The attribute map of `node` (valid until the graph is destroyed). Set attrs
 * before the graph is added to a session. WEIR_OK, WEIR_EINVAL. */
WEIR_API int weir_graph_node_attrs(weir_graph_t *g, uint32_t node, weir_attrs_t **out);

/* Node lookup and introspection. WEIR_ENOTFOUND / WEIR_EINVAL on bad ids. */
WEIR_API int weir_graph_find_node(const weir_graph_t *g, const char *name, uint32_t *node);
WEIR_API const char *weir_graph_node_name(const weir_graph_t *g, uint32_t node);
WEIR_API const char *weir_graph_node_op(const weir_graph_t *g, uint32_t node);

/* `to` runs after `from` finishes, with no tensor between them.
 * WEIR_OK, WEIR_EINVAL (bad id, from == to), WEIR_ENOMEM. */
WEIR_API int weir_graph_add_control_edge(weir_graph_t *g, uint32_t from, uint32_t to);

/* The graph outputs, in run-time order (replaces any earlier list). The same
 * port may appear twice. WEIR_OK, WEIR_EINVAL (bad port, n == 0), WEIR_ENOMEM. */
WEIR_API int weir_graph_set_outputs(weir_graph_t *g, const weir_port_t *outs, uint32_t n);

/* A graph-level option (GE's graph options, e.g. "ge.streamMaxParallelNum",
 * "ge.exec.disableReuseMemory"); copied. Graph options beat session options.
 * WEIR_OK, WEIR_EINVAL (NULL or empty key, NULL value), WEIR_ENOMEM. */
WEIR_API int weir_graph_set_option(weir_graph_t *g, const char *key, const char *value);

/* Dump the graph as JSON or Graphviz DOT into a new NUL-terminated string
 * (*out), freed with weir_graph_dump_free(). Const data is summarized, not
 * dumped. WEIR_OK, WEIR_EINVAL, WEIR_ENOMEM. */
WEIR_API int weir_graph_dump_json(const weir_graph_t *g, char **out);
WEIR_API int weir_graph_dump_dot(const weir_graph_t *g, char **out);
WEIR_API void weir_graph_dump_free(char *s);

/* The message of the last failing graph, session or op-registry call made
 * by the calling thread ("" if none). Thread-local; overwritten by the next
 * failure on this thread. */
WEIR_API const char *weir_graph_last_error(void);
/* The code recorded with the calling thread's weir_graph_last_error()
 * message (WEIR_OK if none): for front ends whose own status folds codes
 * together (GE's FAILED) and must still tell "unsupported" from the rest. */
WEIR_API int weir_graph_last_code(void);

/* ------------------------------------------------------------------------ */
/* Op registration (built-in and custom ops)                                  */
/* ------------------------------------------------------------------------ */

/* Inference input: what the compiler knows about one node. */
typedef struct weir_op_infer_ctx {
	const char *node_name; /* for messages */
	const char *op_name;
	uint32_t nin, nout;
	const weir_tensor_desc_t *in; /* nin input descs */
	const void *const *in_const;  /* nin entries: the bytes of input i when
	                                       it comes straight from a Const node,
	                                       else NULL (e.g. Reshape's shape) */
	const weir_attrs_t *attrs;    /* the node's attributes (never NULL) */
	weir_tensor_desc_t *out;      /* nout descs to fill */
	char *msg;                    /* failure message buffer */
	size_t msg_size;
} weir_op_infer_ctx_t;

/* Compute the output descs from the inputs and attrs. Return WEIR_OK, or a
 * failure (WEIR_ESHAPE for shape/dtype mismatches, WEIR_EINVAL for bad
 * attrs or input counts) after writing a message with weir_op_fail(). Called
 * at compile time only, from any thread; must not keep pointers. */
typedef int (*weir_op_infer_fn)(weir_op_infer_ctx_t *ctx);

/* One kernel invocation. All descs are final (static shapes). Buffers are
 * device memory of the graph's device (host-addressable). Outputs never
 * alias inputs. */
typedef struct weir_op_call {
	uint32_t nin, nout;
	const void *const *in; /* nin input buffers */
	void *const *out;      /* nout output buffers */
	const weir_tensor_desc_t *in_desc;
	const weir_tensor_desc_t *out_desc;
	const weir_attrs_t *attrs; /* never NULL */
	void *workspace;           /* op->workspace() bytes, 64-aligned, or NULL */
	size_t workspace_size;
	const char *node_name;
} weir_op_call_t;

/* Run block `block` of `nblocks` (0 <= block < nblocks). Blocks of one call
 * run in parallel on the device's workers and must write disjoint output
 * bytes; `call` is shared and read-only. Return WEIR_OK (0), or a non-zero
 * code that fails the task (the run's stream reports it at its next sync). */
typedef int (*weir_op_kernel_fn)(const weir_op_call_t *call, uint32_t block, uint32_t nblocks);

/* How many blocks to split one call into, given `workers` (the device's
 * worker count, >= 1). Called at load time with the final descs and attrs
 * (buffers NULL). Return 1 for small work; results above 1024 are clamped.
 * NULL in the def means always 1. */
typedef uint32_t (*weir_op_blocks_fn)(const weir_op_call_t *call, uint32_t workers);

/* Scratch bytes one call needs (shared by its blocks; kernels index it by
 * block). Called at compile time (buffers NULL). NULL in the def means 0. */
typedef size_t (*weir_op_workspace_fn)(const weir_op_call_t *call);

#define WEIR_OP_VARIADIC UINT32_MAX /* as max_inputs / max_outputs: no upper bound */

typedef struct weir_op_def {
	const char *name; /* op type, case-sensitive, e.g. "MatMul" */
	uint32_t min_inputs, max_inputs;
	uint32_t min_outputs, max_outputs; /* equal for a fixed count */
	weir_op_infer_fn infer;            /* required */
	weir_op_kernel_fn kernel;          /* required */
	weir_op_blocks_fn blocks;          /* optional */
	weir_op_workspace_fn workspace;    /* optional */
	uint32_t flags;                    /* WEIR_OP_* flags below, or 0 */
} weir_op_def_t;

/* flags: the outputs past min_outputs are optional extras (statistics,
 * indices): a node added with nout 0 gets min_outputs instead of the
 * "variable output count" error. */
#define WEIR_OP_OPTIONAL_OUTPUTS 0x1u

/* Register a custom op. The def is copied (name included). Thread-safe and
 * lock-free for concurrent lookups (the custom table is RCU-published).
 * Returns WEIR_OK; WEIR_EINVAL (NULL def/name/infer/kernel, empty name,
 * min > max, unknown flags, name "Data"/"Const"); WEIR_EEXIST (a built-in or
 * custom op already has this name); WEIR_ENOMEM. Registrations last for the
 * life of the process. */
WEIR_API int weir_op_register(const weir_op_def_t *def);

/* Is an op of this name registered (built-in or custom)? */
WEIR_API bool weir_op_exists(const char *name);

/* For infer functions: format a message into ctx->msg (prefixed with the
 * node name and op) and return `code`, so `return weir_op_fail(ctx,
 * WEIR_ESHAPE, "...", ...);` both reports and fails. */
WEIR_API int weir_op_fail(weir_op_infer_ctx_t *ctx, int code, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* ------------------------------------------------------------------------ */
/* Built-in task kernels: accumulate and random numbers                       */
/* ------------------------------------------------------------------------ */

/*
 * Kernels of the op library that a runtime facade launches straight on a
 * stream (weir_launch(s, weir_accumulate_kernel, &args, sizeof args, nblocks,
 * 0)). The graph ops "Accumulate", "RandomUniform", "RandomNormal",
 * "TruncatedNormal" and "DropoutGenMask" (docs/ops.md) run the same code.
 * Results are bit-identical for any nblocks >= 1. Both argument blocks fit
 * in WEIR_ARGS_MAX. A kernel returns WEIR_EINVAL for arguments it can only
 * check when it runs (values read from device memory).
 */

typedef enum weir_accumulate_kind {
	WEIR_ACCUMULATE_SUM = 0,   /* dst = dst + src (integers wrap) */
	WEIR_ACCUMULATE_MAX = 1,   /* dst = max(dst, src); NaN wins */
	WEIR_ACCUMULATE_MIN = 2,   /* dst = min(dst, src); NaN wins */
	WEIR_ACCUMULATE_EQUAL = 3, /* dst = (dst == src) ? 1 : 0 */
} weir_accumulate_kind_t;

/* dst[i] = dst[i] op src[i] for i < count. dst and src may be the same
 * buffer; otherwise they must not overlap. */
typedef struct weir_accumulate_args {
	void *dst;
	const void *src;
	int64_t count; /* elements */
	int32_t dtype; /* INT8, INT16, INT32, UINT32, FLOAT16, FLOAT, BF16 */
	int32_t kind;  /* weir_accumulate_kind_t */
} weir_accumulate_args_t;

/* Is (dtype, kind) one the accumulate kernel computes? */
WEIR_API bool weir_accumulate_supported(int dtype, int kind);
WEIR_API int weir_accumulate_kernel(void *args, uint32_t block, uint32_t nblocks);

typedef enum weir_random_dist {
	WEIR_RANDOM_DROPOUT_MASK = 0,     /* bit i = 1 (keep) with probability 1 - ratio */
	WEIR_RANDOM_UNIFORM = 1,          /* floats [min, max); integers [min, max) */
	WEIR_RANDOM_NORMAL = 2,           /* mean + stddev * N(0, 1) */
	WEIR_RANDOM_TRUNCATED_NORMAL = 3, /* as NORMAL, redrawn until |N| <= 2 */
} weir_random_dist_t;

/* Index of each value in weir_random_args_t.val. */
enum {
	WEIR_RANDOM_SEED = 0,
	WEIR_RANDOM_COUNT = 1, /* how many values (DROPOUT_MASK: bits) */
	WEIR_RANDOM_P0 = 2,    /* min, mean or ratio */
	WEIR_RANDOM_P1 = 3,    /* max or stddev */
};

/*
 * Philox4x32-10 with key = seed (64 bits) and a 128-bit counter: value i
 * depends only on (seed, counter, i, dist, dtype, params). val[k] holds the
 * value itself (little-endian, size[k] bytes: 1..8) or, when bit k of
 * addr_mask is set, the address of those bytes (read when the task runs).
 * The params' dtype is `dtype` (for DROPOUT_MASK: FLOAT, FLOAT16 or BF16;
 * the output is then ceil(count / 8) bytes, bit i in byte i / 8 at bit i % 8,
 * unused high bits 0); seed and count are unsigned integers.
 */
typedef struct weir_random_args {
	void *out;
	const void *counter_addr; /* the counter: 16 bytes, four little-endian uint32 */
	uint64_t val[4];
	uint64_t max_count; /* non-zero: fail the task when count exceeds it */
	int32_t dtype;      /* output dtype: FLOAT, FLOAT16, BF16, INT32, INT64, UINT32, UINT64 */
	uint8_t dist;       /* weir_random_dist_t */
	uint8_t addr_mask;
	uint8_t size[4];
} weir_random_args_t;

/* Is (dist, dtype) one the random kernel computes? */
WEIR_API bool weir_random_supported(int dist, int dtype);
/* Output bytes for `count` values. */
WEIR_API uint64_t weir_random_out_bytes(int dist, int dtype, uint64_t count);
WEIR_API int weir_random_kernel(void *args, uint32_t block, uint32_t nblocks);
/* One Philox4x32-10 block: out = philox(counter, key). */
WEIR_API void weir_philox4x32_10(const uint32_t counter[4], const uint32_t key[2], uint32_t out[4]);
/* A block count for n elements of work on `workers` workers (1 for small n). */
WEIR_API uint32_t weir_op_blocks_for(int64_t n, uint32_t workers);

/* ------------------------------------------------------------------------ */
/* Single op calls (outside a graph) and strided copies                       */
/* ------------------------------------------------------------------------ */

/*
 * One call of a registered op on dense buffers, planned once and run any
 * number of times: the front end for single-op APIs (ACL's aclnn). A plan
 * holds the op's def, copies of the input descs and attrs, the inferred
 * output descs and the workspace size; running it calls the op's kernel, so
 * results are the op library's, bit-identical for any block count. Plans
 * are immutable once made and may be run from several threads at once.
 * An owned pointer, not a registry handle.
 */
typedef struct weir_op_plan weir_op_plan_t;

/* Plan op `op` on nin inputs of descs in_desc. in_const (NULL, or nin
 * entries) gives the bytes of inputs known now (what a Const node would
 * give: shapes, axes); they are read during this call only. attrs may be
 * NULL (copied otherwise). nout 0 = the op's minimum output count.
 * Returns WEIR_OK; WEIR_ENOTFOUND (unknown op); WEIR_EINVAL (NULL op/out,
 * input or output count outside the op's range, in_desc NULL with nin > 0,
 * an invalid desc, or the op's attr check); WEIR_ESHAPE (the op's shape or
 * dtype check); WEIR_ENOMEM. On failure *out is NULL and the reason is in
 * weir_graph_last_error(). Partner: weir_op_plan_destroy(). */
WEIR_API int weir_op_plan_create(const char *op, const weir_tensor_desc_t *in_desc,
                                 const void *const *in_const, uint32_t nin,
                                 const weir_attrs_t *attrs, uint32_t nout, weir_op_plan_t **out);
/* NULL is a no-op. */
WEIR_API void weir_op_plan_destroy(weir_op_plan_t *p);
WEIR_API uint32_t weir_op_plan_inputs(const weir_op_plan_t *p);
WEIR_API uint32_t weir_op_plan_outputs(const weir_op_plan_t *p);
/* Output i's desc (NULL for i out of range); valid until the plan is destroyed. */
WEIR_API const weir_tensor_desc_t *weir_op_plan_out_desc(const weir_op_plan_t *p, uint32_t i);
/* Scratch bytes one run needs (64-byte aligned workspace; 0 = none). */
WEIR_API size_t weir_op_plan_workspace(const weir_op_plan_t *p);
/* Blocks to split a run into on `workers` workers (1..1024). */
WEIR_API uint32_t weir_op_plan_blocks(const weir_op_plan_t *p, uint32_t workers);
/* Run block `block` of `nblocks` (any nblocks >= 1) on dense buffers:
 * in[nin], out[nout] (outputs must not overlap inputs or each other),
 * workspace of weir_op_plan_workspace() bytes (NULL when 0). Blocks of one
 * run may run concurrently. Returns the kernel's status (0 = success). */
WEIR_API int weir_op_plan_run(const weir_op_plan_t *p, const void *const *in, void *const *out,
                              void *workspace, uint32_t block, uint32_t nblocks);

/*
 * Copy between two strided views of one shape: element (i0..ir-1) moves
 * from src + sum(ik * src_strides[k]) * esize to dst + sum(ik *
 * dst_strides[k]) * esize, esize = weir_dtype_size(dtype). Strides are in
 * elements and may be 0 in src (a broadcast read), never in dst where its
 * dim exceeds 1 (each dst element written once). The views must not overlap.
 * Bytes move unchanged (no conversion), so any dtype copies exactly.
 */
typedef struct weir_strided_copy {
	int32_t dtype;
	uint32_t rank; /* 0 (one element) .. WEIR_MAX_RANK */
	int64_t dims[WEIR_MAX_RANK];
	int64_t src_strides[WEIR_MAX_RANK];
	int64_t dst_strides[WEIR_MAX_RANK];
} weir_strided_copy_t;

/* Fill *c, merging dims that are contiguous in both views (so a dense copy
 * becomes one run of bytes). WEIR_OK; WEIR_EINVAL (NULL c, unsupported
 * dtype, rank > WEIR_MAX_RANK, NULL arrays with rank > 0, a negative dim or
 * stride, a zero dst stride on a dim above 1, or an extent overflowing
 * int64). */
WEIR_API int weir_strided_copy_init(weir_strided_copy_t *c, int dtype, uint32_t rank,
                                    const int64_t *dims, const int64_t *src_strides,
                                    const int64_t *dst_strides);
/* Blocks for a copy on `workers` workers. */
WEIR_API uint32_t weir_strided_copy_blocks(const weir_strided_copy_t *c, uint32_t workers);
/* Copy block `block` of `nblocks` (contiguous ranges of the row-major element
 * order). Returns WEIR_OK. */
WEIR_API int weir_strided_copy_run(const weir_strided_copy_t *c, void *dst, const void *src,
                                   uint32_t block, uint32_t nblocks);

#ifdef __cplusplus
}
#endif
#endif /* WEIR_GRAPH_H */
