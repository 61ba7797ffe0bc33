/*
 * tests/canary/canary_leak.c - a planted leak the ASan lane (LeakSanitizer)
 * MUST report. Not a CTest test: scripts/test.sh runs it and fails the run if
 * it exits 0. Each block's only pointer is dropped; the volatile store keeps
 * the allocations from being optimised away. Several blocks, because at -O2
 * the last pointer can survive in a register or a dead stack slot, which
 * LeakSanitizer scans conservatively (a single leak went unreported).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *volatile sink;

__attribute__((noinline)) static void leak_once(size_t n)
{
	char *p = malloc(n);

	if (p == NULL)
		return;
	memset(p, 0xab, n);
	sink = p;
	sink = NULL; /* LEAK: last reference gone */
}

int main(void)
{
	size_t total = 0;

	for (size_t i = 1; i <= 16; i++) {
		leak_once(i * 256);
		total += i * 256;
	}
	printf("canary_leak: leaked %zu bytes in 16 blocks (no report means the lane is blind)\n",
	       total);
	return 0;
}
