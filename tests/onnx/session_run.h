/*
 * tests/onnx/session_run.h - the ONNX backend runner's "parse + run" step
 * through GE's public C++ API (session_run.cpp): ge::aclgrphParseONNX /
 * aclgrphParseONNXFromMem, one ge::Session for the process, AddGraph,
 * RunGraph with host ge::Tensor inputs, RemoveGraph.
 *
 * Every call returns a weir code: WEIR_OK, WEIR_ENOTSUP (the importer or the
 * lowering cannot handle the model: the runner's "unsupported"), or another
 * WEIR_E* code (an error); on failure why holds GEGetErrorMsgV2's message.
 * GE's Status folds codes into FAILED, so the code is the one weir recorded
 * with the message (weir_ge_last_code).
 */
#ifndef WEIR_TESTS_ONNX_SESSION_RUN_H
#define WEIR_TESTS_ONNX_SESSION_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "weir/graph.h"
#include "weir/session.h"

#ifdef __cplusplus
extern "C" {
#endif

/* GEInitialize and the process's ge::Session. */
int sr_init(char *why, size_t cap);
/* The session, then GEFinalize. */
void sr_fini(void);

/* Parse the model at path (aclgrphParseONNX; aclgrphParseONNXFromMem on the
 * file's bytes when from_mem) and AddGraph it as graph id. decl[i] gets
 * graph input i's declared dtype (WEIR_DT_UNDEFINED when unknown), for at
 * most cap inputs; *nin the input count (capped at cap). */
int sr_add(uint32_t id, const char *path, bool from_mem, int32_t *decl, uint32_t cap,
           uint32_t *nin, char *why, size_t why_cap);

/* RunGraph on host tensors in[0..nin). On WEIR_OK, *nout outputs (at most
 * cap: more is an error) with their descs in od and their bytes in
 * data[j] (malloc'ed, at least one byte; the caller frees). */
int sr_run(uint32_t id, const weir_tensor_t *in, uint32_t nin, weir_tensor_desc_t *od,
           void **data, uint32_t cap, uint32_t *nout, char *why, size_t why_cap);

/* RemoveGraph. */
void sr_remove(uint32_t id);

#ifdef __cplusplus
}
#endif

#endif
