/*
 * test_ops_overflow.c - the elementwise float ops and weir's float modes
 * (graph/ops/elementwise.c, weir/sched.h "Float modes"): run inside a
 * kernel of a stream, an op reports inf/NaN made from finite inputs to the
 * device's overflow status when the stream's check is on, and in
 * SATURATION mode stores finite results (+-max of the dtype, NaN -> 0).
 * Outside those conditions the results are IEEE's and nothing is reported.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/fixture.h"
#include "graph/op.h"
#include "graph/dtype.h"
#include "base/alloc.h"

static int setup(void **state)
{
	return wt_fix_setup_cfg(state, 2, 64);
}

/* One op evaluated inside a kernel (so it sees its task's float flags). */
struct eval {
	const char *op;
	int dt;
	int64_t n;
	const void *in[2];
	uint32_t nin;
	void *out; /* weir__malloc'd by the op */
	int rc;
};

static int k_eval(void *args, uint32_t block, uint32_t nblocks)
{
	struct eval *e = *(struct eval **)args;
	(void)block;
	(void)nblocks;
	weir_tensor_desc_t d[2], od;
	memset(d, 0, sizeof(d));
	for (int i = 0; i < 2; i++) {
		d[i].dtype = e->dt;
		d[i].rank = 1;
		d[i].dims[0] = e->n;
	}
	void *out = NULL;
	e->rc = weir__op_eval(e->op, d, e->in, e->nin, NULL, 1, &od, &out, 0, NULL, 0);
	e->out = out;
	return 0;
}

static void eval_on(weir_stream_t *s, struct eval *e)
{
	struct eval *p = e;
	WT_OK(weir_launch(s, k_eval, &p, sizeof(p), 1, 0));
	WT_OK(weir_stream_sync(s, WEIR_TIMEOUT_INFINITE));
	assert_int_equal(e->rc, WEIR_OK);
	assert_non_null(e->out);
}

static uint32_t status_take(wt_fix_t *f)
{
	uint32_t st = 9;
	WT_OK(weir_device_overflow_status(f->rt, 0, &st));
	WT_OK(weir_device_overflow_reset(f->rt, 0));
	return st;
}

/* Float32 Mul, Add, Div, Exp, Log in INFNAN mode. */
static void test_infnan_reports_overflow(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *s = wt_stream(f, 0);
	float a[3] = { 1e30f, 2.0f, 3.0f }, b[3] = { 1e30f, 4.0f, 0.5f };
	struct eval e = { .op = "Mul", .dt = WEIR_DT_FLOAT, .n = 3, .in = { a, b }, .nin = 2 };

	/* Check off: IEEE inf and no report. */
	eval_on(s, &e);
	assert_true(isinf(((float *)e.out)[0]));
	weir__free(e.out);
	assert_int_equal(status_take(f), 0);

	WT_OK(weir_stream_set_overflow_check(s, true));
	eval_on(s, &e);
	assert_true(isinf(((float *)e.out)[0]));
	assert_true(((float *)e.out)[1] == 8.0f);
	weir__free(e.out);
	assert_int_equal(status_take(f), 1);

	/* No overflow: no report. */
	float c[3] = { 1.0f, 2.0f, 3.0f };
	e.in[0] = c;
	e.in[1] = c;
	eval_on(s, &e);
	weir__free(e.out);
	assert_int_equal(status_take(f), 0);

	/* An inf input is not an overflow of this op. */
	float inf_in[3] = { INFINITY, 1.0f, 1.0f };
	e.op = "Add";
	e.in[0] = inf_in;
	eval_on(s, &e);
	assert_true(isinf(((float *)e.out)[0]));
	weir__free(e.out);
	assert_int_equal(status_take(f), 0);

	/* Division by zero, exp overflow, log of a negative (NaN). */
	float one[3] = { 1.0f, 1.0f, 1.0f }, zero[3] = { 0.0f, 1.0f, 1.0f };
	e.op = "Div";
	e.in[0] = one;
	e.in[1] = zero;
	eval_on(s, &e);
	weir__free(e.out);
	assert_int_equal(status_take(f), 1);
	float big[3] = { 100.0f, 0.0f, 1.0f }, neg[3] = { -1.0f, 1.0f, 2.0f };
	e.op = "Exp";
	e.nin = 1;
	e.in[0] = big;
	eval_on(s, &e);
	assert_true(isinf(((float *)e.out)[0]));
	weir__free(e.out);
	assert_int_equal(status_take(f), 1);
	e.op = "Log";
	e.in[0] = neg;
	eval_on(s, &e);
	assert_true(isnan(((float *)e.out)[0]));
	weir__free(e.out);
	assert_int_equal(status_take(f), 1);
	WT_OK(weir_stream_destroy(s));
}

