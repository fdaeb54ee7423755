#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""/proc/kallsyms of loaded in-tree modules against their member objects
(kbuild/test-modpaths.sh intree).

    kallsyms_members.py OBJTREE SRCTREE CONSOLE KO...

CONSOLE: a boot log with lines `INTREE: ADDR <type> <path:name>\\t[<module>]` (the
/proc/kallsyms entries of the loaded modules, testdata/modpaths/init-intree.sh). KO: the
build-tree modules that were loaded (relative to OBJTREE).

Every entry of those modules must carry a path, and that path must be the source (from its
.cmd file) of a link input of the module (the objects its .mod file lists, <mod>.mod.o,
.module-common.o) that defines the name: the strong definition, else the first weak one in
link order, and for a lower-case type (a local, or a global the module does not export: the
loader lowers those) also an object with a local of that name. `__start_`/`__stop_` symbols
may carry the module linker script's path. Prints per module the entries, the distinct paths
and how many entries each has, every problem; exits 1 on a problem, or if a module has no
entry at all.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_paths import nm, source_of  # noqa: E402


def main():
    objtree, srctree, console = sys.argv[1:4]
    kos = sys.argv[4:]
    entries = {}
    line_re = re.compile(r"^INTREE: ADDR (\S) (\S+)\t\[(\S+)\]$")
    with open(console, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = line_re.match(line.rstrip("\r\n"))
            if m:
                entries.setdefault(m.group(3), []).append((m.group(1), m.group(2)))
    problems = total = 0
    for ko in kos:
        stem = ko[:-3]
        mod = os.path.basename(stem).replace("-", "_")
        try:
            with open(os.path.join(objtree, stem + ".mod")) as f:
                members = f.read().split()
        except FileNotFoundError:
            members = [stem + ".o"]
        inputs = members + [stem + ".mod.o", ".module-common.o"]
        info = [(source_of(objtree, srctree, m), nm(os.path.join(objtree, m))) for m in inputs]
        got = entries.get(mod, [])
        if not got:
            print(f"{mod}: no /proc/kallsyms entries (not loaded?)")
            problems += 1
            continue
        by_path = {}
        for typ, shown in got:
            total += 1
            if ":" not in shown:
                print(f"{mod}: {typ} {shown}: no path")
                problems += 1
                continue
            path, name = shown.split(":", 1)
            by_path[path] = by_path.get(path, 0) + 1
            if path == "scripts/module.lds.S" and re.match(r"__(start|stop)_", name):
                continue  # defined by the module linker script, no object defines it
            # the strong definition, else the first weak one in link order (as ld)
            owners = [p for p, (l, s, w) in info if name in s] or \
                     [p for p, (l, s, w) in info if name in w][:1]
            if typ.islower():
                # lower case is a local, or a global the module does not export (the
                # loader shows those in lower case too)
                owners += [p for p, (l, s, w) in info if name in l]
            if path not in owners:
                print(f"{mod}: {typ} {shown}: defined by {owners}")
                problems += 1
        print(f"{mod}: {len(members)} member objects, {len(got)} entries, "
              f"{len(by_path)} paths: " + ", ".join(f"{p} {n}" for p, n in sorted(by_path.items())))
    print(f"kallsyms_members: {len(kos)} modules, {total} /proc/kallsyms entries, {problems} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
