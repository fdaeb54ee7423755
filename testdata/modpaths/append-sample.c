// SPDX-License-Identifier: GPL-2.0-only
/* Input for the .kallsyms_paths append tests: locals, globals, a weak symbol, data, bss,
 * rodata, relocations, and a COMDAT group (SHT_GROUP) from inline asm. */
static int counter;
static const char *names[] = { "a", "b", "c" };
int global_data = 42;
__attribute__((weak)) int weak_fn(int x) { return x * 3; }

static __attribute__((noinline)) int helper(int x)
{
	counter += x;
	return counter + (int)names[x % 3][0];
}

int global_fn(int x)
{
	return helper(x) + weak_fn(x) + global_data;
}

__asm__(".section .text.grouped,\"axG\",@progbits,grouped_sig,comdat\n"
	".globl grouped_sig\n"
	"grouped_sig: ret\n"
	".previous\n");
