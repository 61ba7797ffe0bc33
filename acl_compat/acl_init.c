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
#include "acl_compat/acl_internal.h"
#include "acl_compat/acl_state.h"
#include "sched/alloc.h"
#include "sched/atomic.h"
#include "weir/mem.h"

#include <ctype.h>
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

/* ------------------------------------------------------------------------ */
/* A small JSON reader                                                       */
/* ------------------------------------------------------------------------ */

/*
 * Validates the whole document (RFC 8259 grammar, nesting bounded) and hands
 * every scalar at depth 1 or 2 to the callback with its key path. Strings are
 * unescaped; \uXXXX escapes (surrogate pairs included) become UTF-8, and a
 * lone surrogate becomes U+FFFD.
 */
struct weir_json {
	const char *p, *end;
	int depth;
	char path[2][64];
	void (*on_value)(struct weir_json *j, int depth, const char *str, bool is_string);
	/* configuration being built */
	weir_config_t *cfg;
	char cpus[256];
	bool have_cpus;
	int32_t default_device;
	bool err_msg_process;
	const char *error;
	char errbuf[192];     /* what error points at when it names a value */
};

static void weir_json_ws(struct weir_json *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

/* Four hex digits of a \u escape. */
static bool weir_json_hex4(struct weir_json *j, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		if (j->p >= j->end || !isxdigit((unsigned char)*j->p))
			return false;
		char h = *j->p++;
		*v = *v * 16 + (unsigned)(isdigit((unsigned char)h) ? h - '0'
		                          : (tolower((unsigned char)h) - 'a' + 10));
	}
	return true;
}

/* The code point of a \u escape (after "\u"), joining a surrogate pair. */
static bool weir_json_code_point(struct weir_json *j, unsigned *cp)
{
	if (!weir_json_hex4(j, cp))
		return false;
	if (*cp >= 0xDC00 && *cp <= 0xDFFF) {
		*cp = 0xFFFD; /* a low surrogate alone */
	} else if (*cp >= 0xD800 && *cp <= 0xDBFF) {
		unsigned lo;
		if (j->end - j->p >= 6 && j->p[0] == '\\' && j->p[1] == 'u') {
			const char *save = j->p;
			j->p += 2;
			if (!weir_json_hex4(j, &lo))
				return false;
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				*cp = 0x10000 + ((*cp - 0xD800) << 10) + (lo - 0xDC00);
				return true;
			}
			j->p = save; /* not a pair: the next escape stands alone */
		}
		*cp = 0xFFFD;
	}
	return true;
}

static bool weir_json_string(struct weir_json *j, char *out, size_t cap)
{
	size_t n = 0;
	if (j->p >= j->end || *j->p != '"')
		return false;
	j->p++;
	while (j->p < j->end && *j->p != '"') {
		char c = *j->p++;
		if ((unsigned char)c < 0x20)
			return false;
		if (c == '\\') {
			if (j->p >= j->end)
				return false;
			char e = *j->p++;
			switch (e) {
			case '"': case '\\': case '/': break;
			case 'b': c = '\b'; e = 0; break;
			case 'f': c = '\f'; e = 0; break;
			case 'n': c = '\n'; e = 0; break;
			case 'r': c = '\r'; e = 0; break;
			case 't': c = '\t'; e = 0; break;
			case 'u': {
				unsigned cp;
				if (!weir_json_code_point(j, &cp))
					return false;
				/* UTF-8: all but the last byte here, the last below */
				unsigned char u[4];
				int k = 0;
				if (cp < 0x80) {
					u[k++] = (unsigned char)cp;
				} else if (cp < 0x800) {
					u[k++] = (unsigned char)(0xC0 | cp >> 6);
					u[k++] = (unsigned char)(0x80 | (cp & 0x3F));
				} else if (cp < 0x10000) {
					u[k++] = (unsigned char)(0xE0 | cp >> 12);
					u[k++] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
					u[k++] = (unsigned char)(0x80 | (cp & 0x3F));
				} else {
					u[k++] = (unsigned char)(0xF0 | cp >> 18);
					u[k++] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
					u[k++] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
					u[k++] = (unsigned char)(0x80 | (cp & 0x3F));
				}
				for (int i = 0; i + 1 < k; i++)
					if (n + 1 < cap)
						out[n++] = (char)u[i];
				c = (char)u[k - 1];
				e = 0;
				break;
			}
			default:
				return false;
			}
			if (e)
				c = e;
		}
		if (n + 1 < cap)
			out[n++] = c;
	}
	if (j->p >= j->end)
		return false;
	j->p++; /* closing quote */
	if (cap)
		out[n] = '\0';
	return true;
}

