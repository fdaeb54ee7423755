// SPDX-License-Identifier: GPL-2.0-only
/*
 * Section mismatches through every relocation type modpost decodes, for cross-architecture
 * objects: ARM, MIPS and i386 use SHT_REL, so the addend that names an unnamed target is
 * decoded from the relocated word; the other targets use SHT_RELA. The C parts are
 * portable; the per-architecture assembly produces the specific relocation types.
 */
#include "kmod.h"

int __initdata init_data_var = 1;
static int __initdata init_array[16] = { 1, 2, 3 };
int __exitdata exit_data_var = 2;

__init int init_fn(void)
{
	return init_data_var + init_array[3];
}

__exit void exit_fn(void)
{
	exit_data_var = 0;
}

/* Calls and address loads of whatever kind the compiler picks. */
__noinline int text_calls_init(void)
{
	return init_fn() + 1;
}

__noinline int *text_takes_static_init(void)
{
	return &init_array[5];
}

/* Data words: absolute relocations, with and without an addend in the word. */
__attribute__((section(".data"))) __used void *data_refs[] = {
	(void *)init_fn, &init_data_var, &init_array[2], &init_array[12], (void *)exit_fn,
};

__init void init_calls_exit(void)
{
	exit_fn();
}

__used __attribute__((section(".pci_fixup_final"))) void *pci_fixup_entry = (void *)init_fn;

/* Whitelisted. */
__attribute__((section(".data"))) __used void *__param_cross = &init_data_var;
__attribute__((section(".data"))) __used void *cross_ops[] = { (void *)init_fn };

/* An unnamed target: only a local label in an .init.* section. */
asm(".section .init.anon, \"a\"\n"
    ".balign 4\n"
    ".zero 40\n"
    ".Lanon: .long 0\n"
    ".zero 40\n"
    ".previous\n"
    ".section .data.rel, \"aw\"\n"
    ".balign 4\n"
    ".long .Lanon\n"
    ".long .Lanon + 8\n"
    ".long init_fn + 4\n"
    ".previous\n");

#if defined(__arm__)
/* ARM: MOVW/MOVT (A1), B/BL (JUMP24/CALL), REL32; Thumb-2 MOVW/MOVT, B.W (JUMP24),
 * BEQ.W (JUMP19), BL (THM_CALL). */
asm(".syntax unified\n"
    ".section .text.arm_refs, \"ax\"\n"
    ".arm\n"
    ".globl arm_refs\n"
    ".type arm_refs, %function\n"
    "arm_refs:\n"
    "movw r0, #:lower16:init_data_var + 4\n"
    "movt r0, #:upper16:init_data_var + 4\n"
    "movw r1, #:lower16:.Lanon\n"
    "movt r1, #:upper16:.Lanon\n"
    "bl init_fn\n"
    "b exit_fn\n"
    ".word init_fn - .\n"
    ".word .Lanon - .\n"
    ".thumb\n"
    ".globl thumb_refs\n"
    ".type thumb_refs, %function\n"
    ".thumb_func\n"
    "thumb_refs:\n"
    "movw r0, #:lower16:init_data_var\n"
    "movt r0, #:upper16:init_data_var\n"
    "movw r1, #:lower16:.Lanon + 12\n"
    "movt r1, #:upper16:.Lanon + 12\n"
    "bl init_fn\n"
    "beq.w exit_fn\n"
    "b.w init_fn\n"
    ".arm\n"
    ".previous\n");
#elif defined(__mips__) && !defined(__mips64)
/* MIPS32: HI16/LO16, 26, 32. */
asm(".section .text.mips_refs, \"ax\"\n"
    ".set noreorder\n"
    ".globl mips_refs\n"
    "mips_refs:\n"
    "lui $2, %hi(init_data_var + 8)\n"
    "addiu $2, $2, %lo(init_data_var + 8)\n"
    "lui $3, %hi(.Lanon + 4)\n"
    "addiu $3, $3, %lo(.Lanon + 4)\n"
    "jal init_fn\n"
    "nop\n"
    "j exit_fn\n"
    "nop\n"
    ".word .Lanon + 16\n"
    ".set reorder\n"
    ".previous\n");
#elif defined(__i386__)
/* i386: 32 and PC32 with addends in the word, and an unknown type (R_386_16). */
asm(".section .text.i386_refs, \"ax\"\n"
    ".globl i386_refs\n"
    "i386_refs:\n"
    "movl $init_data_var + 8, %eax\n"
    "movl $.Lanon + 4, %ecx\n"
    "call init_fn\n"
    "jmp exit_fn\n"
    ".word .Lanon\n"
    ".previous\n");
#endif

/* Exports, including one of init code; 32-bit targets use .long in .export_symbol. */
__noinline int cross_export(int x)
{
	return x + 1;
}
EXPORT_SYMBOL_GPL(cross_export);

int cross_data = 5;
EXPORT_SYMBOL_NS(cross_data, CROSS_NS);

__init int cross_init_export(void)
{
	return 2;
}
EXPORT_SYMBOL(cross_init_export);

extern int cross_undefined(void);
__noinline int calls_undefined(void)
{
	return cross_undefined();
}

#if defined(__powerpc__) && !defined(__powerpc64__)
/* Register save/restore helpers: undefined in a module, but never reported on EM_PPC. */
extern void _restgpr_29_x(void), _savegpr_29(void);
__noinline void *ppc_helpers(int i)
{
	return i ? (void *)_restgpr_29_x : (void *)_savegpr_29;
}
#endif

MODULE_LICENSE("GPL");
