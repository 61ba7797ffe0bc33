/*
 * tests/unit/test_ops_elementwise.c - binary ops with broadcasting, unary
 * math ops and activations against double-precision host references, for
 * every dtype each accepts, edge shapes (rank 0, size-1, zero-size, rank 8,
 * multi-block sizes) and bad inputs.
 */
#include "test_ops_harness.h"

/* Integer results wrap to the dtype's width. */
static double wrap_int(int dt, int64_t v)
{
	switch (dt) {
	case WEIR_DT_INT8: return (double)(int8_t)(uint8_t)(uint64_t)v;
	case WEIR_DT_UINT8: return (double)(uint8_t)(uint64_t)v;
	case WEIR_DT_INT32: return (double)(int32_t)(uint32_t)(uint64_t)v;
	default: return (double)v;
	}
}

static double ref_bin(const char *op, int dt, double a, double b)
{
	bool fl = oc_is_float(dt);
	if (!strcmp(op, "Add"))
		return fl ? a + b : wrap_int(dt, (int64_t)a + (int64_t)b);
	if (!strcmp(op, "Sub"))
		return fl ? a - b : wrap_int(dt, (int64_t)a - (int64_t)b);
	if (!strcmp(op, "Mul"))
		return fl ? a * b : wrap_int(dt, (int64_t)a * (int64_t)b);
	if (!strcmp(op, "Div"))
		return fl ? a / b : wrap_int(dt, (int64_t)a / (int64_t)b);
	if (!strcmp(op, "Maximum"))
		return isnan(a) || isnan(b) ? NAN : (a > b ? a : b);
	if (!strcmp(op, "Minimum"))
		return isnan(a) || isnan(b) ? NAN : (a < b ? a : b);
	return pow(a, b);
}

/* Index of the input element feeding output element k (numpy broadcast). */
static int64_t bcast_src(int64_t k, int orank, const int64_t *odims, int irank,
                         const int64_t *idims)
{
	int64_t idx[8], src[8];
	oc_unravel(k, orank, odims, idx);
	for (int d = 0; d < irank; d++) {
		int od = d + orank - irank;
		src[d] = idims[d] == 1 ? 0 : idx[od];
	}
	return oc_ravel(irank, idims, src);
}

static void run_binary(const char *op, int dt, int ra, const int64_t *da, int rb, const int64_t *db,
                       int rexp, const int64_t *dexp)
{
	opcase_t c;
	oc_init(&c, op);
	bool fl = oc_is_float(dt);
	bool is_div = !strcmp(op, "Div"), is_pow = !strcmp(op, "Pow");
	double lo = fl ? -3.0 : (dt == WEIR_DT_UINT8 ? 0.0 : -100.0);
	double hi = fl ? 3.0 : (dt == WEIR_DT_UINT8 ? 255.0 : 100.0);
	if (dt == WEIR_DT_INT32 || dt == WEIR_DT_INT64) {
		lo = -2e9;
		hi = 2e9; /* products overflow int32: wrapping is checked */
	}
	if (is_pow) {
		lo = 0.05;
		hi = 2.5;
	}
	oc_in_gen(&c, dt, ra, da, lo, hi);
	void *b = oc_in_gen(&c, dt, rb, db, is_pow ? -2.0 : lo, is_pow ? 2.0 : hi);
	if (is_div && !fl) { /* no zero divisors (tested separately) */
		int64_t n = oc_numel(rb, db);
		for (int64_t k = 0; k < n; k++)
			if (weir_dt_load(dt, b, k) == 0.0)
				weir_dt_store(dt, b, k, 7.0);
	}
	OC_EXPECT_OK(&c, 1);
	oc_expect_shape(&c, 0, dt, rexp, dexp);
	int64_t n = oc_numel(rexp, dexp);
	double *ref = malloc(sizeof(double) * (size_t)(n ? n : 1));
	assert_non_null(ref);
	for (int64_t k = 0; k < n; k++) {
		double x = oc_ld(&c, 0, bcast_src(k, rexp, dexp, ra, da));
		double y = oc_ld(&c, 1, bcast_src(k, rexp, dexp, rb, db));
		ref[k] = ref_bin(op, dt, x, y);
		/* float32 math on rounded inputs: the reference is computed
		 * from the same rounded inputs, so only the output rounding
		 * (and powf's ulp) differ. */
	}
	oc_expect_close(&c, 0, ref, is_pow ? 4.0 : 1.0);
	free(ref);
	oc_fini(&c);
}

static const char *const bin_ops[] = { "Add", "Sub", "Mul", "Div", "Maximum", "Minimum", "Pow" };

