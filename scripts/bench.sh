#!/usr/bin/env bash
# scripts/bench.sh - build and run weir's benchmarks, write bench/results/<name>.json
# and regenerate the tables of docs/benchmarks.md from them.
#
#   scripts/bench.sh            full run (7 rounds x >= 50 ms per subject; <= 5 min on 2 cores)
#   scripts/bench.sh --quick    functional check only (3 short rounds; the report says so)
#   scripts/bench.sh --no-deps  do not try to install the baseline packages
#   scripts/bench.sh --report   only regenerate docs/benchmarks.md from bench/results/*.json
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
	-h|--help) sed -n '2,13p' "$0"; exit 0 ;;
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
	for p in libtbb-dev libjemalloc-dev libmimalloc-dev libgoogle-perftools-dev libck-dev strace; do
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
			# thread's calls (strace without -f) for 0 and 10^6 idle syncs. Start-up
			# and shutdown vary by a call or two between runs (a join that did or
			# did not have to wait), so each count is the least of three runs.
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
				c1=$(s5_calls 1000000)
				if [ -n "$c0" ] && [ -n "$c1" ]; then
					export WEIR_BENCH_S5_SYSCALLS=$((c1 - c0))
					log "S5: main-thread system calls for 10^6 idle syncs: $WEIR_BENCH_S5_SYSCALLS ($c1 - $c0)"
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

[ $deps -eq 1 ] && [ $report_only -eq 0 ] && install_deps
[ $report_only -eq 0 ] && run_benches

# ---------------------------------------------------------------------------
# Regenerate the results section of docs/benchmarks.md (between the markers).
python3 - "$doc" "$results" <<'PY'
import glob, json, os, sys

doc, results = sys.argv[1], sys.argv[2]
BEGIN, END = "<!-- BEGIN RESULTS (scripts/bench.sh) -->", "<!-- END RESULTS -->"

def num(v):
    if v is None:
        return "-"
    a = abs(v)
    if a != 0 and (a >= 1e6 or a < 0.01):
        return "%.3g" % v
    if a >= 100:
        return "%.0f" % v
    return "%.3g" % v

out = []
missed = []
files = sorted(glob.glob(os.path.join(results, "*.json")))
if not files:
    out.append("_No results yet: run `scripts/bench.sh`._")
for path in files:
    try:
        with open(path) as fp:
            data = json.load(fp)
    except (OSError, ValueError) as e:
        out.append("_%s: unreadable (%s)_\n" % (os.path.basename(path), e))
        continue
    m = data.get("meta", {})
    out.append("### Suite `%s`\n" % data.get("suite", os.path.basename(path)))
    out.append("Date %s; machine: %s; git %s; %s rounds x >= %s ms%s; load average at end %s.\n" % (
        m.get("date"), m.get("machine"), m.get("git"), m.get("rounds"), m.get("round_ms"),
        " (**QUICK run: a functional check, not a measurement**)" if m.get("quick") else "",
        m.get("loadavg_at_end", "?").split(" ")[0]))
    out.append("| figure | ours | baseline | unit | ratio median [p10, p90] | target | status |")
    out.append("|---|---|---|---|---|---|---|")
    for f in data.get("figures", []):
        r = f.get("ratio")
        rs = "%s [%s, %s]" % (num(r["median"]), num(r["p10"]), num(r["p90"])) if r else "-"
        t = f.get("target")
        ts = "-"
        if t:
            ts = "%s %s %s" % ("ours" if t["on"] == "ours" else "ratio", t["cmp"], num(t["value"]))
            if t.get("text"):
                ts += " (%s)" % t["text"]
        st = f.get("status", "info")
        if st == "missed":
            st = "**MISSED**"
            missed.append((data.get("suite"), f["name"], rs if t and t["on"] == "ratio" else num(f.get("ours")), ts))
        elif st == "failed":
            st = "**FAILED**"
            missed.append((data.get("suite"), f["name"], "failed: " + f.get("note", ""), ts))
        ours = "%s: %s" % (f.get("ours_name"), num(f.get("ours")))
        base = "%s: %s" % (f.get("baseline_name"), num(f.get("baseline"))) if f.get("baseline_name") else "-"
        out.append("| %s | %s | %s | %s | %s | %s | %s |" % (f["name"], ours, base, f.get("unit", ""), rs, ts, st))
        lat = f.get("latency_ns")
        if lat:
            parts = []
            for k in ("ours", "baseline"):
                if k in lat:
                    L = lat[k]
                    parts.append("%s p50 %s / p99 %s / p99.9 %s ns (%d samples)" % (
                        k, num(L["p50"]), num(L["p99"]), num(L["p999"]), L["samples"]))
            out.append("| &nbsp;&nbsp;latency | %s | | | | | |" % "; ".join(parts))
        if f.get("note"):
            out.append("| &nbsp;&nbsp;note | %s | | | | | |" % f["note"].replace("|", "/"))
    out.append("")

summary = ["### Targets missed", ""]
if missed:
    summary.append("These targets are **not met** in the run above (noise caveat: 2 shared vCPUs):")
    summary.append("")
    for s, n, v, t in missed:
        summary.append("- `%s` / `%s`: measured %s; target %s" % (s, n, v, t))
else:
    summary.append("None in the run above." if files else "No run yet.")
summary.append("")

block = BEGIN + "\n\n" + "\n".join(summary + out) + "\n" + END
text = open(doc).read() if os.path.exists(doc) else "# Benchmarks\n\n"
if BEGIN in text and END in text:
    text = text[:text.index(BEGIN)] + block + text[text.index(END) + len(END):]
else:
    text = text.rstrip("\n") + "\n\n" + block + "\n"
with open(doc, "w") as fp:
    fp.write(text)
print("== %s regenerated from %d result file(s)" % (doc, len(files)))
PY
