#!/usr/bin/env bash
# scripts/test.sh - build and test weir in every CI lane (what .ci/run calls).
#
#   scripts/test.sh                      every lane
#   scripts/test.sh --lane tsan          one lane (repeat --lane for more)
#   scripts/test.sh --quick              skip the stress-labelled tests
#
# Lanes, each in its own build directory under build/:
#   release  gcc, -O2, warnings are errors          build/ci-release
#   tsan     clang, ThreadSanitizer                  build/ci-tsan
#   asan     clang, AddressSanitizer + UBSan (+LSan) build/ci-asan
#   fuzz     clang + libFuzzer + ASan/UBSan: each tests/fuzz harness runs
#            WEIR_FUZZ_SECONDS (default 60) from its checked-in corpus
#            (scripts/fuzz.sh)                       build/ci-fuzz
#   samples  Huawei's runtime samples (hicann/runtime example/) compiled
#            unchanged and run 3 times each against build/ci-release's
#            libweir (scripts/samples.sh). The checkout comes from
#            WEIR_RUNTIME_SAMPLES, else a shallow clone of the pinned
#            commit below; with neither (no network) the lane is skipped,
#            not failed. Runs after release (builds it if needed).
#   busted   testing the tests: for each planted bug in tests/busted.list,
#            a build with -DWEIR_BUSTED=<name> whose named tests MUST fail
#                                                    build/busted-<lane>
# Every sanitizer lane first runs its canaries (tests/canary): programs with a
# planted race, leak or undefined behaviour that the lane MUST report. A
# canary that is not reported fails the run, since a blind lane proves
# nothing (shared/design/reliability.md). The fuzz corpus is also replayed
# as ordinary tests (fuzzreplay_*) in release, tsan and asan.
#
# Environment: WEIR_JOBS (build/test parallelism, default 2). Exit status is
# non-zero if any lane fails. Needs no stdin.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JOBS=${WEIR_JOBS:-2}
lanes=()
quick=0

usage() { sed -n '2,27p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
	case "$1" in
	--lane)
		[[ $# -ge 2 ]] || { usage >&2; exit 2; }
		case "$2" in release|samples|tsan|asan|fuzz|busted) lanes+=("$2") ;;
		*) echo "test.sh: unknown lane '$2' (release|samples|tsan|asan|fuzz|busted)" >&2; exit 2 ;; esac
		shift 2 ;;
	--lane=*) set -- --lane "${1#--lane=}" "${@:2}" ;;
	--quick) quick=1; shift ;;
	-h|--help) usage; exit 0 ;;
	*) echo "test.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
	esac
done
[[ ${#lanes[@]} -gt 0 ]] || lanes=(release samples tsan asan fuzz busted)

"$ROOT/scripts/install-deps.sh" </dev/null || { echo "test.sh: installing dependencies failed" >&2; exit 1; }

declare -A summary
overall=0

say() { printf '\n=== [%s] %s\n' "$1" "$2"; }

# run_canary LANE DIR NAME PATTERN CMD... : the canary must exit non-zero AND
# print PATTERN (so a crash for another reason does not count as caught).
run_canary() {
	local lane=$1 dir=$2 name=$3 pattern=$4
	shift 4
	local log="$dir/canary-$name.log" rc
	# The subshell keeps bash's "Aborted" job notice in the log too.
	( "$@"; exit $? ) >"$log" 2>&1 </dev/null
	rc=$?
	if [[ $rc -ne 0 ]] && grep -q -- "$pattern" "$log"; then
		echo "canary $name: REPORTED as expected (exit $rc: $(grep -m1 -o -- "$pattern" "$log"))"
		return 0
	fi
	echo "canary $name: NOT REPORTED (exit $rc) - the $lane lane is blind; log follows"
	sed 's/^/    | /' "$log" | tail -n 40
	return 1
}

# lane_config LANE: the lane's compiler and sanitizer flags (into the caller's
# cmake_args) and its run-time environment.
lane_config() {
	case "$1" in
	release)
		cmake_args+=(-DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER=gcc -DCMAKE_CXX_COMPILER=g++
			     "-DCMAKE_C_FLAGS_RELEASE=-O2 -DNDEBUG" "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG"
			     -DWEIR_WERROR=ON -DWEIR_SANITIZER=none)
		export WEIR_STRESS_TASKS=10000000 ;;
	tsan)
		cmake_args+=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang-14
			     -DCMAKE_CXX_COMPILER=clang++-14 -DWEIR_SANITIZER=thread)
		export WEIR_STRESS_TASKS=1000000
		export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$ROOT/tests/tsan.supp" ;;
	asan)
		# The debug-invariants build: every WEIR_ASSERT on a written
		# invariant is live here (and only here; release stays free of them).
		cmake_args+=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang-14
			     -DCMAKE_CXX_COMPILER=clang++-14 -DWEIR_SANITIZER=address
			     -DWEIR_DEBUG_INVARIANTS=ON)
		export WEIR_STRESS_TASKS=1000000
		export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
		export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ;;
	esac
}

