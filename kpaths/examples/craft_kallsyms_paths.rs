// SPDX-License-Identifier: GPL-2.0-only
//! Crafted `.kallsyms_paths` sections for the loader hardening boot test
//! (`kbuild/crafted-modules.sh`, docs/hardening.md).
//!
//! ```text
//! cargo run --release -p kpaths --example craft_kallsyms_paths -- IN.ko OUTDIR
//! ```
//!
//! `IN.ko` must carry a fresh section (e.g. the paths kernel's `kotest.ko`). For every case this
//! writes `OUTDIR/<case>.ko` and `OUTDIR/<case>.expect` (one line: `loads-with-paths`,
//! `loads-bare` or `refused`), plus `OUTDIR/cases.txt` (`case expect what`, in boot order) and
//! `OUTDIR/paths.txt` (the module's paths: a "wrong path" must still be one of them).
//!
//! Everything goes through kpaths: `ElfFile` reads the headers, `module_section::decode`
//! the payload, `append::with_section` adds sections, `read_section` gives kpaths' own verdict
//! (printed beside each case); bytes are patched with `object`'s pod section headers and
//! `Endian` writers, in the file's byte order and class.

use std::fmt::Display;
use std::path::Path;
use std::process::ExitCode;

use kpaths::elf::append::with_section;
use kpaths::elf::ElfFile;
use kpaths::elf::SectionHeader;
use kpaths::module_section::decode;
use kpaths::module_section::encode;
use kpaths::module_section::read_section;
use kpaths::module_section::symtab_crc;
use kpaths::module_section::HEADER_SIZE;
use kpaths::module_section::SECTION_NAME;
use object::elf;
use object::endian::U32;
use object::endian::U64;
use object::pod;
use object::Endian;
use object::Endianness;
use object::SectionIndex;

type Result<T> = std::result::Result<T, String>;

fn fail(what: impl Display) -> String {
    what.to_string()
}

/// What the input module looks like: its section and the numbers the cases patch.
struct Base {
    data: Vec<u8>,
    e: Endianness,
    /// index of `.kallsyms_paths`
    sec: usize,
    /// its `sh_offset` and `sh_size`
    off: usize,
    size: usize,
    num_syms: usize,
    num_paths: usize,
    pathtab_off: usize,
    pathtab_size: usize,
    /// the first symbol with a path, and its path index
    first_with_path: usize,
    /// file offsets of a local function's name in `.strtab` and of its `st_size` in `.symtab`
    strtab_name_at: usize,
    symtab_size_at: usize,
    paths: Vec<Vec<u8>>,
}

impl Base {
    fn new(data: Vec<u8>) -> Result<Base> {
        let file = ElfFile::parse(&data).map_err(fail)?;
        let (symtab, section) =
            read_section(&file).map_err(|p| format!("no fresh section: {p}"))?;
        let sec = file
            .section_by_name(SECTION_NAME.as_bytes())
            .ok_or("no section")?
            .0;
        let sh = file.sections[sec];
        let (off, size) = (sh.sh_offset as usize, sh.sh_size as usize);
        let payload = &data[off..off + size];
        let word = |at: usize| {
            file.endian
                .read_u32(payload[at..at + 4].try_into().unwrap_or_default())
        };
        let pathtab_off = word(16) as usize;
        let pathtab_size = word(20) as usize;
        let first_with_path = (0..section.index.len())
            .find(|&i| section.index[i] != 0)
            .ok_or("no symbol has a path")?;
        // A local function whose name can change without touching any import or export.
        let sym = symtab
            .symbols
            .iter()
            .find(|s| s.name == b"kotest_middle")
            .or_else(|| {
                symtab
                    .symbols
                    .iter()
                    .find(|s| s.is_local() && s.st_type == elf::STT_FUNC && s.name.len() > 2)
            })
            .ok_or("no local function to rename")?;
        let base = data.as_ptr() as usize;
        let strtab_name_at = sym.name.as_ptr() as usize - base + 1;
        let entsize = if file.is_64 { 24 } else { 16 };
        let st_size = if file.is_64 { 16 } else { 8 };
        let symtab_size_at =
            symtab.bytes.as_ptr() as usize - base + sym.index.0 * entsize + st_size;
        Ok(Base {
            e: file.endian,
            sec,
            off,
            size,
            num_syms: section.index.len(),
            num_paths: section.paths.len(),
            pathtab_off,
            pathtab_size,
            first_with_path,
            strtab_name_at,
            symtab_size_at,
            paths: section.paths.clone(),
            data,
        })
    }

