#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# test-vmpaths.sh - build the fixture kernel from the patched source (kbuild/patched-source.sh)
# with CONFIG_KALLSYMS_PATHS on or off, into directories of its own, and check the paths
# plumbing (docs/vmlinux-paths.md).
#
#   kbuild/test-vmpaths.sh tools      release modpost-rs (+ kallsyms-rs when it is a real port)
#   kbuild/test-vmpaths.sh on         PATHS=y build (WORK=$VMP/paths-on)
#   kbuild/test-vmpaths.sh off        PATHS=n build of the patched source (WORK=$VMP/paths-off);
#                                     then compares every output with the pristine fixture
#   kbuild/test-vmpaths.sh dwarf      PATHS=y + DEBUG_INFO_DWARF5 build with kallsyms-rs, then the
#                                     DWARF ground truth (testdata/vmpaths/dwarf_check.py)
#   kbuild/test-vmpaths.sh two-trees  paths tables of the fixture and of the PATHS=n build (two O=
#                                     dirs, two source dirs) must be byte-identical
#   kbuild/test-vmpaths.sh on2|intree PATHS=y from scratch with kallsyms-rs: O= / in-tree (private
#                                     copy of the source); compare-real: identical tables
#   kbuild/test-vmpaths.sh relink-on  relink the PATHS=y build with the real kallsyms-rs
#   kbuild/test-vmpaths.sh boot-on    boot the PATHS=y build in QEMU (testdata/vmpaths/boot/init.sh;
#                                     BOOT_BUILD=paths-on2 boots the from-scratch build)
#                                     and check: every vmlinux Call Trace frame has a path,
#                                     the kallsyms selftest (with path-qualified lookups) passed
#
# Until kallsyms-rs is the real port, KALLSYMS is a wrapper that records the --paths-* options
# link-vmlinux.sh passes, drops them and runs the C scripts/kallsyms: the build then checks the
# manifest step (patch 0002) and the link-vmlinux.sh plumbing (0003) end to end, and the
# resolver tests (cargo test -p kallsyms-rs) can run on that build with MODPOST_RS_VMPATHS_BUILD.
# Set KALLSYMS_RS=/abs/kallsyms-rs to use a real kallsyms-rs instead.
#
# Environment: VMP (default $HOME/.cache/modpost-rs/wt-vmpaths), JOBS (2),
# CARGO_TARGET_DIR (default the repository's target/).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
VMP=${VMP:-${XDG_CACHE_HOME:-$HOME/.cache}/modpost-rs/wt-vmpaths}
BIN=$VMP/bin
export JOBS=${JOBS:-2}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
mkdir -p "$BIN"
# shellcheck source=lib/paths-checks.sh
. "$HERE/lib/paths-checks.sh"

tools() {
	(cd "$ROOT" && cargo build --release -p modpost-rs >&2)
	cp "$CARGO_TARGET_DIR/release/modpost-rs" "$BIN/modpost-rs"
	cat > "$BIN/kallsyms-wrap" <<'EOF'
#!/bin/sh
# Records the --paths-* options, drops them, runs the C kallsyms (cwd = objtree).
args=
for a in "$@"; do
	case "$a" in
	--paths-*) ;;
	*) args="$args $a" ;;
	esac
done
echo "$*" >> .kallsyms-paths-args.log
exec scripts/kallsyms $args
EOF
	chmod +x "$BIN/kallsyms-wrap"
}

kallsyms_tool() {
	if [ -n "${KALLSYMS_RS:-}" ]; then echo "$KALLSYMS_RS"; else echo "$BIN/kallsyms-wrap"; fi
}

build() { # $1 = on|off|dwarf
	local mode=$1 src frag
	src=$(bash "$HERE/patched-source.sh")
	frag=$VMP/paths-$mode.config
	case $mode in
	on) printf 'CONFIG_KALLSYMS_PATHS=y\nCONFIG_KALLSYMS_SELFTEST=y\n' > "$frag" ;;
	dwarf) printf 'CONFIG_KALLSYMS_PATHS=y\nCONFIG_DEBUG_INFO_DWARF5=y\n' > "$frag" ;;
	*) printf '# CONFIG_KALLSYMS_PATHS is not set\n' > "$frag" ;;
	esac
	local work=$VMP/paths-$mode
	mkdir -p "$work"
	local kargs=
	[ "$mode" != off ] && kargs="KALLSYMS_PATHS_TOOL=$BIN/modpost-rs KALLSYMS=$(kallsyms_tool)"
	WORK=$work SRC=$src BUILD=$work/build-6.12 LOGS=$work/logs FIX=$HERE/fixture \
		EXTRA_CONFIG=$frag KMAKE_ARGS=$kargs \
		bash "$HERE/fixture/build-fixture.sh" config build
}

