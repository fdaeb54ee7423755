//! Section checks over relocations (C: modpost.c check_sec_ref and friends): section
//! mismatches, `.export_symbol` entries, and non-allocatable PROGBITS sections.
//!
//! The rules are data ([`SECTION_MISMATCH_RULES`], [`SECREF_WHITELIST`]); patterns are matched
//! like `fnmatch(pattern, name, 0)`, where `*` also matches `.` and `/`.

use crate::diag::cat;
use crate::diag::Diags;
use crate::diag::Result;
use crate::elf::ElfObject;
use crate::elf::Reloc;
use crate::elf::Symbol;
use crate::scan::ExportDecl;
use crate::scan::ModuleScan;
use crate::symsearch::SymSearch;

const SHT_PROGBITS: u32 = 1;
const SHT_RELA: u32 = 4;
const SHT_REL: u32 = 9;
const SHF_ALLOC: u64 = 2;
const SHF_EXECINSTR: u64 = 4;
const STB_GLOBAL: u8 = 1;
const STB_WEAK: u8 = 2;
const STT_FUNC: u8 = 2;
const STT_LOPROC: u8 = 13;
const EM_386: u16 = 3;
const EM_MIPS: u16 = 8;
const EM_PARISC: u16 = 15;
const EM_ARM: u16 = 40;
const EM_RISCV: u16 = 243;
const EM_LOONGARCH: u16 = 258;
const R_RISCV_SUB32: u32 = 39;
const R_LARCH_SUB32: u32 = 55;
const R_LARCH_RELAX: u32 = 100;
const R_LARCH_ALIGN: u32 = 102;

/// Sections whose relocations are never checked (`section_white_list`).
const SECTION_WHITE_LIST: &[&str] = &[
    ".comment*",
    ".debug*",
    ".zdebug*",
    ".GCC.command.line",
    ".mdebug*",
    ".pdr",
    ".stab*",
    ".note*",
    ".got*",
    ".toc*",
    ".xt.prop",
    ".xt.lit",
    ".arcextmap*",
    ".gnu.linkonce.arcext*",
    ".cmem*",
    ".fmt_slot*",
    ".gnu.lto*",
    ".discard.*",
    ".llvm.call-graph-profile",
];

const INIT_DATA_SECTIONS: &[&str] = &[".init.setup", ".init.rodata", ".init.data"];
const PCI_INIT_SECTIONS: &[&str] = &[
    ".pci_fixup_early",
    ".pci_fixup_header",
    ".pci_fixup_final",
    ".pci_fixup_enable",
    ".pci_fixup_resume",
    ".pci_fixup_resume_early",
    ".pci_fixup_suspend",
];
const INIT_SECTIONS: &[&str] = &[".init.*"];
const EXIT_SECTIONS: &[&str] = &[".exit.*"];
const INIT_EXIT_SECTIONS: &[&str] = &[".init.*", ".exit.*"];
const DATA_SECTIONS: &[&str] = &[".data", ".data.rel"];
const TEXT_AND_DATA_SECTIONS: &[&str] = &[
    ".text",
    ".text.*",
    ".sched.text",
    ".kprobes.text",
    ".cpuidle.text",
    ".noinstr.text",
    ".ltext",
    ".ltext.*",
    ".data",
    ".data.rel",
];
const ALL_TEXT_SECTIONS: &[&str] = &[
    ".init.text",
    ".exit.text",
    ".text",
    ".text.*",
    ".sched.text",
    ".kprobes.text",
    ".cpuidle.text",
    ".noinstr.text",
    ".ltext",
    ".ltext.*",
    ".ref.text",
    ".head.text",
    ".spinlock.text",
    ".fixup",
    ".entry.text",
    ".exception.text",
    ".coldtext",
    ".softirqentry.text",
    ".irqentry.text",
];

/// Which kind of mismatch a rule reports (C's `enum mismatch`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MismatchKind {
    TextDataToAnyInitExit,
    AnyInitToAnyExit,
    AnyExitToAnyInit,
    ExtableToNonText,
}

