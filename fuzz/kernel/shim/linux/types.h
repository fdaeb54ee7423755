/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User-space stand-in for the kernel's <linux/types.h>, for building
 * kernel/module/kallsyms_paths.c of the patched tree into the fuzz harness
 * (fuzz/kernel/run.sh). Only what that file and its header use.
 */
#ifndef KP_SHIM_LINUX_TYPES_H
#define KP_SHIM_LINUX_TYPES_H

#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#endif
