/*
 * weir/session.h - sessions: add, compile, load and run graphs on one
 * virtual device, in the manner of GE's GeSession (shared/spec/ge-graph.md).
 *
 * A session is bound to one device of a runtime (option ge.session_device_id,
 * else ge.exec.deviceId, else 0) and owns a table of graphs keyed by a
 * caller-chosen graph id. The table is RCU-protected: lookups on the run path
 * take no lock. Each graph follows GE's state machine:
 *
 *     add --> ADDED --compile--> COMPILED --load--> LOADED --run--> (runs)
 *
 * load compiles first if needed; every run call loads first if needed. The
 * first run fixes the graph's run mode (sync, stream-async, callback-async);
 * another mode afterwards fails with WEIR_ENOTSUP (GE: mutually exclusive).
 *
 * Running: the loaded graph's node kernels were pre-built into per-stream
 * task lists. A run launches them on the caller's stream (stream 0 of the
 * plan) plus the graph's internal streams, forked from and joined back to the
 * caller's stream with events: the run is complete when the caller's stream
 * reaches the point where the call returned. Inputs and outputs are used in
 * place (zero copy) and must stay valid until then. An output whose data is
 * NULL (or size 0) is allocated by weir on the session's device; the caller
 * frees it with weir_session_free() (or weir_mem_free()).
 *
 * Runs of one graph are serialized: calls from several threads are ordered
 * by a per-graph submission lock, and a run on a different stream than the
 * previous one first waits (on the device, never on the host) for the
 * previous run to finish. Different graphs and different sessions run fully
 * concurrently.
 *
 * Errors return a weir status; a message naming the graph/node is left in
 * weir_graph_last_error() of the calling thread.
 *
 * Thread-safety: every call may be made from any thread, concurrently,
 * except weir_session_destroy(), which must not race other calls on the same
 * session. After weir_session_finalize() every call returns WEIR_EFINALIZED.
 *
 * Sessions on the ACL facade's runtime (weir_session_create_acl() in
 * acl/weir_acl.h, GE sessions) may outlive it: aclFinalize first waits for the calls in progress
 * on them, then finalizes them (removing every graph, which waits for its
 * in-flight runs) before it destroys the runtime. From then on every call on
 * such a session returns WEIR_EFINALIZED and touches nothing of the old
 * runtime, also after a new aclInit (a session never moves to another
 * runtime); weir_session_destroy() stays valid and frees what is left.
 */
#ifndef WEIR_SESSION_H
#define WEIR_SESSION_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "weir/status.h"
#include "weir/sched.h"
#include "weir/mem.h"
#include "weir/graph.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An owned pointer to the library's object, not a registry handle (see
 * "Handle types" in weir/sched.h): valid from create until destroy. */
typedef struct weir_session weir_session_t;

/* A key/value option (GE's option maps). Both strings are copied. */
typedef struct weir_option {
	const char *key;
	const char *value;
} weir_option_t;

/* A run-time tensor: a buffer plus its desc. */
typedef struct weir_tensor {
	void *data;              /* inputs: required; outputs: NULL = weir allocates */
	size_t size;             /* bytes available at data (0 with data NULL) */
	weir_tensor_desc_t desc; /* inputs: must match the Data node; outputs: set by weir */
} weir_tensor_t;

/* Create a session on `mem`'s runtime `rt`. Recognized options:
 *   ge.session_device_id, ge.exec.deviceId   device (session id wins); default 0
 *   ge.graphRunMode                          "0" (inference) or "1" (training)
 *   ge.streamMaxParallelNum                  "N" or "engine:N": streams per graph
 *   ge.enableSingleStream                    "true": one stream per graph
 *   ge.exec.disableReuseMemory               "1": no feature-memory reuse
 * Other keys are kept and ignored (GE accepts many); an empty key or NULL
 * value is WEIR_EINVAL (GE: E10059). Returns WEIR_OK, WEIR_EINVAL,
 * WEIR_EDEVICE (device id out of range), WEIR_ENOMEM.
 * Partner: weir_session_destroy(). */
WEIR_API int weir_session_create(weir_runtime_t *rt, weir_mem_t *mem, const weir_option_t *opts,
                                 size_t nopts, weir_session_t **out);

/* Finalize (if not yet) and free. Outputs weir allocated stay allocated.
 * NULL is a no-op. Must not race other calls on `s`. */
WEIR_API void weir_session_destroy(weir_session_t *s);

