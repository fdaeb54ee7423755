// SPDX-License-Identifier: GPL-2.0-only
/* stands for the generated m.mod.c and for scripts/module-common.c */
static int glue_local;
int *glue_global(void) { return &glue_local; }
#ifdef GLUE_NOTE
/* module-common.c's ELF notes (.note.Linux), which arm64's module link puts first */
static const int glue_note[3] __attribute__((section(".note.Linux"), used)) = { 0, 4, 1 };
#endif
