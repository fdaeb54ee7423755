//! The 52 table types that share C's generic walk (`do_table` over `devtable[]`): one alias per
//! entry, built by a per-type function; the type names and their order are C's.

use std::fmt::Write as _;

use super::offsets::{DeviceTableOffsets, Layout};
use super::{Alias, Entry, Report, Table};
use crate::diag::cat;
use crate::diag::Result;

/// What an entry function sees besides the entry.
pub(super) struct Ctx<'a> {
    /// Struct layouts.
    o: &'a DeviceTableOffsets,
    /// `mod->name`, which C passes as "filename" and prints in messages.
    modname: &'a [u8],
}

/// Builds the alias of one entry; `None` when C's `do_entry` returns 0 (after a warning).
type EntryFn = fn(&Ctx<'_>, Entry<'_>, &mut dyn Report) -> Result<Option<Alias>>;

/// One row of C's `devtable[]`.
pub(super) struct DevTable {
    /// The `<type>` in `__mod_<type>__*_device_table`, also the name in size-check messages.
    pub(super) name: &'static str,
    /// The entry struct's layout.
    pub(super) layout: fn(&DeviceTableOffsets) -> &dyn Layout,
    /// C's `do_entry`.
    do_entry: EntryFn,
}

macro_rules! devtable {
    ($( $name:literal => $st:ident, $f:ident; )*) => {
        static DEVTABLE: &[DevTable] = &[
            $( DevTable { name: $name, layout: |o| &o.$st, do_entry: $f }, )*
        ];
    };
}

devtable! {
    "hid" => hid_device_id, do_hid_entry;
    "ieee1394" => ieee1394_device_id, do_ieee1394_entry;
    "pci" => pci_device_id, do_pci_entry;
    "ccw" => ccw_device_id, do_ccw_entry;
    "ap" => ap_device_id, do_ap_entry;
    "css" => css_device_id, do_css_entry;
    "serio" => serio_device_id, do_serio_entry;
    "acpi" => acpi_device_id, do_acpi_entry;
    "pcmcia" => pcmcia_device_id, do_pcmcia_entry;
    "vio" => vio_device_id, do_vio_entry;
    "input" => input_device_id, do_input_entry;
    "eisa" => eisa_device_id, do_eisa_entry;
    "parisc" => parisc_device_id, do_parisc_entry;
    "sdio" => sdio_device_id, do_sdio_entry;
    "ssb" => ssb_device_id, do_ssb_entry;
    "bcma" => bcma_device_id, do_bcma_entry;
    "virtio" => virtio_device_id, do_virtio_entry;
    "vmbus" => hv_vmbus_device_id, do_vmbus_entry;
    "rpmsg" => rpmsg_device_id, do_rpmsg_entry;
    "i2c" => i2c_device_id, do_i2c_entry;
    "i3c" => i3c_device_id, do_i3c_entry;
    "slim" => slim_device_id, do_slim_entry;
    "spi" => spi_device_id, do_spi_entry;
    "dmi" => dmi_system_id, do_dmi_entry;
    "platform" => platform_device_id, do_platform_entry;
    "mdio" => mdio_device_id, do_mdio_entry;
    "zorro" => zorro_device_id, do_zorro_entry;
    "isapnp" => isapnp_device_id, do_isapnp_entry;
    "ipack" => ipack_device_id, do_ipack_entry;
    "amba" => amba_id, do_amba_entry;
    "mipscdmm" => mips_cdmm_device_id, do_mips_cdmm_entry;
    "x86cpu" => x86_cpu_id, do_x86cpu_entry;
    "cpu" => cpu_feature, do_cpu_entry;
    "mei" => mei_cl_device_id, do_mei_entry;
    "rapidio" => rio_device_id, do_rio_entry;
    "ulpi" => ulpi_device_id, do_ulpi_entry;
    "hdaudio" => hda_device_id, do_hda_entry;
    "sdw" => sdw_device_id, do_sdw_entry;
    "fslmc" => fsl_mc_device_id, do_fsl_mc_entry;
    "tbsvc" => tb_service_id, do_tbsvc_entry;
    "typec" => typec_device_id, do_typec_entry;
    "tee" => tee_client_device_id, do_tee_entry;
    "wmi" => wmi_device_id, do_wmi_entry;
    "mhi" => mhi_device_id, do_mhi_entry;
    "mhi_ep" => mhi_device_id, do_mhi_ep_entry;
    "auxiliary" => auxiliary_device_id, do_auxiliary_entry;
    "ssam" => ssam_device_id, do_ssam_entry;
    "dfl" => dfl_device_id, do_dfl_entry;
    "ishtp" => ishtp_device_id, do_ishtp_entry;
    "cdx" => cdx_device_id, do_cdx_entry;
    "vchiq" => vchiq_device_id, do_vchiq_entry;
    "coreboot" => coreboot_device_id, do_coreboot_entry;
}