static void test_saturation_clamps(void **state)
{
	wt_fix_t *f = *state;
	weir_stream_t *old = wt_stream(f, 0);
	WT_OK(weir_device_set_float_mode(f->rt, 0, WEIR_FLOAT_SATURATION));
	weir_stream_t *s = wt_stream(f, 0);
	WT_OK(weir_device_set_float_mode(f->rt, 0, WEIR_FLOAT_INFNAN));

	float a[4] = { 1e30f, -1e30f, 2.0f, INFINITY }, b[4] = { 1e30f, 1e30f, 4.0f, -1.0f };
	struct eval e = { .op = "Mul", .dt = WEIR_DT_FLOAT, .n = 4, .in = { a, b }, .nin = 2 };
	eval_on(s, &e); /* saturates even with the check off */
	const float *y = e.out;
	assert_true(y[0] == FLT_MAX);
	assert_true(y[1] == -FLT_MAX);
	assert_true(y[2] == 8.0f);
	assert_true(y[3] == -FLT_MAX); /* an inf input saturates too */
	weir__free(e.out);
	assert_int_equal(status_take(f), 0);

	WT_OK(weir_stream_set_overflow_check(s, true));
	eval_on(s, &e);
	weir__free(e.out);
	assert_int_equal(status_take(f), 1);

	/* NaN becomes 0. */
	float neg[4] = { -1.0f, 1.0f, 1.0f, 1.0f };
	e.op = "Sqrt";
	e.nin = 1;
	e.in[0] = neg;
	eval_on(s, &e);
	assert_true(((float *)e.out)[0] == 0.0f);
	weir__free(e.out);
	assert_int_equal(status_take(f), 1);

	/* float16: 300 * 300 = 90000 does not fit; saturates to 65504. */
	uint16_t h[4], g[4];
	for (int i = 0; i < 4; i++) {
		h[i] = weir_f32_to_f16(300.0f);
		g[i] = weir_f32_to_f16(i == 0 ? 300.0f : 2.0f);
	}
	e.op = "Mul";
	e.dt = WEIR_DT_FLOAT16;
	e.nin = 2;
	e.in[0] = h;
	e.in[1] = g;
	eval_on(s, &e);
	assert_true(weir_f16_to_f32(((uint16_t *)e.out)[0]) == 65504.0f);
	assert_true(weir_f16_to_f32(((uint16_t *)e.out)[1]) == 600.0f);
	weir__free(e.out);
	assert_int_equal(status_take(f), 1);

	/* The stream created before the mode change keeps INFNAN. */
	WT_OK(weir_stream_set_overflow_check(old, true));
	eval_on(old, &e);
	assert_true(isinf(weir_f16_to_f32(((uint16_t *)e.out)[0])));
	weir__free(e.out);
	assert_int_equal(status_take(f), 1);
	WT_OK(weir_stream_destroy(s));
	WT_OK(weir_stream_destroy(old));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_infnan_reports_overflow, setup,
		                                wt_fix_teardown),
		cmocka_unit_test_setup_teardown(test_saturation_clamps, setup, wt_fix_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
