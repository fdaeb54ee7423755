//! Unit tests for the table decoding: a tiny encoder builds tables the way scripts/kallsyms
//! lays them out (with a trivial token table plus one two-character token), then single
//! fields are broken to see each check and error fire.

use super::*;

const LE64: Target = Target {
    endian: Endianness::Little,
    is_64: true,
};

/// Owned bytes of the eight tables, laid out as scripts/kallsyms writes them.
struct Built {
    /// `kallsyms_num_syms`.
    num: Vec<u8>,
    /// `kallsyms_names`.
    names: Vec<u8>,
    /// `kallsyms_markers`.
    markers: Vec<u8>,
    /// `kallsyms_token_table`.
    token_table: Vec<u8>,
    /// `kallsyms_token_index`.
    token_index: Vec<u8>,
    /// `kallsyms_offsets`.
    offsets: Vec<u8>,
    /// `kallsyms_relative_base`.
    base: Vec<u8>,
    /// `kallsyms_seqs_of_names`.
    seqs: Vec<u8>,
}

/// Token 0x80 stands for "_x"; every printable byte stands for itself; the rest are empty.
fn token(i: usize) -> Vec<u8> {
    match i {
        0x80 => b"_x".to_vec(),
        0x21..=0x7e => vec![i as u8],
        _ => Vec::new(),
    }
}

fn compress(sym: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < sym.len() {
        if sym[i..].starts_with(b"_x") {
            out.push(0x80);
            i += 2;
        } else {
            out.push(sym[i]);
            i += 1;
        }
    }
    out
}

/// Builds tables for `syms` = (type, name, address), already in address order.
fn build(syms: &[(u8, &str, u64)], mode: OffsetMode, base: u64) -> Built {
    let mut names = Vec::new();
    let mut markers = Vec::new();
    for (i, &(kind, name, _)) in syms.iter().enumerate() {
        if i % 256 == 0 {
            markers.extend_from_slice(&(names.len() as u32).to_le_bytes());
        }
        let mut sym = vec![kind];
        sym.extend_from_slice(name.as_bytes());
        let c = compress(&sym);
        if c.len() <= 0x7f {
            names.push(c.len() as u8);
        } else {
            names.push((c.len() as u8 & 0x7f) | 0x80);
            names.push((c.len() >> 7) as u8);
        }
        names.extend_from_slice(&c);
    }
    let mut token_table = Vec::new();
    let mut token_index = Vec::new();
    for i in 0..256 {
        token_index.extend_from_slice(&(token_table.len() as u16).to_le_bytes());
        token_table.extend_from_slice(&token(i));
        token_table.push(0);
    }
    let mut offsets = Vec::new();
    for &(kind, _, addr) in syms {
        let o: i32 = match mode {
            OffsetMode::Relative => (addr - base) as u32 as i32,
            OffsetMode::AbsolutePercpu if kind == b'A' => addr as i32,
            OffsetMode::AbsolutePercpu => (base as i64 - addr as i64 - 1) as i32,
        };
        offsets.extend_from_slice(&o.to_le_bytes());
    }
    let mut order: Vec<usize> = (0..syms.len()).collect();
    order.sort_by(|&a, &b| (syms[a].1, syms[a].2, a).cmp(&(syms[b].1, syms[b].2, b)));
    let mut seqs = Vec::new();
    for i in order {
        seqs.extend_from_slice(&(i as u32).to_be_bytes()[1..]);
    }
    Built {
        num: (syms.len() as u32).to_le_bytes().to_vec(),
        names,
        markers,
        token_table,
        token_index,
        offsets,
        base: base.to_le_bytes().to_vec(),
        seqs,
    }
}

fn table<'a>(label: &'static str, bytes: &'a [u8]) -> Table<'a> {
    Table {
        label,
        addr: 0x1000,
        bytes,
        limit: "the test's end".into(),
        limit_is_label: false,
    }
}

