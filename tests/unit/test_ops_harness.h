/*
 * tests/unit/test_ops_harness.h - runs one built-in op the way the executor
 * does (registry lookup by name, input-count check, infer, blocks(), then
 * every block of the call) and checks that the output bytes are identical
 * for nblocks in {1, 3, 7, blocks(4 workers), blocks(1 worker), 2}, with the
 * blocks of one call run in reverse order for some counts and concurrently
 * on threads for nblocks = 7, and that no kernel writes past an output's
 * end. Included by tests/unit/test_ops_*.c.
 */
#ifndef TEST_OPS_HARNESS_H
#define TEST_OPS_HARNESS_H

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <pthread.h>
#include <cmocka.h>

#include "graph/op.h"
#include "graph/dtype.h"
#include "base/alloc.h"

#define OC_MAX_IO 16
#define OC_GUARD  64

typedef struct opcase {
	const char *op;
	uint32_t nin;
	weir_tensor_desc_t in_desc[OC_MAX_IO];
	const void *in[OC_MAX_IO];
	bool is_const[OC_MAX_IO];
	void *owned[OC_MAX_IO]; /* input buffers made by oc_in_gen() */
	weir_attrs_t *attrs;
	uint32_t nout;
	weir_tensor_desc_t out_desc[OC_MAX_IO];
	void *out[OC_MAX_IO]; /* results of the nblocks = 1 run */
	uint32_t blocks4;     /* blocks() with 4 workers */
	char msg[512];
	int stage; /* where rc came from: 0 count, 1 infer, 2 kernel */
} opcase_t;

static uint64_t oc_rng_state = 0x9e3779b97f4a7c15ull;

static inline uint64_t oc_rand(void)
{
	uint64_t x = oc_rng_state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return oc_rng_state = x;
}

/* Uniform double in [lo, hi). */
static inline double oc_uniform(double lo, double hi)
{
	return lo + (hi - lo) * (double)(oc_rand() >> 11) / 9007199254740992.0;
}

static inline void oc_init(opcase_t *c, const char *op)
{
	memset(c, 0, sizeof(*c));
	c->op = op;
	assert_int_equal(weir_attrs_create(&c->attrs), WEIR_OK);
}

static inline void oc_free_outputs(opcase_t *c)
{
	for (uint32_t i = 0; i < OC_MAX_IO; i++) {
		free(c->out[i]);
		c->out[i] = NULL;
	}
}

static inline void oc_fini(opcase_t *c)
{
	oc_free_outputs(c);
	for (uint32_t i = 0; i < OC_MAX_IO; i++)
		free(c->owned[i]);
	weir_attrs_destroy(c->attrs);
	memset(c, 0, sizeof(*c));
}

static inline int64_t oc_numel(int rank, const int64_t *dims)
{
	int64_t n = 1;
	for (int i = 0; i < rank; i++)
		n *= dims[i];
	return n;
}

/* Add input (data not copied; must outlive the case). */
static inline uint32_t oc_in(opcase_t *c, int dt, int rank, const int64_t *dims, const void *data)
{
	uint32_t i = c->nin++;
	assert_true(i < OC_MAX_IO);
	memset(&c->in_desc[i], 0, sizeof(c->in_desc[i]));
	c->in_desc[i].dtype = dt;
	c->in_desc[i].rank = (uint32_t)rank;
	for (int d = 0; d < rank; d++)
		c->in_desc[i].dims[d] = dims[d];
	c->in[i] = data;
	return i;
}

/* Add an input filled with random values in [lo, hi] (integers: rounded),
 * stored in dtype dt. Returns the buffer (owned by the case). */
static inline void *oc_in_gen(opcase_t *c, int dt, int rank, const int64_t *dims, double lo,
                              double hi)
{
	int64_t n = oc_numel(rank, dims);
	size_t es = weir_dtype_size(dt);
	void *p = malloc((size_t)n * es + 1);
	assert_non_null(p);
	bool isf = dt == WEIR_DT_FLOAT || dt == WEIR_DT_FLOAT16 || dt == WEIR_DT_BF16 ||
	           dt == WEIR_DT_DOUBLE;
	for (int64_t k = 0; k < n; k++) {
		double v = oc_uniform(lo, hi);
		weir_dt_store(dt, p, k, isf ? v : floor(v + 0.5));
	}
	uint32_t i = oc_in(c, dt, rank, dims, p);
	c->owned[i] = p;
	return p;
}

static inline void oc_const(opcase_t *c, uint32_t i)
{
	c->is_const[i] = true;
}

