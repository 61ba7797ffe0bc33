/*
 * acl_compat/ge/parser/onnx.c - ONNX ModelProto -> front-end graph
 * (ge/weir_ge.h, "ONNX import"). Decoding is protobuf-c's, over bindings
 * generated at build time from Debian's onnx.proto (never committed); this
 * file only walks the decoded message and checks what it relies on:
 *
 *  1. Every size read from the model is checked before it is used: dims are
 *     >= 0, rank <= WEIR_MAX_RANK, the element count fits (weir_tensor_desc_
 *     init), and a tensor's data holds exactly that many elements.
 *  2. Every value name a node input or graph output uses was defined before
 *     (graph input, initializer or an earlier node's output); a name is
 *     defined once.
 *  3. Before protobuf-c runs, a scan of the wire format (pb_depth_ok) bounds
 *     message nesting, since protobuf-c's unpack recurses once per level.
 *  4. Every failure returns a code with a message naming the model part;
 *     nothing is half-built (the graph is destroyed on any failure).
 *
 * Allocations inside protobuf-c go through base/alloc.h like the rest of
 * the library, so failure injection reaches them.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ge/weir_ge.h"
#include "weir/session.h"
#include "base/alloc.h"
#include "onnx.pb-c.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "ONNX raw_data is little-endian; this importer copies it as is"
#endif

#define ONNX_MAX_DEPTH 100 /* protobuf message nesting accepted */

/* ---- protobuf-c glue ------------------------------------------------------ */

static void *pb_alloc(void *data, size_t size)
{
	(void)data;
	return weir__malloc(size ? size : 1);
}

static void pb_free(void *data, void *p)
{
	(void)data;
	weir__free(p);
}

static ProtobufCAllocator pb_allocator = { pb_alloc, pb_free, NULL };

static bool rd_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	uint64_t r = 0;
	for (unsigned shift = 0; shift < 64 && *p < end; shift += 7) {
		uint8_t b = *(*p)++;
		r |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = r;
			return true;
		}
	}
	return false;
}

/* Nesting of the messages in [p, p + n) described by d is at most
 * ONNX_MAX_DEPTH - depth. Malformed wire data is left to protobuf-c to
 * report (returns true); only excessive depth returns false. Recursion is
 * bounded by ONNX_MAX_DEPTH. */
static bool pb_depth_ok(const uint8_t *p, size_t n, const ProtobufCMessageDescriptor *d, int depth)
{
	const uint8_t *end = p + n;
	while (p < end) {
		uint64_t tag, len;
		if (!rd_varint(&p, end, &tag))
			return true;
		switch (tag & 7) {
		case 0:
			if (!rd_varint(&p, end, &len))
				return true;
			break;
		case 1:
			if ((size_t)(end - p) < 8)
				return true;
			p += 8;
			break;
		case 5:
			if ((size_t)(end - p) < 4)
				return true;
			p += 4;
			break;
		case 2: {
			if (!rd_varint(&p, end, &len) || len > (uint64_t)(end - p))
				return true;
			uint64_t num = tag >> 3;
			const ProtobufCFieldDescriptor *f =
			        num <= UINT_MAX
			                ? protobuf_c_message_descriptor_get_field(d, (unsigned)num)
			                : NULL;
			if (f && f->type == PROTOBUF_C_TYPE_MESSAGE) {
				if (depth + 1 >= ONNX_MAX_DEPTH)
					return false;
				if (!pb_depth_ok(p, (size_t)len, f->descriptor, depth + 1))
					return false;
			}
			p += len;
			break;
		}
		default: return true; /* groups and junk: protobuf-c refuses them */
		}
	}
	return true;
}

/* ---- errors --------------------------------------------------------------- */

#define onnx_err(code, ...) weir__graph_err((code), "onnx: " __VA_ARGS__)

/* ---- dtypes and tensors --------------------------------------------------- */

/* ONNX TensorProto.DataType -> weir dtype; WEIR_DT_UNDEFINED if unsupported. */
static int onnx_dtype(int32_t t)
{
	switch (t) {
	case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT: return WEIR_DT_FLOAT;
	case ONNX__TENSOR_PROTO__DATA_TYPE__UINT8: return WEIR_DT_UINT8;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT8: return WEIR_DT_INT8;
	case ONNX__TENSOR_PROTO__DATA_TYPE__UINT16: return WEIR_DT_UINT16;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT16: return WEIR_DT_INT16;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT32: return WEIR_DT_INT32;
	case ONNX__TENSOR_PROTO__DATA_TYPE__INT64: return WEIR_DT_INT64;
	case ONNX__TENSOR_PROTO__DATA_TYPE__BOOL: return WEIR_DT_BOOL;
	case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT16: return WEIR_DT_FLOAT16;
	case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE: return WEIR_DT_DOUBLE;
	case ONNX__TENSOR_PROTO__DATA_TYPE__UINT32: return WEIR_DT_UINT32;
	case ONNX__TENSOR_PROTO__DATA_TYPE__UINT64: return WEIR_DT_UINT64;
	case ONNX__TENSOR_PROTO__DATA_TYPE__BFLOAT16: return WEIR_DT_BF16;
	default: return WEIR_DT_UNDEFINED;
	}
}

