//! The four table types C handles outside the generic walk: `usb` (a bcdDevice range becomes
//! several fnmatch patterns), `of` (two aliases per entry), `pnp` and `pnp_card` (a `pnp:` and an
//! upper-cased `acpi*:` alias per id; pnp_card drops ids already seen in earlier entries).

use std::fmt::Write as _;

use super::{Alias, Entry, Table};
use crate::diag::Result;

const USB_DEVICE_ID_MATCH_VENDOR: u16 = 0x0001;
const USB_DEVICE_ID_MATCH_PRODUCT: u16 = 0x0002;
const USB_DEVICE_ID_MATCH_DEV_LO: u16 = 0x0004;
const USB_DEVICE_ID_MATCH_DEV_HI: u16 = 0x0008;
const USB_DEVICE_ID_MATCH_DEV_CLASS: u16 = 0x0010;
const USB_DEVICE_ID_MATCH_DEV_SUBCLASS: u16 = 0x0020;
const USB_DEVICE_ID_MATCH_DEV_PROTOCOL: u16 = 0x0040;
const USB_DEVICE_ID_MATCH_INT_CLASS: u16 = 0x0080;
const USB_DEVICE_ID_MATCH_INT_SUBCLASS: u16 = 0x0100;
const USB_DEVICE_ID_MATCH_INT_PROTOCOL: u16 = 0x0200;
const USB_DEVICE_ID_MATCH_INT_NUMBER: u16 = 0x0400;

/// Hex digits in a bcdDevice value (`sizeof(bcdDevice_lo) * 2`).
const BCD_DIGITS: i32 = 4;

/// `PNP_MAX_DEVICES` and `PNP_ID_LEN` (the `devs[]` array of `struct pnp_card_device_id`).
const PNP_MAX_DEVICES: usize = 8;
const PNP_ID_LEN: usize = 8;

pub(super) fn do_usb_table(t: &mut Table<'_>) -> Result<()> {
    let id_size = t.layout_size(|o| &o.usb_device_id)?;
    let count = t.device_id_check("usb", id_size)?;
    for index in 0..count {
        do_usb_entry_multi(t, index, id_size)?;
    }
    Ok(())
}

/// One usb entry: the bcdDevice range `[lo, hi]` is cut into patterns that each fix some
/// leading digits and give a range for the next one (C: `do_usb_entry_multi`).
fn do_usb_entry_multi(t: &mut Table<'_>, index: usize, id_size: usize) -> Result<()> {
    let offsets = t.offsets;
    let l = &offsets.usb_device_id;
    let e = t.entry(index, id_size);
    let match_flags = e.u16(l.match_flags);
    let id_vendor = e.u16(l.idVendor);
    let id_product = e.u16(l.idProduct);
    let bcd_lo = e.u16(l.bcdDevice_lo);
    let bcd_hi = e.u16(l.bcdDevice_hi);
    let device_class = e.u8(l.bDeviceClass);
    let interface_class = e.u8(l.bInterfaceClass);

    let mut devlo: u32 = if match_flags & USB_DEVICE_ID_MATCH_DEV_LO != 0 {
        u32::from(bcd_lo)
    } else {
        0
    };
    let mut devhi: u32 = if match_flags & USB_DEVICE_ID_MATCH_DEV_HI != 0 {
        u32::from(bcd_hi)
    } else {
        !0
    };

    // BCD unless some digit of lo or (hi capped at 0x9999) is above 9.
    let mut max: u8 = 0x9;
    for ndigits in 0..BCD_DIGITS {
        let clo = ((devlo >> (ndigits << 2)) & 0xf) as u8;
        let chi = ((devhi.min(0x9999) >> (ndigits << 2)) & 0xf) as u8;
        if clo > max || chi > max {
            max = 0xf;
            break;
        }
    }

    // Placeholder entries filled in at run time (visor) would match everything: no alias.
    if id_vendor | id_product | u16::from(device_class) | u16::from(interface_class) == 0 {
        return Ok(());
    }

    let mut ndigits = BCD_DIGITS - 1;
    while devlo <= devhi {
        let clo = (devlo & 0xf) as u8;
        let chi = ((devhi & 0xf) as u8).min(max);
        devlo >>= 4;
        devhi >>= 4;

        if devlo == devhi || ndigits == 0 {
            do_usb_entry(t, e, devlo, ndigits, clo, chi, max)?;
            break;
        }
        if clo > 0x0 {
            let initial = incbcd(&mut devlo, 1, max, BCD_DIGITS as usize);
            do_usb_entry(t, e, initial, ndigits, clo, max, max)?;
        }
        if chi < max {
            let initial = incbcd(&mut devhi, -1, max, BCD_DIGITS as usize);
            do_usb_entry(t, e, initial, ndigits, 0x0, chi, max)?;
        }
        ndigits -= 1;
    }
    Ok(())
}