/// One row of C's `sectioncheck[]`: a reference from a `from` section to a section matching
/// `bad_to` (or, when `good_to` is non-empty, not matching `good_to`) is a mismatch.
pub(crate) struct SectionMismatchRule {
    pub(crate) from: &'static [&'static str],
    pub(crate) bad_to: &'static [&'static str],
    pub(crate) good_to: &'static [&'static str],
    pub(crate) kind: MismatchKind,
}

/// The first matching rule wins.
pub(crate) const SECTION_MISMATCH_RULES: &[SectionMismatchRule] = &[
    SectionMismatchRule {
        from: TEXT_AND_DATA_SECTIONS,
        bad_to: INIT_EXIT_SECTIONS,
        good_to: &[],
        kind: MismatchKind::TextDataToAnyInitExit,
    },
    SectionMismatchRule {
        from: INIT_SECTIONS,
        bad_to: EXIT_SECTIONS,
        good_to: &[],
        kind: MismatchKind::AnyInitToAnyExit,
    },
    SectionMismatchRule {
        from: EXIT_SECTIONS,
        bad_to: INIT_SECTIONS,
        good_to: &[],
        kind: MismatchKind::AnyExitToAnyInit,
    },
    // C reuses ANY_INIT_TO_ANY_EXIT for the PCI fixup rule; only EXTABLE is special-cased later.
    SectionMismatchRule {
        from: PCI_INIT_SECTIONS,
        bad_to: INIT_SECTIONS,
        good_to: &[],
        kind: MismatchKind::AnyInitToAnyExit,
    },
    SectionMismatchRule {
        from: &["__ex_table"],
        bad_to: &[".altinstr_replacement"],
        good_to: ALL_TEXT_SECTIONS,
        kind: MismatchKind::ExtableToNonText,
    },
];

/// How a whitelist entry recognises a legitimate reference (C's `secref_whitelist()`).
struct SecrefWhitelistEntry {
    from_sec: Option<&'static [&'static str]>,
    from_sec_prefix: Option<&'static str>,
    to_sec: Option<&'static [&'static str]>,
    from_sym_prefix: Option<&'static str>,
    from_sym: Option<&'static [&'static str]>,
    to_sym: Option<&'static [&'static str]>,
}

const ANY: SecrefWhitelistEntry = SecrefWhitelistEntry {
    from_sec: None,
    from_sec_prefix: None,
    to_sec: None,
    from_sym_prefix: None,
    from_sym: None,
    to_sym: None,
};

/// References that are reported by no rule even though a rule matched.
const SECREF_WHITELIST: &[SecrefWhitelistEntry] = &[
    // Pattern 1: module parameters declared __initdata with permissions 0.
    SecrefWhitelistEntry {
        to_sec: Some(INIT_DATA_SECTIONS),
        from_sec: Some(DATA_SECTIONS),
        from_sym_prefix: Some("__param"),
        ..ANY
    },
    // Pattern 1a: module_param_call() ops may point at __init setters.
    SecrefWhitelistEntry {
        to_sec: Some(&[".init.text"]),
        from_sec: Some(DATA_SECTIONS),
        from_sym_prefix: Some("__param_ops_"),
        ..ANY
    },
    // Driver/ops structures in data may refer to init/exit code.
    SecrefWhitelistEntry {
        from_sec: Some(DATA_SECTIONS),
        to_sec: Some(INIT_EXIT_SECTIONS),
        from_sym: Some(&["*_ops", "*_probe", "*_console"]),
        ..ANY
    },
    // Pattern 3: .head.text may reference anything init.
    SecrefWhitelistEntry {
        from_sec_prefix: Some(".head.text"),
        to_sec: Some(INIT_SECTIONS),
        ..ANY
    },
    // Pattern 4: section boundary markers.
    SecrefWhitelistEntry {
        to_sym: Some(&["__init_begin", "_sinittext", "_einittext"]),
        ..ANY
    },
    // Pattern 5: GCC constant-propagation clones of static inlines.
    SecrefWhitelistEntry {
        from_sec: Some(ALL_TEXT_SECTIONS),
        to_sec: Some(INIT_SECTIONS),
        from_sym: Some(&["*.constprop.*"]),
        ..ANY
    },
];

