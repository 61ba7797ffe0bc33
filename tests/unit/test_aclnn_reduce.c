/*
 * test_aclnn_reduce.c - aclnnReduceSum/Mean/Amax/Amin/ArgMax/ArgMin/MaxDim/
 * MinDim/Softmax/LogSoftmax against a host reference: contiguous and
 * strided/offset views, keepDim, the dtype argument and promotion,
 * float16/bfloat16, the bad-input rows with aclnn's codes, and 1/2/8
 * workers byte-identical. (None of these functions broadcasts.)
 */
#include "aclnn_harness.h"
#include "aclnnop/aclnn_amax.h"
#include "aclnnop/aclnn_amin.h"
#include "aclnnop/aclnn_argmax.h"
#include "aclnnop/aclnn_argmin.h"
#include "aclnnop/aclnn_logsoftmax.h"
#include "aclnnop/aclnn_max_dim.h"
#include "aclnnop/aclnn_mean.h"
#include "aclnnop/aclnn_min_dim.h"
#include "aclnnop/aclnn_reduce_sum.h"
#include "aclnnop/aclnn_softmax.h"

enum fn {
	F_SUM,
	F_MEAN,
	F_AMAX,
	F_AMIN,
	F_ARGMAX,
	F_ARGMIN,
	F_MAXDIM,
	F_MINDIM,
	F_SOFTMAX,
	F_LOGSOFTMAX,
	F_COUNT
};

struct rcase {
	enum fn f;
	int dti, dto, dtype; /* self's, out's, the dtype argument (Sum, Mean) */
	uint32_t rank;
	int64_t dims[4];
	uint32_t nd; /* dim list length (arg/softmax functions: 1) */
	int64_t dimv[4];
	bool keep;
	nh_layout_t li, lo;
};

static bool is_arg(enum fn f)
{
	return f == F_ARGMAX || f == F_ARGMIN || f == F_MAXDIM || f == F_MINDIM;
}

/* The output dims of c; returns the rank. red[k]: dim k is reduced. */
static uint32_t out_shape(const struct rcase *c, int64_t *od, bool *red)
{
	for (uint32_t k = 0; k < c->rank; k++)
		red[k] = false;
	if (c->f == F_SOFTMAX || c->f == F_LOGSOFTMAX) {
		for (uint32_t k = 0; k < c->rank; k++)
			od[k] = c->dims[k];
		return c->rank;
	}
	for (uint32_t i = 0; i < c->nd; i++)
		red[(c->dimv[i] + c->rank) % (c->rank ? c->rank : 1)] = true;
	if (c->nd == 0 && !is_arg(c->f))
		for (uint32_t k = 0; k < c->rank; k++)
			red[k] = true;
	uint32_t r = 0;
	for (uint32_t k = 0; k < c->rank; k++)
		if (!red[k])
			od[r++] = c->dims[k];
		else if (c->keep)
			od[r++] = 1;
	return r;
}

/*
 * The reference: for each output element, the reduction of the input
 * lane(s) in row-major order (ties: the first index). vals are already
 * rounded to what the function computes in.
 */
