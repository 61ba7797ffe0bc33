/*
 * acl_compat/runtime/applog.c - the application's log (aclAppLog, acl_base.h
 * "base system info") and aclsysGetCANNVersion (acl_rt.h "System
 * information").
 *
 * ACL sends an application's lines to its own log (files, or stdout when
 * ASCEND_SLOG_PRINT_TO_STDOUT is set) at or above the level of
 * ASCEND_GLOBAL_LOG_LEVEL. weir has no log service: the lines go to stderr
 * (stdout with ASCEND_SLOG_PRINT_TO_STDOUT=1), filtered the same way, and
 * each is written with one write() so lines of several threads never
 * interleave. Line format:
 *   [LEVEL] APP(pid,weir):YYYY-MM-DD-hh:mm:ss.uuu tid func:file:line: "message"
 */
#include "acl_compat/acl_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define WEIR_ACL_LOG_MAX  1024 /* ACL's bound on one formatted line */
#define WEIR_ACL_LOG_NONE 4    /* ASCEND_GLOBAL_LOG_LEVEL: nothing */

static const char weir_acl_log_mark[] = "...[truncated]";

/* The process's level, read at every call as ACL does (a program may
 * change it between calls). */
static uint32_t weir_acl_log_threshold(void)
{
	const char *env = getenv("ASCEND_GLOBAL_LOG_LEVEL");
	if (env && env[0] >= '0' && env[0] <= '4' && env[1] == '\0')
		return (uint32_t)(env[0] - '0');
	return ACL_ERROR; /* ACL's default */
}

static int weir_acl_log_fd(void)
{
	const char *env = getenv("ASCEND_SLOG_PRINT_TO_STDOUT");
	return env && strcmp(env, "1") == 0 ? STDOUT_FILENO : STDERR_FILENO;
}

ACL_FUNC_VISIBILITY void aclAppLog(aclLogLevel logLevel, const char *func, const char *file,
                                   uint32_t line, const char *fmt, ...)
{
	static const char *const names[] = { "DEBUG", "INFO", "WARNING", "ERROR" };
	if (!func || !file || !fmt || (int)logLevel < ACL_DEBUG || (int)logLevel > ACL_ERROR)
		return;
	uint32_t thr = weir_acl_log_threshold();
	if (thr == WEIR_ACL_LOG_NONE || (uint32_t)logLevel < thr)
		return;
	int saved_errno = errno; /* a log call leaves errno as it found it */

	char body[WEIR_ACL_LOG_MAX];
	va_list ap;
	va_start(ap, fmt);
	int nb = vsnprintf(body, sizeof body, fmt, ap);
	va_end(ap);
	if (nb < 0) {
		snprintf(body, sizeof body, "(aclAppLog: the format string is invalid)");
		nb = 0;
	}

	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	char out[WEIR_ACL_LOG_MAX + 160];
	int nh = snprintf(out, WEIR_ACL_LOG_MAX,
	                  "[%s] APP(%ld,weir):%04d-%02d-%02d-%02d:%02d:%02d.%03ld %ld %s:%s:%u: "
	                  "\"%s\"",
	                  names[logLevel], (long)getpid(), tm.tm_year + 1900, tm.tm_mon + 1,
	                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000,
	                  (long)syscall(SYS_gettid), func, file, line, body);
	size_t len = nh < 0 ? 0 : (size_t)nh;
	if (nb >= WEIR_ACL_LOG_MAX || len >= WEIR_ACL_LOG_MAX) {
		/* Cut: the kept text, then the mark (ACL's rule). */
		if (len > WEIR_ACL_LOG_MAX - 1)
			len = WEIR_ACL_LOG_MAX - 1;
		memcpy(out + len, weir_acl_log_mark, sizeof weir_acl_log_mark - 1);
		len += sizeof weir_acl_log_mark - 1;
	}
	out[len++] = '\n';
	int fd = weir_acl_log_fd();
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, out + off, len - off);
		if (w <= 0 && errno != EINTR)
			break;
		if (w > 0)
			off += (size_t)w;
	}
	errno = saved_errno;
}

/* ------------------------------------------------------------------------ */
/* CANN package versions                                                     */
/* ------------------------------------------------------------------------ */

#define WEIR_ACL_STR2(x) #x
#define WEIR_ACL_STR(x)  WEIR_ACL_STR2(x)

ACL_FUNC_VISIBILITY aclError aclsysGetCANNVersion(aclCANNPackageName name,
                                                  aclCANNPackageVersion *version)
{
	static const char api[] = "aclsysGetCANNVersion";
	if (!version)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "version is NULL");
	if ((int)name < ACL_PKG_NAME_CANN || (int)name > ACL_PKG_NAME_DRIVER)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "name %d is not a package (0 CANN .. 7 DRIVER)", (int)name);
	/* Every package of weir is weir: one version, aclsysGetVersionStr's. */
	memset(version, 0, sizeof(*version));
	snprintf(version->version, sizeof version->version, "%d.%d.%d", ACL_MAJOR_VERSION,
	         ACL_MINOR_VERSION, ACL_PATCH_VERSION);
	snprintf(version->majorVersion, sizeof version->majorVersion, "%s",
	         WEIR_ACL_STR(ACL_MAJOR_VERSION));
	snprintf(version->minorVersion, sizeof version->minorVersion, "%s",
	         WEIR_ACL_STR(ACL_MINOR_VERSION));
	snprintf(version->patchVersion, sizeof version->patchVersion, "%s",
	         WEIR_ACL_STR(ACL_PATCH_VERSION));
	return ACL_SUCCESS;
}
