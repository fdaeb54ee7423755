//! Nearest-symbol search for section-mismatch reports (C: scripts/mod/symsearch.c).
//!
//! Entries are sorted by (section, address, symbol index); entries that share a section and an
//! address all resolve to the lowest symbol index, so a lookup from either side agrees.

use crate::elf::ElfObject;

/// EM_ARM: Thumb function addresses carry bit 0, which is masked off.
const EM_ARM: u16 = 40;
const STT_FUNC: u8 = 2;

#[derive(Debug, Clone, Copy)]
struct SymInfo {
    /// Index into `.symtab`.
    symbol_index: u32,
    /// `get_secindex()` of the symbol.
    section_index: u32,
    /// `st_value`, Thumb bit masked on ARM.
    addr: u64,
}

/// The sorted search table of one object.
pub(crate) struct SymSearch {
    table: Vec<SymInfo>,
    /// Address arithmetic wraps at the target's `Elf_Addr` width.
    addr_mask: u64,
}

impl SymSearch {
    pub(crate) fn new(elf: &ElfObject) -> Self {
        let is_arm = elf.machine == EM_ARM;
        let mut table: Vec<SymInfo> = elf
            .symbols
            .iter()
            .enumerate()
            .filter(|(_, s)| elf.is_valid_name(s))
            .map(|(i, s)| SymInfo {
                symbol_index: i as u32,
                section_index: s.secindex,
                addr: if is_arm && s.kind() == STT_FUNC {
                    s.st_value & !1
                } else {
                    s.st_value
                },
            })
            .collect();
        table.sort_unstable_by_key(|e| (e.section_index, e.addr, e.symbol_index));
        for i in 1..table.len() {
            if table[i].addr == table[i - 1].addr
                && table[i].section_index == table[i - 1].section_index
            {
                table[i].symbol_index = table[i - 1].symbol_index;
            }
        }
        SymSearch {
            table,
            addr_mask: elf.addr_mask(),
        }
    }

    /// `symsearch_find_nearest()`: the symbol in `secndx` nearest to `addr`, at most
    /// `min_distance` away; a symbol above `addr` only when `allow_negative`, and on a tie
    /// the lower one wins.
    pub(crate) fn find_nearest(
        &self,
        addr: u64,
        secndx: u32,
        allow_negative: bool,
        mut min_distance: u64,
    ) -> Option<u32> {
        let key = (secndx, addr);
        // First entry strictly greater than (secndx, addr, u32::MAX).
        let hi = self
            .table
            .partition_point(|e| (e.section_index, e.addr) <= key);
        let mut result = None;
        if allow_negative {
            if let Some(e) = self.table.get(hi) {
                let dist = e.addr.wrapping_sub(addr) & self.addr_mask;
                if e.section_index == secndx && dist <= min_distance {
                    min_distance = dist;
                    result = Some(e.symbol_index);
                }
            }
        }
        if hi > 0 {
            let e = &self.table[hi - 1];
            if e.section_index == secndx
                && (addr.wrapping_sub(e.addr) & self.addr_mask) <= min_distance
            {
                result = Some(e.symbol_index);
            }
        }
        result
    }
}
