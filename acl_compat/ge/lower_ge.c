/*
 * acl_compat/ge/lower_ge.c - lowering rules for GE IR op types (the ops of
 * GE's op-prototype headers, include/ge/op_proto/) onto the op library
 * (lower.h). Port order is the REG_OP declaration order of each op.
 */
#include "acl_compat/ge/lower.h"

const lw_rule_t weir__lw_rules_ge[] = {
	{ "Add", lw_rule_same, "Add" },         { "Sub", lw_rule_same, "Sub" },
	{ "Mul", lw_rule_same, "Mul" },         { "RealDiv", lw_rule_same, "Div" },
	{ "Div", lw_rule_same, "Div" },         { "Relu", lw_rule_same, "Relu" },
	{ "Identity", lw_rule_identity, NULL },
};
const size_t weir__lw_rules_ge_count = sizeof(weir__lw_rules_ge) / sizeof(weir__lw_rules_ge[0]);
