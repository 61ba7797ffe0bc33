/*
 * tests/unit/test_ops_einsum.c - Einsum against a brute-force reference
 * (every assignment of every label): matmul, batch matmul, transpose,
 * traces and diagonals, implicit outputs, ellipsis broadcasting, outer
 * products, three operands, float/double/int dtypes, empty dims and errors.
 */
#include "test_ops_harness.h"

/* Brute-force reference: labels given per input as strings of letters
 * (ellipsis pre-expanded by the caller as upper-case letters). */
static void ref_einsum(opcase_t *c, const char *const *terms, const char *out, double *ref)
{
	char labs[64] = { 0 };
	int nl = 0;
	int64_t size[128] = { 0 };
	for (uint32_t k = 0; k < c->nin; k++)
		for (int i = 0; terms[k][i]; i++) {
			char ch = terms[k][i];
			if (!strchr(labs, ch))
				labs[nl++] = ch;
			if (c->in_desc[k].dims[i] != 1 || size[(int)ch] == 0)
				size[(int)ch] = c->in_desc[k].dims[i];
		}
	int64_t total = 1, on = 1;
	for (int l = 0; l < nl; l++)
		total *= size[(int)labs[l]];
	for (int i = 0; out[i]; i++)
		on *= size[(int)out[i]];
	for (int64_t o = 0; o < on; o++)
		ref[o] = 0;
	int64_t val[128];
	for (int64_t t = 0; t < total; t++) {
		int64_t r = t;
		for (int l = nl - 1; l >= 0; l--) {
			int64_t s = size[(int)labs[l]];
			val[(int)labs[l]] = r % s;
			r /= s;
		}
		double p = 1;
		for (uint32_t k = 0; k < c->nin; k++) {
			int64_t off = 0;
			for (int i = 0; terms[k][i]; i++) {
				int64_t d = c->in_desc[k].dims[i];
				off = off * d + (d == 1 ? 0 : val[(int)terms[k][i]]);
			}
			p *= oc_ld(c, k, off);
		}
		int64_t oo = 0;
		for (int i = 0; out[i]; i++)
			oo = oo * size[(int)out[i]] + val[(int)out[i]];
		ref[oo] += p;
	}
}

/* eq: the equation; terms/out: its expansion for the reference. */
static void run(int dt, const char *eq, int nin, const char *const *terms, const char *out,
                const int64_t dims[][8], const int *ranks)
{
	opcase_t c;
	oc_init(&c, "Einsum");
	for (int k = 0; k < nin; k++)
		oc_in_gen(&c, dt, ranks[k], dims[k], -3, 3);
	oc_attr_str(&c, "equation", eq);
	OC_EXPECT_OK(&c, 1);
	int64_t on = weir_tensor_desc_numel(&c.out_desc[0]);
	assert_int_equal((int)c.out_desc[0].rank, (int)strlen(out));
	assert_int_equal(c.out_desc[0].dtype, dt);
	double *ref = calloc((size_t)on + 1, sizeof(double));
	ref_einsum(&c, terms, out, ref);
	oc_expect_close(&c, 0, ref, 30.0);
	free(ref);
	oc_fini(&c);
}

#define T(...) ((const char *const[]){ __VA_ARGS__ })
#define D(...) ((const int64_t[][8]){ __VA_ARGS__ })
#define R(...) ((const int[]){ __VA_ARGS__ })

