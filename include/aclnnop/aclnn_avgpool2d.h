/*
 * aclnnop/aclnn_avgpool2d.h - 2-D average pooling with torch.nn.AvgPool2d's arguments.
 * docs/aclnn.md has the dtypes and where weir differs.
 */
#ifndef WEIR_ACLNNOP_ACLNN_AVGPOOL2D_H
#define WEIR_ACLNNOP_ACLNN_AVGPOOL2D_H

#include "aclnn/aclnn_base.h"

#ifdef __cplusplus
extern "C" {
#endif

ACLNN_API aclnnStatus aclnnAvgPool2dGetWorkspaceSize(
        const aclTensor *self, const aclIntArray *kernelSize, const aclIntArray *strides,
        const aclIntArray *paddings, const bool ceilMode, const bool countIncludePad,
        const int64_t divisorOverride, const int8_t cubeMathType, aclTensor *out,
        uint64_t *workspaceSize, aclOpExecutor **executor);
ACLNN_API aclnnStatus aclnnAvgPool2d(void *workspace, uint64_t workspaceSize,
                                     aclOpExecutor *executor, aclrtStream stream);

#ifdef __cplusplus
}
#endif
#endif /* WEIR_ACLNNOP_ACLNN_AVGPOOL2D_H */
