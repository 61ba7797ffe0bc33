/*
 * aclnnop/aclnn_minimum.h - out = the elementwise minimum of self and other (broadcast, promoted).
 * docs/aclnn.md (unary math and activations) has the dtypes and where weir differs.
 */
#ifndef WEIR_ACLNNOP_ACLNN_MINIMUM_H
#define WEIR_ACLNNOP_ACLNN_MINIMUM_H

#include "aclnn/aclnn_base.h"

#ifdef __cplusplus
extern "C" {
#endif

ACLNN_API aclnnStatus aclnnMinimumGetWorkspaceSize(const aclTensor *self, const aclTensor *other,
                                                   aclTensor *out, uint64_t *workspaceSize,
                                                   aclOpExecutor **executor);
ACLNN_API aclnnStatus aclnnMinimum(void *workspace, uint64_t workspaceSize, aclOpExecutor *executor,
                                   aclrtStream stream);

#ifdef __cplusplus
}
#endif
#endif /* WEIR_ACLNNOP_ACLNN_MINIMUM_H */
