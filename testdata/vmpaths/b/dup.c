// SPDX-License-Identifier: GPL-2.0-only
static int __attribute__((noinline, used)) helper(int x) { return x + 2; }
int b_entry(int x) { return helper(x); }
