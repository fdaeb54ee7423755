//! kallsyms-rs: a drop-in replacement for Linux 6.12 `scripts/kallsyms`.
//!
//! `kallsyms [--all-symbols] [--absolute-percpu] in.map > out.S` reads a System.map-style symbol
//! list and prints the assembler source of the kernel's kallsyms tables. The output, the
//! messages on stderr and the exit status are the C tool's, byte for byte. Phases, in C's order:
//! [`cli`] → [`read`] → [`filter`] → [`sort`] keys → [`compress`] → [`sort`] → [`write`].
//! `kallsyms-rs decode` ([`decode`]) reads the tables back out of a vmlinux or a module.
//!
//! The crate is a library so that the fuzz targets (`fuzz/`) run the tool's own parsing code;
//! the binary (`src/main.rs`) only calls [`main`]. Nothing else is public but [`fuzz_entry`].

mod cli;
mod compress;
mod decode;
mod error;
mod filter;
pub mod fuzz_entry;
mod paths;
mod read;
mod sort;
mod table;
mod write;

use std::io::Write;

use error::Fatal;
use kpaths::kallsyms::path_table::PathTable;

const HELP: &str = "\
Usage: kallsyms-rs [--all-symbols] [--absolute-percpu] [--paths-*=...] in.map > out.S
       kallsyms-rs decode [--map] [--paths] [--check] [--absolute-percpu|--no-absolute-percpu]
                          [--config FILE] <vmlinux|module.ko>

A drop-in replacement for Linux 6.12 scripts/kallsyms (same options, input, .S output, messages
and exit codes); with patch 0001 of kbuild/patches: make KALLSYMS=/abs/path/kallsyms-rs
  --all-symbols      CONFIG_KALLSYMS_ALL: keep symbols outside the text ranges
  --absolute-percpu  CONFIG_KALLSYMS_ABSOLUTE_PERCPU: per-cpu symbols are absolute
  --paths-image=, --paths-manifest=, --paths-object=, --paths-lds=
                     CONFIG_KALLSYMS_PATHS: add the source-path side table after the tables
                     (link-vmlinux.sh passes these; see docs/vmlinux-paths.md)
decode prints the kallsyms tables of a built vmlinux like /proc/kallsyms (with --paths like
/proc/kallsyms_paths), or the symbols of a module with their .kallsyms_paths paths, and checks
them (docs/decode.md).
";

/// The whole tool: what the `kallsyms-rs` binary's `main` does, ending in `exit()` with the
/// tool's status.
pub fn main() -> ! {
    restore_sigpipe();
    // `kallsyms-rs decode ...` is ours; the C tool would read a map file named "decode", which
    // Kbuild never passes (an input of that name can be given as ./decode).
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // `--help`/`--version` alone are ours; C kallsyms would print its usage line and exit 1.
    let version = concat!(
        "kallsyms-rs ",
        env!("CARGO_PKG_VERSION"),
        " (drop-in for Linux 6.12 scripts/kallsyms)"
    );
    if kpaths::tool::help_or_version(&args, HELP, version) {
        std::process::exit(0);
    }
    if args.get(1).is_some_and(|a| a == "decode") {
        std::process::exit(decode::main(args.get(2..).unwrap_or(&[])));
    }
    let status = match run() {
        Ok(()) => 0,
        Err(fatal) => {
            let _ = std::io::stderr().write_all(&fatal.message);
            fatal.status
        }
    };
    std::process::exit(status);
}

/// C's `main()` between `read_map()` and `write_src()`: drop and mark symbols, compute the
/// sort keys, build the token table, sort, record the relative base. Returns the token table
/// and the relative base. (The fuzz target runs the same steps.)
fn build_tables(
    table: &mut table::SymbolTable,
    all_symbols: bool,
    absolute_percpu: bool,
) -> (compress::TokenTable, u64) {
    filter::shrink_table(table, all_symbols);
    if absolute_percpu {
        filter::make_percpus_absolute(table);
    }
    sort::prepare_sort_keys(table);
    // Compression does not depend on the table order, so it runs on the symbols in input
    // order, where their slots are in arena order (see compress.rs).
    let tokens = compress::optimize_token_table(table);
    sort::sort_symbols(table);
    let relative_base = sort::record_relative_base(table);
    (tokens, relative_base)
}

