# SPDX-License-Identifier: GPL-2.0-only
# Shared by every kbuild/ script (sourced): the cache root, progress lines, Debian packages,
# the kernel source (pristine and patched) and the Rust tools.
#
# Cache root: $MODPOST_RS_CACHE, default ${XDG_CACHE_HOME:-$HOME/.cache}/modpost-rs. Everything
# big lives below it, keyed by version and config; nothing is written into the repository.

KB=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROOT=$(cd "$KB/.." && pwd)
CACHE=${MODPOST_RS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/modpost-rs}
mkdir -p "$CACHE"

# Progress line on stderr, Kbuild style: "  LABEL    what".
say() { printf '  %-8s %s\n' "$1" "$2" >&2; }
die() { printf '%s\n' "$*" >&2; exit 1; }

# Installs the Debian packages named that are missing (apt-get, quietly; logs under $CACHE).
need_packages() {
	local p missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep 'ok installed' > /dev/null || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	say DEPS "apt-get install ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	{ apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
		> "$CACHE/apt.log" 2>&1 || { tail -20 "$CACHE/apt.log" >&2; die "apt-get failed"; }
}

# The packages a kernel build and a QEMU boot need.
KERNEL_PACKAGES=(build-essential bc bison flex libelf-dev libssl-dev cpio kmod dwarves
	xz-utils time python3 perl qemu-system-x86 seabios busybox-static)

# The Debian linux-source-6.12 version pinned for the oracle (newest if it is gone).
KSRC_PIN=6.12.117-1~deb12u1

# Installs linux-source-6.12 if needed; prints its version as a cache key (~ and : replaced).
ksrc_version() {
	if ! dpkg-query -W -f='${Status}' linux-source-6.12 2>/dev/null | grep 'ok installed' > /dev/null; then
		say DEPS "apt-get install linux-source-6.12=$KSRC_PIN"
		export DEBIAN_FRONTEND=noninteractive
		{ apt-get update -qq &&
			{ apt-get install -y -qq --no-install-recommends "linux-source-6.12=$KSRC_PIN" ||
				apt-get install -y -qq --no-install-recommends linux-source-6.12; }; } \
			> "$CACHE/apt.log" 2>&1 || { tail -20 "$CACHE/apt.log" >&2; die "apt-get failed"; }
	fi
	dpkg-query -W -f='${Version}' linux-source-6.12 | tr '~:' '__'
}

# The pristine extracted source tree (never modified); prints its path.
pristine_source() {
	local v dst tmp
	v=$(ksrc_version)
	dst=$CACHE/linux-source-$v
	if [ ! -f "$dst/Makefile" ]; then
		say EXTRACT "$dst"
		tmp=$(mktemp -d "$CACHE/.extract.XXXXXX")
		tar -xJf /usr/src/linux-source-6.12.tar.xz -C "$tmp"
		mv "$tmp/linux-source-6.12" "$dst"
		rmdir "$tmp"
	fi
	echo "$dst"
}

# A hash of the patch series (the series file and every patch in it).
patches_hash() {
	(cd "$KB/patches" && cat series $(grep -v '^#' series)) | sha256sum | cut -c1-12
}

# A hard-link copy of the pristine tree with kbuild/patches/series applied (GNU patch writes
# each patched file as a new inode, so the pristine tree is never modified); prints its path.
patched_source() {
	local src dst p
	src=$(pristine_source)
	dst=$src-patched-$(patches_hash)
	if [ ! -f "$dst/.patched" ]; then
		say PATCH "kbuild/patches ($(grep -cv '^#' "$KB/patches/series") patches) -> $dst"
		rm -rf "$dst.tmp"
		cp -al "$src" "$dst.tmp"
		while read -r p; do
			case "$p" in '' | '#'*) continue ;; esac
			patch -p1 -s --no-backup-if-mismatch -d "$dst.tmp" < "$KB/patches/$p" ||
				die "kbuild/patches/$p does not apply to $src"
		done < "$KB/patches/series"
		touch "$dst.tmp/.patched"
		rm -rf "$dst"
		mv "$dst.tmp" "$dst"
	fi
	echo "$dst"
}

# Builds the release binaries; sets MODPOST_RS and KALLSYMS_RS to their paths.
rust_tools() {
	if ! command -v cargo > /dev/null && [ -x "$HOME/.cargo/bin/cargo" ]; then
		export PATH=$HOME/.cargo/bin:$PATH
	fi
	say CARGO "modpost-rs kallsyms-rs (release)"
	cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml" \
		-p modpost-rs -p kallsyms-rs >&2 || die "cargo build failed"
	local target=${CARGO_TARGET_DIR:-$ROOT/target}
	MODPOST_RS=$target/release/modpost-rs
	KALLSYMS_RS=$target/release/kallsyms-rs
}
