#!/usr/bin/env bash
# scripts/onnx-table.sh - regenerate docs/onnx.md: ONNX's backend node tests
# (Debian libonnx-testdata) through GE's ONNX parser and ge::Session,
# one table row per op (tests/onnx/onnx_backend.c).
#
#   scripts/onnx-table.sh [BUILD_DIR]    default build/release (configured
#                                        and built here if needed)
#
# Prints the pass count: when it grew, raise WEIR_ONNX_MIN_PASS in
# tests/CMakeLists.txt to it, so CI holds the gain.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${1:-$ROOT/build/release}
if [[ ! -f $dir/build.ninja && ! -f $dir/Makefile ]]; then
	cmake -G Ninja -S "$ROOT" -B "$dir" -DWEIR_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE=Release </dev/null >/dev/null
fi
cmake --build "$dir" -j "${WEIR_JOBS:-2}" --target onnx_backend </dev/null >/dev/null
exe=$dir/tests/onnx_backend
"$exe" --table "$ROOT/docs/onnx.md" </dev/null
echo "onnx-table.sh: wrote docs/onnx.md"
