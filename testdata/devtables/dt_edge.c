// SPDX-License-Identifier: GPL-2.0-only
/* Strings that fill their field with no NUL: C's %s runs on into the next bytes of the table
 * (the next field, the next entry), and so must we. */
#include "dt_common.h"

static const struct of_device_id dt_edge_of_ids[] = {
	{ .name = "0123456789abcdef0123456789abcdeF", .type = "t" },
	{ .type = "0123456789abcdef0123456789abcdeF", .compatible = "c" },
	{ }
};
MODULE_DEVICE_TABLE(of, dt_edge_of_ids);

static const struct i2c_device_id dt_edge_i2c_ids[] = {
	{ "0123456789abcdefghij", 0x4342 },
	{ "x", 0 },
	{ }
};
MODULE_DEVICE_TABLE(i2c, dt_edge_i2c_ids);

static const struct platform_device_id dt_edge_platform_ids[] = {
	{ "0123456789abcdefghij", 0x44 },
	{ }
};
MODULE_DEVICE_TABLE(platform, dt_edge_platform_ids);

static const struct acpi_device_id dt_edge_acpi_ids[] = {
	{ "0123456789ABCDEF", 0x45 },
	{ }
};
MODULE_DEVICE_TABLE(acpi, dt_edge_acpi_ids);

static const struct eisa_device_id dt_edge_eisa_ids[] = {
	{ "ABCDEFGH", 0x46 },
	{ }
};
MODULE_DEVICE_TABLE(eisa, dt_edge_eisa_ids);

static const struct tb_service_id dt_edge_tbsvc_ids[] = {
	{ .match_flags = TBSVC_MATCH_PROTOCOL_KEY, .protocol_key = "123456789" },
	{ }
};
MODULE_DEVICE_TABLE(tbsvc, dt_edge_tbsvc_ids);

static const struct wmi_device_id dt_edge_wmi_ids[] = {
	{ .guid_string = "ABBC0F6F-8EA1-11D1-00A0-C90629100000X" },
	{ }
};
MODULE_DEVICE_TABLE(wmi, dt_edge_wmi_ids);

static const struct vio_device_id dt_edge_vio_ids[] = {
	{ "0123456789abcdef0123456789abcdeF", "second" },
	{ "a", "0123456789abcdef0123456789abcdeF" },
	{ }
};
MODULE_DEVICE_TABLE(vio, dt_edge_vio_ids);

static const struct pnp_device_id dt_edge_pnp_ids[] = {
	{ .id = "pnp0c0f" },
	{ .id = "a-b_c.d" },
	{ }
};
MODULE_DEVICE_TABLE(pnp, dt_edge_pnp_ids);

/* 79 characters fill substr; the next match's slot byte (14, filtered out) and text follow. */
#define S79 "aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeeeeeeeeffffffffffgggggggggghhhhhhhhh"
static const struct dmi_system_id dt_edge_dmi_ids[] = {
	{ .matches = { DMI_MATCH(DMI_SYS_VENDOR, S79), DMI_MATCH(DMI_BOARD_NAME, "next") } },
	{ }
};
MODULE_DEVICE_TABLE(dmi, dt_edge_dmi_ids);

static const struct mhi_device_id dt_edge_mhi_ids[] = {
	{ .chan = "0123456789abcdef0123456789abcdeF", .driver_data = 0x47 },
	{ }
};
MODULE_DEVICE_TABLE(mhi, dt_edge_mhi_ids);

DT_MODULE_BOILERPLATE("file2alias fixture: unterminated strings");
