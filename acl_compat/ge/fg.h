/*
 * acl_compat/ge/fg.h - the front-end graph's layout (ge/weir_ge.h
 * weir_fg_t), shared by its builder (fgraph.c) and the lowering engine
 * (lower.c). Immutable once built; owned arrays throughout.
 */
#ifndef WEIR_ACL_GE_FG_H
#define WEIR_ACL_GE_FG_H

#include "ge/weir_ge.h"

enum { FG_FROM_INPUT = -1, FG_FROM_CONST = -2 };

struct fg_value {
	int32_t producer; /* node number, FG_FROM_INPUT or FG_FROM_CONST */
	uint32_t port;    /* output of the node; input position; const number */
};

struct fg_input {
	char *name;
	uint32_t index; /* Data index: position among the graph's inputs */
	weir_fg_desc_t desc;
	int32_t value;
};

struct fg_const {
	char *name;
	weir_tensor_desc_t desc;
	void *data; /* weir_tensor_desc_bytes(desc) bytes (NULL when 0) */
};

struct fg_node {
	char *name, *type;
	uint32_t nin, nout;
	int32_t *in;       /* nin value ids or WEIR_FG_NONE */
	int32_t first_out; /* outputs are values first_out .. first_out+nout-1 */
	weir_attrs_t *attrs;
	uint32_t *after; /* control edges: nodes this one runs after */
	uint32_t nafter;
};

struct weir_fg {
	char *name;
	int domain, opset;
	struct fg_value *values;
	uint32_t nvalues, cap_values;
	struct fg_input *inputs;
	uint32_t ninputs, cap_inputs;
	struct fg_const *consts;
	uint32_t nconsts, cap_consts;
	struct fg_node *nodes;
	uint32_t nnodes, cap_nodes;
	int32_t *outputs;
	uint32_t noutputs;
};

#endif /* WEIR_ACL_GE_FG_H */
