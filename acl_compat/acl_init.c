/*
 * acl_compat/acl_init.c - aclInit / aclFinalize / aclFinalizeReference, the
 * JSON configuration file, version queries, and the process-wide runtime
 * the facade owns.
 *
 * State machine (all under the facade lock):
 *   refs == 0, no runtime  --aclInit-->  refs = 1, runtime + mem created
 *   refs > 0               --aclInit-->  refs++, ACL_ERROR_REPEAT_INITIALIZE
 *   refs > 0  --aclFinalize-->  refs = 0, everything torn down, finalized
 *   refs > 0  --aclFinalizeReference-->  refs--, torn down at 0
 *   finalized --aclFinalize--> ACL_ERROR_REPEAT_FINALIZE
 *   never initialized --aclFinalize--> SUCCESS (ACL's "finalized starts false")
 */
#include "acl_compat/acl_config.h"
#include "acl_compat/acl_internal.h"
#include "acl_compat/acl_state.h"
#include "sched/alloc.h"
#include "sched/atomic.h"
#include "weir/mem.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t weir_acl_mutex = PTHREAD_MUTEX_INITIALIZER;

/* A: written under the lock by init/finalize, read lock-free by every call. */
static weir_runtime_t *_Atomic weir_acl_rt;
static weir_mem_t *_Atomic weir_acl_memp;
static uint64_t weir_acl_refs;        /* L */
static bool weir_acl_finalized;       /* L */
static char *weir_acl_cpus;           /* L: our copy of the "cpus" string */

void weir__acl_lock(void)   { pthread_mutex_lock(&weir_acl_mutex); }
void weir__acl_unlock(void) { pthread_mutex_unlock(&weir_acl_mutex); }

weir_runtime_t *weir__acl_runtime(void)
{
	return weir_load_acquire(&weir_acl_rt); /* A1: pairs with R1 in aclInit */
}

weir_mem_t *weir__acl_mem(void)
{
	return weir_load_acquire(&weir_acl_memp); /* A2: pairs with R2 in aclInit */
}

/* Read the JSON file into *c (acl_config.c). Returns ACL_SUCCESS or the
 * failure code (already recorded). */
static aclError weir_acl_read_config(const char *path, struct weir_acl_config *c)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return weir__acl_fail(ACL_ERROR_INVALID_FILE, "aclInit",
		                      "cannot open config file \"%s\": %s", path, strerror(errno));
	size_t cap = 4096, len = 0;
	char *buf = weir__malloc(cap);
	if (!buf) {
		fclose(f);
		return weir__acl_fail(ACL_ERROR_BAD_ALLOC, "aclInit", "out of memory reading \"%s\"", path);
	}
	for (;;) {
		size_t n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (len < cap)
			break;
		if (cap >= (64u << 20)) {
			weir__free(buf);
			fclose(f);
			return weir__acl_fail(ACL_ERROR_INVALID_FILE, "aclInit",
			                      "config file \"%s\" is larger than 64 MiB", path);
		}
		char *nb = weir__realloc(buf, cap * 2);
		if (!nb) {
			weir__free(buf);
			fclose(f);
			return weir__acl_fail(ACL_ERROR_BAD_ALLOC, "aclInit",
			                      "out of memory reading \"%s\"", path);
		}
		buf = nb;
		cap *= 2;
	}
	bool rerr = ferror(f) != 0;
	fclose(f);
	if (rerr) {
		weir__free(buf);
		return weir__acl_fail(ACL_ERROR_INVALID_FILE, "aclInit", "cannot read config file \"%s\"", path);
	}
	char why[256];
	aclError rc = weir__acl_config_parse(buf, len, c, why, sizeof why);
	weir__free(buf);
	if (rc != ACL_SUCCESS)
		return weir__acl_fail(rc, "aclInit", "config file \"%s\": %s", path, why);
	return ACL_SUCCESS;
}

/* ------------------------------------------------------------------------ */
/* Init / finalize                                                           */
/* ------------------------------------------------------------------------ */

