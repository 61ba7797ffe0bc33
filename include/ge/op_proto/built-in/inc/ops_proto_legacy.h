/*
 * ops_proto_legacy.h - GE's newer (op_graph) prototype header name; weir keeps
 * every prototype in all_ops.h.
 */
#ifndef WEIR_GE_OPS_PROTO_LEGACY_H
#define WEIR_GE_OPS_PROTO_LEGACY_H
#include "all_ops.h"
#endif
