/*
 * acl_compat/runtime/status.c - the facade's one error path: the weir-status ->
 * ACL-code table, the per-thread last error (aclrtGetLastError /
 * aclrtPeekAtLastError) and the recent-message log (aclGetRecentErrMsg).
 *
 * Every failing aclrt* call goes through weir__acl_fail(); nothing else
 * writes the last error or the messages.
 *
 * Message log: per thread by default; with "err_msg_mode": "1" in the aclInit
 * JSON, one process-wide log (guarded by weir_acl_msg_lock) that any thread's
 * aclGetRecentErrMsg() drains. Newest message first; when the log is full the
 * oldest messages are dropped.
 */
#include "acl_compat/acl_internal.h"
#include "acl_compat/acl_state.h"
#include "base/atomic.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define WEIR_ACL_MSG_CAP 4096

/* Per-thread state (no sharing, no guard needed). */
static _Thread_local aclError weir_acl_last_error;
static _Thread_local char weir_acl_tls_log[WEIR_ACL_MSG_CAP]; /* accumulated */
static _Thread_local char weir_acl_tls_out[WEIR_ACL_MSG_CAP]; /* last returned */
static _Thread_local char weir_acl_tls_reason[512];

/* Process-wide log for err_msg_mode 1. */
static pthread_mutex_t weir_acl_msg_lock = PTHREAD_MUTEX_INITIALIZER;
static char weir_acl_proc_log[WEIR_ACL_MSG_CAP]; /* L:weir_acl_msg_lock */
/* A: relaxed - a mode switch, set by aclInit before any call it governs;
 * a message racing the switch may land in either log, both are valid. */
static _Atomic bool weir_acl_proc_mode;

void weir__acl_set_err_msg_process(bool on)
{
	weir_store_relaxed(&weir_acl_proc_mode, on);
}

/* ------------------------------------------------------------------------ */
/* The table                                                                  */
/* ------------------------------------------------------------------------ */

/*
 * Task failures (weir/status.h): weir reports a task's positive code
 * verbatim and a code <= 0 as WEIR_EKERNEL, so a kernel's code never reaches
 * this table as a native status (-5 is not WEIR_ETIMEDOUT here). A task code
 * >= 100000 is an ACL code and passes through; every other task code,
 * negative ones included, is 507015 (ACL_ERROR_RT_AICORE_EXCEPTION): never a
 * condition of the runtime such as 507046 (time-out) or 107017 (handle).
 */
