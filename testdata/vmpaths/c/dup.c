// SPDX-License-Identifier: GPL-2.0-only
/* Same file name again, but its locals differ: matched by its local names. */
static int __attribute__((noinline, used)) only_in_c(int x) { return x * 3; }
int __attribute__((weak)) weakfn(void) { return only_in_c(1); }
int c_entry(void) { return weakfn(); }
