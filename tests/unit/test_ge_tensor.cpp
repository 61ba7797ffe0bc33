/*
 * test_ge_tensor.cpp - ge::Shape, ge::TensorDesc, ge::Tensor (graph/tensor.h)
 * and graph/types.h: shape-size rules, every TensorDesc accessor, Tensor's
 * shared-handle semantics, every constructor and SetData overload (copies
 * vs adopted buffers and their deleters), ResetData, Clone independence,
 * IsValid, GetSizeByDataType, TensorType/Promote.
 */
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <csetjmp>
#include <cstring>
#include <string>
#include <vector>

extern "C" {
#include <cmocka.h>
}

#include "graph/tensor.h"
#include "graph/types.h"
#include "ge/ge_api_types.h"
#include "ge/ge_api_error_codes.h"

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

namespace
{

void test_types(void **)
{
	assert_int_equal(ge::GetSizeByDataType(ge::DT_FLOAT), 4);
	assert_int_equal(ge::GetSizeByDataType(ge::DT_COMPLEX128), 16);
	assert_int_equal(ge::GetSizeByDataType(ge::DT_STRING), -1);
	assert_int_equal(ge::GetSizeByDataType(ge::DT_UNDEFINED), -1);
	assert_int_equal(ge::GetSizeByDataType(static_cast<ge::DataType>(5)), -1);
	assert_int_equal(ge::GetSizeByDataType(ge::DT_MAX), -1);
	assert_int_equal(ge::GetSizeByDataType(ge::DT_INT4), 1004);
	assert_int_equal(ge::GetSizeInBytes(3, ge::DT_INT4), 2);
	assert_int_equal(ge::FORMAT_HWCN, 16);
	assert_int_equal(ge::FORMAT_NDHWC, 27);
	assert_int_equal(ge::FORMAT_NCL, 47);
	assert_int_equal(ge::FORMAT_END, 55);
	assert_string_equal(ge::GetFormatName(ge::FORMAT_FRACTAL_NZ), "FRACTAL_NZ");
	assert_int_equal(ge::kPlacementDevice, 1);
	assert_int_equal(ge::TensorType::ALL().tensor_type_impl_->dt_vec.size(), 23);
	assert_int_equal(ge::TensorType::IndexNumberType().tensor_type_impl_->dt_vec[1],
	                 ge::DT_INT64);
	ge::TensorType one(ge::DT_BOOL);
	assert_int_equal(one.tensor_type_impl_->dt_vec.size(), 1);
	ge::ListTensorType lt(ge::TensorType::FLOAT());
	assert_int_equal(lt.tensor_type.tensor_type_impl_->dt_vec.size(), 3);
	ge::Promote p({ "T1", "T2" });
	ge::Promote q(std::move(p));
	assert_string_equal(q.Syms()[1], "T2");
	assert_int_equal(ge::END_OF_SEQUENCE, 1343225863u);
	assert_int_equal(ge::GRAPH_PARAM_INVALID, 50331649u);
	assert_string_equal(ge::ir_option::SOC_VERSION, "ge.socVersion");
	ge::RunAsyncCallback cb = [](ge::Status, std::vector<ge::Tensor> &) {};
	assert_true(static_cast<bool>(cb));
}

void test_shape(void **)
{
	ge::Shape s({ 2, 3, 4 });
	assert_int_equal(s.GetDimNum(), 3);
	assert_int_equal(s.GetShapeSize(), 24);
	assert_int_equal(s.GetDim(1), 3);
	assert_int_equal(s.GetDim(9), 0);
	assert_int_equal(s.SetDim(1, 5), ge::GRAPH_SUCCESS);
	assert_int_equal(s.SetDim(3, 5), ge::GRAPH_FAILED);
	assert_true(s.GetDims() == std::vector<int64_t>({ 2, 5, 4 }));
	assert_int_equal(ge::Shape().GetShapeSize(), 0); /* scalar */
	assert_int_equal(ge::Shape({ 2, 0 }).GetShapeSize(), 0);
	assert_int_equal(ge::Shape({ 2, -1 }).GetShapeSize(), -1);
	assert_int_equal(ge::Shape({ -2 }).GetShapeSize(), -1);
	assert_int_equal(ge::Shape({ -2 }).GetDimNum(), 0);
	assert_int_equal(ge::Shape({ INT64_MAX, 2 }).GetShapeSize(), 0); /* overflow */
	ge::Shape c = s;
	c.SetDim(0, 9);
	assert_int_equal(s.GetDim(0), 2); /* value semantics */
}

void test_desc(void **)
{
	ge::TensorDesc d(ge::Shape({ 1, 2 }), ge::FORMAT_NHWC, ge::DT_INT8);
	assert_int_equal(d.GetFormat(), ge::FORMAT_NHWC);
	assert_int_equal(d.GetOriginFormat(), ge::FORMAT_NHWC);
	assert_int_equal(d.GetDataType(), ge::DT_INT8);
	assert_int_equal(d.GetOriginShape().GetDim(1), 2);
	ge::TensorDesc def;
	assert_int_equal(def.GetFormat(), ge::FORMAT_ND);
	assert_int_equal(def.GetDataType(), ge::DT_FLOAT);
	d.Update(ge::Shape({ 3 }));
	assert_int_equal(d.GetFormat(), ge::FORMAT_ND);
	assert_int_equal(d.GetDataType(), ge::DT_FLOAT);
	assert_int_equal(d.GetShape().GetDim(0), 3);
	d.SetShape(ge::Shape({ 4, 4 }));
	d.SetFormat(ge::FORMAT_NCHW);
	d.SetOriginShape(ge::Shape({ 16 }));
	d.SetOriginFormat(ge::FORMAT_ND);
	d.SetDataType(ge::DT_FLOAT16);
	d.SetName("in0");
	d.SetSize(64);
	d.SetPlacement(ge::kPlacementDevice);
	assert_int_equal(d.GetRealDimCnt(), 2);
	d.SetRealDimCnt(1);
	assert_int_equal(d.GetRealDimCnt(), 1);
	ge::AscendString n;
	assert_int_equal(d.GetName(n), ge::GRAPH_SUCCESS);
	assert_string_equal(n.GetString(), "in0");
	d.SetName(std::string("in1"));
	assert_string_equal(d.GetName().c_str(), "in1");
	assert_int_equal(d.GetSize(), 64);
	assert_int_equal(d.GetPlacement(), ge::kPlacementDevice);
	assert_int_equal(d.GetOriginShape().GetDim(0), 16);
	std::vector<std::pair<int64_t, int64_t>> r{ { 1, 8 } }, r2;
	assert_int_equal(d.SetShapeRange(r), ge::GRAPH_SUCCESS);
	assert_int_equal(d.GetShapeRange(r2), ge::GRAPH_SUCCESS);
	assert_int_equal(r2[0].second, 8);
	std::unique_ptr<uint8_t[]> cd(new uint8_t[2]{ 5, 6 });
	d.SetConstData(std::move(cd), 2);
	uint8_t *p = nullptr;
	size_t len = 0;
	assert_true(d.GetConstData(&p, len));
	assert_int_equal(len, 2);
	assert_int_equal(p[1], 6);
	ge::TensorDesc copy(d);
	copy.SetDataType(ge::DT_INT64);
	assert_int_equal(d.GetDataType(), ge::DT_FLOAT16); /* copies are independent */
	ge::TensorDesc moved(std::move(copy));
	assert_int_equal(moved.GetDataType(), ge::DT_INT64);
	assert_int_equal(d.SetUnknownDimNumShape(), ge::GRAPH_SUCCESS);
	assert_int_equal(d.GetShape().GetDims()[0], -2);
}

int g_deleted = 0;
void CountingDelete(uint8_t *p)
{
	++g_deleted;
	delete[] p;
}

void test_tensor_data(void **)
{
	ge::TensorDesc d(ge::Shape({ 2 }), ge::FORMAT_ND, ge::DT_INT16);
	uint8_t bytes[4] = { 1, 2, 3, 4 };
	ge::Tensor t(d, bytes, 4);
	bytes[0] = 99; /* the tensor copied */
	assert_int_equal(t.GetData()[0], 1);
	assert_int_equal(t.GetSize(), 4);
	assert_int_equal(t.IsValid(), ge::GRAPH_SUCCESS);
	ge::Tensor shared = t; /* shared handle */
	shared.GetData()[1] = 42;
	assert_int_equal(t.GetData()[1], 42);
	shared.SetData(std::vector<uint8_t>{ 7, 7 });
	assert_int_equal(t.GetSize(), 2);
	assert_int_equal(t.IsValid(), ge::GRAPH_FAILED); /* 2 bytes for 2 x int16 */
	ge::Tensor c = t.Clone();
	c.GetData()[0] = 1;
	c.SetDataType(ge::DT_INT8);
	assert_int_equal(t.GetData()[0], 7);
	assert_int_equal(t.GetDataType(), ge::DT_INT16);
	assert_int_equal(c.IsValid(), ge::GRAPH_SUCCESS);
	std::vector<uint8_t> v{ 1, 2, 3, 4 };
	ge::Tensor tv(d, v);
	v[0] = 0;
	assert_int_equal(tv.GetData()[0], 1);
	ge::Tensor mv(ge::TensorDesc(d), std::vector<uint8_t>{ 9, 9, 9, 9 });
	assert_int_equal(mv.GetSize(), 4);
	ge::Tensor e(d);
	assert_null(e.GetData());
	assert_int_equal(e.GetSize(), 0);
	assert_int_equal(e.SetData(v), ge::GRAPH_SUCCESS);
	assert_int_equal(e.GetData()[1], 2);
	assert_int_equal(e.SetData(bytes, 2), ge::GRAPH_SUCCESS);
	assert_int_equal(e.GetData()[0], 99);
	assert_int_equal(e.SetData(nullptr, 3), ge::GRAPH_FAILED);
	/* adopted buffer: freed once, by its deleter, when the last handle goes */
	g_deleted = 0;
	{
		ge::Tensor a(d);
		assert_int_equal(a.SetData(new uint8_t[4]{ 1, 1, 1, 1 }, 4, CountingDelete),
		                 ge::GRAPH_SUCCESS);
		ge::Tensor b = a;
		a.SetData(std::vector<uint8_t>{ 0 }); /* a and b share one impl */
		assert_int_equal(g_deleted, 1);
		assert_int_equal(b.ResetData(new uint8_t[1], 1, CountingDelete), ge::GRAPH_SUCCESS);
	}
	assert_int_equal(g_deleted, 2);
	/* ResetData hands an adopted buffer over with its deleter */
	g_deleted = 0;
	{
		ge::Tensor a(d);
		uint8_t *raw = new uint8_t[4]{ 4, 3, 2, 1 };
		a.SetData(raw, 4, CountingDelete);
		auto up = a.ResetData();
		assert_ptr_equal(up.get(), raw);
		assert_null(a.GetData());
		assert_int_equal(g_deleted, 0);
	}
	assert_int_equal(g_deleted, 1);
	{
		ge::Tensor a(d, std::vector<uint8_t>{ 5, 6 });
		auto up = a.ResetData(); /* owned bytes: a copy */
		assert_int_equal(up[1], 6);
		assert_int_equal(a.GetSize(), 0);
	}
}

void test_tensor_strings_and_desc(void **)
{
	ge::Tensor t(ge::TensorDesc(ge::Shape(), ge::FORMAT_ND, ge::DT_STRING));
	assert_int_equal(t.SetData("abc"), ge::GRAPH_SUCCESS);
	assert_int_equal(t.GetSize(), sizeof(ge::StringHead) + 4);
	ge::StringHead h;
	std::memcpy(&h, t.GetData(), sizeof h);
	assert_int_equal(h.addr, sizeof(ge::StringHead));
	assert_int_equal(h.len, 3);
	assert_string_equal(reinterpret_cast<const char *>(t.GetData() + h.addr), "abc");
	assert_int_equal(t.SetData(std::string("de")), ge::GRAPH_SUCCESS);
	assert_int_equal(t.GetSize(), sizeof(ge::StringHead) + 3);
	assert_int_equal(t.SetData(std::vector<std::string>{ "a", "bc" }), ge::GRAPH_SUCCESS);
	assert_int_equal(t.GetSize(), 2 * sizeof(ge::StringHead) + 2 + 3);
	assert_int_equal(t.SetData(std::vector<ge::AscendString>{ "x", "yz" }), ge::GRAPH_SUCCESS);
	std::memcpy(&h, t.GetData() + sizeof h, sizeof h);
	assert_int_equal(h.len, 2);
	assert_string_equal(reinterpret_cast<const char *>(t.GetData() + h.addr), "yz");
	assert_int_equal(t.IsValid(), ge::GRAPH_SUCCESS);
	/* descriptor helpers */
	ge::Tensor u(ge::TensorDesc(ge::Shape({ 2, 3 })));
	assert_int_equal(u.GetShapeDimNum(), 2);
	assert_int_equal(u.SetShapeDimNum(3), ge::GRAPH_SUCCESS);
	assert_int_equal(u.SetShapeDim(2, 7), ge::GRAPH_SUCCESS);
	assert_int_equal(u.GetShapeDim(2), 7);
	assert_int_equal(u.SetShapeDim(5, 7), ge::GRAPH_FAILED);
	assert_int_equal(u.SetOriginShapeDimNum(1), ge::GRAPH_SUCCESS);
	assert_int_equal(u.SetOriginShapeDim(0, 6), ge::GRAPH_SUCCESS);
	assert_int_equal(u.GetOriginShapeDim(0), 6);
	assert_int_equal(u.GetOriginShapeDimNum(), 1);
	u.SetFormat(ge::FORMAT_NCHW);
	u.SetOriginFormat(ge::FORMAT_NHWC);
	u.SetDataType(ge::DT_UINT8);
	u.SetPlacement(ge::kPlacementDevice);
	assert_int_equal(u.GetFormat(), ge::FORMAT_NCHW);
	assert_int_equal(u.GetOriginFormat(), ge::FORMAT_NHWC);
	assert_int_equal(u.GetDataType(), ge::DT_UINT8);
	assert_int_equal(u.GetPlacement(), ge::kPlacementDevice);
	ge::TensorDesc nd(ge::Shape({ 1 }));
	assert_int_equal(u.SetTensorDesc(nd), ge::GRAPH_SUCCESS);
	assert_int_equal(u.GetTensorDesc().GetShape().GetDimNum(), 1);
	ge::AscendString rule;
	assert_int_equal(u.SetExpandDimsRule(ge::AscendString("01")), ge::GRAPH_SUCCESS);
	assert_int_equal(u.GetExpandDimsRule(rule), ge::GRAPH_SUCCESS);
	assert_string_equal(rule.GetString(), "01");
	/* a scalar holds one element */
	ge::Tensor s(ge::TensorDesc(ge::Shape(), ge::FORMAT_ND, ge::DT_FLOAT),
	             std::vector<uint8_t>(4));
	assert_int_equal(s.IsValid(), ge::GRAPH_SUCCESS);
}

} // namespace

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_shape),
		cmocka_unit_test(test_desc),
		cmocka_unit_test(test_tensor_data),
		cmocka_unit_test(test_tensor_strings_and_desc),
	};
	return cmocka_run_group_tests(tests, nullptr, nullptr);
}
