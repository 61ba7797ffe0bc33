/*
 * graph/ops/ops_internal.h - shared declarations of the built-in op library.
 *
 * Each family file (elementwise.c, cast.c, matmul.c, norm.c, norm2.c,
 * reduce.c, reduce_arg.c, sort.c, shape.c, conv.c, ...) defines its weir_op_def_t objects (static storage);
 * builtin.c registers them all through weir__op_register_builtin().
 *
 * Conventions for every built-in op:
 *  - infer validates everything a kernel relies on (input count, ranks,
 *    shapes, dtypes, attrs) and reports with weir_op_fail(); the kernel then
 *    re-reads the attrs through the same parse function (with ctx == NULL),
 *    so the two can never disagree.
 *  - Kernels split their output into contiguous shares (weir__ops_range) and
 *    compute each output element with the same sequential code whatever the
 *    block count: results are bit-identical for any nblocks.
 *  - fp16/bf16 are computed in float32 (load, compute, round to nearest even
 *    on store); reductions over floats accumulate in double in a fixed order.
 */
#ifndef WEIR_GRAPH_OPS_INTERNAL_H
#define WEIR_GRAPH_OPS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "graph/op.h"
#include "graph/dtype.h"
#include "graph/ops/ops_iter.h"

/* Report a failure from a parse function shared by infer (ctx != NULL: the
 * message goes to the node's message buffer) and kernel (ctx == NULL). */
#define WEIR__OPS_FAIL(ctx, code, ...) ((ctx) ? weir_op_fail((ctx), (code), __VA_ARGS__) : (code))

/* Dtype classes. */
static inline bool weir__ops_is_float(int dt)
{
	return dt == WEIR_DT_FLOAT || dt == WEIR_DT_FLOAT16 || dt == WEIR_DT_BF16;
}
/* The integer dtypes the arithmetic ops accept. */
static inline bool weir__ops_is_int(int dt)
{
	return dt == WEIR_DT_INT8 || dt == WEIR_DT_UINT8 || dt == WEIR_DT_INT32 ||
	       dt == WEIR_DT_INT64;
}
/* Every dtype weir_dtype_size() knows (data-movement ops and Cast). */
static inline bool weir__ops_is_any(int dt)
{
	return weir_dtype_size(dt) != 0;
}

/* Scalar loads and stores of the float class through float32. */
static inline float weir__ops_ldf(int dt, const void *p, int64_t i)
{
	switch (dt) {
	case WEIR_DT_FLOAT: return ((const float *)p)[i];
	case WEIR_DT_FLOAT16: return weir_f16_to_f32(((const uint16_t *)p)[i]);
	default: return weir_bf16_to_f32(((const uint16_t *)p)[i]);
	}
}
static inline void weir__ops_stf(int dt, void *p, int64_t i, float v)
{
	switch (dt) {
	case WEIR_DT_FLOAT: ((float *)p)[i] = v; break;
	case WEIR_DT_FLOAT16: ((uint16_t *)p)[i] = weir_f32_to_f16(v); break;
	default: ((uint16_t *)p)[i] = weir_f32_to_bf16(v); break;
	}
}

/* Integer class (and bool) through int64 / two's-complement truncation. */
static inline int64_t weir__ops_ldi(int dt, const void *p, int64_t i)
{
	switch (dt) {
	case WEIR_DT_INT8: return ((const int8_t *)p)[i];
	case WEIR_DT_UINT8: return ((const uint8_t *)p)[i];
	case WEIR_DT_BOOL: return ((const uint8_t *)p)[i] != 0;
	case WEIR_DT_INT16: return ((const int16_t *)p)[i];
	case WEIR_DT_UINT16: return ((const uint16_t *)p)[i];
	case WEIR_DT_INT32: return ((const int32_t *)p)[i];
	case WEIR_DT_UINT32: return ((const uint32_t *)p)[i];
	case WEIR_DT_UINT64: return (int64_t)((const uint64_t *)p)[i];
	default: return ((const int64_t *)p)[i];
	}
}
static inline void weir__ops_sti(int dt, void *p, int64_t i, int64_t v)
{
	uint64_t u = (uint64_t)v;
	switch (dt) {
	case WEIR_DT_INT8: ((int8_t *)p)[i] = (int8_t)(uint8_t)u; break;
	case WEIR_DT_UINT8: ((uint8_t *)p)[i] = (uint8_t)u; break;
	case WEIR_DT_BOOL: ((uint8_t *)p)[i] = (u != 0); break;
	case WEIR_DT_INT16: ((int16_t *)p)[i] = (int16_t)(uint16_t)u; break;
	case WEIR_DT_UINT16: ((uint16_t *)p)[i] = (uint16_t)u; break;
	case WEIR_DT_INT32: ((int32_t *)p)[i] = (int32_t)(uint32_t)u; break;
	case WEIR_DT_UINT32: ((uint32_t *)p)[i] = (uint32_t)u; break;
	case WEIR_DT_UINT64: ((uint64_t *)p)[i] = u; break;
	default: ((int64_t *)p)[i] = v; break;
	}
}

