/*
 * acl_compat/aclnn/meta.c - aclnn's objects (aclnn/acl_meta.h): tensors,
 * scalars, arrays and lists, over the one handle registry (nn.h).
 *
 * A tensor's description may change after creation (aclInitTensor, the
 * address setters), so its fields are guarded by the tensor's own mutex;
 * every other object is immutable from creation to destruction.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "acl_compat/aclnn/nn.h"
#include "acl_compat/acl_internal.h"
#include "base/alloc.h"
#include "base/atomic.h"
#include "base/half.h"
#include "base/obj.h"
#include "base/rcu.h"

/* ------------------------------------------------------------------------ */
/* The registry type                                                          */
/* ------------------------------------------------------------------------ */

struct weir_acl_ktype nn_type = { .name = "aclnn" };

aclnnStatus nn_obj_destroy(const void *h, enum nn_kind kind, const char *api, const char *what)
{
	if (!h)
		return ACLNN_SUCCESS;
	struct weir_acl_kobj *o = nn_obj_get(h, kind);
	if (!o)
		return weir__acl_fail(ACLNN_ERR_PARAM_INVALID, api,
		                      "%s %p is not a live %s (destroyed or never created)", what,
		                      h, what);
	if (!nn_obj_unpublish(o)) {
		nn_obj_put(o);
		return weir__acl_fail(ACLNN_ERR_PARAM_INVALID, api,
		                      "%s %p is being destroyed by another call", what, h);
	}
	nn_obj_put(o); /* ours */
	nn_obj_put(o); /* the handle's */
	return ACLNN_SUCCESS;
}

/* ------------------------------------------------------------------------ */
/* Tensors                                                                    */
/* ------------------------------------------------------------------------ */

struct nn_tensor {
	struct weir_acl_kobj o;
	pthread_mutex_t lock;
	nn_tensor_info_t info;                   /* G: lock */
	uint32_t storage_rank;                   /* G: lock */
	int64_t storage_dims[WEIR_MAX_RANK * 2]; /* G: lock; ND storage may differ */
};

static void nn_tensor_fini(struct weir_acl_kobj *o)
{
	struct nn_tensor *t = caa_container_of(o, struct nn_tensor, o);
	pthread_mutex_destroy(&t->lock);
}

/* Validate a description into t's fields; on failure record why. */
static aclnnStatus nn_tensor_describe(struct nn_tensor *t, const char *api, const int64_t *dims,
                                      uint64_t rank, aclDataType dt, const int64_t *stride,
                                      int64_t offset, aclFormat format, const int64_t *sdims,
                                      uint64_t srank, void *data)
{
	if ((!dims && rank) || (!sdims && srank))
		return weir__acl_fail(ACLNN_ERR_PARAM_NULLPTR, api,
		                      "viewDims or storageDims is NULL with a non-zero count");
	if (rank > WEIR_MAX_RANK || srank > WEIR_MAX_RANK * 2)
		return weir__acl_fail(ACLNN_ERR_PARAM_INVALID, api,
		                      "%llu view dims / %llu storage dims: at most %d / %d",
		                      (unsigned long long)rank, (unsigned long long)srank,
		                      WEIR_MAX_RANK, WEIR_MAX_RANK * 2);
	if (!weir_dtype_size(dt))
		return weir__acl_fail(ACLNN_ERR_PARAM_INVALID, api,
		                      "dataType %d is not one weir computes with", (int)dt);
	if (offset < 0)
		return weir__acl_fail(ACLNN_ERR_PARAM_INVALID, api, "offset %lld is negative",
		                      (long long)offset);
	nn_tensor_info_t in = { .dtype = dt,
		                .format = format,
		                .rank = (uint32_t)rank,
		                .offset = offset,
		                .data = data };
	int64_t run = 1;
	for (int k = (int)rank - 1; k >= 0; k--) {
		if (dims[k] < 0)
			return weir__acl_fail(ACLNN_ERR_PARAM_INVALID, api,
			                      "view dim %d is %lld (negative)", k,
			                      (long long)dims[k]);
		in.dims[k] = dims[k];
		if (stride && stride[k] < 0)
			return weir__acl_fail(
			        ACLNN_ERR_PARAM_INVALID, api,
			        "stride %d is %lld (negative strides are not supported)", k,
			        (long long)stride[k]);
		in.strides[k] = stride ? stride[k] : run;
		if (dims[k] && run > INT64_MAX / 16 / dims[k])
			return weir__acl_fail(ACLNN_ERR_PARAM_INVALID, api, "view is too large");
		run *= dims[k] ? dims[k] : 1;
	}
	weir_tensor_desc_t d;
	if (weir_tensor_desc_init(&d, dt, (uint32_t)rank, in.dims) != WEIR_OK)
		return weir__acl_fail(ACLNN_ERR_PARAM_INVALID, api, "view is too large");
	for (uint64_t k = 0; k < srank; k++)
		if (sdims[k] < 0)
			return weir__acl_fail(ACLNN_ERR_PARAM_INVALID, api,
			                      "storage dim %llu is %lld (negative)",
			                      (unsigned long long)k, (long long)sdims[k]);
	t->info = in;
	t->storage_rank = (uint32_t)srank;
	for (uint64_t k = 0; k < srank; k++)
		t->storage_dims[k] = sdims[k];
	return ACLNN_SUCCESS;
}