/// Step a BCD (or, when `max` > 9, plain hex) number by `inc`; returns the old value.
/// Quirks kept from C: digits above 9 are read as 9, only the low `chars` digits survive the
/// round trip through decimal, and 0 - 1 wraps to the top of a 64-bit decimal value.
fn incbcd(bcd: &mut u32, inc: i32, max: u8, chars: usize) -> u32 {
    let initial = *bcd;
    if max > 0x9 {
        *bcd = bcd.wrapping_add(inc as u32);
        return initial;
    }
    let mut dec: u64 = 0;
    for i in 0..chars {
        let mut c = u64::from((*bcd >> (i << 2)) & 0xf).min(9);
        for _ in 0..i {
            c = c.wrapping_mul(10);
        }
        dec = dec.wrapping_add(c);
    }
    // `dec += inc` with an int converted to unsigned long long.
    dec = dec.wrapping_add(i64::from(inc) as u64);
    *bcd = 0;
    for i in 0..chars {
        let mut power: u64 = 1;
        for _ in 0..i {
            power = power.wrapping_mul(10);
        }
        let digit = (dec / power) % 10;
        *bcd = bcd.wrapping_add((digit << (i << 2)) as u32);
    }
    initial
}

/// One usb pattern: `initial` printed in `ndigits` hex digits, then one digit from
/// `range_lo..=range_hi` (C: `do_usb_entry`).
fn do_usb_entry(
    t: &mut Table<'_>,
    e: Entry<'_>,
    initial: u32,
    ndigits: i32,
    range_lo: u8,
    range_hi: u8,
    max: u8,
) -> Result<()> {
    let offsets = t.offsets;
    let l = &offsets.usb_device_id;
    let match_flags = e.u16(l.match_flags);
    let flag = |bit: u16| match_flags & bit != 0;

    let mut alias = Alias::new("usb:");
    alias.add(
        "v",
        flag(USB_DEVICE_ID_MATCH_VENDOR),
        e.u16(l.idVendor).into(),
        2,
    );
    alias.add(
        "p",
        flag(USB_DEVICE_ID_MATCH_PRODUCT),
        e.u16(l.idProduct).into(),
        2,
    );

    alias.push_str("d");
    if ndigits != 0 {
        let width = ndigits as usize;
        let _ = write!(alias, "{initial:0width$X}");
    }
    if range_lo == range_hi {
        let _ = write!(alias, "{range_lo:X}");
    } else if range_lo > 0 || range_hi < max {
        if range_lo > 0x9 || range_hi < 0xA {
            let _ = write!(alias, "[{range_lo:X}-{range_hi:X}]");
        } else {
            // A BCD-looking range that crosses 9/A is written as two sub-ranges.
            let _ = if range_lo < 0x9 {
                write!(alias, "[{range_lo:X}-9")
            } else {
                write!(alias, "[{range_lo:X}")
            };
            let _ = if range_hi > 0xA {
                write!(alias, "A-{range_hi:X}]")
            } else {
                write!(alias, "{range_hi:X}]")
            };
        }
    }
    if ndigits < BCD_DIGITS - 1 {
        alias.push_str("*");
    }

    alias.add(
        "dc",
        flag(USB_DEVICE_ID_MATCH_DEV_CLASS),
        e.u8(l.bDeviceClass).into(),
        1,
    );
    alias.add(
        "dsc",
        flag(USB_DEVICE_ID_MATCH_DEV_SUBCLASS),
        e.u8(l.bDeviceSubClass).into(),
        1,
    );
    alias.add(
        "dp",
        flag(USB_DEVICE_ID_MATCH_DEV_PROTOCOL),
        e.u8(l.bDeviceProtocol).into(),
        1,
    );
    alias.add(
        "ic",
        flag(USB_DEVICE_ID_MATCH_INT_CLASS),
        e.u8(l.bInterfaceClass).into(),
        1,
    );
    alias.add(
        "isc",
        flag(USB_DEVICE_ID_MATCH_INT_SUBCLASS),
        e.u8(l.bInterfaceSubClass).into(),
        1,
    );
    alias.add(
        "ip",
        flag(USB_DEVICE_ID_MATCH_INT_PROTOCOL),
        e.u8(l.bInterfaceProtocol).into(),
        1,
    );
    alias.add(
        "in",
        flag(USB_DEVICE_ID_MATCH_INT_NUMBER),
        e.u8(l.bInterfaceNumber).into(),
        1,
    );
    alias.add_wildcard();
    t.emit(&alias.bytes)
}

