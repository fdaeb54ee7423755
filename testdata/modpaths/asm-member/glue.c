// SPDX-License-Identifier: GPL-2.0-only
/* stands for the generated m.mod.c and for scripts/module-common.c */
static int glue_local;
int *glue_global(void) { return &glue_local; }
