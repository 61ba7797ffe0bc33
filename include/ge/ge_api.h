/*
 * ge/ge_api.h - GE's v1 session API (ge::GEInitialize, ge::Session) with
 * host ge::Tensor inputs and outputs, on the same engine as the v2 session
 * (ge/ge_api_v2.h): a weir session plus the GE graph manager (weir_ge_gm_*),
 * which lowers operator and ONNX graphs per distinct input shapes. Header-
 * only C++17.
 *
 * GE's call-order contract (shared/spec/ge-clients.md Tier 1):
 *   - RunGraph, RunGraphAsync and BuildGraph refuse a graph that went
 *     through CompileGraph (UNSUPPORTED: the two pipelines are exclusive);
 *   - LoadGraph, GetCompiledGraphSummary and the memory-base setters need
 *     CompileGraph first (GE_GRAPH_NOT_BUILT / nullptr);
 *   - RunGraphWithStreamAsync and ExecuteGraphWithStreamAsync check neither.
 * A Session that outlives GEFinalize() fails every call with FAILED (and
 * GEGetErrorMsgV2 says why); its destructor is safe.
 *
 * Differences from GE (docs/graph.md "GE v1"): host tensors are read and
 * written in place of a device copy (weir's device memory is host memory);
 * the memory-base setters check their arguments but weir keeps its own * arenas; an external allocator (RegisterExternalAllocator) provides the
 * outputs of runs on its stream, not feature memory; RegisterCallBackFunc
 * stores the callback, which weir never calls (no summary or checkpoint
 * ops); variables and data-flow calls are absent.
 */
#ifndef WEIR_GE_GE_API_H
#define WEIR_GE_GE_API_H

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ge/ge_allocator.h"
#include "ge/ge_api_v2.h"
#include "ge/ge_api_error_codes.h"
#include "ge/ge_api_types.h"
#include "ge/ge_graph_compile_summary.h"
#include "graph/graph.h"
#include "graph/tensor.h"

