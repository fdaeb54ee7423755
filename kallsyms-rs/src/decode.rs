//! `kallsyms-rs decode`: read the kallsyms tables back out of a linked vmlinux (or a module's
//! symbols and `.kallsyms_paths`) and print them the way the kernel would.
//!
//! ```text
//! kallsyms-rs decode [--map] [--paths] [--check] [--absolute-percpu | --no-absolute-percpu]
//!                    [--config FILE] <vmlinux | module.ko>
//! ```
//!
//! For a vmlinux the default output is what the booted kernel's `/proc/kallsyms` shows for its
//! own symbols (kernel/kallsyms.c s_show: `%px %c %s\n` in table order, names cut at
//! KSYM_NAME_LEN - 1, empty names skipped); `--paths` prints what `/proc/kallsyms_paths` shows,
//! `path:name` from the path side table (CONFIG_KALLSYMS_PATHS) wherever it fits the kernel's
//! name buffer. `--map` prints every entry in `nm -n` order (address, then name), the order of
//! the System.map the tables were built from. The tables are checked for the invariants the
//! kernel's lookups rely on; any problem goes to stderr and makes the exit status 1. See
//! docs/decode.md.

pub(crate) mod module;

use std::ffi::OsString;
use std::io;
use std::io::Write;
use std::path::Path;
use std::path::PathBuf;

use kpaths::elf::ElfFile;
use kpaths::kallsyms::image;
use kpaths::kallsyms::layout::KSYM_NAME_LEN;
use kpaths::kallsyms::path_table::PathTable;
use kpaths::kallsyms::tables;
use kpaths::kallsyms::tables::Decoded;
use kpaths::kallsyms::tables::OffsetMode;

const USAGE: &str = "Usage: kallsyms-rs decode [--map] [--paths] [--check] \
[--absolute-percpu | --no-absolute-percpu] [--config FILE] <vmlinux | module.ko>";

/// Parsed command line of `decode`.
#[derive(Debug, Default)]
struct Options {
    /// Print in System.map (`nm -n`) order instead of /proc/kallsyms order.
    map: bool,
    /// Only check the tables and print a summary line.
    check: bool,
    /// Print `path:name` where the symbol has a path (as /proc/kallsyms_paths does).
    paths: bool,
    /// Offset encoding forced on the command line.
    forced_mode: Option<OffsetMode>,
    /// Kernel config to consult when the data cannot tell the offset encoding.
    config: Option<PathBuf>,
    /// The vmlinux or module to read.
    input: PathBuf,
}

fn parse_args(args: &[OsString]) -> Result<Options, lexopt::Error> {
    use lexopt::prelude::*;
    let mut o = Options::default();
    let mut input = None;
    let mut p = lexopt::Parser::from_args(args.iter().cloned());
    while let Some(arg) = p.next()? {
        match arg {
            Long("map") => o.map = true,
            Long("check") => o.check = true,
            Long("paths") => o.paths = true,
            Long("absolute-percpu") => o.forced_mode = Some(OffsetMode::AbsolutePercpu),
            Long("no-absolute-percpu") => o.forced_mode = Some(OffsetMode::Relative),
            Long("config") => o.config = Some(p.value()?.into()),
            Value(v) if input.is_none() => input = Some(PathBuf::from(v)),
            Value(_) => return Err("more than one input file".into()),
            _ => return Err(arg.unexpected()),
        }
    }
    o.input = input.ok_or("no input file")?;
    Ok(o)
}

/// Entry point: `args` are the arguments after the word `decode`. Returns the exit status:
/// 0 when everything decoded and checked clean, 1 when the input could not be read or decoded
/// or has problems (reported on stderr), 2 on a usage error.
pub(crate) fn main(args: &[OsString]) -> i32 {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return 0;
    }
    let opts = match parse_args(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("kallsyms-rs decode: {e}\n{USAGE}");
            return 2;
        }
    };
    let file = opts.input.display().to_string();
    match run(&opts) {
        Ok(problems) if problems.is_empty() => 0,
        Ok(problems) => {
            for p in problems {
                eprintln!("kallsyms-rs decode: {file}: {p}");
            }
            1
        }
        Err(e) => {
            eprintln!("kallsyms-rs decode: {file}: {e}");
            1
        }
    }
}

