//! Struct sizes and field offsets of the device-id structs, from `devicetable-offsets.h`.
//!
//! C modpost compiles `scripts/mod/devicetable-offsets.h` in; Kbuild generates that header by
//! compiling `scripts/mod/devicetable-offsets.c` with the *target* compiler, so the numbers
//! describe the target's layout (padding, `kernel_ulong_t` alignment). We read the same header at
//! run time instead of trusting numbers copied from C by hand. Where it is looked for:
//!
//! 1. the path in `$MODPOST_DEVTABLE_OFFSETS`;
//! 2. `./scripts/mod/devicetable-offsets.h` (modpost runs with cwd = objtree, and the
//!    external-module build tree that distributions ship contains `scripts/`);
//! 3. a copy embedded in the binary, taken from an x86_64 build; it is used only for 64-bit
//!    little-endian targets, otherwise the run stops with an error naming the variable.
//!
//! The header is read once, on the first device table, so modules without tables never need it.
//! The widths of the fields are not in the header; they follow from the field types in
//! `include/linux/mod_devicetable.h` and are declared next to each struct below, only to check
//! that a header's offsets leave every field inside its struct.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::Path;
use std::sync::OnceLock;

use super::DevTableTarget;

/// Environment variable naming the `devicetable-offsets.h` to use.
pub(crate) const OFFSETS_ENV: &str = "MODPOST_DEVTABLE_OFFSETS";

/// Where modpost finds the header of the kernel it runs for (cwd is the objtree).
const OBJTREE_HEADER: &str = "./scripts/mod/devicetable-offsets.h";

/// The x86_64 header, for builds that have no header at hand (64-bit little-endian only).
const EMBEDDED_HEADER: &str = include_str!("x86_64-devicetable-offsets.h");

/// Name under which diagnostics refer to the embedded copy.
const EMBEDDED_ORIGIN: &str = "<built-in x86_64 devicetable-offsets.h>";

/// How many bytes a field occupies, in terms of the target's `kernel_ulong_t` where it matters.
#[derive(Clone, Copy, Debug)]
pub(crate) enum FieldWidth {
    /// An integer of 1, 2 or 4 bytes (`__u8`, `__u16`, `__u32`, `unsigned int`).
    Int(usize),
    /// A byte array (`char name[N]`, GUIDs, arrays of such structs).
    Bytes(usize),
    /// `__u32 x[n]`.
    U32s(usize),
    /// One `kernel_ulong_t` (4 or 8 bytes).
    Ulong,
    /// A `kernel_ulong_t` bitmap holding bits `0..=max` (`max / BITS_PER_LONG + 1` words).
    Bits(usize),
}

impl FieldWidth {
    pub(crate) fn bytes(self, target: DevTableTarget) -> usize {
        let ulong = target.ulong_size();
        match self {
            FieldWidth::Int(n) | FieldWidth::Bytes(n) => n,
            FieldWidth::U32s(n) => 4 * n,
            FieldWidth::Ulong => ulong,
            FieldWidth::Bits(max) => (max / (ulong * 8) + 1) * ulong,
        }
    }
}

const U8: FieldWidth = FieldWidth::Int(1);
const U16: FieldWidth = FieldWidth::Int(2);
const U32: FieldWidth = FieldWidth::Int(4);
const ULONG: FieldWidth = FieldWidth::Ulong;
const fn bytes(n: usize) -> FieldWidth {
    FieldWidth::Bytes(n)
}
const fn bits(max: usize) -> FieldWidth {
    FieldWidth::Bits(max)
}