fn raw(b: &Built) -> RawTables<'_> {
    RawTables {
        target: LE64,
        num_syms: table("kallsyms_num_syms", &b.num),
        names: table("kallsyms_names", &b.names),
        markers: table("kallsyms_markers", &b.markers),
        token_table: table("kallsyms_token_table", &b.token_table),
        token_index: table("kallsyms_token_index", &b.token_index),
        offsets: table("kallsyms_offsets", &b.offsets),
        relative_base: table("kallsyms_relative_base", &b.base),
        seqs_of_names: table("kallsyms_seqs_of_names", &b.seqs),
        paths: None,
    }
}

const BASE: u64 = 0xffff_ffff_8100_0000;

fn sample() -> Vec<(u8, &'static str, u64)> {
    vec![
        (b'A', "__per_cpu_start", 0),
        (b'A', "fixed_percpu_data", 0),
        (b'A', "cpu_x_store", 0x1000),
        (b'T', "_text", BASE),
        (b'T', "startup_64", BASE),
        (b't', "do_x_thing", BASE + 0x40),
        (b'W', "weak_x", BASE + 0x40),
        (b'd', "do_x_thing", BASE + 0x2000),
    ]
}

fn decode(b: &Built, mode: Option<OffsetMode>) -> Decoded {
    let r = raw(b);
    let parsed = parse(&r).expect("tables parse");
    let kinds: Vec<u8> = parsed.entries.iter().map(|e| e.kind).collect();
    let mode = mode
        .or_else(|| detect_mode(&parsed.offsets, &kinds))
        .expect("mode detected");
    finish(&r, parsed, mode)
}

#[test]
fn round_trip_absolute_percpu() {
    let syms = sample();
    let d = decode(&build(&syms, OffsetMode::AbsolutePercpu, BASE), None);
    assert_eq!(d.mode, OffsetMode::AbsolutePercpu);
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    let got: Vec<_> = d
        .symbols
        .iter()
        .map(|s| (s.kind, s.name.clone(), s.addr))
        .collect();
    let want: Vec<_> = syms
        .iter()
        .map(|&(k, n, a)| (k, n.as_bytes().to_vec(), a))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn round_trip_relative() {
    let syms: Vec<_> = sample().into_iter().filter(|s| s.0 != b'A').collect();
    let d = decode(&build(&syms, OffsetMode::Relative, BASE), None);
    assert_eq!(d.mode, OffsetMode::Relative);
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    assert_eq!(d.symbols[3].addr, BASE + 0x40);
    assert_eq!(d.symbols[3].name, b"weak_x");
}

#[test]
fn two_byte_lengths_and_markers_past_256() {
    let long = "x".repeat(300);
    let mut names: Vec<String> = (0..600).map(|i| format!("sym_{i:04}")).collect();
    names[257] = long.clone();
    let syms: Vec<_> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (b'T', n.as_str(), BASE + 16 * i as u64))
        .collect();
    let b = build(&syms, OffsetMode::Relative, BASE);
    let d = decode(&b, None);
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    assert_eq!(d.symbols[257].name, long.as_bytes());
    assert_eq!(d.symbols[599].name, b"sym_0599");
    assert_eq!(b.markers.len(), 12);
}

#[test]
fn address_arithmetic() {
    let t32 = Target {
        endian: Endianness::Little,
        is_64: false,
    };
    assert_eq!(
        OffsetMode::Relative.address(0x10, 0xc100_0000, t32),
        0xc100_0010
    );
    assert_eq!(
        OffsetMode::Relative.address(-1, 0xc100_0000, t32),
        0xc0ff_ffff
    );
    assert_eq!(
        OffsetMode::AbsolutePercpu.address(0x1000, BASE, LE64),
        0x1000
    );
    assert_eq!(OffsetMode::AbsolutePercpu.address(-1, BASE, LE64), BASE);
    assert_eq!(
        OffsetMode::AbsolutePercpu.address(-0x41, BASE, LE64),
        BASE + 0x40
    );
}

