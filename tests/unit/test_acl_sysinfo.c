/*
 * test_acl_sysinfo.c - acl_rt.h "System information", "Resource limits",
 * "Peer access", "Overflow and saturation" and acl_base.h's system info:
 * values derived from the runtime's configuration, core limits observed by
 * a kernel (the most blocks inside at once, no timing), peer copies, the
 * overflow status written by a stream task, and every bad-input row with
 * ACL's code (docs/acl.md, section C).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "acl/acl.h"
#include "acl/weir_acl.h"
#include "base/atomic.h"

#define NDEV    4
#define WORKERS 3

static int setup(void **state)
{
	(void)state;
	setenv("WEIR_NO_PIN", "1", 1);
	setenv("WEIR_DEVICES", "4", 1);
	setenv("WEIR_WORKERS", "3", 1);
	if (aclInit(NULL) != ACL_SUCCESS)
		return -1;
	return aclrtSetDevice(0) == ACL_SUCCESS ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return aclFinalize() == ACL_SUCCESS ? 0 : -1;
}

/* ------------------------------------------------------------------------ */
/* Kernels launched on an aclrtStream (weir_session_acl_stream)              */
/* ------------------------------------------------------------------------ */

struct conc {
	_Atomic uint32_t inside, most, done;
};

static int k_conc(void *args, uint32_t block, uint32_t nblocks)
{
	struct conc *c = *(struct conc **)args;
	(void)block;
	(void)nblocks;
	uint32_t now = weir_faa_relaxed(&c->inside, 1) + 1;
	uint32_t m = weir_load_relaxed(&c->most);
	while (now > m && !weir_cas_relaxed(&c->most, &m, now))
		;
	struct timespec ts = { 0, 2000000 };
	nanosleep(&ts, NULL);
	weir_fas_relaxed(&c->inside, 1);
	weir_faa_relaxed(&c->done, 1);
	return 0;
}

static weir_stream_t *native(aclrtStream s)
{
	weir_stream_t *w = NULL;
	assert_int_equal(weir_session_acl_stream(s, &w), WEIR_OK);
	return w;
}

/* The most blocks of one 18-block kernel inside at once on stream s. */
static uint32_t most_inside(aclrtStream s)
{
	struct conc *c = calloc(1, sizeof(*c));
	assert_non_null(c);
	assert_int_equal(weir_launch(native(s), k_conc, &c, sizeof(c), 18, 0), WEIR_OK);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	assert_int_equal(weir_load_relaxed(&c->done), 18);
	uint32_t m = weir_load_relaxed(&c->most);
	free(c);
	return m;
}

static int k_overflow(void *args, uint32_t block, uint32_t nblocks)
{
	(void)args;
	(void)block;
	(void)nblocks;
	weir_kernel_report_overflow();
	return 0;
}

static int k_spin(void *args, uint32_t block, uint32_t nblocks)
{
	(void)args;
	(void)block;
	(void)nblocks;
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do
		clock_gettime(CLOCK_MONOTONIC, &t);
	while ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < 30000000L);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* System information                                                        */
/* ------------------------------------------------------------------------ */

