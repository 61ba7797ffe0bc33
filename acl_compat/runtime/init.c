/*
 * acl_compat/runtime/init.c - aclInit / aclFinalize / aclFinalizeReference, the
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
 *
 * Runtime generations and pins. Each runtime aclInit creates gets a new
 * generation number (never 0, never reused); weir_acl_gen holds the one
 * published now (0: none). Whoever keeps using the runtime across calls (a
 * session made by weir_session_create_acl, the GE layer) remembers the
 * number and, around each use, pins it: weir__acl_runtime_enter(gen) fails
 * once that generation is no longer published, and teardown destroys
 * nothing while a pin is held.
 * Invariants:
 *  P1. enter adds its pin (seq_cst) and then reads weir_acl_gen (seq_cst);
 *      teardown stores weir_acl_gen = 0 (seq_cst) and then reads the pin
 *      count (seq_cst). In the one total order either enter sees 0 (or a
 *      later generation) and backs out, or teardown sees the pin and waits.
 *  P2. leave drops the pin (seq_cst) and then reads weir_acl_draining; a
 *      draining teardown stores it (seq_cst) before it reads the count under
 *      weir_acl_pin_mu. So either teardown sees the drop, or leave sees the
 *      flag and broadcasts under the mutex: no lost wake-up.
 *  P3. A generation's runtime and memory stay allocated while one of its pins
 *      is held; the next generation is published only after the teardown of
 *      the previous one has finished (both run under the facade lock).
 *  P4. Pinned code never takes the facade lock (teardown holds it while it
 *      waits for the pins).
 */
#include "acl_compat/runtime/config.h"
#include "acl_compat/acl_internal.h"
#include "acl_compat/acl_state.h"
#include "base/alloc.h"
#include "base/atomic.h"
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
static uint64_t weir_acl_refs;  /* L */
static bool weir_acl_finalized; /* L */
static char *weir_acl_cpus;     /* L: our copy of the "cpus" string */

/* Generations and pins (P1-P4 above). */
static _Atomic uint64_t weir_acl_gen;  /* A: published generation, 0 = none */
static uint64_t weir_acl_gen_last;     /* L: the last generation given out */
static _Atomic uint64_t weir_acl_pins; /* A: pins held, all generations */
static _Atomic bool weir_acl_draining; /* A: a teardown waits for the pins */
static pthread_mutex_t weir_acl_pin_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t weir_acl_pin_cv = PTHREAD_COND_INITIALIZER; /* pins reached 0 */

void weir__acl_lock(void)
{
	pthread_mutex_lock(&weir_acl_mutex);
}
void weir__acl_unlock(void)
{
	pthread_mutex_unlock(&weir_acl_mutex);
}

weir_runtime_t *weir__acl_runtime(void)
{
	return weir_load_acquire(&weir_acl_rt); /* A1: pairs with R1 in aclInit */
}

weir_mem_t *weir__acl_mem(void)
{
	return weir_load_acquire(&weir_acl_memp); /* A2: pairs with R2 in aclInit */
}

uint64_t weir__acl_generation(void)
{
	return weir_load_acquire(&weir_acl_gen); /* A3: pairs with R3 in aclInit */
}

bool weir__acl_runtime_enter(uint64_t gen)
{
	if (gen == 0)
		return false;
	/* P1: seq_cst - the pin is ordered before the generation check below;
	 * pairs with the store of 0 and the pin count read in teardown. */
	weir_faa_seqcst(&weir_acl_pins, 1);
	/* P1: seq_cst - see above. */
	if (weir_load_seqcst(&weir_acl_gen) == gen)
		return true;
	weir__acl_runtime_leave();
	return false;
}

void weir__acl_runtime_leave(void)
{
	/* P2: seq_cst - drop the pin, then read the flag; pairs with the
	 * flag store and the count read in weir_acl_pins_drain(). */
	if (weir_fas_seqcst(&weir_acl_pins, 1) == 1 && weir_load_seqcst(&weir_acl_draining)) {
		pthread_mutex_lock(&weir_acl_pin_mu);
		pthread_cond_broadcast(&weir_acl_pin_cv);
		pthread_mutex_unlock(&weir_acl_pin_mu);
	}
}

bool weir__acl_runtime_enter_current(uint64_t *gen, weir_runtime_t **rt, weir_mem_t **mem)
{
	uint64_t g = weir__acl_generation();
	if (!weir__acl_runtime_enter(g))
		return false;
	/* Pinned (P3): these are g's runtime and memory unless a teardown has
	 * already unpublished them, which leaves NULL. */
	*rt = weir__acl_runtime();
	*mem = weir__acl_mem();
	if (!*rt || !*mem) {
		weir__acl_runtime_leave();
		return false;
	}
	*gen = g;
	return true;
}

/* Teardown, facade lock held, generation already unpublished: wait until no
 * pin is held (P1, P2). */
static void weir_acl_pins_drain(void)
{
	/* P2: seq_cst - the flag before the count read; pairs with leave. */
	weir_store_seqcst(&weir_acl_draining, true);
	pthread_mutex_lock(&weir_acl_pin_mu);
	while (weir_load_seqcst(&weir_acl_pins) != 0) /* P1: pairs with enter */
		pthread_cond_wait(&weir_acl_pin_cv, &weir_acl_pin_mu);
	pthread_mutex_unlock(&weir_acl_pin_mu);
	/* Relaxed: a leave that still reads true only broadcasts for nothing. */
	weir_store_relaxed(&weir_acl_draining, false);
}

