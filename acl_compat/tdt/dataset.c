/*
 * acl_compat/tdt/dataset.c - acltdtDataItem and acltdtDataset, and the
 * messages a channel carries (tdt.h).
 *
 * An item made by acltdtCreateDataItem refers to the caller's data (ACL's
 * rule: not copied). A send copies every item of the dataset into ONE
 * message block (headers, dims, data); a receive turns the block into items
 * the receiving dataset owns, each pointing into the block, which is freed
 * with the last of them.
 */
#include "acl_compat/tdt/tdt.h"

#include <string.h>

#include "base/alloc.h"
#include "base/atomic.h"

struct weir_acl_tdt_msg;

struct weir_acl_tdt_item {
	struct weir_acl_kobj hdr;
	int32_t tdt_type;             /* I */
	int32_t data_type;            /* I */
	size_t ndims;                 /* I */
	int64_t *dims;                /* I: ndims entries (inside this allocation or the message) */
	void *data;                   /* I */
	size_t size;                  /* I */
	size_t slice_num, slice_id;   /* I */
	struct weir_acl_tdt_msg *msg; /* I: the received message it points into, or NULL */
	int64_t dims_own[];           /* dims of a created item */
};

struct weir_acl_tdt_dataset {
	struct weir_acl_kobj hdr;
	void **items;  /* U: item handles */
	size_t n, cap; /* U */
	bool owns;     /* U: filled by a receive: destroying it destroys the items */
};

struct weir_acl_tdt_msg_item {
	int32_t tdt_type, data_type;
	size_t ndims, size, slice_num, slice_id;
	int64_t *dims;
	void *data;
};

struct weir_acl_tdt_msg {
	_Atomic uint32_t refs; /* A: received items still pointing into the block */
	size_t n;
	struct weir_acl_tdt_msg_item it[];
};

static struct weir_acl_tdt_item *weir_acl_item_get(const void *h)
{
	struct weir_acl_kobj *o = weir__acl_tdt_get(h, WEIR_ACL_TDT_ITEM);
	return o ? caa_container_of(o, struct weir_acl_tdt_item, hdr) : NULL;
}

static struct weir_acl_tdt_dataset *weir_acl_dataset_get(const void *h)
{
	struct weir_acl_kobj *o = weir__acl_tdt_get(h, WEIR_ACL_TDT_DATASET);
	return o ? caa_container_of(o, struct weir_acl_tdt_dataset, hdr) : NULL;
}

/* ------------------------------------------------------------------------ */
/* Data items                                                                */
/* ------------------------------------------------------------------------ */

void weir__acl_tdt_msg_free(struct weir_acl_tdt_msg *m)
{
	weir__free(m);
}

static void weir_acl_item_fini(struct weir_acl_kobj *o)
{
	struct weir_acl_tdt_item *it = caa_container_of(o, struct weir_acl_tdt_item, hdr);
	/* MSG-R1: acq_rel - the last item frees the block after every other
	 * item's reads; pairs with itself. */
	if (it->msg && weir_fas_acqrel(&it->msg->refs, 1) == 1)
		weir__acl_tdt_msg_free(it->msg);
}

#define WEIR_ACL_ITEM_NULL(api, ret)                                                             \
	do {                                                                                     \
		weir__acl_fail(ACL_ERROR_INVALID_PARAM, (api),                                   \
		               "dataItem %p is NULL or not a live data item", (void *)dataItem); \
		return (ret);                                                                    \
	} while (0)

ACL_FUNC_VISIBILITY acltdtTensorType acltdtGetTensorTypeFromItem(const acltdtDataItem *dataItem)
{
	struct weir_acl_tdt_item *it = weir_acl_item_get(dataItem);
	if (!it)
		WEIR_ACL_ITEM_NULL("acltdtGetTensorTypeFromItem", ACL_TENSOR_DATA_UNDEFINED);
	acltdtTensorType t = (acltdtTensorType)it->tdt_type;
	weir__acl_tdt_put(&it->hdr);
	return t;
}

ACL_FUNC_VISIBILITY aclDataType acltdtGetDataTypeFromItem(const acltdtDataItem *dataItem)
{
	struct weir_acl_tdt_item *it = weir_acl_item_get(dataItem);
	if (!it)
		WEIR_ACL_ITEM_NULL("acltdtGetDataTypeFromItem", ACL_DT_UNDEFINED);
	aclDataType t = (aclDataType)it->data_type;
	weir__acl_tdt_put(&it->hdr);
	return t;
}