/// Decodes the input and prints it; returns the problems found.
fn run(opts: &Options) -> Result<Vec<String>, String> {
    // Mapped: a distro vmlinux with DWARF is hundreds of MB, of which the symbol table and the
    // kallsyms tables are read.
    let mapped = kpaths::fs::map(&opts.input).map_err(|e| e.to_string())?;
    let file = ElfFile::parse(mapped.bytes()).map_err(|e| e.to_string())?;
    let Some(raw) = image::find_tables(&file).map_err(|e| e.to_string())? else {
        return module::run(&file, opts.check, opts.paths, io::stdout().lock());
    };
    let parsed = tables::parse(&raw).map_err(|e| e.to_string())?;
    let kinds: Vec<u8> = parsed.entries.iter().map(|e| e.kind).collect();
    let (mode, source) = choose_mode(opts, &parsed.offsets, &kinds)?;
    let decoded = tables::finish(&raw, parsed, mode);
    let out = io::stdout().lock();
    let res = if opts.check {
        write_summary(out, &opts.input, &decoded, &source)
    } else if opts.map {
        write_map(out, &decoded, opts.paths)
    } else {
        write_proc(out, &decoded, opts.paths)
    };
    match res {
        Ok(()) => {}
        // `decode vmlinux | head` is fine.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(format!("writing the output: {e}")),
    }
    Ok(decoded.problems)
}

/// Picks the offset encoding: forced, else read from the data, else from a kernel config.
fn choose_mode(
    opts: &Options,
    offsets: &[i32],
    kinds: &[u8],
) -> Result<(OffsetMode, String), String> {
    if let Some(m) = opts.forced_mode {
        return Ok((m, "forced".into()));
    }
    if let Some(m) = tables::detect_mode(offsets, kinds) {
        return Ok((m, "from the data".into()));
    }
    let candidates = match &opts.config {
        Some(c) => vec![c.clone()],
        None => config_candidates(&opts.input),
    };
    for c in &candidates {
        let Ok(text) = std::fs::read_to_string(c) else {
            if opts.config.is_some() {
                return Err(format!("cannot read config {}", c.display()));
            }
            continue;
        };
        if let Some(m) = mode_from_config(&text) {
            return Ok((m, format!("from {}", c.display())));
        }
    }
    if offsets.is_empty() {
        // No symbols: both encodings print the same nothing.
        return Ok((OffsetMode::Relative, "no symbols".into()));
    }
    // TODO: vmlinux with CONFIG_IKCONFIG embeds a gzipped config (kernel_config_data); reading
    // it needs an inflater, which no current input needs.
    Err(
        "cannot tell from the data whether kallsyms_offsets uses --absolute-percpu, and no \
         kernel config was found next to the file; pass --absolute-percpu, \
         --no-absolute-percpu or --config FILE"
            .into(),
    )
}

/// Kernel configs that may belong to `input`: `.config` beside it (a build tree), and
/// `config-<release>` beside a `vmlinux-<release>` (a /boot layout).
fn config_candidates(input: &Path) -> Vec<PathBuf> {
    let dir = input.parent().unwrap_or(Path::new("."));
    let mut c = vec![dir.join(".config")];
    if let Some(rel) = input
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_prefix("vmlinux-"))
    {
        c.push(dir.join(format!("config-{rel}")));
    }
    c
}

