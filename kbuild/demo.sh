#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# demo.sh - the README's first command: build the fixture kernel from Debian's linux-source-6.12
# with kbuild/patches, CONFIG_KALLSYMS_PATHS=y, modpost-rs and kallsyms-rs (kbuild/kernel.sh
# build paths, cached), boot it in QEMU, load kotest (its init calls dump_stack() two static
# functions deep) and print what a user sees: the Call Trace with the source file of every
# frame, /proc/kallsyms with the names unchanged, and /proc/kallsyms_paths with the paths.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
. "$KB/lib/boot.sh"
bash "$KB/kernel.sh" build paths
eval "$(bash "$KB/kernel.sh" env paths)"
T=$(mktemp -d "${TMPDIR:-/tmp}/demo.XXXXXX")
trap 'rm -rf "$T"' EXIT
make_initramfs "$BUILD" "$T/initramfs.cpio" "$KB/fixture/init.sh" \
	"$BUILD/lib/bitrev.ko" "$BUILD/lib/crc32.ko" "$BUILD/samples/kobject/kobject-example.ko" \
	"$WORK/kotest/kotest.ko"
say QEMU "boot bzImage, insmod kotest (log: $LOGS/demo/console.log)"
if ! boot_kernel "$BUILD" "$T/initramfs.cpio" "$LOGS/demo" 300 ||
	! grep -q "ORACLE: done" "$LOGS/demo/console.log"; then
	tail -20 "$LOGS/demo/console.log" >&2
	die "demo.sh: the boot failed; console log: $LOGS/demo/console.log"
fi
L=$LOGS/demo/console.log
strip_time() { sed 's/^\[ *[0-9.]*\] //'; }
echo
echo "kotest's dump_stack() on the booted kernel: every frame names its source file"
echo
sed -n '/kotest: leaf=/p' "$L" | strip_time
sed -n '/kotest: leaf=/,/<\/TASK>/p' "$L" | sed -n '/Call Trace:/,/<\/TASK>/p' | strip_time
echo
# (kernel messages that land on the console between the lines have a timestamp)
echo "/proc/kallsyms: the names every tool reads, unchanged"
section "$L" SAMPLE | grep -v '^\['
echo
echo "/proc/kallsyms_paths: the same symbols with their files"
section "$L" SAMPLE_PATHS | grep -v '^\['