static const char *onnx_dtype_name(int32_t t)
{
	static const char *const names[] = {
		"UNDEFINED", "FLOAT",  "UINT8",     "INT8",       "UINT16",   "INT16",
		"INT32",     "INT64",  "STRING",    "BOOL",       "FLOAT16",  "DOUBLE",
		"UINT32",    "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16",
	};
	return t >= 0 && (size_t)t < sizeof(names) / sizeof(names[0]) ? names[t] : "unknown";
}

/* Element type check shared by tensors and graph inputs. `what` names the
 * model part for the message. */
static int onnx_dtype_check(int32_t t, const char *what, int *dtype)
{
	*dtype = onnx_dtype(t);
	if (*dtype != WEIR_DT_UNDEFINED)
		return WEIR_OK;
	if (t == ONNX__TENSOR_PROTO__DATA_TYPE__UNDEFINED)
		return onnx_err(WEIR_EINVAL, "%s has no element type", what);
	return onnx_err(WEIR_ENOTSUP, "%s has element type %s (%d), which weir does not support",
	                what, onnx_dtype_name(t), (int)t);
}

/* Where external data lives: base_dir + location, checked not to escape. */
static int ext_path(const char *base_dir, const char *loc, const char *what, char **out)
{
	if (!base_dir)
		return onnx_err(WEIR_ENOTSUP,
		                "%s has external data ('%s') but the model was given without a "
		                "base directory",
		                what, loc);
	if (!*loc || loc[0] == '/')
		return onnx_err(WEIR_EINVAL,
		                "%s: external data location '%s' is not a relative path", what,
		                loc);
	for (const char *s = loc; *s;) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n == 2 && s[0] == '.' && s[1] == '.')
			return onnx_err(
			        WEIR_EINVAL,
			        "%s: external data location '%s' leaves the model's directory",
			        what, loc);
		s += n + (e != NULL);
	}
	char *base = realpath(base_dir, NULL);
	if (!base)
		return onnx_err(WEIR_EINVAL, "%s: model directory '%s': %s", what, base_dir,
		                strerror(errno));
	size_t need = strlen(base) + strlen(loc) + 2;
	char *joined = weir__malloc(need);
	if (!joined) {
		free(base);
		return onnx_err(WEIR_ENOMEM, "out of memory");
	}
	snprintf(joined, need, "%s/%s", base, loc);
	char *real = realpath(joined, NULL);
	weir__free(joined);
	if (!real) {
		int e = errno;
		free(base);
		return onnx_err(WEIR_EINVAL, "%s: external data '%s': %s", what, loc, strerror(e));
	}
	size_t bl = strlen(base);
	bool inside = strncmp(real, base, bl) == 0 && (real[bl] == '/' || bl == 1);
	free(base);
	if (!inside) {
		free(real);
		return onnx_err(WEIR_EINVAL,
		                "%s: external data '%s' resolves outside the model's directory",
		                what, loc);
	}
	*out = real; /* malloc'd by realpath */
	return WEIR_OK;
}

static bool parse_u64(const char *s, uint64_t *v)
{
	if (!s || !*s || *s == '-' || *s == '+')
		return false;
	char *end;
	errno = 0;
	unsigned long long r = strtoull(s, &end, 10);
	if (errno || *end)
		return false;
	*v = r;
	return true;
}

/* Read external data into a new buffer (*out), allocated only once the
 * file is known to hold the bytes, so dims alone never size an allocation. */