/// The generic table type named `kind`, if there is one.
pub(super) fn find(kind: &[u8]) -> Option<&'static DevTable> {
    DEVTABLE
        .iter()
        .find(|devtable| devtable.name.as_bytes() == kind)
}

/// Every generic type name, in C's order.
pub(super) fn names() -> impl Iterator<Item = &'static str> {
    DEVTABLE.iter().map(|devtable| devtable.name)
}

/// C's `do_table`: check the table, then one alias per entry before the terminator.
pub(super) fn do_table(t: &mut Table<'_>, devtable: &DevTable) -> Result<()> {
    let id_size = t.layout_size(devtable.layout)?;
    let count = t.device_id_check(devtable.name, id_size)?;
    let ctx = Ctx {
        o: t.offsets,
        modname: t.modname,
    };
    for index in 0..count {
        let entry = t.entry(index, id_size);
        if let Some(alias) = (devtable.do_entry)(&ctx, entry, &mut *t.report)? {
            t.emit(&alias.bytes)?;
        }
    }
    Ok(())
}

/// A prefix followed by a C string from the table (the `"<prefix>%s"` entries).
fn prefixed(prefix: &str, text: &[u8]) -> Alias {
    let mut alias = Alias::new(prefix);
    alias.push_bytes(text);
    alias
}

/// `hid:bNgNvNpN`
fn do_hid_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    const HID_ANY_ID: u32 = !0;
    const HID_BUS_ANY: u16 = 0xffff;
    const HID_GROUP_ANY: u16 = 0;
    let l = &c.o.hid_device_id;
    let (bus, group) = (e.u16(l.bus), e.u16(l.group));
    let (vendor, product) = (e.u32(l.vendor), e.u32(l.product));
    let mut a = Alias::new("hid:");
    a.add("b", bus != HID_BUS_ANY, bus.into(), 2);
    a.add("g", group != HID_GROUP_ANY, group.into(), 2);
    a.add("v", vendor != HID_ANY_ID, vendor.into(), 4);
    a.add("p", product != HID_ANY_ID, product.into(), 4);
    Ok(Some(a))
}

/// `ieee1394:venNmoNspNverN`
fn do_ieee1394_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    let l = &c.o.ieee1394_device_id;
    let flags = e.u32(l.match_flags);
    let mut a = Alias::new("ieee1394:");
    a.add("ven", flags & 0x1 != 0, e.u32(l.vendor_id).into(), 4);
    a.add("mo", flags & 0x2 != 0, e.u32(l.model_id).into(), 4);
    a.add("sp", flags & 0x4 != 0, e.u32(l.specifier_id).into(), 4);
    a.add("ver", flags & 0x8 != 0, e.u32(l.version).into(), 4);
    a.add_wildcard();
    Ok(Some(a))
}

/// `pci:vNdNsvNsdNbcNscNiN`, or `vfio_pci:...` for driver_override-only entries.
fn do_pci_entry(c: &Ctx<'_>, e: Entry<'_>, r: &mut dyn Report) -> Result<Option<Alias>> {
    const PCI_ANY_ID: u32 = !0;
    let l = &c.o.pci_device_id;
    let override_only = e.u32(l.override_only);
    let mut a = match override_only {
        0 => Alias::new("pci:"),
        1 => Alias::new("vfio_pci:"),
        _ => {
            r.warn(format!("Unknown PCI driver_override alias {override_only:08X}\n").into());
            return Ok(None);
        }
    };
    let (vendor, device) = (e.u32(l.vendor), e.u32(l.device));
    let (subvendor, subdevice) = (e.u32(l.subvendor), e.u32(l.subdevice));
    a.add("v", vendor != PCI_ANY_ID, vendor.into(), 4);
    a.add("d", device != PCI_ANY_ID, device.into(), 4);
    a.add("sv", subvendor != PCI_ANY_ID, subvendor.into(), 4);
    a.add("sd", subdevice != PCI_ANY_ID, subdevice.into(), 4);

    // The class is three bytes (class, subclass, prog-if), each matched whole or not at all.
    let (class, class_mask) = (e.u32(l.class), e.u32(l.class_mask));
    let byte = |v: u32, shift: u32| (v >> shift) as u8;
    let masks = [
        byte(class_mask, 16),
        byte(class_mask, 8),
        byte(class_mask, 0),
    ];
    if masks.iter().any(|&m| m != 0 && m != 0xff) {
        r.warn(cat!(
            "Can't handle masks in ",
            c.modname,
            format!(":{class_mask:04X}\n")
        ));
        return Ok(None);
    }
    a.add("bc", masks[0] == 0xff, byte(class, 16).into(), 1);
    a.add("sc", masks[1] == 0xff, byte(class, 8).into(), 1);
    a.add("i", masks[2] == 0xff, byte(class, 0).into(), 1);
    a.add_wildcard();
    Ok(Some(a))
}

