// SPDX-License-Identifier: GPL-2.0-only
/*
 * A real kernel module (built with Kbuild against the fixture tree) that makes modpost
 * report: a section mismatch, a missing namespace import, an EXPORT_SYMBOL of __init code,
 * and device-table aliases; it also has MODULE_VERSION (srcversion) and exports.
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/pci.h>
#include <linux/crc32.h>

static noinline int __init diagmod_setup(void)
{
	return 1;
}

/* .text -> .init.text */
noinline int diagmod_late(void)
{
	return diagmod_setup();
}
EXPORT_SYMBOL_GPL(diagmod_late);

int __init diagmod_init_export(void)
{
	return 2;
}
EXPORT_SYMBOL(diagmod_init_export);

int diagmod_ns_func(int x)
{
	return x + (int)crc32_le(0, NULL, 0);
}
EXPORT_SYMBOL_NS(diagmod_ns_func, DIAG_NS);

static const struct pci_device_id diagmod_ids[] = {
	{ PCI_DEVICE(0x8086, 0x1234) },
	{ PCI_DEVICE_CLASS(0x0c0300, 0xffff00) },
	{ PCI_VDEVICE(INTEL, 0x5678), .driver_data = 7 },
	{ }
};
MODULE_DEVICE_TABLE(pci, diagmod_ids);

static int __init diagmod_init(void)
{
	return diagmod_late() + diagmod_init_export() - 3;
}

static void __exit diagmod_exit(void)
{
}

module_init(diagmod_init);
module_exit(diagmod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modpost diagnostics fixture");
MODULE_VERSION("1.2");
