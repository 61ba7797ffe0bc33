/*
 * aclnnop/aclnn_ne_scalar.h - out = self != other (a scalar), elementwise, as bool
 * docs/aclnn.md (comparisons, logic and sign) has the dtypes and where weir differs.
 */
#ifndef WEIR_ACLNNOP_ACLNN_NE_SCALAR_H
#define WEIR_ACLNNOP_ACLNN_NE_SCALAR_H

#include "aclnn/aclnn_base.h"

#ifdef __cplusplus
extern "C" {
#endif

ACLNN_API aclnnStatus aclnnNeScalarGetWorkspaceSize(const aclTensor *self, const aclScalar *other,
                                                    aclTensor *out, uint64_t *workspaceSize,
                                                    aclOpExecutor **executor);
ACLNN_API aclnnStatus aclnnNeScalar(void *workspace, uint64_t workspaceSize,
                                    aclOpExecutor *executor, aclrtStream stream);
ACLNN_API aclnnStatus aclnnInplaceNeScalarGetWorkspaceSize(aclTensor *selfRef,
                                                           const aclScalar *other,
                                                           uint64_t *workspaceSize,
                                                           aclOpExecutor **executor);
ACLNN_API aclnnStatus aclnnInplaceNeScalar(void *workspace, uint64_t workspaceSize,
                                           aclOpExecutor *executor, aclrtStream stream);

#ifdef __cplusplus
}
#endif
#endif /* WEIR_ACLNNOP_ACLNN_NE_SCALAR_H */
