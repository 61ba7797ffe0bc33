/*
 * acl_compat/runtime/overflow.c - float overflow and saturation (acl_rt.h
 * "Overflow and saturation") over weir's float modes and per-device
 * overflow status (weir/sched.h "Block limits, float modes and overflow").
 *
 * ACL's rules kept: the saturation mode is the current device's and
 * applies to streams created after the call; the overflow switch is per
 * stream (ACL_STREAM_ATTR_FLOAT_OVERFLOW_CHECK is the same switch) and
 * applies to kernels launched after the call; the status is the device's,
 * read and cleared by tasks queued on a stream (async, in stream order),
 * written to 64 bytes of device memory. Codes: NULL pointers 100000 (ACL
 * layer), a mode, flag or size out of range 107000 (runtime), streams as
 * every enqueue (weir__acl_resolve_stream).
 *
 * What reports an overflow: weir's own float ops (docs/ops.md: the
 * elementwise ops) and any kernel that calls weir_kernel_report_overflow().
 */
#include "acl_compat/acl_internal.h"
#include "acl_compat/acl_state.h"
#include "base/atomic.h"
#include "weir/mem.h"

#include <string.h>

#define WEIR_ACL_OVERFLOW_BYTES 64u

ACL_FUNC_VISIBILITY aclError aclrtSetDeviceSatMode(aclrtFloatOverflowMode mode)
{
	static const char api[] = "aclrtSetDeviceSatMode";
	if ((int)mode != ACL_RT_OVERFLOW_MODE_SATURATION &&
	    (int)mode != ACL_RT_OVERFLOW_MODE_INFNAN)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "mode %d is not in [0, 2) (SATURATION, INFNAN)", (int)mode);
	int32_t dev;
	WEIR__ACL_TRY(api, weir__acl_current_device(&dev));
	_Static_assert((int)ACL_RT_OVERFLOW_MODE_SATURATION == WEIR_FLOAT_SATURATION &&
	                       (int)ACL_RT_OVERFLOW_MODE_INFNAN == WEIR_FLOAT_INFNAN,
	               "ACL's modes are weir's float modes");
	int st = weir_device_set_float_mode(weir__acl_runtime(), (uint32_t)dev, (int)mode);
	return st == WEIR_OK ? ACL_SUCCESS : weir__acl_fail_weir(st, api, "float mode");
}

ACL_FUNC_VISIBILITY aclError aclrtGetDeviceSatMode(aclrtFloatOverflowMode *mode)
{
	static const char api[] = "aclrtGetDeviceSatMode";
	if (!mode)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "mode is NULL");
	int32_t dev;
	WEIR__ACL_TRY(api, weir__acl_current_device(&dev));
	int m = 0;
	int st = weir_device_float_mode(weir__acl_runtime(), (uint32_t)dev, &m);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "float mode");
	*mode = (aclrtFloatOverflowMode)m;
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtSetStreamOverflowSwitch(aclrtStream stream, uint32_t flag)
{
	static const char api[] = "aclrtSetStreamOverflowSwitch";
	if (flag > 1)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "flag %u is not in [0, 2) (0 off, 1 on)", flag);
	weir_stream_t *s;
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &s));
	int st = weir_stream_set_overflow_check(s, flag != 0);
	return st == WEIR_OK ? ACL_SUCCESS : weir__acl_fail_weir(st, api, "overflow switch");
}

ACL_FUNC_VISIBILITY aclError aclrtGetStreamOverflowSwitch(aclrtStream stream, uint32_t *flag)
{
	static const char api[] = "aclrtGetStreamOverflowSwitch";
	if (!flag)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "flag is NULL");
	weir_stream_t *s;
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &s));
	bool on = false;
	int st = weir_stream_overflow_check(s, &on);
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "overflow switch");
	*flag = on ? 1u : 0u;
	return ACL_SUCCESS;
}

