#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Synthesize ko-paths inputs for distribution modules.

Run by `kbuild/accept.sh distro` on Debian's modules from `kbuild/distro.sh fetch`
(docs/kallsyms-paths-format.md section 7.1).

    distro_tree.py KO_DIR SCRATCH EMPTY_O

A distribution ships final .ko files only; `modpost-rs ko-paths` needs what Makefile.modfinal
has at hand: the member objects with their .cmd files, <mod>.mod, <mod>.mod.o and
.module-common.o. For each KO_DIR/**/NAME.ko this writes into SCRATCH (used as objtree):

  DIR/NAME.o           the module with its signature cut off (Debian signs its modules; ko-paths
                       refuses signed input), the single member object: its symbols are exactly
                       the module's, so every symbol is attributed and the reads are realistic
  DIR/NAME.ko          a hard link to DIR/NAME.o (ko-paths replaces it by rename, so NAME.o stays
                       the pristine copy to reset from)
  DIR/NAME.mod         lists DIR/NAME.o
  DIR/.NAME.o.cmd      source_DIR/NAME.o := DIR/NAME.c
  DIR/NAME.mod.o       a hard link to EMPTY_O (an empty gcc object), with its .cmd
  .module-common.o     likewise
  modules.order        DIR/NAME.o per module

Prints the number of modules and their bytes (unsigned).
"""
import os
import struct
import sys

MAGIC = b"~Module signature appended~\n"


def unsigned(data, path):
    """The module without an appended signature (struct module_signature, 12 bytes)."""
    if not data.endswith(MAGIC):
        return data
    end = len(data) - len(MAGIC)
    if end < 12:
        raise ValueError(f"{path}: signature trailer truncated")
    signer_len, key_id_len = data[end - 12 + 3], data[end - 12 + 4]
    sig_len, = struct.unpack_from(">I", data, end - 4)
    cut = end - 12 - signer_len - key_id_len - sig_len
    if cut <= 0:
        raise ValueError(f"{path}: bad signature length {sig_len}")
    return data[:cut]


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def main():
    ko_dir, scratch, empty = sys.argv[1:4]
    order, total = [], 0
    for root, _dirs, files in os.walk(ko_dir):
        for f in sorted(files):
            if not f.endswith(".ko"):
                continue
            rel_dir = os.path.relpath(root, ko_dir)
            name = f[:-3]
            out_dir = os.path.join(scratch, rel_dir)
            os.makedirs(out_dir, exist_ok=True)
            with open(os.path.join(root, f), "rb") as fh:
                data = unsigned(fh.read(), os.path.join(root, f))
            total += len(data)
            obj = os.path.join(rel_dir, name + ".o")
            with open(os.path.join(scratch, obj), "wb") as fh:
                fh.write(data)
            os.link(os.path.join(scratch, obj), os.path.join(out_dir, f))
            write(os.path.join(out_dir, name + ".mod"), obj + "\n")
            write(os.path.join(out_dir, f".{name}.o.cmd"),
                  f"source_{obj} := {os.path.join(rel_dir, name + '.c')}\n")
            os.link(empty, os.path.join(out_dir, name + ".mod.o"))
            write(os.path.join(out_dir, f".{name}.mod.o.cmd"),
                  f"source_{os.path.join(rel_dir, name + '.mod.o')} := "
                  f"{os.path.join(rel_dir, name + '.mod.c')}\n")
            order.append(obj)
    os.link(empty, os.path.join(scratch, ".module-common.o"))
    write(os.path.join(scratch, "..module-common.o.cmd"),
          "source_.module-common.o := scripts/module-common.c\n")
    order.sort()
    write(os.path.join(scratch, "modules.order"), "".join(o + "\n" for o in order))
    print(f"modules: {len(order)}, bytes (unsigned): {total}")


if __name__ == "__main__":
    main()
