// SPDX-License-Identifier: GPL-2.0-only
/*
 * Every export flavour: plain, GPL-only, data, namespaced, namespaced GPL-only and
 * "module:" namespaces. Also defines init_module/cleanup_module for the .mod.c header.
 */
#include "kmod.h"

__noinline int plain_func(int x)
{
	return x + 1;
}
EXPORT_SYMBOL(plain_func);

__noinline int gpl_func(int x)
{
	return x + 2;
}
EXPORT_SYMBOL_GPL(gpl_func);

int data_var = 42;
EXPORT_SYMBOL(data_var);

__noinline int ns_func(int x)
{
	return x + 3;
}
EXPORT_SYMBOL_NS(ns_func, MY_NS);

__noinline int ns_gpl_func(int x)
{
	return x + 4;
}
EXPORT_SYMBOL_NS_GPL(ns_gpl_func, OTHER_NS);

__noinline int for_mods_func(int x)
{
	return x + 5;
}
EXPORT_SYMBOL_GPL_FOR_MODULES(for_mods_func, "consumer");

__noinline int unused_func(int x)
{
	return x + 6;
}
EXPORT_SYMBOL(unused_func);

__noinline int listed_func(int x)
{
	return x + 7;
}
EXPORT_SYMBOL_GPL(listed_func);

int init_module(void)
{
	return 0;
}

void cleanup_module(void)
{
}

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("exports of every kind");