/// CONFIG_KALLSYMS_ABSOLUTE_PERCPU from a .config text, if the config has kallsyms at all.
fn mode_from_config(text: &str) -> Option<OffsetMode> {
    let mut kallsyms = false;
    for line in text.lines() {
        match line.trim_end() {
            "CONFIG_KALLSYMS_ABSOLUTE_PERCPU=y" => return Some(OffsetMode::AbsolutePercpu),
            "CONFIG_KALLSYMS=y" => kallsyms = true,
            _ => {}
        }
    }
    kallsyms.then_some(OffsetMode::Relative)
}

/// Writes `addr type name\n` with the address zero-padded to the pointer width.
fn write_line(
    out: &mut impl Write,
    digits: usize,
    addr: u64,
    kind: u8,
    name: &[u8],
) -> io::Result<()> {
    write!(out, "{addr:0digits$x} ")?;
    out.write_all(&[kind, b' '])?;
    out.write_all(name)?;
    out.write_all(b"\n")
}

/// The name the kernel shows for symbol `index`: with `paths`, `path:name` when the symbol has
/// a path and that fits `KSYM_NAME_LEN` (patch 0005), else the name, cut to `KSYM_NAME_LEN - 1`
/// as kallsyms_expand_symbol cuts it.
fn shown_name(d: &Decoded, index: usize, paths: bool) -> Vec<u8> {
    let name = &d.symbols[index].name;
    let name = name.get(..KSYM_NAME_LEN - 1).unwrap_or(name);
    let path = paths
        .then(|| d.paths.as_ref().and_then(|t: &PathTable| t.path_of(index)))
        .flatten();
    match path {
        Some(p) if p.len() + 1 + name.len() < KSYM_NAME_LEN => [p, b":", name].concat(),
        _ => name.to_vec(),
    }
}

/// /proc/kallsyms (or /proc/kallsyms_paths) for the vmlinux symbols (kernel/kallsyms.c s_show).
fn write_proc(out: impl Write, d: &Decoded, paths: bool) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    let digits = d.target.pointer_digits();
    for (i, s) in d.symbols.iter().enumerate() {
        // Quirk (s_show): "Some debugging symbols have no name. Ignore them."
        if s.name.is_empty() {
            continue;
        }
        write_line(&mut out, digits, s.addr, s.kind, &shown_name(d, i, paths))?;
    }
    out.flush()
}

/// System.map order: `nm -n` sorts by address, then by name (strcoll, and Kbuild runs it with
/// LC_COLLATE=C, so byte order). Entries equal in both stay in table order.
fn write_map(out: impl Write, d: &Decoded, paths: bool) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    let digits = d.target.pointer_digits();
    let mut lines: Vec<(u64, &[u8], usize)> = d
        .symbols
        .iter()
        .enumerate()
        .map(|(i, s)| (s.addr, s.name.as_slice(), i))
        .collect();
    // Stable: entries equal in address and name keep their table order.
    lines.sort_by(|x, y| (x.0, x.1).cmp(&(y.0, y.1)));
    for (addr, _, i) in lines {
        let name = if paths {
            shown_name(d, i, true)
        } else {
            d.symbols[i].name.clone()
        };
        write_line(&mut out, digits, addr, d.symbols[i].kind, &name)?;
    }
    out.flush()
}

fn write_summary(mut out: impl Write, input: &Path, d: &Decoded, source: &str) -> io::Result<()> {
    let mode = match d.mode {
        OffsetMode::Relative => "relative",
        OffsetMode::AbsolutePercpu => "absolute-percpu",
    };
    let names = match &d.paths {
        Some(t) => format!(
            ", path side table: {} runs, {} paths",
            t.run_start.len(),
            t.paths.len().saturating_sub(1)
        ),
        None => String::new(),
    };
    let verdict = if d.problems.is_empty() {
        "tables consistent".to_string()
    } else {
        format!("{} problem line(s)", d.problems.len())
    };
    writeln!(
        out,
        "{}: {} symbols{names}, offsets {mode} ({source}), relative_base {:#x}: {verdict}",
        input.display(),
        d.symbols.len(),
        d.relative_base
    )
}
