/*
 * acl_compat/runtime/kernel.c - kernel binaries on CPU: aclrtBinaryLoad*,
 * aclrtBinaryGetFunction*, aclrtBinaryUnLoad, aclrtKernelArgs* and
 * aclrtLaunchKernel* (docs/acl.md section E, docs/porting-kernels.md).
 *
 * A weir "device binary" is an ELF shared object whose kernels are written
 * with include/weir/kernel.h: each kernel exports a descriptor object
 * weir_kernel__<name>. LoadFromFile dlopens the file; LoadFromData writes
 * the bytes to a memfd (or an unlinked temporary file) and dlopens that.
 *
 * Objects and handles. Binaries, functions and argument lists are facade
 * objects in the library's one handle registry (base/registry.h), under ONE
 * registry type of their own ("acl.kernel", the type ids are few) with a
 * kind field checked after the lookup; their ACL handles are registry
 * handles, so a stale, garbage or wrong-kind value is refused (107017)
 * without being dereferenced. A parameter handle (aclrtParamHandle) is the
 * parameter's index + 1 within its argument list.
 *
 * Lifetimes (every object has a reference count, base/obj.h):
 *  K1. A binary holds one reference for its handle and one per launch not
 *      yet retired. Unload removes the handle and its functions' handles at
 *      once, then drops the handle's reference; the code stays mapped until
 *      the last launch's release drops the last reference, after which
 *      (a grace period later) the binary is dlclosed and freed. So an unload
 *      racing launches never unmaps code that is still going to run.
 *  K2. A function is published while its binary is loaded; it holds no
 *      reference on the binary (unload removes it first). A reader that found
 *      a function inside a read-side section may read its binary, which is
 *      retired only after a grace period that starts after that removal,
 *      and takes a reference on the binary with a try-ref (refused once the
 *      count reached zero).
 *  K3. An argument list refers to its function by handle, never by pointer:
 *      each launch looks the function up again, so a list outliving its
 *      binary fails its launches with 107017 and pins nothing.
 *  K4. A launch copies everything it needs (the argument bytes, placeholder
 *      data, the kernel's entry point, a binary reference) into one heap
 *      block owned by the task; the block travels in the task record as a
 *      pointer and is freed by the task's release (weir_launch_release),
 *      which runs exactly once whether the task runs or is discarded
 *      (abort, stream destroy, device reset, aclFinalize). A launch that
 *      fails frees it at once.
 *
 * aclrtKernelArgsInit follows ACL's model: the list is per thread, and every
 * Init on a thread resets that thread's list and returns the same handle. A
 * thread's list is freed when the thread exits (reaped by the next Init or
 * aclFinalize) and every list is freed by aclFinalize.
 * aclrtKernelArgsInitByUserMem keeps the list's state in weir (the user's
 * handle memory is the key of a small table, never read), with the
 * argument bytes in the user's buffer.
 */
#include "acl_compat/acl_internal.h"
#include "acl_compat/acl_state.h"
#include "base/alloc.h"
#include "base/atomic.h"
#include "base/obj.h"
#include "base/rcu.h"
#include "base/registry.h"
#include "weir/kernel.h"

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* ACL's limits for one argument list (runtime args_handle_allocator.hpp). */
#define WEIR_ACL_ARGS_MAX_PARAMS 128u
#define WEIR_ACL_ARGS_MAX_BYTES  (64u * 1024u)
/* Bytes of aclrtKernelArgsGetHandleMemSize: what the user allocates. */
#define WEIR_ACL_ARGS_HANDLE_MEM 64u
#define WEIR_ACL_KERNEL_PREFIX   "weir_kernel__"
#define WEIR_ACL_PARAMS_PREFIX   "weir_kparams__"
/* WEIR_ACL_DYN_UBUF_MAX and WEIR_ACL_SIMT_MAX_THREADS: acl_internal.h. */
/* aclrtGetHardwareSyncAddr: bytes of each device's area. */
#define WEIR_ACL_SYNC_BYTES 4096u
#define WEIR_ACL_NAME_MAX   200u

enum weir_acl_kkind { WEIR_ACL_K_BIN = 1, WEIR_ACL_K_FUNC = 2, WEIR_ACL_K_ARGS = 3 };

struct weir_acl_kobj {
	struct weir_obj obj;   /* registry header: obj.handle is the ACL handle */
	_Atomic uint32_t refs; /* A: handle + holders (K1-K4) */
	uint32_t kind;         /* I: weir_acl_kkind */
};

struct weir_acl_func;

/* A host CPU function registered with aclrtRegisterCpuFunc: owned by its
 * binary (freed with it), so it outlives every function handle naming it. */
struct weir_acl_cpufn {
	weir_cpu_kernel_fn fn; /* I: inside the binary's mapping */
	char *op;              /* I: the kernelName (ACL's opType) */
	struct weir_acl_cpufn *next;
};

struct weir_acl_bin {
	struct weir_acl_kobj k;
	void *dl;                         /* I: dlopen handle */
	struct link_map *lm;              /* I */
	char *origin;                     /* I: path or "<data>", for messages */
	bool cpu_mode;                    /* I: loaded with ..._CPU_KERNEL_MODE */
	uint32_t ktype;                   /* I: aclrtKernelType from the MAGIC option */
	pthread_mutex_t lock;             /* guards the fields below */
	bool unloaded;                    /* L(lock) */
	struct weir_acl_func *funcs;      /* L(lock): published functions */
	struct weir_acl_cpufn *cpu_funcs; /* L(lock): registered CPU functions */
	aclrtOpExceptionCallback exc_cb;  /* L(lock): aclrtBinarySetExceptionCallback */
	void *exc_user;                   /* L(lock) */
};

struct weir_acl_func {
	struct weir_acl_kobj k;
	struct weir_acl_bin *bin;           /* I: not a reference (K2) */
	const weir_kernel_desc_t *desc;     /* I: inside bin's mapping; NULL for cpu */
	const weir_kernel_params_t *params; /* I: its checked parameter list, or NULL */
	const struct weir_acl_cpufn *cpu;   /* I: a registered CPU function, or NULL */
	bool params_bad;                    /* I: it has a list that does not fit */
	struct weir_acl_func *next;         /* L(bin->lock) */
};

/* What a call needs of a function, copied inside the read-side section
 * (K2): everything it points to lives in the binary, which the snapshot
 * holds a reference on. */
struct weir_acl_fsnap {
	struct weir_acl_bin *bin; /* a reference */
	const weir_kernel_desc_t *desc;
	const weir_kernel_params_t *params;
	const struct weir_acl_cpufn *cpu;
	bool params_bad;
};

struct weir_acl_param {
	uint32_t off;      /* where the parameter sits in the list */
	uint32_t size;     /* its size */
	uint32_t data_off; /* placeholder: where its data sits (valid if has_data) */
	uint8_t placeholder;
	uint8_t has_data;
};

struct weir_acl_args {
	struct weir_acl_kobj k;
	pthread_mutex_t lock; /* guards the fields below */
	bool dead;            /* L: removed from the registry */
	bool user_mem;        /* L: buf is the user's */
	bool finalized;       /* L */
	bool got_ph_buf;      /* L: a placeholder buffer was handed out */
	void *func;           /* L: the aclrtFuncHandle (K3) */
	unsigned char *buf;   /* L */
	size_t cap;           /* L: bytes buf can hold */
	size_t size;          /* L: bytes used */
	uint32_t nparams;     /* L */
	struct weir_acl_param params[WEIR_ACL_ARGS_MAX_PARAMS]; /* L */
	struct weir_acl_args *orphan_next;                      /* L(weir_acl_kmu) */
};

/* One launch: K4. */
struct weir_acl_launch {
	struct weir_acl_bin *bin; /* a reference, dropped by the release */
	weir_kernel_entry_t entry;
	weir_cpu_kernel_fn cpu_fn;  /* a registered CPU function instead of entry */
	weir_kernel_dim3_t grid;    /* SIMT grid (x, y, z blocks); {nblocks, 1, 1} otherwise */
	weir_kernel_dim3_t threads; /* SIMT block (threads); {1, 1, 1} otherwise */
	void *func_handle;
	void *args; /* what the kernel sees: data[] or the caller's memory */
	size_t args_size;
	uint32_t device;
	uint32_t block_offset;
	uint64_t timeout_ns;       /* 0: none */
	_Atomic uint64_t start_ns; /* A: first block's start (relaxed: a time only) */
	size_t local_size;
	_Alignas(16) unsigned char data[];
};

/* A: relaxed - the registry type of kernel objects; 0 until first use.
 * Set under weir_acl_kmu; no data is published through it. */
static _Atomic uint32_t weir_acl_ktype;

/* Guards the orphan list, the user-memory table and the per-thread key. */
static pthread_mutex_t weir_acl_kmu = PTHREAD_MUTEX_INITIALIZER;
static struct weir_acl_args *weir_acl_orphans; /* L(weir_acl_kmu) */

/* User-memory lists: key = the user's handle memory. L(weir_acl_kmu). */
struct weir_acl_umap {
	void *key;
	struct weir_acl_args *a; /* holds a reference */
	struct weir_acl_umap *next;
};
#define WEIR_ACL_UMAP_BUCKETS 64u
static struct weir_acl_umap *weir_acl_umap[WEIR_ACL_UMAP_BUCKETS];

/* This thread's aclrtKernelArgsInit list (holds a reference), and the key
 * whose destructor hands it to the orphan list at thread exit. */
static __thread struct weir_acl_args *weir_acl_tls_args;
static pthread_key_t weir_acl_args_key;
static pthread_once_t weir_acl_args_once = PTHREAD_ONCE_INIT;

/* ------------------------------------------------------------------------ */
/* Objects                                                                   */
/* ------------------------------------------------------------------------ */

static uint32_t weir_acl_ktype_get(void)
{
	uint32_t t = weir_load_relaxed(&weir_acl_ktype);
	if (t)
		return t;
	pthread_mutex_lock(&weir_acl_kmu);
	t = weir_load_relaxed(&weir_acl_ktype);
	if (!t) {
		t = weir__reg_type("acl.kernel");
		weir_store_relaxed(&weir_acl_ktype, t);
	}
	pthread_mutex_unlock(&weir_acl_kmu);
	return t;
}

/* Inside a read-side section: the live object of `kind` named by h. */
static struct weir_acl_kobj *weir_acl_klookup(const void *h, uint32_t kind)
{
	uint32_t t = weir_load_relaxed(&weir_acl_ktype);
	if (!t || !h)
		return NULL;
	struct weir_obj *o = weir__reg_lookup(h, t);
	if (!o)
		return NULL;
	struct weir_acl_kobj *k = caa_container_of(o, struct weir_acl_kobj, obj);
	return k->kind == kind ? k : NULL;
}

static void weir_acl_bin_free(struct weir_obj *o)
{
	struct weir_acl_bin *b = caa_container_of(o, struct weir_acl_bin, k.obj);
	WEIR_ASSERT(b->funcs == NULL, "kernel.c K1: a freed binary has no published function");
	while (b->cpu_funcs) {
		struct weir_acl_cpufn *c = b->cpu_funcs;
		b->cpu_funcs = c->next;
		weir__free(c->op);
		weir__free(c);
	}
	dlclose(b->dl);
	pthread_mutex_destroy(&b->lock);
	weir__free(b->origin);
	weir__free(b);
}

static void weir_acl_func_free(struct weir_obj *o)
{
	weir__free(caa_container_of(o, struct weir_acl_func, k.obj));
}

static void weir_acl_args_free(struct weir_obj *o)
{
	struct weir_acl_args *a = caa_container_of(o, struct weir_acl_args, k.obj);
	if (!a->user_mem)
		weir__free(a->buf);
	pthread_mutex_destroy(&a->lock);
	weir__free(a);
}

static void weir_acl_bin_put(struct weir_acl_bin *b)
{
	if (weir__ref_put(&b->k.refs))
		weir__obj_retire(&b->k.obj, weir_acl_bin_free);
}

static void weir_acl_args_put(struct weir_acl_args *a)
{
	if (weir__ref_put(&a->k.refs))
		weir__obj_retire(&a->k.obj, weir_acl_args_free);
}

/* Unpublish an argument list (once) and drop the handle's reference. */
static void weir_acl_args_kill(struct weir_acl_args *a)
{
	if (!weir__reg_remove(&a->k.obj))
		return;
	pthread_mutex_lock(&a->lock);
	a->dead = true;
	pthread_mutex_unlock(&a->lock);
	weir_acl_args_put(a);
}

/* Unload: unpublish the binary's functions, then drop the handle's reference
 * (K1). The caller won the binary's removal. */
