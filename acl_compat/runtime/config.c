/*
 * acl_compat/runtime/config.c - the aclInit JSON configuration reader (see
 * runtime/config.h for what it accepts).
 *
 * A recursive-descent reader over [p, end): one function per RFC 8259
 * production, depth bounded by WEIR_ACL_CFG_MAX_DEPTH (so the C stack is
 * bounded too). An object is read with a context saying which keys mean
 * something in it (the top level, "weir", "defaultDevice", or none); a value
 * whose key means something is checked and stored as soon as it has been
 * read. The last scalar read (string decoded, number as text) is kept in one
 * bounded buffer of the reader, which its key's handler reads at once.
 *
 * Errors: a syntax (or UTF-8) error stops the reader; a configuration error
 * (wrong type, over-long or out-of-range value, a top level that is not an
 * object) is recorded once and the reader goes on, so that a document that is
 * also malformed reports the syntax error.
 */
#include "acl_compat/runtime/config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum jtype { J_ERR = -1, J_OBJECT, J_ARRAY, J_STRING, J_NUMBER, J_TRUE, J_FALSE, J_NULL };

static const char *const weir_acl_jtype_name[] = {
	[J_OBJECT] = "an object", [J_ARRAY] = "an array", [J_STRING] = "a string",
	[J_NUMBER] = "a number",  [J_TRUE] = "true",      [J_FALSE] = "false",
	[J_NULL] = "null",
};

/* Which keys mean something inside an object. */
enum jctx { CTX_NONE, CTX_ROOT, CTX_WEIR, CTX_DEFDEV };

/* The keys weir reads. The weir.* numbers come first, in weir_acl_config order. */
enum jkey {
	K_DEVICES,
	K_WORKERS,
	K_RING,
	K_SPIN,
	K_QUANTUM,
	K_MEM,
	K_CPUS,
	K_DEFAULT_DEVICE,
	K_WEIR,
	K_DEFDEV,
	K_ERR_MSG_MODE,
	K_NONE,
};

static const struct {
	enum jctx ctx;
	const char *name; /* the key */
	const char *path; /* how messages name it */
	uint64_t max;     /* numbers: the largest value */
	uint32_t bit;     /* WEIR_ACL_CFG_* */
} jkeys[] = {
	[K_DEVICES] = { CTX_WEIR, "devices", "weir.devices", WEIR_MAX_DEVICES,
	                WEIR_ACL_CFG_DEVICES },
	[K_WORKERS] = { CTX_WEIR, "workers_per_device", "weir.workers_per_device", 1024,
	                WEIR_ACL_CFG_WORKERS },
	[K_RING] = { CTX_WEIR, "ring_capacity", "weir.ring_capacity", UINT32_MAX,
	             WEIR_ACL_CFG_RING_CAPACITY },
	[K_SPIN] = { CTX_WEIR, "spin_ns", "weir.spin_ns", UINT32_MAX, WEIR_ACL_CFG_SPIN_NS },
	[K_QUANTUM] = { CTX_WEIR, "quantum", "weir.quantum", UINT32_MAX, WEIR_ACL_CFG_QUANTUM },
	[K_MEM] = { CTX_WEIR, "mem_capacity", "weir.mem_capacity", WEIR_ACL_CFG_MEM_CAPACITY_MAX,
	            WEIR_ACL_CFG_MEM_CAPACITY },
	[K_CPUS] = { CTX_WEIR, "cpus", "weir.cpus", 0, WEIR_ACL_CFG_CPUS },
	[K_DEFAULT_DEVICE] = { CTX_DEFDEV, "default_device", "defaultDevice.default_device",
	                       WEIR_MAX_DEVICES - 1, WEIR_ACL_CFG_DEFAULT_DEVICE },
	[K_WEIR] = { CTX_ROOT, "weir", "weir", 0, 0 },
	[K_DEFDEV] = { CTX_ROOT, "defaultDevice", "defaultDevice", 0, 0 },
	[K_ERR_MSG_MODE] = { CTX_ROOT, "err_msg_mode", "err_msg_mode", 1,
	                     WEIR_ACL_CFG_ERR_MSG_MODE },
};

