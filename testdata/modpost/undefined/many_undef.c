// SPDX-License-Identifier: GPL-2.0-only
/* Twelve undefined functions (10 reported, 2 suppressed) and one weak one (never reported). */
#include "kmod.h"

extern int undef_01(void), undef_02(void), undef_03(void), undef_04(void);
extern int undef_05(void), undef_06(void), undef_07(void), undef_08(void);
extern int undef_09(void), undef_10(void), undef_11(void), undef_12(void);
extern int weak_undef(void) __attribute__((weak));

int many_undef_fn(void)
{
	return undef_01() + undef_02() + undef_03() + undef_04() + undef_05() +
	       undef_06() + undef_07() + undef_08() + undef_09() + undef_10() +
	       undef_11() + undef_12() + (weak_undef ? weak_undef() : 0);
}

MODULE_LICENSE("GPL");
