/*
 * acl_compat/ge/lower.h - lowering front-end graphs (ge/weir_ge.h weir_fg_t)
 * onto the op library: the rule API. One rule per front-end op type and
 * domain (GE IR rules in lower_ge*.c, ONNX rules in lower_onnx*.c); the
 * engine (lower.c) walks the nodes in order and calls each node's rule.
 *
 * A rule works on lowering values ("lv", int ids): every front-end value
 * becomes one when its producer is lowered. An lv has a desc and is either
 *   - known: its bytes are on the host now (a constant, a folded result, or
 *     a graph input whose value a rule demanded), or
 *   - native: a port of the native graph being built,
 * or both. lw_op() adds one op-library op: its output descs come from the
 * op's own inference (weir_op_plan_create, with the known inputs' bytes, so
 * shape-reading ops see them); when every input is known and the op is
 * deterministic, the op is folded (its kernel runs on the host now) and its
 * outputs are known; otherwise it becomes a native node, and known inputs
 * are materialized as Const nodes (once each).
 *
 * lw_value() demands an lv's bytes: known lvs give them; an lv that is a
 * graph input asks the caller's value callback and marks the input used
 * (its value joins the cache key); anything else fails with WEIR_ENOTSUP
 * ("needs a value known at compile time").
 *
 * Error rule: every failure goes through lw_fail(), which names the node,
 * its type and the domain; rules return its code unchanged. A rule never
 * aborts on bad input.
 */
#ifndef WEIR_ACL_GE_LOWER_H
#define WEIR_ACL_GE_LOWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ge/weir_ge.h"
#include "weir/graph.h"

typedef struct lw lw_t;           /* one lowering run */
typedef struct lw_node lw_node_t; /* the front-end node being lowered */

/* arg: the rule table entry's argument (an op-library op name for the
 * generic rules below), NULL when the entry has none. */
typedef int (*lw_rule_fn)(lw_t *L, const lw_node_t *n, const char *arg);

typedef struct lw_rule {
	const char *type; /* front-end op type, e.g. "ReduceSum" */
	lw_rule_fn fn;
	const char *arg;
} lw_rule_t;

/* Generic rules (lower_common.c), with arg = the op-library op:
 *   lw_rule_same:     every present input in order, the node's attrs as they
 *                     are, one output per front-end output;
 *   lw_rule_identity: output 0 = input 0 (arg unused). */
int lw_rule_same(lw_t *L, const lw_node_t *n, const char *arg);
int lw_rule_identity(lw_t *L, const lw_node_t *n, const char *arg);

/* The rule tables, one per domain (sorted or not: looked up by name). */
extern const lw_rule_t weir__lw_rules_ge[];
extern const size_t weir__lw_rules_ge_count;
extern const lw_rule_t weir__lw_rules_onnx[];
extern const size_t weir__lw_rules_onnx_count;

/* ---- the node ------------------------------------------------------------ */

const char *lw_name(const lw_node_t *n);
const char *lw_type(const lw_node_t *n);
int lw_opset(const lw_t *L);                      /* ONNX: the model's ai.onnx opset; GE: 0 */
uint32_t lw_nin(const lw_node_t *n);              /* inputs as written, absent ones included */
uint32_t lw_nout(const lw_node_t *n);             /* outputs as written */
const weir_attrs_t *lw_attrs(const lw_node_t *n); /* never NULL */
/* lv of input i; -1 when i >= lw_nin() or the input is absent. */
int lw_in(lw_t *L, const lw_node_t *n, uint32_t i);
/* Bind output j to lv. Every output must be bound before the rule returns
 * WEIR_OK (unbound ones fail the lowering, naming the node). */
int lw_out(lw_t *L, const lw_node_t *n, uint32_t j, int lv);

/* ---- values ---------------------------------------------------------------- */

const weir_tensor_desc_t *lw_desc(lw_t *L, int lv); /* NULL for a bad lv */
bool lw_known(lw_t *L, int lv);
/* Demand lv's bytes (dense, its desc's dtype); see the header comment. */
int lw_value(lw_t *L, const lw_node_t *n, int lv, const void **data);
/* Demand lv as a list of int64 (int32/int64/uint8.. any int dtype, rank 0
 * or 1; rank 0 gives one entry). *count entries into buf (room for cap;
 * more is WEIR_EINVAL). */
int lw_ints(lw_t *L, const lw_node_t *n, int lv, int64_t *buf, size_t cap, size_t *count);
/* Demand lv as doubles (any numeric dtype, any rank, up to cap entries). */
int lw_floats(lw_t *L, const lw_node_t *n, int lv, double *buf, size_t cap, size_t *count);

/* A known constant lv (bytes copied). */
int lw_const(lw_t *L, const weir_tensor_desc_t *desc, const void *data, int *lv);
/* Scalar/1-D helpers: an int64 vector of n entries, a rank-0 scalar of
 * `dtype` holding v (converted). */
int lw_const_ints(lw_t *L, const int64_t *v, uint32_t n, int *lv);
int lw_const_scalar(lw_t *L, int dtype, double v, int *lv);

/* Add op `op` of the op library on nin input lvs (-1 entries are not
 * allowed; drop optional inputs instead) with attrs (may be NULL; copied)
 * and nout outputs (0 = the op's minimum), writing the output lvs to out[]
 * (room for nout, or 1 when nout is 0). Inference errors come back through
 * lw_fail() naming the front-end node n. */
int lw_op(lw_t *L, const lw_node_t *n, const char *op, const int *in, uint32_t nin,
          const weir_attrs_t *attrs, uint32_t nout, int *out);
/* Shorthands over lw_op(). */
int lw_op1(lw_t *L, const lw_node_t *n, const char *op, int a, const weir_attrs_t *attrs, int *out);
int lw_op2(lw_t *L, const lw_node_t *n, const char *op, int a, int b, const weir_attrs_t *attrs,
           int *out);
int lw_cast(lw_t *L, const lw_node_t *n, int lv, int dtype, int *out); /* no-op if equal */
int lw_reshape(lw_t *L, const lw_node_t *n, int lv, const int64_t *dims, uint32_t rank, int *out);
/* An attrs object owned by the lowering run (freed at its end). */
weir_attrs_t *lw_new_attrs(lw_t *L);

/* Record an error naming the node: "<domain> node '<name>' (<type>): <msg>".
 * Returns code. */
int lw_fail(lw_t *L, const lw_node_t *n, int code, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

#endif /* WEIR_ACL_GE_LOWER_H */
