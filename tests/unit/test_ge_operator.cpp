/*
 * test_ge_operator.cpp - ge::Operator, REG_OP (every clause kind),
 * OperatorFactory, AttrValue: shared-handle semantics, port naming of
 * dynamic inputs/outputs, SetInput linking (by name, output name, index)
 * and the consumers/control links the graph converter walks, attribute
 * round trips and defaults, and one REG_OP declared in two translation
 * units (ge_reg/second_tu.cpp).
 */
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <csetjmp>
#include <string>
#include <vector>

extern "C" {
#include <cmocka.h>
}

#include "ge_reg/test_ops.h"
#include "graph/attr_value.h"

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

using ge::detail::ImplOf;

namespace ge
{
int g_infer_calls = 0;
IMPLEMT_INFERFUNC(WeirTestSrc, WeirTestSrcInfer)
{
	(void)op;
	++g_infer_calls;
	return GRAPH_SUCCESS;
}
} // namespace ge
using ge::g_infer_calls;

namespace
{

void test_handle_and_names(void **)
{
	ge::Operator a("a", "Foo");
	ge::Operator b = a;
	ge::AscendString n, t;
	assert_int_equal(b.GetName(n), ge::GRAPH_SUCCESS);
	assert_int_equal(b.GetOpType(t), ge::GRAPH_SUCCESS);
	assert_string_equal(n.GetString(), "a");
	assert_string_equal(t.GetString(), "Foo");
	assert_true(b.GetName() == "a");
	b.SetAttr("k", static_cast<int64_t>(3));
	int64_t v = 0;
	assert_int_equal(a.GetAttr("k", v), ge::GRAPH_SUCCESS); /* same node */
	assert_int_equal(v, 3);
	assert_ptr_equal(ImplOf(a).get(), ImplOf(b).get());
	ge::Operator e;
	assert_true(e.IsEmpty());
	assert_int_equal(e.GetName(n), ge::GRAPH_FAILED);
	assert_int_equal(e.GetInputsSize(), 0);
	ge::Operator s(std::string("s"), std::string("Bar"));
	assert_true(s.GetOpType() == "Bar");
	ge::Operator c(ge::AscendString("c"), ge::AscendString("Baz"));
	assert_true(c.GetOpType() == "Baz");
	ge::Operator d("TypeOnly");
	assert_true(d.GetOpType() == "TypeOnly");
}

void test_reg_op_ports(void **)
{
	ge::op::WeirTestOp op("t");
	const auto &im = ImplOf(op);
	/* x, bias; no dynamic instances yet */
	assert_int_equal(op.GetInputsSize(), 2);
	assert_string_equal(im->inputs[0].name.c_str(), "x");
	assert_string_equal(im->inputs[1].name.c_str(), "bias");
	assert_true(im->inputs[1].kind == ge::detail::InKind::kOptional);
	assert_int_equal(im->ir_inputs.size(), 3);
	assert_string_equal(im->ir_inputs[0].dtype_sym.c_str(),
	                    "TensorType({ DT_FLOAT, DT_FLOAT16 })");
	assert_string_equal(im->ir_inputs[2].dtype_sym.c_str(), "\"T\"");
	op.create_dynamic_input_xs(2);
	assert_int_equal(op.GetInputsSize(), 4);
	assert_string_equal(im->inputs[2].name.c_str(), "xs0");
	assert_string_equal(im->inputs[3].name.c_str(), "xs1");
	assert_int_equal(op.GetDynamicInputNum("xs"), 2);
	op.create_dynamic_input_xs(1); /* appended after xs1 */
	assert_string_equal(im->inputs[4].name.c_str(), "xs2");
	op.create_dynamic_input_byindex_xs(1, 0); /* at the front, renumbered */
	assert_string_equal(im->inputs[0].name.c_str(), "xs0");
	assert_string_equal(im->inputs[3].name.c_str(), "xs1");
	assert_string_equal(im->inputs[5].name.c_str(), "xs3");
	op.create_dynamic_input_xs(1, false);
	assert_string_equal(im->inputs[0].name.c_str(), "xs0");
	assert_int_equal(op.GetDynamicInputNum("xs"), 5);
	/* outputs: y, then ys0.. */
	assert_int_equal(op.GetOutputsSize(), 1);
	op.create_dynamic_output_ys(2);
	assert_int_equal(op.GetOutputsSize(), 3);
	assert_string_equal(im->outputs[1].name.c_str(), "ys0");
	assert_string_equal(im->outputs[2].name.c_str(), "ys1");
	assert_true(im->outputs[2].dynamic);
	assert_int_equal(op.GetDynamicOutputNum("ys"), 2);
	/* names */
	ge::AscendString nm;
	op.name_in_x(nm);
	assert_string_equal(nm.GetString(), "x");
	assert_true(ge::op::WeirTestOp::name_out_y() == "y");
	assert_true(ge::op::WeirTestOp::name_attr_alpha() == "alpha");
	ge::op::WeirTestOp::name_graph_body(nm);
	assert_string_equal(nm.GetString(), "body");
	/* descs */
	ge::TensorDesc d(ge::Shape({ 2, 3 }), ge::FORMAT_NCHW, ge::DT_FLOAT16);
	assert_int_equal(op.update_input_desc_x(d), ge::GRAPH_SUCCESS);
	assert_int_equal(op.get_input_desc_x().GetDataType(), ge::DT_FLOAT16);
	assert_int_equal(op.GetInputDesc(op.GetInputsSize() - 1).GetDataType(), ge::DT_FLOAT);
	assert_int_equal(op.update_dynamic_input_desc_xs(1, d), ge::GRAPH_SUCCESS);
	assert_int_equal(op.get_dynamic_input_desc_xs(1).GetFormat(), ge::FORMAT_NCHW);
	assert_int_equal(op.update_output_desc_y(d), ge::GRAPH_SUCCESS);
	assert_int_equal(op.get_output_desc_y().GetShape().GetDim(1), 3);
	assert_int_equal(op.GetOutputDesc(0).GetShape().GetDim(0), 2);
	assert_int_equal(op.update_dynamic_output_desc_ys(1, d), ge::GRAPH_SUCCESS);
	assert_int_equal(op.get_dynamic_output_desc_ys(1).GetDataType(), ge::DT_FLOAT16);
	assert_int_equal(op.UpdateInputDesc("nope", d), ge::GRAPH_FAILED);
	ge::TensorDesc got;
	assert_int_equal(op.TryGetInputDesc("nope", got), ge::GRAPH_FAILED);
	assert_int_equal(op.TryGetInputDesc("x", got), ge::GRAPH_SUCCESS);
	/* datatype rules and subgraphs */
	assert_int_equal(im->dtype_rules.size(), 3);
	assert_true(im->dtype_rules[1].list);
	assert_int_equal(im->dtype_rules[2].promote.size(), 2);
	assert_int_equal(op.GetSubgraphNamesCount(), 2);
	op.create_dynamic_subgraph_branches(2);
	op.set_dynamic_subgraph_builder_branches(1, []() { return ge::Graph("b1"); });
	assert_true(op.get_dynamic_subgraph_builder_branches(1) != nullptr);
	assert_true(op.get_dynamic_subgraph_builder_branches(0) == nullptr);
	assert_string_equal(op.get_dynamic_subgraph_branches(1).GetName().c_str(), "b1");
	op.set_subgraph_builder_body([]() { return ge::Graph("body"); });
	assert_string_equal(op.get_subgraph_body().GetName().c_str(), "body");
	assert_true(op.get_subgraph_builder_body() != nullptr);
}

void test_reg_op_attrs(void **)
{
	ge::op::WeirTestOp op("t");
	/* defaults registered by ATTR */
	assert_true(op.get_attr_alpha() == 0.5f);
	assert_true(op.get_attr_flag());
	assert_true(op.get_attr_axes() == std::vector<int64_t>({ 1, 2 }));
	ge::AscendString s;
	assert_int_equal(op.get_attr_fmt(s), ge::GRAPH_SUCCESS);
	assert_string_equal(s.GetString(), "NHWC");
	assert_true(op.get_attr_fmt() == "NHWC");
	std::vector<ge::AscendString> names;
	assert_int_equal(op.get_attr_names(names), ge::GRAPH_SUCCESS);
	assert_int_equal(names.size(), 2);
	assert_int_equal(op.get_attr_dt(), ge::DT_INT32);
	assert_true(op.get_attr_lli() == std::vector<std::vector<int64_t>>({ { 1 }, { 2, 3 } }));
	assert_true(op.get_attr_lt() == std::vector<ge::DataType>({ ge::DT_FLOAT }));
	assert_int_equal(op.get_attr_as(s), ge::GRAPH_SUCCESS);
	assert_string_equal(s.GetString(), "asc");
	/* required attrs: unset until set */
	assert_int_equal(op.VerifyAllAttr(), ge::GRAPH_FAILED);
	assert_int_equal(op.get_attr_mode(s), ge::GRAPH_FAILED);
	op.set_attr_n(4).set_attr_mode("fast").set_attr_alpha(2.0f).set_attr_fmt("NCHW");
	assert_int_equal(op.get_attr_n(), 4);
	assert_int_equal(op.get_attr_mode(s), ge::GRAPH_SUCCESS);
	assert_string_equal(s.GetString(), "fast");
	assert_int_equal(op.VerifyAllAttr(), ge::GRAPH_SUCCESS);
	assert_true(op.get_attr_alpha() == 2.0f);
	assert_true(op.get_attr_fmt() == "NCHW");
	op.set_attr_alpha([]() { return 9.0f; }); /* GE: a no-op */
	assert_true(op.get_attr_alpha() == 2.0f);
	const auto &im = ImplOf(op);
	assert_int_equal(im->required_attrs.size(), 2);
	assert_string_equal(im->required_attr_types.at("mode").c_str(), "String");
	assert_string_equal(im->attr_order[0].c_str(), "alpha"); /* first registered */
	std::map<ge::AscendString, ge::AscendString> types;
	assert_int_equal(op.GetAllAttrNamesAndTypes(types), ge::GRAPH_SUCCESS);
	assert_string_equal(types[ge::AscendString("axes")].GetString(), "VT_LIST_INT");
}

void test_operator_attrs(void **)
{
	ge::Operator op("o", "Foo");
	int32_t i32 = 0;
	uint32_t u32 = 0;
	op.SetAttr("i", -5);
	assert_int_equal(op.GetAttr("i", i32), ge::GRAPH_SUCCESS);
	assert_int_equal(i32, -5);
	op.SetAttr("u", 7u);
	assert_int_equal(op.GetAttr("u", u32), ge::GRAPH_SUCCESS);
	assert_int_equal(u32, 7);
	op.SetAttr("li", { 1, 2, 3 });
	std::vector<int32_t> li;
	assert_int_equal(op.GetAttr("li", li), ge::GRAPH_SUCCESS);
	assert_true(li == std::vector<int32_t>({ 1, 2, 3 }));
	op.SetAttr("f", 1.5f);
	float f = 0;
	assert_int_equal(op.GetAttr("f", f), ge::GRAPH_SUCCESS);
	assert_true(f == 1.5f);
	assert_int_equal(op.GetAttr("f", i32), ge::GRAPH_FAILED); /* wrong type */
	assert_int_equal(op.GetAttr("missing", f), ge::GRAPH_FAILED);
	op.SetAttr("s", "str");
	ge::AscendString as;
	std::string ss;
	assert_int_equal(op.GetAttr("s", as), ge::GRAPH_SUCCESS);
	assert_int_equal(op.GetAttr(std::string("s"), ss), ge::GRAPH_SUCCESS);
	assert_string_equal(ss.c_str(), "str");
	op.SetAttr("b", true);
	bool b = false;
	assert_int_equal(op.GetAttr("b", b), ge::GRAPH_SUCCESS);
	assert_true(b);
	op.SetAttr("lb", std::vector<bool>{ true, false });
	std::vector<bool> lb;
	assert_int_equal(op.GetAttr("lb", lb), ge::GRAPH_SUCCESS);
	assert_int_equal(lb.size(), 2);
	ge::Tensor t(ge::TensorDesc(ge::Shape({ 1 })), std::vector<uint8_t>{ 1, 2, 3, 4 });
	op.SetAttr("t", t);
	ge::Tensor t2;
	assert_int_equal(op.GetAttr("t", t2), ge::GRAPH_SUCCESS);
	assert_int_equal(t2.GetSize(), 4);
	op.SetAttr("lt", std::vector<ge::Tensor>{ t, t });
	std::vector<ge::Tensor> lt;
	assert_int_equal(op.GetAttr("lt", lt), ge::GRAPH_SUCCESS);
	assert_int_equal(lt.size(), 2);
	op.SetAttr("by", ge::Operator::OpBytes{ 9, 8 });
	ge::Operator::OpBytes by;
	assert_int_equal(op.GetAttr("by", by), ge::GRAPH_SUCCESS);
	assert_int_equal(by[1], 8);
	op.SetAttr("dt", ge::DT_INT8);
	ge::DataType dt = ge::DT_FLOAT;
	assert_int_equal(op.GetAttr("dt", dt), ge::GRAPH_SUCCESS);
	assert_int_equal(dt, ge::DT_INT8);
	op.SetAttr("ldt", std::vector<ge::DataType>{ ge::DT_INT8 });
	std::vector<ge::DataType> ldt;
	assert_int_equal(op.GetAttr("ldt", ldt), ge::GRAPH_SUCCESS);
	op.SetAttr("lls", std::vector<std::string>{ "p", "q" });
	std::vector<ge::AscendString> las;
	assert_int_equal(op.GetAttr("lls", las), ge::GRAPH_SUCCESS);
	assert_string_equal(las[1].GetString(), "q");
	ge::NamedAttrs na;
	na.SetName("fn");
	ge::AttrValue av;
	av.SetValue(static_cast<int64_t>(11));
	na.SetAttr("k", av);
	op.SetAttr("na", na);
	ge::NamedAttrs na2;
	assert_int_equal(op.GetAttr("na", na2), ge::GRAPH_SUCCESS);
	assert_true(na2.GetName() == "fn");
	assert_true(na2.GetItem("k") == av);
	op.SetAttr("av", ge::AttrValue(av));
	ge::AttrValue av2;
	assert_int_equal(op.GetAttr("av", av2), ge::GRAPH_SUCCESS);
	int64_t iv = 0;
	assert_int_equal(av2.GetValue(iv), ge::GRAPH_SUCCESS);
	assert_int_equal(iv, 11);
	int32_t iv32 = 0;
	assert_int_equal((av2.GetValue<ge::AttrValue::INT, int32_t>(iv32)), ge::GRAPH_SUCCESS);
	assert_int_equal(iv32, 11);
	op.SetAttr("lli", std::vector<std::vector<int64_t>>{ { 1, 2 } });
	std::vector<std::vector<int64_t>> lli;
	assert_int_equal(op.GetAttr("lli", lli), ge::GRAPH_SUCCESS);
	assert_int_equal(lli[0][1], 2);
}

void test_links(void **)
{
	ge::op::WeirTestSrc src("src");
	ge::op::WeirTestOp dst("dst");
	dst.create_dynamic_input_xs(2);
	dst.set_input_x(src);                     /* output 0 */
	dst.set_input_bias_by_name(src, "z");     /* output by name -> index 1 */
	dst.set_dynamic_input_xs(0, src, "nope"); /* unknown output: kept by name */
	dst.set_dynamic_input_xs(1, src);
	const auto &im = ImplOf(dst);
	assert_ptr_equal(im->inputs[0].src.get(), ImplOf(src).get());
	assert_int_equal(im->inputs[0].src_index, 0);
	assert_string_equal(im->inputs[0].src_out_name.c_str(), "y");
	assert_int_equal(im->inputs[1].src_index, 1);
	assert_int_equal(im->inputs[2].src_index, -1);
	assert_string_equal(im->inputs[2].src_out_name.c_str(), "nope");
	assert_int_equal(im->inputs[3].src_index, 0);
	/* one consumer entry per consuming node */
	assert_int_equal(ImplOf(src)->consumers.size(), 1);
	assert_ptr_equal(ImplOf(src)->consumers[0].lock().get(), im.get());
	/* by index */
	ge::op::WeirTestOp d2("d2");
	d2.set_input_x(src, 1u);
	assert_int_equal(ImplOf(d2)->inputs[0].src_index, 1);
	d2.SetInput(1u, src, 0u);
	assert_ptr_equal(ImplOf(d2)->inputs[1].src.get(), ImplOf(src).get());
	d2.SetInput("x", src, "y");
	assert_int_equal(ImplOf(d2)->inputs[0].src_index, 0);
	assert_int_equal(ImplOf(src)->consumers.size(), 2);
	/* errors are recorded, not fatal */
	d2.SetInput("nope", src);
	d2.SetInput(99u, src, 0u);
	assert_int_equal(ImplOf(d2)->errors.size(), 2);
	/* control edges */
	d2.AddControlInput(dst);
	d2.AddControlInput(dst);
	assert_int_equal(ImplOf(d2)->control_inputs.size(), 1);
	assert_ptr_equal(im->control_outputs[0].lock().get(), ImplOf(d2).get());
	/* const data through a Const producer */
	ge::Operator c("c", "Const");
	ge::Tensor v(ge::TensorDesc(ge::Shape({ 1 }), ge::FORMAT_ND, ge::DT_INT32),
	             std::vector<uint8_t>(4, 7));
	c.SetAttr("value", v);
	ge::op::WeirTestOp d3("d3");
	d3.set_input_x(c);
	ge::Tensor got;
	assert_int_equal(d3.GetInputConstData("x", got), ge::GRAPH_SUCCESS);
	assert_int_equal(got.GetData()[0], 7);
	assert_int_equal(d3.GetInputConstData("bias", got), ge::GRAPH_FAILED);
	/* the producer lives as long as a consumer does */
	std::weak_ptr<ge::detail::OpImpl> w;
	{
		ge::op::WeirTestSrc tmp("tmp");
		w = ImplOf(tmp);
		d3.set_input_bias(tmp);
	}
	assert_false(w.expired());
	d3.BreakConnect();
	assert_true(w.expired());
}

void test_factory(void **)
{
	assert_true(ge::OperatorFactory::IsExistOp("WeirTestOp"));
	assert_true(ge::OperatorFactory::IsExistOp("WeirTestSrc"));
	assert_false(ge::OperatorFactory::IsExistOp("NoSuchOp"));
	ge::Operator op = ge::OperatorFactory::CreateOperator("made", "WeirTestOp");
	assert_false(op.IsEmpty());
	assert_true(op.GetOpType() == "WeirTestOp");
	assert_true(op.GetName() == "made");
	assert_int_equal(op.GetInputsSize(), 2); /* the REG_OP chain ran */
	float f = 0;
	assert_int_equal(op.GetAttr("alpha", f), ge::GRAPH_SUCCESS);
	assert_true(ge::OperatorFactory::CreateOperator("x", "NoSuchOp").IsEmpty());
	std::vector<ge::AscendString> all;
	assert_int_equal(ge::OperatorFactory::GetOpsTypeList(all), ge::GRAPH_SUCCESS);
	size_t hits = 0;
	for (const auto &t : all)
		hits += std::string(t.GetString()) == "WeirTestOp";
	assert_int_equal(hits, 1);
	/* the second translation unit's op is the same class */
	ge::Operator o2 = WeirSecondTuOp();
	int64_t n = 0;
	assert_int_equal(o2.GetAttr("n", n), ge::GRAPH_SUCCESS);
	assert_int_equal(n, 7);
	/* infer functions: registered ones run, others succeed */
	ge::op::WeirTestSrc s("s");
	assert_int_equal(s.InferShapeAndType(), ge::GRAPH_SUCCESS);
	assert_int_equal(g_infer_calls, 1);
	assert_int_equal(op.InferShapeAndType(), ge::GRAPH_SUCCESS);
}

} // namespace

namespace ge
{
INFER_FUNC_REG(WeirTestSrc, WeirTestSrcInfer);
COMMON_INFER_FUNC_REG(WeirTestOp, ELMTWISE_INFER_SHAPEANDTYPE("x", "y"));
INFER_VALUE_RANGE_DEFAULT_REG(WeirTestOp);
} // namespace ge

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handle_and_names),
		cmocka_unit_test(test_reg_op_ports),
		cmocka_unit_test(test_reg_op_attrs),
		cmocka_unit_test(test_operator_attrs),
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_factory),
	};
	return cmocka_run_group_tests(tests, nullptr, nullptr);
}
