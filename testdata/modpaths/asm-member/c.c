// SPDX-License-Identifier: GPL-2.0-only
/* member 3 of 3 (C): another static helper() */
static __attribute__((noinline)) int helper(int x) { return x * 3; }
/* zero-size: both end up at one .bss address after ld -r */
static struct {} key __attribute__((used));
int c_global(int x) { return helper(x) + 3; }