static aclError weir_acl_map(int status, aclError timeout_code)
{
	if (status == WEIR_OK)
		return ACL_SUCCESS;
	if (status > 0) /* a task's own positive return code */
		return status >= 100000 ? (aclError)status : ACL_ERROR_RT_AICORE_EXCEPTION;
	switch (status) {
	case WEIR_EINVAL: return ACL_ERROR_RT_PARAM_INVALID;
	case WEIR_ENOMEM: return ACL_ERROR_RT_MEMORY_ALLOCATION;
	case WEIR_EHANDLE: return ACL_ERROR_RT_INVALID_HANDLE;
	case WEIR_ENOTREADY: return ACL_ERROR_RT_STREAM_NOT_COMPLETE;
	case WEIR_ETIMEDOUT: return timeout_code;
	case WEIR_EAGAIN: return ACL_ERROR_RT_STREAM_TASK_FULL;
	case WEIR_EDEVICE: return ACL_ERROR_RT_INVALID_DEVICEID;
	case WEIR_ESTOPPED: return ACL_ERROR_RT_AICORE_EXCEPTION;
	case WEIR_EABORTED: return ACL_ERROR_RT_STREAM_ABORT;
	case WEIR_EKERNEL: return ACL_ERROR_RT_AICORE_EXCEPTION; /* task code <= 0 */
	case WEIR_ENOTSUP: return ACL_ERROR_RT_FEATURE_NOT_SUPPORT;
	case WEIR_EBUSY: return ACL_ERROR_RT_PARAM_INVALID;
	case WEIR_ESTATE: return ACL_ERROR_RT_PARAM_INVALID;
	case WEIR_ENOSUB: return ACL_ERROR_RT_STREAM_NO_CB_REG;
	case WEIR_ESUBSCRIBED: return ACL_ERROR_RT_STREAM_SUBSCRIBE;
	case WEIR_ENOTSUBSCRIBED: return ACL_ERROR_RT_THREAD_SUBSCRIBE;
	case WEIR_EFOREIGN: return ACL_ERROR_RT_STREAM_CONTEXT;
	case WEIR_EBOUNDS: return ACL_ERROR_RT_PARAM_INVALID;
	case WEIR_EDIRECTION: return ACL_ERROR_RT_PARAM_INVALID;
	case WEIR_EFREED: return ACL_ERROR_RT_MEMORY_FREE;
	case WEIR_EINTERIOR: return ACL_ERROR_RT_MEMORY_FREE;
	case WEIR_ENOTFOUND: return ACL_ERROR_RT_PARAM_INVALID;
	case WEIR_EEXIST: return ACL_ERROR_RT_PARAM_INVALID;
	case WEIR_ESHAPE: return ACL_ERROR_RT_PARAM_INVALID;
	case WEIR_ECYCLE: return ACL_ERROR_RT_PARAM_INVALID;
	case WEIR_EFINALIZED: return ACL_ERROR_UNINITIALIZE;
	case WEIR_EINTERNAL: return ACL_ERROR_RT_INTERNAL_ERROR;
	case WEIR_EWAITTIMEOUT:
		return ACL_ERROR_RT_TASK_TIMEOUT; /* a wait task timed out */
	/* A stopped stream (aclrtStreamStop): the code Ascend's sync returns. */
	case WEIR_EHALTED: return ACL_ERROR_RT_INTERNAL_ERROR;
	/* Capture (aclmdlRI*): an unsafe call during a capture, a sync or
	 * query of a captured stream; an end after an illegal call; a stream
	 * that joined a capture and was not joined back. Calls that know better
	 * (aclmdlRICaptureEnd, event calls) pick their own code first. */
	case WEIR_ECAPTURE: return ACL_ERROR_RT_CAPTURE_MODE_NOT_SUPPORT;
	case WEIR_EINVALIDATED: return ACL_ERROR_RT_STREAM_CAPTURE_INVALIDATED;
	case WEIR_EUNJOINED: return ACL_ERROR_RT_STREAM_UNJOINED;
	default: return ACL_ERROR_RT_AICORE_EXCEPTION;
	}
}

aclError weir__acl_from_weir(int status)
{
	return weir_acl_map(status, ACL_ERROR_RT_STREAM_SYNC_TIMEOUT);
}

aclError weir__acl_from_weir_event(int status)
{
	return weir_acl_map(status, ACL_ERROR_RT_EVENT_SYNC_TIMEOUT);
}

/* ------------------------------------------------------------------------ */
/* Messages                                                                   */
/* ------------------------------------------------------------------------ */

/* Prepend `msg` and a newline to the log `log` (capacity WEIR_ACL_MSG_CAP),
 * dropping whole old lines that no longer fit. */
static void weir_acl_log_prepend(char *log, const char *msg)
{
	size_t mlen = strlen(msg);
	if (mlen > WEIR_ACL_MSG_CAP - 2)
		mlen = WEIR_ACL_MSG_CAP - 2;
	size_t old = strlen(log);
	size_t keep = old;
	if (mlen + 1 + keep > WEIR_ACL_MSG_CAP - 1) {
		keep = WEIR_ACL_MSG_CAP - 1 - mlen - 1;
		/* cut at the end of a whole line */
		while (keep > 0 && log[keep - 1] != '\n')
			keep--;
	}
	memmove(log + mlen + 1, log, keep);
	memcpy(log, msg, mlen);
	log[mlen] = '\n';
	log[mlen + 1 + keep] = '\0';
}

aclError weir__acl_fail(aclError code, const char *api, const char *fmt, ...)
{
	char reason[768];
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	snprintf(msg, sizeof msg, "%s: %s (error %d)", api, reason, code);

	weir_acl_last_error = code;
	if (weir_load_relaxed(&weir_acl_proc_mode)) {
		pthread_mutex_lock(&weir_acl_msg_lock);
		weir_acl_log_prepend(weir_acl_proc_log, msg);
		pthread_mutex_unlock(&weir_acl_msg_lock);
	} else {
		weir_acl_log_prepend(weir_acl_tls_log, msg);
	}
	return code;
}

