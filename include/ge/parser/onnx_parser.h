/*
 * parser/onnx_parser.h - GE's ONNX parser entry points (ge::aclgrphParseONNX,
 * ge::aclgrphParseONNXFromMem), header-only C++17 over weir's ONNX importer
 * (ge/weir_ge.h weir_onnx_parse_*: protobuf-c bindings generated from
 * Debian's onnx.proto). The graph comes back as a front-end graph of ONNX
 * nodes, lowered onto weir's op library per input shapes when it runs.
 * parser_params are accepted and ignored (GE's keys select input formats and
 * output names; an unknown op or attribute is reported either way, naming
 * the node, through GEGetErrorMsgV2, as is every other failure: a nullptr
 * file or buffer, a file that cannot be read, bytes that do not decode).
 */
#ifndef WEIR_GE_PARSER_ONNX_PARSER_H
#define WEIR_GE_PARSER_ONNX_PARSER_H

#include <cstddef>
#include <map>
#include "ge/weir_ge.h"
#include "graph/ascend_string.h"
#include "graph/ge_error_codes.h"
#include "graph/graph.h"
#include "graph/types.h"

namespace ge
{

inline graphStatus aclgrphParseONNX(
        const char *model_file, const std::map<ge::AscendString, ge::AscendString> &parser_params,
        ge::Graph &graph)
{
	(void)parser_params;
	weir_fg_t *fg = nullptr;
	if (model_file == nullptr) {
		weir_ge_set_error("aclgrphParseONNX: model_file is nullptr");
		return GRAPH_FAILED;
	}
	if (weir_onnx_parse_file(model_file, &fg) != WEIR_OK)
		return GRAPH_FAILED;
	graph = Graph::FromFrontEnd(fg);
	return GRAPH_SUCCESS;
}

inline graphStatus aclgrphParseONNXFromMem(
        const char *buffer, size_t size,
        const std::map<ge::AscendString, ge::AscendString> &parser_params, ge::Graph &graph)
{
	(void)parser_params;
	weir_fg_t *fg = nullptr;
	if (buffer == nullptr) {
		weir_ge_set_error("aclgrphParseONNXFromMem: buffer is nullptr");
		return GRAPH_FAILED;
	}
	if (weir_onnx_parse_mem(buffer, size, nullptr, &fg) != WEIR_OK)
		return GRAPH_FAILED;
	graph = Graph::FromFrontEnd(fg);
	return GRAPH_SUCCESS;
}

} // namespace ge

#endif
