/*
 * test_aclnn_norm.c - aclnnLayerNorm, aclnnRmsNorm, aclnnBatchNorm
 * (inference and training) and aclnnGroupNorm against a host reference:
 * contiguous and strided/offset views, parameters broadcast over rows,
 * absent weight/bias, mixed parameter dtypes, float16/bfloat16, the
 * statistics outputs, the bad-input rows with aclnn's codes, and 1/2/8
 * workers byte-identical.
 */
#include "aclnn_harness.h"
#include "aclnnop/aclnn_batch_norm.h"
#include "aclnnop/aclnn_group_norm.h"
#include "aclnnop/aclnn_layer_norm.h"
#include "aclnnop/aclnn_rms_norm.h"

#define F32 ACL_FLOAT
#define D(...)              \
	{                   \
		__VA_ARGS__ \
	}

enum nf { N_LAYER, N_RMS, N_BN_EVAL, N_BN_TRAIN, N_GROUP, N_COUNT };

struct ncase {
	enum nf f;
	int dtx, dtp;    /* input's dtype, parameters' dtype */
	uint32_t rank;   /* of x */
	int64_t dims[4]; /* x */
	uint32_t k;      /* LayerNorm/RmsNorm: normalized trailing dims; GroupNorm: groups */
	bool has_w, has_b, stats;
	nh_layout_t lx, lo;
};

/* Per-row statistics over `len` values x[i * step], mean and biased var. */
static void stats(const double *x, int64_t len, double *mean, double *var)
{
	double s = 0, q = 0;
	for (int64_t i = 0; i < len; i++)
		s += x[i];
	*mean = s / (double)len;
	for (int64_t i = 0; i < len; i++)
		q += (x[i] - *mean) * (x[i] - *mean);
	*var = q / (double)len;
}