# tsan_prefix DIR: clang 14's TSan cannot map its shadow with a 32-bit mmap
# ASLR (newer kernels); rerun without ASLR where the host allows it. Sets the
# caller's prefix array.
tsan_prefix() {
	if "$1/tests/canary/canary_race" plain 2>&1 </dev/null | grep -q 'unexpected memory mapping' &&
	   setarch "$(uname -m)" -R true 2>/dev/null; then
		echo "TSan: shadow mapping failed with ASLR; running this lane under setarch -R"
		prefix=(setarch "$(uname -m)" -R)
	fi
}

run_fuzz_lane() {
	local start=$SECONDS
	say fuzz "libFuzzer harnesses, ${WEIR_FUZZ_SECONDS:-60}s each (scripts/fuzz.sh)"
	if "$ROOT/scripts/fuzz.sh" --build "$ROOT/build/ci-fuzz"; then
		summary[fuzz]="PASS: every harness ran ${WEIR_FUZZ_SECONDS:-60}s without a report ($((SECONDS - start))s)"
		return 0
	fi
	summary[fuzz]="FAIL: a harness reported a bug (see above) ($((SECONDS - start))s)"
	return 1
}

# The busted lane: every planted bug (tests/busted.list: name, lane, tests)
# is built into the library alone and must make at least one of its tests
# fail. A planted bug that every test survives fails the lane.
run_busted_lane() {
	local start=$SECONDS caught=0 missed=0 name blane tests
	while read -r name blane tests; do
		[[ -z "$name" || "$name" == \#* ]] && continue
		local dir="$ROOT/build/busted-$blane" prefix=() rc
		local -a cmake_args=(-G Ninja -S "$ROOT" -B "$dir" -DWEIR_BUILD_TESTS=ON
				     -DWEIR_BUILD_EXAMPLES=OFF "-DWEIR_BUSTED=$name")
		lane_config "$blane"
		say busted "$name ($blane): $tests must fail"
		if ! cmake "${cmake_args[@]}" </dev/null >"$dir.configure.log" 2>&1 ||
		   ! cmake --build "$dir" -j "$JOBS" --target $tests $([[ $blane == tsan ]] && echo canary_race) \
			</dev/null >"$dir.build.log" 2>&1; then
			tail -n 30 "$dir.configure.log" "$dir.build.log" 2>/dev/null
			echo "busted $name: BUILD FAILED"; missed=$((missed + 1)); continue
		fi
		[[ $blane == tsan ]] && tsan_prefix "$dir"
		local re="^($(tr ' ' '|' <<<"$tests"))\$"
		"${prefix[@]}" ctest --test-dir "$dir" -R "$re" --timeout 180 --no-tests=error \
			</dev/null >"$dir/busted-$name.log" 2>&1
		rc=$?
		if [[ $rc -ne 0 ]] && grep -q 'tests failed out of' "$dir/busted-$name.log"; then
			echo "busted $name: CAUGHT ($(grep -E '^\s+[0-9]+ - ' "$dir/busted-$name.log" | awk '{print $3}' | tr '\n' ' '))"
			caught=$((caught + 1))
		else
			echo "busted $name: NOT CAUGHT - the planted bug survives $tests"
			tail -n 20 "$dir/busted-$name.log" | sed 's/^/    | /'
			missed=$((missed + 1))
		fi
	done <"$ROOT/tests/busted.list"
	local verdict=PASS
	[[ $missed -eq 0 && $caught -gt 0 ]] || verdict=FAIL
	summary[busted]="$verdict: $caught planted bugs caught, $missed missed ($((SECONDS - start))s)"
	[[ $verdict == PASS ]]
}

# The samples lane (see the top). The pinned commit is the one the samples
# were last checked against.
RUNTIME_REPO=https://github.com/hicann/runtime.git
RUNTIME_COMMIT=681ef7610
run_samples_lane() {
	local start=$SECONDS src=${WEIR_RUNTIME_SAMPLES:-} dir="$ROOT/build/ci-release"
	if [[ -z $src ]]; then
		src="$ROOT/build/hicann-runtime"
		if [[ ! -d $src/example ]]; then
			say samples "no WEIR_RUNTIME_SAMPLES: cloning $RUNTIME_REPO at $RUNTIME_COMMIT"
			rm -rf "$src"
			if ! timeout 120 git clone -q --filter=blob:none --no-checkout "$RUNTIME_REPO" "$src" </dev/null ||
			   ! git -C "$src" checkout -q "$RUNTIME_COMMIT" -- example </dev/null; then
				rm -rf "$src"
				summary[samples]="SKIPPED: no runtime checkout (set WEIR_RUNTIME_SAMPLES; clone failed)"
				return 0
			fi
		fi
	fi
	if [[ ! -f $dir/libweir.so ]]; then
		local -a cmake_args=()
		lane_config release
		cmake -G Ninja -S "$ROOT" -B "$dir" -DWEIR_BUILD_TESTS=ON "${cmake_args[@]}" </dev/null >/dev/null &&
			cmake --build "$dir" -j "$JOBS" --target weir </dev/null >/dev/null ||
			{ summary[samples]="FAIL at build ($((SECONDS - start))s)"; return 1; }
	fi
	say samples "scripts/samples.sh --build $dir $src"
	local out
	out=$("$ROOT/scripts/samples.sh" --build "$dir" "$src" </dev/null 2>&1)
	local rc=$?
	printf '%s\n' "$out"
	summary[samples]="$([[ $rc -eq 0 ]] && echo PASS || echo FAIL): $(printf '%s\n' "$out" | tail -1) ($((SECONDS - start))s)"
	return $rc
}

run_lane() {
	local lane=$1 dir="$ROOT/build/ci-$1" start=$SECONDS
	case "$lane" in fuzz) run_fuzz_lane; return ;; busted) run_busted_lane; return ;;
	samples) run_samples_lane; return ;; esac
	local -a cmake_args=(-G Ninja -S "$ROOT" -B "$dir" -DWEIR_BUILD_TESTS=ON)
	local -a ctest_args=(--test-dir "$dir" --output-on-failure -j "$JOBS" --no-tests=error)
	local canary_fail=0 tests_line="tests not run" prefix=()
	[[ $quick -eq 1 ]] && ctest_args+=(-LE stress)
	lane_config "$lane"

	say "$lane" "configure: cmake ${cmake_args[*]}"
	if ! cmake "${cmake_args[@]}" </dev/null; then
		summary[$lane]="FAIL at configure ($((SECONDS - start))s)"; return 1
	fi
	say "$lane" "build (-j$JOBS)"
	if ! cmake --build "$dir" -j "$JOBS" </dev/null; then
		summary[$lane]="FAIL at build ($((SECONDS - start))s)"; return 1
	fi

	case "$lane" in
	tsan)
		say "$lane" "canaries (each must be reported)"
		tsan_prefix "$dir"
		run_canary tsan "$dir" race_plain "ThreadSanitizer: data race" \
			"${prefix[@]}" "$dir/tests/canary/canary_race" plain || canary_fail=1
		run_canary tsan "$dir" race_ck_ring "ThreadSanitizer: data race" \
			"${prefix[@]}" "$dir/tests/canary/canary_race" ck_ring || canary_fail=1 ;;
	asan)
		say "$lane" "canaries (each must be reported)"
		run_canary asan "$dir" leak "LeakSanitizer: detected memory leaks" \
			"$dir/tests/canary/canary_leak" || canary_fail=1
		run_canary asan "$dir" ubsan "runtime error: signed integer overflow" \
			"$dir/tests/canary/canary_ubsan" || canary_fail=1 ;;
	esac

	say "$lane" "ctest ${ctest_args[*]} (WEIR_STRESS_TASKS=$WEIR_STRESS_TASKS)"
	local log="$dir/ctest.log" rc
	"${prefix[@]}" ctest "${ctest_args[@]}" </dev/null 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	tests_line=$(grep -E '[0-9]+% tests passed' "$log" | tail -n1)
	[[ -n "$tests_line" ]] || tests_line="ctest exit $rc"

	local verdict=PASS
	[[ $rc -eq 0 && $canary_fail -eq 0 ]] || verdict=FAIL
	local canaries=""
	[[ $lane != release ]] && canaries=", canaries $([[ $canary_fail -eq 0 ]] && echo caught || echo MISSED)"
	summary[$lane]="$verdict: ${tests_line}${canaries} ($((SECONDS - start))s)"
	[[ $verdict == PASS ]]
}

