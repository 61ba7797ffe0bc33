/*
 * graph/graph_internal.h - private IR structures of weir/graph.h.
 *
 * Guard legend (shared/design/style.md): a graph under construction is owned
 * by one thread (O: owner only). Once a session adds it, the session keeps a
 * private clone that is immutable (I) from then on, so compiled plans and
 * kernels may point into it (attrs, const bytes, names) without locks.
 */
#ifndef WEIR_GRAPH_INTERNAL_H
#define WEIR_GRAPH_INTERNAL_H

#include <stdarg.h>
#include <stdio.h>
#include "weir/graph.h"

struct weir_attr {
	char *name;
	int type; /* weir_attr_type_t */
	union {
		int64_t i;
		float f;
		bool b;
		char *s;
		struct {
			void *p;
			size_t n;
		} list; /* INTS: int64_t[], FLOATS: float[] */
		struct {
			weir_tensor_desc_t desc;
			void *data;
		} t;
	} v;
};

struct weir_attrs {
	struct weir_attr *v; /* O */
	size_t n, cap;       /* O */
};

enum wg_kind { WG_OP = 0, WG_DATA = 1, WG_CONST = 2 };

struct wg_node {
	char *name;              /* O, then I */
	char *op;                /* O, then I */
	int kind;                /* enum wg_kind */
	uint32_t data_index;     /* WG_DATA */
	weir_tensor_desc_t desc; /* WG_DATA / WG_CONST output desc */
	void *const_data;        /* WG_CONST: weir__malloc'd copy */
	weir_port_t *in;         /* nin ports */
	uint32_t nin;
	uint32_t nout; /* 0 = op's fixed count (resolved at compile) */
	struct weir_attrs attrs;
};

struct wg_option {
	char *key, *value;
};

struct weir_graph {
	char *name;
	struct wg_node **nodes; /* node id -> node (stable addresses) */
	uint32_t n, cap;
	uint32_t *ctrl; /* pairs (from, to) */
	uint32_t nctrl, ctrl_cap;
	weir_port_t *outs;
	uint32_t nouts;
	struct wg_option *opts;
	uint32_t nopts;
	uint32_t *hash;    /* open addressing: node id + 1, 0 = empty */
	uint32_t hash_cap; /* power of two, >= 2n */
};

/* Thread-local last-error message (weir_graph_last_error). Returns code. */
int weir__graph_err(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int weir__graph_verr(int code, const char *fmt, va_list ap);
void weir__graph_err_clear(void);

/* Attrs helpers for embedded maps. */
void weir__attrs_fini(struct weir_attrs *a);
/* Deep copy of src into an empty dst; WEIR_OK or WEIR_ENOMEM (dst empty). */
int weir__attrs_copy_into(struct weir_attrs *dst, const struct weir_attrs *src);

/* Option lookup in a graph ("" keys never stored); NULL if absent. */
const char *weir__graph_option(const weir_graph_t *g, const char *key);

/* Growable string buffer for dumps. */
struct wg_buf {
	char *p;
	size_t n, cap;
	int err;
};
void wg_buf_printf(struct wg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void wg_buf_json_str(struct wg_buf *b, const char *s);

#endif