aclError weir__acl_fail_weir(int status, const char *api, const char *what)
{
	return weir__acl_fail(weir__acl_from_weir(status), api, "%s: %s (weir %s)", what,
	                      weir_strerror(status),
	                      status > 0 ? "task code" : weir_status_name(status));
}

aclError weir__acl_fail_weir_code(int status, int task_code, const char *api, const char *what)
{
	if (!weir_status_is_task_failure(status))
		return weir__acl_fail_weir(status, api, what);
	return weir__acl_fail(weir__acl_from_weir(status), api,
	                      "%s: a task failed: it returned %d (weir %s)", what, task_code,
	                      status > 0 ? "task code" : weir_status_name(status));
}

aclError weir__acl_fail_weir_event(int status, const char *api, const char *what)
{
	return weir__acl_fail(weir__acl_from_weir_event(status), api, "%s: %s (weir %s)", what,
	                      weir_strerror(status),
	                      status > 0 ? "task code" : weir_status_name(status));
}

void weir__acl_set_reason(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(weir_acl_tls_reason, sizeof weir_acl_tls_reason, fmt, ap);
	va_end(ap);
}

const char *weir__acl_reason(void)
{
	return weir_acl_tls_reason;
}

aclError weir__acl_timeout_ns(int32_t timeout_ms, int64_t *ns)
{
	if (timeout_ms == -1) {
		*ns = WEIR_TIMEOUT_INFINITE;
		return ACL_SUCCESS;
	}
	if (timeout_ms <= 0) {
		weir__acl_set_reason("timeout %d is invalid (must be -1 or > 0)", (int)timeout_ms);
		return ACL_ERROR_RT_PARAM_INVALID;
	}
	*ns = (int64_t)timeout_ms * 1000000;
	return ACL_SUCCESS;
}

/* ------------------------------------------------------------------------ */
/* Public error queries                                                      */
/* ------------------------------------------------------------------------ */

ACL_FUNC_VISIBILITY const char *aclGetRecentErrMsg(void)
{
	if (weir_load_relaxed(&weir_acl_proc_mode)) {
		pthread_mutex_lock(&weir_acl_msg_lock);
		memcpy(weir_acl_tls_out, weir_acl_proc_log, sizeof weir_acl_tls_out);
		weir_acl_proc_log[0] = '\0';
		pthread_mutex_unlock(&weir_acl_msg_lock);
	} else {
		memcpy(weir_acl_tls_out, weir_acl_tls_log, sizeof weir_acl_tls_out);
	}
	/* Messages logged in the other mode before a switch are drained too. */
	if (weir_acl_tls_out[0] == '\0' && weir_acl_tls_log[0] != '\0')
		memcpy(weir_acl_tls_out, weir_acl_tls_log, sizeof weir_acl_tls_out);
	weir_acl_tls_log[0] = '\0';
	if (weir_acl_tls_out[0] == '\0')
		return NULL;
	/* drop the trailing newline */
	size_t n = strlen(weir_acl_tls_out);
	if (n > 0 && weir_acl_tls_out[n - 1] == '\n')
		weir_acl_tls_out[n - 1] = '\0';
	return weir_acl_tls_out;
}

ACL_FUNC_VISIBILITY aclError aclrtGetLastError(aclrtLastErrLevel level)
{
	if (level != ACL_RT_THREAD_LEVEL)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, "aclrtGetLastError",
		                      "level %d is invalid (only ACL_RT_THREAD_LEVEL)", (int)level);
	aclError e = weir_acl_last_error;
	weir_acl_last_error = ACL_RT_SUCCESS;
	return e;
}

ACL_FUNC_VISIBILITY aclError aclrtPeekAtLastError(aclrtLastErrLevel level)
{
	if (level != ACL_RT_THREAD_LEVEL)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, "aclrtPeekAtLastError",
		                      "level %d is invalid (only ACL_RT_THREAD_LEVEL)", (int)level);
	return weir_acl_last_error;
}
