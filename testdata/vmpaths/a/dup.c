// SPDX-License-Identifier: GPL-2.0-only
/* Same file name and same static name as b/dup.c: the resolver cannot tell the groups apart. */
static int __attribute__((noinline, used)) helper(int x) { return x + 1; }
int a_entry(int x) { return helper(x); }
