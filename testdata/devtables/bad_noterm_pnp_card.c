// SPDX-License-Identifier: GPL-2.0-only
/* Fatal: a pnp_card table whose last entry is not all zero (raw byte dump, then the error). */
#include "dt_common.h"
static const struct pnp_card_device_id bad_noterm_pnp_card_ids[] = { { .id = "CRD0001", .devs = { { "ABC0001" } } } };
MODULE_DEVICE_TABLE(pnp_card, bad_noterm_pnp_card_ids);
DT_MODULE_BOILERPLATE("file2alias fixture: unterminated pnp_card");
