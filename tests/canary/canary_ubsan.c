/*
 * tests/canary/canary_ubsan.c - planted undefined behaviour (signed integer
 * overflow) the ASan+UBSan lane MUST report. Not a CTest test: scripts/test.sh
 * runs it and fails the run if it exits 0. The operand is volatile, so the
 * compiler cannot fold or drop the overflowing addition.
 */
#include <limits.h>
#include <stdio.h>

static volatile int operand = INT_MAX;

int main(void)
{
	int r = operand + 1; /* UB: signed overflow */

	printf("canary_ubsan: INT_MAX + 1 = %d (no report means the lane is blind)\n", r);
	return 0;
}
