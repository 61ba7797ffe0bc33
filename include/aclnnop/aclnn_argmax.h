/*
 * aclnnop/aclnn_argmax.h - out = the index of the largest element of self along dim.
 * docs/aclnn.md has the dtypes and where weir differs.
 */
#ifndef WEIR_ACLNNOP_ACLNN_ARGMAX_H
#define WEIR_ACLNNOP_ACLNN_ARGMAX_H

#include "aclnn/aclnn_base.h"

#ifdef __cplusplus
extern "C" {
#endif

ACLNN_API aclnnStatus aclnnArgMaxGetWorkspaceSize(const aclTensor *self, int64_t dim, bool keepdim,
                                                  aclTensor *out, uint64_t *workspaceSize,
                                                  aclOpExecutor **executor);
ACLNN_API aclnnStatus aclnnArgMax(void *workspace, uint64_t workspaceSize, aclOpExecutor *executor,
                                  aclrtStream stream);

#ifdef __cplusplus
}
#endif
#endif /* WEIR_ACLNNOP_ACLNN_ARGMAX_H */
