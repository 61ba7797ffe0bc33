/*
 * ge_lower_harness.h - what the lowering tests (test_ge_lower.c,
 * test_ge_lower_ir.c, test_onnx_lower.c) share: one session (g_s) and,
 * with setup_gm, one graph manager (g_m) for the whole group, and builders
 * of front-end graph inputs, constants, attrs and host tensors. Include it
 * after <cmocka.h>.
 */
#ifndef WEIR_TESTS_GE_LOWER_HARNESS_H
#define WEIR_TESTS_GE_LOWER_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ge/weir_ge.h"

static weir_session_t *g_s;
static weir_ge_gm_t *g_m; /* NULL unless the group's setup is setup_gm */

/* Group setup: GE initialized, one session; partner teardown(). */
static inline int setup(void **state)
{
	(void)state;
	setenv("WEIR_NO_PIN", "1", 0);
	setenv("WEIR_DEVICES", "1", 0);
	setenv("WEIR_WORKERS", "2", 0);
	if (weir_ge_initialize(NULL, 0) || weir_ge_session_create(NULL, 0, &g_s))
		return -1;
	return 0;
}

/* setup() and one graph manager g_m on the session; partner teardown(). */
static inline int setup_gm(void **state)
{
	if (setup(state) || weir_ge_gm_create(g_s, &g_m))
		return -1;
	return 0;
}

/* Partner of setup() and setup_gm(). */
static inline int teardown(void **state)
{
	(void)state;
	weir_ge_gm_destroy(g_m);
	weir_ge_session_destroy(g_s);
	weir_ge_finalize();
	return 0;
}

static inline weir_fg_desc_t fdesc(int dtype, int32_t rank, const int64_t *dims)
{
	weir_fg_desc_t d;
	memset(&d, 0, sizeof(d));
	d.dtype = dtype;
	d.rank = rank;
	for (int32_t i = 0; i < rank; i++)
		d.dims[i] = dims[i];
	return d;
}

/* Graph input number idx, named "in<idx>"; returns its value id. */
static inline int32_t input(weir_fg_t *g, uint32_t idx, int dtype, int32_t rank,
                            const int64_t *dims)
{
	weir_fg_desc_t d = fdesc(dtype, rank, dims);
	int32_t v;
	char name[16];
	snprintf(name, sizeof(name), "in%u", idx);
	assert_int_equal(weir_fg_add_input(g, name, idx, &d, &v), WEIR_OK);
	return v;
}

/* Constant of the given shape, data copied; returns its value id. */
static inline int32_t cnst(weir_fg_t *g, int dtype, uint32_t rank, const int64_t *dims,
                           const void *data)
{
	weir_tensor_desc_t d;
	int32_t v;
	assert_int_equal(weir_tensor_desc_init(&d, dtype, rank, dims), WEIR_OK);
	assert_int_equal(weir_fg_add_const(g, "c", &d, data, &v), WEIR_OK);
	return v;
}

static inline weir_attrs_t *attrs(void)
{
	weir_attrs_t *a = NULL;
	assert_int_equal(weir_attrs_create(&a), WEIR_OK);
	return a;
}

/* Host tensor over data (not copied). */
static inline weir_tensor_t tensor(int dtype, uint32_t rank, const int64_t *dims, void *data)
{
	weir_tensor_t t;
	memset(&t, 0, sizeof(t));
	assert_int_equal(weir_tensor_desc_init(&t.desc, dtype, rank, dims), WEIR_OK);
	t.data = data;
	t.size = (size_t)weir_tensor_desc_bytes(&t.desc);
	return t;
}

#endif /* WEIR_TESTS_GE_LOWER_HARNESS_H */
