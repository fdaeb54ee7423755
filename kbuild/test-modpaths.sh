#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# test-modpaths.sh - end-to-end tests of source paths for loadable modules (.kallsyms_paths).
#
#   kbuild/test-modpaths.sh [step ...]        default: all = offline build extmod install boot
#
# offline  On a hard-link copy of the C-oracle fixture build (kbuild/oracle.sh; nothing is
#          written into the fixture): run "modpost-rs ko-paths" over all 64 modules, then
#          - readelf -aW of every .ko before/after is equal once offsets are masked, apart from
#            the new section, the section count and the header-table offset;
#          - every symbol's path agrees with the member object that defines it (independent
#            checker testdata/modpaths/check_paths.py: nm -a on the .o files, .cmd sources);
#          - a second run leaves every file untouched (bytes and mtime);
#          - verify passes, and reports a deliberately stale section (bad CRC; changed strtab);
#          - emission time over all modules (one process; and one process per module as
#            Makefile.modfinal runs it) -> $T/logs/emission-time.txt
# build    Patched kernel (kbuild/patched-source.sh = patches/series) with the fixture config
#          plus CONFIG_KALLSYMS_PATHS=y into $T/build-6.12, modules get their section from
#          Makefile.modfinal (KALLSYMS_PATHS_TOOL=modpost-rs, C modpost otherwise); verify.
# extmod   The external modules kotest (fixture) and kopaths (testdata/modpaths/kopaths, two
#          objects, a static same_name() in each); verify.
# install  make modules_install INSTALL_MOD_STRIP=1: strip renumbers the symtab, Makefile.modinst
#          refreshes the section; verify the installed tree, and compare its paths with the
#          build tree's (check_paths.py carried).
# boot     QEMU (build-fixture.sh boot) with bitrev/crc32 from the stripped install, a copy of
#          kobject-example with a stale section, kotest and kopaths; the console must show
#          kotest.c:kotest_leaf+0x.. and sub/helper.c / main.c frames of kopaths, the two
#          same_name() told apart by %pS, paths in /proc/kallsyms, and bare names for the module
#          whose section is stale.
# signed   (not in "all": a second full kernel build) The same with CONFIG_MODULE_SIG_FORCE
#          and MODULE_SIG_ALL into $T/build-sig: modules_install INSTALL_MOD_STRIP=1 strips,
#          refreshes the section, then signs; a boot that only accepts validly signed modules
#          loads them all and prints their paths.
# dwarf    (not in "all": needs a CONFIG_DEBUG_INFO_DWARF5=y build of the fixture, default
#          $CACHE/wt-vmpaths/paths-dwarf/build-6.12, or MODPATHS_DWARF_BUILD) On a hard-link
#          copy: ko-paths over its modules (the originals must stay byte-identical), then
#          check_paths.py members, and testdata/modpaths/dwarf_check_modules.py: every symbol
#          inside a DWARF compile unit's .debug_aranges range has that CU's name as its path
#          -> $T/logs/dwarf-check-modules.txt
# distro   (not in "all") Emission cost at distro scale: Debian's modules
#          ($CACHE/distro/ko/**.ko, or MODPATHS_DISTRO_KO) in a scratch tree with synthesized
#          inputs (each module's .ko as its single member <name>.o, <name>.mod listing it, a
#          .<name>.o.cmd naming its source path); ko-paths in one process and one process per
#          module, 3 runs each, /usr/bin/time; verify -> $T/logs/distro-time.txt
# intree   (not in "all"; needs the build step's kernel, or MODPATHS_INTREE_BUILD) QEMU boot
#          that loads in-tree multi-object modules (fat: 7 objects, ext2: 10, isofs: 8,
#          usb-storage: 8, usbcore: 19, scsi_mod: 12, crypto: 3, crypto_algapi: 3, with their
#          dependencies) and dumps their /proc/kallsyms entries; testdata/modpaths/
#          kallsyms_members.py checks every entry's path against the member objects (.cmd
#          source, nm). The external testdata/modpaths/kocrypto registers a cipher whose
#          cra_init dumps the stack when crypto.ko's crypto/api.c allocates it: the Call Trace
#          must show crypto/api.c frames [crypto] -> $T/intree/logs
#
# Environment: MODPATHS_WORK (default $CACHE/wt-modpaths/test), MODPOST_RS_FIXTURE (the
# oracle fixture WORK; default from kbuild/oracle.sh env), JOBS (2), CARGO_TARGET_DIR.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
CACHE=${MODPOST_RS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/modpost-rs}
T=${MODPATHS_WORK:-$CACHE/wt-modpaths/test}
JOBS=${JOBS:-2}
LOGS=$T/logs
BUILD=$T/build-6.12
TOOL=$T/bin/modpost-rs
CHECK="python3 $ROOT/testdata/modpaths/check_paths.py"
KVER_DIR=$T/install/lib/modules
mkdir -p "$T" "$LOGS"

