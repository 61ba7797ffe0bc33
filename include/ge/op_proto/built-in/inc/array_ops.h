/*
 * array_ops.h - GE op prototypes: array ops: graph inputs and constants, reshapes, shape queries.
 * The ops weir lowers onto its op library (acl_compat/ge/lower_ge*.c), with
 * GE's op names, port order, attr names and defaults. Part of all_ops.h.
 */
#ifndef WEIR_GE_OP_PROTO_ARRAY_OPS_H
#define WEIR_GE_OP_PROTO_ARRAY_OPS_H

#include "graph/operator_reg.h"

namespace ge
{
/* GE's REG_OP layout: one clause a line. */
/* clang-format off */
REG_OP(Data)
	.INPUT(x, TensorType::ALL())
	.OUTPUT(y, TensorType::ALL())
	.ATTR(index, Int, 0)
	.OP_END_FACTORY_REG(Data)

REG_OP(Const)
	.OUTPUT(y, TensorType::ALL())
	.ATTR(value, Tensor, Tensor())
	.OP_END_FACTORY_REG(Const)

REG_OP(Constant)
	.OUTPUT(y, TensorType::ALL())
	.ATTR(value, Tensor, Tensor())
	.OP_END_FACTORY_REG(Constant)

REG_OP(Identity)
	.INPUT(x, TensorType::ALL())
	.OUTPUT(y, TensorType::ALL())
	.OP_END_FACTORY_REG(Identity)

REG_OP(Reshape)
	.INPUT(x, TensorType::ALL())
	.INPUT(shape, TensorType::IndexNumberType())
	.OUTPUT(y, TensorType::ALL())
	.ATTR(axis, Int, 0)
	.ATTR(num_axes, Int, -1)
	.OP_END_FACTORY_REG(Reshape)

REG_OP(Unsqueeze)
	.INPUT(x, TensorType::ALL())
	.OUTPUT(y, TensorType::ALL())
	.ATTR(axes, ListInt, {})
	.OP_END_FACTORY_REG(Unsqueeze)

REG_OP(Squeeze)
	.INPUT(x, TensorType::ALL())
	.OUTPUT(y, TensorType::ALL())
	.ATTR(axis, ListInt, {})
	.OP_END_FACTORY_REG(Squeeze)

REG_OP(ExpandDims)
	.INPUT(x, TensorType::ALL())
	.INPUT(axis, TensorType::IndexNumberType())
	.OUTPUT(y, TensorType::ALL())
	.OP_END_FACTORY_REG(ExpandDims)

REG_OP(Shape)
	.INPUT(x, TensorType::ALL())
	.OUTPUT(y, TensorType({DT_INT32, DT_INT64}))
	.ATTR(dtype, Int, DT_INT32)
	.OP_END_FACTORY_REG(Shape)

REG_OP(Size)
	.INPUT(x, TensorType::ALL())
	.OUTPUT(y, TensorType({DT_INT32, DT_INT64}))
	.ATTR(dtype, Int, DT_INT32)
	.OP_END_FACTORY_REG(Size)

REG_OP(Rank)
	.INPUT(x, TensorType::ALL())
	.OUTPUT(y, TensorType({DT_INT32}))
	.OP_END_FACTORY_REG(Rank)

REG_OP(Expand)
	.INPUT(x, TensorType::BasicType())
	.INPUT(shape, TensorType({DT_INT16, DT_INT32, DT_INT64}))
	.OUTPUT(y, TensorType::BasicType())
	.OP_END_FACTORY_REG(Expand)

/* clang-format on */
} /* namespace ge */
#endif /* WEIR_GE_OP_PROTO_ARRAY_OPS_H */