static void test_soc_and_cann(void **state)
{
	(void)state;
	const char *soc = aclrtGetSocName();
	assert_non_null(soc);
	assert_string_equal(soc, "weir-cpu");
	int32_t ok = -1;
	assert_int_equal(aclrtCheckArchCompatibility(soc, &ok), ACL_SUCCESS);
	assert_int_equal(ok, 1);
	assert_int_equal(aclrtCheckArchCompatibility("Ascend910B1", &ok), ACL_SUCCESS);
	assert_int_equal(ok, 0);
	assert_int_equal(aclrtCheckArchCompatibility(NULL, &ok), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtCheckArchCompatibility(soc, NULL), ACL_ERROR_RT_PARAM_INVALID);

	const aclCannAttr *list = NULL;
	size_t n = 0;
	assert_int_equal(aclGetCannAttributeList(&list, &n), ACL_SUCCESS);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		int32_t v = -1;
		assert_int_equal(aclGetCannAttribute(list[i], &v), ACL_SUCCESS);
		assert_int_equal(v, 1);
	}
	int32_t v;
	assert_int_equal(aclGetCannAttributeList(NULL, &n), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclGetCannAttributeList(&list, NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclGetCannAttribute(ACL_CANN_ATTR_BF16, NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclGetCannAttribute(ACL_CANN_ATTR_UNDEFINED, &v), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclGetCannAttribute((aclCannAttr)3, &v), ACL_ERROR_INVALID_PARAM);

	int64_t c = 0;
	assert_int_equal(aclGetDeviceCapability(1, ACL_DEVICE_INFO_AI_CORE_NUM, &c), ACL_SUCCESS);
	assert_int_equal(c, WORKERS);
	assert_int_equal(aclGetDeviceCapability(1, ACL_DEVICE_INFO_VECTOR_CORE_NUM, &c),
	                 ACL_SUCCESS);
	assert_int_equal(c, WORKERS);
	assert_int_equal(aclGetDeviceCapability(0, ACL_DEVICE_INFO_L2_SIZE, &c), ACL_SUCCESS);
	assert_true(c >= 0);
	assert_int_equal(aclGetDeviceCapability(NDEV, ACL_DEVICE_INFO_L2_SIZE, &c),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclGetDeviceCapability(0, ACL_DEVICE_INFO_UNDEFINED, &c),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclGetDeviceCapability(0, (aclDeviceInfo)3, &c), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclGetDeviceCapability(0, ACL_DEVICE_INFO_L2_SIZE, NULL),
	                 ACL_ERROR_INVALID_PARAM);
}

static void test_device_info(void **state)
{
	(void)state;
	static const aclrtDevAttr all[] = {
		ACL_DEV_ATTR_AICPU_CORE_NUM,
		ACL_DEV_ATTR_AICORE_CORE_NUM,
		ACL_DEV_ATTR_CUBE_CORE_NUM,
		ACL_DEV_ATTR_VECTOR_CORE_NUM,
		ACL_DEV_ATTR_WARP_SIZE,
		ACL_DEV_ATTR_MAX_THREAD_PER_VECTOR_CORE,
		ACL_DEV_ATTR_UBUF_PER_VECTOR_CORE,
		ACL_DEV_ATTR_MAX_GRID_DIM_X,
		ACL_DEV_ATTR_MAX_GRID_DIM_Y,
		ACL_DEV_ATTR_MAX_GRID_DIM_Z,
		ACL_DEV_ATTR_MAX_BLOCK_PER_GRID,
		ACL_DEV_ATTR_MAX_THREADS_PER_BLOCK,
		ACL_DEV_ATTR_MAX_BLOCK_DIM_X,
		ACL_DEV_ATTR_MAX_BLOCK_DIM_Y,
		ACL_DEV_ATTR_MAX_BLOCK_DIM_Z,
		ACL_DEV_ATTR_TOTAL_GLOBAL_MEM_SIZE,
		ACL_DEV_ATTR_L2_CACHE_SIZE,
		ACL_DEV_ATTR_SMP_ID,
		ACL_DEV_ATTR_PHY_CHIP_ID,
		ACL_DEV_ATTR_SUPER_POD_DEVICE_ID,
		ACL_DEV_ATTR_SUPER_POD_SERVER_ID,
		ACL_DEV_ATTR_SUPER_POD_ID,
		ACL_DEV_ATTR_CUST_OP_PRIVILEGE,
		ACL_DEV_ATTR_MAINBOARD_ID,
		ACL_DEV_ATTR_HD_CONNECT_TYPE,
		ACL_DEV_ATTR_DEVICE_FORM_FACTOR,
		ACL_DEV_ATTR_IS_VIRTUAL,
		ACL_DEV_ATTR_NPU_ARCH,
	};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		int64_t v = -7;
		assert_int_equal(aclrtGetDeviceInfo(2, all[i], &v), ACL_SUCCESS);
		assert_true(v >= 0);
	}
	int64_t v;
	/* The SIMT launch limits of runtime/kernel.c, not 1. */
	assert_int_equal(aclrtGetDeviceInfo(2, ACL_DEV_ATTR_MAX_THREADS_PER_BLOCK, &v),
	                 ACL_SUCCESS);
	assert_int_equal(v, 2048);
	assert_int_equal(aclrtGetDeviceInfo(2, ACL_DEV_ATTR_MAX_BLOCK_DIM_Z, &v), ACL_SUCCESS);
	assert_int_equal(v, 2048);
	assert_int_equal(aclrtGetDeviceInfo(2, ACL_DEV_ATTR_UBUF_PER_VECTOR_CORE, &v), ACL_SUCCESS);
	assert_int_equal(v, 64 * 1024 * 1024);
	assert_int_equal(aclrtGetDeviceInfo(2, ACL_DEV_ATTR_VECTOR_CORE_NUM, &v), ACL_SUCCESS);
	assert_int_equal(v, WORKERS);
	assert_int_equal(aclrtGetDeviceInfo(2, ACL_DEV_ATTR_CUBE_CORE_NUM, &v), ACL_SUCCESS);
	assert_int_equal(v, WORKERS);
	assert_int_equal(aclrtGetDeviceInfo(3, ACL_DEV_ATTR_PHY_CHIP_ID, &v), ACL_SUCCESS);
	assert_int_equal(v, 3);
	size_t fr, total;
	assert_int_equal(aclrtGetMemInfo(ACL_HBM_MEM, &fr, &total), ACL_SUCCESS); /* device 0 */
	assert_int_equal(aclrtGetDeviceInfo(0, ACL_DEV_ATTR_TOTAL_GLOBAL_MEM_SIZE, &v),
	                 ACL_SUCCESS);
	assert_int_equal((size_t)v, total);
	/* Bad input. */
	assert_int_equal(aclrtGetDeviceInfo(0, ACL_DEV_ATTR_AICPU_CORE_NUM, NULL),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtGetDeviceInfo(NDEV, ACL_DEV_ATTR_AICPU_CORE_NUM, &v),
	                 ACL_ERROR_RT_INVALID_DEVICEID);
	assert_int_equal(aclrtGetDeviceInfo(UINT32_MAX, ACL_DEV_ATTR_AICPU_CORE_NUM, &v),
	                 ACL_ERROR_RT_INVALID_DEVICEID);
	assert_int_equal(aclrtGetDeviceInfo(0, (aclrtDevAttr)0, &v), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtGetDeviceInfo(0, (aclrtDevAttr)999, &v), ACL_ERROR_RT_PARAM_INVALID);

	int32_t cap = -1;
	assert_int_equal(
	        aclrtGetDeviceCapability(0, ACL_FEATURE_TSCPU_TASK_UPDATE_SUPPORT_AIC_AIV, &cap),
	        ACL_SUCCESS);
	assert_int_equal(cap, 0);
	assert_int_equal(aclrtGetDeviceCapability(1, ACL_FEATURE_SYSTEM_MEMQ_EVENT_CROSS_DEV, &cap),
	                 ACL_SUCCESS);
	assert_int_equal(cap, 1);
	assert_int_equal(aclrtGetDeviceCapability(0, (aclrtDevFeatureType)2, &cap),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(
	        aclrtGetDeviceCapability(-1, ACL_FEATURE_SYSTEM_MEMQ_EVENT_CROSS_DEV, &cap),
	        ACL_ERROR_RT_INVALID_DEVICEID);
	assert_int_equal(aclrtGetDeviceCapability(0, ACL_FEATURE_SYSTEM_MEMQ_EVENT_CROSS_DEV, NULL),
	                 ACL_ERROR_INVALID_PARAM);

	aclrtDeviceStatus ds = ACL_RT_DEVICE_STATUS_END;
	assert_int_equal(aclrtQueryDeviceStatus(1, &ds), ACL_SUCCESS);
	assert_int_equal(ds, ACL_RT_DEVICE_STATUS_NORMAL);
	assert_int_equal(aclrtQueryDeviceStatus(NDEV, &ds), ACL_ERROR_RT_INVALID_DEVICEID);
	assert_int_equal(aclrtQueryDeviceStatus(0, NULL), ACL_ERROR_INVALID_PARAM);
}

static void test_utilization(void **state)
{
	(void)state;
	aclrtUtilizationInfo u;
	memset(&u, 0, sizeof(u));
	assert_int_equal(aclrtGetDeviceUtilizationRate(0, &u), ACL_SUCCESS); /* starts a window */
	aclrtStream s;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(weir_launch(native(s), k_spin, NULL, 0, WORKERS, 0), WEIR_OK);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtGetDeviceUtilizationRate(0, &u), ACL_SUCCESS);
	/* The window held 3 x 30 ms of kernel work on 3 workers: not idle. */
	assert_true(u.vectorUtilization > 0 && u.vectorUtilization <= 100);
	assert_int_equal(u.cubeUtilization, u.vectorUtilization);
	assert_int_equal(u.aicpuUtilization, 0);
	assert_in_range(u.memoryUtilization, 0, 100);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
	/* Bad input. */
	assert_int_equal(aclrtGetDeviceUtilizationRate(0, NULL), ACL_ERROR_INVALID_PARAM);
	u.utilizationExtend = (aclrtUtilizationExtendInfo *)&u;
	assert_int_equal(aclrtGetDeviceUtilizationRate(0, &u), ACL_ERROR_INVALID_PARAM);
	u.utilizationExtend = NULL;
	assert_int_equal(aclrtGetDeviceUtilizationRate(NDEV, &u), ACL_ERROR_RT_INVALID_DEVICEID);
}

