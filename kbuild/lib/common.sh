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

# The architectures of the cross fixtures (kbuild/arch.sh). arch_env ARCH sets, for one of
# x86_64 (the host), arm64, riscv64, i386, mips (32-bit big-endian) and ppc64 (big-endian):
#   KARCH          make's ARCH=
#   CROSS_COMPILE  make's CROSS_COMPILE= (empty on the host)
#   BOOT_IMAGE     what QEMU boots, relative to the build directory
#   CROSS_PACKAGES the Debian packages of the compiler and of QEMU
#   QEMU           the QEMU command up to -kernel (machine, CPU, memory)
#   CONSOLE        the kernel's console= for that machine
CROSS_ARCHS="arm64 riscv64 i386 mips ppc64"
arch_env() {
	case "$1" in
	x86_64) KARCH=x86_64 CROSS_COMPILE= BOOT_IMAGE=arch/x86/boot/bzImage
		CROSS_PACKAGES="qemu-system-x86" CONSOLE=ttyS0
		QEMU="qemu-system-x86_64 -accel tcg -m 512M" ;;
	arm64) KARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- BOOT_IMAGE=arch/arm64/boot/Image
		CROSS_PACKAGES="gcc-aarch64-linux-gnu qemu-system-arm" CONSOLE=ttyAMA0
		QEMU="qemu-system-aarch64 -M virt -cpu cortex-a57 -m 512M" ;;
	riscv64) KARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- BOOT_IMAGE=arch/riscv/boot/Image
		CROSS_PACKAGES="gcc-riscv64-linux-gnu qemu-system-misc opensbi" CONSOLE=ttyS0
		QEMU="qemu-system-riscv64 -M virt -m 512M -bios default" ;;
	i386) KARCH=i386 CROSS_COMPILE=i686-linux-gnu- BOOT_IMAGE=arch/x86/boot/bzImage
		CROSS_PACKAGES="gcc-i686-linux-gnu qemu-system-x86" CONSOLE=ttyS0
		QEMU="qemu-system-i386 -accel tcg -m 512M" ;;
	mips) KARCH=mips CROSS_COMPILE=mips-linux-gnu- BOOT_IMAGE=vmlinux
		CROSS_PACKAGES="gcc-mips-linux-gnu qemu-system-mips" CONSOLE=ttyS0
		QEMU="qemu-system-mips -M malta -m 256M" ;;
	ppc64) KARCH=powerpc CROSS_COMPILE=powerpc64-linux-gnu- BOOT_IMAGE=vmlinux
		CROSS_PACKAGES="gcc-powerpc64-linux-gnu qemu-system-ppc" CONSOLE=hvc0
		QEMU="qemu-system-ppc64 -M pseries -cpu power8 -m 512M -vga none" ;;
	*) die "unknown architecture '$1' (x86_64 $CROSS_ARCHS)" ;;
	esac
}