/// `ccw:tNmNdtNdmN`
fn do_ccw_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    let l = &c.o.ccw_device_id;
    let flags = e.u16(l.match_flags);
    let mut a = Alias::new("ccw:");
    a.add("t", flags & 0x1 != 0, e.u16(l.cu_type).into(), 2);
    a.add("m", flags & 0x2 != 0, e.u8(l.cu_model).into(), 1);
    a.add("dt", flags & 0x4 != 0, e.u16(l.dev_type).into(), 2);
    a.add("dm", flags & 0x8 != 0, e.u8(l.dev_model).into(), 1);
    a.add_wildcard();
    Ok(Some(a))
}

/// `ap:tN*`
fn do_ap_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    let mut a = Alias::default();
    let _ = write!(a, "ap:t{:02X}*", e.u8(c.o.ap_device_id.dev_type));
    Ok(Some(a))
}

/// `css:tN` (`%01X`: no padding)
fn do_css_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    let mut a = Alias::default();
    let _ = write!(a, "css:t{:X}", e.u8(c.o.css_device_id.r#type));
    Ok(Some(a))
}

/// `serio:tyNprNidNexN`
fn do_serio_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    const SERIO_ANY: u8 = 0xff;
    let l = &c.o.serio_device_id;
    let mut a = Alias::new("serio:");
    for (sep, offset) in [
        ("ty", l.r#type),
        ("pr", l.proto),
        ("id", l.id),
        ("ex", l.extra),
    ] {
        let value = e.u8(offset);
        a.add(sep, value != SERIO_ANY, value.into(), 1);
    }
    a.add_wildcard();
    Ok(Some(a))
}

/// `acpi*:<ID>:*`, or for class matches `acpi*:bbsspp:*` with `??` for masked-off bytes.
fn do_acpi_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    let l = &c.o.acpi_device_id;
    let id = e.cstr(l.id);
    let mut a = Alias::new("acpi*:");
    if !id.is_empty() {
        a.push_bytes(id);
        a.push_str(":*");
        return Ok(Some(a));
    }
    let (cls, cls_msk) = (e.u32(l.cls), e.u32(l.cls_msk));
    for shift in [16, 8, 0] {
        if (cls_msk >> shift) & 0xff != 0 {
            let _ = write!(a, "{:02x}", (cls >> shift) & 0xff);
        } else {
            a.push_str("??");
        }
    }
    a.push_str(":*");
    Ok(Some(a))
}

/// `pcmcia:mNcNfNfnNpfnNpaNpbNpcNpdN`
fn do_pcmcia_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    let l = &c.o.pcmcia_device_id;
    let flags = e.u16(l.match_flags);
    let mut a = Alias::new("pcmcia:");
    a.add("m", flags & 0x0001 != 0, e.u16(l.manf_id).into(), 2);
    a.add("c", flags & 0x0002 != 0, e.u16(l.card_id).into(), 2);
    a.add("f", flags & 0x0004 != 0, e.u8(l.func_id).into(), 1);
    a.add("fn", flags & 0x0008 != 0, e.u8(l.function).into(), 1);
    a.add("pfn", flags & 0x0100 != 0, e.u8(l.device_no).into(), 1);
    for (i, sep) in ["pa", "pb", "pc", "pd"].into_iter().enumerate() {
        let hash = e.u32(l.prod_id_hash + 4 * i);
        a.add(sep, flags & (0x0010 << i) != 0, hash.into(), 4);
    }
    a.add_wildcard();
    Ok(Some(a))
}

