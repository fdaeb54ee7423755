// SPDX-License-Identifier: GPL-2.0-only
/* hid ieee1394 pci ccw ap css serio acpi pcmcia eisa parisc sdio ssb bcma virtio vmbus rpmsg
 * i2c i3c slim spi dmi platform */
#include "dt_common.h"
#include <linux/uuid.h>

static const struct hid_device_id dt_hid_ids[] = {
	{ .bus = 3, .group = 0, .vendor = 0x046d, .product = 0xc52b },
	{ .bus = HID_BUS_ANY, .group = HID_GROUP_ANY, .vendor = HID_ANY_ID, .product = HID_ANY_ID },
	{ .bus = 5, .group = 0x101, .vendor = 0x1234, .product = HID_ANY_ID },
	{ }
};
MODULE_DEVICE_TABLE(hid, dt_hid_ids);

static const struct ieee1394_device_id dt_ieee1394_ids[] = {
	{ .match_flags = IEEE1394_MATCH_VENDOR_ID | IEEE1394_MATCH_MODEL_ID,
	  .vendor_id = 0x00a0b8, .model_id = 0x001234 },
	{ .match_flags = IEEE1394_MATCH_SPECIFIER_ID | IEEE1394_MATCH_VERSION,
	  .specifier_id = 0x00609e, .version = 0x010483 },
	{ .match_flags = 0, .vendor_id = 7 },
	{ }
};
MODULE_DEVICE_TABLE(ieee1394, dt_ieee1394_ids);

static const struct pci_device_id dt_pci_ids[] = {
	{ .vendor = 0x8086, .device = 0x1234, .subvendor = PCI_ANY_ID, .subdevice = PCI_ANY_ID },
	{ .vendor = PCI_ANY_ID, .device = PCI_ANY_ID, .subvendor = PCI_ANY_ID,
	  .subdevice = PCI_ANY_ID, .class = 0x0c0330, .class_mask = 0xffffff },
	{ .vendor = 0x10de, .device = PCI_ANY_ID, .subvendor = 0x1043, .subdevice = 0x8234,
	  .class = 0x030000, .class_mask = 0xffff00 },
	{ .vendor = 0x1af4, .device = 0x1000, .subvendor = PCI_ANY_ID, .subdevice = PCI_ANY_ID,
	  .override_only = PCI_ID_F_VFIO_DRIVER_OVERRIDE },
	{ .vendor = 1, .device = 2, .subvendor = 3, .subdevice = 4, .class = 0x123456,
	  .class_mask = 0xff00ff },
	{ .vendor = 1, .device = 2, .class = 0xab0000, .class_mask = 0xff0000 },
	{ }
};
MODULE_DEVICE_TABLE(pci, dt_pci_ids);

static const struct ccw_device_id dt_ccw_ids[] = {
	{ .match_flags = CCW_DEVICE_ID_MATCH_CU_TYPE | CCW_DEVICE_ID_MATCH_CU_MODEL,
	  .cu_type = 0x3088, .cu_model = 0x08 },
	{ .match_flags = CCW_DEVICE_ID_MATCH_DEVICE_TYPE | CCW_DEVICE_ID_MATCH_DEVICE_MODEL,
	  .dev_type = 0x3390, .dev_model = 0x0c },
	{ .match_flags = 0xf, .cu_type = 1, .cu_model = 2, .dev_type = 3, .dev_model = 4 },
	{ }
};
MODULE_DEVICE_TABLE(ccw, dt_ccw_ids);

static const struct ap_device_id dt_ap_ids[] = {
	{ .match_flags = AP_DEVICE_ID_MATCH_CARD_TYPE, .dev_type = 0x0a },
	{ .match_flags = AP_DEVICE_ID_MATCH_QUEUE_TYPE, .dev_type = 0xff },
	{ .match_flags = 1, .dev_type = 0 },
	{ }
};
MODULE_DEVICE_TABLE(ap, dt_ap_ids);

static const struct css_device_id dt_css_ids[] = {
	{ .match_flags = 1, .type = 0 },
	{ .match_flags = 1, .type = 3 },
	{ .match_flags = 1, .type = 0x1f },
	{ }
};
MODULE_DEVICE_TABLE(css, dt_css_ids);

static const struct serio_device_id dt_serio_ids[] = {
	{ .type = 1, .proto = SERIO_ANY, .id = SERIO_ANY, .extra = SERIO_ANY },
	{ .type = SERIO_ANY, .proto = 0x37, .id = 2, .extra = 0x10 },
	{ .type = SERIO_ANY, .proto = SERIO_ANY, .id = SERIO_ANY, .extra = SERIO_ANY },
	{ }
};
MODULE_DEVICE_TABLE(serio, dt_serio_ids);

