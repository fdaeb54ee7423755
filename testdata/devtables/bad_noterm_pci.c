// SPDX-License-Identifier: GPL-2.0-only
/* Fatal: a pci table whose last entry is not all zero (raw byte dump, then the error). */
#include "dt_common.h"
static const struct pci_device_id bad_noterm_pci_ids[] = { { .vendor = 1 }, { .vendor = 2, .device = 0xff, .override_only = 1 } };
MODULE_DEVICE_TABLE(pci, bad_noterm_pci_ids);
DT_MODULE_BOILERPLATE("file2alias fixture: unterminated pci");