static inline void oc_attr_int(opcase_t *c, const char *k, int64_t v)
{
	assert_int_equal(weir_attrs_set_int(c->attrs, k, v), WEIR_OK);
}
static inline void oc_attr_float(opcase_t *c, const char *k, float v)
{
	assert_int_equal(weir_attrs_set_float(c->attrs, k, v), WEIR_OK);
}
static inline void oc_attr_bool(opcase_t *c, const char *k, bool v)
{
	assert_int_equal(weir_attrs_set_bool(c->attrs, k, v), WEIR_OK);
}
static inline void oc_attr_str(opcase_t *c, const char *k, const char *v)
{
	assert_int_equal(weir_attrs_set_string(c->attrs, k, v), WEIR_OK);
}
static inline void oc_attr_ints(opcase_t *c, const char *k, const int64_t *v, size_t n)
{
	assert_int_equal(weir_attrs_set_ints(c->attrs, k, v, n), WEIR_OK);
}
#define OC_INTS(c, k, ...)                                       \
	oc_attr_ints((c), (k), (const int64_t[]){ __VA_ARGS__ }, \
	             sizeof((const int64_t[]){ __VA_ARGS__ }) / sizeof(int64_t))

typedef struct oc_thread_arg {
	const weir_op_def_t *d;
	const weir_op_call_t *call;
	uint32_t block, nblocks;
	int rc;
} oc_thread_arg_t;

static void *oc_block_thread(void *p)
{
	oc_thread_arg_t *a = p;
	a->rc = a->d->kernel(a->call, a->block, a->nblocks);
	return NULL;
}

/* One full call with nb blocks into fresh outputs; blocks run in reverse
 * order when `reverse`, or all at once on nb threads when `threaded` (as the
 * device's workers run them: under TSan this proves that blocks write
 * disjoint bytes). Returns the first failing block's code. */
static inline int oc_call(opcase_t *c, const weir_op_def_t *d, uint32_t nb, bool reverse,
                          bool threaded, uint8_t fill, void **outs, size_t *bytes)
{
	for (uint32_t i = 0; i < c->nout; i++) {
		bytes[i] = (size_t)weir_tensor_desc_bytes(&c->out_desc[i]);
		outs[i] = malloc(bytes[i] + OC_GUARD);
		assert_non_null(outs[i]);
		memset(outs[i], fill, bytes[i] + OC_GUARD);
	}
	weir_op_call_t call = {
		.nin = c->nin,
		.nout = c->nout,
		.in = c->in,
		.out = outs,
		.in_desc = c->in_desc,
		.out_desc = c->out_desc,
		.attrs = c->attrs,
		.node_name = "test",
	};
	size_t ws = d->workspace ? d->workspace(&call) : 0;
	void *wsp = ws ? malloc(ws) : NULL;
	call.workspace = wsp;
	call.workspace_size = ws;
	int rc = 0;
	if (threaded && nb > 1 && nb <= 16) {
		pthread_t th[16];
		oc_thread_arg_t args[16];
		for (uint32_t k = 0; k < nb; k++) {
			args[k] = (oc_thread_arg_t){
				.d = d, .call = &call, .block = k, .nblocks = nb
			};
			assert_int_equal(pthread_create(&th[k], NULL, oc_block_thread, &args[k]),
			                 0);
		}
		for (uint32_t k = 0; k < nb; k++) {
			assert_int_equal(pthread_join(th[k], NULL), 0);
			if (args[k].rc != 0 && rc == 0)
				rc = args[k].rc;
		}
		nb = 0; /* done */
	}
	for (uint32_t k = 0; k < nb; k++) {
		uint32_t b = reverse ? nb - 1 - k : k;
		int r = d->kernel(&call, b, nb);
		if (r != 0 && rc == 0)
			rc = r;
	}
	free(wsp);
	for (uint32_t i = 0; i < c->nout; i++)
		for (size_t g = 0; g < OC_GUARD; g++)
			if (((uint8_t *)outs[i])[bytes[i] + g] != fill)
				fail_msg("%s: kernel wrote past the end of output %u (nblocks %u)",
				         c->op, i, nb);
	return rc;
}

/*
 * Run the case with nout outputs. Returns WEIR_OK or the failing code (the
 * message is in c->msg and c->stage says where it came from). On success
 * c->out_desc/c->out hold the results.
 */
