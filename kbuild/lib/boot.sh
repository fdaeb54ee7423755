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
