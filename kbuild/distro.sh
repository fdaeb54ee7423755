#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# distro.sh - Debian's 6.12 amd64 packages as a distro-scale input set (4,230 modules, the
# 163k-symbol System.map and the -dbg vmlinux), for the tests marked #[ignore] ("distro
# scale") and the benchmarks. A 1.2 GB download, cached under $MODPOST_RS_CACHE/distro.
#
#   kbuild/distro.sh fetch     download and prepare (kbuild/fetch-distro-inputs.sh: fetch
#                              extract ko tree kallsyms), then mark the set complete
#   kbuild/distro.sh env       print DEST= (builds nothing)
#
# Then: cargo test --release --workspace -- --ignored
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
DEST=$CACHE/distro
case "${1:-}" in
fetch)
	DEST=$DEST bash "$KB/fetch-distro-inputs.sh" fetch extract ko tree kallsyms
	touch "$DEST/.done"
	;;
env) printf 'DEST=%q\n' "$DEST" ;;
*) sed -n '3,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
