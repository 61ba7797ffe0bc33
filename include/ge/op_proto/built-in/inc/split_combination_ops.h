/*
 * split_combination_ops.h - GE op prototypes: concatenation, splitting and packing.
 * The ops weir lowers onto its op library (acl_compat/ge/lower_ge*.c), with
 * GE's op names, port order, attr names and defaults. Part of all_ops.h.
 */
#ifndef WEIR_GE_OP_PROTO_SPLIT_COMBINATION_OPS_H
#define WEIR_GE_OP_PROTO_SPLIT_COMBINATION_OPS_H

#include "graph/operator_reg.h"

namespace ge
{
/* GE's REG_OP layout: one clause a line. */
/* clang-format off */
REG_OP(ConcatV2)
	.DYNAMIC_INPUT(x, TensorType::BasicType())
	.INPUT(concat_dim, TensorType::IndexNumberType())
	.OUTPUT(y, TensorType::BasicType())
	.ATTR(N, Int, 1)
	.OP_END_FACTORY_REG(ConcatV2)

REG_OP(Concat)
	.INPUT(concat_dim, TensorType::IndexNumberType())
	.DYNAMIC_INPUT(x, TensorType::BasicType())
	.OUTPUT(y, TensorType::BasicType())
	.ATTR(N, Int, 1)
	.OP_END_FACTORY_REG(Concat)

REG_OP(ConcatD)
	.DYNAMIC_INPUT(x, TensorType::BasicType())
	.OUTPUT(y, TensorType::BasicType())
	.REQUIRED_ATTR(concat_dim, Int)
	.ATTR(N, Int, 1)
	.OP_END_FACTORY_REG(ConcatD)

REG_OP(ConcatV2D)
	.DYNAMIC_INPUT(x, TensorType::BasicType())
	.OUTPUT(y, TensorType::BasicType())
	.REQUIRED_ATTR(concat_dim, Int)
	.ATTR(N, Int, 1)
	.OP_END_FACTORY_REG(ConcatV2D)

REG_OP(Split)
	.INPUT(split_dim, TensorType({DT_INT32}))
	.INPUT(x, TensorType::BasicType())
	.DYNAMIC_OUTPUT(y, TensorType::BasicType())
	.REQUIRED_ATTR(num_split, Int)
	.OP_END_FACTORY_REG(Split)

REG_OP(SplitD)
	.INPUT(x, TensorType::BasicType())
	.DYNAMIC_OUTPUT(y, TensorType::BasicType())
	.REQUIRED_ATTR(split_dim, Int)
	.REQUIRED_ATTR(num_split, Int)
	.OP_END_FACTORY_REG(SplitD)

REG_OP(SplitV)
	.INPUT(x, TensorType::BasicType())
	.INPUT(size_splits, TensorType::IndexNumberType())
	.INPUT(split_dim, TensorType({DT_INT32}))
	.DYNAMIC_OUTPUT(y, TensorType::BasicType())
	.REQUIRED_ATTR(num_split, Int)
	.OP_END_FACTORY_REG(SplitV)

REG_OP(SplitVD)
	.INPUT(x, TensorType::BasicType())
	.DYNAMIC_OUTPUT(y, TensorType::BasicType())
	.REQUIRED_ATTR(size_splits, ListInt)
	.REQUIRED_ATTR(split_dim, Int)
	.REQUIRED_ATTR(num_split, Int)
	.OP_END_FACTORY_REG(SplitVD)

REG_OP(Pack)
	.DYNAMIC_INPUT(x, TensorType::BasicType())
	.OUTPUT(y, TensorType::BasicType())
	.ATTR(axis, Int, 0)
	.REQUIRED_ATTR(N, Int)
	.OP_END_FACTORY_REG(Pack)

/* clang-format on */
} /* namespace ge */
#endif /* WEIR_GE_OP_PROTO_SPLIT_COMBINATION_OPS_H */
