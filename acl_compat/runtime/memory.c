/*
 * acl_compat/runtime/memory.c - ACL memory calls over weir/mem.h.
 *
 * ACL's rules (shared/spec/acl-runtime.md section 8): 64-byte aligned
 * starts; aclrtMalloc reserves ALIGN_UP(size, 32) + 32 (no padding for the
 * HUGE1G policies), aclrtMallocAlign32 only ALIGN_UP(size, 32); the ACL
 * layer's own checks give 100000, the runtime's value checks 107000.
 * weir checks more than ACL does (docs/memory.md): a kind contradicting the
 * pointers, a copy past an allocation's end or into freed memory, and a bad
 * free all return codes instead of corrupting memory.
 *
 * Codes: status mapping goes through weir__acl_from_weir(); the one local
 * exception is a foreign pointer given to aclrtFree/aclrtFreeHost, which is
 * ACL_ERROR_RT_MEMORY_FREE (207002) like every other bad free (the table's
 * EFOREIGN entry, 107003, is the stream/device mismatch of async calls).
 */
#include "acl_compat/acl_internal.h"
#include "base/rcu.h"
#include "weir/mem.h"

#include <stdint.h>

#define ACL_ALIGN32(s) (((s) + 31u) & ~(size_t)31u)

static aclError weir_acl_need_mem(const char *api, weir_mem_t **m)
{
	*m = weir__acl_mem();
	if (!*m)
		return weir__acl_fail(ACL_ERROR_UNINITIALIZE, api, "aclInit has not been called");
	return ACL_SUCCESS;
}

/* ACL policy (with optional memory-type bits) -> weir policy. */
static int weir_acl_map_policy(uint32_t policy, size_t size, bool *huge1g)
{
	*huge1g = false;
	switch (policy & 0xFFu) {
	case ACL_MEM_MALLOC_HUGE_FIRST:
	case ACL_MEM_MALLOC_HUGE_FIRST_P2P: return WEIR_MEM_HUGE_FIRST;
	case ACL_MEM_MALLOC_HUGE_ONLY:
	case ACL_MEM_MALLOC_HUGE_ONLY_P2P: return WEIR_MEM_HUGE_ONLY;
	case ACL_MEM_MALLOC_NORMAL_ONLY:
	case ACL_MEM_MALLOC_NORMAL_ONLY_P2P: return WEIR_MEM_NORMAL_ONLY;
	case ACL_MEM_MALLOC_HUGE1G_ONLY:
	case ACL_MEM_MALLOC_HUGE1G_ONLY_P2P:
		*huge1g = true; /* served as 2 MiB huge pages, no padding */
		return WEIR_MEM_HUGE_ONLY;
	default:
		/* out of range: ACL's default, huge pages from 2 MB on */
		return size >= ((size_t)2 << 20) ? WEIR_MEM_HUGE_FIRST : WEIR_MEM_NORMAL_ONLY;
	}
}

static aclError weir_acl_malloc_common(const char *api, void **devPtr, size_t size,
                                       aclrtMemMallocPolicy policy, bool pad)
{
	weir_mem_t *m;
	aclError e = weir_acl_need_mem(api, &m);
	if (e != ACL_SUCCESS)
		return e;
	e = weir__acl_capture_unsafe(api);
	if (e != ACL_SUCCESS)
		return e;
	if (!devPtr)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "devPtr is NULL");
	if (size == 0)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "size is 0");
	bool huge1g;
	int wp = weir_acl_map_policy((uint32_t)policy, size, &huge1g);
	size_t pad_bytes = pad && !huge1g ? 32u : 0u;
	if (size > SIZE_MAX / 2 - 64)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "size %zu overflows when aligned", size);
	size_t real = ACL_ALIGN32(size) + pad_bytes;
	int32_t dev;
	WEIR__ACL_TRY(api, weir__acl_current_device(&dev));
	void *p = NULL;
	int st = weir_mem_alloc(m, (uint32_t)dev, real, wp, &p);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "device allocation");
	*devPtr = p;
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtMalloc(void **devPtr, size_t size, aclrtMemMallocPolicy policy)
{
	return weir_acl_malloc_common("aclrtMalloc", devPtr, size, policy, true);
}

