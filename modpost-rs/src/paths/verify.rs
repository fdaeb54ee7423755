//! `modpost-rs verify`: the CI check of a build tree (or an install tree `lib/modules/<ver>/`)
//! for the source-path feature, and optionally of modpost-rs against the C modpost.
//!
//! ```text
//! modpost-rs verify [--json] [--against C_MODPOST] [--paths | --no-paths] TREE...
//! ```
//!
//! Checks, per tree (see docs/verify.md):
//! * every `.ko` carries a present, well-formed, fresh (count and CRC match its symtab) and
//!   complete `.kallsyms_paths` section; a module without the section at all while paths are on
//!   was built without the feature, which is a different problem from a stale section;
//! * a `vmlinux` at the top of the tree has kallsyms tables that decode cleanly, and with paths
//!   on a path side table that gives every symbol a path (`__pfx_<f>` the path of `<f>`);
//! * with `--against`, the tree's recorded modpost command runs once with the C tool and once
//!   with this binary, each in a scratch copy of the inputs, and every output must match.
//!
//! One line per problem on stdout (`<file>: <problem>`), then a summary line; `--json` prints
//! one JSON document instead. Exit status 0 when clean, 1 on any problem, 2 on a usage error.

mod against;
mod vmlinux;

use std::ffi::OsString;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::path::PathBuf;

use kpaths::elf::ElfFile;
use kpaths::error::strerror;
use kpaths::module_section;
use kpaths::module_section::SectionProblem;

const USAGE: &str =
    "usage: modpost-rs verify [--json] [--against C_MODPOST] [--paths | --no-paths] TREE...";

/// What kind of problem a [`Problem`] is; the JSON `kind` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    /// A file could not be read.
    Unreadable,
    /// A `.ko` is not a valid ELF file, or has no symbol table.
    BadElf,
    /// A module has no `.kallsyms_paths` section although paths are on.
    BuiltWithoutPaths,
    /// A `.kallsyms_paths` section the loader would not use (flags, format).
    BadSection,
    /// A `.kallsyms_paths` section made for a different symbol table.
    Stale,
    /// A symbol (module or vmlinux) without a source path.
    NoPath,
    /// A symbol whose path cannot be right (a prefix symbol with another path than its function).
    WrongPath,
    /// vmlinux kallsyms tables that cannot be decoded or are inconsistent.
    KallsymsTables,
    /// An output of modpost-rs differs from the C modpost's (file contents, stderr, exit code).
    DiffersFromC,
    /// The `--against` comparison could not be set up or run.
    AgainstFailed,
}

impl Kind {
    /// The stable name used in JSON.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Unreadable => "unreadable",
            Kind::BadElf => "bad-elf",
            Kind::BuiltWithoutPaths => "built-without-paths",
            Kind::BadSection => "bad-section",
            Kind::Stale => "stale",
            Kind::NoPath => "no-path",
            Kind::WrongPath => "wrong-path",
            Kind::KallsymsTables => "kallsyms-tables",
            Kind::DiffersFromC => "differs-from-c",
            Kind::AgainstFailed => "against-failed",
        }
    }
}

/// One problem found by `verify`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    /// The file the problem is in (as found under the tree argument).
    pub(crate) file: String,
    /// What kind of problem.
    pub(crate) kind: Kind,
    /// Human-readable description, without the file name.
    pub(crate) detail: String,
}

impl Problem {
    fn new(file: &Path, kind: Kind, detail: impl Into<String>) -> Problem {
        Problem {
            file: file.display().to_string(),
            kind,
            detail: detail.into(),
        }
    }

    /// The text-mode line, `<file>: <detail>`.
    pub(crate) fn line(&self) -> String {
        format!("{}: {}", self.file, self.detail)
    }
}

/// Parsed command line.
#[derive(Debug, Default)]
struct Options {
    /// Print one JSON document instead of lines.
    json: bool,
    /// `--against`: the C modpost to compare with.
    against: Option<PathBuf>,
    /// `--paths` / `--no-paths`: overrides CONFIG_KALLSYMS_PATHS from the tree's `.config`.
    forced_paths: Option<bool>,
    /// The trees (or single `.ko` files) to check.
    trees: Vec<PathBuf>,
}

