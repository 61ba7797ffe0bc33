/*
 * bench/bench_ge.cpp - the GE facade's run overhead (issue 12), same-run
 * ratios:
 *   G1.v1_rungraph.vs_native: the seed graph (Data -> Mul(Const) ->
 *       Add(Const) -> Relu on 4x8 floats, built from ge::op:: operators)
 *       run by ge::Session::RunGraph with host ge::Tensors, against the same
 *       graph, lowered once, run by weir_session_run_graph on the same
 *       runtime with preallocated buffers: what the v1 facade (cache-key
 *       lookup, output sizing, host tensors in and out) adds per run.
 *   G1.v2_rungraph.vs_native: the same through ge::GeSession::RunGraph
 *       (gert::Tensor in, outputs allocated per run).
 *   G2.value_key.vs_static: ReduceSum over axes fed as a Data input (GE's
 *       dynamic shape: the cache key holds the axes' value; 4 values in
 *       turn, so every run looks up one of 4 native graphs), against the
 *       same op with axes as a Const, both through ge::Session::RunGraph.
 * No targets: these are the figures the facade is measured by.
 */
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

extern "C" {
#include "harness.h"
}

#include "ge/ge_api.h"
#include "all_ops.h"

namespace
{

constexpr int64_t kRows = 4, kCols = 8, kN = kRows * kCols;

void die(const char *what)
{
	std::fprintf(stderr, "bench_ge: %s failed: %s\n", what, ge::GEGetErrorMsgV2().GetString());
	std::exit(1);
}

ge::Graph SeedGraph()
{
	ge::TensorDesc desc(ge::Shape({ kRows, kCols }), ge::FORMAT_ND, ge::DT_FLOAT);
	auto x = ge::op::Data("x").set_attr_index(0);
	x.update_output_desc_y(desc);
	std::vector<float> w(kN, 0.5f), b(kN, -1.0f);
	ge::Tensor wt(desc, reinterpret_cast<const uint8_t *>(w.data()), sizeof(float) * kN);
	ge::Tensor bt(desc, reinterpret_cast<const uint8_t *>(b.data()), sizeof(float) * kN);
	auto cw = ge::op::Const("w").set_attr_value(wt);
	auto cb = ge::op::Const("b").set_attr_value(bt);
	auto mul = ge::op::Mul("mul").set_input_x1(x).set_input_x2(cw);
	auto add = ge::op::Add("add").set_input_x1(mul).set_input_x2(cb);
	auto relu = ge::op::Relu("relu").set_input_x(add);
	ge::Graph g("seed");
	g.SetInputs({ x }).SetOutputs({ relu });
	return g;
}

ge::Graph ReduceGraph(bool axes_as_data)
{
	auto x = ge::op::Data("x").set_attr_index(0);
	ge::Graph g(axes_as_data ? "reduce_dyn" : "reduce_const");
	if (axes_as_data) {
		auto axes = ge::op::Data("axes").set_attr_index(1);
		auto sum = ge::op::ReduceSum("sum").set_input_x(x).set_input_axes(axes);
		g.SetInputs({ x, axes }).SetOutputs({ sum });
	} else {
		std::vector<int64_t> ax = { 1 };
		ge::TensorDesc d(ge::Shape({ 1 }), ge::FORMAT_ND, ge::DT_INT64);
		auto axes = ge::op::Const("axes").set_attr_value(ge::Tensor(
		        d, reinterpret_cast<const uint8_t *>(ax.data()), sizeof(int64_t)));
		auto sum = ge::op::ReduceSum("sum").set_input_x(x).set_input_axes(axes);
		g.SetInputs({ x }).SetOutputs({ sum });
	}
	return g;
}

struct Ctx {
	ge::Session *v1 = nullptr;
	ge::GeSession *v2 = nullptr;
	weir_session_t *native = nullptr;
	std::vector<float> x = std::vector<float>(kN, 1.0f), y = std::vector<float>(kN);
	std::vector<int64_t> axes[4];
};

ge::Tensor HostX(Ctx &c, const std::vector<int64_t> &dims)
{
	ge::TensorDesc d(ge::Shape(dims), ge::FORMAT_ND, ge::DT_FLOAT);
	return ge::Tensor(d, reinterpret_cast<const uint8_t *>(c.x.data()), sizeof(float) * kN);
}

uint64_t RunV1(void *arg, uint64_t iters, wb_hist_t *)
{
	Ctx &c = *static_cast<Ctx *>(arg);
	std::vector<ge::Tensor> in = { HostX(c, { kRows, kCols }) }, out;
	uint64_t t0 = wb_now_ns();
	for (uint64_t i = 0; i < iters; i++)
		if (c.v1->RunGraph(1, in, out) != ge::SUCCESS)
			return 0;
	return wb_now_ns() - t0;
}

uint64_t RunV2(void *arg, uint64_t iters, wb_hist_t *)
{
	Ctx &c = *static_cast<Ctx *>(arg);
	std::vector<gert::Tensor> in;
	in.emplace_back(gert::StorageShape({ kRows, kCols }, { kRows, kCols }),
	                gert::StorageFormat(ge::FORMAT_ND, ge::FORMAT_ND), gert::kOnHost,
	                ge::DT_FLOAT, c.x.data());
	uint64_t t0 = wb_now_ns();
	for (uint64_t i = 0; i < iters; i++) {
		std::vector<gert::Tensor> out;
		if (c.v2->RunGraph(1, in, out) != ge::SUCCESS)
			return 0;
	}
	return wb_now_ns() - t0;
}

uint64_t RunNative(void *arg, uint64_t iters, wb_hist_t *)
{
	Ctx &c = *static_cast<Ctx *>(arg);
	weir_tensor_t in, out;
	std::memset(&in, 0, sizeof(in));
	std::memset(&out, 0, sizeof(out));
	int64_t dims[2] = { kRows, kCols };
	weir_tensor_desc_init(&in.desc, WEIR_DT_FLOAT, 2, dims);
	in.data = c.x.data();
	in.size = sizeof(float) * kN;
	out.data = c.y.data();
	out.size = sizeof(float) * kN;
	uint64_t t0 = wb_now_ns();
	for (uint64_t i = 0; i < iters; i++)
		if (weir_session_run_graph(c.native, 1, &in, 1, &out, 1) != WEIR_OK)
			return 0;
	return wb_now_ns() - t0;
}

uint64_t RunReduce(Ctx &c, uint32_t id, bool dyn, uint64_t iters)
{
	uint64_t t0 = wb_now_ns();
	for (uint64_t i = 0; i < iters; i++) {
		std::vector<ge::Tensor> in = { HostX(c, { 2, 16 }) }, out;
		if (dyn) {
			const std::vector<int64_t> &ax = c.axes[i % 4];
			ge::TensorDesc d(ge::Shape({ static_cast<int64_t>(ax.size()) }),
			                 ge::FORMAT_ND, ge::DT_INT64);
			in.emplace_back(d, reinterpret_cast<const uint8_t *>(ax.data()),
			                ax.size() * sizeof(int64_t));
		}
		if (c.v1->RunGraph(id, in, out) != ge::SUCCESS)
			return 0;
	}
	return wb_now_ns() - t0;
}
uint64_t RunReduceDyn(void *arg, uint64_t iters, wb_hist_t *)
{
	return RunReduce(*static_cast<Ctx *>(arg), 2, true, iters);
}
uint64_t RunReduceConst(void *arg, uint64_t iters, wb_hist_t *)
{
	return RunReduce(*static_cast<Ctx *>(arg), 3, false, iters);
}

} // namespace

