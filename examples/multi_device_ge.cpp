/*
 * examples/multi_device_ge.cpp - the single-process, multi-device program of
 * Ascend's GE guide ("run graphs asynchronously", one session per device),
 * written against the GE v2 facade and ACL exactly as there: GEInitializeV2;
 * per thread: aclrtSetDevice, aclrtCreateStream, a GeSession with
 * ge.session_device_id, AddGraph, CompileGraph, LoadGraph on the stream,
 * aclrtMalloc + aclrtMemcpy of the inputs, RunGraphWithStreamAsync,
 * aclrtSynchronizeStream, copy the outputs back; GEFinalizeV2. The graph is a
 * 2-layer MLP (built with weir's C builder, wrapped as a ge::Graph); each
 * output is checked against a host reference. Exit code 0 only if all are.
 *
 * Usage: multi_device_ge [devices (default 8)] [runs per device (default 4)]
 */
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "ge_api_v2.h"
#include "acl.h"
#include "acl_rt.h"
#include "graph/ascend_string.h"

extern "C" {
#include "mlp_common.h"
}

namespace
{

mlp_weights_t g_weights;

struct Result {
	bool ok = false;
	double max_err = 0;
	std::string what;
};

#define CHECK(cond, msg)                                                                        \
	do {                                                                                    \
		if (!(cond)) {                                                                  \
			res.what = std::string(msg) + ": " + ge::GEGetErrorMsgV3().GetString(); \
			goto out;                                                               \
		}                                                                               \
	} while (0)

void RunOnDevice(int32_t device_id, int runs, Result &res)
{
	const uint32_t graph_id = 1;
	aclrtStream stream = nullptr;
	void *dev_in = nullptr;
	const size_t in_bytes = sizeof(float) * MLP_B * MLP_D;
	std::vector<float> x(MLP_B * MLP_D), y(MLP_B * MLP_D), ref(MLP_B * MLP_D);
	std::map<ge::AscendString, ge::AscendString> session_options = {
		{ "ge.session_device_id", std::to_string(device_id).c_str() }
	};
	{
		CHECK(aclrtSetDevice(device_id) == ACL_SUCCESS, "aclrtSetDevice");
		CHECK(aclrtCreateStream(&stream) == ACL_SUCCESS, "aclrtCreateStream");
		ge::GeSession session(session_options);
		CHECK(session.GetSessionId() != 0, "GeSession");

		weir_graph_t *native = nullptr;
		CHECK(mlp_build("mlp", &g_weights, &native) == WEIR_OK, "build graph");
		ge::Graph graph = ge::Graph::FromNative(native);
		CHECK(session.AddGraph(graph_id, graph) == ge::SUCCESS, "AddGraph");
		CHECK(session.CompileGraph(graph_id) == ge::SUCCESS, "CompileGraph");
		CHECK(session.LoadGraph(graph_id, {}, stream) == ge::SUCCESS, "LoadGraph");
		ge::CompiledGraphSummaryPtr summary = session.GetCompiledGraphSummary(graph_id);
		CHECK(summary != nullptr, "GetCompiledGraphSummary");
		size_t streams = 0, const_size = 0, feature_size = 0;
		summary->GetStreamNum(streams);
		summary->GetConstMemorySize(const_size);
		summary->GetFeatureMemorySize(feature_size);

		CHECK(aclrtMalloc(&dev_in, in_bytes, ACL_MEM_MALLOC_HUGE_FIRST) == ACL_SUCCESS,
		      "aclrtMalloc");
		res.ok = true;
		for (int r = 0; r < runs; r++) {
			mlp_input(x.data(), static_cast<uint32_t>(device_id * 1000 + r));
			mlp_reference(&g_weights, x.data(), ref.data());
			CHECK(aclrtMemcpy(dev_in, in_bytes, x.data(), in_bytes,
			                  ACL_MEMCPY_HOST_TO_DEVICE) == ACL_SUCCESS,
			      "aclrtMemcpy H2D");
			std::vector<gert::Tensor> inputs;
			inputs.emplace_back(gert::StorageShape({ MLP_B, MLP_D }, { MLP_B, MLP_D }),
			                    gert::StorageFormat(ge::FORMAT_ND, ge::FORMAT_ND),
			                    gert::kOnDeviceHbm, ge::DT_FLOAT, dev_in);
			std::vector<gert::Tensor> outputs; // empty: GE (weir) allocates them
			CHECK(session.RunGraphWithStreamAsync(graph_id, stream, inputs, outputs) ==
			              ge::SUCCESS,
			      "RunGraphWithStreamAsync");
			CHECK(aclrtSynchronizeStream(stream) == ACL_SUCCESS,
			      "aclrtSynchronizeStream");
			CHECK(outputs.size() == 1 && outputs[0].GetSize() == in_bytes,
			      "output shape");
			CHECK(aclrtMemcpy(y.data(), in_bytes, outputs[0].GetAddr(), in_bytes,
			                  ACL_MEMCPY_DEVICE_TO_HOST) == ACL_SUCCESS,
			      "aclrtMemcpy D2H");
			outputs.clear(); // release GE-allocated outputs before unloading
			double e = mlp_max_err(y.data(), ref.data(), MLP_B * MLP_D);
			if (!(e <= res.max_err))
				res.max_err = e;
			if (!(e < 1e-4))
				res.ok = false;
		}
		res.what = std::to_string(runs) + " runs, streams " + std::to_string(streams) +
		           ", const " + std::to_string(const_size) + " B, feature " +
		           std::to_string(feature_size) + " B";
		CHECK(session.RemoveGraph(graph_id) == ge::SUCCESS, "RemoveGraph");
	}
out:
	if (!res.what.empty() && res.what.find(':') != std::string::npos &&
	    res.what.find("runs,") == std::string::npos)
		res.ok = false;
	if (dev_in != nullptr)
		aclrtFree(dev_in);
	if (stream != nullptr)
		aclrtDestroyStream(stream);
	aclrtResetDevice(device_id);
}

} // namespace