/// `vio:T<type>S<compat>`, whitespace turned into `_`.
fn do_vio_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    let l = &c.o.vio_device_id;
    let or_star = |s: &[u8]| {
        if s.is_empty() {
            b"*".to_vec()
        } else {
            s.to_vec()
        }
    };
    let mut a = Alias::new("vio:T");
    a.push_bytes(&or_star(e.cstr(l.r#type)));
    a.push_str("S");
    a.push_bytes(&or_star(e.cstr(l.compat)));
    a.spaces_to_underscores();
    a.add_wildcard();
    Ok(Some(a))
}

/// `input:bNvNpNeN-e*k*r*a*m*l*s*f*w*` with the set bits of each selected bitmap after its
/// letter, as `%X,*`.
fn do_input_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    let l = &c.o.input_device_id;
    let flags = e.ulong(l.flags);
    let mut a = Alias::new("input:");
    a.add("b", flags & 0x1 != 0, e.u16(l.bustype).into(), 2);
    a.add("v", flags & 0x2 != 0, e.u16(l.vendor).into(), 2);
    a.add("p", flags & 0x4 != 0, e.u16(l.product).into(), 2);
    a.add("e", flags & 0x8 != 0, e.u16(l.version).into(), 2);
    a.push_str("-");
    // (letter, match flag, bitmap, first bit, last bit); keys start at KEY_MIN_INTERESTING.
    let bitmaps = [
        ("e*", 0x0010, l.evbit, 0, 0x1f),
        ("k*", 0x0020, l.keybit, 0x71, 0x2ff),
        ("r*", 0x0040, l.relbit, 0, 0x0f),
        ("a*", 0x0080, l.absbit, 0, 0x3f),
        ("m*", 0x0100, l.mscbit, 0, 0x07),
        ("l*", 0x0200, l.ledbit, 0, 0x0f),
        ("s*", 0x0400, l.sndbit, 0, 0x07),
        ("f*", 0x0800, l.ffbit, 0, 0x7f),
        ("w*", 0x1000, l.swbit, 0, 0x10),
    ];
    for (letter, flag, offset, min, max) in bitmaps {
        a.push_str(letter);
        if flags & flag != 0 {
            for bit in min..=max {
                if e.bit(offset, bit) {
                    let _ = write!(a, "{bit:X},*");
                }
            }
        }
    }
    Ok(Some(a))
}

/// `eisa:s<sig>*`
fn do_eisa_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    let mut a = prefixed("eisa:s", e.cstr(c.o.eisa_device_id.sig));
    a.push_str("*");
    Ok(Some(a))
}

/// `parisc:tNhvNrevNsvN`
fn do_parisc_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    let l = &c.o.parisc_device_id;
    let (hw_type, hversion) = (e.u8(l.hw_type), e.u16(l.hversion));
    let (hversion_rev, sversion) = (e.u8(l.hversion_rev), e.u32(l.sversion));
    let mut a = Alias::new("parisc:");
    a.add("t", hw_type != 0xff, hw_type.into(), 1);
    a.add("hv", hversion != 0xffff, hversion.into(), 2);
    a.add("rev", hversion_rev != 0xff, hversion_rev.into(), 1);
    a.add("sv", sversion != 0xffff_ffff, sversion.into(), 4);
    a.add_wildcard();
    Ok(Some(a))
}

/// `sdio:cNvNdN`
fn do_sdio_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    let l = &c.o.sdio_device_id;
    let (class, vendor, device) = (e.u8(l.class), e.u16(l.vendor), e.u16(l.device));
    let mut a = Alias::new("sdio:");
    a.add("c", class != 0xff, class.into(), 1);
    a.add("v", vendor != 0xffff, vendor.into(), 2);
    a.add("d", device != 0xffff, device.into(), 2);
    a.add_wildcard();
    Ok(Some(a))
}

/// `ssb:vNidNrevN`
fn do_ssb_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    let l = &c.o.ssb_device_id;
    let (vendor, coreid, revision) = (e.u16(l.vendor), e.u16(l.coreid), e.u8(l.revision));
    let mut a = Alias::new("ssb:");
    a.add("v", vendor != 0xffff, vendor.into(), 2);
    a.add("id", coreid != 0xffff, coreid.into(), 2);
    a.add("rev", revision != 0xff, revision.into(), 1);
    a.add_wildcard();
    Ok(Some(a))
}

/// `bcma:mNidNrevNclN`
fn do_bcma_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    let l = &c.o.bcma_device_id;
    let (manuf, id) = (e.u16(l.manuf), e.u16(l.id));
    let (rev, class) = (e.u8(l.rev), e.u8(l.class));
    let mut a = Alias::new("bcma:");
    a.add("m", manuf != 0xffff, manuf.into(), 2);
    a.add("id", id != 0xffff, id.into(), 2);
    a.add("rev", rev != 0xff, rev.into(), 1);
    a.add("cl", class != 0xff, class.into(), 1);
    a.add_wildcard();
    Ok(Some(a))
}

/// `virtio:dNvN`
fn do_virtio_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    const VIRTIO_DEV_ANY_ID: u32 = 0xffff_ffff;
    let l = &c.o.virtio_device_id;
    let (device, vendor) = (e.u32(l.device), e.u32(l.vendor));
    let mut a = Alias::new("virtio:");
    a.add("d", device != VIRTIO_DEV_ANY_ID, device.into(), 4);
    a.add("v", vendor != VIRTIO_DEV_ANY_ID, vendor.into(), 4);
    a.add_wildcard();
    Ok(Some(a))
}

/// `vmbus:<guid bytes in storage order, lower-case hex>`
fn do_vmbus_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    let mut a = Alias::new("vmbus:");
    for byte in e.uuid(c.o.hv_vmbus_device_id.guid) {
        let _ = write!(a, "{byte:02x}");
    }
    Ok(Some(a))
}

