/*
 * experiment_ops.h - GE op prototypes: newer fused ops.
 * The ops weir lowers onto its op library (acl_compat/ge/lower_ge*.c), with
 * GE's op names, port order, attr names and defaults. Part of all_ops.h.
 */
#ifndef WEIR_GE_OP_PROTO_EXPERIMENT_OPS_H
#define WEIR_GE_OP_PROTO_EXPERIMENT_OPS_H

#include "graph/operator_reg.h"

namespace ge
{
/* GE's REG_OP layout: one clause a line. */
/* clang-format off */
REG_OP(RmsNorm)
	.INPUT(x, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.INPUT(gamma, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.OUTPUT(y, TensorType({DT_FLOAT, DT_FLOAT16, DT_BF16}))
	.OUTPUT(rstd, TensorType({DT_FLOAT}))
	.ATTR(epsilon, Float, 1e-6f)
	.OP_END_FACTORY_REG(RmsNorm)

/* clang-format on */
} /* namespace ge */
#endif /* WEIR_GE_OP_PROTO_EXPERIMENT_OPS_H */
