#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# consumers.sh - the kernels with and without CONFIG_KALLSYMS_PATHS, booted in QEMU, give every
# user of kallsyms names the same result, and the one with the option names the source file of
# every code location.
#
#   kbuild/tests/consumers.sh
#
# Kernels (kbuild/kernel.sh, cached): "oracle" (pristine source, C tools, option off) and
# "paths" (kbuild/patches, option on, modpost-rs and kallsyms-rs), both with the fixture
# config: tracing, kprobes, fprobe, livepatch and their samples, prefix symbols, the kallsyms
# selftest. Both boot with kbuild/fixture/consumers-init.sh, which prints a "RESULT:" line per
# check of a name consumer:
#
#   * set_ftrace_filter with a vmlinux function, a module function, a glob, :mod:, and the
#     function tracer on it; available_filter_functions;
#   * kprobe_events on a vmlinux function, on MOD:function and a kretprobe, and their hits;
#   * the kprobe, kretprobe, fprobe (symbol filter), ftrace_ops and ftrace-direct samples;
#     the livepatch sample (takes effect on /proc/cmdline);
#   * /proc/kallsyms as parsers see it.
#
# Checked here:
#   1. the RESULT lines of the two kernels are identical;
#   2. /proc/kallsyms: every (type, name, module) of the kernel without the option is in the
#      one with it, and the only extra names are those of the option's own code and tables;
#   3. kallsyms-rs decode of each vmlinux equals the vmlinux part of its /proc/kallsyms, and
#      decode --paths the vmlinux part of /proc/kallsyms_paths, which has a path on every
#      vmlinux symbol and differs from /proc/kallsyms only by the paths; each loaded module's
#      path:name pairs there are among decode --paths of its .ko (its .kallsyms_paths);
#   4. with the option: every frame of kotest's Call Trace, of the sysrq-l backtraces and of
#      /proc/<pid>/stack names its file, assembly included (entry_64.S); %pS in a sample's
#      message too; frames of an in-tree multi-object module (crypto.ko, through kocrypto);
#      the path selftest passed; module sections: kopaths' two same_name()
#      statics are told apart, a stripped module's stale section is ignored, a refreshed one
#      used. Without the option: no frame has a path;
#   5. both kallsyms selftests finished without failures.
# The %pS cost (ksymbench) is printed and written to $LOGS/ksymbench.txt, not asserted.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
. "$KB/lib/boot.sh"
NAME=consumers
fail=0
problem() { echo "$NAME: FAIL: $*"; fail=1; }

bash "$KB/kernel.sh" build oracle
bash "$KB/kernel.sh" build paths
rust_tools
T=$(mktemp -d "${TMPDIR:-/tmp}/$NAME.XXXXXX")
trap 'rm -rf "$T"' EXIT

# modules of variant $1 for the initramfs: in-tree ones and external ones built against it
modules_of() {
	local v=$1 build work mk=()
	eval "$(bash "$KB/kernel.sh" env "$v")"
	build=$BUILD work=$WORK
	[ "$v" = paths ] && mk=(MODPOST="$WORK/bin/modpost-rs")
	mkdir -p "$T/$v"
	for m in ksymbench; do
		cp -r "$KB/fixture/$m" "$T/$v/$m"
		make -C "$build" M="$T/$v/$m" "${mk[@]}" modules > "$T/$v/$m.log" 2>&1 ||
			{ tail -20 "$T/$v/$m.log"; die "$NAME: building $m for $v failed"; }
	done
	MODULES=("$build/lib/bitrev.ko" "$build/lib/crc32.ko"
		"$build/samples/kobject/kobject-example.ko" "$work/kotest/kotest.ko"
		"$build/samples/kprobes/kprobe_example.ko" "$build/samples/kprobes/kretprobe_example.ko"
		"$build/samples/fprobe/fprobe_example.ko" "$build/samples/ftrace/ftrace-ops.ko"
		"$build/samples/ftrace/ftrace-direct.ko" "$build/samples/livepatch/livepatch-sample.ko"
		"$T/$v/ksymbench/ksymbench.ko")
	if [ "$v" = paths ]; then
		for m in kopaths kocrypto; do
			cp -r "$ROOT/testdata/modpaths/$m" "$T/$v/$m"
			make -C "$build" M="$T/$v/$m" "${mk[@]}" modules > "$T/$v/$m.log" 2>&1 ||
				{ tail -20 "$T/$v/$m.log"; die "$NAME: building $m failed"; }
		done
		# strip without refreshing: a stale section; then refreshed as modules_install does
		strip --strip-debug -o "$T/$v/crc32-stripped.ko" "$build/lib/crc32.ko"
		cp "$T/$v/crc32-stripped.ko" "$T/$v/crc32-refreshed.ko"
		"$MODPOST_RS" ko-paths --from "$build/lib/crc32.ko" "$T/$v/crc32-refreshed.ko"
		MODULES+=("$T/$v/kopaths/kopaths.ko" "$build/crypto/crypto.ko" "$build/crypto/crypto_algapi.ko"
			"$T/$v/kocrypto/kocrypto.ko" "$T/$v/crc32-stripped.ko" "$T/$v/crc32-refreshed.ko")
	fi
}

