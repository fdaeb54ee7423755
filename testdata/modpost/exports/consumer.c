// SPDX-License-Identifier: GPL-2.0-only
/*
 * Uses the provider's exports: MY_NS is imported, OTHER_NS and "module:consumer" are not.
 * A weak undefined symbol is never reported.
 */
#include "kmod.h"

extern int plain_func(int);
extern int gpl_func(int);
extern int data_var;
extern int ns_func(int);
extern int ns_gpl_func(int);
extern int for_mods_func(int);
extern int maybe_there(int) __attribute__((weak));

int consumer_fn(int x)
{
	int r = plain_func(x) + gpl_func(x) + data_var + ns_func(x) + ns_gpl_func(x);

	r += for_mods_func(x);
	if (maybe_there)
		r += maybe_there(x);
	return r;
}

MODULE_LICENSE("Dual BSD/GPL");
MODULE_IMPORT_NS(MY_NS);
MODULE_IMPORT_NS(MY_NS);
MODULE_IMPORT_NS(UNUSED_NS);
