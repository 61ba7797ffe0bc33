/*
 * tests/onnx/session_run.cpp - the ONNX backend runner's "parse + run" step
 * through GE's public C++ API (session_run.h): the way a GE program imports
 * and runs an ONNX model.
 */
#include "session_run.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ge/ge_api.h"
#include "ge/weir_ge.h"
#include "parser/onnx_parser.h"

namespace
{

std::unique_ptr<ge::Session> g_session;

/* The weir code behind a failed GE call, and its message into why. */
int Fail(const char *what, char *why, size_t cap, bool unsupported_status = false)
{
	int code = weir_ge_last_code();
	if (unsupported_status)
		code = WEIR_ENOTSUP;
	else if (code == WEIR_OK)
		code = WEIR_EINVAL; // a failure weir recorded no code for: an error
	ge::AscendString msg = ge::GEGetErrorMsgV2();
	std::snprintf(why, cap, "%s%s", what, msg.GetString());
	return code;
}

} // namespace

extern "C" int sr_init(char *why, size_t cap)
{
	std::map<ge::AscendString, ge::AscendString> opts;
	if (ge::GEInitialize(opts) != ge::SUCCESS)
		return Fail("GEInitialize: ", why, cap);
	g_session.reset(new ge::Session(opts));
	// A hollow session answers FAILED to everything: probe it once.
	if (g_session->GetSessionId() == 0) {
		g_session.reset();
		ge::GEFinalize();
		return Fail("ge::Session: ", why, cap);
	}
	return WEIR_OK;
}

extern "C" void sr_fini(void)
{
	g_session.reset();
	ge::GEFinalize();
}

extern "C" int sr_add(uint32_t id, const char *path, bool from_mem, int32_t *decl, uint32_t cap,
                      uint32_t *nin, char *why, size_t why_cap)
{
	*nin = 0;
	std::map<ge::AscendString, ge::AscendString> params;
	ge::Graph graph;
	ge::graphStatus st;
	if (from_mem) {
		std::ifstream f(path, std::ios::binary);
		if (!f) {
			std::snprintf(why, why_cap, "cannot read %s", path);
			return WEIR_EINVAL;
		}
		std::vector<char> bytes((std::istreambuf_iterator<char>(f)),
		                        std::istreambuf_iterator<char>());
		st = ge::aclgrphParseONNXFromMem(bytes.data(), bytes.size(), params, graph);
	} else {
		st = ge::aclgrphParseONNX(path, params, graph);
	}
	if (st != ge::GRAPH_SUCCESS)
		return Fail("", why, why_cap);
	// The declared input dtypes: ONNX's test data stores bfloat16 as uint16.
	const weir_fg_t *fg = graph.GetFrontEnd();
	uint32_t n = fg ? weir_fg_input_count(fg) : 0;
	if (n > cap)
		n = cap;
	for (uint32_t i = 0; i < n; i++) {
		weir_fg_desc_t fd;
		decl[i] = weir_fg_input_desc(fg, i, &fd) ? WEIR_DT_UNDEFINED : fd.dtype;
	}
	*nin = n;
	if (g_session->AddGraph(id, graph) != ge::SUCCESS)
		return Fail("add: ", why, why_cap);
	return WEIR_OK;
}

extern "C" int sr_run(uint32_t id, const weir_tensor_t *in, uint32_t nin, weir_tensor_desc_t *od,
                      void **data, uint32_t cap, uint32_t *nout, char *why, size_t why_cap)
{
	*nout = 0;
	std::vector<ge::Tensor> inputs, outputs;
	inputs.reserve(nin);
	for (uint32_t i = 0; i < nin; i++) {
		const weir_tensor_desc_t &d = in[i].desc;
		std::vector<int64_t> dims(d.dims, d.dims + d.rank);
		ge::TensorDesc td(ge::Shape(dims), ge::FORMAT_ND, static_cast<ge::DataType>(d.dtype));
		inputs.emplace_back(td, static_cast<const uint8_t *>(in[i].data), in[i].size);
	}
	ge::Status st = g_session->RunGraph(id, inputs, outputs);
	if (st != ge::SUCCESS)
		return Fail("", why, why_cap, st == ge::UNSUPPORTED);
	if (outputs.size() > cap) {
		std::snprintf(why, why_cap, "%zu outputs, more than %u", outputs.size(), cap);
		return WEIR_EINVAL;
	}
	for (uint32_t j = 0; j < outputs.size(); j++) {
		ge::TensorDesc td = outputs[j].GetTensorDesc();
		std::vector<int64_t> dims = td.GetShape().GetDims();
		if (dims.size() > WEIR_MAX_RANK ||
		    weir_tensor_desc_init(&od[j], static_cast<int>(td.GetDataType()),
		                          static_cast<uint32_t>(dims.size()), dims.data()) != WEIR_OK) {
			std::snprintf(why, why_cap, "output %u: a desc weir cannot hold", j);
			for (uint32_t k = 0; k < j; k++)
				std::free(data[k]);
			return WEIR_EINVAL;
		}
		size_t sz = outputs[j].GetSize();
		data[j] = std::malloc(sz ? sz : 1);
		if (data[j] == nullptr) {
			for (uint32_t k = 0; k < j; k++)
				std::free(data[k]);
			std::snprintf(why, why_cap, "out of memory");
			return WEIR_ENOMEM;
		}
		if (sz)
			std::memcpy(data[j], outputs[j].GetData(), sz);
	}
	*nout = static_cast<uint32_t>(outputs.size());
	return WEIR_OK;
}

extern "C" void sr_remove(uint32_t id)
{
	g_session->RemoveGraph(id);
}
