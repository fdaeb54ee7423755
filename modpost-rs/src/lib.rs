//! modpost-rs: a drop-in replacement for Linux 6.12 `scripts/mod/modpost`.
//!
//! The crate is a library so that the fuzz targets (`fuzz/`) run the tool's own parsing code;
//! the binary (`src/main.rs`) only calls [`main`]. Nothing else is public but [`fuzz_entry`].
//!
//! The pipeline, one module per phase (see docs/design.md):
//! [`cli`] -> [`scan`] (per object, in parallel; uses [`elf`], [`symsearch`], [`section_check`],
//! [`file2alias`], [`sources`]) -> [`symbols`] (merge in list order, checks) -> [`write`].

mod cli;
mod cnum;
mod diag;
mod elf;
mod file2alias;
pub mod fuzz_entry;
mod paths;
mod scan;
mod section_check;
mod sources;
mod symbols;
mod symsearch;
mod write;

use diag::cat;
use diag::Diags;
use diag::Fatal;
use rayon::prelude::*;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

/// C's PATH_MAX: the `-T` list is read with `fgets(fname, PATH_MAX, in)`.
const PATH_MAX: usize = 4096;

/// `modpost-rs --help`: C modpost has no help; only the exact one-argument form is ours, so every
/// command line Kbuild uses behaves as with the C tool.
const HELP: &str = "\
Usage: modpost-rs [-ei:MmnT:to:au:WwENd:] [object.o ...]
       modpost-rs ko-paths [--srctree DIR] [--objtree DIR] [--extmod DIR] [--from BUILT.ko] MODULE.ko...
       modpost-rs manifest [--srctree DIR] [--objtree DIR] [-o OUT] ARCHIVE [INPUT...]
       modpost-rs verify [--json] [--against C_MODPOST] [--paths|--no-paths] TREE...

A drop-in replacement for Linux 6.12 scripts/mod/modpost (same options, inputs, outputs,
messages and exit codes): make MODPOST=/abs/path/modpost-rs
  -M  CONFIG_MODULES: exports from .export_symbol     -m  CONFIG_MODVERSIONS: CRCs
  -a  srcversion for every module                     -e  external module build (make M=)
  -i FILE  read a Module.symvers file (repeatable)    -o FILE  write the symvers file
  -T FILE  object list (modules.order)                -n  skip objects that cannot be read
  -t  trim unused exports  -u FILE  their whitelist   -W  extra warnings (W=1)
  -w  unresolved symbols are warnings                 -E  section mismatches are errors
  -N  missing namespace imports are warnings          -d FILE  write modules.nsdeps
Source paths (CONFIG_KALLSYMS_PATHS): ko-paths writes .kallsyms_paths into modules, manifest
writes archive path manifests, verify checks a build or install tree. See docs/kbuild.md.
";

/// The whole tool: what the `modpost-rs` binary's `main` does, ending in `exit()` with the
/// tool's status.
pub fn main() -> ! {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let version = concat!(
        "modpost-rs ",
        env!("CARGO_PKG_VERSION"),
        " (drop-in for Linux 6.12 scripts/mod/modpost)"
    );
    if kpaths::tool::help_or_version(&args, HELP, version) {
        std::process::exit(0);
    }
    // The source-path subcommands (`ko-paths`, `verify`, `manifest`) are not part of the C
    // drop-in; C modpost would take such a word for an object path, which Kbuild never passes.
    if let Some(code) = paths::run_subcommand(&args) {
        std::process::exit(code);
    }
    let code = match cli::parse_args(&args) {
        Ok(opts) => {
            let mut diags = Diags::immediate();
            match run(&opts, &mut diags) {
                Ok(()) if !diag::error_occurred() => 0,
                _ => 1,
            }
        }
        Err(code) => code,
    };
    std::process::exit(code);
}

/// Split the `-T` file as repeated `fgets(PATH_MAX)` calls do: at each newline, and into
/// PATH_MAX-1 byte pieces when a line is longer; the trailing newline is dropped.
fn split_files_source(text: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let limit = rest.len().min(PATH_MAX - 1);
        let n = match rest[..limit].iter().position(|&b| b == b'\n') {
            Some(nl) => nl + 1,
            None => limit,
        };
        let mut piece = &rest[..n];
        rest = &rest[n..];
        if piece.last() == Some(&b'\n') {
            piece = &piece[..piece.len() - 1];
        }
        // fgets() output is a C string: an embedded NUL ends it.
        if let Some(z) = piece.iter().position(|&b| b == 0) {
            piece = &piece[..z];
        }
        out.push(piece.to_vec());
    }
    out
}

/// Objects scanned (or outputs generated) in parallel before the results are merged in order.
/// Bounds memory: only one chunk's scans or `.mod.c` texts are held at a time.
fn chunk_len() -> usize {
    8 * rayon::current_num_threads()
}

