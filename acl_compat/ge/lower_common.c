/*
 * acl_compat/ge/lower_common.c - lowering rules shared by the GE IR and
 * ONNX front ends (lower.h).
 */
#include "acl_compat/ge/lower.h"

int lw_rule_same(lw_t *L, const lw_node_t *n, const char *arg)
{
	int in[64], out[64];
	uint32_t nin = 0;
	for (uint32_t i = 0; i < lw_nin(n); i++) {
		int lv = lw_in(L, n, i);
		if (lv < 0)
			continue;
		if (nin == 64)
			return lw_fail(L, n, WEIR_ENOTSUP, "more than 64 inputs");
		in[nin++] = lv;
	}
	uint32_t nout = lw_nout(n);
	if (nout > 64)
		return lw_fail(L, n, WEIR_ENOTSUP, "more than 64 outputs");
	int rc = lw_op(L, n, arg, in, nin, lw_attrs(n), nout, out);
	for (uint32_t j = 0; j < (nout ? nout : 1) && !rc; j++)
		rc = lw_out(L, n, j, out[j]);
	return rc;
}

int lw_rule_identity(lw_t *L, const lw_node_t *n, const char *arg)
{
	(void)arg;
	int lv = lw_in(L, n, 0);
	if (lv < 0)
		return lw_fail(L, n, WEIR_EINVAL, "input 0 is absent");
	return lw_out(L, n, 0, lv);
}
