//! kallsyms-rs: a drop-in replacement for Linux 6.12 `scripts/kallsyms`.
//!
//! On the `decode` branch this is only a dispatcher for `kallsyms-rs decode ...`; the drop-in's
//! own main.rs (branch `kallsyms`) gets the same one dispatch line at integration.

mod decode;

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "decode") {
        std::process::exit(decode::main(args.get(2..).unwrap_or(&[])));
    }
    eprintln!("kallsyms-rs: only `kallsyms-rs decode ...` is implemented on this branch");
    std::process::exit(1);
}
