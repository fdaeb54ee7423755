#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# test.sh - the whole test suite, as README.md and .ci/run call it. From a fresh Debian 12
# machine it installs what it needs and builds what the tests read (cached under
# $MODPOST_RS_CACHE, default ~/.cache/modpost-rs):
#
#  1. the kernels (kbuild/kernel.sh): "oracle" (Debian's linux-source-6.12 with the C modpost
#     and kallsyms), "paths" (kbuild/patches, CONFIG_KALLSYMS_PATHS=y, modpost-rs and
#     kallsyms-rs) and "paths-off" (the patches with the option off); the cross compilers of
#     the cross-architecture tests;
#  2. every Rust test (unit tests, the differential tests against the C tools), every test
#     binary even after a failure; the distro-scale ones are #[ignore]d and listed as such
#     (cargo test -- --ignored runs them, after `bash kbuild/distro.sh fetch`);
#  3. the Kbuild checks, kbuild/tests/*.sh, each against real kernel builds, every one even
#     after a failure; kbuild/accept.sh off (the patched kernel with the option off is
#     byte-identical to the pristine one); kbuild/crafted-modules.sh (crafted .kallsyms_paths
#     sections loaded into the paths kernel: ignored or refused, never an oops);
#  4. one other architecture end to end, kbuild/arch.sh arm64 (cross-built kernels: the drop-ins
#     byte-identical to C, the paths kernel booted in QEMU; the other four are the acceptance
#     command kbuild/arch.sh, docs/architectures.md);
#  5. the short fuzz pass, fuzz/run.sh 30 (every fuzz target for 30 s; docs/fuzzing.md), and
#     fuzz/kernel/run.sh 30 (the loader's .kallsyms_paths check from the patched tree, under
#     ASan/UBSan, 64- and 32-bit, 30 s each; docs/fuzzing.md "Kernel side").
#
# One summary line at the end; the exit status is non-zero if anything failed.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$ROOT"
failed=()

for v in oracle paths paths-off; do
	bash "$KB/kernel.sh" build "$v" || failed+=("kernel.sh build $v")
done

# Cross compilers for the cross-architecture modpost tests (REL/RELA, 32/64-bit, both byte
# orders); the tests fail, not skip, without them.
need_packages gcc-i686-linux-gnu gcc-arm-linux-gnueabi gcc-mips-linux-gnu \
	gcc-powerpc-linux-gnu gcc-powerpc64-linux-gnu gcc-aarch64-linux-gnu gcc-mips64-linux-gnuabi64 binutils

say CARGO "cargo test --release --workspace --no-fail-fast"
cargo test --release --workspace --no-fail-fast 2>&1 | tee "$CACHE/cargo-test.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || failed+=("cargo test")
passed=$(sed -n 's/^test result: .*\. \([0-9]*\) passed.*/\1/p' "$CACHE/cargo-test.log" |
	awk '{s += $1} END {print s + 0}')
ignored=$(sed -n 's/^test result: .* \([0-9]*\) ignored.*/\1/p' "$CACHE/cargo-test.log" |
	awk '{s += $1} END {print s + 0}')
failures=$(sed -n 's/^test result: .* \([0-9]*\) failed.*/\1/p' "$CACHE/cargo-test.log" |
	awk '{s += $1} END {print s + 0}')

checks=0
check() { # check LABEL CMD...: one check; a failure is recorded, the others still run
	local label=$1
	shift
	say CHECK "$label"
	checks=$((checks + 1))
	"$@" || failed+=("$label")
}
for t in "$KB"/tests/*.sh; do
	check "${t#"$ROOT"/}" bash "$t"
done
check "kbuild/accept.sh off" bash "$KB/accept.sh" off
check "kbuild/crafted-modules.sh paths" bash "$KB/crafted-modules.sh" paths
check "kbuild/arch.sh arm64" bash "$KB/arch.sh" arm64
# The short fuzz pass: every target for 30 s (the long run: docs/fuzzing.md).
check "fuzz/run.sh 30" bash "$ROOT/fuzz/run.sh" 30
# The kernel side's short pass: the loader's .kallsyms_paths check, both variants for 30 s.
check "fuzz/kernel/run.sh 30" bash "$ROOT/fuzz/kernel/run.sh" 30

echo
echo "test.sh: Rust tests: $passed passed, $failures failed, $ignored ignored (distro scale," \
	"run with -- --ignored); Kbuild checks: $checks run, ${#failed[@]} step(s) failed${failed:+: ${failed[*]}}"
[ ${#failed[@]} -eq 0 ]
