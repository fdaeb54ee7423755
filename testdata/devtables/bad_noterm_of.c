// SPDX-License-Identifier: GPL-2.0-only
/* Fatal: a of table whose last entry is not all zero (raw byte dump, then the error). */
#include "dt_common.h"
static const struct of_device_id bad_noterm_of_ids[] = { { .compatible = "a" }, { .name = "last" } };
MODULE_DEVICE_TABLE(of, bad_noterm_of_ids);
DT_MODULE_BOILERPLATE("file2alias fixture: unterminated of");