for v in oracle paths; do
	modules_of "$v"
	make_initramfs "$BUILD" "$T/$v/initramfs.cpio" "$KB/fixture/consumers-init.sh" "${MODULES[@]}"
	say QEMU "$v: boot, drive the name consumers (log: $LOGS/consumers/console.log)"
	# tsc=reliable: under TCG the TSC watchdog would switch to jiffies (4 ms), too coarse
	# for ksymbench
	boot_kernel "$BUILD" "$T/$v/initramfs.cpio" "$LOGS/consumers" 900 tsc=reliable ||
		problem "$v: QEMU failed or timed out"
	grep -q "ORACLE: done" "$LOGS/consumers/console.log" ||
		problem "$v: /init did not finish (see $LOGS/consumers/console.log)"
	cp -r "$LOGS/consumers" "$T/$v/logs"
	cp "$T/$v/logs/console.log" "$T/$v/console.log"
	printf '%s\n' "$BUILD" > "$T/$v/build"
done
OFF=$T/oracle ON=$T/paths

# 1. the name consumers
results() { grep '^RESULT: ' "$1/console.log" | sed 's/^RESULT: //'; }
if ! diff <(results "$OFF") <(results "$ON") > "$T/results.diff"; then
	problem "the name consumers differ (< without the option, > with it):"
	cat "$T/results.diff"
fi
echo "consumers: $(results "$ON" | wc -l) results identical with and without the option:"
results "$ON" | sed 's/^/  /'
for want in 'set_ftrace_filter vfs_statfs: vfs_statfs ' \
	'set_ftrace_filter foo_show: foo_show \[kobject_example\] ' \
	"kprobe_events 'p:kp_mod kobject_example:foo_show': ok" 'kprobe event kp_vfs: yes' \
	'kprobe event kp_mod: yes' 'kprobe_example on kernel_clone: yes' \
	'fprobe_example on vfs_statfs: yes' 'ftrace-ops: calls to tracee_relevant \[ftrace_ops\] in' \
	'livepatch /proc/cmdline: this has been live patched' 'kallsyms_selftest: finish' \
	'kallsyms_selftest failures: 0' 'kretprobe_example: yes' 'ftrace-direct: yes'; do
	results "$ON" | grep "^$want" > /dev/null || problem "no RESULT '$want'"
done

# 2. /proc/kallsyms: the same (type, name, module)s; extra names only the option's own
names() { section "$1/logs/ttyS1.log" "$2" | cut -d' ' -f2- | sort; }
names "$OFF" KALLSYMS > "$T/off.names"
names "$ON" KALLSYMS > "$T/on.names"
[ -s "$T/off.names" ] && [ -s "$T/on.names" ] || problem "no /proc/kallsyms dump on ttyS1"
comm -23 "$T/off.names" "$T/on.names" > "$T/lost"
comm -13 "$T/off.names" "$T/on.names" > "$T/extra"
[ -s "$T/lost" ] && { problem "names the option loses:"; head -20 "$T/lost"; }
if grep -v 'path' "$T/extra" > "$T/extra.other"; then
	problem "names the option adds that are not its own:"
	head -20 "$T/extra.other"
fi
echo "consumers: /proc/kallsyms: $(wc -l < "$T/off.names") lines without the option, all present" \
	"with it, plus $(wc -l < "$T/extra") of the option's own: $(cut -d' ' -f2 "$T/extra" | tr '\n' ' ')"

