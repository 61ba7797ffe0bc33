/*
 * test_session_acl_finalize.c - sessions bound to the ACL facade's runtime
 * (weir_session_create_acl) outliving it: after aclFinalize every call
 * returns WEIR_EFINALIZED with a message and touches nothing of the freed
 * runtime (ASan: no use-after-free), destroy is clean (LSan), a new aclInit
 * does not give the old session the new runtime, and calls racing aclFinalize
 * either complete or return WEIR_EFINALIZED. Worker threads only record; the
 * test thread asserts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "acl/acl.h"
#include "weir/session.h"
#include "acl/weir_acl.h"
#include "common/oracle.h"

#define N 8

static void env(void)
{
	setenv("WEIR_NO_PIN", "1", 0);
	setenv("WEIR_DEVICES", "2", 0);
	setenv("WEIR_WORKERS", "2", 0);
}

/* y = relu(x), x: float[N] */
static weir_graph_t *relu_graph(void)
{
	weir_graph_t *g;
	weir_tensor_desc_t d;
	int64_t dims[1] = { N };
	weir_port_t x, y;
	uint32_t id;
	assert_int_equal(weir_graph_create("relu", &g), WEIR_OK);
	assert_int_equal(weir_tensor_desc_init(&d, WEIR_DT_FLOAT, 1, dims), WEIR_OK);
	assert_int_equal(weir_graph_add_data(g, "x", 0, &d, &x), WEIR_OK);
	assert_int_equal(weir_graph_add_node(g, "relu", "Relu", &x, 1, 0, &id), WEIR_OK);
	y = weir_port(id, 0);
	assert_int_equal(weir_graph_set_outputs(g, &y, 1), WEIR_OK);
	return g;
}

static float g_x[N] = { -1, 2, -3, 4, -5, 6, -7, 8 };

static weir_tensor_t input(void)
{
	weir_tensor_t t;
	int64_t dims[1] = { N };
	memset(&t, 0, sizeof t);
	t.data = g_x;
	t.size = sizeof g_x;
	assert_int_equal(weir_tensor_desc_init(&t.desc, WEIR_DT_FLOAT, 1, dims), WEIR_OK);
	return t;
}

/* Run graph `id` once synchronously and check the result. */
static void run_ok(weir_session_t *s, uint32_t id)
{
	weir_tensor_t in = input(), out;
	memset(&out, 0, sizeof out);
	assert_int_equal(weir_session_run_graph(s, id, &in, 1, &out, 1), WEIR_OK);
	const float *y = out.data;
	for (int i = 0; i < N; i++)
		assert_true(y[i] == (g_x[i] > 0 ? g_x[i] : 0.0f));
	assert_int_equal(weir_session_free(s, out.data), WEIR_OK);
}

static void cb_never(int status, weir_tensor_t *outs, uint32_t nout, void *user)
{
	(void)status;
	(void)outs;
	(void)nout;
	(void)user;
	fail_msg("a run callback ran on a session whose runtime was finalized");
}

static void assert_msg_finalized(void)
{
	const char *m = weir_graph_last_error();
	assert_non_null(m);
	if (!strstr(m, "finalized"))
		fail_msg("message does not say the runtime was finalized: '%s'", m);
}

/* Every call on `s` (graph 1 loaded and run, graph 2 only added) fails with
 * WEIR_EFINALIZED and touches nothing of its (freed) runtime. */
static void assert_all_finalized(weir_session_t *s)
{
	weir_graph_t *g = relu_graph();
	weir_tensor_t in = input(), out;
	weir_graph_summary_t sum;
	char *json = NULL;
	int dummy;

	assert_int_equal(weir_session_compile_graph(s, 2), WEIR_EFINALIZED);
	assert_msg_finalized();
	assert_int_equal(weir_session_load_graph(s, 2, NULL, 0, NULL), WEIR_EFINALIZED);
	assert_msg_finalized();
	memset(&out, 0, sizeof out);
	assert_int_equal(weir_session_run_graph(s, 1, &in, 1, &out, 1), WEIR_EFINALIZED);
	assert_null(out.data);
	assert_int_equal(weir_session_run_graph(s, 2, &in, 1, &out, 1), WEIR_EFINALIZED);
	assert_int_equal(weir_session_run_graph_async(s, 1, &in, 1, cb_never, NULL),
	                 WEIR_EFINALIZED);
	assert_int_equal(weir_session_add_graph(s, 3, g, NULL, 0), WEIR_EFINALIZED);
	assert_msg_finalized();
	assert_false(weir_session_has_graph(s, 1));
	assert_int_equal(weir_session_graph_summary(s, 1, &sum), WEIR_EFINALIZED);
	assert_int_equal(weir_session_plan_json(s, 1, &json), WEIR_EFINALIZED);
	assert_null(json);
	assert_int_equal(weir_session_free(s, &dummy), WEIR_EFINALIZED);
	assert_int_equal(weir_session_remove_graph(s, 1), WEIR_EFINALIZED);
	assert_int_equal(weir_session_finalize(s), WEIR_OK); /* idempotent */
	weir_graph_destroy(g);
}

/* A session with graph 1 loaded (and run) and graph 2 added. */
static weir_session_t *loaded_session(uint32_t dev)
{
	char devs[8];
	snprintf(devs, sizeof devs, "%u", dev);
	weir_option_t o[] = { { "ge.session_device_id", devs } };
	weir_session_t *s = NULL;
	weir_graph_t *g = relu_graph();
	assert_int_equal(weir_session_create_acl(o, 1, &s), WEIR_OK);
	assert_int_equal(weir_session_add_graph(s, 1, g, NULL, 0), WEIR_OK);
	assert_int_equal(weir_session_add_graph(s, 2, g, NULL, 0), WEIR_OK);
	weir_graph_destroy(g);
	assert_int_equal(weir_session_load_graph(s, 1, NULL, 0, NULL), WEIR_OK);
	run_ok(s, 1);
	return s;
}