impl SecrefWhitelistEntry {
    fn allows(&self, fromsec: &[u8], fromsym: &[u8], tosec: &[u8], tosym: &[u8]) -> bool {
        self.to_sec.is_none_or(|p| matches_any(tosec, p))
            && self.from_sec.is_none_or(|p| matches_any(fromsec, p))
            && self
                .from_sec_prefix
                .is_none_or(|p| fromsec.starts_with(p.as_bytes()))
            && self
                .from_sym_prefix
                .is_none_or(|p| fromsym.starts_with(p.as_bytes()))
            && self.from_sym.is_none_or(|p| matches_any(fromsym, p))
            && self.to_sym.is_none_or(|p| matches_any(tosym, p))
    }
}

/// `fnmatch(pattern, s, 0)` for the patterns used here: literals, `*` and `?`.
pub(crate) fn fnmatch(pattern: &[u8], s: &[u8]) -> bool {
    let (mut p, mut i) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while i < s.len() {
        if p < pattern.len() && (pattern[p] == b'?' || pattern[p] == s[i]) {
            p += 1;
            i += 1;
        } else if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, i));
            p += 1;
        } else if let Some((sp, si)) = star {
            p = sp + 1;
            i = si + 1;
            star = Some((sp, si + 1));
        } else {
            return false;
        }
    }
    while p < pattern.len() && pattern[p] == b'*' {
        p += 1;
    }
    p == pattern.len()
}

/// C's `match()`: any of `patterns` matches.
pub(crate) fn matches_any(s: &[u8], patterns: &[&str]) -> bool {
    patterns.iter().any(|p| fnmatch(p.as_bytes(), s))
}

/// C's `section_mismatch()`: the first rule that flags a reference from `fromsec` to `tosec`.
fn find_mismatch_rule(fromsec: &[u8], tosec: &[u8]) -> Option<&'static SectionMismatchRule> {
    if tosec.is_empty() {
        return None;
    }
    for rule in SECTION_MISMATCH_RULES {
        if matches_any(fromsec, rule.from) {
            if !rule.bad_to.is_empty() && matches_any(tosec, rule.bad_to) {
                return Some(rule);
            }
            if !rule.good_to.is_empty() && !matches_any(tosec, rule.good_to) {
                return Some(rule);
            }
        }
    }
    None
}

/// Everything the per-object check needs besides the object itself.
pub(crate) struct CheckContext<'a> {
    pub(crate) elf: &'a ElfObject<'a>,
    /// Built on first use: most objects never report anything, and sorting every symbol of
    /// 4,230 modules costs more than all their checks.
    pub(crate) search: std::cell::OnceCell<SymSearch>,
    pub(crate) modname: &'a [u8],
    /// `-M`: `.export_symbol` relocations define the exports.
    pub(crate) module_enabled: bool,
}

impl CheckContext<'_> {
    fn search(&self) -> &SymSearch {
        self.search.get_or_init(|| SymSearch::new(self.elf))
    }
}

