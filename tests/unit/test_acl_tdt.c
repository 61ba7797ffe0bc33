/*
 * test_acl_tdt.c - the TDT facade (acl/acl_tdt.h, acl/acl_tdt_queue.h): every
 * call, its bad-input rows with ACL's codes, and the behaviour programs see
 * (copy at send, owned received items, capacity, time-outs, stop/clean/
 * destroy waking waiters, routes delivering every item once).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "acl/acl.h"
#include "acl/acl_tdt.h"
#include "acl/acl_tdt_queue.h"

static int setup(void **state)
{
	(void)state;
	setenv("WEIR_NO_PIN", "1", 0);
	setenv("WEIR_DEVICES", "2", 0);
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

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

static acltdtDataset *make_ds(float *v, size_t n, acltdtDataItem **item)
{
	int64_t dims[2] = { 1, (int64_t)n };
	*item = acltdtCreateDataItem(ACL_TENSOR_DATA_TENSOR, dims, 2, ACL_FLOAT, v,
	                             n * sizeof(float));
	assert_non_null(*item);
	acltdtDataset *ds = acltdtCreateDataset();
	assert_non_null(ds);
	assert_int_equal(acltdtAddDataItem(ds, *item), ACL_SUCCESS);
	return ds;
}

static void test_items_and_datasets(void **state)
{
	(void)state;
	float v[3] = { 1, 2, 3 };
	int64_t dims[2] = { 1, 3 };
	acltdtDataItem *it =
	        acltdtCreateDataItem(ACL_TENSOR_DATA_TENSOR, dims, 2, ACL_FLOAT, v, sizeof(v));
	assert_non_null(it);
	assert_int_equal(acltdtGetTensorTypeFromItem(it), ACL_TENSOR_DATA_TENSOR);
	assert_int_equal(acltdtGetDataTypeFromItem(it), ACL_FLOAT);
	assert_ptr_equal(acltdtGetDataAddrFromItem(it), v);
	assert_int_equal(acltdtGetDataSizeFromItem(it), sizeof(v));
	assert_int_equal(acltdtGetDimNumFromItem(it), 2);
	int64_t got[4] = { 0 };
	assert_int_equal(acltdtGetDimsFromItem(it, got, 4), ACL_SUCCESS);
	assert_int_equal(got[1], 3);
	assert_int_equal(acltdtGetDimsFromItem(it, got, 1), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtGetDimsFromItem(it, NULL, 2), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtGetDimsFromItem(it, got, 0), ACL_ERROR_INVALID_PARAM);
	size_t sn = 9, si = 9;
	assert_int_equal(acltdtGetSliceInfoFromItem(it, &sn, &si), ACL_SUCCESS);
	assert_int_equal(sn, 0);
	assert_int_equal(si, 0);
	assert_int_equal(acltdtGetSliceInfoFromItem(it, NULL, &si), ACL_ERROR_INVALID_PARAM);

	/* bad creates */
	assert_null(acltdtCreateDataItem(ACL_TENSOR_DATA_TENSOR, NULL, 2, ACL_FLOAT, v, 4));
	assert_null(acltdtCreateDataItem(ACL_TENSOR_DATA_TENSOR, dims, 0, ACL_FLOAT, v, 4));
	assert_null(acltdtCreateDataItem(ACL_TENSOR_DATA_TENSOR, dims, 129, ACL_FLOAT, v, 4));
	assert_null(
	        acltdtCreateDataItem(ACL_TENSOR_DATA_END_OF_SEQUENCE, dims, 2, ACL_FLOAT, v, 4));
	assert_null(acltdtCreateDataItem((acltdtTensorType)7, NULL, 0, ACL_FLOAT, NULL, 0));
	assert_null(acltdtCreateDataItem(ACL_TENSOR_DATA_UNDEFINED, NULL, 0, ACL_FLOAT, NULL, 0));
	assert_null(acltdtCreateDataItem(ACL_TENSOR_DATA_TENSOR, dims, 2, ACL_FLOAT, NULL, 4));
	acltdtDataItem *eos =
	        acltdtCreateDataItem(ACL_TENSOR_DATA_END_OF_SEQUENCE, NULL, 0, ACL_FLOAT, v, 4);
	assert_non_null(eos);
	assert_int_equal(acltdtGetDataTypeFromItem(eos), ACL_DT_UNDEFINED);
	assert_int_equal(acltdtGetDataSizeFromItem(eos), 0);

	acltdtDataset *ds = acltdtCreateDataset();
	assert_non_null(ds);
	assert_int_equal(acltdtGetDatasetSize(ds), 0);
	assert_string_equal(acltdtGetDatasetName(ds), "");
	assert_int_equal(acltdtAddDataItem(ds, it), ACL_SUCCESS);
	assert_int_equal(acltdtAddDataItem(ds, eos), ACL_SUCCESS);
	assert_int_equal(acltdtGetDatasetSize(ds), 2);
	assert_ptr_equal(acltdtGetDataItem(ds, 1), eos);
	assert_null(acltdtGetDataItem(ds, 2));
	assert_int_equal(acltdtAddDataItem(ds, NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtAddDataItem(NULL, it), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtAddDataItem((acltdtDataset *)it, it), ACL_ERROR_INVALID_PARAM);

	/* NULL and wrong-kind handles on every getter */
	assert_int_equal(acltdtGetTensorTypeFromItem(NULL), ACL_TENSOR_DATA_UNDEFINED);
	assert_int_equal(acltdtGetDataTypeFromItem((acltdtDataItem *)ds), ACL_DT_UNDEFINED);
	assert_null(acltdtGetDataAddrFromItem(NULL));
	assert_int_equal(acltdtGetDataSizeFromItem(NULL), 0);
	assert_int_equal(acltdtGetDimNumFromItem(NULL), 0);
	assert_int_equal(acltdtGetDatasetSize((acltdtDataset *)it), 0);
	assert_null(acltdtGetDatasetName(NULL));
	assert_null(acltdtGetDataItem(NULL, 0));

	/* destroyed handles: ACL's 100000, never a crash */
	assert_int_equal(acltdtDestroyDataset(ds), ACL_SUCCESS);
	assert_int_equal(acltdtDestroyDataset(ds), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtDestroyDataItem(it), ACL_SUCCESS);
	assert_int_equal(acltdtDestroyDataItem(it), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtGetDataSizeFromItem(it), 0);
	assert_int_equal(acltdtDestroyDataItem(eos), ACL_SUCCESS);
	assert_int_equal(acltdtDestroyDataItem(NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtDestroyDataset(NULL), ACL_ERROR_INVALID_PARAM);
}

static void test_channel_send_receive(void **state)
{
	(void)state;
	assert_null(acltdtCreateChannelWithCapacity(0, NULL, 2));
	assert_null(acltdtCreateChannelWithCapacity(0, "c", 1));
	assert_null(acltdtCreateChannelWithCapacity(0, "c", 8193));
	assert_null(acltdtCreateChannelWithCapacity(7, "c", 2));
	char longname[200];
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	assert_null(acltdtCreateChannel(0, longname));

	acltdtChannelHandle *ch = acltdtCreateChannelWithCapacity(0, "c", 2);
	assert_non_null(ch);
	float *v = malloc(4 * sizeof(float));
	for (int i = 0; i < 4; i++)
		v[i] = (float)i + 0.5f;
	acltdtDataItem *item;
	acltdtDataset *ds = make_ds(v, 4, &item);
	assert_int_equal(acltdtSendTensor(ch, ds, 1000), ACL_SUCCESS);
	/* the send copied: the sender may scribble on or free its buffer */
	for (int i = 0; i < 4; i++)
		v[i] = -1;
	size_t sz = 9;
	assert_int_equal(acltdtQueryChannelSize(ch, &sz), ACL_SUCCESS);
	assert_int_equal(sz, 1);
	assert_int_equal(acltdtSendTensor(ch, ds, 0), ACL_SUCCESS);
	assert_int_equal(acltdtSendTensor(ch, ds, 0), ACL_ERROR_RT_QUEUE_FULL);
	assert_int_equal(acltdtSendTensor(ch, ds, 5), ACL_ERROR_RT_QUEUE_FULL);
	assert_int_equal(aclGetRecentErrMsg() != NULL, 1);

	acltdtDataset *rx = acltdtCreateDataset();
	assert_int_equal(acltdtReceiveTensor(ch, ds, 0), ACL_ERROR_INVALID_PARAM); /* not empty */
	assert_int_equal(acltdtReceiveTensor(ch, rx, 1000), ACL_SUCCESS);
	assert_int_equal(acltdtGetDatasetSize(rx), 1);
	acltdtDataItem *ri = acltdtGetDataItem(rx, 0);
	assert_non_null(ri);
	assert_int_equal(acltdtGetDataTypeFromItem(ri), ACL_FLOAT);
	assert_int_equal(acltdtGetDataSizeFromItem(ri), 4 * sizeof(float));
	const float *rv = acltdtGetDataAddrFromItem(ri);
	assert_true(rv != v);
	assert_true(rv[0] == 0.5f && rv[3] == 3.5f);
	int64_t dims[2];
	assert_int_equal(acltdtGetDimsFromItem(ri, dims, 2), ACL_SUCCESS);
	assert_int_equal(dims[1], 4);
	/* a received dataset is refilled by the next receive, and takes no adds */
	assert_int_equal(acltdtAddDataItem(rx, item), ACL_ERROR_FEATURE_UNSUPPORTED);
	assert_int_equal(acltdtReceiveTensor(ch, rx, -1), ACL_SUCCESS);
	assert_int_equal(acltdtGetDataSizeFromItem(ri), 0); /* the old item went with it */
	assert_int_equal(acltdtReceiveTensor(ch, rx, 0), ACL_ERROR_RT_QUEUE_EMPTY);
	assert_int_equal(acltdtReceiveTensor(ch, rx, 3), ACL_ERROR_RT_QUEUE_EMPTY);
	assert_int_equal(acltdtQueryChannelSize(ch, &sz), ACL_SUCCESS);
	assert_int_equal(sz, 0);

	/* bad rows */
	assert_int_equal(acltdtSendTensor(NULL, ds, 0), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtSendTensor(ch, NULL, 0), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtSendTensor(ch, ds, -2), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtSendTensor((acltdtChannelHandle *)ds, ds, 0),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtReceiveTensor(ch, NULL, 0), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtQueryChannelSize(ch, NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtQueryChannelSize(NULL, &sz), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtCleanChannel(NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtStopChannel(NULL), ACL_ERROR_INVALID_PARAM);
	/* an item destroyed while in a dataset: the send refuses it */
	acltdtDataItem *tmp;
	acltdtDataset *ds2 = make_ds(v, 1, &tmp);
	assert_int_equal(acltdtDestroyDataItem(tmp), ACL_SUCCESS);
	assert_int_equal(acltdtSendTensor(ch, ds2, 0), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtDestroyDataset(ds2), ACL_SUCCESS);

	/* clean drops what is queued */
	assert_int_equal(acltdtSendTensor(ch, ds, 0), ACL_SUCCESS);
	assert_int_equal(acltdtCleanChannel(ch), ACL_SUCCESS);
	assert_int_equal(acltdtQueryChannelSize(ch, &sz), ACL_SUCCESS);
	assert_int_equal(sz, 0);
	/* stop: sends fail, receives give what is left, then fail */
	assert_int_equal(acltdtSendTensor(ch, ds, 0), ACL_SUCCESS);
	assert_int_equal(acltdtStopChannel(ch), ACL_SUCCESS);
	assert_int_equal(acltdtStopChannel(ch), ACL_SUCCESS);
	assert_int_equal(acltdtSendTensor(ch, ds, -1), ACL_ERROR_FAILURE);
	assert_int_equal(acltdtReceiveTensor(ch, rx, -1), ACL_SUCCESS);
	assert_int_equal(acltdtReceiveTensor(ch, rx, -1), ACL_ERROR_FAILURE);
	assert_int_equal(acltdtDestroyChannel(ch), ACL_SUCCESS);
	assert_int_equal(acltdtDestroyChannel(ch), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtSendTensor(ch, ds, 0), ACL_ERROR_INVALID_PARAM);

	/* the classic channel: default capacity */
	acltdtChannelHandle *c2 = acltdtCreateChannel(1, "classic");
	assert_non_null(c2);
	assert_int_equal(acltdtSendTensor(c2, ds, 0), ACL_SUCCESS);
	assert_int_equal(acltdtDestroyChannel(c2), ACL_SUCCESS); /* drops the queued message */

	assert_int_equal(acltdtDestroyDataset(rx), ACL_SUCCESS);
	assert_int_equal(acltdtDestroyDataItem(item), ACL_SUCCESS);
	assert_int_equal(acltdtDestroyDataset(ds), ACL_SUCCESS);
	free(v);
}

struct blocked {
	acltdtChannelHandle *ch;
	uint32_t qid;
	int mode; /* 0 receive, 1 send, 2 dequeue */
	acltdtDataset *ds;
	aclError rc;
};

static void *blocked_main(void *p)
{
	struct blocked *b = p;
	if (b->mode == 0)
		b->rc = acltdtReceiveTensor(b->ch, b->ds, -1);
	else if (b->mode == 1)
		b->rc = acltdtSendTensor(b->ch, b->ds, -1);
	else {
		acltdtBuf buf;
		b->rc = acltdtDequeue(b->qid, &buf, -1);
	}
	return NULL;
}

static void test_channel_stop_destroy_wake(void **state)
{
	(void)state;
	acltdtChannelHandle *empty = acltdtCreateChannelWithCapacity(0, "e", 2);
	acltdtChannelHandle *full = acltdtCreateChannelWithCapacity(0, "f", 2);
	float v = 1;
	acltdtDataItem *item;
	acltdtDataset *ds = make_ds(&v, 1, &item);
	assert_int_equal(acltdtSendTensor(full, ds, 0), ACL_SUCCESS);
	assert_int_equal(acltdtSendTensor(full, ds, 0), ACL_SUCCESS);
	acltdtDataset *rx = acltdtCreateDataset();
	struct blocked r = { empty, 0, 0, rx, 99 }, s = { full, 0, 1, ds, 99 };
	pthread_t tr, ts;
	pthread_create(&tr, NULL, blocked_main, &r);
	pthread_create(&ts, NULL, blocked_main, &s);
	sleep_ms(30);
	assert_int_equal(acltdtStopChannel(empty), ACL_SUCCESS);
	assert_int_equal(acltdtDestroyChannel(full), ACL_SUCCESS);
	pthread_join(tr, NULL);
	pthread_join(ts, NULL);
	assert_int_equal(r.rc, ACL_ERROR_FAILURE);
	assert_int_equal(s.rc, ACL_ERROR_FAILURE);
	assert_int_equal(acltdtDestroyChannel(empty), ACL_SUCCESS);
	assert_int_equal(acltdtDestroyDataset(rx), ACL_SUCCESS);
	assert_int_equal(acltdtDestroyDataset(ds), ACL_SUCCESS);
	assert_int_equal(acltdtDestroyDataItem(item), ACL_SUCCESS);
}

static uint32_t make_queue(const char *name, uint32_t depth)
{
	acltdtQueueAttr *a = acltdtCreateQueueAttr();
	assert_non_null(a);
	assert_int_equal(acltdtSetQueueAttr(a, ACL_TDT_QUEUE_DEPTH_UINT32, sizeof(depth), &depth),
	                 ACL_SUCCESS);
	if (name)
		assert_int_equal(acltdtSetQueueAttr(a, ACL_TDT_QUEUE_NAME_PTR, sizeof(name), &name),
		                 ACL_SUCCESS);
	uint32_t qid = 0;
	assert_int_equal(acltdtCreateQueue(a, &qid), ACL_SUCCESS);
	assert_int_equal(acltdtDestroyQueueAttr(a), ACL_SUCCESS);
	return qid;
}

static void test_queue_attr(void **state)
{
	(void)state;
	acltdtQueueAttr *a = acltdtCreateQueueAttr();
	uint32_t depth = 0;
	size_t ret = 0;
	assert_int_equal(acltdtGetQueueAttr(a, ACL_TDT_QUEUE_DEPTH_UINT32, 4, &ret, &depth),
	                 ACL_SUCCESS);
	assert_int_equal(depth, 8);
	assert_int_equal(ret, 4);
	const char *name = "qa";
	assert_int_equal(acltdtSetQueueAttr(a, ACL_TDT_QUEUE_NAME_PTR, sizeof(name), &name),
	                 ACL_SUCCESS);
	const char *got = NULL;
	assert_int_equal(acltdtGetQueueAttr(a, ACL_TDT_QUEUE_NAME_PTR, sizeof(got), &ret, &got),
	                 ACL_SUCCESS);
	assert_string_equal(got, "qa");
	assert_int_equal(ret, sizeof(got));
	/* bad rows */
	assert_int_equal(acltdtSetQueueAttr(a, (acltdtQueueAttrType)5, 4, &depth),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtSetQueueAttr(a, ACL_TDT_QUEUE_DEPTH_UINT32, 8, &depth),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtSetQueueAttr(a, ACL_TDT_QUEUE_DEPTH_UINT32, 4, NULL),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtSetQueueAttr(NULL, ACL_TDT_QUEUE_DEPTH_UINT32, 4, &depth),
	                 ACL_ERROR_INVALID_PARAM);
	const char *nul = NULL;
	assert_int_equal(acltdtSetQueueAttr(a, ACL_TDT_QUEUE_NAME_PTR, sizeof(nul), &nul),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtGetQueueAttr(a, ACL_TDT_QUEUE_DEPTH_UINT32, 2, &ret, &depth),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtGetQueueAttr(a, ACL_TDT_QUEUE_DEPTH_UINT32, 4, NULL, &depth),
	                 ACL_ERROR_INVALID_PARAM);
	/* out-of-range depth is refused at create */
	uint32_t bad = 1, qid;
	assert_int_equal(acltdtSetQueueAttr(a, ACL_TDT_QUEUE_DEPTH_UINT32, 4, &bad), ACL_SUCCESS);
	assert_int_equal(acltdtCreateQueue(a, &qid), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtCreateQueue(a, NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtDestroyQueueAttr(a), ACL_SUCCESS);
	assert_int_equal(acltdtDestroyQueueAttr(a), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtCreateQueue(a, &qid), ACL_ERROR_INVALID_PARAM);
	/* default attributes; duplicate names refused */
	assert_int_equal(acltdtCreateQueue(NULL, &qid), ACL_SUCCESS);
	uint32_t q1 = make_queue("dup", 4), q2;
	acltdtQueueAttr *b = acltdtCreateQueueAttr();
	const char *dn = "dup";
	assert_int_equal(acltdtSetQueueAttr(b, ACL_TDT_QUEUE_NAME_PTR, sizeof(dn), &dn),
	                 ACL_SUCCESS);
	assert_int_equal(acltdtCreateQueue(b, &q2), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtDestroyQueueAttr(b), ACL_SUCCESS);
	assert_int_equal(acltdtDestroyQueue(q1), ACL_SUCCESS);
	assert_int_equal(acltdtDestroyQueue(q1), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(acltdtDestroyQueue(qid), ACL_SUCCESS);
	assert_int_equal(acltdtDestroyQueue(0), ACL_ERROR_RT_PARAM_INVALID);
}

static void test_bufs(void **state)
{
	(void)state;
	acltdtBuf b = NULL, c = NULL, r = NULL;
	assert_int_equal(acltdtAllocBuf(16, 2, &b), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtAllocBuf(16, ACL_TDT_NORMAL_MEM, NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtAllocBuf(0, ACL_TDT_NORMAL_MEM, &b), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtAllocBuf(16, ACL_TDT_NORMAL_MEM, &b), ACL_SUCCESS);
	assert_int_equal(acltdtAllocBuf(8, ACL_TDT_DVPP_MEM, &c), ACL_SUCCESS);
	void *p;
	size_t sz, len;
	assert_int_equal(acltdtGetBufData(b, &p, &sz), ACL_SUCCESS);
	assert_int_equal(sz, 16);
	memset(p, 7, 16);
	assert_int_equal(acltdtGetBufData(b, NULL, &sz), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtGetBufDataLen(b, &len), ACL_SUCCESS);
	assert_int_equal(len, 16);
	assert_int_equal(acltdtSetBufDataLen(b, 10), ACL_SUCCESS);
	assert_int_equal(acltdtSetBufDataLen(b, 17), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtGetBufDataLen(b, &len), ACL_SUCCESS);
	assert_int_equal(len, 10);
	assert_int_equal(acltdtGetBufDataLen(b, NULL), ACL_ERROR_INVALID_PARAM);
	char ud[8] = "private", out[8] = { 0 };
	assert_int_equal(acltdtSetBufUserData(b, ud, 8, 88), ACL_SUCCESS);
	assert_int_equal(acltdtGetBufUserData(b, out, 8, 88), ACL_SUCCESS);
	assert_string_equal(out, "private");
	assert_int_equal(acltdtSetBufUserData(b, ud, 8, 89), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtGetBufUserData(b, NULL, 8, 0), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtCopyBufRef(b, &r), ACL_SUCCESS);
	void *rp;
	assert_int_equal(acltdtGetBufData(r, &rp, &sz), ACL_SUCCESS);
	assert_ptr_equal(rp, p); /* same data area */
	assert_int_equal(acltdtCopyBufRef(b, NULL), ACL_ERROR_INVALID_PARAM);
	/* chains */
	uint32_t num = 0;
	assert_int_equal(acltdtAppendBufChain(b, c), ACL_SUCCESS);
	assert_int_equal(acltdtAppendBufChain(b, c), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtAppendBufChain(b, b), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtGetBufChainNum(b, &num), ACL_SUCCESS);
	assert_int_equal(num, 2);
	acltdtBuf g;
	assert_int_equal(acltdtGetBufFromChain(b, 1, &g), ACL_SUCCESS);
	assert_ptr_equal(g, c);
	assert_int_equal(acltdtGetBufFromChain(b, 2, &g), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtFreeBuf(c), ACL_ERROR_INVALID_PARAM); /* a member */
	assert_int_equal(acltdtFreeBuf(b), ACL_SUCCESS);             /* frees c too */
	assert_int_equal(acltdtFreeBuf(c), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtFreeBuf(b), ACL_ERROR_INVALID_PARAM);
	/* the copy keeps the data alive */
	assert_int_equal(acltdtGetBufData(r, &rp, &sz), ACL_SUCCESS);
	assert_int_equal(((unsigned char *)rp)[3], 7);
	assert_int_equal(acltdtFreeBuf(r), ACL_SUCCESS);
	assert_int_equal(acltdtFreeBuf(NULL), ACL_ERROR_INVALID_PARAM);
}

static void test_queue_enqueue_dequeue(void **state)
{
	(void)state;
	uint32_t q = make_queue("qe", 2);
	acltdtBuf b1, b2, b3, out;
	assert_int_equal(acltdtAllocBuf(4, 0, &b1), ACL_SUCCESS);
	assert_int_equal(acltdtAllocBuf(4, 0, &b2), ACL_SUCCESS);
	assert_int_equal(acltdtAllocBuf(4, 0, &b3), ACL_SUCCESS);
	assert_int_equal(acltdtEnqueue(q, b1, 0), ACL_SUCCESS);
	assert_int_equal(acltdtEnqueue(q, b1, 0), ACL_ERROR_INVALID_PARAM); /* queued already */
	assert_int_equal(acltdtFreeBuf(b1), ACL_ERROR_INVALID_PARAM);       /* queued */
	assert_int_equal(acltdtEnqueue(q, b2, -1), ACL_SUCCESS);
	assert_int_equal(acltdtEnqueue(q, b3, 0), ACL_ERROR_RT_QUEUE_FULL);
	assert_int_equal(acltdtEnqueue(q, b3, 2), ACL_ERROR_RT_QUEUE_FULL);
	assert_int_equal(acltdtDequeue(q, &out, 0), ACL_SUCCESS);
	assert_ptr_equal(out, b1);
	assert_int_equal(acltdtDequeue(q, &out, -1), ACL_SUCCESS);
	assert_ptr_equal(out, b2);
	assert_int_equal(acltdtDequeue(q, &out, 0), ACL_ERROR_RT_QUEUE_EMPTY);
	assert_int_equal(acltdtDequeue(q, &out, 2), ACL_ERROR_RT_QUEUE_EMPTY);
	/* bad rows */
	assert_int_equal(acltdtEnqueue(q, NULL, 0), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtEnqueue(q, b1, -3), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtEnqueue(12345, b1, 0), ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(acltdtDequeue(q, NULL, 0), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtDequeue(12345, &out, 0), ACL_ERROR_RT_PARAM_INVALID);

	/* data calls */
	char msg[] = "hello", ud[4] = "abc", back[16], uback[4] = { 0 };
	size_t n = 0;
	assert_int_equal(acltdtEnqueueData(q, msg, sizeof(msg), ud, sizeof(ud), 0, 0), ACL_SUCCESS);
	assert_int_equal(acltdtDequeueData(q, back, 2, &n, NULL, 0, 0), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(n, sizeof(msg)); /* the item stays queued */
	assert_int_equal(acltdtDequeueData(q, back, sizeof(back), &n, uback, sizeof(uback), 0),
	                 ACL_SUCCESS);
	assert_int_equal(n, sizeof(msg));
	assert_string_equal(back, "hello");
	assert_string_equal(uback, "abc");
	assert_int_equal(acltdtEnqueueData(q, NULL, 4, NULL, 0, 0, 0), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtEnqueueData(q, msg, 0, NULL, 0, 0, 0), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtEnqueueData(q, msg, 4, NULL, 97, 0, 0), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtDequeueData(q, back, sizeof(back), NULL, NULL, 0, 0),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtDequeueData(q, back, sizeof(back), &n, NULL, 0, 0),
	                 ACL_ERROR_RT_QUEUE_EMPTY);
	/* a buffer enqueued with the plain call comes out of the data call */
	void *p;
	size_t sz;
	assert_int_equal(acltdtGetBufData(b3, &p, &sz), ACL_SUCCESS);
	memcpy(p, "xyz", 4);
	assert_int_equal(acltdtEnqueue(q, b3, 0), ACL_SUCCESS);
	assert_int_equal(acltdtDequeueData(q, back, sizeof(back), &n, NULL, 0, 0), ACL_SUCCESS);
	assert_string_equal(back, "xyz");

	/* grant / attach */
	uint32_t perm = 0;
	assert_int_equal(
	        acltdtGrantQueue(q, (int32_t)getpid(), ACL_TDT_QUEUE_PERMISSION_ENQUEUE, 0),
	        ACL_SUCCESS);
	assert_int_equal(acltdtGrantQueue(q, (int32_t)getpid() + 1, 2, 0),
	                 ACL_ERROR_FEATURE_UNSUPPORTED);
	assert_int_equal(acltdtGrantQueue(q, (int32_t)getpid(), 8, 0), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtGrantQueue(777, (int32_t)getpid(), 1, 0),
	                 ACL_ERROR_RT_PARAM_INVALID);
	assert_int_equal(acltdtAttachQueue(q, 0, &perm), ACL_SUCCESS);
	assert_int_equal(perm, 7);
	assert_int_equal(acltdtAttachQueue(q, 0, NULL), ACL_ERROR_INVALID_PARAM);

	/* destroying a queue frees what it holds and wakes its dequeuers */
	assert_int_equal(acltdtEnqueue(q, b1, 0), ACL_SUCCESS);
	uint32_t q2 = make_queue(NULL, 2);
	struct blocked w = { NULL, q2, 2, NULL, 99 };
	pthread_t t;
	pthread_create(&t, NULL, blocked_main, &w);
	sleep_ms(30);
	assert_int_equal(acltdtDestroyQueue(q2), ACL_SUCCESS);
	pthread_join(t, NULL);
	assert_int_equal(w.rc, ACL_ERROR_FAILURE);
	assert_int_equal(acltdtDestroyQueue(q), ACL_SUCCESS);
	assert_int_equal(acltdtFreeBuf(b1), ACL_ERROR_INVALID_PARAM); /* freed with the queue */
	assert_int_equal(acltdtFreeBuf(b2), ACL_SUCCESS);
}

static void test_routes(void **state)
{
	(void)state;
	uint32_t s = make_queue("rs", 4), m = make_queue("rm", 4), d = make_queue("rd", 4);
	acltdtQueueRoute *r1 = acltdtCreateQueueRoute(s, m);
	acltdtQueueRoute *r2 = acltdtCreateQueueRoute(m, d);
	acltdtQueueRouteList *l = acltdtCreateQueueRouteList();
	assert_int_equal(acltdtGetQueueRouteNum(l), 0);
	assert_int_equal(acltdtAddQueueRoute(l, r1), ACL_SUCCESS);
	assert_int_equal(acltdtAddQueueRoute(l, r2), ACL_SUCCESS);
	assert_int_equal(acltdtAddQueueRoute(l, NULL), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtAddQueueRoute(NULL, r1), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtGetQueueRouteNum(l), 2);
	/* an item queued on s before the bind goes to d's consumers after it */
	acltdtBuf b, out;
	assert_int_equal(acltdtAllocBuf(4, 0, &b), ACL_SUCCESS);
	assert_int_equal(acltdtEnqueue(s, b, 0), ACL_SUCCESS);
	assert_int_equal(acltdtBindQueueRoutes(l), ACL_SUCCESS);
	assert_int_equal(acltdtGetQueueRoute(l, 0, r1), ACL_SUCCESS);
	int32_t st = -1;
	size_t rs = 0;
	assert_int_equal(
	        acltdtGetQueueRouteParam(r1, ACL_TDT_QUEUE_ROUTE_STATUS_INT32, 4, &rs, &st),
	        ACL_SUCCESS);
	assert_int_equal(st, ACL_TDT_QUEUE_ROUTE_BIND);
	assert_int_equal(acltdtDequeue(s, &out, 0), ACL_ERROR_RT_QUEUE_EMPTY); /* routed away */
	assert_int_equal(acltdtDequeue(m, &out, 0), ACL_ERROR_RT_QUEUE_EMPTY);
	assert_int_equal(acltdtDequeue(d, &out, 0), ACL_SUCCESS);
	assert_ptr_equal(out, b);
	/* a blocked dequeuer of d wakes for an enqueue on s */
	struct blocked w = { NULL, d, 2, NULL, 99 };
	pthread_t t;
	pthread_create(&t, NULL, blocked_main, &w);
	sleep_ms(20);
	assert_int_equal(acltdtEnqueue(s, b, 0), ACL_SUCCESS);
	pthread_join(t, NULL);
	assert_int_equal(w.rc, ACL_SUCCESS);

	/* a cycle and a second destination are refused, per route */
	acltdtQueueRoute *bad = acltdtCreateQueueRoute(d, s);
	acltdtQueueRoute *dup = acltdtCreateQueueRoute(s, d);
	acltdtQueueRouteList *bl = acltdtCreateQueueRouteList();
	assert_int_equal(acltdtAddQueueRoute(bl, bad), ACL_SUCCESS);
	assert_int_equal(acltdtAddQueueRoute(bl, dup), ACL_SUCCESS);
	assert_int_equal(acltdtBindQueueRoutes(bl), ACL_ERROR_FAILURE);
	assert_int_equal(acltdtGetQueueRoute(bl, 0, bad), ACL_SUCCESS);
	assert_int_equal(
	        acltdtGetQueueRouteParam(bad, ACL_TDT_QUEUE_ROUTE_STATUS_INT32, 4, &rs, &st),
	        ACL_SUCCESS);
	assert_int_equal(st, ACL_TDT_QUEUE_ROUTE_BIND_ABNORMAL);
	/* a queue in a bound route cannot be destroyed */
	assert_int_equal(acltdtDestroyQueue(m), ACL_ERROR_FAILURE);

	/* query */
	acltdtQueueRouteQueryInfo *qi = acltdtCreateQueueRouteQueryInfo();
	acltdtQueueRouteList *ql = acltdtCreateQueueRouteList();
	assert_int_equal(acltdtQueryQueueRoutes(qi, ql), ACL_ERROR_INVALID_PARAM); /* no mode */
	acltdtQueueRouteQueryMode mode = ACL_TDT_QUEUE_ROUTE_QUERY_DST;
	assert_int_equal(acltdtSetQueueRouteQueryInfo(qi, ACL_TDT_QUEUE_ROUTE_QUERY_MODE_ENUM,
	                                              sizeof(mode), &mode),
	                 ACL_SUCCESS);
	assert_int_equal(acltdtQueryQueueRoutes(qi, ql), ACL_ERROR_INVALID_PARAM); /* no dst */
	assert_int_equal(
	        acltdtSetQueueRouteQueryInfo(qi, ACL_TDT_QUEUE_ROUTE_QUERY_DST_ID_UINT32, 4, &d),
	        ACL_SUCCESS);
	assert_int_equal(acltdtQueryQueueRoutes(qi, ql), ACL_SUCCESS);
	assert_int_equal(acltdtGetQueueRouteNum(ql), 1);
	acltdtQueueRoute *view = acltdtCreateQueueRoute(0, 0);
	assert_int_equal(acltdtGetQueueRoute(ql, 0, view), ACL_SUCCESS);
	assert_int_equal(acltdtGetQueueRoute(ql, 1, view), ACL_ERROR_INVALID_PARAM);
	uint32_t src = 0, dst = 0;
	assert_int_equal(
	        acltdtGetQueueRouteParam(view, ACL_TDT_QUEUE_ROUTE_SRC_UINT32, 4, &rs, &src),
	        ACL_SUCCESS);
	assert_int_equal(
	        acltdtGetQueueRouteParam(view, ACL_TDT_QUEUE_ROUTE_DST_UINT32, 4, &rs, &dst),
	        ACL_SUCCESS);
	assert_int_equal(src, m);
	assert_int_equal(dst, d);
	assert_int_equal(acltdtGetQueueRouteParam(view, (acltdtQueueRouteParamType)3, 4, &rs, &dst),
	                 ACL_ERROR_INVALID_PARAM);
	assert_int_equal(
	        acltdtGetQueueRouteParam(view, ACL_TDT_QUEUE_ROUTE_DST_UINT32, 2, &rs, &dst),
	        ACL_ERROR_INVALID_PARAM);
	assert_int_equal(
	        acltdtGetQueueRouteParam(NULL, ACL_TDT_QUEUE_ROUTE_DST_UINT32, 4, &rs, &dst),
	        ACL_ERROR_INVALID_PARAM);
	mode = ACL_TDT_QUEUE_ROUTE_QUERY_SRC_AND_DST;
	assert_int_equal(
	        acltdtSetQueueRouteQueryInfo(qi, ACL_TDT_QUEUE_ROUTE_QUERY_MODE_ENUM, 4, &mode),
	        ACL_SUCCESS);
	assert_int_equal(
	        acltdtSetQueueRouteQueryInfo(qi, ACL_TDT_QUEUE_ROUTE_QUERY_SRC_ID_UINT32, 4, &s),
	        ACL_SUCCESS);
	assert_int_equal(acltdtQueryQueueRoutes(qi, ql), ACL_SUCCESS);
	assert_int_equal(acltdtGetQueueRouteNum(ql), 0); /* s routes to m, not d */
	mode = ACL_TDT_QUEUE_ROUTE_QUERY_ABNORMAL;
	assert_int_equal(
	        acltdtSetQueueRouteQueryInfo(qi, ACL_TDT_QUEUE_ROUTE_QUERY_MODE_ENUM, 4, &mode),
	        ACL_SUCCESS);
	assert_int_equal(acltdtQueryQueueRoutes(qi, ql), ACL_SUCCESS);
	assert_int_equal(acltdtGetQueueRouteNum(ql), 0);
	mode = (acltdtQueueRouteQueryMode)5;
	assert_int_equal(
	        acltdtSetQueueRouteQueryInfo(qi, ACL_TDT_QUEUE_ROUTE_QUERY_MODE_ENUM, 4, &mode),
	        ACL_SUCCESS);
	assert_int_equal(acltdtQueryQueueRoutes(qi, ql), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(
	        acltdtSetQueueRouteQueryInfo(qi, (acltdtQueueRouteQueryInfoParamType)3, 4, &mode),
	        ACL_ERROR_INVALID_PARAM);
	assert_int_equal(
	        acltdtSetQueueRouteQueryInfo(qi, ACL_TDT_QUEUE_ROUTE_QUERY_MODE_ENUM, 8, &mode),
	        ACL_ERROR_INVALID_PARAM);
	assert_int_equal(
	        acltdtSetQueueRouteQueryInfo(NULL, ACL_TDT_QUEUE_ROUTE_QUERY_MODE_ENUM, 4, &mode),
	        ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtQueryQueueRoutes(NULL, ql), ACL_ERROR_INVALID_PARAM);

	/* unbind: s's items are s's again */
	assert_int_equal(acltdtUnbindQueueRoutes(l), ACL_SUCCESS);
	assert_int_equal(acltdtUnbindQueueRoutes(l), ACL_ERROR_FAILURE); /* not bound now */
	assert_int_equal(acltdtEnqueue(s, b, 0), ACL_SUCCESS);
	assert_int_equal(acltdtDequeue(d, &out, 0), ACL_ERROR_RT_QUEUE_EMPTY);
	assert_int_equal(acltdtDequeue(s, &out, 0), ACL_SUCCESS);
	assert_int_equal(acltdtFreeBuf(b), ACL_SUCCESS);

	assert_int_equal(acltdtDestroyQueueRouteQueryInfo(qi), ACL_SUCCESS);
	assert_int_equal(acltdtDestroyQueueRouteQueryInfo(qi), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtDestroyQueueRouteList(ql), ACL_SUCCESS);
	assert_int_equal(acltdtDestroyQueueRouteList(bl), ACL_SUCCESS);
	assert_int_equal(acltdtDestroyQueueRouteList(l), ACL_SUCCESS);
	assert_int_equal(acltdtDestroyQueueRouteList(l), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtBindQueueRoutes(l), ACL_ERROR_INVALID_PARAM);
	for (acltdtQueueRoute **r = (acltdtQueueRoute *[]){ r1, r2, bad, dup, view, NULL }; *r; r++)
		assert_int_equal(acltdtDestroyQueueRoute(*r), ACL_SUCCESS);
	assert_int_equal(acltdtDestroyQueueRoute(r1), ACL_ERROR_INVALID_PARAM);
	assert_int_equal(acltdtDestroyQueue(s), ACL_SUCCESS);
	assert_int_equal(acltdtDestroyQueue(m), ACL_SUCCESS);
	assert_int_equal(acltdtDestroyQueue(d), ACL_SUCCESS);
}

static void test_no_context(void **state)
{
	(void)state;
	/* acltdtCreateQueue needs the thread's device (ACL: rtGetDevice) */
	assert_int_equal(aclrtResetDeviceForce(0), ACL_SUCCESS);
	uint32_t qid;
	aclError rc = acltdtCreateQueue(NULL, &qid);
	assert_int_not_equal(rc, ACL_SUCCESS);
	assert_int_equal(aclrtSetDevice(0), ACL_SUCCESS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_items_and_datasets),
		cmocka_unit_test(test_channel_send_receive),
		cmocka_unit_test(test_channel_stop_destroy_wake),
		cmocka_unit_test(test_queue_attr),
		cmocka_unit_test(test_bufs),
		cmocka_unit_test(test_queue_enqueue_dequeue),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_no_context),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
