/*
 * ge_reg/test_ops.h - a REG_OP prototype using every clause kind, included
 * by test_ge_operator.cpp and by ge_reg/second_tu.cpp (linked into the same
 * executable): one op declared in two translation units must link and
 * register once.
 */
#ifndef WEIR_TEST_GE_REG_TEST_OPS_H
#define WEIR_TEST_GE_REG_TEST_OPS_H

#include "graph/operator_reg.h"

namespace ge
{
REG_OP(WeirTestOp)
        .INPUT(x, TensorType({ DT_FLOAT, DT_FLOAT16 }))
        .OPTIONAL_INPUT(bias, TensorType::NumberType())
        .DYNAMIC_INPUT(xs, "T")
        .OUTPUT(y, TensorType({ NumberType(), DT_VARIANT }))
        .DYNAMIC_OUTPUT(ys, TensorType::ALL())
        .REQUIRED_ATTR(n, Int)
        .REQUIRED_ATTR(mode, String)
        .ATTR(alpha, Float, 0.5)
        .ATTR(flag, Bool, true)
        .ATTR(axes, ListInt, { 1, 2 })
        .ATTR(fmt, String, "NHWC")
        .ATTR(names, ListString, { "a", "b" })
        .ATTR(dt, Type, DT_INT32)
        .ATTR(value, Tensor, Tensor())
        .ATTR(blob, Bytes, {})
        .ATTR(lli, ListListInt, { { 1 }, { 2, 3 } })
        .ATTR(lt, ListType, { DT_FLOAT })
        .ATTR(fn, NamedAttrs, NamedAttrs())
        .ATTR(as, AscendString, "asc")
        .DATATYPE(T, TensorType({ DT_FLOAT, DT_INT32 }))
        .DATATYPE(TL, ListTensorType(TensorType::ALL()))
        .DATATYPE(TP, Promote({ "T", "TL" }))
        .GRAPH(body)
        .DYNAMIC_GRAPH(branches)
        .OP_END_FACTORY_REG(WeirTestOp)

                REG_OP(WeirTestSrc)
        .OUTPUT(y, TensorType::ALL())
        .OUTPUT(z, TensorType::ALL())
        .OP_END_FACTORY_REG(WeirTestSrc)
} // namespace ge

/* Defined in second_tu.cpp: builds a WeirTestOp there. */
ge::Operator WeirSecondTuOp();

#endif
