// SPDX-License-Identifier: GPL-2.0-only
/*
 * A minimal "module" object (project-written) for running the C modpost on the
 * .mod/.cmd/source fixtures in this directory: a licence tag in .modinfo and a few
 * exports in 6.12's .export_symbol format (label __export_symbol_<name>, the licence and
 * namespace strings, then an 8-byte reference to the symbol).
 */
static const char modinfo_license[] __attribute__((section(".modinfo"), used, aligned(1))) =
	"license=GPL";

#define MINIMOD_EXPORT(name)						\
	void name(void) {}						\
	__asm__(".section \".export_symbol\",\"a\"\n"			\
		"__export_symbol_" #name ":\n"				\
		".asciz \"\"\n"						\
		".asciz \"\"\n"						\
		".balign 8\n"						\
		".quad " #name "\n"					\
		".previous\n")

MINIMOD_EXPORT(sym_a);
MINIMOD_EXPORT(sym_b);
MINIMOD_EXPORT(sym_c);
MINIMOD_EXPORT(sym_d);
MINIMOD_EXPORT(sym_e);
MINIMOD_EXPORT(sym_f);
MINIMOD_EXPORT(sym_g);
MINIMOD_EXPORT(sym_h);
