/*
 * ge/weir_ge.h - the C layer under the GE v2 facade (ge/ge_api_v2.h), owned
 * by the facade (acl_compat/ge/ge_v2.c). Not a GE API: ge_api_v2.h calls
 * these; applications use ge::GEInitializeV2, ge::GeSession, ...
 *
 * GE process state: initialize (aclInit reference; idempotent), finalize
 * (finalizes every live GE session, drops the aclInit reference; later
 * session calls return WEIR_EFINALIZED), sessions registered for finalize,
 * and freeing outputs weir allocated for a GE session. GE's aclInit reference
 * belongs to one ACL runtime: an aclFinalize before GEFinalizeV2 finalizes
 * the GE sessions with that runtime, GE then reads as not initialized
 * (weir_ge_initialized() false; GEInitializeV2 initializes it again), and
 * GEFinalizeV2 drops no reference of a runtime created later.
 * weir_ge_session_check(): WEIR_OK while GE is initialized and `s` is a GE
 * session on the current ACL runtime, else WEIR_EINVAL (NULL) or
 * WEIR_EFINALIZED, with a message (E10062).
 *
 * Thread-safety: every call may be made from any thread.
 */
#ifndef WEIR_GE_BRIDGE_H
#define WEIR_GE_BRIDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "weir/graph.h"
#include "weir/session.h"
#include "weir/sched.h"

