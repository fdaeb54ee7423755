#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# arch.sh - the drop-ins and the source paths on the other architectures, end to end.
#
#   kbuild/arch.sh [ARCH...]     ARCH: arm64 riscv64 i386 mips ppc64 (default: all five)
#
# Per architecture, on small kernels cross-built from the same linux-source-6.12 with Debian's
# cross compiler (kbuild/kernel.sh variants ARCH-oracle and ARCH-paths; fixture/cross.config
# and fixture/arch/ARCH.config; cached like the x86_64 fixture):
#
#  1. drop-in: kbuild/tests/swap-build.sh ARCH (vmlinux, System.map, the boot image, the
#     kallsyms .S files, Module.symvers, every *.mod.c and *.ko, modpost's diagnostics);
#  2. the paths kernel: `modpost-rs verify --paths` on the tree and the external kotest;
#     make modules_install INSTALL_MOD_STRIP=1 refreshes every section (verify passes there);
#  3. both kernels booted in QEMU (TCG) with the same modules and the same /init
#     (fixture/nolibc-init.c, built with the cross compiler; script below), which drives the
#     name consumers (set_ftrace_filter with a vmlinux and a module function, a glob and :mod:;
#     kprobe_events on both) and dumps /proc/kallsyms. Checked: the name consumers' answers are
#     identical with and without the option; every (type, name, module) of /proc/kallsyms
#     without the option is there with it; kallsyms-rs decode of each vmlinux equals its
#     /proc/kallsyms, decode --paths equals /proc/kallsyms_paths (a path on every vmlinux
#     symbol); each module's path:name pairs are decode --paths of its .ko, the stripped and
#     refreshed ones included; every frame of kotest's dump_stack() and of the sysrq-l
#     backtrace names its file with the option and none without; both kallsyms selftests
#     finish with 0 failures, the path selftest passes.
#
# Logs: $MODPOST_RS_CACHE/kernel-ARCH-paths-*/logs/arch/. Exit status non-zero if anything
# failed; one summary line per architecture.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
. "$KB/lib/boot.sh"
rust_tools

# The guest's /init.script: the same for both kernels. Console messages stay on until the
# dumps, which are bracketed by NAME-BEGIN/NAME-END lines with the console log level at 0
# (sysrq 0: tinyconfig has no sysctl). sysrq-l prints from NMI context, deferred: the sleep
# lets it reach the console first.
guest_script() {
	local tr=/sys/kernel/tracing m at=${KPROBE_OFFSET:-} mod_at=${KPROBE_MOD_OFFSET:-} dot=${FN_DOT:-}
	echo "mount proc /proc"
	echo "mount sysfs /sys"
	echo "mount tracefs $tr"
	echo "waitmsg kallsyms_selftest: finish"
	for m in "$@"; do echo "insmod /lib/modules/$(basename "$m")"; done
	cat << EOF
echo RESULT-BEGIN
write $tr/set_ftrace_filter vfs_read
append $tr/set_ftrace_filter foo_show
append $tr/set_ftrace_filter *_show:mod:kobject_example
append $tr/set_ftrace_filter fat_get_cluster*
cat $tr/set_ftrace_filter
write $tr/kprobe_events p:kp_vfs ${dot}vfs_read$at
append $tr/kprobe_events p:kp_mod kobject_example:${dot}foo_show$mod_at
EOF
	[ -n "$at" ] || echo "append $tr/kprobe_events r:kr_vfs ${dot}vfs_read"
	cat << EOF
cat $tr/kprobe_events
write $tr/kprobe_events
echo RESULT-END
write /proc/sysrq-trigger l
sleep 1
write /proc/sysrq-trigger 0
echo KALLSYMS-BEGIN
cat /proc/kallsyms
echo KALLSYMS-END
echo KALLSYMS_PATHS-BEGIN
cat /proc/kallsyms_paths
echo KALLSYMS_PATHS-END
write /proc/sysrq-trigger 7
rmmod kotest
echo ARCH-DONE
reboot
EOF
}

