#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# accept.sh - the long acceptance runs: each needs a full kernel build of its own (6-15 min
# here) beyond the two of kbuild/test.sh, so they are not in the README's test command. Every
# build goes through kbuild/kernel.sh and is cached; the results go to stdout and
# $MODPOST_RS_CACHE/accept/<step>.txt.
#
#   kbuild/accept.sh off       CONFIG_KALLSYMS_PATHS off in the patched source ("paths-off"):
#                              vmlinux, System.map, bzImage, the kallsyms .S files, symvers and
#                              every .ko byte-identical to the pristine oracle, no manifests
#   kbuild/accept.sh dwarf     the paths kernel with CONFIG_DEBUG_INFO_DWARF5 ("dwarf"): every
#                              vmlinux text symbol inside a compile unit's range has that unit
#                              as its path (testdata/vmpaths/dwarf_check.py on decode --paths),
#                              every module symbol too (testdata/modpaths/dwarf_check_modules.py);
#                              then a boot, and scripts/decode_stacktrace.sh (patch 0008) on
#                              kotest's Call Trace with paths and on the same trace without
#                              them: every frame resolves to the same file:line
#   kbuild/accept.sh intree    the paths kernel built in-tree in a private copy of the patched
#                              source: its kallsyms tables (names and path side table), vmlinux
#                              and System.map equal the O= build's
#   kbuild/accept.sh distro    Debian's packages (kbuild/distro.sh fetch, 1.2 GB): the ignored
#                              distro-scale tests, then ko-paths on its 4,230 modules
#   kbuild/accept.sh all       all of the above
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
. "$KB/lib/boot.sh"
OUT=$CACHE/accept
mkdir -p "$OUT"
fail=0
problem() { echo "accept: FAIL: $*"; fail=1; }

step_off() {
	bash "$KB/kernel.sh" build oracle
	bash "$KB/kernel.sh" build paths-off
	local ref out f n=0 bad=0
	ref=$(eval "$(bash "$KB/kernel.sh" env oracle)"; echo "$BUILD")
	out=$(eval "$(bash "$KB/kernel.sh" env paths-off)"; echo "$BUILD")
	for f in vmlinux System.map arch/x86/boot/bzImage Module.symvers .vmlinux.export.c \
		.tmp_vmlinux1.syms .tmp_vmlinux2.syms .tmp_vmlinux0.kallsyms.S .tmp_vmlinux1.kallsyms.S \
		.tmp_vmlinux2.kallsyms.S $(cd "$ref" && find . -name '*.ko' | sort); do
		n=$((n + 1))
		cmp -s "$ref/$f" "$out/$f" || { problem "$f differs"; bad=$((bad + 1)); }
	done
	find "$out" -name '*.manifest' | grep . > /dev/null && problem "manifests written with the option off"
	echo "off: $n files compared between the pristine build and the patched one with the option off, $bad differ"
}

step_dwarf() {
	bash "$KB/kernel.sh" build dwarf
	rust_tools
	eval "$(bash "$KB/kernel.sh" env dwarf)"
	"$KALLSYMS_RS" decode --paths "$BUILD/vmlinux" > "$OUT/dwarf-decode-paths.txt"
	python3 "$ROOT/testdata/vmpaths/dwarf_check.py" "$BUILD/vmlinux" \
		"$OUT/dwarf-decode-paths.txt" "$SRC" "$BUILD" | tee "$OUT/dwarf-vmlinux.txt" ||
		problem "vmlinux paths disagree with DWARF"
	# in-tree modules, then the external one (paths relative to its directory first)
	python3 "$ROOT/testdata/modpaths/dwarf_check_modules.py" "$SRC" "$BUILD" "" \
		$(sed "s|^|$BUILD/|; s|\.o\$|.ko|" "$BUILD/modules.order") | tee "$OUT/dwarf-modules.txt" ||
		problem "module paths disagree with DWARF"
	python3 "$ROOT/testdata/modpaths/dwarf_check_modules.py" "$SRC" "$BUILD" "$WORK/kotest" \
		"$WORK/kotest/kotest.ko" | tee -a "$OUT/dwarf-modules.txt" ||
		problem "kotest's paths disagree with DWARF"

	# decode_stacktrace.sh on a trace with paths and on the same trace without them
	local T
	T=$(mktemp -d "${TMPDIR:-/tmp}/accept-dwarf.XXXXXX")
	make_initramfs "$BUILD" "$T/initramfs.cpio" "$KB/fixture/init.sh" "$BUILD/lib/bitrev.ko" \
		"$BUILD/lib/crc32.ko" "$BUILD/samples/kobject/kobject-example.ko" "$WORK/kotest/kotest.ko"
	boot_kernel "$BUILD" "$T/initramfs.cpio" "$T/logs" 600 || problem "the dwarf kernel did not boot"
	sed -n '/kotest: leaf=/,/<\/TASK>/p' "$T/logs/console.log" | sed -n '/Call Trace:/,/<\/TASK>/p' \
		> "$T/trace-paths.txt"
	sed -E 's/ ([?] )?[A-Za-z0-9_.+/-]+\.[A-Za-z]+:([^ ]+\+0x)/ \1\2/' "$T/trace-paths.txt" \
		> "$T/trace-bare.txt"
	grep -q 'lib/dump_stack.c:dump_stack_lvl' "$T/trace-paths.txt" || problem "no trace with paths"
	mkdir -p "$T/mods"
	cp "$WORK/kotest/kotest.ko" "$T/mods/"
	local decode=$SRC/scripts/decode_stacktrace.sh
	bash "$decode" "$BUILD/vmlinux" "$SRC" "$T/mods" < "$T/trace-paths.txt" > "$T/decoded-paths.txt"
	bash "$decode" "$BUILD/vmlinux" "$SRC" "$T/mods" < "$T/trace-bare.txt" > "$T/decoded-bare.txt"
	# the file:line of each frame (the part in parentheses) must be the same
	lines() { grep -oE '\([^()]*:[0-9]+( .discriminator [0-9]+)?\)' "$1" || true; }
	if ! diff <(lines "$T/decoded-bare.txt") <(lines "$T/decoded-paths.txt") > "$T/diff"; then
		problem "decode_stacktrace.sh resolves the trace with paths differently"
		cat "$T/diff"
	fi
	local n
	n=$(lines "$T/decoded-paths.txt" | wc -l)
	[ "$n" -ge 8 ] || problem "decode_stacktrace.sh resolved only $n frames"
	cp "$T/decoded-paths.txt" "$OUT/dwarf-decode-stacktrace.txt"
	echo "dwarf: decode_stacktrace.sh: $n frames resolved to the same file:line with and without paths:"
	cat "$T/decoded-paths.txt"
	rm -rf "$T"
}

