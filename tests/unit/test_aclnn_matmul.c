/*
 * test_aclnn_matmul.c - aclnnMatmul, aclnnMm, aclnnBatchMatMul, aclnnAddmm
 * and aclnnInplaceAddmm against a host reference (float32 accumulation in
 * k order, rounded to the result dtype): contiguous and strided/offset
 * views, torch.matmul's 1-D and batch-broadcast rules, promotion,
 * float16/bfloat16, the bad-input rows, and 1/2/8 workers byte-identical.
 */
#include "aclnn_harness.h"
#include "aclnnop/aclnn_addmm.h"
#include "aclnnop/aclnn_batch_matmul.h"
#include "aclnnop/aclnn_matmul.h"
#include "aclnnop/aclnn_mm.h"

enum fn { F_MATMUL, F_MM, F_BMM, F_ADDMM, F_IADDMM };

struct mcase {
	enum fn f;
	int dta, dtb, dto, rdt; /* rdt: the compute (promoted) dtype */
	uint32_t ra, rb;
	int64_t da[6], db[6];
	nh_layout_t la, lb, lo;
	/* addmm: self's dtype/rank/dims/layout, beta, alpha */
	int dts;
	uint32_t rs;
	int64_t ds[2];
	nh_layout_t ls;
	double beta, alpha;
	bool self_nan;
};

/* torch.matmul's output shape and the reference values (doubles of the
 * rounded float32 accumulation). Returns the output rank. */
static uint32_t ref_matmul(const struct mcase *c, const double *va, const double *vb, int64_t *od,
                           double *ref)
{
	int64_t a2[8], b2[8];
	uint32_t ra = c->ra, rb = c->rb;
	memcpy(a2, c->da, sizeof(int64_t) * ra);
	memcpy(b2, c->db, sizeof(int64_t) * rb);
	if (ra == 1) {
		a2[1] = a2[0];
		a2[0] = 1;
		ra = 2;
	}
	if (rb == 1) {
		b2[1] = 1;
		rb = 2;
	}
	int64_t M = a2[ra - 2], K = a2[ra - 1], N = b2[rb - 1];
	assert_int_equal(K, b2[rb - 2]);
	uint32_t nb = (ra > rb ? ra : rb) - 2;
	int64_t bd[8], nbatch = 1;
	for (uint32_t k = 0; k < nb; k++) {
		int ia = (int)k - (int)(nb - (ra - 2)), ib = (int)k - (int)(nb - (rb - 2));
		int64_t x = ia >= 0 ? a2[ia] : 1, y = ib >= 0 ? b2[ib] : 1;
		bd[k] = x == 1 ? y : x;
		nbatch *= bd[k];
	}
	for (int64_t bi = 0; bi < nbatch; bi++) {
		int64_t idx[8], rem = bi, oa = 0, ob = 0;
		for (int k = (int)nb - 1; k >= 0; k--) {
			idx[k] = rem % bd[k];
			rem /= bd[k];
		}
		for (uint32_t k = 0; k < nb; k++) {
			int ia = (int)k - (int)(nb - (ra - 2)), ib = (int)k - (int)(nb - (rb - 2));
			if (ia >= 0)
				oa = oa * a2[ia] + (a2[ia] == 1 ? 0 : idx[k]);
			if (ib >= 0)
				ob = ob * b2[ib] + (b2[ib] == 1 ? 0 : idx[k]);
		}
		for (int64_t m = 0; m < M; m++)
			for (int64_t n = 0; n < N; n++) {
				float acc = 0;
				for (int64_t k = 0; k < K; k++)
					acc += (float)nh_round(c->rdt, va[oa * M * K + m * K + k]) *
					       (float)nh_round(c->rdt, vb[ob * K * N + k * N + n]);
				ref[(bi * M + m) * N + n] = nh_round(c->rdt, acc);
			}
	}
	uint32_t r = 0;
	for (uint32_t k = 0; k < nb; k++)
		od[r++] = bd[k];
	if (c->ra != 1)
		od[r++] = M;
	if (c->rb != 1)
		od[r++] = N;
	return r;
}

