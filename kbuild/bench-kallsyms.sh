#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bench-kallsyms.sh - time kallsyms-rs against the C scripts/kallsyms, side by side.
#
#   kbuild/bench-kallsyms.sh [distro] [fixture] [paths]     (default: all three)
#
# Builds kallsyms-rs (release), then for each input runs the C tool and kallsyms-rs in turn
# (C, Rust, C, Rust, ... after one warm-up each) with Kbuild's x86_64 flags
# `--all-symbols --absolute-percpu`, output to a tmpfs file, and prints the median wall, user
# and sys time and peak RSS of each (GNU time), plus the Rust/C ratios of the medians.
# It also checks that both outputs are identical (with paths: the C tables, then the side table).
#
# Inputs: Debian's 163k-symbol System.map if kbuild/distro.sh fetch has run, and the fixture
# oracle build's .tmp_vmlinux1.syms (kbuild/kernel.sh build oracle; built if missing). With
# `paths` as an input name, also the paths kernel's last kallsyms pass with its --paths-*
# options (kbuild/kernel.sh build paths), against the C tool on the same map without them:
# the cost of the path side table.
# Environment: RUNS (default 7), CARGO_TARGET_DIR, BENCH_DIR (scratch, default /dev/shm).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
RUNS=${RUNS:-7}
FLAGS=(--all-symbols --absolute-percpu)
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench-kallsyms.sh: GNU time ($TIME) is needed" >&2; exit 1; }

rust_tools
RUST=$KALLSYMS_RS
bash "$KB/kernel.sh" build oracle
WORK=$(eval "$(bash "$KB/kernel.sh" env oracle)"; echo "$WORK")
C=$WORK/build-6.12/scripts/kallsyms

# INPUTS: "map|extra options of the Rust run|directory to run in"
INPUTS=()
for s in ${*:-distro fixture paths}; do
	case $s in
	distro)
		map=$(eval "$(bash "$KB/distro.sh" env)"; echo "$DEST")/kallsyms/System.map
		if [ -f "$map" ]; then INPUTS+=("$map||."); else
			echo "bench-kallsyms.sh: no $map (bash kbuild/distro.sh fetch); skipped" >&2; fi
		;;
	fixture) INPUTS+=("$WORK/build-6.12/.tmp_vmlinux1.syms||.") ;;
	paths)
		bash "$KB/kernel.sh" build paths
		eval "$(bash "$KB/kernel.sh" env paths)"
		# the last pass's command line, as link-vmlinux.sh ran it (set -x in the V=1 log)
		cmd=$(grep -a '^+ .*/kallsyms-rs .*--paths-image=.tmp_vmlinux2 ' "$LOGS/build-V1.log" | tail -1)
		[ -n "$cmd" ] || die "bench-kallsyms.sh: no kallsyms-rs pass 2 in $LOGS/build-V1.log"
		opts=$(printf '%s\n' "$cmd" | tr ' ' '\n' | grep '^--paths' | tr '\n' ' ')
		INPUTS+=("$BUILD/.tmp_vmlinux2.syms|$opts|$BUILD")
		;;
	*) die "bench-kallsyms.sh: unknown input '$s' (distro fixture paths)" ;;
	esac
done

BENCH_DIR=${BENCH_DIR:-/dev/shm}
[ -d "$BENCH_DIR" ] || BENCH_DIR=${TMPDIR:-/tmp}
TMP=$(mktemp -d "$BENCH_DIR/bench-kallsyms.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

median() { sort -g | awk '{a[NR]=$1} END{print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }

# one_run TOOL NAME [OPTIONS...]: appends "wall user sys rss_kb" to $TMP/NAME.times
one_run() {
	local tool=$1 name=$2
	shift 2
	(cd "$DIR" && "$TIME" -f '%e %U %S %M' -o "$TMP/time" "$tool" "${FLAGS[@]}" "$@" "$INPUT") \
		> "$TMP/$name.S"
	cat "$TMP/time" >> "$TMP/$name.times"
}

col() { awk -v c="$2" '{print $c}' "$TMP/$1.times" | median; }

printf 'kallsyms: C %s\n          Rust %s\n          flags %s, %d runs each, medians\n' \
	"$C" "$RUST" "${FLAGS[*]}" "$RUNS"
for spec in "${INPUTS[@]}"; do
	IFS='|' read -r INPUT OPTS DIR <<< "$spec"
	read -ra opts <<< "$OPTS"
	rm -f "$TMP"/*.times
	one_run "$C" c; one_run "$RUST" rust "${opts[@]}"     # warm-up, not counted
	rm -f "$TMP"/*.times
	for _ in $(seq "$RUNS"); do
		one_run "$C" c
		one_run "$RUST" rust "${opts[@]}"
	done
	if [ ${#opts[@]} = 0 ]; then
		cmp -s "$TMP/c.S" "$TMP/rust.S" || die "bench-kallsyms.sh: outputs differ for $INPUT"
	else
		# with paths the C tables come first, byte for byte, then the side table
		cmp -s "$TMP/c.S" <(head -c "$(wc -c < "$TMP/c.S")" "$TMP/rust.S") ||
			die "bench-kallsyms.sh: the C part of the output differs for $INPUT"
		printf '\n(Rust with %s: %d bytes more .S)' "$OPTS" \
			$(($(wc -c < "$TMP/rust.S") - $(wc -c < "$TMP/c.S")))
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
