#!/bin/sh
# /init for the in-tree multi-object module check (kbuild/test-modpaths.sh intree);
# busybox-static, PID 1. Loads the modules in /lib/modules/order (dependencies first) and
# dumps their /proc/kallsyms entries with the address masked.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
echo "INTREE: init started, kernel $(uname -r)"
cd /lib/modules
for m in $(cat order); do
  insmod ./$m.ko && echo "INTREE: insmod $m ok" || echo "INTREE: insmod $m FAILED"
done
echo "INTREE: kallsyms begin"
grep -E '	\[[a-z0-9_]+\]$' /proc/kallsyms | sed 's/^[0-9a-f]* /ADDR /; s/^/INTREE: /'
echo "INTREE: kallsyms end"
reboot -f
