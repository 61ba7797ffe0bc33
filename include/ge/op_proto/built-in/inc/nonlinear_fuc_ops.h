/*
 * nonlinear_fuc_ops.h - GE op prototypes: activations.
 * The ops weir lowers onto its op library (acl_compat/ge/lower_ge*.c), with
 * GE's op names, port order, attr names and defaults. Part of all_ops.h.
 */
#ifndef WEIR_GE_OP_PROTO_NONLINEAR_FUC_OPS_H
#define WEIR_GE_OP_PROTO_NONLINEAR_FUC_OPS_H

#include "graph/operator_reg.h"

namespace ge
{
/* GE's REG_OP layout: one clause a line. */
/* clang-format off */
REG_OP(Tanh)
	.INPUT(x, TensorType::UnaryDataType())
	.OUTPUT(y, TensorType::UnaryDataType())
	.OP_END_FACTORY_REG(Tanh)

REG_OP(Sigmoid)
	.INPUT(x, TensorType::UnaryDataType())
	.OUTPUT(y, TensorType::UnaryDataType())
	.OP_END_FACTORY_REG(Sigmoid)

REG_OP(Relu)
	.INPUT(x, TensorType::RealNumberType())
	.OUTPUT(y, TensorType::RealNumberType())
	.OP_END_FACTORY_REG(Relu)

REG_OP(Relu6)
	.INPUT(x, TensorType::RealNumberType())
	.OUTPUT(y, TensorType::RealNumberType())
	.OP_END_FACTORY_REG(Relu6)

REG_OP(LeakyRelu)
	.INPUT(x, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.ATTR(negative_slope, Float, 0.0)
	.OUTPUT(y, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.OP_END_FACTORY_REG(LeakyRelu)

REG_OP(Elu)
	.INPUT(x, TensorType::FloatingDataType())
	.OUTPUT(y, TensorType::FloatingDataType())
	.ATTR(alpha, Float, 1.0)
	.ATTR(scale, Float, 1.0)
	.ATTR(input_scale, Float, 1.0)
	.OP_END_FACTORY_REG(Elu)

REG_OP(Gelu)
	.INPUT(x, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.OUTPUT(y, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.OP_END_FACTORY_REG(Gelu)

REG_OP(Swish)
	.INPUT(x, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.OUTPUT(y, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.ATTR(scale, Float, 1.0)
	.OP_END_FACTORY_REG(Swish)

REG_OP(Softplus)
	.INPUT(x, TensorType::FloatingDataType())
	.OUTPUT(y, TensorType::FloatingDataType())
	.OP_END_FACTORY_REG(Softplus)

REG_OP(SoftplusV2)
	.INPUT(x, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.OUTPUT(y, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.ATTR(beta, Float, 1.0)
	.ATTR(threshold, Float, 20.0)
	.OP_END_FACTORY_REG(SoftplusV2)

REG_OP(Softsign)
	.INPUT(x, TensorType::FloatingDataType())
	.OUTPUT(y, TensorType::FloatingDataType())
	.OP_END_FACTORY_REG(Softsign)

REG_OP(Mish)
	.INPUT(x, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.OUTPUT(y, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.OP_END_FACTORY_REG(Mish)

REG_OP(HardSwish)
	.INPUT(x, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.OUTPUT(y, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.OP_END_FACTORY_REG(HardSwish)

REG_OP(HardSigmoid)
	.INPUT(input_x, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.OUTPUT(output_y, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.ATTR(alpha, Float, 0.16666666)
	.ATTR(beta, Float, 0.5)
	.OP_END_FACTORY_REG(HardSigmoid)

REG_OP(PRelu)
	.INPUT(x, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.INPUT(weight, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.OUTPUT(y, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.OP_END_FACTORY_REG(PRelu)

/* clang-format on */
} /* namespace ge */
#endif /* WEIR_GE_OP_PROTO_NONLINEAR_FUC_OPS_H */
