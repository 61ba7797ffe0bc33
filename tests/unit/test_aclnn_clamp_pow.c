/*
 * test_aclnn_clamp_pow.c - aclnnMaximum, aclnnMinimum, the clamp family
 * (Clamp, ClampMin, ClampMax, InplaceClampMax, ClampTensor, ClampMinTensor,
 * ClampMaxTensor and their in-place forms) and the pow family
 * (PowTensorScalar, InplacePowTensorScalar, PowScalarTensor, PowTensorTensor,
 * InplacePowTensorTensor) against a host reference: contiguous and
 * strided/offset views, broadcasting, type promotion, float16/bfloat16, the
 * bad-input rows with aclnn's codes, and 1/2/8 workers byte-identical.
 */
/* gcc -O2 sees nh_round()'s buffer as maybe unset through nh_store()'s
 * failing default case (a false positive once inlined here). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include "aclnn_harness.h"
#include "aclnnop/aclnn_clamp.h"
#include "aclnnop/aclnn_maximum.h"
#include "aclnnop/aclnn_minimum.h"
#include "aclnnop/aclnn_pow.h"
#include "aclnnop/aclnn_pow_tensor_tensor.h"

enum kind {
	K_MAXIMUM,
	K_MINIMUM,
	K_CLAMP,
	K_CLAMP_MIN,
	K_CLAMP_MAX,
	K_IP_CLAMP_MAX,
	K_CLAMP_T,
	K_CLAMP_MIN_T,
	K_IP_CLAMP_MIN_T,
	K_CLAMP_MAX_T,
	K_IP_CLAMP_MAX_T,
	K_POW_TS,
	K_IP_POW_TS,
	K_POW_ST,
	K_POW_TT,
	K_IP_POW_TT,
	K_N
};

static const struct kdesc {
	const char *name;
	bool ip;    /* in place (into x) */
	int a1, a2; /* the second/third argument: 0 none, 1 tensor, 2 scalar */
	bool pow;
} kd[K_N] = {
	[K_MAXIMUM] = { "Maximum", false, 1, 0, false },
	[K_MINIMUM] = { "Minimum", false, 1, 0, false },
	[K_CLAMP] = { "Clamp", false, 2, 2, false },
	[K_CLAMP_MIN] = { "ClampMin", false, 2, 0, false },
	[K_CLAMP_MAX] = { "ClampMax", false, 0, 2, false },
	[K_IP_CLAMP_MAX] = { "InplaceClampMax", true, 0, 2, false },
	[K_CLAMP_T] = { "ClampTensor", false, 1, 1, false },
	[K_CLAMP_MIN_T] = { "ClampMinTensor", false, 1, 0, false },
	[K_IP_CLAMP_MIN_T] = { "InplaceClampMinTensor", true, 1, 0, false },
	[K_CLAMP_MAX_T] = { "ClampMaxTensor", false, 0, 1, false },
	[K_IP_CLAMP_MAX_T] = { "InplaceClampMaxTensor", true, 0, 1, false },
	[K_POW_TS] = { "PowTensorScalar", false, 2, 0, true },
	[K_IP_POW_TS] = { "InplacePowTensorScalar", true, 2, 0, true },
	[K_POW_ST] = { "PowScalarTensor", false, 2, 0, true }, /* x is the exponent, a1 the base */
	[K_POW_TT] = { "PowTensorTensor", false, 1, 0, true },
	[K_IP_POW_TT] = { "InplacePowTensorTensor", true, 1, 0, true },
};

/* The first phase: x the self tensor, t1/t2 the tensor arguments, s1/s2
 * the scalar ones (in the order of kd[k].a1, a2). */
