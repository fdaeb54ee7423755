// SPDX-License-Identifier: GPL-2.0-only
/* Non-fatal paths: the four warnings, an unknown table type, an all-zero table in .bss,
 * and names that only look like device tables. */
#include "dt_common.h"

static const struct pci_device_id dt_pciwarn_ids[] = {
	{ .vendor = 0x8086, .device = 1, .override_only = 2 },
	{ .vendor = 0x8086, .device = 2, .class = 0x0c0300, .class_mask = 0x00f000 },
	{ .vendor = 0x8086, .device = 3, .class = 0x0c0300, .class_mask = 0x7fff00 },
	{ .vendor = 0x8086, .device = 4, .class = 0x0c0300, .class_mask = 0xffff0f },
	{ .vendor = 0x8086, .device = 5, .subvendor = PCI_ANY_ID, .subdevice = PCI_ANY_ID },
	{ .vendor = 0x8086, .device = 6, .override_only = 0xdeadbeef },
	{ }
};
MODULE_DEVICE_TABLE(pci, dt_pciwarn_ids);

static const struct wmi_device_id dt_wmiwarn_ids[] = {
	{ .guid_string = "too-short" },
	{ .guid_string = "ABBC0F6F-8EA1-11D1-00A0-C90629100000" },
	{ .guid_string = "ABBC0F6F-8EA1-11D1-00A0-C906291000001" },
	{ .context = (void *)1 },
	{ }
};
MODULE_DEVICE_TABLE(wmi, dt_wmiwarn_ids);

static const struct cdx_device_id dt_cdxwarn_ids[] = {
	{ .vendor = 1, .device = 2, .override_only = 5 },
	{ .vendor = 3, .device = 4 },
	{ }
};
MODULE_DEVICE_TABLE(cdx, dt_cdxwarn_ids);

/* A type file2alias does not know: ignored without a message. */
static const struct spmi_device_id dt_spmi_ids[] = {
	{ "pmic" },
	{ }
};
MODULE_DEVICE_TABLE(spmi, dt_spmi_ids);

/* All-zero table in .bss (SHT_NOBITS): read as zeros. */
static struct pci_device_id dt_bss_ids[3];
MODULE_DEVICE_TABLE(pci, dt_bss_ids);

/* No "__" between type and identifier: not a device table. */
const struct pci_device_id __mod_pcix_device_table[] = {
	{ .vendor = 1 },
	{ }
};
/* Does not end in _device_table. */
const struct pci_device_id __mod_pci__x_device_tablex[] = {
	{ .vendor = 2 },
	{ }
};
/* Exactly "__mod_" + "_device_table" plus a "__": empty type name. */
const struct pci_device_id __mod___device_table[] = {
	{ .vendor = 3 },
	{ }
};

DT_MODULE_BOILERPLATE("file2alias fixture: warnings");