ACL_FUNC_VISIBILITY aclTensor *aclCreateTensor(const int64_t *viewDims, uint64_t viewDimsNum,
                                               aclDataType dataType, const int64_t *stride,
                                               int64_t offset, aclFormat format,
                                               const int64_t *storageDims, uint64_t storageDimsNum,
                                               void *tensorData)
{
	static const char api[] = "aclCreateTensor";
	struct nn_tensor *t = weir__calloc(1, sizeof(*t));
	if (!t) {
		weir__acl_fail(ACLNN_ERR_INNER, api, "out of memory");
		return NULL;
	}
	if (nn_tensor_describe(t, api, viewDims, viewDimsNum, dataType, stride, offset, format,
	                       storageDims, storageDimsNum, tensorData) != ACLNN_SUCCESS) {
		weir__free(t);
		return NULL;
	}
	pthread_mutex_init(&t->lock, NULL);
	if (!nn_obj_publish(&t->o, NN_TENSOR, nn_tensor_fini)) {
		pthread_mutex_destroy(&t->lock);
		weir__free(t);
		weir__acl_fail(ACLNN_ERR_INNER, api, "the handle registry is full");
		return NULL;
	}
	return nn_obj_handle(&t->o);
}

static struct nn_tensor *nn_tensor_ref(const aclTensor *h)
{
	struct weir_acl_kobj *o = nn_obj_get(h, NN_TENSOR);
	return o ? caa_container_of(o, struct nn_tensor, o) : NULL;
}

aclnnStatus nn_tensor_get(const aclTensor *h, nn_tensor_info_t *out)
{
	struct nn_tensor *t = nn_tensor_ref(h);
	if (!t)
		return ACLNN_ERR_PARAM_INVALID;
	pthread_mutex_lock(&t->lock);
	*out = t->info;
	pthread_mutex_unlock(&t->lock);
	nn_obj_put(&t->o);
	return ACLNN_SUCCESS;
}

ACL_FUNC_VISIBILITY aclnnStatus aclInitTensor(aclTensor *tensor, const int64_t *viewDims,
                                              uint64_t viewDimsNum, aclDataType dataType,
                                              const int64_t *stride, int64_t offset,
                                              aclFormat format, const int64_t *storageDims,
                                              uint64_t storageDimsNum, void *tensorDataAddr)
{
	static const char api[] = "aclInitTensor";
	if (!tensor)
		return weir__acl_fail(ACLNN_ERR_PARAM_NULLPTR, api, "tensor is NULL");
	struct nn_tensor *t = nn_tensor_ref(tensor);
	if (!t)
		return weir__acl_fail(ACLNN_ERR_PARAM_INVALID, api,
		                      "tensor %p is not a live aclTensor", (void *)tensor);
	pthread_mutex_lock(&t->lock);
	aclnnStatus rc = nn_tensor_describe(t, api, viewDims, viewDimsNum, dataType, stride, offset,
	                                    format, storageDims, storageDimsNum, tensorDataAddr);
	pthread_mutex_unlock(&t->lock);
	nn_obj_put(&t->o);
	return rc;
}