static void test_einsum_values(void **state)
{
	(void)state;
	const int dts[] = { WEIR_DT_FLOAT,  WEIR_DT_FLOAT16, WEIR_DT_BF16,
		            WEIR_DT_DOUBLE, WEIR_DT_INT32,   WEIR_DT_INT64 };
	for (size_t t = 0; t < OC_N(dts); t++) {
		int dt = dts[t];
		run(dt, "ij,jk->ik", 2, T("ij", "jk"), "ik", D({ 3, 4 }, { 4, 5 }), R(2, 2));
		run(dt, "ij,jk", 2, T("ij", "jk"), "ik", D({ 3, 4 }, { 4, 5 }), R(2, 2));
		run(dt, "bij, bjk -> bik", 2, T("bij", "bjk"), "bik", D({ 2, 3, 4 }, { 2, 4, 2 }),
		    R(3, 3));
		run(dt, "ij->ji", 1, T("ij"), "ji", D({ 3, 4 }), R(2));
		run(dt, "ji", 1, T("ji"), "ij", D({ 3, 4 }), R(2));
		run(dt, "ii->", 1, T("ii"), "", D({ 4, 4 }), R(2));
		run(dt, "ii", 1, T("ii"), "", D({ 4, 4 }), R(2));
		run(dt, "ii->i", 1, T("ii"), "i", D({ 4, 4 }), R(2));
		run(dt, "bii->bi", 1, T("bii"), "bi", D({ 2, 3, 3 }), R(3));
		run(dt, "i,i", 2, T("i", "i"), "", D({ 5 }, { 5 }), R(1, 1));
		run(dt, "i,j->ij", 2, T("i", "j"), "ij", D({ 3 }, { 4 }), R(1, 1));
		run(dt, "ij->", 1, T("ij"), "", D({ 3, 4 }), R(2));
		run(dt, "ij,jk,kl->il", 3, T("ij", "jk", "kl"), "il",
		    D({ 2, 3 }, { 3, 4 }, { 4, 2 }), R(2, 2, 2));
		run(dt, "Ba,ab", 2, T("Ba", "ab"), "Bb", D({ 2, 3 }, { 3, 4 }), R(2, 2));
		/* ellipsis: batch matmul with broadcasting, ellipsis in the middle */
		run(dt, "...ij,...jk->...ik", 2, T("XYij", "Yjk"), "XYik",
		    D({ 2, 3, 2, 4 }, { 3, 4, 2 }), R(4, 3));
		run(dt, "...ij,...jk", 2, T("XYij", "Yjk"), "XYik", D({ 2, 1, 2, 4 }, { 3, 4, 2 }),
		    R(4, 3));
		run(dt, "i...j->j...i", 1, T("iXj"), "jXi", D({ 2, 3, 4 }), R(3));
		run(dt, "...ii->...i", 1, T("XYii"), "XYi", D({ 2, 3, 4, 4 }), R(4));
		run(dt, "...i->i", 1, T("Xi"), "i", D({ 3, 4 }), R(2));
		run(dt, "ij,jk->ik", 2, T("ij", "jk"), "ik", D({ 3, 0 }, { 0, 5 }), R(2, 2));
		run(dt, "ij,jk->ik", 2, T("ij", "jk"), "ik", D({ 0, 4 }, { 4, 5 }), R(2, 2));
	}
	run(WEIR_DT_FLOAT, "ij,jk->ik", 2, T("ij", "jk"), "ik", D({ 64, 64 }, { 64, 64 }),
	    R(2, 2)); /* several blocks */
}

static void test_einsum_errors(void **state)
{
	(void)state;
	float a[24] = { 0 };
	int32_t ai[24] = { 0 };
	struct {
		const char *eq;
		int nin;
		int code;
		const char *msg;
	} rows[] = {
		{ "ij,jk->ik", 1, WEIR_EINVAL, "more terms" },
		{ "ij->ij", 2, WEIR_EINVAL, "fewer terms" },
		{ "ijk->ijk", 1, WEIR_ESHAPE, "3 subscripts" },
		{ "i1->i", 1, WEIR_EINVAL, "bad term" },
		{ "ij->iz", 1, WEIR_EINVAL, "'z' not in any input" },
		{ "ij->ii", 1, WEIR_EINVAL, "repeated" },
		{ "ij,ij->ij", 2, WEIR_ESHAPE, "subscript 'j' has sizes" },
		{ "....i->i", 1, WEIR_EINVAL, "bad term" },
	};
	for (size_t r = 0; r < OC_N(rows); r++) {
		opcase_t c;
		oc_init(&c, "Einsum");
		oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, a);
		if (rows[r].nin == 2)
			oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 4 }, a);
		oc_attr_str(&c, "equation", rows[r].eq);
		OC_EXPECT_FAIL(&c, 1, rows[r].code, rows[r].msg);
		oc_fini(&c);
	}
	opcase_t c;
	oc_init(&c, "Einsum");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, a);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "'equation' is required");
	oc_fini(&c);
	oc_init(&c, "Einsum");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, a);
	oc_in(&c, WEIR_DT_INT32, 2, (int64_t[]){ 3, 2 }, ai);
	oc_attr_str(&c, "equation", "ij,jk");
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "input dtypes differ");
	oc_fini(&c);
	oc_init(&c, "Einsum");
	oc_in(&c, WEIR_DT_BOOL, 2, (int64_t[]){ 2, 3 }, ai);
	oc_attr_str(&c, "equation", "ij");
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "dtype bool not supported");
	oc_fini(&c);
	oc_init(&c, "Einsum");
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, a);
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 4, 3 }, a);
	oc_attr_str(&c, "equation", "...i,...i");
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "do not broadcast");
	oc_fini(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_einsum_values),
		cmocka_unit_test(test_einsum_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
