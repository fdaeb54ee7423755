// SPDX-License-Identifier: GPL-2.0-only
/* No MODULE_LICENSE() and no MODULE_DESCRIPTION(): an error, and a warning with -W. */
#include "kmod.h"

int nolicense_fn(int x)
{
	return x * 3;
}