static void weir_acl_bin_unload(struct weir_acl_bin *b)
{
	pthread_mutex_lock(&b->lock);
	b->unloaded = true;
	struct weir_acl_func *f = b->funcs;
	b->funcs = NULL;
	if (b->exc_cb) {
		/* Under the lock, as the arm in aclrtBinarySetExceptionCallback:
		 * the count never goes below zero. */
		b->exc_cb = NULL;
		(void)weir__acl_exception_bin_arm(false, NULL);
	}
	pthread_mutex_unlock(&b->lock);
	while (f) {
		/* Listed functions are published until here, or were removed by
		 * aclFinalize's drain, which leaves them to this unload: each is
		 * retired exactly once, here. */
		struct weir_acl_func *n = f->next;
		(void)weir__reg_remove(&f->k.obj);
		weir__obj_retire(&f->k.obj, weir_acl_func_free);
		f = n;
	}
	weir_acl_bin_put(b);
}

/* A binary named by h with a reference, or NULL (reason set). */
static struct weir_acl_bin *weir_acl_bin_get(aclrtBinHandle h)
{
	struct weir_acl_bin *b = NULL;
	weir__rcu_read_lock();
	struct weir_acl_kobj *k = weir_acl_klookup(h, WEIR_ACL_K_BIN);
	if (k && weir__ref_get_unless_zero(&k->refs))
		b = caa_container_of(k, struct weir_acl_bin, k);
	weir__rcu_read_unlock();
	if (!b)
		weir__acl_set_reason("binary handle %p is not a loaded binary (unloaded, or "
		                     "never loaded)",
		                     h);
	return b;
}

/* The function named by h, copied into *out with a reference on its binary
 * (K2); or false (reason set). */
static bool weir_acl_func_get(const void *h, struct weir_acl_fsnap *out)
{
	bool ok = false;
	weir__rcu_read_lock();
	struct weir_acl_kobj *k = weir_acl_klookup(h, WEIR_ACL_K_FUNC);
	if (k) {
		struct weir_acl_func *f = caa_container_of(k, struct weir_acl_func, k);
		if (weir__ref_get_unless_zero(&f->bin->k.refs)) {
			out->bin = f->bin;
			out->desc = f->desc;
			out->params = f->params;
			out->cpu = f->cpu;
			out->params_bad = f->params_bad;
			ok = true;
		}
	}
	weir__rcu_read_unlock();
	if (!ok)
		weir__acl_set_reason("function handle %p is not a function of a loaded binary "
		                     "(its binary was unloaded, or it was never returned by "
		                     "aclrtBinaryGetFunction* or aclrtRegisterCpuFunc)",
		                     h);
	return ok;
}

/* A function's name for messages and aclrtGetFunctionName. */
static const char *weir_acl_fname(const struct weir_acl_fsnap *f)
{
	return f->desc ? f->desc->name : f->cpu->op;
}

/* ------------------------------------------------------------------------ */
/* Loading                                                                   */
/* ------------------------------------------------------------------------ */

/* What the load options ask for. */
struct weir_acl_lopts {
	bool cpu_mode;  /* ..._CPU_KERNEL_MODE given: a CPU binary */
	uint32_t ktype; /* aclrtKernelType of its kernels */
};

static aclError weir_acl_check_options(const aclrtBinaryLoadOptions *options, bool from_file,
                                       struct weir_acl_lopts *lo, const char *api)
{
	lo->cpu_mode = false;
	lo->ktype = ACL_KERNEL_TYPE_AICORE;
	if (!options)
		return ACL_SUCCESS;
	if (options->numOpt && !options->options)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "options->options is NULL with numOpt %zu", options->numOpt);
	for (size_t i = 0; i < options->numOpt; i++) {
		const aclrtBinaryLoadOption *o = &options->options[i];
		switch (o->type) {
		case ACL_RT_BINARY_LOAD_OPT_LAZY_LOAD: break;
		case ACL_RT_BINARY_LOAD_OPT_MAGIC:
			/* ACL: an unknown magic keeps the default kernel type. */
			if (o->value.magic == ACL_RT_BINARY_MAGIC_ELF_VECTOR_CORE)
				lo->ktype = ACL_KERNEL_TYPE_VECTOR;
			else if (o->value.magic == ACL_RT_BINARY_MAGIC_ELF_CUBE_CORE)
				lo->ktype = ACL_KERNEL_TYPE_CUBE;
			else
				lo->ktype = ACL_KERNEL_TYPE_AICORE;
			break;
		case ACL_RT_BINARY_LOAD_OPT_CPU_KERNEL_MODE: {
			/* ACL's modes: 0 and 1 from a file, 2 from data. */
			int32_t m = o->value.cpuKernelMode;
			bool ok = from_file ? (m == 0 || m == 1) : m == 2;
			if (!ok)
				return weir__acl_fail(
				        ACL_ERROR_RT_PARAM_INVALID, api,
				        "options[%zu]: CPU kernel mode %d (%s)", i, (int)m,
				        from_file ? "0 or 1 from a file" : "2 from data");
			lo->cpu_mode = true;
			break;
		}
		default:
			return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
			                      "options[%zu]: unknown option type %d", i,
			                      (int)o->type);
		}
	}
	return ACL_SUCCESS;
}

/* dlopen `path` and publish a binary for it. */
static aclError weir_acl_bin_open(const char *path, const char *origin,
                                  const struct weir_acl_lopts *lo, aclrtBinHandle *out,
                                  const char *api)
{
	if (!weir_acl_ktype_get())
		return weir__acl_fail(ACL_ERROR_BAD_ALLOC, api,
		                      "cannot register the kernel handle type (registry full)");
	struct weir_acl_bin *b = weir__malloc(sizeof(*b));
	char *o = weir__strdup(origin);
	if (!b || !o) {
		weir__free(b);
		weir__free(o);
		return weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "out of memory");
	}
	memset(b, 0, sizeof(*b));
	b->origin = o;
	b->cpu_mode = lo->cpu_mode;
	b->ktype = lo->ktype;
	b->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!b->dl) {
		const char *e = dlerror();
		aclError rc = weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                             "%s is not a loadable weir kernel binary (an ELF "
		                             "shared object for this machine): %s",
		                             origin, e ? e : "dlopen failed");
		weir__free(o);
		weir__free(b);
		return rc;
	}
	if (dlinfo(b->dl, RTLD_DI_LINKMAP, &b->lm) != 0 || !b->lm) {
		dlclose(b->dl);
		weir__free(o);
		weir__free(b);
		return weir__acl_fail(ACL_ERROR_RT_INTERNAL_ERROR, api, "dlinfo failed for %s",
		                      origin);
	}
	pthread_mutex_init(&b->lock, NULL);
	weir__ref_init(&b->k.refs);
	b->k.kind = WEIR_ACL_K_BIN;
	if (weir__reg_insert(&b->k.obj, weir_load_relaxed(&weir_acl_ktype)) != WEIR_OK) {
		dlclose(b->dl);
		pthread_mutex_destroy(&b->lock);
		weir__free(o);
		weir__free(b);
		return weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "out of memory (handle registry)");
	}
	*out = WEIR__OBJ_HANDLE(&b->k.obj);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtBinaryLoadFromFile(const char *binPath,
                                                     aclrtBinaryLoadOptions *options,
                                                     aclrtBinHandle *binHandle)
{
	static const char api[] = "aclrtBinaryLoadFromFile";
	if (!binPath || !binHandle)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      !binPath ? "binPath" : "binHandle");
	if (!weir__acl_runtime())
		return weir__acl_fail(ACL_ERROR_UNINITIALIZE, api,
		                      "aclInit has not been called (weir has no runtime yet)");
	struct weir_acl_lopts lo;
	aclError rc = weir_acl_check_options(options, true, &lo, api);
	if (rc != ACL_SUCCESS)
		return rc;
	if (access(binPath, R_OK) != 0)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api, "cannot read \"%s\": %s",
		                      binPath, strerror(errno));
	/* dlopen searches the library path for a name without '/'. */
	char *p = NULL;
	if (!strchr(binPath, '/')) {
		size_t n = strlen(binPath) + 3;
		p = weir__malloc(n);
		if (!p)
			return weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "out of memory");
		snprintf(p, n, "./%s", binPath);
	}
	rc = weir_acl_bin_open(p ? p : binPath, binPath, &lo, binHandle, api);
	weir__free(p);
	return rc;
}

ACL_FUNC_VISIBILITY aclError aclrtBinaryLoadFromData(const void *data, size_t length,
                                                     const aclrtBinaryLoadOptions *options,
                                                     aclrtBinHandle *binHandle)
{
	static const char api[] = "aclrtBinaryLoadFromData";
	if (!data || !binHandle)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      !data ? "data" : "binHandle");
	if (length == 0)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "length is 0");
	if (!weir__acl_runtime())
		return weir__acl_fail(ACL_ERROR_UNINITIALIZE, api,
		                      "aclInit has not been called (weir has no runtime yet)");
	struct weir_acl_lopts lo;
	aclError rc = weir_acl_check_options(options, false, &lo, api);
	if (rc != ACL_SUCCESS)
		return rc;
	if (length < SELFMAG || memcmp(data, ELFMAG, SELFMAG) != 0)
		return weir__acl_fail(
		        ACL_ERROR_RT_PARAM_INVALID, api,
		        "the data is not an ELF shared object (a weir kernel binary)");
	/* The bytes go to an anonymous file that dlopen can map. */
	char tmpl[64] = "";
	int fd = memfd_create("weir-kernel-binary", MFD_CLOEXEC);
	if (fd < 0) {
		const char *dir = getenv("TMPDIR");
		snprintf(tmpl, sizeof(tmpl), "%s/weir-kbin-XXXXXX",
		         dir && strlen(dir) < 40 ? dir : "/tmp");
		fd = mkstemp(tmpl);
		if (fd < 0)
			return weir__acl_fail(ACL_ERROR_RT_FILE_WRITE, api,
			                      "cannot create a file for the binary: %s",
			                      strerror(errno));
	}
	const unsigned char *p = data;
	size_t left = length;
	while (left) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int e = errno;
			close(fd);
			if (tmpl[0])
				unlink(tmpl);
			return weir__acl_fail(ACL_ERROR_RT_FILE_WRITE, api,
			                      "cannot write the binary to a file: %s", strerror(e));
		}
		p += w;
		left -= (size_t)w;
	}
	char path[96];
	if (tmpl[0])
		snprintf(path, sizeof(path), "%s", tmpl);
	else
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	rc = weir_acl_bin_open(path, "<binary data>", &lo, binHandle, api);
	close(fd);
	if (tmpl[0])
		unlink(tmpl);
	return rc;
}

/* aclrtCreateBinary's descriptor: the caller's bytes, not a copy. */
struct weir_acl_binary_desc {
	const void *data;
	size_t length;
};

ACL_FUNC_VISIBILITY aclrtBinary aclrtCreateBinary(const void *data, size_t dataLen)
{
	if (!data || dataLen == 0) {
		weir__acl_fail(ACL_ERROR_INVALID_PARAM, "aclrtCreateBinary", "%s",
		               !data ? "data is NULL" : "dataLen is 0");
		return NULL;
	}
	struct weir_acl_binary_desc *d = weir__malloc(sizeof(*d));
	if (!d) {
		weir__acl_fail(ACL_ERROR_BAD_ALLOC, "aclrtCreateBinary", "out of memory");
		return NULL;
	}
	d->data = data;
	d->length = dataLen;
	return d;
}

ACL_FUNC_VISIBILITY aclError aclrtDestroyBinary(aclrtBinary binary)
{
	if (!binary)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, "aclrtDestroyBinary",
		                      "binary is NULL");
	weir__free(binary);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtBinaryLoad(const aclrtBinary binary, aclrtBinHandle *binHandle)
{
	if (!binary || !binHandle)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, "aclrtBinaryLoad", "%s is NULL",
		                      !binary ? "binary" : "binHandle");
	const struct weir_acl_binary_desc *d = binary;
	return aclrtBinaryLoadFromData(d->data, d->length, NULL, binHandle);
}

ACL_FUNC_VISIBILITY aclError aclrtBinaryUnLoad(aclrtBinHandle binHandle)
{
	static const char api[] = "aclrtBinaryUnLoad";
	if (!binHandle)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "binHandle is NULL");
	struct weir_acl_bin *b = NULL;
	weir__rcu_read_lock();
	struct weir_acl_kobj *k = weir_acl_klookup(binHandle, WEIR_ACL_K_BIN);
	if (k && weir__reg_remove(&k->obj))
		b = caa_container_of(k, struct weir_acl_bin, k);
	weir__rcu_read_unlock();
	if (!b)
		return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api,
		                      "binary handle %p is not a loaded binary (unloaded, or "
		                      "never loaded)",
		                      binHandle);
	weir_acl_bin_unload(b);
	return ACL_SUCCESS;
}

/* ------------------------------------------------------------------------ */
/* Functions                                                                 */
/* ------------------------------------------------------------------------ */

static bool weir_acl_desc_ok(const struct weir_acl_bin *b, const weir_kernel_desc_t *d)
{
	struct link_map *lm = NULL;
	Dl_info info;
	/* Defined in this object, not one it depends on. */
	if (!dladdr1(d, &info, (void **)&lm, RTLD_DL_LINKMAP) || lm != b->lm)
		return false;
	return d->magic == WEIR_KERNEL_MAGIC && d->abi == WEIR_KERNEL_ABI && d->fn && d->name;
}