static void run_mcase(const struct mcase *c)
{
	int64_t na = nh_numel(c->ra, c->da), nb = nh_numel(c->rb, c->db);
	double *va = malloc(sizeof(double) * (size_t)na), *vb = malloc(sizeof(double) * (size_t)nb);
	nh_fill(va, na, -2, 2, false);
	nh_fill(vb, nb, -2, 2, false);
	for (int64_t i = 0; i < na; i++)
		va[i] = nh_round(c->dta, va[i]);
	for (int64_t i = 0; i < nb; i++)
		vb[i] = nh_round(c->dtb, vb[i]);
	int64_t od[8];
	double *ref = malloc(sizeof(double) * 4096), *got = malloc(sizeof(double) * 4096);
	uint32_t ro = ref_matmul(c, va, vb, od, ref);
	int64_t no = nh_numel(ro, od);
	assert_true(no <= 4096);
	nh_t a, b, o = { 0 }, s = { 0 };
	nh_make(&a, c->dta, c->ra, c->da, va, c->la);
	nh_make(&b, c->dtb, c->rb, c->db, vb, c->lb);
	aclScalar *beta = NULL, *alpha = NULL;
	double vs[64];
	if (c->f >= F_ADDMM) {
		int64_t ns = nh_numel(c->rs, c->ds);
		nh_fill(vs, ns, -3, 3, false);
		for (int64_t i = 0; i < ns; i++)
			vs[i] = c->self_nan ? NAN : nh_round(c->dts, vs[i]);
		nh_make(&s, c->dts, c->rs, c->ds, vs, c->ls);
		beta = nh_scalar(ACL_FLOAT, c->beta);
		alpha = nh_scalar(ACL_FLOAT, c->alpha);
		/* the addmm tail: alpha * mm, then + beta * self */
		for (int64_t i = 0; i < no; i++) {
			double r = ref[i];
			if (c->alpha != 1)
				r = nh_round(c->rdt, (float)r * (float)c->alpha);
			if (c->beta != 0) {
				int64_t m = i / od[1], n = i % od[1];
				int64_t si = c->rs == 0   ? 0
				             : c->rs == 1 ? (c->ds[0] == 1 ? 0 : n)
				                          : (c->ds[0] == 1 ? 0 : m) * c->ds[1] +
				                                    (c->ds[1] == 1 ? 0 : n);
				double t = nh_round(c->rdt, vs[si]);
				if (c->beta != 1)
					t = nh_round(c->rdt, (float)t * (float)c->beta);
				r = nh_round(c->rdt, (float)t + (float)r);
			}
			ref[i] = r;
		}
	}
	if (c->f != F_IADDMM)
		nh_make(&o, c->dto, ro, od, NULL, c->lo);
	int rc;
	switch (c->f) {
	case F_MATMUL: rc = NH_RUN(Matmul, a.t, b.t, o.t, 1); break;
	case F_MM: rc = NH_RUN(Mm, a.t, b.t, o.t, 0); break;
	case F_BMM: rc = NH_RUN(BatchMatMul, a.t, b.t, o.t, 1); break;
	case F_ADDMM: rc = NH_RUN(Addmm, s.t, a.t, b.t, beta, alpha, o.t, 1); break;
	default: rc = NH_RUN(InplaceAddmm, s.t, a.t, b.t, beta, alpha, 1); break;
	}
	assert_int_equal(rc, ACLNN_SUCCESS);
	const nh_t *res = c->f == F_IADDMM ? &s : &o;
	int odt = c->f == F_IADDMM ? c->dts : c->dto;
	for (int64_t i = 0; i < no; i++)
		ref[i] = nh_round(odt, ref[i]);
	nh_read(res, got);
	/* float16 results are rounded twice at most: one more ulp of slack */
	nh_expect_close(got, ref, no, odt == ACL_FLOAT ? c->rdt : odt);
	nh_expect_holes_intact(res);
	nh_free(&a);
	nh_free(&b);
	nh_free(&o);
	nh_free(&s);
	aclDestroyScalar(beta);
	aclDestroyScalar(alpha);
	free(va);
	free(vb);
	free(ref);
	free(got);
}

#define D(...)              \
	{                   \
		__VA_ARGS__ \
	}
