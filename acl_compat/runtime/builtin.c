/*
 * acl_compat/runtime/builtin.c - the runtime's built-in tasks:
 * aclrtReduceAsync (dst op= src) and aclrtRandomNumAsync (Philox4x32-10).
 *
 * Both are kernels of the op library (weir/graph.h: weir_accumulate_kernel,
 * weir_random_kernel; graph/ops/accumulate.c and random.c) launched here with
 * weir_launch() on the resolved stream, split into blocks over the device's
 * workers. Every argument is checked on the host before the launch (ACL's
 * codes, docs/acl.md); only values the task reads from device memory when
 * it runs (random params with isAddr = 1) are checked by the kernel, which
 * then fails the task (reported at the stream's next synchronize).
 *
 * Memory rule (ACL: "dst and src must be on the stream's device"): every
 * buffer must lie inside one live aclrtMalloc allocation of the stream's
 * device; anything else is ACL_ERROR_INVALID_PARAM, so a task never touches
 * memory the runtime does not own.
 */
#include <string.h>

#include "acl_compat/acl_internal.h"
#include "weir/graph.h"
#include "weir/mem.h"

/* The weir dtype of an ACL dtype for these tasks (values are the same
 * numbering, but only listed ones pass). */
static bool weir_acl_builtin_dtype(aclDataType t, int *dt)
{
	switch ((int)t) {
	case ACL_FLOAT: *dt = WEIR_DT_FLOAT; return true;
	case ACL_FLOAT16: *dt = WEIR_DT_FLOAT16; return true;
	case ACL_BF16: *dt = WEIR_DT_BF16; return true;
	case ACL_INT8: *dt = WEIR_DT_INT8; return true;
	case ACL_INT16: *dt = WEIR_DT_INT16; return true;
	case ACL_INT32: *dt = WEIR_DT_INT32; return true;
	case ACL_UINT32: *dt = WEIR_DT_UINT32; return true;
	case ACL_INT64: *dt = WEIR_DT_INT64; return true;
	case ACL_UINT64: *dt = WEIR_DT_UINT64; return true;
	default: return false;
	}
}

/* `bytes` at p must lie in one live device allocation of device `dev`. */
static aclError weir_acl_builtin_span(const char *api, weir_mem_t *m, const void *p, uint64_t bytes,
                                      uint32_t dev, const char *what)
{
	weir_mem_ptrinfo_t pi;
	if (!p)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL", what);
	(void)weir_mem_classify(m, p, &pi);
	if (pi.kind != WEIR_MEM_KIND_DEVICE || !pi.live)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "%s %p is not in a live device allocation", what, p);
	if (pi.device != dev)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "%s is memory of device %u, the stream's device is %u", what,
		                      pi.device, dev);
	if (bytes > pi.size - pi.offset)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "%s: %llu bytes from offset %zu pass the end of its %zu-byte "
		                      "allocation",
		                      what, (unsigned long long)bytes, pi.offset, pi.size);
	return ACL_SUCCESS;
}

/* Blocks for n elements on the stream's device. */
static uint32_t weir_acl_builtin_blocks(int64_t n)
{
	weir_runtime_t *rt = weir__acl_runtime();
	const weir_config_t *cfg = rt ? weir_runtime_config(rt) : NULL;
	uint32_t workers = cfg && cfg->workers_per_device ? cfg->workers_per_device : 4;
	return weir_op_blocks_for(n, workers);
}

/* Resolve the stream (NULL: the default stream), its device and memory. */
static aclError weir_acl_builtin_stream(const char *api, aclrtStream stream, weir_stream_t **s,
                                        uint32_t *dev, weir_mem_t **m)
{
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, s));
	*m = weir__acl_mem();
	if (!*m)
		return weir__acl_fail(ACL_ERROR_UNINITIALIZE, api, "not initialized");
	int st = weir_stream_device(*s, dev);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "stream");
	return ACL_SUCCESS;
}

static aclError weir_acl_builtin_launch(const char *api, weir_stream_t *s, weir_kernel_fn fn,
                                        const void *args, size_t size, int64_t n)
{
	int st = weir_launch(s, fn, args, size, weir_acl_builtin_blocks(n), 0);
	return st == WEIR_OK ? ACL_SUCCESS : weir__acl_fail_weir(st, api, "launch");
}

