//! Symbol orders: `compare_symbols` (kallsyms.c:689) for the table, `compare_names`
//! (kallsyms.c:327) for `kallsyms_seqs_of_names`, and `record_relative_base`.
//!
//! Both C comparators are total orders (they end on the unique `seq`), so qsort's instability
//! does not show and any correct sort gives the same table.
//!
//! `compare_symbols` breaks address ties on the type char and the bare name. We compute those
//! keys once, before token compression (which rewrites the names), and pack them into
//! [`Symbol::tie_key`]; the address sort then runs after compression, since the compression
//! result does not depend on the table order.

use std::cmp::Ordering;

use crate::table::SymbolTable;

/// `may_be_linker_script_provide_symbol` (kallsyms.c:655): a guess at names that linker
/// scripts PROVIDE, which C sorts after other names at the same address.
fn may_be_linker_script_provide_symbol(name: &[u8]) -> bool {
    // C: `len = se->len - 1`, the name length without the type char.
    if name.len() < 8 || !name.starts_with(b"__") {
        return false;
    }
    let after = &name[2..];
    after.starts_with(b"start_")
        || after.starts_with(b"stop_")
        || after.starts_with(b"end_")
        || name.ends_with(b"_start")
        || name.ends_with(b"_end")
}

/// The tie-breaks of `compare_symbols` after the address, as one number that sorts the same
/// way: non-weak before weak, then not-linker-provided before linker-provided, then fewer
/// leading underscores first. Names are shorter than 512 bytes, so the count fits in 13 bits.
fn tie_key(type_char: u8, bare_name: &[u8]) -> u16 {
    let weak = u16::from(type_char == b'w' || type_char == b'W');
    let linker = u16::from(may_be_linker_script_provide_symbol(bare_name));
    let underscores = bare_name
        .iter()
        .take_while(|&&c| c == b'_')
        .count()
        .min(0x1fff) as u16;
    (weak << 14) | (linker << 13) | underscores
}

/// Computes every [`Symbol::tie_key`]; must run after `make_percpus_absolute` (which changes
/// type chars) and before compression.
pub(crate) fn prepare_sort_keys(table: &mut SymbolTable) {
    for i in 0..table.symbols.len() {
        let sym = table.symbols[i];
        table.symbols[i].tie_key = tie_key(table.type_char(&sym), table.name(&sym));
    }
}

/// `sort_symbols`: address, then the tie key, then input order.
pub(crate) fn sort_symbols(table: &mut SymbolTable) {
    let symbols = &mut table.symbols;
    // Maps come from `nm -n`, already in address order: then only the runs of equal
    // addresses need sorting. The key is a total order, so this gives the same table.
    if symbols.is_sorted_by_key(|s| s.addr) {
        for run in symbols.chunk_by_mut(|a, b| a.addr == b.addr) {
            if run.len() > 1 {
                run.sort_unstable_by_key(|s| (s.tie_key, s.seq));
            }
        }
    } else {
        symbols.sort_unstable_by_key(|s| (s.addr, s.tie_key, s.seq));
    }
}

/// `record_relative_base` (kallsyms.c:745): the first non-absolute address in table order,
/// 0 when every symbol is absolute.
pub(crate) fn record_relative_base(table: &SymbolTable) -> u64 {
    table
        .symbols
        .iter()
        .find(|s| !s.percpu_absolute)
        .map_or(0, |s| s.addr)
}

/// `sort_symbols_by_name`: `strcmp` of the written names after the type char, then address,
/// then `seq` (by now the final table index). Runs on the expanded names `write_src` restored.
pub(crate) fn sort_symbols_by_name(table: &mut SymbolTable) {
    let names = &table.names;
    table.symbols.sort_unstable_by(|a, b| {
        c_strcmp(names, a.slot as usize + 1, b.slot as usize + 1)
            .then(a.addr.cmp(&b.addr))
            .then(a.seq.cmp(&b.seq))
    });
}