ACL_FUNC_VISIBILITY aclError aclInit(const char *configPath)
{
	weir_config_t cfg;
	struct weir_acl_config j; /* what the file sets (acl_config.h) */
	aclError rc;

	weir__acl_lock();
	if (weir_acl_refs > 0) {
		weir_acl_refs++;
		weir__acl_unlock();
		return weir__acl_fail(ACL_ERROR_REPEAT_INITIALIZE, "aclInit",
		                      "already initialized (this call only adds a reference)");
	}

	weir_config_init(&cfg);
	if (weir_config_from_env(&cfg) != WEIR_OK) {
		weir__acl_unlock();
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, "aclInit",
		                      "a WEIR_* environment variable is malformed");
	}
	weir__acl_config_init(&j);
	if (configPath && configPath[0]) {
		rc = weir_acl_read_config(configPath, &j);
		if (rc != ACL_SUCCESS) {
			weir__acl_unlock();
			return rc;
		}
	}
	weir__acl_config_apply(&j, &cfg);
	char *cpus = NULL;
	if (j.set & WEIR_ACL_CFG_CPUS) {
		cpus = weir__strdup(j.cpus);
		if (!cpus) {
			weir__acl_unlock();
			return weir__acl_fail(ACL_ERROR_BAD_ALLOC, "aclInit", "out of memory");
		}
		cfg.cpus = cpus;
	}
	if (j.default_device >= 0 && (uint32_t)j.default_device >= cfg.devices) {
		weir__free(cpus);
		weir__acl_unlock();
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, "aclInit",
		                      "defaultDevice %d is out of range (devices: %u)",
		                      (int)j.default_device, (unsigned)cfg.devices);
	}
	if (!weir__acl_reg_init()) {
		weir__free(cpus);
		weir__acl_unlock();
		return weir__acl_fail(ACL_ERROR_BAD_ALLOC, "aclInit", "out of memory (handle table)");
	}

	weir_runtime_t *rt = NULL;
	int st = weir_runtime_create(&cfg, &rt);
	if (st != WEIR_OK) {
		weir__free(cpus);
		weir__acl_unlock();
		return weir__acl_fail(st == WEIR_ENOMEM ? ACL_ERROR_BAD_ALLOC : ACL_ERROR_INVALID_PARAM,
		                      "aclInit", "cannot create the runtime (%u devices): %s",
		                      (unsigned)cfg.devices, weir_strerror(st));
	}
	weir_mem_t *mem = NULL;
	st = weir_mem_create(rt, &mem);
	if (st != WEIR_OK) {
		weir_runtime_destroy(rt);
		weir__free(cpus);
		weir__acl_unlock();
		/* EINVAL: the capacity cannot be reserved for this many devices */
		if (st == WEIR_EINVAL && (j.set & WEIR_ACL_CFG_MEM_CAPACITY))
			return weir__acl_fail(ACL_ERROR_PARSE_FILE, "aclInit",
			                      "config file \"%s\": weir.mem_capacity: %llu bytes per "
			                      "device cannot be reserved for %u devices", configPath,
			                      (unsigned long long)cfg.mem_capacity, (unsigned)cfg.devices);
		return weir__acl_fail(st == WEIR_ENOMEM ? ACL_ERROR_BAD_ALLOC : ACL_ERROR_INVALID_PARAM,
		                      "aclInit", "cannot create device memory (mem_capacity %llu%s, "
		                      "%u devices): %s", (unsigned long long)cfg.mem_capacity,
		                      cfg.mem_capacity ? " bytes per device" : ": the default",
		                      (unsigned)cfg.devices, weir_strerror(st));
	}

	weir_acl_cpus = cpus;
	weir__acl_set_err_msg_process(j.err_msg_process);
	weir__acl_set_default_device(j.default_device);
	/* R2: release - publishes the memory subsystem; pairs with A2. */
	weir_store_release(&weir_acl_memp, mem);
	/* R1: release - publishes the runtime; pairs with A1. */
	weir_store_release(&weir_acl_rt, rt);
	weir_acl_refs = 1;
	weir_acl_finalized = false;
	weir__acl_unlock();
	return ACL_SUCCESS;
}

static void weir_acl_obj_release(struct weir_acl_obj *o)
{
	/* weir objects are freed by weir_runtime_destroy(); only the facade
	 * wrappers remain, freed after a grace period by the registry. */
	(void)o;
}

