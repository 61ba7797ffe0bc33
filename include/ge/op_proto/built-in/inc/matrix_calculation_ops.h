/*
 * matrix_calculation_ops.h - GE op prototypes: matrix products and scatter.
 * The ops weir lowers onto its op library (acl_compat/ge/lower_ge*.c), with
 * GE's op names, port order, attr names and defaults. Part of all_ops.h.
 */
#ifndef WEIR_GE_OP_PROTO_MATRIX_CALCULATION_OPS_H
#define WEIR_GE_OP_PROTO_MATRIX_CALCULATION_OPS_H

#include "graph/operator_reg.h"

namespace ge
{
/* GE's REG_OP layout: one clause a line. */
/* clang-format off */
REG_OP(MatMul)
	.INPUT(x1, TensorType({DT_FLOAT, DT_FLOAT16, DT_INT32, DT_BF16}))
	.INPUT(x2, TensorType({DT_FLOAT, DT_FLOAT16, DT_INT32, DT_BF16}))
	.OPTIONAL_INPUT(bias, TensorType({DT_FLOAT, DT_FLOAT16, DT_INT32, DT_BF16}))
	.OUTPUT(y, TensorType({DT_FLOAT, DT_FLOAT16, DT_INT32, DT_BF16}))
	.ATTR(transpose_x1, Bool, false)
	.ATTR(transpose_x2, Bool, false)
	.OP_END_FACTORY_REG(MatMul)

REG_OP(MatMulV2)
	.INPUT(x1, TensorType({DT_FLOAT, DT_FLOAT16, DT_INT32, DT_INT8, DT_INT4, DT_BF16}))
	.INPUT(x2, TensorType({DT_FLOAT, DT_FLOAT16, DT_INT32, DT_INT8, DT_INT4, DT_BF16}))
	.OPTIONAL_INPUT(bias, TensorType({DT_FLOAT, DT_FLOAT16, DT_INT32, DT_BF16}))
	.OPTIONAL_INPUT(offset_w, TensorType({DT_INT8, DT_INT4}))
	.OUTPUT(y, TensorType({DT_FLOAT, DT_FLOAT16, DT_INT32, DT_BF16}))
	.ATTR(transpose_x1, Bool, false)
	.ATTR(transpose_x2, Bool, false)
	.ATTR(offset_x, Int, 0)
	.OP_END_FACTORY_REG(MatMulV2)

REG_OP(BatchMatMul)
	.INPUT(x1, TensorType({DT_FLOAT, DT_FLOAT16, DT_INT32, DT_BF16}))
	.INPUT(x2, TensorType({DT_FLOAT, DT_FLOAT16, DT_INT32, DT_BF16}))
	.OUTPUT(y, TensorType({DT_FLOAT, DT_FLOAT16, DT_INT32, DT_BF16}))
	.ATTR(adj_x1, Bool, false)
	.ATTR(adj_x2, Bool, false)
	.OP_END_FACTORY_REG(BatchMatMul)

REG_OP(BatchMatMulV2)
	.INPUT(x1, TensorType({DT_FLOAT, DT_FLOAT16, DT_INT32, DT_INT8, DT_INT4, DT_BF16}))
	.INPUT(x2, TensorType({DT_FLOAT, DT_FLOAT16, DT_INT32, DT_INT8, DT_INT4, DT_BF16}))
	.OPTIONAL_INPUT(bias, TensorType({DT_FLOAT, DT_FLOAT16, DT_INT32, DT_BF16}))
	.OPTIONAL_INPUT(offset_w, TensorType({DT_INT8, DT_INT4}))
	.OUTPUT(y, TensorType({DT_FLOAT, DT_FLOAT16, DT_INT32, DT_BF16}))
	.ATTR(adj_x1, Bool, false)
	.ATTR(adj_x2, Bool, false)
	.ATTR(offset_x, Int, 0)
	.OP_END_FACTORY_REG(BatchMatMulV2)

REG_OP(ScatterElements)
	.INPUT(data, TensorType::NumberType())
	.INPUT(indices, TensorType::IndexNumberType())
	.INPUT(updates, TensorType::NumberType())
	.OUTPUT(y, TensorType::NumberType())
	.ATTR(axis, Int, 0)
	.ATTR(reduction, String, "none")
	.OP_END_FACTORY_REG(ScatterElements)

/* clang-format on */
} /* namespace ge */
#endif /* WEIR_GE_OP_PROTO_MATRIX_CALCULATION_OPS_H */
