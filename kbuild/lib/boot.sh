# SPDX-License-Identifier: GPL-2.0-only
# The one QEMU boot routine (sourced): an initramfs of busybox-static, a /init and modules,
# booted under TCG with the console on ttyS0 and a second serial port (ttyS1) for bulk output
# that must not interleave with kernel messages (a /proc/kallsyms dump, say).

BUSYBOX=${BUSYBOX:-/bin/busybox}

# make_initramfs BUILD OUT INIT [FILE...]: an initramfs made with BUILD's usr/gen_init_cpio
# holding busybox, INIT as /init and each FILE in /lib/modules (by its base name).
make_initramfs() {
	local build=$1 out=$2 init=$3 f
	shift 3
	[ -x "$BUSYBOX" ] || die "no static busybox at $BUSYBOX (apt-get install busybox-static)"
	{
		echo "dir /dev 0755 0 0"
		echo "nod /dev/console 0600 0 0 c 5 1"
		echo "nod /dev/null 0666 0 0 c 1 3"
		echo "nod /dev/ttyS1 0660 0 0 c 4 65"
		echo "dir /bin 0755 0 0"
		echo "file /bin/busybox $BUSYBOX 0755 0 0"
		echo "slink /bin/sh busybox 0777 0 0"
		echo "dir /proc 0755 0 0"
		echo "dir /sys 0755 0 0"
		echo "dir /tmp 0755 0 0"
		echo "dir /lib 0755 0 0"
		echo "dir /lib/modules 0755 0 0"
		echo "file /init $init 0755 0 0"
		for f in "$@"; do
			echo "file /lib/modules/$(basename "$f") $f 0644 0 0"
		done
	} > "$out.list"
	"$build/usr/gen_init_cpio" "$out.list" > "$out" || die "gen_init_cpio failed for $out"
}

# boot_kernel BUILD INITRAMFS LOGDIR [TIMEOUT] [APPEND]: boots BUILD's bzImage; the console
# goes to LOGDIR/console.log and ttyS1 to LOGDIR/ttyS1.log (carriage returns removed). The
# guest's /init ends with "reboot -f", which -no-reboot turns into QEMU's exit; panic=-1
# does the same on a panic. Returns non-zero if QEMU failed or timed out.
boot_kernel() {
	local build=$1 initramfs=$2 logs=$3 timeout=${4:-600} append=${5:-} rc=0
	mkdir -p "$logs"
	timeout "$timeout" qemu-system-x86_64 -accel tcg -m 512M -smp 1 -display none \
		-no-reboot -nic none -serial "file:$logs/console.raw" -serial "file:$logs/ttyS1.raw" \
		-kernel "$build/arch/x86/boot/bzImage" -initrd "$initramfs" \
		-append "console=ttyS0 panic=-1 nokaslr rdinit=/init $append" \
		> "$logs/qemu.out" 2>&1 || rc=$?
	tr -d '\r' < "$logs/console.raw" > "$logs/console.log"
	tr -d '\r' < "$logs/ttyS1.raw" > "$logs/ttyS1.log"
	rm -f "$logs/console.raw" "$logs/ttyS1.raw"
	return $rc
}

# section LOG NAME: the lines between "NAME-BEGIN" and "NAME-END" of LOG.
section() {
	sed -n "/^$2-BEGIN\$/,/^$2-END\$/p" "$1" | sed '1d;$d'
}

# The cross-architecture boots (kbuild/arch.sh) have no busybox: their /init is
# kbuild/fixture/nolibc-init.c, which runs an /init.script. arch_env must have been called.
#
# nolibc_init SRC OUT: builds that /init with $CROSS_COMPILE against SRC's tools/include/nolibc
# and SRC's UAPI headers (make headers, in a scratch O= directory beside OUT).
nolibc_init() {
	local src=$1 out=$2
	rm -rf "$out.hdr"
	make -s -C "$src" O="$out.hdr" ARCH="$KARCH" CROSS_COMPILE="$CROSS_COMPILE" headers \
		> "$out.log" 2>&1 || { tail -20 "$out.log" >&2; die "make headers for $KARCH failed"; }
	"${CROSS_COMPILE}gcc" -static -nostdlib -fno-stack-protector -Os -Wall -Werror \
		-include "$src/tools/include/nolibc/nolibc.h" -I "$out.hdr/usr/include" \
		-o "$out" "$KB/fixture/nolibc-init.c" -lgcc >> "$out.log" 2>&1 ||
		{ tail -20 "$out.log" >&2; die "building the nolibc /init for $KARCH failed"; }
	rm -rf "$out.hdr"
}

# make_script_initramfs BUILD OUT INIT SCRIPT [FILE...]: an initramfs with INIT as /init,
# SCRIPT as /init.script and each FILE in /lib/modules (by its base name).
make_script_initramfs() {
	local build=$1 out=$2 init=$3 script=$4 f
	shift 4
	{
		echo "dir /dev 0755 0 0"
		echo "nod /dev/console 0600 0 0 c 5 1"
		echo "nod /dev/kmsg 0600 0 0 c 1 11"
		echo "dir /proc 0755 0 0"
		echo "dir /sys 0755 0 0"
		echo "dir /lib 0755 0 0"
		echo "dir /lib/modules 0755 0 0"
		echo "file /init $init 0755 0 0"
		echo "file /init.script $script 0644 0 0"
		for f in "$@"; do
			echo "file /lib/modules/$(basename "$f") $f 0644 0 0"
		done
	} > "$out.list"
	"$build/usr/gen_init_cpio" "$out.list" > "$out" || die "gen_init_cpio failed for $out"
}

# boot_arch BUILD INITRAMFS LOGDIR [TIMEOUT] [APPEND]: boots BUILD's $BOOT_IMAGE on $QEMU
# (TCG), console to LOGDIR/console.log (carriage returns removed). Returns non-zero if QEMU
# failed or timed out.
boot_arch() {
	local build=$1 initramfs=$2 logs=$3 timeout=${4:-600} append=${5:-} rc=0
	mkdir -p "$logs"
	# shellcheck disable=SC2086
	timeout "$timeout" $QEMU -smp 1 -display none -no-reboot -nic none \
		-serial "file:$logs/console.raw" -kernel "$build/$BOOT_IMAGE" -initrd "$initramfs" \
		-append "console=$CONSOLE panic=-1 nokaslr rdinit=/init $append" \
		> "$logs/qemu.out" 2>&1 || rc=$?
	tr -d '\r' < "$logs/console.raw" > "$logs/console.log"
	rm -f "$logs/console.raw"
	return $rc
}
