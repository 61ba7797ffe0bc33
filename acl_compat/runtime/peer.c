/*
 * acl_compat/runtime/peer.c - peer access between devices (acl_rt.h "Peer
 * access"). weir's devices share the host's memory, so every pair can
 * reach each other; what ACL's enable switches on is the right to copy
 * from the current device to the peer (one direction, ACL's rule). The
 * copy calls check it (weir__acl_peer_copy_check, runtime/memory.c).
 *
 * ACL's codes: flags != 0 -> ACL_ERROR_FEATURE_UNSUPPORTED (200006); the
 * peer equal to the device -> ACL_ERROR_INVALID_PARAM (100000); NULL
 * output 100000; a device id out of range 107001. ACL defines no code for
 * enabling twice or disabling what is not enabled (both reach the driver):
 * weir makes both successful no-ops. A device-to-device copy between two
 * devices without the source device's enable is refused with
 * ACL_ERROR_RT_NO_PERMISSION (207006) (docs/acl.md).
 *
 * State: one bit per (device, peer), per runtime generation; written under
 * the facade lock, read lock-free by copies (relaxed: the bits publish
 * nothing else).
 */
#include "acl_compat/acl_internal.h"
#include "acl_compat/acl_state.h"
#include "base/atomic.h"
#include "weir/mem.h"

/* A: bit p of weir_acl_peer_bits[d]: copies from d to p are enabled, valid
 * while weir_acl_peer_gen is the runtime's generation (L for writes). */
static _Atomic uint64_t weir_acl_peer_bits[WEIR_MAX_DEVICES];
static _Atomic uint64_t weir_acl_peer_gen;

_Static_assert(WEIR_MAX_DEVICES <= 64, "one 64-bit word of peers per device");

/* With the lock held: forget the bits of an earlier runtime. */
static void weir_acl_peer_renew_locked(void)
{
	uint64_t gen = weir__acl_generation();
	if (weir_load_relaxed(&weir_acl_peer_gen) == gen)
		return;
	for (int i = 0; i < WEIR_MAX_DEVICES; i++)
		weir_store_relaxed(&weir_acl_peer_bits[i], 0);
	weir_store_relaxed(&weir_acl_peer_gen, gen);
}

static bool weir_acl_peer_enabled(uint32_t dev, uint32_t peer)
{
	if (weir_load_relaxed(&weir_acl_peer_gen) != weir__acl_generation())
		return false;
	return (weir_load_relaxed(&weir_acl_peer_bits[dev]) >> peer) & 1u;
}

ACL_FUNC_VISIBILITY aclError aclrtDeviceCanAccessPeer(int32_t *canAccessPeer, int32_t deviceId,
                                                      int32_t peerDeviceId)
{
	static const char api[] = "aclrtDeviceCanAccessPeer";
	if (!canAccessPeer)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "canAccessPeer is NULL");
	if (deviceId == peerDeviceId)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "deviceId %d cannot be equal to peerDeviceId %d",
		                      (int)deviceId, (int)peerDeviceId);
	weir_runtime_t *rt = weir__acl_runtime();
	aclError rc = weir__acl_device_check(rt, deviceId, api);
	if (rc == ACL_SUCCESS)
		rc = weir__acl_device_check(rt, peerDeviceId, api);
	if (rc != ACL_SUCCESS)
		return rc;
	*canAccessPeer = 1;
	return ACL_SUCCESS;
}

/* The checks enable and disable share, in ACL's order; *dev: the current device. */
static aclError weir_acl_peer_args(int32_t peer, int32_t *dev, const char *api)
{
	WEIR__ACL_TRY(api, weir__acl_current_device(dev));
	if (*dev == peer)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "deviceId %d cannot be equal to peerDeviceId %d", (int)*dev,
		                      (int)peer);
	return weir__acl_device_check(weir__acl_runtime(), peer, api);
}

static aclError weir_acl_peer_set(int32_t peer, bool on, const char *api)
{
	int32_t dev;
	aclError rc = weir_acl_peer_args(peer, &dev, api);
	if (rc != ACL_SUCCESS)
		return rc;
	weir__acl_lock();
	weir_acl_peer_renew_locked();
	uint64_t w = weir_load_relaxed(&weir_acl_peer_bits[dev]);
	uint64_t bit = UINT64_C(1) << peer;
	weir_store_relaxed(&weir_acl_peer_bits[dev], on ? w | bit : w & ~bit);
	weir__acl_unlock();
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclrtDeviceEnablePeerAccess(int32_t peerDeviceId, uint32_t flags)
{
	static const char api[] = "aclrtDeviceEnablePeerAccess";
	if (flags != 0)
		return weir__acl_fail(ACL_ERROR_FEATURE_UNSUPPORTED, api,
		                      "flags is reserved and must be 0 (got %u)", flags);
	return weir_acl_peer_set(peerDeviceId, true, api);
}

ACL_FUNC_VISIBILITY aclError aclrtDeviceDisablePeerAccess(int32_t peerDeviceId)
{
	return weir_acl_peer_set(peerDeviceId, false, "aclrtDeviceDisablePeerAccess");
}

ACL_FUNC_VISIBILITY aclError aclrtDevicePeerAccessStatus(int32_t deviceId, int32_t peerDeviceId,
                                                         int32_t *status)
{
	static const char api[] = "aclrtDevicePeerAccessStatus";
	if (!status)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "status is NULL");
	weir_runtime_t *rt = weir__acl_runtime();
	aclError rc = weir__acl_device_check(rt, deviceId, api);
	if (rc == ACL_SUCCESS)
		rc = weir__acl_device_check(rt, peerDeviceId, api);
	if (rc != ACL_SUCCESS)
		return rc;
	*status = weir_acl_peer_enabled((uint32_t)deviceId, (uint32_t)peerDeviceId) ? 1 : 0;
	return ACL_SUCCESS;
}

aclError weir__acl_peer_copy_check(weir_mem_t *m, const void *dst, const void *src, const char *api)
{
	weir_mem_ptrinfo_t di, si;
	if (weir_mem_classify(m, dst, &di) != WEIR_OK || weir_mem_classify(m, src, &si) != WEIR_OK)
		return ACL_SUCCESS; /* the copy itself reports it */
	if (di.kind != WEIR_MEM_KIND_DEVICE || si.kind != WEIR_MEM_KIND_DEVICE ||
	    di.device == si.device)
		return ACL_SUCCESS;
	if (si.device >= WEIR_MAX_DEVICES || di.device >= WEIR_MAX_DEVICES ||
	    weir_acl_peer_enabled(si.device, di.device))
		return ACL_SUCCESS;
	return weir__acl_fail(ACL_ERROR_RT_NO_PERMISSION, api,
	                      "copy from device %u to device %u without peer access: call "
	                      "aclrtDeviceEnablePeerAccess(%u, 0) on device %u first",
	                      si.device, di.device, di.device, si.device);
}
