// SPDX-License-Identifier: GPL-2.0-only
/*
 * One reference for each row of sectioncheck[] and each secref_whitelist() pattern, with
 * named and unnamed sources and targets.
 */
#include "kmod.h"

int __initdata init_data_var = 1;
int __exitdata exit_data_var = 2;

__init int init_fn(void)
{
	return init_data_var;
}

__exit void exit_fn(void)
{
	exit_data_var = 0;
}

/* Rule 1 (TEXT/DATA -> INIT/EXIT): .text calls into .init.text and .exit.text. */
__noinline int text_calls_init(void)
{
	return init_fn() + 1;
}

__noinline void text_calls_exit(void)
{
	exit_fn();
}

/* Rule 1 from a .text.* section. */
__attribute__((section(".text.unlikely.cold_path"))) __noinline int cold_path_calls_init(void)
{
	return init_fn() + 2;
}

/* Rule 1 from the other TEXT_SECTIONS patterns; .ref.text and .softirqentry.text
 * (OTHER_TEXT) are in no "from" set, and .meminit.text (6.1's XXXINIT) is in no set at all. */
#define FROM_SECTION(sec, fn)                                                   \
	__attribute__((section(sec))) __noinline int fn(void)                   \
	{                                                                      \
		return init_fn() + __LINE__;                                   \
	}
FROM_SECTION(".noinstr.text", noinstr_calls_init)
FROM_SECTION(".sched.text", sched_calls_init)
FROM_SECTION(".kprobes.text", kprobes_calls_init)
FROM_SECTION(".cpuidle.text", cpuidle_calls_init)
FROM_SECTION(".ltext", ltext_calls_init)
FROM_SECTION(".ltext.hot", ltext_hot_calls_init)
FROM_SECTION(".ref.text", ref_calls_init)
FROM_SECTION(".softirqentry.text", softirq_calls_init)
FROM_SECTION(".meminit.text", meminit_calls_init)
FROM_SECTION(".textual", textual_calls_init)
static const int __initconst init_rodata_var = 4;
__attribute__((section(".data"))) __used const void *data_to_init_rodata = &init_rodata_var;
__attribute__((section(".data"))) __used void *data_to_exit_data = &exit_data_var;

/* Rule 1 from .data and .data.rel (named objects). */
__attribute__((section(".data"))) void *data_to_init_data = &init_data_var;
__attribute__((section(".data.rel"))) void *data_rel_to_exit = (void *)exit_fn;

/* Rule 2 (INIT -> EXIT). */
__init void init_calls_exit(void)
{
	exit_fn();
}

/* Rule 3 (EXIT -> INIT), to code and to data. */
__exit void exit_calls_init(void)
{
	init_data_var = init_fn();
}

/* Rule 4 (PCI fixup -> INIT). */
__used __attribute__((section(".pci_fixup_final"))) void *pci_fixup_entry = (void *)init_fn;

/* Not a mismatch: .rodata is in no rule; INIT -> INIT is fine. */
__used const void *const rodata_to_init = (void *)init_fn;
__init int init_uses_init(void)
{
	return init_fn() + init_data_var;
}

/* Whitelist P1: a __param* object in .data may point at init data. */
__attribute__((section(".data"))) __used void *__param_wl_p1 = &init_data_var;
/* Whitelist P1a: __param_ops_* in .data may point at .init.text. */
__attribute__((section(".data"))) __used void *__param_ops_wl_p1a = (void *)init_fn;
/* A __param object pointing at .init.text is not covered by P1: reported. */
__attribute__((section(".data"))) __used void *__param_not_p1 = (void *)init_fn;
/* Whitelist "ops": *_ops, *_probe, *_console in .data may point at init/exit. */
__attribute__((section(".data"))) __used void *wl_ops[] = { (void *)init_fn, (void *)exit_fn };
__attribute__((section(".data"))) __used void *wl_probe = (void *)init_fn;
__attribute__((section(".data"))) __used void *wl_console = &exit_data_var;
__attribute__((section(".data"))) __used void *wl_ops_but_not[] = { (void *)init_fn };

/* Whitelist P3: .head.text (and .head.text.*) may reference init code. */
__attribute__((section(".head.text"))) __noinline int head_calls_init(void)
{
	return init_fn();
}
__attribute__((section(".head.text.early"))) __noinline int head2_calls_init(void)
{
	return init_fn() + 3;
}

/* Whitelist P4: references to the init boundary symbols. */
asm(".section .init.text, \"ax\"\n"
    ".globl __init_begin\n__init_begin: ret\n"
    ".globl _sinittext\n_sinittext: ret\n"
    ".globl _einittext\n_einittext: ret\n"
    ".globl _not_a_marker\n_not_a_marker: ret\n"
    ".previous\n");
extern char __init_begin[], _sinittext[], _einittext[], _not_a_marker[];
__noinline void *markers(int i)
{
	static void *const tab[] = { __init_begin, _sinittext, _einittext };

	return i > 2 ? (void *)_not_a_marker : tab[i];
}
__attribute__((section(".data"))) __used void *marker_refs[] = { _sinittext, _einittext };

/* Whitelist P5: constprop clones in any text section may call init code. */
__noinline int constprop_clone(void) asm("helper.constprop.0");
__noinline int constprop_clone(void)
{
	return init_fn() * 2;
}
__noinline int isra_clone(void) asm("helper.isra.0");
__noinline int isra_clone(void)
{
	return init_fn() * 3;
}

/* remove_dot(): "numbered.42" is reported as "numbered". */
__noinline int numbered(void) asm("numbered.42");
__noinline int numbered(void)
{
	return init_fn() * 4;
}

/* Unnamed source and target: no symbol in .data.rel.ro before the word, and a target in an
 * .init.* section that has only local .L labels. */
asm(".section .init.anon, \"a\"\n"
    ".zero 64\n"
    ".Lanon_target: .string \"anonymous\"\n"
    ".previous\n"
    ".section .data.rel, \"aw\"\n"
    ".balign 8\n"
    ".quad .Lanon_target\n"
    ".quad init_fn + 5\n"
    ".previous\n");

/* Unnamed data source with a named object far before it (offset from that symbol). */
__attribute__((section(".text"))) __noinline int far_text(void)
{
	return 5;
}
asm(".text\n"
    ".zero 100\n"
    ".Lfar: call init_fn\n"
    ".previous\n");

/* Relocations of whitelisted sections are never checked. */
asm(".section .discard.refs, \"a\"\n"
    ".quad init_fn\n"
    ".previous\n"
    ".section .note.refs, \"a\"\n"
    ".quad exit_fn\n"
    ".previous\n");

/* An undefined target has no section: never a mismatch. */
extern int some_undefined_fn(void);
__noinline int calls_undefined(void)
{
	return some_undefined_fn();
}

MODULE_LICENSE("GPL");
