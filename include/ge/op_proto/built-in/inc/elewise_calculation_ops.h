/*
 * elewise_calculation_ops.h - GE op prototypes: elementwise arithmetic, comparison, logic and cast.
 * The ops weir lowers onto its op library (acl_compat/ge/lower_ge*.c), with
 * GE's op names, port order, attr names and defaults. Part of all_ops.h.
 */
#ifndef WEIR_GE_OP_PROTO_ELEWISE_CALCULATION_OPS_H
#define WEIR_GE_OP_PROTO_ELEWISE_CALCULATION_OPS_H

#include "graph/operator_reg.h"

namespace ge
{
/* GE's REG_OP layout: one clause a line. */
/* clang-format off */
REG_OP(Add)
	.INPUT(x1, TensorType::NumberType())
	.INPUT(x2, TensorType::NumberType())
	.OUTPUT(y, TensorType::NumberType())
	.OP_END_FACTORY_REG(Add)

REG_OP(AddV2)
	.INPUT(x1, TensorType::NumberType())
	.INPUT(x2, TensorType::NumberType())
	.OUTPUT(y, TensorType::NumberType())
	.OP_END_FACTORY_REG(AddV2)

REG_OP(Sub)
	.INPUT(x1, TensorType::NumberType())
	.INPUT(x2, TensorType::NumberType())
	.OUTPUT(y, TensorType::NumberType())
	.OP_END_FACTORY_REG(Sub)

REG_OP(Mul)
	.INPUT(x1, TensorType::NumberType())
	.INPUT(x2, TensorType::NumberType())
	.OUTPUT(y, TensorType::NumberType())
	.OP_END_FACTORY_REG(Mul)

REG_OP(RealDiv)
	.INPUT(x1, TensorType::NumberType())
	.INPUT(x2, TensorType::NumberType())
	.OUTPUT(y, TensorType::NumberType())
	.OP_END_FACTORY_REG(RealDiv)

REG_OP(Div)
	.INPUT(x1, TensorType::NumberType())
	.INPUT(x2, TensorType::NumberType())
	.OUTPUT(y, TensorType::NumberType())
	.OP_END_FACTORY_REG(Div)

REG_OP(DivNoNan)
	.INPUT(x1, TensorType::NumberType())
	.INPUT(x2, TensorType::NumberType())
	.OUTPUT(y, TensorType::NumberType())
	.OP_END_FACTORY_REG(DivNoNan)

REG_OP(Maximum)
	.INPUT(x1, TensorType::RealNumberType())
	.INPUT(x2, TensorType::RealNumberType())
	.OUTPUT(y, TensorType::RealNumberType())
	.OP_END_FACTORY_REG(Maximum)

REG_OP(Minimum)
	.INPUT(x1, TensorType::RealNumberType())
	.INPUT(x2, TensorType::RealNumberType())
	.OUTPUT(y, TensorType::RealNumberType())
	.OP_END_FACTORY_REG(Minimum)

REG_OP(Pow)
	.INPUT(x1, TensorType::NumberType())
	.INPUT(x2, TensorType::NumberType())
	.OUTPUT(y, TensorType::NumberType())
	.OP_END_FACTORY_REG(Pow)

REG_OP(AddN)
	.DYNAMIC_INPUT(x, TensorType::NumberType())
	.OUTPUT(y, TensorType::NumberType())
	.REQUIRED_ATTR(N, Int)
	.OP_END_FACTORY_REG(AddN)

REG_OP(Neg)
	.INPUT(x, TensorType::NumberType())
	.OUTPUT(y, TensorType::NumberType())
	.OP_END_FACTORY_REG(Neg)

REG_OP(Abs)
	.INPUT(x, TensorType::NumberType())
	.OUTPUT(y, TensorType::NumberType())
	.OP_END_FACTORY_REG(Abs)

REG_OP(Exp)
	.INPUT(x, TensorType::UnaryDataType())
	.OUTPUT(y, TensorType::UnaryDataType())
	.ATTR(base, Float, -1.0)
	.ATTR(scale, Float, 1.0)
	.ATTR(shift, Float, 0.0)
	.OP_END_FACTORY_REG(Exp)

REG_OP(Log)
	.INPUT(x, TensorType::UnaryDataType())
	.OUTPUT(y, TensorType::UnaryDataType())
	.ATTR(base, Float, -1.0)
	.ATTR(scale, Float, 1.0)
	.ATTR(shift, Float, 0.0)
	.OP_END_FACTORY_REG(Log)

REG_OP(Sqrt)
	.INPUT(x, TensorType::UnaryDataType())
	.OUTPUT(y, TensorType::UnaryDataType())
	.OP_END_FACTORY_REG(Sqrt)

REG_OP(Rsqrt)
	.INPUT(x, TensorType::UnaryDataType())
	.OUTPUT(y, TensorType::UnaryDataType())
	.OP_END_FACTORY_REG(Rsqrt)

REG_OP(Square)
	.INPUT(x, TensorType::NumberType())
	.OUTPUT(y, TensorType::NumberType())
	.OP_END_FACTORY_REG(Square)

REG_OP(Reciprocal)
	.INPUT(x, TensorType::NumberType())
	.OUTPUT(y, TensorType::NumberType())
	.OP_END_FACTORY_REG(Reciprocal)

REG_OP(Floor)
	.INPUT(x, TensorType::FloatingDataType())
	.OUTPUT(y, TensorType::FloatingDataType())
	.OP_END_FACTORY_REG(Floor)

REG_OP(Ceil)
	.INPUT(x, TensorType::FloatingDataType())
	.OUTPUT(y, TensorType::FloatingDataType())
	.OP_END_FACTORY_REG(Ceil)

REG_OP(Round)
	.INPUT(x, TensorType::NumberType())
	.OUTPUT(y, TensorType::NumberType())
	.OP_END_FACTORY_REG(Round)

REG_OP(Sign)
	.INPUT(x, TensorType::NumberType())
	.OUTPUT(y, TensorType::NumberType())
	.OP_END_FACTORY_REG(Sign)

REG_OP(Sin)
	.INPUT(x, TensorType::UnaryDataType())
	.OUTPUT(y, TensorType::UnaryDataType())
	.OP_END_FACTORY_REG(Sin)

REG_OP(Cos)
	.INPUT(x, TensorType::UnaryDataType())
	.OUTPUT(y, TensorType::UnaryDataType())
	.OP_END_FACTORY_REG(Cos)

REG_OP(Tan)
	.INPUT(x, TensorType::UnaryDataType())
	.OUTPUT(y, TensorType::UnaryDataType())
	.OP_END_FACTORY_REG(Tan)

REG_OP(Atan)
	.INPUT(x, TensorType::UnaryDataType())
	.OUTPUT(y, TensorType::UnaryDataType())
	.OP_END_FACTORY_REG(Atan)

REG_OP(Equal)
	.INPUT(x1, TensorType::BasicType())
	.INPUT(x2, TensorType::BasicType())
	.OUTPUT(y, TensorType({DT_BOOL}))
	.OP_END_FACTORY_REG(Equal)

REG_OP(NotEqual)
	.INPUT(x1, TensorType::RealNumberType())
	.INPUT(x2, TensorType::RealNumberType())
	.OUTPUT(y, TensorType({DT_BOOL}))
	.OP_END_FACTORY_REG(NotEqual)

REG_OP(Less)
	.INPUT(x1, TensorType::RealNumberType())
	.INPUT(x2, TensorType::RealNumberType())
	.OUTPUT(y, TensorType({DT_BOOL}))
	.OP_END_FACTORY_REG(Less)

REG_OP(LessEqual)
	.INPUT(x1, TensorType::RealNumberType())
	.INPUT(x2, TensorType::RealNumberType())
	.OUTPUT(y, TensorType({DT_BOOL}))
	.OP_END_FACTORY_REG(LessEqual)

REG_OP(Greater)
	.INPUT(x1, TensorType::RealNumberType())
	.INPUT(x2, TensorType::RealNumberType())
	.OUTPUT(y, TensorType({DT_BOOL}))
	.OP_END_FACTORY_REG(Greater)

REG_OP(GreaterEqual)
	.INPUT(x1, TensorType::RealNumberType())
	.INPUT(x2, TensorType::RealNumberType())
	.OUTPUT(y, TensorType({DT_BOOL}))
	.OP_END_FACTORY_REG(GreaterEqual)

REG_OP(LogicalAnd)
	.INPUT(x1, TensorType({DT_BOOL}))
	.INPUT(x2, TensorType({DT_BOOL}))
	.OUTPUT(y, TensorType({DT_BOOL}))
	.OP_END_FACTORY_REG(LogicalAnd)

REG_OP(LogicalOr)
	.INPUT(x1, TensorType({DT_BOOL}))
	.INPUT(x2, TensorType({DT_BOOL}))
	.OUTPUT(y, TensorType({DT_BOOL}))
	.OP_END_FACTORY_REG(LogicalOr)

REG_OP(LogicalNot)
	.INPUT(x, TensorType({DT_BOOL}))
	.OUTPUT(y, TensorType({DT_BOOL}))
	.OP_END_FACTORY_REG(LogicalNot)

REG_OP(Cast)
	.INPUT(x, TensorType::ALL())
	.OUTPUT(y, TensorType::ALL())
	.REQUIRED_ATTR(dst_type, Int)
	.OP_END_FACTORY_REG(Cast)

REG_OP(Muls)
	.INPUT(x, TensorType::NumberType())
	.OUTPUT(y, TensorType::NumberType())
	.REQUIRED_ATTR(value, Float)
	.OP_END_FACTORY_REG(Muls)

REG_OP(Adds)
	.INPUT(x, TensorType::NumberType())
	.OUTPUT(y, TensorType::NumberType())
	.REQUIRED_ATTR(value, Float)
	.OP_END_FACTORY_REG(Adds)

REG_OP(ClipByValue)
	.INPUT(x, TensorType::NumberType())
	.INPUT(clip_value_min, TensorType::NumberType())
	.INPUT(clip_value_max, TensorType::NumberType())
	.OUTPUT(y, TensorType::NumberType())
	.OP_END_FACTORY_REG(ClipByValue)

REG_OP(BiasAdd)
	.INPUT(x, TensorType::NumberType())
	.INPUT(bias, TensorType::NumberType())
	.OUTPUT(y, TensorType::NumberType())
	.ATTR(data_format, String, "NHWC")
	.OP_END_FACTORY_REG(BiasAdd)

REG_OP(ZerosLike)
	.INPUT(x, TensorType::BasicType())
	.OUTPUT(y, TensorType::BasicType())
	.OP_END_FACTORY_REG(ZerosLike)

REG_OP(OnesLike)
	.INPUT(x, TensorType::BasicType())
	.OUTPUT(y, TensorType::BasicType())
	.OP_END_FACTORY_REG(OnesLike)

REG_OP(ArgMaxV2)
	.INPUT(x, TensorType::NumberType())
	.INPUT(dimension, TensorType::IndexNumberType())
	.OUTPUT(y, TensorType({DT_INT32, DT_INT64}))
	.ATTR(dtype, Type, DT_INT64)
	.OP_END_FACTORY_REG(ArgMaxV2)

REG_OP(ArgMin)
	.INPUT(x, TensorType::NumberType())
	.INPUT(dimension, TensorType::IndexNumberType())
	.OUTPUT(y, TensorType({DT_INT32, DT_INT64}))
	.ATTR(dtype, Type, DT_INT64)
	.OP_END_FACTORY_REG(ArgMin)

REG_OP(ArgMaxD)
	.INPUT(x, TensorType::NumberType())
	.OUTPUT(y, TensorType({DT_INT32, DT_INT64}))
	.REQUIRED_ATTR(dimension, Int)
	.ATTR(dtype, Type, DT_INT64)
	.OP_END_FACTORY_REG(ArgMaxD)

REG_OP(ArgMinD)
	.INPUT(x, TensorType::NumberType())
	.OUTPUT(y, TensorType({DT_INT32, DT_INT64}))
	.REQUIRED_ATTR(dimension, Int)
	.ATTR(dtype, Type, DT_INT64)
	.OP_END_FACTORY_REG(ArgMinD)

/* clang-format on */
} /* namespace ge */
#endif /* WEIR_GE_OP_PROTO_ELEWISE_CALCULATION_OPS_H */
