// SPDX-License-Identifier: GPL-2.0-only
/* PROGBITS sections without "a": a warning each, unless the name is whitelisted. */
#include "kmod.h"

asm(".section .forgot_flags, \"\"\n.quad 1\n.previous\n"
    ".section .init.forgot, \"\", @progbits\n.quad 2\n.previous\n"
    ".section .comment.extra, \"\"\n.quad 3\n.previous\n"
    ".section .debug_extra, \"\"\n.quad 4\n.previous\n");

MODULE_LICENSE("GPL");
