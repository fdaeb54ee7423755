// SPDX-License-Identifier: GPL-2.0-only
/* Fatal: a table smaller than one entry (pnp_card: the message names "pnp"). */
#include "dt_common.h"
static const unsigned char bad_small_ids[8] = { 'a' };
RAW_DEVICE_TABLE(pnp_card, bad_small_ids);
DT_MODULE_BOILERPLATE("file2alias fixture: small table");