ACL_FUNC_VISIBILITY aclError aclrtMallocAlign32(void **devPtr, size_t size,
                                                aclrtMemMallocPolicy policy)
{
	return weir_acl_malloc_common("aclrtMallocAlign32", devPtr, size, policy, false);
}

static aclError weir_acl_free_fail(int st, const char *api)
{
	if (st == WEIR_EFOREIGN)
		return weir__acl_fail(ACL_ERROR_RT_MEMORY_FREE, api,
		                      "pointer is not memory of this kind from weir (%s)",
		                      weir_status_name(st));
	return weir__acl_fail_weir(st, api, "free");
}

ACL_FUNC_VISIBILITY aclError aclrtFree(void *devPtr)
{
	weir_mem_t *m;
	aclError e = weir_acl_need_mem("aclrtFree", &m);
	if (e != ACL_SUCCESS)
		return e;
	e = weir__acl_capture_unsafe("aclrtFree");
	if (e != ACL_SUCCESS)
		return e;
	if (!devPtr)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, "aclrtFree", "devPtr is NULL");
	int st = weir_mem_free(m, devPtr);
	return st == WEIR_OK ? ACL_SUCCESS : weir_acl_free_fail(st, "aclrtFree");
}

ACL_FUNC_VISIBILITY aclError aclrtFreeWithDevSync(void *devPtr)
{
	static const char api[] = "aclrtFreeWithDevSync";
	weir_mem_t *m;
	aclError e = weir_acl_need_mem(api, &m);
	if (e != ACL_SUCCESS)
		return e;
	e = weir__acl_capture_unsafe(api);
	if (e != ACL_SUCCESS)
		return e;
	if (!devPtr)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "devPtr is NULL");
	weir_mem_ptrinfo_t inf;
	weir_mem_classify(m, devPtr, &inf);
	if (inf.kind != WEIR_MEM_KIND_DEVICE)
		return weir_acl_free_fail(WEIR_EFOREIGN, api);
	if (!inf.live || !inf.start)
		return weir_acl_free_fail(inf.live ? WEIR_EINTERIOR : WEIR_EFREED, api);
	/* Wait for the pointer's device, then free. A task failure reported by
	 * the synchronize is returned after the memory has been freed. */
	int sync = weir_device_sync(weir__acl_runtime(), inf.device, WEIR_TIMEOUT_INFINITE);
	int st = weir_mem_free(m, devPtr);
	if (st != WEIR_OK)
		return weir_acl_free_fail(st, api);
	if (sync != WEIR_OK)
		return weir__acl_fail_weir(sync, api, "device synchronize before free");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtMallocHost(void **hostPtr, size_t size)
{
	weir_mem_t *m;
	aclError e = weir_acl_need_mem("aclrtMallocHost", &m);
	if (e != ACL_SUCCESS)
		return e;
	e = weir__acl_capture_unsafe("aclrtMallocHost");
	if (e != ACL_SUCCESS)
		return e;
	if (!hostPtr)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, "aclrtMallocHost",
		                      "hostPtr is NULL");
	if (size == 0)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, "aclrtMallocHost", "size is 0");
	void *p = NULL;
	int st = weir_mem_host_alloc(m, size, &p);
	if (st == WEIR_EINVAL)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, "aclrtMallocHost",
		                      "size %zu too large", size);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, "aclrtMallocHost", "pinned host allocation");
	*hostPtr = p;
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtFreeHost(void *hostPtr)
{
	weir_mem_t *m;
	aclError e = weir_acl_need_mem("aclrtFreeHost", &m);
	if (e != ACL_SUCCESS)
		return e;
	e = weir__acl_capture_unsafe("aclrtFreeHost");
	if (e != ACL_SUCCESS)
		return e;
	if (!hostPtr)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, "aclrtFreeHost", "hostPtr is NULL");
	int st = weir_mem_host_free(m, hostPtr);
	return st == WEIR_OK ? ACL_SUCCESS : weir_acl_free_fail(st, "aclrtFreeHost");
}

