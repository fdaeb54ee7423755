#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# oracle.sh - prepare (and cache) the C oracle: Debian's linux-source-6.12, the fixture
# kernel built with the C modpost/kallsyms, the external kotest module, the initramfs.
#
#   kbuild/oracle.sh [prepare|env|boot]
#
# prepare (default): make sure the cached fixture exists; a warm cache takes seconds.
# source:            only the Debian packages and the extracted linux-source-6.12.
# env:               print shell assignments (SRC=, BUILD=, WORK=, LOGS=) for the cached fixture.
# boot:              boot the cached fixture in QEMU and check the Call Trace.
#
# Cache layout (outside the repo; override with MODPOST_RS_CACHE):
#   $CACHE/linux-source-<debian version>/          extracted source, never modified
#   $CACHE/fixture-<debian version>-<config hash>/ WORK of build-fixture.sh (build-6.12/, logs/, kotest/)
# The config hash covers the Kconfig fragments and KMAKE_ARGS, so a different config or
# tool swap gets its own build directory.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${MODPOST_RS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/modpost-rs}
FIXTURE=$HERE/fixture
mkdir -p "$CACHE"

log() { printf '  %-8s %s\n' "$1" "$2" >&2; }

need_deps() {
	local p missing=
	for p in build-essential bc bison flex libelf-dev libssl-dev cpio kmod xz-utils time \
		qemu-system-x86 busybox-static linux-source-6.12; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing=1
	done
	[ -z "$missing" ]
}

# Debian version of the installed linux-source-6.12 (the cache key's first half).
ksrc_version() {
	dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null | tr '~:' '__'
}

config_hash() {
	{
		cat "$FIXTURE/oracle.config"
		local f
		for f in ${EXTRA_CONFIG:-}; do cat "$f"; done
		printf 'KMAKE_ARGS=%s\n' "${KMAKE_ARGS:-}"
	} | sha256sum | cut -c1-12
}

setup_vars() {
	KVER=$(ksrc_version)
	[ -n "$KVER" ] || { echo "oracle.sh: linux-source-6.12 is not installed" >&2; exit 1; }
	export SRC=$CACHE/linux-source-$KVER
	export WORK=$CACHE/fixture-$KVER-$(config_hash)
	export BUILD=$WORK/build-6.12 LOGS=$WORK/logs FIX=$FIXTURE
}

step() { # $1 = step name; runs it once per cache dir
	local s=$1
	if [ -e "$WORK/.done-$s" ]; then return; fi
	log ORACLE "$s (log: $LOGS/oracle-$s.log)"
	mkdir -p "$LOGS"
	if ! bash "$FIXTURE/build-fixture.sh" "$s" > "$LOGS/oracle-$s.log" 2>&1; then
		tail -30 "$LOGS/oracle-$s.log" >&2
		echo "oracle.sh: step $s failed, see $LOGS/oracle-$s.log" >&2
		exit 1
	fi
	touch "$WORK/.done-$s"
}

# Debian's packages and the extracted source, without building anything.
source_only() {
	if ! need_deps; then
		log DEPS "apt-get install (kernel build tools, qemu, linux-source-6.12)"
		WORK=$CACHE/deps LOGS=$CACHE/deps bash "$FIXTURE/build-fixture.sh" deps \
			> "$CACHE/deps.log" 2>&1 || { tail -20 "$CACHE/deps.log" >&2; exit 1; }
	fi
	setup_vars
	if [ ! -f "$SRC/Makefile" ]; then
		log EXTRACT "$SRC"
		local tmp
		tmp=$(mktemp -d "$CACHE/.extract.XXXXXX")
		tar -xJf /usr/src/linux-source-6.12.tar.xz -C "$tmp"
		mv "$tmp/linux-source-6.12" "$SRC"
		rmdir "$tmp"
	fi
}

prepare() {
	source_only
	mkdir -p "$WORK"
	step config
	step build
	step extmod
	step initramfs
}

case "${1:-prepare}" in
prepare) prepare ;;
source) source_only ;;
env) setup_vars; printf 'SRC=%q\nWORK=%q\nBUILD=%q\nLOGS=%q\n' "$SRC" "$WORK" "$BUILD" "$LOGS" ;;
boot) setup_vars; bash "$FIXTURE/build-fixture.sh" boot ;;
*) echo "usage: oracle.sh [prepare|source|env|boot]" >&2; exit 2 ;;
esac
