/*
 * tests/unit/test_ops_scatter.c - ScatterElements, ScatterND and GatherND
 * (graph/ops/scatter.c) against ONNX's sequential reference (copy data, then
 * apply the updates in the row-major order of indices), with many duplicate
 * indices so that the order matters, every dtype, reductions, negative and
 * out-of-range indices, empty tensors, multi-block sizes and ONNX's examples.
 */
#include "test_ops_harness.h"

enum { R_NONE, R_ADD, R_MUL };
static const char *const red_names[] = { "none", "add", "mul" };

/* dst[o] (red)= src[u], as ONNX's reference does it in the dtype: float32
 * arithmetic for float32/float16/bfloat16, double for double, wrapping
 * integers. */
static void ref_apply(int dt, int red, void *dst, int64_t o, const void *src, int64_t u)
{
	size_t es = weir_dtype_size(dt);
	if (red == R_NONE) {
		memcpy((char *)dst + (size_t)o * es, (const char *)src + (size_t)u * es, es);
	} else if (dt == WEIR_DT_DOUBLE) {
		double a = weir_dt_load(dt, dst, o), b = weir_dt_load(dt, src, u);
		weir_dt_store(dt, dst, o, red == R_ADD ? a + b : a * b);
	} else if (oc_is_float(dt)) {
		float a = (float)weir_dt_load(dt, dst, o), b = (float)weir_dt_load(dt, src, u);
		weir_dt_store(dt, dst, o, (double)(red == R_ADD ? a + b : a * b));
	} else {
		/* Small test values: exact in double, then wrapped to the width. */
		int64_t a = (int64_t)weir_dt_load(dt, dst, o),
		        b = (int64_t)weir_dt_load(dt, src, u);
		uint64_t r = red == R_ADD ? (uint64_t)a + (uint64_t)b : (uint64_t)a * (uint64_t)b;
		switch (es) {
		case 1: ((uint8_t *)dst)[o] = (uint8_t)r; break;
		case 2: ((uint16_t *)dst)[o] = (uint16_t)r; break;
		case 4: ((uint32_t *)dst)[o] = (uint32_t)r; break;
		default: ((uint64_t *)dst)[o] = r; break;
		}
	}
}

static void expect_bytes(const opcase_t *c, const void *want)
{
	size_t es = weir_dtype_size(c->out_desc[0].dtype);
	int64_t n = weir_tensor_desc_numel(&c->out_desc[0]);
	for (int64_t k = 0; k < n; k++)
		if (memcmp((const char *)c->out[0] + (size_t)k * es,
		           (const char *)want + (size_t)k * es, es) != 0)
			fail_msg("%s: out[%lld] = %g, expected %g", c->op, (long long)k,
			         weir_dt_load(c->out_desc[0].dtype, c->out[0], k),
			         weir_dt_load(c->out_desc[0].dtype, want, k));
}

static void *ref_copy(const opcase_t *c, uint32_t i)
{
	size_t bytes = (size_t)weir_tensor_desc_numel(&c->in_desc[i]) *
	               weir_dtype_size(c->in_desc[i].dtype);
	void *p = malloc(bytes + 1);
	memcpy(p, c->in[i], bytes);
	return p;
}

/* ---- ScatterElements ----------------------------------------------------- */

static void run_se(int dt, int rank, const int64_t *dd, int idt, const int64_t *id, int64_t axis,
                   int red, bool cst)
{
	opcase_t c;
	oc_init(&c, "ScatterElements");
	oc_in_gen(&c, dt, rank, dd, -3, 3);
	int ax = (int)(axis < 0 ? axis + rank : axis);
	int64_t A = dd[ax];
	void *ix = oc_in_gen(&c, idt, rank, id, -(double)A, (double)A - 1);
	oc_in_gen(&c, dt, rank, id, -3, 3);
	if (cst)
		oc_const(&c, 1);
	if (axis || oc_rand() % 2)
		oc_attr_int(&c, "axis", axis);
	if (red != R_NONE || oc_rand() % 2)
		oc_attr_str(&c, "reduction", red_names[red]);
	OC_EXPECT_OK(&c, 1);
	oc_expect_shape(&c, 0, dt, rank, dd);
	void *want = ref_copy(&c, 0);
	int64_t n = oc_numel(rank, id), idx[8];
	for (int64_t k = 0; k < n; k++) {
		oc_unravel(k, rank, id, idx);
		int64_t v = (int64_t)weir_dt_load(idt, ix, k);
		idx[ax] = v < 0 ? v + A : v;
		ref_apply(dt, red, want, oc_ravel(rank, dd, idx), c.in[2], k);
	}
	expect_bytes(&c, want);
	free(want);
	oc_fini(&c);
}

