//! glibc `strtoul()` semantics, which the symvers reader relies on: leading C-locale
//! whitespace, an optional sign (a `-` negates modulo 2^64), an optional `0x` prefix for base 16
//! (only when a hex digit follows), saturation at ULONG_MAX on overflow.

/// Parse like `strtoul(s, &end, base)` on a 64-bit host; returns the value and the number of
/// bytes consumed (0 when no digits were found, as `end == s`).
pub(crate) fn strtoul(s: &[u8], base: u32) -> (u64, usize) {
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r') {
        i += 1;
    }
    let mut negative = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        negative = s[i] == b'-';
        i += 1;
    }
    let mut base = base;
    let hex_prefix = |i: usize| {
        s.get(i) == Some(&b'0')
            && matches!(s.get(i + 1), Some(b'x' | b'X'))
            && s.get(i + 2).is_some_and(|c| c.is_ascii_hexdigit())
    };
    if (base == 16 || base == 0) && hex_prefix(i) {
        i += 2;
        base = 16;
    } else if base == 0 {
        base = if s.get(i) == Some(&b'0') { 8 } else { 10 };
    }
    let start = i;
    let mut value: u64 = 0;
    let mut overflow = false;
    while let Some(d) = s.get(i).and_then(|&c| (c as char).to_digit(base)) {
        match value
            .checked_mul(base as u64)
            .and_then(|v| v.checked_add(d as u64))
        {
            Some(v) => value = v,
            None => overflow = true,
        }
        i += 1;
    }
    if i == start {
        return (0, 0);
    }
    if overflow {
        return (u64::MAX, i);
    }
    (
        if negative {
            value.wrapping_neg()
        } else {
            value
        },
        i,
    )
}

/// `strtoul` that must consume the whole field (C: `*end == '\0'` on a NUL-terminated field).
/// An empty field parses as 0, exactly as in C.
pub(crate) fn strtoul_whole(s: &[u8], base: u32) -> Option<u64> {
    let (v, n) = strtoul(s, base);
    if n == s.len() {
        Some(v)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strtoul_matches_glibc() {
        assert_eq!(strtoul(b"0x1f", 16), (0x1f, 4));
        assert_eq!(strtoul(b"1f", 16), (0x1f, 2));
        assert_eq!(strtoul(b"  -1", 16), (u64::MAX, 4));
        assert_eq!(strtoul(b"0xg", 16), (0, 1));
        assert_eq!(strtoul(b"", 16), (0, 0));
        assert_eq!(strtoul(b"ffffffffffffffffff", 16), (u64::MAX, 18));
        assert_eq!(strtoul(b"010", 0), (8, 3));
        assert_eq!(strtoul(b"0x10", 0), (16, 4));
        assert_eq!(strtoul_whole(b"", 16), Some(0));
        assert_eq!(strtoul_whole(b" ", 16), None);
        assert_eq!(strtoul_whole(b"12 ", 16), None);
    }
}
