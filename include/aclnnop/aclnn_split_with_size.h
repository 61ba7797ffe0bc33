/*
 * aclnnop/aclnn_split_with_size.h - self cut along dim into parts of the given sizes into a list.
 * docs/aclnn.md has the dtypes and where weir differs.
 */
#ifndef WEIR_ACLNNOP_ACLNN_SPLIT_WITH_SIZE_H
#define WEIR_ACLNNOP_ACLNN_SPLIT_WITH_SIZE_H

#include "aclnn/aclnn_base.h"

#ifdef __cplusplus
extern "C" {
#endif

ACLNN_API aclnnStatus aclnnSplitWithSizeGetWorkspaceSize(const aclTensor *self,
                                                         const aclIntArray *splitSize, int64_t dim,
                                                         aclTensorList *out,
                                                         uint64_t *workspaceSize,
                                                         aclOpExecutor **executor);
ACLNN_API aclnnStatus aclnnSplitWithSize(void *workspace, uint64_t workspaceSize,
                                         aclOpExecutor *executor, aclrtStream stream);

#ifdef __cplusplus
}
#endif
#endif /* WEIR_ACLNNOP_ACLNN_SPLIT_WITH_SIZE_H */