static void test_scatter_elements(void **state)
{
	(void)state;
	for (size_t t = 0; t < OC_N(oc_all_dts); t++) {
		int dt = oc_all_dts[t];
		for (int red = 0; red < 3; red++) {
			if (red && dt == WEIR_DT_BOOL)
				continue;
			run_se(dt, 2, (int64_t[]){ 4, 5 }, WEIR_DT_INT64, (int64_t[]){ 6, 5 }, 0,
			       red, false);
			run_se(dt, 2, (int64_t[]){ 4, 5 }, WEIR_DT_INT32, (int64_t[]){ 3, 7 }, 1,
			       red, true);
		}
	}
	run_se(WEIR_DT_FLOAT, 3, (int64_t[]){ 3, 4, 5 }, WEIR_DT_INT32, (int64_t[]){ 2, 9, 4 }, -2,
	       R_ADD, false);
	run_se(WEIR_DT_FLOAT, 1, (int64_t[]){ 3 }, WEIR_DT_INT64, (int64_t[]){ 20 }, 0, R_NONE,
	       false);
	run_se(WEIR_DT_FLOAT, 2, (int64_t[]){ 3, 5 }, WEIR_DT_INT64, (int64_t[]){ 0, 5 }, 1, R_NONE,
	       false); /* no updates */
	run_se(WEIR_DT_FLOAT, 2, (int64_t[]){ 0, 5 }, WEIR_DT_INT64, (int64_t[]){ 0, 5 }, 1, R_ADD,
	       false); /* empty data */
	run_se(WEIR_DT_FLOAT16, 2, (int64_t[]){ 300, 257 }, WEIR_DT_INT64, (int64_t[]){ 290, 300 },
	       1, R_ADD, false); /* several blocks, lanes along dim 0 */
	run_se(WEIR_DT_BF16, 3, (int64_t[]){ 30, 40, 50 }, WEIR_DT_INT32, (int64_t[]){ 30, 80, 45 },
	       1, R_MUL, false);

	/* ONNX example (with_duplicate_indices): add. */
	float d[5] = { 1, 2, 3, 4, 5 }, u[2] = { 1.1f, 2.1f }, want[5] = { 1, 2, 3, 4, 5 };
	want[1] = 2 + 1.1f + 2.1f;
	int64_t ix[2] = { 1, 1 };
	opcase_t c;
	oc_init(&c, "ScatterElements");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 1, 5 }, d);
	oc_in(&c, WEIR_DT_INT64, 2, (int64_t[]){ 1, 2 }, ix);
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 1, 2 }, u);
	oc_attr_int(&c, "axis", 1);
	oc_attr_str(&c, "reduction", "add");
	OC_EXPECT_OK(&c, 1);
	expect_bytes(&c, want);
	/* none: the later update wins. */
	oc_attr_str(&c, "reduction", "none");
	want[1] = 2.1f;
	OC_EXPECT_OK(&c, 1);
	expect_bytes(&c, want);
	oc_fini(&c);
}

static void test_scatter_elements_errors(void **state)
{
	(void)state;
	float f[12] = { 0 };
	int64_t bad[3] = { 0, 4, 1 };
	int32_t ok[3] = { 0, 1, 2 };
	uint8_t b[12] = { 0 };
	opcase_t c;

	oc_init(&c, "ScatterElements"); /* run-time index out of range */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 3 }, f);
	oc_in(&c, WEIR_DT_INT64, 2, (int64_t[]){ 3, 1 }, bad);
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 3, 1 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_EBOUNDS, NULL);
	assert_int_equal(c.stage, 2);
	oc_const(&c, 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "out of range");
	oc_attr_str(&c, "reduction", "max");
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "not none, add or mul");
	oc_attr_str(&c, "reduction", "none");
	oc_attr_int(&c, "axis", 2);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "axis 2 out of range");
	oc_fini(&c);

	oc_init(&c, "ScatterElements"); /* updates shape */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 3 }, f);
	oc_in(&c, WEIR_DT_INT32, 2, (int64_t[]){ 3, 1 }, ok);
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 1, 3 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "indices' shape");
	oc_fini(&c);

	oc_init(&c, "ScatterElements"); /* updates dtype */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 3 }, f);
	oc_in(&c, WEIR_DT_INT32, 2, (int64_t[]){ 3, 1 }, ok);
	oc_in(&c, WEIR_DT_INT32, 2, (int64_t[]){ 3, 1 }, ok);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "data's dtype");
	oc_fini(&c);

	oc_init(&c, "ScatterElements"); /* larger than data on a non-axis dim */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 1 }, f);
	oc_in(&c, WEIR_DT_INT32, 2, (int64_t[]){ 1, 3 }, ok);
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 1, 3 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "larger than data");
	oc_fini(&c);

	oc_init(&c, "ScatterElements"); /* rank */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 3 }, f);
	oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ 3 }, ok);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 3 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "one rank");
	oc_fini(&c);

	oc_init(&c, "ScatterElements"); /* float indices */
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 3 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 3 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "int32 or int64");
	oc_fini(&c);

	oc_init(&c, "ScatterElements"); /* bool with add */
	oc_in(&c, WEIR_DT_BOOL, 1, (int64_t[]){ 4 }, b);
	oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ 3 }, ok);
	oc_in(&c, WEIR_DT_BOOL, 1, (int64_t[]){ 3 }, b);
	oc_attr_str(&c, "reduction", "add");
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "does not take dtype");
	oc_fini(&c);
}

