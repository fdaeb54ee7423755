// SPDX-License-Identifier: GPL-2.0-only
/* Two more undefined functions, so the suppression count spans modules. */
#include "kmod.h"

extern int undef_13(void), undef_14(void);

int two_undef_fn(void)
{
	return undef_13() + undef_14();
}

MODULE_LICENSE("GPL");
