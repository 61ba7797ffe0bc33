/*
 * tests/unit/test_ops_shape.c - Transpose, Reshape, Concat, Split, Slice and
 * Gather against index-by-index host references, bit for bit, over every
 * dtype, rank 0..8, empty dims, multi-block sizes, and bad inputs (bad perm,
 * bad axis, shape mismatch, out-of-range gather index).
 */
#include "test_ops_harness.h"

static void *gen_bytes(opcase_t *c, int dt, int rank, const int64_t *dims)
{
	/* Random bits; bools 0/1. */
	int64_t n = oc_numel(rank, dims);
	size_t es = weir_dtype_size(dt), bytes = (size_t)n * es;
	uint8_t *p = malloc(bytes + 1);
	assert_non_null(p);
	for (size_t k = 0; k < bytes; k++)
		p[k] = dt == WEIR_DT_BOOL ? (uint8_t)(oc_rand() & 1) : (uint8_t)oc_rand();
	uint32_t i = oc_in(c, dt, rank, dims, p);
	c->owned[i] = p;
	return p;
}

static void copy_el(void *dst, int64_t di, const void *src, int64_t si, size_t es)
{
	memcpy((char *)dst + (size_t)di * es, (const char *)src + (size_t)si * es, es);
}

static void expect_bytes(const opcase_t *c, uint32_t i, const void *want)
{
	size_t b = (size_t)weir_tensor_desc_bytes(&c->out_desc[i]);
	if (b && memcmp(c->out[i], want, b) != 0)
		fail_msg("%s: output %u differs from the reference", c->op, i);
}

/* ---- Transpose ---------------------------------------------------------------- */

static void run_transpose(int dt, int rank, const int64_t *dims, const int64_t *perm)
{
	opcase_t c;
	oc_init(&c, "Transpose");
	const void *x = gen_bytes(&c, dt, rank, dims);
	int64_t p[8], od[8];
	for (int d = 0; d < rank; d++)
		p[d] = perm ? perm[d] : rank - 1 - d;
	if (perm)
		oc_attr_ints(&c, "perm", perm, (size_t)rank);
	for (int d = 0; d < rank; d++)
		od[d] = dims[p[d]];
	OC_EXPECT_OK(&c, 1);
	oc_expect_shape(&c, 0, dt, rank, od);
	size_t es = weir_dtype_size(dt);
	int64_t n = oc_numel(rank, dims);
	void *want = malloc((size_t)n * es + 1);
	for (int64_t k = 0; k < n; k++) {
		int64_t oi[8], ii[8];
		oc_unravel(k, rank, od, oi);
		for (int d = 0; d < rank; d++)
			ii[p[d]] = oi[d];
		copy_el(want, k, x, oc_ravel(rank, dims, ii), es);
	}
	expect_bytes(&c, 0, want);
	free(want);
	oc_fini(&c);
}

static void test_transpose(void **state)
{
	(void)state;
	for (size_t t = 0; t < OC_N(oc_all_dts); t++) {
		int dt = oc_all_dts[t];
		run_transpose(dt, 2, (int64_t[]){ 3, 5 }, NULL);
		run_transpose(dt, 3, (int64_t[]){ 2, 3, 4 }, (int64_t[]){ 1, 2, 0 });
	}
	run_transpose(WEIR_DT_FLOAT, 0, NULL, NULL);
	run_transpose(WEIR_DT_FLOAT, 1, (int64_t[]){ 6 }, (int64_t[]){ 0 });
	run_transpose(WEIR_DT_FLOAT, 3, (int64_t[]){ 2, 0, 3 }, (int64_t[]){ 2, 0, 1 });
	run_transpose(WEIR_DT_INT8, 8, (int64_t[]){ 2, 1, 3, 1, 2, 2, 1, 3 },
	              (int64_t[]){ 7, 0, 5, 3, 1, 6, 2, 4 });
	run_transpose(WEIR_DT_FLOAT, 2, (int64_t[]){ 400, 300 }, (int64_t[]){ 1, 0 });
}

/* ---- Reshape ------------------------------------------------------------------ */

