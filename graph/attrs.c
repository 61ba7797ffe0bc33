/*
 * graph/attrs.c - attribute maps (weir_attrs_*). A small array in insertion
 * order; nodes have few attributes, so lookup is a linear scan.
 */
#include <string.h>
#include "graph/graph_internal.h"
#include "base/alloc.h"

static void attr_clear(struct weir_attr *x)
{
	switch (x->type) {
	case WEIR_ATTR_STRING: weir__free(x->v.s); break;
	case WEIR_ATTR_INTS:
	case WEIR_ATTR_FLOATS: weir__free(x->v.list.p); break;
	case WEIR_ATTR_TENSOR: weir__free(x->v.t.data); break;
	default: break;
	}
	x->type = WEIR_ATTR_NONE;
}

void weir__attrs_fini(struct weir_attrs *a)
{
	for (size_t i = 0; i < a->n; i++) {
		attr_clear(&a->v[i]);
		weir__free(a->v[i].name);
	}
	weir__free(a->v);
	a->v = NULL;
	a->n = a->cap = 0;
}

int weir_attrs_create(weir_attrs_t **out)
{
	if (!out)
		return weir__graph_err(WEIR_EINVAL, "weir_attrs_create: NULL out");
	*out = weir__calloc(1, sizeof(**out));
	return *out ? WEIR_OK : weir__graph_err(WEIR_ENOMEM, "weir_attrs_create: out of memory");
}

void weir_attrs_destroy(weir_attrs_t *a)
{
	if (!a)
		return;
	weir__attrs_fini(a);
	weir__free(a);
}

static struct weir_attr *find(const weir_attrs_t *a, const char *name)
{
	if (!a || !name)
		return NULL;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i].name, name) == 0)
			return &a->v[i];
	return NULL;
}

/* Put a prepared value under `name`; takes ownership of the value's memory
 * on success only. */
static int put(weir_attrs_t *a, const char *name, const struct weir_attr *val)
{
	struct weir_attr *x = find(a, name);
	if (x) {
		attr_clear(x);
		char *keep = x->name;
		*x = *val;
		x->name = keep;
		return WEIR_OK;
	}
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 4;
		struct weir_attr *v = weir__realloc(a->v, cap * sizeof(*v));
		if (!v)
			return WEIR_ENOMEM;
		a->v = v;
		a->cap = cap;
	}
	char *nm = weir__strdup(name);
	if (!nm)
		return WEIR_ENOMEM;
	a->v[a->n] = *val;
	a->v[a->n].name = nm;
	a->n++;
	return WEIR_OK;
}

static int check(const weir_attrs_t *a, const char *name, const char *fn)
{
	if (!a || !name || !*name)
		return weir__graph_err(WEIR_EINVAL, "%s: NULL attrs or empty attribute name", fn);
	return WEIR_OK;
}

