/*
 * tests/unit/test_ops_matmul.c - MatMul and BatchMatMul against a double
 * reference: every transpose combination, float dtypes, bias, batch
 * broadcasting (incl. rank 8), empty dims, K = 0, multi-block sizes, aliases
 * and bad inputs.
 */
#include "test_ops_harness.h"
#include "graph/ops/ops_internal.h"

/* Element offset in a batched matrix operand for output batch index bidx. */
static int64_t batch_off(int orank_b, const int64_t *obdims, const int64_t *bidx,
                         const weir_tensor_desc_t *d)
{
	int r = (int)d->rank - 2;
	int64_t off = 0;
	for (int k = 0; k < r; k++) {
		int od = k + orank_b - r;
		off = off * d->dims[k] + (d->dims[k] == 1 ? 0 : bidx[od]);
	}
	(void)obdims;
	return off * d->dims[d->rank - 2] * d->dims[d->rank - 1];
}

static void check_mm(opcase_t *c, bool ta, bool tb)
{
	const weir_tensor_desc_t *a = &c->in_desc[0], *b = &c->in_desc[1], *o = &c->out_desc[0];
	int orank = (int)o->rank, brank = orank - 2;
	int64_t M = o->dims[orank - 2], N = o->dims[orank - 1];
	int64_t K = ta ? a->dims[a->rank - 2] : a->dims[a->rank - 1];
	int64_t acols = a->dims[a->rank - 1], bcols = b->dims[b->rank - 1];
	int64_t n = weir_tensor_desc_numel(o);
	int dt = o->dtype;
	for (int64_t q = 0; q < n; q++) {
		int64_t idx[8];
		oc_unravel(q, orank, o->dims, idx);
		int64_t i = idx[orank - 2], j = idx[orank - 1];
		int64_t ao = batch_off(brank, o->dims, idx, a),
		        bo = batch_off(brank, o->dims, idx, b);
		double s = 0, abss = 0;
		for (int64_t k = 0; k < K; k++) {
			double x = oc_ld(c, 0, ao + (ta ? k * acols + i : i * acols + k));
			double y = oc_ld(c, 1, bo + (tb ? j * bcols + k : k * bcols + j));
			s += x * y;
			abss += fabs(x * y);
		}
		if (c->nin > 2) {
			s += oc_ld(c, 2, j);
			abss += fabs(oc_ld(c, 2, j));
		}
		double got = weir_dt_load(dt, c->out[0], q);
		double tol = oc_tol(dt) * (fabs(s) > 1 ? fabs(s) : 1) + 1e-6 * abss;
		if (!(fabs(got - s) <= tol))
			fail_msg("%s %s ta=%d tb=%d: out[%lld] (i=%lld j=%lld) = %.9g, expected "
			         "%.9g",
			         c->op, weir_dtype_name(dt), ta, tb, (long long)q, (long long)i,
			         (long long)j, got, s);
	}
	(void)M;
	(void)N;
}

static void run_mm(const char *op, int dt, int ra, const int64_t *da, int rb, const int64_t *db,
                   bool ta, bool tb, bool bias, int ro, const int64_t *dout)
{
	opcase_t c;
	oc_init(&c, op);
	oc_in_gen(&c, dt, ra, da, -2, 2);
	oc_in_gen(&c, dt, rb, db, -2, 2);
	if (bias)
		oc_in_gen(&c, dt, 1, &dout[ro - 1], -2, 2);
	if (ta || (oc_rand() & 1))
		oc_attr_bool(&c, "transpose_a", ta);
	if (tb || (oc_rand() & 1))
		oc_attr_bool(&c, "transpose_b", tb);
	OC_EXPECT_OK(&c, 1);
	oc_expect_shape(&c, 0, dt, ro, dout);
	check_mm(&c, ta, tb);
	oc_fini(&c);
}

/* Operand dims for logical [.., M, K] (or [.., K, N]) stored transposed. */
static void mk(int64_t *d, int r, int64_t rows, int64_t cols, bool t)
{
	d[r - 2] = t ? cols : rows;
	d[r - 1] = t ? rows : cols;
}

static void test_matmul(void **state)
{
	(void)state;
	static const int64_t mkn[][3] = {
		{ 3, 5, 4 }, { 1, 1, 1 },   { 0, 3, 4 },      { 3, 0, 4 },
		{ 2, 3, 0 }, { 17, 33, 9 }, { 130, 64, 150 }, /* several blocks */
	};
	for (size_t s = 0; s < OC_N(mkn); s++)
		for (int t = 0; t < 4; t++)
			for (size_t d = 0; d < OC_N(oc_float_dts); d++)
				for (int bias = 0; bias < 2; bias++) {
					bool ta = t & 1, tb = t & 2;
					int64_t da[2], db[2], o[2] = { mkn[s][0], mkn[s][2] };
					mk(da, 2, mkn[s][0], mkn[s][1], ta);
					mk(db, 2, mkn[s][1], mkn[s][2], tb);
					run_mm("MatMul", oc_float_dts[d], 2, da, 2, db, ta, tb,
					       bias, 2, o);
				}
}