static void test_reshape(void **state)
{
	(void)state;
	static const struct {
		int r;
		int64_t d[8];
		int ns;
		int64_t s[8];
		int ro;
		int64_t o[8];
		int64_t allowzero;
	} cases[] = {
		{ 2, { 2, 6 }, 3, { 3, -1, 2 }, 3, { 3, 2, 2 }, 0 },
		{ 2, { 2, 6 }, 2, { 0, -1 }, 2, { 2, 6 }, 0 },
		{ 3, { 2, 3, 4 }, 2, { -1, 4 }, 2, { 6, 4 }, 0 },
		{ 1, { 1 }, 0, { 0 }, 0, { 0 }, 0 },             /* to a scalar */
		{ 0, { 0 }, 3, { 1, 1, 1 }, 3, { 1, 1, 1 }, 0 }, /* from a scalar */
		{ 2, { 0, 4 }, 2, { 4, 0 }, 2, { 4, 0 }, 1 },    /* allowzero */
		{ 2, { 0, 4 }, 2, { 0, 2 }, 2, { 0, 2 }, 0 },
		{ 1, { 256 }, 8, { 2, 2, 2, 2, 2, 2, 2, 2 }, 8, { 2, 2, 2, 2, 2, 2, 2, 2 }, 0 },
		{ 2, { 700, 300 }, 1, { -1 }, 1, { 210000 }, 0 },
	};
	for (size_t s = 0; s < OC_N(cases); s++)
		for (int form = 0; form < 3; form++) {
			int dt = oc_all_dts[(s + (size_t)form) % OC_N(oc_all_dts)];
			opcase_t c;
			oc_init(&c, "Reshape");
			const void *x = gen_bytes(&c, dt, cases[s].r, cases[s].d);
			int64_t s64[8];
			int32_t s32[8];
			for (int k = 0; k < cases[s].ns; k++) {
				s64[k] = cases[s].s[k];
				s32[k] = (int32_t)cases[s].s[k];
			}
			int64_t ns = cases[s].ns;
			if (form == 0)
				oc_attr_ints(&c, "shape", s64, (size_t)ns);
			else if (form == 1)
				oc_const(&c, oc_in(&c, WEIR_DT_INT64, 1, &ns, s64));
			else
				oc_const(&c, oc_in(&c, WEIR_DT_INT32, 1, &ns, s32));
			if (cases[s].allowzero)
				oc_attr_int(&c, "allowzero", 1);
			OC_EXPECT_OK(&c, 1);
			oc_expect_shape(&c, 0, dt, cases[s].ro, cases[s].o);
			expect_bytes(&c, 0, x);
			oc_fini(&c);
		}
}

static void test_reshape_errors(void **state)
{
	(void)state;
	float f[12] = { 0 };
	int64_t sh[2] = { 5, -1 };
	opcase_t c;

	oc_init(&c, "Reshape");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 3, 4 }, f);
	OC_INTS(&c, "shape", 5, -1);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "not a multiple");
	oc_fini(&c);

	oc_init(&c, "Reshape");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 3, 4 }, f);
	OC_INTS(&c, "shape", 5, 2);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "cannot reshape");
	oc_fini(&c);

	oc_init(&c, "Reshape");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 3, 4 }, f);
	OC_INTS(&c, "shape", -1, -1);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "more than one -1");
	oc_fini(&c);

	oc_init(&c, "Reshape");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 3, 4 }, f);
	OC_INTS(&c, "shape", 12, -3);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "negative");
	oc_fini(&c);

	oc_init(&c, "Reshape");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 12 }, f);
	OC_INTS(&c, "shape", 12, 0); /* 0 copies a dim the input lacks */
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "lacks");
	oc_fini(&c);

	oc_init(&c, "Reshape"); /* shape input not constant */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 3, 4 }, f);
	oc_in(&c, WEIR_DT_INT64, 1, (int64_t[]){ 2 }, sh);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "Const");
	oc_fini(&c);

	oc_init(&c, "Reshape"); /* neither form */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 3, 4 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "missing");
	oc_fini(&c);

	oc_init(&c, "Reshape"); /* both forms */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 3, 4 }, f);
	oc_const(&c, oc_in(&c, WEIR_DT_INT64, 1, (int64_t[]){ 2 }, sh));
	OC_INTS(&c, "shape", 12);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "both");
	oc_fini(&c);

	oc_init(&c, "Reshape"); /* float shape input */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 3, 4 }, f);
	oc_const(&c, oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 2 }, f));
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "int32 or int64");
	oc_fini(&c);
}

/* ---- Concat / Split ------------------------------------------------------------- */