#define SET_SCALAR(fnname, T, field, TY)                                                  \
	int fnname(weir_attrs_t *a, const char *name, T v)                                \
	{                                                                                 \
		int rc = check(a, name, #fnname);                                         \
		if (rc)                                                                   \
			return rc;                                                        \
		struct weir_attr x = { .type = TY };                                      \
		x.v.field = v;                                                            \
		rc = put(a, name, &x);                                                    \
		return rc ? weir__graph_err(rc, #fnname ": out of memory for '%s'", name) \
		          : WEIR_OK;                                                      \
	}
SET_SCALAR(weir_attrs_set_int, int64_t, i, WEIR_ATTR_INT)
SET_SCALAR(weir_attrs_set_float, float, f, WEIR_ATTR_FLOAT)
SET_SCALAR(weir_attrs_set_bool, bool, b, WEIR_ATTR_BOOL)

int weir_attrs_set_string(weir_attrs_t *a, const char *name, const char *v)
{
	int rc = check(a, name, "weir_attrs_set_string");
	if (rc)
		return rc;
	if (!v)
		return weir__graph_err(WEIR_EINVAL, "weir_attrs_set_string: NULL value for '%s'",
		                       name);
	struct weir_attr x = { .type = WEIR_ATTR_STRING };
	x.v.s = weir__strdup(v);
	if (!x.v.s || put(a, name, &x)) {
		weir__free(x.v.s);
		return weir__graph_err(WEIR_ENOMEM, "weir_attrs_set_string: out of memory for '%s'",
		                       name);
	}
	return WEIR_OK;
}

static int set_list(weir_attrs_t *a, const char *name, const void *v, size_t n, size_t esz,
                    int type, const char *fn)
{
	int rc = check(a, name, fn);
	if (rc)
		return rc;
	if (!v && n)
		return weir__graph_err(WEIR_EINVAL, "%s: NULL list with %zu elements for '%s'", fn,
		                       n, name);
	struct weir_attr x = { .type = type };
	x.v.list.n = n;
	x.v.list.p = weir__malloc(n ? n * esz : 1);
	if (!x.v.list.p)
		return weir__graph_err(WEIR_ENOMEM, "%s: out of memory for '%s'", fn, name);
	if (n)
		memcpy(x.v.list.p, v, n * esz);
	if (put(a, name, &x)) {
		weir__free(x.v.list.p);
		return weir__graph_err(WEIR_ENOMEM, "%s: out of memory for '%s'", fn, name);
	}
	return WEIR_OK;
}

int weir_attrs_set_ints(weir_attrs_t *a, const char *name, const int64_t *v, size_t n)
{
	return set_list(a, name, v, n, sizeof(int64_t), WEIR_ATTR_INTS, "weir_attrs_set_ints");
}

int weir_attrs_set_floats(weir_attrs_t *a, const char *name, const float *v, size_t n)
{
	return set_list(a, name, v, n, sizeof(float), WEIR_ATTR_FLOATS, "weir_attrs_set_floats");
}

int weir_attrs_set_tensor(weir_attrs_t *a, const char *name, const weir_tensor_desc_t *desc,
                          const void *data)
{
	int rc = check(a, name, "weir_attrs_set_tensor");
	if (rc)
		return rc;
	int64_t bytes = desc ? weir_tensor_desc_bytes(desc) : -1;
	if (bytes < 0)
		return weir__graph_err(WEIR_EINVAL,
		                       "weir_attrs_set_tensor: invalid tensor desc for '%s'", name);
	if (!data && bytes > 0)
		return weir__graph_err(WEIR_EINVAL, "weir_attrs_set_tensor: NULL data for '%s'",
		                       name);
	struct weir_attr x = { .type = WEIR_ATTR_TENSOR };
	x.v.t.desc = *desc;
	x.v.t.data = weir__malloc(bytes ? (size_t)bytes : 1);
	if (!x.v.t.data)
		return weir__graph_err(WEIR_ENOMEM, "weir_attrs_set_tensor: out of memory for '%s'",
		                       name);
	if (bytes)
		memcpy(x.v.t.data, data, (size_t)bytes);
	if (put(a, name, &x)) {
		weir__free(x.v.t.data);
		return weir__graph_err(WEIR_ENOMEM, "weir_attrs_set_tensor: out of memory for '%s'",
		                       name);
	}
	return WEIR_OK;
}

int weir_attrs_remove(weir_attrs_t *a, const char *name)
{
	struct weir_attr *x = find(a, name);
	if (!x)
		return WEIR_ENOTFOUND;
	attr_clear(x);
	weir__free(x->name);
	size_t i = (size_t)(x - a->v);
	memmove(&a->v[i], &a->v[i + 1], (a->n - i - 1) * sizeof(*x));
	a->n--;
	return WEIR_OK;
}

weir_attr_type_t weir_attrs_type(const weir_attrs_t *a, const char *name)
{
	const struct weir_attr *x = find(a, name);
	return x ? (weir_attr_type_t)x->type : WEIR_ATTR_NONE;
}

int weir_attrs_get_int(const weir_attrs_t *a, const char *name, int64_t *v)
{
	const struct weir_attr *x = find(a, name);
	if (!x)
		return WEIR_ENOTFOUND;
	if (x->type == WEIR_ATTR_INT)
		*v = x->v.i;
	else if (x->type == WEIR_ATTR_BOOL)
		*v = x->v.b;
	else
		return WEIR_ESHAPE;
	return WEIR_OK;
}

int weir_attrs_get_float(const weir_attrs_t *a, const char *name, float *v)
{
	const struct weir_attr *x = find(a, name);
	if (!x)
		return WEIR_ENOTFOUND;
	if (x->type == WEIR_ATTR_FLOAT)
		*v = x->v.f;
	else if (x->type == WEIR_ATTR_INT)
		*v = (float)x->v.i;
	else
		return WEIR_ESHAPE;
	return WEIR_OK;
}

int weir_attrs_get_bool(const weir_attrs_t *a, const char *name, bool *v)
{
	const struct weir_attr *x = find(a, name);
	if (!x)
		return WEIR_ENOTFOUND;
	if (x->type != WEIR_ATTR_BOOL)
		return WEIR_ESHAPE;
	*v = x->v.b;
	return WEIR_OK;
}

int weir_attrs_get_string(const weir_attrs_t *a, const char *name, const char **v)
{
	const struct weir_attr *x = find(a, name);
	if (!x)
		return WEIR_ENOTFOUND;
	if (x->type != WEIR_ATTR_STRING)
		return WEIR_ESHAPE;
	*v = x->v.s;
	return WEIR_OK;
}

int weir_attrs_get_ints(const weir_attrs_t *a, const char *name, const int64_t **v, size_t *n)
{
	const struct weir_attr *x = find(a, name);
	if (!x)
		return WEIR_ENOTFOUND;
	if (x->type != WEIR_ATTR_INTS)
		return WEIR_ESHAPE;
	*v = x->v.list.p;
	*n = x->v.list.n;
	return WEIR_OK;
}

int weir_attrs_get_floats(const weir_attrs_t *a, const char *name, const float **v, size_t *n)
{
	const struct weir_attr *x = find(a, name);
	if (!x)
		return WEIR_ENOTFOUND;
	if (x->type != WEIR_ATTR_FLOATS)
		return WEIR_ESHAPE;
	*v = x->v.list.p;
	*n = x->v.list.n;
	return WEIR_OK;
}

int weir_attrs_get_tensor(const weir_attrs_t *a, const char *name, const weir_tensor_desc_t **desc,
                          const void **data)
{
	const struct weir_attr *x = find(a, name);
	if (!x)
		return WEIR_ENOTFOUND;
	if (x->type != WEIR_ATTR_TENSOR)
		return WEIR_ESHAPE;
	*desc = &x->v.t.desc;
	*data = x->v.t.data;
	return WEIR_OK;
}

int64_t weir_attrs_int_or(const weir_attrs_t *a, const char *name, int64_t dflt)
{
	int64_t v;
	return weir_attrs_get_int(a, name, &v) == WEIR_OK ? v : dflt;
}

float weir_attrs_float_or(const weir_attrs_t *a, const char *name, float dflt)
{
	float v;
	return weir_attrs_get_float(a, name, &v) == WEIR_OK ? v : dflt;
}

bool weir_attrs_bool_or(const weir_attrs_t *a, const char *name, bool dflt)
{
	bool v;
	return weir_attrs_get_bool(a, name, &v) == WEIR_OK ? v : dflt;
}

size_t weir_attrs_count(const weir_attrs_t *a)
{
	return a ? a->n : 0;
}

const char *weir_attrs_name(const weir_attrs_t *a, size_t i)
{
	return a && i < a->n ? a->v[i].name : NULL;
}

int weir__attrs_copy_into(struct weir_attrs *dst, const struct weir_attrs *src)
{
	memset(dst, 0, sizeof(*dst));
	for (size_t i = 0; i < src->n; i++) {
		const struct weir_attr *x = &src->v[i];
		int rc;
		switch (x->type) {
		case WEIR_ATTR_INT: rc = weir_attrs_set_int(dst, x->name, x->v.i); break;
		case WEIR_ATTR_FLOAT: rc = weir_attrs_set_float(dst, x->name, x->v.f); break;
		case WEIR_ATTR_BOOL: rc = weir_attrs_set_bool(dst, x->name, x->v.b); break;
		case WEIR_ATTR_STRING: rc = weir_attrs_set_string(dst, x->name, x->v.s); break;
		case WEIR_ATTR_INTS:
			rc = weir_attrs_set_ints(dst, x->name, x->v.list.p, x->v.list.n);
			break;
		case WEIR_ATTR_FLOATS:
			rc = weir_attrs_set_floats(dst, x->name, x->v.list.p, x->v.list.n);
			break;
		case WEIR_ATTR_TENSOR:
			rc = weir_attrs_set_tensor(dst, x->name, &x->v.t.desc, x->v.t.data);
			break;
		default: rc = WEIR_EINTERNAL; break;
		}
		if (rc) {
			weir__attrs_fini(dst);
			return WEIR_ENOMEM;
		}
	}
	return WEIR_OK;
}

int weir_attrs_copy(weir_attrs_t *dst, const weir_attrs_t *src)
{
	if (!dst || !src)
		return weir__graph_err(WEIR_EINVAL, "weir_attrs_copy: NULL map");
	if (dst == src)
		return WEIR_OK;
	struct weir_attrs tmp;
	if (weir__attrs_copy_into(&tmp, src))
		return weir__graph_err(WEIR_ENOMEM, "weir_attrs_copy: out of memory");
	weir__attrs_fini(dst);
	*dst = tmp;
	return WEIR_OK;
}
