// SPDX-License-Identifier: GPL-2.0-only
/*
 * getopt probe for the modpost-rs command-line tests (project-written, not kernel code).
 * Runs plain glibc getopt() with modpost's optstring, stores the results the way
 * modpost's main() does, exits 1 on '?', and prints the final variables one per line,
 * option arguments and positional arguments hex-encoded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void put(const char *key, const char *val)
{
	printf("%s=", key);
	if (!val) {
		printf("(null)\n");
		return;
	}
	for (; *val; val++)
		printf("%02x", (unsigned char)*val);
	printf("\n");
}

int main(int argc, char **argv)
{
	int e = 0, M = 0, m = 0, n = 0, t = 0, a = 0, W = 0, w = 0, E = 1, N = 0, opt;
	const char *T = NULL, *o = NULL, *u = NULL, *d = NULL;

	while ((opt = getopt(argc, argv, "ei:MmnT:to:au:WwENd:")) != -1) {
		switch (opt) {
		case 'e': e = 1; break;
		case 'i': put("i", optarg); break;
		case 'M': M = 1; break;
		case 'm': m = 1; break;
		case 'n': n = 1; break;
		case 'o': o = optarg; break;
		case 'a': a = 1; break;
		case 'T': T = optarg; break;
		case 't': t = 1; break;
		case 'u': u = optarg; break;
		case 'W': W = 1; break;
		case 'w': w = 1; break;
		case 'E': E = 0; break;
		case 'N': N = 1; break;
		case 'd': d = optarg; break;
		default: exit(1);
		}
	}
	printf("e=%d\nM=%d\nm=%d\nn=%d\nt=%d\na=%d\nW=%d\nw=%d\nE=%d\nN=%d\n",
	       e, M, m, n, t, a, W, w, E, N);
	put("T", T);
	put("o", o);
	put("u", u);
	put("d", d);
	while (optind < argc)
		put("file", argv[optind++]);
	return 0;
}
