#!/usr/bin/env bash
# scripts/install-deps.sh - install the Debian 12 packages weir needs.
#
#   scripts/install-deps.sh          build + test dependencies
#   scripts/install-deps.sh --bench  also the benchmark baselines and gnuplot (plots)
#
# Idempotent: asks dpkg which packages are missing and only then runs
# apt-get (as root, or through sudo). Prints nothing when there is
# nothing to do. Needs no stdin (CI runs it non-interactively).
set -euo pipefail

pkgs=(build-essential gcc g++ clang-14 clang-format-14 libclang-rt-14-dev cmake ninja-build
      pkg-config libck-dev liburcu-dev libcmocka-dev protobuf-c-compiler libprotobuf-c-dev
      libonnx-dev libonnx-testdata libblis-serial-dev)
for arg in "$@"; do
	case "$arg" in
	--bench) pkgs+=(libtbb-dev libjemalloc-dev libmimalloc-dev libgoogle-perftools-dev
	                libopenblas-serial-dev gnuplot-nox) ;;
	-h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "install-deps.sh: unknown option '$arg'" >&2; exit 2 ;;
	esac
done

missing=()
for p in "${pkgs[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "install-deps.sh: installing ${missing[*]}"
if [[ $(id -u) -eq 0 ]]; then
	sudo=()
elif command -v sudo >/dev/null 2>&1; then
	sudo=(sudo -n)
else
	echo "install-deps.sh: not root and no sudo; please install: ${missing[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
