// SPDX-License-Identifier: GPL-2.0-only
/* The strong definition wins over c/dup.c's weak one. */
int weakfn(void) { return 2; }
