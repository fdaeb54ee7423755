// SPDX-License-Identifier: GPL-2.0-only
/*
 * Uses symbols from the vmlinux symvers (with CRCs): one whose name is >= MODULE_NAME_LEN
 * (56 on 64-bit) ends the ____versions table with "too long symbol".
 */
#include "kmod.h"

extern int short_versioned(void);
extern int versioned_symbol_with_a_name_that_is_far_too_long_for_modversions(void);
extern int after_long(void);

int longver_fn(void)
{
	return short_versioned() + versioned_symbol_with_a_name_that_is_far_too_long_for_modversions() + after_long();
}

MODULE_LICENSE("GPL");
