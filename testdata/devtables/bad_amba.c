// SPDX-License-Identifier: GPL-2.0-only
/* Fatal: AMBA id with bits outside the mask (after one good entry). */
#include "dt_common.h"
static const struct amba_id bad_amba_ids[] = {
	{ .id = 0x00041011, .mask = 0x000fffff },
	{ .id = 0x10041011, .mask = 0x000fffff },
	{ }
};
MODULE_DEVICE_TABLE(amba, bad_amba_ids);
DT_MODULE_BOILERPLATE("file2alias fixture: amba mask");
