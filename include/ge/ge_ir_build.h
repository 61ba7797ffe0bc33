/*
 * ge/ge_ir_build.h - the parts of GE's IR build header that weir provides
 * (header-only C++17): the IR interface version, ModelBufferData,
 * aclgrphBuildInitialize / aclgrphBuildFinalize (the build environment:
 * options are checked and kept; weir compiles per session, so they select
 * nothing yet) and aclgrphDumpGraph (weir's readable text dump of a graph:
 * its front-end nodes, or a native graph's JSON).
 * The offline model calls (aclgrphBuildModel, aclgrphSaveModel, OM files)
 * are not provided: docs/graph.md.
 */
#ifndef WEIR_GE_GE_IR_BUILD_H
#define WEIR_GE_GE_IR_BUILD_H

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include "graph/ge_error_codes.h"
#include "graph/graph.h"
#include "graph/types.h"

namespace ge
{

const int32_t IR_MAJOR_VERSION = 1;
const int32_t IR_MINOR_VERSION = 0;
const int32_t IR_PATCH_VERSION = 0;

struct ModelBufferData {
	std::shared_ptr<uint8_t> data = nullptr;
	uint64_t length;
};

namespace detail
{
struct IrBuildState {
	std::mutex lock;
	bool initialized = false;
	std::map<std::string, std::string> options;
};
inline IrBuildState &IrBuild()
{
	static IrBuildState s;
	return s;
}
} // namespace detail

inline graphStatus aclgrphBuildInitialize(std::map<AscendString, AscendString> &global_options)
{
	detail::IrBuildState &s = detail::IrBuild();
	std::lock_guard<std::mutex> lk(s.lock);
	for (const auto &kv : global_options)
		if (kv.first.GetLength() == 0) {
			weir_ge_set_error(
			        "aclgrphBuildInitialize: an option has an empty key (E10059)");
			return GRAPH_PARAM_INVALID;
		}
	s.options.clear();
	for (const auto &kv : global_options)
		s.options[kv.first.GetString()] = kv.second.GetString();
	s.initialized = true;
	return GRAPH_SUCCESS;
}

inline graphStatus aclgrphBuildInitialize(std::map<std::string, std::string> global_options)
{
	std::map<AscendString, AscendString> m;
	for (const auto &kv : global_options)
		m.emplace(AscendString(kv.first.c_str()), AscendString(kv.second.c_str()));
	return aclgrphBuildInitialize(m);
}

inline void aclgrphBuildFinalize()
{
	detail::IrBuildState &s = detail::IrBuild();
	std::lock_guard<std::mutex> lk(s.lock);
	s.options.clear();
	s.initialized = false;
}

inline graphStatus aclgrphGetIRVersion(int32_t *major_version, int32_t *minor_version,
                                       int32_t *patch_version)
{
	if (major_version == nullptr || minor_version == nullptr || patch_version == nullptr)
		return GRAPH_PARAM_INVALID;
	*major_version = IR_MAJOR_VERSION;
	*minor_version = IR_MINOR_VERSION;
	*patch_version = IR_PATCH_VERSION;
	return GRAPH_SUCCESS;
}

/* Dump `graph` as text to the first `len` characters of `file`. */
inline graphStatus aclgrphDumpGraph(const ge::Graph &graph, const char_t *file, const size_t len)
{
	if (file == nullptr || len == 0) {
		weir_ge_set_error("aclgrphDumpGraph: no file name");
		return GRAPH_PARAM_INVALID;
	}
	std::string path(file, strnlen(file, len));
	if (!graph.IsValid()) {
		weir_ge_set_error("aclgrphDumpGraph: the graph is empty");
		return GRAPH_FAILED;
	}
	return graph.SaveToFile(path.c_str());
}

} // namespace ge

#endif