compare_off() {
	local fx ref out=$VMP/paths-off/build-6.12 f bad=0
	eval "$(bash "$HERE/oracle.sh" env)"
	ref=$BUILD
	for f in vmlinux System.map arch/x86/boot/bzImage Module.symvers .vmlinux.export.c \
		.tmp_vmlinux1.syms .tmp_vmlinux2.syms .tmp_vmlinux1.kallsyms.S .tmp_vmlinux2.kallsyms.S; do
		if cmp -s "$ref/$f" "$out/$f"; then echo "same: $f"; else echo "DIFFERENT: $f"; bad=1; fi
	done
	for fx in $(cd "$ref" && find . -name '*.ko' | sort); do
		cmp -s "$ref/$fx" "$out/$fx" || { echo "DIFFERENT: $fx"; bad=1; }
	done
	if find "$out" -name '*.manifest' | grep -q .; then echo "manifests written with PATHS off"; bad=1; fi
	[ $bad = 0 ] && echo "PATHS=n build of the patched source is byte-identical to the fixture"
	return $bad
}

# Relink the PATHS=y build with the real kallsyms-rs (link-vmlinux.sh and bzImage only).
relink_on() {
	local src build=$VMP/paths-on/build-6.12
	# The source tree the build was configured with (a later patch series has another).
	src=$(readlink -f "$build/source")
	(cd "$ROOT" && cargo build --release -p kallsyms-rs >&2)
	cp "$CARGO_TARGET_DIR/release/kallsyms-rs" "$BIN/kallsyms-rs"
	rm -f "$build/vmlinux"
	(cd "$src" && /usr/bin/time -f "relink %e s wall" make O="$build" -j"$JOBS" V=1 \
		KALLSYMS_PATHS_TOOL="$BIN/modpost-rs" KALLSYMS="$BIN/kallsyms-rs" all) \
		> "$VMP/paths-on/logs/relink-V1.log" 2>&1 ||
		{ tail -30 "$VMP/paths-on/logs/relink-V1.log" >&2; return 1; }
	tail -1 "$VMP/paths-on/logs/relink-V1.log"
	grep -a 'kallsyms-rs' "$VMP/paths-on/logs/relink-V1.log" | grep -v '^+ *make' | head -3
}

# Boot the PATHS=y build (kotest module, sysrq-l, kallsyms selftest) and check that every
# vmlinux frame of the Call Traces carries a path and the selftest passed.
boot_on() {
	local work=$VMP/${BOOT_BUILD:-paths-on} src fix=$VMP/fix log
	src=$(readlink -f "$work/build-6.12/source")
	rm -rf "$fix" && mkdir -p "$fix"
	cp -a "$HERE/fixture/kotest" "$HERE/fixture/oracle.config" "$fix/"
	cp "$ROOT/testdata/vmpaths/boot/init.sh" "$fix/init.sh"
	WORK=$work SRC=$src BUILD=$work/build-6.12 LOGS=$work/logs FIX=$fix BOOT_TIMEOUT=900 \
		KMAKE_ARGS="KALLSYMS_PATHS_TOOL=$BIN/modpost-rs KALLSYMS=$BIN/kallsyms-rs" \
		bash "$HERE/fixture/build-fixture.sh" extmod initramfs boot
	log=$work/logs/boot-tcg.log
	check_boot_log "$log"
}


# DWARF ground truth on the PATHS=y + DEBUG_INFO_DWARF5 build (needs the real kallsyms-rs).
dwarf_check() {
	local build=$VMP/paths-dwarf/build-6.12 src
	src=$(readlink -f "$build/source")
	(cd "$build" && "$BIN/kallsyms-rs" --all-symbols --absolute-percpu \
		--paths-image=.tmp_vmlinux2 --paths-manifest=vmlinux.a.manifest \
		--paths-object=.vmlinux.export.o --paths-object=init/version-timestamp.o \
		--paths-object=.tmp_vmlinux1.kallsyms.o=kernel/kallsyms_internal.h \
		--paths-lds=arch/x86/kernel/vmlinux.lds --paths-srctree="$src" \
		--paths-report="$VMP/paths-dwarf/paths-report.txt" \
		--paths-dump="$VMP/paths-dwarf/paths-dump.txt" .tmp_vmlinux2.syms > /dev/null)
	python3 "$ROOT/testdata/vmpaths/dwarf_check.py" "$build/vmlinux" \
		"$VMP/paths-dwarf/paths-dump.txt" "$src" "$build" | tee "$VMP/paths-dwarf/dwarf-check.txt"
}

