#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# crafted-modules.sh - crafted .kallsyms_paths sections cannot hurt the module loader.
#
#   kbuild/crafted-modules.sh [VARIANT]     VARIANT: paths (default) or kasan (the acceptance run)
#
# The kernel reads .kallsyms_paths from any module it loads (signing is optional), so every
# malformed section must either be ignored (the module loads, prints bare names, and the loader
# warns "<mod>: .kallsyms_paths ignored: malformed or stale") or make the load fail with a
# clear message: never an oops, BUG, WARN, KASAN report or hang. docs/hardening.md.
#
#  1. builds VARIANT through kbuild/kernel.sh (CRAFTED_NO_BUILD=1: use its finished build as it
#     is, without rebuilding the tools, e.g. while another run relies on the same cache);
#  2. crafts one kotest.ko variant per case from the build's kotest.ko (the example
#     kpaths/examples/craft_kallsyms_paths.rs: <case>.ko and <case>.expect);
#  3. boots once (kbuild/lib/boot.sh; oops=panic, so that an oops ends the boot at once
#     rather than leaving it stuck on a held lock) with all of them; kbuild/fixture/crafted-init.sh loads
#     each one, records insmod's status, kotest's /proc/kallsyms and /proc/kallsyms_paths
#     lines, and unloads it; kotest's init dumps its stack through kotest_leaf on every load;
#  4. checks each case against its .expect:
#       loads-with-paths  insmod 0, no warning, the trace's kotest_leaf frame and
#                         /proc/kallsyms_paths carry paths, all of them the module's own
#                         (kotest.c for kotest_leaf, except in the wrong-indices case)
#       loads-bare        insmod 0, the "ignored" warning, no path anywhere
#       refused           insmod fails, the module is absent, the kernel said why
#     and, for every case and the whole console: no "BUG:", "Oops", "WARNING:", "KASAN",
#     "general protection", "Kernel panic", and no "Call Trace" but kotest's own dump_stack().
# Prints one RESULT line per case and PASSED or FAILED; exits 1 on failure. Logs: the
# variant's LOGS/crafted/ (console.log, ttyS1.log, results.txt).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
. "$KB/lib/boot.sh"
VARIANT=${1:-paths}
NAME=crafted-modules

t0=$(date +%s)
if [ "${CRAFTED_NO_BUILD:-0}" = 1 ]; then
	eval "$(bash "$KB/kernel.sh" env "$VARIANT")"
	[ -e "$WORK/.done" ] || die "$NAME: CRAFTED_NO_BUILD=1 but $WORK is not built"
	say REUSE "$VARIANT: $WORK (not rebuilt)"
else
	bash "$KB/kernel.sh" build "$VARIANT"
	eval "$(bash "$KB/kernel.sh" env "$VARIANT")"
fi
grep -q '^CONFIG_KALLSYMS_PATHS=y' "$BUILD/.config" || die "$NAME: $VARIANT has no CONFIG_KALLSYMS_PATHS"
KASAN=0
grep -q '^CONFIG_KASAN=y' "$BUILD/.config" && KASAN=1
t1=$(date +%s)

if ! command -v cargo > /dev/null && [ -x "$HOME/.cargo/bin/cargo" ]; then
	export PATH=$HOME/.cargo/bin:$PATH
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/$NAME.XXXXXX")
trap 'rm -rf "$T"' EXIT
say CRAFT "kpaths/examples/craft_kallsyms_paths.rs $WORK/kotest/kotest.ko"
cargo run --release --quiet --manifest-path "$ROOT/Cargo.toml" -p kpaths \
	--example craft_kallsyms_paths -- "$WORK/kotest/kotest.ko" "$T/cases" > "$T/craft.txt" ||
	die "$NAME: crafting failed"
mapfile -t CASES < <(cut -d' ' -f1 "$T/cases/cases.txt")

OUT=$LOGS/crafted
mkdir -p "$OUT"
MODS=()
for c in "${CASES[@]}"; do MODS+=("$T/cases/$c.ko"); done
make_initramfs "$BUILD" "$T/initramfs.cpio" "$KB/fixture/crafted-init.sh" \
	"$BUILD/lib/bitrev.ko" "$BUILD/lib/crc32.ko" "$T/cases/cases.txt" "${MODS[@]}"
append="printk.devkmsg=on oops=panic"
[ $KASAN = 0 ] || append="$append kasan_multi_shot"
say BOOT "$VARIANT: ${#CASES[@]} crafted modules (console: $OUT/console.log)"
qemu_rc=0
boot_kernel "$BUILD" "$T/initramfs.cpio" "$OUT" "${CRAFTED_TIMEOUT:-1200}" "$append" || qemu_rc=$?
t2=$(date +%s)
CON=$OUT/console.log
TTY=$OUT/ttyS1.log
cp "$T/cases/cases.txt" "$T/cases/paths.txt" "$T/craft.txt" "$OUT/"

# The console without kotest's own dump_stack() traces (a Call Trace block that has the
# kotest_leaf frame), so that what is left must not mention a trace at all.
without_expected_traces() {
	awk '
	/Call Trace:/ { blk = $0 "\n"; inblk = 1; ok = 0; next }
	inblk {
		blk = blk $0 "\n"
		if ($0 ~ /kotest_leaf\+0x/) ok = 1
		if ($0 ~ /<\/TASK>/) { inblk = 0; if (!ok) printf "%s", blk }
		next
	}
	{ print }
	END { if (inblk && !ok) printf "%s", blk }'
}
BAD='BUG:|Oops|WARNING:|KASAN|general protection|Call Trace|Kernel panic|RIP:'
anomalies() { without_expected_traces | grep -E "$BAD" || true; }