static aclnnStatus plan(enum kind k, const aclTensor *x, const aclTensor *t1, const aclTensor *t2,
                        const aclScalar *s1, const aclScalar *s2, aclTensor *o)
{
	aclTensor *xm = (aclTensor *)(uintptr_t)x;
	switch (k) {
	case K_MAXIMUM: return NH_PLAN(Maximum, x, t1, o);
	case K_MINIMUM: return NH_PLAN(Minimum, x, t1, o);
	case K_CLAMP: return NH_PLAN(Clamp, x, s1, s2, o);
	case K_CLAMP_MIN: return NH_PLAN(ClampMin, x, s1, o);
	case K_CLAMP_MAX: return NH_PLAN(ClampMax, x, s2, o);
	case K_IP_CLAMP_MAX: return NH_PLAN(InplaceClampMax, x, s2);
	case K_CLAMP_T: return NH_PLAN(ClampTensor, x, t1, t2, o);
	case K_CLAMP_MIN_T: return NH_PLAN(ClampMinTensor, x, t1, o);
	case K_IP_CLAMP_MIN_T: return NH_PLAN(InplaceClampMinTensor, xm, t1);
	case K_CLAMP_MAX_T: return NH_PLAN(ClampMaxTensor, x, t2, o);
	case K_IP_CLAMP_MAX_T: return NH_PLAN(InplaceClampMaxTensor, xm, t2);
	case K_POW_TS: return NH_PLAN(PowTensorScalar, x, s1, o);
	case K_IP_POW_TS: return NH_PLAN(InplacePowTensorScalar, x, s1);
	case K_POW_ST: return NH_PLAN(PowScalarTensor, s1, x, o);
	case K_POW_TT: return NH_PLAN(PowTensorTensor, x, t1, o);
	case K_IP_POW_TT: return NH_PLAN(InplacePowTensorTensor, x, t1);
	default: fail_msg("kind %d", k); return 0;
	}
}

typedef aclnnStatus (*runfn)(void *, uint64_t, aclOpExecutor *, aclrtStream);

static runfn second(enum kind k)
{
	static const runfn r[K_N] = {
		[K_MAXIMUM] = aclnnMaximum,
		[K_MINIMUM] = aclnnMinimum,
		[K_CLAMP] = aclnnClamp,
		[K_CLAMP_MIN] = aclnnClampMin,
		[K_CLAMP_MAX] = aclnnClampMax,
		[K_IP_CLAMP_MAX] = aclnnInplaceClampMax,
		[K_CLAMP_T] = aclnnClampTensor,
		[K_CLAMP_MIN_T] = aclnnClampMinTensor,
		[K_IP_CLAMP_MIN_T] = aclnnInplaceClampMinTensor,
		[K_CLAMP_MAX_T] = aclnnClampMaxTensor,
		[K_IP_CLAMP_MAX_T] = aclnnInplaceClampMaxTensor,
		[K_POW_TS] = aclnnPowTensorScalar,
		[K_IP_POW_TS] = aclnnInplacePowTensorScalar,
		[K_POW_ST] = aclnnPowScalarTensor,
		[K_POW_TT] = aclnnPowTensorTensor,
		[K_IP_POW_TT] = aclnnInplacePowTensorTensor,
	};
	return r[k];
}

static int call(enum kind k, const aclTensor *x, const aclTensor *t1, const aclTensor *t2,
                const aclScalar *s1, const aclScalar *s2, aclTensor *o)
{
	aclnnStatus rc = plan(k, x, t1, t2, s1, s2, o);
	if (rc != ACLNN_SUCCESS) {
		assert_null(nh_ex);
		return (int)rc;
	}
	return nh_exec(second(k));
}

/* Exact integer power with wrapping, as the op library's (the test only
 * uses non-negative exponents for integers). */
static double ipow(double b, double e, int dt)
{
	uint64_t r = 1, x = (uint64_t)(int64_t)b;
	for (int64_t i = 0; i < (int64_t)e; i++)
		r *= x;
	return nh_round(dt, (double)(int64_t)r);
}

/* The reference for kind k on x with arguments p (lo, or the other
 * operand, or the exponent / the base for PowScalarTensor) and q (hi), all
 * already in the result dtype rdt; has_p/has_q: whether they are given. */
