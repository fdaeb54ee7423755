#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# demo.sh - the README's main command: build the fixture kernel from Debian's linux-source-6.12
# with kbuild/patches applied, CONFIG_KALLSYMS_PATHS=y, modpost-rs and kallsyms-rs
# (kbuild/paths-kernel.sh, cached), boot it in QEMU, load kotest (its init calls dump_stack()
# two static functions deep) and print the Call Trace: every frame names its source file.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bash "$HERE/paths-kernel.sh" build
eval "$(bash "$HERE/paths-kernel.sh" env)"
export WORK BUILD LOGS FIX=$HERE/fixture SRC
printf '  %-8s %s\n' QEMU "boot bzImage, insmod kotest (log: $LOGS/boot-tcg.log)" >&2
if ! bash "$HERE/fixture/build-fixture.sh" boot > "$LOGS/paths-boot.log" 2>&1; then
	tail -20 "$LOGS/paths-boot.log" >&2
	echo "demo.sh: boot failed; console log: $LOGS/boot-tcg.log" >&2
	exit 1
fi
echo
echo "kotest's dump_stack() on the booted kernel (vmlinux and module frames with source paths):"
echo
sed -n '/kotest: leaf=/p' "$LOGS/boot-tcg.log"
cat "$LOGS/boot-tcg-kotest-trace.txt"
echo
echo "/proc/kallsyms sample:"
sed -n '/ORACLE: kallsyms sample:/,/ORACLE: sysrq/p' "$LOGS/boot-tcg.log" | sed '1d;$d' | grep -v '^\['
