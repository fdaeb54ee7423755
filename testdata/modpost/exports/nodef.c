// SPDX-License-Identifier: GPL-2.0-only
/* Exports a symbol it does not define and uses it: "exported without definition". */
#include "kmod.h"

extern int ghost_func(int);
EXPORT_SYMBOL(ghost_func);

int nodef_fn(int x)
{
	return ghost_func(x);
}

MODULE_LICENSE("GPL");
