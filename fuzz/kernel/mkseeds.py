#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""mkseeds.py OUTDIR {64|32} - small handcrafted modules for the .kallsyms_paths harness.

Each is a little-endian ET_REL file (x86_64 or i386) with .text, .symtab, .strtab, a
.kallsyms_paths section as docs/kallsyms-paths-format.md section 1 lays it out and .shstrtab:
good ones (which the loader's check accepts) and a few that one check refuses, so that the
fuzzer starts on both sides of each check. Written as OUTDIR/hand-<bits>-<case>.ko.
"""
import os
import struct
import sys
import zlib

MAGIC = 0x4B505448


def payload(symtab, strtab, nsyms, paths, idx, header_size=24, **bad):
    """The section: header, indices, padding, path table (path 0 is "")."""
    strings = b""
    offs = []
    table_head = 4 + 4 * len(paths)
    for p in paths:
        offs.append(table_head + len(strings))
        strings += p.encode() + b"\0"
    table = struct.pack("<I", bad.get("npaths", len(paths)))
    table += struct.pack("<%dI" % len(offs), *offs) + strings
    if bad.get("no_nul"):
        table = table[:-1] + b"x"
    pathtab_off = header_size + 2 * nsyms
    pathtab_off = (pathtab_off + 3) & ~3
    crc = zlib.crc32(symtab + strtab) & 0xFFFFFFFF
    hdr = struct.pack(
        "<IHHIIII",
        bad.get("magic", MAGIC),
        1,
        header_size,
        bad.get("num_syms", nsyms),
        crc ^ bad.get("crc_xor", 0),
        pathtab_off,
        len(table),
    )
    body = hdr.ljust(header_size, b"\0")
    body += struct.pack("<%dH" % nsyms, *idx)
    body = body.ljust(pathtab_off, b"\0")
    return body + table


def module(bits, names, paths, idx, sections_extra=(), **kw):
    is64 = bits == 64
    sym_fmt = "<IBBHQQ" if is64 else "<IIIBBH"
    shdr_fmt = "<IIQQQQIIQQ" if is64 else "<IIIIIIIIII"
    ehdr_size = 64 if is64 else 52

    strtab = b"\0"
    syms = [b"\0" * struct.calcsize(sym_fmt)]
    for i, name in enumerate(names):
        off = len(strtab)
        strtab += name.encode() + b"\0"
        info = (1 << 4) | 2 if i == len(names) - 1 else (0 << 4) | 2  # last global, FUNC
        if is64:
            syms.append(struct.pack(sym_fmt, off, info, 0, 1, 4 * i, 4))
        else:
            syms.append(struct.pack(sym_fmt, off, 4 * i, 4, info, 0, 1))
    symtab = b"".join(syms)
    nsyms = len(syms)
    sec = payload(symtab, strtab, nsyms, paths, idx, **kw)

    # (name, type, flags, data, link, info, align, entsize)
    secs = [
        (".text", 1, 6, b"\xc3" * 16, 0, 0, 16, 0),
        (".symtab", 2, 0, symtab, 3, nsyms - 1, 8 if is64 else 4, len(syms[0])),
        (".strtab", 3, 0, strtab, 0, 0, 1, 0),
        (".kallsyms_paths", kw.get("sh_type", 1), 0, sec, 0, 0, kw.get("align", 4), 0),
    ]
    for extra in sections_extra:
        secs.append(extra)
    shstr = b"\0"
    names_off = []
    for s in secs + [(".shstrtab",)]:
        names_off.append(len(shstr))
        shstr += s[0].encode() + b"\0"
    secs.append((".shstrtab", 3, 0, shstr, 0, 0, 1, 0))

    out = bytearray(ehdr_size)
    hdrs = [b"\0" * struct.calcsize(shdr_fmt)]
    for (name, typ, flags, data, link, info, align, entsize), noff in zip(secs, names_off):
        while len(out) % max(align, 4):
            out.append(0)
        off = len(out)
        out += data
        hdrs.append(struct.pack(shdr_fmt, noff, typ, flags, 0, off, len(data), link, info, align, entsize))
    while len(out) % 8:
        out.append(0)
    shoff = len(out)
    out += b"".join(hdrs)
    ident = b"\x7fELF" + bytes([2 if is64 else 1, 1, 1]) + b"\0" * 9
    machine = 62 if is64 else 3
    if is64:
        ehdr = ident + struct.pack("<HHIQQQIHHHHHH", 1, machine, 1, 0, 0, shoff, 0, 64, 0, 0, 64, len(hdrs), len(hdrs) - 1)
    else:
        ehdr = ident + struct.pack("<HHIIIIIHHHHHH", 1, machine, 1, 0, 0, shoff, 0, 52, 0, 0, 40, len(hdrs), len(hdrs) - 1)
    out[:ehdr_size] = ehdr
    return bytes(out)


def main():
    outdir, bits = sys.argv[1], int(sys.argv[2])
    os.makedirs(outdir, exist_ok=True)
    names = ["kp_init", "kp_helper", "kp_leaf", "kp_exit"]
    paths = ["", "drivers/kp/main.c", "drivers/kp/helper.S"]
    good = [0, 1, 2, 1, 1]
    garbage = (".kallsyms_paths", 1, 0, b"\xff" * 40, 0, 0, 4, 0)
    cases = {
        "good": dict(idx=good),
        "good-no-paths": dict(idx=[0] * 5, paths=[""]),
        "good-header-28": dict(idx=good, header_size=28),
        "good-second-garbage": dict(idx=good, sections_extra=[garbage]),
        "bad-magic": dict(idx=good, magic=0x4854504B),
        "bad-count": dict(idx=good, num_syms=4),
        "bad-crc": dict(idx=good, crc_xor=1),
        "bad-no-nul": dict(idx=good, no_nul=True),
        "bad-index": dict(idx=[0, 1, 2, 3, 1]),
        "bad-npaths": dict(idx=good, npaths=0x40000001),
        "bad-align": dict(idx=good, align=8),
        "bad-null-type": dict(idx=good, sh_type=0),
    }
    for case, kw in cases.items():
        kw = dict(kw)
        p = kw.pop("paths", paths)
        data = module(bits, names, p, kw.pop("idx"), **kw)
        with open(os.path.join(outdir, "hand-%d-%s.ko" % (bits, case)), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
