/*
 * stress_tdt.c - TDT channels and queues under 8+ threads: producers and
 * consumers on one small channel, and on a route src -> dst with consumers
 * on dst (bound while producers run), checking every item arrives exactly
 * once. Workers record what they saw; only the main thread asserts.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sched.h>
#include <stdatomic.h>

#include "acl/acl.h"
#include "acl/acl_tdt.h"
#include "acl/acl_tdt_queue.h"

#define PRODUCERS 4
#define CONSUMERS 4
#define PER_PROD  3000
#define TOTAL     (PRODUCERS * PER_PROD)

static int setup(void **state)
{
	(void)state;
	setenv("WEIR_NO_PIN", "1", 0);
	setenv("WEIR_DEVICES", "1", 0);
	setenv("WEIR_WORKERS", "1", 0);
	if (aclInit(NULL) != ACL_SUCCESS)
		return -1;
	return aclrtSetDevice(0) == ACL_SUCCESS ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	(void)aclrtResetDeviceForce(0);
	return aclFinalize() == ACL_SUCCESS ? 0 : -1;
}

struct ctx {
	acltdtChannelHandle *ch;
	uint32_t src, dst;
	int id;
	_Atomic uint32_t *seen; /* one counter per item */
	_Atomic uint32_t *got;  /* items received so far */
	uint32_t errors;
};

static void *chan_producer(void *p)
{
	struct ctx *c = p;
	for (uint32_t i = 0; i < PER_PROD; i++) {
		int32_t key = (int32_t)(c->id * PER_PROD + i);
		int64_t dims[1] = { 1 };
		acltdtDataItem *it = acltdtCreateDataItem(ACL_TENSOR_DATA_TENSOR, dims, 1,
		                                          ACL_INT32, &key, sizeof(key));
		acltdtDataset *ds = acltdtCreateDataset();
		if (!it || !ds || acltdtAddDataItem(ds, it) != ACL_SUCCESS ||
		    acltdtSendTensor(c->ch, ds, -1) != ACL_SUCCESS)
			c->errors++;
		key = -1; /* the send copied */
		(void)acltdtDestroyDataItem(it);
		(void)acltdtDestroyDataset(ds);
	}
	return NULL;
}

static void *chan_consumer(void *p)
{
	struct ctx *c = p;
	acltdtDataset *ds = acltdtCreateDataset();
	for (;;) {
		aclError rc = acltdtReceiveTensor(c->ch, ds, -1);
		if (rc == ACL_ERROR_FAILURE)
			break; /* stopped and drained */
		if (rc != ACL_SUCCESS) {
			c->errors++;
			continue;
		}
		const int32_t *v = acltdtGetDataAddrFromItem(acltdtGetDataItem(ds, 0));
		if (!v || *v < 0 || *v >= TOTAL)
			c->errors++;
		else
			atomic_fetch_add(&c->seen[*v], 1);
		atomic_fetch_add(c->got, 1);
	}
	(void)acltdtDestroyDataset(ds);
	return NULL;
}

static void check_once(_Atomic uint32_t *seen)
{
	for (uint32_t k = 0; k < TOTAL; k++)
		if (atomic_load(&seen[k]) != 1)
			fail_msg("item %u arrived %u times", k, (unsigned)atomic_load(&seen[k]));
}

static void test_channel_mpmc(void **state)
{
	(void)state;
	_Atomic uint32_t *seen = calloc(TOTAL, sizeof(*seen));
	_Atomic uint32_t got = 0;
	acltdtChannelHandle *ch = acltdtCreateChannelWithCapacity(0, "stress", 3);
	assert_non_null(ch);
	struct ctx c[PRODUCERS + CONSUMERS];
	pthread_t t[PRODUCERS + CONSUMERS];
	for (int i = 0; i < PRODUCERS + CONSUMERS; i++) {
		c[i] = (struct ctx){ ch, 0, 0, i < PRODUCERS ? i : 0, seen, &got, 0 };
		pthread_create(&t[i], NULL, i < PRODUCERS ? chan_producer : chan_consumer, &c[i]);
	}
	for (int i = 0; i < PRODUCERS; i++)
		pthread_join(t[i], NULL);
	while (atomic_load(&got) < TOTAL)
		sched_yield();
	assert_int_equal(acltdtStopChannel(ch), ACL_SUCCESS);
	for (int i = PRODUCERS; i < PRODUCERS + CONSUMERS; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < PRODUCERS + CONSUMERS; i++)
		assert_int_equal(c[i].errors, 0);
	check_once(seen);
	assert_int_equal(acltdtDestroyChannel(ch), ACL_SUCCESS);
	free(seen);
}