static void test_binary_all_dtypes_and_shapes(void **state)
{
	(void)state;
	static const struct {
		int ra, rb, ro;
		int64_t a[8], b[8], o[8];
	} shapes[] = {
		{ 0, 0, 0, { 0 }, { 0 }, { 0 } },
		{ 1, 0, 1, { 3 }, { 0 }, { 3 } },
		{ 0, 2, 2, { 0 }, { 2, 3 }, { 2, 3 } },
		{ 2, 2, 2, { 2, 3 }, { 2, 3 }, { 2, 3 } },
		{ 3, 2, 3, { 2, 1, 4 }, { 3, 1 }, { 2, 3, 4 } },
		{ 1, 1, 1, { 1 }, { 5 }, { 5 } },
		{ 2, 2, 2, { 0, 3 }, { 1, 3 }, { 0, 3 } },
		{ 2, 2, 2, { 2, 0 }, { 2, 1 }, { 2, 0 } },
		{ 1, 3, 3, { 1 }, { 1, 1, 1 }, { 1, 1, 1 } },
		{ 8,
		  8,
		  8,
		  { 2, 1, 2, 1, 2, 1, 2, 1 },
		  { 1, 2, 1, 2, 1, 2, 1, 2 },
		  { 2, 2, 2, 2, 2, 2, 2, 2 } },
		{ 2, 1, 2, { 70, 1031 }, { 1031 }, { 70, 1031 } }, /* several blocks */
	};
	for (size_t o = 0; o < OC_N(bin_ops); o++) {
		for (size_t s = 0; s < OC_N(shapes); s++) {
			for (size_t t = 0; t < OC_N(oc_float_dts); t++)
				run_binary(bin_ops[o], oc_float_dts[t], shapes[s].ra, shapes[s].a,
				           shapes[s].rb, shapes[s].b, shapes[s].ro, shapes[s].o);
			if (!strcmp(bin_ops[o], "Pow"))
				continue;
			for (size_t t = 0; t < OC_N(oc_int_dts); t++)
				run_binary(bin_ops[o], oc_int_dts[t], shapes[s].ra, shapes[s].a,
				           shapes[s].rb, shapes[s].b, shapes[s].ro, shapes[s].o);
		}
	}
}

static void test_binary_multiblock(void **state)
{
	(void)state;
	opcase_t c;
	oc_init(&c, "Add");
	oc_in_gen(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 300, 1000 }, -1, 1);
	oc_in_gen(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 300, 1 }, -1, 1);
	OC_EXPECT_OK(&c, 1);
	assert_true(c.blocks4 > 1); /* large outputs really split */
	oc_fini(&c);
}

static void test_binary_special_values(void **state)
{
	(void)state;
	/* NaN propagation in Maximum/Minimum, IEEE division by zero,
	 * int division truncating toward zero, INT_MIN / -1 wrapping. */
	float a[] = { NAN, 1.0f, 2.0f, -0.0f, 1.0f, -1.0f };
	float b[] = { 1.0f, NAN, 3.0f, 0.0f, 0.0f, 0.0f };
	int64_t d6[] = { 6 };
	opcase_t c;
	oc_init(&c, "Maximum");
	oc_in(&c, WEIR_DT_FLOAT, 1, d6, a);
	oc_in(&c, WEIR_DT_FLOAT, 1, d6, b);
	OC_EXPECT_OK(&c, 1);
	float *y = c.out[0];
	assert_true(isnan(y[0]) && isnan(y[1]));
	assert_true(y[2] == 3.0f);
	oc_fini(&c);

	oc_init(&c, "Div");
	oc_in(&c, WEIR_DT_FLOAT, 1, d6, a);
	oc_in(&c, WEIR_DT_FLOAT, 1, d6, b);
	OC_EXPECT_OK(&c, 1);
	y = c.out[0];
	assert_true(isinf(y[4]) && y[4] > 0 && isinf(y[5]) && y[5] < 0);
	oc_fini(&c);

	int32_t ia[] = { 7, -7, 7, -7, INT32_MIN, 5 };
	int32_t ib[] = { 2, 2, -2, -2, -1, 1 };
	oc_init(&c, "Div");
	oc_in(&c, WEIR_DT_INT32, 1, d6, ia);
	oc_in(&c, WEIR_DT_INT32, 1, d6, ib);
	OC_EXPECT_OK(&c, 1);
	int32_t *iy = c.out[0];
	int32_t want[] = { 3, -3, -3, 3, INT32_MIN, 5 };
	assert_memory_equal(iy, want, sizeof(want));
	oc_fini(&c);

	int64_t la[] = { INT64_MIN, 3 }, lb[] = { -1, 1 };
	oc_init(&c, "Div");
	oc_in(&c, WEIR_DT_INT64, 1, (int64_t[]){ 2 }, la);
	oc_in(&c, WEIR_DT_INT64, 1, (int64_t[]){ 2 }, lb);
	OC_EXPECT_OK(&c, 1);
	assert_true(((int64_t *)c.out[0])[0] == INT64_MIN);
	oc_fini(&c);

	/* uint8 wraps. */
	uint8_t ua[] = { 250, 3 }, ub[] = { 10, 5 };
	oc_init(&c, "Add");
	oc_in(&c, WEIR_DT_UINT8, 1, (int64_t[]){ 2 }, ua);
	oc_in(&c, WEIR_DT_UINT8, 1, (int64_t[]){ 2 }, ub);
	OC_EXPECT_OK(&c, 1);
	assert_int_equal(((uint8_t *)c.out[0])[0], 4);
	oc_fini(&c);
}

