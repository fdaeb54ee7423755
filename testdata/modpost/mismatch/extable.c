// SPDX-License-Identifier: GPL-2.0-only
/*
 * __ex_table entries (rule 5): a target in text is fine, a non-executable target is an
 * error, an executable section outside the authorised list is a multi-line warning.
 */
#include "kmod.h"

asm(".text\n.globl fixup_ok\nfixup_ok: ret\n.previous\n"
    ".section .rodata, \"a\"\n.globl not_code\nnot_code: .quad 0\n.previous\n"
    ".section .mytext, \"ax\"\n.globl odd_code\nodd_code: ret\n.previous\n"
    ".section .exit.text, \"ax\"\n.globl exit_fixup\nexit_fixup: ret\n.previous\n"
    ".section __ex_table, \"a\"\n"
    ".balign 4\n"
    ".long fixup_ok - .\n"
    ".long not_code - .\n"
    ".long odd_code - .\n"
    ".long exit_fixup - .\n"
    ".previous\n");

MODULE_LICENSE("GPL");