static inline int oc_run(opcase_t *c, uint32_t nout)
{
	oc_free_outputs(c);
	c->nout = nout;
	c->msg[0] = '\0';
	const weir_op_def_t *d = weir__op_lookup(c->op);
	if (!d)
		fail_msg("op %s is not registered", c->op);
	c->stage = 0;
	if (c->nin < d->min_inputs || c->nin > d->max_inputs || nout < d->min_outputs ||
	    nout > d->max_outputs) {
		snprintf(c->msg, sizeof(c->msg), "wrong input/output count");
		return WEIR_EINVAL;
	}
	const void *consts[OC_MAX_IO];
	for (uint32_t i = 0; i < c->nin; i++)
		consts[i] = c->is_const[i] ? c->in[i] : NULL;
	memset(c->out_desc, 0, sizeof(c->out_desc));
	weir_op_infer_ctx_t ic = {
		.node_name = "test",
		.op_name = d->name,
		.nin = c->nin,
		.nout = nout,
		.in = c->in_desc,
		.in_const = consts,
		.attrs = c->attrs,
		.out = c->out_desc,
		.msg = c->msg,
		.msg_size = sizeof(c->msg),
	};
	c->stage = 1;
	int rc = d->infer(&ic);
	if (rc != WEIR_OK) {
		if (c->msg[0] == '\0')
			fail_msg("%s: infer failed (%d) without a message", c->op, rc);
		return rc;
	}
	for (uint32_t i = 0; i < nout; i++) {
		if (weir_tensor_desc_bytes(&c->out_desc[i]) < 0)
			fail_msg("%s: infer produced an invalid output desc %u", c->op, i);
	}
	weir_op_call_t q = {
		.nin = c->nin,
		.nout = nout,
		.in_desc = c->in_desc,
		.out_desc = c->out_desc,
		.attrs = c->attrs,
		.node_name = "test",
	};
	uint32_t b4 = d->blocks ? d->blocks(&q, 4) : 1;
	uint32_t b1 = d->blocks ? d->blocks(&q, 1) : 1;
	assert_true(b4 >= 1 && b4 <= 1024 && b1 >= 1 && b1 <= 1024);
	c->blocks4 = b4;

	const uint32_t nbs[] = { 1, 3, 7, b4, b1, 2 };
	size_t bytes[OC_MAX_IO];
	c->stage = 2;
	int rc0 = oc_call(c, d, 1, false, false, 0xA5, c->out, bytes);
	for (size_t k = 1; k < sizeof(nbs) / sizeof(nbs[0]); k++) {
		void *o2[OC_MAX_IO] = { 0 };
		size_t b2[OC_MAX_IO];
		int r = oc_call(c, d, nbs[k], k % 2 == 1, nbs[k] == 7, 0x5A, o2, b2);
		if ((r != 0) != (rc0 != 0))
			fail_msg("%s: nblocks 1 returned %d but nblocks %u returned %d", c->op, rc0,
			         nbs[k], r);
		for (uint32_t i = 0; rc0 == 0 && i < nout; i++)
			if (memcmp(c->out[i], o2[i], bytes[i]) != 0)
				fail_msg("%s: output %u differs between nblocks 1 and %u", c->op, i,
				         nbs[k]);
		for (uint32_t i = 0; i < nout; i++)
			free(o2[i]);
	}
	if (rc0 != 0)
		snprintf(c->msg, sizeof(c->msg), "kernel failed with %d", rc0);
	return rc0;
}

static inline void oc_expect_msg(const opcase_t *c, const char *needle)
{
	if (needle && !strstr(c->msg, needle))
		fail_msg("%s: message \"%s\" lacks \"%s\"", c->op, c->msg, needle);
}

/* Expect failure code `code` whose message contains `needle`. */
#define OC_EXPECT_FAIL(c, nout, code, needle)                                                     \
	do {                                                                                      \
		int rc_ = oc_run((c), (nout));                                                    \
		if (rc_ != (code))                                                                \
			fail_msg("%s: expected %s, got %s (%s)", (c)->op, weir_status_name(code), \
			         weir_status_name(rc_), (c)->msg);                                \
		oc_expect_msg((c), (needle));                                                     \
	} while (0)

#define OC_EXPECT_OK(c, nout)                                                              \
	do {                                                                               \
		int rc_ = oc_run((c), (nout));                                             \
		if (rc_ != WEIR_OK)                                                        \
			fail_msg("%s:%d: %s failed: %s (%s)", __FILE__, __LINE__, (c)->op, \
			         weir_status_name(rc_), (c)->msg);                         \
	} while (0)

/* Output i has dtype dt and the given shape. */
static inline void oc_expect_shape(const opcase_t *c, uint32_t i, int dt, int rank,
                                   const int64_t *dims)
{
	const weir_tensor_desc_t *o = &c->out_desc[i];
	bool ok = o->dtype == dt && (int)o->rank == rank;
	for (int d = 0; ok && d < rank; d++)
		ok = o->dims[d] == dims[d];
	if (!ok) {
		char got[96];
		weir_tensor_desc_str(o, got, sizeof(got));
		fail_msg("%s: output %u is %s, expected dtype %s rank %d", c->op, i, got,
		         weir_dtype_name(dt), rank);
	}
}
#define OC_SHAPE(c, i, dt, ...)                                                            \
	oc_expect_shape((c), (i), (dt),                                                    \
	                (int)(sizeof((const int64_t[]){ __VA_ARGS__ }) / sizeof(int64_t)), \
	                (const int64_t[]){ __VA_ARGS__ })

