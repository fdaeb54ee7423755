#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# paths.sh - the source-path feature end to end, on the kernel kbuild/demo.sh builds
# (kbuild/paths-kernel.sh: patched source, CONFIG_KALLSYMS_PATHS=y + KALLSYMS_SELFTEST,
# make MODPOST=modpost-rs KALLSYMS=kallsyms-rs; cached).
#
#  1. vmlinux: boot in QEMU with testdata/vmpaths/boot/init.sh; every vmlinux frame of every Call
#     Trace has a path (lib/dump_stack.c:dump_stack_lvl+0x..), the kallsyms selftest passes,
#     including the path-qualified lookups of patch 0004.
#  2. modules: kbuild/test-modpaths.sh extmod install boot against the same build: kotest and the
#     two-object kopaths module (two static same_name(), told apart), modules_install
#     INSTALL_MOD_STRIP=1 refreshes the section (verify passes), a stale section is ignored by
#     the kernel (bare names), /proc/kallsyms module lines carry paths.
#  3. modpost-rs verify --against the C modpost on the build tree: every module has a fresh,
#     complete section, vmlinux's tables decode and every name has a path, and modpost-rs and the
#     C modpost give identical outputs on this tree.
# The longer acceptance runs (DWARF ground truth, O=/in-tree table identity, option-off byte
# identity, signed modules) are kbuild/test-vmpaths.sh and kbuild/test-modpaths.sh signed.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../lib/paths-checks.sh
. "$ROOT/kbuild/lib/paths-checks.sh"
bash "$ROOT/kbuild/paths-kernel.sh" build
eval "$(bash "$ROOT/kbuild/paths-kernel.sh" env)"
PK_WORK=$WORK PK_BUILD=$BUILD
T=$(mktemp -d /tmp/paths-check.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail=0

echo "== 1. vmlinux paths: boot with the kallsyms selftest"
mkdir -p "$T/vm/logs" "$T/fix"
cp -a "$PK_WORK/kotest" "$T/vm/kotest"
cp "$ROOT/testdata/vmpaths/boot/init.sh" "$T/fix/init.sh"
if WORK=$T/vm BUILD=$PK_BUILD LOGS=$T/vm/logs FIX=$T/fix BOOT_TIMEOUT=900 \
	bash "$ROOT/kbuild/fixture/build-fixture.sh" initramfs boot > "$T/vm/boot.out" 2>&1; then
	check_boot_log "$T/vm/logs/boot-tcg.log" || fail=1
else
	tail -20 "$T/vm/boot.out"
	echo "FAIL: vmlinux boot"
	fail=1
fi

echo "== 2. module paths: external modules, strip + refresh, boot"
mkdir -p "$T/mod"
ln -s "$PK_BUILD" "$T/mod/build-6.12"
MODPATHS_WORK=$T/mod bash "$ROOT/kbuild/test-modpaths.sh" extmod install boot || fail=1

echo "== 3. modpost-rs verify --against the C modpost"
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
"$TARGET/release/modpost-rs" verify --against "$PK_BUILD/scripts/mod/modpost" "$PK_BUILD" || fail=1

[ $fail -eq 0 ] || { echo "paths: FAILED"; exit 1; }
echo "paths: vmlinux frames, selftest, module paths (build, strip, boot) and verify --against all PASSED"
