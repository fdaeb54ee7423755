//! Command line: a GNU getopt-compatible parser for modpost's `ei:MmnT:to:au:WwENd:`.
//! OWNER: cli helper.

// Temporary minimal parser on main until the sources branch (GNU getopt emulation) is merged.
use std::ffi::OsString;

#[derive(Debug, Clone, Default)]
pub(crate) struct Options {
    pub(crate) external_module: bool,
    pub(crate) dump_lists: Vec<String>,
    pub(crate) module_enabled: bool,
    pub(crate) modversions: bool,
    pub(crate) ignore_missing_files: bool,
    pub(crate) files_source: Option<String>,
    pub(crate) trim_unused_exports: bool,
    pub(crate) dump_write: Option<String>,
    pub(crate) all_versions: bool,
    pub(crate) unused_exports_white_list: Option<String>,
    pub(crate) extra_warn: bool,
    pub(crate) warn_unresolved: bool,
    pub(crate) sec_mismatch_warn_only: bool,
    pub(crate) allow_missing_ns_imports: bool,
    pub(crate) missing_namespace_deps: Option<String>,
    pub(crate) files: Vec<String>,
}

pub(crate) fn parse_args(args: &[OsString]) -> Result<Options, i32> {
    let mut o = Options {
        sec_mismatch_warn_only: true,
        ..Default::default()
    };
    let a: Vec<String> = args
        .iter()
        .skip(1)
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    let mut i = 0;
    while i < a.len() {
        let s = &a[i];
        let mut next = || {
            i += 1;
            a.get(i).cloned().ok_or(1)
        };
        match s.as_str() {
            "-e" => o.external_module = true,
            "-i" => o.dump_lists.push(next()?),
            "-M" => o.module_enabled = true,
            "-m" => o.modversions = true,
            "-n" => o.ignore_missing_files = true,
            "-T" => o.files_source = Some(next()?),
            "-t" => o.trim_unused_exports = true,
            "-o" => o.dump_write = Some(next()?),
            "-a" => o.all_versions = true,
            "-u" => o.unused_exports_white_list = Some(next()?),
            "-W" => o.extra_warn = true,
            "-w" => o.warn_unresolved = true,
            "-E" => o.sec_mismatch_warn_only = false,
            "-N" => o.allow_missing_ns_imports = true,
            "-d" => o.missing_namespace_deps = Some(next()?),
            _ => o.files.push(s.clone()),
        }
        i += 1;
    }
    Ok(o)
}