static int ext_read(const Onnx__TensorProto *t, const char *base_dir, const char *what,
                    size_t bytes, void **out)
{
	const char *loc = NULL;
	uint64_t off = 0, len = bytes;
	bool has_len = false;
	for (size_t i = 0; i < t->n_external_data; i++) {
		const Onnx__StringStringEntryProto *e = t->external_data[i];
		if (!e->key || !e->value)
			continue;
		if (!strcmp(e->key, "location"))
			loc = e->value;
		else if (!strcmp(e->key, "offset") && !parse_u64(e->value, &off))
			return onnx_err(WEIR_EINVAL,
			                "%s: external data offset '%s' is not a number", what,
			                e->value);
		else if (!strcmp(e->key, "length")) {
			if (!parse_u64(e->value, &len))
				return onnx_err(WEIR_EINVAL,
				                "%s: external data length '%s' is not a number",
				                what, e->value);
			has_len = true;
		}
	}
	if (!loc)
		return onnx_err(WEIR_EINVAL, "%s: external data without a location", what);
	if (has_len && len != bytes)
		return onnx_err(WEIR_EINVAL,
		                "%s: external data length %llu, but its dims need %zu bytes", what,
		                (unsigned long long)len, bytes);
	char *path = NULL;
	int rc = ext_path(base_dir, loc, what, &path);
	if (rc)
		return rc;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		free(path);
		return onnx_err(WEIR_EINVAL, "%s: external data '%s' is not a readable file%s%s",
		                what, loc, e ? ": " : "", e ? strerror(e) : "");
	}
	free(path);
	if (off > (uint64_t)st.st_size || (uint64_t)st.st_size - off < bytes) {
		close(fd);
		return onnx_err(WEIR_EINVAL,
		                "%s: external data '%s' has %lld bytes; offset %llu + %zu needed",
		                what, loc, (long long)st.st_size, (unsigned long long)off, bytes);
	}
	char *dst = weir__malloc(bytes);
	if (!dst) {
		close(fd);
		return onnx_err(WEIR_ENOMEM, "%s: out of memory for %zu bytes", what, bytes);
	}
	size_t got = 0;
	while (got < bytes) {
		ssize_t r = pread(fd, dst + got, bytes - got, (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			close(fd);
			weir__free(dst);
			return onnx_err(WEIR_EINVAL, "%s: reading external data '%s' failed", what,
			                loc);
		}
		got += (size_t)r;
	}
	close(fd);
	*out = dst;
	return WEIR_OK;
}

static int count_check(size_t have, int64_t numel, const char *field, const char *what)
{
	if ((uint64_t)numel == have)
		return WEIR_OK;
	return onnx_err(WEIR_EINVAL, "%s has %zu values in %s, but its dims need %lld", what, have,
	                field, (long long)numel);
}

/* Decode t into desc + a new weir__malloc'd buffer (*data; NULL when empty).
 * `what` names it in messages ("initializer 'w'"). */
static int tensor_decode(const Onnx__TensorProto *t, const char *base_dir, const char *what,
                         weir_tensor_desc_t *desc, void **data)
{
	int dtype, rc;
	if ((rc = onnx_dtype_check(t->has_data_type ? t->data_type : 0, what, &dtype)))
		return rc;
	if (t->n_dims > WEIR_MAX_RANK)
		return onnx_err(WEIR_ENOTSUP, "%s has rank %zu (weir supports at most %d)", what,
		                t->n_dims, WEIR_MAX_RANK);
	for (size_t i = 0; i < t->n_dims; i++)
		if (t->dims[i] < 0)
			return onnx_err(WEIR_EINVAL, "%s has dim %zu = %lld", what, i,
			                (long long)t->dims[i]);
	if (t->segment)
		return onnx_err(WEIR_ENOTSUP, "%s is a segment of a larger tensor", what);
	if (weir_tensor_desc_init(desc, dtype, (uint32_t)t->n_dims, t->dims) != WEIR_OK)
		return onnx_err(WEIR_EINVAL, "%s has dims too large", what);
	int64_t numel = weir_tensor_desc_numel(desc);
	int64_t bytes64 = weir_tensor_desc_bytes(desc);
	if (numel < 0 || bytes64 < 0 || (uint64_t)bytes64 > SIZE_MAX)
		return onnx_err(WEIR_EINVAL, "%s has dims too large", what);
	size_t bytes = (size_t)bytes64;
	bool external = t->has_data_location &&
	                t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
	/* Size the data before allocating, so a huge dims list with no data
	 * fails without asking for the memory. */
	if (!external) {
		if (t->has_raw_data) {
			if (t->raw_data.len != bytes)
				return onnx_err(
				        WEIR_EINVAL,
				        "%s has %zu bytes of raw_data, but its dims need %zu", what,
				        t->raw_data.len, bytes);
		} else {
			switch (dtype) {
			case WEIR_DT_FLOAT:
				rc = count_check(t->n_float_data, numel, "float_data", what);
				break;
			case WEIR_DT_INT64:
				rc = count_check(t->n_int64_data, numel, "int64_data", what);
				break;
			case WEIR_DT_DOUBLE:
				rc = count_check(t->n_double_data, numel, "double_data", what);
				break;
			case WEIR_DT_UINT32:
			case WEIR_DT_UINT64:
				rc = count_check(t->n_uint64_data, numel, "uint64_data", what);
				break;
			default: /* int32, int16, int8, uint16, uint8, bool, float16, bfloat16 */
				rc = count_check(t->n_int32_data, numel, "int32_data", what);
				break;
			}
			if (rc)
				return rc;
		}
	}
	void *buf = NULL;
	if (external) {
		if (bytes && (rc = ext_read(t, base_dir, what, bytes, &buf)))
			return rc;
		*data = buf;
		return WEIR_OK;
	}
	if (bytes && !(buf = weir__malloc(bytes)))
		return onnx_err(WEIR_ENOMEM, "%s: out of memory for %zu bytes", what, bytes);
	if (t->has_raw_data) {
		if (bytes)
			memcpy(buf, t->raw_data.data, bytes);
	} else {
		size_t n = (size_t)numel;
		for (size_t i = 0; i < n; i++) {
			switch (dtype) {
			case WEIR_DT_FLOAT: ((float *)buf)[i] = t->float_data[i]; break;
			case WEIR_DT_INT64: ((int64_t *)buf)[i] = t->int64_data[i]; break;
			case WEIR_DT_DOUBLE: ((double *)buf)[i] = t->double_data[i]; break;
			case WEIR_DT_UINT32:
				((uint32_t *)buf)[i] = (uint32_t)t->uint64_data[i];
				break;
			case WEIR_DT_UINT64: ((uint64_t *)buf)[i] = t->uint64_data[i]; break;
			case WEIR_DT_INT32: ((int32_t *)buf)[i] = t->int32_data[i]; break;
			case WEIR_DT_INT16: ((int16_t *)buf)[i] = (int16_t)t->int32_data[i]; break;
			case WEIR_DT_INT8: ((int8_t *)buf)[i] = (int8_t)t->int32_data[i]; break;
			case WEIR_DT_UINT8: ((uint8_t *)buf)[i] = (uint8_t)t->int32_data[i]; break;
			case WEIR_DT_BOOL: ((uint8_t *)buf)[i] = t->int32_data[i] != 0; break;
			default: /* uint16, float16, bfloat16: 16-bit patterns */
				((uint16_t *)buf)[i] = (uint16_t)t->int32_data[i];
				break;
			}
		}
	}
	*data = buf;
	return WEIR_OK;
}

