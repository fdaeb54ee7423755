// SPDX-License-Identifier: GPL-2.0-only
/* Exports dup_sym (also exported by dup_b) and vmlinux_sym (also in the vmlinux symvers). */
#include "kmod.h"

int dup_sym(void)
{
	return 1;
}
EXPORT_SYMBOL(dup_sym);

int vmlinux_sym(void)
{
	return 2;
}
EXPORT_SYMBOL_GPL(vmlinux_sym);

MODULE_LICENSE("GPL");
