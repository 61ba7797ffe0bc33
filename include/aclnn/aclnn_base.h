/*
 * aclnn/aclnn_base.h - what every aclnnop/aclnn_<op>.h header includes: the
 * aclnn objects (aclnn/acl_meta.h), aclnn's status codes and its
 * init/finalize calls. A failing aclnn call returns one of these codes and
 * leaves a message naming the call and the argument, read with
 * aclGetRecentErrMsg() (acl/acl_base.h).
 */
#ifndef WEIR_ACLNN_ACLNN_BASE_H
#define WEIR_ACLNN_ACLNN_BASE_H

#include "aclnn/acl_meta.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The export marker of the aclnnop headers' declarations. */
#ifndef ACLNN_API
#define ACLNN_API ACL_FUNC_VISIBILITY
#endif

#define ACLNN_SUCCESS                         0
#define ACLNN_ERR_PARAM_NULLPTR               161001 /* a required argument is NULL */
#define ACLNN_ERR_PARAM_INVALID               161002 /* a bad argument: dtype, shape, value */
#define ACLNN_ERR_RUNTIME_ERROR               361001 /* the runtime refused a call */
#define ACLNN_ERR_INNER                       561000
#define ACLNN_ERR_INNER_INFERSHAPE_ERROR      561001
#define ACLNN_ERR_INNER_TILING_ERROR          561002
#define ACLNN_ERR_INNER_FIND_KERNEL_ERROR     561003
#define ACLNN_ERR_INNER_CREATE_EXECUTOR       561101
#define ACLNN_ERR_INNER_NOT_TRANS_EXECUTOR    561102
#define ACLNN_ERR_INNER_NULLPTR               561103
#define ACLNN_ERR_INNER_WRONG_ATTR_INFO_SIZE  561104
#define ACLNN_ERR_INNER_KEY_CONFILICT         561105
#define ACLNN_ERR_INNER_INVALID_IMPL_MODE     561106
#define ACLNN_ERR_INNER_OPP_PATH_NOT_FOUND    561107
#define ACLNN_ERR_INNER_LOAD_JSON_FAILED      561108
#define ACLNN_ERR_INNER_ATTR_NUM_OUT_OF_BOUND 561114
#define ACLNN_ERR_INNER_ATTR_LEN_NOT_ENOUGH   561115

/* aclnn needs no set-up on weir: both return ACLNN_SUCCESS (aclnnInit
 * ignores its config path, which may be NULL). */
ACL_FUNC_VISIBILITY aclnnStatus aclnnInit(const char *configPath);
ACL_FUNC_VISIBILITY aclnnStatus aclnnFinalize(void);

#ifdef __cplusplus
}
#endif
#endif /* WEIR_ACLNN_ACLNN_BASE_H */