#[test]
fn mode_detection() {
    let t = [b'T'; 5];
    let a = [b'A'; 5];
    assert_eq!(
        detect_mode(&[0, 4, 4, 0x100], &t),
        Some(OffsetMode::Relative)
    );
    assert_eq!(
        detect_mode(&[0, 0x1000, -1, -1, -0x41], b"AATTt"),
        Some(OffsetMode::AbsolutePercpu)
    );
    assert_eq!(
        detect_mode(&[-1, -0x41], &t),
        Some(OffsetMode::AbsolutePercpu)
    );
    // Only per-CPU symbols, or nothing: both readings fit.
    assert_eq!(detect_mode(&[0, 0x1000], &a), None);
    assert_eq!(detect_mode(&[], &[]), None);
    // Neither: unsorted.
    assert_eq!(detect_mode(&[0, 0x100, 0x10], &t), None);
}

#[test]
fn truncated_names_is_an_error_naming_the_entry() {
    let syms = sample();
    let mut b = build(&syms, OffsetMode::AbsolutePercpu, BASE);
    let cut = b.names.len() - 3;
    b.names.truncate(cut);
    let err = parse(&raw(&b)).expect_err("truncated names must not decode");
    assert!(
        err.what
            .starts_with("kallsyms_names: the 10 compressed byte(s) of symbol #7"),
        "{err}"
    );
    assert!(err.what.contains("the table ends after"), "{err}");

    // Cut inside a two-byte length.
    let mut b = build(
        &[(b'T', &"y".repeat(200), BASE)],
        OffsetMode::Relative,
        BASE,
    );
    b.names.truncate(1);
    let err = parse(&raw(&b)).expect_err("cut length");
    assert!(err.what.contains("the length of symbol #0"), "{err}");
}

#[test]
fn num_syms_larger_than_the_tables() {
    let mut b = build(&sample(), OffsetMode::AbsolutePercpu, BASE);
    b.num = 9u32.to_le_bytes().to_vec();
    let err = parse(&raw(&b)).expect_err("too many symbols");
    assert!(err.what.contains("symbol #8"), "{err}");
}

#[test]
fn token_without_nul() {
    let mut b = build(&sample(), OffsetMode::AbsolutePercpu, BASE);
    let last = b.token_table.len() - 1;
    b.token_table.truncate(last);
    let err = parse(&raw(&b)).expect_err("no NUL");
    assert!(err.what.contains("token 255"), "{err}");
}

#[test]
fn bad_marker_is_reported() {
    let syms: Vec<(u8, String, u64)> = (0..300)
        .map(|i| (b'T', format!("f{i}"), BASE + i as u64))
        .collect();
    let view: Vec<_> = syms.iter().map(|(k, n, a)| (*k, n.as_str(), *a)).collect();
    let mut b = build(&view, OffsetMode::Relative, BASE);
    b.markers[4] ^= 1;
    let d = decode(&b, None);
    assert_eq!(d.problems.len(), 1, "{:?}", d.problems);
    assert!(
        d.problems[0].starts_with("kallsyms_markers[1] = "),
        "{:?}",
        d.problems
    );
}

