// SPDX-License-Identifier: GPL-2.0
/* kopaths, object 2 of 2: a leaf that dumps the stack. */
#include <linux/kernel.h>
#include <linux/printk.h>

int kopaths_helper_entry(int depth);

/* Same name as the static function in main.c. */
static noinline void same_name(void)
{
	pr_info("kopaths: helper same_name=%pS\n", same_name);
	dump_stack();
	barrier();	/* no tail call: keep this frame in the trace */
}

noinline int kopaths_helper_entry(int depth)
{
	same_name();
	barrier();
	return depth;
}
