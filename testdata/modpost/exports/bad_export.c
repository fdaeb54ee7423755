// SPDX-License-Identifier: GPL-2.0-only
/*
 * Broken .export_symbol entries, written out by hand in the layout of
 * include/linux/export.h, one for each check_export_symbol() error, plus exports of
 * __init and __exit functions (warnings).
 */
#include "kmod.h"

/* No label at all before the first entry: the "strange symbol" is the empty name. */
asm(".section \".export_symbol\", \"a\"\n"
    ".asciz \"\"\n"
    ".ascii \"\\0\"\n"
    ".balign 8\n"
    ".quad first_func\n"
    ".previous\n");

__noinline int first_func(int x)
{
	return x ^ 1;
}

/* A label without the __export_symbol_ prefix. */
asm(kmod_str(KMOD_EXPORT_ASM(weird_label, weird_func, "", "")));

__noinline int weird_func(int x)
{
	return x ^ 2;
}

/* A static function: "local symbol ... was exported". */
static __used __noinline int static_func(int x)
{
	return x ^ 3;
}
asm(kmod_str(KMOD_EXPORT_ASM(__export_symbol_static_func, static_func, "", "")));

/* The label names one symbol, the pointer another. */
__noinline int real_target(int x)
{
	return x ^ 4;
}
asm(kmod_str(KMOD_EXPORT_ASM(__export_symbol_claimed, real_target, "", "")));

/* A licence string that is neither "" nor "GPL". */
__noinline int bsd_func(int x)
{
	return x ^ 5;
}
asm(kmod_str(KMOD_EXPORT_ASM(__export_symbol_bsd_func, bsd_func, "BSD", "")));

/* Exports of init and exit code. */
__init int init_exported(void)
{
	return 6;
}
EXPORT_SYMBOL(init_exported);

__exit void exit_exported(void)
{
}
EXPORT_SYMBOL_GPL(exit_exported);

int __initdata initdata_exported = 7;
EXPORT_SYMBOL(initdata_exported);

MODULE_LICENSE("GPL");