/*
 * The overflow word of each device (aclrtCtxGetFloatOverflowAddr): device
 * memory made on first request, under the facade lock, and kept until the
 * runtime's memory goes (aclFinalize). It is tagged with the runtime
 * generation that made it, so a word of an earlier aclInit is never handed
 * out or read. Every context of a device shares it, as they share the
 * device's overflow status.
 */
#define WEIR_ACL_OVERFLOW_WORD_BYTES 512u

struct weir_acl_ovf_word {
	/* A: OVF-R1 (release, with the address written before) / OVF-A1. */
	_Atomic uint64_t gen;
	uint8_t *addr; /* L(facade lock) to write; read after OVF-A1 */
};
static struct weir_acl_ovf_word weir_acl_ovf_words[WEIR_MAX_DEVICES];

/* The device's word of runtime generation gen, or NULL if none was made. */
static uint8_t *weir_acl_ovf_word(uint32_t dev, uint64_t gen)
{
	struct weir_acl_ovf_word *w = &weir_acl_ovf_words[dev % WEIR_MAX_DEVICES];
	/* OVF-A1: acquire - pairs with OVF-R1: the address is set. */
	if (gen == 0 || weir_load_acquire(&w->gen) != gen)
		return NULL;
	return w->addr;
}

/* The status tasks: a kernel of one block on the caller's stream. */
struct weir_acl_ovf_args {
	weir_runtime_t *rt;
	uint64_t gen;
	uint32_t dev;
	uint8_t *out; /* NULL: reset */
};

static int weir_acl_ovf_kernel(void *args, uint32_t block, uint32_t nblocks)
{
	(void)block;
	(void)nblocks;
	const struct weir_acl_ovf_args *a = args;
	uint8_t *word = weir_acl_ovf_word(a->dev, a->gen);
	if (!a->out) {
		if (word)
			memset(word, 0, WEIR_ACL_OVERFLOW_WORD_BYTES);
		return weir_device_overflow_reset(a->rt, a->dev);
	}
	uint32_t status = 0;
	int st = weir_device_overflow_status(a->rt, a->dev, &status);
	if (st != WEIR_OK)
		return st;
	for (uint32_t i = 0; word && !status && i < WEIR_ACL_OVERFLOW_WORD_BYTES; i++)
		status = word[i] != 0;
	memset(a->out, 0, WEIR_ACL_OVERFLOW_BYTES);
	memcpy(a->out, &status, sizeof(status));
	return 0;
}

static aclError weir_acl_ovf_queue(aclrtStream stream, uint8_t *out, const char *api)
{
	weir_stream_t *s;
	WEIR__ACL_TRY(api, weir__acl_resolve_stream(stream, &s));
	struct weir_acl_ovf_args a = { .rt = weir__acl_runtime(),
		                       .gen = weir__acl_generation(),
		                       .out = out };
	int st = weir_stream_device(s, &a.dev);
	if (st == WEIR_OK)
		st = weir_launch(s, weir_acl_ovf_kernel, &a, sizeof(a), 1, 0);
	return st == WEIR_OK ? ACL_SUCCESS : weir__acl_fail_submit(st, s, api, "status task");
}

static aclError weir_acl_get_status(void *outputAddr, uint64_t outputSize, aclrtStream stream,
                                    const char *api)
{
	if (!outputAddr)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "outputAddr is NULL");
	if (outputSize != WEIR_ACL_OVERFLOW_BYTES)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "outputSize %llu is invalid: only %u bytes are supported",
		                      (unsigned long long)outputSize, WEIR_ACL_OVERFLOW_BYTES);
	/* The task writes there later: it must be live device memory, so a
	 * bad pointer is a code now and never a fault on a worker. */
	weir_mem_t *m = weir__acl_mem();
	weir_mem_ptrinfo_t pi;
	if (!m || weir_mem_classify(m, outputAddr, &pi) != WEIR_OK ||
	    pi.kind != WEIR_MEM_KIND_DEVICE || !pi.live ||
	    pi.size - pi.offset < WEIR_ACL_OVERFLOW_BYTES)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "outputAddr %p is not %u bytes of live device memory",
		                      outputAddr, WEIR_ACL_OVERFLOW_BYTES);
	return weir_acl_ovf_queue(stream, outputAddr, api);
}