namespace ge
{

typedef uint32_t (*pCallBackFunc)(uint32_t graph_id,
                                  const std::map<std::string, ge::Tensor> &params_list);
namespace session
{
typedef uint32_t (*pCallBackFunc)(uint32_t graph_id,
                                  const std::map<AscendString, ge::Tensor> &params_list);
}

namespace detail
{

inline std::map<AscendString, AscendString> AsAscend(const std::map<std::string, std::string> &m)
{
	std::map<AscendString, AscendString> r;
	for (const auto &kv : m)
		r.emplace(AscendString(kv.first.c_str()), AscendString(kv.second.c_str()));
	return r;
}

inline bool HostToWeir(const Tensor &t, weir_tensor_t &w)
{
	TensorDesc td = t.GetTensorDesc();
	std::vector<int64_t> dims = td.GetShape().GetDims();
	std::memset(&w, 0, sizeof(w));
	if (dims.size() > WEIR_MAX_RANK ||
	    weir_tensor_desc_init(&w.desc, static_cast<int>(td.GetDataType()),
	                          static_cast<uint32_t>(dims.size()), dims.data()) != WEIR_OK) {
		weir_ge_set_error("a ge::Tensor input has an unsupported dtype or shape");
		return false;
	}
	w.data = const_cast<uint8_t *>(t.GetData());
	w.size = t.GetSize();
	return true;
}

inline Tensor HostTensor(const weir_tensor_desc_t &d, std::vector<uint8_t> &&bytes)
{
	std::vector<int64_t> dims(d.dims, d.dims + d.rank);
	Tensor t(TensorDesc(Shape(dims), FORMAT_ND, static_cast<DataType>(d.dtype)));
	t.SetData(std::move(bytes));
	return t;
}

struct AsyncCtxV1 {
	RunAsyncCallback cb;
	std::vector<Tensor> keep; // the inputs stay alive until the callback
};

inline void AsyncTrampolineV1(int status, weir_tensor_t *outs, uint32_t nout, void *user)
{
	std::unique_ptr<AsyncCtxV1> ctx(static_cast<AsyncCtxV1 *>(user));
	std::vector<Tensor> v;
	for (uint32_t i = 0; i < nout; i++) {
		const uint8_t *p = static_cast<const uint8_t *>(outs[i].data);
		size_t n = static_cast<size_t>(weir_tensor_desc_bytes(&outs[i].desc));
		v.push_back(HostTensor(outs[i].desc, std::vector<uint8_t>(p, p + n)));
		weir_ge_free(outs[i].data);
	}
	if (ctx->cb)
		ctx->cb(status == WEIR_OK ? SUCCESS : FAILED, v);
}

/* Outputs allocated through an external allocator and handed out as
 * gert::Tensor: the TensorData manager (a plain function) finds the block by
 * its address to free it. */
struct BlockRegistry {
	std::mutex lock;
	std::map<void *, MemBlock *> blocks;
};
inline BlockRegistry &Blocks()
{
	static BlockRegistry r;
	return r;
}
inline ge::graphStatus BlockManager(gert::TensorAddress addr, gert::TensorOperateType op,
                                    void **out)
{
	switch (op) {
	case gert::kGetTensorAddress:
		if (out != nullptr)
			*out = addr;
		return GRAPH_SUCCESS;
	case gert::kFreeTensor: {
		MemBlock *b = nullptr;
		{
			std::lock_guard<std::mutex> lk(Blocks().lock);
			auto it = Blocks().blocks.find(addr);
			if (it != Blocks().blocks.end()) {
				b = it->second;
				Blocks().blocks.erase(it);
			}
		}
		if (b == nullptr)
			return GRAPH_FAILED;
		b->Free();
		return GRAPH_SUCCESS;
	}
	default: return GRAPH_FAILED;
	}
}

} // namespace detail

inline Status GEInitialize(const std::map<AscendString, AscendString> &options)
{
	return GEInitializeV2(options);
}
inline Status GEInitialize(const std::map<std::string, std::string> &options)
{
	return GEInitializeV2(detail::AsAscend(options));
}
inline Status GEFinalize()
{
	return GEFinalizeV2();
}
inline std::string GEGetErrorMsg()
{
	return std::string(weir_graph_last_error());
}
inline AscendString GEGetErrorMsgV2()
{
	return AscendString(weir_graph_last_error());
}
inline std::string GEGetWarningMsg()
{
	return std::string();
}
inline AscendString GEGetWarningMsgV2()
{
	return AscendString("");
}

class Session
{
      public:
	explicit Session(const std::map<AscendString, AscendString> &options) : s_(options) {}
	explicit Session(const std::map<std::string, std::string> &options)
	    : s_(detail::AsAscend(options))
	{
	}
	~Session() = default;
	Session(const Session &) = delete;
	Session &operator=(const Session &) = delete;

	Status AddGraph(uint32_t graph_id, const Graph &graph)
	{
		return AddGraph(graph_id, graph, std::map<AscendString, AscendString>{});
	}
	Status AddGraph(uint32_t graph_id, const Graph &graph,
	                const std::map<std::string, std::string> &options)
	{
		return AddGraph(graph_id, graph, detail::AsAscend(options));
	}
	Status AddGraph(uint32_t graph_id, const Graph &graph,
	                const std::map<AscendString, AscendString> &options)
	{
		Status st = s_.AddGraph(graph_id, graph, options);
		if (st == SUCCESS) {
			std::lock_guard<std::mutex> lk(lock_);
			compiled_[graph_id] = false;
		}
		return st;
	}
	Status AddGraphWithCopy(uint32_t graph_id, const Graph &graph)
	{
		return AddGraph(graph_id, graph, std::map<AscendString, AscendString>{});
	}
	Status AddGraphWithCopy(uint32_t graph_id, const Graph &graph,
	                        const std::map<AscendString, AscendString> &options)
	{
		return AddGraph(graph_id, graph, options);
	}
	Status RemoveGraph(uint32_t graph_id)
	{
		Status st = s_.RemoveGraph(graph_id);
		std::lock_guard<std::mutex> lk(lock_);
		compiled_.erase(graph_id);
		return st;
	}