/* The parameter list kernel d of b declares (weir_kparams__<name>, defined
 * in b itself): NULL without one; *bad when it does not fit the kernel
 * (another argument size, a parameter outside it, over ACL's 128). */
static const weir_kernel_params_t *weir_acl_params_find(const struct weir_acl_bin *b,
                                                        const weir_kernel_desc_t *d, bool *bad)
{
	*bad = false;
	char sym[sizeof(WEIR_ACL_PARAMS_PREFIX) + WEIR_ACL_NAME_MAX];
	if (strlen(d->name) > WEIR_ACL_NAME_MAX)
		return NULL;
	snprintf(sym, sizeof(sym), "%s%s", WEIR_ACL_PARAMS_PREFIX, d->name);
	const weir_kernel_params_t *p = dlsym(b->dl, sym);
	struct link_map *lm = NULL;
	Dl_info info;
	if (!p || !dladdr1(p, &info, (void **)&lm, RTLD_DL_LINKMAP) || lm != b->lm)
		return NULL;
	*bad = p->magic != WEIR_KERNEL_PARAMS_MAGIC || p->count > WEIR_ACL_ARGS_MAX_PARAMS ||
	       (p->count && !p->params) || p->args_size != d->args_min;
	for (size_t i = 0; !*bad && i < p->count; i++)
		*bad = p->params[i].size == 0 || p->params[i].offset > p->args_size ||
		       p->params[i].size > p->args_size - p->params[i].offset;
	return *bad ? NULL : p;
}

/* Lock held: publish a new function of b for d or cpu in *out. */
static aclError weir_acl_func_publish_locked(struct weir_acl_bin *b, const weir_kernel_desc_t *d,
                                             const struct weir_acl_cpufn *cpu, aclrtFuncHandle *out,
                                             const char *api)
{
	struct weir_acl_func *f = weir__malloc(sizeof(*f));
	if (!f)
		return weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "out of memory");
	memset(f, 0, sizeof(*f));
	f->bin = b;
	f->desc = d;
	f->cpu = cpu;
	if (d)
		f->params = weir_acl_params_find(b, d, &f->params_bad);
	f->k.kind = WEIR_ACL_K_FUNC;
	weir__ref_init(&f->k.refs);
	if (weir__reg_insert(&f->k.obj, weir_load_relaxed(&weir_acl_ktype)) != WEIR_OK) {
		weir__free(f);
		return weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "out of memory (handle registry)");
	}
	f->next = b->funcs;
	b->funcs = f;
	*out = WEIR__OBJ_HANDLE(&f->k.obj);
	return ACL_SUCCESS;
}

/* Lock held: the published function for d, made if needed. */
static aclError weir_acl_func_handle_locked(struct weir_acl_bin *b, const weir_kernel_desc_t *d,
                                            aclrtFuncHandle *out, const char *api)
{
	for (struct weir_acl_func *f = b->funcs; f; f = f->next) {
		if (f->desc == d) {
			*out = WEIR__OBJ_HANDLE(&f->k.obj);
			return ACL_SUCCESS;
		}
	}
	return weir_acl_func_publish_locked(b, d, NULL, out, api);
}

ACL_FUNC_VISIBILITY aclError aclrtBinaryGetFunction(const aclrtBinHandle binHandle,
                                                    const char *kernelName,
                                                    aclrtFuncHandle *funcHandle)
{
	static const char api[] = "aclrtBinaryGetFunction";
	if (!binHandle || !kernelName || !funcHandle)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      !binHandle    ? "binHandle"
		                      : !kernelName ? "kernelName"
		                                    : "funcHandle");
	struct weir_acl_bin *b = weir_acl_bin_get(binHandle);
	if (!b)
		return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api, "%s", weir__acl_reason());
	size_t n = strlen(kernelName);
	bool valid = n > 0 && n <= WEIR_ACL_NAME_MAX;
	for (size_t i = 0; valid && i < n; i++) {
		char c = kernelName[i];
		valid = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		        (c >= '0' && c <= '9') || c == '_';
	}
	aclError rc;
	const weir_kernel_desc_t *d = NULL;
	if (valid) {
		char sym[sizeof(WEIR_ACL_KERNEL_PREFIX) + WEIR_ACL_NAME_MAX];
		snprintf(sym, sizeof(sym), "%s%s", WEIR_ACL_KERNEL_PREFIX, kernelName);
		d = dlsym(b->dl, sym);
		if (d && (!weir_acl_desc_ok(b, d) || strcmp(d->name, kernelName) != 0))
			d = NULL;
	}
	pthread_mutex_lock(&b->lock);
	if (b->unloaded)
		rc = weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api,
		                    "binary handle %p was unloaded", binHandle);
	else if (!d)
		rc = weir__acl_fail(
		        ACL_ERROR_RT_PARAM_INVALID, api,
		        "binary %s has no kernel named \"%s\" (a kernel is written with "
		        "WEIR_KERNEL, weir/kernel.h)",
		        b->origin, kernelName);
	else
		rc = weir_acl_func_handle_locked(b, d, funcHandle, api);
	pthread_mutex_unlock(&b->lock);
	weir_acl_bin_put(b);
	return rc;
}

/* The descriptor of entry value `entry` among the kernels that b itself
 * defines: a walk of its dynamic symbol table (the kernels' descriptors are
 * exported objects named weir_kernel__<name>). */
static const weir_kernel_desc_t *weir_acl_find_entry(const struct weir_acl_bin *b, uint64_t entry)
{
	const struct link_map *lm = b->lm;
	const ElfW(Sym) *symtab = NULL;
	const char *strtab = NULL;
	const uint32_t *hash = NULL, *gnu = NULL;
	for (const ElfW(Dyn) *d = lm->l_ld; d->d_tag != DT_NULL; d++) {
		uintptr_t p = (uintptr_t)d->d_un.d_ptr;
		/* glibc relocates these in place on most targets; not on all. */
		if (p < (uintptr_t)lm->l_addr)
			p += (uintptr_t)lm->l_addr;
		switch (d->d_tag) {
		case DT_SYMTAB: symtab = (const ElfW(Sym) *)p; break;
		case DT_STRTAB: strtab = (const char *)p; break;
		case DT_HASH: hash = (const uint32_t *)p; break;
		case DT_GNU_HASH: gnu = (const uint32_t *)p; break;
		default: break;
		}
	}
	if (!symtab || !strtab)
		return NULL;
	uint32_t nsyms = 0;
	if (hash) {
		nsyms = hash[1];
	} else if (gnu) {
		uint32_t nbuckets = gnu[0], symoffset = gnu[1], bloom = gnu[2];
		const uint32_t *buckets =
		        gnu + 4 + bloom * (uint32_t)(sizeof(ElfW(Addr)) / sizeof(uint32_t));
		const uint32_t *chain = buckets + nbuckets;
		uint32_t last = 0;
		for (uint32_t i = 0; i < nbuckets; i++)
			if (buckets[i] > last)
				last = buckets[i];
		if (last < symoffset) {
			nsyms = symoffset;
		} else {
			while (!(chain[last - symoffset] & 1u))
				last++;
			nsyms = last + 1;
		}
	}
	const weir_kernel_desc_t *found = NULL;
	size_t plen = strlen(WEIR_ACL_KERNEL_PREFIX);
	for (uint32_t i = 0; i < nsyms && !found; i++) {
		const ElfW(Sym) *s = &symtab[i];
		if (s->st_shndx == SHN_UNDEF || ELF64_ST_TYPE(s->st_info) != STT_OBJECT)
			continue;
		const char *name = strtab + s->st_name;
		if (strncmp(name, WEIR_ACL_KERNEL_PREFIX, plen) != 0)
			continue;
		const weir_kernel_desc_t *d =
		        (const weir_kernel_desc_t *)((uintptr_t)lm->l_addr + s->st_value);
		if (!weir_acl_desc_ok(b, d) || strcmp(d->name, name + plen) != 0)
			continue;
		uint64_t e = d->entry ? d->entry : weir_kernel_name_entry(d->name);
		if (e == entry)
			found = d;
	}
	return found;
}

ACL_FUNC_VISIBILITY aclError aclrtBinaryGetFunctionByEntry(aclrtBinHandle binHandle,
                                                           uint64_t funcEntry,
                                                           aclrtFuncHandle *funcHandle)
{
	static const char api[] = "aclrtBinaryGetFunctionByEntry";
	if (!binHandle || !funcHandle)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      !binHandle ? "binHandle" : "funcHandle");
	struct weir_acl_bin *b = weir_acl_bin_get(binHandle);
	if (!b)
		return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api, "%s", weir__acl_reason());
	const weir_kernel_desc_t *d = weir_acl_find_entry(b, funcEntry);
	aclError rc;
	pthread_mutex_lock(&b->lock);
	if (b->unloaded)
		rc = weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api,
		                    "binary handle %p was unloaded", binHandle);
	else if (!d)
		rc = weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                    "binary %s has no kernel with entry value 0x%llx", b->origin,
		                    (unsigned long long)funcEntry);
	else
		rc = weir_acl_func_handle_locked(b, d, funcHandle, api);
	pthread_mutex_unlock(&b->lock);
	weir_acl_bin_put(b);
	return rc;
}

ACL_FUNC_VISIBILITY aclError aclrtFunctionGetBinary(const aclrtFuncHandle funcHandle,
                                                    aclrtBinHandle *binHandle)
{
	static const char api[] = "aclrtFunctionGetBinary";
	if (!funcHandle || !binHandle)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      !funcHandle ? "funcHandle" : "binHandle");
	struct weir_acl_fsnap f;
	if (!weir_acl_func_get(funcHandle, &f))
		return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api, "%s", weir__acl_reason());
	*binHandle = WEIR__OBJ_HANDLE(&f.bin->k.obj);
	weir_acl_bin_put(f.bin);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtGetFunctionName(aclrtFuncHandle funcHandle, uint32_t maxLen,
                                                  char *name)
{
	static const char api[] = "aclrtGetFunctionName";
	if (!funcHandle || !name)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      !funcHandle ? "funcHandle" : "name");
	struct weir_acl_fsnap f;
	if (!weir_acl_func_get(funcHandle, &f))
		return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api, "%s", weir__acl_reason());
	const char *fname = weir_acl_fname(&f);
	size_t n = strlen(fname);
	aclError rc = ACL_SUCCESS;
	if ((size_t)maxLen < n + 1)
		rc = weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                    "maxLen %u is too small for the name (%zu bytes with its NUL)",
		                    (unsigned)maxLen, n + 1);
	else
		memcpy(name, fname, n + 1);
	weir_acl_bin_put(f.bin);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Argument lists                                                            */
/* ------------------------------------------------------------------------ */

static void weir_acl_args_key_dtor(void *p)
{
	/* Thread exit: the list goes to the orphan list; the next Init or
	 * aclFinalize frees it in an ordinary thread. */
	struct weir_acl_args *a = p;
	pthread_mutex_lock(&weir_acl_kmu);
	a->orphan_next = weir_acl_orphans;
	weir_acl_orphans = a;
	pthread_mutex_unlock(&weir_acl_kmu);
}

static void weir_acl_args_key_make(void)
{
	(void)pthread_key_create(&weir_acl_args_key, weir_acl_args_key_dtor);
}

static void weir_acl_reap_orphans(void)
{
	pthread_mutex_lock(&weir_acl_kmu);
	struct weir_acl_args *a = weir_acl_orphans;
	weir_acl_orphans = NULL;
	pthread_mutex_unlock(&weir_acl_kmu);
	while (a) {
		struct weir_acl_args *n = a->orphan_next;
		weir_acl_args_kill(a);
		weir_acl_args_put(a); /* the thread's reference */
		a = n;
	}
}

/* Reset a list for func (lock held or unpublished). */
static void weir_acl_args_reset(struct weir_acl_args *a, aclrtFuncHandle func)
{
	a->func = func;
	a->finalized = false;
	a->got_ph_buf = false;
	a->size = 0;
	a->nparams = 0;
}

static struct weir_acl_args *weir_acl_args_new(void)
{
	struct weir_acl_args *a = weir__malloc(sizeof(*a));
	if (!a)
		return NULL;
	memset(a, 0, sizeof(*a));
	pthread_mutex_init(&a->lock, NULL);
	a->k.kind = WEIR_ACL_K_ARGS;
	weir__ref_init(&a->k.refs);
	if (weir__reg_insert(&a->k.obj, weir_load_relaxed(&weir_acl_ktype)) != WEIR_OK) {
		pthread_mutex_destroy(&a->lock);
		weir__free(a);
		return NULL;
	}
	return a;
}

