/*
 * nn_norm_ops.h - GE op prototypes: softmax and layer normalization.
 * The ops weir lowers onto its op library (acl_compat/ge/lower_ge*.c), with
 * GE's op names, port order, attr names and defaults. Part of all_ops.h.
 */
#ifndef WEIR_GE_OP_PROTO_NN_NORM_OPS_H
#define WEIR_GE_OP_PROTO_NN_NORM_OPS_H

#include "graph/operator_reg.h"

namespace ge
{
/* GE's REG_OP layout: one clause a line. */
/* clang-format off */
REG_OP(SoftmaxV2)
	.INPUT(x, TensorType({DT_DOUBLE, DT_FLOAT16, DT_FLOAT, DT_BF16}))
	.OUTPUT(y, TensorType({DT_DOUBLE, DT_FLOAT16, DT_FLOAT, DT_BF16}))
	.ATTR(axes, ListInt, {-1})
	.ATTR(half_to_float, Bool, false)
	.OP_END_FACTORY_REG(SoftmaxV2)

REG_OP(LogSoftmaxV2)
	.INPUT(logits, TensorType({DT_DOUBLE, DT_FLOAT16, DT_FLOAT, DT_BF16}))
	.OUTPUT(logsoftmax, TensorType({DT_DOUBLE, DT_FLOAT16, DT_FLOAT, DT_BF16}))
	.ATTR(axes, ListInt, {-1})
	.OP_END_FACTORY_REG(LogSoftmaxV2)

REG_OP(LayerNorm)
	.INPUT(x, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.INPUT(gamma, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.INPUT(beta, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.OUTPUT(y, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.OUTPUT(mean, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.OUTPUT(variance, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.ATTR(begin_norm_axis, Int, 0)
	.ATTR(begin_params_axis, Int, 0)
	.ATTR(epsilon, Float, 0.0000001)
	.OP_END_FACTORY_REG(LayerNorm)

/* clang-format on */
} /* namespace ge */
#endif /* WEIR_GE_OP_PROTO_NN_NORM_OPS_H */
