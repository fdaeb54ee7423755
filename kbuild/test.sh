#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# test.sh - the whole test suite, as README.md and .ci/run call it.
#
#  1. prepares the C oracle (Debian linux-source-6.12, the fixture kernel built with the C
#     modpost/kallsyms; cached outside the repo by kbuild/oracle.sh, seconds when warm);
#  2. runs every Rust test (unit tests and the differential tests against the C tools);
#  3. runs the Kbuild integration checks (kbuild/tests/*.sh), each against real kernel builds.
#
# MODPOST_RS_DISTRO=1 additionally runs the distro-scale comparisons (Debian's 4,230 modules
# and 163k-symbol System.map; a 1.2 GB download, cached).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

printf '  %-8s %s\n' ORACLE "kbuild/oracle.sh prepare"
bash kbuild/oracle.sh prepare
eval "$(bash kbuild/oracle.sh env)"
export MODPOST_RS_FIXTURE=$WORK

# Cross compilers for the cross-architecture modpost tests (REL/RELA, 32/64-bit, both byte
# orders); the tests fail, not skip, without them.
cross=(gcc-i686-linux-gnu gcc-arm-linux-gnueabi gcc-mips-linux-gnu gcc-powerpc-linux-gnu
	gcc-aarch64-linux-gnu gcc-mips64-linux-gnuabi64)
missing=()
for p in "${cross[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	printf '  %-8s %s\n' DEPS "apt-get install ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
fi

printf '  %-8s %s\n' CARGO "cargo test --release --workspace"
cargo test --release --workspace

pass=0 fail=0 failed=()
for t in kbuild/tests/*.sh; do
	[ -e "$t" ] || continue
	printf '  %-8s %s\n' CHECK "$t"
	if bash "$t"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		failed+=("$t")
	fi
done
[ "$fail" -eq 0 ] || printf 'FAILED: %s\n' "${failed[@]}"
echo "kbuild checks: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
