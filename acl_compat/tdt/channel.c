/*
 * acl_compat/tdt/channel.c - acltdt*Channel, acltdtSendTensor,
 * acltdtReceiveTensor: a channel is a base/bqueue.h queue of messages
 * (dataset.c) on one device.
 *
 * Codes: a send that finds the channel full after its time-out returns
 * ACL_ERROR_RT_QUEUE_FULL, a receive that finds it empty
 * ACL_ERROR_RT_QUEUE_EMPTY (ACL's codes for its queue-backed channels). After
 * acltdtStopChannel (or during acltdtDestroyChannel), blocked and later sends
 * fail with ACL_ERROR_FAILURE, and receives return what is still queued, then
 * ACL_ERROR_FAILURE instead of waiting.
 */
#include "acl_compat/tdt/tdt.h"

#include <string.h>

#include "acl_compat/acl_state.h"
#include "base/alloc.h"

struct weir_acl_tdt_channel {
	struct weir_acl_kobj hdr;
	struct weir_bq q;                 /* A: of struct weir_acl_tdt_msg * */
	uint32_t device;                  /* I */
	char name[WEIR_ACL_TDT_NAME_MAX]; /* I */
};

static struct weir_acl_tdt_channel *weir_acl_channel_get(const void *h)
{
	struct weir_acl_kobj *o = weir__acl_tdt_get(h, WEIR_ACL_TDT_CHANNEL);
	return o ? caa_container_of(o, struct weir_acl_tdt_channel, hdr) : NULL;
}

static void weir_acl_channel_drop_msg(void *m, void *arg)
{
	(void)arg;
	weir__acl_tdt_msg_free(m);
}

static void weir_acl_channel_fini(struct weir_acl_kobj *o)
{
	struct weir_acl_tdt_channel *c = caa_container_of(o, struct weir_acl_tdt_channel, hdr);
	weir__bq_drain(&c->q, weir_acl_channel_drop_msg, NULL);
	weir__bq_fini(&c->q);
}

static void weir_acl_channel_pre_destroy(struct weir_acl_kobj *o)
{
	struct weir_acl_tdt_channel *c = caa_container_of(o, struct weir_acl_tdt_channel, hdr);
	weir__bq_stop(&c->q);
	weir__bq_drain(&c->q, weir_acl_channel_drop_msg, NULL);
}

static acltdtChannelHandle *weir_acl_channel_create(uint32_t deviceId, const char *name,
                                                    size_t capacity, const char *api)
{
	if (!name) {
		weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "name is NULL");
		return NULL;
	}
	size_t len = strnlen(name, WEIR_ACL_TDT_NAME_MAX);
	if (len + 1 > WEIR_ACL_TDT_NAME_MAX) {
		weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		               "name is longer than %d bytes with its NUL", WEIR_ACL_TDT_NAME_MAX);
		return NULL;
	}
	if (capacity < WEIR_ACL_TDT_DEPTH_MIN || capacity > WEIR_ACL_TDT_DEPTH_MAX) {
		weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "capacity %zu is outside [%d, %d]",
		               capacity, WEIR_ACL_TDT_DEPTH_MIN, WEIR_ACL_TDT_DEPTH_MAX);
		return NULL;
	}
	if (deviceId > (uint32_t)INT32_MAX) {
		weir__acl_fail(ACL_ERROR_RT_INVALID_DEVICEID, api, "device id %u is out of range",
		               (unsigned)deviceId);
		return NULL;
	}
	if (weir__acl_device_check(weir__acl_runtime(), (int32_t)deviceId, api) != ACL_SUCCESS)
		return NULL;
	struct weir_acl_tdt_channel *c = weir__calloc(1, sizeof(*c));
	if (!c || weir__bq_init(&c->q, (uint32_t)capacity) != WEIR_OK) {
		weir__free(c);
		weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "out of memory");
		return NULL;
	}
	c->device = deviceId;
	memcpy(c->name, name, len + 1);
	if (!weir__acl_tdt_publish(&c->hdr, WEIR_ACL_TDT_CHANNEL, weir_acl_channel_fini)) {
		weir__bq_fini(&c->q);
		weir__free(c);
		weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "no handle left in the registry");
		return NULL;
	}
	return (acltdtChannelHandle *)weir__acl_tdt_handle(&c->hdr);
}

ACL_FUNC_VISIBILITY acltdtChannelHandle *acltdtCreateChannel(uint32_t deviceId, const char *name)
{
	/* ACL's classic channel has no capacity of its own: weir gives it the
	 * largest one a capacity-limited channel may have. */
	return weir_acl_channel_create(deviceId, name, WEIR_ACL_TDT_DEPTH_MAX,
	                               "acltdtCreateChannel");
}

