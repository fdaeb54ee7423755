#!/bin/sh
# /init for the CONFIG_KALLSYMS_PATHS boot test (kbuild/test-vmpaths.sh boot): the fixture's
# init (kbuild/fixture/init.sh) plus path-qualified /proc/kallsyms samples, and a wait for
# CONFIG_KALLSYMS_SELFTEST, which starts 5 s after boot, before rebooting.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
echo "ORACLE: init started, uptime $(cut -d' ' -f1 /proc/uptime)s, kernel $(uname -r)"
cd /lib/modules
for m in bitrev crc32 kobject-example; do
  insmod ./$m.ko && echo "ORACLE: insmod $m ok" || echo "ORACLE: insmod $m FAILED"
done
insmod ./kotest.ko && echo "ORACLE: insmod kotest ok" || echo "ORACLE: insmod kotest FAILED"
echo "ORACLE: /proc/modules:"; cat /proc/modules
echo "ORACLE: kallsyms sample:"
grep -E '[ :](kotest_leaf|start_kernel|dump_stack|dump_stack_lvl|vfree)([[:space:]]|$)' /proc/kallsyms
echo "ORACLE: vmlinux kallsyms lines: $(awk 'NF == 3' /proc/kallsyms | wc -l), with a path: $(awk 'NF == 3 && $3 ~ /:/' /proc/kallsyms | wc -l)"
echo "ORACLE: sysrq-l backtrace:"
echo l > /proc/sysrq-trigger
rmmod kotest && echo "ORACLE: rmmod kotest ok"
i=0
while [ $i -lt 600 ]; do
  if dmesg | grep -q 'kallsyms_selftest: finish'; then break; fi
  sleep 1; i=$((i + 1))
done
echo "ORACLE: selftest lines:"
dmesg | grep 'kallsyms_selftest' | grep -v 'The time spent\|traverse all\|looked up'
echo "ORACLE: done, uptime $(cut -d' ' -f1 /proc/uptime)s"
reboot -f