static void test_concat_split(void **state)
{
	(void)state;
	static const struct {
		int r;
		int64_t d[8];
		int ax;
		int n;
		int64_t sz[5];
	} cases[] = {
		{ 2, { 0, 4 }, 0, 3, { 2, 0, 3 } },
		{ 2, { 3, 0 }, 1, 3, { 1, 2, 4 } },
		{ 3, { 2, 0, 3 }, -2, 2, { 3, 1 } },
		{ 1, { 0 }, 0, 1, { 5 } },
		{ 1, { 0 }, 0, 4, { 1, 0, 2, 1 } },
		{ 4, { 2, 3, 0, 2 }, 2, 3, { 1, 1, 2 } },
		{ 8, { 1, 2, 1, 2, 0, 2, 1, 2 }, 4, 2, { 1, 2 } },
		{ 2, { 500, 0 }, 1, 3, { 100, 7, 200 } }, /* several blocks */
		{ 2, { 0, 300 }, 0, 2, { 400, 300 } },
	};
	for (size_t s = 0; s < OC_N(cases); s++)
		for (size_t t = 0; t < OC_N(oc_all_dts); t++) {
			int dt = oc_all_dts[(s + t) % OC_N(oc_all_dts)];
			size_t es = weir_dtype_size(dt);
			int r = cases[s].r, ax = cases[s].ax < 0 ? cases[s].ax + r : cases[s].ax;
			int64_t od[8];
			memcpy(od, cases[s].d, sizeof(od));
			od[ax] = 0;
			for (int j = 0; j < cases[s].n; j++)
				od[ax] += cases[s].sz[j];

			/* Concat the pieces. */
			opcase_t c;
			oc_init(&c, "Concat");
			const void *parts[5];
			for (int j = 0; j < cases[s].n; j++) {
				int64_t pd[8];
				memcpy(pd, cases[s].d, sizeof(pd));
				pd[ax] = cases[s].sz[j];
				parts[j] = gen_bytes(&c, dt, r, pd);
			}
			oc_attr_int(&c, s % 2 ? "concat_dim" : "axis", cases[s].ax);
			if (s % 3 == 0)
				oc_attr_int(&c, "N", cases[s].n);
			OC_EXPECT_OK(&c, 1);
			oc_expect_shape(&c, 0, dt, r, od);
			int64_t n = oc_numel(r, od);
			uint8_t *want = malloc((size_t)n * es + 1);
			for (int64_t k = 0; k < n; k++) {
				int64_t idx[8] = { 0 }, pd[8];
				oc_unravel(k, r, od, idx);
				int j = 0;
				while (idx[ax] >= cases[s].sz[j]) {
					idx[ax] -= cases[s].sz[j];
					j++;
				}
				memcpy(pd, cases[s].d, sizeof(pd));
				pd[ax] = cases[s].sz[j];
				copy_el(want, k, parts[j], oc_ravel(r, pd, idx), es);
			}
			expect_bytes(&c, 0, want);

			/* Split it back, by sizes (with a -1), and check every piece. */
			opcase_t sp;
			oc_init(&sp, "Split");
			oc_in(&sp, dt, r, od, c.out[0]);
			int64_t sizes[5];
			memcpy(sizes, cases[s].sz, sizeof(sizes));
			sizes[s % (size_t)cases[s].n] = -1;
			oc_attr_ints(&sp, s % 2 ? "size_splits" : "split", sizes,
			             (size_t)cases[s].n);
			oc_attr_int(&sp, s % 2 ? "split_dim" : "axis", cases[s].ax);
			OC_EXPECT_OK(&sp, (uint32_t)cases[s].n);
			for (int j = 0; j < cases[s].n; j++) {
				int64_t pd[8];
				memcpy(pd, cases[s].d, sizeof(pd));
				pd[ax] = cases[s].sz[j];
				oc_expect_shape(&sp, (uint32_t)j, dt, r, pd);
				expect_bytes(&sp, (uint32_t)j, parts[j]);
			}
			oc_fini(&sp);
			free(want);
			oc_fini(&c);
		}

	/* Equal split without sizes, and with num_split. */
	opcase_t c;
	oc_init(&c, "Split");
	const int32_t *x = gen_bytes(&c, WEIR_DT_INT32, 2, (int64_t[]){ 2, 6 });
	oc_attr_int(&c, "axis", 1);
	oc_attr_int(&c, "num_split", 3);
	OC_EXPECT_OK(&c, 3);
	for (int j = 0; j < 3; j++) {
		OC_SHAPE(&c, (uint32_t)j, WEIR_DT_INT32, 2, 2);
		const int32_t *y = c.out[j];
		for (int r = 0; r < 2; r++)
			for (int k = 0; k < 2; k++)
				assert_int_equal(y[r * 2 + k], x[r * 6 + j * 2 + k]);
	}
	oc_fini(&c);
}

