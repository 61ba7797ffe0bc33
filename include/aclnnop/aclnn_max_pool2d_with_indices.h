/*
 * aclnnop/aclnn_max_pool2d_with_indices.h - 2-D max pooling of a [N,]C,H,W tensor with the flat index (h * W + w) of each maximum.
 * docs/aclnn.md has the dtypes and where weir differs.
 */
#ifndef WEIR_ACLNNOP_ACLNN_MAX_POOL2D_WITH_INDICES_H
#define WEIR_ACLNNOP_ACLNN_MAX_POOL2D_WITH_INDICES_H

#include "aclnn/aclnn_base.h"

#ifdef __cplusplus
extern "C" {
#endif

ACLNN_API aclnnStatus aclnnMaxPool2dWithIndicesGetWorkspaceSize(
        const aclTensor *self, const aclIntArray *kernelSize, const aclIntArray *stride,
        const aclIntArray *padding, const aclIntArray *dilation, bool ceilMode, aclTensor *out,
        aclTensor *indices, uint64_t *workspaceSize, aclOpExecutor **executor);
ACLNN_API aclnnStatus aclnnMaxPool2dWithIndices(void *workspace, uint64_t workspaceSize,
                                                aclOpExecutor *executor, aclrtStream stream);

#ifdef __cplusplus
}
#endif
#endif /* WEIR_ACLNNOP_ACLNN_MAX_POOL2D_WITH_INDICES_H */