/* Check a function handle for an Args call (100000 / 107017). */
static aclError weir_acl_func_check(aclrtFuncHandle funcHandle, const char *api)
{
	if (!funcHandle)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "funcHandle is NULL");
	struct weir_acl_fsnap f;
	if (!weir_acl_func_get(funcHandle, &f))
		return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api, "%s", weir__acl_reason());
	weir_acl_bin_put(f.bin);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtKernelArgsGetHandleMemSize(aclrtFuncHandle funcHandle,
                                                             size_t *memSize)
{
	static const char api[] = "aclrtKernelArgsGetHandleMemSize";
	if (!memSize)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "memSize is NULL");
	aclError rc = weir_acl_func_check(funcHandle, api);
	if (rc == ACL_SUCCESS)
		*memSize = WEIR_ACL_ARGS_HANDLE_MEM;
	return rc;
}

ACL_FUNC_VISIBILITY aclError aclrtKernelArgsGetMemSize(aclrtFuncHandle funcHandle,
                                                       size_t userArgsSize, size_t *actualArgsSize)
{
	static const char api[] = "aclrtKernelArgsGetMemSize";
	if (!actualArgsSize)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "actualArgsSize is NULL");
	aclError rc = weir_acl_func_check(funcHandle, api);
	if (rc == ACL_SUCCESS)
		/* Room for the alignment padding of every parameter (at most 7
		 * bytes each) and of placeholder data. */
		*actualArgsSize = userArgsSize + 8u * WEIR_ACL_ARGS_MAX_PARAMS;
	return rc;
}

ACL_FUNC_VISIBILITY aclError aclrtKernelArgsInit(aclrtFuncHandle funcHandle,
                                                 aclrtArgsHandle *argsHandle)
{
	static const char api[] = "aclrtKernelArgsInit";
	if (!argsHandle)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "argsHandle is NULL");
	aclError rc = weir_acl_func_check(funcHandle, api);
	if (rc != ACL_SUCCESS)
		return rc;
	weir_acl_reap_orphans();
	struct weir_acl_args *a = weir_acl_tls_args;
	if (a) {
		pthread_mutex_lock(&a->lock);
		bool dead = a->dead;
		if (!dead)
			weir_acl_args_reset(a, funcHandle);
		pthread_mutex_unlock(&a->lock);
		if (!dead) {
			*argsHandle = WEIR__OBJ_HANDLE(&a->k.obj);
			return ACL_SUCCESS;
		}
		/* aclFinalize freed it: drop the thread's reference. */
		weir_acl_tls_args = NULL;
		pthread_setspecific(weir_acl_args_key, NULL);
		weir_acl_args_put(a);
	}
	pthread_once(&weir_acl_args_once, weir_acl_args_key_make);
	a = weir_acl_args_new();
	if (!a)
		return weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "out of memory");
	weir_acl_args_reset(a, funcHandle);
	weir__ref_get(&a->k.refs); /* the thread's reference */
	weir_acl_tls_args = a;
	pthread_setspecific(weir_acl_args_key, a);
	*argsHandle = WEIR__OBJ_HANDLE(&a->k.obj);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtKernelArgsInitByUserMem(aclrtFuncHandle funcHandle,
                                                          aclrtArgsHandle argsHandle,
                                                          void *userHostMem, size_t actualArgsSize)
{
	static const char api[] = "aclrtKernelArgsInitByUserMem";
	if (!argsHandle || !userHostMem || actualArgsSize == 0)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s",
		                      !argsHandle    ? "argsHandle is NULL"
		                      : !userHostMem ? "userHostMem is NULL"
		                                     : "actualArgsSize is 0");
	aclError rc = weir_acl_func_check(funcHandle, api);
	if (rc != ACL_SUCCESS)
		return rc;
	size_t cap =
	        actualArgsSize < WEIR_ACL_ARGS_MAX_BYTES ? actualArgsSize : WEIR_ACL_ARGS_MAX_BYTES;
	uintptr_t key = (uintptr_t)argsHandle;
	size_t bucket = (key >> 4) % WEIR_ACL_UMAP_BUCKETS;
	pthread_mutex_lock(&weir_acl_kmu);
	struct weir_acl_umap *m = weir_acl_umap[bucket];
	while (m && m->key != argsHandle)
		m = m->next;
	struct weir_acl_args *a = m ? m->a : NULL;
	bool fresh = false;
	if (a) {
		pthread_mutex_lock(&a->lock);
		if (a->dead) {
			pthread_mutex_unlock(&a->lock);
			a = NULL; /* finalized; replaced below */
		}
	}
	if (!a) {
		a = weir_acl_args_new();
		if (!a) {
			pthread_mutex_unlock(&weir_acl_kmu);
			return weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "out of memory");
		}
		if (!m) {
			m = weir__malloc(sizeof(*m));
			if (!m) {
				weir_acl_args_kill(a);
				pthread_mutex_unlock(&weir_acl_kmu);
				return weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "out of memory");
			}
			m->key = argsHandle;
			m->a = NULL;
			m->next = weir_acl_umap[bucket];
			weir_acl_umap[bucket] = m;
		}
		if (m->a)
			weir_acl_args_put(m->a);
		m->a = a;
		weir__ref_get(&a->k.refs); /* the table's reference */
		pthread_mutex_lock(&a->lock);
		fresh = true;
	}
	if (!a->user_mem && !fresh)
		weir__free(a->buf);
	a->user_mem = true;
	a->buf = userHostMem;
	a->cap = cap;
	weir_acl_args_reset(a, funcHandle);
	pthread_mutex_unlock(&a->lock);
	pthread_mutex_unlock(&weir_acl_kmu);
	return ACL_SUCCESS;
}

/* The list named by h (its registry handle, or the user's handle memory of
 * aclrtKernelArgsInitByUserMem), locked, with a reference, in *out; or the
 * failure, recorded. */
static aclError weir_acl_args_lock(aclrtArgsHandle h, const char *api, struct weir_acl_args **out)
{
	if (!h)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "argsHandle is NULL");
	struct weir_acl_args *a = NULL;
	weir__rcu_read_lock();
	struct weir_acl_kobj *k = weir_acl_klookup(h, WEIR_ACL_K_ARGS);
	if (k && weir__ref_get_unless_zero(&k->refs))
		a = caa_container_of(k, struct weir_acl_args, k);
	weir__rcu_read_unlock();
	if (!a) {
		uintptr_t key = (uintptr_t)h;
		pthread_mutex_lock(&weir_acl_kmu);
		struct weir_acl_umap *m = weir_acl_umap[(key >> 4) % WEIR_ACL_UMAP_BUCKETS];
		while (m && m->key != h)
			m = m->next;
		if (m && m->a) {
			a = m->a;
			weir__ref_get(&a->k.refs);
		}
		pthread_mutex_unlock(&weir_acl_kmu);
	}
	if (a) {
		pthread_mutex_lock(&a->lock);
		if (!a->dead) {
			*out = a;
			return ACL_SUCCESS;
		}
		pthread_mutex_unlock(&a->lock);
		weir_acl_args_put(a);
	}
	return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api,
	                      "argsHandle %p is not a live argument list (from "
	                      "aclrtKernelArgsInit or aclrtKernelArgsInitByUserMem)",
	                      h);
}

static void weir_acl_args_unlock(struct weir_acl_args *a)
{
	pthread_mutex_unlock(&a->lock);
	weir_acl_args_put(a);
}

/* Make room for `need` bytes (lock held): 107000 past the list's capacity. */
static aclError weir_acl_args_room(struct weir_acl_args *a, size_t need, const char *api)
{
	size_t limit = a->user_mem ? a->cap : WEIR_ACL_ARGS_MAX_BYTES;
	if (need > limit)
		return weir__acl_fail(
		        ACL_ERROR_RT_PARAM_INVALID, api,
		        "the argument list would need %zu bytes; it holds %zu%s", need, limit,
		        a->user_mem ? " (the size given to aclrtKernelArgsInitByUserMem)"
		                    : " (ACL's limit)");
	if (need <= a->cap)
		return ACL_SUCCESS;
	size_t cap = a->cap ? a->cap : 256;
	while (cap < need)
		cap *= 2;
	if (cap > WEIR_ACL_ARGS_MAX_BYTES)
		cap = WEIR_ACL_ARGS_MAX_BYTES;
	unsigned char *nb = weir__malloc(cap);
	if (!nb)
		return weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "out of memory");
	if (a->size)
		memcpy(nb, a->buf, a->size);
	weir__free(a->buf);
	a->buf = nb;
	a->cap = cap;
	return ACL_SUCCESS;
}

/* Where a parameter of `size` bytes goes after `at`: its natural alignment,
 * the largest power of two <= 8 that divides its size. */
static size_t weir_acl_param_align(size_t at, size_t size)
{
	size_t al = 8;
	while (al > 1 && size % al)
		al /= 2;
	return (at + al - 1) & ~(al - 1);
}

static aclError weir_acl_args_append(aclrtArgsHandle argsHandle, const void *param,
                                     size_t paramSize, bool placeholder,
                                     aclrtParamHandle *paramHandle, const char *api)
{
	struct weir_acl_args *a;
	aclError rc = weir_acl_args_lock(argsHandle, api, &a);
	if (rc != ACL_SUCCESS)
		return rc;
	if (a->finalized || a->got_ph_buf) {
		rc = weir__acl_fail(
		        ACL_ERROR_RT_FEATURE_NOT_SUPPORT, api, "%s",
		        a->finalized ? "the argument list was finalized (aclrtKernelArgsFinalize)"
		                     : "a placeholder buffer was already taken: parameters "
		                       "come before placeholder data");
	} else if (a->nparams >= WEIR_ACL_ARGS_MAX_PARAMS) {
		rc = weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                    "the argument list already has %u parameters (ACL's limit)",
		                    (unsigned)WEIR_ACL_ARGS_MAX_PARAMS);
	} else {
		size_t off = weir_acl_param_align(a->size, paramSize);
		rc = weir_acl_args_room(a, off + paramSize, api);
		if (rc == ACL_SUCCESS) {
			struct weir_acl_param *p = &a->params[a->nparams];
			p->off = (uint32_t)off;
			p->size = (uint32_t)paramSize;
			p->data_off = 0;
			p->placeholder = placeholder;
			p->has_data = 0;
			if (off > a->size)
				memset(a->buf + a->size, 0, off - a->size);
			if (placeholder)
				memset(a->buf + off, 0, paramSize);
			else
				memcpy(a->buf + off, param, paramSize);
			a->size = off + paramSize;
			a->nparams++;
			*paramHandle = (aclrtParamHandle)(uintptr_t)a->nparams; /* index + 1 */
		}
	}
	weir_acl_args_unlock(a);
	return rc;
}

ACL_FUNC_VISIBILITY aclError aclrtKernelArgsAppend(aclrtArgsHandle argsHandle, void *param,
                                                   size_t paramSize, aclrtParamHandle *paramHandle)
{
	static const char api[] = "aclrtKernelArgsAppend";
	if (!param || !paramHandle || paramSize == 0)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s",
		                      !param         ? "param is NULL"
		                      : !paramHandle ? "paramHandle is NULL"
		                                     : "paramSize is 0");
	return weir_acl_args_append(argsHandle, param, paramSize, false, paramHandle, api);
}

ACL_FUNC_VISIBILITY aclError aclrtKernelArgsAppendPlaceHolder(aclrtArgsHandle argsHandle,
                                                              aclrtParamHandle *paramHandle)
{
	static const char api[] = "aclrtKernelArgsAppendPlaceHolder";
	if (!paramHandle)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "paramHandle is NULL");
	return weir_acl_args_append(argsHandle, NULL, sizeof(uint64_t), true, paramHandle, api);
}

/* The parameter named by h in a (lock held), or NULL (failure recorded). */
static struct weir_acl_param *weir_acl_param_of(struct weir_acl_args *a, aclrtParamHandle h,
                                                const char *api, aclError *rc)
{
	uintptr_t i = (uintptr_t)h;
	if (i == 0 || i > a->nparams) {
		*rc = weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                     "paramHandle %p is not a parameter of this argument list "
		                     "(it has %u)",
		                     h, (unsigned)a->nparams);
		return NULL;
	}
	return &a->params[i - 1];
}

ACL_FUNC_VISIBILITY aclError aclrtKernelArgsGetPlaceHolderBuffer(aclrtArgsHandle argsHandle,
                                                                 aclrtParamHandle paramHandle,
                                                                 size_t dataSize, void **bufferAddr)
{
	static const char api[] = "aclrtKernelArgsGetPlaceHolderBuffer";
	if (!paramHandle || !bufferAddr || dataSize == 0)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s",
		                      !paramHandle  ? "paramHandle is NULL"
		                      : !bufferAddr ? "bufferAddr is NULL"
		                                    : "dataSize is 0");
	struct weir_acl_args *a;
	aclError rc = weir_acl_args_lock(argsHandle, api, &a);
	if (rc != ACL_SUCCESS)
		return rc;
	struct weir_acl_param *p = weir_acl_param_of(a, paramHandle, api, &rc);
	if (!p) {
		/* recorded */
	} else if (!p->placeholder) {
		rc = weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                    "paramHandle %p is an ordinary parameter, not a placeholder",
		                    paramHandle);
	} else if (a->finalized) {
		rc = weir__acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, api,
		                    "the argument list was finalized (aclrtKernelArgsFinalize)");
	} else {
		size_t off = (a->size + 7u) & ~(size_t)7u;
		rc = weir_acl_args_room(a, off + dataSize, api);
		if (rc == ACL_SUCCESS) {
			if (off > a->size)
				memset(a->buf + a->size, 0, off - a->size);
			memset(a->buf + off, 0, dataSize);
			p->data_off = (uint32_t)off;
			p->has_data = 1;
			a->size = off + dataSize;
			a->got_ph_buf = true;
			*bufferAddr = a->buf + off;
		}
	}
	weir_acl_args_unlock(a);
	return rc;
}

