/*
 * acl_compat/ge/lower_onnx.h - helpers shared by the ONNX lowering rules
 * (lower_onnx*.c) over the rule API (lower.h). Attributes are as the ONNX
 * parser stores them: ONNX names, ONNX dtype numbers (Cast's "to"),
 * strings, int/float lists and tensors.
 */
#ifndef WEIR_ACL_GE_LOWER_ONNX_H
#define WEIR_ACL_GE_LOWER_ONNX_H

#include "acl_compat/ge/lower.h"

/* The most entries a shape-like list may have (axes, pads, shapes...). */
#define LO_MAX_LIST 64

/* Input i, which must be present (fails naming it otherwise). */
int lo_req(lw_t *L, const lw_node_t *n, uint32_t i, int *lv);
/* Attrs of the node, with defaults. */
bool lo_has(const lw_node_t *n, const char *name);
int64_t lo_int(const lw_node_t *n, const char *name, int64_t dflt);
float lo_float(const lw_node_t *n, const char *name, float dflt);
const char *lo_str(const lw_node_t *n, const char *name, const char *dflt);
/* An int-list attr (a single int gives one entry) copied into buf (room for
 * cap): true when present; *count 0 when absent. */
bool lo_ints(const lw_node_t *n, const char *name, int64_t *buf, size_t cap, size_t *count);
/* A list that is an attr (opset < from) or input `input` (opset >= from, or
 * whenever the input is present): *present false when neither is given. */
int lo_list(lw_t *L, const lw_node_t *n, const char *attr, uint32_t input, int64_t *buf, size_t cap,
            size_t *count, bool *present);
/* ONNX TensorProto dtype -> weir dtype; -1 when weir has none. */
int lo_dtype(int64_t onnx);
/* axis in [-rank, rank) -> [0, rank), or an EINVAL failure naming what. */
int lo_axis(lw_t *L, const lw_node_t *n, int64_t axis, int64_t rank, const char *what,
            int64_t *out);
/* The lowering run's attrs (fails with ENOMEM through lw_fail). */
int lo_new_attrs(lw_t *L, const lw_node_t *n, weir_attrs_t **a);
/* Out of memory while filling attrs. */
int lo_nomem(lw_t *L, const lw_node_t *n);
/* A rank-0 constant of lv's dtype holding v. */
int lo_scalar_like(lw_t *L, int lv, double v, int *out);
/* Reduce op `op` over axes (count 0 = every dim) with keep_dims. */
int lo_reduce(lw_t *L, const lw_node_t *n, const char *op, int x, const int64_t *axes, size_t naxes,
              bool keep, int *out);

/* The rules of the other files, and their table entries. */
#define LO_RULE(f) int f(lw_t *L, const lw_node_t *n, const char *arg)
/* lower_onnx_shape.c */
LO_RULE(lo_shape);
LO_RULE(lo_size);
LO_RULE(lo_reshape);
LO_RULE(lo_flatten);
LO_RULE(lo_squeeze);
LO_RULE(lo_unsqueeze);
LO_RULE(lo_split);
LO_RULE(lo_slice);
LO_RULE(lo_expand);
LO_RULE(lo_tile);
LO_RULE(lo_pad);
LO_RULE(lo_range);
LO_RULE(lo_trilu);
LO_RULE(lo_onehot);
LO_RULE(lo_constant_of_shape);
LO_RULE(lo_eyelike);
LO_RULE(lo_depth_space);
LO_RULE(lo_cumsum);
#define LO_SHAPE_RULES                                                                           \
	{ "Shape", lo_shape, NULL }, { "Size", lo_size, NULL }, { "Reshape", lo_reshape, NULL }, \
	        { "Flatten", lo_flatten, NULL }, { "Squeeze", lo_squeeze, NULL },                \
	        { "Unsqueeze", lo_unsqueeze, NULL }, { "Transpose", lw_rule_same, "Transpose" }, \
	        { "Concat", lw_rule_same, "Concat" }, { "Split", lo_split, NULL },               \
	        { "Slice", lo_slice, NULL }, { "Gather", lw_rule_same, "Gather" },               \
	        { "GatherElements", lw_rule_same, "GatherElements" },                            \
	        { "GatherND", lw_rule_same, "GatherND" },                                        \
	        { "ScatterElements", lw_rule_same, "ScatterElements" },                          \
	        { "Scatter", lw_rule_same, "ScatterElements" },                                  \
	        { "ScatterND", lw_rule_same, "ScatterND" }, { "Expand", lo_expand, NULL },       \
	        { "Tile", lo_tile, NULL }, { "Pad", lo_pad, NULL }, { "Range", lo_range, NULL }, \
	        { "Trilu", lo_trilu, NULL }, { "OneHot", lo_onehot, NULL },                      \
	        { "ConstantOfShape", lo_constant_of_shape, NULL },                               \
	        { "EyeLike", lo_eyelike, NULL }, { "DepthToSpace", lo_depth_space, NULL },       \
	        { "SpaceToDepth", lo_depth_space, NULL }, { "CumSum", lo_cumsum, NULL },         \
	        { "ReverseSequence", lw_rule_same, "ReverseSequence" },
