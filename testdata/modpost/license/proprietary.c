// SPDX-License-Identifier: GPL-2.0-only
/* A GPL-incompatible licence string that uses a GPL-only export and an ordinary one. */
#include "kmod.h"

extern int gpl_func(int);
extern int plain_func(int);

int proprietary_fn(int x)
{
	return gpl_func(x) + plain_func(x);
}

MODULE_LICENSE("Proprietary");