ACL_FUNC_VISIBILITY aclError aclrtMemset(void *devPtr, size_t maxCount, int32_t value, size_t count)
{
	if (count == 0)
		return ACL_SUCCESS;
	weir_mem_t *m;
	aclError e = weir_acl_need_mem("aclrtMemset", &m);
	if (e != ACL_SUCCESS)
		return e;
	e = weir__acl_capture_unsafe("aclrtMemset");
	if (e != ACL_SUCCESS)
		return e;
	if (!devPtr)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, "aclrtMemset", "devPtr is NULL");
	int st = weir_mem_fill(m, devPtr, maxCount, value, count);
	return st == WEIR_OK ? ACL_SUCCESS : weir__acl_fail_weir(st, "aclrtMemset", "fill");
}

ACL_FUNC_VISIBILITY aclError aclrtMemsetAsync(void *devPtr, size_t maxCount, int32_t value,
                                              size_t count, aclrtStream stream)
{
	static const char api[] = "aclrtMemsetAsync";
	if (count == 0)
		return ACL_SUCCESS;
	weir_mem_t *m;
	aclError e = weir_acl_need_mem(api, &m);
	if (e != ACL_SUCCESS)
		return e;
	if (!devPtr)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "devPtr is NULL");
	weir_stream_t *s;
	struct weir_stream *found;
	WEIR__ACL_TRY(api, weir__acl_resolve_stream_found(stream, &s, &found));
	int st = found ? weir__mem_fill_async_found(m, devPtr, maxCount, value, count, s, found)
	               : WEIR_EAGAIN;
	weir__rcu_read_unlock();
	if (st == WEIR_EAGAIN)
		st = weir_mem_fill_async(m, devPtr, maxCount, value, count, s);
	return st == WEIR_OK ? ACL_SUCCESS : weir__acl_fail_weir(st, api, "fill task");
}

/* Kinds aclrtMemcpy{,Async} accept: H2H..DEFAULT and HOST_TO_BUF_TO_DEVICE
 * (staged: the host buffer is reusable on return, here by copying at once
 * or in stream order, which weir treats as H2D). */
static bool weir_acl_map_kind(aclrtMemcpyKind kind, int *wk)
{
	switch ((int)kind) {
	case ACL_MEMCPY_HOST_TO_HOST: *wk = WEIR_COPY_H2H; return true;
	case ACL_MEMCPY_HOST_TO_DEVICE: *wk = WEIR_COPY_H2D; return true;
	case ACL_MEMCPY_DEVICE_TO_HOST: *wk = WEIR_COPY_D2H; return true;
	case ACL_MEMCPY_DEVICE_TO_DEVICE: *wk = WEIR_COPY_D2D; return true;
	case ACL_MEMCPY_DEFAULT: *wk = WEIR_COPY_DEFAULT; return true;
	case ACL_MEMCPY_HOST_TO_BUF_TO_DEVICE: *wk = WEIR_COPY_H2D; return true;
	default: return false;
	}
}

/* The checks aclrtMemcpy and aclrtMemcpyAsync share, in ACL's order. A copy
 * of 0 bytes returns ACL_SUCCESS with *m left NULL: nothing to do. */
static aclError weir_acl_copy_args(const char *api, void *dst, const void *src, size_t count,
                                   aclrtMemcpyKind kind, int *wk, weir_mem_t **m)
{
	if (!weir_acl_map_kind(kind, wk))
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "invalid kind %d", (int)kind);
	if (count == 0)
		return ACL_SUCCESS;
	weir_mem_t *mm;
	aclError e = weir_acl_need_mem(api, &mm);
	if (e != ACL_SUCCESS)
		return e;
	if (!dst || !src)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      dst ? "src" : "dst");
	*m = mm;
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtMemcpy(void *dst, size_t destMax, const void *src, size_t count,
                                         aclrtMemcpyKind kind)
{
	static const char api[] = "aclrtMemcpy";
	int wk = 0;
	weir_mem_t *m = NULL;
	aclError e = weir_acl_copy_args(api, dst, src, count, kind, &wk, &m);
	if (e != ACL_SUCCESS || !m)
		return e;
	e = weir__acl_capture_unsafe(api);
	if (e != ACL_SUCCESS)
		return e;
	e = weir__acl_peer_copy_check(m, dst, src, api);
	if (e != ACL_SUCCESS)
		return e;
	int st = weir_mem_copy(m, dst, destMax, src, count, wk);
	return st == WEIR_OK ? ACL_SUCCESS : weir__acl_fail_weir(st, api, "copy");
}