/*
 * Attribute lookup with aliases: the first of names[0..] (NULL-terminated)
 * that is present wins. Return 1 when found, 0 when absent; a present
 * attribute of the wrong type fails (via ctx) with WEIR_EINVAL.
 */
int weir__ops_attr_int(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a, const char *const *names,
                       int64_t *v, int *found);
int weir__ops_attr_float(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a, const char *const *names,
                         float *v, int *found);
int weir__ops_attr_ints(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a, const char *const *names,
                        const int64_t **v, size_t *n, int *found);
int weir__ops_attr_string(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a, const char *const *names,
                          const char **v, int *found);
int weir__ops_attr_floats(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a, const char *const *names,
                          const float **v, size_t *n, int *found);

#define WEIR__OPS_NAMES(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* "float32[2,3]" into buf (a short wrapper for messages). */
const char *weir__ops_desc_str(const weir_tensor_desc_t *d, char *buf, size_t size);
#define WEIR__OPS_DESC(d) weir__ops_desc_str((d), (char[96]){ 0 }, 96)

/* Fails (WEIR_ESHAPE) unless the input's dtype satisfies pred. */
int weir__ops_check_dtype(weir_op_infer_ctx_t *ctx, uint32_t i, bool (*pred)(int),
                          const char *what);

/* Set a desc. */
static inline void weir__ops_desc_set(weir_tensor_desc_t *d, int dt, int rank, const int64_t *dims)
{
	d->dtype = dt;
	d->rank = (uint32_t)rank;
	for (int i = 0; i < WEIR_MAX_RANK; i++)
		d->dims[i] = i < rank ? dims[i] : 0;
}

static inline int64_t weir__ops_desc_numel(const weir_tensor_desc_t *d)
{
	return weir__ops_numel(d->dims, (int)d->rank);
}

/* The float32 GEMM engine (gemm.c, BLIS): c[m x n] = a[m x k] * b[k x n]
 * with element strides (rs row, cs column) for each operand, on the calling
 * thread; c is overwritten (zeros when k = 0). Deterministic for a given
 * call; callers keep results independent of the block count by calling it
 * on fixed tiles (weir__ops_gemm_tile), never on a block's share. */
void weir__ops_sgemm(int64_t m, int64_t n, int64_t k, const float *a, int64_t rsa, int64_t csa,
                     const float *b, int64_t rsb, int64_t csb, float *c, int64_t rsc, int64_t csc);
/* The engine's sub-configuration in use ("skx", "haswell", "zen3",
 * "generic", ...): BLIS's name for it. */
const char *weir__ops_gemm_engine(void);
/* Tile length along an output extent of `extent` rows (or columns) when each
 * one costs `unit_macs` multiply-adds: a function of the shape only, in
 * [1, extent]. */
int64_t weir__ops_gemm_tile(int64_t extent, int64_t unit_macs);

/* The op definitions, by family. */
extern const weir_op_def_t weir__op_add, weir__op_sub, weir__op_mul, weir__op_div, weir__op_maximum,
        weir__op_minimum, weir__op_pow;
extern const weir_op_def_t weir__op_neg, weir__op_exp, weir__op_log, weir__op_sqrt, weir__op_rsqrt,
        weir__op_abs;
extern const weir_op_def_t weir__op_relu, weir__op_gelu, weir__op_sigmoid, weir__op_tanh,
        weir__op_silu;
