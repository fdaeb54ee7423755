// SPDX-License-Identifier: GPL-2.0-only
/* Fatal: a 485-byte input alias makes a 503-byte MODULE_ALIAS line, over buf_printf's 500. */
#include "dt_common.h"
static const struct input_device_id bad_long_ids[] = {
	{ .flags = INPUT_DEVICE_ID_MATCH_EVBIT, .evbit = { 2 } },
	{ .flags = INPUT_DEVICE_ID_MATCH_KEYBIT,
#if BITS_PER_LONG == 64
	  .keybit = { [1] = 0xFFFE000000000000UL, [2] = ~0UL, [3] = 0x3FFFFFFFFUL } },
#else
	  .keybit = { [3] = 0xFFFE0000UL, [4] = ~0UL, [5] = ~0UL, [6] = ~0UL, [7] = 0x3UL } },
#endif
	{ }
};
MODULE_DEVICE_TABLE(input, bad_long_ids);
DT_MODULE_BOILERPLATE("file2alias fixture: alias too long");