    fn payload(&self) -> &[u8] {
        &self.data[self.off..self.off + self.size]
    }

    fn put_u16(&self, out: &mut [u8], at: usize, v: u16) {
        out[self.off + at..self.off + at + 2].copy_from_slice(&self.e.write_u16(v));
    }

    fn put_u32(&self, out: &mut [u8], at: usize, v: u32) {
        out[self.off + at..self.off + at + 4].copy_from_slice(&self.e.write_u32(v));
    }

    /// Offset of `str_off[p]` within the section.
    fn str_off_at(&self, p: usize) -> usize {
        self.pathtab_off + 4 + 4 * p
    }
}

/// Rewrites section header `index` of `out` after `f` changed it (the header table is found
/// through `out`'s own ELF header, so this works after an append too).
fn set_shdr(out: &mut [u8], index: usize, f: impl FnOnce(&mut SectionHeader)) -> Result<()> {
    let (e, is_64, at, mut h) = {
        let file = ElfFile::parse(out).map_err(fail)?;
        let h = *file.section(SectionIndex(index)).map_err(fail)?;
        let entsize = if file.is_64 { 64 } else { 40 };
        (
            file.endian,
            file.is_64,
            file.e_shoff as usize + index * entsize,
            h,
        )
    };
    f(&mut h);
    let bytes = out.get_mut(at..).ok_or("section header past the end")?;
    if is_64 {
        let (sh, _) = pod::from_bytes_mut::<elf::SectionHeader64<Endianness>>(bytes)
            .map_err(|()| "truncated header")?;
        sh.sh_name = U32::new(e, h.sh_name);
        sh.sh_type = U32::new(e, h.sh_type);
        sh.sh_flags = U64::new(e, h.sh_flags);
        sh.sh_offset = U64::new(e, h.sh_offset);
        sh.sh_size = U64::new(e, h.sh_size);
        sh.sh_addralign = U64::new(e, h.sh_addralign);
    } else {
        let (sh, _) = pod::from_bytes_mut::<elf::SectionHeader32<Endianness>>(bytes)
            .map_err(|()| "truncated header")?;
        let w = |v: u64| U32::new(e, v as u32);
        sh.sh_name = U32::new(e, h.sh_name);
        sh.sh_type = U32::new(e, h.sh_type);
        sh.sh_flags = U32::new_u64(e, h.sh_flags).map_err(|_| "sh_flags")?;
        sh.sh_offset = w(h.sh_offset);
        sh.sh_size = w(h.sh_size);
        sh.sh_addralign = w(h.sh_addralign);
    }
    Ok(())
}

/// A copy with `payload` as a second section called `.kallsyms_paths`: `with_section` adds it
/// under a new name of the same length, then its `sh_name` is pointed at the existing name.
fn second_section(b: &Base, first: &[u8], payload: &[u8]) -> Result<Vec<u8>> {
    let file = ElfFile::parse(first).map_err(fail)?;
    let mut out = with_section(&file, b".kallsyms_pathz", payload).map_err(fail)?;
    let name = file.sections[b.sec].sh_name;
    let last = ElfFile::parse(&out).map_err(fail)?.sections.len() - 1;
    set_shdr(&mut out, last, |h| h.sh_name = name)?;
    Ok(out)
}

type Craft = fn(&Base) -> Result<Vec<u8>>;