struct weir_acl_jreader {
	const unsigned char *p, *start, *end;
	struct weir_acl_config *out;
	char *msg;
	size_t msgsz;
	bool syntax_err; /* the reader stopped */
	bool cfg_err;    /* a configuration error is in msg */
	/* The last scalar: a decoded string or a number's text. vlen counts every
	 * byte, also those past the buffer (then the value is over-long). */
	size_t vlen;
	char val[WEIR_ACL_CFG_VALUE_MAX + 1];
};

static void weir_acl_set_msg(struct weir_acl_jreader *j, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
static void weir_acl_set_msg(struct weir_acl_jreader *j, const char *fmt, ...)
{
	if (!j->msg || !j->msgsz)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(j->msg, j->msgsz, fmt, ap);
	va_end(ap);
}

/* A syntax error at the current position; stops the reader. */
static enum jtype weir_acl_syntax(struct weir_acl_jreader *j, const char *what)
{
	if (!j->syntax_err) {
		j->syntax_err = true;
		weir_acl_set_msg(j, "not valid JSON (near byte %zu: %s)", (size_t)(j->p - j->start),
		                 what);
	}
	return J_ERR;
}

static void weir_acl_ws(struct weir_acl_jreader *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int weir_acl_peek(const struct weir_acl_jreader *j)
{
	return j->p < j->end ? *j->p : -1;
}

/* Append one byte to the current scalar (counting past the buffer). */
static void weir_acl_val_put(struct weir_acl_jreader *j, unsigned char c)
{
	if (j->vlen < WEIR_ACL_CFG_VALUE_MAX)
		j->val[j->vlen] = (char)c;
	j->vlen++;
}

/* Bytes of the valid UTF-8 sequence at j->p (RFC 3629, table 3-7 of
 * Unicode), 0 if there is none. */
static size_t weir_acl_utf8_len(const struct weir_acl_jreader *j)
{
	const unsigned char *s = j->p;
	size_t left = (size_t)(j->end - s);
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xBF;
	size_t n;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4;
	else
		return 0; /* continuation byte, overlong lead C0/C1, F5..FF */
	if (c == 0xE0)
		lo = 0xA0; /* overlong */
	else if (c == 0xED)
		hi = 0x9F; /* UTF-16 surrogates */
	else if (c == 0xF0)
		lo = 0x90; /* overlong */
	else if (c == 0xF4)
		hi = 0x8F; /* above U+10FFFF */
	if (left < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return n;
}

/* Four hex digits of a \u escape. */
static bool weir_acl_hex4(struct weir_acl_jreader *j, unsigned *v)
{
	*v = 0;
	if (j->end - j->p < 4)
		return false;
	for (int i = 0; i < 4; i++) {
		unsigned char h = *j->p++;
		unsigned d;
		if (h >= '0' && h <= '9')
			d = h - '0';
		else if (h >= 'a' && h <= 'f')
			d = h - 'a' + 10u;
		else if (h >= 'A' && h <= 'F')
			d = h - 'A' + 10u;
		else
			return false;
		*v = *v * 16u + d;
	}
	return true;
}

/* The code point of a \u escape (j->p after "\u"), joining a surrogate
 * pair; a lone surrogate is U+FFFD. */
static bool weir_acl_code_point(struct weir_acl_jreader *j, unsigned *cp)
{
	if (!weir_acl_hex4(j, cp))
		return false;
	if (*cp >= 0xDC00 && *cp <= 0xDFFF) {
		*cp = 0xFFFD; /* a low surrogate alone */
	} else if (*cp >= 0xD800 && *cp <= 0xDBFF) {
		if (j->end - j->p >= 6 && j->p[0] == '\\' && j->p[1] == 'u') {
			const unsigned char *save = j->p;
			unsigned lo;
			j->p += 2;
			if (!weir_acl_hex4(j, &lo))
				return false;
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				*cp = 0x10000u + ((*cp - 0xD800u) << 10) + (lo - 0xDC00u);
				return true;
			}
			j->p = save; /* not a pair: the next escape stands alone */
		}
		*cp = 0xFFFD;
	}
	return true;
}

/* A string (j->p at its opening quote), decoded into the scalar buffer. */
static enum jtype weir_acl_string(struct weir_acl_jreader *j)
{
	j->p++; /* '"' */
	j->vlen = 0;
	for (;;) {
		if (j->p >= j->end)
			return weir_acl_syntax(j, "unterminated string");
		unsigned char c = *j->p;
		if (c == '"') {
			j->p++;
			break;
		}
		if (c < 0x20)
			return weir_acl_syntax(j, "control character in a string");
		if (c >= 0x80) {
			size_t n = weir_acl_utf8_len(j);
			if (n == 0)
				return weir_acl_syntax(j, "invalid UTF-8 in a string");
			for (size_t i = 0; i < n; i++)
				weir_acl_val_put(j, j->p[i]);
			j->p += n;
			continue;
		}
		j->p++;
		if (c != '\\') {
			weir_acl_val_put(j, c);
			continue;
		}
		if (j->p >= j->end)
			return weir_acl_syntax(j, "unterminated string");
		unsigned char e = *j->p++;
		switch (e) {
		case '"':
		case '\\':
		case '/': weir_acl_val_put(j, e); break;
		case 'b': weir_acl_val_put(j, '\b'); break;
		case 'f': weir_acl_val_put(j, '\f'); break;
		case 'n': weir_acl_val_put(j, '\n'); break;
		case 'r': weir_acl_val_put(j, '\r'); break;
		case 't': weir_acl_val_put(j, '\t'); break;
		case 'u': {
			unsigned cp;
			if (!weir_acl_code_point(j, &cp))
				return weir_acl_syntax(j, "bad \\u escape");
			if (cp < 0x80) {
				weir_acl_val_put(j, (unsigned char)cp);
			} else if (cp < 0x800) {
				weir_acl_val_put(j, (unsigned char)(0xC0 | cp >> 6));
				weir_acl_val_put(j, (unsigned char)(0x80 | (cp & 0x3F)));
			} else if (cp < 0x10000) {
				weir_acl_val_put(j, (unsigned char)(0xE0 | cp >> 12));
				weir_acl_val_put(j, (unsigned char)(0x80 | ((cp >> 6) & 0x3F)));
				weir_acl_val_put(j, (unsigned char)(0x80 | (cp & 0x3F)));
			} else {
				weir_acl_val_put(j, (unsigned char)(0xF0 | cp >> 18));
				weir_acl_val_put(j, (unsigned char)(0x80 | ((cp >> 12) & 0x3F)));
				weir_acl_val_put(j, (unsigned char)(0x80 | ((cp >> 6) & 0x3F)));
				weir_acl_val_put(j, (unsigned char)(0x80 | (cp & 0x3F)));
			}
			break;
		}
		default: j->p--; return weir_acl_syntax(j, "unknown escape");
		}
	}
	j->val[j->vlen < WEIR_ACL_CFG_VALUE_MAX ? j->vlen : WEIR_ACL_CFG_VALUE_MAX] = '\0';
	return J_STRING;
}

static bool weir_acl_digit(const struct weir_acl_jreader *j)
{
	return j->p < j->end && *j->p >= '0' && *j->p <= '9';
}

/* A number; its text goes into the scalar buffer. */
static enum jtype weir_acl_number(struct weir_acl_jreader *j)
{
	const unsigned char *s = j->p;
	if (weir_acl_peek(j) == '-')
		j->p++;
	if (!weir_acl_digit(j))
		return weir_acl_syntax(j, "expected a value");
	if (*j->p == '0')
		j->p++;
	else
		while (weir_acl_digit(j))
			j->p++;
	if (weir_acl_peek(j) == '.') {
		j->p++;
		if (!weir_acl_digit(j))
			return weir_acl_syntax(j, "expected a digit after '.'");
		while (weir_acl_digit(j))
			j->p++;
	}
	if (weir_acl_peek(j) == 'e' || weir_acl_peek(j) == 'E') {
		j->p++;
		if (weir_acl_peek(j) == '+' || weir_acl_peek(j) == '-')
			j->p++;
		if (!weir_acl_digit(j))
			return weir_acl_syntax(j, "expected a digit in the exponent");
		while (weir_acl_digit(j))
			j->p++;
	}
	j->vlen = 0;
	for (; s < j->p; s++)
		weir_acl_val_put(j, *s);
	j->val[j->vlen < WEIR_ACL_CFG_VALUE_MAX ? j->vlen : WEIR_ACL_CFG_VALUE_MAX] = '\0';
	return J_NUMBER;
}

static enum jtype weir_acl_literal(struct weir_acl_jreader *j, const char *lit, enum jtype t)
{
	size_t n = strlen(lit);
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n) != 0)
		return weir_acl_syntax(j, "expected a value");
	j->p += n;
	return t;
}

