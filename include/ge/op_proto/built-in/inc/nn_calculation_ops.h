/*
 * nn_calculation_ops.h - GE op prototypes: convolution.
 * The ops weir lowers onto its op library (acl_compat/ge/lower_ge*.c), with
 * GE's op names, port order, attr names and defaults. Part of all_ops.h.
 */
#ifndef WEIR_GE_OP_PROTO_NN_CALCULATION_OPS_H
#define WEIR_GE_OP_PROTO_NN_CALCULATION_OPS_H

#include "graph/operator_reg.h"

namespace ge
{
/* GE's REG_OP layout: one clause a line. */
/* clang-format off */
REG_OP(Conv2D)
	.INPUT(x, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16, DT_INT8}))
	.INPUT(filter, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16, DT_INT8}))
	.OPTIONAL_INPUT(bias, TensorType({DT_FLOAT, DT_FLOAT16, DT_INT32}))
	.OPTIONAL_INPUT(offset_w, TensorType({DT_INT8}))
	.OUTPUT(y, TensorType({DT_FLOAT, DT_FLOAT16, DT_INT32}))
	.REQUIRED_ATTR(strides, ListInt)
	.REQUIRED_ATTR(pads, ListInt)
	.ATTR(dilations, ListInt, {1, 1, 1, 1})
	.ATTR(groups, Int, 1)
	.ATTR(data_format, String, "NHWC")
	.ATTR(offset_x, Int, 0)
	.OP_END_FACTORY_REG(Conv2D)

REG_OP(DepthwiseConv2D)
	.INPUT(x, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16, DT_INT8}))
	.INPUT(filter, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16, DT_INT8}))
	.OPTIONAL_INPUT(bias, TensorType({DT_FLOAT, DT_FLOAT16, DT_INT32}))
	.OPTIONAL_INPUT(offset_w, TensorType({DT_INT8}))
	.OUTPUT(y, TensorType({DT_FLOAT, DT_FLOAT16, DT_INT32}))
	.REQUIRED_ATTR(strides, ListInt)
	.ATTR(dilations, ListInt, {1, 1, 1, 1})
	.REQUIRED_ATTR(pads, ListInt)
	.ATTR(data_format, String, "NHWC")
	.ATTR(offset_x, Int, 0)
	.OP_END_FACTORY_REG(DepthwiseConv2D)

/* clang-format on */
} /* namespace ge */
#endif /* WEIR_GE_OP_PROTO_NN_CALCULATION_OPS_H */
