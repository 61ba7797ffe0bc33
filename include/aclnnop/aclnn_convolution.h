/*
 * aclnnop/aclnn_convolution.h - 1-D and 2-D convolution (NCL / NCHW), plain or transposed, with stride, padding, dilation and groups.
 * docs/aclnn.md has the dtypes and where weir differs.
 */
#ifndef WEIR_ACLNNOP_ACLNN_CONVOLUTION_H
#define WEIR_ACLNNOP_ACLNN_CONVOLUTION_H

#include "aclnn/aclnn_base.h"

#ifdef __cplusplus
extern "C" {
#endif

ACLNN_API aclnnStatus aclnnConvolutionGetWorkspaceSize(
        const aclTensor *input, const aclTensor *weight, const aclTensor *bias,
        const aclIntArray *stride, const aclIntArray *padding, const aclIntArray *dilation,
        bool transposed, const aclIntArray *outputPadding, const int64_t groups, aclTensor *output,
        int8_t cubeMathType, uint64_t *workspaceSize, aclOpExecutor **executor);
ACLNN_API aclnnStatus aclnnConvolution(void *workspace, const uint64_t workspaceSize,
                                       aclOpExecutor *executor, aclrtStream stream);

#ifdef __cplusplus
}
#endif
#endif /* WEIR_ACLNNOP_ACLNN_CONVOLUTION_H */