static void reference(const struct rcase *c, const double *v, double *ref, double *idx)
{
	int64_t od[8];
	bool red[8];
	out_shape(c, od, red);
	int64_t n = nh_numel(c->rank, c->dims);
	if (c->f == F_SOFTMAX || c->f == F_LOGSOFTMAX) {
		uint32_t ax = (uint32_t)((c->dimv[0] + c->rank) % (c->rank ? c->rank : 1));
		int64_t inner = 1, len = c->rank ? c->dims[ax] : 1;
		for (uint32_t k = ax + 1; k < c->rank; k++)
			inner *= c->dims[k];
		for (int64_t i = 0; i < n; i++) {
			int64_t base = i - ((i / inner) % len) * inner;
			double mx = -INFINITY, s = 0;
			for (int64_t j = 0; j < len; j++)
				mx = fmax(mx, v[base + j * inner]);
			for (int64_t j = 0; j < len; j++)
				s += exp(v[base + j * inner] - mx);
			ref[i] = c->f == F_SOFTMAX ? exp(v[i] - mx) / s : v[i] - mx - log(s);
		}
		return;
	}
	int64_t no = 1;
	for (uint32_t k = 0; k < c->rank; k++)
		no *= red[k] ? 1 : c->dims[k];
	int64_t *cnt = calloc((size_t)no + 1, sizeof(int64_t));
	for (int64_t o = 0; o < no; o++)
		ref[o] = c->f == F_AMAX || c->f == F_ARGMAX || c->f == F_MAXDIM   ? -INFINITY
		         : c->f == F_AMIN || c->f == F_ARGMIN || c->f == F_MINDIM ? INFINITY
		                                                                  : 0;
	for (int64_t i = 0; i < n; i++) {
		int64_t rem = i, o = 0, mul = 1, pos = 0;
		for (int k = (int)c->rank - 1; k >= 0; k--) {
			int64_t ik = rem % c->dims[k];
			rem /= c->dims[k];
			if (!red[k]) {
				o += ik * mul;
				mul *= c->dims[k];
			} else {
				pos = ik;
			}
		}
		double x = v[i];
		switch (c->f) {
		case F_SUM:
		case F_MEAN: ref[o] += x; break;
		case F_AMAX: ref[o] = fmax(ref[o], x); break;
		case F_AMIN: ref[o] = fmin(ref[o], x); break;
		case F_ARGMAX:
		case F_MAXDIM:
			if (cnt[o] == 0 || x > ref[o])
				ref[o] = x, idx[o] = (double)pos;
			break;
		default:
			if (cnt[o] == 0 || x < ref[o])
				ref[o] = x, idx[o] = (double)pos;
			break;
		}
		cnt[o]++;
	}
	if (c->f == F_MEAN)
		for (int64_t o = 0; o < no; o++)
			ref[o] = nh_is_float(c->dtype) ? ref[o] / (double)cnt[o]
			                               : (double)((int64_t)ref[o] / cnt[o]);
	free(cnt);
}

/* Plan and run c on tensors x, o (and io, the indices of MaxDim/MinDim). */
static int call(const struct rcase *c, const nh_t *x, const nh_t *o, const nh_t *io)
{
	aclIntArray *d = aclCreateIntArray(c->dimv, c->nd);
	int rc;
	switch (c->f) {
	case F_SUM: rc = NH_RUN(ReduceSum, x->t, d, c->keep, (aclDataType)c->dtype, o->t); break;
	case F_MEAN: rc = NH_RUN(Mean, x->t, d, c->keep, (aclDataType)c->dtype, o->t); break;
	case F_AMAX: rc = NH_RUN(Amax, x->t, d, c->keep, o->t); break;
	case F_AMIN: rc = NH_RUN(Amin, x->t, d, c->keep, o->t); break;
	case F_ARGMAX: rc = NH_RUN(ArgMax, x->t, c->dimv[0], c->keep, o->t); break;
	case F_ARGMIN: rc = NH_RUN(ArgMin, x->t, c->dimv[0], c->keep, o->t); break;
	case F_MAXDIM: rc = NH_RUN(MaxDim, x->t, c->dimv[0], c->keep, o->t, io->t); break;
	case F_MINDIM: rc = NH_RUN(MinDim, x->t, c->dimv[0], c->keep, o->t, io->t); break;
	case F_SOFTMAX: rc = NH_RUN(Softmax, x->t, c->dimv[0], o->t); break;
	default: rc = NH_RUN(LogSoftmax, x->t, c->dimv[0], o->t); break;
	}
	aclDestroyIntArray(d);
	return rc;
}

/* The dtype c computes in (its inputs are rounded to it). */
static int compute_dt(const struct rcase *c)
{
	if (c->f == F_SUM || c->f == F_MEAN)
		return c->dtype;
	if (c->f == F_SOFTMAX || c->f == F_LOGSOFTMAX)
		return c->dto;
	return c->dti;
}

/* Run c against the reference; out (when not NULL) receives the result's
 * bytes (values then indices) and *len their count. */
