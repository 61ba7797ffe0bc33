/*
 * transformation_ops.h - GE op prototypes: transposes, flattening and unpacking.
 * The ops weir lowers onto its op library (acl_compat/ge/lower_ge*.c), with
 * GE's op names, port order, attr names and defaults. Part of all_ops.h.
 */
#ifndef WEIR_GE_OP_PROTO_TRANSFORMATION_OPS_H
#define WEIR_GE_OP_PROTO_TRANSFORMATION_OPS_H

#include "graph/operator_reg.h"

namespace ge
{
/* GE's REG_OP layout: one clause a line. */
/* clang-format off */
REG_OP(Transpose)
	.INPUT(x, TensorType::BasicType())
	.INPUT(perm, TensorType::IndexNumberType())
	.OUTPUT(y, TensorType::BasicType())
	.OP_END_FACTORY_REG(Transpose)

REG_OP(TransposeD)
	.INPUT(x, TensorType::BasicType())
	.OUTPUT(y, TensorType::BasicType())
	.REQUIRED_ATTR(perm, ListInt)
	.OP_END_FACTORY_REG(TransposeD)

REG_OP(Flatten)
	.INPUT(x, TensorType::BasicType())
	.OUTPUT(y, TensorType::BasicType())
	.ATTR(axis, Int, 1)
	.OP_END_FACTORY_REG(Flatten)

REG_OP(FlattenV2)
	.INPUT(x, TensorType::BasicType())
	.OUTPUT(y, TensorType::BasicType())
	.ATTR(axis, Int, 1)
	.ATTR(end_axis, Int, -1)
	.OP_END_FACTORY_REG(FlattenV2)

REG_OP(Unpack)
	.INPUT(x, TensorType::BasicType())
	.DYNAMIC_OUTPUT(y, TensorType::BasicType())
	.REQUIRED_ATTR(num, Int)
	.ATTR(axis, Int, 0)
	.OP_END_FACTORY_REG(Unpack)

/* clang-format on */
} /* namespace ge */
#endif /* WEIR_GE_OP_PROTO_TRANSFORMATION_OPS_H */
