// SPDX-License-Identifier: GPL-2.0-only
/* Fatal: a zero-sized table (size % id_size == 0 but size < id_size). */
#include "dt_common.h"
static const struct usb_device_id bad_empty_ids[0];
RAW_DEVICE_TABLE(usb, bad_empty_ids);
DT_MODULE_BOILERPLATE("file2alias fixture: empty table");
