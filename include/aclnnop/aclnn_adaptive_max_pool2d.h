/*
 * aclnnop/aclnn_adaptive_max_pool2d.h - 2-D adaptive max pooling to outputSize [H, W], with int64 indices (h * W + w).
 * docs/aclnn.md has the dtypes and where weir differs.
 */
#ifndef WEIR_ACLNNOP_ACLNN_ADAPTIVE_MAX_POOL2D_H
#define WEIR_ACLNNOP_ACLNN_ADAPTIVE_MAX_POOL2D_H

#include "aclnn/aclnn_base.h"

#ifdef __cplusplus
extern "C" {
#endif

ACLNN_API aclnnStatus aclnnAdaptiveMaxPool2dGetWorkspaceSize(
        const aclTensor *self, const aclIntArray *outputSize, aclTensor *outputOut,
        aclTensor *indicesOut, uint64_t *workspaceSize, aclOpExecutor **executor);
ACLNN_API aclnnStatus aclnnAdaptiveMaxPool2d(void *workspace, uint64_t workspaceSize,
                                             aclOpExecutor *executor, aclrtStream stream);

#ifdef __cplusplus
}
#endif
#endif /* WEIR_ACLNNOP_ACLNN_ADAPTIVE_MAX_POOL2D_H */