fn run() -> Result<(), Fatal> {
    let mut args: Vec<_> = std::env::args_os().collect();
    // CONFIG_KALLSYMS_PATHS (docs/vmlinux-paths.md): without --paths-* options this is the
    // byte-identical drop-in.
    let path_args = paths::cli::take_path_options(&mut args)
        .map_err(|e| Fatal::new(format!("kallsyms: {e}\n")))?;
    let options = cli::parse_args(&args, std::env::var_os("POSIXLY_CORRECT").is_some())?;

    let mut table = read::read_map(&options.input, &mut std::io::stderr())?;
    // CONFIG_KALLSYMS_PATHS: each symbol's source path, by input order (names stay as they are).
    let input_paths = match &path_args {
        Some(args) => Some(paths::cli::resolve_paths(args, &table)?),
        None => None,
    };
    let (tokens, relative_base) =
        build_tables(&mut table, options.all_symbols, options.absolute_percpu);
    // The path side table follows the table order; `seq` is still the input index here
    // (write_src renumbers it).
    let path_table = match &input_paths {
        Some(paths) => Some(
            PathTable::build(table.symbols.iter().map(|s| {
                paths
                    .get(s.seq as usize)
                    .and_then(|p| p.as_deref())
                    .map(str::as_bytes)
            }))
            .map_err(|e| Fatal::new(format!("kallsyms: paths: {e}\n")))?,
        ),
        None => None,
    };

    let stdout = std::io::stdout();
    let (stdio_block, line_buffered) = stdio_buffering(&stdout);
    let mut lock = stdout.lock();
    let mut out = write::Out::new(&mut lock, stdio_block, line_buffered);
    let result = write::write_src(
        &mut out,
        &mut table,
        &tokens,
        relative_base,
        options.absolute_percpu,
    );
    let result = result.map(|()| {
        if let Some(path_table) = &path_table {
            write::write_path_tables(&mut out, path_table);
        }
    });
    if let Err(fatal) = result {
        // C's stdio has written whole buffers so far; it prints the message (unbuffered
        // stderr), then exit() flushes the rest of stdout.
        out.flush_before_exit_message();
        let _ = std::io::stderr().write_all(&fatal.message);
        out.flush();
        return Err(Fatal {
            message: Vec::new(),
            status: fatal.status,
        });
    }
    out.flush();
    Ok(())
}

/// The buffering glibc gives stdout (`_IO_file_doallocate`): a buffer of `st_blksize` bytes
/// when that is below BUFSIZ, else BUFSIZ; line buffering on a terminal.
fn stdio_buffering(stdout: &std::io::Stdout) -> (usize, bool) {
    use std::io::IsTerminal;
    use std::os::fd::AsFd;
    use std::os::unix::fs::MetadataExt;

    let blksize = stdout
        .as_fd()
        .try_clone_to_owned()
        .and_then(|fd| std::fs::File::from(fd).metadata())
        .map_or(0, |m| m.blksize());
    let block = match usize::try_from(blksize) {
        Ok(b) if b > 0 && b < write::STDIO_BUFSIZ => b,
        _ => write::STDIO_BUFSIZ,
    };
    (block, stdout.is_terminal())
}

/// Rust starts with SIGPIPE ignored; C kallsyms is killed by it when stdout is a closed pipe.
#[allow(unsafe_code)] // one libc call, justified below
fn restore_sigpipe() {
    // SAFETY: called first thing in main, before any thread exists; SIG_DFL is a valid handler.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