step_intree() {
	bash "$KB/kernel.sh" build paths
	rust_tools
	eval "$(bash "$KB/kernel.sh" env paths)"
	local tree=$CACHE/accept/intree f bad=0
	rm -rf "$tree"
	cp -a "$SRC" "$tree"
	cp "$BUILD/.config" "$tree/.config"
	say MAKE "in-tree paths kernel in $tree (log: $OUT/intree.log)"
	(cd "$tree" && KBUILD_BUILD_TIMESTAMP="Thu Jan  1 00:00:00 UTC 2026" \
		KBUILD_BUILD_USER=oracle KBUILD_BUILD_HOST=oracle KBUILD_BUILD_VERSION=1 \
		make -j"${JOBS:-3}" olddefconfig all MODPOST="$MODPOST_RS" KALLSYMS="$KALLSYMS_RS") \
		> "$OUT/intree.log" 2>&1 || { tail -20 "$OUT/intree.log"; problem "in-tree build failed"; return; }
	for f in vmlinux System.map .tmp_vmlinux1.kallsyms.S .tmp_vmlinux2.kallsyms.S; do
		cmp -s "$BUILD/$f" "$tree/$f" || { problem "$f differs between O= and in-tree"; bad=1; }
	done
	[ $bad = 0 ] && echo "intree: vmlinux, System.map and the kallsyms tables with paths equal the O= build's"
	rm -rf "$tree"
}

step_distro() {
	bash "$KB/distro.sh" fetch
	(cd "$ROOT" && cargo test --release --workspace -- --ignored) || problem "distro-scale tests"

	# ko-paths on Debian's 4,230 modules: a distribution ships final .ko files only, so
	# distro_tree.py synthesizes what Makefile.modfinal has (each unsigned module as its own
	# single member object, its .mod and .cmd, empty .mod.o and .module-common.o)
	rust_tools
	local DEST T n
	DEST=$(eval "$(bash "$KB/distro.sh" env)"; echo "$DEST")
	T=$(mktemp -d "$CACHE/accept-distro.XXXXXX")
	gcc -c -x c /dev/null -o "$T/empty.o"
	python3 "$ROOT/testdata/modpaths/distro_tree.py" "$DEST/ko" "$T/tree" "$T/empty.o"
	n=$(wc -l < "$T/tree/modules.order")
	say KO-PATHS "$n Debian modules (log: $OUT/distro-ko-paths.txt)"
	(cd "$T/tree" && /usr/bin/time -f '%e s elapsed, %U s user, %S s sys, %M KB max RSS' \
		"$MODPOST_RS" ko-paths --srctree "$T/tree" --objtree . \
		$(sed 's/\.o$/.ko/' modules.order)) > "$OUT/distro-ko-paths.txt" 2>&1 ||
		{ tail "$OUT/distro-ko-paths.txt"; problem "ko-paths on the Debian modules failed"; }
	"$MODPOST_RS" verify --paths "$T/tree" | tee -a "$OUT/distro-ko-paths.txt" |
		grep "^modpost-rs verify: $n modules, 0 with problems" > /dev/null ||
		problem "verify on the Debian modules with sections found problems"
	echo "distro: ko-paths on $n Debian modules: $(grep ' elapsed,' "$OUT/distro-ko-paths.txt"); $(tail -1 "$OUT/distro-ko-paths.txt")"
	rm -rf "$T"
}

steps=${*:-all}
[ "$steps" = all ] && steps="off dwarf intree distro"
for s in $steps; do
	case $s in
	off | dwarf | intree | distro)
		( "step_$s"; exit $fail ) 2>&1 | tee "$OUT/$s.txt" || fail=1 ;;
	*) sed -n '3,28p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
	esac
done
[ $fail -eq 0 ] || { echo "accept: FAILED"; exit 1; }
echo "accept: $steps PASSED"