#[test]
fn seqs_must_be_a_sorted_permutation() {
    let syms = sample();
    let mut b = build(&syms, OffsetMode::AbsolutePercpu, BASE);
    // Swap the first two entries: "__per_cpu_start" and "_text" out of strcmp order.
    let (x, y) = b.seqs.split_at_mut(3);
    x.swap_with_slice(&mut y[..3]);
    let d = decode(&b, None);
    assert!(
        d.problems.iter().any(|p| p.contains("strcmp order")),
        "{:?}",
        d.problems
    );

    let mut b = build(&syms, OffsetMode::AbsolutePercpu, BASE);
    b.seqs[2] = b.seqs[5];
    let d = decode(&b, None);
    assert!(
        d.problems.iter().any(|p| p.contains("not a permutation")),
        "{:?}",
        d.problems
    );

    let mut b = build(&syms, OffsetMode::AbsolutePercpu, BASE);
    b.seqs[2] = 200;
    let d = decode(&b, None);
    assert!(
        d.problems.iter().any(|p| p.contains("only 8 symbols")),
        "{:?}",
        d.problems
    );

    // The two do_x_thing entries (#5 at BASE+0x40 and #7 at BASE+0x2000) in the wrong order.
    let mut b = build(&syms, OffsetMode::AbsolutePercpu, BASE);
    let pos = |b: &Built, i: u8| (0..8).find(|k| b.seqs[3 * k + 2] == i).unwrap();
    let (p5, p7) = (pos(&b, 5), pos(&b, 7));
    b.seqs[3 * p5 + 2] = 7;
    b.seqs[3 * p7 + 2] = 5;
    let d = decode(&b, None);
    assert!(
        d.problems
            .iter()
            .any(|p| p.contains("(address, index) order")),
        "{:?}",
        d.problems
    );
}

#[test]
fn unsorted_addresses_and_wrong_base_are_reported() {
    let mut syms = sample();
    syms.swap(5, 7);
    let b = build(&syms, OffsetMode::AbsolutePercpu, BASE);
    let d = decode(&b, Some(OffsetMode::AbsolutePercpu));
    assert!(
        d.problems.iter().any(|p| p.contains("must not decrease")),
        "{:?}",
        d.problems
    );

    let b = build(&sample(), OffsetMode::AbsolutePercpu, BASE - 0x10);
    let d = decode(&b, Some(OffsetMode::AbsolutePercpu));
    assert!(
        d.problems.iter().any(|p| p.contains("not -1")),
        "{:?}",
        d.problems
    );
}

#[test]
fn percpu_entries_must_have_type_a() {
    let mut syms = sample();
    syms[2].0 = b'd';
    let mut b = build(&syms, OffsetMode::AbsolutePercpu, BASE);
    // build() stores only 'A' as absolute; store #2 absolute by hand.
    b.offsets[8..12].copy_from_slice(&0x1000i32.to_le_bytes());
    let d = decode(&b, Some(OffsetMode::AbsolutePercpu));
    assert!(
        d.problems.iter().any(|p| p.contains("has type 'd'")),
        "{:?}",
        d.problems
    );
}

#[test]
fn leftover_bytes_before_the_next_label() {
    let b = build(&sample(), OffsetMode::AbsolutePercpu, BASE);
    let mut r = raw(&b);
    let mut longer = b.names.clone();
    longer.extend_from_slice(&[3, b'T', b'a', b'b']);
    r.names = Table {
        limit_is_label: true,
        ..table("kallsyms_names", &longer)
    };
    let parsed = parse(&r).expect("parse");
    let d = finish(&r, parsed, OffsetMode::AbsolutePercpu);
    assert!(
        d.problems
            .iter()
            .any(|p| p.contains("kallsyms_num_syms wrong")),
        "{:?}",
        d.problems
    );
}

#[test]
fn problems_are_capped_per_kind() {
    let syms: Vec<(u8, String, u64)> = (0..20)
        .map(|i| (b'T', format!("f{i:02}"), BASE + 0x100 - i as u64))
        .collect();
    let view: Vec<_> = syms.iter().map(|(k, n, a)| (*k, n.as_str(), *a)).collect();
    let b = build(&view, OffsetMode::Relative, BASE);
    let d = decode(&b, Some(OffsetMode::Relative));
    let order: Vec<_> = d
        .problems
        .iter()
        .filter(|p| p.contains("must not decrease"))
        .collect();
    assert_eq!(order.len(), SHOWN_PER_KIND);
    assert!(
        d.problems.iter().any(|p| p.contains("more: address order")),
        "{:?}",
        d.problems
    );
}