static const struct acpi_device_id dt_acpi_ids[] = {
	{ "ACPI0003", 0 },
	{ "PNP0C0B", 0 },
	{ "LNXVIDEO", 1 },
	{ "", 0, 0x010601, 0xffffff },
	{ "", 0, 0x0c0330, 0xffff00 },
	{ "", 0, 0xabcdef, 0x00ff00 },
	{ "", 0, 0x123456, 0 },
	{ "ACPIXYZ", 0, 0x010203, 0xffffff },
	{ }
};
MODULE_DEVICE_TABLE(acpi, dt_acpi_ids);

static const struct pcmcia_device_id dt_pcmcia_ids[] = {
	{ .match_flags = PCMCIA_DEV_ID_MATCH_MANF_ID | PCMCIA_DEV_ID_MATCH_CARD_ID,
	  .manf_id = 0x0101, .card_id = 0x0562 },
	{ .match_flags = PCMCIA_DEV_ID_MATCH_FUNC_ID | PCMCIA_DEV_ID_MATCH_FUNCTION |
			 PCMCIA_DEV_ID_MATCH_DEVICE_NO,
	  .func_id = 6, .function = 1, .device_no = 2 },
	{ .match_flags = PCMCIA_DEV_ID_MATCH_PROD_ID1 | PCMCIA_DEV_ID_MATCH_PROD_ID2 |
			 PCMCIA_DEV_ID_MATCH_PROD_ID3 | PCMCIA_DEV_ID_MATCH_PROD_ID4,
	  .prod_id_hash = { 0x12345678, 0x9abcdef0, 0x0fedcba9, 0x87654321 } },
	{ .match_flags = PCMCIA_DEV_ID_MATCH_PROD_ID2, .prod_id_hash = { 1, 2, 3, 4 } },
	{ .match_flags = 0x7ff, .manf_id = 0xffff, .card_id = 0xffff, .func_id = 0xff,
	  .function = 0xff, .device_no = 0xff, .prod_id_hash = { ~0U, ~0U, ~0U, ~0U } },
	{ }
};
MODULE_DEVICE_TABLE(pcmcia, dt_pcmcia_ids);

static const struct eisa_device_id dt_eisa_ids[] = {
	{ "ABC1234" },
	{ "NVL0701", 1 },
	{ "", 7 },
	{ }
};
MODULE_DEVICE_TABLE(eisa, dt_eisa_ids);

static const struct parisc_device_id dt_parisc_ids[] = {
	{ .hw_type = 0x0a, .hversion_rev = PA_HVERSION_REV_ANY_ID, .hversion = 0x5c0,
	  .sversion = 0x0008c },
	{ .hw_type = PA_HWTYPE_ANY_ID, .hversion_rev = 2, .hversion = PA_HVERSION_ANY_ID,
	  .sversion = PA_SVERSION_ANY_ID },
	{ }
};
MODULE_DEVICE_TABLE(parisc, dt_parisc_ids);

static const struct sdio_device_id dt_sdio_ids[] = {
	{ .class = SDIO_ANY_ID, .vendor = 0x02d0, .device = 0x4329 },
	{ .class = 0x07, .vendor = SDIO_ANY_ID, .device = SDIO_ANY_ID },
	{ .class = 0, .vendor = 0, .device = 1 },
	{ }
};
MODULE_DEVICE_TABLE(sdio, dt_sdio_ids);

static const struct ssb_device_id dt_ssb_ids[] = {
	SSB_DEVICE(0x4243, 0x812, 5),
	SSB_DEVICE(SSB_ANY_VENDOR, SSB_ANY_ID, SSB_ANY_REV),
	SSB_DEVICE(0x4243, 0x80f, SSB_ANY_REV),
	{ }
};
MODULE_DEVICE_TABLE(ssb, dt_ssb_ids);

static const struct bcma_device_id dt_bcma_ids[] = {
	BCMA_CORE(0x4bf, 0x812, 0x17, BCMA_ANY_CLASS),
	BCMA_CORE(BCMA_ANY_MANUF, BCMA_ANY_ID, BCMA_ANY_REV, 0x0b),
	{ }
};
MODULE_DEVICE_TABLE(bcma, dt_bcma_ids);

