// SPDX-License-Identifier: GPL-2.0
/*
 * kopaths, object 1 of 2: the init function calls into sub/helper.c, whose
 * leaf calls dump_stack(); frames from both objects are in the trace.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/init.h>

int kopaths_helper_entry(int depth);

/* Same name as the static function in sub/helper.c. */
static noinline int same_name(int x)
{
	pr_info("kopaths: main same_name=%pS\n", same_name);
	barrier();
	return x + 1;
}

static int __init kopaths_init(void)
{
	int r = kopaths_helper_entry(1);

	r = same_name(r);
	barrier();	/* no tail call: keep this frame in the trace */
	return r > 0 ? 0 : -EINVAL;
}

static void __exit kopaths_exit(void)
{
}

module_init(kopaths_init);
module_exit(kopaths_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modpost-rs .kallsyms_paths test module (two objects)");