static void test_before_init(void **state)
{
	(void)state;
	int64_t v;
	uint32_t u;
	assert_int_equal(aclrtGetDeviceInfo(0, ACL_DEV_ATTR_AICPU_CORE_NUM, &v),
	                 ACL_ERROR_UNINITIALIZE);
	assert_int_equal(aclrtGetDeviceResLimit(0, ACL_RT_DEV_RES_CUBE_CORE, &u),
	                 ACL_ERROR_UNINITIALIZE);
	assert_int_equal(aclGetDeviceCapability(0, ACL_DEVICE_INFO_AI_CORE_NUM, &v),
	                 ACL_ERROR_UNINITIALIZE);
	assert_non_null(aclrtGetSocName());
}

/* ------------------------------------------------------------------------ */
/* Resource limits                                                           */
/* ------------------------------------------------------------------------ */

static void test_device_res_limit(void **state)
{
	(void)state;
	uint32_t v = 0;
	assert_int_equal(aclrtGetDeviceResLimit(0, ACL_RT_DEV_RES_CUBE_CORE, &v), ACL_SUCCESS);
	assert_int_equal(v, WORKERS); /* no limit: the hardware's */
	aclrtStream s;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_in_range(most_inside(s), 1, WORKERS);
	assert_int_equal(aclrtSetDeviceResLimit(0, ACL_RT_DEV_RES_VECTOR_CORE, 1), ACL_SUCCESS);
	assert_int_equal(aclrtGetDeviceResLimit(0, ACL_RT_DEV_RES_VECTOR_CORE, &v), ACL_SUCCESS);
	assert_int_equal(v, 1);
	assert_int_equal(aclrtGetDeviceResLimit(0, ACL_RT_DEV_RES_CUBE_CORE, &v), ACL_SUCCESS);
	assert_int_equal(v, WORKERS);
	for (int i = 0; i < 3; i++)
		assert_int_equal(most_inside(s), 1);
	assert_int_equal(aclrtSetDeviceResLimit(0, ACL_RT_DEV_RES_VECTOR_CORE, 2), ACL_SUCCESS);
	for (int i = 0; i < 3; i++)
		assert_in_range(most_inside(s), 1, 2);
	/* Above the core count: kept, capped at the workers (docs/acl.md). */
	assert_int_equal(aclrtSetDeviceResLimit(0, ACL_RT_DEV_RES_CUBE_CORE, 8), ACL_SUCCESS);
	assert_int_equal(aclrtGetDeviceResLimit(0, ACL_RT_DEV_RES_CUBE_CORE, &v), ACL_SUCCESS);
	assert_int_equal(v, 8);
	assert_int_equal(aclrtResetDeviceResLimit(0), ACL_SUCCESS);
	assert_int_equal(aclrtGetDeviceResLimit(0, ACL_RT_DEV_RES_VECTOR_CORE, &v), ACL_SUCCESS);
	assert_int_equal(v, WORKERS);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
	/* Bad input. */
	assert_int_equal(aclrtGetDeviceResLimit(0, ACL_RT_DEV_RES_CUBE_CORE, NULL),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtGetDeviceResLimit(0, (aclrtDevResLimitType)2, &v),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtGetDeviceResLimit(NDEV, ACL_RT_DEV_RES_CUBE_CORE, &v),
	                 ACL_ERROR_RT_INVALID_DEVICEID);
	assert_int_equal(aclrtSetDeviceResLimit(0, (aclrtDevResLimitType)-1, 1),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtSetDeviceResLimit(0, ACL_RT_DEV_RES_CUBE_CORE, 0),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtSetDeviceResLimit(-1, ACL_RT_DEV_RES_CUBE_CORE, 1),
	                 ACL_ERROR_RT_INVALID_DEVICEID);
	assert_int_equal(aclrtResetDeviceResLimit(NDEV), ACL_ERROR_RT_INVALID_DEVICEID);
}