/// `of:N<name>T<type>[C<compatible>]` and the same followed by `C*` (C: `do_of_entry_multi`).
pub(super) fn do_of_table(t: &mut Table<'_>) -> Result<()> {
    let id_size = t.layout_size(|o| &o.of_device_id)?;
    let count = t.device_id_check("of", id_size)?;
    for index in 0..count {
        let offsets = t.offsets;
        let l = &offsets.of_device_id;
        let e = t.entry(index, id_size);
        let name = e.cstr(l.name);
        let type_ = e.cstr(l.r#type);
        let compatible = e.cstr(l.compatible);

        let mut alias = Alias::new("of:N");
        alias.push_bytes(if name.is_empty() { b"*" } else { name });
        alias.push_str("T");
        alias.push_bytes(if type_.is_empty() { b"*" } else { type_ });
        if !compatible.is_empty() {
            alias.push_str(if type_.is_empty() { "" } else { "*" });
            alias.push_str("C");
            alias.push_bytes(compatible);
        }
        alias.spaces_to_underscores();
        t.emit(&alias.bytes)?;
        alias.push_str("C");
        alias.add_wildcard();
        t.emit(&alias.bytes)?;
    }
    Ok(())
}

/// C-locale `toupper` over the bytes of a PNP id field, printed as `%s`: up to the first NUL.
/// C prints its own 8-byte copy; without a NUL in it C reads on into its stack (undefined), we
/// stop after the 8 bytes.
fn acpi_id(field: &[u8]) -> Vec<u8> {
    field
        .iter()
        .take_while(|&&b| b != 0)
        .map(u8::to_ascii_uppercase)
        .collect()
}

/// `pnp:d<id>*` and `acpi*:<ID>:*` per entry (C: `do_pnp_device_entry`).
pub(super) fn do_pnp_device_entry(t: &mut Table<'_>) -> Result<()> {
    let id_size = t.layout_size(|o| &o.pnp_device_id)?;
    let count = t.device_id_check("pnp", id_size)?;
    for index in 0..count {
        let e = t.entry(index, id_size);
        let offset = t.offsets.pnp_device_id.id;
        emit_pnp_pair(t, e.cstr(offset), e.raw(offset, PNP_ID_LEN))?;
    }
    Ok(())
}

fn emit_pnp_pair(t: &mut Table<'_>, id: &[u8], field: &[u8]) -> Result<()> {
    let mut alias = Alias::new("pnp:d");
    alias.push_bytes(id);
    alias.push_str("*");
    t.emit(&alias.bytes)?;
    let mut alias = Alias::new("acpi*:");
    alias.push_bytes(&acpi_id(field));
    alias.push_str(":*");
    t.emit(&alias.bytes)
}

/// The same pair for every device id of every card, skipping ids that an earlier card in the
/// table already listed (C: `do_pnp_card_entries`). Its size check names `pnp_device_id`.
pub(super) fn do_pnp_card_entries(t: &mut Table<'_>) -> Result<()> {
    let id_size = t.layout_size(|o| &o.pnp_card_device_id)?;
    let count = t.device_id_check("pnp", id_size)?;
    let devs = t.offsets.pnp_card_device_id.devs;
    for index in 0..count {
        let e = t.entry(index, id_size);
        for j in 0..PNP_MAX_DEVICES {
            let offset = devs + j * PNP_ID_LEN;
            let id = e.cstr(offset);
            if id.is_empty() {
                break;
            }
            let dup = (0..index).any(|earlier| {
                let e2 = t.entry(earlier, id_size);
                (0..PNP_MAX_DEVICES)
                    .map(|j2| e2.cstr(devs + j2 * PNP_ID_LEN))
                    .take_while(|id2| !id2.is_empty())
                    .any(|id2| id2 == id)
            });
            if !dup {
                emit_pnp_pair(t, id, e.raw(offset, PNP_ID_LEN))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::incbcd;

    #[test]
    fn incbcd_steps_decimal_digits() {
        let mut v = 0x0199;
        assert_eq!(incbcd(&mut v, 1, 9, 4), 0x0199);
        assert_eq!(v, 0x0200);
        let mut v = 0x0200;
        incbcd(&mut v, -1, 9, 4);
        assert_eq!(v, 0x0199);
    }

    #[test]
    fn incbcd_quirks_match_c() {
        // Non-BCD digits are read as 9: 0x0a0 -> 090 -> 091.
        let mut v = 0x00a0;
        incbcd(&mut v, 1, 9, 4);
        assert_eq!(v, 0x0091);
        // Only four digits survive: 0x0fffffff (all above 9) -> 9999 - 1.
        let mut v = 0x0fff_ffff;
        incbcd(&mut v, -1, 9, 4);
        assert_eq!(v, 0x9998);
        // 0 - 1 wraps: 18446744073709551615 keeps its low four decimal digits, 1615.
        let mut v = 0;
        incbcd(&mut v, -1, 9, 4);
        assert_eq!(v, 0x1615);
        // Hex mode just adds, with u32 wrap-around.
        let mut v = 0;
        assert_eq!(incbcd(&mut v, -1, 0xf, 4), 0);
        assert_eq!(v, u32::MAX);
    }
}