/* Run c; out (when not NULL) receives every result's bytes, *len the count. */
static void run_case(const struct ncase *c, unsigned char *out, size_t *len)
{
	const double eps = 1e-5, mom = 0.25;
	int64_t n = nh_numel(c->rank, c->dims);
	int64_t ch = c->dims[1], rows, cols, np;
	if (c->f == N_LAYER || c->f == N_RMS) {
		cols = nh_numel(c->k, c->dims + c->rank - c->k);
		np = cols;
	} else {
		cols = n / c->dims[0] / ch; /* HxW */
		np = ch;
	}
	rows = n / cols;
	double *x = malloc(sizeof(double) * (size_t)n), *w = malloc(sizeof(double) * (size_t)np);
	double *bb = malloc(sizeof(double) * (size_t)np), *rm = malloc(sizeof(double) * (size_t)np);
	double *rv = malloc(sizeof(double) * (size_t)np);
	double *y = malloc(sizeof(double) * (size_t)n), *got = malloc(sizeof(double) * (size_t)n);
	double *mean = malloc(sizeof(double) * (size_t)(rows + ch));
	double *rstd = malloc(sizeof(double) * (size_t)(rows + ch));
	nh_fill(x, n, -3, 5, false);
	nh_fill(w, np, 0.5, 2, false);
	nh_fill(bb, np, -1, 1, false);
	nh_fill(rm, np, -0.5, 0.5, false);
	nh_fill(rv, np, 0.5, 2, false);
	for (int64_t i = 0; i < n; i++)
		x[i] = nh_round(c->dtx, x[i]);
	for (int64_t i = 0; i < np; i++) {
		w[i] = c->has_w ? nh_round(c->dtp, w[i]) : 1;
		bb[i] = c->has_b ? nh_round(c->dtp, bb[i]) : 0;
		rm[i] = nh_round(c->dtp, rm[i]);
		rv[i] = nh_round(c->dtp, rv[i]);
	}
	/* the reference */
	int64_t nst = 0, hw = cols;
	double *nrm = malloc(sizeof(double) * (size_t)np),
	       *nrv = malloc(sizeof(double) * (size_t)np);
	if (c->f == N_LAYER || c->f == N_RMS) {
		for (int64_t r = 0; r < rows; r++) {
			double m, v;
			stats(x + r * cols, cols, &m, &v);
			if (c->f == N_RMS) {
				double q = 0;
				for (int64_t j = 0; j < cols; j++)
					q += x[r * cols + j] * x[r * cols + j];
				m = 0;
				v = q / (double)cols;
			}
			mean[r] = m;
			rstd[r] = 1 / sqrt(v + eps);
			for (int64_t j = 0; j < cols; j++)
				y[r * cols + j] = (x[r * cols + j] - m) * rstd[r] * w[j] + bb[j];
		}
		nst = rows;
	} else if (c->f == N_GROUP) {
		int64_t g = c->k, cpg = ch / g, len = cpg * hw;
		for (int64_t r = 0; r < c->dims[0] * g; r++) {
			double m, v;
			stats(x + r * len, len, &m, &v);
			mean[r] = m;
			rstd[r] = 1 / sqrt(v + eps);
			for (int64_t j = 0; j < len; j++) {
				int64_t cc = (r % g) * cpg + j / hw;
				y[r * len + j] = (x[r * len + j] - m) * rstd[r] * w[cc] + bb[cc];
			}
		}
		nst = c->dims[0] * g;
	} else {
		int64_t per = n / ch;
		for (int64_t cc = 0; cc < ch; cc++) {
			double s = 0, q = 0, m, v;
			for (int64_t i = 0; i < n; i++)
				if ((i / hw) % ch == cc)
					s += x[i];
			m = s / (double)per;
			for (int64_t i = 0; i < n; i++)
				if ((i / hw) % ch == cc)
					q += (x[i] - m) * (x[i] - m);
			v = q / (double)per;
			if (c->f == N_BN_EVAL)
				m = rm[cc], v = rv[cc];
			mean[cc] = m;
			rstd[cc] = 1 / sqrt(v + eps);
			nrm[cc] = rm[cc] * (1 - mom) + m * mom;
			nrv[cc] = rv[cc] * (1 - mom) + v * (double)per / (double)(per - 1) * mom;
			for (int64_t i = 0; i < n; i++)
				if ((i / hw) % ch == cc)
					y[i] = (x[i] - m) * rstd[cc] * w[cc] + bb[cc];
		}
		nst = ch;
	}
	/* tensors */
	nh_t tx, tw = { 0 }, tb = { 0 }, trm = { 0 }, trv = { 0 }, to, tm = { 0 }, tr = { 0 };
	nh_make(&tx, c->dtx, c->rank, c->dims, x, c->lx);
	nh_make(&to, c->dtx, c->rank, c->dims, NULL, c->lo);
	int64_t pd[4];
	uint32_t pr = 1;
	pd[0] = np;
	if (c->f == N_LAYER || c->f == N_RMS) {
		pr = c->k;
		for (uint32_t j = 0; j < c->k; j++)
			pd[j] = c->dims[c->rank - c->k + j];
	}
	if (c->has_w)
		nh_make(&tw, c->dtp, pr, pd, w, NH_STRIDED);
	if (c->has_b)
		nh_make(&tb, c->dtp, pr, pd, bb, NH_DENSE);
	bool bn = c->f == N_BN_EVAL || c->f == N_BN_TRAIN;
	if (bn) {
		nh_make(&trm, c->dtp, 1, pd, rm, NH_DENSE);
		nh_make(&trv, c->dtp, 1, pd, rv, NH_STRIDED);
	}
	int64_t sd[8];
	uint32_t sr = c->rank;
	if (c->stats) {
		if (c->f == N_GROUP) {
			sr = 2;
			sd[0] = c->dims[0];
			sd[1] = c->k;
		} else if (bn) {
			sr = 1;
			sd[0] = ch;
		} else {
			for (uint32_t j = 0; j < c->rank; j++)
				sd[j] = j < c->rank - c->k ? c->dims[j] : 1;
		}
		if (c->f != N_RMS)
			nh_make(&tm, F32, sr, sd, NULL, NH_DENSE);
		nh_make(&tr, F32, sr, sd, NULL, NH_STRIDED);
	}
	aclIntArray *ns = aclCreateIntArray(pd, pr);
	int rc;
	switch (c->f) {
	case N_LAYER: rc = NH_RUN(LayerNorm, tx.t, ns, tw.t, tb.t, eps, to.t, tm.t, tr.t); break;
	case N_RMS: rc = NH_RUN(RmsNorm, tx.t, tw.t, eps, to.t, tr.t); break;
	case N_GROUP:
		rc = NH_RUN(GroupNorm, tx.t, tw.t, tb.t, c->dims[0], ch, hw, c->k, eps, to.t, tm.t,
		            tr.t);
		break;
	default:
		rc = NH_RUN(BatchNorm, tx.t, tw.t, tb.t, trm.t, trv.t, c->f == N_BN_TRAIN, mom, eps,
		            to.t, tm.t, tr.t);
		break;
	}
	if (rc != ACLNN_SUCCESS)
		fail_msg("case f=%d: %d %s", (int)c->f, rc, aclGetRecentErrMsg());
	aclDestroyIntArray(ns);
	nh_read(&to, got);
	for (int64_t i = 0; i < n; i++)
		y[i] = nh_round(c->dtx, y[i]);
	nh_expect_close(got, y, n, c->dtx == F32 && c->dtp != F32 ? c->dtp : c->dtx);
	nh_expect_holes_intact(&to);
	size_t off = 0;
	if (out) {
		nh_read_bytes(&to, out);
		off = (size_t)n * nh_size(c->dtx);
	}
	nh_t *st[2] = { &tm, &tr };
	double *sv[2] = { mean, rstd };
	for (int s = 0; s < 2; s++) {
		if (!st[s]->t || (c->f == N_BN_EVAL))
			continue;
		nh_read(st[s], got);
		nh_expect_close(got, sv[s], nst, F32);
		if (out) {
			nh_read_bytes(st[s], out + off);
			off += (size_t)nst * 4;
		}
	}
	if (c->f == N_BN_TRAIN) {
		nh_read(&trm, got);
		for (int64_t i = 0; i < np; i++)
			nrm[i] = nh_round(c->dtp, nrm[i]);
		nh_expect_close(got, nrm, np, c->dtp);
		nh_read(&trv, got);
		for (int64_t i = 0; i < np; i++)
			nrv[i] = nh_round(c->dtp, nrv[i]);
		nh_expect_close(got, nrv, np, c->dtp);
		nh_expect_holes_intact(&trv);
	}
	if (out)
		*len = off;
	nh_free(&tx);
	nh_free(&tw);
	nh_free(&tb);
	nh_free(&trm);
	nh_free(&trv);
	nh_free(&to);
	nh_free(&tm);
	nh_free(&tr);
	free(x);
	free(w);
	free(bb);
	free(rm);
	free(rv);
	free(y);
	free(got);
	free(mean);
	free(rstd);
	free(nrm);
	free(nrv);
}