/// (name, expected result, what it does, how)
const CASES: &[(&str, &str, &str, Craft)] = &[
    ("good", "loads-with-paths", "unchanged copy (control)", |b| Ok(b.data.clone())),
    ("trunc-index", "loads-bare", "sh_size cut in the middle of the index array", |b| {
        let mut o = b.data.clone();
        set_shdr(&mut o, b.sec, |h| h.sh_size = (HEADER_SIZE + b.num_syms) as u64)?;
        Ok(o)
    }),
    ("trunc-pathtab", "loads-bare", "sh_size cut in the middle of the path table", |b| {
        let mut o = b.data.clone();
        set_shdr(&mut o, b.sec, |h| h.sh_size = (b.pathtab_off + b.pathtab_size / 2) as u64)?;
        Ok(o)
    }),
    ("count-plus1", "loads-bare", "num_syms = symtab entries + 1", |b| {
        let mut o = b.data.clone();
        b.put_u32(&mut o, 8, b.num_syms as u32 + 1);
        Ok(o)
    }),
    ("count-minus1", "loads-bare", "num_syms = symtab entries - 1", |b| {
        let mut o = b.data.clone();
        b.put_u32(&mut o, 8, b.num_syms as u32 - 1);
        Ok(o)
    }),
    ("stroff-at-end", "loads-bare", "last str_off = pathtab_size (one past the table)", |b| {
        let mut o = b.data.clone();
        b.put_u32(&mut o, b.str_off_at(b.num_paths - 1), b.pathtab_size as u32);
        Ok(o)
    }),
    ("stroff-huge", "loads-bare", "str_off[1] = 0xfffffff0", |b| {
        let mut o = b.data.clone();
        b.put_u32(&mut o, b.str_off_at(1), 0xffff_fff0);
        Ok(o)
    }),
    ("index-past-paths", "loads-bare", "one symbol's index = num_paths", |b| {
        let mut o = b.data.clone();
        b.put_u16(&mut o, HEADER_SIZE + 2 * b.first_with_path, b.num_paths as u16);
        Ok(o)
    }),
    ("index-ffff", "loads-bare", "one symbol's index = 0xffff", |b| {
        let mut o = b.data.clone();
        b.put_u16(&mut o, HEADER_SIZE + 2 * b.first_with_path, 0xffff);
        Ok(o)
    }),
    ("no-final-nul", "loads-bare", "the last path lost its terminating NUL", |b| {
        let mut o = b.data.clone();
        o[b.off + b.pathtab_off + b.pathtab_size - 1] = b'x';
        Ok(o)
    }),
    ("npaths-zero", "loads-bare", "num_paths = 0", |b| {
        let mut o = b.data.clone();
        b.put_u32(&mut o, b.pathtab_off, 0);
        Ok(o)
    }),
    ("npaths-huge", "loads-bare", "num_paths = 0x40000001 (4*n wraps in 32 bits)", |b| {
        let mut o = b.data.clone();
        b.put_u32(&mut o, b.pathtab_off, 0x4000_0001);
        Ok(o)
    }),
    ("shsize-past-eof", "refused", "sh_size reaches 4 bytes past the end of the file", |b| {
        let mut o = b.data.clone();
        let size = (b.data.len() - b.off + 4) as u64;
        set_shdr(&mut o, b.sec, |h| h.sh_size = size)?;
        Ok(o)
    }),
    ("shoffset-past-eof", "refused", "sh_offset past the end of the file", |b| {
        let mut o = b.data.clone();
        let at = (b.data.len() + 4).next_multiple_of(4) as u64;
        set_shdr(&mut o, b.sec, |h| h.sh_offset = at)?;
        Ok(o)
    }),
    ("null-past-eof", "loads-bare", "SHT_NULL (the loader's own bounds check skips it), sh_offset past EOF", |b| {
        let mut o = b.data.clone();
        let at = (b.data.len() + 4).next_multiple_of(4) as u64;
        set_shdr(&mut o, b.sec, |h| {
            h.sh_type = elf::SHT_NULL;
            h.sh_offset = at;
        })?;
        Ok(o)
    }),
    ("null-wrap", "loads-bare", "SHT_NULL, sh_offset 2^64-16, sh_size 0x40 (offset+size wraps)", |b| {
        let mut o = b.data.clone();
        set_shdr(&mut o, b.sec, |h| {
            h.sh_type = elf::SHT_NULL;
            h.sh_offset = u64::MAX - 15;
            h.sh_size = 0x40;
        })?;
        Ok(o)
    }),
    ("null-type", "loads-bare", "SHT_NULL with good contents (only SHT_PROGBITS is taken)", |b| {
        let mut o = b.data.clone();
        set_shdr(&mut o, b.sec, |h| h.sh_type = elf::SHT_NULL)?;
        Ok(o)
    }),
    ("nobits", "loads-bare", "SHT_NOBITS", |b| {
        let mut o = b.data.clone();
        set_shdr(&mut o, b.sec, |h| h.sh_type = elf::SHT_NOBITS)?;
        Ok(o)
    }),
    ("alloc-flag", "loads-bare", "SHF_ALLOC set", |b| {
        let mut o = b.data.clone();
        set_shdr(&mut o, b.sec, |h| h.sh_flags = elf::SectionFlags(elf::SHF_ALLOC.0))?;
        Ok(o)
    }),
    ("offset-misaligned", "loads-bare", "sh_offset += 2, sh_size -= 2", |b| {
        let mut o = b.data.clone();
        set_shdr(&mut o, b.sec, |h| {
            h.sh_offset += 2;
            h.sh_size -= 2;
        })?;
        Ok(o)
    }),
    ("header-size-26", "loads-bare", "header_size = 26 (not a multiple of 4)", |b| {
        let mut o = b.data.clone();
        b.put_u16(&mut o, 6, 26);
        Ok(o)
    }),
    ("header-size-overlap", "loads-bare", "header_size = pathtab_off (index array runs into the path table)", |b| {
        let mut o = b.data.clone();
        b.put_u16(&mut o, 6, b.pathtab_off as u16);
        Ok(o)
    }),
    ("header-size-huge", "loads-bare", "header_size = 0xfffc", |b| {
        let mut o = b.data.clone();
        b.put_u16(&mut o, 6, 0xfffc);
        Ok(o)
    }),
    ("pathtab-misaligned", "loads-bare", "pathtab_off += 2", |b| {
        let mut o = b.data.clone();
        b.put_u32(&mut o, 16, b.pathtab_off as u32 + 2);
        Ok(o)
    }),
    ("pathtab-overlap", "loads-bare", "pathtab_off 4 bytes inside the index array", |b| {
        let mut o = b.data.clone();
        let at = (HEADER_SIZE + 2 * b.num_syms - 4) / 4 * 4;
        b.put_u32(&mut o, 16, at as u32);
        Ok(o)
    }),
    ("pathtab-size-huge", "loads-bare", "pathtab_size = 0xffffffff (off+size wraps in 32 bits)", |b| {
        let mut o = b.data.clone();
        b.put_u32(&mut o, 20, u32::MAX);
        Ok(o)
    }),
    ("bad-magic", "loads-bare", "magic byte-swapped", |b| {
        let mut o = b.data.clone();
        b.put_u32(&mut o, 0, kpaths::module_section::MAGIC.swap_bytes());
        Ok(o)
    }),
    ("bad-version", "loads-bare", "version = 2", |b| {
        let mut o = b.data.clone();
        b.put_u16(&mut o, 4, 2);
        Ok(o)
    }),
    ("size-0", "loads-bare", "sh_size = 0", |b| size_cut(b, 0)),
    ("size-1", "loads-bare", "sh_size = 1", |b| size_cut(b, 1)),
    ("size-12", "loads-bare", "sh_size = 12", |b| size_cut(b, 12)),
    ("size-23", "loads-bare", "sh_size = header_size - 1", |b| size_cut(b, HEADER_SIZE - 1)),
    ("wrong-indices", "loads-with-paths", "right count and CRC, every path index shifted to the next path (undetectable: wrong path, no harm)", |b| {
        let mut o = b.data.clone();
        let n = b.num_paths - 1; // paths 1..=n
        for i in 0..b.num_syms {
            let at = b.off + HEADER_SIZE + 2 * i;
            let idx = usize::from(b.e.read_u16([o[at], o[at + 1]]));
            if idx != 0 {
                b.put_u16(&mut o, HEADER_SIZE + 2 * i, (idx % n + 1) as u16);
            }
        }
        Ok(o)
    }),
    ("second-valid", "loads-with-paths", "a second, identical .kallsyms_paths appended", |b| {
        second_section(b, &b.data, b.payload())
    }),
    ("second-garbage", "loads-with-paths", "a second .kallsyms_paths of garbage appended (the first is used)", |b| {
        second_section(b, &b.data, &[0xa5; 64])
    }),
    ("first-bad-second-good", "loads-bare", "first section's magic broken, a good copy appended (only the first is looked at)", |b| {
        let mut first = b.data.clone();
        b.put_u32(&mut first, 0, 0);
        second_section(b, &first, b.payload())
    }),
    ("second-reencoded", "loads-with-paths", "a second section re-encoded by kpaths (encode) after the first (the first is used)", |b| {
        let file = ElfFile::parse(&b.data).map_err(fail)?;
        let (symtab, section) = read_section(&file).map_err(|p| p.to_string())?;
        let paths: Vec<Option<&[u8]>> = (0..section.index.len()).map(|i| section.path_of(i)).collect();
        let payload = encode(&paths, symtab_crc(symtab.bytes, symtab.strtab), b.e).map_err(fail)?;
        second_section(b, &b.data, &payload)
    }),
    ("stale-strtab", "loads-bare", "a local function's name changed in .strtab after ko-paths (CRC mismatch)", |b| {
        let mut o = b.data.clone();
        o[b.strtab_name_at] ^= 0x20;
        Ok(o)
    }),
    ("stale-symtab", "loads-bare", "a local function's st_size changed in .symtab after ko-paths (CRC mismatch)", |b| {
        let mut o = b.data.clone();
        o[b.symtab_size_at] ^= 0x01;
        Ok(o)
    }),
    // Last: with the patch as it is, this one corrupts the loader's layout (see docs/hardening.md).
    ("align-4g", "loads-bare", "good contents, sh_addralign = 2^32 (was truncated to 0 in the loader's ALIGN: an oops before the fix)", |b| {
        let mut o = b.data.clone();
        set_shdr(&mut o, b.sec, |h| h.sh_addralign = 1 << 32)?;
        Ok(o)
    }),
];

