// SPDX-License-Identifier: GPL-2.0-only
/* Tentative definitions compiled with -fcommon: COMMON symbols (the __gnu_lto_ one is exempt). */
#include "kmod.h"

int common_var;
int __gnu_lto_common_var;

int common_fn(void)
{
	return common_var + __gnu_lto_common_var;
}

MODULE_LICENSE("GPL");