static void run_case(const struct rcase *c, unsigned char *out, size_t *len)
{
	int64_t n = nh_numel(c->rank, c->dims), od[8];
	bool red[8];
	uint32_t orank = out_shape(c, od, red);
	int64_t no = nh_numel(orank, od);
	double *v = malloc(sizeof(double) * (size_t)(n + 1));
	double *got = malloc(sizeof(double) * (size_t)(n + 1));
	double *ref = malloc(sizeof(double) * (size_t)(n + 1));
	double *idx = malloc(sizeof(double) * (size_t)(n + 1));
	bool integral = !nh_is_float(c->dti);
	nh_fill(v, n, integral ? -50 : -4, integral ? 50 : 4, integral);
	for (int64_t i = 0; i < n; i++)
		v[i] = nh_round(compute_dt(c), nh_round(c->dti, v[i]));
	nh_t x, o, io = { 0 };
	nh_make(&x, c->dti, c->rank, c->dims, v, c->li);
	bool two = c->f == F_MAXDIM || c->f == F_MINDIM;
	nh_make(&o, is_arg(c->f) && !two ? c->dto : c->dto, orank, od, NULL, c->lo);
	if (two)
		nh_make(&io, ACL_INT64, orank, od, NULL, c->lo);
	assert_int_equal(call(c, &x, &o, &io), ACLNN_SUCCESS);
	reference(c, v, ref, idx);
	nh_read(&o, got);
	if (c->f == F_ARGMAX || c->f == F_ARGMIN) {
		nh_expect_close(got, idx, no, c->dto);
	} else {
		for (int64_t i = 0; i < no; i++)
			ref[i] = nh_round(c->dto, ref[i]);
		nh_expect_close(got, ref, no, nh_is_float(c->dto) ? c->dto : ACL_INT64);
	}
	nh_expect_holes_intact(&o);
	size_t es = nh_size(c->dto);
	if (out) {
		nh_read_bytes(&o, out);
		*len = (size_t)no * es;
	}
	if (two) {
		nh_read(&io, got);
		nh_expect_close(got, idx, no, ACL_INT64);
		if (out) {
			nh_read_bytes(&io, out + *len);
			*len += (size_t)no * 8;
		}
	}
	nh_free(&x);
	nh_free(&o);
	nh_free(&io);
	free(v);
	free(got);
	free(ref);
	free(idx);
}

#define D(...)              \
	{                   \
		__VA_ARGS__ \
	}
#define F32 ACL_FLOAT

/* A contiguous and a strided case for every function, float32. */
static void test_layouts(void **state)
{
	(void)state;
	nh_init(2);
	for (int f = 0; f < F_COUNT; f++) {
		bool arg = is_arg((enum fn)f);
		int dto = f == F_ARGMAX || f == F_ARGMIN ? ACL_INT64 : F32;
		bool sm = f == F_SOFTMAX || f == F_LOGSOFTMAX;
		struct rcase c1 = { f, F32,  dto,   F32,      3,       D(3, 4, 5),
			            1, D(1), false, NH_DENSE, NH_DENSE };
		run_case(&c1, NULL, NULL);
		/* strided/offset views; two dims (one for arg/softmax), kept */
		struct rcase c2 = { f, F32,      dto,  F32,        3,         D(4, 3, 6),
			            2, D(0, -1), true, NH_STRIDED, NH_STRIDED };
		if (arg || sm)
			c2.nd = 1;
		run_case(&c2, NULL, NULL);
		/* the last dim, not kept, rank 2 */
		struct rcase c3 = { f, F32,   dto,   F32,        2,       D(5, 7),
			            1, D(-1), false, NH_STRIDED, NH_DENSE };
		run_case(&c3, NULL, NULL);
		if (!arg && !sm) {
			/* an empty dim list reduces everything */
			struct rcase c4 = { f, F32,  dto,  F32,        3,       D(2, 3, 4),
				            0, D(0), true, NH_STRIDED, NH_DENSE };
			run_case(&c4, NULL, NULL);
		}
	}
	nh_fini();
}

