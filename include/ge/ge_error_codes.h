/*
 * ge/ge_error_codes.h - GE status values (ge::Status: SUCCESS, FAILED, ...;
 * values from GE's ge_error_codes.h / ge_inner_error_codes.h / ge_api_error_codes.h,
 * see shared/spec/ge-graph.md) and, through graph/ge_error_codes.h, the
 * graphStatus values (GRAPH_SUCCESS, GRAPH_FAILED, GRAPH_PARAM_INVALID, ...).
 */
#ifndef WEIR_GE_ERROR_CODES_H
#define WEIR_GE_ERROR_CODES_H

#include <cstdint>
#include "graph/ge_error_codes.h"

namespace ge
{

using Status = uint32_t;
constexpr Status SUCCESS = 0;
constexpr Status FAILED = 0xFFFFFFFF;
constexpr Status UNSUPPORTED = 100;
constexpr Status PARAM_INVALID = 145000;  // ACL_ERROR_GE_PARAM_INVALID
constexpr Status INTERNAL_ERROR = 545000; // ACL_ERROR_GE_INTERNAL_ERROR
constexpr Status GE_CLI_GE_NOT_INITIALIZED = 1343229963;
constexpr Status GE_SESS_ALREADY_RUNNING = 1343238145;
constexpr Status GE_GRAPH_ALREADY_RUNNING = 1343242241;
constexpr Status GE_GRAPH_GRAPH_NOT_EXIST = 1343242242;
constexpr Status GE_GRAPH_NOT_BUILT = 1343242295;
constexpr Status GE_GRAPH_REPEAT_OPERATION = 1343242306;
constexpr Status MEMALLOC_FAILED = 1343225856;
/* GE_ERRORNO_DEFINE(0b01, 0b01, 0b000, 8, 0, END_OF_SEQUENCE, 7) */
constexpr Status END_OF_SEQUENCE = 1343225863;

} // namespace ge

#endif