ACL_FUNC_VISIBILITY aclError aclrtKernelArgsParaUpdate(aclrtArgsHandle argsHandle,
                                                       aclrtParamHandle paramHandle, void *param,
                                                       size_t paramSize)
{
	static const char api[] = "aclrtKernelArgsParaUpdate";
	if (!paramHandle || !param || paramSize == 0)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s",
		                      !paramHandle ? "paramHandle is NULL"
		                      : !param     ? "param is NULL"
		                                   : "paramSize is 0");
	struct weir_acl_args *a;
	aclError rc = weir_acl_args_lock(argsHandle, api, &a);
	if (rc != ACL_SUCCESS)
		return rc;
	struct weir_acl_param *p = weir_acl_param_of(a, paramHandle, api, &rc);
	if (!p)
		; /* recorded */
	else if (p->placeholder)
		rc = weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                    "paramHandle %p is a placeholder: write its data through "
		                    "aclrtKernelArgsGetPlaceHolderBuffer's buffer",
		                    paramHandle);
	else if (paramSize != p->size)
		rc = weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                    "paramSize %zu differs from the parameter's size %u", paramSize,
		                    (unsigned)p->size);
	else
		memcpy(a->buf + p->off, param, paramSize);
	weir_acl_args_unlock(a);
	return rc;
}

ACL_FUNC_VISIBILITY aclError aclrtKernelArgsFinalize(aclrtArgsHandle argsHandle)
{
	static const char api[] = "aclrtKernelArgsFinalize";
	struct weir_acl_args *a;
	aclError rc = weir_acl_args_lock(argsHandle, api, &a);
	if (rc != ACL_SUCCESS)
		return rc;
	a->finalized = true;
	weir_acl_args_unlock(a);
	return ACL_SUCCESS;
}

/* ------------------------------------------------------------------------ */
/* Launch                                                                    */
/* ------------------------------------------------------------------------ */

struct weir_acl_kcfg {
	uint32_t block_offset;
	uint64_t timeout_ns;
	size_t local_size;
};

static aclError weir_acl_kcfg_parse(const aclrtLaunchKernelCfg *cfg, struct weir_acl_kcfg *out,
                                    const char *api)
{
	memset(out, 0, sizeof(*out));
	if (!cfg)
		return ACL_SUCCESS;
	if (cfg->numAttrs && !cfg->attrs)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "cfg->attrs is NULL with numAttrs %zu", cfg->numAttrs);
	bool t_s = false, t_us = false;
	for (size_t i = 0; i < cfg->numAttrs; i++) {
		const aclrtLaunchKernelAttr *at = &cfg->attrs[i];
		switch (at->id) {
		case ACL_RT_LAUNCH_KERNEL_ATTR_SCHEM_MODE:
			if (at->value.schemMode > 1)
				return weir__acl_fail(
				        ACL_ERROR_RT_PARAM_INVALID, api,
				        "attrs[%zu]: schedule mode %u (0 normal, 1 batch)", i,
				        (unsigned)at->value.schemMode);
			break;
		case ACL_RT_LAUNCH_KERNEL_ATTR_DYN_UBUF_SIZE:
			if (at->value.dynUBufSize > WEIR_ACL_DYN_UBUF_MAX)
				return weir__acl_fail(
				        ACL_ERROR_RT_PARAM_INVALID, api,
				        "attrs[%zu]: dynamic UB size %u is over weir's %u bytes "
				        "per "
				        "block (aclrtFunctionGetAvailDynUbufPerBlock)",
				        i, (unsigned)at->value.dynUBufSize,
				        (unsigned)WEIR_ACL_DYN_UBUF_MAX);
			out->local_size = at->value.dynUBufSize;
			break;
		case ACL_RT_LAUNCH_KERNEL_ATTR_ENGINE_TYPE:
			if (at->value.engineType != ACL_RT_ENGINE_TYPE_AIC &&
			    at->value.engineType != ACL_RT_ENGINE_TYPE_AIV)
				return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
				                      "attrs[%zu]: engine type %d", i,
				                      (int)at->value.engineType);
			break;
		case ACL_RT_LAUNCH_KERNEL_ATTR_BLOCKDIM_OFFSET:
			out->block_offset = at->value.blockDimOffset;
			break;
		case ACL_RT_LAUNCH_KERNEL_ATTR_BLOCK_TASK_PREFETCH:
		case ACL_RT_LAUNCH_KERNEL_ATTR_DATA_DUMP:
		case ACL_RT_LAUNCH_KERNEL_ATTR_ENABLE_PROFILING: break;
		case ACL_RT_LAUNCH_KERNEL_ATTR_TIMEOUT:
			t_s = true;
			out->timeout_ns = (uint64_t)at->value.timeout * 1000000000ull;
			break;
		case ACL_RT_LAUNCH_KERNEL_ATTR_TIMEOUT_US:
			t_us = true;
			out->timeout_ns = (((uint64_t)at->value.timeoutUs.timeoutHigh << 32) |
			                   at->value.timeoutUs.timeoutLow) *
			                  1000ull;
			break;
		default:
			return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
			                      "attrs[%zu]: unknown attribute id %d", i,
			                      (int)at->id);
		}
	}
	if (t_s && t_us)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "ACL_RT_LAUNCH_KERNEL_ATTR_TIMEOUT and _TIMEOUT_US cannot be "
		                      "given together");
	return ACL_SUCCESS;
}

static uint64_t weir_acl_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The weir kernel of every ACL launch: one call per block. */
static int weir_acl_kernel_tramp(void *args, uint32_t block, uint32_t nblocks)
{
	struct weir_acl_launch *L = *(struct weir_acl_launch **)args;
	weir_kernel_ctx_t c;
	memset(&c, 0, sizeof(c));
	c.args = L->args;
	c.args_size = L->args_size;
	c.block_idx = block + L->block_offset;
	c.block_num = nblocks;
	c.device = L->device;
	c.grid_dim = L->grid;
	c.block_dim = L->threads;
	c.block_id.x = block % L->grid.x;
	c.block_id.y = (block / L->grid.x) % L->grid.y;
	c.block_id.z = block / L->grid.x / L->grid.y;
	if (L->timeout_ns) {
		uint64_t z = 0, now = weir_acl_now_ns();
		/* relaxed: a time stamp, nothing is published through it */
		if (!weir_cas_relaxed(&L->start_ns, &z, now))
			now = z;
		c.deadline_ns = now + L->timeout_ns;
	}
	void *local = NULL;
	if (L->local_size) {
		local = calloc(1, L->local_size);
		if (!local)
			return ACL_ERROR_RT_MEMORY_ALLOCATION;
		c.local = local;
		c.local_size = L->local_size;
	}
	int rc;
	if (L->cpu_fn) {
		uint32_t r = L->cpu_fn(c.args);
		rc = r == 0                           ? 0
		     : r >= 100000u && r <= INT32_MAX ? (int)r
		                                      : ACL_ERROR_RT_AICPU_EXCEPTION;
	} else {
		rc = L->entry(&c);
	}
	free(local);
	if (rc == 0 && L->timeout_ns && weir_acl_now_ns() > c.deadline_ns)
		rc = ACL_ERROR_RT_AICORE_TIMEOUT;
	return rc;
}

/* The task's release (K4): runs once, run or discarded. */
static void weir_acl_launch_release(void *p)
{
	struct weir_acl_launch *L = p;
	weir_acl_bin_put(L->bin);
	weir__free(L);
}

int weir__acl_kernel_task_cfg(weir_kernel_fn fn, const void *args, uint32_t *block_offset,
                              uint64_t *timeout_ns, size_t *local_size)
{
	if (fn != weir_acl_kernel_tramp || !args)
		return -1;
	const struct weir_acl_launch *L = *(struct weir_acl_launch *const *)args;
	*block_offset = L->block_offset;
	*timeout_ns = L->timeout_ns;
	*local_size = L->local_size;
	return 0;
}

int weir__acl_kernel_task_info(weir_kernel_fn fn, const void *args, void **func_handle,
                               void **user_args, uint32_t *user_args_len)
{
	if (fn != weir_acl_kernel_tramp || !args)
		return -1;
	const struct weir_acl_launch *L = *(struct weir_acl_launch *const *)args;
	if (func_handle)
		*func_handle = L->func_handle;
	if (user_args)
		*user_args = L->args;
	if (user_args_len)
		*user_args_len = (uint32_t)L->args_size;
	return 0;
}

/* Allocate a launch of function f (named h) with `data_size` bytes of
 * copied arguments in *out; it takes over f's binary reference, which is
 * dropped on failure (recorded). */
static aclError weir_acl_launch_alloc(const struct weir_acl_fsnap *f, aclrtFuncHandle h,
                                      size_t data_size, const struct weir_acl_kcfg *kc,
                                      size_t args_size, const char *api,
                                      struct weir_acl_launch **out)
{
	size_t need = f->desc ? f->desc->args_min : 0;
	if (args_size < need) {
		weir_acl_bin_put(f->bin);
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "kernel \"%s\" takes %zu bytes of arguments; the launch "
		                      "gives %zu",
		                      weir_acl_fname(f), need, args_size);
	}
	struct weir_acl_launch *L = weir__aligned_alloc(16, sizeof(*L) + data_size);
	if (!L) {
		weir_acl_bin_put(f->bin);
		return weir__acl_fail(ACL_ERROR_BAD_ALLOC, api,
		                      "out of memory (%zu bytes of arguments)", data_size);
	}
	memset(L, 0, sizeof(*L));
	L->bin = f->bin;
	if (f->desc)
		L->entry = f->desc->fn;
	else
		L->cpu_fn = f->cpu->fn;
	L->func_handle = h;
	L->args = L->data;
	L->args_size = args_size;
	L->block_offset = kc->block_offset;
	L->timeout_ns = kc->timeout_ns;
	/* A CPU function sees no context, so no scratch either. */
	L->local_size = f->desc ? kc->local_size : 0;
	L->grid.x = 0; /* set by the submit: {nblocks, 1, 1} unless SIMT */
	L->threads.x = L->threads.y = L->threads.z = 1;
	atomic_init(&L->start_ns, 0);
	*out = L;
	return ACL_SUCCESS;
}

/* weir_acl_launch_alloc for the function named h (107017 when it is not). */
static aclError weir_acl_launch_new(aclrtFuncHandle h, size_t data_size,
                                    const struct weir_acl_kcfg *kc, size_t args_size,
                                    const char *api, struct weir_acl_launch **out)
{
	struct weir_acl_fsnap f;
	if (!weir_acl_func_get(h, &f))
		return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api, "%s", weir__acl_reason());
	return weir_acl_launch_alloc(&f, h, data_size, kc, args_size, api, out);
}

/* Queue L on `stream`; frees L on failure (K4). */
static aclError weir_acl_launch_submit(struct weir_acl_launch *L, uint32_t nblocks,
                                       aclrtStream stream, const char *api)
{
	if (L->grid.x == 0) {
		L->grid.x = nblocks;
		L->grid.y = L->grid.z = 1;
	}
	weir_stream_t *s;
	struct weir_stream *found;
	aclError rc = weir__acl_resolve_stream_found(stream, &s, &found);
	if (rc != ACL_SUCCESS) {
		weir_acl_launch_release(L);
		return weir__acl_fail(rc, api, "%s", weir__acl_reason());
	}
	int st = WEIR_EAGAIN;
	if (found) {
		L->device = weir__stream_found_device(found);
		st = weir__launch_release_found(found, weir_acl_kernel_tramp, &L, sizeof(L),
		                                nblocks, weir_acl_launch_release, L);
	}
	weir__rcu_read_unlock();
	if (st == WEIR_EAGAIN) {
		uint32_t dev = 0;
		(void)weir_stream_device(s, &dev);
		L->device = dev;
		st = weir_launch_release(s, weir_acl_kernel_tramp, &L, sizeof(L), nblocks, 0,
		                         weir_acl_launch_release, L);
	}
	if (st != WEIR_OK) {
		weir_acl_launch_release(L);
		return weir__acl_fail_submit(st, s, api, "queueing the kernel");
	}
	return ACL_SUCCESS;
}

/* Patch placeholder slot `addr_off` of L's copied arguments to point at its
 * data at `data_off` (or NULL without data). */