static void test_concat_split_errors(void **state)
{
	(void)state;
	float f[64] = { 0 };
	opcase_t c;

	oc_init(&c, "Concat");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 3, 3 }, f);
	oc_attr_int(&c, "axis", 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "outside axis");
	oc_fini(&c);

	oc_init(&c, "Concat");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 3 }, f);
	oc_attr_int(&c, "axis", 0);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "does not match");
	oc_fini(&c);

	oc_init(&c, "Concat");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, f);
	oc_in(&c, WEIR_DT_INT32, 2, (int64_t[]){ 2, 3 }, f);
	oc_attr_int(&c, "axis", 0);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "does not match");
	oc_fini(&c);

	oc_init(&c, "Concat");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, f);
	oc_attr_int(&c, "axis", 2);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "out of range");
	oc_fini(&c);

	oc_init(&c, "Concat");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "missing attr 'axis'");
	oc_fini(&c);

	oc_init(&c, "Concat");
	oc_in(&c, WEIR_DT_FLOAT, 0, NULL, f);
	oc_attr_int(&c, "axis", 0);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "scalars");
	oc_fini(&c);

	oc_init(&c, "Concat");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 3 }, f);
	oc_attr_int(&c, "axis", 0);
	oc_attr_int(&c, "N", 2);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "N = 2");
	oc_fini(&c);

	oc_init(&c, "Split");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 5 }, f);
	oc_attr_int(&c, "axis", 1);
	OC_EXPECT_FAIL(&c, 2, WEIR_ESHAPE, "equal parts");
	oc_fini(&c);

	oc_init(&c, "Split");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 5 }, f);
	oc_attr_int(&c, "axis", 1);
	OC_INTS(&c, "split", 2, 2);
	OC_EXPECT_FAIL(&c, 2, WEIR_ESHAPE, "sum to 4");
	oc_fini(&c);

	oc_init(&c, "Split");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 5 }, f);
	oc_attr_int(&c, "axis", 1);
	OC_INTS(&c, "split", 4, 4);
	OC_EXPECT_FAIL(&c, 2, WEIR_ESHAPE, "exceed");
	oc_fini(&c);

	oc_init(&c, "Split");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 5 }, f);
	oc_attr_int(&c, "axis", 1);
	OC_INTS(&c, "split", 5);
	OC_EXPECT_FAIL(&c, 2, WEIR_EINVAL, "1 entries for 2 outputs");
	oc_fini(&c);

	oc_init(&c, "Split");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 4 }, f);
	oc_attr_int(&c, "axis", 1);
	oc_attr_int(&c, "num_split", 4);
	OC_EXPECT_FAIL(&c, 2, WEIR_EINVAL, "num_split");
	oc_fini(&c);

	oc_init(&c, "Split");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 4 }, f);
	oc_attr_int(&c, "axis", -3);
	OC_EXPECT_FAIL(&c, 2, WEIR_EINVAL, "out of range");
	oc_fini(&c);
}

/* ---- Slice ------------------------------------------------------------------- */

/* Python slice length and first index (reference, written independently). */
static void py_slice(int64_t D, int64_t b, int64_t e, int64_t s, int64_t *start, int64_t *len)
{
	/* CPython's PySlice_AdjustIndices, then count the indices. */
	int64_t lo = s > 0 ? 0 : -1, hi = s > 0 ? D : D - 1, n = 0;
	if (b < 0) {
		b += D;
		if (b < lo)
			b = lo;
	} else if (b > hi)
		b = hi;
	if (e < 0) {
		e += D;
		if (e < lo)
			e = lo;
	} else if (e > hi)
		e = hi;
	for (int64_t i = b; s > 0 ? i < e : i > e;) {
		n++;
		if (s > 0 ? e - i <= s : i - e <= -s)
			break;
		i += s;
	}
	*start = b;
	*len = n;
}