fn size_cut(b: &Base, size: usize) -> Result<Vec<u8>> {
    let mut o = b.data.clone();
    set_shdr(&mut o, b.sec, |h| h.sh_size = size as u64)?;
    Ok(o)
}

/// kpaths' verdict on a crafted file (what `modpost-rs verify` would say).
fn verdict(data: &[u8]) -> String {
    match ElfFile::parse(data) {
        Err(e) => format!("not ELF: {e}"),
        Ok(file) => match read_section(&file) {
            Ok((_, s)) => format!("fresh ({} paths)", s.paths.len()),
            Err(p) => p.to_string(),
        },
    }
}

fn run(input: &Path, outdir: &Path) -> Result<()> {
    let data = std::fs::read(input).map_err(|e| format!("{}: {e}", input.display()))?;
    let base = Base::new(data).map_err(|e| format!("{}: {e}", input.display()))?;
    decode(base.payload(), base.e).map_err(fail)?;
    if base.num_paths < 2 {
        return Err(format!("{}: needs at least one path", input.display()));
    }
    std::fs::create_dir_all(outdir).map_err(|e| format!("{}: {e}", outdir.display()))?;
    let write = |name: &str, bytes: &[u8]| {
        std::fs::write(outdir.join(name), bytes).map_err(|e| format!("{name}: {e}"))
    };
    let mut list = String::new();
    for (name, expect, what, craft) in CASES {
        let bytes = craft(&base).map_err(|e| format!("{name}: {e}"))?;
        write(&format!("{name}.ko"), &bytes)?;
        write(&format!("{name}.expect"), format!("{expect}\n").as_bytes())?;
        list.push_str(&format!("{name} {expect} {what}\n"));
        println!("{name:22} {expect:17} kpaths: {}", verdict(&bytes));
    }
    write("cases.txt", list.as_bytes())?;
    let mut paths = Vec::new();
    for p in base.paths.iter().filter(|p| !p.is_empty()) {
        paths.extend_from_slice(p);
        paths.push(b'\n');
    }
    write("paths.txt", &paths)?;
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: craft_kallsyms_paths IN.ko OUTDIR");
        return ExitCode::from(2);
    }
    match run(Path::new(&args[1]), Path::new(&args[2])) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("craft_kallsyms_paths: {e}");
            ExitCode::FAILURE
        }
    }
}
