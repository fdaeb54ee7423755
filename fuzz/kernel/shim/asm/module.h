/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space stand-in for the kernel's <asm/module.h>, which names the ELF
 * types of the architecture's modules (asm-generic/module.h). The harness is
 * built twice: 64-bit (x86_64 modules) and, with -DKP_ELF32, 32-bit (i386);
 * only these types change, the harness itself stays a host program.
 */
#ifndef KP_SHIM_ASM_MODULE_H
#define KP_SHIM_ASM_MODULE_H

#include <linux/elf.h>

#ifdef KP_ELF32
#define Elf_Ehdr	Elf32_Ehdr
#define Elf_Shdr	Elf32_Shdr
#define Elf_Sym		Elf32_Sym
#else
#define Elf_Ehdr	Elf64_Ehdr
#define Elf_Shdr	Elf64_Shdr
#define Elf_Sym		Elf64_Sym
#endif

#endif