static const struct virtio_device_id dt_virtio_ids[] = {
	{ 1, VIRTIO_DEV_ANY_ID },
	{ 0x10, 0x1af4 },
	{ VIRTIO_DEV_ANY_ID, 2 },
	{ }
};
MODULE_DEVICE_TABLE(virtio, dt_virtio_ids);

static const struct hv_vmbus_device_id dt_vmbus_ids[] = {
	{ .guid = GUID_INIT(0xf8615163, 0xdf3e, 0x46c5, 0x91, 0x3f, 0xf2, 0xd2, 0xf9, 0x65,
			    0xed, 0x0e) },
	{ .guid = GUID_INIT(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1) },
	{ }
};
MODULE_DEVICE_TABLE(vmbus, dt_vmbus_ids);

static const struct rpmsg_device_id dt_rpmsg_ids[] = {
	{ "rpmsg-client-sample" },
	{ "rpmsg_chrdev", 1 },
	{ "", 3 },
	{ }
};
MODULE_DEVICE_TABLE(rpmsg, dt_rpmsg_ids);

static const struct i2c_device_id dt_i2c_ids[] = {
	{ "lm75" },
	{ "tmp102", 1 },
	{ "a name with spaces", 2 },
	{ }
};
MODULE_DEVICE_TABLE(i2c, dt_i2c_ids);

static const struct i3c_device_id dt_i3c_ids[] = {
	{ .match_flags = I3C_MATCH_MANUF | I3C_MATCH_PART, .manuf_id = 0x104, .part_id = 0x1 },
	{ .match_flags = I3C_MATCH_DCR, .dcr = 0x63 },
	{ .match_flags = 0xf, .dcr = 1, .manuf_id = 2, .part_id = 3, .extra_info = 0xabcd },
	{ .match_flags = 0, .data = (void *)1 },
	{ }
};
MODULE_DEVICE_TABLE(i3c, dt_i3c_ids);

static const struct slim_device_id dt_slim_ids[] = {
	{ 0x217, 0x60, 0x1, 0x0 },
	{ 0, 0xabc },
	{ 0xffff, 0 },
	{ }
};
MODULE_DEVICE_TABLE(slim, dt_slim_ids);

static const struct spi_device_id dt_spi_ids[] = {
	{ "m25p80" },
	{ "spidev", 1 },
	{ }
};
MODULE_DEVICE_TABLE(spi, dt_spi_ids);

static const struct dmi_system_id dt_dmi_ids[] = {
	{ .ident = "one",
	  .matches = { DMI_MATCH(DMI_SYS_VENDOR, "LENOVO"),
		       DMI_MATCH(DMI_PRODUCT_VERSION, "ThinkPad X1: Carbon 6th") } },
	{ .matches = { DMI_EXACT_MATCH(DMI_BOARD_NAME, "Board\tName~\x7f\x80\xff!"),
		       DMI_MATCH(DMI_BIOS_VENDOR, "American Megatrends Inc."),
		       DMI_MATCH(DMI_CHASSIS_TYPE, "10"),
		       DMI_MATCH(DMI_PRODUCT_SERIAL, "ignored") } },
	{ .matches = { DMI_MATCH(DMI_CHASSIS_VERSION, "cv"), DMI_MATCH(DMI_EC_FIRMWARE_RELEASE, "1.2"),
		       DMI_MATCH(DMI_BIOS_RELEASE, "3.4"), DMI_MATCH(DMI_BIOS_DATE, "2020") } },
	{ .matches = { DMI_MATCH(DMI_BOARD_VENDOR, "bv"), DMI_MATCH(DMI_BOARD_VERSION, "bvr"),
		       DMI_MATCH(DMI_CHASSIS_VENDOR, "cvn"), DMI_MATCH(DMI_BIOS_VERSION, "bvr2") } },
	{ .matches = { DMI_MATCH(DMI_PRODUCT_NAME, "pn"), DMI_MATCH(DMI_PRODUCT_NAME, "pn2"),
		       DMI_MATCH(DMI_OEM_STRING, "oem") } },
	{ .ident = "no matches", .callback = NULL },
	{ }
};
MODULE_DEVICE_TABLE(dmi, dt_dmi_ids);

static const struct platform_device_id dt_platform_ids[] = {
	{ "serial8250" },
	{ "x86-pkg-temp", 4 },
	{ }
};
MODULE_DEVICE_TABLE(platform, dt_platform_ids);

DT_MODULE_BOILERPLATE("file2alias fixture: buses part 1");
