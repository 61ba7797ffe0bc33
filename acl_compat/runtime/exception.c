/*
 * acl_compat/runtime/exception.c - errors and exceptions: the exception
 * callbacks (aclrtSetExceptionInfoCallback, aclrtExceptionInfoCallback*),
 * the aclrtGet*FromExceptionInfo accessors, aclrtGetThreadLastTaskId and
 * aclrtGetErrorVerbose.
 *
 * A failing kernel is reported by weir's fault hook (weir/sched.h,
 * weir_runtime_set_fault_hook), which runs on the device's callback thread
 * before the failure is retired; this file installs the hook on the runtime
 * while any exception callback is registered (and at aclInit), builds an
 * aclrtExceptionInfo on the hook's stack and calls the callbacks with it.
 *
 * The callbacks live in a small table under this file's own mutex (never the
 * facade lock: aclFinalize holds that while it joins the callback threads,
 * which may be inside the hook). The hook copies the table and calls the
 * copies outside the mutex.
 */
#include "acl_compat/acl_internal.h"
#include "acl_compat/acl_state.h"
#include "base/die.h"

#include <pthread.h>
#include <string.h>

/* ACL's "no such information" value of the accessors. */
#define WEIR_ACL_EXC_INVALID 0xFFFFFFFFu
#define WEIR_ACL_EXC_MAX     32

struct aclrtExceptionInfo {
	uint32_t task_id;
	uint32_t stream_id;
	uint32_t thread_id;
	uint32_t device_id;
	uint32_t code;
	bool has_kernel; /* launched through aclrtLaunchKernel* */
	void *func;
	void *args;
	uint32_t args_len;
};

static pthread_mutex_t weir_acl_exc_lock = PTHREAD_MUTEX_INITIALIZER;
static aclrtExceptionInfoCallback weir_acl_exc_set;                   /* L(exc_lock) */
static aclrtExceptionInfoCallback weir_acl_exc_reg[WEIR_ACL_EXC_MAX]; /* L(exc_lock) */
static uint32_t weir_acl_exc_nreg;                                    /* L(exc_lock) */
/* Loaded binaries with an aclrtBinarySetExceptionCallback callback. */
static uint32_t weir_acl_exc_nbin; /* L(exc_lock) */

static void weir_acl_exc_hook(const weir_fault_t *f, void *user)
{
	(void)user;
	aclrtExceptionInfoCallback cbs[WEIR_ACL_EXC_MAX + 1];
	uint32_t n = 0;
	pthread_mutex_lock(&weir_acl_exc_lock);
	if (weir_acl_exc_set)
		cbs[n++] = weir_acl_exc_set;
	for (uint32_t i = 0; i < weir_acl_exc_nreg; i++)
		if (weir_acl_exc_reg[i] != weir_acl_exc_set)
			cbs[n++] = weir_acl_exc_reg[i];
	bool bins = weir_acl_exc_nbin > 0;
	pthread_mutex_unlock(&weir_acl_exc_lock);
	if (!n && !bins)
		return;
	struct aclrtExceptionInfo info = {
		.task_id = f->task_id,
		.stream_id = f->stream_id,
		.thread_id = f->thread_id,
		.device_id = f->device,
		/* The code a synchronize reports for this task. */
		.code = (uint32_t)weir__acl_from_weir(f->code > 0 ? f->code : WEIR_EKERNEL),
	};
	info.has_kernel = weir__acl_kernel_task_info(f->fn, f->args, &info.func, &info.args,
	                                             &info.args_len) == 0;
	for (uint32_t i = 0; i < n; i++)
		cbs[i](&info);
	/* Then the failing kernel's binary's own callback (ACL's order). */
	if (info.has_kernel)
		weir__acl_kernel_fault_notify(f->fn, f->args, &info);
}

/* Install or remove the hook on rt to match the table (exc_lock held). */
static int weir_acl_exc_sync_locked(weir_runtime_t *rt)
{
	bool any = weir_acl_exc_set || weir_acl_exc_nreg || weir_acl_exc_nbin;
	return weir_runtime_set_fault_hook(rt, any ? weir_acl_exc_hook : NULL, NULL);
}