/* ---- value names ------------------------------------------------------------ */

/* Open addressing, linear probing, capacity a power of two >= 2 * entries.
 * Keys point into the decoded message (it outlives the table). */
typedef struct names {
	const char **key;
	int32_t *val;
	size_t cap;
} names_t;

static uint64_t name_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	return h;
}

static int names_init(names_t *t, size_t entries)
{
	size_t cap = 16;
	while (cap < entries * 2) {
		if (cap > SIZE_MAX / 4 / sizeof(void *))
			return onnx_err(WEIR_ENOMEM, "too many values");
		cap *= 2;
	}
	t->key = weir__calloc(cap, sizeof(*t->key));
	t->val = weir__calloc(cap, sizeof(*t->val));
	t->cap = cap;
	if (!t->key || !t->val) {
		weir__free(t->key);
		weir__free(t->val);
		t->key = NULL;
		t->val = NULL;
		return onnx_err(WEIR_ENOMEM, "out of memory");
	}
	return WEIR_OK;
}

static void names_fini(names_t *t)
{
	weir__free(t->key);
	weir__free(t->val);
}

/* The slot holding `name`, or the empty slot where it would go. */
static size_t names_slot(const names_t *t, const char *name)
{
	size_t i = (size_t)name_hash(name) & (t->cap - 1);
	while (t->key[i] && strcmp(t->key[i], name) != 0)
		i = (i + 1) & (t->cap - 1);
	return i;
}

static bool names_find(const names_t *t, const char *name, int32_t *v)
{
	size_t i = names_slot(t, name);
	if (!t->key[i])
		return false;
	*v = t->val[i];
	return true;
}

/* The table was sized for every name the model can define, so it never
 * fills. false: already defined. */
static bool names_put(names_t *t, const char *name, int32_t v)
{
	size_t i = names_slot(t, name);
	if (t->key[i])
		return false;
	t->key[i] = name;
	t->val[i] = v;
	return true;
}

/* ---- attributes --------------------------------------------------------------- */

static const char *s_or(const char *s, const char *dflt)
{
	return s && *s ? s : dflt;
}

/* The attribute's type, inferred from the fields set when an old model left
 * it UNDEFINED. */
static int attr_type(const Onnx__AttributeProto *a)
{
	if (a->has_type && a->type != ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__UNDEFINED)
		return (int)a->type;
	if (a->has_f)
		return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT;
	if (a->has_i)
		return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT;
	if (a->has_s)
		return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING;
	if (a->t)
		return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR;
	if (a->g)
		return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPH;
	if (a->n_floats)
		return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS;
	if (a->n_ints)
		return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS;
	if (a->n_strings)
		return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRINGS;
	return ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__UNDEFINED;
}

static const char *attr_type_name(int t)
{
	switch (t) {
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPH: return "GRAPH";
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPHS: return "GRAPHS";
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSORS: return "TENSORS";
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__SPARSE_TENSOR: return "SPARSE_TENSOR";
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__SPARSE_TENSORS: return "SPARSE_TENSORS";
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TYPE_PROTO: return "TYPE_PROTO";
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TYPE_PROTOS: return "TYPE_PROTOS";
	default: return "unknown";
	}
}

