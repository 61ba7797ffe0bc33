/*
 * acl_compat/aclnn/ops/args.c - see args.h.
 */
#include <stdlib.h>
#include <string.h>

#include "acl_compat/aclnn/ops/args.h"

int nn_arg_ints(nn_t *b, const aclIntArray *a, const char *name, int64_t v[NN_ARG_MAX_ARRAY])
{
	if (!nn_ok(b))
		return -1;
	if (!a) {
		nn_fail(b, ACLNN_ERR_PARAM_NULLPTR, "%s is NULL", name);
		return -1;
	}
	int64_t *vals = NULL;
	uint64_t n = 0;
	if (nn_int_array_get(a, &vals, &n) != ACLNN_SUCCESS) {
		nn_fail(b, ACLNN_ERR_PARAM_INVALID, "%s %p is not a live aclIntArray", name,
		        (const void *)a);
		return -1;
	}
	if (n > NN_ARG_MAX_ARRAY) {
		free(vals);
		nn_fail(b, ACLNN_ERR_PARAM_INVALID, "%s has %llu entries", name,
		        (unsigned long long)n);
		return -1;
	}
	if (n)
		memcpy(v, vals, (size_t)n * sizeof(*v));
	free(vals);
	return (int)n;
}

bool nn_arg_cube_math(nn_t *b, int8_t cube, int lo, int hi)
{
	if (!nn_ok(b))
		return false;
	if (cube < lo || cube > hi) {
		nn_fail(b, ACLNN_ERR_PARAM_INVALID, "cubeMathType %d is not in [%d, %d]", cube, lo,
		        hi);
		return false;
	}
	return true;
}

bool nn_arg_float_dtype(nn_t *b, int dt, const char *what)
{
	if (!nn_ok(b))
		return false;
	if (dt == ACL_FLOAT || dt == ACL_FLOAT16 || dt == ACL_BF16)
		return true;
	nn_fail(b, ACLNN_ERR_PARAM_INVALID,
	        "%s has dtype %s; supported: float32, float16, bfloat16", what,
	        weir_dtype_name(dt));
	return false;
}
