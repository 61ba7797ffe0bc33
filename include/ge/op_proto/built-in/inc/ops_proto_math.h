/*
 * ops_proto_math.h - GE's newer (op_graph) prototype header name; weir keeps
 * every prototype in all_ops.h.
 */
#ifndef WEIR_GE_OPS_PROTO_MATH_H
#define WEIR_GE_OPS_PROTO_MATH_H
#include "all_ops.h"
#endif