struct noctx {
	aclError get, use;
};
static void *noctx_thread(void *arg)
{
	struct noctx *r = arg;
	uint32_t v;
	r->get = aclrtGetResInCurrentThread(ACL_RT_DEV_RES_CUBE_CORE, &v);
	r->use = aclrtUseStreamResInCurrentThread(NULL);
	return NULL;
}

static void test_stream_res_limit(void **state)
{
	(void)state;
	aclrtStream s, t;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	assert_int_equal(aclrtCreateStream(&t), ACL_SUCCESS);
	uint32_t v = 0;
	assert_int_equal(aclrtSetDeviceResLimit(0, ACL_RT_DEV_RES_VECTOR_CORE, 2), ACL_SUCCESS);
	assert_int_equal(aclrtGetStreamResLimit(s, ACL_RT_DEV_RES_VECTOR_CORE, &v), ACL_SUCCESS);
	assert_int_equal(v, 2); /* none on the stream: the device's */
	assert_int_equal(aclrtSetStreamResLimit(s, ACL_RT_DEV_RES_CUBE_CORE, 1), ACL_SUCCESS);
	assert_int_equal(aclrtGetStreamResLimit(s, ACL_RT_DEV_RES_CUBE_CORE, &v), ACL_SUCCESS);
	assert_int_equal(v, 1);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(most_inside(s), 1);
		assert_in_range(most_inside(t), 1, 2);
	}
	/* The stream's limit overrides the device's, upwards too. */
	assert_int_equal(aclrtSetStreamResLimit(s, ACL_RT_DEV_RES_CUBE_CORE, 3), ACL_SUCCESS);
	assert_int_equal(aclrtSetStreamResLimit(s, ACL_RT_DEV_RES_VECTOR_CORE, 3), ACL_SUCCESS);
	assert_in_range(most_inside(s), 1, 3);

	/* The thread's view. */
	assert_int_equal(aclrtGetResInCurrentThread(ACL_RT_DEV_RES_VECTOR_CORE, &v), ACL_SUCCESS);
	assert_int_equal(v, 2); /* no stream chosen: the current device's */
	assert_int_equal(aclrtSetStreamResLimit(s, ACL_RT_DEV_RES_VECTOR_CORE, 1), ACL_SUCCESS);
	assert_int_equal(aclrtUseStreamResInCurrentThread(s), ACL_SUCCESS);
	assert_int_equal(aclrtGetResInCurrentThread(ACL_RT_DEV_RES_VECTOR_CORE, &v), ACL_SUCCESS);
	assert_int_equal(v, 1);
	assert_int_equal(aclrtUnuseStreamResInCurrentThread(t), ACL_SUCCESS); /* not chosen */
	assert_int_equal(aclrtGetResInCurrentThread(ACL_RT_DEV_RES_VECTOR_CORE, &v), ACL_SUCCESS);
	assert_int_equal(v, 1);
	assert_int_equal(aclrtResetStreamResLimit(s), ACL_SUCCESS);
	assert_int_equal(aclrtGetResInCurrentThread(ACL_RT_DEV_RES_VECTOR_CORE, &v), ACL_SUCCESS);
	assert_int_equal(v, 2); /* the chosen stream has none: the device's */
	assert_int_equal(aclrtUnuseStreamResInCurrentThread(s), ACL_SUCCESS);

	/* NULL: the default stream. */
	assert_int_equal(aclrtSetStreamResLimit(NULL, ACL_RT_DEV_RES_CUBE_CORE, 1), ACL_SUCCESS);
	assert_int_equal(aclrtGetStreamResLimit(NULL, ACL_RT_DEV_RES_CUBE_CORE, &v), ACL_SUCCESS);
	assert_int_equal(v, 1);
	assert_int_equal(aclrtResetStreamResLimit(NULL), ACL_SUCCESS);
	assert_int_equal(aclrtGetStreamResLimit(NULL, ACL_RT_DEV_RES_CUBE_CORE, &v), ACL_SUCCESS);
	assert_int_equal(v, WORKERS);

	/* Bad input. */
	assert_int_equal(aclrtGetStreamResLimit(s, ACL_RT_DEV_RES_CUBE_CORE, NULL),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtGetStreamResLimit(s, (aclrtDevResLimitType)2, &v),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtSetStreamResLimit(s, (aclrtDevResLimitType)2, 1),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtSetStreamResLimit(s, ACL_RT_DEV_RES_CUBE_CORE, 0),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtGetResInCurrentThread(ACL_RT_DEV_RES_CUBE_CORE, NULL),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtGetResInCurrentThread((aclrtDevResLimitType)5, &v),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtDestroyStream(t), ACL_SUCCESS);
	assert_int_equal(aclrtSetStreamResLimit(t, ACL_RT_DEV_RES_CUBE_CORE, 1),
	                 ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtGetStreamResLimit(t, ACL_RT_DEV_RES_CUBE_CORE, &v),
	                 ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtResetStreamResLimit(t), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtUseStreamResInCurrentThread(t), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtUnuseStreamResInCurrentThread(t), ACL_ERROR_RT_INVALID_HANDLE);
	/* A thread without a context. */
	struct noctx r;
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, noctx_thread, &r), 0);
	pthread_join(th, NULL);
	assert_int_equal(r.get, ACL_ERROR_RT_CONTEXT_NULL);
	assert_int_equal(r.use, ACL_ERROR_RT_CONTEXT_NULL);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
}

