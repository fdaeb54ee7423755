#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# seed.sh - build the seed corpora of the fuzz targets (fuzz/seeds/<target>/, not committed;
# run.sh passes them to libFuzzer after fuzz/corpus/<target>/, where the corpus grows).
#
#   fuzz/seed.sh            seeds from testdata/ (always) and from every finished fixture kernel
#                           build of the cache root (kbuild/kernel.sh env oracle|paths|paths-off,
#                           then the ARCH-paths and ARCH-oracle builds of kbuild/arch.sh)
#
# testdata/ has no binaries, so the small objects are compiled here (gcc, as, ld, ar) and the
# tools make the rest: modpost-rs ko-paths a module with .kallsyms_paths, modpost-rs manifest an
# archive manifest, kallsyms-rs the tables of testdata/decode/*.map, linked into small images.
# From a kernel build: objects, .ko files, Module.symvers, .cmd/.mod files, System.map and the
# .tmp_vmlinux*.syms maps, *.a.manifest files, .kallsyms_paths payloads cut out of the .ko
# files, and the kallsyms tables of each pass (.tmp_vmlinuxN.kallsyms.o, linked with _text set,
# since the table reader wants a linked image; the whole vmlinux is too big for a seed).
#
# Caps keep runs fast: at most $SEED_MAX (200) files per target, each at most $SEED_MAX_BYTES
# (1 MiB) except the kallsyms table images, and maps cut to their first $SEED_MAP_LINES lines.
# The binaries come from target/release, else target/debug, else a debug build.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SEEDS=${SEEDS:-$HERE/seeds}
SEED_MAX=${SEED_MAX:-200}
SEED_MAX_BYTES=${SEED_MAX_BYTES:-1048576}
SEED_MAP_LINES=${SEED_MAP_LINES:-3000}
TARGETS=(modpost_object symvers cmd_mod kallsyms_map manifest module_section kallsyms_tables append
	decode_ko devtable_offsets modversions)

say() { printf 'seed: %s\n' "$*" >&2; }

for t in "${TARGETS[@]}"; do mkdir -p "$SEEDS/$t"; done

# add TARGET FILE [MAXBYTES]: copy FILE into the corpus under its content hash (duplicates and
# files over the size or count cap are skipped).
add() {
	local t=$1 f=$2 max=${3:-$SEED_MAX_BYTES} n h
	[ -f "$f" ] && [ -s "$f" ] || return 0
	[ "$(stat -c %s "$f")" -le "$max" ] || return 0
	n=$(find "$SEEDS/$t" -type f | wc -l)
	[ "$n" -lt "$SEED_MAX" ] || return 0
	h=$(sha1sum "$f" | cut -c1-16)
	cp "$f" "$SEEDS/$t/$h"
}

