/* SPDX-License-Identifier: GPL-2.0-only */
/* member 2 of 3 for 32-bit ARM (assembly, no .file): a local helper, a global and a literal,
 * so that gas puts mapping symbols ($a for ARM code, $d for the data) among the locals */
	.text
	.arm
helper:
	bx	lr
asm_local:
	push	{lr}
	bl	helper
	pop	{pc}
	.word	0x12345678
	.globl b_global
b_global:
	b	asm_local