	Status RunGraph(uint32_t graph_id, const std::vector<Tensor> &inputs,
	                std::vector<Tensor> &outputs)
	{
		if (Refuse(graph_id, "RunGraph"))
			return UNSUPPORTED;
		std::vector<weir_tensor_t> in;
		if (!Inputs(inputs, in))
			return FAILED;
		std::vector<weir_tensor_desc_t> od(kMaxOutputs);
		uint32_t nout = 0;
		weir_ge_gm_t *m = s_.Manager();
		if (m == nullptr ||
		    weir_ge_gm_output_descs(m, graph_id, in.data(), Count(in), od.data(),
		                            kMaxOutputs, &nout) != WEIR_OK)
			return FAILED;
		if (nout > kMaxOutputs) {
			weir_ge_set_error("RunGraph: more than 1024 outputs");
			return FAILED;
		}
		std::vector<std::vector<uint8_t>> bufs(nout);
		std::vector<weir_tensor_t> out(nout);
		for (uint32_t j = 0; j < nout; j++) {
			int64_t b = weir_tensor_desc_bytes(&od[j]);
			bufs[j].resize(static_cast<size_t>(b > 0 ? b : 0) + 1);
			std::memset(&out[j], 0, sizeof(out[j]));
			out[j].data = bufs[j].data();
			out[j].size = bufs[j].size();
		}
		int rc = weir_ge_gm_run(m, graph_id, in.data(), Count(in), out.data(), nout);
		if (rc != WEIR_OK)
			return rc == WEIR_ENOTSUP ? UNSUPPORTED : FAILED;
		outputs.clear();
		for (uint32_t j = 0; j < nout; j++) {
			bufs[j].resize(static_cast<size_t>(weir_tensor_desc_bytes(&out[j].desc)));
			outputs.push_back(detail::HostTensor(out[j].desc, std::move(bufs[j])));
		}
		return SUCCESS;
	}

	Status RunGraphAsync(uint32_t graph_id, const std::vector<ge::Tensor> &inputs,
	                     RunAsyncCallback callback)
	{
		if (Refuse(graph_id, "RunGraphAsync"))
			return UNSUPPORTED;
		std::vector<weir_tensor_t> in;
		weir_ge_gm_t *m = s_.Manager();
		if (m == nullptr || !Inputs(inputs, in))
			return FAILED;
		auto *ctx = new detail::AsyncCtxV1{ std::move(callback), inputs };
		int rc = weir_ge_gm_run_async(m, graph_id, in.data(), Count(in),
		                              detail::AsyncTrampolineV1, ctx);
		if (rc != WEIR_OK) {
			delete ctx;
			return rc == WEIR_ENOTSUP ? UNSUPPORTED : FAILED;
		}
		return SUCCESS;
	}

	Status BuildGraph(uint32_t graph_id, const std::vector<ge::Tensor> &inputs)
	{
		if (Refuse(graph_id, "BuildGraph"))
			return UNSUPPORTED;
		std::vector<weir_tensor_t> in;
		weir_ge_gm_t *m = s_.Manager();
		if (m == nullptr || !Inputs(inputs, in))
			return FAILED;
		std::vector<weir_tensor_desc_t> d;
		for (const auto &t : in)
			d.push_back(t.desc);
		return weir_ge_gm_compile(m, graph_id, d.data(), Count(in), nullptr) == WEIR_OK
		               ? SUCCESS
		               : FAILED;
	}
	Status BuildGraph(uint32_t graph_id, const std::vector<InputTensorInfo> &inputs)
	{
		std::vector<Tensor> t;
		for (const auto &i : inputs) {
			TensorDesc td(Shape(i.dims), FORMAT_ND, static_cast<DataType>(i.data_type));
			t.emplace_back(td);
		}
		return BuildGraph(graph_id, t);
	}

	Status CompileGraph(uint32_t graph_id)
	{
		weir_ge_gm_t *m = s_.Manager();
		if (m == nullptr)
			return FAILED;
		bool deferred = false;
		if (weir_ge_gm_compile(m, graph_id, nullptr, 0, &deferred) != WEIR_OK)
			return FAILED;
		std::lock_guard<std::mutex> lk(lock_);
		compiled_[graph_id] = true;
		return SUCCESS;
	}
	Status LoadGraph(const uint32_t graph_id,
	                 const std::map<AscendString, AscendString> &options, void *stream) const
	{
		if (!Compiled(graph_id, "LoadGraph"))
			return GE_GRAPH_NOT_BUILT;
		return s_.LoadGraph(graph_id, options, stream);
	}
	CompiledGraphSummaryPtr GetCompiledGraphSummary(uint32_t graph_id)
	{
		if (!Compiled(graph_id, "GetCompiledGraphSummary"))
			return nullptr;
		return s_.GetCompiledGraphSummary(graph_id);
	}

