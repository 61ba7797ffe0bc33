/*
 * test_ge_v1_extras.cpp - GE programs the way GE's own examples write them:
 * ops declared in the program's source with REG_OP (their own Add and
 * ReduceSum) next to part of the op-prototype headers (array_ops.h only);
 * shape-deciding inputs fed at run time (ReduceSum axes and a Reshape shape
 * as Data: one compiled graph per distinct value); OperatorFactory-created
 * ops; an external allocator providing a run's outputs; ge_ir_build.h
 * (aclgrphBuildInitialize/Finalize, aclgrphGetIRVersion, aclgrphDumpGraph)
 * and Graph::DumpToFile.
 */
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>
#include <atomic>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

extern "C" {
#include <cmocka.h>
}

#include "acl/acl.h"
#include "ge/ge_api.h"
#include "ge/ge_ir_build.h"
#include "graph/operator_factory.h"
#include "graph/operator_reg.h"
#include "array_ops.h"

namespace ge
{
/* The program's own prototypes, as GE's examples declare them. */
REG_OP(Add)
        .INPUT(x1, TensorType({ DT_FLOAT, DT_INT32 }))
        .INPUT(x2, TensorType({ DT_FLOAT, DT_INT32 }))
        .OUTPUT(y, TensorType({ DT_FLOAT, DT_INT32 }))
        .OP_END_FACTORY_REG(Add)

                REG_OP(NoSuchOpType)
        .INPUT(x, TensorType({ DT_FLOAT }))
        .OUTPUT(y, TensorType({ DT_FLOAT }))
        .OP_END_FACTORY_REG(NoSuchOpType)

                REG_OP(ReduceSum)
        .INPUT(x, TensorType::NumberType())
        .INPUT(axes, TensorType::IndexNumberType())
        .OUTPUT(y, TensorType::NumberType())
        .ATTR(keep_dims, Bool, false)
        .OP_END_FACTORY_REG(ReduceSum)
} // namespace ge