/* A NUL-terminated copy of a protobuf bytes field; NULL with *rc set when it
 * holds a NUL (not representable in a weir string attr). */
static char *bytes_str(ProtobufCBinaryData b, char forbid, const char *node, const char *type,
                       const char *attr, int *rc)
{
	if (b.len && (memchr(b.data, 0, b.len) || (forbid && memchr(b.data, forbid, b.len)))) {
		*rc = onnx_err(WEIR_ENOTSUP,
		               "node '%s' (%s): attribute '%s' holds a %s character, which a weir "
		               "string attribute cannot carry",
		               node, type, attr,
		               forbid && !memchr(b.data, 0, b.len) ? "newline" : "NUL");
		return NULL;
	}
	char *s = weir__malloc(b.len + 1);
	if (!s) {
		*rc = onnx_err(WEIR_ENOMEM, "out of memory");
		return NULL;
	}
	if (b.len)
		memcpy(s, b.data, b.len);
	s[b.len] = 0;
	return s;
}

static int attr_set(weir_attrs_t *attrs, const Onnx__AttributeProto *a, const char *node,
                    const char *type)
{
	const char *an = a->name ? a->name : "";
	if (!*an)
		return onnx_err(WEIR_EINVAL, "node '%s' (%s) has an attribute without a name", node,
		                type);
	if (a->ref_attr_name && *a->ref_attr_name)
		return onnx_err(
		        WEIR_EINVAL,
		        "node '%s' (%s): attribute '%s' refers to a function attribute outside "
		        "a function",
		        node, type, an);
	int rc = WEIR_OK, t = attr_type(a);
	switch (t) {
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT:
		rc = weir_attrs_set_int(attrs, an, a->i);
		break;
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT:
		rc = weir_attrs_set_float(attrs, an, a->f);
		break;
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS:
		rc = weir_attrs_set_ints(attrs, an, a->ints, a->n_ints);
		break;
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS:
		rc = weir_attrs_set_floats(attrs, an, a->floats, a->n_floats);
		break;
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING: {
		char *s = bytes_str(a->s, 0, node, type, an, &rc);
		if (!s)
			return rc;
		rc = weir_attrs_set_string(attrs, an, s);
		weir__free(s);
		break;
	}
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRINGS: {
		size_t total = 1;
		for (size_t i = 0; i < a->n_strings; i++) {
			if (a->strings[i].len > SIZE_MAX / 2 - total)
				return onnx_err(WEIR_EINVAL,
				                "node '%s' (%s): attribute '%s' is too large", node,
				                type, an);
			total += a->strings[i].len + 1;
		}
		char *joined = weir__malloc(total);
		if (!joined)
			return onnx_err(WEIR_ENOMEM, "out of memory");
		size_t at = 0;
		for (size_t i = 0; i < a->n_strings; i++) {
			char *s = bytes_str(a->strings[i], '\n', node, type, an, &rc);
			if (!s) {
				weir__free(joined);
				return rc;
			}
			if (i)
				joined[at++] = '\n';
			memcpy(joined + at, s, a->strings[i].len);
			at += a->strings[i].len;
			weir__free(s);
		}
		joined[at] = 0;
		rc = weir_attrs_set_string(attrs, an, joined);
		weir__free(joined);
		break;
	}
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR: {
		if (!a->t)
			return onnx_err(WEIR_EINVAL,
			                "node '%s' (%s): TENSOR attribute '%s' has no tensor", node,
			                type, an);
		char what[160];
		snprintf(what, sizeof(what), "node '%s' (%s) attribute '%s'", node, type, an);
		weir_tensor_desc_t d;
		void *data;
		/* External data in an attribute tensor is refused (no base dir). */
		if ((rc = tensor_decode(a->t, NULL, what, &d, &data)))
			return rc;
		rc = weir_attrs_set_tensor(attrs, an, &d, data);
		weir__free(data);
		break;
	}
	case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__UNDEFINED:
		return onnx_err(WEIR_EINVAL, "node '%s' (%s): attribute '%s' has no value", node,
		                type, an);
	default:
		return onnx_err(WEIR_ENOTSUP,
		                "node '%s' (%s): attribute '%s' of type %s is not supported", node,
		                type, an, attr_type_name(t));
	}
	if (rc)
		return onnx_err(rc, "node '%s' (%s): attribute '%s': %s", node, type, an,
		                rc == WEIR_ENOMEM ? "out of memory" : weir_strerror(rc));
	return WEIR_OK;
}

/* ---- graph inputs --------------------------------------------------------------- */