/// `rpmsg:<name>`
fn do_rpmsg_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    Ok(Some(prefixed("rpmsg:", e.cstr(c.o.rpmsg_device_id.name))))
}

/// `i2c:<name>`
fn do_i2c_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    Ok(Some(prefixed("i2c:", e.cstr(c.o.i2c_device_id.name))))
}

/// `i3c:dcrNmanufNpartNextN` (no trailing wildcard)
fn do_i3c_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    let l = &c.o.i3c_device_id;
    let flags = e.u8(l.match_flags);
    let mut a = Alias::new("i3c:");
    a.add("dcr", flags & 0x1 != 0, e.u8(l.dcr).into(), 1);
    a.add("manuf", flags & 0x2 != 0, e.u16(l.manuf_id).into(), 2);
    a.add("part", flags & 0x4 != 0, e.u16(l.part_id).into(), 2);
    a.add("ext", flags & 0x8 != 0, e.u16(l.extra_info).into(), 2);
    Ok(Some(a))
}

/// `slim:<manf_id>:<prod_code>:*` in lower-case hex without padding.
fn do_slim_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    let l = &c.o.slim_device_id;
    let mut a = Alias::default();
    let _ = write!(a, "slim:{:x}:{:x}:*", e.u16(l.manf_id), e.u16(l.prod_code));
    Ok(Some(a))
}

/// `spi:<name>`
fn do_spi_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    Ok(Some(prefixed("spi:", e.cstr(c.o.spi_device_id.name))))
}

/// The DMI fields that appear in aliases, in alias order, with their `enum dmi_field` values.
const DMI_FIELDS: [(&str, u8); 14] = [
    ("bvn", 1),  // DMI_BIOS_VENDOR
    ("bvr", 2),  // DMI_BIOS_VERSION
    ("bd", 3),   // DMI_BIOS_DATE
    ("br", 4),   // DMI_BIOS_RELEASE
    ("efr", 5),  // DMI_EC_FIRMWARE_RELEASE
    ("svn", 6),  // DMI_SYS_VENDOR
    ("pn", 7),   // DMI_PRODUCT_NAME
    ("pvr", 8),  // DMI_PRODUCT_VERSION
    ("rvn", 13), // DMI_BOARD_VENDOR
    ("rn", 14),  // DMI_BOARD_NAME
    ("rvr", 15), // DMI_BOARD_VERSION
    ("cvn", 18), // DMI_CHASSIS_VENDOR
    ("ct", 19),  // DMI_CHASSIS_TYPE
    ("cvr", 20), // DMI_CHASSIS_VERSION
];

/// `struct dmi_strmatch`: a 7-bit `slot` bit-field and a flag in one byte, then `substr[79]`.
const DMI_STRMATCH_SIZE: usize = 80;
const DMI_STRMATCH_SUBSTR: usize = 1;

/// `dmi*:<prefix>*<text>*...:` with each match's text reduced to printable non-`:` bytes.
fn do_dmi_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    let matches = c.o.dmi_system_id.matches;
    let mut a = Alias::new("dmi*");
    for (prefix, field) in DMI_FIELDS {
        for j in 0..4 {
            let strmatch = matches + j * DMI_STRMATCH_SIZE;
            // Quirk: C reads the bit-field with the host's layout; on the x86 host that runs
            // modpost, `slot` is the low 7 bits whatever the target's bit-field order.
            let slot = e.u8(strmatch) & 0x7f;
            if slot != 0 && slot == field {
                a.push_str(":");
                a.push_str(prefix);
                a.push_str("*");
                // C compares a (signed) char: bytes >= 0x80 are negative and dropped.
                let text = e.cstr(strmatch + DMI_STRMATCH_SUBSTR);
                let kept: Vec<u8> = text
                    .iter()
                    .copied()
                    .filter(|&b| b > b' ' && b < 127 && b != b':')
                    .collect();
                a.push_bytes(&kept);
                a.push_str("*");
            }
        }
    }
    a.push_str(":");
    Ok(Some(a))
}

/// `platform:<name>`
fn do_platform_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    Ok(Some(prefixed(
        "platform:",
        e.cstr(c.o.platform_device_id.name),
    )))
}

/// `mdio:` and 32 characters, most significant bit first: `?` (masked off), `1` or `0`.
fn do_mdio_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    let l = &c.o.mdio_device_id;
    let (phy_id, mask) = (e.u32(l.phy_id), e.u32(l.phy_id_mask));
    let mut a = Alias::new("mdio:");
    for bit in (0..32).rev() {
        a.bytes
            .push(match ((mask >> bit) & 1, (phy_id >> bit) & 1) {
                (0, _) => b'?',
                (_, 1) => b'1',
                _ => b'0',
            });
    }
    Ok(Some(a))
}