# Same source in two O= directories (and two source directories): the fixture (pristine source)
# and the PATHS=n build of the patched source. Their objects are identical, so the manifests
# and the paths-mode kallsyms tables made from them must be byte-identical too: no objtree or
# srctree location leaks into a path.
two_trees() {
	local ref out d tables=()
	eval "$(bash "$HERE/oracle.sh" env)"
	ref=$BUILD out=$VMP/paths-off/build-6.12
	[ -x "$BIN/kallsyms-rs" ] || { echo "run relink-on or dwarf first (needs $BIN/kallsyms-rs)"; return 1; }
	for d in "$ref" "$out"; do
		local tmp=$VMP/two-trees/$(echo "$d" | md5sum | cut -c1-8)
		mkdir -p "$tmp"
		(cd "$d" && srctree=$(readlink -f source) "$BIN/modpost-rs" manifest -o "$tmp/vmlinux.a.manifest" vmlinux.a &&
		 "$BIN/kallsyms-rs" --all-symbols --absolute-percpu --paths-image=.tmp_vmlinux1 \
			--paths-manifest="$tmp/vmlinux.a.manifest" --paths-object=.vmlinux.export.o \
			--paths-object=init/version-timestamp.o \
			--paths-object=.tmp_vmlinux0.kallsyms.o=kernel/kallsyms_internal.h \
			--paths-lds=arch/x86/kernel/vmlinux.lds --paths-srctree="$(readlink -f source)" \
			.tmp_vmlinux1.syms > "$tmp/paths.S")
		tables+=("$tmp")
	done
	cmp "${tables[0]}/vmlinux.a.manifest" "${tables[1]}/vmlinux.a.manifest" &&
	cmp "${tables[0]}/paths.S" "${tables[1]}/paths.S" &&
	echo "two O= dirs / two source dirs: identical manifests and paths tables" \
		"($(readlink -f "$ref/source") vs $(readlink -f "$out/source"))"
}

# PATHS=y from scratch with kallsyms-rs, twice: an O= build (paths-on2) and an in-tree build
# in a private copy of the patched source (paths-intree); their tables must be identical.
build_real() { # $1 = on2|intree
	local src work=$VMP/paths-$1 frag=$VMP/paths-on.config build
	src=$(bash "$HERE/patched-source.sh")
	printf 'CONFIG_KALLSYMS_PATHS=y\nCONFIG_KALLSYMS_SELFTEST=y\n' > "$frag"
	mkdir -p "$work"
	if [ "$1" = intree ]; then
		rm -rf "$work/linux"
		cp -a "$src" "$work/linux"
		src=$work/linux build=$work/linux
	else
		build=$work/build-6.12
	fi
	WORK=$work SRC=$src BUILD=$build LOGS=$work/logs FIX=$HERE/fixture EXTRA_CONFIG=$frag \
		KMAKE_ARGS="KALLSYMS_PATHS_TOOL=$BIN/modpost-rs KALLSYMS=$BIN/kallsyms-rs" \
		bash "$HERE/fixture/build-fixture.sh" config build
}

compare_real() {
	local a=$VMP/paths-on2/build-6.12 b=$VMP/paths-intree/linux f bad=0
	for f in vmlinux System.map .tmp_vmlinux1.kallsyms.S .tmp_vmlinux2.kallsyms.S vmlinux.a.manifest; do
		if cmp -s "$a/$f" "$b/$f"; then echo "same: $f"; else echo "DIFFERENT: $f"; bad=1; fi
	done
	[ $bad = 0 ] && echo "PATHS=y: O= build and in-tree build have identical kallsyms tables"
	return $bad
}

case "${1:-}" in
tools) tools ;;
on2) build_real on2 ;;
intree) build_real intree ;;
compare-real) compare_real ;;
two-trees) two_trees ;;
dwarf) tools; cp "$CARGO_TARGET_DIR/release/kallsyms-rs" "$BIN/kallsyms-rs";
	KALLSYMS_RS=$BIN/kallsyms-rs build dwarf && dwarf_check ;;
dwarf-check) dwarf_check ;;
relink-on) relink_on ;;
boot-on) boot_on ;;
check-boot) check_boot_log "$2" ;;
on) tools; build on ;;
off) build off; compare_off ;;
compare-off) compare_off ;;
*) sed -n '3,31p' "$0"; exit 2 ;;
esac