ACL_FUNC_VISIBILITY void *acltdtGetDataAddrFromItem(const acltdtDataItem *dataItem)
{
	struct weir_acl_tdt_item *it = weir_acl_item_get(dataItem);
	if (!it)
		WEIR_ACL_ITEM_NULL("acltdtGetDataAddrFromItem", NULL);
	void *p = it->data;
	weir__acl_tdt_put(&it->hdr);
	return p;
}

ACL_FUNC_VISIBILITY size_t acltdtGetDataSizeFromItem(const acltdtDataItem *dataItem)
{
	struct weir_acl_tdt_item *it = weir_acl_item_get(dataItem);
	if (!it)
		WEIR_ACL_ITEM_NULL("acltdtGetDataSizeFromItem", 0);
	size_t n = it->size;
	weir__acl_tdt_put(&it->hdr);
	return n;
}

ACL_FUNC_VISIBILITY size_t acltdtGetDimNumFromItem(const acltdtDataItem *dataItem)
{
	struct weir_acl_tdt_item *it = weir_acl_item_get(dataItem);
	if (!it)
		WEIR_ACL_ITEM_NULL("acltdtGetDimNumFromItem", 0);
	size_t n = it->ndims;
	weir__acl_tdt_put(&it->hdr);
	return n;
}

ACL_FUNC_VISIBILITY aclError acltdtGetSliceInfoFromItem(const acltdtDataItem *dataItem,
                                                        size_t *sliceNum, size_t *sliceId)
{
	const char *api = "acltdtGetSliceInfoFromItem";
	if (!sliceNum || !sliceId)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      !sliceNum ? "sliceNum" : "sliceId");
	struct weir_acl_tdt_item *it = weir_acl_item_get(dataItem);
	if (!it)
		WEIR_ACL_ITEM_NULL(api, ACL_ERROR_INVALID_PARAM);
	*sliceNum = it->slice_num;
	*sliceId = it->slice_id;
	weir__acl_tdt_put(&it->hdr);
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError acltdtGetDimsFromItem(const acltdtDataItem *dataItem, int64_t *dims,
                                                   size_t dimNum)
{
	const char *api = "acltdtGetDimsFromItem";
	if (!dims && dimNum != 0)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "dims is NULL but dimNum is %zu (must then be 0)", dimNum);
	if (dims && dimNum == 0)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "dims is not NULL but dimNum is 0");
	struct weir_acl_tdt_item *it = weir_acl_item_get(dataItem);
	if (!it)
		WEIR_ACL_ITEM_NULL(api, ACL_ERROR_INVALID_PARAM);
	if (dimNum < it->ndims) {
		size_t need = it->ndims;
		weir__acl_tdt_put(&it->hdr);
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "dimNum %zu is less than the item's %zu dims", dimNum, need);
	}
	if (it->ndims)
		memcpy(dims, it->dims, it->ndims * sizeof(int64_t));
	weir__acl_tdt_put(&it->hdr);
	return ACL_SUCCESS;
}

static bool weir_acl_tdt_type_valid(int32_t t)
{
	return t >= ACL_TENSOR_DATA_TENSOR && t <= ACL_TENSOR_DATA_END_TENSOR;
}

ACL_FUNC_VISIBILITY acltdtDataItem *acltdtCreateDataItem(acltdtTensorType tdtType,
                                                         const int64_t *dims, size_t dimNum,
                                                         aclDataType dataType, void *data,
                                                         size_t size)
{
	const char *api = "acltdtCreateDataItem";
	if (!dims && dimNum != 0) {
		weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		               "dims is NULL but dimNum is %zu (must then be 0)", dimNum);
		return NULL;
	}
	if (dims && dimNum == 0) {
		weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "dims is not NULL but dimNum is 0");
		return NULL;
	}
	if (dimNum > WEIR_ACL_TDT_DIMS_MAX) {
		weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "dimNum %zu is above the limit %d",
		               dimNum, WEIR_ACL_TDT_DIMS_MAX);
		return NULL;
	}
	if (!weir_acl_tdt_type_valid((int32_t)tdtType)) {
		weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		               "tdtType %d is not an acltdtTensorType of a data item",
		               (int)tdtType);
		return NULL;
	}
	if (tdtType != ACL_TENSOR_DATA_TENSOR) {
		/* ACL's rule: only a tensor has dims, a data type and data. */
		if (dims) {
			weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
			               "dims must be NULL for tdtType %d (not a tensor)",
			               (int)tdtType);
			return NULL;
		}
		dimNum = 0;
		dataType = ACL_DT_UNDEFINED;
		data = NULL;
		size = 0;
	} else if (!data && size != 0) {
		weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "data is NULL but size is %zu", size);
		return NULL;
	}
	struct weir_acl_tdt_item *it = weir__calloc(1, sizeof(*it) + dimNum * sizeof(int64_t));
	if (!it) {
		weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "out of memory");
		return NULL;
	}
	it->tdt_type = (int32_t)tdtType;
	it->data_type = (int32_t)dataType;
	it->ndims = dimNum;
	it->dims = it->dims_own;
	if (dimNum)
		memcpy(it->dims_own, dims, dimNum * sizeof(int64_t));
	it->data = data;
	it->size = size;
	if (!weir__acl_tdt_publish(&it->hdr, WEIR_ACL_TDT_ITEM, weir_acl_item_fini)) {
		weir__free(it);
		weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "no handle left in the registry");
		return NULL;
	}
	return (acltdtDataItem *)weir__acl_tdt_handle(&it->hdr);
}

