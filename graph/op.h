/*
 * graph/op.h - the op registry as the library and the built-in op library
 * (graph/ops/) see it. Stable interface: the types are in weir/graph.h
 * (weir_op_def_t, weir_op_infer_ctx_t, weir_op_call_t, the attrs getters).
 *
 * Contract for graph/ops/ (the built-in op library):
 *  - Define, in exactly one file of graph/ops/, the strong symbol
 *        void weir__ops_register_builtin(void);
 *    which calls weir__op_register_builtin(&def) once per built-in op.
 *    It is called exactly once, before the first lookup or registration
 *    (pthread_once), single-threaded with respect to the registry.
 *  - Defs passed to weir__op_register_builtin() must have static storage
 *    duration (they are not copied).
 *  - infer: fill ctx->out[0..nout) (dtype, rank, dims); check nin/nout
 *    against what the attrs imply (the registry already checked
 *    min/max_inputs and min/max_outputs); on error return
 *    weir_op_fail(ctx, WEIR_ESHAPE or WEIR_EINVAL, "..."), never abort.
 *  - kernel: compute block `block` of `nblocks`; must be correct for any
 *    nblocks >= 1 (the executor may use fewer blocks than blocks() asked
 *    for). Read attrs through the weir_attrs_* getters.
 *  - blocks: typically 1 below ~32K elements of work, else up to
 *    4 * workers; the executor caps it at 1024.
 *  - Dtype handling: graph/dtype.h converts fp16/bf16 <-> float and loads
 *    or stores any supported dtype as double.
 *
 * Lookup (weir__op_lookup) is lock-free: built-ins live in an immutable
 * table made once; custom ops live in an RCU-published sorted array that
 * registration replaces copy-on-write under a mutex (graph/registry.c).
 * Defs are never freed while the process runs, so the returned pointer
 * stays valid without holding an RCU read-side section.
 */
#ifndef WEIR_GRAPH_OP_H
#define WEIR_GRAPH_OP_H

#include "weir/graph.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Implemented by graph/ops/ (see above). */
void weir__ops_register_builtin(void);

/* Register one built-in op (static storage, not copied). Called only from
 * weir__ops_register_builtin(). Returns WEIR_OK, WEIR_EINVAL (malformed def),
 * WEIR_EEXIST (duplicate name), WEIR_ENOMEM. */
int weir__op_register_builtin(const weir_op_def_t *def);

/* The def of op `name` (built-in first, then custom), or NULL. */
const weir_op_def_t *weir__op_lookup(const char *name);

/*
 * Evaluate one op on host buffers, outside any graph: check the input count
 * against the def, run infer, allocate each output (weir__malloc, 64-byte
 * aligned, at least 1 byte; freed by the caller with weir__free), compute
 * workspace, and run every block serially (nblocks from blocks(call, workers)
 * with workers = 4, or `force_blocks` when it is non-zero). attrs may be NULL.
 * out_desc receives nout descs. On failure nothing is left allocated, and
 * msg (if non-NULL) receives the infer/kernel message.
 * Returns WEIR_OK, WEIR_ENOTFOUND (unknown op), the infer failure code, the
 * kernel's non-zero return, WEIR_ENOMEM.
 * For op tests (tests/unit/test_ops*.c) and constant folding.
 */
int weir__op_eval(const char *op, const weir_tensor_desc_t *in_desc, const void *const *in,
                  uint32_t nin, const weir_attrs_t *attrs, uint32_t nout,
                  weir_tensor_desc_t *out_desc, void **out, uint32_t force_blocks, char *msg,
                  size_t msg_size);

#ifdef __cplusplus
}
#endif
#endif /* WEIR_GRAPH_OP_H */