static void test_cases(void **state)
{
	(void)state;
	nh_init(2);
	static const struct ncase cs[] = {
		/* LayerNorm: contiguous with statistics; strided without; no weight/bias */
		{ N_LAYER, F32, F32, 2, D(4, 6), 1, true, true, true, NH_DENSE, NH_DENSE },
		{ N_LAYER, F32, F32, 3, D(3, 4, 5), 2, true, true, false, NH_STRIDED, NH_STRIDED },
		{ N_LAYER, F32, F32, 3, D(3, 4, 5), 1, false, false, true, NH_STRIDED, NH_DENSE },
		/* promotion: a float16 input with float32 parameters; bfloat16 */
		{ N_LAYER, ACL_FLOAT16, F32, 2, D(4, 6), 1, true, true, true, NH_DENSE, NH_DENSE },
		{ N_LAYER, ACL_BF16, ACL_BF16, 2, D(4, 6), 1, true, false, false, NH_STRIDED,
		  NH_DENSE },
		/* RmsNorm */
		{ N_RMS, F32, F32, 2, D(4, 6), 1, true, false, true, NH_DENSE, NH_DENSE },
		{ N_RMS, F32, F32, 3, D(3, 4, 5), 2, true, false, false, NH_STRIDED, NH_STRIDED },
		{ N_RMS, ACL_FLOAT16, F32, 3, D(2, 3, 8), 1, true, false, true, NH_STRIDED,
		  NH_DENSE },
		{ N_RMS, ACL_BF16, ACL_BF16, 2, D(4, 6), 1, true, false, false, NH_DENSE,
		  NH_DENSE },
		/* BatchNorm inference */
		{ N_BN_EVAL, F32, F32, 4, D(2, 3, 4, 5), 0, true, true, false, NH_DENSE, NH_DENSE },
		{ N_BN_EVAL, F32, F32, 3, D(2, 3, 7), 0, false, true, false, NH_STRIDED,
		  NH_STRIDED },
		{ N_BN_EVAL, ACL_FLOAT16, F32, 2, D(5, 3), 0, true, false, false, NH_DENSE,
		  NH_DENSE },
		{ N_BN_EVAL, ACL_BF16, ACL_BF16, 4, D(2, 3, 2, 2), 0, true, true, false, NH_STRIDED,
		  NH_DENSE },
		/* BatchNorm training: batch statistics and the running update */
		{ N_BN_TRAIN, F32, F32, 4, D(2, 3, 4, 5), 0, true, true, true, NH_DENSE, NH_DENSE },
		{ N_BN_TRAIN, F32, F32, 3, D(4, 3, 6), 0, false, false, true, NH_STRIDED,
		  NH_STRIDED },
		{ N_BN_TRAIN, ACL_FLOAT16, F32, 2, D(8, 3), 0, true, true, true, NH_DENSE,
		  NH_DENSE },
		/* GroupNorm */
		{ N_GROUP, F32, F32, 4, D(2, 6, 3, 4), 3, true, true, true, NH_DENSE, NH_DENSE },
		{ N_GROUP, F32, F32, 3, D(3, 4, 5), 2, false, false, false, NH_STRIDED,
		  NH_STRIDED },
		{ N_GROUP, ACL_FLOAT16, F32, 3, D(2, 4, 6), 4, true, true, true, NH_STRIDED,
		  NH_DENSE },
		{ N_GROUP, ACL_BF16, ACL_BF16, 2, D(3, 6), 2, true, true, false, NH_DENSE,
		  NH_DENSE },
	};
	for (size_t i = 0; i < sizeof(cs) / sizeof(cs[0]); i++)
		run_case(&cs[i], NULL, NULL);
	nh_fini();
}