/* ---- ScatterND ----------------------------------------------------------- */

static void run_snd(int dt, int r, const int64_t *dd, int idt, int q, const int64_t *id, int red,
                    bool cst)
{
	opcase_t c;
	oc_init(&c, "ScatterND");
	oc_in_gen(&c, dt, r, dd, -3, 3);
	int k = (int)id[q - 1];
	int64_t ntup = oc_numel(q - 1, id), slice = oc_numel(r - k, dd + k);
	/* Index tuples with entries in [-dim, dim) of their data dim. */
	void *ix = malloc((size_t)(ntup * k + 1) * weir_dtype_size(idt));
	for (int64_t p = 0; p < ntup; p++)
		for (int j = 0; j < k; j++)
			weir_dt_store(idt, ix, p * k + j,
			              floor(oc_uniform(-(double)dd[j], (double)dd[j])));
	uint32_t ii = oc_in(&c, idt, q, id, ix);
	c.owned[ii] = ix;
	int64_t ud[16];
	for (int j = 0; j < q - 1; j++)
		ud[j] = id[j];
	for (int j = k; j < r; j++)
		ud[q - 1 + j - k] = dd[j];
	oc_in_gen(&c, dt, q - 1 + r - k, ud, -3, 3);
	if (cst)
		oc_const(&c, 1);
	if (red != R_NONE || oc_rand() % 2)
		oc_attr_str(&c, "reduction", red_names[red]);
	OC_EXPECT_OK(&c, 1);
	oc_expect_shape(&c, 0, dt, r, dd);
	void *want = ref_copy(&c, 0);
	for (int64_t p = 0; p < ntup; p++) {
		int64_t cell[8];
		for (int j = 0; j < k; j++) {
			int64_t v = (int64_t)weir_dt_load(idt, ix, p * k + j);
			cell[j] = v < 0 ? v + dd[j] : v;
		}
		int64_t base = oc_ravel(k, dd, cell) * slice;
		for (int64_t e = 0; e < slice; e++)
			ref_apply(dt, red, want, base + e, c.in[2], p * slice + e);
	}
	expect_bytes(&c, want);
	free(want);
	oc_fini(&c);
}

static void test_scatter_nd(void **state)
{
	(void)state;
	for (size_t t = 0; t < OC_N(oc_all_dts); t++) {
		int dt = oc_all_dts[t];
		for (int red = 0; red < 3; red++) {
			if (red && dt == WEIR_DT_BOOL)
				continue;
			run_snd(dt, 3, (int64_t[]){ 4, 3, 2 }, WEIR_DT_INT64, 2,
			        (int64_t[]){ 7, 1 }, red, false);
			run_snd(dt, 2, (int64_t[]){ 4, 3 }, WEIR_DT_INT32, 3,
			        (int64_t[]){ 2, 5, 2 }, red, true);
		}
	}
	run_snd(WEIR_DT_FLOAT, 3, (int64_t[]){ 4, 3, 2 }, WEIR_DT_INT64, 1, (int64_t[]){ 3 }, R_ADD,
	        false); /* one tuple, k = rank */
	run_snd(WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 3 }, WEIR_DT_INT64, 2, (int64_t[]){ 3, 0 }, R_ADD,
	        false); /* k = 0: whole tensor per update */
	run_snd(WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 3 }, WEIR_DT_INT64, 2, (int64_t[]){ 0, 2 },
	        R_NONE, false); /* no updates */
	run_snd(WEIR_DT_FLOAT, 2, (int64_t[]){ 0, 3 }, WEIR_DT_INT64, 2, (int64_t[]){ 0, 1 },
	        R_NONE, false); /* empty data */
	run_snd(WEIR_DT_FLOAT16, 3, (int64_t[]){ 64, 32, 40 }, WEIR_DT_INT64, 2,
	        (int64_t[]){ 20, 1 }, R_ADD, false); /* several blocks */
	run_snd(WEIR_DT_BF16, 2, (int64_t[]){ 256, 256 }, WEIR_DT_INT32, 2, (int64_t[]){ 100, 2 },
	        R_MUL, false);

	/* ONNX example (scatternd): data 1-D [8], indices [[4], [3], [1], [7]]. */
	float d[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, u[4] = { 9, 10, 11, 12 };
	float want[8] = { 1, 11, 3, 10, 9, 6, 7, 12 };
	int64_t ix[4] = { 4, 3, 1, 7 };
	opcase_t c;
	oc_init(&c, "ScatterND");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 8 }, d);
	oc_in(&c, WEIR_DT_INT64, 2, (int64_t[]){ 4, 1 }, ix);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, u);
	OC_EXPECT_OK(&c, 1);
	expect_bytes(&c, want);
	oc_fini(&c);
}

