// SPDX-License-Identifier: GPL-2.0-only
/*
 * Uses diagmod's namespaced export without MODULE_IMPORT_NS, a GPL-only export from a
 * GPL-incompatible module, and a symbol nobody exports.
 */
#include <linux/module.h>

int diagmod_ns_func(int x);
int diag_nowhere(void);
int diagmod_late(void);

static int __init diaguser_init(void)
{
	return diagmod_ns_func(1) + diag_nowhere() + diagmod_late();
}
module_init(diaguser_init);
MODULE_LICENSE("Proprietary");
