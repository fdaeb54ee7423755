// SPDX-License-Identifier: GPL-2.0-only
/* A well-formed module: licence and description; no messages expected. */
#include "kmod.h"

int described_fn(int x)
{
	return x + 7;
}

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("a module that says what it is");
