/*
 * graph/ops/random.c - counter-based random numbers (Philox4x32-10): the
 * built-in task weir_random_kernel (weir/graph.h) and the graph ops
 * RandomUniform, RandomNormal, TruncatedNormal and DropoutGenMask.
 *
 * Value i is a function of (seed, counter, i) only: Philox block g = counter
 * + g (128-bit add) gives four 32-bit words, and
 *  - 32-bit uniforms (float types, INT32, UINT32) and dropout bits: value i
 *    uses word i % 4 of block i / 4;
 *  - 64-bit uniforms (INT64, UINT64): value i uses words 2(i%2), 2(i%2)+1 of
 *    block i / 2 (low word first);
 *  - normals: value i is one half of the Box-Muller pair made from words
 *    (i%4 & ~1, i%4 | 1) of block i / 4; a truncated normal redraws from
 *    block i / 4 with word 3 of the counter plus the attempt number until
 *    |z| <= 2 (after 64 attempts, z is clamped to +-2).
 * Blocks of a call split the values (dropout: the output bytes) into
 * contiguous shares, so results are bit-identical for any block count.
 *
 * Conversions: a float uniform is min + u * (max - min) with u = (w >> 8) *
 * 2^-24 in [0, 1), computed in float32 and rounded to the output type (so
 * a float16/bfloat16 value may round up to max); an integer uniform is
 * min + floor(w * (max - min) / 2^bits), in [min, max) (min == max gives
 * min); normals are computed in double and rounded to the output type.
 */
#include <math.h>
#include <string.h>

#include "graph/ops/ops_internal.h"

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

void weir_philox4x32_10(const uint32_t counter[4], const uint32_t key[2], uint32_t out[4])
{
	uint32_t c0 = counter[0], c1 = counter[1], c2 = counter[2], c3 = counter[3];
	uint32_t k0 = key[0], k1 = key[1];
	for (int r = 0; r < 10; r++) {
		uint64_t p0 = (uint64_t)PHILOX_M0 * c0, p1 = (uint64_t)PHILOX_M1 * c2;
		uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0, n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
		c0 = n0;
		c1 = (uint32_t)p1;
		c2 = n2;
		c3 = (uint32_t)p0;
		k0 += PHILOX_W0;
		k1 += PHILOX_W1;
	}
	out[0] = c0;
	out[1] = c1;
	out[2] = c2;
	out[3] = c3;
}

bool weir_random_supported(int dist, int dtype)
{
	bool fl = dtype == WEIR_DT_FLOAT || dtype == WEIR_DT_FLOAT16 || dtype == WEIR_DT_BF16;
	switch (dist) {
	case WEIR_RANDOM_DROPOUT_MASK:
	case WEIR_RANDOM_NORMAL:
	case WEIR_RANDOM_TRUNCATED_NORMAL: return fl;
	case WEIR_RANDOM_UNIFORM:
		return fl || dtype == WEIR_DT_INT32 || dtype == WEIR_DT_INT64 ||
		       dtype == WEIR_DT_UINT32 || dtype == WEIR_DT_UINT64;
	default: return false;
	}
}

uint64_t weir_random_out_bytes(int dist, int dtype, uint64_t count)
{
	if (!weir_random_supported(dist, dtype))
		return 0;
	if (dist == WEIR_RANDOM_DROPOUT_MASK)
		return count / 8 + (count % 8 != 0);
	uint64_t sz = weir_dtype_size(dtype);
	return count > UINT64_MAX / sz ? UINT64_MAX : count * sz;
}

/* Philox block g: out = philox(counter + g, seed), with word 3 + bump. */
static void rnd_block(const uint32_t base[4], uint64_t seed, uint64_t g, uint32_t bump,
                      uint32_t out[4])
{
	uint32_t c[4], key[2] = { (uint32_t)seed, (uint32_t)(seed >> 32) };
	uint64_t lo = ((uint64_t)base[1] << 32 | base[0]) + g;
	uint64_t carry = lo < g;
	uint64_t hi = ((uint64_t)base[3] << 32 | base[2]) + carry;
	c[0] = (uint32_t)lo;
	c[1] = (uint32_t)(lo >> 32);
	c[2] = (uint32_t)hi;
	c[3] = (uint32_t)(hi >> 32) + bump;
	weir_philox4x32_10(c, key, out);
}

/* The resolved arguments of one call. */
typedef struct rnd_call {
	uint32_t ctr[4];
	uint64_t seed, count;
	uint64_t p[2]; /* raw param bits */
	int dtype, dist;
} rnd_call_t;

