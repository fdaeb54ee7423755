#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bench-path-table.sh - what the vmlinux path side table costs, next to the C tool's kallsyms
# tables for the same map (docs/performance.md).
#
#   kbuild/bench-path-table.sh [fixture] [dwarf] [distro]     (default: all three)
#
#   fixture  the paths kernel (kbuild/kernel.sh build paths): the .rodata of its last kallsyms
#            object against the C scripts/kallsyms on the same map (.tmp_vmlinux2.syms)
#   dwarf    the dwarf variant: the same, and the DWARF-derived estimate of the side table
#            (testdata/vmpaths/dwarf_paths.py + kpaths' path_table_size example), to show how
#            close that estimate comes to the table as built
#   distro   Debian's 163k-symbol kernel (kbuild/distro.sh fetch; its -dbg vmlinux has the
#            DWARF): the DWARF-derived estimate against the C tables for its System.map
#
# A line per input: symbols, C table bytes, side-table bytes (runs, paths, string bytes) and
# the growth in percent. Sizes are .rodata bytes of `gcc -c` on the .S (alignment included).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
rust_tools
cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml" -p kpaths --example path_table_size
SIZER=${CARGO_TARGET_DIR:-$ROOT/target}/release/examples/path_table_size
bash "$KB/kernel.sh" build oracle
C_KALLSYMS=$(eval "$(bash "$KB/kernel.sh" env oracle)"; echo "$BUILD")/scripts/kallsyms
T=$(mktemp -d "${TMPDIR:-/tmp}/bench-path-table.XXXXXX")
trap 'rm -rf "$T"' EXIT

rodata() { size -A "$1" | awk '$1 == ".rodata" { print $2 }'; }

# c_tables MAP: .rodata bytes of the C tool's tables for MAP (x86_64 Kbuild flags)
c_tables() {
	"$C_KALLSYMS" --all-symbols --absolute-percpu "$1" > "$T/c.S"
	gcc -c -o "$T/c.o" "$T/c.S"
	rodata "$T/c.o"
}

# report LABEL C_BYTES SIDE_BYTES "SYMBOLS RUNS PATHS STRING_BYTES TABLE_BYTES"
report() {
	local label=$1 c=$2 side=$3 syms runs paths strings _table
	read -r syms runs paths strings _table <<< "$4"
	awk -v l="$label" -v c="$c" -v s="$side" -v n="$syms" -v r="$runs" -v p="$paths" \
		-v b="$strings" 'BEGIN { printf "%s: %d symbols; C tables %d bytes; side table %d bytes (%d runs, %d paths, %d string bytes): +%.2f%%\n", l, n, c, s, r, p, b, 100 * s / c }'
}

# built VARIANT: the side table as Kbuild built it
built() {
	eval "$(bash "$KB/kernel.sh" env "$1")"
	local c with
	c=$(c_tables "$BUILD/.tmp_vmlinux2.syms")
	with=$(rodata "$BUILD/.tmp_vmlinux2.kallsyms.o")
	report "$1 (as built)" "$c" $((with - c)) \
		"$("$KALLSYMS_RS" decode --paths "$BUILD/vmlinux" |
			awk '{ n = index($3, ":"); print (n ? substr($3, 1, n - 1) : "-") }' | "$SIZER")"
}

# estimate LABEL VMLINUX MAP [SRCTREE]: the side table for DWARF-derived paths
estimate() {
	local label=$1 vmlinux=$2 map=$3 srctree=${4:-} c stats
	say DWARF "$label: the units and variables of $vmlinux (minutes)"
	"$KALLSYMS_RS" decode "$vmlinux" > "$T/decode.txt"
	python3 "$ROOT/testdata/vmpaths/dwarf_paths.py" "$vmlinux" "$T/decode.txt" ${srctree:+"$srctree"} \
		> "$T/paths.txt" 2> "$T/kinds.txt"
	stats=$("$SIZER" < "$T/paths.txt")
	c=$(c_tables "$map")
	report "$label (DWARF-derived estimate; $(cat "$T/kinds.txt"))" "$c" \
		"$(echo "$stats" | cut -d' ' -f5)" "$stats"
}

for s in ${*:-fixture dwarf distro}; do
	case $s in
	fixture) bash "$KB/kernel.sh" build paths; built paths ;;
	dwarf)
		bash "$KB/kernel.sh" build dwarf
		built dwarf
		eval "$(bash "$KB/kernel.sh" env dwarf)"
		estimate dwarf "$BUILD/vmlinux" "$BUILD/.tmp_vmlinux2.syms" "$SRC"
		;;
	distro)
		DEST=$(eval "$(bash "$KB/distro.sh" env)"; echo "$DEST")
		[ -f "$DEST/.done" ] || die "bench-path-table.sh: no Debian inputs (bash kbuild/distro.sh fetch)"
		estimate debian "$(ls "$DEST"/dbg/usr/lib/debug/boot/vmlinux-*)" "$DEST/kallsyms/System.map"
		;;
	*) die "bench-path-table.sh: unknown input '$s' (fixture dwarf distro)" ;;
	esac
done