int main(int argc, char **argv)
{
	wb_init(argc, argv, "ge");
	std::map<ge::AscendString, ge::AscendString> none;
	if (ge::GEInitialize(none) != ge::SUCCESS)
		die("GEInitialize");
	Ctx c;
	c.axes[0] = { 1 };
	c.axes[1] = { 0 };
	c.axes[2] = { -1 };
	c.axes[3] = { 0, 1 };
	{
		ge::Session v1(none);
		ge::GeSession v2(none);
		c.v1 = &v1;
		c.v2 = &v2;
		ge::Graph seed = SeedGraph();
		if (v1.AddGraph(1, seed) != ge::SUCCESS || v2.AddGraph(1, seed) != ge::SUCCESS ||
		    v1.AddGraph(2, ReduceGraph(true)) != ge::SUCCESS ||
		    v1.AddGraph(3, ReduceGraph(false)) != ge::SUCCESS)
			die("AddGraph");
		/* The native side: the same graph, lowered once by hand. */
		weir_tensor_desc_t xd;
		int64_t dims[2] = { kRows, kCols };
		weir_tensor_desc_init(&xd, WEIR_DT_FLOAT, 2, dims);
		weir_graph_t *ng = nullptr;
		if (weir_ge_session_create(nullptr, 0, &c.native) != WEIR_OK ||
		    weir_fg_lower(seed.GetFrontEnd(), &xd, 1, nullptr, nullptr, &ng, nullptr) !=
		            WEIR_OK ||
		    weir_session_add_graph(c.native, 1, ng, nullptr, 0) != WEIR_OK)
			die("native set-up");
		weir_graph_destroy(ng);

		uint64_t min = wb_quick() ? 2000 : 20000;
		if (wb_enabled("G1.v1_rungraph.vs_native")) {
			wb_subject_t a = { "ge::Session::RunGraph (host ge::Tensor)", RunV1, &c, 0,
				           min };
			wb_subject_t b = { "weir_session_run_graph", RunNative, &c, 0, min };
			wb_compare("G1.v1_rungraph.vs_native", "ns/run", &a, &b, 0);
		}
		if (wb_enabled("G1.v2_rungraph.vs_native")) {
			wb_subject_t a = { "ge::GeSession::RunGraph (gert::Tensor)", RunV2, &c, 0,
				           min };
			wb_subject_t b = { "weir_session_run_graph", RunNative, &c, 0, min };
			wb_compare("G1.v2_rungraph.vs_native", "ns/run", &a, &b, 0);
		}
		if (wb_enabled("G2.value_key.vs_static")) {
			wb_subject_t a = { "RunGraph, axes as Data (4 keys)", RunReduceDyn, &c, 0,
				           min };
			wb_subject_t b = { "RunGraph, axes as Const", RunReduceConst, &c, 0, min };
			wb_compare("G2.value_key.vs_static", "ns/run", &a, &b, 0);
		}
		weir_ge_session_destroy(c.native);
	}
	ge::GEFinalize();
	return wb_finish();
}
