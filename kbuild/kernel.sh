#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# kernel.sh - the one route to every kernel build the tests and benchmarks use, cached.
#
#   kbuild/kernel.sh build VARIANT     build (or reuse) it; progress on stderr, logs in LOGS
#   kbuild/kernel.sh env VARIANT       print SRC= WORK= BUILD= LOGS= (builds nothing)
#   kbuild/kernel.sh help              the variants
#
# Every variant is Debian's linux-source-6.12 (pinned 6.12.117-1~deb12u1) with the fixture
# config (kbuild/fixture/oracle.config on tinyconfig: x86_64, 70-odd modules, MODVERSIONS,
# KALLSYMS_ALL, prefix symbols, tracing, kprobes, fprobe, livepatch and their samples, the
# kallsyms selftest), plus the external module kbuild/fixture/kotest:
#
#   oracle     pristine source, the C modpost and kallsyms: the oracle of every differential
#              test, and the "option off" kernel of the boot tests
#   paths      kbuild/patches + CONFIG_KALLSYMS_PATHS=y, make MODPOST=modpost-rs
#              KALLSYMS=kallsyms-rs: the kernel of demo.sh and of the paths boot tests
#   paths-off  kbuild/patches with the option off and the C tools: must be byte-identical
#              to oracle (kbuild/accept.sh off)
#   dwarf      paths + CONFIG_DEBUG_INFO_DWARF5: DWARF ground truth, decode_stacktrace.sh
#   kasan      paths + KASAN (generic, outline, vmalloc; fixture/kasan.config): the crafted
#              .kallsyms_paths boot test, kbuild/crafted-modules.sh kasan
#
# and for each other architecture ARCH (arm64 riscv64 i386 mips ppc64; kbuild/arch.sh), built
# with Debian's cross compiler from fixture/cross.config + fixture/arch/ARCH.config:
#
#   ARCH-oracle  pristine source, the C tools (kbuild/tests/swap-build.sh ARCH swaps the Rust
#                ones into a copy of it)
#   ARCH-paths   kbuild/patches + CONFIG_KALLSYMS_PATHS=y with modpost-rs and kallsyms-rs
#
# Cache: $MODPOST_RS_CACHE/kernel-<variant>-<key>, the key hashing the source version, the
# patches (patched variants), the config fragments and the tool choice. The Rust variants
# copy the tools into WORK/bin; when the binaries change, vmlinux and the modules are relinked
# with the new ones (make alone would not notice).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
FIX=$KB/fixture

variant() { # sets PATCHED, TOOLS, FRAGMENTS, ARCH_NAME for $1
	ARCH_NAME=x86_64
	case "$1" in
	oracle) PATCHED=0 TOOLS=c FRAGMENTS="oracle.config" ;;
	paths) PATCHED=1 TOOLS=rust FRAGMENTS="oracle.config paths.config" ;;
	paths-off) PATCHED=1 TOOLS=c FRAGMENTS="oracle.config" ;;
	dwarf) PATCHED=1 TOOLS=rust FRAGMENTS="oracle.config paths.config dwarf.config" ;;
	kasan) PATCHED=1 TOOLS=rust FRAGMENTS="oracle.config paths.config kasan.config" ;;
	*-oracle | *-paths)
		ARCH_NAME=${1%-*}
		case " $CROSS_ARCHS " in *" $ARCH_NAME "*) ;; *) die "kernel.sh: unknown variant '$1'" ;; esac
		FRAGMENTS="cross.config arch/$ARCH_NAME.config"
		if [ "${1##*-}" = oracle ]; then PATCHED=0 TOOLS=c; else
			PATCHED=1 TOOLS=rust FRAGMENTS="$FRAGMENTS paths.config"
		fi
		;;
	*) die "kernel.sh: unknown variant '$1' (oracle paths paths-off dwarf kasan, ARCH-oracle ARCH-paths)" ;;
	esac
}

