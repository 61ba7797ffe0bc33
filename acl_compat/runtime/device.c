/*
 * acl_compat/runtime/device.c - devices: aclrtSetDevice / aclrtResetDevice
 * reference counts and each device's default (primary) context, the
 * configured default device, device queries and device synchronization.
 * Contexts themselves (and the thread's current context) are
 * runtime/context.c's; this file creates and retires the default ones
 * through weir__acl_ctx_*, and supplies the current context's two device
 * rules (weir__acl_device_implicit, weir__acl_device_fallback_current).
 */
#include "acl_compat/acl_internal.h"
#include "acl_compat/acl_state.h"
#include "base/atomic.h"

struct weir_acl_dev {
	uint64_t refs;             /* L: aclrtSetDevice count */
	struct weir_acl_ctx *dctx; /* L: the default context while refs > 0 */
};

static struct weir_acl_dev weir_acl_devs[WEIR_MAX_DEVICES]; /* L */
/* A: relaxed - set by aclInit before any thread can use it (init happens
 * before, through the runtime publication R1/A1). */
static _Atomic int32_t weir_acl_default_dev = -1;

/* Per-thread state. */
static _Thread_local int32_t weir_acl_last_set_dev = -1;
static _Thread_local bool weir_acl_implicit_done;

void weir__acl_set_default_device(int32_t dev)
{
	weir_store_relaxed(&weir_acl_default_dev, dev);
}

/* ------------------------------------------------------------------------ */
/* Devices                                                                  */
/* ------------------------------------------------------------------------ */

aclError weir__acl_device_check(weir_runtime_t *rt, int32_t id, const char *api)
{
	if (!rt)
		return weir__acl_fail(ACL_ERROR_UNINITIALIZE, api,
		                      "aclInit has not been called (weir has no runtime yet)");
	uint32_t n = weir_runtime_device_count(rt);
	if (id < 0 || (uint32_t)id >= n)
		return weir__acl_fail(ACL_ERROR_RT_INVALID_DEVICEID, api,
		                      "device id %d is out of range [0, %u)", (int)id, (unsigned)n);
	return ACL_SUCCESS;
}

