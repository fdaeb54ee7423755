/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared boilerplate for the file2alias fixtures: every fixture is a kernel module that only
 * declares device tables, so the C modpost's output for it is exactly the file2alias part.
 */
#ifndef DT_COMMON_H
#define DT_COMMON_H
#include <linux/module.h>
#include <linux/mod_devicetable.h>

#define DT_MODULE_BOILERPLATE(desc)		\
	MODULE_LICENSE("GPL");			\
	MODULE_DESCRIPTION(desc)

/* A table whose symbol has the shape MODULE_DEVICE_TABLE gives, but any type and size. */
#define RAW_DEVICE_TABLE(type, name)		\
	extern typeof(name) __mod_##type##__##name##_device_table	\
	__attribute__ ((unused, alias(#name)))
#endif