fn parse_args(args: Vec<OsString>) -> Result<Options, lexopt::Error> {
    use lexopt::prelude::*;
    let mut o = Options::default();
    let mut p = lexopt::Parser::from_args(args);
    while let Some(arg) = p.next()? {
        match arg {
            Long("json") => o.json = true,
            Long("paths") => o.forced_paths = Some(true),
            Long("no-paths") => o.forced_paths = Some(false),
            Long("against") => o.against = Some(p.value()?.into()),
            Value(v) => o.trees.push(v.into()),
            _ => return Err(arg.unexpected()),
        }
    }
    if o.trees.is_empty() {
        return Err("no TREE given".into());
    }
    Ok(o)
}

/// The kernel configuration options verify cares about, from the tree's `.config`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TreeConfig {
    /// The `.config` read, if one was found.
    pub(crate) file: Option<PathBuf>,
    /// CONFIG_KALLSYMS=y.
    pub(crate) kallsyms: bool,
    /// CONFIG_KALLSYMS_ABSOLUTE_PERCPU=y.
    pub(crate) absolute_percpu: bool,
    /// CONFIG_KALLSYMS_PATHS=y.
    pub(crate) paths: bool,
}

impl TreeConfig {
    /// `.config` of a build tree, or of the build tree an install tree's `build` link names.
    fn find(tree: &Path) -> TreeConfig {
        for candidate in [tree.join(".config"), tree.join("build/.config")] {
            if let Ok(text) = std::fs::read_to_string(&candidate) {
                let mut c = TreeConfig::parse(&text);
                c.file = Some(candidate);
                return c;
            }
        }
        TreeConfig::default()
    }

    fn parse(text: &str) -> TreeConfig {
        let mut c = TreeConfig::default();
        for line in text.lines() {
            match line.trim_end() {
                "CONFIG_KALLSYMS=y" => c.kallsyms = true,
                "CONFIG_KALLSYMS_ABSOLUTE_PERCPU=y" => c.absolute_percpu = true,
                "CONFIG_KALLSYMS_PATHS=y" => c.paths = true,
                _ => {}
            }
        }
        c
    }
}

/// Whether source paths are required, and why (for the report).
#[derive(Debug, Clone)]
struct PathsSetting {
    /// Every module must carry `.kallsyms_paths` and every vmlinux name a `path:`.
    on: bool,
    /// Where `on` comes from, e.g. `CONFIG_KALLSYMS_PATHS=y in build/.config`.
    reason: String,
}

fn paths_setting(forced: Option<bool>, config: &TreeConfig) -> PathsSetting {
    let (on, reason) = match (forced, &config.file) {
        (Some(true), _) => (true, "--paths".to_string()),
        (Some(false), _) => (false, "--no-paths".to_string()),
        (None, Some(f)) if config.paths => {
            (true, format!("CONFIG_KALLSYMS_PATHS=y in {}", f.display()))
        }
        (None, Some(f)) => (
            false,
            format!("CONFIG_KALLSYMS_PATHS not set in {}", f.display()),
        ),
        // A tree of bare modules (an extracted package, a test directory): checking paths is
        // what verify is for, so they are required.
        (None, None) => (true, "no .config found, paths required".to_string()),
    };
    PathsSetting { on, reason }
}

/// Problems of one module, as lines: the API the ko-paths tests use.
#[cfg(test)]
pub(crate) fn check_module(path: &Path) -> Vec<String> {
    module_problems(path, true)
        .iter()
        .map(Problem::line)
        .collect()
}

