#!/bin/sh
# /init for the .kallsyms_paths boot test (kbuild/test-modpaths.sh); busybox-static, PID 1.
# Same steps as kbuild/fixture/init.sh (so build-fixture.sh's boot checks apply), plus the
# two-object kopaths module and a /proc/kallsyms dump of every loaded module.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
echo "ORACLE: init started, uptime $(cut -d' ' -f1 /proc/uptime)s, kernel $(uname -r)"
cd /lib/modules
# kobject-example.ko carries a deliberately stale .kallsyms_paths (bad CRC)
for m in bitrev crc32 kobject-example; do
  insmod ./$m.ko && echo "ORACLE: insmod $m ok" || echo "ORACLE: insmod $m FAILED"
done
insmod ./kotest.ko && echo "ORACLE: insmod kotest ok" || echo "ORACLE: insmod kotest FAILED"
insmod ./kopaths.ko && echo "MODPATHS: insmod kopaths ok" || echo "MODPATHS: insmod kopaths FAILED"
echo "ORACLE: /proc/modules:"; cat /proc/modules
echo "ORACLE: kallsyms sample:"; grep -E ' (kotest_leaf|kotest_ns|start_kernel|dump_stack)([[:space:]]|$)' /proc/kallsyms
echo "MODPATHS: kallsyms begin"
grep -E '\[(kotest|kopaths|crc32|bitrev|kobject_example)\]' /proc/kallsyms | sed 's/^[0-9a-f]* /ADDR /; s/^/MODPATHS: /'
echo "MODPATHS: kallsyms end"
echo "ORACLE: sysrq-l backtrace:"
echo l > /proc/sysrq-trigger
rmmod kopaths && echo "MODPATHS: rmmod kopaths ok"
rmmod kotest && echo "ORACLE: rmmod kotest ok"
echo "ORACLE: done, uptime $(cut -d' ' -f1 /proc/uptime)s"
reboot -f