static void test_bad_inputs(void **state)
{
	(void)state;
	nh_init(2);
	double v[48];
	for (int i = 0; i < 48; i++)
		v[i] = i * 0.25;
	nh_t x, sx, o, w4, w5, i32, c3, m2, gm;
	nh_make(&x, F32, 3, NH_DIMS(2, 4, 6), v, NH_DENSE);
	nh_make(&sx, F32, 3, NH_DIMS(2, 4, 6), v, NH_STRIDED);
	nh_make(&o, F32, 3, NH_DIMS(2, 4, 6), NULL, NH_DENSE);
	nh_make(&w4, F32, 1, NH_DIMS(4), v, NH_DENSE);
	nh_make(&w5, F32, 1, NH_DIMS(5), v, NH_DENSE);
	nh_make(&i32, ACL_INT32, 3, NH_DIMS(2, 4, 6), v, NH_DENSE);
	nh_make(&c3, F32, 1, NH_DIMS(6), v, NH_DENSE);
	nh_make(&m2, F32, 2, NH_DIMS(2, 2), NULL, NH_DENSE);
	nh_make(&gm, F32, 1, NH_DIMS(4), NULL, NH_DENSE);
	aclIntArray *ns = aclCreateIntArray(NH_DIMS(6), 1), *nb = aclCreateIntArray(NH_DIMS(5), 1);
	uint64_t ws;
	aclOpExecutor *ex = NULL;
	/* NULL: 161001 */
	assert_int_equal(aclnnLayerNormGetWorkspaceSize(NULL, ns, NULL, NULL, 1e-5, o.t, NULL, NULL,
	                                                &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	nh_expect_msg("input is NULL");
	assert_int_equal(aclnnLayerNormGetWorkspaceSize(x.t, NULL, NULL, NULL, 1e-5, o.t, NULL,
	                                                NULL, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	nh_expect_msg("normalizedShape is NULL");
	assert_int_equal(aclnnRmsNormGetWorkspaceSize(x.t, NULL, 1e-6, o.t, NULL, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	nh_expect_msg("gamma is NULL");
	assert_int_equal(aclnnBatchNormGetWorkspaceSize(x.t, NULL, NULL, NULL, NULL, false, 0.1,
	                                                1e-5, NULL, NULL, NULL, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnBatchNormGetWorkspaceSize(x.t, NULL, NULL, NULL, NULL, true, 0.1,
	                                                1e-5, o.t, NULL, NULL, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	nh_expect_msg("saveMean is NULL");
	assert_int_equal(aclnnGroupNormGetWorkspaceSize(NULL, NULL, NULL, 2, 4, 6, 2, 1e-5, o.t,
	                                                NULL, NULL, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	/* mismatched shapes: 161002 */
	assert_int_equal(aclnnLayerNormGetWorkspaceSize(x.t, nb, NULL, NULL, 1e-5, o.t, NULL, NULL,
	                                                &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("normalizedShape");
	assert_int_equal(aclnnLayerNormGetWorkspaceSize(x.t, ns, w5.t, NULL, 1e-5, o.t, NULL, NULL,
	                                                &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("weightOptional");
	assert_int_equal(aclnnLayerNormGetWorkspaceSize(x.t, ns, NULL, NULL, 1e-5, o.t, m2.t, NULL,
	                                                &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnRmsNormGetWorkspaceSize(x.t, w4.t, 1e-6, o.t, NULL, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("gamma");
	assert_int_equal(aclnnBatchNormGetWorkspaceSize(x.t, w5.t, NULL, NULL, NULL, false, 0.1,
	                                                1e-5, o.t, NULL, NULL, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("weight must be 1-D of length 4");
	assert_int_equal(aclnnBatchNormGetWorkspaceSize(x.t, NULL, NULL, NULL, NULL, true, 0.1,
	                                                1e-5, o.t, gm.t, w5.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnGroupNormGetWorkspaceSize(x.t, NULL, NULL, 2, 4, 6, 3, 1e-5, o.t,
	                                                NULL, NULL, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("divide C");
	assert_int_equal(aclnnGroupNormGetWorkspaceSize(x.t, NULL, NULL, 2, 4, 5, 2, 1e-5, o.t,
	                                                NULL, NULL, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnGroupNormGetWorkspaceSize(x.t, c3.t, NULL, 2, 4, 6, 2, 1e-5, o.t,
	                                                NULL, NULL, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	/* unsupported dtypes: 161002 */
	assert_int_equal(aclnnLayerNormGetWorkspaceSize(i32.t, ns, NULL, NULL, 1e-5, o.t, NULL,
	                                                NULL, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("input has dtype int32");
	assert_int_equal(aclnnRmsNormGetWorkspaceSize(i32.t, c3.t, 1e-6, o.t, NULL, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnBatchNormGetWorkspaceSize(i32.t, NULL, NULL, NULL, NULL, false, 0.1,
	                                                1e-5, o.t, NULL, NULL, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnGroupNormGetWorkspaceSize(i32.t, NULL, NULL, 2, 4, 6, 2, 1e-5, o.t,
	                                                NULL, NULL, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	/* a float result into an int32 output */
	assert_int_equal(aclnnLayerNormGetWorkspaceSize(x.t, ns, NULL, NULL, 1e-5, i32.t, NULL,
	                                                NULL, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	/* workspace too small: a strided input is gathered first */
	assert_int_equal(NH_PLAN(LayerNorm, sx.t, ns, NULL, NULL, 1e-5, o.t, NULL, NULL),
	                 ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnLayerNorm);
	assert_int_equal(NH_PLAN(RmsNorm, sx.t, c3.t, 1e-6, o.t, NULL), ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnRmsNorm);
	assert_int_equal(
	        NH_PLAN(BatchNorm, sx.t, NULL, NULL, NULL, NULL, false, 0.1, 1e-5, o.t, NULL, NULL),
	        ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnBatchNorm);
	assert_int_equal(NH_PLAN(GroupNorm, sx.t, NULL, NULL, 2, 4, 6, 2, 1e-5, o.t, NULL, NULL),
	                 ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnGroupNorm);
	nh_expect_msg("smaller than");
	aclDestroyIntArray(ns);
	aclDestroyIntArray(nb);
	nh_free(&x);
	nh_free(&sx);
	nh_free(&o);
	nh_free(&w4);
	nh_free(&w5);
	nh_free(&i32);
	nh_free(&c3);
	nh_free(&m2);
	nh_free(&gm);
	nh_fini();
}

/* Every function on a large strided input (many blocks). */
static void big_all(void *ctx, unsigned char *out, size_t *len)
{
	(void)ctx;
	static const struct ncase cs[] = {
		{ N_LAYER, F32, F32, 2, D(300, 257), 1, true, true, true, NH_STRIDED, NH_DENSE },
		{ N_RMS, F32, F32, 2, D(300, 257), 1, true, false, true, NH_STRIDED, NH_DENSE },
		{ N_BN_EVAL, F32, F32, 3, D(20, 15, 257), 0, true, true, false, NH_STRIDED,
		  NH_DENSE },
		{ N_BN_TRAIN, F32, F32, 3, D(20, 15, 257), 0, true, true, true, NH_STRIDED,
		  NH_DENSE },
		{ N_GROUP, F32, F32, 3, D(20, 15, 257), 5, true, true, true, NH_STRIDED, NH_DENSE },
	};
	*len = 0;
	for (size_t i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
		nh_rng = 7 + i;
		size_t l = 0;
		run_case(&cs[i], out + *len, &l);
		*len += l;
	}
}

static void test_workers_identical(void **state)
{
	(void)state;
	nh_for_workers(big_all, NULL, (size_t)5 * 300 * 257 * 4 + 5 * 4096 * 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_workers_identical),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
