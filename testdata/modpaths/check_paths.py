#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Independent checker for .kallsyms_paths (kbuild/tests/modules.sh runs `members` and
`carried`; testdata/modpaths/dwarf_check_modules.py imports its reader).

It decodes the section with its own reader (docs/kallsyms-paths-format.md), takes symbols
from `readelf -sW` and member-object symbols from `nm -a`, so it shares no code with the Rust
tools (kpaths, modpost-rs).

  check_paths.py members OBJTREE SRCTREE KO...
      every symbol with a path is defined by a member object compiled from that path
      (locals: the object has a local of that name; globals: the object defines it, and it is
      the strong definition if there is one; a prefix symbol __pfx_X that no member defines:
      the path of the X it precedes); every defined named symbol has a path.
  check_paths.py carried BUILT_DIR INSTALLED_DIR
      every installed (stripped) .ko has the same path as the build-tree .ko for each
      symbol that (name, type, value) identifies uniquely.
  check_paths.py dump KO
      print "index type bind name path" per symbol.
"""
import os
import re
import struct
import subprocess
import sys

MAGIC = 0x4B505448


def sections(ko):
    out = subprocess.run(["readelf", "-SW", ko], capture_output=True, text=True, check=True).stdout
    res = {}
    for line in out.splitlines():
        m = re.match(r"\s*\[\s*(\d+)\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)", line)
        if m:
            res[m.group(2)] = (int(m.group(5), 16), int(m.group(6), 16), m.group(3))
    return res


def decode(ko):
    """Per-symbol path list (None = no path), or raise ValueError."""
    secs = sections(ko)
    if ".kallsyms_paths" not in secs:
        raise ValueError("no .kallsyms_paths")
    off, size, _ = secs[".kallsyms_paths"]
    with open(ko, "rb") as f:
        data = f.read()
    d = data[off:off + size]
    big = data[5] == 2
    e = ">" if big else "<"
    magic, ver, hsize, nsyms, crc, pto, pts = struct.unpack_from(e + "IHHIIII", d, 0)
    if magic != MAGIC or ver != 1:
        raise ValueError("bad magic/version")
    idx = struct.unpack_from(e + "%dH" % nsyms, d, hsize)
    table = d[pto:pto + pts]
    npaths = struct.unpack_from(e + "I", table, 0)[0]
    offs = struct.unpack_from(e + "%dI" % npaths, table, 4)
    paths = [table[o:table.index(b"\0", o)].decode() for o in offs]
    # freshness: crc32 of .symtab + .strtab bytes
    import zlib
    so, ss, _ = secs[".symtab"]
    to, ts, _ = secs[".strtab"]
    want = zlib.crc32(data[to:to + ts], zlib.crc32(data[so:so + ss]))
    if want != crc:
        raise ValueError("stale (crc)")
    res = [paths[i] or None for i in idx]
    return res


def symbols(ko):
    """[(index, type, bind, ndx, value, name)] from readelf -sW (.symtab only)."""
    out = subprocess.run(["readelf", "-sW", ko], capture_output=True, text=True, check=True).stdout
    res = []
    in_symtab = False
    for line in out.splitlines():
        if line.startswith("Symbol table"):
            in_symtab = "'.symtab'" in line
            continue
        m = re.match(r"\s*(\d+):\s+([0-9a-f]+)\s+\S+\s+(\S+)\s+(\S+)\s+\S+\s+(\S+)\s*(.*)$", line)
        if in_symtab and m:
            res.append((int(m.group(1)), m.group(3), m.group(4), m.group(5), int(m.group(2), 16), m.group(6)))
    return res


def nm(obj):
    out = subprocess.run(["nm", "-a", obj], capture_output=True, text=True, check=True).stdout
    local, strong, weak = set(), set(), set()
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3:
            t, n = f[1], f[2]
        elif len(f) == 2:
            t, n = f[0], f[1]
        else:
            continue
        if t in "Uwv":
            continue
        if t in "WV":
            weak.add(n)
        elif t.isupper():
            strong.add(n)
        else:
            local.add(n)
    return local, strong, weak


def source_of(objtree, srctree, obj):
    d, b = os.path.split(obj)
    with open(os.path.join(objtree, d, "." + b + ".cmd")) as f:
        for line in f:
            if line.startswith("source_"):
                src = line.split(" := ", 1)[1].strip()
                break
        else:
            return None
    src = os.path.normpath(os.path.join(objtree, src))
    best = None
    for root in (os.path.abspath(srctree), os.path.abspath(objtree)):
        if src.startswith(root + "/") and (best is None or len(root) > len(best)):
            best = root
    return os.path.relpath(src, best) if best else src


def check_members(objtree, srctree, kos):
    problems = checked = 0
    for ko in kos:
        stem = ko[:-3]
        try:
            with open(os.path.join(objtree, stem + ".mod")) as f:
                members = f.read().split()
        except FileNotFoundError:
            members = [stem + ".o"]
        members += [stem + ".mod.o", ".module-common.o"]
        info = [(source_of(objtree, srctree, m), nm(os.path.join(objtree, m))) for m in members]
        paths = decode(os.path.join(objtree, ko))
        syms = symbols(os.path.join(objtree, ko))
        # objtool adds prefix symbols (__pfx_X, __cfi_X) when it links a multi-object module:
        # no member defines them; they belong to the function they precede, the next X in
        # the same section
        by_place = {}
        for i, _t, _b, ndx, value, name in syms:
            by_place.setdefault((ndx, name), []).append((value, i))
        for i, typ, bind, ndx, value, name in syms:
            path = paths[i]
            if path is None:
                if name and ndx != "UND" and typ not in ("SECTION", "FILE"):
                    print(f"{ko}: {name}: no path")
                    problems += 1
                continue
            checked += 1
            if path.startswith("/") or ".." in path.split("/"):
                print(f"{ko}: {name}: path {path} is not tree-relative")
                problems += 1
            if path == "scripts/module.lds.S":
                if not re.match(r"__(start|stop)_", name):
                    print(f"{ko}: {name}: linker-script path on a non-linker symbol")
                    problems += 1
                continue
            prefix = re.match(r"__(pfx|cfi)_(.+)", name)
            if prefix and not any(name in l | s | w for _p, (l, s, w) in info):
                after = [(v, j) for v, j in by_place.get((ndx, prefix.group(2)), [])
                         if v > value]
                owners = [paths[min(after)[1]]] if after else []
            elif bind == "LOCAL":
                owners = [p for p, (l, s, w) in info if name in l]
            else:
                # the strong definition, else the first weak one in link order (as ld)
                owners = [p for p, (l, s, w) in info if name in s] or \
                         [p for p, (l, s, w) in info if name in w][:1]
            if path not in owners:
                print(f"{ko}: {name}: path {path}, defined by {owners}")
                problems += 1
    print(f"check_paths members: {len(kos)} modules, {checked} symbols with a path checked, {problems} problems")
    return problems


def check_carried(built_dir, installed_dir):
    problems = compared = modules = 0
    for root, _, files in os.walk(installed_dir):
        for fn in sorted(files):
            if not fn.endswith(".ko"):
                continue
            inst = os.path.join(root, fn)
            rel = os.path.relpath(inst, installed_dir)
            built = os.path.join(built_dir, rel)
            if not os.path.exists(built):
                continue
            modules += 1
            bp, ip = decode(built), decode(inst)
            keys = {}
            for i, typ, bind, ndx, value, name in symbols(built):
                keys.setdefault((name, typ, bind, value), set()).add(bp[i])
            for i, typ, bind, ndx, value, name in symbols(inst):
                want = keys.get((name, typ, bind, value))
                if want is not None and len(want) == 1:
                    compared += 1
                    if ip[i] not in want:
                        print(f"{rel}: {name}: installed path {ip[i]}, built {want}")
                        problems += 1
    print(f"check_paths carried: {modules} modules, {compared} symbols compared, {problems} problems")
    return problems if modules else 1


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "members":
        return 1 if check_members(sys.argv[2], sys.argv[3], sys.argv[4:]) else 0
    if cmd == "carried":
        return 1 if check_carried(sys.argv[2], sys.argv[3]) else 0
    if cmd == "dump":
        paths = decode(sys.argv[2])
        for i, typ, bind, ndx, value, name in symbols(sys.argv[2]):
            print(i, typ, bind, name, paths[i] or "")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
