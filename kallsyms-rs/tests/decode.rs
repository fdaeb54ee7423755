//! Differential tests of `kallsyms-rs decode` on vmlinux images.
//!
//! The oracle is the input the tables were built from: System.map (= the last kallsyms input,
//! link-vmlinux.sh checks that) of the fixture kernel and of Debian's kernel, and small maps
//! under testdata/decode/ turned into tables by the fixture's C `scripts/kallsyms` and linked
//! with gcc/ld. `expected_listing` models what scripts/kallsyms keeps from a map, written from
//! scripts/kallsyms.c independently of the decoder. The booted-kernel comparison is
//! kbuild/tests/consumers.sh.
// Test code: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_kallsyms-rs")
}

fn repo_root() -> PathBuf {
    kpaths::testkit::repo()
}

fn build_dir() -> PathBuf {
    kpaths::testkit::oracle().build
}

fn run(args: &[&std::ffi::OsStr]) -> Output {
    let out = Command::new(bin())
        .arg("decode")
        .args(args)
        .output()
        .expect("run kallsyms-rs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "kallsyms-rs panicked: {err}");
    out
}

fn decode(args: &[&str], file: &Path) -> Output {
    let mut a: Vec<&std::ffi::OsStr> = args.iter().map(|s| s.as_ref()).collect();
    a.push(file.as_os_str());
    run(&a)
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 output")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// What scripts/kallsyms (6.12) keeps from a map, as `addr type name` lines with the address
/// as wide as `digits`, in nm -n order (address, then name). Models read_symbol (names of
/// KSYM_NAME_LEN or more are skipped), is_ignored_symbol, shrink_table/symbol_valid without
/// --all-symbols, and make_percpus_absolute (type 'A') with --absolute-percpu.
fn expected_listing(map: &str, all_symbols: bool, absolute_percpu: bool, digits: usize) -> String {
    let keep_abs = [
        "__kernel_syscall_via_break",
        "__kernel_syscall_via_epc",
        "__kernel_sigtramp",
        "__gp",
    ];
    let mut syms = Vec::new();
    // text ranges start as {0, 0} (static storage); the per-CPU range as {-1, 0}.
    let (mut text, mut inittext, mut percpu) = ((0u64, 0u64), (0u64, 0u64), (u64::MAX, 0u64));
    for line in map.lines() {
        let mut it = line.splitn(3, ' ');
        let (a, t, n) = (
            it.next().unwrap(),
            it.next().unwrap(),
            it.next().unwrap_or(""),
        );
        let addr = u64::from_str_radix(a, 16).unwrap();
        let t = t.as_bytes()[0];
        if n.len() >= 512 || t == b'u' || t == b'n' {
            continue;
        }
        if t.eq_ignore_ascii_case(&b'A') && !keep_abs.contains(&n) {
            continue;
        }
        match n {
            "_stext" => text.0 = addr,
            "_etext" => text.1 = addr,
            "_sinittext" => inittext.0 = addr,
            "_einittext" => inittext.1 = addr,
            "__per_cpu_start" => percpu.0 = addr,
            "__per_cpu_end" => percpu.1 = addr,
            _ => {}
        }
        syms.push((addr, t, n.to_string()));
    }
    let in_range = |a: u64, r: (u64, u64)| a >= r.0 && a <= r.1;
    if !all_symbols {
        syms.retain(|(a, _, n)| {
            if n.starts_with("__start_") || n.starts_with("__stop_") {
                return true;
            }
            if !in_range(*a, text) && !in_range(*a, inittext) {
                return false;
            }
            !((*a == text.1 && n != "_etext") || (*a == inittext.1 && n != "_einittext"))
        });
    }
    if absolute_percpu {
        for s in &mut syms {
            if in_range(s.0, percpu) {
                s.1 = b'A';
            }
        }
    }
    syms.sort_by(|x, y| (x.0, &x.2).cmp(&(y.0, &y.2)));
    syms.iter()
        .map(|(a, t, n)| format!("{a:0digits$x} {} {n}\n", char::from(*t)))
        .collect()
}

/// `(CONFIG_KALLSYMS_ALL, CONFIG_KALLSYMS_ABSOLUTE_PERCPU)` of a .config.
fn kallsyms_flags(config: &Path) -> (bool, bool) {
    let text = std::fs::read_to_string(config)
        .unwrap_or_else(|e| panic!("oracle missing: {}: {e}", config.display()));
    let on = |k: &str| text.lines().any(|l| l == format!("{k}=y"));
    (
        on("CONFIG_KALLSYMS_ALL"),
        on("CONFIG_KALLSYMS_ABSOLUTE_PERCPU"),
    )
}

/// Asserts two listings are equal, showing the first differing line.
fn assert_same(what: &str, got: &str, want: &str) {
    if got == want {
        return;
    }
    let (g, w): (Vec<_>, Vec<_>) = (got.lines().collect(), want.lines().collect());
    let i = g
        .iter()
        .zip(&w)
        .position(|(a, b)| a != b)
        .unwrap_or(g.len().min(w.len()));
    panic!(
        "{what}: {} lines decoded, {} expected; first difference at line {}:\n  got:  {:?}\n  want: {:?}",
        g.len(),
        w.len(),
        i + 1,
        g.get(i),
        w.get(i)
    );
}

/// Type+name of each `kallsyms_names` entry, in table order, from the comments of a .S file
/// written by scripts/kallsyms.
fn names_from_s(s: &str) -> Vec<String> {
    let start = s.find("kallsyms_names:\n").expect(".S has kallsyms_names");
    s[start..]
        .lines()
        .skip(1)
        .take_while(|l| !l.is_empty())
        .map(|l| {
            let c = l.split_once("\t/* ").expect("comment").1;
            c.strip_suffix(" */").expect("comment end").to_string()
        })
        .collect()
}

/// `type name` of each line of a /proc-style listing.
fn type_names(listing: &str) -> Vec<String> {
    listing
        .lines()
        .map(|l| {
            let (_, rest) = l.split_once(' ').expect("address");
            let (t, n) = rest.split_once(' ').expect("type");
            format!("{t}{n}")
        })
        .collect()
}

#[test]
fn fixture_map_equals_system_map() {
    let build = build_dir();
    let (all, abs) = kallsyms_flags(&build.join(".config"));
    let map = std::fs::read_to_string(build.join("System.map")).expect("System.map");
    let want = expected_listing(&map, all, abs, 16);
    // nm -n sorts System.map by address, then name (LC_COLLATE=C): the order --map prints.
    let keys: Vec<(u64, &str)> = map
        .lines()
        .map(|l| (u64::from_str_radix(&l[..16], 16).unwrap(), &l[19..]))
        .collect();
    assert!(
        keys.windows(2).all(|w| w[0] <= w[1]),
        "System.map is not in (address, name) order"
    );
    let out = decode(&["--map"], &build.join("vmlinux"));
    assert!(
        out.status.success(),
        "decode --map failed: {}",
        stderr(&out)
    );
    assert_same("fixture vmlinux --map vs System.map", &stdout(&out), &want);
    // kallsyms drops the absolute symbols (type 'A') and nothing else of this map.
    let dropped = map.lines().count() - want.lines().count();
    let absolute = map.lines().filter(|l| l.get(17..19) == Some("A ")).count();
    assert_eq!(dropped, absolute, "only the 'A' symbols are dropped");
}

#[test]
fn fixture_proc_order_equals_the_c_tools_table_order() {
    let build = build_dir();
    let s = std::fs::read_to_string(build.join(".tmp_vmlinux2.kallsyms.S")).expect("last .S");
    let out = decode(&[], &build.join("vmlinux"));
    assert!(out.status.success(), "decode failed: {}", stderr(&out));
    assert_eq!(type_names(&stdout(&out)), names_from_s(&s));
}

#[test]
fn fixture_tables_check_clean() {
    let out = decode(&["--check"], &build_dir().join("vmlinux"));
    assert!(out.status.success(), "decode --check: {}", stderr(&out));
    let o = stdout(&out);
    let listed = decode(&[], &build_dir().join("vmlinux"));
    let n = stdout(&listed).lines().count();
    assert!(
        o.contains(&format!(
            ": {n} symbols, offsets absolute-percpu (from the data), "
        )),
        "{o}"
    );
    assert!(o.ends_with(": tables consistent\n"), "{o}");
    assert_eq!(stderr(&out), "");
    // Forcing the wrong encoding shows up as unsorted addresses.
    let out = decode(
        &["--check", "--no-absolute-percpu"],
        &build_dir().join("vmlinux"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("addresses must not decrease"),
        "{}",
        stderr(&out)
    );
}

/// Debian's -dbg vmlinux against its System.map.
#[test]
#[ignore = "distro scale: needs Debian's packages (bash kbuild/distro.sh fetch, 1.2 GB); run with --ignored"]
fn distro_map_equals_system_map() {
    let dest = kpaths::testkit::distro();
    let boot = dest.join("dbg/usr/lib/debug/boot");
    let vmlinux = std::fs::read_dir(&boot)
        .unwrap_or_else(|e| panic!("oracle missing: {}: {e}", boot.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("vmlinux-"))
        })
        .unwrap_or_else(|| panic!("oracle missing: no vmlinux-* in {}", boot.display()));
    let release = vmlinux.file_name().unwrap().to_string_lossy()["vmlinux-".len()..].to_string();
    let map =
        std::fs::read_to_string(boot.join(format!("System.map-{release}"))).expect("System.map");
    let (all, abs) = kallsyms_flags(&dest.join(format!("root/boot/config-{release}")));
    let out = decode(&["--map"], &vmlinux);
    assert!(
        out.status.success(),
        "decode --map failed: {}",
        stderr(&out)
    );
    let want = expected_listing(&map, all, abs, 16);
    assert_same("distro vmlinux --map vs System.map", &stdout(&out), &want);
    assert_eq!(want.lines().count(), 163_205);
}

static TMP_SEQ: AtomicUsize = AtomicUsize::new(0);

/// A temp directory, removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

/// A fresh temp directory for one test.
fn tmp_dir(tag: &str) -> Scratch {
    let d = std::env::temp_dir().join(format!(
        "kallsyms-rs-decode-{}-{tag}-{}",
        std::process::id(),
        TMP_SEQ.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.join("include/asm")).expect("temp dir");
    Scratch(d)
}

fn sh(dir: &Path, cmd: &mut Command) {
    let out = cmd
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs the C scripts/kallsyms on `map` with `flags`, assembles its output for a 64- or 32-bit
/// x86 target and links it with `_text` at the map's `_text`. Returns the directory, the ELF
/// and the .S text.
fn build_tables(tag: &str, map: &str, flags: &[&str], bits: u32) -> (Scratch, PathBuf, String) {
    let oracle = build_dir().join("scripts/kallsyms");
    assert!(oracle.exists(), "oracle missing: {}", oracle.display());
    let dir = tmp_dir(tag);
    std::fs::write(dir.join("in.map"), map).unwrap();
    let out = Command::new(&oracle)
        .args(flags)
        .arg("in.map")
        .current_dir(&*dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "C kallsyms failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = String::from_utf8(out.stdout).unwrap();
    std::fs::write(dir.join("k.S"), &s).unwrap();
    std::fs::write(
        dir.join("include/asm/bitsperlong.h"),
        format!("#define BITS_PER_LONG {bits}\n"),
    )
    .unwrap();
    let text = map
        .lines()
        .find_map(|l| {
            l.strip_suffix(" T _text")
                .or_else(|| l.strip_suffix(" t _text"))
        })
        .unwrap_or("0");
    std::fs::write(
        dir.join("t.S"),
        format!(".globl _text\n.set _text, 0x{text}\n"),
    )
    .unwrap();
    let m = format!("-m{bits}");
    sh(
        &dir,
        Command::new("gcc").args([&m, "-Iinclude", "-c", "k.S", "-o", "k.o"]),
    );
    sh(
        &dir,
        Command::new("gcc").args([&m, "-c", "t.S", "-o", "t.o"]),
    );
    let emul = if bits == 64 { "elf_x86_64" } else { "elf_i386" };
    sh(
        &dir,
        Command::new("ld").args([
            "-m",
            emul,
            "-z",
            "noexecstack",
            "-e",
            "0",
            "-o",
            "k.elf",
            "k.o",
            "t.o",
        ]),
    );
    let elf = dir.join("k.elf");
    (dir, elf, s)
}

fn testdata(name: &str) -> String {
    let p = repo_root().join("testdata/decode").join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Decodes a table built from `map` with `flags` both ways and compares with the model and
/// with the C tool's table order.
fn check_small(tag: &str, map: &str, flags: &[&str], bits: u32) -> (Scratch, PathBuf) {
    let (dir, elf, s) = build_tables(tag, map, flags, bits);
    let all = flags.contains(&"--all-symbols");
    let abs = flags.contains(&"--absolute-percpu");
    let digits = if bits == 64 { 16 } else { 8 };
    let out = decode(&["--map"], &elf);
    assert!(
        out.status.success(),
        "{tag}: decode --map: {}",
        stderr(&out)
    );
    assert_same(tag, &stdout(&out), &expected_listing(map, all, abs, digits));
    let out = decode(&[], &elf);
    assert!(out.status.success(), "{tag}: decode: {}", stderr(&out));
    assert_eq!(
        type_names(&stdout(&out)),
        names_from_s(&s),
        "{tag}: table order"
    );
    let out = decode(&["--check"], &elf);
    assert!(out.status.success(), "{tag}: --check: {}", stderr(&out));
    let mode = if abs { "absolute-percpu" } else { "relative" };
    assert!(
        stdout(&out).contains(&format!("offsets {mode} (from the data)")),
        "{tag}: {}",
        stdout(&out)
    );
    (dir, elf)
}

#[test]
fn small_all_symbols_absolute_percpu() {
    check_small(
        "abs-all",
        &testdata("small64.map"),
        &["--all-symbols", "--absolute-percpu"],
        64,
    );
}

#[test]
fn small_absolute_percpu_text_only() {
    check_small("abs", &testdata("small64.map"), &["--absolute-percpu"], 64);
}

#[test]
fn small_no_flags_text_only() {
    check_small("plain", &testdata("small64.map"), &[], 64);
}

#[test]
fn small_32bit_relative() {
    check_small("x86-32", &testdata("small32.map"), &["--all-symbols"], 32);
}

/// 1000 symbols with shared prefixes: real token compression, 4 markers, duplicate names.
fn many_map() -> String {
    let mut m = String::from("ffffffff81000000 T _stext\nffffffff81000000 T _text\n");
    let mut lines = Vec::new();
    for i in 0..1000u64 {
        let kind = ["T", "t", "d", "W"][(i % 4) as usize];
        lines.push((
            0xffffffff81000010 + 8 * (i / 3),
            kind,
            format!("subsys_{}_handler_{}", i % 7, i / 5),
        ));
    }
    lines.sort_by(|a, b| (a.0, &a.2).cmp(&(b.0, &b.2)));
    for (a, t, n) in lines {
        m.push_str(&format!("{a:016x} {t} {n}\n"));
    }
    m.push_str("ffffffff81010000 T _etext\n");
    m
}

#[test]
fn small_many_symbols_relative() {
    check_small("many", &many_map(), &["--all-symbols"], 64);
}

#[test]
fn empty_tables_decode_to_nothing() {
    let (_dir, elf, _) = build_tables("empty", "", &["--all-symbols", "--absolute-percpu"], 64);
    let out = decode(&[], &elf);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
}

/// File offset of a symbol's value, through the section that contains it.
fn file_offset(data: &[u8], symbol: &str) -> usize {
    use object::{Object, ObjectSection, ObjectSymbol};
    let f = object::File::parse(data).expect("ELF");
    let sym = f
        .symbols()
        .find(|s| s.name() == Ok(symbol))
        .expect("symbol");
    let sec = f
        .section_by_index(sym.section_index().expect("section"))
        .expect("section");
    let (off, _) = sec.file_range().expect("contents");
    (off + sym.address() - sec.address()) as usize
}

fn patched(tag: &str, elf: &Path, patch: impl FnOnce(&mut Vec<u8>)) -> (Scratch, PathBuf) {
    let mut data = std::fs::read(elf).unwrap();
    patch(&mut data);
    let dir = tmp_dir(tag);
    let p = dir.join("patched.elf");
    std::fs::write(&p, data).unwrap();
    (dir, p)
}

fn add_u32(data: &mut [u8], off: usize, delta: u32) {
    let v = u32::from_le_bytes(data[off..off + 4].try_into().unwrap());
    data[off..off + 4].copy_from_slice(&v.wrapping_add(delta).to_le_bytes());
}

#[test]
fn corrupted_truncated_names_on_the_fixture_vmlinux() {
    let vmlinux = build_dir().join("vmlinux");
    let data = std::fs::read(&vmlinux).unwrap();
    let at = file_offset(&data, "kallsyms_num_syms");
    let num_syms = u32::from_le_bytes(data[at..at + 4].try_into().unwrap());
    let (_dir, p) = patched("trunc-names", &vmlinux, |d| {
        let off = file_offset(d, "kallsyms_num_syms");
        add_u32(d, off, 1000);
    });
    let out = decode(&[], &p);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "",
        "nothing is printed from tables that do not decode"
    );
    let e = stderr(&out);
    // #num_syms and on read the alignment padding before kallsyms_markers as empty
    // entries, until the table ends.
    let past: u32 = e
        .split(": kallsyms_names: the length of symbol #")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{e}"));
    assert!((num_syms..num_syms + 8).contains(&past), "{e}");
    assert!(
        e.contains("where kallsyms_markers starts at 0xffffffff"),
        "{e}"
    );
}

#[test]
fn corrupted_small_tables() {
    let (_dir, elf) = check_small("corrupt", &many_map(), &["--all-symbols"], 64);

    // One symbol too few: the last entry is left over before kallsyms_markers.
    let (_dir, p) = patched("fewer", &elf, |d| {
        let off = file_offset(d, "kallsyms_num_syms");
        add_u32(d, off, u32::MAX);
    });
    let out = decode(&["--check"], &p);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("kallsyms_names: 0x"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("is kallsyms_num_syms wrong?"),
        "{}",
        stderr(&out)
    );

    // A wrong marker: still listed, but reported.
    let (_dir, p) = patched("marker", &elf, |d| {
        let off = file_offset(d, "kallsyms_markers");
        add_u32(d, off + 8, 1);
    });
    let out = decode(&[], &p);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out).lines().count(), 1003);
    assert!(
        stderr(&out).contains("kallsyms_markers[2] = "),
        "{}",
        stderr(&out)
    );

    // Two seqs_of_names entries swapped: the name lookup order breaks.
    let (_dir, p) = patched("seqs", &elf, |d| {
        let off = file_offset(d, "kallsyms_seqs_of_names");
        let (a, b) = (off + 3 * 10, off + 3 * 500);
        for k in 0..3 {
            d.swap(a + k, b + k);
        }
    });
    let out = decode(&["--check"], &p);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the kernel's name lookup needs strcmp order"),
        "{}",
        stderr(&out)
    );

    // A token index pointing past the token table.
    let (_dir, p) = patched("token", &elf, |d| {
        let off = file_offset(d, "kallsyms_token_index");
        d[off + 2 * 7..off + 2 * 7 + 2].copy_from_slice(&0xfff0u16.to_le_bytes());
    });
    let out = decode(&[], &p);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("kallsyms_token_table: token 7 (index 0xfff0"),
        "{}",
        stderr(&out)
    );

    // A file cut short: a clear ELF error.
    let (_dir, p) = patched("cut", &elf, |d| d.truncate(d.len() / 2));
    let out = decode(&[], &p);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains(": bad ELF: "), "{}", stderr(&out));

    // Not ELF at all.
    let (_dir, p) = patched("text", &elf, |d| *d = b"hello\n".to_vec());
    let out = decode(&[], &p);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("not an ELF file"), "{}", stderr(&out));
}

