#!/usr/bin/env bash
# scripts/check-layers.sh - check the include rules of docs/design.md ("Layers").
#
#   scripts/check-layers.sh        prints each violation; exit 1 if any
#
# Layers, bottom up: base (0) < sched (1) < mem (2) < graph (3) < acl_compat (4).
# A source file in layer L may include
#   - the private headers ("dir/x.h") of its own layer and of base/ only;
#   - the public headers of layers <= L: weir/status.h (base), weir/sched.h
#     (sched), weir/mem.h (mem), weir/graph.h and weir/session.h (graph),
#     acl/* and ge/* (acl_compat).
# Public headers (include/weir/*) follow the same rule for the layer that
# owns them, so no native header names a facade.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

rank() {   # rank of a directory or public header, or empty
	case "$1" in
	base|weir/status.h) echo 0 ;;
	sched|weir/sched.h|weir/kernel.h) echo 1 ;;
	mem|weir/mem.h) echo 2 ;;
	graph|weir/graph.h|weir/session.h) echo 3 ;;
	acl_compat|acl/*|aclnn/*|aclnnop/*|ge/*) echo 4 ;;
	esac
}

bad=0
check_file() {   # FILE LAYER
	local f=$1 layer=$2 lr inc ir dir
	lr=$(rank "$layer")
	while IFS= read -r inc; do
		dir=${inc%%/*}
		case "$inc" in
		weir/*|acl/*|aclnn/*|aclnnop/*|ge/*)
			ir=$(rank "$inc")
			[[ -z "$ir" ]] && { [[ $dir == weir ]] && { echo "$f: unknown public header $inc"; bad=1; }; continue; }
			if (( ir > lr )); then echo "$f: includes $inc, a header of a higher layer"; bad=1; fi ;;
		base/*|sched/*|mem/*|graph/*|acl_compat/*)
			if [[ $dir != "$layer" && $dir != base ]]; then
				echo "$f: includes $inc, a private header of layer $dir"; bad=1
			fi ;;
		esac
	done < <(sed -nE 's@^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]([^">]+)[">].*@\1@p' "$f")
}

for layer in base sched mem graph acl_compat; do
	while IFS= read -r f; do check_file "$f" "$layer"; done < <(find "$layer" -name '*.[ch]' -o -name '*.cpp' -o -name '*.hpp' | sort)
done
for h in include/weir/*.h; do
	owner=$(rank "weir/${h##*/}")
	case $owner in 0) l=base ;; 1) l=sched ;; 2) l=mem ;; 3) l=graph ;; *) echo "$h: no owning layer"; bad=1; continue ;; esac
	check_file "$h" "$l"
done
# The public native headers export nothing facade-specific.
if grep -nE 'WEIR_API.*\b(weir_ge_|weir_session_create_acl|weir_session_acl_)' include/weir/*.h; then
	echo "include/weir: a native public header names a facade function (above)"; bad=1
fi
[[ $bad -eq 0 ]] && echo "check-layers: every include points down"
exit $bad