/// `check_sec_ref()`: walk every section; warn about stray non-alloc PROGBITS sections and check
/// every relocation section that does not apply to a whitelisted section.
pub(crate) fn check_sec_ref(ctx: &CheckContext, scan: &mut ModuleScan) -> Result<()> {
    let elf = ctx.elf;
    // Rule lookups are cached per target section, for the current relocation section (whose
    // source section is fixed): vmlinux.o has about a million relocations but few distinct
    // (from, to) pairs. An entry is valid when its stamp equals the relocation section's index,
    // so nothing is cleared between sections (objects can have 100k+ sections).
    let mut rule_cache: Vec<(u32, Option<&'static SectionMismatchRule>)> =
        vec![(u32::MAX, None); elf.sections.len()];
    for i in 0..elf.sections.len() as u32 {
        let sec = &elf.sections[i as usize];
        let name = elf.section_name(i);
        if sec.sh_type == SHT_PROGBITS
            && sec.sh_flags & SHF_ALLOC == 0
            && !matches_any(name, SECTION_WHITE_LIST)
        {
            scan.diags.warn(cat!(
                ctx.modname,
                " (",
                name,
                "): unexpected non-allocatable section.\n\
                 Did you forget to use \"ax\"/\"aw\" in a .S file?\n\
                 Note that for example <linux/init.h> contains\n\
                 section definitions for use in .S files.\n\n"
            ));
        }
        if sec.sh_type != SHT_REL && sec.sh_type != SHT_RELA {
            continue;
        }
        let fsecndx = sec.sh_info;
        let fromsec = elf.sec_name(fsecndx);
        if matches_any(fromsec, SECTION_WHITE_LIST) {
            continue;
        }
        let is_rela = sec.sh_type == SHT_RELA;
        let relocs = elf.relocations(i, &mut scan.diags)?;
        for (n, r) in relocs.enumerate() {
            if is_rela {
                match elf.machine {
                    EM_RISCV if fromsec == b"__ex_table" && r.r_type == R_RISCV_SUB32 => continue,
                    EM_LOONGARCH => match r.r_type {
                        R_LARCH_SUB32 if fromsec == b"__ex_table" => continue,
                        R_LARCH_RELAX | R_LARCH_ALIGN => continue,
                        _ => {}
                    },
                    _ => {}
                }
            } else if !matches!(elf.machine, EM_386 | EM_ARM | EM_MIPS) {
                return Err(scan
                    .diags
                    .fatal("Please add code to calculate addend for this architecture\n"));
            }
            let Some(tsym) = elf.symbols.get(r.r_sym as usize) else {
                return Err(scan.diags.fatal(cat!(
                    elf.filename,
                    format!(
                        ": relocation {n} of section {i} refers to symbol {} but .symtab has {} entries\n",
                        r.r_sym,
                        elf.symbols.len()
                    )
                )));
            };
            if ctx.module_enabled && elf.export_symbol_secndx == fsecndx {
                let tosec = elf.sec_name(tsym.secindex);
                check_export_symbol(ctx, scan, r.r_offset, tosec, tsym)?;
                continue;
            }
            // Reserved indices (SHN_ABS, ...) lie past the table; their name is "" (no rule).
            let Some(slot) = rule_cache.get_mut(tsym.secindex as usize) else {
                continue;
            };
            if slot.0 != i {
                *slot = (i, find_mismatch_rule(fromsec, elf.sec_name(tsym.secindex)));
            }
            let rule = slot.1;
            if let Some(rule) = rule {
                let tosec = elf.sec_name(tsym.secindex);
                report_mismatch(ctx, scan, rule, tsym, fsecndx, fromsec, &r, tosec)?;
            }
        }
    }
    Ok(())
}

/// The target address of a relocation, used only to name an unnamed target.
fn target_addr(elf: &ElfObject, tsym: &Symbol, fsecndx: u32, r: &Reloc) -> Option<u64> {
    let mask = elf.addr_mask();
    if let Some(addend) = r.r_addend {
        return Some(tsym.st_value.wrapping_add(addend as u64) & mask);
    }
    let loc = elf.data_at(fsecndx, r.r_offset)?;
    let rd32 = |b: &[u8]| -> Option<u32> {
        let w: [u8; 4] = b.get(..4)?.try_into().ok()?;
        Some(if elf.big_endian {
            u32::from_be_bytes(w)
        } else {
            u32::from_le_bytes(w)
        })
    };
    let rd16 = |b: &[u8], at: usize| -> Option<u32> {
        let w: [u8; 2] = b.get(at..at + 2)?.try_into().ok()?;
        Some(if elf.big_endian {
            u16::from_be_bytes(w)
        } else {
            u16::from_le_bytes(w)
        } as u32)
    };
    let sext = |v: u32, index: u32| -> i64 {
        let shift = 31 - index;
        (((v << shift) as i32) >> shift) as i64
    };
    let value = tsym.st_value as i64;
    let none = u64::MAX;
    let taddr: u64 = match elf.machine {
        EM_386 => match r.r_type {
            1 => rd32(loc)? as u64,                   // R_386_32
            2 => (rd32(loc)? as u64).wrapping_add(4), // R_386_PC32
            _ => none,
        },
        EM_ARM => match r.r_type {
            2 | 3 => (rd32(loc)? as u64).wrapping_add(tsym.st_value), // ABS32, REL32
            43 | 44 => {
                // MOVW_ABS_NC, MOVT_ABS
                let inst = rd32(loc)?;
                (sext(((inst & 0xf0000) >> 4) | (inst & 0xfff), 15) + value) as u64
            }
            1 | 28 | 29 => {
                // PC24, CALL, JUMP24
                let inst = rd32(loc)?;
                (sext((inst & 0x00ff_ffff) << 2, 25) + value + 8) as u64
            }
            47 | 48 => {
                // THM_MOVW_ABS_NC, THM_MOVT_ABS
                let (upper, lower) = (rd16(loc, 0)?, rd16(loc, 2)?);
                let imm = ((upper & 0x000f) << 12)
                    | ((upper & 0x0400) << 1)
                    | ((lower & 0x7000) >> 4)
                    | (lower & 0x00ff);
                (sext(imm, 15) + value) as u64
            }
            51 => {
                // THM_JUMP19, encoding T3
                let (upper, lower) = (rd16(loc, 0)?, rd16(loc, 2)?);
                let sign = (upper >> 10) & 1;
                let j1 = (lower >> 13) & 1;
                let j2 = (lower >> 11) & 1;
                let imm = (sign << 20)
                    | (j2 << 19)
                    | (j1 << 18)
                    | ((upper & 0x03f) << 12)
                    | ((lower & 0x07ff) << 1);
                (sext(imm, 20) + value + 4) as u64
            }
            10 | 30 => {
                // THM_PC22 (THM_CALL), THM_JUMP24, encoding T4
                let (upper, lower) = (rd16(loc, 0)?, rd16(loc, 2)?);
                let sign = (upper >> 10) & 1;
                let j1 = (lower >> 13) & 1;
                let j2 = (lower >> 11) & 1;
                let imm = (sign << 24)
                    | ((!(j1 ^ sign) & 1) << 23)
                    | ((!(j2 ^ sign) & 1) << 22)
                    | ((upper & 0x03ff) << 12)
                    | ((lower & 0x07ff) << 1);
                (sext(imm, 24) + value + 4) as u64
            }
            _ => none,
        },
        EM_MIPS => {
            let inst = rd32(loc)?;
            match r.r_type {
                6 => (inst & 0xffff) as u64,             // R_MIPS_LO16
                4 => ((inst & 0x03ff_ffff) << 2) as u64, // R_MIPS_26 (u32 shift wraps as in C)
                2 => inst as u64,                        // R_MIPS_32
                _ => none,
            }
        }
        _ => none,
    };
    Some(taddr & mask)
}

#[allow(clippy::too_many_arguments)]
fn report_mismatch(
    ctx: &CheckContext,
    scan: &mut ModuleScan,
    rule: &SectionMismatchRule,
    tsym: &Symbol,
    fsecndx: u32,
    fromsec: &[u8],
    r: &Reloc,
    tosec: &[u8],
) -> Result<()> {
    let elf = ctx.elf;
    let faddr = r.r_offset;
    let Some(taddr) = target_addr(elf, tsym, fsecndx, r) else {
        return Err(scan.diags.fatal(cat!(
            elf.filename,
            format!(": relocation at offset {faddr:#x} of section "),
            fromsec,
            " points outside the file\n"
        )));
    };
    let from = ctx
        .search()
        .find_nearest(faddr, fsecndx, false, u64::MAX)
        .map(|i| elf.symbols[i as usize]);
    let fromsym: &[u8] = from.as_ref().map_or(b"", |s| elf.sym_name(s));
    // find_tosym(): keep the relocation's own symbol if its name is valid, else the nearest
    // symbol within 20 bytes.
    let tsym = if elf.is_valid_name(tsym) {
        *tsym
    } else {
        ctx.search()
            .find_nearest(taddr, tsym.secindex, true, 20)
            .map_or(*tsym, |i| elf.symbols[i as usize])
    };
    let tosym = elf.sym_name(&tsym);
    if SECREF_WHITELIST
        .iter()
        .any(|w| w.allows(fromsec, fromsym, tosec, tosym))
    {
        return Ok(());
    }
    scan.sec_mismatch_count += 1;
    let offset = if fromsym.is_empty() {
        faddr
    } else {
        faddr.wrapping_sub(from.map_or(0, |f| f.st_value))
    };
    let to = if tosym.is_empty() {
        format!("0x{:x}", taddr as u32).into_bytes()
    } else {
        tosym.to_vec()
    };
    scan.diags.warn(cat!(
        ctx.modname,
        ": section mismatch in reference: ",
        fromsym,
        if fromsym.is_empty() { "" } else { "+" },
        format!("0x{:x}", offset as u32),
        " (section: ",
        fromsec,
        ") -> ",
        to,
        " (section: ",
        tosec,
        ")\n"
    ));
    let faddr_hex = format!("+0x{faddr:x}");
    if rule.kind == MismatchKind::ExtableToNonText {
        if matches_any(tosec, rule.bad_to) {
            return Err(scan.diags.fatal(cat!(
                "The relocation at ",
                fromsec,
                faddr_hex,
                " references\nsection \"",
                tosec,
                "\" which is black-listed.\n\
                 Something is seriously wrong and should be fixed.\n\
                 You might get more information about where this is\n\
                 coming from by using scripts/check_extable.sh ",
                ctx.modname,
                "\n"
            )));
        }
        let executable = elf
            .sections
            .get(tsym.secindex as usize)
            .is_some_and(|s| s.sh_flags & SHF_EXECINSTR != 0);
        if executable {
            scan.diags.warn(cat!(
                "The relocation at ",
                fromsec,
                faddr_hex,
                " references\nsection \"",
                tosec,
                "\" which is not in the list of\n\
                 authorized sections.  If you're adding a new section\n\
                 and/or if this reference is valid, add \"",
                tosec,
                "\" to the\n\
                 list of authorized sections to jump to on fault.\n\
                 This can be achieved by adding \"",
                tosec,
                "\" to\n\
                 OTHER_TEXT_SECTIONS in scripts/mod/modpost.c.\n"
            ));
        } else {
            scan.diags.error(cat!(
                fromsec,
                faddr_hex,
                " references non-executable section '",
                tosec,
                "'\n"
            ));
        }
    }
    Ok(())
}

/// `check_export_symbol()`: one relocation of `.export_symbol` defines one export.
fn check_export_symbol(
    ctx: &CheckContext,
    scan: &mut ModuleScan,
    faddr: u64,
    secname: &[u8],
    sym: &Symbol,
) -> Result<()> {
    const PREFIX: &[u8] = b"__export_symbol_";
    let elf = ctx.elf;
    let label = ctx
        .search()
        .find_nearest(faddr, elf.export_symbol_secndx, false, u64::MAX)
        .map(|i| elf.symbols[i as usize]);
    let label_name: &[u8] = label.as_ref().map_or(b"", |s| elf.sym_name(s));
    let Some(label) = label.filter(|_| label_name.starts_with(PREFIX)) else {
        scan.diags.error(cat!(
            ctx.modname,
            ": .export_symbol section contains strange symbol '",
            label_name,
            "'\n"
        ));
        return Ok(());
    };
    let exported = &label_name[PREFIX.len()..];
    if sym.bind() != STB_GLOBAL && sym.bind() != STB_WEAK {
        scan.diags.error(cat!(
            ctx.modname,
            ": local symbol '",
            exported,
            "' was exported\n"
        ));
        return Ok(());
    }
    let name = elf.sym_name(sym);
    if exported != name {
        scan.diags.error(cat!(
            ctx.modname,
            ": .export_symbol section references '",
            name,
            "', but it does not seem to be an export symbol\n"
        ));
        return Ok(());
    }
    let Some(data) = elf.data_at(label.secindex, label.st_value) else {
        return Err(scan.diags.fatal(cat!(
            elf.filename,
            ": export label '",
            label_name,
            "' points outside the file\n"
        )));
    };
    let license = crate::elf::c_str_at(data, 0);
    let is_gpl_only = match license {
        b"GPL" => true,
        b"" => false,
        other => {
            scan.diags.error(cat!(
                ctx.modname,
                ": unknown license '",
                other,
                "' was specified for '",
                name,
                "'\n"
            ));
            return Ok(());
        }
    };
    let namespace = crate::elf::c_str_at(data, license.len() as u64 + 1);
    let is_func = sym.kind() == STT_FUNC
        || (elf.is_64 && elf.machine == EM_PARISC && sym.kind() == STT_LOPROC);
    scan.export(ExportDecl {
        name: name.to_vec(),
        is_gpl_only,
        namespace: namespace.to_vec(),
        is_func,
    });
    if matches_any(secname, INIT_SECTIONS) {
        scan.diags.warn(cat!(
            ctx.modname,
            ": ",
            name,
            ": EXPORT_SYMBOL used for init symbol. Remove __init or EXPORT_SYMBOL.\n"
        ));
    } else if matches_any(secname, EXIT_SECTIONS) {
        scan.diags.warn(cat!(
            ctx.modname,
            ": ",
            name,
            ": EXPORT_SYMBOL used for exit symbol. Remove __exit or EXPORT_SYMBOL.\n"
        ));
    }
    Ok(())
}

/// Used by tests and by `Diags` users that only need to know whether a rule would fire.
#[allow(dead_code)]
pub(crate) fn mismatch_kind(fromsec: &str, tosec: &str) -> Option<MismatchKind> {
    find_mismatch_rule(fromsec.as_bytes(), tosec.as_bytes()).map(|r| r.kind)
}

#[allow(dead_code)]
fn _diags_type_check(_: &Diags) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnmatch_star_crosses_dots() {
        assert!(fnmatch(b".init.*", b".init.text"));
        assert!(fnmatch(b".text.*", b".text.unlikely.foo"));
        assert!(!fnmatch(b".text.*", b".text"));
        assert!(fnmatch(b"*.constprop.*", b"foo.constprop.0"));
        assert!(fnmatch(b"*_ops", b"my_ops"));
        assert!(!fnmatch(b"*_ops", b"my_ops2"));
    }

    #[test]
    fn first_matching_rule_wins() {
        assert_eq!(
            mismatch_kind(".text", ".init.text"),
            Some(MismatchKind::TextDataToAnyInitExit)
        );
        assert_eq!(
            mismatch_kind(".init.text", ".exit.data"),
            Some(MismatchKind::AnyInitToAnyExit)
        );
        assert_eq!(
            mismatch_kind(".exit.text", ".init.data"),
            Some(MismatchKind::AnyExitToAnyInit)
        );
        assert_eq!(
            mismatch_kind(".pci_fixup_final", ".init.text"),
            Some(MismatchKind::AnyInitToAnyExit)
        );
        assert_eq!(
            mismatch_kind("__ex_table", ".rodata"),
            Some(MismatchKind::ExtableToNonText)
        );
        assert_eq!(mismatch_kind("__ex_table", ".text"), None);
        assert_eq!(mismatch_kind(".text", ""), None);
        assert_eq!(mismatch_kind(".rodata", ".init.text"), None);
    }

    #[test]
    fn whitelist_patterns() {
        let allowed = |fs: &str, fy: &str, ts: &str, ty: &str| {
            SECREF_WHITELIST
                .iter()
                .any(|w| w.allows(fs.as_bytes(), fy.as_bytes(), ts.as_bytes(), ty.as_bytes()))
        };
        assert!(allowed(".data", "__param_foo", ".init.data", "x"));
        assert!(allowed(".data", "__param_ops_foo", ".init.text", "x"));
        assert!(allowed(".data", "foo_probe", ".exit.text", "x"));
        assert!(allowed(".head.text.x", "f", ".init.data", "x"));
        assert!(allowed(".text", "f", ".init.text", "_sinittext"));
        assert!(allowed(".text", "f.constprop.0", ".init.data", "x"));
        assert!(!allowed(".text", "f", ".init.text", "g"));
    }
}