static double ref(enum kind k, double x, double p, bool has_p, double q, bool has_q, int rdt)
{
	bool fl = nh_is_float(rdt);
	double r;
	switch (k) {
	case K_MAXIMUM: r = x > p ? x : p; break;
	case K_MINIMUM: r = x < p ? x : p; break;
	case K_POW_TS:
	case K_IP_POW_TS:
	case K_POW_TT:
	case K_IP_POW_TT: r = fl ? (double)powf((float)x, (float)p) : ipow(x, p, rdt); break;
	case K_POW_ST: r = fl ? (double)powf((float)p, (float)x) : ipow(p, x, rdt); break;
	default: /* the clamps */
		r = x;
		if (has_p)
			r = r > p ? r : p;
		if (has_q)
			r = r < q ? r : q;
	}
	return nh_round(rdt, r);
}

/* An argument: a tensor (dt, rank r, dims d, layout l), a scalar (dt,
 * value sv) or NULL (none). */
struct arg {
	int use; /* 0 none/NULL, 1 tensor, 2 scalar */
	int dt;
	uint32_t r;
	int64_t d[4];
	nh_layout_t l;
	double sv;
};

struct bcase {
	enum kind k;
	struct arg x, p, q;
	int odt, rdt;
	uint32_t ro;
	int64_t od[4];
	nh_layout_t lo;
};

/* Index into a tensor of dims d (rank r) broadcast to the output. */
static int64_t bidx(int64_t i, uint32_t ro, const int64_t *dout, uint32_t r, const int64_t *d)
{
	int64_t idx[8], j = 0;
	for (int k = (int)ro - 1; k >= 0; k--) {
		idx[k] = i % dout[k];
		i /= dout[k];
	}
	for (uint32_t k = 0; k < r; k++)
		j = j * d[k] + (d[k] == 1 ? 0 : idx[k + ro - r]);
	return j;
}

/* Values for role `role` (0 x, 1 p, 2 q) of kind k. */
static void values(enum kind k, int role, double *v, int64_t n, int dt)
{
	bool in = !nh_is_float(dt);
	if (kd[k].pow) {
		bool base = (role == 0) != (k == K_POW_ST);
		if (base)
			nh_fill(v, n, in ? -3 : 0.5, in ? 4 : 3, in);
		else
			nh_fill(v, n, in ? 0 : -2, in ? 5 : 2, in);
	} else if (role == 0) {
		nh_fill(v, n, -6, 6, in);
	} else {
		nh_fill(v, n, role == 1 ? -4 : 0, role == 1 ? 1 : 4, in);
	}
	for (int64_t i = 0; i < n; i++)
		v[i] = nh_round(dt, v[i]);
}

static int run_case(const struct bcase *c, bool check)
{
	const struct arg *a[3] = { &c->x, &c->p, &c->q };
	nh_t t[3] = { { 0 } }, o = { 0 };
	aclScalar *s[3] = { NULL };
	double *v[3] = { NULL };
	for (int i = 0; i < 3; i++) {
		int64_t n = a[i]->use == 1 ? nh_numel(a[i]->r, a[i]->d) : 1;
		v[i] = malloc(sizeof(double) * (size_t)(n + 1));
		if (a[i]->use == 1) {
			values(c->k, i, v[i], n, a[i]->dt);
			nh_make(&t[i], a[i]->dt, a[i]->r, a[i]->d, v[i], a[i]->l);
		} else if (a[i]->use == 2) {
			v[i][0] = a[i]->sv;
			s[i] = nh_scalar(a[i]->dt, a[i]->sv);
		}
	}
	bool ip = kd[c->k].ip;
	if (!ip)
		nh_make(&o, c->odt, c->ro, c->od, NULL, c->lo);
	/* the scalar arguments: s1 is p's, s2 q's */
	int rc = call(c->k, t[0].t, t[1].t, t[2].t, s[1], s[2], o.t);
	if (check) {
		if (rc != ACLNN_SUCCESS)
			fail_msg("%s: status %d (%s)", kd[c->k].name, rc, aclGetRecentErrMsg());
		const nh_t *res = ip ? &t[0] : &o;
		int64_t no = nh_numel(c->ro, c->od);
		double *got = malloc(sizeof(double) * (size_t)(no + 1));
		double *want = malloc(sizeof(double) * (size_t)(no + 1));
		nh_read(res, got);
		int odt = ip ? c->x.dt : c->odt;
		for (int64_t i = 0; i < no; i++) {
			double xv = v[0][bidx(i, c->ro, c->od, c->x.r, c->x.d)];
			double pv = c->p.use == 1 ? v[1][bidx(i, c->ro, c->od, c->p.r, c->p.d)]
			                          : v[1][0];
			double qv = c->q.use == 1 ? v[2][bidx(i, c->ro, c->od, c->q.r, c->q.d)]
			                          : v[2][0];
			want[i] = nh_round(odt, ref(c->k, nh_round(c->rdt, xv),
			                            nh_round(c->rdt, pv), c->p.use != 0,
			                            nh_round(c->rdt, qv), c->q.use != 0, c->rdt));
		}
		nh_expect_close(got, want, no, nh_is_float(c->rdt) ? c->rdt : odt);
		nh_expect_holes_intact(res);
		free(got);
		free(want);
	}
	for (int i = 0; i < 3; i++) {
		nh_free(&t[i]);
		aclDestroyScalar(s[i]);
		free(v[i]);
	}
	nh_free(&o);
	return rc;
}