#[test]
fn usage_errors() {
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("Usage: kallsyms-rs decode"),
        "{}",
        stderr(&out)
    );
    let out = run(&["--bogus".as_ref(), "x".as_ref()]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["/nonexistent/vmlinux".as_ref()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("kallsyms-rs decode: /nonexistent/vmlinux: "),
        "{}",
        stderr(&out)
    );
}

/// Random byte changes anywhere in a small table ELF: always a clean exit (0 or 1) and, on 1,
/// a message naming the file; never a panic or a signal.
#[test]
fn random_file_corruption_never_panics() {
    let (_dir, elf, _) = build_tables("fuzz", &many_map(), &["--all-symbols"], 64);
    let good = std::fs::read(&elf).unwrap();
    // Most changes go to the tables (.rodata), the rest anywhere (headers, symtab).
    let (lo, len) = {
        use object::{Object, ObjectSection};
        let f = object::File::parse(&*good).unwrap();
        let (o, l) = f.section_by_name(".rodata").unwrap().file_range().unwrap();
        (o as usize, l as usize)
    };
    let dir = tmp_dir("fuzz-out");
    let target = dir.join("fuzzed.elf");
    let mut rng = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    for _ in 0..300 {
        let mut d = good.clone();
        for _ in 0..1 + next() % 8 {
            let r = next() as usize;
            let at = if r % 4 == 0 {
                r / 4 % d.len()
            } else {
                lo + r / 4 % len
            };
            d[at] = next() as u8;
        }
        std::fs::write(&target, &d).unwrap();
        let out = decode(&["--check"], &target);
        match out.status.code() {
            Some(0) => {}
            Some(1) => assert!(
                stderr(&out).starts_with(&format!("kallsyms-rs decode: {}: ", target.display())),
                "{}",
                stderr(&out)
            ),
            other => panic!("exit {other:?}: {}", stderr(&out)),
        }
    }
}