/// Problems of one module. `paths_on`: a module without the section is a problem.
fn module_problems(path: &Path, paths_on: bool) -> Vec<Problem> {
    let data = match std::fs::read(path) {
        Ok(d) => d,
        Err(e) => return vec![Problem::new(path, Kind::Unreadable, strerror(&e))],
    };
    // A signed module: the signature is not part of the ELF file.
    let elf = match ElfFile::parse(module_section::unsigned(&data)) {
        Ok(e) => e,
        Err(e) => {
            return vec![Problem::new(
                path,
                Kind::BadElf,
                format!("not a valid ELF file: {e}"),
            )]
        }
    };
    let (symtab, section) = match module_section::read_section(&elf) {
        Ok(x) => x,
        // Paths off and no section: nothing to check. A section present while paths are off
        // must still be fresh: the loader would use it.
        Err(SectionProblem::Missing) if !paths_on => return Vec::new(),
        Err(SectionProblem::Missing) => {
            return vec![Problem::new(
                path,
                Kind::BuiltWithoutPaths,
                "built without source paths: no .kallsyms_paths section",
            )]
        }
        Err(e @ SectionProblem::Stale { .. }) => {
            return vec![Problem::new(
                path,
                Kind::Stale,
                format!(
                    "{e} (the symbol table changed after ko-paths ran; after strip, refresh \
                     with ko-paths --from BUILT.ko)"
                ),
            )]
        }
        Err(e @ SectionProblem::NoSymtab) => {
            return vec![Problem::new(path, Kind::BadElf, e.to_string())]
        }
        Err(e @ SectionProblem::Malformed(_)) => {
            return vec![Problem::new(path, Kind::BadSection, e.to_string())]
        }
    };
    symtab
        .symbols
        .iter()
        .enumerate()
        .filter(|(i, sym)| super::ko::needs_path(sym) && section.path_of(*i).is_none())
        .map(|(i, sym)| {
            Problem::new(
                path,
                Kind::NoPath,
                format!(
                    "symbol {i} '{}' has no path",
                    String::from_utf8_lossy(sym.name)
                ),
            )
        })
        .collect()
}

/// All `.ko` files under `root` (or `root` itself). Symbolic links are not followed, so an
/// install tree's `build` and `source` links do not pull in the build tree.
fn find_modules(root: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let meta = std::fs::metadata(root)?;
    if meta.is_file() {
        out.push(root.to_path_buf());
        return Ok(());
    }
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let kind = entry.file_type()?;
            let p = entry.path();
            if kind.is_dir() {
                stack.push(p);
            } else if kind.is_file() && p.extension().is_some_and(|e| e == "ko") {
                out.push(p);
            }
        }
    }
    Ok(())
}

/// What one tree's checks found.
#[derive(Debug, Default)]
struct TreeReport {
    /// Modules checked.
    modules: usize,
    /// Modules with at least one problem.
    bad_modules: usize,
    /// Whether a vmlinux was checked.
    vmlinux: bool,
    /// Whether `--against` ran.
    against: bool,
    /// Everything found, in report order.
    problems: Vec<Problem>,
}

fn check_tree(opts: &Options, tree: &Path) -> Result<TreeReport, String> {
    let mut modules = Vec::new();
    find_modules(tree, &mut modules)
        .map_err(|e| format!("{}: {}", tree.display(), strerror(&e)))?;
    modules.sort();
    let config = TreeConfig::find(tree);
    let paths = paths_setting(opts.forced_paths, &config);
    let mut report = TreeReport {
        modules: modules.len(),
        ..TreeReport::default()
    };
    for m in &modules {
        let found = module_problems(m, paths.on);
        if !found.is_empty() {
            report.bad_modules += 1;
        }
        report.problems.extend(found);
    }
    let image = tree.join("vmlinux");
    if tree.is_dir() && image.is_file() {
        report.vmlinux = true;
        report
            .problems
            .extend(vmlinux::check(&image, &config, paths.on, &paths.reason));
    }
    if let Some(c_modpost) = &opts.against {
        report.against = true;
        report.problems.extend(against::check(tree, c_modpost));
    }
    Ok(report)
}

/// Run `verify` with the arguments after the word `verify`; returns the exit status.
pub(crate) fn run(args: Vec<OsString>) -> i32 {
    let opts = match parse_args(args) {
        Ok(o) => o,
        Err(e) => return super::usage_error("verify", USAGE, e),
    };
    let mut reports = Vec::new();
    for tree in &opts.trees {
        match check_tree(&opts, tree) {
            Ok(r) => reports.push(r),
            Err(e) => {
                eprintln!("modpost-rs verify: {e}");
                return 2;
            }
        }
    }
    let problems: Vec<&Problem> = reports.iter().flat_map(|r| &r.problems).collect();
    let modules: usize = reports.iter().map(|r| r.modules).sum();
    let bad_modules: usize = reports.iter().map(|r| r.bad_modules).sum();
    let nothing_checked = reports
        .iter()
        .all(|r| r.modules == 0 && !r.vmlinux && !r.against);
    let text = if opts.json {
        json_report(
            &opts,
            &reports,
            &problems,
            modules,
            bad_modules,
            !nothing_checked,
        )
    } else {
        let mut t = String::new();
        for p in &problems {
            let _ = writeln!(t, "{}", p.line());
        }
        let vmlinux = reports.iter().filter(|r| r.vmlinux).count();
        let _ = writeln!(
            t,
            "modpost-rs verify: {modules} modules, {bad_modules} with problems, {vmlinux} vmlinux, {}{} problems",
            if opts.against.is_some() { "compared with the C modpost, " } else { "" },
            problems.len()
        );
        if nothing_checked {
            let _ = writeln!(
                t,
                "modpost-rs verify: nothing to check (no .ko, no vmlinux)"
            );
        }
        t
    };
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
    if problems.is_empty() && !nothing_checked {
        0
    } else {
        1
    }
}

