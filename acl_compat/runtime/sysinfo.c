/*
 * acl_compat/runtime/sysinfo.c - system information: the SoC name, CANN
 * attributes, device attributes and capabilities, utilization and status
 * (acl_rt.h "System information", acl_base.h "SoC name, CANN attributes,
 * device capability"). Every value comes from weir's runtime: a device's
 * cores are its workers, its memory the capacity of its arena
 * (docs/acl.md, section C, has the table).
 *
 * Codes follow ACL's layering: a NULL output is the ACL layer's
 * ACL_ERROR_INVALID_PARAM (100000); a bad device id the runtime's 107001;
 * an out-of-range attribute or feature the runtime's 107000. aclGetDevice-
 * Capability (acl_base.h) checks everything in the ACL layer: 100000.
 */
#include "acl_compat/acl_internal.h"
#include "acl_compat/acl_state.h"
#include "weir/mem.h"

#include <string.h>
#include <unistd.h>

#define WEIR_ACL_SOC_NAME "weir-cpu"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                   */
/* ------------------------------------------------------------------------ */

/* The worker count of device dev (valid id). */
static uint32_t weir_acl_workers(weir_runtime_t *rt, uint32_t dev)
{
	uint32_t n = 0;
	(void)weir_device_stats(rt, dev, NULL, &n);
	return n;
}

/* The host's last-level cache in bytes (0 when the C library does not know). */
static int64_t weir_acl_llc_bytes(void)
{
	long v = -1;
#ifdef _SC_LEVEL3_CACHE_SIZE
	v = sysconf(_SC_LEVEL3_CACHE_SIZE);
#endif
#ifdef _SC_LEVEL2_CACHE_SIZE
	if (v <= 0)
		v = sysconf(_SC_LEVEL2_CACHE_SIZE);
#endif
	return v > 0 ? (int64_t)v : 0;
}

static aclError weir_acl_dev_capacity(uint32_t dev, int64_t *out, const char *api)
{
	weir_mem_t *m = weir__acl_mem();
	weir_mem_stats_t s;
	int st = m ? weir_mem_info(m, dev, &s) : WEIR_ESTATE;
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "memory statistics");
	*out = (int64_t)s.capacity;
	return ACL_SUCCESS;
}

/* ------------------------------------------------------------------------ */
/* SoC name and CANN attributes (acl_base.h)                                 */
/* ------------------------------------------------------------------------ */

ACL_FUNC_VISIBILITY const char *aclrtGetSocName(void)
{
	return WEIR_ACL_SOC_NAME;
}

ACL_FUNC_VISIBILITY aclError aclrtCheckArchCompatibility(const char *socVersion,
                                                         int32_t *canCompatible)
{
	static const char api[] = "aclrtCheckArchCompatibility";
	if (!socVersion || !canCompatible)
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api, "%s is NULL",
		                      socVersion ? "canCompatible" : "socVersion");
	*canCompatible = strcmp(socVersion, WEIR_ACL_SOC_NAME) == 0 ? 1 : 0;
	return ACL_SUCCESS;
}

/* weir: IEEE inf/NaN float mode (the default), bfloat16 tensors, graphs
 * compiled in-process when loaded. */
static const aclCannAttr weir_acl_cann_attrs[] = { ACL_CANN_ATTR_INF_NAN, ACL_CANN_ATTR_BF16,
	                                           ACL_CANN_ATTR_JIT_COMPILE };

ACL_FUNC_VISIBILITY aclError aclGetCannAttributeList(const aclCannAttr **cannAttrList, size_t *num)
{
	if (!cannAttrList || !num)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, "aclGetCannAttributeList",
		                      "%s is NULL", cannAttrList ? "num" : "cannAttrList");
	*cannAttrList = weir_acl_cann_attrs;
	*num = sizeof(weir_acl_cann_attrs) / sizeof(weir_acl_cann_attrs[0]);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclGetCannAttribute(aclCannAttr cannAttr, int32_t *value)
{
	static const char api[] = "aclGetCannAttribute";
	if (!value)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "value is NULL");
	if ((int)cannAttr < (int)ACL_CANN_ATTR_INF_NAN ||
	    (int)cannAttr > (int)ACL_CANN_ATTR_JIT_COMPILE)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "unknown attribute %d",
		                      (int)cannAttr);
	*value = 1; /* every attribute ACL defines is available in weir */
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclGetDeviceCapability(uint32_t deviceId, aclDeviceInfo deviceInfo,
                                                    int64_t *value)
{
	static const char api[] = "aclGetDeviceCapability";
	if (!value)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "value is NULL");
	weir_runtime_t *rt = weir__acl_runtime();
	if (!rt)
		return weir__acl_fail(ACL_ERROR_UNINITIALIZE, api, "aclInit has not been called");
	uint32_t n = weir_runtime_device_count(rt);
	if (deviceId >= n)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "device id %u is out of range [0, %u)", deviceId, n);
	switch ((int)deviceInfo) {
	case ACL_DEVICE_INFO_AI_CORE_NUM:
	case ACL_DEVICE_INFO_VECTOR_CORE_NUM: *value = weir_acl_workers(rt, deviceId); break;
	case ACL_DEVICE_INFO_L2_SIZE: *value = weir_acl_llc_bytes(); break;
	default:
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "unknown device info %d",
		                      (int)deviceInfo);
	}
	return ACL_SUCCESS;
}

