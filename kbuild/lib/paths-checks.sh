# SPDX-License-Identifier: GPL-2.0-only
# Checks on the console log of a CONFIG_KALLSYMS_PATHS=y kernel booted in QEMU; sourced by
# kbuild/test-vmpaths.sh and kbuild/tests/paths.sh.

# Every vmlinux frame of every Call Trace carries a source path, and the kallsyms selftest
# (with the path-qualified lookups of patch 0004) passed.
check_boot_log() { # $1 = console log
	local log=$1 ok=1 frames bad
	# Frames: "  [? ]name+0x../0x.. [mod]"; vmlinux frames have no [mod]. Raw "? 0x..." are
	# addresses outside any symbol.
	frames=$(sed -e 's/^\[ *[0-9.]*\] //' "$log" | sed -n '/Call Trace:/,/<\/TASK>/p' |
		grep -E '^ +(\? )?[^ ]+\+0x[0-9a-f]+/0x[0-9a-f]+' | grep -v '\]$' || true)
	echo "vmlinux frames: $(printf '%s\n' "$frames" | grep -c .)"
	bad=$(printf '%s\n' "$frames" | grep -vE '^ +(\? )?[A-Za-z0-9_.+/-]+\.[A-Za-z]+:[^ ]+\+0x' || true)
	if [ -n "$bad" ]; then echo "FAIL: vmlinux frames without a path:"; echo "$bad"; ok=0; fi
	grep -q 'lib/dump_stack.c:dump_stack_lvl+0x' "$log" ||
		{ echo "FAIL: no lib/dump_stack.c:dump_stack_lvl frame"; ok=0; }
	grep -q 'kallsyms_selftest: path-qualified lookups passed' "$log" ||
		{ echo "FAIL: no 'path-qualified lookups passed'"; ok=0; }
	grep -q 'kallsyms_selftest: finish' "$log" || { echo "FAIL: selftest did not finish"; ok=0; }
	if grep -E 'kallsyms_selftest:.*(failed|mismatch|Never found|\?!)' "$log"; then
		echo "FAIL: selftest reported failures"; ok=0
	fi
	sed -n '/Call Trace:/,/<\/TASK>/p' "$log" | head -16
	grep -E 'ORACLE: vmlinux kallsyms lines|kallsyms_selftest: (path|finish)' "$log" || true
	[ $ok = 1 ] && echo "PATHS boot test PASSED"
	[ $ok = 1 ]
}