#[test]
fn empty_tables() {
    let b = build(&[], OffsetMode::Relative, 0);
    let d = decode(&b, Some(OffsetMode::Relative));
    assert!(d.symbols.is_empty());
    assert!(d.problems.is_empty(), "{:?}", d.problems);
}

/// Deterministic xorshift, so the corruption test needs no crate and always runs the same.
fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn random_corruption_never_panics() {
    let names: Vec<String> = (0..300)
        .map(|i| format!("sym_x_{}_{}", i % 13, i))
        .collect();
    let syms: Vec<_> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (b't', n.as_str(), BASE + 4 * i as u64))
        .collect();
    let good = build(&syms, OffsetMode::AbsolutePercpu, BASE);
    let mut rng = 0x9e37_79b9_7f4a_7c15u64;
    for round in 0..1000 {
        let mut b = Built {
            num: good.num.clone(),
            names: good.names.clone(),
            markers: good.markers.clone(),
            token_table: good.token_table.clone(),
            token_index: good.token_index.clone(),
            offsets: good.offsets.clone(),
            base: good.base.clone(),
            seqs: good.seqs.clone(),
        };
        let field = match round % 8 {
            0 => &mut b.num,
            1 => &mut b.names,
            2 => &mut b.markers,
            3 => &mut b.token_table,
            4 => &mut b.token_index,
            5 => &mut b.offsets,
            6 => &mut b.base,
            _ => &mut b.seqs,
        };
        let r = xorshift(&mut rng);
        if r % 3 == 0 && !field.is_empty() {
            let len = (xorshift(&mut rng) as usize) % field.len();
            field.truncate(len);
        } else {
            for _ in 0..1 + r % 4 {
                if field.is_empty() {
                    break;
                }
                let at = (xorshift(&mut rng) as usize) % field.len();
                field[at] = xorshift(&mut rng) as u8;
            }
        }
        let r = raw(&b);
        if let Ok(parsed) = parse(&r) {
            for mode in [OffsetMode::Relative, OffsetMode::AbsolutePercpu] {
                let _ = finish(&r, parsed.clone(), mode);
            }
        }
    }
}

/// Little-endian bytes of a path table, as kallsyms-rs writes them.
struct BuiltPaths {
    num_runs: Vec<u8>,
    run_start: Vec<u8>,
    run_path: Vec<u8>,
    num_paths: Vec<u8>,
    offsets: Vec<u8>,
    strings: Vec<u8>,
}

fn build_paths(t: &PathTable) -> BuiltPaths {
    let words = |v: &[u32]| v.iter().flat_map(|w| w.to_le_bytes()).collect::<Vec<u8>>();
    BuiltPaths {
        num_runs: (t.run_start.len() as u32).to_le_bytes().to_vec(),
        run_start: words(&t.run_start),
        run_path: t.run_path.iter().flat_map(|w| w.to_le_bytes()).collect(),
        num_paths: (t.paths.len() as u32).to_le_bytes().to_vec(),
        offsets: words(&t.offsets()),
        strings: t.strings(),
    }
}

fn raw_with_paths<'a>(b: &'a Built, p: &'a BuiltPaths) -> RawTables<'a> {
    let mut r = raw(b);
    r.paths = Some(RawPathTables {
        num_runs: table("kallsyms_path_num_runs", &p.num_runs),
        run_start: table("kallsyms_path_run_start", &p.run_start),
        run_path: table("kallsyms_path_run_path", &p.run_path),
        num_paths: table("kallsyms_path_num_paths", &p.num_paths),
        offsets: table("kallsyms_path_offsets", &p.offsets),
        strings: table("kallsyms_path_strings", &p.strings),
    });
    r
}