ACL_FUNC_VISIBILITY aclError aclrtGetOverflowStatus(void *outputAddr, size_t outputSize,
                                                    aclrtStream stream)
{
	return weir_acl_get_status(outputAddr, outputSize, stream, "aclrtGetOverflowStatus");
}

ACL_FUNC_VISIBILITY aclError aclrtGetFloatOverflowStatus(void *outputAddr, uint64_t outputSize,
                                                         aclrtStream stream)
{
	return weir_acl_get_status(outputAddr, outputSize, stream, "aclrtGetFloatOverflowStatus");
}

ACL_FUNC_VISIBILITY aclError aclrtResetOverflowStatus(aclrtStream stream)
{
	return weir_acl_ovf_queue(stream, NULL, "aclrtResetOverflowStatus");
}

ACL_FUNC_VISIBILITY aclError aclrtResetFloatOverflowStatus(aclrtStream stream)
{
	return weir_acl_ovf_queue(stream, NULL, "aclrtResetFloatOverflowStatus");
}

/* ACL's check modes of the older calls: the original check and the debug
 * check. weir has one status, so both read and clear the same. */
static aclError weir_acl_check_mode(uint32_t checkMode, const char *api)
{
	if (checkMode > 1)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api,
		                      "checkMode %u is not in [0, 2) (0 original, 1 debug)",
		                      checkMode);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtNpuGetFloatOverFlowStatus(void *outputAddr, uint64_t outputSize,
                                                            uint32_t checkMode, aclrtStream stream)
{
	static const char api[] = "aclrtNpuGetFloatOverFlowStatus";
	aclError rc = weir_acl_check_mode(checkMode, api);
	return rc != ACL_SUCCESS ? rc : weir_acl_get_status(outputAddr, outputSize, stream, api);
}

ACL_FUNC_VISIBILITY aclError aclrtNpuClearFloatOverFlowStatus(uint32_t checkMode,
                                                              aclrtStream stream)
{
	static const char api[] = "aclrtNpuClearFloatOverFlowStatus";
	aclError rc = weir_acl_check_mode(checkMode, api);
	return rc != ACL_SUCCESS ? rc : weir_acl_ovf_queue(stream, NULL, api);
}

ACL_FUNC_VISIBILITY aclError aclrtCtxGetFloatOverflowAddr(void **overflowAddr)
{
	static const char api[] = "aclrtCtxGetFloatOverflowAddr";
	if (!overflowAddr)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "overflowAddr is NULL");
	int32_t dev;
	WEIR__ACL_TRY(api, weir__acl_current_device(&dev));
	uint64_t gen = weir__acl_generation();
	uint8_t *word = weir_acl_ovf_word((uint32_t)dev, gen);
	if (word) {
		*overflowAddr = word;
		return ACL_SUCCESS;
	}
	struct weir_acl_ovf_word *w = &weir_acl_ovf_words[(uint32_t)dev % WEIR_MAX_DEVICES];
	int st = WEIR_OK;
	weir__acl_lock();
	word = weir_acl_ovf_word((uint32_t)dev, gen);
	weir_mem_t *m = weir__acl_mem();
	if (!word && !m) {
		st = WEIR_ESTATE;
	} else if (!word) {
		void *p = NULL;
		st = weir_mem_alloc(m, (uint32_t)dev, WEIR_ACL_OVERFLOW_WORD_BYTES, 0, &p);
		if (st == WEIR_OK) {
			memset(p, 0, WEIR_ACL_OVERFLOW_WORD_BYTES);
			word = p;
			w->addr = word;
			/* OVF-R1: release - pairs with OVF-A1: the address, then
			 * the generation that makes it visible. */
			weir_store_release(&w->gen, gen);
		}
	}
	weir__acl_unlock();
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "allocating the overflow word");
	*overflowAddr = word;
	return ACL_SUCCESS;
}