/* True when a host side of the copy is pageable (not from aclrtMallocHost). */
static bool weir_acl_pageable(weir_mem_t *m, const void *dst, const void *src)
{
	weir_mem_ptrinfo_t di, si;
	weir_mem_classify(m, dst, &di);
	weir_mem_classify(m, src, &si);
	return di.kind == WEIR_MEM_KIND_FOREIGN || si.kind == WEIR_MEM_KIND_FOREIGN;
}

/* For an async copy with a pageable host side (which ACL makes
 * synchronous): *recording is true when the stream records (captured, or
 * bound to a model being built). Such a stream takes the copy as a recorded
 * task that reads the host memory when it runs (weir/mem.h's copy tasks
 * hold pointers, nothing is staged), so the caller does not wait for it.
 * During a capture that is an unsafe call (ACL's rule), refused unless this
 * thread's mode allows it; a built model's streams take it (the model_ri
 * samples copy from std::vector into bound streams). */
static aclError weir_acl_pageable_recording(aclrtStream stream, bool *recording, const char *api)
{
	weir_stream_t *rs;
	int cs = WEIR_CAPTURE_NONE;
	*recording = false;
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &rs));
	if (weir_capture_status(rs, &cs, NULL) != WEIR_OK || cs == WEIR_CAPTURE_NONE)
		return ACL_SUCCESS;
	*recording = true;
	return weir__acl_capture_unsafe(api);
}

ACL_FUNC_VISIBILITY aclError aclrtMemcpyAsync(void *dst, size_t destMax, const void *src,
                                              size_t count, aclrtMemcpyKind kind,
                                              aclrtStream stream)
{
	static const char api[] = "aclrtMemcpyAsync";
	int wk = 0;
	weir_mem_t *m = NULL;
	aclError e = weir_acl_copy_args(api, dst, src, count, kind, &wk, &m);
	if (e != ACL_SUCCESS || !m)
		return e;
	e = weir__acl_peer_copy_check(m, dst, src, api);
	if (e != ACL_SUCCESS)
		return e;
	weir_stream_t *s;
	struct weir_stream *found;
	bool pageable = weir_acl_pageable(m, dst, src), recording = false;
	if (pageable) {
		e = weir_acl_pageable_recording(stream, &recording, api);
		if (e != ACL_SUCCESS)
			return e;
	}
	WEIR__ACL_TRY(api, weir__acl_resolve_stream_found(stream, &s, &found));
	int st = found ? weir__mem_copy_async_found(m, dst, destMax, src, count, wk, s, found)
	               : WEIR_EAGAIN;
	weir__rcu_read_unlock();
	if (st == WEIR_EAGAIN)
		st = weir_mem_copy_async(m, dst, destMax, src, count, wk, s);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "copy task");
	/* ACL: with pageable host memory the call returns once the copy (and
	 * so everything queued before it) has finished. */
	if (pageable && !recording) {
		st = weir_stream_sync(s, WEIR_TIMEOUT_INFINITE);
		if (st != WEIR_OK)
			return weir__acl_fail_weir(st, api,
			                           "synchronous copy (pageable host memory)");
	}
	return ACL_SUCCESS;
}

/* The checks aclrtMemcpy2d and aclrtMemcpy2dAsync share, in ACL's order. An
 * empty copy returns ACL_SUCCESS with *m left NULL: nothing to do. */