/* ------------------------------------------------------------------------ */
/* Device attributes and capabilities                                        */
/* ------------------------------------------------------------------------ */

ACL_FUNC_VISIBILITY aclError aclrtGetDeviceInfo(uint32_t deviceId, aclrtDevAttr attr,
                                                int64_t *value)
{
	static const char api[] = "aclrtGetDeviceInfo";
	if (!value)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "value is NULL");
	weir_runtime_t *rt = weir__acl_runtime();
	aclError rc =
	        weir__acl_device_check(rt, deviceId > INT32_MAX ? -1 : (int32_t)deviceId, api);
	if (rc != ACL_SUCCESS)
		return rc;
	switch ((int)attr) {
	case ACL_DEV_ATTR_AICPU_CORE_NUM: *value = 1; break; /* the host-callback thread */
	case ACL_DEV_ATTR_AICORE_CORE_NUM:
	case ACL_DEV_ATTR_CUBE_CORE_NUM:
	case ACL_DEV_ATTR_VECTOR_CORE_NUM: *value = weir_acl_workers(rt, deviceId); break;
	case ACL_DEV_ATTR_WARP_SIZE:
		*value = 1;
		break; /* a SIMT thread is one loop turn */
	/* What the SIMT launches accept (runtime/kernel.c): a block's threads
	 * run in one call, per dimension and in all at most this many. */
	case ACL_DEV_ATTR_MAX_THREAD_PER_VECTOR_CORE:
	case ACL_DEV_ATTR_MAX_THREADS_PER_BLOCK:
	case ACL_DEV_ATTR_MAX_BLOCK_DIM_X:
	case ACL_DEV_ATTR_MAX_BLOCK_DIM_Y:
	case ACL_DEV_ATTR_MAX_BLOCK_DIM_Z: *value = WEIR_ACL_SIMT_MAX_THREADS; break;
	/* A block's dynamic scratch, the launch's DYN_UBUF_SIZE bound. */
	case ACL_DEV_ATTR_UBUF_PER_VECTOR_CORE: *value = WEIR_ACL_DYN_UBUF_MAX; break;
	/* Blocks of a launch: at most 2^32 - 1 in all, in any grid shape. */
	case ACL_DEV_ATTR_MAX_GRID_DIM_X:
	case ACL_DEV_ATTR_MAX_GRID_DIM_Y:
	case ACL_DEV_ATTR_MAX_GRID_DIM_Z:
	case ACL_DEV_ATTR_MAX_BLOCK_PER_GRID: *value = UINT32_MAX; break;
	case ACL_DEV_ATTR_TOTAL_GLOBAL_MEM_SIZE: return weir_acl_dev_capacity(deviceId, value, api);
	case ACL_DEV_ATTR_L2_CACHE_SIZE: *value = weir_acl_llc_bytes(); break;
	case ACL_DEV_ATTR_SMP_ID: *value = 0; break; /* every device is in this process */
	case ACL_DEV_ATTR_PHY_CHIP_ID:
	case ACL_DEV_ATTR_SUPER_POD_DEVICE_ID: *value = deviceId; break;
	case ACL_DEV_ATTR_SUPER_POD_SERVER_ID:
	case ACL_DEV_ATTR_SUPER_POD_ID:
	case ACL_DEV_ATTR_MAINBOARD_ID:
	case ACL_DEV_ATTR_HD_CONNECT_TYPE:
	case ACL_DEV_ATTR_NPU_ARCH: *value = 0; break;
	case ACL_DEV_ATTR_CUST_OP_PRIVILEGE: *value = 1; break; /* kernels are host code */
	case ACL_DEV_ATTR_DEVICE_FORM_FACTOR: *value = ACL_DEVICE_FORM_FACTOR_PCIE_CARD; break;
	case ACL_DEV_ATTR_IS_VIRTUAL: *value = 1; break;
	default:
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api, "unknown attribute %d",
		                      (int)attr);
	}
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtGetDeviceCapability(int32_t deviceId,
                                                      aclrtDevFeatureType devFeatureType,
                                                      int32_t *value)
{
	static const char api[] = "aclrtGetDeviceCapability";
	if (!value)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "value is NULL");
	aclError rc = weir__acl_device_check(weir__acl_runtime(), deviceId, api);
	if (rc != ACL_SUCCESS)
		return rc;
	switch ((int)devFeatureType) {
	/* weir has no captured task lists to update (aclmdlRI* task update). */
	case ACL_FEATURE_TSCPU_TASK_UPDATE_SUPPORT_AIC_AIV: *value = 0; break;
	/* Event waits cross devices of one runtime (weir/sched.h). */
	case ACL_FEATURE_SYSTEM_MEMQ_EVENT_CROSS_DEV: *value = 1; break;
	default:
		return weir__acl_fail(ACL_ERROR_RT_PARAM_INVALID, api, "unknown feature %d",
		                      (int)devFeatureType);
	}
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtQueryDeviceStatus(int32_t deviceId,
                                                    aclrtDeviceStatus *deviceStatus)
{
	static const char api[] = "aclrtQueryDeviceStatus";
	if (!deviceStatus)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "deviceStatus is NULL");
	aclError rc = weir__acl_device_check(weir__acl_runtime(), deviceId, api);
	if (rc != ACL_SUCCESS)
		return rc;
	/* A virtual device has no hardware to fail: its workers run while the
	 * runtime lives. */
	*deviceStatus = ACL_RT_DEVICE_STATUS_NORMAL;
	return ACL_SUCCESS;
}