	Status RunGraphWithStreamAsync(uint32_t graph_id, void *stream,
	                               const std::vector<Tensor> &inputs,
	                               std::vector<Tensor> &outputs)
	{
		weir_ge_gm_t *m = s_.Manager();
		weir_stream_t *ws = nullptr;
		std::vector<weir_tensor_t> in;
		if (m == nullptr || weir_session_acl_stream(stream, &ws) != WEIR_OK ||
		    !Inputs(inputs, in))
			return FAILED;
		std::vector<weir_tensor_desc_t> od(kMaxOutputs);
		uint32_t nout = 0;
		if (weir_ge_gm_output_descs(m, graph_id, in.data(), Count(in), od.data(),
		                            kMaxOutputs, &nout) != WEIR_OK ||
		    nout > kMaxOutputs)
			return FAILED;
		std::vector<weir_tensor_t> out(nout);
		std::vector<MemBlock *> blocks(nout, nullptr);
		AllocatorPtr alloc = AllocatorFor(stream);
		auto drop = [&blocks]() {
			for (MemBlock *b : blocks)
				if (b != nullptr)
					b->Free();
		};
		for (uint32_t j = 0; j < nout; j++) {
			std::memset(&out[j], 0, sizeof(out[j]));
			if (j < outputs.size() && outputs[j].GetData() != nullptr) {
				out[j].data = outputs[j].GetData();
				out[j].size = outputs[j].GetSize();
			} else if (alloc) {
				int64_t b = weir_tensor_desc_bytes(&od[j]);
				size_t want = static_cast<size_t>(b > 0 ? b : 1);
				blocks[j] = alloc->Malloc(want);
				if (blocks[j] == nullptr || blocks[j]->GetAddr() == nullptr ||
				    blocks[j]->GetSize() < want) {
					if (blocks[j] != nullptr)
						blocks[j]->Free();
					blocks[j] = nullptr;
					drop();
					weir_ge_set_error("RunGraphWithStreamAsync: the external "
					                  "allocator gave no block for an output");
					return MEMALLOC_FAILED;
				}
				out[j].data = blocks[j]->GetAddr();
				out[j].size = blocks[j]->GetSize();
			}
		}
		if (weir_ge_gm_run_stream(m, graph_id, ws, in.data(), Count(in), out.data(),
		                          nout) != WEIR_OK) {
			drop();
			return FAILED;
		}
		outputs.resize(nout);
		for (uint32_t j = 0; j < nout; j++) {
			std::vector<int64_t> dims(out[j].desc.dims,
			                          out[j].desc.dims + out[j].desc.rank);
			TensorDesc td(Shape(dims), FORMAT_ND,
			              static_cast<DataType>(out[j].desc.dtype));
			if (outputs[j].GetData() == out[j].data) {
				outputs[j].SetTensorDesc(td);
				continue;
			}
			Tensor t(td);
			if (blocks[j] != nullptr) { // the external allocator's block
				MemBlock *blk = blocks[j];
				t.SetData(static_cast<uint8_t *>(out[j].data), out[j].size,
				          [blk](uint8_t *) { blk->Free(); });
			} else { // weir allocated it on the device: the tensor frees it
				t.SetData(static_cast<uint8_t *>(out[j].data), out[j].size,
				          [](uint8_t *p) { weir_ge_free(p); });
			}
			outputs[j] = t;
		}
		return SUCCESS;
	}
	Status ExecuteGraphWithStreamAsync(uint32_t graph_id, void *stream,
	                                   const std::vector<gert::Tensor> &inputs,
	                                   std::vector<gert::Tensor> &outputs)
	{
		AllocatorPtr alloc = AllocatorFor(stream);
		if (!alloc || !outputs.empty())
			return s_.RunGraphWithStreamAsync(graph_id, stream, inputs, outputs);
		/* Empty outputs with an external allocator: size them, then take
		 * their memory from the allocator. */
		weir_ge_gm_t *m = s_.Manager();
		std::vector<weir_tensor_t> in(inputs.size());
		for (size_t i = 0; i < inputs.size(); i++)
			if (!detail::ToWeir(inputs[i], in[i]))
				return FAILED;
		std::vector<weir_tensor_desc_t> od(kMaxOutputs);
		uint32_t nout = 0;
		if (m == nullptr ||
		    weir_ge_gm_output_descs(m, graph_id, in.data(), Count(in), od.data(),
		                            kMaxOutputs, &nout) != WEIR_OK ||
		    nout > kMaxOutputs)
			return FAILED;
		std::vector<gert::Tensor> made;
		for (uint32_t j = 0; j < nout; j++) {
			int64_t b = weir_tensor_desc_bytes(&od[j]);
			size_t want = static_cast<size_t>(b > 0 ? b : 1);
			MemBlock *blk = alloc->Malloc(want);
			if (blk == nullptr || blk->GetAddr() == nullptr || blk->GetSize() < want) {
				if (blk != nullptr)
					blk->Free();
				weir_ge_set_error(
				        "ExecuteGraphWithStreamAsync: the external allocator "
				        "gave no block for an output");
				return MEMALLOC_FAILED; // `made` frees the blocks taken so far
			}
			{
				std::lock_guard<std::mutex> lk(detail::Blocks().lock);
				detail::Blocks().blocks[blk->GetAddr()] = blk;
			}
			weir_tensor_t w;
			std::memset(&w, 0, sizeof(w));
			w.desc = od[j];
			w.data = blk->GetAddr();
			w.size = blk->GetSize();
			gert::Tensor t = detail::FromWeir(w, false);
			t.SetData(gert::TensorData(blk->GetAddr(), detail::BlockManager,
			                           blk->GetSize(), gert::kOnDeviceHbm));
			made.push_back(std::move(t));
		}
		Status st = s_.RunGraphWithStreamAsync(graph_id, stream, inputs, made);
		if (st == SUCCESS)
			outputs = std::move(made);
		return st;
	}