static inline bool oc_is_float(int dt)
{
	return dt == WEIR_DT_FLOAT || dt == WEIR_DT_FLOAT16 || dt == WEIR_DT_BF16 ||
	       dt == WEIR_DT_DOUBLE;
}

/* Relative tolerance of one rounding step (plus slack) per float dtype. */
static inline double oc_tol(int dt)
{
	switch (dt) {
	case WEIR_DT_FLOAT16: return 2e-3;
	case WEIR_DT_BF16: return 1.6e-2;
	case WEIR_DT_DOUBLE: return 1e-12;
	default: return 2e-6;
	}
}

/* Compare output i against ref (doubles, before rounding to the dtype):
 * integers and bools exactly after the dtype's store conversion; floats
 * within rtol * max(|ref|, 1) * scale, NaN matching NaN and infinities
 * matching exactly. */
static inline void oc_expect_close(const opcase_t *c, uint32_t i, const double *ref, double scale)
{
	const weir_tensor_desc_t *o = &c->out_desc[i];
	int64_t n = weir_tensor_desc_numel(o);
	int dt = o->dtype;
	unsigned char tmp[16];
	for (int64_t k = 0; k < n; k++) {
		double got = weir_dt_load(dt, c->out[i], k);
		if (!oc_is_float(dt)) {
			weir_dt_store(dt, tmp, 0, ref[k]);
			double want = weir_dt_load(dt, tmp, 0);
			if (got != want)
				fail_msg("%s: out%u[%lld] = %.17g, expected %.17g", c->op, i,
				         (long long)k, got, want);
			continue;
		}
		double r = ref[k];
		if (isnan(r) || isnan(got)) {
			if (!(isnan(r) && isnan(got)))
				fail_msg("%s: out%u[%lld] = %.9g, expected %.9g", c->op, i,
				         (long long)k, got, r);
			continue;
		}
		if (isinf(r) || isinf(got)) {
			weir_dt_store(dt, tmp, 0, r);
			if (got != weir_dt_load(dt, tmp, 0))
				fail_msg("%s: out%u[%lld] = %.9g, expected %.9g", c->op, i,
				         (long long)k, got, r);
			continue;
		}
		double tol = oc_tol(dt) * scale * (fabs(r) > 1.0 ? fabs(r) : 1.0);
		if (fabs(got - r) > tol)
			fail_msg("%s (%s): out%u[%lld] = %.9g, expected %.9g (tol %.3g)", c->op,
			         weir_dtype_name(dt), i, (long long)k, got, r, tol);
	}
}

/* Input element k as double. */
static inline double oc_ld(const opcase_t *c, uint32_t i, int64_t k)
{
	return weir_dt_load(c->in_desc[i].dtype, c->in[i], k);
}

static const int oc_float_dts[] = { WEIR_DT_FLOAT, WEIR_DT_FLOAT16, WEIR_DT_BF16 };
static const int oc_int_dts[] = { WEIR_DT_INT8, WEIR_DT_UINT8, WEIR_DT_INT32, WEIR_DT_INT64 };
static const int oc_all_dts[] = {
	WEIR_DT_FLOAT, WEIR_DT_FLOAT16, WEIR_DT_BF16,   WEIR_DT_DOUBLE, WEIR_DT_INT8,
	WEIR_DT_UINT8, WEIR_DT_INT16,   WEIR_DT_UINT16, WEIR_DT_INT32,  WEIR_DT_UINT32,
	WEIR_DT_INT64, WEIR_DT_UINT64,  WEIR_DT_BOOL,
};
#define OC_N(a) (sizeof(a) / sizeof((a)[0]))

/* Row-major index helpers for references. */
static inline void oc_unravel(int64_t k, int rank, const int64_t *dims, int64_t *idx)
{
	for (int d = rank - 1; d >= 0; d--) {
		idx[d] = dims[d] ? k % dims[d] : 0;
		k = dims[d] ? k / dims[d] : 0;
	}
}
static inline int64_t oc_ravel(int rank, const int64_t *dims, const int64_t *idx)
{
	int64_t k = 0;
	for (int d = 0; d < rank; d++)
		k = k * dims[d] + idx[d];
	return k;
}

#endif /* TEST_OPS_HARNESS_H */
