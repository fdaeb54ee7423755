#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# seed.sh - the seed corpora of the kernel-side harness (fuzz/kernel/seeds/elf64 and elf32, not
# committed; run.sh runs this when one is empty and passes them to libFuzzer after
# fuzz/kernel/corpus/VARIANT, where the corpus grows).
#
#   elf64: real modules of the oracle kernel build of the cache root (kbuild/kernel.sh env
#          oracle), copied to a temporary directory with links to their .o/.mod/.mod.o, given a
#          .kallsyms_paths section there by target/release/modpost-rs ko-paths (cargo build
#          --release -p modpost-rs), at most $SEED_MAX (40) of them, spread over the build,
#          each at most $SEED_MAX_BYTES (256 KiB); plus the handcrafted ones of mkseeds.py.
#   elf32: the handcrafted ones of mkseeds.py (the x86_64 build has no 32-bit modules).
#
# Without a finished oracle build only the handcrafted seeds are written. The cache is read,
# never written.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SEEDS=${SEEDS:-$HERE/seeds}
SEED_MAX=${SEED_MAX:-40}
SEED_MAX_BYTES=${SEED_MAX_BYTES:-262144}

say() { printf 'seed: %s\n' "$*" >&2; }

mkdir -p "$SEEDS/elf64" "$SEEDS/elf32"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# add VARIANT FILE: copy FILE into the seeds under its content hash.
add() {
	local h
	h=$(sha1sum "$2" | cut -c1-16)
	cp "$2" "$SEEDS/$1/$h"
}

say "handcrafted (mkseeds.py)"
python3 "$HERE/mkseeds.py" "$TMP/hand64" 64
python3 "$HERE/mkseeds.py" "$TMP/hand32" 32
for f in "$TMP"/hand64/*.ko; do add elf64 "$f"; done
for f in "$TMP"/hand32/*.ko; do add elf32 "$f"; done

env=$(bash "$ROOT/kbuild/kernel.sh" env oracle 2> /dev/null) || env=
BUILD=$(sed -n 's/^BUILD=//p' <<< "$env")
SRC=$(sed -n 's/^SRC=//p' <<< "$env")
mapfile -t kos < <([ -n "$BUILD" ] && find "$BUILD" -name '*.ko' -size -"$SEED_MAX_BYTES"c -printf '%P\n' 2> /dev/null | sort)
if [ ${#kos[@]} = 0 ]; then
	say "no oracle kernel build with modules (kbuild/kernel.sh build oracle): handcrafted seeds only"
	exit 0
fi

say "cargo build --release -p modpost-rs"
(cd "$ROOT" && cargo build --release --quiet -p modpost-rs) >&2
MODPOST=${CARGO_TARGET_DIR:-$ROOT/target}/release/modpost-rs

say "oracle modules of $BUILD, with ko-paths"
step=$(((${#kos[@]} + SEED_MAX - 1) / SEED_MAX))
n=0
for ((i = 0; i < ${#kos[@]}; i += step)); do
	rel=${kos[i]}
	stem=${rel%.ko}
	mkdir -p "$TMP/ko/$(dirname "$rel")"
	cp "$BUILD/$rel" "$TMP/ko/$rel"
	for s in .o .mod .mod.o; do
		if [ -e "$BUILD/$stem$s" ]; then ln -s "$BUILD/$stem$s" "$TMP/ko/$stem$s"; fi
	done
	# (readelf into a file: grep -q would stop reading, and pipefail report readelf's SIGPIPE)
	if "$MODPOST" ko-paths --quiet --srctree "$SRC" --objtree "$BUILD" "$TMP/ko/$rel" 2> "$TMP/err" &&
		readelf -SW "$TMP/ko/$rel" > "$TMP/sections" && grep -q '\.kallsyms_paths' "$TMP/sections"; then
		add elf64 "$TMP/ko/$rel"
		n=$((n + 1))
	else
		say "$rel: ko-paths: $(head -1 "$TMP/err")"
	fi
done
say "$n oracle modules, $(find "$SEEDS/elf64" -type f | wc -l) elf64 and $(find "$SEEDS/elf32" -type f | wc -l) elf32 seeds"