	/* GE: outputs of runs on `stream` take their memory from `allocator`. */
	Status RegisterExternalAllocator(const void *const stream, AllocatorPtr allocator) const
	{
		if (stream == nullptr || !allocator) {
			weir_ge_set_error("RegisterExternalAllocator: NULL stream or allocator");
			return PARAM_INVALID;
		}
		std::lock_guard<std::mutex> lk(lock_);
		allocators_[stream] = std::move(allocator);
		return SUCCESS;
	}
	Status UnregisterExternalAllocator(const void *const stream) const
	{
		std::lock_guard<std::mutex> lk(lock_);
		allocators_.erase(stream);
		return SUCCESS;
	}

	Status RegisterCallBackFunc(const std::string &key, const pCallBackFunc &callback)
	{
		std::lock_guard<std::mutex> lk(lock_);
		callbacks_[key] = callback;
		return SUCCESS;
	}
	Status RegisterCallBackFunc(const char *key, const session::pCallBackFunc &callback)
	{
		if (key == nullptr)
			return FAILED;
		std::lock_guard<std::mutex> lk(lock_);
		callbacks2_[key] = callback;
		return SUCCESS;
	}
	bool IsGraphNeedRebuild(uint32_t graph_id) { return s_.IsGraphNeedRebuild(graph_id); }
	uint64_t GetSessionId() const { return s_.GetSessionId(); }
	Status GraphDebugJSONPrint(const uint32_t graph_id, uint32_t flags,
	                           AscendString &json_result) const
	{
		return s_.GraphDebugJSONPrint(graph_id, flags, json_result);
	}