# 3. decode against the booted kernels; /proc/kallsyms_paths against /proc/kallsyms
vmlinux_part() { section "$1/logs/ttyS1.log" "$2" | grep -v "$(printf '\t')" || true; }
for v in oracle paths; do
	build=$(cat "$T/$v/build")
	vmlinux_part "$T/$v" KALLSYMS > "$T/$v/proc.txt"
	"$KALLSYMS_RS" decode "$build/vmlinux" > "$T/$v/decode.txt" || problem "$v: decode failed"
	cmp -s "$T/$v/proc.txt" "$T/$v/decode.txt" ||
		{ problem "$v: kallsyms-rs decode != /proc/kallsyms"; diff "$T/$v/proc.txt" "$T/$v/decode.txt" | head; }
	grep -qv '^0\{16\} ' "$T/$v/proc.txt" || problem "$v: the guest hid the addresses"
done
vmlinux_part "$ON" KALLSYMS_PATHS > "$ON/proc-paths.txt"
"$KALLSYMS_RS" decode --paths "$(cat "$ON/build")/vmlinux" > "$ON/decode-paths.txt"
cmp -s "$ON/proc-paths.txt" "$ON/decode-paths.txt" ||
	{ problem "kallsyms-rs decode --paths != /proc/kallsyms_paths"; diff "$ON/proc-paths.txt" "$ON/decode-paths.txt" | head; }
bare=$(awk '$3 !~ /:/' "$ON/proc-paths.txt" | wc -l)
[ "$bare" -eq 0 ] || { problem "$bare vmlinux lines of /proc/kallsyms_paths without a path"; awk '$3 !~ /:/' "$ON/proc-paths.txt" | head -5; }
section "$ON/logs/ttyS1.log" KALLSYMS_PATHS | sed 's/ [^ 	]*:/ /' > "$T/paths-stripped"
section "$ON/logs/ttyS1.log" KALLSYMS > "$T/plain"
cmp -s "$T/paths-stripped" "$T/plain" ||
	{ problem "/proc/kallsyms_paths minus its paths != /proc/kallsyms"; diff "$T/plain" "$T/paths-stripped" | head; }
# the module part: each loaded module's path:name pairs are pairs of decode --paths of its
# .ko (/proc/kallsyms lists a subset of a module's symtab, its core symbols, with the types
# the loader gives them). [__builtin__ftrace] lines are ftrace trampolines, not a module.
nmod=0 nline=0
for mod in $(section "$ON/logs/ttyS1.log" KALLSYMS_PATHS | sed -n 's/.*\t\[\([^]]*\)\]$/\1/p' |
	grep -v '^__builtin__' | sort -u); do
	ko=
	for m in "${MODULES[@]}"; do
		[ "$(modinfo -F name "$m")" = "$mod" ] && { ko=$m; break; }
	done
	[ -n "$ko" ] || { problem "module $mod of /proc/kallsyms_paths is not in the initramfs"; continue; }
	section "$ON/logs/ttyS1.log" KALLSYMS_PATHS | grep "$(printf '\t')\[$mod\]\$" |
		cut -d' ' -f3- | cut -f1 | sort > "$T/mod-proc"
	"$KALLSYMS_RS" decode --paths "$ko" | cut -d' ' -f3- | sort > "$T/mod-decode"
	if comm -23 "$T/mod-proc" "$T/mod-decode" | grep . > /dev/null; then
		problem "$mod: /proc/kallsyms_paths lines that decode --paths $ko does not have:"
		comm -23 "$T/mod-proc" "$T/mod-decode" | head -5
	fi
	# undefined symbols (kept by livepatch modules) are defined elsewhere: no path
	section "$ON/logs/ttyS1.log" KALLSYMS_PATHS | grep "$(printf '\t')\[$mod\]\$" |
		awk '$2 !~ /^[uU]$/ && $3 !~ /:/' > "$T/mod-bare"
	[ -s "$T/mod-bare" ] && { problem "$mod: defined symbols without a path:"; head -5 "$T/mod-bare"; }
	nmod=$((nmod + 1)) nline=$((nline + $(wc -l < "$T/mod-proc")))
done
[ "$nmod" -ge 5 ] || problem "only $nmod modules in /proc/kallsyms_paths"
echo "consumers: /proc/kallsyms_paths of $nmod loaded modules ($nline lines): every path:name is one of decode --paths <its .ko>"
echo "consumers: decode == /proc/kallsyms on both kernels ($(wc -l < "$OFF/proc.txt"), $(wc -l < "$ON/proc.txt") lines); decode --paths == /proc/kallsyms_paths, $(wc -l < "$ON/proc-paths.txt") vmlinux lines all with a path"

