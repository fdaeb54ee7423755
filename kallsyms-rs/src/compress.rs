//! Token compression (`optimize_token_table` and helpers, kallsyms.c:501-652).
//!
//! C's algorithm, which we reproduce decision for decision:
//! 1. `token_profit[a | b << 8]` counts every adjacent byte pair of every symbol (type char
//!    included);
//! 2. every byte value that occurs is a literal token of itself;
//! 3. for each unused slot from 255 down to 0: take the pair with the highest count, the
//!    lowest pair index on ties (`find_best_token` scans upwards with a strict `>`); stop when
//!    that count is 0; make the slot that pair, and in every symbol replace the pair, left to
//!    right without overlaps, by the slot's byte, updating the counts of that symbol.
//!
//! C rescans every symbol for each of the up to 256 tokens. The outcome does not depend on
//! the order in which symbols are rewritten (each symbol is rewritten on its own, and the count
//! updates are additions), so we instead search the whole name arena for the pair with a SIMD
//! substring search and rewrite only the symbols it hits. Slots end in NUL bytes (see
//! `table.rs`), and no pair we search for ends in NUL (pairs come from the counts, which only
//! see a NUL as a type char, i.e. as a first byte; token 0, the last one, is never searched
//! for), so a hit can only straddle two slots when the pair starts with NUL; every hit is
//! therefore checked against its symbol's length. Also, C forgets and relearns all pairs of a
//! rewritten symbol; we adjust only the pairs around each replacement, which nets the same.

use memchr::memmem;

use crate::table::SymbolTable;

/// The result of compression: C's `best_table` and `best_table_len`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TokenTable {
    /// For a literal slot `c`: `[c, 0]`; for a pair slot: the two bytes it stands for.
    pub(crate) pair: [[u8; 2]; 256],
    /// 0 for an unused slot, 1 for a literal, 2 for a pair.
    pub(crate) len: [u8; 256],
}

/// Pair counts, indexed by `first | second << 8` (C's `token_profit`).
type Profits = [i32; 0x10000];

fn pair_index(first: u8, second: u8) -> usize {
    usize::from(u16::from_le_bytes([first, second]))
}

/// `learn_symbol`.
fn learn_symbol(profit: &mut Profits, bytes: &[u8]) {
    for w in bytes.windows(2) {
        profit[pair_index(w[0], w[1])] += 1;
    }
}

/// `find_best_token`: the highest count, lowest index on ties.
fn find_best_token(profit: &Profits) -> usize {
    // C starts from a best profit of -10000; counts are never negative, so this is the first
    // maximum.
    let max = profit.iter().copied().max().unwrap_or(0);
    profit.iter().position(|&p| p == max).unwrap_or(0)
}

/// `optimize_token_table`. The symbols must be in arena order (as read, before sorting).
pub(crate) fn optimize_token_table(table: &mut SymbolTable) -> TokenTable {
    debug_assert!(table.symbols.windows(2).all(|w| w[0].slot < w[1].slot));
    let mut profit: Box<Profits> = Box::new([0; 0x10000]);
    let mut tokens = TokenTable {
        pair: [[0; 2]; 256],
        len: [0; 256],
    };

    // build_initial_token_table / insert_real_symbols_in_table: the literals and the pairs.
    for sym in &table.symbols {
        let stored = table.stored(sym);
        for &c in stored {
            tokens.pair[usize::from(c)][0] = c;
            tokens.len[usize::from(c)] = 1;
        }
        learn_symbol(&mut profit, stored);
    }

    // optimize_result
    let mut slots = Slots {
        starts: table.symbols.iter().map(|s| s.slot).collect(),
        lens: table.symbols.iter().map(|s| s.len).collect(),
    };
    for slot in (0..=255u8).rev() {
        if tokens.len[usize::from(slot)] != 0 {
            continue;
        }
        let best = find_best_token(&profit);
        if profit[best] == 0 {
            break;
        }
        let [first, second] = (best as u16).to_le_bytes();
        tokens.pair[usize::from(slot)] = [first, second];
        tokens.len[usize::from(slot)] = 2;
        compress_symbols(
            &mut table.names,
            &mut slots,
            &mut profit,
            [first, second],
            slot,
        );
    }
    for (sym, &len) in table.symbols.iter_mut().zip(&slots.lens) {
        sym.len = len;
    }
    tokens
}

