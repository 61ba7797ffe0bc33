/*
 * ge_op_proto.cpp - GE's op-prototype headers as a GE program includes them
 * (every install-layout spelling), with GE's generated accessors and attr
 * defaults. Skipped (77) while graph/operator_reg.h is not in the tree.
 */
#if __has_include("graph/operator_reg.h")
#include <cmath>
#include <cstdio>
#include "all_ops.h"
#include "built-in/op_graph/inc/ops_proto_legacy.h"
#include "built-in/op_proto/inc/all_ops.h"
#include "op_proto/built-in/inc/all_ops.h"
#include "ops_proto_math.h"
#include "ops_proto_nn.h"

#define CHECK(c)                                                                     \
	do {                                                                         \
		if (!(c)) {                                                          \
			std::fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c); \
			return 1;                                                    \
		}                                                                    \
	} while (0)

int main()
{
	ge::op::LayerNorm ln("ln");
	CHECK(ln.get_attr_begin_norm_axis() == 0);
	CHECK(ln.get_attr_begin_params_axis() == 0);
	CHECK(std::fabs(ln.get_attr_epsilon() - 1e-7f) < 1e-12f);
	ge::op::MatMulV2 mm("mm");
	CHECK(!mm.get_attr_transpose_x1() && mm.get_attr_offset_x() == 0);
	ge::op::ConcatV2 cat("cat");
	cat.create_dynamic_input_x(2);
	CHECK(cat.get_attr_N() == 1);
	ge::op::Conv2D conv("conv");
	conv.set_attr_groups(2);
	CHECK(conv.get_attr_groups() == 2);
	ge::op::HardSigmoid hs("hs");
	CHECK(std::fabs(hs.get_attr_alpha() - 0.16666666f) < 1e-7f);
	ge::op::ReduceSum rs("rs");
	CHECK(!rs.get_attr_keep_dims() && rs.get_attr_noop_with_empty_axes());
	ge::op::TopKV2 tk("tk");
	CHECK(tk.get_attr_sorted() && tk.get_attr_dim() == -1 && tk.get_attr_largest());
	return 0;
}
#else
int main()
{
	return 77;
}
#endif