# 4. code locations
frames() { # every frame line of every Call Trace, /proc/<pid>/stack, and kotest's %pS
	sed -e 's/^\[ *[0-9.]*\] //' "$1" | sed -n '/Call Trace:/,/<\/TASK>/p' |
		grep -E '^ +(\? )?[^ ]+\+0x[0-9a-f]+/0x[0-9a-f]+' || true
	section "$1" STACK | sed 's/^\[<[0-9a-f]*>\] / /'
}
frames "$ON/console.log" > "$T/on.frames"
frames "$OFF/console.log" > "$T/off.frames"
[ "$(wc -l < "$T/on.frames")" -gt 20 ] || problem "only $(wc -l < "$T/on.frames") frames with the option"
nopath=$(grep -vcE '^ +(\? )?[A-Za-z0-9_.+/-]+\.[A-Za-z]+:[^ ]+\+0x' "$T/on.frames" || true)
[ "$nopath" -eq 0 ] || { problem "$nopath frames without a path:"; grep -vE '^ +(\? )?[A-Za-z0-9_.+/-]+\.[A-Za-z]+:[^ ]+\+0x' "$T/on.frames" | head; }
withpath=$(grep -cE '^ +(\? )?[A-Za-z0-9_.+/-]+\.[A-Za-z]+:[^ ]+\+0x' "$T/off.frames" || true)
[ "$withpath" -eq 0 ] || problem "$withpath frames with a path without the option"
for want in 'lib/dump_stack\.c:dump_stack_lvl\+0x' 'kotest\.c:kotest_leaf\+0x[0-9a-f]+/0x[0-9a-f]+ \[kotest\]' \
	'kotest\.c:kotest_init\+0x' 'init/main\.c:do_one_initcall\+0x' 'arch/x86/entry/entry_64\.S:' \
	'sub/helper\.c:same_name\+0x[0-9a-f]+/0x[0-9a-f]+ \[kopaths\]' 'main\.c:kopaths_init\+0x' \
	'kernel/time/hrtimer\.c:hrtimer_nanosleep\+0x' 'crypto/api\.c:[^ ]+\+0x[0-9a-f]+/0x[0-9a-f]+ \[crypto\]' \
	'kocrypto\.c:kocrypto_cra_init\+0x[0-9a-f]+/0x[0-9a-f]+ \[kocrypto\]'; do
	grep -qE "$want" "$T/on.frames" || problem "no frame /$want/"
done
grep -q 'kotest: leaf=kotest.c:kotest_leaf+0x0/' "$ON/console.log" || problem "kotest's %pS has no path"
grep -q '^PSLINE: .*Enter <fs/statfs.c:vfs_statfs+0x' "$ON/console.log" || problem "fprobe sample's %pS has no path"
grep -q '^PSLINE: .*Enter <vfs_statfs+0x' "$OFF/console.log" || problem "fprobe sample's %pS without the option"
grep -q 'kopaths: main same_name=main.c:same_name+0x0/' "$ON/console.log" || problem "kopaths main.c:same_name"
grep -q 'kopaths: helper same_name=sub/helper.c:same_name+0x0/' "$ON/console.log" || problem "kopaths sub/helper.c:same_name"
grep -q '^MODPATHS: crc32-stripped: W crc32_le	' "$ON/console.log" ||
	problem "a stale section (stripped, not refreshed) must give bare names"
grep -q 'crc32: .kallsyms_paths ignored: malformed or stale' "$ON/console.log" ||
	problem "no warning for the stale section"
grep -q '^MODPATHS: crc32-refreshed: W lib/crc32.c:crc32_le	' "$ON/console.log" ||
	problem "the refreshed section (ko-paths --from) must give paths"
grep -q 'kallsyms_paths_selftest: all checks passed' "$ON/console.log" ||
	{ problem "the path selftest did not pass:"; grep kallsyms_paths_selftest "$ON/console.log"; }
echo "consumers: $(wc -l < "$T/on.frames") frames with the option, all with a path (Call Traces, sysrq-l, /proc/<pid>/stack); kotest's:"
sed -n '/kotest: leaf=/,/<\/TASK>/p' "$ON/console.log" | sed -n '/Call Trace:/,/<\/TASK>/p' | sed 's/^\[ *[0-9.]*\]/ /'

# 5. the selftests: in the RESULT lines (finish, 0 failures, both kernels)

# %pS cost
{
	for v in oracle paths; do
		grep '^KSYMBENCH: ' "$T/$v/console.log" | sed "s/^KSYMBENCH: ksymbench: /$v: /"
	done
} | tee "$LOGS/ksymbench.txt"

[ $fail -eq 0 ] || { echo "$NAME: FAILED"; exit 1; }
echo "$NAME: PASSED"