static uint64_t rnd_raw(const weir_random_args_t *a, int k)
{
	uint64_t v = 0;
	uint8_t sz = a->size[k];
	if (sz == 0 || sz > 8)
		sz = 8;
	if (a->addr_mask & (1u << k)) {
		const void *p = (const void *)(uintptr_t)a->val[k];
		unsigned char b[8] = { 0 };
		if (p)
			memcpy(b, p, sz);
		for (int i = sz - 1; i >= 0; i--)
			v = v << 8 | b[i];
	} else {
		v = a->val[k];
		if (sz < 8)
			v &= (UINT64_C(1) << (8 * sz)) - 1;
	}
	return v;
}

/* A param as double (float dtypes) from its raw bits. */
static double rnd_pf(int dt, uint64_t raw)
{
	switch (dt) {
	case WEIR_DT_FLOAT16: return weir_f16_to_f32((uint16_t)raw);
	case WEIR_DT_BF16: return weir_bf16_to_f32((uint16_t)raw);
	default: return weir_f32_from_bits((uint32_t)raw);
	}
}

static int rnd_resolve(const weir_random_args_t *a, rnd_call_t *c)
{
	if (!weir_random_supported(a->dist, a->dtype) || !a->out)
		return WEIR_EINVAL;
	c->dtype = a->dtype;
	c->dist = a->dist;
	if (!a->counter_addr)
		return WEIR_EINVAL;
	unsigned char b[16];
	memcpy(b, a->counter_addr, 16);
	for (int w = 0; w < 4; w++)
		c->ctr[w] = (uint32_t)b[4 * w] | (uint32_t)b[4 * w + 1] << 8 |
		            (uint32_t)b[4 * w + 2] << 16 | (uint32_t)b[4 * w + 3] << 24;
	c->seed = rnd_raw(a, WEIR_RANDOM_SEED);
	c->count = rnd_raw(a, WEIR_RANDOM_COUNT);
	c->p[0] = rnd_raw(a, WEIR_RANDOM_P0);
	c->p[1] = rnd_raw(a, WEIR_RANDOM_P1);
	if (c->count > (uint64_t)INT64_MAX / 8 || (a->max_count && c->count > a->max_count))
		return WEIR_EINVAL;
	/* Checks of the params (they may come from device memory). */
	switch (c->dist) {
	case WEIR_RANDOM_DROPOUT_MASK: {
		double r = rnd_pf(c->dtype, c->p[0]);
		if (!(r >= 0.0 && r <= 1.0))
			return WEIR_EINVAL;
		break;
	}
	case WEIR_RANDOM_NORMAL:
	case WEIR_RANDOM_TRUNCATED_NORMAL: {
		double m = rnd_pf(c->dtype, c->p[0]), s = rnd_pf(c->dtype, c->p[1]);
		if (!isfinite(m) || !isfinite(s) || s < 0.0)
			return WEIR_EINVAL;
		break;
	}
	default:
		if (weir__ops_is_float(c->dtype)) {
			double lo = rnd_pf(c->dtype, c->p[0]), hi = rnd_pf(c->dtype, c->p[1]);
			if (!isfinite(lo) || !isfinite(hi) || lo > hi)
				return WEIR_EINVAL;
		} else if (c->dtype == WEIR_DT_INT32) {
			if ((int32_t)(uint32_t)c->p[0] > (int32_t)(uint32_t)c->p[1])
				return WEIR_EINVAL;
		} else if (c->dtype == WEIR_DT_UINT32) {
			if ((uint32_t)c->p[0] > (uint32_t)c->p[1])
				return WEIR_EINVAL;
		} else if (c->dtype == WEIR_DT_INT64) {
			if ((int64_t)c->p[0] > (int64_t)c->p[1])
				return WEIR_EINVAL;
		} else if (c->p[0] > c->p[1]) {
			return WEIR_EINVAL;
		}
		break;
	}
	return WEIR_OK;
}

/* Standard normal for value i (truncated: |z| <= 2). */
static double rnd_normal(const rnd_call_t *c, uint64_t i, bool truncated)
{
	uint32_t w[4];
	unsigned lane = (unsigned)(i % 4), a = lane & ~1u;
	for (uint32_t attempt = 0;; attempt++) {
		rnd_block(c->ctr, c->seed, i / 4, attempt, w);
		double u1 = ((double)w[a] + 1.0) * 0x1p-32; /* (0, 1] */
		double u2 = (double)w[a + 1] * 0x1p-32;     /* [0, 1) */
		double r = sqrt(-2.0 * log(u1)), t = 6.283185307179586476925 * u2;
		double z = (lane & 1u) ? r * sin(t) : r * cos(t);
		if (!truncated || fabs(z) <= 2.0)
			return z;
		if (attempt == 63)
			return z > 0 ? 2.0 : -2.0;
	}
}

