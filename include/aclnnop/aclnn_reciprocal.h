/*
 * aclnnop/aclnn_reciprocal.h - out = 1/self, and the in-place form.
 * docs/aclnn.md (unary math and activations) has the dtypes and where weir differs.
 */
#ifndef WEIR_ACLNNOP_ACLNN_RECIPROCAL_H
#define WEIR_ACLNNOP_ACLNN_RECIPROCAL_H

#include "aclnn/aclnn_base.h"

#ifdef __cplusplus
extern "C" {
#endif

ACLNN_API aclnnStatus aclnnReciprocalGetWorkspaceSize(const aclTensor *self, aclTensor *out,
                                                      uint64_t *workspaceSize,
                                                      aclOpExecutor **executor);
ACLNN_API aclnnStatus aclnnReciprocal(void *workspace, uint64_t workspaceSize,
                                      aclOpExecutor *executor, aclrtStream stream);
ACLNN_API aclnnStatus aclnnInplaceReciprocalGetWorkspaceSize(const aclTensor *selfRef,
                                                             uint64_t *workspaceSize,
                                                             aclOpExecutor **executor);
ACLNN_API aclnnStatus aclnnInplaceReciprocal(void *workspace, uint64_t workspaceSize,
                                             aclOpExecutor *executor, aclrtStream stream);

#ifdef __cplusplus
}
#endif
#endif /* WEIR_ACLNNOP_ACLNN_RECIPROCAL_H */