/// The symbols' slots in arena order, kept in two small arrays during compression: the
/// lookups from search hits to symbols then stay in cache.
struct Slots {
    /// Slot offsets (`Symbol::slot`), increasing.
    starts: Vec<u32>,
    /// Current lengths (`Symbol::len`).
    lens: Vec<u16>,
}

/// `compress_symbols`: replaces `pair` by `token` in every symbol that contains it.
fn compress_symbols(
    names: &mut [u8],
    slots: &mut Slots,
    profit: &mut Profits,
    pair: [u8; 2],
    token: u8,
) {
    let finder = memmem::Finder::new(&pair);
    let mut pos = 0;
    let mut cursor = 0;
    while let Some(offset) = names.get(pos..).and_then(|rest| finder.find(rest)) {
        let hit = pos + offset;
        cursor = locate_slot(&slots.starts, cursor, hit);
        let start = slots.starts[cursor] as usize;
        let len = usize::from(slots.lens[cursor]);
        if hit + 1 >= start + len {
            // Straddles the NUL tail and the next slot: not a pair inside a symbol.
            pos = hit + 1;
            continue;
        }
        let bytes = &mut names[start..start + len];
        let new_len = replace_pair_counted(bytes, hit - start, &finder, token, profit);
        // Keep the NUL tail that C's memmove leaves.
        bytes[new_len..].fill(0);
        // new_len < len <= u16::MAX.
        slots.lens[cursor] = new_len as u16;
        cursor += 1;
        pos = slots
            .starts
            .get(cursor)
            .map_or(names.len(), |&s| s as usize);
    }
}

/// The index of the slot that holds arena offset `hit`, given the sorted slot offsets and an
/// index `from` whose slot starts at or before `hit`: gallop forward, then binary search.
fn locate_slot(starts: &[u32], from: usize, hit: usize) -> usize {
    let starts_by = |i: usize| starts.get(i).is_some_and(|&s| s as usize <= hit);
    let mut lo = from;
    let mut step = 1;
    let hi = loop {
        let probe = lo + step;
        if !starts_by(probe) {
            break probe.min(starts.len());
        }
        lo = probe;
        step *= 2;
    };
    lo + starts
        .get(lo + 1..hi)
        .map_or(0, |s| s.partition_point(|&s| s as usize <= hit))
}

/// The rewrite loop of `compress_symbols` for one symbol: replaces each occurrence of `pair`,
/// left to right and without overlap, by `token`, in place; `first` is the position of the
/// first occurrence. Returns the new length.
///
/// C forgets all pairs of the symbol before and learns all pairs after. Only pairs that touch
/// a replaced occurrence change, so we update just those, with the same net counts:
/// * old pairs: `(x, a)` before an occurrence (unless `x` is the `b` of the occurrence just
///   before it, which the next item already counted), `(a, b)`, and `(b, y)` after it;
/// * new pairs: `(x, token)` before each token (`x` may be a token), and `(token, y)` after it
///   when `y` is a copied byte.
fn replace_pair_counted(
    bytes: &mut [u8],
    first: usize,
    finder: &memmem::Finder,
    token: u8,
    profit: &mut Profits,
) -> usize {
    let [a, b] = [finder.needle()[0], finder.needle()[1]];
    let len = bytes.len();
    let mut read = first;
    let mut write = first;
    let mut last_match_end = usize::MAX;
    loop {
        // `read` is at an occurrence. Old bytes at `read` and beyond are still in place
        // (`write <= read`), and so is the one before it (`write < read` after a match).
        if read > 0 && last_match_end != read {
            profit[pair_index(bytes[read - 1], a)] -= 1;
        }
        profit[pair_index(a, b)] -= 1;
        if read + 2 < len {
            profit[pair_index(b, bytes[read + 2])] -= 1;
        }
        if write > 0 {
            profit[pair_index(bytes[write - 1], token)] += 1;
        }
        bytes[write] = token;
        write += 1;
        read += 2;
        last_match_end = read;
        // Copy the bytes up to the next occurrence in one go.
        let next = finder.find(&bytes[read..]).map(|offset| read + offset);
        let gap_end = next.unwrap_or(len);
        if gap_end > read {
            profit[pair_index(token, bytes[read])] += 1;
            bytes.copy_within(read..gap_end, write);
            write += gap_end - read;
            read = gap_end;
        }
        if next.is_none() {
            return write;
        }
    }
}