/* Remove every graph (waiting for their in-flight runs) and make every later
 * call on `s` return WEIR_EFINALIZED. Idempotent: WEIR_OK. */
WEIR_API int weir_session_finalize(weir_session_t *s);

WEIR_API int weir_session_device(const weir_session_t *s, uint32_t *dev);
WEIR_API uint64_t weir_session_id(const weir_session_t *s);

/* Add a deep copy of `g` under `graph_id` with graph-level options (which
 * beat the session's). The caller's graph is not modified and may be
 * destroyed afterwards. Returns WEIR_OK, WEIR_EINVAL, WEIR_EEXIST (the id is
 * already in the table), WEIR_EFINALIZED, WEIR_ENOMEM. */
WEIR_API int weir_session_add_graph(weir_session_t *s, uint32_t graph_id, const weir_graph_t *g,
                                    const weir_option_t *opts, size_t nopts);

/* Compile (verify, infer, streams, events, memory plan). A compiled graph is
 * a no-op success. Returns WEIR_OK, WEIR_ENOTFOUND (no such id), the compile
 * error (WEIR_ENOTFOUND for an unknown op, WEIR_ESHAPE, WEIR_EINVAL,
 * WEIR_ECYCLE), WEIR_EBUSY (the graph is running), WEIR_EFINALIZED, WEIR_ENOMEM. */
WEIR_API int weir_session_compile_graph(weir_session_t *s, uint32_t graph_id);

/* Load: compile if needed, allocate the const and feature arenas on the
 * session's device, copy the consts, create the internal streams and events,
 * pre-build the task lists. `stream` (may be NULL) is only where load-time
 * device work would go; runs name their own stream. Loading a loaded graph is
 * WEIR_ESTATE (GE_GRAPH_REPEAT_OPERATION). Other returns as compile, plus
 * WEIR_ENOMEM for device memory. */
WEIR_API int weir_session_load_graph(weir_session_t *s, uint32_t graph_id,
                                     const weir_option_t *opts, size_t nopts,
                                     weir_stream_t *stream);

/* Enqueue one run on `stream` and return (GE RunGraphWithStreamAsync).
 * `stream` must be on the session's device (WEIR_EFOREIGN). nin must equal
 * the graph's input count and each input's dtype/shape must equal its Data
 * node's, with size >= its byte size (WEIR_EINVAL / WEIR_ESHAPE, message
 * naming the input and Data node). nout must equal the output count; outputs
 * with data NULL are allocated and their desc filled, others must be large
 * enough (WEIR_ESHAPE). Returns WEIR_OK, those, WEIR_ENOTFOUND,
 * WEIR_ENOTSUP (another run mode was used), WEIR_EFINALIZED, WEIR_ENOMEM,
 * or a launch error of `stream` (WEIR_ESTOPPED, WEIR_EHANDLE). Kernel
 * failures are reported by the stream's synchronize. */
WEIR_API int weir_session_run_graph_async_stream(weir_session_t *s, uint32_t graph_id,
                                                 weir_stream_t *stream, const weir_tensor_t *inputs,
                                                 uint32_t nin, weir_tensor_t *outputs,
                                                 uint32_t nout);

/* Run and wait (GE RunGraph) on the graph's own stream. Returns as above,
 * plus the first kernel failure of this run. */
WEIR_API int weir_session_run_graph(weir_session_t *s, uint32_t graph_id,
                                    const weir_tensor_t *inputs, uint32_t nin,
                                    weir_tensor_t *outputs, uint32_t nout);

/* Completion callback of weir_session_run_graph_async(): status is WEIR_OK
 * or the run's first kernel failure; outputs (nout entries, all allocated by
 * weir, owned by the caller from now on: free each data with
 * weir_session_free()) are valid only during the call. Runs on the device's
 * host-callback thread. */
typedef void (*weir_run_callback_fn)(int status, weir_tensor_t *outputs, uint32_t nout, void *user);

/* Enqueue a run on the graph's own stream that ends by calling cb (GE
 * RunGraphAsync). Inputs must stay valid until cb runs. Returns as
 * weir_session_run_graph_async_stream() (on failure cb is not called). */
WEIR_API int weir_session_run_graph_async(weir_session_t *s, uint32_t graph_id,
                                          const weir_tensor_t *inputs, uint32_t nin,
                                          weir_run_callback_fn cb, void *user);

/* Remove a graph: unpublish it, wait for its in-flight runs on the device,
 * free its arenas, streams and events. A run racing the removal either
 * completes first or fails with WEIR_ENOTFOUND. Returns WEIR_OK,
 * WEIR_ENOTFOUND, WEIR_EFINALIZED. */
