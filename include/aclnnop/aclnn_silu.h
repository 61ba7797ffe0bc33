/*
 * aclnnop/aclnn_silu.h - out = self * sigmoid(self).
 * docs/aclnn.md (unary math and activations) has the dtypes and where weir differs.
 */
#ifndef WEIR_ACLNNOP_ACLNN_SILU_H
#define WEIR_ACLNNOP_ACLNN_SILU_H

#include "aclnn/aclnn_base.h"

#ifdef __cplusplus
extern "C" {
#endif

ACLNN_API aclnnStatus aclnnSiluGetWorkspaceSize(const aclTensor *self, aclTensor *out,
                                                uint64_t *workspaceSize, aclOpExecutor **executor);
ACLNN_API aclnnStatus aclnnSilu(void *workspace, uint64_t workspaceSize, aclOpExecutor *executor,
                                aclrtStream stream);

#ifdef __cplusplus
}
#endif
#endif /* WEIR_ACLNNOP_ACLNN_SILU_H */
