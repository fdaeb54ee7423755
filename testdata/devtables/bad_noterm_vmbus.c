// SPDX-License-Identifier: GPL-2.0-only
/* Fatal: a vmbus table whose last entry is not all zero (raw byte dump, then the error). */
#include "dt_common.h"
static const struct hv_vmbus_device_id bad_noterm_vmbus_ids[] = { { .driver_data = 0x05060708 } };
MODULE_DEVICE_TABLE(vmbus, bad_noterm_vmbus_ids);
DT_MODULE_BOILERPLATE("file2alias fixture: unterminated vmbus");
