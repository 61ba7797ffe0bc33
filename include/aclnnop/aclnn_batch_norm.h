/*
 * aclnnop/aclnn_batch_norm.h - batch normalization along dim 1: running statistics (training false)
 * or the batch's, which then update the running ones (training true).
 * batch's, which then update the running ones (training true).
 * docs/aclnn.md has the dtypes and where weir differs.
 */
#ifndef WEIR_ACLNNOP_ACLNN_BATCH_NORM_H
#define WEIR_ACLNNOP_ACLNN_BATCH_NORM_H

#include "aclnn/aclnn_base.h"

#ifdef __cplusplus
extern "C" {
#endif

ACLNN_API aclnnStatus aclnnBatchNormGetWorkspaceSize(const aclTensor *input,
                                                     const aclTensor *weight, const aclTensor *bias,
                                                     aclTensor *runningMean, aclTensor *runningVar,
                                                     bool training, double momentum, double eps,
                                                     aclTensor *output, aclTensor *saveMean,
                                                     aclTensor *saveInvstd, uint64_t *workspaceSize,
                                                     aclOpExecutor **executor);
ACLNN_API aclnnStatus aclnnBatchNorm(void *workspace, uint64_t workspaceSize,
                                     aclOpExecutor *executor, aclrtStream stream);

#ifdef __cplusplus
}
#endif
#endif /* WEIR_ACLNNOP_ACLNN_BATCH_NORM_H */