/* float16, bfloat16, the dtype argument and promotion. */
static void test_dtypes(void **state)
{
	(void)state;
	nh_init(2);
	static const struct rcase cs[] = {
		/* float16 and bfloat16 */
		{ F_SUM, ACL_FLOAT16, ACL_FLOAT16, ACL_FLOAT16, 2, D(6, 9), 1, D(1), false,
		  NH_STRIDED, NH_DENSE },
		{ F_MEAN, ACL_BF16, ACL_BF16, ACL_BF16, 2, D(6, 9), 1, D(0), true, NH_DENSE,
		  NH_DENSE },
		{ F_AMAX, ACL_BF16, ACL_BF16, 0, 2, D(6, 9), 1, D(1), false, NH_DENSE, NH_DENSE },
		{ F_AMIN, ACL_FLOAT16, ACL_FLOAT16, 0, 2, D(6, 9), 1, D(1), false, NH_DENSE,
		  NH_DENSE },
		{ F_ARGMAX, ACL_FLOAT16, ACL_INT64, 0, 2, D(6, 9), 1, D(1), false, NH_DENSE,
		  NH_DENSE },
		{ F_SOFTMAX, ACL_FLOAT16, ACL_FLOAT16, 0, 2, D(6, 9), 1, D(1), 0, NH_STRIDED,
		  NH_DENSE },
		{ F_LOGSOFTMAX, ACL_BF16, ACL_BF16, 0, 2, D(6, 9), 1, D(0), 0, NH_DENSE, NH_DENSE },
		/* promotion: int32 summed as int64; int8 self, float dtype */
		{ F_SUM, ACL_INT32, ACL_INT64, ACL_INT64, 2, D(5, 7), 1, D(1), false, NH_STRIDED,
		  NH_DENSE },
		{ F_SUM, ACL_INT8, F32, F32, 2, D(5, 7), 1, D(0), false, NH_DENSE, NH_DENSE },
		{ F_SUM, ACL_INT16, ACL_INT16, ACL_INT16, 2, D(5, 7), 1, D(0), false, NH_DENSE,
		  NH_DENSE },
		/* mean: int32 self in float32 (into a float16 out), and an integer mean */
		{ F_MEAN, ACL_INT32, ACL_FLOAT16, F32, 2, D(5, 7), 1, D(1), false, NH_DENSE,
		  NH_DENSE },
		{ F_MEAN, ACL_INT32, ACL_INT64, ACL_INT64, 2, D(5, 7), 1, D(1), false, NH_DENSE,
		  NH_DENSE },
		/* integer amax/argmin (int16 through int64), int32 indices */
		{ F_AMAX, ACL_INT16, ACL_INT16, 0, 2, D(5, 7), 1, D(1), false, NH_STRIDED,
		  NH_DENSE },
		{ F_ARGMIN, ACL_INT32, ACL_INT32, 0, 2, D(5, 7), 1, D(0), true, NH_DENSE,
		  NH_STRIDED },
		{ F_MINDIM, ACL_UINT8, ACL_UINT8, 0, 2, D(5, 7), 1, D(1), false, NH_DENSE,
		  NH_DENSE },
		/* softmax: an int32 self into float32, a float16 self into float32 */
		{ F_SOFTMAX, ACL_INT32, F32, 0, 2, D(4, 6), 1, D(1), 0, NH_DENSE, NH_DENSE },
		{ F_LOGSOFTMAX, ACL_FLOAT16, F32, 0, 2, D(4, 6), 1, D(-1), 0, NH_STRIDED,
		  NH_DENSE },
		/* a 0-d self */
		{ F_SUM, F32, F32, F32, 0, D(0), 1, D(-1), false, NH_DENSE, NH_DENSE },
		{ F_ARGMAX, F32, ACL_INT64, 0, 0, D(0), 1, D(0), false, NH_DENSE, NH_DENSE },
		{ F_SOFTMAX, F32, F32, 0, 0, D(0), 1, D(0), 0, NH_DENSE, NH_DENSE },
	};
	for (size_t i = 0; i < sizeof(cs) / sizeof(cs[0]); i++)
		run_case(&cs[i], NULL, NULL);
	/* ties: the first index wins; a bool sum is "any" */
	double tv[6] = { 1, 3, 3, 0, 0, 0 }, got[2];
	nh_t t, o;
	nh_make(&t, F32, 2, NH_DIMS(2, 3), tv, NH_DENSE);
	nh_make(&o, ACL_INT64, 1, NH_DIMS(2), NULL, NH_DENSE);
	assert_int_equal(NH_RUN(ArgMax, t.t, 1, false, o.t), ACLNN_SUCCESS);
	nh_read(&o, got);
	assert_true(got[0] == 1 && got[1] == 0);
	nh_free(&o);
	nh_make(&o, ACL_BOOL, 1, NH_DIMS(2), NULL, NH_DENSE);
	aclIntArray *d1 = aclCreateIntArray(NH_DIMS(1), 1);
	assert_int_equal(NH_RUN(ReduceSum, t.t, d1, false, ACL_BOOL, o.t), ACLNN_SUCCESS);
	nh_read(&o, got);
	assert_true(got[0] == 1 && got[1] == 0);
	aclDestroyIntArray(d1);
	nh_free(&o);
	nh_free(&t);
	nh_fini();
}

