// SPDX-License-Identifier: GPL-2.0-only
/* member 1 of 3 (C): a static helper() and a global */
static __attribute__((noinline)) int helper(int x) { return x * 2; }
/* zero-size: both end up at one .bss address after ld -r */
static struct {} key __attribute__((used));
int a_global(int x) { return helper(x) + 1; }
