#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""DWARF ground truth for CONFIG_KALLSYMS_PATHS (docs/vmlinux-paths.md, acceptance item 2).

    dwarf_check.py VMLINUX DUMP SRCTREE OBJTREE

VMLINUX: an image with DWARF (the final vmlinux of a CONFIG_DEBUG_INFO_DWARF5=y build).
DUMP: `kallsyms-rs --paths-dump=DUMP` output for a map of the same symbols and addresses
(`.tmp_vmlinux2.syms`; link-vmlinux.sh checks that it equals System.map): lines
`<address> <type> <path:name or bare name>`.

For every text symbol (t/T/w/W) whose address lies in a compile unit's ranges (from
`.debug_aranges`), the expected path is the CU's DW_AT_name made srctree-relative (else
objtree-relative, as the manifests do). Prints the coverage, every mismatch and every symbol
without a CU and why; exits 1 on a mismatch.
"""
import bisect
import os
import re
import subprocess
import sys


def rel(path, comp_dir, srctree, objtree):
    if not os.path.isabs(path):
        path = os.path.join(comp_dir or objtree, path)
    path = os.path.normpath(path)
    for base in (srctree, objtree):
        base = os.path.normpath(base)
        if path.startswith(base + "/"):
            return path[len(base) + 1:]
    return path


def cu_names(vmlinux):
    """CU offset -> [name, comp_dir, producer] from the depth-1 .debug_info dump."""
    out = subprocess.run(
        ["readelf", "--debug-dump=info", "--dwarf-depth=1", vmlinux],
        check=True, capture_output=True, text=True, errors="replace").stdout
    cus, cur = {}, None
    for line in out.splitlines():
        m = re.match(r"\s*Compilation Unit @ offset (0x[0-9a-f]+|0):", line)
        if m:
            cur = int(m.group(1), 0)
            cus[cur] = [None, None, None]
            continue
        if cur is None:
            continue
        m = re.search(r"DW_AT_(name|comp_dir|producer)\s*:\s*(?:\(indirect[^)]*\):\s*)?(.*)$", line)
        if m:
            k = ("name", "comp_dir", "producer").index(m.group(1))
            if cus[cur][k] is None:
                cus[cur][k] = m.group(2).strip()
    return cus


def aranges(vmlinux):
    """Sorted list of (start, end, cu_offset)."""
    out = subprocess.run(["readelf", "--debug-dump=aranges", vmlinux],
                         check=True, capture_output=True, text=True).stdout
    ranges, cu = [], None
    for line in out.splitlines():
        m = re.match(r"\s*Offset into \.debug_info:\s*(0x[0-9a-f]+|0)\s*$", line)
        if m:
            cu = int(m.group(1), 0)
            continue
        m = re.match(r"\s*([0-9a-f]{8,16})\s+([0-9a-f]+)\s*$", line)
        if m and cu is not None:
            start, length = int(m.group(1), 16), int(m.group(2), 16)
            if length:
                ranges.append((start, start + length, cu))
    ranges.sort()
    return ranges


def main():
    vmlinux, dump, srctree, objtree = sys.argv[1:5]
    cus = cu_names(vmlinux)
    ranges = aranges(vmlinux)
    starts = [r[0] for r in ranges]
    total = in_cu = agree = 0
    mismatches, no_cu, no_path, markers, as_units = [], [], [], [], []
    for line in open(dump, encoding="utf-8", errors="replace"):
        addr_s, typ, name = line.rstrip("\n").split(" ", 2)
        if typ not in "tTwW":
            continue
        total += 1
        addr = int(addr_s, 16)
        path = name.split(":", 1)[0] if ":" in name else ""
        i = bisect.bisect_right(starts, addr) - 1
        if i < 0 or not (ranges[i][0] <= addr < ranges[i][1]):
            no_cu.append((addr_s, typ, name))
            continue
        in_cu += 1
        cname, cdir, producer = cus.get(ranges[i][2], (None, None, None))
        want = rel(cname or "?", cdir, srctree, objtree)
        if not path:
            no_path.append((addr_s, typ, name, want))
        elif path == want:
            agree += 1
        elif (producer or "").startswith("GNU AS") and want.endswith(".h") and path.endswith(".S"):
            # gas names a unit after the file its first line entry is in: code that an
            # assembly file generates with macros of an included header (retpoline.S's
            # thunks, GEN-for-each-reg.h) gets the header's name; the object is the .S file.
            as_units.append((addr_s, typ, name, want))
        elif path.endswith(".lds.S"):
            # Linker-script markers (_stext, __sched_text_start, ...) sit on the first byte
            # of some CU's code; the rule gives them the linker script's path on purpose.
            markers.append((addr_s, typ, name, want))
        else:
            mismatches.append((addr_s, typ, name, want))
    print(f"text symbols: {total}")
    print(f"inside a CU range: {in_cu}; path == CU name: {agree}; "
          f"linker-script markers: {len(markers)}; in assembler units named after an "
          f"included header: {len(as_units)}; mismatches: {len(mismatches)}; "
          f"without a path: {len(no_path)}")
    print(f"outside every CU range (no DWARF for them): {len(no_cu)}")
    for m in mismatches:
        print("MISMATCH %s %s %s (CU: %s)" % m)
    for m in no_path:
        print("NO PATH %s %s %s (CU: %s)" % m)
    for m in markers:
        print("linker-script marker %s %s %s (inside CU: %s)" % m)
    for m in as_units:
        print("assembler unit named after a header %s %s %s (CU: %s)" % m)
    print("outside CU ranges, by path:")
    by = {}
    for a, t, n in no_cu:
        p = n.split(":", 1)[0] if ":" in n else "<none>"
        by.setdefault(p, []).append(n)
    for p, ns in sorted(by.items(), key=lambda kv: -len(kv[1])):
        print(f"  {len(ns):6d} {p}  e.g. {ns[0]}")
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
