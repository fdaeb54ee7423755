// SPDX-License-Identifier: GPL-2.0-only
/* An __ex_table entry pointing into .altinstr_replacement: fatal. */
#include "kmod.h"

asm(".section .altinstr_replacement, \"ax\"\n"
    ".globl alt_code\nalt_code: ret\n.previous\n"
    ".section __ex_table, \"a\"\n"
    ".balign 4\n"
    ".long alt_code - .\n"
    ".previous\n");

MODULE_LICENSE("GPL");