#define D(...)              \
	{                   \
		__VA_ARGS__ \
	}
#define T(dt, r, d, l)            \
	{                         \
		1, dt, r, d, l, 0 \
	}
#define S(dt, v)                            \
	{                                   \
		2, dt, 0, D(0), NH_DENSE, v \
	}
#define NONE                               \
	{                                  \
		0, 0, 0, D(0), NH_DENSE, 0 \
	}

/* The case of kind k with x of dtype dt (shape [3,5], layout l) and the
 * other arguments of the same dtype and shape (scalars of dtype sdt). */
static struct bcase plain(enum kind k, int dt, int sdt, nh_layout_t l)
{
	struct bcase c = { k, T(dt, 2, D(3, 5), l), NONE, NONE, dt, dt, 2, D(3, 5), l };
	struct arg *p[2] = { &c.p, &c.q };
	int use[2] = { kd[k].a1, kd[k].a2 };
	double sv[2] = { kd[k].pow ? 2 : -1.5, kd[k].pow ? 2 : 2.5 };
	if (k == K_POW_ST)
		sv[0] = 1.5;
	for (int i = 0; i < 2; i++) {
		if (use[i] == 1) {
			struct arg t = T(dt, 2, D(3, 5), l);
			*p[i] = t;
		} else if (use[i] == 2) {
			struct arg s = S(sdt, nh_is_float(sdt) ? sv[i] : floor(sv[i]));
			*p[i] = s;
		}
	}
	return c;
}

static void test_layouts_and_dtypes(void **state)
{
	(void)state;
	nh_init(2);
	for (int k = 0; k < K_N; k++) {
		struct bcase c = plain(k, ACL_FLOAT, ACL_FLOAT, NH_DENSE);
		run_case(&c, true);
		c = plain(k, ACL_FLOAT, ACL_FLOAT, NH_STRIDED);
		run_case(&c, true);
		c = plain(k, ACL_FLOAT16, ACL_FLOAT, NH_DENSE);
		run_case(&c, true);
		c = plain(k, ACL_BF16, ACL_FLOAT, NH_STRIDED);
		run_case(&c, true);
		c = plain(k, ACL_INT32, ACL_INT64, NH_STRIDED);
		run_case(&c, true);
	}
	nh_fini();
}

