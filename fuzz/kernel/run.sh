#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# run.sh [SECONDS] [VARIANT...] - fuzz the module loader's .kallsyms_paths check, compiled from
# the patched kernel tree itself (docs/fuzzing.md, "Kernel side").
#
#   fuzz/kernel/run.sh              both variants (elf64, elf32) for 30 s each (the short run)
#   fuzz/kernel/run.sh 60 elf64     the 64-bit one for 60 s
#   FUZZ_RUNS=10000000 fuzz/kernel/run.sh 7200
#                                   the long run: 10 million executions or 2 hours per variant,
#                                   whichever comes first
#
# Makes or finds the patched source (kbuild/lib/common.sh patched_source, under
# $MODPOST_RS_CACHE), installs clang and its runtime (Debian: clang, libclang-rt-14-dev), and
# builds fuzz/kernel/kallsyms_paths_fuzz.c with $SRC/kernel/module/kallsyms_paths.c as it is in
# that tree (no copy; shims for <linux/types.h>, <linux/elf.h> and <asm/module.h> in
# fuzz/kernel/shim) with -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all:
# elf64 with the x86_64 ELF types, elf32 (-DKP_ELF32) with the i386 ones. Each variant runs with
#   -max_total_time=SECONDS -rss_limit_mb=$FUZZ_RSS_MB (2048) -timeout=$FUZZ_TIMEOUT (1 s)
#   -runs=$FUZZ_RUNS (unlimited) and any extra libFuzzer options in $FUZZ_ARGS.
# Seeds: fuzz/kernel/seeds/VARIANT (seed.sh makes them when empty); the corpus grows in
# fuzz/kernel/corpus/VARIANT; a finding is saved under fuzz/kernel/artifacts/VARIANT/ and makes
# the script exit 1 after the other variant has run. Logs: fuzz/kernel/logs/VARIANT.log. Per
# variant it prints the executions, the corpus size and the coverage (cov = edges, ft =
# features) of libFuzzer's last status line.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../../kbuild/lib/common.sh
. "$HERE/../../kbuild/lib/common.sh"
cd "$HERE" || exit 2
SECONDS_PER_VARIANT=${1:-30}
[ $# -gt 0 ] && shift
VARIANTS=("$@")
[ ${#VARIANTS[@]} -gt 0 ] || VARIANTS=(elf64 elf32)
RSS_MB=${FUZZ_RSS_MB:-2048}
TIMEOUT=${FUZZ_TIMEOUT:-1}
RUNS=${FUZZ_RUNS:--1}

need_packages clang libclang-rt-14-dev
SRC=$(patched_source) || exit 2
CHECK=$SRC/kernel/module/kallsyms_paths.c
[ -f "$CHECK" ] || die "$CHECK is missing: is patch 0004 the one with kallsyms_paths.c?"

mkdir -p build logs
for v in "${VARIANTS[@]}"; do
	case "$v" in
	elf64) def=() ;;
	elf32) def=(-DKP_ELF32) ;;
	*) die "unknown variant $v (elf64, elf32)" ;;
	esac
	say CLANG "build/kallsyms_paths_fuzz-$v ($CHECK)"
	clang -g -O1 -Wall -Wextra -Werror \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		"${def[@]}" -I "$HERE/shim" -I "$SRC/kernel/module" \
		-o "build/kallsyms_paths_fuzz-$v" "$HERE/kallsyms_paths_fuzz.c" "$CHECK" ||
		die "clang failed"
done

empty=0
for v in "${VARIANTS[@]}"; do
	[ -n "$(ls -A "seeds/$v" 2> /dev/null)" ] || empty=1
done
[ "$empty" = 0 ] || bash "$HERE/seed.sh" || exit 2

failed=()
printf '%-8s %12s %8s %8s %8s %8s  %s\n' variant execs corpus cov ft seconds result
for v in "${VARIANTS[@]}"; do
	mkdir -p "corpus/$v" "artifacts/$v"
	log=logs/$v.log
	start=$(date +%s)
	# shellcheck disable=SC2086
	"build/kallsyms_paths_fuzz-$v" "corpus/$v" "seeds/$v" \
		-max_total_time="$SECONDS_PER_VARIANT" -runs="$RUNS" \
		-rss_limit_mb="$RSS_MB" -timeout="$TIMEOUT" \
		-artifact_prefix="artifacts/$v/" -print_final_stats=1 ${FUZZ_ARGS:-} > "$log" 2>&1
	rc=$?
	took=$(($(date +%s) - start))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	status=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1)
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<< "$status")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<< "$status")
	corpus=$(find "corpus/$v" -type f | wc -l)
	result=ok
	if [ "$rc" != 0 ]; then
		result="FINDING (exit $rc): $(grep -m1 -E 'ERROR: libFuzzer|ERROR: AddressSanitizer|runtime error|SUMMARY' "$log") -> see $HERE/$log, artifacts/$v/"
		failed+=("$v")
	fi
	printf '%-8s %12s %8s %8s %8s %8s  %s\n' "$v" "${execs:-?}" "$corpus" "${cov:-?}" "${ft:-?}" "$took" "$result"
done
if [ ${#failed[@]} -gt 0 ]; then
	echo "findings in: ${failed[*]}" >&2
	exit 1
fi
