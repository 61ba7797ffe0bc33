/*
 * pad_ops.h - GE op prototypes: fill, broadcast and padding.
 * The ops weir lowers onto its op library (acl_compat/ge/lower_ge*.c), with
 * GE's op names, port order, attr names and defaults. Part of all_ops.h.
 */
#ifndef WEIR_GE_OP_PROTO_PAD_OPS_H
#define WEIR_GE_OP_PROTO_PAD_OPS_H

#include "graph/operator_reg.h"

namespace ge
{
/* GE's REG_OP layout: one clause a line. */
/* clang-format off */
REG_OP(Fill)
	.INPUT(dims, TensorType::IndexNumberType())
	.INPUT(value, TensorType::BasicType())
	.OUTPUT(y, TensorType::BasicType())
	.OP_END_FACTORY_REG(Fill)

REG_OP(FillD)
	.INPUT(value, TensorType::BasicType())
	.OUTPUT(y, TensorType::BasicType())
	.REQUIRED_ATTR(dims, ListInt)
	.OP_END_FACTORY_REG(FillD)

REG_OP(BroadcastTo)
	.INPUT(x, TensorType::BasicType())
	.INPUT(shape, TensorType({DT_INT32, DT_INT64}))
	.OUTPUT(y, TensorType::BasicType())
	.OP_END_FACTORY_REG(BroadcastTo)

REG_OP(BroadcastToD)
	.INPUT(x, TensorType::BasicType())
	.OUTPUT(y, TensorType::BasicType())
	.REQUIRED_ATTR(shape, ListInt)
	.OP_END_FACTORY_REG(BroadcastToD)

REG_OP(Pad)
	.INPUT(x, TensorType::BasicType())
	.INPUT(paddings, TensorType::IndexNumberType())
	.OUTPUT(y, TensorType::BasicType())
	.OP_END_FACTORY_REG(Pad)

REG_OP(PadD)
	.INPUT(x, TensorType::BasicType())
	.OUTPUT(y, TensorType::BasicType())
	.REQUIRED_ATTR(paddings, ListListInt)
	.OP_END_FACTORY_REG(PadD)

REG_OP(PadV3)
	.INPUT(x, TensorType::BasicType())
	.INPUT(paddings, TensorType::IndexNumberType())
	.OPTIONAL_INPUT(constant_values, TensorType::BasicType())
	.OUTPUT(y, TensorType::BasicType())
	.ATTR(mode, String, "constant")
	.ATTR(paddings_contiguous, Bool, true)
	.OP_END_FACTORY_REG(PadV3)

REG_OP(PadV3D)
	.INPUT(x, TensorType::BasicType())
	.OUTPUT(y, TensorType::BasicType())
	.REQUIRED_ATTR(paddings, ListListInt)
	.ATTR(constant_values, Int, 0)
	.ATTR(mode, String, "constant")
	.ATTR(paddings_contiguous, Bool, true)
	.OP_END_FACTORY_REG(PadV3D)

/* clang-format on */
} /* namespace ge */
#endif /* WEIR_GE_OP_PROTO_PAD_OPS_H */
