// SPDX-License-Identifier: GPL-2.0-only
/*
 * With -m: uses a vmlinux export with a CRC, provider exports whose CRCs come (or do not
 * come) from #SYMVER lines in the provider's .cmd file.
 */
#include "kmod.h"

extern int short_versioned(void);
extern int plain_func(int);
extern int gpl_func(int);

int crcuser_fn(int x)
{
	return short_versioned() + plain_func(x) + gpl_func(x);
}

MODULE_LICENSE("GPL");
