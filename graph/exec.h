/*
 * graph/exec.h - loading a plan onto a device and launching runs of it.
 *
 * Guard legend: I immutable after load; L: protected by weir_loaded.lock
 * (the per-graph submission lock, host side only); A: atomic; T: touched only
 * by tasks, ordered by stream order and events (never by the host after load).
 */
#ifndef WEIR_GRAPH_EXEC_H
#define WEIR_GRAPH_EXEC_H

#include <pthread.h>
#include "weir/session.h"
#include "graph/compile.h"

typedef struct weir_loaded weir_loaded_t;

/* Allocate arenas on `dev`, copy consts, create streams/events, pre-build
 * kernel calls. Partner: weir__exec_unload(). Message on failure. */
int weir__exec_load(const weir_plan_t *p, weir_runtime_t *rt, weir_mem_t *mem, uint32_t dev,
                    weir_loaded_t **out);

/* Wait for the last run on the device, then free everything. NULL no-op. */
void weir__exec_unload(weir_loaded_t *L);

/* Check the run's inputs/outputs against the plan; allocate missing
 * outputs (recorded in *allocated, a bitmask array the caller passes
 * with noutputs entries, so it can free them if the run fails). */
int weir__exec_check_io(weir_loaded_t *L, const weir_tensor_t *in, uint32_t nin, weir_tensor_t *out,
                        uint32_t nout, bool *allocated);

/* Launch one run on `stream` (NULL: the graph's own stream). With cb,
 * the run ends with a host callback (outputs copied into its record).
 * Every task argument block is the task's own copy (exec.c invariant 5).
 * If a launch fails after part of the run was queued, the run still ends
 * with its done record, and outputs this call allocated are freed only
 * after the queued part finished. Message on failure. */
int weir__exec_run(weir_loaded_t *L, weir_stream_t *stream, const weir_tensor_t *in, uint32_t nin,
                   weir_tensor_t *out, uint32_t nout, weir_run_callback_fn cb, void *user);

/* How runs of L go now: "inline", "streams" or "parallel" (an AUTO plan
 * may move from inline to parallel after its first runs; docs/graph.md,
 * "Executor"). Takes the submission lock. For tests and dumps. */
const char *weir__exec_mode_name(weir_loaded_t *L);

/* The graph's own stream (sync and callback runs). */
weir_stream_t *weir__exec_own_stream(weir_loaded_t *L);

#endif
