// SPDX-License-Identifier: GPL-2.0-only
/* of (with/without compatible, whitespace), vio, pnp, pnp_card de-duplication. */
#include "dt_common.h"

static const struct of_device_id dt_of_ids[] = {
	{ .compatible = "acme,foo" },
	{ .name = "bar" },
	{ .type = "serial", .compatible = "ns16550a" },
	{ .name = "with space", .type = "t y" },
	{ .compatible = "x y\tz\nw" },
	{ .name = "n", .type = "t", .compatible = "c" },
	{ .type = "cpu" },
	{ .name = "n2", .compatible = "vendor,Mixed-Case_1.0" },
	{ .data = (void *)1 },
	{ }
};
MODULE_DEVICE_TABLE(of, dt_of_ids);

static const struct vio_device_id dt_vio_ids[] = {
	{ "network", "IBM,l-lan" },
	{ "", "IBM,vty" },
	{ "serial", "" },
	{ "a b", "c\td" },
	{ "", "" },
	{ "x", "ends*" },
	{ }
};
MODULE_DEVICE_TABLE(vio, dt_vio_ids);

static const struct pnp_device_id dt_pnp_ids[] = {
	{ .id = "PNP0c02" },
	{ .id = "abc0001" },
	{ .id = "PNP0501", .driver_data = 5 },
	{ .id = "", .driver_data = 1 },
	{ .id = "xyz" },
	{ }
};
MODULE_DEVICE_TABLE(pnp, dt_pnp_ids);

static const struct pnp_card_device_id dt_pnp_card_ids[] = {
	{ .id = "CRD0001", .devs = { { "ABC0001" }, { "ABC0002" } } },
	{ .id = "CRD0002", .devs = { { "ABC0002" }, { "DEF0003" } } },
	{ .id = "CRD0003", .devs = { { "def0003" } } },
	{ .id = "CRD0004", .devs = { { "ABC0001" }, { "" }, { "GHI0004" } } },
	{ .id = "CRD0005", .devs = { { "a" }, { "b" }, { "c" }, { "d" }, { "e" }, { "f" },
				     { "g" }, { "h" } } },
	{ .id = "CRD0006" },
	{ .id = "CRD0007", .devs = { { "h" }, { "zzz0009" } } },
	{ }
};
MODULE_DEVICE_TABLE(pnp_card, dt_pnp_card_ids);

DT_MODULE_BOILERPLATE("file2alias fixture: of vio pnp pnp_card");
