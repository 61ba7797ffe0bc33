/*
 * tests/fuzz/fuzz_acl_config.c - libFuzzer harness for aclInit's JSON
 * configuration reader (acl_compat/runtime/config.h).
 *
 * The reader runs on the raw bytes, as aclInit runs it on a file's contents.
 * Besides "no crash, no leak, no UB", it checks the reader's contract on
 * every input: the result is ACL_SUCCESS or ACL_ERROR_PARSE_FILE; the
 * message is NUL-terminated, empty exactly on success and never overruns a
 * small buffer; a success sets only documented keys with in-range values;
 * and parsing is deterministic (a second parse into a dirty struct gives the
 * same result).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "acl_compat/runtime/config.h"
#include "weir/sched.h"

#define CHECK(c)                 \
	do {                     \
		if (!(c))        \
			abort(); \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct weir_acl_config a, b;
	char msg[256], small[8];
	int rc = weir__acl_config_parse((const char *)data, size, &a, msg, sizeof(msg));
	CHECK(rc == ACL_SUCCESS || rc == ACL_ERROR_PARSE_FILE);
	CHECK(memchr(msg, '\0', sizeof(msg)) != NULL);
	CHECK((rc == ACL_SUCCESS) == (msg[0] == '\0'));

	/* Same verdict again, into a struct full of garbage, with a tiny buffer. */
	memset(&b, 0xA5, sizeof(b));
	memset(small, 0x5A, sizeof(small));
	CHECK(weir__acl_config_parse((const char *)data, size, &b, small, sizeof(small)) == rc);
	CHECK(memchr(small, '\0', sizeof(small)) != NULL);
	CHECK(weir__acl_config_parse((const char *)data, size, &b, NULL, 0) == rc);
	if (rc != ACL_SUCCESS)
		return 0;
	CHECK(a.set == b.set);

	/* A success sets only documented keys, each within its documented range. */
	if (a.set & WEIR_ACL_CFG_DEVICES)
		CHECK(a.devices <= WEIR_MAX_DEVICES);
	if (a.set & WEIR_ACL_CFG_WORKERS)
		CHECK(a.workers_per_device <= 1024);
	if (a.set & WEIR_ACL_CFG_MEM_CAPACITY)
		CHECK(a.mem_capacity == 0 || (a.mem_capacity >= WEIR_ACL_CFG_MEM_CAPACITY_MIN &&
		                              a.mem_capacity <= WEIR_ACL_CFG_MEM_CAPACITY_MAX));
	if (a.set & WEIR_ACL_CFG_CPUS)
		CHECK(memchr(a.cpus, '\0', sizeof(a.cpus)) != NULL);
	CHECK(a.default_device >= -1);

	weir_config_t cfg;
	weir_config_init(&cfg);
	weir__acl_config_apply(&a, &cfg);
	return 0;
}