/// `strcmp` of the NUL-terminated strings at two arena offsets (unsigned bytes, as glibc).
fn c_strcmp(names: &[u8], a: usize, b: usize) -> Ordering {
    let a = names.get(a..).unwrap_or(&[]);
    let b = names.get(b..).unwrap_or(&[]);
    for (x, y) in a.iter().zip(b) {
        if x != y {
            return x.cmp(y);
        }
        if *x == 0 {
            return Ordering::Equal;
        }
    }
    // Only reachable at the arena's end, which is a NUL: treat the end as a terminator.
    a.len().cmp(&b.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::read_bytes;

    fn sorted(map: &str) -> Vec<String> {
        let mut table = read_bytes(map.as_bytes()).0.unwrap();
        prepare_sort_keys(&mut table);
        sort_symbols(&mut table);
        table
            .symbols
            .iter()
            .map(|s| String::from_utf8(table.c_str_at(s, 0).to_vec()).unwrap())
            .collect()
    }

    #[test]
    fn address_ties() {
        let map = "10 W weak\n10 T __start_sec\n10 T __x_end\n10 T __abc\n10 T _abc\n10 T abc\n\
                   10 T __end\n08 T later_in_file\n";
        assert_eq!(
            sorted(map),
            [
                "Tlater_in_file",
                "Tabc",
                "T_abc",
                "T__x_end",
                "T__abc",
                "T__end",
                "T__start_sec",
                "Wweak"
            ]
        );
    }

    #[test]
    fn sorted_input_shortcut_matches_the_full_sort() {
        // In address order with ties (the shortcut), and the same lines shuffled (full sort).
        let lines = [
            "10 T b",
            "10 W a",
            "10 T __start_x",
            "10 T _c",
            "20 T d",
            "20 t d",
            "30 T e",
            "30 T __e",
            "30 T _e",
            "40 w w",
        ];
        let order = |text: String| {
            let mut table = read_bytes(text.as_bytes()).0.unwrap();
            prepare_sort_keys(&mut table);
            sort_symbols(&mut table);
            let names: Vec<Vec<u8>> = table
                .symbols
                .iter()
                .map(|s| table.c_str_at(s, 0).to_vec())
                .collect();
            (
                names,
                table.symbols.iter().map(|s| s.seq).collect::<Vec<_>>(),
            )
        };
        let sorted = order(lines.iter().map(|l| format!("{l}\n")).collect());
        let mut shuffled_lines = lines;
        shuffled_lines.reverse();
        let shuffled = order(shuffled_lines.iter().map(|l| format!("{l}\n")).collect());
        assert_eq!(
            sorted
                .0
                .iter()
                .map(|n| String::from_utf8_lossy(n))
                .collect::<Vec<_>>(),
            [
                "Tb",
                "T_c",
                "T__start_x",
                "Wa",
                "Td",
                "td",
                "Te",
                "T_e",
                "T__e",
                "ww"
            ]
        );
        // Reversed input: equal tie keys now order by the reversed seq.
        assert_eq!(
            shuffled
                .0
                .iter()
                .map(|n| String::from_utf8_lossy(n))
                .collect::<Vec<_>>(),
            [
                "Tb",
                "T_c",
                "T__start_x",
                "Wa",
                "td",
                "Td",
                "Te",
                "T_e",
                "T__e",
                "ww"
            ]
        );
    }

    #[test]
    fn linker_provided_guess() {
        assert!(may_be_linker_script_provide_symbol(b"__start_"));
        assert!(may_be_linker_script_provide_symbol(b"__stop_xy"));
        assert!(may_be_linker_script_provide_symbol(b"__end_xyz"));
        assert!(may_be_linker_script_provide_symbol(b"__bss_start"));
        assert!(may_be_linker_script_provide_symbol(b"__bss_end"));
        assert!(!may_be_linker_script_provide_symbol(b"__x_end")); // 7 bytes
        assert!(!may_be_linker_script_provide_symbol(b"_bss_start"));
        assert!(!may_be_linker_script_provide_symbol(b"__ends"));
    }

    #[test]
    fn strcmp_order() {
        let names = b"ab\0abc\0b\0\xff\0";
        assert_eq!(c_strcmp(names, 0, 3), Ordering::Less);
        assert_eq!(c_strcmp(names, 3, 7), Ordering::Less);
        assert_eq!(c_strcmp(names, 9, 7), Ordering::Greater);
        assert_eq!(c_strcmp(names, 0, 0), Ordering::Equal);
    }
}