ACL_FUNC_VISIBILITY aclError aclrtReduceAsync(void *dst, const void *src, uint64_t count,
                                              aclrtReduceKind kind, aclDataType type,
                                              aclrtStream stream, void *reserve)
{
	static const char api[] = "aclrtReduceAsync";
	weir_accumulate_args_t a;
	int dt = 0, wk;
	if (!weir__acl_runtime())
		return weir__acl_fail(ACL_ERROR_UNINITIALIZE, api, "not initialized");
	if (reserve)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "reserve must be NULL");
	if (!dst || !src)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      dst ? "src" : "dst");
	switch ((int)kind) {
	case ACL_RT_MEMCPY_SDMA_AUTOMATIC_SUM: wk = WEIR_ACCUMULATE_SUM; break;
	case ACL_RT_MEMCPY_SDMA_AUTOMATIC_MAX: wk = WEIR_ACCUMULATE_MAX; break;
	case ACL_RT_MEMCPY_SDMA_AUTOMATIC_MIN: wk = WEIR_ACCUMULATE_MIN; break;
	case ACL_RT_MEMCPY_SDMA_AUTOMATIC_EQUAL: wk = WEIR_ACCUMULATE_EQUAL; break;
	default: return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "invalid kind %d", (int)kind);
	}
	if (!weir_acl_builtin_dtype(type, &dt) || !weir_accumulate_supported(dt, wk))
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "data type %d is not one of int8, int16, int32, uint32, "
		                      "fp16, fp32, bf16",
		                      (int)type);
	size_t esz = weir_dtype_size(dt);
	if (count == 0 || count % esz != 0)
		return weir__acl_fail(
		        ACL_ERROR_INVALID_PARAM, api,
		        "count %llu is not a positive multiple of the %zu-byte element",
		        (unsigned long long)count, esz);
	weir_stream_t *s;
	uint32_t dev;
	weir_mem_t *m = NULL;
	aclError e = weir_acl_builtin_stream(api, stream, &s, &dev, &m);
	if (e != ACL_SUCCESS)
		return e;
	if ((e = weir_acl_builtin_span(api, m, dst, count, dev, "dst")) != ACL_SUCCESS ||
	    (e = weir_acl_builtin_span(api, m, src, count, dev, "src")) != ACL_SUCCESS)
		return e;
	const char *d = dst, *sp = src;
	if (d != sp && d < sp + count && sp < d + count)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "dst and src overlap without being equal");
	memset(&a, 0, sizeof a);
	a.dst = dst;
	a.src = src;
	a.count = (int64_t)(count / esz);
	a.dtype = dt;
	a.kind = wk;
	return weir_acl_builtin_launch(api, s, weir_accumulate_kernel, &a, sizeof a, a.count);
}

/* One aclrtRandomParaInfo into slot k of the args. `want` is the value's
 * byte size (0: 1..8 accepted, an unsigned integer). */