static void run_slice(int dt, int rank, const int64_t *dims, const int64_t *b, const int64_t *sz,
                      const int64_t *e, const int64_t *st)
{
	opcase_t c;
	oc_init(&c, "Slice");
	const void *x = gen_bytes(&c, dt, rank, dims);
	oc_attr_ints(&c, "begin", b, (size_t)rank);
	if (sz)
		oc_attr_ints(&c, "size", sz, (size_t)rank);
	if (e)
		oc_attr_ints(&c, "end", e, (size_t)rank);
	if (st)
		oc_attr_ints(&c, "strides", st, (size_t)rank);
	OC_EXPECT_OK(&c, 1);
	int64_t od[8], start[8], step[8];
	for (int d = 0; d < rank; d++) {
		step[d] = st ? st[d] : 1;
		if (sz) {
			start[d] = b[d] < 0 ? b[d] + dims[d] : b[d];
			od[d] = sz[d] == -1 ? dims[d] - start[d] : sz[d];
		} else {
			py_slice(dims[d], b[d], e[d], step[d], &start[d], &od[d]);
		}
	}
	oc_expect_shape(&c, 0, dt, rank, od);
	size_t es = weir_dtype_size(dt);
	int64_t n = oc_numel(rank, od);
	void *want = malloc((size_t)n * es + 1);
	for (int64_t k = 0; k < n; k++) {
		int64_t oi[8], ii[8];
		oc_unravel(k, rank, od, oi);
		for (int d = 0; d < rank; d++)
			ii[d] = start[d] + oi[d] * step[d];
		copy_el(want, k, x, oc_ravel(rank, dims, ii), es);
	}
	expect_bytes(&c, 0, want);
	free(want);
	oc_fini(&c);
}

static void test_slice(void **state)
{
	(void)state;
	for (size_t t = 0; t < OC_N(oc_all_dts); t++) {
		int dt = oc_all_dts[t];
		run_slice(dt, 2, (int64_t[]){ 4, 6 }, (int64_t[]){ 1, 2 }, (int64_t[]){ 2, -1 },
		          NULL, NULL);
		run_slice(dt, 2, (int64_t[]){ 4, 6 }, (int64_t[]){ -1, 5 }, NULL,
		          (int64_t[]){ -5, 0 }, (int64_t[]){ -1, -2 });
	}
	int dt = WEIR_DT_FLOAT;
	static const int64_t none[1] = { 0 };
	run_slice(dt, 0, NULL, none, NULL, none, NULL); /* scalar: empty lists */
	run_slice(dt, 1, (int64_t[]){ 10 }, (int64_t[]){ 0 }, (int64_t[]){ 0 }, NULL, NULL);
	run_slice(dt, 1, (int64_t[]){ 10 }, (int64_t[]){ 10 }, (int64_t[]){ 0 }, NULL, NULL);
	run_slice(dt, 1, (int64_t[]){ 10 }, (int64_t[]){ -100 }, NULL, (int64_t[]){ 100 },
	          (int64_t[]){ 3 });
	run_slice(dt, 1, (int64_t[]){ 10 }, (int64_t[]){ 100 }, NULL, (int64_t[]){ -100 },
	          (int64_t[]){ -3 });
	run_slice(dt, 1, (int64_t[]){ 10 }, (int64_t[]){ 5 }, NULL, (int64_t[]){ 2 },
	          (int64_t[]){ 1 });
	run_slice(dt, 1, (int64_t[]){ 0 }, (int64_t[]){ 0 }, NULL, (int64_t[]){ 5 },
	          (int64_t[]){ -1 });
	run_slice(dt, 1, (int64_t[]){ 10 }, (int64_t[]){ 0 }, NULL, (int64_t[]){ INT64_MAX },
	          (int64_t[]){ INT64_MAX });
	run_slice(dt, 8, (int64_t[]){ 2, 3, 1, 4, 2, 1, 3, 2 },
	          (int64_t[]){ 1, 0, 0, 1, 0, 0, -2, 0 }, (int64_t[]){ 1, -1, 1, 2, 2, 1, 2, 1 },
	          NULL, NULL);
	run_slice(dt, 2, (int64_t[]){ 600, 500 }, (int64_t[]){ 599, 1 }, NULL,
	          (int64_t[]){ -601, 500 }, (int64_t[]){ -2, 1 }); /* several blocks */
}

