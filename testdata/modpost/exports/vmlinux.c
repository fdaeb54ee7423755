// SPDX-License-Identifier: GPL-2.0-only
/*
 * A stand-in vmlinux.o: exports a function and data, needs no licence, and has a section
 * mismatch of its own.
 */
#include "kmod.h"

__noinline int vmlinux_func(int x)
{
	return x * 5;
}
EXPORT_SYMBOL(vmlinux_func);

int vmlinux_data = 11;
EXPORT_SYMBOL_GPL(vmlinux_data);

__init int vmlinux_setup(void)
{
	return 1;
}

__noinline int vmlinux_late(void)
{
	return vmlinux_setup();
}