#define F32 ACL_FLOAT, ACL_FLOAT, ACL_FLOAT, ACL_FLOAT

static void test_matmul(void **state)
{
	(void)state;
	nh_init(2);
	static const struct mcase cases[] = {
		/* contiguous, strided/offset everywhere */
		{ F_MATMUL, F32, 2, 2, D(3, 4), D(4, 5), NH_DENSE, NH_DENSE, NH_DENSE },
		{ F_MATMUL, F32, 2, 2, D(3, 4), D(4, 5), NH_STRIDED, NH_STRIDED, NH_STRIDED },
		/* batch broadcast: [2,1,3,4] @ [3,4,2] -> [2,3,3,2]; a 2-D operand shared */
		{ F_MATMUL, F32, 4, 3, D(2, 1, 3, 4), D(3, 4, 2), NH_STRIDED, NH_DENSE, NH_DENSE },
		{ F_MATMUL, F32, 3, 2, D(2, 3, 4), D(4, 5), NH_DENSE, NH_STRIDED, NH_DENSE },
		{ F_MATMUL, F32, 2, 3, D(3, 4), D(2, 4, 5), NH_DENSE, NH_DENSE, NH_STRIDED },
		/* 1-D operands: dot, vector-matrix, matrix-vector, batched */
		{ F_MATMUL, F32, 1, 1, D(7), D(7), NH_STRIDED, NH_DENSE, NH_DENSE },
		{ F_MATMUL, F32, 1, 2, D(4), D(4, 5), NH_DENSE, NH_STRIDED, NH_DENSE },
		{ F_MATMUL, F32, 2, 1, D(3, 4), D(4), NH_DENSE, NH_DENSE, NH_STRIDED },
		{ F_MATMUL, F32, 1, 3, D(4), D(2, 4, 3), NH_DENSE, NH_DENSE, NH_DENSE },
		{ F_MATMUL, F32, 3, 1, D(2, 3, 4), D(4), NH_STRIDED, NH_DENSE, NH_DENSE },
		/* float16, bfloat16; promotion float16 x bfloat16 -> float32; float16 into a
		 * float32 out */
		{ F_MATMUL, ACL_FLOAT16, ACL_FLOAT16, ACL_FLOAT16, ACL_FLOAT16, 2, 2, D(3, 8),
		  D(8, 5), NH_DENSE, NH_DENSE, NH_DENSE },
		{ F_MATMUL, ACL_BF16, ACL_BF16, ACL_BF16, ACL_BF16, 3, 3, D(2, 3, 8), D(1, 8, 5),
		  NH_STRIDED, NH_DENSE, NH_DENSE },
		{ F_MATMUL, ACL_FLOAT16, ACL_BF16, ACL_FLOAT, ACL_FLOAT, 2, 2, D(3, 4), D(4, 5),
		  NH_DENSE, NH_DENSE, NH_DENSE },
		{ F_MATMUL, ACL_FLOAT16, ACL_FLOAT, ACL_FLOAT, ACL_FLOAT, 2, 2, D(3, 4), D(4, 5),
		  NH_DENSE, NH_DENSE, NH_DENSE },
		{ F_MATMUL, ACL_FLOAT16, ACL_FLOAT16, ACL_FLOAT, ACL_FLOAT16, 2, 2, D(3, 4),
		  D(4, 5), NH_DENSE, NH_DENSE, NH_DENSE },
		/* Mm */
		{ F_MM, F32, 2, 2, D(5, 3), D(3, 6), NH_DENSE, NH_DENSE, NH_DENSE },
		{ F_MM, F32, 2, 2, D(5, 3), D(3, 6), NH_STRIDED, NH_STRIDED, NH_STRIDED },
		{ F_MM, ACL_FLOAT16, ACL_FLOAT, ACL_FLOAT, ACL_FLOAT, 2, 2, D(5, 3), D(3, 6),
		  NH_DENSE, NH_STRIDED, NH_DENSE },
		{ F_MM, ACL_BF16, ACL_BF16, ACL_BF16, ACL_BF16, 2, 2, D(5, 9), D(9, 6), NH_DENSE,
		  NH_DENSE, NH_DENSE },
		/* BatchMatMul, with a batch of 1 broadcast on either side */
		{ F_BMM, F32, 3, 3, D(2, 3, 4), D(2, 4, 5), NH_DENSE, NH_DENSE, NH_DENSE },
		{ F_BMM, F32, 3, 3, D(2, 3, 4), D(2, 4, 5), NH_STRIDED, NH_STRIDED, NH_STRIDED },
		{ F_BMM, F32, 3, 3, D(1, 3, 4), D(3, 4, 5), NH_DENSE, NH_STRIDED, NH_DENSE },
		{ F_BMM, F32, 3, 3, D(3, 3, 4), D(1, 4, 5), NH_DENSE, NH_DENSE, NH_DENSE },
		{ F_BMM, ACL_FLOAT16, ACL_FLOAT, ACL_FLOAT, ACL_FLOAT, 3, 3, D(2, 3, 4), D(2, 4, 5),
		  NH_DENSE, NH_DENSE, NH_DENSE },
		{ F_BMM, ACL_FLOAT16, ACL_FLOAT16, ACL_FLOAT16, ACL_FLOAT16, 3, 3, D(2, 3, 4),
		  D(2, 4, 5), NH_STRIDED, NH_DENSE, NH_DENSE },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_mcase(&cases[i]);
	nh_fini();
}

static void test_addmm(void **state)
{
	(void)state;
	nh_init(2);
	static const struct mcase cases[] = {
		/* self [3, 5], beta 1, alpha 1 */
		{ F_ADDMM, F32, 2, 2, D(3, 4), D(4, 5), NH_DENSE, NH_DENSE, NH_DENSE, ACL_FLOAT, 2,
		  D(3, 5), NH_DENSE, 1, 1 },
		/* strided everywhere, beta 0.5, alpha 2 */
		{ F_ADDMM, F32, 2, 2, D(3, 4), D(4, 5), NH_STRIDED, NH_STRIDED, NH_STRIDED,
		  ACL_FLOAT, 2, D(3, 5), NH_STRIDED, 0.5, 2 },
		/* self broadcasts: [5], [3, 1], 0-d */
		{ F_ADDMM, F32, 2, 2, D(3, 4), D(4, 5), NH_DENSE, NH_DENSE, NH_DENSE, ACL_FLOAT, 1,
		  D(5), NH_DENSE, 1.5, 1 },
		{ F_ADDMM, F32, 2, 2, D(3, 4), D(4, 5), NH_DENSE, NH_DENSE, NH_DENSE, ACL_FLOAT, 2,
		  D(3, 1), NH_STRIDED, 1, -1 },
		{ F_ADDMM, F32, 2, 2, D(3, 4), D(4, 5), NH_DENSE, NH_DENSE, NH_DENSE, ACL_FLOAT, 0,
		  D(0), NH_DENSE, 2, 1 },
		/* beta 0: self's NaNs are ignored */
		{ F_ADDMM, F32, 2, 2, D(3, 4), D(4, 5), NH_DENSE, NH_DENSE, NH_DENSE, ACL_FLOAT, 2,
		  D(3, 5), NH_DENSE, 0, 3, true },
		/* promotion: float16 self with float32 matrices -> float32 */
		{ F_ADDMM, ACL_FLOAT, ACL_FLOAT, ACL_FLOAT, ACL_FLOAT, 2, 2, D(3, 4), D(4, 5),
		  NH_DENSE, NH_DENSE, NH_DENSE, ACL_FLOAT16, 1, D(5), NH_DENSE, 1, 1 },
		/* float16 and bfloat16 */
		{ F_ADDMM, ACL_FLOAT16, ACL_FLOAT16, ACL_FLOAT16, ACL_FLOAT16, 2, 2, D(3, 4),
		  D(4, 5), NH_DENSE, NH_DENSE, NH_DENSE, ACL_FLOAT16, 2, D(3, 5), NH_DENSE, 0.5,
		  2 },
		{ F_ADDMM, ACL_BF16, ACL_BF16, ACL_BF16, ACL_BF16, 2, 2, D(3, 4), D(4, 5),
		  NH_STRIDED, NH_DENSE, NH_DENSE, ACL_BF16, 2, D(3, 5), NH_DENSE, 1, 1 },
		/* in place: dense, strided, float16 selfRef with float32 matrices (the
		 * float32 result is cast back into it) */
		{ F_IADDMM, F32, 2, 2, D(3, 4), D(4, 5), NH_DENSE, NH_DENSE, NH_DENSE, ACL_FLOAT, 2,
		  D(3, 5), NH_DENSE, 1, 1 },
		{ F_IADDMM, F32, 2, 2, D(3, 4), D(4, 5), NH_STRIDED, NH_DENSE, NH_DENSE, ACL_FLOAT,
		  2, D(3, 5), NH_STRIDED, -0.5, 2 },
		{ F_IADDMM, ACL_FLOAT, ACL_FLOAT, ACL_FLOAT, ACL_FLOAT, 2, 2, D(3, 4), D(4, 5),
		  NH_DENSE, NH_DENSE, NH_DENSE, ACL_FLOAT16, 2, D(3, 5), NH_DENSE, 1, 1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_mcase(&cases[i]);
	nh_fini();
}

static void test_bad_inputs(void **state)
{
	(void)state;
	nh_init(2);
	double v[64] = { 0 };
	nh_t a, b, o, a3, b3, o3, bk, i32, dbl, s, sbad, sa, o5;
	nh_make(&a, ACL_FLOAT, 2, NH_DIMS(3, 4), v, NH_DENSE);
	nh_make(&b, ACL_FLOAT, 2, NH_DIMS(4, 5), v, NH_DENSE);
	nh_make(&o, ACL_FLOAT, 2, NH_DIMS(3, 5), NULL, NH_DENSE);
	nh_make(&o5, ACL_FLOAT, 2, NH_DIMS(3, 6), NULL, NH_DENSE);
	nh_make(&a3, ACL_FLOAT, 3, NH_DIMS(2, 3, 4), v, NH_DENSE);
	nh_make(&b3, ACL_FLOAT, 3, NH_DIMS(3, 4, 5), v, NH_DENSE);
	nh_make(&o3, ACL_FLOAT, 3, NH_DIMS(2, 3, 5), NULL, NH_DENSE);
	nh_make(&bk, ACL_FLOAT, 2, NH_DIMS(5, 5), v, NH_DENSE);
	nh_make(&i32, ACL_INT32, 2, NH_DIMS(3, 4), v, NH_DENSE);
	nh_make(&dbl, ACL_DOUBLE, 2, NH_DIMS(4, 5), v, NH_DENSE);
	nh_make(&s, ACL_FLOAT, 2, NH_DIMS(3, 5), v, NH_DENSE);
	nh_make(&sbad, ACL_FLOAT, 1, NH_DIMS(4), v, NH_DENSE);
	nh_make(&sa, ACL_FLOAT, 2, NH_DIMS(3, 4), v, NH_STRIDED);
	aclScalar *one = nh_scalar(ACL_FLOAT, 1);
	uint64_t ws;
	aclOpExecutor *ex = NULL;
	/* NULL: 161001 */
	assert_int_equal(aclnnMatmulGetWorkspaceSize(NULL, b.t, o.t, 1, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	nh_expect_msg("self is NULL");
	assert_int_equal(aclnnMmGetWorkspaceSize(a.t, NULL, o.t, 1, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnBatchMatMulGetWorkspaceSize(a3.t, b3.t, NULL, 1, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnAddmmGetWorkspaceSize(s.t, a.t, b.t, NULL, one, o.t, 1, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	nh_expect_msg("beta is NULL");
	assert_int_equal(aclnnInplaceAddmmGetWorkspaceSize(NULL, a.t, b.t, one, one, 1, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnMatmulGetWorkspaceSize(a.t, b.t, o.t, 1, NULL, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	/* shapes: K mismatch, wrong out, wrong ranks, batch that does not broadcast */
	assert_int_equal(aclnnMatmulGetWorkspaceSize(a.t, bk.t, o.t, 1, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnMmGetWorkspaceSize(a.t, b.t, o5.t, 1, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("the output has shape");
	assert_int_equal(aclnnMmGetWorkspaceSize(a3.t, b.t, o3.t, 1, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("self has rank 3");
	assert_int_equal(aclnnBatchMatMulGetWorkspaceSize(a.t, b.t, o.t, 1, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnBatchMatMulGetWorkspaceSize(a3.t, b3.t, o3.t, 1, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnAddmmGetWorkspaceSize(sbad.t, a.t, b.t, one, one, o.t, 1, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("does not broadcast");
	/* in place: selfRef must hold the [M, N] result */
	nh_t row;
	nh_make(&row, ACL_FLOAT, 1, NH_DIMS(5), v, NH_DENSE);
	assert_int_equal(aclnnInplaceAddmmGetWorkspaceSize(row.t, a.t, b.t, one, one, 1, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_free(&row);
	/* dtypes: integer and double operands; a float result into an int out */
	assert_int_equal(aclnnMatmulGetWorkspaceSize(i32.t, i32.t, o.t, 1, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("int32");
	assert_int_equal(aclnnMatmulGetWorkspaceSize(i32.t, b.t, o.t, 1, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnAddmmGetWorkspaceSize(s.t, i32.t, b.t, one, one, o.t, 1, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("mat1 has dtype int32");
	assert_int_equal(aclnnMmGetWorkspaceSize(a.t, dbl.t, o.t, 1, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("float64");
	nh_t oi;
	nh_make(&oi, ACL_INT32, 2, NH_DIMS(3, 5), NULL, NH_DENSE);
	assert_int_equal(aclnnMatmulGetWorkspaceSize(a.t, b.t, oi.t, 1, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_free(&oi);
	/* cubeMathType out of range */
	assert_int_equal(aclnnMatmulGetWorkspaceSize(a.t, b.t, o.t, 9, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("cubeMathType");
	for (int8_t cm = 0; cm <= 3; cm++) {
		assert_int_equal(aclnnMatmulGetWorkspaceSize(a.t, b.t, o.t, cm, &ws, &ex),
		                 ACLNN_SUCCESS);
		assert_int_equal(aclDestroyAclOpExecutor(ex), ACLNN_SUCCESS);
	}
	/* rank 7 */
	nh_t r7;
	nh_make(&r7, ACL_FLOAT, 7, NH_DIMS(1, 1, 1, 1, 1, 3, 4), v, NH_DENSE);
	assert_int_equal(aclnnMatmulGetWorkspaceSize(r7.t, b.t, o.t, 1, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_free(&r7);
	/* workspace too small: a strided operand is gathered first */
	assert_int_equal(NH_PLAN(Matmul, sa.t, b.t, o.t, 1), ACLNN_SUCCESS);
	assert_true(nh_ws_size > 0);
	nh_expect_ws_too_small(aclnnMatmul);
	assert_int_equal(NH_PLAN(Mm, sa.t, b.t, o.t, 1), ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnMm);
	assert_int_equal(NH_PLAN(Addmm, s.t, sa.t, b.t, one, one, o.t, 1), ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnAddmm);
	assert_int_equal(NH_PLAN(InplaceAddmm, s.t, sa.t, b.t, one, one, 1), ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnInplaceAddmm);
	nh_t sa3;
	nh_make(&sa3, ACL_FLOAT, 3, NH_DIMS(2, 3, 4), v, NH_STRIDED);
	assert_int_equal(NH_PLAN(BatchMatMul, sa3.t, b3.t, o3.t, 1), ACLNN_ERR_PARAM_INVALID);
	nh_t b23;
	nh_make(&b23, ACL_FLOAT, 3, NH_DIMS(2, 4, 5), v, NH_DENSE);
	assert_int_equal(NH_PLAN(BatchMatMul, sa3.t, b23.t, o3.t, 1), ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnBatchMatMul);
	nh_free(&sa3);
	nh_free(&b23);
	nh_free(&a);
	nh_free(&b);
	nh_free(&o);
	nh_free(&o5);
	nh_free(&a3);
	nh_free(&b3);
	nh_free(&o3);
	nh_free(&bk);
	nh_free(&i32);
	nh_free(&dbl);
	nh_free(&s);
	nh_free(&sbad);
	nh_free(&sa);
	aclDestroyScalar(one);
	nh_fini();
}

/* Every function on operands large enough for several blocks; the
 * output bytes of all five, concatenated. */
static void big_all(void *ctx, unsigned char *out, size_t *len)
{
	(void)ctx;
	enum { M = 150, K = 64, N = 120 };
	double *va = malloc(sizeof(double) * 2 * M * K), *vb = malloc(sizeof(double) * 2 * K * N);
	double *vs = malloc(sizeof(double) * M * N);
	nh_rng = 7;
	nh_fill(va, 2 * M * K, -1, 1, false);
	nh_fill(vb, 2 * K * N, -1, 1, false);
	nh_fill(vs, M * N, -1, 1, false);
	nh_t a, b, a3, b3, o, o3, s, si;
	nh_make(&a, ACL_FLOAT, 2, NH_DIMS(M, K), va, NH_STRIDED);
	nh_make(&b, ACL_FLOAT, 2, NH_DIMS(K, N), vb, NH_DENSE);
	nh_make(&a3, ACL_FLOAT, 3, NH_DIMS(2, M, K), va, NH_DENSE);
	nh_make(&b3, ACL_FLOAT, 3, NH_DIMS(2, K, N), vb, NH_STRIDED);
	nh_make(&o, ACL_FLOAT, 2, NH_DIMS(M, N), NULL, NH_DENSE);
	nh_make(&o3, ACL_FLOAT, 3, NH_DIMS(2, M, N), NULL, NH_DENSE);
	nh_make(&s, ACL_FLOAT, 1, NH_DIMS(N), vs, NH_DENSE);
	nh_make(&si, ACL_FLOAT, 2, NH_DIMS(M, N), vs, NH_DENSE);
	aclScalar *beta = nh_scalar(ACL_FLOAT, 0.5), *alpha = nh_scalar(ACL_FLOAT, 2);
	size_t at = 0, mn = (size_t)M * N * 4;
	assert_int_equal(NH_RUN(Matmul, a3.t, b.t, o3.t, 1), ACLNN_SUCCESS);
	nh_read_bytes(&o3, out + at);
	at += 2 * mn;
	assert_int_equal(NH_RUN(BatchMatMul, a3.t, b3.t, o3.t, 1), ACLNN_SUCCESS);
	nh_read_bytes(&o3, out + at);
	at += 2 * mn;
	assert_int_equal(NH_RUN(Mm, a.t, b.t, o.t, 1), ACLNN_SUCCESS);
	nh_read_bytes(&o, out + at);
	/* spot-check the Mm result against a double reference (float32 runs
	 * on the GEMM engine, whose summation order is its own: a tolerance) */
	double *got = malloc(sizeof(double) * M * N);
	nh_read(&o, got);
	double acc = 0, mag = 0;
	for (int k = 0; k < K; k++) {
		double p = (double)(float)va[k] * (double)(float)vb[(size_t)k * N];
		acc += p;
		mag += fabs(p);
	}
	assert_true(fabs(got[0] - acc) <= 1e-6 * mag + 1e-7);
	free(got);
	at += mn;
	assert_int_equal(NH_RUN(Addmm, s.t, a.t, b.t, beta, alpha, o.t, 1), ACLNN_SUCCESS);
	nh_read_bytes(&o, out + at);
	at += mn;
	assert_int_equal(NH_RUN(InplaceAddmm, si.t, a.t, b.t, beta, alpha, 1), ACLNN_SUCCESS);
	nh_read_bytes(&si, out + at);
	at += mn;
	*len = at;
	nh_free(&a);
	nh_free(&b);
	nh_free(&a3);
	nh_free(&b3);
	nh_free(&o);
	nh_free(&o3);
	nh_free(&s);
	nh_free(&si);
	aclDestroyScalar(beta);
	aclDestroyScalar(alpha);
	free(va);
	free(vb);
	free(vs);
}

static void test_workers_identical(void **state)
{
	(void)state;
	nh_for_workers(big_all, NULL, 7 * 150 * 120 * 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matmul),
		cmocka_unit_test(test_addmm),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_workers_identical),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
