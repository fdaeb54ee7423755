#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Per-symbol source paths of a vmlinux derived from its DWARF, for kallsyms symbols in table
order: the input of kpaths' path_table_size example in kbuild/bench-path-table.sh, which
sizes the path side table of a kernel whose build tree (and so manifests) we do not have.

    dwarf_paths.py VMLINUX DECODE [SRCTREE] > PATHS

DECODE: `kallsyms-rs decode VMLINUX` (the symbols in table order). A text symbol inside a
compile unit's .debug_aranges range gets the unit's DW_AT_name; any other symbol at an
address that a unit's DWARF names with DW_OP_addr (a variable's location) gets that unit's
name; a symbol with neither continues the path of the one before it (objects are contiguous
in address order). Paths under SRCTREE or a unit's DW_AT_comp_dir (the objtree) are made
relative to it (Debian's unit names are relative already; an O= build's are absolute). Prints one path per DECODE line; how many got each kind goes to stderr.
"""
import bisect
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dwarf_check import aranges, cu_names  # noqa: E402


def relative(path, comp_dirs):
    path = os.path.normpath(path)
    for d in comp_dirs:
        if path.startswith(d + "/"):
            return path[len(d) + 1:]
    return path


def variable_units(vmlinux):
    """address -> CU offset of the first unit whose .debug_info has DW_OP_addr <address>."""
    # the full dump is gigabytes for a distribution kernel: grep keeps what is needed
    dump = subprocess.Popen(
        f"readelf --debug-dump=info '{vmlinux}' 2>/dev/null | "
        "grep -E 'Compilation Unit @|DW_OP_addr: '",
        shell=True, stdout=subprocess.PIPE, text=True)
    units, cu = {}, None
    for line in dump.stdout:
        m = re.match(r"\s*Compilation Unit @ offset (0x[0-9a-f]+|0):", line)
        if m:
            cu = int(m.group(1), 0)
            continue
        for a in re.findall(r"DW_OP_addr: ([0-9a-f]+)", line):
            units.setdefault(int(a, 16), cu)
    dump.wait()
    return units


def main():
    vmlinux, decode = sys.argv[1:3]
    cus = cu_names(vmlinux)
    comp_dirs = {os.path.normpath(c[1]) for c in cus.values() if c[1]}
    comp_dirs |= {os.path.normpath(a) for a in sys.argv[3:4]}
    comp_dirs = sorted(comp_dirs, key=len, reverse=True)
    ranges = aranges(vmlinux)
    starts = [r[0] for r in ranges]
    var_unit = variable_units(vmlinux)
    kinds = {"cu": 0, "var": 0, "previous": 0, "none": 0}
    previous = "-"
    out = []
    for line in open(decode, encoding="utf-8", errors="replace"):
        addr_s, typ, name = line.rstrip("\n").split(" ", 2)
        addr = int(addr_s, 16)
        path = None
        if typ in "tTwW":
            i = bisect.bisect_right(starts, addr) - 1
            if i >= 0 and ranges[i][0] <= addr < ranges[i][1]:
                cu_name = cus.get(ranges[i][2], (None,))[0]
                if cu_name:
                    path, kind = relative(cu_name, comp_dirs), "cu"
        if path is None and addr in var_unit:
            cu_name = cus.get(var_unit[addr], (None,))[0]
            if cu_name:
                path, kind = relative(cu_name, comp_dirs), "var"
        if path is None:
            path, kind = previous, "previous" if previous != "-" else "none"
        kinds[kind] += 1
        previous = path
        out.append(path)
    sys.stdout.write("".join(p + "\n" for p in out))
    print(" ".join(f"{k}={v}" for k, v in kinds.items()), file=sys.stderr)


if __name__ == "__main__":
    main()