/// A JSON string literal.
fn json_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The `--json` document (schema in docs/verify.md), written by hand: it is small and flat.
fn json_report(
    opts: &Options,
    reports: &[TreeReport],
    problems: &[&Problem],
    modules: usize,
    bad_modules: usize,
    checked_something: bool,
) -> String {
    let mut t = String::from("{\n  \"trees\": [");
    for (i, tree) in opts.trees.iter().enumerate() {
        let sep = if i == 0 { "" } else { ", " };
        let _ = write!(t, "{sep}{}", json_str(&tree.display().to_string()));
    }
    t.push_str("],\n  \"problems\": [");
    for (i, p) in problems.iter().enumerate() {
        let sep = if i == 0 { "\n" } else { ",\n" };
        let _ = write!(
            t,
            "{sep}    {{\"file\": {}, \"kind\": {}, \"detail\": {}}}",
            json_str(&p.file),
            json_str(p.kind.name()),
            json_str(&p.detail)
        );
    }
    t.push_str(if problems.is_empty() {
        "],\n"
    } else {
        "\n  ],\n"
    });
    let mut kinds: Vec<Kind> = problems.iter().map(|p| p.kind).collect();
    kinds.sort();
    kinds.dedup();
    let by_kind: Vec<String> = kinds
        .iter()
        .map(|k| {
            let n = problems.iter().filter(|p| p.kind == *k).count();
            format!("{}: {n}", json_str(k.name()))
        })
        .collect();
    let _ = writeln!(
        t,
        "  \"counts\": {{\"modules\": {modules}, \"modules_with_problems\": {bad_modules}, \
\"vmlinux\": {}, \"compared_with_c\": {}, \"problems\": {}, \"by_kind\": {{{}}}}},",
        reports.iter().filter(|r| r.vmlinux).count(),
        reports.iter().filter(|r| r.against).count(),
        problems.len(),
        by_kind.join(", ")
    );
    // `ok` is the exit status: nothing checked at all is a failure, as in text mode.
    let _ = writeln!(
        t,
        "  \"ok\": {}\n}}",
        problems.is_empty() && checked_something
    );
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<OsString> {
        a.iter().map(OsString::from).collect()
    }

    #[test]
    fn options_parse_and_usage_errors() {
        let o = parse_args(args(&["--json", "--against", "cm", "--no-paths", "t"])).unwrap();
        assert!(o.json);
        assert_eq!(o.against, Some(PathBuf::from("cm")));
        assert_eq!(o.forced_paths, Some(false));
        assert_eq!(o.trees, vec![PathBuf::from("t")]);
        let p = parse_args(args(&["--against=cm", "t"])).unwrap();
        assert_eq!(p.against, Some(PathBuf::from("cm")));
        assert!(parse_args(args(&["--against"])).is_err());
        assert!(parse_args(args(&["--bogus", "t"])).is_err());
        assert!(parse_args(args(&["--paths"])).is_err());
        assert_eq!(run(args(&["--bogus", "t"])), 2);
    }

    #[test]
    fn config_options_are_read_exactly() {
        let c = TreeConfig::parse(
            "CONFIG_KALLSYMS=y\n# CONFIG_KALLSYMS_PATHS is not set\nCONFIG_KALLSYMS_ABSOLUTE_PERCPU=y\n",
        );
        assert!(c.kallsyms && c.absolute_percpu && !c.paths);
        assert!(TreeConfig::parse("CONFIG_KALLSYMS_PATHS=y\n").paths);
        assert!(!TreeConfig::parse("CONFIG_KALLSYMS_PATHS=m\n").paths);
    }

    #[test]
    fn json_strings_are_escaped() {
        assert_eq!(json_str("a\"b\\c\n\u{1}"), "\"a\\\"b\\\\c\\n\\u0001\"");
    }
}