static void weir_acl_patch(struct weir_acl_launch *L, size_t addr_off, const void *target)
{
	uint64_t v = (uint64_t)(uintptr_t)target;
	memcpy(L->data + addr_off, &v, sizeof(v));
}

/* Host arguments: ACL's size limit, placeholders inside them. */
static aclError weir_acl_hostargs_check(size_t argsSize, const aclrtPlaceHolderInfo *ph_array,
                                        size_t ph_num, const char *api)
{
	if (ph_num && !ph_array)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "placeHolderArray is NULL with placeHolderNum %zu", ph_num);
	if (argsSize > WEIR_ACL_ARGS_MAX_BYTES)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "argsSize %zu is over ACL's limit of %u bytes", argsSize,
		                      (unsigned)WEIR_ACL_ARGS_MAX_BYTES);
	for (size_t i = 0; i < ph_num; i++) {
		const aclrtPlaceHolderInfo *ph = &ph_array[i];
		if ((size_t)ph->addrOffset + sizeof(uint64_t) > argsSize ||
		    (size_t)ph->dataOffset >= argsSize)
			return weir__acl_fail(
			        ACL_ERROR_RT_PARAM_INVALID, api,
			        "placeHolderArray[%zu] (addrOffset %u, dataOffset %u) "
			        "is outside the %zu bytes of hostArgs",
			        i, (unsigned)ph->addrOffset, (unsigned)ph->dataOffset, argsSize);
	}
	return ACL_SUCCESS;
}

/* L's copy of checked host arguments, placeholder slots pointing into it. */
static void weir_acl_hostargs_copy(struct weir_acl_launch *L, const void *hostArgs, size_t argsSize,
                                   const aclrtPlaceHolderInfo *ph_array, size_t ph_num)
{
	memcpy(L->data, hostArgs, argsSize);
	for (size_t i = 0; i < ph_num; i++)
		weir_acl_patch(L, ph_array[i].addrOffset, L->data + ph_array[i].dataOffset);
}

static aclError weir_acl_launch_common_checks(aclrtFuncHandle funcHandle, uint32_t numBlocks,
                                              const char *api)
{
	if (!funcHandle)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "funcHandle is NULL");
	if (numBlocks == 0)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "numBlocks is 0");
	if (!weir__acl_runtime())
		return weir__acl_fail(ACL_ERROR_UNINITIALIZE, api,
		                      "aclInit has not been called (weir has no runtime yet)");
	return ACL_SUCCESS;
}

static aclError weir_acl_launch_device_args(aclrtFuncHandle funcHandle, uint32_t numBlocks,
                                            const void *argsData, size_t argsSize,
                                            aclrtLaunchKernelCfg *cfg, aclrtStream stream,
                                            const char *api)
{
	aclError rc = weir_acl_launch_common_checks(funcHandle, numBlocks, api);
	if (rc != ACL_SUCCESS)
		return rc;
	if (!argsData)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "argsData is NULL");
	struct weir_acl_kcfg kc;
	rc = weir_acl_kcfg_parse(cfg, &kc, api);
	if (rc != ACL_SUCCESS)
		return rc;
	struct weir_acl_launch *L;
	rc = weir_acl_launch_new(funcHandle, 0, &kc, argsSize, api, &L);
	if (rc != ACL_SUCCESS)
		return rc;
	/* Device memory: read by the kernel when it runs, as on a device. */
	L->args = (void *)(uintptr_t)argsData;
	return weir_acl_launch_submit(L, numBlocks, stream, api);
}

ACL_FUNC_VISIBILITY aclError aclrtLaunchKernel(aclrtFuncHandle funcHandle, uint32_t numBlocks,
                                               const void *argsData, size_t argsSize,
                                               aclrtStream stream)
{
	return weir_acl_launch_device_args(funcHandle, numBlocks, argsData, argsSize, NULL, stream,
	                                   "aclrtLaunchKernel");
}

ACL_FUNC_VISIBILITY aclError aclrtLaunchKernelV2(aclrtFuncHandle funcHandle, uint32_t numBlocks,
                                                 const void *argsData, size_t argsSize,
                                                 aclrtLaunchKernelCfg *cfg, aclrtStream stream)
{
	return weir_acl_launch_device_args(funcHandle, numBlocks, argsData, argsSize, cfg, stream,
	                                   "aclrtLaunchKernelV2");
}

ACL_FUNC_VISIBILITY aclError aclrtLaunchKernelWithConfig(aclrtFuncHandle funcHandle,
                                                         uint32_t numBlocks, aclrtStream stream,
                                                         aclrtLaunchKernelCfg *cfg,
                                                         aclrtArgsHandle argsHandle, void *reserve)
{
	static const char api[] = "aclrtLaunchKernelWithConfig";
	aclError rc = weir_acl_launch_common_checks(funcHandle, numBlocks, api);
	if (rc != ACL_SUCCESS)
		return rc;
	if (reserve)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "reserve must be NULL");
	struct weir_acl_kcfg kc;
	rc = weir_acl_kcfg_parse(cfg, &kc, api);
	if (rc != ACL_SUCCESS)
		return rc;
	struct weir_acl_args *a;
	rc = weir_acl_args_lock(argsHandle, api, &a);
	if (rc != ACL_SUCCESS)
		return rc;
	struct weir_acl_launch *L = NULL;
	if (a->func != funcHandle) {
		/* A dead or garbage function is 107017, as for every other
		 * launch, before the mismatch (107000). */
		rc = weir_acl_func_check(funcHandle, api);
		if (rc == ACL_SUCCESS)
			rc = weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
			                    "argsHandle %p was made for function %p, not %p",
			                    argsHandle, a->func, funcHandle);
	} else
		rc = weir_acl_launch_new(funcHandle, a->size, &kc, a->size, api, &L);
	if (rc == ACL_SUCCESS) {
		/* The launch's own copy: the list may change or go right after. */
		if (a->size)
			memcpy(L->data, a->buf, a->size);
		for (uint32_t i = 0; i < a->nparams; i++) {
			const struct weir_acl_param *p = &a->params[i];
			if (p->placeholder)
				weir_acl_patch(L, p->off,
				               p->has_data ? L->data + p->data_off : NULL);
		}
	}
	weir_acl_args_unlock(a);
	if (rc != ACL_SUCCESS)
		return rc;
	return weir_acl_launch_submit(L, numBlocks, stream, api);
}

ACL_FUNC_VISIBILITY aclError aclrtLaunchKernelWithHostArgs(aclrtFuncHandle funcHandle,
                                                           uint32_t numBlocks, aclrtStream stream,
                                                           aclrtLaunchKernelCfg *cfg,
                                                           void *hostArgs, size_t argsSize,
                                                           aclrtPlaceHolderInfo *placeHolderArray,
                                                           size_t placeHolderNum)
{
	static const char api[] = "aclrtLaunchKernelWithHostArgs";
	aclError rc = weir_acl_launch_common_checks(funcHandle, numBlocks, api);
	if (rc != ACL_SUCCESS)
		return rc;
	if (!hostArgs || argsSize == 0)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s",
		                      !hostArgs ? "hostArgs is NULL" : "argsSize is 0");
	if (placeHolderNum && !placeHolderArray)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "placeHolderArray is NULL with placeHolderNum %zu",
		                      placeHolderNum);
	rc = weir_acl_hostargs_check(argsSize, placeHolderArray, placeHolderNum, api);
	if (rc != ACL_SUCCESS)
		return rc;
	struct weir_acl_kcfg kc;
	rc = weir_acl_kcfg_parse(cfg, &kc, api);
	if (rc != ACL_SUCCESS)
		return rc;
	struct weir_acl_launch *L;
	rc = weir_acl_launch_new(funcHandle, argsSize, &kc, argsSize, api, &L);
	if (rc != ACL_SUCCESS)
		return rc;
	weir_acl_hostargs_copy(L, hostArgs, argsSize, placeHolderArray, placeHolderNum);
	return weir_acl_launch_submit(L, numBlocks, stream, api);
}

/* ------------------------------------------------------------------------ */
/* Binary images, globals, CPU functions, exception callbacks                */
/* ------------------------------------------------------------------------ */

struct weir_acl_span {
	const struct link_map *lm;
	uintptr_t lo, hi; /* hi == 0: not found */
};

static int weir_acl_span_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	struct weir_acl_span *sp = arg;
	if (info->dlpi_addr != sp->lm->l_addr || !info->dlpi_name || !sp->lm->l_name ||
	    strcmp(info->dlpi_name, sp->lm->l_name) != 0)
		return 0;
	for (ElfW(Half) i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD)
			continue;
		uintptr_t lo = (uintptr_t)info->dlpi_addr + ph->p_vaddr;
		uintptr_t hi = lo + ph->p_memsz;
		if (sp->hi == 0 || lo < sp->lo)
			sp->lo = lo;
		if (hi > sp->hi)
			sp->hi = hi;
	}
	return sp->hi != 0;
}

ACL_FUNC_VISIBILITY aclError aclrtBinaryGetDevAddress(const aclrtBinHandle binHandle,
                                                      void **binAddr, size_t *binSize)
{
	static const char api[] = "aclrtBinaryGetDevAddress";
	if (!binHandle || !binAddr || !binSize)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      !binHandle ? "binHandle"
		                      : !binAddr ? "binAddr"
		                                 : "binSize");
	struct weir_acl_bin *b = weir_acl_bin_get(binHandle);
	if (!b)
		return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api, "%s", weir__acl_reason());
	/* The image is the object's loaded segments: from its ELF header to
	 * the end of its last PT_LOAD segment. */
	struct weir_acl_span sp = { b->lm, 0, 0 };
	(void)dl_iterate_phdr(weir_acl_span_cb, &sp);
	aclError rc = ACL_SUCCESS;
	if (sp.hi == 0) {
		rc = weir__acl_fail(ACL_ERROR_RT_INTERNAL_ERROR, api,
		                    "the loaded image of %s was not found", b->origin);
	} else {
		*binAddr = (void *)sp.lo;
		*binSize = sp.hi - sp.lo;
	}
	weir_acl_bin_put(b);
	return rc;
}

/* The symbol `name` defined in b itself: its address and ELF symbol entry,
 * or NULL. */
static void *weir_acl_bin_sym(const struct weir_acl_bin *b, const char *name,
                              const ElfW(Sym) * *sym)
{
	void *p = dlsym(b->dl, name);
	Dl_info info;
	struct link_map *lm = NULL;
	if (!p || !dladdr1(p, &info, (void **)&lm, RTLD_DL_LINKMAP) || lm != b->lm)
		return NULL;
	*sym = NULL;
	if (!dladdr1(p, &info, (void **)sym, RTLD_DL_SYMENT) || info.dli_saddr != p)
		*sym = NULL;
	return p;
}

ACL_FUNC_VISIBILITY aclError aclrtBinaryGetGlobal(aclrtBinHandle binHandle, const char *name,
                                                  void **dptr, size_t *size)
{
	static const char api[] = "aclrtBinaryGetGlobal";
	if (!binHandle || !name)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      !binHandle ? "binHandle" : "name");
	if (!dptr && !size)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "dptr and size cannot both be NULL");
	struct weir_acl_bin *b = weir_acl_bin_get(binHandle);
	if (!b)
		return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api, "%s", weir__acl_reason());
	aclError rc = ACL_SUCCESS;
	const ElfW(Sym) *sym = NULL;
	void *p = NULL;
	if (b->cpu_mode) {
		rc = weir__acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, api,
		                    "%s was loaded as a CPU kernel binary (CPU_KERNEL_MODE): ACL "
		                    "has no globals for those",
		                    b->origin);
	} else if (!(p = weir_acl_bin_sym(b, name, &sym)) || !sym) {
		rc = weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                    "binary %s defines no exported global named \"%s\"", b->origin,
		                    name);
	} else if (ELF64_ST_TYPE(sym->st_info) != STT_OBJECT &&
	           ELF64_ST_TYPE(sym->st_info) != STT_COMMON) {
		rc = weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                    "\"%s\" in %s is not a global variable (ELF symbol type %u)",
		                    name, b->origin, (unsigned)ELF64_ST_TYPE(sym->st_info));
	} else {
		if (dptr)
			*dptr = p;
		if (size)
			*size = (size_t)sym->st_size;
	}
	weir_acl_bin_put(b);
	return rc;
}