static aclError weir_acl_random_param(const char *api, const aclrtRandomParaInfo *p, int k,
                                      uint8_t want, weir_mem_t *m, uint32_t dev,
                                      weir_random_args_t *a, const char *what)
{
	if (p->isAddr > 1)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s.isAddr = %u (0 or 1)", what,
		                      p->isAddr);
	if (want ? p->size != want : (p->size == 0 || p->size > 8))
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "%s.size = %u, the value takes %s bytes", what, p->size,
		                      want == 2   ? "2"
		                      : want == 4 ? "4"
		                      : want == 8 ? "8"
		                                  : "1..8");
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p->valueOrAddr[i];
	a->size[k] = p->size;
	if (p->isAddr) {
		aclError e = weir_acl_builtin_span(api, m, (const void *)(uintptr_t)v, p->size, dev,
		                                   what);
		if (e != ACL_SUCCESS)
			return e;
		a->addr_mask |= (uint8_t)(1u << k);
		a->val[k] = v;
	} else {
		a->val[k] = p->size < 8 ? v & ((UINT64_C(1) << (8 * p->size)) - 1) : v;
	}
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtRandomNumAsync(const aclrtRandomNumTaskInfo *taskInfo,
                                                 const aclrtStream stream, void *reserve)
{
	static const char api[] = "aclrtRandomNumAsync";
	weir_random_args_t a;
	int dt = 0, dist;
	if (!weir__acl_runtime())
		return weir__acl_fail(ACL_ERROR_UNINITIALIZE, api, "not initialized");
	if (reserve)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "reserve must be NULL");
	if (!taskInfo)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "taskInfo is NULL");
	const aclrtRandomNumFuncParaInfo *fp = &taskInfo->randomNumFuncParaInfo;
	switch ((int)fp->funcType) {
	case ACL_RT_RANDOM_NUM_FUNC_TYPE_DROPOUT_BITMASK: dist = WEIR_RANDOM_DROPOUT_MASK; break;
	case ACL_RT_RANDOM_NUM_FUNC_TYPE_UNIFORM_DIS: dist = WEIR_RANDOM_UNIFORM; break;
	case ACL_RT_RANDOM_NUM_FUNC_TYPE_NORMAL_DIS: dist = WEIR_RANDOM_NORMAL; break;
	case ACL_RT_RANDOM_NUM_FUNC_TYPE_TRUNCATED_NORMAL_DIS:
		dist = WEIR_RANDOM_TRUNCATED_NORMAL;
		break;
	default:
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "invalid funcType %d",
		                      (int)fp->funcType);
	}
	if (!weir_acl_builtin_dtype(taskInfo->dataType, &dt) || !weir_random_supported(dist, dt))
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "data type %d is not supported by funcType %d",
		                      (int)taskInfo->dataType, (int)fp->funcType);
	if (!taskInfo->randomResultAddr)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "randomResultAddr is NULL");
	if (!taskInfo->randomCounterAddr)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "randomCounterAddr is NULL");
	weir_stream_t *s;
	uint32_t dev;
	weir_mem_t *m = NULL;
	aclError e = weir_acl_builtin_stream(api, stream, &s, &dev, &m);
	if (e != ACL_SUCCESS)
		return e;
	memset(&a, 0, sizeof a);
	a.dist = (uint8_t)dist;
	a.dtype = dt;
	a.out = taskInfo->randomResultAddr;
	a.counter_addr = taskInfo->randomCounterAddr;
	uint8_t psz = (uint8_t)weir_dtype_size(dt);
	const aclrtRandomParaInfo *p0, *p1 = NULL;
	const char *n0, *n1 = NULL;
	if (dist == WEIR_RANDOM_DROPOUT_MASK) {
		p0 = &fp->paramInfo.dropoutBitmaskInfo.dropoutRation;
		n0 = "dropoutRation";
	} else if (dist == WEIR_RANDOM_UNIFORM) {
		p0 = &fp->paramInfo.uniformDisInfo.min;
		p1 = &fp->paramInfo.uniformDisInfo.max;
		n0 = "min";
		n1 = "max";
	} else {
		p0 = &fp->paramInfo.normalDisInfo.mean;
		p1 = &fp->paramInfo.normalDisInfo.stddev;
		n0 = "mean";
		n1 = "stddev";
	}
	if ((e = weir_acl_builtin_span(api, m, a.counter_addr, 16, dev, "randomCounterAddr")) !=
	            ACL_SUCCESS ||
	    (e = weir_acl_random_param(api, &taskInfo->randomSeed, WEIR_RANDOM_SEED, 0, m, dev, &a,
	                               "randomSeed")) != ACL_SUCCESS ||
	    (e = weir_acl_random_param(api, &taskInfo->randomNum, WEIR_RANDOM_COUNT, 0, m, dev, &a,
	                               "randomNum")) != ACL_SUCCESS ||
	    (e = weir_acl_random_param(api, p0, WEIR_RANDOM_P0, psz, m, dev, &a, n0)) !=
	            ACL_SUCCESS ||
	    (p1 && (e = weir_acl_random_param(api, p1, WEIR_RANDOM_P1, psz, m, dev, &a, n1)) !=
	                   ACL_SUCCESS))
		return e;
	/* Immediate values are checked now; device-resident ones when the
	 * task runs (the kernel then fails it). A count read from device
	 * memory is bounded by what the result allocation holds. */
	uint64_t count = a.val[WEIR_RANDOM_COUNT];
	if (a.addr_mask & (1u << WEIR_RANDOM_COUNT)) {
		weir_mem_ptrinfo_t pi;
		if ((e = weir_acl_builtin_span(api, m, a.out, 1, dev, "randomResultAddr")) !=
		    ACL_SUCCESS)
			return e;
		(void)weir_mem_classify(m, a.out, &pi);
		uint64_t room = pi.size - pi.offset, one = weir_random_out_bytes(dist, dt, 1);
		a.max_count = dist == WEIR_RANDOM_DROPOUT_MASK ? room * 8 : room / one;
		if (a.max_count == 0)
			return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
			                      "randomResultAddr has no room for one value");
		count = 0;
	} else {
		if (count == 0 || count > (uint64_t)INT64_MAX / 8)
			return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
			                      "randomNum = %llu (must be 1..2^60)",
			                      (unsigned long long)count);
		e = weir_acl_builtin_span(api, m, a.out, weir_random_out_bytes(dist, dt, count),
		                          dev, "randomResultAddr");
		if (e != ACL_SUCCESS)
			return e;
	}
	/* Immediate params: the same checks the kernel makes, reported now. */
	if (!(a.addr_mask & ((1u << WEIR_RANDOM_P0) | (1u << WEIR_RANDOM_P1)))) {
		weir_random_args_t probe = a;
		probe.val[WEIR_RANDOM_COUNT] = 0;
		probe.addr_mask = 0;
		uint64_t zero[2] = { 0, 0 };
		probe.counter_addr = zero;
		probe.max_count = 0;
		if (weir_random_kernel(&probe, 0, 1) != WEIR_OK)
			return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
			                      "invalid %s%s%s for funcType %d", n0, n1 ? "/" : "",
			                      n1 ? n1 : "", (int)fp->funcType);
	}
	/* A device-resident count: size the blocks for the most it can be. */
	return weir_acl_builtin_launch(api, s, weir_random_kernel, &a, sizeof a,
	                               (int64_t)(count ? count : a.max_count));
}