static void rnd_store_float(int dt, void *out, int64_t i, float v)
{
	weir__ops_stf(dt, out, i, v);
}

/* Values [lo, hi). */
static void rnd_values(const rnd_call_t *c, void *out, int64_t lo, int64_t hi)
{
	uint32_t w[4];
	int dt = c->dtype;
	if (c->dist == WEIR_RANDOM_NORMAL || c->dist == WEIR_RANDOM_TRUNCATED_NORMAL) {
		double m = rnd_pf(dt, c->p[0]), s = rnd_pf(dt, c->p[1]);
		bool tr = c->dist == WEIR_RANDOM_TRUNCATED_NORMAL;
		for (int64_t i = lo; i < hi; i++)
			rnd_store_float(dt, out, i,
			                (float)(m + s * rnd_normal(c, (uint64_t)i, tr)));
		return;
	}
	if (weir__ops_is_float(dt)) {
		float mn = (float)rnd_pf(dt, c->p[0]), mx = (float)rnd_pf(dt, c->p[1]);
		for (int64_t i = lo; i < hi; i++) {
#ifdef WEIR_BUSTED_PHILOX_BLOCK_LOCAL
			/* planted: Philox blocks counted from the share's start */
			rnd_block(c->ctr, c->seed, (uint64_t)lo / 4 + (uint64_t)(i - lo) / 4, 0, w);
#else
			rnd_block(c->ctr, c->seed, (uint64_t)i / 4, 0, w);
#endif
			float u = (float)(w[i % 4] >> 8) * 0x1p-24f;
			rnd_store_float(dt, out, i, mn + u * (mx - mn));
		}
		return;
	}
	if (dt == WEIR_DT_INT32 || dt == WEIR_DT_UINT32) {
		uint32_t mn = (uint32_t)c->p[0], range = (uint32_t)c->p[1] - mn;
		for (int64_t i = lo; i < hi; i++) {
			rnd_block(c->ctr, c->seed, (uint64_t)i / 4, 0, w);
			uint32_t off = (uint32_t)(((uint64_t)w[i % 4] * range) >> 32);
			((uint32_t *)out)[i] = mn + off;
		}
		return;
	}
	uint64_t mn = c->p[0], range = c->p[1] - mn;
	for (int64_t i = lo; i < hi; i++) {
		rnd_block(c->ctr, c->seed, (uint64_t)i / 2, 0, w);
		unsigned k = 2u * (unsigned)(i % 2);
		uint64_t r = (uint64_t)w[k + 1] << 32 | w[k];
		uint64_t off = (uint64_t)(((unsigned __int128)r * range) >> 64);
		((uint64_t *)out)[i] = mn + off;
	}
}

/* Dropout mask bytes [lo, hi). */
static void rnd_mask(const rnd_call_t *c, uint8_t *out, int64_t lo, int64_t hi)
{
	double ratio = rnd_pf(c->dtype, c->p[0]);
	uint32_t w[4];
	for (int64_t b = lo; b < hi; b++) {
		uint8_t byte = 0;
		for (unsigned bit = 0; bit < 8; bit++) {
			uint64_t i = (uint64_t)b * 8 + bit;
			if (i >= c->count)
				break;
			rnd_block(c->ctr, c->seed, i / 4, 0, w);
			double u = (double)(w[i % 4] >> 8) * 0x1p-24;
			if (u >= ratio)
				byte |= (uint8_t)(1u << bit);
		}
		out[b] = byte;
	}
}

int weir_random_kernel(void *args, uint32_t block, uint32_t nblocks)
{
	rnd_call_t c;
	int64_t lo, hi;
	int rc = rnd_resolve(args, &c);
	if (rc != WEIR_OK)
		return rc;
	void *out = ((const weir_random_args_t *)args)->out;
	if (c.dist == WEIR_RANDOM_DROPOUT_MASK) {
		weir__ops_range((int64_t)(c.count / 8 + (c.count % 8 != 0)), block, nblocks, &lo,
		                &hi);
		rnd_mask(&c, out, lo, hi);
	} else {
		weir__ops_range((int64_t)c.count, block, nblocks, &lo, &hi);
		rnd_values(&c, out, lo, hi);
	}
	return WEIR_OK;
}