static aclError weir_acl_check_2d(const char *api, void *dst, size_t dpitch, const void *src,
                                  size_t spitch, size_t width, size_t height, aclrtMemcpyKind kind,
                                  int *wk, weir_mem_t **m)
{
	if (width == 0 || height == 0)
		return ACL_SUCCESS;
	weir_mem_t *mm;
	aclError e = weir_acl_need_mem(api, &mm);
	if (e != ACL_SUCCESS)
		return e;
	switch ((int)kind) {
	case ACL_MEMCPY_HOST_TO_DEVICE: *wk = WEIR_COPY_H2D; break;
	case ACL_MEMCPY_DEVICE_TO_HOST: *wk = WEIR_COPY_D2H; break;
	case ACL_MEMCPY_DEVICE_TO_DEVICE: *wk = WEIR_COPY_D2D; break;
	case ACL_MEMCPY_DEFAULT: *wk = WEIR_COPY_DEFAULT; break;
	default:
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "invalid kind %d for a 2D copy",
		                      (int)kind);
	}
	if (!dst || !src)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      dst ? "src" : "dst");
	if (width > spitch || width > dpitch)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "width %zu exceeds spitch %zu or dpitch %zu", width, spitch,
		                      dpitch);
	*m = mm;
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtMemcpy2d(void *dst, size_t dpitch, const void *src, size_t spitch,
                                           size_t width, size_t height, aclrtMemcpyKind kind)
{
	static const char api[] = "aclrtMemcpy2d";
	int wk = 0;
	weir_mem_t *m = NULL;
	aclError e = weir_acl_check_2d(api, dst, dpitch, src, spitch, width, height, kind, &wk, &m);
	if (e != ACL_SUCCESS || !m)
		return e;
	e = weir__acl_capture_unsafe(api);
	if (e != ACL_SUCCESS)
		return e;
	int st = weir_mem_copy2d(m, dst, dpitch, src, spitch, width, height, wk);
	return st == WEIR_OK ? ACL_SUCCESS : weir__acl_fail_weir(st, api, "2D copy");
}

ACL_FUNC_VISIBILITY aclError aclrtMemcpy2dAsync(void *dst, size_t dpitch, const void *src,
                                                size_t spitch, size_t width, size_t height,
                                                aclrtMemcpyKind kind, aclrtStream stream)
{
	static const char api[] = "aclrtMemcpy2dAsync";
	int wk = 0;
	weir_mem_t *m = NULL;
	aclError e = weir_acl_check_2d(api, dst, dpitch, src, spitch, width, height, kind, &wk, &m);
	if (e != ACL_SUCCESS || !m)
		return e;
	bool pageable = weir_acl_pageable(m, dst, src), recording = false;
	if (pageable) {
		e = weir_acl_pageable_recording(stream, &recording, api);
		if (e != ACL_SUCCESS)
			return e;
	}
	weir_stream_t *s;
	struct weir_stream *found;
	WEIR__ACL_TRY(api, weir__acl_resolve_stream_found(stream, &s, &found));
	int st = found ? weir__mem_copy2d_async_found(m, dst, dpitch, src, spitch, width, height,
	                                              wk, s, found)
	               : WEIR_EAGAIN;
	weir__rcu_read_unlock();
	if (st == WEIR_EAGAIN)
		st = weir_mem_copy2d_async(m, dst, dpitch, src, spitch, width, height, wk, s);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "2D copy task");
	if (pageable && !recording) {
		st = weir_stream_sync(s, WEIR_TIMEOUT_INFINITE);
		if (st != WEIR_OK)
			return weir__acl_fail_weir(st, api,
			                           "synchronous 2D copy (pageable host memory)");
	}
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtGetMemInfo(aclrtMemAttr attr, size_t *free, size_t *total)
{
	static const char api[] = "aclrtGetMemInfo";
	weir_mem_t *m;
	aclError e = weir_acl_need_mem(api, &m);
	if (e != ACL_SUCCESS)
		return e;
	if (!free || !total)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      free ? "total" : "free");
	if ((int)attr < ACL_DDR_MEM || (int)attr > ACL_MEM_P2P_HUGE1G)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "invalid attribute %d",
		                      (int)attr);
	int32_t dev;
	WEIR__ACL_TRY(api, weir__acl_current_device(&dev));
	switch ((int)attr) {
	case ACL_HBM_MEM_HUGE1G:
	case ACL_HBM_MEM_P2P_HUGE1G:
	case ACL_MEM_HUGE1G:
	case ACL_MEM_P2P_HUGE1G:
		/* no 1 GiB pages on a virtual device: "the hardware lacks it" */
		*free = 0;
		*total = 0;
		return ACL_SUCCESS;
	default: break;
	}
	weir_mem_stats_t s;
	int st = weir_mem_info(m, (uint32_t)dev, &s);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "memory statistics");
	*free = (size_t)s.free;
	*total = (size_t)s.capacity;
	return ACL_SUCCESS;
}
