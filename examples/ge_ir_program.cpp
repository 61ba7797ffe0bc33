/*
 * examples/ge_ir_program.cpp - a GE program written the way GE's own
 * examples write it, with GE's include lines and no weir call: the graph is
 * built from REG_OP operator classes (ge::op::Data, Const, Conv2D, MaxPool,
 * Reshape, MatMul, Relu, Sigmoid) joined by set_input_* and
 * Graph::SetInputs/SetOutputs, and runs through the v1 ge::Session twice:
 *   1. AddGraph -> RunGraph with host ge::Tensor inputs and outputs;
 *   2. AddGraph -> CompileGraph -> LoadGraph(stream) ->
 *      ExecuteGraphWithStreamAsync on a user stream, device memory in and out.
 * The network: x[1,3,8,8] NCHW -> Conv2D(4 filters 3x3, pad 1) + bias ->
 * Relu -> MaxPool 2x2 -> Reshape [1,64] -> MatMul(W[64,10]) + bias ->
 * Sigmoid. Each result is checked against a host reference; exit code 0
 * only if both pipelines match.
 */
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "acl/acl.h"
#include "ge/ge_api.h"
#include "graph/graph.h"
#include "graph/tensor.h"
#include "all_ops.h"

namespace
{

constexpr int64_t C = 3, H = 8, W = 8, K = 4, F = 10;
constexpr int64_t PH = H / 2, PW = W / 2, FLAT = K * PH * PW;

std::vector<float> Fill(size_t n, int seed)
{
	std::vector<float> v(n);
	for (size_t i = 0; i < n; i++)
		v[i] = static_cast<float>(((i * 37 + seed * 11) % 23) - 11) / 16.0f;
	return v;
}

ge::Tensor HostTensor(const std::vector<int64_t> &dims, const std::vector<float> &v)
{
	ge::TensorDesc d(ge::Shape(dims), ge::FORMAT_ND, ge::DT_FLOAT);
	return ge::Tensor(d, reinterpret_cast<const uint8_t *>(v.data()), v.size() * sizeof(float));
}

struct Weights {
	std::vector<float> filter = Fill(K * C * 3 * 3, 1), cbias = Fill(K, 2);
	std::vector<float> fc = Fill(FLAT * F, 3), fbias = Fill(F, 4);
};

ge::Graph BuildGraph(const Weights &w)
{
	auto x = ge::op::Data("x").set_attr_index(0);
	ge::TensorDesc xd(ge::Shape({ 1, C, H, W }), ge::FORMAT_NCHW, ge::DT_FLOAT);
	x.update_input_desc_x(xd);
	x.update_output_desc_y(xd);

	auto filter = ge::op::Const("filter").set_attr_value(HostTensor({ K, C, 3, 3 }, w.filter));
	auto cbias = ge::op::Const("conv_bias").set_attr_value(HostTensor({ K }, w.cbias));
	auto conv = ge::op::Conv2D("conv")
	                    .set_input_x(x)
	                    .set_input_filter(filter)
	                    .set_input_bias(cbias)
	                    .set_attr_strides({ 1, 1, 1, 1 })
	                    .set_attr_pads({ 1, 1, 1, 1 })
	                    .set_attr_dilations({ 1, 1, 1, 1 })
	                    .set_attr_data_format("NCHW");
	auto relu = ge::op::Relu("relu").set_input_x(conv);
	auto pool = ge::op::MaxPool("pool")
	                    .set_input_x(relu)
	                    .set_attr_ksize({ 1, 1, 2, 2 })
	                    .set_attr_strides({ 1, 1, 2, 2 })
	                    .set_attr_padding("VALID")
	                    .set_attr_data_format("NCHW");

	std::vector<int64_t> flat = { 1, FLAT };
	ge::TensorDesc sd(ge::Shape({ 2 }), ge::FORMAT_ND, ge::DT_INT64);
	auto shape = ge::op::Const("flat_shape")
	                     .set_attr_value(
	                             ge::Tensor(sd, reinterpret_cast<const uint8_t *>(flat.data()),
	                                        flat.size() * sizeof(int64_t)));
	auto reshape = ge::op::Reshape("flatten").set_input_x(pool).set_input_shape(shape);

	auto fc = ge::op::Const("fc").set_attr_value(HostTensor({ FLAT, F }, w.fc));
	auto fbias = ge::op::Const("fc_bias").set_attr_value(HostTensor({ F }, w.fbias));
	auto matmul = ge::op::MatMul("fc")
	                      .set_input_x1(reshape)
	                      .set_input_x2(fc)
	                      .set_input_bias(fbias)
	                      .set_attr_transpose_x1(false)
	                      .set_attr_transpose_x2(false);
	auto sigmoid = ge::op::Sigmoid("prob").set_input_x(matmul);

	ge::Graph graph("conv_fc");
	graph.SetInputs({ x }).SetOutputs({ sigmoid });
	return graph;
}

std::vector<float> Reference(const Weights &w, const std::vector<float> &x)
{
	std::vector<float> conv(K * H * W), pool(FLAT), out(F);
	for (int64_t k = 0; k < K; k++)
		for (int64_t i = 0; i < H; i++)
			for (int64_t j = 0; j < W; j++) {
				float s = w.cbias[k];
				for (int64_t c = 0; c < C; c++)
					for (int64_t u = 0; u < 3; u++)
						for (int64_t v = 0; v < 3; v++) {
							int64_t y = i + u - 1, z = j + v - 1;
							if (y >= 0 && y < H && z >= 0 && z < W)
								s += x[(c * H + y) * W + z] *
								     w.filter[((k * C + c) * 3 +
								               u) * 3 +
								              v];
						}
				conv[(k * H + i) * W + j] = s > 0 ? s : 0;
			}
	for (int64_t k = 0; k < K; k++)
		for (int64_t i = 0; i < PH; i++)
			for (int64_t j = 0; j < PW; j++) {
				float m = conv[(k * H + 2 * i) * W + 2 * j];
				for (int64_t u = 0; u < 2; u++)
					for (int64_t v = 0; v < 2; v++)
						m = std::fmax(
						        m,
						        conv[(k * H + 2 * i + u) * W + 2 * j + v]);
				pool[(k * PH + i) * PW + j] = m;
			}
	for (int64_t f = 0; f < F; f++) {
		double s = w.fbias[f];
		for (int64_t i = 0; i < FLAT; i++)
			s += static_cast<double>(pool[i]) * w.fc[i * F + f];
		out[f] = static_cast<float>(1.0 / (1.0 + std::exp(-s)));
	}
	return out;
}

double MaxErr(const float *y, const std::vector<float> &ref)
{
	double e = 0;
	for (size_t i = 0; i < ref.size(); i++)
		e = std::fmax(e, std::fabs(static_cast<double>(y[i]) - ref[i]));
	return e;
}

bool Fail(const char *what)
{
	std::printf("  FAILED at %s: %s\n", what, ge::GEGetErrorMsgV2().GetString());
	return false;
}

bool RunPipelines()
{
	Weights w;
	std::vector<float> x = Fill(C * H * W, 5);
	std::vector<float> ref = Reference(w, x);
	std::map<ge::AscendString, ge::AscendString> opts = { { "ge.session_device_id", "0" } };
	ge::Session session(opts);

	/* 1. AddGraph -> RunGraph, host tensors. */
	if (session.AddGraph(1, BuildGraph(w)) != ge::SUCCESS)
		return Fail("AddGraph 1");
	std::vector<ge::Tensor> in, out;
	in.push_back(HostTensor({ 1, C, H, W }, x));
	if (session.RunGraph(1, in, out) != ge::SUCCESS || out.size() != 1)
		return Fail("RunGraph");
	double e1 = MaxErr(reinterpret_cast<const float *>(out[0].GetData()), ref);
	std::printf("  RunGraph (host ge::Tensor): output [1,%lld], max error %.2e\n",
	            static_cast<long long>(F), e1);

	/* 2. CompileGraph -> LoadGraph(stream) -> ExecuteGraphWithStreamAsync. */
	aclrtStream stream = nullptr;
	void *dx = nullptr, *dy = nullptr;
	const size_t xb = x.size() * sizeof(float), yb = F * sizeof(float);
	std::vector<float> y(F);
	bool ok = aclrtSetDevice(0) == ACL_SUCCESS && aclrtCreateStream(&stream) == ACL_SUCCESS &&
	          aclrtMalloc(&dx, xb, ACL_MEM_MALLOC_HUGE_FIRST) == ACL_SUCCESS &&
	          aclrtMalloc(&dy, yb, ACL_MEM_MALLOC_HUGE_FIRST) == ACL_SUCCESS &&
	          aclrtMemcpy(dx, xb, x.data(), xb, ACL_MEMCPY_HOST_TO_DEVICE) == ACL_SUCCESS;
	if (!ok)
		return Fail("ACL setup");
	if (session.AddGraph(2, BuildGraph(w)) != ge::SUCCESS)
		return Fail("AddGraph 2");
	if (session.CompileGraph(2) != ge::SUCCESS)
		return Fail("CompileGraph");
	if (session.LoadGraph(2, {}, stream) != ge::SUCCESS)
		return Fail("LoadGraph");
	std::vector<gert::Tensor> gin, gout;
	gin.emplace_back(gert::StorageShape({ 1, C, H, W }, { 1, C, H, W }),
	                 gert::StorageFormat(ge::FORMAT_NCHW, ge::FORMAT_NCHW), gert::kOnDeviceHbm,
	                 ge::DT_FLOAT, dx);
	gout.emplace_back(gert::StorageShape({ 1, F }, { 1, F }),
	                  gert::StorageFormat(ge::FORMAT_ND, ge::FORMAT_ND), gert::kOnDeviceHbm,
	                  ge::DT_FLOAT, dy);
	if (session.ExecuteGraphWithStreamAsync(2, stream, gin, gout) != ge::SUCCESS)
		return Fail("ExecuteGraphWithStreamAsync");
	if (aclrtSynchronizeStream(stream) != ACL_SUCCESS)
		return Fail("aclrtSynchronizeStream");
	if (aclrtMemcpy(y.data(), yb, dy, yb, ACL_MEMCPY_DEVICE_TO_HOST) != ACL_SUCCESS)
		return Fail("aclrtMemcpy");
	double e2 = MaxErr(y.data(), ref);
	std::printf("  CompileGraph -> LoadGraph -> ExecuteGraphWithStreamAsync: max error "
	            "%.2e\n",
	            e2);
	aclrtFree(dx);
	aclrtFree(dy);
	aclrtDestroyStream(stream);
	aclrtResetDevice(0);
	return e1 < 1e-5 && e2 < 1e-5;
}

} // namespace

int main()
{
	std::map<ge::AscendString, ge::AscendString> opts;
	if (ge::GEInitialize(opts) != ge::SUCCESS) {
		std::printf("GEInitialize failed: %s\n", ge::GEGetErrorMsgV2().GetString());
		return 1;
	}
	std::printf("ge_ir_program: Conv2D + MaxPool + MatMul + bias + Sigmoid built from "
	            "ge::op::* (REG_OP), run by ge::Session\n");
	bool ok = RunPipelines();
	ge::GEFinalize();
	std::printf("ge_ir_program: %s\n", ok ? "results correct" : "RESULTS WRONG");
	return ok ? 0 : 1;
}