/// `zorro:iN` (no trailing wildcard)
fn do_zorro_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    let id = e.u32(c.o.zorro_device_id.id);
    let mut a = Alias::new("zorro:");
    a.add("i", id != 0xffff_ffff, id.into(), 4);
    Ok(Some(a))
}

/// `pnp:dXYZnnnn*`: the EISA-compressed vendor as three letters, the function as four digits.
fn do_isapnp_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    let l = &c.o.isapnp_device_id;
    let (vendor, function) = (u32::from(e.u16(l.vendor)), u32::from(e.u16(l.function)));
    // 'A' + n - 1 for a 5- or 6-bit n: always 0x40..=0x7f, a single ASCII byte.
    let letter = |n: u32| char::from(0x40 + n as u8);
    let mut a = Alias::default();
    let _ = write!(
        a,
        "pnp:d{}{}{}{:x}{:x}{:x}{:x}*",
        letter((vendor >> 2) & 0x3f),
        letter(((vendor & 3) << 3) | ((vendor >> 13) & 7)),
        letter((vendor >> 8) & 0x1f),
        (function >> 4) & 0x0f,
        function & 0x0f,
        (function >> 12) & 0x0f,
        (function >> 8) & 0x0f,
    );
    Ok(Some(a))
}

/// `ipack:fNvNdN`
fn do_ipack_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    let l = &c.o.ipack_device_id;
    let (format, vendor, device) = (e.u8(l.format), e.u32(l.vendor), e.u32(l.device));
    let mut a = Alias::new("ipack:");
    a.add("f", format != 0xff, format.into(), 1);
    a.add("v", vendor != !0, vendor.into(), 4);
    a.add("d", device != !0, device.into(), 4);
    a.add_wildcard();
    Ok(Some(a))
}

/// One masked hex digit: `?`, the digit, or `[...]` listing every digit the mask admits.
fn append_nibble_mask(a: &mut Alias, nibble: u32, mask: u32) {
    match mask {
        0 => a.push_str("?"),
        0xf => {
            let _ = write!(a, "{nibble:X}");
        }
        _ => {
            a.push_str("[");
            for i in 0..0x10 {
                if i & mask == nibble {
                    let _ = write!(a, "{i:X}");
                }
            }
            a.push_str("]");
        }
    }
}

/// `amba:dNNNNNNNN`, each digit masked; id bits outside the mask are fatal.
fn do_amba_entry(c: &Ctx<'_>, e: Entry<'_>, r: &mut dyn Report) -> Result<Option<Alias>> {
    let l = &c.o.amba_id;
    let (id, mask) = (e.u32(l.id), e.u32(l.mask));
    if id & mask != id {
        return Err(r.fatal(cat!(
            c.modname,
            format!(": Masked-off bit(s) of AMBA device ID are non-zero: id=0x{id:08X}, mask=0x{mask:08X}.  Please fix this driver.\n")
        )));
    }
    let mut a = Alias::new("amba:d");
    for digit in 0..8 {
        let shift = 4 * (7 - digit);
        append_nibble_mask(&mut a, (id >> shift) & 0xf, (mask >> shift) & 0xf);
    }
    Ok(Some(a))
}

/// `mipscdmm:tN*`
fn do_mips_cdmm_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    let mut a = Alias::default();
    let _ = write!(a, "mipscdmm:t{:02X}*", e.u8(c.o.mips_cdmm_device_id.r#type));
    Ok(Some(a))
}

/// `cpu:type:x86,venNfamNmodN:feature:*[FEAT*]`
fn do_x86cpu_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    const X86_VENDOR_ANY: u16 = 0xffff;
    let l = &c.o.x86_cpu_id;
    let (vendor, family, model) = (e.u16(l.vendor), e.u16(l.family), e.u16(l.model));
    let feature = e.u16(l.feature);
    let mut a = Alias::new("cpu:type:x86,");
    a.add("ven", vendor != X86_VENDOR_ANY, vendor.into(), 2);
    a.add("fam", family != 0, family.into(), 2);
    a.add("mod", model != 0, model.into(), 2);
    a.push_str(":feature:*");
    if feature != 0 {
        let _ = write!(a, "{feature:04X}*");
    }
    Ok(Some(a))
}

/// `cpu:type:*:feature:*FEAT*`
fn do_cpu_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    let mut a = Alias::default();
    let _ = write!(
        a,
        "cpu:type:*:feature:*{:04X}*",
        e.u16(c.o.cpu_feature.feature)
    );
    Ok(Some(a))
}