ACL_FUNC_VISIBILITY aclError aclrtRegisterCpuFunc(const aclrtBinHandle handle, const char *funcName,
                                                  const char *kernelName,
                                                  aclrtFuncHandle *funcHandle)
{
	static const char api[] = "aclrtRegisterCpuFunc";
	if (!handle || !funcName || !kernelName || !funcHandle)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      !handle       ? "handle"
		                      : !funcName   ? "funcName"
		                      : !kernelName ? "kernelName"
		                                    : "funcHandle");
	struct weir_acl_bin *b = weir_acl_bin_get(handle);
	if (!b)
		return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api, "%s", weir__acl_reason());
	aclError rc = ACL_SUCCESS;
	const ElfW(Sym) *sym = NULL;
	void *p = NULL;
	if (!b->cpu_mode)
		rc = weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                    "%s is not a CPU kernel binary (load it with "
		                    "ACL_RT_BINARY_LOAD_OPT_CPU_KERNEL_MODE)",
		                    b->origin);
	else if (kernelName[0] == '\0' || strlen(kernelName) > WEIR_ACL_NAME_MAX)
		rc = weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                    "kernelName must have 1 to %u characters",
		                    (unsigned)WEIR_ACL_NAME_MAX);
	else if (!(p = weir_acl_bin_sym(b, funcName, &sym)) || !sym ||
	         ELF64_ST_TYPE(sym->st_info) != STT_FUNC)
		rc = weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                    "binary %s exports no function named \"%s\"", b->origin,
		                    funcName);
	if (rc != ACL_SUCCESS) {
		weir_acl_bin_put(b);
		return rc;
	}
	weir_cpu_kernel_fn fn;
	memcpy(&fn, &p, sizeof(fn));
	pthread_mutex_lock(&b->lock);
	if (b->unloaded) {
		rc = weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api,
		                    "binary handle %p was unloaded", handle);
		goto out;
	}
	/* One handle per (function, opType), as GetFunction gives one per kernel. */
	for (struct weir_acl_func *f = b->funcs; f; f = f->next) {
		if (f->cpu && f->cpu->fn == fn && strcmp(f->cpu->op, kernelName) == 0) {
			*funcHandle = WEIR__OBJ_HANDLE(&f->k.obj);
			goto out;
		}
	}
	struct weir_acl_cpufn *c = weir__malloc(sizeof(*c));
	char *op = weir__strdup(kernelName);
	if (!c || !op) {
		weir__free(c);
		weir__free(op);
		rc = weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "out of memory");
		goto out;
	}
	c->fn = fn;
	c->op = op;
	c->next = b->cpu_funcs;
	b->cpu_funcs = c; /* freed with the binary, used or not */
	rc = weir_acl_func_publish_locked(b, NULL, c, funcHandle, api);
out:
	pthread_mutex_unlock(&b->lock);
	weir_acl_bin_put(b);
	return rc;
}

ACL_FUNC_VISIBILITY aclError aclrtBinarySetExceptionCallback(aclrtBinHandle binHandle,
                                                             aclrtOpExceptionCallback callback,
                                                             void *userData)
{
	static const char api[] = "aclrtBinarySetExceptionCallback";
	if (!binHandle || !callback)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      !binHandle ? "binHandle" : "callback");
	struct weir_acl_bin *b = weir_acl_bin_get(binHandle);
	if (!b)
		return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api, "%s", weir__acl_reason());
	aclError rc = ACL_SUCCESS;
	pthread_mutex_lock(&b->lock);
	if (b->unloaded)
		rc = weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api,
		                    "binary handle %p was unloaded", binHandle);
	else if (!b->exc_cb)
		/* The first callback of this binary arms the fault hook; the
		 * unload disarms it (both under b->lock). */
		rc = weir__acl_exception_bin_arm(true, api);
	if (rc == ACL_SUCCESS) {
		b->exc_cb = callback;
		b->exc_user = userData;
	}
	pthread_mutex_unlock(&b->lock);
	weir_acl_bin_put(b);
	return rc;
}

void weir__acl_kernel_fault_notify(weir_kernel_fn fn, const void *args, aclrtExceptionInfo *info)
{
	if (fn != weir_acl_kernel_tramp || !args)
		return;
	/* The task is not released yet, so L and its binary reference live. */
	const struct weir_acl_launch *L = *(struct weir_acl_launch *const *)args;
	struct weir_acl_bin *b = L->bin;
	pthread_mutex_lock(&b->lock);
	/* ACL calls it only while the binary is loaded. */
	aclrtOpExceptionCallback cb = b->unloaded ? NULL : b->exc_cb;
	void *user = b->exc_user;
	pthread_mutex_unlock(&b->lock);
	if (cb)
		cb(info, user);
}

/* ------------------------------------------------------------------------ */
/* Function queries                                                          */
/* ------------------------------------------------------------------------ */

/* The function named by h for a query, or the failure recorded. */
static aclError weir_acl_func_query(const void *h, struct weir_acl_fsnap *f, const char *api)
{
	if (!weir_acl_func_get(h, f))
		return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api, "%s", weir__acl_reason());
	return ACL_SUCCESS;
}

/* ACL's kernel type of f: CPU functions are AI CPU kernels; SIMT kernels
 * run on vector cores; the rest follow the binary's MAGIC option. */
static uint32_t weir_acl_ktype_of(const struct weir_acl_fsnap *f)
{
	if (!f->desc)
		return ACL_KERNEL_TYPE_AICPU;
	if (f->params && (f->params->flags & WEIR_KERNEL_SIMT))
		return ACL_KERNEL_TYPE_VECTOR;
	return f->bin->ktype;
}

/* The entry function of kernel d and its ELF size (0 when its symbol is
 * not exported: a binary built without weir_kfn__<name>). */
static void weir_acl_code_of(const weir_kernel_desc_t *d, void **addr, size_t *size)
{
	void *p;
	memcpy(&p, &d->fn, sizeof(p));
	*addr = p;
	*size = 0;
	Dl_info info;
	const ElfW(Sym) *sym = NULL;
	if (dladdr1(p, &info, (void **)&sym, RTLD_DL_SYMENT) && sym && info.dli_saddr == p &&
	    ELF64_ST_TYPE(sym->st_info) == STT_FUNC)
		*size = (size_t)sym->st_size;
}

/* Shared by aclrtGetFunctionAddr / Size: refuse CPU functions (ACL's
 * 107000). */
static aclError weir_acl_code_query(aclrtFuncHandle h, void **addr, size_t *size, bool *aiv,
                                    const char *api)
{
	struct weir_acl_fsnap f;
	aclError rc = weir_acl_func_query(h, &f, api);
	if (rc != ACL_SUCCESS)
		return rc;
	if (!f.desc) {
		rc = weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                    "function %p is a registered CPU function: ACL gives no code "
		                    "address or size for those",
		                    h);
	} else {
		weir_acl_code_of(f.desc, addr, size);
		*aiv = weir_acl_ktype_of(&f) == ACL_KERNEL_TYPE_VECTOR;
	}
	weir_acl_bin_put(f.bin);
	return rc;
}

ACL_FUNC_VISIBILITY aclError aclrtGetFunctionAddr(aclrtFuncHandle funcHandle, void **aicAddr,
                                                  void **aivAddr)
{
	static const char api[] = "aclrtGetFunctionAddr";
	if (!funcHandle || !aicAddr || !aivAddr)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      !funcHandle ? "funcHandle"
		                      : !aicAddr  ? "aicAddr"
		                                  : "aivAddr");
	void *addr = NULL;
	size_t size = 0;
	bool aiv = false;
	aclError rc = weir_acl_code_query(funcHandle, &addr, &size, &aiv, api);
	if (rc != ACL_SUCCESS)
		return rc;
	/* One code address: a vector kernel's goes to aivAddr, any other's to
	 * aicAddr, as ACL reports a kernel that is not mixed. */
	*aicAddr = aiv ? NULL : addr;
	*aivAddr = aiv ? addr : NULL;
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtGetFunctionSize(aclrtFuncHandle funcHandle, size_t *aicSize,
                                                  size_t *aivSize)
{
	static const char api[] = "aclrtGetFunctionSize";
	if (!funcHandle || !aicSize || !aivSize)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      !funcHandle ? "funcHandle"
		                      : !aicSize  ? "aicSize"
		                                  : "aivSize");
	void *addr = NULL;
	size_t size = 0;
	bool aiv = false;
	aclError rc = weir_acl_code_query(funcHandle, &addr, &size, &aiv, api);
	if (rc != ACL_SUCCESS)
		return rc;
	*aicSize = aiv ? 0 : size;
	*aivSize = aiv ? size : 0;
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtGetFunctionAttribute(aclrtFuncHandle funcHandle,
                                                       aclrtFuncAttribute attrType,
                                                       int64_t *attrValue)
{
	static const char api[] = "aclrtGetFunctionAttribute";
	if (!funcHandle || !attrValue)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      !funcHandle ? "funcHandle" : "attrValue");
	if ((int)attrType < ACL_FUNC_ATTR_KERNEL_TYPE ||
	    (int)attrType > ACL_FUNC_ATTR_KERNEL_SCHED_MODE)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "attrType %d is not in [1, 3]", (int)attrType);
	struct weir_acl_fsnap f;
	aclError rc = weir_acl_func_query(funcHandle, &f, api);
	if (rc != ACL_SUCCESS)
		return rc;
	switch (attrType) {
	case ACL_FUNC_ATTR_KERNEL_TYPE: *attrValue = (int64_t)weir_acl_ktype_of(&f); break;
	case ACL_FUNC_ATTR_KERNEL_RATIO:
		if (!f.desc)
			rc = weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
			                    "function %p is a registered CPU function: it has no "
			                    "cube/vector ratio",
			                    funcHandle);
		else
			*attrValue = 0; /* not a mixed kernel: both ratios 0 */
		break;
	case ACL_FUNC_ATTR_KERNEL_SCHED_MODE: *attrValue = 0; break; /* normal */
	default: break;
	}
	weir_acl_bin_put(f.bin);
	return rc;
}

/* The parameter list of f for a query or launch, or the failure recorded:
 * 207000 for a CPU function, 107000 without (a fitting) one. */
static aclError weir_acl_params_need(const struct weir_acl_fsnap *f, const char *api)
{
	if (!f->desc)
		return weir__acl_fail(ACL_ERROR_RT_FEATURE_NOT_SUPPORT, api,
		                      "\"%s\" is a registered CPU function: ACL keeps no parameter "
		                      "list for AI CPU kernels",
		                      weir_acl_fname(f));
	if (f->params_bad)
		return weir__acl_fail(
		        ACL_ERROR_RT_PARAM_INVALID, api,
		        "the parameter list of kernel \"%s\" does not fit its argument "
		        "type (size, a parameter outside it, or over 128 parameters)",
		        f->desc->name);
	if (!f->params)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "kernel \"%s\" has no parameter information (declare it with "
		                      "WEIR_KERNEL_PARAMS, weir/kernel.h)",
		                      f->desc->name);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtFunctionGetParamCount(const void *func, size_t *paramCount)
{
	static const char api[] = "aclrtFunctionGetParamCount";
	if (!func || !paramCount)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      !func ? "func" : "paramCount");
	struct weir_acl_fsnap f;
	aclError rc = weir_acl_func_query(func, &f, api);
	if (rc != ACL_SUCCESS)
		return rc;
	rc = weir_acl_params_need(&f, api);
	if (rc == ACL_SUCCESS)
		*paramCount = f.params->count;
	weir_acl_bin_put(f.bin);
	return rc;
}

ACL_FUNC_VISIBILITY aclError aclrtFunctionGetParamInfo(const void *func, size_t paramIndex,
                                                       size_t *paramOffset, size_t *paramSize)
{
	static const char api[] = "aclrtFunctionGetParamInfo";
	if (!func)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "func is NULL");
	if (!paramOffset && !paramSize)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "paramOffset and paramSize cannot both be NULL");
	struct weir_acl_fsnap f;
	aclError rc = weir_acl_func_query(func, &f, api);
	if (rc != ACL_SUCCESS)
		return rc;
	rc = weir_acl_params_need(&f, api);
	if (rc == ACL_SUCCESS && paramIndex >= f.params->count)
		rc = weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                    "paramIndex %zu is not in [0, %zu)", paramIndex,
		                    f.params->count);
	if (rc == ACL_SUCCESS) {
		if (paramOffset)
			*paramOffset = f.params->params[paramIndex].offset;
		if (paramSize)
			*paramSize = f.params->params[paramIndex].size;
	}
	weir_acl_bin_put(f.bin);
	return rc;
}

ACL_FUNC_VISIBILITY aclError aclrtFunctionGetAvailDynUbufPerBlock(void *func, uint32_t flags,
                                                                  size_t *dynamicUbufSize)
{
	static const char api[] = "aclrtFunctionGetAvailDynUbufPerBlock";
	if (!func || !dynamicUbufSize)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      !func ? "func" : "dynamicUbufSize");
	if (flags != 0)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "flags %u must be 0",
		                      (unsigned)flags);
	struct weir_acl_fsnap f;
	aclError rc = weir_acl_func_query(func, &f, api);
	if (rc != ACL_SUCCESS)
		return rc;
	/* Every weir kernel may get per-block scratch (ctx->local), none of it
	 * taken statically; a CPU function sees no context, so none. */
	*dynamicUbufSize = f.desc ? WEIR_ACL_DYN_UBUF_MAX : 0;
	weir_acl_bin_put(f.bin);
	return ACL_SUCCESS;
}

/* ------------------------------------------------------------------------ */
/* Args-array and SIMT launches                                              */
/* ------------------------------------------------------------------------ */

