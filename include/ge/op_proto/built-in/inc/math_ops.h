/*
 * math_ops.h - GE op prototypes: math functions.
 * The ops weir lowers onto its op library (acl_compat/ge/lower_ge*.c), with
 * GE's op names, port order, attr names and defaults. Part of all_ops.h.
 */
#ifndef WEIR_GE_OP_PROTO_MATH_OPS_H
#define WEIR_GE_OP_PROTO_MATH_OPS_H

#include "graph/operator_reg.h"

namespace ge
{
/* GE's REG_OP layout: one clause a line. */
/* clang-format off */
REG_OP(Erf)
	.INPUT(x, TensorType::FloatingDataType())
	.OUTPUT(y, TensorType::FloatingDataType())
	.OP_END_FACTORY_REG(Erf)

REG_OP(IsNan)
	.INPUT(x, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.OUTPUT(y, TensorType({DT_BOOL}))
	.OP_END_FACTORY_REG(IsNan)

/* clang-format on */
} /* namespace ge */
#endif /* WEIR_GE_OP_PROTO_MATH_OPS_H */
