/* SPDX-License-Identifier: GPL-2.0-only */
/* No .file directive: ld names this object's local group "asm.o". */
	.text
local_asm:
	ret
	.globl asm_entry
asm_entry:
	call local_asm
	ret
	.section .note.GNU-stack,"",@progbits
