/*
 * aclnnop/aclnn_min_dim.h - the smallest element of self along dim (out) and its index (indices).
 * docs/aclnn.md has the dtypes and where weir differs.
 */
#ifndef WEIR_ACLNNOP_ACLNN_MIN_DIM_H
#define WEIR_ACLNNOP_ACLNN_MIN_DIM_H

#include "aclnn/aclnn_base.h"

#ifdef __cplusplus
extern "C" {
#endif

ACLNN_API aclnnStatus aclnnMinDimGetWorkspaceSize(const aclTensor *self, int64_t dim, bool keepdim,
                                                  aclTensor *out, aclTensor *indices,
                                                  uint64_t *workspaceSize,
                                                  aclOpExecutor **executor);
ACLNN_API aclnnStatus aclnnMinDim(void *workspace, uint64_t workspaceSize, aclOpExecutor *executor,
                                  aclrtStream stream);

#ifdef __cplusplus
}
#endif
#endif /* WEIR_ACLNNOP_ACLNN_MIN_DIM_H */