static int input_desc(const Onnx__ValueInfoProto *vi, const char *name, weir_fg_desc_t *desc)
{
	char what[160];
	snprintf(what, sizeof(what), "graph input '%s'", name);
	const Onnx__TypeProto *tp = vi->type;
	if (!tp)
		return onnx_err(WEIR_EINVAL, "graph input '%s' has no type", name);
	if (tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !tp->tensor_type)
		return onnx_err(WEIR_ENOTSUP,
		                "graph input '%s' is not a tensor (sequence, map, "
		                "optional or sparse inputs are not supported)",
		                name);
	const Onnx__TypeProto__Tensor *tt = tp->tensor_type;
	int dtype, rc;
	if ((rc = onnx_dtype_check(tt->has_elem_type ? tt->elem_type : 0, what, &dtype)))
		return rc;
	memset(desc, 0, sizeof(*desc));
	desc->dtype = dtype;
	if (!tt->shape) {
		desc->rank = -1;
		return WEIR_OK;
	}
	if (tt->shape->n_dim > WEIR_MAX_RANK)
		return onnx_err(WEIR_ENOTSUP,
		                "graph input '%s' has rank %zu (weir supports at most %d)", name,
		                tt->shape->n_dim, WEIR_MAX_RANK);
	desc->rank = (int32_t)tt->shape->n_dim;
	for (size_t i = 0; i < tt->shape->n_dim; i++) {
		const Onnx__TensorShapeProto__Dimension *d = tt->shape->dim[i];
		if (d->value_case != ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE) {
			desc->dims[i] = -1;
			continue;
		}
		if (d->dim_value < 0)
			return onnx_err(WEIR_EINVAL, "graph input '%s' has dim %zu = %lld", name, i,
			                (long long)d->dim_value);
		desc->dims[i] = d->dim_value;
	}
	return WEIR_OK;
}

/* ---- the model --------------------------------------------------------------------- */

static bool is_onnx_domain(const char *d)
{
	return !d || !*d || !strcmp(d, "ai.onnx");
}

static int model_opset(const Onnx__ModelProto *m, int *opset)
{
	int64_t v = -1;
	for (size_t i = 0; i < m->n_opset_import; i++) {
		const Onnx__OperatorSetIdProto *o = m->opset_import[i];
		if (is_onnx_domain(o->domain) && o->has_version && o->version > v)
			v = o->version;
	}
	if (v >= 1) {
		*opset = v > INT_MAX ? INT_MAX : (int)v;
		return WEIR_OK;
	}
	/* Name the first node of another domain: that is what the user needs. */
	const Onnx__GraphProto *gp = m->graph;
	for (size_t k = 0; k < gp->n_node; k++) {
		const Onnx__NodeProto *n = gp->node[k];
		char auto_name[96];
		snprintf(auto_name, sizeof(auto_name), "%.64s_%zu", s_or(n->op_type, "node"), k);
		if (!is_onnx_domain(n->domain))
			return onnx_err(
			        WEIR_ENOTSUP,
			        "node '%s' (%s) is in domain '%s'; weir imports ai.onnx ops only",
			        s_or(n->name, auto_name), s_or(n->op_type, "?"), n->domain);
	}
	return onnx_err(WEIR_ENOTSUP, "the model imports no ai.onnx opset (version >= 1)");
}

