#!/usr/bin/env bash
# scripts/demo.sh - the first thing to run: installs what the build needs,
# builds weir (release) into build/release and runs the multi-device demos:
#   build/release/examples/multi_device_c    native C API + ACL facade
#   build/release/examples/multi_device_ge   GE v2 C++ facade + ACL (if built)
#   build/release/examples/ge_ir_program     a GE program: REG_OP ops, v1 ge::Session
# Each demo prints what it ran and whether its results matched a host
# reference. Exit status is non-zero if the build or any demo fails.
# Environment: WEIR_JOBS (build parallelism, default 2).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD="$ROOT/build/release"
JOBS=${WEIR_JOBS:-2}

"$ROOT/scripts/install-deps.sh" </dev/null
cmake -G Ninja -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release \
	-DWEIR_BUILD_TESTS=OFF -DWEIR_BUILD_EXAMPLES=ON </dev/null
cmake --build "$BUILD" -j "$JOBS" </dev/null

ran=0
failed=0
for demo in multi_device_c multi_device_ge ge_ir_program; do
	exe="$BUILD/examples/$demo"
	[[ -x "$exe" ]] || continue
	ran=$((ran + 1))
	echo
	echo "=== $demo"
	if "$exe" </dev/null; then
		echo "=== $demo: OK"
	else
		rc=$?
		echo "=== $demo: FAILED (exit $rc)"
		failed=1
	fi
done
if [[ $ran -eq 0 ]]; then
	echo "demo.sh: no demo was built (expected $BUILD/examples/multi_device_c)" >&2
	exit 1
fi
exit $failed
