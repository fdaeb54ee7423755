#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# i386-tree.sh SRC BUILD - prepare a 32-bit (ARCH=i386 defconfig) kernel tree for the file2alias
# fixtures: `make modules_prepare` generates its scripts/mod/devicetable-offsets.h and builds a
# C modpost for 32-bit targets, which is all build.sh needs (ARCH=i386 build.sh BUILD OUT).
#
#   SRC    kernel source (read-only; O= keeps every output in BUILD)
#   BUILD  output directory
#
# Single-job and niced: it shares the machine. A .done file skips it the next time.
set -euo pipefail

SRC=${1:?usage: i386-tree.sh SRC BUILD}
BUILD=${2:?usage: i386-tree.sh SRC BUILD}

[ -e "$BUILD/.done" ] && [ -x "$BUILD/scripts/mod/modpost" ] && exit 0
mkdir -p "$BUILD"
nice -n 10 make -C "$SRC" O="$BUILD" ARCH=i386 defconfig >"$BUILD/defconfig.log" 2>&1
nice -n 10 make -C "$SRC" O="$BUILD" ARCH=i386 -j1 modules_prepare >"$BUILD/prepare.log" 2>&1 || {
	echo "i386-tree.sh: modules_prepare failed, see $BUILD/prepare.log" >&2; exit 1; }
touch "$BUILD/.done"