static void test_matmul_multiblock_and_aliases(void **state)
{
	(void)state;
	opcase_t c;
	oc_init(&c, "MatMul");
	oc_in_gen(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 64, 300 }, -1, 1); /* [K, M] */
	oc_in_gen(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 200, 64 }, -1, 1); /* [N, K] */
	oc_attr_bool(&c, "transpose_x1", true);                         /* GE names */
	oc_attr_int(&c, "transpose_x2", 1);
	OC_EXPECT_OK(&c, 1);
	OC_SHAPE(&c, 0, WEIR_DT_FLOAT, 300, 200);
	assert_true(c.blocks4 > 1);
	check_mm(&c, true, true);
	oc_fini(&c);

	oc_init(&c, "BatchMatMul");
	oc_in_gen(&c, WEIR_DT_FLOAT16, 3, (int64_t[]){ 2, 4, 3 }, -1, 1);
	oc_in_gen(&c, WEIR_DT_FLOAT16, 3, (int64_t[]){ 2, 5, 4 }, -1, 1);
	oc_attr_bool(&c, "adj_x1", true);
	oc_attr_bool(&c, "adj_x2", true);
	OC_EXPECT_OK(&c, 1);
	OC_SHAPE(&c, 0, WEIR_DT_FLOAT16, 2, 3, 5);
	check_mm(&c, true, true);
	oc_fini(&c);
}

static void test_batchmatmul(void **state)
{
	(void)state;
	static const struct {
		int ra, rb, ro;
		int64_t a[8], b[8], o[8]; /* logical (untransposed) a, b */
	} cases[] = {
		{ 4, 2, 4, { 2, 3, 4, 5 }, { 5, 6 }, { 2, 3, 4, 6 } },
		{ 4, 3, 4, { 2, 1, 4, 5 }, { 3, 5, 6 }, { 2, 3, 4, 6 } },
		{ 2, 2, 2, { 3, 4 }, { 4, 2 }, { 3, 2 } },
		{ 3, 3, 3, { 0, 3, 4 }, { 1, 4, 5 }, { 0, 3, 5 } },
		{ 3, 3, 3, { 2, 3, 0 }, { 2, 0, 5 }, { 2, 3, 5 } },
		{ 8, 3, 8, { 1, 1, 1, 1, 1, 2, 3, 4 }, { 2, 4, 2 }, { 1, 1, 1, 1, 1, 2, 3, 2 } },
		{ 3, 3, 3, { 6, 40, 64 }, { 1, 64, 90 }, { 6, 40, 90 } }, /* several blocks */
	};
	for (size_t s = 0; s < OC_N(cases); s++)
		for (int t = 0; t < 4; t++)
			for (size_t d = 0; d < OC_N(oc_float_dts); d++) {
				bool ta = t & 1, tb = t & 2;
				int64_t da[8], db[8];
				memcpy(da, cases[s].a, sizeof(da));
				memcpy(db, cases[s].b, sizeof(db));
				int ra = cases[s].ra, rb = cases[s].rb;
				mk(da, ra, cases[s].a[ra - 2], cases[s].a[ra - 1], ta);
				mk(db, rb, cases[s].b[rb - 2], cases[s].b[rb - 1], tb);
				run_mm("BatchMatMul", oc_float_dts[d], ra, da, rb, db, ta, tb,
				       t == 3, cases[s].ro, cases[s].o);
			}
}

/* float32 runs on the GEMM engine in fixed row tiles (graph/ops/gemm.c): odd
 * sizes that cut into several tiles, with a partial last tile, give the same
 * bytes for 1, 2, 3, 7 and 16 blocks, the blocks running at once on their own
 * threads (concurrent engine calls), and match the double reference. */
