/*
 * tests/fuzz/fuzz_onnx_parse.c - libFuzzer harness for the ONNX importer
 * (acl_compat/ge/parser/onnx.c): the input is the bytes of a model.
 *
 * Each input is parsed as a ModelProto (weir_onnx_parse_mem, no base
 * directory, so external data is refused rather than read) and as a
 * TensorProto (weir_onnx_tensor_decode). Oracle: no sanitizer report, and
 * every failure is one of the documented codes (EINVAL, ENOTSUP, ENOMEM).
 * A graph that parses is dumped and destroyed (LSan checks the frees).
 *
 * Seeds: scripts/fuzz.sh copies a handful of ONNX's backend test models
 * (Debian libonnx-testdata) into the run's scratch corpus; the checked-in
 * corpus (tests/fuzz/corpus/onnx_parse) holds only small inputs written
 * for weir, never copied ONNX files.
 */
#include <stdint.h>
#include <stdlib.h>
#include "ge/weir_ge.h"

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
