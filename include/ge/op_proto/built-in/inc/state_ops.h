/*
 * state_ops.h - GE op prototypes: state ops: none that weir can run (Variable/Assign are not supported).
 * The ops weir lowers onto its op library (acl_compat/ge/lower_ge*.c), with
 * GE's op names, port order, attr names and defaults. Part of all_ops.h.
 */
#ifndef WEIR_GE_OP_PROTO_STATE_OPS_H
#define WEIR_GE_OP_PROTO_STATE_OPS_H

#include "graph/operator_reg.h"

namespace ge
{
/* GE's REG_OP layout: one clause a line. */
/* clang-format off */
/* clang-format on */
} /* namespace ge */
#endif /* WEIR_GE_OP_PROTO_STATE_OPS_H */
