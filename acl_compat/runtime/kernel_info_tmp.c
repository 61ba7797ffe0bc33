/*
 * acl_compat/runtime/kernel_info_tmp.c - TEMPORARY stand-in for
 * weir__acl_kernel_task_info() (acl_internal.h), whose real definition comes
 * with aclrtLaunchKernel* in runtime/kernel.c (another branch of issue 10).
 * Delete this file (and its line in acl_compat/CMakeLists.txt) at that merge.
 * Until then no task counts as launched through aclrtLaunchKernel*.
 */
#include "acl_compat/acl_internal.h"

int weir__acl_kernel_task_info(weir_kernel_fn fn, const void *args, void **func_handle,
                               void **user_args, uint32_t *user_args_len)
{
	(void)fn;
	(void)args;
	(void)func_handle;
	(void)user_args;
	(void)user_args_len;
	return -1;
}
