// SPDX-License-Identifier: GPL-2.0-only
/*
 * Two licence tags: modpost checks every one, so the second (unknown) string makes the
 * module GPL-incompatible although the first is "GPL".
 */
#include "kmod.h"

extern int gpl_func(int);

int multi_fn(int x)
{
	return gpl_func(x) - 1;
}

MODULE_LICENSE("GPL");
MODULE_LICENSE("Some Unknown Licence");