/// A GUID/UUID in the mixed-endian text order: bytes 3..0, 5..4, 7..6, then 8..15.
fn write_uuid_mixed(a: &mut Alias, b: [u8; 16], upper: bool) {
    let order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
    for (n, &i) in order.iter().enumerate() {
        if matches!(n, 4 | 6 | 8 | 10) {
            a.push_str("-");
        }
        let byte = b.get(i).copied().unwrap_or(0);
        let _ = if upper {
            write!(a, "{byte:02X}")
        } else {
            write!(a, "{byte:02x}")
        };
    }
}

/// `mei:<name>:<uuid>:<version>:*`
fn do_mei_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    let l = &c.o.mei_cl_device_id;
    let name = e.cstr(l.name);
    let mut a = Alias::new("mei:");
    a.push_bytes(if name.is_empty() { b"*" } else { name });
    a.push_str(":");
    write_uuid_mixed(&mut a, e.uuid(l.uuid), false);
    let version = e.u8(l.version);
    a.add(":", version != 0xff, version.into(), 1);
    a.push_str(":*");
    Ok(Some(a))
}

/// `rapidio:vNdNavNadN`
fn do_rio_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    const RIO_ANY_ID: u16 = 0xffff;
    let l = &c.o.rio_device_id;
    let mut a = Alias::new("rapidio:");
    for (sep, offset) in [
        ("v", l.vid),
        ("d", l.did),
        ("av", l.asm_vid),
        ("ad", l.asm_did),
    ] {
        let value = e.u16(offset);
        a.add(sep, value != RIO_ANY_ID, value.into(), 2);
    }
    a.add_wildcard();
    Ok(Some(a))
}

/// `ulpi:vNpN` in lower-case hex.
fn do_ulpi_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    let l = &c.o.ulpi_device_id;
    let mut a = Alias::default();
    let _ = write!(a, "ulpi:v{:04x}p{:04x}", e.u16(l.vendor), e.u16(l.product));
    Ok(Some(a))
}

/// `hdaudio:vNrNaN`
fn do_hda_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    let l = &c.o.hda_device_id;
    let (vendor_id, rev_id, api) = (e.u32(l.vendor_id), e.u32(l.rev_id), e.u8(l.api_version));
    let mut a = Alias::new("hdaudio:");
    a.add("v", vendor_id != 0, vendor_id.into(), 4);
    a.add("r", rev_id != 0, rev_id.into(), 4);
    a.add("a", api != 0, api.into(), 1);
    a.add_wildcard();
    Ok(Some(a))
}

/// `sdw:mNpNvNcN`
fn do_sdw_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    let l = &c.o.sdw_device_id;
    let (mfg_id, part_id) = (e.u16(l.mfg_id), e.u16(l.part_id));
    let (version, class_id) = (e.u8(l.sdw_version), e.u8(l.class_id));
    let mut a = Alias::new("sdw:");
    a.add("m", mfg_id != 0, mfg_id.into(), 2);
    a.add("p", part_id != 0, part_id.into(), 2);
    a.add("v", version != 0, version.into(), 1);
    a.add("c", class_id != 0, class_id.into(), 1);
    a.add_wildcard();
    Ok(Some(a))
}

/// `fsl-mc:vNd<obj_type>`
fn do_fsl_mc_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    let l = &c.o.fsl_mc_device_id;
    let mut a = Alias::default();
    let _ = write!(a, "fsl-mc:v{:08X}d", e.u16(l.vendor));
    a.push_bytes(e.cstr(l.obj_type));
    Ok(Some(a))
}

/// `tbsvc:k<key>pNvNrN`
fn do_tbsvc_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    let l = &c.o.tb_service_id;
    let flags = e.u32(l.match_flags);
    let mut a = Alias::new("tbsvc:k");
    if flags & 0x1 != 0 {
        a.push_bytes(e.cstr(l.protocol_key));
    } else {
        a.push_str("*");
    }
    a.add("p", flags & 0x2 != 0, e.u32(l.protocol_id).into(), 4);
    a.add("v", flags & 0x4 != 0, e.u32(l.protocol_version).into(), 4);
    a.add("r", flags & 0x8 != 0, e.u32(l.protocol_revision).into(), 4);
    a.add_wildcard();
    Ok(Some(a))
}

/// `typec:idNmN` (no trailing wildcard)
fn do_typec_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    const TYPEC_ANY_MODE: u8 = 0x7;
    let l = &c.o.typec_device_id;
    let mode = e.u8(l.mode);
    let mut a = Alias::default();
    let _ = write!(a, "typec:id{:04X}", e.u16(l.svid));
    a.add("m", mode != TYPEC_ANY_MODE, mode.into(), 1);
    Ok(Some(a))
}

/// `tee:<uuid in byte order, lower-case>*`
fn do_tee_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    let mut a = Alias::new("tee:");
    for (i, byte) in e
        .uuid(c.o.tee_client_device_id.uuid)
        .into_iter()
        .enumerate()
    {
        if matches!(i, 4 | 6 | 8 | 10) {
            a.push_str("-");
        }
        let _ = write!(a, "{byte:02x}");
    }
    a.add_wildcard();
    Ok(Some(a))
}

