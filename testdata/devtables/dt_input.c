// SPDX-License-Identifier: GPL-2.0-only
/* input: every bit array, keys below KEY_MIN_INTERESTING, a 481-byte alias (the longest
 * buf_printf accepts: the MODULE_ALIAS line is then 499 bytes). */
#include "dt_common.h"

#define M(b) BIT_MASK(b)
#define W(b) BIT_WORD(b)

static const struct input_device_id dt_input_ids[] = {
	{ .flags = INPUT_DEVICE_ID_MATCH_EVBIT, .evbit = { M(1) | M(2) } },
	{ .flags = INPUT_DEVICE_ID_MATCH_BUS | INPUT_DEVICE_ID_MATCH_VENDOR |
		   INPUT_DEVICE_ID_MATCH_PRODUCT | INPUT_DEVICE_ID_MATCH_VERSION,
	  .bustype = 3, .vendor = 0x46d, .product = 0xc52b, .version = 0x111 },
	{ .flags = INPUT_DEVICE_ID_MATCH_KEYBIT,
	  .keybit = { [W(30)] = M(30) | M(0x71), [W(0x110)] = M(0x110), [W(0x2ff)] = M(0x2ff) } },
	{ .flags = INPUT_DEVICE_ID_MATCH_RELBIT | INPUT_DEVICE_ID_MATCH_ABSBIT |
		   INPUT_DEVICE_ID_MATCH_MSCIT | INPUT_DEVICE_ID_MATCH_LEDBIT |
		   INPUT_DEVICE_ID_MATCH_SNDBIT | INPUT_DEVICE_ID_MATCH_FFBIT |
		   INPUT_DEVICE_ID_MATCH_SWBIT | INPUT_DEVICE_ID_MATCH_PROPBIT,
	  .relbit = { M(0) | M(1) | M(8) | M(0xf) },
	  .absbit = { M(0) | M(0x18) | M(0x2f) | M(0x3f) },
	  .mscbit = { M(4) }, .ledbit = { M(0) | M(1) | M(0xf) }, .sndbit = { M(1) | M(2) },
	  .ffbit = { [W(0x50)] = M(0x50), [W(0x7f)] = M(0x7f) },
	  .swbit = { M(0) | M(0x10) }, .propbit = { M(1) } },
	{ .flags = ~0UL, .bustype = 0x19, .vendor = 1, .product = 2, .version = 0xabcd,
	  .evbit = { ~0UL }, .keybit = { [W(0x100)] = 0xffUL }, .relbit = { ~0UL },
	  .swbit = { ~0UL } },
	/* bits set but not selected by flags: nothing printed for them */
	{ .flags = 0, .evbit = { M(3) }, .keybit = { [W(0x200)] = M(0x200) } },
	/* 112 two-digit keys 0x71..0xe0: the alias is 481 bytes */
	{ .flags = INPUT_DEVICE_ID_MATCH_KEYBIT,
#if BITS_PER_LONG == 64
	  .keybit = { [1] = 0xFFFE000000000000UL, [2] = ~0UL, [3] = 0x1FFFFFFFFUL } },
#else
	  .keybit = { [3] = 0xFFFE0000UL, [4] = ~0UL, [5] = ~0UL, [6] = ~0UL, [7] = 0x1UL } },
#endif
	{ }
};
MODULE_DEVICE_TABLE(input, dt_input_ids);

DT_MODULE_BOILERPLATE("file2alias fixture: input");
