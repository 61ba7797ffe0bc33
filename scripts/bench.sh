#!/usr/bin/env bash
# scripts/bench.sh - build and run weir's benchmarks, write bench/results/<name>.json,
# add a full run to the history (bench/history/<suite>.csv), redraw the plots
# (docs/plots/<suite>.svg) and regenerate the tables of docs/benchmarks.md.
#
#   scripts/bench.sh            full run (7 rounds x >= 50 ms per subject; <= 5 min on 2 cores)
#   scripts/bench.sh --quick    functional check only (3 short rounds; the report says so;
#                               not added to the history)
#   scripts/bench.sh --no-deps  do not try to install the baseline packages
#   scripts/bench.sh --report   only redraw the plots and regenerate docs/benchmarks.md
#                               from bench/history/ and bench/results/*.json
#   scripts/bench.sh --only sched   run one bench (bench_sched), keep the other JSON files
#                                   (names: sched acl alloc copy graph seed ge kernels)
#
# Benchmarks are never part of the tests. Every figure is a ratio measured side by
# side in one process (shared/design/performance.md); absolute numbers are for information.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${WEIR_BENCH_BUILD_DIR:-$root/build/bench}
results=$root/bench/results
doc=$root/docs/benchmarks.md
quick=0 deps=1 report_only=0 only=""
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 ;;
	--no-deps) deps=0 ;;
	--report) report_only=1 ;;
	--only) only=$2; shift ;;
	-h|--help) sed -n '2,17p' "$0"; exit 0 ;;
	*) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

log() { printf '== %s\n' "$*"; }

install_deps() {
	if [ -x "$root/scripts/install-deps.sh" ]; then
		"$root/scripts/install-deps.sh" --bench || log "install-deps.sh --bench failed; continuing with what is installed"
		return
	fi
	local missing=()
	for p in libtbb-dev libjemalloc-dev libmimalloc-dev libgoogle-perftools-dev libck-dev strace \
		gnuplot-nox; do
		dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return
	local sudo=""
	[ "$(id -u)" -ne 0 ] && sudo=sudo
	log "installing ${missing[*]}"
	$sudo apt-get update -qq && $sudo apt-get install -y -qq "${missing[@]}" ||
		log "apt-get failed; benches whose baselines are missing are skipped"
}

run_benches() {
	cmake -S "$root" -B "$build" -DWEIR_BUILD_BENCH=ON -DWEIR_BUILD_TESTS=OFF \
		-DWEIR_BUILD_EXAMPLES=OFF -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build "$build" -j"$(nproc)" --target bench
	mkdir -p "$results"
	local common=()
	[ $quick -eq 1 ] && common+=(--quick)
	export WEIR_GIT_REV
	WEIR_GIT_REV=$(git -C "$root" describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)
	# Keep idle OpenMP pools off the cores while others are measured (performance.md rule 3).
	export OMP_WAIT_POLICY=passive GOMP_SPINCOUNT=0
	export GLIBC_TUNABLES=glibc.rtld.optional_static_tls=65536
	local t_start=$SECONDS
	for name in sched acl alloc copy graph seed ge kernels; do
		[ -n "$only" ] && [ "$only" != "$name" ] && continue
		local bin=$build/bench/bench_$name
		if [ ! -x "$bin" ]; then
			log "bench_$name: not built (missing source or dependency), skipped"
			continue
		fi
		if [ "$name" = sched ]; then
			# S5: does syncing an idle stream make system calls? Count the main
			# thread's calls (strace without -f) for 0 and 10^7 idle syncs, and
			# report per 10^6. Start-up and shutdown vary by a call or two between
			# runs (a join that did or did not have to wait, a yield in the sync
			# of the task before the loop), so each count is the least of three
			# runs, and one stray call is 0.1 per 10^6, not 1.
			if command -v strace >/dev/null; then
				local c0 c1
				s5_calls() {
					local best="" c
					for _ in 1 2 3; do
						c=$(strace -c -o /dev/stdout "$bin" --s5-idle-loop "$1" | awk '$NF=="total"{print $4}')
						[ -n "$c" ] && { [ -z "$best" ] || [ "$c" -lt "$best" ]; } && best=$c
					done
					echo "$best"
				}
				c0=$(s5_calls 0)
				c1=$(s5_calls 10000000)
				if [ -n "$c0" ] && [ -n "$c1" ]; then
					export WEIR_BENCH_S5_SYSCALLS
					WEIR_BENCH_S5_SYSCALLS=$(awk -v a="$c1" -v b="$c0" 'BEGIN { printf "%g", (a - b) / 10 }')
					log "S5: main-thread system calls per 10^6 idle syncs: $WEIR_BENCH_S5_SYSCALLS (($c1 - $c0) / 10 over 10^7)"
				fi
			else
				log "strace not installed: S5 syscall count not measured"
			fi
		fi
		log "bench_$name"
		local rc=0
		timeout "${WEIR_BENCH_TIMEOUT:-320}" "$bin" "${common[@]}" --json "$results/$name.json" || rc=$?
		[ $rc -ne 0 ] && log "bench_$name exited with status $rc (see above)"
	done
	log "benchmarks took $((SECONDS - t_start)) s"
}

hist="$root/scripts/bench-history.py"
t_run=$(date +%s)
[ $deps -eq 1 ] && [ $report_only -eq 0 ] && install_deps
[ $report_only -eq 0 ] && run_benches

# A full run goes into the history (results this run wrote, not older files
# or --quick ones); plots after a full run and for --report. Neither step may
# fail the script: a missing gnuplot or a bad row is reported and skipped.
if [ $report_only -eq 0 ] && [ $quick -eq 0 ]; then
	python3 "$hist" append --since "$t_run" || log "history: append failed (see above); continuing"
fi
if [ $quick -eq 0 ] || [ $report_only -eq 1 ]; then
	python3 "$hist" plot || log "plots: not all drawn (see above); continuing"
fi

# Regenerate the results section of docs/benchmarks.md (between its markers).
python3 "$hist" report
