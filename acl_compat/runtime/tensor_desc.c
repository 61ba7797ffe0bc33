/*
 * acl_compat/runtime/tensor_desc.c - aclTensorDesc (acl/acl_base_mdl.h).
 *
 * A descriptor holds an origin shape and format (what the Get calls
 * report; aclSetTensorOriginShape/Format), a storage shape and format
 * (aclSetTensorShape/Format and the deprecated Storage variants, as in
 * ACL), shape and value ranges, a name, an optional constant copy, a
 * placement and a dynamic-input name. Every array is owned and freed by
 * aclDestroyTensorDesc. NULL is checked everywhere; as with ACL, a stale
 * descriptor pointer cannot be detected. Not thread-safe per descriptor
 * (one writer, as in ACL); distinct descriptors are independent.
 */
#include <stdlib.h>
#include <string.h>

#include "acl_compat/acl_internal.h"

typedef struct weir_acl_dims {
	int64_t *v;
	size_t n;
} weir_acl_dims_t;

typedef struct weir_acl_ranges {
	int64_t (*v)[2];
	size_t n;
} weir_acl_ranges_t;

struct aclTensorDesc {
	aclDataType dataType;
	aclFormat format;        /* origin format */
	aclFormat storageFormat; /* storage (runtime) format */
	weir_acl_dims_t dims;    /* origin shape */
	weir_acl_dims_t storage; /* storage shape */
	weir_acl_ranges_t shapeRange;
	weir_acl_ranges_t valueRange;
	char *name; /* never NULL after create */
	char *dynamicInputName;
	void *address;   /* set by model loading in ACL; NULL here */
	void *constData; /* owned copy; NULL unless const */
	size_t constLen;
	aclMemType memType;
};

#define WEIR_ACL_UNKNOWN_RANK_DIM (-2)

static int weir_acl_dims_set(weir_acl_dims_t *d, size_t n, const int64_t *v)
{
	int64_t *nv = NULL;
	if (n) {
		nv = malloc(n * sizeof *nv);
		if (!nv)
			return -1;
		memcpy(nv, v, n * sizeof *nv);
	}
	free(d->v);
	d->v = nv;
	d->n = n;
	return 0;
}

static int weir_acl_ranges_set(weir_acl_ranges_t *r, size_t n, int64_t (*v)[2])
{
	int64_t(*nv)[2] = NULL;
	if (n) {
		nv = malloc(n * sizeof *nv);
		if (!nv)
			return -1;
		memcpy(nv, v, n * sizeof *nv);
	}
	free(r->v);
	r->v = nv;
	r->n = n;
	return 0;
}

ACL_FUNC_VISIBILITY aclTensorDesc *aclCreateTensorDesc(aclDataType dataType, int numDims,
                                                       const int64_t *dims, aclFormat format)
{
	static const char api[] = "aclCreateTensorDesc";
	if (numDims < 0) {
		(void)weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "numDims %d < 0", numDims);
		return NULL;
	}
	if (numDims > 0 && !dims) {
		(void)weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "dims is NULL, numDims %d",
		                     numDims);
		return NULL;
	}
	aclTensorDesc *d = calloc(1, sizeof *d);
	if (!d || !(d->name = calloc(1, 1)) || weir_acl_dims_set(&d->dims, (size_t)numDims, dims) ||
	    weir_acl_dims_set(&d->storage, (size_t)numDims, dims)) {
		aclDestroyTensorDesc(d);
		(void)weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "out of memory");
		return NULL;
	}
	d->dataType = dataType;
	d->format = format;
	d->storageFormat = format;
	d->memType = ACL_MEMTYPE_DEVICE;
	return d;
}

ACL_FUNC_VISIBILITY void aclDestroyTensorDesc(const aclTensorDesc *desc)
{
	aclTensorDesc *d = (aclTensorDesc *)(uintptr_t)desc;
	if (!d)
		return;
	free(d->dims.v);
	free(d->storage.v);
	free(d->shapeRange.v);
	free(d->valueRange.v);
	free(d->name);
	free(d->dynamicInputName);
	free(d->constData);
	free(d);
}

