//! Dropping symbols and marking percpu ones (`shrink_table`, `symbol_valid`,
//! `make_percpus_absolute`; kallsyms.c:183-254 and 728-742).

use crate::table::Symbol;
use crate::table::SymbolTable;

/// `symbol_valid` (kallsyms.c:204).
fn symbol_valid(table: &SymbolTable, sym: &Symbol, all_symbols: bool) -> bool {
    if all_symbols {
        return true;
    }
    let name = table.name(sym);
    // Section boundary markers are always kept.
    if name.starts_with(b"__start_") || name.starts_with(b"__stop_") {
        return true;
    }
    if !table.text_ranges.iter().any(|r| r.contains(sym.addr)) {
        return false;
    }
    // C's corner case: anything at `_etext`/`_einittext` other than that very symbol can move
    // between link passes, so it is dropped. Unset ends are 0, as in C.
    let [text, inittext] = &table.text_ranges;
    !((sym.addr == text.end && name != text.end_sym)
        || (sym.addr == inittext.end && name != inittext.end_sym))
}

/// `shrink_table` (kallsyms.c:239): keeps the valid symbols in order and packs their slots.
pub(crate) fn shrink_table(table: &mut SymbolTable, all_symbols: bool) {
    if all_symbols {
        return;
    }
    let mut kept = 0;
    let mut write = 0;
    for i in 0..table.symbols.len() {
        let mut sym = table.symbols[i];
        if !symbol_valid(table, &sym, all_symbols) {
            continue;
        }
        // Nothing is compressed yet: the slot is `len` bytes and a NUL.
        let start = sym.slot as usize;
        let slot_len = usize::from(sym.len) + 1;
        table.names.copy_within(start..start + slot_len, write);
        // `write` <= `start`, which fits in u32.
        sym.slot = write as u32;
        write += slot_len;
        table.symbols[kept] = sym;
        kept += 1;
    }
    table.symbols.truncate(kept);
    table.names.truncate(write);
}

/// `make_percpus_absolute` (kallsyms.c:728): percpu symbols get type `A`, kept for
/// compatibility with older versions of the tool, and are stored as absolute values.
pub(crate) fn make_percpus_absolute(table: &mut SymbolTable) {
    let range = table.percpu_range;
    for sym in &mut table.symbols {
        if range.contains(sym.addr) {
            table.names[sym.slot as usize] = b'A';
            sym.percpu_absolute = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::read_bytes;

    fn kept(map: &str, all_symbols: bool) -> Vec<String> {
        let mut table = read_bytes(map.as_bytes()).0.unwrap();
        shrink_table(&mut table, all_symbols);
        table
            .symbols
            .iter()
            .map(|s| String::from_utf8(table.c_str_at(s, 0).to_vec()).unwrap())
            .collect()
    }

    #[test]
    fn etext_boundary_and_markers() {
        let map = "10 T _stext\n18 T in\n20 T at_end\n20 T _etext\n30 D data\n\
                   30 D __start_x\n40 D __stop_y\n";
        assert_eq!(
            kept(map, false),
            ["T_stext", "Tin", "T_etext", "D__start_x", "D__stop_y"]
        );
        assert_eq!(kept(map, true).len(), 7);
    }
}
