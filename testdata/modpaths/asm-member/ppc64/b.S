/* SPDX-License-Identifier: GPL-2.0-only */
/* member 2 of 3 for ppc64 (assembly, no .file): a local helper and a global that calls
 * _savegpr0_29 and _restgpr0_29 as -Os code does; the module link (ld --save-restore-funcs,
 * in KBUILD_LDFLAGS_MODULE on ppc64 with BFD ld) adds them to the .ko as locals */
	.text
helper:
	blr
asm_local:
	b	helper
	.globl b_global
b_global:
	mflr	0
	bl	_savegpr0_29
	bl	asm_local
	b	_restgpr0_29