/* Lock held, refs just reached 0. */
static void weir_acl_teardown_locked(void)
{
	weir_runtime_t *rt = weir_load_relaxed(&weir_acl_rt); /* writer: lock held */
	weir_mem_t *mem = weir_load_relaxed(&weir_acl_memp);

	/* Unpublish first: later calls see "not initialized". */
	weir_store_release(&weir_acl_rt, NULL);   /* R1 (again): pairs with A1 */
	weir_store_release(&weir_acl_memp, NULL); /* R2 (again): pairs with A2 */

	weir__acl_reports_teardown();
	weir__acl_devices_reset_locked();
	weir__acl_reg_clear(weir_acl_obj_release);
	/* The runtime first: it joins the workers, so no queued async copy can
	 * touch device memory once weir_mem_destroy() runs (mem.h's rule). */
	weir_runtime_destroy(rt);
	weir_mem_destroy(mem);
	weir__rcu_barrier();
	weir__free(weir_acl_cpus);
	weir_acl_cpus = NULL;
	weir__acl_set_default_device(-1);
	weir_acl_finalized = true;
}

ACL_FUNC_VISIBILITY aclError aclFinalize(void)
{
	weir__acl_lock();
	if (weir_acl_finalized) {
		weir__acl_unlock();
		return weir__acl_fail(ACL_ERROR_REPEAT_FINALIZE, "aclFinalize", "already finalized");
	}
	weir_acl_refs = 0;
	if (weir_load_relaxed(&weir_acl_rt)) /* lock held: the writer's view */
		weir_acl_teardown_locked();
	else
		weir_acl_finalized = true;
	weir__acl_unlock();
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclFinalizeReference(uint64_t *refCount)
{
	weir__acl_lock();
	if (weir_acl_refs == 0) {
		weir__acl_unlock();
		if (refCount)
			*refCount = 0;
		return weir__acl_fail(ACL_ERROR_REPEAT_FINALIZE, "aclFinalizeReference",
		                      "the aclInit reference count is already 0");
	}
	uint64_t left = --weir_acl_refs;
	if (left == 0)
		weir_acl_teardown_locked();
	weir__acl_unlock();
	if (refCount)
		*refCount = left;
	return ACL_SUCCESS;
}

/* ------------------------------------------------------------------------ */
/* Versions and run mode                                                     */
/* ------------------------------------------------------------------------ */

ACL_FUNC_VISIBILITY aclError aclrtGetVersion(int32_t *majorVersion, int32_t *minorVersion,
                                             int32_t *patchVersion)
{
	if (!majorVersion || !minorVersion || !patchVersion)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, "aclrtGetVersion",
		                      "an output pointer is NULL");
	*majorVersion = ACL_MAJOR_VERSION;
	*minorVersion = ACL_MINOR_VERSION;
	*patchVersion = ACL_PATCH_VERSION;
	return ACL_SUCCESS;
}

#define WEIR_ACL_VERSION_STR "1.17.0"

static bool weir_acl_known_pkg(const char *name)
{
	static const char *const pkgs[] = { "runtime", "driver", "firmware", "compiler",
	                                     "opp", "toolkit", "aoe", "cann" };
	for (size_t i = 0; i < sizeof pkgs / sizeof pkgs[0]; i++)
		if (strcmp(name, pkgs[i]) == 0)
			return true;
	return false;
}

ACL_FUNC_VISIBILITY aclError aclsysGetVersionStr(char *pkgName, char *versionStr)
{
	if (!pkgName || !versionStr)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, "aclsysGetVersionStr",
		                      "pkgName or versionStr is NULL");
	if (!weir_acl_known_pkg(pkgName))
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, "aclsysGetVersionStr",
		                      "unknown package \"%.64s\"", pkgName);
	snprintf(versionStr, ACL_PKG_VERSION_MAX_SIZE, "%s", WEIR_ACL_VERSION_STR);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclsysGetVersionNum(char *pkgName, int32_t *versionNum)
{
	if (!pkgName || !versionNum)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, "aclsysGetVersionNum",
		                      "pkgName or versionNum is NULL");
	if (!weir_acl_known_pkg(pkgName))
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, "aclsysGetVersionNum",
		                      "unknown package \"%.64s\"", pkgName);
	*versionNum = ACL_MAJOR_VERSION * 1000000 + ACL_MINOR_VERSION * 1000 + ACL_PATCH_VERSION;
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtGetRunMode(aclrtRunMode *runMode)
{
	if (!runMode)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, "aclrtGetRunMode", "runMode is NULL");
	*runMode = ACL_HOST;
	return ACL_SUCCESS;
}
