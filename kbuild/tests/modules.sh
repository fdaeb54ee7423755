#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# modules.sh - .kallsyms_paths on real modules, outside the kernel (the boot side is
# kbuild/tests/consumers.sh).
#
#   kbuild/tests/modules.sh
#
#  1. offline: on a hard-link copy of the oracle's modules (built without the feature; the
#     oracle itself is never written), `modpost-rs ko-paths` over all of them:
#     - readelf -aW of every .ko is unchanged, offsets masked, but for the new section: a
#       non-allocated PROGBITS .kallsyms_paths aligned to 4;
#     - every path agrees with the member object that defines the symbol (independent checker
#       testdata/modpaths/check_paths.py: nm -a of the member objects, their .cmd sources);
#     - a second run leaves every file as it was (bytes and mtime); verify passes;
#     - verify reports deliberately stale sections (a CRC byte, a .strtab byte changed);
#  2. the paths kernel (kbuild/kernel.sh build paths): Kbuild gave every module its section
#     (verify), the external kotest too;
#  3. make modules_install INSTALL_MOD_STRIP=1 on the paths kernel: strip renumbers the
#     symtab, Makefile.modinst refreshes the section (PATHS lines); verify passes on the
#     installed tree and its paths are the build tree's (check_paths.py carried).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
NAME=modules
fail=0
problem() { echo "$NAME: FAIL: $*"; fail=1; }
CHECK="python3 $ROOT/testdata/modpaths/check_paths.py"
bash "$KB/kernel.sh" build oracle
bash "$KB/kernel.sh" build paths
rust_tools
T=$(mktemp -d "${TMPDIR:-/tmp}/$NAME.XXXXXX")
trap 'rm -rf "$T"' EXIT

# readelf -aW with everything that may legitimately move masked
readelf_masked() {
	readelf -aW "$1" | sed -E \
		-e '/ \.kallsyms_paths /d' \
		-e 's/^(  Start of section headers: ).*/\1X/' \
		-e 's/^(  Number of section headers: ).*/\1X/' \
		-e 's/^There are [0-9]+ section headers, starting at offset 0x[0-9a-f]+:/There are X section headers/' \
		-e 's/^(  \[ *[0-9]+\] [^ ]+ +[A-Z_0-9]+ +[0-9a-f]+ )[0-9a-f]+ /\1OFF /' \
		-e 's/^(  \[ *[0-9]+\] \.shstrtab +STRTAB +[0-9a-f]+ OFF )[0-9a-f]+/\1SIZE/'
}

# 1. offline
eval "$(bash "$KB/kernel.sh" env oracle)"
cp -al "$BUILD" "$T/build"
rm "$T/build/vmlinux"  # the oracle's: no path side table; this part is about modules
mods=$(sed 's/\.o$/.ko/' "$BUILD/modules.order")
mkdir -p "$T/before"
for m in $mods; do readelf_masked "$T/build/$m" > "$T/before/${m//\//_}.txt"; done
(cd "$T/build" && "$MODPOST_RS" ko-paths --srctree "$SRC" --objtree . $mods) ||
	problem "ko-paths failed on the oracle's modules"
n=0 bad=0
for m in $mods; do
	n=$((n + 1))
	if ! diff -u "$T/before/${m//\//_}.txt" <(readelf_masked "$T/build/$m") > "$T/readelf.diff"; then
		problem "$m: readelf -aW differs beyond the new section:"
		head -20 "$T/readelf.diff"
		bad=$((bad + 1))
	fi
	readelf -SW "$T/build/$m" |
		grep -E '\] \.kallsyms_paths +PROGBITS +0+ [0-9a-f]+ [0-9a-f]+ 00 +0 +0 +4$' > /dev/null ||
		{ problem "$m: no non-alloc PROGBITS .kallsyms_paths aligned to 4"; bad=$((bad + 1)); }
done
echo "$NAME: readelf -aW before/after ko-paths (offsets masked): $n modules, $bad differ"
(cd "$T/build" && $CHECK members . "$SRC" $mods) || problem "paths disagree with the member objects"
(cd "$T/build" && stat -c '%n %Y %s' $mods && sha256sum $mods) > "$T/first.sum"
sleep 1
(cd "$T/build" && "$MODPOST_RS" ko-paths --srctree "$SRC" --objtree . $mods)
(cd "$T/build" && stat -c '%n %Y %s' $mods && sha256sum $mods) > "$T/second.sum"
cmp -s "$T/first.sum" "$T/second.sum" || problem "a second ko-paths run changed files"
"$MODPOST_RS" verify --paths "$T/build" > "$T/verify.out" ||
	{ cat "$T/verify.out"; problem "verify on the emitted modules"; }
mkdir -p "$T/stale"
python3 - "$T/build/lib/crc32.ko" "$T/stale" << 'EOF'
import re, subprocess, sys
src, out = sys.argv[1], sys.argv[2]
data = open(src, 'rb').read()
secs = {}
for l in subprocess.run(['readelf', '-SW', src], capture_output=True, text=True).stdout.splitlines():
    m = re.match(r'\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+([0-9a-f]+)', l)
    if m:
        secs[m.group(1)] = int(m.group(2), 16)
bad = bytearray(data); bad[secs['.kallsyms_paths'] + 12] ^= 0xff
open(out + '/crc.ko', 'wb').write(bad)
bad = bytearray(data); bad[secs['.strtab'] + 1] ^= 0x20
open(out + '/strtab.ko', 'wb').write(bad)
EOF
"$MODPOST_RS" verify "$T/stale" > "$T/stale.out" 2>&1 && problem "verify accepted stale sections"
[ "$(grep -c 'stale .kallsyms_paths' "$T/stale.out")" = 2 ] ||
	{ cat "$T/stale.out"; problem "the stale sections were not both reported"; }

# 2. the paths kernel as Kbuild built it
eval "$(bash "$KB/kernel.sh" env paths)"
"$MODPOST_RS" verify "$BUILD" "$WORK/kotest" || problem "verify on the paths kernel"
grep -a -c 'PATHS \[M\]' "$LOGS/build-V1.log" > /dev/null ||
	problem "Makefile.modfinal ran no ko-paths step"

# 3. modules_install INSTALL_MOD_STRIP=1
(cd "$SRC" && make O="$BUILD" INSTALL_MOD_PATH="$T/install" INSTALL_MOD_STRIP=1 \
	MODPOST="$WORK/bin/modpost-rs" modules_install) > "$T/install.log" 2>&1 ||
	{ tail -20 "$T/install.log"; problem "modules_install failed"; }
refreshed=$(grep -c '^  PATHS ' "$T/install.log" || true)
kdir=$(ls -d "$T"/install/lib/modules/*/kernel)
readelf -sW "$kdir/lib/crc32.ko" | grep ' FILE ' > /dev/null && problem "strip kept STT_FILE (test assumption)"
"$MODPOST_RS" verify "$kdir" > "$T/verify-install.out" ||
	{ cat "$T/verify-install.out"; problem "verify on the installed (stripped) modules"; }
$CHECK carried "$BUILD" "$kdir" || problem "the installed paths differ from the build tree's"
echo "$NAME: modules_install INSTALL_MOD_STRIP=1: $refreshed modules stripped and refreshed; $(tail -1 "$T/verify-install.out")"

[ $fail -eq 0 ] || { echo "$NAME: FAILED"; exit 1; }
echo "$NAME: PASSED"