WEIR_API int weir_session_remove_graph(weir_session_t *s, uint32_t graph_id);

/* Compiled-graph summary (GE GetCompiledGraphSummary). */
typedef struct weir_graph_summary {
	bool is_static;        /* always true: shapes are static */
	uint32_t streams;      /* streams a run uses, the caller's included */
	uint32_t events;       /* events a run records */
	uint64_t const_size;   /* bytes of the const (weight) arena */
	uint64_t feature_size; /* bytes of the feature arena (graph I/O excluded) */
	uint32_t nodes;        /* kernel steps */
	uint32_t ninputs, noutputs;
	const weir_tensor_desc_t *input_descs; /* valid until the graph is removed */
	const weir_tensor_desc_t *output_descs;
} weir_graph_summary_t;

/* Fill *out. Returns WEIR_OK, WEIR_ENOTFOUND, WEIR_ESTATE (not compiled:
 * GE_GRAPH_NOT_BUILT), WEIR_EINVAL, WEIR_EFINALIZED. */
WEIR_API int weir_session_graph_summary(weir_session_t *s, uint32_t graph_id,
                                        weir_graph_summary_t *out);

/* Is the id in the table? */
WEIR_API bool weir_session_has_graph(weir_session_t *s, uint32_t graph_id);

/* Dump a compiled graph's plan (steps with streams, waits, records, tensor
 * offsets) as JSON (GE GraphDebugJSONPrint). Free with weir_graph_dump_free().
 * Returns WEIR_OK, WEIR_ENOTFOUND, WEIR_ESTATE (not compiled), WEIR_ENOMEM. */
WEIR_API int weir_session_plan_json(weir_session_t *s, uint32_t graph_id, char **out);

/* Free an output buffer weir allocated. Returns as weir_mem_free(), or
 * WEIR_EFINALIZED for an ACL-bound session whose runtime was finalized (the
 * device memory, buffers included, went with it). */
WEIR_API int weir_session_free(weir_session_t *s, void *p);

#ifdef WEIR_BUILDING_LIBRARY /* invisible to applications */
/* ------------------------------------------------------------------------ */
/* Library-internal: sessions bound to an outside owner                       */
/* ------------------------------------------------------------------------ */

/* Not part of the API: the weir__ names are local to libweir.so
 * (cmake/weir.map exports weir_[a-z]* only). They let a layer above graph/
 * (the ACL facade: acl_compat/runtime/session.c) make a session on a runtime
 * it owns and may tear down under the session, without graph/ knowing that
 * owner. The bridge to the ACL facade itself is in acl/weir_acl.h; GE's C
 * layer in ge/weir_ge.h.
 *
 * A bound session keeps the binding and its cookie (immutable) and calls
 *   enter(cookie) before any call touches the runtime: true pins the owner's
 *     runtime (it stays alive until the matching leave(cookie)); false (the
 *     runtime is gone) makes the call fail with WEIR_EFINALIZED. Lock-free,
 *     may nest;
 *   finalize(s, unbind) from weir_session_finalize() (unbind false) and
 *     weir_session_destroy() (unbind true) instead of finalizing directly:
 *     the owner serializes it with its teardown and calls
 *     weir__session_finalize_now(s) unless the teardown did already; with
 *     unbind it forgets s. */
typedef struct weir__session_binding {
	bool (*enter)(uint64_t cookie);
	void (*leave)(uint64_t cookie);
	void (*finalize)(weir_session_t *s, bool unbind);
} weir__session_binding_t;

/* weir_session_create() bound to (b, cookie); b must outlive the session. */
int weir__session_create_bound(weir_runtime_t *rt, weir_mem_t *mem,
                               const weir__session_binding_t *b, uint64_t cookie,
                               const weir_option_t *opts, size_t nopts, weir_session_t **out);
/* The unguarded finalize: the caller guarantees the session's runtime
 * outlives the call. Idempotent. */
int weir__session_finalize_now(weir_session_t *s);
/* The cookie a session is bound with; 0 for a native session. */
uint64_t weir__session_cookie(const weir_session_t *s);
/* Record "fmt" as the calling thread's weir_graph_last_error() message and
 * return code (graph/'s error path, for the session calls a facade makes). */
int weir__graph_err(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* WEIR_BUILDING_LIBRARY */

#ifdef __cplusplus
}
#endif
#endif /* WEIR_SESSION_H */
