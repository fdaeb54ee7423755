// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the module loader's .kallsyms_paths check
 * (kernel/module/kallsyms_paths.c of patch 0004, compiled from the patched
 * tree itself with the shims of fuzz/kernel/shim; fuzz/kernel/run.sh builds
 * and runs it, docs/fuzzing.md "Kernel side").
 *
 * The input is a module file. The harness takes it only if it passes what the
 * loader checks before its kallsyms code runs (elf_validity_cache_copy() of
 * kernel/module/main.c: the ELF header, the section headers inside the file,
 * section 0 empty, every section but SHT_NULL/SHT_NOBITS inside the file, the
 * section-name table, every sh_name, exactly one symtab whose sh_link names a
 * string table), finds .kallsyms_paths as kallsyms_paths_section() does, and
 * hands kallsyms_paths_check() a copy of the file in a buffer of exactly its
 * size, so that AddressSanitizer reports any read past its end.
 *
 * When the check accepts the section, the harness does what the loader and
 * the lookups then do, each on a copy of exactly the size the kernel copies:
 * the section as moved into the init data (sh_size bytes) and the path table
 * as copied into the core data (pathtab_size bytes); every symbol's index is
 * turned into its path with kallsyms_paths_path() in both, and the path is
 * strlen()ed, as the printers do. A path that is not terminated inside the
 * table is a read past the end of that copy.
 *
 * Not taken from the loader: the .modinfo and .gnu.linkonce.this_module
 * checks (they concern other sections, and leaving them out only lets more
 * inputs through). Refused here but not by the loader: section headers not
 * aligned for Elf_Shdr (an x86 kernel reads them anyway; here UBSan would
 * report the harness's own reads instead of the code under test) and
 * e_shnum == 0 (the loader then reads section 0's header without a bound;
 * docs/hardening.md).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kallsyms_paths.h"

#ifdef KP_ELF32
#define EM_486_KERNEL		6	/* the kernel's EM_486; glibc has none */
#define KP_MACHINE_OK(m)	((m) == EM_386 || (m) == EM_486_KERNEL)
#else
#define KP_MACHINE_OK(m)	((m) == EM_X86_64)
#endif

/* elf_validity_cache_sechdrs()'s validate_section_offset() */
static int section_in_file(const Elf_Shdr *s, unsigned long len)
{
	unsigned long long end = (unsigned long long)s->sh_offset + s->sh_size;

	return end >= s->sh_offset && end <= len;
}

/* kallsyms_paths_section() of kernel/module/kallsyms.c */
static const Elf_Shdr *find_section(const Elf_Ehdr *hdr, const Elf_Shdr *sechdrs,
				    const char *secstrings)
{
	const Elf_Shdr *strsect = sechdrs + hdr->e_shstrndx;
	unsigned int i;

	for (i = 1; i < hdr->e_shnum; i++)
		if (sechdrs[i].sh_name < strsect->sh_size &&
		    !strcmp(secstrings + sechdrs[i].sh_name, ".kallsyms_paths"))
			return sechdrs + i;
	return NULL;
}

/* Every symbol's path from a copy of the path table: what the lookups read. */
static size_t walk(const u16 *pathidx, const u32 *pathtab, unsigned int nsyms)
{
	size_t sum = 0;
	unsigned int i;

	for (i = 0; i < nsyms; i++) {
		const char *path = kallsyms_paths_path(pathtab, pathidx[i]);

		if (path)
			sum += strlen(path);
	}
	return sum;
}

static void use_section(const struct kallsyms_paths_hdr *found, const Elf_Shdr *sec,
			unsigned int nsrc)
{
	const struct kallsyms_paths_hdr *hdr;
	u8 *init, *core;
	volatile size_t sink;

	/* add_kallsyms_paths(): the init-time tables point into the moved section */
	init = malloc(sec->sh_size);
	if (!init)
		abort();
	memcpy(init, found, sec->sh_size);
	hdr = (const void *)init;
	sink = walk((const u16 *)(init + hdr->header_size),
		    (const u32 *)(init + hdr->pathtab_off), nsrc);

	/* the core copy of the path table, exactly pathtab_size bytes */
	core = malloc(hdr->pathtab_size);
	if (!core)
		abort();
	memcpy(core, init + hdr->pathtab_off, hdr->pathtab_size);
	sink += walk((const u16 *)(init + hdr->header_size), (const u32 *)core, nsrc);
	(void)sink;
	free(core);
	free(init);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const Elf_Shdr *sechdrs, *strhdr, *symsect, *strsect, *sec;
	const struct kallsyms_paths_hdr *found;
	const Elf_Ehdr *hdr;
	const char *secstrings;
	unsigned int i, nsym = 0, symidx = 0, stridx, nsrc;
	unsigned long len = size;
	u8 *image;

	/* elf_validity_ehdr() */
	if (len < sizeof(Elf_Ehdr))
		return 0;
	image = malloc(len);
	if (!image)
		abort();
	memcpy(image, data, len);
	hdr = (const void *)image;
	if (memcmp(hdr->e_ident, ELFMAG, SELFMAG) || hdr->e_type != ET_REL ||
	    !KP_MACHINE_OK(hdr->e_machine))
		goto out;

	/* elf_validity_cache_sechdrs() */
	if (hdr->e_shentsize != sizeof(Elf_Shdr) || hdr->e_shoff >= len ||
	    hdr->e_shnum * sizeof(Elf_Shdr) > len - hdr->e_shoff ||
	    hdr->e_shnum == 0 || hdr->e_shoff % _Alignof(Elf_Shdr))
		goto out;
	sechdrs = (const void *)(image + hdr->e_shoff);
	if (sechdrs[0].sh_type != SHT_NULL || sechdrs[0].sh_size ||
	    sechdrs[0].sh_addr)
		goto out;
	for (i = 1; i < hdr->e_shnum; i++)
		if (sechdrs[i].sh_type != SHT_NULL &&
		    sechdrs[i].sh_type != SHT_NOBITS &&
		    !section_in_file(sechdrs + i, len))
			goto out;

	/* elf_validity_cache_secstrings() */
	if (hdr->e_shstrndx == SHN_UNDEF || hdr->e_shstrndx >= hdr->e_shnum)
		goto out;
	strhdr = sechdrs + hdr->e_shstrndx;
	if (strhdr->sh_type != SHT_STRTAB || !strhdr->sh_size)
		goto out;
	secstrings = (const char *)image + strhdr->sh_offset;
	if (secstrings[strhdr->sh_size - 1])
		goto out;
	for (i = 0; i < hdr->e_shnum; i++)
		if (sechdrs[i].sh_type != SHT_NULL &&
		    sechdrs[i].sh_name >= strhdr->sh_size)
			goto out;

	/* elf_validity_cache_index_sym() and _str() */
	for (i = 1; i < hdr->e_shnum; i++)
		if (sechdrs[i].sh_type == SHT_SYMTAB) {
			nsym++;
			symidx = i;
		}
	if (nsym != 1)
		goto out;
	symsect = sechdrs + symidx;
	stridx = symsect->sh_link;
	if (stridx == SHN_UNDEF || stridx >= hdr->e_shnum ||
	    sechdrs[stridx].sh_type != SHT_STRTAB)
		goto out;
	strsect = sechdrs + stridx;

	/* layout_and_allocate() -> check_kallsyms_paths(), then layout_kallsyms_paths() */
	nsrc = symsect->sh_size / sizeof(Elf_Sym);
	sec = find_section(hdr, sechdrs, secstrings);
	if (!sec)
		goto out;
	found = kallsyms_paths_check(image, len, sec, symsect, strsect, nsrc);
	if (!found)
		goto out;
	if ((const u8 *)found != image + sec->sh_offset)
		abort();
	use_section(found, sec, nsrc);
out:
	free(image);
	return 0;
}
