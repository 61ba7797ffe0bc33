/*
 * acl_compat/aclnn/ops/args.h - helpers the matmul, convolution and
 * pooling front ends share (args.c): int-array arguments and the
 * cubeMathType check.
 */
#ifndef WEIR_ACL_COMPAT_ACLNN_OPS_ARGS_H
#define WEIR_ACL_COMPAT_ACLNN_OPS_ARGS_H

#include "acl_compat/aclnn/nn.h"

#define NN_ARG_MAX_ARRAY 8 /* the longest int array any of these functions reads */

/* The values of int array `a` (NULL -> 161001 naming `name`; a bad handle
 * or more than NN_ARG_MAX_ARRAY entries -> 161002) into v; returns the count,
 * or -1 after recording the failure. */
int nn_arg_ints(nn_t *b, const aclIntArray *a, const char *name, int64_t v[NN_ARG_MAX_ARRAY]);

/* cubeMathType in [lo, hi] (161002 otherwise). weir computes every float
 * dtype in float32 whatever the value, so it changes no result. */
bool nn_arg_cube_math(nn_t *b, int8_t cube, int lo, int hi);

/* A float dtype the op library's MatMul and convolutions take (float32,
 * float16, bfloat16); otherwise 161002 naming `what`. */
bool nn_arg_float_dtype(nn_t *b, int dt, const char *what);

#endif /* WEIR_ACL_COMPAT_ACLNN_OPS_ARGS_H */