static void test_scatter_nd_errors(void **state)
{
	(void)state;
	float f[16] = { 0 };
	int64_t bad[2] = { 1, -5 }, ok[3] = { 0, 1, 2 };
	opcase_t c;
	oc_init(&c, "ScatterND"); /* run-time index out of range */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 4 }, f);
	oc_in(&c, WEIR_DT_INT64, 2, (int64_t[]){ 1, 2 }, bad);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 1 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_EBOUNDS, NULL);
	assert_int_equal(c.stage, 2);
	oc_const(&c, 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "out of range");
	oc_fini(&c);

	oc_init(&c, "ScatterND"); /* updates shape */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 4 }, f);
	oc_in(&c, WEIR_DT_INT64, 2, (int64_t[]){ 2, 1 }, ok);
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "indices.shape[:-1]");
	oc_fini(&c);

	oc_init(&c, "ScatterND"); /* tuples too long */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 4 }, f);
	oc_in(&c, WEIR_DT_INT64, 2, (int64_t[]){ 1, 3 }, ok);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 1 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "tuples of 3");
	oc_attr_str(&c, "reduction", "sum");
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "not none, add or mul");
	oc_fini(&c);

	oc_init(&c, "ScatterND"); /* scalar indices */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 4 }, f);
	oc_in(&c, WEIR_DT_INT64, 0, NULL, ok);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 1 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "rank >= 1");
	oc_fini(&c);
}

/* ---- GatherND ------------------------------------------------------------ */

static void run_gnd(int dt, int r, const int64_t *dd, int idt, int q, const int64_t *id, int b,
                    bool cst)
{
	opcase_t c;
	oc_init(&c, "GatherND");
	oc_in_gen(&c, dt, r, dd, -100, 100);
	int k = (int)id[q - 1];
	int64_t ntup = oc_numel(q - 1, id), slice = oc_numel(r - b - k, dd + b + k);
	void *ix = malloc((size_t)(ntup * k + 1) * weir_dtype_size(idt));
	for (int64_t p = 0; p < ntup; p++)
		for (int j = 0; j < k; j++)
			weir_dt_store(idt, ix, p * k + j,
			              floor(oc_uniform(-(double)dd[b + j], (double)dd[b + j])));
	uint32_t ii = oc_in(&c, idt, q, id, ix);
	c.owned[ii] = ix;
	if (cst)
		oc_const(&c, 1);
	if (b || oc_rand() % 2)
		oc_attr_int(&c, "batch_dims", b);
	OC_EXPECT_OK(&c, 1);
	int64_t od[16];
	for (int j = 0; j < q - 1; j++)
		od[j] = id[j];
	for (int j = b + k; j < r; j++)
		od[q - 1 + j - b - k] = dd[j];
	oc_expect_shape(&c, 0, dt, q - 1 + r - b - k, od);
	/* ONNX's reference: for each batch and each tuple, data[batch][tuple]. */
	size_t es = weir_dtype_size(dt);
	int64_t nb = oc_numel(b, dd), per = ntup / (nb ? nb : 1);
	char *want = malloc((size_t)(ntup * slice) * es + 1);
	for (int64_t p = 0; p < ntup; p++) {
		int64_t full[8], t = p / (per ? per : 1);
		oc_unravel(t, b, dd, full);
		for (int j = 0; j < k; j++) {
			int64_t v = (int64_t)weir_dt_load(idt, ix, p * k + j);
			full[b + j] = v < 0 ? v + dd[b + j] : v;
		}
		for (int j = b + k; j < r; j++)
			full[j] = 0;
		int64_t s = oc_ravel(r, dd, full);
		memcpy(want + (size_t)(p * slice) * es, (const char *)c.in[0] + (size_t)s * es,
		       (size_t)slice * es);
	}
	expect_bytes(&c, want);
	free(want);
	oc_fini(&c);
}

