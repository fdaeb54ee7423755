//! Token selection for path-qualified names (`path:name`, CONFIG_KALLSYMS_PATHS).
//!
//! C's greedy pair merging spends several tokens and about five compressed bytes per symbol
//! on spelling `path:` prefixes out of pairs. The kernel decoder (`kallsyms_expand_symbol`)
//! accepts any NUL-free token strings, so a slot may instead stand for a whole frequent
//! `path:` prefix, which then costs one byte per symbol. Each such slot displaces a pair token
//! that would have shortened the bare names, so the number of prefix slots is chosen by
//! measuring: the table is compressed with each candidate count and the smallest output
//! (`kallsyms_names` plus `kallsyms_token_table` bytes) wins, the smaller count on ties.
//! docs/vmlinux-paths.md ("Token selection") has the numbers.

use std::collections::HashMap;

use crate::compress::optimize_token_table_with_prefixes;
use crate::compress::TokenTable;
use crate::table::SymbolTable;

/// Prefix slot counts tried after 0 (plain pair merging), in order; the search stops at the
/// first count that does worse than the one before it. On the fixture the size falls to 32
/// slots and rises steeply past 48, as the displaced pair tokens cost more than the prefixes
/// save.
const PREFIX_SLOT_COUNTS: [usize; 12] = [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128];

/// `optimize_token_table` for paths mode: pair merging after the best number of whole-prefix
/// slots (see the module comment). Deterministic: same table, same tokens.
pub(crate) fn optimize_token_table_for_paths(table: &mut SymbolTable) -> TokenTable {
    let mut best = trial(table, &[]);
    let ranked = ranked_prefixes(table);
    let mut previous_size = best.0;
    let mut previous_count = 0;
    for count in PREFIX_SLOT_COUNTS {
        // With fewer candidates than the count, all of them are the last trial.
        let count = count.min(ranked.len());
        if count == previous_count {
            break;
        }
        previous_count = count;
        let candidate = trial(table, &ranked[..count]);
        let size = candidate.0;
        // kallsyms_token_index entries are .short offsets: a token table past 64 KiB (128
        // long prefixes could get there) would be misread by the kernel.
        if token_table_size(&candidate.2) > usize::from(u16::MAX) {
            break;
        }
        if size < best.0 {
            best = candidate;
        }
        if size > previous_size {
            break;
        }
        previous_size = size;
    }
    let (_, compressed, tokens) = best;
    *table = compressed;
    tokens
}

/// Every `path:` prefix (the bytes between the type char and the bare name) whose slot would
/// save bytes on its own, best first: saving `count * (len - 1)` name bytes minus `len + 1`
/// token table bytes, then the prefix bytes (ascending) on ties.
pub(crate) fn ranked_prefixes(table: &SymbolTable) -> Vec<Vec<u8>> {
    let mut counts: HashMap<&[u8], i64> = HashMap::new();
    for sym in &table.symbols {
        let bare = usize::from(sym.bare_name_start);
        if let Some(prefix) = table.stored(sym).get(1..bare) {
            if !prefix.is_empty() && !prefix.contains(&0) {
                *counts.entry(prefix).or_default() += 1;
            }
        }
    }
    let mut ranked: Vec<(i64, &[u8])> = counts
        .into_iter()
        .map(|(prefix, count)| {
            let len = prefix.len() as i64;
            (count * (len - 1) - (len + 1), prefix)
        })
        .filter(|&(saving, _)| saving > 0)
        .collect();
    ranked.sort_unstable_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    ranked.into_iter().map(|(_, p)| p.to_vec()).collect()
}

/// Compresses a copy of `table` with `prefixes`: the size of `kallsyms_names` (with the
/// length prefixes) plus `kallsyms_token_table`, the compressed copy and its tokens.
pub(crate) fn trial(table: &SymbolTable, prefixes: &[Vec<u8>]) -> (usize, SymbolTable, TokenTable) {
    let mut copy = SymbolTable {
        symbols: table.symbols.clone(),
        names: table.names.clone(),
        text_base: table.text_base,
        text_ranges: table.text_ranges,
        percpu_range: table.percpu_range,
    };
    let tokens = optimize_token_table_with_prefixes(&mut copy, prefixes);
    (tables_size(&copy, &tokens), copy, tokens)
}

/// `kallsyms_names` plus `kallsyms_token_table` bytes of a compressed table.
pub(crate) fn tables_size(table: &SymbolTable, tokens: &TokenTable) -> usize {
    let names: usize = table
        .symbols
        .iter()
        .map(|s| usize::from(s.len) + if s.len > 0x7f { 2 } else { 1 })
        .sum();
    names + token_table_size(tokens)
}