/* Check a SIMT grid; *nblocks its block count. */
static aclError weir_acl_simt_check(dim3 grid, dim3 block, size_t dyn_ubuf, uint32_t *nblocks,
                                    const char *api)
{
	if (!grid.x || !grid.y || !grid.z)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "gridDim (%u, %u, %u) has a zero extent", (unsigned)grid.x,
		                      (unsigned)grid.y, (unsigned)grid.z);
	if (!block.x || !block.y || !block.z)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "blockDim (%u, %u, %u) has a zero extent", (unsigned)block.x,
		                      (unsigned)block.y, (unsigned)block.z);
	uint64_t nb = (uint64_t)grid.x * grid.y * grid.z;
	if (nb > UINT32_MAX)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "gridDim (%u, %u, %u) has %llu blocks; weir runs at most %u",
		                      (unsigned)grid.x, (unsigned)grid.y, (unsigned)grid.z,
		                      (unsigned long long)nb, (unsigned)UINT32_MAX);
	uint64_t nt = (uint64_t)block.x * block.y * block.z;
	if (block.x > WEIR_ACL_SIMT_MAX_THREADS || block.y > WEIR_ACL_SIMT_MAX_THREADS ||
	    block.z > WEIR_ACL_SIMT_MAX_THREADS || nt > WEIR_ACL_SIMT_MAX_THREADS)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "blockDim (%u, %u, %u) is over ACL's %u threads per block",
		                      (unsigned)block.x, (unsigned)block.y, (unsigned)block.z,
		                      (unsigned)WEIR_ACL_SIMT_MAX_THREADS);
	if (dyn_ubuf > WEIR_ACL_DYN_UBUF_MAX)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "dynUbufSize %zu is over weir's %u bytes per block "
		                      "(aclrtFunctionGetAvailDynUbufPerBlock)",
		                      dyn_ubuf, (unsigned)WEIR_ACL_DYN_UBUF_MAX);
	*nblocks = (uint32_t)nb;
	return ACL_SUCCESS;
}

/* A SIMT launch's grid: dynUbufSize wins over the cfg attribute (ACL). */
static void weir_acl_simt_apply(struct weir_acl_launch *L, dim3 grid, dim3 block, size_t dyn_ubuf)
{
	L->grid.x = grid.x;
	L->grid.y = grid.y;
	L->grid.z = grid.z;
	L->threads.x = block.x;
	L->threads.y = block.y;
	L->threads.z = block.z;
	if (dyn_ubuf)
		L->local_size = dyn_ubuf;
}

/* Resolve func for an args-array or SIMT launch: a kernel (not a CPU
 * function) with a parameter list, and for SIMT a SIMT one. */
static aclError weir_acl_launch_func(const void *func, bool simt, struct weir_acl_fsnap *f,
                                     const char *api)
{
	if (!weir_acl_func_get(func, f))
		return weir__acl_fail(ACL_ERROR_RT_INVALID_HANDLE, api, "%s", weir__acl_reason());
	aclError rc;
	if (simt && !f->desc)
		rc = weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                    "\"%s\" is a registered CPU function, not a SIMT kernel",
		                    weir_acl_fname(f));
	else
		rc = weir_acl_params_need(f, api);
	if (rc == ACL_SUCCESS && simt && !(f->params->flags & WEIR_KERNEL_SIMT))
		rc = weir__acl_fail(
		        ACL_ERROR_RT_PARAM_INVALID, api,
		        "kernel \"%s\" is not a SIMT kernel (declare its parameters with "
		        "WEIR_KERNEL_SIMT_PARAMS)",
		        f->desc->name);
	if (rc != ACL_SUCCESS)
		weir_acl_bin_put(f->bin);
	return rc;
}

/* Build L's argument block from args[i] -> parameter i. */
static aclError weir_acl_args_array(const struct weir_acl_fsnap *f, aclrtFuncHandle h, void **args,
                                    const struct weir_acl_kcfg *kc, const char *api,
                                    struct weir_acl_launch **out)
{
	const weir_kernel_params_t *P = f->params;
	if (P->count && !args) {
		weir_acl_bin_put(f->bin);
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "args is NULL; kernel \"%s\" has %zu parameters",
		                      f->desc->name, P->count);
	}
	for (size_t i = 0; i < P->count; i++) {
		if (!args[i]) {
			weir_acl_bin_put(f->bin);
			return weir__acl_fail(
			        ACL_ERROR_RT_PARAM_INVALID, api,
			        "args[%zu] is NULL (kernel \"%s\" has %zu parameters)", i,
			        f->desc->name, P->count);
		}
	}
	aclError rc = weir_acl_launch_alloc(f, h, P->args_size, kc, P->args_size, api, out);
	if (rc != ACL_SUCCESS)
		return rc;
	memset((*out)->data, 0, P->args_size);
	for (size_t i = 0; i < P->count; i++)
		memcpy((*out)->data + P->params[i].offset, args[i], P->params[i].size);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtLaunchKernelWithArgsArray(void *func, uint32_t numBlocks,
                                                            aclrtStream stream,
                                                            aclrtLaunchKernelCfg *cfg, void **args)
{
	static const char api[] = "aclrtLaunchKernelWithArgsArray";
	aclError rc = weir_acl_launch_common_checks(func, numBlocks, api);
	if (rc != ACL_SUCCESS)
		return rc;
	struct weir_acl_kcfg kc;
	rc = weir_acl_kcfg_parse(cfg, &kc, api);
	if (rc != ACL_SUCCESS)
		return rc;
	struct weir_acl_fsnap f;
	rc = weir_acl_launch_func(func, false, &f, api);
	if (rc != ACL_SUCCESS)
		return rc;
	struct weir_acl_launch *L;
	rc = weir_acl_args_array(&f, func, args, &kc, api, &L);
	if (rc != ACL_SUCCESS)
		return rc;
	return weir_acl_launch_submit(L, numBlocks, stream, api);
}

ACL_FUNC_VISIBILITY aclError aclrtLaunchSIMTKernelWithArgsArray(void *func, dim3 gridDim,
                                                                dim3 blockDim, size_t dynUbufSize,
                                                                aclrtStream stream,
                                                                aclrtLaunchKernelCfg *cfg,
                                                                void **args)
{
	static const char api[] = "aclrtLaunchSIMTKernelWithArgsArray";
	if (!func)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "func is NULL");
	if (!weir__acl_runtime())
		return weir__acl_fail(ACL_ERROR_UNINITIALIZE, api,
		                      "aclInit has not been called (weir has no runtime yet)");
	uint32_t nblocks = 0;
	aclError rc = weir_acl_simt_check(gridDim, blockDim, dynUbufSize, &nblocks, api);
	if (rc != ACL_SUCCESS)
		return rc;
	struct weir_acl_kcfg kc;
	rc = weir_acl_kcfg_parse(cfg, &kc, api);
	if (rc != ACL_SUCCESS)
		return rc;
	struct weir_acl_fsnap f;
	rc = weir_acl_launch_func(func, true, &f, api);
	if (rc != ACL_SUCCESS)
		return rc;
	struct weir_acl_launch *L;
	rc = weir_acl_args_array(&f, func, args, &kc, api, &L);
	if (rc != ACL_SUCCESS)
		return rc;
	weir_acl_simt_apply(L, gridDim, blockDim, dynUbufSize);
	return weir_acl_launch_submit(L, nblocks, stream, api);
}

ACL_FUNC_VISIBILITY aclError aclrtLaunchSIMTKernelWithHostArgs(
        void *func, dim3 gridDim, dim3 blockDim, size_t dynUbufSize, aclrtStream stream,
        aclrtLaunchKernelCfg *cfg, void *hostArgs, size_t argsSize,
        aclrtPlaceHolderInfo *placeHolderArray, size_t placeHolderNum)
{
	static const char api[] = "aclrtLaunchSIMTKernelWithHostArgs";
	if (!func || !hostArgs || argsSize == 0)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s",
		                      !func       ? "func is NULL"
		                      : !hostArgs ? "hostArgs is NULL"
		                                  : "argsSize is 0");
	if (!weir__acl_runtime())
		return weir__acl_fail(ACL_ERROR_UNINITIALIZE, api,
		                      "aclInit has not been called (weir has no runtime yet)");
	uint32_t nblocks = 0;
	aclError rc = weir_acl_simt_check(gridDim, blockDim, dynUbufSize, &nblocks, api);
	if (rc != ACL_SUCCESS)
		return rc;
	rc = weir_acl_hostargs_check(argsSize, placeHolderArray, placeHolderNum, api);
	if (rc != ACL_SUCCESS)
		return rc;
	struct weir_acl_kcfg kc;
	rc = weir_acl_kcfg_parse(cfg, &kc, api);
	if (rc != ACL_SUCCESS)
		return rc;
	struct weir_acl_fsnap f;
	rc = weir_acl_launch_func(func, true, &f, api);
	if (rc != ACL_SUCCESS)
		return rc;
	struct weir_acl_launch *L;
	rc = weir_acl_launch_alloc(&f, func, argsSize, &kc, argsSize, api, &L);
	if (rc != ACL_SUCCESS)
		return rc;
	weir_acl_hostargs_copy(L, hostArgs, argsSize, placeHolderArray, placeHolderNum);
	weir_acl_simt_apply(L, gridDim, blockDim, dynUbufSize);
	return weir_acl_launch_submit(L, nblocks, stream, api);
}

/* ------------------------------------------------------------------------ */
/* aclrtGetHardwareSyncAddr                                                  */
/* ------------------------------------------------------------------------ */

/* Each device's area, made on first use and freed by aclFinalize. */
static void **weir_acl_sync_areas; /* L(weir_acl_kmu) */
static uint32_t weir_acl_sync_n;   /* L(weir_acl_kmu) */

ACL_FUNC_VISIBILITY aclError aclrtGetHardwareSyncAddr(void **addr)
{
	static const char api[] = "aclrtGetHardwareSyncAddr";
	if (!addr)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "addr is NULL");
	int32_t dev;
	WEIR__ACL_TRY(api, weir__acl_current_device(&dev));
	aclError rc = ACL_SUCCESS;
	pthread_mutex_lock(&weir_acl_kmu);
	if ((uint32_t)dev >= weir_acl_sync_n) {
		uint32_t n = (uint32_t)dev + 1;
		void **a = weir__malloc(n * sizeof(*a));
		if (!a) {
			rc = weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "out of memory");
			goto out;
		}
		for (uint32_t i = 0; i < n; i++)
			a[i] = i < weir_acl_sync_n ? weir_acl_sync_areas[i] : NULL;
		weir__free(weir_acl_sync_areas);
		weir_acl_sync_areas = a;
		weir_acl_sync_n = n;
	}
	if (!weir_acl_sync_areas[dev]) {
		void *p = weir__aligned_alloc(WEIR_ACL_SYNC_BYTES, WEIR_ACL_SYNC_BYTES);
		if (!p) {
			rc = weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "out of memory");
			goto out;
		}
		memset(p, 0, WEIR_ACL_SYNC_BYTES);
		weir_acl_sync_areas[dev] = p;
	}
	*addr = weir_acl_sync_areas[dev];
out:
	pthread_mutex_unlock(&weir_acl_kmu);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* aclFinalize                                                               */
/* ------------------------------------------------------------------------ */

static void weir_acl_kdrain_one(struct weir_obj *o, void *arg)
{
	(void)arg;
	struct weir_acl_kobj *k = caa_container_of(o, struct weir_acl_kobj, obj);
	switch (k->kind) {
	case WEIR_ACL_K_BIN:
		weir_acl_bin_unload(caa_container_of(k, struct weir_acl_bin, k));
		break;
	case WEIR_ACL_K_FUNC:
		/* Retired by its binary's unload, which this drain also runs (a
		 * function is published only while its binary is). */
		break;
	case WEIR_ACL_K_ARGS: {
		struct weir_acl_args *a = caa_container_of(k, struct weir_acl_args, k);
		pthread_mutex_lock(&a->lock);
		a->dead = true;
		pthread_mutex_unlock(&a->lock);
		weir_acl_args_put(a);
		break;
	}
	default: break;
	}
}

void weir__acl_kernel_teardown(void)
{
	weir_acl_reap_orphans();
	uint32_t t = weir_load_relaxed(&weir_acl_ktype);
	if (t)
		weir__reg_drain(t, weir_acl_kdrain_one, NULL);
	pthread_mutex_lock(&weir_acl_kmu);
	for (uint32_t i = 0; i < weir_acl_sync_n; i++)
		weir__free(weir_acl_sync_areas[i]);
	weir__free(weir_acl_sync_areas);
	weir_acl_sync_areas = NULL;
	weir_acl_sync_n = 0;
	for (size_t i = 0; i < WEIR_ACL_UMAP_BUCKETS; i++) {
		struct weir_acl_umap *m = weir_acl_umap[i];
		weir_acl_umap[i] = NULL;
		while (m) {
			struct weir_acl_umap *n = m->next;
			if (m->a)
				weir_acl_args_put(m->a);
			weir__free(m);
			m = n;
		}
	}
	pthread_mutex_unlock(&weir_acl_kmu);
}