static void test_gather_nd(void **state)
{
	(void)state;
	for (size_t t = 0; t < OC_N(oc_all_dts); t++) {
		int dt = oc_all_dts[t];
		run_gnd(dt, 3, (int64_t[]){ 4, 3, 2 }, WEIR_DT_INT64, 2, (int64_t[]){ 5, 2 }, 0,
		        false);
		run_gnd(dt, 3, (int64_t[]){ 4, 3, 2 }, WEIR_DT_INT32, 3, (int64_t[]){ 4, 2, 1 }, 1,
		        true);
	}
	run_gnd(WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 3 }, WEIR_DT_INT64, 1, (int64_t[]){ 2 }, 0,
	        false); /* one tuple, scalar output */
	run_gnd(WEIR_DT_FLOAT, 4, (int64_t[]){ 2, 3, 4, 5 }, WEIR_DT_INT64, 4,
	        (int64_t[]){ 2, 3, 6, 2 }, 2, false);
	run_gnd(WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 3 }, WEIR_DT_INT64, 2, (int64_t[]){ 3, 0 }, 0,
	        false); /* k = 0: whole tensors */
	run_gnd(WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 3 }, WEIR_DT_INT64, 2, (int64_t[]){ 0, 1 }, 0,
	        false); /* empty */
	run_gnd(WEIR_DT_FLOAT16, 3, (int64_t[]){ 50, 60, 30 }, WEIR_DT_INT64, 2,
	        (int64_t[]){ 200, 2 }, 0, false); /* several blocks */

	/* ONNX example (int32_batch_dim1): data [[[0,1],[2,3]],[[4,5],[6,7]]],
	 * indices [[1],[0]], batch_dims 1 -> [[2,3],[4,5]]. */
	int32_t d[8] = { 0, 1, 2, 3, 4, 5, 6, 7 }, want[4] = { 2, 3, 4, 5 };
	int64_t ix[2] = { 1, 0 };
	opcase_t c;
	oc_init(&c, "GatherND");
	oc_in(&c, WEIR_DT_INT32, 3, (int64_t[]){ 2, 2, 2 }, d);
	oc_in(&c, WEIR_DT_INT64, 2, (int64_t[]){ 2, 1 }, ix);
	oc_attr_int(&c, "batch_dims", 1);
	OC_EXPECT_OK(&c, 1);
	OC_SHAPE(&c, 0, WEIR_DT_INT32, 2, 2);
	expect_bytes(&c, want);
	oc_fini(&c);
}

static void test_gather_nd_errors(void **state)
{
	(void)state;
	float f[16] = { 0 };
	int64_t bad[2] = { 1, 4 }, ok[4] = { 0, 1, 1, 0 };
	opcase_t c;
	oc_init(&c, "GatherND");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 4 }, f);
	oc_in(&c, WEIR_DT_INT64, 1, (int64_t[]){ 2 }, bad);
	OC_EXPECT_FAIL(&c, 1, WEIR_EBOUNDS, NULL);
	assert_int_equal(c.stage, 2);
	oc_const(&c, 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "out of range");
	oc_fini(&c);

	oc_init(&c, "GatherND");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 4 }, f);
	oc_in(&c, WEIR_DT_INT64, 2, (int64_t[]){ 1, 3 }, ok);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "tuples of 3");
	oc_fini(&c);

	oc_init(&c, "GatherND");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 4 }, f);
	oc_in(&c, WEIR_DT_INT64, 2, (int64_t[]){ 2, 1 }, ok);
	oc_attr_int(&c, "batch_dims", 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "batch dim 0 differs");
	oc_attr_int(&c, "batch_dims", 2);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "batch_dims");
	oc_fini(&c);

	oc_init(&c, "GatherND");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 4 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 1 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "int32 or int64");
	oc_fini(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scatter_elements),
		cmocka_unit_test(test_scatter_elements_errors),
		cmocka_unit_test(test_scatter_nd),
		cmocka_unit_test(test_scatter_nd_errors),
		cmocka_unit_test(test_gather_nd),
		cmocka_unit_test(test_gather_nd_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