# Before any lane: the include rules (docs/design.md, "Layers"). A
# violation fails the run at once; no lane is built.
say layers "scripts/check-layers.sh"
if "$ROOT/scripts/check-layers.sh"; then
	echo "layers: PASS"
else
	echo "layers: FAIL: an include points up or into another layer's private header (above)"
	exit 1
fi
# And the format (.clang-format): a file clang-format-14 would change fails
# the run (scripts/check-format.sh --fix reformats).
say format "scripts/check-format.sh"
if "$ROOT/scripts/check-format.sh"; then
	echo "format: PASS"
else
	echo "format: FAIL: run scripts/check-format.sh --fix and commit"
	exit 1
fi

mkdir -p "$ROOT/build"
for lane in "${lanes[@]}"; do
	( run_lane "$lane"; rc=$?; printf '%s\n' "${summary[$lane]:-FAIL}" >"$ROOT/build/.ci-$lane.summary"; exit $rc )
	[[ $? -eq 0 ]] || overall=1
done

echo
echo "=== summary$([[ $quick -eq 1 ]] && echo ' (--quick: stress tests skipped)')"
for lane in "${lanes[@]}"; do
	printf 'lane %-8s %s\n' "$lane" "$(cat "$ROOT/build/.ci-$lane.summary" 2>/dev/null || echo 'FAIL: no result')"
	rm -f "$ROOT/build/.ci-$lane.summary"
done
[[ $overall -eq 0 ]] && echo "ALL LANES PASSED" || echo "SOME LANES FAILED"
exit $overall
