/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space stand-in for the kernel's <linux/elf.h>: glibc's <elf.h> has the
 * same Elf32_ and Elf64_ types and SHT_ and SHF_ constants.
 */
#ifndef KP_SHIM_LINUX_ELF_H
#define KP_SHIM_LINUX_ELF_H

#include <elf.h>

#endif
