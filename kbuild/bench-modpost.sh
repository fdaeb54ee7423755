#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bench-modpost.sh - time modpost-rs and the C modpost side by side on the same inputs.
#
# Inputs (each copied to tmpfs so the disk does not dominate):
#   fixture  the oracle kernel's in-tree run (vmlinux.o + its modules), Kbuild's exact command
#            line (kbuild/kernel.sh build oracle; built if missing)
#   distro   Debian's 4,230 modules in the fake objtree of kbuild/distro.sh fetch (skipped if it
#            has not run), run as `make M=` runs modpost
# Each run starts "fresh" (all *.mod.c deleted, as in a clean build). The runs alternate C, Rust,
# C, Rust, ... so drift in machine speed hits both; medians of wall/user/sys and peak RSS are
# printed with the Rust/C ratio of the wall medians.
#
# Usage: kbuild/bench-modpost.sh [fixture] [distro]     RUNS=7 by default
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
RUNS=${RUNS:-7}
DISTRO=$(eval "$(bash "$KB/distro.sh" env)"; echo "$DEST")
bash "$KB/kernel.sh" build oracle
eval "$(bash "$KB/kernel.sh" env oracle)"
rust_tools
RS=$MODPOST_RS
SHM=$(mktemp -d /dev/shm/bench-modpost.XXXXXX)
trap 'rm -rf "$SHM"' EXIT

median() { sort -n | awk '{a[NR]=$1} END{print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }

# bench LABEL DIR C_BINARY ARGS... : runs in DIR
bench() {
	local label=$1 dir=$2 cbin=$3
	shift 3
	local i tool
	: > "$SHM/c.times"; : > "$SHM/rs.times"
	for i in $(seq "$RUNS"); do
		for tool in c rs; do
			local bin=$cbin
			[ $tool = rs ] && bin=$RS
			find "$dir" -name '*.mod.c' -delete
			(cd "$dir" && /usr/bin/time -f "%e %U %S %M" -o "$SHM/t" "$bin" "$@" > /dev/null 2>&1) || true
			cat "$SHM/t" >> "$SHM/$tool.times"
		done
	done
	local col name c r
	printf '%-8s %-10s %10s %10s %8s\n' "$label" figure C Rust Rust/C
	for col in 1:wall_s 2:user_s 3:sys_s 4:rss_kb; do
		name=${col#*:}
		c=$(cut -d' ' -f"${col%%:*}" "$SHM/c.times" | median)
		r=$(cut -d' ' -f"${col%%:*}" "$SHM/rs.times" | median)
		printf '%-8s %-10s %10s %10s %8s\n' "" "$name" "$c" "$r" "$(awk -v a="$r" -v b="$c" 'BEGIN{printf (b>0)?"%.2f":"-", a/b}')"
	done
}

steps=${*:-fixture distro}
for s in $steps; do
	case $s in
	fixture)
		cp -a "$BUILD" "$SHM/fixture"
		args=$(grep -a '^ *scripts/mod/modpost ' "$LOGS/build-V1.log" | head -1 | sed 's/^ *scripts\/mod\/modpost //')
		# shellcheck disable=SC2086
		bench fixture "$SHM/fixture" "$SHM/fixture/scripts/mod/modpost" $args
		rm -rf "$SHM/fixture"
		;;
	distro)
		if [ ! -d "$DISTRO/modpost/tree" ]; then
			echo "distro: $DISTRO/modpost/tree missing (bash kbuild/distro.sh fetch); skipped" >&2
			continue
		fi
		cp -a "$DISTRO/modpost/tree" "$SHM/distro"
		kb=$(ls -d "$DISTRO"/root/usr/lib/linux-kbuild-*/scripts | head -1)
		bench distro "$SHM/distro" "$kb/mod/modpost" -M -m -e -i "$DISTRO/modpost/Module.symvers" \
			-o "$SHM/out.symvers" -T modules.order
		rm -rf "$SHM/distro"
		;;
	*) echo "unknown input $s" >&2; exit 2 ;;
	esac
done