int main(int argc, char **argv)
{
	int devices = argc > 1 ? std::atoi(argv[1]) : 8;
	int runs = argc > 2 ? std::atoi(argv[2]) : 4;
	if (devices < 1 || devices > 64 || runs < 1) {
		std::fprintf(stderr, "usage: %s [devices 1..64] [runs >= 1]\n", argv[0]);
		return 2;
	}
	mlp_init(&g_weights, 2024);
	std::map<ge::AscendString, ge::AscendString> global_options = { { "ge.graphRunMode",
		                                                          "0" } };
	if (ge::GEInitializeV2(global_options) != ge::SUCCESS) {
		std::fprintf(stderr, "GEInitializeV2 failed: %s\n",
		             ge::GEGetErrorMsgV3().GetString());
		return 1;
	}
	uint32_t count = 0;
	aclrtGetDeviceCount(&count);
	if (static_cast<uint32_t>(devices) > count) {
		std::fprintf(stderr, "only %u devices (set WEIR_DEVICES)\n", count);
		ge::GEFinalizeV2();
		return 1;
	}
	std::printf("multi_device_ge: %d GeSessions on %d threads, one device each; 2-layer MLP\n",
	            devices, devices);
	std::vector<Result> results(devices);
	std::vector<std::thread> threads;
	for (int i = 0; i < devices; i++)
		threads.emplace_back(RunOnDevice, i, runs, std::ref(results[i]));
	bool all = true;
	for (int i = 0; i < devices; i++) {
		threads[i].join();
		std::printf("  device %d: %s  max rel err %.2e  %s\n", i,
		            results[i].ok ? "CORRECT" : "WRONG", results[i].max_err,
		            results[i].what.c_str());
		all = all && results[i].ok;
	}
	ge::GEFinalizeV2();
	std::printf("multi_device_ge: %s\n", all ? "all results correct" : "SOME RESULTS WRONG");
	return all ? 0 : 1;
}
