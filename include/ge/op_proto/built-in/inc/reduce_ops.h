/*
 * reduce_ops.h - GE op prototypes: reductions and BNInfer.
 * The ops weir lowers onto its op library (acl_compat/ge/lower_ge*.c), with
 * GE's op names, port order, attr names and defaults. Part of all_ops.h.
 */
#ifndef WEIR_GE_OP_PROTO_REDUCE_OPS_H
#define WEIR_GE_OP_PROTO_REDUCE_OPS_H

#include "graph/operator_reg.h"

namespace ge
{
/* GE's REG_OP layout: one clause a line. */
/* clang-format off */
REG_OP(BNInfer)
	.INPUT(x, TensorType({DT_FLOAT, DT_FLOAT16}))
	.INPUT(scale, TensorType({DT_FLOAT}))
	.INPUT(offset, TensorType({DT_FLOAT}))
	.INPUT(mean, TensorType({DT_FLOAT}))
	.INPUT(variance, TensorType({DT_FLOAT}))
	.REQUIRED_ATTR(epsilon, Float)
	.OUTPUT(y, TensorType({DT_FLOAT, DT_FLOAT16}))
	.OP_END_FACTORY_REG(BNInfer)

REG_OP(ReduceSum)
	.INPUT(x, TensorType::NumberType())
	.INPUT(axes, TensorType::IndexNumberType())
	.OUTPUT(y, TensorType::NumberType())
	.ATTR(keep_dims, Bool, false)
	.ATTR(noop_with_empty_axes, Bool, true)
	.OP_END_FACTORY_REG(ReduceSum)

REG_OP(ReduceMean)
	.INPUT(x, TensorType::NumberType())
	.INPUT(axes, TensorType::IndexNumberType())
	.OUTPUT(y, TensorType::NumberType())
	.ATTR(keep_dims, Bool, false)
	.OP_END_FACTORY_REG(ReduceMean)

REG_OP(ReduceMax)
	.INPUT(x, TensorType::NumberType())
	.INPUT(axes, TensorType::IndexNumberType())
	.OUTPUT(y, TensorType::NumberType())
	.ATTR(keep_dims, Bool, false)
	.OP_END_FACTORY_REG(ReduceMax)

REG_OP(ReduceMin)
	.INPUT(x, TensorType::NumberType())
	.INPUT(axes, TensorType::IndexNumberType())
	.OUTPUT(y, TensorType::NumberType())
	.ATTR(keep_dims, Bool, false)
	.OP_END_FACTORY_REG(ReduceMin)

REG_OP(ReduceProd)
	.INPUT(x, TensorType::NumberType())
	.INPUT(axes, TensorType::IndexNumberType())
	.OUTPUT(y, TensorType::NumberType())
	.ATTR(keep_dims, Bool, false)
	.ATTR(noop_with_empty_axes, Bool, true)
	.OP_END_FACTORY_REG(ReduceProd)

REG_OP(ReduceSumD)
	.INPUT(x, TensorType::NumberType())
	.OUTPUT(y, TensorType::NumberType())
	.REQUIRED_ATTR(axes, ListInt)
	.ATTR(keep_dims, Bool, false)
	.OP_END_FACTORY_REG(ReduceSumD)

REG_OP(ReduceMeanD)
	.INPUT(x, TensorType::NumberType())
	.OUTPUT(y, TensorType::NumberType())
	.REQUIRED_ATTR(axes, ListInt)
	.ATTR(keep_dims, Bool, false)
	.OP_END_FACTORY_REG(ReduceMeanD)

REG_OP(ReduceMaxD)
	.INPUT(x, TensorType::NumberType())
	.OUTPUT(y, TensorType::NumberType())
	.REQUIRED_ATTR(axes, ListInt)
	.ATTR(keep_dims, Bool, false)
	.OP_END_FACTORY_REG(ReduceMaxD)

REG_OP(ReduceMinD)
	.INPUT(x, TensorType::NumberType())
	.OUTPUT(y, TensorType::NumberType())
	.REQUIRED_ATTR(axes, ListInt)
	.ATTR(keep_dims, Bool, false)
	.OP_END_FACTORY_REG(ReduceMinD)

REG_OP(ReduceProdD)
	.INPUT(x, TensorType::NumberType())
	.OUTPUT(y, TensorType::NumberType())
	.REQUIRED_ATTR(axes, ListInt)
	.ATTR(keep_dims, Bool, false)
	.OP_END_FACTORY_REG(ReduceProdD)

/* clang-format on */
} /* namespace ge */
#endif /* WEIR_GE_OP_PROTO_REDUCE_OPS_H */