static void test_broadcast(void **state)
{
	(void)state;
	nh_init(2);
	/* tensor arguments [5,1] and [3] against x [4,1,3] -> [4,5,3] (in
	 * place: x is [4,5,3] already) */
	for (int k = 0; k < K_N; k++) {
		if (kd[k].a1 != 1 && kd[k].a2 != 1)
			continue;
		bool ip = kd[k].ip;
		struct bcase c = { k,         T(ACL_FLOAT, 3, D(4, ip ? 5 : 1, 3), NH_STRIDED),
			           NONE,      NONE,
			           ACL_FLOAT, ACL_FLOAT,
			           3,         D(4, 5, 3),
			           NH_STRIDED };
		struct arg p = T(ACL_FLOAT, 2, D(5, 1), NH_DENSE),
		           q = T(ACL_FLOAT, 1, D(3), NH_STRIDED);
		if (kd[k].a1 == 1)
			c.p = p;
		if (kd[k].a2 == 1)
			c.q = kd[k].a1 == 1 ? q : p;
		run_case(&c, true);
	}
	/* PowScalarTensor: the out has the exponent's shape */
	struct bcase st = { K_POW_ST,
		            T(ACL_FLOAT, 3, D(2, 3, 4), NH_STRIDED),
		            S(ACL_FLOAT, 2.5),
		            NONE,
		            ACL_FLOAT,
		            ACL_FLOAT,
		            3,
		            D(2, 3, 4),
		            NH_DENSE };
	run_case(&st, true);
	/* an in-place call whose broadcast result is larger than selfRef */
	struct bcase bad = { K_IP_POW_TT,
		             T(ACL_FLOAT, 1, D(3), NH_DENSE),
		             T(ACL_FLOAT, 2, D(2, 3), NH_DENSE),
		             NONE,
		             ACL_FLOAT,
		             ACL_FLOAT,
		             1,
		             D(3),
		             NH_DENSE };
	assert_int_equal(run_case(&bad, false), ACLNN_ERR_PARAM_INVALID);
	nh_fini();
}

