#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# run.sh [SECONDS] [TARGET...] - run the fuzz targets one after another (docs/fuzzing.md).
#
#   fuzz/run.sh                     every target for 30 s (the short run)
#   fuzz/run.sh 60 symvers append   those two for 60 s each
#   FUZZ_RUNS=10000000 fuzz/run.sh 7200
#                                   the long run: 10 million executions or 2 hours per target,
#                                   whichever comes first
#
# Installs cargo-fuzz if it is missing (cargo install, needs the nightly toolchain), makes the
# seed corpora with seed.sh when one is empty (fuzz/seeds/T, from testdata/ and the fixture
# kernel builds of the cache root), builds all targets once, then runs each with
#   -max_total_time=SECONDS -rss_limit_mb=$FUZZ_RSS_MB (2048) -timeout=$FUZZ_TIMEOUT (1 s)
#   -runs=$FUZZ_RUNS (unlimited) and any extra libFuzzer options in $FUZZ_ARGS.
# The corpus of target T grows in fuzz/corpus/T (the seeds are read, not changed); a finding
# (panic, abort, overflow, timeout, out-of-memory) is saved under fuzz/artifacts/T/ and makes
# the script exit 1 after the other targets have run. Logs: fuzz/logs/T.log. Per target it prints the executions, the corpus
# size and the coverage (cov = edges, ft = features) of libFuzzer's last status line.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$HERE" || exit 2
SECONDS_PER_TARGET=${1:-30}
[ $# -gt 0 ] && shift
ALL=(modpost_object symvers cmd_mod kallsyms_map manifest module_section kallsyms_tables append
	decode_ko devtable_offsets modversions)
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=("${ALL[@]}")
RSS_MB=${FUZZ_RSS_MB:-2048}
TIMEOUT=${FUZZ_TIMEOUT:-1}
RUNS=${FUZZ_RUNS:--1}

cargo +nightly fuzz --version > /dev/null 2>&1 || cargo install cargo-fuzz || exit 2

empty=0
for t in "${TARGETS[@]}"; do
	[ -n "$(ls -A "seeds/$t" 2> /dev/null)" ] || empty=1
done
[ "$empty" = 0 ] || bash "$HERE/seed.sh" || exit 2

cargo +nightly fuzz build || exit 2

mkdir -p logs
failed=()
printf '%-16s %12s %8s %8s %8s  %s\n' target execs corpus cov ft result
for t in "${TARGETS[@]}"; do
	mkdir -p "corpus/$t" "artifacts/$t"
	log=logs/$t.log
	# shellcheck disable=SC2086
	cargo +nightly fuzz run "$t" "corpus/$t" "seeds/$t" -- \
		-max_total_time="$SECONDS_PER_TARGET" -runs="$RUNS" \
		-rss_limit_mb="$RSS_MB" -timeout="$TIMEOUT" \
		-print_final_stats=1 ${FUZZ_ARGS:-} > "$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	status=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1)
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<< "$status")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<< "$status")
	corpus=$(find "corpus/$t" -type f | wc -l)
	result=ok
	if [ "$rc" != 0 ]; then
		result="FINDING (exit $rc): $(grep -m1 -E 'panicked|ERROR: libFuzzer|ERROR: AddressSanitizer|SUMMARY' "$log") -> see $HERE/$log, artifacts/$t/"
		failed+=("$t")
	fi
	printf '%-16s %12s %8s %8s %8s  %s\n' "$t" "${execs:-?}" "$corpus" "${cov:-?}" "${ft:-?}" "$result"
done
if [ ${#failed[@]} -gt 0 ]; then
	echo "findings in: ${failed[*]}" >&2
	exit 1
fi
