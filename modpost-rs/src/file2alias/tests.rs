//! Differential tests against the C modpost, on the kernel-style fixtures in testdata/devtables.
//!
//! `testdata/devtables/build.sh` compiles the fixtures as an external module against the fixture
//! kernel and runs the C modpost on each module alone, keeping its `.mod.c`, stderr and exit
//! status. Here every `__mod_*_device_table` symbol of each module's `.o` (read with the object
//! crate, in symbol-table order, with the checks the core makes before calling us) goes through
//! our code, and the `MODULE_ALIAS` lines, the stderr bytes and fatal-or-not must be identical.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use object::elf;
use object::read::elf::{FileHeader, SectionHeader, Sym};

use super::offsets::DeviceTableOffsets;
use super::{handle_with, table_kind, Alias, DevTableTarget, Entry, Report};
use crate::diag::Fatal;

const X86_64: DevTableTarget = DevTableTarget {
    is_64: true,
    big_endian: false,
};

/// Collects diagnostics as the C tool prints them.
#[derive(Default)]
struct Recorder {
    /// Everything written to "stderr", prefixes included, as raw bytes.
    stderr: Vec<u8>,
}

impl Report for Recorder {
    fn warn(&mut self, msg: Vec<u8>) {
        self.stderr.extend_from_slice(b"WARNING: modpost: ");
        self.stderr.extend_from_slice(&msg);
    }
    fn raw(&mut self, msg: Vec<u8>) {
        self.stderr.extend_from_slice(&msg);
    }
    fn fatal(&mut self, msg: Vec<u8>) -> Fatal {
        self.stderr.extend_from_slice(b"ERROR: modpost: ");
        self.stderr.extend_from_slice(&msg);
        Fatal
    }
}

/// Number of lines in a byte buffer of `\n`-terminated lines.
fn line_count(text: &[u8]) -> usize {
    text.iter().filter(|&&b| b == b'\n').count()
}

/// The `MODULE_ALIAS(...)` lines of a `.mod.c` file, byte for byte.
fn alias_lines(mod_c: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for line in mod_c.split_inclusive(|&b| b == b'\n') {
        if line.starts_with(b"MODULE_ALIAS(") {
            out.extend_from_slice(line);
        }
    }
    out
}

/// Byte equality, shown as text when it fails.
#[track_caller]
fn assert_same_bytes(ours: &[u8], theirs: &[u8], what: &str) {
    assert!(
        ours == theirs,
        "{what}\n--- ours:\n{}\n--- C:\n{}",
        String::from_utf8_lossy(ours),
        String::from_utf8_lossy(theirs)
    );
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The C oracle's WORK directory (kpaths::testkit).
fn fixture_work() -> PathBuf {
    kpaths::testkit::oracle().work
}

/// The built fixtures and the C modpost's verdicts.
struct Oracle {
    /// build.sh's output directory (the M= directory).
    out: PathBuf,
    /// The kernel build's own `scripts/mod/devicetable-offsets.h`.
    offsets: DeviceTableOffsets,
    /// The ELF class and byte order of that build.
    target: DevTableTarget,
}

/// `<target>/<profile>/<name>`: scratch space inside the cargo target directory.
fn scratch_dir(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().and_then(Path::parent).unwrap().join(name)
}

/// Build the fixtures against the kernel build `build` (build.sh) and load its layouts.
fn build_fixtures(
    build: &Path,
    arch: Option<&str>,
    out: PathBuf,
    target: DevTableTarget,
) -> Oracle {
    let header = build.join("scripts/mod/devicetable-offsets.h");
    let text = std::fs::read(&header).unwrap_or_else(|err| {
        panic!(
            "the C oracle's {} is missing ({err}); build it with `bash kbuild/kernel.sh build oracle`",
            header.display()
        )
    });
    let offsets = DeviceTableOffsets::parse(&text, &header.to_string_lossy()).unwrap();
    let mut command = Command::new("bash");
    command
        .arg(repo_root().join("testdata/devtables/build.sh"))
        .arg(build)
        .arg(&out);
    if let Some(arch) = arch {
        command.env("ARCH", arch);
    }
    let status = command.status().unwrap();
    assert!(
        status.success(),
        "testdata/devtables/build.sh failed ({status}); see {}/make.log",
        out.display()
    );
    Oracle {
        out,
        offsets,
        target,
    }
}

fn oracle() -> &'static Oracle {
    static ORACLE: OnceLock<Oracle> = OnceLock::new();
    ORACLE.get_or_init(|| {
        let work = fixture_work();
        assert!(
            work.join(".done-build").exists(),
            "the fixture kernel build in {} is not finished (.done-build is missing)",
            work.display()
        );
        build_fixtures(
            &work.join("build-6.12"),
            None,
            scratch_dir("file2alias-devtables"),
            X86_64,
        )
    })
}