/* NULL desc: record and say so. */
static bool weir_acl_desc_null(const void *desc, const char *api)
{
	if (desc)
		return false;
	(void)weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "desc is NULL");
	return true;
}

ACL_FUNC_VISIBILITY aclError aclSetTensorShapeRange(aclTensorDesc *desc, size_t dimsCount,
                                                    int64_t dimsRange[][ACL_TENSOR_SHAPE_RANGE_NUM])
{
	static const char api[] = "aclSetTensorShapeRange";
	if (weir_acl_desc_null(desc, api))
		return ACL_ERROR_INVALID_PARAM;
	if (dimsCount && !dimsRange)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "dimsRange is NULL");
	if (weir_acl_ranges_set(&desc->shapeRange, dimsCount, dimsRange))
		return weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "out of memory");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclSetTensorValueRange(
        aclTensorDesc *desc, size_t valueCount, int64_t valueRange[][ACL_TENSOR_VALUE_RANGE_NUM])
{
	static const char api[] = "aclSetTensorValueRange";
	if (weir_acl_desc_null(desc, api))
		return ACL_ERROR_INVALID_PARAM;
	if (valueCount && !valueRange)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "valueRange is NULL");
	if (weir_acl_ranges_set(&desc->valueRange, valueCount, valueRange))
		return weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "out of memory");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclDataType aclGetTensorDescType(const aclTensorDesc *desc)
{
	return weir_acl_desc_null(desc, "aclGetTensorDescType") ? ACL_DT_UNDEFINED : desc->dataType;
}

ACL_FUNC_VISIBILITY aclFormat aclGetTensorDescFormat(const aclTensorDesc *desc)
{
	return weir_acl_desc_null(desc, "aclGetTensorDescFormat") ? ACL_FORMAT_UNDEFINED
	                                                          : desc->format;
}

/* Element count of the origin shape: 1 for a scalar, 0 for a negative
 * (unknown) dim or a product beyond SIZE_MAX. */
static size_t weir_acl_desc_count(const aclTensorDesc *d)
{
	size_t n = 1;
	for (size_t i = 0; i < d->dims.n; i++) {
		int64_t v = d->dims.v[i];
		if (v < 0)
			return 0;
		if (v != 0 && n > SIZE_MAX / (uint64_t)v)
			return 0;
		n *= (size_t)v;
	}
	return n;
}

ACL_FUNC_VISIBILITY size_t aclGetTensorDescElementCount(const aclTensorDesc *desc)
{
	return weir_acl_desc_null(desc, "aclGetTensorDescElementCount") ? 0
	                                                                : weir_acl_desc_count(desc);
}

ACL_FUNC_VISIBILITY size_t aclGetTensorDescSize(const aclTensorDesc *desc)
{
	if (weir_acl_desc_null(desc, "aclGetTensorDescSize"))
		return 0;
	size_t n = weir_acl_desc_count(desc), es = aclDataTypeSize(desc->dataType);
	return (es && n > SIZE_MAX / es) ? 0 : n * es;
}

ACL_FUNC_VISIBILITY size_t aclGetTensorDescNumDims(const aclTensorDesc *desc)
{
	if (weir_acl_desc_null(desc, "aclGetTensorDescNumDims"))
		return 0;
	if (desc->dims.n > 0 && desc->dims.v[0] == WEIR_ACL_UNKNOWN_RANK_DIM)
		return (size_t)ACL_UNKNOWN_RANK;
	return desc->dims.n;
}

ACL_FUNC_VISIBILITY int64_t aclGetTensorDescDim(const aclTensorDesc *desc, size_t index)
{
	static const char api[] = "aclGetTensorDescDim";
	if (weir_acl_desc_null(desc, api))
		return -1;
	if (index >= desc->dims.n) {
		(void)weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "index %zu >= numDims %zu",
		                     index, desc->dims.n);
		return -1;
	}
	return desc->dims.v[index];
}