static void test_slice_errors(void **state)
{
	(void)state;
	float f[24] = { 0 };
	opcase_t c;

	oc_init(&c, "Slice");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 6 }, f);
	OC_INTS(&c, "begin", 1, 2);
	OC_INTS(&c, "size", 4, 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "does not fit");
	oc_fini(&c);

	oc_init(&c, "Slice");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 6 }, f);
	OC_INTS(&c, "begin", 5, 0);
	OC_INTS(&c, "size", 1, 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "begin[0]");
	oc_fini(&c);

	oc_init(&c, "Slice");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 6 }, f);
	OC_INTS(&c, "begin", 0);
	OC_INTS(&c, "size", 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "one entry per dim");
	oc_fini(&c);

	oc_init(&c, "Slice");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 6 }, f);
	OC_INTS(&c, "begin", 0, 0);
	OC_INTS(&c, "end", 2, 2);
	OC_INTS(&c, "strides", 1, 0);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "strides[1] is 0");
	oc_fini(&c);

	oc_init(&c, "Slice");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 6 }, f);
	OC_INTS(&c, "begin", 0, 0);
	OC_INTS(&c, "end", 2, 2);
	OC_INTS(&c, "size", 2, 2);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "exactly one");
	oc_fini(&c);

	oc_init(&c, "Slice");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 6 }, f);
	OC_INTS(&c, "end", 2, 2);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "begin");
	oc_fini(&c);
}

/* ---- Gather ------------------------------------------------------------------- */

static void run_gather(int dt, int pr, const int64_t *pd, int idt, int ir, const int64_t *id,
                       int64_t axis, bool konst)
{
	opcase_t c;
	oc_init(&c, "Gather");
	const void *p = gen_bytes(&c, dt, pr, pd);
	int ax = (int)(axis < 0 ? axis + pr : axis);
	int64_t A = pd[ax];
	void *ix = oc_in_gen(&c, idt, ir, id, (double)-A, (double)A - 1);
	if (konst)
		oc_const(&c, 1);
	if (axis != 0)
		oc_attr_int(&c, "axis", axis);
	OC_EXPECT_OK(&c, 1);
	int64_t od[8];
	int orank = 0;
	for (int d = 0; d < ax; d++)
		od[orank++] = pd[d];
	for (int d = 0; d < ir; d++)
		od[orank++] = id[d];
	for (int d = ax + 1; d < pr; d++)
		od[orank++] = pd[d];
	oc_expect_shape(&c, 0, dt, orank, od);
	size_t es = weir_dtype_size(dt);
	int64_t n = oc_numel(orank, od);
	void *want = malloc((size_t)n * es + 1);
	for (int64_t k = 0; k < n; k++) {
		int64_t oi[8], pi[8];
		oc_unravel(k, orank, od, oi);
		for (int d = 0; d < ax; d++)
			pi[d] = oi[d];
		int64_t v = (int64_t)weir_dt_load(idt, ix, oc_ravel(ir, id, oi + ax));
		pi[ax] = v < 0 ? v + A : v;
		for (int d = ax + 1; d < pr; d++)
			pi[d] = oi[d - 1 + ir];
		copy_el(want, k, p, oc_ravel(pr, pd, pi), es);
	}
	expect_bytes(&c, 0, want);
	free(want);
	oc_fini(&c);
}

static void test_gather(void **state)
{
	(void)state;
	for (size_t t = 0; t < OC_N(oc_all_dts); t++) {
		run_gather(oc_all_dts[t], 2, (int64_t[]){ 5, 3 }, WEIR_DT_INT32, 1,
		           (int64_t[]){ 4 }, 0, false);
		run_gather(oc_all_dts[t], 3, (int64_t[]){ 2, 5, 3 }, WEIR_DT_INT64, 2,
		           (int64_t[]){ 2, 3 }, 1, true);
	}
	run_gather(WEIR_DT_FLOAT, 1, (int64_t[]){ 7 }, WEIR_DT_INT64, 0, NULL, 0,
	           false); /* scalar index */
	run_gather(WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 6 }, WEIR_DT_INT32, 1, (int64_t[]){ 0 }, -1,
	           false);
	run_gather(WEIR_DT_FLOAT, 2, (int64_t[]){ 0, 6 }, WEIR_DT_INT32, 1, (int64_t[]){ 3 }, 1,
	           false);
	run_gather(WEIR_DT_FLOAT16, 4, (int64_t[]){ 2, 3, 2, 2 }, WEIR_DT_INT32, 4,
	           (int64_t[]){ 1, 2, 1, 2 }, 2, false); /* rank 7 output */
	run_gather(WEIR_DT_FLOAT, 2, (int64_t[]){ 32000, 64 }, WEIR_DT_INT64, 2,
	           (int64_t[]){ 16, 128 }, 0, false); /* embedding lookup, several blocks */
}