/// The modules listed in testdata/devtables/Kbuild.
fn fixture_modules() -> Vec<String> {
    let kbuild = std::fs::read_to_string(repo_root().join("testdata/devtables/Kbuild")).unwrap();
    kbuild
        .lines()
        .filter_map(|line| line.strip_prefix("obj-m"))
        .flat_map(|rest| {
            rest.trim_start_matches([' ', ':', '+', '='])
                .split_whitespace()
        })
        .filter_map(|obj| obj.strip_suffix(".o"))
        .map(str::to_string)
        .collect()
}

/// C's `remove_dot`: drop a `.<digits>` suffix that the compiler added (`foo.123`).
fn remove_dot(name: &[u8]) -> &[u8] {
    let Some(n) = name.iter().position(|&b| b == b'.') else {
        return name;
    };
    let digits = name
        .get(n + 1..)
        .unwrap_or_default()
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let after = name.get(n + 1 + digits).copied();
    if n > 0 && digits > 0 && matches!(after, None | Some(b'.')) {
        name.get(..n).unwrap_or(name)
    } else {
        name
    }
}

/// One device-table candidate as the core passes it: name and bytes.
struct TableSymbol {
    /// Symbol name after `remove_dot`.
    name: Vec<u8>,
    /// `st_size` bytes (zeros for SHT_NOBITS).
    data: Vec<u8>,
}

