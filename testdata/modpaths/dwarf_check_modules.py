#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""DWARF ground truth for module .kallsyms_paths (docs/kallsyms-paths-format.md, section 7.2;
run by kbuild/accept.sh dwarf).

    dwarf_check_modules.py SRCTREE OBJTREE EXTMOD KO...

Each KO: a final module of a CONFIG_DEBUG_INFO_DWARF5=y build that `modpost-rs ko-paths` gave
a section. EXTMOD is "" for in-tree modules (else the external module directory; paths are
then made relative to it first, as ko-paths does).

A .ko is ET_REL, so its .debug_aranges addresses are relocations against the module's
sections (every .text* section starts at 0). `readelf --debug-dump=aranges` applies them but
drops the section, which makes .text and .init.text ranges ambiguous; this script therefore
reads .debug_aranges and .rela.debug_aranges itself and keeps (section, start, end) per
range. CU names come from `readelf --debug-dump=info --dwarf-depth=1`, which applies the
.debug_info/.debug_line_str relocations.

For every defined symbol whose (section, value) lies in a CU's range, the section's path must
equal the CU's DW_AT_name made relative (deepest of EXTMOD, OBJTREE, SRCTREE that contains
it). Prints the coverage per module and in total, the symbols outside every CU range by
section (data, and code without DWARF such as .mod.c tables), every mismatch and every in-CU
symbol without a path; exits 1 on any mismatch or missing path, or if nothing was checked.
"""
import bisect
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "vmpaths"))
from check_paths import decode, symbols  # noqa: E402
from dwarf_check import cu_names  # noqa: E402


class Elf:
    """Just enough of an ELF64 little-endian relocatable file: section headers and symtab."""

    def __init__(self, path):
        self.path = path
        with open(path, "rb") as f:
            self.data = f.read()
        d = self.data
        if d[:4] != b"\x7fELF" or d[4] != 2 or d[5] != 1:
            raise ValueError(f"{path}: not an ELF64 little-endian file")
        shoff, = struct.unpack_from("<Q", d, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", d, 0x3A)
        if shnum == 0:
            shnum = struct.unpack_from("<Q", d, shoff + 32)[0]
        self.secs = []
        for i in range(shnum):
            (name, typ, flags, addr, off, size, link, info, align,
             entsize) = struct.unpack_from("<IIQQQQIIQQ", d, shoff + i * shentsize)
            self.secs.append(dict(name=name, type=typ, off=off, size=size, link=link, info=info))
        if shstrndx == 0xFFFF:
            shstrndx = self.secs[0]["link"]
        strtab = self.secs[shstrndx]
        for s in self.secs:
            s["name"] = self.cstr(strtab["off"] + s["name"])

    def cstr(self, off):
        return self.data[off:self.data.index(b"\0", off)].decode("utf-8", "replace")

    def section(self, name):
        for i, s in enumerate(self.secs):
            if s["name"] == name:
                return i, s
        return None, None

    def symtab(self):
        """[(shndx, value)] per .symtab entry."""
        _, s = self.section(".symtab")
        res = []
        for off in range(s["off"], s["off"] + s["size"], 24):
            _, _, _, shndx, value, _ = struct.unpack_from("<IBBHQQ", self.data, off)
            res.append((shndx, value))
        return res

    def relas(self, target):
        """{offset in target section: (symbol index, addend)} from the SHT_RELA for it."""
        ti, _ = self.section(target)
        res = {}
        for s in self.secs:
            if s["type"] == 4 and s["info"] == ti:
                for off in range(s["off"], s["off"] + s["size"], 24):
                    r_off, r_info, addend = struct.unpack_from("<QQq", self.data, off)
                    res[r_off] = (r_info >> 32, addend)
        return res


def aranges(elf):
    """Sorted [(shndx, start, end, cu_offset)] from .debug_aranges with its relocations."""
    _, s = elf.section(".debug_aranges")
    if s is None:
        return []
    syms = elf.symtab()
    relas = elf.relas(".debug_aranges")
    d, base, end = elf.data, s["off"], s["off"] + s["size"]

    def reloc(pos, raw):
        """(shndx, value) of the field at section offset pos; shndx None = unrelocated."""
        r = relas.get(pos)
        if r is None:
            return None, raw
        shndx, value = syms[r[0]]
        return shndx, value + r[1]

    res, p = [], base
    while p < end:
        unit_len, = struct.unpack_from("<I", d, p)
        if unit_len == 0xFFFFFFFF:
            raise ValueError(f"{elf.path}: 64-bit DWARF aranges not handled")
        unit_end = p + 4 + unit_len
        _version, info_raw, asize, _seg = struct.unpack_from("<HIBB", d, p + 4)
        if asize != 8:
            raise ValueError(f"{elf.path}: aranges address size {asize} at {p - base:#x}")
        _, cu = reloc(p + 6 - base, info_raw)
        q = p + 12
        q += (-(q - p)) % 16  # tuples start at a multiple of 2 * address size
        while q + 16 <= unit_end:
            addr, length = struct.unpack_from("<QQ", d, q)
            shndx, start = reloc(q - base, addr)
            q += 16
            if shndx is None and addr == 0 and length == 0:
                break
            if shndx is None or shndx == 0 or length == 0:
                continue  # unrelocated or against a discarded section: no place in the .ko
            res.append((shndx, start, start + length, cu))
        p = unit_end
    res.sort()
    return res


def rel(path, comp_dir, trees):
    if not os.path.isabs(path):
        path = os.path.join(comp_dir or trees[-1], path)
    path = os.path.normpath(path)
    best = None
    for base in trees:
        base = os.path.normpath(os.path.abspath(base))
        if path.startswith(base + "/") and (best is None or len(base) > len(best)):
            best = base
    return path[len(best) + 1:] if best else path


def check(ko, trees):
    elf = Elf(ko)
    ranges = aranges(elf)
    keys = [(r[0], r[1]) for r in ranges]
    cus = cu_names(ko)
    paths = decode(ko)
    raw = elf.symtab()
    stats = dict(defined=0, in_cu=0, agree=0)
    bad, outside = [], {}
    for idx, typ, bind, ndx, value, name in symbols(ko):
        if not name or typ in ("SECTION", "FILE") or not ndx.isdigit() or int(ndx) == 0:
            continue
        stats["defined"] += 1
        shndx = raw[idx][0]
        i = bisect.bisect_right(keys, (shndx, value)) - 1
        if i < 0 or ranges[i][0] != shndx or not (ranges[i][1] <= value < ranges[i][2]):
            sec = elf.secs[shndx]["name"] if shndx < len(elf.secs) else f"#{shndx}"
            outside[sec] = outside.get(sec, 0) + 1
            continue
        stats["in_cu"] += 1
        cname, cdir, _producer = cus.get(ranges[i][3], (None, None, None))
        want = rel(cname or "?", cdir, trees)
        got = paths[idx] if idx < len(paths) else None
        if got == want:
            stats["agree"] += 1
        else:
            bad.append(f"{'MISMATCH' if got else 'NO PATH'} {ko}: symbol {idx} {typ} {bind} "
                       f"{elf.secs[shndx]['name']}+{value:#x} {name}: path {got} (CU: {want})")
    return stats, len(ranges), bad, outside


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    srctree, objtree, extmod = sys.argv[1:4]
    trees = [t for t in (srctree, objtree, extmod) if t]
    total = dict(defined=0, in_cu=0, agree=0)
    bad, nranges, outside = [], 0, {}
    for ko in sys.argv[4:]:
        try:
            stats, n, b, out = check(ko, trees)
        except (ValueError, OSError, struct.error, IndexError) as e:
            bad.append(f"ERROR {ko}: {e}")
            continue
        nranges += n
        for sec, k in out.items():
            outside[sec] = outside.get(sec, 0) + k
        bad += b
        for k in total:
            total[k] += stats[k]
        print(f"{ko}: defined {stats['defined']}, in a CU {stats['in_cu']}, "
              f"path == CU {stats['agree']}")
    print(f"modules: {len(sys.argv) - 4}; aranges: {nranges}; defined named symbols: "
          f"{total['defined']}; inside a CU range: {total['in_cu']}; path == CU name: "
          f"{total['agree']}; mismatches or missing: {len(bad)}")
    print("outside every CU range (no DWARF ranges there), by section:")
    for sec, k in sorted(outside.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {k:6d} {sec}")
    for b in bad:
        print(b)
    sys.exit(1 if bad or total["in_cu"] == 0 else 0)


if __name__ == "__main__":
    main()