impl TokenTable {
    /// The expansion of every slot: C's `expand_symbol(best_table[i], best_table_len[i])`,
    /// which is also what a compressed byte `i` in a symbol expands to.
    pub(crate) fn expansions(&self) -> Vec<Vec<u8>> {
        let mut memo: Vec<Option<Vec<u8>>> = vec![None; 256];
        let mut in_progress = [false; 256];
        for slot in 0..=255u8 {
            self.expand_slot(slot, &mut memo, &mut in_progress);
        }
        memo.into_iter().map(Option::unwrap_or_default).collect()
    }

    fn expand_slot(
        &self,
        slot: u8,
        memo: &mut [Option<Vec<u8>>],
        in_progress: &mut [bool; 256],
    ) -> Vec<u8> {
        let i = usize::from(slot);
        if let Some(done) = &memo[i] {
            return done.clone();
        }
        let mut out = Vec::new();
        if self.len[i] == 1 && self.pair[i][0] == slot {
            out.push(slot);
        } else if !in_progress[i] {
            // A pair only refers to slots filled before it, so there are no cycles; the flag
            // just keeps a corrupt table from recursing forever.
            in_progress[i] = true;
            for &part in &self.pair[i][..usize::from(self.len[i]).min(2)] {
                out.extend(self.expand_slot(part, memo, in_progress));
            }
            in_progress[i] = false;
        }
        memo[i] = Some(out.clone());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::read_bytes;

    fn compress(map: &str) -> (SymbolTable, TokenTable) {
        let mut table = read_bytes(map.as_bytes()).0.unwrap();
        let tokens = optimize_token_table(&mut table);
        (table, tokens)
    }

    /// `forget_symbol`.
    fn forget_symbol(profit: &mut Profits, bytes: &[u8]) {
        for w in bytes.windows(2) {
            profit[pair_index(w[0], w[1])] -= 1;
        }
    }

    /// The plain rewrite loop of C's `compress_symbols`.
    fn replace_pair(bytes: &mut [u8], pair: [u8; 2], token: u8) -> usize {
        let len = bytes.len();
        let mut read = 0;
        let mut write = 0;
        while read < len {
            let c = bytes[read];
            if c == pair[0] && read + 1 < len && bytes[read + 1] == pair[1] {
                bytes[write] = token;
                read += 2;
            } else {
                bytes[write] = c;
                read += 1;
            }
            write += 1;
        }
        write
    }

    /// The straightforward C algorithm, for comparison.
    fn compress_like_c(symbols: &mut [Vec<u8>]) -> TokenTable {
        let mut profit: Box<Profits> = Box::new([0; 0x10000]);
        let mut tokens = TokenTable {
            pair: [[0; 2]; 256],
            len: [0; 256],
        };
        for s in symbols.iter() {
            learn_symbol(&mut profit, s);
            for &c in s {
                tokens.pair[usize::from(c)][0] = c;
                tokens.len[usize::from(c)] = 1;
            }
        }
        for slot in (0..=255u8).rev() {
            if tokens.len[usize::from(slot)] != 0 {
                continue;
            }
            let mut best = 0;
            let mut best_profit = -10000;
            for (i, &p) in profit.iter().enumerate() {
                if p > best_profit {
                    best = i;
                    best_profit = p;
                }
            }
            if profit[best] == 0 {
                break;
            }
            let pair = (best as u16).to_le_bytes();
            tokens.pair[usize::from(slot)] = pair;
            tokens.len[usize::from(slot)] = 2;
            for s in symbols.iter_mut() {
                if !s.windows(2).any(|w| w == pair) {
                    continue;
                }
                forget_symbol(&mut profit, s);
                let n = replace_pair(s, pair, slot);
                s.truncate(n);
                learn_symbol(&mut profit, s);
            }
        }
        tokens
    }

    #[test]
    fn ties_go_to_the_lowest_pair_index() {
        // "ab" and "ba" both occur twice. The index is first | second << 8, so "ab" is
        // 0x6261 and "ba" is 0x6162: "ba" wins the tie.
        let (_, tokens) = compress("1 t aba\n2 t bab\n");
        assert_eq!(tokens.len[255], 2);
        assert_eq!(tokens.pair[255], *b"ba");
    }

    #[test]
    fn highest_slot_first_and_literals_kept() {
        let (table, tokens) = compress("1 T xxxx\n");
        // Literals: 'T' and 'x'. "xx" (3 times) beats "Tx" (once).
        assert_eq!(tokens.len[usize::from(b'x')], 1);
        assert_eq!(tokens.pair[255], *b"xx");
        // "Txxxx" -> "T\xff\xff": "T\xff" and "\xff\xff" occur once each, and "T\xff"
        // (index 0xff54) beats "\xff\xff" (0xffff). Then "\xfe\xff" is the last pair.
        assert_eq!(tokens.pair[254], [b'T', 0xff]);
        assert_eq!(tokens.pair[253], [0xfe, 0xff]);
        assert_eq!(tokens.len[252], 0);
        let sym = table.symbols[0];
        assert_eq!(table.stored(&sym), &[253]);
        let exp = tokens.expansions();
        assert_eq!(exp[254], b"Txx".to_vec());
        assert_eq!(exp[253], b"Txxxx".to_vec());
        assert_eq!(exp[usize::from(b'x')], b"x".to_vec());
        assert!(exp[0].is_empty());
    }

    #[test]
    fn non_overlapping_left_to_right() {
        let mut s = b"aaab".to_vec();
        let n = replace_pair(&mut s, *b"aa", 9);
        assert_eq!(&s[..n], &[9, b'a', b'b']);
        let mut s = b"abab".to_vec();
        let n = replace_pair(&mut s, *b"ab", 7);
        assert_eq!(&s[..n], &[7, 7]);
    }

    #[test]
    fn counted_rewrite_updates_counts_like_forget_and_learn() {
        let cases: [(&[u8], [u8; 2]); 9] = [
            (b"aaab", *b"aa"),
            (b"aaaa", *b"aa"),
            (b"aaa", *b"aa"),
            (b"abab", *b"ab"),
            (b"xababyab", *b"ab"),
            (b"ab", *b"ab"),
            (b"tab_ab_", *b"ab"),
            (b"babab", *b"ba"),
            (b"zzzabzzab", *b"ab"),
        ];
        for (text, pair) in cases {
            let mut full: Box<Profits> = Box::new([0; 0x10000]);
            let mut counted: Box<Profits> = Box::new([0; 0x10000]);
            let mut plain = text.to_vec();
            forget_symbol(&mut full, &plain);
            let n = replace_pair(&mut plain, pair, 200);
            learn_symbol(&mut full, &plain[..n]);
            let mut fast = text.to_vec();
            let first = fast.windows(2).position(|w| w == pair).unwrap();
            let finder = memmem::Finder::new(&pair);
            let m = replace_pair_counted(&mut fast, first, &finder, 200, &mut counted);
            assert_eq!(&fast[..m], &plain[..n], "{text:?}");
            assert!(full[..] == counted[..], "counts differ for {text:?}");
        }
    }

    #[test]
    fn arena_search_matches_the_c_rescan() {
        // A few hundred pseudo-random symbols over a small alphabet: many tokens and ties.
        let mut seed = 12345u32;
        let mut map = String::new();
        let mut plain = Vec::new();
        for i in 0..400 {
            let mut name = String::new();
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let len = 1 + (seed >> 16) as usize % 40;
            for _ in 0..len {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                name.push(char::from(b"abcde_xy"[(seed >> 16) as usize % 8]));
            }
            let t = if i % 3 == 0 { 'T' } else { 't' };
            map.push_str(&format!("{i:x} {t} {name}\n"));
            plain.push(format!("{t}{name}").into_bytes());
        }
        let (table, tokens) = compress(&map);
        let expected = compress_like_c(&mut plain);
        assert_eq!(tokens, expected);
        for (sym, want) in table.symbols.iter().zip(&plain) {
            assert_eq!(table.stored(sym), &want[..]);
        }
    }
}