# console lines of one case, from its begin marker to its end marker (or to the end)
case_console() {
	awk -v b="crafted: CASE $1 begin" -v e="crafted: CASE $1 end" '
	index($0, b) { on = 1 } on { print } on && index($0, e) { exit }' "$CON"
}
in_paths() { grep -qxF -- "$1" "$T/cases/paths.txt"; }

fail=0
: > "$OUT/results.txt"
result() { echo "RESULT $*" | tee -a "$OUT/results.txt"; }
for c in "${CASES[@]}"; do
	expect=$(cat "$T/cases/$c.expect")
	tty=$(section "$TTY" "CASE_$c")
	con=$(case_console "$c")
	notes=() ok=1
	if ! grep -q "crafted: CASE $c end" "$CON"; then
		notes+=("never finished (hang or crash)")
		ok=0
	fi
	rc=$(sed -n 's/^insmod rc=//p' <<< "$tty")
	loaded=$(sed -n 's/^module: //p' <<< "$tty")
	warned=0
	grep -q 'kotest: .kallsyms_paths ignored: malformed or stale' <<< "$con" && warned=1
	# the kotest_leaf frame of kotest's dump_stack(): "<path>:" prefix or nothing
	frame=$(grep -E '[[:space:]][^[:space:]]*kotest_leaf\+0x[0-9a-f]+/0x[0-9a-f]+ \[kotest\]' <<< "$con" |
		grep -v 'kotest: leaf=' | head -1 || true)
	fpath=$(sed -n 's/.*[[:space:]]\([^[:space:]]*\):kotest_leaf+0x.*/\1/p' <<< "$frame")
	# names in /proc/kallsyms must never change; paths in /proc/kallsyms_paths
	names_with_colon=$(sed -n 's/^kallsyms: [0-9a-f]* . \([^[:space:]]*:[^[:space:]]*\).*/\1/p' <<< "$tty" | head -3)
	kpaths=$(sed -n 's/^kallsyms_paths: [0-9a-f]* . \([^[:space:]]*\):[^:[:space:]]*[[:space:]].*/\1/p' <<< "$tty" | sort -u)
	nkp=$(grep -c '^kallsyms_paths: ' <<< "$tty" || true)
	[ -z "$names_with_colon" ] || { notes+=("/proc/kallsyms names changed: $names_with_colon"); ok=0; }
	if [ "$rc" = 0 ] && [ "$loaded" = loaded ]; then
		grep -q '^rmmod rc=0' <<< "$tty" || { notes+=("rmmod failed"); ok=0; }
		[ -n "$frame" ] || { notes+=("no kotest_leaf frame in the trace"); ok=0; }
		if [ $warned = 0 ] && [ -n "$fpath" ] && [ -n "$kpaths" ]; then
			got=loads-with-paths
			for p in $fpath $kpaths; do
				in_paths "$p" || { notes+=("path '$p' is not one of the module's"); ok=0; }
			done
			if [ "$c" = wrong-indices ]; then
				notes+=("kotest_leaf printed as $fpath:kotest_leaf (wrong path, no harm)")
			elif [ "$fpath" != kotest.c ]; then
				notes+=("kotest_leaf has path $fpath, not kotest.c"); ok=0
			fi
			notes+=("$nkp symbols, $(wc -w <<< "$kpaths") paths in /proc/kallsyms_paths")
		elif [ $warned = 1 ] && [ -z "$fpath" ] && [ -z "$kpaths" ]; then
			got=loads-bare
		else
			got="loads(warned=$warned,frame-path=${fpath:--},paths=$(echo $kpaths))"
		fi
	elif [ "$rc" != 0 ] && [ "$loaded" = absent ]; then
		got=refused
		why=$(grep -vE 'crafted: CASE' <<< "$con" | sed 's/^\[ *[0-9.]*\] //' | head -1)
		[ -n "$why" ] || { notes+=("refused without a kernel message"); ok=0; }
		notes+=("kernel: $why")
	else
		got="insmod-rc=${rc:-none},module=${loaded:-?}"
	fi
	[ "$got" = "$expect" ] || ok=0
	bad=$(anomalies <<< "$con")
	if [ -n "$bad" ]; then
		notes+=("console: $(head -3 <<< "$bad" | tr '\n' '|')")
		ok=0
	fi
	[ $ok = 1 ] && verdict=PASS || { verdict=FAIL; fail=1; }
	result "$c expect=$expect got=$got $verdict${notes:+ -- $(IFS=';'; echo "${notes[*]}")}"
done

grep -q '^CRAFTED-END$' "$TTY" || { echo "$NAME: the guest did not finish all cases (qemu rc=$qemu_rc)"; fail=1; }
bad=$(anomalies < "$CON")
if [ -n "$bad" ]; then
	echo "$NAME: console anomalies:"
	head -20 <<< "$bad"
	fail=1
fi
echo "$NAME: $VARIANT (KASAN=$KASAN): ${#CASES[@]} cases; build/reuse $((t1 - t0)) s, craft+boot $((t2 - t1)) s; logs in $OUT"
[ $fail = 0 ] || { echo "$NAME: FAILED"; exit 1; }
echo "$NAME: PASSED"
