// SPDX-License-Identifier: GPL-2.0-only
/* A module that uses vmlinux exports (no "depends" entry for vmlinux) and provider exports. */
#include "kmod.h"

extern int vmlinux_func(int);
extern int vmlinux_data;
extern int plain_func(int);

int vmuser_fn(int x)
{
	return vmlinux_func(x) + vmlinux_data + plain_func(x);
}

MODULE_LICENSE("GPL");
