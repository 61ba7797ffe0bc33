/*
 * aclnnop/aclnn_layer_norm.h - layer normalization over the trailing normalizedShape dims,
 * with optional weight, bias and the per-row mean and 1/std outputs.
 * weight, bias and the per-row mean and 1/std outputs.
 * docs/aclnn.md has the dtypes and where weir differs.
 */
#ifndef WEIR_ACLNNOP_ACLNN_LAYER_NORM_H
#define WEIR_ACLNNOP_ACLNN_LAYER_NORM_H

#include "aclnn/aclnn_base.h"

#ifdef __cplusplus
extern "C" {
#endif

ACLNN_API aclnnStatus aclnnLayerNormGetWorkspaceSize(
        const aclTensor *input, const aclIntArray *normalizedShape, const aclTensor *weightOptional,
        const aclTensor *biasOptional, double eps, aclTensor *out, aclTensor *meanOutOptional,
        aclTensor *rstdOutOptional, uint64_t *workspaceSize, aclOpExecutor **executor);
ACLNN_API aclnnStatus aclnnLayerNorm(void *workspace, uint64_t workspaceSize,
                                     aclOpExecutor *executor, aclrtStream stream);

#ifdef __cplusplus
}
#endif
#endif /* WEIR_ACLNNOP_ACLNN_LAYER_NORM_H */