/* ------------------------------------------------------------------------ */
/* Graph ops                                                                  */
/* ------------------------------------------------------------------------ */

/*
 * Attrs: `dtype` (int, weir_dtype_t; DropoutGenMask: the dtype of `ratio`'s
 * computation, FLOAT by default), `shape` (ints, the output shape;
 * DropoutGenMask: the mask covers numel(shape) bits and the output is
 * uint8[ceil(numel / 8)]), `seed` (int), `offset` (ints, up to four uint32
 * counter words, low first; default 0), and the params: RandomUniform
 * `min`/`max` (float, or int for integer dtypes; default 0 and 1),
 * RandomNormal/TruncatedNormal `mean`/`stddev` (float; default 0 and 1),
 * DropoutGenMask `ratio` (float, the drop probability).
 */
static int rnd_parse(weir_op_infer_ctx_t *ctx, const weir_attrs_t *at, int dist,
                     weir_random_args_t *a, uint32_t ctr[4], weir_tensor_desc_t *out)
{
	int64_t dt = WEIR_DT_FLOAT, seed = 0;
	const int64_t *shape = NULL, *off = NULL;
	size_t rank = 0, noff = 0;
	int found, rc;
	memset(a, 0, sizeof *a);
	a->dist = (uint8_t)dist;
	if ((rc = weir__ops_attr_int(ctx, at, WEIR__OPS_NAMES("dtype"), &dt, &found)) != WEIR_OK)
		return rc;
	if (!weir_random_supported(dist, (int)dt))
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "attr 'dtype' = %lld not supported",
		                      (long long)dt);
	a->dtype = (int32_t)dt;
	if ((rc = weir__ops_attr_ints(ctx, at, WEIR__OPS_NAMES("shape"), &shape, &rank, &found)) !=
	    WEIR_OK)
		return rc;
	if (!found)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "missing attr 'shape'");
	if (rank > WEIR_MAX_RANK)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "attr 'shape' has rank %zu", rank);
	weir_tensor_desc_t d;
	if (weir_tensor_desc_init(&d, (int)dt, (uint32_t)rank, shape) != WEIR_OK)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "attr 'shape' is not a valid shape");
	int64_t n = weir_tensor_desc_numel(&d);
	if ((rc = weir__ops_attr_int(ctx, at, WEIR__OPS_NAMES("seed"), &seed, &found)) != WEIR_OK)
		return rc;
	if ((rc = weir__ops_attr_ints(ctx, at, WEIR__OPS_NAMES("offset"), &off, &noff, &found)) !=
	    WEIR_OK)
		return rc;
	if (noff > 4)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "attr 'offset' has %zu words (at most 4)",
		                      noff);
	uint32_t le[4] = { 0, 0, 0, 0 };
	for (size_t i = 0; i < noff; i++)
		le[i] = (uint32_t)off[i];
	for (int w = 0; w < 4; w++) /* little-endian bytes, as in device memory */
		for (int k = 0; k < 4; k++)
			((unsigned char *)ctr)[4 * w + k] = (unsigned char)(le[w] >> (8 * k));
	a->counter_addr = ctr;
	a->val[WEIR_RANDOM_SEED] = (uint64_t)seed;
	a->val[WEIR_RANDOM_COUNT] = (uint64_t)n;
	for (int k = 0; k < 4; k++)
		a->size[k] = 8;
	const char *n0 = dist == WEIR_RANDOM_UNIFORM        ? "min"
	                 : dist == WEIR_RANDOM_DROPOUT_MASK ? "ratio"
	                                                    : "mean";
	const char *n1 = dist == WEIR_RANDOM_UNIFORM ? "max" : "stddev";
	if (weir__ops_is_float((int)dt)) {
		float p0 = dist == WEIR_RANDOM_DROPOUT_MASK ? 0.5f : 0.0f, p1 = 1.0f;
		if ((rc = weir__ops_attr_float(ctx, at, (const char *const[]){ n0, NULL }, &p0,
		                               &found)) != WEIR_OK ||
		    (rc = weir__ops_attr_float(ctx, at, (const char *const[]){ n1, NULL }, &p1,
		                               &found)) != WEIR_OK)
			return rc;
		/* Params travel in the param dtype, as the runtime task's do. */
		a->val[WEIR_RANDOM_P0] = dt == WEIR_DT_FLOAT16 ? weir_f32_to_f16(p0)
		                         : dt == WEIR_DT_BF16  ? weir_f32_to_bf16(p0)
		                                               : weir_f32_bits(p0);
		a->val[WEIR_RANDOM_P1] = dt == WEIR_DT_FLOAT16 ? weir_f32_to_f16(p1)
		                         : dt == WEIR_DT_BF16  ? weir_f32_to_bf16(p1)
		                                               : weir_f32_bits(p1);
	} else {
		int64_t p0 = 0, p1 = 1;
		if ((rc = weir__ops_attr_int(ctx, at, (const char *const[]){ n0, NULL }, &p0,
		                             &found)) != WEIR_OK ||
		    (rc = weir__ops_attr_int(ctx, at, (const char *const[]){ n1, NULL }, &p1,
		                             &found)) != WEIR_OK)
			return rc;
		a->val[WEIR_RANDOM_P0] = (uint64_t)p0;
		a->val[WEIR_RANDOM_P1] = (uint64_t)p1;
	}
	rnd_call_t c;
	a->out = a; /* any non-NULL pointer: resolve only checks it is set */
	rc = rnd_resolve(a, &c);
	a->out = NULL;
	if (rc != WEIR_OK)
		return WEIR__OPS_FAIL(ctx, WEIR_EINVAL, "bad params '%s'/'%s'", n0, n1);
	if (out) {
		if (dist == WEIR_RANDOM_DROPOUT_MASK) {
			int64_t bytes = n / 8 + (n % 8 != 0);
			weir__ops_desc_set(out, WEIR_DT_UINT8, 1, &bytes);
		} else {
			*out = d;
		}
	}
	return WEIR_OK;
}