ACL_FUNC_VISIBILITY aclError aclGetTensorDescDimV2(const aclTensorDesc *desc, size_t index,
                                                   int64_t *dimSize)
{
	static const char api[] = "aclGetTensorDescDimV2";
	if (weir_acl_desc_null(desc, api))
		return ACL_ERROR_INVALID_PARAM;
	if (!dimSize)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "dimSize is NULL");
	if (index >= desc->dims.n)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "index %zu >= numDims %zu",
		                      index, desc->dims.n);
	*dimSize = desc->dims.v[index];
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclGetTensorDescDimRange(const aclTensorDesc *desc, size_t index,
                                                      size_t dimRangeNum, int64_t *dimRange)
{
	static const char api[] = "aclGetTensorDescDimRange";
	if (weir_acl_desc_null(desc, api))
		return ACL_ERROR_INVALID_PARAM;
	if (!dimRange)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "dimRange is NULL");
	if (index >= desc->shapeRange.n)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "index %zu >= %zu shape ranges",
		                      index, desc->shapeRange.n);
	if (dimRangeNum < ACL_TENSOR_SHAPE_RANGE_NUM)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "dimRangeNum %zu < 2",
		                      dimRangeNum);
	dimRange[0] = desc->shapeRange.v[index][0];
	dimRange[1] = desc->shapeRange.v[index][1];
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY void aclSetTensorDescName(aclTensorDesc *desc, const char *name)
{
	static const char api[] = "aclSetTensorDescName";
	if (weir_acl_desc_null(desc, api))
		return;
	const char *src = name ? name : "";
	size_t n = strlen(src) + 1;
	char *copy = malloc(n);
	if (!copy) {
		(void)weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "out of memory");
		return;
	}
	memcpy(copy, src, n);
	free(desc->name);
	desc->name = copy;
}

ACL_FUNC_VISIBILITY const char *aclGetTensorDescName(aclTensorDesc *desc)
{
	return desc ? desc->name : "";
}

/* Formats whose memory layout is the shape itself, dims in order. */
static bool weir_acl_plain_format(aclFormat f)
{
	switch ((int)f) {
	case ACL_FORMAT_ND:
	case ACL_FORMAT_NCHW:
	case ACL_FORMAT_NHWC:
	case ACL_FORMAT_NC:
	case ACL_FORMAT_NCL:
	case ACL_FORMAT_NCDHW:
	case ACL_FORMAT_NDHWC:
	case ACL_FORMAT_HWCN: return true;
	default: return false;
	}
}

ACL_FUNC_VISIBILITY aclError aclTransTensorDescFormat(const aclTensorDesc *srcDesc,
                                                      aclFormat dstFormat, aclTensorDesc **dstDesc)
{
	static const char api[] = "aclTransTensorDescFormat";
	if (!srcDesc || !dstDesc)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "%s is NULL",
		                      srcDesc ? "dstDesc" : "srcDesc");
	if (!weir_acl_plain_format(srcDesc->format) || !weir_acl_plain_format(dstFormat))
		return weir__acl_fail(ACL_ERROR_FORMAT_NOT_MATCH, api,
		                      "weir converts only between plain formats (ND, NCHW, NHWC, "
		                      "NC, NCL, NCDHW, NDHWC, HWCN): %d -> %d",
		                      (int)srcDesc->format, (int)dstFormat);
	/* The shape travels as is; like ACL, the new desc keeps the source format. */
	*dstDesc = aclCreateTensorDesc(srcDesc->dataType, (int)srcDesc->dims.n, srcDesc->dims.v,
	                               srcDesc->format);
	return *dstDesc ? ACL_SUCCESS : ACL_ERROR_BAD_ALLOC;
}