/// What every struct layout can answer, for the generic table code.
pub(crate) trait Layout {
    /// `SIZE_<struct>`.
    fn size(&self) -> usize;
    /// The fields file2alias reads: C name, offset, width.
    fn fields(&self) -> Vec<(&'static str, usize, FieldWidth)>;
    /// Check that every field lies inside the struct for this target; `origin` names the header.
    fn check(&self, target: DevTableTarget, origin: &str) -> Result<(), String> {
        check_fields(self.name(), self.size(), &self.fields(), target, origin)
    }
    /// The C struct name.
    fn name(&self) -> &'static str;
}

/// Declares one struct per device-id struct, named and with fields named exactly as in C, so
/// that `SIZE_<struct>` and `OFF_<struct>_<field>` map one-to-one onto Rust names.
macro_rules! device_id_layouts {
    ($( $st:ident { $( $field:ident : $width:expr ),* $(,)? } )*) => {
        /// Per-struct layouts; the names are the C struct and field names.
        #[allow(non_camel_case_types, non_snake_case)]
        pub(crate) mod layout {
            $(
                #[doc = concat!("Layout of `struct ", stringify!($st), "`.")]
                #[derive(Debug, Clone)]
                pub(crate) struct $st {
                    #[doc = concat!("`SIZE_", stringify!($st), "`")]
                    pub(crate) size: usize,
                    $(
                        #[doc = concat!("`OFF_", stringify!($st), "_", stringify!($field), "`")]
                        pub(crate) $field: usize,
                    )*
                }
            )*
        }

        /// All device-id struct layouts of one kernel build.
        #[allow(non_snake_case)]
        #[derive(Debug, Clone)]
        pub(crate) struct DeviceTableOffsets {
            /// Where the numbers came from (a path, or the embedded copy), for diagnostics.
            pub(crate) origin: String,
            $(
                #[doc = concat!("`struct ", stringify!($st), "`")]
                pub(crate) $st: layout::$st,
            )*
        }

        impl DeviceTableOffsets {
            fn from_defines(defines: &Defines) -> Result<Self, String> {
                Ok(DeviceTableOffsets {
                    origin: defines.origin.clone(),
                    $(
                        $st: layout::$st {
                            size: defines.get(&format!("SIZE_{}", stringify!($st)))?,
                            $(
                                $field: defines.get(&format!(
                                    "OFF_{}_{}",
                                    stringify!($st),
                                    stringify!($field).trim_start_matches("r#")
                                ))?,
                            )*
                        },
                    )*
                })
            }
        }

        $(
            impl Layout for layout::$st {
                fn size(&self) -> usize {
                    self.size
                }

                fn fields(&self) -> Vec<(&'static str, usize, FieldWidth)> {
                    vec![ $( (stringify!($field), self.$field, $width), )* ]
                }

                fn name(&self) -> &'static str {
                    stringify!($st)
                }
            }
        )*
    };
}

