// SPDX-License-Identifier: GPL-2.0-only
/* Exports dup_sym a second time. */
#include "kmod.h"

int dup_sym(void)
{
	return 3;
}
EXPORT_SYMBOL_GPL(dup_sym);

MODULE_LICENSE("GPL");