log() { printf '\n=== [%s] %s\n' "$(date +%T)" "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; FAILED=1; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
FAILED=0

fixture_work() {
	if [ -n "${MODPOST_RS_FIXTURE:-}" ]; then echo "$MODPOST_RS_FIXTURE"; return; fi
	(cd "$ROOT" && bash kbuild/oracle.sh env) | sed -n 's/^WORK=//p'
}

# The part of every initramfs list that does not depend on the test: device nodes, busybox,
# the directories, and /init ($1).
initramfs_skeleton() {
	printf '%s\n' "dir /dev 0755 0 0" "nod /dev/console 0600 0 0 c 5 1" "nod /dev/null 0666 0 0 c 1 3" \
		"dir /bin 0755 0 0" "file /bin/busybox /bin/busybox 0755 0 0" "slink /bin/sh busybox 0777 0 0" \
		"dir /proc 0755 0 0" "dir /sys 0755 0 0" "dir /lib 0755 0 0" "dir /lib/modules 0755 0 0" \
		"file /init $1 0755 0 0"
}

# srctree of an O= build directory (from the Makefile Kbuild writes there)
srctree_of() { sed -n 's|^include \(.*\)/Makefile$|\1|p' "$1/Makefile"; }

tool() {
	log "tool: cargo build --release -p modpost-rs"
	(cd "$ROOT" && cargo build --release -p modpost-rs) >"$LOGS/cargo.log" 2>&1 ||
		{ tail -20 "$LOGS/cargo.log"; die "cargo build failed"; }
	local target=${CARGO_TARGET_DIR:-$ROOT/target}
	mkdir -p "$T/bin"
	if ! cmp -s "$target/release/modpost-rs" "$TOOL"; then
		cp "$target/release/modpost-rs" "$TOOL.tmp" && mv "$TOOL.tmp" "$TOOL"
	fi
}

# readelf -aW with everything that legitimately moves masked
readelf_masked() {
	readelf -aW "$1" | sed -E \
		-e '/ \.kallsyms_paths /d' \
		-e 's/^(  Start of section headers: ).*/\1X/' \
		-e 's/^(  Number of section headers: ).*/\1X/' \
		-e 's/^There are [0-9]+ section headers, starting at offset 0x[0-9a-f]+:/There are X section headers/' \
		-e 's/^(  \[ *[0-9]+\] [^ ]+ +[A-Z_0-9]+ +[0-9a-f]+ )[0-9a-f]+ /\1OFF /' \
		-e 's/^(  \[ *[0-9]+\] \.shstrtab +STRTAB +[0-9a-f]+ OFF )[0-9a-f]+/\1SIZE/'
}

step_offline() {
	log "offline: ko-paths on a copy of the fixture modules"
	local fw fb fsrc off mods m t0 t1 i
	fw=$(fixture_work)
	fb=$fw/build-6.12
	[ -f "$fw/.done-build" ] || die "oracle fixture missing at $fw (kbuild/oracle.sh prepare)"
	fsrc=$(srctree_of "$fb")
	off=$T/offline
	rm -rf "$off"
	mkdir -p "$off/before"
	# hard links: the tool replaces files by rename, so the fixture's inodes are never written
	cp -al "$fb" "$off/build"
	mods=$(sed 's/\.o$/.ko/' "$fb/modules.order")
	for m in $mods; do readelf_masked "$off/build/$m" > "$off/before/${m//\//_}.txt"; done

	# timing: 5 runs over all modules in one process, each starting from the original files
	: > "$LOGS/emission-time.txt"
	for i in 1 2 3 4 5; do
		for m in $mods; do ln -f "$fb/$m" "$off/build/$m"; done
		t0=$(date +%s.%N)
		(cd "$off/build" && "$TOOL" ko-paths --srctree "$fsrc" --objtree . $mods)
		t1=$(date +%s.%N)
		echo "$t1 - $t0" | bc >> "$off/one-process.times"
	done
	for m in $mods; do ln -f "$fb/$m" "$off/build/$m"; done
	t0=$(date +%s.%N)
	for m in $mods; do (cd "$off/build" && "$TOOL" ko-paths --srctree "$fsrc" --objtree . "$m"); done
	t1=$(date +%s.%N)
	{
		echo "modules: $(echo $mods | wc -w), bytes: $(cd "$fb" && cat $mods | wc -c)"
		printf 'one process, all modules: '
		sort -n "$off/one-process.times" | awk '{a[NR]=$1} END{printf "min %.3f median %.3f max %.3f s (n=%d)\n", a[1], a[(NR+1)/2], a[NR], NR}'
		printf 'one process per module (as Makefile.modfinal): %.3f s\n' "$(echo "$t1 - $t0" | bc)"
	} | tee "$LOGS/emission-time.txt"

	local n=0 bad=0
	for m in $mods; do
		n=$((n + 1))
		if ! diff -u "$off/before/${m//\//_}.txt" <(readelf_masked "$off/build/$m") > "$off/readelf.diff"; then
			fail "$m: readelf -aW differs beyond the new section:"; head -20 "$off/readelf.diff"; bad=$((bad + 1))
		fi
		readelf -SW "$off/build/$m" | grep -qE '\] \.kallsyms_paths +PROGBITS +0+ [0-9a-f]+ [0-9a-f]+ 00 +0 +0 +4$' ||
			{ fail "$m: no non-alloc PROGBITS .kallsyms_paths, align 4"; bad=$((bad + 1)); }
	done
	echo "readelf -aW before/after (offsets masked): $n modules, $bad differ"

	(cd "$off/build" && $CHECK members . "$fsrc" $mods) || fail "paths disagree with member objects"

	# idempotence: bytes and mtimes unchanged by a second run
	(cd "$off/build" && stat -c '%n %Y %s' $mods && sha256sum $mods) > "$off/first.sum"
	sleep 1
	(cd "$off/build" && "$TOOL" ko-paths --srctree "$fsrc" --objtree . $mods)
	(cd "$off/build" && stat -c '%n %Y %s' $mods && sha256sum $mods) > "$off/second.sum"
	cmp -s "$off/first.sum" "$off/second.sum" && echo "idempotent: second run changed nothing" ||
		fail "second ko-paths run changed files"

	"$TOOL" verify "$off/build" > "$off/verify.out" || { cat "$off/verify.out"; fail "verify on the emitted fixture"; }

	# deliberately stale sections
	mkdir -p "$off/stale"
	python3 - "$off/build/lib/crc32.ko" "$off/stale" <<-'EOF'
		import sys, subprocess, re
		src, out = sys.argv[1], sys.argv[2]
		data = open(src, 'rb').read()
		secs = {}
		for l in subprocess.run(['readelf', '-SW', src], capture_output=True, text=True).stdout.splitlines():
		    m = re.match(r'\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+([0-9a-f]+)', l)
		    if m: secs[m.group(1)] = int(m.group(2), 16)
		bad = bytearray(data); bad[secs['.kallsyms_paths'] + 12] ^= 0xff
		open(out + '/crc.ko', 'wb').write(bad)
		bad = bytearray(data); bad[secs['.strtab'] + 1] ^= 0x20
		open(out + '/strtab.ko', 'wb').write(bad)
	EOF
	if "$TOOL" verify "$off/stale" > "$off/stale.out" 2>&1; then
		fail "verify accepted stale sections"
	fi
	[ "$(grep -c 'stale .kallsyms_paths' "$off/stale.out")" = 2 ] || { cat "$off/stale.out"; fail "stale sections not both reported"; }
	cat "$off/stale.out"
}

step_build() {
	log "build: patched kernel, CONFIG_KALLSYMS_PATHS=y -> $BUILD"
	local src
	src=$(cd "$ROOT" && bash kbuild/patched-source.sh)
	echo "CONFIG_KALLSYMS_PATHS=y" > "$T/kallsyms-paths.config"
	WORK=$T SRC=$src BUILD=$BUILD LOGS=$LOGS FIX=$HERE/fixture EXTRA_CONFIG=$T/kallsyms-paths.config \
		bash "$HERE/fixture/build-fixture.sh" config > "$LOGS/config.out" 2>&1 ||
		{ cat "$LOGS/config.out"; die "config failed"; }
	grep -q '^CONFIG_KALLSYMS_PATHS=y' "$BUILD/.config" || die "CONFIG_KALLSYMS_PATHS did not stick"
	# A new tool does not relink anything by itself: drop the modules so modfinal reruns it.
	if [ -f "$BUILD/modules.order" ] && ! cmp -s "$TOOL" "$T/bin/modpost-rs.built"; then
		(cd "$BUILD" && rm -f $(sed 's/\.o$/.ko/' modules.order))
	fi
	export KBUILD_BUILD_TIMESTAMP="Thu Jan  1 00:00:00 UTC 2026" KBUILD_BUILD_USER=oracle \
		KBUILD_BUILD_HOST=oracle KBUILD_BUILD_VERSION=1
	(cd "$src" && make O="$BUILD" -j"$JOBS" KALLSYMS_PATHS_TOOL="$TOOL" all) > "$LOGS/build.log" 2>&1 ||
		{ tail -30 "$LOGS/build.log"; die "kernel build failed (log: $LOGS/build.log)"; }
	cp "$TOOL" "$T/bin/modpost-rs.built"
	grep -c 'PATHS \[M\]' "$LOGS/build.log" | sed 's/^/modules given paths in this build: /'
	"$TOOL" verify "$BUILD" || fail "verify on the patched build"
}

step_extmod() {
	log "extmod: kotest and kopaths"
	local m
	for m in kotest kopaths; do
		rm -rf "${T:?}/$m"
		if [ $m = kotest ]; then cp -r "$HERE/fixture/kotest" "$T/$m"; else cp -r "$ROOT/testdata/modpaths/kopaths" "$T/$m"; fi
		make -C "$BUILD" M="$T/$m" KALLSYMS_PATHS_TOOL="$TOOL" modules > "$LOGS/extmod-$m.log" 2>&1 ||
			{ tail -20 "$LOGS/extmod-$m.log"; die "external module $m failed"; }
	done
	"$TOOL" verify "$T/kotest" "$T/kopaths" || fail "verify on the external modules"
	$CHECK dump "$T/kopaths/kopaths.ko" | grep -E ' same_name | kopaths_init ' | tee "$LOGS/kopaths-paths.txt"
	grep -q 'LOCAL same_name main.c$' "$LOGS/kopaths-paths.txt" &&
		grep -q 'LOCAL same_name sub/helper.c$' "$LOGS/kopaths-paths.txt" || fail "kopaths same_name paths"
}

step_install() {
	log "install: modules_install INSTALL_MOD_STRIP=1"
	local src
	src=$(srctree_of "$BUILD")
	rm -rf "$T/install"
	(cd "$src" && make O="$BUILD" INSTALL_MOD_PATH="$T/install" INSTALL_MOD_STRIP=1 \
		KALLSYMS_PATHS_TOOL="$TOOL" modules_install) > "$LOGS/install.log" 2>&1 ||
		{ tail -20 "$LOGS/install.log"; die "modules_install failed"; }
	grep -c '^  PATHS ' "$LOGS/install.log" | sed 's/^/modules refreshed after strip: /'
	local kdir
	kdir=$(ls -d "$KVER_DIR"/*/kernel)
	readelf -sW "$kdir/lib/crc32.ko" | grep -q ' FILE ' && fail "strip kept STT_FILE (test assumption)"
	"$TOOL" verify "$kdir" || fail "verify on the installed (stripped) modules"
	$CHECK carried "$BUILD" "$kdir" || fail "installed paths differ from the build tree's"
}

step_boot() {
	log "boot: QEMU"
	local kdir list=$T/initramfs.list out
	kdir=$(ls -d "$KVER_DIR"/*/kernel)
	# a copy of kobject-example whose section is stale (CRC changed): must print bare names
	cp "$BUILD/samples/kobject/kobject-example.ko" "$T/kobject-example-stale.ko"
	python3 - "$T/kobject-example-stale.ko" <<-'EOF'
		import sys, subprocess, re
		f = sys.argv[1]
		for l in subprocess.run(['readelf', '-SW', f], capture_output=True, text=True).stdout.splitlines():
		    m = re.match(r'\s*\[\s*\d+\]\s+\.kallsyms_paths\s+\S+\s+[0-9a-f]+\s+([0-9a-f]+)', l)
		    if m: off = int(m.group(1), 16)
		d = bytearray(open(f, 'rb').read()); d[off + 12] ^= 0xff; open(f, 'wb').write(d)
	EOF
	"$TOOL" verify "$T/kobject-example-stale.ko" > /dev/null 2>&1 && fail "stale copy not stale"
	{
		initramfs_skeleton "$ROOT/testdata/modpaths/init.sh"
		echo "file /lib/modules/bitrev.ko $kdir/lib/bitrev.ko 0644 0 0"
		echo "file /lib/modules/crc32.ko $kdir/lib/crc32.ko 0644 0 0"
		echo "file /lib/modules/kobject-example.ko $T/kobject-example-stale.ko 0644 0 0"
		echo "file /lib/modules/kotest.ko $T/kotest/kotest.ko 0644 0 0"
		echo "file /lib/modules/kopaths.ko $T/kopaths/kopaths.ko 0644 0 0"
	} > "$list"
	"$BUILD/usr/gen_init_cpio" "$list" > "$T/initramfs.cpio"
	WORK=$T BUILD=$BUILD LOGS=$LOGS FIX=$HERE/fixture bash "$HERE/fixture/build-fixture.sh" boot \
		> "$LOGS/boot.out" 2>&1 || { tail -30 "$LOGS/boot.out"; fail "build-fixture.sh boot checks"; }
	out=$LOGS/boot-tcg.log
	local pat
	for pat in \
		' kotest\.c:kotest_leaf\+0x[0-9a-f]+/0x[0-9a-f]+ \[kotest\]' \
		' kotest\.c:kotest_middle\+0x[0-9a-f]+/0x[0-9a-f]+ \[kotest\]' \
		'kotest: leaf=kotest\.c:kotest_leaf\+0x0/' \
		' sub/helper\.c:same_name\+0x[0-9a-f]+/0x[0-9a-f]+ \[kopaths\]' \
		' sub/helper\.c:kopaths_helper_entry\+0x[0-9a-f]+/0x[0-9a-f]+ \[kopaths\]' \
		' main\.c:kopaths_init\+0x[0-9a-f]+/0x[0-9a-f]+ \[kopaths\]' \
		'kopaths: main same_name=main\.c:same_name\+0x0/' \
		'kopaths: helper same_name=sub/helper\.c:same_name\+0x0/' \
		'[ :]dump_stack_lvl\+0x' \
		$'^MODPATHS: ADDR t kotest\\.c:kotest_leaf\t\\[kotest\\]' \
		$'^MODPATHS: ADDR T kotest\\.c:kotest_plain\t\\[kotest\\]' \
		$'^MODPATHS: ADDR t main\\.c:same_name\t\\[kopaths\\]' \
		$'^MODPATHS: ADDR t sub/helper\\.c:same_name\t\\[kopaths\\]' \
		$'^MODPATHS: ADDR [tTW] lib/crc32\\.c:crc32_le\t\\[crc32\\]' \
		$'^MODPATHS: ADDR . lib/bitrev\\.c:byte_rev_table\t\\[bitrev\\]' \
		$'^MODPATHS: ADDR t foo_show\t\\[kobject_example\\]' \
		'MODPATHS: insmod kopaths ok' 'MODPATHS: rmmod kopaths ok' 'ORACLE: insmod kobject-example ok'; do
		grep -qE -- "$pat" "$out" || fail "console has no /$pat/"
	done
	# every core symbol of the modules with a fresh section has a path; none of the stale one's
	local nopath stalepath
	nopath=$(grep -E '^MODPATHS: ADDR . [^:]+	\[(kotest|kopaths|crc32|bitrev)\]' "$out" || true)
	[ -z "$nopath" ] || { echo "$nopath"; fail "module symbols without a path in /proc/kallsyms"; }
	stalepath=$(grep -E '^MODPATHS: ADDR . .*:.*	\[kobject_example\]' "$out" || true)
	[ -z "$stalepath" ] || { echo "$stalepath"; fail "stale section was used"; }
	grep -E 'kotest\.c:kotest_leaf|sub/helper\.c|main\.c:kopaths_init' "$out" | grep -v MODPATHS | head -8
	echo "kallsyms lines with a path: $(grep -cE '^MODPATHS: ADDR . [^	]+:' "$out")," \
		"bare (stale kobject_example): $(grep -cE '^MODPATHS: ADDR . [^:]+	\[kobject_example\]' "$out")"
}

# The boot console checks shared by "boot" and "signed": $1 = console log.
check_console_paths() {
	local out=$1 pat
	for pat in \
		' kotest\.c:kotest_leaf\+0x[0-9a-f]+/0x[0-9a-f]+ \[kotest\]' \
		' sub/helper\.c:same_name\+0x[0-9a-f]+/0x[0-9a-f]+ \[kopaths\]' \
		' main\.c:kopaths_init\+0x[0-9a-f]+/0x[0-9a-f]+ \[kopaths\]' \
		$'^MODPATHS: ADDR [tTW] lib/crc32\\.c:crc32_le\t\\[crc32\\]' \
		'MODPATHS: insmod kopaths ok' 'ORACLE: insmod kotest ok' 'ORACLE: insmod crc32 ok'; do
		grep -qE -- "$pat" "$out" || fail "console has no /$pat/"
	done
}

step_signed() {
	log "signed: CONFIG_MODULE_SIG_FORCE build -> $T/build-sig"
	local src b=$T/build-sig logs=$T/logs-sig inst=$T/install-sig kdir m out
	src=$(cd "$ROOT" && bash kbuild/patched-source.sh)
	mkdir -p "$logs"
	printf '%s\n' CONFIG_KALLSYMS_PATHS=y CONFIG_MODULE_SIG=y CONFIG_MODULE_SIG_FORCE=y \
		CONFIG_MODULE_SIG_ALL=y CONFIG_MODULE_SIG_SHA256=y > "$T/sig.config"
	WORK=$T SRC=$src BUILD=$b LOGS=$logs FIX=$HERE/fixture EXTRA_CONFIG=$T/sig.config \
		bash "$HERE/fixture/build-fixture.sh" config > "$logs/config.out" 2>&1 ||
		{ cat "$logs/config.out"; die "config failed"; }
	export KBUILD_BUILD_TIMESTAMP="Thu Jan  1 00:00:00 UTC 2026" KBUILD_BUILD_USER=oracle \
		KBUILD_BUILD_HOST=oracle KBUILD_BUILD_VERSION=1
	(cd "$src" && make O="$b" -j"$JOBS" KALLSYMS_PATHS_TOOL="$TOOL" all) > "$logs/build.log" 2>&1 ||
		{ tail -30 "$logs/build.log"; die "kernel build failed (log: $logs/build.log)"; }
	rm -rf "$inst"
	(cd "$src" && make O="$b" INSTALL_MOD_PATH="$inst" INSTALL_MOD_STRIP=1 \
		KALLSYMS_PATHS_TOOL="$TOOL" modules_install) > "$logs/install.log" 2>&1 ||
		{ tail -20 "$logs/install.log"; die "modules_install failed"; }
	for m in kotest kopaths; do
		rm -rf "${T:?}/sig-$m"
		if [ $m = kotest ]; then cp -r "$HERE/fixture/kotest" "$T/sig-$m"; else cp -r "$ROOT/testdata/modpaths/kopaths" "$T/sig-$m"; fi
		make -C "$b" M="$T/sig-$m" KALLSYMS_PATHS_TOOL="$TOOL" modules > "$logs/extmod-$m.log" 2>&1 &&
		make -C "$b" M="$T/sig-$m" KALLSYMS_PATHS_TOOL="$TOOL" INSTALL_MOD_PATH="$inst" \
			INSTALL_MOD_STRIP=1 modules_install >> "$logs/extmod-$m.log" 2>&1 ||
			{ tail -20 "$logs/extmod-$m.log"; die "external module $m failed"; }
	done
	grep -E '^  (STRIP|PATHS|SIGN) .*/crc32\.ko$' "$logs/install.log"
	kdir=$(ls -d "$inst"/lib/modules/*)
	for m in kernel/lib/bitrev.ko kernel/lib/crc32.ko kernel/samples/kobject/kobject-example.ko \
		updates/kotest.ko updates/kopaths.ko; do
		tail -c 28 "$kdir/$m" | grep -q '~Module signature appended~' || fail "$m is not signed"
	done
	"$TOOL" verify "$kdir" || fail "verify on the signed, stripped modules"
	{
		initramfs_skeleton "$ROOT/testdata/modpaths/init.sh"
		echo "file /lib/modules/bitrev.ko $kdir/kernel/lib/bitrev.ko 0644 0 0"
		echo "file /lib/modules/crc32.ko $kdir/kernel/lib/crc32.ko 0644 0 0"
		echo "file /lib/modules/kobject-example.ko $kdir/kernel/samples/kobject/kobject-example.ko 0644 0 0"
		echo "file /lib/modules/kotest.ko $kdir/updates/kotest.ko 0644 0 0"
		echo "file /lib/modules/kopaths.ko $kdir/updates/kopaths.ko 0644 0 0"
	} > "$T/initramfs-sig.list"
	mkdir -p "$T/sigboot"
	"$b/usr/gen_init_cpio" "$T/initramfs-sig.list" > "$T/sigboot/initramfs.cpio"
	WORK=$T/sigboot BUILD=$b LOGS=$logs FIX=$HERE/fixture bash "$HERE/fixture/build-fixture.sh" boot \
		> "$logs/boot.out" 2>&1 || { tail -30 "$logs/boot.out"; fail "build-fixture.sh boot checks"; }
	out=$logs/boot-tcg.log
	grep -q 'module verification failed' "$out" && fail "a module failed signature verification"
	check_console_paths "$out"
	grep -E 'ORACLE: insmod|MODPATHS: insmod|kotest\.c:kotest_leaf\+' "$out" | head -8
}

step_dwarf() {
	local db=${MODPATHS_DWARF_BUILD:-$CACHE/wt-vmpaths/paths-dwarf/build-6.12}
	local d=$T/dwarf fsrc mods m
	log "dwarf: module paths against DWARF compile units ($db)"
	[ -f "$db/modules.order" ] || die "no DWARF build at $db (a CONFIG_DEBUG_INFO_DWARF5=y fixture build)"
	grep -q '^CONFIG_DEBUG_INFO_DWARF5=y' "$db/.config" || die "$db is not a CONFIG_DEBUG_INFO_DWARF5=y build"
	fsrc=$(srctree_of "$db")
	mods=$(sed 's/\.o$/.ko/' "$db/modules.order")
	rm -rf "$d"
	mkdir -p "$d"
	(cd "$db" && sha256sum $mods) > "$d/orig.sum"
	# hard links: ko-paths replaces each .ko by rename, the build's inodes are never written
	cp -al "$db" "$d/build"
	(cd "$d/build" && "$TOOL" ko-paths --srctree "$fsrc" --objtree . $mods) || fail "ko-paths on the DWARF build"
	(cd "$db" && sha256sum --quiet -c "$d/orig.sum") || fail "ko-paths wrote into the DWARF build's files"
	"$TOOL" verify "$d/build" > "$d/verify.out" || { cat "$d/verify.out"; fail "verify on the DWARF modules"; }
	(cd "$d/build" && $CHECK members . "$fsrc" $mods) || fail "paths disagree with member objects (DWARF build)"
	(cd "$d/build" && python3 "$ROOT/testdata/modpaths/dwarf_check_modules.py" "$fsrc" . "" $mods) \
		> "$LOGS/dwarf-check-modules.txt" || fail "paths disagree with DWARF (see $LOGS/dwarf-check-modules.txt)"
	sed -n '/^modules:/,$p' "$LOGS/dwarf-check-modules.txt" | head -40
}

step_distro() {
	local ko=${MODPATHS_DISTRO_KO:-$CACHE/distro/ko} d=$T/distro i out=$LOGS/distro-time.txt
	log "distro: ko-paths emission cost over $ko"
	[ -d "$ko" ] || die "no distribution modules at $ko"
	command -v /usr/bin/time > /dev/null || die "/usr/bin/time is not installed"
	rm -rf "$d"
	mkdir -p "$d/tree"
	gcc -c -x c /dev/null -o "$d/empty.o"
	python3 "$ROOT/testdata/modpaths/distro_tree.py" "$ko" "$d/tree" "$d/empty.o" | tee "$out"
	sed 's/\.o$/.ko/' "$d/tree/modules.order" > "$d/kos"
	# every run starts from modules without a section: NAME.o is the pristine copy
	reset_kos() { (cd "$d/tree" && python3 -c 'import os,sys
for k in open(sys.argv[1]).read().split():
    os.unlink(k); os.link(k[:-3] + ".o", k)' "$d/kos"); }
	local fmt='%e s elapsed, %U s user, %S s sys, %M KiB max RSS'
	for i in 1 2 3; do
		reset_kos
		(cd "$d/tree" && /usr/bin/time -f "$fmt" -a -o "$d/one.times" \
			"$TOOL" ko-paths --quiet --srctree /usr/src/linux --objtree . $(cat "$d/kos")) ||
			fail "ko-paths over all distro modules"
	done
	for i in 1 2 3; do
		reset_kos
		(cd "$d/tree" && /usr/bin/time -f "$fmt" -a -o "$d/per.times" \
			xargs -n 1 -a "$d/kos" "$TOOL" ko-paths --quiet --srctree /usr/src/linux --objtree .) ||
			fail "ko-paths per distro module"
	done
	median() { sort -n "$1" | sed -n 2p; }
	{
		echo "one process, all modules (3 runs):"; sed 's/^/  /' "$d/one.times"
		echo "  median: $(median "$d/one.times")"
		echo "one process per module, as Makefile.modfinal (3 runs):"; sed 's/^/  /' "$d/per.times"
		echo "  median: $(median "$d/per.times")"
		echo "section bytes added: $(cd "$d/tree" && python3 -c 'import os,sys
print(sum(os.path.getsize(k) - os.path.getsize(k[:-3] + ".o") for k in open(sys.argv[1]).read().split()))' "$d/kos")"
	} | tee -a "$out"
	"$TOOL" verify "$d/tree" > "$d/verify.out" 2>&1 ||
		{ head -20 "$d/verify.out"; fail "verify on the distro modules"; }
	tail -1 "$d/verify.out" | sed 's/^/verify: /' | tee -a "$out"
}

step_intree() {
	local b=${MODPATHS_INTREE_BUILD:-$BUILD} w=$T/intree m kos="" bsrc
	local order="nls_base fat vfat zlib_inflate isofs ext2 scsi_common scsi_mod usb-common usbcore usb-storage crypto crypto_algapi"
	log "intree: /proc/kallsyms of loaded in-tree multi-object modules ($b)"
	[ -f "$b/arch/x86/boot/bzImage" ] || die "no patched kernel at $b (run the build step)"
	grep -q '^CONFIG_KALLSYMS_PATHS=y' "$b/.config" || die "$b has no CONFIG_KALLSYMS_PATHS=y"
	bsrc=$(srctree_of "$b")
	rm -rf "$w"
	mkdir -p "$w/logs"
	cp -r "$ROOT/testdata/modpaths/kocrypto" "$w/kocrypto"
	make -C "$b" M="$w/kocrypto" KALLSYMS_PATHS_TOOL="$TOOL" modules > "$w/logs/kocrypto.log" 2>&1 ||
		{ tail -20 "$w/logs/kocrypto.log"; die "external module kocrypto failed"; }
	echo "$order kocrypto" > "$w/order"
	{
		initramfs_skeleton "$ROOT/testdata/modpaths/init-intree.sh"
		echo "file /lib/modules/order $w/order 0644 0 0"
		for m in $order; do
			local ko
			ko=$(cd "$b" && sed -n "s|^\(.*/$m\)\.o\$|\1.ko|p" modules.order)
			[ -n "$ko" ] || die "$m is not in $b/modules.order"
			kos="$kos $ko"
			echo "file /lib/modules/$m.ko $b/$ko 0644 0 0"
		done
		echo "file /lib/modules/kocrypto.ko $w/kocrypto/kocrypto.ko 0644 0 0"
	} > "$w/initramfs.list"
	"$TOOL" verify $(for m in $kos; do echo "$b/$m"; done) || fail "verify on the in-tree modules"
	"$b/usr/gen_init_cpio" "$w/initramfs.list" > "$w/initramfs.cpio"
	timeout "${BOOT_TIMEOUT:-300}" qemu-system-x86_64 -accel tcg -m 256M -smp 1 -nographic \
		-no-reboot -nic none -kernel "$b/arch/x86/boot/bzImage" -initrd "$w/initramfs.cpio" \
		-append "console=ttyS0 panic=-1 rdinit=/init" > "$w/logs/console.raw" 2>&1 || true
	tr -d '\r' < "$w/logs/console.raw" > "$w/logs/console.log"
	grep 'INTREE: insmod' "$w/logs/console.log" | tr '\n' ' ' || true; echo
	grep -q 'INTREE: insmod .* FAILED' "$w/logs/console.log" && fail "a module did not load"
	grep -q 'INTREE: kallsyms end' "$w/logs/console.log" || fail "no kallsyms dump on the console"
	(cd "$b" && python3 "$ROOT/testdata/modpaths/kallsyms_members.py" . "$bsrc" "$w/logs/console.log" $kos) \
		| tee "$w/logs/kallsyms-members.txt" || fail "/proc/kallsyms paths disagree with member objects"
	grep -E $'^INTREE: ADDR . fs/fat/(inode|dir|misc)\\.c:' "$w/logs/console.log" | head -6 || true
	local pat
	for pat in \
		'kocrypto: cra_init caller=crypto/api\.c:__crypto_alloc_tfmgfp\+0x[0-9a-f]+/0x[0-9a-f]+ \[crypto\]' \
		' kocrypto\.c:kocrypto_cra_init\+0x[0-9a-f]+/0x[0-9a-f]+ \[kocrypto\]' \
		' crypto/api\.c:__crypto_alloc_tfmgfp\+0x[0-9a-f]+/0x[0-9a-f]+ \[crypto\]' \
		' crypto/api\.c:crypto_alloc_base\+0x[0-9a-f]+/0x[0-9a-f]+ \[crypto\]'; do
		grep -qE -- "$pat" "$w/logs/console.log" || fail "console has no /$pat/"
	done
	sed -n '/kocrypto: cra_init/,/<\/TASK>/p' "$w/logs/console.log" | head -24
}

[ $# -gt 0 ] || set -- all
tool
for s in "$@"; do
	case "$s" in
	offline|build|extmod|install|boot|signed|dwarf|distro|intree) "step_$s" ;;
	all) for x in offline build extmod install boot; do "step_$x"; done ;;
	*) die "unknown step $s (offline build extmod install boot signed dwarf distro intree all)" ;;
	esac
done
if [ $FAILED = 0 ]; then echo "test-modpaths: PASSED ($*)"; else echo "test-modpaths: FAILED ($*)"; exit 1; fi
