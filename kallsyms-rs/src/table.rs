//! The symbol table: one compact record per kept symbol plus one byte arena for all names.
//!
//! C kallsyms mallocs one `struct sym_entry` per symbol and edits its bytes in place (token
//! compression shrinks them, `write_src` expands them back with `strcpy`). We keep the same
//! in-place semantics but put every entry's bytes in a single arena: each symbol owns a *slot*
//! of `1 + strlen(name) + 1` bytes (type char, name, NUL), exactly the C allocation. Bytes past
//! the current logical length are always NUL, as in C (its `memmove` drags the terminator
//! along), which lets the compressor search the whole arena at once.
//!
//! Names are always the bare symbol names of the map: source paths (CONFIG_KALLSYMS_PATHS) go
//! into a side table of their own (kpaths::kallsyms::path_table), never into the names.

/// One kallsyms entry (the C `struct sym_entry`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Symbol {
    /// Symbol address from the map.
    pub(crate) addr: u64,
    /// Offset of this symbol's slot in [`SymbolTable::names`].
    pub(crate) slot: u32,
    /// Input order (index among the lines kept by `read_symbol`), later the final table index.
    pub(crate) seq: u32,
    /// Bytes in use at the start of the slot: type char plus name, fewer once compressed.
    pub(crate) len: u16,
    /// Packed tie-break keys of `compare_symbols`, see `sort::tie_key`.
    pub(crate) tie_key: u16,
    /// Set by `--absolute-percpu` for symbols inside the percpu range (stored as absolute).
    pub(crate) percpu_absolute: bool,
}

// 24 bytes per symbol keeps a 163k-symbol distro map well under the C tool's memory use.
const _: () = assert!(std::mem::size_of::<Symbol>() == 24);

/// An address range delimited by two marker symbols (the C `struct addr_range`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct AddrRange {
    /// Name of the symbol that sets `start`.
    pub(crate) start_sym: &'static [u8],
    /// Name of the symbol that sets `end`.
    pub(crate) end_sym: &'static [u8],
    /// First address in the range (inclusive).
    pub(crate) start: u64,
    /// Last address in the range (inclusive).
    pub(crate) end: u64,
}

impl AddrRange {
    /// Inclusive at both ends, as `symbol_in_range` is.
    pub(crate) fn contains(&self, addr: u64) -> bool {
        addr >= self.start && addr <= self.end
    }
}

/// Everything `read_map` collects.
#[derive(Debug)]
pub(crate) struct SymbolTable {
    /// Kept symbols, in input order until `sort::sort_symbols`, then in table order.
    pub(crate) symbols: Vec<Symbol>,
    /// The slots of all symbols, back to back in input order.
    pub(crate) names: Vec<u8>,
    /// Address of the last `_text` line (0 when there is none, as the C global).
    pub(crate) text_base: u64,
    /// `_stext`..`_etext` and `_sinittext`..`_einittext`; unset bounds are 0 as in C.
    pub(crate) text_ranges: [AddrRange; 2],
    /// `__per_cpu_start`..`__per_cpu_end`; starts out empty (`-1ULL`..0) as in C.
    pub(crate) percpu_range: AddrRange,
}

impl SymbolTable {
    pub(crate) fn new() -> SymbolTable {
        SymbolTable {
            symbols: Vec::new(),
            names: Vec::new(),
            text_base: 0,
            text_ranges: [
                AddrRange {
                    start_sym: b"_stext",
                    end_sym: b"_etext",
                    start: 0,
                    end: 0,
                },
                AddrRange {
                    start_sym: b"_sinittext",
                    end_sym: b"_einittext",
                    start: 0,
                    end: 0,
                },
            ],
            percpu_range: AddrRange {
                start_sym: b"__per_cpu_start",
                end_sym: b"__per_cpu_end",
                start: u64::MAX,
                end: 0,
            },
        }
    }

    /// The bytes in use: type char and (possibly compressed) name.
    pub(crate) fn stored(&self, sym: &Symbol) -> &[u8] {
        let start = sym.slot as usize;
        &self.names[start..start + usize::from(sym.len)]
    }

    /// The name (without the type char) of an uncompressed symbol.
    pub(crate) fn name(&self, sym: &Symbol) -> &[u8] {
        let start = sym.slot as usize;
        &self.names[start + 1..start + usize::from(sym.len)]
    }

    /// The type char (first stored byte).
    pub(crate) fn type_char(&self, sym: &Symbol) -> u8 {
        self.names[sym.slot as usize]
    }

    /// The slot read as a C string from `skip` bytes in: what C's `printf("%s", sym->sym)`
    /// (`skip == 0`) and `sym_name()` (`skip == 1`) see. Every slot ends in a NUL.
    pub(crate) fn c_str_at(&self, sym: &Symbol, skip: usize) -> &[u8] {
        let tail = self.names.get(sym.slot as usize + skip..).unwrap_or(&[]);
        let end = memchr::memchr(0, tail).unwrap_or(tail.len());
        &tail[..end]
    }
}