/* ------------------------------------------------------------------------ */
/* Peer access                                                               */
/* ------------------------------------------------------------------------ */

static void test_peer_access(void **state)
{
	(void)state;
	int32_t can = -1;
	assert_int_equal(aclrtDeviceCanAccessPeer(&can, 0, 1), ACL_SUCCESS);
	assert_int_equal(can, 1);
	assert_int_equal(aclrtDeviceCanAccessPeer(&can, 1, 1), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtDeviceCanAccessPeer(&can, 0, NDEV), ACL_ERROR_RT_INVALID_DEVICEID);
	assert_int_equal(aclrtDeviceCanAccessPeer(&can, -1, 0), ACL_ERROR_RT_INVALID_DEVICEID);
	assert_int_equal(aclrtDeviceCanAccessPeer(NULL, 0, 1), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtDeviceEnablePeerAccess(1, 1), ACL_ERROR_FEATURE_UNSUPPORTED);
	assert_int_equal(aclrtDeviceEnablePeerAccess(0, 0), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtDeviceEnablePeerAccess(NDEV, 0), ACL_ERROR_RT_INVALID_DEVICEID);
	assert_int_equal(aclrtDeviceDisablePeerAccess(0), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtDeviceDisablePeerAccess(-3), ACL_ERROR_RT_INVALID_DEVICEID);

	void *d0, *d1, *d0b;
	assert_int_equal(aclrtMalloc(&d0, 256, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
	assert_int_equal(aclrtMalloc(&d0b, 256, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
	assert_int_equal(aclrtMemset(d0, 256, 0x5A, 256), ACL_SUCCESS);
	assert_int_equal(aclrtSetDevice(1), ACL_SUCCESS);
	assert_int_equal(aclrtMalloc(&d1, 256, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
	/* Same device: no enable needed. */
	assert_int_equal(aclrtMemcpy(d0b, 256, d0, 256, ACL_MEMCPY_DEVICE_TO_DEVICE), ACL_SUCCESS);
	/* 0 -> 1 needs device 0's enable of 1. */
	assert_int_equal(aclrtMemcpy(d1, 256, d0, 256, ACL_MEMCPY_DEVICE_TO_DEVICE),
	                 ACL_ERROR_RT_NO_PERMISSION);
	assert_int_equal(aclrtMemcpyAsync(d1, 256, d0, 256, ACL_MEMCPY_DEVICE_TO_DEVICE, NULL),
	                 ACL_ERROR_RT_NO_PERMISSION);
	assert_int_equal(aclrtDeviceEnablePeerAccess(0, 0), ACL_SUCCESS); /* device 1 -> 0 */
	int32_t st = -1;
	assert_int_equal(aclrtDevicePeerAccessStatus(1, 0, &st), ACL_SUCCESS);
	assert_int_equal(st, 1);
	assert_int_equal(aclrtDevicePeerAccessStatus(0, 1, &st), ACL_SUCCESS);
	assert_int_equal(st, 0);
	assert_int_equal(aclrtMemcpy(d1, 256, d0, 256, ACL_MEMCPY_DEVICE_TO_DEVICE),
	                 ACL_ERROR_RT_NO_PERMISSION); /* still the wrong direction */
	assert_int_equal(aclrtMemcpy(d0, 256, d1, 256, ACL_MEMCPY_DEVICE_TO_DEVICE), ACL_SUCCESS);
	assert_int_equal(aclrtSetDevice(0), ACL_SUCCESS);
	assert_int_equal(aclrtMemset(d0, 256, 0x5A, 256), ACL_SUCCESS);
	assert_int_equal(aclrtDeviceEnablePeerAccess(1, 0), ACL_SUCCESS);
	assert_int_equal(aclrtDeviceEnablePeerAccess(1, 0), ACL_SUCCESS); /* again: a no-op */
	assert_int_equal(aclrtMemcpy(d1, 256, d0, 256, ACL_MEMCPY_DEVICE_TO_DEVICE), ACL_SUCCESS);
	assert_int_equal(aclrtMemcpyAsync(d1, 256, d0, 256, ACL_MEMCPY_DEFAULT, NULL), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(NULL), ACL_SUCCESS);
	unsigned char h[256];
	assert_int_equal(aclrtMemcpy(h, 256, d1, 256, ACL_MEMCPY_DEVICE_TO_HOST), ACL_SUCCESS);
	for (int i = 0; i < 256; i++)
		assert_int_equal(h[i], 0x5A);
	assert_int_equal(aclrtDeviceDisablePeerAccess(1), ACL_SUCCESS);
	assert_int_equal(aclrtDeviceDisablePeerAccess(1), ACL_SUCCESS); /* not enabled: a no-op */
	assert_int_equal(aclrtMemcpy(d1, 256, d0, 256, ACL_MEMCPY_DEVICE_TO_DEVICE),
	                 ACL_ERROR_RT_NO_PERMISSION);
	assert_int_equal(aclrtDevicePeerAccessStatus(0, 1, NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtDevicePeerAccessStatus(0, NDEV, &st), ACL_ERROR_RT_INVALID_DEVICEID);
	assert_int_equal(aclrtFree(d0), ACL_SUCCESS);
	assert_int_equal(aclrtFree(d0b), ACL_SUCCESS);
	assert_int_equal(aclrtFree(d1), ACL_SUCCESS);
}

/* A new runtime starts with no peer enabled. */
static void test_peer_reset_by_finalize(void **state)
{
	(void)state;
	assert_int_equal(aclrtDeviceEnablePeerAccess(2, 0), ACL_SUCCESS);
	int32_t st = 0;
	assert_int_equal(aclrtDevicePeerAccessStatus(0, 2, &st), ACL_SUCCESS);
	assert_int_equal(st, 1);
	assert_int_equal(aclFinalize(), ACL_SUCCESS);
	assert_int_equal(setup(NULL), 0);
	assert_int_equal(aclrtDevicePeerAccessStatus(0, 2, &st), ACL_SUCCESS);
	assert_int_equal(st, 0);
}

/* ------------------------------------------------------------------------ */
/* Overflow and saturation                                                   */
/* ------------------------------------------------------------------------ */

static uint32_t read_status(aclrtStream s, void *dev)
{
	unsigned char h[64];
	memset(h, 0xEE, sizeof(h));
	assert_int_equal(aclrtGetOverflowStatus(dev, 64, s), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	assert_int_equal(aclrtMemcpy(h, 64, dev, 64, ACL_MEMCPY_DEVICE_TO_HOST), ACL_SUCCESS);
	for (int i = 4; i < 64; i++)
		assert_int_equal(h[i], 0);
	uint32_t v;
	memcpy(&v, h, 4);
	return v;
}

static void test_overflow(void **state)
{
	(void)state;
	aclrtFloatOverflowMode m = ACL_RT_OVERFLOW_MODE_UNDEF;
	assert_int_equal(aclrtGetDeviceSatMode(&m), ACL_SUCCESS);
	assert_int_equal(m, ACL_RT_OVERFLOW_MODE_INFNAN);
	assert_int_equal(aclrtSetDeviceSatMode(ACL_RT_OVERFLOW_MODE_SATURATION), ACL_SUCCESS);
	assert_int_equal(aclrtGetDeviceSatMode(&m), ACL_SUCCESS);
	assert_int_equal(m, ACL_RT_OVERFLOW_MODE_SATURATION);
	aclrtStream s;
	assert_int_equal(aclrtCreateStream(&s), ACL_SUCCESS);
	int wm = -1;
	assert_int_equal(weir_stream_float_mode(native(s), &wm), WEIR_OK);
	assert_int_equal(wm, WEIR_FLOAT_SATURATION);
	assert_int_equal(aclrtSetDeviceSatMode(ACL_RT_OVERFLOW_MODE_INFNAN), ACL_SUCCESS);

	uint32_t sw = 7;
	assert_int_equal(aclrtGetStreamOverflowSwitch(s, &sw), ACL_SUCCESS);
	assert_int_equal(sw, 0);
	assert_int_equal(aclrtSetStreamOverflowSwitch(s, 1), ACL_SUCCESS);
	assert_int_equal(aclrtGetStreamOverflowSwitch(s, &sw), ACL_SUCCESS);
	assert_int_equal(sw, 1);
	/* The stream attribute is the same switch. */
	aclrtStreamAttrValue av;
	memset(&av, 0, sizeof(av));
	assert_int_equal(aclrtGetStreamAttribute(s, ACL_STREAM_ATTR_FLOAT_OVERFLOW_CHECK, &av),
	                 ACL_SUCCESS);
	assert_int_equal(av.overflowSwitch, 1);
	av.overflowSwitch = 0;
	assert_int_equal(aclrtSetStreamAttribute(s, ACL_STREAM_ATTR_FLOAT_OVERFLOW_CHECK, &av),
	                 ACL_SUCCESS);
	assert_int_equal(aclrtGetStreamOverflowSwitch(s, &sw), ACL_SUCCESS);
	assert_int_equal(sw, 0);

	void *dev;
	assert_int_equal(aclrtMalloc(&dev, 64, ACL_MEM_MALLOC_HUGE_FIRST), ACL_SUCCESS);
	assert_int_equal(read_status(s, dev), 0);
	/* Switch off: a kernel's report does not count. */
	assert_int_equal(weir_launch(native(s), k_overflow, NULL, 0, 2, 0), WEIR_OK);
	assert_int_equal(read_status(s, dev), 0);
	av.overflowSwitch = 1;
	assert_int_equal(aclrtSetStreamAttribute(s, ACL_STREAM_ATTR_FLOAT_OVERFLOW_CHECK, &av),
	                 ACL_SUCCESS);
	assert_int_equal(weir_launch(native(s), k_overflow, NULL, 0, 2, 0), WEIR_OK);
	assert_int_equal(read_status(s, dev), 1);
	/* Another stream of the device sees the same status; reset is async. */
	aclrtStream t;
	assert_int_equal(aclrtCreateStream(&t), ACL_SUCCESS);
	assert_int_equal(read_status(t, dev), 1);
	assert_int_equal(aclrtResetOverflowStatus(t), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(t), ACL_SUCCESS);
	assert_int_equal(read_status(s, dev), 0);
	assert_int_equal(weir_launch(native(s), k_overflow, NULL, 0, 1, 0), WEIR_OK);
	assert_int_equal(aclrtGetFloatOverflowStatus(dev, 64, s), ACL_SUCCESS);
	assert_int_equal(aclrtSynchronizeStream(s), ACL_SUCCESS);
	uint32_t v = 0;
	assert_int_equal(aclrtMemcpy(&v, 4, dev, 4, ACL_MEMCPY_DEVICE_TO_HOST), ACL_SUCCESS);
	assert_int_equal(v, 1);
	assert_int_equal(aclrtResetFloatOverflowStatus(s), ACL_SUCCESS);
	assert_int_equal(read_status(s, dev), 0);

	/* Bad input. */
	assert_int_equal(aclrtSetDeviceSatMode(ACL_RT_OVERFLOW_MODE_UNDEF),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtSetDeviceSatMode((aclrtFloatOverflowMode)-1),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtGetDeviceSatMode(NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtSetStreamOverflowSwitch(s, 2), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtGetStreamOverflowSwitch(s, NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtGetOverflowStatus(NULL, 64, s), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(aclrtGetOverflowStatus(dev, 32, s), ACL_ERROR_RT_PARAM_INVALID);
	unsigned char host[64];
	assert_int_equal(aclrtGetOverflowStatus(host, 64, s), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(aclrtGetOverflowStatus((char *)dev + 64, 64, s),
	                 ACL_ERROR_RT_PARAM_INVALID); /* runs past the allocation */
	assert_int_equal(aclrtDestroyStream(t), ACL_SUCCESS);
	assert_int_equal(aclrtSetStreamOverflowSwitch(t, 1), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtGetStreamOverflowSwitch(t, &sw), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtGetOverflowStatus(dev, 64, t), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtResetOverflowStatus(t), ACL_ERROR_RT_INVALID_HANDLE);
	assert_int_equal(aclrtFree(dev), ACL_SUCCESS);
	assert_int_equal(aclrtDestroyStream(s), ACL_SUCCESS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_before_init),
		cmocka_unit_test_setup_teardown(test_soc_and_cann, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_info, setup, teardown),
		cmocka_unit_test_setup_teardown(test_utilization, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_res_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stream_res_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_access, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_reset_by_finalize, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overflow, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
