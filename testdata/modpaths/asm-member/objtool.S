/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Stands for what the linker and objtool add to a multi-object module's linked <mod>.o and
 * no member object defines: prefix symbols (CONFIG_PREFIX_SYMBOLS pads each function with 16
 * bytes and objtool names them __pfx_<function>, with the function's binding) and mapping
 * symbols ($x, $d of arm64 and friends, which the linker adds and merges).
 */
	.text
"$x":
	nop
	.globl __pfx_a_global
__pfx_a_global:
	.skip 16
__pfx_helper:
	.skip 16
"$d":
	.byte 0