static int build_graph(const Onnx__GraphProto *gp, const char *base_dir, weir_fg_t *g)
{
	int rc;
	/* Every name the model can define: inputs, initializers, node outputs.
	 * Each count is bounded by the decoded message's size. */
	size_t entries = gp->n_input + gp->n_initializer;
	for (size_t i = 0; i < gp->n_node; i++)
		entries += gp->node[i]->n_output;
	names_t names = { 0 };
	if ((rc = names_init(&names, entries)))
		return rc;
	if (gp->n_sparse_initializer) {
		rc = onnx_err(WEIR_ENOTSUP, "sparse initializer '%s' is not supported",
		              s_or(gp->sparse_initializer[0]->values
		                           ? gp->sparse_initializer[0]->values->name
		                           : NULL,
		                   "?"));
		goto out;
	}
	/* Initializers first: a graph input of the same name (IR < 4 listed
	 * them as inputs too) is the constant, not a run-time input. */
	for (size_t i = 0; i < gp->n_initializer; i++) {
		const Onnx__TensorProto *t = gp->initializer[i];
		const char *name = t->name ? t->name : "";
		if (!*name) {
			rc = onnx_err(WEIR_EINVAL, "initializer %zu has no name", i);
			goto out;
		}
		char what[160];
		snprintf(what, sizeof(what), "initializer '%s'", name);
		weir_tensor_desc_t d;
		void *data;
		if ((rc = tensor_decode(t, base_dir, what, &d, &data)))
			goto out;
		int32_t v;
		rc = weir_fg_add_const(g, name, &d, data, &v);
		weir__free(data);
		if (rc)
			goto out;
		if (!names_put(&names, name, v)) {
			rc = onnx_err(WEIR_EINVAL, "initializer '%s' is defined twice", name);
			goto out;
		}
	}
	uint32_t nin = 0;
	for (size_t i = 0; i < gp->n_input; i++) {
		const Onnx__ValueInfoProto *vi = gp->input[i];
		const char *name = vi->name ? vi->name : "";
		int32_t v;
		if (!*name) {
			rc = onnx_err(WEIR_EINVAL, "graph input %zu has no name", i);
			goto out;
		}
		if (names_find(&names, name, &v))
			continue; /* an initializer */
		weir_fg_desc_t desc;
		if ((rc = input_desc(vi, name, &desc)))
			goto out;
		if ((rc = weir_fg_add_input(g, name, nin, &desc, &v)))
			goto out;
		nin++;
		if (!names_put(&names, name, v)) {
			rc = onnx_err(WEIR_EINVAL, "graph input '%s' is listed twice", name);
			goto out;
		}
	}
	for (size_t k = 0; k < gp->n_node; k++) {
		const Onnx__NodeProto *n = gp->node[k];
		const char *type = n->op_type ? n->op_type : "";
		char auto_name[96];
		const char *name = n->name;
		if (!name || !*name) {
			snprintf(auto_name, sizeof(auto_name), "%.64s_%zu", *type ? type : "node",
			         k);
			name = auto_name;
		}
		if (!*type) {
			rc = onnx_err(WEIR_EINVAL, "node '%s' (node %zu) has no op_type", name, k);
			goto out;
		}
		if (!is_onnx_domain(n->domain)) {
			rc = onnx_err(
			        WEIR_ENOTSUP,
			        "node '%s' (%s) is in domain '%s'; weir imports ai.onnx ops only",
			        name, type, n->domain);
			goto out;
		}
		if (n->n_input > UINT32_MAX || n->n_output > UINT32_MAX) {
			rc = onnx_err(WEIR_EINVAL, "node '%s' (%s) has too many inputs or outputs",
			              name, type);
			goto out;
		}
		int32_t *in = n->n_input ? weir__malloc(sizeof(int32_t) * n->n_input) : NULL;
		weir_attrs_t *attrs = NULL;
		if ((n->n_input && !in) || weir_attrs_create(&attrs) != WEIR_OK) {
			weir__free(in);
			rc = onnx_err(WEIR_ENOMEM, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < n->n_input && !rc; i++) {
			const char *vn = n->input[i] ? n->input[i] : "";
			if (!*vn)
				in[i] = WEIR_FG_NONE;
			else if (!names_find(&names, vn, &in[i]))
				rc = onnx_err(
				        WEIR_EINVAL,
				        "node '%s' (%s) input %zu names value '%s', which no graph "
				        "input, initializer or earlier node defines",
				        name, type, i, vn);
		}
		for (size_t i = 0; i < n->n_attribute && !rc; i++)
			rc = attr_set(attrs, n->attribute[i], name, type);
		int32_t first = 0;
		if (!rc)
			rc = weir_fg_add_node(g, name, type, in, (uint32_t)n->n_input,
			                      (uint32_t)n->n_output, attrs, &first);
		weir__free(in);
		weir_attrs_destroy(attrs);
		if (rc)
			goto out;
		for (size_t j = 0; j < n->n_output; j++) {
			const char *vn = n->output[j] ? n->output[j] : "";
			if (*vn && !names_put(&names, vn, first + (int32_t)j)) {
				rc = onnx_err(WEIR_EINVAL,
				              "node '%s' (%s) output '%s' is already defined", name,
				              type, vn);
				goto out;
			}
		}
	}
	if (gp->n_output > UINT32_MAX) {
		rc = onnx_err(WEIR_EINVAL, "too many graph outputs");
		goto out;
	}
	int32_t *outs = gp->n_output ? weir__malloc(sizeof(int32_t) * gp->n_output) : NULL;
	if (gp->n_output && !outs) {
		rc = onnx_err(WEIR_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < gp->n_output && !rc; i++) {
		const char *vn = gp->output[i]->name ? gp->output[i]->name : "";
		if (!names_find(&names, vn, &outs[i]))
			rc = onnx_err(WEIR_EINVAL,
			              "graph output %zu names value '%s', which nothing defines", i,
			              vn);
	}
	if (!rc)
		rc = weir_fg_set_outputs(g, outs, (uint32_t)gp->n_output);
	weir__free(outs);
out:
	names_fini(&names);
	return rc;
}

static Onnx__ModelProto *model_unpack(const void *buf, size_t len, int *rc)
{
	if (!pb_depth_ok(buf, len, &onnx__model_proto__descriptor, 0)) {
		*rc = onnx_err(WEIR_ENOTSUP, "protobuf messages nested deeper than %d levels",
		               ONNX_MAX_DEPTH);
		return NULL;
	}
	Onnx__ModelProto *m = onnx__model_proto__unpack(&pb_allocator, len, buf);
	if (!m)
		*rc = onnx_err(WEIR_EINVAL, "%zu bytes do not decode as an ONNX ModelProto", len);
	return m;
}

int weir_onnx_parse_mem(const void *buf, size_t len, const char *base_dir, weir_fg_t **out)
{
	if ((!buf && len) || !out)
		return onnx_err(WEIR_EINVAL, "weir_onnx_parse_mem: NULL argument");
	int rc = WEIR_OK, opset = 0;
	static const uint8_t empty = 0;
	Onnx__ModelProto *m = model_unpack(buf ? buf : &empty, len, &rc);
	if (!m)
		return rc;
	weir_fg_t *g = NULL;
	if (!m->has_ir_version || !m->graph) {
		rc = onnx_err(WEIR_EINVAL, "not an ONNX model: no %s",
		              !m->has_ir_version ? "ir_version" : "graph");
		goto out;
	}
	if (m->ir_version < 3) {
		rc = onnx_err(WEIR_ENOTSUP, "ir_version %lld is older than weir imports (3)",
		              (long long)m->ir_version);
		goto out;
	}
	if ((rc = model_opset(m, &opset)))
		goto out;
	if ((rc = weir_fg_create(s_or(m->graph->name, "onnx_model"), WEIR_FG_ONNX, opset, &g)))
		goto out;
	if ((rc = build_graph(m->graph, base_dir, g))) {
		weir_fg_destroy(g);
		g = NULL;
		goto out;
	}
	*out = g;
out:
	onnx__model_proto__free_unpacked(m, &pb_allocator);
	return rc;
}

/* The directory part of path ("." when none), malloc'd. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return weir__strdup(".");
	size_t n = slash == path ? 1 : (size_t)(slash - path);
	char *d = weir__malloc(n + 1);
	if (d) {
		memcpy(d, path, n);
		d[n] = 0;
	}
	return d;
}

int weir_onnx_parse_file(const char *path, weir_fg_t **out)
{
	if (!path || !out)
		return onnx_err(WEIR_EINVAL, "weir_onnx_parse_file: NULL argument");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return onnx_err(WEIR_ENOTFOUND, "cannot open model '%s'%s%s", path, e ? ": " : "",
		                e ? strerror(e) : " (not a file)");
	}
	size_t len = (size_t)st.st_size;
	uint8_t *buf = weir__malloc(len ? len : 1);
	char *dir = dir_of(path);
	if (!buf || !dir) {
		close(fd);
		weir__free(buf);
		weir__free(dir);
		return onnx_err(WEIR_ENOMEM, "out of memory reading '%s'", path);
	}
	size_t got = 0;
	while (got < len) {
		ssize_t r = read(fd, buf + got, len - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	int rc = got == len ? weir_onnx_parse_mem(buf, len, dir, out)
	                    : onnx_err(WEIR_EINVAL, "reading model '%s' failed", path);
	weir__free(buf);
	weir__free(dir);
	return rc;
}

int weir_onnx_tensor_decode(const void *buf, size_t len, weir_tensor_desc_t *desc, void **data)
{
	if ((!buf && len) || !desc || !data)
		return onnx_err(WEIR_EINVAL, "weir_onnx_tensor_decode: NULL argument");
	static const uint8_t empty = 0;
	if (!buf)
		buf = &empty;
	if (!pb_depth_ok(buf, len, &onnx__tensor_proto__descriptor, 0))
		return onnx_err(WEIR_ENOTSUP, "protobuf messages nested deeper than %d levels",
		                ONNX_MAX_DEPTH);
	Onnx__TensorProto *t = onnx__tensor_proto__unpack(&pb_allocator, len, buf);
	if (!t)
		return onnx_err(WEIR_EINVAL, "%zu bytes do not decode as an ONNX TensorProto", len);
	char what[160];
	snprintf(what, sizeof(what), "tensor '%s'", s_or(t->name, "?"));
	weir_tensor_desc_t d;
	void *lib = NULL;
	int rc = tensor_decode(t, NULL, what, &d, &lib);
	onnx__tensor_proto__free_unpacked(t, &pb_allocator);
	if (rc)
		return rc;
	/* The caller frees with free(): hand over a malloc'd copy. */
	int64_t bytes = weir_tensor_desc_bytes(&d);
	void *mine = NULL;
	if (bytes > 0) {
		mine = malloc((size_t)bytes);
		if (!mine) {
			weir__free(lib);
			return onnx_err(WEIR_ENOMEM, "%s: out of memory", what);
		}
		memcpy(mine, lib, (size_t)bytes);
	}
	weir__free(lib);
	*desc = d;
	*data = mine;
	return WEIR_OK;
}