/// `wmi:<guid string>`; a string that is not 36 bytes long is warned about and skipped.
fn do_wmi_entry(c: &Ctx<'_>, e: Entry<'_>, r: &mut dyn Report) -> Result<Option<Alias>> {
    const UUID_STRING_LEN: usize = 36;
    /// C's alias buffer; `snprintf` into it reports truncation (unreachable after the length
    /// check, kept as in C).
    const ALIAS_SIZE: usize = 500;
    let guid = e.cstr(c.o.wmi_device_id.guid_string);
    if guid.len() != UUID_STRING_LEN {
        r.warn(cat!(
            "Invalid WMI device id 'wmi:",
            guid,
            "' in '",
            c.modname,
            "'\n"
        ));
        return Ok(None);
    }
    let a = prefixed("wmi:", guid);
    if a.bytes.len() >= ALIAS_SIZE {
        r.warn(cat!(
            "Could not generate all MODULE_ALIAS's in '",
            c.modname,
            "'\n"
        ));
        return Ok(None);
    }
    Ok(Some(a))
}

/// `mhi:<chan>`
fn do_mhi_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    Ok(Some(prefixed("mhi:", e.cstr(c.o.mhi_device_id.chan))))
}

/// `mhi_ep:<chan>` (same struct as mhi)
fn do_mhi_ep_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    Ok(Some(prefixed("mhi_ep:", e.cstr(c.o.mhi_device_id.chan))))
}

/// `auxiliary:<name>`
fn do_auxiliary_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    Ok(Some(prefixed(
        "auxiliary:",
        e.cstr(c.o.auxiliary_device_id.name),
    )))
}

/// `ssam:dNcNtNiNfN`
fn do_ssam_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    let l = &c.o.ssam_device_id;
    let flags = e.u8(l.match_flags);
    let mut a = Alias::default();
    let _ = write!(a, "ssam:d{:02X}c{:02X}", e.u8(l.domain), e.u8(l.category));
    a.add("t", flags & 0x1 != 0, e.u8(l.target).into(), 1);
    a.add("i", flags & 0x2 != 0, e.u8(l.instance).into(), 1);
    a.add("f", flags & 0x4 != 0, e.u8(l.function).into(), 1);
    Ok(Some(a))
}

/// `dfl:tNfN*`
fn do_dfl_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    let l = &c.o.dfl_device_id;
    let mut a = Alias::default();
    let _ = write!(
        a,
        "dfl:t{:04X}f{:04X}",
        e.u16(l.r#type),
        e.u16(l.feature_id)
    );
    a.add_wildcard();
    Ok(Some(a))
}

/// `ishtp:{<GUID, upper-case>}`
fn do_ishtp_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    let mut a = Alias::new("ishtp:{");
    write_uuid_mixed(&mut a, e.uuid(c.o.ishtp_device_id.guid), true);
    a.push_str("}");
    Ok(Some(a))
}

/// `cdx:vNdNsvNsdNcN`, or `vfio_cdx:...` for driver_override-only entries.
fn do_cdx_entry(c: &Ctx<'_>, e: Entry<'_>, r: &mut dyn Report) -> Result<Option<Alias>> {
    const CDX_ANY_ID: u16 = 0xffff;
    let l = &c.o.cdx_device_id;
    let override_only = e.u32(l.override_only);
    let mut a = match override_only {
        0 => Alias::new("cdx:"),
        1 => Alias::new("vfio_cdx:"),
        _ => {
            r.warn(format!("Unknown CDX driver_override alias {override_only:08X}\n").into());
            return Ok(None);
        }
    };
    for (sep, offset) in [
        ("v", l.vendor),
        ("d", l.device),
        ("sv", l.subvendor),
        ("sd", l.subdevice),
    ] {
        let value = e.u16(offset);
        a.add(sep, value != CDX_ANY_ID, value.into(), 2);
    }
    a.add(
        "c",
        e.u32(l.class_mask) == 0xff_ffff,
        e.u32(l.class).into(),
        4,
    );
    Ok(Some(a))
}

/// `vchiq:<name>`
fn do_vchiq_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    Ok(Some(prefixed("vchiq:", e.cstr(c.o.vchiq_device_id.name))))
}

/// `coreboot:tN`
fn do_coreboot_entry(c: &Ctx<'_>, e: Entry<'_>, _: &mut dyn Report) -> Result<Option<Alias>> {
    let mut a = Alias::default();
    let _ = write!(a, "coreboot:t{:08X}", e.u32(c.o.coreboot_device_id.tag));
    Ok(Some(a))
}
