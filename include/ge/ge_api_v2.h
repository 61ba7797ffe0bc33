/*
 * ge_api_v2.h - GE's v2 session API (ge::GEInitializeV2, ge::GeSession, ...)
 * over weir's C session API (weir/session.h). Header-only C++17.
 *
 * Follows shared/spec/ge-graph.md: names and prototypes of ge_api_v2.h,
 * Status values (wrapper failures collapse to FAILED; a run-mode conflict is
 * UNSUPPORTED from RunGraph/RunGraphAsync), the graph state machine with
 * auto compile/load, output vectors (empty -> resized and allocated by weir;
 * pre-sized -> entries with memory are used in place, entries without get
 * allocated). Allocated outputs own their memory through a gert::TensorData
 * manager: clear() them before GEFinalizeV2, as in GE.
 *
 * Differences from GE (docs/graph.md): graphs are weir native graphs
 * (ge::Graph wraps one); AddGraph copies the graph (as AddGraphClone) and a
 * reused graph id fails; RunGraphAsync compiles/loads in the calling thread
 * and calls back on the device's host-callback thread; the process-wide
 * RunGraph try-lock is not imitated; GEGetErrorMsgV3 returns the calling
 * thread's last weir message.
 */
#ifndef WEIR_GE_API_V2_H
#define WEIR_GE_API_V2_H

#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "acl/acl.h"
#include "weir/session.h"
#include "acl/weir_acl.h"
#include "weir_ge.h"
#include "ge_error_codes.h"
#include "graph/ascend_string.h"
#include "graph/types.h"
#include "graph/graph.h"
#include "exe_graph/runtime/tensor.h"
#include "ge_api_types.h"
#include "ge/ge_graph_compile_summary.h"

namespace ge
{

namespace detail
{

inline std::vector<weir_option_t> Options(const std::map<AscendString, AscendString> &m, bool &bad)
{
	std::vector<weir_option_t> v;
	bad = false;
	for (const auto &kv : m) {
		if (kv.first.GetLength() == 0)
			bad = true;
		v.push_back(weir_option_t{ kv.first.GetString(), kv.second.GetString() });
	}
	return v;
}

inline ge::graphStatus OutputManager(gert::TensorAddress addr, gert::TensorOperateType op,
                                     void **out)
{
	switch (op) {
	case gert::kGetTensorAddress:
		if (out != nullptr)
			*out = addr;
		return GRAPH_SUCCESS;
	case gert::kFreeTensor: return weir_ge_free(addr) == WEIR_OK ? GRAPH_SUCCESS : GRAPH_FAILED;
	default: return GRAPH_FAILED; // sharing is not supported
	}
}

inline bool ToWeir(const gert::Tensor &t, weir_tensor_t &w)
{
	const gert::Shape &s = t.GetStorageShape();
	if (s.GetDimNum() > WEIR_MAX_RANK)
		return false;
	std::memset(&w, 0, sizeof(w));
	w.data = const_cast<void *>(t.GetAddr());
	w.size = t.GetSize();
	w.desc.dtype = static_cast<int32_t>(t.GetDataType());
	w.desc.rank = static_cast<uint32_t>(s.GetDimNum());
	for (size_t i = 0; i < s.GetDimNum(); i++)
		w.desc.dims[i] = s.GetDim(i);
	return true;
}

inline gert::Tensor FromWeir(const weir_tensor_t &w, bool owned)
{
	gert::Tensor t(gert::StorageShape(), gert::StorageFormat(FORMAT_ND, FORMAT_ND),
	               static_cast<DataType>(w.desc.dtype));
	for (uint32_t i = 0; i < w.desc.rank; i++) {
		t.MutableStorageShape().AppendDim(w.desc.dims[i]);
		t.MutableOriginShape().AppendDim(w.desc.dims[i]);
	}
	t.SetData(gert::TensorData(w.data, owned ? OutputManager : nullptr, w.size,
	                           gert::kOnDeviceHbm));
	return t;
}

// Add a front-end (operator IR, ONNX) or native graph to a GE graph manager.
inline int AddGraphTo(weir_ge_gm_t *m, uint32_t id, const Graph &graph,
                      const std::vector<weir_option_t> &o)
{
	const weir_fg_t *fg = graph.GetFrontEnd();
	if (fg != nullptr)
		return weir_ge_gm_add(m, id, fg, nullptr, o.data(), o.size());
	if (graph.GetNativeGraph() == nullptr)
		return WEIR_EINVAL;
	return weir_ge_gm_add(m, id, nullptr, graph.GetNativeGraph(), o.data(), o.size());
}

struct AsyncCtx {
	RunAsyncCallbackV2 cb;
};

inline void AsyncTrampoline(int status, weir_tensor_t *outs, uint32_t nout, void *user)
{
	std::unique_ptr<AsyncCtx> ctx(static_cast<AsyncCtx *>(user));
	std::vector<gert::Tensor> v;
	for (uint32_t i = 0; i < nout; i++)
		v.push_back(FromWeir(outs[i], true));
	if (ctx->cb)
		ctx->cb(status == WEIR_OK ? SUCCESS : FAILED, v);
}

} // namespace detail

inline Status GEInitializeV2(const std::map<AscendString, AscendString> &options)
{
	bool bad;
	std::vector<weir_option_t> o = detail::Options(options, bad);
	if (bad)
		return FAILED;
	return weir_ge_initialize(o.data(), o.size()) == WEIR_OK ? SUCCESS : FAILED;
}

inline Status GEFinalizeV2()
{
	return weir_ge_finalize() == WEIR_OK ? SUCCESS : FAILED;
}

inline AscendString GEGetErrorMsgV3()
{
	return AscendString(weir_graph_last_error());
}
inline AscendString GEGetWarningMsgV3()
{
	return AscendString("");
}

class GeSession
{
      public:
	explicit GeSession(const std::map<AscendString, AscendString> &options)
	{
		bool bad;
		std::vector<weir_option_t> o = detail::Options(options, bad);
		if (bad || weir_ge_session_create(o.data(), o.size(), &s_) != WEIR_OK) {
			s_ = nullptr; // hollow: every method returns FAILED
			return;
		}
		if (weir_ge_gm_create(s_, &m_) != WEIR_OK) {
			weir_ge_session_destroy(s_);
			s_ = nullptr;
			return;
		}
		uint32_t dev = 0;
		weir_session_device(s_, &dev);
		dev_ = static_cast<int32_t>(dev);
		// GE's constructor sets the session's device on the constructing thread.
		set_device_ = aclrtSetDevice(dev_) == ACL_SUCCESS;
	}
	~GeSession()
	{
		if (s_ == nullptr)
			return;
		// Undo the constructor's aclrtSetDevice only on the runtime it was made
		// on: after aclFinalize (and maybe a new aclInit) that device reference
		// is gone, and resetting would take one the session never held.
		bool reset = set_device_ && weir_ge_session_check(s_) == WEIR_OK;
		weir_ge_gm_destroy(m_);
		weir_ge_session_destroy(s_);
		if (reset)
			aclrtResetDevice(dev_);
	}
	GeSession(const GeSession &) = delete;
	GeSession &operator=(const GeSession &) = delete;

