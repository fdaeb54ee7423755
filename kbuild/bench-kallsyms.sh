#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bench-kallsyms.sh - time kallsyms-rs against the C scripts/kallsyms, side by side.
#
#   kbuild/bench-kallsyms.sh [RUNS]
#
# Builds kallsyms-rs (release), then for each input runs the C tool and kallsyms-rs in turn
# (C, Rust, C, Rust, ... after one warm-up each) with Kbuild's x86_64 flags
# `--all-symbols --absolute-percpu`, output to a tmpfs file, and prints the median wall, user
# and sys time and peak RSS of each (GNU time), plus the Rust/C ratios of the medians.
# It also checks that both outputs are identical.
#
# Inputs: Debian's System.map if present ($MODPOST_RS_DISTRO_DIR/kallsyms/System.map, default
# DEST /root/.cache/modpost-rs/distro; see /work/shared/docs/distro-inputs.md), and the
# fixture build's .tmp_vmlinux1.syms (fixture: $MODPOST_RS_FIXTURE, else kbuild/oracle.sh env).
# Environment: RUNS (default 7), CARGO_TARGET_DIR, BENCH_DIR (scratch, default /dev/shm).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${1:-${RUNS:-7}}
FLAGS=(--all-symbols --absolute-percpu)
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench-kallsyms.sh: GNU time ($TIME) is needed" >&2; exit 1; }

(cd "$ROOT" && cargo build --quiet --release -p kallsyms-rs)
RUST=${CARGO_TARGET_DIR:-$ROOT/target}/release/kallsyms-rs

if [ -n "${MODPOST_RS_FIXTURE:-}" ]; then
	WORK=$MODPOST_RS_FIXTURE
else
	WORK=$(cd "$ROOT" && bash kbuild/oracle.sh env | sed -n "s/^WORK=//p" | tr -d "'")
fi
C=$WORK/build-6.12/scripts/kallsyms
[ -x "$C" ] || { echo "bench-kallsyms.sh: C oracle $C missing (kbuild/oracle.sh prepare)" >&2; exit 1; }

INPUTS=()
DISTRO_MAP=${MODPOST_RS_DISTRO_DIR:-/root/.cache/modpost-rs/distro}/kallsyms/System.map
[ -f "$DISTRO_MAP" ] && INPUTS+=("$DISTRO_MAP")
INPUTS+=("$WORK/build-6.12/.tmp_vmlinux1.syms")

BENCH_DIR=${BENCH_DIR:-/dev/shm}
[ -d "$BENCH_DIR" ] || BENCH_DIR=${TMPDIR:-/tmp}
TMP=$(mktemp -d "$BENCH_DIR/bench-kallsyms.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

median() { sort -g | awk '{a[NR]=$1} END{print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }

# one_run TOOL NAME: appends "wall user sys rss_kb" to $TMP/NAME.times
one_run() {
	"$TIME" -f '%e %U %S %M' -o "$TMP/time" "$1" "${FLAGS[@]}" "$INPUT" > "$TMP/$2.S"
	cat "$TMP/time" >> "$TMP/$2.times"
}

col() { awk -v c="$2" '{print $c}' "$TMP/$1.times" | median; }

printf 'kallsyms: C %s\n          Rust %s\n          flags %s, %d runs each, medians\n' \
	"$C" "$RUST" "${FLAGS[*]}" "$RUNS"
for INPUT in "${INPUTS[@]}"; do
	rm -f "$TMP"/*.times
	one_run "$C" c; one_run "$RUST" rust           # warm-up, not counted
	rm -f "$TMP"/*.times
	for _ in $(seq "$RUNS"); do
		one_run "$C" c
		one_run "$RUST" rust
	done
	if ! cmp -s "$TMP/c.S" "$TMP/rust.S"; then
		echo "bench-kallsyms.sh: outputs differ for $INPUT" >&2
		exit 1
	fi
	printf '\n%s (%d symbols in, %d bytes out)\n' "$INPUT" "$(wc -l < "$INPUT")" "$(wc -c < "$TMP/c.S")"
	printf '  %-5s %8s %8s %8s %10s\n' tool wall_s user_s sys_s peak_RSS_KB
	for t in c rust; do
		printf '  %-5s %8s %8s %8s %10s\n' "$t" "$(col $t 1)" "$(col $t 2)" "$(col $t 3)" "$(col $t 4)"
	done
	awk -v cw="$(col c 1)" -v rw="$(col rust 1)" \
	    -v cc="$(awk '{print $2+$3}' "$TMP/c.times" | median)" \
	    -v rc="$(awk '{print $2+$3}' "$TMP/rust.times" | median)" \
	    -v cm="$(col c 4)" -v rm="$(col rust 4)" \
	    'BEGIN { printf "  Rust/C: wall %.2f, cpu (user+sys) %.2f, peak RSS %.2f\n",
	             (cw > 0 ? rw / cw : 0), (cc > 0 ? rc / cc : 0), (cm > 0 ? rm / cm : 0) }'
done
