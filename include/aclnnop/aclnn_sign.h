/*
 * aclnnop/aclnn_sign.h - result = the sign of self (-1, 0 or 1), elementwise
 * docs/aclnn.md (comparisons, logic and sign) has the dtypes and where weir differs.
 */
#ifndef WEIR_ACLNNOP_ACLNN_SIGN_H
#define WEIR_ACLNNOP_ACLNN_SIGN_H

#include "aclnn/aclnn_base.h"

#ifdef __cplusplus
extern "C" {
#endif

ACLNN_API aclnnStatus aclnnSignGetWorkspaceSize(const aclTensor *self, aclTensor *result,
                                                uint64_t *workspaceSize, aclOpExecutor **executor);
ACLNN_API aclnnStatus aclnnSign(void *workspace, uint64_t workspaceSize, aclOpExecutor *executor,
                                aclrtStream stream);

#ifdef __cplusplus
}
#endif
#endif /* WEIR_ACLNNOP_ACLNN_SIGN_H */