static void test_bad_inputs(void **state)
{
	(void)state;
	nh_init(2);
	double v[24];
	for (int i = 0; i < 24; i++)
		v[i] = i;
	nh_t a, o, o3, dbl, u64, bl, io, sa;
	nh_make(&a, F32, 3, NH_DIMS(2, 3, 4), v, NH_DENSE);
	nh_make(&sa, F32, 3, NH_DIMS(2, 3, 4), v, NH_STRIDED);
	nh_make(&o, F32, 2, NH_DIMS(2, 4), NULL, NH_DENSE);
	nh_make(&io, ACL_INT64, 2, NH_DIMS(2, 4), NULL, NH_DENSE);
	nh_make(&o3, F32, 3, NH_DIMS(2, 3, 4), NULL, NH_DENSE);
	nh_make(&dbl, ACL_DOUBLE, 2, NH_DIMS(2, 4), NULL, NH_DENSE);
	nh_make(&u64, ACL_UINT64, 3, NH_DIMS(2, 3, 4), v, NH_DENSE);
	nh_make(&bl, ACL_BOOL, 3, NH_DIMS(2, 3, 4), v, NH_DENSE);
	aclIntArray *d1 = aclCreateIntArray(NH_DIMS(1), 1), *d5 = aclCreateIntArray(NH_DIMS(5), 1);
	aclIntArray *dd = aclCreateIntArray(NH_DIMS(1, -2), 2),
	            *d0 = aclCreateIntArray(NH_DIMS(0), 1);
	uint64_t ws;
	aclOpExecutor *ex = NULL;
	/* NULL: 161001 */
	assert_int_equal(aclnnReduceSumGetWorkspaceSize(NULL, d1, false, F32, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	nh_expect_msg("self is NULL");
	assert_int_equal(aclnnReduceSumGetWorkspaceSize(a.t, NULL, false, F32, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	nh_expect_msg("dim is NULL");
	assert_int_equal(aclnnMeanGetWorkspaceSize(a.t, d1, false, F32, NULL, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnAmaxGetWorkspaceSize(NULL, d1, false, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnAminGetWorkspaceSize(a.t, NULL, false, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnArgMaxGetWorkspaceSize(NULL, 1, false, io.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnArgMinGetWorkspaceSize(a.t, 1, false, NULL, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnMaxDimGetWorkspaceSize(a.t, 1, false, o.t, NULL, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	nh_expect_msg("indices is NULL");
	assert_int_equal(aclnnMinDimGetWorkspaceSize(NULL, 1, false, o.t, io.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnSoftmaxGetWorkspaceSize(NULL, 1, o3.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	assert_int_equal(aclnnLogSoftmaxGetWorkspaceSize(a.t, 1, NULL, &ws, &ex),
	                 ACLNN_ERR_PARAM_NULLPTR);
	/* dims out of range or repeated: 161002 */
	assert_int_equal(aclnnReduceSumGetWorkspaceSize(a.t, d5, false, F32, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("out of range");
	assert_int_equal(aclnnMeanGetWorkspaceSize(a.t, dd, false, F32, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("appears twice");
	assert_int_equal(aclnnArgMaxGetWorkspaceSize(a.t, 3, false, io.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnSoftmaxGetWorkspaceSize(a.t, -4, o3.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	/* an out of the wrong shape: 161002 */
	assert_int_equal(aclnnReduceSumGetWorkspaceSize(a.t, d0, false, F32, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("the output has shape");
	assert_int_equal(aclnnAmaxGetWorkspaceSize(a.t, d1, true, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnArgMinGetWorkspaceSize(a.t, 0, false, io.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnMaxDimGetWorkspaceSize(a.t, 1, false, o.t, o3.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnLogSoftmaxGetWorkspaceSize(a.t, 1, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	/* unsupported dtypes: 161002 */
	assert_int_equal(
	        aclnnReduceSumGetWorkspaceSize(a.t, d1, false, ACL_DOUBLE, dbl.t, &ws, &ex),
	        ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("float64");
	assert_int_equal(aclnnReduceSumGetWorkspaceSize(a.t, d1, false, ACL_FLOAT16, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("differs from out");
	assert_int_equal(aclnnMeanGetWorkspaceSize(a.t, d1, false, ACL_INT32, io.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnMeanGetWorkspaceSize(a.t, d1, false, F32, io.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("cannot be cast");
	assert_int_equal(aclnnAmaxGetWorkspaceSize(u64.t, d1, false, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnArgMaxGetWorkspaceSize(bl.t, 1, false, io.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	assert_int_equal(aclnnArgMaxGetWorkspaceSize(a.t, 1, false, o.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("must be an integer");
	nh_t i3;
	nh_make(&i3, ACL_INT32, 3, NH_DIMS(2, 3, 4), NULL, NH_DENSE);
	assert_int_equal(aclnnSoftmaxGetWorkspaceSize(a.t, 1, i3.t, &ws, &ex),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("out has dtype int32");
	nh_free(&i3);
	/* workspace too small: a strided self is gathered first */
	assert_int_equal(NH_PLAN(ReduceSum, sa.t, d1, false, F32, o.t), ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnReduceSum);
	assert_int_equal(NH_PLAN(Mean, sa.t, d1, false, F32, o.t), ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnMean);
	assert_int_equal(NH_PLAN(Amax, sa.t, d1, false, o.t), ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnAmax);
	assert_int_equal(NH_PLAN(Amin, sa.t, d1, false, o.t), ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnAmin);
	assert_int_equal(NH_PLAN(ArgMax, sa.t, 1, false, io.t), ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnArgMax);
	assert_int_equal(NH_PLAN(ArgMin, sa.t, 1, false, io.t), ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnArgMin);
	assert_int_equal(NH_PLAN(MaxDim, sa.t, 1, false, o.t, io.t), ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnMaxDim);
	assert_int_equal(NH_PLAN(MinDim, sa.t, 1, false, o.t, io.t), ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnMinDim);
	assert_int_equal(NH_PLAN(Softmax, sa.t, 1, o3.t), ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnSoftmax);
	assert_int_equal(NH_PLAN(LogSoftmax, sa.t, 1, o3.t), ACLNN_SUCCESS);
	nh_expect_ws_too_small(aclnnLogSoftmax);
	nh_expect_msg("smaller than");
	aclDestroyIntArray(d1);
	aclDestroyIntArray(d5);
	aclDestroyIntArray(dd);
	aclDestroyIntArray(d0);
	nh_free(&a);
	nh_free(&sa);
	nh_free(&o);
	nh_free(&io);
	nh_free(&o3);
	nh_free(&dbl);
	nh_free(&u64);
	nh_free(&bl);
	nh_fini();
}

/* Every function on a large strided self (many blocks); the bytes of all
 * its results for this worker count. */
static void big_all(void *ctx, unsigned char *out, size_t *len)
{
	(void)ctx;
	*len = 0;
	for (int f = 0; f < F_COUNT; f++) {
		nh_rng = 42 + (uint64_t)f;
		int dto = f == F_ARGMAX || f == F_ARGMIN ? ACL_INT64 : F32;
		struct rcase c = { f, F32,  dto,   F32,        2,       D(300, 257),
			           1, D(1), false, NH_STRIDED, NH_DENSE };
		size_t l = 0;
		run_case(&c, out + *len, &l);
		*len += l;
	}
}

static void test_workers_identical(void **state)
{
	(void)state;
	nh_for_workers(big_all, NULL, (size_t)F_COUNT * 300 * 257 * 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layouts),
		cmocka_unit_test(test_dtypes),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_workers_identical),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