/// `kallsyms_token_table` bytes: every slot's string and its NUL.
fn token_table_size(tokens: &TokenTable) -> usize {
    tokens
        .expansions()
        .iter()
        .map(|e| e.iter().position(|&c| c == 0).unwrap_or(e.len()) + 1)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compress::WHOLE_STRING;
    use crate::table::Symbol;

    /// A table of `type char + name` entries, the bare name starting after the first ':' as
    /// `apply_paths` sets it.
    fn table_of(names: &[Vec<u8>]) -> SymbolTable {
        let mut table = SymbolTable::new();
        for (seq, name) in names.iter().enumerate() {
            let bare = name
                .iter()
                .position(|&c| c == b':')
                .map_or(1, |colon| colon + 1);
            table.symbols.push(Symbol {
                addr: seq as u64,
                slot: table.names.len() as u32,
                seq: seq as u32,
                len: name.len() as u16,
                bare_name_start: bare as u16,
                tie_key: 0,
                percpu_absolute: false,
            });
            table.names.extend_from_slice(name);
            table.names.push(0);
        }
        table
    }

    /// What the unmodified kernel does with the tables (kernel/kallsyms.c
    /// `kallsyms_expand_symbol`): the token table is the slots' C strings back to back, and
    /// every byte of a compressed name is a slot index whose string is copied out.
    fn kernel_decode(table: &SymbolTable, tokens: &TokenTable) -> Vec<Vec<u8>> {
        let mut token_table = Vec::new();
        let mut token_index = Vec::new();
        for expansion in tokens.expansions() {
            assert!(!expansion.contains(&0), "token string with a NUL");
            token_index.push(token_table.len());
            token_table.extend_from_slice(&expansion);
            token_table.push(0);
        }
        assert!(
            token_table.len() <= usize::from(u16::MAX),
            "token_index is .short"
        );
        table
            .symbols
            .iter()
            .map(|sym| {
                let mut out = Vec::new();
                for &b in table.stored(sym) {
                    let tail = &token_table[token_index[usize::from(b)]..];
                    let end = tail.iter().position(|&c| c == 0).unwrap();
                    assert!(end > 0, "byte {b:#x} has no token");
                    out.extend_from_slice(&tail[..end]);
                }
                out
            })
            .collect()
    }

    /// Compresses `names` in paths mode and checks everything the kernel relies on.
    fn round_trip(names: &[Vec<u8>]) -> TokenTable {
        let mut table = table_of(names);
        let tokens = optimize_token_table_for_paths(&mut table);
        assert_eq!(kernel_decode(&table, &tokens), names);
        // Every byte value in a name is still its own single-char token (C's literals).
        let expansions = tokens.expansions();
        for name in names {
            for &c in name {
                assert_eq!(expansions[usize::from(c)], [c], "literal {c:#x}");
            }
        }
        // The slots after the arena's logical ends are NUL, as write_src expects.
        for sym in &table.symbols {
            let start = sym.slot as usize + usize::from(sym.len);
            let end = start + table.names[start..].iter().take_while(|&&c| c == 0).count();
            assert!(end > start, "slot lost its NUL");
        }
        // Same input, same bytes.
        let mut again = table_of(names);
        assert_eq!(optimize_token_table_for_paths(&mut again), tokens);
        assert_eq!(again.names, table.names);
        tokens
    }

    #[test]
    fn synthetic_names_and_forced_prefix_slots() {
        let mut names = Vec::new();
        for i in 0..400 {
            let path = match i % 4 {
                0 => "kernel/sched/core.c:",
                1 => "drivers/net/ethernet/intel/e1000/e1000_main.c:",
                2 => "fs/ext4/inode.c:",
                _ => "mm/page_alloc.c:",
            };
            let t = if i % 3 == 0 { 'T' } else { 't' };
            names.push(format!("{t}{path}fn_{i}").into_bytes());
        }
        // Names without a path stay as they are.
        names.push(b"T_text".to_vec());
        names.push(b"A:weird".to_vec());
        round_trip(&names);

        // Forced prefix slots: the highest free slots in the order given, a duplicate and an
        // empty prefix ignored, and the names still decode.
        let prefixes = [
            b"drivers/net/ethernet/intel/e1000/e1000_main.c:".to_vec(),
            b"fs/ext4/inode.c:".to_vec(),
            b"fs/ext4/inode.c:".to_vec(),
            Vec::new(),
            b"not/used.c:".to_vec(),
        ];
        let mut table = table_of(&names);
        let tokens = optimize_token_table_with_prefixes(&mut table, &prefixes);
        assert_eq!(kernel_decode(&table, &tokens), names);
        assert_eq!(
            tokens.whole,
            [
                (255, prefixes[0].clone()),
                (254, prefixes[1].clone()),
                (253, prefixes[4].clone()),
            ]
        );
        for (slot, _) in &tokens.whole {
            assert_eq!(tokens.len[usize::from(*slot)], WHOLE_STRING);
        }
        // "tdrivers/...e1000_main.c:fn_1" is now type char, slot 255, "fn_1", then pairs.
        let e1000 = table.symbols[1];
        assert!(table.stored(&e1000).len() <= 6);
    }

    #[test]
    fn without_frequent_prefixes_it_is_plain_pair_merging() {
        let names: Vec<Vec<u8>> = (0..50)
            .map(|i| format!("ta{i}/x{i}.c:name_{i}").into_bytes())
            .collect();
        let tokens = round_trip(&names);
        assert!(tokens.whole.is_empty());
        let mut plain = table_of(&names);
        assert_eq!(crate::compress::optimize_token_table(&mut plain), tokens);
    }

    #[test]
    fn ranking_is_by_saving_then_bytes() {
        let names: Vec<Vec<u8>> = [
            "tbb.c:x",
            "tbb.c:y",
            "tbb.c:z",
            "taa.c:x",
            "taa.c:y",
            "taa.c:z",
            "tlong/c.c:x",
            "tlong/c.c:y",
            "tz.c:1",
        ]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect();
        let table = table_of(&names);
        // aa.c: and bb.c: save 3 * 5 - 7 = 8 each, long/c.c: 2 * 9 - 11 = 7, z.c: loses.
        assert_eq!(
            ranked_prefixes(&table),
            [b"aa.c:".to_vec(), b"bb.c:".to_vec(), b"long/c.c:".to_vec()]
        );
    }

    /// The path-qualified names of the cached paths kernel (`kbuild/paths-kernel.sh`), from the
    /// comments of the `.tmp_vmlinux2.kallsyms.S` that link-vmlinux.sh kept.
    fn paths_kernel_names() -> Vec<Vec<u8>> {
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let build = match std::env::var_os("KALLSYMS_RS_PATHS_BUILD") {
            Some(b) => std::path::PathBuf::from(b),
            None => {
                let out = std::process::Command::new("bash")
                    .arg(root.join("kbuild/paths-kernel.sh"))
                    .arg("env")
                    .current_dir(&root)
                    .output()
                    .expect("cannot run kbuild/paths-kernel.sh env");
                let text = String::from_utf8_lossy(&out.stdout).into_owned();
                let build = text
                    .lines()
                    .find_map(|l| l.trim_start_matches("export ").strip_prefix("BUILD="))
                    .expect("kbuild/paths-kernel.sh env printed no BUILD=")
                    .trim_matches(|c| c == '\'' || c == '"')
                    .to_owned();
                std::path::PathBuf::from(build)
            }
        };
        let s_file = build.join(".tmp_vmlinux2.kallsyms.S");
        let text = std::fs::read(&s_file).unwrap_or_else(|e| {
            panic!(
                "paths kernel missing: cannot read {} ({e}); run `bash kbuild/paths-kernel.sh \
                 build` or set KALLSYMS_RS_PATHS_BUILD",
                s_file.display()
            )
        });
        let start = text
            .windows(17)
            .position(|w| w == b"\nkallsyms_names:\n")
            .expect("no kallsyms_names")
            + 17;
        text[start..]
            .split(|&c| c == b'\n')
            .take_while(|l| !l.is_empty())
            .map(|l| {
                let open = l.windows(3).position(|w| w == b"/* ").expect("comment") + 3;
                l[open..l.len() - 3].to_vec()
            })
            .collect()
    }

    #[test]
    fn paths_kernel_names_round_trip() {
        let names = paths_kernel_names();
        assert!(names.len() > 30_000, "{} names", names.len());
        assert!(names.iter().all(|n| n.contains(&b':')));
        let tokens = round_trip(&names);
        assert!(!tokens.whole.is_empty());
        // Smaller than plain pair merging over the same names.
        let mut plain = table_of(&names);
        let plain_tokens = crate::compress::optimize_token_table(&mut plain);
        let mut ours = table_of(&names);
        let ours_tokens = optimize_token_table_for_paths(&mut ours);
        assert!(tables_size(&ours, &ours_tokens) < tables_size(&plain, &plain_tokens));
    }

    /// Measurement, not a check: `KALLSYMS_RS_TOKENS_MAP=<map with path:name names> cargo test
    /// -p kallsyms-rs --bin kallsyms-rs -- --ignored --nocapture tokens_on_a_map` prints the
    /// `kallsyms_names` + token table bytes for each prefix slot count (all map lines kept).
    #[test]
    #[ignore = "measurement; needs KALLSYMS_RS_TOKENS_MAP"]
    fn tokens_on_a_map() {
        let map = std::env::var_os("KALLSYMS_RS_TOKENS_MAP").expect("KALLSYMS_RS_TOKENS_MAP");
        let text = std::fs::read(&map).unwrap();
        let names: Vec<Vec<u8>> = text
            .split(|&c| c == b'\n')
            .filter_map(|line| {
                let mut fields = line.split(|&c| c == b' ').filter(|f| !f.is_empty());
                let _addr = fields.next()?;
                let mut name = fields.next()?.to_vec();
                name.extend_from_slice(fields.next()?);
                Some(name)
            })
            .collect();
        let table = table_of(&names);
        let ranked = ranked_prefixes(&table);
        println!("{} names, {} ranked prefixes", names.len(), ranked.len());
        println!("0 prefix slots: {} bytes", trial(&table, &[]).0);
        for count in PREFIX_SLOT_COUNTS {
            let count = count.min(ranked.len());
            println!(
                "{count} prefix slots: {} bytes",
                trial(&table, &ranked[..count]).0
            );
        }
        let tokens = round_trip(&names);
        println!("chosen: {} prefix slots", tokens.whole.len());
    }
}
