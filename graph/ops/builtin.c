/*
 * graph/ops/builtin.c - registers the built-in op library (see graph/op.h
 * for the contract and docs/ops.md for each op's semantics and attrs).
 */
#include "graph/ops/ops_internal.h"

static const weir_op_def_t *const builtin_ops[] = {
	&weir__op_add,
	&weir__op_sub,
	&weir__op_mul,
	&weir__op_div,
	&weir__op_maximum,
	&weir__op_minimum,
	&weir__op_pow,
	&weir__op_neg,
	&weir__op_exp,
	&weir__op_log,
	&weir__op_sqrt,
	&weir__op_rsqrt,
	&weir__op_abs,
	&weir__op_relu,
	&weir__op_gelu,
	&weir__op_sigmoid,
	&weir__op_tanh,
	&weir__op_silu,
	&weir__op_cast,
	&weir__op_matmul,
	&weir__op_batchmatmul,
	&weir__op_softmax,
	&weir__op_layernorm,
	&weir__op_rmsnorm,
	&weir__op_reducesum,
	&weir__op_reducemean,
	&weir__op_reducemax,
	&weir__op_transpose,
	&weir__op_reshape,
	&weir__op_concat,
	&weir__op_split,
	&weir__op_slice,
	&weir__op_gather,
	&weir__op_conv2d,
	&weir__op_maxpool,
	&weir__op_avgpool,
	&weir__op_accumulate,
	&weir__op_randomuniform,
	&weir__op_randomnormal,
	&weir__op_truncatednormal,
	&weir__op_dropoutgenmask,
	/* Issue 11 (g2): reductions, norms, sorting. */
	&weir__op_reducemin,
	&weir__op_reduceprod,
	&weir__op_argmax,
	&weir__op_argmin,
	&weir__op_logsoftmax,
	&weir__op_batchnorm,
	&weir__op_groupnorm,
	&weir__op_topk,
	&weir__op_sort,
	/* Selection, generation, pooling (issue 11: select.c, pool2.c) */
	&weir__op_where,
	&weir__op_tril,
	&weir__op_triu,
	&weir__op_range,
	&weir__op_expand,
	&weir__op_adaptiveavgpool2d,
	&weir__op_adaptivemaxpool2d,
	&weir__op_conv2dtranspose,
	/* Unary math, comparisons and logic (math.c). */
	&weir__op_sin,
	&weir__op_cos,
	&weir__op_erf,
	&weir__op_floor,
	&weir__op_ceil,
	&weir__op_round,
	&weir__op_reciprocal,
	&weir__op_sign,
	&weir__op_clipbyvalue,
	&weir__op_equal,
	&weir__op_notequal,
	&weir__op_less,
	&weir__op_lessequal,
	&weir__op_greater,
	&weir__op_greaterequal,
	&weir__op_logicaland,
	&weir__op_logicalor,
	&weir__op_logicalnot,
	/* GatherElements (gather_elements.c; issue 11, aclnnGather). */
	&weir__op_gatherelements,
};

void weir__ops_register_builtin(void)
{
	for (size_t i = 0; i < sizeof(builtin_ops) / sizeof(builtin_ops[0]); i++) {
		/* Static, well-formed, uniquely named defs: only ENOMEM can fail,
		 * and then the op is simply unknown (lookups report ENOTFOUND). */
		(void)weir__op_register_builtin(builtin_ops[i]);
	}
}