static void test_gather_errors(void **state)
{
	(void)state;
	float f[12] = { 0 };
	int32_t i32[3] = { 0, 4, 1 }; /* 4 is out of range for dim 4 */
	int64_t i64[2] = { -5, 0 };   /* -5 is out of range for dim 4 */
	float fi[2] = { 0 };
	opcase_t c;

	/* Run-time indices: the kernel fails, every block count, no OOB read
	 * (ASan would see one). */
	oc_init(&c, "Gather");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 3 }, f);
	oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ 3 }, i32);
	OC_EXPECT_FAIL(&c, 1, WEIR_EBOUNDS, NULL);
	assert_int_equal(c.stage, 2);
	oc_fini(&c);

	oc_init(&c, "Gather");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 3 }, f);
	oc_in(&c, WEIR_DT_INT64, 1, (int64_t[]){ 2 }, i64);
	OC_EXPECT_FAIL(&c, 1, WEIR_EBOUNDS, NULL);
	oc_fini(&c);

	oc_init(&c, "Gather"); /* any index into an empty axis */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 0, 3 }, f);
	oc_in(&c, WEIR_DT_INT64, 1, (int64_t[]){ 1 }, i64 + 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_EBOUNDS, NULL);
	oc_fini(&c);

	/* Constant indices: caught in inference. */
	oc_init(&c, "Gather");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 3 }, f);
	oc_const(&c, oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ 3 }, i32));
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "index 4 (at 1) out of range");
	assert_int_equal(c.stage, 1);
	oc_fini(&c);

	oc_init(&c, "Gather");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 3 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 2 }, fi);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "int32 or int64");
	oc_fini(&c);

	oc_init(&c, "Gather");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 3 }, f);
	oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ 2 }, i32);
	oc_attr_int(&c, "axis", 2);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "out of range");
	oc_fini(&c);

	oc_init(&c, "Gather");
	oc_in(&c, WEIR_DT_FLOAT, 0, NULL, f);
	oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ 2 }, i32);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "rank >= 1");
	oc_fini(&c);

	oc_init(&c, "Gather"); /* output rank 9 */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 1, 1 }, f);
	oc_in(&c, WEIR_DT_INT32, 8, (int64_t[]){ 1, 1, 1, 1, 1, 1, 1, 1 }, i32);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "exceeds");
	oc_fini(&c);
}

static void test_transpose_errors(void **state)
{
	(void)state;
	float f[24] = { 0 };
	opcase_t c;

	oc_init(&c, "Transpose");
	oc_in(&c, WEIR_DT_FLOAT, 3, (int64_t[]){ 2, 3, 4 }, f);
	OC_INTS(&c, "perm", 0, 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "perm has 2 entries");
	oc_fini(&c);

	oc_init(&c, "Transpose");
	oc_in(&c, WEIR_DT_FLOAT, 3, (int64_t[]){ 2, 3, 4 }, f);
	OC_INTS(&c, "perm", 0, 1, 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "not a permutation");
	oc_fini(&c);

	oc_init(&c, "Transpose");
	oc_in(&c, WEIR_DT_FLOAT, 3, (int64_t[]){ 2, 3, 4 }, f);
	OC_INTS(&c, "perm", 0, 1, 3);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "not a permutation");
	oc_fini(&c);

	oc_init(&c, "Transpose");
	oc_in(&c, WEIR_DT_FLOAT, 3, (int64_t[]){ 2, 3, 4 }, f);
	OC_INTS(&c, "perm", 0, -1, 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "not a permutation");
	oc_fini(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transpose),    cmocka_unit_test(test_transpose_errors),
		cmocka_unit_test(test_reshape),      cmocka_unit_test(test_reshape_errors),
		cmocka_unit_test(test_concat_split), cmocka_unit_test(test_concat_split_errors),
		cmocka_unit_test(test_slice),        cmocka_unit_test(test_slice_errors),
		cmocka_unit_test(test_gather),       cmocka_unit_test(test_gather_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