static void test_binary_errors(void **state)
{
	(void)state;
	opcase_t c;
	float f[16] = { 0 };
	int32_t i32[4] = { 1, 0, 2, 3 };
	uint8_t bo[4] = { 0 };

	oc_init(&c, "Add"); /* shapes do not broadcast */
	oc_in(&c, WEIR_DT_FLOAT, 2, (int64_t[]){ 2, 3 }, f);
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "do not broadcast");
	assert_non_null(strstr(c.msg, "node 'test' (Add)"));
	oc_fini(&c);

	oc_init(&c, "Mul"); /* dtype mismatch */
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, f);
	oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ 4 }, i32);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "dtypes differ");
	oc_fini(&c);

	oc_init(&c, "Sub"); /* bool not arithmetic */
	oc_in(&c, WEIR_DT_BOOL, 1, (int64_t[]){ 4 }, bo);
	oc_in(&c, WEIR_DT_BOOL, 1, (int64_t[]){ 4 }, bo);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "not supported");
	oc_fini(&c);

	oc_init(&c, "Pow"); /* Pow takes no bool (integer Pow: test_ops_math.c) */
	oc_in(&c, WEIR_DT_BOOL, 1, (int64_t[]){ 4 }, bo);
	oc_in(&c, WEIR_DT_BOOL, 1, (int64_t[]){ 4 }, bo);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "not supported");
	oc_fini(&c);

	oc_init(&c, "Add"); /* wrong input count */
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, f);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, NULL);
	oc_fini(&c);

	oc_init(&c, "Div"); /* integer division by zero: kernel error, no trap */
	oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ 4 }, i32);
	oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ 4 }, i32);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, NULL);
	assert_int_equal(c.stage, 2);
	oc_fini(&c);
}

/* ---- unary and activations ---------------------------------------------- */

static double ref_un(const char *op, double x, bool gelu_erf)
{
	if (!strcmp(op, "Neg"))
		return -x;
	if (!strcmp(op, "Exp"))
		return exp(x);
	if (!strcmp(op, "Log"))
		return log(x);
	if (!strcmp(op, "Sqrt"))
		return sqrt(x);
	if (!strcmp(op, "Rsqrt"))
		return 1.0 / sqrt(x);
	if (!strcmp(op, "Abs"))
		return fabs(x);
	if (!strcmp(op, "Relu"))
		return x > 0 ? x : 0.0;
	if (!strcmp(op, "Sigmoid"))
		return 1.0 / (1.0 + exp(-x));
	if (!strcmp(op, "Tanh"))
		return tanh(x);
	if (!strcmp(op, "Silu"))
		return x / (1.0 + exp(-x));
	if (!strcmp(op, "Gelu")) {
		if (gelu_erf)
			return 0.5 * x * (1.0 + erf(x / sqrt(2.0)));
		return 0.5 * x * (1.0 + tanh(sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x)));
	}
	fail_msg("no reference for %s", op);
	return 0;
}