ACL_FUNC_VISIBILITY aclError acltdtDestroyDataItem(acltdtDataItem *dataItem)
{
	return weir__acl_tdt_destroy(dataItem, WEIR_ACL_TDT_ITEM, "acltdtDestroyDataItem",
	                             "dataItem", NULL);
}

/* ------------------------------------------------------------------------ */
/* Datasets                                                                  */
/* ------------------------------------------------------------------------ */

/* Destroy the items a received dataset owns (U: the dataset's user). */
static void weir_acl_dataset_drop_owned(struct weir_acl_tdt_dataset *d)
{
	if (d->owns) {
		for (size_t i = 0; i < d->n; i++)
			(void)weir__acl_tdt_destroy(d->items[i], WEIR_ACL_TDT_ITEM,
			                            "acltdtDestroyDataset", "dataItem", NULL);
	}
	d->n = 0;
	d->owns = false;
}

static void weir_acl_dataset_fini(struct weir_acl_kobj *o)
{
	struct weir_acl_tdt_dataset *d = caa_container_of(o, struct weir_acl_tdt_dataset, hdr);
	weir__free(d->items);
}

static void weir_acl_dataset_pre_destroy(struct weir_acl_kobj *o)
{
	weir_acl_dataset_drop_owned(caa_container_of(o, struct weir_acl_tdt_dataset, hdr));
}

ACL_FUNC_VISIBILITY acltdtDataset *acltdtCreateDataset(void)
{
	struct weir_acl_tdt_dataset *d = weir__calloc(1, sizeof(*d));
	if (!d) {
		weir__acl_fail(ACL_ERROR_BAD_ALLOC, "acltdtCreateDataset", "out of memory");
		return NULL;
	}
	if (!weir__acl_tdt_publish(&d->hdr, WEIR_ACL_TDT_DATASET, weir_acl_dataset_fini)) {
		weir__free(d);
		weir__acl_fail(ACL_ERROR_BAD_ALLOC, "acltdtCreateDataset",
		               "no handle left in the registry");
		return NULL;
	}
	return (acltdtDataset *)weir__acl_tdt_handle(&d->hdr);
}

ACL_FUNC_VISIBILITY aclError acltdtDestroyDataset(acltdtDataset *dataset)
{
	return weir__acl_tdt_destroy(dataset, WEIR_ACL_TDT_DATASET, "acltdtDestroyDataset",
	                             "dataset", weir_acl_dataset_pre_destroy);
}

#define WEIR_ACL_DATASET_BAD(api, ret)                                                             \
	do {                                                                                       \
		weir__acl_fail(ACL_ERROR_INVALID_PARAM, (api),                                     \
		               "dataset %p is NULL or not a live dataset", (const void *)dataset); \
		return (ret);                                                                      \
	} while (0)

ACL_FUNC_VISIBILITY acltdtDataItem *acltdtGetDataItem(const acltdtDataset *dataset, size_t index)
{
	struct weir_acl_tdt_dataset *d = weir_acl_dataset_get(dataset);
	if (!d)
		WEIR_ACL_DATASET_BAD("acltdtGetDataItem", NULL);
	void *h = NULL;
	size_t n = d->n;
	if (index < n)
		h = d->items[index];
	weir__acl_tdt_put(&d->hdr);
	if (!h)
		weir__acl_fail(ACL_ERROR_INVALID_PARAM, "acltdtGetDataItem",
		               "index %zu is not below the dataset size %zu", index, n);
	return (acltdtDataItem *)h;
}