# Sets SRC WORK BUILD LOGS for variant $1 without building or installing anything.
vars() {
	variant "$1"
	local v key f
	v=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null | tr '~:' '__' || true)
	[ -n "$v" ] || v=$(echo "$KSRC_PIN" | tr '~:' '__')
	SRC=$CACHE/linux-source-$v
	[ "$PATCHED" = 0 ] || SRC=$SRC-patched-$(patches_hash)
	key=$( {
		echo "$v $PATCHED $TOOLS"
		[ "$ARCH_NAME" = x86_64 ] || echo "$ARCH_NAME"
		[ "$PATCHED" = 0 ] || patches_hash
		for f in $FRAGMENTS; do cat "$FIX/$f"; done
	} | sha256sum | cut -c1-12)
	WORK=$CACHE/kernel-$1-$key
	BUILD=$WORK/build-6.12
	LOGS=$WORK/logs
}

step() { # name label what: one build-fixture.sh step, once per cache directory
	local s=$1
	[ -e "$WORK/.done-$s" ] && return
	say "$2" "$3"
	mkdir -p "$LOGS"
	if ! bash "$FIX/build-fixture.sh" "$s" > "$LOGS/step-$s.log" 2>&1; then
		tail -25 "$LOGS/step-$s.log" >&2
		die "kernel.sh: step $s of $VARIANT failed; log: $LOGS/step-$s.log"
	fi
	touch "$WORK/.done-$s"
}

tools_stamp() { cat "$MODPOST_RS" "$KALLSYMS_RS" | sha256sum | cut -c1-16; }

build() {
	VARIANT=$1
	# One build at a time in a cache root: test binaries run in parallel and may ask for the
	# same kernel, and two variants share the source trees being extracted and patched.
	vars "$VARIANT"
	# A finished build is reused without the lock, with the C tools or with the same Rust ones.
	if [ -e "$WORK/.done" ]; then
		[ "$TOOLS" = c ] && return 0
		rust_tools
		[ "$(cat "$WORK/.tools" 2> /dev/null)" = "$(tools_stamp)" ] && return 0
	fi
	exec 9> "$CACHE/.kernel.lock"
	flock 9
	need_packages "${KERNEL_PACKAGES[@]}"
	vars "$VARIANT"
	if [ "$PATCHED" = 1 ]; then SRC=$(patched_source); else SRC=$(pristine_source); fi
	mkdir -p "$WORK"
	local fragments=() f
	for f in $FRAGMENTS; do fragments+=("$FIX/$f"); done
	export SRC WORK BUILD LOGS FIX CONFIG_FRAGMENTS="${fragments[*]}" KMAKE_ARGS=
	if [ "$ARCH_NAME" != x86_64 ]; then
		arch_env "$ARCH_NAME"
		# shellcheck disable=SC2086
		need_packages $CROSS_PACKAGES
		export ARCH=$KARCH CROSS_COMPILE
	fi
	if [ "$TOOLS" = rust ]; then
		rust_tools
		mkdir -p "$WORK/bin"
		local stamp
		stamp=$(tools_stamp)
		if [ "$(cat "$WORK/.tools" 2>/dev/null)" != "$stamp" ]; then
			cp "$MODPOST_RS" "$KALLSYMS_RS" "$WORK/bin/"
			if [ -e "$WORK/.done-build" ]; then
				# the archives too: their manifests are written by the tool in the
				# same rule as the archive (patch 0002)
				say CLEAN "tools changed: remake archives, relink vmlinux and modules"
				rm -f "$BUILD/vmlinux" "$WORK"/.done-{build,extmod} "$WORK/.done"
				find "$BUILD" "$WORK/kotest" \( -name '*.ko' -o -name '*.a' \) -delete \
					2> /dev/null || true
			fi
			echo "$stamp" > "$WORK/.tools"
		fi
		KMAKE_ARGS="MODPOST=$WORK/bin/modpost-rs KALLSYMS=$WORK/bin/kallsyms-rs"
	fi
	step config CONFIG "$VARIANT: $FRAGMENTS"
	step build MAKE "$VARIANT: vmlinux bzImage modules (log: $LOGS/build-V1.log)"
	step extmod EXTMOD "$VARIANT: kotest (make M=)"
	touch "$WORK/.done"
}

case "${1:-help}" in
build) build "${2:?kernel.sh build VARIANT}" ;;
env)
	vars "${2:?kernel.sh env VARIANT}"
	printf 'SRC=%q\nWORK=%q\nBUILD=%q\nLOGS=%q\n' "$SRC" "$WORK" "$BUILD" "$LOGS"
	;;
*) sed -n '3,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//' ;;
esac