static bool weir_json_number(struct weir_json *j, char *out, size_t cap)
{
	const char *s = j->p;
	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p >= j->end || !isdigit((unsigned char)*j->p))
		return false;
	if (*j->p == '0')
		j->p++;
	else
		while (j->p < j->end && isdigit((unsigned char)*j->p))
			j->p++;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (j->p >= j->end || !isdigit((unsigned char)*j->p))
			return false;
		while (j->p < j->end && isdigit((unsigned char)*j->p))
			j->p++;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (j->p >= j->end || !isdigit((unsigned char)*j->p))
			return false;
		while (j->p < j->end && isdigit((unsigned char)*j->p))
			j->p++;
	}
	size_t n = (size_t)(j->p - s);
	if (n >= cap)
		n = cap - 1;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

static bool weir_json_literal(struct weir_json *j, const char *lit)
{
	size_t n = strlen(lit);
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n) != 0)
		return false;
	j->p += n;
	return true;
}

static bool weir_json_value(struct weir_json *j);

static bool weir_json_object(struct weir_json *j)
{
	j->p++; /* '{' */
	j->depth++;
	weir_json_ws(j);
	if (j->p < j->end && *j->p == '}') {
		j->p++;
		j->depth--;
		return true;
	}
	for (;;) {
		char key[64];
		weir_json_ws(j);
		if (!weir_json_string(j, key, sizeof key))
			return false;
		if (j->depth <= 2)
			memcpy(j->path[j->depth - 1], key, sizeof key);
		weir_json_ws(j);
		if (j->p >= j->end || *j->p != ':')
			return false;
		j->p++;
		if (!weir_json_value(j))
			return false;
		weir_json_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == '}') {
			j->p++;
			j->depth--;
			return true;
		}
		return false;
	}
}

static bool weir_json_array(struct weir_json *j)
{
	j->p++; /* '[' */
	j->depth++;
	weir_json_ws(j);
	if (j->p < j->end && *j->p == ']') {
		j->p++;
		j->depth--;
		return true;
	}
	for (;;) {
		/* array elements are never configuration values */
		int saved = j->depth;
		j->depth = 100 + saved;
		if (!weir_json_value(j))
			return false;
		j->depth = saved;
		weir_json_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == ']') {
			j->p++;
			j->depth--;
			return true;
		}
		return false;
	}
}

static bool weir_json_value(struct weir_json *j)
{
	char buf[256];
	weir_json_ws(j);
	if (j->p >= j->end)
		return false;
	if (j->depth > 64 && j->depth < 100)
		return false; /* too deep */
	if (j->depth > 164)
		return false;
	switch (*j->p) {
	case '{': return weir_json_object(j);
	case '[': return weir_json_array(j);
	case '"':
		if (!weir_json_string(j, buf, sizeof buf))
			return false;
		if (j->depth >= 1 && j->depth <= 2)
			j->on_value(j, j->depth, buf, true);
		return true;
	case 't': return weir_json_literal(j, "true");
	case 'f': return weir_json_literal(j, "false");
	case 'n': return weir_json_literal(j, "null");
	default:
		if (!weir_json_number(j, buf, sizeof buf))
			return false;
		if (j->depth >= 1 && j->depth <= 2)
			j->on_value(j, j->depth, buf, false);
		return true;
	}
}

/* Parse an unsigned decimal that fits `max`. */
static bool weir_json_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

