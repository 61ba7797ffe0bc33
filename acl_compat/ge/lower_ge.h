/*
 * acl_compat/ge/lower_ge.h - helpers and rules shared by the GE IR lowering
 * files (lower_ge.c: elementwise, activations, the table; lower_ge_nn.c:
 * matmul, norms, convolution, pooling; lower_ge_array.c: shape, reduction,
 * concat/split/slice/gather and generation ops). Private to acl_compat/ge.
 *
 * GE attrs are read with GE's defaults (the REG_OP declarations in
 * include/ge/op_proto/); an attr of the wrong type is WEIR_EINVAL naming
 * it, an attr value weir cannot honour is WEIR_ENOTSUP naming it.
 */
#ifndef WEIR_ACL_GE_LOWER_GE_H
#define WEIR_ACL_GE_LOWER_GE_H

#include "acl_compat/ge/lower.h"

#define GE_MAX_LIST 64

/* Input i, which GE declares required (absent: WEIR_EINVAL). */
int ge_in(lw_t *L, const lw_node_t *n, uint32_t i, int *lv);
/* Attrs with GE's default when absent. */
int ge_int(lw_t *L, const lw_node_t *n, const char *name, int64_t dflt, int64_t *v);
int ge_bool(lw_t *L, const lw_node_t *n, const char *name, bool dflt, bool *v);
int ge_float(lw_t *L, const lw_node_t *n, const char *name, float dflt, float *v);
int ge_str(lw_t *L, const lw_node_t *n, const char *name, const char *dflt, const char **v);
/* An int list attr: absent gives the default (dflt, ndflt entries); a
 * single int gives one entry. *v points to L-owned or attr storage. */
int ge_ints(lw_t *L, const lw_node_t *n, const char *name, const int64_t *dflt, size_t ndflt,
            const int64_t **v, size_t *cnt);
/* A REQUIRED_ATTR that is absent: WEIR_EINVAL naming it. */
int ge_need(lw_t *L, const lw_node_t *n, const char *name);
/* Shape-deciding input i as an int list (required). */
int ge_in_ints(lw_t *L, const lw_node_t *n, uint32_t i, int64_t *buf, size_t cap, size_t *cnt);
/* One int from input i (rank 0 or one element). */
int ge_in_int(lw_t *L, const lw_node_t *n, uint32_t i, int64_t *v);
/* A new attrs object of the run; NULL only without memory. */
weir_attrs_t *ge_attrs(lw_t *L);
int ge_oom(lw_t *L, const lw_node_t *n);
/* Normalise axis against rank (WEIR_EINVAL when out of range). */
int ge_axis(lw_t *L, const lw_node_t *n, const char *what, int64_t axis, int64_t rank,
            int64_t *out);
/* A rank-0 constant of lv's dtype. */
int ge_scalar_like(lw_t *L, const lw_node_t *n, int lv, double v, int *out);
int ge_transpose(lw_t *L, const lw_node_t *n, int lv, const int64_t *perm, uint32_t rank, int *out);
int ge_rank(lw_t *L, int lv);

/* lower_ge_nn.c */
int ge_rule_prelu(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_matmul(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_batchmatmul(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_biasadd(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_softmax(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_layernorm(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_rmsnorm(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_bninfer(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_batchnorm(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_conv2d(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_pool(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_pool_v2(lw_t *L, const lw_node_t *n, const char *arg);

/* lower_ge_array.c */
int ge_rule_reshape(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_transpose(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_reduce(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_reduce_d(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_concat(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_split(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_slice(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_strided_slice(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_gather(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_gather_elements(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_unsqueeze(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_squeeze(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_flatten(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_expand_dims(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_fill(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_like(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_broadcast(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_tile(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_pad(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_range(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_topk(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_argmax(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_cumsum(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_scatter_elements(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_shape(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_onehot(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_pack(lw_t *L, const lw_node_t *n, const char *arg);
int ge_rule_unpack(lw_t *L, const lw_node_t *n, const char *arg);

#endif /* WEIR_ACL_GE_LOWER_GE_H */
