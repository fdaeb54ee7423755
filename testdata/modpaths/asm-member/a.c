// SPDX-License-Identifier: GPL-2.0-only
/* member 1 of 3 (C): a static helper() and a global */
static __attribute__((noinline)) int helper(int x) { return x * 2; }
int a_global(int x) { return helper(x) + 1; }
