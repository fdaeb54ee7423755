#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bench-paths-build.sh - the build time CONFIG_KALLSYMS_PATHS adds, step by step, against the
# CPU time of a whole fixture build with the C tools (docs/performance.md). Whole-build times
# on this machine vary by more than the effect, so each added step is re-run on its own from
# the paths kernel's build tree:
#
#   manifest   every `modpost-rs manifest` Kbuild ran after an `ar` (the command saved in each
#              archive's .cmd file), all in one loop
#   kallsyms   the last kallsyms pass with its --paths-* options against kallsyms-rs without
#              them (and the C tool) on the same map, times the two passes that have symbols
#              (pass 0 has an empty map)
#   ko-paths   `modpost-rs ko-paths` once per module, as Makefile.modfinal runs it (on a
#              hard-link copy; a second run writes nothing, it reads and checks everything)
#
#   kbuild/bench-paths-build.sh            RUNS=5 by default; medians of user+sys CPU
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
RUNS=${RUNS:-5}
rust_tools
bash "$KB/kernel.sh" build oracle
eval "$(bash "$KB/kernel.sh" env oracle)"
C_KALLSYMS=$BUILD/scripts/kallsyms
ORACLE_TIME=$LOGS/build-time.txt
bash "$KB/kernel.sh" build paths
eval "$(bash "$KB/kernel.sh" env paths)"
T=$(mktemp -d "${TMPDIR:-/tmp}/bench-paths-build.XXXXXX")
trap 'rm -rf "$T"' EXIT

median() { sort -g | awk '{a[NR]=$1} END{print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }
# cpu LABEL CMD...: median user+sys seconds of RUNS runs of CMD (in $T/run)
cpu() {
	local label=$1 i
	shift
	: > "$T/$label.times"
	for i in $(seq "$RUNS"); do
		/usr/bin/time -f '%U %S' -o "$T/t" "$@" > /dev/null 2>&1
		awk '{print $1 + $2}' "$T/t" >> "$T/$label.times"
	done
	median < "$T/$label.times"
}

# manifest: the saved commands, in the build directory, rewritten to the tool of this run
find "$BUILD" -name '.*.a.cmd' -print0 | xargs -0 grep -ho " manifest [^;]*" |
	sed "s|^|$MODPOST_RS|" > "$T/manifests.sh"
n_manifest=$(wc -l < "$T/manifests.sh")
[ "$n_manifest" -gt 100 ] || die "bench-paths-build.sh: only $n_manifest manifest commands found"
cp -al "$BUILD" "$T/tree"
manifest=$(cd "$T/tree" && cpu manifest bash "$T/manifests.sh")

# kallsyms: the paths pass and the C pass on the same map
cmd=$(grep -a '^+ .*/kallsyms-rs .*--paths-image=.tmp_vmlinux2 ' "$LOGS/build-V1.log" | tail -1)
read -ra opts <<< "$(printf '%s\n' "$cmd" | tr ' ' '\n' | grep '^--paths' | tr '\n' ' ')"
k_paths=$(cd "$BUILD" && cpu kpaths "$KALLSYMS_RS" --all-symbols --absolute-percpu "${opts[@]}" .tmp_vmlinux2.syms)
k_rust=$(cd "$BUILD" && cpu krust "$KALLSYMS_RS" --all-symbols --absolute-percpu .tmp_vmlinux2.syms)
k_c=$(cd "$BUILD" && cpu kc "$C_KALLSYMS" --all-symbols --absolute-percpu .tmp_vmlinux2.syms)

# ko-paths: one process per module
sed 's/\.o$/.ko/' "$BUILD/modules.order" > "$T/modules"
n_mod=$(wc -l < "$T/modules")
kopaths=$(cd "$T/tree" && cpu kopaths xargs -a "$T/modules" -n 1 "$MODPOST_RS" ko-paths \
	--srctree "$SRC" --objtree . --extmod "")

build=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {print u + s}' "$ORACLE_TIME")
awk -v m="$manifest" -v nm="$n_manifest" -v kp="$k_paths" -v kr="$k_rust" -v kc="$k_c" \
	-v ko="$kopaths" -v nk="$n_mod" -v b="$build" 'BEGIN {
	k = 2 * (kp - kr)
	printf "manifest: %d archives, %.2f s CPU\n", nm, m
	printf "kallsyms: kallsyms-rs with paths %.2f s, without %.2f s, the C tool %.2f s per pass; 2 passes with paths add %.2f s CPU\n", kp, kr, kc, k
	printf "ko-paths: %d modules, one process each, %.2f s CPU\n", nk, ko
	printf "total: %.2f s CPU = %.2f%% of the C fixture build (%.0f s user+sys)\n", m + k + ko, 100 * (m + k + ko) / b, b
}'
