// SPDX-License-Identifier: GPL-2.0-only
/* Fatal: a pnp table whose last entry is not all zero (raw byte dump, then the error). */
#include "dt_common.h"
static const struct pnp_device_id bad_noterm_pnp_ids[] = { { .id = "PNP0001" } };
MODULE_DEVICE_TABLE(pnp, bad_noterm_pnp_ids);
DT_MODULE_BOILERPLATE("file2alias fixture: unterminated pnp");