fn scan_all(
    db: &mut symbols::SymbolDb,
    files: &[Vec<u8>],
    opts: &scan::ScanOptions,
    diags: &mut Diags,
) -> diag::Result<()> {
    for chunk in files.chunks(chunk_len()) {
        let scans: Vec<scan::ModuleScan> = chunk
            .par_iter()
            .map(|f| scan::scan_object(f, opts))
            .collect();
        for s in scans {
            db.merge_scan(s, diags)?;
        }
    }
    Ok(())
}

/// A file name as C sees it: the raw bytes of `char *argv[]`, never re-encoded.
fn raw(o: &OsStr) -> &[u8] {
    o.as_bytes()
}

fn run(opts: &cli::Options, diags: &mut Diags) -> diag::Result<()> {
    let mut db = symbols::SymbolDb::new(opts.external_module);
    for f in &opts.dump_lists {
        db.read_dump(raw(f), diags)?;
    }
    let scan_opts = scan::ScanOptions {
        module_enabled: opts.module_enabled,
        modversions: opts.modversions,
        all_versions: opts.all_versions,
        extra_warn: opts.extra_warn,
        ignore_missing_files: opts.ignore_missing_files,
    };
    let files: Vec<Vec<u8>> = opts.files.iter().map(|f| raw(f).to_vec()).collect();
    scan_all(&mut db, &files, &scan_opts, diags)?;
    if let Some(list) = &opts.files_source {
        let text = match std::fs::read(list) {
            Ok(t) => t,
            Err(e) => {
                return Err(diags.fatal(cat!(
                    "Can't open filenames file ",
                    raw(list),
                    ": ",
                    diag::strerror(&e)
                )))
            }
        };
        scan_all(&mut db, &split_files_source(&text), &scan_opts, diags)?;
    }
    let check_opts = symbols::CheckOptions {
        warn_unresolved: opts.warn_unresolved,
        allow_missing_ns_imports: opts.allow_missing_ns_imports,
    };
    db.check_modules(&check_opts, diags);
    if let Some(wl) = &opts.unused_exports_white_list {
        db.mark_whitelisted(raw(wl), diags)?;
    }
    let write_opts = write::WriteOptions {
        external_module: opts.external_module,
        modversions: opts.modversions,
        trim_unused_exports: opts.trim_unused_exports,
    };
    let writable: Vec<&symbols::Module> = db.modules.iter().filter(|m| !m.from_dump).collect();
    for chunk in writable.chunks(chunk_len()) {
        let outputs: Vec<(diag::Result<write::CBuf>, Diags)> = chunk
            .par_iter()
            .map(|m| {
                let mut d = Diags::buffered();
                let text = if m.is_vmlinux {
                    write::gen_vmlinux_export_c(&db, m, &write_opts, &mut d)
                } else {
                    write::gen_mod_c(&db, m, &write_opts, &mut d)
                };
                (text, d)
            })
            .collect();
        for ((text, d), m) in outputs.into_iter().zip(chunk) {
            d.replay()?;
            let text = text?;
            if m.is_vmlinux {
                write::write_if_changed(&text, b".vmlinux.export.c", diags)?;
            } else {
                let fname = cat!(m.name, ".mod.c");
                if fname.len() >= PATH_MAX {
                    diags.error(cat!(
                        fname.get(..PATH_MAX - 1).unwrap_or(&fname),
                        ": too long path was truncated\n"
                    ));
                    continue;
                }
                write::write_if_changed(&text, &fname, diags)?;
            }
        }
    }
    if let Some(nsdeps) = &opts.missing_namespace_deps {
        let b = write::gen_nsdeps(&db, diags)?;
        write::write_if_changed(&b, raw(nsdeps), diags)?;
    }
    if let Some(dump) = &opts.dump_write {
        let b = write::gen_dump(&db, &write_opts, diags)?;
        write::write_buf(&b, raw(dump), diags)?;
    }
    if db.sec_mismatch_count > 0 && !opts.sec_mismatch_warn_only {
        diags.error("Section mismatches detected.\nSet CONFIG_SECTION_MISMATCH_WARN_ONLY=y to allow them.\n");
    }
    if db.nr_unresolved > 10 {
        diags.warn(cat!(
            "suppressed ",
            db.nr_unresolved - 10,
            " unresolved symbol warnings because there were too many)\n"
        ));
    }
    let _ = Fatal;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_source_splits_like_fgets() {
        assert_eq!(split_files_source(b"a.o\nb.o\n"), vec![&b"a.o"[..], b"b.o"]);
        assert_eq!(
            split_files_source(b"a.o\n\nb.o"),
            vec![&b"a.o"[..], b"", b"b.o"]
        );
        assert_eq!(
            split_files_source(b"caf\xe9.o\n\xff\x00x"),
            vec![&b"caf\xe9.o"[..], b"\xff"]
        );
        let long = vec![b'x'; 5000];
        let parts = split_files_source(&long);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].len(), 4095);
    }
}