#[test]
fn path_side_table_round_trip_and_checks() {
    let syms: Vec<_> = sample().into_iter().filter(|s| s.0 != b'A').collect();
    let b = build(&syms, OffsetMode::Relative, BASE);
    let n = syms.len();
    let a: &[u8] = b"init/main.c";
    let c: &[u8] = b"arch/x86/kernel/vmlinux.lds.S";
    let paths: Vec<Option<&[u8]>> = (0..n).map(|i| Some(if i < 2 { c } else { a })).collect();
    let table = PathTable::build(paths.iter().copied()).unwrap();
    let p = build_paths(&table);
    let r = raw_with_paths(&b, &p);
    let parsed = parse(&r).unwrap();
    let d = finish(&r, parsed, OffsetMode::Relative);
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    let got = d.paths.as_ref().unwrap();
    assert_eq!(got, &table);
    for (i, want) in paths.iter().enumerate() {
        assert_eq!(got.path_of(i), *want);
    }

    // A run past the symbol count, an id past the paths, a string without its NUL.
    let mut bad = build_paths(&table);
    bad.run_start[4..8].copy_from_slice(&(n as u32).to_le_bytes());
    let r = raw_with_paths(&b, &bad);
    let d = finish(&r, parse(&r).unwrap(), OffsetMode::Relative);
    assert!(d.paths.is_none());
    assert!(
        d.problems
            .iter()
            .any(|l| l.contains("must start at 0 and ascend")),
        "{:?}",
        d.problems
    );
    let mut bad = build_paths(&table);
    bad.run_path[0] = 9;
    let r = raw_with_paths(&b, &bad);
    let d = finish(&r, parse(&r).unwrap(), OffsetMode::Relative);
    assert!(
        d.problems.iter().any(|l| l.contains("only 3 paths")),
        "{:?}",
        d.problems
    );
    let mut bad = build_paths(&table);
    bad.strings.pop();
    let r = raw_with_paths(&b, &bad);
    let d = finish(&r, parse(&r).unwrap(), OffsetMode::Relative);
    assert!(
        d.problems
            .iter()
            .any(|l| l.contains("no NUL-terminated string")),
        "{:?}",
        d.problems
    );
}

/// Found by the fuzz target `kallsyms_tables`: the decoder kept every entry's whole expansion,
/// so a corrupt 1 MB image whose entries name long tokens took about 1 GB. Names are now cut
/// to KSYM_NAME_LEN - 1 bytes as the kernel cuts them; the whole length is still reported.
#[test]
fn long_expansions_are_cut_like_the_kernel_cuts_them() {
    let long = "a".repeat(1000);
    let mut syms = sample();
    syms.push((b'd', &long, BASE + 0x3000));
    let b = build(&syms, OffsetMode::AbsolutePercpu, BASE);
    let parsed = parse(&raw(&b)).unwrap();
    let e = parsed.entries.last().unwrap();
    assert_eq!(e.name, vec![b'a'; KSYM_NAME_LEN - 1]);
    assert_eq!(e.name_len, 1000);
    let d = decode(&b, Some(OffsetMode::AbsolutePercpu));
    assert!(
        d.problems.iter().any(|p| p.contains("is 1000 bytes long")),
        "{:?}",
        d.problems
    );

    // Token 'a' pointed at a 100000-byte string: each use keeps at most KSYM_NAME_LEN bytes.
    let mut b = build(&sample(), OffsetMode::AbsolutePercpu, BASE);
    let at = 2 * usize::from(b'a');
    let long_at = b.token_table.len() as u16;
    b.token_index[at..at + 2].copy_from_slice(&long_at.to_le_bytes());
    b.token_table.extend(std::iter::repeat_n(b'a', 100_000));
    b.token_table.push(0);
    let parsed = parse(&raw(&b)).unwrap();
    for e in &parsed.entries {
        assert!(e.name.len() < KSYM_NAME_LEN, "{} bytes kept", e.name.len());
    }
    assert!(parsed.entries.iter().any(|e| e.name_len > 100_000));
}
