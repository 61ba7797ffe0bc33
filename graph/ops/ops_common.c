/*
 * graph/ops/ops_common.c - attribute and message helpers shared by the
 * built-in ops (see ops_internal.h).
 */
#include "graph/ops/ops_internal.h"

static const char *attr_pick(const weir_attrs_t *a, const char *const *names)
{
	for (; *names; names++)
		if (weir_attrs_type(a, *names) != WEIR_ATTR_NONE)
			return *names;
	return NULL;
}

int weir__ops_attr_int(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a, const char *const *names,
                       int64_t *v, int *found)
{
	const char *n = attr_pick(a, names);
	*found = 0;
	if (!n)
		return WEIR_OK;
	if (weir_attrs_get_int(a, n, v) != WEIR_OK)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "attr '%s' must be an int", n);
	*found = 1;
	return WEIR_OK;
}

int weir__ops_attr_float(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a, const char *const *names,
                         float *v, int *found)
{
	const char *n = attr_pick(a, names);
	*found = 0;
	if (!n)
		return WEIR_OK;
	if (weir_attrs_get_float(a, n, v) != WEIR_OK)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "attr '%s' must be a float", n);
	*found = 1;
	return WEIR_OK;
}

int weir__ops_attr_ints(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a, const char *const *names,
                        const int64_t **v, size_t *cnt, int *found)
{
	const char *n = attr_pick(a, names);
	*found = 0;
	*v = NULL;
	*cnt = 0;
	if (!n)
		return WEIR_OK;
	if (weir_attrs_get_ints(a, n, v, cnt) != WEIR_OK)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "attr '%s' must be an int list", n);
	*found = 1;
	return WEIR_OK;
}

int weir__ops_attr_floats(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a, const char *const *names,
                          const float **v, size_t *cnt, int *found)
{
	const char *n = attr_pick(a, names);
	*found = 0;
	*v = NULL;
	*cnt = 0;
	if (!n)
		return WEIR_OK;
	if (weir_attrs_get_floats(a, n, v, cnt) != WEIR_OK)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "attr '%s' must be a float list", n);
	*found = 1;
	return WEIR_OK;
}

int weir__ops_attr_string(weir_op_infer_ctx_t *ctx, const weir_attrs_t *a, const char *const *names,
                          const char **v, int *found)
{
	const char *n = attr_pick(a, names);
	*found = 0;
	if (!n)
		return WEIR_OK;
	if (weir_attrs_get_string(a, n, v) != WEIR_OK)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "attr '%s' must be a string", n);
	*found = 1;
	return WEIR_OK;
}

const char *weir__ops_desc_str(const weir_tensor_desc_t *d, char *buf, size_t size)
{
	return weir_tensor_desc_str(d, buf, size);
}

int weir__ops_check_dtype(weir_op_infer_ctx_t *ctx, uint32_t i, bool (*pred)(int), const char *what)
{
	if (!pred(ctx->in[i].dtype))
		return weir_op_fail(ctx, WEIR_ESHAPE, "input %u has dtype %s; expected %s", i,
		                    weir_dtype_name(ctx->in[i].dtype), what);
	return WEIR_OK;
}
