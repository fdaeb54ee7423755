#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# paths-kernel.sh - build (and cache) the fixture kernel with source paths on:
# Debian's linux-source-6.12 + kbuild/patches/series, the fixture config + kbuild/fixture/paths.config
# (CONFIG_KALLSYMS_PATHS=y, CONFIG_KALLSYMS_SELFTEST=y), built with
#     make MODPOST=<modpost-rs> KALLSYMS=<kallsyms-rs>
# plus the external kotest module and the initramfs of the fixture boot test.
#
#   kbuild/paths-kernel.sh [build|env]      env prints SRC= WORK= BUILD= LOGS= of the cached build
#
# The cache directory is keyed by the patch series and the config (not by the tools): when the
# tool binaries change, vmlinux and the .ko files are removed so make relinks them with the new
# tools (make itself reruns modpost, whose binary is a prerequisite). Progress lines go to
# stderr; each step's output goes to a log whose path is printed on failure.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
CACHE=${MODPOST_RS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/modpost-rs}
say() { printf '  %-8s %s\n' "$1" "$2" >&2; }

tools() {
	say CARGO "modpost-rs kallsyms-rs (release)"
	cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml" >&2
	TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
	MODPOST_RS=$TARGET/release/modpost-rs
	KALLSYMS_RS=$TARGET/release/kallsyms-rs
}

vars() {
	local key
	key=$( { cat "$HERE/patches/series"; (cd "$HERE/patches" && cat $(cat series));
		cat "$HERE/fixture/oracle.config" "$HERE/fixture/paths.config"; } | sha256sum | cut -c1-12)
	eval "$(bash "$HERE/oracle.sh" env)"
	export WORK=$CACHE/paths-kernel-$key
	export BUILD=$WORK/build-6.12 LOGS=$WORK/logs FIX=$HERE/fixture
}

step() { # name: run build-fixture.sh step "name" with its output in a log
	local s=$1 label=$2 what=$3
	say "$label" "$what"
	mkdir -p "$LOGS"
	if ! bash "$HERE/fixture/build-fixture.sh" "$s" > "$LOGS/paths-$s.log" 2>&1; then
		tail -25 "$LOGS/paths-$s.log" >&2
		echo "paths-kernel.sh: step $s failed; log: $LOGS/paths-$s.log" >&2
		exit 1
	fi
}

build() {
	tools
	bash "$HERE/oracle.sh" source >&2
	say PATCH "kbuild/patches ($(grep -cv '^#' "$HERE/patches/series") patches)"
	local psrc
	psrc=$(bash "$HERE/patched-source.sh")
	vars
	export SRC=$psrc EXTRA_CONFIG=$HERE/fixture/paths.config
	export KMAKE_ARGS="MODPOST=$MODPOST_RS KALLSYMS=$KALLSYMS_RS"
	mkdir -p "$WORK"
	local stamp
	stamp=$(cat "$MODPOST_RS" "$KALLSYMS_RS" | sha256sum | cut -c1-16)
	if [ -f "$BUILD/vmlinux" ] && [ "$(cat "$WORK/.tools" 2>/dev/null)" != "$stamp" ]; then
		say CLEAN "tools changed: relink vmlinux and modules"
		rm -f "$BUILD/vmlinux"
		find "$BUILD" -name '*.ko' -delete
	fi
	[ -f "$BUILD/.config" ] || step config CONFIG "fixture config + CONFIG_KALLSYMS_PATHS=y"
	step build MAKE "O=$BUILD vmlinux bzImage modules (MODPOST=modpost-rs KALLSYMS=kallsyms-rs)"
	echo "$stamp" > "$WORK/.tools"
	step extmod EXTMOD "kotest (make M=)"
	step initramfs CPIO "initramfs with kotest.ko"
}

case "${1:-build}" in
build) build ;;
env) vars; printf 'SRC=%q\nWORK=%q\nBUILD=%q\nLOGS=%q\n' "$(bash "$HERE/patched-source.sh" 2>/dev/null || true)" "$WORK" "$BUILD" "$LOGS" ;;
*) echo "usage: paths-kernel.sh [build|env]" >&2; exit 2 ;;
esac
