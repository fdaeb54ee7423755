#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# patched-source.sh - print the path of a copy of the cached linux-source-6.12 tree with
# kbuild/patches/series applied, creating it on first use.
#
# The copy is a hard-link clone of the pristine tree (cp -al, seconds); GNU patch writes each
# patched file as a new inode, so the pristine tree is never modified. The directory name carries
# a hash of the series and patches, so a changed series gets a fresh copy.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
eval "$(bash "$HERE/oracle.sh" env)"
[ -f "$SRC/Makefile" ] || { echo "patched-source.sh: run kbuild/oracle.sh prepare first" >&2; exit 1; }
hash=$(cd "$HERE/patches" && cat series $(cat series) | sha256sum | cut -c1-12)
dst=${SRC}-patched-$hash
if [ ! -f "$dst/.patched" ]; then
	rm -rf "$dst.tmp"
	cp -al "$SRC" "$dst.tmp"
	while read -r p; do
		case "$p" in ''|'#'*) continue ;; esac
		patch -p1 -s --no-backup-if-mismatch -d "$dst.tmp" < "$HERE/patches/$p" ||
			{ echo "patched-source.sh: $p does not apply" >&2; exit 1; }
	done < "$HERE/patches/series"
	touch "$dst.tmp/.patched"
	rm -rf "$dst"
	mv "$dst.tmp" "$dst"
fi
echo "$dst"
