/* SPDX-License-Identifier: GPL-2.0-only */
/* member 2 of 3 for arm64 (assembly, no .file): a local helper, a global and a literal, so
 * that gas puts mapping symbols ($x for code, $d for the data) among the locals */
	.text
helper:
	ret
asm_local:
	stp	x29, x30, [sp, #-16]!
	bl	helper
	ldp	x29, x30, [sp], #16
	ret
	.word	0x12345678
	.globl b_global
b_global:
	b	asm_local
