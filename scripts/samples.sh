#!/usr/bin/env bash
# scripts/samples.sh - compile Huawei's public runtime samples (the example/
# folder of the hicann/runtime repository) UNCHANGED against weir's ACL
# headers, link them with libweir, and run each one several times.
#
#   scripts/samples.sh [--runs N] [--build DIR] RUNTIME_CHECKOUT [SAMPLE...]
#
# RUNTIME_CHECKOUT is a checkout of hicann/runtime (or any folder holding its
# example/ tree); SAMPLE is a path under example/, e.g.
# 2_advanced_features/tdt_queue/1_queue_route. Without SAMPLE arguments the
# list below (the samples issues 10, 11 and 13 name) is run.
#
# Each sample's sources are the .cpp files its CMakeLists.txt gives to
# add_executable(); they are compiled with g++ -std=c++17 with the include
# folders the sample's CMakeLists uses (the sample, its parent, example/) and
# weir's include/. Kernels that the samples build with the AscendC compiler
# (example/kernel_func/kernel_ops.h, kernel_add.h) are replaced by the CPU
# versions in tests/samples/kernel_ops.cpp. A sample passes when every run
# exits with status 0 (the samples' own checks decide that).
#
# --build DIR: a configured build folder whose libweir.so to use (default:
# build/samples, configured and built here in release mode).
# Nothing from the samples is copied into this repository.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# WEIR_SAMPLES_ROOT: take include/ and tests/samples/ from another weir tree.
TREE=${WEIR_SAMPLES_ROOT:-$ROOT}
kops=$TREE/tests/samples/kernel_ops.cpp
[[ -f $kops ]] || kops=$ROOT/tests/samples/kernel_ops.cpp
runs=3
build=""
while [[ $# -gt 0 ]]; do
	case "$1" in
	--runs) runs=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	-h|--help) sed -n '2,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) break ;;
	esac
done
[[ $# -ge 1 ]] || { echo "usage: scripts/samples.sh [--runs N] [--build DIR] RUNTIME_CHECKOUT [SAMPLE...]" >&2; exit 2; }
src=$1; shift
ex=$src/example
[[ -d $ex ]] || ex=$src
[[ -d $ex/0_quickstart ]] || { echo "samples.sh: no example/ tree under $src" >&2; exit 2; }

samples=("$@")
if [[ ${#samples[@]} -eq 0 ]]; then
	samples=(
		0_quickstart/0_hello_cann
		0_quickstart/1_error_handling
		0_quickstart/2_system_info
		0_quickstart/3_cross_version/0_runtime_compatibility
		1_basic_features/context/0_context_query
		1_basic_features/device/0_device_normal
		1_basic_features/device/1_device_multi_thread
		1_basic_features/device/2_device_P2P
		1_basic_features/stream/0_simple_stream
		1_basic_features/stream/1_stream_with_failure_mode
		1_basic_features/stream/2_multi_stream
		1_basic_features/stream/3_stream_config_query
		1_basic_features/memory/9_multistream_sync_memory
		2_advanced_features/callback/0_simple_callback
		2_advanced_features/callback/1_callback_hostfunc
		2_advanced_features/callback/2_callback_exception
		2_advanced_features/built_in_task/0_reduce_task
		2_advanced_features/built_in_task/1_random_num_task
		2_advanced_features/kernel/1_launch_kernel_with_reslimit
		2_advanced_features/model_ri/0_simple_model
		2_advanced_features/model_ri/1_model_update
		2_advanced_features/model_ri/2_model_switch
		2_advanced_features/model_ri/3_cond_model
		2_advanced_features/model_ri/4_model_sync_external
		2_advanced_features/label/0_simple_label
		2_advanced_features/tdt_channel/0_simple_channel
		2_advanced_features/tdt_channel/1_channel_capacity
		2_advanced_features/tdt_queue/0_simple_queue
		2_advanced_features/tdt_queue/1_queue_route
		4_reliability/overflow_detection/0_overflow_detection
		5_performance/profiling/3_mstx_with_domain
	)
fi

if [[ -z $build ]]; then
	build=$TREE/build/samples
	if [[ ! -f $build/CMakeCache.txt ]]; then
		cmake -G Ninja -S "$TREE" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null || exit 1
	fi
	cmake --build "$build" -j"${WEIR_JOBS:-2}" --target weir >/dev/null || exit 1
fi
build=$(cd "$build" && pwd)
lib=$(find "$build" -maxdepth 2 -name 'libweir.so' | head -1)
[[ -n $lib ]] || { echo "samples.sh: no libweir.so in $build" >&2; exit 1; }
libdir=$(dirname "$lib")

out=$build/samples-out
mkdir -p "$out"
CXXFLAGS=(-std=c++17 -O2 -Wall -pthread -I"$TREE/include")
g++ "${CXXFLAGS[@]}" -c "$kops" -o "$out/kernel_ops.o" || exit 1

pass=0
fail=0
failed=()
for s in "${samples[@]}"; do
	dir=$ex/$s
	name=${s//\//_}
	if [[ ! -f $dir/CMakeLists.txt ]]; then
		echo "FAIL $s: no such sample"; fail=$((fail + 1)); failed+=("$s"); continue
	fi
	# The sources of add_executable(main ...), which may span lines.
	srcs=$(sed -n '/add_executable *(/,/)/p' "$dir/CMakeLists.txt" | tr ' \t()' '\n\n\n\n' |
	       grep '\.cpp$' | sed "s|^|$dir/|")
	log=$out/$name.log
	if ! g++ "${CXXFLAGS[@]}" -I"$dir" -I"$dir/.." -I"$ex" $srcs "$out/kernel_ops.o" \
	     -L"$libdir" -Wl,-rpath,"$libdir" -lweir -o "$out/$name" >"$log" 2>&1; then
		echo "FAIL $s: does not compile (log: $log)"
		grep -m5 'error' "$log" | sed 's/^/    /'
		fail=$((fail + 1)); failed+=("$s"); continue
	fi
	ok=1
	for ((r = 1; r <= runs; r++)); do
		if ! (cd "$dir" && timeout 300 "$out/$name") >"$log.run$r" 2>&1; then
			echo "FAIL $s: run $r exited with $? (log: $log.run$r)"
			tail -5 "$log.run$r" | sed 's/^/    /'
			ok=0; break
		fi
	done
	if [[ $ok -eq 1 ]]; then
		echo "pass $s ($runs runs)"; pass=$((pass + 1))
	else
		fail=$((fail + 1)); failed+=("$s")
	fi
done
echo "samples: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
