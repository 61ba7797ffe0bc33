/* ge_reg/second_tu.cpp - the second translation unit of unit_test_ge_operator. */
#include "test_ops.h"

ge::Operator WeirSecondTuOp()
{
	ge::op::WeirTestOp op("tu2");
	op.set_attr_n(7);
	return op;
}
