/*
 * acl_compat/runtime/config.h - the aclInit JSON configuration reader.
 *
 * The reader works on a byte buffer: it opens no file, creates no runtime,
 * allocates nothing and keeps no state between calls, so aclInit and a
 * libFuzzer harness call the same function (weir__acl_config_parse) and any
 * input leaves nothing behind. Private to acl_compat/ (and white-box tests).
 *
 * What it accepts (docs/acl.md, "JSON configuration"):
 *  - any RFC 8259 document: every value type, nesting up to
 *    WEIR_ACL_CFG_MAX_DEPTH levels, every escape (\uXXXX becomes UTF-8, a
 *    surrogate pair one code point, a lone surrogate U+FFFD); a leading UTF-8
 *    byte order mark is skipped (RFC 8259 section 8.1 allows it).
 *  - the top level must be an object for aclInit; a valid document that is
 *    not one is refused like an invalid one (100006), with its own message.
 *  - the keys weir reads must have the documented type ("weir" and
 *    "defaultDevice" objects; the numeric keys a number or a string holding
 *    one) and their values at most WEIR_ACL_CFG_VALUE_MAX bytes; anything
 *    else is 100006 with a message that names the key. All other keys, at any
 *    depth and of any type, are validated as JSON and otherwise ignored.
 *  - strings must be valid UTF-8 (RFC 3629: no overlong forms, no encoded
 *    surrogates, nothing above U+10FFFF); raw control characters are refused.
 * Duplicate keys: each occurrence is applied in document order (the last
 * wins).
 */
#ifndef WEIR_ACL_CONFIG_H
#define WEIR_ACL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "acl_compat/acl_internal.h"

/* The longest value (decoded string or number text) of a key weir reads. */
#define WEIR_ACL_CFG_VALUE_MAX 255u
/* Deepest nesting of arrays and objects (RFC 8259 section 9 allows a limit). */
#define WEIR_ACL_CFG_MAX_DEPTH 128u
/* The largest weir.mem_capacity any device count can reserve: one arena is at
 * most half of the 2^46 bytes one weir_mem_t may reserve (mem/mem_internal.h,
 * MEM_MAX_CAPACITY). A value that fits this but not the configured device
 * count is refused by aclInit once weir_mem_create() says so (also 100006). */
#define WEIR_ACL_CFG_MEM_CAPACITY_MAX ((uint64_t)1 << 45)
/* The smallest non-zero one (one 2 MiB chunk; 0 means mem's default). */
#define WEIR_ACL_CFG_MEM_CAPACITY_MIN ((uint64_t)2 << 20)

/* Bits of weir_acl_config.set: which keys the document gave. */
enum {
	WEIR_ACL_CFG_DEVICES = 1u << 0,
	WEIR_ACL_CFG_WORKERS = 1u << 1,
	WEIR_ACL_CFG_RING_CAPACITY = 1u << 2,
	WEIR_ACL_CFG_SPIN_NS = 1u << 3,
	WEIR_ACL_CFG_QUANTUM = 1u << 4,
	WEIR_ACL_CFG_MEM_CAPACITY = 1u << 5,
	WEIR_ACL_CFG_CPUS = 1u << 6,
	WEIR_ACL_CFG_DEFAULT_DEVICE = 1u << 7,
	WEIR_ACL_CFG_ERR_MSG_MODE = 1u << 8,
};

/* What one document configures. Plain data: no pointers, nothing to free. */
struct weir_acl_config {
	uint32_t set;                          /* WEIR_ACL_CFG_* bits */
	uint32_t devices;                      /* weir.devices, <= WEIR_MAX_DEVICES */
	uint32_t workers_per_device;           /* weir.workers_per_device, <= 1024 */
	uint32_t ring_capacity;                /* weir.ring_capacity */
	uint32_t spin_ns;                      /* weir.spin_ns */
	uint32_t quantum;                      /* weir.quantum */
	uint64_t mem_capacity;                 /* weir.mem_capacity: 0, or MIN..MAX above */
	char cpus[WEIR_ACL_CFG_VALUE_MAX + 1]; /* weir.cpus, no NUL inside */
	int32_t default_device;                /* defaultDevice.default_device; -1: none */
	bool err_msg_process;                  /* err_msg_mode 1 */
};

/* An empty configuration: nothing set, default_device -1. */
void weir__acl_config_init(struct weir_acl_config *c);

/* Parse the document buf[0, len) (need not be NUL-terminated; buf may be
 * NULL when len is 0) into *out, which it initializes first.
 * Returns ACL_SUCCESS, or ACL_ERROR_PARSE_FILE (100006) when the document is
 * not valid JSON, not valid UTF-8, not an object, or a key weir reads has the
 * wrong type, an over-long value or a value out of range; then *out holds
 * what was read before the failure and must not be applied. msg (msgsz bytes,
 * may be NULL/0) receives the reason, NUL-terminated and truncated to fit:
 * "" on success, else e.g. "weir.devices: true is not an unsigned number (or
 * a string holding one)" or "not valid JSON (near byte 17: expected ',' or
 * '}')". Never fails otherwise; allocates nothing; thread-safe (no shared
 * state). */
int weir__acl_config_parse(const char *buf, size_t len, struct weir_acl_config *out, char *msg,
                           size_t msgsz);

/* Copy every key c sets into *cfg. cfg->cpus then points into c->cpus: the
 * caller copies it if *cfg outlives *c. */
void weir__acl_config_apply(const struct weir_acl_config *c, weir_config_t *cfg);

#endif /* WEIR_ACL_CONFIG_H */