void weir__acl_exception_attach(weir_runtime_t *rt)
{
	pthread_mutex_lock(&weir_acl_exc_lock);
	(void)weir_acl_exc_sync_locked(rt); /* ENOMEM: failures go unreported */
	pthread_mutex_unlock(&weir_acl_exc_lock);
}

/* Apply a table change to the current runtime, if any. */
static aclError weir_acl_exc_apply_locked(const char *api)
{
	uint64_t gen;
	weir_runtime_t *rt;
	weir_mem_t *mem;
	if (!weir__acl_runtime_enter_current(&gen, &rt, &mem))
		return ACL_SUCCESS; /* aclInit installs it */
	int st = weir_acl_exc_sync_locked(rt);
	weir__acl_runtime_leave();
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "starting the device callback threads");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtSetExceptionInfoCallback(aclrtExceptionInfoCallback callback)
{
	pthread_mutex_lock(&weir_acl_exc_lock);
	aclrtExceptionInfoCallback old = weir_acl_exc_set;
	weir_acl_exc_set = callback;
	aclError rc = weir_acl_exc_apply_locked("aclrtSetExceptionInfoCallback");
	if (rc != ACL_SUCCESS)
		weir_acl_exc_set = old;
	pthread_mutex_unlock(&weir_acl_exc_lock);
	return rc;
}

ACL_FUNC_VISIBILITY aclError aclrtExceptionInfoCallbackRegister(aclrtExceptionInfoCallback callback)
{
	static const char api[] = "aclrtExceptionInfoCallbackRegister";
	if (!callback)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api, "callback is NULL");
	pthread_mutex_lock(&weir_acl_exc_lock);
	for (uint32_t i = 0; i < weir_acl_exc_nreg; i++) {
		if (weir_acl_exc_reg[i] == callback) {
			pthread_mutex_unlock(&weir_acl_exc_lock);
			return ACL_SUCCESS;
		}
	}
	if (weir_acl_exc_nreg == WEIR_ACL_EXC_MAX) {
		pthread_mutex_unlock(&weir_acl_exc_lock);
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "%d callbacks are registered already (weir's limit)",
		                      WEIR_ACL_EXC_MAX);
	}
	weir_acl_exc_reg[weir_acl_exc_nreg++] = callback;
	aclError rc = weir_acl_exc_apply_locked(api);
	if (rc != ACL_SUCCESS)
		weir_acl_exc_nreg--;
	pthread_mutex_unlock(&weir_acl_exc_lock);
	return rc;
}

ACL_FUNC_VISIBILITY aclError
aclrtExceptionInfoCallbackUnregister(aclrtExceptionInfoCallback callback)
{
	static const char api[] = "aclrtExceptionInfoCallbackUnregister";
	if (!callback)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api, "callback is NULL");
	pthread_mutex_lock(&weir_acl_exc_lock);
	for (uint32_t i = 0; i < weir_acl_exc_nreg; i++) {
		if (weir_acl_exc_reg[i] == callback) {
			weir_acl_exc_reg[i] = weir_acl_exc_reg[--weir_acl_exc_nreg];
			break;
		}
	}
	aclError rc = weir_acl_exc_apply_locked(api);
	pthread_mutex_unlock(&weir_acl_exc_lock);
	return rc;
}

aclError weir__acl_exception_bin_arm(bool on, const char *api)
{
	pthread_mutex_lock(&weir_acl_exc_lock);
	aclError rc = ACL_SUCCESS;
	if (on) {
		weir_acl_exc_nbin++;
		rc = weir_acl_exc_apply_locked(api);
		if (rc != ACL_SUCCESS)
			weir_acl_exc_nbin--;
	} else {
		WEIR_ASSERT(weir_acl_exc_nbin > 0,
		            "exception.c: a binary disarms only what it armed");
		weir_acl_exc_nbin--;
		/* Removing the hook cannot fail; a failure to apply is ignored. */
		(void)weir_acl_exc_apply_locked("aclrtBinaryUnLoad");
	}
	pthread_mutex_unlock(&weir_acl_exc_lock);
	return rc;
}