# The frames of every stack trace in a console log: after "Call trace:" (arm64) or "Call
# Trace:", the lines that start with a space (arm64, x86) or "[" (the address columns of riscv,
# mips and powerpc), as far as they go; of those, the symbol+off/size of each that has one
# (an i386 "? 0xe07f9000" has none), with its [module].
frames() {
	sed -e 's/^\[ *[0-9.]*\] //' "$1" | awk '
		/Call [Tt]race:/ { on = 1; next }
		on && /^[ []/ {
			for (i = 1; i <= NF; i++) if ($i ~ /\+0x[0-9a-f]+\/0x[0-9a-f]+$/) {
				m = ($(i + 1) ~ /^\[.*\]$/) ? " " $(i + 1) : ""
				print $i m
				break
			}
			next
		}
		{ on = 0 }'
}
has_path() { grep -E '^[A-Za-z0-9_.+/-]+\.[A-Za-z]+:[^ ]+\+0x' "$@"; }

# The functions of a module's .init.text (by name).
init_functions() {
	local idx
	idx=$(readelf -SW "$1" | sed -n 's/^ *\[ *\([0-9]*\)\] \.init\.text .*/\1/p')
	[ -n "$idx" ] || return 0
	readelf -sW "$1" | awk -v s="$idx" '$4 == "FUNC" && $7 == s { print $8 }'
}

one_arch() {
	local A=$1 T fail=0 v m mods=() nmod=0 nline=0 nftrace=0 kprobe_sample
	problem() { echo "arch $A: FAIL: $*"; fail=1; }
	arch_env "$A"
	export ARCH=$KARCH CROSS_COMPILE
	T=$(mktemp -d "${TMPDIR:-/tmp}/arch-$A.XXXXXX")
	# riscv has no KPROBES_ON_FTRACE in 6.12: a kprobe on a function's ftrace site (its
	# entry) is refused with EINVAL, so the probes go to the first instruction after it (the
	# 8 bytes of -fpatchable-function-entry), and kprobe_example (entry of kernel_clone) is
	# not loaded, and there is no kretprobe (it needs the entry). mips has none either, and
	# in modules (-mlong-calls) the ftrace site is the function's entry, a five-instruction
	# sequence (lui, addiu, move, jalr, delay slot) that ftrace turns into "b 1f": the module
	# probe goes to the instruction after it (+20); in vmlinux the site is the jal after the
	# entry, so the vmlinux probes stay at the entry.
	KPROBE_OFFSET= KPROBE_MOD_OFFSET= kprobe_sample=samples/kprobes/kprobe_example.ko
	[ "$A" = riscv64 ] && KPROBE_OFFSET=+8 KPROBE_MOD_OFFSET=+8 kprobe_sample=
	[ "$A" = mips ] && KPROBE_MOD_OFFSET=+20
	# ppc64 big-endian is ELFv1: a function's code is the dot symbol (".vfs_read", type T),
	# its plain name the function descriptor in .opd (type D). set_ftrace_filter matches
	# plain names (arch_ftrace_match_adjust()) but lists dot names, and so do stack traces
	# and %pS; a kprobe on "vfs_read" would be on the descriptor, which has no ftrace site
	# ("Could not probe notrace function"), so the probes name the code: ".vfs_read".
	FN_DOT=
	[ "$A" = ppc64 ] && FN_DOT=.
	local dot_re=${FN_DOT:+\\.}
	export KPROBE_OFFSET KPROBE_MOD_OFFSET FN_DOT

	# 1. the drop-ins on this architecture
	bash "$KB/tests/swap-build.sh" "$A" || problem "swap-build.sh $A"

	# 2. the paths kernel; its sections as Kbuild and modules_install wrote them
	bash "$KB/kernel.sh" build "$A-paths" || { problem "kernel.sh build $A-paths"; return 1; }
	eval "$(bash "$KB/kernel.sh" env "$A-paths")"
	local PBUILD=$BUILD PWORK=$WORK PSRC=$SRC PLOGS=$LOGS/arch
	rm -rf "$PLOGS"
	mkdir -p "$PLOGS"
	"$MODPOST_RS" verify --paths "$PBUILD" "$PWORK/kotest" > "$PLOGS/verify.txt" 2>&1 ||
		{ cat "$PLOGS/verify.txt"; problem "verify on the $A-paths tree"; }
	(cd "$PSRC" && make O="$PBUILD" INSTALL_MOD_PATH="$T/install" INSTALL_MOD_STRIP=1 \
		MODPOST="$PWORK/bin/modpost-rs" modules_install) > "$T/install.log" 2>&1 ||
		{ tail -20 "$T/install.log"; problem "modules_install failed"; }
	local kdir refreshed
	kdir=$(ls -d "$T"/install/lib/modules/*/kernel)
	refreshed=$(grep -c '^  PATHS ' "$T/install.log" || true)
	"$MODPOST_RS" verify "$kdir" > "$PLOGS/verify-install.txt" 2>&1 ||
		{ cat "$PLOGS/verify-install.txt"; problem "verify on the installed (stripped) modules"; }

	# 3. boot both kernels
	for v in oracle paths; do
		eval "$(bash "$KB/kernel.sh" env "$A-$v")"
		mkdir -p "$T/$v"
		# the modules: in-tree ones of this build (stripped and refreshed ones for the paths
		# kernel: fat and nls_base, a multi-object module and its dependency), kotest
		mods=()
		[ -e "$BUILD/lib/crc32.ko" ] && mods+=("$BUILD/lib/crc32.ko")
		mods+=("$WORK/kotest/kotest.ko" "$BUILD/samples/kobject/kobject-example.ko")
		[ -z "$kprobe_sample" ] || mods+=("$BUILD/$kprobe_sample")
		if [ "$v" = paths ]; then
			mods+=("$kdir/fs/nls/nls_base.ko" "$kdir/fs/fat/fat.ko")
		else
			mods+=("$BUILD/fs/nls/nls_base.ko" "$BUILD/fs/fat/fat.ko")
		fi
		for m in "${mods[@]}"; do [ -e "$m" ] || problem "$v: no $m"; done
		guest_script "${mods[@]}" > "$T/$v/init.script"
		nolibc_init "$SRC" "$T/$v/init"
		make_script_initramfs "$BUILD" "$T/$v/initramfs.cpio" "$T/$v/init" "$T/$v/init.script" "${mods[@]}"
		printf '%s\n' "${mods[@]}" > "$T/$v/modules"
		say QEMU "$A-$v: boot (log: $PLOGS/$v/console.log)"
		boot_arch "$BUILD" "$T/$v/initramfs.cpio" "$PLOGS/$v" 1200 || problem "$v: QEMU failed or timed out"
		grep -q '^ARCH-DONE' "$PLOGS/$v/console.log" ||
			problem "$v: /init did not finish (see $PLOGS/$v/console.log)"
		grep '^INIT: .* FAILED' "$PLOGS/$v/console.log" | grep -v 'cat /proc/kallsyms_paths' |
			sed 's/^/  /' | grep . && problem "$v: /init commands failed"
		printf '%s\n' "$BUILD" > "$T/$v/build"
	done
	local OFF=$PLOGS/oracle/console.log ON=$PLOGS/paths/console.log

	# the name consumers
	# (sorted: set_ftrace_filter lists by hash bucket, and the addresses differ)
	if ! diff <(section "$OFF" RESULT | sort) <(section "$ON" RESULT | sort) > "$T/results.diff"; then
		problem "the name consumers differ (< without the option, > with it):"
		head -20 "$T/results.diff"
	fi
	for want in "^${dot_re}vfs_read\$" "^${dot_re}foo_show \\[kobject_example\\]\$" \
		"^${dot_re}fat_get_cluster \\[fat\\]\$" \
		"^p:kprobes/kp_vfs ${dot_re}vfs_read${KPROBE_OFFSET/+/\\+}\$" \
		"^p:kprobes/kp_mod kobject_example:${dot_re}foo_show${KPROBE_MOD_OFFSET/+/\\+}\$" \
		"^r[0-9]*:kprobes/kr_vfs ${dot_re}vfs_read\$"; do
		[ -n "$KPROBE_OFFSET" ] && [ "${want#^r}" != "$want" ] && continue
		section "$ON" RESULT | grep -qE "$want" || problem "no consumer answer /$want/"
	done

	# /proc/kallsyms: names unchanged; decode of both images; /proc/kallsyms_paths
	section "$OFF" KALLSYMS | cut -d' ' -f2- | sort > "$T/off.names"
	section "$ON" KALLSYMS | cut -d' ' -f2- | sort > "$T/on.names"
	[ "$(wc -l < "$T/off.names")" -gt 1000 ] || problem "no /proc/kallsyms dump without the option"
	comm -23 "$T/off.names" "$T/on.names" > "$T/lost"
	[ -s "$T/lost" ] && { problem "names the option loses:"; head "$T/lost"; }
	comm -13 "$T/off.names" "$T/on.names" | grep -v path > "$T/extra"
	[ -s "$T/extra" ] && { problem "names the option adds that are not its own:"; head "$T/extra"; }
	for v in oracle paths; do
		section "$PLOGS/$v/console.log" KALLSYMS | grep -v "$(printf '\t')" > "$T/$v/proc.txt"
		"$KALLSYMS_RS" decode "$(cat "$T/$v/build")/vmlinux" > "$T/$v/decode.txt" ||
			problem "$v: decode failed"
		cmp -s "$T/$v/proc.txt" "$T/$v/decode.txt" ||
			{ problem "$v: kallsyms-rs decode != /proc/kallsyms"; diff "$T/$v/proc.txt" "$T/$v/decode.txt" | head -5; }
	done
	section "$ON" KALLSYMS_PATHS | grep -v "$(printf '\t')" > "$T/proc-paths.txt"
	"$KALLSYMS_RS" decode --paths "$PBUILD/vmlinux" > "$T/decode-paths.txt"
	cmp -s "$T/proc-paths.txt" "$T/decode-paths.txt" ||
		{ problem "decode --paths != /proc/kallsyms_paths"; diff "$T/proc-paths.txt" "$T/decode-paths.txt" | head -5; }
	local bare
	bare=$(awk '$3 !~ /:/' "$T/proc-paths.txt" | wc -l)
	[ "$bare" -eq 0 ] || { problem "$bare vmlinux lines of /proc/kallsyms_paths without a path"; awk '$3 !~ /:/' "$T/proc-paths.txt" | head -5; }
	for m in $(cat "$T/paths/modules"); do
		local name
		name=$(modinfo -F name "$m")
		# ftrace keeps the names of the module's init functions that have an ftrace site
		# when their memory is freed (ftrace_free_mem()), and kallsyms lists them after
		# the modules' own symbols, type T, without a path: kallsyms_paths has none for
		# them (docs/limitations.md). Seen on i386; the first one is listed twice (6.12's
		# ftrace_mod_get_kallsym() skips with "symnum > 1").
		init_functions "$m" > "$T/mod-init"
		section "$ON" KALLSYMS_PATHS | grep "$(printf '\t')\[$name\]\$" > "$T/mod-all"
		awk 'FILENAME == ARGV[1] { init[$1] = 1; next } !($2 == "T" && $3 in init)' \
			"$T/mod-init" "$T/mod-all" > "$T/mod-lines"
		nftrace=$((nftrace + $(wc -l < "$T/mod-all") - $(wc -l < "$T/mod-lines")))
		cut -d' ' -f3- "$T/mod-lines" | cut -f1 | sort > "$T/mod-proc"
		[ -s "$T/mod-proc" ] || { problem "$name: not in /proc/kallsyms_paths"; continue; }
		"$KALLSYMS_RS" decode --paths "$m" | cut -d' ' -f3- | sort > "$T/mod-decode"
		comm -23 "$T/mod-proc" "$T/mod-decode" | grep . > "$T/mod-diff" &&
			{ problem "$name: /proc/kallsyms_paths lines not in decode --paths of its .ko:"; head -5 "$T/mod-diff"; }
		# undefined symbols are defined elsewhere, and mapping symbols ($x, $d, $a of arm64,
		# ARM and RISC-V; the kernel's is_mapping_symbol()) mark code and data, no function
		awk '$2 !~ /^[uU]$/ && $3 !~ /:/ && $3 !~ /^(\$|\.L|L0)/' "$T/mod-lines" > "$T/mod-bare"
		[ -s "$T/mod-bare" ] && { problem "$name: symbols without a path:"; head -5 "$T/mod-bare"; }
		nmod=$((nmod + 1)) nline=$((nline + $(wc -l < "$T/mod-proc")))
	done

	# code locations
	frames "$ON" > "$T/on.frames"
	frames "$OFF" > "$T/off.frames"
	[ "$(wc -l < "$T/on.frames")" -ge 10 ] || problem "only $(wc -l < "$T/on.frames") frames with the option"
	local nopath withpath
	nopath=$(has_path -vc "$T/on.frames")
	[ "$nopath" -eq 0 ] || { problem "$nopath frames without a path:"; has_path -v "$T/on.frames" | head; }
	withpath=$(has_path -c "$T/off.frames")
	[ "$withpath" -eq 0 ] || problem "$withpath frames with a path without the option"
	for want in "lib/dump_stack\\.c:${dot_re}dump_stack_lvl\\+0x" \
		"kotest\\.c:${dot_re}kotest_leaf\\+0x[0-9a-f]+/0x[0-9a-f]+ \\[kotest\\]" \
		"kotest\\.c:${dot_re}kotest_init\\+0x" "init/main\\.c:${dot_re}do_one_initcall\\+0x"; do
		grep -qE "$want" "$T/on.frames" || problem "no frame /$want/"
	done
	grep -qF "kotest: leaf=kotest.c:${FN_DOT}kotest_leaf+0x0/" "$ON" || problem "kotest's %pS has no path"
	grep -q 'kallsyms_paths_selftest: all checks passed' "$ON" || problem "the path selftest did not pass"
	for v in "$OFF" "$ON"; do
		grep -q 'kallsyms_selftest: finish' "$v" || problem "the kallsyms selftest did not finish ($v)"
		grep -qE 'kallsyms_selftest: .*(fail|FAIL)' "$v" && problem "the kallsyms selftest failed ($v)"
	done

	echo "arch $A: $(section "$ON" RESULT | wc -l) consumer answers identical with and without the option;" \
		"/proc/kallsyms $(wc -l < "$T/off.names") lines, decode equal on both kernels;" \
		"/proc/kallsyms_paths $(wc -l < "$T/proc-paths.txt") vmlinux lines with a path and $nline" \
		"lines of $nmod modules (and $nftrace of ftrace's saved init functions, bare);" \
		"$(wc -l < "$T/on.frames") frames, $nopath without a path;" \
		"$refreshed modules stripped and refreshed by modules_install"
	echo "arch $A: kotest's trace:"
	sed -n '/kotest: leaf=/,$p' "$ON" | awk '/Call [Tt]race:/ { on = 1 } on { print; if (++n > 14) exit }' |
		sed 's/^/    /'
	rm -rf "$T"
	[ "$fail" -eq 0 ] && echo "arch $A: PASSED"
	return $fail
}

archs=("$@")
[ ${#archs[@]} -gt 0 ] || read -ra archs <<< "$CROSS_ARCHS"
failed=()
for a in "${archs[@]}"; do
	say ARCH "$a"
	one_arch "$a" || failed+=("$a")
done
[ ${#failed[@]} -eq 0 ] || { echo "arch.sh: FAILED: ${failed[*]}"; exit 1; }
echo "arch.sh: PASSED: ${archs[*]}"