static void test_promotion(void **state)
{
	(void)state;
	nh_init(2);
	/* int32 with float16 -> float16 */
	struct bcase m = { K_MAXIMUM,
		           T(ACL_INT32, 1, D(7), NH_DENSE),
		           T(ACL_FLOAT16, 1, D(7), NH_STRIDED),
		           NONE,
		           ACL_FLOAT16,
		           ACL_FLOAT16,
		           1,
		           D(7),
		           NH_DENSE };
	run_case(&m, true);
	/* int8 with uint8 -> int16, into an int32 out */
	struct bcase n = { K_MINIMUM,
		           T(ACL_INT8, 1, D(7), NH_DENSE),
		           T(ACL_UINT8, 1, D(7), NH_DENSE),
		           NONE,
		           ACL_INT32,
		           ACL_INT16,
		           1,
		           D(7),
		           NH_DENSE };
	run_case(&n, true);
	/* bool maximum is logical or */
	struct bcase bo = { K_MAXIMUM,
		            T(ACL_BOOL, 1, D(9), NH_DENSE),
		            T(ACL_BOOL, 1, D(9), NH_STRIDED),
		            NONE,
		            ACL_BOOL,
		            ACL_BOOL,
		            1,
		            D(9),
		            NH_DENSE };
	run_case(&bo, true);
	/* an int32 tensor clamped by float scalars -> float32 */
	struct bcase cf = { K_CLAMP,
		            T(ACL_INT32, 1, D(8), NH_STRIDED),
		            S(ACL_FLOAT, -1.5),
		            S(ACL_DOUBLE, 2.5),
		            ACL_FLOAT,
		            ACL_FLOAT,
		            1,
		            D(8),
		            NH_DENSE };
	run_case(&cf, true);
	/* Clamp with only a max, and lo > hi (gives hi) */
	struct bcase ch = { K_CLAMP,   T(ACL_FLOAT, 1, D(8), NH_DENSE),
		            NONE,      S(ACL_FLOAT, 0.5),
		            ACL_FLOAT, ACL_FLOAT,
		            1,         D(8),
		            NH_DENSE };
	run_case(&ch, true);
	struct bcase cl = { K_CLAMP,
		            T(ACL_FLOAT, 1, D(8), NH_DENSE),
		            S(ACL_FLOAT, 0.5),
		            NONE,
		            ACL_FLOAT,
		            ACL_FLOAT,
		            1,
		            D(8),
		            NH_DENSE };
	run_case(&cl, true);
	struct bcase inv = { K_CLAMP,
		             T(ACL_FLOAT, 1, D(8), NH_DENSE),
		             S(ACL_FLOAT, 2),
		             S(ACL_FLOAT, 1),
		             ACL_FLOAT,
		             ACL_FLOAT,
		             1,
		             D(8),
		             NH_DENSE };
	run_case(&inv, true);
	/* double: clamp computes it (ClipByValue), also with one bound */
	struct bcase cd = { K_CLAMP_MIN,
		            T(ACL_DOUBLE, 1, D(8), NH_STRIDED),
		            S(ACL_FLOAT, -0.25),
		            NONE,
		            ACL_DOUBLE,
		            ACL_DOUBLE,
		            1,
		            D(8),
		            NH_DENSE };
	run_case(&cd, true);
	struct bcase cd2 = { K_CLAMP,
		             T(ACL_DOUBLE, 1, D(8), NH_DENSE),
		             S(ACL_INT32, -1),
		             S(ACL_INT32, 2),
		             ACL_DOUBLE,
		             ACL_DOUBLE,
		             1,
		             D(8),
		             NH_DENSE };
	run_case(&cd2, true);
	/* ClampTensor: int16 x with a float32 0-d lower bound -> float32; upper NULL */
	struct bcase ct = { K_CLAMP_T,
		            T(ACL_INT16, 2, D(2, 4), NH_DENSE),
		            T(ACL_FLOAT, 0, D(1), NH_DENSE),
		            NONE,
		            ACL_FLOAT,
		            ACL_FLOAT,
		            2,
		            D(2, 4),
		            NH_DENSE };
	run_case(&ct, true);
	/* ClampTensor: int8 x with int32 bounds -> int32 */
	struct bcase ci = { K_CLAMP_T,
		            T(ACL_INT8, 1, D(6), NH_DENSE),
		            T(ACL_INT32, 1, D(6), NH_DENSE),
		            T(ACL_INT32, 1, D(1), NH_DENSE),
		            ACL_INT32,
		            ACL_INT32,
		            1,
		            D(6),
		            NH_DENSE };
	run_case(&ci, true);
	/* pow: int32 tensor ^ float scalar -> float32; int ^ int scalar stays int */
	struct bcase p1 = { K_POW_TS,
		            T(ACL_INT32, 1, D(6), NH_DENSE),
		            S(ACL_FLOAT, 0.5),
		            NONE,
		            ACL_FLOAT,
		            ACL_FLOAT,
		            1,
		            D(6),
		            NH_DENSE };
	run_case(&p1, true);
	struct bcase p2 = { K_POW_TS,
		            T(ACL_INT16, 1, D(6), NH_STRIDED),
		            S(ACL_INT64, 3),
		            NONE,
		            ACL_INT16,
		            ACL_INT16,
		            1,
		            D(6),
		            NH_DENSE };
	run_case(&p2, true);
	/* float16 ^ float scalar stays float16 */
	struct bcase p3 = { K_POW_TS,
		            T(ACL_FLOAT16, 1, D(6), NH_DENSE),
		            S(ACL_DOUBLE, 1.5),
		            NONE,
		            ACL_FLOAT16,
		            ACL_FLOAT16,
		            1,
		            D(6),
		            NH_DENSE };
	run_case(&p3, true);
	/* float scalar ^ int tensor -> float32; int scalar ^ uint8 tensor -> uint8 */
	struct bcase p4 = { K_POW_ST,
		            T(ACL_INT32, 1, D(6), NH_DENSE),
		            S(ACL_FLOAT, 1.5),
		            NONE,
		            ACL_FLOAT,
		            ACL_FLOAT,
		            1,
		            D(6),
		            NH_DENSE };
	run_case(&p4, true);
	struct bcase p5 = { K_POW_ST,
		            T(ACL_UINT8, 1, D(6), NH_DENSE),
		            S(ACL_INT64, 3),
		            NONE,
		            ACL_UINT8,
		            ACL_UINT8,
		            1,
		            D(6),
		            NH_DENSE };
	run_case(&p5, true);
	/* int32 ^ float16 tensors -> float16; uint16 ^ uint16 through int64 */
	struct bcase p6 = { K_POW_TT,
		            T(ACL_INT32, 1, D(6), NH_DENSE),
		            T(ACL_FLOAT16, 1, D(6), NH_DENSE),
		            NONE,
		            ACL_FLOAT16,
		            ACL_FLOAT16,
		            1,
		            D(6),
		            NH_DENSE };
	run_case(&p6, true);
	struct bcase p7 = { K_POW_TT,
		            T(ACL_UINT16, 1, D(6), NH_DENSE),
		            T(ACL_UINT16, 1, D(6), NH_STRIDED),
		            NONE,
		            ACL_UINT16,
		            ACL_UINT16,
		            1,
		            D(6),
		            NH_DENSE };
	run_case(&p7, true);
	nh_fini();
}