#ifdef __cplusplus
extern "C" {
#endif

WEIR_API int weir_ge_initialize(const weir_option_t *opts, size_t nopts);
WEIR_API int weir_ge_finalize(void);
WEIR_API bool weir_ge_initialized(void);
WEIR_API int weir_ge_session_create(const weir_option_t *opts, size_t nopts, weir_session_t **out);
WEIR_API int weir_ge_session_check(const weir_session_t *s);
WEIR_API void weir_ge_session_destroy(weir_session_t *s);
WEIR_API int weir_ge_free(void *p);
/* Record msg as the calling thread's weir_graph_last_error() (the C++
 * facade's own failures, so GEGetErrorMsgV2 explains them). */
WEIR_API void weir_ge_set_error(const char *msg);
/* The weir code (WEIR_ENOTSUP, WEIR_EINVAL, ...) recorded with the calling
 * thread's weir_graph_last_error() message, WEIR_OK if none: GE's Status
 * folds codes into FAILED, and a caller that must tell "unsupported" from
 * other failures (tests/onnx's runner) asks here. weir_ge_set_error records
 * WEIR_EINVAL. */
WEIR_API int weir_ge_last_code(void);

/* ------------------------------------------------------------------------ */
/* Front-end graphs: GE's operator IR and ONNX before lowering                 */
/* ------------------------------------------------------------------------ */

/*
 * A front-end graph holds nodes as a front end wrote them (GE op types with
 * GE's ports and attrs, or ONNX node types with ONNX's), not yet mapped onto
 * the op library. The graph manager below lowers it onto a native weir graph
 * for each distinct set of input shapes (and values of the inputs that
 * decide shapes: a Reshape's shape, a ReduceSum's axes fed as Data), and
 * caches the native graph: GE's dynamic-shape behaviour. Lowering rules are
 * per domain (acl_compat/ge/lower_ge.c, lower_onnx.c); constant subgraphs
 * are folded by running the op library's own kernels on the host.
 *
 * Values are tensors flowing on edges, numbered from 0 in the order they are
 * made: graph inputs, constants and node outputs. Nodes are added producers
 * first. An owned pointer, not a registry handle; not thread-safe while
 * being built, read-only (any threads) afterwards.
 */
typedef struct weir_fg weir_fg_t;

typedef enum weir_fg_domain {
	WEIR_FG_GE = 0,   /* GE IR: op types of GE's op-prototype headers */
	WEIR_FG_ONNX = 1, /* ONNX ai.onnx op types (opsets 7-17) */
} weir_fg_domain_t;

/* A graph input's declared type: dims[i] -1 = unknown; rank -1 = unknown
 * rank (then dims is ignored); dtype WEIR_DT_UNDEFINED = any. */
typedef struct weir_fg_desc {
	int32_t dtype;
	int32_t rank;
	int64_t dims[WEIR_MAX_RANK];
} weir_fg_desc_t;

#define WEIR_FG_NONE (-1) /* an absent optional input */

WEIR_API int weir_fg_create(const char *name, int domain, int opset, weir_fg_t **out);
WEIR_API void weir_fg_destroy(weir_fg_t *g);
WEIR_API const char *weir_fg_name(const weir_fg_t *g);
WEIR_API int weir_fg_domain(const weir_fg_t *g);
/* Input number `index` (Data index; inputs must end up numbered 0..n-1);
 * *value receives its value id. WEIR_OK, WEIR_EINVAL, WEIR_EEXIST (index
 * taken), WEIR_ENOMEM. */
WEIR_API int weir_fg_add_input(weir_fg_t *g, const char *name, uint32_t index,
                               const weir_fg_desc_t *desc, int32_t *value);
/* A constant (the bytes are copied). */
WEIR_API int weir_fg_add_const(weir_fg_t *g, const char *name, const weir_tensor_desc_t *desc,
                               const void *data, int32_t *value);
/* A node of `type` with nin inputs (value ids or WEIR_FG_NONE) and nout
 * outputs, whose value ids are *first_out .. *first_out + nout - 1. attrs
 * (may be NULL) are copied. Names need not be unique (ONNX allows empty
 * ones). WEIR_OK, WEIR_EINVAL (a value id not yet made), WEIR_ENOMEM. */
WEIR_API int weir_fg_add_node(weir_fg_t *g, const char *name, const char *type,
                              const int32_t *inputs, uint32_t nin, uint32_t nout,
                              const weir_attrs_t *attrs, int32_t *first_out);
/* Ordering only: `to` runs after `from` (node numbers in add order). */
WEIR_API int weir_fg_add_control_edge(weir_fg_t *g, uint32_t from, uint32_t to);
WEIR_API int weir_fg_set_outputs(weir_fg_t *g, const int32_t *values, uint32_t n);
WEIR_API uint32_t weir_fg_node_count(const weir_fg_t *g);
WEIR_API uint32_t weir_fg_input_count(const weir_fg_t *g);
WEIR_API uint32_t weir_fg_output_count(const weir_fg_t *g);
WEIR_API int weir_fg_input_desc(const weir_fg_t *g, uint32_t i, weir_fg_desc_t *out);
/* Deep copy. */
WEIR_API int weir_fg_clone(const weir_fg_t *g, weir_fg_t **out);
/* Text dump (one line per value/node), for aclgrphDumpGraph and
 * Graph::DumpToFile. Free with weir_graph_dump_free(). */
WEIR_API int weir_fg_dump(const weir_fg_t *g, char **out);

/* Lower onto a native graph for these input descs (nin must equal the
 * input count). value(i, &data, user) supplies input i's bytes when a rule
 * needs them (NULL callback: such graphs fail with WEIR_ENOTREADY naming
 * the node and input); *used (may be NULL) receives the bitmask of the inputs
 * whose values were taken (inputs >= 64 cannot be taken). WEIR_OK, or the
 * first rule's error (WEIR_ENOTSUP unsupported op or attr, WEIR_ESHAPE,
 * WEIR_EINVAL) with the node named in weir_graph_last_error(). */
typedef int (*weir_fg_value_fn)(uint32_t input, const void **data, void *user);
WEIR_API int weir_fg_lower(const weir_fg_t *g, const weir_tensor_desc_t *in, uint32_t nin,
                           weir_fg_value_fn value, void *user, weir_graph_t **out, uint64_t *used);

/* ------------------------------------------------------------------------ */
/* The GE graph manager: one per GE session, over its native session          */
/* ------------------------------------------------------------------------ */

/*
 * Maps GE graph ids onto native graphs of one weir session: a graph added
 * as a front-end graph is lowered per distinct (input descs, values of the
 * inputs its rules read) on first run and the native graph cached (up to 64
 * per graph; the oldest goes first); a native graph is one entry. The
 * native session's graph ids are the manager's own. All calls thread-safe.
 */
typedef struct weir_ge_gm weir_ge_gm_t;

WEIR_API int weir_ge_gm_create(weir_session_t *s, weir_ge_gm_t **out);
/* Removes every graph; the session is not destroyed. */
WEIR_API void weir_ge_gm_destroy(weir_ge_gm_t *m);
/* Exactly one of fg / native (copied). WEIR_EEXIST for a used id. */
WEIR_API int weir_ge_gm_add(weir_ge_gm_t *m, uint32_t id, const weir_fg_t *fg,
                            const weir_graph_t *native, const weir_option_t *opts, size_t nopts);
WEIR_API int weir_ge_gm_remove(weir_ge_gm_t *m, uint32_t id);
WEIR_API bool weir_ge_gm_has(weir_ge_gm_t *m, uint32_t id);
/* Compile for these input descs (NULL: the declared ones, which must then
 * be fully known; otherwise compile is deferred to the first run and
 * WEIR_OK is returned with *deferred true). */
WEIR_API int weir_ge_gm_compile(weir_ge_gm_t *m, uint32_t id, const weir_tensor_desc_t *in,
                                uint32_t nin, bool *deferred);
/* Load the compiled (static) native graph; deferred graphs load on run. */
WEIR_API int weir_ge_gm_load(weir_ge_gm_t *m, uint32_t id, const weir_option_t *opts, size_t nopts,
                             weir_stream_t *stream);
/* Summary of the native graph for `in` (NULL: the last one compiled).
 * WEIR_ESTATE when nothing is compiled yet. */
WEIR_API int weir_ge_gm_summary(weir_ge_gm_t *m, uint32_t id, const weir_tensor_desc_t *in,
                                uint32_t nin, weir_graph_summary_t *out);
/* Runs as the native session's calls, after finding or lowering the native
 * graph for inputs' descs and values (input data must be host-readable;
 * on weir device memory is). */
WEIR_API int weir_ge_gm_run(weir_ge_gm_t *m, uint32_t id, const weir_tensor_t *in, uint32_t nin,
                            weir_tensor_t *out, uint32_t nout);
WEIR_API int weir_ge_gm_run_async(weir_ge_gm_t *m, uint32_t id, const weir_tensor_t *in,
                                  uint32_t nin, weir_run_callback_fn cb, void *user);
WEIR_API int weir_ge_gm_run_stream(weir_ge_gm_t *m, uint32_t id, weir_stream_t *stream,
                                   const weir_tensor_t *in, uint32_t nin, weir_tensor_t *out,
                                   uint32_t nout);
/* Output descs for these inputs (lowering/compiling if needed): *nout and
 * descs (room for cap). For sizing host outputs before a run. */
WEIR_API int weir_ge_gm_output_descs(weir_ge_gm_t *m, uint32_t id, const weir_tensor_t *in,
                                     uint32_t nin, weir_tensor_desc_t *descs, uint32_t cap,
                                     uint32_t *nout);
WEIR_API int weir_ge_gm_plan_json(weir_ge_gm_t *m, uint32_t id, char **out);

/* ------------------------------------------------------------------------ */
/* ONNX import (acl_compat/ge/parser/onnx.c)                                  */
/* ------------------------------------------------------------------------ */

/*
 * Decode an ONNX ModelProto (protobuf-c bindings generated at build time
 * from Debian's onnx.proto) into a new WEIR_FG_ONNX front-end graph (*out;
 * free with weir_fg_destroy()). Nothing is lowered here: op types, attrs and
 * value names are ONNX's as written, lowered later by weir_fg_lower().
 *
 *   - The model must carry ir_version (>= 3) and a graph. Its ai.onnx
 *     opset_import (domain "" or "ai.onnx"; the highest if listed twice)
 *     becomes the graph's opset, imported as written whatever its value
 *     (a model without one is refused, WEIR_ENOTSUP). The lowering rules
 *     follow ONNX opsets 7..17: an op unchanged since an older opset (Elu-6,
 *     Not-1) lowers the same; what changed (opset < 7 legacy broadcast
 *     attrs, opset > 17 inputs) is the rules' to refuse (lw_opset()).
 *   - Initializers become constants (raw_data, or the typed fields as ONNX
 *     stores each dtype: int32_data also carries float16/bfloat16 bit
 *     patterns, bool, int8/16 and uint8/16; uint64_data uint32/uint64;
 *     external data is read from the file named by "location" relative to
 *     base_dir, honouring "offset" and "length"; a location that is
 *     absolute, contains "..", or resolves outside base_dir is refused).
 *   - Graph inputs that are not initializers become inputs 0..n-1 in order
 *     with their declared dtype and shape (a dim_param or missing dim is
 *     -1; a missing shape is rank -1).
 *   - Nodes keep op_type and name (an empty name becomes
 *     "<op_type>_<index>"); an empty input name is WEIR_FG_NONE. Attrs: INT,
 *     FLOAT, STRING, INTS, FLOATS, TENSOR map onto weir_attrs of the same
 *     kind; STRINGS become ONE string attr of the same name holding the
 *     strings joined by '\n'. "Constant" nodes stay nodes.
 *   - Graph outputs become the graph's outputs.
 *
 * Returns WEIR_OK, or (with a message naming the node, input, initializer
 * or attribute in weir_graph_last_error(); *out untouched):
 *   WEIR_EINVAL   not a ModelProto (protobuf decode failed), no graph or
 *                 ir_version, an input/output naming an unknown value or a
 *                 value defined twice, a negative dim, a tensor whose data
 *                 does not match its dims, unreadable or escaping external
 *                 data, NULL arguments.
 *   WEIR_ENOTSUP  an op of another domain, a GRAPH/GRAPHS/TENSORS/
 *                 SPARSE_TENSOR(S)/TYPE_PROTO(S) attribute, a STRING(S)
 *                 attr holding a NUL (or, for STRINGS, a '\n'), a STRING,
 *                 complex or unknown element type, rank > 8 (WEIR_MAX_RANK),
 *                 sparse initializers, non-tensor graph inputs, ir_version < 3,
 *                 no ai.onnx opset_import,
 *                 protobuf nesting deeper than 100 messages.
 *   WEIR_ENOMEM.
 * weir_onnx_parse_file() reads `path` (WEIR_ENOTFOUND if it cannot be
 * opened) and uses its directory as base_dir; weir_onnx_parse_mem() with
 * base_dir NULL refuses external data (WEIR_ENOTSUP).
 * Thread-safety: any thread; no shared state.
 */
WEIR_API int weir_onnx_parse_mem(const void *buf, size_t len, const char *base_dir,
                                 weir_fg_t **out);
WEIR_API int weir_onnx_parse_file(const char *path, weir_fg_t **out);
/* Decode one serialized TensorProto (a backend test case's input_0.pb):
 * *desc, and *data a malloc'd dense buffer of weir_tensor_desc_bytes(desc)
 * bytes (NULL when empty); the caller frees it with free(). Same codes as
 * above (external data: WEIR_ENOTSUP). */
WEIR_API int weir_onnx_tensor_decode(const void *buf, size_t len, weir_tensor_desc_t *desc,
                                     void **data);

#ifdef __cplusplus
}
#endif
#endif /* WEIR_GE_BRIDGE_H */