static int rnd_dist_of(const char *op)
{
	if (strcmp(op, "RandomUniform") == 0)
		return WEIR_RANDOM_UNIFORM;
	if (strcmp(op, "RandomNormal") == 0)
		return WEIR_RANDOM_NORMAL;
	if (strcmp(op, "TruncatedNormal") == 0)
		return WEIR_RANDOM_TRUNCATED_NORMAL;
	return WEIR_RANDOM_DROPOUT_MASK;
}

static int rnd_infer(weir_op_infer_ctx_t *ctx)
{
	weir_random_args_t a;
	uint32_t ctr[4];
	return rnd_parse(ctx, ctx->attrs, rnd_dist_of(ctx->op_name), &a, ctr, &ctx->out[0]);
}

static int rnd_kernel_for(const weir_op_call_t *c, uint32_t block, uint32_t nblocks, int dist)
{
	weir_random_args_t a;
	uint32_t ctr[4];
	int rc = rnd_parse(NULL, c->attrs, dist, &a, ctr, NULL);
	if (rc != WEIR_OK)
		return rc;
	a.out = c->out[0];
	return weir_random_kernel(&a, block, nblocks);
}

static int rnd_uniform_kernel(const weir_op_call_t *c, uint32_t b, uint32_t nb)
{
	return rnd_kernel_for(c, b, nb, WEIR_RANDOM_UNIFORM);
}
static int rnd_normal_kernel(const weir_op_call_t *c, uint32_t b, uint32_t nb)
{
	return rnd_kernel_for(c, b, nb, WEIR_RANDOM_NORMAL);
}
static int rnd_tnormal_kernel(const weir_op_call_t *c, uint32_t b, uint32_t nb)
{
	return rnd_kernel_for(c, b, nb, WEIR_RANDOM_TRUNCATED_NORMAL);
}
static int rnd_mask_kernel(const weir_op_call_t *c, uint32_t b, uint32_t nb)
{
	return rnd_kernel_for(c, b, nb, WEIR_RANDOM_DROPOUT_MASK);
}

static uint32_t rnd_blocks(const weir_op_call_t *c, uint32_t workers)
{
	return weir__ops_blocks_for(weir__ops_desc_numel(&c->out_desc[0]), 8, workers);
}

#define WEIR__RND_DEF(sym, nm, kern)                    \
	const weir_op_def_t sym = { .name = nm,         \
		                    .min_inputs = 0,    \
		                    .max_inputs = 0,    \
		                    .min_outputs = 1,   \
		                    .max_outputs = 1,   \
		                    .infer = rnd_infer, \
		                    .kernel = kern,     \
		                    .blocks = rnd_blocks }

WEIR__RND_DEF(weir__op_randomuniform, "RandomUniform", rnd_uniform_kernel);
WEIR__RND_DEF(weir__op_randomnormal, "RandomNormal", rnd_normal_kernel);
WEIR__RND_DEF(weir__op_truncatednormal, "TruncatedNormal", rnd_tnormal_kernel);
WEIR__RND_DEF(weir__op_dropoutgenmask, "DropoutGenMask", rnd_mask_kernel);
