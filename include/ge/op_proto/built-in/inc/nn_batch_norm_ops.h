/*
 * nn_batch_norm_ops.h - GE op prototypes: batch normalization.
 * The ops weir lowers onto its op library (acl_compat/ge/lower_ge*.c), with
 * GE's op names, port order, attr names and defaults. Part of all_ops.h.
 */
#ifndef WEIR_GE_OP_PROTO_NN_BATCH_NORM_OPS_H
#define WEIR_GE_OP_PROTO_NN_BATCH_NORM_OPS_H

#include "graph/operator_reg.h"

namespace ge
{
/* GE's REG_OP layout: one clause a line. */
/* clang-format off */
REG_OP(BatchNorm)
	.INPUT(x, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.INPUT(scale, TensorType({DT_FLOAT}))
	.INPUT(offset, TensorType({DT_FLOAT}))
	.OPTIONAL_INPUT(mean, TensorType({DT_FLOAT}))
	.OPTIONAL_INPUT(variance, TensorType({DT_FLOAT}))
	.OUTPUT(y, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.OUTPUT(batch_mean, TensorType({DT_FLOAT}))
	.OUTPUT(batch_variance, TensorType({DT_FLOAT}))
	.OUTPUT(reserve_space_1, TensorType({DT_FLOAT}))
	.OUTPUT(reserve_space_2, TensorType({DT_FLOAT}))
	.ATTR(epsilon, Float, 0.0001)
	.ATTR(data_format, String, "NHWC")
	.ATTR(is_training, Bool, true)
	.OP_END_FACTORY_REG(BatchNorm)

/* clang-format on */
} /* namespace ge */
#endif /* WEIR_GE_OP_PROTO_NN_BATCH_NORM_OPS_H */
