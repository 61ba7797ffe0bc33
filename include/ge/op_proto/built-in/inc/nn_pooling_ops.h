/*
 * nn_pooling_ops.h - GE op prototypes: pooling.
 * The ops weir lowers onto its op library (acl_compat/ge/lower_ge*.c), with
 * GE's op names, port order, attr names and defaults. Part of all_ops.h.
 */
#ifndef WEIR_GE_OP_PROTO_NN_POOLING_OPS_H
#define WEIR_GE_OP_PROTO_NN_POOLING_OPS_H

#include "graph/operator_reg.h"

namespace ge
{
/* GE's REG_OP layout: one clause a line. */
/* clang-format off */
REG_OP(MaxPool)
	.INPUT(x, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.OUTPUT(y, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.REQUIRED_ATTR(ksize, ListInt)
	.REQUIRED_ATTR(strides, ListInt)
	.REQUIRED_ATTR(padding, String)
	.ATTR(data_format, String, "NHWC")
	.OP_END_FACTORY_REG(MaxPool)

REG_OP(AvgPool)
	.INPUT(x, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.OUTPUT(y, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.REQUIRED_ATTR(ksize, ListInt)
	.REQUIRED_ATTR(strides, ListInt)
	.REQUIRED_ATTR(padding, String)
	.ATTR(data_format, String, "NHWC")
	.OP_END_FACTORY_REG(AvgPool)

REG_OP(MaxPoolV3)
	.INPUT(x, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.OUTPUT(y, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.REQUIRED_ATTR(ksize, ListInt)
	.REQUIRED_ATTR(strides, ListInt)
	.ATTR(padding_mode, String, "CALCULATED")
	.ATTR(pads, ListInt, {0, 0, 0, 0})
	.ATTR(data_format, String, "NCHW")
	.ATTR(global_pooling, Bool, false)
	.ATTR(ceil_mode, Bool, false)
	.OP_END_FACTORY_REG(MaxPoolV3)

REG_OP(AvgPoolV2)
	.INPUT(x, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.OUTPUT(y, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.REQUIRED_ATTR(ksize, ListInt)
	.REQUIRED_ATTR(strides, ListInt)
	.ATTR(padding_mode, String, "CALCULATED")
	.ATTR(pads, ListInt, {0, 0, 0, 0})
	.ATTR(data_format, String, "NCHW")
	.ATTR(global_pooling, Bool, false)
	.ATTR(ceil_mode, Bool, false)
	.ATTR(exclusive, Bool, true)
	.OP_END_FACTORY_REG(AvgPoolV2)

/* clang-format on */
} /* namespace ge */
#endif /* WEIR_GE_OP_PROTO_NN_POOLING_OPS_H */
