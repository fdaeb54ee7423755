#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# decode-proc-kallsyms.sh - boot the fixture kernel in QEMU and check that
# `kallsyms-rs decode vmlinux` prints exactly the vmlinux part of the booted kernel's
# /proc/kallsyms, every line.
#
#   kbuild/tests/decode-proc-kallsyms.sh
#
# The fixture comes from $MODPOST_RS_FIXTURE (the oracle's WORK directory), else from
# `kbuild/oracle.sh env`. The binary is $KALLSYMS_RS, else a release build of the workspace's
# kallsyms-rs (${CARGO_TARGET_DIR:-target}/release). Everything is made in a temp dir; the
# fixture cache is only read.
#
# The guest's /init mounts proc and devtmpfs and copies /proc/kallsyms (no modules loaded;
# lines with a tab, i.e. "[module]" entries such as ftrace's, are dropped) between two marker
# lines to the second serial port, which QEMU writes to a file, so that kernel messages on the
# console cannot interleave with the dump. `nokaslr` keeps the link-time addresses (the fixture
# has no RANDOMIZE_BASE anyway). kptr_restrict starts at 0 and the fixture has no
# PROC_SYSCTL to change it; /init runs as root with CAP_SYSLOG, so kallsyms_show_value() is
# true and real addresses are shown (checked below: not all zero).
#
# Exit 0 and one summary line on success; 1 with the first differences otherwise.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NAME=decode-proc-kallsyms
fail() { echo "$NAME: FAIL: $*" >&2; exit 1; }

if [ -n "${MODPOST_RS_FIXTURE:-}" ]; then
	WORK=$MODPOST_RS_FIXTURE
else
	env_out=$(bash "$ROOT/kbuild/oracle.sh" env) || fail "kbuild/oracle.sh env failed"
	WORK=$(sed -n 's/^\(export \)\{0,1\}WORK=//p' <<< "$env_out" | tr -d "'\"")
fi
BUILD=$WORK/build-6.12
for f in "$BUILD/vmlinux" "$BUILD/arch/x86/boot/bzImage" "$BUILD/usr/gen_init_cpio"; do
	[ -e "$f" ] || fail "oracle missing: $f (run kbuild/oracle.sh prepare)"
done
BUSYBOX=${BUSYBOX:-/bin/busybox}
[ -x "$BUSYBOX" ] || fail "no static busybox at $BUSYBOX (apt-get install busybox-static)"
command -v qemu-system-x86_64 > /dev/null || fail "qemu-system-x86_64 not installed"

if [ -z "${KALLSYMS_RS:-}" ]; then
	(cd "$ROOT" && cargo build --release -q -p kallsyms-rs) || fail "cargo build failed"
	KALLSYMS_RS=${CARGO_TARGET_DIR:-$ROOT/target}/release/kallsyms-rs
fi
[ -x "$KALLSYMS_RS" ] || fail "no kallsyms-rs binary at $KALLSYMS_RS"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/$NAME.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

cat > "$TMP/init" << 'EOF'
#!/bin/sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t devtmpfs devtmpfs /dev 2>/dev/null
TAB=$(printf '\t')
{
	echo "DECODE-KALLSYMS-BEGIN"
	grep -v -F "$TAB" /proc/kallsyms
	echo "DECODE-KALLSYMS-END"
} > /dev/ttyS1
echo "DECODE: dump written"
sync
sleep 1
reboot -f
EOF
cat > "$TMP/initramfs.list" << EOF
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
nod /dev/null 0666 0 0 c 1 3
nod /dev/ttyS1 0660 0 0 c 4 65
dir /bin 0755 0 0
file /bin/busybox $BUSYBOX 0755 0 0
slink /bin/sh busybox 0777 0 0
dir /proc 0755 0 0
file /init $TMP/init 0755 0 0
EOF
"$BUILD/usr/gen_init_cpio" "$TMP/initramfs.list" > "$TMP/initramfs.cpio" ||
	fail "gen_init_cpio failed"

timeout "${BOOT_TIMEOUT:-300}" qemu-system-x86_64 -accel tcg -m 256M -smp 1 -display none \
	-no-reboot -nic none -serial "file:$TMP/console.log" -serial "file:$TMP/ttyS1.log" \
	-kernel "$BUILD/arch/x86/boot/bzImage" -initrd "$TMP/initramfs.cpio" \
	-append "console=ttyS0 panic=-1 nokaslr rdinit=/init" > "$TMP/qemu.out" 2>&1 ||
	{ tail -20 "$TMP/console.log" >&2; fail "qemu failed or timed out"; }

tr -d '\r' < "$TMP/ttyS1.log" | sed -n '/^DECODE-KALLSYMS-BEGIN$/,/^DECODE-KALLSYMS-END$/p' |
	sed '1d;$d' > "$TMP/proc.txt"
grep -q '^DECODE-KALLSYMS-END' <(tr -d '\r' < "$TMP/ttyS1.log") ||
	{ tail -20 "$TMP/console.log" >&2; fail "no complete /proc/kallsyms dump from the guest"; }
grep -qv '^0\{16\} ' "$TMP/proc.txt" || fail "the guest hid the addresses (all zero)"

"$KALLSYMS_RS" decode "$BUILD/vmlinux" > "$TMP/decode.txt" || fail "kallsyms-rs decode exited $?"
if ! cmp -s "$TMP/proc.txt" "$TMP/decode.txt"; then
	diff "$TMP/proc.txt" "$TMP/decode.txt" | head -20 >&2
	fail "/proc/kallsyms ($(wc -l < "$TMP/proc.txt") lines) != kallsyms-rs decode ($(wc -l < "$TMP/decode.txt") lines)"
fi
echo "$NAME: PASS: $(wc -l < "$TMP/proc.txt") /proc/kallsyms lines of the booted fixture equal kallsyms-rs decode vmlinux"