static void test_gemm_block_invariance(void **state)
{
	(void)state;
	static const struct {
		const char *op;
		int r;
		int64_t b, m, k, n;
		bool ta, tb, bias;
	} cases[] = {
		{ "MatMul", 2, 1, 333, 301, 77, false, false, true },
		{ "MatMul", 2, 1, 333, 301, 77, true, true, false },
		{ "MatMul", 2, 1, 1000, 33, 17, false, true, true },  /* thin: taller tiles */
		{ "MatMul", 2, 1, 3000, 1, 129, true, false, false }, /* K = 1 */
		{ "BatchMatMul", 3, 3, 129, 70, 65, false, false, true },
		{ "BatchMatMul", 3, 5, 97, 311, 1, true, false, false }, /* N = 1 */
	};
	static const uint32_t nbs[] = { 1, 2, 3, 7, 16 };
	for (size_t s = 0; s < OC_N(cases); s++) {
		int r = cases[s].r;
		int64_t da[3], db[3], o[3] = { cases[s].b, cases[s].m, cases[s].n };
		da[0] = db[0] = cases[s].b; /* the batch dim, rank 3 only */
		mk(da, r, cases[s].m, cases[s].k, cases[s].ta);
		mk(db, r, cases[s].k, cases[s].n, cases[s].tb);
		int off = r == 2 ? 1 : 0; /* o without its batch dim */
		opcase_t c;
		oc_init(&c, cases[s].op);
		oc_in_gen(&c, WEIR_DT_FLOAT, r, da, -2, 2);
		oc_in_gen(&c, WEIR_DT_FLOAT, r, db, -2, 2);
		if (cases[s].bias)
			oc_in_gen(&c, WEIR_DT_FLOAT, 1, &cases[s].n, -2, 2);
		oc_attr_bool(&c, "transpose_a", cases[s].ta);
		oc_attr_bool(&c, "transpose_b", cases[s].tb);
		OC_EXPECT_OK(&c, 1);
		oc_expect_shape(&c, 0, WEIR_DT_FLOAT, r, o + off);
		assert_true(c.blocks4 > 1);
		check_mm(&c, cases[s].ta, cases[s].tb);
		const weir_op_def_t *d = weir__op_lookup(c.op);
		for (size_t k = 0; k < OC_N(nbs); k++) {
			void *out[OC_MAX_IO] = { 0 };
			size_t bytes[OC_MAX_IO];
			assert_int_equal(oc_call(&c, d, nbs[k], false, true, 0x33, out, bytes), 0);
			if (memcmp(out[0], c.out[0], bytes[0]) != 0)
				fail_msg("%s case %zu: output differs between 1 and %u blocks",
				         c.op, s, nbs[k]);
			free(out[0]);
		}
		oc_fini(&c);
	}
}

/* The engine runs an optimised BLIS sub-configuration wherever the CPU has
 * the features for one (graph/ops/gemm.c): never BLIS's reference kernels on
 * an x86 CPU with AVX2 and FMA. BLIS 0.9 alone fell back to them on AMD
 * family 0x1A (Zen 5), at a third of OpenBLAS's speed. */
static void test_gemm_engine_not_reference(void **state)
{
	(void)state;
#if defined(__x86_64__)
	__builtin_cpu_init();
	if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) {
		skip(); /* no optimised kernels to expect */
		return;
	}
	const char *e = weir__ops_gemm_engine();
	assert_non_null(e);
	if (strcmp(e, "generic") == 0)
		fail_msg("the GEMM engine runs BLIS's reference kernels on a CPU with AVX2+FMA");
#else
	skip();
#endif
}

static void test_matmul_errors(void **state)
{
	(void)state;
	float f[64] = { 0 };
	int32_t i[64] = { 0 };
	opcase_t c;

	oc_init(&c, "MatMul"); /* K mismatch */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 5 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "inner dims differ");
	oc_fini(&c);

	oc_init(&c, "MatMul"); /* transposes change K */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 3, 5 }, f);
	oc_attr_bool(&c, "transpose_a", true);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "inner dims differ");
	oc_fini(&c);

	oc_init(&c, "MatMul"); /* rank 3 */
	oc_in(&c, WEIR_DT_FLOAT, 3, (int64_t[]){ 1, 2, 3 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 3, 5 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "rank 2");
	oc_fini(&c);

	oc_init(&c, "BatchMatMul"); /* rank 1 */
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 3 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 3, 5 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "rank >= 2");
	oc_fini(&c);

	oc_init(&c, "BatchMatMul"); /* batch dims clash */
	oc_in(&c, WEIR_DT_FLOAT, 3, (int64_t[]){ 2, 3, 4 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 3, (int64_t[]){ 3, 4, 5 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "do not broadcast");
	oc_fini(&c);

	oc_init(&c, "MatMul"); /* dtype mismatch */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, f);
	oc_in(&c, WEIR_DT_FLOAT16, 2, (int64_t[]){ 3, 5 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "dtypes differ");
	oc_fini(&c);

	oc_init(&c, "MatMul"); /* integer */
	oc_in(&c, WEIR_DT_INT32, 2, (int64_t[]){ 2, 3 }, i);
	oc_in(&c, WEIR_DT_INT32, 2, (int64_t[]){ 3, 5 }, i);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "not supported");
	oc_fini(&c);

	oc_init(&c, "MatMul"); /* bias of the wrong length */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 3, 5 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "bias");
	oc_fini(&c);

	oc_init(&c, "MatMul"); /* transpose flag of the wrong type */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 3, 5 }, f);
	oc_attr_str(&c, "transpose_b", "yes");
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "transpose_b");
	oc_fini(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matmul),
		cmocka_unit_test(test_matmul_multiblock_and_aliases),
		cmocka_unit_test(test_batchmatmul),
		cmocka_unit_test(test_gemm_block_invariance),
		cmocka_unit_test(test_gemm_engine_not_reference),
		cmocka_unit_test(test_matmul_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