/* Read the JSON file into *c (runtime/config.c). Returns ACL_SUCCESS or the
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
		return weir__acl_fail(ACL_ERROR_BAD_ALLOC, "aclInit",
		                      "out of memory reading \"%s\"", path);
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
		return weir__acl_fail(ACL_ERROR_INVALID_FILE, "aclInit",
		                      "cannot read config file \"%s\"", path);
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

/* aclInit; *gen (if not NULL) gets the generation the reference is on. */
static aclError weir_acl_init(const char *configPath, uint64_t *gen)
{
	weir_config_t cfg;
	struct weir_acl_config j; /* what the file sets (runtime/config.h) */
	aclError rc;

	weir__acl_lock();
	if (weir_acl_refs > 0) {
		weir_acl_refs++;
		if (gen)
			*gen = weir_load_relaxed(&weir_acl_gen); /* lock held: the writer's view */
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
		return weir__acl_fail(ACL_ERROR_BAD_ALLOC, "aclInit",
		                      "cannot register the facade's handle types (registry full)");
	}

	weir_runtime_t *rt = NULL;
	int st = weir_runtime_create(&cfg, &rt);
	if (st != WEIR_OK) {
		weir__free(cpus);
		weir__acl_unlock();
		return weir__acl_fail(st == WEIR_ENOMEM ? ACL_ERROR_BAD_ALLOC
		                                        : ACL_ERROR_INVALID_PARAM,
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
			return weir__acl_fail(
			        ACL_ERROR_PARSE_FILE, "aclInit",
			        "config file \"%s\": weir.mem_capacity: %llu bytes per "
			        "device cannot be reserved for %u devices",
			        configPath, (unsigned long long)cfg.mem_capacity,
			        (unsigned)cfg.devices);
		return weir__acl_fail(st == WEIR_ENOMEM ? ACL_ERROR_BAD_ALLOC
		                                        : ACL_ERROR_INVALID_PARAM,
		                      "aclInit",
		                      "cannot create device memory (mem_capacity %llu%s, "
		                      "%u devices): %s",
		                      (unsigned long long)cfg.mem_capacity,
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
	/* R3: seq_cst (so also release) - publishes the generation after its
	 * runtime and memory; pairs with A3 and with the read in enter (P1). */
	weir_store_seqcst(&weir_acl_gen, ++weir_acl_gen_last);
	/* After publishing: a concurrent aclrtSetExceptionInfoCallback either
	 * sees this runtime or is seen by this call (runtime/exception.c). */
	weir__acl_exception_attach(rt);
	if (gen)
		*gen = weir_acl_gen_last;
	weir_acl_refs = 1;
	weir_acl_finalized = false;
	weir__acl_unlock();
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclInit(const char *configPath)
{
	return weir_acl_init(configPath, NULL);
}

aclError weir__acl_init_ref(uint64_t *gen)
{
	return weir_acl_init(NULL, gen);
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
	uint64_t gen = weir_load_relaxed(&weir_acl_gen); /* writer: lock held */

	/* Unpublish first: later calls see "not initialized", and no new pin
	 * on this generation succeeds. */
	weir_store_seqcst(&weir_acl_gen, 0);      /* P1: pairs with enter */
	weir_store_release(&weir_acl_rt, NULL);   /* R1 (again): pairs with A1 */
	weir_store_release(&weir_acl_memp, NULL); /* R2 (again): pairs with A2 */
	/* Calls that pinned the generation before finish on the live runtime;
	 * then the sessions bound to it unload their graphs while it still
	 * runs, and read as finalized from now on. */
	weir_acl_pins_drain();
	weir__acl_detach_sessions(gen);

	/* Wakes every aclrtProcessReport waiter (they return 100001). */
	weir__acl_reports_teardown();
	weir__acl_devices_reset_locked();
	weir__acl_reg_clear(weir_acl_obj_release);
	/* The runtime first: it joins the workers, so no queued async copy can
	 * touch device memory once weir_mem_destroy() runs (mem.h's rule). */
	weir_runtime_destroy(rt);
	weir__acl_kernel_teardown(); /* every launch released its binary above */
	weir__acl_mdl_teardown();    /* the RI table's records (their RIs died above) */
	weir_mem_destroy(mem);
	weir__rcu_barrier();
	weir__free(weir_acl_cpus);
	weir_acl_cpus = NULL;
	weir__acl_set_default_device(-1);
	weir_acl_finalized = true;
	weir__acl_mstx_flush();
}

ACL_FUNC_VISIBILITY aclError aclFinalize(void)
{
	weir__acl_lock();
	if (weir_acl_finalized) {
		weir__acl_unlock();
		return weir__acl_fail(ACL_ERROR_REPEAT_FINALIZE, "aclFinalize",
		                      "already finalized");
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

aclError weir__acl_finalize_reference_gen(uint64_t gen)
{
	weir__acl_lock();
	if (gen == 0 || weir_acl_refs == 0 || weir_load_relaxed(&weir_acl_gen) != gen) {
		/* lock held: the writer's view. That runtime is gone already. */
		weir__acl_unlock();
		return ACL_ERROR_REPEAT_FINALIZE;
	}
	if (--weir_acl_refs == 0)
		weir_acl_teardown_locked();
	weir__acl_unlock();
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
	static const char *const pkgs[] = { "runtime", "driver",  "firmware", "compiler",
		                            "opp",     "toolkit", "aoe",      "cann" };
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
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, "aclrtGetRunMode",
		                      "runMode is NULL");
	*runMode = ACL_HOST;
	return ACL_SUCCESS;
}
