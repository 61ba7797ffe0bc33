#!/usr/bin/env bash
# scripts/fuzz.sh - build the libFuzzer harnesses (tests/fuzz/fuzz_*.c) with
# clang + ASan + UBSan and run each one for a while.
#
#   scripts/fuzz.sh [--seconds N] [--merge] [--build DIR] [NAME...]
#
# NAME is a harness (graph, acl_config, ...; default: all). Each run starts
# from a scratch copy of the checked-in corpus (tests/fuzz/corpus/NAME), so a
# CI run never writes into the source tree. --merge instead merges the new
# inputs the run found back into tests/fuzz/corpus/NAME (libFuzzer -merge=1,
# keeping only inputs that add coverage): commit them. A crash, leak,
# sanitizer report or time-out fails the run and leaves the input in
# DIR/artifacts/; once the bug is fixed, copy that file into the corpus as
# tests/fuzz/corpus/NAME/bug-<what> so every lane replays it from then on.
# Environment: WEIR_FUZZ_SECONDS (default 60), WEIR_JOBS (default 2).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JOBS=${WEIR_JOBS:-2}
secs=${WEIR_FUZZ_SECONDS:-60}
merge=0
dir="$ROOT/build/fuzz"
ONNX_TESTDATA=${WEIR_ONNX_TESTDATA:-/usr/share/libonnx-testdata/data/node}
names=()
while [[ $# -gt 0 ]]; do
	case "$1" in
	--seconds) secs=$2; shift 2 ;;
	--merge) merge=1; shift ;;
	--build) dir=$2; shift 2 ;;
	-h|--help) sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "fuzz.sh: unknown option '$1'" >&2; exit 2 ;;
	*) names+=("$1"); shift ;;
	esac
done
if [[ ${#names[@]} -eq 0 ]]; then
	for f in "$ROOT"/tests/fuzz/fuzz_*.c; do
		n=${f##*/fuzz_}; names+=("${n%.c}")
	done
fi

cmake -G Ninja -S "$ROOT" -B "$dir" -DWEIR_BUILD_TESTS=ON -DWEIR_BUILD_EXAMPLES=OFF \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
	-DWEIR_SANITIZER=address -DWEIR_FUZZ=ON </dev/null >"$dir.configure.log" 2>&1 ||
	{ cat "$dir.configure.log"; echo "fuzz.sh: configure failed" >&2; exit 1; }
cmake --build "$dir" -j "$JOBS" --target weir_fuzzers </dev/null || { echo "fuzz.sh: build failed" >&2; exit 1; }

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
mkdir -p "$dir/artifacts"
fail=0
for n in "${names[@]}"; do
	exe="$dir/tests/fuzz/fuzz_$n" seeds="$ROOT/tests/fuzz/corpus/$n" work="$dir/corpus-$n"
	[[ -x "$exe" ]] || { echo "fuzz.sh: no harness '$n'" >&2; fail=1; continue; }
	rm -rf "$work"; mkdir -p "$work" "$seeds"
	cp -r "$seeds/." "$work/"
	# The ONNX importer also starts from a few of ONNX's own backend test
	# models and tensors (Debian libonnx-testdata), copied for this run
	# only: ONNX files are never checked in.
	if [[ $n == onnx_parse && -d $ONNX_TESTDATA ]]; then
		for c in test_add test_conv_with_strides_padding test_reshape_extended_dims \
			 test_constant test_gather_0 test_cast_FLOAT_to_FLOAT16 test_slice \
			 test_lstm_defaults; do
			[[ -f $ONNX_TESTDATA/$c/model.onnx ]] || continue
			cp "$ONNX_TESTDATA/$c/model.onnx" "$work/seed-$c.onnx"
			cp "$ONNX_TESTDATA/$c/test_data_set_0/input_0.pb" "$work/seed-$c-input_0.pb" 2>/dev/null || true
		done
	fi
	echo "=== fuzz $n: ${secs}s from $(ls "$seeds" | wc -l) corpus inputs"
	log="$dir/fuzz-$n.log"
	# -timeout: one input taking 25 s is a hang; -rss_limit_mb: 2 GiB.
	"$exe" -max_total_time="$secs" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$dir/artifacts/$n-" "$work" </dev/null >"$log" 2>&1
	rc=$?
	grep -E '^(#[0-9]+ *DONE|stat::number_of_executed_units|stat::new_units_added)' "$log" | sed 's/^/    /'
	if [[ $rc -ne 0 ]]; then
		echo "fuzz $n: FAILED (exit $rc); the report and the input follow"
		grep -v '^#[0-9]' "$log" | tail -n 60 | sed 's/^/    | /'
		ls -1 "$dir/artifacts/$n-"* 2>/dev/null | sed 's/^/    artifact: /'
		fail=1
		continue
	fi
	echo "fuzz $n: no failure in ${secs}s"
	if [[ $merge -eq 1 ]]; then
		"$exe" -merge=1 "$seeds" "$work" </dev/null >"$dir/merge-$n.log" 2>&1 &&
			echo "fuzz $n: corpus now $(ls "$seeds" | wc -l) inputs (commit tests/fuzz/corpus/$n)" ||
			{ echo "fuzz $n: merge failed"; fail=1; }
	fi
done
exit $fail