static aclError weir_acl_set_shape(const char *api, weir_acl_dims_t *d, int numDims,
                                   const int64_t *dims)
{
	if (!dims)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "dims is NULL");
	if (numDims < 0)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "numDims %d < 0", numDims);
	if (weir_acl_dims_set(d, (size_t)numDims, dims))
		return weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "out of memory");
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclSetTensorStorageFormat(aclTensorDesc *desc, aclFormat format)
{
	if (desc) /* ACL: NULL is accepted and ignored */
		desc->storageFormat = format;
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclSetTensorStorageShape(aclTensorDesc *desc, int numDims,
                                                      const int64_t *dims)
{
	static const char api[] = "aclSetTensorStorageShape";
	if (weir_acl_desc_null(desc, api))
		return ACL_ERROR_INVALID_PARAM;
	return weir_acl_set_shape(api, &desc->storage, numDims, dims);
}

ACL_FUNC_VISIBILITY aclError aclSetTensorFormat(aclTensorDesc *desc, aclFormat format)
{
	if (desc) /* ACL: NULL is accepted and ignored */
		desc->storageFormat = format;
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclSetTensorShape(aclTensorDesc *desc, int numDims,
                                               const int64_t *dims)
{
	static const char api[] = "aclSetTensorShape";
	if (weir_acl_desc_null(desc, api))
		return ACL_ERROR_INVALID_PARAM;
	return weir_acl_set_shape(api, &desc->storage, numDims, dims);
}

ACL_FUNC_VISIBILITY aclError aclSetTensorOriginFormat(aclTensorDesc *desc, aclFormat format)
{
	if (desc) /* ACL: NULL is accepted and ignored */
		desc->format = format;
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclSetTensorOriginShape(aclTensorDesc *desc, int numDims,
                                                     const int64_t *dims)
{
	static const char api[] = "aclSetTensorOriginShape";
	if (weir_acl_desc_null(desc, api))
		return ACL_ERROR_INVALID_PARAM;
	return weir_acl_set_shape(api, &desc->dims, numDims, dims);
}

ACL_FUNC_VISIBILITY aclTensorDesc *aclGetTensorDescByIndex(aclTensorDesc *desc, size_t index)
{
	if (weir_acl_desc_null(desc, "aclGetTensorDescByIndex"))
		return NULL;
	return desc + index;
}

ACL_FUNC_VISIBILITY void *aclGetTensorDescAddress(const aclTensorDesc *desc)
{
	return weir_acl_desc_null(desc, "aclGetTensorDescAddress") ? NULL : desc->address;
}

ACL_FUNC_VISIBILITY aclError aclSetTensorDynamicInput(aclTensorDesc *desc,
                                                      const char *dynamicInputName)
{
	static const char api[] = "aclSetTensorDynamicInput";
	if (weir_acl_desc_null(desc, api))
		return ACL_ERROR_INVALID_PARAM;
	if (!dynamicInputName)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "dynamicInputName is NULL");
	size_t n = strlen(dynamicInputName) + 1;
	char *copy = malloc(n);
	if (!copy)
		return weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "out of memory");
	memcpy(copy, dynamicInputName, n);
	free(desc->dynamicInputName);
	desc->dynamicInputName = copy;
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclSetTensorConst(aclTensorDesc *desc, void *dataBuffer, size_t length)
{
	static const char api[] = "aclSetTensorConst";
	if (weir_acl_desc_null(desc, api))
		return ACL_ERROR_INVALID_PARAM;
	if (!dataBuffer)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "dataBuffer is NULL");
	if (length == 0)
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "length is 0");
	void *copy = malloc(length);
	if (!copy)
		return weir__acl_fail(ACL_ERROR_BAD_ALLOC, api, "out of memory");
	memcpy(copy, dataBuffer, length);
	free(desc->constData);
	desc->constData = copy;
	desc->constLen = length;
	return ACL_SUCCESS;
}

ACL_FUNC_VISIBILITY aclError aclSetTensorPlaceMent(aclTensorDesc *desc, aclMemType memType)
{
	static const char api[] = "aclSetTensorPlaceMent";
	if (weir_acl_desc_null(desc, api))
		return ACL_ERROR_INVALID_PARAM;
	switch ((int)memType) {
	case ACL_MEMTYPE_DEVICE:
	case ACL_MEMTYPE_HOST:
	case ACL_MEMTYPE_HOST_COMPILE_INDEPENDENT: break;
	default:
		return weir__acl_fail(ACL_ERROR_INVALID_PARAM, api, "invalid memType %d",
		                      (int)memType);
	}
	desc->memType = memType;
	return ACL_SUCCESS;
}