static void test_bad_inputs(void **state)
{
	(void)state;
	nh_init(2);
	double v[15] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
	nh_t a, sa, o, wrong, row4, dbl, u64, i32;
	nh_make(&a, ACL_FLOAT, 2, NH_DIMS(3, 5), v, NH_DENSE);
	nh_make(&sa, ACL_FLOAT, 2, NH_DIMS(3, 5), v, NH_STRIDED);
	nh_make(&o, ACL_FLOAT, 2, NH_DIMS(3, 5), NULL, NH_DENSE);
	nh_make(&wrong, ACL_FLOAT, 2, NH_DIMS(3, 4), NULL, NH_DENSE);
	nh_make(&row4, ACL_FLOAT, 1, NH_DIMS(4), v, NH_DENSE);
	nh_make(&dbl, ACL_DOUBLE, 2, NH_DIMS(3, 5), v, NH_DENSE);
	nh_make(&u64, ACL_UINT64, 2, NH_DIMS(3, 5), v, NH_DENSE);
	nh_make(&i32, ACL_INT32, 2, NH_DIMS(3, 5), v, NH_DENSE);
	aclScalar *one = nh_scalar(ACL_FLOAT, 1), *neg = nh_scalar(ACL_INT64, -2);
	for (int k = 0; k < K_N; k++) {
		const aclTensor *t1 = kd[k].a1 == 1 ? a.t : NULL, *t2 = kd[k].a2 == 1 ? a.t : NULL;
		const aclScalar *s1 = kd[k].a1 == 2 ? one : NULL, *s2 = kd[k].a2 == 2 ? one : NULL;
		/* NULL self */
		if (k == K_POW_ST)
			assert_int_equal(call(k, a.t, NULL, NULL, NULL, NULL, o.t),
			                 ACLNN_ERR_PARAM_NULLPTR);
		assert_int_equal(call(k, NULL, t1, t2, s1, s2, o.t), ACLNN_ERR_PARAM_NULLPTR);
		nh_expect_msg("is NULL");
		/* a required bound / operand NULL, or both bounds of Clamp(Tensor) */
		assert_int_equal(call(k, a.t, NULL, NULL, NULL, NULL, o.t),
		                 ACLNN_ERR_PARAM_NULLPTR);
		nh_expect_msg("NULL");
		if (!kd[k].ip) {
			/* NULL out, an out of another shape */
			assert_int_equal(call(k, a.t, t1, t2, s1, s2, NULL),
			                 ACLNN_ERR_PARAM_NULLPTR);
			nh_expect_msg("out is NULL");
			assert_int_equal(call(k, a.t, t1, t2, s1, s2, wrong.t),
			                 ACLNN_ERR_PARAM_INVALID);
			nh_expect_msg("shape");
		}
		/* tensor operands that do not broadcast */
		if (t1 || t2) {
			assert_int_equal(
			        call(k, a.t, t1 ? row4.t : NULL, t2 ? row4.t : NULL, s1, s2, o.t),
			        ACLNN_ERR_PARAM_INVALID);
			nh_expect_msg("broadcast");
		}
		/* unsupported dtypes: uint64 everywhere; double except the scalar clamps */
		assert_int_equal(call(k, u64.t, t1 ? u64.t : NULL, t2 ? u64.t : NULL,
		                      s1 ? neg : NULL, s2 ? neg : NULL, u64.t),
		                 ACLNN_ERR_PARAM_INVALID);
		nh_expect_msg("uint64");
		bool dbl_ok = k >= K_CLAMP && k <= K_IP_CLAMP_MAX;
		assert_int_equal(
		        call(k, dbl.t, t1 ? dbl.t : NULL, t2 ? dbl.t : NULL, s1, s2, dbl.t),
		        dbl_ok ? ACLNN_SUCCESS : ACLNN_ERR_PARAM_INVALID);
		/* workspace too small: a strided input needs a gather buffer */
		assert_int_equal(plan(k, sa.t, t1 ? sa.t : NULL, t2 ? sa.t : NULL, s1, s2, o.t),
		                 ACLNN_SUCCESS);
		assert_true(nh_ws_size > 0);
		nh_expect_ws_too_small(second(k));
		nh_expect_msg("smaller than");
	}
	/* an integer to a negative integer scalar power */
	assert_int_equal(call(K_POW_TS, i32.t, NULL, NULL, neg, NULL, i32.t),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("negative");
	/* a float result into an int out */
	assert_int_equal(call(K_POW_TS, i32.t, NULL, NULL, one, NULL, i32.t),
	                 ACLNN_ERR_PARAM_INVALID);
	nh_expect_msg("cannot be cast");
	nh_free(&a);
	nh_free(&sa);
	nh_free(&o);
	nh_free(&wrong);
	nh_free(&row4);
	nh_free(&dbl);
	nh_free(&u64);
	nh_free(&i32);
	aclDestroyScalar(one);
	aclDestroyScalar(neg);
	nh_fini();
}

/* Every function on large strided tensors (several blocks), for this
 * worker count: the bytes of all results. */
static void big_all(void *ctx, unsigned char *out, size_t *len)
{
	(void)ctx;
	enum { R = 200, C = 257 };
	size_t off = 0;
	for (int k = 0; k < K_N; k++) {
		nh_rng = 7 + (uint64_t)k;
		struct bcase c = plain(k, ACL_FLOAT, ACL_FLOAT, NH_STRIDED);
		c.x.d[0] = c.od[0] = R;
		c.x.d[1] = c.od[1] = C;
		if (c.p.use == 1) {
			c.p.r = 1;
			c.p.d[0] = C;
		}
		if (c.q.use == 1) {
			c.q.d[0] = R;
			c.q.d[1] = C;
		}
		c.lo = NH_DENSE;
		/* run it, keep the bytes: run_case frees its tensors, so redo
		 * the call here with the output kept */
		nh_t x, p = { 0 }, q = { 0 }, o = { 0 };
		double *v = malloc(sizeof(double) * R * C);
		values(k, 0, v, R * C, ACL_FLOAT);
		nh_make(&x, ACL_FLOAT, 2, c.x.d, v, NH_STRIDED);
		if (c.p.use == 1) {
			values(k, 1, v, C, ACL_FLOAT);
			nh_make(&p, ACL_FLOAT, 1, c.p.d, v, NH_DENSE);
		}
		if (c.q.use == 1) {
			values(k, 2, v, R * C, ACL_FLOAT);
			nh_make(&q, ACL_FLOAT, 2, c.q.d, v, NH_STRIDED);
		}
		aclScalar *s1 = c.p.use == 2 ? nh_scalar(ACL_FLOAT, c.p.sv) : NULL;
		aclScalar *s2 = c.q.use == 2 ? nh_scalar(ACL_FLOAT, c.q.sv) : NULL;
		if (!kd[k].ip)
			nh_make(&o, ACL_FLOAT, 2, c.od, NULL, NH_DENSE);
		assert_int_equal(call(k, x.t, p.t, q.t, s1, s2, o.t), ACLNN_SUCCESS);
		nh_read_bytes(kd[k].ip ? &x : &o, out + off);
		off += (size_t)R * C * 4;
		nh_free(&x);
		nh_free(&p);
		nh_free(&q);
		nh_free(&o);
		aclDestroyScalar(s1);
		aclDestroyScalar(s2);
		free(v);
	}
	*len = off;
}

static void test_workers_identical(void **state)
{
	(void)state;
	nh_for_workers(big_all, NULL, (size_t)K_N * 200 * 257 * 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layouts_and_dtypes), cmocka_unit_test(test_broadcast),
		cmocka_unit_test(test_promotion),          cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_workers_identical),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