/* Write at most 64 bytes of the scalar for a message: cut at a character
 * boundary, control characters as '?'. */
static void weir_acl_shown(const struct weir_acl_jreader *j, char out[72])
{
	size_t n = j->vlen < WEIR_ACL_CFG_VALUE_MAX ? j->vlen : WEIR_ACL_CFG_VALUE_MAX;
	if (n > 64) {
		n = 64;
		while (n > 0 && ((unsigned char)j->val[n] & 0xC0) == 0x80)
			n--; /* j->val[n] continues a character: cut before it */
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)j->val[i];
		out[i] = c < 0x20 || c == 0x7F ? '?' : (char)c;
	}
	out[n] = '\0';
}

/* A configuration error naming the key; the first one is kept. */
static void weir_acl_cfg_error(struct weir_acl_jreader *j, enum jkey k, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void weir_acl_cfg_error(struct weir_acl_jreader *j, enum jkey k, const char *fmt, ...)
{
	if (j->cfg_err || j->syntax_err)
		return;
	j->cfg_err = true;
	if (!j->msg || !j->msgsz)
		return;
	int n = snprintf(j->msg, j->msgsz, "%s: ", jkeys[k].path);
	if (n < 0 || (size_t)n >= j->msgsz)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(j->msg + n, j->msgsz - (size_t)n, fmt, ap);
	va_end(ap);
}

/* The scalar as an unsigned decimal <= max: digits only (a string may hold
 * leading zeros), no NUL inside, no overflow. */
static bool weir_acl_as_u64(const struct weir_acl_jreader *j, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	if (j->vlen == 0 || j->vlen > WEIR_ACL_CFG_VALUE_MAX)
		return false;
	for (size_t i = 0; i < j->vlen; i++) {
		char c = j->val[i];
		if (c < '0' || c > '9' || __builtin_mul_overflow(v, 10u, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(c - '0'), &v))
			return false;
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

/* Key k's value, of type t, has just been read: check it and store it. */
static void weir_acl_key_value(struct weir_acl_jreader *j, enum jkey k, enum jtype t)
{
	struct weir_acl_config *c = j->out;
	char v[72];
	if (k == K_WEIR || k == K_DEFDEV) {
		/* the object's keys were stored while it was read */
		if (t != J_OBJECT)
			weir_acl_cfg_error(j, k, "%s is not an object", weir_acl_jtype_name[t]);
		return;
	}
#ifndef WEIR_BUSTED_JSON_TRUNCATE
	if (t != J_STRING && t != J_NUMBER) {
		weir_acl_cfg_error(j, k, "%s is not %s", weir_acl_jtype_name[t],
		                   k == K_CPUS ? "a string (a CPU list)"
		                               : "an unsigned number (or a string holding one)");
		return;
	}
	if (j->vlen > WEIR_ACL_CFG_VALUE_MAX) {
		weir_acl_cfg_error(j, k, "the value is longer than %u bytes (%zu)",
		                   WEIR_ACL_CFG_VALUE_MAX, j->vlen);
		return;
	}
#else
	/* Planted bug (testing the tests): wrong types are ignored and over-long
	 * values silently cut to WEIR_ACL_CFG_VALUE_MAX bytes, as before the fix. */
	if (t != J_STRING && t != J_NUMBER)
		return;
	if (j->vlen > WEIR_ACL_CFG_VALUE_MAX)
		j->vlen = WEIR_ACL_CFG_VALUE_MAX;
#endif
	if (k == K_CPUS) {
		if (memchr(j->val, '\0', j->vlen)) {
			weir_acl_cfg_error(j, k, "the value holds a NUL character");
			return;
		}
		memcpy(c->cpus, j->val, j->vlen);
		c->cpus[j->vlen] = '\0';
		c->set |= WEIR_ACL_CFG_CPUS;
		return;
	}
	uint64_t x;
	if (!weir_acl_as_u64(j, jkeys[k].max, &x)) {
		weir_acl_shown(j, v);
		if (k == K_DEFAULT_DEVICE)
			weir_acl_cfg_error(j, k, "\"%s\" is not a device id (0 to %llu)", v,
			                   (unsigned long long)jkeys[k].max);
		else if (k == K_ERR_MSG_MODE)
			weir_acl_cfg_error(j, k, "\"%s\" is not 0 or 1", v);
		else if (k == K_MEM && weir_acl_as_u64(j, UINT64_MAX, &x))
			weir_acl_cfg_error(
			        j, k, "%llu bytes per device cannot be reserved (at most %llu)",
			        (unsigned long long)x, (unsigned long long)jkeys[k].max);
		else
			weir_acl_cfg_error(j, k,
			                   "\"%s\" is not a valid unsigned number (at most %llu)",
			                   v, (unsigned long long)jkeys[k].max);
		return;
	}
	if (k == K_MEM && x != 0 && x < WEIR_ACL_CFG_MEM_CAPACITY_MIN) {
		weir_acl_cfg_error(j, k,
		                   "%llu bytes per device is below the smallest capacity, %llu "
		                   "(0 means the default)",
		                   (unsigned long long)x,
		                   (unsigned long long)WEIR_ACL_CFG_MEM_CAPACITY_MIN);
		return;
	}
	c->set |= jkeys[k].bit;
	switch (k) {
	case K_DEVICES: c->devices = (uint32_t)x; break;
	case K_WORKERS: c->workers_per_device = (uint32_t)x; break;
	case K_RING: c->ring_capacity = (uint32_t)x; break;
	case K_SPIN: c->spin_ns = (uint32_t)x; break;
	case K_QUANTUM: c->quantum = (uint32_t)x; break;
	case K_MEM: c->mem_capacity = x; break;
	case K_DEFAULT_DEVICE: c->default_device = (int32_t)x; break;
	case K_ERR_MSG_MODE: c->err_msg_process = x == 1; break;
	default: break;
	}
}

/* The key just read (in the scalar buffer) inside an object of context ctx. */
static enum jkey weir_acl_key_of(const struct weir_acl_jreader *j, enum jctx ctx)
{
	if (ctx == CTX_NONE || j->vlen > WEIR_ACL_CFG_VALUE_MAX)
		return K_NONE;
	for (size_t k = 0; k < sizeof jkeys / sizeof jkeys[0]; k++)
		if (jkeys[k].ctx == ctx && strlen(jkeys[k].name) == j->vlen &&
		    memcmp(jkeys[k].name, j->val, j->vlen) == 0)
			return (enum jkey)k;
	return K_NONE;
}

static enum jtype weir_acl_value(struct weir_acl_jreader *j, unsigned depth, enum jctx ctx);

static enum jtype weir_acl_object(struct weir_acl_jreader *j, unsigned depth, enum jctx ctx)
{
	j->p++; /* '{' */
	weir_acl_ws(j);
	if (weir_acl_peek(j) == '}') {
		j->p++;
		return J_OBJECT;
	}
	for (;;) {
		weir_acl_ws(j);
		if (weir_acl_peek(j) != '"')
			return weir_acl_syntax(j, "expected a string key");
		if (weir_acl_string(j) == J_ERR)
			return J_ERR;
		enum jkey k = weir_acl_key_of(j, ctx);
		weir_acl_ws(j);
		if (weir_acl_peek(j) != ':')
			return weir_acl_syntax(j, "expected ':'");
		j->p++;
		enum jtype t = weir_acl_value(j, depth + 1,
		                              k == K_WEIR     ? CTX_WEIR
		                              : k == K_DEFDEV ? CTX_DEFDEV
		                                              : CTX_NONE);
		if (t == J_ERR)
			return J_ERR;
		if (k != K_NONE)
			weir_acl_key_value(j, k, t);
		weir_acl_ws(j);
		if (weir_acl_peek(j) == ',') {
			j->p++;
			continue;
		}
		if (weir_acl_peek(j) == '}') {
			j->p++;
			return J_OBJECT;
		}
		return weir_acl_syntax(j, "expected ',' or '}'");
	}
}

static enum jtype weir_acl_array(struct weir_acl_jreader *j, unsigned depth)
{
	j->p++; /* '[' */
	weir_acl_ws(j);
	if (weir_acl_peek(j) == ']') {
		j->p++;
		return J_ARRAY;
	}
	for (;;) {
		/* elements are never configuration values, at any depth */
		if (weir_acl_value(j, depth + 1, CTX_NONE) == J_ERR)
			return J_ERR;
		weir_acl_ws(j);
		if (weir_acl_peek(j) == ',') {
			j->p++;
			continue;
		}
		if (weir_acl_peek(j) == ']') {
			j->p++;
			return J_ARRAY;
		}
		return weir_acl_syntax(j, "expected ',' or ']'");
	}
}

/* One value at nesting depth `depth` (the top level is 0); ctx applies if
 * it is an object. */
static enum jtype weir_acl_value(struct weir_acl_jreader *j, unsigned depth, enum jctx ctx)
{
	weir_acl_ws(j);
	switch (weir_acl_peek(j)) {
	case '{':
	case '[':
		if (depth >= WEIR_ACL_CFG_MAX_DEPTH)
			return weir_acl_syntax(j, "nested deeper than 128 levels");
		return *j->p == '{' ? weir_acl_object(j, depth, ctx) : weir_acl_array(j, depth);
	case '"': return weir_acl_string(j);
	case 't': return weir_acl_literal(j, "true", J_TRUE);
	case 'f': return weir_acl_literal(j, "false", J_FALSE);
	case 'n': return weir_acl_literal(j, "null", J_NULL);
	case -1: return weir_acl_syntax(j, depth ? "unexpected end" : "empty document");
	default: return weir_acl_number(j);
	}
}
_Static_assert(WEIR_ACL_CFG_MAX_DEPTH == 128, "the message above says 128");

void weir__acl_config_init(struct weir_acl_config *c)
{
	memset(c, 0, sizeof *c);
	c->default_device = -1;
}

int weir__acl_config_parse(const char *buf, size_t len, struct weir_acl_config *out, char *msg,
                           size_t msgsz)
{
	static const unsigned char none[1];
	struct weir_acl_jreader j;
	memset(&j, 0, sizeof j);
	j.start = buf ? (const unsigned char *)buf : none;
	j.p = j.start;
	j.end = j.start + (buf ? len : 0);
	j.out = out;
	j.msg = msg;
	j.msgsz = msgsz;
	if (msg && msgsz)
		msg[0] = '\0';
	weir__acl_config_init(out);
	/* RFC 8259 section 8.1: a parser may ignore a leading byte order mark */
	if (j.end - j.p >= 3 && j.p[0] == 0xEF && j.p[1] == 0xBB && j.p[2] == 0xBF)
		j.p += 3;
	enum jtype t = weir_acl_value(&j, 0, CTX_ROOT);
	if (t != J_ERR) {
		weir_acl_ws(&j);
		if (j.p != j.end)
			t = weir_acl_syntax(&j, "more after the document");
	}
	if (t == J_ERR)
		return ACL_ERROR_PARSE_FILE;
	if (t != J_OBJECT && !j.cfg_err) {
		weir_acl_set_msg(&j, "the document is %s, not an object", weir_acl_jtype_name[t]);
		return ACL_ERROR_PARSE_FILE;
	}
	return j.cfg_err ? ACL_ERROR_PARSE_FILE : ACL_SUCCESS;
}

void weir__acl_config_apply(const struct weir_acl_config *c, weir_config_t *cfg)
{
	if (c->set & WEIR_ACL_CFG_DEVICES)
		cfg->devices = c->devices;
	if (c->set & WEIR_ACL_CFG_WORKERS)
		cfg->workers_per_device = c->workers_per_device;
	if (c->set & WEIR_ACL_CFG_RING_CAPACITY)
		cfg->ring_capacity = c->ring_capacity;
	if (c->set & WEIR_ACL_CFG_SPIN_NS)
		cfg->spin_ns = c->spin_ns;
	if (c->set & WEIR_ACL_CFG_QUANTUM)
		cfg->quantum = c->quantum;
	if (c->set & WEIR_ACL_CFG_MEM_CAPACITY)
		cfg->mem_capacity = c->mem_capacity;
	if (c->set & WEIR_ACL_CFG_CPUS)
		cfg->cpus = c->cpus;
}