/// Only per-CPU symbols: both offset readings fit, so the mode comes from a kernel config.
#[test]
fn ambiguous_mode_asks_the_config() {
    let map = "0000000000000000 D __per_cpu_start\n0000000000000100 D pcpu_var\n\
               0000000000000200 D __per_cpu_end\n";
    let (_dir, elf, _) = build_tables(
        "ambiguous",
        map,
        &["--all-symbols", "--absolute-percpu"],
        64,
    );
    let out = decode(&["--check"], &elf);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("pass --absolute-percpu, --no-absolute-percpu or --config FILE"));

    let dir = elf.parent().unwrap();
    std::fs::write(
        dir.join(".config"),
        "CONFIG_KALLSYMS=y\nCONFIG_KALLSYMS_ABSOLUTE_PERCPU=y\n",
    )
    .unwrap();
    let out = decode(&["--check"], &elf);
    assert!(out.status.success(), "{}", stderr(&out));
    let want = format!("offsets absolute-percpu (from {}/.config)", dir.display());
    assert!(stdout(&out).contains(&want), "{}", stdout(&out));

    let other = dir.join("other.config");
    std::fs::write(
        &other,
        "CONFIG_KALLSYMS=y\n# CONFIG_KALLSYMS_ABSOLUTE_PERCPU is not set\n",
    )
    .unwrap();
    let out = decode(&["--check", "--config", other.to_str().unwrap()], &elf);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("offsets relative (from "),
        "{}",
        stdout(&out)
    );

    let out = decode(&["--absolute-percpu"], &elf);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "0000000000000000 A __per_cpu_start\n0000000000000100 A pcpu_var\n\
         0000000000000200 A __per_cpu_end\n"
    );
}

/// The assembled but unlinked tables have no addresses yet: a clear error, not a listing.
#[test]
fn unlinked_kallsyms_object_is_refused() {
    let (_dir, elf, _) = build_tables(
        "unlinked",
        &testdata("small64.map"),
        &["--all-symbols", "--absolute-percpu"],
        64,
    );
    let out = decode(&[], &elf.with_file_name("k.o"));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("a relocatable object with kallsyms tables"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stdout(&out), "");
}