static uint32_t weir_acl_exc_null(const char *api)
{
	(void)weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "info is NULL");
	return WEIR_ACL_EXC_INVALID;
}

ACL_FUNC_VISIBILITY uint32_t aclrtGetTaskIdFromExceptionInfo(const aclrtExceptionInfo *info)
{
	return info ? info->task_id : weir_acl_exc_null("aclrtGetTaskIdFromExceptionInfo");
}

ACL_FUNC_VISIBILITY uint32_t aclrtGetStreamIdFromExceptionInfo(const aclrtExceptionInfo *info)
{
	return info ? info->stream_id : weir_acl_exc_null("aclrtGetStreamIdFromExceptionInfo");
}

ACL_FUNC_VISIBILITY uint32_t aclrtGetThreadIdFromExceptionInfo(const aclrtExceptionInfo *info)
{
	return info ? info->thread_id : weir_acl_exc_null("aclrtGetThreadIdFromExceptionInfo");
}

ACL_FUNC_VISIBILITY uint32_t aclrtGetDeviceIdFromExceptionInfo(const aclrtExceptionInfo *info)
{
	return info ? info->device_id : weir_acl_exc_null("aclrtGetDeviceIdFromExceptionInfo");
}

ACL_FUNC_VISIBILITY uint32_t aclrtGetErrorCodeFromExceptionInfo(const aclrtExceptionInfo *info)
{
	return info ? info->code : weir_acl_exc_null("aclrtGetErrorCodeFromExceptionInfo");
}

ACL_FUNC_VISIBILITY aclError aclrtGetArgsFromExceptionInfo(const aclrtExceptionInfo *info,
                                                           void **devArgsPtr, uint32_t *devArgsLen)
{
	static const char api[] = "aclrtGetArgsFromExceptionInfo";
	if (!info)
		return weir__acl_fail((aclError)WEIR_ACL_EXC_INVALID, api, "info is NULL");
	if (!devArgsPtr || !devArgsLen)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      devArgsPtr ? "devArgsLen" : "devArgsPtr");
	if (!info->has_kernel)
		return weir__acl_fail((aclError)WEIR_ACL_EXC_INVALID, api,
		                      "the failed task was not launched with aclrtLaunchKernel*, "
		                      "so it has no argument block");
	*devArgsPtr = info->args;
	*devArgsLen = info->args_len;
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtGetFuncHandleFromExceptionInfo(const aclrtExceptionInfo *info,
                                                                 aclrtFuncHandle *func)
{
	static const char api[] = "aclrtGetFuncHandleFromExceptionInfo";
	if (!info)
		return weir__acl_fail((aclError)WEIR_ACL_EXC_INVALID, api, "info is NULL");
	if (!func)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "func is NULL");
	if (!info->has_kernel) {
		*func = NULL;
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "the failed task was not launched with aclrtLaunchKernel*, "
		                      "so it has no function handle");
	}
	*func = info->func;
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtGetThreadLastTaskId(uint32_t *taskId)
{
	if (!taskId)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, "aclrtGetThreadLastTaskId",
		                      "taskId is NULL");
	(void)weir_thread_last_task(taskId);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtGetErrorVerbose(int32_t deviceId, aclrtErrorInfo *errorInfo)
{
	static const char api[] = "aclrtGetErrorVerbose";
	if (!errorInfo)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "errorInfo is NULL");
	uint64_t gen;
	weir_runtime_t *rt;
	weir_mem_t *mem;
	if (!weir__acl_runtime_enter_current(&gen, &rt, &mem))
		return weir__acl_fail(ACL_ERROR_UNINITIALIZE, api,
		                      "aclInit has not been called (weir has no runtime yet)");
	aclError rc = weir__acl_device_check(rt, deviceId, api);
	weir__acl_runtime_leave();
	if (rc != ACL_SUCCESS)
		return rc;
	/* weir's devices have no hardware faults to describe. */
	memset(errorInfo, 0, sizeof *errorInfo);
	errorInfo->errorType = ACL_RT_NO_ERROR;
	return ACL_SUCCESS;
}