/* Set a tensor's data address (the executor's setters call this too). */
aclnnStatus nn_tensor_set_addr(const aclTensor *h, void *addr, const char *api);
aclnnStatus nn_tensor_set_addr(const aclTensor *h, void *addr, const char *api)
{
	if (!h)
		return weir__acl_fail(ACLNN_ERR_INNER_NULLPTR, api, "tensor is NULL");
	struct nn_tensor *t = nn_tensor_ref(h);
	if (!t)
		return weir__acl_fail(ACLNN_ERR_PARAM_INVALID, api,
		                      "tensor %p is not a live aclTensor", (const void *)h);
	pthread_mutex_lock(&t->lock);
	t->info.data = addr;
	pthread_mutex_unlock(&t->lock);
	nn_obj_put(&t->o);
	return ACLNN_SUCCESS;
}

ACL_FUNC_VISIBILITY aclnnStatus aclDestroyTensor(const aclTensor *tensor)
{
	return nn_obj_destroy(tensor, NN_TENSOR, "aclDestroyTensor", "aclTensor");
}

/* Copy n int64 values into a malloc'd array for the caller. */
static aclnnStatus nn_dup_dims(const int64_t *src, uint32_t n, int64_t **out, uint64_t *cnt,
                               const char *api)
{
	int64_t *a = malloc((n ? n : 1) * sizeof(*a));
	if (!a)
		return weir__acl_fail(ACLNN_ERR_INNER_NULLPTR, api, "out of memory");
	if (n)
		memcpy(a, src, n * sizeof(*a));
	*out = a;
	*cnt = n;
	return ACLNN_SUCCESS;
}

/* The tensor's description under its lock, or the failure recorded. */
static aclnnStatus nn_tensor_read(const aclTensor *h, const void *o1, const void *o2,
                                  const char *api, nn_tensor_info_t *info, uint32_t *srank,
                                  int64_t *sdims)
{
	if (!h || !o1 || !o2)
		return weir__acl_fail(ACLNN_ERR_PARAM_NULLPTR, api, "%s is NULL",
		                      !h ? "tensor" : "an output pointer");
	struct nn_tensor *t = nn_tensor_ref(h);
	if (!t)
		return weir__acl_fail(ACLNN_ERR_PARAM_INVALID, api,
		                      "tensor %p is not a live aclTensor", (const void *)h);
	pthread_mutex_lock(&t->lock);
	*info = t->info;
	if (srank) {
		*srank = t->storage_rank;
		memcpy(sdims, t->storage_dims, sizeof(t->storage_dims));
	}
	pthread_mutex_unlock(&t->lock);
	nn_obj_put(&t->o);
	return ACLNN_SUCCESS;
}

ACL_FUNC_VISIBILITY aclnnStatus aclGetViewShape(const aclTensor *tensor, int64_t **viewDims,
                                                uint64_t *viewDimsNum)
{
	static const char api[] = "aclGetViewShape";
	nn_tensor_info_t in = { 0 };
	aclnnStatus rc = nn_tensor_read(tensor, viewDims, viewDimsNum, api, &in, NULL, NULL);
	return rc ? rc : nn_dup_dims(in.dims, in.rank, viewDims, viewDimsNum, api);
}

ACL_FUNC_VISIBILITY aclnnStatus aclGetViewStrides(const aclTensor *tensor, int64_t **stridesValue,
                                                  uint64_t *stridesNum)
{
	static const char api[] = "aclGetViewStrides";
	nn_tensor_info_t in = { 0 };
	aclnnStatus rc = nn_tensor_read(tensor, stridesValue, stridesNum, api, &in, NULL, NULL);
	return rc ? rc : nn_dup_dims(in.strides, in.rank, stridesValue, stridesNum, api);
}

ACL_FUNC_VISIBILITY aclnnStatus aclGetStorageShape(const aclTensor *tensor, int64_t **storageDims,
                                                   uint64_t *storageDimsNum)
{
	static const char api[] = "aclGetStorageShape";
	nn_tensor_info_t in = { 0 };
	uint32_t sr = 0;
	int64_t sd[WEIR_MAX_RANK * 2];
	aclnnStatus rc = nn_tensor_read(tensor, storageDims, storageDimsNum, api, &in, &sr, sd);
	return rc ? rc : nn_dup_dims(sd, sr, storageDims, storageDimsNum, api);
}

ACL_FUNC_VISIBILITY aclnnStatus aclGetViewOffset(const aclTensor *tensor, int64_t *offset)
{
	nn_tensor_info_t in = { 0 };
	aclnnStatus rc =
	        nn_tensor_read(tensor, offset, offset, "aclGetViewOffset", &in, NULL, NULL);
	if (!rc)
		*offset = in.offset;
	return rc;
}

