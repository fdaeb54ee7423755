#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# distro-oracle.sh DEST OUT - run Debian's packaged C modpost over the 4230 distro modules.
#
#   DEST  the directory filled by kbuild/distro.sh fetch (modpost/tree = fake
#         objtree of .o symlinks to the .ko files, modpost/Module.symvers, root/ = packages)
#   OUT   scratch directory; the symlink tree is copied there, so the .mod.c files land in OUT
#
# Leaves OUT/<path>.mod.c for every module in OUT/modules.order. A stamp skips the run when the
# inputs have not changed.
set -euo pipefail

DEST=${1:?usage: distro-oracle.sh DEST OUT}
OUT=${2:?usage: distro-oracle.sh DEST OUT}
TREE=$DEST/modpost/tree
MODPOST=$(ls -d "$DEST"/root/usr/lib/linux-kbuild-6.12*/scripts/mod/modpost 2>/dev/null | head -1)

[ -d "$TREE" ] && [ -e "$TREE/modules.order" ] || {
	echo "distro-oracle.sh: $TREE/modules.order is missing; run kbuild/distro.sh fetch" >&2; exit 1; }
[ -n "$MODPOST" ] && [ -x "$MODPOST" ] || {
	echo "distro-oracle.sh: no packaged modpost under $DEST/root/usr/lib/linux-kbuild-6.12*" >&2; exit 1; }

stamp=$( { sha256sum "$MODPOST" "$TREE/modules.order" "$DEST/modpost/Module.symvers" "$0"; echo "$DEST"; } | sha256sum | cut -c1-16)
if [ -e "$OUT/.stamp" ] && [ "$(cat "$OUT/.stamp")" = "$stamp" ]; then
	exit 0
fi
rm -rf "$OUT"
mkdir -p "$OUT"
cp -a "$TREE/." "$OUT/"
(cd "$OUT" && "$MODPOST" -M -m -e -i "$DEST/modpost/Module.symvers" -o out.symvers -T modules.order) \
	>"$OUT/modpost.log" 2>&1 || { echo "distro-oracle.sh: modpost failed, see $OUT/modpost.log" >&2; exit 1; }
echo "$stamp" >"$OUT/.stamp"
