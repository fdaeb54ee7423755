// SPDX-License-Identifier: GPL-2.0-only
/* Fatal: table size is not a multiple of sizeof(struct pci_device_id). */
#include "dt_common.h"
static const unsigned char bad_size_ids[41] = { 1 };
RAW_DEVICE_TABLE(pci, bad_size_ids);
DT_MODULE_BOILERPLATE("file2alias fixture: bad size");