static void run_unary(const char *op, int dt, int rank, const int64_t *dims, const char *approx)
{
	opcase_t c;
	oc_init(&c, op);
	bool pos = !strcmp(op, "Log") || !strcmp(op, "Sqrt") || !strcmp(op, "Rsqrt");
	double lo = pos ? 0.05 : -4.0, hi = 4.0;
	if (!oc_is_float(dt)) {
		lo = dt == WEIR_DT_UINT8 ? 0 : -120;
		hi = dt == WEIR_DT_UINT8 ? 255 : 120;
	}
	oc_in_gen(&c, dt, rank, dims, lo, hi);
	if (approx)
		oc_attr_str(&c, "approximate", approx);
	OC_EXPECT_OK(&c, 1);
	oc_expect_shape(&c, 0, dt, rank, dims);
	int64_t n = oc_numel(rank, dims);
	double *ref = malloc(sizeof(double) * (size_t)(n ? n : 1));
	assert_non_null(ref);
	for (int64_t k = 0; k < n; k++)
		ref[k] = ref_un(op, oc_ld(&c, 0, k), approx && !strcmp(approx, "none"));
	/* float32 transcendental functions: a few ulps. */
	oc_expect_close(&c, 0, ref, oc_is_float(dt) ? 4.0 : 1.0);
	free(ref);
	oc_fini(&c);
}

static void test_unary_all(void **state)
{
	(void)state;
	static const char *const fops[] = { "Neg",  "Exp",  "Log",     "Sqrt", "Rsqrt", "Abs",
		                            "Relu", "Gelu", "Sigmoid", "Tanh", "Silu" };
	static const struct {
		int r;
		int64_t d[8];
	} shapes[] = {
		{ 0, { 0 } },         { 1, { 1 } },     { 1, { 0 } },
		{ 2, { 3, 0 } },      { 2, { 7, 13 } }, { 8, { 1, 2, 1, 3, 1, 2, 1, 2 } },
		{ 2, { 200, 1000 } },
	};
	for (size_t o = 0; o < OC_N(fops); o++)
		for (size_t s = 0; s < OC_N(shapes); s++)
			for (size_t t = 0; t < OC_N(oc_float_dts); t++)
				run_unary(fops[o], oc_float_dts[t], shapes[s].r, shapes[s].d, NULL);
	/* Gelu both ways. */
	for (size_t t = 0; t < OC_N(oc_float_dts); t++) {
		run_unary("Gelu", oc_float_dts[t], 2, (int64_t[]){ 5, 9 }, "tanh");
		run_unary("Gelu", oc_float_dts[t], 2, (int64_t[]){ 5, 9 }, "none");
	}
	/* Integer forms. */
	static const int sints[] = { WEIR_DT_INT8, WEIR_DT_INT32, WEIR_DT_INT64 };
	for (size_t t = 0; t < OC_N(sints); t++)
		run_unary("Neg", sints[t], 2, (int64_t[]){ 4, 5 }, NULL);
	for (size_t t = 0; t < OC_N(oc_int_dts); t++) {
		run_unary("Abs", oc_int_dts[t], 2, (int64_t[]){ 4, 5 }, NULL);
		run_unary("Relu", oc_int_dts[t], 2, (int64_t[]){ 4, 5 }, NULL);
	}
}

static void test_unary_errors(void **state)
{
	(void)state;
	opcase_t c;
	int32_t i32[4] = { 0 };
	uint8_t u8[4] = { 0 };
	float f[4] = { 0 };
	static const char *const fonly[] = { "Exp",  "Log",     "Sqrt", "Rsqrt",
		                             "Gelu", "Sigmoid", "Tanh", "Silu" };
	for (size_t o = 0; o < OC_N(fonly); o++) {
		oc_init(&c, fonly[o]);
		oc_in(&c, WEIR_DT_INT32, 1, (int64_t[]){ 4 }, i32);
		OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "not supported");
		oc_fini(&c);
	}
	oc_init(&c, "Neg"); /* unsigned negation is rejected */
	oc_in(&c, WEIR_DT_UINT8, 1, (int64_t[]){ 4 }, u8);
	OC_EXPECT_FAIL(&c, 1, WEIR_ESHAPE, "not supported");
	oc_fini(&c);

	oc_init(&c, "Gelu");
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, f);
	oc_attr_str(&c, "approximate", "fast");
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "approximate");
	oc_fini(&c);

	oc_init(&c, "Gelu"); /* attr of the wrong type */
	oc_in(&c, WEIR_DT_FLOAT, 1, (int64_t[]){ 4 }, f);
	oc_attr_int(&c, "approximate", 1);
	OC_EXPECT_FAIL(&c, 1, WEIR_EINVAL, "must be a string");
	oc_fini(&c);
}