ACL_FUNC_VISIBILITY aclError acltdtAddDataItem(acltdtDataset *dataset, acltdtDataItem *dataItem)
{
	const char *api = "acltdtAddDataItem";
	struct weir_acl_tdt_dataset *d = weir_acl_dataset_get(dataset);
	if (!d)
		WEIR_ACL_DATASET_BAD(api, ACL_ERROR_INVALID_PARAM);
	struct weir_acl_tdt_item *it = weir_acl_item_get(dataItem);
	aclError rc = ACL_SUCCESS;
	if (!it) {
		rc = weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                    "dataItem %p is NULL or not a live data item",
		                    (void *)dataItem);
	} else if (d->owns) {
		rc = weir__acl_fail(ACL_ERROR_FEATURE_UNSUPPORTED, api,
		                    "the dataset holds received items; add to a new dataset");
	} else {
		if (d->n == d->cap) {
			size_t cap = d->cap ? d->cap * 2 : 4;
			void **v = weir__realloc(d->items, cap * sizeof(*v));
			if (!v)
				rc = weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "out of memory");
			else {
				d->items = v;
				d->cap = cap;
			}
		}
		if (rc == ACL_SUCCESS)
			d->items[d->n++] = dataItem;
	}
	if (it)
		weir__acl_tdt_put(&it->hdr);
	weir__acl_tdt_put(&d->hdr);
	return rc;
}

ACL_FUNC_VISIBILITY size_t acltdtGetDatasetSize(const acltdtDataset *dataset)
{
	struct weir_acl_tdt_dataset *d = weir_acl_dataset_get(dataset);
	if (!d)
		WEIR_ACL_DATASET_BAD("acltdtGetDatasetSize", 0);
	size_t n = d->n;
	weir__acl_tdt_put(&d->hdr);
	return n;
}

ACL_FUNC_VISIBILITY const char *acltdtGetDatasetName(const acltdtDataset *dataset)
{
	struct weir_acl_tdt_dataset *d = weir_acl_dataset_get(dataset);
	if (!d)
		WEIR_ACL_DATASET_BAD("acltdtGetDatasetName", NULL);
	weir__acl_tdt_put(&d->hdr);
	/* No public call names a dataset; a sent one arrives unnamed too. */
	return "";
}

/* ------------------------------------------------------------------------ */
/* Messages                                                                  */
/* ------------------------------------------------------------------------ */

static size_t weir_acl_align64(size_t n)
{
	return (n + 63u) & ~(size_t)63u;
}

aclError weir__acl_tdt_msg_build(const acltdtDataset *dataset, struct weir_acl_tdt_msg **out,
                                 const char *api)
{
	struct weir_acl_tdt_dataset *d = weir_acl_dataset_get(dataset);
	if (!d)
		WEIR_ACL_DATASET_BAD(api, ACL_ERROR_INVALID_PARAM);
	size_t n = d->n;
	aclError rc = ACL_SUCCESS;
	struct weir_acl_tdt_item **its = n ? weir__calloc(n, sizeof(*its)) : NULL;
	if (n && !its) {
		weir__acl_tdt_put(&d->hdr);
		return weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "out of memory");
	}
	size_t bytes = weir_acl_align64(sizeof(struct weir_acl_tdt_msg) +
	                                n * sizeof(struct weir_acl_tdt_msg_item));
	for (size_t i = 0; i < n && rc == ACL_SUCCESS; i++) {
		its[i] = weir_acl_item_get(d->items[i]);
		if (!its[i]) {
			rc = weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
			                    "item %zu of the dataset was destroyed", i);
			break;
		}
		int32_t t = its[i]->tdt_type;
		if (t != ACL_TENSOR_DATA_TENSOR && t != ACL_TENSOR_DATA_END_OF_SEQUENCE &&
		    t != ACL_TENSOR_DATA_ABNORMAL)
			rc = weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
			                    "item %zu has tdtType %d; a channel carries tensor, "
			                    "end-of-sequence and abnormal items",
			                    i, (int)t);
		bytes += weir_acl_align64(its[i]->ndims * sizeof(int64_t)) +
		         weir_acl_align64(its[i]->size);
	}
	struct weir_acl_tdt_msg *m = NULL;
	if (rc == ACL_SUCCESS) {
		m = weir__aligned_alloc(64, bytes);
		if (!m)
			rc = weir__acl_fail(ACL_ERROR_BAD_ALLOC, api,
			                    "out of memory for a %zu-byte message", bytes);
	}
	if (rc == ACL_SUCCESS) {
		atomic_init(&m->refs, 0);
		m->n = n;
		unsigned char *p =
		        (unsigned char *)m + weir_acl_align64(sizeof(*m) + n * sizeof(m->it[0]));
		for (size_t i = 0; i < n; i++) {
			struct weir_acl_tdt_msg_item *mi = &m->it[i];
			const struct weir_acl_tdt_item *it = its[i];
			mi->tdt_type = it->tdt_type;
			mi->data_type = it->data_type;
			mi->ndims = it->ndims;
			mi->size = it->size;
			mi->slice_num = it->slice_num;
			mi->slice_id = it->slice_id;
			mi->dims = (int64_t *)p;
			if (it->ndims)
				memcpy(p, it->dims, it->ndims * sizeof(int64_t));
			p += weir_acl_align64(it->ndims * sizeof(int64_t));
			mi->data = it->size ? p : NULL;
			if (it->size)
				memcpy(p, it->data, it->size);
			p += weir_acl_align64(it->size);
		}
		*out = m;
	}
	for (size_t i = 0; i < n; i++)
		if (its[i])
			weir__acl_tdt_put(&its[i]->hdr);
	weir__free(its);
	weir__acl_tdt_put(&d->hdr);
	return rc;
}

