/*
 * selection_ops.h - GE op prototypes: selection, slicing, gathering, tiling and generation.
 * The ops weir lowers onto its op library (acl_compat/ge/lower_ge*.c), with
 * GE's op names, port order, attr names and defaults. Part of all_ops.h.
 */
#ifndef WEIR_GE_OP_PROTO_SELECTION_OPS_H
#define WEIR_GE_OP_PROTO_SELECTION_OPS_H

#include "graph/operator_reg.h"

namespace ge
{
/* GE's REG_OP layout: one clause a line. */
/* clang-format off */
REG_OP(Select)
	.INPUT(condition, TensorType({DT_BOOL}))
	.INPUT(x1, TensorType::BasicType())
	.INPUT(x2, TensorType::BasicType())
	.OUTPUT(y, TensorType::BasicType())
	.OP_END_FACTORY_REG(Select)

REG_OP(SelectV2)
	.INPUT(condition, TensorType({DT_BOOL}))
	.INPUT(then, TensorType::BasicType())
	.INPUT(else, TensorType::BasicType())
	.OUTPUT(result, TensorType::BasicType())
	.OP_END_FACTORY_REG(SelectV2)

REG_OP(Slice)
	.INPUT(x, TensorType::BasicType())
	.INPUT(offsets, TensorType::IndexNumberType())
	.INPUT(size, TensorType::IndexNumberType())
	.OUTPUT(y, TensorType::BasicType())
	.OP_END_FACTORY_REG(Slice)

REG_OP(SliceD)
	.INPUT(x, TensorType::BasicType())
	.OUTPUT(y, TensorType::BasicType())
	.REQUIRED_ATTR(offsets, ListInt)
	.REQUIRED_ATTR(size, ListInt)
	.OP_END_FACTORY_REG(SliceD)

REG_OP(StridedSlice)
	.INPUT(x, TensorType::BasicType())
	.INPUT(begin, TensorType::IndexNumberType())
	.INPUT(end, TensorType::IndexNumberType())
	.INPUT(strides, TensorType::IndexNumberType())
	.ATTR(begin_mask, Int, 0)
	.ATTR(end_mask, Int, 0)
	.ATTR(ellipsis_mask, Int, 0)
	.ATTR(new_axis_mask, Int, 0)
	.ATTR(shrink_axis_mask, Int, 0)
	.OUTPUT(y, TensorType::BasicType())
	.OP_END_FACTORY_REG(StridedSlice)

REG_OP(StridedSliceD)
	.INPUT(x, TensorType::BasicType())
	.OUTPUT(y, TensorType::BasicType())
	.REQUIRED_ATTR(begin, ListInt)
	.REQUIRED_ATTR(end, ListInt)
	.REQUIRED_ATTR(strides, ListInt)
	.ATTR(begin_mask, Int, 0)
	.ATTR(end_mask, Int, 0)
	.ATTR(ellipsis_mask, Int, 0)
	.ATTR(new_axis_mask, Int, 0)
	.ATTR(shrink_axis_mask, Int, 0)
	.OP_END_FACTORY_REG(StridedSliceD)

REG_OP(StridedSliceV2)
	.INPUT(x, TensorType::BasicType())
	.INPUT(begin, TensorType::IndexNumberType())
	.INPUT(end, TensorType::IndexNumberType())
	.OPTIONAL_INPUT(axes, TensorType::IndexNumberType())
	.OPTIONAL_INPUT(strides, TensorType::IndexNumberType())
	.ATTR(begin_mask, Int, 0)
	.ATTR(end_mask, Int, 0)
	.ATTR(ellipsis_mask, Int, 0)
	.ATTR(new_axis_mask, Int, 0)
	.ATTR(shrink_axis_mask, Int, 0)
	.OUTPUT(y, TensorType::BasicType())
	.OP_END_FACTORY_REG(StridedSliceV2)

REG_OP(GatherV2)
	.INPUT(x, TensorType::BasicType())
	.INPUT(indices, TensorType::IndexNumberType())
	.INPUT(axis, TensorType::IndexNumberType())
	.OUTPUT(y, TensorType::BasicType())
	.ATTR(batch_dims, Int, 0)
	.OP_END_FACTORY_REG(GatherV2)

REG_OP(GatherV2D)
	.INPUT(x, TensorType::BasicType())
	.INPUT(indices, TensorType::IndexNumberType())
	.OUTPUT(y, TensorType::BasicType())
	.REQUIRED_ATTR(axis, Int)
	.OP_END_FACTORY_REG(GatherV2D)

REG_OP(Gather)
	.INPUT(x, TensorType::BasicType())
	.INPUT(indices, TensorType::IndexNumberType())
	.OUTPUT(y, TensorType::BasicType())
	.ATTR(validate_indices, Bool, true)
	.ATTR(batch_dims, Int, 0)
	.OP_END_FACTORY_REG(Gather)

REG_OP(GatherElements)
	.INPUT(x, TensorType::BasicType())
	.INPUT(index, TensorType::IndexNumberType())
	.OUTPUT(y, TensorType::BasicType())
	.ATTR(dim, Int, 0)
	.OP_END_FACTORY_REG(GatherElements)

REG_OP(Tile)
	.INPUT(x, TensorType::BasicType())
	.INPUT(multiples, TensorType::IndexNumberType())
	.OUTPUT(y, TensorType::BasicType())
	.OP_END_FACTORY_REG(Tile)

REG_OP(TileD)
	.INPUT(x, TensorType::BasicType())
	.OUTPUT(y, TensorType::BasicType())
	.REQUIRED_ATTR(multiples, ListInt)
	.OP_END_FACTORY_REG(TileD)

REG_OP(Range)
	.INPUT(start, TensorType({DT_FLOAT, DT_INT32, DT_DOUBLE, DT_INT64}))
	.INPUT(limit, TensorType({DT_FLOAT, DT_INT32, DT_DOUBLE, DT_INT64}))
	.INPUT(delta, TensorType({DT_FLOAT, DT_INT32, DT_DOUBLE, DT_INT64}))
	.OUTPUT(y, TensorType({DT_FLOAT, DT_INT32, DT_DOUBLE, DT_INT64}))
	.OP_END_FACTORY_REG(Range)

REG_OP(TopKV2)
	.INPUT(x, TensorType::RealNumberType())
	.INPUT(k, TensorType({DT_INT32}))
	.OUTPUT(values, TensorType::RealNumberType())
	.OUTPUT(indices, TensorType({DT_INT32}))
	.ATTR(sorted, Bool, true)
	.ATTR(dim, Int, -1)
	.ATTR(largest, Bool, true)
	.OP_END_FACTORY_REG(TopKV2)

REG_OP(TopK)
	.INPUT(x, TensorType::RealNumberType())
	.INPUT(k, TensorType({DT_INT32}))
	.OUTPUT(values, TensorType::RealNumberType())
	.OUTPUT(indices, TensorType({DT_INT32}))
	.ATTR(sorted, Bool, true)
	.ATTR(largest, Bool, true)
	.ATTR(dim, Int, -1)
	.OP_END_FACTORY_REG(TopK)

REG_OP(Cumsum)
	.INPUT(x, TensorType::NumberType())
	.INPUT(axis, TensorType::IndexNumberType())
	.OUTPUT(y, TensorType::NumberType())
	.ATTR(exclusive, Bool, false)
	.ATTR(reverse, Bool, false)
	.OP_END_FACTORY_REG(Cumsum)

REG_OP(CumsumD)
	.INPUT(x, TensorType::NumberType())
	.OUTPUT(y, TensorType::NumberType())
	.REQUIRED_ATTR(axis, Int)
	.ATTR(exclusive, Bool, false)
	.ATTR(reverse, Bool, false)
	.OP_END_FACTORY_REG(CumsumD)

REG_OP(OneHot)
	.INPUT(x, TensorType({DT_UINT8, DT_INT32, DT_INT64}))
	.INPUT(depth, TensorType({DT_INT32}))
	.INPUT(on_value, TensorType::BasicType())
	.INPUT(off_value, TensorType::BasicType())
	.OUTPUT(y, TensorType::BasicType())
	.ATTR(axis, Int, -1)
	.OP_END_FACTORY_REG(OneHot)

REG_OP(OneHotD)
	.INPUT(x, TensorType({DT_UINT8, DT_INT32}))
	.INPUT(on_value, TensorType::BasicType())
	.INPUT(off_value, TensorType::BasicType())
	.OUTPUT(y, TensorType::BasicType())
	.REQUIRED_ATTR(depth, Int)
	.ATTR(axis, Int, -1)
	.OP_END_FACTORY_REG(OneHotD)

/* clang-format on */
} /* namespace ge */
#endif /* WEIR_GE_OP_PROTO_SELECTION_OPS_H */