static void test_registry_has_all_builtins(void **state)
{
	(void)state;
	static const char *const names[] = {
		"Add",
		"Sub",
		"Mul",
		"Div",
		"Maximum",
		"Minimum",
		"Neg",
		"Exp",
		"Log",
		"Sqrt",
		"Rsqrt",
		"Abs",
		"Pow",
		"Relu",
		"Gelu",
		"Sigmoid",
		"Tanh",
		"Silu",
		"Cast",
		"MatMul",
		"BatchMatMul",
		"Softmax",
		"LayerNorm",
		"RMSNorm",
		"ReduceSum",
		"ReduceMean",
		"ReduceMax",
		"Transpose",
		"Reshape",
		"Concat",
		"Split",
		"Slice",
		"Gather",
		"Conv2D",
		"MaxPool",
		"AvgPool",
		/* Issue 11 (g2): reductions, norms, sorting. */
		"ReduceMin",
		"ReduceProd",
		"ArgMax",
		"ArgMin",
		"LogSoftmax",
		"BatchNorm",
		"GroupNorm",
		"TopK",
		"Sort",
		/* issue 11: selection, generation, pooling */
		"Where",
		"Tril",
		"Triu",
		"Range",
		"Expand",
		"AdaptiveAvgPool2d",
		"AdaptiveMaxPool2d",
		"Conv2DTranspose",
		/* Unary math, comparisons and logic (math.c). */
		"Sin",
		"Cos",
		"Erf",
		"Floor",
		"Ceil",
		"Round",
		"Reciprocal",
		"Sign",
		"ClipByValue",
		"Equal",
		"NotEqual",
		"Less",
		"LessEqual",
		"Greater",
		"GreaterEqual",
		"LogicalAnd",
		"LogicalOr",
		"LogicalNot",
		/* Issue 12 (opsa): act2.c, math2.c. */
		"LeakyRelu",
		"Elu",
		"Selu",
		"Celu",
		"HardSigmoid",
		"HardSwish",
		"Softplus",
		"Softsign",
		"ThresholdedRelu",
		"Mish",
		"Shrink",
		"PRelu",
		"Hardmax",
		"Tan",
		"Asin",
		"Acos",
		"Atan",
		"Sinh",
		"Cosh",
		"Asinh",
		"Acosh",
		"Atanh",
		"IsNaN",
		"IsInf",
		"Mod",
		"BitShift",
		"Xor",
		/* Issue 12 (opsc): reductions, norms, Resize, Einsum. */
		"ReduceL1",
		"ReduceL2",
		"ReduceLogSum",
		"ReduceLogSumExp",
		"ReduceSumSquare",
		"InstanceNormalization",
		"LRN",
		"MeanVarianceNormalization",
		"LpNormalization",
		"Resize",
		"Einsum",
		/* Issue 12 (opsb): data movement and indexing. */
		"Tile",
		"Pad",
		"CumSum",
		"ScatterElements",
		"ScatterND",
		"GatherND",
		"OneHot",
		"DepthToSpace",
		"SpaceToDepth",
		"EyeLike",
		"ReverseSequence",
	};
	for (size_t i = 0; i < OC_N(names); i++) {
		const weir_op_def_t *d = weir__op_lookup(names[i]);
		if (!d)
			fail_msg("built-in op %s missing", names[i]);
		assert_string_equal(d->name, names[i]);
		assert_true(weir_op_exists(names[i]));
	}
}

/* weir__op_eval (constant folding's path) gives the harness's bytes. */
static void test_eval_matches_harness(void **state)
{
	(void)state;
	opcase_t c;
	oc_init(&c, "Sub");
	oc_in_gen(&c, WEIR_DT_BF16, 2, (int64_t[]){ 33, 17 }, -5, 5);
	oc_in_gen(&c, WEIR_DT_BF16, 1, (int64_t[]){ 17 }, -5, 5);
	OC_EXPECT_OK(&c, 1);
	weir_tensor_desc_t od;
	void *out = NULL;
	char msg[256];
	for (uint32_t nb = 0; nb < 5; nb += 2) {
		assert_int_equal(weir__op_eval("Sub", c.in_desc, c.in, 2, c.attrs, 1, &od, &out, nb,
		                               msg, sizeof(msg)),
		                 WEIR_OK);
		assert_true(weir_tensor_desc_equal(&od, &c.out_desc[0]));
		assert_memory_equal(out, c.out[0], (size_t)weir_tensor_desc_bytes(&od));
		weir__free(out);
	}
	oc_fini(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry_has_all_builtins),
		cmocka_unit_test(test_binary_all_dtypes_and_shapes),
		cmocka_unit_test(test_binary_multiblock),
		cmocka_unit_test(test_binary_special_values),
		cmocka_unit_test(test_binary_errors),
		cmocka_unit_test(test_unary_all),
		cmocka_unit_test(test_unary_errors),
		cmocka_unit_test(test_eval_matches_harness),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