static void *q_producer(void *p)
{
	struct ctx *c = p;
	for (uint32_t i = 0; i < PER_PROD; i++) {
		uint32_t key = (uint32_t)c->id * PER_PROD + i;
		/* half through the data call, half through buffers */
		if (i & 1) {
			if (acltdtEnqueueData(c->src, &key, sizeof(key), NULL, 0, -1, 0) !=
			    ACL_SUCCESS)
				c->errors++;
			continue;
		}
		acltdtBuf b;
		void *d;
		size_t n;
		if (acltdtAllocBuf(sizeof(key), 0, &b) != ACL_SUCCESS ||
		    acltdtGetBufData(b, &d, &n) != ACL_SUCCESS) {
			c->errors++;
			continue;
		}
		memcpy(d, &key, sizeof(key));
		if (acltdtEnqueue(c->src, b, -1) != ACL_SUCCESS)
			c->errors++;
	}
	return NULL;
}

static void *q_consumer(void *p)
{
	struct ctx *c = p;
	while (atomic_load(c->got) < TOTAL) {
		uint32_t key = UINT32_MAX;
		size_t n = 0;
		aclError rc;
		if (c->id & 1) {
			rc = acltdtDequeueData(c->dst, &key, sizeof(key), &n, NULL, 0, 20);
		} else {
			acltdtBuf b;
			rc = acltdtDequeue(c->dst, &b, 20);
			if (rc == ACL_SUCCESS) {
				void *d;
				if (acltdtGetBufData(b, &d, &n) == ACL_SUCCESS)
					memcpy(&key, d, sizeof(key));
				(void)acltdtFreeBuf(b);
			}
		}
		if (rc == ACL_ERROR_RT_QUEUE_EMPTY)
			continue;
		if (rc != ACL_SUCCESS || key >= TOTAL) {
			c->errors++;
			continue;
		}
		atomic_fetch_add(&c->seen[key], 1);
		atomic_fetch_add(c->got, 1);
	}
	return NULL;
}

static uint32_t mkq(uint32_t depth)
{
	acltdtQueueAttr *a = acltdtCreateQueueAttr();
	uint32_t qid = 0;
	assert_int_equal(acltdtSetQueueAttr(a, ACL_TDT_QUEUE_DEPTH_UINT32, 4, &depth), ACL_SUCCESS);
	assert_int_equal(acltdtCreateQueue(a, &qid), ACL_SUCCESS);
	assert_int_equal(acltdtDestroyQueueAttr(a), ACL_SUCCESS);
	return qid;
}

static void test_queue_route_mpmc(void **state)
{
	(void)state;
	_Atomic uint32_t *seen = calloc(TOTAL, sizeof(*seen));
	_Atomic uint32_t got = 0;
	uint32_t src = mkq(4), dst = mkq(4);
	struct ctx c[PRODUCERS + CONSUMERS];
	pthread_t t[PRODUCERS + CONSUMERS];
	/* consumers on dst first: nothing reaches them until the bind */
	for (int i = PRODUCERS; i < PRODUCERS + CONSUMERS; i++) {
		c[i] = (struct ctx){ NULL, src, dst, i, seen, &got, 0 };
		pthread_create(&t[i], NULL, q_consumer, &c[i]);
	}
	for (int i = 0; i < PRODUCERS; i++) {
		c[i] = (struct ctx){ NULL, src, dst, i, seen, &got, 0 };
		pthread_create(&t[i], NULL, q_producer, &c[i]);
	}
	acltdtQueueRoute *r = acltdtCreateQueueRoute(src, dst);
	acltdtQueueRouteList *l = acltdtCreateQueueRouteList();
	assert_int_equal(acltdtAddQueueRoute(l, r), ACL_SUCCESS);
	assert_int_equal(acltdtBindQueueRoutes(l), ACL_SUCCESS);
	for (int i = 0; i < PRODUCERS + CONSUMERS; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < PRODUCERS + CONSUMERS; i++)
		assert_int_equal(c[i].errors, 0);
	check_once(seen);
	assert_int_equal(acltdtUnbindQueueRoutes(l), ACL_SUCCESS);
	assert_int_equal(acltdtDestroyQueueRouteList(l), ACL_SUCCESS);
	assert_int_equal(acltdtDestroyQueueRoute(r), ACL_SUCCESS);
	assert_int_equal(acltdtDestroyQueue(src), ACL_SUCCESS);
	assert_int_equal(acltdtDestroyQueue(dst), ACL_SUCCESS);
	free(seen);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_channel_mpmc),
		cmocka_unit_test(test_queue_route_mpmc),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