extern const weir_op_def_t weir__op_cast;
extern const weir_op_def_t weir__op_matmul, weir__op_batchmatmul;
extern const weir_op_def_t weir__op_softmax, weir__op_layernorm, weir__op_rmsnorm;
extern const weir_op_def_t weir__op_reducesum, weir__op_reducemean, weir__op_reducemax;
extern const weir_op_def_t weir__op_transpose, weir__op_reshape, weir__op_concat, weir__op_split,
        weir__op_slice, weir__op_gather;
extern const weir_op_def_t weir__op_conv2d, weir__op_maxpool, weir__op_avgpool;
extern const weir_op_def_t weir__op_accumulate, weir__op_randomuniform, weir__op_randomnormal,
        weir__op_truncatednormal, weir__op_dropoutgenmask;
/* Issue 11 (g2): reductions, norms, sorting. */
extern const weir_op_def_t weir__op_reducemin, weir__op_reduceprod, weir__op_argmax,
        weir__op_argmin, weir__op_logsoftmax, weir__op_batchnorm, weir__op_groupnorm, weir__op_topk,
        weir__op_sort;

/* Selection, generation and pooling (select.c, pool2.c; issue 11). */
extern const weir_op_def_t weir__op_where, weir__op_tril, weir__op_triu, weir__op_range,
        weir__op_expand;
extern const weir_op_def_t weir__op_adaptiveavgpool2d, weir__op_adaptivemaxpool2d,
        weir__op_conv2dtranspose;
/* conv.c's attr parsing, shared with pool2.c: a 2-entry [h, w] or NCHW
 * [1, 1, h, w] list attr (each >= 1; 1s when absent and not required), and
 * the NCHW float input check with data_format, strides and pads. */
int weir__ops_hw_pair(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a, const char *const *names,
                      int64_t *h, int64_t *w, bool required);
int weir__ops_nchw_attrs(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a,
                         const weir_tensor_desc_t *x, int64_t strides[2], int64_t pads[4]);
/* Unary math, comparisons and logic (math.c). */
extern const weir_op_def_t weir__op_sin, weir__op_cos, weir__op_erf, weir__op_floor, weir__op_ceil,
        weir__op_round, weir__op_reciprocal, weir__op_sign, weir__op_clipbyvalue;
extern const weir_op_def_t weir__op_equal, weir__op_notequal, weir__op_less, weir__op_lessequal,
        weir__op_greater, weir__op_greaterequal, weir__op_logicaland, weir__op_logicalor,
        weir__op_logicalnot;
/* GatherElements (gather_elements.c; issue 11, aclnnGather). */
extern const weir_op_def_t weir__op_gatherelements;
/* Issue 12 (opsb): data movement and indexing (movement2.c, scatter.c). */
extern const weir_op_def_t weir__op_tile, weir__op_pad, weir__op_cumsum, weir__op_depthtospace,
        weir__op_spacetodepth, weir__op_eyelike, weir__op_reversesequence, weir__op_onehot;
extern const weir_op_def_t weir__op_scatterelements, weir__op_scatternd, weir__op_gathernd;

/* Issue 12 (opsa): ONNX activations (act2.c), unary math, predicates,
 * Mod, BitShift and Xor (math2.c). */
extern const weir_op_def_t weir__op_leakyrelu, weir__op_elu, weir__op_selu, weir__op_celu,
        weir__op_hardsigmoid, weir__op_hardswish, weir__op_softplus, weir__op_softsign,
        weir__op_thresholdedrelu, weir__op_mish, weir__op_shrink, weir__op_prelu, weir__op_hardmax;
extern const weir_op_def_t weir__op_tan, weir__op_asin, weir__op_acos, weir__op_atan, weir__op_sinh,
        weir__op_cosh, weir__op_asinh, weir__op_acosh, weir__op_atanh, weir__op_isnan,
        weir__op_isinf, weir__op_mod, weir__op_bitshift, weir__op_xor;

/* Define the built-in op weir__op_<sym> named NAME with `nin` inputs and
 * one output whose inference and kernel are the including file's own
 * `static int inf_fn(ctx, op)` and `static int ker_fn(call, block, nblocks,
 * op)`, with blocks function `blk`. */
