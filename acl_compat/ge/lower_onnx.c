/*
 * acl_compat/ge/lower_onnx.c - lowering rules for ONNX node types (ai.onnx,
 * opsets 7-17) onto the op library (lower.h).
 */
#include "acl_compat/ge/lower.h"

const lw_rule_t weir__lw_rules_onnx[] = {
	{ "Add", lw_rule_same, "Add" },   { "Sub", lw_rule_same, "Sub" },
	{ "Mul", lw_rule_same, "Mul" },   { "Div", lw_rule_same, "Div" },
	{ "Relu", lw_rule_same, "Relu" }, { "Identity", lw_rule_identity, NULL },
};
const size_t weir__lw_rules_onnx_count =
        sizeof(weir__lw_rules_onnx) / sizeof(weir__lw_rules_onnx[0]);