/* ------------------------------------------------------------------------ */
/* Utilization                                                               */
/* ------------------------------------------------------------------------ */

/* The previous sample per device, for the window of the next call. L. */
static struct weir_acl_util {
	uint64_t gen; /* runtime generation the sample belongs to */
	uint64_t busy, up;
} weir_acl_util[WEIR_MAX_DEVICES];

/* Busy share in percent of device dev's workers since the previous call. */
static int32_t weir_acl_busy_percent(weir_runtime_t *rt, uint32_t dev)
{
	weir_worker_stats_t ws[256];
	uint32_t n = sizeof(ws) / sizeof(ws[0]);
	uint64_t busy = 0, up = 0;
	if (weir_device_stats(rt, dev, ws, &n) != WEIR_OK)
		return 0;
	for (uint32_t i = 0; i < n && i < sizeof(ws) / sizeof(ws[0]); i++) {
		busy += ws[i].busy_ns;
		up += ws[i].up_ns;
	}
	uint64_t gen = weir__acl_generation();
	weir__acl_lock();
	struct weir_acl_util *u = &weir_acl_util[dev];
	if (u->gen != gen) {
		u->gen = gen;
		u->busy = u->up = 0;
	}
	uint64_t db = busy > u->busy ? busy - u->busy : 0;
	uint64_t du = up > u->up ? up - u->up : 0;
	u->busy = busy;
	u->up = up;
	weir__acl_unlock();
	if (du == 0)
		return 0;
	uint64_t pct = (db * 100 + du / 2) / du;
	return (int32_t)(pct > 100 ? 100 : pct);
}

ACL_FUNC_VISIBILITY aclError aclrtGetDeviceUtilizationRate(int32_t deviceId,
                                                           aclrtUtilizationInfo *utilizationInfo)
{
	static const char api[] = "aclrtGetDeviceUtilizationRate";
	if (!utilizationInfo)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "utilizationInfo is NULL");
	if (utilizationInfo->utilizationExtend)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "utilizationExtend is reserved and must be NULL");
	weir_runtime_t *rt = weir__acl_runtime();
	aclError rc = weir__acl_device_check(rt, deviceId, api);
	if (rc != ACL_SUCCESS)
		return rc;
	int64_t cap = 0;
	weir_mem_stats_t s;
	weir_mem_t *m = weir__acl_mem();
	int st = m ? weir_mem_info(m, (uint32_t)deviceId, &s) : WEIR_ESTATE;
	if (st != WEIR_OK)
		return weir__acl_fail_weir(st, api, "memory statistics");
	cap = (int64_t)s.capacity;
	int32_t busy = weir_acl_busy_percent(rt, (uint32_t)deviceId);
	utilizationInfo->cubeUtilization = busy;
	utilizationInfo->vectorUtilization = busy;
	utilizationInfo->aicpuUtilization = 0;
	utilizationInfo->memoryUtilization =
	        cap > 0 ? (int32_t)(((uint64_t)s.in_use * 100 + (uint64_t)cap / 2) / (uint64_t)cap)
	                : 0;
	return ACL_SUCCESS;
}