# add_some TARGET N FILE...: up to N of the files, spread evenly over the list.
add_some() {
	local t=$1 n=$2 step i=0 f
	shift 2
	[ $# -gt 0 ] || return 0
	step=$(( ($# + n - 1) / n ))
	for f in "$@"; do
		if [ $((i % step)) = 0 ]; then add "$t" "$f"; fi
		i=$((i + 1))
	done
}

bin() { # bin NAME: the tool binary
	local b
	for b in "$ROOT/target/release/$1" "$ROOT/target/debug/$1"; do
		[ -x "$b" ] && { echo "$b"; return; }
	done
	(cd "$ROOT" && cargo build -q -p modpost-rs -p kallsyms-rs >&2)
	echo "$ROOT/target/debug/$1"
}
MODPOST=$(bin modpost-rs)
KALLSYMS=$(bin kallsyms-rs)

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# decode_ko_variants KO: the module for decode_ko as it is, with a signature trailer appended
# (struct module_signature with a 16-byte signature, then the magic), without .kallsyms_paths,
# and with debug symbols stripped (a stale section when the symtab changes).
decode_ko_variants() {
	add decode_ko "$1"
	{ cat "$1"; head -c 16 /dev/zero | tr '\0' 'S'; printf '\0\0\0\0\0\0\0\0\0\0\0\020~Module signature appended~\n'; } > "$TMP/signed.ko"
	add decode_ko "$TMP/signed.ko"
	objcopy --remove-section=.kallsyms_paths "$1" "$TMP/nosec.ko" 2>/dev/null && add decode_ko "$TMP/nosec.ko"
	objcopy --strip-debug "$1" "$TMP/stripped.ko" 2>/dev/null && add decode_ko "$TMP/stripped.ko"
	return 0
}

# add_modversions CMD SYMVERS: one modversions seed, the .cmd file and a Module.symvers joined
# by the separator of modpost_rs::fuzz_entry::MODVERSIONS_SPLIT.
add_modversions() {
	{ cat "$1"; printf '\0Module.symvers\0'; head -c "$SEED_MAX_BYTES" "$2"; } > "$TMP/modversions"
	add modversions "$TMP/modversions" $((2 * SEED_MAX_BYTES))
}

# --- testdata -------------------------------------------------------------------------------
say "testdata"
SRC=$ROOT/testdata/modpaths/asm-member
OBJ=$TMP/obj
mkdir -p "$OBJ/m"
cmd_file() { # target source
	local dir base
	dir=$(dirname "$1") base=$(basename "$1")
	printf 'savedcmd_%s := cc\n\nsource_%s := %s\n\ndeps_%s := \\\n  %s \\\n  include/linux/kconfig.h \\\n\n%s: $(deps_%s)\n' \
		"$1" "$1" "$2" "$1" "$2" "$1" "$1" > "$OBJ/$dir/.$base.cmd"
}
gcc -O2 -c "$SRC/a.c" -o "$OBJ/m/a.o"
as "$SRC/b.S" -o "$OBJ/m/b.o"
gcc -O2 -c "$SRC/c.c" -o "$OBJ/m/c.o"
as "$SRC/objtool.S" -o "$OBJ/m/objtool.o"
gcc -O2 -c -Dglue_global=mod_global -Dglue_local=mod_local "$SRC/glue.c" -o "$OBJ/m/m.mod.o"
gcc -O2 -c -Dglue_global=common_global -Dglue_local=common_local "$SRC/glue.c" -o "$OBJ/.module-common.o"
cmd_file m/a.o "$SRC/a.c"
cmd_file m/b.o "$SRC/b.S"
cmd_file m/c.o "$SRC/c.c"
cmd_file m/m.mod.o m/m.mod.c
cmd_file .module-common.o "$SRC/glue.c"
printf 'm/a.o\nm/b.o\nm/c.o\n' > "$OBJ/m/m.mod"
(cd "$OBJ" && ld -z noexecstack -r -o m/m.o m/a.o m/objtool.o m/b.o m/c.o &&
	ld -z noexecstack -r -o m/m.ko m/m.o m/m.mod.o .module-common.o &&
	"$MODPOST" ko-paths --quiet --srctree "$SRC" --objtree "$OBJ" m/m.ko &&
	ar rcs m/lib.a m/a.o m/b.o m/c.o &&
	"$MODPOST" manifest --srctree "$SRC" --objtree "$OBJ" m/lib.a) >&2 || say "module fixture: a step failed"
for f in "$OBJ"/m/*.o "$OBJ"/.module-common.o "$OBJ"/m/m.ko; do
	add modpost_object "$f"
	add append "$f"
done
add module_section "$OBJ/m/m.ko"
objcopy --dump-section .kallsyms_paths="$TMP/payload" "$OBJ/m/m.ko" "$TMP/junk" 2>/dev/null && add module_section "$TMP/payload"
add manifest "$OBJ/m/lib.a.manifest"
for f in "$OBJ"/m/.*.cmd "$OBJ"/.*.cmd "$OBJ/m/m.mod"; do add cmd_mod "$f"; done
decode_ko_variants "$OBJ/m/m.ko"

# A module-like object: .modinfo, an export, a device table, init/exit references (section
# mismatch checks), a COMMON symbol.
cat > "$TMP/fake.c" <<'EOF'
struct pci_device_id { unsigned int vendor, device, subvendor, subdevice, class, class_mask; unsigned long driver_data; unsigned int override_only; };
static const char modinfo[][24] __attribute__((section(".modinfo"), used)) = {
	"license=GPL", "description=fuzz seed", "import_ns=FUZZ_NS", "author=x" };
const struct pci_device_id ids[] = { { 0x8086, 0x1234, ~0u, ~0u, 0x20000, 0xff0000, 0, 0 }, { 0 } };
extern const struct pci_device_id __mod_pci__ids_device_table __attribute__((alias("ids")));
__attribute__((section(".init.text"))) int init_helper(void) { return 1; }
int (*keep)(void) = init_helper;
int exported(void) { return 2; }
asm(".section .export_symbol,\"a\"\n__export_symbol_exported:\n.asciz \"GPL\"\n"
    ".asciz \"FUZZ_NS\"\n.balign 4\n.long exported\n.previous\n");
int common_sym;
extern int undefined_sym;
int init_module(void) { return undefined_sym + init_helper(); }
void cleanup_module(void) {}
EOF
for m in -m64 -m32; do
	gcc "$m" -fcommon -O1 -c "$TMP/fake.c" -o "$TMP/fake$m.o" 2>/dev/null || continue
	add modpost_object "$TMP/fake$m.o"
	add append "$TMP/fake$m.o"
	add module_section "$TMP/fake$m.o"
	add decode_ko "$TMP/fake$m.o"
done

for d in "$ROOT"/testdata/vmpaths/*/ "$ROOT"/testdata/modpaths/asm-member/; do
	for s in "$d"*.c "$d"*.S; do
		[ -f "$s" ] || continue
		gcc -c "$s" -o "$TMP/v.o" 2>/dev/null && add modpost_object "$TMP/v.o" && add append "$TMP/v.o"
	done
done

for f in "$ROOT"/testdata/sources/cases/*/* "$ROOT"/testdata/sources/cases/*/*/*; do
	[ -f "$f" ] || continue
	case "$f" in *modpost-args) continue ;; esac
	add cmd_mod "$f"
done
find "$ROOT/testdata/sources" -name '.*.cmd' -o -name '*.mod' | while read -r f; do add cmd_mod "$f"; done

printf '0x12345678\tfoo\tdrivers/foo/foo\tEXPORT_SYMBOL_GPL\tFOO_NS\n0x00000000\tbar\tvmlinux\tEXPORT_SYMBOL\t\n' > "$TMP/symvers"
add symvers "$TMP/symvers"

# modversions: the #SYMVER cases of testdata/sources with the symvers above; a .cmd alone.
mapfile -t symcmds < <(grep -rl '#SYMVER' "$ROOT/testdata/sources" | sort)
for f in "${symcmds[@]}"; do
	add_modversions "$f" "$TMP/symvers"
	add modversions "$f"
done

# devtable_offsets: the x86_64 header modpost-rs embeds, and the headers of the cross-arch C
# modpost oracles of the cache root (kbuild/build-oracle-modpost.sh), where built; each also
# as its bare #define lines (no guard, no comments).
add_offsets() {
	add devtable_offsets "$1"
	sed -n 's/^\(#define [A-Za-z0-9_]* [0-9]*\).*/\1/p' "$1" > "$TMP/defines.h" 2>/dev/null &&
		add devtable_offsets "$TMP/defines.h"
	return 0
}
CACHE=${MODPOST_RS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/modpost-rs}
for f in "$ROOT/modpost-rs/src/file2alias/x86_64-devicetable-offsets.h" "$CACHE"/oracle-modpost-*/devicetable-offsets.h; do
	add_offsets "$f"
done

# kallsyms: the maps, and the tables kallsyms-rs makes of them, assembled and linked.
mkdir -p "$TMP/k/include/asm"
for map in "$ROOT"/testdata/decode/*.map; do
	add kallsyms_map "$map"
	bits=64
	case "$map" in *32.map) bits=32 ;; esac
	emul=elf_x86_64
	[ "$bits" = 32 ] && emul=elf_i386
	echo "#define BITS_PER_LONG $bits" > "$TMP/k/include/asm/bitsperlong.h"
	text=$(sed -n 's/^\([0-9a-f]*\) [Tt] _text$/\1/p' "$map" | head -1)
	printf '.globl _text\n.set _text, 0x%s\n' "${text:-0}" > "$TMP/k/t.S"
	for flags in "" "--all-symbols" "--all-symbols --absolute-percpu"; do
		# shellcheck disable=SC2086
		(cd "$TMP/k" && "$KALLSYMS" $flags "$map" > k.S &&
			gcc -m$bits -Iinclude -c k.S -o k.o && gcc -m$bits -c t.S -o t.o &&
			ld -m $emul -z noexecstack -e 0 -o k.elf k.o t.o) 2>/dev/null || continue
		add kallsyms_tables "$TMP/k/k.elf"
		add append "$TMP/k/k.elf"
	done
done

# --- kernel builds --------------------------------------------------------------------------
kernel_seeds() { # BUILD WORK
	local build=$1 work=$2 f ko
	say "kernel build $build"
	mapfile -t objs < <(find "$build" -name '*.o' -size -"$SEED_MAX_BYTES"c ! -name '.tmp_*' 2>/dev/null | sort)
	mapfile -t kos < <(find "$build" "$work/kotest" -name '*.ko' 2>/dev/null | sort)
	add_some modpost_object 120 "${objs[@]}"
	add_some modpost_object 40 "${kos[@]}"
	add_some append 60 "${objs[@]}"
	add_some append 30 "${kos[@]}"
	add symvers "$build/Module.symvers" $((8 * SEED_MAX_BYTES))
	for f in "$work"/kotest/Module.symvers; do add symvers "$f"; done
	head -c "$SEED_MAX_BYTES" "$build/Module.symvers" | head -n 200 > "$TMP/symvers.head" && add symvers "$TMP/symvers.head"
	mapfile -t cmds < <(find "$build" -name '.*.cmd' -size -200k 2>/dev/null | sort)
	mapfile -t mods < <(find "$build" "$work/kotest" -name '*.mod' 2>/dev/null | sort)
	add_some cmd_mod 150 "${cmds[@]}"
	add_some cmd_mod 40 "${mods[@]}"
	for f in "$build"/System.map "$build"/.tmp_vmlinux*.syms; do
		[ -f "$f" ] || continue
		head -n "$SEED_MAP_LINES" "$f" > "$TMP/map" && add kallsyms_map "$TMP/map"
		tail -n "$SEED_MAP_LINES" "$f" > "$TMP/map" && add kallsyms_map "$TMP/map"
	done
	mapfile -t manifests < <(find "$build" -name '*.a.manifest' 2>/dev/null | sort)
	add_some manifest 100 "${manifests[@]}"
	for ko in "${kos[@]}"; do
		objcopy --dump-section .kallsyms_paths="$TMP/payload" "$ko" "$TMP/junk" 2>/dev/null || continue
		add module_section "$TMP/payload"
	done
	add_some module_section 40 "${kos[@]}"
	add_some decode_ko 60 "${kos[@]}"
	# Modules given a .kallsyms_paths section by ko-paths (a copy beside links to their link
	# inputs), each also signed, without the section and stripped.
	local i step rel stem s
	mapfile -t rels < <(find "$build" -name '*.ko' -size -"$SEED_MAX_BYTES"c -printf '%P\n' 2>/dev/null | sort)
	step=$(((${#rels[@]} + 19) / 20))
	for ((i = 0; i < ${#rels[@]}; i += step)); do
		rel=${rels[i]} stem=${rels[i]%.ko}
		rm -rf "$TMP/kp" && mkdir -p "$TMP/kp/$(dirname "$rel")"
		cp "$build/$rel" "$TMP/kp/$rel"
		for s in .o .mod .mod.o; do
			if [ -e "$build/$stem$s" ]; then ln -s "$build/$stem$s" "$TMP/kp/$stem$s"; fi
		done
		# (SRC: the build's source tree, set by kernel.sh env)
		if "$MODPOST" ko-paths --quiet --srctree "$SRC" --objtree "$build" "$TMP/kp/$rel" 2>/dev/null; then
			decode_ko_variants "$TMP/kp/$rel"
		fi
	done
	add_offsets "$build/scripts/mod/devicetable-offsets.h"
	# modversions: .cmd files with #SYMVER lines, each with the head of the build's
	# Module.symvers or the external module's (the whole file is the symvers target's seed;
	# here it would make every execution resolve and print thousands of exports).
	local symvers=("$TMP/symvers.head" "$work"/kotest/Module.symvers)
	mapfile -t symcmds < <(grep -rl --include='.*.cmd' '^#SYMVER' "$build" 2>/dev/null | sort)
	step=$(((${#symcmds[@]} + 59) / 60))
	for ((i = 0; i < ${#symcmds[@]}; i += step)); do
		s=${symvers[$((i / step % ${#symvers[@]}))]}
		if [ -f "$s" ]; then add_modversions "${symcmds[i]}" "$s"; fi
	done
	# The tables of each kallsyms pass, linked with _text where System.map has it.
	local text
	text=$(sed -n 's/^\([0-9a-f]*\) [Tt] _text$/\1/p' "$build/System.map" 2>/dev/null | head -1)
	printf '.globl _text\n.set _text, 0x%s\n' "${text:-ffffffff81000000}" > "$TMP/t.S"
	gcc -c "$TMP/t.S" -o "$TMP/t.o"
	for f in "$build"/.tmp_vmlinux*.kallsyms.o; do
		[ -f "$f" ] || continue
		ld -z noexecstack -e 0 -o "$TMP/k.elf" "$f" "$TMP/t.o" 2>/dev/null || continue
		add kallsyms_tables "$TMP/k.elf" $((8 * SEED_MAX_BYTES))
	done
}

# The kernel builds of the cache root (MODPOST_RS_CACHE, or kbuild's default), where built:
# the x86_64 fixture's first, then the cross-architecture ones of kbuild/arch.sh (big-endian
# and 32-bit objects and modules; their kallsyms passes do not link with the host's ld and
# are left out). The per-target cap is shared, so the later builds fill what room is left.
read -ra cross_archs <<< "$(. "$ROOT/kbuild/lib/common.sh" && echo "$CROSS_ARCHS")"
for v in paths oracle paths-off "${cross_archs[@]/%/-paths}" "${cross_archs[@]/%/-oracle}"; do
	eval "$(bash "$ROOT/kbuild/kernel.sh" env "$v")"
	if [ -e "$WORK/.done-build" ] || [ -e "$WORK/.done" ]; then
		kernel_seeds "$BUILD" "$WORK"
	else
		say "no finished $v build at $WORK (skipped; bash kbuild/kernel.sh build $v makes it)"
	fi
done

for t in "${TARGETS[@]}"; do
	say "$t: $(find "$SEEDS/$t" -type f | wc -l) seeds"
done