	uint64_t GetSessionId() const { return s_ ? weir_session_id(s_) : 0; }
	/* weir: the session's graph manager (nullptr when the session is hollow or
	 * GE was finalized under it); ge::Session (v1) runs through it. */
	weir_ge_gm_t *Manager() const { return Ok() ? m_ : nullptr; }

	Status AddGraph(uint32_t graph_id, const Graph &graph)
	{
		return AddGraph(graph_id, graph, {});
	}
	Status AddGraph(uint32_t graph_id, const Graph &graph,
	                const std::map<AscendString, AscendString> &options)
	{
		if (!Ok() || !graph.IsValid())
			return FAILED;
		bool bad;
		std::vector<weir_option_t> o = detail::Options(options, bad);
		if (bad)
			return FAILED;
		return detail::AddGraphTo(m_, graph_id, graph, o) == WEIR_OK ? SUCCESS : FAILED;
	}
	Status AddGraphClone(uint32_t graph_id, const Graph &graph)
	{
		return AddGraph(graph_id, graph, {});
	}
	Status AddGraphClone(uint32_t graph_id, const Graph &graph,
	                     const std::map<AscendString, AscendString> &options)
	{
		return AddGraph(graph_id, graph, options);
	}
	Status RemoveGraph(uint32_t graph_id)
	{
		return Ok() && weir_ge_gm_remove(m_, graph_id) == WEIR_OK ? SUCCESS : FAILED;
	}
	bool IsGraphNeedRebuild(uint32_t graph_id)
	{
		return !Ok() ? false : !weir_ge_gm_has(m_, graph_id);
	}
	Status CompileGraph(uint32_t graph_id)
	{
		return Ok() && weir_ge_gm_compile(m_, graph_id, nullptr, 0, nullptr) == WEIR_OK
		               ? SUCCESS
		               : FAILED;
	}
	Status LoadGraph(const uint32_t graph_id,
	                 const std::map<AscendString, AscendString> &options, void *stream) const
	{
		if (!Ok())
			return FAILED;
		bool bad;
		std::vector<weir_option_t> o = detail::Options(options, bad);
		weir_stream_t *ws = nullptr;
		if (bad || (stream != nullptr && weir_session_acl_stream(stream, &ws) != WEIR_OK))
			return FAILED;
		return weir_ge_gm_load(m_, graph_id, o.data(), o.size(), ws) == WEIR_OK ? SUCCESS
		                                                                        : FAILED;
	}
	Status RunGraph(uint32_t graph_id, const std::vector<gert::Tensor> &inputs,
	                std::vector<gert::Tensor> &outputs)
	{
		outputs.clear();
		std::vector<weir_tensor_t> in, out;
		if (!Prepare(graph_id, inputs, outputs, in, out))
			return FAILED;
		int rc = weir_ge_gm_run(m_, graph_id, in.data(), static_cast<uint32_t>(in.size()),
		                        out.data(), static_cast<uint32_t>(out.size()));
		if (rc != WEIR_OK)
			return rc == WEIR_ENOTSUP ? UNSUPPORTED : FAILED;
		Finish(out, outputs);
		return SUCCESS;
	}
	Status RunGraphWithStreamAsync(uint32_t graph_id, void *stream,
	                               const std::vector<gert::Tensor> &inputs,
	                               std::vector<gert::Tensor> &outputs)
	{
		std::vector<weir_tensor_t> in, out;
		weir_stream_t *ws = nullptr;
		if (!Ok() || weir_session_acl_stream(stream, &ws) != WEIR_OK)
			return FAILED;
		if (!Prepare(graph_id, inputs, outputs, in, out))
			return FAILED;
		int rc = weir_ge_gm_run_stream(m_, graph_id, ws, in.data(),
		                               static_cast<uint32_t>(in.size()), out.data(),
		                               static_cast<uint32_t>(out.size()));
		if (rc != WEIR_OK)
			return FAILED;
		Finish(out, outputs);
		return SUCCESS;
	}
	Status RunGraphAsync(uint32_t graph_id, const std::vector<gert::Tensor> &inputs,
	                     RunAsyncCallbackV2 callback)
	{
		if (!Ok())
			return FAILED;
		std::vector<weir_tensor_t> in(inputs.size());
		for (size_t i = 0; i < inputs.size(); i++)
			if (!detail::ToWeir(inputs[i], in[i]))
				return FAILED;
		auto *ctx = new detail::AsyncCtx{ std::move(callback) };
		int rc = weir_ge_gm_run_async(m_, graph_id, in.data(),
		                              static_cast<uint32_t>(in.size()),
		                              detail::AsyncTrampoline, ctx);
		if (rc != WEIR_OK) {
			std::vector<gert::Tensor> none;
			Status st = rc == WEIR_ENOTSUP ? UNSUPPORTED : FAILED;
			if (ctx->cb && rc == WEIR_ENOTSUP)
				ctx->cb(st, none);
			delete ctx;
			return st;
		}
		return SUCCESS;
	}
	CompiledGraphSummaryPtr GetCompiledGraphSummary(uint32_t graph_id)
	{
		weir_graph_summary_t s;
		if (!Ok() || weir_ge_gm_summary(m_, graph_id, nullptr, 0, &s) != WEIR_OK)
			return nullptr;
		return std::make_shared<CompiledGraphSummary>(s);
	}
	Status GraphDebugJSONPrint(const uint32_t graph_id, uint32_t flags,
	                           AscendString &json_result) const
	{
		char *j = nullptr;
		if (!Ok() || flags != 0 || weir_ge_gm_plan_json(m_, graph_id, &j) != WEIR_OK)
			return FAILED;
		json_result = AscendString(j);
		weir_graph_dump_free(j);
		return SUCCESS;
	}

