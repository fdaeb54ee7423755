// SPDX-License-Identifier: GPL-2.0-only
/* Fatal: a usb table whose last entry is not all zero (raw byte dump, then the error). */
#include "dt_common.h"
static const struct usb_device_id bad_noterm_usb_ids[] = { { .match_flags = 3, .idVendor = 0x1234 } };
MODULE_DEVICE_TABLE(usb, bad_noterm_usb_ids);
DT_MODULE_BOILERPLATE("file2alias fixture: unterminated usb");
