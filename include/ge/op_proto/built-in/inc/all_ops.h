/*
 * all_ops.h - GE's op-prototype umbrella header: every op weir's GE IR front
 * end can lower, declared with REG_OP in GE's per-domain headers. Found as
 * "all_ops.h", "built-in/op_proto/inc/all_ops.h" and
 * "op_proto/built-in/inc/all_ops.h" (GE's install layouts).
 */
#ifndef WEIR_GE_OP_PROTO_ALL_OPS_H
#define WEIR_GE_OP_PROTO_ALL_OPS_H

#include "array_ops.h"
#include "elewise_calculation_ops.h"
#include "math_ops.h"
#include "nonlinear_fuc_ops.h"
#include "selection_ops.h"
#include "matrix_calculation_ops.h"
#include "nn_norm_ops.h"
#include "nn_batch_norm_ops.h"
#include "reduce_ops.h"
#include "nn_calculation_ops.h"
#include "nn_pooling_ops.h"
#include "split_combination_ops.h"
#include "transformation_ops.h"
#include "pad_ops.h"
#include "state_ops.h"
#include "nn_other.h"
#include "experiment_ops.h"

#endif /* WEIR_GE_OP_PROTO_ALL_OPS_H */
