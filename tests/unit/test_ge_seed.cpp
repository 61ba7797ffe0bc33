/*
 * test_ge_seed.cpp - the seed program as GE clients write it: a graph of
 * ge::op::Data, Const, Mul, Add and Relu joined by set_input_* and
 * Graph::SetInputs/SetOutputs, with GE's own include lines and no weir
 * call; 8 sessions (one per device, one thread each) x 50 runs, through the
 * v1 ge::Session::RunGraph (host ge::Tensor) and through the v2 GeSession
 * (gert::Tensor). Every output is checked against a host reference.
 */
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <csetjmp>
#include <cstdlib>
#include <cstring>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <map>
#include <string>
#include <thread>
#include <vector>

extern "C" {
#include <cmocka.h>
}

#include "ge/ge_api.h"
#include "ge/ge_api_v2.h"
#include "graph/graph.h"
#include "graph/tensor.h"
#include "all_ops.h"

namespace
{

constexpr int kDevices = 8;
constexpr int kRuns = 50;
constexpr int64_t kRows = 4, kCols = 8, kN = kRows * kCols;

float W(int64_t i)
{
	return 0.25f * static_cast<float>((i % 7) - 3);
}
float B(int64_t i)
{
	return 0.5f * static_cast<float>((i % 5) - 2);
}

ge::Graph SeedGraph(const char *name)
{
	ge::TensorDesc desc(ge::Shape({ kRows, kCols }), ge::FORMAT_ND, ge::DT_FLOAT);
	auto x = ge::op::Data("x").set_attr_index(0);
	x.update_input_desc_x(desc);
	x.update_output_desc_y(desc);
	std::vector<float> w(kN), b(kN);
	for (int64_t i = 0; i < kN; i++) {
		w[i] = W(i);
		b[i] = B(i);
	}
	ge::Tensor wt(desc, reinterpret_cast<const uint8_t *>(w.data()), sizeof(float) * kN);
	ge::Tensor bt(desc, reinterpret_cast<const uint8_t *>(b.data()), sizeof(float) * kN);
	auto cw = ge::op::Const("w").set_attr_value(wt);
	auto cb = ge::op::Const("b").set_attr_value(bt);
	auto mul = ge::op::Mul("mul").set_input_x1(x).set_input_x2(cw);
	auto add = ge::op::Add("add").set_input_x1(mul).set_input_x2(cb);
	auto relu = ge::op::Relu("relu").set_input_x(add);
	ge::Graph graph(name);
	graph.SetInputs({ x }).SetOutputs({ relu });
	return graph;
}

void Input(std::vector<float> &x, int dev, int run)
{
	for (int64_t i = 0; i < kN; i++)
		x[i] = static_cast<float>(((dev * 31 + run * 7 + i) % 11) - 5);
}

bool Check(const float *y, const std::vector<float> &x)
{
	for (int64_t i = 0; i < kN; i++) {
		float r = x[i] * W(i) + B(i);
		if (y[i] != (r > 0 ? r : 0.0f))
			return false;
	}
	return true;
}

void V1Device(int dev, std::atomic<int> &good)
{
	std::map<ge::AscendString, ge::AscendString> opts = { { "ge.session_device_id",
		                                                std::to_string(dev).c_str() } };
	ge::Session session(opts);
	if (session.AddGraph(1, SeedGraph("seed_v1")) != ge::SUCCESS)
		return;
	std::vector<float> x(kN);
	ge::TensorDesc desc(ge::Shape({ kRows, kCols }), ge::FORMAT_ND, ge::DT_FLOAT);
	for (int r = 0; r < kRuns; r++) {
		Input(x, dev, r);
		std::vector<ge::Tensor> in, out;
		in.emplace_back(desc, reinterpret_cast<const uint8_t *>(x.data()),
		                sizeof(float) * kN);
		if (session.RunGraph(1, in, out) != ge::SUCCESS || out.size() != 1 ||
		    out[0].GetSize() != sizeof(float) * kN ||
		    out[0].GetTensorDesc().GetShape().GetDims() !=
		            std::vector<int64_t>{ kRows, kCols })
			return;
		if (Check(reinterpret_cast<const float *>(out[0].GetData()), x))
			good++;
	}
}

void V2Device(int dev, std::atomic<int> &good)
{
	std::map<ge::AscendString, ge::AscendString> opts = { { "ge.session_device_id",
		                                                std::to_string(dev).c_str() } };
	ge::GeSession session(opts);
	if (session.AddGraph(1, SeedGraph("seed_v2")) != ge::SUCCESS)
		return;
	std::vector<float> x(kN);
	for (int r = 0; r < kRuns; r++) {
		Input(x, dev, r);
		std::vector<gert::Tensor> in, out;
		in.emplace_back(gert::StorageShape({ kRows, kCols }, { kRows, kCols }),
		                gert::StorageFormat(ge::FORMAT_ND, ge::FORMAT_ND), gert::kOnHost,
		                ge::DT_FLOAT, x.data());
		if (session.RunGraph(1, in, out) != ge::SUCCESS || out.size() != 1)
			return;
		if (Check(static_cast<const float *>(out[0].GetAddr()), x))
			good++;
		out.clear();
	}
}

void Env()
{
	setenv("WEIR_NO_PIN", "1", 0);
	setenv("WEIR_DEVICES", "8", 0);
	setenv("WEIR_WORKERS", "1", 0);
}

void test_seed_v1_and_v2(void **)
{
	Env();
	assert_int_equal(ge::GEInitialize(std::map<ge::AscendString, ge::AscendString>{}),
	                 ge::SUCCESS);
	std::atomic<int> good1{ 0 }, good2{ 0 };
	std::vector<std::thread> t;
	for (int d = 0; d < kDevices; d++)
		t.emplace_back(V1Device, d, std::ref(good1));
	for (auto &th : t)
		th.join();
	t.clear();
	for (int d = 0; d < kDevices; d++)
		t.emplace_back(V2Device, d, std::ref(good2));
	for (auto &th : t)
		th.join();
	if (good1 != kDevices * kRuns || good2 != kDevices * kRuns)
		print_error("last error: %s\n", ge::GEGetErrorMsgV2().GetString());
	assert_int_equal(good1.load(), kDevices * kRuns);
	assert_int_equal(good2.load(), kDevices * kRuns);
	assert_int_equal(ge::GEFinalize(), ge::SUCCESS);
}

/* GE's call-order contract of the v1 session. */
void test_v1_call_order(void **)
{
	Env();
	assert_int_equal(ge::GEInitialize(std::map<std::string, std::string>{}), ge::SUCCESS);
	{
		ge::Session session(std::map<ge::AscendString, ge::AscendString>{});
		assert_int_equal(session.AddGraph(3, SeedGraph("order")), ge::SUCCESS);
		assert_int_not_equal(session.AddGraph(3, SeedGraph("again")), ge::SUCCESS);
		/* LoadGraph and the summary need CompileGraph first. */
		assert_int_equal(session.LoadGraph(3, {}, nullptr), ge::GE_GRAPH_NOT_BUILT);
		assert_true(session.GetCompiledGraphSummary(3) == nullptr);
		assert_non_null(std::strstr(ge::GEGetErrorMsgV2().GetString(), "CompileGraph"));
		assert_int_equal(session.CompileGraph(3), ge::SUCCESS);
		auto sum = session.GetCompiledGraphSummary(3);
		assert_non_null(sum.get());
		std::vector<ge::Shape> shapes;
		assert_int_equal(sum->GetOutputShapes(shapes), ge::SUCCESS);
		assert_int_equal(shapes.size(), 1);
		assert_true(shapes[0].GetDims() == (std::vector<int64_t>{ kRows, kCols }));
		/* RunGraph and CompileGraph are exclusive. */
		std::vector<ge::Tensor> in(1), out;
		assert_int_equal(session.RunGraph(3, in, out), ge::UNSUPPORTED);
		assert_non_null(
		        std::strstr(ge::GEGetErrorMsgV2().GetString(), "mutually exclusive"));
		assert_int_equal(session.RemoveGraph(3), ge::SUCCESS);
		assert_true(session.IsGraphNeedRebuild(3));
	}
	assert_int_equal(ge::GEFinalize(), ge::SUCCESS);
}

uint32_t NoteCallback(uint32_t, const std::map<ge::AscendString, ge::Tensor> &)
{
	return 0;
}

/* The rest of the v1 surface: RunGraphAsync, BuildGraph, the memory-base
 * setters, RegisterCallBackFunc, GraphDebugJSONPrint, GetSessionId. */
void test_v1_more_calls(void **)
{
	Env();
	assert_int_equal(ge::GEInitialize(std::map<ge::AscendString, ge::AscendString>{}),
	                 ge::SUCCESS);
	{
		ge::Session session(std::map<ge::AscendString, ge::AscendString>{});
		assert_true(session.GetSessionId() != 0);
		assert_int_equal(session.AddGraph(1, SeedGraph("async")), ge::SUCCESS);
		std::vector<float> x(kN);
		Input(x, 3, 4);
		ge::TensorDesc desc(ge::Shape({ kRows, kCols }), ge::FORMAT_ND, ge::DT_FLOAT);
		std::vector<ge::Tensor> in;
		in.emplace_back(desc, reinterpret_cast<const uint8_t *>(x.data()),
		                sizeof(float) * kN);
		assert_int_equal(session.BuildGraph(1, in), ge::SUCCESS);
		std::mutex mu;
		std::condition_variable cv;
		bool done = false, ok = false;
		ge::Status got = ge::FAILED;
		assert_int_equal(
		        session.RunGraphAsync(1, in,
		                              [&](ge::Status st, std::vector<ge::Tensor> &out) {
			                              std::lock_guard<std::mutex> lk(mu);
			                              got = st;
			                              ok = out.size() == 1 &&
			                                   Check(reinterpret_cast<const float *>(
			                                                 out[0].GetData()),
			                                         x);
			                              done = true;
			                              cv.notify_all();
		                              }),
		        ge::SUCCESS);
		{
			std::unique_lock<std::mutex> lk(mu);
			assert_true(
			        cv.wait_for(lk, std::chrono::seconds(60), [&] { return done; }));
		}
		assert_int_equal(got, ge::SUCCESS);
		assert_true(ok);
		/* Memory bases need CompileGraph, then enough bytes. */
		assert_int_equal(session.AddGraph(2, SeedGraph("membase")), ge::SUCCESS);
		static char mem[1 << 16];
		assert_int_equal(session.SetGraphConstMemoryBase(2, mem, sizeof(mem)),
		                 ge::GE_GRAPH_NOT_BUILT);
		assert_int_equal(session.CompileGraph(2), ge::SUCCESS);
		assert_int_equal(session.SetGraphConstMemoryBase(2, mem, sizeof(mem)), ge::SUCCESS);
		assert_int_equal(session.SetGraphConstMemoryBase(2, mem, 1), ge::PARAM_INVALID);
		assert_int_equal(session.UpdateGraphFeatureMemoryBase(2, mem, sizeof(mem)),
		                 ge::SUCCESS);
		assert_int_equal(
		        session.UpdateGraphRefreshableFeatureMemoryBase(2, mem, sizeof(mem)),
		        ge::SUCCESS);
		/* BuildGraph and RunGraphAsync refuse a CompileGraph'd graph too. */
		assert_int_equal(session.BuildGraph(2, in), ge::UNSUPPORTED);
		assert_int_equal(session.RunGraphAsync(2, in, nullptr), ge::UNSUPPORTED);
		ge::AscendString json;
		assert_int_equal(session.GraphDebugJSONPrint(2, 0, json), ge::SUCCESS);
		assert_true(json.GetLength() > 0);
		assert_int_equal(session.RegisterCallBackFunc("summary", NoteCallback),
		                 ge::SUCCESS);
		assert_int_equal(session.RegisterCallBackFunc(static_cast<const char *>(nullptr),
		                                              NoteCallback),
		                 ge::FAILED);
	}
	assert_int_equal(ge::GEFinalize(), ge::SUCCESS);
}

/* A session that outlives GEFinalize fails its calls and is destroyed cleanly. */
void test_v1_outlives_finalize(void **)
{
	Env();
	assert_int_equal(ge::GEInitialize(std::map<ge::AscendString, ge::AscendString>{}),
	                 ge::SUCCESS);
	auto *session = new ge::Session(std::map<ge::AscendString, ge::AscendString>{});
	assert_int_equal(session->AddGraph(1, SeedGraph("late")), ge::SUCCESS);
	assert_int_equal(ge::GEFinalize(), ge::SUCCESS);
	std::vector<ge::Tensor> in(1), out;
	assert_int_equal(session->RunGraph(1, in, out), ge::FAILED);
	assert_int_equal(session->AddGraph(2, SeedGraph("later")), ge::FAILED);
	delete session;
}

} // namespace

int main()
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_v1_and_v2),
		cmocka_unit_test(test_v1_call_order),
		cmocka_unit_test(test_v1_more_calls),
		cmocka_unit_test(test_v1_outlives_finalize),
	};
	return cmocka_run_group_tests(tests, nullptr, nullptr);
}
