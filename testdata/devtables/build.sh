#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# build.sh BUILD OUT - build the file2alias fixtures and record the C modpost's verdict on each.
#
#   BUILD  a kernel build directory (O=) with the C oracle scripts/mod/modpost, e.g. the fixture's
#          build-6.12, or a tree where only `make modules_prepare` ran (then there is no
#          Module.symvers and an empty one is used; the fixtures import no symbols)
#   OUT    scratch directory; it is the M= directory, so all build products go there
#   $ARCH  passed on to make when set (ARCH=i386 for a 32-bit tree)
#
# The sources are copied to OUT and compiled as an external module (make -C BUILD M=OUT).
# Several fixtures make modpost fail on purpose, so make's own modpost step fails; what we need
# from make is only the .o files. The C modpost is then run once per module (cwd = objtree, the
# same flags as Kbuild's external-module step), leaving for each module <m>:
#   OUT/<m>.mod.c    (only when modpost succeeded)
#   OUT/<m>.stderr   modpost's stderr
#   OUT/<m>.rc       its exit status
# A stamp (hash of the sources, the oracle binary and the kernel build's config, layouts and
# Module.symvers) skips all of this when nothing changed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=${1:?usage: build.sh BUILD OUT}
OUT=${2:?usage: build.sh BUILD OUT}
MODPOST=$BUILD/scripts/mod/modpost

[ -x "$MODPOST" ] || { echo "build.sh: the C oracle $MODPOST is missing" >&2; exit 1; }

stamp=$( { cd "$HERE" && cat Kbuild ./*.c ./*.h build.sh
	sha256sum "$MODPOST" "$BUILD/include/generated/autoconf.h" "$BUILD/scripts/mod/devicetable-offsets.h" \
		"$BUILD/Module.symvers" 2>/dev/null || true
	echo "$BUILD ${ARCH:-}"; } | sha256sum | cut -c1-16)
if [ -e "$OUT/.stamp" ] && [ "$(cat "$OUT/.stamp")" = "$stamp" ]; then
	exit 0
fi

rm -rf "$OUT"
mkdir -p "$OUT"
cp "$HERE"/Kbuild "$HERE"/*.c "$HERE"/*.h "$OUT"/

# make fails in its modpost step (the bad_* fixtures); the objects are what we want.
make -C "$BUILD" ${ARCH:+ARCH=$ARCH} M="$OUT" -k -j2 modules >"$OUT/make.log" 2>&1 || true

mods=$(sed -n 's/^obj-m *[:+]\?= *//p' "$HERE/Kbuild" | tr ' ' '\n' | sed -n 's/\.o$//p')
for m in $mods; do
	[ -s "$OUT/$m.o" ] || { echo "build.sh: $OUT/$m.o was not built; see $OUT/make.log" >&2; exit 1; }
done

rm -f "$OUT"/*.mod.c
symvers=$BUILD/Module.symvers
modversions=-m
if [ ! -e "$symvers" ]; then
	# No vmlinux exports: modversions would ask for module_layout, so leave it off.
	symvers=$OUT/empty.symvers
	: >"$symvers"
	modversions=
fi
for m in $mods; do
	echo "$OUT/$m.o" >"$OUT/$m.order"
	rc=0
	(cd "$BUILD" && "$MODPOST" -M $modversions -E -o "$OUT/$m.symvers" -T "$OUT/$m.order" \
		-i "$symvers" -e) 2>"$OUT/$m.stderr" || rc=$?
	echo "$rc" >"$OUT/$m.rc"
done

echo "$stamp" >"$OUT/.stamp"