/* lower_onnx_reduce.c */
LO_RULE(lo_reduce_rule);
LO_RULE(lo_argmax);
LO_RULE(lo_topk);
#define LO_REDUCE_RULES                                                               \
	{ "ReduceSum", lo_reduce_rule, "ReduceSum" },                                 \
	        { "ReduceMean", lo_reduce_rule, "ReduceMean" },                       \
	        { "ReduceMax", lo_reduce_rule, "ReduceMax" },                         \
	        { "ReduceMin", lo_reduce_rule, "ReduceMin" },                         \
	        { "ReduceProd", lo_reduce_rule, "ReduceProd" },                       \
	        { "ReduceL1", lo_reduce_rule, "ReduceL1" },                           \
	        { "ReduceL2", lo_reduce_rule, "ReduceL2" },                           \
	        { "ReduceLogSum", lo_reduce_rule, "ReduceLogSum" },                   \
	        { "ReduceLogSumExp", lo_reduce_rule, "ReduceLogSumExp" },             \
	        { "ReduceSumSquare", lo_reduce_rule, "ReduceSumSquare" },             \
	        { "ArgMax", lo_argmax, "ArgMax" }, { "ArgMin", lo_argmax, "ArgMin" }, \
	        { "TopK", lo_topk, NULL },
/* lower_onnx_nn.c */
LO_RULE(lo_matmul);
LO_RULE(lo_gemm);
LO_RULE(lo_conv);
LO_RULE(lo_pool);
LO_RULE(lo_global_pool);
LO_RULE(lo_batchnorm);
LO_RULE(lo_instancenorm);
LO_RULE(lo_layernorm);
LO_RULE(lo_mvn);
LO_RULE(lo_lpnorm);
LO_RULE(lo_resize);
LO_RULE(lo_nll);
#define LO_NN_RULES                                                                              \
	{ "MatMul", lo_matmul, NULL }, { "Gemm", lo_gemm, NULL }, { "Conv", lo_conv, "Conv2D" }, \
	        { "ConvTranspose", lo_conv, "Conv2DTranspose" },                                 \
	        { "MaxPool", lo_pool, "MaxPool" }, { "AveragePool", lo_pool, "AvgPool" },        \
	        { "GlobalAveragePool", lo_global_pool, "ReduceMean" },                           \
	        { "GlobalMaxPool", lo_global_pool, "ReduceMax" },                                \
	        { "BatchNormalization", lo_batchnorm, NULL },                                    \
	        { "InstanceNormalization", lo_instancenorm, NULL },                              \
	        { "LayerNormalization", lo_layernorm, NULL }, { "LRN", lw_rule_same, "LRN" },    \
	        { "MeanVarianceNormalization", lo_mvn, NULL },                                   \
	        { "LpNormalization", lo_lpnorm, NULL }, { "Resize", lo_resize, NULL },           \
	        { "Upsample", lo_resize, NULL }, { "Einsum", lw_rule_same, "Einsum" },           \
	        { "NegativeLogLikelihoodLoss", lo_nll, NULL },                                   \
	        { "SoftmaxCrossEntropyLoss", lo_nll, NULL },

#endif /* WEIR_ACL_GE_LOWER_ONNX_H */
