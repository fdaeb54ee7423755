/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Minimal kernel-style annotations for the modpost diagnostics fixtures.
 *
 * These are project-written stand-ins for <linux/module.h>, <linux/init.h> and
 * <linux/export.h>: they put the same bytes into the same sections (.modinfo strings,
 * .export_symbol entries, .init.* / .exit.* code and data), which is all modpost reads.
 */
#ifndef KMOD_H
#define KMOD_H

#define kmod_str1(x...) #x
#define kmod_str(x...) kmod_str1(x)
#define kmod_cat1(a, b) a##b
#define kmod_cat(a, b) kmod_cat1(a, b)
#define kmod_unique(p) kmod_cat(kmod_cat(__UNIQUE_ID_, p), __COUNTER__)

/* One "tag=value" string in .modinfo, byte-aligned like the kernel's. */
#define MODULE_INFO(tag, info)                                                 \
	static const char kmod_unique(tag)[]                                   \
		__attribute__((used, section(".modinfo"), aligned(1))) =       \
			#tag "=" info
#define MODULE_LICENSE(l) MODULE_INFO(license, l)
#define MODULE_DESCRIPTION(d) MODULE_INFO(description, d)
#define MODULE_VERSION(v) MODULE_INFO(version, v)
#define MODULE_IMPORT_NS(ns) MODULE_INFO(import_ns, kmod_str(ns))

#define __used __attribute__((used))
#define __noinline __attribute__((noinline))
#define __init __attribute__((section(".init.text"), cold, noinline))
#define __exit __attribute__((section(".exit.text"), cold, noinline, used))
#define __initdata __attribute__((section(".init.data")))
#define __initconst __attribute__((section(".init.rodata")))
#define __exitdata __attribute__((section(".exit.data")))

#ifdef __LP64__
#define KMOD_EXPORT_REF(sym) .balign 8 ; .quad sym
#else
#define KMOD_EXPORT_REF(sym) .balign 4 ; .long sym
#endif

/*
 * The .export_symbol entry of include/linux/export.h: a local label
 * __export_symbol_<sym>, the licence string, the namespace string, then a
 * pointer to the symbol (the relocation modpost follows).
 */
#define KMOD_EXPORT_ASM(label, sym, license, ns)                               \
	.section ".export_symbol", "a" ;                                       \
	label: ;                                                               \
	.asciz license ;                                                       \
	.ascii ns "\0" ;                                                       \
	KMOD_EXPORT_REF(sym) ;                                                 \
	.previous

#define __EXPORT_SYMBOL(sym, license, ns)                                      \
	asm(kmod_str(KMOD_EXPORT_ASM(__export_symbol_##sym, sym, license, ns)))

#define EXPORT_SYMBOL(sym) __EXPORT_SYMBOL(sym, "", "")
#define EXPORT_SYMBOL_GPL(sym) __EXPORT_SYMBOL(sym, "GPL", "")
#define EXPORT_SYMBOL_NS(sym, ns) __EXPORT_SYMBOL(sym, "", kmod_str(ns))
#define EXPORT_SYMBOL_NS_GPL(sym, ns) __EXPORT_SYMBOL(sym, "GPL", kmod_str(ns))
#define EXPORT_SYMBOL_GPL_FOR_MODULES(sym, mods)                              \
	__EXPORT_SYMBOL(sym, "GPL", "module:" mods)

#endif