ACL_FUNC_VISIBILITY acltdtChannelHandle *acltdtCreateChannelWithCapacity(uint32_t deviceId,
                                                                         const char *name,
                                                                         size_t capacity)
{
	return weir_acl_channel_create(deviceId, name, capacity, "acltdtCreateChannelWithCapacity");
}

#define WEIR_ACL_CHANNEL_GET(c, h, api)                           \
	struct weir_acl_tdt_channel *c = weir_acl_channel_get(h); \
	if (!c)                                                   \
	return weir__acl_fail(ACL_ERROR_INVALID_PARAM, (api),     \
	                      "handle %p is NULL or not a live channel", (const void *)(h))

ACL_FUNC_VISIBILITY aclError acltdtStopChannel(acltdtChannelHandle *handle)
{
	WEIR_ACL_CHANNEL_GET(c, handle, "acltdtStopChannel");
	weir__bq_stop(&c->q);
	weir__acl_tdt_put(&c->hdr);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError acltdtCleanChannel(acltdtChannelHandle *handle)
{
	WEIR_ACL_CHANNEL_GET(c, handle, "acltdtCleanChannel");
	weir__bq_drain(&c->q, weir_acl_channel_drop_msg, NULL);
	weir__acl_tdt_put(&c->hdr);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError acltdtDestroyChannel(acltdtChannelHandle *handle)
{
	return weir__acl_tdt_destroy(handle, WEIR_ACL_TDT_CHANNEL, "acltdtDestroyChannel",
	                             "channel", weir_acl_channel_pre_destroy);
}

ACL_FUNC_VISIBILITY aclError acltdtQueryChannelSize(const acltdtChannelHandle *handle, size_t *size)
{
	const char *api = "acltdtQueryChannelSize";
	if (!size)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "size is NULL");
	WEIR_ACL_CHANNEL_GET(c, handle, api);
	*size = weir__bq_size(&c->q);
	weir__acl_tdt_put(&c->hdr);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError acltdtSendTensor(const acltdtChannelHandle *handle,
                                              const acltdtDataset *dataset, int32_t timeout)
{
	const char *api = "acltdtSendTensor";
	int64_t ns;
	aclError rc = weir__acl_tdt_timeout(timeout, &ns, api);
	if (rc != ACL_SUCCESS)
		return rc;
	WEIR_ACL_CHANNEL_GET(c, handle, api);
	struct weir_acl_tdt_msg *m = NULL;
	rc = weir__acl_tdt_msg_build(dataset, &m, api);
	if (rc == ACL_SUCCESS) {
		int st = weir__bq_push(&c->q, m, ns);
		if (st != WEIR_OK) {
			weir__acl_tdt_msg_free(m);
			if (st == WEIR_ESTATE)
				rc = weir__acl_fail(ACL_ERROR_FAILURE, api,
				                    "channel \"%s\" is stopped", c->name);
			else
				rc = weir__acl_fail(
				        ACL_ERROR_RT_QUEUE_FULL, api,
				        "channel \"%s\" is full (capacity %u, timeout %d ms)",
				        c->name, (unsigned)c->q.cap, (int)timeout);
		}
	}
	weir__acl_tdt_put(&c->hdr);
	return rc;
}

ACL_FUNC_VISIBILITY aclError acltdtReceiveTensor(const acltdtChannelHandle *handle,
                                                 acltdtDataset *dataset, int32_t timeout)
{
	const char *api = "acltdtReceiveTensor";
	int64_t ns;
	aclError rc = weir__acl_tdt_timeout(timeout, &ns, api);
	if (rc != ACL_SUCCESS)
		return rc;
	WEIR_ACL_CHANNEL_GET(c, handle, api);
	rc = weir__acl_tdt_can_receive(dataset, api);
	if (rc == ACL_SUCCESS) {
		void *m = NULL;
		int st = weir__bq_pop(&c->q, &m, ns);
		if (st == WEIR_OK)
			rc = weir__acl_tdt_msg_deliver(m, dataset, api);
		else if (st == WEIR_ESTATE)
			rc = weir__acl_fail(ACL_ERROR_FAILURE, api, "channel \"%s\" is stopped",
			                    c->name);
		else
			rc = weir__acl_fail(ACL_ERROR_RT_QUEUE_EMPTY, api,
			                    "channel \"%s\" is empty (timeout %d ms)", c->name,
			                    (int)timeout);
	}
	weir__acl_tdt_put(&c->hdr);
	return rc;
}