      private:
	// GE initialized and the session on the current ACL runtime (else FAILED,
	// message E10062 in GEGetErrorMsgV3, as GE). Every weir call below checks
	// again, race-free, and fails with WEIR_EFINALIZED once the runtime is gone.
	bool Ok() const { return s_ != nullptr && weir_ge_session_check(s_) == WEIR_OK; }

	// Convert inputs; size outputs per GE's rules (empty -> one per graph output).
	bool Prepare(uint32_t graph_id, const std::vector<gert::Tensor> &inputs,
	             std::vector<gert::Tensor> &outputs, std::vector<weir_tensor_t> &in,
	             std::vector<weir_tensor_t> &out)
	{
		if (!Ok())
			return false;
		in.resize(inputs.size());
		for (size_t i = 0; i < inputs.size(); i++)
			if (!detail::ToWeir(inputs[i], in[i]))
				return false;
		size_t nout = outputs.size();
		if (nout == 0) {
			uint32_t n = 0;
			if (weir_ge_gm_output_descs(m_, graph_id, in.data(),
			                            static_cast<uint32_t>(in.size()), nullptr, 0,
			                            &n) != WEIR_OK)
				return false;
			nout = n;
		}
		out.assign(nout, weir_tensor_t{});
		for (size_t j = 0; j < outputs.size(); j++) {
			if (!detail::ToWeir(outputs[j], out[j]))
				return false;
			if (out[j].data == nullptr || out[j].size == 0) {
				out[j].data = nullptr;
				out[j].size = 0;
			}
		}
		return true;
	}
	void Finish(const std::vector<weir_tensor_t> &out, std::vector<gert::Tensor> &outputs)
	{
		if (outputs.size() != out.size())
			outputs.resize(out.size());
		for (size_t j = 0; j < out.size(); j++) {
			bool was_empty =
			        outputs[j].GetAddr() == nullptr || outputs[j].GetSize() == 0;
			if (was_empty)
				outputs[j] = detail::FromWeir(out[j], true);
		}
	}

	weir_session_t *s_ = nullptr;
	weir_ge_gm_t *m_ = nullptr; // graph ids -> native graphs (one per input key)
	int32_t dev_ = 0;
	bool set_device_ = false;
};

} // namespace ge

#endif
