/*
 * tests/fuzz/fuzz_onnx_parse.c - libFuzzer harness for the ONNX importer
 * (acl_compat/ge/parser/onnx.c): the input is the bytes of a model.
 *
 * Each input is parsed as a ModelProto (weir_onnx_parse_mem, no base
 * directory, so external data is refused rather than read) and as a
 * TensorProto (weir_onnx_tensor_decode). Oracle: no sanitizer report, and
 * every failure is one of the documented codes (EINVAL, ENOTSUP, ENOMEM).
 * A graph that parses is dumped, then lowered onto the op library (inputs
 * take their declared types with unknown dims as 1, and every input value a
 * rule asks for reads as zeros: lower.c and every ONNX rule see the fuzzed
 * graph, and must fail cleanly), and destroyed (LSan checks the frees).
 *
 * Seeds: scripts/fuzz.sh copies a handful of ONNX's backend test models
 * (Debian libonnx-testdata) into the run's scratch corpus; the checked-in
 * corpus (tests/fuzz/corpus/onnx_parse) holds only small inputs written
 * for weir, never copied ONNX files.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "ge/weir_ge.h"

static uint8_t zeros[1 << 16];

static int zero_value(uint32_t input, const void **data, void *user)
{
	const weir_tensor_desc_t *in = user;
	int64_t b = weir_tensor_desc_bytes(&in[input]);
	if (b < 0 || b > (int64_t)sizeof(zeros))
		return WEIR_ENOTSUP;
	*data = zeros;
	return WEIR_OK;
}

/* Lower with the declared input types: unknown dims 1, unknown rank scalar,
 * unknown dtype float; inputs over 64 KiB are not tried. */
static void lower(const weir_fg_t *g)
{
	uint32_t n = weir_fg_input_count(g);
	if (n > 64)
		return;
	weir_tensor_desc_t in[64];
	for (uint32_t i = 0; i < n; i++) {
		weir_fg_desc_t d;
		if (weir_fg_input_desc(g, i, &d) != WEIR_OK)
			return;
		int64_t dims[WEIR_MAX_RANK];
		uint32_t rank = d.rank < 0 ? 0 : (uint32_t)d.rank;
		for (uint32_t k = 0; k < rank; k++)
			dims[k] = d.dims[k] < 0 ? 1 : d.dims[k];
		int dt = d.dtype == WEIR_DT_UNDEFINED ? WEIR_DT_FLOAT : d.dtype;
		if (weir_tensor_desc_init(&in[i], dt, rank, dims) != WEIR_OK ||
		    weir_tensor_desc_bytes(&in[i]) > (int64_t)sizeof(zeros))
			return;
	}
	weir_graph_t *ng = NULL;
	int rc = weir_fg_lower(g, in, n, zero_value, in, &ng, NULL);
	if (rc == WEIR_OK)
		weir_graph_destroy(ng);
	else if (rc > 0 || ng != NULL)
		abort(); /* a failed lowering returns a weir code and no graph */
}

static void check(int rc)
{
	if (rc != WEIR_OK && rc != WEIR_EINVAL && rc != WEIR_ENOTSUP && rc != WEIR_ENOMEM)
		abort(); /* an undocumented code */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	weir_fg_t *g = NULL;
	int rc = weir_onnx_parse_mem(data, size, NULL, &g);
	check(rc);
	if (rc == WEIR_OK) {
		char *dump = NULL;
		if (weir_fg_dump(g, &dump) == WEIR_OK)
			weir_graph_dump_free(dump);
		lower(g);
		weir_fg_destroy(g);
	}
	weir_tensor_desc_t d;
	void *bytes = NULL;
	rc = weir_onnx_tensor_decode(data, size, &d, &bytes);
	check(rc);
	if (rc == WEIR_OK)
		free(bytes);
	return 0;
}
