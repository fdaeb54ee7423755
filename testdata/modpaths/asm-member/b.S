/* SPDX-License-Identifier: GPL-2.0-only */
/* member 2 of 3 (assembly, no .file: no STT_FILE symbol): a local helper and a global */
	.text
helper:
	ret
asm_local:
	call helper
	ret
	.globl b_global
b_global:
	jmp asm_local