#define WEIR__OPS_OP_DEF(sym, NAME, nin, inf_fn, ker_fn, op, blk)                  \
	static int sym##_infer(weir_op_infer_ctx_t *ctx)                           \
	{                                                                          \
		return inf_fn(ctx, op);                                            \
	}                                                                          \
	static int sym##_kernel(const weir_op_call_t *c, uint32_t bi, uint32_t nb) \
	{                                                                          \
		return ker_fn(c, bi, nb, op);                                      \
	}                                                                          \
	const weir_op_def_t weir__op_##sym = {                                     \
		.name = NAME,                                                      \
		.min_inputs = nin,                                                 \
		.max_inputs = nin,                                                 \
		.min_outputs = 1,                                                  \
		.max_outputs = 1,                                                  \
		.infer = sym##_infer,                                              \
		.kernel = sym##_kernel,                                            \
		.blocks = blk,                                                     \
	};

/* WEIR__OPS_OP_DEF with one input and the blocks function
 * `static uint32_t blk_fn(call, workers, op)`. */
#define WEIR__OPS_OP_DEF_BLK(sym, NAME, inf_fn, ker_fn, blk_fn, op)       \
	static uint32_t sym##_blocks(const weir_op_call_t *c, uint32_t w) \
	{                                                                 \
		return blk_fn(c, w, op);                                  \
	}                                                                 \
	WEIR__OPS_OP_DEF(sym, NAME, 1, inf_fn, ker_fn, op, sym##_blocks)

/* The one-input op weir__op_<sym> of the including file's own
 * `un_infer(ctx, op)` and `un_kernel(call, block, nblocks, op)`. */
#define WEIR__OPS_UNARY_DEF(sym, NAME, op, blk) \
	WEIR__OPS_OP_DEF(sym, NAME, 1, un_infer, un_kernel, op, blk)

/* Issue 12 (opsc): more reductions, norms, Resize, Einsum. */
extern const weir_op_def_t weir__op_reducel1, weir__op_reducel2, weir__op_reducelogsum,
        weir__op_reducelogsumexp, weir__op_reducesumsquare;
extern const weir_op_def_t weir__op_instancenormalization, weir__op_lrn,
        weir__op_meanvariancenormalization, weir__op_lpnormalization;
extern const weir_op_def_t weir__op_resize, weir__op_einsum;
/* reduce.c's geometry, shared with reduce2.c: attrs `axes` (int list or one
 * int; absent or empty = every dim) and `keep_dims` (alias keepdims) of a
 * reduction of x: the kept dims (kdims/kst, row-major over the output), the
 * reduced dims (rdims/rst), the output shape. `empty_axes` says whether the
 * axes were absent or empty. No dtype checks. */
typedef struct weir__ops_red_geom {
	bool keep, empty_axes;
	bool red[WEIR_MAX_RANK];
	int orank;
	int64_t odims[WEIR_MAX_RANK];
	int krank, rrank; /* kept / reduced dims of the input */
	int64_t kdims[WEIR_MAX_RANK], kst[WEIR_MAX_RANK];
	int64_t rdims[WEIR_MAX_RANK], rst[WEIR_MAX_RANK];
	int64_t rcount, ocount;
} weir__ops_red_geom_t;
int weir__ops_red_geom(weir_op_infer_ctx_t *ctx, const weir_attrs_t *attrs,
                       const weir_tensor_desc_t *x, weir__ops_red_geom_t *g);
/* The second half of weir__ops_red_geom, for callers that choose the
 * reduced dims themselves: from g->red and g->keep of a zeroed g, fill
 * the kept and reduced dims, their dense strides, the output shape, rcount
 * and ocount. */
void weir__ops_red_geom_split(const weir_tensor_desc_t *x, weir__ops_red_geom_t *g);

/* The iterators of a reduction kernel over g: `ko` walks the kept dims
 * (the outputs) starting at output `lo`, `ri` the reduced dims of one
 * output; offsets are relative to the output's base offset ko->off[0]. */
static inline void weir__ops_red_iters(const weir__ops_red_geom_t *g, int64_t lo,
                                       weir__ops_iter_t *ko, weir__ops_iter_t *ri)
{
	weir__ops_iter_init(ko, g->krank, g->kdims, 1);
	weir__ops_iter_strides(ko, 0, g->kst);
	weir__ops_iter_seek(ko, lo);
	weir__ops_iter_init(ri, g->rrank, g->rdims, 1);
	weir__ops_iter_strides(ri, 0, g->rst);
}

#endif /* WEIR_GRAPH_OPS_INTERNAL_H */