static void test_calls_after_finalize(void **st)
{
	(void)st;
	env();
	assert_int_equal(aclInit(NULL), ACL_SUCCESS);
	weir_session_t *s = loaded_session(1);
	assert_int_equal(aclFinalize(), ACL_SUCCESS);
	assert_all_finalized(s);
	weir_session_destroy(s); /* clean: ASan and LSan check it */
}

/* A stream-async run still in flight when aclFinalize comes: finalize
 * unloads the graph (waiting for the run) before the runtime goes; the
 * session is destroyed afterwards without touching it. */
static void test_destroy_after_finalize_with_run_in_flight(void **st)
{
	(void)st;
	env();
	assert_int_equal(aclInit(NULL), ACL_SUCCESS);
	weir_session_t *s = loaded_session(0);
	weir_tensor_t in = input(), out;
	weir_stream_t *ws = NULL;
	assert_int_equal(aclrtSetDevice(0), ACL_SUCCESS);
	assert_int_equal(weir_session_acl_stream(NULL, &ws), WEIR_OK);
	for (int i = 0; i < 4; i++) {
		memset(&out, 0, sizeof out);
		assert_int_equal(weir_session_run_graph_async_stream(s, 2, ws, &in, 1, &out, 1),
		                 WEIR_OK);
	}
	/* The outputs weir allocated go with the device memory. */
	assert_int_equal(aclFinalize(), ACL_SUCCESS);
	assert_int_equal(weir_session_run_graph_async_stream(s, 2, ws, &in, 1, &out, 1),
	                 WEIR_EFINALIZED);
	weir_session_destroy(s);
}

static void test_reinit_does_not_rebind(void **st)
{
	(void)st;
	env();
	assert_int_equal(aclInit(NULL), ACL_SUCCESS);
	weir_session_t *old = loaded_session(1);
	assert_int_equal(aclFinalize(), ACL_SUCCESS);
	assert_int_equal(aclInit(NULL), ACL_SUCCESS);
	/* A new runtime is up: the old session must still refuse. */
	assert_all_finalized(old);
	weir_session_t *s = loaded_session(1);
	run_ok(s, 1);
	weir_session_destroy(old);
	run_ok(s, 1);
	weir_session_destroy(s);
	assert_int_equal(aclFinalize(), ACL_SUCCESS);
}

/* Calls racing aclFinalize: each completes or returns WEIR_EFINALIZED. */
struct racer {
	weir_session_t *s;
	_Atomic int bad;       /* first unexpected code, 0 if none */
	_Atomic int finalized; /* saw WEIR_EFINALIZED */
	_Atomic uint64_t ok;
};

static void *race_main(void *arg)
{
	struct racer *r = arg;
	weir_graph_t *g = relu_graph();
	for (uint32_t i = 10; !weir_load_acquire(&r->finalized); i++) {
		weir_tensor_t in = input(), out;
		memset(&out, 0, sizeof out);
		int rc = weir_session_add_graph(r->s, i, g, NULL, 0);
		if (rc == WEIR_OK)
			rc = weir_session_compile_graph(r->s, i);
		if (rc == WEIR_OK)
			rc = weir_session_run_graph(r->s, i, &in, 1, &out, 1);
		if (rc == WEIR_OK)
			rc = weir_session_free(r->s, out.data);
		if (rc == WEIR_OK)
			rc = weir_session_remove_graph(r->s, i);
		if (rc == WEIR_OK) {
			weir_faa_relaxed(&r->ok, 1); /* read after join */
		} else if (rc == WEIR_EFINALIZED) {
			weir_store_release(&r->finalized, 1); /* pairs with the load above */
		} else {
			int z = 0;
			weir_cas_strong_acqrel(&r->bad, &z, rc); /* read after join */
			break;
		}
	}
	weir_graph_destroy(g);
	return NULL;
}

static void test_calls_racing_finalize(void **st)
{
	(void)st;
	env();
	wt_watchdog_t wd;
	wt_watchdog_start(&wd, 120);
	for (int round = 0; round < 20; round++) {
		assert_int_equal(aclInit(NULL), ACL_SUCCESS);
		struct racer r[2];
		pthread_t t[2];
		for (int k = 0; k < 2; k++) {
			memset(&r[k], 0, sizeof r[k]);
			char devs[4];
			snprintf(devs, sizeof devs, "%d", k);
			weir_option_t o[] = { { "ge.session_device_id", devs } };
			assert_int_equal(weir_session_create_acl(o, 1, &r[k].s), WEIR_OK);
			assert_int_equal(pthread_create(&t[k], NULL, race_main, &r[k]), 0);
		}
		assert_int_equal(aclFinalize(), ACL_SUCCESS);
		for (int k = 0; k < 2; k++) {
			assert_int_equal(pthread_join(t[k], NULL), 0);
			assert_int_equal(weir_load_relaxed(&r[k].bad), 0);
			assert_int_equal(weir_load_relaxed(&r[k].finalized), 1);
			weir_session_destroy(r[k].s);
		}
	}
	wt_watchdog_stop(&wd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_calls_after_finalize),
		cmocka_unit_test(test_destroy_after_finalize_with_run_in_flight),
		cmocka_unit_test(test_reinit_does_not_rebind),
		cmocka_unit_test(test_calls_racing_finalize),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