aclError weir__acl_tdt_can_receive(acltdtDataset *dataset, const char *api)
{
	struct weir_acl_tdt_dataset *d = weir_acl_dataset_get(dataset);
	if (!d)
		WEIR_ACL_DATASET_BAD(api, ACL_ERROR_INVALID_PARAM);
	bool ok = d->n == 0 || d->owns;
	weir__acl_tdt_put(&d->hdr);
	if (!ok)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api,
		                      "the dataset holds items added by the program; receive "
		                      "into an empty dataset");
	return ACL_SUCCESS;
}

aclError weir__acl_tdt_msg_deliver(struct weir_acl_tdt_msg *m, acltdtDataset *dataset,
                                   const char *api)
{
	struct weir_acl_tdt_dataset *d = weir_acl_dataset_get(dataset);
	if (!d) {
		weir__acl_tdt_msg_free(m);
		WEIR_ACL_DATASET_BAD(api, ACL_ERROR_INVALID_PARAM);
	}
	weir_acl_dataset_drop_owned(d);
	aclError rc = ACL_SUCCESS;
	if (d->cap < m->n) {
		void **v = weir__realloc(d->items, m->n * sizeof(*v));
		if (!v)
			rc = weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "out of memory");
		else {
			d->items = v;
			d->cap = m->n;
		}
	}
	/* Every item holds the block; the count is set before any item can
	 * be destroyed (none is published yet). */
	atomic_init(&m->refs, (uint32_t)m->n);
	size_t made = 0;
	for (size_t i = 0; i < m->n && rc == ACL_SUCCESS; i++) {
		struct weir_acl_tdt_item *it = weir__calloc(1, sizeof(*it));
		if (!it) {
			rc = weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "out of memory");
			break;
		}
		const struct weir_acl_tdt_msg_item *mi = &m->it[i];
		it->tdt_type = mi->tdt_type;
		it->data_type = mi->data_type;
		it->ndims = mi->ndims;
		it->dims = mi->dims;
		it->data = mi->data;
		it->size = mi->size;
		it->slice_num = mi->slice_num;
		it->slice_id = mi->slice_id;
		it->msg = m;
		if (!weir__acl_tdt_publish(&it->hdr, WEIR_ACL_TDT_ITEM, weir_acl_item_fini)) {
			weir__free(it);
			rc = weir__acl_fail(ACL_ERROR_BAD_ALLOC, api,
			                    "no handle left in the registry");
			break;
		}
		d->items[made++] = weir__acl_tdt_handle(&it->hdr);
	}
	d->n = made;
	d->owns = true;
	if (rc != ACL_SUCCESS) {
		/* The items not made never take their share of the block. */
		uint32_t unused = (uint32_t)(m->n - made);
		if (made == 0 || weir_fas_acqrel(&m->refs, unused) == unused)
			weir__acl_tdt_msg_free(m);
		weir_acl_dataset_drop_owned(d);
	} else if (m->n == 0) {
		weir__acl_tdt_msg_free(m);
	}
	weir__acl_tdt_put(&d->hdr);
	return rc;
}