/// The STT_OBJECT symbols with a real section index, in symbol-table order.
fn object_symbols(path: &Path) -> Vec<TableSymbol> {
    let file = std::fs::read(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    // e_ident[EI_CLASS]
    match file.get(4) {
        Some(&class) if class == elf::ELFCLASS32.0 => {
            elf_symbols::<elf::FileHeader32<object::Endianness>>(&file)
        }
        _ => elf_symbols::<elf::FileHeader64<object::Endianness>>(&file),
    }
}

fn elf_symbols<Elf: FileHeader<Endian = object::Endianness>>(data: &[u8]) -> Vec<TableSymbol> {
    let header = Elf::parse(data).unwrap();
    let endian = header.endian().unwrap();
    let sections = header.sections(endian, data).unwrap();
    let symbols = sections.symbols(endian, data, elf::SHT_SYMTAB).unwrap();
    let mut out = Vec::new();
    for sym in symbols.iter() {
        let shndx = usize::from(sym.st_shndx(endian).0);
        if shndx == 0 || shndx >= sections.len() || sym.st_type() != elf::STT_OBJECT {
            continue;
        }
        let section = sections.section(object::SectionIndex(shndx)).unwrap();
        let size: u64 = sym.st_size(endian).into();
        let size = size as usize;
        let bytes = if section.sh_type(endian).0 & elf::SHT_NOBITS.0 != 0 {
            vec![0; size]
        } else {
            let start: u64 = sym.st_value(endian).into();
            let start = start as usize;
            section.data(endian, data).unwrap()[start..start + size].to_vec()
        };
        let name = remove_dot(sym.name(endian, symbols.strings()).unwrap()).to_vec();
        out.push(TableSymbol { name, data: bytes });
    }
    out
}

/// What our code makes of one module: the alias lines, stderr, and whether it stopped.
struct Outcome {
    /// The module's `dev_table_buf`.
    aliases: Vec<u8>,
    /// Diagnostics in C's format.
    stderr: Vec<u8>,
    /// A fatal error ended the run.
    fatal: bool,
    /// (type, aliases added) per device-table symbol.
    tables: Vec<(String, usize)>,
}

fn run_module(
    modname: &str,
    symbols: &[TableSymbol],
    offsets: &DeviceTableOffsets,
    target: DevTableTarget,
) -> Outcome {
    let mut aliases = Vec::new();
    let mut recorder = Recorder::default();
    let mut tables = Vec::new();
    for sym in symbols {
        let before = line_count(&aliases);
        let result = handle_with(
            target,
            modname.as_bytes(),
            &sym.name,
            &sym.data,
            &mut aliases,
            &mut recorder,
            |_| Ok(offsets),
        );
        if let Some(kind) = table_kind(&sym.name) {
            tables.push((
                String::from_utf8_lossy(kind).into_owned(),
                line_count(&aliases) - before,
            ));
        }
        if result.is_err() {
            return Outcome {
                aliases,
                stderr: recorder.stderr,
                fatal: true,
                tables,
            };
        }
    }
    Outcome {
        aliases,
        stderr: recorder.stderr,
        fatal: false,
        tables,
    }
}

/// Compare one fixture module with the C modpost.
fn check_module(module: &str) -> Outcome {
    check_module_with(oracle(), module)
}

fn check_module_with(oracle: &Oracle, module: &str) -> Outcome {
    let out = &oracle.out;
    let modname = out.join(module).to_string_lossy().into_owned();
    let symbols = object_symbols(&out.join(format!("{module}.o")));
    let ours = run_module(&modname, &symbols, &oracle.offsets, oracle.target);

    let c_stderr = std::fs::read(out.join(format!("{module}.stderr"))).unwrap();
    let c_rc = std::fs::read_to_string(out.join(format!("{module}.rc"))).unwrap();
    assert_same_bytes(
        &ours.stderr,
        &c_stderr,
        &format!("{module}: stderr differs from the C modpost"),
    );
    assert_eq!(
        ours.fatal,
        c_rc.trim() != "0",
        "{module}: C exit status {}",
        c_rc.trim()
    );
    if !ours.fatal {
        let mod_c = std::fs::read(out.join(format!("{module}.mod.c"))).unwrap();
        assert_same_bytes(
            &ours.aliases,
            &alias_lines(&mod_c),
            &format!("{module}: MODULE_ALIAS lines differ from the C modpost"),
        );
    }
    ours
}

macro_rules! differential_tests {
    ($( $test:ident => $module:literal, )*) => {
        $(
            #[test]
            fn $test() {
                check_module($module);
            }
        )*

        #[test]
        fn every_fixture_module_has_a_test() {
            let listed: Vec<&str> = vec![$( $module ),*];
            assert_eq!(fixture_modules(), listed);
        }
    };
}

differential_tests! {
    usb_ranges_match_c => "dt_usb",
    of_vio_pnp_match_c => "dt_of_pnp",
    input_matches_c => "dt_input",
    buses_part1_match_c => "dt_bus1",
    buses_part2_match_c => "dt_bus2",
    warnings_match_c => "dt_warn",
    unterminated_strings_match_c => "dt_edge",
    fatal_size_not_multiple => "bad_size",
    fatal_empty_table => "bad_empty",
    fatal_pnp_card_too_small => "bad_small",
    fatal_amba_mask => "bad_amba",
    fatal_alias_too_long => "bad_long",
    fatal_unterminated_pci => "bad_noterm_pci",
    fatal_unterminated_usb => "bad_noterm_usb",
    fatal_unterminated_of => "bad_noterm_of",
    fatal_unterminated_pnp => "bad_noterm_pnp",
    fatal_unterminated_pnp_card => "bad_noterm_pnp_card",
    fatal_unterminated_vmbus => "bad_noterm_vmbus",
}

/// All 56 kinds appear in the fixtures, each with at least two aliases.
#[test]
fn fixtures_cover_all_56_kinds() {
    let all: Vec<&str> = super::kinds().collect();
    assert_eq!(all.len(), 56);
    let mut seen = std::collections::HashMap::new();
    for module in ["dt_usb", "dt_of_pnp", "dt_input", "dt_bus1", "dt_bus2"] {
        for (kind, count) in check_module(module).tables {
            *seen.entry(kind).or_insert(0) += count;
        }
    }
    let missing: Vec<&&str> = all
        .iter()
        .filter(|kind| seen.get(**kind).copied().unwrap_or(0) < 2)
        .collect();
    assert!(
        missing.is_empty(),
        "kinds without fixture coverage: {missing:?}"
    );
}

/// Swap every integer field of each entry to big-endian, in place.
fn to_big_endian(offsets: &DeviceTableOffsets, kind: &str, data: &mut [u8]) {
    use super::offsets::FieldWidth;
    let layout = (super::kind_layout(kind.as_bytes()).unwrap())(offsets);
    let size = layout.size();
    for entry in data.chunks_mut(size) {
        for (_, offset, width) in layout.fields() {
            let words = match width {
                FieldWidth::Int(n) => vec![(offset, n)],
                FieldWidth::U32s(n) => (0..n).map(|i| (offset + 4 * i, 4)).collect(),
                FieldWidth::Ulong => vec![(offset, 8)],
                FieldWidth::Bits(_) => (0..width.bytes(X86_64) / 8)
                    .map(|i| (offset + 8 * i, 8))
                    .collect(),
                FieldWidth::Bytes(_) => vec![],
            };
            for (at, n) in words {
                entry[at..at + n].reverse();
            }
        }
    }
}

/// The same tables stored big-endian give the same aliases (C: `TO_NATIVE`).
#[test]
fn big_endian_tables_give_the_same_aliases() {
    let oracle = oracle();
    for module in [
        "dt_usb",
        "dt_of_pnp",
        "dt_input",
        "dt_bus1",
        "dt_bus2",
        "dt_warn",
    ] {
        let symbols = object_symbols(&oracle.out.join(format!("{module}.o")));
        let le = run_module(module, &symbols, &oracle.offsets, X86_64);
        let swapped: Vec<TableSymbol> = symbols
            .iter()
            .map(|sym| {
                let mut data = sym.data.clone();
                if let Some(kind) = table_kind(&sym.name) {
                    let kind = String::from_utf8_lossy(kind).into_owned();
                    if super::is_known_kind(kind.as_bytes()) {
                        to_big_endian(&oracle.offsets, &kind, &mut data);
                    }
                }
                TableSymbol {
                    name: sym.name.clone(),
                    data,
                }
            })
            .collect();
        let be = run_module(
            module,
            &swapped,
            &oracle.offsets,
            DevTableTarget {
                is_64: true,
                big_endian: true,
            },
        );
        assert_eq!(be.aliases, le.aliases, "{module}");
        assert_eq!(be.stderr, le.stderr, "{module}");
    }
}

#[test]
fn embedded_header_equals_the_fixture_build_header() {
    let embedded = DeviceTableOffsets::embedded().unwrap();
    let fixture = &oracle().offsets;
    assert_eq!(
        format!("{:?}", embedded.usb_device_id),
        format!("{:?}", fixture.usb_device_id)
    );
    let strip = |s: String| {
        s.split_once(", usb_device_id")
            .map(|(_, rest)| rest.to_string())
            .unwrap()
    };
    assert_eq!(
        strip(format!("{embedded:?}")),
        strip(format!("{fixture:?}"))
    );
}

#[test]
fn table_names_are_split_like_c() {
    assert_eq!(
        table_kind(b"__mod_usb__ids_device_table"),
        Some(&b"usb"[..])
    );
    assert_eq!(
        table_kind(b"__mod_pnp_card__x__y_device_table"),
        Some(&b"pnp_card"[..])
    );
    // The "__" search runs into the suffix: "usb__device_table" has type "usb".
    assert_eq!(table_kind(b"__mod_usb__device_table"), Some(&b"usb"[..]));
    assert_eq!(table_kind(b"__mod___device_table"), Some(&b""[..]));
    assert_eq!(table_kind(b"__mod_usb_device_table"), None);
    assert_eq!(table_kind(b"__mod_pci__x_device_tablex"), None);
    assert_eq!(table_kind(b"__mod__device_table"), None);
    assert_eq!(table_kind(b"_mod_usb__x_device_table"), None);
    assert_eq!(table_kind(b"__mod_"), None);
}

#[test]
fn add_macro_prints_nothing_for_8_byte_fields() {
    let mut a = Alias::new("x:");
    a.add("a", true, 0xab, 1);
    a.add("b", true, 0xabc, 2);
    a.add("c", true, 0xabcd, 4);
    a.add("d", true, 0x1234_5678_9abc, 8);
    a.add("e", false, 7, 4);
    assert_eq!(a.bytes, b"x:aABb0ABCc0000ABCDde*");
    a.add_wildcard();
    assert_eq!(a.bytes, b"x:aABb0ABCc0000ABCDde*");
}

#[test]
fn c_strings_run_past_their_field_like_c() {
    let bytes = b"abcdefgh\x01\x02\0zz";
    let e = Entry {
        bytes,
        target: X86_64,
    };
    assert_eq!(e.cstr(0), b"abcdefgh\x01\x02");
    assert_eq!(e.cstr(11), b"zz");
    assert_eq!(e.cstr(100), b"");
}

#[test]
fn bitmaps_use_the_target_long() {
    // Bit 33: word 1 bit 1 with 32-bit longs, word 0 bit 33 with 64-bit longs.
    let mut bytes = [0u8; 16];
    bytes[4] = 0x02;
    let le32 = Entry {
        bytes: &bytes,
        target: DevTableTarget {
            is_64: false,
            big_endian: false,
        },
    };
    let le64 = Entry {
        bytes: &bytes,
        target: X86_64,
    };
    assert!(le32.bit(0, 33));
    assert!(le64.bit(0, 33));
    let be32 = Entry {
        bytes: &bytes,
        target: DevTableTarget {
            is_64: false,
            big_endian: true,
        },
    };
    assert!(!be32.bit(0, 33));
    assert!(be32.bit(0, 32 + 25));
    let be64 = Entry {
        bytes: &bytes,
        target: DevTableTarget {
            is_64: true,
            big_endian: true,
        },
    };
    assert!(be64.bit(0, 25));
}

/// Without a header file, only 64-bit little-endian targets may use the embedded copy.
#[test]
fn embedded_layouts_are_refused_for_other_targets() {
    if std::env::var_os(super::offsets::OFFSETS_ENV).is_some() {
        // A header was named: it is used for every target.
        assert!(DeviceTableOffsets::for_target(DevTableTarget {
            is_64: false,
            big_endian: true
        })
        .is_ok());
        return;
    }
    assert!(
        !Path::new("scripts/mod/devicetable-offsets.h").exists(),
        "tests run in the crate directory"
    );
    assert!(DeviceTableOffsets::for_target(X86_64).is_ok());
    let err = DeviceTableOffsets::for_target(DevTableTarget {
        is_64: false,
        big_endian: false,
    })
    .unwrap_err();
    assert!(err.contains("MODPOST_DEVTABLE_OFFSETS"), "{err}");
    assert!(err.ends_with("32-bit little-endian target)\n"), "{err}");
}

/// The real entry point, with the embedded layouts and a Diags sink.
#[test]
fn handle_moddevtable_uses_the_embedded_layouts() {
    if std::env::var_os(super::offsets::OFFSETS_ENV).is_some() {
        return; // covered by the test above; this one is about the default lookup
    }
    let mut data = vec![0u8; 80];
    data[..4].copy_from_slice(&0x8086u32.to_le_bytes());
    data[4..8].copy_from_slice(&0x1234u32.to_le_bytes());
    data[8..16].copy_from_slice(&[0xff; 8]);
    let mut aliases = Vec::new();
    let mut diags = crate::diag::Diags::buffered();
    let name = b"__mod_pci__ids_device_table";
    super::handle_moddevtable(X86_64, b"m", name, &mut data, &mut aliases, &mut diags).unwrap();
    assert_same_bytes(
        &aliases,
        b"MODULE_ALIAS(\"pci:v00008086d00001234sv*sd*bc*sc*i*\");\n",
        "pci alias",
    );
    // Unknown types and other names are ignored.
    super::handle_moddevtable(
        X86_64,
        b"m",
        b"__mod_spmi__x_device_table",
        &mut data,
        &mut aliases,
        &mut diags,
    )
    .unwrap();
    super::handle_moddevtable(X86_64, b"m", b"ids", &mut data, &mut aliases, &mut diags).unwrap();
    assert_eq!(line_count(&aliases), 1);
    assert!(diags.replay().is_ok());
}

/// The fixture kernel's own modules (real drivers): same aliases as the `.mod.c` files the C
/// modpost wrote during the build, and no diagnostics.
#[test]
fn fixture_kernel_modules_match_c() {
    let oracle = oracle();
    let build = fixture_work().join("build-6.12");
    let order = std::fs::read_to_string(build.join("modules.order")).unwrap();
    let mut total = 0;
    for object in order.lines() {
        let module = object.strip_suffix(".o").unwrap();
        let symbols = object_symbols(&build.join(object));
        let ours = run_module(module, &symbols, &oracle.offsets, X86_64);
        let mod_c = std::fs::read(build.join(format!("{module}.mod.c"))).unwrap();
        assert_same_bytes(&ours.aliases, &alias_lines(&mod_c), module);
        assert_same_bytes(&ours.stderr, b"", module);
        assert!(!ours.fatal, "{module}");
        total += line_count(&ours.aliases);
    }
    assert!(
        total > 100,
        "only {total} aliases in the fixture kernel's modules"
    );
}

/// vmlinux.o goes through the same code in C (its aliases are dropped). Built-in code has no
/// `__mod_*` symbols (MODULE_DEVICE_TABLE is empty without MODULE), so nothing comes out.
#[test]
fn fixture_vmlinux_o_has_no_diagnostics() {
    let oracle = oracle();
    let symbols = object_symbols(&fixture_work().join("build-6.12/vmlinux.o"));
    let ours = run_module("vmlinux", &symbols, &oracle.offsets, X86_64);
    assert_same_bytes(&ours.stderr, b"", "vmlinux stderr");
    assert!(!ours.fatal);
    assert_same_bytes(&ours.aliases, b"", "vmlinux aliases");
}

/// Debian's 4230 modules against Debian's packaged C modpost (26,041 aliases), with the embedded
/// x86_64 layouts (Debian ships no devicetable-offsets.h).
#[test]
#[ignore = "distro scale: needs Debian's packages (bash kbuild/distro.sh fetch, 1.2 GB); run with --ignored"]
fn distro_modules_match_c() {
    let dest = kpaths::testkit::distro();
    let exe = std::env::current_exe().unwrap();
    let out = exe
        .parent()
        .and_then(Path::parent)
        .unwrap()
        .join("file2alias-distro");
    let status = Command::new("bash")
        .arg(repo_root().join("testdata/devtables/distro-oracle.sh"))
        .arg(&dest)
        .arg(&out)
        .status()
        .unwrap();
    assert!(
        status.success(),
        "distro-oracle.sh failed ({status}) for {}",
        dest.display()
    );
    let log = std::fs::read_to_string(out.join("modpost.log")).unwrap();
    for c_message in [
        "driver_override",
        "Can't handle masks",
        "WMI device id",
        "AMBA",
        "buf_printf",
    ] {
        assert!(
            !log.contains(c_message),
            "the C modpost printed a file2alias message: {c_message}"
        );
    }

    let offsets = DeviceTableOffsets::embedded().unwrap();
    let order = std::fs::read_to_string(out.join("modules.order")).unwrap();
    let (mut modules, mut total) = (0, 0);
    for object in order.lines() {
        let module = object.strip_suffix(".o").unwrap();
        let symbols = object_symbols(&out.join(object));
        let ours = run_module(module, &symbols, &offsets, X86_64);
        let mod_c = std::fs::read(out.join(format!("{module}.mod.c"))).unwrap();
        assert_same_bytes(&ours.aliases, &alias_lines(&mod_c), module);
        assert_same_bytes(&ours.stderr, b"", module);
        modules += 1;
        total += line_count(&ours.aliases);
    }
    assert_eq!((modules, total), (4230, 26041));
}

/// The kernel source for preparing other trees: the oracle build's (kpaths::testkit).
fn kernel_source() -> PathBuf {
    kpaths::testkit::oracle().src
}

/// The same fixtures for a 32-bit target, against an ARCH=i386 tree and its own C modpost
/// (4-byte `kernel_ulong_t`, 32-bit bitmap words, other offsets). The tree is prepared once by
/// testdata/devtables/i386-tree.sh in `$MODPOST_RS_I386_BUILD` (default: the target dir); that
/// takes under a minute, once.
#[test]
fn i386_fixtures_match_c() {
    let build = std::env::var_os("MODPOST_RS_I386_BUILD")
        .map(PathBuf::from)
        .unwrap_or_else(|| scratch_dir("file2alias-i386-build"));
    let status = Command::new("bash")
        .arg(repo_root().join("testdata/devtables/i386-tree.sh"))
        .arg(kernel_source())
        .arg(&build)
        .status()
        .unwrap();
    assert!(
        status.success(),
        "i386-tree.sh failed ({status}) for {}",
        build.display()
    );
    let target = DevTableTarget {
        is_64: false,
        big_endian: false,
    };
    let oracle = build_fixtures(
        &build,
        Some("i386"),
        scratch_dir("file2alias-devtables-i386"),
        target,
    );
    assert_eq!(oracle.offsets.usb_device_id.size, 24, "not a 32-bit layout");
    let mut aliases = 0;
    for module in fixture_modules() {
        aliases += line_count(&check_module_with(&oracle, &module).aliases);
    }
    assert!(aliases > 700, "only {aliases} aliases");
}

/// Strings inside device tables are copied byte for byte, as C's `%s` does: a name that is not
/// UTF-8 reaches the alias (and the module name the messages) unchanged.
#[test]
fn non_utf8_table_strings_and_module_names_are_kept() {
    let offsets = DeviceTableOffsets::embedded().unwrap();
    let size = offsets.i2c_device_id.size;
    let mut data = vec![0u8; 2 * size];
    data[..5].copy_from_slice(b"caf\xe9\xff");
    let mut aliases = Vec::new();
    let mut recorder = Recorder::default();
    handle_with(
        X86_64,
        b"m\xe9",
        b"__mod_i2c__ids_device_table",
        &data,
        &mut aliases,
        &mut recorder,
        |_| Ok(&offsets),
    )
    .unwrap();
    assert_same_bytes(
        &aliases,
        b"MODULE_ALIAS(\"i2c:caf\xe9\xff\");\n",
        "i2c alias",
    );
    // A table that is not a multiple of the entry size names the module in a fatal message.
    let short = vec![0u8; size + 1];
    let result = handle_with(
        X86_64,
        b"m\xe9",
        b"__mod_i2c__ids_device_table",
        &short,
        &mut aliases,
        &mut recorder,
        |_| Ok(&offsets),
    );
    assert!(result.is_err());
    assert!(recorder
        .stderr
        .starts_with(b"ERROR: modpost: m\xe9: sizeof(struct i2c_device_id)="));
}