ACL_FUNC_VISIBILITY aclnnStatus aclGetFormat(const aclTensor *tensor, aclFormat *format)
{
	nn_tensor_info_t in = { 0 };
	aclnnStatus rc = nn_tensor_read(tensor, format, format, "aclGetFormat", &in, NULL, NULL);
	if (!rc)
		*format = (aclFormat)in.format;
	return rc;
}

ACL_FUNC_VISIBILITY aclnnStatus aclGetDataType(const aclTensor *tensor, aclDataType *dataType)
{
	nn_tensor_info_t in = { 0 };
	aclnnStatus rc =
	        nn_tensor_read(tensor, dataType, dataType, "aclGetDataType", &in, NULL, NULL);
	if (!rc)
		*dataType = (aclDataType)in.dtype;
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Scalars                                                                    */
/* ------------------------------------------------------------------------ */

struct nn_scalar {
	struct weir_acl_kobj o;
	nn_scalar_info_t v; /* I */
};

/* Read one element of dtype dt at p. */
static bool nn_scalar_read(int dt, const void *p, nn_scalar_info_t *v)
{
	v->dtype = dt;
	v->i = 0;
	v->f = 0;
	switch (dt) {
	case ACL_FLOAT: {
		float x;
		memcpy(&x, p, 4);
		v->f = x;
		break;
	}
	case ACL_DOUBLE: memcpy(&v->f, p, 8); break;
	case ACL_FLOAT16: {
		uint16_t h;
		memcpy(&h, p, 2);
		v->f = weir_f16_to_f32(h);
		break;
	}
	case ACL_BF16: {
		uint16_t h;
		memcpy(&h, p, 2);
		v->f = weir_f32_from_bits((uint32_t)h << 16);
		break;
	}
	case ACL_INT8: v->i = *(const int8_t *)p; break;
	case ACL_UINT8: v->i = *(const uint8_t *)p; break;
	case ACL_BOOL: v->i = *(const uint8_t *)p != 0; break;
	case ACL_INT16: {
		int16_t x;
		memcpy(&x, p, 2);
		v->i = x;
		break;
	}
	case ACL_UINT16: {
		uint16_t x;
		memcpy(&x, p, 2);
		v->i = x;
		break;
	}
	case ACL_INT32: {
		int32_t x;
		memcpy(&x, p, 4);
		v->i = x;
		break;
	}
	case ACL_UINT32: {
		uint32_t x;
		memcpy(&x, p, 4);
		v->i = x;
		break;
	}
	case ACL_INT64: memcpy(&v->i, p, 8); break;
	case ACL_UINT64: {
		uint64_t x;
		memcpy(&x, p, 8);
		v->i = (int64_t)x;
		v->f = (double)x;
		v->b = x != 0;
		return true;
	}
	default: return false;
	}
	if (dt == ACL_FLOAT || dt == ACL_DOUBLE || dt == ACL_FLOAT16 || dt == ACL_BF16) {
		double f = v->f;
		v->i = f != f                        ? 0
		       : f >= 9.2233720368547758e18  ? INT64_MAX
		       : f <= -9.2233720368547758e18 ? INT64_MIN
		                                     : (int64_t)f;
		v->b = f != 0;
	} else {
		v->f = (double)v->i;
		v->b = v->i != 0;
	}
	return true;
}

void nn_scalar_store(const nn_scalar_info_t *s, int dt, void *dst)
{
	const bool fl = s->dtype == ACL_FLOAT || s->dtype == ACL_DOUBLE ||
	                s->dtype == ACL_FLOAT16 || s->dtype == ACL_BF16;
	/* Integers from a float scalar truncate toward zero and saturate. */
	int64_t i = s->i;
	double f = s->f;
	switch (dt) {
	case ACL_FLOAT: {
		float x = (float)f;
		memcpy(dst, &x, 4);
		return;
	}
	case ACL_DOUBLE: memcpy(dst, &f, 8); return;
	case ACL_FLOAT16: {
		uint16_t h = weir_f32_to_f16((float)f);
		memcpy(dst, &h, 2);
		return;
	}
	case ACL_BF16: {
		uint32_t u = weir_f32_bits((float)f);
		uint16_t h = (u & 0x7fffffffu) > 0x7f800000u
		                     ? (uint16_t)((u >> 16) | 0x40u)
		                     : (uint16_t)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
		memcpy(dst, &h, 2);
		return;
	}
	case ACL_BOOL: *(uint8_t *)dst = fl ? f != 0 : i != 0; return;
	default: break;
	}
	if (fl) {
		double lo = 0, hi = 0;
		switch (dt) {
		case ACL_INT8:
			lo = INT8_MIN;
			hi = INT8_MAX;
			break;
		case ACL_UINT8:
			lo = 0;
			hi = UINT8_MAX;
			break;
		case ACL_INT16:
			lo = INT16_MIN;
			hi = INT16_MAX;
			break;
		case ACL_UINT16:
			lo = 0;
			hi = UINT16_MAX;
			break;
		case ACL_INT32:
			lo = INT32_MIN;
			hi = INT32_MAX;
			break;
		case ACL_UINT32:
			lo = 0;
			hi = UINT32_MAX;
			break;
		default:
			lo = -9.2233720368547758e18;
			hi = 9.2233720368547758e18;
			break;
		}
		i = f != f    ? 0
		    : f <= lo ? (int64_t)lo
		    : f >= hi ? (dt == ACL_UINT64  ? (int64_t)UINT64_MAX
		                 : dt == ACL_INT64 ? INT64_MAX
		                                   : (int64_t)hi)
		              : (int64_t)f;
	}
	switch (dt) {
	case ACL_INT8:
	case ACL_UINT8: *(uint8_t *)dst = (uint8_t)i; return;
	case ACL_INT16:
	case ACL_UINT16: {
		uint16_t x = (uint16_t)i;
		memcpy(dst, &x, 2);
		return;
	}
	case ACL_INT32:
	case ACL_UINT32: {
		uint32_t x = (uint32_t)i;
		memcpy(dst, &x, 4);
		return;
	}
	case ACL_INT64:
	case ACL_UINT64: memcpy(dst, &i, 8); return;
	default: return;
	}
}

ACL_FUNC_VISIBILITY aclScalar *aclCreateScalar(void *value, aclDataType dataType)
{
	static const char api[] = "aclCreateScalar";
	if (!value) {
		weir__acl_fail(ACLNN_ERR_PARAM_NULLPTR, api, "value is NULL");
		return NULL;
	}
	nn_scalar_info_t v;
	if (!nn_scalar_read(dataType, value, &v)) {
		weir__acl_fail(ACLNN_ERR_PARAM_INVALID, api,
		               "dataType %d is not a scalar type weir knows", (int)dataType);
		return NULL;
	}
	struct nn_scalar *s = weir__calloc(1, sizeof(*s));
	if (!s) {
		weir__acl_fail(ACLNN_ERR_INNER, api, "out of memory");
		return NULL;
	}
	s->v = v;
	if (!nn_obj_publish(&s->o, NN_SCALAR, NULL)) {
		weir__free(s);
		weir__acl_fail(ACLNN_ERR_INNER, api, "the handle registry is full");
		return NULL;
	}
	return nn_obj_handle(&s->o);
}

aclnnStatus nn_scalar_get(const aclScalar *h, nn_scalar_info_t *out)
{
	struct weir_acl_kobj *o = nn_obj_get(h, NN_SCALAR);
	if (!o)
		return ACLNN_ERR_PARAM_INVALID;
	*out = caa_container_of(o, struct nn_scalar, o)->v;
	nn_obj_put(o);
	return ACLNN_SUCCESS;
}

ACL_FUNC_VISIBILITY aclnnStatus aclDestroyScalar(const aclScalar *scalar)
{
	return nn_obj_destroy(scalar, NN_SCALAR, "aclDestroyScalar", "aclScalar");
}

/* ------------------------------------------------------------------------ */
/* Arrays and lists: n elements of a fixed size, copied in                    */
/* ------------------------------------------------------------------------ */

struct nn_array {
	struct weir_acl_kobj o;
	uint64_t n;  /* I */
	size_t es;   /* I */
	void *items; /* I: n * es bytes (handles, for lists) */
};

static void nn_array_fini(struct weir_acl_kobj *o)
{
	struct nn_array *a = caa_container_of(o, struct nn_array, o);
	weir__free(a->items);
}

static void *nn_array_create(const char *api, enum nn_kind kind, const void *items, uint64_t n,
                             size_t es)
{
	if (!items && n) {
		weir__acl_fail(ACLNN_ERR_PARAM_NULLPTR, api, "value is NULL with size %llu",
		               (unsigned long long)n);
		return NULL;
	}
	if (n > (uint64_t)1 << 32) {
		weir__acl_fail(ACLNN_ERR_PARAM_INVALID, api, "size %llu is too large",
		               (unsigned long long)n);
		return NULL;
	}
	struct nn_array *a = weir__calloc(1, sizeof(*a));
	void *copy = weir__malloc(n ? n * es : 1);
	if (!a || !copy) {
		weir__free(a);
		weir__free(copy);
		weir__acl_fail(ACLNN_ERR_INNER, api, "out of memory");
		return NULL;
	}
	if (n)
		memcpy(copy, items, n * es);
	a->n = n;
	a->es = es;
	a->items = copy;
	if (!nn_obj_publish(&a->o, kind, nn_array_fini)) {
		weir__free(copy);
		weir__free(a);
		weir__acl_fail(ACLNN_ERR_INNER, api, "the handle registry is full");
		return NULL;
	}
	return nn_obj_handle(&a->o);
}

ACL_FUNC_VISIBILITY aclIntArray *aclCreateIntArray(const int64_t *value, uint64_t size)
{
	return nn_array_create("aclCreateIntArray", NN_INT_ARRAY, value, size, sizeof(int64_t));
}

ACL_FUNC_VISIBILITY aclFloatArray *aclCreateFloatArray(const float *value, uint64_t size)
{
	return nn_array_create("aclCreateFloatArray", NN_FLOAT_ARRAY, value, size, sizeof(float));
}

ACL_FUNC_VISIBILITY aclBoolArray *aclCreateBoolArray(const bool *value, uint64_t size)
{
	return nn_array_create("aclCreateBoolArray", NN_BOOL_ARRAY, value, size, sizeof(bool));
}

ACL_FUNC_VISIBILITY aclTensorList *aclCreateTensorList(const aclTensor *const *value, uint64_t size)
{
	return nn_array_create("aclCreateTensorList", NN_TENSOR_LIST, value, size, sizeof(void *));
}

ACL_FUNC_VISIBILITY aclScalarList *aclCreateScalarList(const aclScalar *const *value, uint64_t size)
{
	return nn_array_create("aclCreateScalarList", NN_SCALAR_LIST, value, size, sizeof(void *));
}

ACL_FUNC_VISIBILITY aclnnStatus aclDestroyIntArray(const aclIntArray *array)
{
	return nn_obj_destroy(array, NN_INT_ARRAY, "aclDestroyIntArray", "aclIntArray");
}

ACL_FUNC_VISIBILITY aclnnStatus aclDestroyFloatArray(const aclFloatArray *array)
{
	return nn_obj_destroy(array, NN_FLOAT_ARRAY, "aclDestroyFloatArray", "aclFloatArray");
}

ACL_FUNC_VISIBILITY aclnnStatus aclDestroyBoolArray(const aclBoolArray *array)
{
	return nn_obj_destroy(array, NN_BOOL_ARRAY, "aclDestroyBoolArray", "aclBoolArray");
}

static aclnnStatus nn_array_copy(const void *h, enum nn_kind kind, void **out, uint64_t *n);

/* Lists own their elements: destroying the list destroys them (at once,
 * so a later call with an element's handle is refused). */
static aclnnStatus nn_list_destroy(const void *h, enum nn_kind kind, enum nn_kind elem,
                                   const char *api, const char *what)
{
	void **items = NULL;
	uint64_t n = 0;
	if (h && nn_array_copy(h, kind, (void **)&items, &n) != ACLNN_SUCCESS)
		items = NULL, n = 0;
	aclnnStatus rc = nn_obj_destroy(h, kind, api, what);
	if (rc == ACLNN_SUCCESS)
		for (uint64_t i = 0; i < n; i++)
			if (items[i])
				(void)nn_obj_destroy(items[i], elem, api, "list element");
	free(items);
	return rc;
}

ACL_FUNC_VISIBILITY aclnnStatus aclDestroyTensorList(const aclTensorList *array)
{
	return nn_list_destroy(array, NN_TENSOR_LIST, NN_TENSOR, "aclDestroyTensorList",
	                       "aclTensorList");
}

ACL_FUNC_VISIBILITY aclnnStatus aclDestroyScalarList(const aclScalarList *array)
{
	return nn_list_destroy(array, NN_SCALAR_LIST, NN_SCALAR, "aclDestroyScalarList",
	                       "aclScalarList");
}

/* A copy of an array's items (malloc'd) and its count. */
static aclnnStatus nn_array_copy(const void *h, enum nn_kind kind, void **out, uint64_t *n)
{
	struct weir_acl_kobj *o = nn_obj_get(h, kind);
	if (!o)
		return ACLNN_ERR_PARAM_INVALID;
	struct nn_array *a = caa_container_of(o, struct nn_array, o);
	void *c = malloc(a->n ? a->n * a->es : 1);
	if (!c) {
		nn_obj_put(o);
		return ACLNN_ERR_INNER_NULLPTR;
	}
	if (a->n)
		memcpy(c, a->items, a->n * a->es);
	*out = c;
	*n = a->n;
	nn_obj_put(o);
	return ACLNN_SUCCESS;
}

aclnnStatus nn_int_array_get(const aclIntArray *a, int64_t **out, uint64_t *n)
{
	return nn_array_copy(a, NN_INT_ARRAY, (void **)out, n);
}

aclnnStatus nn_float_array_get(const aclFloatArray *a, float **out, uint64_t *n)
{
	return nn_array_copy(a, NN_FLOAT_ARRAY, (void **)out, n);
}

aclnnStatus nn_bool_array_get(const aclBoolArray *a, bool **out, uint64_t *n)
{
	return nn_array_copy(a, NN_BOOL_ARRAY, (void **)out, n);
}

aclnnStatus nn_tensor_list_get(const aclTensorList *l, const aclTensor ***out, uint64_t *n)
{
	return nn_array_copy(l, NN_TENSOR_LIST, (void **)out, n);
}

aclnnStatus nn_scalar_list_get(const aclScalarList *l, const aclScalar ***out, uint64_t *n)
{
	return nn_array_copy(l, NN_SCALAR_LIST, (void **)out, n);
}

static aclnnStatus nn_size_of(const void *h, enum nn_kind kind, uint64_t *size, const char *api,
                              const char *what)
{
	if (!h || !size)
		return weir__acl_fail(ACLNN_ERR_PARAM_NULLPTR, api, "%s is NULL",
		                      !h ? what : "size");
	struct weir_acl_kobj *o = nn_obj_get(h, kind);
	if (!o)
		return weir__acl_fail(ACLNN_ERR_PARAM_INVALID, api, "%s %p is not a live %s", what,
		                      h, what);
	*size = caa_container_of(o, struct nn_array, o)->n;
	nn_obj_put(o);
	return ACLNN_SUCCESS;
}

ACL_FUNC_VISIBILITY aclnnStatus aclGetIntArraySize(const aclIntArray *array, uint64_t *size)
{
	return nn_size_of(array, NN_INT_ARRAY, size, "aclGetIntArraySize", "aclIntArray");
}

ACL_FUNC_VISIBILITY aclnnStatus aclGetFloatArraySize(const aclFloatArray *array, uint64_t *size)
{
	return nn_size_of(array, NN_FLOAT_ARRAY, size, "aclGetFloatArraySize", "aclFloatArray");
}

ACL_FUNC_VISIBILITY aclnnStatus aclGetBoolArraySize(const aclBoolArray *array, uint64_t *size)
{
	return nn_size_of(array, NN_BOOL_ARRAY, size, "aclGetBoolArraySize", "aclBoolArray");
}

ACL_FUNC_VISIBILITY aclnnStatus aclGetTensorListSize(const aclTensorList *tensorList,
                                                     uint64_t *size)
{
	return nn_size_of(tensorList, NN_TENSOR_LIST, size, "aclGetTensorListSize",
	                  "aclTensorList");
}

ACL_FUNC_VISIBILITY aclnnStatus aclGetScalarListSize(const aclScalarList *scalarList,
                                                     uint64_t *size)
{
	return nn_size_of(scalarList, NN_SCALAR_LIST, size, "aclGetScalarListSize",
	                  "aclScalarList");
}

ACL_FUNC_VISIBILITY aclnnStatus aclnnInit(const char *configPath)
{
	(void)configPath;
	return ACLNN_SUCCESS;
}

ACL_FUNC_VISIBILITY aclnnStatus aclnnFinalize(void)
{
	return ACLNN_SUCCESS;
}
