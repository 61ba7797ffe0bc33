#!/usr/bin/env bash
# scripts/check-format.sh - is every C/C++ file the way clang-format-14 writes it?
#
#   scripts/check-format.sh          list the files that differ; exit 1 if any
#   scripts/check-format.sh --fix    reformat them in place
#
# The style is .clang-format at the root (Linux-kernel lineage: tabs for
# indentation, spaces for alignment, 100 columns). CI runs the check before
# any lane (scripts/test.sh), so the tree stays formatted.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cf=$(command -v clang-format-14 || command -v clang-format) ||
	{ echo "check-format: clang-format-14 is not installed (scripts/install-deps.sh)" >&2; exit 1; }
fix=0
[[ ${1:-} == --fix ]] && fix=1
bad=0
while IFS= read -r f; do
	if [[ $fix -eq 1 ]]; then
		"$cf" -i --style=file "$f"
	elif ! "$cf" --style=file --dry-run -Werror "$f" >/dev/null 2>&1; then
		echo "check-format: $f is not formatted (scripts/check-format.sh --fix)"
		bad=1
	fi
done < <(git ls-files '*.c' '*.h' '*.cpp' '*.hpp')
[[ $bad -eq 0 && $fix -eq 0 ]] && echo "check-format: every file is formatted"
exit $bad