static aclError weir_acl_set_device(int32_t id, const char *api)
{
	weir_runtime_t *rt = weir__acl_runtime();
	aclError rc = weir__acl_device_check(rt, id, api);
	if (rc != ACL_SUCCESS)
		return rc;
	weir__acl_lock();
	struct weir_acl_dev *d = &weir_acl_devs[id];
	weir_stream_t *born = NULL; /* a new default stream, announced after unlocking */
	if (d->refs == 0) {
		rc = weir__acl_ctx_create(rt, (uint32_t)id, true, &d->dctx, api);
		if (rc != ACL_SUCCESS) {
			weir__acl_unlock();
			return rc;
		}
		born = d->dctx->dstream;
	}
	d->refs++;
	weir__acl_ctx_set_current(d->dctx);
	weir_acl_last_set_dev = id;
	weir__acl_unlock();
	if (born)
		weir__acl_stream_state_notify(born, ACL_RT_STREAM_STATE_CREATE_POST);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtSetDevice(int32_t deviceId)
{
	return weir_acl_set_device(deviceId, "aclrtSetDevice");
}

static aclError weir_acl_reset_device(int32_t id, bool force, const char *api)
{
	weir_runtime_t *rt = weir__acl_runtime();
	aclError rc = weir__acl_device_check(rt, id, api);
	if (rc != ACL_SUCCESS)
		return rc;
	weir__acl_lock();
	struct weir_acl_dev *d = &weir_acl_devs[id];
	if (d->refs == 0) {
		weir__acl_unlock();
		return weir__acl_fail(ACL_ERROR_RT_CONTEXT_RELEASE_ERROR, api,
		                      "device %d is not set (never set, or already reset)",
		                      (int)id);
	}
	d->refs = force ? 0 : d->refs - 1;
	struct weir_acl_ctx *dead = NULL;
	if (d->refs == 0) {
		dead = d->dctx;
		d->dctx = NULL;
		if (!weir__acl_ctx_unpublish(dead))
			dead = NULL; /* cannot happen: only this path unpublishes it */
	}
	weir__acl_unlock();
	if (dead)
		weir__acl_ctx_forget_current(dead);
	if (dead && weir_acl_last_set_dev == id)
		weir_acl_last_set_dev = -1;
	if (dead) {
		int st = weir__acl_ctx_retire(dead);
		if (st != WEIR_OK)
			return weir__acl_fail_weir(st, api, "draining the default context failed");
	}
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtResetDevice(int32_t deviceId)
{
	return weir_acl_reset_device(deviceId, false, "aclrtResetDevice");
}

ACL_FUNC_VISIBILITY aclError aclrtResetDeviceForce(int32_t deviceId)
{
	return weir_acl_reset_device(deviceId, true, "aclrtResetDeviceForce");
}

/* aclFinalize, lock held: forget every device's default context (the
 * registry clear and weir_runtime_destroy() release them). */
void weir__acl_devices_reset_locked(void)
{
	for (size_t i = 0; i < WEIR_MAX_DEVICES; i++) {
		weir_acl_devs[i].refs = 0;
		weir_acl_devs[i].dctx = NULL;
	}
	weir__acl_ctx_set_current(NULL);
	weir_acl_last_set_dev = -1;
	weir_acl_implicit_done = false;
}

aclError weir__acl_device_implicit(void)
{
	if (weir_acl_implicit_done)
		return ACL_SUCCESS;
	int32_t dd = weir_load_relaxed(&weir_acl_default_dev);
	if (dd < 0)
		return ACL_SUCCESS;
	weir_acl_implicit_done = true;
	aclError rc = weir_acl_set_device(dd, "implicit aclrtSetDevice (defaultDevice)");
	if (rc != ACL_SUCCESS) {
		weir__acl_set_reason("the configured default device %d could not be set", (int)dd);
		return rc;
	}
	return ACL_SUCCESS;
}

void weir__acl_device_fallback_current(void)
{
	if (weir_acl_last_set_dev < 0)
		return;
	weir__acl_lock();
	struct weir_acl_ctx *d = weir_acl_devs[weir_acl_last_set_dev].dctx;
	if (d)
		weir__acl_ctx_set_current(d);
	weir__acl_unlock();
}

/* ------------------------------------------------------------------------ */
/* Device queries and synchronization                                       */
/* ------------------------------------------------------------------------ */

ACL_FUNC_VISIBILITY aclError aclrtGetDevice(int32_t *deviceId)
{
	if (!deviceId)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, "aclrtGetDevice",
		                      "deviceId is NULL");
	WEIR__ACL_TRY("aclrtGetDevice", weir__acl_current_device(deviceId));
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtGetDeviceCount(uint32_t *count)
{
	if (!count)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, "aclrtGetDeviceCount",
		                      "count is NULL");
	weir_runtime_t *rt = weir__acl_runtime();
	if (!rt)
		return weir__acl_fail(ACL_ERROR_UNINITIALIZE, "aclrtGetDeviceCount",
		                      "aclInit has not been called (weir has no runtime yet)");
	*count = weir_runtime_device_count(rt);
	return ACL_SUCCESS;
}

static aclError weir_acl_sync_device(int64_t ns, const char *api)
{
	aclError e = weir__acl_capture_unsafe(api);
	if (e != ACL_SUCCESS)
		return e;
	weir__acl_ctx_info_t info;
	WEIR__ACL_TRY(api, weir__acl_current_context(&info));
	int code = 0;
	int st = weir_group_sync_code(info.group, ns, &code);
	if (st != WEIR_OK)
		return weir__acl_fail_weir_code(st, code, api, "synchronizing the current context");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtSynchronizeDevice(void)
{
	return weir_acl_sync_device(WEIR_TIMEOUT_INFINITE, "aclrtSynchronizeDevice");
}

ACL_FUNC_VISIBILITY aclError aclrtSynchronizeDeviceWithTimeout(int32_t timeout)
{
	int64_t ns;
	WEIR__ACL_TRY("aclrtSynchronizeDeviceWithTimeout", weir__acl_timeout_ns(timeout, &ns));
	return weir_acl_sync_device(ns, "aclrtSynchronizeDeviceWithTimeout");
}