device_id_layouts! {
    usb_device_id {
        match_flags: U16, idVendor: U16, idProduct: U16, bcdDevice_lo: U16, bcdDevice_hi: U16,
        bDeviceClass: U8, bDeviceSubClass: U8, bDeviceProtocol: U8, bInterfaceClass: U8,
        bInterfaceSubClass: U8, bInterfaceProtocol: U8, bInterfaceNumber: U8,
    }
    hid_device_id { bus: U16, group: U16, vendor: U32, product: U32 }
    ieee1394_device_id {
        match_flags: U32, vendor_id: U32, model_id: U32, specifier_id: U32, version: U32,
    }
    pci_device_id {
        vendor: U32, device: U32, subvendor: U32, subdevice: U32, class: U32, class_mask: U32,
        override_only: U32,
    }
    ccw_device_id { match_flags: U16, cu_type: U16, cu_model: U8, dev_type: U16, dev_model: U8 }
    ap_device_id { dev_type: U8 }
    css_device_id { r#type: U8 }
    serio_device_id { r#type: U8, proto: U8, id: U8, extra: U8 }
    acpi_device_id { id: bytes(16), cls: U32, cls_msk: U32 }
    pnp_device_id { id: bytes(8) }
    pnp_card_device_id { devs: bytes(64) }
    pcmcia_device_id {
        match_flags: U16, manf_id: U16, card_id: U16, func_id: U8, function: U8, device_no: U8,
        prod_id_hash: FieldWidth::U32s(4),
    }
    of_device_id { name: bytes(32), r#type: bytes(32), compatible: bytes(128) }
    vio_device_id { r#type: bytes(32), compat: bytes(32) }
    input_device_id {
        flags: ULONG, bustype: U16, vendor: U16, product: U16, version: U16,
        evbit: bits(0x1f), keybit: bits(0x2ff), relbit: bits(0x0f), absbit: bits(0x3f),
        mscbit: bits(0x07), ledbit: bits(0x0f), sndbit: bits(0x07), ffbit: bits(0x7f),
        swbit: bits(0x10),
    }
    eisa_device_id { sig: bytes(8) }
    parisc_device_id { hw_type: U8, hversion: U16, hversion_rev: U8, sversion: U32 }
    sdio_device_id { class: U8, vendor: U16, device: U16 }
    ssb_device_id { vendor: U16, coreid: U16, revision: U8 }
    bcma_device_id { manuf: U16, id: U16, rev: U8, class: U8 }
    virtio_device_id { device: U32, vendor: U32 }
    hv_vmbus_device_id { guid: bytes(16) }
    rpmsg_device_id { name: bytes(32) }
    i2c_device_id { name: bytes(20) }
    i3c_device_id { match_flags: U8, dcr: U8, manuf_id: U16, part_id: U16, extra_info: U16 }
    slim_device_id { manf_id: U16, prod_code: U16 }
    spi_device_id { name: bytes(32) }
    dmi_system_id { matches: bytes(4 * 80) }
    platform_device_id { name: bytes(20) }
    mdio_device_id { phy_id: U32, phy_id_mask: U32 }
    zorro_device_id { id: U32 }
    isapnp_device_id { vendor: U16, function: U16 }
    ipack_device_id { format: U8, vendor: U32, device: U32 }
    amba_id { id: U32, mask: U32 }
    mips_cdmm_device_id { r#type: U8 }
    x86_cpu_id { feature: U16, family: U16, model: U16, vendor: U16 }
    cpu_feature { feature: U16 }
    mei_cl_device_id { name: bytes(32), uuid: bytes(16), version: U8 }
    rio_device_id { did: U16, vid: U16, asm_did: U16, asm_vid: U16 }
    ulpi_device_id { vendor: U16, product: U16 }
    hda_device_id { vendor_id: U32, rev_id: U32, api_version: U8 }
    sdw_device_id { mfg_id: U16, part_id: U16, sdw_version: U8, class_id: U8 }
    fsl_mc_device_id { vendor: U16, obj_type: bytes(16) }
    tb_service_id {
        match_flags: U32, protocol_key: bytes(9), protocol_id: U32, protocol_version: U32,
        protocol_revision: U32,
    }
    typec_device_id { svid: U16, mode: U8 }
    tee_client_device_id { uuid: bytes(16) }
    wmi_device_id { guid_string: bytes(37) }
    mhi_device_id { chan: bytes(32) }
    auxiliary_device_id { name: bytes(32) }
    ssam_device_id {
        match_flags: U8, domain: U8, category: U8, target: U8, instance: U8, function: U8,
    }
    dfl_device_id { r#type: U16, feature_id: U16 }
    ishtp_device_id { guid: bytes(16) }
    cdx_device_id {
        vendor: U16, device: U16, subvendor: U16, subdevice: U16, class: U32, class_mask: U32,
        override_only: U32,
    }
    vchiq_device_id { name: bytes(32) }
    coreboot_device_id { tag: U32 }
}

fn check_fields(
    st: &str,
    size: usize,
    fields: &[(&str, usize, FieldWidth)],
    target: DevTableTarget,
    origin: &str,
) -> Result<(), String> {
    if size == 0 {
        return Err(format!("{origin}: SIZE_{st} is 0\n"));
    }
    for &(field, offset, width) in fields {
        let field = field.trim_start_matches("r#");
        let end = offset.checked_add(width.bytes(target));
        if end.is_none_or(|end| end > size) {
            return Err(format!(
                "{origin}: field {field} at OFF_{st}_{field}={offset} ({} bytes) does not fit in SIZE_{st}={size}\n",
                width.bytes(target)
            ));
        }
    }
    Ok(())
}

/// The `SIZE_*`/`OFF_*` macros of one header, before they are sorted into layouts.
struct Defines {
    /// The header's path (or the embedded copy's name), for messages.
    origin: String,
    /// Macro name -> value.
    values: HashMap<String, usize>,
}

impl Defines {
    fn get(&self, name: &str) -> Result<usize, String> {
        self.values
            .get(name)
            .copied()
            .ok_or_else(|| format!("{}: no #define {name}\n", self.origin))
    }
}

/// Parse a C integer constant as the generated header writes it (decimal; hex accepted).
fn parse_value(text: &str) -> Option<usize> {
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => usize::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

impl DeviceTableOffsets {
    /// Parse the text of a `devicetable-offsets.h`; `origin` names it in error messages.
    /// Lines other than `#define SIZE_*`/`#define OFF_*` (guards, comments) are ignored.
    pub(crate) fn parse(text: &[u8], origin: &str) -> Result<DeviceTableOffsets, String> {
        let mut values = HashMap::new();
        for (index, raw_line) in text.split(|&b| b == b'\n').enumerate() {
            let line = String::from_utf8_lossy(raw_line);
            let mut words = line.split_whitespace();
            if words.next() != Some("#define") {
                continue;
            }
            let Some(name) = words.next() else { continue };
            if !name.starts_with("SIZE_") && !name.starts_with("OFF_") {
                continue;
            }
            let lineno = index + 1;
            let value = words.next().unwrap_or("");
            let Some(number) = parse_value(value) else {
                return Err(format!(
                    "{origin}:{lineno}: cannot parse the value of {name}: '{value}'\n"
                ));
            };
            if values.insert(name.to_string(), number).is_some() {
                return Err(format!("{origin}:{lineno}: {name} is defined twice\n"));
            }
        }
        let defines = Defines {
            origin: origin.to_string(),
            values,
        };
        DeviceTableOffsets::from_defines(&defines)
    }

    /// Find and parse the header (see the module docs for the search order).
    /// Returns the layouts and whether they are the embedded x86_64 copy.
    fn load() -> Result<(DeviceTableOffsets, bool), String> {
        DeviceTableOffsets::load_from(std::env::var_os(OFFSETS_ENV), Path::new(OBJTREE_HEADER))
    }

    /// [`DeviceTableOffsets::load`] with the variable's value and the objtree path given.
    fn load_from(
        env_value: Option<OsString>,
        objtree_header: &Path,
    ) -> Result<(DeviceTableOffsets, bool), String> {
        if let Some(path) = env_value {
            let shown = path.to_string_lossy().into_owned();
            let text = std::fs::read(&path).map_err(|err| {
                format!(
                    "cannot read {shown} (from ${OFFSETS_ENV}): {}\n",
                    crate::diag::strerror(&err)
                )
            })?;
            return Ok((DeviceTableOffsets::parse(&text, &shown)?, false));
        }
        let shown = objtree_header.to_string_lossy();
        match std::fs::read(objtree_header) {
            Ok(text) => return Ok((DeviceTableOffsets::parse(&text, &shown)?, false)),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => {
                return Err(format!(
                    "cannot read {shown}: {}\n",
                    crate::diag::strerror(&err)
                ))
            }
        }
        Ok((
            DeviceTableOffsets::parse(EMBEDDED_HEADER.as_bytes(), EMBEDDED_ORIGIN)?,
            true,
        ))
    }

    /// The layouts for `target`, loading the header on first use. The error is the text of a
    /// fatal message (with its newline).
    pub(crate) fn for_target(
        target: DevTableTarget,
    ) -> Result<&'static DeviceTableOffsets, String> {
        static LOADED: OnceLock<Result<(DeviceTableOffsets, bool), String>> = OnceLock::new();
        let (offsets, embedded) = LOADED
            .get_or_init(DeviceTableOffsets::load)
            .as_ref()
            .map_err(Clone::clone)?;
        let embedded_fits = target.is_64 && !target.big_endian;
        if *embedded && !embedded_fits {
            return Err(format!(
                "device tables need scripts/mod/devicetable-offsets.h of the kernel build: it is not in the current directory and ${OFFSETS_ENV} is not set (the built-in copy is for x86_64, not for this {}-bit {}-endian target)\n",
                if target.is_64 { 64 } else { 32 },
                if target.big_endian { "big" } else { "little" },
            ));
        }
        Ok(offsets)
    }

    /// The embedded x86_64 layouts (for tests and for callers that know the target is x86_64).
    #[cfg(test)]
    pub(crate) fn embedded() -> Result<DeviceTableOffsets, String> {
        DeviceTableOffsets::parse(EMBEDDED_HEADER.as_bytes(), EMBEDDED_ORIGIN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const X86_64: DevTableTarget = DevTableTarget {
        is_64: true,
        big_endian: false,
    };

    #[test]
    fn embedded_header_parses_and_every_layout_fits() {
        let o = DeviceTableOffsets::embedded().unwrap();
        assert_eq!(o.pci_device_id.size, 40);
        assert_eq!(o.usb_device_id.idVendor, 2);
        assert_eq!(o.of_device_id.r#type, 32);
        assert_eq!(o.input_device_id.keybit, 24);
        assert_eq!(o.dmi_system_id.size, 344);
        assert!(o.input_device_id.check(X86_64, &o.origin).is_ok());
        assert!(o.dmi_system_id.check(X86_64, &o.origin).is_ok());
    }

    #[test]
    fn parse_errors_name_file_and_line() {
        let text = b"#ifndef X\n#define X\n#define SIZE_usb_device_id 3x2 /* c */\n";
        let err = DeviceTableOffsets::parse(text, "h.h").unwrap_err();
        assert_eq!(
            err,
            "h.h:3: cannot parse the value of SIZE_usb_device_id: '3x2'\n"
        );

        let text = b"#define SIZE_usb_device_id 32\n#define SIZE_usb_device_id 32\n";
        let err = DeviceTableOffsets::parse(text, "h.h").unwrap_err();
        assert_eq!(err, "h.h:2: SIZE_usb_device_id is defined twice\n");

        let text = b"#define SIZE_usb_device_id\n";
        let err = DeviceTableOffsets::parse(text, "h.h").unwrap_err();
        assert_eq!(
            err,
            "h.h:1: cannot parse the value of SIZE_usb_device_id: ''\n"
        );

        let err = DeviceTableOffsets::parse(b"#define SIZE_usb_device_id 32\n", "h.h").unwrap_err();
        assert_eq!(err, "h.h: no #define OFF_usb_device_id_match_flags\n");
    }

    #[test]
    fn a_field_outside_its_struct_is_reported() {
        let text = EMBEDDED_HEADER.replace(
            "#define OFF_pci_device_id_override_only 32",
            "#define OFF_pci_device_id_override_only 38",
        );
        let o = DeviceTableOffsets::parse(text.as_bytes(), "h.h").unwrap();
        let err = o.pci_device_id.check(X86_64, "h.h").unwrap_err();
        assert_eq!(
            err,
            "h.h: field override_only at OFF_pci_device_id_override_only=38 (4 bytes) does not fit in SIZE_pci_device_id=40\n"
        );
    }

    #[test]
    fn header_lookup_order() {
        let dir = std::env::temp_dir().join(format!("f2a-offsets-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let header = dir.join("devicetable-offsets.h");
        let text = EMBEDDED_HEADER.replace(
            "#define SIZE_pci_device_id 40",
            "#define SIZE_pci_device_id 48",
        );
        std::fs::write(&header, text).unwrap();
        let missing = dir.join("missing.h");

        // The variable wins over the objtree file.
        let (o, embedded) =
            DeviceTableOffsets::load_from(Some(header.clone().into()), &missing).unwrap();
        assert!(!embedded);
        assert_eq!(o.pci_device_id.size, 48);
        assert_eq!(o.origin, header.to_string_lossy());

        // A variable naming a missing file is an error naming the variable.
        let err = DeviceTableOffsets::load_from(Some(missing.clone().into()), &header).unwrap_err();
        assert_eq!(
            err,
            format!(
                "cannot read {} (from $MODPOST_DEVTABLE_OFFSETS): No such file or directory\n",
                missing.display()
            )
        );

        // Then the objtree file; then the embedded copy.
        let (o, embedded) = DeviceTableOffsets::load_from(None, &header).unwrap();
        assert!(!embedded);
        assert_eq!(o.pci_device_id.size, 48);
        let (o, embedded) = DeviceTableOffsets::load_from(None, &missing).unwrap();
        assert!(embedded);
        assert_eq!(o.pci_device_id.size, 40);

        // An objtree path that exists but cannot be read is an error, not a fallback.
        let err = DeviceTableOffsets::load_from(None, &dir).unwrap_err();
        assert_eq!(
            err,
            format!("cannot read {}: Is a directory\n", dir.display())
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn bitmaps_are_sized_by_the_target_long() {
        let t32 = DevTableTarget {
            is_64: false,
            big_endian: false,
        };
        assert_eq!(bits(0x2ff).bytes(X86_64), 96);
        assert_eq!(bits(0x2ff).bytes(t32), 96);
        assert_eq!(bits(0x10).bytes(X86_64), 8);
        assert_eq!(bits(0x10).bytes(t32), 4);
        assert_eq!(bits(0x1f).bytes(t32), 4);
    }
}
