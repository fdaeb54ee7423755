#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bench-ksymbench.sh - what a path costs %pS in the booted kernel (docs/performance.md).
#
#   kbuild/bench-ksymbench.sh           BOOTS=5 by default
#
# Boots the oracle kernel (no option) and the paths kernel in turn, BOOTS times each (QEMU TCG,
# tsc=reliable), with only the ksymbench module (kbuild/fixture/ksymbench: the best of 7 runs of
# 100,000 sprint_symbol() and sprint_symbol_no_offset() calls on vmlinux and on module
# addresses). Prints the medians over the boots and two ratios per kind of address:
#   raw         %pS with paths / %pS without
#   normalised  the same, each divided by its kernel's %ps (the same code in both kernels),
#               which takes out how fast each kernel happens to run under TCG
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
. "$KB/lib/boot.sh"
BOOTS=${BOOTS:-5}
bash "$KB/kernel.sh" build oracle
bash "$KB/kernel.sh" build paths
T=$(mktemp -d "${TMPDIR:-/tmp}/bench-ksymbench.XXXXXX")
trap 'rm -rf "$T"' EXIT

for v in oracle paths; do
	eval "$(bash "$KB/kernel.sh" env "$v")"
	cp -r "$KB/fixture/ksymbench" "$T/$v-ksymbench"
	mk=()
	[ "$v" = paths ] && mk=(MODPOST="$WORK/bin/modpost-rs")
	make -C "$BUILD" M="$T/$v-ksymbench" "${mk[@]}" modules > "$T/$v-make.log" 2>&1 ||
		{ tail -20 "$T/$v-make.log"; die "bench-ksymbench.sh: building ksymbench for $v failed"; }
	make_initramfs "$BUILD" "$T/$v.cpio" "$KB/fixture/ksymbench-init.sh" "$T/$v-ksymbench/ksymbench.ko"
	echo "$BUILD" > "$T/$v.build"
done

for i in $(seq "$BOOTS"); do
	for v in oracle paths; do
		say QEMU "$v: boot $i of $BOOTS"
		boot_kernel "$(cat "$T/$v.build")" "$T/$v.cpio" "$T/logs" 300 tsc=reliable ||
			die "bench-ksymbench.sh: $v did not boot (see $T/logs)"
		# "vmlinux sprint_symbol N ns/call, sprint_symbol_no_offset M ns/call" -> "vmlinux N M"
		sed -n 's/^KSYMBENCH: ksymbench: \([a-z]*\) sprint_symbol \([0-9]*\) ns\/call, sprint_symbol_no_offset \([0-9]*\) ns\/call$/\1 \2 \3/p' \
			"$T/logs/console.log" >> "$T/$v.txt"
	done
done

median() { sort -n | awk '{a[NR]=$1} END{print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }
col() { awk -v k="$2" -v c="$3" '$1 == k {print $c}' "$T/$1.txt" | median; }
printf '%-8s %-22s %10s %10s\n' where figure oracle paths
for k in vmlinux module; do
	n=$(awk -v k="$k" '$1 == k' "$T/paths.txt" | wc -l)
	[ "$n" = "$BOOTS" ] || die "bench-ksymbench.sh: $n of $BOOTS boots gave a $k line"
	os=$(col oracle "$k" 2) on=$(col oracle "$k" 3) ps=$(col paths "$k" 2) pn=$(col paths "$k" 3)
	printf '%-8s %-22s %10s %10s\n' "$k" "%pS ns/call" "$os" "$ps" "" "%ps ns/call" "$on" "$pn"
	awk -v os="$os" -v on="$on" -v ps="$ps" -v pn="$pn" -v k="$k" 'BEGIN {
		printf "%-8s %%pS with/without paths: raw %.3f, normalised by %%ps %.3f\n", k, ps / os, (ps / pn) / (os / on) }'
done
echo "($BOOTS boots of each kernel, medians)"
