// SPDX-License-Identifier: GPL-2.0-only
/* MODULE_VERSION() asks for a srcversion: modpost reads versioned.mod and the .cmd files. */
#include "kmod.h"

int versioned_fn(int x)
{
	return x - 9;
}

MODULE_LICENSE("GPL");
MODULE_VERSION("2.1");