static void weir_acl_cfg_value(struct weir_json *j, int depth, const char *str, bool is_string)
{
	uint64_t v;
	(void)is_string;
	if (j->error)
		return;
	if (depth == 1) {
		if (strcmp(j->path[0], "err_msg_mode") == 0)
			j->err_msg_process = strcmp(str, "1") == 0;
		return;
	}
	if (strcmp(j->path[0], "defaultDevice") == 0) {
		if (strcmp(j->path[1], "default_device") == 0) {
			if (!weir_json_u64(str, WEIR_MAX_DEVICES - 1, &v))
				j->error = "defaultDevice.default_device must be a device id";
			else
				j->default_device = (int32_t)v;
		}
		return;
	}
	if (strcmp(j->path[0], "weir") != 0)
		return;
	const char *k = j->path[1];
	if (strcmp(k, "cpus") == 0) {
		snprintf(j->cpus, sizeof j->cpus, "%s", str);
		j->have_cpus = true;
		return;
	}
	struct { const char *key; uint64_t max; } keys[] = {
		{ "devices", WEIR_MAX_DEVICES }, { "workers_per_device", 1024 },
		{ "ring_capacity", UINT32_MAX }, { "spin_ns", UINT32_MAX },
		{ "quantum", UINT32_MAX }, { "mem_capacity", UINT64_MAX },
	};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if (strcmp(k, keys[i].key) != 0)
			continue;
		if (!weir_json_u64(str, keys[i].max, &v)) {
			snprintf(j->errbuf, sizeof j->errbuf,
			         "weir.%s: \"%.64s\" is not a valid unsigned number (at most %llu)",
			         keys[i].key, str, (unsigned long long)keys[i].max);
			j->error = j->errbuf;
			return;
		}
		switch (i) {
		case 0: j->cfg->devices = (uint32_t)v; break;
		case 1: j->cfg->workers_per_device = (uint32_t)v; break;
		case 2: j->cfg->ring_capacity = (uint32_t)v; break;
		case 3: j->cfg->spin_ns = (uint32_t)v; break;
		case 4: j->cfg->quantum = (uint32_t)v; break;
		case 5: j->cfg->mem_capacity = v; break;
		}
		return;
	}
}

/* Read and apply the JSON file. Returns ACL_SUCCESS or the failure code
 * (already recorded). */
static aclError weir_acl_read_config(const char *path, weir_config_t *cfg,
                                     struct weir_json *j)
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

	memset(j, 0, sizeof *j);
	j->p = buf;
	j->end = buf + len;
	j->cfg = cfg;
	j->default_device = -1;
	j->on_value = weir_acl_cfg_value;
	weir_json_ws(j);
	bool ok = j->p < j->end && *j->p == '{' && weir_json_value(j);
	if (ok) {
		weir_json_ws(j);
		ok = j->p == j->end;
	}
	size_t at = (size_t)(j->p - buf);
	weir__free(buf);
	if (!ok)
		return weir__acl_fail(ACL_ERROR_PARSE_FILE, "aclInit",
		                      "config file \"%s\" is not a valid JSON object (error near byte %zu)",
		                      path, at);
	if (j->error)
		return weir__acl_fail(ACL_ERROR_PARSE_FILE, "aclInit", "config file \"%s\": %s", path,
		                      j->error);
	return ACL_SUCCESS;
}

/* ------------------------------------------------------------------------ */
/* Init / finalize                                                           */
/* ------------------------------------------------------------------------ */

ACL_FUNC_VISIBILITY aclError aclInit(const char *configPath)
{
	weir_config_t cfg;
	struct weir_json j;
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
	memset(&j, 0, sizeof j);
	j.default_device = -1;
	if (configPath && configPath[0]) {
		rc = weir_acl_read_config(configPath, &cfg, &j);
		if (rc != ACL_SUCCESS) {
			weir__acl_unlock();
			return rc;
		}
	}
	char *cpus = NULL;
	if (j.have_cpus) {
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
		return weir__acl_fail(st == WEIR_ENOMEM ? ACL_ERROR_BAD_ALLOC : ACL_ERROR_INVALID_PARAM,
		                      "aclInit", "cannot create device memory: %s", weir_strerror(st));
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