namespace
{

void Env()
{
	setenv("WEIR_NO_PIN", "1", 0);
	setenv("WEIR_DEVICES", "2", 0);
	setenv("WEIR_WORKERS", "2", 0);
}

ge::Tensor Floats(const std::vector<int64_t> &dims, const std::vector<float> &v)
{
	ge::TensorDesc d(ge::Shape(dims), ge::FORMAT_ND, ge::DT_FLOAT);
	return ge::Tensor(d, reinterpret_cast<const uint8_t *>(v.data()), v.size() * sizeof(float));
}
ge::Tensor Ints(const std::vector<int64_t> &v)
{
	ge::TensorDesc d(ge::Shape({ static_cast<int64_t>(v.size()) }), ge::FORMAT_ND,
	                 ge::DT_INT64);
	return ge::Tensor(d, reinterpret_cast<const uint8_t *>(v.data()),
	                  v.size() * sizeof(int64_t));
}

/* y = ReduceSum(x + x, axes) with axes a Data input (GE's dynamic shape). */
ge::Graph AxesGraph()
{
	auto x = ge::op::Data("x").set_attr_index(0);
	auto axes = ge::op::Data("axes").set_attr_index(1);
	auto add = ge::op::Add("add").set_input_x1(x).set_input_x2(x);
	auto sum =
	        ge::op::ReduceSum("sum").set_input_x(add).set_input_axes(axes).set_attr_keep_dims(
	                false);
	ge::Graph g("axes_as_data");
	g.SetInputs({ x, axes }).SetOutputs({ sum });
	return g;
}

void test_own_reg_op_and_runtime_axes(void **)
{
	Env();
	assert_int_equal(ge::GEInitialize(std::map<ge::AscendString, ge::AscendString>{}),
	                 ge::SUCCESS);
	{
		ge::Session s(std::map<ge::AscendString, ge::AscendString>{});
		assert_int_equal(s.AddGraph(1, AxesGraph()), ge::SUCCESS);
		std::vector<float> xv = { 1, 2, 3, 4, 5, 6 }; // [2,3]
		for (int round = 0; round < 2; round++) {
			std::vector<ge::Tensor> in = { Floats({ 2, 3 }, xv), Ints({ 1 }) }, out;
			assert_int_equal(s.RunGraph(1, in, out), ge::SUCCESS);
			assert_int_equal(out.size(), 1);
			assert_true(out[0].GetTensorDesc().GetShape().GetDims() ==
			            std::vector<int64_t>{ 2 });
			const float *y = reinterpret_cast<const float *>(out[0].GetData());
			assert_true(y[0] == 12 && y[1] == 30);
			in = { Floats({ 2, 3 }, xv), Ints({ 0 }) };
			assert_int_equal(s.RunGraph(1, in, out), ge::SUCCESS);
			assert_true(out[0].GetTensorDesc().GetShape().GetDims() ==
			            std::vector<int64_t>{ 3 });
			y = reinterpret_cast<const float *>(out[0].GetData());
			assert_true(y[0] == 10 && y[1] == 14 && y[2] == 18);
		}
		/* A Reshape whose shape is a Data input, made through the factory. */
		ge::Operator d0 = ge::OperatorFactory::CreateOperator("d0", "Data");
		ge::Operator d1 = ge::OperatorFactory::CreateOperator("d1", "Data");
		ge::Operator r = ge::OperatorFactory::CreateOperator("r", "Reshape");
		ge::AscendString type;
		assert_int_equal(r.GetOpType(type), ge::GRAPH_SUCCESS);
		assert_string_equal(type.GetString(), "Reshape");
		d0.SetAttr("index", static_cast<int64_t>(0));
		d1.SetAttr("index", static_cast<int64_t>(1));
		r.SetInput("x", d0).SetInput("shape", d1);
		ge::Graph g("reshape_by_data");
		g.SetInputs({ d0, d1 }).SetOutputs({ r });
		assert_int_equal(s.AddGraph(2, g), ge::SUCCESS);
		std::vector<ge::Tensor> in = { Floats({ 2, 3 }, xv), Ints({ 3, 2 }) }, out;
		assert_int_equal(s.RunGraph(2, in, out), ge::SUCCESS);
		assert_true(out[0].GetTensorDesc().GetShape().GetDims() ==
		            (std::vector<int64_t>{ 3, 2 }));
		assert_memory_equal(out[0].GetData(), xv.data(), sizeof(float) * 6);
		/* A bad shape value is a clear error, not a crash. */
		in = { Floats({ 2, 3 }, xv), Ints({ 4, 2 }) };
		assert_int_equal(s.RunGraph(2, in, out), ge::FAILED);
		assert_non_null(std::strstr(ge::GEGetErrorMsgV2().GetString(), "r"));
	}
	assert_int_equal(ge::GEFinalize(), ge::SUCCESS);
}

/* An allocator that counts its blocks. */
class CountingAllocator : public ge::Allocator
{
      public:
	ge::MemBlock *Malloc(size_t size) override
	{
		void *p = nullptr;
		if (aclrtMalloc(&p, size, ACL_MEM_MALLOC_HUGE_FIRST) != ACL_SUCCESS)
			return nullptr;
		live++;
		total++;
		return new ge::MemBlock(*this, p, size);
	}
	void Free(ge::MemBlock *b) override
	{
		aclrtFree(b->GetAddr());
		live--;
		delete b;
	}
	std::atomic<int> live{ 0 }, total{ 0 };
};

void test_external_allocator(void **)
{
	Env();
	assert_int_equal(ge::GEInitialize(std::map<ge::AscendString, ge::AscendString>{}),
	                 ge::SUCCESS);
	{
		ge::Session s(std::map<ge::AscendString, ge::AscendString>{});
		aclrtStream stream = nullptr;
		assert_int_equal(aclrtSetDevice(0), ACL_SUCCESS);
		assert_int_equal(aclrtCreateStream(&stream), ACL_SUCCESS);
		auto alloc = std::make_shared<CountingAllocator>();
		assert_int_equal(s.RegisterExternalAllocator(nullptr, alloc), ge::PARAM_INVALID);
		assert_int_equal(s.RegisterExternalAllocator(stream, alloc), ge::SUCCESS);
		assert_int_equal(s.AddGraph(1, AxesGraph()), ge::SUCCESS);
		std::vector<float> xv = { 1, 2, 3, 4, 5, 6 };
		{
			std::vector<ge::Tensor> in = { Floats({ 2, 3 }, xv), Ints({ 1 }) }, out;
			assert_int_equal(s.RunGraphWithStreamAsync(1, stream, in, out),
			                 ge::SUCCESS);
			assert_int_equal(aclrtSynchronizeStream(stream), ACL_SUCCESS);
			assert_int_equal(alloc->live.load(), 1);
			const float *y = reinterpret_cast<const float *>(out[0].GetData());
			assert_true(y[0] == 12 && y[1] == 30);
		}
		assert_int_equal(alloc->live.load(), 0); // the output tensor gave it back
		{
			std::vector<int64_t> ax = { 0 };
			std::vector<gert::Tensor> in, out;
			in.emplace_back(gert::StorageShape({ 2, 3 }, { 2, 3 }),
			                gert::StorageFormat(ge::FORMAT_ND, ge::FORMAT_ND),
			                gert::kOnHost, ge::DT_FLOAT, xv.data());
			in.emplace_back(gert::StorageShape({ 1 }, { 1 }),
			                gert::StorageFormat(ge::FORMAT_ND, ge::FORMAT_ND),
			                gert::kOnHost, ge::DT_INT64, ax.data());
			assert_int_equal(s.ExecuteGraphWithStreamAsync(1, stream, in, out),
			                 ge::SUCCESS);
			assert_int_equal(aclrtSynchronizeStream(stream), ACL_SUCCESS);
			assert_int_equal(alloc->live.load(), 1);
			const float *y = static_cast<const float *>(out[0].GetAddr());
			assert_true(y[0] == 10 && y[1] == 14 && y[2] == 18);
		}
		assert_int_equal(alloc->live.load(), 0);
		assert_int_equal(alloc->total.load(), 2);
		assert_int_equal(s.UnregisterExternalAllocator(stream), ge::SUCCESS);
		assert_int_equal(s.RemoveGraph(1), ge::SUCCESS);
		aclrtDestroyStream(stream);
		aclrtResetDevice(0);
	}
	assert_int_equal(ge::GEFinalize(), ge::SUCCESS);
}

void test_ir_build_and_dump(void **)
{
	std::map<ge::AscendString, ge::AscendString> opts = { { "ge.socVersion", "weir-cpu" } };
	assert_int_equal(ge::aclgrphBuildInitialize(opts), ge::GRAPH_SUCCESS);
	std::map<ge::AscendString, ge::AscendString> bad = { { "", "x" } };
	assert_int_equal(ge::aclgrphBuildInitialize(bad), ge::GRAPH_PARAM_INVALID);
	int32_t ma = -1, mi = -1, pa = -1;
	assert_int_equal(ge::aclgrphGetIRVersion(&ma, &mi, &pa), ge::GRAPH_SUCCESS);
	assert_int_equal(ma, ge::IR_MAJOR_VERSION);
	assert_int_equal(ge::aclgrphGetIRVersion(nullptr, &mi, &pa), ge::GRAPH_PARAM_INVALID);
	char path[] = "/tmp/weir_ge_dump_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	ge::Graph g = AxesGraph();
	assert_int_equal(ge::aclgrphDumpGraph(g, path, sizeof(path)), ge::GRAPH_SUCCESS);
	std::ifstream f(path);
	std::stringstream ss;
	ss << f.rdbuf();
	std::string text = ss.str();
	assert_true(text.find("ReduceSum") != std::string::npos);
	assert_true(text.find("input 1 axes") != std::string::npos);
	assert_int_equal(ge::aclgrphDumpGraph(g, nullptr, 0), ge::GRAPH_PARAM_INVALID);
	assert_int_equal(ge::aclgrphDumpGraph(ge::Graph(), path, sizeof(path)), ge::GRAPH_FAILED);
	std::remove(path);
	ge::aclgrphBuildFinalize();
}

/* Graphs the converter must refuse, with the reason. */
void test_bad_operator_graphs(void **)
{
	Env();
	assert_int_equal(ge::GEInitialize(std::map<ge::AscendString, ge::AscendString>{}),
	                 ge::SUCCESS);
	{
		ge::Session s(std::map<ge::AscendString, ge::AscendString>{});
		/* A required input left unconnected. */
		auto x = ge::op::Data("x").set_attr_index(0);
		auto add = ge::op::Add("lonely").set_input_x1(x);
		ge::Graph g("unconnected");
		g.SetInputs({ x }).SetOutputs({ add });
		assert_int_not_equal(s.AddGraph(1, g), ge::SUCCESS);
		assert_non_null(std::strstr(ge::GEGetErrorMsgV2().GetString(), "x2"));
		/* An op type weir cannot run: named in the error at the first run. */
		/* (a fresh Data: SetInputs walks every consumer of an input, so x
		 * would bring the unconnected Add along, as in GE) */
		auto x2 = ge::op::Data("x2").set_attr_index(0);
		auto odd = ge::op::NoSuchOpType("weird").set_input_x(x2);
		ge::Graph g2("odd");
		g2.SetInputs({ x2 }).SetOutputs({ odd });
		assert_int_equal(s.AddGraph(2, g2), ge::SUCCESS);
		std::vector<float> xv = { 1 };
		std::vector<ge::Tensor> in = { Floats({ 1 }, xv) }, out;
		assert_int_not_equal(s.RunGraph(2, in, out), ge::SUCCESS);
		assert_non_null(std::strstr(ge::GEGetErrorMsgV2().GetString(), "NoSuchOpType"));
		assert_non_null(std::strstr(ge::GEGetErrorMsgV2().GetString(), "weird"));
	}
	assert_int_equal(ge::GEFinalize(), ge::SUCCESS);
}

} // namespace

int main()
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_reg_op_and_runtime_axes),
		cmocka_unit_test(test_external_allocator),
		cmocka_unit_test(test_ir_build_and_dump),
		cmocka_unit_test(test_bad_operator_graphs),
	};
	return cmocka_run_group_tests(tests, nullptr, nullptr);
}