	Status SetGraphConstMemoryBase(uint32_t graph_id, const void *const memory, size_t size)
	{
		return MemoryBase(graph_id, memory, size, "SetGraphConstMemoryBase", true);
	}
	Status UpdateGraphFeatureMemoryBase(uint32_t graph_id, const void *const memory,
	                                    size_t size)
	{
		return MemoryBase(graph_id, memory, size, "UpdateGraphFeatureMemoryBase", false);
	}
	Status SetGraphFixedFeatureMemoryBase(uint32_t graph_id, const void *const memory,
	                                      size_t size)
	{
		return MemoryBase(graph_id, memory, size, "SetGraphFixedFeatureMemoryBase", false);
	}
	Status SetGraphFixedFeatureMemoryBaseWithType(uint32_t graph_id, MemoryType type,
	                                              const void *const memory, size_t size)
	{
		(void)type;
		return MemoryBase(graph_id, memory, size, "SetGraphFixedFeatureMemoryBaseWithType",
		                  false);
	}
	Status UpdateGraphRefreshableFeatureMemoryBase(uint32_t graph_id, const void *const memory,
	                                               size_t size)
	{
		return MemoryBase(graph_id, memory, size, "UpdateGraphRefreshableFeatureMemoryBase",
		                  false);
	}

      private:
	static constexpr uint32_t kMaxOutputs = 1024;
	static uint32_t Count(const std::vector<weir_tensor_t> &v)
	{
		return static_cast<uint32_t>(v.size());
	}

	static bool Inputs(const std::vector<Tensor> &inputs, std::vector<weir_tensor_t> &in)
	{
		in.resize(inputs.size());
		for (size_t i = 0; i < inputs.size(); i++)
			if (!detail::HostToWeir(inputs[i], in[i]))
				return false;
		return true;
	}

	/* Run-type calls refuse a graph that went through CompileGraph. */
	bool Refuse(uint32_t graph_id, const char *fn)
	{
		std::lock_guard<std::mutex> lk(lock_);
		auto it = compiled_.find(graph_id);
		if (it == compiled_.end() || !it->second)
			return false;
		std::string msg = std::string(fn) + ": graph " + std::to_string(graph_id) +
		                  " went through CompileGraph; " + fn +
		                  " and CompileGraph are mutually exclusive (E10062): use "
		                  "LoadGraph and ExecuteGraphWithStreamAsync";
		weir_ge_set_error(msg.c_str());
		return true;
	}
	bool Compiled(uint32_t graph_id, const char *fn) const
	{
		std::lock_guard<std::mutex> lk(lock_);
		auto it = compiled_.find(graph_id);
		if (it != compiled_.end() && it->second)
			return true;
		std::string msg = std::string(fn) + ": graph " + std::to_string(graph_id) +
		                  (it == compiled_.end() ? " is not in this session"
		                                         : " is not compiled: call CompileGraph "
		                                           "first (GE_GRAPH_NOT_BUILT)");
		weir_ge_set_error(msg.c_str());
		return false;
	}
	Status MemoryBase(uint32_t graph_id, const void *memory, size_t size, const char *fn,
	                  bool is_const)
	{
		if (!Compiled(graph_id, fn))
			return GE_GRAPH_NOT_BUILT;
		CompiledGraphSummaryPtr sum = s_.GetCompiledGraphSummary(graph_id);
		if (!sum)
			return FAILED;
		size_t need = 0;
		if (is_const)
			sum->GetConstMemorySize(need);
		else
			sum->GetFeatureMemorySize(need);
		if ((memory == nullptr && size != 0) || size < need) {
			std::string msg = std::string(fn) + ": graph " + std::to_string(graph_id) +
			                  " needs " + std::to_string(need) + " bytes, got " +
			                  std::to_string(size);
			weir_ge_set_error(msg.c_str());
			return PARAM_INVALID;
		}
		return SUCCESS;
	}
	AllocatorPtr AllocatorFor(const void *stream) const
	{
		std::lock_guard<std::mutex> lk(lock_);
		auto it = allocators_.find(stream);
		return it == allocators_.end() ? nullptr : it->second;
	}

	GeSession s_;
	mutable std::mutex lock_;
	mutable std::map<const void *, AllocatorPtr> allocators_; // per stream
	std::map<uint32_t, bool> compiled_; // graph id -> went through CompileGraph
	std::map<std::string, pCallBackFunc> callbacks_;
	std::map<std::string, session::pCallBackFunc> callbacks2_;
};

} // namespace ge

#endif
