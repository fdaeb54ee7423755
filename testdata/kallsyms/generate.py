#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Writes the edge-case maps for the kallsyms-rs differential tests (testdata/kallsyms/*.map).

The maps are committed; rerun this only to change them:  python3 testdata/kallsyms/generate.py
Each map is run through the C kallsyms and kallsyms-rs with every flag combination, so a map
only has to provoke a behaviour; the C tool says what the right output is.
"""
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
TEXT = 0xFFFFFFFF81000000


def line(addr, typ, name):
    if isinstance(name, str):
        name = name.encode()
    if isinstance(typ, str):
        typ = typ.encode()
    return b"%016x " % addr + typ + b" " + name + b"\n"


def text_frame(body, percpu=True):
    """A minimal kernel-like frame: _text/_stext ... _etext, inittext, and (as on x86_64)
    a percpu section at address 0. With the percpu section, --all-symbols alone ends in the
    offset range error, as it would for a real x86_64 map."""
    out = []
    if percpu:
        out += [
            line(0, "D", "__per_cpu_start"),
            line(0x40, "D", "pcpu_var"),
            line(0x1000, "D", "__per_cpu_end"),
        ]
    out += [
        line(TEXT, "T", "_stext"),
        line(TEXT, "T", "_text"),
    ]
    out += body
    out += [
        line(TEXT + 0x100000, "T", "_etext"),
        line(TEXT + 0x200000, "T", "_sinittext"),
        line(TEXT + 0x200100, "T", "init_fn"),
        line(TEXT + 0x210000, "T", "_einittext"),
        line(TEXT + 0x300000, "D", "some_data"),
    ]
    return b"".join(out)


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def incompressible(rng, length, alphabet):
    return bytes(rng.choice(alphabet) for _ in range(length))


def name_lengths():
    # Stored lengths (type char + name) around the one/two-byte ULEB128 boundary (127/128)
    # and the KSYM_NAME_LEN limit. Names draw from ~220 byte values, which fills nearly every
    # token slot with a literal, so the names stay about as long after compression.
    rng = random.Random(42)
    alphabet = [c for c in range(0x21, 0x100) if c != 0x7F]
    body = [line(TEXT + 0x10, "T", bytes(alphabet))]
    addr = TEXT + 0x100
    for length in (125, 126, 127, 128, 129, 130, 200, 255, 256, 300, 510, 511, 512, 513, 600):
        body.append(line(addr, "T", incompressible(rng, length, alphabet)))
        addr += 0x10
    # Long but compressible names.
    for length in (126, 127, 128, 129, 511, 512):
        body.append(line(addr, "t", "n" * length))
        addr += 0x10
    write("name-lengths.map", text_frame(body))


def types():
    body = []
    addr = TEXT + 0x100
    for typ in "aAbBCdDgGiInNprRsStTuUvVwW?-~ ":
        body.append(line(addr, typ, "sym_type_%02x" % ord(typ)))
        addr += 0x10
    for keep in ("__kernel_syscall_via_break", "__kernel_syscall_via_epc", "__kernel_sigtramp",
                 "__gp", "__gp_not", "_text"):
        body.append(line(0x1234, "A", keep))
        body.append(line(0x5678, "a", keep + "_lower"))
        body.append(line(0x9ABC, "a", keep))
    write("types.map", text_frame(body))


def percpu():
    body = [line(TEXT + 0x100, "T", "text_fn"), line(0x800, "d", "pcpu_static")]
    write("percpu.map", text_frame(body))
    # percpu symbols above INT_MAX: fatal only with --absolute-percpu.
    out = [
        line(0x7FFFFFFF, "D", "__per_cpu_start"),
        line(0x80000000, "D", "pcpu_big"),
        line(0x80001000, "D", "__per_cpu_end"),
        line(TEXT, "T", "_stext"),
        line(TEXT, "T", "_text"),
        line(TEXT + 0x10, "T", "f"),
        line(TEXT + 0x20, "T", "_etext"),
    ]
    write("percpu-above-int-max.map", b"".join(out))
    # No percpu section at all, and only one bound of it.
    write("percpu-end-only.map", line(0x10, "D", "__per_cpu_end") + line(TEXT, "T", "_stext")
          + line(TEXT, "T", "_text") + line(TEXT + 8, "T", "_etext"))


def boundaries():
    body = [
        line(TEXT + 0x100, "T", "inside"),
        line(TEXT + 0x100000, "T", "at_etext"),
        line(TEXT + 0x100000, "t", "at_etext_local"),
        line(TEXT + 0x210000, "T", "at_einittext"),
        line(TEXT + 0x210000, "T", "__start_at_einittext"),
        line(TEXT + 0x400000, "D", "__start_data_section"),
        line(TEXT + 0x400010, "D", "__stop_data_section"),
        line(TEXT + 0x400020, "D", "__start"),
        line(TEXT + 0x400030, "D", "__stopper"),
        line(TEXT - 0x10, "T", "before_stext"),
    ]
    write("boundaries.map", text_frame(body))
    # No _stext/_etext at all: the text range is 0..0 (C's zero-initialised globals).
    write("no-text-range.map", line(0, "T", "zero") + line(0, "T", "_etext_not")
          + line(8, "T", "eight") + line(TEXT, "T", "_text"))


def ties():
    at = TEXT + 0x100
    names = [
        ("W", "weak_first_in_file"), ("T", "strong"), ("w", "weak_lower"), ("T", "__start_sec"),
        ("T", "__stop_sec"), ("T", "__end_sec"), ("T", "__bss_start"), ("T", "__bss_end"),
        ("T", "__x_end"), ("T", "__start_"), ("T", "_one"), ("T", "___three"), ("T", "__two"),
        ("T", "zero"), ("t", "__end"), ("D", "__start_"), ("V", "weak_object"),
    ]
    body = [line(at, t, n) for t, n in names]
    body += [line(at + 0x10, t, n + "_b") for t, n in reversed(names)]
    # Same name at different addresses (name sort falls back to address, then seq).
    body += [line(TEXT + 0x300, "t", "dup"), line(TEXT + 0x200, "t", "dup"),
             line(TEXT + 0x200, "t", "dup")]
    write("ties.map", text_frame(body, percpu=False))


def offsets():
    base = 0x10000000
    # Relative mode: a symbol 4 GiB above the relative base is fatal, after the earlier
    # tables were printed. With --absolute-percpu the limit is 2 GiB.
    write("offset-out-of-range.map", line(base, "T", "_text") + line(base, "T", "_stext")
          + line(base + 0x100000000, "T", "far_away") + line(base + 0x100000010, "T", "_etext"))
    # Exactly 4 GiB - 1 above the base: fits without --absolute-percpu.
    write("offset-max.map", line(base, "T", "_text") + line(base, "T", "_stext")
          + line(base + 0xFFFFFFFF, "T", "edge") + line(base + 0xFFFFFFFF, "T", "_etext"))
    # 2 GiB above the base: the --absolute-percpu limit (base - addr - 1 >= INT_MIN).
    write("offset-2g.map", line(base, "T", "_text") + line(base, "T", "_stext")
          + line(base + 0x7FFFFFFF, "T", "edge") + line(base + 0x80000000, "T", "_etext"))
    # _text above the relative base ("_text - ...") and no _text at all.
    write("text-above-base.map", line(0x1000, "T", "_stext") + line(0x1000, "T", "low")
          + line(0x2000, "T", "_text") + line(0x3000, "T", "_etext"))
    write("no-text-symbol.map", line(0x1000, "T", "_stext") + line(0x1008, "T", "f")
          + line(0x2000, "T", "_etext"))


def malformed():
    good = line(TEXT, "T", "_text")
    cases = {
        "bad-empty-line.map": good + b"\n" + good,
        "bad-no-address.map": good + b"T foo\n",
        "bad-not-hex.map": b"xyz T foo\n",
        "bad-two-spaces.map": b"ffffffff81000000  T foo\n",
        "bad-tab.map": b"ffffffff81000000\tT foo\n",
        "bad-no-second-space.map": b"ffffffff81000000 Tfoo\n",
        "bad-type-non-ascii.map": b"ffffffff81000000 \xc3 foo\n",
        "bad-line-ends-after-type.map": b"ffffffff81000000 T\n",
        "bad-line-ends-after-address.map": b"ffffffff81000000\n",
        "bad-0x-only.map": b"0x T foo\n",
        "bad-sign-space.map": b"- 1 T foo\n",
        "bad-crlf-after-type.map": b"ffffffff81000000 T\r\n",
        "bad-only-spaces.map": b"   \n",
    }
    for name, data in cases.items():
        write(name, data)


def address_forms():
    body = [
        b"  ffffffff81000100 T leading_spaces\n",
        b"\t\x0b\x0c\rffffffff81000110 T leading_c_space\n",
        b"0xffffffff81000120 T with_0x\n",
        b"0XFFFFFFFF81000130 T upper_0X\n",
        b"+ffffffff81000140 T plus_sign\n",
        b"-7efffec0 T minus_sign\n",
        b"0 T zero\n",
        b"ffffffff81000160 T name with spaces\n",
        b"ffffffff81000170 T crlf_name\r\n",
        b"ffffffff81000180 T \n",
        b"ffffffff81000190 T trailing_nul\x00ignored\n",
        b"ffffffff810001a0 T high_bytes_\xff\xfe\x80\n",
    ]
    write("address-forms.map", text_frame(body))
    # strtoull saturates at ULLONG_MAX; "-" of a too-large value saturates too.
    write("address-saturation.map", line(TEXT, "T", "_text") + line(TEXT, "T", "_stext")
          + b"1ffffffff81000150 T overflow_saturates\n" + b"-1ffffffff81000150 T neg_saturates\n"
          + b"ffffffffffffffff T _etext\n")


def getline_quirks():
    # "ADDR " followed by NUL: the type is the terminator; the rest of the line is the name.
    write("embedded-nul-type.map", text_frame([b"ffffffff81000100 \x00 after_nul\n"]))
    # The last line "ADDR " has no newline: the bytes after it come from the previous line.
    write("stale-getline.map", text_frame([]) + b"ffffffff81000400 T xyz stale_name\n"
          + b"ffffffff81000500 ")
    write("no-trailing-newline.map", text_frame([]) + b"ffffffff81000400 T last_line")


def misc():
    write("empty.map", b"")
    write("only-ignored.map", line(0x10, "U", "undef") + line(0x20, "a", "absolute")
          + line(0x30, "N", "debug"))
    rng = random.Random(7)
    words = ["init", "exit", "read", "write", "dev", "net", "core", "sched", "mm", "fs", "irq",
             "_", "__", "x86", "pci", "usb", "gro", "tcp", "ipv4", "page", "lock", "rcu"]
    body = []
    for i in range(3000):
        name = "_".join(rng.choice(words) for _ in range(rng.randint(1, 6)))
        body.append(line(TEXT + 0x1000 + i * 8, rng.choice("TtWDdRrBb"), name))
    write("many-symbols.map", text_frame(body, percpu=False))


if __name__ == "__main__":
    name_lengths()
    types()
    percpu()
    boundaries()
    ties()
    offsets()
    malformed()
    address_forms()
    getline_quirks()
    misc()
